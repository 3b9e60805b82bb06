//! Handlers for machines and image pulls.

use bytes::Bytes;
use hyper::Response;
use rsrc_shared::api::endpoints::{self as ep, NoBody};
use rsrc_shared::api::query::{DryRunQuery, ForceQuery, MachineListQuery, NoQuery};
use rsrc_shared::api::{ApplyResult, Machine, MachineSpec, MachineUpdate, PullProgress};

use super::response::{self, Body};
use super::{detached, Ctx};
use crate::domain::accounts::Caller;
use crate::error::Result;

pub async fn list(
    ctx: Ctx,
    caller: Caller,
    q: MachineListQuery,
    _: NoBody,
) -> Result<Vec<Machine>> {
    crate::domain::machines::list(&ctx.state, &caller, q.sort).await
}

/// 201, or 200 for a dry run, which writes and pulls nothing.
pub async fn create(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let (DryRunQuery { dry_run }, spec) = ctx.decode::<ep::CreateMachine>()?;
    let machine = crate::domain::machines::create(&ctx.state, &caller, spec, dry_run).await?;
    Ok(if dry_run {
        response::ok(&machine)
    } else {
        response::typed::<ep::CreateMachine>(&machine)
    })
}

pub async fn show(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Machine> {
    let name = ctx.param("name")?.to_string();
    crate::domain::machines::show(&ctx.state, &caller, name).await
}

pub async fn update(
    ctx: Ctx,
    caller: Caller,
    _: NoQuery,
    change: MachineUpdate,
) -> Result<Machine> {
    let name = ctx.param("name")?.to_string();
    crate::domain::machines::update(&ctx.state, &caller, name, change).await
}

pub async fn apply(
    ctx: Ctx,
    caller: Caller,
    DryRunQuery { dry_run }: DryRunQuery,
    spec: MachineSpec,
) -> Result<ApplyResult> {
    let name = ctx.param("name")?.to_string();
    crate::domain::machines::apply(&ctx.state, &caller, name, spec, dry_run).await
}

pub async fn remove(
    ctx: Ctx,
    caller: Caller,
    ForceQuery { force }: ForceQuery,
    _: NoBody,
) -> Result<()> {
    let (state, name) = (ctx.state.clone(), ctx.param("name")?.to_string());
    detached(async move { crate::domain::machines::remove(&state, &caller, name, force).await })
        .await
}

/// Streams the pull as NDJSON `PullProgress` lines; the last one has `done` or `error`. At
/// shutdown the pull is given up and the last line says so.
pub async fn pull(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let (_, req) = ctx.decode::<ep::PullImage>()?;
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
            _ = tx.ended().cancelled() => Err(tx.why()),
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
