//! The time rsrcd was not running, known after all when Docker's record tells it (issue 19
//! item 18).
//!
//! Between two runs nobody watched, so that time is unknown in every report. But the engine
//! went on keeping each container's start and finish times, and at the next start the history
//! of the gap is written with Docker's times (the replay of its events, then reconciliation). When
//! that record is complete, the gap is as well known as watched time: a `docker stop` while
//! rsrcd was away is down from Docker's `FinishedAt`, not from rsrcd's start. It is complete when
//! the events of the gap were read to the end and each instance's container shows at most one
//! change in the gap, at a time Docker dated (`State.StartedAt`/`FinishedAt`): a container that
//! ran on since before the gap, or that ended in it, or started in it after being down. Anything
//! else (a restart in the gap, a paused or vanished container, an instance in flight) leaves
//! the whole gap unknown, as before.

use rsrc_shared::api::{EventKind, InstanceState};

use crate::clock::now_ms;
use crate::engine::{Observed, RunState};
use crate::error::Result;
use crate::registry::{self, uptime_marks};
use crate::State;

/// What the history said of an instance when the gap began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// No state yet: made after the last heartbeat (a kill -9 loses up to 30 s of a run), or
    /// still being made. What it did before the gap is not known.
    Nothing,
    /// Gone already.
    Lost,
    Up,
    Down,
}

/// Whether Docker's record of one container tells the whole gap from `gap_start`: at most one
/// change in it, at a time Docker dated.
pub fn told_by_docker(before: Before, now: Option<&Observed>, gap_start: i64) -> bool {
    let Some(o) = now else {
        // Its container is gone: fine only if it was gone before.
        return before == Before::Lost;
    };
    if o.state == RunState::Paused {
        // Docker keeps no time of a pause.
        return false;
    }
    let started_before = o.started_at.is_some_and(|s| s <= gap_start);
    let finished_before = o.finished_at.is_none_or(|f| f <= gap_start);
    match before {
        Before::Nothing | Before::Lost => false,
        // The run that was up then went on, and ended (if it did) inside the gap.
        Before::Up => {
            started_before && (o.running || o.finished_at.is_some_and(|f| f >= gap_start))
        }
        // Nothing ended inside the gap, and a start inside it is the only one.
        Before::Down => {
            finished_before && (!o.running || o.started_at.is_some_and(|s| s > gap_start))
        }
    }
}

/// Called once the history of the gap before this run is written (`replayed`: the engine's
/// events of the gap were read to the end): makes the gap known time when Docker's record of it
/// is complete for every instance. Returns whether it did.
pub async fn vouch(state: &State, replayed: bool) -> Result<bool> {
    if !replayed {
        return Ok(false);
    }
    let this_run = state.started_at;
    let gap_start = state
        .registry
        .read(move |snap| {
            Ok(registry::runs::overlapping(snap, i64::MIN, this_run - 1)?
                .into_iter()
                .map(|r| r.last_alive)
                .max())
        })
        .await?;
    let Some(gap_start) = gap_start else {
        return Ok(false);
    };
    let rows = state.registry.read(registry::instances::all).await?;
    for row in rows {
        if row.state.is_transitional() {
            return Ok(false);
        }
        let id = row.id.clone();
        let before = state
            .registry
            .read(move |snap| {
                let prelude = registry::history::prelude(snap, &id, gap_start)?;
                Ok(prelude
                    .iter()
                    .find(|e| !matches!(e.kind, EventKind::EngineDown | EventKind::EngineUp))
                    .map_or(Before::Nothing, |e| match e.kind {
                        EventKind::Lost => Before::Lost,
                        _ if e.up => Before::Up,
                        _ => Before::Down,
                    }))
            })
            .await?;
        if before == Before::Lost && row.state == InstanceState::Lost {
            continue;
        }
        let now = state.engine.inspect(&row.container_ref()).await?;
        if !told_by_docker(before, now.as_ref(), gap_start) {
            tracing::info!(instance = %row.id,
                "Docker's record does not tell the whole time rsrcd was away: it stays unknown");
            return Ok(false);
        }
    }
    let until = now_ms();
    let vouched = state
        .registry
        .write(move |tx| uptime_marks::vouch_gap(tx, this_run, until))
        .await?;
    if let Some(from) = vouched {
        tracing::info!(
            seconds = (until - from) / 1000,
            "Docker's record tells the time rsrcd was away: counted as known"
        );
    }
    Ok(vouched.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(state: RunState, started: Option<i64>, finished: Option<i64>) -> Observed {
        Observed {
            id: "c".into(),
            state,
            running: state == RunState::Running || state == RunState::Paused,
            exit_code: None,
            oom_killed: false,
            started_at: started,
            finished_at: finished,
            labels: Default::default(),
            address: None,
            options: Default::default(),
            stop_signal: None,
        }
    }

    #[test]
    fn one_change_at_dockers_time_tells_the_gap_and_more_does_not() {
        use Before::*;
        use RunState::{Exited, Paused, Running};
        let gap = 100;
        let told = |before, state, s, f| told_by_docker(before, Some(&observed(state, s, f)), gap);
        // Up since before the gap: still up, or stopped in it (`docker stop` while away).
        assert!(told(Up, Running, Some(50), None));
        assert!(told(Up, Exited, Some(50), Some(150)));
        // Started again in the gap: how often it went down is not known.
        assert!(!told(Up, Running, Some(150), Some(120)));
        assert!(!told(Up, Exited, Some(150), Some(160)));
        // Down since before the gap: still down, or started once in it.
        assert!(told(Down, Exited, Some(10), Some(50)));
        assert!(told(Down, Running, Some(150), Some(50)));
        assert!(!told(Down, Exited, Some(120), Some(130)));
        assert!(
            !told(Down, Running, Some(50), Some(40)),
            "unpaused: no time"
        );
        // Paused, vanished: no time.
        assert!(!told(Up, Paused, Some(50), None));
        assert!(!told_by_docker(Up, None, gap));
        assert!(told_by_docker(Lost, None, gap));
        // Made after the last heartbeat of a run killed with -9: its start is not told.
        assert!(!told(Nothing, Running, Some(150), None));
    }
}
