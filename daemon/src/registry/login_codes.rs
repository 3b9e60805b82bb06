//! The `login_codes` table: login codes sent by mail, at most one pending per (user, uid that
//! asked for it), kept as their argon2 hash, with their wrong tries. Binding a code to the uid
//! that asked means another uid can neither use it nor spend its tries.

use rusqlite::{named_params, Connection};

use super::otp::Pending;
use super::query;
use crate::error::Result;

pub fn pending(conn: &Connection, user_id: i64, uid: i64) -> Result<Option<Pending>> {
    query::optional(
        conn,
        "read login code",
        "SELECT code_hash, sent_at, expires_at, failed_attempts FROM login_codes
         WHERE user_id = :user AND peer_uid = :uid",
        named_params! {":user": user_id, ":uid": uid},
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

/// Stores a new code, replacing the pending one of (user, uid) and its tries.
pub fn replace(
    conn: &Connection,
    user_id: i64,
    uid: i64,
    code_hash: &str,
    sent_at: i64,
    expires_at: i64,
) -> Result<()> {
    query::execute(
        conn,
        "store login code",
        "INSERT INTO login_codes (user_id, peer_uid, code_hash, sent_at, expires_at,
                                  failed_attempts)
         VALUES (:user, :uid, :hash, :sent, :expires, 0)
         ON CONFLICT (user_id, peer_uid) DO UPDATE SET code_hash = excluded.code_hash,
            sent_at = excluded.sent_at, expires_at = excluded.expires_at,
            failed_attempts = 0",
        named_params! {
            ":user": user_id,
            ":uid": uid,
            ":hash": code_hash,
            ":sent": sent_at,
            ":expires": expires_at,
        },
    )
    .map(drop)
}

pub fn count_failure(conn: &Connection, user_id: i64, uid: i64) -> Result<()> {
    query::execute(
        conn,
        "count login code try",
        "UPDATE login_codes SET failed_attempts = failed_attempts + 1
         WHERE user_id = :user AND peer_uid = :uid",
        named_params! {":user": user_id, ":uid": uid},
    )
    .map(drop)
}

pub fn delete(conn: &Connection, user_id: i64, uid: i64) -> Result<()> {
    query::execute(
        conn,
        "drop login code",
        "DELETE FROM login_codes WHERE user_id = :user AND peer_uid = :uid",
        named_params! {":user": user_id, ":uid": uid},
    )
    .map(drop)
}

/// Forgets codes that expired at or before `until`.
pub fn prune(conn: &Connection, until: i64) -> Result<()> {
    query::execute(
        conn,
        "prune login codes",
        "DELETE FROM login_codes WHERE expires_at <= :until",
        named_params! {":until": until},
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::registry::users::fixtures::{seeded, Seeded, NOW};

    #[rstest]
    fn codes_are_per_user_and_uid(seeded: Seeded) {
        let alice = seeded.alice.id;
        seeded
            .registry
            .call_blocking(|conn| {
                assert_eq!(pending(conn, alice, 1000)?, None);
                replace(conn, alice, 1000, "h1", NOW, NOW + 600)?;
                replace(conn, alice, 1001, "h2", NOW, NOW + 600)?;
                count_failure(conn, alice, 1000)?;
                count_failure(conn, alice, 1000)?;
                let mine = pending(conn, alice, 1000)?.unwrap();
                assert_eq!((mine.code_hash.as_str(), mine.failed_attempts), ("h1", 2));
                let other = pending(conn, alice, 1001)?.unwrap();
                assert_eq!((other.code_hash.as_str(), other.failed_attempts), ("h2", 0));
                replace(conn, alice, 1000, "h3", NOW + 60, NOW + 660)?;
                let mine = pending(conn, alice, 1000)?.unwrap();
                assert_eq!((mine.code_hash.as_str(), mine.failed_attempts), ("h3", 0));
                assert_eq!(pending(conn, seeded.bob.id, 1000)?, None, "per user");
                delete(conn, alice, 1000)?;
                assert_eq!(pending(conn, alice, 1000)?, None);
                prune(conn, NOW + 600)?;
                assert_eq!(pending(conn, alice, 1001)?, None, "expired");
                Ok(())
            })
            .unwrap();
    }
}
