//! An instance's environment and what users connect to: the machine's props applied to the
//! requested env, the first port, and the connect template filled in.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use rsrc_shared::api::{MachineSpec, PortMapping, Protocol};

use super::Row;
use crate::domain::machines::connect::{self, Placeholder};
use crate::error::{Error, Result};

/// Applies the machine's props to the requested environment: unknown keys and missing required
/// props are refused, defaults fill the rest. Returns the full environment for Docker and the
/// one to store (secret values left out).
#[allow(clippy::type_complexity)]
pub fn build_env(
    spec: &MachineSpec,
    given: &BTreeMap<String, String>,
) -> Result<(Vec<String>, BTreeMap<String, Option<String>>)> {
    let known: HashSet<&str> = spec.props.iter().map(|p| p.name.as_str()).collect();
    let mut unknown: Vec<&str> = given
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect();
    if !unknown.is_empty() {
        unknown.sort();
        let mut allowed: Vec<&str> = known.into_iter().collect();
        allowed.sort();
        return Err(Error::invalid(format!(
            "unknown env key(s) {}; machine `{}` takes: {}",
            unknown.join(", "),
            spec.name,
            if allowed.is_empty() {
                "none".to_string()
            } else {
                allowed.join(", ")
            }
        )));
    }
    let mut missing = Vec::new();
    let mut docker_env = Vec::new();
    let mut stored = BTreeMap::new();
    for prop in &spec.props {
        let value = given.get(&prop.name).cloned().or(prop.default.clone());
        match value {
            Some(v) if v.is_empty() && prop.required && !prop.allow_empty => {
                return Err(Error::invalid(format!(
                    "env {}: a required prop cannot be empty (machine `{}` does not allow it)",
                    prop.name, spec.name
                )));
            }
            Some(v) => {
                if v.contains('\0') {
                    return Err(Error::invalid(format!(
                        "env {}: value has a NUL byte",
                        prop.name
                    )));
                }
                docker_env.push(format!("{}={v}", prop.name));
                stored.insert(prop.name.clone(), (!prop.secret).then_some(v));
            }
            None if prop.required => missing.push(prop.name.as_str()),
            None => {}
        }
    }
    if !missing.is_empty() {
        return Err(Error::invalid(format!(
            "missing required env: {} (give each with --env KEY=VALUE)",
            missing.join(", ")
        )));
    }
    Ok((docker_env, stored))
}

/// The instance's mapping of the machine's first declared port (of `protocol`, if given): what
/// `{port}` and `--wait` mean by "the first port". The instance's ports are listed by container
/// port, so the first of them need not be the first the machine declares. Falls back to the
/// lowest when the machine no longer declares any of the instance's ports.
pub fn first_port<'a>(
    spec: &MachineSpec,
    ports: &'a [PortMapping],
    protocol: Option<Protocol>,
) -> Option<&'a PortMapping> {
    let wanted = |p: &&PortMapping| protocol.is_none_or(|proto| p.protocol == proto);
    spec.ports
        .iter()
        .find_map(|mp| {
            ports
                .iter()
                .filter(wanted)
                .find(|p| p.container_port == mp.port && p.protocol == mp.protocol)
        })
        .or_else(|| ports.iter().find(wanted))
}

/// Fills a connect template; placeholders were checked when the machine was saved.
pub fn render_connect(template: &str, host: &str, row: &Row, ports: &[PortMapping]) -> String {
    let host_port = |port: Option<&PortMapping>, out: &mut String| {
        if let Some(p) = port {
            // Writing into a String cannot fail.
            let _ = write!(out, "{}", p.host_port);
        }
    };
    connect::render(template, |placeholder, out| match placeholder {
        Placeholder::Host => out.push_str(host),
        Placeholder::Port => host_port(first_port(&row.machine_spec, ports, None), out),
        Placeholder::PortOf(port) => {
            host_port(ports.iter().find(|p| p.container_port == *port), out)
        }
        Placeholder::Name => out.push_str(&row.name),
        Placeholder::Id => out.push_str(&row.id),
        Placeholder::Env(prop) => {
            if let Some(Some(v)) = row.env.get(prop) {
                out.push_str(v)
            }
        }
    })
}
