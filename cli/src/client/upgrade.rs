//! Requests answered with `101 Switching Protocols` (`rsrc exec`): the connection is made by
//! hand (hyper's client connection, not the pooled client), so that it is this request's alone
//! and is handed over whole once switched.

use bytes::Bytes;
use http_body_util::Full;
use hyper::upgrade::Upgraded;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use rsrc_shared::api::endpoints::Endpoint;

use super::{chain_text, error_from_reply, read_body, request, Client, ClientError};

impl Client {
    /// Sends a request to `E` asking to switch to `protocol`; the switched connection, or the
    /// daemon's error.
    pub async fn upgrade<E: Endpoint>(
        &self,
        _: E,
        args: &[&str],
        body: &E::Request,
        protocol: &str,
    ) -> Result<Upgraded, ClientError> {
        let (method, uri, payload) = request::<E>(args, &Default::default(), body)?;
        let stream = tokio::net::UnixStream::connect(&self.socket)
            .await
            .map_err(|e| ClientError::DaemonUnreachable {
                socket: self.socket.clone(),
                source: Box::new(e),
            })?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| ClientError::Cut(chain_text(&e)))?;
        tokio::spawn(async move {
            let _ = conn.with_upgrades().await;
        });
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(&uri)
            .header(hyper::header::HOST, "rsrcd")
            .header(
                hyper::header::USER_AGENT,
                concat!("rsrc/", env!("CARGO_PKG_VERSION")),
            )
            .header(hyper::header::CONNECTION, "upgrade")
            .header(hyper::header::UPGRADE, protocol)
            .header(hyper::header::CONTENT_TYPE, "application/json");
        if let Some(token) = &self.token {
            builder = builder.header(hyper::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = builder
            .body(Full::new(Bytes::from(payload.unwrap_or_default())))
            .map_err(|e| ClientError::Protocol(format!("cannot build the request: {e}")))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| ClientError::Cut(chain_text(&e)))?;
        let status = response.status();
        if self.debug {
            eprintln!("debug: {method} {uri} -> {}", status.as_u16());
        }
        if status == StatusCode::SWITCHING_PROTOCOLS {
            return hyper::upgrade::on(response)
                .await
                .map_err(|e| ClientError::Cut(chain_text(&e)));
        }
        let bytes = read_body(response.into_body()).await?;
        if status.is_success() {
            return Err(ClientError::Protocol(format!(
                "HTTP {status} where the daemon should have switched to {protocol}"
            )));
        }
        Err(error_from_reply(status, &bytes).sent(self.credential))
    }
}
