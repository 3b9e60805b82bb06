//! `rsrc instance recreate`: the container made again from the machine's current definition,
//! with the instance's id, name, host ports and volumes. Also how a lost instance comes back.
//!
//! Journalled as a create is: the plan (state `recreating`) is committed first, then the new
//! container is made under a name of its own, the old one removed, the new one started (when
//! the owner wants it running), and the row switched over last. After a crash, [`settle`]
//! completes a recreate whose new container exists and drops one whose container was never
//! made, so the instance always has exactly one container of its own afterwards.

use std::collections::{BTreeMap, HashMap};

use rsrc_shared::api::{Cause, EventKind, Instance, InstanceRecreate, InstanceVolume};

use super::create::{random_hex, PENDING_WINDOW_MS};
use super::resolve::{load, resolve_async};
use super::state::{observe, Seen};
use super::{cause_for, env, network, reconcile, spec, teardown, view, volumes, Row};
use crate::clock::now_ms;
use crate::domain::accounts::Caller;
use crate::domain::events::{self, Entry};
use crate::domain::machines;
use crate::engine::VolumeMount;
use crate::error::{Error, Result};
use crate::registry;
use crate::registry::instances::{self as repo, Desired, Expect, Pending};
use crate::registry::rebuild::{self, Plan};
use crate::State;

pub async fn recreate(
    state: &State,
    caller: &Caller,
    reference: &str,
    req: InstanceRecreate,
) -> Result<Instance> {
    let row = resolve_async(state, caller, reference).await?;
    let busy = |row: &Row| {
        Error::conflict(format!(
            "instance `{}` is {}; try again in a moment",
            row.name, row.state
        ))
    };
    if row.state.is_transitional() || state.in_flight.contains(&row.id) {
        return Err(busy(&row));
    }
    // Nothing is journalled for a recreate the engine cannot take.
    state.engine.available().await?;
    let _in_flight = state.in_flight.claim(&row.id);
    // Read again under the claim: a request leaves `in_flight` only once its row is final.
    let row = load(state, &row.id)
        .await?
        .ok_or_else(|| Error::not_found(format!("no instance `{reference}`")))?;
    if row.state.is_transitional() {
        return Err(busy(&row));
    }
    let machine_name = row.machine.clone();
    let machine = state
        .registry
        .read(move |snap| machines::by_name(snap, &machine_name))
        .await?;
    let spec = machine.spec;
    let (id, ports, mut current_volumes, origin) = {
        let id = row.id.clone();
        state
            .registry
            .read(move |snap| {
                let ports = registry::ports::of_instance(snap, &id)?;
                let vols = registry::volumes::of_instance(snap, &id)?;
                let origin = rebuild::origin(snap, &id)?
                    .ok_or_else(|| Error::not_found(format!("no instance `{id}`")))?;
                Ok((id, ports, vols, origin))
            })
            .await?
    };
    // Host ports are the instance's for life: a machine whose ports changed needs a new one.
    let mut wanted: Vec<(u16, &str)> = spec
        .ports
        .iter()
        .map(|p| (p.port, p.protocol.as_str()))
        .collect();
    let mut have: Vec<(u16, &str)> = ports
        .iter()
        .map(|p| (p.container_port, p.protocol.as_str()))
        .collect();
    wanted.sort_unstable();
    have.sort_unstable();
    if wanted != have {
        return Err(Error::conflict(format!(
            "machine `{}` now declares other ports than instance `{}` has reserved; a recreate \
             keeps the host ports, so create a new instance instead",
            spec.name, row.name
        )));
    }
    // Secret values live only in the container: read them from the old one while it exists.
    let old_env = container_env(state, &row).await?;
    let given_keys = origin
        .given
        .clone()
        .unwrap_or_else(|| row.env.keys().cloned().collect());
    let mut given: BTreeMap<String, String> = BTreeMap::new();
    for key in given_keys {
        if !spec.props.iter().any(|p| p.name == key) {
            continue; // The machine dropped this prop.
        }
        let value = old_env
            .get(&key)
            .cloned()
            .or_else(|| row.env.get(&key).cloned().flatten());
        if let Some(value) = value {
            given.insert(key, value);
        }
    }
    given.extend(req.env);
    let (docker_env, stored_env) = env::build_env(&spec, &given).map_err(|e| match e {
        Error::Invalid(msg) if old_env.is_empty() => Error::Invalid(format!(
            "{msg}; the container is gone, and with it the values of secret props"
        )),
        e => e,
    })?;
    let env_json = serde_json::to_string(&stored_env)
        .map_err(|e| Error::internal(format!("encode env: {e}")))?;
    machines::ensure_image(state, &spec.image).await?;

    // Paths the machine declares now that the instance has no volume for get new ones; volumes
    // of paths it no longer declares stay mounted, so that no data is hidden.
    let names = volumes::volume_names(&id, &spec.volumes);
    let new_volumes: Vec<InstanceVolume> = spec
        .volumes
        .iter()
        .zip(names)
        .filter(|(path, _)| !current_volumes.iter().any(|v| &v.path == *path))
        .map(|(path, name)| InstanceVolume {
            name,
            path: path.clone(),
        })
        .collect();
    let plan = Plan {
        container: format!("rsrc-{}-{}-{}", row.name, id, random_hex(2)),
        env_json,
        given: given.keys().cloned().collect(),
        revision: machine.revision,
        from: row.state,
    };
    {
        let (id, plan, new_volumes) = (id.clone(), plan.clone(), new_volumes.clone());
        let (owner_id, machine_id, name) = (row.owner_id, row.machine_id, row.name.clone());
        let begun = state
            .registry
            .write(move |tx| {
                if !rebuild::begin(tx, &id, &plan, now_ms())? {
                    return Ok(false);
                }
                for v in &new_volumes {
                    registry::volumes::insert(
                        tx,
                        &registry::volumes::NewVolume {
                            name: &v.name,
                            instance_id: &id,
                            instance_name: &name,
                            owner_id,
                            machine_id,
                            path: &v.path,
                            created_at: now_ms(),
                        },
                    )?;
                }
                Ok(true)
            })
            .await?;
        if !begun {
            return Err(busy(&row));
        }
    }
    current_volumes.extend(new_volumes);
    let cause = cause_for(&row, caller);
    let made = make_container(state, &row, &spec, &plan, docker_env, &current_volumes).await;
    let outcome = match made {
        Ok(container_id) => switch_over(state, &row, &plan, &container_id, cause).await,
        Err(e) => Err(e),
    };
    if let Err(err) = outcome {
        tracing::warn!(instance = %row.id, error = %err.chain(), "recreate failed; settling it");
        if let Some(row) = load(state, &row.id).await? {
            if let Err(e) = settle(state, &row).await {
                tracing::warn!(instance = %row.id, error = %e.chain(),
                    "cannot settle the recreate yet; the repair pass finishes it");
            }
        }
        return Err(err);
    }
    tracing::info!(instance = %row.id, name = %row.name, by = caller.user.id,
        revision = plan.revision, "instance recreated");
    view::by_id(state, &row.id).await
}

/// The environment of the instance's container; empty when it is gone.
async fn container_env(state: &State, row: &Row) -> Result<HashMap<String, String>> {
    let Some(o) = state.engine.inspect(&row.container_ref()).await? else {
        return Ok(HashMap::new());
    };
    if !o.belongs_to(&state.daemon_id, &row.id) {
        return Ok(HashMap::new());
    }
    Ok(state
        .engine
        .env(&o.id)
        .await?
        .into_iter()
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .collect())
}

/// Makes the plan's container (not started) and the volumes it mounts.
async fn make_container(
    state: &State,
    row: &Row,
    spec: &rsrc_shared::api::MachineSpec,
    plan: &Plan,
    docker_env: Vec<String>,
    mounts: &[InstanceVolume],
) -> Result<String> {
    // Instances made before users had networks move to their owner's here.
    let user_network = network::ensure(state, row.owner_id).await?;
    let labels = spec::labels(state, &row.id, row.owner_id, spec);
    for v in mounts {
        // An existing volume is kept as it is (Docker's create is idempotent).
        state
            .engine
            .create_volume(&v.name, spec::volume_labels(&labels, &v.path))
            .await?;
    }
    let ports = {
        let id = row.id.clone();
        state
            .registry
            .read(move |snap| registry::ports::of_instance(snap, &id))
            .await?
    };
    let volumes = mounts
        .iter()
        .map(|v| VolumeMount {
            volume: v.name.clone(),
            path: v.path.clone(),
        })
        .collect();
    let mut container = spec::container(
        state,
        plan.container.clone(),
        spec,
        docker_env,
        labels,
        &ports,
        volumes,
    )?;
    container.network = Some(network::attachment(user_network, &row.name));
    state.engine.create_container(container).await
}

/// Stops the instance's old container gracefully and removes it (only containers with its
/// labels, never the new one), starts the new one if the owner wants it running, and switches
/// the row over, recording the old container's stop, the recreate and the new one's start with
/// the engine's times, so that the outage in between shows in the history (issue 20).
async fn switch_over(
    state: &State,
    row: &Row,
    plan: &Plan,
    new_id: &str,
    cause: Cause,
) -> Result<()> {
    let began = now_ms();
    let stopped = stop_old(state, row, new_id).await?;
    teardown::remove_old_containers(state, row, new_id).await?;
    let wanted_up = row.desired == Desired::Running;
    if wanted_up {
        state.engine.start(new_id).await?;
    }
    let observed = state.engine.inspect(new_id).await?;
    let (id, plan, new_id) = (row.id.clone(), plan.clone(), new_id.to_string());
    state
        .registry
        .write(move |tx| {
            let Some(row) = repo::by_id(tx, &id)? else {
                return Err(Error::internal("instance row vanished during recreate"));
            };
            let now = now_ms();
            rebuild::complete(tx, &id, &plan, &new_id, now)?;
            let was_up = events::last_state(tx, &id)?.is_some_and(|l| l.up);
            let entry = |kind, at, exit_code, detail: String| Entry {
                instance_id: id.clone(),
                owner_id: row.owner_id,
                at,
                kind,
                up: false,
                cause: cause.clone(),
                exit_code,
                detail: Some(detail),
            };
            let recreated_at = match stopped {
                Some((at, exit_code)) if was_up => {
                    let stop = Entry {
                        cause: Cause::Recreate,
                        ..entry(
                            EventKind::Stopped,
                            at,
                            exit_code,
                            "stopped to be made again".into(),
                        )
                    };
                    events::record(tx, &stop)?;
                    at
                }
                _ => began,
            };
            let detail = format!("from machine revision {}", plan.revision);
            events::record(tx, &entry(EventKind::Recreated, recreated_at, None, detail))?;
            let pending = wanted_up.then(|| Pending {
                cause,
                expect: Expect::Up,
                until: now + PENDING_WINDOW_MS,
            });
            repo::set_pending(tx, &id, pending.as_ref())?;
            if let Some(o) = observed {
                // When the engine started it, not when this got to record it.
                let at = o.started_at.filter(|_| o.running).unwrap_or(now);
                observe(tx, &id, Seen::inspected(&o, at.clamp(recreated_at, now)))?;
            }
            Ok(())
        })
        .await
}

/// Stops the instance's running old container with its stop signal, waiting its stop timeout;
/// when it ran, returns when it stopped and its exit code.
async fn stop_old(state: &State, row: &Row, new_id: &str) -> Result<Option<(i64, Option<i64>)>> {
    let Some(old) = state.engine.inspect(&row.container_ref()).await? else {
        return Ok(None);
    };
    if old.id == new_id || !old.belongs_to(&state.daemon_id, &row.id) || !old.running {
        return Ok(None);
    }
    teardown::stop_gracefully(state, &old).await?;
    let after = state.engine.inspect(&old.id).await?;
    let at = after
        .as_ref()
        .and_then(|o| o.finished_at)
        .unwrap_or_else(now_ms);
    Ok(Some((at, after.and_then(|o| o.exit_code))))
}

/// Finishes a recreate nobody is working on (a crash, a failure): completed when its new
/// container exists, else dropped, with the old container's state recorded again.
pub async fn settle(state: &State, row: &Row) -> Result<()> {
    state.engine.available().await?;
    let id = row.id.clone();
    let plan = state
        .registry
        .read(move |snap| rebuild::origin(snap, &id))
        .await?
        .and_then(|o| o.plan);
    let Some(plan) = plan else {
        return Ok(());
    };
    let made = state
        .engine
        .inspect(&plan.container)
        .await?
        .filter(|o| o.belongs_to(&state.daemon_id, &row.id));
    match made {
        Some(o) => {
            tracing::info!(instance = %row.id, "completing a recreate that was cut off");
            switch_over(state, row, &plan, &o.id, Cause::Reconcile).await
        }
        None => {
            tracing::info!(instance = %row.id, "dropping a recreate that made no container");
            let id = row.id.clone();
            state
                .registry
                .write(move |tx| rebuild::abandon(tx, &id, &plan, now_ms()))
                .await?;
            reconcile::refresh(state, &row.id, Cause::Reconcile).await
        }
    }
}
