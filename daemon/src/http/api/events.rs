//! Handlers for the history: `GET /v1/events` and `GET /v1/instances/{ref}/uptime`.

use hyper::Response;
use rsrc_shared::api::endpoints::{self as ep, NoBody};
use rsrc_shared::api::query::UptimeQuery;
use rsrc_shared::api::Uptime;

use super::response::Body;
use super::Ctx;
use crate::domain::accounts::Caller;
use crate::error::Result;

pub async fn list(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let (q, _) = ctx.decode::<ep::ListEvents>()?;
    let query = crate::domain::events::reader::Query {
        since: q.since,
        until: q.until,
        instance: q.instance,
        all: q.all,
        follow: q.follow,
        after: q.after,
    };
    let lines = crate::domain::events::reader::stream(&ctx.state, &caller, query).await?;
    ctx.text_stream(lines)
}

pub async fn uptime(ctx: Ctx, caller: Caller, q: UptimeQuery, _: NoBody) -> Result<Uptime> {
    crate::domain::uptime::report(&ctx.state, &caller, ctx.param("ref")?, q.since.as_deref()).await
}
