//! rsrcd: the daemon that alone holds the Docker socket, keeps every record in one SQLite file
//! and serves the `/v1` API on a Unix socket.
//!
//! Layers, from the outside in: `http` (the listener and the route table with thin handlers),
//! `domain` (accounts, machines, instances, logs, events, feed, notify, uptime), then `registry`
//! (SQLite, the only module that knows it) and `engine` (Docker, or the in-memory fake).
//! `config`, `clock`, `error` and `systemd` serve them all.

pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod engine;
pub mod error;
pub mod http;
pub mod registry;
pub mod systemd;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::notify::outbox::Outbox;
use crate::engine::docker::DockerEngine;
use crate::engine::Engine;
use crate::registry::Registry;

/// Everything a request may need, shared by all of them.
pub struct State {
    pub config: Config,
    pub registry: Registry,
    pub engine: Arc<dyn Engine>,
    pub outbox: Outbox,
    /// This registry's identity, the value of the `io.rsrc.daemon` label on everything it makes.
    pub daemon_id: String,
    /// Creates and removes running right now, which reconciliation must not touch.
    pub in_flight: domain::instances::InFlight,
    /// Log reads without follow take turns per user ([`domain::logs::LogTurns`]).
    pub log_turns: domain::logs::LogTurns,
    /// The open streams of each session, ended when it is revoked.
    pub streams: domain::accounts::streams::OpenStreams,
    /// Cancelled once at SIGTERM or SIGINT (or by [`Daemon::stop`]): it ends the accept loop,
    /// the background tasks and the open streams, and from then on requests are refused.
    pub shutdown: CancellationToken,
    /// When this process began to serve (Unix ms): its run of rsrcd starts after it.
    pub started_at: i64,
}

impl State {
    pub fn new(
        config: Config,
        registry: Registry,
        engine: Arc<dyn Engine>,
        outbox: Outbox,
        daemon_id: String,
    ) -> State {
        let log_turns = domain::logs::LogTurns::new(config.limits.log_reads_per_user());
        State {
            config,
            registry,
            engine,
            outbox,
            daemon_id,
            in_flight: domain::instances::InFlight::default(),
            log_turns,
            streams: Default::default(),
            shutdown: CancellationToken::new(),
            started_at: clock::now_ms(),
        }
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutdown.is_cancelled()
    }
}

/// Opens the data dir and the registry; shared by the daemon and `rsrcd admin`.
pub fn open_registry(config: &Config) -> Result<Registry, StartError> {
    config::ensure_private_dir(&config.data_dir).map_err(|e| {
        StartError(format!(
            "cannot create data dir {}: {e}",
            config.data_dir.display()
        ))
    })?;
    Registry::open(&config.db_path()).map_err(|e| StartError(e.chain()))
}

/// Runs the daemon on Docker until SIGTERM or SIGINT, on `inherited` when systemd passed a
/// socket (`systemd::take_inherited_listener`), else on one it binds at `config.socket`.
/// Everything that belongs to the process rather than to a daemon is done here: the umask, the
/// signals and the service manager's notices.
pub async fn run(
    config: Config,
    inherited: Option<std::os::unix::net::UnixListener>,
) -> Result<(), StartError> {
    // The registry, its WAL and the outbox key hold hashes and sealed mail: nobody else's to
    // read. The socket's mode is set explicitly after bind.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    let engine = Arc::new(DockerEngine::new(config.docker_host.clone()));
    let shutdown = CancellationToken::new();
    let daemon = start(config, inherited, engine, shutdown.clone()).await?;
    let state = Arc::clone(daemon.state());
    let notices = [
        tokio::spawn(systemd::run_status(
            Arc::clone(&state.engine),
            shutdown.clone(),
        )),
        tokio::spawn(systemd::run_watchdog(
            state.registry.clone(),
            shutdown.clone(),
        )),
    ];
    // The socket accepted since it was bound (or since systemd made it): connections queue.
    systemd::ready();
    wait_for_signal().await;
    systemd::stopping();
    daemon.stop();
    daemon.wait().await;
    for task in notices {
        let _ = task.await;
    }
    Ok(())
}

/// Runs the daemon on `engine` until `shutdown` is cancelled: [`start`], then [`Daemon::wait`].
pub async fn run_with(
    config: Config,
    listener: Option<std::os::unix::net::UnixListener>,
    engine: Arc<dyn Engine>,
    shutdown: CancellationToken,
) -> Result<(), StartError> {
    start(config, listener, engine, shutdown)
        .await?
        .wait()
        .await;
    Ok(())
}

/// A daemon serving in this process, as [`start`] returns it.
pub struct Daemon {
    socket: std::path::PathBuf,
    state: Arc<State>,
    /// Ends once the daemon has stopped: server and background tasks done, registry closed.
    finished: tokio::task::JoinHandle<()>,
}

impl Daemon {
    /// The path clients connect to.
    pub fn socket(&self) -> &std::path::Path {
        &self.socket
    }

    pub fn state(&self) -> &Arc<State> {
        &self.state
    }

    /// Begins the shutdown (the same as cancelling the token `start` was given): no new
    /// connections, requests in flight finish.
    pub fn stop(&self) {
        self.state.shutdown.cancel();
    }

    /// Waits until the daemon has stopped, which it does once its shutdown token is cancelled.
    pub async fn wait(self) {
        if let Err(e) = self.finished.await {
            tracing::error!(error = %e, "the daemon's shutdown failed");
        }
    }
}

/// Starts the daemon on `engine`: opens the registry, serves `listener` (one systemd passed, or
/// else one bound at `config.socket`) and starts the background tasks. It returns once the socket
/// accepts; the daemon runs until `shutdown` is cancelled.
pub async fn start(
    config: Config,
    listener: Option<std::os::unix::net::UnixListener>,
    engine: Arc<dyn Engine>,
    shutdown: CancellationToken,
) -> Result<Daemon, StartError> {
    let registry = open_registry(&config)?;
    let outbox = Outbox::open(&config.data_dir).map_err(|e| StartError(e.chain()))?;
    let listener = match listener {
        Some(l) => http::server::Listener::inherit(l),
        None => http::server::Listener::bind(&config).await,
    }
    .map_err(|e| StartError(error_chain(&e)))?;
    // One daemon per data dir (two would both send the outbox), whatever their sockets.
    let data_dir_lock = match lock_data_dir(&config.data_dir) {
        Ok(lock) => lock,
        Err(e) => {
            listener.close();
            return Err(e);
        }
    };
    let socket = listener.path().unwrap_or_else(|| config.socket.clone());
    let from = if matches!(listener, http::server::Listener::Inherited { .. }) {
        "systemd"
    } else {
        "rsrcd"
    };
    tracing::info!(socket = %socket.display(), socket_from = from,
        data_dir = %config.data_dir.display(), "rsrcd {} listening", env!("CARGO_PKG_VERSION"));

    for warning in config
        .network
        .warnings(config.limits.max_instances_per_user)
    {
        tracing::warn!("{warning}");
    }
    let smtp = config.smtp.clone();
    let sms = config.sms.clone();
    let daemon_id = registry.daemon_id().map_err(|e| StartError(e.chain()))?;
    let mut state = State::new(
        config,
        registry.clone(),
        Arc::clone(&engine),
        outbox.clone(),
        daemon_id,
    );
    state.shutdown = shutdown.clone();
    let state = Arc::new(state);

    tokio::spawn(async {
        if let Err(e) = domain::accounts::warm_up().await {
            tracing::warn!(error = %e.chain(), "warming up the password hasher");
        }
    });
    let supervised = Arc::clone(&engine);
    let supervise_until = shutdown.clone();
    let tasks = vec![
        tokio::spawn(async move { supervised.supervise(supervise_until).await }),
        tokio::spawn(domain::notify::mail::run_sender(
            registry.clone(),
            outbox,
            smtp,
            shutdown.clone(),
        )),
        tokio::spawn(domain::notify::sms::run_sender(
            registry.clone(),
            state.outbox.clone(),
            sms,
            shutdown.clone(),
        )),
        tokio::spawn(domain::notify::alerts::run(
            Arc::clone(&state),
            shutdown.clone(),
        )),
        tokio::spawn(domain::instances::watch::run(
            Arc::clone(&state),
            shutdown.clone(),
        )),
        tokio::spawn(domain::instances::repair::run(
            Arc::clone(&state),
            shutdown.clone(),
        )),
        tokio::spawn(domain::uptime::upkeep::run(
            Arc::clone(&state),
            shutdown.clone(),
        )),
    ];

    let server = tokio::spawn(http::server::serve(
        listener,
        Arc::clone(&state),
        shutdown.clone(),
    ));
    let finished = tokio::spawn(async move {
        shutdown.cancelled().await;
        tracing::info!("shutting down: no new connections, finishing requests in flight");
        let _ = server.await;
        for task in tasks {
            let _ = task.await;
        }
        if let Err(e) = registry.close() {
            tracing::warn!(error = %e.chain(), "closing the registry");
        }
        // Held until the registry is closed: another daemon may take the data dir from here.
        drop(data_dir_lock);
        tracing::info!("stopped");
    });
    Ok(Daemon {
        socket,
        state,
        finished,
    })
}

fn lock_data_dir(dir: &std::path::Path) -> Result<nix::fcntl::Flock<std::fs::File>, StartError> {
    let path = dir.join("rsrcd.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StartError(format!("cannot open {}: {e}", path.display())))?;
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock).map_err(|_| {
        StartError(format!(
            "another rsrcd is already using the data dir {}",
            dir.display()
        ))
    })
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot install signal handlers; stop rsrcd with SIGKILL");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

pub use error::chain as error_chain;

/// Why the daemon could not start (or an offline admin command failed): one message, printed
/// once by main.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

#[cfg(test)]
mod tests {
    /// The `[Unit]` settings of a systemd unit file: (key, value), comments left out.
    fn unit_settings(text: &str) -> Vec<(&str, &str)> {
        let mut in_unit = false;
        let mut out = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                in_unit = line == "[Unit]";
            } else if in_unit && !line.starts_with(['#', ';']) {
                if let Some((k, v)) = line.split_once('=') {
                    out.push((k.trim(), v.trim()));
                }
            }
        }
        out
    }

    /// rsrcd keeps serving accounts and the registry while Docker is down, so Docker stopping
    /// must not stop it: ordered after Docker and wanting it, never requiring or bound to it.
    #[test]
    fn the_service_does_not_stop_with_docker() {
        let settings = unit_settings(include_str!("../../contrib/systemd/rsrcd.service"));
        let mentions = |key: &str| {
            settings
                .iter()
                .any(|(k, v)| *k == key && v.split_whitespace().any(|u| u == "docker.service"))
        };
        for key in ["Requires", "Requisite", "BindsTo", "PartOf"] {
            assert!(
                !mentions(key),
                "{key}=docker.service stops rsrcd with Docker"
            );
        }
        assert!(mentions("After"), "rsrcd should start after Docker");
        assert!(mentions("Wants"), "rsrcd should pull Docker in");
    }
}
