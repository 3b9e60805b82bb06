//! The mail outbox (issue 2, SPEC §8): with the SMTP server down a mail waits in the registry
//! and goes out once the server is up, also across a daemon restart, and exactly once.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{poll, Client, Options, SmtpSink, TestDaemon, DEADLINE};

const PASSWORD: &str = "Pw-outbox-12345";
const NEW_PASSWORD: &str = "Pw-outbox-67890";
const OTP_SUBJECT: &str = "Subject: Your rsrc verification code";

/// A loopback port that nothing listens on (for now).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// One row of `mail_outbox`.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    subject: String,
    attempts: i64,
    last_error: Option<String>,
    sent_at: Option<i64>,
    failed_at: Option<i64>,
    has_body: bool,
}

fn outbox(d: &TestDaemon, recipient: &str) -> Vec<Row> {
    let conn = d.db();
    let mut stmt = conn
        .prepare(
            "SELECT id, subject, attempts, last_error, sent_at, failed_at, body_sealed IS NOT NULL
             FROM mail_outbox WHERE recipient = ?1 ORDER BY id",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([recipient], |r| {
            Ok(Row {
                id: r.get(0)?,
                subject: r.get(1)?,
                attempts: r.get(2)?,
                last_error: r.get(3)?,
                sent_at: r.get(4)?,
                failed_at: r.get(5)?,
                has_body: r.get(6)?,
            })
        })
        .expect("query");
    rows.collect::<Result<Vec<_>, _>>().expect("rows")
}

/// Waits until row `id` is marked sent, and returns it.
fn wait_sent(d: &TestDaemon, recipient: &str, id: i64) -> Row {
    poll(
        &format!("outbox row {id} to be marked sent"),
        DEADLINE,
        || {
            outbox(d, recipient)
                .into_iter()
                .find(|r| r.id == id && r.sent_at.is_some())
        },
    )
}

/// Waits until the sender has tried the first mail to `recipient` and failed.
fn wait_failed_attempt(d: &TestDaemon, recipient: &str) -> Row {
    poll("a failed delivery attempt", DEADLINE, || {
        outbox(d, recipient)
            .into_iter()
            .next()
            .filter(|r| r.attempts >= 1 && r.last_error.is_some())
    })
}

fn otp_mails(sink: &SmtpSink, to: &str) -> usize {
    sink.mails_to(to)
        .iter()
        .filter(|m| m.contains(OTP_SUBJECT))
        .count()
}

/// Makes the sender run again and waits for that: a password change queues a second mail, which
/// must arrive and be marked sent. Whatever the sender would resend, it would have resent by now.
fn one_more_cycle(d: &TestDaemon, sink: &SmtpSink, c: &Client, from: &str, to: &str) {
    c.run_stdin(
        &["password", "change", "--password-stdin"],
        &format!("{from}\n{to}\n"),
    )
    .expect_code(0);
    let row = poll("the password mail to be queued", DEADLINE, || {
        outbox(d, &c.email)
            .into_iter()
            .rfind(|r| r.subject.contains("password"))
    });
    poll("the password mail to arrive", DEADLINE, || {
        sink.mails_to(&c.email)
            .iter()
            .any(|m| m.contains("password was changed"))
            .then_some(())
    });
    wait_sent(d, &c.email, row.id);
}

fn user(d: &TestDaemon, email: &str) -> Client {
    let c = d.client(email);
    c.signup(PASSWORD).expect("signup");
    c.login(PASSWORD).expect("login");
    c
}

#[test]
fn a_mail_queued_while_smtp_is_down_goes_out_once_when_it_is_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let d = TestDaemon::in_process(Options {
        smtp_port: Some(port),
        ..Options::default()
    });
    let email = "patient@example.com";
    let c = user(&d, email);

    // The server is down: the send still succeeds, and the mail waits.
    c.run(&["otp", "send"]).expect_code(0);
    let row = wait_failed_attempt(&d, email);
    assert!(row.sent_at.is_none() && row.failed_at.is_none(), "{row:?}");
    assert!(row.has_body, "a pending mail keeps its (sealed) body");

    let sink = SmtpSink::start(dir.path(), port);
    let code = sink.wait_for_code(email, 1);
    let row = wait_sent(&d, email, row.id);
    assert!(!row.has_body, "a sent mail's body is wiped");
    assert!(row.attempts >= 2, "{row:?}");

    // The Message-ID comes from the row, so a copy sent twice after a crash is recognisable.
    let mail = &sink.mails_to(email)[0];
    assert!(
        mail.lines()
            .any(|l| l.to_ascii_lowercase().starts_with("message-id: <outbox-")),
        "{mail}"
    );
    one_more_cycle(&d, &sink, &c, PASSWORD, NEW_PASSWORD);
    assert_eq!(
        otp_mails(&sink, email),
        1,
        "the code was mailed more than once"
    );
    // And the late code still works.
    c.run(&["otp", "verify", &code]).expect_code(0);
    assert_eq!(c.json(&["whoami"])["verified"], true);
}

#[test]
fn a_pending_mail_survives_a_daemon_restart_and_goes_out_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut d = TestDaemon::in_process(Options {
        smtp_port: Some(port),
        ..Options::default()
    });
    let email = "restart@example.com";
    let c = user(&d, email);
    c.run(&["otp", "send"]).expect_code(0);
    let row = wait_failed_attempt(&d, email);

    // Stop the daemon while the server is still down, then bring the server up, then the daemon.
    assert!(d.stop().success());
    let pending = outbox(&d, email);
    assert_eq!(pending.len(), 1);
    assert!(pending[0].sent_at.is_none() && pending[0].has_body);
    let sink = SmtpSink::start(dir.path(), port);
    d.spawn();

    let code = sink.wait_for_code(email, 1);
    wait_sent(&d, email, row.id);
    one_more_cycle(&d, &sink, &c, PASSWORD, NEW_PASSWORD);
    assert_eq!(otp_mails(&sink, email), 1);

    // Another restart does not send it again.
    assert!(d.stop().success());
    d.spawn();
    one_more_cycle(&d, &sink, &c, NEW_PASSWORD, PASSWORD);
    assert_eq!(otp_mails(&sink, email), 1, "resent after a restart");
    c.run(&["otp", "verify", &code]).expect_code(0);
}

/// The sink with `--fail-first n`: it answers the first `n` mails with 451.
struct FlakySink {
    child: Child,
    sink_dir: std::path::PathBuf,
}

impl FlakySink {
    fn start(dir: &Path, fail_first: u32) -> (FlakySink, u16) {
        let python = std::env::var("RSRC_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = std::env::var("RSRC_SMTP_SINK").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/smtp-sink.py").into()
        });
        let port_file = dir.join("flaky-port");
        let mut child = Command::new(python)
            .arg(script)
            .args(["--host", "127.0.0.1", "--port", "0"])
            .arg("--maildir")
            .arg(dir.join("mail"))
            .arg("--port-file")
            .arg(&port_file)
            .args(["--fail-first", &fail_first.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read");
        assert_eq!(line.trim(), "ready");
        let port = std::fs::read_to_string(&port_file)
            .expect("port file")
            .trim()
            .parse()
            .expect("port");
        (
            FlakySink {
                child,
                sink_dir: dir.join("mail"),
            },
            port,
        )
    }

    fn count_to(&self, to: &str) -> usize {
        std::fs::read_dir(&self.sink_dir)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .filter(|m| m.contains(&format!("X-Envelope-To: {to}")))
                    .count()
            })
            .unwrap_or(0)
    }
}

impl Drop for FlakySink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_transient_refusal_is_retried_and_not_given_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (sink, port) = FlakySink::start(dir.path(), 2);
    let d = TestDaemon::in_process(Options {
        smtp_port: Some(port),
        ..Options::default()
    });
    let email = "retry@example.com";
    let c = user(&d, email);
    c.run(&["otp", "send"]).expect_code(0);
    let row = poll("the mail to go out after two 451s", DEADLINE, || {
        outbox(&d, email).into_iter().find(|r| r.sent_at.is_some())
    });
    assert_eq!(row.attempts, 3, "two refusals, then accepted: {row:?}");
    assert!(row.failed_at.is_none());
    assert_eq!(sink.count_to(email), 1);
}

/// A minimal SMTP server that takes every mail's content and then refuses it for good (554).
/// Returns its port and what it was sent.
fn refusing_smtp_server() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::Write;
    use std::sync::{Arc, Mutex};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut out) = conn else { return };
            let record = Arc::clone(&record);
            std::thread::spawn(move || {
                let mut lines = BufReader::new(out.try_clone().expect("clone")).lines();
                let _ = out.write_all(b"220 refuser ESMTP\r\n");
                while let Some(Ok(line)) = lines.next() {
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "DATA" => {
                            let _ = out.write_all(b"354 go ahead\r\n");
                            let mut mail = String::new();
                            for l in lines.by_ref() {
                                let Ok(l) = l else { return };
                                if l == "." {
                                    break;
                                }
                                mail.push_str(&l);
                                mail.push('\n');
                            }
                            record.lock().expect("lock").push(mail);
                            b"554 5.7.1 refused for good\r\n"
                        }
                        "QUIT" => {
                            let _ = out.write_all(b"221 bye\r\n");
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    if out.write_all(reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, seen)
}

#[test]
fn a_permanent_refusal_is_not_retried_and_the_body_is_wiped() {
    let (port, seen) = refusing_smtp_server();
    let d = TestDaemon::in_process(Options {
        smtp_port: Some(port),
        ..Options::default()
    });
    let email = "refused@example.com";
    let c = user(&d, email);
    c.run(&["otp", "send"]).expect_code(0);
    let row = poll("the mail to be given up", DEADLINE, || {
        outbox(&d, email)
            .into_iter()
            .next()
            .filter(|r| r.failed_at.is_some())
    });
    assert_eq!(row.attempts, 1, "{row:?}");
    assert!(row.sent_at.is_none(), "{row:?}");
    assert!(!row.has_body, "a given-up mail's body (and code) is wiped");
    assert!(
        row.last_error.as_deref().is_some_and(|e| e.contains("554")),
        "{row:?}"
    );

    // The sender runs again for the next mail, and does not try the first one again.
    c.run_stdin(
        &["password", "change", "--password-stdin"],
        &format!("{PASSWORD}\n{NEW_PASSWORD}\n"),
    )
    .expect_code(0);
    poll("the second mail to be given up", DEADLINE, || {
        (outbox(&d, email)
            .iter()
            .filter(|r| r.failed_at.is_some())
            .count()
            == 2)
            .then_some(())
    });
    let seen = seen.lock().expect("lock").clone();
    let otp_tries = seen
        .iter()
        .filter(|m| m.contains("verification code"))
        .count();
    assert_eq!(otp_tries, 1, "the refused mail was tried again: {seen:?}");
}

#[test]
fn a_mail_cut_off_mid_send_is_given_up_and_others_still_go_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut d = TestDaemon::in_process(Options {
        smtp_port: Some(port),
        ..Options::default()
    });
    let (cut, fine) = ("cut@example.com", "fine@example.com");
    let cut_user = user(&d, cut);
    let fine_user = user(&d, fine);
    cut_user.run(&["otp", "send"]).expect_code(0);
    fine_user.run(&["otp", "send"]).expect_code(0);
    assert!(d.stop().success());

    // As if the daemon had died while the server was taking `cut`'s mail: claimed, never
    // marked sent. `fine`'s is plainly pending. Both are due now.
    let (cut_id, fine_id) = (outbox(&d, cut)[0].id, outbox(&d, fine)[0].id);
    {
        let conn = d.db();
        conn.execute(
            "UPDATE mail_outbox SET sending_at = CASE id WHEN ?1 THEN 1 END, next_attempt_at = 0
             WHERE id IN (?1, ?2)",
            [cut_id, fine_id],
        )
        .expect("claim one mail");
    }
    for (who, id) in [(cut, cut_id), (fine, fine_id)] {
        let row = &outbox(&d, who)[0];
        assert_eq!(row.id, id);
        assert!(row.has_body && row.sent_at.is_none() && row.failed_at.is_none());
    }

    let sink = SmtpSink::start(dir.path(), port);
    d.spawn();
    let code = sink.wait_for_code(fine, 1);
    let sent = wait_sent(&d, fine, fine_id);
    assert!(!sent.has_body && sent.failed_at.is_none(), "{sent:?}");
    // The given-up mail is settled before any other goes out; one more mail makes sure the
    // sender has looked at the outbox again since.
    one_more_cycle(&d, &sink, &fine_user, PASSWORD, NEW_PASSWORD);

    let given_up = &outbox(&d, cut)[0];
    assert!(given_up.failed_at.is_some(), "{given_up:?}");
    assert!(given_up.sent_at.is_none(), "{given_up:?}");
    assert!(
        !given_up.has_body,
        "a given-up mail's body (and code) is wiped"
    );
    assert!(
        given_up
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("interrupted")),
        "{given_up:?}"
    );
    assert_eq!(
        sink.mails_to(cut).len(),
        0,
        "a mail cut off mid-send was sent again"
    );
    fine_user.run(&["otp", "verify", &code]).expect_code(0);
    assert_eq!(cut_user.json(&["whoami"])["verified"], false);
}

/// A shutdown while a mail is being handed to the server cuts the send off (the claim stays, and
/// the next start gives the mail up) and the daemon stops at once, not after the sender's pause.
#[test]
fn a_shutdown_mid_send_stops_the_daemon_promptly() {
    // Connections to it complete in the kernel's backlog, but no greeting ever comes: a send
    // hangs until the transport's timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let mut d = TestDaemon::in_process(Options {
        smtp_port: Some(port),
        ..Options::default()
    });
    let email = "stalled@example.com";
    let c = user(&d, email);
    c.run(&["otp", "send"]).expect_code(0);
    poll("the mail to be claimed for sending", DEADLINE, || {
        let claimed: i64 = d
            .db()
            .query_row(
                "SELECT COUNT(*) FROM mail_outbox WHERE recipient = ?1 AND sending_at IS NOT NULL",
                [email],
                |r| r.get(0),
            )
            .expect("count claimed");
        (claimed > 0).then_some(())
    });
    let start = std::time::Instant::now();
    assert!(d.stop().success());
    let took = start.elapsed();
    assert!(
        took < std::time::Duration::from_secs(10),
        "stopping took {took:?}"
    );
    let row = &outbox(&d, email)[0];
    assert!(row.sent_at.is_none() && row.failed_at.is_none(), "{row:?}");
    drop(silent);
}
