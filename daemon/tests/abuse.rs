//! Abuse limits (issue 19): what one local user can make rsrcd send to others is bounded, per
//! recipient and per caller, and the limits are the config's. In-process daemon, fake engine;
//! the outbox is read from the registry, so no gateway or mail server is needed. All test
//! clients share this process's uid: the per-caller limits count them together.

mod common;

use common::{Client, Options, TestDaemon};

const PASSWORD: &str = "user-password-1";

/// A daemon with an SMS gateway configured (never reached: messages are read from the outbox).
fn daemon(limits: &str) -> TestDaemon {
    TestDaemon::in_process(Options {
        extra_toml: "[sms]\nurl = \"http://127.0.0.1:9/send\"\ntoken = \"gw\"\n".into(),
        limits_toml: limits.into(),
        ..Options::default()
    })
}

/// A logged-in user, verified (straight in the registry) unless `verified` is false.
fn user(d: &TestDaemon, email: &str, verified: bool) -> Client {
    let c = d.client(email);
    c.signup(PASSWORD).expect("signup");
    c.login(PASSWORD).expect("login");
    if verified {
        d.db()
            .execute("UPDATE users SET verified = 1 WHERE email = ?1", [email])
            .expect("verify");
    }
    c
}

fn queued(d: &TestDaemon, channel: &str, to: &str) -> i64 {
    d.db()
        .query_row(
            "SELECT COUNT(*) FROM mail_outbox WHERE channel = ?1 AND recipient = ?2",
            [channel, to],
            |r| r.get(0),
        )
        .expect("count outbox")
}

fn set_phone(c: &Client, phone: &str) -> common::Run {
    c.run(&["profile", "update", "--phone", phone])
}

#[test]
fn a_phone_needs_a_verified_email() {
    let d = daemon("");
    let c = user(&d, "unverified@example.com", false);
    let run = set_phone(&c, "+15550000001");
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("verify your email"), "{run:?}");
    assert_eq!(queued(&d, "sms", "+15550000001"), 0);
}

#[test]
fn sms_codes_are_limited_per_number_across_accounts() {
    let d = daemon("sms_codes_per_number = 2\nsms_codes_per_caller = 100\n");
    let victim = "+15550000002";
    for n in 0..2 {
        let c = user(&d, &format!("pump{n}@example.com"), true);
        set_phone(&c, victim).expect_code(0);
    }
    let c = user(&d, "pump2@example.com", true);
    let run = set_phone(&c, victim);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("this number"), "{run:?}");
    assert_eq!(queued(&d, "sms", victim), 2);
    // Another number is not concerned.
    set_phone(&c, "+15550000003").expect_code(0);
}

#[test]
fn sms_codes_are_limited_per_caller_across_accounts_and_numbers() {
    let d = daemon("sms_codes_per_number = 100\nsms_codes_per_caller = 3\n");
    for n in 0..3 {
        let c = user(&d, &format!("caller{n}@example.com"), true);
        set_phone(&c, &format!("+1555000010{n}")).expect_code(0);
    }
    let c = user(&d, "caller3@example.com", true);
    let run = set_phone(&c, "+15550000109");
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("from your user"), "{run:?}");
    assert_eq!(queued(&d, "sms", "+15550000109"), 0);
}

/// Item 2: mails a user can trigger (here "password changed") are limited per recipient and
/// per caller; the change itself still happens.
fn change_password(d: &TestDaemon, token: &str, current: &str, new: &str) -> (u16, String) {
    let body = serde_json::json!({"current_password": current, "new_password": new}).to_string();
    common::raw_request(
        &d.socket,
        "POST",
        "/v1/password",
        Some(token),
        Some(body.as_bytes()),
    )
    .expect("request")
}

/// Sends wrong passwords until one is refused with 429; panics if none is within `tries`.
fn until_throttled(tries: usize, mut attempt: impl FnMut() -> (u16, String)) {
    for n in 0..tries {
        let (status, body) = attempt();
        if status == 429 {
            assert!(n >= 3, "the first three failures are free: {body}");
            return;
        }
        assert_eq!(status, 403, "{body}");
    }
    panic!("{tries} wrong passwords went through without a throttle");
}

fn mails_to(d: &TestDaemon, to: &str) -> i64 {
    queued(d, "email", to)
}

#[test]
fn user_triggered_mails_are_limited_per_recipient() {
    let d = daemon("mails_per_recipient = 3\nmails_per_caller = 100\n");
    let c = user(&d, "target@example.com", false);
    let token = c.token();
    let passwords = ["user-password-2", "user-password-1"];
    let mut current = PASSWORD;
    for n in 0..6 {
        let new = passwords[n % 2];
        let (status, body) = change_password(&d, &token, current, new);
        assert_eq!(status, 204, "{body}");
        current = new;
    }
    assert_eq!(mails_to(&d, "target@example.com"), 3);
}

#[test]
fn user_triggered_mails_are_limited_per_caller() {
    let d = daemon("mails_per_recipient = 100\nmails_per_caller = 2\n");
    for n in 0..3 {
        let email = format!("target{n}@example.com");
        let c = user(&d, &email, false);
        let (status, body) = change_password(&d, &c.token(), PASSWORD, "user-password-2");
        assert_eq!(status, 204, "{body}");
    }
    let mailed: i64 = (0..3)
        .map(|n| mails_to(&d, &format!("target{n}@example.com")))
        .sum();
    assert_eq!(mailed, 2);
}

/// Item 2: a wrong current password is throttled like a failed login, for a password change
/// and for deleting the account.
#[test]
fn wrong_current_passwords_are_throttled_like_logins() {
    let d = daemon("");
    let c = user(&d, "stolen@example.com", false);
    let token = c.token();
    until_throttled(8, || {
        change_password(&d, &token, "wrong-password-9", "user-password-2")
    });

    let c = user(&d, "stolen2@example.com", false);
    let token = c.token();
    let delete = |password: &str| {
        let body = serde_json::json!({ "password": password }).to_string();
        common::raw_request(
            &d.socket,
            "DELETE",
            "/v1/profile",
            Some(&token),
            Some(body.as_bytes()),
        )
        .expect("request")
    };
    until_throttled(8, || delete("wrong-password-9"));
}
