//! `GET /v1/status`, for `rsrc status`: the daemon, the caller, Docker as last seen, and the
//! caller's quota use.
//!
//! Access is `User`: the unauthenticated part (daemon and Docker) is `GET /v1/version`, which a
//! client without a login falls back to on the 401. So authentication stays in the route table,
//! with no "maybe logged in" level. The answer is built by `domain::status`.

use rsrc_shared::api::endpoints::NoBody;
use rsrc_shared::api::query::NoQuery;
use rsrc_shared::api::Status;

use super::Ctx;
use crate::domain::accounts::Caller;
use crate::error::Result;

pub async fn status(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Status> {
    crate::domain::status::of(&ctx.state, caller).await
}
