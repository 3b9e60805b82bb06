//! The daemon's error type. Each variant says what failed; `code()` maps it to the wire contract
//! in one exhaustive match, so a new variant does not compile until it has a status.

use rsrc_shared::{ErrorBody, ErrorCode};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    #[error("request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("no such endpoint: {0}")]
    UnknownEndpoint(String),
    #[error("method {method} is not allowed on {path}")]
    MethodNotAllowed { method: String, path: String },
    #[error("{0}")]
    Unauthenticated(String),
    /// A failed login: the same for an unknown email and a wrong password.
    #[error("wrong email or password")]
    LoginFailed,
    /// A failed login with a code: the same for an unknown email and a wrong or used code.
    #[error("wrong or expired code for this email")]
    CodeLoginFailed,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    AlreadyExists(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("the daemon is shutting down")]
    ShuttingDown,
    #[error("Docker is not reachable")]
    EngineUnavailable(#[source] Option<EngineCause>),
    #[error("{context}")]
    Engine {
        context: String,
        #[source]
        source: EngineCause,
    },
    /// Docker refused, with only a text to say why (e.g. a pull that failed midway).
    #[error("{0}")]
    EngineRefused(String),
    /// A wait ran out of time; `details` explain why (e.g. the last log lines).
    #[error("{message}")]
    Timeout {
        message: String,
        details: Vec<String>,
    },
    #[error("registry: {context}")]
    Registry {
        context: String,
        #[source]
        source: crate::registry::DbError,
    },
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    pub fn not_found(msg: impl Into<String>) -> Self {
        Error::NotFound(msg.into())
    }

    pub fn forbidden(msg: impl Into<String>) -> Self {
        Error::Forbidden(msg.into())
    }

    pub fn conflict(msg: impl Into<String>) -> Self {
        Error::Conflict(msg.into())
    }

    pub fn internal(msg: impl Into<String>) -> Self {
        Error::Internal(msg.into())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidRequest,
            Error::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            Error::UnknownEndpoint(_) => ErrorCode::UnknownEndpoint,
            Error::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Error::Unauthenticated(_) | Error::LoginFailed | Error::CodeLoginFailed => {
                ErrorCode::Unauthenticated
            }
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::RateLimited(_) => ErrorCode::RateLimited,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::AlreadyExists(_) => ErrorCode::AlreadyExists,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::QuotaExceeded(_) => ErrorCode::QuotaExceeded,
            Error::ShuttingDown => ErrorCode::Unavailable,
            Error::EngineUnavailable(_) => ErrorCode::EngineUnavailable,
            Error::Engine { .. } | Error::EngineRefused(_) => ErrorCode::EngineFailed,
            Error::Timeout { .. } => ErrorCode::Timeout,
            Error::Registry { .. } | Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The body sent to the client. Internal details (SQL, file paths) stay in the log.
    pub fn to_body(&self) -> ErrorBody {
        let mut body = ErrorBody::new(self.code(), self.to_string());
        match self {
            Error::Timeout { details, .. } => body.error.details = details.clone(),
            Error::Registry { .. } | Error::Internal(_) => {
                body.error.message = "internal error; see the daemon's log".into();
            }
            Error::Engine { .. } | Error::EngineRefused(_) | Error::EngineUnavailable(_) => {
                // The engine's words may name the host's internals (`/var/lib/docker/overlay2/
                // ...`): users get the reason, the daemon's log keeps the detail.
                body.error.message = redact_host_paths(&body.error.message);
                let mut source = std::error::Error::source(self);
                while let Some(cause) = source {
                    body.error
                        .causes
                        .push(redact_host_paths(&cause.to_string()));
                    source = cause.source();
                }
            }
            _ => {
                let mut source = std::error::Error::source(self);
                while let Some(cause) = source {
                    body.error.causes.push(cause.to_string());
                    source = cause.source();
                }
            }
        }
        body
    }

    /// The whole chain in one line, for the log.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// Replaces absolute paths of two or more components (`/var/lib/docker/overlay2/x/merged`) with
/// `<host path>`. Container paths a user gave (`/data`) have one and stay.
pub fn redact_host_paths(text: &str) -> String {
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "._-/+@:".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('/') {
        let before = &rest[..start];
        let boundary = before
            .chars()
            .last()
            .or_else(|| out.chars().last())
            .is_none_or(|c| c.is_whitespace() || "'\"(=,[".contains(c));
        let len = rest[start..]
            .find(|c: char| !is_path_char(c))
            .unwrap_or(rest.len() - start);
        let candidate = rest[start..start + len].trim_end_matches([':', '.', ',']);
        out.push_str(before);
        if boundary && candidate.matches('/').count() >= 2 && candidate.len() > 2 {
            out.push_str("<host path>");
            rest = &rest[start + candidate.len()..];
        } else {
            out.push('/');
            rest = &rest[start + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// An error and its causes in one line, for the log and start-up failures.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// Why the engine failed, in the engine's own words: the domain sees the message and its causes,
/// never the engine client's types.
#[derive(Debug)]
pub struct EngineCause(pub Box<dyn std::error::Error + Send + Sync>);

impl std::fmt::Display for EngineCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for EngineCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Adds context to registry errors, mapping the ones whose meaning is known (implemented in
/// `registry/`, the one place that knows the database's own errors).
pub trait RegistryContext<T> {
    fn context(self, context: &str) -> Result<T>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wrong code at `login --code` talks of a code, not of a password (issue 19 item 23).
    #[test]
    fn a_failed_code_login_names_the_code() {
        let text = Error::CodeLoginFailed.to_string();
        assert!(text.contains("code"), "{text}");
        assert!(!text.contains("password"), "{text}");
        assert_eq!(Error::CodeLoginFailed.code(), ErrorCode::Unauthenticated);
    }

    #[test]
    fn engine_errors_do_not_show_host_paths() {
        let docker = "error while creating mount source path '/var/lib/docker/overlay2/ab12/merged/data': mkdir /var/lib/docker/x: file exists";
        let err = Error::Engine {
            context: "cannot start container rsrc-web-1".into(),
            source: EngineCause(Box::new(std::io::Error::other(docker))),
        };
        let body = err.to_body();
        let text = format!("{} {:?}", body.error.message, body.error.causes);
        assert!(!text.contains("/var/lib"), "{text}");
        assert!(
            text.contains("error while creating mount source path"),
            "{text}"
        );
        assert!(text.contains("file exists"), "{text}");
        assert_eq!(
            redact_host_paths("volume /data is in use"),
            "volume /data is in use"
        );
        assert_eq!(redact_host_paths("in $PATH: unknown"), "in $PATH: unknown");
        assert_eq!(
            redact_host_paths("see /run/docker.sock."),
            "see <host path>."
        );
        assert_eq!(
            redact_host_paths("a/b/c and http://x/y"),
            "a/b/c and http://x/y"
        );
    }
}
