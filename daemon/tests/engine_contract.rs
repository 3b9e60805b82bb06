//! The engine contract (`rsrcd::engine::contract`) on the real Docker engine: the same cases the
//! fake passes in the lib's tests. Each case has its own daemon label, and its subject removes
//! every container, volume and network carrying it when dropped, also after a failed case.
//!
//! Needs Docker and the test image (`RSRC_TEST_IMAGE`, by default rsrc-test-busybox:latest);
//! without them the cases skip, unless RSRC_REQUIRE_DOCKER=1.

use std::any::Any;
use std::net::{IpAddr, TcpListener};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rsrcd::engine::contract::{Program, Subject};
use rsrcd::engine::docker::DockerEngine;
use rsrcd::engine::{Engine, LABEL_DAEMON};
use tokio_util::sync::CancellationToken;

fn test_image() -> String {
    std::env::var("RSRC_TEST_IMAGE").unwrap_or_else(|_| "rsrc-test-busybox:latest".into())
}

fn docker_quiet(args: &[&str]) -> Option<String> {
    let out = Command::new("docker")
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

struct DockerSubject {
    engine: DockerEngine,
    daemon_id: String,
    image: String,
    /// Stops the engine's connection supervisors.
    shutdown: CancellationToken,
}

impl Drop for DockerSubject {
    /// Through the CLI, so that it works in a panicking test as well as a passing one.
    fn drop(&mut self) {
        self.shutdown.cancel();
        for daemon in [self.daemon_id.clone(), self.other_daemon_id()] {
            let filter = format!("label={LABEL_DAEMON}={daemon}");
            let containers = docker_quiet(&["ps", "-aq", "--filter", &filter]).unwrap_or_default();
            for id in containers.split_whitespace() {
                let _ = docker_quiet(&["rm", "-f", "-v", id]);
            }
            let volumes =
                docker_quiet(&["volume", "ls", "-q", "--filter", &filter]).unwrap_or_default();
            for name in volumes.split_whitespace() {
                let _ = docker_quiet(&["volume", "rm", "-f", name]);
            }
            let networks =
                docker_quiet(&["network", "ls", "-q", "--filter", &filter]).unwrap_or_default();
            for id in networks.split_whitespace() {
                let _ = docker_quiet(&["network", "rm", id]);
            }
        }
        // Volumes the cases make are named after the daemon label (see `unique`).
        let _ = docker_quiet(&[
            "volume",
            "rm",
            "-f",
            &format!("rsrc-contract-vol-{}", self.daemon_id),
        ]);
    }
}

#[async_trait::async_trait]
impl Subject for DockerSubject {
    fn engine(&self) -> &dyn Engine {
        &self.engine
    }

    fn daemon_id(&self) -> &str {
        &self.daemon_id
    }

    fn image(&self) -> &str {
        &self.image
    }

    fn command(&self, _name: &str, program: &Program) -> Vec<String> {
        program.shell()
    }

    fn occupy(&self, ip: IpAddr, port: u16) -> Box<dyn Any + Send> {
        Box::new(TcpListener::bind((ip, port)).expect("hold a port"))
    }

    async fn unreachable(&self) -> Arc<dyn Engine> {
        let engine = DockerEngine::new(Some(format!(
            "unix:///nonexistent/rsrc-contract-{}.sock",
            self.daemon_id
        )));
        // Trying to connect, as the daemon's engine does, and failing.
        tokio::spawn(engine.clone().supervise(self.shutdown.clone()));
        tokio::time::sleep(Duration::from_millis(200)).await;
        Arc::new(engine)
    }
}

/// A connected Docker engine with a daemon label of its own; `None` (skip) without Docker.
async fn docker() -> Option<DockerSubject> {
    let image = test_image();
    if docker_quiet(&["image", "inspect", &image]).is_none() {
        if std::env::var("RSRC_REQUIRE_DOCKER").as_deref() == Ok("1") {
            panic!("Docker or the test image {image} is not available, and RSRC_REQUIRE_DOCKER=1");
        }
        eprintln!(
            "skipping: Docker or the test image is not available (scripts/test sets them up)"
        );
        return None;
    }
    let engine = DockerEngine::new(None);
    let shutdown = CancellationToken::new();
    let mut connections = engine.connections();
    tokio::spawn(engine.clone().supervise(shutdown.clone()));
    tokio::time::timeout(Duration::from_secs(20), connections.changed())
        .await
        .expect("connected to Docker in time")
        .expect("the engine's connection watch");
    let unique = format!(
        "contract-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    Some(DockerSubject {
        engine,
        daemon_id: unique,
        image,
        shutdown,
    })
}

rsrcd::engine_contract!(docker());
