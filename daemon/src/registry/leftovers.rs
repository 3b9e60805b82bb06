//! `engine_leftovers`: containers and volumes an admin's forced removal left at the engine, for
//! the repair pass to remove once the engine can be reached.

use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub id: i64,
    pub instance_id: String,
    pub container_id: Option<String>,
    pub container_name: String,
    pub volumes: Vec<String>,
}

pub fn add(
    tx: &Tx,
    instance_id: &str,
    container_id: Option<&str>,
    container_name: &str,
    volumes: &[String],
    now: i64,
) -> Result<()> {
    let volumes = serde_json::to_string(volumes)
        .map_err(|e| crate::error::Error::internal(format!("cannot encode volume names: {e}")))?;
    query::execute(
        tx,
        "record leftovers",
        "INSERT INTO engine_leftovers (instance_id, container_id, container_name, volumes,
             created_at)
         VALUES (:instance, :container_id, :container_name, :volumes, :now)",
        named_params! {
            ":instance": instance_id,
            ":container_id": container_id,
            ":container_name": container_name,
            ":volumes": volumes,
            ":now": now,
        },
    )
    .map(drop)
}

/// Every leftover, oldest first.
pub fn all(snap: &Snap) -> Result<Vec<Leftover>> {
    query::list(
        snap,
        "list leftovers",
        "SELECT id, instance_id, container_id, container_name, volumes
         FROM engine_leftovers ORDER BY id",
        [],
        |r| {
            let volumes: String = r.get(4)?;
            Ok(Leftover {
                id: r.get(0)?,
                instance_id: r.get(1)?,
                container_id: r.get(2)?,
                container_name: r.get(3)?,
                volumes: serde_json::from_str(&volumes).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        4,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?,
            })
        },
    )
}

pub fn delete(tx: &Tx, id: i64) -> Result<()> {
    query::execute(
        tx,
        "delete leftover",
        "DELETE FROM engine_leftovers WHERE id = :id",
        named_params! {":id": id},
    )
    .map(drop)
}
