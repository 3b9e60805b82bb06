//! Reconciliation and the labels boundary (issue 3): containers rsrc did not make are out of its
//! reach, orphans are reported and kept, containers removed behind rsrc's back leave `lost`
//! instances, and a kill -9 in the middle of creates leaves the registry and Docker agreeing.

mod common;
mod docker_support;

use std::thread;

use common::{docker, poll, Options, Run};
use docker_support::*;

fn user_id(c: &common::Client) -> String {
    match c.json(&["whoami"])["id"].clone() {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

#[test]
fn containers_made_by_hand_are_out_of_reach() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let mine = create(&alice, "web", &["--name", "mine"]);

    let plain = HandMade::run("plain", &[]);
    let fake = HandMade::run(
        "fake",
        &[
            "io.rsrc.instance=deadbeefdeadbeef".to_string(),
            format!("io.rsrc.owner={}", user_id(&alice)),
            "io.rsrc.machine=web".to_string(),
        ],
    );
    for h in [&plain, &fake] {
        for who in [&alice, &e.admin] {
            for reference in [h.id.as_str(), &h.id[..12], h.name.as_str()] {
                for action in ["stop", "restart", "rm", "show"] {
                    who.run(&["instance", action, reference]).expect_code(3);
                }
                who.run(&["logs", reference]).expect_code(3);
            }
        }
        who_cannot_by_label(&alice, "deadbeefdeadbeef");
        assert!(container_running(&h.id), "{} was touched", h.name);
    }
    assert_eq!(alice.json(&["instance", "ls"]).as_array().unwrap().len(), 1);
    assert_eq!(
        e.admin
            .json(&["instance", "ls", "--all-users"])
            .as_array()
            .unwrap()
            .len(),
        1,
        "hand-made containers are not instances"
    );
    alice
        .run(&["instance", "rm", str_of(&mine, "id"), "--volumes"])
        .expect_code(0);
    assert!(container_running(&plain.id) && container_running(&fake.id));
    assert_nothing_labelled(&e.d);
}

fn who_cannot_by_label(c: &common::Client, label_id: &str) {
    c.run(&["instance", "stop", label_id]).expect_code(3);
    c.run(&["instance", "rm", label_id]).expect_code(3);
}

#[test]
fn orphans_are_reported_and_never_removed() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let inst = create(&alice, "web", &[]);
    let orphan = HandMade::run(
        "orphan",
        &[
            format!("io.rsrc.daemon={}", e.d.daemon_id()),
            "io.rsrc.instance=deadbeef".to_string(),
        ],
    );
    // Another daemon's container is none of this one's business.
    let foreign = HandMade::run(
        "foreign",
        &[
            "io.rsrc.daemon=someotherdaemon".to_string(),
            "io.rsrc.instance=cafebabe".to_string(),
        ],
    );

    let listed = |e: &Env| -> Vec<serde_json::Value> {
        e.admin
            .json(&["admin", "orphans"])
            .as_array()
            .unwrap()
            .clone()
    };
    let orphans = listed(&e);
    assert_eq!(orphans.len(), 1, "{orphans:?}");
    assert_eq!(orphans[0]["instance_label"], "deadbeef");
    assert_eq!(orphans[0]["container_name"], orphan.name.as_str());
    assert_eq!(orphans[0]["container_id"], orphan.id.as_str());
    let r = alice.run(&["admin", "orphans"]).expect_code(4);
    assert!(!r.stdout.contains("deadbeef"));
    // Not an instance of anybody's, so not reachable as one.
    e.admin.run(&["instance", "rm", "deadbeef"]).expect_code(3);

    // Restarts (clean, then kill -9) report it and leave it alone.
    e.d.stop();
    respawn(&mut e.d);
    e.d.kill9();
    respawn(&mut e.d);
    assert!(
        container_running(&orphan.id),
        "the daemon removed an orphan"
    );
    assert!(container_running(&foreign.id));
    assert!(
        e.d.log_text().contains(&orphan.name),
        "the orphan is not in the daemon's log"
    );
    assert!(!e.d.log_text().contains(&foreign.name));
    assert_eq!(listed(&e).len(), 1);
    assert_eq!(
        alice.json(&["instance", "show", str_of(&inst, "id")])["status"],
        "running"
    );
    alice
        .run(&["instance", "rm", str_of(&inst, "id"), "--volumes"])
        .expect_code(0);
    assert!(container_running(&orphan.id));
    drop(orphan);
    assert_eq!(listed(&e).len(), 0);
    assert_nothing_labelled(&e.d);
}

fn events_of(e: &Env, id: &str) -> Vec<(String, String)> {
    let conn = e.d.db();
    let mut stmt = conn
        .prepare("SELECT kind, cause FROM instance_events WHERE instance_id = ?1 ORDER BY id")
        .expect("prepare");
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query events")
        .collect::<rusqlite::Result<_>>()
        .expect("events")
}

#[test]
fn containers_removed_or_stopped_behind_rsrcs_back() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    httpd_machine(
        &e.admin,
        "web",
        &["--volume", "/data", "--max-per-user", "5"],
    );
    let alice = e.user("alice@example.com");
    let live = create(&alice, "web", &["--name", "live"]);
    let away = create(&alice, "web", &["--name", "away"]);
    let stopped = create(&alice, "web", &["--name", "stopped"]);
    let id = |i: &serde_json::Value| str_of(i, "id").to_string();
    let show = |r: &str| alice.json(&["instance", "show", r]);

    // Live: Docker's destroy event marks it lost, without a restart.
    let live_container = str_of(&live, "container").to_string();
    let live_name = str_of(&inspect(&live_container), "Name")
        .trim_start_matches('/')
        .to_string();
    docker(&["rm", "-f", &live_container]);
    poll("the instance to show `lost`", common::DEADLINE, || {
        (show("live")["status"] == "lost").then_some(())
    });
    assert_eq!(
        show("live")["ports"],
        live["ports"],
        "a lost instance keeps its port"
    );
    let r = alice.run(&["instance", "start", "live"]).expect_code(5);
    assert!(r.stderr.contains("lost"), "{}", r.stderr);
    assert!(events_of(&e, &id(&live)).contains(&("lost".into(), "docker".into())));

    // A container made by hand under the lost instance's old name is still not rsrc's.
    let squatter = HandMade::run_named(&live_name, &[]);
    alice.run(&["instance", "rm", "live"]).expect_code(0);
    assert!(
        container_running(&squatter.id),
        "`instance rm` of a lost instance removed a container without rsrc's labels"
    );
    drop(squatter);
    // Its port is free again, but not handed straight to the next create (issue 20: a freed
    // port waits out `port_quarantine` while others are free).
    assert_eq!(
        db_count(
            &e.d,
            &format!(
                "SELECT COUNT(*) FROM instance_ports WHERE instance_id = '{}'",
                id(&live)
            )
        ),
        0
    );
    let next = create(&alice, "web", &["--name", "next"]);
    assert_ne!(host_port(&next), host_port(&live), "the freed port");

    // While the daemon is away: one container removed, another stopped.
    e.d.stop();
    docker(&["rm", "-f", str_of(&away, "container")]);
    docker(&["stop", "-t", "1", str_of(&stopped, "container")]);
    let next_events = events_of(&e, &id(&next)).len();
    docker(&["restart", "-t", "1", str_of(&next, "container")]);
    respawn(&mut e.d);
    // The restart while away: a down and an up, both found by reconciliation.
    let seen = events_of(&e, &id(&next));
    assert_eq!(seen.len(), next_events + 2, "{seen:?}");
    assert_eq!(
        seen[next_events + 1],
        ("started".into(), "reconcile".into()),
        "{seen:?}"
    );
    assert!(
        !["started", "created"].contains(&seen[next_events].0.as_str()),
        "{seen:?}"
    );
    assert_eq!(show("away")["status"], "lost");
    assert!(events_of(&e, &id(&away)).contains(&("lost".into(), "reconcile".into())));
    let s = show("stopped");
    assert_eq!(s["status"], "exited", "{s}");
    assert!(
        events_of(&e, &id(&stopped))
            .iter()
            .any(|(kind, _)| kind == "died" || kind == "stopped"),
        "{:?}",
        events_of(&e, &id(&stopped))
    );
    let listed = alice.json(&["instance", "ls"]);
    let statuses: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (str_of(i, "name"), str_of(i, "status")))
        .collect();
    assert_eq!(
        statuses,
        vec![("away", "lost"), ("next", "running"), ("stopped", "exited")]
    );
    let started = alice.json(&["instance", "start", "stopped"]);
    assert_eq!(started[0]["status"], "running");
    assert_eq!(host_port(&started[0]), host_port(&stopped));

    alice.run(&["instance", "rm", "away"]).expect_code(0);
    alice.run(&["instance", "show", "away"]).expect_code(3);
    assert_consistent(&e.d);
    assert_eq!(census(&e.d).ports, 2);
    // `rm` without --volumes kept the lost instances' volumes.
    let kept: Vec<String> = alice
        .json(&["volume", "ls"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["in_use"] == false)
        .map(|v| str_of(v, "name").to_string())
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    for v in &kept {
        alice.run(&["volume", "rm", v]).expect_code(0);
    }
    for n in ["next", "stopped"] {
        alice
            .run(&["instance", "rm", n, "--volumes"])
            .expect_code(0);
    }
    assert_nothing_labelled(&e.d);
}

/// Starts `n` creates in threads, kills the daemon once `ready` says so, and returns the
/// creates' outcomes.
fn kill_during_creates(
    e: &mut Env,
    c: &common::Client,
    n: usize,
    ready: impl Fn(&Env) -> bool,
) -> Vec<Run> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let c = c.clone();
            thread::spawn(move || c.run(&["--json", "instance", "create", "web"]))
        })
        .collect();
    // A tight loop rather than `poll`: the windows between the steps of a create are short.
    let start = std::time::Instant::now();
    while !ready(e) {
        assert!(
            start.elapsed() < common::DEADLINE,
            "never reached the point to kill rsrcd at"
        );
        thread::sleep(std::time::Duration::from_millis(1));
    }
    e.d.kill9();
    handles
        .into_iter()
        .map(|h| h.join().expect("create thread"))
        .collect()
}

fn check_after_crash(e: &Env, c: &common::Client, results: &[Run]) {
    assert_consistent(&e.d);
    let states = db_strings(&e.d, "SELECT state FROM instances");
    assert!(
        states.iter().all(|s| s == "running"),
        "after recovery: {states:?}"
    );
    let listed = c.json(&["instance", "ls"]);
    let ids: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| str_of(i, "id"))
        .collect();
    for r in results.iter().filter(|r| r.code == 0) {
        let inst = r.json();
        assert!(
            ids.contains(&str_of(&inst, "id")),
            "a create that succeeded is gone: {inst}"
        );
    }
    for i in listed.as_array().expect("a list") {
        assert!(container_running(str_of(i, "container")));
    }
    let census = census(&e.d);
    let n = ids.len();
    assert_eq!(
        (
            census.instances as usize,
            census.ports as usize,
            census.containers
        ),
        (n, n, n)
    );
    assert_eq!((census.volume_rows as usize, census.volumes), (n, n));
    eprintln!(
        "{} of {} creates answered; {n} instance(s) after recovery",
        results.iter().filter(|r| r.code == 0).count(),
        results.len()
    );
}

#[test]
fn kill9_in_the_middle_of_creates_leaves_registry_and_docker_agreeing() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options {
        port_range: common::port_range(24),
        max_instances_per_user: 20,
        ..Options::default()
    });
    httpd_machine(
        &e.admin,
        "web",
        &["--volume", "/data", "--max-per-user", "15"],
    );
    let alice = e.user("alice@example.com");

    // Three points to die at: once the first container of the batch exists in Docker; once a
    // create has recorded its container but not finished; and as soon as a create is journalled,
    // before Docker is touched.
    let creating = |e: &Env, extra: &str| {
        db_count(
            &e.d,
            &format!("SELECT COUNT(*) FROM instances WHERE state = 'creating' {extra}"),
        ) > 0
    };
    let before = labelled_containers(&e.d).len();
    let results = kill_during_creates(&mut e, &alice, 6, |e| {
        labelled_containers(&e.d).len() > before
    });
    respawn(&mut e.d);
    check_after_crash(&e, &alice, &results);

    let results = kill_during_creates(&mut e, &alice, 4, |e| {
        creating(e, "AND container_id IS NOT NULL")
    });
    respawn(&mut e.d);
    check_after_crash(&e, &alice, &results);

    let results = kill_during_creates(&mut e, &alice, 4, |e| creating(e, ""));
    respawn(&mut e.d);
    check_after_crash(&e, &alice, &results);

    // Killed in the middle of a remove: the next start finishes it.
    let victim = alice.json(&["instance", "ls"])[0].clone();
    let victim_id = str_of(&victim, "id").to_string();
    let handle = {
        let (c, id) = (alice.clone(), victim_id.clone());
        thread::spawn(move || c.run(&["instance", "rm", &id, "--volumes"]))
    };
    let start = std::time::Instant::now();
    while db_count(
        &e.d,
        &format!("SELECT COUNT(*) FROM instances WHERE id = '{victim_id}' AND state = 'removing'"),
    ) == 0
    {
        assert!(
            start.elapsed() < common::DEADLINE,
            "the remove never started"
        );
        thread::sleep(std::time::Duration::from_millis(1));
    }
    e.d.kill9();
    let _ = handle.join();
    respawn(&mut e.d);
    alice.run(&["instance", "show", &victim_id]).expect_code(3);
    assert!(!container_exists(str_of(&victim, "container")));
    // It was `rm --volumes`: the journal remembers, so the volumes went too.
    assert_eq!(
        db_count(
            &e.d,
            &format!("SELECT COUNT(*) FROM volumes WHERE instance_id = '{victim_id}'")
        ),
        0
    );
    for v in victim["volumes"].as_array().unwrap() {
        assert!(
            !common::docker_ok(&["volume", "inspect", str_of(v, "name")]),
            "volume {v} of the interrupted `rm --volumes` is still there"
        );
    }
    assert_eq!(
        db_count(
            &e.d,
            &format!("SELECT COUNT(*) FROM instance_ports WHERE instance_id = '{victim_id}'")
        ),
        0
    );
    assert_consistent(&e.d);

    // Everything still works, and goes away cleanly.
    let inst = create(&alice, "web", &["--wait"]);
    wait_http_ok(host_port(&inst));
    for i in alice.json(&["instance", "ls"]).as_array().unwrap() {
        alice
            .run(&["instance", "rm", str_of(i, "id"), "--volumes"])
            .expect_code(0);
    }
    // Volumes kept by plain removes are still removable.
    for v in alice.json(&["volume", "ls"]).as_array().unwrap() {
        alice
            .run(&["volume", "rm", str_of(v, "name")])
            .expect_code(0);
    }
    assert_nothing_labelled(&e.d);
}

#[test]
fn history_records_who_did_what() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &["--restart", "no"]);
    let alice = e.user("alice@example.com");
    let inst = create(&alice, "web", &["--name", "h"]);
    let id = str_of(&inst, "id").to_string();
    alice.run(&["instance", "restart", "h"]).expect_code(0);
    alice.run(&["instance", "stop", "h"]).expect_code(0);
    e.admin.run(&["instance", "start", &id]).expect_code(0);
    docker(&["kill", str_of(&inst, "container")]);
    poll("the crash to be recorded", common::DEADLINE, || {
        (alice.json(&["instance", "show", "h"])["status"] == "exited").then_some(())
    });
    let conn = e.d.db();
    let mut stmt = conn
        .prepare("SELECT kind, cause, up, exit_code FROM instance_events WHERE instance_id = ?1 ORDER BY id")
        .unwrap();
    let rows: Vec<(String, String, bool, Option<i64>)> = stmt
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let summary: Vec<(&str, &str, bool)> = rows
        .iter()
        .map(|(kind, cause, up, _)| (kind.as_str(), cause.as_str(), *up))
        .collect();
    assert_eq!(
        summary[..6],
        [
            ("created", "user", false),
            ("started", "user", true),
            ("stopped", "user", false),
            ("started", "user", true),
            ("stopped", "user", false),
            ("started", "admin", true),
        ],
        "{rows:#?}"
    );
    assert_eq!(rows.len(), 7, "{rows:#?}");
    let (kind, cause, up, exit_code) = &rows[6];
    assert!(!up && *exit_code == Some(137), "{rows:#?}");
    assert!(
        !["user", "admin", "daemon"].contains(&cause.as_str()) && kind != "stopped",
        "a kill behind rsrc's back is recorded as an action: {rows:#?}"
    );
    // Append-only.
    assert!(conn.execute("DELETE FROM instance_events", []).is_err());
    assert!(conn
        .execute("UPDATE instance_events SET cause = 'x'", [])
        .is_err());
    alice
        .run(&["instance", "rm", "h", "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}
