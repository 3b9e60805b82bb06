//! Faults on the in-memory engine: creates that fail or are cut off, stuck instances and the
//! repair pass, failed actions, stops from outside, gaps in the engine's stream, outages.

use std::sync::Arc;

use rsrc_shared::api::{Cause, EventKind, InstanceState};

use super::harness;
use crate::domain::instances::{lifecycle, reconcile, repair, teardown, Action};
use crate::engine::fake::Op;
use crate::error::Error;
use crate::registry::instances as repo;

#[tokio::test]
async fn a_create_that_answered_an_error_is_rolled_back_never_completed() {
    let h = harness();
    h.engine.fail_next(Op::Start);
    h.engine.fail_next(Op::RemoveContainer);
    assert!(h.create("one").await.is_err());
    let rows = h.state.registry.read(repo::all).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, InstanceState::Creating);
    assert!(rows[0].create_failed);
    // Its container exists with its labels, yet the caller was told the create failed: it goes.
    reconcile::reconcile(&h.state).await.unwrap();
    assert!(h.state.registry.read(repo::all).await.unwrap().is_empty());
    assert!(h.engine.containers().is_empty());
    assert_eq!(h.ports_reserved().await, 0);
}

#[tokio::test]
async fn a_create_cut_off_by_the_engine_going_away_is_rolled_back_when_it_returns() {
    let h = harness();
    h.engine.fail_next(Op::Start);
    // The engine goes away between the failed start and the rollback.
    h.engine.on_fail(Op::Start, {
        let engine = Arc::downgrade(&h.engine);
        Box::new(move || {
            if let Some(e) = engine.upgrade() {
                e.set_available(false);
            }
        })
    });
    assert!(h.create("one").await.is_err());
    assert_eq!(h.state.registry.read(repo::all).await.unwrap().len(), 1);
    h.engine.set_available(true);
    let mut backoff = repair::Backoff::default();
    assert_eq!(
        repair::repair_once(&h.state, &mut backoff).await.unwrap(),
        1
    );
    assert!(h.state.registry.read(repo::all).await.unwrap().is_empty());
    assert!(h.engine.containers().is_empty(), "it never runs");
}

#[tokio::test]
async fn a_stuck_create_can_be_removed_by_its_owner() {
    let h = harness();
    h.engine.fail_next(Op::Start);
    h.engine.fail_next(Op::RemoveContainer);
    assert!(h.create("one").await.is_err());
    crate::domain::instances::remove(&h.state, &h.alice, "one", false)
        .await
        .unwrap();
    assert!(h.state.registry.read(repo::all).await.unwrap().is_empty());
    assert!(h.engine.containers().is_empty());
    assert!(h.engine.volumes().is_empty());
}

#[tokio::test]
async fn the_repair_pass_backs_off_and_finishes_an_interrupted_remove() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let id = made.id.clone();
    h.state
        .registry
        .write(move |tx| repo::mark_removing(tx, &id, false, 0))
        .await
        .unwrap();
    let mut backoff = repair::Backoff::default();
    h.engine.fail_next(Op::RemoveContainer);
    assert_eq!(
        repair::repair_once(&h.state, &mut backoff).await.unwrap(),
        0
    );
    // Backed off: the next pass right away leaves it alone.
    assert_eq!(
        repair::repair_once(&h.state, &mut backoff).await.unwrap(),
        0
    );
    assert_eq!(
        h.row(&made.id).await.unwrap().state,
        InstanceState::Removing
    );
    let mut fresh = repair::Backoff::default();
    assert_eq!(repair::repair_once(&h.state, &mut fresh).await.unwrap(), 1);
    assert!(h.row(&made.id).await.is_none());
}

#[tokio::test]
async fn a_failed_action_changes_nothing() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let before = h.history().await.len();
    h.engine.set_available(false);
    assert!(matches!(
        lifecycle::act(&h.state, &h.alice, "one", Action::Stop).await,
        Err(Error::EngineUnavailable(_))
    ));
    h.engine.set_available(true);
    h.engine.fail_next(Op::Restart);
    assert!(lifecycle::act(&h.state, &h.alice, "one", Action::Restart)
        .await
        .is_err());
    h.engine.fail_next(Op::Stop);
    assert!(lifecycle::act(&h.state, &h.alice, "one", Action::Stop)
        .await
        .is_err());
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.desired, repo::Desired::Running);
    assert_eq!(row.pending, None);
    assert_eq!(row.state, InstanceState::Running);
    assert_eq!(h.history().await.len(), before);
    // A crash now is a crash, not a stop somebody asked for.
    h.engine.exit(made.container.as_deref().unwrap(), 1, false);
    reconcile::refresh(&h.state, &made.id, Cause::Docker)
        .await
        .unwrap();
    assert_eq!(
        h.kinds(&made.id).await.last(),
        Some(&(EventKind::Died, Cause::Crash))
    );
}

#[tokio::test]
async fn a_stop_outside_rsrc_is_never_the_users() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let container = made.container.clone().unwrap();
    lifecycle::act(&h.state, &h.alice, "one", Action::Stop)
        .await
        .unwrap();
    // A stop of a stopped instance causes no transition; it must leave nothing expecting one.
    lifecycle::act(&h.state, &h.alice, "one", Action::Stop)
        .await
        .unwrap();
    lifecycle::act(&h.state, &h.alice, "one", Action::Start)
        .await
        .unwrap();
    lifecycle::act(&h.state, &h.alice, "one", Action::Start)
        .await
        .unwrap();
    // `docker stop` by hand.
    h.engine.exit(&container, 143, false);
    reconcile::refresh(&h.state, &made.id, Cause::Docker)
        .await
        .unwrap();
    let last = h.kinds(&made.id).await.last().cloned().unwrap();
    assert_ne!(last.1, Cause::User, "{last:?}");
    assert_eq!(h.row(&made.id).await.unwrap().pending, None);
}

#[tokio::test]
async fn exit_codes_the_stream_missed_come_from_the_engines_record() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let container = made.container.clone().unwrap();
    let since = crate::clock::now_ms() / 1000 - 1;
    // While the stream is cut: killed (137) and restarted by its policy.
    h.engine.exit(&container, 137, false);
    h.engine.start_behind_the_back(&container);
    crate::domain::instances::watch::replay(&h.state, since, crate::clock::now_ms() / 1000 + 1)
        .await;
    reconcile::reconcile(&h.state).await.unwrap();
    let history = h.history().await;
    // 137 with no kill event seen: the end by signal 9 (128+9).
    let died: Vec<_> = history
        .iter()
        .filter(|e| e.event.kind == EventKind::Killed)
        .map(|e| e.event.exit_code)
        .collect();
    assert_eq!(died, [Some(137)], "{history:?}");
    assert_eq!(h.row(&made.id).await.unwrap().state, InstanceState::Running);
}

#[tokio::test]
async fn an_oom_the_engine_reports_after_the_die_still_names_it() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let since = crate::clock::now_ms() / 1000 - 1;
    h.engine
        .oom_reported_after_die(made.container.as_deref().unwrap());
    crate::domain::instances::watch::replay(&h.state, since, crate::clock::now_ms() / 1000 + 1)
        .await;
    let last = h.kinds(&made.id).await.last().cloned().unwrap();
    assert_eq!(last, (EventKind::Oom, Cause::Oom));
}

/// Polls `done` until it holds; fails the test after 10 s.
async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !done().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn the_live_stream_records_a_die_that_waited_for_an_oom_in_vain() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let container = made.container.clone().unwrap();
    let shutdown = tokio_util::sync::CancellationToken::new();
    let watcher = tokio::spawn(crate::domain::instances::watch::run(
        Arc::clone(&h.state),
        shutdown.clone(),
    ));
    eventually("the watcher to follow the live stream", async || {
        h.engine.live_streams() > 0
    })
    .await;
    // Killed with no kill event and no OOM: recorded once its wait for a late OOM ends.
    h.engine.exit(&container, 137, false);
    eventually("the held die to be recorded", async || {
        h.kinds(&made.id).await.last().map(|k| k.0) == Some(EventKind::Killed)
    })
    .await;
    // Started again, then OOM-killed with the OOM reported after the die.
    h.engine.start_behind_the_back(&container);
    h.engine.oom_reported_after_die(&container);
    eventually("the OOM to be recorded", async || {
        h.kinds(&made.id).await.last().cloned() == Some((EventKind::Oom, Cause::Oom))
    })
    .await;
    shutdown.cancel();
    watcher.await.unwrap();
}

#[tokio::test]
async fn an_engine_outage_is_an_interval_in_the_history_and_states_show_as_last_known() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let at = crate::clock::now_ms();
    h.state
        .registry
        .write(move |tx| crate::domain::instances::state::record_engine_outage(tx, false, at))
        .await
        .unwrap();
    h.engine.set_available(false);
    let listed = crate::domain::instances::list(&h.state, &h.alice, false)
        .await
        .unwrap();
    assert!(listed[0].last_known, "{listed:?}");
    assert_eq!(listed[0].status, InstanceState::Running);
    // It crashed during the outage; found when the engine is back.
    h.engine.set_available(true);
    h.engine.exit(made.container.as_deref().unwrap(), 2, false);
    reconcile::reconcile(&h.state).await.unwrap();
    let at = crate::clock::now_ms();
    h.state
        .registry
        .write(move |tx| crate::domain::instances::state::record_engine_outage(tx, true, at))
        .await
        .unwrap();
    assert!(
        !crate::domain::instances::list(&h.state, &h.alice, false)
            .await
            .unwrap()[0]
            .last_known
    );
    let kinds = h.kinds(&made.id).await;
    assert_eq!(
        kinds[2..],
        [
            (EventKind::EngineDown, Cause::Engine),
            (EventKind::Died, Cause::Crash),
            (EventKind::EngineUp, Cause::Engine),
        ]
    );
}

#[tokio::test]
async fn an_admin_can_force_remove_while_the_engine_is_away_and_repair_cleans_up_after() {
    let h = harness();
    let inst = h.create("one").await.unwrap();
    h.engine.set_available(false);
    // The ordinary remove cannot be done and changes nothing.
    assert!(teardown::remove(&h.state, &h.alice, &inst.id, true)
        .await
        .is_err());
    assert!(h.row(&inst.id).await.is_some());
    // Forcing is for admins only.
    assert!(matches!(
        teardown::force_remove(&h.state, &h.alice, &inst.id, true).await,
        Err(Error::Forbidden(_))
    ));
    teardown::force_remove(&h.state, &h.admin, &inst.id, true)
        .await
        .unwrap();
    assert!(h.row(&inst.id).await.is_none(), "the row goes at once");
    assert_eq!(h.ports_reserved().await, 0, "its ports are free at once");
    assert_eq!(
        h.kinds(&inst.id).await.last(),
        Some(&(EventKind::Removed, Cause::Admin))
    );
    assert_eq!(
        h.engine.containers().len(),
        1,
        "the container waits for the engine"
    );

    h.engine.set_available(true);
    assert_eq!(teardown::clean_leftovers(&h.state).await.unwrap(), 1);
    assert!(h.engine.containers().is_empty());
    assert!(h.engine.volumes().is_empty(), "--volumes went too");
    assert_eq!(teardown::clean_leftovers(&h.state).await.unwrap(), 0);
}

#[tokio::test]
async fn a_forced_remove_with_the_engine_up_is_an_ordinary_remove() {
    let h = harness();
    let inst = h.create("one").await.unwrap();
    teardown::force_remove(&h.state, &h.admin, &inst.id, false)
        .await
        .unwrap();
    assert!(h.row(&inst.id).await.is_none());
    assert!(h.engine.containers().is_empty(), "nothing is left behind");
    assert_eq!(teardown::clean_leftovers(&h.state).await.unwrap(), 0);
}

#[tokio::test]
async fn a_labelled_copy_of_a_container_is_an_orphan_and_its_events_are_not_the_instances() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let container = made.container.clone().unwrap();
    let since = crate::clock::now_ms() / 1000 - 1;
    // `docker commit` + `docker run` of a copy: the same labels, another container.
    let mut spec = h.engine.container(&container).unwrap().spec;
    spec.name = "copy".into();
    let copy = h.engine.adopt(spec, true);
    let orphans = crate::domain::instances::orphans::list(&h.state, &h.admin)
        .await
        .unwrap();
    let ids: Vec<&str> = orphans.iter().map(|o| o.container_id.as_str()).collect();
    assert_eq!(ids, [copy.as_str()], "{orphans:?}");
    // The copy stops and is removed again.
    h.engine.exit(&copy, 137, false);
    crate::engine::Engine::remove_container(&*h.engine, &copy)
        .await
        .unwrap();
    crate::domain::instances::watch::replay(&h.state, since, crate::clock::now_ms() / 1000 + 1)
        .await;
    reconcile::reconcile(&h.state).await.unwrap();
    assert_eq!(h.row(&made.id).await.unwrap().state, InstanceState::Running);
    assert_eq!(
        h.kinds(&made.id).await,
        [
            (EventKind::Created, Cause::User),
            (EventKind::Started, Cause::User)
        ]
    );
}
