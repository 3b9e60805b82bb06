//! Conversions between rsrc's engine types and Docker's.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, ContainerStateStatusEnum, EndpointSettings,
    EventMessage, HostConfig, Mount, MountType, NetworkingConfig, PortBinding, ResourcesUlimits,
    RestartPolicy, RestartPolicyNameEnum,
};
use rsrc_shared::api::RestartPolicy as Restart;

use super::super::{
    ContainerSpec, EngineEvent, Happening, Observed, RunOptions, RunState, LABEL_INSTANCE,
};

/// Docker's RFC 3339 times as Unix milliseconds; its zero time (`0001-01-01...`) is `None`.
fn parse_time(ts: Option<&str>) -> Option<i64> {
    let ts = ts.filter(|t| !t.starts_with("0001-"))?;
    let t = time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Docker's create body for a container spec.
pub fn container_body(spec: ContainerSpec) -> ContainerCreateBody {
    let mut port_bindings = HashMap::new();
    let mut exposed = Vec::new();
    for p in &spec.ports {
        let key = format!("{}/{}", p.container_port, p.protocol.as_str());
        exposed.push(key.clone());
        port_bindings.insert(
            key,
            Some(vec![PortBinding {
                host_ip: Some(spec.bind_address.to_string()),
                // Pinned: an empty host port would change on every start.
                host_port: Some(p.host_port.to_string()),
            }]),
        );
    }
    let mounts = spec
        .volumes
        .iter()
        .map(|v| Mount {
            target: Some(v.path.clone()),
            source: Some(v.volume.clone()),
            typ: Some(MountType::VOLUME),
            ..Default::default()
        })
        .collect();
    let restart = match spec.restart {
        Restart::No => RestartPolicyNameEnum::NO,
        Restart::OnFailure => RestartPolicyNameEnum::ON_FAILURE,
        Restart::UnlessStopped => RestartPolicyNameEnum::UNLESS_STOPPED,
    };
    // On a network of its own (the owner's), found there by its aliases; else Docker's default
    // bridge, as instances made before user networks are until they are recreated.
    let network_mode = spec.network.as_ref().map(|n| n.network.clone());
    let networking_config = spec.network.map(|n| NetworkingConfig {
        endpoints_config: Some(HashMap::from([(
            n.network,
            EndpointSettings {
                aliases: Some(n.aliases),
                ..Default::default()
            },
        )])),
    });
    let RunOptions {
        shm_size,
        user,
        entrypoint,
        ulimits,
        tmpfs,
    } = spec.options;
    let ulimits = ulimits
        .into_iter()
        .map(|(name, (soft, hard))| ResourcesUlimits {
            name: Some(name),
            soft: Some(soft),
            hard: Some(hard),
        })
        .collect::<Vec<_>>();
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        networking_config,
        cmd: spec.command.clone(),
        // `Some([])` is sent as `[]`, which Docker takes as "no entrypoint".
        entrypoint,
        user,
        env: Some(spec.env),
        labels: Some(spec.labels),
        exposed_ports: Some(exposed),
        // Docker's own `docker stop` honours these too.
        stop_signal: spec.stop_signal.clone(),
        stop_timeout: spec.stop_timeout,
        host_config: Some(HostConfig {
            port_bindings: Some(port_bindings),
            mounts: Some(mounts),
            // `sh` as PID 1 ignores SIGTERM: every stop would wait for the kill.
            init: Some(true),
            restart_policy: Some(RestartPolicy {
                name: Some(restart),
                maximum_retry_count: None,
            }),
            memory: spec.memory,
            nano_cpus: spec.nano_cpus,
            pids_limit: spec.pids,
            network_mode,
            shm_size,
            ulimits: (!ulimits.is_empty()).then_some(ulimits),
            tmpfs: (!tmpfs.is_empty()).then(|| tmpfs.into_iter().collect()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// rsrc's view of an inspected container.
pub fn observed(info: ContainerInspectResponse) -> Observed {
    let state = info.state.unwrap_or_default();
    let run_state = match state.status {
        Some(ContainerStateStatusEnum::RUNNING) => RunState::Running,
        Some(ContainerStateStatusEnum::RESTARTING) => RunState::Restarting,
        Some(ContainerStateStatusEnum::PAUSED) => RunState::Paused,
        Some(ContainerStateStatusEnum::CREATED) => RunState::Created,
        Some(ContainerStateStatusEnum::DEAD) => RunState::Dead,
        Some(ContainerStateStatusEnum::REMOVING) => RunState::Removing,
        _ => RunState::Exited,
    };
    let address = info
        .network_settings
        .and_then(|s| s.networks)
        .unwrap_or_default()
        .into_values()
        .filter_map(|n| n.ip_address)
        .find(|ip| !ip.is_empty())
        .and_then(|ip| ip.parse().ok());
    let host = info.host_config.unwrap_or_default();
    let config = info.config.unwrap_or_default();
    let options = RunOptions {
        shm_size: host.shm_size,
        user: config.user.filter(|u| !u.is_empty()),
        entrypoint: config.entrypoint,
        ulimits: host
            .ulimits
            .unwrap_or_default()
            .into_iter()
            .filter_map(|u| Some((u.name?, (u.soft?, u.hard?))))
            .collect(),
        tmpfs: host.tmpfs.unwrap_or_default().into_iter().collect(),
    };
    Observed {
        id: info.id.unwrap_or_default(),
        state: run_state,
        running: state.running.unwrap_or(false),
        exit_code: state.exit_code,
        oom_killed: state.oom_killed.unwrap_or(false),
        started_at: parse_time(state.started_at.as_deref()),
        finished_at: parse_time(state.finished_at.as_deref()),
        labels: config.labels.unwrap_or_default(),
        address,
        options,
        stop_signal: config.stop_signal.filter(|s| !s.is_empty()),
    }
}

/// The instance event in one of Docker's event messages, if it is one rsrc records.
pub fn to_event(message: EventMessage) -> Option<EngineEvent> {
    let actor = message.actor?;
    let container = actor.id.unwrap_or_default();
    let attrs = actor.attributes.unwrap_or_default();
    let instance = attrs.get(LABEL_INSTANCE)?.clone();
    let at = message
        .time_nano
        .map(|n| n / 1_000_000)
        .or(message.time.map(|s| s * 1000))
        .unwrap_or_else(crate::clock::now_ms);
    let what = match message.action.as_deref()? {
        "start" => Happening::Started,
        "kill" => Happening::Killed {
            signal: attrs.get("signal").cloned().unwrap_or_default(),
        },
        "oom" => Happening::Oom,
        "die" => Happening::Died {
            exit_code: attrs.get("exitCode").and_then(|c| c.parse().ok()),
        },
        "pause" => Happening::Paused,
        "unpause" => Happening::Unpaused,
        "destroy" => Happening::Destroyed,
        _ => return None,
    };
    Some(EngineEvent {
        instance,
        container,
        at,
        what,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_times_parse_and_zero_is_none() {
        assert_eq!(parse_time(Some("1970-01-01T00:00:01.5Z")), Some(1500));
        assert_eq!(parse_time(Some("0001-01-01T00:00:00Z")), None);
        assert_eq!(parse_time(None), None);
    }
}
