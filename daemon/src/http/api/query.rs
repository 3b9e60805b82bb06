//! Query strings into typed structs (`serde_urlencoded`), with the daemon's rules on top: a bad
//! escape is a 400 (form decoding would pass `%zz` through as text), the first of repeated keys
//! counts, and unknown keys are ignored. The structs and their messages are
//! `rsrc_shared::api::query`'s.

use std::collections::HashSet;

use rsrc_shared::api::decode_segment;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Checks every escape in `raw` and keeps the first pair of each key: the query a handler's
/// struct is later decoded from.
pub fn normalize(raw: &str) -> Result<String> {
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            decode_segment(&s.replace('+', " "))
                .ok_or_else(|| Error::invalid(format!("bad query parameter `{pair}`")))
        };
        let key = decode(k)?;
        decode(v)?;
        if seen.insert(key) {
            kept.push(pair);
        }
    }
    Ok(kept.join("&"))
}

/// Decodes a query that went through `normalize`.
pub fn decode<T: DeserializeOwned>(normalized: &str) -> Result<T> {
    serde_urlencoded::from_str(normalized).map_err(|e| Error::invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use rsrc_shared::api::query::flag;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Remove {
        #[serde(default, deserialize_with = "flag::force")]
        force: bool,
    }

    fn force(query: &str) -> Result<bool> {
        decode::<Remove>(&normalize(query)?).map(|q| q.force)
    }

    #[test]
    fn flags_take_the_documented_spellings() {
        for (query, want) in [
            ("", false),
            ("force", true),
            ("force=", true),
            ("force=true", true),
            ("force=1", true),
            ("force=false", false),
            ("force=0", false),
            ("other=x", false),
            ("force=0&force=1", false),
            ("a=1&&force&b", true),
        ] {
            assert_eq!(force(query).unwrap(), want, "{query:?}");
        }
    }

    #[test]
    fn bad_flags_and_escapes_are_invalid_requests() {
        for query in ["force=yes", "force=TRUE", "force=2", "force=%20"] {
            let err = force(query).unwrap_err();
            assert_eq!(err.code().as_str(), "invalid_request", "{query}");
            assert!(
                err.to_string()
                    .starts_with("query parameter `force` must be true or false"),
                "{query}: {err}"
            );
        }
        for query in ["force=%zz", "x=%ff", "%zz", "force=%e2%82"] {
            let err = force(query).unwrap_err();
            assert_eq!(err.to_string(), format!("bad query parameter `{query}`"));
        }
    }

    #[test]
    fn normalizing_keeps_first_keys_and_decodes_later() {
        assert_eq!(
            normalize("all=true&tail=5&x&all=0").unwrap(),
            "all=true&tail=5&x"
        );
        assert_eq!(normalize("a+b=c%2Bd").unwrap(), "a+b=c%2Bd");
        #[derive(Deserialize)]
        struct Q {
            #[serde(rename = "a b")]
            ab: String,
        }
        assert_eq!(decode::<Q>("a+b=c%2Bd").unwrap().ab, "c+d");
    }
}
