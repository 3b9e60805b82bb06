use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionInfo {
    pub daemon_version: String,
    pub api_version: String,
    pub docker: DockerInfo,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DockerInfo {
    /// Whether the daemon can talk to Docker right now.
    pub connected: bool,
    pub version: Option<String>,
    pub api_version: Option<String>,
    /// Why Docker is not connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
