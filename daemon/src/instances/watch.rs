//! Following the engine: after every (re)connection, reconcile, then record the engine's event
//! stream until the connection drops or the daemon stops.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use rsrc_shared::api::Cause;
use tokio_util::sync::CancellationToken;

use super::reconcile;
use super::state::{mark_lost, observe, record_engine_outage, Seen};
use crate::engine::{EngineEvent, Happening};
use crate::registry::{self, now_ms};
use crate::State;

/// How long the engine may take to answer at start before it counts as unavailable.
const STARTUP_GRACE: Duration = Duration::from_secs(10);

pub async fn run(state: Arc<State>, shutdown: CancellationToken) {
    let mut connections = state.engine.connections();
    // Where the engine's record is read from after a gap: at start, the newest history entry
    // (rsrcd was not running since); after an outage, the last event the stream delivered.
    let mut resume_from = match state.registry.read(registry::history::latest_at).await {
        Ok(at) => at.map(|ms| ms / 1000),
        Err(e) => {
            tracing::error!(error = %e.chain(), "reading the newest history entry");
            None
        }
    };
    // Whether this run recorded the engine as gone, so that its return is recorded too.
    let mut outage_recorded = false;
    let mut connected_once = false;
    loop {
        // Wait for a connection (the first one may already be there).
        if state.engine.available().await.is_err() {
            if !outage_recorded {
                if !connected_once {
                    // At start the first connection takes a moment; only an engine that does
                    // not answer within it is an outage.
                    let first = tokio::select! {
                        first = tokio::time::timeout(STARTUP_GRACE, connections.changed()) => first,
                        _ = shutdown.cancelled() => return,
                    };
                    if first.is_ok() {
                        continue;
                    }
                }
                outage_recorded = record_outage(&state, false).await;
            }
            tokio::select! {
                changed = connections.changed() => if changed.is_err() { return },
                _ = shutdown.cancelled() => return,
            }
            continue;
        }
        connections.borrow_and_update();
        connected_once = true;
        let now = now_ms() / 1000;
        if let Some(since) = resume_from {
            // What happened in the gap, with the engine's exit codes and times, before
            // reconciliation looks at the containers' state now (which has no exit code left for
            // a container that died and was restarted meanwhile).
            replay(&state, since, now).await;
        }
        if let Err(e) = reconcile::reconcile(&state).await {
            tracing::error!(error = %e.chain(), "reconciliation failed");
        }
        if outage_recorded {
            // After the gap's events and reconciliation: those are dated inside the outage.
            outage_recorded = !record_outage(&state, true).await;
        }
        let last_seen = tokio::select! {
            seen = follow(&state, now - 1) => seen,
            _ = shutdown.cancelled() => return,
        };
        resume_from = Some(last_seen.map_or(now - 1, |ms| ms / 1000));
        // The stream ended: the engine went away. Wait for the supervisor to reconnect.
        tokio::select! {
            changed = connections.changed() => if changed.is_err() { return },
            _ = shutdown.cancelled() => return,
        }
    }
}

/// Records the engine going away or coming back in every instance's history; whether it did.
async fn record_outage(state: &State, engine_up: bool) -> bool {
    let now = now_ms();
    match state
        .registry
        .call(move |conn| record_engine_outage(conn, engine_up, now))
        .await
    {
        Ok(_) => true,
        Err(e) => {
            tracing::error!(error = %e.chain(), "recording the engine's outage");
            false
        }
    }
}

/// Records what the engine's event record holds between `since` and `until` (Unix seconds).
pub async fn replay(state: &State, since: i64, until: i64) {
    let mut stream = match state
        .engine
        .events(&state.daemon_id, since, Some(until))
        .await
    {
        Ok(stream) => stream,
        Err(e) => {
            tracing::warn!(error = %e.chain(), "cannot read the engine's events of the gap");
            return;
        }
    };
    // Found while catching up on the gap, with the engine's times and exit codes.
    let mut preludes = Preludes::new(Cause::Reconcile);
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => apply(state, &mut preludes, event).await,
            Err(e) => {
                tracing::warn!(error = %e.chain(), "the engine's events of the gap broke off");
                return;
            }
        }
    }
}

/// What the events before a `die` say about it, and who reports what the events show.
struct Preludes {
    /// `docker` for the live stream; `reconcile` for a gap's events read afterwards.
    observer: Cause,
    oom: HashSet<String>,
    /// A kill nobody here asked for (e.g. `docker kill`) explains the die that follows it.
    killed: HashMap<String, String>,
}

impl Preludes {
    fn new(observer: Cause) -> Preludes {
        Preludes {
            observer,
            oom: HashSet::new(),
            killed: HashMap::new(),
        }
    }

    /// The up/down an event shows, if it shows one; remembers the preludes of a die.
    fn seen(&mut self, event: &EngineEvent) -> Option<Seen> {
        let seen = |up, exit_code, oom, killed_by| Seen {
            up,
            at: event.at,
            exit_code,
            oom,
            killed_by,
            observer: self.observer.clone(),
            detail: None,
        };
        match &event.what {
            Happening::Started => {
                self.killed.remove(&event.instance);
                Some(seen(true, None, false, None))
            }
            Happening::Killed { signal } => {
                // `docker stop` sends SIGTERM, then SIGKILL after its timeout: the first says
                // what it was, a stop from outside.
                let first = self.killed.get(&event.instance);
                if !first.is_some_and(|s| super::state::is_sigterm(s)) {
                    self.killed.insert(event.instance.clone(), signal.clone());
                }
                None
            }
            Happening::Oom => {
                self.oom.insert(event.instance.clone());
                None
            }
            Happening::Died { exit_code } => Some(seen(
                false,
                *exit_code,
                self.oom.remove(&event.instance),
                self.killed.remove(&event.instance),
            )),
            Happening::Destroyed => None,
        }
    }
}

/// Records the live stream until it ends; returns the time of the last event it delivered.
async fn follow(state: &State, since: i64) -> Option<i64> {
    let mut stream = match state.engine.events(&state.daemon_id, since, None).await {
        Ok(stream) => stream,
        Err(e) => {
            state.engine.mark_down(format!("event stream: {e}")).await;
            return None;
        }
    };
    let mut preludes = Preludes::new(Cause::Docker);
    let mut last_seen = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => {
                last_seen = Some(event.at);
                apply(state, &mut preludes, event).await;
            }
            Err(e) => {
                state
                    .engine
                    .mark_down(format!("event stream: {}", e.chain()))
                    .await;
                return last_seen;
            }
        }
    }
    state.engine.mark_down("event stream ended".into()).await;
    last_seen
}

/// Records one engine event.
async fn apply(state: &State, preludes: &mut Preludes, event: EngineEvent) {
    let instance = event.instance.clone();
    if event.what == Happening::Destroyed {
        let at = event.at;
        let observer = preludes.observer.clone();
        let result = state
            .registry
            .call(move |conn| mark_lost(conn, &instance, at, observer))
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e.chain(), "recording a destroyed container");
        }
        return;
    }
    let Some(seen) = preludes.seen(&event) else {
        return;
    };
    let id = instance.clone();
    match state
        .registry
        .call(move |conn| observe(conn, &id, seen))
        .await
    {
        Ok(Some(kind)) => tracing::info!(instance = %instance, kind = %kind, "instance changed"),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e.chain(), "recording an engine event"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(what: Happening) -> EngineEvent {
        EngineEvent {
            instance: "i".into(),
            at: 7,
            what,
        }
    }

    #[test]
    fn a_die_carries_what_came_before_it() {
        let mut p = Preludes::new(Cause::Docker);
        assert!(p.seen(&event(Happening::Oom)).is_none());
        let died = p
            .seen(&event(Happening::Died {
                exit_code: Some(137),
            }))
            .unwrap();
        assert!(died.oom && !died.up && died.exit_code == Some(137));
        assert!(p
            .seen(&event(Happening::Killed { signal: "9".into() }))
            .is_none());
        let died = p.seen(&event(Happening::Died { exit_code: None })).unwrap();
        assert_eq!(died.killed_by.as_deref(), Some("9"));
        assert!(!died.oom, "the OOM went with the die it explained");
        // SIGTERM then SIGKILL (a `docker stop` past its timeout) is still a stop.
        p.seen(&event(Happening::Killed {
            signal: "15".into(),
        }));
        p.seen(&event(Happening::Killed { signal: "9".into() }));
        let died = p
            .seen(&event(Happening::Died {
                exit_code: Some(137),
            }))
            .unwrap();
        assert_eq!(died.killed_by.as_deref(), Some("15"));
        // A start forgets a kill that had no die.
        p.seen(&event(Happening::Killed {
            signal: "15".into(),
        }));
        assert!(p.seen(&event(Happening::Started)).unwrap().up);
        let died = p.seen(&event(Happening::Died { exit_code: None })).unwrap();
        assert_eq!(died.killed_by, None);
    }
}
