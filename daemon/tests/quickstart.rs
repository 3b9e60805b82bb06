//! scripts/quickstart from a clean clone, end to end: every step's output, a second run that
//! reuses what runs, then `--stop` (nothing left running: no pid, no container of its daemon)
//! and `--stop --purge`.
//!
//! The clone is `git clone --no-hardlinks` of this repository's HEAD plus the working tree's
//! tracked changes (`git diff HEAD | git apply`), so the test checks what is on disk; CI runs on
//! a clean checkout anyway. The quickstart runs on the binaries this suite just built
//! (RSRC_QS_BIN_DIR), not on a release build of its own: the workspace crates would build again
//! for the clone's path, which took 18 minutes on the shared 2-core machine. With
//! RSRC_QS_TEST_RELEASE=1 it does its `cargo build --release` too, with CARGO_TARGET_DIR at the
//! suite's own target dir so the dependencies are warm. Its daemon gets its own SMTP port and
//! host port range, its state stays inside the clone, and its containers carry its own daemon
//! id, so it meets neither a real daemon nor another test.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository")
}

/// The suite's target dir: `<target>/debug/rsrcd` → `<target>`.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_rsrcd"))
        .parent()
        .and_then(Path::parent)
        .expect("the target dir")
        .to_path_buf()
}

/// The suite's own binaries, unless RSRC_QS_TEST_RELEASE=1 asks for the quickstart's build.
fn bin_dir() -> String {
    if std::env::var("RSRC_QS_TEST_RELEASE").as_deref() == Ok("1") {
        return String::new();
    }
    Path::new(env!("CARGO_BIN_EXE_rsrcd"))
        .parent()
        .expect("the binaries' dir")
        .display()
        .to_string()
}

fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("git")
        .args(["-c", "safe.directory=*", "-C"])
        .arg(dir)
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A clean copy of the source: a `git clone` of HEAD plus the working tree's uncommitted
/// changes, or, where the checkout is no git repository (or git is missing), a copy of the
/// tree without its build outputs and state.
fn clean_clone(into: &Path) -> PathBuf {
    let clone = into.join("rsrc");
    let is_repo = Command::new("git")
        .args(["-c", "safe.directory=*", "-C"])
        .arg(repo())
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !is_repo {
        std::fs::create_dir_all(&clone).expect("clone dir");
        for entry in std::fs::read_dir(repo()).expect("read the checkout") {
            let entry = entry.expect("checkout entry");
            let name = entry.file_name();
            if [".git", "target", ".rsrc-quickstart"]
                .iter()
                .any(|n| name == *n)
            {
                continue;
            }
            let status = Command::new("cp")
                .arg("-a")
                .arg(entry.path())
                .arg(&clone)
                .status()
                .expect("cp");
            assert!(status.success(), "copying {name:?} failed");
        }
        return clone;
    }
    let status = Command::new("git")
        .args([
            "-c",
            "safe.directory=*",
            "clone",
            "--quiet",
            "--no-hardlinks",
        ])
        .arg(repo())
        .arg(&clone)
        .status()
        .expect("git clone");
    assert!(status.success(), "git clone failed");
    let diff = git(&repo(), &["diff", "--binary", "HEAD"]);
    if !diff.is_empty() {
        let mut apply = Command::new("git")
            .arg("-C")
            .arg(&clone)
            .args(["apply", "--whitespace=nowarn", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("git apply");
        use std::io::Write;
        apply
            .stdin
            .take()
            .expect("stdin")
            .write_all(&diff)
            .expect("feed git apply");
        assert!(
            apply.wait().expect("git apply").success(),
            "git apply failed"
        );
    }
    clone
}

fn free_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

struct Quickstart {
    clone: PathBuf,
    smtp_port: u16,
    port_range: String,
}

impl Quickstart {
    /// Runs scripts/quickstart with `args`: (exit code, stdout + stderr).
    fn run(&self, args: &[&str]) -> (i32, String) {
        let started = std::time::Instant::now();
        let out = Command::new("timeout")
            .arg("900")
            .arg(self.clone.join("scripts/quickstart"))
            .args(args)
            .current_dir(&self.clone)
            .env("CARGO_TARGET_DIR", target_dir())
            .env("RSRC_QS_BIN_DIR", bin_dir())
            .env("RSRC_QS_SMTP_PORT", self.smtp_port.to_string())
            .env("RSRC_QS_PORT_RANGE", &self.port_range)
            .env_remove("RSRC_SOCKET")
            .env_remove("RSRC_CONFIG_DIR")
            .env_remove("RSRC_TOKEN")
            .stdin(Stdio::null())
            .output()
            .expect("run scripts/quickstart");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!(
            "scripts/quickstart {args:?}: {:.1} s",
            started.elapsed().as_secs_f64()
        );
        (out.status.code().unwrap_or(-1), text)
    }

    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        let (code, text) = self.run(args);
        assert_eq!(
            code, 0,
            "scripts/quickstart {args:?} exited {code}:\n{text}"
        );
        text
    }

    fn state(&self) -> PathBuf {
        self.clone.join(".rsrc-quickstart")
    }

    fn daemon_id(&self) -> String {
        rusqlite::Connection::open(self.state().join("data/rsrc.db"))
            .and_then(|db| {
                db.query_row("SELECT value FROM meta WHERE key = 'daemon_id'", [], |r| {
                    r.get::<_, String>(0)
                })
            })
            .expect("the quickstart daemon's id")
    }

    fn pid(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.state().join(name))
            .ok()
            .map(|s| s.trim().to_string())
    }
}

/// After a panic: stop what the quickstart started, and remove its daemon's containers.
struct Cleanup<'a> {
    qs: &'a Quickstart,
    daemon_id: Option<String>,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        if self.qs.state().exists() {
            let _ = self.qs.run(&["--stop", "--purge"]);
        }
        if let Some(id) = &self.daemon_id {
            common::remove_labelled(id);
        }
    }
}

fn labelled(kind: &[&str], daemon_id: &str) -> String {
    let filter = format!("label=io.rsrc.daemon={daemon_id}");
    let mut args = kind.to_vec();
    args.extend(["-q", "--filter", &filter]);
    common::docker(&args)
}

#[track_caller]
fn assert_has(text: &str, what: &str) {
    assert!(text.contains(what), "no {what:?} in the output:\n{text}");
}

#[test]
fn quickstart_from_a_clean_clone() {
    if !common::docker_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let (lo, hi) = common::port_range(10);
    let qs = Quickstart {
        clone: clean_clone(tmp.path()),
        smtp_port: free_tcp_port(),
        port_range: format!("{lo}-{hi}"),
    };
    let mut cleanup = Cleanup {
        qs: &qs,
        daemon_id: None,
    };

    // Another quickstart (or anything) on the SMTP port: the sink takes a free one and says so.
    let squatter = std::net::TcpListener::bind(("127.0.0.1", qs.smtp_port)).expect("bind");
    let first = qs.ok(&[]);
    drop(squatter);
    let id = qs.daemon_id();
    assert_has(&first, &format!("(port {} was taken)", qs.smtp_port));
    cleanup.daemon_id = Some(id.clone());
    assert_has(&first, "admin: created admin@example.com");
    assert_has(
        &first,
        "$ rsrc signup --email demo@example.com --name Demo --password-stdin < ",
    );
    assert_has(&first, "$ rsrc otp send");
    assert_has(&first, "$ rsrc otp verify ******");
    assert!(
        !first.contains("verification code is"),
        "the code is printed:\n{first}"
    );
    assert_has(&first, "$ rsrc instance create web --name hello --wait");
    // The page the web machine serves, fetched on the printed host and port.
    assert_has(&first, &format!("$ curl -sS http://127.0.0.1:{lo}/"));
    assert_has(&first, "hello from rsrc-test-busybox");
    assert_has(&first, "$ rsrc instance ls");
    assert_has(&first, "$ rsrc logs --tail 5 hello");
    assert_has(&first, "serving /data on port 8080");
    assert_has(&first, "$ rsrc instance uptime hello");
    assert_has(&first, "$ rsrc events --instance hello");
    assert_has(
        &first,
        "$ rsrc machine comment web 'Serves its page in seconds.'",
    );
    assert_has(&first, "$ rsrc machine rate web 5");
    assert_has(&first, "rating 5.0 (1 rating)");
    assert_has(&first, "Serves its page in seconds.");
    assert_has(&first, "export RSRC_SOCKET=");
    assert_has(&first, "scripts/quickstart --stop");
    let ls = first
        .split("$ rsrc instance ls\n")
        .nth(1)
        .and_then(|rest| rest.split("\n# ").next())
        .unwrap_or("");
    assert!(
        ls.lines()
            .any(|l| l.contains("hello") && l.contains("web") && l.to_lowercase().contains("up")),
        "instance ls:\n{ls}"
    );
    let running = labelled(&["ps"], &id);
    assert_eq!(running.lines().count(), 1, "containers: {running}");

    // Again: the daemon, the accounts and the instance are reused, nothing is made twice.
    let pid = qs.pid("rsrcd.pid").expect("rsrcd.pid");
    let second = qs.ok(&[]);
    assert_has(&second, "was already running");
    assert_has(&second, "already exists (password from the earlier run)");
    assert!(!second.contains("$ rsrc signup"), "{second}");
    assert!(!second.contains("$ rsrc otp send"), "{second}");
    assert!(!second.contains("$ rsrc instance create"), "{second}");
    assert!(!second.contains("$ rsrc machine comment web"), "{second}");
    assert_has(&second, "$ rsrc instance show hello");
    assert_has(&second, "hello from rsrc-test-busybox");
    assert_eq!(qs.pid("rsrcd.pid").as_deref(), Some(pid.as_str()));
    assert_eq!(labelled(&["ps"], &id).lines().count(), 1);

    // --stop: the instance goes through rsrc, its volume stays, the processes end.
    let sink_pid = qs.pid("smtp-sink.pid").expect("smtp-sink.pid");
    let stop = qs.ok(&["--stop"]);
    assert_has(&stop, "$ rsrc instance rm ");
    assert_has(&stop, "stopped rsrcd");
    assert_has(&stop, "stopped the SMTP sink");
    for p in [&pid, &sink_pid] {
        assert!(
            !Path::new(&format!("/proc/{p}")).exists(),
            "pid {p} still runs after --stop:\n{stop}"
        );
    }
    assert_eq!(
        labelled(&["ps", "-a"], &id),
        "",
        "containers left after --stop"
    );
    assert_ne!(
        labelled(&["volume", "ls"], &id),
        "",
        "--stop keeps the volume"
    );
    assert!(qs.state().exists());

    // --stop --purge with the daemon stopped: it starts it to remove the volumes, then stops it.
    let purge = qs.ok(&["--stop", "--purge"]);
    assert_has(&purge, "$ rsrc volume rm ");
    assert_eq!(
        labelled(&["volume", "ls"], &id),
        "",
        "volumes left after --purge"
    );
    assert_eq!(labelled(&["ps", "-a"], &id), "");
    assert!(!qs.state().exists(), "{purge}");
}
