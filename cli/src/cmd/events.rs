//! `rsrc events`: the history of your instances, and with -f what happens next.

use clap::Args;
use rsrc_shared::api::Event;

use crate::client::EventsQuery;
use crate::error::CliResult;
use crate::output::{print_out, table};
use crate::Ctx;

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  rsrc events --since 1h
  rsrc events -f --instance web      # the history, then each new event as it happens
  rsrc --json events --all-users     # admins: everyone's, one JSON object per line")]
pub struct EventsArgs {
    /// Go on after the history up to now, printing each new event as it happens.
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Only events from this time on: a duration back from now (90m, 7d) or an RFC 3339 time.
    #[arg(long, value_name = "DURATION|RFC3339", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only events up to this time (same forms as --since); no following past it.
    #[arg(long, value_name = "DURATION|RFC3339", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Only this instance's events (id, unique id prefix or name; the id of a removed one).
    #[arg(long, value_name = "ID|NAME")]
    pub instance: Option<String>,
    /// Everyone's events (admins only).
    #[arg(long)]
    pub all_users: bool,
}

const HEADER: &[&str] = &["TIME", "INSTANCE", "OWNER", "KIND", "CAUSE", "EXIT"];

fn cells(e: &Event) -> Vec<String> {
    vec![
        e.at.clone(),
        e.instance.clone(),
        e.owner.clone(),
        e.kind.to_string(),
        e.cause.to_string(),
        e.exit_code.map(|c| c.to_string()).unwrap_or_default(),
    ]
}

pub async fn run(ctx: &mut Ctx, args: EventsArgs) -> CliResult {
    let query = EventsQuery {
        since: args.since,
        until: args.until,
        instance: args.instance,
        all: args.all_users,
        follow: args.follow,
    };
    let mut stream = ctx.client.events(&query).await?;
    let json = ctx.out.is_json();
    // The history is printed as one aligned table; followed events one line each as they come.
    let mut rows = Vec::new();
    let mut header_printed = false;
    while let Some(item) = stream.next().await {
        let event = match item {
            Ok(e) => e,
            Err(e) => {
                flush(&mut rows, &mut header_printed, ctx.quiet);
                return Err(e.into());
            }
        };
        if ctx.quiet {
            print_out(&format!("{}\n", event.id));
        } else if json {
            print_out(&format!(
                "{}\n",
                serde_json::to_string(&event).unwrap_or_default()
            ));
        } else if args.follow {
            flush(&mut rows, &mut header_printed, false);
            print_out(&table_line(&cells(&event), !header_printed));
            header_printed = true;
        } else {
            rows.push(cells(&event));
        }
    }
    flush(&mut rows, &mut header_printed, ctx.quiet);
    Ok(())
}

fn flush(rows: &mut Vec<Vec<String>>, header_printed: &mut bool, quiet: bool) {
    if quiet || (rows.is_empty() && *header_printed) {
        return;
    }
    if rows.is_empty() {
        return;
    }
    print_out(&table(HEADER, rows));
    rows.clear();
    *header_printed = true;
}

/// One followed event, tab-separated (widths are unknown in advance), with the header first.
fn table_line(cells: &[String], with_header: bool) -> String {
    let mut out = String::new();
    if with_header {
        out.push_str(&HEADER.join("\t"));
        out.push('\n');
    }
    out.push_str(&cells.join("\t"));
    out.push('\n');
    out
}
