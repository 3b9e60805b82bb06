//! `rsrc exec` (issue 20) through the real `rsrcd`, the real CLI and the real Docker engine:
//! stdout and stderr kept apart, stdin with `-i`, exit codes passed through, only the owner (or
//! an admin) may, a machine with `exec = false` refuses, a stopped instance is a clear error,
//! the audit line names the command but not its arguments, and a client that goes away ends
//! the command in the container.

mod common;
mod docker_support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{docker, poll, Options};
use docker_support::*;

const REDIS_IMAGE: &str = "rsrc-demo/redis:7";
const REDIS_PASSWORD: &str = "redis-Exec-Secret-9";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
}

/// The processes of a container, as `ps` in it shows them.
fn processes(container: &str) -> String {
    docker(&["exec", container, "ps", "-o", "args"])
}

#[test]
fn exec_passes_output_input_and_exit_codes_for_the_owner_only() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let web = create(&alice, "web", &["--name", "site", "--wait"]);
    let id = str_of(&web, "id").to_string();
    let container = str_of(&web, "container").to_string();

    // stdout and stderr apart, the exit code passed through.
    let run = alice
        .run(&[
            "exec",
            "site",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 7",
        ])
        .expect_code(7);
    assert_eq!(run.stdout, "out\n", "{run:?}");
    assert_eq!(run.stderr, "err\n", "{run:?}");
    let run = alice.run(&["exec", "site", "true"]).expect_code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));

    // stdin only with -i; the command sees its end.
    let run = alice
        .run_stdin(&["exec", "-i", "site", "--", "cat"], "hello")
        .expect_code(0);
    assert_eq!(run.stdout, "hello", "{run:?}");
    let run = alice
        .run_stdin(
            &["exec", "-i", "site", "--", "wc", "-c"],
            &"x".repeat(300_000),
        )
        .expect_code(0);
    assert_eq!(run.stdout.trim(), "300000", "{run:?}");
    let run = alice
        .run_stdin(&["exec", "site", "--", "cat"], "not passed")
        .expect_code(0);
    assert_eq!(run.stdout, "", "{run:?}");

    // A command that cannot be found exits as with `docker exec`.
    let docker_code = Command::new("docker")
        .args(["exec", &container, "no-such-command-here"])
        .output()
        .expect("docker exec")
        .status
        .code()
        .expect("an exit code");
    let run = alice.run(&["exec", "site", "no-such-command-here"]);
    assert_eq!(run.code, docker_code, "{run:?}");
    assert!((126..=127).contains(&run.code), "{run:?}");
    // Docker's reason goes to stderr (Docker's own CLI prints it on stdout).
    assert!(run.stderr.contains("no-such-command-here"), "{run:?}");
    assert_eq!(run.stdout, "", "{run:?}");

    // Only the owner or an admin.
    for reference in ["site", id.as_str()] {
        let run = bob.run(&["exec", reference, "true"]).expect_code(3);
        assert!(run.stderr.contains("no instance"), "{run:?}");
    }
    e.admin.run(&["exec", &id, "--", "true"]).expect_code(0);

    // A client that goes away ends the command in the container.
    let mut child = alice
        .command(&["exec", "site", "--", "sleep", "4321"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rsrc exec");
    poll("the command runs", Duration::from_secs(20), || {
        processes(&container).contains("sleep 4321").then_some(())
    });
    child.kill().expect("kill rsrc");
    let _ = child.wait();
    poll(
        "the command ends with its client",
        Duration::from_secs(20),
        || (!processes(&container).contains("sleep 4321")).then_some(()),
    );

    // The audit line: who, where, which command, how many arguments; never the arguments.
    let log = e.d.log_text();
    let audit: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(" exec ") || l.ends_with(" exec"))
        .filter(|l| l.contains("command="))
        .collect();
    assert!(
        audit.iter().any(|l| l.contains("alice@example.com")
            && l.contains(&id)
            && l.contains("command=sh")
            && l.contains("args=2")),
        "no audit line for alice's sh: {audit:?}"
    );
    assert!(
        audit.iter().any(|l| l.contains("admin@example.com")),
        "no audit line for the admin: {audit:?}"
    );
    assert!(
        !log.contains("echo err"),
        "the log shows a command's arguments"
    );

    // A stopped instance is a clear error (a conflict: exit 5).
    alice.run(&["instance", "stop", "site"]).expect_code(0);
    let run = alice.run(&["exec", "site", "true"]).expect_code(5);
    assert!(run.stderr.contains("not running"), "{run:?}");

    // A machine with `exec = false`: forbidden (exit 4), for its owner and for an admin.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("locked.toml");
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"locked\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
             command = \"httpd -f -p 8080 -h /www\"\nexec = false\n",
            image()
        ),
    )
    .expect("write the machine file");
    e.admin
        .run(&["machine", "apply", "-f", file.to_str().expect("utf-8")])
        .expect_code(0);
    create(&alice, "locked", &["--name", "vault", "--wait"]);
    let run = alice.run(&["exec", "vault", "true"]).expect_code(4);
    assert!(run.stderr.contains("exec is switched off"), "{run:?}");
    e.admin.run(&["exec", "vault", "true"]).expect_code(4);
    assert_eq!(e.admin.json(&["machine", "show", "locked"])["exec"], false);
    // Switched on again (`machine update --exec on`), it works at once for running instances.
    e.admin
        .run(&["machine", "update", "locked", "--exec", "on"])
        .expect_code(0);
    assert_eq!(alice.json(&["machine", "show", "locked"])["exec"], true);
    alice.run(&["exec", "vault", "true"]).expect_code(0);
    e.admin
        .run(&["machine", "update", "locked", "--exec", "off"])
        .expect_code(0);
    alice.run(&["exec", "vault", "true"]).expect_code(4);

    for name in ["site", "vault"] {
        alice.run(&["instance", "rm", name]).expect_code(0);
    }
}

#[test]
fn redis_cli_runs_through_exec() {
    if !common::docker_or_skip() {
        return;
    }
    if !common::docker_ok(&["image", "inspect", REDIS_IMAGE]) {
        assert!(
            std::env::var("RSRC_REQUIRE_DOCKER").as_deref() != Ok("1"),
            "{REDIS_IMAGE} is missing (scripts/images redis builds it)"
        );
        eprintln!("skipping: {REDIS_IMAGE} is missing");
        return;
    }
    let e = env(Options::default());
    let machine = repo().join("contrib/machines/redis.toml");
    e.admin
        .run(&["machine", "apply", "-f", machine.to_str().expect("utf-8")])
        .expect_code(0);
    let alice = e.user("alice@example.com");
    let password = format!("REDIS_PASSWORD={REDIS_PASSWORD}");
    create(
        &alice,
        "redis",
        &["--name", "cache", "--env", &password, "--wait"],
    );
    let run = poll("redis answers PING", Duration::from_secs(60), || {
        let run = alice.run(&[
            "exec",
            "-i",
            "cache",
            "--",
            "redis-cli",
            "--no-auth-warning",
            "-a",
            REDIS_PASSWORD,
            "PING",
        ]);
        (run.code == 0 && run.stdout.trim() == "PONG").then_some(run)
    });
    assert_eq!(run.stderr, "");
    // Commands on stdin, as a script would pipe them.
    let run = alice
        .run_stdin(
            &[
                "exec",
                "-i",
                "cache",
                "--",
                "redis-cli",
                "--no-auth-warning",
                "-a",
                REDIS_PASSWORD,
            ],
            "SET k v\nGET k\n",
        )
        .expect_code(0);
    assert_eq!(run.stdout, "OK\nv\n", "{run:?}");
    assert!(
        !e.d.log_text().contains(REDIS_PASSWORD),
        "the password is in rsrcd's log"
    );
    alice
        .run(&["instance", "rm", "cache", "--volumes"])
        .expect_code(0);
}

/// Runs a program under a new pseudo-terminal of `rows`x`cols` (python's `pty`), the way a
/// user's terminal runs it. After `ready` shows in its output the terminal is resized to
/// `then` (the kernel sends SIGWINCH), and `typed` is typed (backslash escapes allowed). Prints what the program wrote and
/// exits with its exit code.
const PTY_DRIVER: &str = r#"
import fcntl, os, pty, select, struct, sys, termios, time
rows, cols, rows2, cols2 = (int(x) for x in sys.argv[1:5])
typed = sys.argv[5].encode().decode("unicode_escape").encode("latin-1")
argv = sys.argv[6:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.execv(argv[0], argv)
out = b""
resized = False
deadline = time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if not resized and b"ready" in out:
        resized = True
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows2, cols2, 0, 0))
        time.sleep(1.0)
        os.write(fd, typed)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;

#[test]
fn exec_with_a_tty_has_the_terminal_size_and_passes_the_exit_code() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    create(&alice, "web", &["--name", "site", "--wait"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let driver = dir.path().join("drive_tty.py");
    std::fs::write(&driver, PTY_DRIVER).expect("write the pty driver");
    let python = std::env::var("RSRC_TEST_PYTHON").unwrap_or_else(|_| "python3".into());

    // `shell`: run rsrc from `sh -c SCRIPT` (rsrc is `$0`, its arguments `$@`).
    let under_pty_typing = |typed: &str, shell: Option<&str>, args: &[&str]| {
        let rsrc = alice.command(args);
        let mut cmd = Command::new(&python);
        cmd.arg(&driver).args(["33", "101", "40", "120", typed]);
        if let Some(script) = shell {
            cmd.args(["/bin/sh", "-c", script]);
        }
        cmd.arg(rsrc.get_program()).args(rsrc.get_args());
        for (key, value) in rsrc.get_envs() {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        let out = cmd.output().expect("python pty driver");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };

    // Docker 20.10 (API 1.41) sizes an exec's TTY only once its process runs, so a command's
    // very first look may see 0x0 (`docker exec -it C stty size` fails here the same way); on
    // API 1.42 and later the size is given at create. Hence the moment's wait.
    let under_pty_in = |shell: Option<&str>, args: &[&str]| under_pty_typing("go\\r", shell, args);
    let under_pty = |args: &[&str]| under_pty_in(None, args);
    let (code, out, err) = under_pty(&[
        "exec",
        "-it",
        "site",
        "--",
        "sh",
        "-c",
        "sleep 1; stty size; exit 3",
    ]);
    assert_eq!(code, 3, "{out} {err}");
    assert!(out.contains("33 101"), "the first size: {out:?} {err}");

    // A resize of the local terminal reaches the command's TTY; typed input reaches it too.
    let script = "sleep 1; stty size; echo ready; read x; stty size; echo \"got $x\"; exit 4";
    let (code, out, err) = under_pty(&["exec", "-it", "site", "--", "sh", "-c", script]);
    assert_eq!(code, 4, "{out} {err}");
    assert!(out.contains("33 101"), "{out:?}");
    assert!(
        out.contains("40 120"),
        "the size after a resize: {out:?} {err}"
    );
    assert!(out.contains("got go"), "typed input: {out:?}");

    // Ctrl-C goes to the command (raw mode), whose TTY turns it into SIGINT: exit 130.
    let (code, out, err) = under_pty_typing(
        "\\x03",
        None,
        &[
            "exec",
            "-it",
            "site",
            "--",
            "sh",
            "-c",
            "echo ready; exec sleep 4321",
        ],
    );
    assert_eq!(code, 130, "{out} {err}");

    // The terminal is out of raw mode again once rsrc is done.
    let script = "\"$0\" \"$@\"; echo \"code=$?\"; stty -a";
    let (code, out, err) = under_pty_in(
        Some(script),
        &["exec", "-it", "site", "--", "sh", "-c", "exit 6"],
    );
    assert_eq!(code, 0, "{out} {err}");
    assert!(out.contains("code=6"), "{out:?}");
    assert!(
        out.contains(" icanon") && out.contains(" echo ") && !out.contains("-icanon"),
        "the terminal was left in raw mode: {out:?}"
    );

    // Without -i the TTY gets no input, and stdout and stderr are one stream.
    let run = alice
        .run(&[
            "exec",
            "-t",
            "site",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 5",
        ])
        .expect_code(5);
    assert!(
        run.stdout.contains("out") && run.stdout.contains("err"),
        "{run:?}"
    );
    // -it with no terminal at all is a usage error, as `docker exec -it` in a pipe.
    let run = alice.run(&["exec", "-it", "site", "true"]).expect_code(2);
    assert!(run.stderr.contains("terminal"), "{run:?}");
    alice.run(&["instance", "rm", "site"]).expect_code(0);
}

/// An exec holds its connection after the switch: it still counts against its caller's
/// connection cap (`[connections] max_per_uid`), so that execs cannot get round it.
#[test]
fn exec_sessions_count_against_the_connection_cap() {
    if !common::docker_or_skip() {
        return;
    }
    const CAP: usize = 4;
    let e = env(Options {
        extra_toml: format!("connections = {{ max_per_uid = {CAP} }}\n"),
        ..Options::default()
    });
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let web = create(&alice, "web", &["--name", "site", "--wait"]);
    let container = str_of(&web, "container").to_string();
    let mut sessions: Vec<_> = (0..CAP)
        .map(|_| {
            alice
                .command(&["exec", "site", "--", "sleep", "4322"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("rsrc exec")
        })
        .collect();
    poll("the sessions run", Duration::from_secs(30), || {
        (processes(&container).matches("sleep 4322").count() == CAP).then_some(())
    });
    let run = alice.run(&["whoami"]);
    assert_ne!(run.code, 0, "a connection over the cap was let in: {run:?}");
    // The daemon answers a refused connection with a 503 at once; a client still writing its
    // request may see that as a connection that broke off.
    assert!(
        run.stderr.contains("connections") || run.stderr.contains("broke off"),
        "{run:?}"
    );
    for child in &mut sessions {
        child.kill().expect("kill rsrc");
        let _ = child.wait();
    }
    poll("the slots are free again", Duration::from_secs(20), || {
        (alice.run(&["whoami"]).code == 0).then_some(())
    });
    poll("the commands ended", Duration::from_secs(20), || {
        (!processes(&container).contains("sleep 4322")).then_some(())
    });
    alice.run(&["instance", "rm", "site"]).expect_code(0);
}
