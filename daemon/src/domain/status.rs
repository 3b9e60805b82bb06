//! What `rsrc status` shows: the daemon, the caller, Docker as last seen, and the caller's quota
//! use. Cost: one registry read; Docker's state is the one the engine already tracks, so no
//! Docker call is made.

use rsrc_shared::api::{self, DaemonStatus, Quota, Status, StatusUser};

use crate::domain::accounts::Caller;
use crate::error::Result;
use crate::registry::quota;
use crate::State;

pub async fn of(state: &State, caller: Caller) -> Result<Status> {
    let owner = caller.user.id;
    let machines = state
        .registry
        .read(move |snap| quota::per_machine(snap, owner))
        .await?;
    let user = caller.user;
    Ok(Status {
        daemon: DaemonStatus {
            version: env!("CARGO_PKG_VERSION").to_string(),
            api_version: api::API_VERSION.to_string(),
        },
        user: StatusUser {
            email: user.email,
            name: user.name,
            role: user.role,
            verified: user.verified,
        },
        docker: state.engine.info().await.into(),
        quota: Quota {
            used: machines.iter().map(|m| m.used).sum(),
            allowed: state.config.limits.max_instances_per_user,
            machines,
        },
    })
}
