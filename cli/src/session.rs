//! Login state of the client, one session per daemon socket.
//!
//! For each socket (by its canonical path) we remember which account is logged in and where its
//! token is: in the OS keyring (the kernel keyutils store) when that works, else in the session
//! file itself. The files live in `<config dir>/sessions/`, one per socket, named after the
//! escaped socket path (`/run/rsrc/rsrcd.sock` -> `_run_rsrc_rsrcd.sock.json`).
//!
//! - The config dir is `$RSRC_CONFIG_DIR`, else the platform's (`~/.config/rsrc`).
//! - Directories get mode 0700, files 0600; files are written atomically (temp file + rename),
//!   and a file that group or others can read, or that another user owns, is refused.
//! - `RSRC_TOKEN` overrides whatever is stored; `RSRC_NO_KEYRING=1` skips the keyring.
//!
//! A keyring entry is named after the session file (service `rsrc`), so two config dirs (two
//! people, or two test clients) never share a keyring entry even for the same socket.
//!
//! The keyring fails on headless servers (no session keyring: access denied) and loses its keys
//! on reboot, so every keyring error falls back to the file (see engineering-notes).

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const CONFIG_DIR_ENV: &str = "RSRC_CONFIG_DIR";
pub const NO_KEYRING_ENV: &str = "RSRC_NO_KEYRING";
const KEYRING_SERVICE: &str = "rsrc";

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no config directory for the login state")]
    NoConfigDir,
    #[error("session file {} is readable by other users", path.display())]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("session file {} belongs to another user", path.display())]
    WrongOwner { path: PathBuf },
    #[error("cannot read session file {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("session file {} is damaged", path.display())]
    Corrupt {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot write session file {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl SessionError {
    pub fn hint(&self) -> Option<String> {
        match self {
            SessionError::NoConfigDir => Some(format!(
                "set {CONFIG_DIR_ENV} to a directory for rsrc's login state"
            )),
            SessionError::TooOpen { path, .. } => Some(format!(
                "run `chmod 600 {}` (or remove it and log in again)",
                path.display()
            )),
            SessionError::WrongOwner { path } | SessionError::Corrupt { path, .. } => {
                Some(format!("remove {} and log in again", path.display()))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenLocation {
    Keyring,
    File,
}

/// What `<config>/sessions/<socket>.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub socket: String,
    pub email: String,
    pub token_in: TokenLocation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// Where a token in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Env,
    Keyring,
    File,
}

#[derive(Debug, Clone)]
pub struct ActiveToken {
    pub token: String,
    pub source: TokenSource,
    /// The account, when known from the session file.
    pub email: Option<String>,
}

/// The login state of one daemon socket.
pub struct Sessions {
    dir: Option<PathBuf>,
    socket_key: String,
    use_keyring: bool,
    debug: bool,
}

impl Sessions {
    pub fn new(socket: &Path, debug: bool) -> Self {
        let dir = std::env::var_os(CONFIG_DIR_ENV)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(rsrc_shared::paths::client_config_dir);
        let use_keyring = std::env::var_os(NO_KEYRING_ENV)
            .map(|v| v.is_empty() || v == "0")
            .unwrap_or(true);
        Sessions {
            dir,
            socket_key: canonical_socket(socket),
            use_keyring,
            debug,
        }
    }

    #[cfg(test)]
    fn in_dir(dir: &Path, socket: &Path) -> Self {
        Sessions {
            dir: Some(dir.to_path_buf()),
            socket_key: canonical_socket(socket),
            use_keyring: false,
            debug: false,
        }
    }

    /// The path of this socket's session file.
    pub fn file(&self) -> Result<PathBuf, SessionError> {
        let dir = self.dir.as_ref().ok_or(SessionError::NoConfigDir)?;
        Ok(dir
            .join("sessions")
            .join(format!("{}.json", file_stem(&self.socket_key))))
    }

    /// The keyring entry's user name: the session file's path.
    fn keyring_user(&self) -> Result<String, SessionError> {
        Ok(self.file()?.to_string_lossy().into_owned())
    }

    /// The session record, if one is stored. A file that is too open is an error, not `None`.
    pub fn load(&self) -> Result<Option<SessionRecord>, SessionError> {
        let path = match self.file() {
            Ok(p) => p,
            Err(SessionError::NoConfigDir) => return Ok(None),
            Err(e) => return Err(e),
        };
        read_record(&path)
    }

    /// The token to send: `RSRC_TOKEN`, else the stored one.
    pub fn active_token(&self) -> Result<Option<ActiveToken>, SessionError> {
        if let Some(token) = std::env::var(rsrc_shared::paths::TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty())
        {
            return Ok(Some(ActiveToken {
                token: token.trim().to_string(),
                source: TokenSource::Env,
                email: None,
            }));
        }
        let Some(record) = self.load()? else {
            return Ok(None);
        };
        match record.token_in {
            TokenLocation::File => Ok(record.token.clone().map(|token| ActiveToken {
                token,
                source: TokenSource::File,
                email: Some(record.email.clone()),
            })),
            TokenLocation::Keyring => match keyring_get(&self.keyring_user()?) {
                Ok(token) => Ok(Some(ActiveToken {
                    token,
                    source: TokenSource::Keyring,
                    email: Some(record.email),
                })),
                Err(e) => {
                    // Kernel keys vanish on reboot and are per login session: treat as logged out.
                    if self.debug {
                        eprintln!("debug: the token is not in the keyring any more: {e}");
                    }
                    Ok(None)
                }
            },
        }
    }

    /// Remembers a login: the token goes to the keyring if it takes it, else into the file.
    pub fn save(
        &self,
        email: &str,
        token: &str,
        expires_at: Option<&str>,
    ) -> Result<TokenLocation, SessionError> {
        let path = self.file()?;
        let keyring_user = self.keyring_user()?;
        let in_keyring = self.use_keyring && {
            match keyring_set(&keyring_user, token) {
                Ok(()) => true,
                Err(e) => {
                    if self.debug {
                        eprintln!("debug: keyring unavailable, using the session file: {e}");
                    }
                    false
                }
            }
        };
        let record = SessionRecord {
            socket: self.socket_key.clone(),
            email: email.to_string(),
            token_in: if in_keyring {
                TokenLocation::Keyring
            } else {
                TokenLocation::File
            },
            token: (!in_keyring).then(|| token.to_string()),
            expires_at: expires_at.map(str::to_string),
        };
        if let Err(e) = write_record(&path, &record) {
            if in_keyring {
                let _ = keyring_delete(&keyring_user);
            }
            return Err(e);
        }
        Ok(record.token_in)
    }

    /// Forgets the login of this socket (file and keyring entry). Missing state is fine.
    pub fn forget(&self) -> Result<(), SessionError> {
        let path = match self.file() {
            Ok(p) => p,
            Err(SessionError::NoConfigDir) => return Ok(()),
            Err(e) => return Err(e),
        };
        if self.use_keyring {
            let _ = keyring_delete(&path.to_string_lossy());
        }
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(SessionError::Write { path, source }),
        }
    }
}

/// The socket's canonical path when it exists, else the path made absolute.
pub fn canonical_socket(socket: &Path) -> String {
    let path = fs::canonicalize(socket).unwrap_or_else(|_| {
        if socket.is_absolute() {
            socket.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(socket))
                .unwrap_or_else(|_| socket.to_path_buf())
        }
    });
    path.to_string_lossy().into_owned()
}

/// A file name for a socket path: `/` becomes `_`; letters, digits, `.` and `-` stay; every other
/// byte (including `_`) becomes `%XX`, so that two sockets never share a file. Very long names
/// fall back to plain hex.
pub fn file_stem(socket: &str) -> String {
    let mut out = String::new();
    for b in socket.bytes() {
        match b {
            b'/' => out.push('_'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if out.len() > 200 || out.starts_with('.') {
        let hex: String = socket.bytes().map(|b| format!("{b:02x}")).collect();
        return format!("hex-{hex}");
    }
    out
}

/// Reads a session file, refusing one that others can read or that another user owns.
pub fn read_record(path: &Path) -> Result<Option<SessionRecord>, SessionError> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(SessionError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(SessionError::TooOpen {
            path: path.to_path_buf(),
            mode,
        });
    }
    if let Some(uid) = rsrc_shared::paths::effective_uid() {
        if meta.uid() != uid {
            return Err(SessionError::WrongOwner {
                path: path.to_path_buf(),
            });
        }
    }
    let text = fs::read_to_string(path).map_err(|source| SessionError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let record = serde_json::from_str(&text).map_err(|source| SessionError::Corrupt {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Some(record))
}

/// Writes a session file atomically with mode 0600, creating its directories with mode 0700.
pub fn write_record(path: &Path, record: &SessionRecord) -> Result<(), SessionError> {
    let err = |source: io::Error| SessionError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .ok_or_else(|| err(io::Error::other("no parent directory")))?;
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(err)?;
    // An existing directory keeps its mode with DirBuilder; tighten ours.
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(err)?;
    let json = serde_json::to_vec_pretty(record).map_err(|e| err(io::Error::other(e)))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(&json)?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

fn keyring_entry(user: &str) -> Result<keyring_core::Entry, keyring_core::Error> {
    let store = linux_keyutils_keyring_store::Store::new()?;
    let store: std::sync::Arc<keyring_core::CredentialStore> = store;
    keyring_core::Entry::new_in_store(&store, KEYRING_SERVICE, user)
}

fn keyring_set(user: &str, token: &str) -> Result<(), keyring_core::Error> {
    let entry = keyring_entry(user)?;
    entry.set_password(token)?;
    // Read it back: a store that accepts a key it cannot return is no store.
    match entry.get_password() {
        Ok(back) if back == token => Ok(()),
        Ok(_) => {
            let _ = entry.delete_credential();
            Err(keyring_core::Error::Invalid(
                "token".into(),
                "read back differently".into(),
            ))
        }
        Err(e) => {
            let _ = entry.delete_credential();
            Err(e)
        }
    }
}

fn keyring_get(user: &str) -> Result<String, keyring_core::Error> {
    keyring_entry(user)?.get_password()
}

fn keyring_delete(user: &str) -> Result<(), keyring_core::Error> {
    keyring_entry(user)?.delete_credential()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn record() -> SessionRecord {
        SessionRecord {
            socket: "/run/rsrc/rsrcd.sock".into(),
            email: "a@example.com".into(),
            token_in: TokenLocation::File,
            token: Some("tok".into()),
            expires_at: None,
        }
    }

    #[test]
    fn file_names_are_readable_and_distinct() {
        assert_eq!(file_stem("/run/rsrc/rsrcd.sock"), "_run_rsrc_rsrcd.sock");
        assert_ne!(file_stem("/a_b"), file_stem("/a/b"));
        assert_eq!(file_stem("/a b"), "_a%20b");
        assert!(file_stem(&"/x".repeat(200)).starts_with("hex-"));
    }

    #[test]
    fn written_files_are_private_and_round_trip() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("cfg").join("sessions").join("s.json");
        write_record(&path, &record()).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        assert_eq!(read_record(&path).unwrap(), Some(record()));
        // Overwrite is atomic and leaves no temp files.
        write_record(&path, &record()).unwrap();
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn refuses_files_others_can_read() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.json");
        write_record(&path, &record()).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = read_record(&path).unwrap_err();
        assert!(matches!(err, SessionError::TooOpen { mode: 0o644, .. }));
        assert!(err.hint().unwrap().contains("chmod 600"));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        assert!(read_record(&path).is_err());
    }

    #[test]
    fn missing_file_is_no_session() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read_record(&tmp.path().join("none.json")).unwrap(), None);
    }

    #[test]
    fn save_load_forget_without_keyring() {
        let tmp = tempfile::tempdir().unwrap();
        let sessions = Sessions::in_dir(tmp.path(), Path::new("/nonexistent/rsrcd.sock"));
        assert_eq!(sessions.load().unwrap(), None);
        let loc = sessions.save("a@example.com", "secret", None).unwrap();
        assert_eq!(loc, TokenLocation::File);
        let rec = sessions.load().unwrap().unwrap();
        assert_eq!(rec.email, "a@example.com");
        assert_eq!(rec.token.as_deref(), Some("secret"));
        assert!(sessions
            .file()
            .unwrap()
            .ends_with("sessions/_nonexistent_rsrcd.sock.json"));
        sessions.forget().unwrap();
        assert_eq!(sessions.load().unwrap(), None);
        sessions.forget().unwrap();
    }
}
