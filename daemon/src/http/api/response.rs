//! Building responses: JSON on success, an `ErrorBody` on failure, NDJSON and text streams.

use std::convert::Infallible;

use crate::domain::accounts::streams::StreamLease;
use crate::error::Error;
use bytes::Bytes;
use futures_util::Stream;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::{Response, StatusCode};
use serde::Serialize;
use tokio::sync::mpsc;

pub type Body = BoxBody<Bytes, Infallible>;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

/// An empty body, e.g. of a `101 Switching Protocols`.
pub fn empty() -> Body {
    full(Bytes::new())
}

fn with_status(status: StatusCode, content_type: &str, body: Body) -> Response<Body> {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    if let Ok(v) = hyper::header::HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    resp
}

pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(bytes) => with_status(status, "application/json", full(bytes)),
        Err(e) => error(&Error::internal(format!("cannot encode response: {e}"))),
    }
}

/// The answer of endpoint `E`: `value` with the endpoint's status; a 204 without a body.
pub fn typed<E: rsrc_shared::api::endpoints::Endpoint>(value: &E::Response) -> Response<Body> {
    match StatusCode::from_u16(E::STATUS) {
        Ok(StatusCode::NO_CONTENT) => no_content(),
        Ok(status) => json(status, value),
        Err(e) => error(&Error::internal(format!("bad status of {}: {e}", E::PATH))),
    }
}

pub fn ok<T: Serialize>(value: &T) -> Response<Body> {
    json(StatusCode::OK, value)
}

pub fn created<T: Serialize>(value: &T) -> Response<Body> {
    json(StatusCode::CREATED, value)
}

pub fn no_content() -> Response<Body> {
    with_status(
        StatusCode::NO_CONTENT,
        "application/json",
        full(Bytes::new()),
    )
}

pub fn text(body: String) -> Response<Body> {
    with_status(StatusCode::OK, "text/plain; charset=utf-8", full(body))
}

/// The one place an error becomes a response; it is logged here, once, with its whole chain.
pub fn error(err: &Error) -> Response<Body> {
    let body = err.to_body();
    let status =
        StatusCode::from_u16(err.code().http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // ERROR is for what the operator must look at; a --wait timeout or an unreachable
    // registry is the user's to fix, and Docker's own failures show in Docker's log too.
    if err.code() == rsrc_shared::ErrorCode::Internal {
        tracing::error!(code = err.code().as_str(), error = %err.chain(), "request failed");
    } else if status.is_server_error() {
        tracing::warn!(code = err.code().as_str(), error = %err.chain(), "request failed");
    } else {
        tracing::debug!(code = err.code().as_str(), error = %err.chain(), "request refused");
    }
    json(status, &body)
}

/// A streamed body fed by the returned sender; the stream ends when the sender is dropped.
pub fn stream(content_type: &str, lease: StreamLease) -> (StreamTx, Response<Body>) {
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let frames = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(Frame::data(chunk)), rx))
    });
    let body = StreamBody::new(frames).boxed();
    (
        StreamTx { tx, lease },
        with_status(StatusCode::OK, content_type, body),
    )
}

/// A body of the batches a domain stream yields (e.g. a log's), each sent as it comes. The
/// stream sets its own pace: hyper polls it only as the reader takes what was sent. It ends
/// with its stream, or with `lease`: then `last` may add a last batch that says why.
pub fn batches(
    content_type: &str,
    batches: impl Stream<Item = Bytes> + Send + 'static,
    lease: StreamLease,
    last: impl FnOnce(&Error) -> Option<Bytes> + Send + 'static,
) -> Response<Body> {
    use futures_util::StreamExt as _;
    let frames =
        until_ended(batches, lease, last).map(|batch| Ok::<_, Infallible>(Frame::data(batch)));
    let frames = Polled(std::sync::Mutex::new(frames.boxed()));
    with_status(
        StatusCode::OK,
        content_type,
        BodyExt::boxed(StreamBody::new(frames)),
    )
}

/// `items` until `lease` ends (its session revoked, or rsrcd shutting down), then what `last`
/// makes of why.
fn until_ended<T: Send + 'static>(
    items: impl Stream<Item = T> + Send + 'static,
    lease: StreamLease,
    last: impl FnOnce(&Error) -> Option<T> + Send + 'static,
) -> impl Stream<Item = T> + Send + 'static {
    use futures_util::StreamExt as _;
    let end = lease.end().clone();
    let tail = futures_util::stream::once(async move { lease.why().and_then(|e| last(&e)) })
        .filter_map(std::future::ready);
    items.take_until(end.cancelled_owned()).chain(tail)
}

/// A text body that forwards `chunks` as they come, with nothing queued: it ends after the last
/// one, at the first error (logged: the status is already sent), at shutdown, or when the
/// reader goes away (hyper drops the body, and with it `chunks`). When its session is revoked,
/// or rsrcd shuts down, it ends with that error's body as its last line (NDJSON, like the
/// stream's own error lines): a follower cut by a shutdown knows to reconnect, where a plain end
/// means the stream is over.
pub fn text_stream(
    chunks: impl Stream<Item = crate::error::Result<Bytes>> + Send + 'static,
    lease: StreamLease,
) -> Response<Body> {
    use futures_util::StreamExt as _;
    let last = |e: &Error| {
        let mut line = serde_json::to_vec(&e.to_body()).ok()?;
        line.push(b'\n');
        Some(Ok(Bytes::from(line)))
    };
    let frames = until_ended(chunks, lease, last).scan((), |(), item| {
        std::future::ready(match item {
            Ok(chunk) => Some(Ok::<_, Infallible>(Frame::data(chunk))),
            Err(e) => {
                tracing::warn!(error = %e.chain(), "a streamed response broke off");
                None
            }
        })
    });
    let frames = Polled(std::sync::Mutex::new(frames.boxed()));
    let body = BodyExt::boxed(StreamBody::new(frames));
    with_status(StatusCode::OK, "text/plain; charset=utf-8", body)
}

/// A `Send` stream made `Sync`, as `Body` must be: it is only ever polled through `&mut`, so the
/// mutex is never locked (`get_mut`), only there to say so to the compiler.
struct Polled<T>(std::sync::Mutex<futures_util::stream::BoxStream<'static, T>>);

impl<T> Stream for Polled<T> {
    type Item = T;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<T>> {
        let inner = self.get_mut().0.get_mut();
        inner
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_mut()
            .poll_next(cx)
    }
}

/// The producing end of a stream. It carries the stream's lease, so that no producer keeps a
/// connection open past shutdown or its session: when `ended()` fires it sends its last chunk
/// (saying `why()`) and drops the sender.
#[derive(Clone)]
pub struct StreamTx {
    tx: mpsc::Sender<Bytes>,
    lease: StreamLease,
}

impl StreamTx {
    /// Queues a chunk unless the reader is behind or gone; never waits.
    pub fn try_send(&self, chunk: Bytes) {
        let _ = self.tx.try_send(chunk);
    }

    /// Sends a chunk, waiting for room; a reader that went away is no error.
    pub async fn send(&self, chunk: Bytes) {
        let _ = self.tx.send(chunk).await;
    }

    /// Cancelled at shutdown or when the session is revoked.
    pub fn ended(&self) -> &tokio_util::sync::CancellationToken {
        self.lease.end()
    }

    /// Why `ended()` fired.
    pub fn why(&self) -> Error {
        self.lease.why().unwrap_or(Error::ShuttingDown)
    }
}

/// A whole HTTP/1.1 error answer as bytes, for the places that write to the socket themselves
/// (a connection over the caps, hyper's parse errors): the same JSON body as every other error,
/// and the connection closes after it.
pub fn raw_error(status: u16, code: rsrc_shared::ErrorCode, message: &str) -> Vec<u8> {
    let body =
        serde_json::to_vec(&rsrc_shared::ErrorBody::new(code, message)).unwrap_or_else(|_| {
            format!(r#"{{"error":{{"code":"{}","message":""}}}}"#, code.as_str()).into_bytes()
        });
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}
