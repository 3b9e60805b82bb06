//! The rollup's availability equals the exact one: random histories with restarts of rsrcd
//! (clean and kill -9), engine outages, planned stops and entries that arrive late.

use rsrc_shared::api::{Cause, EventKind, Limits, MachineSpec, RestartPolicy};

use super::*;
use crate::domain::events::{self, Entry};
use crate::registry::{fixtures, instances as repo, runs, uptime_marks, Registry, Snap, Tx};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: i64) -> i64 {
        (self.next() % n.max(1) as u64) as i64
    }
    fn chance(&mut self, percent: i64) -> bool {
        self.below(100) < percent
    }
}

const KINDS: &[(EventKind, Cause)] = &[
    (EventKind::Started, Cause::User),
    (EventKind::Started, Cause::Docker),
    (EventKind::Stopped, Cause::User),
    (EventKind::Stopped, Cause::Admin),
    (EventKind::Stopped, Cause::Docker),
    (EventKind::Died, Cause::Docker),
    (EventKind::Oom, Cause::Docker),
    (EventKind::Lost, Cause::Daemon),
    (EventKind::Recreated, Cause::User),
    (EventKind::Paused, Cause::Docker),
    (EventKind::Unpaused, Cause::Docker),
    (EventKind::EngineDown, Cause::Engine),
    (EventKind::EngineUp, Cause::Engine),
];

fn record(tx: &Tx, instance: &str, at: i64, (kind, cause): (EventKind, Cause)) {
    events::record(
        tx,
        &Entry {
            instance_id: instance.into(),
            owner_id: 1 + (instance.len() as i64 % 2),
            at,
            kind,
            up: matches!(kind, EventKind::Started | EventKind::Unpaused),
            cause,
            exit_code: None,
            detail: None,
        },
    )
    .unwrap();
}

/// The exact computation of `report`, for the listing's window.
fn exact(snap: &Snap, row: &Row, keep_ms: i64, now: i64) -> Option<f64> {
    let from = data_start(row, now - LISTING_PERIOD_MS, keep_ms, now);
    Totals::of(&spans(snap, row, from, now).unwrap()).availability()
}

/// Migration 0019's trigger keeps `came_up_at` at the first entry after `created`, also when
/// entries arrive late.
fn check_came_up(snap: &Snap, seed: &str) {
    for row in repo::all(snap).unwrap() {
        let first = registry::history::between(snap, &row.id, i64::MIN, i64::MAX)
            .unwrap()
            .iter()
            .filter(|e| {
                !matches!(
                    e.kind,
                    EventKind::Created | EventKind::EngineDown | EventKind::EngineUp
                )
            })
            .map(|e| e.at)
            .min();
        assert_eq!(row.came_up_at, first, "seed {seed}: {}", row.id);
    }
}

/// Migration 0013's triggers keep each instance's copy of its newest mark equal to the newest
/// row of `uptime_marks`, and 0014's the time of the one before it.
fn check_newest_copies(snap: &Snap, seed: &str) {
    let stale = fixtures::stale_mark_copies(snap).unwrap();
    assert!(
        stale.is_empty(),
        "seed {seed}: stale newest marks on {stale:?}"
    );
}

fn check(snap: &Snap, keep_ms: i64, now: i64, seed: &str) {
    check_newest_copies(snap, seed);
    let rows = repo::all(snap).unwrap();
    let want: Vec<_> = rows.iter().map(|r| exact(snap, r, keep_ms, now)).collect();
    let all = availability_at(snap, Viewer::ADMIN, &rows, keep_ms, now).unwrap();
    assert_eq!(all, want, "seed {seed}: admin listing");
    for row in &rows {
        let viewer = Viewer {
            all: false,
            user_id: row.owner_id,
        };
        let one = availability_at(snap, viewer, std::slice::from_ref(row), keep_ms, now).unwrap();
        assert_eq!(
            one,
            [exact(snap, row, keep_ms, now)],
            "seed {seed}: {}",
            row.id
        );
        let own: Vec<Row> = rows
            .iter()
            .filter(|r| r.owner_id == row.owner_id)
            .cloned()
            .collect();
        let listed = availability_at(snap, viewer, &own, keep_ms, now).unwrap();
        let exact_own: Vec<_> = own.iter().map(|r| exact(snap, r, keep_ms, now)).collect();
        assert_eq!(listed, exact_own, "seed {seed}: user listing");
    }
}

/// Builds a random history of a few instances over some ten days ending a day ago; returns the
/// time to look from.
fn simulate(tx: &Tx, rng: &mut Rng) -> i64 {
    let (base, names, created) = simulate_setup(tx, rng);
    simulate_history(tx, rng, base, &names, &created)
}

/// Two users, a machine, and four instances created at random times, each with its `created`
/// entry: the time base, the names and when each was created.
fn simulate_setup(tx: &Tx, rng: &mut Rng) -> (i64, [&'static str; 4], Vec<i64>) {
    fixtures::insert_user(tx, 1, "a@example.com", false).unwrap();
    fixtures::insert_user(tx, 2, "b@example.com", false).unwrap();
    let spec = MachineSpec {
        name: "m".into(),
        description: String::new(),
        image: "redis:7".into(),
        ports: vec![],
        props: vec![],
        command: None,
        volumes: vec![],
        limits: Limits::default(),
        max_per_user: 9,
        active: true,
        connect: None,
        restart: RestartPolicy::UnlessStopped,
        shm_size: None,
        user: None,
        entrypoint: None,
        ulimits: Default::default(),
        tmpfs: Default::default(),
        stop_signal: None,
        stop_timeout: None,
        exec: true,
    };
    fixtures::insert_machine(tx, 1, &spec).unwrap();
    let base = crate::clock::now_ms() - 12 * DAY;
    let names = ["a", "bb", "c", "dd"];
    let mut created = Vec::new();
    for name in names {
        let at = base + rng.below(6 * DAY);
        repo::insert(
            tx,
            &repo::NewInstance {
                id: name,
                name,
                owner_id: 1 + (name.len() as i64 % 2),
                machine_id: 1,
                container_name: name,
                env_json: "{}",
                now: at,
            },
        )
        .unwrap();
        created.push(at);
    }
    // Each instance's history starts with its `created` entry, as a real one's does; the time
    // until the next entry is its creation, which no figure counts.
    for (name, at) in names.iter().zip(&created) {
        record(tx, name, *at, (EventKind::Created, Cause::User));
    }
    (base, names, created)
}

fn simulate_history(tx: &Tx, rng: &mut Rng, base: i64, names: &[&str], created: &[i64]) -> i64 {
    let mut t = base;
    for _ in 0..1 + rng.below(6) {
        let run = uptime_marks::start_run(tx, t).unwrap();
        let mut last_seen = t;
        for _ in 0..rng.below(30) {
            let step = if rng.chance(50) { HOUR } else { DAY / 2 };
            t += 1 + rng.below(step);
            if t > base + 11 * DAY {
                break;
            }
            let i = rng.below(names.len() as i64) as usize;
            if created[i] > t {
                continue;
            }
            let at = match rng.below(10) {
                // Late: Docker's time of a die, seen after newer entries.
                0 | 1 => (t - rng.below(3 * HOUR)).max(created[i]),
                // Two entries of one time.
                2 => last_seen.max(created[i]),
                _ => t,
            };
            last_seen = at;
            record(
                tx,
                names[i],
                at,
                KINDS[rng.below(KINDS.len() as i64) as usize].clone(),
            );
            // The heartbeat, now and then: a kill -9 loses what came after the last one.
            if rng.chance(40) {
                runs::alive(tx, run, t).unwrap();
            }
        }
        if rng.chance(50) {
            runs::alive(tx, run, t).unwrap(); // a clean stop
        }
        let gap = if rng.chance(30) { 0 } else { DAY };
        t += rng.below(gap);
    }
    t + rng.below(DAY / 2)
}

#[test]
fn rollup_availability_equals_the_exact_one_on_random_histories() {
    for seed in 1..=120u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let reg = Registry::open_in_memory().unwrap();
        reg.write_blocking(|tx| {
            let now = simulate(tx, &mut rng);
            check_came_up(tx, &seed.to_string());
            for keep_ms in [30 * DAY, 3 * DAY] {
                check(tx, keep_ms, now, &format!("{seed} keep {keep_ms}"));
            }
            // An existing registry gets the same figures from the backfill of migration 0012.
            fixtures::delete_uptime_marks(tx).unwrap();
            check_newest_copies(tx, &format!("{seed} emptied"));
            uptime_marks::backfill(tx).unwrap();
            check(tx, 30 * DAY, now, &format!("{seed} backfilled"));
            // Retention prunes the rollup with the history; the window after it is unchanged.
            let cutoff = now - 8 * DAY;
            while registry::history::prune(tx, cutoff, 7).unwrap() > 0 {}
            while uptime_marks::prune(tx, cutoff, 7).unwrap() > 0 {}
            check(tx, 8 * DAY, now, &format!("{seed} pruned"));
            Ok(())
        })
        .unwrap();
    }
}

/// Issue 19 item 18: a new instance whose creation took a minute (a pull, say) reads 100% once
/// it is up, in the listing and in the report, which still shows the creation as planned.
#[test]
fn a_new_instance_reads_100_percent_once_it_is_up() {
    let reg = Registry::open_in_memory().unwrap();
    reg.write_blocking(|tx| {
        let mut rng = Rng(7);
        // Users, a machine and four instances (with their `created` entries) in the past.
        simulate_setup(tx, &mut rng);
        let t0 = crate::clock::now_ms() - 10 * MIN;
        uptime_marks::start_run(tx, t0 - MIN).unwrap();
        repo::insert(
            tx,
            &repo::NewInstance {
                id: "new",
                name: "new",
                owner_id: 1,
                machine_id: 1,
                container_name: "new",
                env_json: "{}",
                now: t0,
            },
        )
        .unwrap();
        record(tx, "new", t0, (EventKind::Created, Cause::User));
        let row = || repo::by_id(tx, "new").unwrap().unwrap();
        // Still being made: no figure yet.
        assert_eq!(row().came_up_at, None);
        let now = t0 + 30_000;
        let listed = |now| {
            availability_at(tx, Viewer::ADMIN, std::slice::from_ref(&row()), DAY, now).unwrap()
        };
        assert_eq!(listed(now), [None]);
        record(tx, "new", t0 + MIN, (EventKind::Started, Cause::User));
        assert_eq!(row().came_up_at, Some(t0 + MIN));
        let now = t0 + MIN + 10_000;
        assert_eq!(listed(now), [Some(100.0)], "not 14%");
        let from = data_start(&row(), now - LISTING_PERIOD_MS, DAY, now);
        let spans = spans(tx, &row(), from, now).unwrap();
        assert_eq!(Totals::of(&spans).availability(), Some(100.0));
        let creating = &spans[0];
        assert_eq!(
            (creating.reason, creating.planned, creating.ms()),
            (rsrc_shared::api::UptimeReason::Creating, true, MIN),
            "{spans:?}"
        );
        // A crash after it came up counts from then on.
        record(
            tx,
            "new",
            t0 + MIN + 10_000,
            (EventKind::Died, Cause::Crash),
        );
        assert_eq!(listed(t0 + MIN + 20_000), [Some(50.0)]);
        Ok(())
    })
    .unwrap();
}

/// Issue 19 item 18: when Docker's record tells the time rsrcd was away (`uptime::gap`), that
/// time becomes known, in the report and in the rollup alike.
#[test]
fn a_gap_that_dockers_record_tells_becomes_known() {
    let reg = Registry::open_in_memory().unwrap();
    reg.write_blocking(|tx| {
        let mut rng = Rng(11);
        simulate_setup(tx, &mut rng);
        let sec = 1000;
        let t0 = crate::clock::now_ms() - 10 * MIN;
        let run = uptime_marks::start_run(tx, t0).unwrap();
        repo::insert(
            tx,
            &repo::NewInstance {
                id: "g",
                name: "g",
                owner_id: 1,
                machine_id: 1,
                container_name: "g",
                env_json: "{}",
                now: t0 + sec,
            },
        )
        .unwrap();
        record(tx, "g", t0 + sec, (EventKind::Created, Cause::User));
        record(tx, "g", t0 + 2 * sec, (EventKind::Started, Cause::User));
        runs::alive(tx, run, t0 + 10 * sec).unwrap();
        // rsrcd away from 10 s to 30 s; the stop at 20 s is written after, with Docker's time.
        uptime_marks::start_run(tx, t0 + 30 * sec).unwrap();
        record(
            tx,
            "g",
            t0 + 20 * sec,
            (EventKind::Stopped, Cause::Reconcile),
        );
        let now = t0 + 40 * sec;
        let figures = |tx: &Tx| {
            let row = repo::by_id(tx, "g").unwrap().unwrap();
            let listed =
                availability_at(tx, Viewer::ADMIN, std::slice::from_ref(&row), DAY, now).unwrap();
            (listed[0], exact(tx, &row, DAY, now))
        };
        // Up 8 s, unknown 20 s, down 10 s.
        assert_eq!(figures(tx), (Some(44.444), Some(44.444)));
        assert_eq!(
            uptime_marks::vouch_gap(tx, t0 + 30 * sec, t0 + 30 * sec).unwrap(),
            Some(t0 + 10 * sec)
        );
        // Up 18 s, down 20 s, nothing unknown.
        assert_eq!(figures(tx), (Some(47.368), Some(47.368)));
        let row = repo::by_id(tx, "g").unwrap().unwrap();
        let spans = spans(tx, &row, t0, now).unwrap();
        assert_eq!(Totals::of(&spans).unknown, 0, "{spans:?}");
        // Told once: there is no gap left to tell.
        assert_eq!(
            uptime_marks::vouch_gap(tx, t0 + 30 * sec, t0 + 30 * sec).unwrap(),
            None
        );
        Ok(())
    })
    .unwrap();
}
