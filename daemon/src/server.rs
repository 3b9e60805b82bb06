//! The Unix socket server: the listener (a socket rsrcd binds, replacing a stale one and refusing
//! a live one), HTTP/1.1 with hyper, and a graceful shutdown. It knows nothing of routes or the
//! registry.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{UnixListener, UnixStream};
use tokio_util::sync::CancellationToken;

use crate::accounts::Peer;
use crate::config::Config;
use crate::State;

const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error("another rsrcd is already serving {0}")]
    InUse(PathBuf),
    #[error("{0} exists and is not a socket; refusing to replace it (check the `socket` setting)")]
    NotASocket(PathBuf),
    #[error("cannot prepare socket {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the socket's directory {dir} belongs to uid {owner}; refusing to serve from it")]
    ForeignDir { dir: PathBuf, owner: u32 },
    #[error("socket_group `{0}` does not exist")]
    NoGroup(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BindError + '_ {
    move |source| BindError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Makes sure the socket's directory exists and is ours (or root's). Under a shared directory
/// such as /tmp, a directory made first by another user would let them swap the socket.
fn prepare_socket_dir(dir: &Path) -> Result<(), BindError> {
    use std::os::unix::fs::MetadataExt;
    if !dir.exists() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        // The system daemon's users reach the socket through its own mode and group; a per-user
        // daemon's directory is nobody else's business.
        let mode = if rsrc_shared::paths::running_as_root() {
            0o755
        } else {
            0o700
        };
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
            .map_err(io_err(dir))?;
    }
    // Every directory on the way, as written and as resolved, and any symlink in it: whoever
    // owns one of them could move or replace what is below it.
    let resolved = std::fs::canonicalize(dir).map_err(io_err(dir))?;
    for path in dir.ancestors().chain(resolved.ancestors()) {
        if path.as_os_str().is_empty() {
            continue;
        }
        let owner = std::fs::symlink_metadata(path).map_err(io_err(path))?.uid();
        if owner != 0 && Some(owner) != rsrc_shared::paths::effective_uid() {
            return Err(BindError::ForeignDir {
                dir: path.to_path_buf(),
                owner,
            });
        }
    }
    Ok(())
}

/// Where connections come from.
pub enum Listener {
    /// A socket rsrcd bound itself, at `path`; the file is rsrcd's to remove.
    Bound {
        listener: UnixListener,
        path: PathBuf,
    },
    // A socket handed over by systemd (LISTEN_FDS, see contrib/systemd/rsrcd.socket) would be
    // an `Inherited` variant here: already bound, its mode and group set by systemd, and its
    // file left alone at exit.
}

impl Listener {
    /// Binds the API socket. A socket file nobody answers on is stale and replaced.
    pub async fn bind(config: &Config) -> Result<Listener, BindError> {
        let path = config.socket.as_path();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            prepare_socket_dir(parent)?;
        }
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if UnixStream::connect(path).await.is_ok() {
                return Err(BindError::InUse(path.to_path_buf()));
            }
            // Only a socket nobody answers on is stale; never delete anything else at that path.
            if !std::os::unix::fs::FileTypeExt::is_socket(&meta.file_type()) {
                return Err(BindError::NotASocket(path.to_path_buf()));
            }
            tracing::info!(socket = %path.display(), "replacing a stale socket file");
            std::fs::remove_file(path).map_err(io_err(path))?;
        }
        let listener = UnixListener::bind(path).map_err(io_err(path))?;
        let bound = Listener::Bound {
            listener,
            path: path.to_path_buf(),
        };
        // From here on the file is ours: a failure removes it again.
        if let Err(e) = set_access(path, config) {
            bound.close();
            return Err(e);
        }
        Ok(bound)
    }

    async fn accept(&self) -> std::io::Result<UnixStream> {
        match self {
            Listener::Bound { listener, .. } => listener.accept().await.map(|(stream, _)| stream),
        }
    }

    /// Stops listening and removes the socket file rsrcd made.
    pub fn close(self) {
        match self {
            Listener::Bound { listener, path } => {
                drop(listener);
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        tracing::warn!(socket = %path.display(), error = %e, "removing the socket");
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The socket's mode and group, from `socket_mode` and `socket_group`.
fn set_access(path: &Path, config: &Config) -> Result<(), BindError> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(config.socket_mode))
        .map_err(io_err(path))?;
    if let Some(group) = &config.socket_group {
        let gid = nix::unistd::Group::from_name(group)
            .ok()
            .flatten()
            .ok_or_else(|| BindError::NoGroup(group.clone()))?
            .gid;
        nix::unistd::chown(path, None, Some(gid))
            .map_err(|e| io_err(path)(std::io::Error::from(e)))?;
    }
    Ok(())
}

/// Serves until `shutdown` is cancelled, then stops listening (removing the socket file) and
/// drains the connections in flight.
pub async fn serve(listener: Listener, state: Arc<State>, shutdown: CancellationToken) {
    let graceful = GracefulShutdown::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(stream) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    // Out of descriptors, say: give the connections in flight time to end.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.cancelled() => break,
        };
        let peer = stream
            .peer_cred()
            .map(|c| Peer {
                uid: Some(c.uid()),
                pid: c.pid(),
            })
            .unwrap_or_default();
        let state = Arc::clone(&state);
        let service = service_fn(move |req| {
            let state = Arc::clone(&state);
            async move { Ok::<_, std::convert::Infallible>(crate::api::handle(state, req, peer).await) }
        });
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    listener.close();
    tokio::select! {
        _ = graceful.shutdown() => tracing::info!("all connections closed"),
        _ = tokio::time::sleep(DRAIN_TIMEOUT) => {
            tracing::warn!("gave up waiting for connections after {}",
                humantime::format_duration(DRAIN_TIMEOUT));
        }
    }
}
