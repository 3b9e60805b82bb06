//! Uptime against the real engine (issue 8): the cause of each down interval as Docker reports
//! it — an exit code, a kill by signal, the OOM killer — and time while rsrcd was not running
//! shown as unknown and left out of the availability.

mod common;
mod docker_support;

use common::{docker, poll_for, Options, DEADLINE};
use docker_support::*;

/// A machine whose container runs `sh -c SCRIPT`, with extra machine-file lines.
fn script_machine(e: &Env, name: &str, script: &str, extra: &str) {
    let file = e.d.dir.path().join(format!("{name}.toml"));
    let command = serde_json::to_string(&["sh", "-c", script]).expect("json");
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"{name}\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
             max_per_user = 5\ncommand = {command}\n{extra}\n",
            image()
        ),
    )
    .expect("write the machine file");
    e.admin
        .run(&["machine", "apply", "-f", file.to_str().expect("utf-8 path")])
        .expect_code(0);
}

fn uptime(c: &common::Client, id: &str) -> serde_json::Value {
    c.json(&["instance", "uptime", id])
}

/// Polls until the report has a down interval with `reason`; returns it.
fn wait_for_down(c: &common::Client, id: &str, reason: &str) -> serde_json::Value {
    let mut report = serde_json::Value::Null;
    let found = poll_for(DEADLINE, || {
        report = uptime(c, id);
        report["intervals"]
            .as_array()?
            .iter()
            .find(|i| i["state"] == "down" && i["reason"] == reason)
            .cloned()
    });
    found.unwrap_or_else(|| panic!("no down interval `{reason}` within {DEADLINE:?}: {report}"))
}

#[test]
fn down_intervals_name_exit_codes_signals_and_oom() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    script_machine(&e, "exits", "sleep 1; exit 3", "restart = \"no\"");
    script_machine(&e, "sleeper", "sleep 1000", "restart = \"no\"");
    // A shell variable that doubles until it is over an 8 MiB limit. The shell is the only
    // process that grows, so it is the one the OOM killer takes, and the container ends.
    script_machine(
        &e,
        "hungry",
        "sleep 1; x=a; while :; do x=$x$x; done",
        "restart = \"no\"\nlimits = { memory = \"8m\" }",
    );
    let alice = e.user("alice@example.com");
    let exits = create(&alice, "exits", &[]);
    let sleeper = create(&alice, "sleeper", &[]);
    let hungry = create(&alice, "hungry", &[]);

    let down = wait_for_down(&alice, str_of(&exits, "id"), "crashed");
    assert_eq!(down["exit_code"], 3, "{down}");
    assert_eq!(down["cause"], "crashed with exit code 3");
    assert_eq!(down["planned"], false);

    docker(&["kill", str_of(&sleeper, "container")]);
    let down = wait_for_down(&alice, str_of(&sleeper, "id"), "signal");
    assert!(
        str_of(&down, "cause").starts_with("killed by signal"),
        "{down}"
    );

    let down = wait_for_down(&alice, str_of(&hungry, "id"), "oom");
    assert_eq!(down["cause"], "killed by OOM");

    // The owner's stop is downtime, but not against the availability they wanted.
    let report = uptime(&alice, str_of(&exits, "id"));
    assert!(
        report["availability"].as_f64().expect("a figure") < 100.0,
        "{report}"
    );
    alice
        .run(&["instance", "stop", str_of(&sleeper, "id")])
        .expect_code(0);
    let listed = alice.json(&["instance", "ls"]);
    for i in listed.as_array().expect("a list") {
        assert!(i["availability_7d"].is_number(), "{i}");
    }
    let shown = alice.json(&["instance", "show", str_of(&exits, "id")]);
    assert!(shown["availability_7d"].is_number(), "{shown}");
    // Someone else's report is not found.
    let bob = e.user("bob@example.com");
    bob.run(&["instance", "uptime", str_of(&exits, "id")])
        .expect_code(3);
}

#[test]
fn time_while_rsrcd_was_not_running_is_unknown_and_left_out() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let inst = create(&alice, "web", &[]);
    let id = str_of(&inst, "id").to_string();
    let before = uptime(&alice, &id);
    assert_eq!(before["unknown_seconds"], 0.0, "{before}");
    assert_eq!(before["availability_wanted"], 100.0, "{before}");

    // kill -9: the run ends at its last heartbeat, and a crash meanwhile is found afterwards.
    // It is started and killed again while rsrcd is away: Docker's record keeps only the last
    // start and finish, which do not tell the whole gap (issue 19 item 18), so it stays unknown.
    e.d.kill9();
    docker(&["kill", str_of(&inst, "container")]);
    docker(&["start", str_of(&inst, "container")]);
    docker(&["kill", str_of(&inst, "container")]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    respawn(&mut e.d);
    let report = uptime(&alice, &id);
    let intervals = report["intervals"].as_array().expect("intervals");
    let unknown: Vec<_> = intervals
        .iter()
        .filter(|i| i["state"] == "unknown")
        .collect();
    assert_eq!(unknown.len(), 1, "{report}");
    assert_eq!(unknown[0]["cause"], "rsrcd not running");
    assert!(
        report["unknown_seconds"].as_f64().expect("seconds") >= 1.0,
        "{report}"
    );
    assert!(
        report["notes"]
            .to_string()
            .contains("left out of the availability"),
        "{report}"
    );
    // The kill while away is in the history with Docker's time, and the state after the gap.
    assert!(
        intervals
            .iter()
            .any(|i| i["state"] == "down" && i["reason"] == "signal"),
        "{report}"
    );
    let text = alice
        .run(&["instance", "uptime", &id])
        .expect_code(0)
        .stdout;
    assert!(
        text.contains("unknown") && text.contains("rsrcd not running"),
        "{text}"
    );
}
