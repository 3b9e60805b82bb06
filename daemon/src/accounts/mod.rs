//! Accounts (SPEC §3): sign-up, login sessions, email verification, passwords and the admin's
//! user management. Passwords and OTP codes are kept only as argon2id hashes, session tokens only
//! as SHA-256 hashes (see [`hashing`]); the rows live in `registry::{users, sessions, otp,
//! logins}`.

mod admin;
mod hashing;
mod otp;
mod profile;
mod validate;

use std::time::Duration;

use rsrc_shared::api::{self, Role, User};

use crate::error::{Error, RegistryContext, Result};
use crate::registry::{logins, now_ms, rfc3339, sessions, users};
use crate::State;
use hashing::{dummy_hash, hash_blocking, new_token, verify_blocking};

pub use admin::{admin_action, create_admin, list_users};
pub use hashing::{token_hash, warm_up};
pub use otp::{send_otp, verify_otp};
pub use profile::{change_password, delete_profile, update_profile};
pub use validate::{validate_email, MIN_PASSWORD_LEN};

const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
const LOGIN_MAX_FAILURES: i64 = 5;

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

    /// What this caller may see of other users' instances.
    pub fn viewer(&self) -> crate::registry::Viewer {
        crate::registry::Viewer {
            all: self.is_admin(),
            user_id: self.user.id,
        }
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

pub async fn signup(state: &State, req: api::Signup) -> Result<User> {
    let email = validate_email(&req.email)?;
    let name = validate::validate_name(&req.name)?;
    validate::validate_password(&req.password)?;
    let hash = hash_blocking(req.password).await?;
    state
        .registry
        .call(move |conn| {
            let user = users::NewUser {
                email: &email,
                name: &name,
                password_hash: &hash,
                role: Role::User,
                verified: false,
            };
            users::insert(conn, &user, now_ms())
        })
        .await
}

pub async fn login(state: &State, req: api::Login, peer: Peer) -> Result<api::LoginResponse> {
    let email = req.email.trim().to_string();
    let window = LOGIN_WINDOW.as_millis() as i64;
    let window_start = now_ms() - window;
    // Count the recent failures and record this try as one, in one immediate transaction,
    // before the (slow) password check: concurrent tries each take their own place in the
    // window, so together they never get more than five. A successful login clears them.
    let found = state
        .registry
        .call(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .context("begin")?;
            if logins::failures_since(&tx, &email, window_start)? >= LOGIN_MAX_FAILURES {
                return Err(Error::RateLimited(
                    "too many failed logins for this email; try again in 15 minutes".into(),
                ));
            }
            let now = now_ms();
            logins::record(&tx, &email, now)?;
            logins::prune(&tx, now - window)?;
            let found = users::credentials(&tx, &email)?;
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
            let session = sessions::NewSession {
                token_hash: &hash,
                user_id,
                created_at: now_ms(),
                expires_at,
                peer_uid: peer.uid,
                peer_pid: peer.pid,
            };
            sessions::create(conn, &session)?;
            logins::clear(conn, &user_email)
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
        .read(move |conn| {
            let Some(user_id) = sessions::live_user(conn, &hash, now_ms())? else {
                return Err(Error::Unauthenticated(
                    "your session has expired or was revoked".into(),
                ));
            };
            Ok(Caller {
                user: users::by_id(conn, user_id)?,
                token_hash: hash,
            })
        })
        .await
}

pub async fn logout(state: &State, caller: &Caller) -> Result<()> {
    let hash = caller.token_hash.clone();
    state
        .registry
        .call(move |conn| sessions::revoke(conn, &hash, now_ms()))
        .await
}
