//! Machines: the templates instances are made from. Listing is for everyone; the rest is for
//! admins.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use rsrc_shared::api::{
    ApplyResult, Limits, MachineFile, MachinePort, MachineSpec, MachineUpdate, Prop, Protocol,
    RestartPolicy,
};

use crate::client::ClientError;
use crate::error::{CliError, CliResult};
use crate::output::{print_out, Format};
use crate::ui::{self, PullDisplay};
use crate::Ctx;

const APPLY_HELP: &str = "\
The file holds one or more [[machine]] tables. Unknown keys are an error. Machines named in the
file are created or updated to match it; machines not in the file are left alone, so applying
the same file twice changes nothing. Each machine's image is pulled first.

Example file:

  [[machine]]
  name = \"redis\"
  description = \"Redis 7, no persistence\"
  image = \"redis:7\"
  ports = [{ port = 6379 }]
  command = [\"redis-server\", \"--save\", \"\", \"--appendonly\", \"no\"]
  connect = \"redis://{host}:{port}\"
  max_per_user = 2
  restart = \"unless-stopped\"       # or \"no\", \"on-failure\"
  limits = { memory = \"256m\", cpus = 0.5, pids = 256 }

  [[machine]]
  name = \"postgres\"
  image = \"postgres:16\"
  ports = [{ port = 5432, protocol = \"tcp\" }]
  volumes = [\"/var/lib/postgresql/data\"]
  props = [
    { name = \"POSTGRES_PASSWORD\", required = true, secret = true },
    { name = \"POSTGRES_DB\", default = \"app\" },
  ]
  active = true

`command` is an argument vector: use it for arguments that contain spaces (or are empty),
which the --command flag of `machine create` cannot express.";

#[derive(Debug, Subcommand)]
pub enum MachineCmd {
    /// Define a machine from flags (admins only); pulls its image first.
    #[command(
        long_about = "Define a machine from flags (admins only).\n\nThe image is pulled first \
                      (progress on stderr), then the machine is created. Use `machine apply` to \
                      keep machines in a file.",
        after_long_help = "Examples:
  rsrc machine create redis --image redis:7 --port 6379 --memory 256m \\
      --connect 'redis://{host}:{port}'
  rsrc machine create pg --image postgres:16 --port 5432 --volume /var/lib/postgresql/data \\
      --secret-prop POSTGRES_PASSWORD --required-prop POSTGRES_PASSWORD --prop POSTGRES_DB=app
  rsrc machine create dns --image coredns/coredns --port 53/udp --port 53/tcp"
    )]
    Create(CreateArgs),
    /// Create or update machines from a TOML file (admins only; idempotent).
    #[command(long_about = APPLY_HELP)]
    Apply {
        /// The TOML file with [[machine]] tables.
        #[arg(short = 'f', long = "file", value_name = "FILE")]
        file: PathBuf,
    },
    /// List the machines.
    #[command(visible_alias = "list")]
    Ls,
    /// Show one machine: ports, props, limits, likes and rating.
    Show {
        /// The machine's name.
        #[arg(value_name = "NAME")]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        name: String,
    },
    /// Change a machine (admins only); only the given settings change.
    #[command(
        long_about = "Change a machine (admins only); only the given settings change.\n\n\
                      --port replaces the whole port list, --volume the whole volume list, and \
                      any of --prop, --required-prop or --secret-prop the whole prop list. \
                      Limits are merged: --memory alone keeps the cpus and pids limits. Running \
                      instances keep their settings until they are re-created.",
        after_long_help = "Examples:
  rsrc machine update redis --image redis:7.2
  rsrc machine update redis --memory 512m --max-per-user 3
  rsrc machine update redis --inactive"
    )]
    Update(UpdateArgs),
    /// Remove machines (admins only); refused while instances exist, unless --force.
    #[command(visible_alias = "remove")]
    Rm {
        /// The machines' names.
        #[arg(value_name = "NAME", required = true)]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        names: Vec<String>,
        /// Remove the machine even though instances of it exist.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RestartArg {
    /// Never restart the container.
    No,
    /// Restart when it exits with a non-zero code.
    OnFailure,
    /// Restart unless it was stopped on purpose.
    UnlessStopped,
}

impl From<RestartArg> for RestartPolicy {
    fn from(r: RestartArg) -> Self {
        match r {
            RestartArg::No => RestartPolicy::No,
            RestartArg::OnFailure => RestartPolicy::OnFailure,
            RestartArg::UnlessStopped => RestartPolicy::UnlessStopped,
        }
    }
}

/// A `--prop KEY[=DEFAULT]` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropArg {
    pub key: String,
    pub default: Option<String>,
}

/// Settings common to `create` and `update`.
#[derive(Debug, Args, Default)]
pub struct CommonArgs {
    /// An environment variable users may set, with an optional default (repeatable).
    #[arg(long = "prop", value_name = "KEY[=DEFAULT]", value_parser = parse_prop)]
    pub props: Vec<PropArg>,
    /// An environment variable users must set (repeatable). Combine with --secret-prop KEY for
    /// a required secret.
    #[arg(long = "required-prop", value_name = "KEY", value_parser = parse_key)]
    pub required_props: Vec<String>,
    /// An environment variable whose value is never shown back (repeatable).
    #[arg(long = "secret-prop", value_name = "KEY[=DEFAULT]", value_parser = parse_prop)]
    pub secret_props: Vec<PropArg>,
    /// A container path to keep in a named volume (repeatable), e.g. /data.
    #[arg(long = "volume", value_name = "PATH")]
    pub volumes: Vec<String>,
    /// Memory limit, e.g. 256m or 1g.
    #[arg(long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// CPU limit in cores, e.g. 0.5.
    #[arg(long, value_name = "CPUS")]
    pub cpus: Option<f64>,
    /// Limit on the number of processes in the container.
    #[arg(long, value_name = "N")]
    pub pids: Option<i64>,
    /// How many instances of it one user may have.
    #[arg(long, value_name = "N")]
    pub max_per_user: Option<i64>,
    /// A one-line description shown in `machine ls`.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// The container's command, split on whitespace into arguments; no shell is involved.
    /// For arguments with spaces use `command = [...]` in a `machine apply` file.
    #[arg(long, value_name = "CMD", allow_hyphen_values = true)]
    pub command: Option<String>,
    /// How users connect, rendered per instance as its url (e.g. 'redis://{host}:{port}').
    /// Placeholders: {host}, {port} (the first port's host port), {port:N} (the host port of
    /// container port N), {name}, {id}, and {env.PROP} for a prop that is not secret.
    #[arg(long, value_name = "TEMPLATE")]
    pub connect: Option<String>,
    /// What Docker does when the container exits [default for new machines: unless-stopped].
    #[arg(long, value_name = "POLICY")]
    pub restart: Option<RestartArg>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The machine's name: a short slug such as `redis` or `pg16`.
    #[arg(value_name = "NAME")]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub name: String,
    /// The Docker image, e.g. redis:7.
    #[arg(long, value_name = "IMAGE")]
    pub image: String,
    /// A container port to expose, PORT or PORT/udp (repeatable; at least one).
    #[arg(long = "port", value_name = "PORT[/PROTO]", required = true, value_parser = parse_port)]
    pub ports: Vec<MachinePort>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Create it switched off: users cannot create instances until `machine update --active`.
    #[arg(long)]
    pub inactive: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The machine's name.
    #[arg(value_name = "NAME")]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub name: String,
    /// A new Docker image (pulled first).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Replace the ports: PORT or PORT/udp (repeatable).
    #[arg(long = "port", value_name = "PORT[/PROTO]", value_parser = parse_port)]
    pub ports: Vec<MachinePort>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Let users create instances of it again.
    #[arg(long, conflicts_with = "inactive")]
    pub active: bool,
    /// Stop users from creating new instances of it (existing ones stay).
    #[arg(long)]
    pub inactive: bool,
}

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
    if !(1..=65535).contains(&port) {
        return Err(format!("port {port} is out of range (1-65535)"));
    }
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

/// `--command 'redis-server --save 60 1'` -> argv; `None` for no flag. An empty command is an
/// error.
pub fn split_command(cmd: Option<&str>) -> CliResult<Option<Vec<String>>> {
    match cmd {
        None => Ok(None),
        Some(c) => {
            let argv: Vec<String> = c.split_whitespace().map(str::to_string).collect();
            if argv.is_empty() {
                Err(CliError::usage("--command is empty"))
            } else {
                Ok(Some(argv))
            }
        }
    }
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
    !common.props.is_empty() || !common.required_props.is_empty() || !common.secret_props.is_empty()
}

fn has_limit_flags(common: &CommonArgs) -> bool {
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
    })
}

/// Reads and checks a `machine apply` file: TOML, unknown keys refused, names unique.
pub fn read_machine_file(path: &Path) -> CliResult<MachineFile> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
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

/// Streams `POST /v1/images/pull` with progress on stderr.
pub async fn pull_image(ctx: &Ctx, image: &str) -> CliResult {
    let mut stream = ctx.client.pull(image).await?;
    let mut display = PullDisplay::new(image, ctx.quiet);
    while let Some(item) = stream.next().await {
        match item {
            Ok(progress) => display.update(&progress),
            Err(e) => {
                display.finish(false);
                return Err(CliError::from(e).with_hint(format!(
                    "check the image name `{image}` and that the daemon's host can reach its registry"
                )));
            }
        }
    }
    display.finish(true);
    Ok(())
}

pub async fn run(ctx: &mut Ctx, cmd: MachineCmd) -> CliResult {
    match cmd {
        MachineCmd::Create(args) => {
            let spec = build_spec(&args)?;
            // Check everything first, so a typo is not found after a long pull.
            ctx.client.machines().create(&spec, true).await?;
            pull_image(ctx, &spec.image).await?;
            let machine = ctx.client.machines().create(&spec, false).await?;
            ctx.out.one(&machine);
        }
        MachineCmd::Apply { file } => apply(ctx, &file).await?,
        MachineCmd::Ls => {
            let mut machines = ctx.client.machines().list().await?;
            ctx.out.list(&mut machines);
        }
        MachineCmd::Show { name } => {
            let machine = ctx.client.machines().show(&name).await?;
            ctx.out.one(&machine);
        }
        MachineCmd::Update(args) => {
            let current = if has_limit_flags(&args.common) {
                let m = ctx.client.machines().show(&args.name).await?;
                Some(m.limits)
            } else {
                None
            };
            let update = build_update(&args, current.as_ref())?;
            if update == MachineUpdate::default() {
                return Err(CliError::usage("nothing to change")
                    .with_hint("give at least one setting; see `rsrc machine update --help`"));
            }
            if let Some(image) = &update.image {
                pull_image(ctx, image).await?;
            }
            let machine = ctx.client.machines().update(&args.name, &update).await?;
            ctx.out.one(&machine);
        }
        MachineCmd::Rm { names, force } => {
            let mut removed = Vec::new();
            for name in names {
                ctx.client.machines().remove(&name, force).await?;
                if !ctx.out.is_json() {
                    print_out(&format!("{name}\n"));
                }
                removed.push(name);
            }
            if ctx.out.is_json() {
                print_out(&crate::output::json(&removed));
            }
        }
    }
    Ok(())
}

async fn apply(ctx: &mut Ctx, file: &Path) -> CliResult {
    let machines = read_machine_file(file)?.machine;
    if machines.is_empty() {
        ui::note(ctx.quiet, "the file defines no machines");
    }
    // Check every machine before changing any, so a bad one leaves the others as they were.
    for spec in &machines {
        if let Err(e) = ctx.client.machines().apply(spec, true).await {
            let mut err = CliError::from(e);
            if let CliError::Client {
                error: ClientError::Api { body, .. },
                ..
            } = &mut err
            {
                body.error.message = format!(
                    "machine `{}`: {}; nothing in {} was applied",
                    spec.name,
                    body.error.message,
                    file.display()
                );
            }
            return Err(err);
        }
    }
    let mut results: Vec<ApplyResult> = Vec::new();
    for spec in machines {
        pull_image(ctx, &spec.image).await?;
        let result = ctx.client.machines().apply(&spec, false).await?;
        match (ctx.quiet, ctx.out.format) {
            (true, _) => print_out(&format!("{}\n", result.machine.name)),
            (false, Format::Table) => {
                print_out(&format!("{:<9}  {}\n", result.action, result.machine.name))
            }
            (false, Format::Json) => {}
        }
        results.push(result);
    }
    if ctx.out.is_json() {
        print_out(&crate::output::json(&results));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Cli, Command};
    use clap::Parser;

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
                    secret: false
                },
                Prop {
                    name: "POSTGRES_PASSWORD".into(),
                    required: true,
                    default: None,
                    secret: true
                },
                Prop {
                    name: "REGION".into(),
                    required: true,
                    default: None,
                    secret: false
                },
            ]
        );
        assert_eq!(
            spec.command,
            Some(vec!["postgres".into(), "-c".into(), "fsync=off".into()])
        );
        assert_eq!(spec.limits.cpus, Some(0.5));
        assert_eq!(spec.restart, RestartPolicy::OnFailure);
        assert!(!spec.active);
        assert_eq!(spec.max_per_user, 1);
    }

    #[test]
    fn create_needs_image_and_port() {
        assert!(Cli::try_parse_from(["rsrc", "machine", "create", "x", "--image", "i"]).is_err());
        assert!(Cli::try_parse_from(["rsrc", "machine", "create", "x", "--port", "1"]).is_err());
        let err = Cli::try_parse_from([
            "rsrc", "machine", "create", "x", "--image", "i", "--port", "99999",
        ])
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
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
    fn active_and_inactive_conflict() {
        assert!(
            Cli::try_parse_from(["rsrc", "machine", "update", "x", "--active", "--inactive"])
                .is_err()
        );
    }

    #[test]
    fn the_example_in_the_help_parses() {
        let example: String = APPLY_HELP
            .split("Example file:")
            .nth(1)
            .and_then(|rest| rest.split("`command` is").next())
            .unwrap()
            .lines()
            .map(|l| format!("{}\n", l.strip_prefix("  ").unwrap_or(l)))
            .collect();
        let file = parse_machine_file("help", &example).unwrap();
        assert_eq!(file.machine.len(), 2);
        assert_eq!(file.machine[0].limits.pids, Some(256));
        assert!(file.machine[1].props[0].secret);
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
