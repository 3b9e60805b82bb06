//! A phone number for alerts by SMS: set with the profile, proven with a 6-digit code sent to it
//! by SMS (valid 10 minutes, at most five wrong tries, at most one SMS a minute, like the email
//! code). Until then it is unverified and gets no alerts; changing it unverifies it.

use std::time::Duration;

use rand::Rng;
use rsrc_shared::api::{self, User};
use rusqlite::Connection;

use super::hashing::{hash_blocking, verify_blocking};
use super::Caller;
use crate::clock::now_ms;
use crate::domain::notify::outbox::{Channel, Outbox};
use crate::error::{Error, RegistryContext, Result};
use crate::registry::phone_codes::{self as codes, Pending};
use crate::registry::users;
use crate::State;

const CODE_VALIDITY: Duration = Duration::from_secs(10 * 60);
const CODE_COOLDOWN: Duration = Duration::from_secs(60);
const MAX_FAILURES: i64 = 5;

/// What a profile update does to the phone.
pub enum PhoneChange {
    Keep,
    Clear,
    /// A new (or unverified) number, and the code to send it.
    Prove {
        phone: String,
        code_hash: String,
        text: String,
    },
}

/// E.164, strictly: `+`, a country code that does not start with 0, at most 15 digits in all.
pub fn validate_phone(phone: &str) -> Result<String> {
    let digits = phone.strip_prefix('+').unwrap_or("");
    let ok = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if ok {
        Ok(phone.to_string())
    } else {
        Err(Error::invalid(
            "a phone number is written in E.164: + and 7 to 15 digits, e.g. +41791234567 \
             (no spaces; `none` clears it)",
        ))
    }
}

/// Checks the requested phone and, for one to prove, makes its code (hashing is slow: outside
/// the transaction).
pub async fn prepare(
    state: &State,
    caller: &Caller,
    requested: Option<Option<String>>,
) -> Result<PhoneChange> {
    let Some(requested) = requested else {
        return Ok(PhoneChange::Keep);
    };
    let Some(phone) = requested else {
        return Ok(PhoneChange::Clear);
    };
    let phone = validate_phone(phone.trim())?;
    if caller.user.phone.as_deref() == Some(phone.as_str()) && caller.user.phone_verified {
        return Ok(PhoneChange::Keep);
    }
    if state.config.sms.is_none() {
        return Err(Error::conflict(
            "this rsrcd sends no SMS (its operator has not configured [sms] in rsrcd.toml)",
        ));
    }
    let id = caller.user.id;
    let pending = state
        .registry
        .read(move |conn| codes::pending(conn, id))
        .await?;
    if let Some(p) = pending {
        check_cooldown(p.sent_at)?;
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let text = format!("Your rsrc phone code is {code}. Run: rsrc phone verify {code}");
    Ok(PhoneChange::Prove {
        phone,
        code_hash: hash_blocking(code).await?,
        text,
    })
}

/// Applies a change inside the profile update's transaction (immediate, so that the cooldown
/// holds against concurrent updates). Call `outbox.wake()` after committing.
pub fn apply(conn: &Connection, outbox: &Outbox, user_id: i64, change: PhoneChange) -> Result<()> {
    let now = now_ms();
    match change {
        PhoneChange::Keep => Ok(()),
        PhoneChange::Clear => {
            users::set_phone(conn, user_id, None, now)?;
            codes::delete(conn, user_id)
        }
        PhoneChange::Prove {
            phone,
            code_hash,
            text,
        } => {
            if let Some(p) = codes::pending(conn, user_id)? {
                check_cooldown(p.sent_at)?;
            }
            users::set_phone(conn, user_id, Some(&phone), now)?;
            codes::replace(
                conn,
                user_id,
                &Pending {
                    phone: phone.clone(),
                    code_hash,
                    sent_at: now,
                    expires_at: now + CODE_VALIDITY.as_millis() as i64,
                    failed_attempts: 0,
                },
            )?;
            outbox.enqueue_on(conn, Channel::Sms, &phone, "", &text)
        }
    }
}

fn check_cooldown(last_sent: i64) -> Result<()> {
    let wait_ms = last_sent + CODE_COOLDOWN.as_millis() as i64 - now_ms();
    if wait_ms > 0 {
        return Err(Error::RateLimited(format!(
            "a phone code was sent less than a minute ago; try again in {} s",
            (wait_ms + 999) / 1000
        )));
    }
    Ok(())
}

pub async fn verify_phone(state: &State, caller: &Caller, req: api::PhoneVerify) -> Result<User> {
    let Some(phone) = caller.user.phone.clone() else {
        return Err(Error::invalid(
            "you have no phone number; set one with `rsrc profile update --phone +E164`",
        ));
    };
    if caller.user.phone_verified {
        return Err(Error::conflict("your phone number is already verified"));
    }
    let code = req.code.trim().to_string();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid("a code has 6 digits"));
    }
    let id = caller.user.id;
    let resend = "ask for a new one with `rsrc profile update --phone NUMBER`";
    // One try is claimed before the slow hash check, as for the email code.
    let (hash, tries) = state
        .registry
        .call(move |conn| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .context("begin")?;
            let pending = codes::pending(&tx, id)?.filter(|p| p.phone == phone);
            let Some(pending) = pending else {
                return Err(Error::invalid(format!("no code is pending; {resend}")));
            };
            if pending.failed_attempts >= MAX_FAILURES {
                return Err(Error::RateLimited(format!(
                    "too many wrong codes; {resend}"
                )));
            }
            if pending.expires_at <= now_ms() {
                return Err(Error::invalid(format!("the code has expired; {resend}")));
            }
            codes::count_failure(&tx, id)?;
            tx.commit().context("commit")?;
            Ok((pending.code_hash, pending.failed_attempts + 1))
        })
        .await?;
    if !verify_blocking(code, hash).await? {
        let left = (MAX_FAILURES - tries).max(0);
        return Err(Error::invalid(if left == 0 {
            format!("wrong code; no tries left, {resend}")
        } else {
            format!("wrong code; {left} tries left")
        }));
    }
    let phone = caller.user.phone.clone().unwrap_or_default();
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            if !users::mark_phone_verified(&tx, id, &phone, now_ms())? {
                return Err(Error::conflict("your phone number changed meanwhile"));
            }
            codes::delete(&tx, id)?;
            let user = users::by_id(&tx, id)?;
            tx.commit().context("commit")?;
            Ok(user)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_strict_e164() {
        for good in ["+41791234567", "+15551234", "+123456789012345"] {
            assert_eq!(validate_phone(good).unwrap(), good);
        }
        for bad in [
            "41791234567",
            "+0791234567",
            "+41 79 123 45 67",
            "+4179123456a",
            "+123456",
            "+1234567890123456",
            "++41791234567",
            "",
            "+",
            "+٤١٧٩١٢٣٤٥٦٧",
        ] {
            assert!(validate_phone(bad).is_err(), "{bad}");
        }
    }
}
