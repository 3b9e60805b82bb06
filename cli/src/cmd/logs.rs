//! `rsrc logs`: the last lines of an instance's output.

use clap::Args;

use crate::error::CliResult;
use crate::output::print_out;
use crate::Ctx;

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The instance's id (or a unique prefix of it) or name.
    #[arg(value_name = "ID|NAME")]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub reference: String,
    /// How many lines from the end to show.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 100)]
    pub tail: u64,
}

pub async fn run(ctx: &mut Ctx, args: LogsArgs) -> CliResult {
    let text = ctx
        .client
        .instances()
        .logs(&args.reference, args.tail)
        .await?;
    if ctx.out.is_json() {
        let lines: Vec<&str> = text.lines().collect();
        print_out(&crate::output::json(&lines));
    } else {
        print_out(&text);
        if !text.is_empty() && !text.ends_with('\n') {
            print_out("\n");
        }
    }
    Ok(())
}
