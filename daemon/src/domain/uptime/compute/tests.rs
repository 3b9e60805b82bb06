use super::*;

fn e(at: i64, kind: EventKind, up: bool, cause: Cause, exit_code: Option<i64>) -> Entry {
    Entry {
        instance_id: "i".into(),
        owner_id: 1,
        at,
        kind,
        up,
        cause,
        exit_code,
        detail: None,
    }
}

fn created(at: i64) -> Vec<Entry> {
    vec![
        e(at, EventKind::Created, false, Cause::User, None),
        e(at, EventKind::Started, true, Cause::User, None),
    ]
}

fn run(started_at: i64, last_alive: i64) -> Run {
    Run {
        started_at,
        last_alive,
    }
}

fn shape(spans: &[Span]) -> Vec<(UptimeState, i64, i64, UptimeReason)> {
    spans
        .iter()
        .map(|s| (s.state, s.from, s.to, s.reason))
        .collect()
}

use UptimeReason as R;
use UptimeState::{Down, Unknown, Up};

#[test]
fn a_crash_and_its_restart_by_the_policy() {
    let mut h = created(0);
    h.push(e(100, EventKind::Died, false, Cause::Crash, Some(3)));
    h.push(e(130, EventKind::Started, true, Cause::Docker, None));
    let spans = intervals(0, 200, &[], &h, &[run(0, 200)]);
    assert_eq!(
        shape(&spans),
        [
            (Up, 0, 100, R::Started),
            (Down, 100, 130, R::Crashed),
            (Up, 130, 200, R::RestartPolicy)
        ]
    );
    assert_eq!(spans[1].cause(), "crashed with exit code 3");
    assert!(!spans[1].planned);
    let t = Totals::of(&spans);
    assert_eq!((t.up, t.down, t.unknown), (170, 30, 0));
    assert_eq!(t.availability(), Some(85.0));
    assert_eq!(t.availability_wanted(), Some(85.0));
}

#[test]
fn a_stop_by_the_owner_is_downtime_but_not_a_failure() {
    let mut h = created(0);
    h.push(e(50, EventKind::Stopped, false, Cause::User, Some(0)));
    h.push(e(100, EventKind::Started, true, Cause::Admin, None));
    h.push(e(150, EventKind::Stopped, false, Cause::Admin, Some(0)));
    let spans = intervals(0, 200, &[], &h, &[]);
    assert_eq!(
        shape(&spans),
        [
            (Up, 0, 50, R::Started),
            (Down, 50, 100, R::StoppedByOwner),
            (Up, 100, 150, R::Started),
            (Down, 150, 200, R::StoppedByAdmin)
        ]
    );
    assert_eq!(spans[1].cause(), "stopped by its owner");
    assert_eq!(spans[3].cause(), "stopped by an admin");
    let t = Totals::of(&spans);
    assert_eq!(t.availability(), Some(50.0));
    assert_eq!(t.availability_wanted(), Some(100.0));
}

#[test]
fn oom_signals_outside_stops_and_lost_are_named() {
    let mut h = created(0);
    h.push(e(10, EventKind::Oom, false, Cause::Oom, Some(137)));
    h.push(e(20, EventKind::Started, true, Cause::User, None));
    h.push(e(
        30,
        EventKind::Killed,
        false,
        Cause::Killed { signal: "9".into() },
        Some(137),
    ));
    h.push(e(40, EventKind::Started, true, Cause::Docker, None));
    h.push(e(
        50,
        EventKind::Stopped,
        false,
        Cause::Reconcile,
        Some(143),
    ));
    h.push(e(60, EventKind::Started, true, Cause::Docker, None));
    h.push(e(70, EventKind::Lost, false, Cause::Docker, None));
    let spans = intervals(0, 80, &[], &h, &[]);
    let causes: Vec<String> = spans.iter().map(Span::cause).collect();
    assert_eq!(
        causes,
        [
            "started",
            "killed by OOM",
            "started",
            "killed by signal 9",
            "restarted by the restart policy",
            "stopped outside rsrc (e.g. docker stop)",
            "started outside rsrc",
            "container lost"
        ]
    );
    assert!(spans.iter().all(|s| !s.planned));
}

#[test]
fn time_between_runs_and_engine_outages_is_unknown_and_left_out() {
    let mut h = created(0);
    // rsrcd killed at 40 (its last heartbeat), back at 100; the crash at 60 was found then.
    h.push(e(60, EventKind::Died, false, Cause::Crash, Some(1)));
    h.push(e(150, EventKind::EngineDown, false, Cause::Engine, None));
    h.push(e(170, EventKind::EngineUp, false, Cause::Engine, None));
    let spans = intervals(0, 200, &[], &h, &[run(0, 40), run(100, 200)]);
    assert_eq!(
        shape(&spans),
        [
            (Up, 0, 40, R::Started),
            (Unknown, 40, 100, R::DaemonNotRunning),
            (Down, 100, 150, R::Crashed),
            (Unknown, 150, 170, R::EngineUnavailable),
            (Down, 170, 200, R::Crashed)
        ]
    );
    let t = Totals::of(&spans);
    assert_eq!((t.up, t.down, t.unknown), (40, 80, 80));
    assert_eq!(t.availability(), Some(33.333));
}

#[test]
fn a_window_that_starts_later_takes_its_first_state_from_the_prelude() {
    let prelude = vec![
        e(5, EventKind::Started, true, Cause::User, None),
        e(7, EventKind::EngineDown, true, Cause::Engine, None),
    ];
    let h = vec![e(120, EventKind::EngineUp, true, Cause::Engine, None)];
    let spans = intervals(100, 200, &prelude, &h, &[run(0, 200)]);
    assert_eq!(
        shape(&spans),
        [
            (Unknown, 100, 120, R::EngineUnavailable),
            (Up, 120, 200, R::Started)
        ]
    );
}

#[test]
fn before_the_first_entry_it_is_being_made_and_empty_windows_are_empty() {
    let spans = intervals(0, 10, &[], &[], &[]);
    assert_eq!(shape(&spans), [(Down, 0, 10, R::Creating)]);
    assert!(spans[0].planned);
    // Shown, but no figure counts it: a new instance is not down for being made (issue 19
    // item 18).
    assert_eq!(Totals::of(&spans).availability(), None);
    assert_eq!(Totals::of(&spans).availability_wanted(), None);
    assert!(intervals(10, 10, &[], &[], &[]).is_empty());
    // Entries older than the window (out of order) are clamped to its start.
    let h = vec![e(3, EventKind::Started, true, Cause::User, None)];
    assert_eq!(
        shape(&intervals(5, 10, &[], &h, &[])),
        [(Up, 5, 10, R::Started)]
    );
}

#[test]
fn gaps_are_found_between_runs_in_any_order() {
    assert_eq!(
        gaps(&[run(100, 150), run(0, 50), run(150, 160)]),
        [(50, 100)]
    );
    assert!(gaps(&[run(0, 50)]).is_empty());
}
