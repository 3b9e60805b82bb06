//! Errors of the CLI and how they are printed: `error: <message>`, one `  caused by: <cause>` per
//! level, the daemon's detail lines, then `hint: <hint>`; `--debug` adds the `{:?}` form. The
//! exit code comes from `ErrorCode::exit_code()` (SPEC §9) and is never guessed from text.

use std::io::Write;

use rsrc_shared::error::exit;
use rsrc_shared::ErrorCode;

use crate::client::ClientError;
use crate::session::SessionError;

#[derive(Debug)]
pub enum CliError {
    /// Anything the daemon (or the way to it) said.
    Client(ClientError),
    /// The local login state could not be read or written.
    Session(SessionError),
    /// A failure found locally: bad input (exit 2), not logged in (exit 4), ...
    Local {
        exit: u8,
        message: String,
        causes: Vec<String>,
        hint: Option<String>,
    },
    /// The errors were printed already (one per failed item); only the exit code is left.
    Reported(u8),
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// For commands that act on several items: each failure is reported as it happens and the rest
/// go on, except when the daemon is gone; the exit code is the first failure's.
#[derive(Default)]
pub struct ItemFailures {
    first: Option<u8>,
}

impl ItemFailures {
    /// Reports one item's failure; a lost daemon ends the whole command.
    pub fn record(&mut self, e: ClientError, debug: bool) -> CliResult {
        if matches!(e, ClientError::DaemonUnreachable { .. }) {
            return Err(e.into());
        }
        let e = CliError::from(e);
        e.print(debug);
        self.first.get_or_insert(e.exit_code());
        Ok(())
    }

    pub fn any(&self) -> bool {
        self.first.is_some()
    }

    pub fn finish(self) -> CliResult {
        match self.first {
            Some(code) => Err(CliError::Reported(code)),
            None => Ok(()),
        }
    }
}

impl From<ClientError> for CliError {
    fn from(e: ClientError) -> Self {
        CliError::Client(e)
    }
}

impl From<SessionError> for CliError {
    fn from(e: SessionError) -> Self {
        CliError::Session(e)
    }
}

impl CliError {
    /// Bad input: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Local {
            exit: exit::USAGE,
            message: message.into(),
            causes: Vec::new(),
            hint: None,
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        CliError::Local {
            exit: exit::FAILURE,
            message: message.into(),
            causes: Vec::new(),
            hint: None,
        }
    }

    pub fn not_logged_in() -> Self {
        CliError::Local {
            exit: exit::NOT_ALLOWED,
            message: "not logged in".into(),
            causes: Vec::new(),
            hint: Some(login_hint()),
        }
    }

    /// Adds a hint to a local error, or to a daemon error that has none.
    pub fn with_hint(mut self, new: impl Into<String>) -> Self {
        match &mut self {
            CliError::Local { hint, .. } => *hint = Some(new.into()),
            CliError::Client(ClientError::Api { body, .. }) if body.error.hint.is_none() => {
                body.error.hint = Some(new.into())
            }
            _ => {}
        }
        self
    }

    pub fn with_cause(mut self, cause: impl Into<String>) -> Self {
        if let CliError::Local { causes, .. } = &mut self {
            causes.push(cause.into());
        }
        self
    }

    /// The API error code, when the daemon sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CliError::Client(e) => e.code(),
            _ => None,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Client(ClientError::DaemonUnreachable { .. }) => exit::UNREACHABLE,
            CliError::Client(ClientError::Api { body, .. }) => body.error.code.exit_code(),
            CliError::Client(ClientError::Protocol(_)) => exit::FAILURE,
            CliError::Session(_) => exit::FAILURE,
            CliError::Local { exit, .. } => *exit,
            CliError::Reported(code) => *code,
        }
    }

    /// The lines printed on stderr (without colour).
    pub fn report(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let hint;
        match self {
            CliError::Client(ClientError::DaemonUnreachable { socket, source }) => {
                lines.push(format!("error: cannot reach rsrcd at {}", socket.display()));
                lines.push(format!("  caused by: {source}"));
                hint = Some(unreachable_hint(socket, source.as_ref()));
            }
            CliError::Client(ClientError::Api { body, .. }) => {
                let e = &body.error;
                lines.push(format!("error: {}", e.message));
                for c in &e.causes {
                    lines.push(format!("  caused by: {c}"));
                }
                for d in &e.details {
                    lines.push(format!("  | {d}"));
                }
                hint = e.hint.clone().or_else(|| default_hint(e.code));
            }
            CliError::Client(ClientError::Protocol(message)) => {
                lines.push("error: unexpected reply from rsrcd".into());
                lines.push(format!("  caused by: {message}"));
                hint =
                    Some("the daemon may speak another API version: compare `rsrc version`".into());
            }
            CliError::Session(e) => {
                lines.push(format!("error: {e}"));
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    lines.push(format!("  caused by: {s}"));
                    source = s.source();
                }
                hint = e.hint();
            }
            CliError::Local {
                message,
                causes,
                hint: h,
                ..
            } => {
                lines.push(format!("error: {message}"));
                for c in causes {
                    lines.push(format!("  caused by: {c}"));
                }
                hint = h.clone();
            }
            CliError::Reported(_) => return lines,
        }
        if let Some(h) = hint {
            lines.push(format!("hint: {h}"));
        }
        lines
    }

    /// Prints the report on stderr; red `error:` only on a terminal without `NO_COLOR`.
    pub fn print(&self, debug: bool) {
        let color = crate::output::color_enabled();
        let mut err = std::io::stderr().lock();
        for line in self.report() {
            let line = match line.strip_prefix("error:") {
                Some(rest) if color => format!("\x1b[1;31merror:\x1b[0m{rest}"),
                _ => line,
            };
            let _ = writeln!(err, "{line}");
        }
        if debug {
            let _ = writeln!(err, "debug: {self:?}");
        }
    }
}

pub fn login_hint() -> String {
    "log in with `rsrc login --email EMAIL` (or set RSRC_TOKEN)".into()
}

fn default_hint(code: ErrorCode) -> Option<String> {
    match code {
        ErrorCode::Unauthenticated if std::env::var_os(rsrc_shared::paths::TOKEN_ENV).is_some() => {
            Some("RSRC_TOKEN is set, and the daemon does not accept its token: unset it, or log in and take a new one with `rsrc auth token`".into())
        }
        ErrorCode::Unauthenticated => Some(login_hint()),
        ErrorCode::EngineUnavailable => {
            Some("rsrcd cannot reach Docker: ask the operator to check the Docker engine".into())
        }
        ErrorCode::Unavailable => Some("rsrcd is starting or stopping: try again shortly".into()),
        ErrorCode::UnknownEndpoint | ErrorCode::MethodNotAllowed => {
            Some("this rsrc and rsrcd may be different versions: compare `rsrc version`".into())
        }
        _ => None,
    }
}

fn unreachable_hint(
    socket: &std::path::Path,
    source: &(dyn std::error::Error + Send + Sync + 'static),
) -> String {
    use std::os::unix::fs::FileTypeExt;
    let kind = source
        .downcast_ref::<std::io::Error>()
        .map(std::io::Error::kind);
    let base = "is rsrcd running? Use --socket PATH or RSRC_SOCKET to point at its socket";
    if let Ok(meta) = std::fs::metadata(socket) {
        if !meta.file_type().is_socket() {
            return format!("{} is not a socket; {base}", socket.display());
        }
    }
    match kind {
        Some(std::io::ErrorKind::PermissionDenied) => {
            format!("you may not use this socket: ask to be added to the `rsrc` group; or {base}")
        }
        Some(std::io::ErrorKind::ConnectionRefused) => {
            format!("the socket exists but nothing answers: rsrcd may have stopped; {base}")
        }
        _ => base.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rsrc_shared::ErrorBody;
    use std::path::PathBuf;

    #[test]
    fn unreachable_names_the_socket_and_exits_69() {
        let e = CliError::Client(ClientError::DaemonUnreachable {
            socket: PathBuf::from("/x/rsrcd.sock"),
            source: Box::new(std::io::Error::from(std::io::ErrorKind::NotFound)),
        });
        assert_eq!(e.exit_code(), 69);
        let lines = e.report();
        assert_eq!(lines[0], "error: cannot reach rsrcd at /x/rsrcd.sock");
        assert!(lines.last().unwrap().starts_with("hint: is rsrcd running?"));
    }

    #[test]
    fn api_errors_print_causes_details_and_hint() {
        let mut body = ErrorBody::new(ErrorCode::Timeout, "instance web is not ready");
        body.error.causes = vec!["port 8080 refused connections".into()];
        body.error.details = vec!["log line 1".into(), "log line 2".into()];
        body.error.hint = Some("look at the logs".into());
        let e = CliError::Client(ClientError::Api { status: 504, body });
        assert_eq!(e.exit_code(), 1);
        assert_eq!(
            e.report(),
            vec![
                "error: instance web is not ready",
                "  caused by: port 8080 refused connections",
                "  | log line 1",
                "  | log line 2",
                "hint: look at the logs",
            ]
        );
    }

    #[test]
    fn unauthenticated_gets_a_login_hint_and_exit_4() {
        let body = ErrorBody::new(ErrorCode::Unauthenticated, "not logged in");
        let e = CliError::Client(ClientError::Api { status: 401, body });
        assert_eq!(e.exit_code(), 4);
        assert!(e.report().last().unwrap().contains("rsrc login"));
    }

    #[test]
    fn protocol_errors_exit_1() {
        let e = CliError::Client(ClientError::Protocol("not json".into()));
        assert_eq!(e.exit_code(), 1);
    }
}
