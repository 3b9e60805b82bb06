//! Rows for unit tests that need users and machines without going through their domains.

use rsrc_shared::api::MachineSpec;
use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

pub fn insert_user(tx: &Tx, id: i64, email: &str, admin: bool) -> Result<()> {
    query::execute(
        tx,
        "insert test user",
        "INSERT INTO users (id, email, name, password_hash, role, verified, created_at, updated_at)
         VALUES (:id, :email, 'test', 'x', :role, 1, 0, 0)",
        named_params! {":id": id, ":email": email, ":role": if admin { "admin" } else { "user" }},
    )
    .map(drop)
}

pub fn insert_machine(tx: &Tx, id: i64, spec: &MachineSpec) -> Result<()> {
    let json =
        serde_json::to_string(spec).map_err(|e| crate::error::Error::internal(e.to_string()))?;
    query::execute(
        tx,
        "insert test machine",
        "INSERT INTO machines (id, name, spec, created_at, updated_at)
         VALUES (:id, :name, :spec, 0, 0)",
        named_params! {":id": id, ":name": spec.name, ":spec": json},
    )
    .map(drop)
}

/// The instances whose copies on their row disagree with `uptime_marks`: the newest mark
/// (migration 0013) or the time of the one before it (0014).
pub fn stale_mark_copies(snap: &Snap) -> Result<Vec<String>> {
    query::list(
        snap,
        "check mark copies",
        "SELECT id FROM instances i
         WHERE (newest_mark_at, newest_mark_label, newest_mark_engine_out,
                newest_mark_before, newest_mark_up_ms, newest_mark_down_ms)
               IS NOT (SELECT at, label, engine_out, before, up_ms, down_ms
                       FROM uptime_marks WHERE instance_id = i.id
                       ORDER BY at DESC LIMIT 1)
            OR mark_before_newest_at
               IS NOT (SELECT at FROM uptime_marks WHERE instance_id = i.id
                       ORDER BY at DESC LIMIT 1 OFFSET 1)",
        [],
        |r| r.get(0),
    )
}

/// Forgets every uptime mark, as a registry from before migration 0012 would have none.
pub fn delete_uptime_marks(tx: &Tx) -> Result<()> {
    query::execute(tx, "delete marks", "DELETE FROM uptime_marks", []).map(drop)
}
