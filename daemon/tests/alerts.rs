//! Alerts (issue 8, SPEC §8): an instance that goes down unexpectedly makes its owner get a mail
//! and an SMS (through a real HTTP server standing in for the gateway) with the cause, the exit
//! code and the last lines, never a secret; a crash loop gives one alert and then a summary;
//! coming back gives a "recovered" message; delivery survives a gateway outage and a kill -9.

mod common;
mod docker_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use common::{docker, poll, Client, Options, SinkProcess, DEADLINE};
use docker_support::*;

const SECRET: &str = "s3cr3t-Alert-Value-never-mailed";
const PHONE: &str = "+15550001234";

/// The SMS gateway stand-in: scripts/sms-sink.py, recording each request to a file.
struct SmsSink {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl SmsSink {
    fn start(dir: &Path, port: u16) -> SmsSink {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/sms-sink.py");
        let requests = dir.join("sms");
        let (child, port) = SinkProcess::start(script, dir, port, "--dir", &requests);
        SmsSink {
            child: Some(child.0),
            port,
            dir: requests,
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }

    /// (to, text) of every request so far, oldest first.
    fn messages(&self) -> Vec<(String, String)> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|text| {
                let record: serde_json::Value = serde_json::from_str(&text).expect("record");
                let body: serde_json::Value =
                    serde_json::from_str(record["body"].as_str().expect("body")).expect("json");
                (
                    body["to"].as_str().unwrap_or_default().to_string(),
                    body["text"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn texts_to(&self, to: &str) -> Vec<String> {
        self.messages()
            .into_iter()
            .filter(|(t, _)| t == to)
            .map(|(_, text)| text)
            .collect()
    }
}

impl Drop for SmsSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A daemon with mail, the SMS gateway at `sms_port` and a short alert window.
fn alert_env(sms_port: u16, window: &str) -> Env {
    env(Options {
        extra_toml: format!(
            "[sms]\nurl = \"http://127.0.0.1:{sms_port}/send\"\ntoken = \"gw-token-1\"\n\
             [alerts]\nwindow = \"{window}\"\n"
        ),
        ..Options::default()
    })
}

/// A machine whose container prints its secret and a line, then exits 3 once /tmp/go exists
/// (or at once with `loop_crash`, restarted by Docker each time).
fn crash_machine(e: &Env, name: &str, loop_crash: bool) {
    let script = if loop_crash {
        "echo \\\"token=$TOKEN\\\"; echo crash-loop-line; sleep 0.3; exit 3"
    } else {
        "echo \\\"token=$TOKEN\\\"; echo before-the-crash; \
         while [ ! -e /tmp/go ]; do sleep 0.1; done; echo last-words; exit 3"
    };
    let restart = if loop_crash { "on-failure" } else { "no" };
    let file = e.d.dir.path().join(format!("{name}.toml"));
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"{name}\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
             restart = \"{restart}\"\ncommand = [\"sh\", \"-c\", \"{script}\"]\n\n\
             [[machine.props]]\nname = \"TOKEN\"\nrequired = true\nsecret = true\n",
            image()
        ),
    )
    .expect("write the machine file");
    e.admin
        .run(&["machine", "apply", "-f", file.to_str().expect("utf-8 path")])
        .expect_code(0);
}

fn container_of(e: &Env, instance: &str) -> String {
    poll("the instance's container", DEADLINE, || {
        let out = docker(&[
            "ps",
            "-aq",
            "--filter",
            &e.d.label(),
            "--filter",
            &format!("label=io.rsrc.instance={instance}"),
        ]);
        (!out.is_empty()).then_some(out)
    })
}

/// Lets a `crash_machine` container exit 3, once it printed its first lines.
fn crash(container: &str) {
    poll("the container to run", DEADLINE, || {
        common::docker_ok(&["exec", container, "true"]).then_some(())
    });
    docker(&["exec", container, "touch", "/tmp/go"]);
}

/// Sets the phone and, unless `verify` is false, proves it with the code sent by SMS.
fn phone(c: &Client, sms: &SmsSink, verify: bool) {
    c.run(&["profile", "update", "--phone", PHONE, "--notify-sms", "on"])
        .expect_code(0);
    if !verify {
        return;
    }
    let text = poll("the phone code", DEADLINE, || {
        sms.texts_to(PHONE).into_iter().find(|t| t.contains("code"))
    });
    let code = common::extract_code(&text).expect("code in SMS");
    let user = c.json(&["phone", "verify", &code]);
    assert_eq!(user["phone"], PHONE, "{user}");
    assert_eq!(user["phone_verified"], true, "{user}");
}

/// A mail's text with quoted-printable soft breaks and `=3D` undone, enough to read it.
fn unfold(mail: &str) -> String {
    mail.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

fn alerts_in(mails: &[String], what: &str) -> usize {
    mails.iter().filter(|m| m.contains(what)).count()
}

/// Waits until the alerts worker has read the history up to its newest entry.
fn wait_caught_up(e: &Env) {
    poll("the alerts worker to catch up", DEADLINE, || {
        let conn = e.d.db();
        let (cursor, newest): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT after FROM alert_cursor),
                        (SELECT COALESCE(MAX(id), 0) FROM instance_events)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok()?;
        (cursor >= newest).then_some(())
    });
}

#[test]
fn a_crash_tells_the_owner_by_mail_and_sms_without_the_secret_then_the_recovery() {
    if !common::docker_or_skip() {
        return;
    }
    let sms_dir = tempfile::tempdir().unwrap();
    let sms = SmsSink::start(sms_dir.path(), 0);
    let e = alert_env(sms.port, "15m");
    crash_machine(&e, "crashy", false);
    let alice = e.user("alice@example.com");
    phone(&alice, &sms, true);
    let profile = alice.json(&["profile", "show"]);
    assert_eq!(profile["notify_sms"], true, "{profile}");
    assert_eq!(profile["notify_email"], true, "{profile}");
    let inst = create(&alice, "crashy", &["--env", &format!("TOKEN={SECRET}")]);
    let id = str_of(&inst, "id").to_string();
    crash(&container_of(&e, &id));

    let mail = poll("the alert mail", DEADLINE, || {
        e.sink
            .mails_to("alice@example.com")
            .into_iter()
            .map(|m| unfold(&m))
            .find(|m| m.contains("exit code 3"))
    });
    for part in [
        &id,
        "crashy",
        "last-words",
        "before-the-crash",
        "token=********",
    ] {
        assert!(mail.contains(part), "{part} missing in:\n{mail}");
    }
    assert!(!mail.contains(SECRET), "the secret leaked:\n{mail}");
    let text = poll("the alert SMS", DEADLINE, || {
        sms.texts_to(PHONE)
            .into_iter()
            .find(|t| t.contains("exit code 3"))
    });
    assert!(text.contains(&id) && text.contains("last-words"), "{text}");
    assert!(!text.contains(SECRET), "the secret leaked: {text}");
    // The gateway got the operator's token, and only the operator's URL.
    let record = std::fs::read_dir(&sms.dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(record.path()).unwrap()).unwrap();
    assert_eq!(record["path"], "/send");
    assert_eq!(record["headers"]["authorization"], "Bearer gw-token-1");
    assert!(
        !e.d.log_text().contains("gw-token-1"),
        "the token was logged"
    );

    alice.run(&["instance", "start", &id]).expect_code(0);
    let recovered = poll("the recovered mail", DEADLINE, || {
        e.sink
            .mails_to("alice@example.com")
            .into_iter()
            .map(|m| unfold(&m))
            .find(|m| m.contains("recovered"))
    });
    assert!(
        recovered.contains(&id) && recovered.contains("after"),
        "{recovered}"
    );
    poll("the recovered SMS", DEADLINE, || {
        sms.texts_to(PHONE)
            .into_iter()
            .find(|t| t.contains("recovered"))
    });
    assert_eq!(
        alerts_in(&e.sink.mails_to("alice@example.com"), "exit code 3"),
        1
    );
}

#[test]
fn no_alert_when_turned_off_and_no_sms_to_an_unverified_phone() {
    if !common::docker_or_skip() {
        return;
    }
    let sms_dir = tempfile::tempdir().unwrap();
    let sms = SmsSink::start(sms_dir.path(), 0);
    let e = alert_env(sms.port, "15m");
    crash_machine(&e, "crashy", false);
    // Bob wants SMS but never proves his phone: mail only.
    let bob = e.user("bob@example.com");
    phone(&bob, &sms, false);
    let who = bob.json(&["whoami"]);
    assert_eq!(who["phone"], PHONE, "{who}");
    assert_eq!(who["phone_verified"], false, "{who}");
    // Carol turned mail off and has no phone: nothing.
    let carol = e.user("carol@example.com");
    carol
        .run(&["profile", "update", "--notify-email", "off"])
        .expect_code(0);
    let env_arg = format!("TOKEN={SECRET}");
    let b = create(&bob, "crashy", &["--env", &env_arg]);
    let c = create(&carol, "crashy", &["--env", &env_arg]);
    crash(&container_of(&e, str_of(&c, "id")));
    crash(&container_of(&e, str_of(&b, "id")));
    poll("bob's alert mail", DEADLINE, || {
        e.sink
            .mails_to("bob@example.com")
            .into_iter()
            .find(|m| m.contains("exit code 3"))
    });
    wait_caught_up(&e);
    let queued: i64 =
        e.d.db()
            .query_row(
                "SELECT COUNT(*) FROM mail_outbox
             WHERE channel = 'sms' OR (recipient LIKE 'carol%' AND subject LIKE '%exit code%')",
                [],
                |r| r.get(0),
            )
            .unwrap();
    // The only SMS is bob's phone code.
    assert_eq!(queued, 1, "nothing queued for carol, no alert SMS to bob");
    assert_eq!(sms.texts_to(PHONE).len(), 1);
    assert_eq!(
        alerts_in(&e.sink.mails_to("carol@example.com"), "exit code"),
        0
    );
}

#[test]
fn a_crash_loop_gives_one_alert_then_a_summary() {
    if !common::docker_or_skip() {
        return;
    }
    let sms_dir = tempfile::tempdir().unwrap();
    let sms = SmsSink::start(sms_dir.path(), 0);
    let e = alert_env(sms.port, "6s");
    crash_machine(&e, "loopy", true);
    let alice = e.user("alice@example.com");
    let inst = create(&alice, "loopy", &["--env", &format!("TOKEN={SECRET}")]);
    let id = str_of(&inst, "id").to_string();
    let summary = poll("the summary mail", Duration::from_secs(60), || {
        e.sink
            .mails_to("alice@example.com")
            .into_iter()
            .find(|m| m.contains("more since the last alert"))
    });
    let mails = e.sink.mails_to("alice@example.com");
    let alerts = mails
        .iter()
        .filter(|m| {
            m.contains("crashed with exit code 3") && !m.contains("more since the last alert")
        })
        .count();
    assert_eq!(alerts, 1, "one alert before the summary: {mails:#?}");
    assert!(
        summary.contains(&id) && !summary.contains(SECRET),
        "{summary}"
    );
    let crashes: i64 =
        e.d.db()
            .query_row(
                "SELECT COUNT(*) FROM instance_events WHERE instance_id = ?1 AND kind = 'died'",
                [&id],
                |r| r.get(0),
            )
            .unwrap();
    assert!(crashes >= 2, "the loop crashed {crashes} times");
    alice.run(&["instance", "rm", &id]).expect_code(0);
}

#[test]
fn an_alert_waits_for_the_gateway_and_goes_out_once_it_is_up() {
    if !common::docker_or_skip() {
        return;
    }
    let sms_dir = tempfile::tempdir().unwrap();
    let mut sms = SmsSink::start(sms_dir.path(), 0);
    let port = sms.port;
    let e = alert_env(port, "15m");
    crash_machine(&e, "crashy", false);
    let alice = e.user("alice@example.com");
    phone(&alice, &sms, true);
    sms.stop();
    let inst = create(&alice, "crashy", &["--env", &format!("TOKEN={SECRET}")]);
    crash(&container_of(&e, str_of(&inst, "id")));
    poll("a failed SMS attempt", DEADLINE, || {
        e.d.db()
            .query_row(
                "SELECT attempts FROM mail_outbox WHERE channel = 'sms' AND sent_at IS NULL
                 AND last_error IS NOT NULL",
                [],
                |r| r.get::<_, i64>(0),
            )
            .ok()
            .filter(|a| *a >= 1)
    });
    let sms = SmsSink::start(sms_dir.path(), port);
    poll("the alert SMS once the gateway is up", DEADLINE, || {
        sms.texts_to(PHONE)
            .into_iter()
            .find(|t| t.contains("exit code 3"))
    });
    let sent: i64 =
        e.d.db()
            .query_row(
                "SELECT COUNT(*) FROM mail_outbox WHERE channel = 'sms' AND sent_at IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(sent, 2, "the code and the alert, each once");
    let alerts = sms
        .texts_to(PHONE)
        .iter()
        .filter(|t| t.contains("exit code 3"))
        .count();
    assert_eq!(alerts, 1);
}

#[test]
fn a_crash_while_rsrcd_is_killed_is_told_exactly_once_after_the_restart() {
    if !common::docker_or_skip() {
        return;
    }
    let sms_dir = tempfile::tempdir().unwrap();
    let sms = SmsSink::start(sms_dir.path(), 0);
    let mut e = alert_env(sms.port, "15m");
    crash_machine(&e, "crashy", false);
    let alice = e.user("alice@example.com");
    phone(&alice, &sms, true);
    let inst = create(&alice, "crashy", &["--env", &format!("TOKEN={SECRET}")]);
    let container = container_of(&e, str_of(&inst, "id"));
    poll("the container to run", DEADLINE, || {
        common::docker_ok(&["exec", &container, "true"]).then_some(())
    });
    e.d.kill9();
    crash(&container);
    poll("the container to exit", DEADLINE, || {
        (!container_running(&container)).then_some(())
    });
    e.d.spawn();
    e.d.wait_for_docker();
    let alert = |t: &String| t.contains("exit code 3");
    poll("the alert mail after the restart", DEADLINE, || {
        e.sink
            .mails_to("alice@example.com")
            .into_iter()
            .find(|m| alert(m))
    });
    poll("the alert SMS after the restart", DEADLINE, || {
        sms.texts_to(PHONE).into_iter().find(|t| alert(t))
    });
    // Killed again once all is delivered, and started: nothing is told twice.
    poll("every row sent", DEADLINE, || {
        let pending: i64 =
            e.d.db()
                .query_row(
                    "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
                    [],
                    |r| r.get(0),
                )
                .ok()?;
        (pending == 0).then_some(())
    });
    e.d.kill9();
    e.d.spawn();
    e.d.wait_for_docker();
    wait_caught_up(&e);
    let sms_rows: i64 =
        e.d.db()
            .query_row(
                "SELECT COUNT(*) FROM mail_outbox WHERE channel = 'sms'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(sms_rows, 2, "the phone code and one alert");
    let mails = e.sink.mails_to("alice@example.com");
    assert_eq!(mails.iter().filter(|m| alert(m)).count(), 1, "{mails:#?}");
    assert_eq!(sms.texts_to(PHONE).iter().filter(|t| alert(t)).count(), 1);
}
