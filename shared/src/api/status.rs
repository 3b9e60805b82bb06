//! `GET /v1/status`: the daemon, the caller's account, Docker's state and the caller's quota use,
//! for `rsrc status`.

use serde::{Deserialize, Serialize};

use super::{DockerInfo, Role};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub daemon: DaemonStatus,
    pub user: StatusUser,
    pub docker: DockerStatus,
    pub quota: Quota,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DaemonStatus {
    pub version: String,
    pub api_version: String,
}

/// The caller's account, as far as `rsrc status` shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub verified: bool,
}

/// Docker as the daemon last saw it (no call to Docker is made for a status request).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DockerStatus {
    pub reachable: bool,
    pub version: Option<String>,
    pub api_version: Option<String>,
    /// Why Docker is unreachable; the daemon keeps retrying.
    pub error: Option<String>,
}

impl From<DockerInfo> for DockerStatus {
    fn from(info: DockerInfo) -> Self {
        DockerStatus {
            reachable: info.connected,
            version: info.version,
            api_version: info.api_version,
            error: info.error,
        }
    }
}

/// Instances the caller holds, of the number allowed: overall (`[limits]
/// max_instances_per_user`) and per machine (its `max_per_user`). Instances being created or
/// removed count, as they do when a create checks the quota.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Quota {
    pub used: i64,
    pub allowed: i64,
    /// Every machine, by name.
    pub machines: Vec<MachineQuota>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MachineQuota {
    pub machine: String,
    pub used: i64,
    pub allowed: i64,
}
