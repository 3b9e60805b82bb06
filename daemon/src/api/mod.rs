//! The HTTP layer: one routing table from (method, path) to a handler. Handlers decode the
//! request, call the domain module, and encode the answer; they hold no SQL and no Docker calls.

mod accounts;
mod instances;
mod machines;
pub mod response;

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};
use rsrc_shared::api::{decode_segment, MAX_BODY_BYTES};
use serde::de::DeserializeOwned;

use crate::accounts::{Caller, Peer};
use crate::error::{Error, Result};
use crate::State;
use response::Body;

/// What a handler gets: the parsed request, its body, and who is on the other end.
pub struct Ctx {
    pub state: Arc<State>,
    pub method: Method,
    pub query: Vec<(String, String)>,
    pub token: Option<String>,
    pub body: Bytes,
    pub peer: Peer,
}

impl Ctx {
    /// Decodes the JSON body; an empty body reads as `{}`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        let bytes: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &self.body
        };
        serde_json::from_slice(bytes)
            .map_err(|e| Error::invalid(format!("bad request body: {}", describe_json_error(&e))))
    }

    pub async fn caller(&self) -> Result<Caller> {
        crate::accounts::authenticate(&self.state, self.token.clone()).await
    }

    pub fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean query flag: `?force`, `?force=true`, `?force=1`.
    pub fn flag(&self, key: &str) -> Result<bool> {
        match self.query(key) {
            None => Ok(false),
            Some("" | "true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            Some(other) => Err(Error::invalid(format!(
                "query parameter `{key}` must be true or false, not `{other}`"
            ))),
        }
    }
}

/// Runs `work` to the end even when the client goes away. hyper drops a request's future when
/// its connection closes; a create or remove cut off there would leave its journal entry for
/// the next start to finish.
pub async fn detached<T, F>(work: F) -> Result<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = Result<T>> + Send + 'static,
{
    tokio::spawn(work)
        .await
        .map_err(|e| Error::internal(format!("request task failed: {e}")))?
}

/// serde repeats the offending value in type errors (`invalid type: string "hunter2", expected
/// ...`), and that value may be a password, a code or a secret env value: keep what kind of
/// error it is and what was expected, drop what was sent.
fn describe_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let Some(kind) = ["invalid type", "invalid value", "invalid length"]
        .into_iter()
        .find(|k| text.starts_with(k))
    else {
        return text;
    };
    match text.rfind(", expected ") {
        Some(i) => format!("{kind}{}", &text[i..]),
        None => format!("{kind} at line {} column {}", e.line(), e.column()),
    }
}

pub async fn handle(state: Arc<State>, req: Request<Incoming>, peer: Peer) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = match dispatch(state, req, peer).await {
        Ok(resp) => resp,
        Err(err) => response::error(&err),
    };
    tracing::debug!(%method, %path, status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64, "request");
    resp
}

async fn dispatch(state: Arc<State>, req: Request<Incoming>, peer: Peer) -> Result<Response<Body>> {
    if state.is_shutting_down() {
        return Err(Error::ShuttingDown);
    }
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                Error::PayloadTooLarge(MAX_BODY_BYTES)
            } else {
                Error::invalid(format!("cannot read request body: {e}"))
            }
        })?
        .to_bytes();
    let path = parts.uri.path().to_string();
    let segments = split_path(&path)?;
    let token = parts
        .headers
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let query = parse_query(parts.uri.query().unwrap_or(""))?;
    let ctx = Ctx {
        state,
        method: parts.method,
        query,
        token,
        body,
        peer,
    };
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    route(ctx, &path, &segs).await
}

/// `/v1/a/b` → `["a", "b"]`, percent-decoded. Anything outside `/v1` is unknown.
fn split_path(path: &str) -> Result<Vec<String>> {
    let rest = path
        .strip_prefix("/v1")
        .filter(|r| r.is_empty() || r.starts_with('/'))
        .ok_or_else(|| Error::UnknownEndpoint(path.to_string()))?;
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    // An empty segment (`/v1/instances//stop`) is never a name: `rsrc instance stop ""` must
    // not become `rsrc instance ls`.
    rest.split('/')
        .map(|s| match s {
            "" => Err(Error::UnknownEndpoint(path.to_string())),
            s => decode_segment(s).ok_or_else(|| Error::invalid(format!("bad path segment `{s}`"))),
        })
        .collect()
}

fn parse_query(query: &str) -> Result<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                decode_segment(&s.replace('+', " "))
                    .ok_or_else(|| Error::invalid(format!("bad query parameter `{pair}`")))
            };
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

async fn route(ctx: Ctx, path: &str, segs: &[&str]) -> Result<Response<Body>> {
    use Method as M;
    let method = ctx.method.clone();
    let allowed: &[Method] = match segs {
        [] | ["version"] => &[M::GET],
        ["signup"]
        | ["login"]
        | ["logout"]
        | ["password"]
        | ["otp", "send"]
        | ["otp", "verify"] => &[M::POST],
        ["whoami"] => &[M::GET],
        ["profile"] => &[M::GET, M::PATCH, M::DELETE],
        ["admin", "users"] | ["admin", "orphans"] => &[M::GET],
        ["admin", "users", _, _] => &[M::POST],
        ["machines"] => &[M::GET, M::POST],
        ["machines", _] => &[M::GET, M::PATCH, M::PUT, M::DELETE],
        ["images", "pull"] => &[M::POST],
        ["instances"] => &[M::GET, M::POST],
        ["instances", _] => &[M::GET, M::DELETE],
        ["instances", _, "logs"] => &[M::GET],
        ["instances", _, _] => &[M::POST],
        ["volumes"] => &[M::GET],
        ["volumes", _] => &[M::DELETE],
        _ => return Err(Error::UnknownEndpoint(path.to_string())),
    };
    if !allowed.contains(&method) {
        return Err(Error::MethodNotAllowed {
            method: method.to_string(),
            path: path.to_string(),
        });
    }
    match (method, segs) {
        (_, [] | ["version"]) => accounts::version(ctx).await,
        (_, ["signup"]) => accounts::signup(ctx).await,
        (_, ["login"]) => accounts::login(ctx).await,
        (_, ["logout"]) => accounts::logout(ctx).await,
        (_, ["whoami"]) => accounts::whoami(ctx).await,
        (M::GET, ["profile"]) => accounts::whoami(ctx).await,
        (M::PATCH, ["profile"]) => accounts::update_profile(ctx).await,
        (_, ["profile"]) => accounts::delete_profile(ctx).await,
        (_, ["password"]) => accounts::change_password(ctx).await,
        (_, ["otp", "send"]) => accounts::send_otp(ctx).await,
        (_, ["otp", "verify"]) => accounts::verify_otp(ctx).await,
        (_, ["admin", "users"]) => accounts::list_users(ctx).await,
        (_, ["admin", "users", email, action]) => {
            accounts::admin_action(ctx, email.to_string(), action).await
        }
        (_, ["admin", "orphans"]) => instances::orphans(ctx).await,
        (M::GET, ["machines"]) => machines::list(ctx).await,
        (_, ["machines"]) => machines::create(ctx).await,
        (M::GET, ["machines", name]) => machines::show(ctx, name).await,
        (M::PATCH, ["machines", name]) => machines::update(ctx, name).await,
        (M::PUT, ["machines", name]) => machines::apply(ctx, name).await,
        (_, ["machines", name]) => machines::remove(ctx, name).await,
        (_, ["images", "pull"]) => machines::pull(ctx).await,
        (M::GET, ["instances"]) => instances::list(ctx).await,
        (_, ["instances"]) => instances::create(ctx).await,
        (M::GET, ["instances", id]) => instances::show(ctx, id).await,
        (_, ["instances", id]) => instances::remove(ctx, id).await,
        (_, ["instances", id, "logs"]) => instances::logs(ctx, id).await,
        (_, ["instances", id, action]) => instances::action(ctx, id, action).await,
        (_, ["volumes"]) => instances::list_volumes(ctx).await,
        (_, ["volumes", name]) => instances::remove_volume(ctx, name).await,
        _ => Err(Error::UnknownEndpoint(path.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_under_v1_only() {
        assert_eq!(split_path("/v1").unwrap(), Vec::<String>::new());
        assert_eq!(
            split_path("/v1/admin/users/a%2Bb%40c.de/promote").unwrap(),
            vec!["admin", "users", "a+b@c.de", "promote"]
        );
        assert!(split_path("/v2/version").is_err());
        assert!(split_path("/v1x").is_err());
        assert!(split_path("/v1/%zz").is_err());
        assert_eq!(split_path("/v1/instances/").unwrap(), vec!["instances"]);
        assert!(split_path("/v1/instances//stop").is_err());
        assert!(split_path("/v1//instances").is_err());
    }

    #[test]
    fn body_errors_do_not_repeat_values() {
        let e = serde_json::from_str::<rsrc_shared::api::Login>(
            r#"{"email":"a@b.co","password":12345678}"#,
        )
        .unwrap_err();
        let text = describe_json_error(&e);
        assert!(!text.contains("12345678"), "{text}");
        assert!(text.contains("expected a string"), "{text}");
        let e = serde_json::from_str::<rsrc_shared::api::Login>(r#""hunter2-secret""#).unwrap_err();
        let text = describe_json_error(&e);
        assert!(!text.contains("hunter2"), "{text}");
        let e = serde_json::from_str::<rsrc_shared::api::Login>(r#"{"x":1}"#).unwrap_err();
        assert!(describe_json_error(&e).contains("unknown field `x`"));
    }

    #[test]
    fn queries_parse() {
        let q = parse_query("all=true&tail=5&x").unwrap();
        assert_eq!(q[0], ("all".into(), "true".into()));
        assert_eq!(q[2], ("x".into(), "".into()));
    }
}
