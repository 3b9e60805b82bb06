//! The checks of a machine spec. Every write validates the whole spec first, so a bad value
//! leaves nothing behind; error messages name the field.

use std::collections::HashSet;

use crate::engine::image::ImageRef;
use rsrc_shared::api::MachineSpec;

use super::connect::{self, Piece, Placeholder};
use crate::error::{Error, Result};

use crate::engine::MAX_STOP_TIMEOUT_SECS;

/// `SIGINT`, `INT` or `2` → the canonical name Docker writes (`SIGINT`).
pub fn normalize_stop_signal(value: &str) -> Result<String> {
    let bad = |why: &str| Err(Error::invalid(format!("stop_signal `{value}` {why}")));
    match rsrc_shared::signal::number(value) {
        None => bad("is not a signal (use a name like SIGINT or SIGTERM, or a number)"),
        Some(9) => bad("cannot be SIGKILL: a stop would give the service no time to shut down"),
        Some(19) => bad("cannot be SIGSTOP: it pauses the process rather than stopping it"),
        Some(n) => Ok(rsrc_shared::signal::name(n).unwrap_or_else(|| n.to_string())),
    }
}

/// `30s`, `1m30s`, `10` (seconds) → whole seconds, 0 to [`MAX_STOP_TIMEOUT_SECS`].
pub fn parse_stop_timeout(value: &str) -> Result<i64> {
    let bad = || {
        Error::invalid(format!(
            "stop_timeout `{value}` must be a duration in whole seconds like 30s or 2m, at most \
             {}m",
            MAX_STOP_TIMEOUT_SECS / 60
        ))
    };
    let v = value.trim();
    let d = match v.parse::<u64>() {
        Ok(secs) => std::time::Duration::from_secs(secs),
        Err(_) => humantime::parse_duration(v).map_err(|_| bad())?,
    };
    if d.subsec_nanos() != 0 || d.as_secs() > MAX_STOP_TIMEOUT_SECS {
        return Err(bad());
    }
    Ok(d.as_secs() as i64)
}

/// Docker refuses less memory than this.
const MIN_MEMORY: i64 = 6 * 1024 * 1024;
/// 1 TiB: more than any host here has; above it a value is a typo, not a limit.
const MAX_MEMORY: i64 = 1 << 40;

/// A slug: lowercase letters, digits and inner dashes, 1–63 characters.
pub fn validate_slug(field: &str, value: &str) -> Result<()> {
    let ok = !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{field} `{value}` must be 1-63 lowercase letters, digits and inner dashes"
        )))
    }
}

/// A Docker image reference: `[host[:port]/]path[:tag][@sha256:hex]`.
pub fn validate_image(image: &str) -> Result<()> {
    ImageRef::parse(image)
        .map(drop)
        .map_err(|why| Error::invalid(format!("image `{image}` is not a valid reference: {why}")))
}

pub fn validate_prop_name(name: &str) -> Result<()> {
    rsrc_shared::env::check_key(name).map_err(Error::Invalid)
}

/// An absolute, normalised container path other than `/`.
pub fn validate_volume_path(path: &str) -> Result<()> {
    rsrc_shared::options::check_container_path("volume", path).map_err(Error::Invalid)
}

/// `256m`, `1g`, `512k`, `1048576` (bytes) → bytes.
pub fn parse_memory(value: &str) -> Result<i64> {
    let bad = || {
        Error::invalid(format!(
            "memory `{value}` must be a number with an optional unit b, k, m or g (like 256m)"
        ))
    };
    let v = value.trim().to_ascii_lowercase();
    let (digits, unit) = match v.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => v.split_at(i),
        None => (v.as_str(), ""),
    };
    let too_large = || {
        Error::invalid(format!(
            "memory `{value}` is too large (at most {}g)",
            MAX_MEMORY >> 30
        ))
    };
    let n: i64 = match digits.parse() {
        Ok(n) => n,
        // All digits but no i64: a number, just too big.
        Err(_) if !digits.is_empty() => return Err(too_large()),
        Err(_) => return Err(bad()),
    };
    let mult: i64 = match unit.trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        _ => return Err(bad()),
    };
    if unit.len() > 2 || (unit.len() == 2 && !unit.ends_with('b')) {
        return Err(bad());
    }
    let bytes = n
        .checked_mul(mult)
        .filter(|b| *b <= MAX_MEMORY)
        .ok_or_else(too_large)?;
    if bytes < MIN_MEMORY {
        return Err(Error::invalid(format!(
            "memory `{value}` is below Docker's minimum of 6m"
        )));
    }
    Ok(bytes)
}

/// The placeholders a connect template may use: `{port:N}` only for a declared port, and
/// `{env.PROP}` only for a prop that is not secret, so a template never reveals a secret.
fn validate_connect(template: &str, spec: &MachineSpec) -> Result<()> {
    for piece in connect::parse(template)? {
        let Piece::Placeholder(placeholder) = piece else {
            continue;
        };
        let declared = match &placeholder {
            Placeholder::PortOf(port) => spec.ports.iter().any(|mp| mp.port == *port),
            Placeholder::Env(name) => spec.props.iter().any(|p| p.name == *name && !p.secret),
            Placeholder::Host | Placeholder::Port | Placeholder::Name | Placeholder::Id => true,
        };
        if !declared {
            return Err(connect::unknown_placeholder(&placeholder.to_string()));
        }
    }
    Ok(())
}

/// Checks and normalises a whole spec. Error messages name the field.
pub fn validate_spec(mut spec: MachineSpec) -> Result<MachineSpec> {
    validate_slug("name", &spec.name)?;
    spec.image = spec.image.trim().to_string();
    validate_image(&spec.image)?;
    if spec.description.chars().count() > 1000 {
        return Err(Error::invalid(
            "description must have at most 1000 characters",
        ));
    }
    // Every user reads the description: no escapes or bidi controls. A line break is kept, for
    // a description written as a multi-line TOML string.
    if spec
        .description
        .chars()
        .any(|c| c != '\n' && rsrc_shared::text::is_unprintable(c))
    {
        return Err(Error::invalid(
            "description may not contain control characters or bidi controls",
        ));
    }
    if spec.ports.is_empty() {
        return Err(Error::invalid("ports: a machine needs at least one port"));
    }
    let mut seen = HashSet::new();
    for p in &spec.ports {
        if p.port == 0 {
            return Err(Error::invalid(format!(
                "port {} is outside 1-65535",
                p.port
            )));
        }
        if !seen.insert((p.port, p.protocol)) {
            return Err(Error::invalid(format!(
                "port {}/{} is given twice",
                p.port,
                p.protocol.as_str()
            )));
        }
    }
    let mut names = HashSet::new();
    for prop in &spec.props {
        validate_prop_name(&prop.name)?;
        if !names.insert(prop.name.clone()) {
            return Err(Error::invalid(format!(
                "prop `{}` is given twice",
                prop.name
            )));
        }
        if prop.required && prop.default.is_some() {
            return Err(Error::invalid(format!(
                "prop `{}` is required, so it cannot have a default",
                prop.name
            )));
        }
        if prop.default.as_deref().is_some_and(|d| d.contains('\0')) {
            return Err(Error::invalid(format!(
                "prop `{}`: default has a NUL byte",
                prop.name
            )));
        }
    }
    let mut paths = HashSet::new();
    for v in &spec.volumes {
        validate_volume_path(v)?;
        if !paths.insert(v.clone()) {
            return Err(Error::invalid(format!("volume path `{v}` is given twice")));
        }
    }
    if let Some(mem) = &spec.limits.memory {
        parse_memory(mem)?;
    }
    if let Some(cpus) = spec.limits.cpus {
        // The same rule the CLI applies to --cpus and files; the host's count is checked in
        // `prepare`, which asks the engine.
        rsrc_shared::limits::check_cpus(cpus).map_err(Error::Invalid)?;
    }
    if let Some(pids) = spec.limits.pids {
        if pids <= 0 {
            return Err(Error::invalid("pids must be at least 1"));
        }
    }
    if spec.max_per_user < 1 {
        return Err(Error::invalid("max_per_user must be at least 1"));
    }
    if let Some(cmd) = &spec.command {
        if cmd.is_empty() {
            spec.command = None;
        } else if cmd.iter().any(|a| a.contains('\0')) {
            return Err(Error::invalid(
                "command: arguments must not contain NUL bytes",
            ));
        }
    }
    spec.stop_signal = match spec.stop_signal.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(normalize_stop_signal(v)?),
    };
    spec.stop_timeout = match spec.stop_timeout.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => {
            parse_stop_timeout(v)?;
            Some(v.to_string())
        }
    };
    if let Some(t) = &spec.connect {
        if t.trim().is_empty() {
            spec.connect = None;
        } else {
            validate_connect(t, &spec)?;
        }
    }
    super::options::validate_options(&mut spec)?;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsrc_shared::api::{Limits, MachinePort, Prop, Protocol, RestartPolicy};

    fn spec() -> MachineSpec {
        MachineSpec {
            name: "redis".into(),
            description: String::new(),
            image: "redis:7".into(),
            ports: vec![MachinePort {
                port: 6379,
                protocol: Protocol::Tcp,
            }],
            props: vec![],
            command: None,
            volumes: vec!["/data".into()],
            limits: Limits::default(),
            max_per_user: 2,
            active: true,
            connect: Some("redis://{host}:{port}".into()),
            restart: RestartPolicy::UnlessStopped,
            shm_size: None,
            user: None,
            entrypoint: None,
            ulimits: Default::default(),
            tmpfs: Default::default(),
            stop_signal: None,
            stop_timeout: None,
            exec: true,
        }
    }

    #[test]
    fn image_references() {
        for good in [
            "redis",
            "redis:7",
            "library/redis:7.2-alpine",
            "127.0.0.1:5000/rsrc-test-busybox:latest",
            "localhost/x",
            "ghcr.io/a/b__c/d-e.f:v1_2",
            &format!("redis@sha256:{}", "0".repeat(64)),
        ] {
            assert!(validate_image(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Redis",
            "redis:",
            "redis:-x",
            "re dis",
            "/redis",
            "redis/",
            "a//b",
            "redis@sha256:abc",
            "a..b",
            "host:99999/x",
        ] {
            assert!(validate_image(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn volume_paths() {
        assert!(validate_volume_path("/data").is_ok());
        assert!(validate_volume_path("/var/lib/postgresql/data").is_ok());
        for bad in ["data", "/", "/data/", "/a//b", "/a/../b", "/a/./b", "/a:b"] {
            assert!(validate_volume_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("256m").unwrap(), 256 << 20);
        assert_eq!(parse_memory("1g").unwrap(), 1 << 30);
        assert_eq!(parse_memory("1GB").unwrap(), 1 << 30);
        assert_eq!(parse_memory("10485760").unwrap(), 10 << 20);
        for bad in ["", "m", "12x", "1mm", "-5m", "1k", "99999999999999999g"] {
            assert!(parse_memory(bad).is_err(), "{bad}");
        }
        for huge in ["99999999999g", "99999999999999999999", "2000g"] {
            let err = parse_memory(huge).unwrap_err().to_string();
            assert!(err.contains("too large"), "{huge}: {err}");
        }
    }

    #[test]
    fn specs_are_checked_field_by_field() {
        assert!(validate_spec(spec()).is_ok());
        // A port above 65535 does not even decode: ports are u16 on the wire.
        let mut wire = serde_json::to_value(spec()).unwrap();
        wire["ports"][0]["port"] = 70000.into();
        let err = serde_json::from_value::<MachineSpec>(wire).unwrap_err();
        assert!(err.to_string().contains("expected u16"), "{err}");
        type Mutation = Box<dyn Fn(&mut MachineSpec)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (Box::new(|s| s.name = "Bad_Name".into()), "name"),
            (
                Box::new(|s| s.description = "x\u{1b}]0;owned\u{7}".into()),
                "description",
            ),
            (
                Box::new(|s| s.description = "x\u{202e}y".into()),
                "description",
            ),
            (Box::new(|s| s.ports[0].port = 0), "port"),
            (Box::new(|s| s.ports.push(s.ports[0].clone())), "twice"),
            (Box::new(|s| s.ports.clear()), "ports"),
            (
                Box::new(|s| {
                    s.props.push(Prop {
                        name: "lower".into(),
                        required: false,
                        default: None,
                        secret: false,
                        allow_empty: false,
                    })
                }),
                "prop name",
            ),
            (Box::new(|s| s.volumes.push("/".into())), "volume path"),
            (
                Box::new(|s| s.limits.memory = Some("lots".into())),
                "memory",
            ),
            (Box::new(|s| s.limits.cpus = Some(0.0)), "cpus"),
            (Box::new(|s| s.limits.cpus = Some(f64::NAN)), "cpus"),
            (Box::new(|s| s.limits.cpus = Some(f64::INFINITY)), "cpus"),
            (Box::new(|s| s.limits.cpus = Some(-0.5)), "cpus"),
            (Box::new(|s| s.limits.cpus = Some(0.005)), "cpus"),
            (Box::new(|s| s.limits.pids = Some(0)), "pids"),
            (Box::new(|s| s.max_per_user = 0), "max_per_user"),
            (
                Box::new(|s| s.connect = Some("x://{nope}".into())),
                "placeholder",
            ),
        ];
        for (mutate, field) in cases {
            let mut s = spec();
            mutate(&mut s);
            let err = validate_spec(s).unwrap_err().to_string();
            assert!(err.contains(field), "expected `{field}` in: {err}");
        }
    }

    #[test]
    fn connect_templates_may_not_reveal_secrets() {
        let mut s = spec();
        s.props.push(Prop {
            name: "PASSWORD".into(),
            required: true,
            default: None,
            secret: true,
            allow_empty: false,
        });
        s.connect = Some("redis://:{env.PASSWORD}@{host}:{port}".into());
        assert!(validate_spec(s).is_err());
    }

    #[test]
    fn connect_templates_use_declared_ports_and_props_only() {
        let mut s = spec();
        s.props.push(Prop {
            name: "USER".into(),
            required: false,
            default: Some("default".into()),
            secret: false,
            allow_empty: false,
        });
        let check = |template: &str| {
            let mut s = s.clone();
            s.connect = Some(template.into());
            validate_spec(s)
                .map(|s| s.connect)
                .map_err(|e| e.to_string())
        };
        let ok = "redis://{env.USER}@{host}:{port:6379}/{name}/{id}";
        assert_eq!(check(ok), Ok(Some(ok.to_string())));
        assert_eq!(check("  "), Ok(None), "a blank template is none");
        for (bad, why) in [
            (
                "x://{host}:{port:6380}",
                "unknown placeholder `{port:6380}`",
            ),
            ("x://{env.NOPE}", "unknown placeholder `{env.NOPE}`"),
            ("x://{host", "unclosed"),
        ] {
            let err = check(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn stop_keys_are_checked_and_normalised() {
        let with = |signal: Option<&str>, timeout: Option<&str>| {
            validate_spec(MachineSpec {
                stop_signal: signal.map(Into::into),
                stop_timeout: timeout.map(Into::into),
                ..spec()
            })
        };
        let s = with(Some("int"), Some("30s")).unwrap();
        assert_eq!(s.stop_signal.as_deref(), Some("SIGINT"));
        assert_eq!(s.stop_timeout.as_deref(), Some("30s"));
        assert_eq!(
            with(Some("2"), None).unwrap().stop_signal.as_deref(),
            Some("SIGINT")
        );
        let s = with(Some(" "), Some("")).unwrap();
        assert_eq!((s.stop_signal, s.stop_timeout), (None, None));
        for (signal, timeout, says) in [
            (Some("SIGFOO"), None, "stop_signal `SIGFOO` is not a signal"),
            (Some("SIGKILL"), None, "cannot be SIGKILL"),
            (None, Some("soon"), "stop_timeout `soon` must be a duration"),
            (None, Some("1.5s"), "whole seconds"),
            (None, Some("11m"), "at most 10m"),
        ] {
            let err = with(signal, timeout).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
        assert_eq!(parse_stop_timeout("2m").unwrap(), 120);
        assert_eq!(parse_stop_timeout("0").unwrap(), 0);
    }
}
