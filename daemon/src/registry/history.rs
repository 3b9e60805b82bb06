//! `instance_events`: the append-only history of every instance (triggers refuse UPDATE and
//! DELETE). Domain code writes it through `crate::domain::events`.

use rsrc_shared::api::{Cause, EventKind};
use rusqlite::named_params;

use super::query;
use crate::error::{Error, Result};
use crate::registry::{Snap, Tx};

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
pub fn append(tx: &Tx, e: &NewEvent) -> Result<i64> {
    // With its uptime mark, or not at all: a kill -9 leaves the rollup in step.
    tx.savepoint(|tx| {
        let id = insert(tx, e)?;
        super::uptime_marks::on_append(tx, e)?;
        Ok(id)
    })
}

fn insert(tx: &Tx, e: &NewEvent) -> Result<i64> {
    query::execute(
        tx,
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
    Ok(tx.last_insert_rowid())
}

/// The newest recorded state of an instance; `None` before its first entry. The engine's
/// outages are intervals around the instance's states, not states: they are left out.
pub fn last_state(snap: &Snap, instance_id: &str) -> Result<Option<LastState>> {
    query::optional(
        snap,
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
pub fn latest_id(snap: &Snap) -> Result<i64> {
    Ok(query::optional(
        snap,
        "read newest event id",
        "SELECT COALESCE(MAX(id), 0) FROM instance_events",
        [],
        |r| r.get(0),
    )?
    .unwrap_or(0))
}

/// The time of the newest entry (Unix milliseconds), if any.
pub fn latest_at(snap: &Snap) -> Result<Option<i64>> {
    Ok(query::optional(
        snap,
        "read newest event time",
        "SELECT MAX(at) FROM instance_events",
        [],
        |r| r.get::<_, Option<i64>>(0),
    )?
    .flatten())
}

/// Entries after `after_id`, oldest first, at most `limit`: how a subscriber of the bus catches
/// up, however far behind it is.
pub fn after(snap: &Snap, after_id: i64, limit: i64) -> Result<Vec<StoredEvent>> {
    query::list(
        snap,
        "read events",
        "SELECT id, instance_id, owner_id, at, kind, up, cause, exit_code, detail
         FROM instance_events WHERE id > :after ORDER BY id LIMIT :limit",
        named_params! {":after": after_id, ":limit": limit},
        stored,
    )
}

const COLUMNS: &str = "id, instance_id, owner_id, at, kind, up, cause, exit_code, detail";

fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
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
            kind: text(4)?
                .parse::<EventKind>()
                .map_err(|e| parse_err(4, e.to_string()))?,
            up: r.get(5)?,
            cause: text(6)?.parse().map_err(|e| parse_err(6, e))?,
            exit_code: r.get(7)?,
            detail: r.get(8)?,
        },
    })
}

fn events(r: &rusqlite::Row<'_>) -> rusqlite::Result<NewEvent> {
    stored(r).map(|s| s.event)
}

/// What the state of `instance_id` was at `at`: its last up/down entry and its last engine entry
/// at or before then.
pub fn prelude(snap: &Snap, instance_id: &str, at: i64) -> Result<Vec<NewEvent>> {
    query::list(
        snap,
        "read the state before a period",
        &format!(
            "SELECT {COLUMNS} FROM instance_events WHERE id IN (
               SELECT (SELECT id FROM instance_events
                       WHERE instance_id = :instance AND at <= :at AND kind NOT IN {ENGINE}
                       ORDER BY at DESC, id DESC LIMIT 1)
               UNION ALL
               SELECT (SELECT id FROM instance_events
                       WHERE instance_id = :instance AND at <= :at AND kind IN {ENGINE}
                       ORDER BY at DESC, id DESC LIMIT 1))"
        ),
        named_params! {":instance": instance_id, ":at": at},
        events,
    )
}

const ENGINE: &str = "('engine_down', 'engine_up')";

/// The entries of `instance_id` in `(from, to]`, oldest first.
pub fn between(snap: &Snap, instance_id: &str, from: i64, to: i64) -> Result<Vec<NewEvent>> {
    query::list(
        snap,
        "read an instance's history",
        &format!(
            "SELECT {COLUMNS} FROM instance_events
             WHERE instance_id = :instance AND at > :from AND at <= :to ORDER BY at, id"
        ),
        named_params! {":instance": instance_id, ":from": from, ":to": to},
        events,
    )
}

/// Which entries `rsrc events` reads.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this owner's; everyone's for `None`.
    pub owner: Option<i64>,
    pub instance: Option<String>,
    /// Unix milliseconds, inclusive.
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// An entry as `rsrc events` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub stored: StoredEvent,
    /// The owner's email, empty once the account is gone.
    pub owner: String,
    /// The instance's name, also after it was removed; empty when it is not known (removed
    /// before migration 0018, its volumes not kept).
    pub name: String,
}

/// Entries after `after_id` that pass `filter`, by id, at most `limit`, each with its owner's
/// email and its instance's name.
pub fn page(snap: &Snap, filter: &Filter, after_id: i64, limit: i64) -> Result<Vec<Listed>> {
    query::list(
        snap,
        "read events",
        "SELECT e.id, e.instance_id, e.owner_id, e.at, e.kind, e.up, e.cause, e.exit_code,
                e.detail, COALESCE(u.email, ''), COALESCE(n.name, '')
         FROM instance_events e LEFT JOIN users u ON u.id = e.owner_id
              LEFT JOIN instance_names n ON n.instance_id = e.instance_id
         WHERE e.id > :after
           AND (:owner IS NULL OR e.owner_id = :owner)
           AND (:instance IS NULL OR e.instance_id = :instance)
           AND (:since IS NULL OR e.at >= :since)
           AND (:until IS NULL OR e.at <= :until)
         ORDER BY e.id LIMIT :limit",
        named_params! {
            ":after": after_id,
            ":owner": filter.owner,
            ":instance": filter.instance,
            ":since": filter.since,
            ":until": filter.until,
            ":limit": limit,
        },
        |r| {
            Ok(Listed {
                stored: stored(r)?,
                owner: r.get(9)?,
                name: r.get(10)?,
            })
        },
    )
}

/// Deletes at most `batch` entries older than `cutoff`, keeping each existing instance's last
/// up/down entry and last engine entry before it (the state its retained history starts in: an
/// engine outage that began before the cut-off still covers what follows); returns how many
/// went.
pub fn prune(tx: &Tx, cutoff: i64, batch: i64) -> Result<usize> {
    query::execute(
        tx,
        "prune history",
        &format!(
            "DELETE FROM instance_events WHERE id IN (
               SELECT e.id FROM instance_events e
               WHERE e.at < :cutoff
                 AND (e.instance_id NOT IN (SELECT id FROM instances)
                      OR EXISTS (SELECT 1 FROM instance_events n
                                 WHERE n.instance_id = e.instance_id AND n.at < :cutoff
                                   AND (n.kind IN {ENGINE}) = (e.kind IN {ENGINE})
                                   AND (n.at > e.at OR (n.at = e.at AND n.id > e.id))))
               ORDER BY e.id LIMIT :batch)"
        ),
        named_params! {":cutoff": cutoff, ":batch": batch},
    )
}
