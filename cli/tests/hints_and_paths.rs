//! What the CLI sends and what it says back, against the fake daemon: keys refused before any
//! request, names and emails kept to one path segment, and hints worded by the CLI for the
//! credential or the engine that failed.

#![allow(clippy::unwrap_used)] // a test may panic on its own fixtures

mod common;

use common::*;
use rsrc_shared::v1;

#[test]
fn bad_env_keys_are_refused_before_the_daemon_is_asked() {
    let daemon = FakeDaemon::start(vec![]);
    let config = tempfile::tempdir().unwrap();
    let long = format!("{}=1", "K".repeat(129));
    for args in [
        &["instance", "create", "redis", "--env", "lower=1"][..],
        &["instance", "create", "redis", "-e", "A=1", "-e", "Mixed=1"],
        &["instance", "create", "redis", "-e", "1X=1"],
        &["instance", "create", "redis", "-e", &long],
        &[
            "machine", "create", "x", "--image", "i", "--port", "1", "--prop", "lower",
        ],
        &[
            "machine",
            "create",
            "x",
            "--image",
            "i",
            "--port",
            "1",
            "--secret-prop",
            "pw=x",
        ],
        &["machine", "update", "x", "--required-prop", "db_name"],
    ] {
        let out = rsrc(&daemon.socket, config.path(), args, "");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("error:") && err.contains("prop name"),
            "{args:?}: {err}"
        );
    }
    assert!(daemon.seen().is_empty(), "{:?}", daemon.seen());
}

#[test]
fn a_refused_rsrc_token_gets_its_own_hint() {
    let daemon = FakeDaemon::start(vec![(
        "GET /v1/whoami",
        (200, "auth", user_json("ada@example.com")),
    )]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc_with_token(
        &daemon.socket,
        config.path(),
        &["whoami"],
        "",
        Some("stale"),
    );
    assert_eq!(out.status.code(), Some(4));
    let err = text(&out.stderr);
    assert!(
        err.ends_with("hint: the token in RSRC_TOKEN was refused; unset it or set a valid one\n"),
        "{err}"
    );
    let seen = daemon.seen();
    assert_eq!(seen[0].auth.as_deref(), Some("Bearer stale"));

    let out = rsrc(&daemon.socket, config.path(), &["whoami"], "");
    let err = text(&out.stderr);
    assert!(
        err.ends_with("hint: log in with `rsrc login --email EMAIL`\n"),
        "{err}"
    );
}

#[test]
fn a_failed_login_gets_the_lockout_hint() {
    let daemon = FakeDaemon::start(vec![(
        "POST /v1/login",
        (401, "", error("unauthenticated", "wrong email or password")),
    )]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc(
        &daemon.socket,
        config.path(),
        &["login", "--email", "a@b.c", "--password-stdin"],
        "nope\n",
    );
    assert_eq!(out.status.code(), Some(4));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: wrong email or password\n"), "{err}");
    assert!(
        err.contains("hint: check the email and the password; after 3 failures"),
        "{err}"
    );
}

const MACHINE: &str = r#"{"name":"redis","description":"","image":"redis:7",
    "ports":[{"port":6379,"protocol":"tcp"}],"props":[],"command":null,"volumes":[],
    "limits":{},"max_per_user":1,"active":true,"connect":null,"restart":"unless-stopped",
    "instances":0,"likes":0,"dislikes":0,"rating":null,"created_at":"t","updated_at":"t"}"#;

#[test]
fn a_missing_docker_is_named_over_the_commands_hint() {
    let daemon = FakeDaemon::start(vec![
        (
            "POST /v1/images/pull",
            (
                503,
                "",
                error("engine_unavailable", "Docker is not reachable"),
            ),
        ),
        ("POST /v1/machines?dry_run=true", (200, "", MACHINE.into())),
    ]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc(
        &daemon.socket,
        config.path(),
        &[
            "machine", "create", "redis", "--image", "redis:7", "--port", "6379",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.ends_with("hint: is dockerd running? `rsrc version` shows the engine's state\n"),
        "{err}"
    );
}

#[test]
fn names_and_emails_stay_one_path_segment() {
    let daemon = FakeDaemon::start(vec![]);
    let config = tempfile::tempdir().unwrap();
    rsrc(
        &daemon.socket,
        config.path(),
        &["admin", "users", "promote", "a+b@c.d"],
        "",
    );
    rsrc(
        &daemon.socket,
        config.path(),
        &["instance", "stop", "../x"],
        "",
    );
    rsrc(
        &daemon.socket,
        config.path(),
        &["logs", "my db", "-n", "5"],
        "",
    );
    rsrc(
        &daemon.socket,
        config.path(),
        &["machine", "rm", "a?b", "--force"],
        "",
    );
    let paths: Vec<String> = daemon.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(
        paths,
        [
            v1!("/admin/users/a%2Bb%40c.d/promote"),
            v1!("/instances/..%2Fx/stop"),
            v1!("/instances/my%20db/logs?tail=5&bare=true"),
            v1!("/machines/a%3Fb?force=true"),
        ]
    );
}
