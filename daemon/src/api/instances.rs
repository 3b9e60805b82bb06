//! Handlers for instances, volumes and orphans.

use std::time::Duration;

use hyper::Response;
use rsrc_shared::api::InstanceCreate;

use super::response::{self, Body};
use super::{detached, Ctx};
use crate::error::{Error, Result};
use crate::instances::Action;

const MAX_WAIT: Duration = Duration::from_secs(3600);
const MAX_TAIL: usize = 10_000;

pub async fn list(ctx: Ctx) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let all = ctx.flag("all")?;
    Ok(response::ok(
        &crate::instances::list(&ctx.state, &caller, all).await?,
    ))
}

pub async fn create(ctx: Ctx) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let req: InstanceCreate = ctx.json()?;
    let state = ctx.state.clone();
    let instance =
        detached(async move { crate::instances::create(&state, &caller, req).await }).await?;
    Ok(response::created(&instance))
}

pub async fn show(ctx: Ctx, reference: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    Ok(response::ok(
        &crate::instances::show(&ctx.state, &caller, reference.to_string()).await?,
    ))
}

pub async fn remove(ctx: Ctx, reference: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let volumes = ctx.flag("volumes")?;
    let (state, reference) = (ctx.state.clone(), reference.to_string());
    detached(async move { crate::instances::remove(&state, &caller, &reference, volumes).await })
        .await?;
    Ok(response::no_content())
}

pub async fn logs(ctx: Ctx, reference: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let tail = match ctx.query("tail") {
        None => 100,
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= MAX_TAIL)
            .ok_or_else(|| {
                Error::invalid(format!("tail must be a whole number up to {MAX_TAIL}"))
            })?,
    };
    let text = crate::instances::logs(&ctx.state, &caller, reference, tail).await?;
    Ok(response::text(text))
}

pub async fn action(ctx: Ctx, reference: &str, action: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    if action == "wait" {
        let secs = match ctx.query("timeout") {
            None => 60,
            Some(t) => t
                .parse::<u64>()
                .map_err(|_| Error::invalid("timeout must be a whole number of seconds"))?,
        };
        let timeout = Duration::from_secs(secs).min(MAX_WAIT);
        let instance = crate::instances::wait(&ctx.state, &caller, reference, timeout).await?;
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

pub async fn orphans(ctx: Ctx) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    Ok(response::ok(
        &crate::instances::orphans::list(&ctx.state, &caller).await?,
    ))
}

pub async fn list_volumes(ctx: Ctx) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let all = ctx.flag("all")?;
    Ok(response::ok(
        &crate::instances::volumes::list(&ctx.state, &caller, all).await?,
    ))
}

pub async fn remove_volume(ctx: Ctx, name: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    crate::instances::volumes::remove(&ctx.state, &caller, name).await?;
    Ok(response::no_content())
}
