//! Machines (SPEC §4): the templates admins define. A machine's rules live in one validated
//! `MachineSpec`, stored as JSON (see `registry::machines`); every write validates the whole spec
//! first (see [`validate`]), so a bad value leaves nothing behind.

pub mod connect;
mod options;
mod validate;

use rsrc_shared::api::{self, Machine, MachineSpec, MachineUpdate, PullProgress};

use crate::clock::{now_ms, rfc3339};
use crate::domain::accounts::Caller;
use crate::error::{Error, Result};
use crate::registry::machines::{self as rows, Listed, Viewer};
use crate::registry::Snap;
use crate::State;

pub use crate::registry::machines::Stored;
pub use validate::{
    parse_memory, parse_stop_timeout, validate_image, validate_prop_name, validate_slug,
    validate_spec, validate_volume_path,
};

/// The machine `name`; a missing one is `NotFound`.
pub fn by_name(snap: &Snap, name: &str) -> Result<Stored> {
    rows::by_name(snap, name)?.ok_or_else(|| Error::not_found(format!("no machine `{name}`")))
}

fn merge(mut spec: MachineSpec, u: MachineUpdate) -> MachineSpec {
    if let Some(v) = u.description {
        spec.description = v;
    }
    if let Some(v) = u.image {
        spec.image = v;
    }
    if let Some(v) = u.ports {
        spec.ports = v;
    }
    if let Some(v) = u.props {
        spec.props = v;
    }
    if let Some(v) = u.command {
        spec.command = Some(v);
    }
    if let Some(v) = u.volumes {
        spec.volumes = v;
    }
    if let Some(v) = u.limits {
        spec.limits = v;
    }
    if let Some(v) = u.max_per_user {
        spec.max_per_user = v;
    }
    if let Some(v) = u.active {
        spec.active = v;
    }
    if let Some(v) = u.connect {
        spec.connect = Some(v);
    }
    if let Some(v) = u.restart {
        spec.restart = v;
    }
    if let Some(v) = u.shm_size {
        spec.shm_size = Some(v);
    }
    if let Some(v) = u.user {
        spec.user = Some(v);
    }
    if let Some(v) = u.entrypoint {
        spec.entrypoint = Some(v);
    }
    if let Some(v) = u.ulimits {
        spec.ulimits = v;
    }
    if let Some(v) = u.tmpfs {
        spec.tmpfs = v;
    }
    // An empty value takes the key away (back to the image's signal, Docker's timeout).
    if let Some(v) = u.stop_signal {
        spec.stop_signal = Some(v).filter(|v| !v.trim().is_empty());
    }
    if let Some(v) = u.stop_timeout {
        spec.stop_timeout = Some(v).filter(|v| !v.trim().is_empty());
    }
    if let Some(v) = u.exec {
        spec.exec = v;
    }
    spec
}

fn to_api(m: Listed, own: &crate::domain::feed::Own) -> Machine {
    let mut machine = Machine {
        revision: m.revision,
        instances_outdated: m.outdated,
        ..spec_to_api(
            m.spec,
            m.instances,
            rfc3339(m.created_at),
            rfc3339(m.updated_at),
        )
    };
    crate::domain::feed::apply_counts(&mut machine, m.feed);
    own.apply(m.id, &mut machine);
    machine
}

/// How the API shows a spec; also the preview of a dry run.
fn spec_to_api(s: MachineSpec, instances: i64, created_at: String, updated_at: String) -> Machine {
    Machine {
        name: s.name,
        description: s.description,
        image: s.image,
        ports: s.ports,
        // A secret prop's default is a secret value too: never printed back.
        props: s
            .props
            .into_iter()
            .map(|mut p| {
                if p.secret && p.default.is_some() {
                    p.default = Some(crate::domain::instances::SECRET_MASK.to_string());
                }
                p
            })
            .collect(),
        command: s.command,
        volumes: s.volumes,
        limits: s.limits,
        max_per_user: s.max_per_user,
        active: s.active,
        connect: s.connect,
        restart: s.restart,
        shm_size: s.shm_size,
        user: s.user,
        entrypoint: s.entrypoint,
        ulimits: s.ulimits,
        tmpfs: s.tmpfs,
        stop_signal: s.stop_signal,
        stop_timeout: s.stop_timeout,
        exec: s.exec,
        instances,
        likes: 0,
        dislikes: 0,
        rating: None,
        ratings: 0,
        comments: 0,
        my_vote: None,
        my_rating: None,
        created_at,
        updated_at,
        revision: 0,
        instances_outdated: 0,
    }
}

fn read_api(snap: &Snap, name: &str, viewer: Viewer) -> Result<Machine> {
    let own = crate::domain::feed::Own::read(snap, viewer.user_id)?;
    rows::show(snap, name, viewer)?
        .map(|m| to_api(m, &own))
        .ok_or_else(|| Error::not_found(format!("no machine `{name}`")))
}

// ---- operations -------------------------------------------------------------------------------

/// Validates a spec, then checks it against the engine where that is known: a machine asking
/// for more CPUs than the host has could never start an instance.
async fn prepare(state: &State, spec: MachineSpec) -> Result<MachineSpec> {
    let spec = validate_spec(spec)?;
    if let (Some(cpus), Ok(Some(host))) = (spec.limits.cpus, state.engine.host_cpus().await) {
        if cpus > f64::from(host) {
            return Err(Error::invalid(format!(
                "cpus {cpus} is more than this host's {}",
                rsrc_shared::words::count(host, "CPU", "CPUs")
            )));
        }
    }
    Ok(spec)
}

/// Every instance of a machine with neither a command nor an image that names one would fail
/// with Docker's "No command specified"; refuse the machine instead. Unknown (the image is not
/// here yet) passes: the check runs again once it is pulled.
async fn check_command(state: &State, spec: &MachineSpec) -> Result<()> {
    if spec.command.is_some() || spec.entrypoint.as_ref().is_some_and(|e| !e.is_empty()) {
        return Ok(());
    }
    if state.engine.image_has_command(&spec.image).await? == Some(false) {
        return Err(Error::invalid(format!(
            "command: image `{}` has no command (no Cmd or Entrypoint); give one with \
             --command or `command` in the machine file",
            spec.image
        )));
    }
    Ok(())
}

/// Makes sure the engine has `image`, pulling it if not.
pub async fn ensure_image(state: &State, image: &str) -> Result<()> {
    if state.engine.image_exists(image).await? {
        return Ok(());
    }
    tracing::info!(image, "pulling image");
    state.engine.pull_image(image, &mut |_| {}).await
}

/// Pulls an image unless the engine has it, reporting progress; admins only. Returns whether it
/// pulled.
pub async fn pull(
    state: &State,
    caller: &Caller,
    image: &str,
    mut progress: impl FnMut(PullProgress) + Send,
) -> Result<bool> {
    caller.require_admin()?;
    validate_image(image)?;
    if state.engine.image_exists(image).await? {
        return Ok(false);
    }
    state.engine.pull_image(image, &mut progress).await?;
    Ok(true)
}

pub async fn list(state: &State, caller: &Caller, sort: api::MachineSort) -> Result<Vec<Machine>> {
    let viewer = caller.viewer();
    let mut machines = state
        .registry
        .read(move |snap| {
            let own = crate::domain::feed::Own::read(snap, viewer.user_id)?;
            Ok(rows::list(snap, viewer)?
                .into_iter()
                .map(|m| to_api(m, &own))
                .collect::<Vec<_>>())
        })
        .await?;
    crate::domain::feed::sort(&mut machines, sort);
    Ok(machines)
}

pub async fn show(state: &State, caller: &Caller, name: String) -> Result<Machine> {
    let viewer = caller.viewer();
    state
        .registry
        .read(move |snap| read_api(snap, &name, viewer))
        .await
}

/// Creates a machine. With `dry_run` it only checks: nothing is pulled or written, and the
/// answer previews the machine.
pub async fn create(
    state: &State,
    caller: &Caller,
    spec: MachineSpec,
    dry_run: bool,
) -> Result<Machine> {
    caller.require_admin()?;
    let spec = prepare(state, spec).await?;
    let name = spec.name.clone();
    let exists = {
        let name = name.clone();
        state
            .registry
            .read(move |snap| Ok(rows::by_name(snap, &name)?.is_some()))
            .await?
    };
    if exists {
        return Err(Error::AlreadyExists(format!(
            "machine `{name}` already exists"
        )));
    }
    check_command(state, &spec).await?;
    if dry_run {
        return Ok(spec_to_api(spec, 0, String::new(), String::new()));
    }
    ensure_image(state, &spec.image).await?;
    check_command(state, &spec).await?;
    let by = caller.user.email.clone();
    let machine = state
        .registry
        .write(move |tx| {
            rows::insert(tx, &spec, now_ms())?;
            read_api(tx, &name, Viewer::ADMIN)
        })
        .await?;
    tracing::info!(machine = %machine.name, by = %by, "machine created");
    Ok(machine)
}

pub async fn update(
    state: &State,
    caller: &Caller,
    name: String,
    change: MachineUpdate,
) -> Result<Machine> {
    caller.require_admin()?;
    let stored = {
        let name = name.clone();
        state
            .registry
            .read(move |snap| by_name(snap, &name))
            .await?
    };
    let spec = prepare(state, merge(stored.spec.clone(), change)).await?;
    check_command(state, &spec).await?;
    if spec.image != stored.spec.image {
        ensure_image(state, &spec.image).await?;
        check_command(state, &spec).await?;
    }
    let machine = write_spec(state, stored.id, spec).await?;
    tracing::info!(machine = %machine.name, by = %caller.user.email, "machine updated");
    Ok(machine)
}

async fn write_spec(state: &State, id: i64, spec: MachineSpec) -> Result<Machine> {
    state
        .registry
        .write(move |tx| {
            rows::update_spec(tx, id, &spec, now_ms())?;
            read_api(tx, &spec.name, Viewer::ADMIN)
        })
        .await
}

/// Creates or replaces the machine `name` with `spec`; idempotent.
///
/// With `dry_run` it only checks and says what it would do (`create`, `update`, `unchanged`):
/// `rsrc machine apply` checks a whole file that way before changing anything.
pub async fn apply(
    state: &State,
    caller: &Caller,
    name: String,
    spec: MachineSpec,
    dry_run: bool,
) -> Result<api::ApplyResult> {
    caller.require_admin()?;
    if spec.name != name {
        return Err(Error::invalid(format!(
            "the path names machine `{name}` but the body names `{}`",
            spec.name
        )));
    }
    let spec = prepare(state, spec).await?;
    check_command(state, &spec).await?;
    let stored = {
        let name = name.clone();
        state
            .registry
            .read(move |snap| rows::by_name(snap, &name))
            .await?
    };
    if dry_run {
        let action = match &stored {
            None => "create",
            Some(stored) if stored.spec == spec => "unchanged",
            Some(_) => "update",
        };
        return Ok(api::ApplyResult {
            action: action.into(),
            machine: spec_to_api(spec, 0, String::new(), String::new()),
        });
    }
    match stored {
        None => {
            let machine = create(state, caller, spec, false).await?;
            Ok(api::ApplyResult {
                action: "created".into(),
                machine,
            })
        }
        Some(stored) if stored.spec == spec => Ok(api::ApplyResult {
            action: "unchanged".into(),
            machine: show(state, caller, name).await?,
        }),
        Some(stored) => {
            if spec.image != stored.spec.image {
                ensure_image(state, &spec.image).await?;
                check_command(state, &spec).await?;
            }
            tracing::info!(machine = %name, by = %caller.user.email, "machine updated (apply)");
            Ok(api::ApplyResult {
                action: "updated".into(),
                machine: write_spec(state, stored.id, spec).await?,
            })
        }
    }
}

/// Removes a machine. With instances it is refused unless `force`, which removes them first
/// (their volumes are kept, as with `instance rm`).
pub async fn remove(state: &State, caller: &Caller, name: String, force: bool) -> Result<()> {
    caller.require_admin()?;
    let (id, instance_ids) = {
        let name = name.clone();
        state
            .registry
            .read(move |snap| {
                let stored = by_name(snap, &name)?;
                Ok((stored.id, rows::instance_ids(snap, stored.id)?))
            })
            .await?
    };
    if !instance_ids.is_empty() && !force {
        return Err(Error::conflict(format!(
            "machine `{name}` has {}; remove them first or use --force",
            rsrc_shared::words::count(instance_ids.len() as u64, "instance", "instances")
        )));
    }
    for instance in instance_ids {
        crate::domain::instances::remove_by_id(state, &instance, false, api::Cause::Admin).await?;
    }
    state.registry.write(move |tx| rows::delete(tx, id)).await?;
    tracing::info!(machine = %name, by = %caller.user.email, force, "machine removed");
    Ok(())
}
