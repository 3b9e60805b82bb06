//! Issue 20, items 1-3: `rm` and `recreate` stop a container gracefully (its stop signal, its
//! machine's stop timeout) before they remove it, a recreate's outage is in the history, and a
//! `docker stop` by an image's own stop signal (Postgres: SIGINT) is a stop, not a kill. With
//! the real Redis and Postgres of the demo images (scripts/images), through `rsrc`.

mod common;
mod docker_support;

use std::process::Command;
use std::time::Duration;

use common::demo::{apply_demo_machines, demo_images_or_skip};
use common::{docker_ok, poll, Options};
use docker_support::*;

const REDIS_PASSWORD: &str = "redis-Secret-2";
/// A first start of Postgres runs initdb, on a machine that may be busy with other tests.
const SLOW: Duration = Duration::from_secs(120);

fn exec(container: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new("docker")
        .arg("exec")
        .arg(container)
        .args(args)
        .output()
        .expect("docker exec");
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string()
        + String::from_utf8_lossy(&out.stderr).trim();
    (out.status.success(), text)
}

fn redis_cli(container: &str, args: &[&str]) -> (bool, String) {
    let mut all = vec!["redis-cli", "--no-auth-warning", "-a", REDIS_PASSWORD];
    all.extend_from_slice(args);
    exec(container, &all)
}

/// GET `key` once the server answers (it may still be loading its file).
fn redis_get(container: &str, key: &str) -> String {
    poll(&format!("GET {key}"), SLOW, || {
        let (ok, out) = redis_cli(container, &["GET", key]);
        (ok && !out.contains("LOADING") && !out.contains("refused")).then_some(out)
    })
}

fn psql(container: &str, sql: &str) -> (bool, String) {
    exec(
        container,
        &[
            "psql",
            "-v",
            "ON_ERROR_STOP=1",
            "-X",
            "-tA",
            "-U",
            "app",
            "-d",
            "app",
            "-c",
            sql,
        ],
    )
}

fn docker_logs(container: &str) -> String {
    let out = Command::new("docker")
        .args(["logs", container])
        .output()
        .expect("docker logs");
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

/// (kind, cause, exit_code, at) of an instance's history, in the order it was recorded.
fn history(e: &Env, id: &str) -> Vec<(String, String, Option<i64>, i64)> {
    let conn = e.d.db();
    let mut stmt = conn
        .prepare(
            "SELECT kind, cause, exit_code, at FROM instance_events
             WHERE instance_id = ?1 ORDER BY at, id",
        )
        .expect("prepare");
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query events")
        .collect::<rusqlite::Result<_>>()
        .expect("events")
}

/// Recreates `name` and checks its history: the old container stopped gracefully (exit 0,
/// cause `recreate`), then the recreate, then the new one's start, each at its own time.
fn recreate_and_check_history(e: &Env, alice: &common::Client, id: &str, name: &str) -> String {
    let before = history(e, id).len();
    let made = alice.json(&["instance", "recreate", name]);
    let made = if made.is_array() {
        made[0].clone()
    } else {
        made
    };
    assert_eq!(made["status"], "running", "{made}");
    let h = history(e, id);
    let new: Vec<_> = h[before..].iter().map(|e| e.0.as_str()).collect();
    assert_eq!(new, ["stopped", "recreated", "started"], "{h:?}");
    let (stop, start) = (&h[before], &h[before + 2]);
    assert_eq!(stop.1, "recreate", "{h:?}");
    assert_eq!(stop.2, Some(0), "a graceful stop, not a kill: {h:?}");
    assert!(stop.3 < start.3, "the outage has a length: {h:?}");
    // Uptime shows the gap as a planned down between two ups.
    let report = alice.json(&["instance", "uptime", name]);
    let downs: Vec<_> = report["intervals"]
        .as_array()
        .expect("intervals")
        .iter()
        .filter(|i| i["state"] == "down" && i["reason"] == "stopped_by_owner")
        .collect();
    assert!(
        !downs.is_empty(),
        "no planned down for the recreate: {report}"
    );
    str_of(&made, "container").to_string()
}

#[test]
fn rm_and_recreate_stop_gracefully_and_history_shows_it() {
    if !demo_images_or_skip() {
        return;
    }
    let e = env(Options::default());
    apply_demo_machines(&e.admin);
    let alice = e.user("alice@example.com");
    let timeout = format!("{}s", SLOW.as_secs());

    // ---- Redis: a key written just before a recreate, and just before an rm ----
    let redis_env = format!("REDIS_PASSWORD={REDIS_PASSWORD}");
    let cache = create(
        &alice,
        "redis",
        &[
            "--name",
            "cache",
            "--env",
            &redis_env,
            "--wait",
            "--timeout",
            &timeout,
        ],
    );
    let cache_id = str_of(&cache, "id").to_string();
    let redis = str_of(&cache, "container").to_string();
    assert_eq!(
        inspect(&redis)["Config"]["StopTimeout"],
        10,
        "the machine's stop_timeout"
    );
    redis_get(&redis, "none");
    let (ok, out) = redis_cli(&redis, &["SET", "before-recreate", "v1"]);
    assert!(ok && out == "OK", "SET: {out}");
    let redis = recreate_and_check_history(&e, &alice, &cache_id, "cache");
    assert_eq!(
        redis_get(&redis, "before-recreate"),
        "v1",
        "lost in the recreate"
    );

    let (ok, out) = redis_cli(&redis, &["SET", "before-rm", "v2"]);
    assert!(ok && out == "OK", "SET: {out}");
    let volume = str_of(&cache["volumes"][0], "name").to_string();
    alice.run(&["instance", "rm", "cache"]).expect_code(0);
    let again = create(
        &alice,
        "redis",
        &[
            "--name",
            "cache2",
            "--env",
            &redis_env,
            "--volume-from",
            &volume,
            "--wait",
            "--timeout",
            &timeout,
        ],
    );
    assert_ne!(
        host_port(&again),
        host_port(&cache),
        "the port `cache` freed is not handed straight to the next create"
    );
    let redis = str_of(&again, "container").to_string();
    assert_eq!(redis_get(&redis, "before-rm"), "v2", "lost in the rm");
    assert_eq!(redis_get(&redis, "before-recreate"), "v1");

    // ---- Postgres: a clean shutdown on recreate, and `docker stop` is a stop ----
    let pg_env = "POSTGRES_PASSWORD=pg-Secret-2";
    let db = create(
        &alice,
        "postgres",
        &[
            "--name",
            "pg",
            "--env",
            pg_env,
            "--wait",
            "--timeout",
            &timeout,
        ],
    );
    let pg_id = str_of(&db, "id").to_string();
    let pg = str_of(&db, "container").to_string();
    let config = &inspect(&pg)["Config"];
    assert_eq!(config["StopSignal"], "SIGINT", "{config}");
    assert_eq!(config["StopTimeout"], 30, "{config}");
    let ready = |c: &str| {
        poll("postgres answers", SLOW, || {
            psql(c, "SELECT 1").0.then_some(())
        })
    };
    ready(&pg);
    let (ok, out) = psql(&pg, "CREATE TABLE t (x int); INSERT INTO t VALUES (42)");
    assert!(ok, "{out}");
    let pg = recreate_and_check_history(&e, &alice, &pg_id, "pg");
    ready(&pg);
    assert_eq!(psql(&pg, "SELECT x FROM t"), (true, "42".to_string()));
    let logs = docker_logs(&pg);
    assert!(
        !logs.contains("not properly shut down"),
        "postgres needed crash recovery after a recreate: {logs}"
    );

    assert!(docker_ok(&["stop", &pg]), "docker stop");
    let last = poll("the docker stop in the history", SLOW, || {
        let h = history(&e, &pg_id);
        h.last().filter(|l| l.0 != "started").cloned()
    });
    assert_eq!(
        (last.0.as_str(), last.1.as_str()),
        ("stopped", "docker"),
        "a docker stop by SIGINT is a stop, not a kill: {:?}",
        history(&e, &pg_id)
    );

    // ---- cleanup ----
    for name in ["cache2", "pg"] {
        alice
            .run(&["instance", "rm", name, "--volumes"])
            .expect_code(0);
    }
    assert_nothing_labelled(&e.d);
}
