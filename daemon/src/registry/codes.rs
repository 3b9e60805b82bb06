//! The `codes` table: one-time codes, at most one pending per (purpose, user, uid), kept as
//! their argon2 hash, with their wrong tries. The rules they follow are the domain's
//! (`domain/accounts/codes.rs`); this is only their storage.

use rusqlite::named_params;

use super::{query, Snap, Tx};
use crate::error::Result;

/// What a code proves, stored as its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The account's email address.
    Email,
    /// The phone number it was sent to.
    Phone,
    /// A login by mail, for the uid that asked.
    Login,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Email => "email",
            Purpose::Phone => "phone",
            Purpose::Login => "login",
        }
    }
}

/// Which code: a user's of one purpose, and for a login the uid that asked (binding it means
/// another uid can neither use the code nor spend its tries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub purpose: Purpose,
    pub user_id: i64,
    peer_uid: i64,
}

impl Key {
    pub fn email(user_id: i64) -> Key {
        Key {
            purpose: Purpose::Email,
            user_id,
            peer_uid: 0,
        }
    }

    pub fn phone(user_id: i64) -> Key {
        Key {
            purpose: Purpose::Phone,
            user_id,
            peer_uid: 0,
        }
    }

    pub fn login(user_id: i64, uid: i64) -> Key {
        Key {
            purpose: Purpose::Login,
            user_id,
            peer_uid: uid,
        }
    }
}

/// A pending code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Where it was sent, for a purpose that proves it (the phone number).
    pub sent_to: Option<String>,
    pub code_hash: String,
    pub sent_at: i64,
    pub expires_at: i64,
    pub failed_attempts: i64,
}

pub fn pending(snap: &Snap, key: Key) -> Result<Option<Pending>> {
    query::optional(
        snap,
        "read code",
        "SELECT sent_to, code_hash, sent_at, expires_at, failed_attempts FROM codes
         WHERE purpose = :purpose AND user_id = :user AND peer_uid = :uid",
        named_params! {
            ":purpose": key.purpose.as_str(),
            ":user": key.user_id,
            ":uid": key.peer_uid,
        },
        |r| {
            Ok(Pending {
                sent_to: r.get(0)?,
                code_hash: r.get(1)?,
                sent_at: r.get(2)?,
                expires_at: r.get(3)?,
                failed_attempts: r.get(4)?,
            })
        },
    )
}

/// Stores a new code, replacing the pending one of `key` and its tries.
pub fn replace(tx: &Tx, key: Key, code: &Pending) -> Result<()> {
    query::execute(
        tx,
        "store code",
        "INSERT INTO codes (purpose, user_id, peer_uid, sent_to, code_hash, sent_at, expires_at,
                            failed_attempts)
         VALUES (:purpose, :user, :uid, :sent_to, :hash, :sent, :expires, 0)
         ON CONFLICT (purpose, user_id, peer_uid) DO UPDATE SET sent_to = excluded.sent_to,
            code_hash = excluded.code_hash, sent_at = excluded.sent_at,
            expires_at = excluded.expires_at, failed_attempts = 0",
        named_params! {
            ":purpose": key.purpose.as_str(),
            ":user": key.user_id,
            ":uid": key.peer_uid,
            ":sent_to": code.sent_to,
            ":hash": code.code_hash,
            ":sent": code.sent_at,
            ":expires": code.expires_at,
        },
    )
    .map(drop)
}

pub fn count_failure(tx: &Tx, key: Key) -> Result<()> {
    query::execute(
        tx,
        "count code try",
        "UPDATE codes SET failed_attempts = failed_attempts + 1
         WHERE purpose = :purpose AND user_id = :user AND peer_uid = :uid",
        named_params! {
            ":purpose": key.purpose.as_str(),
            ":user": key.user_id,
            ":uid": key.peer_uid,
        },
    )
    .map(drop)
}

pub fn delete(tx: &Tx, key: Key) -> Result<()> {
    query::execute(
        tx,
        "drop code",
        "DELETE FROM codes WHERE purpose = :purpose AND user_id = :user AND peer_uid = :uid",
        named_params! {
            ":purpose": key.purpose.as_str(),
            ":user": key.user_id,
            ":uid": key.peer_uid,
        },
    )
    .map(drop)
}

/// Forgets the codes of `purpose` that expired at or before `until`.
pub fn prune(tx: &Tx, purpose: Purpose, until: i64) -> Result<()> {
    query::execute(
        tx,
        "prune codes",
        "DELETE FROM codes WHERE purpose = :purpose AND expires_at <= :until",
        named_params! {":purpose": purpose.as_str(), ":until": until},
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::registry::users::fixtures::{seeded, Seeded, NOW};

    fn code(hash: &str, sent_at: i64) -> Pending {
        Pending {
            sent_to: None,
            code_hash: hash.into(),
            sent_at,
            expires_at: sent_at + 600,
            failed_attempts: 0,
        }
    }

    #[rstest]
    fn a_new_code_replaces_the_pending_one_and_its_tries(seeded: Seeded) {
        let alice = Key::email(seeded.alice.id);
        seeded
            .registry
            .write_blocking(|tx| {
                assert_eq!(pending(tx, alice)?, None);
                replace(tx, alice, &code("h1", NOW))?;
                count_failure(tx, alice)?;
                count_failure(tx, alice)?;
                let first = pending(tx, alice)?.unwrap();
                assert_eq!((first.code_hash.as_str(), first.failed_attempts), ("h1", 2));
                replace(tx, alice, &code("h2", NOW + 60))?;
                assert_eq!(pending(tx, alice)?, Some(code("h2", NOW + 60)));
                assert_eq!(pending(tx, Key::email(seeded.bob.id))?, None, "per user");
                assert_eq!(pending(tx, Key::phone(alice.user_id))?, None, "per purpose");
                delete(tx, alice)?;
                assert_eq!(pending(tx, alice)?, None);
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn a_phone_code_keeps_the_number_it_was_sent_to(seeded: Seeded) {
        let alice = Key::phone(seeded.alice.id);
        seeded
            .registry
            .write_blocking(|tx| {
                let mut sent = code("h1", NOW);
                sent.sent_to = Some("+41791234567".into());
                replace(tx, alice, &sent)?;
                count_failure(tx, alice)?;
                assert_eq!(pending(tx, alice)?.map(|p| p.failed_attempts), Some(1));
                sent.sent_to = Some("+15550000000".into());
                replace(tx, alice, &sent)?;
                assert_eq!(pending(tx, alice)?, Some(sent));
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn login_codes_are_per_user_and_uid(seeded: Seeded) {
        let alice = seeded.alice.id;
        seeded
            .registry
            .write_blocking(|tx| {
                let (mine, other) = (Key::login(alice, 1000), Key::login(alice, 1001));
                replace(tx, mine, &code("h1", NOW))?;
                replace(tx, other, &code("h2", NOW))?;
                replace(tx, Key::email(alice), &code("h3", NOW))?;
                count_failure(tx, mine)?;
                assert_eq!(pending(tx, mine)?.map(|p| p.failed_attempts), Some(1));
                assert_eq!(pending(tx, other)?.map(|p| p.failed_attempts), Some(0));
                prune(tx, Purpose::Login, NOW + 600)?;
                assert_eq!(pending(tx, mine)?, None, "expired");
                assert_eq!(pending(tx, other)?, None, "expired");
                assert!(pending(tx, Key::email(alice))?.is_some(), "another purpose");
                Ok(())
            })
            .unwrap();
    }
}
