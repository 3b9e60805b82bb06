//! Helpers shared by the Docker end-to-end tests of machines and instances (instances.rs,
//! machines.rs, reconcile.rs, concurrency.rs): a daemon with an SMTP sink and an admin, machine
//! and instance shortcuts, plain HTTP to a published port, `docker inspect`, a check that the
//! registry and Docker agree exactly, Drop guards for what tests make by hand, Debian's
//! `docker-registry` on loopback with a gate that can hold a pull, and a proxy for Docker's
//! socket that can cut the daemon's event stream and hold chosen requests.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use crate::common::{self, docker, docker_ok, poll, Client, Options, SmtpSink, TestDaemon};

/// A daemon with a mail sink (so users can verify) and a logged-in admin.
///
/// Fields drop in order: the daemon first (removing its labelled containers and volumes), then
/// the sink, then the sink's directory.
pub struct Env {
    pub d: TestDaemon,
    pub sink: SmtpSink,
    pub admin: Client,
    _sink_dir: tempfile::TempDir,
}

pub fn env(opts: Options) -> Env {
    env_on(TestDaemon::start, opts)
}

/// The same with the daemon in the test process, on the in-memory engine: for tests of what
/// the API and the CLI make of instances, not of the containers themselves.
pub fn env_in_process(opts: Options) -> Env {
    env_on(TestDaemon::in_process, opts)
}

fn env_on(start: fn(Options) -> TestDaemon, mut opts: Options) -> Env {
    let sink_dir = tempfile::tempdir().expect("tempdir");
    let sink = SmtpSink::start(sink_dir.path(), 0);
    opts.smtp_port = Some(sink.port);
    let d = start(opts);
    d.wait_for_docker();
    let admin = d.admin("admin@example.com");
    let who = admin.json(&["whoami"]);
    assert_eq!(who["role"], "admin", "{who}");
    Env {
        d,
        sink,
        admin,
        _sink_dir: sink_dir,
    }
}

impl Env {
    /// A signed-up, logged-in user whose email is verified.
    #[track_caller]
    pub fn user(&self, email: &str) -> Client {
        let c = self.d.verified_user(&self.sink, email);
        let who = c.json(&["whoami"]);
        assert_eq!(who["verified"], true, "{email} is not verified: {who}");
        c
    }

    /// A signed-up, logged-in user who never verified their email.
    #[track_caller]
    pub fn unverified_user(&self, email: &str) -> Client {
        let c = self.d.client(email);
        c.signup("user-password-1").expect("signup");
        c.login("user-password-1").expect("login");
        let who = c.json(&["whoami"]);
        assert_eq!(who["verified"], false, "{who}");
        c
    }
}

/// The image the tests run: busybox with all applets, no CMD.
pub fn image() -> String {
    common::test_image()
}

/// `rsrc machine create NAME --image TEST_IMAGE --port 8080 --command 'httpd ...' EXTRA...`.
#[track_caller]
pub fn httpd_machine(admin: &Client, name: &str, extra: &[&str]) -> serde_json::Value {
    let image = image();
    let mut args = vec![
        "machine",
        "create",
        name,
        "--image",
        &image,
        "--port",
        "8080",
        "--command",
        "httpd -f -p 8080 -h /www",
    ];
    args.extend_from_slice(extra);
    admin.json(&args)
}

/// `rsrc --json instance create MACHINE ARGS...`, expecting success.
#[track_caller]
pub fn create(c: &Client, machine: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["instance", "create", machine];
    all.extend_from_slice(args);
    c.json(&all)
}

/// The first host port of an instance as the API shows it.
#[track_caller]
pub fn host_port(instance: &serde_json::Value) -> u16 {
    instance["ports"][0]["host_port"]
        .as_u64()
        .unwrap_or_else(|| panic!("no host port in {instance}")) as u16
}

pub fn str_of<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{key}` in {v}"))
}

/// One plain HTTP/1.0 GET to 127.0.0.1:`port`: (status, body), or `None` if it does not answer.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// Polls until GET / on `port` answers 200 with the test image's page.
#[track_caller]
pub fn wait_http_ok(port: u16) -> String {
    poll(
        &format!("HTTP 200 on 127.0.0.1:{port}"),
        common::DEADLINE,
        || {
            http_get(port, "/")
                .filter(|(status, body)| *status == 200 && body.contains("hello from"))
                .map(|(_, body)| body)
        },
    )
}

/// `docker inspect X` as JSON (the one object).
#[track_caller]
pub fn inspect(what: &str) -> serde_json::Value {
    let out = docker(&["inspect", what]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("docker inspect JSON");
    v[0].clone()
}

/// Whether a container (by id or name) exists.
pub fn container_exists(what: &str) -> bool {
    docker_ok(&["container", "inspect", what])
}

pub fn container_running(what: &str) -> bool {
    Command::new("docker")
        .args(["container", "inspect", "-f", "{{.State.Running}}", what])
        .output()
        .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "true")
        .unwrap_or(false)
}

pub fn volume_exists(name: &str) -> bool {
    docker_ok(&["volume", "inspect", name])
}

fn lines(out: String) -> Vec<String> {
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Full ids of every container (running or not) that carries this daemon's label.
pub fn labelled_containers(d: &TestDaemon) -> Vec<String> {
    if let Some(fake) = d.fake_engine() {
        return fake
            .containers()
            .into_iter()
            .filter(|c| {
                c.spec
                    .labels
                    .get(rsrcd::engine::LABEL_DAEMON)
                    .map(String::as_str)
                    == Some(d.daemon_id())
            })
            .map(|c| c.id)
            .collect();
    }
    lines(docker(&["ps", "-aq", "--no-trunc", "--filter", &d.label()]))
}

/// Names of every volume that carries this daemon's label.
pub fn labelled_volumes(d: &TestDaemon) -> Vec<String> {
    if let Some(fake) = d.fake_engine() {
        // The engine is this daemon's alone: each of its volumes is.
        return fake.volumes();
    }
    lines(docker(&["volume", "ls", "-q", "--filter", &d.label()]))
}

/// Labelled containers of this daemon with their `io.rsrc.instance` label.
pub fn containers_by_instance(d: &TestDaemon) -> BTreeMap<String, Vec<String>> {
    let out = docker(&[
        "ps",
        "-a",
        "--no-trunc",
        "--filter",
        &d.label(),
        "--format",
        "{{.ID}} {{.Label \"io.rsrc.instance\"}}",
    ]);
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in out.lines().filter(|l| !l.trim().is_empty()) {
        let (id, instance) = line.split_once(' ').unwrap_or((line, ""));
        map.entry(instance.trim().to_string())
            .or_default()
            .push(id.to_string());
    }
    map
}

pub fn db_count(d: &TestDaemon, sql: &str) -> i64 {
    d.db()
        .query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub fn db_strings(d: &TestDaemon, sql: &str) -> Vec<String> {
    let conn = d.db();
    let mut stmt = conn.prepare(sql).expect("prepare");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .expect("query")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows")
}

/// What exists for one daemon, on both sides.
#[derive(Debug, PartialEq, Eq)]
pub struct Census {
    pub instances: i64,
    pub ports: i64,
    pub volume_rows: i64,
    pub containers: usize,
    pub volumes: usize,
}

pub fn census(d: &TestDaemon) -> Census {
    Census {
        instances: db_count(d, "SELECT COUNT(*) FROM instances"),
        ports: db_count(d, "SELECT COUNT(*) FROM instance_ports"),
        volume_rows: db_count(d, "SELECT COUNT(*) FROM volumes"),
        containers: labelled_containers(d).len(),
        volumes: labelled_volumes(d).len(),
    }
}

/// Asserts that the registry and Docker agree exactly: every instance row is settled (not
/// `creating` or `removing`) and has exactly one container, which is the one it records; every
/// labelled container has a row; every reserved port belongs to an instance; every labelled
/// volume has a row, and every volume row of an existing instance has its Docker volume.
#[track_caller]
pub fn assert_consistent(d: &TestDaemon) {
    let conn = d.db();
    let mut stmt = conn
        .prepare("SELECT id, state, container_id FROM instances")
        .expect("prepare");
    let rows: Vec<(String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    let by_instance = containers_by_instance(d);
    let ids: BTreeSet<&str> = rows.iter().map(|(id, _, _)| id.as_str()).collect();
    for (id, state, container_id) in &rows {
        assert!(
            !matches!(state.as_str(), "creating" | "removing"),
            "instance {id} is left `{state}`"
        );
        let containers = by_instance.get(id).cloned().unwrap_or_default();
        assert_eq!(
            containers.len(),
            1,
            "instance {id} ({state}) has {} containers: {containers:?}",
            containers.len()
        );
        assert_eq!(
            container_id.as_deref(),
            Some(containers[0].as_str()),
            "instance {id} records another container"
        );
    }
    for (instance, containers) in &by_instance {
        assert!(
            ids.contains(instance.as_str()),
            "labelled container(s) {containers:?} (instance `{instance}`) have no row"
        );
    }
    let orphan_ports = db_count(
        d,
        "SELECT COUNT(*) FROM instance_ports p
         WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = p.instance_id)",
    );
    assert_eq!(orphan_ports, 0, "reserved ports that belong to nothing");
    let volume_rows: BTreeSet<String> = db_strings(d, "SELECT name FROM volumes")
        .into_iter()
        .collect();
    for v in labelled_volumes(d) {
        assert!(volume_rows.contains(&v), "volume {v} has no row");
    }
    for v in db_strings(
        d,
        "SELECT v.name FROM volumes v JOIN instances i ON i.id = v.instance_id",
    ) {
        assert!(
            volume_exists(&v),
            "volume {v} of an existing instance is missing"
        );
    }
}

/// Asserts that nothing with this daemon's label is left in Docker.
#[track_caller]
pub fn assert_nothing_labelled(d: &TestDaemon) {
    assert_eq!(
        labelled_containers(d),
        Vec::<String>::new(),
        "containers left"
    );
    assert_eq!(labelled_volumes(d), Vec::<String>::new(), "volumes left");
}

/// How many times the daemon has reconciled so far (over all its runs).
pub fn reconciled_count(d: &TestDaemon) -> usize {
    d.log_text()
        .matches("reconciled the registry with Docker")
        .count()
}

/// Starts the daemon again after a stop or kill, and waits until this run has reconciled
/// (the harness's `wait_for_docker` would be satisfied by an earlier run's log line).
pub fn respawn(d: &mut TestDaemon) {
    let before = reconciled_count(d);
    d.spawn();
    d.wait_for_docker();
    poll(
        "the restarted daemon to reconcile",
        common::DEADLINE,
        || (reconciled_count(d) > before).then_some(()),
    );
}

/// A container made with `docker run` by hand, outside rsrc; removed on drop.
pub struct HandMade {
    pub name: String,
    pub id: String,
}

impl HandMade {
    /// `docker run -d --name rsrc-test-<pid>-<case> --label io.rsrc.test-run=<pid> LABELS...
    /// IMAGE sleep 1000`.
    pub fn run(case: &str, labels: &[String]) -> HandMade {
        Self::run_named(&format!("rsrc-test-{}-{case}", std::process::id()), labels)
    }

    pub fn run_named(name: &str, labels: &[String]) -> HandMade {
        let _ = Command::new("docker")
            .args(["rm", "-f", name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let test_run = format!("io.rsrc.test-run={}", std::process::id());
        let image = image();
        let mut args = vec!["run", "-d", "--name", name, "--label", &test_run];
        for l in labels {
            args.push("--label");
            args.push(l);
        }
        args.extend_from_slice(&[&image, "sleep", "1000"]);
        let id = docker(&args);
        HandMade {
            name: name.to_string(),
            id,
        }
    }
}

impl Drop for HandMade {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "-f", &self.id])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Runs `f` with a deadline for the whole test step, for readable failures of slow steps.
pub fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let out = f();
    eprintln!("{what}: {:.1?}", start.elapsed());
    out
}

// ---- images pulled from a registry on loopback ------------------------------------------------

/// Debian's `docker-registry` on 127.0.0.1, killed on drop.
pub struct Registry {
    child: std::process::Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Registry {
    pub fn start() -> Registry {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_tcp_port();
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n\
                 http:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("storage").display()
            ),
        )
        .expect("write the registry's config");
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry (scripts/lib.sh installs it)");
        let registry = Registry {
            child,
            port,
            _dir: dir,
        };
        poll("docker-registry to answer", common::DEADLINE, || {
            http_get(port, "/v2/").filter(|(s, _)| *s == 200)
        });
        registry
    }

    /// Pushes an image of its own to this registry as `rsrc-test-<pid>-<case>:latest`: the test
    /// image plus one file, so that a pull of it has something to download (Docker skips layers
    /// and images it has). Removes it locally; returns the repository path without a host.
    pub fn push_unique_image(&self, case: &str, tags: &mut Tags) -> String {
        let repo = format!("rsrc-test-{}-{case}:latest", std::process::id());
        let pushed = format!("127.0.0.1:{}/{repo}", self.port);
        tags.0.push(pushed.clone());
        let builder = format!("rsrc-test-{}-{case}-build", std::process::id());
        let _ = Command::new("docker")
            .args(["rm", "-f", &builder])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let nonce = format!(
            "echo {repo} {:?} > /rsrc-test-unique",
            std::time::SystemTime::now()
        );
        docker(&["run", "--name", &builder, &image(), "sh", "-c", &nonce]);
        docker(&["commit", &builder, &pushed]);
        docker(&["rm", "-f", &builder]);
        docker(&["push", &pushed]);
        docker(&["rmi", &pushed]);
        assert!(!image_present(&pushed));
        repo
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback TCP port that nothing listens on (for now).
pub fn free_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Image tags a test made; untagged on drop (the test image itself stays).
#[derive(Default)]
pub struct Tags(pub Vec<String>);

impl Drop for Tags {
    fn drop(&mut self) {
        for t in &self.0 {
            let _ = Command::new("docker")
                .args(["rmi", t])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

pub fn image_present(image: &str) -> bool {
    docker_ok(&["image", "inspect", image])
}

/// Sends `from` to `to` until either side closes, then shuts `to` down.
fn pump<R: Read, W: Write + ShutdownBoth>(mut from: R, mut to: W) {
    let _ = std::io::copy(&mut from, &mut to);
    to.shutdown_both();
}

trait ShutdownBoth {
    fn shutdown_both(&self);
}

impl ShutdownBoth for TcpStream {
    fn shutdown_both(&self) {
        let _ = self.shutdown(std::net::Shutdown::Both);
    }
}

impl ShutdownBoth for UnixStream {
    fn shutdown_both(&self) {
        let _ = self.shutdown(std::net::Shutdown::Both);
    }
}

/// A TCP proxy on loopback in front of a registry that can hold image pulls: while closed, a
/// request for a blob waits (unanswered, its connection open) until the gate opens. Docker's
/// registry client opens one connection per request, so each held connection is one request.
/// Everything else (the API ping, manifests, a TLS attempt) goes through at once.
pub struct Gate {
    pub port: u16,
    shared: Arc<GateShared>,
    accept: Option<thread::JoinHandle<()>>,
}

struct GateShared {
    closed: Mutex<bool>,
    opened: Condvar,
    held: AtomicUsize,
    stop: AtomicBool,
}

impl Gate {
    /// A gate in front of 127.0.0.1:`upstream`, open.
    pub fn start(upstream: u16) -> Gate {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the gate");
        let port = listener.local_addr().expect("gate address").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let shared = Arc::new(GateShared {
            closed: Mutex::new(false),
            opened: Condvar::new(),
            held: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let state = Arc::clone(&shared);
        let accept = thread::spawn(move || {
            while !state.stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let state = Arc::clone(&state);
                        thread::spawn(move || gate_connection(client, upstream, &state));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Gate {
            port,
            shared,
            accept: Some(accept),
        }
    }

    /// From now on, blob requests wait.
    pub fn close(&self) {
        *self.shared.closed.lock().expect("gate lock") = true;
    }

    /// Lets every held request (and every later one) through.
    pub fn open(&self) {
        *self.shared.closed.lock().expect("gate lock") = false;
        self.shared.opened.notify_all();
    }

    /// How many blob requests are waiting right now.
    pub fn held(&self) -> usize {
        self.shared.held.load(Ordering::SeqCst)
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.open();
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn gate_connection(mut client: TcpStream, upstream: u16, state: &GateShared) {
    let _ = client.set_nonblocking(false);
    // Read the request head (or the first bytes of something that is not HTTP, such as a TLS
    // hello) before deciding.
    let mut head = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        head.extend_from_slice(&buf[..n]);
        let is_http = head[0].is_ascii_uppercase();
        if !is_http || head.windows(4).any(|w| w == b"\r\n\r\n") || head.len() > 64 * 1024 {
            break;
        }
    }
    let request_line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let is_blob = String::from_utf8_lossy(request_line).contains("/blobs/");
    if is_blob {
        let mut closed = state.closed.lock().expect("gate lock");
        if *closed {
            state.held.fetch_add(1, Ordering::SeqCst);
            while *closed {
                closed = state.opened.wait(closed).expect("gate lock");
            }
            state.held.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    if up.write_all(&head).is_err() {
        return;
    }
    let (Ok(client2), Ok(up2)) = (client.try_clone(), up.try_clone()) else {
        return;
    };
    thread::spawn(move || pump(client2, up2));
    pump(up, client);
}

/// A proxy for Docker's socket (configure the daemon with `docker_host = "unix://PATH"`) that
/// can cut the daemon's event stream alone (the daemon then reconnects to Docker and reconciles,
/// while its other requests, an image pull say, carry on), and can hold requests whose head
/// contains a given text until released.
pub struct EngineProxy {
    path: PathBuf,
    shared: Arc<ProxyShared>,
    accept: Option<thread::JoinHandle<()>>,
}

#[derive(Default)]
struct ProxyShared {
    stop: AtomicBool,
    /// Both ends of every connection that has asked for `/events`.
    event_streams: Mutex<Vec<(UnixStream, UnixStream)>>,
    /// Requests containing this text wait while it is set.
    hold: Mutex<Option<String>>,
    released: Condvar,
    held: AtomicUsize,
}

impl EngineProxy {
    pub fn start(path: &Path) -> EngineProxy {
        let _ = std::fs::remove_file(path);
        let listener = UnixListener::bind(path).expect("bind the Docker proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let shared = Arc::new(ProxyShared::default());
        let state = Arc::clone(&shared);
        let accept = thread::spawn(move || {
            while !state.stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let Ok(upstream) = UnixStream::connect("/var/run/docker.sock") else {
                            continue;
                        };
                        let _ = client.set_nonblocking(false);
                        let (Ok(c2), Ok(u2), Ok(c3), Ok(u3)) = (
                            client.try_clone(),
                            upstream.try_clone(),
                            client.try_clone(),
                            upstream.try_clone(),
                        ) else {
                            continue;
                        };
                        let watch = Arc::clone(&state);
                        thread::spawn(move || {
                            watch_requests(client, upstream, (c3, u3), &watch);
                        });
                        thread::spawn(move || pump(u2, c2));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        EngineProxy {
            path: path.to_path_buf(),
            shared,
            accept: Some(accept),
        }
    }

    /// Cuts every event stream open through the proxy; returns how many it cut.
    pub fn cut_event_streams(&self) -> usize {
        let streams = std::mem::take(&mut *self.shared.event_streams.lock().expect("lock"));
        for (a, b) in &streams {
            a.shutdown_both();
            b.shutdown_both();
        }
        streams.len()
    }

    /// How many event streams are open through the proxy.
    pub fn event_streams(&self) -> usize {
        self.shared.event_streams.lock().expect("lock").len()
    }

    /// From now on, requests whose bytes contain `text` wait (unsent) until [`Self::release`].
    pub fn hold(&self, text: &str) {
        *self.shared.hold.lock().expect("lock") = Some(text.to_string());
    }

    /// How many requests are waiting.
    pub fn held(&self) -> usize {
        self.shared.held.load(Ordering::SeqCst)
    }

    /// Sends the held requests on, and holds nothing more.
    pub fn release(&self) {
        *self.shared.hold.lock().expect("lock") = None;
        self.shared.released.notify_all();
    }
}

impl Drop for EngineProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.release();
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Copies the client's requests to Docker: notes the connection once it asks for events, and
/// holds what matches the proxy's hold text.
fn watch_requests(
    mut client: UnixStream,
    mut upstream: UnixStream,
    ends: (UnixStream, UnixStream),
    state: &ProxyShared,
) {
    let mut ends = Some(ends);
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        // A request head comes in one read in practice (the daemon writes it at once).
        let chunk = &buf[..n];
        if ends.is_some()
            && chunk
                .windows(8)
                .any(|w| w == b"/events?" || w == b"/events ")
        {
            if let Some(pair) = ends.take() {
                state.event_streams.lock().expect("lock").push(pair);
            }
        }
        {
            let mut hold = state.hold.lock().expect("lock");
            let matches = |h: &Option<String>| {
                h.as_deref()
                    .is_some_and(|t| chunk.windows(t.len()).any(|w| w == t.as_bytes()))
            };
            if matches(&hold) {
                state.held.fetch_add(1, Ordering::SeqCst);
                while matches(&hold) {
                    hold = state.released.wait(hold).expect("lock");
                }
                state.held.fetch_sub(1, Ordering::SeqCst);
            }
        }
        if upstream.write_all(chunk).is_err() {
            break;
        }
    }
    upstream.shutdown_both();
}
