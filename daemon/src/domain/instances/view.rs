//! How the API shows instances. A listing costs a fixed number of queries however many rows it
//! has: the rows, then the ports and the volumes of all of them.

use rsrc_shared::api::{Instance, InstanceState, InstanceVolume, PortMapping};

use super::env::render_connect;
use super::{resolve, Row, SECRET_MASK};
use crate::clock::rfc3339;
use crate::domain::accounts::Caller;
use crate::error::{Error, Result};
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
        status: row.state,
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
        i.last_known = !matches!(i.status, InstanceState::Creating | InstanceState::Removing);
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

/// One instance as `caller` may see it. With `reveal`, the values of its secret props, read from
/// its container (rsrc stores none): for the owner only, anyone else (an admin) is refused
/// rather than shown the mask, which could pass for the value.
pub async fn show(
    state: &State,
    caller: &Caller,
    reference: String,
    reveal: bool,
) -> Result<Instance> {
    let me = caller.user.id;
    let (mut instance, row) = show_row(state, caller, reference).await?;
    if reveal {
        if row.owner_id != me {
            return Err(Error::forbidden(format!(
                "only the owner of instance `{}` may reveal its secret props; admins see them \
                 as `********` too",
                row.name
            )));
        }
        reveal_secrets(state, &row, &mut instance).await?;
    }
    Ok(instance)
}

/// Puts the container's values of the row's secret props (those the registry holds no value
/// for) into `instance.env`. Audited in the log by key, never by value.
async fn reveal_secrets(state: &State, row: &Row, instance: &mut Instance) -> Result<()> {
    let secret: Vec<&String> = row
        .env
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k)
        .collect();
    if secret.is_empty() {
        return Ok(());
    }
    let mut live = super::recreate::container_env(state, row).await?;
    if live.is_empty() {
        return Err(Error::conflict(format!(
            "instance `{}` has no container, and its secret values went with the last one; \
             set them again with `rsrc instance recreate {} --env KEY`",
            row.name, row.name
        )));
    }
    for key in &secret {
        if let Some(v) = live.remove(key.as_str()) {
            instance.env.insert((*key).clone(), v);
        }
    }
    tracing::info!(instance = %row.id, by = row.owner_id, keys = ?secret,
        "secret props revealed to their owner");
    Ok(())
}

async fn show_row(state: &State, caller: &Caller, reference: String) -> Result<(Instance, Row)> {
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
            let instance = Instance {
                availability_7d: up.first().copied().flatten(),
                ..one(snap, &host, row.clone())?
            };
            Ok((instance, row))
        })
        .await?;
    mark_last_known(state, std::iter::once(&mut instance.0)).await;
    Ok(instance)
}
