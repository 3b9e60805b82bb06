//! Accounts (SPEC §3): sign-up, login sessions, email verification, passwords and the admin's
//! user management. Passwords and OTP codes are kept only as argon2id hashes, session tokens only
//! as SHA-256 hashes.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use rand::{Rng, RngCore};
use rsrc_shared::api::{self, Role, User, UserAction};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{is_unique_violation, Error, RegistryContext, Result};
use crate::registry::{now_ms, rfc3339};
use crate::State;

pub const MIN_PASSWORD_LEN: usize = 8;
const MAX_PASSWORD_LEN: usize = 1024;
const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
const LOGIN_MAX_FAILURES: i64 = 5;
const OTP_VALIDITY: Duration = Duration::from_secs(10 * 60);
const OTP_COOLDOWN: Duration = Duration::from_secs(60);
const OTP_MAX_FAILURES: i64 = 5;

/// Who is calling: the session's user and the session itself.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub token_hash: String,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    pub fn require_admin(&self) -> Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::forbidden("this needs an admin"))
        }
    }

    pub fn require_verified(&self) -> Result<()> {
        if self.user.verified {
            Ok(())
        } else {
            Err(Error::forbidden(
                "verify your email first: `rsrc otp send`, then `rsrc otp verify CODE`",
            ))
        }
    }
}

/// The uid and pid at the other end of the socket (SO_PEERCRED).
#[derive(Debug, Clone, Copy, Default)]
pub struct Peer {
    pub uid: Option<u32>,
    pub pid: Option<i32>,
}

// ---- validation -------------------------------------------------------------------------------

pub fn validate_email(email: &str) -> Result<String> {
    let email = email.trim();
    let bad = || Error::invalid(format!("`{email}` is not a valid email address"));
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.rsplit_once('@').ok_or_else(bad)?;
    let labels_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if local.is_empty() || local.len() > 64 || local.contains('@') || !labels_ok {
        return Err(bad());
    }
    Ok(email.to_string())
}

fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid("name must be 1 to 100 printable characters"));
    }
    Ok(name.to_string())
}

fn validate_password(password: &str) -> Result<()> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(Error::invalid(format!(
            "password must have at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(Error::invalid(format!(
            "password must have at most {MAX_PASSWORD_LEN} bytes"
        )));
    }
    Ok(())
}

// ---- hashing ----------------------------------------------------------------------------------

fn hash_secret(secret: &str) -> Result<String> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("cannot hash: {e}")))
}

fn verify_secret(secret: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Argon2 is slow and takes ~19 MiB per hash on purpose. Hashes run on the blocking pool, at
/// most one per core at a time, so a flood of logins queues instead of exhausting memory.
fn argon_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

async fn with_argon<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit = argon_permits()
        .acquire()
        .await
        .map_err(|_| Error::internal("hash limiter closed"))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::internal(format!("hash task: {e}")))
}

async fn hash_blocking(secret: String) -> Result<String> {
    with_argon(move || hash_secret(&secret)).await?
}

async fn verify_blocking(secret: String, hash: String) -> Result<bool> {
    with_argon(move || verify_secret(&secret, &hash)).await
}

/// Computes the timing-equaliser hash up front, so no request pays for it on an async worker.
pub async fn warm_up() -> Result<()> {
    with_argon(|| {
        dummy_hash();
    })
    .await
}

/// A hash to verify against when the email is unknown, so that both cases take the same time.
fn dummy_hash() -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY
        .get_or_init(|| hash_secret("rsrc-timing-equaliser").unwrap_or_default())
        .clone()
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("rsrc_{}", hex::encode(bytes))
}

// ---- rows -------------------------------------------------------------------------------------

const USER_COLUMNS: &str =
    "id, email, name, role, verified, disabled, notify_email, created_at, updated_at";

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        role: if role == "admin" {
            Role::Admin
        } else {
            Role::User
        },
        verified: r.get(4)?,
        disabled: r.get(5)?,
        notify_email: r.get(6)?,
        created_at: rfc3339(r.get(7)?),
        updated_at: rfc3339(r.get(8)?),
    })
}

pub fn user_by_id(conn: &Connection, id: i64) -> Result<User> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
        [id],
        user_from_row,
    )
    .optional()
    .context("read user")?
    .ok_or_else(|| Error::not_found("no such user"))
}

fn user_by_email(conn: &Connection, email: &str) -> Result<Option<(User, String)>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = ?1"),
        [email],
        |r| Ok((user_from_row(r)?, r.get::<_, String>(9)?)),
    )
    .optional()
    .context("read user")
}

fn insert_user(
    conn: &Connection,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Role,
    verified: bool,
) -> Result<User> {
    let now = now_ms();
    let inserted = conn.execute(
        "INSERT INTO users (email, name, password_hash, role, verified, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![email, name, password_hash, role.as_str(), verified, now],
    );
    match inserted {
        Ok(_) => user_by_id(conn, conn.last_insert_rowid()),
        Err(e) if is_unique_violation(&e) => Err(Error::AlreadyExists(format!(
            "an account for {email} already exists"
        ))),
        Err(e) => Err(e).context("insert user"),
    }
}

// ---- operations -------------------------------------------------------------------------------

pub async fn signup(state: &State, req: api::Signup) -> Result<User> {
    let email = validate_email(&req.email)?;
    let name = validate_name(&req.name)?;
    validate_password(&req.password)?;
    let hash = hash_blocking(req.password).await?;
    state
        .registry
        .call(move |conn| insert_user(conn, &email, &name, &hash, Role::User, false))
        .await
}

/// Creates a verified admin straight in the registry (`rsrcd admin create`).
pub fn create_admin(
    registry: &crate::registry::Registry,
    email: &str,
    name: Option<&str>,
    password: &str,
) -> Result<User> {
    let email = validate_email(email)?;
    let name = validate_name(name.unwrap_or_else(|| email.split('@').next().unwrap_or("admin")))?;
    validate_password(password)?;
    let hash = hash_secret(password)?;
    registry.call_blocking(|conn| insert_user(conn, &email, &name, &hash, Role::Admin, true))
}

pub async fn login(state: &State, req: api::Login, peer: Peer) -> Result<api::LoginResponse> {
    let email = req.email.trim().to_string();
    let window_start = now_ms() - LOGIN_WINDOW.as_millis() as i64;
    // Count the recent failures and record this try as one, in one immediate transaction,
    // before the (slow) password check: concurrent tries each take their own place in the
    // window, so together they never get more than five. A successful login clears them.
    let found = state
        .registry
        .call(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .context("begin")?;
            let failures: i64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM login_failures WHERE email = ?1 AND at > ?2",
                    params![email, window_start],
                    |r| r.get(0),
                )
                .context("count login failures")?;
            if failures >= LOGIN_MAX_FAILURES {
                return Err(Error::RateLimited(
                    "too many failed logins for this email; try again in 15 minutes".into(),
                ));
            }
            let now = now_ms();
            tx.execute(
                "INSERT INTO login_failures (email, at) VALUES (?1, ?2)",
                params![email, now],
            )
            .context("record login try")?;
            tx.execute(
                "DELETE FROM login_failures WHERE at <= ?1",
                [now - LOGIN_WINDOW.as_millis() as i64],
            )
            .context("prune login failures")?;
            let found = user_by_email(&tx, &email)?;
            tx.commit().context("commit")?;
            Ok(found)
        })
        .await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, dummy_hash()),
    };
    let password_ok = verify_blocking(req.password, hash).await?;
    let Some(user) = user.filter(|_| password_ok) else {
        return Err(Error::LoginFailed);
    };
    if user.disabled {
        return Err(Error::forbidden("this account is disabled"));
    }
    let token = new_token();
    let hash = token_hash(&token);
    let expires_at = now_ms() + state.config.session_ttl().as_millis() as i64;
    let user_id = user.id;
    let user_email = user.email.clone();
    state
        .registry
        .call(move |conn| {
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, peer_uid, peer_pid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![hash, user_id, now_ms(), expires_at, peer.uid, peer.pid],
            )
            .context("create session")?;
            conn.execute("DELETE FROM login_failures WHERE email = ?1", [user_email])
                .context("clear login failures")?;
            Ok(())
        })
        .await?;
    tracing::info!(user = user.id, peer_uid = ?peer.uid, peer_pid = ?peer.pid, "login");
    Ok(api::LoginResponse {
        token,
        expires_at: rfc3339(expires_at),
        user,
    })
}

/// Resolves a bearer token to its caller.
pub async fn authenticate(state: &State, token: Option<String>) -> Result<Caller> {
    let Some(token) = token else {
        return Err(Error::Unauthenticated("not logged in".into()));
    };
    let hash = token_hash(&token);
    state
        .registry
        .call(move |conn| {
            let user_id: Option<i64> = conn
                .query_row(
                    "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2
                       AND u.disabled = 0",
                    params![hash, now_ms()],
                    |r| r.get(0),
                )
                .optional()
                .context("look up session")?;
            let Some(user_id) = user_id else {
                return Err(Error::Unauthenticated(
                    "your session has expired or was revoked".into(),
                ));
            };
            Ok(Caller {
                user: user_by_id(conn, user_id)?,
                token_hash: hash,
            })
        })
        .await
}

pub async fn logout(state: &State, caller: &Caller) -> Result<()> {
    let hash = caller.token_hash.clone();
    state
        .registry
        .call(move |conn| {
            conn.execute(
                "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1",
                params![hash, now_ms()],
            )
            .context("revoke session")
            .map(|_| ())
        })
        .await
}

pub async fn update_profile(
    state: &State,
    caller: &Caller,
    req: api::ProfileUpdate,
) -> Result<User> {
    let name = req.name.as_deref().map(validate_name).transpose()?;
    let id = caller.user.id;
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            if let Some(name) = name {
                tx.execute(
                    "UPDATE users SET name = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, name, now_ms()],
                )
                .context("update name")?;
            }
            if let Some(notify) = req.notify_email {
                tx.execute(
                    "UPDATE users SET notify_email = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, notify, now_ms()],
                )
                .context("update notify_email")?;
            }
            let user = user_by_id(&tx, id)?;
            tx.commit().context("commit")?;
            Ok(user)
        })
        .await
}

async fn check_password(state: &State, user_id: i64, password: String) -> Result<()> {
    let hash: String = state
        .registry
        .call(move |conn| {
            conn.query_row(
                "SELECT password_hash FROM users WHERE id = ?1",
                [user_id],
                |r| r.get(0),
            )
            .context("read password hash")
        })
        .await?;
    if verify_blocking(password, hash).await? {
        Ok(())
    } else {
        Err(Error::forbidden("wrong password"))
    }
}

pub async fn delete_profile(state: &State, caller: &Caller, req: api::ProfileDelete) -> Result<()> {
    check_password(state, caller.user.id, req.password).await?;
    let id = caller.user.id;
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            ensure_not_last_admin(&tx, id)?;
            let (instances, volumes): (i64, i64) = tx
                .query_row(
                    "SELECT (SELECT COUNT(*) FROM instances WHERE owner_id = ?1),
                            (SELECT COUNT(*) FROM volumes WHERE owner_id = ?1)",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .context("count belongings")?;
            if instances > 0 || volumes > 0 {
                return Err(Error::conflict(format!(
                    "you still have {instances} instance(s) and {volumes} volume(s); remove them first"
                )));
            }
            tx.execute("DELETE FROM users WHERE id = ?1", [id])
                .context("delete user")?;
            tx.commit().context("commit")
        })
        .await
}

pub async fn change_password(
    state: &State,
    caller: &Caller,
    req: api::PasswordChange,
) -> Result<()> {
    validate_password(&req.new_password)?;
    check_password(state, caller.user.id, req.current_password).await?;
    let hash = hash_blocking(req.new_password).await?;
    let id = caller.user.id;
    let keep = caller.token_hash.clone();
    let email = caller.user.email.clone();
    let outbox = state.outbox.clone();
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            let now = now_ms();
            tx.execute(
                "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, hash, now],
            )
            .context("update password")?;
            tx.execute(
                "UPDATE sessions SET revoked_at = ?3
                 WHERE user_id = ?1 AND token_hash != ?2 AND revoked_at IS NULL",
                params![id, keep, now],
            )
            .context("revoke other sessions")?;
            outbox.enqueue(
                &tx,
                &email,
                "Your rsrc password was changed",
                "The password of your rsrc account was just changed, and your other sessions \
                 were logged out.\n\nIf this was not you, ask your rsrc admin to disable the \
                 account.\n",
            )?;
            tx.commit().context("commit")
        })
        .await?;
    state.outbox.wake();
    Ok(())
}

pub async fn send_otp(state: &State, caller: &Caller) -> Result<api::OtpSent> {
    if caller.user.verified {
        return Err(Error::conflict("your email is already verified"));
    }
    // The cooldown is checked again when the code is stored; this early look spares a hash.
    let id = caller.user.id;
    let last_sent: Option<i64> = state
        .registry
        .call(move |conn| {
            conn.query_row(
                "SELECT sent_at FROM otp_codes WHERE user_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .context("read otp")
        })
        .await?;
    if let Some(sent) = last_sent {
        check_cooldown(sent)?;
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let body = format!(
        "Your rsrc verification code is {code}\n\nIt is valid for 10 minutes. Run:\n\n    rsrc otp verify {code}\n"
    );
    let hash = hash_blocking(code).await?;
    let email = caller.user.email.clone();
    let outbox = state.outbox.clone();
    state
        .registry
        .call(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .context("begin")?;
            let now = now_ms();
            let last_sent: Option<i64> = tx
                .query_row(
                    "SELECT sent_at FROM otp_codes WHERE user_id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()
                .context("read otp")?;
            if let Some(sent) = last_sent {
                check_cooldown(sent)?;
            }
            tx.execute(
                "INSERT INTO otp_codes (user_id, code_hash, sent_at, expires_at, failed_attempts)
                 VALUES (?1, ?2, ?3, ?4, 0)
                 ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash,
                    sent_at = excluded.sent_at, expires_at = excluded.expires_at,
                    failed_attempts = 0",
                params![id, hash, now, now + OTP_VALIDITY.as_millis() as i64],
            )
            .context("store otp")?;
            outbox.enqueue(&tx, &email, "Your rsrc verification code", &body)?;
            tx.commit().context("commit")
        })
        .await?;
    state.outbox.wake();
    Ok(api::OtpSent {
        email: caller.user.email.clone(),
        expires_in_seconds: OTP_VALIDITY.as_secs(),
    })
}

/// Refuses a send within a minute of the last one.
fn check_cooldown(last_sent: i64) -> Result<()> {
    let wait_ms = last_sent + OTP_COOLDOWN.as_millis() as i64 - now_ms();
    if wait_ms > 0 {
        return Err(Error::RateLimited(format!(
            "a code was sent less than a minute ago; try again in {} s",
            (wait_ms + 999) / 1000
        )));
    }
    Ok(())
}

pub async fn verify_otp(state: &State, caller: &Caller, req: api::OtpVerify) -> Result<User> {
    if caller.user.verified {
        return Err(Error::conflict("your email is already verified"));
    }
    let code = req.code.trim().to_string();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("a code has 6 digits"));
    }
    let id = caller.user.id;
    // Claim one try before the (slow) hash check, in one immediate transaction: concurrent
    // guesses each take their own try, so together they never get more than five.
    let (hash, tries) = state
        .registry
        .call(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .context("begin")?;
            let pending: Option<(String, i64, i64)> = tx
                .query_row(
                    "SELECT code_hash, expires_at, failed_attempts FROM otp_codes
                     WHERE user_id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .context("read otp")?;
            let Some((hash, expires_at, tries)) = pending else {
                return Err(Error::invalid(
                    "no code is pending; ask for one with `rsrc otp send`",
                ));
            };
            if tries >= OTP_MAX_FAILURES {
                return Err(Error::RateLimited(
                    "too many wrong codes; ask for a new one with `rsrc otp send`".into(),
                ));
            }
            if expires_at <= now_ms() {
                return Err(Error::invalid(
                    "the code has expired; ask for a new one with `rsrc otp send`",
                ));
            }
            // Counts as a wrong try unless the code turns out right (then the row goes).
            tx.execute(
                "UPDATE otp_codes SET failed_attempts = failed_attempts + 1 WHERE user_id = ?1",
                [id],
            )
            .context("count otp try")?;
            tx.commit().context("commit")?;
            Ok((hash, tries + 1))
        })
        .await?;
    if !verify_blocking(code, hash).await? {
        let left = (OTP_MAX_FAILURES - tries).max(0);
        return Err(Error::invalid(if left == 0 {
            "wrong code; no tries left, ask for a new one with `rsrc otp send`".to_string()
        } else {
            format!("wrong code; {left} tries left")
        }));
    }
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            tx.execute(
                "UPDATE users SET verified = 1, updated_at = ?2 WHERE id = ?1",
                params![id, now_ms()],
            )
            .context("mark verified")?;
            tx.execute("DELETE FROM otp_codes WHERE user_id = ?1", [id])
                .context("drop otp")?;
            let user = user_by_id(&tx, id)?;
            tx.commit().context("commit")?;
            Ok(user)
        })
        .await
}

pub async fn list_users(state: &State, caller: &Caller) -> Result<Vec<User>> {
    caller.require_admin()?;
    state
        .registry
        .call(|conn| {
            let mut stmt = conn
                .prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY email"))
                .context("list users")?;
            let rows = stmt.query_map([], user_from_row).context("list users")?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .context("list users")
        })
        .await
}

fn ensure_not_last_admin(conn: &Connection, user_id: i64) -> Result<()> {
    let (is_admin, other_admins): (bool, i64) = conn
        .query_row(
            "SELECT role = 'admin',
                    (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?1)
             FROM users WHERE id = ?1",
            [user_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .context("count admins")?;
    if is_admin && other_admins == 0 {
        return Err(Error::conflict(
            "this is the last active admin; promote another user first",
        ));
    }
    Ok(())
}

pub async fn admin_action(
    state: &State,
    caller: &Caller,
    email: String,
    action: UserAction,
) -> Result<User> {
    caller.require_admin()?;
    state
        .registry
        .call(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .context("begin")?;
            let (user, _) = user_by_email(&tx, email.trim())?
                .ok_or_else(|| Error::not_found(format!("no user {}", email.trim())))?;
            let now = now_ms();
            match action {
                UserAction::Promote | UserAction::Demote => {
                    let role = if action == UserAction::Promote {
                        Role::Admin
                    } else {
                        ensure_not_last_admin(&tx, user.id)?;
                        Role::User
                    };
                    tx.execute(
                        "UPDATE users SET role = ?3, updated_at = ?2 WHERE id = ?1",
                        params![user.id, now, role.as_str()],
                    )
                    .context("change role")?;
                }
                UserAction::Disable => {
                    ensure_not_last_admin(&tx, user.id)?;
                    tx.execute(
                        "UPDATE users SET disabled = 1, updated_at = ?2 WHERE id = ?1",
                        params![user.id, now],
                    )
                    .context("disable")?;
                    tx.execute(
                        "UPDATE sessions SET revoked_at = ?2
                         WHERE user_id = ?1 AND revoked_at IS NULL",
                        params![user.id, now],
                    )
                    .context("revoke sessions")?;
                }
                UserAction::Enable => {
                    tx.execute(
                        "UPDATE users SET disabled = 0, updated_at = ?2 WHERE id = ?1",
                        params![user.id, now],
                    )
                    .context("enable")?;
                }
            }
            let user = user_by_id(&tx, user.id)?;
            tx.commit().context("commit")?;
            Ok(user)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_validated() {
        for good in ["a@b.co", "first.last+tag@example.com", " x@y.org "] {
            assert!(validate_email(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a b@c.de",
            "a@b..c",
            "a@-b.com",
            "a@b.c@d.e",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(validate_password("1234567").is_err());
        assert!(validate_password("12345678").is_ok());
        assert!(validate_password(&"x".repeat(2000)).is_err());
    }

    #[test]
    fn secrets_hash_and_verify() {
        let h = hash_secret("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_secret("correct horse", &h));
        assert!(!verify_secret("wrong horse", &h));
        assert!(!verify_secret("x", "not a hash"));
    }

    #[test]
    fn tokens_are_long_and_hashed() {
        let t = new_token();
        assert!(t.len() >= 5 + 32, "at least 128 bits of hex");
        assert_ne!(t, new_token());
        assert_eq!(token_hash(&t).len(), 64);
        assert!(!token_hash(&t).contains(&t[5..]));
    }
}
