//! SMS through the operator's HTTP gateway: `[sms]` in rsrcd.toml, and the outbox's SMS channel.
//!
//! The gateway's address comes only from the config, never from a request: users choose the
//! number a message goes to, not where the daemon connects. Plain http:// only (no TLS connector
//! is built in); an https:// URL is refused at load, so a misconfiguration shows at start.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Request, Uri};
use serde::Deserialize;

use crate::domain::notify::outbox::{Channel, Failure, Transport};
use crate::registry::outbox::Due;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);

/// `[sms]` as written.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSms {
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    token: Option<String>,
    /// The token from a file instead (a systemd credential, say); read at load.
    token_file: Option<std::path::PathBuf>,
    body_template: Option<String>,
}

/// `[sms]`, checked: where and how to post a message.
#[derive(Clone)]
pub struct SmsConfig {
    /// `host:port`, as connected to and sent in `Host`.
    pub authority: String,
    /// Path and query of the request.
    pub path: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    token: Option<HeaderValue>,
    body_template: Option<String>,
}

impl std::fmt::Debug for FileSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSms")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "********"))
            .finish_non_exhaustive()
    }
}

/// Written by hand so that the token never reaches a log through `{:?}`.
impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("authority", &self.authority)
            .field("path", &self.path)
            .field("headers", &self.headers.len())
            .field("token", &self.token.as_ref().map(|_| "********"))
            .field("body_template", &self.body_template)
            .finish()
    }
}

impl FileSms {
    /// Types the table; the error names the key.
    pub fn check(self) -> Result<SmsConfig, (&'static str, String)> {
        let bad_url = |why: &str| ("sms.url", why.to_string());
        let uri: Uri = self
            .url
            .trim()
            .parse()
            .map_err(|_| bad_url("must be a URL like \"http://127.0.0.1:8080/send\""))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(bad_url(
                    "https:// is not supported (rsrcd has no TLS client for the gateway); \
                     use http:// to a gateway on this host or a trusted network, or a local \
                     TLS-terminating proxy",
                ))
            }
            _ => return Err(bad_url("must start with http://")),
        }
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad_url("has no host"))?;
        let authority = format!("{host}:{}", uri.port_u16().unwrap_or(80));
        let path = uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".into());
        let mut headers = Vec::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ("sms.headers", format!("`{name}` is not a header name")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| ("sms.headers", format!("the value of `{name}` is not valid")))?;
            headers.push((name, value));
        }
        let token = match (self.token, self.token_file) {
            (Some(_), Some(_)) => {
                return Err((
                    "sms.token_file",
                    "give sms.token or sms.token_file, not both".into(),
                ))
            }
            (token, None) => token,
            (None, Some(path)) => {
                Some(crate::config::read_secret(&path).map_err(|m| ("sms.token_file", m))?)
            }
        };
        let token = token
            .map(|t| HeaderValue::from_str(&format!("Bearer {}", t.trim())))
            .transpose()
            .map_err(|_| ("sms.token", "is not valid in a header".to_string()))?
            .map(|mut v| {
                v.set_sensitive(true);
                v
            });
        if let Some(t) = &self.body_template {
            if !t.contains("{text}") {
                return Err((
                    "sms.body_template",
                    "must contain {text} (and usually {to})".into(),
                ));
            }
        }
        Ok(SmsConfig {
            authority,
            path,
            headers,
            token,
            body_template: self.body_template,
        })
    }
}

impl SmsConfig {
    /// The `Authorization` value sent, if any.
    pub fn bearer(&self) -> Option<String> {
        self.token
            .as_ref()
            .and_then(|t| t.to_str().ok())
            .map(str::to_string)
    }

    /// The request body for one message: the template with its placeholders replaced by the
    /// JSON-escaped values, or `{"to": .., "text": ..}`.
    pub fn body(&self, to: &str, text: &str) -> String {
        match &self.body_template {
            None => serde_json::json!({"to": to, "text": text}).to_string(),
            Some(template) => {
                let mut out = String::with_capacity(template.len() + text.len());
                let mut rest = template.as_str();
                // One pass: a value that itself reads "{to}" is not replaced again.
                while let Some(at) = rest.find('{') {
                    out.push_str(&rest[..at]);
                    let tail = &rest[at..];
                    if let Some(after) = tail.strip_prefix("{to}") {
                        out.push_str(&json_escape(to));
                        rest = after;
                    } else if let Some(after) = tail.strip_prefix("{text}") {
                        out.push_str(&json_escape(text));
                        rest = after;
                    } else {
                        out.push('{');
                        rest = &tail[1..];
                    }
                }
                out.push_str(rest);
                out
            }
        }
    }

    async fn post(&self, body: String) -> Result<hyper::StatusCode, Failure> {
        let retry = |error: String| Failure {
            error,
            permanent: false,
        };
        let stream = tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio::net::TcpStream::connect(&self.authority),
        )
        .await
        .map_err(|_| {
            retry(format!(
                "connecting to the SMS gateway {} timed out",
                self.authority
            ))
        })?
        .map_err(|e| {
            retry(format!(
                "cannot connect to the SMS gateway {}: {e}",
                self.authority
            ))
        })?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, Full<Bytes>>(io)
            .await
            .map_err(|e| retry(format!("SMS gateway handshake: {e}")))?;
        let mut request = Request::post(self.path.as_str())
            .header(HOST, self.authority.as_str())
            .header(CONTENT_TYPE, "application/json");
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(token) = &self.token {
            request = request.header(AUTHORIZATION, token);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| Failure {
                error: format!("cannot build the SMS request: {e}"),
                permanent: true,
            })?;
        // The connection is driven beside the request and dropped with it.
        let driver = tokio::spawn(async move {
            let _ = conn.await;
        });
        let answer = tokio::time::timeout(RESPONSE_TIMEOUT, sender.send_request(request)).await;
        driver.abort();
        let response = answer
            .map_err(|_| {
                retry(format!(
                    "the SMS gateway {} did not answer in time",
                    self.authority
                ))
            })?
            .map_err(|e| retry(format!("SMS gateway {}: {e}", self.authority)))?;
        Ok(response.status())
    }
}

fn json_escape(value: &str) -> String {
    let quoted = serde_json::Value::from(value).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// The outbox's SMS channel.
pub struct Gateway {
    pub config: SmsConfig,
}

#[async_trait::async_trait]
impl Transport for Gateway {
    fn channel(&self) -> Channel {
        Channel::Sms
    }

    async fn deliver(&self, message: &Due, text: String) -> Result<(), Failure> {
        let status = self
            .config
            .post(self.config.body(&message.recipient, &text))
            .await?;
        if status.is_success() {
            Ok(())
        } else {
            // A 4xx will not change on a retry (and a redirect is not followed); a 5xx may.
            Err(Failure {
                error: format!("the SMS gateway answered {status}"),
                permanent: !status.is_server_error(),
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
    let gateway = std::sync::Arc::new(Gateway { config });
    crate::domain::notify::outbox::run_channel(registry, outbox, gateway, shutdown).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(template: Option<&str>) -> SmsConfig {
        FileSms {
            url: "http://127.0.0.1:9/".into(),
            headers: BTreeMap::new(),
            token: None,
            token_file: None,
            body_template: template.map(str::to_string),
        }
        .check()
        .unwrap()
    }

    #[test]
    fn bodies_are_json_with_the_values_escaped() {
        let text = "crash \"quoted\" \\ {to}\nline";
        let body: serde_json::Value =
            serde_json::from_str(&config(None).body("+15550001", text)).unwrap();
        assert_eq!(body, serde_json::json!({"to": "+15550001", "text": text}));
        let templated = config(Some(r#"{"msisdn": "{to}", "msg": {"body": "{text}"}}"#))
            .body("+15550001", text);
        let body: serde_json::Value = serde_json::from_str(&templated).unwrap();
        assert_eq!(body["msisdn"], "+15550001");
        assert_eq!(body["msg"]["body"], text, "substituted once, escaped");
    }
}
