//! Volumes left by instances: `rm` keeps them unless `--volumes`.

use clap::Subcommand;

use crate::error::{CliResult, ItemFailures};
use rsrc_shared::api::Volume;

use crate::output::{print_out, ListArgs, View};
use crate::Ctx;

#[derive(Debug, Subcommand)]
pub enum VolumeCmd {
    /// List the volumes of your instances, also those of removed instances.
    #[command(visible_alias = "list")]
    Ls {
        /// List the volumes of all users, with their owners (admins only).
        #[arg(long = "all-users", alias = "all")]
        all_users: bool,
        /// Accepted for Docker habits: kept volumes are always listed.
        #[arg(short = 'a', hide = true)]
        stopped_too: bool,
        #[command(flatten)]
        view: ListArgs,
    },
    /// Remove volumes for good (admins: any user's); volumes of existing instances are refused.
    #[command(visible_alias = "remove")]
    Rm {
        /// The volumes' names (see `rsrc volume ls`).
        #[arg(value_name = "NAME", required = true)]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::volumes))]
        #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
        names: Vec<String>,
    },
}

pub async fn run(ctx: &mut Ctx, cmd: VolumeCmd) -> CliResult {
    match cmd {
        VolumeCmd::Ls {
            all_users, view, ..
        } => {
            let view = View::parse::<Volume>(&view)?;
            let mut volumes = ctx.client.volumes().list(all_users).await?;
            ctx.out.list_view(&mut volumes, &view);
        }
        VolumeCmd::Rm { names } => {
            // Like `instance rm`: carry on past a failure, report each, exit with the first.
            let mut removed = Vec::new();
            let mut failures = ItemFailures::default();
            for name in names {
                match ctx.client.volumes().remove(&name).await {
                    Ok(()) => {
                        if !ctx.out.is_json() {
                            print_out(&format!("{name}\n"));
                        }
                        removed.push(name);
                    }
                    Err(e) => failures.record(e, ctx.debug)?,
                }
            }
            if ctx.out.is_json() {
                print_out(&crate::output::json(&removed));
            }
            failures.finish()?;
        }
    }
    Ok(())
}
