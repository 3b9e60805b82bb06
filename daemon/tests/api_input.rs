//! Bad input straight to the socket (issue 2, SPEC §9): every kind gets a 4xx JSON error with
//! the right code, changes nothing, and the daemon keeps serving.

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

use rsrc_shared::v1;

use common::{raw_request, Options, TestDaemon};

/// (status, parsed error body) of one raw request; panics unless the body is an error object.
#[track_caller]
fn error_of(
    socket: &Path,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> (u16, String) {
    let (status, text) = raw_request(socket, method, path, token, body).expect("request");
    let v: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{method} {path}: the error body is not JSON ({e}): {text:?}"));
    let code = v["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path}: no error.code in {v}"))
        .to_string();
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{method} {path}: no error.message in {v}"
    );
    (status, code)
}

#[track_caller]
fn assert_error(
    socket: &Path,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
    want_status: u16,
    want_code: &str,
) {
    let (status, code) = error_of(socket, method, path, None, body);
    assert_eq!(
        (status, code.as_str()),
        (want_status, want_code),
        "{method} {path}"
    );
}

#[track_caller]
fn assert_still_serving(d: &TestDaemon) {
    let (status, body) = raw_request(&d.socket, "GET", v1!("/version"), None, None)
        .expect("version after bad input");
    assert_eq!(status, 200, "{body}");
}

fn user_count(d: &TestDaemon) -> i64 {
    d.db()
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .expect("count users")
}

#[test]
fn malformed_json_and_unknown_fields_are_invalid_requests() {
    let d = TestDaemon::in_process(Options::default());
    let s = d.socket.as_path();
    for body in [
        &b"{"[..],
        b"{\"email\": \"a@example.com\", \"name\": \"A\", \"password\": }",
        b"not json at all",
        b"[1, 2, 3]",
        b"\"a string\"",
        b"{\"email\": 5, \"name\": \"A\", \"password\": \"long-enough-1\"}",
        b"{\"email\": \"a@example.com\", \"name\": \"A\"}",
        b"\xff\xfe\x00garbage",
        // Unknown fields.
        b"{\"email\": \"a@example.com\", \"name\": \"A\", \"password\": \"long-enough-1\", \"role\": \"admin\"}",
        b"{\"email\": \"a@example.com\", \"name\": \"A\", \"password\": \"long-enough-1\", \"verified\": true}",
    ] {
        let (status, code) = error_of(s, "POST", v1!("/signup"), None, Some(body));
        assert_eq!(
            (status, code.as_str()),
            (400, "invalid_request"),
            "body {:?}",
            String::from_utf8_lossy(body)
        );
        assert_still_serving(&d);
    }
    // Login too, with an unknown field.
    assert_error(
        s,
        "POST",
        v1!("/login"),
        Some(br#"{"email": "a@example.com", "password": "long-enough-1", "otp": "1"}"#),
        400,
        "invalid_request",
    );
    assert_eq!(user_count(&d), 0, "a refused sign-up created an account");

    // Not even an unknown field smuggles a role or a verification in.
    let (status, body) = raw_request(
        s,
        "POST",
        v1!("/signup"),
        None,
        Some(br#"{"email": "a@example.com", "name": "A", "password": "long-enough-1"}"#),
    )
    .expect("signup");
    assert_eq!(status, 202, "{body}");
    let (role, verified): (String, bool) = d
        .db()
        .query_row("SELECT role, verified FROM users", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("the user");
    assert_eq!((role.as_str(), verified), ("user", false));
    assert!(
        !body.contains("password_hash") && !body.contains("argon2"),
        "{body}"
    );
}

#[test]
fn wrong_methods_and_unknown_paths_get_their_codes() {
    let d = TestDaemon::in_process(Options::default());
    let s = d.socket.as_path();
    for (method, path) in [
        ("GET", v1!("/signup")),
        ("DELETE", v1!("/login")),
        ("PUT", v1!("/version")),
        ("POST", v1!("/whoami")),
        ("GET", v1!("/otp/verify")),
        ("DELETE", v1!("/admin/users")),
    ] {
        assert_error(s, method, path, None, 405, "method_not_allowed");
    }
    for (method, path) in [
        ("GET", v1!("/nope")),
        ("GET", "/"),
        ("GET", "/v2/version"),
        ("GET", v1!("x/version")),
        ("GET", v1!("/otp/verify/extra")),
        ("GET", v1!("/../etc/passwd")),
        ("GET", "/etc/passwd"),
    ] {
        assert_error(s, method, path, None, 404, "unknown_endpoint");
    }
    // Percent-encoded nonsense in a path segment is invalid, not a crash.
    assert_error(s, "GET", v1!("/machines/%zz"), None, 400, "invalid_request");
    assert_error(
        s,
        "GET",
        v1!("/machines/%ff%fe"),
        None,
        400,
        "invalid_request",
    );
    assert_still_serving(&d);
}

#[test]
fn oversized_bodies_are_refused_and_change_nothing() {
    let d = TestDaemon::in_process(Options::default());
    let s = d.socket.as_path();
    // Valid JSON that is just too big: a 2 MiB name.
    let big = format!(
        r#"{{"email": "big@example.com", "name": "{}", "password": "long-enough-1"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    assert_error(
        s,
        "POST",
        v1!("/signup"),
        Some(big.as_bytes()),
        413,
        "payload_too_large",
    );
    assert_still_serving(&d);
    // Just over the cap (1 MiB) is refused, too.
    let over = vec![b' '; 1024 * 1024 + 1];
    assert_error(
        s,
        "POST",
        v1!("/login"),
        Some(&over),
        413,
        "payload_too_large",
    );
    assert_still_serving(&d);
    assert_eq!(user_count(&d), 0);

    // A body sent chunked, with no length announced, is capped the same way.
    let mut stream = UnixStream::connect(s).expect("connect");
    stream
        .set_read_timeout(Some(common::DEADLINE))
        .expect("timeout");
    stream
        .write_all(
            b"POST /v1/signup HTTP/1.1\r\nHost: rsrcd\r\nConnection: close\r\n\
              Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .expect("head");
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..20 {
        let head = format!("{:x}\r\n", chunk.len());
        if stream.write_all(head.as_bytes()).is_err()
            || stream.write_all(&chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break; // the daemon answered and closed
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "chunked oversized body: {answer:?}"
    );
    assert!(answer.contains("payload_too_large"), "{answer:?}");
    assert_still_serving(&d);
}

#[test]
fn garbage_on_the_socket_does_not_hurt_the_daemon() {
    let d = TestDaemon::in_process(Options::default());
    for bytes in [
        &b"\x00\x01\x02\x03 not http\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET /v1/version HTTP/9.9\r\n\r\n",
        b"POST /v1/signup HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"POST /v1/signup HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"",
    ] {
        let mut stream = UnixStream::connect(&d.socket).expect("connect");
        stream
            .set_read_timeout(Some(common::DEADLINE))
            .expect("timeout");
        let _ = stream.write_all(bytes);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
            "{bytes:?} got {answer:?}"
        );
        assert_still_serving(&d);
    }
    // A bearer token that is not a plain string is just a bad token.
    let (status, code) = error_of(
        &d.socket,
        "GET",
        v1!("/whoami"),
        Some("\u{1F600}' OR 1=1 --"),
        None,
    );
    assert_eq!((status, code.as_str()), (401, "unauthenticated"));
    assert_still_serving(&d);
}

#[test]
fn a_silent_client_is_cut_off_and_does_not_block_others() {
    let d = TestDaemon::in_process(Options::default());
    // Half a request head, then nothing.
    let mut slow = UnixStream::connect(&d.socket).expect("connect");
    slow.write_all(b"GET /v1/version HTTP/1.1\r\nHost: rsrcd\r\n")
        .expect("half a head");
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    // Others are served meanwhile.
    assert_still_serving(&d);
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = slow.read_to_end(&mut answer);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(25),
        "the daemon kept a silent connection open for {waited:?}"
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer:?}"
    );
    assert_still_serving(&d);
}

#[test]
fn body_errors_do_not_repeat_the_values_they_refuse() {
    let d = TestDaemon::in_process(Options::default());
    let s = d.socket.as_path();
    // A password or a code of the wrong type must not come back in the error, nor reach the log.
    let secret = "12345678";
    for (path, body) in [
        (
            v1!("/login"),
            format!(r#"{{"email":"a@b.co","password":{secret}}}"#),
        ),
        (
            v1!("/signup"),
            format!(r#"{{"email":"a@b.co","name":"A","password":{secret}}}"#),
        ),
        (
            v1!("/signup"),
            format!(r#"{{"email":"a@b.co","name":"A","password":[{secret}]}}"#),
        ),
        (
            v1!("/login"),
            format!(r#"{{"email":"a@b.co","password":{{"x":{secret}}}}}"#),
        ),
        (
            v1!("/login"),
            format!(r#"{{"email":"a@b.co","password":{secret}.5}}"#),
        ),
    ] {
        let (status, text) = raw_request(s, "POST", path, None, Some(body.as_bytes())).expect(path);
        assert_eq!(status, 400, "{path} {body}: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON error");
        assert_eq!(v["error"]["code"], "invalid_request", "{text}");
        let message = v["error"]["message"].as_str().expect("message");
        assert!(
            !text.contains(secret),
            "{path} {body}: the answer repeats the value: {text}"
        );
        // Still a useful message: it says what was wrong, and where.
        assert!(
            message.contains("password") || message.contains("invalid type"),
            "{path} {body}: {message}"
        );
        assert_still_serving(&d);
    }
    // A wrong type elsewhere still says which type it wanted.
    let (_, text) = raw_request(
        s,
        "POST",
        v1!("/login"),
        None,
        Some(br#"{"email":"a@b.co","password":12345678}"#),
    )
    .expect("login");
    assert!(text.contains("expected a string"), "{text}");
    assert_eq!(user_count(&d), 0);
    assert!(
        !d.log_text().contains(secret),
        "the daemon's log holds a refused password"
    );
}

#[test]
fn wrong_typed_strings_are_not_repeated_either() {
    let sink_dir = tempfile::tempdir().expect("tempdir");
    let sink = common::SmtpSink::start(sink_dir.path(), 0);
    let d = TestDaemon::in_process(Options {
        smtp_port: Some(sink.port),
        ..Options::default()
    });
    let s = d.socket.as_path();
    let secret = "my-secret-password-1";
    // The whole body a string where an object belongs.
    let body = format!("{secret:?}");
    let (status, text) =
        raw_request(s, "POST", v1!("/login"), None, Some(body.as_bytes())).expect("login");
    assert_eq!(status, 400, "{text}");
    assert!(
        !text.contains(secret),
        "the answer repeats the value: {text}"
    );

    // A secret env value sent as a string instead of a map.
    // Verified: an unverified user's create is refused before its body is read.
    let c = d.verified_user(&sink, "typed@example.com");
    let body = format!(r#"{{"machine":"web","env":"PASSWORD={secret}"}}"#);
    let (status, text) = raw_request(
        s,
        "POST",
        v1!("/instances"),
        Some(&c.token()),
        Some(body.as_bytes()),
    )
    .expect("create");
    assert_eq!(status, 400, "{text}");
    assert!(
        !text.contains(secret),
        "the answer repeats the value: {text}"
    );
    assert!(!d.log_text().contains(secret));
}
