//! One-time codes, the one mechanism behind email verification (`otp`), phone verification
//! (`phone`) and logins by mail (`login`): six digits, valid ten minutes, five wrong tries, one
//! sent a minute. A code is stored as its argon2 hash; a try is claimed before the (slow) hash
//! check, in one immediate transaction, so concurrent guesses each take their own try and
//! together never get more than five.

use std::time::Duration;

use rand::Rng;
use rsrc_shared::api::Code;

use super::hashing::verify_blocking;
use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::registry::codes::{self as repo, Pending};
pub use crate::registry::codes::{Key, Purpose};
use crate::registry::Tx;
use crate::State;

/// The rules a code of one purpose follows.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// How long a code is valid after it was sent.
    pub validity: Duration,
    /// How long after a code the next may be sent.
    pub cooldown: Duration,
    /// Wrong tries a code takes; the next try is refused until a new code is sent.
    pub max_failures: i64,
}

/// Every purpose follows the same rules today; they are asked for by purpose so that one can
/// change alone.
pub fn policy(_purpose: Purpose) -> Policy {
    Policy {
        validity: Duration::from_secs(10 * 60),
        cooldown: Duration::from_secs(60),
        max_failures: 5,
    }
}

/// A fresh random code.
pub fn generate() -> Code {
    Code::from_number(rand::rng().random_range(0..1_000_000u32))
}

/// How long until another code of `purpose` may be sent after one sent at `sent_at`; `None`
/// once it may.
pub fn cooldown_left(purpose: Purpose, sent_at: i64, now: i64) -> Option<Duration> {
    let wait_ms = sent_at + policy(purpose).cooldown.as_millis() as i64 - now;
    (wait_ms > 0).then(|| Duration::from_millis(wait_ms as u64))
}

/// Refuses a send within the cooldown of the last one; `what` names the code in the message
/// ("a code", "a phone code").
pub fn check_cooldown(purpose: Purpose, sent_at: i64, what: &str) -> Result<()> {
    match cooldown_left(purpose, sent_at, now_ms()) {
        Some(wait) => Err(Error::RateLimited(format!(
            "{what} was sent less than a minute ago; try again in {} s",
            wait.as_millis().div_ceil(1000)
        ))),
        None => Ok(()),
    }
}

/// Stores a new code for `key` (its hash, `hash`), replacing the pending one and its tries.
pub fn store(tx: &Tx, key: Key, sent_to: Option<&str>, hash: String, now: i64) -> Result<()> {
    repo::replace(
        tx,
        key,
        &Pending {
            sent_to: sent_to.map(str::to_string),
            code_hash: hash,
            sent_at: now,
            expires_at: now + policy(key.purpose).validity.as_millis() as i64,
            failed_attempts: 0,
        },
    )
}

/// Why no try was claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No code is pending (or it was sent somewhere else than asked).
    NonePending,
    /// Its tries are spent.
    Spent,
    Expired,
}

/// A claimed try: the code's hash to check against, and how many tries it has taken with
/// this one.
#[derive(Debug)]
pub struct Claimed {
    pub hash: String,
    pub tries: i64,
}

/// Claims one try of `key`'s pending code (sent to `sent_to`, when its purpose proves where it
/// was sent). Run it in an immediate transaction; the try counts as wrong unless the code turns
/// out right (then the caller deletes the code).
pub fn claim(
    tx: &Tx,
    key: Key,
    sent_to: Option<&str>,
    now: i64,
) -> Result<Result<Claimed, Refusal>> {
    let pending = repo::pending(tx, key)?.filter(|p| p.sent_to.as_deref() == sent_to);
    let Some(pending) = pending else {
        return Ok(Err(Refusal::NonePending));
    };
    if pending.failed_attempts >= policy(key.purpose).max_failures {
        return Ok(Err(Refusal::Spent));
    }
    if pending.expires_at <= now {
        return Ok(Err(Refusal::Expired));
    }
    repo::count_failure(tx, key)?;
    Ok(Ok(Claimed {
        hash: pending.code_hash,
        tries: pending.failed_attempts + 1,
    }))
}

/// How a refusal tells the user to get a code.
#[derive(Debug, Clone, Copy)]
pub struct Hints {
    /// When none is pending, e.g. "ask for one with `rsrc otp send`".
    pub first: &'static str,
    /// When it is spent, expired or wrong, e.g. "ask for a new one with `rsrc otp send`".
    pub again: &'static str,
}

/// Checks `code` against `key`'s pending code, claiming one try. On success the code is still
/// stored: delete it in the transaction that uses it.
pub async fn verify(
    state: &State,
    caller: &super::Caller,
    key: Key,
    sent_to: Option<String>,
    code: Code,
    hints: Hints,
) -> Result<()> {
    let Hints { first, again } = hints;
    let claimed = state
        .registry
        .write_immediate(
            move |tx| match claim(tx, key, sent_to.as_deref(), now_ms())? {
                Ok(claimed) => Ok(claimed),
                Err(Refusal::NonePending) => {
                    Err(Error::invalid(format!("no code is pending; {first}")))
                }
                Err(Refusal::Spent) => {
                    Err(Error::RateLimited(format!("too many wrong codes; {again}")))
                }
                Err(Refusal::Expired) => {
                    Err(Error::invalid(format!("the code has expired; {again}")))
                }
            },
        )
        .await?;
    if verify_blocking(caller.uid_key(), code.into(), claimed.hash).await? {
        return Ok(());
    }
    let left = (policy(key.purpose).max_failures - claimed.tries).max(0);
    Err(Error::invalid(if left == 0 {
        format!("wrong code; no tries left, {again}")
    } else {
        format!("wrong code; {} left", tries_left(left))
    }))
}

/// "1 try", "4 tries": one wording for every code.
fn tries_left(n: i64) -> String {
    rsrc_shared::words::count(n, "try", "tries")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_are_counted_in_words() {
        assert_eq!(tries_left(1), "1 try");
        assert_eq!(tries_left(4), "4 tries");
    }

    #[test]
    fn the_cooldown_is_a_minute() {
        let now = 1_700_000_000_000;
        assert_eq!(
            cooldown_left(Purpose::Email, now - 59_500, now),
            Some(Duration::from_millis(500))
        );
        assert_eq!(cooldown_left(Purpose::Phone, now - 60_000, now), None);
    }
}
