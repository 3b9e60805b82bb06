//! Handlers for machines and image pulls.

use bytes::Bytes;
use hyper::Response;
use rsrc_shared::api::{ImagePull, MachineSpec, MachineUpdate, PullProgress};

use super::response::{self, Body};
use super::{detached, Ctx};
use crate::error::Result;

pub async fn list(ctx: Ctx) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    Ok(response::ok(
        &crate::machines::list(&ctx.state, &caller).await?,
    ))
}

pub async fn create(ctx: Ctx) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let spec: MachineSpec = ctx.json()?;
    let dry_run = ctx.flag("dry_run")?;
    let machine = crate::machines::create(&ctx.state, &caller, spec, dry_run).await?;
    Ok(if dry_run {
        response::ok(&machine)
    } else {
        response::created(&machine)
    })
}

pub async fn show(ctx: Ctx, name: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    Ok(response::ok(
        &crate::machines::show(&ctx.state, &caller, name.to_string()).await?,
    ))
}

pub async fn update(ctx: Ctx, name: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let change: MachineUpdate = ctx.json()?;
    let machine = crate::machines::update(&ctx.state, &caller, name.to_string(), change).await?;
    Ok(response::ok(&machine))
}

pub async fn apply(ctx: Ctx, name: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let spec: MachineSpec = ctx.json()?;
    let dry_run = ctx.flag("dry_run")?;
    let result =
        crate::machines::apply(&ctx.state, &caller, name.to_string(), spec, dry_run).await?;
    Ok(response::ok(&result))
}

pub async fn remove(ctx: Ctx, name: &str) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    let force = ctx.flag("force")?;
    let (state, name) = (ctx.state.clone(), name.to_string());
    detached(async move { crate::machines::remove(&state, &caller, name, force).await }).await?;
    Ok(response::no_content())
}

/// Streams the pull as NDJSON `PullProgress` lines; the last one has `done` or `error`.
pub async fn pull(ctx: Ctx) -> Result<Response<Body>> {
    let caller = ctx.caller().await?;
    caller.require_admin()?;
    let req: ImagePull = ctx.json()?;
    crate::machines::validate_image(&req.image)?;
    let (tx, resp) = response::stream("application/x-ndjson");
    let state = ctx.state.clone();
    tokio::spawn(async move {
        let line = |p: &PullProgress| {
            let mut v = serde_json::to_vec(p).unwrap_or_default();
            v.push(b'\n');
            Bytes::from(v)
        };
        let progress_tx = tx.clone();
        let outcome = crate::machines::pull(&state, &caller, &req.image, |p| {
            // A slow or vanished reader must not stall the pull.
            let _ = progress_tx.try_send(line(&p));
        })
        .await;
        let last = match outcome {
            Ok(pulled) => PullProgress {
                status: Some(if pulled {
                    format!("pulled {}", req.image)
                } else {
                    format!("{} is already present", req.image)
                }),
                done: true,
                ..Default::default()
            },
            Err(e) => PullProgress {
                error: Some(e.to_body().error),
                done: true,
                ..Default::default()
            },
        };
        let _ = tx.send(line(&last)).await;
    });
    Ok(resp)
}
