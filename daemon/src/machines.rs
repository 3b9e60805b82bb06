//! Machines (SPEC §4): the templates admins define. A machine's rules live in one validated
//! `MachineSpec`, stored as JSON; every write validates the whole spec first, so a bad value
//! leaves nothing behind.

use std::collections::HashSet;

use rsrc_shared::api::{self, Machine, MachineSpec, MachineUpdate, PullProgress};
use rusqlite::{params, Connection, OptionalExtension};

use crate::accounts::Caller;
use crate::engine::containers;
use crate::error::{is_unique_violation, Error, RegistryContext, Result};
use crate::registry::{now_ms, rfc3339};
use crate::State;

/// Docker refuses less memory than this.
const MIN_MEMORY: i64 = 6 * 1024 * 1024;

// ---- validation -------------------------------------------------------------------------------

/// A slug: lowercase letters, digits and inner dashes, 1–63 characters.
pub fn validate_slug(field: &str, value: &str) -> Result<()> {
    let ok = !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{field} `{value}` must be 1-63 lowercase letters, digits and inner dashes"
        )))
    }
}

/// A Docker image reference: `[host[:port]/]path[:tag][@sha256:hex]`.
pub fn validate_image(image: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::invalid(format!(
            "image `{image}` is not a valid reference: {why}"
        )))
    };
    if image.is_empty() || image.len() > 255 {
        return bad("it must have 1 to 255 characters");
    }
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    if let Some(d) = digest {
        let hex = d.strip_prefix("sha256:").unwrap_or("");
        if hex.len() != 64
            || !hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return bad("a digest is sha256: followed by 64 lowercase hex digits");
        }
    }
    let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && tag
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !ok {
            return bad("a tag is up to 128 letters, digits, `_`, `.` and `-`");
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        let is_host = first.contains('.') || first.contains(':') || first == "localhost";
        if is_host {
            let (host, port) = match first.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (first, None),
            };
            let host_ok = !host.is_empty()
                && host.split('.').all(|l| {
                    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
            let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
            if !host_ok || !port_ok {
                return bad("the registry host is malformed");
            }
            parts.remove(0);
        }
    }
    for part in parts {
        if !valid_path_component(part) {
            return bad("path components are lowercase letters and digits, separated by `.`, `_`, `__` or dashes");
        }
    }
    Ok(())
}

fn valid_path_component(part: &str) -> bool {
    let bytes = part.as_bytes();
    if bytes.is_empty()
        || !bytes[0].is_ascii_alphanumeric()
        || !bytes[bytes.len() - 1].is_ascii_alphanumeric()
    {
        return false;
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(b))
    {
        return false;
    }
    // Separators: one `.`, one or two `_`, or any number of `-`.
    part.split(|c: char| c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .all(|sep| sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-'))
}

pub fn validate_prop_name(name: &str) -> Result<()> {
    rsrc_shared::env::check_key(name).map_err(Error::Invalid)
}

/// An absolute, normalised container path other than `/`.
pub fn validate_volume_path(path: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::invalid(format!("volume path `{path}` {why}")));
    if !path.starts_with('/') {
        return bad("must be absolute");
    }
    if path == "/" {
        return bad("must not be `/`");
    }
    if path.len() > 1024 || path.chars().any(|c| c.is_control() || c == ':' || c == ',') {
        return bad("has characters Docker cannot mount");
    }
    if path.ends_with('/')
        || path[1..]
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return bad("must be normalised (no `//`, `.`, `..` or trailing `/`)");
    }
    Ok(())
}

/// `256m`, `1g`, `512k`, `1048576` (bytes) → bytes.
pub fn parse_memory(value: &str) -> Result<i64> {
    let bad = || {
        Error::invalid(format!(
            "memory `{value}` must be a number with an optional unit b, k, m or g (like 256m)"
        ))
    };
    let v = value.trim().to_ascii_lowercase();
    let (digits, unit) = match v.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => v.split_at(i),
        None => (v.as_str(), ""),
    };
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let mult: i64 = match unit.trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        _ => return Err(bad()),
    };
    if unit.len() > 2 || (unit.len() == 2 && !unit.ends_with('b')) {
        return Err(bad());
    }
    let bytes = n.checked_mul(mult).ok_or_else(bad)?;
    if bytes < MIN_MEMORY {
        return Err(Error::invalid(format!(
            "memory `{value}` is below Docker's minimum of 6m"
        )));
    }
    Ok(bytes)
}

/// The placeholders a connect template may use.
fn validate_connect(template: &str, spec: &MachineSpec) -> Result<()> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            Error::invalid(format!(
                "connect template `{template}` has an unclosed `{{`"
            ))
        })?;
        let key = &after[..close];
        let known = match key {
            "host" | "port" | "name" | "id" => true,
            _ if key.starts_with("port:") => key[5..]
                .parse::<u32>()
                .is_ok_and(|p| spec.ports.iter().any(|mp| mp.port == p)),
            _ if key.starts_with("env.") => {
                spec.props.iter().any(|p| p.name == key[4..] && !p.secret)
            }
            _ => false,
        };
        if !known {
            return Err(Error::invalid(format!(
                "connect template: unknown placeholder `{{{key}}}`; use {{host}}, {{port}}, \
                 {{port:N}} for a declared port, {{name}}, {{id}} or {{env.PROP}} for a non-secret prop"
            )));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Checks and normalises a whole spec. Error messages name the field.
pub fn validate_spec(mut spec: MachineSpec) -> Result<MachineSpec> {
    validate_slug("name", &spec.name)?;
    spec.image = spec.image.trim().to_string();
    validate_image(&spec.image)?;
    if spec.description.chars().count() > 1000 {
        return Err(Error::invalid(
            "description must have at most 1000 characters",
        ));
    }
    if spec.ports.is_empty() {
        return Err(Error::invalid("ports: a machine needs at least one port"));
    }
    let mut seen = HashSet::new();
    for p in &spec.ports {
        if !(1..=65535).contains(&p.port) {
            return Err(Error::invalid(format!(
                "port {} is outside 1-65535",
                p.port
            )));
        }
        if !seen.insert((p.port, p.protocol)) {
            return Err(Error::invalid(format!(
                "port {}/{} is given twice",
                p.port,
                p.protocol.as_str()
            )));
        }
    }
    let mut names = HashSet::new();
    for prop in &spec.props {
        validate_prop_name(&prop.name)?;
        if !names.insert(prop.name.clone()) {
            return Err(Error::invalid(format!(
                "prop `{}` is given twice",
                prop.name
            )));
        }
        if prop.required && prop.default.is_some() {
            return Err(Error::invalid(format!(
                "prop `{}` is required, so it cannot have a default",
                prop.name
            )));
        }
        if prop.default.as_deref().is_some_and(|d| d.contains('\0')) {
            return Err(Error::invalid(format!(
                "prop `{}`: default has a NUL byte",
                prop.name
            )));
        }
    }
    let mut paths = HashSet::new();
    for v in &spec.volumes {
        validate_volume_path(v)?;
        if !paths.insert(v.clone()) {
            return Err(Error::invalid(format!("volume path `{v}` is given twice")));
        }
    }
    if let Some(mem) = &spec.limits.memory {
        parse_memory(mem)?;
    }
    if let Some(cpus) = spec.limits.cpus {
        if !(cpus.is_finite() && cpus > 0.0 && cpus <= 1024.0) {
            return Err(Error::invalid("cpus must be a number above 0 (like 0.5)"));
        }
    }
    if let Some(pids) = spec.limits.pids {
        if pids <= 0 {
            return Err(Error::invalid("pids must be at least 1"));
        }
    }
    if spec.max_per_user < 1 {
        return Err(Error::invalid("max_per_user must be at least 1"));
    }
    if let Some(cmd) = &spec.command {
        if cmd.is_empty() {
            spec.command = None;
        } else if cmd.iter().any(|a| a.contains('\0')) {
            return Err(Error::invalid(
                "command: arguments must not contain NUL bytes",
            ));
        }
    }
    if let Some(t) = &spec.connect {
        if t.trim().is_empty() {
            spec.connect = None;
        } else {
            validate_connect(t, &spec)?;
        }
    }
    Ok(spec)
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
    spec
}

// ---- registry ---------------------------------------------------------------------------------

/// A machine row: its id and its spec.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub spec: MachineSpec,
}

fn parse_spec(json: &str) -> Result<MachineSpec> {
    serde_json::from_str(json).map_err(|e| Error::internal(format!("stored machine spec: {e}")))
}

pub fn by_name(conn: &Connection, name: &str) -> Result<Stored> {
    let row: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, spec FROM machines WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .context("read machine")?;
    let (id, json) = row.ok_or_else(|| Error::not_found(format!("no machine `{name}`")))?;
    Ok(Stored {
        id,
        spec: parse_spec(&json)?,
    })
}

/// `instances` counts what the viewer may see: ?1 = all (an admin), ?2 = the viewer's id. A
/// user learns nothing about other users' instances from a machine listing.
const MACHINE_SELECT: &str = "SELECT m.spec, m.created_at, m.updated_at,
        (SELECT COUNT(*) FROM instances i WHERE i.machine_id = m.id AND (?1 OR i.owner_id = ?2))
     FROM machines m";

fn machine_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, i64, i64, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_api((json, created, updated, instances): (String, i64, i64, i64)) -> Result<Machine> {
    let s = parse_spec(&json)?;
    Ok(spec_to_api(
        s,
        instances,
        rfc3339(created),
        rfc3339(updated),
    ))
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
                    p.default = Some(crate::instances::SECRET_MASK.to_string());
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
        instances,
        likes: 0,
        dislikes: 0,
        rating: None,
        created_at,
        updated_at,
    }
}

/// Who is looking: (sees everything, user id). Writes are admin-only, so after one it is
/// [`ADMIN_VIEW`].
type Viewer = (bool, i64);
const ADMIN_VIEW: Viewer = (true, 0);

fn viewer(caller: &Caller) -> Viewer {
    (caller.is_admin(), caller.user.id)
}

fn read_api(conn: &Connection, name: &str, (all, owner): Viewer) -> Result<Machine> {
    let row = conn
        .query_row(
            &format!("{MACHINE_SELECT} WHERE m.name = ?3"),
            params![all, owner, name],
            machine_from_row,
        )
        .optional()
        .context("read machine")?
        .ok_or_else(|| Error::not_found(format!("no machine `{name}`")))?;
    to_api(row)
}

fn encode(spec: &MachineSpec) -> Result<String> {
    serde_json::to_string(spec).map_err(|e| Error::internal(format!("encode machine: {e}")))
}

// ---- operations -------------------------------------------------------------------------------

/// Validates a spec, then checks it against the engine where that is known: a machine asking
/// for more CPUs than the host has could never start an instance.
async fn prepare(state: &State, spec: MachineSpec) -> Result<MachineSpec> {
    let spec = validate_spec(spec)?;
    if let (Some(cpus), Ok(docker)) = (spec.limits.cpus, state.engine.docker().await) {
        if let Ok(info) = docker.info().await {
            if let Some(host) = info.ncpu.filter(|n| *n > 0) {
                if cpus > host as f64 {
                    return Err(Error::invalid(format!(
                        "cpus {cpus} is more than this host's {host} CPU(s)"
                    )));
                }
            }
        }
    }
    Ok(spec)
}

/// Makes sure the engine has `image`, pulling it if not.
pub async fn ensure_image(state: &State, image: &str) -> Result<()> {
    let docker = state.engine.docker().await?;
    if containers::image_exists(&docker, image).await? {
        return Ok(());
    }
    tracing::info!(image, "pulling image");
    containers::pull_image(&docker, image, |_| {}).await
}

/// Pulls an image unless the engine has it, reporting progress; admins only. Returns whether it
/// pulled.
pub async fn pull(
    state: &State,
    caller: &Caller,
    image: &str,
    progress: impl FnMut(PullProgress),
) -> Result<bool> {
    caller.require_admin()?;
    validate_image(image)?;
    let docker = state.engine.docker().await?;
    if containers::image_exists(&docker, image).await? {
        return Ok(false);
    }
    containers::pull_image(&docker, image, progress).await?;
    Ok(true)
}

pub async fn list(state: &State, caller: &Caller) -> Result<Vec<Machine>> {
    let (all, owner) = viewer(caller);
    state
        .registry
        .call(move |conn| {
            let mut stmt = conn
                .prepare(&format!("{MACHINE_SELECT} ORDER BY m.name"))
                .context("list machines")?;
            let rows = stmt
                .query_map(params![all, owner], machine_from_row)
                .context("list machines")?
                .collect::<rusqlite::Result<Vec<_>>>()
                .context("list machines")?;
            rows.into_iter().map(to_api).collect()
        })
        .await
}

pub async fn show(state: &State, caller: &Caller, name: String) -> Result<Machine> {
    let viewer = viewer(caller);
    state
        .registry
        .call(move |conn| read_api(conn, &name, viewer))
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
            .call(move |conn| Ok(by_name(conn, &name).is_ok()))
            .await?
    };
    if exists {
        return Err(Error::AlreadyExists(format!(
            "machine `{name}` already exists"
        )));
    }
    if dry_run {
        return Ok(spec_to_api(spec, 0, String::new(), String::new()));
    }
    ensure_image(state, &spec.image).await?;
    let json = encode(&spec)?;
    state
        .registry
        .call(move |conn| {
            let now = now_ms();
            match conn.execute(
                "INSERT INTO machines (name, spec, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                params![name, json, now],
            ) {
                Ok(_) => read_api(conn, &name, ADMIN_VIEW),
                Err(e) if is_unique_violation(&e) => Err(Error::AlreadyExists(format!(
                    "machine `{name}` already exists"
                ))),
                Err(e) => Err(e).context("insert machine"),
            }
        })
        .await
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
            .call(move |conn| by_name(conn, &name))
            .await?
    };
    let spec = prepare(state, merge(stored.spec.clone(), change)).await?;
    if spec.image != stored.spec.image {
        ensure_image(state, &spec.image).await?;
    }
    write_spec(state, stored.id, spec).await
}

async fn write_spec(state: &State, id: i64, spec: MachineSpec) -> Result<Machine> {
    let json = encode(&spec)?;
    state
        .registry
        .call(move |conn| {
            conn.execute(
                "UPDATE machines SET spec = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, json, now_ms()],
            )
            .context("update machine")?;
            read_api(conn, &spec.name, ADMIN_VIEW)
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
    let stored = {
        let name = name.clone();
        state
            .registry
            .call(move |conn| match by_name(conn, &name) {
                Ok(s) => Ok(Some(s)),
                Err(Error::NotFound(_)) => Ok(None),
                Err(e) => Err(e),
            })
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
            }
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
            .call(move |conn| {
                let stored = by_name(conn, &name)?;
                let mut stmt = conn
                    .prepare("SELECT id FROM instances WHERE machine_id = ?1 ORDER BY id")
                    .context("list instances")?;
                let ids = stmt
                    .query_map([stored.id], |r| r.get::<_, String>(0))
                    .context("list instances")?
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .context("list instances")?;
                Ok((stored.id, ids))
            })
            .await?
    };
    if !instance_ids.is_empty() && !force {
        return Err(Error::conflict(format!(
            "machine `{name}` has {} instance(s); remove them first or use --force",
            instance_ids.len()
        )));
    }
    for instance in instance_ids {
        crate::instances::remove_by_id(state, &instance, false, "admin").await?;
    }
    state
        .registry
        .call(move |conn| {
            conn.execute("DELETE FROM machines WHERE id = ?1", [id])
                .map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _)
                        if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        Error::conflict(
                            "an instance of this machine was created meanwhile; try again",
                        )
                    }
                    e => Error::Registry {
                        context: "delete machine".into(),
                        source: e,
                    },
                })
                .map(|_| ())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsrc_shared::api::{Limits, MachinePort, Prop, Protocol, RestartPolicy};

    fn spec() -> MachineSpec {
        MachineSpec {
            name: "redis".into(),
            description: String::new(),
            image: "redis:7".into(),
            ports: vec![MachinePort {
                port: 6379,
                protocol: Protocol::Tcp,
            }],
            props: vec![],
            command: None,
            volumes: vec!["/data".into()],
            limits: Limits::default(),
            max_per_user: 2,
            active: true,
            connect: Some("redis://{host}:{port}".into()),
            restart: RestartPolicy::UnlessStopped,
        }
    }

    #[test]
    fn image_references() {
        for good in [
            "redis",
            "redis:7",
            "library/redis:7.2-alpine",
            "127.0.0.1:5000/rsrc-test-busybox:latest",
            "localhost/x",
            "ghcr.io/a/b__c/d-e.f:v1_2",
            &format!("redis@sha256:{}", "0".repeat(64)),
        ] {
            assert!(validate_image(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Redis",
            "redis:",
            "redis:-x",
            "re dis",
            "/redis",
            "redis/",
            "a//b",
            "redis@sha256:abc",
            "a..b",
            "host:99999/x",
        ] {
            assert!(validate_image(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn volume_paths() {
        assert!(validate_volume_path("/data").is_ok());
        assert!(validate_volume_path("/var/lib/postgresql/data").is_ok());
        for bad in ["data", "/", "/data/", "/a//b", "/a/../b", "/a/./b", "/a:b"] {
            assert!(validate_volume_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("256m").unwrap(), 256 << 20);
        assert_eq!(parse_memory("1g").unwrap(), 1 << 30);
        assert_eq!(parse_memory("1GB").unwrap(), 1 << 30);
        assert_eq!(parse_memory("10485760").unwrap(), 10 << 20);
        for bad in ["", "m", "12x", "1mm", "-5m", "1k", "99999999999999999g"] {
            assert!(parse_memory(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn specs_are_checked_field_by_field() {
        assert!(validate_spec(spec()).is_ok());
        type Mutation = Box<dyn Fn(&mut MachineSpec)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (Box::new(|s| s.name = "Bad_Name".into()), "name"),
            (Box::new(|s| s.ports[0].port = 0), "port"),
            (Box::new(|s| s.ports[0].port = 70000), "port"),
            (Box::new(|s| s.ports.push(s.ports[0].clone())), "twice"),
            (Box::new(|s| s.ports.clear()), "ports"),
            (
                Box::new(|s| {
                    s.props.push(Prop {
                        name: "lower".into(),
                        required: false,
                        default: None,
                        secret: false,
                    })
                }),
                "prop name",
            ),
            (Box::new(|s| s.volumes.push("/".into())), "volume path"),
            (
                Box::new(|s| s.limits.memory = Some("lots".into())),
                "memory",
            ),
            (Box::new(|s| s.limits.cpus = Some(0.0)), "cpus"),
            (Box::new(|s| s.limits.pids = Some(0)), "pids"),
            (Box::new(|s| s.max_per_user = 0), "max_per_user"),
            (
                Box::new(|s| s.connect = Some("x://{nope}".into())),
                "placeholder",
            ),
        ];
        for (mutate, field) in cases {
            let mut s = spec();
            mutate(&mut s);
            let err = validate_spec(s).unwrap_err().to_string();
            assert!(err.contains(field), "expected `{field}` in: {err}");
        }
    }

    #[test]
    fn connect_templates_may_not_reveal_secrets() {
        let mut s = spec();
        s.props.push(Prop {
            name: "PASSWORD".into(),
            required: true,
            default: None,
            secret: true,
        });
        s.connect = Some("redis://:{env.PASSWORD}@{host}:{port}".into());
        assert!(validate_spec(s).is_err());
    }
}
