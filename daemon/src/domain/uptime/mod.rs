//! Uptime (SPEC §5): the up, down and unknown intervals of an instance with their causes, and
//! its availability, computed from the history and the daemon's runs when asked. Retention cuts
//! the history, so a report says where its data starts.
//!
//! `compute` is the pure part; `upkeep` records the daemon's runs and prunes old history.

pub mod compute;
pub mod gap;
pub mod upkeep;

use rsrc_shared::api::{Uptime, UptimeInterval};

use crate::clock::{now_ms, rfc3339};
use crate::domain::accounts::Caller;
use crate::domain::instances::{resolve, Row};
use crate::error::{Error, Result};
use crate::registry::uptime_marks::{totals, Gaps};
use crate::registry::{self, Snap, Viewer};
use crate::State;
use compute::{intervals, Totals};

/// The period of `instance ls` and `show`.
pub const LISTING_PERIOD_MS: i64 = 7 * 86_400_000;

/// `?since=7d` or `?since=RFC3339`, as Unix milliseconds before `now`.
pub fn parse_since(text: &str, now: i64) -> Result<i64> {
    let text = text.trim();
    if let Ok(d) = humantime::parse_duration(text) {
        let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        return Ok(now.saturating_sub(ms));
    }
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| {
            Error::invalid(format!(
                "`{text}` is neither a duration like 7d or 90m nor an RFC 3339 time"
            ))
        })
}

/// Where the data of a report on `row` may start: the period asked for, cut by the instance's
/// creation and by retention.
fn data_start(row: &Row, asked: i64, keep_ms: i64, now: i64) -> i64 {
    asked.max(row.created_at).max(now - keep_ms).min(now)
}

/// Runs of the daemon around `[from, to]`; the current run lasts until `to` whatever its last
/// heartbeat says.
fn runs(snap: &Snap, from: i64, to: i64) -> Result<Vec<registry::runs::Run>> {
    let mut runs = registry::runs::overlapping(snap, from, to)?;
    if let Some(current) = runs.last_mut() {
        current.last_alive = current.last_alive.max(to);
    }
    Ok(runs)
}

/// `rsrc instance uptime ID [--since ...]`.
/// The exact states of `row` over `[from, now]`, from its history and the daemon's runs.
fn spans(snap: &Snap, row: &Row, from: i64, now: i64) -> Result<Vec<compute::Span>> {
    let prelude = registry::history::prelude(snap, &row.id, from)?;
    let entries = registry::history::between(snap, &row.id, from, now)?;
    Ok(intervals(
        from,
        now,
        &prelude,
        &entries,
        &runs(snap, from, now)?,
    ))
}

pub async fn report(
    state: &State,
    caller: &Caller,
    reference: &str,
    since: Option<&str>,
) -> Result<Uptime> {
    let now = now_ms();
    let asked = match since {
        Some(text) => parse_since(text, now)?,
        None => now - LISTING_PERIOD_MS,
    };
    let keep_ms = state.config.history.keep_ms();
    let keep_days = state.config.history.keep_days;
    let (caller, reference) = (caller.clone(), reference.to_string());
    state
        .registry
        .read(move |snap| {
            let row = resolve(snap, &caller, &reference)?;
            let from = data_start(&row, asked, keep_ms, now);
            let spans = spans(snap, &row, from, now)?;
            let totals = Totals::of(&spans);
            let mut notes = Vec::new();
            if from > asked {
                notes.push(if from == row.created_at {
                    format!(
                        "data starts at {}, when the instance was created",
                        rfc3339(from)
                    )
                } else {
                    format!(
                        "data starts at {}: history is kept for {keep_days} days",
                        rfc3339(from)
                    )
                });
            }
            if totals.unknown > 0 {
                notes.push(format!(
                    "{} of unknown state (rsrcd not running or Docker unavailable) is left \
                     out of the availability",
                    humantime::format_duration(std::time::Duration::from_millis(
                        totals.unknown as u64
                    ))
                ));
            }
            Ok(Uptime {
                instance: row.id.clone(),
                name: row.name.clone(),
                since: rfc3339(from),
                until: rfc3339(now),
                intervals: spans
                    .iter()
                    .map(|s| UptimeInterval {
                        state: s.state,
                        from: rfc3339(s.from),
                        to: rfc3339(s.to),
                        cause: s.cause(),
                        reason: s.reason,
                        planned: s.planned,
                        exit_code: s.exit_code,
                        seconds: s.ms() as f64 / 1000.0,
                    })
                    .collect(),
                downtime_seconds: totals.down as f64 / 1000.0,
                unplanned_downtime_seconds: (totals.down - totals.planned_down) as f64 / 1000.0,
                unknown_seconds: totals.unknown as f64 / 1000.0,
                availability: totals.availability(),
                availability_wanted: totals.availability_wanted(),
                notes,
            })
        })
        .await
}

/// The 7-day availability of each of `rows` (a listing for `viewer`), in their order, from the
/// rollup (`registry::uptime_marks`): two queries whatever the number of rows, and at most two
/// index seeks per row, however long its history. The window starts when the instance came up
/// (its creation stays in the report, as planned downtime); `None` before. It equals what
/// [`report`] computes from the history itself for the same window.
pub fn availability_7d(
    snap: &Snap,
    viewer: Viewer,
    rows: &[Row],
    keep_ms: i64,
) -> Result<Vec<Option<f64>>> {
    availability_at(snap, viewer, rows, keep_ms, now_ms())
}

/// [`availability_7d`] as of `now`.
pub fn availability_at(
    snap: &Snap,
    viewer: Viewer,
    rows: &[Row],
    keep_ms: i64,
    now: i64,
) -> Result<Vec<Option<f64>>> {
    let from = now - LISTING_PERIOD_MS.min(keep_ms);
    let ends = registry::uptime_marks::ends_of_listed(snap, viewer, rows, from)?;
    let gaps = Gaps::of(&runs(snap, from, now)?);
    Ok(rows
        .iter()
        .zip(ends)
        .map(|(row, ends)| {
            let start = registry::uptime_marks::window_start(row, from)?.min(now);
            let (up, down) = totals(ends.last.as_ref(), ends.next.as_ref(), start, now, &gaps);
            Totals {
                up,
                down,
                ..Totals::default()
            }
            .availability()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_durations_and_times() {
        assert_eq!(parse_since("7d", 10 * 86_400_000).unwrap(), 3 * 86_400_000);
        assert_eq!(parse_since("90m", 6_000_000).unwrap(), 600_000);
        assert_eq!(parse_since("1970-01-01T00:00:01Z", 5).unwrap(), 1000);
        let err = parse_since("yesterday", 0).unwrap_err();
        assert!(err.to_string().contains("yesterday"), "{err}");
    }
}

#[cfg(test)]
mod rollup_tests;
