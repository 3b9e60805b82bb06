//! `uptime_marks`: the rollup behind a listing's availability (migration 0012).
//!
//! Each instance has one mark per distinct history time: the state its entries at or before
//! then leave it in, and the up and down time it has accumulated before then. The time nobody
//! watched (between two runs of rsrcd) and engine outages count as neither, as in
//! `uptime::compute::intervals`. The sums of two marks give the time between them, so a
//! window `[from, now]` needs only the first mark after `from` and the last mark:
//!
//! ```text
//! up(from, now) = last.up - next.up + known(from, next.at) if next.before is up
//!                                   + known(last.at, now)  if last's state is up
//! ```
//!
//! A mark is written with its history entry, in that entry's transaction
//! ([`on_append`]). Two things can change marks already written, and both rebuild the marks
//! concerned from the history: an entry older than the newest mark (Docker reports a die with
//! its own time), and a daemon start, which reveals a gap from the last run's last heartbeat
//! (after a kill -9 the marks written after that heartbeat counted their time as watched).

use rsrc_shared::api::EventKind;
use rusqlite::named_params;

use super::history::{self, NewEvent};
use super::instances::Row;
use super::runs::{self, Run};
use super::{query, Viewer};
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// What an interval counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Down = 0,
    Up = 1,
    Unknown = 2,
}

impl Class {
    fn from_i64(v: i64) -> Class {
        match v {
            1 => Class::Up,
            2 => Class::Unknown,
            _ => Class::Down,
        }
    }
}

/// The state the entries up to some time leave an instance in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct State {
    /// The last up/down entry: `None` before the first (the instance is being created).
    pub up: Option<bool>,
    /// The last engine entry said the engine went away.
    pub engine_out: bool,
}

impl State {
    /// The state after an entry of `kind`: engine entries set the outage, every other kind the
    /// up/down state (as `compute::label_after`: only a start or an unpause leaves it up).
    pub fn after(self, kind: EventKind) -> State {
        match kind {
            EventKind::EngineDown => State {
                engine_out: true,
                ..self
            },
            EventKind::EngineUp => State {
                engine_out: false,
                ..self
            },
            kind => State {
                up: Some(matches!(kind, EventKind::Started | EventKind::Unpaused)),
                ..self
            },
        }
    }

    pub fn class(self) -> Class {
        if self.engine_out {
            Class::Unknown
        } else if self.up == Some(true) {
            Class::Up
        } else {
            Class::Down
        }
    }

    fn label(self) -> i64 {
        match self.up {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        }
    }

    fn from_columns(label: i64, engine_out: bool) -> State {
        State {
            up: match label {
                0 => None,
                l => Some(l == 2),
            },
            engine_out,
        }
    }
}

/// One mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub at: i64,
    pub state: State,
    /// The class of the interval that ends here.
    pub before: Class,
    /// Up and down time accumulated before `at`, in milliseconds.
    pub up_ms: i64,
    pub down_ms: i64,
}

impl Mark {
    /// The first mark of an instance: before its first entry it is being created (down).
    fn first(at: i64, state: State) -> Mark {
        Mark {
            at,
            state,
            before: Class::Down,
            up_ms: 0,
            down_ms: 0,
        }
    }

    /// The mark at `at` after this one, left in `state`.
    fn next(&self, at: i64, state: State, gaps: &Gaps) -> Mark {
        let (up, down) = split(self.state.class(), gaps.known(self.at, at));
        Mark {
            at,
            state,
            before: self.state.class(),
            up_ms: self.up_ms + up,
            down_ms: self.down_ms + down,
        }
    }
}

/// `ms` of `class` as (up, down).
fn split(class: Class, ms: i64) -> (i64, i64) {
    match class {
        Class::Up => (ms, 0),
        Class::Down => (0, ms),
        Class::Unknown => (0, 0),
    }
}

/// The times nobody watched: between two consecutive runs of rsrcd.
#[derive(Debug, Clone, Default)]
pub struct Gaps(Vec<(i64, i64)>);

impl Gaps {
    /// The times between `runs` that no run covers, in order (also `compute::intervals`').
    pub fn of(runs: &[Run]) -> Gaps {
        let mut runs = runs.to_vec();
        runs.sort_by_key(|r| (r.started_at, r.last_alive));
        let mut gaps = Vec::new();
        let mut watched_until: Option<i64> = None;
        for r in runs {
            if let Some(until) = watched_until.filter(|&u| r.started_at > u) {
                gaps.push((until, r.started_at));
            }
            watched_until = Some(watched_until.map_or(r.last_alive, |u| u.max(r.last_alive)));
        }
        Gaps(gaps)
    }

    /// The gaps, as `(from, to)` pairs.
    pub fn spans(&self) -> &[(i64, i64)] {
        &self.0
    }

    /// The gaps that reach into `[from, ...]`: a gap ends where the next run starts, so `to`
    /// bounds nothing here.
    pub fn since(snap: &Snap, from: i64) -> Result<Gaps> {
        Ok(Gaps::of(&runs::overlapping(snap, from, i64::MAX)?))
    }

    /// The watched time of `[from, to]`.
    pub fn known(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let unwatched: i64 = self
            .0
            .iter()
            .map(|&(a, b)| (b.min(to) - a.max(from)).max(0))
            .sum();
        to - from - unwatched
    }
}

/// Up and down time of `[from, now]` from the two marks that bound it: `next`, the first mark
/// after `from`, and `last`, the newest. `None` for an instance without marks (no history:
/// being created all along).
pub fn totals(
    last: Option<&Mark>,
    next: Option<&Mark>,
    from: i64,
    now: i64,
    gaps: &Gaps,
) -> (i64, i64) {
    let Some(last) = last else {
        return (0, gaps.known(from, now));
    };
    match next {
        // Nothing happened in the window: it is all in `last`'s state.
        None => split(last.state.class(), gaps.known(from, now)),
        Some(next) => {
            let (head_up, head_down) = split(next.before, gaps.known(from, next.at));
            let (tail_up, tail_down) = split(last.state.class(), gaps.known(last.at, now));
            (
                last.up_ms - next.up_ms + head_up + tail_up,
                last.down_ms - next.down_ms + head_down + tail_down,
            )
        }
    }
}

/// The mark in the six columns from `first` (as [`MARK`] orders them); `None` if `at` is NULL.
pub fn mark_at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Option<Mark>> {
    let Some(at) = r.get::<_, Option<i64>>(first)? else {
        return Ok(None);
    };
    Ok(Some(Mark {
        at,
        state: State::from_columns(r.get(first + 1)?, r.get(first + 2)?),
        before: Class::from_i64(r.get(first + 3)?),
        up_ms: r.get(first + 4)?,
        down_ms: r.get(first + 5)?,
    }))
}

const MARK: &str = "at, label, engine_out, before, up_ms, down_ms";

fn last_mark(snap: &Snap, instance: &str) -> Result<Option<Mark>> {
    Ok(query::optional(
        snap,
        "read the newest uptime mark",
        &format!(
            "SELECT {MARK} FROM uptime_marks WHERE instance_id = :instance
             ORDER BY at DESC LIMIT 1"
        ),
        named_params! {":instance": instance},
        |r| mark_at(r, 0),
    )?
    .flatten())
}

fn insert(tx: &Tx, instance: &str, m: &Mark) -> Result<()> {
    query::execute(
        tx,
        "write uptime mark",
        "INSERT OR REPLACE INTO uptime_marks
           (instance_id, at, label, engine_out, before, up_ms, down_ms)
         VALUES (:instance, :at, :label, :engine_out, :before, :up, :down)",
        named_params! {
            ":instance": instance,
            ":at": m.at,
            ":label": m.state.label(),
            ":engine_out": m.state.engine_out,
            ":before": m.before as i64,
            ":up": m.up_ms,
            ":down": m.down_ms,
        },
    )
    .map(drop)
}

/// Keeps the marks of `e`'s instance in step with its history, `e` having just been appended.
pub fn on_append(tx: &Tx, e: &NewEvent) -> Result<()> {
    let id = e.instance_id.as_str();
    match last_mark(tx, id)? {
        None => insert(tx, id, &Mark::first(e.at, State::default().after(e.kind))),
        Some(last) if e.at > last.at => {
            let gaps = Gaps::since(tx, last.at)?;
            insert(tx, id, &last.next(e.at, last.state.after(e.kind), &gaps))
        }
        // Entries of one time apply in id order: the newest decides.
        Some(last) if e.at == last.at => insert(
            tx,
            id,
            &Mark {
                state: last.state.after(e.kind),
                ..last
            },
        ),
        Some(_) => rebuild(tx, id, e.at),
    }
}

/// Writes the marks of `instance` at `from` and after again, from its history.
pub fn rebuild(tx: &Tx, instance: &str, from: i64) -> Result<()> {
    query::execute(
        tx,
        "drop uptime marks",
        "DELETE FROM uptime_marks WHERE instance_id = :instance AND at >= :from",
        named_params! {":instance": instance, ":from": from},
    )?;
    let mut current = last_mark(tx, instance)?;
    // Without a mark before `from` (none yet, or retention took them) the instance has no mark
    // left at all: start from the oldest entry kept.
    let after = match current {
        Some(_) => from.saturating_sub(1),
        None => i64::MIN,
    };
    let entries = history::between(tx, instance, after, i64::MAX)?;
    let Some(first) = entries.first() else {
        return Ok(());
    };
    let gaps = Gaps::since(tx, current.map_or(first.at, |m| m.at))?;
    let mut pending: Option<Mark> = None;
    for e in &entries {
        let mark = match (pending, current) {
            (Some(p), _) if p.at == e.at => Mark {
                state: p.state.after(e.kind),
                ..p
            },
            (Some(p), _) => {
                insert(tx, instance, &p)?;
                p.next(e.at, p.state.after(e.kind), &gaps)
            }
            (None, Some(c)) => c.next(e.at, c.state.after(e.kind), &gaps),
            (None, None) => Mark::first(e.at, State::default().after(e.kind)),
        };
        pending = Some(mark);
        current = None;
    }
    if let Some(p) = pending {
        insert(tx, instance, &p)?;
    }
    Ok(())
}

/// Records the start of a run of rsrcd (see `runs::start`) and rebuilds the marks written
/// after the previous run's last heartbeat: that time turns out to be unwatched.
pub fn start_run(tx: &Tx, now: i64) -> Result<i64> {
    tx.savepoint(|tx| {
        let previous: Option<i64> = query::optional(
            tx,
            "read the last run",
            "SELECT MAX(last_alive) FROM daemon_runs",
            [],
            |r| r.get(0),
        )?
        .flatten();
        let id = runs::start(tx, now)?;
        if let Some(previous) = previous.filter(|&p| p < now) {
            rebuild_after(tx, previous)?;
        }
        Ok(id)
    })
}

/// Rebuilds every instance's marks after `since`: what was watched from then on changed.
fn rebuild_after(tx: &Tx, since: i64) -> Result<()> {
    let stale = query::list(
        tx,
        "read stale uptime marks",
        "SELECT DISTINCT instance_id FROM uptime_marks WHERE at > :since",
        named_params! {":since": since},
        |r| r.get::<_, String>(0),
    )?;
    for instance in stale {
        rebuild(tx, &instance, since.saturating_add(1))?;
    }
    Ok(())
}

/// Docker's record vouches for the time between the last run before `this_run_from` and `until`
/// (see `uptime::gap`): the previous run's watch is extended to `until`, so that the gap is
/// known time, and the marks after it are rebuilt. Returns where the gap started, if there was
/// one.
pub fn vouch_gap(tx: &Tx, this_run_from: i64, until: i64) -> Result<Option<i64>> {
    tx.savepoint(|tx| {
        let Some(from) = runs::extend_previous(tx, this_run_from, until)? else {
            return Ok(None);
        };
        rebuild_after(tx, from)?;
        Ok(Some(from))
    })
}

/// Writes every instance's marks from the retained history (when migration 0012 is applied).
pub fn backfill(tx: &Tx) -> Result<()> {
    let instances = query::list(
        tx,
        "list instances with history",
        "SELECT DISTINCT instance_id FROM instance_events",
        [],
        |r| r.get::<_, String>(0),
    )?;
    for instance in instances {
        rebuild(tx, &instance, i64::MIN)?;
    }
    Ok(())
}

/// Deletes at most `batch` marks older than `cutoff`, keeping each existing instance's newest
/// (it holds the state a quiet instance is still in); returns how many went.
pub fn prune(tx: &Tx, cutoff: i64, batch: i64) -> Result<usize> {
    query::execute(
        tx,
        "prune uptime marks",
        "DELETE FROM uptime_marks WHERE (instance_id, at) IN (
           SELECT m.instance_id, m.at FROM uptime_marks m
           WHERE m.at < :cutoff
             AND (m.instance_id NOT IN (SELECT id FROM instances)
                  OR EXISTS (SELECT 1 FROM uptime_marks n
                             WHERE n.instance_id = m.instance_id AND n.at > m.at))
           LIMIT :batch)",
        named_params! {":cutoff": cutoff, ":batch": batch},
    )
}

/// Where a listing's window on `row` starts: at `from`, or when the instance came up if that
/// is later (issue 19 item 18: the time it took to be made is no downtime of a new instance's
/// `UP 7D`); `None` until it came up.
pub fn window_start(row: &Row, from: i64) -> Option<i64> {
    Some(from.max(row.created_at).max(row.came_up_at?))
}

/// The marks that bound a window: the newest, and the first after the window's start.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ends {
    pub last: Option<Mark>,
    pub next: Option<Mark>,
}

/// The first mark after the window's start, for the instances with two marks or more inside
/// the window (the newest and the one before it, both on their row: migrations 0013 and 0014).
/// A window starts when the instance came up (migration 0019), not before; with `came_up_at`
/// NULL the row has no window (`MAX` of a NULL is NULL).
/// The instances drive the query (the LEFT JOIN keeps that order in SQLite): left to itself,
/// the planner scanned every mark by time and looked each instance up.
const NEXT: &str = "SELECT i.id, n.at, n.label, n.engine_out, n.before, n.up_ms, n.down_ms
     FROM instances i
     LEFT JOIN uptime_marks n ON n.instance_id = i.id
       AND n.at = (SELECT at FROM uptime_marks
                   WHERE instance_id = i.id AND at > MAX(:from, i.created_at, i.came_up_at)
                   ORDER BY at LIMIT 1)
     WHERE i.mark_before_newest_at > MAX(:from, i.created_at, i.came_up_at)";

/// For a listing of `rows` (for `viewer`): each row's [`Ends`] for a window that starts at
/// `from` or when it came up ([`window_start`]), in their order. The newest marks come with the rows, and so does
/// when the mark before the newest is. The window's first mark is then known without a read,
/// except for the rows with two marks or more inside the window: those take one query for the
/// whole listing, of two index seeks per such row, and none is made when there is no such row.
pub fn ends_of_listed(snap: &Snap, viewer: Viewer, rows: &[Row], from: i64) -> Result<Vec<Ends>> {
    let mut first_to_read = None;
    let mut out: Vec<Ends> = rows
        .iter()
        .map(|r| {
            let Some(after) = window_start(r, from) else {
                // Not up yet: no window, nothing to read.
                return Ends::default();
            };
            let next = match r.newest_mark.filter(|newest| newest.at > after) {
                // Nothing happened inside the window.
                None => None,
                // Only the newest did.
                Some(newest) if r.mark_before_newest_at.is_none_or(|at| at <= after) => {
                    Some(newest)
                }
                Some(_) => {
                    first_to_read.get_or_insert(r.id.as_str());
                    None
                }
            };
            Ends {
                last: r.newest_mark,
                next,
            }
        })
        .collect();
    let Some(first_to_read) = first_to_read else {
        return Ok(out);
    };
    let position = super::listing::positions(rows);
    let mut add = |r: &rusqlite::Row<'_>| {
        if let Some(&i) = position.get(r.get_ref(0)?.as_str()?) {
            out[i].next = mark_at(r, 1)?;
        }
        Ok(())
    };
    match (rows, viewer.all) {
        ([_], _) => query::each(
            snap,
            "read uptime marks",
            &format!("{NEXT} AND i.id = :id"),
            named_params! {":from": from, ":id": first_to_read},
            &mut add,
        )?,
        (_, true) => query::each(
            snap,
            "read uptime marks",
            NEXT,
            named_params! {":from": from},
            &mut add,
        )?,
        (_, false) => query::each(
            snap,
            "read uptime marks",
            &format!("{NEXT} AND i.owner_id = :owner"),
            named_params! {":from": from, ":owner": viewer.user_id},
            &mut add,
        )?,
    }
    Ok(out)
}
