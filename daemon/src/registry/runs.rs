//! `daemon_runs`: when rsrcd ran. The time between two runs is time nobody watched the
//! instances; uptime shows it as unknown.

use rusqlite::{named_params, Connection};

use super::query;
use crate::error::Result;

/// One run of rsrcd: from its start to its last heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub started_at: i64,
    pub last_alive: i64,
}

/// Records the start of a run; returns its id.
pub fn start(conn: &Connection, now: i64) -> Result<i64> {
    query::execute(
        conn,
        "record daemon start",
        "INSERT INTO daemon_runs (started_at, last_alive) VALUES (:now, :now)",
        named_params! {":now": now},
    )?;
    Ok(conn.last_insert_rowid())
}

/// The run's heartbeat.
pub fn alive(conn: &Connection, id: i64, now: i64) -> Result<()> {
    query::execute(
        conn,
        "record daemon heartbeat",
        "UPDATE daemon_runs SET last_alive = MAX(last_alive, :now) WHERE id = :id",
        named_params! {":id": id, ":now": now},
    )
    .map(drop)
}

/// The runs that overlap `[from, to]`, oldest first, with the one that ended last before
/// `from` (so that a gap reaching into the window is seen).
pub fn overlapping(conn: &Connection, from: i64, to: i64) -> Result<Vec<Run>> {
    query::list(
        conn,
        "read daemon runs",
        "SELECT started_at, last_alive FROM daemon_runs
         WHERE (last_alive >= :from AND started_at <= :to)
            OR id = (SELECT id FROM daemon_runs WHERE last_alive < :from
                     ORDER BY last_alive DESC LIMIT 1)
         ORDER BY started_at",
        named_params! {":from": from, ":to": to},
        |r| {
            Ok(Run {
                started_at: r.get(0)?,
                last_alive: r.get(1)?,
            })
        },
    )
}

/// Forgets runs that ended before `cutoff`, keeping the newest of them (it bounds the gap after
/// it); returns how many went.
pub fn prune(conn: &Connection, cutoff: i64) -> Result<usize> {
    query::execute(
        conn,
        "prune daemon runs",
        "DELETE FROM daemon_runs WHERE last_alive < :cutoff
           AND id <> (SELECT id FROM daemon_runs WHERE last_alive < :cutoff
                      ORDER BY last_alive DESC LIMIT 1)",
        named_params! {":cutoff": cutoff},
    )
}
