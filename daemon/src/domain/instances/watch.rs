//! Following the engine: after every (re)connection, reconcile, then record the engine's event
//! stream until the connection drops or the daemon stops.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rsrc_shared::api::Cause;
use tokio_util::sync::CancellationToken;

use super::reconcile;
use super::state::{mark_lost, observe, record_engine_outage, Seen};
use crate::clock::now_ms;
use crate::engine::{EngineEvent, EventStream, Happening};
use crate::error::Error;
use crate::registry;
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
        let connected_before = connected_once;
        connected_once = true;
        let now = now_ms() / 1000;
        let mut replayed = false;
        if let Some(since) = resume_from {
            // What happened in the gap, with the engine's exit codes and times, before
            // reconciliation looks at the containers' state now (which has no exit code left for
            // a container that died and was restarted meanwhile).
            replayed = replay(&state, since, now).await;
        }
        match reconcile::reconcile(&state).await {
            // The first time after rsrcd started: the time it was away is known after all when
            // Docker's record tells all of it.
            Ok(()) if !connected_before => {
                if let Err(e) = crate::domain::uptime::gap::vouch(&state, replayed).await {
                    tracing::warn!(error = %e.chain(), "checking Docker's record of the gap");
                }
            }
            Ok(()) => {}
            Err(e) => tracing::error!(error = %e.chain(), "reconciliation failed"),
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
        .write(move |tx| record_engine_outage(tx, engine_up, now))
        .await
    {
        Ok(_) => true,
        Err(e) => {
            tracing::error!(error = %e.chain(), "recording the engine's outage");
            false
        }
    }
}

/// Records what the engine's event record holds between `since` and `until` (Unix seconds);
/// whether it was read to the end.
pub async fn replay(state: &State, since: i64, until: i64) -> bool {
    let stream = match state
        .engine
        .events(&state.daemon_id, since, Some(until))
        .await
    {
        Ok(stream) => stream,
        Err(e) => {
            tracing::warn!(error = %e.chain(), "cannot read the engine's events of the gap");
            return false;
        }
    };
    // Found while catching up on the gap, with the engine's times and exit codes.
    let (_, broke) = record_stream(state, Cause::Reconcile, stream).await;
    if let Some(e) = broke {
        tracing::warn!(error = %e.chain(), "the engine's events of the gap broke off");
        return false;
    }
    true
}

/// Records the live stream until it ends; returns the time of the last event it delivered.
async fn follow(state: &State, since: i64) -> Option<i64> {
    let stream = match state.engine.events(&state.daemon_id, since, None).await {
        Ok(stream) => stream,
        Err(e) => {
            state.engine.mark_down(format!("event stream: {e}")).await;
            return None;
        }
    };
    let (last_seen, broke) = record_stream(state, Cause::Docker, stream).await;
    let why = match broke {
        Some(e) => format!("event stream: {}", e.chain()),
        None => "event stream ended".into(),
    };
    state.engine.mark_down(why).await;
    last_seen
}

/// Records a stream of engine events until it ends. Returns the time of the last event it
/// delivered, and the error it broke off with, if it did.
async fn record_stream(
    state: &State,
    observer: Cause,
    mut stream: EventStream,
) -> (Option<i64>, Option<Error>) {
    let mut preludes = Preludes::new(observer);
    let mut last_seen = None;
    let broke = loop {
        let due = preludes.next_due();
        let wait_ends = tokio::time::sleep_until(due.unwrap_or_else(Instant::now).into());
        let item = tokio::select! {
            item = stream.next() => item,
            _ = wait_ends, if due.is_some() => {
                record_all(state, preludes.due(Some(Instant::now()))).await;
                continue;
            }
        };
        match item {
            Some(Ok(event)) => {
                last_seen = Some(event.at);
                apply(state, &mut preludes, event).await;
            }
            Some(Err(e)) => break Some(e),
            None => break None,
        }
    };
    // What waited for a late OOM happened all the same.
    record_all(state, preludes.due(None)).await;
    (last_seen, broke)
}

/// How long a die by SIGKILL with no kill before it waits for the engine's `oom` about it:
/// Docker may report the OOM kill just after the die it caused (seen 1 in 30 on 20.10 with
/// cgroup v1, as the shim's OOM and exit notifications race).
const LATE_OOM: Duration = Duration::from_secs(2);

/// What the events before a `die` say about it, and who reports what the events show.
struct Preludes {
    /// `docker` for the live stream; `reconcile` for a gap's events read afterwards.
    observer: Cause,
    oom: HashSet<String>,
    /// A kill nobody here asked for (e.g. `docker kill`) explains the die that follows it.
    killed: HashMap<String, String>,
    /// Dies that an `oom` just after them may still explain, and until when they wait for it.
    held: HashMap<String, (Seen, Instant)>,
    /// The number of each container's stop signal, as inspected ([`Preludes::learn`]); a
    /// container not in it stops on SIGTERM.
    stop_signals: HashMap<String, i64>,
}

impl Preludes {
    fn new(observer: Cause) -> Preludes {
        Preludes {
            observer,
            oom: HashSet::new(),
            killed: HashMap::new(),
            held: HashMap::new(),
            stop_signals: HashMap::new(),
        }
    }

    /// Whether the stop signal of `container` is still to be learnt before its kill or die.
    fn must_learn(&self, event: &EngineEvent) -> bool {
        matches!(
            event.what,
            Happening::Killed { .. } | Happening::Died { .. }
        ) && !event.container.is_empty()
            && !self.stop_signals.contains_key(&event.container)
    }

    /// Records the stop signal of `container` (its number).
    fn learn(&mut self, container: &str, stop_signal: i64) {
        self.stop_signals.insert(container.to_string(), stop_signal);
    }

    fn stop_signal(&self, event: &EngineEvent) -> i64 {
        self.stop_signals
            .get(&event.container)
            .copied()
            .unwrap_or(rsrc_shared::signal::SIGTERM)
    }

    /// Takes in one event at `now`; returns the instances' ups and downs it settles, in order.
    fn feed(&mut self, event: &EngineEvent, now: Instant) -> Vec<(String, Seen)> {
        let mut settled = Vec::new();
        if let Some((mut held, _)) = self.held.remove(&event.instance) {
            let late_oom = event.what == Happening::Oom;
            held.oom |= late_oom;
            settled.push((event.instance.clone(), held));
            if late_oom {
                return settled;
            }
        }
        if let Some(seen) = self.seen(event) {
            let unexplained_kill =
                !seen.up && !seen.oom && seen.killed_by.is_none() && seen.exit_code == Some(137);
            if unexplained_kill {
                self.held
                    .insert(event.instance.clone(), (seen, now + LATE_OOM));
            } else {
                settled.push((event.instance.clone(), seen));
            }
        }
        settled
    }

    /// When the first held die stops waiting, if one is held.
    fn next_due(&self) -> Option<Instant> {
        self.held.values().map(|(_, until)| *until).min()
    }

    /// The held dies that stopped waiting by `now`; with `None`, all of them.
    fn due(&mut self, now: Option<Instant>) -> Vec<(String, Seen)> {
        self.held
            .extract_if(|_, (_, until)| now.is_none_or(|now| *until <= now))
            .map(|(instance, (seen, _))| (instance, seen))
            .collect()
    }

    /// The up/down an event shows, if it shows one; remembers the preludes of a die.
    fn seen(&mut self, event: &EngineEvent) -> Option<Seen> {
        let stop_signal = self.stop_signal(event);
        let seen = |up, exit_code, oom, killed_by| Seen {
            up,
            at: event.at,
            exit_code,
            oom,
            killed_by,
            paused: false,
            stop_signal,
            observer: self.observer.clone(),
            detail: None,
        };
        match &event.what {
            Happening::Started => {
                // What came before a start belongs to the run that ended: Docker may repeat an
                // OOM after the die it explained.
                self.killed.remove(&event.instance);
                self.oom.remove(&event.instance);
                Some(seen(true, None, false, None))
            }
            Happening::Killed { signal } => {
                // `docker stop` sends the stop signal, then SIGKILL after its timeout: the
                // first says what it was, a stop from outside.
                let first = self.killed.get(&event.instance);
                if !first.is_some_and(|s| super::state::is_stop_signal(s, stop_signal)) {
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
            // Frozen, not ended: what came before it still explains the die after it.
            Happening::Paused => Some(Seen {
                paused: true,
                ..seen(false, None, false, None)
            }),
            Happening::Unpaused => Some(seen(true, None, false, None)),
            Happening::Destroyed => None,
        }
    }
}

/// Records one engine event.
async fn apply(state: &State, preludes: &mut Preludes, event: EngineEvent) {
    if !is_the_instances(state, &event).await {
        tracing::warn!(container = %event.container, instance = %event.instance,
            "an event of a container that carries an instance's labels but is not its container; \
             see `rsrc admin orphans`");
        return;
    }
    if preludes.must_learn(&event) {
        // The engine's events do not carry it: inspect, once per container. A container gone
        // already (a replay) stops on SIGTERM as far as rsrc can tell.
        if let Ok(Some(o)) = state.engine.inspect(&event.container).await {
            preludes.learn(&event.container, o.stop_signal_number());
        }
    }
    record_all(state, preludes.feed(&event, Instant::now())).await;
    if event.what == Happening::Destroyed {
        let instance = event.instance;
        let at = event.at;
        let observer = preludes.observer.clone();
        let result = state
            .registry
            .write(move |tx| mark_lost(tx, &instance, at, observer))
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e.chain(), "recording a destroyed container");
        }
    }
}

/// Whether an event is about the container the registry holds for its instance. One whose id
/// is not recorded yet (a create in flight) counts as the instance's: what it shows is settled
/// by the state machine.
async fn is_the_instances(state: &State, event: &EngineEvent) -> bool {
    let instance = event.instance.clone();
    match state
        .registry
        .read(move |snap| registry::instances::by_id(snap, &instance))
        .await
    {
        Ok(Some(row)) => row
            .container_id
            .is_none_or(|id| event.container.is_empty() || id == event.container),
        Ok(None) => true,
        Err(e) => {
            tracing::error!(error = %e.chain(), "reading the instance of an engine event");
            true
        }
    }
}

/// Records instances' ups and downs, in order.
async fn record_all(state: &State, settled: Vec<(String, Seen)>) {
    for (instance, seen) in settled {
        let id = instance.clone();
        match state.registry.write(move |tx| observe(tx, &id, seen)).await {
            Ok(Some(kind)) => {
                tracing::info!(instance = %instance, kind = %kind, "instance changed")
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e.chain(), "recording an engine event"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(what: Happening) -> EngineEvent {
        EngineEvent {
            instance: "i".into(),
            container: "c".into(),
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

    fn died(exit_code: i64) -> Happening {
        Happening::Died {
            exit_code: Some(exit_code),
        }
    }

    /// What `events` settle, fed one after another at the same instant.
    fn settle(p: &mut Preludes, events: Vec<Happening>, now: Instant) -> Vec<Seen> {
        events
            .into_iter()
            .flat_map(|what| p.feed(&event(what), now))
            .map(|(_, seen)| seen)
            .collect()
    }

    #[test]
    fn a_stop_signal_then_sigkill_is_still_a_stop() {
        let mut p = Preludes::new(Cause::Docker);
        p.learn("c", 2);
        p.seen(&event(Happening::Killed { signal: "2".into() }));
        p.seen(&event(Happening::Killed { signal: "9".into() }));
        let died = p.seen(&event(died(137))).unwrap();
        assert_eq!(died.killed_by.as_deref(), Some("2"));
        assert_eq!(died.stop_signal, 2);
    }

    #[test]
    fn an_oom_reported_just_after_its_die_still_names_it() {
        let mut p = Preludes::new(Cause::Docker);
        let now = Instant::now();
        let seen = settle(&mut p, vec![Happening::Started, died(137)], now);
        assert_eq!(seen.len(), 1, "the die waits for a late OOM: {seen:?}");
        assert_eq!(p.next_due(), Some(now + LATE_OOM));
        let seen = settle(&mut p, vec![Happening::Oom], now);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].oom && !seen[0].up && seen[0].exit_code == Some(137));
        assert_eq!(p.next_due(), None);
        // The OOM went with the die it explained, so the next SIGKILL waits again.
        let seen = settle(&mut p, vec![Happening::Started, died(137)], now);
        assert_eq!(seen.len(), 1, "{seen:?}");
        // Repeats of an OOM after its die do not explain the next run's end.
        let seen = settle(
            &mut p,
            vec![Happening::Oom, Happening::Oom, Happening::Started, died(3)],
            now,
        );
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(seen[0].oom, "the held die took the first");
        assert!(!seen[2].oom && seen[2].exit_code == Some(3), "{seen:?}");
    }

    #[test]
    fn a_die_that_no_oom_follows_is_recorded_when_its_wait_ends() {
        let mut p = Preludes::new(Cause::Docker);
        let now = Instant::now();
        settle(&mut p, vec![died(137)], now);
        assert!(p.due(Some(now)).is_empty(), "still waiting");
        let due = p.due(Some(now + LATE_OOM));
        assert_eq!(due.len(), 1);
        assert!(!due[0].1.oom && due[0].1.exit_code == Some(137));
        // Any other event of the instance settles it at once, before what that event shows.
        settle(&mut p, vec![died(137)], now);
        let seen = settle(&mut p, vec![Happening::Started], now);
        assert_eq!(seen.len(), 2);
        assert!(!seen[0].up && !seen[0].oom && seen[1].up);
        // At the end of a stream, whatever waits is recorded.
        settle(&mut p, vec![died(137)], now);
        assert_eq!(p.due(None).len(), 1);
        assert_eq!(p.next_due(), None);
    }

    #[test]
    fn only_an_unexplained_sigkill_waits() {
        let mut p = Preludes::new(Cause::Docker);
        let now = Instant::now();
        let seen = settle(&mut p, vec![died(3)], now);
        assert_eq!(seen.len(), 1, "a crash is recorded at once");
        let seen = settle(
            &mut p,
            vec![Happening::Killed { signal: "9".into() }, died(137)],
            now,
        );
        assert_eq!(seen.len(), 1, "a `docker kill` explains its die");
        let seen = settle(&mut p, vec![Happening::Oom, died(137)], now);
        assert_eq!(seen.len(), 1, "an OOM before the die explains it");
        assert!(seen[0].oom);
        assert_eq!(p.next_due(), None);
    }
}
