//! History facts that uptime and alerts trust (issue 9): a stop from outside that only
//! reconciliation saw is not a crash, and a lost instance stays one fact.

use rsrc_shared::api::{Cause, EventKind, InstanceState};

use super::harness;
use crate::domain::instances::reconcile;
use crate::domain::instances::state::{mark_lost, observe, Seen};

#[tokio::test]
async fn exit_143_seen_only_by_reconciliation_is_a_stop_from_outside() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    h.engine
        .exit(made.container.as_deref().unwrap(), 143, false);
    reconcile::reconcile(&h.state).await.unwrap();
    let history = h.history().await;
    let last = &history.last().unwrap().event;
    assert_eq!(
        (last.kind, &last.cause, last.exit_code),
        (EventKind::Stopped, &Cause::Reconcile, Some(143))
    );
    assert_eq!(h.row(&made.id).await.unwrap().state, InstanceState::Exited);
}

#[tokio::test]
async fn a_lost_instance_ignores_the_replayed_death_of_its_container() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    h.engine.vanish(made.container.as_deref().unwrap());
    reconcile::reconcile(&h.state).await.unwrap();
    let id = made.id.clone();
    // What a replay of Docker's record brings afterwards: the die, then the destroy, with the
    // engine's (earlier) times.
    h.state
        .registry
        .write(move |tx| {
            observe(
                tx,
                &id,
                Seen {
                    up: false,
                    at: 1,
                    exit_code: Some(137),
                    oom: false,
                    killed_by: Some("9".into()),
                    paused: false,
                    stop_signal: 15,
                    observer: Cause::Docker,
                    detail: None,
                },
            )?;
            mark_lost(tx, &id, 2, Cause::Docker)
        })
        .await
        .unwrap();
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.state, InstanceState::Lost);
    assert_eq!(
        row.exit_code, None,
        "no exit code without an entry behind it"
    );
    let kinds = h.kinds(&made.id).await;
    assert_eq!(
        kinds.iter().filter(|(k, _)| *k == EventKind::Lost).count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&(EventKind::Lost, Cause::Reconcile)));
}

#[tokio::test]
async fn reconciliation_keeps_the_engines_times_for_updated() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let container = made.container.clone().unwrap();
    let up_since = h.row(&made.id).await.unwrap().updated_at;
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    // As after an rsrcd restart: nothing changed, so "Up N" keeps its age.
    reconcile::reconcile(&h.state).await.unwrap();
    assert_eq!(h.row(&made.id).await.unwrap().updated_at, up_since);
    // A death while rsrcd was away is dated by the engine, not by the reconciliation.
    h.engine.exit(&container, 3, false);
    let finished = h.engine.container(&container).unwrap().finished_at.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    reconcile::reconcile(&h.state).await.unwrap();
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.state, InstanceState::Exited);
    assert_eq!(row.updated_at, finished);
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    reconcile::reconcile(&h.state).await.unwrap();
    assert_eq!(h.row(&made.id).await.unwrap().updated_at, finished);
}
