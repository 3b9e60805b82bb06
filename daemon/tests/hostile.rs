//! Hostile clients (issue 7): a body that never comes, a flood of idle connections from one uid,
//! idle keep-alive connections, and requests hyper refuses while parsing. Each must leave the
//! daemon answering everybody else, with its descriptors and memory bounded. The daemon's open
//! fds and RSS are printed before and after (for the record, not asserted on timing).

mod common;

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

use rsrc_shared::v1;

use common::{poll, raw_request, Client, Options, TestDaemon, DEADLINE};

/// Short deadlines so that the tests wait seconds, not the production 30 s and 10 s.
const BODY_TIMEOUT: Duration = Duration::from_secs(2);
const IDLE_TIMEOUT: Duration = Duration::from_secs(3);
/// The default per-uid cap (`[connections] max_per_uid`), left at its default here.
const PER_UID: usize = 128;

fn daemon() -> TestDaemon {
    daemon_with_idle(IDLE_TIMEOUT)
}

fn daemon_with_idle(idle: Duration) -> TestDaemon {
    TestDaemon::start(options(idle))
}

/// The daemon in the test process, for tests that do not read its descriptors and memory.
fn daemon_in_process() -> TestDaemon {
    TestDaemon::in_process(options(IDLE_TIMEOUT))
}

fn options(idle: Duration) -> Options {
    Options {
        extra_toml: format!(
            "socket_mode = \"0666\"\n[connections]\nbody_timeout_secs = {}\nidle_timeout_secs = {}\n",
            BODY_TIMEOUT.as_secs(),
            idle.as_secs()
        ),
        ..Options::default()
    }
}

/// Open descriptors and resident memory of the daemon, from /proc.
fn usage(d: &TestDaemon) -> (usize, String) {
    let pid = d.pid().expect("daemon pid");
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|dir| dir.count())
        .unwrap_or(0);
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().to_string()))
        .unwrap_or_default();
    (fds, rss)
}

fn report(d: &TestDaemon, when: &str) -> usize {
    let (fds, rss) = usage(d);
    eprintln!("rsrcd {when}: {fds} open fds, RSS {rss}");
    fds
}

/// Reads until EOF or the timeout: (what came, whether the server closed).
fn read_until_close(stream: &mut UnixStream, timeout: Duration) -> (String, bool) {
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = loop {
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                break false
            }
            // A reset after the answer is a close, too.
            Err(_) => break true,
        }
    };
    (String::from_utf8_lossy(&got).to_string(), closed)
}

/// The status and the `error.code` of a raw answer; panics unless its body is a JSON error.
#[track_caller]
fn json_error(answer: &str) -> (u16, String) {
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {answer:?}"));
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {answer:?}"));
    let code = v["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error.code in {answer:?}"))
        .to_string();
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "no error.message in {answer:?}"
    );
    (status, code)
}

#[track_caller]
fn assert_serving(d: &TestDaemon) {
    let (status, _) =
        raw_request(&d.socket, "GET", v1!("/version"), None, None).expect("GET /v1/version");
    assert_eq!(status, 200);
}

#[test]
fn a_declared_body_that_never_comes_is_cut_off() {
    let d = daemon();
    report(&d, "at start");
    let mut held = Vec::new();
    for path in [v1!("/login"), v1!("/signup")] {
        let mut s = UnixStream::connect(&d.socket).expect("connect");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: rsrcd\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\n\r\n{{\"email\":"
        );
        s.write_all(head.as_bytes()).expect("head");
        held.push(s);
    }
    // Meanwhile others are served.
    assert_serving(&d);
    for s in &mut held {
        let started = Instant::now();
        let (answer, closed) = read_until_close(s, BODY_TIMEOUT + DEADLINE);
        assert!(
            closed,
            "still open after {:?}: {answer:?}",
            started.elapsed()
        );
        assert_eq!(
            json_error(&answer),
            (400, "invalid_request".to_string()),
            "{answer:?}"
        );
        assert!(answer.contains("did not arrive"), "{answer:?}");
    }
    drop(held);
    assert_serving(&d);
    report(&d, "after the cut-off bodies");
}

#[test]
fn a_declared_body_over_the_limit_is_refused_before_it_is_sent() {
    let d = daemon_in_process();
    let mut s = UnixStream::connect(&d.socket).expect("connect");
    s.write_all(
        b"POST /v1/signup HTTP/1.1\r\nHost: rsrcd\r\nContent-Type: application/json\r\n\
          Content-Length: 5000000\r\n\r\n",
    )
    .expect("head");
    // Well inside the body deadline: the length alone says no.
    let (answer, closed) = read_until_close(&mut s, BODY_TIMEOUT / 2);
    assert!(closed, "{answer:?}");
    assert_eq!(json_error(&answer), (413, "payload_too_large".to_string()));
    assert_serving(&d);
}

/// Sends the head of a request with a 1 MiB body and the body's first KiB, then stalls.
fn stalled_body(d: &TestDaemon, method: &str, path: &str, token: Option<&str>) -> UnixStream {
    let mut s = UnixStream::connect(&d.socket).expect("connect");
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: rsrcd\r\nContent-Type: application/json\r\n\
         {auth}Content-Length: {}\r\n\r\n",
        1 << 20
    );
    s.write_all(head.as_bytes()).expect("head");
    // The daemon may have answered and closed already.
    let _ = s.write_all(&[b' '; 1024]);
    s
}

#[test]
fn bodies_are_refused_on_the_head_before_they_are_read() {
    let d = daemon_in_process();
    let token = d.admin("admin@example.com").token();
    for (method, path, token, expected) in [
        // No session: refused before the body is read, whatever the endpoint.
        ("POST", v1!("/instances"), None, (401, "unauthenticated")),
        (
            "POST",
            v1!("/machines"),
            Some("not-a-token"),
            (401, "unauthenticated"),
        ),
        // No such endpoint.
        ("POST", v1!("/nowhere"), None, (404, "unknown_endpoint")),
        ("DELETE", v1!("/signup"), None, (405, "method_not_allowed")),
        // An endpoint that takes no body, with and without a session.
        ("GET", v1!("/version"), None, (400, "invalid_request")),
        (
            "POST",
            v1!("/logout"),
            Some(token.as_str()),
            (400, "invalid_request"),
        ),
    ] {
        let mut s = stalled_body(&d, method, path, token);
        let started = Instant::now();
        // Well inside the body deadline: the head alone says no.
        let (answer, _) = read_until_close(&mut s, BODY_TIMEOUT / 2);
        let code = json_error(&answer);
        eprintln!(
            "{method} {path}: {} {} after {:?}",
            code.0,
            code.1,
            started.elapsed()
        );
        assert_eq!(
            code,
            (expected.0, expected.1.to_string()),
            "{method} {path}"
        );
    }
    // 128 stalled bodies from callers without a session hold no buffers and no connections.
    let held: Vec<_> = (0..128)
        .map(|_| stalled_body(&d, "POST", v1!("/instances"), None))
        .collect();
    for mut s in held {
        let (answer, closed) = read_until_close(&mut s, BODY_TIMEOUT / 2);
        assert!(closed, "{answer:?}");
        assert_eq!(json_error(&answer).0, 401);
    }
    assert_serving(&d);
    // The session's own requests still work (and the logout above did not log it out).
    let (status, body) =
        raw_request(&d.socket, "GET", v1!("/whoami"), Some(&token), None).expect("whoami");
    assert_eq!(status, 200, "{body}");
}

/// `rsrc version` as another user (nobody): the flood's uid is capped, not theirs.
fn version_as_nobody(d: &TestDaemon) -> common::Run {
    let home = d.dir.path().join("nobody-home");
    std::fs::create_dir_all(&home).expect("home");
    set_mode(&home, 0o777);
    let client = Client {
        socket: d.socket.clone(),
        config_dir: home,
        email: String::new(),
    };
    let out = client
        .command(&["--output", "json", "version"])
        .uid(65534)
        .gid(65534)
        .output()
        .expect("run rsrc as nobody");
    out.into()
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn a_flood_from_one_uid_is_capped_and_others_still_get_in() {
    // The flood's admitted connections must outlive the test's checks.
    let d = daemon_with_idle(Duration::from_secs(60));
    // nobody must be able to reach the socket in the test's own directory.
    set_mode(d.dir.path(), 0o711);
    let before = report(&d, "before the flood");
    let flood = PER_UID + 200;
    let mut streams: Vec<UnixStream> = (0..flood)
        .map(|_| UnixStream::connect(&d.socket).expect("connect"))
        .collect();
    for s in &streams {
        s.set_nonblocking(true).expect("nonblocking");
    }
    // The excess get a 503 at once, and are closed; the rest are held (idle).
    let mut answers: Vec<Option<String>> = vec![None; flood];
    let mut partial: Vec<Vec<u8>> = vec![Vec::new(); flood];
    let refused = poll("the excess connections to be refused", DEADLINE, || {
        for (i, s) in streams.iter_mut().enumerate() {
            if answers[i].is_some() {
                continue;
            }
            let mut buf = [0u8; 4096];
            loop {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) if !partial[i].is_empty() => {
                        answers[i] = Some(String::from_utf8_lossy(&partial[i]).to_string());
                        break;
                    }
                    Ok(0) => {
                        answers[i] = Some(String::new());
                        break;
                    }
                    Ok(n) => partial[i].extend_from_slice(&buf[..n]),
                    Err(_) => break,
                }
            }
        }
        let done = answers.iter().filter(|a| a.is_some()).count();
        (done >= flood - PER_UID).then_some(done)
    });
    report(&d, "during the flood");
    assert_eq!(
        refused,
        flood - PER_UID,
        "exactly the connections over the cap are refused"
    );
    for answer in answers.iter().flatten() {
        assert_eq!(json_error(answer), (503, "unavailable".to_string()));
        assert!(answer.contains("too many connections"), "{answer:?}");
    }
    // Another uid is served while the flood holds its slots.
    let started = Instant::now();
    let run = version_as_nobody(&d);
    assert_eq!(run.code, 0, "rsrc version as nobody: {run:?}");
    eprintln!(
        "rsrc version (uid 65534) answered in {:?}",
        started.elapsed()
    );
    // The flooding uid itself gets a quick 503, not a hang. Refused clients that read their
    // answer close, as the CLI does, which lets the daemon read the next one's request before
    // closing (rather than resetting it).
    let mut index = 0..;
    streams.retain(|_| answers[index.next().unwrap_or(0)].is_none());
    assert_eq!(streams.len(), PER_UID);
    let (status, body) = poll("a 503 for the flooding uid", DEADLINE, || {
        raw_request(&d.socket, "GET", v1!("/version"), None, None).ok()
    });
    assert_eq!(status, 503, "{body}");
    // Once the flood ends, its uid is served again.
    streams.clear();
    poll("the flooding uid to be served again", DEADLINE, || {
        raw_request(&d.socket, "GET", v1!("/version"), None, None)
            .ok()
            .filter(|(status, _)| *status == 200)
    });
    let after = poll("the daemon to close the flood's fds", DEADLINE, || {
        let (fds, _) = usage(&d);
        (fds <= before + 2).then_some(fds)
    });
    report(&d, "after the flood");
    assert!(after <= before + 2);
}

#[test]
fn idle_connections_are_closed() {
    let d = daemon_in_process();
    // Keep-alive: one request answered, then nothing more from the client.
    let mut kept = UnixStream::connect(&d.socket).expect("connect");
    kept.write_all(b"GET /v1/version HTTP/1.1\r\nHost: rsrcd\r\n\r\n")
        .expect("request");
    // A connection that never sends anything.
    let mut silent = UnixStream::connect(&d.socket).expect("connect");
    let started = Instant::now();
    let (answer, closed) = read_until_close(&mut kept, IDLE_TIMEOUT + DEADLINE);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
    assert!(closed, "the keep-alive connection stayed open");
    eprintln!(
        "idle keep-alive connection closed after {:?}",
        started.elapsed()
    );
    let (answer, closed) = read_until_close(&mut silent, IDLE_TIMEOUT + DEADLINE);
    assert!(closed && answer.is_empty(), "{answer:?}");
    assert_serving(&d);
}

#[test]
fn parser_errors_get_a_json_body() {
    let d = daemon_in_process();
    let long_uri = format!("{}/{}", v1!(), "a".repeat(70_000));
    let long_header = "x".repeat(100_000);
    for (request, status) in [
        (
            "POST /v1/login HTTP/1.1\r\nHost: rsrcd\r\nContent-Length: abc\r\n\r\n".to_string(),
            400,
        ),
        (
            "POST /v1/login HTTP/1.1\r\nHost: rsrcd\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
                .to_string(),
            400,
        ),
        ("GET /v1/version HTTP/1.1\r\nBad Header\r\n\r\n".to_string(), 400),
        // 414, or 431 when the head outgrows the read buffer first.
        (format!("GET {long_uri} HTTP/1.1\r\nHost: rsrcd\r\n\r\n"), 414),
        (
            format!("GET /v1/version HTTP/1.1\r\nHost: rsrcd\r\nX-Big: {long_header}\r\n\r\n"),
            431,
        ),
    ] {
        let mut s = UnixStream::connect(&d.socket).expect("connect");
        // The daemon may answer before it has read all of a long head.
        let _ = s.write_all(request.as_bytes());
        let (answer, closed) = read_until_close(&mut s, DEADLINE);
        let what = &request[..request.len().min(60)];
        assert!(closed, "{what:?}: {answer:?}");
        eprintln!("{what:?}: {}", answer.lines().next().unwrap_or(""));
        let (got, code) = json_error(&answer);
        let expected = if status == 414 { vec![414, 431] } else { vec![status] };
        assert!(expected.contains(&got), "{what:?}: {answer:?}");
        assert_eq!(code, "invalid_request", "{what:?}");
        assert_serving(&d);
    }
}
