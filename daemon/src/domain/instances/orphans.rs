//! Orphans: containers that carry this daemon's labels but have no instance in the registry.
//! They are reported (here and in the log at reconciliation), never removed.

use std::collections::HashSet;

use rsrc_shared::api::Orphan;

use crate::domain::accounts::Caller;
use crate::engine::{LABEL_INSTANCE, LABEL_OWNER};
use crate::error::Result;
use crate::registry::instances as repo;
use crate::State;

pub async fn list(state: &State, caller: &Caller) -> Result<Vec<Orphan>> {
    caller.require_admin()?;
    let listed = state.engine.labelled_containers(&state.daemon_id).await?;
    let known: HashSet<String> = state
        .registry
        .read(repo::all_ids)
        .await?
        .into_iter()
        .collect();
    let mut out: Vec<Orphan> = listed
        .into_iter()
        .filter(|c| {
            c.labels
                .get(LABEL_INSTANCE)
                .is_none_or(|id| !known.contains(id))
        })
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
