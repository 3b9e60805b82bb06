//! The `hint:` line under an error: what to do about it. Hints are the CLI's alone (rsrcd sends
//! none), because what helps depends on what the request carried and what the command was doing,
//! which only the CLI knows.

use std::path::Path;

use rsrc_shared::ErrorCode;

use crate::client::Credential;

/// For `rsrc` commands that need a login and find none stored.
pub fn login() -> String {
    "log in with `rsrc login --email EMAIL` (or set RSRC_TOKEN)".into()
}

/// The hint for an error the daemon sent, given the credential the request carried and the
/// command's own hint. A refused credential or a missing Docker explains the failure whatever
/// the command was doing, so those come first; the others only fill in when the command has
/// none.
pub fn for_api(code: ErrorCode, sent: Credential, command: Option<&str>) -> Option<String> {
    let first = match (code, sent) {
        (ErrorCode::Unauthenticated, Credential::Password) => Some(
            "check the email and the password; after 3 failures, each further try waits twice as \
             long as the last (1 s, 2 s, 4 s, ... up to 15 minutes); `rsrc login --email EMAIL \
             --code` logs in with a code by mail",
        ),
        (ErrorCode::Unauthenticated, Credential::Code) => Some(
            "check the email and the code (valid 10 minutes, once); ask for a new one with \
             `rsrc login --email EMAIL --code`",
        ),
        (ErrorCode::Unauthenticated, Credential::EnvToken) => {
            Some("the token in RSRC_TOKEN was refused; unset it or set a valid one")
        }
        (ErrorCode::Unauthenticated, Credential::None | Credential::StoredToken) => {
            Some("log in with `rsrc login --email EMAIL`")
        }
        (ErrorCode::EngineUnavailable, _) => {
            Some("is dockerd running? `rsrc version` shows the engine's state")
        }
        _ => None,
    };
    let last = match code {
        ErrorCode::Unavailable => Some("rsrcd is starting or stopping: try again shortly"),
        ErrorCode::UnknownEndpoint | ErrorCode::MethodNotAllowed => {
            Some("this rsrc and rsrcd may be different versions: compare `rsrc version`")
        }
        _ => None,
    };
    first.or(command).or(last).map(str::to_string)
}

/// For a connection that broke off: rsrcd stopped or was killed, not a version mismatch.
pub fn cut() -> String {
    "rsrcd stopped or restarted in the middle (`rsrc version` shows whether it is up); what \
     was under way may or may not have happened: `rsrc instance ls` and `rsrc events` show it"
        .into()
}

/// For a reply that is not what the API promises.
pub fn protocol() -> String {
    "the daemon may speak another API version: compare `rsrc version`".into()
}

/// For a socket we could not connect to: says which of the usual causes it is.
pub fn unreachable(
    socket: &Path,
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
mod tests {
    use super::*;

    #[test]
    fn a_refused_credential_gets_a_hint_about_that_credential() {
        let hint = |sent| for_api(ErrorCode::Unauthenticated, sent, None).unwrap_or_default();
        assert!(hint(Credential::EnvToken).contains("RSRC_TOKEN was refused"));
        assert!(hint(Credential::StoredToken).contains("rsrc login --email"));
        assert!(hint(Credential::None).contains("rsrc login --email"));
        // The throttle rsrcd has: 3 free failures, then a wait that doubles (issue 19 item 23).
        let password = hint(Credential::Password);
        assert!(password.contains("after 3 failures"), "{password}");
        assert!(!password.contains("5 failures"), "{password}");
        let code = hint(Credential::Code);
        assert!(code.contains("code"), "{code}");
        assert!(!code.contains("password"), "{code}");
    }

    #[test]
    fn login_and_docker_hints_come_before_the_commands() {
        let command = Some("the command's own hint");
        let engine = for_api(ErrorCode::EngineUnavailable, Credential::None, command);
        assert!(engine.unwrap_or_default().contains("dockerd"));
        let auth = for_api(ErrorCode::Unauthenticated, Credential::EnvToken, command);
        assert!(auth.unwrap_or_default().contains("RSRC_TOKEN"));
        for code in [
            ErrorCode::Unavailable,
            ErrorCode::Timeout,
            ErrorCode::NotFound,
        ] {
            let hint = for_api(code, Credential::StoredToken, command);
            assert_eq!(hint.as_deref(), command, "{code:?}");
        }
        let version = for_api(ErrorCode::UnknownEndpoint, Credential::None, None);
        assert!(version.unwrap_or_default().contains("rsrc version"));
        assert_eq!(for_api(ErrorCode::NotFound, Credential::None, None), None);
    }
}
