//! Issue 20: `rm` and `recreate` stop a container with its stop signal before they remove it,
//! a recreate's outage is in the history, and freed host ports wait before they are reused.

use rsrc_shared::api::InstanceRecreate;

use super::*;
use crate::domain::instances::recreate::recreate;
use crate::engine::Happening;

async fn with_stop_signal(h: &Harness, signal: &str, timeout: &str) {
    let mut s = spec("web");
    s.stop_signal = Some(signal.into());
    s.stop_timeout = Some(timeout.into());
    h.state
        .registry
        .write(move |tx| registry::machines::update_spec(tx, 1, &s, 1))
        .await
        .unwrap();
}

fn ended_by(h: &Harness, container: &str) -> Vec<Happening> {
    h.engine
        .happenings(container)
        .into_iter()
        .filter(|w| !matches!(w, Happening::Started))
        .collect()
}

#[tokio::test]
async fn rm_stops_with_the_machines_stop_signal_before_it_removes() {
    let h = harness();
    with_stop_signal(&h, "SIGINT", "30s").await;
    let made = h.create("one").await.unwrap();
    let id = made.container.unwrap();
    let c = h.engine.container(&id).unwrap();
    assert_eq!(c.spec.stop_signal.as_deref(), Some("SIGINT"));
    assert_eq!(c.spec.stop_timeout, Some(30));
    crate::domain::instances::remove(&h.state, &h.alice, "one", false)
        .await
        .unwrap();
    assert_eq!(
        ended_by(&h, &id),
        [
            Happening::Killed { signal: "2".into() },
            Happening::Died {
                exit_code: Some(130)
            },
            Happening::Destroyed,
        ],
        "a stop by SIGINT, not a kill by SIGKILL"
    );
}

#[tokio::test]
async fn a_recreate_records_the_old_containers_stop_then_the_new_ones_start() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let old = made.container.unwrap();
    let again = recreate(&h.state, &h.alice, "one", InstanceRecreate::default())
        .await
        .unwrap();
    assert_eq!(again.status, InstanceState::Running);
    assert_eq!(
        ended_by(&h, &old),
        [
            Happening::Killed {
                signal: "15".into()
            },
            Happening::Died {
                exit_code: Some(143)
            },
            Happening::Destroyed,
        ],
        "the old container was stopped, not killed"
    );
    let kinds = h.kinds(&made.id).await;
    assert_eq!(
        kinds[kinds.len() - 3..],
        [
            (EventKind::Stopped, Cause::Recreate),
            (EventKind::Recreated, Cause::User),
            (EventKind::Started, Cause::User),
        ],
        "{kinds:?}"
    );
    let history = h.history().await;
    let at = |kind| {
        history
            .iter()
            .rev()
            .find(|e| e.event.kind == kind)
            .map(|e| e.event.at)
            .unwrap()
    };
    assert!(at(EventKind::Stopped) <= at(EventKind::Started));
}

#[tokio::test]
async fn a_freed_port_is_not_the_next_one_handed_out() {
    let h = harness();
    let one = h.create("one").await.unwrap();
    assert_eq!(one.ports[0].host_port, 30000);
    crate::domain::instances::remove(&h.state, &h.alice, "one", false)
        .await
        .unwrap();
    let two = h.create("two").await.unwrap();
    assert_eq!(two.ports[0].host_port, 30001, "30000 was just freed");
    let three = h.create("three").await.unwrap();
    assert_eq!(three.ports[0].host_port, 30002);
}
