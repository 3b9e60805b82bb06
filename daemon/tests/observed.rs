//! What `rsrc` shows of instances and volumes as Docker has them (issue 19, items 18, 20 and 24),
//! against the real daemon and Docker: volume sizes, a paused container, and uptime counted
//! from when an instance came up, with Docker's times across an rsrcd gap.

mod common;
mod docker_support;

use common::{docker, poll, Options};
use docker_support::*;

/// Item 24: `volume ls --size` shows what Docker's `system df` counts; without it, no SIZE.
#[test]
fn volume_ls_size_shows_what_docker_counts() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &["--volume", "/data"]);
    let ada = e.user("ada@test.local");
    let made = create(&ada, "web", &["--name", "sized", "--wait"]);
    let container = str_of(&made, "container").to_string();
    // About 1 MiB into the instance's volume.
    docker(&[
        "exec",
        &container,
        "dd",
        "if=/dev/zero",
        "of=/data/blob",
        "bs=1024",
        "count=1024",
    ]);

    let listed = ada.json(&["volume", "ls", "--size"]);
    let volumes = listed.as_array().expect("a list");
    assert_eq!(volumes.len(), 1, "{listed}");
    let size = volumes[0]["size"].as_i64().unwrap_or(-1);
    assert!(
        (1_048_576..1_048_576 + 64 * 1024).contains(&size),
        "about 1 MiB: {listed}"
    );
    let r = ada.run(&["volume", "ls", "--size"]).expect_code(0);
    assert!(
        r.stdout.lines().next().is_some_and(|h| h.contains("SIZE")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1.0 MiB"), "{}", r.stdout);

    // Without --size Docker is not asked: no size, no SIZE column.
    let listed = ada.json(&["volume", "ls"]);
    assert!(listed[0]["size"].is_null(), "{listed}");
    let r = ada.run(&["volume", "ls"]).expect_code(0);
    assert!(!r.stdout.contains("SIZE"), "{}", r.stdout);
    assert!(r.stdout.contains("IN USE"), "{}", r.stdout);
    // A --format that names the size asks for it.
    let r = ada
        .run(&["volume", "ls", "--format", "name,size", "--no-headers"])
        .expect_code(0);
    assert!(r.stdout.contains("1.0 MiB"), "{}", r.stdout);
    ada.run(&["instance", "rm", "sized", "--volumes"])
        .expect_code(0);
    poll("the volume gone", common::DEADLINE, || {
        labelled_volumes(&e.d).is_empty().then_some(())
    });
}

/// Soft line breaks and `=` of quoted-printable mail bodies undone.
fn unfold(mail: &str) -> String {
    mail.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
        .replace("\r\n", " ")
        .replace('\n', " ")
}

/// The kinds of an instance's events, oldest first.
fn kinds(c: &common::Client, name: &str) -> Vec<String> {
    let r = c
        .run(&["--json", "events", "--instance", name])
        .expect_code(0);
    r.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["kind"].as_str().map(str::to_string))
        .collect()
}

/// Item 20: `docker pause` shows as paused (STATUS `Up … (Paused)`, `--filter status=paused`),
/// counts as down, alerts the owner, and `docker unpause` brings it back to running.
#[test]
fn a_paused_container_shows_as_paused_and_counts_as_down() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let ada = e.user("ada@test.local");
    let made = create(&ada, "web", &["--name", "frozen", "--wait"]);
    let container = str_of(&made, "container").to_string();
    let status = |c: &common::Client| c.json(&["instance", "show", "frozen"])["status"].clone();

    docker(&["pause", &container]);
    poll("the instance paused", common::DEADLINE, || {
        (status(&ada) == "paused").then_some(())
    });
    let r = ada
        .run(&["ps", "--format", "name,status", "--no-headers"])
        .expect_code(0);
    assert!(
        r.stdout.contains("Up ") && r.stdout.contains("(Paused)"),
        "{}",
        r.stdout
    );
    let r = ada
        .run(&["ps", "--filter", "status=paused", "-q"])
        .expect_code(0);
    assert_eq!(r.stdout.trim(), str_of(&made, "id"), "{}", r.stdout);
    let r = ada
        .run(&["ps", "--filter", "status=running", "-q"])
        .expect_code(0);
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
    assert!(kinds(&ada, "frozen").contains(&"paused".to_string()));
    // An unplanned down: its owner is told.
    poll("the pause alert", common::DEADLINE, || {
        e.sink
            .mails_to("ada@test.local")
            .iter()
            .map(|m| unfold(m))
            .find(|m| m.contains("was paused outside rsrc"))
    });
    // The uptime report counts it as down, unplanned.
    let uptime = ada.json(&["instance", "uptime", "frozen"]);
    let last = uptime["intervals"]
        .as_array()
        .and_then(|i| i.last().cloned())
        .unwrap_or_default();
    assert_eq!(last["state"], "down", "{uptime}");
    assert_eq!(last["reason"], "paused", "{uptime}");
    assert_eq!(last["planned"], false, "{uptime}");

    docker(&["unpause", &container]);
    poll("the instance running again", common::DEADLINE, || {
        (status(&ada) == "running").then_some(())
    });
    let k = kinds(&ada, "frozen");
    assert_eq!(
        k.iter().rev().take(2).collect::<Vec<_>>(),
        ["unpaused", "paused"],
        "{k:?}"
    );
    poll("the recovery mail", common::DEADLINE, || {
        e.sink
            .mails_to("ada@test.local")
            .iter()
            .find(|m| m.contains("frozen recovered"))
            .cloned()
    });
    let r = ada
        .run(&["ps", "--format", "status", "--no-headers"])
        .expect_code(0);
    assert!(
        r.stdout.starts_with("Up ") && !r.stdout.contains("Paused"),
        "{}",
        r.stdout
    );
}

/// Item 18: a healthy new instance reads 100% in `UP 7D` as soon as it is up; the report still
/// shows its creation, as planned downtime that no figure counts.
#[test]
fn a_new_instance_reads_100_percent_once_up() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let ada = e.user("ada@test.local");
    let made = create(&ada, "web", &["--name", "fresh", "--wait"]);
    let id = str_of(&made, "id").to_string();
    let listed = ada.json(&["instance", "ls"]);
    let row = listed
        .as_array()
        .and_then(|l| l.iter().find(|i| i["id"] == id.as_str()).cloned())
        .unwrap_or_default();
    assert_eq!(row["availability_7d"].as_f64(), Some(100.0), "{row}");
    let r = ada
        .run(&["ps", "--format", "up-7d", "--no-headers"])
        .expect_code(0);
    assert_eq!(r.stdout.trim(), "100.00%", "{}", r.stdout);
    let report = ada.json(&["instance", "uptime", "fresh"]);
    assert_eq!(report["availability"].as_f64(), Some(100.0), "{report}");
    let first = &report["intervals"][0];
    assert_eq!(first["reason"], "creating", "{report}");
    assert_eq!(first["planned"], true, "{report}");
    assert_eq!(report["intervals"][1]["state"], "up", "{report}");
}

/// RFC 3339 (Docker's nanoseconds or rsrc's milliseconds) as Unix milliseconds.
fn ms(text: &str) -> i64 {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("`{text}` is not RFC 3339: {e}"));
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Item 18: a `docker stop` while rsrcd is stopped is down from Docker's `FinishedAt`, and up
/// until then, since Docker's record tells the whole gap; not unknown until rsrcd's start.
#[test]
fn a_stop_while_rsrcd_was_away_is_down_from_dockers_finish_time() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let ada = e.user("ada@test.local");
    let made = create(&ada, "web", &["--name", "away", "--wait"]);
    let container = str_of(&made, "container").to_string();
    e.d.stop();
    docker(&["stop", &container]);
    let finished = ms(inspect(&container)["State"]["FinishedAt"]
        .as_str()
        .expect("FinishedAt"));
    let stopped_at = std::time::Instant::now();
    // rsrcd stays away a while, so that the time from the stop to its start is measurable.
    poll("a second after the stop", common::DEADLINE, || {
        (stopped_at.elapsed() >= std::time::Duration::from_secs(1)).then_some(())
    });
    let respawned_at = ms(&time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("now as RFC 3339"));
    respawn(&mut e.d);
    // Known once the watcher has checked Docker's record of the gap, after reconciling.
    let mut last = serde_json::Value::Null;
    let report = common::poll_for(common::DEADLINE, || {
        last = ada.json(&["instance", "uptime", "away"]);
        let intervals = last["intervals"].as_array()?;
        let down = intervals
            .iter()
            .any(|i| i["state"] == "down" && i["reason"] == "stopped_outside");
        let known = intervals.iter().all(|i| i["state"] != "unknown");
        (down && known).then(|| last.clone())
    })
    .unwrap_or_else(|| panic!("the gap stayed unknown: {last}\n{}", e.d.log_text()));
    let intervals = report["intervals"].as_array().expect("intervals");
    assert!(
        intervals.iter().all(|i| i["state"] != "unknown"),
        "Docker's record tells the gap: {report}"
    );
    let down = intervals
        .iter()
        .find(|i| i["state"] == "down" && i["reason"] == "stopped_outside")
        .expect("the down interval");
    // Docker dates its `die` event a few milliseconds after `FinishedAt`; either is Docker's
    // time, and rsrcd came back over a second later.
    let from = ms(str_of(down, "from"));
    assert!(
        (finished..finished + 500).contains(&from) && from + 500 < respawned_at,
        "down from Docker's FinishedAt {finished}, not from rsrcd's start {respawned_at}: \
         {report}"
    );
    let before = intervals
        .iter()
        .rev()
        .find(|i| i["state"] == "up")
        .expect("an up interval");
    assert_eq!(before["to"], down["from"], "up until the stop: {report}");
    assert_eq!(report["unknown_seconds"].as_f64(), Some(0.0), "{report}");
}
