//! Machines: the templates instances are made from. Listing is for everyone; the rest is for
//! admins.
//!
//! The flags and files are turned into API bodies in [`spec`]; this module runs the commands.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use rsrc_shared::api::{ApplyResult, MachinePort, MachineUpdate, RestartPolicy, Ulimit};

use crate::client::ClientError;
use crate::error::{CliError, CliResult};
use crate::output::{print_out, Format};
use crate::ui::{self, PullDisplay};
use crate::Ctx;

mod spec;

pub use spec::parse_key;
use spec::{build_spec, build_update, has_limit_flags, parse_port, parse_prop, read_machine_file};

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
  stop_timeout = \"30s\"              # after the stop signal, before the kill (default 10s)
  exec = true                      # false: no `rsrc exec` in its instances
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
  stop_signal = \"SIGINT\"            # default: the image's STOPSIGNAL, else SIGTERM
  active = true
  shm_size = \"1g\"                  # /dev/shm; Docker's default is 64m
  user = \"999:999\"                 # NAME, UID, NAME:GROUP or UID:GID
  entrypoint = [\"docker-entrypoint.sh\"]
  ulimits = { nofile = { soft = 1024, hard = 2048 }, nproc = 512 }
  tmpfs = { \"/run\" = \"size=64m,mode=1777\" }

`command` is an argument vector, or one string split as a POSIX shell would split it (no
shell runs): command = \"redis-server --save ''\" is the same as the list above. A prop with
`allow_empty = true` may be given an empty value; otherwise an empty value of a required prop is
refused. A machine whose image has no command (no Cmd or Entrypoint) must give `command`.

`shm_size`, `user`, `entrypoint`, `ulimits` and `tmpfs` are as `docker run` has them
(--shm-size, --user, --entrypoint, --ulimit, --tmpfs); none of them given, the image's or
Docker's defaults apply. `entrypoint` is given as `command` is; an empty list clears the image's
entrypoint, so `command` runs on its own. A ulimit is one number (soft and hard) or
{ soft, hard }, -1 for unlimited, by Docker's names (core, cpu, data, fsize, locks, memlock,
msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack). `tmpfs` is a table of
path = \"options\", or a list of \"PATH[:OPTIONS]\"; options are size, mode, uid, gid,
nr_inodes and the flags ro, rw, exec, noexec, suid, nosuid, dev, nodev. A tmpfs path may not
be, contain or lie inside a volume path.
`instance rm` and `recreate` stop a running container first, as `instance stop` does: with
`stop_signal`, then a kill after `stop_timeout`, so that the service can save its data.
`-f -` reads the file from standard input.";

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
        /// The TOML file with [[machine]] tables; `-` reads standard input.
        #[arg(
            short = 'f',
            long = "file",
            value_name = "FILE",
            allow_hyphen_values = true
        )]
        file: PathBuf,
    },
    /// List the machines, with their likes, ratings and comments.
    #[command(visible_alias = "list")]
    Ls(crate::cmd::feed::MachineLsArgs),
    /// Show one machine: ports, props, limits, likes and rating.
    Show {
        /// The machine's name.
        #[arg(value_name = "NAME")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
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
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        names: Vec<String>,
        /// Remove the machine even though instances of it exist.
        #[arg(long)]
        force: bool,
    },
    #[command(flatten)]
    Feed(crate::cmd::feed::FeedCmd),
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
    /// CPU limit in cores, e.g. 0.5 (at least 0.01, at most the host's CPUs).
    // Hyphen values reach the parser, so `-0.5` is refused by the rule, not taken for a flag.
    #[arg(long, value_name = "CPUS", allow_hyphen_values = true,
          value_parser = rsrc_shared::limits::parse_cpus)]
    pub cpus: Option<f64>,
    /// Let a prop be set to an empty value (repeatable); without it an empty value of a
    /// required prop is refused.
    #[arg(long = "allow-empty", value_name = "KEY", value_parser = parse_key)]
    pub allow_empty: Vec<String>,
    /// Limit on the number of processes in the container.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub pids: Option<i64>,
    /// How many instances of it one user may have (default 1 for a new machine; update keeps
    /// the current value).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_per_user: Option<i64>,
    /// A one-line description shown in `machine ls`.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// The container's command, split into arguments as a POSIX shell would split it (quotes
    /// and backslashes work), but no shell runs: `--command 'sh -c "echo a; echo b"'`.
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
    /// The size of /dev/shm, e.g. 1g (Docker's default is 64m; PostgreSQL's parallel queries
    /// need more).
    #[arg(long, value_name = "SIZE", value_parser = parse_shm_size)]
    pub shm_size: Option<String>,
    /// The user the container runs as: NAME, UID, NAME:GROUP or UID:GID (default: the
    /// image's).
    #[arg(long, value_name = "USER[:GROUP]", value_parser = rsrc_shared::options::parse_user)]
    pub user: Option<String>,
    /// The container's entrypoint, split into arguments as --command is; '' clears the image's
    /// entrypoint, so the command runs on its own.
    #[arg(long, value_name = "CMD", allow_hyphen_values = true)]
    pub entrypoint: Option<String>,
    /// A resource limit, NAME=SOFT[:HARD] (repeatable), e.g. nofile=1024:2048 or nproc=512;
    /// -1 is unlimited. Names as Docker's: core, cpu, data, fsize, locks, memlock, msgqueue,
    /// nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack.
    #[arg(long = "ulimit", value_name = "NAME=SOFT[:HARD]",
          value_parser = rsrc_shared::options::parse_ulimit)]
    pub ulimits: Vec<(String, Ulimit)>,
    /// A tmpfs mount, PATH[:OPTIONS] (repeatable), e.g. /run:size=64m,mode=1777. Options:
    /// size, mode, uid, gid, nr_inodes, ro, rw, exec, noexec, suid, nosuid, dev, nodev.
    #[arg(long = "tmpfs", value_name = "PATH[:OPTIONS]",
          value_parser = rsrc_shared::options::parse_tmpfs)]
    pub tmpfs: Vec<(String, String)>,
    /// The signal that stops the container, e.g. SIGINT [default: the image's STOPSIGNAL, else
    /// SIGTERM]. `instance stop`, `rm`, `recreate` and `docker stop` send it; an empty value
    /// (update) goes back to the image's.
    #[arg(long, value_name = "SIGNAL")]
    pub stop_signal: Option<String>,
    /// How long a stop waits for the container after its stop signal before it kills it, e.g.
    /// 30s [default: 10s; at most 10m]. An empty value (update) goes back to the default.
    #[arg(long, value_name = "DURATION")]
    pub stop_timeout: Option<String>,
    /// Whether owners may run commands in its instances with `rsrc exec` [default: on].
    #[arg(long, value_name = "on|off")]
    pub exec: Option<crate::cmd::account::OnOff>,
}

/// `--shm-size SIZE`, checked and kept as given.
fn parse_shm_size(value: &str) -> Result<String, String> {
    rsrc_shared::options::parse_shm_size(value)?;
    Ok(value.trim().to_string())
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
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
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

/// Streams `POST /v1/images/pull` with progress on stderr.
pub async fn pull_image(ctx: &Ctx, image: &str) -> CliResult {
    let mut stream = ctx.client.pull(image).await?;
    let mut display = PullDisplay::new(image, ctx.quiet, ui::can_draw(&ctx.out));
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
        MachineCmd::Ls(args) => crate::cmd::feed::list_machines(ctx, args).await?,
        MachineCmd::Feed(cmd) => crate::cmd::feed::run(ctx, cmd).await?,
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
                    if file.as_os_str() == "-" {
                        "standard input".into()
                    } else {
                        file.display().to_string()
                    }
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
    use super::spec::parse_machine_file;
    use super::*;
    use crate::Cli;
    use clap::Parser;

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
        assert_eq!(file.machine[1].shm_size.as_deref(), Some("1g"));
        assert_eq!(file.machine[1].ulimits.len(), 2);
        assert_eq!(file.machine[1].tmpfs.len(), 1);
    }
}
