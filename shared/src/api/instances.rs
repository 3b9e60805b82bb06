use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::events::InstanceState;
use super::machines::Protocol;

/// What `POST /v1/instances/{ref}/start|stop|restart` does to an instance; each has its own
/// route in [`super::endpoints`].
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum InstanceAction {
    Start,
    Stop,
    Restart,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceCreate {
    pub machine: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Kept volumes of the caller's to attach instead of new ones (`--volume-from`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_from: Vec<VolumeFrom>,
}

/// A kept volume for a new instance, and the declared path it fills (default: the path it was
/// made for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeFrom {
    pub volume: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// `POST /v1/instances/{ref}/recreate`: values for props, e.g. secret ones a lost instance's
/// container took with it; the others keep what the instance had.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceRecreate {
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortMapping {
    pub container_port: u16,
    pub host_port: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstanceVolume {
    /// The Docker volume's name.
    pub name: String,
    /// Where it is mounted in the container.
    pub path: String,
}

/// An instance as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub name: String,
    pub machine: String,
    /// The owner's email.
    pub owner: String,
    pub status: InstanceState,
    pub host: String,
    pub ports: Vec<PortMapping>,
    pub url: Option<String>,
    pub volumes: Vec<InstanceVolume>,
    /// The environment; values of secret props are replaced by `********`.
    pub env: BTreeMap<String, String>,
    pub container: Option<String>,
    pub exit_code: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// Set while the engine is unreachable: `status` is the last state rsrcd saw, not news.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub last_known: bool,
    /// Percent of the last 7 days' known time it was up; `None` when none is known.
    #[serde(default)]
    pub availability_7d: Option<f64>,
}

/// A volume that belongs to one of the caller's instances (or did).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Volume {
    pub name: String,
    pub instance_id: String,
    pub instance: String,
    pub owner: String,
    pub path: String,
    /// Whether the instance still exists.
    pub in_use: bool,
    /// Bytes, when Docker reports it.
    pub size: Option<i64>,
    pub created_at: String,
    /// The machine it was made for, when known (volumes kept before rsrc recorded it: none).
    #[serde(default)]
    pub machine: Option<String>,
}

/// A container carrying rsrc's labels with no instance in the registry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Orphan {
    pub container_id: String,
    pub container_name: String,
    pub instance_label: Option<String>,
    pub owner_label: Option<String>,
    pub state: String,
}
