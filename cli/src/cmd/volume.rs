//! Volumes left by instances: `rm` keeps them unless `--volumes`.

use clap::Subcommand;

use crate::error::{CliResult, ItemFailures};
use rsrc_shared::api::Volume;

use crate::output::{print_out, ListArgs, Row, View};
use crate::Ctx;

#[derive(Debug, Subcommand)]
pub enum VolumeCmd {
    /// List the volumes of your instances, also those of removed instances.
    ///
    /// Sizes are shown with --size (a SIZE column; `size` in --json): Docker computes them by
    /// walking every volume's files (`docker system df`), which takes a while on a big host.
    #[command(visible_alias = "list")]
    Ls {
        /// Show each volume's size (as Docker's `system df -v` reports it; slow on a big host).
        #[arg(short = 's', long)]
        size: bool,
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
            all_users,
            size,
            view,
            ..
        } => {
            // A --format that names the size asks for it too.
            let size = size
                || view
                    .format
                    .as_deref()
                    .is_some_and(|f| f.to_lowercase().contains("size"));
            let view = if size || view.format.is_some() {
                View::parse::<Volume>(&view)?
            } else {
                let columns: Vec<String> = Volume::header()
                    .iter()
                    .filter(|h| **h != "SIZE")
                    .map(|h| h.to_lowercase().replace(' ', "-"))
                    .collect();
                View::parse::<Volume>(&ListArgs {
                    format: Some(columns.join(",")),
                    no_headers: view.no_headers,
                })?
            };
            let mut volumes = ctx.client.volumes().list(all_users, size).await?;
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
