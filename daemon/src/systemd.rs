//! Living under a service manager (sd_notify(3), sd_listen_fds(3), sd-daemon(3)): the socket
//! systemd may hand over, READY/STOPPING/STATUS notices, watchdog pings and the log format when
//! stderr is the journal. Without systemd every notice is a no-op and the log is the usual one.

use std::io::IsTerminal;
use std::os::unix::fs::MetadataExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rsrc_shared::api::DockerInfo;
use sd_notify::NotifyState;
use tokio_util::sync::CancellationToken;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::registry::LookupSpan;

use crate::engine::Engine;
use crate::registry::Registry;

/// How often the STATUS line is brought up to date with Docker's state.
const STATUS_EVERY: Duration = Duration::from_secs(2);

/// Takes the listening socket systemd passed (LISTEN_FDS/LISTEN_PID, see rsrcd.socket), if any.
/// Must run before any other thread exists: it unsets those variables so that nothing rsrcd
/// starts inherits them.
pub fn take_inherited_listener() -> Result<Option<std::os::unix::net::UnixListener>, String> {
    let mut fds = listenfd::ListenFd::from_env();
    match fds.len() {
        0 => return Ok(None),
        1 => {}
        n => {
            return Err(format!(
                "systemd passed {n} sockets (LISTEN_FDS); rsrcd.socket should have exactly one"
            ))
        }
    }
    match fds.take_unix_listener(0) {
        Ok(Some(listener)) => Ok(Some(listener)),
        Ok(None) => Ok(None),
        Err(e) => Err(format!(
            "the socket systemd passed is not a listening Unix stream socket: {e}"
        )),
    }
}

/// Whether stderr is the journal: JOURNAL_STREAM names stderr's device and inode
/// (systemd.exec(5)). A stderr redirected elsewhere by a child of the service does not match.
pub fn stderr_is_journal() -> bool {
    let Some(stream) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let Ok(fd) = std::os::fd::AsFd::as_fd(&std::io::stderr()).try_clone_to_owned() else {
        return false;
    };
    let Ok(meta) = std::fs::File::from(fd).metadata() else {
        return false;
    };
    journal_stream_matches(&stream.to_string_lossy(), meta.dev(), meta.ino())
}

fn journal_stream_matches(value: &str, dev: u64, ino: u64) -> bool {
    let Some((d, i)) = value.split_once(':') else {
        return false;
    };
    d.parse() == Ok(dev) && i.parse() == Ok(ino)
}

/// The journal's priority for a level, as the `<N>` prefix of sd-daemon(3).
fn priority(level: Level) -> u8 {
    match level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        Level::DEBUG | Level::TRACE => 7,
    }
}

/// Lines for the journal: its own timestamp and colours by priority replace ours, and the level
/// becomes the `<N>` prefix journald reads.
struct JournalFormat(format::Format<format::Full, ()>);

impl<S, N> FormatEvent<S, N> for JournalFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        write!(writer, "<{}>", priority(*event.metadata().level()))?;
        self.0.format_event(ctx, writer, event)
    }
}

/// Installs the log: RSRC_LOG filters (default `info`); stderr, in the journal's format when it
/// is the journal, else with timestamps, coloured only on a terminal without NO_COLOR.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RSRC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if stderr_is_journal() {
        let format = format::format()
            .without_time()
            .with_level(false)
            .with_ansi(false);
        builder
            .with_ansi(false)
            .event_format(JournalFormat(format))
            .init();
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .init();
    }
}

fn notify(states: &[NotifyState]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::debug!(error = %e, "cannot notify the service manager");
    }
}

/// The last STATUS line sent, so that an unchanged one is not sent again.
static STATUS: Mutex<String> = Mutex::new(String::new());
/// Set while a reconciliation runs: its STATUS line stays until it ends.
static RECONCILING: AtomicBool = AtomicBool::new(false);

fn status(line: &str) {
    let Ok(mut last) = STATUS.lock() else {
        return;
    };
    if *last != line {
        line.clone_into(&mut last);
        notify(&[NotifyState::Status(line)]);
    }
}

/// READY=1: the registry is open and the socket is served.
pub fn ready() {
    notify(&[NotifyState::Ready]);
}

pub fn stopping() {
    notify(&[NotifyState::Stopping, NotifyState::Status("stopping")]);
}

/// "reconciling N instances" while it lives; the Docker status line comes back after it.
pub struct Reconciling(());

impl Reconciling {
    pub fn start(instances: usize) -> Reconciling {
        RECONCILING.store(true, Ordering::SeqCst);
        status(&format!("reconciling {instances} instances"));
        Reconciling(())
    }
}

impl Drop for Reconciling {
    fn drop(&mut self) {
        RECONCILING.store(false, Ordering::SeqCst);
    }
}

fn serving_line(info: &DockerInfo) -> String {
    if info.connected {
        format!(
            "serving; Docker {} reachable",
            info.version.as_deref().unwrap_or("(unknown version)")
        )
    } else {
        "serving; Docker unreachable, retrying".to_string()
    }
}

/// Keeps STATUS= in line with Docker's state until `shutdown`.
pub async fn run_status(engine: Arc<dyn Engine>, shutdown: CancellationToken) {
    loop {
        if !RECONCILING.load(Ordering::SeqCst) {
            status(&serving_line(&engine.info().await));
        }
        tokio::select! {
            _ = tokio::time::sleep(STATUS_EVERY) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

/// How often to ping for a WatchdogSec: twice per period, as sd_watchdog_enabled(3) advises.
fn watchdog_interval(period: Duration) -> Duration {
    (period / 2).max(Duration::from_millis(100))
}

/// Sends WATCHDOG=1 while the registry's writer answers, when systemd asked for it
/// (WATCHDOG_USEC). A writer stuck for a whole period means no ping, and systemd restarts
/// rsrcd, which is what the watchdog is for.
pub async fn run_watchdog(registry: Registry, shutdown: CancellationToken) {
    let Some(period) = sd_notify::watchdog_enabled() else {
        return;
    };
    let every = watchdog_interval(period);
    tracing::info!(period = %humantime::format_duration(period), "watchdog enabled");
    loop {
        let alive = tokio::time::timeout(every, registry.write(|_| Ok(()))).await;
        if matches!(alive, Ok(Ok(()))) {
            notify(&[NotifyState::Watchdog]);
        } else {
            tracing::warn!("the registry did not answer within the watchdog's interval");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_stream_must_name_stderr() {
        assert!(journal_stream_matches("64769:1234", 64769, 1234));
        assert!(!journal_stream_matches("64769:1234", 64769, 1235));
        assert!(!journal_stream_matches("64769", 64769, 1234));
        assert!(!journal_stream_matches("", 0, 0));
        assert!(!journal_stream_matches("x:y", 0, 0));
    }

    #[test]
    fn levels_map_to_journal_priorities() {
        assert_eq!(priority(Level::ERROR), 3);
        assert_eq!(priority(Level::WARN), 4);
        assert_eq!(priority(Level::INFO), 6);
        assert_eq!(priority(Level::DEBUG), 7);
        assert_eq!(priority(Level::TRACE), 7);
    }

    #[test]
    fn status_says_whether_docker_is_reachable() {
        let mut info = DockerInfo {
            connected: true,
            version: Some("20.10.24".into()),
            api_version: Some("1.41".into()),
            error: None,
        };
        assert_eq!(serving_line(&info), "serving; Docker 20.10.24 reachable");
        info.connected = false;
        assert_eq!(serving_line(&info), "serving; Docker unreachable, retrying");
    }

    #[test]
    fn watchdog_pings_twice_per_period() {
        assert_eq!(
            watchdog_interval(Duration::from_secs(30)),
            Duration::from_secs(15)
        );
        assert_eq!(
            watchdog_interval(Duration::from_millis(10)),
            Duration::from_millis(100)
        );
    }
}
