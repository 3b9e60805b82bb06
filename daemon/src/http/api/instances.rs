//! Handlers for instances, volumes and orphans.

use std::time::Duration;

use hyper::Response;
use rsrc_shared::api::InstanceCreate;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;

use super::query::flag;
use super::response::{self, Body};
use super::{detached, Ctx};
use crate::domain::accounts::Caller;
use crate::domain::instances::Action;
use crate::error::{Error, Result};

const MAX_WAIT: Duration = Duration::from_secs(3600);
const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// `?all`: everyone's, for admins.
#[derive(Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "flag::all")]
    all: bool,
}

#[derive(Deserialize)]
struct RemoveQuery {
    #[serde(default, deserialize_with = "flag::volumes")]
    volumes: bool,
    #[serde(default, deserialize_with = "flag::force")]
    force: bool,
}

/// `?follow&tail=N|all&since=UNIX&until=UNIX&bare`; the whole log by default, as `docker logs`.
#[derive(Deserialize)]
struct LogsQuery {
    #[serde(default, deserialize_with = "flag::follow")]
    follow: bool,
    #[serde(default, deserialize_with = "tail")]
    tail: Option<usize>,
    #[serde(default, deserialize_with = "since")]
    since: Option<i128>,
    #[serde(default, deserialize_with = "until")]
    until: Option<i128>,
    #[serde(default, deserialize_with = "flag::bare")]
    bare: bool,
}

/// `?timeout=SECS` of a wait; more than an hour waits an hour.
#[derive(Deserialize)]
struct WaitQuery {
    #[serde(default = "default_wait", deserialize_with = "wait_timeout")]
    timeout: Duration,
}

fn tail<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<usize>, D::Error> {
    let text = String::deserialize(d)?;
    if text == "all" {
        return Ok(None);
    }
    text.parse::<usize>()
        .map(Some)
        .map_err(|_| D::Error::custom("tail must be a whole number or `all`"))
}

fn unix_time<'de, D: Deserializer<'de>>(
    d: D,
    name: &str,
) -> std::result::Result<Option<i128>, D::Error> {
    rsrc_shared::api::logs::parse_unix(&String::deserialize(d)?)
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{name} must be Unix seconds (SECS[.FRACTION])")))
}

fn since<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<i128>, D::Error> {
    unix_time(d, "since")
}

fn until<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<i128>, D::Error> {
    unix_time(d, "until")
}

fn default_wait() -> Duration {
    DEFAULT_WAIT
}

fn wait_timeout<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Duration, D::Error> {
    let secs = String::deserialize(d)?
        .parse::<u64>()
        .map_err(|_| D::Error::custom("timeout must be a whole number of seconds"))?;
    Ok(Duration::from_secs(secs).min(MAX_WAIT))
}

pub async fn list(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let q: ListQuery = ctx.query()?;
    Ok(response::ok(
        &crate::domain::instances::list(&ctx.state, &caller, q.all).await?,
    ))
}

pub async fn create(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: InstanceCreate = ctx.json()?;
    let state = ctx.state.clone();
    let instance =
        detached(async move { crate::domain::instances::create(&state, &caller, req).await })
            .await?;
    Ok(response::created(&instance))
}

pub async fn show(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let reference = ctx.param("ref")?.to_string();
    Ok(response::ok(
        &crate::domain::instances::show(&ctx.state, &caller, reference).await?,
    ))
}

pub async fn remove(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let q: RemoveQuery = ctx.query()?;
    let (state, reference) = (ctx.state.clone(), ctx.param("ref")?.to_string());
    detached(async move {
        if q.force {
            crate::domain::instances::teardown::force_remove(&state, &caller, &reference, q.volumes)
                .await
        } else {
            crate::domain::instances::remove(&state, &caller, &reference, q.volumes).await
        }
    })
    .await?;
    Ok(response::no_content())
}

/// The log as frames of `rsrc_shared::api::logs`, streamed (see `crate::domain::logs`).
pub async fn logs(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    if !ctx.streams {
        return Err(Error::internal("this route is not declared as streaming"));
    }
    let q: LogsQuery = ctx.query()?;
    let query = crate::domain::logs::Query {
        follow: q.follow,
        tail: q.tail,
        since: q.since,
        until: q.until,
        bare: q.bare,
    };
    let batches = crate::domain::logs::open(
        &ctx.state,
        &caller,
        ctx.param("ref")?,
        query,
        ctx.hangup.clone(),
    )
    .await?;
    Ok(response::batches(
        rsrc_shared::api::logs::CONTENT_TYPE,
        batches,
    ))
}

pub async fn action(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let reference = ctx.param("ref")?;
    let action = ctx.param("action")?;
    if action == "wait" {
        let q: WaitQuery = ctx.query()?;
        let instance =
            crate::domain::instances::wait(&ctx.state, &caller, reference, q.timeout).await?;
        return Ok(response::ok(&instance));
    }
    if action == "recreate" {
        let req: rsrc_shared::api::InstanceRecreate = ctx.json()?;
        let (state, reference) = (ctx.state.clone(), reference.to_string());
        let instance = detached(async move {
            crate::domain::instances::recreate::recreate(&state, &caller, &reference, req).await
        })
        .await?;
        return Ok(response::ok(&instance));
    }
    let action = Action::parse(action)
        .ok_or_else(|| Error::UnknownEndpoint(format!("/v1/instances/{{id}}/{action}")))?;
    let (state, reference) = (ctx.state.clone(), reference.to_string());
    let instance = detached(async move {
        crate::domain::instances::act(&state, &caller, &reference, action).await
    })
    .await?;
    Ok(response::ok(&instance))
}

pub async fn orphans(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    Ok(response::ok(
        &crate::domain::instances::orphans::list(&ctx.state, &caller).await?,
    ))
}

pub async fn list_volumes(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let q: ListQuery = ctx.query()?;
    Ok(response::ok(
        &crate::domain::instances::volumes::list(&ctx.state, &caller, q.all).await?,
    ))
}

pub async fn remove_volume(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    crate::domain::instances::volumes::remove(&ctx.state, &caller, ctx.param("name")?).await?;
    Ok(response::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::api::query;

    fn decode<T: serde::de::DeserializeOwned>(q: &str) -> Result<T> {
        query::decode(&query::normalize(q)?)
    }

    #[test]
    fn numbers_in_queries_keep_their_limits_and_messages() {
        assert_eq!(decode::<LogsQuery>("").unwrap().tail, None);
        assert_eq!(decode::<LogsQuery>("tail=0").unwrap().tail, Some(0));
        assert_eq!(decode::<LogsQuery>("tail=all").unwrap().tail, None);
        assert_eq!(
            decode::<LogsQuery>("tail=200000").unwrap().tail,
            Some(200_000)
        );
        for bad in ["tail=-1", "tail=x", "tail"] {
            let err = decode::<LogsQuery>(bad).err().unwrap();
            assert_eq!(err.to_string(), "tail must be a whole number or `all`");
        }
        let q = decode::<LogsQuery>("follow&since=12.5&until=13").unwrap();
        assert!(q.follow);
        assert_eq!(
            (q.since, q.until),
            (Some(12_500_000_000), Some(13_000_000_000))
        );
        for bad in ["since=1m", "since=-1", "since="] {
            let err = decode::<LogsQuery>(bad).err().unwrap();
            assert!(
                err.to_string().starts_with("since must be Unix seconds"),
                "{err}"
            );
        }
        assert_eq!(decode::<WaitQuery>("").unwrap().timeout, DEFAULT_WAIT);
        assert_eq!(
            decode::<WaitQuery>("timeout=5").unwrap().timeout,
            Duration::from_secs(5)
        );
        assert_eq!(
            decode::<WaitQuery>("timeout=99999").unwrap().timeout,
            MAX_WAIT
        );
        for bad in ["timeout=5s", "timeout=-1", "timeout="] {
            let err = decode::<WaitQuery>(bad).err().unwrap();
            assert_eq!(err.to_string(), "timeout must be a whole number of seconds");
        }
        assert!(decode::<RemoveQuery>("volumes").unwrap().volumes);
        assert!(!decode::<ListQuery>("volumes").unwrap().all);
    }
}
