//! Creating an instance. The quota checks, the name, the host ports and the volumes are settled
//! in one IMMEDIATE transaction that journals the create (`state = 'creating'`) before the engine
//! is touched; the engine's side follows; the row leaves `creating` last. A failure on the way
//! rolls everything back; a crash leaves the journal to reconciliation.

use std::sync::Arc;

use rand::RngCore;
use rsrc_shared::api::{
    Cause, EventKind, Instance, InstanceCreate, MachineSpec, PortMapping, Protocol,
};
use rsrc_shared::words::count;

use super::{env, network, ports, spec, state, teardown, view, volumes};
use crate::clock::now_ms;
use crate::domain::accounts::Caller;
use crate::domain::events::{self, Entry};
use crate::domain::machines::{self, validate_slug};
use crate::engine::VolumeMount;
use crate::error::{Error, Result};
use crate::registry::instances::{self as repo, Expect, NewInstance, Pending};
use crate::registry::{self, Tx};
use crate::State;

/// How long an action somebody asked for claims the engine events that follow it.
pub const PENDING_WINDOW_MS: i64 = 60_000;

pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A create as journalled: what the engine's side needs.
struct Planned {
    id: String,
    name: String,
    container_name: String,
    owner_id: i64,
    machine: Arc<MachineSpec>,
    docker_env: Vec<String>,
    ports: Vec<PortMapping>,
    volumes: Vec<VolumeMount>,
}

fn check_name(name: &str) -> Result<()> {
    validate_slug("instance name", name)?;
    if name.bytes().all(|b| b.is_ascii_hexdigit()) {
        // It would read as an id prefix and could hide another instance.
        return Err(Error::invalid(format!(
            "instance name `{name}` is all hex digits, so it would read as an id; \
             add a letter after f or a dash"
        )));
    }
    Ok(())
}

pub async fn create(state: &State, caller: &Caller, req: InstanceCreate) -> Result<Instance> {
    caller.require_verified()?;
    // Without the engine nothing could be made: refuse before reserving anything.
    state.engine.available().await?;
    if let Some(name) = &req.name {
        check_name(name)?;
    }
    let machine_name = req.machine.clone();
    let machine = state
        .registry
        .read(move |snap| machines::by_name(snap, &machine_name))
        .await?;
    if !machine.spec.active {
        return Err(Error::conflict(format!(
            "machine `{}` is inactive: no new instances",
            machine.spec.name
        )));
    }
    let reuse = volumes::check_volume_from(&machine.spec, &req.volume_from)?;
    let (docker_env, stored_env) = env::build_env(&machine.spec, &req.env)?;
    let given: Vec<String> = req.env.keys().cloned().collect();
    let env_json = serde_json::to_string(&stored_env)
        .map_err(|e| Error::internal(format!("encode env: {e}")))?;
    let id = random_hex(8);
    let _in_flight = state.in_flight.claim(&id);
    let spec = Arc::new(machine.spec);
    if !reuse.is_empty() {
        // The registry's checks first, so that another user's volume reads as one that does
        // not exist, then the engine's: done again in the create's transaction.
        let mut probe = reuse.clone();
        let (owner_id, machine_id, checked) = (caller.user.id, machine.id, Arc::clone(&spec));
        state
            .registry
            .read(move |snap| volumes::check_kept(snap, &mut probe, owner_id, machine_id, &checked))
            .await?;
        volumes::check_in_engine(state, &reuse).await?;
    }
    let wanted: Vec<(u16, Protocol)> = spec.ports.iter().map(|p| (p.port, p.protocol)).collect();
    // Each round that finds its candidates taken means other creates got ports: this ends, at
    // the latest when the range is full and planning says so.
    let planned = loop {
        let plan = ports::plan(state, &wanted).await?;
        let journal = Journal {
            id: id.clone(),
            name: req.name.clone(),
            owner_id: caller.user.id,
            machine_id: machine.id,
            revision: machine.revision,
            spec: Arc::clone(&spec),
            env_json: env_json.clone(),
            given: given.clone(),
            reuse: reuse.clone(),
            per_user_limit: state.config.limits.max_instances_per_user,
            volume_limit: state.config.limits.max_volumes_per_user,
            ports: plan,
        };
        let docker_env = docker_env.clone();
        let outcome = state
            .registry
            .write_immediate(move |tx| journal.write(tx, docker_env))
            .await?;
        if let Some(p) = outcome {
            break p;
        }
    };
    if let Err(err) = materialise(state, &planned).await {
        // The error itself is logged once, where it becomes the answer.
        tracing::info!(instance = %planned.id, "create failed; rolling back");
        // The caller is told it failed, so it must never run later: if the rollback cannot
        // finish now, the mark tells the repair pass to roll back rather than complete.
        let id = planned.id.clone();
        if let Err(e) = state
            .registry
            .write(move |tx| repo::mark_create_failed(tx, &id))
            .await
        {
            tracing::error!(instance = %planned.id, error = %e.chain(), "marking a failed create");
        }
        if let Err(e) = teardown::roll_back_create(state, &planned.id).await {
            tracing::error!(instance = %planned.id, error = %e.chain(),
                "rollback failed; the repair pass finishes it");
        }
        return Err(err);
    }
    tracing::info!(instance = %planned.id, by = %caller.user.email, "instance created");
    view::by_id(state, &planned.id).await
}

/// What the create transaction writes.
struct Journal {
    id: String,
    /// `None`: make one up.
    name: Option<String>,
    owner_id: i64,
    machine_id: i64,
    revision: i64,
    spec: Arc<MachineSpec>,
    env_json: String,
    /// The props the caller gave: a recreate keeps these.
    given: Vec<String>,
    /// Kept volumes to attach, by the declared path they fill.
    reuse: Vec<volumes::Reuse>,
    per_user_limit: i64,
    /// How many volumes the owner may keep.
    volume_limit: i64,
    ports: ports::Plan,
}

impl Journal {
    /// Checks the quotas and the name, and journals the create with its ports and volumes.
    /// `None` when another create reserved one of the planned ports meanwhile.
    /// Run it in an immediate transaction.
    fn write(self, tx: &Tx, docker_env: Vec<String>) -> Result<Option<Planned>> {
        let spec = &self.spec;
        let (of_machine, total) = repo::counts(tx, self.owner_id, self.machine_id)?;
        if of_machine >= spec.max_per_user {
            return Err(Error::QuotaExceeded(format!(
                "you have {} of `{}`, its limit is {} per user",
                count(of_machine, "instance", "instances"),
                spec.name,
                spec.max_per_user
            )));
        }
        if total >= self.per_user_limit {
            return Err(Error::QuotaExceeded(format!(
                "you have {}, the limit is {} per user",
                count(total, "instance", "instances"),
                self.per_user_limit
            )));
        }
        // Kept volumes outlive their instances: a create that makes volumes is where a create
        // and rm loop would add to them without end. Attaching kept ones lowers the count.
        let makes_volumes = spec.volumes.len() > self.reuse.len();
        if makes_volumes {
            let kept = registry::volumes::kept_count(tx, self.owner_id)?;
            let after = kept - i64::try_from(self.reuse.len()).unwrap_or(i64::MAX);
            if after >= self.volume_limit {
                return Err(Error::QuotaExceeded(format!(
                    "you keep {} of no instance, the limit is {} per user; remove some with \
                     `rsrc volume rm`, or attach one with --volume-from",
                    count(kept, "volume", "volumes"),
                    self.volume_limit
                )));
            }
        }
        let name = match &self.name {
            Some(name) if repo::name_taken(tx, self.owner_id, name)? => {
                return Err(Error::AlreadyExists(format!(
                    "you already have an instance named `{name}`"
                )))
            }
            Some(name) => name.clone(),
            None => {
                // A name we make up: longer ones until one is free.
                let mut name = format!("{}-{}", spec.name, random_hex(2));
                while repo::name_taken(tx, self.owner_id, &name)? {
                    name = format!("{}-{}", spec.name, random_hex(4));
                }
                name
            }
        };
        // Checked inside the transaction: two creates cannot both take one kept volume.
        let mut reuse = self.reuse;
        volumes::check_kept(tx, &mut reuse, self.owner_id, self.machine_id, spec)?;
        let Some(host_ports) = ports::pick(tx, &self.ports)? else {
            return Ok(None);
        };
        let container_name = format!("rsrc-{name}-{}", self.id);
        let now = now_ms();
        repo::insert(
            tx,
            &NewInstance {
                id: &self.id,
                name: &name,
                owner_id: self.owner_id,
                machine_id: self.machine_id,
                container_name: &container_name,
                env_json: &self.env_json,
                now,
            },
        )?;
        registry::rebuild::set_origin(tx, &self.id, self.revision, &self.given)?;
        for mapping in &host_ports {
            registry::ports::reserve(tx, &self.id, mapping)?;
        }
        let mut mounts = Vec::new();
        for (path, volume) in spec
            .volumes
            .iter()
            .zip(volumes::volume_names(&self.id, &spec.volumes))
        {
            if let Some(kept) = reuse.iter().find(|r| &r.path == path) {
                registry::volumes::attach(tx, &kept.volume, &self.id, &name, path)?;
                mounts.push(VolumeMount {
                    volume: kept.volume.clone(),
                    path: path.clone(),
                });
                continue;
            }
            registry::volumes::insert(
                tx,
                &registry::volumes::NewVolume {
                    name: &volume,
                    instance_id: &self.id,
                    instance_name: &name,
                    owner_id: self.owner_id,
                    machine_id: self.machine_id,
                    path,
                    created_at: now,
                },
            )?;
            mounts.push(VolumeMount {
                volume,
                path: path.clone(),
            });
        }
        Ok(Some(Planned {
            id: self.id,
            name,
            container_name,
            owner_id: self.owner_id,
            machine: self.spec,
            docker_env,
            ports: host_ports,
            volumes: mounts,
        }))
    }
}

/// Makes the engine's side of a planned instance: image, volumes, container, start.
async fn materialise(state: &State, p: &Planned) -> Result<()> {
    machines::ensure_image(state, &p.machine.image).await?;
    let user_network = network::ensure(state, p.owner_id).await?;
    let labels = spec::labels(state, &p.id, p.owner_id, &p.machine);
    for v in &p.volumes {
        let labels = spec::volume_labels(&labels, &v.path);
        state.engine.create_volume(&v.volume, labels).await?;
    }
    let mut spec = spec::container(
        state,
        p.container_name.clone(),
        &p.machine,
        p.docker_env.clone(),
        labels,
        &p.ports,
        p.volumes.clone(),
    )?;
    spec.network = Some(network::attachment(user_network, &p.name));
    let container_id = state.engine.create_container(spec).await?;
    {
        let id = p.id.clone();
        let cid = container_id.clone();
        state
            .registry
            .write(move |tx| repo::set_container_id(tx, &id, &cid, now_ms()))
            .await?;
    }
    state.engine.start(&container_id).await?;
    finish_create(state, &p.id, Cause::User).await
}

/// Marks a create complete: the row leaves `creating`, the history gets `created` and the first
/// up/down from the container's real state.
pub async fn finish_create(state: &State, id: &str, cause: Cause) -> Result<()> {
    let container = super::resolve::load(state, id)
        .await?
        .map(|r| r.container_name)
        .ok_or_else(|| Error::internal("instance row vanished during create"))?;
    let observed = state.engine.inspect(&container).await?;
    let id = id.to_string();
    state
        .registry
        .write(move |tx| {
            let row = repo::by_id(tx, &id)?
                .ok_or_else(|| Error::internal("instance row vanished during create"))?;
            let now = now_ms();
            let pending = Pending {
                cause: cause.clone(),
                expect: Expect::Up,
                until: now + PENDING_WINDOW_MS,
            };
            repo::mark_created(
                tx,
                &id,
                observed.as_ref().map(|o| o.id.as_str()),
                &pending,
                now,
            )?;
            events::record(
                tx,
                &Entry {
                    instance_id: id.clone(),
                    owner_id: row.owner_id,
                    at: now,
                    kind: EventKind::Created,
                    up: false,
                    cause,
                    exit_code: None,
                    detail: None,
                },
            )?;
            match observed {
                Some(o) => {
                    state::observe(tx, &id, state::Seen::inspected(&o, now))?;
                }
                None => state::mark_lost(tx, &id, now, Cause::Daemon)?,
            }
            Ok(())
        })
        .await
}
