//! The connection to Docker: made, with the API version negotiated, then pinged and remade by
//! [`DockerEngine::supervise`] for as long as the daemon runs. While there is none, every
//! operation fails with `engine_unavailable` and the rest of the daemon goes on serving.

use std::sync::Arc;
use std::time::Duration;

use bollard::Docker;
use rsrc_shared::api::DockerInfo;
use tokio::sync::{watch, RwLock};
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};

/// How soon a failed connection is tried again.
const RETRY: Duration = Duration::from_secs(2);
/// How often a connection is pinged.
const HEALTH_CHECK: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct DockerEngine {
    inner: Arc<Inner>,
}

struct Inner {
    docker_host: Option<String>,
    docker: RwLock<Option<Docker>>,
    status: RwLock<DockerInfo>,
    /// Bumped on every (re)connection.
    generation: watch::Sender<u64>,
}

impl DockerEngine {
    pub fn new(docker_host: Option<String>) -> DockerEngine {
        let (generation, _) = watch::channel(0);
        DockerEngine {
            inner: Arc::new(Inner {
                docker_host,
                docker: RwLock::new(None),
                status: RwLock::new(DockerInfo {
                    connected: false,
                    version: None,
                    api_version: None,
                    error: Some("not connected yet".into()),
                }),
                generation,
            }),
        }
    }

    pub(super) async fn docker(&self) -> Result<Docker> {
        self.inner
            .docker
            .read()
            .await
            .clone()
            .ok_or(Error::EngineUnavailable(None))
    }

    async fn connect(&self) -> std::result::Result<(), String> {
        let docker = match &self.inner.docker_host {
            Some(host) => Docker::connect_with_host(host),
            None => Docker::connect_with_defaults(),
        }
        .map_err(|e| e.to_string())?;
        let docker = docker
            .negotiate_version()
            .await
            .map_err(|e| e.to_string())?;
        let version = docker.version().await.map_err(|e| e.to_string())?;
        tracing::info!(
            version = version.version.as_deref().unwrap_or("?"),
            api = version.api_version.as_deref().unwrap_or("?"),
            client_api = %docker.client_version(),
            "connected to Docker"
        );
        *self.inner.status.write().await = DockerInfo {
            connected: true,
            version: version.version,
            api_version: version.api_version,
            error: None,
        };
        *self.inner.docker.write().await = Some(docker);
        self.inner.generation.send_modify(|g| *g += 1);
        Ok(())
    }

    /// Keeps the connection up until `shutdown`: connects, pings, reconnects.
    pub async fn supervise(self, shutdown: CancellationToken) {
        let mut warned = false;
        loop {
            let connected = self.inner.docker.read().await.clone();
            let pause = match connected {
                Some(docker) => match docker.ping().await {
                    Ok(_) => HEALTH_CHECK,
                    Err(e) => {
                        self.drop_connection(e.to_string()).await;
                        RETRY
                    }
                },
                None => match self.connect().await {
                    Ok(()) => {
                        warned = false;
                        HEALTH_CHECK
                    }
                    Err(e) => {
                        if !warned {
                            tracing::warn!(error = %e, "Docker is not reachable; serving accounts \
                                 and the registry, retrying in the background");
                            warned = true;
                        }
                        self.inner.status.write().await.error = Some(e);
                        RETRY
                    }
                },
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.cancelled() => return,
            }
        }
    }

    pub(super) async fn status(&self) -> DockerInfo {
        self.inner.status.read().await.clone()
    }

    pub(super) fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.generation.subscribe()
    }

    pub(super) fn docker_host(&self) -> Option<&str> {
        self.inner.docker_host.as_deref()
    }

    /// Forgets the connection after it failed, so that `supervise` makes a new one.
    pub(super) async fn drop_connection(&self, why: String) {
        let mut docker = self.inner.docker.write().await;
        if docker.take().is_some() {
            tracing::warn!(error = %why, "lost the connection to Docker");
        }
        let mut status = self.inner.status.write().await;
        status.connected = false;
        status.error = Some(why);
    }
}
