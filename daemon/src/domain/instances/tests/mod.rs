//! Instance logic on the in-memory engine: creates and their rollback, reconciliation's
//! decisions, the state machine through the daemon's own actions, and the pieces (env, connect
//! templates, references, ports). The same flows run against the real engine in
//! `daemon/tests/`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use rsrc_shared::api::{
    Cause, EventKind, InstanceCreate, InstanceState, MachinePort, MachineSpec, Protocol, Role, User,
};

use super::{lifecycle, reconcile, Action, Row};
use crate::config::Config;
use crate::domain::accounts::Caller;
use crate::domain::events::StoredEvent;
use crate::domain::notify::outbox::Outbox;
use crate::engine::fake::{FakeEngine, Op};
use crate::engine::Engine;
use crate::error::Error;
use crate::registry::{self, fixtures, instances as repo, Registry};
use crate::State;

const IMAGE: &str = "img:1";

fn spec(name: &str) -> MachineSpec {
    MachineSpec {
        name: name.into(),
        description: String::new(),
        image: IMAGE.into(),
        ports: vec![MachinePort {
            port: 8080,
            protocol: Protocol::Tcp,
        }],
        props: Vec::new(),
        command: Some(vec!["sleep".into(), "1000".into()]),
        volumes: vec!["/data".into()],
        limits: Default::default(),
        max_per_user: 3,
        active: true,
        connect: None,
        restart: Default::default(),
        shm_size: None,
        user: None,
        entrypoint: None,
        ulimits: Default::default(),
        tmpfs: Default::default(),
        stop_signal: None,
        stop_timeout: None,
        exec: true,
    }
}

fn caller(id: i64, role: Role) -> Caller {
    Caller {
        peer: Default::default(),
        user: User {
            id,
            email: format!("u{id}@x.io"),
            name: "u".into(),
            role,
            verified: true,
            disabled: false,
            notify_email: true,
            phone: None,
            phone_verified: false,
            notify_sms: false,
            notify_feedback: false,
            created_at: String::new(),
            updated_at: String::new(),
        },
        token_hash: String::new(),
    }
}

struct Harness {
    state: Arc<State>,
    engine: Arc<FakeEngine>,
    alice: Caller,
    admin: Caller,
    _dir: tempfile::TempDir,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::open_in_memory().unwrap();
    registry
        .write_blocking(|tx| {
            fixtures::insert_user(tx, 1, "u1@x.io", false)?;
            fixtures::insert_user(tx, 2, "u2@x.io", false)?;
            fixtures::insert_user(tx, 3, "u3@x.io", true)?;
            fixtures::insert_machine(tx, 1, &spec("web"))
        })
        .unwrap();
    let engine = Arc::new(FakeEngine::new());
    engine.add_image(IMAGE);
    let config = Config::from_toml(
        "port_range = \"30000-30009\"\nbind_address = \"127.0.0.1\"\nadvertise_host = \"h\"",
    )
    .unwrap();
    let outbox = Outbox::open(dir.path()).unwrap();
    let dyn_engine: Arc<dyn Engine> = engine.clone();
    let state = Arc::new(State::new(
        config,
        registry,
        dyn_engine,
        outbox,
        "daemon-1".into(),
    ));
    Harness {
        state,
        engine,
        alice: caller(1, Role::User),
        admin: caller(3, Role::Admin),
        _dir: dir,
    }
}

impl Harness {
    async fn create(&self, name: &str) -> Result<rsrc_shared::api::Instance, Error> {
        super::create(
            &self.state,
            &self.alice,
            InstanceCreate {
                machine: "web".into(),
                name: Some(name.into()),
                env: BTreeMap::new(),
                volume_from: Vec::new(),
            },
        )
        .await
    }

    async fn row(&self, id: &str) -> Option<Row> {
        let id = id.to_string();
        self.state
            .registry
            .read(move |snap| repo::by_id(snap, &id))
            .await
            .unwrap()
    }

    async fn history(&self) -> Vec<StoredEvent> {
        self.state
            .registry
            .read(|snap| registry::history::after(snap, 0, 1000))
            .await
            .unwrap()
    }

    async fn kinds(&self, instance: &str) -> Vec<(EventKind, Cause)> {
        self.history()
            .await
            .into_iter()
            .filter(|e| e.event.instance_id == instance)
            .map(|e| (e.event.kind, e.event.cause))
            .collect()
    }

    async fn ports_reserved(&self) -> usize {
        self.state
            .registry
            .read(|snap| registry::ports::reserved_in(snap, 1, 65535))
            .await
            .unwrap()
            .len()
    }
}

#[tokio::test]
async fn a_create_journals_makes_and_starts_the_container() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    assert_eq!(made.status, InstanceState::Running);
    assert_eq!(made.ports[0].host_port, 30000);
    let c = h
        .engine
        .container(made.container.as_deref().unwrap())
        .unwrap();
    assert!(c.running);
    assert!(c
        .spec
        .labels
        .get("io.rsrc.daemon")
        .is_some_and(|d| d == "daemon-1"));
    assert_eq!(c.spec.ports[0].host_port, 30000);
    assert_eq!(h.engine.volumes(), [format!("rsrc-{}-data", made.id)]);
    assert_eq!(
        h.kinds(&made.id).await,
        [
            (EventKind::Created, Cause::User),
            (EventKind::Started, Cause::User)
        ]
    );
}

#[tokio::test]
async fn a_failed_start_rolls_the_whole_create_back() {
    let h = harness();
    h.engine.fail_next(Op::Start);
    let err = h.create("one").await.unwrap_err();
    assert!(matches!(err, Error::EngineRefused(_)), "{err}");
    let rows = h.state.registry.read(repo::all).await.unwrap();
    assert!(rows.is_empty(), "the journal entry is gone");
    assert_eq!(h.ports_reserved().await, 0, "the ports are free again");
    assert!(h.engine.containers().is_empty());
    assert!(h.engine.volumes().is_empty());
    // The port is given again to the next create.
    assert_eq!(h.create("two").await.unwrap().ports[0].host_port, 30000);
}

#[tokio::test]
async fn reconciliation_rolls_back_a_create_without_a_container() {
    let h = harness();
    h.engine.fail_next(Op::CreateContainer);
    h.engine.fail_next(Op::RemoveVolume);
    assert!(h.create("one").await.is_err());
    let rows = h.state.registry.read(repo::all).await.unwrap();
    assert_eq!(rows[0].state, InstanceState::Creating, "rollback failed");
    assert_eq!(h.engine.volumes().len(), 1);
    reconcile::reconcile(&h.state).await.unwrap();
    assert!(h.state.registry.read(repo::all).await.unwrap().is_empty());
    assert!(h.engine.volumes().is_empty());
    assert_eq!(h.ports_reserved().await, 0);
}

#[tokio::test]
async fn reconciliation_finishes_an_interrupted_remove_with_its_volumes() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let id = made.id.clone();
    h.state
        .registry
        .write(move |tx| repo::mark_removing(tx, &id, true, 0))
        .await
        .unwrap();
    reconcile::reconcile(&h.state).await.unwrap();
    assert!(h.row(&made.id).await.is_none());
    assert!(h.engine.containers().is_empty());
    assert!(
        h.engine.volumes().is_empty(),
        "the journal remembered --volumes"
    );
    let kinds = h.kinds(&made.id).await;
    assert_eq!(
        kinds.last(),
        Some(&(EventKind::Removed, Cause::Reconcile)),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn reconciliation_marks_a_vanished_container_lost_once() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    h.engine.vanish(made.container.as_deref().unwrap());
    reconcile::reconcile(&h.state).await.unwrap();
    reconcile::reconcile(&h.state).await.unwrap();
    assert_eq!(h.row(&made.id).await.unwrap().state, InstanceState::Lost);
    let lost: Vec<_> = h
        .kinds(&made.id)
        .await
        .into_iter()
        .filter(|(k, _)| *k == EventKind::Lost)
        .collect();
    assert_eq!(lost, [(EventKind::Lost, Cause::Reconcile)]);
}

#[tokio::test]
async fn reconciliation_records_a_crash_while_nobody_watched() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    h.engine.exit(made.container.as_deref().unwrap(), 3, false);
    reconcile::reconcile(&h.state).await.unwrap();
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.state, InstanceState::Exited);
    assert_eq!(row.exit_code, Some(3));
    let history = h.history().await;
    let last = &history.last().unwrap().event;
    assert_eq!(
        (last.kind, &last.cause, last.exit_code),
        (EventKind::Died, &Cause::Crash, Some(3))
    );
    // Started again behind rsrc's back: an up found by reconciliation.
    h.engine
        .start_behind_the_back(made.container.as_deref().unwrap());
    reconcile::reconcile(&h.state).await.unwrap();
    assert_eq!(h.row(&made.id).await.unwrap().state, InstanceState::Running);
    assert_eq!(
        h.kinds(&made.id).await.last(),
        Some(&(EventKind::Started, Cause::Reconcile))
    );
}

#[tokio::test]
async fn the_state_machine_names_who_stopped_and_what_crashed() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let stopped = lifecycle::act(&h.state, &h.alice, "one", Action::Stop)
        .await
        .unwrap();
    assert_eq!(stopped.status, InstanceState::Stopped);
    lifecycle::act(&h.state, &h.admin, &made.id, Action::Start)
        .await
        .unwrap();
    lifecycle::act(&h.state, &h.admin, &made.id, Action::Restart)
        .await
        .unwrap();
    let oom_victim = made.container.clone().unwrap();
    h.engine.exit(&oom_victim, 137, true);
    reconcile::refresh(&h.state, &made.id, Cause::Reconcile)
        .await
        .unwrap();
    let kinds = h.kinds(&made.id).await;
    assert_eq!(
        kinds,
        [
            (EventKind::Created, Cause::User),
            (EventKind::Started, Cause::User),
            (EventKind::Stopped, Cause::User),
            (EventKind::Started, Cause::Admin),
            (EventKind::Stopped, Cause::Admin),
            (EventKind::Started, Cause::Admin),
            (EventKind::Oom, Cause::Oom),
        ]
    );
    assert_eq!(h.row(&made.id).await.unwrap().state, InstanceState::Exited);
}

#[tokio::test]
async fn actions_on_a_lost_instance_say_so_and_change_nothing_else() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    h.engine.vanish(made.container.as_deref().unwrap());
    let err = lifecycle::act(&h.state, &h.alice, "one", Action::Start)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is lost"), "{err}");
    assert_eq!(h.row(&made.id).await.unwrap().state, InstanceState::Lost);
}

#[tokio::test]
async fn probing_host_ports_never_holds_the_registry_writer() {
    let h = harness();
    let seen = Arc::new(Mutex::new(Vec::new()));
    {
        let seen = Arc::clone(&seen);
        let registry = h.state.registry.clone();
        h.engine.on_probe(Box::new(move |_port| {
            if let Ok(mut s) = seen.lock() {
                s.push(registry.writer_is_idle());
            }
        }));
    }
    h.engine.hold_port(30000);
    let made = h.create("one").await.unwrap();
    assert_eq!(
        made.ports[0].host_port, 30001,
        "a port held on the host is skipped"
    );
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty(), "ports were probed");
    assert!(
        seen.iter().all(|idle| *idle),
        "a probe ran while the writer was busy"
    );
}

#[tokio::test]
async fn ports_run_out_with_a_clear_conflict() {
    let h = harness();
    for p in 30000..=30009 {
        h.engine.hold_port(p);
    }
    let err = h.create("one").await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)));
    assert!(err.to_string().contains("no free host port"), "{err}");
    assert!(h.state.registry.read(repo::all).await.unwrap().is_empty());
}

#[tokio::test]
async fn parallel_creates_get_distinct_ports() {
    let h = harness();
    let mut tasks = Vec::new();
    for n in 0..3 {
        let (state, alice) = (Arc::clone(&h.state), h.alice.clone());
        tasks.push(tokio::spawn(async move {
            super::create(
                &state,
                &alice,
                InstanceCreate {
                    machine: "web".into(),
                    name: Some(format!("p{n}")),
                    env: BTreeMap::new(),
                    volume_from: Vec::new(),
                },
            )
            .await
        }));
    }
    let mut ports = Vec::new();
    for t in tasks {
        ports.push(t.await.unwrap().unwrap().ports[0].host_port);
    }
    ports.sort();
    ports.dedup();
    assert_eq!(ports.len(), 3);
}

#[tokio::test]
async fn listing_reads_ports_and_volumes_of_every_row() {
    let h = harness();
    let a = h.create("alpha").await.unwrap();
    let b = h.create("beta").await.unwrap();
    let list = super::list(&h.state, &h.alice, false).await.unwrap();
    assert_eq!(list.len(), 2);
    for (listed, made) in list.iter().zip([&a, &b]) {
        assert_eq!(listed.ports, made.ports);
        assert_eq!(listed.volumes.len(), 1);
        assert_eq!(listed.volumes[0].name, made.volumes[0].name);
    }
    let bob = caller(2, Role::User);
    assert!(super::list(&h.state, &bob, false).await.unwrap().is_empty());
    assert!(matches!(
        super::list(&h.state, &bob, true).await,
        Err(Error::Forbidden(_))
    ));
    assert_eq!(
        super::list(&h.state, &h.admin, true).await.unwrap().len(),
        2
    );
}

mod faults;
mod history;
mod pieces;
mod rebuild;
mod stop;
