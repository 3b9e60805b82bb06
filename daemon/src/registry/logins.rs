//! The `login_failures` table: one row per failed (or not yet successful) password try, per
//! (email, caller uid), whether an account has the email or not, for the login throttle. The
//! key holds the uid so that one uid's wrong guesses never slow down another (the owner's).

use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// The tries of one (email, uid) in the window: how many, and when the last one was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: i64,
    pub last_at: Option<i64>,
}

/// Tries recorded for (`email`, `uid`) after `since`.
pub fn failures_since(snap: &Snap, email: &str, uid: i64, since: i64) -> Result<Failures> {
    query::optional(
        snap,
        "count login failures",
        "SELECT COUNT(*), MAX(at) FROM login_failures
         WHERE email = :email AND peer_uid = :uid AND at > :since",
        named_params! {":email": email, ":uid": uid, ":since": since},
        |r| {
            Ok(Failures {
                count: r.get(0)?,
                last_at: r.get(1)?,
            })
        },
    )
    .map(Option::unwrap_or_default)
}

pub fn record(tx: &Tx, email: &str, uid: i64, at: i64) -> Result<()> {
    query::execute(
        tx,
        "record login try",
        "INSERT INTO login_failures (email, peer_uid, at) VALUES (:email, :uid, :at)",
        named_params! {":email": email, ":uid": uid, ":at": at},
    )
    .map(drop)
}

/// Forgets tries at or before `until`, which no window counts any more.
pub fn prune(tx: &Tx, until: i64) -> Result<()> {
    query::execute(
        tx,
        "prune login failures",
        "DELETE FROM login_failures WHERE at <= :until",
        named_params! {":until": until},
    )
    .map(drop)
}

/// Forgets the tries of (`email`, `uid`) after a successful login from that uid; the tries of
/// other uids stay (an attacker's count must not reset when the owner logs in).
pub fn clear(tx: &Tx, email: &str, uid: i64) -> Result<()> {
    query::execute(
        tx,
        "clear login failures",
        "DELETE FROM login_failures WHERE email = :email AND peer_uid = :uid",
        named_params! {":email": email, ":uid": uid},
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn failures_count_per_email_and_uid_in_the_window() {
        let registry = Registry::open_in_memory().unwrap();
        registry
            .write_blocking(|conn| {
                for at in [10, 20, 30] {
                    record(conn, "a@example.com", 1000, at)?;
                }
                record(conn, "a@example.com", 1001, 40)?;
                record(conn, "b@example.com", 1000, 30)?;
                let three = Failures {
                    count: 3,
                    last_at: Some(30),
                };
                assert_eq!(failures_since(conn, "a@example.com", 1000, 0)?, three);
                assert_eq!(
                    failures_since(conn, "A@Example.com", 1000, 15)?.count,
                    2,
                    "any case"
                );
                assert_eq!(
                    failures_since(conn, "a@example.com", 1001, 0)?.count,
                    1,
                    "per uid"
                );
                assert_eq!(
                    failures_since(conn, "nobody@example.com", 1000, 0)?,
                    Failures::default()
                );
                prune(conn, 20)?;
                assert_eq!(failures_since(conn, "a@example.com", 1000, 0)?.count, 1);
                clear(conn, "a@example.com", 1000)?;
                assert_eq!(failures_since(conn, "a@example.com", 1000, 0)?.count, 0);
                assert_eq!(
                    failures_since(conn, "a@example.com", 1001, 0)?.count,
                    1,
                    "another uid's tries stay"
                );
                assert_eq!(failures_since(conn, "b@example.com", 1000, 0)?.count, 1);
                Ok(())
            })
            .unwrap();
    }
}
