//! Email verification: a 6-digit code by mail, valid 10 minutes, at most five wrong tries, at
//! most one mail a minute.

use rsrc_shared::api::{self, User};

use super::codes::{self, Hints, Key, Purpose};
use super::hashing::hash_blocking;
use super::Caller;
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::registry::codes as repo;
use crate::registry::users;
use crate::State;

const HINTS: Hints = Hints {
    first: "ask for one with `rsrc otp send`",
    again: "ask for a new one with `rsrc otp send`",
};

pub async fn send_otp(state: &State, caller: &Caller) -> Result<api::OtpSent> {
    if caller.user.verified {
        return Err(Error::conflict("your email is already verified"));
    }
    // The cooldown is checked again when the code is stored; this early look spares a hash.
    let key = Key::email(caller.user.id);
    let pending = state
        .registry
        .read(move |snap| repo::pending(snap, key))
        .await?;
    if let Some(p) = pending {
        codes::check_cooldown(Purpose::Email, p.sent_at, "a code")?;
    }
    let code = codes::generate();
    let body = format!(
        "Your rsrc verification code is {code}\n\nIt is valid for 10 minutes. Run:\n\n    rsrc otp verify {code}\n"
    );
    let hash = hash_blocking(caller.uid_key(), code.into()).await?;
    let email = caller.user.email.clone();
    let outbox = state.outbox.clone();
    state
        .registry
        .write_immediate(move |tx| {
            let now = now_ms();
            if let Some(p) = repo::pending(tx, key)? {
                codes::check_cooldown(Purpose::Email, p.sent_at, "a code")?;
            }
            codes::store(tx, key, None, hash, now)?;
            outbox.enqueue(tx, &email, "Your rsrc verification code", &body)
        })
        .await?;
    state.outbox.wake();
    Ok(api::OtpSent {
        email: caller.user.email.clone(),
        expires_in_seconds: codes::policy(Purpose::Email).validity.as_secs(),
    })
}

pub async fn verify_otp(state: &State, caller: &Caller, req: api::OtpVerify) -> Result<User> {
    if caller.user.verified {
        return Err(Error::conflict("your email is already verified"));
    }
    let id = caller.user.id;
    let key = Key::email(id);
    codes::verify(state, caller, key, None, req.code, HINTS).await?;
    state
        .registry
        .write(move |tx| {
            users::mark_verified(tx, id, now_ms())?;
            repo::delete(tx, key)?;
            users::by_id(tx, id)
        })
        .await
}
