//! An [`Engine`] that keeps containers, volumes and images in memory, for tests of instance logic
//! without Docker: reconciliation's decisions, rollback of a failed create, the state machine.
//!
//! It behaves like Docker where rsrc depends on it, as the engine contract suite
//! ([`super::contract`]) checks on both: 404s are `None`/`Ok` where Docker's are, events come in
//! Docker's order (start; kill 15, die 143 for a stop; oom, die; kill 9, die 137, destroy for a
//! forced remove), a started container has exit code 0, a running one holds its published host
//! ports. A container runs a [`Script`] (output, then an exit or an OOM, or on until stopped), and
//! its log is kept. A test can make any operation fail once, take the engine away, or change a
//! container behind rsrc's back.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use rsrc_shared::api::{DockerInfo, Protocol};
use tokio::sync::{broadcast, watch};

use super::{
    ContainerSpec, Engine, EngineEvent, EventStream, Happening, Listed, LogRange, LogStream,
    Observed, Output, PullReporter, RunState, LABEL_DAEMON,
};
use super::{NetworkCreated, NetworkInfo, NetworkSpec};
use crate::clock::now_ms;
use crate::error::{EngineCause, Error, Result};

mod control;
mod logs;
mod network;

pub use logs::LogLine;

/// What a container does when it starts: writes its output, then ends as `end` says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub output: Vec<(Output, Vec<u8>)>,
    pub end: End,
}

/// How a script ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum End {
    /// It runs until it is stopped; a stop's SIGTERM ends it (exit code 143).
    #[default]
    RunOn,
    Exit(i64),
    /// The OOM killer ends it.
    Oom,
}

/// The operations a test can make fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    PullImage,
    CreateVolume,
    RemoveVolume,
    CreateContainer,
    Start,
    Stop,
    Restart,
    RemoveContainer,
    Inspect,
    CreateNetwork,
}

#[derive(Debug, Clone)]
pub struct FakeContainer {
    pub id: String,
    pub name: String,
    pub spec: ContainerSpec,
    pub running: bool,
    pub exit_code: Option<i64>,
    pub oom_killed: bool,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// What it wrote, over all its runs.
    pub log: Vec<LogLine>,
}

impl FakeContainer {
    /// The time of a start or finish now: after its last ones, as Docker's are. A restart in the
    /// millisecond of the start before it would otherwise look like no restart at all.
    fn next_change_at(&self) -> i64 {
        let last = self.started_at.max(self.finished_at);
        now_ms().max(last.map_or(i64::MIN, |at| at + 1))
    }
}

#[derive(Default)]
struct World {
    available: bool,
    images: HashSet<String>,
    volumes: HashMap<String, HashMap<String, String>>,
    containers: HashMap<String, FakeContainer>,
    failures: HashSet<Op>,
    busy_ports: HashSet<u16>,
    next_id: u64,
    /// Every event so far, for replays with `since`.
    record: Vec<Recorded>,
    /// How many live event streams were handed out: a test waits for the watcher's.
    live_streams: usize,
    /// What containers named so run when they start.
    scripts: HashMap<String, Script>,
    /// Networks by id, rsrc's and those a test says something else on the host made.
    networks: HashMap<String, network::FakeNetwork>,
}

/// An event as recorded, with the daemon label of its container, which streams filter on.
#[derive(Debug, Clone)]
struct Recorded {
    daemon: Option<String>,
    event: EngineEvent,
}

/// Called on every host-port probe.
pub type ProbeHook = Box<dyn Fn(u16) + Send + Sync>;

/// Called when an operation fails as a test asked.
pub type FailHook = Box<dyn Fn() + Send + Sync>;

impl World {
    /// A new container with a Docker-like id; `running` as if it had just started.
    fn add_container(&mut self, spec: ContainerSpec, running: bool) -> String {
        self.next_id += 1;
        let id = format!("{:064x}", self.next_id);
        let container = FakeContainer {
            id: id.clone(),
            name: spec.name.clone(),
            spec,
            running,
            // As Docker's: a container that has not exited says 0.
            exit_code: Some(0),
            oom_killed: false,
            started_at: running.then(now_ms),
            finished_at: None,
            log: Vec::new(),
        };
        self.containers.insert(id.clone(), container);
        id
    }
}

pub struct FakeEngine {
    world: Arc<Mutex<World>>,
    probe_hook: Mutex<Option<ProbeHook>>,
    fail_hooks: Mutex<HashMap<Op, FailHook>>,
    events: broadcast::Sender<Recorded>,
    generation: watch::Sender<u64>,
    /// Bumped on every change to a container (state or output), for log followers.
    changes: watch::Sender<u64>,
}

impl Default for FakeEngine {
    fn default() -> Self {
        FakeEngine::new()
    }
}

impl FakeEngine {
    /// A reachable engine with no images.
    pub fn new() -> FakeEngine {
        let (events, _) = broadcast::channel(1024);
        let (generation, _) = watch::channel(1);
        let (changes, _) = watch::channel(0);
        FakeEngine {
            world: Arc::new(Mutex::new(World {
                available: true,
                ..World::default()
            })),
            probe_hook: Mutex::new(None),
            fail_hooks: Mutex::new(HashMap::new()),
            events,
            generation,
            changes,
        }
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        // A test that panicked while holding the lock has failed already; its state is still
        // the best answer for the rest of that test.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends an event of `instance` at `at`: the time of the change it reports, as Docker's
    /// events carry the time of the container's state.
    fn emit(&self, labels: &Labels, at: i64, what: Happening) {
        if let Some(instance) = &labels.instance {
            let recorded = Recorded {
                daemon: labels.daemon.clone(),
                event: EngineEvent {
                    instance: instance.clone(),
                    container: labels.container.clone(),
                    at,
                    what,
                },
            };
            self.world().record.push(recorded.clone());
            // No subscriber is fine: nobody follows the stream in that test.
            let _ = self.events.send(recorded);
        }
        self.changes.send_modify(|n| *n += 1);
    }

    /// Fails when the engine is away or the test asked `op` to fail.
    fn check(&self, op: Option<Op>) -> Result<()> {
        let failed = {
            let mut world = self.world();
            if !world.available {
                return Err(Error::EngineUnavailable(None));
            }
            op.filter(|op| world.failures.remove(op))
        };
        let Some(op) = failed else {
            return Ok(());
        };
        if let Ok(hooks) = self.fail_hooks.lock() {
            if let Some(hook) = hooks.get(&op) {
                hook();
            }
        }
        Err(Error::EngineRefused(format!("fake engine: {op:?} failed")))
    }

    /// Starts a container that is not running and runs its script.
    fn run(&self, container: &str) -> Result<()> {
        let started = {
            let mut world = self.world();
            network::check_start(&world, container)?;
            let c = find_mut(&mut world, container)
                .ok_or_else(|| Error::not_found(format!("no container {container}")))?;
            if c.running {
                None
            } else {
                let at = c.next_change_at();
                c.running = true;
                c.started_at = Some(at);
                // As Docker does: a started container's state shows no exit code any more.
                c.exit_code = Some(0);
                c.oom_killed = false;
                let name = c.name.clone();
                let labels = labels_of(c);
                let script = world.scripts.get(&name).cloned().unwrap_or_default();
                Some((labels, at, name, script))
            }
        };
        let Some((labels, at, name, script)) = started else {
            return Ok(());
        };
        self.emit(&labels, at, Happening::Started);
        self.write(&name, &script.output);
        match script.end {
            End::RunOn => {}
            End::Exit(code) => self.exit(&name, code, false),
            End::Oom => self.exit(&name, 137, true),
        }
        Ok(())
    }

    /// Stops a running container as `docker stop` does: its stop signal (SIGTERM unless its
    /// spec names another), which ends its script with 128 + the signal's number.
    fn terminate(&self, container: &str) -> Result<()> {
        let stopped = {
            let mut world = self.world();
            let c = find_mut(&mut world, container)
                .ok_or_else(|| Error::not_found(format!("no container {container}")))?;
            if !c.running {
                None
            } else {
                let at = c.next_change_at();
                let signal = super::stop_signal_number(c.spec.stop_signal.as_deref());
                c.running = false;
                c.finished_at = Some(at);
                c.exit_code = Some(128 + signal);
                Some((labels_of(c), at, signal))
            }
        };
        if let Some((labels, at, signal)) = stopped {
            let killed = Happening::Killed {
                signal: signal.to_string(),
            };
            self.emit(&labels, at, killed);
            let exit_code = Some(128 + signal);
            self.emit(&labels, at, Happening::Died { exit_code });
        }
        Ok(())
    }
}

/// The labels of a container that its events carry.
struct Labels {
    container: String,
    instance: Option<String>,
    daemon: Option<String>,
}

fn labels_of(c: &FakeContainer) -> Labels {
    Labels {
        container: c.id.clone(),
        instance: c.spec.labels.get(super::LABEL_INSTANCE).cloned(),
        daemon: c.spec.labels.get(LABEL_DAEMON).cloned(),
    }
}

fn find<'a>(world: &'a World, name_or_id: &str) -> Option<&'a FakeContainer> {
    world
        .containers
        .get(name_or_id)
        .or_else(|| world.containers.values().find(|c| c.name == name_or_id))
}

fn find_mut<'a>(world: &'a mut World, name_or_id: &str) -> Option<&'a mut FakeContainer> {
    let id = find(world, name_or_id)?.id.clone();
    world.containers.get_mut(&id)
}

#[async_trait::async_trait]
impl Engine for FakeEngine {
    async fn info(&self) -> DockerInfo {
        let available = self.world().available;
        DockerInfo {
            connected: available,
            version: Some("fake".into()),
            api_version: Some("1.41".into()),
            error: (!available).then(|| "fake engine is away".to_string()),
        }
    }

    async fn available(&self) -> Result<()> {
        self.check(None)
    }

    fn connections(&self) -> watch::Receiver<u64> {
        self.generation.subscribe()
    }

    async fn mark_down(&self, _why: String) {
        self.world().available = false;
    }

    async fn host_cpus(&self) -> Result<Option<u32>> {
        self.check(None)?;
        Ok(Some(2))
    }

    async fn image_exists(&self, image: &str) -> Result<bool> {
        self.check(None)?;
        Ok(self.world().images.contains(image))
    }

    async fn pull_image(&self, image: &str, _progress: PullReporter<'_>) -> Result<()> {
        self.check(Some(Op::PullImage))?;
        self.world().images.insert(image.to_string());
        Ok(())
    }

    async fn create_volume(&self, name: &str, labels: HashMap<String, String>) -> Result<()> {
        self.check(Some(Op::CreateVolume))?;
        self.world().volumes.insert(name.to_string(), labels);
        Ok(())
    }

    async fn remove_volume(&self, name: &str) -> Result<()> {
        self.check(Some(Op::RemoveVolume))?;
        let mut world = self.world();
        let in_use = world
            .containers
            .values()
            .any(|c| c.spec.volumes.iter().any(|v| v.volume == name));
        if in_use {
            return Err(Error::conflict(format!(
                "volume {name} is in use by a container"
            )));
        }
        world.volumes.remove(name);
        Ok(())
    }

    async fn volume_labels(&self, name: &str) -> Result<Option<HashMap<String, String>>> {
        self.check(None)?;
        Ok(self.world().volumes.get(name).cloned())
    }

    async fn volume_sizes(&self) -> Result<HashMap<String, i64>> {
        self.check(None)?;
        Ok(HashMap::new())
    }

    async fn create_container(&self, spec: ContainerSpec) -> Result<String> {
        self.check(Some(Op::CreateContainer))?;
        let mut world = self.world();
        if !world.images.contains(&spec.image) {
            return Err(Error::not_found(format!("no image {}", spec.image)));
        }
        if world.containers.values().any(|c| c.name == spec.name) {
            // Docker answers 409, which is no conflict of rsrc's but a failed engine call.
            let why = format!("the container name {} is already in use", spec.name);
            return Err(Error::Engine {
                context: format!("cannot create container {}", spec.name),
                source: EngineCause(Box::new(std::io::Error::other(why))),
            });
        }
        Ok(world.add_container(spec, false))
    }

    async fn start(&self, container: &str) -> Result<()> {
        self.check(Some(Op::Start))?;
        self.run(container)
    }

    async fn stop(&self, container: &str) -> Result<()> {
        self.check(Some(Op::Stop))?;
        self.terminate(container)
    }

    async fn restart(&self, container: &str) -> Result<()> {
        self.check(Some(Op::Restart))?;
        self.terminate(container)?;
        self.run(container)
    }

    async fn remove_container(&self, id: &str) -> Result<()> {
        self.check(Some(Op::RemoveContainer))?;
        let removed = {
            let mut world = self.world();
            let found = find(&world, id).map(|c| c.id.clone());
            found.and_then(|id| world.containers.remove(&id))
        };
        if let Some(c) = removed {
            let label = labels_of(&c);
            let at = c.next_change_at();
            if c.running {
                self.emit(&label, at, Happening::Killed { signal: "9".into() });
                self.emit(
                    &label,
                    at,
                    Happening::Died {
                        exit_code: Some(137),
                    },
                );
            }
            self.emit(&label, at, Happening::Destroyed);
        }
        Ok(())
    }

    async fn inspect(&self, container: &str) -> Result<Option<Observed>> {
        self.check(Some(Op::Inspect))?;
        let world = self.world();
        Ok(find(&world, container).map(|c| Observed {
            id: c.id.clone(),
            state: if c.running {
                RunState::Running
            } else if c.started_at.is_none() {
                RunState::Created
            } else {
                RunState::Exited
            },
            running: c.running,
            exit_code: c.exit_code,
            oom_killed: c.oom_killed,
            started_at: c.started_at,
            finished_at: c.finished_at,
            labels: c.spec.labels.clone(),
            address: None,
            options: c.spec.options.clone(),
            stop_signal: c.spec.stop_signal.clone(),
        }))
    }

    async fn labelled_containers(&self, daemon_id: &str) -> Result<Vec<Listed>> {
        self.check(None)?;
        let world = self.world();
        Ok(world
            .containers
            .values()
            .filter(|c| c.spec.labels.get(LABEL_DAEMON).map(String::as_str) == Some(daemon_id))
            .map(|c| Listed {
                id: c.id.clone(),
                name: c.name.clone(),
                state: if c.running {
                    "running"
                } else if c.started_at.is_none() {
                    "created"
                } else {
                    "exited"
                }
                .into(),
                labels: c.spec.labels.clone(),
            })
            .collect())
    }

    async fn env(&self, container: &str) -> Result<Vec<String>> {
        self.check(None)?;
        self.container(container)
            .map(|c| c.spec.env.clone())
            .ok_or_else(|| Error::not_found(format!("no container {container}")))
    }

    async fn last_lines(&self, container: &str, tail: usize) -> Result<Vec<String>> {
        self.check(None)?;
        let c = self
            .container(container)
            .ok_or_else(|| Error::not_found(format!("no container {container}")))?;
        let text: Vec<u8> = c.log[c.log.len().saturating_sub(tail)..]
            .iter()
            .flat_map(|l| l.payload.iter().copied())
            .collect();
        Ok(String::from_utf8_lossy(&text)
            .lines()
            .map(str::to_string)
            .collect())
    }

    async fn log_stream(&self, container: &str, range: LogRange) -> Result<LogStream> {
        self.check(None)?;
        let c = self
            .container(container)
            .ok_or_else(|| Error::not_found(format!("no container {container}")))?;
        Ok(self.follow_log(c.id, range))
    }

    async fn events(&self, daemon_id: &str, since: i64, until: Option<i64>) -> Result<EventStream> {
        self.check(None)?;
        let in_range =
            |e: &EngineEvent| e.at / 1000 >= since && until.is_none_or(|u| e.at / 1000 <= u);
        let daemon = daemon_id.to_string();
        let ours = move |r: &Recorded| r.daemon.as_deref() == Some(daemon.as_str());
        // Subscribed before the record is read, so nothing falls between the two.
        let rx = self.events.subscribe();
        let past: Vec<Result<EngineEvent>> = self
            .world()
            .record
            .iter()
            .filter(|r| ours(r) && in_range(&r.event))
            .map(|r| Ok(r.event.clone()))
            .collect();
        let past = futures_util::stream::iter(past);
        if until.is_some() {
            return Ok(past.boxed());
        }
        self.world().live_streams += 1;
        let live = futures_util::stream::unfold((rx, ours), |(mut rx, ours)| async move {
            loop {
                match rx.recv().await {
                    Ok(r) if ours(&r) => return Some((Ok(r.event), (rx, ours))),
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        Ok(past.chain(live).boxed())
    }

    async fn create_network(&self, spec: NetworkSpec) -> Result<NetworkCreated> {
        self.check(Some(Op::CreateNetwork))?;
        Ok(network::create(&mut self.world(), spec))
    }

    async fn inspect_network(&self, name: &str) -> Result<Option<NetworkInfo>> {
        self.check(None)?;
        Ok(network::inspect(&self.world(), name))
    }

    async fn remove_network(&self, name: &str) -> Result<()> {
        self.check(None)?;
        network::remove(&mut self.world(), name)
    }

    async fn labelled_networks(&self, daemon_id: &str) -> Result<Vec<NetworkInfo>> {
        self.check(None)?;
        Ok(network::labelled(&self.world(), daemon_id))
    }

    fn host_port_free(&self, _ip: IpAddr, port: u16, protocol: Protocol) -> bool {
        if let Ok(hook) = self.probe_hook.lock() {
            if let Some(hook) = hook.as_ref() {
                hook(port);
            }
        }
        let world = self.world();
        // A running container's published port is held on the host, as Docker's proxy holds it.
        let published = world.containers.values().any(|c| {
            c.running
                && c.spec
                    .ports
                    .iter()
                    .any(|p| p.host_port == port && p.protocol == protocol)
        });
        !published && !world.busy_ports.contains(&port)
    }
}
