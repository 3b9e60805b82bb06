//! Accounts that cannot be used as a weapon (issue 7): wrong passwords slow down only the caller
//! (email, peer uid) that sends them, the owner always has a way in by a mailed code, and sign-up
//! answers the same whether or not the address has an account. The real `rsrc` and `rsrcd` run in
//! the test process; the SMTP sink captures the mails.

mod common;

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;

use common::{poll, raw_request, Client, Options, Run, SmtpSink, TestDaemon, DEADLINE};

const PASSWORD: &str = "Pw-correct-horse-31";
const WRONG: &str = "Wrong-password-1";
/// `nobody` on Debian: a second caller uid for the tests that run as root.
const OTHER_UID: u32 = 65534;

struct Env {
    d: TestDaemon,
    sink: SmtpSink,
    _dir: tempfile::TempDir,
}

fn env_with(extra_toml: &str) -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start(dir.path(), 0);
    let d = TestDaemon::in_process(Options {
        smtp_port: Some(sink.port),
        extra_toml: extra_toml.to_string(),
        ..Options::default()
    });
    Env { d, sink, _dir: dir }
}

fn env() -> Env {
    env_with("")
}

fn post(socket: &Path, path: &str, body: &str) -> (u16, serde_json::Value) {
    let (status, text) =
        raw_request(socket, "POST", path, None, Some(body.as_bytes())).expect("request");
    (status, serde_json::from_str(&text).unwrap_or_default())
}

fn login_body(email: &str, password: &str) -> String {
    serde_json::json!({ "email": email, "password": password }).to_string()
}

fn signup_body(email: &str, password: &str) -> String {
    serde_json::json!({ "email": email, "name": "Someone", "password": password }).to_string()
}

fn my_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    let f = tempfile::NamedTempFile::new().expect("temp file");
    f.as_file().metadata().expect("metadata").uid()
}

/// `rsrc login --email E --code`: asks for a mailed code, then reads it from standard input,
/// which this writes once the mail has arrived. Returns the run.
fn login_by_code(c: &Client, sink: &SmtpSink, nth_mail: usize) -> Run {
    let mut child = c
        .command(&["login", "--email", &c.email, "--code"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rsrc login --code");
    let code = sink.wait_for_code(&c.email, nth_mail);
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(format!("{code}\n").as_bytes());
    }
    child.wait_with_output().expect("rsrc output").into()
}

/// A daemon whose socket a second uid can reach, and a client dir that uid owns; `None` (the
/// test is skipped) unless the tests run as root.
fn other_uid_client(d: &TestDaemon, email: &str) -> Option<Client> {
    use std::os::unix::fs::PermissionsExt;
    if my_uid() != 0 {
        eprintln!("skipped: needs root to act as a second uid");
        return None;
    }
    std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod daemon dir");
    let c = d.client(&format!("other-{email}"));
    let c = Client {
        email: email.to_string(),
        ..c
    };
    std::os::unix::fs::chown(&c.config_dir, Some(OTHER_UID), Some(OTHER_UID)).expect("chown");
    Some(c)
}

fn run_as_other(c: &Client, args: &[&str], stdin: &str) -> Run {
    let mut child = c
        .command(args)
        .uid(OTHER_UID)
        .gid(OTHER_UID)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rsrc as another uid");
    if let Some(mut s) = child.stdin.take() {
        let _ = s.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("rsrc output").into()
}

// ---- login throttling --------------------------------------------------------------------------

#[test]
fn wrong_passwords_from_another_uid_do_not_lock_the_owner_out() {
    let e = env_with("socket_mode = \"0666\"\n");
    let owner = e.d.client("boss@example.com");
    owner.signup(PASSWORD).expect("signup");
    let Some(attacker) = other_uid_client(&e.d, "boss@example.com") else {
        return;
    };
    // Five (and more) wrong passwords from the other uid: it gets slowed down...
    let answers: Vec<Run> = (0..6)
        .map(|_| {
            run_as_other(
                &attacker,
                &["login", "--email", "boss@example.com", "--password-stdin"],
                &format!("{WRONG}\n"),
            )
        })
        .collect();
    assert!(answers.iter().all(|r| r.code == 4), "{answers:?}");
    assert!(
        answers.iter().any(|r| r.stderr.contains("try again in")),
        "the other uid is throttled: {answers:?}"
    );
    // ...and the owner, from their own uid, still logs in with the right password.
    owner.login(PASSWORD).expect("the owner logs in");
}

#[test]
fn failures_slow_down_then_the_mailed_code_still_lets_the_owner_in() {
    let e = env();
    let email = "owner@example.com";
    let c = e.d.client(email);
    c.signup(PASSWORD).expect("signup");
    // Three wrong passwords are checked; the next try waits, with the delay in the answer.
    for _ in 0..3 {
        let (status, _) = post(&e.d.socket, "/v1/login", &login_body(email, WRONG));
        assert_eq!(status, 401);
    }
    // (Move the failures a minute ahead, so the test does not race the 1 s delay.)
    e.d.db()
        .execute("UPDATE login_failures SET at = at + 60000", [])
        .expect("move the failures");
    let (status, body) = post(&e.d.socket, "/v1/login", &login_body(email, PASSWORD));
    assert_eq!(status, 429, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("try again in"), "{body}");
    assert!(
        message.contains("--code"),
        "the answer names the way in: {body}"
    );

    // The mailed code is not affected by the password throttle.
    let r = login_by_code(&c, &e.sink, 1).expect_code(0);
    assert!(r.stdout.contains("logged in as owner@example.com"), "{r:?}");
    assert_eq!(c.json(&["whoami"])["email"], email);
    let mail = &e.sink.mails_to(email)[0];
    assert!(
        mail.contains("rsrc login"),
        "the mail explains itself:\n{mail}"
    );
}

#[test]
fn parallel_wrong_passwords_share_the_limit() {
    let d = TestDaemon::in_process(Options::default());
    let c = d.client("target@example.com");
    c.signup(PASSWORD).expect("signup");
    let tries: Vec<_> = (0..12)
        .map(|n| {
            let socket = d.socket.clone();
            let body = login_body("target@example.com", &format!("wrong-password-{n}"));
            std::thread::spawn(move || post(&socket, "/v1/login", &body))
        })
        .collect();
    let answers: Vec<(u16, serde_json::Value)> =
        tries.into_iter().map(|t| t.join().expect("try")).collect();
    let checked = answers.iter().filter(|(s, _)| *s == 401).count();
    let refused = answers.iter().filter(|(s, _)| *s == 429).count();
    assert!(checked <= 3, "{checked} of 12 were checked: {answers:?}");
    assert_eq!(checked + refused, 12, "{answers:?}");
}

// ---- login by mailed code ----------------------------------------------------------------------

#[test]
fn code_requests_answer_alike_and_codes_have_five_tries() {
    let e = env();
    let email = "coder@example.com";
    e.d.client(email).signup(PASSWORD).expect("signup");
    let ask = |who: &str| {
        post(
            &e.d.socket,
            "/v1/login/code",
            &serde_json::json!({ "email": who }).to_string(),
        )
    };
    let (known_status, known) = ask(email);
    let (unknown_status, unknown) = ask("nobody@example.com");
    assert_eq!((known_status, unknown_status), (202, 202));
    let strip = |mut v: serde_json::Value| {
        v["email"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(known), strip(unknown), "the answers differ");
    let code = e.sink.wait_for_code(email, 1);
    assert!(e.sink.mails_to("nobody@example.com").is_empty());
    assert!(!e.d.log_text().contains(&code), "the log holds the code");

    let with_code = |code: &str| {
        post(
            &e.d.socket,
            "/v1/login",
            &serde_json::json!({ "email": email, "code": code }).to_string(),
        )
    };
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().expect("code") + 1) % 1_000_000
    );
    for _ in 0..5 {
        let (status, body) = with_code(&wrong);
        assert_eq!(status, 401, "{body}");
    }
    // Five wrong tries spend the code, even the right one is refused now.
    let (status, body) = with_code(&code);
    assert_ne!(status, 200, "{body}");
    // A new code works, and gives a session.
    // (A new code waits a minute after the last mail; move that mail back in time.)
    e.d.db()
        .execute(
            "UPDATE codes SET sent_at = sent_at - 61000 WHERE purpose = 'login'",
            [],
        )
        .expect("age the code");
    assert_eq!(ask(email).0, 202);
    let code = e.sink.wait_for_code(email, 2);
    let (status, body) = with_code(&code);
    assert_eq!(status, 200, "{body}");
    assert!(body["token"].as_str().is_some_and(|t| t.len() > 32));
    // A code works once.
    assert_eq!(with_code(&code).0, 401);
}

// ---- sign-up -----------------------------------------------------------------------------------

#[test]
fn a_duplicate_signup_answers_like_a_fresh_one_and_mails_the_owner() {
    let e = env();
    let email = "taken@example.com";
    let (fresh_status, fresh) = post(&e.d.socket, "/v1/signup", &signup_body(email, PASSWORD));
    let (dup_status, dup) = post(
        &e.d.socket,
        "/v1/signup",
        &signup_body("TAKEN@example.com", "Other-password-2"),
    );
    assert_eq!((fresh_status, dup_status), (202, 202), "{fresh} {dup}");
    let strip = |mut v: serde_json::Value| {
        v["email"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(fresh.clone()), strip(dup), "the answers differ");
    assert!(fresh.get("id").is_none(), "no account details: {fresh}");

    let mail = poll("the owner's warning", DEADLINE, || {
        e.sink.mails_to(email).into_iter().next()
    });
    assert!(
        mail.contains("sign up"),
        "the mail explains itself:\n{mail}"
    );
    // The duplicate changed nothing: the original password still works, the other does not.
    let c = e.d.client(email);
    c.login("Other-password-2")
        .expect_err("the duplicate's password");
    c.login(PASSWORD).expect("the owner's password");

    // The CLI says the same thing for both.
    let cli = |email: &str| {
        e.d.client(email)
            .run_stdin(
                &[
                    "signup",
                    "--email",
                    email,
                    "--name",
                    "N",
                    "--password-stdin",
                ],
                &format!("{PASSWORD}\n"),
            )
            .expect_code(0)
    };
    let a = cli("fresh@example.com");
    let b = cli(email);
    assert_eq!(
        a.stdout.replace("fresh@example.com", "E"),
        b.stdout.replace(email, "E")
    );
}

#[test]
fn signups_are_throttled_per_uid() {
    let e = env_with("socket_mode = \"0666\"\n");
    for n in 0..10 {
        let (status, body) = post(
            &e.d.socket,
            "/v1/signup",
            &signup_body(&format!("u{n}@example.com"), PASSWORD),
        );
        assert_eq!(status, 202, "{body}");
    }
    let (status, body) = post(
        &e.d.socket,
        "/v1/signup",
        &signup_body("u10@example.com", PASSWORD),
    );
    assert_eq!(status, 429, "{body}");
    // Another uid is not affected.
    let Some(other) = other_uid_client(&e.d, "fromother@example.com") else {
        return;
    };
    run_as_other(
        &other,
        &[
            "signup",
            "--email",
            "fromother@example.com",
            "--name",
            "O",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    )
    .expect_code(0);
}
