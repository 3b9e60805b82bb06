//! The cases of the engine contract, each a function of a [`Subject`].

use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::time::Duration;

use futures_util::StreamExt;
use rsrc_shared::api::Protocol;

use super::{
    ends_with_die, events_until, now_secs, spec, spec_for, unique, wait_stopped, Program, Subject,
    PATIENCE,
};
use crate::engine::{Happening, LogRange, PortBinding, RunState, VolumeMount, LABEL_DAEMON};
use crate::error::Error;

fn died(code: i64) -> Happening {
    Happening::Died {
        exit_code: Some(code),
    }
}

fn killed(signal: &str) -> Happening {
    Happening::Killed {
        signal: signal.into(),
    }
}

/// A container's life: created, started (twice is fine), stopped (twice is fine), started
/// again, removed (twice is fine), with the state inspect reports at each step.
pub async fn lifecycle_create_start_stop_remove(subject: &dyn Subject) {
    let engine = subject.engine();
    let spec = spec(subject, "life", &Program::run_on());
    let name = spec.name.clone();
    let id = engine.create_container(spec).await.expect("create");

    let o = engine
        .inspect(&id)
        .await
        .expect("inspect")
        .expect("created");
    assert_eq!(o.id, id);
    assert_eq!((o.state, o.running), (RunState::Created, false), "{o:?}");
    assert_eq!(
        o.exit_code,
        Some(0),
        "a created container's exit code: {o:?}"
    );
    assert_eq!((o.started_at, o.finished_at), (None, None), "{o:?}");
    assert!(o.belongs_to(subject.daemon_id(), &name), "{o:?}");
    assert_eq!(
        o.labels.get(LABEL_DAEMON).map(String::as_str),
        Some(subject.daemon_id())
    );

    engine.start(&id).await.expect("start");
    engine.start(&id).await.expect("a second start is fine");
    let o = engine
        .inspect(&id)
        .await
        .expect("inspect")
        .expect("started");
    assert_eq!((o.state, o.running), (RunState::Running, true), "{o:?}");
    assert_eq!(o.exit_code, Some(0), "{o:?}");
    let first_start = o.started_at.expect("a start time");

    engine.stop(&id).await.expect("stop");
    engine.stop(&id).await.expect("a second stop is fine");
    let o = engine
        .inspect(&id)
        .await
        .expect("inspect")
        .expect("stopped");
    assert_eq!((o.state, o.running), (RunState::Exited, false), "{o:?}");
    assert_eq!(o.exit_code, Some(143), "SIGTERM's exit code: {o:?}");
    assert!(
        o.finished_at.expect("a finish time") >= first_start,
        "{o:?}"
    );

    engine.start(&name).await.expect("start by name");
    let o = engine
        .inspect(&name)
        .await
        .expect("inspect")
        .expect("started again");
    assert_eq!((o.state, o.running), (RunState::Running, true), "{o:?}");
    assert_eq!(o.exit_code, Some(0), "a start clears the exit code: {o:?}");
    assert!(!o.oom_killed, "{o:?}");
    assert!(o.started_at.expect("a start time") > first_start, "{o:?}");

    engine
        .remove_container(&id)
        .await
        .expect("remove a running container");
    assert_eq!(engine.inspect(&id).await.expect("inspect"), None);
    assert_eq!(engine.inspect(&name).await.expect("inspect"), None);
    engine
        .remove_container(&id)
        .await
        .expect("a second remove is fine");
}

/// Inspect of what is not there is `None`; start, stop, env and last lines refuse `NotFound`.
/// Env holds what the spec set.
pub async fn inspect_and_refusals_name_what_is_missing(subject: &dyn Subject) {
    let engine = subject.engine();
    let missing = unique(subject, "missing");
    assert_eq!(engine.inspect(&missing).await.expect("inspect"), None);
    let not_found = |r: crate::error::Result<()>, what: &str| match r {
        Err(Error::NotFound(_)) => {}
        other => panic!("{what} of a missing container: {other:?}"),
    };
    not_found(engine.start(&missing).await, "start");
    not_found(engine.stop(&missing).await, "stop");
    not_found(engine.env(&missing).await.map(drop), "env");
    not_found(engine.last_lines(&missing, 5).await.map(drop), "last lines");

    let spec = spec(subject, "env", &Program::run_on());
    let id = engine.create_container(spec).await.expect("create");
    let env = engine.env(&id).await.expect("env");
    assert!(env.iter().any(|e| e == "RSRC_CONTRACT=1"), "{env:?}");
}

/// A second container of the same name is refused as a failed engine call, and the first stays.
pub async fn a_name_clash_fails_and_keeps_the_first(subject: &dyn Subject) {
    let engine = subject.engine();
    let spec = spec(subject, "clash", &Program::run_on());
    let id = engine.create_container(spec.clone()).await.expect("create");
    match engine.create_container(spec.clone()).await {
        Err(Error::Engine { .. }) => {}
        other => panic!("a second container named {}: {other:?}", spec.name),
    }
    let o = engine
        .inspect(&spec.name)
        .await
        .expect("inspect")
        .expect("kept");
    assert_eq!(o.id, id);
}

pub async fn a_missing_image_is_not_found(subject: &dyn Subject) {
    let engine = subject.engine();
    let mut spec = spec(subject, "noimage", &Program::exit(0));
    spec.image = "rsrc-contract-no-such-image:0".into();
    match engine.create_container(spec).await {
        Err(Error::NotFound(_)) => {}
        other => panic!("a container of a missing image: {other:?}"),
    }
    assert!(!engine
        .image_exists("rsrc-contract-no-such-image:0")
        .await
        .expect("image_exists"));
    assert!(engine
        .image_exists(subject.image())
        .await
        .expect("image_exists"));
}

/// A container that exits on its own: start, then die with its exit code; inspect agrees.
pub async fn events_a_start_and_an_exit_with_its_code(subject: &dyn Subject) {
    let engine = subject.engine();
    let mut events = engine
        .events(subject.daemon_id(), now_secs(), None)
        .await
        .expect("events");
    let spec = spec(subject, "exit3", &Program::exit(3));
    let name = spec.name.clone();
    let id = engine.create_container(spec).await.expect("create");
    engine.start(&id).await.expect("start");
    let seen = events_until(&mut events, &name, ends_with_die).await;
    assert_eq!(seen, vec![Happening::Started, died(3)]);
    let o = wait_stopped(engine, &id).await;
    assert_eq!(
        (o.state, o.exit_code, o.oom_killed),
        (RunState::Exited, Some(3), false)
    );
    // Docker stamps the start and the exit on different paths: for a process that exits at once
    // its FinishedAt can come a millisecond or so before its StartedAt. Both are there, and close.
    let (Some(started), Some(finished)) = (o.started_at, o.finished_at) else {
        panic!("a container that ran has both times: {o:?}");
    };
    assert!(finished >= started - 1000, "{o:?}");
}

/// A stop is SIGTERM: kill 15, then die with 143.
pub async fn events_a_stop_is_kill_15_then_die(subject: &dyn Subject) {
    let engine = subject.engine();
    let mut events = engine
        .events(subject.daemon_id(), now_secs(), None)
        .await
        .expect("events");
    let spec = spec(subject, "stop", &Program::run_on());
    let name = spec.name.clone();
    let id = engine.create_container(spec).await.expect("create");
    engine.start(&id).await.expect("start");
    engine.stop(&id).await.expect("stop");
    let seen = events_until(&mut events, &name, ends_with_die).await;
    assert_eq!(seen, vec![Happening::Started, killed("15"), died(143)]);
}

/// A restart is a stop and a start, in that order.
pub async fn events_a_restart_stops_then_starts(subject: &dyn Subject) {
    let engine = subject.engine();
    let spec = spec(subject, "restart", &Program::run_on());
    let name = spec.name.clone();
    let id = engine.create_container(spec).await.expect("create");
    engine.start(&id).await.expect("start");
    let before = engine.inspect(&id).await.expect("inspect").expect("there");
    let mut events = engine
        .events(subject.daemon_id(), now_secs(), None)
        .await
        .expect("events");
    engine.restart(&id).await.expect("restart");
    let seen = events_until(&mut events, &name, |s| {
        s.iter().any(|h| matches!(h, Happening::Died { .. }))
            && s.last() == Some(&Happening::Started)
    })
    .await;
    // The replay from `since` may hold the first start, in the same second.
    let seen: Vec<_> = seen
        .into_iter()
        .skip_while(|h| *h == Happening::Started)
        .collect();
    assert_eq!(seen, vec![killed("15"), died(143), Happening::Started]);
    let after = engine.inspect(&id).await.expect("inspect").expect("there");
    assert!(after.running, "{after:?}");
    assert!(after.started_at > before.started_at, "{before:?} {after:?}");
}

/// Removing a running container kills it (kill 9, die 137), then destroys it.
pub async fn events_a_forced_remove_is_kill_9_die_destroy(subject: &dyn Subject) {
    let engine = subject.engine();
    let mut events = engine
        .events(subject.daemon_id(), now_secs(), None)
        .await
        .expect("events");
    let spec = spec(subject, "forced", &Program::run_on());
    let name = spec.name.clone();
    let id = engine.create_container(spec).await.expect("create");
    engine.start(&id).await.expect("start");
    engine.remove_container(&id).await.expect("remove");
    let seen = events_until(&mut events, &name, |s| {
        s.last() == Some(&Happening::Destroyed)
    })
    .await;
    assert_eq!(
        seen,
        vec![
            Happening::Started,
            killed("9"),
            died(137),
            Happening::Destroyed
        ]
    );
}

/// The OOM killer: an oom event, then die with 137; inspect says so.
pub async fn events_an_oom_comes_before_its_die(subject: &dyn Subject) {
    let engine = subject.engine();
    let mut events = engine
        .events(subject.daemon_id(), now_secs(), None)
        .await
        .expect("events");
    let program = Program {
        output: Vec::new(),
        end: super::Ending::Oom,
    };
    let mut spec = spec(subject, "oom", &program);
    spec.memory = Some(16 * 1024 * 1024);
    let name = spec.name.clone();
    let id = engine.create_container(spec).await.expect("create");
    engine.start(&id).await.expect("start");
    let seen = events_until(&mut events, &name, ends_with_die).await;
    assert_eq!(seen, vec![Happening::Started, Happening::Oom, died(137)]);
    let o = wait_stopped(engine, &id).await;
    assert_eq!((o.exit_code, o.oom_killed), (Some(137), true), "{o:?}");
}

/// A replay (`until`) gives the record in order and ends; it holds this daemon's events only.
pub async fn events_replay_in_order_and_only_this_daemons(subject: &dyn Subject) {
    let engine = subject.engine();
    let since = now_secs();
    let spec = spec(subject, "replay", &Program::exit(4));
    let name = spec.name.clone();
    let other = spec_for(
        subject,
        &subject.other_daemon_id(),
        "other",
        &Program::exit(5),
    );
    let other_name = other.name.clone();
    let id = engine.create_container(spec).await.expect("create");
    let other_id = engine.create_container(other).await.expect("create");
    engine.start(&id).await.expect("start");
    engine.start(&other_id).await.expect("start");
    wait_stopped(engine, &id).await;
    wait_stopped(engine, &other_id).await;
    engine.remove_container(&id).await.expect("remove");
    // The engine's record is read up to a second that is over.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let stream = engine
        .events(subject.daemon_id(), since, Some(now_secs()))
        .await
        .expect("events");
    let replay = tokio::time::timeout(PATIENCE, stream.collect::<Vec<_>>())
        .await
        .expect("a replay ends");
    let mut seen = Vec::new();
    for event in replay {
        let event = event.expect("an event");
        assert_ne!(
            event.instance, other_name,
            "another daemon's event: {event:?}"
        );
        if event.instance == name {
            seen.push(event.what);
        }
    }
    assert_eq!(
        seen,
        vec![Happening::Started, died(4), Happening::Destroyed]
    );
}

/// The listing holds this daemon's containers in every state, by name, and no others.
pub async fn listing_shows_this_daemons_containers_only(subject: &dyn Subject) {
    let engine = subject.engine();
    let created = spec(subject, "listed-created", &Program::run_on());
    let running = spec(subject, "listed-running", &Program::run_on());
    let exited = spec(subject, "listed-exited", &Program::exit(0));
    let other = spec_for(
        subject,
        &subject.other_daemon_id(),
        "listed-other",
        &Program::run_on(),
    );
    let names = [
        created.name.clone(),
        running.name.clone(),
        exited.name.clone(),
    ];
    engine.create_container(created).await.expect("create");
    let running_id = engine.create_container(running).await.expect("create");
    let exited_id = engine.create_container(exited).await.expect("create");
    engine.create_container(other).await.expect("create");
    engine.start(&running_id).await.expect("start");
    engine.start(&exited_id).await.expect("start");
    wait_stopped(engine, &exited_id).await;
    let mut listed: Vec<(String, String)> = engine
        .labelled_containers(subject.daemon_id())
        .await
        .expect("list")
        .into_iter()
        .map(|l| {
            assert_eq!(
                l.labels.get(LABEL_DAEMON).map(String::as_str),
                Some(subject.daemon_id())
            );
            assert!(!l.id.is_empty());
            (l.name, l.state)
        })
        .collect();
    listed.sort();
    let mut want = vec![
        (names[0].clone(), "created".to_string()),
        (names[1].clone(), "running".to_string()),
        (names[2].clone(), "exited".to_string()),
    ];
    want.sort();
    assert_eq!(listed, want);
}

/// A volume: made (again is fine), inspected with its labels, mounted, refused removal while a
/// container has it, then removed (again is fine), and no longer found.
pub async fn volumes_create_mount_and_remove(subject: &dyn Subject) {
    let engine = subject.engine();
    let volume = unique(subject, "vol");
    let labels = std::collections::HashMap::from([(
        LABEL_DAEMON.to_string(),
        subject.daemon_id().to_string(),
    )]);
    engine
        .create_volume(&volume, labels.clone())
        .await
        .expect("create volume");
    engine
        .create_volume(&volume, labels.clone())
        .await
        .expect("a second create is fine");
    let found = engine.volume_labels(&volume).await.expect("volume labels");
    assert_eq!(found, Some(labels));
    let mut spec = spec(subject, "mounts", &Program::exit(0));
    spec.volumes = vec![VolumeMount {
        volume: volume.clone(),
        path: "/data".into(),
    }];
    let id = engine.create_container(spec).await.expect("create");
    match engine.remove_volume(&volume).await {
        Err(Error::Conflict(_)) => {}
        other => panic!("removing a volume in use: {other:?}"),
    }
    engine.remove_container(&id).await.expect("remove");
    engine.remove_volume(&volume).await.expect("remove volume");
    engine
        .remove_volume(&volume)
        .await
        .expect("a second remove is fine");
    let gone = engine.volume_labels(&volume).await.expect("volume labels");
    assert_eq!(gone, None, "a removed volume is not found");
}

/// A free port on the host's loopback, as the kernel hands one out.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A port is free unless something else holds it or a running container publishes it.
pub async fn host_ports_held_by_others_or_running_containers(subject: &dyn Subject) {
    let engine = subject.engine();
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let port = free_port();
    assert!(engine.host_port_free(ip, port, Protocol::Tcp));
    let held = subject.occupy(ip, port);
    assert!(
        !engine.host_port_free(ip, port, Protocol::Tcp),
        "held by another"
    );
    drop(held);
    assert!(engine.host_port_free(ip, port, Protocol::Tcp), "let go");

    let port = free_port();
    let mut spec = spec(subject, "ports", &Program::run_on());
    spec.ports = vec![PortBinding {
        container_port: 8080,
        protocol: Protocol::Tcp,
        host_port: port,
    }];
    let id = engine.create_container(spec).await.expect("create");
    assert!(
        engine.host_port_free(ip, port, Protocol::Tcp),
        "created, not started"
    );
    engine.start(&id).await.expect("start");
    assert!(!engine.host_port_free(ip, port, Protocol::Tcp), "published");
    engine.stop(&id).await.expect("stop");
    assert!(engine.host_port_free(ip, port, Protocol::Tcp), "stopped");
}

/// Whether `call` fails `EngineUnavailable` within a few seconds.
async fn refused<T>(what: &str, call: impl std::future::Future<Output = crate::error::Result<T>>) {
    match tokio::time::timeout(Duration::from_secs(5), call).await {
        Ok(Err(Error::EngineUnavailable(_))) => {}
        Ok(other) => panic!(
            "{what} of an unreachable engine: {:?}",
            other.map(|_| "a value")
        ),
        Err(_) => panic!("{what} of an unreachable engine hung"),
    }
}

/// An engine that cannot be reached answers `EngineUnavailable` at once, to everything.
pub async fn an_unreachable_engine_answers_unavailable(subject: &dyn Subject) {
    let engine = subject.unreachable().await;
    let info = engine.info().await;
    assert!(!info.connected, "{info:?}");
    let spec = spec(subject, "away", &Program::run_on());
    refused("available", engine.available()).await;
    refused("inspect", engine.inspect("x")).await;
    refused("create", engine.create_container(spec)).await;
    refused("start", engine.start("x")).await;
    refused("stop", engine.stop("x")).await;
    refused("remove", engine.remove_container("x")).await;
    refused("list", engine.labelled_containers(subject.daemon_id())).await;
    refused(
        "create volume",
        engine.create_volume("x", Default::default()),
    )
    .await;
    refused("remove volume", engine.remove_volume("x")).await;
    refused("volume labels", engine.volume_labels("x")).await;
    refused("events", engine.events(subject.daemon_id(), 0, None)).await;
    refused("logs", engine.log_stream("x", LogRange::default())).await;
    refused("env", engine.env("x")).await;
}
