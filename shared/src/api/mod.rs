//! The `/v1` API: request and response bodies, one file per resource; in [`endpoints`] every
//! endpoint (method, path, query, request and response), and in [`query`] their query strings.

pub mod accounts;
pub mod code;
pub mod endpoints;
pub mod events;
pub mod exec;
pub mod feed;
pub mod frames;
pub mod instances;
pub mod logs;
pub mod machines;
pub mod query;
pub mod status;
pub mod uptime;
pub mod version;

pub use accounts::*;
pub use code::{Code, NotACode};
pub use events::*;
pub use feed::*;
pub use instances::*;
pub use machines::*;
pub use status::*;
pub use uptime::*;
pub use version::*;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The API version this build speaks; it is the first segment of every path.
pub const API_VERSION: &str = "v1";

/// Largest request body the daemon accepts.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What [`encode_segment`] escapes: everything but RFC 3986's unreserved characters, so that
/// `/`, `?`, `%`, `@` and `+` in a name or an email never change the shape of a path.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment (emails carry `@` and `+`).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Reverses [`encode_segment`]; `None` for malformed escapes or invalid UTF-8.
pub fn decode_segment(segment: &str) -> Option<String> {
    // percent-encoding passes a malformed escape through as text; a path with one is refused.
    let bytes = segment.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
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
        assert_eq!(decode_segment("%+1"), None);
        assert_eq!(decode_segment("100%"), None);
        assert_eq!(decode_segment("%FF"), None, "not UTF-8");
    }

    #[test]
    fn segments_escape_all_but_unreserved_characters() {
        assert_eq!(encode_segment("a+b@example.com"), "a%2Bb%40example.com");
        assert_eq!(encode_segment("Az09-._~"), "Az09-._~");
        assert_eq!(encode_segment("../x?y=1#z"), "..%2Fx%3Fy%3D1%23z");
        assert_eq!(encode_segment("ü"), "%C3%BC");
        assert_eq!(encode_segment(""), "");
        assert_eq!(
            decode_segment("a%2bb").as_deref(),
            Some("a+b"),
            "lower-case hex"
        );
    }

    /// `as_str` and `parse` come from strum, the wire names from serde: they must agree.
    fn agrees_with_serde<T>(
        values: &[T],
        as_str: fn(T) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) where
        T: Copy + PartialEq + std::fmt::Debug + serde::Serialize,
    {
        for &value in values {
            let wire = serde_json::to_value(value).unwrap();
            assert_eq!(wire.as_str(), Some(as_str(value)), "{value:?}");
            assert_eq!(parse(as_str(value)), Some(value));
        }
        assert_eq!(parse("nonsense"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn enum_names_agree_with_serde() {
        agrees_with_serde(&[Role::User, Role::Admin], Role::as_str, Role::parse);
        agrees_with_serde(
            &[Protocol::Tcp, Protocol::Udp],
            Protocol::as_str,
            Protocol::parse,
        );
        agrees_with_serde(
            &[
                RestartPolicy::No,
                RestartPolicy::OnFailure,
                RestartPolicy::UnlessStopped,
            ],
            RestartPolicy::as_str,
            RestartPolicy::parse,
        );
        agrees_with_serde(
            &[
                UserAction::Promote,
                UserAction::Demote,
                UserAction::Disable,
                UserAction::Enable,
            ],
            UserAction::as_str,
            UserAction::parse,
        );
        assert_eq!(RestartPolicy::OnFailure.as_str(), "on-failure");
        assert_eq!(Protocol::parse("TCP"), None, "case matters, as in serde");
    }
}
