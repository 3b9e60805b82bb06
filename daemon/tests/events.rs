//! The history as users see it (issues 8 and 9): `rsrc events`, and the history facts that uptime
//! and alerts trust — one fact gives one entry, with the cause the engine's record supports.

mod common;
mod docker_support;

use common::{docker, poll, Options};
use docker_support::*;

/// (kind, cause, exit_code, at) of an instance's history, oldest first, from the registry.
fn history(e: &Env, id: &str) -> Vec<(String, String, Option<i64>, i64)> {
    let conn = e.d.db();
    let mut stmt = conn
        .prepare(
            "SELECT kind, cause, exit_code, at FROM instance_events
             WHERE instance_id = ?1 ORDER BY id",
        )
        .expect("prepare");
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query events")
        .collect::<rusqlite::Result<_>>()
        .expect("events")
}

/// A machine whose container runs `sh -c SCRIPT` (a machine file: `--command` has no quoting).
pub fn script_machine(e: &Env, name: &str, script: &str) {
    let file = e.d.dir.path().join(format!("{name}.toml"));
    let command = serde_json::to_string(&["sh", "-c", script]).expect("json");
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"{name}\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
             max_per_user = 5\ncommand = {command}\n",
            image()
        ),
    )
    .expect("write the machine file");
    e.admin
        .run(&["machine", "apply", "-f", file.to_str().expect("utf-8 path")])
        .expect_code(0);
}

fn kinds(h: &[(String, String, Option<i64>, i64)], kind: &str) -> usize {
    h.iter().filter(|e| e.0 == kind).count()
}

#[test]
fn a_docker_stop_while_rsrcd_was_down_is_a_stop_not_a_crash() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    // A process that ends on SIGTERM, as most services do: `docker stop` gives exit 143.
    script_machine(
        &e,
        "termed",
        "trap 'exit 143' TERM; while true; do sleep 1; done",
    );
    let alice = e.user("alice@example.com");
    let inst = create(&alice, "termed", &[]);
    let id = str_of(&inst, "id").to_string();
    e.d.stop();
    docker(&["stop", "-t", "20", str_of(&inst, "container")]);
    respawn(&mut e.d);
    let h = history(&e, &id);
    let last = h.last().expect("a history");
    assert_eq!(
        (last.0.as_str(), last.2),
        ("stopped", Some(143)),
        "a stop from outside, not a crash: {h:?}"
    );
    assert_eq!(kinds(&h, "died"), 0, "{h:?}");
}

#[test]
fn a_vanished_container_is_one_lost_event_and_no_made_up_exit_code() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    httpd_machine(&e.admin, "web", &["--max-per-user", "5"]);
    let alice = e.user("alice@example.com");
    let live = create(&alice, "web", &["--name", "live"]);
    let away = create(&alice, "web", &["--name", "away"]);
    let show = |r: &str| alice.json(&["instance", "show", r]);

    // Removed while rsrcd runs: Docker's stream reports it.
    docker(&["rm", "-f", str_of(&live, "container")]);
    poll("the instance to show `lost`", common::DEADLINE, || {
        (show("live")["status"] == "lost").then_some(())
    });
    // Removed while rsrcd is away: reconciliation finds it, and the replayed stream has it too.
    e.d.stop();
    docker(&["rm", "-f", str_of(&away, "container")]);
    respawn(&mut e.d);
    // Once more, so that every source has had its say.
    e.d.stop();
    respawn(&mut e.d);
    for (name, inst) in [("live", &live), ("away", &away)] {
        let h = history(&e, str_of(inst, "id"));
        assert_eq!(kinds(&h, "lost"), 1, "{name}: one fact, one event: {h:?}");
        let times: Vec<i64> = h.iter().map(|e| e.3).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{name}: entries out of order: {h:?}"
        );
        let s = show(name);
        assert_eq!(s["status"], "lost", "{s}");
        if let Some(code) = s["exit_code"].as_i64() {
            assert!(
                h.iter().any(|e| e.2 == Some(code)),
                "{name}: exit code {code} with no entry behind it: {h:?}"
            );
        }
    }
}
