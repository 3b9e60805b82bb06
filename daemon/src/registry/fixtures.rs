//! Rows for unit tests that need users and machines without going through their domains.

use rsrc_shared::api::MachineSpec;
use rusqlite::{named_params, Connection};

use super::query;
use crate::error::Result;

pub fn insert_user(conn: &Connection, id: i64, email: &str, admin: bool) -> Result<()> {
    query::execute(
        conn,
        "insert test user",
        "INSERT INTO users (id, email, name, password_hash, role, verified, created_at, updated_at)
         VALUES (:id, :email, 'test', 'x', :role, 1, 0, 0)",
        named_params! {":id": id, ":email": email, ":role": if admin { "admin" } else { "user" }},
    )
    .map(drop)
}

pub fn insert_machine(conn: &Connection, id: i64, spec: &MachineSpec) -> Result<()> {
    let json =
        serde_json::to_string(spec).map_err(|e| crate::error::Error::internal(e.to_string()))?;
    query::execute(
        conn,
        "insert test machine",
        "INSERT INTO machines (id, name, spec, created_at, updated_at)
         VALUES (:id, :name, :spec, 0, 0)",
        named_params! {":id": id, ":name": spec.name, ":spec": json},
    )
    .map(drop)
}
