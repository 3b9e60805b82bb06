//! Bridge networks on Docker: one per user, each with a subnet rsrc chose from its pool.
//!
//! Docker 20.10 allows two networks of one name unless the request says `CheckDuplicate`,
//! which newer API versions dropped: callers look a name up before they create it. A subnet
//! that overlaps another network's is refused with 403 "Pool overlaps with other one on this
//! address space", which is an answer ([`NetworkCreated::SubnetTaken`]), not a failure.

use std::collections::HashMap;

use bollard::models::{Ipam, IpamConfig, NetworkCreateRequest, NetworkInspect};
use bollard::query_parameters::ListNetworksOptionsBuilder;

use super::{engine_err, is_status, DockerEngine};
use crate::engine::{NetworkCreated, NetworkInfo, NetworkSpec, LABEL_DAEMON};
use crate::error::{Error, Result};

pub async fn create(engine: &DockerEngine, spec: NetworkSpec) -> Result<NetworkCreated> {
    let request = NetworkCreateRequest {
        name: spec.name.clone(),
        driver: Some("bridge".into()),
        ipam: Some(Ipam {
            driver: Some("default".into()),
            config: Some(vec![IpamConfig {
                subnet: Some(spec.subnet.clone()),
                ..Default::default()
            }]),
            options: None,
        }),
        labels: Some(spec.labels),
        ..Default::default()
    };
    match engine.docker().await?.create_network(request).await {
        Ok(made) => Ok(NetworkCreated::Made(made.id)),
        Err(e) if is_status(&e, 403) && e.to_string().contains("overlaps") => {
            Ok(NetworkCreated::SubnetTaken)
        }
        Err(e) => Err(engine_err(format!(
            "cannot create network {} ({})",
            spec.name, spec.subnet
        ))(e)),
    }
}

pub async fn inspect(engine: &DockerEngine, network: &str) -> Result<Option<NetworkInfo>> {
    match engine.docker().await?.inspect_network(network, None).await {
        Ok(info) => Ok(Some(info_of(info))),
        Err(e) if is_status(&e, 404) => Ok(None),
        Err(e) => Err(engine_err(format!("cannot inspect network {network}"))(e)),
    }
}

pub async fn remove(engine: &DockerEngine, network: &str) -> Result<()> {
    match engine.docker().await?.remove_network(network).await {
        Ok(()) => Ok(()),
        Err(e) if is_status(&e, 404) => Ok(()),
        // 403 "error while removing network: network ... has active endpoints".
        Err(e) if is_status(&e, 403) || is_status(&e, 409) => Err(Error::conflict(format!(
            "network {network} has containers on it"
        ))),
        Err(e) => Err(engine_err(format!("cannot remove network {network}"))(e)),
    }
}

pub async fn labelled(engine: &DockerEngine, daemon_id: &str) -> Result<Vec<NetworkInfo>> {
    let filters = HashMap::from([("label", vec![format!("{LABEL_DAEMON}={daemon_id}")])]);
    let options = ListNetworksOptionsBuilder::default()
        .filters(&filters)
        .build();
    let listed = engine
        .docker()
        .await?
        .list_networks(Some(options))
        .await
        .map_err(engine_err("cannot list networks"))?;
    // The listing does not say which containers are on a network (see the trait).
    Ok(listed
        .into_iter()
        .map(|n| {
            info_of(NetworkInspect {
                id: n.id,
                name: n.name,
                ipam: n.ipam,
                labels: n.labels,
                ..Default::default()
            })
        })
        .collect())
}

fn info_of(info: NetworkInspect) -> NetworkInfo {
    let subnets = info
        .ipam
        .and_then(|i| i.config)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.subnet)
        .collect();
    let mut containers: Vec<String> = info.containers.unwrap_or_default().into_keys().collect();
    containers.sort();
    NetworkInfo {
        id: info.id.unwrap_or_default(),
        name: info.name.unwrap_or_default(),
        subnets,
        labels: info.labels.unwrap_or_default(),
        containers,
    }
}
