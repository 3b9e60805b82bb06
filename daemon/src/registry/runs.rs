//! `daemon_runs`: when rsrcd ran. The time between two runs is time nobody watched the
//! instances; uptime shows it as unknown.

use rusqlite::named_params;

use super::{query, Snap, Tx};
use crate::error::Result;

/// One run of rsrcd: from its start to its last heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub started_at: i64,
    pub last_alive: i64,
}

/// Records the start of a run; returns its id.
pub fn start(tx: &Tx, now: i64) -> Result<i64> {
    query::execute(
        tx,
        "record daemon start",
        "INSERT INTO daemon_runs (started_at, last_alive) VALUES (:now, :now)",
        named_params! {":now": now},
    )?;
    Ok(tx.last_insert_rowid())
}

/// The run's heartbeat.
pub fn alive(tx: &Tx, id: i64, now: i64) -> Result<()> {
    query::execute(
        tx,
        "record daemon heartbeat",
        "UPDATE daemon_runs SET last_alive = MAX(last_alive, :now) WHERE id = :id",
        named_params! {":id": id, ":now": now},
    )
    .map(drop)
}

/// The runs that overlap `[from, to]`, oldest first, with the one that ended last before
/// `from` (so that a gap reaching into the window is seen).
pub fn overlapping(snap: &Snap, from: i64, to: i64) -> Result<Vec<Run>> {
    query::list(
        snap,
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

/// The last heartbeat of the newest run that started before `before`, moved on to `until` when
/// it is older: the time between counts as watched. Returns the heartbeat it moved, if any.
pub fn extend_previous(tx: &Tx, before: i64, until: i64) -> Result<Option<i64>> {
    let previous: Option<(i64, i64)> = query::optional(
        tx,
        "read the previous run",
        "SELECT id, last_alive FROM daemon_runs WHERE started_at < :before
         ORDER BY started_at DESC LIMIT 1",
        named_params! {":before": before},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some((id, last_alive)) = previous.filter(|&(_, last)| last < until) else {
        return Ok(None);
    };
    alive(tx, id, until)?;
    Ok(Some(last_alive))
}

/// Forgets runs that ended before `cutoff`, keeping the newest of them (it bounds the gap after
/// it); returns how many went.
pub fn prune(tx: &Tx, cutoff: i64) -> Result<usize> {
    query::execute(
        tx,
        "prune daemon runs",
        "DELETE FROM daemon_runs WHERE last_alive < :cutoff
           AND id <> (SELECT id FROM daemon_runs WHERE last_alive < :cutoff
                      ORDER BY last_alive DESC LIMIT 1)",
        named_params! {":cutoff": cutoff},
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::{self as bus, Entry};
    use crate::registry::{history as events, Registry};
    use rsrc_shared::api::{Cause, EventKind};

    fn entry(instance: &str, at: i64, kind: EventKind) -> Entry {
        Entry {
            instance_id: instance.into(),
            owner_id: 1,
            at,
            kind,
            up: kind == EventKind::Started,
            cause: Cause::Docker,
            exit_code: None,
            detail: None,
        }
    }

    #[test]
    fn runs_around_a_window_include_the_one_before_it() {
        let reg = Registry::open_in_memory().unwrap();
        let got = reg
            .write_blocking(|conn| {
                let a = start(conn, 0)?;
                alive(conn, a, 40)?;
                alive(conn, a, 30)?; // never goes back
                start(conn, 100)?;
                overlapping(conn, 60, 200)
            })
            .unwrap();
        assert_eq!(
            got,
            [
                Run {
                    started_at: 0,
                    last_alive: 40
                },
                Run {
                    started_at: 100,
                    last_alive: 100
                }
            ]
        );
    }

    #[test]
    fn prune_drops_old_entries_but_keeps_each_live_instances_last_state_and_the_last_day() {
        let reg = Registry::open_in_memory().unwrap();
        let day = 86_400_000;
        let now = crate::clock::now_ms();
        let (deleted, left, recent) = reg
            .write_blocking(|conn| {
                // "gone" has no instance row any more: all of its old history may go.
                for (instance, at, kind) in [
                    ("gone", now - 50 * day, EventKind::Started),
                    ("gone", now - 40 * day, EventKind::Removed),
                ] {
                    bus::record(conn, &entry(instance, at, kind))?;
                }
                let recent = bus::record(conn, &entry("gone", now, EventKind::Started))?;
                let cutoff = now - 30 * day;
                let mut deleted = 0;
                loop {
                    let n = events::prune(conn, cutoff, 1)?;
                    if n == 0 {
                        break;
                    }
                    deleted += n;
                }
                let left = events::after(conn, 0, 100)?.len();
                // The last hour is refused by the table itself, whatever the caller asks.
                let refused = crate::registry::query::execute(
                    conn,
                    "delete",
                    "DELETE FROM instance_events WHERE id = ?1",
                    [recent],
                )
                .is_err();
                Ok((deleted, left, refused))
            })
            .unwrap();
        assert_eq!((deleted, left), (2, 1));
        assert!(recent, "a recent entry was deleted");
    }
}
