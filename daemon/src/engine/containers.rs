//! Container, volume and image operations. Every container and volume rsrc makes carries its
//! labels, and every listing filters on this daemon's label, so rsrc never sees or touches
//! anything else on the host.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, ContainerStateStatusEnum, EventMessage, HostConfig, Mount, MountType,
    PortBinding, RestartPolicy, RestartPolicyNameEnum, VolumeCreateRequest,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, EventsOptionsBuilder,
    ListContainersOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
    RemoveVolumeOptionsBuilder, RestartContainerOptionsBuilder, StopContainerOptionsBuilder,
};
use bollard::Docker;
use futures_util::{Stream, StreamExt};
use rsrc_shared::api::{PullProgress, RestartPolicy as Restart};

use crate::error::{Error, Result};

pub const LABEL_INSTANCE: &str = "io.rsrc.instance";
pub const LABEL_OWNER: &str = "io.rsrc.owner";
pub const LABEL_MACHINE: &str = "io.rsrc.machine";
pub const LABEL_DAEMON: &str = "io.rsrc.daemon";
pub const LABEL_PATH: &str = "io.rsrc.path";

/// The most log output one request reads into memory.
pub const LOG_BYTES_MAX: usize = 4 * 1024 * 1024;

/// How long Docker waits for a container to stop before it kills it.
pub const STOP_TIMEOUT_SECS: i32 = 10;

/// Maps a bollard error: a 404 is `not_found`, a transport failure `engine_unavailable`.
pub fn engine_err(context: impl Into<String>) -> impl FnOnce(bollard::errors::Error) -> Error {
    let context = context.into();
    move |source| match &source {
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        } => Error::NotFound(context),
        bollard::errors::Error::HyperResponseError { .. }
        | bollard::errors::Error::IOError { .. }
        | bollard::errors::Error::RequestTimeoutError => Error::EngineUnavailable(Some(source)),
        _ => Error::Engine { context, source },
    }
}

fn is_status(err: &bollard::errors::Error, code: u16) -> bool {
    matches!(err, bollard::errors::Error::DockerResponseServerError { status_code, .. } if *status_code == code)
}

/// What the instances module asks the engine to create.
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    pub command: Option<Vec<String>>,
    pub env: Vec<String>,
    pub labels: HashMap<String, String>,
    /// (container port, protocol, host port)
    pub ports: Vec<(u32, &'static str, u32)>,
    pub bind_address: String,
    /// (volume name, container path)
    pub volumes: Vec<(String, String)>,
    pub memory: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub pids: Option<i64>,
    pub restart: Restart,
}

pub async fn image_exists(docker: &Docker, image: &str) -> Result<bool> {
    match docker.inspect_image(image).await {
        Ok(_) => Ok(true),
        Err(e) if is_status(&e, 404) => Ok(false),
        Err(e) => Err(engine_err(format!("cannot inspect image {image}"))(e)),
    }
}

/// Pulls `image`, reporting each progress message. A failed pull leaves nothing behind.
pub async fn pull_image(
    docker: &Docker,
    image: &str,
    mut progress: impl FnMut(PullProgress),
) -> Result<()> {
    // A reference without a tag or digest would pull every tag.
    let (from_image, tag) = split_tag(image);
    let options = CreateImageOptionsBuilder::default()
        .from_image(from_image)
        .tag(tag)
        .build();
    let mut stream = docker.create_image(Some(options), None, None);
    while let Some(item) = stream.next().await {
        let info = item.map_err(|e| match e {
            // Keep Docker's reason (e.g. "manifest unknown"): a bare "not found" does not say
            // whether the registry, the repository or the tag is wrong.
            bollard::errors::Error::DockerResponseServerError {
                status_code: 404,
                message,
            } => Error::NotFound(format!("cannot pull {image}: {message}")),
            e => engine_err(format!("cannot pull {image}"))(e),
        })?;
        if let Some(detail) = info.error_detail {
            let reason = detail.message.unwrap_or_default();
            let message = format!("cannot pull {image}: {reason}");
            // Docker reports pull failures as text only. A reference the registry does not know
            // is the caller's mistake (exit 2); anything else (network, disk) is a failure.
            let unknown = [
                "not found",
                "manifest unknown",
                "does not exist",
                "repository name",
            ]
            .iter()
            .any(|m| reason.to_ascii_lowercase().contains(m));
            return Err(if unknown {
                Error::Invalid(message)
            } else {
                Error::EngineRefused(message)
            });
        }
        let (current, total) = info
            .progress_detail
            .map(|d| (d.current, d.total))
            .unwrap_or_default();
        progress(PullProgress {
            id: info.id,
            status: info.status,
            current,
            total,
            done: false,
            error: None,
        });
    }
    if image_exists(docker, image).await? {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "pulled {image}, but the engine does not have it"
        )))
    }
}

/// `repo:tag` → (`repo`, `tag`); `repo@sha256:..` stays whole with an empty tag; no tag → latest.
fn split_tag(image: &str) -> (&str, &str) {
    if image.contains('@') {
        return (image, "");
    }
    let last_slash = image.rfind('/').map(|i| i + 1).unwrap_or(0);
    match image[last_slash..].rfind(':') {
        Some(i) => (&image[..last_slash + i], &image[last_slash + i + 1..]),
        None => (image, "latest"),
    }
}

pub async fn create_volume(
    docker: &Docker,
    name: &str,
    labels: HashMap<String, String>,
) -> Result<()> {
    docker
        .create_volume(VolumeCreateRequest {
            name: Some(name.to_string()),
            labels: Some(labels),
            ..Default::default()
        })
        .await
        .map(|_| ())
        .map_err(engine_err(format!("cannot create volume {name}")))
}

/// Removes a volume; a missing one is fine. A volume in use is a conflict.
pub async fn remove_volume(docker: &Docker, name: &str) -> Result<()> {
    match docker
        .remove_volume(name, Some(RemoveVolumeOptionsBuilder::default().build()))
        .await
    {
        Ok(()) => Ok(()),
        Err(e) if is_status(&e, 404) => Ok(()),
        Err(e) if is_status(&e, 409) => Err(Error::conflict(format!(
            "volume {name} is in use by a container"
        ))),
        Err(e) => Err(engine_err(format!("cannot remove volume {name}"))(e)),
    }
}

/// Volumes of this daemon, with sizes where the engine reports them (API ≥ 1.42 via df).
pub async fn volume_sizes(docker: &Docker) -> HashMap<String, i64> {
    let mut sizes = HashMap::new();
    if let Ok(df) = docker.df(None).await {
        for item in df.volume_usage.and_then(|u| u.items).unwrap_or_default() {
            let name = item.get("Name").and_then(|v| v.as_str());
            let size = item
                .get("UsageData")
                .and_then(|u| u.get("Size"))
                .and_then(|s| s.as_i64());
            if let (Some(name), Some(size)) = (name, size) {
                if size >= 0 {
                    sizes.insert(name.to_string(), size);
                }
            }
        }
    }
    sizes
}

pub async fn create_container(docker: &Docker, spec: ContainerSpec) -> Result<String> {
    let mut port_bindings = HashMap::new();
    let mut exposed = Vec::new();
    for (container_port, protocol, host_port) in &spec.ports {
        let key = format!("{container_port}/{protocol}");
        exposed.push(key.clone());
        port_bindings.insert(
            key,
            Some(vec![PortBinding {
                host_ip: Some(spec.bind_address.clone()),
                // Pinned: an empty host port would change on every start.
                host_port: Some(host_port.to_string()),
            }]),
        );
    }
    let mounts = spec
        .volumes
        .iter()
        .map(|(name, path)| Mount {
            target: Some(path.clone()),
            source: Some(name.clone()),
            typ: Some(MountType::VOLUME),
            ..Default::default()
        })
        .collect();
    let restart = match spec.restart {
        Restart::No => RestartPolicyNameEnum::NO,
        Restart::OnFailure => RestartPolicyNameEnum::ON_FAILURE,
        Restart::UnlessStopped => RestartPolicyNameEnum::UNLESS_STOPPED,
    };
    let body = ContainerCreateBody {
        image: Some(spec.image.clone()),
        cmd: spec.command.clone(),
        env: Some(spec.env),
        labels: Some(spec.labels),
        exposed_ports: Some(exposed),
        host_config: Some(HostConfig {
            port_bindings: Some(port_bindings),
            mounts: Some(mounts),
            init: Some(true),
            restart_policy: Some(RestartPolicy {
                name: Some(restart),
                maximum_retry_count: None,
            }),
            memory: spec.memory,
            nano_cpus: spec.nano_cpus,
            pids_limit: spec.pids,
            ..Default::default()
        }),
        ..Default::default()
    };
    let options = CreateContainerOptionsBuilder::default()
        .name(&spec.name)
        .build();
    docker
        .create_container(Some(options), body)
        .await
        .map(|r| r.id)
        .map_err(engine_err(format!("cannot create container {}", spec.name)))
}

pub async fn start(docker: &Docker, container: &str) -> Result<()> {
    match docker.start_container(container, None).await {
        Ok(()) => Ok(()),
        // 304: already running.
        Err(e) if is_status(&e, 304) => Ok(()),
        Err(e) => Err(engine_err(format!("cannot start container {container}"))(e)),
    }
}

pub async fn stop(docker: &Docker, container: &str) -> Result<()> {
    let options = StopContainerOptionsBuilder::default()
        .t(STOP_TIMEOUT_SECS)
        .build();
    match docker.stop_container(container, Some(options)).await {
        Ok(()) => Ok(()),
        Err(e) if is_status(&e, 304) => Ok(()),
        Err(e) => Err(engine_err(format!("cannot stop container {container}"))(e)),
    }
}

pub async fn restart(docker: &Docker, container: &str) -> Result<()> {
    let options = RestartContainerOptionsBuilder::default()
        .t(STOP_TIMEOUT_SECS)
        .build();
    docker
        .restart_container(container, Some(options))
        .await
        .map_err(engine_err(format!("cannot restart container {container}")))
}

/// Removes a container, stopping it if needed; a missing one is fine. Private: outside this
/// module a container is removed only through [`remove_instance_container`], which checks labels.
async fn remove(docker: &Docker, container: &str) -> Result<()> {
    let options = RemoveContainerOptionsBuilder::default().force(true).build();
    match docker.remove_container(container, Some(options)).await {
        Ok(()) => Ok(()),
        Err(e) if is_status(&e, 404) => Ok(()),
        Err(e) => Err(engine_err(format!("cannot remove container {container}"))(
            e,
        )),
    }
}

/// Removes the container of instance `instance_id`, found by id or name, only if it carries this
/// daemon's labels for that instance. A missing one is fine; anything else that has the name
/// (a container made by hand after the instance's own vanished) is left alone.
pub async fn remove_instance_container(
    docker: &Docker,
    container: &str,
    daemon_id: &str,
    instance_id: &str,
) -> Result<()> {
    match inspect(docker, container).await? {
        None => Ok(()),
        Some(o) if o.belongs_to(daemon_id, instance_id) => remove(docker, &o.id).await,
        Some(o) => {
            tracing::warn!(container, id = %o.id, instance = instance_id,
                "not removing a container without this instance's labels");
            Ok(())
        }
    }
}

/// The state of a container as rsrc records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub id: String,
    pub status: String,
    pub running: bool,
    pub exit_code: Option<i64>,
    pub oom_killed: bool,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub labels: HashMap<String, String>,
}

impl Observed {
    /// Whether the container carries this daemon's labels for instance `instance_id`.
    pub fn belongs_to(&self, daemon_id: &str, instance_id: &str) -> bool {
        self.labels.get(LABEL_DAEMON).map(String::as_str) == Some(daemon_id)
            && self.labels.get(LABEL_INSTANCE).map(String::as_str) == Some(instance_id)
    }
}

/// Inspects a container; `None` when it does not exist.
pub async fn inspect(docker: &Docker, container: &str) -> Result<Option<Observed>> {
    let info = match docker.inspect_container(container, None).await {
        Ok(info) => info,
        Err(e) if is_status(&e, 404) => return Ok(None),
        Err(e) => return Err(engine_err(format!("cannot inspect {container}"))(e)),
    };
    let state = info.state.unwrap_or_default();
    let status = match state.status {
        Some(ContainerStateStatusEnum::RUNNING) => "running",
        Some(ContainerStateStatusEnum::RESTARTING) => "restarting",
        Some(ContainerStateStatusEnum::PAUSED) => "paused",
        Some(ContainerStateStatusEnum::CREATED) => "created",
        Some(ContainerStateStatusEnum::DEAD) => "dead",
        Some(ContainerStateStatusEnum::REMOVING) => "removing",
        _ => "exited",
    };
    Ok(Some(Observed {
        id: info.id.unwrap_or_default(),
        status: status.to_string(),
        running: state.running.unwrap_or(false),
        exit_code: state.exit_code,
        oom_killed: state.oom_killed.unwrap_or(false),
        started_at: state.started_at,
        finished_at: state.finished_at.filter(|f| !f.starts_with("0001-")),
        labels: info.config.and_then(|c| c.labels).unwrap_or_default(),
    }))
}

/// The container's own IP address on its first network, when it has one.
pub async fn address(docker: &Docker, container: &str) -> Result<Option<std::net::IpAddr>> {
    let info = docker
        .inspect_container(container, None)
        .await
        .map_err(engine_err(format!("no container {container}")))?;
    let settings = info.network_settings.unwrap_or_default();
    let from_networks = settings
        .networks
        .unwrap_or_default()
        .into_values()
        .filter_map(|n| n.ip_address)
        .find(|ip| !ip.is_empty());
    Ok(from_networks.and_then(|ip| ip.parse().ok()))
}

/// A labelled container, as listed.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub state: String,
    pub labels: HashMap<String, String>,
}

/// Every container carrying this daemon's label, running or not.
pub async fn labelled_containers(docker: &Docker, daemon_id: &str) -> Result<Vec<Listed>> {
    let filters = HashMap::from([("label", vec![format!("{LABEL_DAEMON}={daemon_id}")])]);
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let list = docker
        .list_containers(Some(options))
        .await
        .map_err(engine_err("cannot list containers"))?;
    Ok(list
        .into_iter()
        .map(|c| Listed {
            id: c.id.unwrap_or_default(),
            name: c
                .names
                .and_then(|n| n.into_iter().next())
                .map(|n| n.trim_start_matches('/').to_string())
                .unwrap_or_default(),
            state: c.state.map(|s| s.to_string()).unwrap_or_default(),
            labels: c.labels.unwrap_or_default(),
        })
        .collect())
}

/// The last `tail` lines of a container's output.
pub async fn last_lines(docker: &Docker, container: &str, tail: usize) -> Result<Vec<String>> {
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .tail(&tail.to_string())
        .build();
    let mut stream = docker.logs(container, Some(options));
    let mut text: Vec<u8> = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(engine_err(format!("cannot read logs of {container}")))?;
        text.extend_from_slice(&chunk.into_bytes());
        // The container decides how long its lines are: keep only the newest bytes.
        if text.len() > 2 * LOG_BYTES_MAX {
            text.drain(..text.len() - LOG_BYTES_MAX);
        }
    }
    if text.len() > LOG_BYTES_MAX {
        text.drain(..text.len() - LOG_BYTES_MAX);
    }
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .map(str::to_string)
        .collect())
}

/// Docker's events for this daemon's containers, from `since` (Unix seconds) on.
pub fn events(
    docker: &Docker,
    daemon_id: &str,
    since: Option<i64>,
) -> impl Stream<Item = std::result::Result<EventMessage, bollard::errors::Error>> {
    let filters = HashMap::from([
        ("type", vec!["container".to_string()]),
        ("label", vec![format!("{LABEL_DAEMON}={daemon_id}")]),
    ]);
    let mut builder = EventsOptionsBuilder::default().filters(&filters);
    if let Some(since) = since {
        builder = builder.since(&since.to_string());
    }
    docker.events(Some(builder.build()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_like_docker() {
        assert_eq!(split_tag("redis"), ("redis", "latest"));
        assert_eq!(split_tag("redis:7"), ("redis", "7"));
        assert_eq!(
            split_tag("127.0.0.1:5000/x/y:1.0"),
            ("127.0.0.1:5000/x/y", "1.0")
        );
        assert_eq!(
            split_tag("127.0.0.1:5000/x/y"),
            ("127.0.0.1:5000/x/y", "latest")
        );
        let digest = format!("redis@sha256:{}", "a".repeat(64));
        assert_eq!(split_tag(&digest), (digest.as_str(), ""));
    }
}
