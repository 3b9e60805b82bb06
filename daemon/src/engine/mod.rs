//! The engine: rsrcd's one connection to Docker (or Podman's Docker-compatible socket).
//!
//! It connects with bollard, negotiates the API version, and keeps watching: when Docker goes
//! away the daemon keeps serving everything that does not need it, and when Docker comes back the
//! engine reconnects and announces it, so that instances are reconciled. Only this module (and
//! its `containers` submodule) calls bollard.

pub mod containers;

use std::sync::Arc;
use std::time::Duration;

use bollard::Docker;
use rsrc_shared::api::DockerInfo;
use tokio::sync::{watch, RwLock};
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};

const RETRY: Duration = Duration::from_secs(2);
const HEALTH_CHECK: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    docker_host: Option<String>,
    docker: RwLock<Option<Docker>>,
    status: RwLock<DockerInfo>,
    /// Bumped on every (re)connection; watchers reconcile when it changes.
    generation: watch::Sender<u64>,
}

impl Engine {
    pub fn new(docker_host: Option<String>) -> Engine {
        let (generation, _) = watch::channel(0);
        Engine {
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

    /// The connected client, or `engine_unavailable`.
    pub async fn docker(&self) -> Result<Docker> {
        self.inner
            .docker
            .read()
            .await
            .clone()
            .ok_or(Error::EngineUnavailable(None))
    }

    pub async fn info(&self) -> DockerInfo {
        self.inner.status.read().await.clone()
    }

    /// Changes each time the engine (re)connects.
    pub fn connections(&self) -> watch::Receiver<u64> {
        self.inner.generation.subscribe()
    }

    /// Marks the connection lost, e.g. after a failed call showed Docker is gone.
    pub async fn mark_down(&self, why: String) {
        let mut docker = self.inner.docker.write().await;
        if docker.take().is_some() {
            tracing::warn!(error = %why, "lost the connection to Docker");
        }
        let mut status = self.inner.status.write().await;
        status.connected = false;
        status.error = Some(why);
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

    /// Keeps the connection up until `shutdown` flips: connects, pings, reconnects.
    pub async fn supervise(self, shutdown: CancellationToken) {
        let mut warned = false;
        loop {
            let connected = self.inner.docker.read().await.clone();
            let pause = match connected {
                Some(docker) => match docker.ping().await {
                    Ok(_) => HEALTH_CHECK,
                    Err(e) => {
                        self.mark_down(e.to_string()).await;
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
}
