//! Errors of the CLI and how they are printed: `error: <message>`, one `  caused by: <cause>` per
//! level, the daemon's detail lines, then `hint: <hint>` (worded in `hints`); `--debug` adds the
//! `{:?}` form. The exit code comes from `ErrorCode::exit_code()` (SPEC §9) and is never guessed
//! from text.

use std::io::Write;

use rsrc_shared::error::exit;
use rsrc_shared::ErrorCode;

use crate::client::{ClientError, Credential};
use crate::hints;
use crate::session::SessionError;

#[derive(Debug)]
pub enum CliError {
    /// Anything the daemon (or the way to it) said, with the command's hint for it.
    Client {
        error: ClientError,
        hint: Option<String>,
    },
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
    fn from(error: ClientError) -> Self {
        CliError::Client { error, hint: None }
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
            hint: Some(hints::login()),
        }
    }

    /// Sets the hint of a local error, or the command's hint for a daemon error (which
    /// `hints::for_api` weighs against the error's own).
    pub fn with_hint(mut self, new: impl Into<String>) -> Self {
        match &mut self {
            CliError::Local { hint, .. } => *hint = Some(new.into()),
            CliError::Client {
                error: ClientError::Api { .. },
                hint,
            } if hint.is_none() => *hint = Some(new.into()),
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
            CliError::Client { error, .. } => error.code(),
            _ => None,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Client { error, .. } => match error {
                ClientError::DaemonUnreachable { .. } => exit::UNREACHABLE,
                ClientError::Api { body, .. } => body.error.code.exit_code(),
                ClientError::Protocol(_) | ClientError::Cut(_) => exit::FAILURE,
            },
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
            CliError::Client {
                error: ClientError::DaemonUnreachable { socket, source },
                ..
            } => {
                lines.push(format!("error: cannot reach rsrcd at {}", socket.display()));
                lines.push(format!("  caused by: {source}"));
                hint = Some(hints::unreachable(socket, source.as_ref()));
            }
            CliError::Client {
                error: ClientError::Api { body, sent, .. },
                hint: command_hint,
            } => {
                let e = &body.error;
                if e.code == ErrorCode::Unauthenticated && *sent == Credential::EnvToken {
                    // "Your session expired" would send the user to `rsrc login`, which does
                    // not help while RSRC_TOKEN overrides the stored login.
                    lines.push("error: the token from RSRC_TOKEN was refused".into());
                    lines.push(format!("  caused by: {}", e.message));
                } else {
                    lines.push(format!("error: {}", e.message));
                }
                for c in &e.causes {
                    lines.push(format!("  caused by: {c}"));
                }
                for d in &e.details {
                    lines.push(format!("  | {d}"));
                }
                hint = hints::for_api(e.code, *sent, command_hint.as_deref());
            }
            CliError::Client {
                error: ClientError::Protocol(message),
                ..
            } => {
                lines.push("error: unexpected reply from rsrcd".into());
                lines.push(format!("  caused by: {message}"));
                hint = Some(hints::protocol());
            }
            CliError::Client {
                error: ClientError::Cut(message),
                ..
            } => {
                lines.push("error: the connection to rsrcd broke off".into());
                lines.push(format!("  caused by: {message}"));
                hint = Some(hints::cut());
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::client::Credential;
    use rsrc_shared::ErrorBody;
    use std::path::PathBuf;

    fn api(code: ErrorCode, message: &str, sent: Credential) -> CliError {
        let body = ErrorBody::new(code, message);
        CliError::from(ClientError::Api {
            status: code.http_status(),
            body,
            sent,
        })
    }

    #[test]
    fn unreachable_names_the_socket_and_exits_69() {
        let e = CliError::from(ClientError::DaemonUnreachable {
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
        let e = CliError::from(ClientError::Api {
            status: 504,
            body,
            sent: Credential::StoredToken,
        })
        .with_hint("look at the logs");
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
        let e = api(
            ErrorCode::Unauthenticated,
            "not logged in",
            Credential::None,
        );
        assert_eq!(e.exit_code(), 4);
        assert_eq!(
            e.report().last().unwrap(),
            "hint: log in with `rsrc login --email EMAIL`"
        );
    }

    #[test]
    fn a_refused_rsrc_token_is_named_even_when_the_command_has_a_hint() {
        let e = api(
            ErrorCode::Unauthenticated,
            "your session has expired or was revoked",
            Credential::EnvToken,
        )
        .with_hint("the instance was created");
        assert_eq!(
            e.report(),
            [
                "error: the token from RSRC_TOKEN was refused",
                "  caused by: your session has expired or was revoked",
                "hint: the token in RSRC_TOKEN was refused; unset it or set a valid one",
            ]
        );
    }

    #[test]
    fn the_commands_hint_wins_over_a_generic_one() {
        let e = api(ErrorCode::Unavailable, "shutting down", Credential::None);
        assert!(e.report().last().unwrap().contains("try again shortly"));
        let e = e.with_hint("the instance was created");
        assert_eq!(e.report().last().unwrap(), "hint: the instance was created");
    }

    #[test]
    fn protocol_errors_exit_1() {
        let e = CliError::from(ClientError::Protocol("not json".into()));
        assert_eq!(e.exit_code(), 1);
    }

    /// A request or stream cut off by rsrcd's death says so, not "another API version".
    #[test]
    fn a_cut_connection_says_what_happened() {
        let e = CliError::from(ClientError::Cut(
            "the pull stream ended before the pull was done".into(),
        ));
        assert_eq!(e.exit_code(), 1);
        let text = e.report().join("\n");
        assert!(text.contains("the connection to rsrcd broke off"), "{text}");
        assert!(text.contains("stopped or restarted"), "{text}");
        assert!(!text.contains("API version"), "{text}");
    }
}
