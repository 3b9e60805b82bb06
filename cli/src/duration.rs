//! The one duration grammar of the CLI: a bare number is seconds, anything else is read by
//! `humantime` (`90s`, `2m`, `1h30m`, `1d`), as `--since 10m` and `--timeout 1h30m` both expect.

use std::time::Duration;

use rsrc_shared::api::query::MAX_WAIT;

/// What every duration flag says when it cannot read its value.
const EXPECTED: &str = "a duration like 90s, 2m or 1h30m";

pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| format!("`{text}` is too long"));
    }
    humantime::parse_duration(text).map_err(|_| format!("`{text}` is not {EXPECTED}"))
}

/// `--timeout` of a wait, in whole seconds: at least 1s, at most the daemon's [`MAX_WAIT`] (a
/// longer one is refused here rather than cut short without a word).
pub fn parse_wait_timeout(text: &str) -> Result<u64, String> {
    let wait = parse(text)?;
    if wait < Duration::from_secs(1) {
        return Err("the timeout must be at least 1s".into());
    }
    if wait > MAX_WAIT {
        return Err(format!(
            "the timeout can be at most 24h, not `{}`",
            text.trim()
        ));
    }
    Ok(wait.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers_are_seconds_and_units_combine() {
        assert_eq!(parse("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse(" 2m "), Ok(Duration::from_secs(120)));
        assert!(parse("").is_err());
        assert!(parse("abc").is_err());
        assert!(parse("99999999999999999999999").is_err());
    }

    #[test]
    fn wait_timeouts_stay_within_what_the_daemon_waits() {
        assert_eq!(parse_wait_timeout("1h30m"), Ok(5400));
        assert_eq!(parse_wait_timeout("59m30s"), Ok(3570));
        assert_eq!(parse_wait_timeout("24h"), Ok(86_400));
        assert!(parse_wait_timeout("5d").is_err());
        assert!(parse_wait_timeout("500ms").is_err());
    }
}
