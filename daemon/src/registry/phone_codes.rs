//! The `phone_codes` table: at most one pending phone-verification code per user, for the number
//! it was sent to, kept as its argon2 hash, with its wrong tries.

use rusqlite::{named_params, Connection};

use super::query;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub phone: String,
    pub code_hash: String,
    pub sent_at: i64,
    pub expires_at: i64,
    pub failed_attempts: i64,
}

pub fn pending(conn: &Connection, user_id: i64) -> Result<Option<Pending>> {
    query::optional(
        conn,
        "read phone code",
        "SELECT phone, code_hash, sent_at, expires_at, failed_attempts FROM phone_codes
         WHERE user_id = :user",
        named_params! {":user": user_id},
        |r| {
            Ok(Pending {
                phone: r.get(0)?,
                code_hash: r.get(1)?,
                sent_at: r.get(2)?,
                expires_at: r.get(3)?,
                failed_attempts: r.get(4)?,
            })
        },
    )
}

/// Stores a new code, replacing any pending one and its tries.
pub fn replace(conn: &Connection, user_id: i64, code: &Pending) -> Result<()> {
    query::execute(
        conn,
        "store phone code",
        "INSERT INTO phone_codes (user_id, phone, code_hash, sent_at, expires_at, failed_attempts)
         VALUES (:user, :phone, :hash, :sent, :expires, 0)
         ON CONFLICT (user_id) DO UPDATE SET phone = excluded.phone,
            code_hash = excluded.code_hash, sent_at = excluded.sent_at,
            expires_at = excluded.expires_at, failed_attempts = 0",
        named_params! {
            ":user": user_id,
            ":phone": code.phone,
            ":hash": code.code_hash,
            ":sent": code.sent_at,
            ":expires": code.expires_at,
        },
    )
    .map(drop)
}

pub fn count_failure(conn: &Connection, user_id: i64) -> Result<()> {
    query::execute(
        conn,
        "count phone code try",
        "UPDATE phone_codes SET failed_attempts = failed_attempts + 1 WHERE user_id = :user",
        named_params! {":user": user_id},
    )
    .map(drop)
}

pub fn delete(conn: &Connection, user_id: i64) -> Result<()> {
    query::execute(
        conn,
        "drop phone code",
        "DELETE FROM phone_codes WHERE user_id = :user",
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
    fn a_new_code_replaces_the_pending_one(seeded: Seeded) {
        let alice = seeded.alice.id;
        seeded
            .registry
            .call_blocking(|conn| {
                let mut code = Pending {
                    phone: "+41791234567".into(),
                    code_hash: "h1".into(),
                    sent_at: NOW,
                    expires_at: NOW + 600,
                    failed_attempts: 0,
                };
                replace(conn, alice, &code)?;
                count_failure(conn, alice)?;
                assert_eq!(pending(conn, alice)?.map(|p| p.failed_attempts), Some(1));
                code.phone = "+15550000000".into();
                replace(conn, alice, &code)?;
                assert_eq!(pending(conn, alice)?, Some(code));
                delete(conn, alice)?;
                assert_eq!(pending(conn, alice)?, None);
                Ok(())
            })
            .unwrap();
    }
}
