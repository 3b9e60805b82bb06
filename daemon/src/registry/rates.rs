//! The `rate_events` table: one row per counted event (an SMS code sent, a mail, a comment), by
//! kind and key (a phone number, a caller uid, a user id), for the abuse limits.

use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// How many `kind` events `key` had after `since`, and the oldest of them.
pub fn since(snap: &Snap, kind: &str, key: &str, since: i64) -> Result<(i64, Option<i64>)> {
    query::optional(
        snap,
        "count rate events",
        "SELECT COUNT(*), MIN(at) FROM rate_events
         WHERE kind = :kind AND key = :key AND at > :since",
        named_params! {":kind": kind, ":key": key, ":since": since},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map(|n| n.unwrap_or((0, None)))
}

pub fn record(tx: &Tx, kind: &str, key: &str, at: i64) -> Result<()> {
    query::execute(
        tx,
        "record rate event",
        "INSERT INTO rate_events (kind, key, at) VALUES (:kind, :key, :at)",
        named_params! {":kind": kind, ":key": key, ":at": at},
    )
    .map(drop)
}

/// Forgets `kind` events at or before `until`, which no window counts any more.
pub fn prune(tx: &Tx, kind: &str, until: i64) -> Result<()> {
    query::execute(
        tx,
        "prune rate events",
        "DELETE FROM rate_events WHERE kind = :kind AND at <= :until",
        named_params! {":kind": kind, ":until": until},
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn events_count_per_kind_and_key_in_the_window() {
        let registry = Registry::open_in_memory().unwrap();
        registry
            .write_blocking(|tx| {
                record(tx, "sms", "+1555", 100)?;
                record(tx, "sms", "+1555", 200)?;
                record(tx, "sms", "+1666", 200)?;
                record(tx, "mail", "+1555", 200)?;
                assert_eq!(since(tx, "sms", "+1555", 0)?, (2, Some(100)));
                assert_eq!(since(tx, "sms", "+1555", 100)?, (1, Some(200)));
                prune(tx, "sms", 200)?;
                assert_eq!(since(tx, "sms", "+1555", 0)?, (0, None));
                assert_eq!(since(tx, "mail", "+1555", 0)?, (1, Some(200)));
                Ok(())
            })
            .unwrap();
    }
}
