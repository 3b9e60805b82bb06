//! What a test does to the fake engine's world: make an operation fail, take the engine away,
//! change a container behind rsrc's back, or look at what is there.

use super::{
    find, find_mut, labels_of, FailHook, FakeContainer, FakeEngine, LogLine, Op, ProbeHook, Script,
};
use crate::engine::{ContainerSpec, Happening, Output};

/// Now in Unix nanoseconds.
fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

impl FakeEngine {
    /// Runs `hook` on every host-port probe, e.g. to see what else is held meanwhile.
    pub fn on_probe(&self, hook: ProbeHook) {
        if let Ok(mut h) = self.probe_hook.lock() {
            *h = Some(hook);
        }
    }

    pub fn add_image(&self, image: &str) {
        self.world().images.insert(image.to_string());
    }

    /// Takes the engine away (every call fails `EngineUnavailable`) or brings it back, which
    /// counts as a reconnection.
    pub fn set_available(&self, available: bool) {
        self.world().available = available;
        if available {
            self.generation.send_modify(|g| *g += 1);
        }
    }

    /// The next call of `op` fails.
    pub fn fail_next(&self, op: Op) {
        self.world().failures.insert(op);
    }

    /// Runs `hook` right after `op` fails as asked, e.g. to take the engine away at that moment.
    pub fn on_fail(&self, op: Op, hook: FailHook) {
        if let Ok(mut hooks) = self.fail_hooks.lock() {
            hooks.insert(op, hook);
        }
    }

    /// Marks a host port as held by something else on the host.
    pub fn hold_port(&self, port: u16) {
        self.world().busy_ports.insert(port);
    }

    /// Lets go of a port [`FakeEngine::hold_port`] held.
    pub fn release_port(&self, port: u16) {
        self.world().busy_ports.remove(&port);
    }

    pub fn containers(&self) -> Vec<FakeContainer> {
        self.world().containers.values().cloned().collect()
    }

    pub fn container(&self, name_or_id: &str) -> Option<FakeContainer> {
        let world = self.world();
        find(&world, name_or_id).cloned()
    }

    pub fn volumes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.world().volumes.keys().cloned().collect();
        v.sort();
        v
    }

    /// The container's process exits with `exit_code`, as a crash would (with `oom`, killed
    /// by the OOM killer). The restart policy is not simulated.
    pub fn exit(&self, name_or_id: &str, exit_code: i64, oom: bool) {
        let (label, at) = {
            let mut world = self.world();
            let Some(c) = find_mut(&mut world, name_or_id) else {
                return;
            };
            let at = c.next_change_at();
            c.running = false;
            c.exit_code = Some(exit_code);
            c.oom_killed = oom;
            c.finished_at = Some(at);
            (labels_of(c), at)
        };
        if oom {
            self.emit(&label, at, Happening::Oom);
        }
        self.emit(
            &label,
            at,
            Happening::Died {
                exit_code: Some(exit_code),
            },
        );
    }

    /// What happened to container `id` so far, in order, as its events told it.
    pub fn happenings(&self, id: &str) -> Vec<Happening> {
        self.world()
            .record
            .iter()
            .filter(|r| r.event.container == id)
            .map(|r| r.event.what.clone())
            .collect()
    }

    /// How many live event streams the engine has handed out so far.
    pub fn live_streams(&self) -> usize {
        self.world().live_streams
    }

    /// The OOM killer ends the container, and the engine reports the OOM just after the die, as
    /// Docker 20.10 sometimes does (its state then says nothing of the OOM either).
    pub fn oom_reported_after_die(&self, name_or_id: &str) {
        let labels = {
            let world = self.world();
            find(&world, name_or_id).map(labels_of)
        };
        self.exit(name_or_id, 137, false);
        let at = crate::clock::now_ms();
        if let Some(labels) = labels {
            self.emit(&labels, at, Happening::Oom);
        }
    }

    /// The container is started again behind rsrc's back (e.g. `docker start`).
    pub fn start_behind_the_back(&self, name_or_id: &str) {
        let (label, at) = {
            let mut world = self.world();
            let Some(c) = find_mut(&mut world, name_or_id) else {
                return;
            };
            let at = c.next_change_at();
            c.running = true;
            c.started_at = Some(at);
            // As Docker does: a started container's state shows no exit code any more.
            c.exit_code = Some(0);
            c.oom_killed = false;
            (labels_of(c), at)
        };
        self.emit(&label, at, Happening::Started);
    }

    /// The container disappears without an event, as if removed while nobody watched.
    pub fn vanish(&self, name_or_id: &str) {
        let mut world = self.world();
        if let Some(id) = find(&world, name_or_id).map(|c| c.id.clone()) {
            world.containers.remove(&id);
        }
    }

    /// What the container named `name` does each time it starts (by default it runs on, silent).
    pub fn script(&self, name: &str, script: Script) {
        self.world().scripts.insert(name.to_string(), script);
    }

    /// The container writes `output` now, as a running process would.
    pub fn write(&self, name_or_id: &str, output: &[(Output, Vec<u8>)]) {
        {
            let mut world = self.world();
            let Some(c) = find_mut(&mut world, name_or_id) else {
                return;
            };
            for (stream, payload) in output {
                // Later than the line before: a log's order is its timestamps'.
                let at = c.log.last().map_or(0, |l| l.at + 1).max(now_ns());
                c.log.push(LogLine {
                    at,
                    output: *stream,
                    payload: payload.clone(),
                });
            }
        }
        self.changes.send_modify(|n| *n += 1);
    }

    /// Makes a container as if rsrc had made it and then crashed before recording its id.
    pub fn adopt(&self, spec: ContainerSpec, running: bool) -> String {
        self.world().add_container(spec, running)
    }
}
