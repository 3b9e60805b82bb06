//! Streams end with their session (issue 19 item 5): a stream is authenticated when it opens,
//! and a logout, a password change or an admin's disable ends the open `logs -f` and
//! `events -f` of the sessions it revokes within a second, with a word that says why, and
//! leaves the other sessions' streams alone.

mod common;
mod docker_support;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{Client, Options, DEADLINE};
use docker_support::*;

/// How soon a revoked session's streams must end.
const WITHIN: Duration = Duration::from_secs(1);

fn follow(c: &Client, args: &[&str]) -> Child {
    c.command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rsrc")
}

/// Another session of `c`'s account, in a config dir of its own.
fn second_session(c: &Client, password: &str) -> Client {
    let dir = c.config_dir.with_extension("second");
    std::fs::create_dir_all(&dir).expect("config dir");
    let other = Client {
        socket: c.socket.clone(),
        config_dir: dir,
        email: c.email.clone(),
    };
    other.login(password).expect("second login");
    other
}

/// Waits for `child` to exit: how long it took from now, and its stderr.
fn ended(child: &mut Child, what: &str) -> (Duration, String) {
    use std::io::Read;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            assert!(!status.success(), "{what} ended with success: {err}");
            return (started.elapsed(), err);
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("{what} still runs {DEADLINE:?} after its session was revoked");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn assert_ended(child: &mut Child, what: &str) {
    let (took, err) = ended(child, what);
    eprintln!("{what} ended {took:?} after the revocation: {}", err.trim());
    assert!(took < WITHIN, "{what} took {took:?}");
    assert!(err.contains("revoked"), "{what}: {err}");
}

fn assert_running(child: &mut Child, what: &str) {
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "{what} ended, though its session was not revoked"
    );
}

/// Long enough for the streams just spawned to be open at the daemon.
fn settle() {
    std::thread::sleep(Duration::from_millis(1500));
}

#[test]
fn revoking_a_session_ends_its_streams() {
    let e = env_in_process(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let id = str_of(&create(&alice, "web", &[]), "id").to_string();
    let other = second_session(&alice, "user-password-1");

    // A password change ends the other session's streams, not its own.
    let mut other_logs = follow(&other, &["logs", "-f", &id]);
    let mut other_events = follow(&other, &["events", "-f"]);
    let mut own_events = follow(&alice, &["events", "-f"]);
    settle();
    alice
        .run_stdin(
            &["password", "change", "--password-stdin"],
            "user-password-1\nuser-password-2\n",
        )
        .expect_code(0);
    assert_ended(&mut other_logs, "logs -f after a password change");
    assert_ended(&mut other_events, "events -f after a password change");
    assert_running(&mut own_events, "the changer's own events -f");

    // A logout ends that session's streams.
    let mut own_logs = follow(&alice, &["logs", "-f", &id]);
    settle();
    alice.run(&["logout"]).expect_code(0);
    assert_ended(&mut own_logs, "logs -f after logout");
    assert_ended(&mut own_events, "events -f after logout");

    // An admin's disable ends every session's streams.
    alice.login("user-password-2").expect("login again");
    let again = second_session(&alice, "user-password-2");
    let mut logs = follow(&alice, &["logs", "-f", &id]);
    let mut events = follow(&again, &["events", "-f"]);
    let mut admin_events = follow(&e.admin, &["events", "-f", "--all-users"]);
    settle();
    e.admin
        .run(&["admin", "users", "disable", "alice@example.com"])
        .expect_code(0);
    assert_ended(&mut logs, "logs -f after a disable");
    assert_ended(&mut events, "events -f after a disable");
    assert_running(&mut admin_events, "the admin's events -f");
    let _ = admin_events.kill();
    let _ = admin_events.wait();
}
