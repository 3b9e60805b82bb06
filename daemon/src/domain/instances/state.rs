//! The state machine of an instance: what an observed up or down means, and with which cause.
//!
//! The daemon's own actions, the engine's event stream and reconciliation may all report the same
//! fact. [`observe`] records a transition only when it differs from the last recorded state, with
//! the cause of whoever saw it with the best knowledge: the pending action of a user or admin, an
//! OOM, a kill nobody here asked for, or a crash.

use rsrc_shared::api::{Cause, EventKind, InstanceState};

use crate::clock::now_ms;
use crate::domain::events::{self, Entry};
use crate::error::Result;
use crate::registry::instances::{self as repo, Desired, Pending};
use crate::registry::Tx;

/// What was seen: the container is now up or down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub up: bool,
    /// Unix milliseconds, as the engine recorded it where it did.
    pub at: i64,
    pub exit_code: Option<i64>,
    pub oom: bool,
    /// The signal of a kill that came before this stop, if any.
    pub killed_by: Option<String>,
    /// Down because its container is paused (`docker pause`): frozen, not ended.
    pub paused: bool,
    /// The number of the container's stop signal (its machine's or its image's; 15, SIGTERM,
    /// by default): a kill or an exit by it is a stop (issue 20: Postgres stops on SIGINT).
    pub stop_signal: i64,
    /// Who saw it, when nobody asked for it: docker, reconcile or daemon.
    pub observer: Cause,
    pub detail: Option<String>,
}

impl Seen {
    /// What the daemon itself found on inspecting the container at `at` (after a create or a
    /// recreate), rather than what an event told it.
    pub fn inspected(o: &crate::engine::Observed, at: i64) -> Seen {
        let paused = o.state == crate::engine::RunState::Paused;
        Seen {
            up: o.running && !paused,
            at,
            exit_code: if paused { None } else { o.exit_code },
            oom: o.oom_killed,
            killed_by: None,
            paused,
            stop_signal: o.stop_signal_number(),
            observer: Cause::Daemon,
            detail: None,
        }
    }
}

/// The status an instance shows after an observation.
fn status_after(up: bool, paused: bool, desired: Desired) -> InstanceState {
    match (up, desired) {
        (false, _) if paused => InstanceState::Paused,
        (true, _) => InstanceState::Running,
        (false, Desired::Stopped) => InstanceState::Stopped,
        (false, Desired::Running) => InstanceState::Exited,
    }
}

/// What a transition is, and why: the next step of an action somebody asked for is theirs; an
/// unasked down is an OOM, a kill or a crash unless the owner wants the instance stopped. A
/// pause is a down of its own (nobody in rsrc asks for one), and the up after it an unpause.
fn classify(
    seen: &Seen,
    desired: Desired,
    asked: Option<&Cause>,
    was_paused: bool,
) -> (EventKind, Cause) {
    if seen.paused {
        return (EventKind::Paused, seen.observer.clone());
    }
    if seen.up && was_paused {
        return (EventKind::Unpaused, asked.unwrap_or(&seen.observer).clone());
    }
    match (seen.up, asked) {
        (true, Some(who)) => (EventKind::Started, who.clone()),
        (true, None) => (EventKind::Started, seen.observer.clone()),
        (false, Some(who)) => (EventKind::Stopped, who.clone()),
        (false, None) if desired == Desired::Stopped => (EventKind::Stopped, seen.observer.clone()),
        (false, None) if seen.oom => (EventKind::Oom, Cause::Oom),
        // The stop signal is how `docker stop` ends a container: a stop from outside, not a
        // crash, whatever the exit code (Postgres exits 0 on its SIGINT).
        (false, None)
            if seen
                .killed_by
                .as_deref()
                .is_some_and(|s| is_stop_signal(s, seen.stop_signal)) =>
        {
            (EventKind::Stopped, seen.observer.clone())
        }
        (false, None) => match (&seen.killed_by, signal_of_exit(seen.exit_code)) {
            (Some(signal), _) => (
                EventKind::Killed,
                Cause::Killed {
                    signal: signal.clone(),
                },
            ),
            // Reconciliation sees no kill event, only the exit code: 128 + the stop signal (143
            // for SIGTERM) is a `docker stop` while rsrcd was away, and 128+N the end by
            // signal N.
            (None, Some(n)) if n == seen.stop_signal => (EventKind::Stopped, seen.observer.clone()),
            (None, Some(n)) => (
                EventKind::Killed,
                Cause::Killed {
                    signal: n.to_string(),
                },
            ),
            (None, None) => (EventKind::Died, Cause::Crash),
        },
    }
}

/// The signal a shell-style exit code 128+N stands for.
fn signal_of_exit(exit_code: Option<i64>) -> Option<i64> {
    exit_code.map(|c| c - 128).filter(|n| (1..=64).contains(n))
}

/// Whether a kill's signal is the container's stop signal (number `stop_signal`). Docker names
/// the signal of a kill by number (20.10) or by name (newer engines).
pub(super) fn is_stop_signal(signal: &str, stop_signal: i64) -> bool {
    rsrc_shared::signal::number(signal) == Some(stop_signal)
}

/// Whether this transition is the next one the pending action expects (while it is valid).
fn claims(pending: Option<&Pending>, up: bool, now: i64) -> bool {
    pending.is_some_and(|p| p.until >= now && p.expect.next_up() == up)
}

/// Records an up/down transition of an instance and updates its status; a repeat of the current
/// state is ignored, and so is one older than what is recorded. Returns the kind recorded.
pub fn observe(tx: &Tx, instance_id: &str, seen: Seen) -> Result<Option<EventKind>> {
    let Some(row) = repo::by_id(tx, instance_id)? else {
        return Ok(None);
    };
    if row.state.is_transitional() {
        // The create or remove in flight records its own outcome.
        return Ok(None);
    }
    if row.state == InstanceState::Lost {
        // Its container is gone: what a replay of Docker's record says about it afterwards is
        // already accounted for, and must not bring it back to `exited` to be lost again.
        return Ok(None);
    }
    let last = events::last_state(tx, instance_id)?;
    // Older than what is recorded, e.g. Docker replaying events that reconciliation already
    // accounted for: it cannot change the current state.
    if last.is_some_and(|l| l.up != seen.up && seen.at < l.at) {
        return Ok(None);
    }
    let now = now_ms();
    let was_paused = row.state == InstanceState::Paused;
    // A pause is a down, but the die of a paused container is news, and so is a pause seen
    // after a recorded down (reconciliation finds the container paused).
    let repeat = last.is_some_and(|l| l.up == seen.up) && (seen.up || seen.paused == was_paused);
    let claimed = !repeat && !seen.paused && claims(row.pending.as_ref(), seen.up, now);
    // A down somebody asked for shows as stopped, also before the owner's wish is recorded.
    let desired = if claimed && !seen.up {
        Desired::Stopped
    } else {
        row.desired
    };
    let status = status_after(seen.up, seen.paused, desired);
    let exit_code = if seen.up || seen.paused {
        None
    } else {
        seen.exit_code
    };
    // `updated` is when the instance last changed, as the engine dated it: `ps` ages count from
    // it, so a repeat (e.g. reconciliation after an rsrcd restart) keeps it. A pause and its
    // unpause keep it too: `Up 5 minutes (Paused)` counts from the start, as Docker's does.
    let keeps_age = repeat || seen.paused || (seen.up && was_paused);
    let updated = if keeps_age { row.updated_at } else { seen.at };
    if !(repeat && row.state == status && row.exit_code == exit_code) {
        repo::set_state(tx, instance_id, status, exit_code, updated)?;
    }
    if repeat {
        return Ok(None);
    }
    let asked = if claimed {
        let pending = row.pending.as_ref();
        let rest = pending.and_then(|p| {
            p.expect.after_next().map(|expect| Pending {
                cause: p.cause.clone(),
                expect,
                until: p.until,
            })
        });
        repo::set_pending(tx, instance_id, rest.as_ref())?;
        pending.map(|p| p.cause.clone())
    } else {
        None
    };
    let (kind, cause) = classify(&seen, row.desired, asked.as_ref(), was_paused);
    events::record(
        tx,
        &Entry {
            instance_id: instance_id.to_string(),
            owner_id: row.owner_id,
            at: seen.at,
            kind,
            up: seen.up,
            cause,
            exit_code,
            detail: seen.detail,
        },
    )?;
    Ok(Some(kind))
}

/// Records that the engine went away (`up = false`) or came back, for every instance it covers:
/// the outage is an interval of unknown state in each one's history. Each entry keeps the
/// instance's last known up/down, so it reads as no transition of its own.
pub fn record_engine_outage(tx: &Tx, engine_up: bool, at: i64) -> Result<usize> {
    let mut recorded = 0;
    for row in repo::all(tx)? {
        if row.state == InstanceState::Lost || row.state.is_transitional() {
            continue;
        }
        let up = events::last_state(tx, &row.id)?.is_some_and(|l| l.up);
        events::record(
            tx,
            &Entry {
                instance_id: row.id.clone(),
                owner_id: row.owner_id,
                at,
                kind: if engine_up {
                    EventKind::EngineUp
                } else {
                    EventKind::EngineDown
                },
                up,
                cause: Cause::Engine,
                exit_code: None,
                detail: Some(if engine_up {
                    "Docker engine available again".into()
                } else {
                    "Docker engine unavailable".into()
                }),
            },
        )?;
        recorded += 1;
    }
    Ok(recorded)
}

/// Marks an instance whose container is gone; kept and shown until removed.
pub fn mark_lost(tx: &Tx, id: &str, at: i64, cause: Cause) -> Result<()> {
    let Some(row) = repo::by_id(tx, id)? else {
        return Ok(());
    };
    if row.state == InstanceState::Lost || row.state.is_transitional() {
        return Ok(());
    }
    // Older than what is recorded: e.g. the destroy of the container a recreate replaced.
    if events::last_state(tx, id)?.is_some_and(|l| at < l.at) {
        return Ok(());
    }
    // No exit code: the container's last one was recorded with its own entry, if it was seen.
    repo::set_state(tx, id, InstanceState::Lost, None, now_ms())?;
    events::record(
        tx,
        &Entry {
            instance_id: id.to_string(),
            owner_id: row.owner_id,
            at,
            kind: EventKind::Lost,
            up: false,
            cause,
            exit_code: None,
            detail: Some("the container is gone".into()),
        },
    )?;
    tracing::warn!(instance = id, "instance lost: its container is gone");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::instances::Expect;

    fn seen(up: bool) -> Seen {
        Seen {
            up,
            at: 0,
            exit_code: (!up).then_some(1),
            oom: false,
            killed_by: None,
            paused: false,
            stop_signal: 15,
            observer: Cause::Docker,
            detail: None,
        }
    }

    #[test]
    fn a_stop_by_the_containers_own_stop_signal_is_a_stop() {
        let running = Desired::Running;
        // `docker stop` of a SIGINT image: kill 2, then Postgres exits 0.
        let sigint = Seen {
            killed_by: Some("2".into()),
            exit_code: Some(0),
            stop_signal: 2,
            ..seen(false)
        };
        assert_eq!(
            classify(&sigint, running, None, false),
            (EventKind::Stopped, Cause::Docker)
        );
        // By name, as newer engines write it.
        let by_name = Seen {
            killed_by: Some("SIGINT".into()),
            ..sigint.clone()
        };
        assert_eq!(
            classify(&by_name, running, None, false),
            (EventKind::Stopped, Cause::Docker)
        );
        // The same SIGINT to a SIGTERM image is a kill.
        let other = Seen {
            stop_signal: 15,
            ..sigint
        };
        assert_eq!(
            classify(&other, running, None, false),
            (EventKind::Killed, Cause::Killed { signal: "2".into() })
        );
        // Reconciliation: 130 is SIGINT's exit code.
        let exited = Seen {
            exit_code: Some(130),
            stop_signal: 2,
            ..seen(false)
        };
        assert_eq!(
            classify(&exited, running, None, false),
            (EventKind::Stopped, Cause::Docker)
        );
    }

    #[test]
    fn unasked_downs_are_told_apart() {
        let running = Desired::Running;
        assert_eq!(
            classify(&seen(false), running, None, false),
            (EventKind::Died, Cause::Crash)
        );
        let oom = Seen {
            oom: true,
            ..seen(false)
        };
        assert_eq!(
            classify(&oom, running, None, false),
            (EventKind::Oom, Cause::Oom)
        );
        let killed = Seen {
            killed_by: Some("9".into()),
            ..seen(false)
        };
        assert_eq!(
            classify(&killed, running, None, false),
            (EventKind::Killed, Cause::Killed { signal: "9".into() })
        );
        // `docker stop` by hand: a stop from outside, by whoever saw it.
        let stopped_outside = Seen {
            killed_by: Some("15".into()),
            ..seen(false)
        };
        assert_eq!(
            classify(&stopped_outside, running, None, false),
            (EventKind::Stopped, Cause::Docker)
        );
        // Only the exit code left (reconciliation): 143 is SIGTERM, 128+N signal N.
        let exited = |code| Seen {
            exit_code: Some(code),
            observer: Cause::Reconcile,
            ..seen(false)
        };
        assert_eq!(
            classify(&exited(143), running, None, false),
            (EventKind::Stopped, Cause::Reconcile)
        );
        assert_eq!(
            classify(&exited(137), running, None, false),
            (EventKind::Killed, Cause::Killed { signal: "9".into() })
        );
        assert_eq!(
            classify(&exited(3), running, None, false),
            (EventKind::Died, Cause::Crash)
        );
        assert_eq!(
            classify(&exited(255), running, None, false),
            (EventKind::Died, Cause::Crash)
        );
        // Down while the owner wants it stopped is a stop, whoever saw it.
        assert_eq!(
            classify(&seen(false), Desired::Stopped, None, false),
            (EventKind::Stopped, Cause::Docker)
        );
    }

    #[test]
    fn asked_transitions_carry_the_askers_cause() {
        assert_eq!(
            classify(&seen(false), Desired::Stopped, Some(&Cause::Admin), false),
            (EventKind::Stopped, Cause::Admin)
        );
        assert_eq!(
            classify(&seen(true), Desired::Running, Some(&Cause::User), false),
            (EventKind::Started, Cause::User)
        );
        assert_eq!(
            classify(&seen(true), Desired::Running, None, false),
            (EventKind::Started, Cause::Docker)
        );
    }

    #[test]
    fn a_pending_action_claims_only_its_next_transition_while_valid() {
        let restart = Pending {
            cause: Cause::User,
            expect: Expect::DownThenUp,
            until: 100,
        };
        assert!(claims(Some(&restart), false, 50), "the restart's down");
        assert!(!claims(Some(&restart), true, 50), "up comes after down");
        assert!(!claims(Some(&restart), false, 101), "expired");
        assert_eq!(restart.expect.after_next(), Some(Expect::Up));
        assert_eq!(Expect::Up.after_next(), None);
        assert!(!claims(None, true, 0));
    }

    #[test]
    fn a_pause_is_a_down_of_its_own_and_its_end_an_unpause() {
        let paused = Seen {
            paused: true,
            exit_code: None,
            ..seen(false)
        };
        for desired in [Desired::Running, Desired::Stopped] {
            assert_eq!(
                classify(&paused, desired, None, false),
                (EventKind::Paused, Cause::Docker)
            );
            assert_eq!(status_after(false, true, desired), InstanceState::Paused);
        }
        assert_eq!(
            classify(&seen(true), Desired::Running, None, true),
            (EventKind::Unpaused, Cause::Docker)
        );
        // A die of a paused container is what it is.
        assert_eq!(
            classify(&seen(false), Desired::Running, None, true),
            (EventKind::Died, Cause::Crash)
        );
    }

    #[test]
    fn status_follows_what_is_wanted() {
        assert_eq!(
            status_after(true, false, Desired::Stopped),
            InstanceState::Running
        );
        assert_eq!(
            status_after(false, false, Desired::Stopped),
            InstanceState::Stopped
        );
        assert_eq!(
            status_after(false, false, Desired::Running),
            InstanceState::Exited
        );
    }
}
