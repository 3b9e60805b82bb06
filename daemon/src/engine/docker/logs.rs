//! A container's output as a stream of chunks of whole messages, as Docker sends them, so that
//! a reader of a large log costs the daemon one chunk, not the log.
//!
//! On a Unix socket (Docker's, or Podman's compatible one) the log is read raw: one HTTP/1 GET of
//! `/v{negotiated}/containers/{id}/logs` on its own connection, whose multiplexed body is already
//! made of messages in a chunk's layout ([`demux`](super::demux)). bollard's decoded stream,
//! one message at a time, cost several microseconds a line; it stays for other transports.

use std::path::PathBuf;

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptionsBuilder;
use bollard::Docker;
use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;

use super::demux::{Demux, Step};
use super::engine_err;
use crate::engine::{LogChunk, LogChunkBuilder, LogRange, LogStream, Output};
use crate::error::{EngineCause, Error, Result};

/// Docker's default address, as bollard's.
const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";
/// How much of what Docker has ready is gathered into one chunk.
const READ_AHEAD: usize = 64 * 1024;
/// The most of an error answer we read.
const ERROR_BODY_MAX: usize = 64 * 1024;

/// The Unix socket of the engine, when it is reached by one: the configured `docker_host`,
/// else `DOCKER_HOST`, else Docker's default (what bollard connects to).
pub(super) fn unix_socket(docker_host: Option<&str>) -> Option<PathBuf> {
    let host = match docker_host {
        Some(host) => host.to_string(),
        None => std::env::var("DOCKER_HOST").unwrap_or_else(|_| DEFAULT_HOST.to_string()),
    };
    host.strip_prefix("unix://").map(PathBuf::from)
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::EngineUnavailable(Some(EngineCause(Box::new(e))))
}

fn query(range: &LogRange) -> String {
    let flag = |b: bool| if b { "1" } else { "0" };
    let mut q = format!(
        "stdout=1&stderr=1&follow={}&timestamps={}&tail=",
        flag(range.follow),
        flag(range.timestamps)
    );
    match range.tail {
        Some(n) => q.push_str(&n.to_string()),
        None => q.push_str("all"),
    }
    for (name, secs) in [("since", range.since), ("until", range.until)] {
        if secs > 0 {
            q.push_str(&format!("&{name}={secs}"));
        }
    }
    q
}

/// A container id or name in a path: they are `[a-zA-Z0-9_.-]`; anything else is escaped.
fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The raw read over `socket`, with the version `docker` negotiated.
pub(super) async fn raw(
    docker: &Docker,
    socket: PathBuf,
    container: &str,
    range: LogRange,
) -> Result<LogStream> {
    let context = format!("cannot read logs of {container}");
    // A TTY container's log has no message headers: it must be known before the body is read.
    let tty = docker
        .inspect_container(container, None)
        .await
        .map_err(engine_err(context.clone()))?
        .config
        .and_then(|c| c.tty)
        .unwrap_or(false);
    let io = tokio::net::UnixStream::connect(&socket)
        .await
        .map_err(unavailable)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(unavailable)?;
    // Ends when the body is read or dropped: the connection serves this one request.
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let path = format!(
        "/v{}/containers/{}/logs?{}",
        docker.client_version(),
        path_segment(container),
        query(&range)
    );
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, "docker")
        .body(Empty::<Bytes>::new())
        .map_err(|e| Error::internal(format!("a log request: {e}")))?;
    let response = sender.send_request(request).await.map_err(unavailable)?;
    let status = response.status();
    if !status.is_success() {
        let body = Limited::new(response.into_body(), ERROR_BODY_MAX)
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        if status == hyper::StatusCode::NOT_FOUND {
            return Err(Error::NotFound(context));
        }
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(&body).trim().to_string());
        return Err(Error::Engine {
            context,
            source: EngineCause(Box::new(std::io::Error::other(format!(
                "Docker answered {status}: {message}"
            )))),
        });
    }
    let demux = Demux::new(tty, range.timestamps);
    Ok(futures_util::stream::unfold(Some((response.into_body(), demux, context)), read).boxed())
}

type ReadState = Option<(Incoming, Demux, String)>;

async fn read(state: ReadState) -> Option<(Result<LogChunk>, ReadState)> {
    let (mut body, mut demux, context) = state?;
    loop {
        match demux.next() {
            Step::Chunk(chunk) => return Some((Ok(chunk), Some((body, demux, context)))),
            Step::Fail(why) => {
                return Some((Err(Error::EngineRefused(format!("{context}: {why}"))), None))
            }
            Step::More => {}
        }
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    demux.push(&data);
                }
                // Docker writes (and flushes) a message at a time: what else is ready goes in
                // the same chunk, so that the reader handles one chunk for many messages.
                while demux.buffered() < READ_AHEAD {
                    match body.frame().now_or_never() {
                        Some(Some(Ok(frame))) => {
                            if let Ok(data) = frame.into_data() {
                                demux.push(&data);
                            }
                        }
                        Some(Some(Err(e))) => return Some((Err(unavailable(e)), None)),
                        // The end comes on the next call, after what is buffered.
                        Some(None) | None => break,
                    }
                }
            }
            Some(Err(e)) => return Some((Err(unavailable(e)), None)),
            None => {
                return match demux.finish() {
                    Step::Chunk(chunk) => Some((Ok(chunk), None)),
                    Step::Fail(why) => {
                        Some((Err(Error::EngineRefused(format!("{context}: {why}"))), None))
                    }
                    Step::More => None,
                }
            }
        }
    }
}

/// Through bollard, for an engine not on a Unix socket: one message a chunk.
pub(super) fn stream(docker: &Docker, container: &str, range: LogRange) -> LogStream {
    let tail = range
        .tail
        .map_or_else(|| "all".to_string(), |n| n.to_string());
    // Docker's API takes 32-bit seconds; past 2038 the filter falls to the caller's own.
    let secs = |t: i64| i32::try_from(t).unwrap_or(0);
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .timestamps(range.timestamps)
        .follow(range.follow)
        .tail(&tail)
        .since(secs(range.since))
        .until(secs(range.until))
        .build();
    let context = format!("cannot read logs of {container}");
    docker
        .logs(container, Some(options))
        .filter_map(move |item| {
            let message = |output: Output, bytes: &[u8]| {
                let mut out = LogChunkBuilder::default();
                out.push(output, bytes);
                Some(Ok(out.finish()))
            };
            let chunk = match item {
                Ok(LogOutput::StdOut { message: m }) | Ok(LogOutput::Console { message: m }) => {
                    message(Output::Stdout, &m)
                }
                Ok(LogOutput::StdErr { message: m }) => message(Output::Stderr, &m),
                Ok(LogOutput::StdIn { .. }) => None,
                Err(e) => Some(Err(engine_err(context.clone())(e))),
            };
            std::future::ready(chunk)
        })
        .boxed()
}
