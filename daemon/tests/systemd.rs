//! The shipped units under a real systemd as PID 1: `systemd-nspawn --boot` over a Debian root
//! made once by scripts/lib.sh (ensure_systemd_root, cached in target/systemd-root) and booted
//! with `--volatile=overlay`, so every run starts from the same pristine root. rsrc is put in
//! with scripts/install; the host's Docker socket is bound in and the container shares the
//! host's network (the SMTP sink and the port checks are the host's).
//!
//! Needs root and a machine where nspawn can boot; skips with a message otherwise.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{poll, poll_for, remove_labelled, test_image, SmtpSink};

const BOOT: Duration = Duration::from_secs(90);
const STEP: Duration = Duration::from_secs(60);
/// The unprivileged user of the per-user test.
const USER: &str = "ada";
const USER_UID: u32 = 1500;

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository")
}

struct Container {
    nspawn: Child,
    pid1: u32,
    log: PathBuf,
}

impl Container {
    /// `sh -c script` inside, as root: (exit code, stdout + stderr).
    fn sh(&self, script: &str) -> (i32, String) {
        let out = Command::new("timeout")
            .arg(STEP.as_secs().to_string())
            .args(["nsenter", "-t", &self.pid1.to_string(), "-a", "--"])
            .args([
                "env",
                "-i",
                "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            ])
            .args(["HOME=/root", "sh", "-c", script])
            .stdin(Stdio::null())
            .output()
            .expect("nsenter");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }

    /// `sh -c script` inside, as the user `USER` in their login session's environment (the
    /// runtime dir and bus of their user manager), with their ~/.local/bin first on PATH.
    fn user_sh(&self, script: &str) -> (i32, String) {
        let uid = USER_UID;
        self.sh(&format!(
            "exec runuser -u {USER} -- env -i HOME=/home/{USER} USER={USER} \
             XDG_RUNTIME_DIR=/run/user/{uid} \
             DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{uid}/bus \
             PATH=/home/{USER}/.local/bin:/usr/bin:/bin sh -c {}",
            shell_quote(script)
        ))
    }

    #[track_caller]
    fn user_ok(&self, script: &str) -> String {
        let (code, text) = self.user_sh(script);
        if code != 0 {
            let (_, journal) = self.sh(&format!(
                "journalctl -b --no-pager _UID={USER_UID} | tail -n 40"
            ));
            panic!("`{script}` as {USER} exited {code}:\n{text}\njournal:\n{journal}");
        }
        text
    }

    #[track_caller]
    fn ok(&self, script: &str) -> String {
        let (code, text) = self.sh(script);
        if code != 0 {
            let (_, journal) = self.sh("journalctl -b --no-pager -u rsrcd.service | tail -n 40");
            panic!("`{script}` exited {code}:\n{text}\njournal:\n{journal}");
        }
        text
    }

    fn file(&self, path: &str) -> PathBuf {
        PathBuf::from(format!("/proc/{}/root{path}", self.pid1))
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        // SIGTERM asks nspawn to power the container off.
        let _ = Command::new("kill")
            .args(["-TERM", &self.nspawn.id().to_string()])
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.nspawn.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.nspawn.kill();
        let _ = self.nspawn.wait();
        eprintln!(
            "nspawn did not power off in time; killed (log {})",
            self.log.display()
        );
    }
}

fn can_boot() -> Option<PathBuf> {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIP: booting systemd under nspawn needs root");
        return None;
    }
    let root = repo().join("target/systemd-root");
    let made = Command::new("bash")
        .arg("-c")
        .arg("source scripts/lib.sh && ensure_systemd_root \"$1\"")
        .arg("bash")
        .arg(&root)
        .current_dir(repo())
        .status()
        .expect("bash");
    assert!(
        made.success(),
        "cannot make the Debian root at {}",
        root.display()
    );
    Some(root)
}

fn boot(root: &Path, dir: &Path) -> Container {
    let bins = Path::new(env!("CARGO_BIN_EXE_rsrcd"))
        .parent()
        .expect("bin dir");
    let log = dir.join("nspawn.log");
    let name = format!("rsrc-test-{}", std::process::id());
    let nspawn = Command::new("setsid")
        .arg("systemd-nspawn")
        .arg("-D")
        .arg(root)
        .args([
            "--boot",
            "--register=no",
            "--keep-unit",
            "--volatile=overlay",
        ])
        .arg(format!("--machine={name}"))
        .arg(format!("--bind-ro={}:/src", repo().display()))
        .arg(format!("--bind-ro={}:/build", bins.display()))
        .arg("--bind=/run/docker.sock:/run/docker.sock")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).expect("log"))
        .stderr(std::fs::File::create(dir.join("nspawn.err")).expect("log"))
        .spawn()
        .expect("systemd-nspawn");
    let pid = nspawn.id();
    let mut c = Container {
        nspawn,
        pid1: 0,
        log,
    };
    // Read again each time: early on, nspawn's child is an intermediate process that execs or
    // exits before the container's PID 1 settles.
    let mut last = String::new();
    poll("systemd to finish booting", BOOT, || {
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
        c.pid1 = children.split_whitespace().next()?.parse().ok()?;
        let (_, state) = c.sh("systemctl is-system-running");
        last = state.trim().to_string();
        matches!(last.as_str(), "running" | "degraded").then_some(())
    });
    c
}

/// One boot of the cached root at a time.
fn lock_root(root: &Path) -> nix::fcntl::Flock<std::fs::File> {
    let lock = std::fs::File::create(root.with_extension("lock")).expect("lock file");
    nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, e)| e)
        .expect("lock the root")
}

/// Removes the containers and volumes of one daemon (by its id), when dropped.
struct Cleanup(String);
impl Drop for Cleanup {
    fn drop(&mut self) {
        remove_labelled(&self.0);
    }
}

/// The daemon id in the registry at `dir` (a path inside the container), read from a copy:
/// SQLite resolves the /proc/PID/root link to the host's / and misses the file.
fn daemon_id(c: &Container, dir: &str, scratch: &Path) -> String {
    let copy = scratch.join("registry");
    std::fs::create_dir_all(&copy).expect("registry copy dir");
    for name in ["rsrc.db", "rsrc.db-wal"] {
        let _ = std::fs::copy(c.file(&format!("{dir}/{name}")), copy.join(name));
    }
    rusqlite::Connection::open(copy.join("rsrc.db"))
        .and_then(|db| {
            db.query_row("SELECT value FROM meta WHERE key = 'daemon_id'", [], |r| {
                r.get::<_, String>(0)
            })
        })
        .expect("daemon id")
}

fn free_port_range() -> (u16, u16) {
    common::port_range(5)
}

#[test]
fn the_units_run_under_a_real_systemd() {
    let Some(root) = can_boot() else {
        return;
    };
    let _lock = lock_root(&root);
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start(dir.path(), 0);
    let c = boot(&root, dir.path());

    c.ok("/src/scripts/install --from /build");
    c.ok("getent group rsrc");
    let (lo, hi) = free_port_range();
    std::fs::write(
        c.file("/etc/rsrc/rsrcd.toml"),
        format!(
            "advertise_host = \"127.0.0.1\"\nbind_address = \"127.0.0.1\"\n\
             port_range = \"{lo}-{hi}\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\n\
             from = \"rsrc <rsrc@test.local>\"\ntls = \"none\"\n",
            sink.port
        ),
    )
    .expect("write the config");

    let verify = c.ok(
        "systemd-analyze verify --man=no /etc/systemd/system/rsrcd.service \
         /etc/systemd/system/rsrcd.socket 2>&1",
    );
    let complaints: Vec<&str> = verify.lines().filter(|l| l.contains("rsrcd")).collect();
    assert!(complaints.is_empty(), "systemd-analyze verify:\n{verify}");

    // Socket activation: the socket alone, then the first client starts the service.
    c.ok("systemctl start rsrcd.socket");
    let (_, state) = c.sh("systemctl is-active rsrcd.service");
    assert_eq!(state.trim(), "inactive");
    c.ok("test -S /run/rsrc/rsrcd.sock && stat -c '%a %G' /run/rsrc/rsrcd.sock | grep -qx '660 rsrc'");
    c.ok("rsrc version");
    c.ok("systemctl is-active rsrcd.service");
    let _cleanup = Cleanup(daemon_id(&c, "/var/lib/rsrc", dir.path()));

    // Under the hardening: the registry, Docker's socket, host port checks, SMTP.
    c.ok(
        "printf 'admin-password-1\\n' | rsrcd --config /etc/rsrc/rsrcd.toml admin create \
          --email admin@test.local --password-stdin",
    );
    c.ok("printf 'admin-password-1\\n' | rsrc login --email admin@test.local --password-stdin");
    c.ok(&format!(
        "rsrc machine create web --image {} --port 8080 --command 'httpd -f -p 8080 -h /www'",
        test_image()
    ));
    c.ok("rsrc instance create web --wait --name one");
    c.ok("rsrc instance rm one");
    c.ok("rsrc logout");
    c.ok(
        "printf 'user-password-1\\n' | rsrc signup --email user@test.local --name User \
          --password-stdin && printf 'user-password-1\\n' | rsrc login --email user@test.local \
          --password-stdin && rsrc otp send",
    );
    let code = sink.wait_for_code("user@test.local", 1);
    c.ok(&format!("rsrc otp verify {code}"));

    // STATUS= reached systemd; the service is Type=notify, so READY did too. It reads
    // "reconciling N instances" until the first reconciliation is done (seconds on a loaded
    // host), then "serving; ...".
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        let status = c.ok("systemctl show -p StatusText --value rsrcd.service");
        if status.starts_with("serving; Docker ") || std::time::Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(status.starts_with("serving; Docker "), "{status}");

    let security = c.ok("systemd-analyze security rsrcd.service 2>&1 | tail -n 1");
    eprintln!(
        "systemd-analyze security rsrcd.service: {}",
        security.trim()
    );

    // A clean stop: exit 0 within the timeout, and the socket's file goes with the socket.
    c.ok("systemctl stop rsrcd.socket rsrcd.service");
    let result = c.ok("systemctl show -p Result -p ExecMainStatus rsrcd.service");
    assert!(
        result.contains("Result=success") && result.contains("ExecMainStatus=0"),
        "{result}"
    );
    c.ok("test ! -e /run/rsrc/rsrcd.sock");
    let (_, journal) = c.sh("journalctl -b --no-pager -u rsrcd.service -o cat");
    assert!(journal.contains("stopped"), "{journal}");
}

/// The per-user variant: `scripts/install --user` as an unprivileged user with a lingering user
/// manager, `systemctl --user start rsrcd.socket`, a client call starts the service, and
/// `systemctl --user stop` is clean. Skips, saying why, when this root cannot run a user manager.
#[test]
fn the_user_units_run_under_a_user_manager() {
    let Some(root) = can_boot() else {
        return;
    };
    let _lock = lock_root(&root);
    let dir = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start(dir.path(), 0);
    let c = boot(&root, dir.path());

    // The host's Docker socket keeps its group id inside; the user joins a group of that id.
    let docker_gid = std::fs::metadata("/run/docker.sock")
        .map(|m| std::os::unix::fs::MetadataExt::gid(&m))
        .expect("the host's Docker socket");
    c.ok(&format!(
        "getent group {docker_gid} >/dev/null || groupadd -g {docker_gid} docker; \
         useradd -m -u {USER_UID} -s /bin/sh -G \"$(getent group {docker_gid} | cut -d: -f1)\" {USER}"
    ));
    c.ok(&format!("loginctl enable-linger {USER}"));
    let mut state = String::new();
    let up = poll_for(BOOT, || {
        let (_, s) = c.sh(&format!("systemctl is-active user@{USER_UID}.service"));
        state = s.trim().to_string();
        (state == "active").then_some(())
    });
    if up.is_none() {
        let (_, journal) = c.sh(&format!(
            "systemctl status --no-pager user@{USER_UID}.service; \
             journalctl -b --no-pager -u user@{USER_UID}.service | tail -n 30"
        ));
        eprintln!(
            "SKIP: this root cannot run a user manager: user@{USER_UID}.service is {state:?} \
             after `loginctl enable-linger {USER}`:\n{journal}"
        );
        return;
    }
    let installed = c.user_ok("/src/scripts/install --user --from /build");
    assert!(
        installed.contains("systemctl --user enable --now rsrcd.socket"),
        "{installed}"
    );
    let units = format!("/home/{USER}/.config/systemd/user");
    let unit = std::fs::read_to_string(c.file(&format!("{units}/rsrcd.service"))).expect("unit");
    assert!(
        unit.contains(&format!("ExecStart=/home/{USER}/.local/bin/rsrcd")),
        "{unit}"
    );
    let (lo, hi) = free_port_range();
    let conf = c.file(&format!("/home/{USER}/.config/rsrc/rsrcd.toml"));
    std::fs::write(
        &conf,
        format!(
            "advertise_host = \"127.0.0.1\"\nbind_address = \"127.0.0.1\"\n\
             port_range = \"{lo}-{hi}\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\n\
             from = \"rsrc <rsrc@test.local>\"\ntls = \"none\"\n",
            sink.port
        ),
    )
    .expect("write the user's config");
    c.ok(&format!(
        "chown {USER}: /home/{USER}/.config/rsrc/rsrcd.toml"
    ));

    let verify = c.user_ok(&format!(
        "systemd-analyze --user verify --man=no {units}/rsrcd.service {units}/rsrcd.socket 2>&1"
    ));
    let complaints: Vec<&str> = verify.lines().filter(|l| l.contains("rsrcd")).collect();
    assert!(
        complaints.is_empty(),
        "systemd-analyze --user verify:\n{verify}"
    );

    // Socket activation under the user manager: the socket in $XDG_RUNTIME_DIR/rsrc, only the
    // user may connect, and the first client (on its default socket) starts the service.
    c.user_ok("systemctl --user daemon-reload && systemctl --user start rsrcd.socket");
    let (_, state) = c.user_sh("systemctl --user is-active rsrcd.service");
    assert_eq!(state.trim(), "inactive");
    let sock = format!("/run/user/{USER_UID}/rsrc/rsrcd.sock");
    c.user_ok(&format!(
        "test -S {sock} && stat -c '%a %U' {sock} | grep -qx '600 {USER}'"
    ));
    c.user_ok("rsrc version");
    c.user_ok("systemctl --user is-active rsrcd.service");
    let _cleanup = Cleanup(daemon_id(
        &c,
        &format!("/home/{USER}/.local/share/rsrc"),
        dir.path(),
    ));

    // Under the user unit's hardening: the XDG registry, Docker's socket, port checks, SMTP.
    c.user_ok(
        "printf 'admin-password-1\\n' | rsrcd admin create --email ada@test.local \
          --password-stdin && printf 'admin-password-1\\n' | rsrc login --email ada@test.local \
          --password-stdin",
    );
    c.user_ok(&format!(
        "rsrc machine create web --image {} --port 8080 --command 'httpd -f -p 8080 -h /www' && \
         rsrc instance create web --wait --name one && rsrc instance rm one",
        test_image()
    ));
    c.user_ok(
        "rsrc logout && printf 'user-password-1\\n' | rsrc signup --email bob@test.local \
          --name Bob --password-stdin && printf 'user-password-1\\n' | rsrc login \
          --email bob@test.local --password-stdin && rsrc otp send",
    );
    let code = sink.wait_for_code("bob@test.local", 1);
    c.user_ok(&format!("rsrc otp verify {code}"));

    c.user_ok("systemctl --user stop rsrcd.socket rsrcd.service");
    let result = c.user_ok("systemctl --user show -p Result -p ExecMainStatus rsrcd.service");
    assert!(
        result.contains("Result=success") && result.contains("ExecMainStatus=0"),
        "{result}"
    );
    c.user_ok(&format!("test ! -e {sock}"));
}
