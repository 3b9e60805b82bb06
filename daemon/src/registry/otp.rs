//! The `otp_codes` table: at most one pending email-verification code per user, kept as its
//! argon2 hash, with its wrong tries.

use rusqlite::{named_params, Connection};

use super::query;
use crate::error::Result;

/// A user's pending code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub code_hash: String,
    pub sent_at: i64,
    pub expires_at: i64,
    pub failed_attempts: i64,
}

pub fn pending(conn: &Connection, user_id: i64) -> Result<Option<Pending>> {
    query::optional(
        conn,
        "read otp",
        "SELECT code_hash, sent_at, expires_at, failed_attempts FROM otp_codes
         WHERE user_id = :user",
        named_params! {":user": user_id},
        |r| {
            Ok(Pending {
                code_hash: r.get(0)?,
                sent_at: r.get(1)?,
                expires_at: r.get(2)?,
                failed_attempts: r.get(3)?,
            })
        },
    )
}

/// When the pending code was sent, if there is one (for the resend cooldown).
pub fn sent_at(conn: &Connection, user_id: i64) -> Result<Option<i64>> {
    query::optional(
        conn,
        "read otp",
        "SELECT sent_at FROM otp_codes WHERE user_id = :user",
        named_params! {":user": user_id},
        |r| r.get(0),
    )
}

/// Stores a new code, replacing any pending one and its tries.
pub fn replace(
    conn: &Connection,
    user_id: i64,
    code_hash: &str,
    sent_at: i64,
    expires_at: i64,
) -> Result<()> {
    query::execute(
        conn,
        "store otp",
        "INSERT INTO otp_codes (user_id, code_hash, sent_at, expires_at, failed_attempts)
         VALUES (:user, :hash, :sent, :expires, 0)
         ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash,
            sent_at = excluded.sent_at, expires_at = excluded.expires_at,
            failed_attempts = 0",
        named_params! {
            ":user": user_id,
            ":hash": code_hash,
            ":sent": sent_at,
            ":expires": expires_at,
        },
    )
    .map(drop)
}

pub fn count_failure(conn: &Connection, user_id: i64) -> Result<()> {
    query::execute(
        conn,
        "count otp try",
        "UPDATE otp_codes SET failed_attempts = failed_attempts + 1 WHERE user_id = :user",
        named_params! {":user": user_id},
    )
    .map(drop)
}

pub fn delete(conn: &Connection, user_id: i64) -> Result<()> {
    query::execute(
        conn,
        "drop otp",
        "DELETE FROM otp_codes WHERE user_id = :user",
        named_params! {":user": user_id},
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::registry::users::fixtures::{seeded, Seeded, NOW};

    #[rstest]
    fn a_new_code_replaces_the_pending_one_and_its_tries(seeded: Seeded) {
        let alice = seeded.alice.id;
        seeded
            .registry
            .call_blocking(|conn| {
                assert_eq!(pending(conn, alice)?, None);
                assert_eq!(sent_at(conn, alice)?, None);
                replace(conn, alice, "h1", NOW, NOW + 600)?;
                count_failure(conn, alice)?;
                count_failure(conn, alice)?;
                let first = pending(conn, alice)?.unwrap();
                assert_eq!((first.code_hash.as_str(), first.failed_attempts), ("h1", 2));
                replace(conn, alice, "h2", NOW + 60, NOW + 660)?;
                let second = Pending {
                    code_hash: "h2".into(),
                    sent_at: NOW + 60,
                    expires_at: NOW + 660,
                    failed_attempts: 0,
                };
                assert_eq!(pending(conn, alice)?, Some(second));
                assert_eq!(sent_at(conn, alice)?, Some(NOW + 60));
                assert_eq!(pending(conn, seeded.bob.id)?, None, "per user");
                delete(conn, alice)?;
                assert_eq!(pending(conn, alice)?, None);
                Ok(())
            })
            .unwrap();
    }
}
