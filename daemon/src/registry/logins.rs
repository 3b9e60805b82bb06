//! The `login_failures` table: one row per failed (or not yet successful) login try, per email
//! whether an account has it or not, for the lockout window.

use rusqlite::{named_params, Connection};

use super::query;
use crate::error::Result;

/// Tries recorded for `email` after `since`.
pub fn failures_since(conn: &Connection, email: &str, since: i64) -> Result<i64> {
    query::optional(
        conn,
        "count login failures",
        "SELECT COUNT(*) FROM login_failures WHERE email = :email AND at > :since",
        named_params! {":email": email, ":since": since},
        |r| r.get(0),
    )
    .map(|n| n.unwrap_or(0))
}

pub fn record(conn: &Connection, email: &str, at: i64) -> Result<()> {
    query::execute(
        conn,
        "record login try",
        "INSERT INTO login_failures (email, at) VALUES (:email, :at)",
        named_params! {":email": email, ":at": at},
    )
    .map(drop)
}

/// Forgets tries at or before `until`, which no window counts any more.
pub fn prune(conn: &Connection, until: i64) -> Result<()> {
    query::execute(
        conn,
        "prune login failures",
        "DELETE FROM login_failures WHERE at <= :until",
        named_params! {":until": until},
    )
    .map(drop)
}

/// Forgets every try for `email`, after a successful login.
pub fn clear(conn: &Connection, email: &str) -> Result<()> {
    query::execute(
        conn,
        "clear login failures",
        "DELETE FROM login_failures WHERE email = :email",
        named_params! {":email": email},
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn failures_count_per_email_in_the_window() {
        let registry = Registry::open_in_memory().unwrap();
        registry
            .call_blocking(|conn| {
                for at in [10, 20, 30] {
                    record(conn, "a@example.com", at)?;
                }
                record(conn, "b@example.com", 30)?;
                assert_eq!(failures_since(conn, "a@example.com", 0)?, 3);
                assert_eq!(failures_since(conn, "A@Example.com", 15)?, 2, "any case");
                assert_eq!(failures_since(conn, "nobody@example.com", 0)?, 0);
                prune(conn, 20)?;
                assert_eq!(failures_since(conn, "a@example.com", 0)?, 1);
                clear(conn, "a@example.com")?;
                assert_eq!(failures_since(conn, "a@example.com", 0)?, 0);
                assert_eq!(failures_since(conn, "b@example.com", 0)?, 1);
                Ok(())
            })
            .unwrap();
    }
}
