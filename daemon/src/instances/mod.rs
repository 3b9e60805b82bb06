//! Instances (SPEC §5): a user's running copy of a machine. Each is one labelled container with
//! host ports reserved for its whole life, a named volume per declared path, and a history.
//!
//! Every operation resolves the instance for the caller first: a user sees only their own, an
//! admin sees all, and anything else is "not found", with the same message and the same query.
//!
//! A create is journalled: the row (state `creating`) and its ports are committed before Docker
//! is touched, so that after a crash [`reconcile`] either completes it or rolls it back.

pub mod orphans;
pub mod reconcile;
pub mod volumes;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use rand::RngCore;
use rsrc_shared::api::{
    Instance, InstanceCreate, InstanceVolume, MachineSpec, PortMapping, Protocol,
};
use rusqlite::{params, Connection, TransactionBehavior};

use crate::accounts::Caller;
use crate::engine::containers::{
    self, ContainerSpec, LABEL_DAEMON, LABEL_INSTANCE, LABEL_MACHINE, LABEL_OWNER, LABEL_PATH,
};
use crate::error::{Error, RegistryContext, Result};
use crate::events::{self, Event, Seen};
use crate::machines::{self, validate_slug};
use crate::registry::{now_ms, rfc3339};
use crate::State;

/// What the API shows instead of a secret value.
pub const SECRET_MASK: &str = "********";
/// How long a user's stop/start/restart claims the Docker events that follow it.
const PENDING_WINDOW: Duration = Duration::from_secs(60);
const WAIT_LOG_LINES: usize = 20;

// ---- in flight --------------------------------------------------------------------------------

/// Instances whose create or remove is running in this process right now. Reconciliation, which
/// may run at any time (Docker reconnects), leaves them to the request that owns them.
#[derive(Default)]
pub struct InFlight(std::sync::Mutex<HashSet<String>>);

impl InFlight {
    pub fn claim(&self, id: &str) -> InFlightGuard<'_> {
        if let Ok(mut set) = self.0.lock() {
            set.insert(id.to_string());
        }
        InFlightGuard {
            set: self,
            id: id.to_string(),
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.lock().map(|s| s.contains(id)).unwrap_or(false)
    }
}

pub struct InFlightGuard<'a> {
    set: &'a InFlight,
    id: String,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut set) = self.set.0.lock() {
            set.remove(&self.id);
        }
    }
}

// ---- rows -------------------------------------------------------------------------------------

/// An instance row, joined with what the API shows.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub owner_id: i64,
    pub owner_email: String,
    pub machine: String,
    pub machine_spec: MachineSpec,
    pub container_name: String,
    pub container_id: Option<String>,
    pub state: String,
    pub env: BTreeMap<String, Option<String>>,
    pub exit_code: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const ROW_SELECT: &str = "SELECT i.id, i.name, i.owner_id, u.email, m.name, m.spec,
        i.container_name, i.container_id, i.state, i.env, i.exit_code, i.created_at, i.updated_at
     FROM instances i JOIN users u ON u.id = i.owner_id JOIN machines m ON m.id = i.machine_id";

/// Parses a JSON column; a bad value is a conversion error of that column.
fn json_column<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row<'_>,
    idx: usize,
) -> rusqlite::Result<T> {
    let text: String = r.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn row_from_sql(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        name: r.get(1)?,
        owner_id: r.get(2)?,
        owner_email: r.get(3)?,
        machine: r.get(4)?,
        machine_spec: json_column(r, 5)?,
        container_name: r.get(6)?,
        container_id: r.get(7)?,
        state: r.get(8)?,
        env: json_column(r, 9)?,
        exit_code: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

fn query_rows(conn: &Connection, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Row>> {
    let mut stmt = conn
        .prepare(&format!("{ROW_SELECT} {filter}"))
        .context("query instances")?;
    let rows = stmt
        .query_map(args, row_from_sql)
        .context("query instances")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("query instances")?;
    Ok(rows)
}

impl Row {
    /// What to call the container in Docker: its id once known, else its (derived) name.
    pub fn container_ref(&self) -> String {
        self.container_id
            .clone()
            .unwrap_or_else(|| self.container_name.clone())
    }

    /// Who a caller is to this instance, for the history: its owner or an admin.
    fn cause_for(&self, caller: &Caller) -> &'static str {
        if caller.user.id == self.owner_id {
            "user"
        } else {
            "admin"
        }
    }
}

/// The names of an instance's volumes.
pub fn volume_names_of(conn: &Connection, instance_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT name FROM volumes WHERE instance_id = ?1 ORDER BY path")
        .context("list volumes")?;
    let names = stmt
        .query_map([instance_id], |r| r.get(0))
        .context("list volumes")?
        .collect::<rusqlite::Result<Vec<String>>>()
        .context("list volumes")?;
    Ok(names)
}

pub fn row_by_id(conn: &Connection, id: &str) -> Result<Option<Row>> {
    Ok(query_rows(conn, "WHERE i.id = ?1", &[&id])?
        .into_iter()
        .next())
}

/// Finds the instance `reference` (an id, a unique id prefix or a name) among those `caller`
/// may see. Whatever the reason, a miss reads the same: "no instance".
pub fn resolve(conn: &Connection, caller: &Caller, reference: &str) -> Result<Row> {
    let not_found = || Error::not_found(format!("no instance `{reference}`"));
    if reference.is_empty() || reference.len() > 128 {
        return Err(not_found());
    }
    let visible = "(?2 OR i.owner_id = ?3)";
    let args: [&dyn rusqlite::ToSql; 3] = [&reference, &caller.is_admin(), &caller.user.id];
    let exact = query_rows(conn, &format!("WHERE i.id = ?1 AND {visible}"), &args)?;
    if let Some(row) = exact.into_iter().next() {
        return Ok(row);
    }
    // Names are unique per owner. The caller's own instance wins; an admin may also name
    // another user's instance when that name is unambiguous.
    let named = query_rows(
        conn,
        &format!("WHERE i.name = ?1 AND {visible} ORDER BY i.owner_id != ?3"),
        &args,
    )?;
    match named.as_slice() {
        [] => {}
        [first, ..] if first.owner_id == caller.user.id => return Ok(first.clone()),
        [only] => return Ok(only.clone()),
        _ => {
            return Err(Error::conflict(format!(
                "`{reference}` names instances of several users; use the id"
            )))
        }
    }
    let prefixed = query_rows(
        conn,
        &format!("WHERE substr(i.id, 1, length(?1)) = ?1 AND {visible} LIMIT 2"),
        &args,
    )?;
    match prefixed.len() {
        1 => Ok(prefixed.into_iter().next().ok_or_else(not_found)?),
        0 => Err(not_found()),
        _ => Err(Error::conflict(format!(
            "`{reference}` matches more than one instance; give more of the id"
        ))),
    }
}

pub fn to_api(conn: &Connection, advertise_host: &str, row: &Row) -> Result<Instance> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT container_port, host_port, protocol FROM instance_ports
             WHERE instance_id = ?1 ORDER BY container_port, protocol",
        )
        .context("read ports")?;
    let ports = stmt
        .query_map([&row.id], |r| {
            let protocol: String = r.get(2)?;
            Ok(PortMapping {
                container_port: r.get(0)?,
                host_port: r.get(1)?,
                protocol: if protocol == "udp" {
                    Protocol::Udp
                } else {
                    Protocol::Tcp
                },
            })
        })
        .context("read ports")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("read ports")?;
    let mut stmt = conn
        .prepare_cached("SELECT name, path FROM volumes WHERE instance_id = ?1 ORDER BY path")
        .context("read volumes")?;
    let volumes = stmt
        .query_map([&row.id], |r| {
            Ok(InstanceVolume {
                name: r.get(0)?,
                path: r.get(1)?,
            })
        })
        .context("read volumes")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("read volumes")?;
    let env = row
        .env
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().unwrap_or_else(|| SECRET_MASK.into())))
        .collect();
    let host = advertise_host.to_string();
    Ok(Instance {
        url: row
            .machine_spec
            .connect
            .as_deref()
            .map(|t| render_connect(t, &host, row, &ports)),
        id: row.id.clone(),
        name: row.name.clone(),
        machine: row.machine.clone(),
        owner: row.owner_email.clone(),
        status: row.state.clone(),
        host,
        ports,
        volumes,
        env,
        container: row.container_id.clone(),
        exit_code: row.exit_code,
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    })
}

/// The instance's mapping of the machine's first declared port (of `protocol`, if given): what
/// `{port}` and `--wait` mean by "the first port". The instance's ports are listed by container
/// port, so the first of them need not be the first the machine declares. Falls back to the
/// lowest when the machine no longer declares any of the instance's ports.
fn first_port<'a>(
    spec: &MachineSpec,
    ports: &'a [PortMapping],
    protocol: Option<Protocol>,
) -> Option<&'a PortMapping> {
    let wanted = |p: &&PortMapping| protocol.is_none_or(|proto| p.protocol == proto);
    spec.ports
        .iter()
        .find_map(|mp| {
            ports
                .iter()
                .filter(wanted)
                .find(|p| p.container_port == mp.port && p.protocol == mp.protocol)
        })
        .or_else(|| ports.iter().find(wanted))
}

/// Fills a connect template; placeholders were checked when the machine was saved.
fn render_connect(template: &str, host: &str, row: &Row, ports: &[PortMapping]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let key = &after[..close];
        let value = match key {
            "host" => host.to_string(),
            "port" => first_port(&row.machine_spec, ports, None)
                .map(|p| p.host_port.to_string())
                .unwrap_or_default(),
            "name" => row.name.clone(),
            "id" => row.id.clone(),
            _ if key.starts_with("port:") => ports
                .iter()
                .find(|p| p.container_port.to_string() == key[5..])
                .map(|p| p.host_port.to_string())
                .unwrap_or_default(),
            _ if key.starts_with("env.") => row
                .env
                .get(&key[4..])
                .cloned()
                .flatten()
                .unwrap_or_default(),
            _ => String::new(),
        };
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

async fn api_for(state: &State, row: Row) -> Result<Instance> {
    let host = state.config.advertise_host.clone();
    state
        .registry
        .call(move |conn| to_api(conn, &host, &row))
        .await
}

// ---- create -----------------------------------------------------------------------------------

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Applies the machine's props to the requested environment: unknown keys and missing required
/// props are refused, defaults fill the rest. Returns the full environment for Docker and the
/// one to store (secret values left out).
#[allow(clippy::type_complexity)]
fn build_env(
    spec: &MachineSpec,
    given: &BTreeMap<String, String>,
) -> Result<(Vec<String>, BTreeMap<String, Option<String>>)> {
    let known: HashSet<&str> = spec.props.iter().map(|p| p.name.as_str()).collect();
    let mut unknown: Vec<&str> = given
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect();
    if !unknown.is_empty() {
        unknown.sort();
        let mut allowed: Vec<&str> = known.into_iter().collect();
        allowed.sort();
        return Err(Error::invalid(format!(
            "unknown env key(s) {}; machine `{}` takes: {}",
            unknown.join(", "),
            spec.name,
            if allowed.is_empty() {
                "none".to_string()
            } else {
                allowed.join(", ")
            }
        )));
    }
    let mut missing = Vec::new();
    let mut docker_env = Vec::new();
    let mut stored = BTreeMap::new();
    for prop in &spec.props {
        let value = given.get(&prop.name).cloned().or(prop.default.clone());
        match value {
            Some(v) => {
                if v.contains('\0') {
                    return Err(Error::invalid(format!(
                        "env {}: value has a NUL byte",
                        prop.name
                    )));
                }
                docker_env.push(format!("{}={v}", prop.name));
                stored.insert(prop.name.clone(), (!prop.secret).then_some(v));
            }
            None if prop.required => missing.push(prop.name.as_str()),
            None => {}
        }
    }
    if !missing.is_empty() {
        return Err(Error::invalid(format!(
            "missing required env: {} (give each with --env KEY=VALUE)",
            missing.join(", ")
        )));
    }
    Ok((docker_env, stored))
}

/// Whether nothing on the host holds `port` on `ip` right now.
fn host_port_free(ip: IpAddr, port: u16, protocol: Protocol) -> bool {
    let addr = SocketAddr::new(ip, port);
    match protocol {
        Protocol::Tcp => std::net::TcpListener::bind(addr).is_ok(),
        Protocol::Udp => std::net::UdpSocket::bind(addr).is_ok(),
    }
}

/// Picks a free host port for each machine port, skipping reserved ones and ones in use on the
/// host. Runs inside the create transaction, so the UNIQUE key settles every race.
fn allocate_ports(
    conn: &Connection,
    (low, high): (u16, u16),
    bind: IpAddr,
    wanted: &[(u32, Protocol)],
) -> Result<Vec<(u32, Protocol, u16)>> {
    let mut stmt = conn
        .prepare("SELECT host_port FROM instance_ports WHERE host_port BETWEEN ?1 AND ?2")
        .context("read reserved ports")?;
    let mut taken: HashSet<u16> = stmt
        .query_map(params![low, high], |r| r.get(0))
        .context("read reserved ports")?
        .collect::<rusqlite::Result<HashSet<u16>>>()
        .context("read reserved ports")?;
    let mut out = Vec::new();
    for &(container_port, protocol) in wanted {
        let found = (low..=high)
            .find(|p| !taken.contains(p) && host_port_free(bind, *p, protocol))
            .ok_or_else(|| {
                Error::conflict(format!(
                    "no free host port left in port_range {low}-{high}; remove unused instances \
                     or ask the operator to widen the range"
                ))
            })?;
        taken.insert(found);
        out.push((container_port, protocol, found));
    }
    Ok(out)
}

/// A volume name from the instance id and the container path: `rsrc-<id>-var-lib-data`.
fn volume_name(instance_id: &str, path: &str) -> String {
    let slug: String = path
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut slug = slug.trim_matches('-').to_string();
    slug.truncate(100);
    format!("rsrc-{instance_id}-{slug}")
}

/// The volume names of all of an instance's paths, in order. Distinct paths can share a slug
/// (`/a/b` and `/a-b`, or long paths cut at the same place); later ones get `-2`, `-3`, ...
fn volume_names(instance_id: &str, paths: &[String]) -> Vec<String> {
    let mut used = HashSet::new();
    paths
        .iter()
        .map(|path| {
            let base = volume_name(instance_id, path);
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        })
        .collect()
}

struct Planned {
    id: String,
    container_name: String,
    owner_id: i64,
    machine: MachineSpec,
    docker_env: Vec<String>,
    ports: Vec<(u32, Protocol, u16)>,
    volumes: Vec<(String, String)>,
}

pub async fn create(state: &State, caller: &Caller, req: InstanceCreate) -> Result<Instance> {
    caller.require_verified()?;
    // Without Docker nothing could be made: refuse before reserving anything.
    state.engine.docker().await?;
    if let Some(name) = &req.name {
        validate_slug("instance name", name)?;
        if name.bytes().all(|b| b.is_ascii_hexdigit()) {
            // It would read as an id prefix and could hide another instance.
            return Err(Error::invalid(format!(
                "instance name `{name}` is all hex digits, so it would read as an id; \
                 add a letter after f or a dash"
            )));
        }
    }
    let machine_name = req.machine.clone();
    let machine = state
        .registry
        .call(move |conn| machines::by_name(conn, &machine_name))
        .await?;
    if !machine.spec.active {
        return Err(Error::conflict(format!(
            "machine `{}` is inactive: no new instances",
            machine.spec.name
        )));
    }
    let (docker_env, stored_env) = build_env(&machine.spec, &req.env)?;
    let id = random_hex(8);
    let _in_flight = state.in_flight.claim(&id);
    let generated = req.name.is_none();
    let name = req
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-{}", machine.spec.name, &random_hex(2)));
    let planned = {
        let range = (state.config.port_range.low, state.config.port_range.high);
        let bind = state.config.bind_address;
        let per_user_limit = state.config.limits.max_instances_per_user;
        let owner_id = caller.user.id;
        let spec = machine.spec.clone();
        let machine_id = machine.id;
        let env_json = serde_json::to_string(&stored_env)
            .map_err(|e| Error::internal(format!("encode env: {e}")))?;
        let id = id.clone();
        let mut name = name.clone();
        state
            .registry
            .call(move |conn| {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .context("begin create")?;
                let (of_machine, total): (i64, i64) = tx
                    .query_row(
                        "SELECT (SELECT COUNT(*) FROM instances WHERE owner_id = ?1 AND machine_id = ?2),
                                (SELECT COUNT(*) FROM instances WHERE owner_id = ?1)",
                        params![owner_id, machine_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .context("count instances")?;
                if of_machine >= spec.max_per_user {
                    return Err(Error::QuotaExceeded(format!(
                        "you have {of_machine} instance(s) of `{}`, its limit is {} per user",
                        spec.name, spec.max_per_user
                    )));
                }
                if total >= per_user_limit {
                    return Err(Error::QuotaExceeded(format!(
                        "you have {total} instance(s), the limit is {per_user_limit} per user"
                    )));
                }
                let name_taken = |name: &str| -> Result<bool> {
                    tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM instances WHERE owner_id = ?1 AND name = ?2)",
                        params![owner_id, name],
                        |r| r.get(0),
                    )
                    .context("check name")
                };
                if name_taken(&name)? {
                    if !generated {
                        return Err(Error::AlreadyExists(format!(
                            "you already have an instance named `{name}`"
                        )));
                    }
                    // A name we made up: make up longer ones until one is free.
                    loop {
                        name = format!("{}-{}", spec.name, random_hex(4));
                        if !name_taken(&name)? {
                            break;
                        }
                    }
                }
                let wanted: Vec<(u32, Protocol)> =
                    spec.ports.iter().map(|p| (p.port, p.protocol)).collect();
                let ports = allocate_ports(&tx, range, bind, &wanted)?;
                let container_name = format!("rsrc-{name}-{id}");
                let now = now_ms();
                tx.execute(
                    "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                        desired_state, env, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'creating', 'running', ?6, ?7, ?7)",
                    params![id, name, owner_id, machine_id, container_name, env_json, now],
                )
                .context("record instance")?;
                for (container_port, protocol, host_port) in &ports {
                    tx.execute(
                        "INSERT INTO instance_ports (host_port, instance_id, container_port, protocol)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![host_port, id, container_port, protocol.as_str()],
                    )
                    .context("reserve port")?;
                }
                let mut volumes = Vec::new();
                for (path, vname) in spec.volumes.iter().zip(volume_names(&id, &spec.volumes)) {
                    tx.execute(
                        "INSERT INTO volumes (name, instance_id, instance_name, owner_id, path, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![vname, id, name, owner_id, path, now],
                    )
                    .context("record volume")?;
                    volumes.push((vname, path.clone()));
                }
                tx.commit().context("commit create")?;
                Ok(Planned {
                    id,
                    container_name,
                    owner_id,
                    machine: spec,
                    docker_env,
                    ports,
                    volumes,
                })
            })
            .await?
    };
    match materialise(state, &planned, "user").await {
        Ok(()) => {}
        Err(err) => {
            tracing::warn!(instance = %planned.id, error = %err.chain(), "create failed; rolling back");
            if let Err(e) = reconcile::roll_back_create(state, &planned.id).await {
                tracing::error!(instance = %planned.id, error = %e.chain(),
                    "rollback failed; the next start of rsrcd finishes it");
            }
            return Err(err);
        }
    }
    let row = {
        let id = planned.id.clone();
        state
            .registry
            .call(move |conn| row_by_id(conn, &id))
            .await?
            .ok_or_else(|| Error::internal("instance vanished after create"))?
    };
    api_for(state, row).await
}

/// Makes the Docker side of a planned instance: image, volumes, container, start.
async fn materialise(state: &State, p: &Planned, cause: &str) -> Result<()> {
    let docker = state.engine.docker().await?;
    machines::ensure_image(state, &p.machine.image).await?;
    let base_labels = HashMap::from([
        (LABEL_INSTANCE.to_string(), p.id.clone()),
        (LABEL_OWNER.to_string(), p.owner_id.to_string()),
        (LABEL_MACHINE.to_string(), p.machine.name.clone()),
        (LABEL_DAEMON.to_string(), state.daemon_id.clone()),
    ]);
    for (vname, path) in &p.volumes {
        let mut labels = base_labels.clone();
        labels.insert(LABEL_PATH.to_string(), path.clone());
        containers::create_volume(&docker, vname, labels).await?;
    }
    let limits = &p.machine.limits;
    let spec = ContainerSpec {
        name: p.container_name.clone(),
        image: p.machine.image.clone(),
        command: p.machine.command.clone(),
        env: p.docker_env.clone(),
        labels: base_labels,
        ports: p
            .ports
            .iter()
            .map(|(c, proto, h)| (*c, proto.as_str(), u32::from(*h)))
            .collect(),
        bind_address: state.config.bind_address.to_string(),
        volumes: p.volumes.clone(),
        memory: limits
            .memory
            .as_deref()
            .map(machines::parse_memory)
            .transpose()?,
        nano_cpus: limits.cpus.map(|c| (c * 1e9).round() as i64),
        pids: limits.pids,
        restart: p.machine.restart,
    };
    let container_id = containers::create_container(&docker, spec).await?;
    {
        let id = p.id.clone();
        let cid = container_id.clone();
        state
            .registry
            .call(move |conn| {
                conn.execute(
                    "UPDATE instances SET container_id = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, cid, now_ms()],
                )
                .context("record container")
                .map(|_| ())
            })
            .await?;
    }
    containers::start(&docker, &container_id).await?;
    finish_create(state, &p.id, cause).await
}

/// Marks a create complete: the row leaves `creating`, the history gets `created` and the first
/// up/down from the container's real state.
pub async fn finish_create(state: &State, id: &str, cause: &str) -> Result<()> {
    let docker = state.engine.docker().await?;
    let container = {
        let id = id.to_string();
        state
            .registry
            .call(move |conn| row_by_id(conn, &id))
            .await?
            .map(|r| r.container_name)
            .ok_or_else(|| Error::internal("instance row vanished during create"))?
    };
    let observed = containers::inspect(&docker, &container).await?;
    let id = id.to_string();
    let cause = cause.to_string();
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            let owner_id: i64 = tx
                .query_row("SELECT owner_id FROM instances WHERE id = ?1", [&id], |r| {
                    r.get(0)
                })
                .context("read owner")?;
            let now = now_ms();
            tx.execute(
                "UPDATE instances SET state = 'created', container_id = COALESCE(?2, container_id),
                    pending_cause = ?3, pending_expect = 'up', pending_until = ?4,
                    updated_at = ?5 WHERE id = ?1",
                params![
                    id,
                    observed.as_ref().map(|o| o.id.clone()),
                    cause,
                    now + PENDING_WINDOW.as_millis() as i64,
                    now
                ],
            )
            .context("finish create")?;
            events::append(
                &tx,
                &Event {
                    instance_id: &id,
                    owner_id,
                    at: now,
                    kind: "created",
                    up: false,
                    cause: &cause,
                    exit_code: None,
                    detail: None,
                },
            )?;
            match observed {
                Some(o) => {
                    events::observe(
                        &tx,
                        &id,
                        Seen {
                            up: o.running,
                            at: now,
                            exit_code: o.exit_code,
                            oom: o.oom_killed,
                            killed_by: None,
                            observer: "daemon",
                            detail: None,
                        },
                    )?;
                }
                None => reconcile::mark_lost(&tx, &id, now, "daemon")?,
            }
            tx.commit().context("commit")
        })
        .await
}

// ---- lifecycle --------------------------------------------------------------------------------

pub async fn list(state: &State, caller: &Caller, all: bool) -> Result<Vec<Instance>> {
    if all {
        caller.require_admin()?;
    }
    let owner = caller.user.id;
    let host = state.config.advertise_host.clone();
    state
        .registry
        .call(move |conn| {
            let rows = query_rows(
                conn,
                "WHERE (?1 OR i.owner_id = ?2) ORDER BY i.name, i.id",
                &[&all, &owner],
            )?;
            rows.iter().map(|r| to_api(conn, &host, r)).collect()
        })
        .await
}

pub async fn show(state: &State, caller: &Caller, reference: String) -> Result<Instance> {
    let caller = caller.clone();
    let host = state.config.advertise_host.clone();
    state
        .registry
        .call(move |conn| {
            let row = resolve(conn, &caller, &reference)?;
            to_api(conn, &host, &row)
        })
        .await
}

async fn resolve_async(state: &State, caller: &Caller, reference: &str) -> Result<Row> {
    let caller = caller.clone();
    let reference = reference.to_string();
    state
        .registry
        .call(move |conn| resolve(conn, &caller, &reference))
        .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Restart,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "start" => Some(Action::Start),
            "stop" => Some(Action::Stop),
            "restart" => Some(Action::Restart),
            _ => None,
        }
    }
}

pub async fn act(
    state: &State,
    caller: &Caller,
    reference: &str,
    action: Action,
) -> Result<Instance> {
    let row = resolve_async(state, caller, reference).await?;
    match row.state.as_str() {
        "creating" | "removing" => {
            return Err(Error::conflict(format!(
                "instance `{}` is {}; try again in a moment",
                row.name, row.state
            )))
        }
        "lost" => {
            return Err(Error::conflict(format!(
            "instance `{}` is lost: its container is gone; remove it with `rsrc instance rm {}`",
            row.name, row.id
        )))
        }
        _ => {}
    }
    let cause = row.cause_for(caller);
    let (desired, expect) = match action {
        Action::Stop => ("stopped", "down"),
        Action::Start => ("running", "up"),
        Action::Restart => ("running", "down,up"),
    };
    {
        let id = row.id.clone();
        state
            .registry
            .call(move |conn| {
                conn.execute(
                    "UPDATE instances SET desired_state = ?2, pending_cause = ?3, pending_expect = ?4,
                        pending_until = ?5
                     WHERE id = ?1",
                    params![
                        id,
                        desired,
                        cause,
                        expect,
                        now_ms() + PENDING_WINDOW.as_millis() as i64
                    ],
                )
                .context("record desired state")
                .map(|_| ())
            })
            .await?;
    }
    let docker = state.engine.docker().await?;
    let container = row.container_ref();
    let outcome = match action {
        Action::Start => containers::start(&docker, &container).await,
        Action::Stop => containers::stop(&docker, &container).await,
        Action::Restart => containers::restart(&docker, &container).await,
    };
    match outcome {
        Ok(()) => {}
        Err(Error::NotFound(_)) => {
            let id = row.id.clone();
            state
                .registry
                .call(move |conn| reconcile::mark_lost(conn, &id, now_ms(), "daemon"))
                .await?;
            return Err(Error::conflict(format!(
                "instance `{}` is lost: its container is gone; remove it with `rsrc instance rm {}`",
                row.name, row.id
            )));
        }
        Err(e) => return Err(e),
    }
    reconcile::refresh(state, &row.id, "daemon").await?;
    let row = resolve_async(state, caller, &row.id).await?;
    api_for(state, row).await
}

pub async fn remove(state: &State, caller: &Caller, reference: &str, volumes: bool) -> Result<()> {
    let row = resolve_async(state, caller, reference).await?;
    if row.state == "creating" {
        return Err(Error::conflict(format!(
            "instance `{}` is still being created; try again in a moment",
            row.name
        )));
    }
    let cause = row.cause_for(caller);
    remove_by_id(state, &row.id, volumes, cause).await
}

/// Removes an instance: journal `removing`, remove the container (and volumes if asked), then
/// the row. A crash in between is finished by reconciliation.
pub async fn remove_by_id(state: &State, id: &str, volumes: bool, cause: &str) -> Result<()> {
    let docker = state.engine.docker().await?;
    let _in_flight = state.in_flight.claim(id);
    let row = {
        let owned = id.to_string();
        state
            .registry
            .call(move |conn| {
                let id = owned;
                conn.execute(
                    "UPDATE instances SET state = 'removing', desired_state = 'stopped',
                        remove_volumes = ?3, updated_at = ?2 WHERE id = ?1",
                    params![&id, now_ms(), volumes],
                )
                .context("mark removing")?;
                row_by_id(conn, &id)
            })
            .await?
            .ok_or_else(|| Error::not_found(format!("no instance `{id}`")))?
    };
    // By name as well as id: a crash may have left a container whose id was never recorded.
    // Either way only a container with this instance's labels: a lost instance's name may have
    // been taken by a container rsrc did not make.
    if let Some(cid) = &row.container_id {
        containers::remove_instance_container(&docker, cid, &state.daemon_id, id).await?;
    }
    containers::remove_instance_container(&docker, &row.container_name, &state.daemon_id, id)
        .await?;
    let volume_names: Vec<String> = {
        let id = id.to_string();
        state
            .registry
            .call(move |conn| volume_names_of(conn, &id))
            .await?
    };
    if volumes {
        for v in &volume_names {
            containers::remove_volume(&docker, v).await?;
        }
    }
    let id = id.to_string();
    let cause = cause.to_string();
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            let was_up = events::last_up(&tx, &id)?.unwrap_or(false);
            let now = now_ms();
            if was_up {
                events::append(
                    &tx,
                    &Event {
                        instance_id: &id,
                        owner_id: row.owner_id,
                        at: now,
                        kind: "stopped",
                        up: false,
                        cause: &cause,
                        exit_code: None,
                        detail: Some("removed".into()),
                    },
                )?;
            }
            events::append(
                &tx,
                &Event {
                    instance_id: &id,
                    owner_id: row.owner_id,
                    at: now,
                    kind: "removed",
                    up: false,
                    cause: &cause,
                    exit_code: None,
                    detail: volumes.then(|| "with volumes".to_string()),
                },
            )?;
            if volumes {
                tx.execute("DELETE FROM volumes WHERE instance_id = ?1", [&id])
                    .context("forget volumes")?;
            }
            tx.execute("DELETE FROM instances WHERE id = ?1", [&id])
                .context("delete instance")?;
            tx.commit().context("commit remove")
        })
        .await
}

/// Waits until the instance's first TCP port accepts a connection. On timeout the error carries
/// the container's last log lines.
pub async fn wait(
    state: &State,
    caller: &Caller,
    reference: &str,
    timeout: Duration,
) -> Result<Instance> {
    let row = resolve_async(state, caller, reference).await?;
    let docker = state.engine.docker().await?;
    let ports = api_for(state, row.clone()).await?.ports;
    let target_port = first_port(&row.machine_spec, &ports, Some(Protocol::Tcp))
        .map(|p| (p.container_port, p.host_port as u16));
    let Some((container_port, host_port)) = target_port else {
        return Err(Error::invalid(format!(
            "instance `{}` has no TCP port to wait for",
            row.name
        )));
    };
    let container = row.container_ref();
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last_problem;
    loop {
        // Prefer the container's own address: a published port may be accepted by Docker's
        // proxy before the service inside listens.
        let target = match containers::address(&docker, &container).await {
            Ok(Some(ip)) => SocketAddr::new(ip, container_port as u16),
            Ok(None) => SocketAddr::new(probe_host(state), host_port),
            Err(Error::NotFound(_)) => {
                last_problem = "the container is gone".into();
                break;
            }
            Err(e) => return Err(e),
        };
        match tokio::time::timeout(
            Duration::from_millis(500),
            tokio::net::TcpStream::connect(target),
        )
        .await
        {
            Ok(Ok(_)) => {
                let row = resolve_async(state, caller, &row.id).await?;
                return api_for(state, row).await;
            }
            Ok(Err(e)) => last_problem = e.to_string(),
            Err(_) => last_problem = "connect timed out".into(),
        }
        if let Ok(Some(o)) = containers::inspect(&docker, &container).await {
            if !o.running && o.status != "restarting" && o.status != "created" {
                last_problem = format!(
                    "the container {} (exit code {})",
                    o.status,
                    o.exit_code.unwrap_or(-1)
                );
                break;
            }
        }
        if tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let details = containers::last_lines(&docker, &container, WAIT_LOG_LINES)
        .await
        .unwrap_or_default();
    Err(Error::Timeout {
        message: format!(
            "instance `{}` did not accept connections on port {container_port} within {}s: {last_problem}",
            row.name,
            timeout.as_secs()
        ),
        details,
    })
}

fn probe_host(state: &State) -> IpAddr {
    match state.config.bind_address {
        ip if !ip.is_unspecified() => ip,
        _ => IpAddr::from([127, 0, 0, 1]),
    }
}

/// The last lines of an instance's output.
pub async fn logs(state: &State, caller: &Caller, reference: &str, tail: usize) -> Result<String> {
    let row = resolve_async(state, caller, reference).await?;
    let docker = state.engine.docker().await?;
    let container = row.container_ref();
    let lines = containers::last_lines(&docker, &container, tail).await?;
    let mut out = lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsrc_shared::api::Prop;

    fn placeholder_spec() -> MachineSpec {
        MachineSpec {
            name: String::new(),
            description: String::new(),
            image: String::new(),
            ports: Vec::new(),
            props: Vec::new(),
            command: None,
            volumes: Vec::new(),
            limits: Default::default(),
            max_per_user: 1,
            active: true,
            connect: None,
            restart: Default::default(),
        }
    }

    fn spec_with_props(props: Vec<Prop>) -> MachineSpec {
        let mut s = placeholder_spec();
        s.name = "db".into();
        s.props = props;
        s
    }

    fn prop(name: &str, required: bool, default: Option<&str>, secret: bool) -> Prop {
        Prop {
            name: name.into(),
            required,
            default: default.map(str::to_string),
            secret,
        }
    }

    #[test]
    fn env_follows_the_props() {
        let spec = spec_with_props(vec![
            prop("USER", false, Some("app"), false),
            prop("PASSWORD", true, None, true),
            prop("OPTIONAL", false, None, false),
        ]);
        let given = BTreeMap::from([("PASSWORD".to_string(), "s3cret".to_string())]);
        let (docker, stored) = build_env(&spec, &given).unwrap();
        assert_eq!(docker, vec!["USER=app", "PASSWORD=s3cret"]);
        assert_eq!(
            stored.get("PASSWORD"),
            Some(&None),
            "secrets are not stored"
        );
        assert_eq!(stored.get("USER"), Some(&Some("app".to_string())));
        assert!(!stored.contains_key("OPTIONAL"));

        let err = build_env(&spec, &BTreeMap::new()).unwrap_err().to_string();
        assert!(err.contains("PASSWORD"), "{err}");
        let bad = BTreeMap::from([
            ("PASSWORD".to_string(), "x".to_string()),
            ("NOPE".to_string(), "x".to_string()),
        ]);
        let err = build_env(&spec, &bad).unwrap_err().to_string();
        assert!(err.contains("NOPE"), "{err}");
    }

    #[test]
    fn volume_names_are_docker_safe() {
        assert_eq!(volume_name("ab12", "/data"), "rsrc-ab12-data");
        assert_eq!(
            volume_name("ab12", "/var/lib/postgresql/data"),
            "rsrc-ab12-var-lib-postgresql-data"
        );
        let paths: Vec<String> = ["/a/b", "/a-b", "/a b", "/data"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            volume_names("ab12", &paths),
            [
                "rsrc-ab12-a-b",
                "rsrc-ab12-a-b-2",
                "rsrc-ab12-a-b-3",
                "rsrc-ab12-data"
            ]
        );
    }

    #[test]
    fn connect_templates_render() {
        let mut row = Row {
            id: "abc".into(),
            name: "cache".into(),
            owner_id: 1,
            owner_email: "a@b.co".into(),
            machine: "redis".into(),
            machine_spec: placeholder_spec(),
            container_name: "x".into(),
            container_id: None,
            state: "running".into(),
            env: BTreeMap::from([("DB".into(), Some("app".into()))]),
            exit_code: None,
            created_at: 0,
            updated_at: 0,
        };
        row.env.insert("PW".into(), None);
        let ports = vec![PortMapping {
            container_port: 5432,
            host_port: 20001,
            protocol: Protocol::Tcp,
        }];
        assert_eq!(
            render_connect("postgres://{host}:{port}/{env.DB}", "h", &row, &ports),
            "postgres://h:20001/app"
        );
        assert_eq!(
            render_connect("{port:5432}-{name}", "h", &row, &ports),
            "20001-cache"
        );
    }

    fn caller(id: i64, role: rsrc_shared::api::Role) -> Caller {
        Caller {
            user: rsrc_shared::api::User {
                id,
                email: format!("u{id}@x.io"),
                name: "u".into(),
                role,
                verified: true,
                disabled: false,
                notify_email: true,
                created_at: String::new(),
                updated_at: String::new(),
            },
            token_hash: String::new(),
        }
    }

    #[test]
    fn references_resolve_only_among_visible_instances() {
        use rsrc_shared::api::Role;
        let reg = crate::registry::Registry::open_in_memory().unwrap();
        reg.call_blocking(|conn| {
            for id in 1..=3 {
                conn.execute(
                    "INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at)
                     VALUES (?1, ?2, 'u', 'x', ?3, 0, 0)",
                    params![id, format!("u{id}@x.io"), if id == 3 { "admin" } else { "user" }],
                )
                .unwrap();
            }
            conn.execute(
                "INSERT INTO machines (id, name, spec, created_at, updated_at) VALUES (1, 'm', ?1, 0, 0)",
                [serde_json::to_string(&placeholder_spec()).unwrap()],
            )
            .unwrap();
            for (id, owner, name) in [("aaaa1111", 1, "web"), ("aaaa2222", 2, "web"), ("bbbb3333", 1, "db")] {
                conn.execute(
                    "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state, created_at, updated_at)
                     VALUES (?1, ?2, ?3, 1, ?1, 'running', 0, 0)",
                    params![id, name, owner],
                )
                .unwrap();
            }
            Ok(())
        })
        .unwrap();
        let user1 = caller(1, Role::User);
        let user2 = caller(2, Role::User);
        let admin = caller(3, Role::Admin);
        reg.call_blocking(|conn| {
            assert_eq!(resolve(conn, &user1, "web")?.id, "aaaa1111");
            assert_eq!(resolve(conn, &user2, "web")?.id, "aaaa2222");
            assert_eq!(resolve(conn, &user1, "bbbb")?.id, "bbbb3333");
            assert_eq!(
                resolve(conn, &user1, "aaaa")?.id,
                "aaaa1111",
                "the only visible match"
            );
            let hidden = resolve(conn, &user2, "bbbb3333").unwrap_err().to_string();
            let absent = resolve(conn, &user2, "cccc4444").unwrap_err().to_string();
            assert_eq!(
                hidden.replace("bbbb3333", "X"),
                absent.replace("cccc4444", "X")
            );
            assert!(matches!(
                resolve(conn, &user2, "db"),
                Err(Error::NotFound(_))
            ));
            assert!(matches!(
                resolve(conn, &admin, "web"),
                Err(Error::Conflict(_))
            ));
            assert!(matches!(
                resolve(conn, &admin, "aaaa"),
                Err(Error::Conflict(_))
            ));
            assert_eq!(resolve(conn, &admin, "db")?.id, "bbbb3333");
            assert_eq!(resolve(conn, &admin, "aaaa2222")?.owner_id, 2);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn the_first_port_is_the_first_the_machine_declares() {
        use rsrc_shared::api::MachinePort;
        let mut spec = placeholder_spec();
        spec.ports = [
            (8080, Protocol::Tcp),
            (5353, Protocol::Udp),
            (443, Protocol::Tcp),
        ]
        .into_iter()
        .map(|(port, protocol)| MachinePort { port, protocol })
        .collect();
        // As the registry lists them: by container port.
        let ports: Vec<PortMapping> = [
            (443, Protocol::Tcp, 1),
            (5353, Protocol::Udp, 2),
            (8080, Protocol::Tcp, 3),
        ]
        .into_iter()
        .map(|(container_port, protocol, host_port)| PortMapping {
            container_port,
            host_port,
            protocol,
        })
        .collect();
        assert_eq!(first_port(&spec, &ports, None).unwrap().host_port, 3);
        spec.ports.swap(0, 1);
        assert_eq!(first_port(&spec, &ports, None).unwrap().host_port, 2);
        assert_eq!(
            first_port(&spec, &ports, Some(Protocol::Tcp))
                .unwrap()
                .host_port,
            3
        );
        spec.ports.clear();
        assert_eq!(
            first_port(&spec, &ports, Some(Protocol::Tcp))
                .unwrap()
                .host_port,
            1
        );
        assert_eq!(first_port(&spec, &ports[1..2], Some(Protocol::Tcp)), None);
    }

    #[test]
    fn ports_come_from_the_range_and_skip_reserved_and_busy_ones() {
        let reg = crate::registry::Registry::open_in_memory().unwrap();
        let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let busy_port = busy.local_addr().unwrap().port();
        let range = (busy_port, busy_port.saturating_add(2));
        let ip: IpAddr = [127, 0, 0, 1].into();
        let got = reg
            .call_blocking(|conn| allocate_ports(conn, range, ip, &[(80, Protocol::Tcp)]))
            .unwrap();
        assert_ne!(got[0].2, busy_port, "a port in use on the host is skipped");
        let err = reg
            .call_blocking(|conn| {
                allocate_ports(conn, (busy_port, busy_port), ip, &[(80, Protocol::Tcp)])
            })
            .unwrap_err();
        assert!(err.to_string().contains("no free host port"), "{err}");
    }
}
