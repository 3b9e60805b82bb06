//! How the API shows instances. A listing costs a fixed number of queries however many rows it
//! has: the rows, then the ports and the volumes of all of them.

use rsrc_shared::api::{Instance, InstanceVolume, PortMapping};

use super::env::render_connect;
use super::{resolve, Row, SECRET_MASK};
use crate::clock::rfc3339;
use crate::domain::accounts::Caller;
use crate::error::Result;
use crate::registry::{self, instances as repo, Snap};
use crate::State;

/// The API's view of one row, given its ports and volumes. It takes the row so that a listing of
/// a thousand moves its strings instead of copying them.
pub fn to_api(
    row: Row,
    advertise_host: &str,
    ports: Vec<PortMapping>,
    volumes: Vec<InstanceVolume>,
) -> Instance {
    let url = row
        .machine_spec
        .connect
        .as_deref()
        .map(|t| render_connect(t, advertise_host, &row, &ports));
    Instance {
        url,
        status: row.state.to_string(),
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
        id: row.id,
        name: row.name,
        machine: row.machine,
        owner: row.owner_email,
        host: advertise_host.to_string(),
        ports,
        volumes,
        env: row
            .env
            .into_iter()
            .map(|(k, v)| (k, v.unwrap_or_else(|| SECRET_MASK.into())))
            .collect(),
        container: row.container_id,
        exit_code: row.exit_code,
        last_known: false,
        availability_7d: None,
    }
}

/// While the engine is away, what the registry says is only the last state rsrcd saw.
async fn mark_last_known<'a>(state: &State, instances: impl Iterator<Item = &'a mut Instance>) {
    if state.engine.available().await.is_ok() {
        return;
    }
    for i in instances {
        i.last_known = !matches!(i.status.as_str(), "creating" | "removing");
    }
}

/// One row with its ports and volumes read.
pub fn one(snap: &Snap, advertise_host: &str, row: Row) -> Result<Instance> {
    let ports = registry::ports::of_instance(snap, &row.id)?;
    let volumes = registry::volumes::of_instance(snap, &row.id)?;
    Ok(to_api(row, advertise_host, ports, volumes))
}

/// The API's view of the instance `id`, read again.
pub async fn by_id(state: &State, id: &str) -> Result<Instance> {
    let host = state.config.advertise_host.clone();
    let id = id.to_string();
    state
        .registry
        .read(move |snap| {
            let row = repo::by_id(snap, &id)?
                .ok_or_else(|| crate::error::Error::not_found(format!("no instance `{id}`")))?;
            one(snap, &host, row)
        })
        .await
}

pub async fn list(state: &State, caller: &Caller, all: bool) -> Result<Vec<Instance>> {
    let mut instances = list_rows(state, caller, all).await?;
    mark_last_known(state, instances.iter_mut()).await;
    Ok(instances)
}

async fn list_rows(state: &State, caller: &Caller, all: bool) -> Result<Vec<Instance>> {
    if all {
        caller.require_admin()?;
    }
    let mut viewer = caller.viewer();
    viewer.all = all;
    let host = state.config.advertise_host.clone();
    let keep_ms = state.config.history.keep_ms();
    state
        .registry
        .read(move |snap| {
            let rows = repo::list_visible(snap, viewer)?;
            let ports = registry::ports::of_listed(snap, viewer, &rows)?;
            let volumes = registry::volumes::of_listed(snap, viewer, &rows)?;
            let up = crate::domain::uptime::availability_7d(snap, viewer, &rows, keep_ms)?;
            Ok(rows
                .into_iter()
                .zip(ports)
                .zip(volumes)
                .zip(up)
                .map(|(((row, ports), volumes), up)| Instance {
                    availability_7d: up,
                    ..to_api(row, &host, ports, volumes)
                })
                .collect())
        })
        .await
}

pub async fn show(state: &State, caller: &Caller, reference: String) -> Result<Instance> {
    let caller = caller.clone();
    let host = state.config.advertise_host.clone();
    let keep_ms = state.config.history.keep_ms();
    let mut instance = state
        .registry
        .read(move |snap| {
            let row = resolve(snap, &caller, &reference)?;
            let viewer = crate::registry::Viewer {
                all: false,
                user_id: row.owner_id,
            };
            let up = crate::domain::uptime::availability_7d(
                snap,
                viewer,
                std::slice::from_ref(&row),
                keep_ms,
            )?;
            Ok(Instance {
                availability_7d: up.first().copied().flatten(),
                ..one(snap, &host, row)?
            })
        })
        .await?;
    mark_last_known(state, std::iter::once(&mut instance)).await;
    Ok(instance)
}
