//! The HTTP client of `rsrc`: JSON over HTTP/1.1 on the daemon's Unix socket (hyperlocal).
//!
//! Every call returns `Result<T, ClientError>`, and the CLI branches on the variant, never on
//! message text: a failed connect is [`ClientError::DaemonUnreachable`] (exit 69), a non-2xx reply
//! carrying an [`ErrorBody`] is [`ClientError::Api`] (exit code from the error code), anything
//! else the daemon says that we cannot read is [`ClientError::Protocol`] (exit 1).
//!
//! Commands call the typed handles ([`Client::instances`], [`Client::machines`], ...), which
//! call [`Client::call`] with an endpoint of `rsrc_shared::api::endpoints`: its declaration
//! gives the method, the path and the types.
//! Every error from the daemon records which [`Credential`] the request carried, so that the CLI
//! can word its hint for the credential that was refused (see `hints`).
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
use rsrc_shared::api::endpoints::{self as ep, Body as _, Endpoint, NoBody};
use rsrc_shared::api::query::NoQuery;
use rsrc_shared::api::{ImagePull, VersionInfo};
use rsrc_shared::{ErrorBody, ErrorCode, ErrorDetail};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::session::{ActiveToken, TokenSource};

mod accounts;
mod events;
mod feed;
mod instances;
mod machines;
mod status;
mod stream;
mod upgrade;

pub use accounts::{Accounts, Admin};
pub use events::{EventStream, EventsQuery};
pub use instances::{Instances, Volumes};
pub use machines::Machines;
pub use rsrc_shared::api::InstanceAction;
pub use status::StatusReply;
pub use stream::{LogReader, PullStream};

/// The largest reply body we read into memory (the pull stream is read line by line instead).
const MAX_REPLY_BYTES: usize = 64 * 1024 * 1024;

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
    Api {
        status: u16,
        body: ErrorBody,
        /// What the request proved its caller with.
        sent: Credential,
    },
    /// The daemon's reply is not what the API promises (not JSON, cut short, ...).
    #[error("unexpected reply from rsrcd: {0}")]
    Protocol(String),
    /// The connection broke off in the middle of a request or a stream: rsrcd stopped,
    /// restarted or was killed. Not a sign of another API version.
    #[error("the connection to rsrcd broke off: {0}")]
    Cut(String),
}

impl ClientError {
    /// The API error code, when the daemon sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { body, .. } => Some(body.error.code),
            _ => None,
        }
    }

    fn from_detail(error: ErrorDetail, sent: Credential) -> Self {
        ClientError::Api {
            status: error.code.http_status(),
            body: ErrorBody { error },
            sent,
        }
    }

    /// Marks a daemon error as the answer to a request that carried `credential`.
    fn sent(mut self, credential: Credential) -> Self {
        if let ClientError::Api { sent, .. } = &mut self {
            *sent = credential;
        }
        self
    }
}

/// What a request proved its caller with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credential {
    /// Nothing: the request went out without a token.
    #[default]
    None,
    /// The token of the login stored for this socket.
    StoredToken,
    /// The token from `RSRC_TOKEN`.
    EnvToken,
    /// An email and a password: a login.
    Password,
    /// An email and a code sent by mail: a login with `--code`.
    Code,
}

/// A client bound to one daemon socket and, optionally, one session token.
pub struct Client {
    socket: PathBuf,
    token: Option<String>,
    credential: Credential,
    debug: bool,
    http: HyperClient<UnixConnector, Full<Bytes>>,
}

impl Client {
    /// A client without a token; see [`Client::set_token`].
    pub fn new(socket: impl Into<PathBuf>, debug: bool) -> Self {
        Client {
            socket: socket.into(),
            token: None,
            credential: Credential::None,
            debug,
            http: HyperClient::unix(),
        }
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The token sent with every request from now on (`None`: none).
    pub fn set_token(&mut self, token: Option<ActiveToken>) {
        self.credential = match &token {
            None => Credential::None,
            Some(t) if t.source == TokenSource::Env => Credential::EnvToken,
            Some(_) => Credential::StoredToken,
        };
        self.token = token.map(|t| t.token);
    }

    pub fn instances(&self) -> Instances<'_> {
        Instances::new(self)
    }

    pub fn volumes(&self) -> Volumes<'_> {
        Volumes::new(self)
    }

    pub fn machines(&self) -> Machines<'_> {
        Machines::new(self)
    }

    /// Signup, login and the caller's own account.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts::new(self)
    }

    /// Other users and the host, for admins.
    pub fn feed(&self) -> feed::Feed<'_> {
        feed::Feed::new(self)
    }

    pub fn admin(&self) -> Admin<'_> {
        Admin::new(self)
    }

    /// `GET /v1/version`; needs no login.
    pub async fn version(&self) -> Result<VersionInfo, ClientError> {
        self.call(ep::GetVersion, &[], &NoQuery {}, &NoBody).await
    }

    /// One request to endpoint `E`: `args` fill its path parameters in order, `query` and
    /// `body` are sent when they carry anything, and the answer is decoded as `E`'s response
    /// (a 204 as `()`); non-2xx becomes an error.
    pub async fn call<E: Endpoint>(
        &self,
        _: E,
        args: &[&str],
        query: &E::Query,
        body: &E::Request,
    ) -> Result<E::Response, ClientError> {
        let (method, uri, payload) = request::<E>(args, query, body)?;
        let reply = self.exchange(method, &uri, payload).await?;
        decode(&reply)
    }

    /// A request to a streaming endpoint: the answer's body, read as it arrives; non-2xx
    /// becomes an error.
    pub(crate) async fn open_stream<E: Endpoint>(
        &self,
        _: E,
        args: &[&str],
        query: &E::Query,
        body: &E::Request,
    ) -> Result<Incoming, ClientError> {
        let (method, uri, payload) = request::<E>(args, query, body)?;
        let response = self.send(method, &uri, payload).await?;
        let status = response.status();
        if !status.is_success() {
            let bytes = read_body(response.into_body()).await?;
            return Err(error_from_reply(status, &bytes).sent(self.credential));
        }
        Ok(response.into_body())
    }

    /// `POST /v1/images/pull`: the answer is an NDJSON stream of
    /// [`PullProgress`](rsrc_shared::api::PullProgress) lines, read as they arrive.
    pub async fn pull(&self, image: &str) -> Result<PullStream, ClientError> {
        let body = ImagePull {
            image: image.to_string(),
        };
        let body = self
            .open_stream(ep::PullImage, &[], &NoQuery {}, &body)
            .await?;
        Ok(PullStream::new(body, self.credential))
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
                    // Connected, then the connection failed: rsrcd went away mid-request.
                    Err(ClientError::Cut(chain_text(&e)))
                }
            }
        }
    }

    /// One request, answered with the whole body; non-2xx becomes an error.
    async fn exchange(
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
            Err(error_from_reply(status, &bytes).sent(self.credential))
        }
    }
}

/// The method, path and body of a request to `E`.
fn request<E: Endpoint>(
    args: &[&str],
    query: &E::Query,
    body: &E::Request,
) -> Result<(Method, String, Option<Vec<u8>>), ClientError> {
    let uri = E::uri(args, query)
        .map_err(|e| ClientError::Protocol(format!("cannot encode the query: {e}")))?;
    let payload = if E::Request::EMPTY {
        None
    } else {
        Some(encode(body)?)
    };
    let method = match E::METHOD {
        ep::Method::Get => Method::GET,
        ep::Method::Post => Method::POST,
        ep::Method::Put => Method::PUT,
        ep::Method::Patch => Method::PATCH,
        ep::Method::Delete => Method::DELETE,
    };
    Ok((method, uri, payload))
}

async fn read_body(body: Incoming) -> Result<Bytes, ClientError> {
    let limited = http_body_util::Limited::new(body, MAX_REPLY_BYTES);
    match limited.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ClientError::Protocol(
            format!("cannot read the reply: {}", chain_text(e.as_ref())),
        )),
        // Anything else is the connection failing under the reply: rsrcd went away.
        Err(e) => Err(ClientError::Cut(format!(
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
            sent: Credential::None,
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
            ClientError::Api { status, body, .. } => {
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
