//! The CLI as a Docker user expects it (issue 9), against a fake daemon: `ps -a` is harmless,
//! the admin's view is `--all-users`, tables read like `docker ps`, `--filter`, names printed by
//! stop/rm, contradictory output flags refused, completions printed.

#![allow(clippy::unwrap_used)] // a test may panic on its own fixtures

mod common;

use common::*;

fn instance_json(id: &str, name: &str, status: &str, exit: &str) -> String {
    format!(
        r#"{{"id":"{id}","name":"{name}","machine":"redis","owner":"ada@example.com",
            "status":"{status}","host":"127.0.0.1",
            "ports":[{{"container_port":6379,"host_port":20001,"protocol":"tcp"}}],
            "url":null,"volumes":[],"env":{{}},"container":"c","exit_code":{exit},
            "created_at":"2020-01-01T00:00:00.000Z","updated_at":"2020-01-01T00:00:00.000Z"}}"#
    )
}

fn daemon() -> FakeDaemon {
    let list = format!(
        "[{},{}]",
        instance_json("aaaa", "db1", "running", "null"),
        instance_json("bbbb", "db2", "exited", "3")
    );
    FakeDaemon::start(vec![
        ("GET /v1/instances", (200, "auth", list.clone())),
        ("GET /v1/instances?all=true", (200, "auth", list)),
        (
            "POST /v1/instances/db1/stop",
            (200, "auth", instance_json("aaaa", "db1", "stopped", "null")),
        ),
    ])
}

fn run(d: &FakeDaemon, args: &[&str]) -> (i32, String, String) {
    let config = tempfile::tempdir().unwrap();
    let out = rsrc_with_token(&d.socket, config.path(), args, "", Some("tok-123"));
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn ps_dash_a_means_stopped_too_and_all_users_is_the_admins_view() {
    let d = daemon();
    let (code, out, err) = run(&d, &["ps", "-a"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("db2"), "{out}");
    assert!(d.seen().iter().all(|s| !s.path.contains("all=true")));
    let (code, _, err) = run(&d, &["instance", "ls", "--all-users"]);
    assert_eq!(code, 0, "{err}");
    assert!(d.seen().iter().any(|s| s.path.contains("all=true")));
}

#[test]
fn tables_read_like_docker_ps() {
    let d = daemon();
    let (code, out, err) = run(&d, &["ps"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("127.0.0.1:20001->6379/tcp"), "{out}");
    assert!(out.contains("Up "), "{out}");
    assert!(out.contains("Exited (3) "), "{out}");
    assert!(out.contains(" years ago"), "{out}");
    assert!(!out.contains("2020-01-01T"), "{out}");
}

#[test]
fn filters_narrow_the_listing() {
    let d = daemon();
    let (_, out, _) = run(&d, &["-q", "ps", "--filter", "status=exited"]);
    assert_eq!(out, "bbbb\n");
    let (_, out, _) = run(
        &d,
        &["-q", "ps", "--filter", "name=db1", "--filter", "name=db2"],
    );
    assert_eq!(out, "aaaa\nbbbb\n");
    let (_, out, _) = run(
        &d,
        &[
            "-q",
            "ps",
            "--filter",
            "name=db1",
            "--filter",
            "status=exited",
        ],
    );
    assert_eq!(out, "");
    let (code, _, err) = run(&d, &["ps", "--filter", "colour=red"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown filter `colour`"), "{err}");
}

#[test]
fn stop_prints_what_it_acted_on() {
    let d = daemon();
    let (code, out, err) = run(&d, &["instance", "stop", "db1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "db1\n");
    let (_, out, _) = run(&d, &["--output", "table", "instance", "stop", "db1"]);
    assert!(out.starts_with("ID "), "{out}");
    let (_, out, _) = run(&d, &["--json", "instance", "stop", "db1"]);
    assert!(out.trim_start().starts_with('['), "{out}");
}

#[test]
fn json_with_output_table_is_a_usage_error() {
    let d = daemon();
    let (code, out, err) = run(&d, &["--json", "--output", "table", "ps"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--json"), "{err}");
    assert!(out.is_empty());
    assert!(d.seen().is_empty(), "nothing was asked of the daemon");
}

#[test]
fn completion_scripts_match_the_generated_files() {
    let d = daemon();
    for (shell, file) in [
        ("bash", "rsrc.bash"),
        ("zsh", "_rsrc"),
        ("fish", "rsrc.fish"),
    ] {
        let (code, out, err) = run(&d, &["completion", shell]);
        assert_eq!(code, 0, "{err}");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../completions/");
        let stored = std::fs::read_to_string(format!("{path}{file}")).unwrap();
        assert_eq!(out, stored, "{shell}");
    }
}

#[test]
fn a_refused_rsrc_token_is_named() {
    let d = FakeDaemon::start(vec![("GET /v1/whoami", (200, "auth", user_json("a@b.c")))]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc_with_token(&d.socket, config.path(), &["whoami"], "", Some("garbage"));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.starts_with("error: the token from RSRC_TOKEN was refused"),
        "{err}"
    );
}
