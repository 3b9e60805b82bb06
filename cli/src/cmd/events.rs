//! `rsrc events`: the history of your instances, and with -f what happens next.

use clap::Args;
use rsrc_shared::api::Event;

use std::time::Duration;

use rsrc_shared::ErrorCode;

use crate::client::{ClientError, EventsQuery};
use crate::error::CliResult;
use crate::output::{print_out, DockerAll, Followed, ListArgs, View};
use crate::Ctx;

/// The first wait before reconnecting, doubled up to [`MAX_RETRY`], as `logs -f` does.
const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(3);

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  rsrc events --since 1h
  rsrc events -f --instance web      # the history, then each new event as it happens
  rsrc --json events --all-users     # admins: everyone's, one JSON object per line")]
pub struct EventsArgs {
    /// Go on after the history up to now, printing each new event as it happens. Reconnects
    /// when rsrcd restarts and goes on after the last event printed.
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
    #[command(flatten)]
    pub all: DockerAll,
}

pub async fn run(ctx: &mut Ctx, args: EventsArgs) -> CliResult {
    let view = View::parse::<Event>(&args.view)?;
    let mut query = EventsQuery {
        since: args.since,
        until: args.until,
        instance: args.instance,
        all: args.all_users,
        follow: args.follow,
        after: None,
    };
    // Only an open-ended follow has anything to go on with after rsrcd comes back.
    let reconnects = args.follow && query.until.is_none();
    // `--format json` is `--json`: one object a line.
    let json = ctx.out.is_json() || (view.is_json() && !ctx.quiet);
    let color = ctx.out.color;
    // The history is printed as one aligned table; followed events one line each as they come.
    let mut rows: Vec<Event> = Vec::new();
    let mut header_printed = false;
    let mut opened_once = false;
    let mut told = false;
    let mut retry = FIRST_RETRY;
    loop {
        let cut = match ctx.client.events(&query).await {
            Ok(mut stream) => {
                opened_once = true;
                retry = FIRST_RETRY;
                told = false;
                loop {
                    let event = match stream.next().await {
                        None => break None,
                        Some(Ok(e)) => e,
                        Some(Err(e)) if reconnects && retryable(&e) => break Some(e),
                        Some(Err(e)) => {
                            flush(&mut rows, &view, color);
                            return Err(e.into());
                        }
                    };
                    // Where a reconnect goes on from: nothing printed twice, nothing skipped.
                    query.after = Some(event.id);
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
            }
            Err(e) if opened_once && retryable(&e) => Some(e),
            Err(e) => return Err(e.into()),
        };
        // A plain end is the end; rsrcd going away (cut, or its last line saying it shuts down)
        // means going on once it is back.
        if !reconnects || cut.is_none() {
            flush(&mut rows, &view, color);
            return Ok(());
        }
        if !told {
            let why = cut.map(|e| format!(" ({e})")).unwrap_or_default();
            eprintln!("rsrc: lost the connection to rsrcd{why}; reconnecting");
            told = true;
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(MAX_RETRY);
    }
}

/// Worth reconnecting for while following: rsrcd is away, going away or starting.
fn retryable(e: &ClientError) -> bool {
    match e {
        ClientError::DaemonUnreachable { .. } | ClientError::Cut(_) => true,
        ClientError::Api { .. } => matches!(e.code(), Some(ErrorCode::Unavailable)),
        ClientError::Protocol(_) => false,
    }
}

/// Prints the events gathered so far as one table (in the order they happened).
fn flush(rows: &mut Vec<Event>, view: &View, color: bool) {
    if rows.is_empty() {
        return;
    }
    print_out(&view.render(rows, color));
    rows.clear();
}
