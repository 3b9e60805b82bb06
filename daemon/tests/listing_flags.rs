//! Issue 19 items 21 and 22 with the real `rsrc` against the daemon in this process: every
//! listing takes `--format` (columns, a `{{.Field}}` template, Docker's `table ...` with a header
//! row, and `json`), `--no-headers` and `-a`; `events` shows the instance's NAME, also once the
//! instance is removed. Docker's side of the same is in cli_output.rs.

mod common;
mod docker_support;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use common::{Client, Options};
use docker_support::*;
use rsrc_shared::api::RestartPolicy;
use rsrcd::engine::{ContainerSpec, LABEL_DAEMON, LABEL_INSTANCE};

/// `rsrc ARGS`, expecting exit 0: its stdout.
#[track_caller]
fn stdout(c: &Client, args: &[&str]) -> String {
    match c.run(args).ok() {
        Ok(run) => run.stdout,
        Err(run) => panic!("rsrc {args:?} failed: {run:?}"),
    }
}

/// `args` followed by `more`.
fn with(args: &[&str], more: &[&str]) -> Vec<String> {
    args.iter().chain(more).map(|s| s.to_string()).collect()
}

#[track_caller]
fn run_with(c: &Client, args: &[&str], more: &[&str]) -> String {
    let all = with(args, more);
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    stdout(c, &all)
}

/// A JSON list (a listing) or one object a line (`events`).
#[track_caller]
fn json_objects(text: &str) -> Vec<serde_json::Value> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => items,
        _ => text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect(),
    }
}

/// The objects of a JSON output without what changes from one second to the next.
#[track_caller]
fn stable(text: &str) -> Vec<serde_json::Value> {
    let mut objects = json_objects(text);
    for o in &mut objects {
        if let Some(map) = o.as_object_mut() {
            map.remove("availability_7d");
        }
    }
    objects
}

/// One listing, `args`, through every form of `--format`, `--no-headers` and `-a`. `field` is a
/// column's template name, `header` its header, `key` its JSON field, and `value` a value it
/// shows for one of the rows.
#[track_caller]
fn check_listing(c: &Client, args: &[&str], field: &str, header: &str, key: &str, value: &str) {
    let what = args.join(" ");
    // `--format json` is `--json`, and a value shows in it.
    let json = run_with(c, args, &["--format", "json"]);
    let mut plain_json = vec!["--json"];
    plain_json.extend_from_slice(args);
    assert_eq!(
        stable(&json),
        stable(&stdout(c, &plain_json)),
        "{what}: --format json"
    );
    let objects = json_objects(&json);
    assert!(
        objects.iter().any(|o| o[key] == value),
        "{what}: no {key} = {value} in {json}"
    );

    // A template: one line a row, no header.
    let template = format!("{{{{.{field}}}}}");
    let lines = run_with(c, args, &["--format", &template]);
    assert!(lines.lines().any(|l| l == value), "{what}: {lines}");
    assert!(!lines.lines().any(|l| l == header), "{what}: {lines}");
    assert_eq!(lines.lines().count(), objects.len(), "{what}: {lines}");

    // `table` + a template: the header row, then the rows, the columns aligned at the tab.
    let table = format!("table <{{{{.{field}}}}}>\\t{{{{.{field}}}}}");
    let text = run_with(c, args, &["--format", &table]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(!text.contains("table"), "{what}: {text}");
    assert_eq!(lines.len(), objects.len() + 1, "{what}: {text}");
    let head = format!("<{header}>");
    assert!(lines[0].starts_with(&format!("{head}  ")), "{what}: {text}");
    let second = lines[0][head.len()..]
        .find(header)
        .map(|at| at + head.len())
        .unwrap_or_else(|| panic!("{what}: no second column in {text}"));
    let row = lines
        .iter()
        .find(|l| l.starts_with(&format!("<{value}>")))
        .unwrap_or_else(|| panic!("{what}: no row of {value} in {text}"));
    assert_eq!(row.get(second..), Some(value), "{what}: misaligned\n{text}");
    // ... without its header (the widths are then those of the rows alone).
    let words = |lines: &[&str]| -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.split_whitespace().map(String::from).collect())
            .collect()
    };
    let bare = run_with(c, args, &["--format", &table, "--no-headers"]);
    let bare: Vec<&str> = bare.lines().collect();
    assert_eq!(words(&bare), words(&lines[1..]), "{what}");

    // `--no-headers` on the default table drops the first line only.
    let rows = run_with(c, args, &["--no-headers", "--format", "table"]);
    let full = run_with(c, args, &["--format", "table"]);
    assert_eq!(
        full.lines().count(),
        rows.lines().count() + 1,
        "{what}: {full}"
    );
    assert!(!rows.contains(&header_of(&full)), "{what}: {rows}");

    // `-a`, as `docker ps -a` habits type it, changes nothing.
    let dash_a = run_with(c, args, &["-a", "--format", "json"]);
    assert_eq!(stable(&dash_a), stable(&json), "{what} -a");
}

/// The first line of a table.
fn header_of(table: &str) -> String {
    table.lines().next().unwrap_or_default().to_string()
}

#[test]
fn every_listing_takes_format_table_json_no_headers_and_dash_a() {
    let e = env_in_process(Options::default());
    httpd_machine(&e.admin, "web", &["--volume", "/data"]);
    let ada = e.user("ada@example.com");
    create(&ada, "web", &["--name", "app1"]);
    stdout(&ada, &["machine", "comment", "web", "hello there"]);
    stdout(&ada, &["machine", "rate", "web", "4", "--feedback", "nice"]);
    // An orphan: a container with this daemon's labels and no instance.
    let mut labels = HashMap::new();
    labels.insert(LABEL_DAEMON.to_string(), e.d.daemon_id().to_string());
    labels.insert(LABEL_INSTANCE.to_string(), "deadbeef".to_string());
    e.d.fake().adopt(
        ContainerSpec {
            name: "rsrc-orphan-listing".into(),
            image: image(),
            command: Some(vec!["sleep".into(), "60".into()]),
            env: Vec::new(),
            labels,
            ports: Vec::new(),
            bind_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            volumes: Vec::new(),
            memory: None,
            nano_cpus: None,
            pids: None,
            restart: RestartPolicy::No,
            network: None,
            options: Default::default(),
            stop_signal: None,
            stop_timeout: None,
        },
        false,
    );

    let admin = &e.admin;
    check_listing(
        admin,
        &["admin", "users", "ls"],
        "Email",
        "EMAIL",
        "email",
        "ada@example.com",
    );
    check_listing(
        admin,
        &["admin", "orphans"],
        "Name",
        "NAME",
        "container_name",
        "rsrc-orphan-listing",
    );
    check_listing(
        &ada,
        &["machine", "comments", "web"],
        "Text",
        "TEXT",
        "text",
        "hello there",
    );
    check_listing(
        &ada,
        &["machine", "feedback", "web"],
        "Feedback",
        "FEEDBACK",
        "feedback",
        "nice",
    );
    check_listing(&ada, &["ps"], "Name", "NAME", "name", "app1");
    check_listing(&ada, &["instance", "ls"], "Name", "NAME", "name", "app1");
    check_listing(&ada, &["machine", "ls"], "Name", "NAME", "name", "web");
    check_listing(&ada, &["volume", "ls"], "Path", "PATH", "path", "/data");
    check_listing(&ada, &["events"], "Name", "NAME", "name", "app1");

    // `--all` is `-a` where a listing has no meaning of its own for it.
    for args in [
        &["admin", "users", "ls"][..],
        &["admin", "orphans"],
        &["events"],
        &["machine", "ls"],
    ] {
        let json = run_with(admin, args, &["--format", "json"]);
        let all = run_with(admin, args, &["--all", "--format", "json"]);
        assert_eq!(stable(&all), stable(&json), "{args:?}");
    }
    for args in [
        &["machine", "comments", "web"][..],
        &["machine", "feedback", "web"],
    ] {
        let json = run_with(&ada, args, &["--format", "json"]);
        let all = run_with(&ada, args, &["--all", "--format", "json"]);
        assert_eq!(stable(&all), stable(&json), "{args:?}");
    }

    // A wrong column is still a usage error naming the right ones, also after `table`.
    for args in [
        &["admin", "users", "ls", "--format", "table {{.Colour}}"][..],
        &["admin", "orphans", "--format", "colour"],
    ] {
        let r = admin.run(args).expect_code(2);
        assert!(
            r.stderr.to_lowercase().contains("colour"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("email") || r.stderr.contains("container"),
            "{}",
            r.stderr
        );
    }
}

/// Item 21: `events` shows the instance's name, in the table and as `name` in JSON, also after
/// the instance is removed, for its owner and for an admin.
#[test]
fn events_name_the_instance_also_after_it_is_removed() {
    let e = env_in_process(Options::default());
    httpd_machine(&e.admin, "web", &["--max-per-user", "2"]);
    let ada = e.user("ada@example.com");
    let gone = create(&ada, "web", &["--name", "gone"]);
    let kept = create(&ada, "web", &["--name", "kept"]);
    let gone_id = str_of(&gone, "id").to_string();
    stdout(&ada, &["instance", "rm", &gone_id]);

    let table = stdout(&ada, &["events"]);
    let first = header_of(&table);
    let header: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(
        header,
        ["TIME", "INSTANCE", "NAME", "OWNER", "KIND", "CAUSE", "EXIT"],
        "{table}"
    );
    let named = stdout(
        &ada,
        &["events", "--format", "instance,name,kind", "--no-headers"],
    );
    let rows: Vec<Vec<&str>> = named
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(
        rows.contains(&vec![gone_id.as_str(), "gone", "removed"]),
        "{named}"
    );
    assert!(
        rows.contains(&vec![gone_id.as_str(), "gone", "created"]),
        "{named}"
    );
    assert!(
        rows.contains(&vec![str_of(&kept, "id"), "kept", "created"]),
        "{named}"
    );

    // JSON: every entry carries the name, also those of the removed instance, by its id.
    let lines = json_objects(&stdout(&ada, &["--json", "events", "--instance", &gone_id]));
    assert!(lines.len() >= 2, "{lines:?}");
    for line in &lines {
        assert_eq!(line["name"], "gone", "{line}");
        assert!(line.get("exit_code").is_some(), "{line}");
    }
    // The admin's view of everyone's names them too.
    let all = json_objects(&stdout(&e.admin, &["--json", "events", "--all-users"]));
    assert!(
        all.iter()
            .any(|l| l["instance"] == gone_id.as_str() && l["name"] == "gone"),
        "{all:?}"
    );
}
