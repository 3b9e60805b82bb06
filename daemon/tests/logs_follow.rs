//! `rsrc logs -f`: every line once and in order across restarts of the instance (by its owner
//! and by the restart policy) and of rsrcd; followers that go away cost the daemon nothing
//! afterwards; many followers and a reader that never reads hold up no one.

mod common;
mod docker_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{poll, Client, Options, DEADLINE};
use docker_support::*;

fn script_machine(e: &Env, name: &str, script: &str) {
    let file = e.d.dir.path().join(format!("{name}.toml"));
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"{name}\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
             max_per_user = 5\ncommand = [\"sh\", \"-c\", '''{script}''']\n",
            image()
        ),
    )
    .expect("write the machine file");
    e.admin
        .run(&["machine", "apply", "-f", &file.display().to_string()])
        .expect_code(0);
}

fn container_of(id: &str) -> String {
    let out = common::docker(&[
        "ps",
        "-aq",
        "--no-trunc",
        "--filter",
        &format!("label=io.rsrc.instance={id}"),
    ]);
    out.lines().next().unwrap_or_default().trim().to_string()
}

/// `docker logs CONTAINER`'s stdout, untrimmed.
fn docker_stdout(container: &str) -> String {
    let out = Command::new("docker")
        .args(["logs", container])
        .stderr(Stdio::null())
        .output()
        .expect("run docker logs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A `rsrc logs -f` whose stdout goes to a file.
struct Follower {
    child: Child,
    out: std::path::PathBuf,
}

impl Follower {
    fn start(c: &Client, dir: &std::path::Path, n: usize, args: &[&str]) -> Follower {
        let out = dir.join(format!("follower-{n}.out"));
        let file = std::fs::File::create(&out).expect("create the follower's output");
        let err = std::fs::File::create(out.with_extension("err")).expect("create its stderr");
        let mut all = vec!["logs", "-f"];
        all.extend_from_slice(args);
        let child = c
            .command(&all)
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .spawn()
            .expect("start rsrc logs -f");
        Follower { child, out }
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn follow_goes_on_across_crashes_restarts_and_a_restart_of_rsrcd() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    // Each run of the container counts itself in /tmp/n (its filesystem outlives restarts),
    // so every line is unique: runs 1 and 2 crash (exit 3) and the restart policy starts them
    // again; run 3 and later go on until stopped.
    script_machine(
        &e,
        "counter",
        "n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; i=0; \
         while [ $i -lt 5 ]; do echo r$n-$i; i=$((i+1)); usleep 20000; done; \
         if [ $n -lt 3 ]; then exit 3; fi; \
         while true; do echo r$n-$i; i=$((i+1)); usleep 50000; done",
    );
    let alice = e.user("alice@example.com");
    let made = create(&alice, "counter", &["--name", "counter"]);
    let container = container_of(str_of(&made, "id"));
    let follower = Follower::start(&alice, e.d.dir.path(), 0, &["counter"]);
    poll("run 3 through the crashes", DEADLINE, || {
        follower.text().contains("\nr3-6\n").then_some(())
    });
    // One that starts at the end: a restart must not bring the earlier lines back to it.
    let late = Follower::start(&alice, e.d.dir.path(), 1, &["--tail", "0", "counter"]);
    alice
        .run(&["instance", "restart", "counter"])
        .expect_code(0);
    poll("run 4 after the restart", DEADLINE, || {
        follower.text().contains("\nr4-3\n").then_some(())
    });
    e.d.stop();
    let printed = follower.text().lines().count();
    respawn(&mut e.d);
    poll("new lines after rsrcd came back", DEADLINE, || {
        let errors = std::fs::read_to_string(follower.out.with_extension("err")).unwrap();
        assert!(!errors.contains("error"), "the follower gave up: {errors}");
        (follower.text().lines().count() > printed + 20).then_some(())
    });
    alice.run(&["instance", "stop", "counter"]).expect_code(0);
    let whole = docker_stdout(&container);
    poll("the follower to print the whole log", DEADLINE, || {
        (follower.text().len() >= whole.len()).then_some(())
    });
    let got = follower.text();
    assert_eq!(got, whole, "the follower's lines differ from docker logs");
    poll("the late follower to catch up", DEADLINE, || {
        late.text()
            .ends_with(&format!("{}\n", whole.lines().last()?))
            .then_some(())
    });
    let tail_end = late.text();
    // It began during run 3 (or right after the restart): none of what came before.
    assert!(
        !tail_end.is_empty()
            && whole.ends_with(&tail_end)
            && !tail_end.contains("r1-")
            && !tail_end.contains("r3-0\n"),
        "{tail_end}"
    );
    drop(late);
    for run in 1..=4 {
        assert!(got.contains(&format!("\nr{run}-0\n")) || got.starts_with("r1-0\n"));
    }
    drop(follower);
    alice
        .run(&["instance", "rm", str_of(&made, "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn followers_that_go_away_leave_nothing_behind() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    script_machine(
        &e,
        "ticker",
        "i=0; while true; do echo tick-$i; i=$((i+1)); usleep 20000; done",
    );
    let alice = e.user("alice@example.com");
    let made = create(&alice, "ticker", &["--name", "ticker"]);
    let pid = e.d.pid().expect("rsrcd runs");
    let head_one = |n: usize| {
        let mut sh = Command::new("sh");
        sh.args([
            "-c",
            &format!(
                "'{}' logs -f ticker | head -1",
                common::rsrc_bin().display()
            ),
        ]);
        for (k, v) in alice.command(&[]).get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        let out = sh.stdin(Stdio::null()).output().expect("run sh");
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("tick-"),
            "cycle {n}: {out:?}"
        );
    };
    let cancel = |n: usize| {
        let mut child = alice
            .command(&["logs", "-f", "--tail", "1", "ticker"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start rsrc logs -f");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout).read_line(&mut line).expect("a line");
        assert!(line.starts_with("tick-"), "cycle {n}: {line}");
        child.kill().expect("kill the follower");
        child.wait().expect("wait for the follower");
    };
    // One of each first, so that what the daemon allocates once is in the baseline.
    head_one(0);
    cancel(0);
    let (fds_before, rss_before) = (fds(pid), status_kib(pid, "VmRSS:"));
    let threads_before = status_kib(pid, "Threads:");
    for n in 0..200 {
        if n % 2 == 0 {
            head_one(n);
        } else {
            cancel(n);
        }
    }
    poll(
        "rsrcd to close what the followers had open",
        DEADLINE,
        || (fds(pid) <= fds_before + 2).then_some(()),
    );
    let (rss, threads) = (status_kib(pid, "VmRSS:"), status_kib(pid, "Threads:"));
    assert!(
        rss <= rss_before + 8 * 1024,
        "rsrcd grew from {rss_before} KiB to {rss} KiB"
    );
    assert!(
        threads <= threads_before + 4,
        "{threads_before} -> {threads} threads"
    );

    // Removing the instance ends its followers cleanly, with a word why.
    let mut child = alice
        .command(&["logs", "-f", "--tail", "1", "ticker"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rsrc logs -f");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("a line");
    alice
        .run(&["instance", "rm", str_of(&made, "id"), "--volumes"])
        .expect_code(0);
    let drain = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let status = poll("the follower to end", DEADLINE, || {
        child.try_wait().ok().flatten()
    });
    let _ = drain.join();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.contains("was removed"), "{stderr}");
    assert_nothing_labelled(&e.d);
}

#[test]
fn a_hundred_followers_and_a_reader_that_never_reads() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    script_machine(&e, "flood", "seq 1 300000; echo done; sleep 1000");
    script_machine(
        &e,
        "ticker",
        "i=0; while true; do echo tick-$i; i=$((i+1)); usleep 100000; done",
    );
    let alice = e.user("alice@example.com");
    let flood = create(&alice, "flood", &["--name", "flood"]);
    let ticker = create(&alice, "ticker", &["--name", "ticker"]);
    let flood_container = container_of(str_of(&flood, "id"));
    poll("the flood to be written", Duration::from_secs(120), || {
        (common::docker(&["logs", "--tail", "1", &flood_container]) == "done").then_some(())
    });
    let followers: Vec<Follower> = (0..100)
        .map(|n| {
            let target = if n % 2 == 0 { "flood" } else { "ticker" };
            Follower::start(&alice, e.d.dir.path(), n, &["--tail", "5", target])
        })
        .collect();
    poll("every follower to print", Duration::from_secs(60), || {
        followers.iter().all(|f| !f.text().is_empty()).then_some(())
    });

    // A client that asks for the whole flood and never reads a byte of it.
    let token = alice.token();
    let mut stalled = UnixStream::connect(&e.d.socket).expect("connect");
    write!(
        stalled,
        "GET /v1/instances/flood/logs?follow=true HTTP/1.1\r\nHost: rsrcd\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    )
    .expect("send the request");

    let listed = alice.json(&["instance", "ls"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    poll("rsrcd to cut the stalled reader off", DEADLINE, || {
        e.d.log_text()
            .contains("cut off a log reader that did not keep up")
            .then_some(())
    });
    // Its connection is closed: what it reads now ends, well before the whole log.
    stalled
        .set_read_timeout(Some(DEADLINE))
        .expect("read timeout");
    let mut got = Vec::new();
    stalled.read_to_end(&mut got).expect("the connection ends");
    assert!(got.len() < 2_000_000, "read {} bytes", got.len());
    // Nobody else noticed.
    alice.json(&["instance", "ls"]);
    let ticking: Vec<usize> = followers.iter().map(|f| f.text().len()).collect();
    poll("the ticker's followers to go on", DEADLINE, || {
        followers
            .iter()
            .zip(&ticking)
            .skip(1)
            .step_by(2)
            .all(|(f, before)| f.text().len() > *before)
            .then_some(())
    });
    drop(followers);
    for made in [flood, ticker] {
        alice
            .run(&["instance", "rm", str_of(&made, "id"), "--volumes"])
            .expect_code(0);
    }
    assert_nothing_labelled(&e.d);
}

/// `logs -f` follows an instance across `instance recreate` onto its new container, and
/// `logs -f --until <past>` ends instead of waiting (issue 19 item 19).
#[test]
fn follow_goes_on_across_a_recreate_and_until_in_the_past_ends() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    script_machine(
        &e,
        "gen",
        "echo start-$HOSTNAME; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done",
    );
    let alice = e.user("alice@example.com");
    let made = create(&alice, "gen", &["--name", "g"]);
    let id = str_of(&made, "id").to_string();
    let out = e.d.dir.path().join("follow.out");
    let mut follower = alice
        .command(&["logs", "-f", "g"])
        .stdout(std::fs::File::create(&out).expect("out file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("rsrc logs -f");
    let read = || std::fs::read_to_string(&out).unwrap_or_default();
    poll("the first lines", DEADLINE, || {
        read().contains("tick 2").then_some(())
    });
    alice.run(&["instance", "recreate", &id]).expect_code(0);
    poll("the new container's first line", DEADLINE, || {
        (read().matches("start-").count() >= 2).then_some(())
    });
    assert!(
        follower.try_wait().expect("try_wait").is_none(),
        "logs -f ended at the recreate:\n{}",
        read()
    );
    let _ = follower.kill();
    let _ = follower.wait();

    let mut until = alice
        .command(&["logs", "-f", "g", "--until", "2000-01-01T00:00:00Z"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rsrc logs -f --until");
    let ended = poll(
        "logs -f --until <past> to end",
        Duration::from_secs(20),
        || until.try_wait().expect("try_wait"),
    );
    assert!(ended.success(), "{ended:?}");
    alice
        .run(&["instance", "rm", &id, "--volumes"])
        .expect_code(0);
}
