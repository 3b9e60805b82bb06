//! The texts of alerts: what went down, why, with its last log lines, and nothing secret.

use std::time::Duration;

use rsrc_shared::api::{Cause, EventKind};

use crate::clock::rfc3339;

/// What replaces a secret value in a message.
const MASK: &str = "********";
/// An SMS carries at most this many characters (gateways split longer ones).
const SMS_MAX: usize = 1000;

/// The instance a message is about.
pub struct About<'a> {
    pub name: &'a str,
    pub id: &'a str,
    pub machine: &'a str,
}

/// A message for every channel: a mail (subject and body) and an SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub body: String,
    pub sms: String,
}

/// How a down reads: "crashed with exit code 3".
pub fn describe(kind: EventKind, cause: &Cause, exit_code: Option<i64>) -> String {
    let code = exit_code.map_or(String::new(), |c| format!(" (exit code {c})"));
    match (kind, cause) {
        (EventKind::Oom, _) | (_, Cause::Oom) => {
            format!("was killed for running out of memory (OOM){code}")
        }
        (_, Cause::Killed { signal }) => format!("was killed by signal {signal}{code}"),
        (EventKind::Stopped, _) => format!("was stopped outside rsrc (e.g. `docker stop`){code}"),
        (EventKind::Paused, _) => "was paused outside rsrc (e.g. `docker pause`): it answers \
            nothing until `docker unpause`"
            .to_string(),
        (EventKind::Lost, _) => "was removed outside rsrc: its container is gone \
            (`rsrc instance recreate` makes it again)"
            .to_string(),
        _ => match exit_code {
            Some(c) => format!("crashed with exit code {c}"),
            None => "crashed".to_string(),
        },
    }
}

/// "1h 2m 3s", to the second.
pub fn downtime(ms: i64) -> String {
    let secs = Duration::from_secs((ms.max(0) as u64).div_ceil(1000));
    humantime::format_duration(secs).to_string()
}

/// "1 time", "4 times".
fn times(n: i64) -> String {
    rsrc_shared::words::count(n, "time", "times")
}

fn headline(about: &About<'_>) -> String {
    format!("{} ({}, machine {})", about.name, about.id, about.machine)
}

fn with_lines(mut text: String, lines: &Lines) -> String {
    match lines {
        Lines::Shown(lines) if lines.is_empty() => text.push_str("\nIt printed nothing.\n"),
        Lines::Shown(lines) => {
            text.push_str(&format!(
                "\nIts last {}:\n\n",
                rsrc_shared::words::count(lines.len() as u64, "log line", "log lines")
            ));
            for line in lines {
                text.push_str("    ");
                text.push_str(line);
                text.push('\n');
            }
        }
        Lines::Unavailable(why) => text.push_str(&format!("\nIts log is not available: {why}\n")),
    }
    text
}

/// The last lines of the output, scrubbed, or why there are none.
pub enum Lines {
    Shown(Vec<String>),
    Unavailable(String),
}

/// The SMS: the first line of the mail, then the newest log lines that fit.
fn sms(first: String, lines: &Lines) -> String {
    let mut tail: Vec<&str> = Vec::new();
    let mut len = first.chars().count();
    if let Lines::Shown(lines) = lines {
        for line in lines.iter().rev() {
            let n = line.chars().count() + 1;
            if len + n > SMS_MAX {
                break;
            }
            len += n;
            tail.push(line);
        }
    }
    tail.reverse();
    let mut text: String = first.chars().take(SMS_MAX).collect();
    for line in tail {
        text.push('\n');
        text.push_str(line);
    }
    text
}

/// The first alert of a window: `earlier` downs were not told yet (their window had closed).
pub fn alert(about: &About<'_>, at: i64, what: &str, earlier: i64, lines: &Lines) -> Message {
    let first = format!("rsrc: instance {} {what}.", headline(about));
    let mut body = format!(
        "Your rsrc instance {} {what} at {}.\n",
        headline(about),
        rfc3339(at)
    );
    if earlier > 0 {
        body.push_str(&format!(
            "It also went down {} more since the previous alert.\n",
            times(earlier)
        ));
    }
    body.push_str(&format!(
        "\nSee `rsrc logs {}` and `rsrc instance show {}`. You get at most one alert per \
         instance in a while; the next one says how many downs it covers.\n",
        about.id, about.id
    ));
    let sms_first = if earlier > 0 {
        format!("{first} ({} more since the last alert)", times(earlier))
    } else {
        first
    };
    Message {
        subject: format!("rsrc: {} {what}", about.name),
        body: with_lines(body, lines),
        sms: sms(sms_first, lines),
    }
}

/// The summary at the end of a window: `count` downs since the last alert, the last one `what`.
pub fn summary(
    about: &About<'_>,
    count: i64,
    last_at: i64,
    what: &str,
    up_now: bool,
    lines: &Lines,
) -> Message {
    let state = if up_now {
        "It is running now."
    } else {
        "It is down now."
    };
    let first = format!(
        "rsrc: instance {} went down {} more since the last alert; the last one {what}. {state}",
        headline(about),
        times(count)
    );
    let body = format!(
        "Your rsrc instance {} went down {} more since the last alert.\n\
         The last time, at {}, it {what}.\n{state}\n",
        headline(about),
        times(count),
        rfc3339(last_at)
    );
    Message {
        subject: format!("rsrc: {} went down {} more", about.name, times(count)),
        body: with_lines(body, lines),
        sms: sms(first, lines),
    }
}

pub fn recovered(about: &About<'_>, at: i64, down_ms: i64) -> Message {
    let took = downtime(down_ms);
    Message {
        subject: format!("rsrc: {} recovered", about.name),
        body: format!(
            "Your rsrc instance {} is running again since {}, after {took} down.\n",
            headline(about),
            rfc3339(at)
        ),
        sms: format!(
            "rsrc: instance {} recovered after {took} down.",
            headline(about)
        ),
    }
}

/// Replaces every secret value in `text`; the longest first, so that one secret inside another
/// leaves nothing of either.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut secrets: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABOUT: About<'static> = About {
        name: "web",
        id: "abc123",
        machine: "httpd",
    };

    #[test]
    fn an_alert_names_the_instance_the_cause_and_the_lines() {
        let what = describe(EventKind::Died, &Cause::Crash, Some(3));
        assert_eq!(what, "crashed with exit code 3");
        let lines = Lines::Shown(vec!["one".into(), "two".into()]);
        let m = alert(&ABOUT, 0, &what, 0, &lines);
        for part in [
            "web",
            "abc123",
            "httpd",
            "exit code 3",
            "    one\n    two\n",
        ] {
            assert!(m.body.contains(part), "{part}: {}", m.body);
        }
        assert!(
            m.sms.contains("exit code 3") && m.sms.ends_with("one\ntwo"),
            "{}",
            m.sms
        );
        let m = alert(&ABOUT, 0, &what, 4, &Lines::Unavailable("gone".into()));
        assert!(
            m.body.contains("went down 4 times more") && m.body.contains("not available: gone")
        );
        let oom = describe(EventKind::Oom, &Cause::Oom, Some(137));
        assert!(oom.contains("OOM") && oom.contains("137"));
        let killed = describe(
            EventKind::Killed,
            &Cause::Killed { signal: "9".into() },
            Some(137),
        );
        assert!(killed.contains("signal 9"));
    }

    #[test]
    fn an_sms_keeps_the_newest_lines_that_fit() {
        let lines = Lines::Shown((0..100).map(|n| format!("{n:040}")).collect());
        let m = alert(&ABOUT, 0, "crashed", 0, &lines);
        assert!(m.sms.chars().count() <= SMS_MAX + 41);
        assert!(m.sms.ends_with(&format!("{:040}", 99)));
    }

    #[test]
    fn secrets_are_scrubbed_longest_first() {
        let secrets = vec!["abc".to_string(), "abcdef".to_string(), String::new()];
        assert_eq!(
            scrub("x abcdef y abc z", &secrets),
            "x ******** y ******** z"
        );
    }

    #[test]
    fn downtime_reads_in_units() {
        assert_eq!(downtime(61_500), "1m 2s");
        assert_eq!(downtime(-5), "0s");
    }
}
