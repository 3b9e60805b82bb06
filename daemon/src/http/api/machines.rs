//! Handlers for machines and image pulls.

use bytes::Bytes;
use hyper::Response;
use rsrc_shared::api::{ImagePull, MachineSort, MachineSpec, MachineUpdate, PullProgress};
use serde::Deserialize;

use super::query::flag;
use super::response::{self, Body};
use super::{detached, Ctx};
use crate::domain::accounts::Caller;
use crate::error::{Error, Result};

/// `?dry_run`: check and preview, change nothing.
#[derive(Deserialize)]
struct DryRunQuery {
    #[serde(default, deserialize_with = "flag::dry_run")]
    dry_run: bool,
}

/// `?force`: remove the machine's instances too.
#[derive(Deserialize)]
struct RemoveQuery {
    #[serde(default, deserialize_with = "flag::force")]
    force: bool,
}

/// `?sort=name|rating|likes|instances`.
#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    sort: Option<String>,
}

pub async fn list(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let ListQuery { sort } = ctx.query()?;
    let sort = match sort.as_deref() {
        None | Some("name") => MachineSort::Name,
        Some("rating") => MachineSort::Rating,
        Some("likes") => MachineSort::Likes,
        Some("instances") => MachineSort::Instances,
        Some(other) => {
            return Err(Error::invalid(format!(
                "sort: must be name, rating, likes or instances, not `{other}`"
            )))
        }
    };
    Ok(response::ok(
        &crate::domain::machines::list(&ctx.state, &caller, sort).await?,
    ))
}

pub async fn create(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let spec: MachineSpec = ctx.json()?;
    let DryRunQuery { dry_run } = ctx.query()?;
    let machine = crate::domain::machines::create(&ctx.state, &caller, spec, dry_run).await?;
    Ok(if dry_run {
        response::ok(&machine)
    } else {
        response::created(&machine)
    })
}

pub async fn show(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let name = ctx.param("name")?.to_string();
    Ok(response::ok(
        &crate::domain::machines::show(&ctx.state, &caller, name).await?,
    ))
}

pub async fn update(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let change: MachineUpdate = ctx.json()?;
    let name = ctx.param("name")?.to_string();
    let machine = crate::domain::machines::update(&ctx.state, &caller, name, change).await?;
    Ok(response::ok(&machine))
}

pub async fn apply(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let spec: MachineSpec = ctx.json()?;
    let DryRunQuery { dry_run } = ctx.query()?;
    let name = ctx.param("name")?.to_string();
    let result = crate::domain::machines::apply(&ctx.state, &caller, name, spec, dry_run).await?;
    Ok(response::ok(&result))
}

pub async fn remove(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let RemoveQuery { force } = ctx.query()?;
    let (state, name) = (ctx.state.clone(), ctx.param("name")?.to_string());
    detached(async move { crate::domain::machines::remove(&state, &caller, name, force).await })
        .await?;
    Ok(response::no_content())
}

/// Streams the pull as NDJSON `PullProgress` lines; the last one has `done` or `error`. At
/// shutdown the pull is given up and the last line says so.
pub async fn pull(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let req: ImagePull = ctx.json()?;
    crate::domain::machines::validate_image(&req.image)?;
    let (tx, resp) = ctx.stream("application/x-ndjson")?;
    let state = ctx.state.clone();
    tokio::spawn(async move {
        let line = |p: &PullProgress| {
            let mut v = serde_json::to_vec(p).unwrap_or_default();
            v.push(b'\n');
            Bytes::from(v)
        };
        let progress_tx = tx.clone();
        let pull = crate::domain::machines::pull(&state, &caller, &req.image, |p| {
            // A slow or vanished reader must not stall the pull.
            progress_tx.try_send(line(&p));
        });
        let outcome = tokio::select! {
            outcome = pull => outcome,
            _ = tx.shutdown().cancelled() => Err(Error::ShuttingDown),
        };
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
        tx.send(line(&last)).await;
    });
    Ok(resp)
}
