//! Handlers for instances, volumes and orphans.

use hyper::Response;
use rsrc_shared::api::endpoints::{self as ep, NoBody};
use rsrc_shared::api::query::{
    AllQuery, InstanceRemoveQuery, NoQuery, ShowQuery, VolumesQuery, WaitQuery,
};
use rsrc_shared::api::{
    Instance, InstanceAction, InstanceCreate, InstanceRecreate, Orphan, Volume,
};

use super::response::Body;
use super::{detached, Ctx};
use crate::domain::accounts::Caller;
use crate::error::{Error, Result};

pub async fn list(ctx: Ctx, caller: Caller, q: AllQuery, _: NoBody) -> Result<Vec<Instance>> {
    crate::domain::instances::list(&ctx.state, &caller, q.all).await
}

pub async fn create(ctx: Ctx, caller: Caller, _: NoQuery, req: InstanceCreate) -> Result<Instance> {
    let state = ctx.state.clone();
    detached(async move { crate::domain::instances::create(&state, &caller, req).await }).await
}

pub async fn show(ctx: Ctx, caller: Caller, q: ShowQuery, _: NoBody) -> Result<Instance> {
    let reference = ctx.param("ref")?.to_string();
    crate::domain::instances::show(&ctx.state, &caller, reference, q.reveal).await
}

pub async fn remove(ctx: Ctx, caller: Caller, q: InstanceRemoveQuery, _: NoBody) -> Result<()> {
    let (state, reference) = (ctx.state.clone(), ctx.param("ref")?.to_string());
    detached(async move {
        if q.force {
            crate::domain::instances::teardown::force_remove(&state, &caller, &reference, q.volumes)
                .await
        } else {
            crate::domain::instances::remove(&state, &caller, &reference, q.volumes).await
        }
    })
    .await
}

/// The log as frames of `rsrc_shared::api::logs`, streamed (see `crate::domain::logs`).
pub async fn logs(ctx: Ctx, caller: Caller) -> Result<Response<Body>> {
    let (q, _) = ctx.decode::<ep::InstanceLogs>()?;
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
    // A revoked session's log ends with a frame that says so, which the reader prints.
    let last = |e: &Error| {
        if !matches!(e, Error::Unauthenticated(_)) {
            return None;
        }
        let mut out = Vec::new();
        let message = e.to_body().error.message;
        rsrc_shared::api::logs::encode(
            &mut out,
            rsrc_shared::api::logs::FrameKind::Fail,
            message.as_bytes(),
        );
        Some(bytes::Bytes::from(out))
    };
    ctx.batches(rsrc_shared::api::logs::CONTENT_TYPE, batches, last)
}

async fn act(ctx: Ctx, caller: Caller, action: InstanceAction) -> Result<Instance> {
    let (state, reference) = (ctx.state.clone(), ctx.param("ref")?.to_string());
    detached(
        async move { crate::domain::instances::act(&state, &caller, &reference, action).await },
    )
    .await
}

pub async fn start(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Instance> {
    act(ctx, caller, InstanceAction::Start).await
}

pub async fn stop(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Instance> {
    act(ctx, caller, InstanceAction::Stop).await
}

pub async fn restart(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Instance> {
    act(ctx, caller, InstanceAction::Restart).await
}

pub async fn wait(ctx: Ctx, caller: Caller, q: WaitQuery, _: NoBody) -> Result<Instance> {
    crate::domain::instances::wait(&ctx.state, &caller, ctx.param("ref")?, q.timeout).await
}

pub async fn recreate(
    ctx: Ctx,
    caller: Caller,
    _: NoQuery,
    req: InstanceRecreate,
) -> Result<Instance> {
    let (state, reference) = (ctx.state.clone(), ctx.param("ref")?.to_string());
    detached(async move {
        crate::domain::instances::recreate::recreate(&state, &caller, &reference, req).await
    })
    .await
}

pub async fn orphans(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<Vec<Orphan>> {
    crate::domain::instances::orphans::list(&ctx.state, &caller).await
}

pub async fn list_volumes(
    ctx: Ctx,
    caller: Caller,
    q: VolumesQuery,
    _: NoBody,
) -> Result<Vec<Volume>> {
    crate::domain::instances::volumes::list(&ctx.state, &caller, q.all, q.size).await
}

pub async fn remove_volume(ctx: Ctx, caller: Caller, _: NoQuery, _: NoBody) -> Result<()> {
    crate::domain::instances::volumes::remove(&ctx.state, &caller, ctx.param("name")?).await
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rsrc_shared::api::query::{LogsQuery, DEFAULT_WAIT, MAX_WAIT};

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
        assert!(decode::<InstanceRemoveQuery>("volumes").unwrap().volumes);
        assert!(!decode::<AllQuery>("volumes").unwrap().all);
    }
}
