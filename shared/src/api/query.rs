//! The query strings of the endpoints in [`super::endpoints`], as structs both ends share: the
//! CLI serializes them (a flag that is off and a value that is `None` are left out), the daemon
//! decodes them with the messages below, which name the offending key.

use std::time::Duration;

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};

use super::feed::MachineSort;

/// Longest `POST /v1/instances/{ref}/wait`; more waits this long.
pub const MAX_WAIT: Duration = Duration::from_secs(24 * 3600);
/// A wait without `?timeout`.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// No query parameters (any that are sent are ignored, as unknown keys are).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct NoQuery {}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `?key`, `?key=true` and `?key=1` are true; `?key=false` and `?key=0` false; anything else is
/// an error naming the key.
fn flag<'de, D: Deserializer<'de>>(key: &str, d: D) -> Result<bool, D::Error> {
    let value = String::deserialize(d)?;
    match value.as_str() {
        "" | "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(D::Error::custom(format!(
            "query parameter `{key}` must be true or false, not `{other}`"
        ))),
    }
}

/// One `deserialize_with` function per flag, `#[serde(default, deserialize_with =
/// "flag::force")]`: serde does not tell a field's deserializer the field's name, and the error
/// must name it.
pub mod flag {
    use serde::de::Deserializer;

    macro_rules! flags {
        ($($key:ident)*) => {$(
            pub fn $key<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
                super::flag(stringify!($key), d)
            }
        )*};
    }

    flags!(all bare dry_run follow force reveal size volumes);
}

/// `?all`: everyone's, for admins (`GET /v1/instances`, `GET /v1/volumes`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AllQuery {
    #[serde(
        default,
        deserialize_with = "flag::all",
        skip_serializing_if = "is_false"
    )]
    pub all: bool,
}

/// `?reveal` of `GET /v1/instances/{ref}`: the values of the instance's secret props, read from
/// its container. Only for the instance's owner; anyone else (admins too) is refused.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ShowQuery {
    #[serde(
        default,
        deserialize_with = "flag::reveal",
        skip_serializing_if = "is_false"
    )]
    pub reveal: bool,
}

/// `?all&size` of `GET /v1/volumes`: everyone's (admins), and with sizes, which the engine
/// computes by walking every volume's files (`docker system df`), so only on request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VolumesQuery {
    #[serde(
        default,
        deserialize_with = "flag::all",
        skip_serializing_if = "is_false"
    )]
    pub all: bool,
    #[serde(
        default,
        deserialize_with = "flag::size",
        skip_serializing_if = "is_false"
    )]
    pub size: bool,
}

/// `?volumes&force` of `DELETE /v1/instances/{ref}`: with its volumes; when `force` (admins),
/// also while the engine is away or refuses.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InstanceRemoveQuery {
    #[serde(
        default,
        deserialize_with = "flag::volumes",
        skip_serializing_if = "is_false"
    )]
    pub volumes: bool,
    #[serde(
        default,
        deserialize_with = "flag::force",
        skip_serializing_if = "is_false"
    )]
    pub force: bool,
}

/// `?follow&tail=N|all&since=UNIX&until=UNIX&bare`; the whole log by default, as `docker logs`.
/// Times are Unix nanoseconds, sent as `SECS.NANOS`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LogsQuery {
    #[serde(
        default,
        deserialize_with = "flag::follow",
        skip_serializing_if = "is_false"
    )]
    pub follow: bool,
    #[serde(
        default,
        deserialize_with = "tail",
        skip_serializing_if = "Option::is_none"
    )]
    pub tail: Option<usize>,
    #[serde(
        default,
        deserialize_with = "since",
        serialize_with = "unix_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub since: Option<i128>,
    #[serde(
        default,
        deserialize_with = "until",
        serialize_with = "unix_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub until: Option<i128>,
    /// We need no timestamps; the daemon may leave them out (and say so per frame).
    #[serde(
        default,
        deserialize_with = "flag::bare",
        skip_serializing_if = "is_false"
    )]
    pub bare: bool,
}

fn tail<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let text = String::deserialize(d)?;
    if text == "all" {
        return Ok(None);
    }
    text.parse::<usize>()
        .map(Some)
        .map_err(|_| D::Error::custom("tail must be a whole number or `all`"))
}

fn parse_time<'de, D: Deserializer<'de>>(d: D, name: &str) -> Result<Option<i128>, D::Error> {
    super::logs::parse_unix(&String::deserialize(d)?)
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{name} must be Unix seconds (SECS[.FRACTION])")))
}

fn since<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i128>, D::Error> {
    parse_time(d, "since")
}

fn until<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i128>, D::Error> {
    parse_time(d, "until")
}

fn unix_time<S: Serializer>(time: &Option<i128>, s: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(t) => s.serialize_str(&super::logs::format_unix(*t)),
        None => s.serialize_none(),
    }
}

/// `?timeout=SECS` of a wait; more than [`MAX_WAIT`] waits that long.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaitQuery {
    #[serde(
        default = "default_wait",
        deserialize_with = "wait_timeout",
        serialize_with = "whole_seconds"
    )]
    pub timeout: Duration,
}

impl Default for WaitQuery {
    fn default() -> Self {
        WaitQuery {
            timeout: DEFAULT_WAIT,
        }
    }
}

fn default_wait() -> Duration {
    DEFAULT_WAIT
}

fn wait_timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let secs = String::deserialize(d)?
        .parse::<u64>()
        .map_err(|_| D::Error::custom("timeout must be a whole number of seconds"))?;
    Ok(Duration::from_secs(secs).min(MAX_WAIT))
}

fn whole_seconds<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// `?dry_run`: check and preview, change nothing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DryRunQuery {
    #[serde(
        default,
        deserialize_with = "flag::dry_run",
        skip_serializing_if = "is_false"
    )]
    pub dry_run: bool,
}

/// `?force` of `DELETE /v1/machines/{name}`: remove the machine's instances too.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ForceQuery {
    #[serde(
        default,
        deserialize_with = "flag::force",
        skip_serializing_if = "is_false"
    )]
    pub force: bool,
}

/// `?sort=name|rating|likes|instances`; by name when left out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MachineListQuery {
    #[serde(default, deserialize_with = "sort", skip_serializing_if = "by_name")]
    pub sort: MachineSort,
}

fn by_name(sort: &MachineSort) -> bool {
    *sort == MachineSort::Name
}

fn sort<'de, D: Deserializer<'de>>(d: D) -> Result<MachineSort, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(|_| {
        D::Error::custom(format!(
            "sort: must be name, rating, likes or instances, not `{text}`"
        ))
    })
}

/// `?limit=N&before=ID&after=ID` of a machine's comments, read as text so that the daemon can
/// name a bad value in its error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CommentsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// `?since&until&instance&all&follow&after` of `GET /v1/events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EventsQuery {
    /// Only events with a larger id: where a reconnecting follower goes on from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(
        default,
        deserialize_with = "flag::all",
        skip_serializing_if = "is_false"
    )]
    pub all: bool,
    #[serde(
        default,
        deserialize_with = "flag::follow",
        skip_serializing_if = "is_false"
    )]
    pub follow: bool,
}

/// `?since=7d` of an instance's uptime.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UptimeQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// `query` as `?a=1&b=x` (empty when every field is left out), in field order, each value
/// percent-encoded as a path segment is.
pub fn encode<Q: Serialize>(query: &Q) -> Result<String, String> {
    let form = serde_urlencoded::to_string(query).map_err(|e| e.to_string())?;
    if form.is_empty() {
        return Ok(form);
    }
    // Form encoding writes a space as `+`; `%20` reads the same to the daemon and to anyone
    // reading a `--debug` line.
    Ok(format!("?{}", form.replace('+', "%20")))
}
