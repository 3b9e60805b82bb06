//! `GET /v1/status`, for `rsrc status`: the daemon, the caller, Docker as last seen, and the
//! caller's quota use.
//!
//! Access is `User`: the unauthenticated part (daemon and Docker) is `GET /v1/version`, which a
//! client without a login falls back to on the 401. So authentication stays in the route table,
//! with no "maybe logged in" level. Cost per request: the session lookup and one registry read;
//! Docker's state is the one the engine already tracks, so no Docker call is made.

use hyper::Response;
use rsrc_shared::api::{self, DaemonStatus, Quota, Status, StatusUser};

use super::response::{self, Body};
use super::Ctx;
use crate::domain::accounts::Caller;
use crate::error::Result;
use crate::registry::quota;

pub async fn status(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let owner = caller.user.id;
    let machines = ctx
        .state
        .registry
        .read(move |snap| quota::per_machine(snap, owner))
        .await?;
    let user = caller.user;
    let status = Status {
        daemon: DaemonStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            api_version: api::API_VERSION.to_string(),
        },
        user: StatusUser {
            email: user.email,
            name: user.name,
            role: user.role,
            verified: user.verified,
        },
        docker: ctx.state.engine.info().await.into(),
        quota: Quota {
            used: machines.iter().map(|m| m.used).sum(),
            allowed: ctx.state.config.limits.max_instances_per_user,
            machines,
        },
    };
    Ok(response::ok(&status))
}
