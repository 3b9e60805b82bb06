//! [`Engine`] on Docker's API through bollard: the only module that names bollard.
//!
//! `connection` connects, negotiates the API version (Docker 20.10 speaks 1.41; newer engines
//! and Podman's compatible socket more), and keeps watching: when Docker goes away the daemon
//! keeps serving everything that does not need it, and when Docker comes back the engine
//! reconnects and announces it, so that instances are reconciled. `convert` turns rsrc's types
//! into Docker's and back; `logs` and `demux` read the log stream.

mod connection;
mod convert;
mod demux;
mod df;
mod exec;
mod logs;
mod network;

pub use connection::DockerEngine;

use std::collections::HashMap;
use std::time::Duration;

use crate::engine::image::ImageRef;
use bollard::models::VolumeCreateRequest;
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, EventsOptionsBuilder,
    ListContainersOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder,
    RemoveVolumeOptionsBuilder, RestartContainerOptionsBuilder, StopContainerOptionsBuilder,
};
use futures_util::StreamExt;
use rsrc_shared::api::{DockerInfo, PullProgress};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::{
    ContainerSpec, Engine, EventStream, Listed, LogRange, LogStream, Observed, PullReporter,
    LABEL_DAEMON, LOG_BYTES_MAX,
};
use super::{NetworkCreated, NetworkInfo, NetworkSpec};
use crate::error::{EngineCause, Error, Result};

/// How long a stop or restart request may take: the longest stop timeout a machine may set,
/// and then some.
const STOP_CALL_TIMEOUT: Duration = Duration::from_secs(super::MAX_STOP_TIMEOUT_SECS + 60);

/// How long a remove waits for one the engine already has in progress.
const REMOVAL_WAIT: Duration = Duration::from_secs(30);

fn cause(e: bollard::errors::Error) -> EngineCause {
    EngineCause(Box::new(e))
}

/// Maps a bollard error: a 404 is `not_found`, a transport failure `engine_unavailable`.
fn engine_err(context: impl Into<String>) -> impl FnOnce(bollard::errors::Error) -> Error {
    let context = context.into();
    move |source| match &source {
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        } => Error::NotFound(context),
        bollard::errors::Error::HyperResponseError { .. }
        | bollard::errors::Error::IOError { .. }
        | bollard::errors::Error::RequestTimeoutError => {
            Error::EngineUnavailable(Some(cause(source)))
        }
        _ => Error::Engine {
            context,
            source: cause(source),
        },
    }
}

fn is_status(err: &bollard::errors::Error, code: u16) -> bool {
    matches!(err, bollard::errors::Error::DockerResponseServerError { status_code, .. } if *status_code == code)
}

#[async_trait::async_trait]
impl Engine for DockerEngine {
    async fn info(&self) -> DockerInfo {
        self.status().await
    }

    async fn available(&self) -> Result<()> {
        self.docker().await.map(drop)
    }

    fn connections(&self) -> watch::Receiver<u64> {
        self.subscribe()
    }

    async fn mark_down(&self, why: String) {
        self.drop_connection(why).await;
    }

    async fn supervise(&self, shutdown: CancellationToken) {
        DockerEngine::supervise(self.clone(), shutdown).await;
    }

    async fn host_cpus(&self) -> Result<Option<u32>> {
        let info = self
            .docker()
            .await?
            .info()
            .await
            .map_err(engine_err("cannot read the engine's info"))?;
        Ok(info
            .ncpu
            .filter(|n| *n > 0)
            .and_then(|n| u32::try_from(n).ok()))
    }

    async fn image_exists(&self, image: &str) -> Result<bool> {
        match self.docker().await?.inspect_image(image).await {
            Ok(_) => Ok(true),
            Err(e) if is_status(&e, 404) => Ok(false),
            Err(e) => Err(engine_err(format!("cannot inspect image {image}"))(e)),
        }
    }

    async fn image_has_command(&self, image: &str) -> Result<Option<bool>> {
        match self.docker().await?.inspect_image(image).await {
            Ok(inspect) => {
                let config = inspect.config.unwrap_or_default();
                let given = |v: Option<Vec<String>>| v.is_some_and(|v| !v.is_empty());
                Ok(Some(given(config.cmd) || given(config.entrypoint)))
            }
            Err(e) if is_status(&e, 404) => Ok(None),
            Err(e) => Err(engine_err(format!("cannot inspect image {image}"))(e)),
        }
    }

    async fn pull_image(&self, image: &str, progress: PullReporter<'_>) -> Result<()> {
        let docker = self.docker().await?;
        // A reference without a tag or digest would pull every tag.
        let (from_image, tag) = ImageRef::parse(image)
            .map_err(|why| {
                Error::invalid(format!("image `{image}` is not a valid reference: {why}"))
            })?
            .pull_args();
        let options = CreateImageOptionsBuilder::default()
            .from_image(&from_image)
            .tag(&tag)
            .build();
        let mut stream = docker.create_image(Some(options), None, None);
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| match e {
                // Keep Docker's reason (e.g. "manifest unknown"): a bare "not found" does not
                // say whether the registry, the repository or the tag is wrong.
                bollard::errors::Error::DockerResponseServerError {
                    status_code: 404,
                    message,
                } => Error::NotFound(format!("cannot pull {image}: {message}")),
                e => engine_err(format!("cannot pull {image}"))(e),
            })?;
            if let Some(detail) = info.error_detail {
                let reason = detail.message.unwrap_or_default();
                let message = format!("cannot pull {image}: {reason}");
                // Docker reports pull failures as text only. A reference the registry does not
                // know is the caller's mistake (exit 2); anything else (network, disk) a failure.
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
        if self.image_exists(image).await? {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "pulled {image}, but the engine does not have it"
            )))
        }
    }

    async fn create_volume(&self, name: &str, labels: HashMap<String, String>) -> Result<()> {
        self.docker()
            .await?
            .create_volume(VolumeCreateRequest {
                name: Some(name.to_string()),
                labels: Some(labels),
                ..Default::default()
            })
            .await
            .map(|_| ())
            .map_err(engine_err(format!("cannot create volume {name}")))
    }

    async fn remove_volume(&self, name: &str) -> Result<()> {
        match self
            .docker()
            .await?
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

    async fn volume_labels(&self, name: &str) -> Result<Option<HashMap<String, String>>> {
        match self.docker().await?.inspect_volume(name).await {
            Ok(volume) => Ok(Some(volume.labels)),
            Err(e) if is_status(&e, 404) => Ok(None),
            Err(e) => Err(engine_err(format!("cannot inspect volume {name}"))(e)),
        }
    }

    async fn volume_sizes(&self) -> Result<HashMap<String, i64>> {
        let docker = self.docker().await?;
        df::volume_sizes(&docker, logs::unix_socket(self.docker_host())).await
    }

    async fn create_container(&self, spec: ContainerSpec) -> Result<String> {
        let docker = self.docker().await?;
        let name = spec.name.clone();
        let body = convert::container_body(spec);
        let options = CreateContainerOptionsBuilder::default().name(&name).build();
        docker
            .create_container(Some(options), body)
            .await
            .map(|r| r.id)
            .map_err(engine_err(format!("cannot create container {name}")))
    }

    async fn start(&self, container: &str) -> Result<()> {
        match self.docker().await?.start_container(container, None).await {
            Ok(()) => Ok(()),
            // 304: already running.
            Err(e) if is_status(&e, 304) => Ok(()),
            Err(e) => Err(engine_err(format!("cannot start container {container}"))(e)),
        }
    }

    async fn stop(&self, container: &str) -> Result<()> {
        // No `t`: the container's own StopTimeout (its machine's), else Docker's 10 s. The
        // request lasts as long as the stop, which may be longer than the client's default.
        let options = StopContainerOptionsBuilder::default().build();
        match self
            .docker()
            .await?
            .with_timeout(STOP_CALL_TIMEOUT)
            .stop_container(container, Some(options))
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if is_status(&e, 304) => Ok(()),
            Err(e) => Err(engine_err(format!("cannot stop container {container}"))(e)),
        }
    }

    async fn restart(&self, container: &str) -> Result<()> {
        let options = RestartContainerOptionsBuilder::default().build();
        self.docker()
            .await?
            .with_timeout(STOP_CALL_TIMEOUT)
            .restart_container(container, Some(options))
            .await
            .map_err(engine_err(format!("cannot restart container {container}")))
    }

    async fn remove_container(&self, id: &str) -> Result<()> {
        let options = RemoveContainerOptionsBuilder::default().force(true).build();
        let docker = self.docker().await?;
        match docker.remove_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) if is_status(&e, 404) => Ok(()),
            // A remove that an earlier rsrcd started (and was killed in) is still at work:
            // that is progress to wait for, not a failure.
            Err(e) if is_status(&e, 409) && e.to_string().contains("already in progress") => {
                let deadline = tokio::time::Instant::now() + REMOVAL_WAIT;
                while tokio::time::Instant::now() < deadline {
                    match docker.inspect_container(id, None).await {
                        Err(e) if is_status(&e, 404) => return Ok(()),
                        Err(e) => return Err(engine_err(format!("cannot inspect {id}"))(e)),
                        Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                    }
                }
                Err(Error::conflict(format!(
                    "the engine is still removing container {id}; try again in a moment"
                )))
            }
            Err(e) => Err(engine_err(format!("cannot remove container {id}"))(e)),
        }
    }

    async fn inspect(&self, container: &str) -> Result<Option<Observed>> {
        let info = match self
            .docker()
            .await?
            .inspect_container(container, None)
            .await
        {
            Ok(info) => info,
            Err(e) if is_status(&e, 404) => return Ok(None),
            Err(e) => return Err(engine_err(format!("cannot inspect {container}"))(e)),
        };
        Ok(Some(convert::observed(info)))
    }

    async fn labelled_containers(&self, daemon_id: &str) -> Result<Vec<Listed>> {
        let filters = HashMap::from([("label", vec![format!("{LABEL_DAEMON}={daemon_id}")])]);
        let options = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&filters)
            .build();
        let list = self
            .docker()
            .await?
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

    async fn env(&self, container: &str) -> Result<Vec<String>> {
        let info = self
            .docker()
            .await?
            .inspect_container(container, None)
            .await
            .map_err(|e| {
                if is_status(&e, 404) {
                    Error::not_found(format!("no container {container}"))
                } else {
                    engine_err(format!("cannot inspect {container}"))(e)
                }
            })?;
        Ok(info.config.and_then(|c| c.env).unwrap_or_default())
    }

    async fn last_lines(&self, container: &str, tail: usize) -> Result<Vec<String>> {
        let options = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .tail(&tail.to_string())
            .build();
        let docker = self.docker().await?;
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

    async fn log_stream(&self, container: &str, range: LogRange) -> Result<LogStream> {
        let docker = self.docker().await?;
        match logs::unix_socket(self.docker_host()) {
            Some(socket) => logs::raw(&docker, socket, container, range).await,
            None => Ok(logs::stream(&docker, container, range)),
        }
    }

    async fn events(&self, daemon_id: &str, since: i64, until: Option<i64>) -> Result<EventStream> {
        let docker = self.docker().await?;
        let filters = HashMap::from([
            ("type", vec!["container".to_string()]),
            ("label", vec![format!("{LABEL_DAEMON}={daemon_id}")]),
        ]);
        let mut options = EventsOptionsBuilder::default()
            .filters(&filters)
            .since(&since.to_string());
        if let Some(until) = until {
            options = options.until(&until.to_string());
        }
        let options = options.build();
        let stream = docker.events(Some(options)).filter_map(|item| async move {
            match item {
                Ok(message) => convert::to_event(message).map(Ok),
                Err(e) => Some(Err(engine_err("the event stream broke")(e))),
            }
        });
        Ok(stream.boxed())
    }

    async fn create_network(&self, spec: NetworkSpec) -> Result<NetworkCreated> {
        network::create(self, spec).await
    }

    async fn inspect_network(&self, name: &str) -> Result<Option<NetworkInfo>> {
        network::inspect(self, name).await
    }

    async fn remove_network(&self, name: &str) -> Result<()> {
        network::remove(self, name).await
    }

    async fn labelled_networks(&self, daemon_id: &str) -> Result<Vec<NetworkInfo>> {
        network::labelled(self, daemon_id).await
    }

    async fn exec(
        &self,
        container: &str,
        spec: super::exec::ExecSpec,
    ) -> Result<super::exec::ExecSession> {
        exec::start(self, container, spec).await
    }

    async fn exec_status(&self, id: &str) -> Result<super::exec::ExecStatus> {
        exec::status(self, id).await
    }

    async fn exec_resize(&self, id: &str, rows: u16, cols: u16) -> Result<()> {
        exec::resize(self, id, rows, cols).await
    }
}
