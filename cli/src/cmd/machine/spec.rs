//! Machine flags and `machine apply` files, turned into the API's MachineSpec and
//! MachineUpdate. Pure functions: nothing here talks to the daemon.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use rsrc_shared::api::{
    Limits, MachineFile, MachinePort, MachineSpec, MachineUpdate, Prop, Protocol, Ulimit,
};

use super::{CommonArgs, CreateArgs, PropArg, UpdateArgs};
use crate::cmd::account::OnOff;
use crate::error::{CliError, CliResult};

/// `6379`, `6379/tcp` or `53/udp`.
pub fn parse_port(s: &str) -> Result<MachinePort, String> {
    let (num, proto) = match s.split_once('/') {
        Some((n, p)) => (n, p),
        None => (s, "tcp"),
    };
    let proto = proto.to_ascii_lowercase();
    let protocol = Protocol::parse(&proto)
        .ok_or_else(|| format!("unknown protocol `{proto}` (use tcp or udp)"))?;
    let port: u32 = num
        .parse()
        .map_err(|_| format!("`{num}` is not a port number"))?;
    let port = u16::try_from(port)
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| format!("port {port} is out of range (1-65535)"))?;
    Ok(MachinePort { port, protocol })
}

/// An environment variable name, by the rule the daemon applies too (`rsrc_shared::env`).
pub fn parse_key(s: &str) -> Result<String, String> {
    rsrc_shared::env::check_key(s)?;
    Ok(s.to_string())
}

/// `KEY` or `KEY=DEFAULT` (the default may be empty or contain `=`).
pub fn parse_prop(s: &str) -> Result<PropArg, String> {
    let (key, default) = match s.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None => (s, None),
    };
    Ok(PropArg {
        key: parse_key(key)?,
        default,
    })
}

/// `--command 'sh -c "echo a; echo b"'` -> argv, split like a POSIX shell splits (no shell
/// runs); `None` for no flag. An empty command is an error.
pub fn split_command(cmd: Option<&str>) -> CliResult<Option<Vec<String>>> {
    match cmd {
        None => Ok(None),
        Some(c) => {
            let argv = rsrc_shared::limits::split_command(c).map_err(CliError::usage)?;
            if argv.is_empty() {
                Err(CliError::usage("--command is empty"))
            } else {
                Ok(Some(argv))
            }
        }
    }
}

/// `--entrypoint` -> argv, split as --command is; `''` is an empty list, which clears the
/// image's entrypoint.
pub fn split_entrypoint(entrypoint: Option<&str>) -> CliResult<Option<Vec<String>>> {
    entrypoint
        .map(|e| {
            rsrc_shared::limits::split_command(e)
                .map_err(|why| CliError::usage(format!("--entrypoint: {why}")))
        })
        .transpose()
}

/// `--ulimit` flags as a table; one name given twice is an error.
fn ulimits(common: &CommonArgs) -> CliResult<BTreeMap<String, Ulimit>> {
    let mut table = BTreeMap::new();
    for (name, limit) in &common.ulimits {
        if table.insert(name.clone(), *limit).is_some() {
            return Err(CliError::usage(format!("--ulimit {name} is given twice")));
        }
    }
    Ok(table)
}

/// `--tmpfs` flags as a table; one path given twice is an error.
fn tmpfs(common: &CommonArgs) -> CliResult<BTreeMap<String, String>> {
    let mut table = BTreeMap::new();
    for (path, options) in &common.tmpfs {
        if table.insert(path.clone(), options.clone()).is_some() {
            return Err(CliError::usage(format!("--tmpfs {path} is given twice")));
        }
    }
    Ok(table)
}

/// Merges the three prop flags into one list in the order given: --prop, --secret-prop, then
/// keys only named by --required-prop. A key may be both secret and required; one key with two
/// defaults is an error.
pub fn build_props(common: &CommonArgs) -> CliResult<Vec<Prop>> {
    let mut props: Vec<Prop> = Vec::new();
    let mut add = |arg: &PropArg, secret: bool| -> CliResult {
        if let Some(p) = props.iter_mut().find(|p| p.name == arg.key) {
            if p.default.is_some() && arg.default.is_some() && p.default != arg.default {
                return Err(CliError::usage(format!(
                    "prop {} is given two defaults",
                    arg.key
                )));
            }
            if arg.default.is_some() {
                p.default = arg.default.clone();
            }
            p.secret |= secret;
        } else {
            props.push(Prop {
                name: arg.key.clone(),
                required: false,
                default: arg.default.clone(),
                secret,
                allow_empty: false,
            });
        }
        Ok(())
    };
    for arg in &common.props {
        add(arg, false)?;
    }
    for arg in &common.secret_props {
        add(arg, true)?;
    }
    for key in &common.required_props {
        add(
            &PropArg {
                key: key.clone(),
                default: None,
            },
            false,
        )?;
    }
    for key in &common.allow_empty {
        match props.iter_mut().find(|p| &p.name == key) {
            Some(p) => p.allow_empty = true,
            None => {
                return Err(CliError::usage(format!(
                    "--allow-empty {key} names no prop; declare it with --prop or --required-prop"
                )))
            }
        }
    }
    for key in &common.required_props {
        if let Some(p) = props.iter_mut().find(|p| &p.name == key) {
            if p.default.is_some() {
                return Err(CliError::usage(format!(
                    "prop {key} is required, so a default for it would never be used"
                )));
            }
            p.required = true;
        }
    }
    Ok(props)
}

fn has_prop_flags(common: &CommonArgs) -> bool {
    !common.props.is_empty()
        || !common.required_props.is_empty()
        || !common.secret_props.is_empty()
        || !common.allow_empty.is_empty()
}

pub(super) fn has_limit_flags(common: &CommonArgs) -> bool {
    common.memory.is_some() || common.cpus.is_some() || common.pids.is_some()
}

pub fn build_spec(args: &CreateArgs) -> CliResult<MachineSpec> {
    let c = &args.common;
    Ok(MachineSpec {
        name: args.name.clone(),
        description: c.description.clone().unwrap_or_default(),
        image: args.image.clone(),
        ports: args.ports.clone(),
        props: build_props(c)?,
        command: split_command(c.command.as_deref())?,
        volumes: c.volumes.clone(),
        limits: Limits {
            memory: c.memory.clone(),
            cpus: c.cpus,
            pids: c.pids,
        },
        max_per_user: c.max_per_user.unwrap_or(1),
        active: !args.inactive,
        connect: c.connect.clone(),
        restart: c.restart.map(Into::into).unwrap_or_default(),
        shm_size: c.shm_size.clone(),
        user: c.user.clone(),
        entrypoint: split_entrypoint(c.entrypoint.as_deref())?,
        ulimits: ulimits(c)?,
        tmpfs: tmpfs(c)?,
        stop_signal: c.stop_signal.clone(),
        stop_timeout: c.stop_timeout.clone(),
        exec: c.exec != Some(OnOff::Off),
    })
}

/// The PATCH body; `current` is needed only to merge limits.
pub fn build_update(args: &UpdateArgs, current: Option<&Limits>) -> CliResult<MachineUpdate> {
    let c = &args.common;
    let limits = if has_limit_flags(c) {
        let base = current.cloned().unwrap_or_default();
        Some(Limits {
            memory: c.memory.clone().or(base.memory),
            cpus: c.cpus.or(base.cpus),
            pids: c.pids.or(base.pids),
        })
    } else {
        None
    };
    Ok(MachineUpdate {
        description: c.description.clone(),
        image: args.image.clone(),
        ports: (!args.ports.is_empty()).then(|| args.ports.clone()),
        props: if has_prop_flags(c) {
            Some(build_props(c)?)
        } else {
            None
        },
        command: split_command(c.command.as_deref())?,
        volumes: (!c.volumes.is_empty()).then(|| c.volumes.clone()),
        limits,
        max_per_user: c.max_per_user,
        active: if args.active {
            Some(true)
        } else if args.inactive {
            Some(false)
        } else {
            None
        },
        connect: c.connect.clone(),
        restart: c.restart.map(Into::into),
        shm_size: c.shm_size.clone(),
        user: c.user.clone(),
        entrypoint: split_entrypoint(c.entrypoint.as_deref())?,
        ulimits: (!c.ulimits.is_empty()).then(|| ulimits(c)).transpose()?,
        tmpfs: (!c.tmpfs.is_empty()).then(|| tmpfs(c)).transpose()?,
        stop_signal: c.stop_signal.clone(),
        stop_timeout: c.stop_timeout.clone(),
        exec: c.exec.map(|v| v == OnOff::On),
    })
}

/// Reads and checks a `machine apply` file: TOML, unknown keys refused, names unique.
/// `-` is standard input, as with `kubectl apply -f -`.
pub fn read_machine_file(path: &Path) -> CliResult<MachineFile> {
    let stdin = path.as_os_str() == "-";
    let shown = if stdin {
        "standard input".to_string()
    } else {
        path.display().to_string()
    };
    let read = if stdin {
        std::io::read_to_string(std::io::stdin().lock())
    } else {
        std::fs::read_to_string(path)
    };
    let text = read.map_err(|e| {
        CliError::usage(format!("cannot read machine file {shown}")).with_cause(e.to_string())
    })?;
    let file = parse_machine_file(&shown, &text)?;
    Ok(file)
}

pub fn parse_machine_file(shown: &str, text: &str) -> CliResult<MachineFile> {
    let file: MachineFile = toml::from_str(text).map_err(|e| {
        let location = e
            .span()
            .map(|span| {
                let before = text.get(..span.start).unwrap_or(text);
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
                format!(" at line {line}, column {column}")
            })
            .unwrap_or_default();
        CliError::usage(format!(
            "{shown}{location}: {}",
            e.message().trim_end_matches('\n')
        ))
        .with_hint("see `rsrc machine apply --help` for the file format")
    })?;
    let mut seen = HashSet::new();
    for (i, m) in file.machine.iter().enumerate() {
        // Checked here because JSON has no NaN: it would reach the daemon as "no limit".
        if let Some(cpus) = m.limits.cpus {
            rsrc_shared::limits::check_cpus(cpus)
                .map_err(|e| CliError::usage(format!("{shown}: machine {}: {e}", m.name)))?;
        }
        if m.name.trim().is_empty() {
            return Err(CliError::usage(format!(
                "{shown}: machine #{} has an empty name",
                i + 1
            )));
        }
        if !seen.insert(m.name.clone()) {
            return Err(CliError::usage(format!(
                "{shown}: machine {} appears twice",
                m.name
            )));
        }
    }
    Ok(file)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
#[path = "spec_tests.rs"]
mod tests;
