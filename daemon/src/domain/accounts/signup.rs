//! Sign-up. Its answer is the same whether or not the address has an account (the owner of an
//! existing one gets a mail instead), it takes as long either way (the password is hashed in
//! both cases), and each caller uid gets a few sign-ups per window.

use std::time::Duration;

use rsrc_shared::api::{self, Role};

use super::hashing::hash_blocking;
use super::{uid_key, validate, validate_email, Peer};
use crate::clock::{now_ms, rfc3339};
use crate::error::{Error, Result};
use crate::registry::{signups, users};
use crate::State;

const SIGNUP_WINDOW: Duration = Duration::from_secs(15 * 60);
const SIGNUP_MAX: i64 = 10;

pub async fn signup(state: &State, req: api::Signup, peer: Peer) -> Result<api::SignupAccepted> {
    let email = validate_email(&req.email)?;
    let name = validate::validate_name(&req.name)?;
    validate::validate_password(&req.password)?;
    let uid = uid_key(peer);
    // Take a place in the uid's window before the (slow) hash, as logins do.
    state
        .registry
        .write_immediate(move |tx| {
            let now = now_ms();
            let since = now - SIGNUP_WINDOW.as_millis() as i64;
            if signups::attempts_since(tx, uid, since)? >= SIGNUP_MAX {
                let oldest = signups::oldest_since(tx, uid, since)?.unwrap_or(now);
                let wait_s = (oldest - since + 999) / 1000;
                return Err(Error::RateLimited(format!(
                    "too many sign-ups from your user; try again in {wait_s} s"
                )));
            }
            signups::record(tx, uid, now)?;
            signups::prune(tx, since)?;
            Ok(())
        })
        .await?;
    let hash = hash_blocking(uid, req.password).await?;
    let outbox = state.outbox.clone();
    let to = email.clone();
    let mailed = state
        .registry
        .write(move |tx| {
            let now = now_ms();
            let mailed = match users::by_email(tx, &to)? {
                Some(existing) => {
                    let body = format!(
                        "Someone tried to sign up for rsrc with your address ({}) at {}.\n\n\
                         Your account is unchanged. If it was you, log in instead:\n\n    \
                         rsrc login --email {0}\n\nor, if you forgot your password:\n\n    \
                         rsrc login --email {0} --code\n",
                        existing.email,
                        rfc3339(now)
                    );
                    outbox.enqueue(
                        tx,
                        &existing.email,
                        "Someone tried to sign up with your address",
                        &body,
                    )?;
                    true
                }
                None => {
                    let user = users::NewUser {
                        email: &to,
                        name: &name,
                        password_hash: &hash,
                        role: Role::User,
                        verified: false,
                    };
                    users::insert(tx, &user, now)?;
                    false
                }
            };
            Ok(mailed)
        })
        .await?;
    if mailed {
        state.outbox.wake();
    }
    tracing::info!(email = %email, "sign-up received");
    Ok(api::SignupAccepted {
        email,
        message: "sign-up received; if the address was free, the account is ready".into(),
    })
}
