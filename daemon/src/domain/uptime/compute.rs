//! The uptime intervals of one instance, from its history and the daemon's runs: a pure
//! function, so that every case is a unit test.
//!
//! The history gives the instance's up/down transitions and the engine's outages; the runs give
//! when rsrcd was there to see. Time between two runs, and time inside an engine outage, is
//! unknown, whatever the history says happened then (those entries still set the state that
//! follows).

use rsrc_shared::api::{Cause, EventKind, UptimeReason, UptimeState};

use crate::domain::events::Entry;
use crate::registry::runs::Run;

/// One interval, in Unix milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub state: UptimeState,
    pub from: i64,
    pub to: i64,
    pub reason: UptimeReason,
    pub planned: bool,
    pub exit_code: Option<i64>,
    /// The signal of a kill, as Docker named it.
    pub signal: Option<String>,
}

impl Span {
    pub fn ms(&self) -> i64 {
        self.to - self.from
    }

    /// The cause for people.
    pub fn cause(&self) -> String {
        match self.reason {
            UptimeReason::Started => "started".into(),
            UptimeReason::RestartPolicy => "restarted by the restart policy".into(),
            UptimeReason::StartedOutside => "started outside rsrc".into(),
            UptimeReason::Creating => "being created".into(),
            UptimeReason::StoppedByOwner => "stopped by its owner".into(),
            UptimeReason::StoppedByAdmin => "stopped by an admin".into(),
            UptimeReason::StoppedOutside => "stopped outside rsrc (e.g. docker stop)".into(),
            UptimeReason::Crashed => match self.exit_code {
                Some(code) => format!("crashed with exit code {code}"),
                None => "crashed".into(),
            },
            UptimeReason::Oom => "killed by OOM".into(),
            UptimeReason::Signal => match &self.signal {
                Some(s) => format!("killed by signal {s}"),
                None => "killed by a signal".into(),
            },
            UptimeReason::Lost => "container lost".into(),
            UptimeReason::Paused => "paused (e.g. docker pause)".into(),
            UptimeReason::Unpaused => "unpaused (e.g. docker unpause)".into(),
            UptimeReason::EngineUnavailable => "Docker engine unavailable".into(),
            UptimeReason::DaemonNotRunning => "rsrcd not running".into(),
            UptimeReason::NoHistory => "no history".into(),
            UptimeReason::Unknown => "unknown".into(),
        }
    }
}

/// What the intervals add up to, in milliseconds; the creation interval counts in none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub up: i64,
    pub down: i64,
    pub planned_down: i64,
    pub unknown: i64,
}

impl Totals {
    pub fn of(spans: &[Span]) -> Totals {
        let mut t = Totals::default();
        for s in spans {
            match s.state {
                // The time it took to be made: shown (as planned), but no figure counts it, so
                // that a new instance reads 100% once it is up (issue 19 item 18). The listing's
                // rollup starts its window when the instance came up, to the same effect.
                UptimeState::Down if s.reason == UptimeReason::Creating => {}
                UptimeState::Up => t.up += s.ms(),
                UptimeState::Down => {
                    t.down += s.ms();
                    if s.planned {
                        t.planned_down += s.ms();
                    }
                }
                UptimeState::Unknown => t.unknown += s.ms(),
            }
        }
        t
    }

    /// Percent of the known time that was up.
    pub fn availability(&self) -> Option<f64> {
        percent(self.up, self.up + self.down)
    }

    /// Percent of the time the owner wanted it running that it was up.
    pub fn availability_wanted(&self) -> Option<f64> {
        percent(self.up, self.up + self.down - self.planned_down)
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 100_000.0 / whole as f64).round() / 1000.0)
}

/// The state an entry leaves the instance in, given the one before it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Label {
    up: bool,
    reason: UptimeReason,
    planned: bool,
    exit_code: Option<i64>,
    signal: Option<String>,
}

fn label_after(prev: Option<&Label>, e: &Entry) -> Option<Label> {
    let down = |reason, planned| {
        Some(Label {
            up: false,
            reason,
            planned,
            exit_code: e.exit_code,
            signal: None,
        })
    };
    match e.kind {
        EventKind::EngineDown | EventKind::EngineUp | EventKind::Unknown => None,
        EventKind::Created => down(UptimeReason::Creating, true),
        EventKind::Started => {
            let reason = match e.cause {
                Cause::User | Cause::Admin | Cause::Daemon => UptimeReason::Started,
                _ if prev.is_some_and(|p| {
                    !p.up && !p.planned && p.reason != UptimeReason::StoppedOutside
                }) =>
                {
                    UptimeReason::RestartPolicy
                }
                _ => UptimeReason::StartedOutside,
            };
            Some(Label {
                up: true,
                reason,
                planned: false,
                exit_code: None,
                signal: None,
            })
        }
        EventKind::Stopped => match e.cause {
            Cause::User => down(UptimeReason::StoppedByOwner, true),
            Cause::Admin => down(UptimeReason::StoppedByAdmin, true),
            // A recreate's stop of the old container; the recreate entry says by whom.
            Cause::Recreate => down(UptimeReason::StoppedByOwner, true),
            _ => down(UptimeReason::StoppedOutside, false),
        },
        EventKind::Died => down(UptimeReason::Crashed, false),
        EventKind::Oom => down(UptimeReason::Oom, false),
        EventKind::Killed => Some(Label {
            signal: match &e.cause {
                Cause::Killed { signal } => Some(signal.clone()),
                _ => None,
            },
            ..down(UptimeReason::Signal, false)?
        }),
        EventKind::Lost => down(UptimeReason::Lost, false),
        // A paused container answers nothing: down, and nobody in rsrc asked for it.
        EventKind::Paused => down(UptimeReason::Paused, false),
        // Up again (`docker unpause`).
        EventKind::Unpaused => Some(Label {
            up: true,
            reason: UptimeReason::Unpaused,
            planned: false,
            exit_code: None,
            signal: None,
        }),
        EventKind::Removed => down(UptimeReason::StoppedByOwner, true),
        // Made again by its owner or an admin: planned, like their stop; a start follows.
        EventKind::Recreated => match e.cause {
            Cause::Admin => down(UptimeReason::StoppedByAdmin, true),
            _ => down(UptimeReason::StoppedByOwner, true),
        },
    }
}

/// Gaps between runs: nobody watched then. One definition with the rollup's.
fn gaps(runs: &[Run]) -> Vec<(i64, i64)> {
    crate::registry::uptime_marks::Gaps::of(runs)
        .spans()
        .to_vec()
}

/// The intervals of `[from, to]`. `prelude` are entries at or before `from` that set the state
/// it starts in (the last up/down one and the last engine one); `entries` are those after
/// `from`, oldest first; `runs` the daemon's runs around the window.
pub fn intervals(
    from: i64,
    to: i64,
    prelude: &[Entry],
    entries: &[Entry],
    runs: &[Run],
) -> Vec<Span> {
    if to <= from {
        return Vec::new();
    }
    let mut label: Option<Label> = None;
    let mut engine_out = false;
    let apply = |label: &mut Option<Label>, engine_out: &mut bool, e: &Entry| match e.kind {
        EventKind::EngineDown => *engine_out = true,
        EventKind::EngineUp => *engine_out = false,
        _ => {
            if let Some(next) = label_after(label.as_ref(), e) {
                *label = Some(next);
            }
        }
    };
    let mut ordered: Vec<&Entry> = prelude.iter().collect();
    ordered.sort_by_key(|e| e.at);
    for e in ordered {
        apply(&mut label, &mut engine_out, e);
    }
    let gaps: Vec<(i64, i64)> = gaps(runs)
        .into_iter()
        .map(|(a, b)| (a.max(from), b.min(to)))
        .filter(|(a, b)| a < b)
        .collect();
    let mut points: Vec<i64> = vec![from, to];
    points.extend(entries.iter().map(|e| e.at.clamp(from, to)));
    points.extend(gaps.iter().flat_map(|(a, b)| [*a, *b]));
    points.sort_unstable();
    points.dedup();

    let mut spans: Vec<Span> = Vec::new();
    let mut next_entry = 0;
    for w in points.windows(2) {
        let (start, end) = (w[0], w[1]);
        while next_entry < entries.len() && entries[next_entry].at.max(from) <= start {
            apply(&mut label, &mut engine_out, &entries[next_entry]);
            next_entry += 1;
        }
        let unknown = |reason| Span {
            state: UptimeState::Unknown,
            from: start,
            to: end,
            reason,
            planned: false,
            exit_code: None,
            signal: None,
        };
        let span = if gaps.iter().any(|(a, b)| *a <= start && end <= *b) {
            unknown(UptimeReason::DaemonNotRunning)
        } else if engine_out {
            unknown(UptimeReason::EngineUnavailable)
        } else {
            match &label {
                // Before its first entry an instance is being made (its row comes first).
                None => Span {
                    state: UptimeState::Down,
                    planned: true,
                    ..unknown(UptimeReason::Creating)
                },
                Some(l) => Span {
                    state: if l.up {
                        UptimeState::Up
                    } else {
                        UptimeState::Down
                    },
                    from: start,
                    to: end,
                    reason: l.reason,
                    planned: l.planned,
                    exit_code: l.exit_code,
                    signal: l.signal.clone(),
                },
            }
        };
        match spans.last_mut() {
            Some(last) if same(last, &span) => last.to = end,
            _ => spans.push(span),
        }
    }
    spans
}

fn same(a: &Span, b: &Span) -> bool {
    a.state == b.state
        && a.reason == b.reason
        && a.planned == b.planned
        && a.exit_code == b.exit_code
        && a.signal == b.signal
}

#[cfg(test)]
mod tests;
