//! The history as users see it (issues 8 and 9): `rsrc events`, and the history facts that uptime
//! and alerts trust — one fact gives one entry, with the cause the engine's record supports.

mod common;
mod docker_support;

use common::{docker, poll, Options, DEADLINE};
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
pub fn script_machine(e: &Env, name: &str, script: &str, extra: &str) {
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
        "",
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

fn lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn a_users_events_are_their_own_and_following_has_no_gap_or_duplicate() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let mine = create(&alice, "web", &["--name", "mine"]);
    let theirs = create(&bob, "web", &["--name", "theirs"]);
    let (mine_id, theirs_id) = (str_of(&mine, "id"), str_of(&theirs, "id"));

    let seen = lines(&alice.run(&["--json", "events"]).expect_code(0).stdout);
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(seen
        .iter()
        .all(|ev| ev["instance"] == mine_id && ev["owner"] == "alice@example.com"));
    for key in ["id", "at", "instance", "owner", "kind", "cause"] {
        assert!(!seen[0][key].is_null(), "{key} missing: {}", seen[0]);
    }
    alice.run(&["events", "--all-users"]).expect_code(4);
    // Another user's instance is not found, as `uptime` says (issue 19 item 21).
    alice
        .run(&["--json", "events", "--instance", theirs_id])
        .expect_code(3)
        .stdout
        .is_empty()
        .then_some(())
        .expect("another user's instance shows nothing");
    let everyone = lines(
        &e.admin
            .run(&["--json", "events", "--all-users"])
            .expect_code(0)
            .stdout,
    );
    assert!(everyone.iter().any(|ev| ev["instance"] == theirs_id));
    assert!(everyone.iter().any(|ev| ev["instance"] == mine_id));

    // Following: the history, then what happens, and nothing of bob's.
    let out = e.d.dir.path().join("follow.out");
    let mut follower = alice
        .command(&["--json", "events", "-f"])
        .stdout(std::fs::File::create(&out).expect("out file"))
        .spawn()
        .expect("rsrc events -f");
    let read = || lines(&std::fs::read_to_string(&out).unwrap_or_default());
    poll("the history to arrive", DEADLINE, || {
        (read().len() >= seen.len()).then_some(())
    });
    bob.run(&["instance", "stop", theirs_id]).expect_code(0);
    alice.run(&["instance", "stop", mine_id]).expect_code(0);
    alice.run(&["instance", "start", mine_id]).expect_code(0);
    let last_seen = seen.last().and_then(|ev| ev["id"].as_i64());
    let got = poll("the stop and start to arrive", DEADLINE, || {
        let got = read();
        got.iter()
            .any(|ev| ev["kind"] == "started" && ev["id"].as_i64() > last_seen)
            .then_some(got)
    });
    let _ = follower.kill();
    let _ = follower.wait();
    assert!(got.iter().all(|ev| ev["instance"] == mine_id), "{got:?}");
    let ids: Vec<i64> = got.iter().filter_map(|ev| ev["id"].as_i64()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "a duplicate or disorder: {ids:?}"
    );
    assert_eq!(
        &got[..seen.len()],
        &seen[..],
        "the history first, as read before"
    );
    let kinds: Vec<&str> = got[seen.len()..]
        .iter()
        .filter_map(|ev| ev["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["stopped", "started"], "{got:?}");
}

#[test]
fn a_crash_while_the_event_stream_is_cut_is_in_the_history_with_dockers_time() {
    if !common::docker_or_skip() {
        return;
    }
    let proxy_dir = tempfile::tempdir().expect("tempdir");
    let proxy_path = proxy_dir.path().join("docker.sock");
    let proxy = EngineProxy::start(&proxy_path);
    let e = env(Options {
        extra_toml: format!("docker_host = \"unix://{}\"", proxy_path.display()),
        ..Options::default()
    });
    script_machine(&e, "sleeper", "sleep 1000", "");
    let alice = e.user("alice@example.com");
    let inst = create(&alice, "sleeper", &[]);
    let id = str_of(&inst, "id").to_string();
    poll("the event stream", DEADLINE, || {
        (proxy.event_streams() > 0).then_some(())
    });
    let before = reconciled_count(&e.d);
    // Cut the stream and kill the container in the same moment: the daemon reconnects and
    // replays the gap.
    proxy.cut_event_streams();
    docker(&["kill", str_of(&inst, "container")]);
    poll("the daemon to reconcile again", DEADLINE, || {
        (reconciled_count(&e.d) > before).then_some(())
    });
    let h = poll("the kill in the history", DEADLINE, || {
        let h = history(&e, &id);
        h.iter().any(|ev| ev.0 == "killed").then_some(h)
    });
    let killed = h.iter().find(|ev| ev.0 == "killed").expect("killed");
    let finished = inspect(str_of(&inst, "container"))["State"]["FinishedAt"]
        .as_str()
        .map(str::to_string)
        .expect("FinishedAt");
    let docker_ms = time_ms(&finished);
    assert!(
        (killed.3 - docker_ms).abs() < 2000,
        "recorded at {} but Docker says {finished}: {h:?}",
        killed.3
    );
}

fn time_ms(rfc3339: &str) -> i64 {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .expect("an RFC 3339 time");
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// `events -f` reconnects across an rsrcd restart and goes on from the last event it printed,
/// with no gap and no repeat (issue 19 item 16).
#[test]
fn following_events_resumes_across_a_restart_without_gap_or_repeat() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let mine = create(&alice, "web", &["--name", "mine"]);
    let id = str_of(&mine, "id").to_string();
    let out = e.d.dir.path().join("follow.out");
    let err = e.d.dir.path().join("follow.err");
    let mut follower = alice
        .command(&["--json", "events", "-f"])
        .stdout(std::fs::File::create(&out).expect("out file"))
        .stderr(std::fs::File::create(&err).expect("err file"))
        .spawn()
        .expect("rsrc events -f");
    let read = || lines(&std::fs::read_to_string(&out).unwrap_or_default());
    poll("the history to arrive", DEADLINE, || {
        (!read().is_empty()).then_some(())
    });
    e.d.stop();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        follower.try_wait().expect("try_wait").is_none(),
        "events -f ended when rsrcd stopped: {}",
        std::fs::read_to_string(&err).unwrap_or_default()
    );
    respawn(&mut e.d);
    alice.run(&["instance", "stop", &id]).expect_code(0);
    let got = poll("the stop after the restart", DEADLINE, || {
        let got = read();
        got.iter().any(|ev| ev["kind"] == "stopped").then_some(got)
    });
    let _ = follower.kill();
    let _ = follower.wait();
    let ids: Vec<i64> = got.iter().filter_map(|ev| ev["id"].as_i64()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "a duplicate or disorder: {ids:?}"
    );
    let all = lines(&alice.run(&["--json", "events"]).expect_code(0).stdout);
    let all_ids: Vec<i64> = all.iter().filter_map(|ev| ev["id"].as_i64()).collect();
    assert_eq!(ids, all_ids[..ids.len()], "a gap: {got:?} against {all:?}");
}
