//! Issue 11's CLI polish against a fake daemon: `--format` and `--no-headers` on the listings,
//! `--color` and `NO_COLOR`, human times in tables and exact ones in JSON, and no progress
//! drawn into a pipe.

#![allow(clippy::unwrap_used)] // a test may panic on its own fixtures

mod common;

use std::process::{Command, Stdio};

use common::*;

const OLD: &str = "2020-01-01T00:00:00.000Z";

fn instance_json(id: &str, name: &str, status: &str, exit: &str) -> String {
    format!(
        r#"{{"id":"{id}","name":"{name}","machine":"redis","owner":"ada@example.com",
            "status":"{status}","host":"127.0.0.1",
            "ports":[{{"container_port":6379,"host_port":20001,"protocol":"tcp"}}],
            "url":"redis://127.0.0.1:20001","volumes":[],"env":{{}},"container":"c",
            "exit_code":{exit},"created_at":"{OLD}","updated_at":"{OLD}"}}"#
    )
}

fn event_json(id: i64, instance: &str, kind: &str) -> String {
    format!(
        r#"{{"id":{id},"at":"{OLD}","instance":"{instance}","owner":"ada@example.com",
            "kind":"{kind}","cause":"user","up":true}}"#
    )
    .replace('\n', " ")
}

fn daemon() -> FakeDaemon {
    let list = format!(
        "[{},{}]",
        instance_json("aaaa", "db1", "running", "null"),
        instance_json("bbbb", "longer-name", "exited", "3")
    );
    let volumes = format!(
        r#"[{{"name":"rsrc-aaaa-data","instance_id":"aaaa","instance":"db1",
            "owner":"ada@example.com","path":"/data","in_use":true,"size":1288490189,
            "created_at":"{OLD}"}}]"#
    );
    let machines = r#"[{"name":"redis","description":"Redis 7","image":"redis:7",
        "ports":[{"port":6379,"protocol":"tcp"}],"props":[],"command":null,"volumes":[],
        "limits":{},"max_per_user":2,"active":true,"connect":null,"restart":"no",
        "instances":1,"likes":0,"dislikes":0,"rating":null,"ratings":0,"comments":0,
        "created_at":"t","updated_at":"t","revision":1,"instances_outdated":0}]"#;
    let events = [
        event_json(1, "aaaa", "created"),
        event_json(2, "aaaa", "started"),
        event_json(3, "bbbb", "died"),
    ]
    .join("\n")
        + "\n";
    FakeDaemon::start(vec![
        ("GET /v1/instances", (200, "auth", list)),
        ("GET /v1/volumes", (200, "auth", volumes.clone())),
        // Sizes only on request (`--size`, or a --format naming the size).
        ("GET /v1/volumes?size=true", (200, "auth", volumes)),
        ("GET /v1/machines", (200, "auth", machines.into())),
        ("GET /v1/events", (200, "auth", events.clone())),
        ("GET /v1/events?follow=true", (200, "auth", events)),
        (
            "POST /v1/instances",
            (
                201,
                "auth",
                instance_json("cccc", "new", "creating", "null"),
            ),
        ),
        (
            "POST /v1/instances/cccc/wait?timeout=60",
            (200, "auth", instance_json("cccc", "new", "running", "null")),
        ),
    ])
}

/// Runs rsrc with `NO_COLOR` as given (unset with `None`), stdout and stderr into pipes.
fn run_env(d: &FakeDaemon, no_color: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let config = tempfile::tempdir().unwrap();
    let mut command = Command::new(BIN);
    command
        .arg("--socket")
        .arg(&d.socket)
        .args(args)
        .env("RSRC_CONFIG_DIR", config.path())
        .env("RSRC_NO_KEYRING", "1")
        .env("RSRC_TOKEN", "tok-123")
        .env_remove("RSRC_SOCKET")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    if let Some(v) = no_color {
        command.env("NO_COLOR", v);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn run(d: &FakeDaemon, args: &[&str]) -> (i32, String, String) {
    run_env(d, None, args)
}

fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn format_picks_columns_in_the_order_given() {
    let d = daemon();
    let (code, out, err) = run(&d, &["instance", "ls", "--format", "name,status,id"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("NAME         STATUS"), "{out}");
    assert!(lines[0].ends_with("ID"), "{out}");
    assert!(lines[1].starts_with("db1          Up "), "{out}");
    assert!(lines[1].ends_with("aaaa"), "{out}");
    assert!(lines[2].starts_with("longer-name  Exited (3) "), "{out}");
    assert!(!out.contains("MACHINE"), "{out}");
    // `ps` is the same listing; extra columns show when named.
    let (code, out, err) = run(&d, &["ps", "--format", "url,state", "--no-headers"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "redis://127.0.0.1:20001  running\nredis://127.0.0.1:20001  exited\n"
    );
}

#[test]
fn an_unknown_column_exits_2_with_the_valid_names_and_asks_nothing() {
    let d = daemon();
    for args in [
        &["instance", "ls", "--format", "name,bogus"][..],
        &["machine", "ls", "--format", "bogus"],
        &["volume", "ls", "--format", "bogus"],
        &["events", "--format", "bogus"],
    ] {
        let (code, out, err) = run(&d, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains("unknown column `bogus`"), "{err}");
        assert!(err.contains("columns: "), "{err}");
    }
    let (_, _, err) = run(&d, &["instance", "ls", "--format", "bogus"]);
    assert!(
        err.contains("id, name, machine, owner, status, ports, created, up-7d"),
        "{err}"
    );
    assert!(d.seen().is_empty(), "{:?}", d.seen());
}

#[test]
fn no_headers_drops_the_header_line() {
    let d = daemon();
    let (code, out, err) = run(
        &d,
        &["machine", "ls", "--format", "name,image", "--no-headers"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "redis  redis:7\n");
    let (code, out, _) = run(&d, &["instance", "ls", "--no-headers"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(!out.contains("NAME"), "{out}");
}

#[test]
fn templates_print_one_line_per_row() {
    let d = daemon();
    let (code, out, err) = run(&d, &["ps", "--format", "{{.Name}}\\t{{.State}}"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "db1\trunning\nlonger-name\texited\n");
}

#[test]
fn color_always_colours_states_into_a_pipe_and_keeps_alignment() {
    let d = daemon();
    let (code, coloured, err) = run(&d, &["--color", "always", "instance", "ls"]);
    assert_eq!(code, 0, "{err}");
    assert!(coloured.contains("\x1b[32mUp "), "{coloured:?}");
    assert!(coloured.contains("\x1b[31mExited (3) "), "{coloured:?}");
    let (_, plain, _) = run(&d, &["--color", "never", "instance", "ls"]);
    assert!(!plain.contains('\x1b'));
    assert_eq!(strip_escapes(&coloured), plain);
    // Each column starts at the same place on every line, as the header says.
    let at = |line: &str| {
        line.find("127.0.0.1")
            .unwrap_or_else(|| line.find("PORTS").unwrap())
    };
    let starts: Vec<usize> = plain.lines().map(at).collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{plain}");
    // Events colour their kind.
    let (_, events, _) = run(&d, &["--color", "always", "events"]);
    assert!(events.contains("\x1b[32mstarted\x1b[0m"), "{events:?}");
    assert!(events.contains("\x1b[31mdied\x1b[0m"), "{events:?}");
}

#[test]
fn no_color_and_auto_mean_no_escapes() {
    let d = daemon();
    for (no_color, args) in [
        (Some("1"), &["--color", "auto", "instance", "ls"][..]),
        (Some("1"), &["instance", "ls"]),
        (None, &["instance", "ls"]),
        (Some("1"), &["--color", "auto", "events"]),
    ] {
        let (code, out, err) = run_env(&d, no_color, args);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains('\x1b'), "{args:?}: {out:?}");
    }
    // An error into a pipe is not coloured either, unless asked.
    let (_, _, err) = run(&d, &["instance", "ls", "--format", "x"]);
    assert!(err.starts_with("error:"), "{err:?}");
    let (_, _, err) = run(
        &d,
        &["--color", "always", "instance", "ls", "--format", "x"],
    );
    assert!(err.starts_with("\x1b[1;31merror:"), "{err:?}");
}

#[test]
fn json_and_ids_ignore_format_and_colour() {
    let d = daemon();
    let args = [
        "--color",
        "always",
        "--json",
        "instance",
        "ls",
        "--format",
        "name",
        "--no-headers",
    ];
    let (code, out, err) = run(&d, &args);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('\x1b'));
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list[0]["status"], "running");
    assert_eq!(list[0]["created_at"], OLD);
    assert_eq!(list[0]["ports"][0]["host_port"], 20001);
    let (code, out, _) = run(&d, &["--color", "always", "-q", "ps", "--format", "name"]);
    assert_eq!(code, 0);
    assert_eq!(out, "aaaa\nbbbb\n");
    let (_, out, _) = run(
        &d,
        &["--color", "always", "--json", "events", "--format", "kind"],
    );
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["at"], OLD);
    assert_eq!(first["kind"], "created");
}

#[test]
fn tables_show_human_times_and_sizes() {
    let d = daemon();
    let (_, out, _) = run(&d, &["instance", "ls", "--format", "name,created"]);
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.ends_with(" years ago")),
        "{out}"
    );
    assert!(!out.contains("2020-01-01"), "{out}");
    let (_, out, _) = run(&d, &["volume", "ls", "--format", "name,size,created"]);
    assert!(out.contains("rsrc-aaaa-data  1.2 GiB"), "{out}");
    assert!(out.contains("years ago"), "{out}");
    let (_, out, _) = run(&d, &["events", "--format", "time,kind,instance"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("TIME   "), "{out}");
    assert!(lines[0].ends_with("  KIND     INSTANCE"), "{out}");
    assert!(lines[1].ends_with("ago  created  aaaa"), "{out}");
    assert_eq!(lines.len(), 4, "{out}");
    // The exact time stays one column name away.
    let (_, out, _) = run(&d, &["events", "--format", "at", "--no-headers"]);
    assert_eq!(out.lines().next(), Some(OLD), "{out}");
}

#[test]
fn followed_events_take_the_format_too() {
    let d = daemon();
    let (code, out, err) = run(&d, &["events", "-f", "--format", "kind,instance"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "KIND\tINSTANCE\ncreated\taaaa\nstarted\taaaa\ndied\tbbbb\n"
    );
    let (_, out, _) = run(&d, &["events", "-f", "--format", "kind", "--no-headers"]);
    assert_eq!(out, "created\nstarted\ndied\n");
    // A followed event's TIME is when it happened, not "… ago" (which every line would share).
    let (_, out, _) = run(&d, &["events", "-f", "--format", "time", "--no-headers"]);
    let times: Vec<&str> = out.lines().collect();
    assert_eq!(times.len(), 3, "{out}");
    assert!(
        times
            .iter()
            .all(|t| t.len() == 20 && t.ends_with('Z') && !t.contains("ago")),
        "{out}"
    );
}

#[test]
fn create_wait_draws_no_progress_into_a_pipe() {
    let d = daemon();
    for color in ["auto", "always"] {
        let (code, out, err) = run(
            &d,
            &["--color", color, "instance", "create", "redis", "--wait"],
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("cccc"), "{out}");
        assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    }
}
