//! The feed on the command line: `machine comment|comments|like|dislike|unlike|rate|unrate|
//! feedback` and `comment edit|rm`. Tables escape every control character of a text, so a
//! comment can never drive the terminal; `--json` gives the text byte for byte.

use std::io::Read;

use clap::{Args, Subcommand, ValueEnum};
use rsrc_shared::api::{
    Comment, Feedback, Machine, MachineSort, RatingSet, Vote, DEFAULT_PAGE, MAX_PAGE,
};
use serde::Serialize;

use crate::error::{CliError, CliResult};
use crate::output::human::{self, ago};
use crate::output::{print_out, Detail, DockerAll, ListArgs, Listing, Row, View};
use crate::Ctx;

/// The feed's subcommands of `rsrc machine`.
#[derive(Debug, Subcommand)]
pub enum FeedCmd {
    /// Comment on a machine (verified users); TEXT `-` reads it from standard input.
    Comment {
        #[arg(value_name = "MACHINE")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        machine: String,
        /// 1 to 2000 characters; newlines and tabs are kept, other control characters refused.
        #[arg(value_name = "TEXT", allow_hyphen_values = true)]
        text: String,
    },
    /// List a machine's comments, oldest first, a page at a time.
    #[command(
        after_long_help = "Pages follow comment ids: `--after ID` with the last id shown \
                                 gives the next page, `--before ID` with the first the one before."
    )]
    Comments {
        #[arg(value_name = "MACHINE")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        machine: String,
        /// How many comments to show (1 to 500) [default: 50].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_PAGE as i64))]
        limit: Option<u32>,
        /// Only comments older than this id.
        #[arg(long, value_name = "ID", conflicts_with = "after")]
        before: Option<i64>,
        /// Only comments newer than this id.
        #[arg(long, value_name = "ID")]
        after: Option<i64>,
        #[command(flatten)]
        listing: Listing,
    },
    /// Like a machine (verified users); replaces a dislike.
    Like {
        #[arg(value_name = "MACHINE")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        machine: String,
    },
    /// Dislike a machine (verified users); replaces a like.
    Dislike {
        #[arg(value_name = "MACHINE")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        machine: String,
    },
    /// Withdraw your like or dislike.
    Unlike {
        #[arg(value_name = "MACHINE")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        machine: String,
    },
    /// Rate a machine 1 to 5 (verified users), with optional feedback for the admins.
    Rate {
        #[arg(value_name = "MACHINE")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        machine: String,
        /// 1 to 5 stars.
        #[arg(value_name = "1-5", value_parser = clap::value_parser!(i64).range(1..=5))]
        stars: i64,
        /// Feedback text (the same rules as a comment); `-` reads it from standard input.
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        feedback: Option<String>,
    },
    /// Withdraw your rating and its feedback.
    Unrate {
        #[arg(value_name = "MACHINE")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        machine: String,
    },
    /// List the ratings and feedback on a machine: an admin sees all, a user their own.
    Feedback {
        #[arg(value_name = "MACHINE")]
        #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::machines))]
        machine: String,
        #[command(flatten)]
        listing: Listing,
    },
}

/// `rsrc comment`: change or remove a comment by id.
#[derive(Debug, Subcommand)]
pub enum CommentCmd {
    /// Change your comment's text; TEXT `-` reads it from standard input.
    Edit {
        #[arg(value_name = "ID")]
        id: i64,
        #[arg(value_name = "TEXT", allow_hyphen_values = true)]
        text: String,
    },
    /// Remove comments: your own, or anyone's as an admin.
    #[command(visible_alias = "remove")]
    Rm {
        #[arg(value_name = "ID", required = true)]
        ids: Vec<i64>,
    },
}

/// `machine ls --sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SortArg {
    #[default]
    Name,
    /// Best mean rating first; unrated machines last.
    Rating,
    /// Most likes first.
    Likes,
    /// Most instances first.
    Instances,
}

#[derive(Debug, Args, Default)]
pub struct MachineLsArgs {
    /// Order of the list.
    #[arg(long, value_enum, value_name = "KEY", default_value_t = SortArg::Name)]
    pub sort: SortArg,
    #[command(flatten)]
    pub view: ListArgs,
    #[command(flatten)]
    pub all: DockerAll,
}

impl From<SortArg> for MachineSort {
    fn from(s: SortArg) -> Self {
        match s {
            SortArg::Name => MachineSort::Name,
            SortArg::Rating => MachineSort::Rating,
            SortArg::Likes => MachineSort::Likes,
            SortArg::Instances => MachineSort::Instances,
        }
    }
}

/// Largest text read from standard input; the daemon refuses more than 2000 characters anyway.
const MAX_STDIN: u64 = 64 * 1024;

/// The text itself, or standard input for `-`.
fn text_arg(text: String) -> CliResult<String> {
    if text != "-" {
        return Ok(text);
    }
    let mut buf = String::new();
    std::io::stdin()
        .take(MAX_STDIN)
        .read_to_string(&mut buf)
        .map_err(|e| {
            CliError::usage("cannot read the text from standard input").with_cause(e.to_string())
        })?;
    Ok(buf)
}

pub use crate::output::escape;

/// A list shown in the daemon's order instead of sorted by the renderer.
#[derive(Serialize)]
#[serde(transparent)]
struct InOrder<T> {
    #[serde(skip)]
    rank: usize,
    item: T,
}

impl<T: Row> Row for InOrder<T> {
    fn header() -> &'static [&'static str] {
        T::header()
    }
    fn cells(&self) -> Vec<String> {
        self.item.cells()
    }
    fn extra_header() -> &'static [&'static str] {
        T::extra_header()
    }
    fn extra_cells(&self) -> Vec<String> {
        self.item.extra_cells()
    }
    fn state(&self) -> Option<(&'static str, Option<crate::output::color::Tone>)> {
        self.item.state()
    }
    fn id(&self) -> String {
        self.item.id()
    }
    fn sort_key(&self) -> String {
        format!("{:020}", self.rank)
    }
}

fn in_order<T>(items: Vec<T>) -> Vec<InOrder<T>> {
    items
        .into_iter()
        .enumerate()
        .map(|(rank, item)| InOrder { rank, item })
        .collect()
}

impl Row for Comment {
    fn header() -> &'static [&'static str] {
        &["ID", "AUTHOR", "CREATED", "TEXT"]
    }
    fn cells(&self) -> Vec<String> {
        let mut created = ago(&self.created_at, human::now());
        if self.edited_at.is_some() {
            created.push_str(" (edited)");
        }
        vec![
            self.id.to_string(),
            escape(&self.author),
            created,
            escape(&self.text),
        ]
    }
    fn id(&self) -> String {
        self.id.to_string()
    }
}

impl Detail for Comment {
    fn fields(&self) -> Vec<(&'static str, String)> {
        let keep_lines = |t: &str| t.split('\n').map(escape).collect::<Vec<_>>().join("\n");
        vec![
            ("id", self.id.to_string()),
            ("machine", self.machine.clone()),
            ("author", escape(&self.author)),
            ("created", self.created_at.clone()),
            ("edited", self.edited_at.clone().unwrap_or_default()),
            ("text", keep_lines(&self.text)),
        ]
    }
    fn id(&self) -> String {
        self.id.to_string()
    }
}

impl Row for Feedback {
    fn header() -> &'static [&'static str] {
        &["AUTHOR", "STARS", "UPDATED", "FEEDBACK"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            escape(&self.author),
            self.stars.to_string(),
            ago(&self.updated_at, human::now()),
            self.feedback.as_deref().map(escape).unwrap_or_default(),
        ]
    }
    fn id(&self) -> String {
        self.author.clone()
    }
}

/// `redis: 3 likes, 1 dislike, rating 4.5 (2 ratings), 5 comments; you: like, 4`.
fn summary(m: &Machine) -> String {
    let mut you = Vec::new();
    if let Some(v) = m.my_vote {
        you.push(v.as_str().to_string());
    }
    if let Some(r) = m.my_rating {
        you.push(format!("rated {r}"));
    }
    use rsrc_shared::words::count;
    format!(
        "{}: {}, {}, rating {} ({}), {}{}\n",
        m.name,
        count(m.likes, "like", "likes"),
        count(m.dislikes, "dislike", "dislikes"),
        crate::output::rating_text(m.rating),
        count(m.ratings, "rating", "ratings"),
        count(m.comments, "comment", "comments"),
        if you.is_empty() {
            String::new()
        } else {
            format!("; you: {}", you.join(", "))
        }
    )
}

/// `machine ls`, in the order asked for.
pub async fn list_machines(ctx: &mut Ctx, args: MachineLsArgs) -> CliResult {
    let view = View::parse::<Machine>(&args.view)?;
    if args.sort == SortArg::Name {
        let mut machines = ctx.client.machines().list().await?;
        ctx.out.list_view(&mut machines, &view);
    } else {
        let machines = ctx.client.feed().machines_sorted(args.sort.into()).await?;
        ctx.out.list_view(&mut in_order(machines), &view);
    }
    Ok(())
}

pub async fn run(ctx: &mut Ctx, cmd: FeedCmd) -> CliResult {
    let feed = ctx.client.feed();
    let machine = match cmd {
        FeedCmd::Comment { machine, text } => {
            let comment = feed.comment(&machine, text_arg(text)?).await?;
            ctx.out.one(&comment);
            return Ok(());
        }
        FeedCmd::Comments {
            machine,
            limit,
            before,
            after,
            listing,
        } => {
            let view = View::parse::<Comment>(&listing.view)?;
            let page = feed.comments(&machine, limit, before, after).await?;
            let full = page.len() as u32 == limit.unwrap_or(DEFAULT_PAGE);
            let last = page.last().map(|c| c.id);
            ctx.out.list_view(&mut in_order(page), &view);
            let json = ctx.out.is_json() || view.is_json();
            if let (true, Some(last), false) = (full, last, json) {
                crate::ui::note(
                    ctx.quiet,
                    &format!("more may follow: rsrc machine comments {machine} --after {last}"),
                );
            }
            return Ok(());
        }
        FeedCmd::Feedback { machine, listing } => {
            let view = View::parse::<Feedback>(&listing.view)?;
            let list = feed.feedback(&machine).await?;
            ctx.out.list_view(&mut in_order(list), &view);
            return Ok(());
        }
        FeedCmd::Like { machine } => feed.vote(&machine, Vote::Like).await?,
        FeedCmd::Dislike { machine } => feed.vote(&machine, Vote::Dislike).await?,
        FeedCmd::Unlike { machine } => feed.unvote(&machine).await?,
        FeedCmd::Rate {
            machine,
            stars,
            feedback: text,
        } => {
            let feedback = text.map(text_arg).transpose()?;
            feed.rate(&machine, &RatingSet { stars, feedback }).await?
        }
        FeedCmd::Unrate { machine } => feed.unrate(&machine).await?,
    };
    ctx.out.custom(
        &machine,
        &summary(&machine),
        std::slice::from_ref(&machine.name),
    );
    Ok(())
}

pub async fn comment(ctx: &mut Ctx, cmd: CommentCmd) -> CliResult {
    match cmd {
        CommentCmd::Edit { id, text } => {
            let comment = ctx.client.feed().edit(id, text_arg(text)?).await?;
            ctx.out.one(&comment);
        }
        CommentCmd::Rm { ids } => {
            for id in &ids {
                ctx.client.feed().remove(*id).await?;
                if !ctx.out.is_json() {
                    print_out(&format!("{id}\n"));
                }
            }
            if ctx.out.is_json() {
                print_out(&crate::output::json(&ids));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_show_control_characters_escaped() {
        assert_eq!(escape("a\u{1b}[31mb\nc\td"), "a\\u{1b}[31mb\\nc\\td");
        assert_eq!(escape("x\u{202e}y\r"), "x\\u{202e}y\\u{d}");
        assert_eq!(escape("grüße \"q\""), "grüße \"q\"");
    }
}
