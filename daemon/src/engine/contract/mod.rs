//! The engine contract: what rsrc relies on an [`Engine`] to do, as behavioural tests written
//! once against `&dyn Engine`. Each engine runs the same cases through [`engine_contract!`]: the
//! fake in the lib's tests (below), Docker in `daemon/tests/engine_contract.rs`, and a Swarm
//! engine next. Where the fake and Docker disagree, a case fails on one of them.
//!
//! A [`Subject`] is an engine under test, with what only it knows: an image with a shell, how a
//! container acts out a [`Program`], how something else holds a host port, and an engine of its
//! kind that cannot be reached. Every container, volume and network a case makes carries the
//! subject's daemon label; a subject removes them all when dropped, also after a failed case.

mod cases;
mod logs;
mod networks;
#[cfg(test)]
mod on_fake;
mod run_options;

pub use cases::*;
pub use logs::*;
pub use networks::*;
pub use run_options::*;

use std::any::Any;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use rsrc_shared::api::RestartPolicy;

use super::{
    ContainerSpec, Engine, EngineEvent, EventStream, Happening, Output, PortBinding, VolumeMount,
    LABEL_DAEMON, LABEL_INSTANCE,
};

/// What a container does when it starts: writes `output` in order, then ends as `end` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub output: Vec<(Output, String)>,
    pub end: Ending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Runs until it is stopped, and ends at the stop's SIGTERM.
    RunOn,
    Exit(i64),
    /// Takes memory until the OOM killer ends it. The case sets a memory limit.
    Oom,
}

impl Program {
    pub fn run_on() -> Program {
        Program {
            output: Vec::new(),
            end: Ending::RunOn,
        }
    }

    pub fn exit(code: i64) -> Program {
        Program {
            output: Vec::new(),
            end: Ending::Exit(code),
        }
    }

    pub fn out(mut self, line: &str) -> Program {
        self.output.push((Output::Stdout, format!("{line}\n")));
        self
    }

    pub fn err(mut self, line: &str) -> Program {
        self.output.push((Output::Stderr, format!("{line}\n")));
        self
    }

    /// The program as a POSIX shell command, for engines that run real containers. Output
    /// lines are apart in time, so that an engine's log keeps their order across its streams.
    pub fn shell(&self) -> Vec<String> {
        let mut script = String::new();
        for (output, line) in &self.output {
            let quoted = line.trim_end_matches('\n').replace('\'', r"'\''");
            let to = if *output == Output::Stderr {
                " >&2"
            } else {
                ""
            };
            script.push_str(&format!("echo '{quoted}'{to}; sleep 0.05; "));
        }
        script.push_str(&match self.end {
            Ending::RunOn => "exec sleep 100000".to_string(),
            Ending::Exit(code) => format!("exit {code}"),
            Ending::Oom => "tail /dev/zero".to_string(),
        });
        vec!["sh".into(), "-c".into(), script]
    }
}

/// An engine under test.
#[async_trait::async_trait]
pub trait Subject: Send + Sync {
    fn engine(&self) -> &dyn Engine;
    /// The daemon label of everything this subject's cases make: unique to the subject.
    fn daemon_id(&self) -> &str;
    /// A second daemon label, for what must not show in the first one's listings and events.
    /// The subject cleans up after it too.
    fn other_daemon_id(&self) -> String {
        format!("{}-other", self.daemon_id())
    }
    /// An image the engine has, with a POSIX shell.
    fn image(&self) -> &str;
    /// The command that makes container `name` act out `program`.
    fn command(&self, name: &str, program: &Program) -> Vec<String>;
    /// Something other than the engine holds `port` on the host until the guard is dropped.
    fn occupy(&self, ip: IpAddr, port: u16) -> Box<dyn Any + Send>;
    /// An engine of this kind that cannot be reached.
    async fn unreachable(&self) -> Arc<dyn Engine>;
}

/// How long a case waits for the engine to do what it said.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A container name and instance label unique to this subject and `what`.
pub fn unique(subject: &dyn Subject, what: &str) -> String {
    format!("rsrc-contract-{what}-{}", subject.daemon_id())
}

/// A spec for a container `what` acting out `program`, labelled for `daemon`.
pub fn spec_for(
    subject: &dyn Subject,
    daemon: &str,
    what: &str,
    program: &Program,
) -> ContainerSpec {
    let name = unique(subject, what);
    ContainerSpec {
        name: name.clone(),
        image: subject.image().to_string(),
        command: Some(subject.command(&name, program)),
        env: vec!["RSRC_CONTRACT=1".into()],
        labels: HashMap::from([
            (LABEL_DAEMON.to_string(), daemon.to_string()),
            (LABEL_INSTANCE.to_string(), name.clone()),
        ]),
        ports: Vec::<PortBinding>::new(),
        bind_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
        volumes: Vec::<VolumeMount>::new(),
        memory: None,
        nano_cpus: None,
        pids: None,
        restart: RestartPolicy::No,
        network: None,
        options: Default::default(),
        stop_signal: None,
        stop_timeout: None,
    }
}

/// A spec of this subject's own daemon.
pub fn spec(subject: &dyn Subject, what: &str, program: &Program) -> ContainerSpec {
    spec_for(subject, subject.daemon_id(), what, program)
}

/// Now, in Unix seconds, as event queries take it.
pub fn now_secs() -> i64 {
    crate::clock::now_ms() / 1000
}

/// The events of `instance` from `stream` until `done` says the list is complete.
pub async fn events_until(
    stream: &mut EventStream,
    instance: &str,
    done: impl Fn(&[Happening]) -> bool,
) -> Vec<Happening> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done(&seen) {
        let next = tokio::time::timeout_at(deadline, stream.next()).await;
        match next {
            Ok(Some(Ok(EngineEvent {
                instance: of, what, ..
            }))) if of == instance => seen.push(what),
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(e))) => panic!("the event stream broke: {}; so far {seen:?}", e.chain()),
            Ok(None) => panic!("the event stream ended; so far {seen:?}"),
            Err(_) => panic!("no more events of {instance} in {PATIENCE:?}; so far {seen:?}"),
        }
    }
    seen
}

/// Whether the list ends with a die.
pub fn ends_with_die(seen: &[Happening]) -> bool {
    matches!(seen.last(), Some(Happening::Died { .. }))
}

/// Waits until `container` is no longer running; returns its last inspection.
pub async fn wait_stopped(engine: &dyn Engine, container: &str) -> super::Observed {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let o = engine.inspect(container).await;
        match o {
            Ok(Some(o)) if !o.running => return o,
            Ok(Some(_)) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            other => panic!("{container} did not stop: {other:?}"),
        }
    }
}

/// Expands to one `#[tokio::test]` per case of the contract, each on a fresh subject from
/// `$make`, a future of an `Option` of a [`Subject`]: `None` skips the case (e.g. no engine on
/// this machine, and none required).
#[macro_export]
macro_rules! engine_contract {
    ($make:expr) => {
        $crate::engine_contract!(@cases $make;
            lifecycle_create_start_stop_remove,
            inspect_and_refusals_name_what_is_missing,
            a_name_clash_fails_and_keeps_the_first,
            a_missing_image_is_not_found,
            events_a_start_and_an_exit_with_its_code,
            events_a_stop_is_kill_15_then_die,
            events_a_restart_stops_then_starts,
            events_a_forced_remove_is_kill_9_die_destroy,
            events_an_oom_comes_before_its_die,
            events_replay_in_order_and_only_this_daemons,
            listing_shows_this_daemons_containers_only,
            logs_keep_streams_lines_and_timestamps,
            logs_tail_and_range,
            logs_follow_until_the_container_stops,
            logs_of_a_missing_container_are_not_found,
            volumes_create_mount_and_remove,
            run_options_are_made_as_asked,
            host_ports_held_by_others_or_running_containers,
            an_unreachable_engine_answers_unavailable,
            networks_create_inspect_list_remove,
            networks_refuse_an_overlapping_subnet,
            containers_join_their_network,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let Some(subject) = $make.await else {
                    return;
                };
                $crate::engine::contract::$case(&subject).await;
            }
        )*
    };
}
