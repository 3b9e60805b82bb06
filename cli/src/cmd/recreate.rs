//! `rsrc instance recreate`, and the `--volume-from` argument of `rsrc instance create`.

use clap::Args;
use rsrc_shared::api::{InstanceRecreate, VolumeFrom};

use crate::error::{CliResult, ItemFailures};
use crate::output::print_out;
use crate::Ctx;

pub const LONG_ABOUT: &str = "Make an instance's container again from its machine's current \
definition (image, limits, command, restart policy, defaults of props you did not set), with the \
same id, name, host ports and volumes. This is how a machine update reaches existing instances \
(`rsrc machine show` counts those still outdated), and how a lost instance comes back. A running \
instance runs again afterwards; a stopped one stays stopped. A lost instance's secret props went \
with its container: give them again, with --env-file or --env KEY (from your environment).";

pub const EXAMPLES: &str = "Examples:
  rsrc instance recreate cache
  rsrc instance recreate db1 --env-file pg.env   # a lost instance's secret props";

#[derive(Debug, Args)]
pub struct RecreateArgs {
    /// Instance ids (or unique prefixes) or names.
    #[arg(value_name = "ID", required = true)]
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::instances))]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub references: Vec<String>,
    #[command(flatten)]
    pub env: crate::cmd::env::EnvArgs,
}

/// `VOLUME[:PATH]`; the path is absolute.
pub fn parse_volume_from(s: &str) -> Result<VolumeFrom, String> {
    let (volume, path) = match s.split_once(':') {
        Some((volume, path)) => (volume, Some(path)),
        None => (s, None),
    };
    if volume.is_empty() {
        return Err(format!("`{s}` names no volume; give VOLUME[:PATH]"));
    }
    if let Some(path) = path {
        if !path.starts_with('/') {
            return Err(format!(
                "`{path}` is not an absolute path; give VOLUME[:/PATH]"
            ));
        }
    }
    Ok(VolumeFrom {
        volume: volume.to_string(),
        path: path.map(str::to_string),
    })
}

pub async fn run(ctx: &mut Ctx, args: RecreateArgs) -> CliResult {
    let req = InstanceRecreate {
        env: args.env.resolve()?,
    };
    let mut done = Vec::new();
    let mut failures = ItemFailures::default();
    for reference in args.references {
        let instances = ctx.client.instances();
        let work = instances.recreate(&reference, &req);
        let message = format!("recreating {reference}");
        match crate::ui::with_spinner(&ctx.out, message, work).await {
            Ok(instance) => {
                if !ctx.out.is_json() {
                    print_out(&format!("{}\n", instance.name));
                }
                done.push(instance);
            }
            Err(e) => failures.record(e, ctx.debug)?,
        }
    }
    if ctx.out.is_json() {
        print_out(&crate::output::json(&done));
    }
    failures.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_from_takes_an_optional_absolute_path() {
        let v = parse_volume_from("rsrc-ab-data").unwrap();
        assert_eq!((v.volume.as_str(), v.path), ("rsrc-ab-data", None));
        let v = parse_volume_from("rsrc-ab-data:/var/lib/x").unwrap();
        assert_eq!(v.path.as_deref(), Some("/var/lib/x"));
        assert!(parse_volume_from(":/x").is_err());
        assert!(parse_volume_from("v:rel").is_err());
    }
}
