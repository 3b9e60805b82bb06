//! Runs the built `rsrc` binary against no daemon, and against a tiny fake HTTP server on a Unix
//! socket that answers canned replies. This checks the client's side of the contract (exit codes,
//! stderr, headers, session files); end-to-end tests against the real rsrcd live elsewhere.

#![allow(clippy::unwrap_used)] // a test may panic on its own fixtures

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use rsrc_shared::v1;

use common::*;

#[test]
fn unreachable_daemon_exits_69_and_names_the_socket() {
    let out = Command::new(BIN)
        .args(["--socket", "/nonexistent/sock", "whoami"])
        .env_remove("RSRC_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69));
    let err = text(&out.stderr);
    assert!(
        err.contains("error: cannot reach rsrcd at /nonexistent/sock"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn version_prints_the_client_version_even_without_a_daemon() {
    let out = Command::new(BIN)
        .args(["--socket", "/nonexistent/sock", "version"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69));
    assert!(text(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(BIN)
        .args(["machine", "create", "x", "--image", "i", "--port", "70000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn login_stores_a_private_session_and_logout_forgets_it() {
    let login = format!(
        r#"{{"token":"tok-123","expires_at":"2030-01-01T00:00:00Z","user":{}}}"#,
        user_json("ada@example.com")
    );
    let daemon = FakeDaemon::start(vec![
        ("POST /v1/login", (200, "", login)),
        (
            "GET /v1/whoami",
            (200, "auth", user_json("ada@example.com")),
        ),
        ("POST /v1/logout", (204, "auth", String::new())),
    ]);
    let config = tempfile::tempdir().unwrap();

    // Before login: the daemon says 401, we exit 4 with a hint.
    let out = rsrc(&daemon.socket, config.path(), &["whoami"], "");
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("rsrc login"));

    let out = rsrc(
        &daemon.socket,
        config.path(),
        &["login", "--email", "ada@example.com", "--password-stdin"],
        "pw with spaces\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("tok-123"));
    assert!(!text(&out.stderr).contains("tok-123"));
    let login_req = daemon
        .seen()
        .into_iter()
        .find(|s| s.path == v1!("/login"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&login_req.body).unwrap();
    assert_eq!(body["password"], "pw with spaces");

    let sessions = config.path().join("sessions");
    let files: Vec<_> = std::fs::read_dir(&sessions).unwrap().collect();
    assert_eq!(files.len(), 1);
    let file = files[0].as_ref().unwrap().path();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(&sessions).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(record["email"], "ada@example.com");
    assert_eq!(record["token_in"], "file");
    assert_eq!(record["token"], "tok-123");

    let out = rsrc(&daemon.socket, config.path(), &["whoami"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ada@example.com"));

    let out = rsrc(&daemon.socket, config.path(), &["-q", "whoami"], "");
    assert_eq!(text(&out.stdout), "ada@example.com\n");

    let out = rsrc(&daemon.socket, config.path(), &["--json", "whoami"], "");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["role"], "user");

    let out = rsrc(&daemon.socket, config.path(), &["auth", "token"], "");
    assert_eq!(text(&out.stdout), "tok-123\n");

    // A session file others can read is refused.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = rsrc(&daemon.socket, config.path(), &["whoami"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("chmod 600"),
        "{}",
        text(&out.stderr)
    );
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();

    let out = rsrc(&daemon.socket, config.path(), &["logout"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!file.exists());
    let logout = daemon
        .seen()
        .into_iter()
        .find(|s| s.path == v1!("/logout"))
        .unwrap();
    assert_eq!(logout.method, "POST");
    assert_eq!(logout.auth.as_deref(), Some("Bearer tok-123"));

    let out = rsrc(&daemon.socket, config.path(), &["auth", "token"], "");
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn logout_forgets_a_token_the_daemon_no_longer_knows() {
    let daemon = FakeDaemon::start(vec![(
        "POST /v1/logout",
        (401, "", error("unauthenticated", "token expired")),
    )]);
    let config = tempfile::tempdir().unwrap();
    let dir = config.path().join("sessions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let socket = std::fs::canonicalize(&daemon.socket).unwrap();
    let stem = rsrc::session::file_stem(&socket.to_string_lossy());
    let file = dir.join(format!("{stem}.json"));
    let record = rsrc::session::SessionRecord {
        socket: socket.to_string_lossy().into_owned(),
        email: "ada@example.com".into(),
        token_in: rsrc::session::TokenLocation::File,
        token: Some("old".into()),
        expires_at: None,
    };
    rsrc::session::write_record(&file, &record).unwrap();
    let out = rsrc(&daemon.socket, config.path(), &["logout"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!file.exists());
}

#[test]
fn password_needs_a_terminal_or_password_stdin() {
    let daemon = FakeDaemon::start(vec![]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc(
        &daemon.socket,
        config.path(),
        &["login", "--email", "a@b.c"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--password-stdin"));
    assert!(daemon.seen().is_empty());
}

#[test]
fn replies_that_are_not_json_exit_1() {
    let daemon = FakeDaemon::start(vec![(
        "GET /v1/machines",
        (200, "", "<html>oops</html>".into()),
    )]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc(&daemon.socket, config.path(), &["machine", "ls"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unexpected reply from rsrcd"));
    assert!(out.stdout.is_empty());
}

#[test]
fn api_errors_map_to_exit_codes_and_keep_stdout_empty() {
    let daemon = FakeDaemon::start(vec![
        (
            "POST /v1/instances",
            (
                409,
                "",
                error("quota_exceeded", "you have 10 instances already"),
            ),
        ),
        ("GET /v1/machines", (403, "", error("forbidden", "no"))),
    ]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc(
        &daemon.socket,
        config.path(),
        &["--json", "instance", "show", "nope"],
        "",
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).starts_with("error: no such thing"));
    let out = rsrc(
        &daemon.socket,
        config.path(),
        &["instance", "create", "redis"],
        "",
    );
    assert_eq!(out.status.code(), Some(5));
    let out = rsrc(&daemon.socket, config.path(), &["machine", "ls"], "");
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn wait_failures_print_the_log_lines() {
    let instance = r#"{"id":"abc123","name":"web","machine":"nginx","owner":"a@b.c","status":"running",
        "host":"127.0.0.1","ports":[{"container_port":80,"host_port":20001,"protocol":"tcp"}],
        "url":null,"volumes":[],"env":{},"container":null,"exit_code":null,
        "created_at":"t","updated_at":"t"}"#;
    let timeout = r#"{"error":{"code":"timeout","message":"web did not accept connections in 5s",
        "details":["nginx: bad config","exiting"]}}"#;
    let daemon = FakeDaemon::start(vec![
        ("POST /v1/instances", (201, "", instance.into())),
        (
            "POST /v1/instances/abc123/wait?timeout=5",
            (504, "", timeout.into()),
        ),
    ]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc(
        &daemon.socket,
        config.path(),
        &[
            "instance",
            "create",
            "nginx",
            "--env",
            "A=1",
            "--wait",
            "--timeout",
            "5s",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("error: web did not accept connections in 5s"),
        "{err}"
    );
    assert!(err.contains("nginx: bad config"), "{err}");
    assert!(err.contains("rsrc instance rm abc123"), "{err}");
    let create = daemon
        .seen()
        .into_iter()
        .find(|s| s.path == v1!("/instances"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&create.body).unwrap();
    assert_eq!(body["machine"], "nginx");
    assert_eq!(body["env"]["A"], "1");
}

#[test]
fn a_failed_pull_stops_machine_create() {
    let stream = [
        r#"{"status":"Pulling from library/nope"}"#,
        r#"{"id":"abc","status":"Downloading","current":10,"total":100}"#,
        r#"{"error":{"code":"not_found","message":"image nope:1 not found"}}"#,
    ]
    .join("\n");
    let preview = r#"{"name":"x","description":"","image":"nope:1",
        "ports":[{"port":80,"protocol":"tcp"}],"props":[],"command":null,"volumes":[],
        "limits":{},"max_per_user":1,"active":true,"connect":null,"restart":"unless-stopped",
        "instances":0,"likes":0,"dislikes":0,"rating":null,"created_at":"","updated_at":""}"#;
    let daemon = FakeDaemon::start(vec![
        ("POST /v1/machines?dry_run=true", (200, "", preview.into())),
        ("POST /v1/images/pull", (200, "", stream)),
    ]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc(
        &daemon.socket,
        config.path(),
        &[
            "machine", "create", "x", "--image", "nope:1", "--port", "80",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("Pulling from library/nope"), "{err}");
    assert!(err.contains("abc: Downloading"), "{err}");
    assert!(err.contains("error: image nope:1 not found"), "{err}");
    assert!(!daemon.seen().iter().any(|s| s.path == v1!("/machines")));
}

#[test]
fn machine_create_pulls_then_posts() {
    let stream = [
        r#"{"status":"Pulling from library/redis"}"#,
        r#"{"status":"Downloaded newer image for redis:7","done":true}"#,
    ]
    .join("\n")
        + "\n";
    let machine = r#"{"name":"redis","description":"","image":"redis:7",
        "ports":[{"port":6379,"protocol":"tcp"}],"props":[],"command":null,"volumes":[],
        "limits":{},"max_per_user":1,"active":true,"connect":null,"restart":"unless-stopped",
        "instances":0,"likes":0,"dislikes":0,"rating":null,"created_at":"t","updated_at":"t"}"#;
    let daemon = FakeDaemon::start(vec![
        ("POST /v1/machines?dry_run=true", (200, "", machine.into())),
        ("POST /v1/images/pull", (200, "", stream)),
        ("POST /v1/machines", (201, "", machine.into())),
    ]);
    let config = tempfile::tempdir().unwrap();
    let out = rsrc(
        &daemon.socket,
        config.path(),
        &[
            "-q", "machine", "create", "redis", "--image", "redis:7", "--port", "6379",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "redis\n");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let seen = daemon.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[0].path,
        v1!("/machines?dry_run=true"),
        "checked before the pull"
    );
    assert_eq!(seen[1].path, v1!("/images/pull"));
    assert_eq!(seen[2].path, v1!("/machines"));
    let body: serde_json::Value = serde_json::from_str(&seen[2].body).unwrap();
    assert_eq!(body["ports"][0]["port"], 6379);
}

#[test]
fn apply_refuses_bad_files_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("machines.toml");
    std::fs::write(
        &file,
        "[[machine]]\nname = \"r\"\nimage = \"redis\"\nports = [{ port = 1 }]\nbogus = 1\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["--socket", "/nonexistent/sock", "machine", "apply", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("machines.toml at line 5"), "{err}");
    assert!(err.contains("bogus"), "{err}");
}
