//! Handlers for the history: `GET /v1/events` and `GET /v1/instances/{ref}/uptime`.

use hyper::Response;
use serde::Deserialize;

use super::query::flag;
use super::response::{self, Body};
use super::Ctx;
use crate::domain::accounts::Caller;
use crate::error::Result;

#[derive(Deserialize)]
struct EventsQuery {
    since: Option<String>,
    until: Option<String>,
    instance: Option<String>,
    #[serde(default, deserialize_with = "flag::all")]
    all: bool,
    #[serde(default, deserialize_with = "flag::follow")]
    follow: bool,
}

#[derive(Deserialize)]
struct UptimeQuery {
    since: Option<String>,
}

pub async fn list(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let q: EventsQuery = ctx.query()?;
    let query = crate::domain::events::reader::Query {
        since: q.since,
        until: q.until,
        instance: q.instance,
        all: q.all,
        follow: q.follow,
    };
    let lines = crate::domain::events::reader::stream(&ctx.state, &caller, query).await?;
    ctx.text_stream(lines)
}

pub async fn uptime(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let q: UptimeQuery = ctx.query()?;
    let report =
        crate::domain::uptime::report(&ctx.state, &caller, ctx.param("ref")?, q.since.as_deref())
            .await?;
    Ok(response::ok(&report))
}
