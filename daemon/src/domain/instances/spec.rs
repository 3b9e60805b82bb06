//! What the engine is asked to make for an instance: the labels of its container and volumes,
//! and its container's spec. A create and a recreate make the same.

use std::collections::HashMap;

use rsrc_shared::api::{MachineSpec, PortMapping};

use crate::domain::machines;
use crate::engine::{
    ContainerSpec, PortBinding, RunOptions, VolumeMount, LABEL_DAEMON, LABEL_INSTANCE,
    LABEL_MACHINE, LABEL_OWNER, LABEL_PATH,
};
use crate::error::{Error, Result};
use crate::State;

/// The labels every container and volume of instance `id` carries.
pub(super) fn labels(
    state: &State,
    id: &str,
    owner_id: i64,
    machine: &MachineSpec,
) -> HashMap<String, String> {
    HashMap::from([
        (LABEL_INSTANCE.to_string(), id.to_string()),
        (LABEL_OWNER.to_string(), owner_id.to_string()),
        (LABEL_MACHINE.to_string(), machine.name.clone()),
        (LABEL_DAEMON.to_string(), state.daemon_id.clone()),
    ])
}

/// A volume's labels: the instance's, and the path it is mounted at.
pub(super) fn volume_labels(
    labels: &HashMap<String, String>,
    path: &str,
) -> HashMap<String, String> {
    let mut labels = labels.clone();
    labels.insert(LABEL_PATH.to_string(), path.to_string());
    labels
}

/// The spec of an instance's container `name` of `machine`.
pub(super) fn container(
    state: &State,
    name: String,
    machine: &MachineSpec,
    env: Vec<String>,
    labels: HashMap<String, String>,
    ports: &[PortMapping],
    volumes: Vec<VolumeMount>,
) -> Result<ContainerSpec> {
    let limits = &machine.limits;
    Ok(ContainerSpec {
        name,
        image: machine.image.clone(),
        command: machine.command.clone(),
        env,
        labels,
        ports: ports
            .iter()
            .map(|m| PortBinding {
                container_port: m.container_port,
                protocol: m.protocol,
                host_port: m.host_port,
            })
            .collect(),
        bind_address: state.config.bind_address,
        volumes,
        memory: limits
            .memory
            .as_deref()
            .map(machines::parse_memory)
            .transpose()?,
        nano_cpus: limits.cpus.map(|c| (c * 1e9).round() as i64),
        pids: limits.pids,
        restart: machine.restart,
        // Set by the caller: `network::attachment`.
        network: None,
        options: RunOptions {
            shm_size: machine
                .shm_size
                .as_deref()
                .map(rsrc_shared::options::parse_shm_size)
                .transpose()
                .map_err(Error::Invalid)?,
            user: machine.user.clone(),
            entrypoint: machine.entrypoint.clone(),
            ulimits: machine
                .ulimits
                .iter()
                .map(|(name, u)| (name.clone(), (u.soft, u.hard)))
                .collect(),
            tmpfs: machine.tmpfs.clone(),
        },
        stop_signal: machine.stop_signal.clone(),
        stop_timeout: machine
            .stop_timeout
            .as_deref()
            .map(machines::parse_stop_timeout)
            .transpose()?,
    })
}
