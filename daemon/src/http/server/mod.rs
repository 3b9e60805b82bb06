//! The Unix socket server: the listener (a socket rsrcd binds, replacing a stale one and refusing
//! a live one), HTTP/1.1 with hyper, caps on connections (`limits`), back-off on failed accepts
//! (`backoff`), JSON bodies for hyper's own parse errors (`parse_errors`), and a graceful
//! shutdown. It knows nothing of routes or the registry.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::accounts::Peer;
use crate::State;
use backoff::AcceptBackoff;
use limits::{raise_fd_limit, Admission, Caps, Refusal};
use parse_errors::JsonParseErrors;

mod backoff;
pub mod limits;
mod parse_errors;

const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest request head (request line and headers) read; a longer one is answered 431.
/// hyper's default (about 400 KiB) times the connection cap is a lot of memory for heads that
/// are a few hundred bytes.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Refused connections read away what their client sent for at most this long...
const REFUSE_LINGER: Duration = Duration::from_millis(500);
/// ...and at most this many at a time.
const MAX_REFUSING: usize = 64;

/// In every request's extensions: cancelling it closes that request's connection at once. For
/// a stream whose reader stopped reading, hyper's write would otherwise wait for ever.
#[derive(Clone)]
pub struct Hangup(pub CancellationToken);

/// In every request's extensions: the connection's place under the connection caps. A request
/// that takes its connection over (`rsrc exec`'s upgrade) keeps it for as long as it uses the
/// connection, which then still counts against its caller's cap.
#[derive(Clone)]
pub struct ConnectionSlot(pub Arc<limits::Slot>);

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
    /// A socket handed over by systemd (LISTEN_FDS, contrib/systemd/rsrcd.socket): bound, its
    /// mode and group set by systemd, which also removes its file; rsrcd leaves the file alone.
    Inherited { listener: UnixListener },
}

impl Listener {
    /// Serves the socket systemd passed; the `socket` setting is then only for logging.
    pub fn inherit(listener: std::os::unix::net::UnixListener) -> Result<Listener, BindError> {
        let path = listener
            .local_addr()
            .ok()
            .and_then(|a| a.as_pathname().map(Path::to_path_buf))
            .unwrap_or_default();
        listener.set_nonblocking(true).map_err(io_err(&path))?;
        let listener = UnixListener::from_std(listener).map_err(io_err(&path))?;
        Ok(Listener::Inherited { listener })
    }

    /// The path clients connect to, as the socket itself says.
    pub fn path(&self) -> Option<PathBuf> {
        let listener = match self {
            Listener::Bound { listener, .. } | Listener::Inherited { listener } => listener,
        };
        let addr = listener.local_addr().ok()?;
        addr.as_pathname().map(Path::to_path_buf)
    }

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
            Listener::Bound { listener, .. } | Listener::Inherited { listener } => {
                listener.accept().await.map(|(stream, _)| stream)
            }
        }
    }

    /// Stops listening and removes the socket file rsrcd made (not one systemd made: systemd
    /// keeps listening on it and starts rsrcd again at the next connection).
    pub fn close(self) {
        match self {
            Listener::Inherited { listener } => drop(listener),
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
    let settings = &state.config.connections;
    let caps = Caps::fit(settings, raise_fd_limit());
    if caps.max_total < settings.max_total {
        tracing::warn!(
            configured = settings.max_total,
            max_total = caps.max_total,
            "the descriptor limit is too low for connections.max_total; lowered it"
        );
    }
    let own_uid = nix::unistd::geteuid().as_raw();
    let admission = Admission::new(caps, own_uid);
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // Also the idle time allowed between requests on a kept-alive connection: hyper starts
        // this timer whenever it waits for a request head, the first or the next.
        .header_read_timeout(settings.idle_timeout())
        // The second bounds a head that arrives in one read; the first, one still arriving.
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(MAX_HEAD_BYTES);
    let tracker = tokio_util::task::TaskTracker::new();
    let mut backoff = AcceptBackoff::default();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(stream) => {
                    if let Some(line) = backoff.succeeded(Instant::now()) {
                        tracing::warn!("{line}");
                    }
                    stream
                }
                Err(e) => {
                    let retry = backoff.failed(Instant::now(), &e);
                    if let Some(line) = retry.log {
                        tracing::warn!("{line}");
                    }
                    // Out of descriptors, say: give the connections in flight time to end.
                    tokio::select! {
                        _ = tokio::time::sleep(retry.wait) => continue,
                        _ = shutdown.cancelled() => break,
                    }
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
        let slot = match admission.admit(peer.uid) {
            Ok(slot) => slot,
            Err(refusal) => {
                tracing::debug!(
                    peer_uid = peer.uid.map_or(-1, i64::from),
                    "refused a connection: {}",
                    refusal.message()
                );
                refuse(stream, &refusal, &refusing);
                continue;
            }
        };
        let state = Arc::clone(&state);
        let hangup = CancellationToken::new();
        let hangup_conn = hangup.clone();
        let slot = Arc::new(slot);
        let slot_of_requests = Arc::clone(&slot);
        let service = service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            let state = Arc::clone(&state);
            req.extensions_mut().insert(Hangup(hangup.clone()));
            req.extensions_mut()
                .insert(ConnectionSlot(Arc::clone(&slot_of_requests)));
            async move {
                Ok::<_, std::convert::Infallible>(crate::http::api::handle(state, req, peer).await)
            }
        });
        // With upgrades: `rsrc exec` switches its connection to the exec protocol. hyper_util's
        // GracefulShutdown does not take such a connection, so the shutdown is done here: on
        // `shutdown` the connection finishes its request in flight and closes, and `tracker`
        // waits for every connection.
        let conn = http
            .serve_connection(TokioIo::new(JsonParseErrors::new(stream)), service)
            .with_upgrades();
        let stop = shutdown.clone();
        tracker.spawn(async move {
            tokio::pin!(conn);
            let ended = tokio::select! {
                ended = conn.as_mut() => Some(ended),
                _ = hangup_conn.cancelled() => None,
                _ = stop.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    tokio::select! {
                        ended = conn.as_mut() => Some(ended),
                        _ = hangup_conn.cancelled() => None,
                    }
                }
            };
            match ended {
                Some(Err(e)) => tracing::debug!(error = %e, "connection ended with an error"),
                None => tracing::debug!("closed a connection its reader stopped reading"),
                Some(Ok(())) => {}
            }
            drop(slot);
        });
    }
    listener.close();
    tracker.close();
    tokio::select! {
        _ = tracker.wait() => tracing::info!("all connections closed"),
        _ = tokio::time::sleep(DRAIN_TIMEOUT) => {
            tracing::warn!("gave up waiting for connections after {}",
                humantime::format_duration(DRAIN_TIMEOUT));
        }
    }
}

/// Answers a connection over the caps with a 503 and closes it, without keeping it: the answer
/// is written at once (a fresh socket has room for it), and what the client sent is read away
/// for a moment so that the close does not reset the connection before the client reads the
/// answer. At most `MAX_REFUSING` refused connections linger like that; the rest are closed at
/// once.
fn refuse(stream: UnixStream, refusal: &Refusal, refusing: &Arc<Semaphore>) {
    let answer = crate::http::api::response::raw_error(
        503,
        rsrc_shared::ErrorCode::Unavailable,
        &refusal.message(),
    );
    let _ = stream.try_write(&answer);
    let Ok(permit) = Arc::clone(refusing).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _ = tokio::time::timeout(REFUSE_LINGER, drain_head(&stream)).await;
        drop(permit);
    });
}

/// Reads until the end of a request head, EOF or a few KiB.
async fn drain_head(stream: &UnixStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while seen.len() < 16 * 1024 {
        if stream.readable().await.is_err() {
            return;
        }
        match stream.try_read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                seen.extend_from_slice(&buf[..n]);
                if seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}
