//! An instance's uptime report (SPEC §5, §10).

use serde::{Deserialize, Serialize};

/// What an interval of the report was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UptimeState {
    Up,
    Down,
    /// Nobody watched (rsrcd was not running) or could watch (Docker was unreachable).
    Unknown,
}

/// Why an interval was what it was, for machines; `Interval::cause` says it for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UptimeReason {
    /// Started by its owner or an admin, or by rsrcd completing a create.
    Started,
    /// Started again by Docker after it went down on its own.
    RestartPolicy,
    /// Started by somebody outside rsrc (e.g. `docker start`).
    StartedOutside,
    /// Not started yet after its create.
    Creating,
    StoppedByOwner,
    StoppedByAdmin,
    /// `docker stop` or the like, by somebody outside rsrc.
    StoppedOutside,
    Crashed,
    Oom,
    Signal,
    Lost,
    /// Its container paused (`docker pause`): it answers nothing until unpaused.
    Paused,
    /// Up again after a pause (`docker unpause`).
    Unpaused,
    EngineUnavailable,
    DaemonNotRunning,
    /// Before the first entry the report has.
    NoHistory,
    /// A reason a newer rsrcd knows and this build does not.
    #[serde(other)]
    Unknown,
}

/// One interval of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UptimeInterval {
    pub state: UptimeState,
    /// RFC 3339.
    pub from: String,
    /// RFC 3339.
    pub to: String,
    /// For people, e.g. "crashed with exit code 3".
    pub cause: String,
    pub reason: UptimeReason,
    /// A down that the owner (or an admin) asked for: downtime, but no failure.
    #[serde(default)]
    pub planned: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i64>,
    pub seconds: f64,
}

/// `GET /v1/instances/{ref}/uptime?since=7d|RFC3339`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uptime {
    pub instance: String,
    pub name: String,
    /// RFC 3339: where the report's data starts (the period asked for, cut by the instance's
    /// creation and by the history's retention).
    pub since: String,
    /// RFC 3339: the end of the report (now).
    pub until: String,
    pub intervals: Vec<UptimeInterval>,
    /// Down time, planned or not.
    pub downtime_seconds: f64,
    /// Down time nobody asked for.
    pub unplanned_downtime_seconds: f64,
    /// Time of unknown state, left out of both availability figures.
    pub unknown_seconds: f64,
    /// Percent of the known time the instance was up; `None` when no time is known.
    pub availability: Option<f64>,
    /// Percent of the time its owner wanted it running that it was up.
    pub availability_wanted: Option<f64>,
    /// Said to people alongside the figures, e.g. why some time is unknown.
    #[serde(default)]
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CLI reads a report from a newer rsrcd whose intervals have reasons it does not know.
    #[test]
    fn a_reason_from_a_newer_rsrcd_reads_as_unknown() {
        let reason: UptimeReason = serde_json::from_str("\"unhealthy\"").unwrap();
        assert_eq!(reason, UptimeReason::Unknown);
        let paused: UptimeReason = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(paused, UptimeReason::Paused);
    }
}
