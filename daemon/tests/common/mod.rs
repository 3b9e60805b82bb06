//! Test harness for end-to-end tests: the real `rsrcd` and `rsrc` binaries on a temporary socket
//! and data dir, a real SMTP sink on loopback, and the real Docker engine.
//!
//! `TestDaemon::in_process` runs the daemon inside the test process instead, on the in-memory
//! engine: the same registry, HTTP server and socket, so the `rsrc` binary and raw requests talk
//! to it as to the real one, and no Docker is needed. Tests of the process itself (signals,
//! kill -9, its descriptors) and of containers use `TestDaemon::start`.
//!
//! Every daemon gets its own registry, hence its own `io.rsrc.daemon` label value; a daemon's
//! Drop removes every container, volume and network carrying that label, so tests never touch
//! what is not theirs, even after a panic. Each daemon takes its users' subnets from a pool of
//! its own ([`network_pool`]). `RSRC_TEST_KEEP=1` leaves everything in place for debugging.

#![allow(dead_code)]

pub mod demo;
mod network;

pub use network::network_pool;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rsrc_shared::v1;
use rsrcd::engine::fake::FakeEngine;
use tokio_util::sync::CancellationToken;

pub const DEADLINE: Duration = Duration::from_secs(30);

/// Polls `f` until it returns `Some`, or panics with `what` after `timeout`.
pub fn poll<T>(what: &str, timeout: Duration, f: impl FnMut() -> Option<T>) -> T {
    poll_for(timeout, f).unwrap_or_else(|| panic!("timed out after {timeout:?} waiting for {what}"))
}

/// Polls `f` until it returns `Some` or `timeout` passes (then `None`), for a caller that has
/// something else to do when it never comes.
pub fn poll_for<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > timeout {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn rsrcd_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rsrcd"))
}

/// `rsrc` is built by the same workspace build, next to `rsrcd`.
pub fn rsrc_bin() -> PathBuf {
    let path = rsrcd_bin().with_file_name("rsrc");
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace` first (scripts/test does)",
        path.display()
    );
    path
}

pub fn test_image() -> String {
    std::env::var("RSRC_TEST_IMAGE").unwrap_or_else(|_| "rsrc-test-busybox:latest".into())
}

/// Whether Docker is usable; without it Docker tests skip, unless RSRC_REQUIRE_DOCKER=1.
pub fn docker_or_skip() -> bool {
    let ok = Command::new("docker")
        .args(["image", "inspect", &test_image()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("RSRC_REQUIRE_DOCKER").as_deref() == Ok("1") {
            panic!(
                "Docker or the test image {} is not available, and RSRC_REQUIRE_DOCKER=1",
                test_image()
            );
        }
        eprintln!(
            "skipping: Docker or the test image is not available (scripts/test sets them up)"
        );
    }
    ok
}

/// Runs `docker` with `args`, returning stdout (panics on failure).
pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("run docker");
    assert!(
        out.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs `docker`, returning whether it succeeded.
pub fn docker_ok(args: &[&str]) -> bool {
    Command::new("docker")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// A free range of host ports for one daemon, disjoint from every other test's.
pub fn port_range(size: u16) -> (u16, u16) {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    // Each test binary gets its own 2000-port block (by process id), each daemon a slice of it.
    let block = 30000 + (std::process::id() % 15) as u16 * 2000;
    let offset = NEXT.fetch_add(size, Ordering::SeqCst);
    assert!(offset + size < 2000, "test port block exhausted");
    (block + offset, block + offset + size - 1)
}

// ---- sinks ------------------------------------------------------------------------------------

/// A sink of scripts/ (smtp-sink.py, sms-sink.py): both take `--host --port DIR_FLAG DIR
/// --port-file`, write the port they bound to the port file, and print "ready".
pub struct SinkProcess(pub Child);

impl SinkProcess {
    /// Starts `script` on `port` (0: a free one), keeping what it receives under `store`;
    /// returns once it said "ready", with the port it listens on.
    pub fn start(
        script: &str,
        dir: &Path,
        port: u16,
        store_flag: &str,
        store: &Path,
    ) -> (SinkProcess, u16) {
        SinkProcess::start_with(script, dir, port, store_flag, store, &[])
    }

    /// As [`SinkProcess::start`], with more arguments for the script (sms-sink.py's
    /// `--tls-cert`, `--delay`).
    pub fn start_with(
        script: &str,
        dir: &Path,
        port: u16,
        store_flag: &str,
        store: &Path,
        extra: &[&str],
    ) -> (SinkProcess, u16) {
        let python = std::env::var("RSRC_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let port_file = dir.join(format!("sink-port-{}", rand_suffix()));
        let mut child = Command::new(python)
            .arg(script)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(store_flag)
            .arg(store)
            .arg("--port-file")
            .arg(&port_file)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {script} (scripts/test installs its Python): {e}"));
        let stdout = child.stdout.take().expect("sink stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read sink output");
        assert_eq!(line.trim(), "ready", "{script} did not start");
        let port = std::fs::read_to_string(&port_file)
            .expect("sink port file")
            .trim()
            .parse()
            .expect("sink port");
        (SinkProcess(child), port)
    }
}

// ---- SMTP sink --------------------------------------------------------------------------------

pub struct SmtpSink {
    child: Option<Child>,
    pub port: u16,
    pub maildir: PathBuf,
}

impl SmtpSink {
    /// Starts the sink on a free port (`port` = 0) or a given one, and waits for "ready".
    pub fn start(dir: &Path, port: u16) -> SmtpSink {
        let script = std::env::var("RSRC_SMTP_SINK").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/smtp-sink.py").into()
        });
        let maildir = dir.join("mail");
        let (child, port) = SinkProcess::start(&script, dir, port, "--maildir", &maildir);
        SmtpSink {
            child: Some(child.0),
            port,
            maildir,
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }

    /// Every mail received so far, oldest first.
    pub fn mails(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.maildir)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    /// Mails to `to`, oldest first.
    pub fn mails_to(&self, to: &str) -> Vec<String> {
        self.mails()
            .into_iter()
            .filter(|m| {
                m.lines()
                    .any(|l| l.eq_ignore_ascii_case(&format!("X-Envelope-To: {to}")))
            })
            .collect()
    }

    /// Waits for the `n`th mail to `to` and returns the 6-digit code in it.
    pub fn wait_for_code(&self, to: &str, n: usize) -> String {
        let mail = poll(&format!("mail #{n} to {to}"), DEADLINE, || {
            self.mails_to(to).get(n - 1).cloned()
        });
        extract_code(&mail).unwrap_or_else(|| panic!("no 6-digit code in mail:\n{mail}"))
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn extract_code(mail: &str) -> Option<String> {
    mail.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .map(str::to_string)
}

fn rand_suffix() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        NEXT_ID.fetch_add(1, Ordering::SeqCst)
    )
}

static NEXT_ID: AtomicU16 = AtomicU16::new(0);

// ---- daemon -----------------------------------------------------------------------------------

/// Options for a test daemon.
pub struct Options {
    pub smtp_port: Option<u16>,
    pub port_range: (u16, u16),
    pub max_instances_per_user: i64,
    /// Top-level keys for the config file.
    pub extra_toml: String,
    /// More keys of its `[limits]` table.
    pub limits_toml: String,
    /// The `[network]` table's keys; the default is a pool of the daemon's own
    /// ([`network_pool`]).
    pub network_toml: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            smtp_port: None,
            port_range: port_range(20),
            max_instances_per_user: 10,
            extra_toml: String::new(),
            limits_toml: String::new(),
            network_toml: network_pool(),
        }
    }
}

pub struct TestDaemon {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    pub config: PathBuf,
    pub data_dir: PathBuf,
    pub port_range: (u16, u16),
    child: Option<Child>,
    /// The engine of a daemon run in this process; `None` for the real binary.
    fake: Option<Arc<FakeEngine>>,
    in_process: Option<InProcess>,
    log: PathBuf,
    daemon_id: Option<String>,
}

/// A daemon serving on a runtime of its own, in a thread of this process.
struct InProcess {
    shutdown: CancellationToken,
    thread: std::thread::JoinHandle<()>,
}

thread_local! {
    /// The log of the daemon whose runtime this thread belongs to.
    static DAEMON_LOG: std::cell::RefCell<Option<tracing::dispatcher::DefaultGuard>> =
        const { std::cell::RefCell::new(None) };
}

impl TestDaemon {
    /// The real `rsrcd` binary, on Docker.
    pub fn start(opts: Options) -> TestDaemon {
        let mut d = TestDaemon::configure(opts, None);
        d.spawn();
        d
    }

    /// The daemon in this process, on an in-memory engine that holds the test image.
    pub fn in_process(opts: Options) -> TestDaemon {
        let engine = FakeEngine::new();
        engine.add_image(&test_image());
        TestDaemon::in_process_on(opts, engine)
    }

    /// The daemon in this process, on `engine`; a restart (`stop`, `spawn`) keeps it, as Docker
    /// keeps its containers.
    pub fn in_process_on(opts: Options, engine: FakeEngine) -> TestDaemon {
        let mut d = TestDaemon::configure(opts, Some(Arc::new(engine)));
        d.spawn();
        d
    }

    /// The in-memory engine, when the daemon runs in this process.
    pub fn fake_engine(&self) -> Option<&FakeEngine> {
        self.fake.as_deref()
    }

    /// The in-memory engine of a daemon run in this process.
    pub fn fake(&self) -> &FakeEngine {
        self.fake
            .as_deref()
            .expect("only a daemon in this process has a fake engine")
    }

    fn configure(opts: Options, fake: Option<Arc<FakeEngine>>) -> TestDaemon {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("rsrcd.sock");
        let data_dir = dir.path().join("data");
        let config = dir.path().join("rsrcd.toml");
        let smtp = match opts.smtp_port {
            Some(port) => format!(
                "\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nfrom = \"rsrc <rsrc@test.local>\"\ntls = \"none\"\n"
            ),
            None => String::new(),
        };
        let toml = format!(
            "data_dir = {data:?}\nsocket = {sock:?}\nadvertise_host = \"127.0.0.1\"\n\
             bind_address = \"127.0.0.1\"\nport_range = \"{lo}-{hi}\"\n{extra}\n\
             [network]\n{network}\n\
             [limits]\nmax_instances_per_user = {max}\n{limits}\n{smtp}",
            data = data_dir.display().to_string(),
            sock = socket.display().to_string(),
            lo = opts.port_range.0,
            hi = opts.port_range.1,
            extra = opts.extra_toml,
            max = opts.max_instances_per_user,
            limits = opts.limits_toml,
            network = opts.network_toml,
        );
        std::fs::write(&config, toml).expect("write config");
        let log = dir.path().join("rsrcd.log");
        TestDaemon {
            dir,
            socket,
            config,
            data_dir,
            port_range: opts.port_range,
            child: None,
            fake,
            in_process: None,
            log,
            daemon_id: None,
        }
    }

    /// Starts the daemon (again) and waits until it answers.
    pub fn spawn(&mut self) {
        assert!(
            self.child.is_none() && self.in_process.is_none(),
            "daemon already running"
        );
        if let Some(engine) = self.fake.clone() {
            self.spawn_in_process(engine);
            return;
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("daemon log");
        let child = Command::new(rsrcd_bin())
            .arg("--config")
            .arg(&self.config)
            .env("RSRC_LOG", "info,rsrcd=debug")
            .env_remove("RSRC_SOCKET")
            .env_remove("RSRC_DATA_DIR")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start rsrcd");
        self.child = Some(child);
        let socket = self.socket.clone();
        poll("rsrcd to answer", DEADLINE, || {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "rsrcd exited early with {status}; log:\n{}",
                    self.log_text()
                );
            }
            raw_request(&socket, "GET", v1!("/version"), None, None)
                .ok()
                .filter(|(status, _)| *status == 200)
        });
        if self.daemon_id.is_none() {
            self.daemon_id = Some(self.read_daemon_id());
        }
    }

    /// `rsrcd::start` on a runtime of its own, configured as the binary would be from the same
    /// file, logging (as `RSRC_LOG=info,rsrcd=debug`) to the same log file.
    fn spawn_in_process(&mut self, engine: Arc<FakeEngine>) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("daemon log");
        let log = tracing::Dispatch::new(
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("info,rsrcd=debug"))
                .with_writer(Arc::new(log))
                .with_ansi(false)
                .finish(),
        );
        // The paths as in the file: this process's RSRC_DATA_DIR and RSRC_SOCKET, which the
        // binary is started without, must not count.
        let overrides = rsrcd::config::Overrides {
            config: Some(self.config.clone()),
            data_dir: Some(self.data_dir.clone()),
            socket: Some(self.socket.clone()),
        };
        let config = rsrcd::config::Config::load(&overrides).expect("load the test config");
        let shutdown = CancellationToken::new();
        let token = shutdown.clone();
        let (started, outcome) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("rsrcd-in-process".into())
            .spawn(move || {
                let _log = tracing::dispatcher::set_default(&log);
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .max_blocking_threads(8)
                    .enable_all()
                    .on_thread_start(move || {
                        let guard = tracing::dispatcher::set_default(&log);
                        DAEMON_LOG.with(|l| *l.borrow_mut() = Some(guard));
                    })
                    .on_thread_stop(|| DAEMON_LOG.with(|l| drop(l.borrow_mut().take())))
                    .build()
                    .expect("a runtime for the daemon");
                runtime.block_on(async {
                    let engine: Arc<dyn rsrcd::engine::Engine> = engine;
                    match rsrcd::start(config, None, engine, token).await {
                        Ok(daemon) => {
                            let _ = started.send(Ok(()));
                            daemon.wait().await;
                        }
                        Err(e) => {
                            let _ = started.send(Err(e.to_string()));
                        }
                    }
                });
                // Streams that outlive the shutdown (a follow nobody reads) must not hold up
                // the test.
                runtime.shutdown_timeout(Duration::from_secs(5));
            })
            .expect("a thread for the daemon");
        match outcome.recv_timeout(DEADLINE) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("rsrcd did not start: {e}; log:\n{}", self.log_text()),
            Err(e) => panic!("rsrcd did not start ({e}); log:\n{}", self.log_text()),
        }
        self.in_process = Some(InProcess { shutdown, thread });
        poll("rsrcd to answer", DEADLINE, || {
            raw_request(&self.socket, "GET", v1!("/version"), None, None)
                .ok()
                .filter(|(status, _)| *status == 200)
        });
        if self.daemon_id.is_none() {
            self.daemon_id = Some(self.read_daemon_id());
        }
    }

    /// Stops a daemon run in this process as SIGTERM stops the binary; whether it stopped
    /// cleanly, as an exit status.
    fn stop_in_process(&mut self) -> Option<std::process::ExitStatus> {
        use std::os::unix::process::ExitStatusExt;
        let daemon = self.in_process.take()?;
        daemon.shutdown.cancel();
        let start = Instant::now();
        while !daemon.thread.is_finished() {
            if start.elapsed() > DEADLINE {
                panic!("rsrcd did not stop; log:\n{}", self.log_text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let clean = daemon.thread.join().is_ok();
        Some(std::process::ExitStatus::from_raw(if clean {
            0
        } else {
            1 << 8
        }))
    }

    /// Waits until the daemon reports Docker connected and has reconciled.
    pub fn wait_for_docker(&self) {
        poll("rsrcd to connect to Docker", DEADLINE, || {
            let (_, body) = raw_request(&self.socket, "GET", v1!("/version"), None, None).ok()?;
            let v: serde_json::Value = serde_json::from_str(&body).ok()?;
            v["docker"]["connected"].as_bool().filter(|c| *c)
        });
        poll("rsrcd to reconcile", DEADLINE, || {
            self.log_text()
                .contains("reconciled the registry with Docker")
                .then_some(())
        });
    }

    fn read_daemon_id(&self) -> String {
        let conn = rusqlite::Connection::open(self.data_dir.join("rsrc.db")).expect("open db");
        conn.query_row("SELECT value FROM meta WHERE key = 'daemon_id'", [], |r| {
            r.get(0)
        })
        .expect("daemon id")
    }

    pub fn daemon_id(&self) -> &str {
        self.daemon_id.as_deref().expect("daemon id")
    }

    /// The label filter that selects this daemon's containers and volumes.
    pub fn label(&self) -> String {
        format!("label=io.rsrc.daemon={}", self.daemon_id())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// SIGTERM and wait for a clean exit.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        if let Some(status) = self.stop_in_process() {
            return status;
        }
        let mut child = self.child.take().expect("daemon not running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return status;
            }
            if start.elapsed() > DEADLINE {
                let _ = child.kill();
                panic!("rsrcd did not stop on SIGTERM; log:\n{}", self.log_text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill9(&mut self) {
        assert!(
            self.fake.is_none(),
            "kill -9 needs the real binary: TestDaemon::start"
        );
        let mut child = self.child.take().expect("daemon not running");
        let _ = child.kill();
        let _ = child.wait();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.data_dir.join("rsrc.db")).expect("open db")
    }

    /// `rsrcd admin create` with `password` on stdin, as a `Run`.
    pub fn admin_create(&self, email: &str, password: &str) -> Run {
        let mut child = Command::new(rsrcd_bin())
            .arg("--config")
            .arg(&self.config)
            .args(["admin", "create", "--email", email, "--password-stdin"])
            .env_remove("RSRC_SOCKET")
            .env_remove("RSRC_DATA_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rsrcd admin create");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("write password");
        child.wait_with_output().expect("admin create").into()
    }

    /// `rsrcd admin create`, returning a logged-in client for the admin.
    pub fn admin(&self, email: &str) -> Client {
        let password = "admin-password-1";
        self.admin_create(email, password).expect_code(0);
        let client = self.client(email);
        if let Err(run) = client.login(password) {
            panic!("login of admin {email} failed: {run:?}");
        }
        client
    }

    /// A client with its own config dir (so its own session), for `email`.
    pub fn client(&self, email: &str) -> Client {
        let dir = self
            .dir
            .path()
            .join("clients")
            .join(email.replace(['@', '.'], "_"));
        std::fs::create_dir_all(&dir).expect("client dir");
        Client {
            socket: self.socket.clone(),
            config_dir: dir,
            email: email.to_string(),
        }
    }

    /// Signs up, logs in and verifies a user through the mail sink.
    pub fn verified_user(&self, sink: &SmtpSink, email: &str) -> Client {
        let c = self.client(email);
        if let Err(run) = c.signup("user-password-1") {
            panic!("signup of {email} failed: {run:?}");
        }
        if let Err(run) = c.login("user-password-1") {
            panic!("login of {email} failed: {run:?}");
        }
        c.run(&["otp", "send"]).expect_code(0);
        let code = sink.wait_for_code(email, 1);
        c.run(&["otp", "verify", &code]).expect_code(0);
        c
    }
}

impl Drop for TestDaemon {
    fn drop(&mut self) {
        if std::env::var("RSRC_TEST_KEEP").as_deref() == Ok("1") {
            eprintln!("RSRC_TEST_KEEP=1: leaving {}", self.dir.path().display());
            let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("tempdir"));
            let _ = dir.keep();
            return;
        }
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if self.fake.is_some() {
            if let Some(daemon) = self.in_process.take() {
                daemon.shutdown.cancel();
                // Joined so that it does not go on in the background of later tests, unless
                // this test failed already: then it should say why, not hang here.
                let start = Instant::now();
                while !std::thread::panicking()
                    && !daemon.thread.is_finished()
                    && start.elapsed() < DEADLINE
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            return;
        }
        if let Some(id) = &self.daemon_id {
            remove_labelled(id);
        }
    }
}

/// Removes every container, volume and network of one test daemon.
pub fn remove_labelled(daemon_id: &str) {
    let filter = format!("label=io.rsrc.daemon={daemon_id}");
    let ids = Command::new("docker")
        .args(["ps", "-aq", "--filter", &filter])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    for id in ids.split_whitespace() {
        let _ = Command::new("docker")
            .args(["rm", "-f", id])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let vols = Command::new("docker")
        .args(["volume", "ls", "-q", "--filter", &filter])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    for v in vols.split_whitespace() {
        let _ = Command::new("docker")
            .args(["volume", "rm", "-f", v])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let networks = Command::new("docker")
        .args(["network", "ls", "-q", "--filter", &filter])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    for n in networks.split_whitespace() {
        let _ = Command::new("docker")
            .args(["network", "rm", n])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

// ---- client -----------------------------------------------------------------------------------

/// The `rsrc` binary as one user: its own config dir, so its own remembered session.
#[derive(Clone)]
pub struct Client {
    pub socket: PathBuf,
    pub config_dir: PathBuf,
    pub email: String,
}

/// What one `rsrc` run gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }
}

impl Run {
    pub fn ok(self) -> Result<Run, Run> {
        if self.code == 0 {
            Ok(self)
        } else {
            Err(self)
        }
    }

    /// Panics unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}, got {}\nstdout: {}\nstderr: {}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

impl Client {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(rsrc_bin());
        cmd.args(args)
            .env("RSRC_SOCKET", &self.socket)
            .env("RSRC_CONFIG_DIR", &self.config_dir)
            .env("NO_COLOR", "1")
            .env_remove("RSRC_TOKEN")
            // Keep the kernel keyring out of it: every client here has its own session file.
            .env("XDG_CONFIG_HOME", &self.config_dir)
            .env("HOME", &self.config_dir);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_stdin(args, "")
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run rsrc");
        if let Some(mut s) = child.stdin.take() {
            let _ = s.write_all(stdin.as_bytes());
        }
        child.wait_with_output().expect("rsrc output").into()
    }

    /// `rsrc --json ARGS`, expecting success, parsed.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--output", "json"];
        all.extend_from_slice(args);
        self.run(&all).expect_code(0).json()
    }

    pub fn signup(&self, password: &str) -> Result<Run, Run> {
        self.run_stdin(
            &[
                "signup",
                "--email",
                &self.email,
                "--name",
                "Test User",
                "--password-stdin",
            ],
            &format!("{password}\n"),
        )
        .ok()
    }

    pub fn login(&self, password: &str) -> Result<Run, Run> {
        self.run_stdin(
            &["login", "--email", &self.email, "--password-stdin"],
            &format!("{password}\n"),
        )
        .ok()
    }

    /// The token this client's session holds (`rsrc auth token`).
    pub fn token(&self) -> String {
        self.run(&["auth", "token"])
            .expect_code(0)
            .stdout
            .trim()
            .to_string()
    }
}

// ---- raw HTTP over the socket -----------------------------------------------------------------

/// One HTTP/1.1 request over the Unix socket, without the CLI: (status, body).
pub fn raw_request(
    socket: &Path,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> std::io::Result<(u16, String)> {
    use std::io::Read;
    let mut stream = std::os::unix::net::UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(DEADLINE))?;
    let body = body.unwrap_or(b"");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: rsrcd\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // The daemon may answer (413) before reading all of a large body; that is fine.
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    // A reset after a complete answer is fine; no answer at all within the deadline is not,
    // and says so (it read as "no HTTP status in ''" before).
    if let Err(e) = stream.read_to_end(&mut response) {
        if response.is_empty() {
            return Err(std::io::Error::new(
                e.kind(),
                format!("no answer to {method} {path} within {DEADLINE:?}: {e}"),
            ));
        }
    }
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no HTTP status in: {text:?}")))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, dechunk(&body)))
}

/// Undoes chunked transfer encoding when the body uses it.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    loop {
        let Some((size_line, after)) = rest.split_once("\r\n") else {
            return if out.is_empty() {
                body.to_string()
            } else {
                out
            };
        };
        let Ok(size) = usize::from_str_radix(size_line.trim(), 16) else {
            return if out.is_empty() {
                body.to_string()
            } else {
                out
            };
        };
        if size == 0 || after.len() < size {
            return out;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
}

/// Parses `KEY=VALUE` env lines of `docker inspect` into a map.
pub fn env_map(lines: &[serde_json::Value]) -> BTreeMap<String, String> {
    lines
        .iter()
        .filter_map(|l| l.as_str())
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
