use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// `tcp` or `udp`, as serde spells them.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// A container port a machine exposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachinePort {
    pub port: u16,
    #[serde(default = "default_protocol")]
    pub protocol: Protocol,
}

fn default_protocol() -> Protocol {
    Protocol::Tcp
}

/// The rule for one environment variable of an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prop {
    pub name: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Secret values are never printed back.
    #[serde(default)]
    pub secret: bool,
    /// Whether an empty value counts as given; without it an empty value of a required prop
    /// is refused, as it is almost always a slip (`--env PASSWORD=`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_empty: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Like `256m` or `1g`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pids: Option<i64>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RestartPolicy {
    No,
    OnFailure,
    #[default]
    UnlessStopped,
}

impl RestartPolicy {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// `no`, `on-failure` or `unless-stopped`, as serde spells them.
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// One resource limit of a machine's `ulimits`: -1 is unlimited. A file may give one number
/// for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ulimit {
    pub soft: i64,
    pub hard: i64,
}

fn default_max_per_user() -> i64 {
    1
}

fn is_true(b: &bool) -> bool {
    *b
}

fn default_true() -> bool {
    true
}

/// Everything an admin says about a machine. It is both the body of `POST /v1/machines` and
/// `PUT /v1/machines/{name}` and one `[[machine]]` table of a `machine apply` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub image: String,
    pub ports: Vec<MachinePort>,
    #[serde(default)]
    pub props: Vec<Prop>,
    /// The container's command as an argument vector (no shell); a file or body may give one
    /// string instead, split like a POSIX shell would.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::limits::command_serde::deserialize"
    )]
    pub command: Option<Vec<String>>,
    #[serde(default)]
    pub volumes: Vec<String>,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default = "default_max_per_user")]
    pub max_per_user: i64,
    #[serde(default = "default_true")]
    pub active: bool,
    /// e.g. `redis://{host}:{port}`; rendered per instance as its `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<String>,
    #[serde(default)]
    pub restart: RestartPolicy,
    /// The size of `/dev/shm`, like `1g` (Docker's default is 64m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shm_size: Option<String>,
    /// The user the container runs as: `NAME`, `UID`, `NAME:GROUP` or `UID:GID`; none: the
    /// image's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The container's entrypoint, given like `command`; none: the image's. An empty list
    /// clears the image's, so `command` runs on its own (`docker run --entrypoint ''`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::limits::command_serde::deserialize"
    )]
    pub entrypoint: Option<Vec<String>>,
    /// Resource limits by Docker's names (`nofile`, `nproc`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ulimits: BTreeMap<String, Ulimit>,
    /// tmpfs mounts: container path → mount options (like `size=64m,mode=1777`, or empty).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::options::serde_forms::tmpfs"
    )]
    pub tmpfs: BTreeMap<String, String>,
    /// The signal that stops the container (`SIGINT`); unset: the image's STOPSIGNAL, else
    /// SIGTERM. `rm`, `recreate`, `stop` and `docker stop` send it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    /// How long a stop waits after the stop signal before it kills (`30s`); unset: 10 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_timeout: Option<String>,
    /// Whether its instances' owners may run commands in them (`rsrc exec`); an admin may
    /// switch it off.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub exec: bool,
}

/// A partial change of a machine: absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<MachinePort>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub props: Option<Vec<Prop>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::limits::command_serde::deserialize"
    )]
    pub command: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_user: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shm_size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::limits::command_serde::deserialize"
    )]
    pub entrypoint: Option<Vec<String>>,
    /// Replaces all of the machine's ulimits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ulimits: Option<BTreeMap<String, Ulimit>>,
    /// Replaces all of the machine's tmpfs mounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tmpfs: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<bool>,
}

/// A machine as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    pub name: String,
    pub description: String,
    pub image: String,
    pub ports: Vec<MachinePort>,
    pub props: Vec<Prop>,
    pub command: Option<Vec<String>>,
    pub volumes: Vec<String>,
    pub limits: Limits,
    pub max_per_user: i64,
    pub active: bool,
    pub connect: Option<String>,
    pub restart: RestartPolicy,
    #[serde(default)]
    pub shm_size: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    #[serde(default)]
    pub ulimits: BTreeMap<String, Ulimit>,
    #[serde(default)]
    pub tmpfs: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_timeout: Option<String>,
    /// Whether `rsrc exec` may run commands in its instances.
    #[serde(default = "default_true")]
    pub exec: bool,
    /// How many instances of it the caller has (an admin: all users' instances).
    pub instances: i64,
    pub likes: i64,
    pub dislikes: i64,
    /// Average rating 1–5, `null` before the first one.
    pub rating: Option<f64>,
    /// How many ratings and comments it has.
    #[serde(default)]
    pub ratings: i64,
    #[serde(default)]
    pub comments: i64,
    /// The caller's own vote and rating.
    #[serde(default)]
    pub my_vote: Option<crate::api::Vote>,
    #[serde(default)]
    pub my_rating: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// Bumped by every update or apply that changes the definition.
    #[serde(default)]
    pub revision: i64,
    /// Of `instances`, how many run an older revision (`rsrc instance recreate` updates them).
    #[serde(default)]
    pub instances_outdated: i64,
}

/// The answer to `PUT /v1/machines/{name}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApplyResult {
    /// `created`, `updated` or `unchanged`.
    pub action: String,
    pub machine: Machine,
}

/// A file for `rsrc machine apply -f`: one or more `[[machine]]` tables.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineFile {
    pub machine: Vec<MachineSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImagePull {
    pub image: String,
}

/// One line of the NDJSON stream of `POST /v1/images/pull`. The last line has `done` set, or
/// `error` when the pull failed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PullProgress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    #[serde(default)]
    pub done: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::ErrorDetail>,
}
