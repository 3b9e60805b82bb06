//! Real services (issue 20): Redis 7 and PostgreSQL 15 from the images `scripts/images` builds
//! out of Debian's packages (rsrc-demo/redis:7, rsrc-demo/postgres:15), run through the real
//! `rsrcd` and `rsrc` on the real Docker engine with the machine files of contrib/machines.
//! The services must really answer (redis-cli, psql, and Redis from the host on the printed
//! port), their data must survive `rsrc instance restart`, and everything goes with
//! `rm --volumes`.
//!
//! scripts/test builds the images first (lib.sh's ensure_demo_images); run by hand, this test
//! builds them itself when it runs as root (a few minutes once, seconds after).

mod common;
mod docker_support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::demo::{apply_demo_machines, demo_images_or_skip};
use common::{docker, poll, poll_for, Options};
use docker_support::*;

const REDIS_PASSWORD: &str = "redis-Secret-1";
const POSTGRES_PASSWORD: &str = "pg-Secret-1";
/// A first start of Postgres runs initdb, on a machine that may be busy with other tests.
const SLOW: Duration = Duration::from_secs(120);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// `docker exec CONTAINER ARGS...`: (success, stdout, stderr).
fn exec(container: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new("docker")
        .arg("exec")
        .arg(container)
        .args(args)
        .output()
        .expect("docker exec");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

fn redis_cli(container: &str, args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["redis-cli", "--no-auth-warning", "-a", REDIS_PASSWORD];
    all.extend_from_slice(args);
    exec(container, &all)
}

/// `psql` in the container, over the local socket, as the configured user.
fn psql(container: &str, sql: &str) -> (bool, String, String) {
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

/// `psql` in the container over TCP, so through pg_hba's password rule.
fn psql_tcp(container: &str, password: &str, sql: &str) -> (bool, String, String) {
    let pw = format!("PGPASSWORD={password}");
    exec_env(
        container,
        &pw,
        &[
            "psql",
            "-X",
            "-tA",
            "-h",
            "127.0.0.1",
            "-U",
            "app",
            "-d",
            "app",
            "-c",
            sql,
        ],
    )
}

fn exec_env(container: &str, env: &str, args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["-e", env, container];
    all.extend_from_slice(args);
    let out = Command::new("docker")
        .arg("exec")
        .args(&all)
        .output()
        .expect("docker exec");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

/// RESP commands to 127.0.0.1:`port` from the host, one line each; the replies, read until
/// `replies` lines came back.
fn redis_from_host(port: u16, commands: &[&str], replies: usize) -> Option<Vec<String>> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    for c in commands {
        s.write_all(format!("{c}\r\n").as_bytes()).ok()?;
    }
    let mut got = String::new();
    let mut buf = [0u8; 512];
    while got.matches("\r\n").count() < replies {
        let n = s.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    Some(got.lines().map(str::to_string).collect())
}

/// The name and user of the container's main process: PID 1, or PID 1's only child when PID 1
/// is Docker's init (rsrcd runs containers with `init`). The server itself, not a shell, and
/// not as root: the entrypoint exec'd it after dropping root.
fn main_process(container: &str) -> (String, String) {
    let script = "p=1; if [ \"$(cat /proc/1/comm)\" = docker-init ]; then \
                  p=$(cat /proc/1/task/1/children); p=${p%% *}; fi; \
                  cat /proc/$p/comm; stat -c %U /proc/$p";
    let (ok, out, err) = exec(container, &["sh", "-c", script]);
    assert!(ok, "{err}");
    let mut lines = out.lines();
    (
        lines.next().unwrap_or_default().to_string(),
        lines.next().unwrap_or_default().to_string(),
    )
}

#[test]
fn redis_and_postgres_from_the_demo_images_answer_and_keep_their_data() {
    if !demo_images_or_skip() {
        return;
    }
    let e = env(Options::default());
    apply_demo_machines(&e.admin);
    let alice = e.user("alice@example.com");
    let timeout = format!("{}s", SLOW.as_secs());

    // ---- Redis ----
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
    assert_eq!(cache["status"], "running", "{cache}");
    let redis = str_of(&cache, "container").to_string();
    let redis_port = host_port(&cache);
    let redis_volume = str_of(&cache["volumes"][0], "name").to_string();
    assert_eq!(cache["volumes"][0]["path"], "/data");
    assert_eq!(
        main_process(&redis),
        ("redis-server".to_string(), "redis".to_string()),
        "redis-server is the main process, as the redis user"
    );

    let (ok, out, err) = redis_cli(&redis, &["SET", "k", "v"]);
    assert!(ok && out == "OK", "SET: {out} {err}");
    let (ok, out, err) = redis_cli(&redis, &["GET", "k"]);
    assert!(ok && out == "v", "GET: {out} {err}");
    let (_, out, _) = exec(&redis, &["redis-cli", "GET", "k"]);
    assert!(out.contains("NOAUTH"), "no password, no data: {out}");
    let (_, out, _) = redis_cli(&redis, &["CONFIG", "GET", "appendonly"]);
    assert!(out.ends_with("yes"), "REDIS_APPENDONLY=yes: {out}");

    // From the host, on the port rsrc printed.
    let replies = redis_from_host(redis_port, &["PING"], 1).expect("redis answers on the host");
    assert!(
        replies[0].starts_with("-NOAUTH"),
        "a password is required: {replies:?}"
    );
    let replies = redis_from_host(
        redis_port,
        &[&format!("AUTH {REDIS_PASSWORD}"), "PING", "GET k"],
        4,
    )
    .expect("redis answers on the host");
    assert_eq!(replies, ["+OK", "+PONG", "$1", "v"], "from the host");

    // ---- PostgreSQL ----
    let pg_env = format!("POSTGRES_PASSWORD={POSTGRES_PASSWORD}");
    let db = create(
        &alice,
        "postgres",
        &[
            "--name",
            "pg",
            "--env",
            &pg_env,
            "--wait",
            "--timeout",
            &timeout,
        ],
    );
    assert_eq!(db["status"], "running", "{db}");
    let pg = str_of(&db, "container").to_string();
    let pg_volume = str_of(&db["volumes"][0], "name").to_string();
    assert_eq!(db["volumes"][0]["path"], "/var/lib/postgresql/data");
    assert_eq!(
        inspect(&pg)["Config"]["StopSignal"],
        "SIGINT",
        "the image's stop signal"
    );
    assert_eq!(
        main_process(&pg),
        ("postgres".to_string(), "postgres".to_string()),
        "postgres is the main process, as the postgres user"
    );

    let (ok, out, err) = psql(&pg, "SELECT 1");
    assert!(ok && out == "1", "SELECT 1: {out} {err}");
    let (ok, out, err) = psql(
        &pg,
        "CREATE TABLE t (x int); INSERT INTO t VALUES (42); SELECT current_user, current_database()",
    );
    assert!(ok && out.ends_with("app|app"), "as app in app: {out} {err}");
    // Over TCP the password is asked for (scram-sha-256), as from another host.
    let (ok, out, err) = psql_tcp(&pg, POSTGRES_PASSWORD, "SELECT 1");
    assert!(ok && out == "1", "the password over TCP: {out} {err}");
    let (ok, _, err) = psql_tcp(&pg, "wrong", "SELECT 1");
    assert!(
        !ok && err.contains("password authentication failed"),
        "a wrong password over TCP: {err}"
    );

    // ---- restart: the data stays ----
    for name in ["cache", "pg"] {
        let restarted = alice.json(&["instance", "restart", name]);
        assert_eq!(restarted[0]["status"], "running", "{restarted}");
    }
    let got = poll("GET k after the restart", SLOW, || {
        let (ok, out, _) = redis_cli(&redis, &["GET", "k"]);
        (ok && !out.contains("LOADING")).then_some(out)
    });
    assert_eq!(got, "v", "redis lost its key in a restart");
    let got = poll("postgres after the restart", SLOW, || {
        let (ok, out, _) = psql(&pg, "SELECT x FROM t");
        ok.then_some(out)
    });
    assert_eq!(got, "42", "postgres lost its row in a restart");
    let logs = Command::new("docker")
        .args(["logs", &pg])
        .output()
        .expect("docker logs");
    let logs =
        String::from_utf8_lossy(&logs.stdout).to_string() + &String::from_utf8_lossy(&logs.stderr);
    assert!(
        logs.contains("database system is shut down"),
        "postgres shut down cleanly on restart (SIGINT): {logs}"
    );
    assert!(
        !logs.contains("not properly shut down"),
        "postgres needed crash recovery after a restart: {logs}"
    );
    let replies = poll_for(SLOW, || {
        redis_from_host(redis_port, &[&format!("AUTH {REDIS_PASSWORD}"), "GET k"], 3)
            .filter(|r| r.len() == 3)
    })
    .expect("redis answers on the host after the restart");
    assert_eq!(
        replies,
        ["+OK", "$1", "v"],
        "from the host after the restart"
    );

    // ---- cleanup ----
    for name in ["cache", "pg"] {
        alice
            .run(&["instance", "rm", name, "--volumes"])
            .expect_code(0);
    }
    for container in [&redis, &pg] {
        assert!(!container_exists(container), "{container} is left");
    }
    for volume in [&redis_volume, &pg_volume] {
        assert!(!volume_exists(volume), "{volume} is left");
    }
    assert_eq!(
        docker(&[
            "ps",
            "-aq",
            "--filter",
            &format!("label=io.rsrc.daemon={}", e.d.daemon_id())
        ]),
        "",
        "containers of this daemon are left"
    );
}

#[test]
fn the_image_scripts_are_shellcheck_clean() {
    let Ok(out) = Command::new("shellcheck")
        .arg("-x")
        .args(["scripts/images", "scripts/lib.sh"])
        .args([
            "contrib/images/redis/entrypoint.sh",
            "contrib/images/postgres/entrypoint.sh",
        ])
        .current_dir(repo())
        .output()
    else {
        eprintln!("SKIP: shellcheck not installed");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
