//! The HTTP layer: one route table from (method, path) to an access level and a handler.
//! Authentication follows from the access level, on the request head, before the body is read
//! and the handler runs. Handlers decode the
//! request (typed query, JSON body), call the domain module, and encode the answer; they hold no
//! SQL and no Docker calls.

mod accounts;
mod events;
mod exec;
mod feed;
mod instances;
mod machines;
pub mod query;
pub mod response;
pub mod router;
mod status;

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body as _, Incoming};
use hyper::{Request, Response};
use rsrc_shared::api::endpoints::{self as ep, Body as _, Endpoint};
use rsrc_shared::api::MAX_BODY_BYTES;
use serde::de::DeserializeOwned;

use crate::domain::accounts::streams::StreamLease;
use crate::domain::accounts::{Caller, Peer};
use crate::error::{Error, Result};
use crate::State;
use response::{Body, StreamTx};
use router::{route, Access, Handler, Params, Route};

/// Every endpoint of `rsrc_shared::api::endpoints`, one line each. `Admin` and `Verified` are
/// checked here and again in the domain functions; `User` routes such as `ListInstances` with
/// `?all` leave the admin-only variants to the domain.
pub const ROUTES: &[Route] = &[
    route!(ep::GetRoot          => Public,   accounts::version),
    route!(ep::GetVersion       => Public,   accounts::version),
    route!(ep::GetStatus        => User,     status::status),
    route!(ep::SignUp           => Public,   accounts::signup),
    route!(ep::LogIn            => Public,   raw, accounts::login),
    route!(ep::RequestLoginCode => Public,   accounts::login_code),
    route!(ep::LogOut           => User,     accounts::logout),
    route!(ep::WhoAmI           => User,     accounts::whoami),
    route!(ep::ShowProfile      => User,     accounts::whoami),
    route!(ep::UpdateProfile    => User,     accounts::update_profile),
    route!(ep::DeleteProfile    => User,     accounts::delete_profile),
    route!(ep::ChangePassword   => User,     accounts::change_password),
    route!(ep::SendOtp          => User,     accounts::send_otp),
    route!(ep::VerifyOtp        => User,     accounts::verify_otp),
    route!(ep::VerifyPhone      => User,     accounts::verify_phone),
    route!(ep::ListUsers        => Admin,    accounts::list_users),
    route!(ep::PromoteUser      => Admin,    accounts::promote),
    route!(ep::DemoteUser       => Admin,    accounts::demote),
    route!(ep::DisableUser      => Admin,    accounts::disable),
    route!(ep::EnableUser       => Admin,    accounts::enable),
    route!(ep::ListOrphans      => Admin,    instances::orphans),
    route!(ep::ListMachines     => User,     machines::list),
    route!(ep::CreateMachine    => Admin,    raw, machines::create),
    route!(ep::ShowMachine      => User,     machines::show),
    route!(ep::UpdateMachine    => Admin,    machines::update),
    route!(ep::ApplyMachine     => Admin,    machines::apply),
    route!(ep::RemoveMachine    => Admin,    machines::remove),
    route!(ep::ListComments     => User,     feed::list_comments),
    route!(ep::PostComment      => Verified, feed::post_comment),
    route!(ep::EditComment      => Verified, feed::edit_comment),
    route!(ep::RemoveComment    => Verified, feed::remove_comment),
    route!(ep::SetVote          => Verified, feed::vote),
    route!(ep::RemoveVote       => Verified, feed::unvote),
    route!(ep::SetRating        => Verified, feed::rate),
    route!(ep::RemoveRating     => Verified, feed::unrate),
    route!(ep::ListFeedback     => User,     feed::feedback),
    route!(ep::PullImage        => Admin,    raw, machines::pull),
    route!(ep::ListInstances    => User,     instances::list),
    route!(ep::CreateInstance   => Verified, instances::create),
    route!(ep::ShowInstance     => User,     instances::show),
    route!(ep::RemoveInstance   => User,     instances::remove),
    route!(ep::InstanceLogs     => User,     raw, instances::logs),
    route!(ep::InstanceUptime   => User,     events::uptime),
    route!(ep::StartInstance    => User,     instances::start),
    route!(ep::StopInstance     => User,     instances::stop),
    route!(ep::RestartInstance  => User,     instances::restart),
    route!(ep::WaitInstance     => User,     instances::wait),
    route!(ep::RecreateInstance => User,     instances::recreate),
    route!(ep::ExecInstance     => User,     raw, exec::exec),
    route!(ep::ListEvents       => User,     raw, events::list),
    route!(ep::ListVolumes      => User,     instances::list_volumes),
    route!(ep::RemoveVolume     => User,     instances::remove_volume),
];

/// What a handler gets besides its caller: the decoded request and who is on the other end.
pub struct Ctx {
    pub state: Arc<State>,
    pub peer: Peer,
    params: Params,
    /// Checked and without repeated keys (`query::normalize`).
    query: String,
    body: Bytes,
    streams: bool,
    /// A streaming route's hold on its caller's session, which ends the stream when the session
    /// is revoked; taken when the caller is known.
    lease: Option<StreamLease>,
    /// Closes this request's connection (see `server::Hangup`).
    hangup: Option<tokio_util::sync::CancellationToken>,
    /// The protocol the client asked to switch to (`Upgrade:`), and the connection once
    /// switched (see `exec`).
    upgrade: Option<(String, hyper::upgrade::OnUpgrade)>,
    /// The connection's place under the caps, for a handler that takes the connection over.
    slot: Option<crate::http::server::ConnectionSlot>,
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

    /// The query and body of endpoint `E`, decoded: the query first, then the body unless
    /// the endpoint takes none (a body sent then was refused in `dispatch`).
    pub fn decode<E: Endpoint>(&self) -> Result<(E::Query, E::Request)> {
        let query = self.query()?;
        let body = if E::Request::EMPTY {
            serde_json::from_slice(b"null")
                .map_err(|e| Error::internal(format!("an empty body does not decode: {e}")))?
        } else {
            self.json()?
        };
        Ok((query, body))
    }

    /// Decodes the query string into the handler's struct; unknown keys are ignored.
    pub fn query<T: DeserializeOwned>(&self) -> Result<T> {
        query::decode(&self.query)
    }

    /// A path parameter of the route, e.g. `ref` in `/v1/instances/{ref}`.
    pub fn param(&self, name: &str) -> Result<&str> {
        self.params
            .get(name)
            .ok_or_else(|| Error::internal(format!("the route has no parameter `{name}`")))
    }

    /// The lease of a streaming route; only a route declared `streams` has one, so that the
    /// table says which requests hold their connection open.
    fn lease(&self) -> Result<StreamLease> {
        match (&self.lease, self.streams) {
            (Some(lease), true) => Ok(lease.clone()),
            _ => Err(Error::internal("this route is not declared as streaming")),
        }
    }

    /// A streamed response. The stream's producer learns of shutdown and of its session's
    /// revocation through the sender.
    pub fn stream(&self, content_type: &str) -> Result<(StreamTx, Response<Body>)> {
        Ok(response::stream(content_type, self.lease()?))
    }

    /// A streamed text response that forwards `chunks` (see [`response::text_stream`]); only for
    /// a route declared `streams`.
    pub fn text_stream(
        &self,
        chunks: impl futures_util::Stream<Item = Result<Bytes>> + Send + 'static,
    ) -> Result<Response<Body>> {
        Ok(response::text_stream(chunks, self.lease()?))
    }

    /// A streamed body of `batches` (see [`response::batches`]); only for a route declared
    /// `streams`.
    pub fn batches(
        &self,
        content_type: &str,
        batches: impl futures_util::Stream<Item = Bytes> + Send + 'static,
        last: impl FnOnce(&Error) -> Option<Bytes> + Send + 'static,
    ) -> Result<Response<Body>> {
        Ok(response::batches(
            content_type,
            batches,
            self.lease()?,
            last,
        ))
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

/// The whole request body, at most `MAX_BODY_BYTES`, within `deadline`. A declared length over
/// the cap is refused before anything is read, and a body that does not arrive in time (a
/// client that declares one and never sends it) does not hold its connection for ever.
async fn read_body(body: Incoming, deadline: std::time::Duration) -> Result<Bytes> {
    if body.size_hint().lower() > MAX_BODY_BYTES as u64 {
        return Err(Error::PayloadTooLarge(MAX_BODY_BYTES));
    }
    let collected = tokio::time::timeout(deadline, Limited::new(body, MAX_BODY_BYTES).collect())
        .await
        .map_err(|_| {
            Error::invalid(format!(
                "the request body did not arrive within {}",
                humantime::format_duration(deadline)
            ))
        })?;
    let body = collected.map_err(|e| {
        if e.is::<http_body_util::LengthLimitError>() {
            Error::PayloadTooLarge(MAX_BODY_BYTES)
        } else {
            Error::invalid(format!("cannot read request body: {e}"))
        }
    })?;
    Ok(body.to_bytes())
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

/// Routes and authenticates on the request head, and reads the body only after that: a
/// caller without a session, or a body sent to an endpoint that takes none, is answered without
/// the body being read (hyper then closes the connection instead of draining it).
async fn dispatch(state: Arc<State>, req: Request<Incoming>, peer: Peer) -> Result<Response<Body>> {
    if state.is_shutting_down() {
        return Err(Error::ShuttingDown);
    }
    let (mut parts, body) = req.into_parts();
    let upgrade = parts
        .headers
        .get(hyper::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .zip(parts.extensions.remove::<hyper::upgrade::OnUpgrade>());
    let slot = parts
        .extensions
        .remove::<crate::http::server::ConnectionSlot>();
    let hangup = parts
        .extensions
        .get::<crate::http::server::Hangup>()
        .map(|h| h.0.clone());
    let path = parts.uri.path();
    let segments = router::split_path(path)?;
    let query = query::normalize(parts.uri.query().unwrap_or(""))?;
    let (route, params) = router::find(ROUTES, &parts.method, path, &segments)?;
    let caller = match route.handler {
        Handler::Public(_) => None,
        Handler::Caller(_) => {
            let token = parts
                .headers
                .get(hyper::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty());
            Some(authorize(&state, token, peer, route.access).await?)
        }
    };
    let body = if route.body {
        read_body(body, state.config.connections.body_timeout()).await?
    } else if body.size_hint().exact() == Some(0) {
        Bytes::new()
    } else {
        return Err(Error::invalid(format!(
            "{} {} takes no request body",
            parts.method, route.path
        )));
    };
    let lease = match (&caller, route.streams) {
        (Some(caller), true) => Some(state.streams.open(caller, &state.shutdown)),
        _ => None,
    };
    let ctx = Ctx {
        state,
        peer,
        params,
        query,
        body,
        streams: route.streams,
        lease,
        hangup,
        upgrade,
        slot,
    };
    match (route.handler, caller) {
        (Handler::Public(handler), _) => handler(ctx).await,
        (Handler::Caller(handler), Some(caller)) => handler(ctx, caller).await,
        (Handler::Caller(_), None) => Err(Error::internal("a caller's route without a caller")),
    }
}

/// The caller a route's access level demands. The messages are the domain's own
/// (`require_verified`, `require_admin`), which still check for themselves.
async fn authorize(
    state: &State,
    token: Option<String>,
    peer: Peer,
    access: Access,
) -> Result<Caller> {
    let caller = crate::domain::accounts::authenticate(state, token, peer).await?;
    match access {
        Access::Public | Access::User => {}
        Access::Verified => caller.require_verified()?,
        Access::Admin => caller.require_admin()?,
    }
    Ok(caller)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
