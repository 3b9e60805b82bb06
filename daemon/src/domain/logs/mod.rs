//! Logs (SPEC §6): an instance's output, streamed as Docker produces it, in the frames of
//! `rsrc_shared::api::logs`.
//!
//! Each request gets a pump task ([`pump`]) that reads Docker's stream and writes batches of
//! frames into the reader's stream ([`batches`]). With `follow`, a pump outlives its container's stops:
//! when Docker's stream ends it waits for the instance to run again (on the history bus, and
//! the engine's state) and reads on from the last line it sent. It ends when the reader goes
//! away, the instance is removed, the daemon shuts down, or its reader falls too far behind.

pub mod batches;
mod pump;
mod turns;

use std::sync::Arc;

use rsrc_shared::api::{Cause, InstanceState};
use tokio_util::sync::CancellationToken;

use crate::clock::now_ms;
use crate::domain::accounts::Caller;
use crate::domain::instances::resolve::resolve_async;
use crate::domain::instances::{state as instance_state, Row};
use crate::error::{Error, Result};
use crate::State;
pub use batches::LogBatches;
pub use turns::LogTurns;

/// What part of the log to send. Times are Unix nanoseconds, both ends inclusive as in Docker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Query {
    pub follow: bool,
    /// The last lines only; `None`: the whole log.
    pub tail: Option<usize>,
    pub since: Option<i128>,
    pub until: Option<i128>,
    /// The reader needs no timestamps (`?bare`): they may be left out.
    pub bare: bool,
}

/// A lost instance has no container, hence no log: say so, and what is left to do.
fn lost(row: &Row) -> Error {
    Error::conflict(lost_text(&row.name, &row.id))
}

fn lost_text(name: &str, id: &str) -> String {
    format!(
        "instance `{name}` is lost: its container is gone, and its logs with it; make its \
         container again with `rsrc instance recreate {id}` (secret props must be given again \
         with --env), or remove it with `rsrc instance rm {id}` (its volumes stay unless you \
         add --volumes)"
    )
}

/// Opens the log of `reference` for `caller`. What cannot be read at all (no such instance, a
/// lost one, Docker away) is this call's error, before any byte is sent.
pub async fn open(
    state: &Arc<State>,
    caller: &Caller,
    reference: &str,
    query: Query,
    hangup: Option<CancellationToken>,
) -> Result<LogBatches> {
    let row = resolve_async(state, caller, reference).await?;
    match row.state {
        InstanceState::Lost => return Err(lost(&row)),
        InstanceState::Creating | InstanceState::Removing => {
            return Err(Error::conflict(format!(
                "instance `{}` is {}; try again in a moment",
                row.name, row.state
            )))
        }
        _ => {}
    }
    state.engine.available().await?;
    let container = row.container_ref();
    if state.engine.inspect(&container).await?.is_none() {
        let id = row.id.clone();
        state
            .registry
            .write(move |tx| instance_state::mark_lost(tx, &id, now_ms(), Cause::Daemon))
            .await?;
        return Err(lost(&row));
    }
    let (batches, tx) = batches::channel(hangup);
    let pump = pump::Pump {
        state: Arc::clone(state),
        id: row.id.clone(),
        name: row.name.clone(),
        container: std::sync::Mutex::new(container),
        query,
        // A follower's catch-up takes a turn too, unless there is nothing to catch up on.
        turn: (!query.follow || query.tail != Some(0))
            .then(|| state.log_turns.line(caller.user.id)),
    };
    tokio::spawn(pump.run(tx));
    Ok(batches)
}

#[cfg(test)]
mod tests {
    /// A lost instance can be recreated: the message says how (issue 19 item 23).
    #[test]
    fn a_lost_instance_points_at_recreate() {
        let text = super::lost_text("web", "abc123");
        assert!(text.contains("rsrc instance recreate abc123"), "{text}");
        assert!(text.contains("rsrc instance rm abc123"), "{text}");
    }
}
