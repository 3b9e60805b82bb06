//! The `users` table: accounts, their roles and password hashes. Emails compare
//! case-insensitively (the column is `COLLATE NOCASE`).

use rsrc_shared::api::{Role, User};
use rusqlite::{named_params, Row};

use super::is_unique_violation;
use super::query;
use crate::clock::rfc3339;
use crate::error::{Error, RegistryContext, Result};
use crate::registry::{Snap, Tx};

const COLUMNS: &str = "id, email, name, role, verified, disabled, notify_email, phone,
     phone_verified, notify_sms, notify_feedback, created_at, updated_at";

/// An account to create; `password_hash` is already argon2id.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub verified: bool,
}

/// Where a user stands among the admins: ensures the last active one is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminStanding {
    pub is_admin: bool,
    /// Active (not disabled) admins other than this user.
    pub other_active_admins: i64,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get("role")?;
    Ok(User {
        id: r.get("id")?,
        email: r.get("email")?,
        name: r.get("name")?,
        role: if role == "admin" {
            Role::Admin
        } else {
            Role::User
        },
        verified: r.get("verified")?,
        disabled: r.get("disabled")?,
        notify_email: r.get("notify_email")?,
        phone: r.get("phone")?,
        phone_verified: r.get("phone_verified")?,
        notify_sms: r.get("notify_sms")?,
        notify_feedback: r.get("notify_feedback")?,
        created_at: rfc3339(r.get("created_at")?),
        updated_at: rfc3339(r.get("updated_at")?),
    })
}

/// Creates an account; an email that is taken (in any case) is `AlreadyExists`.
pub fn insert(tx: &Tx, user: &NewUser<'_>, now: i64) -> Result<User> {
    let inserted = tx
        .prepare_cached(
            "INSERT INTO users (email, name, password_hash, role, verified, created_at, updated_at)
             VALUES (:email, :name, :hash, :role, :verified, :now, :now)",
        )
        .and_then(|mut stmt| {
            stmt.execute(named_params! {
                ":email": user.email,
                ":name": user.name,
                ":hash": user.password_hash,
                ":role": user.role.as_str(),
                ":verified": user.verified,
                ":now": now,
            })
        });
    match inserted {
        Ok(_) => by_id(tx, tx.last_insert_rowid()),
        Err(e) if is_unique_violation(&e) => Err(Error::AlreadyExists(format!(
            "an account for {} already exists",
            user.email
        ))),
        Err(e) => Err(e).context("insert user"),
    }
}

pub fn by_id(snap: &Snap, id: i64) -> Result<User> {
    query::optional(
        snap,
        "read user",
        &format!("SELECT {COLUMNS} FROM users WHERE id = :id"),
        named_params! {":id": id},
        from_row,
    )?
    .ok_or_else(|| Error::not_found("no such user"))
}

pub fn by_email(snap: &Snap, email: &str) -> Result<Option<User>> {
    query::optional(
        snap,
        "read user",
        &format!("SELECT {COLUMNS} FROM users WHERE email = :email"),
        named_params! {":email": email},
        from_row,
    )
}

/// The user with this email and their password hash, for a login.
pub fn credentials(snap: &Snap, email: &str) -> Result<Option<(User, String)>> {
    query::optional(
        snap,
        "read user",
        &format!("SELECT {COLUMNS}, password_hash FROM users WHERE email = :email"),
        named_params! {":email": email},
        |r| Ok((from_row(r)?, r.get("password_hash")?)),
    )
}

pub fn password_hash(snap: &Snap, id: i64) -> Result<String> {
    query::optional(
        snap,
        "read password hash",
        "SELECT password_hash FROM users WHERE id = :id",
        named_params! {":id": id},
        |r| r.get(0),
    )?
    .ok_or_else(|| Error::not_found("no such user"))
}

/// Every account, by email.
pub fn list(snap: &Snap) -> Result<Vec<User>> {
    query::list(
        snap,
        "list users",
        &format!("SELECT {COLUMNS} FROM users ORDER BY email"),
        [],
        from_row,
    )
}

pub fn set_name(tx: &Tx, id: i64, name: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "update name",
        "UPDATE users SET name = :name, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":name": name, ":now": now},
    )
    .map(drop)
}

pub fn set_notify_email(tx: &Tx, id: i64, notify: bool, now: i64) -> Result<()> {
    query::execute(
        tx,
        "update notify_email",
        "UPDATE users SET notify_email = :notify, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":notify": notify, ":now": now},
    )
    .map(drop)
}

pub fn set_notify_sms(tx: &Tx, id: i64, notify: bool, now: i64) -> Result<()> {
    query::execute(
        tx,
        "update notify_sms",
        "UPDATE users SET notify_sms = :notify, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":notify": notify, ":now": now},
    )
    .map(drop)
}

pub fn set_notify_feedback(tx: &Tx, id: i64, notify: bool, now: i64) -> Result<()> {
    query::execute(
        tx,
        "update notify_feedback",
        "UPDATE users SET notify_feedback = :notify, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":notify": notify, ":now": now},
    )
    .map(drop)
}

/// The admins who asked for a mail of each comment and feedback, but not `except` (the author).
pub fn feedback_recipients(snap: &Snap, except: i64) -> Result<Vec<String>> {
    query::list(
        snap,
        "list feedback recipients",
        "SELECT email FROM users
         WHERE role = 'admin' AND notify_feedback = 1 AND disabled = 0 AND id != :except
         ORDER BY id",
        named_params! {":except": except},
        |r| r.get(0),
    )
}

/// Sets (or with `None` clears) the phone number; a changed number is unverified.
pub fn set_phone(tx: &Tx, id: i64, phone: Option<&str>, now: i64) -> Result<()> {
    query::execute(
        tx,
        "update phone",
        "UPDATE users SET phone_verified = (phone_verified AND phone IS :phone),
                phone = :phone, updated_at = :now
         WHERE id = :id",
        named_params! {":id": id, ":phone": phone, ":now": now},
    )
    .map(drop)
}

/// Marks the phone verified if it is still `phone`; false if it changed meanwhile.
pub fn mark_phone_verified(tx: &Tx, id: i64, phone: &str, now: i64) -> Result<bool> {
    query::execute(
        tx,
        "verify phone",
        "UPDATE users SET phone_verified = 1, updated_at = :now WHERE id = :id AND phone = :phone",
        named_params! {":id": id, ":phone": phone, ":now": now},
    )
    .map(|n| n > 0)
}

pub fn set_password_hash(tx: &Tx, id: i64, hash: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "update password",
        "UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":hash": hash, ":now": now},
    )
    .map(drop)
}

pub fn set_role(tx: &Tx, id: i64, role: Role, now: i64) -> Result<()> {
    query::execute(
        tx,
        "change role",
        "UPDATE users SET role = :role, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":role": role.as_str(), ":now": now},
    )
    .map(drop)
}

pub fn disable(tx: &Tx, id: i64, now: i64) -> Result<()> {
    query::execute(
        tx,
        "disable",
        "UPDATE users SET disabled = 1, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":now": now},
    )
    .map(drop)
}

pub fn enable(tx: &Tx, id: i64, now: i64) -> Result<()> {
    query::execute(
        tx,
        "enable",
        "UPDATE users SET disabled = 0, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":now": now},
    )
    .map(drop)
}

pub fn mark_verified(tx: &Tx, id: i64, now: i64) -> Result<()> {
    query::execute(
        tx,
        "mark verified",
        "UPDATE users SET verified = 1, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":now": now},
    )
    .map(drop)
}

/// Deletes an account; its sessions and pending code go with it (ON DELETE CASCADE).
pub fn delete(tx: &Tx, id: i64) -> Result<()> {
    query::execute(
        tx,
        "delete user",
        "DELETE FROM users WHERE id = :id",
        named_params! {":id": id},
    )
    .map(drop)
}

pub fn admin_standing(snap: &Snap, id: i64) -> Result<AdminStanding> {
    query::optional(
        snap,
        "count admins",
        "SELECT role = 'admin',
                (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != :id)
         FROM users WHERE id = :id",
        named_params! {":id": id},
        |r| {
            Ok(AdminStanding {
                is_admin: r.get(0)?,
                other_active_admins: r.get(1)?,
            })
        },
    )?
    .ok_or_else(|| Error::not_found("no such user"))
}

/// How many (instances, volumes) a user owns: an account that has any is not deleted.
pub fn belongings(snap: &Snap, id: i64) -> Result<(i64, i64)> {
    query::optional(
        snap,
        "count belongings",
        "SELECT (SELECT COUNT(*) FROM instances WHERE owner_id = :id),
                (SELECT COUNT(*) FROM volumes WHERE owner_id = :id)",
        named_params! {":id": id},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map(|counts| counts.unwrap_or((0, 0)))
}

/// A registry with an admin and two users, for the repositories' unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use rsrc_shared::api::{Role, User};

    use super::NewUser;
    use crate::registry::Registry;

    pub struct Seeded {
        pub registry: Registry,
        pub admin: User,
        pub alice: User,
        pub bob: User,
    }

    pub const NOW: i64 = 1_700_000_000_000;

    #[rstest::fixture]
    pub fn seeded() -> Seeded {
        let registry = Registry::open_in_memory().unwrap();
        let add = |email: &str, role: Role| {
            registry
                .write_blocking(|conn| {
                    super::insert(
                        conn,
                        &NewUser {
                            email,
                            name: email.split('@').next().unwrap_or("x"),
                            password_hash: &format!("hash-of-{email}"),
                            role,
                            verified: role == Role::Admin,
                        },
                        NOW,
                    )
                })
                .unwrap()
        };
        let admin = add("admin@example.com", Role::Admin);
        let alice = add("alice@example.com", Role::User);
        let bob = add("bob@example.com", Role::User);
        Seeded {
            registry,
            admin,
            alice,
            bob,
        }
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::fixtures::{seeded, Seeded, NOW};
    use super::*;

    #[rstest]
    fn emails_are_unique_in_any_case(seeded: Seeded) {
        let err = seeded
            .registry
            .write_blocking(|conn| {
                insert(
                    conn,
                    &NewUser {
                        email: "ALICE@example.com",
                        name: "Alice again",
                        password_hash: "h",
                        role: Role::User,
                        verified: false,
                    },
                    NOW,
                )
            })
            .unwrap_err();
        assert!(matches!(err, Error::AlreadyExists(_)), "{err:?}");
        let found = seeded
            .registry
            .write_blocking(|conn| by_email(conn, "Alice@Example.com"))
            .unwrap();
        assert_eq!(found.map(|u| u.id), Some(seeded.alice.id));
    }

    #[rstest]
    fn reads_and_lists(seeded: Seeded) {
        seeded
            .registry
            .write_blocking(|conn| {
                let alice = by_id(conn, seeded.alice.id)?;
                assert_eq!(alice.email, "alice@example.com");
                assert_eq!(alice.role, Role::User);
                assert!(!alice.verified && !alice.disabled && alice.notify_email);
                assert_eq!(alice.created_at, rfc3339(NOW));
                assert!(matches!(by_id(conn, 999), Err(Error::NotFound(_))));
                assert!(by_email(conn, "nobody@example.com")?.is_none());
                let (user, hash) = credentials(conn, "bob@example.com")?.unwrap();
                assert_eq!(
                    (user.id, hash.as_str()),
                    (seeded.bob.id, "hash-of-bob@example.com")
                );
                assert_eq!(
                    password_hash(conn, seeded.bob.id)?,
                    "hash-of-bob@example.com"
                );
                let emails: Vec<String> = list(conn)?.into_iter().map(|u| u.email).collect();
                assert_eq!(
                    emails,
                    ["admin@example.com", "alice@example.com", "bob@example.com"]
                );
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn updates_change_one_field_and_the_stamp(seeded: Seeded) {
        let id = seeded.alice.id;
        let later = NOW + 60_000;
        let user = seeded
            .registry
            .write_blocking(|conn| {
                set_name(conn, id, "Alice L.", later)?;
                set_notify_email(conn, id, false, later)?;
                set_password_hash(conn, id, "new-hash", later)?;
                set_role(conn, id, Role::Admin, later)?;
                mark_verified(conn, id, later)?;
                disable(conn, id, later)?;
                assert_eq!(password_hash(conn, id)?, "new-hash");
                by_id(conn, id)
            })
            .unwrap();
        assert_eq!(user.name, "Alice L.");
        assert!(!user.notify_email && user.verified && user.disabled);
        assert_eq!(user.role, Role::Admin);
        assert_eq!(user.updated_at, rfc3339(later));
        let user = seeded
            .registry
            .write_blocking(|conn| {
                enable(conn, id, later)?;
                by_id(conn, id)
            })
            .unwrap();
        assert!(!user.disabled);
    }

    #[rstest]
    fn a_changed_phone_is_unverified(seeded: Seeded) {
        let id = seeded.alice.id;
        seeded
            .registry
            .write_blocking(|conn| {
                let fresh = by_id(conn, id)?;
                assert!(fresh.phone.is_none() && !fresh.phone_verified && !fresh.notify_sms);
                set_phone(conn, id, Some("+41791234567"), NOW)?;
                assert!(!mark_phone_verified(conn, id, "+15550000000", NOW)?);
                assert!(mark_phone_verified(conn, id, "+41791234567", NOW)?);
                set_phone(conn, id, Some("+41791234567"), NOW)?;
                assert!(
                    by_id(conn, id)?.phone_verified,
                    "the same number stays verified"
                );
                set_phone(conn, id, Some("+41790000000"), NOW)?;
                let changed = by_id(conn, id)?;
                assert_eq!(changed.phone.as_deref(), Some("+41790000000"));
                assert!(!changed.phone_verified);
                set_notify_sms(conn, id, true, NOW)?;
                set_phone(conn, id, None, NOW)?;
                let cleared = by_id(conn, id)?;
                assert!(cleared.phone.is_none() && !cleared.phone_verified && cleared.notify_sms);
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn admin_standing_counts_other_active_admins(seeded: Seeded) {
        seeded
            .registry
            .write_blocking(|conn| {
                let only = AdminStanding {
                    is_admin: true,
                    other_active_admins: 0,
                };
                assert_eq!(admin_standing(conn, seeded.admin.id)?, only);
                set_role(conn, seeded.alice.id, Role::Admin, NOW)?;
                assert_eq!(
                    admin_standing(conn, seeded.admin.id)?.other_active_admins,
                    1
                );
                disable(conn, seeded.alice.id, NOW)?;
                assert_eq!(admin_standing(conn, seeded.admin.id)?, only);
                let bob = admin_standing(conn, seeded.bob.id)?;
                assert!(!bob.is_admin && bob.other_active_admins == 1);
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn deleting_takes_sessions_along(seeded: Seeded) {
        seeded
            .registry
            .write_blocking(|conn| {
                assert_eq!(belongings(conn, seeded.bob.id)?, (0, 0));
                crate::registry::sessions::create(
                    conn,
                    &crate::registry::sessions::NewSession {
                        token_hash: "t",
                        user_id: seeded.bob.id,
                        created_at: NOW,
                        expires_at: NOW + 1000,
                        peer_uid: None,
                        peer_pid: None,
                    },
                )?;
                delete(conn, seeded.bob.id)?;
                assert!(matches!(
                    by_id(conn, seeded.bob.id),
                    Err(Error::NotFound(_))
                ));
                assert_eq!(crate::registry::sessions::live_user(conn, "t", NOW)?, None);
                Ok(())
            })
            .unwrap();
    }
}
