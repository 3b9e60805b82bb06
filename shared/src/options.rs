//! The rules for a machine's run options (`shm_size`, `user`, `entrypoint`, `ulimits`,
//! `tmpfs`), shared so that the CLI refuses a bad flag before sending it and the daemon refuses
//! the same in a file or body. Errors name the key, as SPEC §9 asks; flags and file keys are
//! spelled as `docker run` spells them.

use std::collections::BTreeMap;

use crate::api::Ulimit;

/// The resource names Docker's `--ulimit` takes.
pub const ULIMIT_NAMES: [&str; 15] = [
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

/// The tmpfs mount flags rsrc passes on.
const TMPFS_FLAGS: [&str; 8] = [
    "ro", "rw", "exec", "noexec", "suid", "nosuid", "dev", "nodev",
];

/// 1 TiB: above it a size is a typo.
const MAX_SIZE: i64 = 1 << 40;

/// `64m`, `1g`, `512k`, `1048576` (bytes; a `b` may follow the unit, as `1gb`) → bytes, at
/// least 1 and at most 1 TiB. `key` names the setting in errors.
pub fn parse_size(key: &str, value: &str) -> Result<i64, String> {
    let bad =
        || format!("{key} `{value}` must be a number with an optional unit b, k, m or g (like 1g)");
    let v = value.trim().to_ascii_lowercase();
    let (digits, unit) = match v.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => v.split_at(i),
        None => (v.as_str(), ""),
    };
    let mult: i64 = match unit {
        "" | "b" => 1,
        "k" | "kb" => 1 << 10,
        "m" | "mb" => 1 << 20,
        "g" | "gb" => 1 << 30,
        _ => return Err(bad()),
    };
    let too_large = || format!("{key} `{value}` is too large (at most 1024g)");
    let n: i64 = match digits.parse() {
        Ok(n) => n,
        Err(_) if !digits.is_empty() => return Err(too_large()),
        Err(_) => return Err(bad()),
    };
    if n == 0 {
        return Err(format!("{key} `{value}` must be more than 0"));
    }
    n.checked_mul(mult)
        .filter(|b| *b <= MAX_SIZE)
        .ok_or_else(too_large)
}

/// `shm_size`: the size of the container's `/dev/shm` (Docker's default is 64m).
pub fn parse_shm_size(value: &str) -> Result<i64, String> {
    parse_size("shm_size", value)
}

/// A user or group as `docker run --user` takes it: a number or a name.
fn user_part_ok(part: &str) -> bool {
    if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
        return part.parse::<u32>().is_ok_and(|id| id < u32::MAX);
    }
    let mut bytes = part.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && part.len() <= 32
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

/// `user`: `NAME`, `UID`, `NAME:GROUP` or `UID:GID` (names as in the image's /etc/passwd).
pub fn check_user(user: &str) -> Result<(), String> {
    let (u, g) = match user.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (user, None),
    };
    if user_part_ok(u) && g.is_none_or(user_part_ok) {
        Ok(())
    } else {
        Err(format!(
            "user `{user}` must be a name or uid, optionally with `:group` or `:gid` (like 999:999)"
        ))
    }
}

/// `--user VALUE` → a checked user.
pub fn parse_user(value: &str) -> Result<String, String> {
    check_user(value)?;
    Ok(value.to_string())
}

/// One limit's values: -1 is unlimited; the soft limit is at most the hard one.
pub fn check_ulimit(name: &str, limit: Ulimit) -> Result<(), String> {
    if !ULIMIT_NAMES.contains(&name) {
        return Err(format!(
            "ulimits: unknown limit `{name}` (Docker knows {})",
            ULIMIT_NAMES.join(", ")
        ));
    }
    let Ulimit { soft, hard } = limit;
    if soft < -1 || hard < -1 {
        return Err(format!(
            "ulimits: {name} must be at least 0, or -1 for unlimited"
        ));
    }
    let above = |a: i64, b: i64| b != -1 && (a == -1 || a > b);
    if above(soft, hard) {
        return Err(format!(
            "ulimits: {name}'s soft limit {soft} is above its hard limit {hard}"
        ));
    }
    Ok(())
}

/// `--ulimit nofile=1024:2048` (soft:hard) or `--ulimit nproc=512` (both) → name and limit.
pub fn parse_ulimit(value: &str) -> Result<(String, Ulimit), String> {
    let bad = || {
        format!(
            "ulimit `{value}` must be NAME=SOFT[:HARD], like nofile=1024:2048 (-1 is unlimited)"
        )
    };
    let (name, values) = value.split_once('=').ok_or_else(bad)?;
    let number = |s: &str| match s.trim() {
        "unlimited" => Ok(-1),
        s => s.parse::<i64>().map_err(|_| bad()),
    };
    let limit = match values.split_once(':') {
        Some((soft, hard)) => Ulimit {
            soft: number(soft)?,
            hard: number(hard)?,
        },
        None => {
            let n = number(values)?;
            Ulimit { soft: n, hard: n }
        }
    };
    let name = name.trim().to_string();
    check_ulimit(&name, limit)?;
    Ok((name, limit))
}

/// An absolute, normalised container path other than `/`; `key` names the setting.
pub fn check_container_path(key: &str, path: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("{key} path `{path}` {why}"));
    if !path.starts_with('/') {
        return bad("must be absolute");
    }
    if path == "/" {
        return bad("must not be `/`");
    }
    if path.len() > 1024 || path.chars().any(|c| c.is_control() || c == ':' || c == ',') {
        return bad("has characters Docker cannot mount");
    }
    if path.ends_with('/')
        || path[1..]
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return bad("must be normalised (no `//`, `.`, `..` or trailing `/`)");
    }
    Ok(())
}

/// A tmpfs mount's options, comma-separated: `size=64m` (or a percentage of memory, `50%`),
/// `mode=1777` (octal), `uid=N`, `gid=N`, `nr_inodes=N[k|m|g]`, and the flags ro, rw, exec,
/// noexec, suid, nosuid, dev and nodev. Empty is Docker's defaults.
pub fn check_tmpfs_options(path: &str, options: &str) -> Result<(), String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    for opt in options.split(',').filter(|o| !o.is_empty()) {
        let bad = |why: String| Err(format!("tmpfs {path}: option `{opt}` {why}"));
        match opt.split_once('=') {
            None if TMPFS_FLAGS.contains(&opt) => {}
            None => {
                return bad(format!(
                    "is unknown (use size, mode, uid, gid, nr_inodes or {})",
                    TMPFS_FLAGS.join(", ")
                ))
            }
            Some(("size", v)) => {
                let ok = match v.strip_suffix('%') {
                    Some(pct) => digits(pct) && pct.parse::<u32>().is_ok_and(|p| p > 0),
                    None => parse_size("size", v).is_ok(),
                };
                if !ok {
                    return bad("must be a size like 64m, or a percentage like 50%".into());
                }
            }
            Some(("mode", v)) => {
                if v.is_empty() || v.len() > 4 || !v.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                    return bad("must be octal, like 1777".into());
                }
            }
            Some(("uid" | "gid", v)) => {
                if !digits(v) || v.parse::<u32>().is_err() {
                    return bad("must be a number".into());
                }
            }
            Some(("nr_inodes", v)) => {
                let n = v.trim_end_matches(['k', 'm', 'g']);
                if !digits(n) || v.len() - n.len() > 1 {
                    return bad("must be a number, like 4096 or 4k".into());
                }
            }
            Some(_) => return bad("is unknown (use size, mode, uid, gid or nr_inodes)".into()),
        }
    }
    Ok(())
}

/// `--tmpfs /run:size=64m,mode=1777` (options optional) → path and options.
pub fn parse_tmpfs(value: &str) -> Result<(String, String), String> {
    let (path, options) = value.split_once(':').unwrap_or((value, ""));
    check_container_path("tmpfs", path)?;
    check_tmpfs_options(path, options)?;
    Ok((path.to_string(), options.to_string()))
}

/// The whole `tmpfs` table: paths and options, and no path inside another.
pub fn check_tmpfs(tmpfs: &BTreeMap<String, String>) -> Result<(), String> {
    for (path, options) in tmpfs {
        check_container_path("tmpfs", path)?;
        check_tmpfs_options(path, options)?;
    }
    Ok(())
}

/// Whether `a` and `b` are the same path, or one is inside the other.
pub fn paths_overlap(a: &str, b: &str) -> bool {
    let inside = |x: &str, y: &str| x.strip_prefix(y).is_some_and(|rest| rest.starts_with('/'));
    a == b || inside(a, b) || inside(b, a)
}

/// Serde forms of the file keys: a limit is a number (soft and hard) or `{ soft, hard }`; the
/// tmpfs mounts are a table of path → options, or a list of `PATH[:OPTIONS]`.
pub mod serde_forms {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer};

    use crate::api::Ulimit;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Limit {
        Both(i64),
        Pair(Pair),
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Pair {
        soft: i64,
        hard: i64,
    }

    impl<'de> Deserialize<'de> for Ulimit {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            match Limit::deserialize(d).map_err(|_| {
                serde::de::Error::custom(
                    "a ulimit is a number, or { soft = N, hard = N } (-1 is unlimited)",
                )
            })? {
                Limit::Both(n) => Ok(Ulimit { soft: n, hard: n }),
                Limit::Pair(Pair { soft, hard }) => Ok(Ulimit { soft, hard }),
            }
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Tmpfs {
        Table(BTreeMap<String, String>),
        List(Vec<String>),
    }

    pub fn tmpfs<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
        match Tmpfs::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "tmpfs is a table of path = \"options\", or a list of \"PATH[:OPTIONS]\"",
            )
        })? {
            Tmpfs::Table(t) => Ok(t),
            Tmpfs::List(list) => {
                let mut t = BTreeMap::new();
                for item in list {
                    let (path, options) = item.split_once(':').unwrap_or((&item, ""));
                    if t.insert(path.to_string(), options.to_string()).is_some() {
                        return Err(serde::de::Error::custom(format!(
                            "tmpfs path `{path}` is given twice"
                        )));
                    }
                }
                Ok(t)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_docker() {
        assert_eq!(parse_shm_size("1g").unwrap(), 1 << 30);
        assert_eq!(parse_shm_size("64M").unwrap(), 64 << 20);
        assert_eq!(parse_shm_size("512kb").unwrap(), 512 << 10);
        assert_eq!(parse_shm_size("4096").unwrap(), 4096);
        for bad in [
            "",
            "g",
            "0",
            "0m",
            "1x",
            "1mbb",
            "-1g",
            "1.5g",
            "2000g",
            "9".repeat(30).as_str(),
        ] {
            let err = parse_shm_size(bad).unwrap_err();
            assert!(err.starts_with("shm_size"), "{bad}: {err}");
        }
    }

    #[test]
    fn users_are_names_or_ids() {
        for good in [
            "999",
            "999:999",
            "postgres",
            "postgres:postgres",
            "app:0",
            "_x-y.z",
        ] {
            assert!(check_user(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            ":",
            "999:",
            ":999",
            "a b",
            "-x",
            "1:2:3",
            "4294967295",
            "x;y",
            "日本",
        ] {
            let err = check_user(bad).unwrap_err();
            assert!(err.starts_with("user"), "{bad}: {err}");
        }
    }

    #[test]
    fn ulimits_parse_and_check() {
        assert_eq!(
            parse_ulimit("nofile=1024:2048").unwrap(),
            (
                "nofile".into(),
                Ulimit {
                    soft: 1024,
                    hard: 2048
                }
            )
        );
        assert_eq!(
            parse_ulimit("nproc=512").unwrap().1,
            Ulimit {
                soft: 512,
                hard: 512
            }
        );
        assert_eq!(
            parse_ulimit("memlock=-1:-1").unwrap().1,
            Ulimit { soft: -1, hard: -1 }
        );
        assert_eq!(parse_ulimit("memlock=unlimited").unwrap().1.hard, -1);
        assert!(parse_ulimit("core=0:-1").is_ok());
        for bad in [
            "nofile",
            "nofile=",
            "nofile=x",
            "files=10",
            "nofile=2048:1024",
            "nofile=-1:10",
            "nofile=-2",
            "nofile=1:2:3",
        ] {
            let err = parse_ulimit(bad).unwrap_err();
            assert!(err.contains("ulimit"), "{bad}: {err}");
        }
    }

    #[test]
    fn tmpfs_paths_and_options() {
        assert_eq!(
            parse_tmpfs("/run:size=64m,mode=1777").unwrap(),
            ("/run".into(), "size=64m,mode=1777".into())
        );
        assert_eq!(parse_tmpfs("/tmp").unwrap(), ("/tmp".into(), String::new()));
        assert!(parse_tmpfs("/tmp:size=50%,noexec,nosuid,uid=999,gid=999,nr_inodes=4k").is_ok());
        for bad in [
            "run",
            "/",
            "/run/",
            "/a/../b",
            "/run:size=lots",
            "/run:size=0",
            "/run:mode=999",
            "/run:uid=x",
            "/run:bind",
            "/run:foo=1",
            "/run:nr_inodes=4kk",
        ] {
            let err = parse_tmpfs(bad).unwrap_err();
            assert!(err.starts_with("tmpfs"), "{bad}: {err}");
        }
    }

    #[test]
    fn overlapping_paths() {
        assert!(paths_overlap("/data", "/data"));
        assert!(paths_overlap("/data", "/data/tmp"));
        assert!(paths_overlap("/data/tmp", "/data"));
        assert!(!paths_overlap("/data", "/database"));
        assert!(!paths_overlap("/run", "/data"));
    }
}
