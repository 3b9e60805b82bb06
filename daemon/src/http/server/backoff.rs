//! Back-off for a failing `accept` (out of descriptors, say): the pending connection stays in
//! the backlog, so retrying at once fails again. Waits grow from 50 ms to 1 s, and a burst of
//! failures is logged once when it starts and summed up once when it ends (and once a minute
//! while it lasts), not once per failure: 864 identical lines helped nobody.

use std::time::{Duration, Instant};

const FIRST_DELAY: Duration = Duration::from_millis(50);
const MAX_DELAY: Duration = Duration::from_secs(1);
const REPORT_EVERY: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct AcceptBackoff {
    failures: u64,
    started: Option<Instant>,
    delay: Duration,
    reported: Option<Instant>,
    last_error: String,
}

/// What to do after a failed accept.
#[derive(Debug, PartialEq, Eq)]
pub struct Retry {
    pub wait: Duration,
    /// A line for the log, when one is due.
    pub log: Option<String>,
}

impl AcceptBackoff {
    pub fn failed(&mut self, now: Instant, error: &std::io::Error) -> Retry {
        self.failures += 1;
        self.last_error = error.to_string();
        let Some(started) = self.started else {
            self.started = Some(now);
            self.reported = Some(now);
            self.delay = FIRST_DELAY;
            return Retry {
                wait: self.delay,
                log: Some(format!(
                    "accept failed: {error}; retrying with back-off (up to {} between tries)",
                    humantime::format_duration(MAX_DELAY)
                )),
            };
        };
        self.delay = (self.delay * 2).min(MAX_DELAY);
        let due = self
            .reported
            .is_none_or(|at| now.duration_since(at) >= REPORT_EVERY);
        let log = due.then(|| {
            self.reported = Some(now);
            format!(
                "accept failed {} times in {}: {error}; still retrying",
                self.failures,
                round(now.duration_since(started))
            )
        });
        Retry {
            wait: self.delay,
            log,
        }
    }

    /// A connection was accepted: the burst, if any, is over; returns its summary.
    pub fn succeeded(&mut self, now: Instant) -> Option<String> {
        let started = self.started?;
        let line = format!(
            "accept failed {} times in {} (last: {}); accepting again",
            self.failures,
            round(now.duration_since(started)),
            self.last_error
        );
        *self = AcceptBackoff::default();
        Some(line)
    }
}

fn round(d: Duration) -> humantime::FormattedDuration {
    humantime::format_duration(Duration::from_millis(d.as_millis() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emfile() -> std::io::Error {
        std::io::Error::from_raw_os_error(24)
    }

    #[test]
    fn waits_double_up_to_a_second_and_a_burst_logs_once() {
        let mut b = AcceptBackoff::default();
        let t0 = Instant::now();
        let mut waits = Vec::new();
        let mut lines = Vec::new();
        let mut now = t0;
        for _ in 0..40 {
            let retry = b.failed(now, &emfile());
            now += retry.wait;
            waits.push(retry.wait.as_millis());
            lines.extend(retry.log);
        }
        assert_eq!(&waits[..6], &[50, 100, 200, 400, 800, 1000]);
        assert!(waits.iter().all(|w| *w <= 1000));
        // 40 failures over ~35 s: one line at the start, none per failure.
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("accept failed: "), "{lines:?}");
        let summary = b.succeeded(now).unwrap();
        assert!(
            summary.starts_with("accept failed 40 times in "),
            "{summary}"
        );
        assert!(summary.contains("accepting again"), "{summary}");
        // The next burst starts afresh; a success without failures says nothing.
        assert_eq!(b.succeeded(now), None);
        assert_eq!(b.failed(now, &emfile()).wait, FIRST_DELAY);
    }

    #[test]
    fn a_long_burst_is_reported_once_a_minute() {
        let mut b = AcceptBackoff::default();
        let mut now = Instant::now();
        let mut lines = 0;
        // 5 minutes of failures, 1 s apart.
        for _ in 0..300 {
            let retry = b.failed(now, &emfile());
            lines += usize::from(retry.log.is_some());
            now += retry.wait;
        }
        assert!((5..=6).contains(&lines), "{lines} lines");
    }
}
