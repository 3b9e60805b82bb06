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
mod tests {
    use super::*;
    use crate::cmd::machine::MachineCmd;
    use crate::{Cli, Command};
    use clap::Parser;
    use rsrc_shared::api::RestartPolicy;

    fn create(args: &[&str]) -> CreateArgs {
        let mut argv = vec!["rsrc", "machine", "create"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Machine {
                cmd: MachineCmd::Create(a),
            } => a,
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn ports_parse_with_protocols() {
        assert_eq!(
            parse_port("6379").unwrap(),
            MachinePort {
                port: 6379,
                protocol: Protocol::Tcp
            }
        );
        assert_eq!(parse_port("53/udp").unwrap().protocol, Protocol::Udp);
        assert_eq!(parse_port("53/UDP").unwrap().protocol, Protocol::Udp);
        assert!(parse_port("0").is_err());
        assert!(parse_port("65536").is_err());
        assert!(parse_port("53/sctp").is_err());
        assert!(parse_port("http").is_err());
    }

    #[test]
    fn props_parse_with_defaults() {
        assert_eq!(
            parse_prop("DB=app").unwrap(),
            PropArg {
                key: "DB".into(),
                default: Some("app".into())
            }
        );
        assert_eq!(
            parse_prop("OPTS=a=b").unwrap().default.as_deref(),
            Some("a=b")
        );
        assert_eq!(parse_prop("EMPTY=").unwrap().default.as_deref(), Some(""));
        assert_eq!(parse_prop("KEY").unwrap().default, None);
        assert!(parse_prop("1BAD").is_err());
        assert!(parse_prop("BAD-KEY=x").is_err());
        assert!(parse_prop("=x").is_err());
        let lower = parse_prop("lower=x").unwrap_err();
        assert!(lower.contains("prop name `lower`"), "{lower}");
        assert!(parse_key("db_name").is_err());
    }

    #[test]
    fn create_flags_build_a_spec() {
        let args = create(&[
            "pg",
            "--image",
            "postgres:16",
            "--port",
            "5432",
            "--port",
            "53/udp",
            "--prop",
            "POSTGRES_DB=app",
            "--secret-prop",
            "POSTGRES_PASSWORD",
            "--required-prop",
            "POSTGRES_PASSWORD",
            "--required-prop",
            "REGION",
            "--volume",
            "/data",
            "--memory",
            "256m",
            "--cpus",
            "0.5",
            "--pids",
            "256",
            "--command",
            "  postgres   -c fsync=off ",
            "--restart",
            "on-failure",
            "--stop-signal",
            "SIGINT",
            "--stop-timeout",
            "30s",
            "--inactive",
        ]);
        let spec = build_spec(&args).unwrap();
        assert_eq!(spec.ports.len(), 2);
        assert_eq!(spec.ports[1].protocol, Protocol::Udp);
        assert_eq!(
            spec.props,
            vec![
                Prop {
                    name: "POSTGRES_DB".into(),
                    required: false,
                    default: Some("app".into()),
                    secret: false,
                    allow_empty: false,
                },
                Prop {
                    name: "POSTGRES_PASSWORD".into(),
                    required: true,
                    default: None,
                    secret: true,
                    allow_empty: false,
                },
                Prop {
                    name: "REGION".into(),
                    required: true,
                    default: None,
                    secret: false,
                    allow_empty: false,
                },
            ]
        );
        assert_eq!(
            spec.command,
            Some(vec!["postgres".into(), "-c".into(), "fsync=off".into()])
        );
        assert_eq!(spec.limits.cpus, Some(0.5));
        assert_eq!(spec.restart, RestartPolicy::OnFailure);
        assert_eq!(spec.stop_signal.as_deref(), Some("SIGINT"));
        assert_eq!(spec.stop_timeout.as_deref(), Some("30s"));
        assert!(!spec.active);
        assert_eq!(spec.max_per_user, 1);
    }

    #[test]
    fn run_option_flags_build_a_spec() {
        let args = create(&[
            "pg",
            "--image",
            "postgres:15",
            "--port",
            "5432",
            "--shm-size",
            "1g",
            "--user",
            "999:999",
            "--entrypoint",
            "docker-entrypoint.sh",
            "--ulimit",
            "nofile=1024:2048",
            "--ulimit",
            "nproc=512",
            "--tmpfs",
            "/run:size=64m,mode=1777",
            "--tmpfs",
            "/tmp",
        ]);
        let spec = build_spec(&args).unwrap();
        assert_eq!(spec.shm_size.as_deref(), Some("1g"));
        assert_eq!(spec.user.as_deref(), Some("999:999"));
        assert_eq!(spec.entrypoint.unwrap(), ["docker-entrypoint.sh"]);
        assert_eq!(
            spec.ulimits["nofile"],
            Ulimit {
                soft: 1024,
                hard: 2048
            }
        );
        assert_eq!(
            spec.ulimits["nproc"],
            Ulimit {
                soft: 512,
                hard: 512
            }
        );
        assert_eq!(spec.tmpfs["/run"], "size=64m,mode=1777");
        assert_eq!(spec.tmpfs["/tmp"], "");
        let cleared = create(&["x", "--image", "i", "--port", "1", "--entrypoint", ""]);
        assert_eq!(build_spec(&cleared).unwrap().entrypoint, Some(vec![]));
        let plain = build_spec(&create(&["x", "--image", "i", "--port", "1"])).unwrap();
        assert_eq!((plain.entrypoint, plain.ulimits.len()), (None, 0));

        for (flag, value, want) in [
            ("--shm-size", "lots", "shm_size `lots`"),
            ("--user", "a b", "user `a b`"),
            ("--ulimit", "files=1", "ulimits: unknown limit `files`"),
            ("--ulimit", "nofile=9:1", "soft limit 9 is above"),
            ("--tmpfs", "run", "tmpfs path `run`"),
            ("--tmpfs", "/run:size=x", "tmpfs /run: option `size=x`"),
        ] {
            let argv = [
                "rsrc", "machine", "create", "x", "--image", "i", "--port", "1", flag, value,
            ];
            let err = Cli::try_parse_from(argv).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{flag} {value}");
            assert!(err.to_string().contains(want), "{flag} {value}: {err}");
        }
        let twice = create(&[
            "x", "--image", "i", "--port", "1", "--ulimit", "nproc=1", "--ulimit", "nproc=2",
        ]);
        assert!(build_spec(&twice).unwrap_err().report()[0].contains("twice"));
        let unclosed = create(&["x", "--image", "i", "--port", "1", "--entrypoint", "sh '"]);
        assert!(build_spec(&unclosed).unwrap_err().report()[0].contains("--entrypoint"));
    }

    #[test]
    fn required_props_with_defaults_are_refused() {
        let args = create(&[
            "x",
            "--image",
            "i",
            "--port",
            "1",
            "--prop",
            "A=1",
            "--required-prop",
            "A",
        ]);
        assert!(build_spec(&args).is_err());
        let args = create(&[
            "x", "--image", "i", "--port", "1", "--prop", "A=1", "--prop", "A=2",
        ]);
        assert!(build_spec(&args).is_err());
    }

    #[test]
    fn updates_merge_limits_and_replace_lists() {
        let cli = Cli::try_parse_from([
            "rsrc", "machine", "update", "redis", "--memory", "1g", "--port", "6380",
        ])
        .unwrap();
        let Command::Machine {
            cmd: MachineCmd::Update(args),
        } = cli.command
        else {
            panic!("not an update")
        };
        let current = Limits {
            memory: Some("256m".into()),
            cpus: Some(1.0),
            pids: None,
        };
        let update = build_update(&args, Some(&current)).unwrap();
        assert_eq!(
            update.limits,
            Some(Limits {
                memory: Some("1g".into()),
                cpus: Some(1.0),
                pids: None
            })
        );
        assert_eq!(update.ports.as_ref().map(Vec::len), Some(1));
        assert_eq!(update.props, None);
        assert_eq!(update.active, None);
        let json = serde_json::to_value(&update).unwrap();
        assert!(json.get("image").is_none());
    }

    #[test]
    fn machine_files_parse_and_name_their_errors() {
        let good = r#"
            [[machine]]
            name = "redis"
            image = "redis:7"
            ports = [{ port = 6379 }]
            command = ["redis-server", "--save", ""]
        "#;
        let file = parse_machine_file("m.toml", good).unwrap();
        assert_eq!(file.machine[0].command.as_ref().map(Vec::len), Some(3));
        assert_eq!(file.machine[0].max_per_user, 1);

        let bad = "[[machine]]\nname = \"redis\"\nimage = \"redis:7\"\nports = []\nimag = \"x\"\n";
        let err = parse_machine_file("m.toml", bad).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let text = err.report().join("\n");
        assert!(text.contains("m.toml at line 5"), "{text}");
        assert!(text.contains("imag"), "{text}");

        let dup = "[[machine]]\nname = \"a\"\nimage = \"i\"\nports = []\n\
                   [[machine]]\nname = \"a\"\nimage = \"i\"\nports = []\n";
        assert!(
            parse_machine_file("m.toml", dup).unwrap_err().report()[0].contains("appears twice")
        );
        assert!(parse_machine_file("m.toml", "not toml [").is_err());
    }
}
