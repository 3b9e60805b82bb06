//! Logins: by password, throttled per (email, caller uid) with growing delays, and by a code
//! sent by mail, which no password throttle blocks. Neither path tells whether an email has an
//! account: unknown emails are throttled, answered and timed like known ones.

use std::time::Duration;

use rsrc_shared::api::{self, User};

use super::codes::{self, Key, Purpose};
use super::hashing::{dummy_hash, hash_blocking, new_token, token_hash, verify_blocking};
use super::{uid_key, validate_email, Peer};
use crate::clock::{now_ms, rfc3339};
use crate::domain::notify::outbox::{Channel, Priority};
use crate::domain::rates;
use crate::error::{Error, Result};
use crate::registry::codes as repo;
use crate::registry::{logins, sessions, users, Tx};
use crate::State;

/// Failures older than this are forgotten.
const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures of one (email, uid) in the window that cost nothing; each further one doubles the
/// wait before the next try (1 s, 2 s, 4 s, ...), up to [`MAX_DELAY`].
const FREE_FAILURES: i64 = 3;
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

/// How long (email, uid) waits after its last failure, having `failures` in the window.
fn delay(failures: i64) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(failures - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(20);
    Duration::from_secs(1u64 << doublings).min(MAX_DELAY)
}

/// Refuses a password try of (`email`, `uid`) that comes before its delay is over, or else
/// records it as a failure (a success clears it). Run in the transaction that reads the
/// password hash, before the slow check: concurrent guesses each take their own place, so they
/// share the limit.
pub(super) fn claim_try(tx: &Tx, email: &str, uid: i64, now: i64) -> Result<()> {
    let window = LOGIN_WINDOW.as_millis() as i64;
    let failures = logins::failures_since(tx, email, uid, now - window)?;
    let wait_ms = failures.last_at.unwrap_or(now) + delay(failures.count).as_millis() as i64 - now;
    if failures.count >= FREE_FAILURES && wait_ms > 0 {
        return Err(Error::RateLimited(format!(
            "too many failed logins for {email} from your user; try again in {} s, or log in \
             with a code by mail: `rsrc login --email {email} --code`",
            (wait_ms + 999) / 1000
        )));
    }
    logins::record(tx, email, uid, now)?;
    logins::prune(tx, now - window)
}

pub async fn login(state: &State, req: api::Login, peer: Peer) -> Result<api::LoginResponse> {
    let email = req.email.trim().to_string();
    let uid = uid_key(peer);
    let found = state
        .registry
        .write_immediate(move |tx| {
            claim_try(tx, &email, uid, now_ms())?;
            users::credentials(tx, &email)
        })
        .await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, dummy_hash()),
    };
    let password_ok = verify_blocking(uid, req.password, hash).await?;
    let Some(user) = user.filter(|_| password_ok) else {
        return Err(Error::LoginFailed);
    };
    if user.disabled {
        return Err(Error::forbidden("this account is disabled"));
    }
    let email = user.email.clone();
    start_session(state, user, peer, move |tx| logins::clear(tx, &email, uid)).await
}

/// Mails a 6-digit login code to `email` if it has an account, valid 10 minutes and only for
/// the uid that asked. The answer is the same either way; at most one mail a minute per
/// (account, uid), the others are dropped silently (a refusal would tell the account exists).
pub async fn request_login_code(
    state: &State,
    req: api::LoginCodeRequest,
    peer: Peer,
) -> Result<api::LoginCodeSent> {
    let email = validate_email(&req.email)?;
    let uid = uid_key(peer);
    let code = codes::generate();
    // Hash before knowing whether the account exists, so that both answers take as long.
    let hash = hash_blocking(uid, code.to_string()).await?;
    let body = format!(
        "Your rsrc login code is {code}\n\nIt is valid for 10 minutes, only for the user that \
         asked for it. Type it where `rsrc login --email {email} --code` asks for it.\n\n\
         If you did not ask for it, ignore this mail: without the code nobody gets in.\n"
    );
    let outbox = state.outbox.clone();
    let limits = state.config.limits.clone();
    let to = email.clone();
    let mailed = state
        .registry
        .write_immediate(move |tx| {
            let now = now_ms();
            repo::prune(tx, Purpose::Login, now)?;
            let Some(user) = users::by_email(tx, &to)?.filter(|u| !u.disabled) else {
                return Ok(false);
            };
            let key = Key::login(user.id, uid);
            let cooling = repo::pending(tx, key)?
                .is_some_and(|p| codes::cooldown_left(Purpose::Login, p.sent_at, now).is_some());
            if cooling {
                return Ok(false);
            }
            // Counted per (address, uid), so that no uid can use up the owner's own share.
            let to_key = format!("{} uid {uid}", user.email);
            if rates::take_mail(tx, &limits, &to_key, uid, now)?.is_some() {
                return Ok(false);
            }
            codes::store(tx, key, None, hash, now)?;
            outbox.enqueue_on(
                tx,
                Channel::Email,
                Priority::Code,
                &user.email,
                "Your rsrc login code",
                &body,
            )?;
            Ok(true)
        })
        .await?;
    if mailed {
        state.outbox.wake();
    }
    Ok(api::LoginCodeSent {
        email,
        expires_in_seconds: codes::policy(Purpose::Login).validity.as_secs(),
        message: "if an account has this address, a login code is on its way there".into(),
    })
}

/// A login with a mailed code. Every refusal looks the same (401), whether the email has no
/// account, no code is pending, it expired, its five tries are spent or it is just wrong.
pub async fn login_with_code(
    state: &State,
    req: api::CodeLogin,
    peer: Peer,
) -> Result<api::LoginResponse> {
    let email = req.email.trim().to_string();
    let uid = uid_key(peer);
    let claimed = state
        .registry
        .write_immediate(move |tx| {
            let Some(user) = users::by_email(tx, &email)? else {
                return Ok(None);
            };
            let claimed = codes::claim(tx, Key::login(user.id, uid), None, now_ms())?;
            Ok(claimed.ok().map(|c| (user, c.hash)))
        })
        .await?;
    let (user, hash) = match claimed {
        Some((user, hash)) => (Some(user), hash),
        None => (None, dummy_hash()),
    };
    let code_ok = verify_blocking(uid, req.code.into(), hash).await?;
    let Some(user) = user.filter(|_| code_ok) else {
        return Err(Error::CodeLoginFailed);
    };
    if user.disabled {
        return Err(Error::forbidden("this account is disabled"));
    }
    let id = user.id;
    start_session(state, user, peer, move |tx| {
        repo::delete(tx, Key::login(id, uid))
    })
    .await
}

/// Creates a session for `user`, running `also` in the same transaction.
async fn start_session(
    state: &State,
    user: User,
    peer: Peer,
    also: impl FnOnce(&Tx) -> Result<()> + Send + 'static,
) -> Result<api::LoginResponse> {
    let token = new_token();
    let hash = token_hash(&token);
    let expires_at = now_ms() + state.config.session_ttl().as_millis() as i64;
    let user_id = user.id;
    state
        .registry
        .write(move |tx| {
            let session = sessions::NewSession {
                token_hash: &hash,
                user_id,
                created_at: now_ms(),
                expires_at,
                peer_uid: peer.uid,
                peer_pid: peer.pid,
            };
            sessions::create(tx, &session)?;
            also(tx)
        })
        .await?;
    tracing::info!(user = %user.email, peer_uid = %plain(peer.uid), peer_pid = %plain(peer.pid),
        "login");
    Ok(api::LoginResponse {
        token,
        expires_at: rfc3339(expires_at),
        user,
    })
}

/// An optional number for the log: the number, or `-`, never `Some(0)`.
fn plain<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

    #[test]
    fn delays_grow_after_three_failures_up_to_fifteen_minutes() {
        let secs = |n| delay(n).as_secs();
        assert_eq!(
            [secs(0), secs(2), secs(3), secs(4), secs(5)],
            [0, 0, 1, 2, 4]
        );
        assert_eq!(secs(12), 512);
        assert_eq!(secs(13), 900);
        assert_eq!(secs(i64::MAX), 900);
    }

    #[test]
    fn one_uid_failing_does_not_throttle_another() {
        let registry = Registry::open_in_memory().unwrap();
        registry
            .write_blocking(|tx| {
                let (attacker, owner, now) = (65534, 1000, 1_700_000_000_000);
                for _ in 0..FREE_FAILURES {
                    claim_try(tx, "boss@example.com", attacker, now)?;
                }
                let refused = claim_try(tx, "boss@example.com", attacker, now);
                assert!(matches!(refused, Err(Error::RateLimited(_))), "{refused:?}");
                // Refused tries are not counted: after the delay, one more try is allowed.
                claim_try(tx, "BOSS@example.com", attacker, now + 1000)?;
                let refused = claim_try(tx, "boss@example.com", attacker, now + 2500);
                assert!(matches!(refused, Err(Error::RateLimited(m)) if m.contains("in 1 s")));
                // The owner's uid has a count of its own, as has another email.
                claim_try(tx, "boss@example.com", owner, now)?;
                claim_try(tx, "other@example.com", attacker, now)?;
                // Fifteen minutes later, the attacker's failures are forgotten.
                claim_try(tx, "boss@example.com", attacker, now + 16 * 60 * 1000)?;
                Ok(())
            })
            .unwrap();
    }
}
