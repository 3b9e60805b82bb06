//! `instance_events`: the append-only history of every instance (triggers refuse UPDATE and
//! DELETE). Domain code writes it through `crate::history`.

use rsrc_shared::api::{Cause, EventKind};
use rusqlite::{named_params, Connection};

use super::query;
use crate::error::{Error, Result};

/// One entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub instance_id: String,
    pub owner_id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub kind: EventKind,
    /// Whether the instance is up after it.
    pub up: bool,
    pub cause: Cause,
    pub exit_code: Option<i64>,
    pub detail: Option<String>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: i64,
    pub event: NewEvent,
}

/// The last up/down state recorded for an instance, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastState {
    pub up: bool,
    pub at: i64,
}

/// Appends an entry; returns its id.
pub fn append(conn: &Connection, e: &NewEvent) -> Result<i64> {
    query::execute(
        conn,
        "record instance event",
        "INSERT INTO instance_events (instance_id, owner_id, at, kind, up, cause, exit_code, detail)
         VALUES (:instance, :owner, :at, :kind, :up, :cause, :exit_code, :detail)",
        named_params! {
            ":instance": e.instance_id,
            ":owner": e.owner_id,
            ":at": e.at,
            ":kind": e.kind.as_str(),
            ":up": e.up,
            ":cause": e.cause.to_string(),
            ":exit_code": e.exit_code,
            ":detail": e.detail,
        },
    )?;
    Ok(conn.last_insert_rowid())
}

/// The newest recorded state of an instance; `None` before its first entry. The engine's
/// outages are intervals around the instance's states, not states: they are left out.
pub fn last_state(conn: &Connection, instance_id: &str) -> Result<Option<LastState>> {
    query::optional(
        conn,
        "read last event",
        "SELECT up, at FROM instance_events
         WHERE instance_id = :instance AND kind NOT IN ('engine_down', 'engine_up')
         ORDER BY at DESC, id DESC LIMIT 1",
        named_params! {":instance": instance_id},
        |r| {
            Ok(LastState {
                up: r.get(0)?,
                at: r.get(1)?,
            })
        },
    )
}

/// The id of the newest entry, 0 when there is none.
pub fn latest_id(conn: &Connection) -> Result<i64> {
    Ok(query::optional(
        conn,
        "read newest event id",
        "SELECT COALESCE(MAX(id), 0) FROM instance_events",
        [],
        |r| r.get(0),
    )?
    .unwrap_or(0))
}

/// The time of the newest entry (Unix milliseconds), if any.
pub fn latest_at(conn: &Connection) -> Result<Option<i64>> {
    Ok(query::optional(
        conn,
        "read newest event time",
        "SELECT MAX(at) FROM instance_events",
        [],
        |r| r.get::<_, Option<i64>>(0),
    )?
    .flatten())
}

/// Entries after `after_id`, oldest first, at most `limit`: how a subscriber of the bus catches
/// up, however far behind it is.
pub fn after(conn: &Connection, after_id: i64, limit: i64) -> Result<Vec<StoredEvent>> {
    query::list(
        conn,
        "read events",
        "SELECT id, instance_id, owner_id, at, kind, up, cause, exit_code, detail
         FROM instance_events WHERE id > :after ORDER BY id LIMIT :limit",
        named_params! {":after": after_id, ":limit": limit},
        |r| {
            let text = |idx: usize| -> rusqlite::Result<String> { r.get(idx) };
            let parse_err = |idx: usize, e: String| {
                rusqlite::Error::FromSqlConversionFailure(
                    idx,
                    rusqlite::types::Type::Text,
                    Box::new(Error::internal(e)),
                )
            };
            Ok(StoredEvent {
                id: r.get(0)?,
                event: NewEvent {
                    instance_id: r.get(1)?,
                    owner_id: r.get(2)?,
                    at: r.get(3)?,
                    kind: text(4)?.parse().map_err(|e| parse_err(4, e))?,
                    up: r.get(5)?,
                    cause: text(6)?.parse().map_err(|e| parse_err(6, e))?,
                    exit_code: r.get(7)?,
                    detail: r.get(8)?,
                },
            })
        },
    )
}
