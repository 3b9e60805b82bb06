//! Times and states as `docker ps` words them: "Up 3 minutes", "Exited (3) 2 minutes ago",
//! "5 days ago". Only tables use these; JSON keeps the RFC 3339 times.

use rsrc_shared::api::{Instance, InstanceState};

/// Seconds since the epoch of an RFC 3339 time as rsrcd writes them
/// (`2024-05-01T12:00:00.000Z`); `None` for anything else.
pub fn parse_utc(text: &str) -> Option<i64> {
    let nanos = rsrc_shared::time::parse_rfc3339(text)?;
    i64::try_from(nanos.div_euclid(1_000_000_000)).ok()
}

/// Now, in seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A duration in Docker's words (its `HumanDuration`).
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (minutes, hours) = (secs / 60, (secs as f64 / 3600.0).round() as i64);
    match () {
        _ if secs < 1 => "Less than a second".into(),
        _ if secs == 1 => "1 second".into(),
        _ if secs < 60 => format!("{secs} seconds"),
        _ if minutes == 1 => "About a minute".into(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".into(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", hours / 24 / 365),
    }
}

/// `3 minutes ago`, or the text itself when it is not a time rsrcd writes.
pub fn ago(time: &str, now: i64) -> String {
    match parse_utc(time) {
        Some(t) => format!("{} ago", duration(now - t)),
        None => time.to_string(),
    }
}

/// An RFC 3339 time without its fraction of a second: `2026-12-01T16:34:05Z`.
pub fn to_the_second(time: &str) -> String {
    match parse_utc(time) {
        Some(_) if time.len() > 19 && time.is_char_boundary(19) => format!("{}Z", &time[..19]),
        _ => time.to_string(),
    }
}

/// The STATUS column. `updated_at` changes with every state change, so it stands for "since".
pub fn status(i: &Instance, now: i64) -> String {
    let since = parse_utc(&i.updated_at).map(|t| duration(now - t));
    let since = since.as_deref().unwrap_or("?");
    let code = i.exit_code.map(|c| format!(" ({c})")).unwrap_or_default();
    let text = match i.status {
        InstanceState::Running => format!("Up {since}"),
        // As `docker ps` words it; the age counts from the start (a pause keeps `updated`).
        InstanceState::Paused => format!("Up {since} (Paused)"),
        InstanceState::Exited | InstanceState::Stopped => format!("Exited{code} {since} ago"),
        InstanceState::Creating => "Created".into(),
        other => {
            let mut c = other.as_str().chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    };
    if i.last_known {
        format!("{text} (last known; Docker unreachable)")
    } else {
        text
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn times_parse() {
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc("1970-01-01T00:00:01.500Z"), Some(1));
        assert_eq!(parse_utc("2024-03-01T00:00:00.000Z"), Some(1_709_251_200));
        assert_eq!(parse_utc("yesterday"), None);
    }

    #[test]
    fn followed_times_are_exact_to_the_second() {
        assert_eq!(
            to_the_second("2026-12-01T16:34:05.123Z"),
            "2026-12-01T16:34:05Z"
        );
        assert_eq!(
            to_the_second("2026-12-01T16:34:05Z"),
            "2026-12-01T16:34:05Z"
        );
        assert_eq!(to_the_second("garbage"), "garbage");
    }

    #[test]
    fn durations_read_like_docker() {
        assert_eq!(duration(0), "Less than a second");
        assert_eq!(duration(1), "1 second");
        assert_eq!(duration(59), "59 seconds");
        assert_eq!(duration(60), "About a minute");
        assert_eq!(duration(180), "3 minutes");
        assert_eq!(duration(3600), "About an hour");
        assert_eq!(duration(5 * 3600), "5 hours");
        assert_eq!(duration(3 * 86_400), "3 days");
        assert_eq!(ago("1970-01-01T00:00:00.000Z", 120), "2 minutes ago");
    }

    #[test]
    fn a_paused_instance_reads_like_docker_ps() {
        let paused: Instance = serde_json::from_value(serde_json::json!({
            "id": "abc", "name": "web", "machine": "m", "owner": "a@example.com",
            "status": "paused", "host": "127.0.0.1", "ports": [], "url": null, "volumes": [],
            "env": {}, "container": null, "exit_code": null,
            "created_at": "1970-01-01T00:00:00.000Z", "updated_at": "1970-01-01T00:00:00.000Z",
        }))
        .unwrap();
        assert_eq!(status(&paused, 300), "Up 5 minutes (Paused)");
    }
}
