//! `[sms]` in rsrcd.toml, checked at load so that a misconfiguration shows at start: where the
//! gateway is, how rsrcd proves who it is, how a message is written, which CA to trust.
//!
//! https:// is the rule (issue 19 item 13: real gateways are https-only, and the token must not
//! travel in clear). Plain http:// is accepted only to a gateway on this host (127.0.0.0/8, ::1,
//! localhost), where nothing crosses a network.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use serde::Deserialize;

use super::body::{Body, BodyFormat};

/// How long a whole request may take, answer included, unless `timeout_secs` says otherwise.
const DEFAULT_TIMEOUT_SECS: u64 = 10;
const MAX_TIMEOUT_SECS: u64 = 300;
/// At most this long to connect (TCP and TLS), and at most half the request's timeout: a
/// connect that takes too long then fails as a connect (nothing sent, retried), never as an
/// unanswered request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// `[sms]` as written.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSms {
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// Sent as `Authorization: Bearer`.
    token: Option<String>,
    /// The token from a file instead (a systemd credential, say); read at load.
    token_file: Option<PathBuf>,
    /// Basic auth (Twilio: the account SID), with `password` or `password_file`.
    username: Option<String>,
    password: Option<String>,
    password_file: Option<PathBuf>,
    /// `json` (the default) or `form`.
    #[serde(default)]
    format: BodyFormat,
    /// The JSON body, with `{to}` and `{text}` (format = "json").
    body_template: Option<String>,
    /// The form's fields, whose values may hold `{to}` and `{text}` (format = "form").
    fields: Option<BTreeMap<String, String>>,
    /// An extra CA (PEM) to trust beside the public roots: a private gateway, the tests.
    ca_file: Option<PathBuf>,
    /// How long a whole request may take, answer included.
    timeout_secs: Option<u64>,
    /// The header carrying the message's idempotency key; "" sends none.
    idempotency_header: Option<String>,
}

/// How rsrcd authenticates to the gateway.
#[derive(Clone)]
pub(super) enum Auth {
    Bearer(String),
    Basic { username: String, password: String },
}

/// `[sms]`, checked: where and how to post a message.
#[derive(Clone)]
pub struct SmsConfig {
    pub(super) url: Url,
    pub(super) headers: HeaderMap,
    pub(super) auth: Option<Auth>,
    pub(super) body: Body,
    pub(super) idempotency_header: Option<HeaderName>,
    /// For the whole request, answer included.
    pub(super) timeout: Duration,
    /// For connecting (TCP and TLS), within `timeout`.
    pub(super) connect_timeout: Duration,
    pub(super) client: reqwest::Client,
}

/// Written by hand so that secrets never reach a log through `{:?}`.
impl std::fmt::Debug for FileSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSms")
            .field("url", &shown(&self.url))
            .field("token", &self.token.as_ref().map(|_| "********"))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .finish_non_exhaustive()
    }
}

/// Written by hand so that the token, the password and header values never reach a log.
impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match &self.auth {
            None => "none".to_string(),
            Some(Auth::Bearer(_)) => "Bearer ********".to_string(),
            Some(Auth::Basic { username, .. }) => format!("Basic {username}:********"),
        };
        f.debug_struct("SmsConfig")
            .field("url", &self.shown_url())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("auth", &auth)
            .field("body", &self.body)
            .field("idempotency_header", &self.idempotency_header)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A URL as shown in messages: no user info, no query (a gateway may take a key there).
fn shown(url: &str) -> String {
    match Url::parse(url.trim()) {
        Ok(url) => shown_url(&url),
        Err(_) => "<not a URL>".into(),
    }
}

fn shown_url(url: &Url) -> String {
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(url.path());
    if url.query().is_some() {
        out.push_str("?…");
    }
    out
}

/// Whether `url` points at this host, where plain http:// crosses no network.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

type Refusal = (&'static str, String);

fn secret(
    inline: Option<String>,
    file: Option<PathBuf>,
    keys: (&'static str, &'static str),
) -> Result<Option<String>, Refusal> {
    match (inline, file) {
        (Some(_), Some(_)) => Err((keys.1, format!("give {} or {}, not both", keys.0, keys.1))),
        (inline, None) => Ok(inline.map(|s| s.trim().to_string())),
        (None, Some(path)) => crate::config::read_secret(&path)
            .map(Some)
            .map_err(|m| (keys.1, m)),
    }
}

impl FileSms {
    /// Types the table; the error names the key.
    pub fn check(self) -> Result<SmsConfig, Refusal> {
        let bad_url = |why: &str| ("sms.url", why.to_string());
        let url = Url::parse(self.url.trim())
            .map_err(|_| bad_url("must be a URL like \"https://sms.example.com/send\""))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad_url("has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad_url(
                "must not hold a user name or password; use sms.username and \
                 sms.password_file (or sms.token_file)",
            ));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(bad_url(
                    "http:// is allowed only to a gateway on this host (127.0.0.1, ::1, \
                     localhost): elsewhere the token and the messages would travel in clear; \
                     use https://",
                ))
            }
            _ => return Err(bad_url("must start with https://")),
        }

        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ("sms.headers", format!("`{name}` is not a header name")))?;
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| ("sms.headers", format!("the value of `{name}` is not valid")))?;
            // An API key in a header is as secret as the token (hyper keeps it out of traces).
            value.set_sensitive(true);
            headers.insert(name, value);
        }

        let token = secret(self.token, self.token_file, ("sms.token", "sms.token_file"))?;
        let password = secret(
            self.password,
            self.password_file,
            ("sms.password", "sms.password_file"),
        )?;
        let auth =
            match (token, self.username, password) {
                (Some(_), Some(_), _) | (Some(_), _, Some(_)) => return Err((
                    "sms.token",
                    "give sms.token (Bearer) or sms.username and sms.password (Basic), not both"
                        .into(),
                )),
                (Some(token), None, None) => {
                    if HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
                        return Err(("sms.token", "is not valid in a header".into()));
                    }
                    Some(Auth::Bearer(token))
                }
                (None, Some(username), Some(password)) => {
                    if username.contains(':') {
                        return Err(("sms.username", "must not contain ':'".into()));
                    }
                    Some(Auth::Basic { username, password })
                }
                (None, Some(_), None) => {
                    return Err((
                        "sms.username",
                        "needs sms.password or sms.password_file".into(),
                    ))
                }
                (None, None, Some(_)) => {
                    return Err(("sms.password", "needs sms.username".into()));
                }
                (None, None, None) => None,
            };

        let body = Body::check(self.format, self.body_template, self.fields)?;

        let idempotency_header = match self.idempotency_header.as_deref() {
            Some("") => None,
            name => {
                let name = name.unwrap_or(DEFAULT_IDEMPOTENCY_HEADER);
                Some(HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    (
                        "sms.idempotency_header",
                        format!("`{name}` is not a header name"),
                    )
                })?)
            }
        };

        let timeout_secs = self.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS);
        if !(1..=MAX_TIMEOUT_SECS).contains(&timeout_secs) {
            return Err((
                "sms.timeout_secs",
                format!("must be between 1 and {MAX_TIMEOUT_SECS}"),
            ));
        }
        let timeout = Duration::from_secs(timeout_secs);
        let connect_timeout = CONNECT_TIMEOUT.min(timeout / 2);

        let mut client = reqwest::Client::builder()
            // A redirect is not followed: it would carry the token elsewhere (and a 3xx is
            // given up as a 4xx is).
            .redirect(reqwest::redirect::Policy::none())
            // One connection per message: a reused connection that the gateway closed while
            // idle would fail after the request went out, and count as unanswered.
            .pool_max_idle_per_host(0)
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .https_only(url.scheme() == "https")
            .user_agent(concat!("rsrcd/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                (
                    "sms.ca_file",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
                (
                    "sms.ca_file",
                    format!("{} is not PEM certificates", path.display()),
                )
            })?;
            if certs.is_empty() {
                return Err((
                    "sms.ca_file",
                    format!("{} holds no PEM certificate", path.display()),
                ));
            }
            for cert in certs {
                client = client.add_root_certificate(cert);
            }
        }
        let client = client.build().map_err(|e| {
            (
                "sms",
                format!(
                    "cannot set up the HTTPS client: {}",
                    crate::error::chain(&e)
                ),
            )
        })?;

        Ok(SmsConfig {
            url,
            headers,
            auth,
            body,
            idempotency_header,
            timeout,
            connect_timeout,
            client,
        })
    }
}

impl SmsConfig {
    /// The `Authorization` value sent with a token, if any.
    pub fn bearer(&self) -> Option<String> {
        match &self.auth {
            Some(Auth::Bearer(token)) => Some(format!("Bearer {token}")),
            _ => None,
        }
    }

    /// The gateway's URL as shown in messages and logs (no query, no user info).
    pub fn shown_url(&self) -> String {
        shown_url(&self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(toml: &str) -> Result<SmsConfig, Refusal> {
        toml::from_str::<FileSms>(toml)
            .map_err(|e| ("toml", e.to_string()))?
            .check()
    }

    /// Issue 19 item 13: plain http:// only where nothing crosses a network.
    #[test]
    fn plain_http_only_to_this_host() {
        for url in [
            "http://127.0.0.1:8080/send",
            "http://127.1.2.3/send",
            "http://[::1]:9/send",
            "http://localhost/send",
            "http://LOCALHOST:80/",
            "https://sms.example.com/send",
            "https://10.0.0.1/send",
        ] {
            check(&format!("url = {url:?}")).unwrap_or_else(|e| panic!("{url}: {e:?}"));
        }
        for url in [
            "http://sms.example.com/send",
            "http://10.0.0.1/send",
            "http://[::2]/send",
            "http://localhost.example.com/send",
            "http://128.0.0.1/",
        ] {
            let (key, why) = check(&format!("url = {url:?}")).err().unwrap();
            assert_eq!(key, "sms.url");
            assert!(
                why.contains("in clear") && why.contains("https://"),
                "{why}"
            );
        }
        let (key, why) = check("url = \"ftp://127.0.0.1/\"").err().unwrap();
        assert_eq!((key, why.as_str()), ("sms.url", "must start with https://"));
        let (key, _) = check("url = \"https://u:p@h.example/\"").err().unwrap();
        assert_eq!(key, "sms.url");
    }

    #[test]
    fn auth_is_bearer_or_basic_never_both_and_never_shown() {
        let c = check("url = \"https://h.example/\"\nusername = \"ACxx\"\npassword = \"pw-1\"")
            .unwrap();
        assert!(matches!(&c.auth, Some(Auth::Basic { username, .. }) if username == "ACxx"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("pw-1") && shown.contains("ACxx"), "{shown}");
        let c = check("url = \"https://h.example/?key=k3y\"\ntoken = \"t0k\"").unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("t0k") && !shown.contains("k3y"), "{shown}");
        for (toml, key) in [
            (
                "token = \"t\"\nusername = \"u\"\npassword = \"p\"",
                "sms.token",
            ),
            ("username = \"u\"", "sms.username"),
            ("password = \"p\"", "sms.password"),
            ("username = \"a:b\"\npassword = \"p\"", "sms.username"),
            (
                "username = \"u\"\npassword = \"p\"\npassword_file = \"/x\"",
                "sms.password_file",
            ),
            ("timeout_secs = 0", "sms.timeout_secs"),
            ("idempotency_header = \"a b\"", "sms.idempotency_header"),
            ("ca_file = \"/nonexistent/ca.pem\"", "sms.ca_file"),
        ] {
            let (got, why) = check(&format!("url = \"https://h.example/\"\n{toml}"))
                .err()
                .unwrap_or_else(|| panic!("{toml} accepted"));
            assert_eq!(got, key, "{toml}: {why}");
        }
    }

    #[test]
    fn the_idempotency_header_defaults_and_can_be_turned_off() {
        let c = check("url = \"https://h.example/\"").unwrap();
        assert_eq!(
            c.idempotency_header.as_ref().map(|h| h.as_str()),
            Some("idempotency-key")
        );
        let c = check("url = \"https://h.example/\"\nidempotency_header = \"\"").unwrap();
        assert!(c.idempotency_header.is_none());
        assert_eq!(c.timeout, Duration::from_secs(DEFAULT_TIMEOUT_SECS));
        assert_eq!(c.connect_timeout, CONNECT_TIMEOUT);
        let c = check("url = \"https://h.example/\"\ntimeout_secs = 1").unwrap();
        assert_eq!(c.connect_timeout, Duration::from_millis(500));
    }
}
