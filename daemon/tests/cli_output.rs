//! Issue 11's CLI polish against the real daemon and Docker: `--format`, `--no-headers` and
//! `--color` on listings of real instances, events and volumes, and nothing of it in JSON;
//! issue 19's NAME column of events, `table` formats and `-a` (listing_flags.rs has the rest).

mod common;
mod docker_support;

use common::Options;
use docker_support::*;

/// The text without ANSI escape sequences.
fn visible(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
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
fn listings_of_real_instances_take_columns_headers_and_colour() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(
        &e.admin,
        "web",
        &["--volume", "/data", "--max-per-user", "2"],
    );
    let ada = e.user("ada@test.local");
    let up = create(&ada, "web", &["--name", "up", "--wait"]);
    create(&ada, "web", &["--name", "down", "--wait"]);
    ada.run(&["instance", "stop", "down"]).ok().expect("stop");

    // Columns in the order given, no header.
    let r = ada
        .run(&["instance", "ls", "--format", "status,name", "--no-headers"])
        .ok()
        .expect("ls --format");
    let mut rows: Vec<Vec<String>> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect();
    rows.sort_by(|a, b| a.last().cmp(&b.last()));
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert_eq!(
        rows[0].last().map(String::as_str),
        Some("down"),
        "{}",
        r.stdout
    );
    assert_eq!(rows[0][0], "Exited", "{}", r.stdout);
    assert_eq!(
        rows[1].last().map(String::as_str),
        Some("up"),
        "{}",
        r.stdout
    );
    assert_eq!(rows[1][0], "Up", "{}", r.stdout);

    // An unknown column is a usage error that names the valid ones.
    let r = ada
        .run(&["instance", "ls", "--format", "name,colour"])
        .expect_code(2);
    assert!(
        r.stderr.contains("colour") && r.stderr.contains("status"),
        "{}",
        r.stderr
    );

    // Colour on request, even into a pipe: running green, and the columns still line up.
    let r = ada
        .run(&[
            "--color",
            "always",
            "instance",
            "ls",
            "--format",
            "name,status,ports",
        ])
        .ok()
        .expect("ls --color always");
    assert!(r.stdout.contains("\x1b[32m"), "no green in {:?}", r.stdout);
    let lines: Vec<String> = r.stdout.lines().map(visible).collect();
    let column = |line: &str, word: &str| line.find(word);
    let status_at = column(&lines[0], "STATUS").expect("header");
    for line in &lines[1..] {
        let at = column(line, "Up").or_else(|| column(line, "Exited"));
        assert_eq!(at, Some(status_at), "misaligned: {lines:?}");
    }
    // NO_COLOR under auto, and JSON always, stay plain.
    let r = ada
        .command(&["instance", "ls"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run rsrc");
    assert!(!String::from_utf8_lossy(&r.stdout).contains('\x1b'));
    let r = ada
        .run(&[
            "--color", "always", "--json", "instance", "ls", "--format", "name",
        ])
        .ok()
        .expect("json");
    assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
    let all: serde_json::Value = serde_json::from_str(&r.stdout).expect("json list");
    let first = &all.as_array().expect("array")[0];
    assert!(
        first.get("ports").is_some() && first.get("id").is_some(),
        "{first}"
    );

    // Events and volumes take the same flags.
    let r = ada
        .run(&["events", "--format", "kind,instance", "--no-headers"])
        .ok()
        .expect("events --format");
    let up_id = str_of(&up, "id");
    assert!(
        r.stdout.lines().any(|l| l.starts_with("created")
            && up_id.starts_with(l.split_whitespace().nth(1).unwrap_or("-"))),
        "{}",
        r.stdout
    );
    let r = ada
        .run(&["volume", "ls", "--format", "name", "--no-headers"])
        .ok()
        .expect("volume ls --format");
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);

    // Issue 19 item 21: events name their instance, also once it is removed.
    let down_id = ada.json(&["instance", "show", "down"])["id"]
        .as_str()
        .expect("id")
        .to_string();
    ada.run(&["instance", "rm", "down"]).ok().expect("rm");
    let r = ada
        .run(&["events", "--format", "name,kind", "--no-headers"])
        .ok()
        .expect("events --format name");
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    for (name, kind) in [("up", "created"), ("down", "stopped"), ("down", "removed")] {
        assert!(
            rows.contains(&vec![name, kind]),
            "{name} {kind}: {}",
            r.stdout
        );
    }
    let r = ada
        .run(&["--json", "events", "--instance", &down_id])
        .ok()
        .expect("events of a removed instance");
    assert!(
        r.stdout.lines().count() >= 3 && r.stdout.lines().all(|l| l.contains(r#""name":"down""#)),
        "{}",
        r.stdout
    );

    // Issue 19 item 22: Docker's `table` format, a header row and aligned columns, on real
    // instances and on a real orphan; `-a` on the admin's listings.
    let r = ada
        .run(&["ps", "-a", "--format", "table {{.Name}}\\t{{.Status}}"])
        .ok()
        .expect("ps --format table");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.first().copied(), Some("NAME  STATUS"), "{}", r.stdout);
    assert!(
        lines[1..].iter().any(|l| l.starts_with("up    Up ")),
        "{}",
        r.stdout
    );
    let orphan = HandMade::run(
        "cli-orphan",
        &[
            format!("io.rsrc.daemon={}", e.d.daemon_id()),
            "io.rsrc.instance=cafef00d".to_string(),
        ],
    );
    let r = e
        .admin
        .run(&[
            "admin",
            "orphans",
            "-a",
            "--format",
            "table {{.Instance}}\\t{{.Name}}",
        ])
        .ok()
        .expect("admin orphans --format table");
    assert_eq!(
        r.stdout,
        format!("INSTANCE  NAME\ncafef00d  {}\n", orphan.name),
        "{}",
        r.stdout
    );
    let r = e
        .admin
        .run(&["admin", "users", "ls", "-a", "--format", "{{.Email}}"])
        .ok()
        .expect("admin users ls --format");
    assert!(
        r.stdout.lines().any(|l| l == "ada@test.local"),
        "{}",
        r.stdout
    );
    drop(orphan);
}
