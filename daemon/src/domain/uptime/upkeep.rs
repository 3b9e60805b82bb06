//! The daemon's upkeep of the history: it records this run and its heartbeat (the time between
//! runs is unknown in uptime reports, also after a kill -9), and prunes what retention drops.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::clock::now_ms;
use crate::registry::{self, Tx};
use crate::State;

/// How often the run's heartbeat is written: a kill -9 loses at most this much of a run.
const HEARTBEAT: Duration = Duration::from_secs(30);
/// How often old history is pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Entries deleted per writer call: each call holds the writer only briefly.
const PRUNE_BATCH: i64 = 500;

pub async fn run(state: Arc<State>, shutdown: CancellationToken) {
    let run_id = match state
        .registry
        .write(|tx| registry::uptime_marks::start_run(tx, now_ms()))
        .await
    {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error = %e.chain(), "recording the daemon's start");
            return;
        }
    };
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut last_prune: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            _ = heartbeat.tick() => {}
            _ = shutdown.cancelled() => break,
        }
        alive(&state, run_id).await;
        if last_prune.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            last_prune = Some(tokio::time::Instant::now());
            prune(&state, &shutdown).await;
        }
    }
    // A clean stop ends the run now, not at its last heartbeat.
    alive(&state, run_id).await;
}

async fn alive(state: &State, run_id: i64) {
    if let Err(e) = state
        .registry
        .write(move |tx| registry::runs::alive(tx, run_id, now_ms()))
        .await
    {
        tracing::warn!(error = %e.chain(), "recording the daemon's heartbeat");
    }
}

/// Deletes history older than `[history] keep_days`, a batch per writer call.
pub async fn prune(state: &State, shutdown: &CancellationToken) {
    let cutoff = now_ms() - state.config.history.keep_ms();
    let Some(total) = in_batches(
        state,
        shutdown,
        "pruning old history",
        cutoff,
        registry::history::prune,
    )
    .await
    else {
        return;
    };
    let marks = in_batches(
        state,
        shutdown,
        "pruning old uptime marks",
        cutoff,
        registry::uptime_marks::prune,
    )
    .await;
    if marks.is_none() && shutdown.is_cancelled() {
        return;
    }
    if let Err(e) = state
        .registry
        .write(move |tx| registry::runs::prune(tx, cutoff))
        .await
    {
        tracing::warn!(error = %e.chain(), "pruning old daemon runs");
    }
    if total > 0 {
        tracing::info!(entries = total, "pruned history older than the retention");
    }
}

/// Calls `delete(tx, cutoff, PRUNE_BATCH)` on the writer until a batch comes back short,
/// letting other writers in between: how many rows went in all. `None`: cancelled, or failed
/// (logged as `what`).
async fn in_batches(
    state: &State,
    shutdown: &CancellationToken,
    what: &'static str,
    cutoff: i64,
    delete: fn(&Tx, i64, i64) -> crate::error::Result<usize>,
) -> Option<usize> {
    let mut total = 0;
    loop {
        if shutdown.is_cancelled() {
            return None;
        }
        match state
            .registry
            .write(move |tx| delete(tx, cutoff, PRUNE_BATCH))
            .await
        {
            Ok(n) => {
                total += n;
                if n < PRUNE_BATCH as usize {
                    return Some(total);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e.chain(), "{what}");
                return None;
            }
        }
        tokio::task::yield_now().await;
    }
}
