//! Handlers for instances, volumes and orphans.

use std::time::Duration;

use hyper::Response;
use rsrc_shared::api::InstanceCreate;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;

use super::query::flag;
use super::response::{self, Body};
use super::{detached, Ctx};
use crate::accounts::Caller;
use crate::error::{Error, Result};
use crate::instances::Action;

const MAX_WAIT: Duration = Duration::from_secs(3600);
const DEFAULT_WAIT: Duration = Duration::from_secs(60);
const MAX_TAIL: usize = 10_000;
const DEFAULT_TAIL: usize = 100;

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

#[derive(Deserialize)]
struct LogsQuery {
    #[serde(default = "default_tail", deserialize_with = "tail")]
    tail: usize,
}

/// `?timeout=SECS` of a wait; more than an hour waits an hour.
#[derive(Deserialize)]
struct WaitQuery {
    #[serde(default = "default_wait", deserialize_with = "wait_timeout")]
    timeout: Duration,
}

fn default_tail() -> usize {
    DEFAULT_TAIL
}

fn tail<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<usize, D::Error> {
    String::deserialize(d)?
        .parse::<usize>()
        .ok()
        .filter(|n| *n <= MAX_TAIL)
        .ok_or_else(|| D::Error::custom(format!("tail must be a whole number up to {MAX_TAIL}")))
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
        &crate::instances::list(&ctx.state, &caller, q.all).await?,
    ))
}

pub async fn create(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: InstanceCreate = ctx.json()?;
    let state = ctx.state.clone();
    let instance =
        detached(async move { crate::instances::create(&state, &caller, req).await }).await?;
    Ok(response::created(&instance))
}

pub async fn show(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let reference = ctx.param("ref")?.to_string();
    Ok(response::ok(
        &crate::instances::show(&ctx.state, &caller, reference).await?,
    ))
}

pub async fn remove(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let q: RemoveQuery = ctx.query()?;
    let (state, reference) = (ctx.state.clone(), ctx.param("ref")?.to_string());
    detached(async move {
        if q.force {
            crate::instances::teardown::force_remove(&state, &caller, &reference, q.volumes).await
        } else {
            crate::instances::remove(&state, &caller, &reference, q.volumes).await
        }
    })
    .await?;
    Ok(response::no_content())
}

pub async fn logs(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let q: LogsQuery = ctx.query()?;
    let chunks = crate::instances::logs(&ctx.state, &caller, ctx.param("ref")?, q.tail).await?;
    ctx.text_stream(chunks)
}

pub async fn action(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let reference = ctx.param("ref")?;
    let action = ctx.param("action")?;
    if action == "wait" {
        let q: WaitQuery = ctx.query()?;
        let instance = crate::instances::wait(&ctx.state, &caller, reference, q.timeout).await?;
        return Ok(response::ok(&instance));
    }
    if action == "recreate" {
        let req: rsrc_shared::api::InstanceRecreate = ctx.json()?;
        let (state, reference) = (ctx.state.clone(), reference.to_string());
        let instance = detached(async move {
            crate::instances::recreate::recreate(&state, &caller, &reference, req).await
        })
        .await?;
        return Ok(response::ok(&instance));
    }
    let action = Action::parse(action)
        .ok_or_else(|| Error::UnknownEndpoint(format!("/v1/instances/{{id}}/{action}")))?;
    let (state, reference) = (ctx.state.clone(), reference.to_string());
    let instance =
        detached(async move { crate::instances::act(&state, &caller, &reference, action).await })
            .await?;
    Ok(response::ok(&instance))
}

pub async fn orphans(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    Ok(response::ok(
        &crate::instances::orphans::list(&ctx.state, &caller).await?,
    ))
}

pub async fn list_volumes(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let q: ListQuery = ctx.query()?;
    Ok(response::ok(
        &crate::instances::volumes::list(&ctx.state, &caller, q.all).await?,
    ))
}

pub async fn remove_volume(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    crate::instances::volumes::remove(&ctx.state, &caller, ctx.param("name")?).await?;
    Ok(response::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::query;

    fn decode<T: serde::de::DeserializeOwned>(q: &str) -> Result<T> {
        query::decode(&query::normalize(q)?)
    }

    #[test]
    fn numbers_in_queries_keep_their_limits_and_messages() {
        assert_eq!(decode::<LogsQuery>("").unwrap().tail, 100);
        assert_eq!(decode::<LogsQuery>("tail=0").unwrap().tail, 0);
        assert_eq!(decode::<LogsQuery>("tail=10000").unwrap().tail, 10_000);
        for bad in ["tail=10001", "tail=-1", "tail=x", "tail"] {
            let err = decode::<LogsQuery>(bad).err().unwrap();
            assert_eq!(err.to_string(), "tail must be a whole number up to 10000");
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
