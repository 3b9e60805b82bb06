//! The columns of `instances` that recreates use: the machine revision an instance's container
//! was made from, the props its owner gave, and the journal of a recreate in flight.

use rsrc_shared::api::InstanceState;
use rusqlite::named_params;
use serde::{Deserialize, Serialize};

use super::query;
use crate::error::{Error, Result};
use crate::registry::{Snap, Tx};

/// Records where a new instance's container comes from; in the create's transaction.
pub fn set_origin(tx: &Tx, id: &str, revision: i64, given: &[String]) -> Result<()> {
    let given = encode(&given)?;
    query::execute(
        tx,
        "record instance origin",
        "UPDATE instances SET machine_revision = :revision, env_given = :given WHERE id = :id",
        named_params! {":id": id, ":revision": revision, ":given": given},
    )
    .map(drop)
}

fn encode<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal(format!("encode journal: {e}")))
}

/// A recreate as journalled. Holds no secret value: those are only in the containers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The container being made.
    pub container: String,
    /// The environment to store, secret values left out.
    pub env_json: String,
    pub given: Vec<String>,
    pub revision: i64,
    /// The state before: what a dropped recreate goes back to.
    pub from: InstanceState,
}

/// What a recreate reads of an instance besides its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub revision: i64,
    /// `None`: made before rsrc recorded it; every stored key counts as given.
    pub given: Option<Vec<String>>,
    pub plan: Option<Plan>,
}

pub fn origin(snap: &Snap, id: &str) -> Result<Option<Origin>> {
    type Columns = (i64, Option<String>, Option<String>);
    let row: Option<Columns> = query::optional(
        snap,
        "read instance origin",
        "SELECT machine_revision, env_given, recreate_plan FROM instances WHERE id = :id",
        named_params! {":id": id},
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let Some((revision, given, plan)) = row else {
        return Ok(None);
    };
    let bad =
        |what: &str, e: serde_json::Error| Error::internal(format!("instance {id}: {what}: {e}"));
    let given = given
        .map(|t| serde_json::from_str(&t).map_err(|e| bad("env_given", e)))
        .transpose()?;
    let plan = plan
        .map(|t| serde_json::from_str(&t).map_err(|e| bad("recreate_plan", e)))
        .transpose()?;
    Ok(Some(Origin {
        revision,
        given,
        plan,
    }))
}

/// Journals a recreate: state `recreating` with its plan. Only from a settled state; `false`
/// when the row is gone or another request got there first.
pub fn begin(tx: &Tx, id: &str, plan: &Plan, now: i64) -> Result<bool> {
    let changed = query::execute(
        tx,
        "journal recreate",
        "UPDATE instances SET state = 'recreating', recreate_plan = :plan, updated_at = :now
         WHERE id = :id AND state NOT IN ('creating', 'removing', 'recreating')",
        named_params! {":id": id, ":plan": encode(plan)?, ":now": now},
    )?;
    Ok(changed == 1)
}

/// The plan's container is the instance's now; the row leaves `recreating` for `created` (its
/// first state not seen yet), as a create does, and the caller records that state next.
pub fn complete(tx: &Tx, id: &str, plan: &Plan, container_id: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "complete recreate",
        "UPDATE instances SET state = 'created', container_name = :name, container_id = :cid,
            recreate_plan = NULL, env = :env, env_given = :given, machine_revision = :revision,
            exit_code = NULL, updated_at = :now
         WHERE id = :id",
        named_params! {
            ":id": id,
            ":name": plan.container,
            ":cid": container_id,
            ":env": plan.env_json,
            ":given": encode(&plan.given)?,
            ":revision": plan.revision,
            ":now": now,
        },
    )
    .map(drop)
}

/// Drops a recreate whose container was never made: the instance keeps the one it had (and the
/// state it was in), whose state the caller records next.
pub fn abandon(tx: &Tx, id: &str, plan: &Plan, now: i64) -> Result<()> {
    query::execute(
        tx,
        "drop recreate",
        "UPDATE instances SET state = :state, recreate_plan = NULL, updated_at = :now
         WHERE id = :id AND state = 'recreating'",
        named_params! {":id": id, ":state": plan.from.as_str(), ":now": now},
    )
    .map(drop)
}
