//! `rsrc logs`: the daemon streams a container's output in frames, stdout and stderr apart,
//! with the lines, times and filters of `docker logs`, and no cap on size or memory.

mod common;
mod docker_support;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{poll, Client, Options, DEADLINE};
use docker_support::*;

/// A machine `name` whose command is `sh -c SCRIPT`.
pub fn script_machine(e: &Env, name: &str, script: &str, extra: &str) {
    let file = e.d.dir.path().join(format!("{name}.toml"));
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"{name}\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
             command = [\"sh\", \"-c\", '''{script}''']\n{extra}\n",
            image()
        ),
    )
    .expect("write the machine file");
    e.admin
        .run(&["machine", "apply", "-f", &file.display().to_string()])
        .expect_code(0);
}

/// The id of the container of instance `id`.
pub fn container_of(id: &str) -> String {
    let out = common::docker(&[
        "ps",
        "-aq",
        "--no-trunc",
        "--filter",
        &format!("label=io.rsrc.instance={id}"),
    ]);
    out.lines().next().unwrap_or_default().trim().to_string()
}

/// `docker logs ARGS CONTAINER`: (stdout, stderr).
pub fn docker_logs(args: &[&str], container: &str) -> (String, String) {
    let out = Command::new("docker")
        .arg("logs")
        .args(args)
        .arg(container)
        .stdin(Stdio::null())
        .output()
        .expect("run docker logs");
    assert!(out.status.success(), "docker logs {args:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rsrc_logs(c: &Client, args: &[&str]) -> (String, String) {
    let mut all = vec!["logs"];
    all.extend_from_slice(args);
    let run = c.run(&all).expect_code(0);
    (run.stdout, run.stderr)
}

/// VmRSS of a process, in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn logs_agree_with_docker_logs_stream_by_stream() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    // Two streams, interleaved; `usleep` spreads the lines over more than one second so that
    // --since has something to cut.
    script_machine(
        &e,
        "twin",
        "i=0; while [ $i -lt 20 ]; do echo out-$i; echo err-$i >&2; i=$((i+1)); usleep 100000; done; \
         echo the-end; sleep 1000",
        "",
    );
    let alice = e.user("alice@example.com");
    let made = create(&alice, "twin", &["--name", "twin"]);
    let container = container_of(str_of(&made, "id"));
    poll("the last line", DEADLINE, || {
        docker_logs(&[], &container)
            .0
            .ends_with("the-end\n")
            .then_some(())
    });

    // The whole log by default, each stream where it belongs.
    assert_eq!(rsrc_logs(&alice, &["twin"]), docker_logs(&[], &container));
    let (out, err) = rsrc_logs(&alice, &["twin"]);
    assert!(
        out.starts_with("out-0\nout-1\n") && !out.contains("err-"),
        "{out}"
    );
    assert!(
        err.starts_with("err-0\nerr-1\n") && !err.contains("out-"),
        "{err}"
    );

    // --tail counts lines of both streams, as Docker's does.
    let (out, err) = rsrc_logs(&alice, &["twin", "--tail", "3"]);
    assert_eq!(out.lines().count() + err.lines().count(), 3, "{out}|{err}");
    assert_eq!((out, err), docker_logs(&["--tail", "3"], &container));
    for args in [["--tail", "all"], ["--tail", "0"]] {
        assert_eq!(
            rsrc_logs(&alice, &[&["twin"], &args[..]].concat()),
            docker_logs(&args, &container)
        );
    }

    // --timestamps, and --since/--until at a line's very timestamp.
    let (stamped, _) = docker_logs(&["--timestamps"], &container);
    assert_eq!(rsrc_logs(&alice, &["twin", "--timestamps"]).0, stamped);
    let tenth = stamped
        .lines()
        .nth(10)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let twelfth = stamped
        .lines()
        .nth(12)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    for args in [
        vec!["--since", tenth.as_str()],
        vec!["--since", tenth.as_str(), "--timestamps"],
        vec!["--until", twelfth.as_str()],
        vec!["--since", tenth.as_str(), "--until", twelfth.as_str()],
        vec!["--since", "1h"],
    ] {
        assert_eq!(
            rsrc_logs(&alice, &[&["twin"], &args[..]].concat()),
            docker_logs(&args, &container),
            "{args:?}"
        );
    }

    // --json: one object per line, with its stream and time.
    let json = alice.json(&["logs", "twin", "--tail", "3"]);
    let lines = json.as_array().unwrap();
    assert_eq!(lines.len(), 3, "{json}");
    assert!(
        lines
            .iter()
            .all(|l| l["time"].is_string() && l["stream"].is_string()),
        "{json}"
    );

    // Another user's instance reads as no instance at all.
    let bob = e.user("bob@example.com");
    let theirs = bob.run(&["logs", "twin"]).expect_code(3);
    let absent = bob.run(&["logs", "nothing-here"]).expect_code(3);
    assert_eq!(
        theirs.stderr.replace("twin", "X"),
        absent.stderr.replace("nothing-here", "X")
    );

    // A lost instance says so, and what is left to do, instead of Docker's complaint.
    common::docker(&["rm", "-f", &container]);
    let lost = alice.run(&["logs", "twin"]);
    assert_ne!(lost.code, 0);
    assert!(
        lost.stderr.contains("is lost") && lost.stderr.contains("rsrc instance rm"),
        "{}",
        lost.stderr
    );
    assert!(
        !lost.stderr.contains("cannot read logs of"),
        "{}",
        lost.stderr
    );
    alice
        .run(&["instance", "rm", str_of(&made, "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn the_whole_of_a_large_log_comes_with_flat_memory() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    // 200,000 lines, and a few longer than Docker's 16 KiB message size.
    script_machine(
        &e,
        "chatty",
        "seq 1 200000; pad=xxxxxxxxxx; for _ in 1 2 3 4 5 6 7 8 9 10 11; do pad=$pad$pad; done; \
         echo long-$pad; echo done; sleep 1000",
        "",
    );
    let alice = e.user("alice@example.com");
    let made = create(&alice, "chatty", &["--name", "chatty"]);
    let container = container_of(str_of(&made, "id"));
    poll("the last line", Duration::from_secs(120), || {
        (docker_logs(&["--tail", "1"], &container).0 == "done\n").then_some(())
    });
    let pid = e.d.pid().unwrap();
    let before = rss_kib(pid);
    let mut child = alice
        .command(&["logs", "chatty", "--tail", "all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut all).unwrap();
        all
    });
    let mut peak = before;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(rss_kib(pid));
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(child.wait().unwrap().success());
    let all = String::from_utf8(reader.join().unwrap()).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 200_002);
    for (i, line) in lines[..200_000].iter().enumerate() {
        assert_eq!(line.parse::<usize>().ok(), Some(i + 1), "line {i}");
    }
    assert_eq!(lines[200_000].len(), 5 + 10 * 2048);
    assert_eq!(all, docker_logs(&[], &container).0);
    assert!(
        peak.saturating_sub(before) < 10 * 1024,
        "rsrcd grew from {before} KiB to {peak} KiB"
    );
    alice
        .run(&["instance", "rm", str_of(&made, "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

/// Log reads without follow take turns per user (`limits.log_reads_per_user`): a user's second
/// read waits while the first is under way, another user's does not, and the turn passes on
/// when the first reader goes away.
#[test]
fn a_users_log_reads_take_turns_and_nobody_elses_wait() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options {
        limits_toml: "log_reads_per_user = 1".into(),
        ..Options::default()
    });
    // About 16 MB: more than every buffer between the daemon and a reader that stops reading.
    script_machine(
        &e,
        "big",
        "seq 1 200000 | sed 's/$/ a line of the test log, padded to about eighty bytes ......../'; \
         echo done; sleep 1000",
        "",
    );
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let alices = create(&alice, "big", &["--name", "big"]);
    let bobs = create(&bob, "big", &["--name", "big"]);
    for made in [&alices, &bobs] {
        let container = container_of(str_of(made, "id"));
        poll("the last line", Duration::from_secs(120), || {
            (docker_logs(&["--tail", "1"], &container).0 == "done\n").then_some(())
        });
    }

    // Alice's first read takes its turn, then stops reading: it holds the turn.
    let mut first = alice
        .command(&["logs", "big", "--tail", "all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the first reader");
    let mut head = [0u8; 16];
    std::io::Read::read_exact(first.stdout.as_mut().expect("stdout"), &mut head)
        .expect("the first read's first bytes");
    assert!(
        head.starts_with(b"1 a line"),
        "{:?}",
        String::from_utf8_lossy(&head)
    );

    let mut second = alice
        .command(&["logs", "big", "--tail", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the second reader");
    // Bob's read is not held up by Alice's.
    let (bobs_tail, _) = rsrc_logs(&bob, &["big", "--tail", "1"]);
    assert_eq!(bobs_tail, "done\n");
    // Alice's second waits as long as her first holds the turn.
    let held_until = std::time::Instant::now() + Duration::from_secs(2);
    while std::time::Instant::now() < held_until {
        assert!(
            second.try_wait().expect("try_wait").is_none(),
            "Alice's second read ended while her first held the turn"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // A follower's catch-up (`-f --tail all`) is a full read too: it waits its turn as well.
    let mut follower = alice
        .command(&["logs", "-f", "big", "--tail", "all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the follower");
    let mut follower_out = follower.stdout.take().expect("stdout");
    let (got_tx, got_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut head = [0u8; 16];
        let read = std::io::Read::read_exact(&mut follower_out, &mut head);
        let _ = got_tx.send(read.map(|()| head));
        // Keep reading so the follower is never held up by a full pipe.
        let _ = std::io::copy(&mut follower_out, &mut std::io::sink());
    });
    assert!(
        got_rx.recv_timeout(Duration::from_secs(2)).is_err(),
        "a follower's catch-up read took no turn"
    );
    // The first reader goes away; the turn passes on.
    first.kill().expect("kill the first reader");
    first.wait().expect("wait for the first reader");
    poll("the second read to end", DEADLINE, || {
        second.try_wait().expect("try_wait").map(|_| ())
    });
    let done = second.wait_with_output().expect("the second read's output");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&done.stdout), "done\n");
    let head = got_rx
        .recv_timeout(DEADLINE)
        .expect("the follower's first lines")
        .expect("read the follower");
    assert!(
        head.starts_with(b"1 a line"),
        "{:?}",
        String::from_utf8_lossy(&head)
    );
    follower.kill().expect("kill the follower");
    follower.wait().expect("wait for the follower");

    for (who, made) in [(&alice, &alices), (&bob, &bobs)] {
        who.run(&["instance", "rm", str_of(made, "id"), "--volumes"])
            .expect_code(0);
    }
    assert_nothing_labelled(&e.d);
}
