//! SMS through the operator's HTTP gateway: `[sms]` in rsrcd.toml (`config`), the request body
//! (`body`), and the outbox's SMS channel (here).
//!
//! The gateway's address comes only from the config, never from a request: users choose the
//! number a message goes to, not where the daemon connects. The client is reqwest over rustls
//! (issue 19 item 13): https:// with the public roots plus `ca_file`, and plain http:// only to
//! a gateway on this host.
//!
//! Each request carries an idempotency key, the same for every try of one outbox row, so a
//! gateway that takes one sends a resent message once. A request that went out and got no
//! answer (a timeout) may have been sent anyway: the outbox resends such a message at most once
//! more (`outbox::MAX_UNANSWERED`), then gives it up.

mod body;
mod config;

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

pub use self::config::{FileSms, SmsConfig};
use crate::domain::notify::outbox::{Channel, Failure, Transport};
use crate::registry::outbox::Due;

impl SmsConfig {
    /// The request body for one message (see `body`).
    pub fn body(&self, to: &str, text: &str) -> String {
        self.body.render(to, text)
    }

    /// Posts one message; `key` is its idempotency key. Never puts the body, the token or the
    /// URL's query in an error.
    async fn post(&self, body: String, key: &str) -> Result<StatusCode, Failure> {
        let mut request = self
            .client
            .post(self.url.clone())
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, self.body.content_type())
            .body(body);
        if let Some(name) = &self.idempotency_header {
            request = request.header(name, key);
        }
        request = match &self.auth {
            None => request,
            Some(config::Auth::Bearer(token)) => request.bearer_auth(token),
            Some(config::Auth::Basic { username, password }) => {
                request.basic_auth(username, Some(password))
            }
        };
        match request.send().await {
            Ok(response) => Ok(response.status()),
            Err(e) => Err(self.failure(e)),
        }
    }

    /// What a failed request means for the outbox: before anything was sent (connecting, TLS)
    /// it is retried as before; after, the gateway may have the message.
    fn failure(&self, e: reqwest::Error) -> Failure {
        let url = self.shown_url();
        let (connect, timeout) = (e.is_connect(), e.is_timeout());
        // reqwest's message names the whole URL, query included: it is shown once, without.
        let why = crate::error::chain(&e.without_url());
        if connect {
            let why = if timeout {
                format!("timed out after {:?}", self.connect_timeout)
            } else {
                why
            };
            return Failure {
                error: format!("cannot connect to the SMS gateway {url}: {why}"),
                permanent: false,
                unanswered: false,
            };
        }
        let error = if timeout {
            format!(
                "the SMS gateway {url} did not answer within {}s (timeout_secs)",
                self.timeout.as_secs()
            )
        } else {
            format!("the SMS gateway {url} did not answer: {why}")
        };
        Failure {
            error,
            permanent: false,
            unanswered: true,
        }
    }
}

/// The idempotency key of outbox row `id` of daemon `daemon_id`: the same on every try of that
/// message, different for any other. Not a secret; hashed so the gateway learns no id.
pub fn idempotency_key(daemon_id: &str, id: i64) -> String {
    let digest = Sha256::digest(format!("rsrc-sms:{daemon_id}:{id}").as_bytes());
    hex::encode(&digest[..16])
}

/// The outbox's SMS channel.
pub struct Gateway {
    pub config: SmsConfig,
    /// The registry's identity, so that two daemons' row 1 get different keys.
    pub daemon_id: String,
}

#[async_trait::async_trait]
impl Transport for Gateway {
    fn channel(&self) -> Channel {
        Channel::Sms
    }

    async fn deliver(&self, message: &Due, text: String) -> Result<(), Failure> {
        let key = idempotency_key(&self.daemon_id, message.id);
        let status = self
            .config
            .post(self.config.body(&message.recipient, &text), &key)
            .await?;
        if status.is_success() {
            Ok(())
        } else {
            // A 4xx will not change on a retry (and a redirect is not followed); a 5xx may.
            Err(Failure {
                error: format!(
                    "the SMS gateway {} answered {status}",
                    self.config.shown_url()
                ),
                permanent: !status.is_server_error(),
                unanswered: false,
            })
        }
    }
}

/// Delivers queued SMS until `shutdown` flips. Without `[sms]` none are queued for alerts, and
/// a phone cannot be set.
pub async fn run_sender(
    registry: crate::registry::Registry,
    outbox: crate::domain::notify::outbox::Outbox,
    sms: Option<SmsConfig>,
    shutdown: tokio_util::sync::CancellationToken,
) {
    let Some(config) = sms else {
        return;
    };
    let daemon_id = match registry.daemon_id() {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error = %e.chain(), "SMS sender: cannot read the daemon id");
            return;
        }
    };
    let gateway = std::sync::Arc::new(Gateway { config, daemon_id });
    crate::domain::notify::outbox::run_channel(registry, outbox, gateway, shutdown).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_stable_per_message_and_daemon() {
        let key = idempotency_key("a1b2c3", 7);
        assert_eq!(key, idempotency_key("a1b2c3", 7));
        assert_eq!(key.len(), 32);
        assert_ne!(key, idempotency_key("a1b2c3", 8));
        assert_ne!(key, idempotency_key("d4e5f6", 7));
    }
}
