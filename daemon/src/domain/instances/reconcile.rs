//! Reconciliation: makes the registry agree with the engine, at start and whenever the
//! connection to the engine comes back. It completes or rolls back creates and removes that a
//! crash interrupted, records what happened to containers while rsrcd was away, marks vanished
//! ones `lost`, and reports labelled containers it has no record of. It never deletes a
//! container it has no record of.

use rsrc_shared::api::{Cause, InstanceState};

use super::resolve::load;
use super::state::{mark_lost, observe, Seen};
use super::{create, orphans, teardown, Row};
use crate::clock::now_ms;
use crate::domain::events;
use crate::engine::{Observed, RunState, LABEL_INSTANCE};
use crate::error::{Error, Result};
use crate::registry::instances as repo;
use crate::registry::Tx;
use crate::State;

/// Records the container's current state for one instance.
pub async fn refresh(state: &State, id: &str, observer: Cause) -> Result<()> {
    let Some(row) = load(state, id).await? else {
        return Ok(());
    };
    let observed = state.engine.inspect(&row.container_ref()).await?;
    let id = id.to_string();
    state
        .registry
        .write(move |tx| match observed {
            None => mark_lost(tx, &id, now_ms(), observer),
            Some(o) => catch_up(tx, &id, &o, observer),
        })
        .await
}

/// What reconciliation records to bring an instance's history up to date with what the engine
/// shows, using the engine's own times, so that downtime while rsrcd was away is counted. The
/// last one always settles the status.
fn catch_up_steps(last: Option<events::LastState>, o: &Observed, now: i64) -> Vec<(bool, i64)> {
    let mut steps = Vec::new();
    if let Some(last) = last {
        // Up before, up now, but started since: it went down and came back while we were away.
        if last.up && o.running {
            if let Some(s) = o.started_at.filter(|s| *s > last.at) {
                let down_at = o
                    .finished_at
                    .filter(|f| *f > last.at && *f <= s)
                    .unwrap_or(s);
                steps.push((false, down_at));
                steps.push((true, s));
            }
        }
        if !o.running && last.up {
            steps.push((false, o.finished_at.filter(|f| *f > last.at).unwrap_or(now)));
        } else if o.running && !last.up {
            steps.push((true, o.started_at.filter(|s| *s > last.at).unwrap_or(now)));
        }
    }
    steps.push((o.running, now));
    steps
        .into_iter()
        .map(|(up, at)| (up, at.min(now)))
        .collect()
}

/// Run it in one transaction: the steps are recorded together or not at all.
fn catch_up(tx: &Tx, id: &str, o: &Observed, observer: Cause) -> Result<()> {
    let now = now_ms();
    // A paused container runs, but answers nothing: down since some time Docker does not keep
    // (its state has no pause time), so from now.
    let paused = o.state == RunState::Paused;
    let seen_as = if paused {
        Observed {
            running: false,
            finished_at: None,
            exit_code: None,
            ..o.clone()
        }
    } else {
        o.clone()
    };
    for (up, at) in catch_up_steps(events::last_state(tx, id)?, &seen_as, now) {
        observe(
            tx,
            id,
            Seen {
                up,
                at,
                exit_code: if up { None } else { seen_as.exit_code },
                oom: !up && o.oom_killed,
                killed_by: None,
                paused: !up && paused,
                stop_signal: o.stop_signal_number(),
                observer: observer.clone(),
                detail: Some("seen by reconciliation".into()),
            },
        )?;
    }
    Ok(())
}

/// Compares the whole registry with the engine; see the module comment.
pub async fn reconcile(state: &State) -> Result<()> {
    state.engine.available().await?;
    let rows: Vec<Row> = state.registry.read(repo::all).await?;
    let _status = crate::systemd::Reconciling::start(rows.len());
    for row in &rows {
        if state.in_flight.contains(&row.id) {
            // A request of this process is creating or removing it right now.
            continue;
        }
        // Read again: the list is as old as this loop, and a create or remove that finished
        // meanwhile must not be finished a second time. Checked after `in_flight`, since a
        // request leaves it only once its row is final.
        let Some(row) = load(state, &row.id).await? else {
            continue;
        };
        if let Err(e) = settle(state, &row).await {
            tracing::error!(instance = %row.id, error = %e.chain(), "cannot reconcile instance");
            if matches!(e, Error::EngineUnavailable(_)) {
                return Err(e);
            }
        }
    }
    if let Err(e) = super::volumes::forget_vanished(state).await {
        tracing::error!(error = %e.chain(), "cannot check the kept volumes");
        if matches!(e, Error::EngineUnavailable(_)) {
            return Err(e);
        }
    }
    if let Err(e) = super::network::reconcile(state).await {
        tracing::error!(error = %e.chain(), "cannot check the users' networks");
        if matches!(e, Error::EngineUnavailable(_)) {
            return Err(e);
        }
    }
    // Read again: settling recorded new container ids.
    let rows: Vec<Row> = state.registry.read(repo::all).await?;
    let known = orphans::by_id(&rows);
    for c in state.engine.labelled_containers(&state.daemon_id).await? {
        let label = c.labels.get(LABEL_INSTANCE).cloned();
        if orphans::is_orphan(&c, &known) {
            tracing::warn!(container = %c.name, instance = %label.as_deref().unwrap_or("-"),
                "container carries rsrc's labels but is no instance's container; see `rsrc admin orphans`");
        }
    }
    tracing::info!("reconciled the registry with Docker");
    Ok(())
}

/// Brings one instance in line with the engine: finishes what a crash or a failure left in
/// `creating` or `removing`, else records the container's state.
pub async fn settle(state: &State, row: &Row) -> Result<()> {
    match row.state {
        InstanceState::Creating => finish_or_roll_back(state, row).await,
        InstanceState::Recreating => super::recreate::settle(state, row).await,
        InstanceState::Removing => {
            teardown::remove_by_id(state, &row.id, row.remove_volumes, Cause::Reconcile).await
        }
        _ => refresh(state, &row.id, Cause::Reconcile).await,
    }
}

/// A create that a crash interrupted: completed when its container exists with this instance's
/// labels, else rolled back.
async fn finish_or_roll_back(state: &State, row: &Row) -> Result<()> {
    if row.create_failed {
        tracing::info!(instance = %row.id, "rolling back a create that answered an error");
        return teardown::roll_back_create(state, &row.id).await;
    }
    let observed = state
        .engine
        .inspect(&row.container_name)
        .await?
        .filter(|o| o.belongs_to(&state.daemon_id, &row.id));
    match observed {
        Some(o) => {
            tracing::info!(instance = %row.id, "completing a create interrupted by a restart");
            if !o.running {
                state.engine.start(&o.id).await?;
            }
            create::finish_create(state, &row.id, Cause::Reconcile).await
        }
        None => {
            tracing::info!(instance = %row.id, "rolling back a create interrupted by a restart");
            teardown::roll_back_create(state, &row.id).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(running: bool, started: Option<i64>, finished: Option<i64>) -> Observed {
        Observed {
            id: "c".into(),
            state: if running {
                RunState::Running
            } else {
                RunState::Exited
            },
            running,
            exit_code: (!running).then_some(137),
            oom_killed: false,
            started_at: started,
            finished_at: finished,
            labels: Default::default(),
            address: None,
            options: Default::default(),
            stop_signal: None,
        }
    }

    fn last(up: bool, at: i64) -> Option<events::LastState> {
        Some(events::LastState { up, at })
    }

    #[test]
    fn a_restart_while_away_is_a_down_and_an_up_at_the_engines_times() {
        let steps = catch_up_steps(last(true, 100), &observed(true, Some(300), Some(200)), 1000);
        assert_eq!(steps, [(false, 200), (true, 300), (true, 1000)]);
    }

    #[test]
    fn a_death_while_away_is_dated_by_the_engine() {
        let steps = catch_up_steps(last(true, 100), &observed(false, Some(50), Some(400)), 1000);
        assert_eq!(steps, [(false, 400), (false, 1000)]);
        // A finish time older than what is recorded is not believed.
        let steps = catch_up_steps(last(true, 500), &observed(false, Some(50), Some(400)), 1000);
        assert_eq!(steps, [(false, 1000), (false, 1000)]);
    }

    #[test]
    fn nothing_new_only_settles_the_status() {
        let steps = catch_up_steps(last(true, 100), &observed(true, Some(50), None), 1000);
        assert_eq!(steps, [(true, 1000)]);
        let steps = catch_up_steps(None, &observed(true, Some(50), None), 1000);
        assert_eq!(steps, [(true, 1000)]);
    }

    #[test]
    fn times_from_the_future_are_capped_at_now() {
        let steps = catch_up_steps(last(false, 100), &observed(true, Some(5000), None), 1000);
        assert_eq!(steps, [(true, 1000), (true, 1000)]);
    }
}
