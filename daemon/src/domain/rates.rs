//! Sliding-window limits on what a user can make rsrcd do to others (issue 19): SMS codes per
//! number and per caller, mails per recipient and per caller, comments and votes per user. The
//! events live in the registry (`registry::rates`), so the limits hold across restarts.

use std::time::Duration;

use crate::config::LimitsConfig;
use crate::error::Result;
use crate::registry::{rates, Tx};

/// At most `max` events of `kind` per key in any `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub kind: &'static str,
    pub max: u32,
    pub window: Duration,
}

/// Takes a place for `now` under every (limit, key), or none if one of them is full: then
/// returns how long until that one frees a place.
pub fn take(tx: &Tx, limits: &[(Limit, &str)], now: i64) -> Result<Option<Duration>> {
    for (limit, key) in limits {
        let window = limit.window.as_millis() as i64;
        let since = now - window;
        let (count, oldest) = rates::since(tx, limit.kind, key, since)?;
        if count >= i64::from(limit.max) {
            let wait = oldest.unwrap_or(now) + window - now;
            return Ok(Some(Duration::from_millis(wait.max(1000) as u64)));
        }
    }
    for (limit, key) in limits {
        rates::prune(tx, limit.kind, now - limit.window.as_millis() as i64)?;
        rates::record(tx, limit.kind, key, now)?;
    }
    Ok(None)
}

/// Takes a place for one mail that caller `uid` makes rsrcd send to `to` (`to_key`, when the
/// recipient is counted with more than its address); `None` when the recipient or the caller
/// had its share, then how long until a place frees.
pub fn take_mail(
    tx: &Tx,
    limits: &LimitsConfig,
    to_key: &str,
    uid: i64,
    now: i64,
) -> Result<Option<Duration>> {
    let to = to_key.to_lowercase();
    let uid = uid.to_string();
    take(
        tx,
        &[
            (limits.mail_per_recipient(), &to),
            (limits.mail_per_caller(), &uid),
        ],
        now,
    )
}

/// "in 3 h", "in 12 min", "in 40 s": how a refusal says when to try again.
pub fn wait_words(wait: Duration) -> String {
    let s = wait.as_secs().max(1);
    if s >= 2 * 3600 {
        format!("in {} h", s.div_ceil(3600))
    } else if s >= 120 {
        format!("in {} min", s.div_ceil(60))
    } else {
        format!("in {s} s")
    }
}
