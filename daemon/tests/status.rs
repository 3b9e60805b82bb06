//! `rsrc status` end to end: the daemon it talks to, the login, Docker's state and the quota
//! figures, against the real rsrcd and Docker; and without Docker, without a login, without a
//! daemon.

mod common;
mod docker_support;

use common::{Options, TestDaemon};
use docker_support::*;
use rsrcd::engine::fake::FakeEngine;

const PASSWORD: &str = "user-password-1";

#[test]
fn status_shows_the_quota_use_after_creates() {
    let e = env_in_process(Options {
        max_instances_per_user: 4,
        ..Options::default()
    });
    httpd_machine(&e.admin, "web", &["--max-per-user", "2"]);
    httpd_machine(&e.admin, "web2", &["--max-per-user", "3"]);
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");

    let s = alice.json(&["status"]);
    assert_eq!(s["quota"]["used"], 0, "{s}");
    assert_eq!(s["quota"]["allowed"], 4, "{s}");

    let a1 = create(&alice, "web", &[]);
    let a2 = create(&alice, "web2", &[]);
    let a3 = create(&alice, "web2", &[]);
    // Other users' instances are not the caller's use.
    let b1 = create(&bob, "web", &[]);

    let s = alice.json(&["status"]);
    assert_eq!(
        s["daemon"]["socket"],
        e.d.socket.display().to_string(),
        "{s}"
    );
    assert_eq!(s["daemon"]["api_version"], "v1", "{s}");
    assert!(s["daemon"]["version"].as_str().is_some(), "{s}");
    assert_eq!(s["user"]["email"], "alice@example.com", "{s}");
    assert_eq!(s["user"]["role"], "user", "{s}");
    assert_eq!(s["user"]["verified"], true, "{s}");
    assert_eq!(s["docker"]["reachable"], true, "{s}");
    assert!(s["docker"]["version"].as_str().is_some(), "{s}");
    assert!(s["docker"]["error"].is_null(), "{s}");
    assert_eq!(s["quota"]["used"], 3, "{s}");
    assert_eq!(s["quota"]["allowed"], 4, "{s}");
    assert_eq!(
        s["quota"]["machines"],
        serde_json::json!([
            {"machine": "web", "used": 1, "allowed": 2},
            {"machine": "web2", "used": 2, "allowed": 3},
        ]),
        "{s}"
    );
    let b = bob.json(&["status"]);
    assert_eq!(b["quota"]["used"], 1, "{b}");

    let table = alice.run(&["status"]).expect_code(0).stdout;
    for word in [
        "alice@example.com (user, verified)",
        "3 of 4 instances",
        "MACHINE",
        "web2",
    ] {
        assert!(table.contains(word), "status lacks {word:?}: {table}");
    }

    // A removal gives the place back at once.
    alice
        .run(&["instance", "rm", str_of(&a1, "id"), "--volumes"])
        .expect_code(0);
    let s = alice.json(&["status"]);
    assert_eq!(s["quota"]["used"], 2, "{s}");
    assert_eq!(s["quota"]["machines"][0]["used"], 0, "{s}");

    for (c, i) in [(&alice, &a2), (&alice, &a3), (&bob, &b1)] {
        c.run(&["instance", "rm", str_of(i, "id"), "--volumes"])
            .expect_code(0);
    }
    assert_nothing_labelled(&e.d);
}

#[test]
fn status_without_docker_or_login_still_answers() {
    let engine = FakeEngine::new();
    engine.set_available(false);
    let d = TestDaemon::in_process_on(Options::default(), engine);
    let c = d.client("nodocker@example.com");

    // Not logged in: exit 0, and it says so.
    let s = c.json(&["status"]);
    assert!(s["user"].is_null(), "{s}");
    assert!(s["quota"].is_null(), "{s}");
    assert_eq!(s["docker"]["reachable"], false, "{s}");
    let table = c.run(&["status"]).expect_code(0).stdout;
    assert!(table.contains("not logged in"), "{table}");

    c.signup(PASSWORD).expect("signup");
    c.login(PASSWORD).expect("login");
    let s = c.json(&["status"]);
    assert_eq!(s["user"]["email"], "nodocker@example.com", "{s}");
    assert_eq!(s["user"]["verified"], false, "{s}");
    assert_eq!(s["docker"]["reachable"], false, "{s}");
    assert!(s["docker"]["error"].as_str().is_some(), "{s}");
    assert_eq!(s["quota"]["used"], 0, "{s}");
    let table = c.run(&["status"]).expect_code(0).stdout;
    assert!(table.contains("unreachable, retrying"), "{table}");
    assert!(table.contains("email not verified"), "{table}");

    // After logout the stored session is gone: not logged in again.
    c.run(&["logout"]).expect_code(0);
    let s = c.json(&["status"]);
    assert!(s["user"].is_null(), "{s}");
}

#[test]
fn status_without_a_daemon_exits_69() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(common::rsrc_bin())
        .args(["status"])
        .env("RSRC_SOCKET", dir.path().join("none.sock"))
        .env("RSRC_CONFIG_DIR", dir.path())
        .env("HOME", dir.path())
        .env_remove("RSRC_TOKEN")
        .output()
        .expect("run rsrc");
    assert_eq!(out.status.code(), Some(69));
    assert!(out.stdout.is_empty());
}
