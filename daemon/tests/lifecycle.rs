//! The daemon's life (issue 2): start and stop, its socket (stale, taken, missing), its config,
//! a registry from a newer rsrcd, and what `rsrc version` says about it and Docker.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Instant;

use rsrc_shared::v1;

use common::{raw_request, Client, Options, TestDaemon, DEADLINE};

const PASSWORD: &str = "Pw-lifecycle-1234";

/// What one `rsrcd` run that is expected to stop by itself gave.
struct Exited {
    status: ExitStatus,
    stderr: String,
}

/// Runs `rsrcd ARGS` (no inherited RSRC_* variables) and waits for it to exit on its own; panics
/// if it is still running after the deadline (it then started serving when it should not have).
fn rsrcd_expecting_exit(args: &[&std::ffi::OsStr], dir: &Path) -> Exited {
    rsrcd_expecting_exit_with_stdin(args, dir, None)
}

/// As [`rsrcd_expecting_exit`], with `stdin` written to rsrcd's standard input.
fn rsrcd_expecting_exit_with_stdin(
    args: &[&std::ffi::OsStr],
    dir: &Path,
    stdin: Option<&str>,
) -> Exited {
    let err_path = dir.join(format!("rsrcd-{}.stderr", rand_id()));
    let mut child = Command::new(common::rsrcd_bin())
        .args(args)
        .env_remove("RSRC_SOCKET")
        .env_remove("RSRC_DATA_DIR")
        .env("RSRC_LOG", "info")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("start rsrcd");
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        use std::io::Write as _;
        input
            .write_all(text.as_bytes())
            .expect("write rsrcd's stdin");
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "rsrcd {args:?} kept running; stderr:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Exited {
        status,
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

fn rand_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

fn config_arg(path: &Path) -> Vec<&std::ffi::OsStr> {
    vec!["--config".as_ref(), path.as_os_str()]
}

/// A client for a socket, with its own config dir under `dir`.
fn client_for(socket: &Path, dir: &Path) -> Client {
    let config_dir = dir.join(format!("client-{}", rand_id()));
    std::fs::create_dir_all(&config_dir).expect("client dir");
    Client {
        socket: socket.to_path_buf(),
        config_dir,
        email: "someone@example.com".into(),
    }
}

fn version_ok(socket: &Path) -> bool {
    matches!(
        raw_request(socket, "GET", v1!("/version"), None, None),
        Ok((200, _))
    )
}

/// A minimal config in `dir` with `extra` appended.
fn write_config(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join(format!("rsrcd-{}.toml", rand_id()));
    let toml = format!(
        "data_dir = {:?}\nsocket = {:?}\nadvertise_host = \"127.0.0.1\"\n{extra}\n",
        dir.join("data").display().to_string(),
        dir.join("rsrcd.sock").display().to_string(),
    );
    std::fs::write(&path, toml).expect("write config");
    path
}

// ---- start and stop ----------------------------------------------------------------------------

#[test]
fn daemon_starts_and_stops_cleanly() {
    let mut d = TestDaemon::start(Options::default());
    let (status, body) = raw_request(&d.socket, "GET", v1!("/version"), None, None).unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(d.stop().success());
    assert!(!d.socket.exists(), "the socket is removed on a clean exit");
}

#[test]
fn sigterm_finishes_cleanly_and_the_next_start_keeps_the_data() {
    let mut d = TestDaemon::start(Options::default());
    let c = d.client("keeper@example.com");
    c.signup(PASSWORD).expect("signup");
    let status = d.stop();
    assert_eq!(status.code(), Some(0), "SIGTERM exits 0");
    assert!(!d.socket.exists(), "the socket is removed");
    let log = d.log_text();
    assert!(log.contains("stopped"), "the log says it stopped:\n{log}");
    // The database was checkpointed: the WAL is empty or gone.
    let wal = d.data_dir.join("rsrc.db-wal");
    assert!(
        std::fs::metadata(&wal)
            .map(|m| m.len() == 0)
            .unwrap_or(true),
        "the WAL was not checkpointed on shutdown"
    );
    d.spawn();
    c.login(PASSWORD).expect("the account survived the restart");
}

#[test]
fn sigterm_finishes_a_request_in_flight_and_refuses_new_connections() {
    use std::io::{Read, Write};
    let mut d = TestDaemon::start(Options::default());
    let body =
        br#"{"email": "inflight@example.com", "name": "In Flight", "password": "long-enough-1"}"#;
    let mut stream = std::os::unix::net::UnixStream::connect(&d.socket).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    // With `Expect: 100-continue` the daemon says when it starts reading the body, i.e. when
    // the request is being handled.
    stream
        .write_all(
            format!(
                "POST /v1/signup HTTP/1.1\r\nHost: rsrcd\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .expect("head");
    let mut continue_line = [0u8; 25];
    stream.read_exact(&mut continue_line).expect("100 Continue");
    assert!(
        continue_line.starts_with(b"HTTP/1.1 100 Continue"),
        "{:?}",
        String::from_utf8_lossy(&continue_line)
    );

    let pid = d.pid().expect("pid").to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    // New connections are refused from now on...
    common::poll("rsrcd to stop accepting", DEADLINE, || {
        std::os::unix::net::UnixStream::connect(&d.socket)
            .is_err()
            .then_some(())
    });
    // ... but the request in flight is finished.
    stream.write_all(body).expect("body");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.contains("HTTP/1.1 202"), "{answer:?}");
    assert_eq!(d.stop().code(), Some(0));
    let users: i64 = d
        .db()
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .expect("count");
    assert_eq!(users, 1, "the in-flight sign-up was committed");
}

// ---- the socket --------------------------------------------------------------------------------

#[test]
fn rsrc_without_a_daemon_exits_69_and_names_the_socket() {
    let dir = tempfile::tempdir().expect("tempdir");
    // No file at all.
    let missing = dir.path().join("nobody-home.sock");
    // A socket file nobody listens on.
    let dead = dir.path().join("dead.sock");
    drop(std::os::unix::net::UnixListener::bind(&dead).expect("bind"));
    assert!(dead.exists());
    for socket in [&missing, &dead] {
        let c = client_for(socket, dir.path());
        for args in [
            vec!["version"],
            vec!["whoami"],
            vec!["--json", "machine", "ls"],
        ] {
            let r = c.run(&args).expect_code(69);
            assert!(
                r.stderr.contains(&socket.display().to_string()),
                "{args:?}: stderr does not name {}: {}",
                socket.display(),
                r.stderr
            );
            assert!(r.stderr.contains("hint:"), "{args:?}: {}", r.stderr);
        }
        // --socket wins over RSRC_SOCKET, and is named the same way.
        let other = dir.path().join("other.sock");
        let r = c
            .run(&["--socket", other.to_str().expect("utf-8"), "whoami"])
            .expect_code(69);
        assert!(
            r.stderr.contains(&other.display().to_string()),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn a_stale_socket_file_is_replaced() {
    let mut d = TestDaemon::start(Options::default());
    let c = d.client("stale@example.com");
    c.signup(PASSWORD).expect("signup");
    d.kill9();
    assert!(
        d.socket.exists(),
        "kill -9 leaves the socket file behind (the test needs a stale socket)"
    );
    assert!(!version_ok(&d.socket));
    c.run(&["version"]).expect_code(69);

    d.spawn();
    assert!(version_ok(&d.socket));
    assert!(
        d.log_text().contains("stale"),
        "the log says it replaced a stale socket"
    );
    c.login(PASSWORD).expect("login after the restart");
    c.run(&["whoami"]).expect_code(0);
}

#[test]
fn a_second_daemon_on_a_live_socket_refuses_to_start() {
    let d = TestDaemon::start(Options::default());
    let c = d.client("first@example.com");
    c.signup(PASSWORD).expect("signup");
    c.login(PASSWORD).expect("login");

    // The same config, and another data dir with the same socket.
    let other_dir = tempfile::tempdir().expect("tempdir");
    let other = other_dir.path().join("rsrcd.toml");
    std::fs::write(
        &other,
        format!(
            "data_dir = {:?}\nsocket = {:?}\n",
            other_dir.path().join("data").display().to_string(),
            d.socket.display().to_string()
        ),
    )
    .expect("config");
    for config in [&d.config, &other] {
        let second = rsrcd_expecting_exit(&config_arg(config), d.dir.path());
        assert!(!second.status.success(), "the second rsrcd started");
        assert!(
            second.stderr.contains(&d.socket.display().to_string()),
            "the message names the socket: {}",
            second.stderr
        );
        assert!(
            second.stderr.contains("already"),
            "the message says why: {}",
            second.stderr
        );
        // The first is untouched: its socket is there and it serves the same session.
        assert!(d.socket.exists(), "the second rsrcd removed the socket");
        assert!(version_ok(&d.socket));
        c.run(&["whoami"]).expect_code(0);
    }
    // `--socket` on the command line is checked the same way.
    let mut args = config_arg(&other);
    args.extend(["--socket".as_ref(), d.socket.as_os_str()]);
    let second = rsrcd_expecting_exit(&args, d.dir.path());
    assert!(!second.status.success());
    assert!(version_ok(&d.socket));
}

#[test]
fn a_file_that_is_not_a_socket_is_not_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), "");
    let socket = dir.path().join("rsrcd.sock");
    std::fs::write(&socket, "precious data\n").expect("file");
    let run = rsrcd_expecting_exit(&config_arg(&config), dir.path());
    assert!(!run.status.success(), "rsrcd started over a regular file");
    assert!(
        run.stderr.contains(&socket.display().to_string()),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&socket).expect("the file is still there"),
        "precious data\n"
    );
}

#[test]
fn the_socket_gets_its_configured_mode() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let d = TestDaemon::start(Options::default());
    let meta = std::fs::symlink_metadata(&d.socket).expect("socket");
    assert!(meta.file_type().is_socket());
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o660,
        "default socket_mode"
    );

    let e = TestDaemon::start(Options {
        extra_toml: "socket_mode = \"0600\"".into(),
        ..Options::default()
    });
    let meta = std::fs::symlink_metadata(&e.socket).expect("socket");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

/// A daemon started by hand; SIGKILLed on drop if still running.
struct Spawned(std::process::Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Spawned {
    fn term(mut self) -> ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        common::poll("rsrcd to stop", DEADLINE, || {
            self.0.try_wait().ok().flatten()
        })
    }
}

#[test]
fn flags_and_environment_override_the_config_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), "");
    let file_socket = dir.path().join("rsrcd.sock");
    let env_socket = dir.path().join("env.sock");
    let flag_socket = dir.path().join("flag.sock");
    let env_data = dir.path().join("env-data");
    let flag_data = dir.path().join("flag-data");

    let start = |flags: &[&std::ffi::OsStr]| {
        let child = Command::new(common::rsrcd_bin())
            .arg("--config")
            .arg(&config)
            .args(flags)
            .env("RSRC_SOCKET", &env_socket)
            .env("RSRC_DATA_DIR", &env_data)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start rsrcd");
        Spawned(child)
    };

    // RSRC_SOCKET and RSRC_DATA_DIR beat the file.
    let daemon = start(&[]);
    common::poll("rsrcd on RSRC_SOCKET", DEADLINE, || {
        version_ok(&env_socket).then_some(())
    });
    assert!(!file_socket.exists());
    assert!(env_data.join("rsrc.db").exists());
    assert!(daemon.term().success());

    // --socket and --data-dir beat the environment.
    let daemon = start(&[
        "--socket".as_ref(),
        flag_socket.as_os_str(),
        "--data-dir".as_ref(),
        flag_data.as_os_str(),
    ]);
    common::poll("rsrcd on --socket", DEADLINE, || {
        version_ok(&flag_socket).then_some(())
    });
    assert!(!file_socket.exists() && !env_socket.exists());
    assert!(flag_data.join("rsrc.db").exists());
    assert!(daemon.term().success());
    assert!(!flag_socket.exists());
}

// ---- configuration -----------------------------------------------------------------------------

#[test]
fn config_errors_stop_the_daemon_and_name_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (extra, key) in [
        ("bogus_key = 1", "bogus_key"),
        (
            "[smtp]\nhost = \"h\"\nfrom = \"a@b.co\"\nsmtp_bogus = 1",
            "smtp_bogus",
        ),
        ("[limits]\nmax_per_moon = 3", "max_per_moon"),
        ("port_range = \"30000-20000\"", "port_range"),
        ("port_range = \"20000\"", "port_range"),
        ("port_range = \"0-10\"", "port_range"),
        ("port_range = 20000", "port_range"),
        ("socket_mode = \"0999\"", "socket_mode"),
        ("bind_address = \"over-there\"", "bind_address"),
        ("session_ttl_days = 0", "session_ttl_days"),
        (
            "[smtp]\nhost = \"h\"\nfrom = \"a@b.co\"\ntls = \"maybe\"",
            "tls",
        ),
    ] {
        let config = write_config(dir.path(), extra);
        let run = rsrcd_expecting_exit(&config_arg(&config), dir.path());
        assert!(!run.status.success(), "{extra:?} was accepted");
        assert!(
            run.stderr.contains(key),
            "{extra:?}: stderr does not name `{key}`: {}",
            run.stderr
        );
        assert!(
            !dir.path().join("rsrcd.sock").exists(),
            "{extra:?}: a socket was made"
        );
    }
    // The same for `rsrcd admin create`, which reads the same config.
    let config = write_config(dir.path(), "bogus_key = 1");
    let mut args = config_arg(&config);
    args.extend(
        [
            "admin",
            "create",
            "--email",
            "a@example.com",
            "--password-stdin",
        ]
        .map(|s| -> &std::ffi::OsStr { s.as_ref() }),
    );
    let run = rsrcd_expecting_exit(&args, dir.path());
    assert!(!run.status.success());
    assert!(run.stderr.contains("bogus_key"), "{}", run.stderr);
    // A config file named with --config must exist.
    let missing = dir.path().join("missing.toml");
    let run = rsrcd_expecting_exit(&config_arg(&missing), dir.path());
    assert!(!run.status.success());
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);
}

#[test]
fn a_registry_from_a_newer_rsrcd_is_refused_and_left_alone() {
    let mut d = TestDaemon::start(Options::default());
    assert!(d.stop().success());
    let db = d.data_dir.join("rsrc.db");
    {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.pragma_update(None, "user_version", 999)
            .expect("set user_version");
    }
    let before = std::fs::read(&db).expect("read db");

    let run = rsrcd_expecting_exit(&config_arg(&d.config), d.dir.path());
    assert!(!run.status.success(), "rsrcd started on a newer registry");
    assert!(
        run.stderr.contains("newer"),
        "the message says why: {}",
        run.stderr
    );
    assert!(run.stderr.contains("999"), "{}", run.stderr);
    assert!(!d.socket.exists(), "no socket for a refused registry");

    // `rsrcd admin create` refuses it too: its input is good (it is checked first), the
    // registry is not.
    let mut args = config_arg(&d.config);
    args.extend(
        [
            "admin",
            "create",
            "--email",
            "a@example.com",
            "--password-stdin",
        ]
        .map(|s| -> &std::ffi::OsStr { s.as_ref() }),
    );
    let run = rsrcd_expecting_exit_with_stdin(&args, d.dir.path(), Some("a-long-password\n"));
    assert!(!run.status.success());
    assert!(run.stderr.contains("newer"), "{}", run.stderr);

    let conn = rusqlite::Connection::open(&db).expect("open");
    let level: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(level, 999, "the newer registry was changed");
    let users: i64 = conn
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .expect("users");
    assert_eq!(users, 0);
    drop(conn);
    assert_eq!(
        std::fs::read(&db).expect("read db"),
        before,
        "the file changed"
    );
}

// ---- version and Docker ------------------------------------------------------------------------

#[test]
fn version_shows_client_daemon_and_docker() {
    let d = TestDaemon::start(Options::default());
    let c = d.client("anyone@example.com");
    if common::docker_or_skip() {
        d.wait_for_docker();
        let v = c.json(&["version"]);
        assert!(
            v["client_version"].as_str().is_some_and(|s| !s.is_empty()),
            "{v}"
        );
        assert!(
            v["daemon_version"].as_str().is_some_and(|s| !s.is_empty()),
            "{v}"
        );
        assert_eq!(v["api_version"], "v1", "{v}");
        assert_eq!(v["docker"]["connected"], true, "{v}");
        let engine = common::docker(&["version", "--format", "{{.Server.Version}}"]);
        assert_eq!(v["docker"]["version"], engine.as_str(), "{v}");
        assert!(
            v["docker"]["api_version"]
                .as_str()
                .is_some_and(|s| s.contains('.')),
            "{v}"
        );
        let table = c.run(&["version"]).expect_code(0).stdout;
        for word in ["client", "daemon", "docker", &engine] {
            assert!(table.contains(word), "table lacks {word}: {table}");
        }
    }
    // Version needs no login.
    let (status, _) = raw_request(&d.socket, "GET", v1!("/version"), None, None).expect("version");
    assert_eq!(status, 200);
}

#[test]
fn without_docker_the_daemon_serves_accounts_and_says_so() {
    let d = TestDaemon::start(Options {
        extra_toml: "docker_host = \"unix:///nonexistent.sock\"".into(),
        ..Options::default()
    });
    let c = d.client("dockerless@example.com");
    c.signup(PASSWORD).expect("signup without Docker");
    c.login(PASSWORD).expect("login without Docker");
    assert_eq!(c.json(&["whoami"])["email"], "dockerless@example.com");

    let v = c.json(&["version"]);
    assert_eq!(v["docker"]["connected"], false, "{v}");
    assert!(v["daemon_version"].as_str().is_some(), "{v}");
    assert!(v["client_version"].as_str().is_some(), "{v}");
    let table = c.run(&["version"]).expect_code(0).stdout;
    assert!(table.contains("not connected"), "{table}");
    common::poll("the log to mention Docker", DEADLINE, || {
        d.log_text()
            .contains("Docker is not reachable")
            .then_some(())
    });
}

#[test]
fn a_second_daemon_on_the_same_data_dir_refuses_to_start() {
    let d = TestDaemon::start(Options::default());
    let c = d.client("first@example.com");
    c.signup(PASSWORD).expect("signup");
    c.login(PASSWORD).expect("login");

    // The same data dir, another socket: two daemons would both send the outbox.
    let other_socket = d.dir.path().join("other.sock");
    let config = d.dir.path().join("second.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\nsocket = {:?}\n",
            d.data_dir.display().to_string(),
            other_socket.display().to_string()
        ),
    )
    .expect("config");
    let second = rsrcd_expecting_exit(&config_arg(&config), d.dir.path());
    assert!(!second.status.success(), "the second rsrcd started");
    assert!(
        second.stderr.contains(&d.data_dir.display().to_string()),
        "the message names the data dir: {}",
        second.stderr
    );
    assert!(second.stderr.contains("already"), "{}", second.stderr);
    assert!(
        !other_socket.exists(),
        "the refused rsrcd left its socket behind"
    );
    // The same with the socket given on the command line.
    let mut args = config_arg(&config);
    let flag_socket = d.dir.path().join("flag.sock");
    args.extend(["--socket".as_ref(), flag_socket.as_os_str()]);
    let second = rsrcd_expecting_exit(&args, d.dir.path());
    assert!(!second.status.success());
    assert!(!flag_socket.exists());

    // The first is untouched.
    assert!(version_ok(&d.socket));
    c.run(&["whoami"]).expect_code(0);
    let users: i64 = d
        .db()
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .expect("count");
    assert_eq!(users, 1);
}

#[test]
fn a_socket_directory_of_another_user_is_refused() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let me = std::fs::metadata(dir.path()).expect("tempdir").uid();
    if me != 0 {
        eprintln!("skipping: this test chowns a directory, which needs root");
        return;
    }
    // Made first by someone else (as under a shared /tmp): they could swap the socket.
    let foreign = dir.path().join("theirs");
    std::fs::create_dir(&foreign).expect("mkdir");
    std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)).expect("chown");
    let socket = foreign.join("rsrcd.sock");
    let config = write_config(dir.path(), "");
    let mut args = config_arg(&config);
    args.extend(["--socket".as_ref(), socket.as_os_str()]);
    let run = rsrcd_expecting_exit(&args, dir.path());
    assert!(
        !run.status.success(),
        "rsrcd served from {}",
        foreign.display()
    );
    assert!(
        run.stderr.contains(&foreign.display().to_string()) && run.stderr.contains("65534"),
        "the message names the directory and its owner: {}",
        run.stderr
    );
    assert!(
        !socket.exists(),
        "a socket was made in {}",
        foreign.display()
    );

    // A directory of root's (this process's own) is fine, and one rsrcd makes is root's too.
    let made = dir.path().join("made").join("by").join("rsrcd");
    let made_socket = made.join("rsrcd.sock");
    let config = write_config(dir.path(), "");
    let child = Command::new(common::rsrcd_bin())
        .args(config_arg(&config))
        .arg("--socket")
        .arg(&made_socket)
        .env_remove("RSRC_SOCKET")
        .env_remove("RSRC_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start rsrcd");
    let daemon = Spawned(child);
    common::poll("rsrcd on a directory it made", DEADLINE, || {
        version_ok(&made_socket).then_some(())
    });
    assert_eq!(std::fs::metadata(&made).expect("made").uid(), 0);
    assert!(daemon.term().success());
}

#[test]
fn a_socket_under_a_directory_of_another_user_is_refused() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("tempdir");
    if std::fs::metadata(dir.path()).expect("tempdir").uid() != 0 {
        eprintln!("skipping: this test chowns a directory, which needs root");
        return;
    }
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).expect("mkdir");
    std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).expect("chown");
    // rsrcd would make `sub` itself (root's), inside a directory uid 65534 may rename it in.
    let nested = theirs.join("sub").join("rsrcd.sock");
    // Their symlink to a directory of root's: they may point it elsewhere later.
    let ours = dir.path().join("ours");
    std::fs::create_dir(&ours).expect("mkdir");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&ours, &link).expect("symlink");
    std::os::unix::fs::lchown(&link, Some(65534), Some(65534)).expect("lchown");
    let linked = link.join("rsrcd.sock");

    let config = write_config(dir.path(), "");
    for socket in [&nested, &linked] {
        let mut args = config_arg(&config);
        args.extend(["--socket".as_ref(), socket.as_os_str()]);
        let run = rsrcd_expecting_exit(&args, dir.path());
        assert!(
            !run.status.success(),
            "rsrcd served on {}: {}",
            socket.display(),
            run.stderr
        );
        assert!(run.stderr.contains("65534"), "{}", run.stderr);
        assert!(!socket.exists());
    }
}
