//! The daemon's default locations: as root the system paths, else the user's XDG directories.
//! The socket both sides look for is in `rsrc_shared::paths`.

use std::path::PathBuf;

use rsrc_shared::paths::{project_dirs, running_as_root, user_socket, SYSTEM_SOCKET};

pub const SYSTEM_DATA_DIR: &str = "/var/lib/rsrc";
pub const SYSTEM_CONFIG: &str = "/etc/rsrc/rsrcd.toml";
pub const DATA_DIR_ENV: &str = "RSRC_DATA_DIR";

/// The socket the daemon listens on when neither the config nor a flag says otherwise.
pub fn default_socket() -> PathBuf {
    if running_as_root() {
        PathBuf::from(SYSTEM_SOCKET)
    } else {
        user_socket()
    }
}

pub fn default_data_dir() -> PathBuf {
    if running_as_root() {
        return PathBuf::from(SYSTEM_DATA_DIR);
    }
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".rsrc"))
}

pub fn default_config() -> PathBuf {
    if running_as_root() {
        return PathBuf::from(SYSTEM_CONFIG);
    }
    project_dirs()
        .map(|d| d.config_dir().join("rsrcd.toml"))
        .unwrap_or_else(|| PathBuf::from(SYSTEM_CONFIG))
}
