//! A machine's run options (issue 20) on the real Docker engine, through the real `rsrcd` and
//! `rsrc`: `user`, `ulimits`, `tmpfs`, `shm_size` and `entrypoint` are what the processes in the
//! instance's container get, and PostgreSQL with contrib/machines/postgres.toml's
//! `shm_size = "1g"` runs a parallel hash join that fails on Docker's default 64 MiB.

mod common;
mod docker_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{poll, Options};
use docker_support::*;

const POSTGRES_IMAGE: &str = "rsrc-demo/postgres:15";
/// A first start of Postgres runs initdb, on a machine that may be busy with other tests.
const SLOW: Duration = Duration::from_secs(120);

/// `docker exec CONTAINER ARGS...`: (success, stdout and stderr).
fn exec(container: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new("docker")
        .arg("exec")
        .arg(container)
        .args(args)
        .output()
        .expect("docker exec");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text.trim().to_string())
}

/// The size in KiB of the file system at `path` in the container, by `df -k`.
fn df_kib(container: &str, path: &str) -> u64 {
    let (ok, out) = exec(container, &["df", "-k", path]);
    assert!(ok, "df {path}: {out}");
    let line = out.lines().last().unwrap_or_default();
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no size in df's {out:?}"))
}

#[test]
fn a_busybox_instance_gets_the_machines_user_ulimits_tmpfs_and_shm() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    let machine = httpd_machine(
        &e.admin,
        "opts",
        &[
            "--user",
            "1234:1234",
            "--ulimit",
            "nofile=1024:2048",
            "--ulimit",
            "nproc=512",
            "--tmpfs",
            "/run:size=8m,mode=1777",
            "--shm-size",
            "128m",
            "--entrypoint",
            "env OPTS_VIA_ENTRYPOINT=1",
        ],
    );
    assert_eq!(machine["user"], "1234:1234", "{machine}");
    assert_eq!(machine["shm_size"], "128m", "{machine}");
    assert_eq!(
        machine["entrypoint"],
        serde_json::json!(["env", "OPTS_VIA_ENTRYPOINT=1"])
    );
    assert_eq!(
        machine["ulimits"],
        serde_json::json!({"nofile": {"soft": 1024, "hard": 2048}, "nproc": {"soft": 512, "hard": 512}})
    );
    assert_eq!(
        machine["tmpfs"],
        serde_json::json!({"/run": "size=8m,mode=1777"})
    );
    let shown = e.admin.json(&["machine", "show", "opts"]);
    assert_eq!(shown["ulimits"], machine["ulimits"], "{shown}");

    let ada = e.user("ada@example.com");
    let i = create(&ada, "opts", &["--name", "web", "--wait"]);
    assert_eq!(i["status"], "running", "{i}");
    let c = str_of(&i, "container").to_string();
    wait_http_ok(host_port(&i));
    for (args, want) in [
        (&["id", "-u"][..], "1234"),
        (&["id", "-g"], "1234"),
        (&["sh", "-c", "ulimit -n"], "1024"),
        (&["sh", "-c", "ulimit -Hn"], "2048"),
        (&["sh", "-c", "ulimit -u"], "512"),
        // The entrypoint ran, and handed on to the command (PID 1 is Docker's init).
        (
            &[
                "sh",
                "-c",
                "tr '\\0' '\\n' < /proc/$(pidof httpd)/environ | grep OPTS_",
            ],
            "OPTS_VIA_ENTRYPOINT=1",
        ),
        (
            &["sh", "-c", "stat -c %u:%g /proc/$(pidof httpd)"],
            "1234:1234",
        ),
        (&["sh", "-c", "stat -c %a /run"], "1777"),
    ] {
        let (ok, out) = exec(&c, args);
        assert!(ok && out == want, "{args:?}: {out} (want {want})");
    }
    assert_eq!(df_kib(&c, "/run"), 8 * 1024, "the tmpfs's size");
    assert_eq!(df_kib(&c, "/dev/shm"), 128 * 1024, "the shm size");

    // An update changes them for a recreated container; the others are kept.
    e.admin
        .run(&[
            "machine",
            "update",
            "opts",
            "--user",
            "4321",
            "--shm-size",
            "32m",
        ])
        .expect_code(0);
    ada.run(&["instance", "recreate", "web"]).expect_code(0);
    let after = ada.json(&["instance", "show", "web"]);
    let c = str_of(&after, "container").to_string();
    wait_http_ok(host_port(&after));
    let (ok, out) = exec(&c, &["sh", "-c", "id -u; ulimit -n"]);
    assert!(ok && out == "4321\n1024", "after the recreate: {out}");
    assert_eq!(df_kib(&c, "/dev/shm"), 32 * 1024, "the new shm size");

    // Bad values: exit 2, naming the key, from the CLI's flags and the daemon's file check.
    let image = image();
    for (flag, value, want) in [
        ("--ulimit", "files=1", "unknown limit `files`"),
        ("--user", "a b", "user `a b`"),
        ("--shm-size", "0", "shm_size `0`"),
        ("--tmpfs", "/run:size=x", "tmpfs /run"),
    ] {
        let run = e.admin.run(&[
            "machine", "create", "bad", "--image", &image, "--port", "1", flag, value,
        ]);
        let run = run.expect_code(2);
        assert!(run.stderr.contains(want), "{flag} {value}: {}", run.stderr);
    }
    let file = format!(
        "[[machine]]\nname = \"bad\"\nimage = \"{image}\"\nports = [{{ port = 1 }}]\n\
         command = \"sleep 1000\"\nvolumes = [\"/data\"]\ntmpfs = [\"/data/tmp\"]\n"
    );
    let run = e
        .admin
        .run_stdin(&["machine", "apply", "-f", "-"], &file)
        .expect_code(2);
    assert!(
        run.stderr
            .contains("tmpfs path `/data/tmp` overlaps volume path `/data`"),
        "{}",
        run.stderr
    );
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// The query of issue 20: a parallel hash join whose hash table (work_mem is raised, so it is
/// built in one batch) lives in shared memory, i.e. in /dev/shm.
const HASH_JOIN: &str = "SET jit = off; SET work_mem = '256MB'; \
    SET max_parallel_workers_per_gather = 4; SET parallel_setup_cost = 0; \
    SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; \
    CREATE TABLE t AS SELECT g FROM generate_series(1, 3000000) g; \
    EXPLAIN ANALYZE SELECT count(*) FROM t a JOIN t b USING (g);";

fn psql(container: &str, sql: &str) -> (bool, String) {
    exec(
        container,
        &[
            "psql",
            "-v",
            "ON_ERROR_STOP=1",
            "-X",
            "-U",
            "app",
            "-d",
            "app",
            "-c",
            sql,
        ],
    )
}

#[test]
fn postgres_with_shm_size_runs_a_parallel_hash_join_that_64m_cannot() {
    if !common::docker_or_skip() {
        return;
    }
    if !image_present(POSTGRES_IMAGE) {
        assert_ne!(
            std::env::var("RSRC_REQUIRE_DOCKER").as_deref(),
            Ok("1"),
            "{POSTGRES_IMAGE} is missing (scripts/images postgres builds it, as root)"
        );
        eprintln!("skipping: {POSTGRES_IMAGE} is missing");
        return;
    }
    let e = env(Options::default());
    let toml = std::fs::read_to_string(repo().join("contrib/machines/postgres.toml"))
        .expect("contrib/machines/postgres.toml");
    assert!(
        toml.contains("\nshm_size = \"1g\"\n"),
        "the demo file sets shm_size"
    );
    // The same machine on Docker's default /dev/shm, to show the query needs more.
    let small = toml
        .replace("\nshm_size = \"1g\"\n", "\n")
        .replace("name = \"postgres\"", "name = \"pg-small\"");
    e.admin
        .run_stdin(&["machine", "apply", "-f", "-"], &toml)
        .expect_code(0);
    e.admin
        .run_stdin(&["machine", "apply", "-f", "-"], &small)
        .expect_code(0);
    let alice = e.user("alice@example.com");
    let timeout = format!("{}s", SLOW.as_secs());
    let mut containers = Vec::new();
    for (machine, name) in [("postgres", "big"), ("pg-small", "small")] {
        let i = create(
            &alice,
            machine,
            &[
                "--name",
                name,
                "--env",
                "POSTGRES_PASSWORD=pg-Secret-1",
                "--wait",
                "--timeout",
                &timeout,
            ],
        );
        let c = str_of(&i, "container").to_string();
        poll(&format!("{name} answers"), SLOW, || {
            psql(&c, "SELECT 1").0.then_some(())
        });
        containers.push(c);
    }
    let (big, small) = (&containers[0], &containers[1]);
    assert_eq!(df_kib(big, "/dev/shm"), 1024 * 1024, "shm_size = 1g");
    assert_eq!(df_kib(small, "/dev/shm"), 64 * 1024, "Docker's default");

    let (ok, out) = psql(small, HASH_JOIN);
    assert!(
        !ok && out.contains("could not resize shared memory segment"),
        "on 64 MiB the join fails: {out}"
    );
    let (ok, out) = psql(big, HASH_JOIN);
    assert!(ok, "with shm_size = 1g the join runs: {out}");
    assert!(
        out.contains("Parallel Hash Join") && out.contains("Batches: 1 "),
        "a parallel hash join in one batch: {out}"
    );
}
