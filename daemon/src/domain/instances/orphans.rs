//! Orphans: containers that carry this daemon's labels but are no instance's container in the
//! registry: no instance of that label, or a labelled copy of an instance's container (`docker
//! commit` and `docker run`). They are reported (here and in the log at reconciliation), never
//! removed.

use std::collections::HashMap;

use rsrc_shared::api::Orphan;

use super::Row;
use crate::domain::accounts::Caller;
use crate::engine::{Listed, LABEL_INSTANCE, LABEL_OWNER};
use crate::error::Result;
use crate::registry::instances as repo;
use crate::State;

pub async fn list(state: &State, caller: &Caller) -> Result<Vec<Orphan>> {
    caller.require_admin()?;
    let listed = state.engine.labelled_containers(&state.daemon_id).await?;
    let rows = state.registry.read(repo::all).await?;
    let known = by_id(&rows);
    let mut out: Vec<Orphan> = listed
        .into_iter()
        .filter(|c| is_orphan(c, &known))
        .map(|c| Orphan {
            instance_label: c.labels.get(LABEL_INSTANCE).cloned(),
            owner_label: c.labels.get(LABEL_OWNER).cloned(),
            container_id: c.id,
            container_name: c.name,
            state: c.state,
        })
        .collect();
    out.sort_by(|a, b| a.container_name.cmp(&b.container_name));
    Ok(out)
}

/// The instances by id, for [`is_orphan`].
pub fn by_id(rows: &[Row]) -> HashMap<&str, &Row> {
    rows.iter().map(|r| (r.id.as_str(), r)).collect()
}

/// Whether a labelled container is no instance's own. A create or recreate in flight has made
/// its container before it records the id, so such an instance's containers are not orphans.
pub fn is_orphan(c: &Listed, known: &HashMap<&str, &Row>) -> bool {
    let Some(row) = c
        .labels
        .get(LABEL_INSTANCE)
        .and_then(|id| known.get(id.as_str()))
    else {
        return true;
    };
    if row.state.is_transitional() {
        return false;
    }
    row.container_id.as_ref().is_some_and(|id| *id != c.id)
}
