//! Instances: containers made from a machine, owned by one user.

use clap::{Args, Subcommand};
use rsrc_shared::api::{Instance, InstanceCreate, InstanceState};

use crate::client::{ClientError, InstanceAction};
use crate::error::{CliError, CliResult, ItemFailures};
use crate::output::{key_values, print_out, published_port, Format, ListArgs, View};
use crate::ui;
use crate::Ctx;

#[derive(Debug, Subcommand)]
pub enum InstanceCmd {
    /// Create an instance of a machine and print how to reach it.
    #[command(
        long_about = "Create an instance of a machine and print its id, name, host, ports and url.\n\n\
                      Required props of the machine must be given with --env or --env-file; keys \
                      that are not props are refused; defaults fill in the rest. Pass secrets with \
                      --env-file or --env KEY (the value from your environment), never as \
                      --env KEY=VALUE: a command line is visible to every local user in `ps`. Your email must be verified \
                      (`rsrc otp send`).",
        after_long_help = "Examples:
  rsrc instance create redis
  rsrc instance create redis --env MAXMEMORY=64mb
  rsrc instance create pg --name db1 --env-file pg.env --wait --timeout 2m   # secrets in a file
  POSTGRES_PASSWORD=s3cret rsrc instance create pg --env POSTGRES_PASSWORD   # ... or from the environment
  rsrc -q instance create redis        # prints only the id"
    )]
    Create(CreateArgs),
    /// List your instances (--all-users: everyone's, for admins).
    #[command(visible_alias = "list")]
    Ls(LsArgs),
    /// Show one instance: status, ports, url, volumes, environment (secrets masked).
    #[command(
        after_long_help = "Values of secret props read `********` here, in `instance ls` \
                      and everywhere else, to admins too. --reveal shows the values of your own \
                      instance's secret props, read from its container (rsrc does not store \
                      them; an instance without a container has none to show). It is for the \
                      owner only: an admin asking for another user's instance is refused (exit \
                      4) rather than shown `********`, so that a masked value is never taken for \
                      the real one, and an admin who needs a value asks its owner.

Examples:
  rsrc instance show db1
  rsrc instance show --reveal db1      # the password you set at create"
    )]
    Show {
        /// Show the values of your own instance's secret props (owner only; see below).
        #[arg(long)]
        reveal: bool,
        /// The instance's id (or a unique prefix of it) or name.
        #[arg(value_name = "ID|NAME")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::instances))]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        reference: String,
    },
    /// Show an instance's up and down intervals, their causes and its availability.
    Uptime(crate::cmd::uptime::UptimeArgs),
    /// Stop instances; their ports and volumes stay reserved.
    Stop(RefsArgs),
    /// Start stopped instances.
    Start(RefsArgs),
    /// Restart instances.
    Restart(RefsArgs),
    /// Remove instances; their volumes are kept unless --volumes.
    #[command(
        visible_alias = "remove",
        after_long_help = "Kept volumes show in `rsrc volume ls` and go with `rsrc volume rm`."
    )]
    Rm {
        /// Instance ids (or unique prefixes) or names.
        #[arg(value_name = "ID", required = true)]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::instances))]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        references: Vec<String>,
        /// Remove the instances' volumes too (their data is gone for good).
        #[arg(long)]
        volumes: bool,
        /// Admins: remove them even while Docker is away or refuses. rsrcd removes what Docker
        /// still holds (the container, and the volumes with --volumes) once it can.
        #[arg(long, short = 'f')]
        force: bool,
    },
    /// Make an instance's container again from its machine's current definition.
    #[command(
        long_about = crate::cmd::recreate::LONG_ABOUT,
        after_long_help = crate::cmd::recreate::EXAMPLES
    )]
    Recreate(crate::cmd::recreate::RecreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The machine to make an instance of (see `rsrc machine ls`).
    #[arg(value_name = "MACHINE")]
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub machine: String,
    /// A name for the instance, unique among yours [default: chosen by the daemon].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub env: crate::cmd::env::EnvArgs,
    /// Attach a kept volume of yours (see `rsrc volume ls`) of the same machine instead of a new
    /// one, at PATH [default: the path it was made for] (repeatable).
    #[arg(long = "volume-from", value_name = "VOLUME[:PATH]", value_parser = crate::cmd::recreate::parse_volume_from)]
    pub volume_from: Vec<rsrc_shared::api::VolumeFrom>,
    /// Return only when the first port accepts connections; on timeout, fail with the
    /// instance's last log lines.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits, e.g. 90s, 2m or 1h30m (a bare number is seconds; at most 24h).
    #[arg(long, value_name = "DURATION", default_value = "60s", requires = "wait", value_parser = crate::duration::parse_wait_timeout)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Stopped instances too, as with `docker ps -a`; rsrc always lists them, so this is
    /// accepted and changes nothing.
    #[arg(long, short = 'a')]
    pub all: bool,
    /// List the instances of all users, with their owners (admins only).
    #[arg(long)]
    pub all_users: bool,
    /// Only instances that match, KEY=VALUE with KEY status, machine or name (repeatable;
    /// values of one key are alternatives, different keys must all match). name= matches a
    /// part of the name, as in Docker; status= must be a state rsrc has.
    #[arg(long = "filter", short = 'f', value_name = "KEY=VALUE", value_parser = parse_filter)]
    pub filters: Vec<(FilterKey, String)>,
    #[command(flatten)]
    pub view: ListArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    Status,
    Machine,
    Name,
}

/// `status=running`, `machine=redis`, `name=db1`.
pub fn parse_filter(s: &str) -> Result<(FilterKey, String), String> {
    let Some((key, value)) = s.split_once('=') else {
        return Err(format!("`{s}` is not KEY=VALUE (like status=running)"));
    };
    let key = match key {
        "status" => FilterKey::Status,
        "machine" => FilterKey::Machine,
        "name" => FilterKey::Name,
        other => {
            return Err(format!(
                "unknown filter `{other}`; use status, machine or name"
            ))
        }
    };
    if key == FilterKey::Status {
        // A state rsrc has (not one only a newer daemon or a removal shows): a typo would
        // otherwise list nothing, silently.
        let known = value
            .parse::<InstanceState>()
            .is_ok_and(|s| !matches!(s, InstanceState::Unknown | InstanceState::Removed));
        if !known {
            return Err(format!(
                "unknown status `{value}`; use one of creating, created, running, paused, \
                 stopped, exited, lost, removing, recreating"
            ));
        }
    }
    Ok((key, value.to_string()))
}

/// Docker's rule: one key's values are ORed, different keys ANDed.
fn matches(i: &Instance, filters: &[(FilterKey, String)]) -> bool {
    [FilterKey::Status, FilterKey::Machine, FilterKey::Name]
        .into_iter()
        .all(|key| {
            let field = match key {
                FilterKey::Status => i.status.as_str(),
                FilterKey::Machine => i.machine.as_str(),
                FilterKey::Name => i.name.as_str(),
            };
            let mut wanted = filters.iter().filter(|(k, _)| *k == key).peekable();
            // `name=` matches a part of the name, as in Docker; the others match exactly.
            wanted.peek().is_none()
                || wanted.any(|(_, v)| {
                    if key == FilterKey::Name {
                        field.contains(v.as_str())
                    } else {
                        v == field
                    }
                })
        })
}

#[derive(Debug, Args)]
pub struct RefsArgs {
    /// Instance ids (or unique prefixes) or names.
    #[arg(value_name = "ID", required = true)]
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::instances))]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub references: Vec<String>,
}

/// What `instance create` prints in table mode.
fn created_text(i: &Instance) -> String {
    key_values(&[
        ("id", i.id.clone()),
        ("name", i.name.clone()),
        ("machine", i.machine.clone()),
        ("status", i.status.to_string()),
        ("host", i.host.clone()),
        (
            "ports",
            i.ports
                .iter()
                .map(|p| published_port(&i.host, p))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("url", i.url.clone().unwrap_or_default()),
    ])
}

pub async fn run(ctx: &mut Ctx, cmd: InstanceCmd) -> CliResult {
    match cmd {
        InstanceCmd::Create(args) => create(ctx, args).await,
        InstanceCmd::Ls(args) => ls(ctx, args).await,
        InstanceCmd::Show { reference, reveal } => {
            let instance = ctx.client.instances().show_with(&reference, reveal).await?;
            ctx.out.one(&instance);
            Ok(())
        }
        InstanceCmd::Uptime(args) => crate::cmd::uptime::run(ctx, args).await,
        InstanceCmd::Stop(r) => action(ctx, InstanceAction::Stop, r.references).await,
        InstanceCmd::Start(r) => action(ctx, InstanceAction::Start, r.references).await,
        InstanceCmd::Restart(r) => action(ctx, InstanceAction::Restart, r.references).await,
        InstanceCmd::Rm {
            references,
            volumes,
            force,
        } => rm(ctx, references, volumes, force).await,
        InstanceCmd::Recreate(args) => crate::cmd::recreate::run(ctx, args).await,
    }
}

pub async fn ls(ctx: &mut Ctx, args: LsArgs) -> CliResult {
    let view = View::parse::<Instance>(&args.view)?;
    let mut instances = ctx.client.instances().list(args.all_users).await?;
    instances.retain(|i| matches(i, &args.filters));
    ctx.out.list_view(&mut instances, &view);
    Ok(())
}

async fn create(ctx: &mut Ctx, args: CreateArgs) -> CliResult {
    let body = InstanceCreate {
        machine: args.machine,
        name: args.name,
        env: args.env.resolve()?,
        volume_from: args.volume_from,
    };
    let mut instance = ui::with_spinner(
        &ctx.out,
        format!("creating an instance of {}", body.machine),
        ctx.client.instances().create(&body),
    )
    .await?;
    if args.wait {
        let result = ui::with_spinner(
            &ctx.out,
            format!("waiting for {} to accept connections", instance.name),
            ctx.client.instances().wait(&instance.id, args.timeout),
        )
        .await;
        instance = result.map_err(|e| {
            CliError::from(e).with_hint(format!(
                "the instance {} ({}) was created; look at `rsrc instance show {}`, or remove \
                 it with `rsrc instance rm {}`",
                instance.name, instance.id, instance.id, instance.id
            ))
        })?;
    }
    ctx.out.custom(
        &instance,
        &created_text(&instance),
        std::slice::from_ref(&instance.id),
    );
    Ok(())
}

/// start/stop/restart each instance; errors are reported as they happen and the others go on.
async fn action(ctx: &mut Ctx, action: InstanceAction, references: Vec<String>) -> CliResult {
    let mut done: Vec<Instance> = Vec::new();
    let mut acted_on: Vec<String> = Vec::new();
    let mut failures = ItemFailures::default();
    for reference in references {
        let doing = match action {
            InstanceAction::Stop => "stopping",
            InstanceAction::Start => "starting",
            InstanceAction::Restart => "restarting",
        };
        let instances = ctx.client.instances();
        let work = instances.action(&reference, action);
        match ui::with_spinner(&ctx.out, format!("{doing} {reference}"), work).await {
            Ok(i) => {
                acted_on.push(if ctx.quiet { i.id.clone() } else { reference });
                done.push(i);
            }
            Err(e) => failures.record(e, ctx.debug)?,
        }
    }
    // As `docker stop` does: the name of each instance acted on, one a line; the table only
    // when asked for with `--output table`, JSON with --json.
    if ctx.out.is_json() || ctx.table_asked {
        if !done.is_empty() || !failures.any() {
            ctx.out.list(&mut done);
        }
    } else {
        for reference in &acted_on {
            print_out(&format!("{reference}\n"));
        }
    }
    failures.finish()
}

async fn rm(ctx: &mut Ctx, references: Vec<String>, volumes: bool, force: bool) -> CliResult {
    let mut removed: Vec<Instance> = Vec::new();
    let mut failures = ItemFailures::default();
    for reference in references {
        // Resolve first, so that we delete exactly what we name in the output.
        let work = async {
            let instance = ctx.client.instances().show(&reference).await?;
            ctx.client
                .instances()
                .remove(&instance.id, volumes, force)
                .await?;
            Ok::<Instance, ClientError>(instance)
        };
        let what = if volumes { " and its volumes" } else { "" };
        let result = ui::with_spinner(&ctx.out, format!("removing {reference}{what}"), work).await;
        match result {
            Ok(mut i) => {
                // What it is now, not what it was when it was looked up.
                i.status = rsrc_shared::api::InstanceState::Removed;
                if ctx.out.format == Format::Table || ctx.quiet {
                    // What was typed, as `docker rm` prints; `-q` gives ids for scripts.
                    print_out(&format!("{}\n", if ctx.quiet { &i.id } else { &reference }));
                }
                removed.push(i);
            }
            Err(e) => failures.record(e, ctx.debug)?,
        }
    }
    if ctx.out.is_json() {
        print_out(&crate::output::json(&removed));
    }
    failures.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Cli, Command};
    use clap::Parser;

    /// A status no instance can have is refused; `name=` matches a part of the name, as in
    /// Docker (issue 19 item 22).
    #[test]
    fn filters_check_status_and_match_names_by_substring() {
        let err = parse_filter("status=bogus").unwrap_err();
        assert!(err.contains("running"), "{err}");
        assert!(parse_filter("status=running").is_ok());
        assert!(parse_filter("status=exited").is_ok());
        assert!(parse_filter("status=paused").is_ok());
        let mut i: Instance = serde_json::from_value(serde_json::json!({
            "id": "aaaa", "name": "prod-db1", "machine": "redis", "owner": "a@x.io",
            "status": "running", "host": "h", "ports": [], "url": null, "volumes": [],
            "env": {}, "container": null, "exit_code": null,
            "created_at": "t", "updated_at": "t"
        }))
        .unwrap();
        let name = |v: &str| vec![(FilterKey::Name, v.to_string())];
        assert!(matches(&i, &name("db1")));
        assert!(matches(&i, &name("prod-db1")));
        assert!(!matches(&i, &name("db2")));
        i.machine = "redis".into();
        assert!(
            !matches(&i, &[(FilterKey::Machine, "red".into())]),
            "machine= is exact"
        );
    }

    #[test]
    fn durations_parse() {
        use crate::duration::parse_wait_timeout as parse_duration;
        assert_eq!(parse_duration("60s").unwrap(), 60);
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert_eq!(parse_duration("2m").unwrap(), 120);
        assert_eq!(parse_duration("1h").unwrap(), 3600);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration("30m15s").unwrap(), 1815);
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("abc").is_err());
    }

    #[test]
    fn create_parses_env_and_wait() {
        let cli = Cli::try_parse_from([
            "rsrc",
            "instance",
            "create",
            "pg",
            "--env",
            "A=1",
            "-e",
            "B=x=y",
            "--wait",
            "--timeout",
            "2m",
        ])
        .unwrap();
        let Command::Instance {
            cmd: InstanceCmd::Create(args),
        } = cli.command
        else {
            panic!("not a create")
        };
        assert_eq!(args.env.env.len(), 2);
        assert!(args.wait);
        assert_eq!(args.timeout, 120);
        let env = args.env.resolve().unwrap();
        assert_eq!(env["B"], "x=y");
    }

    #[test]
    fn timeout_needs_wait() {
        let err = Cli::try_parse_from(["rsrc", "instance", "create", "pg", "--timeout", "5s"])
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
