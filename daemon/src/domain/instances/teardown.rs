//! Removing instances, and rolling back creates that failed: the one place where rsrc removes
//! containers and volumes.
//!
//! Both journal first and delete the row last, so a crash in between leaves the journal for
//! reconciliation to finish.

use rsrc_shared::api::{Cause, EventKind, InstanceState};

use super::resolve::{load, resolve_async};
use super::{cause_for, Row};
use crate::clock::now_ms;
use crate::domain::accounts::Caller;
use crate::domain::events::{self, Entry};
use crate::engine::{Observed, RunState};
use crate::error::{Error, Result};
use crate::registry::{self, instances as repo};
use crate::State;

/// Removes the instance's container, found by id and by name, only where it carries this
/// daemon's labels for this instance. By name as well as id: a crash may have left a container
/// whose id was never recorded. A lost instance's name may since have been taken by a container
/// rsrc did not make; that one is left alone.
async fn remove_containers(state: &State, row: &Row) -> Result<()> {
    remove_labelled(
        state,
        &row.id,
        row.container_id.as_deref(),
        &row.container_name,
        None,
    )
    .await
}

/// After a recreate made container `new_id`: removes the instance's containers but that one.
pub(super) async fn remove_old_containers(state: &State, row: &Row, new_id: &str) -> Result<()> {
    remove_labelled(
        state,
        &row.id,
        row.container_id.as_deref(),
        &row.container_name,
        Some(new_id),
    )
    .await
}

/// Removes instance `instance_id`'s container, by id and by name, where it carries this
/// daemon's labels for that instance, unless it is container `keep`.
async fn remove_labelled(
    state: &State,
    instance_id: &str,
    container_id: Option<&str>,
    container_name: &str,
    keep: Option<&str>,
) -> Result<()> {
    for container in container_id.into_iter().chain([container_name]) {
        match state.engine.inspect(container).await? {
            None => {}
            Some(o) if keep == Some(o.id.as_str()) => {}
            Some(o) if o.belongs_to(&state.daemon_id, instance_id) => {
                stop_gracefully(state, &o).await?;
                state.engine.remove_container(&o.id).await?
            }
            Some(o) => {
                tracing::warn!(container, id = %o.id, instance = %instance_id,
                    "not removing a container without this instance's labels");
            }
        }
    }
    Ok(())
}

/// Stops a running container with its stop signal and waits its stop timeout, so that the
/// service saves its data before the container goes (issue 20: a forced remove lost Redis's
/// last writes and sent Postgres into crash recovery).
pub(super) async fn stop_gracefully(state: &State, o: &Observed) -> Result<()> {
    if o.running || o.state == RunState::Restarting {
        state.engine.stop(&o.id).await?;
    }
    Ok(())
}

/// The names of an instance's volumes.
async fn volume_names(state: &State, id: &str) -> Result<Vec<String>> {
    let id = id.to_string();
    let volumes = state
        .registry
        .read(move |snap| registry::volumes::of_instance(snap, &id))
        .await?;
    Ok(volumes.into_iter().map(|v| v.name).collect())
}

async fn remove_volumes(state: &State, names: &[String]) -> Result<()> {
    for name in names {
        state.engine.remove_volume(name).await?;
    }
    Ok(())
}

/// `rsrc instance rm`: the caller's instance (or any, for an admin).
pub async fn remove(state: &State, caller: &Caller, reference: &str, volumes: bool) -> Result<()> {
    let row = resolve_async(state, caller, reference).await?;
    if row.state == InstanceState::Recreating && state.in_flight.contains(&row.id) {
        return Err(Error::conflict(format!(
            "instance `{}` is being recreated; try again in a moment",
            row.name
        )));
    }
    if row.state == InstanceState::Recreating {
        // A recreate cut off: finish or drop it first, so no container of it is left behind.
        super::recreate::settle(state, &row).await?;
    }
    if row.state == InstanceState::Creating {
        if state.in_flight.contains(&row.id) {
            return Err(Error::conflict(format!(
                "instance `{}` is still being created; try again in a moment",
                row.name
            )));
        }
        // Nobody is creating it any more (a failed rollback, a crash): removing it is finishing
        // the rollback, which takes its volumes too, as they never held data.
        let id = row.id.clone();
        state
            .registry
            .write(move |tx| repo::mark_create_failed(tx, &id))
            .await?;
        return roll_back_create(state, &row.id).await;
    }
    remove_by_id(state, &row.id, volumes, cause_for(&row, caller)).await?;
    tracing::info!(instance = %row.id, by = %caller.user.email, volumes, "instance removed");
    Ok(())
}

/// `rsrc instance rm --force`, for admins: an instance goes whatever the engine does. The
/// ordinary removal is tried first; where the engine is away or refuses, the row goes anyway
/// (its ports, quota and name are free at once) and what the engine still holds is recorded for
/// the repair pass to remove once it can.
pub async fn force_remove(
    state: &State,
    caller: &Caller,
    reference: &str,
    volumes: bool,
) -> Result<()> {
    caller.require_admin()?;
    let row = resolve_async(state, caller, reference).await?;
    if state.in_flight.contains(&row.id) {
        return Err(Error::conflict(format!(
            "a request is working on instance `{}` right now; try again in a moment",
            row.name
        )));
    }
    let cause = cause_for(&row, caller);
    let ordinary = if row.state == InstanceState::Creating {
        let id = row.id.clone();
        match state
            .registry
            .write(move |tx| repo::mark_create_failed(tx, &id))
            .await
        {
            Ok(()) => roll_back_create(state, &row.id).await,
            Err(e) => Err(e),
        }
    } else {
        remove_by_id(state, &row.id, volumes, cause.clone()).await
    };
    match ordinary {
        Ok(()) => Ok(()),
        Err(e @ (Error::EngineUnavailable(_) | Error::Engine { .. } | Error::EngineRefused(_))) => {
            tracing::warn!(instance = %row.id, error = %e.chain(),
                "the engine did not remove the instance; removing it from the registry anyway");
            forget(state, &row, volumes, cause).await
        }
        Err(e) => Err(e),
    }
}

/// Deletes the instance's row now and leaves its container (and, if asked or never used, its
/// volumes) to the repair pass.
async fn forget(state: &State, row: &Row, volumes: bool, cause: Cause) -> Result<()> {
    let _in_flight = state.in_flight.claim(&row.id);
    let (id, name) = (row.id.clone(), row.name.clone());
    let row = row.clone();
    // A create that never finished has volumes that never held data.
    let creating = row.state == InstanceState::Creating;
    state
        .registry
        .write(move |tx| {
            let names: Vec<String> = if volumes {
                registry::volumes::of_instance(tx, &row.id)?
                    .into_iter()
                    .map(|v| v.name)
                    .collect()
            } else if creating {
                // Kept volumes it was given held data before: they stay kept.
                registry::volumes::made_for(tx, &row.id)?
            } else {
                Vec::new()
            };
            let now = now_ms();
            registry::leftovers::add(
                tx,
                &row.id,
                row.container_id.as_deref(),
                &row.container_name,
                &names,
                now,
            )?;
            let was_up = events::last_state(tx, &row.id)?.is_some_and(|l| l.up);
            let entry = |kind, detail: &str| Entry {
                instance_id: row.id.clone(),
                owner_id: row.owner_id,
                at: now,
                kind,
                up: false,
                cause: cause.clone(),
                exit_code: None,
                detail: Some(detail.to_string()),
            };
            if was_up {
                events::record(tx, &entry(EventKind::Stopped, "removed by force"))?;
            }
            events::record(
                tx,
                &entry(
                    EventKind::Removed,
                    if volumes {
                        "by force, with volumes; the engine's part follows"
                    } else {
                        "by force; the engine's part follows"
                    },
                ),
            )?;
            if volumes {
                registry::volumes::delete_of_instance(tx, &row.id)?;
            } else if creating {
                registry::volumes::delete_made_for(tx, &row.id)?;
            }
            if !creating {
                registry::ports::remember_freed(tx, &row.id, now)?;
            }
            repo::delete(tx, &row.id)?;
            Ok(())
        })
        .await?;
    tracing::info!(instance = %id, name = %name,
        "removed by force; the engine's part is left to the repair pass");
    Ok(())
}

/// Removes what forced removals left at the engine; returns how many leftovers are done.
pub async fn clean_leftovers(state: &State) -> Result<usize> {
    let leftovers = state.registry.read(registry::leftovers::all).await?;
    let mut done = 0;
    for left in leftovers {
        remove_labelled(
            state,
            &left.instance_id,
            left.container_id.as_deref(),
            &left.container_name,
            None,
        )
        .await?;
        remove_volumes(state, &left.volumes).await?;
        let id = left.id;
        state
            .registry
            .write(move |tx| registry::leftovers::delete(tx, id))
            .await?;
        tracing::info!(instance = %left.instance_id, "removed what a forced removal left at the engine");
        done += 1;
    }
    Ok(done)
}

/// Removes an instance: journal `removing`, remove the container (and the volumes if asked),
/// then the row.
pub async fn remove_by_id(state: &State, id: &str, volumes: bool, cause: Cause) -> Result<()> {
    state.engine.available().await?;
    let _in_flight = state.in_flight.claim(id);
    let row = {
        let owned = id.to_string();
        state
            .registry
            .write(move |tx| {
                repo::mark_removing(tx, &owned, volumes, now_ms())?;
                repo::by_id(tx, &owned)
            })
            .await?
            .ok_or_else(|| Error::not_found(format!("no instance `{id}`")))?
    };
    remove_containers(state, &row).await?;
    if volumes {
        remove_volumes(state, &volume_names(state, id).await?).await?;
    }
    state
        .registry
        .write(move |tx| {
            let was_up = events::last_state(tx, &row.id)?.is_some_and(|l| l.up);
            let now = now_ms();
            let entry = |kind, detail: Option<&str>| Entry {
                instance_id: row.id.clone(),
                owner_id: row.owner_id,
                at: now,
                kind,
                up: false,
                cause: cause.clone(),
                exit_code: None,
                detail: detail.map(str::to_string),
            };
            if was_up {
                events::record(tx, &entry(EventKind::Stopped, Some("removed")))?;
            }
            events::record(
                tx,
                &entry(EventKind::Removed, volumes.then_some("with volumes")),
            )?;
            if volumes {
                registry::volumes::delete_of_instance(tx, &row.id)?;
            }
            registry::ports::remember_freed(tx, &row.id, now)?;
            repo::delete(tx, &row.id)?;
            Ok(())
        })
        .await
}

/// Undoes a create that did not finish: container, volumes, then the rows (which frees the
/// ports).
pub async fn roll_back_create(state: &State, id: &str) -> Result<()> {
    state.engine.available().await?;
    let Some(row) = load(state, id).await? else {
        return Ok(());
    };
    remove_containers(state, &row).await?;
    // Only what the create made: kept volumes it attached go back to being kept.
    let made = {
        let id = id.to_string();
        state
            .registry
            .read(move |snap| registry::volumes::made_for(snap, &id))
            .await?
    };
    remove_volumes(state, &made).await?;
    let id = id.to_string();
    state
        .registry
        .write(move |tx| {
            registry::volumes::delete_made_for(tx, &id)?;
            repo::delete(tx, &id)?;
            Ok(())
        })
        .await
}
