//! Accounts end to end (issue 2, SPEC §3): sign-up, login, email verification through a real
//! SMTP sink, sessions and their revocation, login throttling and OTP lockouts (more in
//! tests/throttle.rs), what the registry keeps, and the admin's user management. The real `rsrc`
//! talks to `rsrcd` run in the test process, or to the real binary where the test kills it.

mod common;

use std::path::Path;
use std::process::Stdio;

use common::{poll, raw_request, Client, Options, Run, SmtpSink, TestDaemon, DEADLINE};

const PASSWORD: &str = "Pw-correct-horse-31";

/// A daemon wired to its own SMTP sink. Fields drop in order: daemon, sink, then their dir.
struct Env {
    d: TestDaemon,
    sink: SmtpSink,
    _dir: tempfile::TempDir,
}

fn env() -> Env {
    env_on(TestDaemon::in_process)
}

/// The same on the real binary, for a test that kills it.
fn binary_env() -> Env {
    env_on(TestDaemon::start)
}

fn env_on(start: fn(Options) -> TestDaemon) -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start(dir.path(), 0);
    let d = start(Options {
        smtp_port: Some(sink.port),
        ..Options::default()
    });
    Env { d, sink, _dir: dir }
}

/// A daemon without SMTP, for tests that need no mail.
fn daemon() -> TestDaemon {
    TestDaemon::in_process(Options::default())
}

/// Runs `rsrc` as `c`, but with `RSRC_TOKEN` set to `token`.
fn run_with_token(c: &Client, token: &str, args: &[&str]) -> Run {
    c.command(args)
        .env("RSRC_TOKEN", token)
        .stdin(Stdio::null())
        .output()
        .expect("run rsrc")
        .into()
}

/// A user that signed up and logged in (not verified).
fn user(d: &TestDaemon, email: &str) -> Client {
    let c = d.client(email);
    c.signup(PASSWORD).expect("signup");
    c.login(PASSWORD).expect("login");
    c
}

/// Another 6-digit code than `code`.
fn wrong_code(code: &str, n: u32) -> String {
    let c: u32 = code.parse().expect("code");
    format!("{:06}", (c + n) % 1_000_000)
}

fn whoami(c: &Client) -> serde_json::Value {
    c.json(&["whoami"])
}

/// Raw POST of a JSON body, no token: (status, parsed body).
fn post_json(
    socket: &Path,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, serde_json::Value) {
    let (status, text) =
        raw_request(socket, "POST", path, token, Some(body.as_bytes())).expect("request");
    let v = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    (status, v)
}

// ---- sign-up, verification ---------------------------------------------------------------------

#[test]
fn signup_login_verify_by_mail_then_whoami_shows_verified() {
    let e = env();
    let email = "ada@example.com";
    let c = e.d.client(email);

    let signed = c
        .run_stdin(
            &[
                "--json",
                "signup",
                "--email",
                email,
                "--name",
                "Ada Lovelace",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        )
        .expect_code(0)
        .json();
    assert_eq!(signed["email"], email);
    assert!(
        signed.get("id").is_none(),
        "sign-up tells nothing of the account: {signed}"
    );

    c.login(PASSWORD).expect("login");
    let me = whoami(&c);
    assert_eq!(me["email"], email);
    assert_eq!(me["name"], "Ada Lovelace");
    assert_eq!(me["verified"], false);

    let sent = c.run(&["--json", "otp", "send"]).expect_code(0);
    assert_eq!(sent.json()["email"], email);
    let code = e.sink.wait_for_code(email, 1);
    let mail = &e.sink.mails_to(email)[0];
    assert!(
        mail.contains("verification code"),
        "the mail explains itself:\n{mail}"
    );
    // The code travels only by mail: not in the CLI's output, not in the daemon's log.
    assert!(!sent.stdout.contains(&code) && !sent.stderr.contains(&code));
    assert!(
        !e.d.log_text().contains(&code),
        "the daemon log holds the code"
    );

    let verified = c.run(&["--json", "otp", "verify", &code]).expect_code(0);
    assert_eq!(verified.json()["verified"], true);
    let me = whoami(&c);
    for key in ["id", "email", "name", "role", "verified"] {
        assert!(me.get(key).is_some(), "whoami lacks `{key}`: {me}");
    }
    assert_eq!(me["verified"], true);
    // A verified user has nothing left to verify.
    c.run(&["otp", "send"]).expect_code(5);
    assert_eq!(e.sink.mails_to(email).len(), 1, "no second mail");
}

#[test]
fn five_wrong_codes_lock_the_otp_and_resend_waits_for_the_cooldown() {
    let e = env();
    let email = "grace@example.com";
    let c = user(&e.d, email);
    c.run(&["otp", "send"]).expect_code(0);
    let code = e.sink.wait_for_code(email, 1);

    for n in 1..=5 {
        let r = c.run(&["otp", "verify", &wrong_code(&code, n)]);
        assert_ne!(r.code, 0, "wrong code #{n} accepted: {r:?}");
        assert!(r.stderr.contains("wrong code"), "{r:?}");
    }
    let r = c.run(&["otp", "verify", &code]).expect_code(4);
    assert!(r.stderr.contains("too many"), "{r:?}");
    assert_eq!(whoami(&c)["verified"], false);

    // Within the 60 s cooldown no new code is sent.
    let r = c.run(&["otp", "send"]).expect_code(4);
    assert!(r.stderr.contains("try again"), "{r:?}");
    assert_eq!(whoami(&c)["verified"], false);
    assert_eq!(
        e.sink.mails_to(email).len(),
        1,
        "the refused send mailed nothing"
    );
}

#[test]
fn concurrent_wrong_codes_get_five_tries_in_all() {
    let e = env();
    let email = "mallory@example.com";
    let c = user(&e.d, email);
    c.run(&["otp", "send"]).expect_code(0);
    let code = e.sink.wait_for_code(email, 1);
    let token = c.token();

    // Twelve guesses at once must not get more than five tries between them.
    let guesses: Vec<_> = (1..=12)
        .map(|n| {
            let socket = e.d.socket.clone();
            let token = token.clone();
            let body = format!("{{\"code\":\"{}\"}}", wrong_code(&code, n));
            std::thread::spawn(move || post_json(&socket, "/v1/otp/verify", Some(&token), &body))
        })
        .collect();
    let answers: Vec<(u16, serde_json::Value)> = guesses
        .into_iter()
        .map(|g| g.join().expect("guess"))
        .collect();
    let tried = answers.iter().filter(|(s, _)| *s == 400).count();
    let refused = answers
        .iter()
        .filter(|(s, b)| *s == 429 && b["error"]["code"] == "rate_limited")
        .count();
    assert!(
        tried <= 5,
        "{tried} of 12 concurrent guesses were tried: {answers:?}"
    );
    assert_eq!(tried + refused, 12, "{answers:?}");
    // And the right code is refused now too.
    c.run(&["otp", "verify", &code]).expect_code(4);
    assert_eq!(whoami(&c)["verified"], false);
}

#[test]
fn duplicate_signups_change_nothing_and_malformed_or_weak_ones_are_refused() {
    let d = daemon();
    let c = d.client("dup@example.com");
    c.signup(PASSWORD).expect("first signup");

    // A duplicate is answered like a fresh sign-up (tests/throttle.rs), and changes nothing.
    for email in ["dup@example.com", "DUP@Example.COM"] {
        d.client(email)
            .run_stdin(
                &[
                    "signup",
                    "--email",
                    email,
                    "--name",
                    "Dup",
                    "--password-stdin",
                ],
                "Another-password-9\n",
            )
            .expect_code(0);
    }
    for email in [
        "not-an-email",
        "a@b",
        "two@@example.com",
        "sp ace@example.com",
    ] {
        let r = d
            .client("bad@example.com")
            .run_stdin(
                &[
                    "signup",
                    "--email",
                    email,
                    "--name",
                    "Bad",
                    "--password-stdin",
                ],
                &format!("{PASSWORD}\n"),
            )
            .expect_code(2);
        assert!(r.stderr.contains("error:"), "{r:?}");
    }
    let r = d
        .client("short@example.com")
        .run_stdin(
            &[
                "signup",
                "--email",
                "short@example.com",
                "--name",
                "Short",
                "--password-stdin",
            ],
            "1234567\n",
        )
        .expect_code(2);
    assert!(
        r.stderr.contains("8"),
        "the message names the minimum: {r:?}"
    );

    // None of the refused sign-ups left an account behind.
    let users: i64 = d
        .db()
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .expect("count users");
    assert_eq!(users, 1);
    // The original account still logs in with its password, under any case of its address.
    d.client("DUP@EXAMPLE.COM")
        .login(PASSWORD)
        .expect("login in upper case");
    c.login(PASSWORD).expect("login");
    assert_eq!(whoami(&c)["email"], "dup@example.com");
}

// ---- login -------------------------------------------------------------------------------------

#[test]
fn unknown_email_and_wrong_password_look_the_same_and_slow_down_after_three() {
    let d = daemon();
    let c = d.client("known@example.com");
    c.signup(PASSWORD).expect("signup");

    let unknown = d
        .client("nobody@example.com")
        .login(PASSWORD)
        .expect_err("unknown email");
    let wrong = c.login("Wrong-password-1").expect_err("wrong password");
    assert_eq!(unknown.code, 4, "{unknown:?}");
    assert_eq!(wrong.code, 4, "{wrong:?}");
    assert_eq!(unknown.stderr, wrong.stderr, "the two failures differ");
    assert!(!unknown.stderr.contains("nobody"), "{unknown:?}");

    // The email is compared case-insensitively, also by the throttle: 2 more failures (3 in
    // all), with varying case, then even the right password has to wait.
    for email in ["KNOWN@example.com", "known@EXAMPLE.com"] {
        let r = d
            .client(email)
            .login("Wrong-password-1")
            .expect_err("wrong password");
        assert_eq!(r.code, 4);
    }
    // (Push the last failure into the future, so the test does not race the 1 s delay.)
    d.db()
        .execute("UPDATE login_failures SET at = at + 60000", [])
        .expect("move the failures");
    let r = c.login(PASSWORD).expect_err("throttled");
    assert_eq!(r.code, 4, "{r:?}");
    assert!(r.stderr.contains("too many"), "{r:?}");
    assert!(r.stderr.contains("try again in"), "{r:?}");
    assert!(c.token_opt().is_none(), "no session after a refused login");

    // Another account is not affected by that throttle.
    let other = d.client("other@example.com");
    other.signup(PASSWORD).expect("signup");
    other.login(PASSWORD).expect("other login");
}

// ---- sessions ----------------------------------------------------------------------------------

#[test]
fn logout_revokes_the_token() {
    let d = daemon();
    let c = user(&d, "leaver@example.com");
    let token = c.token();
    assert!(token.len() >= 32, "a token of at least 128 bits: {token}");
    // The token works on its own, through the CLI and over the socket.
    let other = d.client("someone-else@example.com");
    assert_eq!(
        run_with_token(&other, &token, &["--json", "whoami"])
            .expect_code(0)
            .json()["email"],
        "leaver@example.com"
    );
    let (status, _) = raw_request(&d.socket, "GET", "/v1/whoami", Some(&token), None).expect("req");
    assert_eq!(status, 200);

    c.run(&["logout"]).expect_code(0);
    c.run(&["whoami"]).expect_code(4);
    c.run(&["auth", "token"]).expect_code(4);

    let r = run_with_token(&other, &token, &["whoami"]).expect_code(4);
    assert!(r.stderr.contains("error:"), "{r:?}");
    let (status, body) =
        raw_request(&d.socket, "GET", "/v1/whoami", Some(&token), None).expect("req");
    assert_eq!(status, 401, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).expect("json error");
    assert_eq!(body["error"]["code"], "unauthenticated");
    // A made-up token and no token at all are refused the same way.
    let (status, _) =
        raw_request(&d.socket, "GET", "/v1/whoami", Some("rsrc_forged"), None).expect("req");
    assert_eq!(status, 401);
    let (status, _) = raw_request(&d.socket, "GET", "/v1/whoami", None, None).expect("req");
    assert_eq!(status, 401);
}

#[test]
fn password_change_revokes_other_sessions_keeps_this_one_and_mails() {
    let e = env();
    let email = "changer@example.com";
    let a = user(&e.d, email);
    // A second session of the same account, from another config dir.
    let b = a.with_dir("second-device");
    b.login(PASSWORD).expect("second login");
    let token_a = a.token();
    let token_b = b.token();
    assert_ne!(token_a, token_b);

    let new_password = "Pw-new-battery-staple-9";
    // A wrong current password changes nothing.
    a.run_stdin(
        &["password", "change", "--password-stdin"],
        &format!("Wrong-password-1\n{new_password}\n"),
    )
    .expect_code(4);
    // Nor does a new password that is too short.
    a.run_stdin(
        &["password", "change", "--password-stdin"],
        &format!("{PASSWORD}\nshort\n"),
    )
    .expect_code(2);
    b.run(&["whoami"]).expect_code(0);

    a.run_stdin(
        &["password", "change", "--password-stdin"],
        &format!("{PASSWORD}\n{new_password}\n"),
    )
    .expect_code(0);
    a.run(&["whoami"]).expect_code(0);
    run_with_token(&a, &token_a, &["whoami"]).expect_code(0);
    b.run(&["whoami"]).expect_code(4);
    run_with_token(&a, &token_b, &["whoami"]).expect_code(4);

    let mail = poll("the password-change mail", DEADLINE, || {
        e.sink
            .mails_to(email)
            .into_iter()
            .find(|m| m.contains("password"))
    });
    assert!(mail.contains("changed"), "{mail}");
    assert!(!mail.contains(new_password) && !mail.contains(PASSWORD));

    // The old password is gone, the new one works.
    let c = e.d.client(email);
    c.login(PASSWORD).expect_err("old password");
    c.login(new_password).expect("new password");
}

#[test]
fn expired_sessions_and_codes_are_refused() {
    let e = env();
    let email = "late@example.com";
    let c = user(&e.d, email);
    let token = c.token();
    c.run(&["otp", "send"]).expect_code(0);
    let code = e.sink.wait_for_code(email, 1);

    // Each session records who logged in (SO_PEERCRED) and expires in 30 days.
    let (uid, pid, ttl_ms): (Option<i64>, Option<i64>, i64) =
        e.d.db()
            .query_row(
                "SELECT peer_uid, peer_pid, expires_at - created_at FROM sessions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("session row");
    assert_eq!(uid, Some(i64::from(nix_uid())), "peer uid");
    assert!(pid.is_some_and(|p| p > 0), "peer pid: {pid:?}");
    assert!(
        (ttl_ms - 30 * 86_400 * 1000).abs() < 5_000,
        "30-day sessions: {ttl_ms} ms"
    );

    // A code past its ten minutes is refused, even the right one.
    e.d.db()
        .execute(
            "UPDATE codes SET expires_at = 0 WHERE purpose = 'email'",
            [],
        )
        .expect("expire code");
    let r = c.run(&["otp", "verify", &code]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("expired"), "{r:?}");
    assert_eq!(whoami(&c)["verified"], false);

    // A session past its expiry is refused.
    e.d.db()
        .execute("UPDATE sessions SET expires_at = 0", [])
        .expect("expire session");
    c.run(&["whoami"]).expect_code(4);
    run_with_token(&c, &token, &["whoami"]).expect_code(4);
}

/// The uid of this process, as the daemon sees it over the socket.
fn nix_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    // A file we just made is ours.
    let f = tempfile::NamedTempFile::new().expect("temp file");
    f.as_file().metadata().expect("metadata").uid()
}

#[test]
fn profile_delete_needs_the_password_and_ends_every_session() {
    let d = daemon();
    let email = "goner@example.com";
    let c = user(&d, email);
    let second = c.with_dir("second");
    second.login(PASSWORD).expect("second session");
    let token = second.token();

    c.run_stdin(
        &["profile", "delete", "--yes", "--password-stdin"],
        "Wrong-password-1\n",
    )
    .expect_code(4);
    c.run(&["whoami"]).expect_code(0);

    c.run_stdin(
        &["profile", "delete", "--yes", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    )
    .expect_code(0);
    c.run(&["whoami"]).expect_code(4);
    second.run(&["whoami"]).expect_code(4);
    run_with_token(&c, &token, &["whoami"]).expect_code(4);
    c.login(PASSWORD).expect_err("deleted").expect_code(4);
    // The address is free again.
    c.signup(PASSWORD).expect("sign up again");
}

// ---- what the registry keeps -------------------------------------------------------------------

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[track_caller]
fn assert_no_secret(files: &[(std::path::PathBuf, Vec<u8>)], secrets: &[(&str, &str)]) {
    for (path, bytes) in files {
        for (what, secret) in secrets {
            assert!(
                !contains(bytes, secret.as_bytes()),
                "{} holds the {what} in plain text",
                path.display()
            );
        }
    }
}

#[test]
fn the_registry_and_the_log_hold_no_plaintext_secrets() {
    let mut e = binary_env();
    let email = "secretive@example.com";
    let password = "Pw-plaintext-canary-4711";
    let new_password = "Pw-second-canary-8822";
    let c = e.d.client(email);
    c.signup(password).expect("signup");
    c.login(password).expect("login");
    let first_token = c.token();
    c.run(&["otp", "send"]).expect_code(0);
    let code = e.sink.wait_for_code(email, 1);
    c.run(&["otp", "verify", &code]).expect_code(0);
    c.run_stdin(
        &["password", "change", "--password-stdin"],
        &format!("{password}\n{new_password}\n"),
    )
    .expect_code(0);
    let second = e.d.client(email).with_dir("second");
    second.login(new_password).expect("login");
    let second_token = second.token();
    // A pending code of another user, never sent (no verify): its mail is in the outbox.
    let other = user(&e.d, "pending@example.com");
    other.run(&["otp", "send"]).expect_code(0);
    let pending_code = e.sink.wait_for_code("pending@example.com", 1);

    let strip = |t: &str| t.trim_start_matches("rsrc_").to_string();
    let (t1, t2) = (strip(&first_token), strip(&second_token));
    let secrets = [
        ("password", password),
        ("new password", new_password),
        ("token", first_token.as_str()),
        ("token", t1.as_str()),
        ("second token", second_token.as_str()),
        ("second token", t2.as_str()),
        ("code", code.as_str()),
        ("pending code", pending_code.as_str()),
    ];

    // While the daemon runs, the WAL holds the recent writes.
    let wal = e.d.data_dir.join("rsrc.db-wal");
    let running = files_under(&e.d.data_dir);
    assert!(
        running.iter().any(|(p, b)| *p == wal && !b.is_empty()),
        "the test means to read a non-empty WAL"
    );
    assert_no_secret(&running, &secrets);

    // Killed without a checkpoint: the WAL stays as it was.
    e.d.kill9();
    let killed = files_under(&e.d.data_dir);
    assert!(killed.iter().any(|(p, _)| p.ends_with("rsrc.db")));
    assert_no_secret(&killed, &secrets);

    // After a clean stop, too.
    e.d.spawn();
    assert!(e.d.stop().success());
    assert_no_secret(&files_under(&e.d.data_dir), &secrets);

    // Nor does the daemon's log hold any of them.
    let log = e.d.log_text();
    assert!(log.contains("login"), "the log is written");
    for (what, secret) in secrets {
        assert!(!log.contains(secret), "the daemon log holds the {what}");
    }
}

// ---- admins ------------------------------------------------------------------------------------

#[test]
fn admin_commands_work_for_admins_only() {
    let d = daemon();
    let admin = d.admin("root@example.com");
    let u = user(&d, "plain@example.com");

    let me = whoami(&admin);
    assert_eq!(me["role"], "admin");
    assert_eq!(me["verified"], true, "admin create makes a verified admin");

    // A plain user may do none of it.
    for args in [
        vec!["admin", "users", "ls"],
        vec!["admin", "users", "promote", "plain@example.com"],
        vec!["admin", "users", "demote", "root@example.com"],
        vec!["admin", "users", "disable", "root@example.com"],
        vec!["admin", "users", "enable", "plain@example.com"],
    ] {
        let r = u.run(&args).expect_code(4);
        assert!(r.stderr.contains("admin"), "{args:?}: {r:?}");
    }
    // Nor may someone who is not logged in.
    d.client("anon@example.com")
        .run(&["admin", "users", "ls"])
        .expect_code(4);

    let users = admin.json(&["admin", "users", "ls"]);
    let emails: Vec<&str> = users
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, vec!["plain@example.com", "root@example.com"]);
    admin
        .run(&["admin", "users", "promote", "nobody@example.com"])
        .expect_code(3);

    // Promote: the user's existing session is an admin's now.
    let promoted = admin.json(&["admin", "users", "promote", "plain@example.com"]);
    assert_eq!(promoted["role"], "admin");
    assert_eq!(whoami(&u)["role"], "admin");
    u.run(&["admin", "users", "ls"]).expect_code(0);
    // Demote (by email in another case): back to a plain user.
    let demoted = admin.json(&["admin", "users", "demote", "PLAIN@example.com"]);
    assert_eq!(demoted["role"], "user");
    u.run(&["admin", "users", "ls"]).expect_code(4);

    // Disable: every session of the user ends, and they cannot log in.
    let second = d.client("plain@example.com").with_dir("second");
    second.login(PASSWORD).expect("second session");
    let token = u.token();
    let disabled = admin.json(&["admin", "users", "disable", "plain@example.com"]);
    assert_eq!(disabled["disabled"], true);
    u.run(&["whoami"]).expect_code(4);
    second.run(&["whoami"]).expect_code(4);
    run_with_token(&admin, &token, &["whoami"]).expect_code(4);
    u.login(PASSWORD).expect_err("disabled").expect_code(4);
    // Enable: they may log in again (the old sessions stay revoked).
    admin
        .run(&["admin", "users", "enable", "plain@example.com"])
        .expect_code(0);
    run_with_token(&admin, &token, &["whoami"]).expect_code(4);
    u.login(PASSWORD).expect("login after enable");
    assert_eq!(whoami(&u)["disabled"], false);

    // The last admin can neither demote nor disable themselves.
    let r = admin
        .run(&["admin", "users", "demote", "root@example.com"])
        .expect_code(5);
    assert!(r.stderr.contains("last"), "{r:?}");
    admin
        .run(&["admin", "users", "disable", "root@example.com"])
        .expect_code(5);
    assert_eq!(whoami(&admin)["role"], "admin");
    // With a second admin, the first may step down.
    admin
        .run(&["admin", "users", "promote", "plain@example.com"])
        .expect_code(0);
    admin
        .run(&["admin", "users", "demote", "root@example.com"])
        .expect_code(0);
    admin.run(&["admin", "users", "ls"]).expect_code(4);
}

#[test]
fn admin_create_works_offline_and_refuses_duplicates() {
    let mut d = daemon();
    // While the daemon runs.
    d.admin_create("first-admin@example.com", PASSWORD)
        .expect_code(0);
    // While it is stopped.
    assert!(d.stop().success());
    let r = d
        .admin_create("second-admin@example.com", PASSWORD)
        .expect_code(0);
    assert!(r.stdout.contains("second-admin@example.com"), "{r:?}");
    // Duplicates, also in another case, conflict; bad input is a usage error.
    let r = d
        .admin_create("Second-Admin@Example.com", PASSWORD)
        .expect_code(5);
    assert!(r.stderr.contains("already exists"), "{r:?}");
    d.admin_create("not-an-email", PASSWORD).expect_code(2);
    d.admin_create("short@example.com", "1234567")
        .expect_code(2);
    d.spawn();

    let c = d.client("second-admin@example.com");
    c.login(PASSWORD).expect("login");
    let me = whoami(&c);
    assert_eq!(me["role"], "admin");
    assert_eq!(me["verified"], true);
    let users = c.json(&["admin", "users", "ls"]);
    assert_eq!(users.as_array().expect("list").len(), 2, "{users}");
}

// ---- small helpers on Client -------------------------------------------------------------------

trait ClientExt {
    fn token_opt(&self) -> Option<String>;
    fn with_dir(&self, name: &str) -> Client;
}

impl ClientExt for Client {
    /// The stored token, if any.
    fn token_opt(&self) -> Option<String> {
        let r = self.run(&["auth", "token"]);
        (r.code == 0).then(|| r.stdout.trim().to_string())
    }

    /// The same account from another config dir: a separate session.
    fn with_dir(&self, name: &str) -> Client {
        let dir = self.config_dir.with_file_name(format!(
            "{}-{name}",
            self.config_dir
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).expect("client dir");
        Client {
            config_dir: dir,
            ..self.clone()
        }
    }
}
