//! `rsrc events`: the history of your instances, and with -f what happens next.

use clap::Args;
use rsrc_shared::api::Event;

use crate::client::EventsQuery;
use crate::error::CliResult;
use crate::output::{print_out, Followed, ListArgs, View};
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
    #[command(flatten)]
    pub view: ListArgs,
}

pub async fn run(ctx: &mut Ctx, args: EventsArgs) -> CliResult {
    let view = View::parse::<Event>(&args.view)?;
    let query = EventsQuery {
        since: args.since,
        until: args.until,
        instance: args.instance,
        all: args.all_users,
        follow: args.follow,
    };
    let mut stream = ctx.client.events(&query).await?;
    let json = ctx.out.is_json();
    let color = ctx.out.color;
    // The history is printed as one aligned table; followed events one line each as they come.
    let mut rows: Vec<Event> = Vec::new();
    let mut header_printed = false;
    while let Some(item) = stream.next().await {
        let event = match item {
            Ok(e) => e,
            Err(e) => {
                flush(&mut rows, &view, color);
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
            print_out(&view.line(&Followed(&event), !header_printed, color));
            header_printed = true;
        } else {
            rows.push(event);
        }
    }
    flush(&mut rows, &view, color);
    Ok(())
}

/// Prints the events gathered so far as one table (in the order they happened).
fn flush(rows: &mut Vec<Event>, view: &View, color: bool) {
    if rows.is_empty() {
        return;
    }
    print_out(&view.render(rows, color));
    rows.clear();
}
