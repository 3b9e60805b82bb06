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
