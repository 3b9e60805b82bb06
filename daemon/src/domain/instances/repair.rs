//! The repair pass: an instance never stays `creating` or `removing`. Reconciliation settles
//! them when rsrcd starts and when the engine comes back; this pass also retries, every few
//! seconds with a growing back-off per instance, what failed in between (a rollback the engine
//! refused, a remove cut off by a crash), so progress never waits for the next reconnect.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::reconcile::settle;
use super::resolve::load;
use crate::error::Result;
use crate::registry::instances as repo;
use crate::State;

const PERIOD: Duration = Duration::from_secs(5);
const FIRST_RETRY: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(600);

/// When each instance that failed to settle may be tried again, and how long the next wait is.
#[derive(Default)]
pub struct Backoff(HashMap<String, (Instant, Duration)>);

impl Backoff {
    fn due(&self, id: &str, now: Instant) -> bool {
        self.0.get(id).is_none_or(|(next, _)| *next <= now)
    }

    /// Records a failure; returns the wait before the next try.
    fn failed(&mut self, id: &str, now: Instant) -> Duration {
        let wait = self
            .0
            .get(id)
            .map_or(FIRST_RETRY, |(_, last)| (*last * 2).min(MAX_RETRY));
        self.0.insert(id.to_string(), (now + wait, wait));
        wait
    }

    fn settled(&mut self, id: &str) {
        self.0.remove(id);
    }
}

pub async fn run(state: Arc<State>, shutdown: CancellationToken) {
    let mut backoff = Backoff::default();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(PERIOD) => {}
            _ = shutdown.cancelled() => return,
        }
        if state.engine.available().await.is_err() {
            continue;
        }
        if let Err(e) = repair_once(&state, &mut backoff).await {
            tracing::error!(error = %e.chain(), "repair pass failed");
        }
        clean_leftovers(&state, &mut backoff).await;
    }
}

/// One pass over every instance in `creating` or `removing` that no request of this process is
/// working on. Returns how many it settled.
pub async fn repair_once(state: &State, backoff: &mut Backoff) -> Result<usize> {
    let rows = state.registry.read(repo::transitional).await?;
    let mut settled = 0;
    for row in rows {
        let now = Instant::now();
        if state.in_flight.contains(&row.id) || !backoff.due(&row.id, now) {
            continue;
        }
        // Read again after `in_flight`: a request leaves it only once its row is final.
        let Some(row) = load(state, &row.id).await? else {
            backoff.settled(&row.id);
            continue;
        };
        if !row.state.is_transitional() {
            backoff.settled(&row.id);
            continue;
        }
        match settle(state, &row).await {
            Ok(()) => {
                tracing::info!(instance = %row.id, state = %row.state, "repaired a stuck instance");
                backoff.settled(&row.id);
                settled += 1;
            }
            Err(e) => {
                let wait = backoff.failed(&row.id, now);
                tracing::warn!(instance = %row.id, state = %row.state, error = %e.chain(),
                    retry_in_s = wait.as_secs(), "cannot settle a stuck instance yet");
            }
        }
    }
    Ok(settled)
}

/// The backoff key of the leftovers of forced removals (instance ids are hex, so it is unique).
const LEFTOVERS: &str = "leftovers";

async fn clean_leftovers(state: &State, backoff: &mut Backoff) {
    let now = Instant::now();
    if !backoff.due(LEFTOVERS, now) {
        return;
    }
    match super::teardown::clean_leftovers(state).await {
        Ok(_) => backoff.settled(LEFTOVERS),
        Err(e) => {
            let wait = backoff.failed(LEFTOVERS, now);
            tracing::warn!(error = %e.chain(), retry_in_s = wait.as_secs(),
                "cannot remove what a forced removal left at the engine yet");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_reset_once_settled() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        assert!(b.due("x", t0));
        assert_eq!(b.failed("x", t0), FIRST_RETRY);
        assert!(!b.due("x", t0));
        assert!(b.due("x", t0 + FIRST_RETRY));
        assert_eq!(b.failed("x", t0), FIRST_RETRY * 2);
        for _ in 0..20 {
            b.failed("x", t0);
        }
        assert_eq!(b.failed("x", t0), MAX_RETRY);
        b.settled("x");
        assert!(b.due("x", t0));
    }
}
