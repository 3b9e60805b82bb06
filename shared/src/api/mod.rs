//! The `/v1` API: request and response bodies, one file per resource.
//!
//! Routes (all JSON; a bearer token in `Authorization` unless noted):
//!
//! | method | path                                  | body → answer                        |
//! |--------|---------------------------------------|--------------------------------------|
//! | GET    | /v1/version                (no auth)  | → VersionInfo                        |
//! | POST   | /v1/signup                 (no auth)  | Signup → 201 User                    |
//! | POST   | /v1/login                  (no auth)  | Login → LoginResponse                |
//! | POST   | /v1/logout                            | → 204                                |
//! | GET    | /v1/whoami                            | → User                               |
//! | GET    | /v1/profile                           | → User                               |
//! | PATCH  | /v1/profile                           | ProfileUpdate → User                 |
//! | DELETE | /v1/profile                           | ProfileDelete → 204                  |
//! | POST   | /v1/password                          | PasswordChange → 204                 |
//! | POST   | /v1/otp/send                          | → 202 OtpSent                        |
//! | POST   | /v1/otp/verify                        | OtpVerify → User                     |
//! | GET    | /v1/admin/users                       | → [User]                             |
//! | POST   | /v1/admin/users/{email}/{action}      | action: promote, demote, disable, enable → User |
//! | GET    | /v1/admin/orphans                     | → [Orphan]                           |
//! | GET    | /v1/machines                          | → [Machine]                          |
//! | POST   | /v1/machines?dry_run=true             | MachineSpec → 201 Machine (dry run: 200, nothing written or pulled) |
//! | GET    | /v1/machines/{name}                   | → Machine                            |
//! | PATCH  | /v1/machines/{name}                   | MachineUpdate → Machine              |
//! | PUT    | /v1/machines/{name}?dry_run=true      | MachineSpec → ApplyResult (dry run: action create/update/unchanged) |
//! | DELETE | /v1/machines/{name}?force=true        | → 204                                |
//! | POST   | /v1/images/pull                       | ImagePull → NDJSON stream of PullProgress |
//! | GET    | /v1/instances?all=true                | → [Instance]                         |
//! | POST   | /v1/instances                         | InstanceCreate → 201 Instance        |
//! | GET    | /v1/instances/{ref}                   | → Instance                           |
//! | POST   | /v1/instances/{ref}/{action}          | action: start, stop, restart → Instance |
//! | POST   | /v1/instances/{ref}/wait?timeout=SECS | → Instance, or 504 with log lines    |
//! | GET    | /v1/instances/{ref}/logs?tail=N       | → text/plain                         |
//! | DELETE | /v1/instances/{ref}?volumes=true      | → 204                                |
//! | GET    | /v1/volumes                           | → [Volume]                           |
//! | DELETE | /v1/volumes/{name}                    | → 204                                |

pub mod accounts;
pub mod events;
pub mod instances;
pub mod machines;
pub mod version;

pub use accounts::*;
pub use events::*;
pub use instances::*;
pub use machines::*;
pub use version::*;

/// The API version this build speaks; it is the first segment of every path.
pub const API_VERSION: &str = "v1";

/// Largest request body the daemon accepts.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Percent-encodes one path segment (emails carry `@` and `+`).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Reverses [`encode_segment`]; `None` for malformed escapes or invalid UTF-8.
pub fn decode_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip() {
        for s in ["a+b@example.com", "plain", "sp ace/slash%", "ünï"] {
            assert_eq!(decode_segment(&encode_segment(s)).as_deref(), Some(s));
        }
        assert_eq!(decode_segment("%zz"), None);
        assert_eq!(decode_segment("%4"), None);
    }
}
