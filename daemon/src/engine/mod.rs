//! The engine: what rsrc needs from a container runtime, in rsrc's own types.
//!
//! [`Engine`] is the one interface between the domain and Docker, after Incus's instance drivers:
//! images, volumes, networks, containers, logs, the event stream and a host-port probe. [`docker`]
//! implements it on Docker's API (Docker, or Podman's Docker-compatible socket) and is the only
//! module that knows Docker's client types and formats. `fake` (feature `test-util`) keeps
//! containers in memory, so that instance logic (reconciliation, rollback, the state machine) is
//! tested without Docker. `contract` (feature `test-util`) is what every implementation must do,
//! checked on both; a Swarm backend will be another implementation, and pass it too.
//!
//! Every container, volume and network rsrc makes carries its labels; listings and the event
//! stream filter on this daemon's label, so rsrc never sees or touches anything else on the host.

#[cfg(any(test, feature = "test-util"))]
pub mod contract;
pub mod docker;
pub mod exec;
#[cfg(any(test, feature = "test-util"))]
pub mod fake;
pub mod image;

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;
use futures_util::stream::BoxStream;
use rsrc_shared::api::{DockerInfo, Protocol, PullProgress, RestartPolicy};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::error::Result;

pub const LABEL_INSTANCE: &str = "io.rsrc.instance";
pub const LABEL_OWNER: &str = "io.rsrc.owner";
pub const LABEL_MACHINE: &str = "io.rsrc.machine";
pub const LABEL_DAEMON: &str = "io.rsrc.daemon";
pub const LABEL_PATH: &str = "io.rsrc.path";

/// How long the engine waits for a container to stop before it kills it, unless its machine
/// says otherwise (Docker's default).
pub const STOP_TIMEOUT_SECS: i64 = 10;

/// The longest stop timeout a machine may set: a stop or remove request waits this long at
/// most.
pub const MAX_STOP_TIMEOUT_SECS: u64 = 600;

/// The most log output one request reads into memory.
pub const LOG_BYTES_MAX: usize = 4 * 1024 * 1024;

/// What the instances module asks the engine to create.
#[derive(Debug, Clone)]
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    pub command: Option<Vec<String>>,
    pub env: Vec<String>,
    pub labels: HashMap<String, String>,
    pub ports: Vec<PortBinding>,
    pub bind_address: IpAddr,
    pub volumes: Vec<VolumeMount>,
    pub memory: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub pids: Option<i64>,
    pub restart: RestartPolicy,
    /// The network it joins instead of the engine's default bridge.
    pub network: Option<NetworkAttachment>,
    pub options: RunOptions,
    /// The signal a stop sends (`SIGINT`); `None`: the image's, else SIGTERM.
    pub stop_signal: Option<String>,
    /// Seconds a stop waits before it kills; `None`: [`STOP_TIMEOUT_SECS`].
    pub stop_timeout: Option<i64>,
}

/// A container's run options beyond its command and limits: the machine's `shm_size`, `user`,
/// `entrypoint`, `ulimits` and `tmpfs`. A spec's are what is asked for; an inspection's, what
/// the engine reports (its defaults where nothing was asked: Docker says 64 MiB of shm).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Bytes of `/dev/shm`.
    pub shm_size: Option<i64>,
    pub user: Option<String>,
    /// `Some(empty)` clears the image's entrypoint.
    pub entrypoint: Option<Vec<String>>,
    /// Name → (soft, hard), -1 unlimited.
    pub ulimits: BTreeMap<String, (i64, i64)>,
    /// Container path → mount options.
    pub tmpfs: BTreeMap<String, String>,
}

/// A container's place on a network: the network's name, and the names others on it reach
/// the container by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkAttachment {
    pub network: String,
    pub aliases: Vec<String>,
}

/// A bridge network rsrc asks the engine for (one per user: `domain::instances::network`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSpec {
    pub name: String,
    /// An IPv4 subnet in CIDR notation, e.g. `10.213.0.32/27`.
    pub subnet: String,
    pub labels: HashMap<String, String>,
}

/// A network as the engine reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkInfo {
    pub id: String,
    pub name: String,
    /// Its IPv4 subnets, in CIDR notation.
    pub subnets: Vec<String>,
    pub labels: HashMap<String, String>,
    /// The containers on it now, by id: running ones (a stopped container holds no address).
    pub containers: Vec<String>,
}

/// What came of a network create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkCreated {
    /// Made, with this id.
    Made(String),
    /// The engine refused the subnet: it overlaps one of another network on the host.
    SubnetTaken,
}

/// A container port published on a pinned host port: an empty host port would change on every
/// start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortBinding {
    pub container_port: u16,
    pub protocol: Protocol,
    pub host_port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeMount {
    pub volume: String,
    pub path: String,
}

/// The run state of a container, as the engine reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum RunState {
    Created,
    Running,
    Restarting,
    Paused,
    Exited,
    Dead,
    Removing,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The state of a container as rsrc records it. Times are Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub id: String,
    pub state: RunState,
    pub running: bool,
    pub exit_code: Option<i64>,
    pub oom_killed: bool,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub labels: HashMap<String, String>,
    /// The container's own address on its first network, when it has one.
    pub address: Option<IpAddr>,
    pub options: RunOptions,
    /// The signal a stop sends it, as configured (the machine's or the image's); `None`:
    /// SIGTERM.
    pub stop_signal: Option<String>,
}

impl Observed {
    /// The number of the signal a stop sends this container.
    pub fn stop_signal_number(&self) -> i64 {
        stop_signal_number(self.stop_signal.as_deref())
    }
}

/// The number of a configured stop signal; SIGTERM when there is none (or one Docker would not
/// take either).
pub fn stop_signal_number(configured: Option<&str>) -> i64 {
    configured
        .and_then(rsrc_shared::signal::number)
        .unwrap_or(rsrc_shared::signal::SIGTERM)
}

impl Observed {
    /// Whether the container carries this daemon's labels for instance `instance_id`.
    pub fn belongs_to(&self, daemon_id: &str, instance_id: &str) -> bool {
        self.labels.get(LABEL_DAEMON).map(String::as_str) == Some(daemon_id)
            && self.labels.get(LABEL_INSTANCE).map(String::as_str) == Some(instance_id)
    }
}

/// A labelled container, as listed.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub state: String,
    pub labels: HashMap<String, String>,
}

/// What happened to one of this daemon's containers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    Started,
    /// A `kill` with this signal; a `die` follows.
    Killed {
        signal: String,
    },
    /// The kernel's OOM killer struck; a `die` follows.
    Oom,
    Died {
        exit_code: Option<i64>,
    },
    /// `docker pause`: the container's processes are frozen; it answers nothing.
    Paused,
    Unpaused,
    Destroyed,
}

/// One event of the engine's stream, about an instance's container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineEvent {
    /// The container's `io.rsrc.instance` label.
    pub instance: String,
    /// The container's id: a labelled copy of an instance's container (`docker commit` and
    /// `docker run`) carries the same label, and only the id tells them apart.
    pub container: String,
    /// Unix milliseconds, as the engine recorded it.
    pub at: i64,
    pub what: Happening,
}

/// The engine's event stream. It ends (or yields an error) when the connection drops.
pub type EventStream = BoxStream<'static, Result<EngineEvent>>;

/// What part of a container's log to read. Times are Unix seconds, 0 for none: the engine's
/// API has no finer grain, callers filter to the nanosecond on the timestamps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogRange {
    pub follow: bool,
    /// The last lines only; `None`: all.
    pub tail: Option<usize>,
    pub since: i64,
    pub until: i64,
    /// Each message starts with its RFC 3339 timestamp and a space. They cost the engine (Docker
    /// formats one per line), so they are asked for only when someone needs them.
    pub timestamps: bool,
}

/// Which of a container's outputs a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Stdout,
    Stderr,
}

/// A piece of a container's output: whole messages, in order, in one shared buffer, so that an
/// engine hands on what it read without copying it message by message. No message spans two
/// chunks. A payload is a line (or a piece of a long one), after its timestamp and a space with
/// [`LogRange::timestamps`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogChunk {
    data: Bytes,
    spans: Vec<Span>,
}

/// A message in a chunk's buffer. Offsets are u32: a chunk is a read-ahead plus at most one
/// message of [`LOG_BYTES_MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    output: Output,
    start: u32,
    end: u32,
}

impl LogChunk {
    /// The messages at `spans` (output, start, end) in `data`; a span outside `data` is left
    /// out rather than read past.
    pub fn from_spans(
        data: Bytes,
        spans: impl IntoIterator<Item = (Output, usize, usize)>,
    ) -> Self {
        let spans = spans
            .into_iter()
            .filter(|&(_, start, end)| start <= end && end <= data.len())
            .filter_map(|(output, start, end)| {
                Some(Span {
                    output,
                    start: u32::try_from(start).ok()?,
                    end: u32::try_from(end).ok()?,
                })
            })
            .collect();
        LogChunk { data, spans }
    }

    /// The messages, in order.
    pub fn messages(&self) -> impl Iterator<Item = (Output, &[u8])> + '_ {
        self.spans
            .iter()
            .map(|s| (s.output, &self.data[s.start as usize..s.end as usize]))
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// Builds a chunk one message at a time, for engines whose messages come apart.
#[derive(Debug, Default)]
pub struct LogChunkBuilder {
    data: Vec<u8>,
    spans: Vec<(Output, usize, usize)>,
}

impl LogChunkBuilder {
    pub fn push(&mut self, output: Output, payload: &[u8]) {
        let start = self.data.len();
        self.data.extend_from_slice(payload);
        self.spans.push((output, start, self.data.len()));
    }

    /// Bytes of payload so far.
    pub fn bytes(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn finish(self) -> LogChunk {
        LogChunk::from_spans(self.data.into(), self.spans)
    }
}

/// A container's output as the engine sends it. It ends after the last message (with `follow`,
/// when the container stops); an error ends it early.
pub type LogStream = BoxStream<'static, Result<LogChunk>>;

/// Progress of a pull, one message at a time.
pub type PullReporter<'a> = &'a mut (dyn FnMut(PullProgress) + Send);

/// What rsrc asks of a container runtime. Errors: a missing object is `NotFound` (where the
/// operation does not say otherwise), a lost connection `EngineUnavailable`.
#[async_trait::async_trait]
pub trait Engine: Send + Sync {
    /// The connection's state, for `rsrc version`.
    async fn info(&self) -> DockerInfo;
    /// `Ok` while the engine is reachable, `EngineUnavailable` otherwise.
    async fn available(&self) -> Result<()>;
    /// Changes each time the engine (re)connects; watchers reconcile when it does.
    fn connections(&self) -> watch::Receiver<u64>;
    /// Marks the connection lost, e.g. after the event stream broke.
    async fn mark_down(&self, why: String);
    /// Keeps the connection up until `shutdown` (connects, checks, reconnects); the daemon runs
    /// it for as long as it serves. An engine with no connection to keep returns at once.
    async fn supervise(&self, _shutdown: CancellationToken) {}

    /// The host's CPU count, when the engine reports it.
    async fn host_cpus(&self) -> Result<Option<u32>>;
    async fn image_exists(&self, image: &str) -> Result<bool>;
    /// Whether the local `image` says what to run (a Cmd or an Entrypoint); `None` when that is
    /// not known (no such image here, or an engine that cannot tell).
    async fn image_has_command(&self, _image: &str) -> Result<Option<bool>> {
        Ok(None)
    }
    /// Pulls `image`, reporting each progress message. A failed pull leaves nothing behind.
    async fn pull_image(&self, image: &str, progress: PullReporter<'_>) -> Result<()>;

    async fn create_volume(&self, name: &str, labels: HashMap<String, String>) -> Result<()>;
    /// Removes a volume; a missing one is fine, one in use is a conflict.
    async fn remove_volume(&self, name: &str) -> Result<()>;
    /// A volume's labels; `None` when it does not exist.
    async fn volume_labels(&self, name: &str) -> Result<Option<HashMap<String, String>>>;
    /// Sizes of volumes in bytes, by name, where the engine knows them. Slow on a big host
    /// (the engine walks every volume's files): asked for only on request.
    async fn volume_sizes(&self) -> Result<HashMap<String, i64>>;

    /// Creates a container; returns its id.
    async fn create_container(&self, spec: ContainerSpec) -> Result<String>;
    /// Starts a container; one already running is fine.
    async fn start(&self, container: &str) -> Result<()>;
    /// Stops a container with its stop signal, killing it after its stop timeout; one already
    /// stopped is fine.
    async fn stop(&self, container: &str) -> Result<()>;
    async fn restart(&self, container: &str) -> Result<()>;
    /// Removes a container, killing it if it still runs; a missing one is fine. Callers stop
    /// it first, gracefully, and check the labels (see `instances::teardown`).
    async fn remove_container(&self, id: &str) -> Result<()>;
    /// Inspects a container by id or name; `None` when it does not exist.
    async fn inspect(&self, container: &str) -> Result<Option<Observed>>;
    /// Every container carrying this daemon's label, running or not.
    async fn labelled_containers(&self, daemon_id: &str) -> Result<Vec<Listed>>;
    /// A container's environment (`KEY=VALUE`), e.g. to keep secret values out of an alert.
    async fn env(&self, container: &str) -> Result<Vec<String>>;
    /// The last `tail` lines of a container's output.
    async fn last_lines(&self, container: &str, tail: usize) -> Result<Vec<String>>;
    /// A container's output in `range`, streamed: nothing is held beyond the chunk in flight.
    async fn log_stream(&self, container: &str, range: LogRange) -> Result<LogStream>;
    /// Events of this daemon's containers from `since` (Unix seconds) on: the engine's record
    /// first, then live. With `until`, only the record up to then, and the stream ends.
    async fn events(&self, daemon_id: &str, since: i64, until: Option<i64>) -> Result<EventStream>;

    /// Creates a bridge network. A subnet another network holds is [`NetworkCreated::SubnetTaken`],
    /// not an error. Callers make sure the name is free first: engines may allow two of a name.
    async fn create_network(&self, spec: NetworkSpec) -> Result<NetworkCreated>;
    /// A network by id or name; `None` when it does not exist.
    async fn inspect_network(&self, network: &str) -> Result<Option<NetworkInfo>>;
    /// Removes a network; a missing one is fine, one a running container is on is a conflict.
    async fn remove_network(&self, network: &str) -> Result<()>;
    /// Every network carrying this daemon's label; their `containers` are left empty (inspect
    /// one to know them).
    async fn labelled_networks(&self, daemon_id: &str) -> Result<Vec<NetworkInfo>>;

    /// Starts `spec` in the running `container`, attached (see [`exec::ExecSession`]). An
    /// engine that cannot run commands says so.
    async fn exec(&self, _container: &str, _spec: exec::ExecSpec) -> Result<exec::ExecSession> {
        Err(crate::error::Error::conflict(
            "this engine cannot run commands in containers",
        ))
    }
    /// The state of a command [`Engine::exec`] started, by its id.
    async fn exec_status(&self, _id: &str) -> Result<exec::ExecStatus> {
        Err(crate::error::Error::conflict(
            "this engine cannot run commands in containers",
        ))
    }
    /// Sets the TTY size of a command started with one.
    async fn exec_resize(&self, _id: &str, _rows: u16, _cols: u16) -> Result<()> {
        Ok(())
    }

    /// Whether nothing on the host holds `port` right now, for the port allocator.
    fn host_port_free(&self, ip: IpAddr, port: u16, protocol: Protocol) -> bool {
        let addr = SocketAddr::new(ip, port);
        match protocol {
            Protocol::Tcp => std::net::TcpListener::bind(addr).is_ok(),
            Protocol::Udp => std::net::UdpSocket::bind(addr).is_ok(),
        }
    }
}
