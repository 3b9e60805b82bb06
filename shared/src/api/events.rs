//! Instance history: what happened to an instance, why, and the state it left it in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What an entry of the history records.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EventKind {
    Created,
    Started,
    Stopped,
    Died,
    Oom,
    Killed,
    Lost,
    Removed,
    /// The engine became unreachable: the instance's state is unknown from here on.
    EngineDown,
    /// The engine is reachable again (after what happened meanwhile was recorded).
    EngineUp,
    /// The container was made again from the machine's current definition (`detail` names the
    /// revision); the start that follows is its own entry.
    Recreated,
    /// Its container was paused (`docker pause`): down, as it answers nothing.
    Paused,
    /// Its paused container was unpaused: up again.
    Unpaused,
    /// A kind this build does not know (from a newer daemon).
    #[serde(other)]
    Unknown,
}

/// Who or what caused an entry: rsrc's own actions are `user` (the owner) or `admin`; the rest
/// were seen happen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cause {
    /// The instance's owner, through rsrc.
    User,
    /// An admin acting on another user's instance, through rsrc.
    Admin,
    /// Docker's event stream reported it, and nobody here asked for it.
    Docker,
    /// rsrcd itself, e.g. while it completed a create.
    Daemon,
    /// Found by reconciliation, e.g. after rsrcd or Docker was away.
    Reconcile,
    /// The container exited on its own.
    Crash,
    /// The kernel's OOM killer.
    Oom,
    /// The container engine (Docker) was unreachable.
    Engine,
    /// A kill with this signal that nobody here asked for (`docker kill`).
    Killed { signal: String },
    /// The old container's stop in a recreate: planned, and followed by the new one's start.
    Recreate,
}

/// The state of an instance, as `instance ls` shows it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum InstanceState {
    /// Journalled, the container being made.
    Creating,
    /// Made, its first state not seen yet.
    Created,
    Running,
    /// Down because its owner or an admin stopped it.
    Stopped,
    /// Down although it should run.
    Exited,
    /// Its container is gone.
    Lost,
    /// Being removed.
    Removing,
    /// Its container being made again (`rsrc instance recreate`).
    Recreating,
    /// Its container is paused (`docker pause`): running, but it answers nothing.
    Paused,
    /// Removed: only in the answer to a removal (`rsrc --json instance rm`), never stored.
    Removed,
    /// A state this build does not know (from a newer daemon).
    #[serde(other)]
    Unknown,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl InstanceState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Creating, recreating and removing: a request (or the repair after a crash) is at work.
    pub fn is_transitional(self) -> bool {
        matches!(
            self,
            InstanceState::Creating | InstanceState::Removing | InstanceState::Recreating
        )
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::User => f.write_str("user"),
            Cause::Admin => f.write_str("admin"),
            Cause::Docker => f.write_str("docker"),
            Cause::Daemon => f.write_str("daemon"),
            Cause::Reconcile => f.write_str("reconcile"),
            Cause::Crash => f.write_str("crash"),
            Cause::Oom => f.write_str("oom"),
            Cause::Engine => f.write_str("engine"),
            Cause::Recreate => f.write_str("recreate"),
            Cause::Killed { signal } => write!(f, "killed (signal {signal})"),
        }
    }
}

impl FromStr for Cause {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "user" => Cause::User,
            "admin" => Cause::Admin,
            "docker" => Cause::Docker,
            "daemon" => Cause::Daemon,
            "reconcile" => Cause::Reconcile,
            "crash" => Cause::Crash,
            "oom" => Cause::Oom,
            "engine" => Cause::Engine,
            "recreate" => Cause::Recreate,
            other => {
                let signal = other
                    .strip_prefix("killed (signal ")
                    .and_then(|rest| rest.strip_suffix(')'))
                    .ok_or_else(|| format!("unknown cause `{other}`"))?;
                Cause::Killed {
                    signal: signal.to_string(),
                }
            }
        })
    }
}

impl Serialize for Cause {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cause {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One entry of an instance's history (SPEC §10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    /// The instance's id.
    pub instance: String,
    /// The instance's name, also after it was removed; empty when it is not known (an instance
    /// removed before rsrcd kept names). Added in issue 19: absent from older daemons.
    #[serde(default)]
    pub name: String,
    /// The owner's email.
    pub owner: String,
    pub kind: EventKind,
    pub cause: Cause,
    /// Whether the instance was up after this entry.
    pub up: bool,
    /// Always present (null when there is none), as SPEC §10 lists it.
    #[serde(default)]
    pub exit_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_states_round_trip_through_their_names() {
        use strum::IntoEnumIterator;
        for k in EventKind::iter().filter(|k| *k != EventKind::Unknown) {
            assert_eq!(k.as_str().parse::<EventKind>(), Ok(k));
            let wire = serde_json::to_value(k).unwrap();
            assert_eq!(wire.as_str(), Some(k.as_str()));
        }
        for s in InstanceState::iter().filter(|s| *s != InstanceState::Unknown) {
            assert_eq!(s.as_str().parse::<InstanceState>(), Ok(s));
            let wire = serde_json::to_value(s).unwrap();
            assert_eq!(wire.as_str(), Some(s.as_str()));
        }
        assert!("bogus".parse::<InstanceState>().is_err());
        assert_eq!(
            "unknown".parse::<InstanceState>(),
            Ok(InstanceState::Unknown)
        );
        assert_eq!(
            serde_json::from_str::<InstanceState>("\"hibernating\"").unwrap(),
            InstanceState::Unknown
        );
        assert_eq!(
            serde_json::from_str::<EventKind>("\"hibernated\"").unwrap(),
            EventKind::Unknown
        );
        assert_eq!(EventKind::EngineDown.to_string(), "engine_down");
    }

    #[test]
    fn causes_keep_the_signal() {
        let c = Cause::Killed { signal: "9".into() };
        assert_eq!(c.to_string(), "killed (signal 9)");
        assert_eq!("killed (signal 9)".parse::<Cause>(), Ok(c));
        for plain in [
            "user",
            "admin",
            "docker",
            "daemon",
            "reconcile",
            "crash",
            "oom",
            "recreate",
        ] {
            assert_eq!(
                plain.parse::<Cause>().map(|c| c.to_string()).as_deref(),
                Ok(plain)
            );
        }
        assert!("killed".parse::<Cause>().is_err());
        assert_eq!(serde_json::to_string(&Cause::User).unwrap(), "\"user\"");
    }
}
