//! Dynamic completion end to end: the real `rsrc` asked as bash and fish ask it on Tab
//! (`COMPLETE=bash rsrc -- rsrc instance stop PREFIX`), against the real rsrcd: instance,
//! machine and volume names of the caller, none of other users', and silence without a daemon.

mod common;
mod docker_support;

use std::os::unix::net::UnixListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{poll, Client, Options, Run};
use docker_support::*;

/// How bash calls the completer: the words of the line, the index of the one under the cursor.
fn bash_command(mut cmd: Command, words: &[&str]) -> Command {
    cmd.env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", words.len().to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .env("_CLAP_IFS", "\n");
    cmd
}

fn words_after_escape(words: &[&str]) -> Vec<String> {
    let mut all = vec!["--".to_string(), "rsrc".to_string()];
    all.extend(words.iter().map(|w| w.to_string()));
    all
}

/// The candidates bash gets for the last of `words`.
fn bash(c: &Client, words: &[&str]) -> Vec<String> {
    let args = words_after_escape(words);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run: Run = bash_command(c.command(&args), words)
        .stdin(Stdio::null())
        .output()
        .expect("run rsrc")
        .into();
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "", "completion must be silent");
    names(run.stdout.lines())
}

/// The candidates that are names: flags are offered alongside them on an empty word.
fn names<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    lines
        .filter(|l| !l.starts_with('-'))
        .map(str::to_string)
        .collect()
}

/// The candidates fish gets: `name<TAB>help` lines.
fn fish(c: &Client, words: &[&str]) -> Vec<String> {
    let args = words_after_escape(words);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = c.command(&args);
    cmd.env("COMPLETE", "fish");
    let run: Run = cmd.output().expect("run rsrc").into();
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "", "completion must be silent");
    names(
        run.stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default()),
    )
}

#[test]
fn names_complete_from_the_daemon() {
    let e = env_in_process(Options::default());
    httpd_machine(
        &e.admin,
        "webcomp",
        &["--volume", "/data", "--max-per-user", "3"],
    );
    httpd_machine(&e.admin, "other", &[]);
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let mine = create(&alice, "webcomp", &["--name", "wedding"]);
    let kept = create(&alice, "webcomp", &["--name", "keeper"]);
    let theirs = create(&bob, "webcomp", &["--name", "wenceslas"]);
    alice
        .run(&["instance", "rm", str_of(&kept, "id")])
        .expect_code(0);
    let volumes = alice.json(&["volume", "ls"]);
    let kept: Vec<&serde_json::Value> = volumes
        .as_array()
        .expect("volumes")
        .iter()
        .filter(|v| v["in_use"] == false)
        .collect();
    assert_eq!(kept.len(), 1, "{volumes}");
    let volume = str_of(kept[0], "name").to_string();

    // Instances: the caller's own, by name; not bob's.
    assert_eq!(bash(&alice, &["instance", "stop", "we"]), ["wedding"]);
    assert_eq!(bash(&alice, &["instance", "rm", ""]), ["wedding"]);
    assert_eq!(bash(&alice, &["logs", "w"]), ["wedding"]);
    assert_eq!(bash(&bob, &["instance", "show", "we"]), ["wenceslas"]);
    assert_eq!(fish(&alice, &["instance", "restart", "we"]), ["wedding"]);
    // Also for an admin: the own instances only.
    assert!(bash(&e.admin, &["instance", "stop", "we"]).is_empty());

    // Machines.
    assert_eq!(bash(&alice, &["instance", "create", "web"]), ["webcomp"]);
    assert_eq!(
        bash(&alice, &["instance", "create", ""]),
        ["other", "webcomp"]
    );
    assert_eq!(bash(&alice, &["machine", "show", "o"]), ["other"]);
    assert_eq!(fish(&alice, &["instance", "create", "o"]), ["other"]);

    // Kept volumes.
    assert_eq!(bash(&alice, &["volume", "rm", ""]), vec![volume.clone()]);
    assert!(bash(&bob, &["volume", "rm", ""]).is_empty());

    for (c, i) in [(&alice, &mine), (&bob, &theirs)] {
        c.run(&["instance", "rm", str_of(i, "id"), "--volumes"])
            .expect_code(0);
    }
    alice.run(&["volume", "rm", &volume]).expect_code(0);
    assert_nothing_labelled(&e.d);
}

/// Runs the completer, failing (not hanging) if it does not end within `deadline`.
fn finishes(mut cmd: Command, deadline: Duration) -> Run {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rsrc");
    let done = std::cell::Cell::new(false);
    poll("the completer to give up", deadline, || {
        child.try_wait().expect("try_wait").map(|_| done.set(true))
    });
    assert!(done.get());
    child.wait_with_output().expect("output").into()
}

#[test]
fn without_a_daemon_completion_is_silent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = Client {
        socket: dir.path().join("none.sock"),
        config_dir: dir.path().join("config"),
        email: "nobody@example.com".into(),
    };
    std::fs::create_dir_all(&client.config_dir).expect("config dir");
    let words = ["instance", "stop", "we"];
    let args = words_after_escape(&words);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = finishes(
        bash_command(client.command(&args), &words),
        Duration::from_secs(20),
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );

    // A daemon that accepts and never answers: the completer gives up on its own.
    let hung = dir.path().join("hung.sock");
    let _listener = UnixListener::bind(&hung).expect("bind");
    let client = Client {
        socket: hung,
        ..client
    };
    let run = finishes(
        bash_command(client.command(&args), &words),
        Duration::from_secs(20),
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    // Subcommand names still complete: they need no daemon.
    let run = finishes(
        bash_command(
            client.command(&["--", "rsrc", "instance", "sto"]),
            &["instance", "sto"],
        ),
        Duration::from_secs(20),
    );
    assert_eq!(run.stdout.trim(), "stop", "{run:?}");
}

#[test]
fn completion_prints_the_registration_script() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish"] {
        let printed = Command::new(common::rsrc_bin())
            .args(["completion", shell])
            .env("HOME", dir.path())
            .output()
            .expect("rsrc completion");
        assert!(printed.status.success());
        let env = Command::new(common::rsrc_bin())
            .env("COMPLETE", shell)
            .env("HOME", dir.path())
            .output()
            .expect("COMPLETE=shell rsrc");
        assert!(env.status.success());
        assert_eq!(printed.stdout, env.stdout, "{shell}");
        let text = String::from_utf8_lossy(&printed.stdout);
        assert!(text.contains("COMPLETE="), "{shell}: {text}");
    }
}
