//! Accounts (SPEC §3): sign-up, login sessions, email verification, passwords and the admin's
//! user management. Passwords and codes (OTP, login) are kept only as argon2id hashes, session
//! tokens only as SHA-256 hashes (see [`hashing`]); the rows live in `registry::{users, sessions,
//! codes, logins, signups}`; the one-time codes follow one policy (see [`codes`]). No throttle can be turned against an account's owner:
//! they count per caller uid (see [`login`], [`signup`]).

mod admin;
mod codes;
mod hashing;
mod login;
mod otp;
mod phone;
mod profile;
mod signup;
pub mod streams;
mod validate;

use rsrc_shared::api::{Role, User};

use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::registry::{sessions, users};
use crate::State;

pub use admin::{admin_action, check_new_admin, create_admin, list_users};
pub use hashing::{token_hash, warm_up};
pub use login::{login, login_with_code, request_login_code};
pub use otp::{send_otp, verify_otp};
pub use phone::verify_phone;
pub use profile::{change_password, delete_profile, update_profile};
pub use signup::signup;
pub use validate::{validate_email, MIN_PASSWORD_LEN};

/// Who is calling: the session's user and the session itself.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub token_hash: String,
    /// The process at the other end of the socket: the throttles count by its uid.
    pub peer: Peer,
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

    /// The key this caller's throttles and hashes count under.
    pub fn uid_key(&self) -> i64 {
        uid_key(self.peer)
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

/// The key the throttles count a caller by: its uid, or -1 when the socket could not tell.
fn uid_key(peer: Peer) -> i64 {
    peer.uid.map_or(-1, i64::from)
}

/// Resolves a bearer token to its caller.
pub async fn authenticate(state: &State, token: Option<String>, peer: Peer) -> Result<Caller> {
    let Some(token) = token else {
        return Err(Error::Unauthenticated("not logged in".into()));
    };
    let hash = token_hash(&token);
    state
        .registry
        .read(move |snap| {
            let Some(user_id) = sessions::live_user(snap, &hash, now_ms())? else {
                return Err(Error::Unauthenticated(
                    "your session has expired or was revoked".into(),
                ));
            };
            Ok(Caller {
                user: users::by_id(snap, user_id)?,
                token_hash: hash,
                peer,
            })
        })
        .await
}

pub async fn logout(state: &State, caller: &Caller) -> Result<()> {
    let hash = caller.token_hash.clone();
    state
        .registry
        .write(move |tx| sessions::revoke(tx, &hash, now_ms()))
        .await?;
    state.streams.end_session(&caller.token_hash);
    Ok(())
}
