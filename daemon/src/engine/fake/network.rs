//! The fake engine's networks: names, subnets and labels, with Docker's refusals (an overlapping
//! subnet; removing a network a running container is on). A test can put a network of
//! "something else on the host" in the way with [`FakeEngine::occupy_subnet`].

use std::collections::HashMap;

use super::{FakeEngine, World};
use crate::config::Subnet;
use crate::engine::{NetworkCreated, NetworkInfo, NetworkSpec, LABEL_DAEMON};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct FakeNetwork {
    pub id: String,
    pub name: String,
    pub subnet: String,
    pub labels: HashMap<String, String>,
}

pub(super) fn find<'a>(world: &'a World, name_or_id: &str) -> Option<&'a FakeNetwork> {
    world
        .networks
        .get(name_or_id)
        .or_else(|| world.networks.values().find(|n| n.name == name_or_id))
}

fn overlaps(a: &str, b: &str) -> bool {
    match (Subnet::parse(a), Subnet::parse(b)) {
        (Some(a), Some(b)) => a.overlaps(b),
        _ => a == b,
    }
}

/// As Docker: a container whose network is gone is made, but does not start.
pub(super) fn check_start(world: &World, container: &str) -> Result<()> {
    let c = super::find(world, container)
        .ok_or_else(|| Error::not_found(format!("no container {container}")))?;
    match &c.spec.network {
        Some(a) if !c.running && find(world, &a.network).is_none() => {
            Err(Error::not_found(format!("network {} not found", a.network)))
        }
        _ => Ok(()),
    }
}

pub(super) fn create(world: &mut World, spec: NetworkSpec) -> NetworkCreated {
    if world
        .networks
        .values()
        .any(|n| overlaps(&n.subnet, &spec.subnet))
    {
        return NetworkCreated::SubnetTaken;
    }
    world.next_id += 1;
    let id = format!("{:064x}", world.next_id);
    world.networks.insert(
        id.clone(),
        FakeNetwork {
            id: id.clone(),
            name: spec.name,
            subnet: spec.subnet,
            labels: spec.labels,
        },
    );
    NetworkCreated::Made(id)
}

/// The running containers on network `n`, by id.
fn running_on(world: &World, n: &FakeNetwork) -> Vec<String> {
    let mut ids: Vec<String> = world
        .containers
        .values()
        .filter(|c| {
            c.running
                && c.spec
                    .network
                    .as_ref()
                    .is_some_and(|a| a.network == n.name || a.network == n.id)
        })
        .map(|c| c.id.clone())
        .collect();
    ids.sort();
    ids
}

fn info(world: &World, n: &FakeNetwork, with_containers: bool) -> NetworkInfo {
    NetworkInfo {
        id: n.id.clone(),
        name: n.name.clone(),
        subnets: vec![n.subnet.clone()],
        labels: n.labels.clone(),
        containers: if with_containers {
            running_on(world, n)
        } else {
            Vec::new()
        },
    }
}

pub(super) fn inspect(world: &World, name_or_id: &str) -> Option<NetworkInfo> {
    find(world, name_or_id).map(|n| info(world, n, true))
}

pub(super) fn remove(world: &mut World, name_or_id: &str) -> Result<()> {
    let Some(n) = find(world, name_or_id).cloned() else {
        return Ok(());
    };
    if !running_on(world, &n).is_empty() {
        return Err(Error::conflict(format!(
            "network {} has containers on it",
            n.name
        )));
    }
    world.networks.remove(&n.id);
    Ok(())
}

pub(super) fn labelled(world: &World, daemon_id: &str) -> Vec<NetworkInfo> {
    let mut out: Vec<NetworkInfo> = world
        .networks
        .values()
        .filter(|n| n.labels.get(LABEL_DAEMON).map(String::as_str) == Some(daemon_id))
        .map(|n| info(world, n, false))
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

impl FakeEngine {
    /// Something else on the host makes a network on `subnet`, as another Docker user would.
    pub fn occupy_subnet(&self, name: &str, subnet: &str) {
        let made = create(
            &mut self.world(),
            NetworkSpec {
                name: name.to_string(),
                subnet: subnet.to_string(),
                labels: HashMap::new(),
            },
        );
        assert!(
            matches!(made, NetworkCreated::Made(_)),
            "{subnet} is taken already"
        );
    }

    /// The networks there are now, with their subnets, by name.
    pub fn networks(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .world()
            .networks
            .values()
            .map(|n| (n.name.clone(), n.subnet.clone()))
            .collect();
        out.sort();
        out
    }
}
