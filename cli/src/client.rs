//! The HTTP client of `rsrc`: JSON over HTTP/1.1 on the daemon's Unix socket (hyperlocal).
//!
//! Every call returns `Result<T, ClientError>`, and the CLI branches on the variant, never on
//! message text: a failed connect is [`ClientError::DaemonUnreachable`] (exit 69), a non-2xx reply
//! carrying an [`ErrorBody`] is [`ClientError::Api`] (exit code from the error code), anything
//! else the daemon says that we cannot read is [`ClientError::Protocol`] (exit 1).
//!
//! This module prints nothing except `--debug` request lines on stderr.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::client::legacy::Client as HyperClient;
use hyperlocal::{UnixClientExt, UnixConnector};
use rsrc_shared::api::PullProgress;
use rsrc_shared::{ErrorBody, ErrorCode, ErrorDetail};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The largest reply body we read into memory (the pull stream is read line by line instead).
const MAX_REPLY_BYTES: usize = 64 * 1024 * 1024;
/// The longest NDJSON line we accept from a stream.
const MAX_LINE_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Connecting to the socket failed: no daemon, no permission, wrong path.
    #[error("cannot reach rsrcd at {}", socket.display())]
    DaemonUnreachable {
        socket: PathBuf,
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
    /// The daemon answered with an error.
    #[error("{}", body.error.message)]
    Api { status: u16, body: ErrorBody },
    /// The daemon's reply is not what the API promises (not JSON, cut short, ...).
    #[error("unexpected reply from rsrcd: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The API error code, when the daemon sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { body, .. } => Some(body.error.code),
            _ => None,
        }
    }

    fn from_detail(error: ErrorDetail) -> Self {
        ClientError::Api {
            status: error.code.http_status(),
            body: ErrorBody { error },
        }
    }
}

/// A client bound to one daemon socket and, optionally, one session token.
pub struct Client {
    socket: PathBuf,
    token: Option<String>,
    debug: bool,
    http: HyperClient<UnixConnector, Full<Bytes>>,
}

impl Client {
    pub fn new(socket: impl Into<PathBuf>, token: Option<String>, debug: bool) -> Self {
        Client {
            socket: socket.into(),
            token,
            debug,
            http: HyperClient::unix(),
        }
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn set_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let body = self.call(Method::GET, path, None).await?;
        decode(&body)
    }

    /// A GET whose answer is text (`text/plain`), such as logs.
    pub async fn get_text(&self, path: &str) -> Result<String, ClientError> {
        let body = self.call(Method::GET, path, None).await?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let reply = self.call(Method::POST, path, Some(encode(body)?)).await?;
        decode(&reply)
    }

    /// A POST without a request body.
    pub async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let reply = self.call(Method::POST, path, None).await?;
        decode(&reply)
    }

    /// A POST without a request body whose answer carries none either (204).
    pub async fn post_no_content(&self, path: &str) -> Result<(), ClientError> {
        self.call(Method::POST, path, None).await.map(drop)
    }

    /// A POST with a body whose answer carries none (204).
    pub async fn post_unit<B: Serialize>(&self, path: &str, body: &B) -> Result<(), ClientError> {
        self.call(Method::POST, path, Some(encode(body)?))
            .await
            .map(drop)
    }

    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let reply = self.call(Method::PATCH, path, Some(encode(body)?)).await?;
        decode(&reply)
    }

    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let reply = self.call(Method::PUT, path, Some(encode(body)?)).await?;
        decode(&reply)
    }

    /// A DELETE; the answer is 204 without a body.
    pub async fn delete(&self, path: &str) -> Result<(), ClientError> {
        self.call(Method::DELETE, path, None).await.map(drop)
    }

    /// A DELETE that carries a JSON body (deleting one's account sends the password).
    pub async fn delete_with<B: Serialize>(&self, path: &str, body: &B) -> Result<(), ClientError> {
        self.call(Method::DELETE, path, Some(encode(body)?))
            .await
            .map(drop)
    }

    /// `POST /v1/images/pull`: the answer is an NDJSON stream of [`PullProgress`] lines, read
    /// as they arrive.
    pub async fn pull(&self, image: &str) -> Result<PullStream, ClientError> {
        let body = encode(&rsrc_shared::api::ImagePull {
            image: image.to_string(),
        })?;
        let response = self
            .send(Method::POST, "/v1/images/pull", Some(body))
            .await?;
        let status = response.status();
        if !status.is_success() {
            let bytes = read_body(response.into_body()).await?;
            return Err(error_from_reply(status, &bytes));
        }
        Ok(PullStream {
            body: response.into_body(),
            buffer: Vec::new(),
            finished: false,
        })
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Response<Incoming>, ClientError> {
        let uri: hyper::Uri = hyperlocal::Uri::new(&self.socket, path).into();
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(hyper::header::HOST, "rsrcd")
            .header(
                hyper::header::USER_AGENT,
                concat!("rsrc/", env!("CARGO_PKG_VERSION")),
            )
            .header(hyper::header::ACCEPT, "application/json");
        if let Some(token) = &self.token {
            builder = builder.header(hyper::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let payload = match body {
            Some(bytes) => {
                builder = builder.header(hyper::header::CONTENT_TYPE, "application/json");
                Full::new(Bytes::from(bytes))
            }
            None => Full::new(Bytes::new()),
        };
        let request = builder
            .body(payload)
            .map_err(|e| ClientError::Protocol(format!("cannot build the request: {e}")))?;
        let started = Instant::now();
        let result = self.http.request(request).await;
        match result {
            Ok(response) => {
                if self.debug {
                    eprintln!(
                        "debug: {method} {path} -> {} ({} ms)",
                        response.status().as_u16(),
                        started.elapsed().as_millis()
                    );
                }
                Ok(response)
            }
            Err(e) => {
                if self.debug {
                    eprintln!("debug: {method} {path} -> {e:?}");
                }
                if e.is_connect() {
                    Err(ClientError::DaemonUnreachable {
                        socket: self.socket.clone(),
                        source: innermost(e),
                    })
                } else {
                    Err(ClientError::Protocol(chain_text(&e)))
                }
            }
        }
    }

    /// One request, answered with the whole body; non-2xx becomes an error.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Bytes, ClientError> {
        let response = self.send(method, path, body).await?;
        let status = response.status();
        let bytes = read_body(response.into_body()).await?;
        if status.is_success() {
            Ok(bytes)
        } else {
            Err(error_from_reply(status, &bytes))
        }
    }
}

/// The NDJSON stream of an image pull.
pub struct PullStream {
    body: Incoming,
    buffer: Vec<u8>,
    finished: bool,
}

impl PullStream {
    /// The next progress line; `None` after the line with `done` set. A line with `error` set
    /// ends the stream as that error; a stream that ends without `done` is a protocol error.
    pub async fn next(&mut self) -> Option<Result<PullProgress, ClientError>> {
        if self.finished {
            return None;
        }
        loop {
            if let Some(pos) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=pos).collect();
                let text = String::from_utf8_lossy(&line);
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                return Some(self.parse_line(text));
            }
            if self.buffer.len() > MAX_LINE_BYTES {
                self.finished = true;
                return Some(Err(ClientError::Protocol(
                    "a line of the pull stream is too long".into(),
                )));
            }
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buffer.extend_from_slice(&data);
                    }
                }
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(ClientError::Protocol(format!(
                        "the pull stream broke off: {}",
                        chain_text(&e)
                    ))));
                }
                None => {
                    self.finished = true;
                    let rest = String::from_utf8_lossy(&self.buffer).trim().to_string();
                    self.buffer.clear();
                    if !rest.is_empty() {
                        let result = self.parse_line(&rest);
                        if matches!(&result, Ok(p) if p.done) {
                            return Some(result);
                        }
                        if result.is_err() {
                            return Some(result);
                        }
                    }
                    return Some(Err(ClientError::Protocol(
                        "the pull stream ended before the pull was done".into(),
                    )));
                }
            }
        }
    }

    fn parse_line(&mut self, text: &str) -> Result<PullProgress, ClientError> {
        let progress: PullProgress = serde_json::from_str(text).map_err(|e| {
            self.finished = true;
            ClientError::Protocol(format!("a line of the pull stream is not valid JSON: {e}"))
        })?;
        if let Some(error) = progress.error {
            self.finished = true;
            return Err(ClientError::from_detail(error));
        }
        if progress.done {
            self.finished = true;
        }
        Ok(progress)
    }
}

async fn read_body(body: Incoming) -> Result<Bytes, ClientError> {
    let limited = http_body_util::Limited::new(body, MAX_REPLY_BYTES);
    match limited.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) => Err(ClientError::Protocol(format!(
            "cannot read the reply: {}",
            chain_text(e.as_ref())
        ))),
    }
}

fn encode<B: Serialize>(body: &B) -> Result<Vec<u8>, ClientError> {
    serde_json::to_vec(body).map_err(|e| ClientError::Protocol(format!("cannot encode: {e}")))
}

/// Decodes a success body. An empty body decodes as JSON `null`, so `()` and `Option<T>` work
/// for 204 answers.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ClientError> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    };
    serde_json::from_slice(text)
        .map_err(|e| ClientError::Protocol(format!("the reply is not the expected JSON: {e}")))
}

/// A non-2xx reply: an [`ErrorBody`] when it is one, else a protocol error.
pub(crate) fn error_from_reply(status: StatusCode, bytes: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => ClientError::Api {
            status: status.as_u16(),
            body,
        },
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            let snippet: String = text.trim().chars().take(200).collect();
            ClientError::Protocol(if snippet.is_empty() {
                format!("HTTP {status} without an error body")
            } else {
                format!("HTTP {status} with a body that is not an rsrc error: {snippet}")
            })
        }
    }
}

/// The deepest error in a chain: for a failed connect, the `io::Error` that says why.
fn innermost(e: hyper_util::client::legacy::Error) -> Box<dyn StdError + Send + Sync> {
    let mut message = None;
    let mut current: Option<&(dyn StdError + 'static)> = e.source();
    while let Some(err) = current {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Box::new(std::io::Error::new(io.kind(), io.to_string()));
        }
        message = Some(err.to_string());
        current = err.source();
    }
    Box::new(std::io::Error::other(
        message.unwrap_or_else(|| e.to_string()),
    ))
}

/// "a: b: c" for an error and its sources.
pub(crate) fn chain_text(e: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut current = e.source();
    while let Some(err) = current {
        let text = err.to_string();
        if !parts.iter().any(|p| p == &text) {
            parts.push(text);
        }
        current = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn error_replies_are_classified() {
        let body = br#"{"error":{"code":"not_found","message":"no such instance"}}"#;
        match error_from_reply(StatusCode::NOT_FOUND, body) {
            ClientError::Api { status, body } => {
                assert_eq!(status, 404);
                assert_eq!(body.error.code, ErrorCode::NotFound);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            error_from_reply(StatusCode::BAD_GATEWAY, b"<html>bad gateway</html>"),
            ClientError::Protocol(_)
        ));
    }

    #[test]
    fn empty_success_bodies_decode_as_unit() {
        let unit: Result<(), _> = decode(b"");
        assert!(unit.is_ok());
        let bad: Result<serde_json::Value, _> = decode(b"not json");
        assert!(matches!(bad, Err(ClientError::Protocol(_))));
    }
}
