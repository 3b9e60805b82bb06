//! An [`Engine`] that keeps containers, volumes and images in memory, for tests of instance logic
//! without Docker: reconciliation's decisions, rollback of a failed create, the state machine.
//!
//! It behaves like Docker where rsrc depends on it (404s are `None`/`Ok` where Docker's are, events
//! in Docker's order: start; kill, die; oom, die; destroy) and lets a test make any operation fail
//! once, take the engine away, or change a container behind rsrc's back.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Mutex;

use futures_util::StreamExt;
use rsrc_shared::api::{DockerInfo, Protocol};
use tokio::sync::{broadcast, watch};

use super::{
    ContainerSpec, Engine, EngineEvent, EventStream, Happening, Listed, LogRange, LogStream,
    Observed, PullReporter, RunState, LABEL_DAEMON,
};
use crate::clock::now_ms;
use crate::error::{Error, Result};

mod control;

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
    record: Vec<EngineEvent>,
    /// How many live event streams were handed out: a test waits for the watcher's.
    live_streams: usize,
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
            exit_code: None,
            oom_killed: false,
            started_at: running.then(now_ms),
            finished_at: None,
        };
        self.containers.insert(id.clone(), container);
        id
    }
}

pub struct FakeEngine {
    world: Mutex<World>,
    probe_hook: Mutex<Option<ProbeHook>>,
    fail_hooks: Mutex<HashMap<Op, FailHook>>,
    events: broadcast::Sender<EngineEvent>,
    generation: watch::Sender<u64>,
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
        FakeEngine {
            world: Mutex::new(World {
                available: true,
                ..World::default()
            }),
            probe_hook: Mutex::new(None),
            fail_hooks: Mutex::new(HashMap::new()),
            events,
            generation,
        }
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        // A test that panicked while holding the lock has failed already; its state is still
        // the best answer for the rest of that test.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends an event of `instance` at `at`: the time of the change it reports, as Docker's
    /// events carry the time of the container's state.
    fn emit(&self, instance: &Option<String>, at: i64, what: Happening) {
        if let Some(instance) = instance {
            let event = EngineEvent {
                instance: instance.clone(),
                at,
                what,
            };
            self.world().record.push(event.clone());
            // No subscriber is fine: nobody follows the stream in that test.
            let _ = self.events.send(event);
        }
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

    fn set_running(&self, container: &str, running: bool, what: Happening) -> Result<()> {
        let (label, at) = {
            let mut world = self.world();
            let c = find_mut(&mut world, container)
                .ok_or_else(|| Error::not_found(format!("no container {container}")))?;
            if c.running == running {
                return Ok(());
            }
            c.running = running;
            let at = c.next_change_at();
            if running {
                c.started_at = Some(at);
            } else {
                c.finished_at = Some(at);
                c.exit_code = Some(0);
            }
            (label_of(c), at)
        };
        self.emit(&label, at, what);
        Ok(())
    }
}

fn label_of(c: &FakeContainer) -> Option<String> {
    c.spec.labels.get(super::LABEL_INSTANCE).cloned()
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

    async fn volume_sizes(&self) -> HashMap<String, i64> {
        HashMap::new()
    }

    async fn create_container(&self, spec: ContainerSpec) -> Result<String> {
        self.check(Some(Op::CreateContainer))?;
        let mut world = self.world();
        if !world.images.contains(&spec.image) {
            return Err(Error::not_found(format!("no image {}", spec.image)));
        }
        if world.containers.values().any(|c| c.name == spec.name) {
            return Err(Error::conflict(format!(
                "the container name {} is already in use",
                spec.name
            )));
        }
        Ok(world.add_container(spec, false))
    }

    async fn start(&self, container: &str) -> Result<()> {
        self.check(Some(Op::Start))?;
        self.set_running(container, true, Happening::Started)
    }

    async fn stop(&self, container: &str) -> Result<()> {
        self.check(Some(Op::Stop))?;
        self.set_running(container, false, Happening::Died { exit_code: Some(0) })
    }

    async fn restart(&self, container: &str) -> Result<()> {
        self.check(Some(Op::Restart))?;
        self.set_running(container, false, Happening::Died { exit_code: Some(0) })?;
        self.set_running(container, true, Happening::Started)
    }

    async fn remove_container(&self, id: &str) -> Result<()> {
        self.check(Some(Op::RemoveContainer))?;
        let removed = {
            let mut world = self.world();
            let found = find(&world, id).map(|c| c.id.clone());
            found.and_then(|id| world.containers.remove(&id))
        };
        if let Some(c) = removed {
            let label = label_of(&c);
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
                state: if c.running { "running" } else { "exited" }.into(),
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

    async fn last_lines(&self, container: &str, _tail: usize) -> Result<Vec<String>> {
        self.check(None)?;
        if self.container(container).is_none() {
            return Err(Error::not_found(format!("no container {container}")));
        }
        Ok(Vec::new())
    }

    async fn log_stream(&self, container: &str, _range: LogRange) -> Result<LogStream> {
        self.check(None)?;
        if self.container(container).is_none() {
            return Err(Error::not_found(format!("no container {container}")));
        }
        Ok(futures_util::stream::empty().boxed())
    }

    async fn events(
        &self,
        _daemon_id: &str,
        since: i64,
        until: Option<i64>,
    ) -> Result<EventStream> {
        self.check(None)?;
        let in_range =
            |e: &EngineEvent| e.at / 1000 >= since && until.is_none_or(|u| e.at / 1000 <= u);
        // Subscribed before the record is read, so nothing falls between the two.
        let rx = self.events.subscribe();
        let past: Vec<Result<EngineEvent>> = self
            .world()
            .record
            .iter()
            .filter(|e| in_range(e))
            .cloned()
            .map(Ok)
            .collect();
        let past = futures_util::stream::iter(past);
        if until.is_some() {
            return Ok(past.boxed());
        }
        self.world().live_streams += 1;
        let live = futures_util::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(event) => return Some((Ok(event), rx)),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        Ok(past.chain(live).boxed())
    }

    fn host_port_free(&self, _ip: IpAddr, port: u16, _protocol: Protocol) -> bool {
        if let Ok(hook) = self.probe_hook.lock() {
            if let Some(hook) = hook.as_ref() {
                hook(port);
            }
        }
        !self.world().busy_ports.contains(&port)
    }
}
