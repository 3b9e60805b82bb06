//! The `sessions` table: login sessions, kept by the SHA-256 of their token only. A session is
//! live until it expires or is revoked, and only while its user is not disabled.

use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    /// Who was at the other end of the socket, for the log and the record.
    pub peer_uid: Option<u32>,
    pub peer_pid: Option<i32>,
}

pub fn create(tx: &Tx, session: &NewSession<'_>) -> Result<()> {
    query::execute(
        tx,
        "create session",
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, peer_uid, peer_pid)
         VALUES (:hash, :user, :created, :expires, :uid, :pid)",
        named_params! {
            ":hash": session.token_hash,
            ":user": session.user_id,
            ":created": session.created_at,
            ":expires": session.expires_at,
            ":uid": session.peer_uid,
            ":pid": session.peer_pid,
        },
    )
    .map(drop)
}

/// The user of a live session, if the token hash names one.
pub fn live_user(snap: &Snap, token_hash: &str, now: i64) -> Result<Option<i64>> {
    query::optional(
        snap,
        "look up session",
        "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = :hash AND s.revoked_at IS NULL AND s.expires_at > :now
           AND u.disabled = 0",
        named_params! {":hash": token_hash, ":now": now},
        |r| r.get(0),
    )
}

pub fn revoke(tx: &Tx, token_hash: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "revoke session",
        "UPDATE sessions SET revoked_at = :now WHERE token_hash = :hash",
        named_params! {":hash": token_hash, ":now": now},
    )
    .map(drop)
}

/// Revokes every live session of `user_id` but the one hashed `keep`.
pub fn revoke_others(tx: &Tx, user_id: i64, keep: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "revoke other sessions",
        "UPDATE sessions SET revoked_at = :now
         WHERE user_id = :user AND token_hash != :keep AND revoked_at IS NULL",
        named_params! {":user": user_id, ":keep": keep, ":now": now},
    )
    .map(drop)
}

pub fn revoke_all(tx: &Tx, user_id: i64, now: i64) -> Result<()> {
    query::execute(
        tx,
        "revoke sessions",
        "UPDATE sessions SET revoked_at = :now WHERE user_id = :user AND revoked_at IS NULL",
        named_params! {":user": user_id, ":now": now},
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::registry::users::fixtures::{seeded, Seeded, NOW};

    fn open(tx: &Tx, hash: &str, user_id: i64) -> Result<()> {
        create(
            tx,
            &NewSession {
                token_hash: hash,
                user_id,
                created_at: NOW,
                expires_at: NOW + 1000,
                peer_uid: Some(1000),
                peer_pid: Some(42),
            },
        )
    }

    #[rstest]
    fn sessions_live_until_they_expire_or_are_revoked(seeded: Seeded) {
        let alice = seeded.alice.id;
        seeded
            .registry
            .write_blocking(|conn| {
                open(conn, "a1", alice)?;
                assert_eq!(live_user(conn, "a1", NOW)?, Some(alice));
                assert_eq!(live_user(conn, "a1", NOW + 1000)?, None, "expired");
                assert_eq!(live_user(conn, "nope", NOW)?, None);
                revoke(conn, "a1", NOW)?;
                assert_eq!(live_user(conn, "a1", NOW)?, None, "revoked");
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn revoking_others_keeps_one_and_spares_other_users(seeded: Seeded) {
        let (alice, bob) = (seeded.alice.id, seeded.bob.id);
        seeded
            .registry
            .write_blocking(|conn| {
                for hash in ["a1", "a2", "a3"] {
                    open(conn, hash, alice)?;
                }
                open(conn, "b1", bob)?;
                revoke_others(conn, alice, "a2", NOW)?;
                assert_eq!(live_user(conn, "a1", NOW)?, None);
                assert_eq!(live_user(conn, "a2", NOW)?, Some(alice));
                assert_eq!(live_user(conn, "a3", NOW)?, None);
                revoke_all(conn, alice, NOW)?;
                assert_eq!(live_user(conn, "a2", NOW)?, None);
                assert_eq!(live_user(conn, "b1", NOW)?, Some(bob));
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn a_disabled_user_has_no_live_session(seeded: Seeded) {
        let bob = seeded.bob.id;
        seeded
            .registry
            .write_blocking(|conn| {
                open(conn, "b1", bob)?;
                crate::registry::users::disable(conn, bob, NOW)?;
                assert_eq!(live_user(conn, "b1", NOW)?, None);
                crate::registry::users::enable(conn, bob, NOW)?;
                assert_eq!(live_user(conn, "b1", NOW)?, Some(bob));
                Ok(())
            })
            .unwrap();
    }
}
