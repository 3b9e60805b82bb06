//! `alert_cursor` and `alert_state`: how far the alerts worker has read the history, and per
//! instance what it has told its owner (for the crash-loop window and the recovery message).

use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// What was told about one instance, and what is still to tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertState {
    /// When the last alert about it went out (history time), for the window.
    pub last_alert_at: Option<i64>,
    /// Downs since then that no message has told yet.
    pub untold: i64,
    pub untold_last_at: Option<i64>,
    pub untold_cause: Option<String>,
    pub untold_exit_code: Option<i64>,
    /// Start of an alerted outage whose "recovered" message is still owed.
    pub down_since: Option<i64>,
}

/// The id of the last history entry the worker has handled.
pub fn cursor(snap: &Snap) -> Result<i64> {
    Ok(query::optional(
        snap,
        "read alert cursor",
        "SELECT after FROM alert_cursor WHERE id = 1",
        [],
        |r| r.get(0),
    )?
    .unwrap_or(0))
}

pub fn set_cursor(tx: &Tx, after: i64) -> Result<()> {
    query::execute(
        tx,
        "move alert cursor",
        "INSERT INTO alert_cursor (id, after) VALUES (1, :after)
         ON CONFLICT (id) DO UPDATE SET after = excluded.after",
        named_params! {":after": after},
    )
    .map(drop)
}

pub fn state(snap: &Snap, instance_id: &str) -> Result<AlertState> {
    Ok(query::optional(
        snap,
        "read alert state",
        "SELECT last_alert_at, untold, untold_last_at, untold_cause, untold_exit_code, down_since
         FROM alert_state WHERE instance_id = :instance",
        named_params! {":instance": instance_id},
        |r| {
            Ok(AlertState {
                last_alert_at: r.get(0)?,
                untold: r.get(1)?,
                untold_last_at: r.get(2)?,
                untold_cause: r.get(3)?,
                untold_exit_code: r.get(4)?,
                down_since: r.get(5)?,
            })
        },
    )?
    .unwrap_or_default())
}

pub fn save(tx: &Tx, instance_id: &str, s: &AlertState) -> Result<()> {
    query::execute(
        tx,
        "store alert state",
        "INSERT INTO alert_state (instance_id, last_alert_at, untold, untold_last_at,
                untold_cause, untold_exit_code, down_since)
         VALUES (:instance, :last, :untold, :untold_at, :cause, :exit_code, :down_since)
         ON CONFLICT (instance_id) DO UPDATE SET last_alert_at = excluded.last_alert_at,
            untold = excluded.untold, untold_last_at = excluded.untold_last_at,
            untold_cause = excluded.untold_cause, untold_exit_code = excluded.untold_exit_code,
            down_since = excluded.down_since",
        named_params! {
            ":instance": instance_id,
            ":last": s.last_alert_at,
            ":untold": s.untold,
            ":untold_at": s.untold_last_at,
            ":cause": s.untold_cause,
            ":exit_code": s.untold_exit_code,
            ":down_since": s.down_since,
        },
    )
    .map(drop)
}

pub fn forget(tx: &Tx, instance_id: &str) -> Result<()> {
    query::execute(
        tx,
        "drop alert state",
        "DELETE FROM alert_state WHERE instance_id = :instance",
        named_params! {":instance": instance_id},
    )
    .map(drop)
}

/// Instances with untold downs whose window closed at or before `closed_by`.
pub fn summaries_due(snap: &Snap, closed_by: i64) -> Result<Vec<String>> {
    query::list(
        snap,
        "list due alert summaries",
        "SELECT instance_id FROM alert_state WHERE untold > 0 AND last_alert_at <= :closed
         ORDER BY last_alert_at",
        named_params! {":closed": closed_by},
        |r| r.get(0),
    )
}

/// When the earliest window with untold downs opened, if any.
pub fn next_summary_from(snap: &Snap) -> Result<Option<i64>> {
    Ok(query::optional(
        snap,
        "next alert summary",
        "SELECT MIN(last_alert_at) FROM alert_state WHERE untold > 0",
        [],
        |r| r.get::<_, Option<i64>>(0),
    )?
    .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn the_cursor_and_states_persist() {
        let registry = Registry::open_in_memory().unwrap();
        registry
            .write_blocking(|conn| {
                assert_eq!(cursor(conn)?, 0);
                set_cursor(conn, 42)?;
                assert_eq!(cursor(conn)?, 42);
                assert_eq!(state(conn, "a")?, AlertState::default());
                let told = AlertState {
                    last_alert_at: Some(1000),
                    untold: 2,
                    untold_last_at: Some(1500),
                    untold_cause: Some("crash".into()),
                    untold_exit_code: Some(3),
                    down_since: Some(1000),
                };
                save(conn, "a", &told)?;
                save(conn, "b", &AlertState::default())?;
                assert_eq!(state(conn, "a")?, told);
                assert_eq!(next_summary_from(conn)?, Some(1000));
                assert!(summaries_due(conn, 999)?.is_empty());
                assert_eq!(summaries_due(conn, 1000)?, ["a"]);
                forget(conn, "a")?;
                assert_eq!(next_summary_from(conn)?, None);
                Ok(())
            })
            .unwrap();
    }
}
