//! Issue 19 item 21 with the real `rsrc` against the daemon in this process: `events` shows the
//! instance's NAME, also once the instance is removed. Docker's side is in cli_output.rs.

mod common;
mod docker_support;

use common::{Client, Options};
use docker_support::*;

/// `rsrc ARGS`, expecting exit 0: its stdout.
#[track_caller]
fn stdout(c: &Client, args: &[&str]) -> String {
    match c.run(args).ok() {
        Ok(run) => run.stdout,
        Err(run) => panic!("rsrc {args:?} failed: {run:?}"),
    }
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

/// The first line of a table.
fn header_of(table: &str) -> String {
    table.lines().next().unwrap_or_default().to_string()
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
