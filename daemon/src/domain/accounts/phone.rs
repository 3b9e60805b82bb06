//! A phone number for alerts by SMS: set with the profile, proven with a 6-digit code sent to it
//! by SMS (valid 10 minutes, at most five wrong tries, at most one SMS a minute, like the email
//! code). Until then it is unverified and gets no alerts; changing it unverifies it.

use rsrc_shared::api::{self, User};

use super::codes::{self, Hints, Key, Purpose};
use super::hashing::hash_blocking;
use super::Caller;
use crate::clock::now_ms;
use crate::domain::notify::outbox::{Channel, Outbox};
use crate::error::{Error, Result};
use crate::registry::codes as repo;
use crate::registry::{users, Tx};
use crate::State;

const RESEND: &str = "ask for a new one with `rsrc profile update --phone NUMBER`";

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
    let key = Key::phone(caller.user.id);
    let pending = state
        .registry
        .read(move |snap| repo::pending(snap, key))
        .await?;
    if let Some(p) = pending {
        check_cooldown(p.sent_at)?;
    }
    let code = codes::generate();
    let text = format!("Your rsrc phone code is {code}. Run: rsrc phone verify {code}");
    Ok(PhoneChange::Prove {
        phone,
        code_hash: hash_blocking(caller.uid_key(), code.into()).await?,
        text,
    })
}

/// Applies a change inside the profile update's transaction (immediate, so that the cooldown
/// holds against concurrent updates). Call `outbox.wake()` after committing.
pub fn apply(tx: &Tx, outbox: &Outbox, user_id: i64, change: PhoneChange) -> Result<()> {
    let now = now_ms();
    let key = Key::phone(user_id);
    match change {
        PhoneChange::Keep => Ok(()),
        PhoneChange::Clear => {
            users::set_phone(tx, user_id, None, now)?;
            repo::delete(tx, key)
        }
        PhoneChange::Prove {
            phone,
            code_hash,
            text,
        } => {
            if let Some(p) = repo::pending(tx, key)? {
                check_cooldown(p.sent_at)?;
            }
            users::set_phone(tx, user_id, Some(&phone), now)?;
            codes::store(tx, key, Some(&phone), code_hash, now)?;
            outbox.enqueue_on(tx, Channel::Sms, &phone, "", &text)
        }
    }
}

fn check_cooldown(last_sent: i64) -> Result<()> {
    codes::check_cooldown(Purpose::Phone, last_sent, "a phone code")
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
    let id = caller.user.id;
    let key = Key::phone(id);
    let hints = Hints {
        first: RESEND,
        again: RESEND,
    };
    codes::verify(state, caller, key, Some(phone.clone()), req.code, hints).await?;
    state
        .registry
        .write(move |tx| {
            if !users::mark_phone_verified(tx, id, &phone, now_ms())? {
                return Err(Error::conflict("your phone number changed meanwhile"));
            }
            repo::delete(tx, key)?;
            users::by_id(tx, id)
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
