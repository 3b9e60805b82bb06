//! Email verification: a 6-digit code by mail, valid 10 minutes, at most five wrong tries, at
//! most one mail a minute.

use std::time::Duration;

use rand::Rng;
use rsrc_shared::api::{self, User};

use super::hashing::{hash_blocking, verify_blocking};
use super::Caller;
use crate::clock::now_ms;
use crate::error::{Error, RegistryContext, Result};
use crate::registry::{otp as codes, users};
use crate::State;

const OTP_VALIDITY: Duration = Duration::from_secs(10 * 60);
const OTP_COOLDOWN: Duration = Duration::from_secs(60);
const OTP_MAX_FAILURES: i64 = 5;

pub async fn send_otp(state: &State, caller: &Caller) -> Result<api::OtpSent> {
    if caller.user.verified {
        return Err(Error::conflict("your email is already verified"));
    }
    // The cooldown is checked again when the code is stored; this early look spares a hash.
    let id = caller.user.id;
    let last_sent = state
        .registry
        .read(move |conn| codes::sent_at(conn, id))
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
            if let Some(sent) = codes::sent_at(&tx, id)? {
                check_cooldown(sent)?;
            }
            codes::replace(&tx, id, &hash, now, now + OTP_VALIDITY.as_millis() as i64)?;
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
            let Some(pending) = codes::pending(&tx, id)? else {
                return Err(Error::invalid(
                    "no code is pending; ask for one with `rsrc otp send`",
                ));
            };
            if pending.failed_attempts >= OTP_MAX_FAILURES {
                return Err(Error::RateLimited(
                    "too many wrong codes; ask for a new one with `rsrc otp send`".into(),
                ));
            }
            if pending.expires_at <= now_ms() {
                return Err(Error::invalid(
                    "the code has expired; ask for a new one with `rsrc otp send`",
                ));
            }
            // Counts as a wrong try unless the code turns out right (then the row goes).
            codes::count_failure(&tx, id)?;
            tx.commit().context("commit")?;
            Ok((pending.code_hash, pending.failed_attempts + 1))
        })
        .await?;
    if !verify_blocking(code, hash).await? {
        let left = (OTP_MAX_FAILURES - tries).max(0);
        return Err(Error::invalid(if left == 0 {
            "wrong code; no tries left, ask for a new one with `rsrc otp send`".to_string()
        } else {
            format!(
                "wrong code; {} left",
                rsrc_shared::words::count(left, "try", "tries")
            )
        }));
    }
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            users::mark_verified(&tx, id, now_ms())?;
            codes::delete(&tx, id)?;
            let user = users::by_id(&tx, id)?;
            tx.commit().context("commit")?;
            Ok(user)
        })
        .await
}
