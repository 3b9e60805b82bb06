//! The `signup_attempts` table: one row per sign-up try, per caller uid, for its throttle.

use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// Tries recorded for `uid` after `since`.
pub fn attempts_since(snap: &Snap, uid: i64, since: i64) -> Result<i64> {
    query::optional(
        snap,
        "count signups",
        "SELECT COUNT(*) FROM signup_attempts WHERE peer_uid = :uid AND at > :since",
        named_params! {":uid": uid, ":since": since},
        |r| r.get(0),
    )
    .map(|n| n.unwrap_or(0))
}

/// The oldest try of `uid` after `since`: the window frees a place when it leaves.
pub fn oldest_since(snap: &Snap, uid: i64, since: i64) -> Result<Option<i64>> {
    query::optional(
        snap,
        "read signups",
        "SELECT MIN(at) FROM signup_attempts WHERE peer_uid = :uid AND at > :since",
        named_params! {":uid": uid, ":since": since},
        |r| r.get(0),
    )
    .map(Option::flatten)
}

pub fn record(tx: &Tx, uid: i64, at: i64) -> Result<()> {
    query::execute(
        tx,
        "record signup",
        "INSERT INTO signup_attempts (peer_uid, at) VALUES (:uid, :at)",
        named_params! {":uid": uid, ":at": at},
    )
    .map(drop)
}

/// Forgets tries at or before `until`, which no window counts any more.
pub fn prune(tx: &Tx, until: i64) -> Result<()> {
    query::execute(
        tx,
        "prune signups",
        "DELETE FROM signup_attempts WHERE at <= :until",
        named_params! {":until": until},
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn attempts_count_per_uid_in_the_window() {
        let registry = Registry::open_in_memory().unwrap();
        registry
            .write_blocking(|conn| {
                for at in [10, 20, 30] {
                    record(conn, 1000, at)?;
                }
                record(conn, 1001, 30)?;
                assert_eq!(attempts_since(conn, 1000, 0)?, 3);
                assert_eq!(attempts_since(conn, 1000, 15)?, 2);
                assert_eq!(oldest_since(conn, 1000, 15)?, Some(20));
                assert_eq!(oldest_since(conn, 7, 0)?, None);
                assert_eq!(attempts_since(conn, 1001, 0)?, 1);
                prune(conn, 20)?;
                assert_eq!(attempts_since(conn, 1000, 0)?, 1);
                Ok(())
            })
            .unwrap();
    }
}
