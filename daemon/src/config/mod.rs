//! Daemon configuration: documented defaults, then the TOML file, then `RSRC_*` variables, then
//! flags. An unknown key or a bad value is an error that names the key.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub mod doc;
mod limits;
pub mod network;
pub mod paths;

pub use limits::LimitsConfig;
pub use network::{NetworkConfig, Subnet};

/// The daemon's settings, checked and typed at load: no request can fail on configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub socket: PathBuf,
    /// Written in octal, e.g. "0660".
    pub socket_mode: u32,
    /// The group allowed to connect; `None` leaves the socket's group alone.
    pub socket_group: Option<String>,
    /// The host name users are told to connect to.
    pub advertise_host: String,
    /// Where published container ports bind on the host.
    pub bind_address: IpAddr,
    pub port_range: PortRange,
    /// How long a freed host port is kept from new instances while others are free.
    pub port_quarantine: std::time::Duration,
    /// e.g. `unix:///var/run/docker.sock`; unset uses DOCKER_HOST or the platform default.
    pub docker_host: Option<String>,
    pub session_ttl_days: u32,
    pub smtp: Option<SmtpConfig>,
    pub limits: LimitsConfig,
    pub connections: ConnectionsConfig,
    pub sms: Option<crate::domain::notify::sms::SmsConfig>,
    pub alerts: AlertsConfig,
    pub history: HistoryConfig,
    /// Where users' networks take their subnets from.
    pub network: NetworkConfig,
}

/// `[alerts]`: how alerts about instances that went down are paced.
#[derive(Debug, Clone)]
pub struct AlertsConfig {
    /// At most one alert per instance within this window; the next one sums up.
    pub window: std::time::Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct FileAlerts {
    window: String,
}

impl Default for FileAlerts {
    fn default() -> Self {
        FileAlerts {
            window: "15m".into(),
        }
    }
}

/// Host ports handed to instances, `low..=high`; written "LOW-HIGH".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub low: u16,
    pub high: u16,
}

impl PortRange {
    fn parse(s: &str) -> Option<PortRange> {
        let (low, high) = s.split_once('-')?;
        let low: u16 = low.trim().parse().ok()?;
        let high: u16 = high.trim().parse().ok()?;
        (low != 0 && low <= high).then_some(PortRange { low, high })
    }
}

/// The config file as written: text where `Config` has typed values. Its `Default` holds the
/// documented defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct FileConfig {
    data_dir: PathBuf,
    socket: PathBuf,
    socket_mode: String,
    socket_group: Option<String>,
    advertise_host: String,
    bind_address: String,
    port_range: String,
    port_quarantine: String,
    docker_host: Option<String>,
    session_ttl_days: u32,
    smtp: Option<SmtpConfig>,
    limits: LimitsConfig,
    connections: ConnectionsConfig,
    sms: Option<crate::domain::notify::sms::FileSms>,
    alerts: FileAlerts,
    history: HistoryConfig,
    network: network::FileNetwork,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    pub from: String,
    #[serde(default)]
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The password from a file instead (a systemd credential, say); read at load.
    #[serde(default)]
    pub password_file: Option<PathBuf>,
}

/// Written by hand so that the password never reaches a log through `{:?}`.
impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .field("password_file", &self.password_file)
            .finish()
    }
}

fn default_smtp_port() -> u16 {
    25
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    #[default]
    None,
    Starttls,
    Tls,
}

/// `[history]`: how long instance history is kept (uptime reports reach back that far).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HistoryConfig {
    pub keep_days: u32,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig { keep_days: 90 }
    }
}

impl HistoryConfig {
    /// Entries older than this many milliseconds go.
    pub fn keep_ms(&self) -> i64 {
        i64::from(self.keep_days) * 86_400_000
    }
}

/// Connections to the API socket: caps and deadlines, so that no client can make the daemon
/// unreachable by holding connections open.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectionsConfig {
    /// Connections held at once, all peers together (a small reserve beyond it stays open to
    /// users holding few connections, root and the daemon's own uid).
    pub max_total: usize,
    /// Connections held at once from one peer uid.
    pub max_per_uid: usize,
    /// A connection that sends no request head for this long is closed: before its first
    /// request, while a head is arriving, and between requests on a kept-alive connection.
    pub idle_timeout_secs: u64,
    /// A request's body must arrive in full within this long after its head.
    pub body_timeout_secs: u64,
}

/// The longest body deadline allowed: bodies are at most 1 MiB of JSON.
const MAX_BODY_TIMEOUT_SECS: u64 = 30;

impl Default for ConnectionsConfig {
    fn default() -> Self {
        ConnectionsConfig {
            max_total: 1024,
            max_per_uid: 128,
            idle_timeout_secs: 10,
            body_timeout_secs: MAX_BODY_TIMEOUT_SECS,
        }
    }
}

impl ConnectionsConfig {
    pub fn idle_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.idle_timeout_secs)
    }

    pub fn body_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.body_timeout_secs)
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.max_total == 0 {
            return Err(value_err("connections.max_total", "must be at least 1"));
        }
        if self.max_per_uid == 0 || self.max_per_uid > self.max_total {
            return Err(value_err(
                "connections.max_per_uid",
                "must be at least 1 and at most connections.max_total",
            ));
        }
        if !(1..=3600).contains(&self.idle_timeout_secs) {
            return Err(value_err(
                "connections.idle_timeout_secs",
                "must be between 1 and 3600",
            ));
        }
        if !(1..=MAX_BODY_TIMEOUT_SECS).contains(&self.body_timeout_secs) {
            return Err(value_err(
                "connections.body_timeout_secs",
                "must be between 1 and 30",
            ));
        }
        Ok(())
    }
}

impl Default for FileConfig {
    fn default() -> Self {
        let socket_group = nix::unistd::Group::from_name("rsrc")
            .ok()
            .flatten()
            .map(|_| "rsrc".to_string());
        FileConfig {
            data_dir: paths::default_data_dir(),
            socket: paths::default_socket(),
            socket_mode: "0660".into(),
            socket_group,
            advertise_host: default_advertise_host(),
            bind_address: "0.0.0.0".into(),
            port_range: "20000-29999".into(),
            port_quarantine: "10m".into(),
            docker_host: None,
            session_ttl_days: 30,
            smtp: None,
            limits: LimitsConfig::default(),
            connections: ConnectionsConfig::default(),
            sms: None,
            alerts: FileAlerts::default(),
            history: HistoryConfig::default(),
            network: network::FileNetwork::default(),
        }
    }
}

fn default_advertise_host() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// What the command line says; each field overrides the file and the environment.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub socket: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("config key `{key}`: {message}")]
    Value { key: &'static str, message: String },
}

impl Config {
    /// Loads the configuration. A file named with `--config` must exist; the default file is
    /// optional.
    pub fn load(overrides: &Overrides) -> Result<Config, ConfigError> {
        let (path, required) = match &overrides.config {
            Some(p) => (p.clone(), true),
            None => (paths::default_config(), false),
        };
        let mut file = match std::fs::read_to_string(&path) {
            Ok(text) => FileConfig::from_toml(&text).map_err(|message| ConfigError::Parse {
                path: path.clone(),
                message,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                FileConfig::default()
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        if let Some(dir) = env_path(paths::DATA_DIR_ENV) {
            file.data_dir = dir;
        }
        if let Some(socket) = env_path(rsrc_shared::paths::SOCKET_ENV) {
            file.socket = socket;
        }
        if let Some(dir) = &overrides.data_dir {
            file.data_dir = dir.clone();
        }
        if let Some(socket) = &overrides.socket {
            file.socket = socket.clone();
        }
        file.check()
    }

    /// A configuration from TOML text alone (no environment, no flags), checked like a file.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        FileConfig::from_toml(text)?
            .check()
            .map_err(|e| e.to_string())
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("rsrc.db")
    }

    pub fn session_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.session_ttl_days) * 86_400)
    }
}

impl FileConfig {
    fn from_toml(text: &str) -> Result<FileConfig, String> {
        toml::from_str(text).map_err(|e| describe_toml_error(text, &e))
    }

    /// Checks every value and types it; the first bad one is the error, naming its key.
    fn check(self) -> Result<Config, ConfigError> {
        let socket_mode = u32::from_str_radix(self.socket_mode.trim_start_matches("0o"), 8)
            .ok()
            .filter(|m| *m <= 0o777)
            .ok_or_else(|| value_err("socket_mode", "must be an octal mode like \"0660\""))?;
        let port_range = PortRange::parse(&self.port_range).ok_or_else(|| {
            value_err(
                "port_range",
                "must be \"LOW-HIGH\" with 1 <= LOW <= HIGH <= 65535",
            )
        })?;
        let port_quarantine =
            humantime::parse_duration(self.port_quarantine.trim()).map_err(|_| {
                value_err(
                    "port_quarantine",
                    "must be a duration like \"10m\" or \"0s\"",
                )
            })?;
        let bind_address = self
            .bind_address
            .parse()
            .map_err(|_| value_err("bind_address", "must be an IP address like 0.0.0.0"))?;
        if self.data_dir.as_os_str().is_empty() {
            return Err(value_err("data_dir", "must not be empty"));
        }
        if self.socket.as_os_str().is_empty() {
            return Err(value_err("socket", "must not be empty"));
        }
        if self.advertise_host.trim().is_empty() {
            return Err(value_err("advertise_host", "must not be empty"));
        }
        if self.session_ttl_days == 0 {
            return Err(value_err("session_ttl_days", "must be at least 1"));
        }
        if self.limits.max_instances_per_user < 1 {
            return Err(value_err(
                "limits.max_instances_per_user",
                "must be at least 1",
            ));
        }
        if self.limits.max_volumes_per_user < 1 {
            return Err(value_err(
                "limits.max_volumes_per_user",
                "must be at least 1",
            ));
        }
        for (key, value) in [
            (
                "limits.sms_codes_per_number",
                self.limits.sms_codes_per_number,
            ),
            (
                "limits.sms_codes_per_caller",
                self.limits.sms_codes_per_caller,
            ),
            ("limits.sms_window_hours", self.limits.sms_window_hours),
            (
                "limits.mails_per_recipient",
                self.limits.mails_per_recipient,
            ),
            ("limits.mails_per_caller", self.limits.mails_per_caller),
            ("limits.mail_window_hours", self.limits.mail_window_hours),
            ("limits.comments_per_hour", self.limits.comments_per_hour),
            ("limits.votes_per_hour", self.limits.votes_per_hour),
        ] {
            if value < 1 {
                return Err(value_err(key, "must be at least 1"));
            }
        }
        if self.limits.log_reads_per_user == Some(0) {
            return Err(value_err("limits.log_reads_per_user", "must be at least 1"));
        }
        self.connections.check()?;
        if !(1..=36_500).contains(&self.history.keep_days) {
            return Err(value_err(
                "history.keep_days",
                "must be a whole number of days from 1 to 36500",
            ));
        }
        let mut smtp = self.smtp;
        if let Some(smtp) = &mut smtp {
            if let Some(path) = smtp.password_file.take() {
                if smtp.password.is_some() {
                    return Err(value_err(
                        "smtp.password_file",
                        "give smtp.password or smtp.password_file, not both",
                    ));
                }
                let password =
                    read_secret(&path).map_err(|m| value_err("smtp.password_file", &m))?;
                smtp.password = Some(password);
            }
            if smtp.host.trim().is_empty() {
                return Err(value_err("smtp.host", "must not be empty"));
            }
            if smtp.from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(value_err(
                    "smtp.from",
                    "must be a mail address like `rsrc <rsrc@example.com>`",
                ));
            }
            if smtp.username.is_some() != smtp.password.is_some() {
                return Err(value_err(
                    "smtp.username",
                    "username and password go together",
                ));
            }
        }
        let window = humantime::parse_duration(self.alerts.window.trim())
            .ok()
            .filter(|w| *w >= std::time::Duration::from_secs(1))
            .ok_or_else(|| {
                value_err(
                    "alerts.window",
                    "must be a duration of at least 1s, like \"15m\"",
                )
            })?;
        let network = self
            .network
            .check()
            .map_err(|(key, message)| value_err(key, &message))?;
        let sms = self
            .sms
            .map(crate::domain::notify::sms::FileSms::check)
            .transpose()
            .map_err(|(key, message)| value_err(key, &message))?;
        Ok(Config {
            data_dir: self.data_dir,
            socket: self.socket,
            socket_mode,
            socket_group: self.socket_group,
            advertise_host: self.advertise_host,
            bind_address,
            port_range,
            port_quarantine,
            docker_host: self.docker_host,
            session_ttl_days: self.session_ttl_days,
            smtp,
            limits: self.limits,
            connections: self.connections,
            sms,
            alerts: AlertsConfig { window },
            history: self.history,
            network,
        })
    }
}

/// A secret kept in a file of its own, as systemd's credentials are: the whole file, less its
/// trailing newline. A relative path is taken under `$CREDENTIALS_DIRECTORY` when systemd set
/// it (`LoadCredential=smtp-password:/etc/rsrc/smtp-password` and `password_file =
/// "smtp-password"`).
pub fn read_secret(path: &std::path::Path) -> Result<String, String> {
    let path = match env_path("CREDENTIALS_DIRECTORY") {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.is_empty() {
        return Err(format!("{} is empty", path.display()));
    }
    Ok(secret.to_string())
}

fn value_err(key: &'static str, message: &str) -> ConfigError {
    ConfigError::Value {
        key,
        message: message.into(),
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The error's message, the key it is about and its line. A type error's message alone does not
/// name the key ("invalid type: integer `20000`, expected a string"); toml's Display adds the key
/// path ("in `smtp.port`") when it has no input to quote, so the input is dropped here (quoting
/// the whole line could also echo a password).
fn describe_toml_error(text: &str, err: &toml::de::Error) -> String {
    let mut bare = err.clone();
    bare.set_input(None);
    let described: Vec<String> = bare
        .to_string()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    described.join(", ") + &span_hint(text, err)
}

fn span_hint(text: &str, err: &toml::de::Error) -> String {
    match err.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!(" (line {line})")
        }
        None => String::new(),
    }
}

/// Creates `dir` (and parents) with mode 0700 when missing, and closes an existing one of ours
/// that others could read.
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let meta = std::fs::metadata(dir)?;
    if meta.mode() & 0o077 != 0 && Some(meta.uid()) == rsrc_shared::paths::effective_uid() {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
