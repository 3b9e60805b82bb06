//! `POST /v1/instances/{ref}/exec`: checks and starts the command (`domain::exec`), answers
//! `101 Switching Protocols`, and hands the switched connection to the command's pump.

use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use rsrc_shared::api::endpoints as ep;
use rsrc_shared::api::exec::UPGRADE_PROTOCOL;

use super::response::Body;
use super::Ctx;
use crate::domain::accounts::Caller;
use crate::error::{Error, Result};

pub async fn exec(mut ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let (_, req) = ctx.decode::<ep::ExecInstance>()?;
    let on_upgrade = match ctx.upgrade.take() {
        Some((protocol, on_upgrade)) if protocol.eq_ignore_ascii_case(UPGRADE_PROTOCOL) => {
            on_upgrade
        }
        _ => {
            return Err(Error::invalid(format!(
                "exec needs `Connection: Upgrade` and `Upgrade: {UPGRADE_PROTOCOL}`"
            )))
        }
    };
    let end = ctx.lease()?.end().clone();
    let started = crate::domain::exec::start(&ctx.state, &caller, ctx.param("ref")?, req).await?;
    let state = ctx.state.clone();
    // The switched connection still counts against its caller's connection cap.
    let slot = ctx.slot.take();
    tokio::spawn(async move {
        let _slot = slot;
        match on_upgrade.await {
            Ok(upgraded) => {
                crate::domain::exec::pump(state, started, TokioIo::new(upgraded), end).await
            }
            Err(e) => {
                tracing::debug!(error = %e, "an exec's connection did not switch");
                crate::domain::exec::abandon(&state, started).await;
            }
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(hyper::header::CONNECTION, "upgrade")
        .header(hyper::header::UPGRADE, UPGRADE_PROTOCOL)
        .body(super::response::empty())
        .map_err(|e| Error::internal(format!("cannot build the answer: {e}")))
}
