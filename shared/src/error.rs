//! The error contract: every daemon error is `{"error": {"code": ..., "message": ...}}`, and each
//! code has exactly one HTTP status and one CLI exit code (SPEC §9).
//!
//! There is no hint on the wire: what to do about an error depends on how the caller got there
//! (a token from `RSRC_TOKEN` or a stored login, which command), which only the client knows.

use serde::{Deserialize, Serialize};

/// Exit codes of `rsrc` (SPEC §9).
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const NOT_FOUND: u8 = 3;
    pub const NOT_ALLOWED: u8 = 4;
    pub const CONFLICT: u8 = 5;
    pub const UNREACHABLE: u8 = 69;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    /// Malformed JSON, unknown fields, values that fail validation.
    InvalidRequest,
    PayloadTooLarge,
    /// Unknown path.
    UnknownEndpoint,
    MethodNotAllowed,
    /// No token, or a token that is unknown, expired or revoked; also a failed login.
    Unauthenticated,
    /// Logged in, but the role or the account state does not allow it.
    Forbidden,
    /// Too many attempts; try again later.
    RateLimited,
    NotFound,
    AlreadyExists,
    Conflict,
    QuotaExceeded,
    /// The daemon is starting or shutting down.
    Unavailable,
    /// Docker cannot be reached.
    EngineUnavailable,
    /// Docker answered with an error.
    EngineFailed,
    /// A wait for readiness ran out of time.
    Timeout,
    Internal,
    /// A code this client does not know yet (a newer daemon); treated as a plain failure.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidRequest => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::UnknownEndpoint => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::AlreadyExists | ErrorCode::Conflict | ErrorCode::QuotaExceeded => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::EngineFailed => 502,
            ErrorCode::Unavailable | ErrorCode::EngineUnavailable => 503,
            ErrorCode::Timeout => 504,
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            ErrorCode::InvalidRequest
            | ErrorCode::PayloadTooLarge
            | ErrorCode::UnknownEndpoint
            | ErrorCode::MethodNotAllowed => exit::USAGE,
            ErrorCode::NotFound => exit::NOT_FOUND,
            ErrorCode::Unauthenticated | ErrorCode::Forbidden | ErrorCode::RateLimited => {
                exit::NOT_ALLOWED
            }
            ErrorCode::AlreadyExists | ErrorCode::Conflict | ErrorCode::QuotaExceeded => {
                exit::CONFLICT
            }
            ErrorCode::Unavailable
            | ErrorCode::EngineUnavailable
            | ErrorCode::EngineFailed
            | ErrorCode::Timeout
            | ErrorCode::Internal
            | ErrorCode::Unknown => exit::FAILURE,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// The chain of causes below `message`, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
    /// Extra lines that explain the failure, e.g. an instance's last log lines after a failed wait.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code,
                message: message.into(),
                causes: Vec::new(),
                details: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_from_older_daemons_are_ignored() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"unauthenticated","message":"x","hint":"log in"}}"#,
        )
        .unwrap();
        assert_eq!(body, ErrorBody::new(ErrorCode::Unauthenticated, "x"));
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_degrade() {
        let body = ErrorBody::new(ErrorCode::QuotaExceeded, "too many");
        let json = serde_json::to_string(&body).unwrap();
        assert!(json.contains("\"quota_exceeded\""));
        let back: ErrorBody = serde_json::from_str(&json).unwrap();
        assert_eq!(back, body);
        let newer: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"from_the_future","message":"x"}}"#).unwrap();
        assert_eq!(newer.error.code, ErrorCode::Unknown);
        assert_eq!(newer.error.code.exit_code(), exit::FAILURE);
    }

    #[test]
    fn exit_codes_follow_the_spec() {
        assert_eq!(ErrorCode::InvalidRequest.exit_code(), 2);
        assert_eq!(ErrorCode::NotFound.exit_code(), 3);
        assert_eq!(ErrorCode::Unauthenticated.exit_code(), 4);
        assert_eq!(ErrorCode::Forbidden.exit_code(), 4);
        assert_eq!(ErrorCode::AlreadyExists.exit_code(), 5);
        assert_eq!(ErrorCode::QuotaExceeded.exit_code(), 5);
        assert_eq!(ErrorCode::Internal.exit_code(), 1);
    }

    #[test]
    fn as_str_matches_serde() {
        for code in [
            ErrorCode::InvalidRequest,
            ErrorCode::PayloadTooLarge,
            ErrorCode::UnknownEndpoint,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Unauthenticated,
            ErrorCode::Forbidden,
            ErrorCode::RateLimited,
            ErrorCode::NotFound,
            ErrorCode::AlreadyExists,
            ErrorCode::Conflict,
            ErrorCode::QuotaExceeded,
            ErrorCode::Unavailable,
            ErrorCode::EngineUnavailable,
            ErrorCode::EngineFailed,
            ErrorCode::Timeout,
            ErrorCode::Internal,
            ErrorCode::Unknown,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
