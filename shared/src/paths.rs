//! Where the client and the daemon meet: the socket paths both must agree on. `rsrcd` runs either
//! as the system daemon (as root) or per user; the client looks for the per-user daemon first and
//! falls back to the system one. The daemon's own defaults are in the daemon's `config::paths`.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

pub const SYSTEM_SOCKET: &str = "/run/rsrc/rsrcd.sock";
pub const SOCKET_ENV: &str = "RSRC_SOCKET";
pub const TOKEN_ENV: &str = "RSRC_TOKEN";

/// The effective uid of this process, read without libc: `/proc/self` is owned by it.
pub fn effective_uid() -> Option<u32> {
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

pub fn running_as_root() -> bool {
    effective_uid() == Some(0)
}

pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "rsrc")
}

/// The socket of a per-user daemon: `$XDG_RUNTIME_DIR/rsrc/rsrcd.sock`, or, where that variable
/// is unset (servers, CI, cron), `/tmp/rsrc-<uid>/rsrcd.sock`.
pub fn user_socket() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("rsrc").join("rsrcd.sock");
    }
    let uid = effective_uid().unwrap_or(0);
    PathBuf::from(format!("/tmp/rsrc-{uid}")).join("rsrcd.sock")
}

/// The socket the client tries when neither `--socket` nor `RSRC_SOCKET` is given: a per-user
/// daemon if one has a socket, else the system daemon.
pub fn client_default_socket() -> PathBuf {
    if !running_as_root() {
        let user = user_socket();
        if owned_by_me(&user) && user.parent().is_some_and(owned_by_me) {
            return user;
        }
    }
    PathBuf::from(SYSTEM_SOCKET)
}

/// Whether `path` exists and belongs to this process's user. A per-user socket that someone
/// else made (under /tmp, say) is not ours to send a password to.
fn owned_by_me(path: &std::path::Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| Some(m.uid()) == effective_uid())
}

/// Where the client keeps its per-socket login state.
pub fn client_config_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().to_path_buf())
}
