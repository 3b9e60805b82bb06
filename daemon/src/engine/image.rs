//! Docker image references, `[host[:port]/]path[:tag][@sha256:hex]`: the one parser both the
//! machine checks and the engine's pulls use, so they cannot disagree on what a reference means.

/// A parsed image reference. `name` keeps the registry host, if any, and the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    /// `sha256:` and its 64 hex digits.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Parses and checks a reference; the error says what is wrong with it.
    pub fn parse(image: &'a str) -> Result<ImageRef<'a>, String> {
        if image.is_empty() || image.len() > 255 {
            return Err("it must have 1 to 255 characters".into());
        }
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (image, None),
        };
        if let Some(d) = digest {
            let hex = d.strip_prefix("sha256:").unwrap_or("");
            if hex.len() != 64
                || !hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            {
                return Err("a digest is sha256: followed by 64 lowercase hex digits".into());
            }
        }
        // A `:` before the last `/` belongs to the registry host's port, not to a tag.
        let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if let Some(tag) = tag {
            if !valid_tag(tag) {
                return Err("a tag is up to 128 letters, digits, `_`, `.` and `-`".into());
            }
        }
        let mut parts = name.split('/');
        let mut first = parts.next();
        if name.contains('/') {
            if let Some(host) = first.filter(|f| is_host(f)) {
                if !valid_host(host) {
                    return Err("the registry host is malformed".into());
                }
                first = None;
            }
        }
        if !first.into_iter().chain(parts).all(valid_path_component) {
            return Err(
                "path components are lowercase letters and digits, separated by `.`, \
                        `_`, `__` or dashes"
                    .into(),
            );
        }
        Ok(ImageRef { name, tag, digest })
    }

    /// What a pull asks the engine for, as (image, tag): a reference without a tag means
    /// `latest`; one with a digest is pulled by the whole reference and no tag.
    pub fn pull_args(&self) -> (String, String) {
        match (self.tag, self.digest) {
            (Some(tag), Some(digest)) => (format!("{}:{tag}@{digest}", self.name), String::new()),
            (None, Some(digest)) => (format!("{}@{digest}", self.name), String::new()),
            (Some(tag), None) => (self.name.to_string(), tag.to_string()),
            (None, None) => (self.name.to_string(), "latest".to_string()),
        }
    }
}

fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 128
        && tag
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// Docker's rule: a first component with a `.` or a `:`, or `localhost`, is a registry host.
fn is_host(first: &str) -> bool {
    first.contains('.') || first.contains(':') || first == "localhost"
}

fn valid_host(first: &str) -> bool {
    let (host, port) = match first.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (first, None),
    };
    let host_ok = !host.is_empty()
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    host_ok && port_ok
}

fn valid_path_component(part: &str) -> bool {
    let bytes = part.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return false;
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(b))
    {
        return false;
    }
    // Separators: one `.`, one or two `_`, or any number of `-`.
    part.split(|c: char| c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .all(|sep| sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pull_args(image: &str) -> (String, String) {
        ImageRef::parse(image).unwrap().pull_args()
    }

    #[test]
    fn references_split_into_name_tag_and_digest() {
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            ImageRef::parse("127.0.0.1:5000/x/y:1.0").unwrap(),
            ImageRef {
                name: "127.0.0.1:5000/x/y",
                tag: Some("1.0"),
                digest: None
            }
        );
        let pinned = format!("ghcr.io/a/b:v1@{digest}");
        assert_eq!(
            ImageRef::parse(&pinned).unwrap(),
            ImageRef {
                name: "ghcr.io/a/b",
                tag: Some("v1"),
                digest: Some(&digest)
            }
        );
    }

    #[test]
    fn pulls_default_to_latest_and_digests_pull_whole() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(pull_args("redis"), s("redis", "latest"));
        assert_eq!(pull_args("redis:7"), s("redis", "7"));
        assert_eq!(
            pull_args("127.0.0.1:5000/x/y:1.0"),
            s("127.0.0.1:5000/x/y", "1.0")
        );
        assert_eq!(
            pull_args("127.0.0.1:5000/x/y"),
            s("127.0.0.1:5000/x/y", "latest")
        );
        let digest = format!("redis@sha256:{}", "a".repeat(64));
        assert_eq!(pull_args(&digest), s(&digest, ""));
        let tagged = format!("redis:7@sha256:{}", "a".repeat(64));
        assert_eq!(pull_args(&tagged), s(&tagged, ""));
    }

    #[test]
    fn malformed_references_say_why() {
        let why = |image: &str| ImageRef::parse(image).unwrap_err();
        assert!(why("").contains("1 to 255"));
        assert!(why(&"a".repeat(256)).contains("1 to 255"));
        assert!(why("redis@sha256:abc").contains("digest"));
        assert!(why("redis:-x").contains("tag"));
        assert!(why("host:99999/x").contains("registry host"));
        assert!(why("a..b").contains("path components"));
        assert!(why("/redis").contains("path components"));
    }
}
