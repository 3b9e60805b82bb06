//! Command-line parsing with one correction to clap's errors: for an unknown flag, clap suggests
//! the most similar flag it knows, and the global flags are always among those it knows, so
//! `rsrc logs x --since 1m` used to suggest `--socket` (and printed a usage line with
//! `--socket <PATH>` in it). Such a suggestion is dropped; suggestions of the command's own flags
//! (`--volume` for `--volumes`) stay.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};

use crate::Cli;

/// The global flags: present in every command, so never a helpful guess.
const GLOBAL_FLAGS: &[&str] = &["--socket", "--output", "--json", "--quiet", "--debug"];

/// Parses `std::env::args`, exiting as clap does (2 for usage errors, 0 for --help).
pub fn parse() -> Cli {
    match try_parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    }
}

pub fn try_parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let mut cmd = Cli::command();
    let result = cmd
        .try_get_matches_from_mut(args.clone())
        .and_then(|m| Cli::from_arg_matches(&m));
    match result {
        Ok(cli) => Ok(cli),
        Err(e) if e.kind() == ErrorKind::UnknownArgument && suggests_a_global(&e) => {
            Err(without_suggestion(&e, &args))
        }
        Err(e) => Err(e),
    }
}

fn suggests_a_global(e: &clap::Error) -> bool {
    matches!(
        e.get(ContextKind::SuggestedArg),
        Some(ContextValue::String(s)) if GLOBAL_FLAGS.iter().any(|g| s.starts_with(g))
    )
}

/// The same error with no tip, and the usage of the subcommand the words name.
fn without_suggestion(e: &clap::Error, args: &[std::ffi::OsString]) -> clap::Error {
    let mut sub = Cli::command();
    // Building names every subcommand's binary (`rsrc logs`), which its usage line shows.
    sub.build();
    for word in args.iter().skip(1) {
        let Some(word) = word.to_str() else { break };
        if word.starts_with('-') {
            continue;
        }
        let next = sub
            .get_subcommands()
            .find(|s| s.get_name() == word || s.get_all_aliases().any(|a| a == word))
            .cloned();
        match next {
            Some(s) => sub = s,
            None => break,
        }
    }
    let mut err = clap::Error::new(ErrorKind::UnknownArgument).with_cmd(&sub);
    if let Some(arg) = e.get(ContextKind::InvalidArg) {
        err.insert(ContextKind::InvalidArg, arg.clone());
    }
    err.insert(
        ContextKind::Usage,
        ContextValue::StyledStr(sub.render_usage()),
    );
    err
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn message(args: &[&str]) -> String {
        try_parse(args.iter().copied())
            .unwrap_err()
            .render()
            .to_string()
    }

    #[test]
    fn unknown_flags_are_not_taken_for_global_ones() {
        let text = message(&["rsrc", "logs", "x", "--sock", "1m"]);
        assert!(!text.contains("similar"), "{text}");
        assert!(text.contains("unexpected argument '--sock'"), "{text}");
        assert!(text.contains("Usage: rsrc logs"), "{text}");
        assert!(!text.contains("--socket <PATH>"), "{text}");
        let text = message(&["rsrc", "instance", "ls", "--outptu", "x"]);
        assert!(!text.contains("similar"), "{text}");
    }

    #[test]
    fn a_commands_own_flags_are_still_suggested() {
        let text = message(&["rsrc", "instance", "rm", "x", "--volume"]);
        assert!(text.contains("--volumes"), "{text}");
    }

    #[test]
    fn negative_numbers_reach_the_rule() {
        let text = message(&["rsrc", "machine", "update", "x", "--cpus", "-0.5"]);
        assert!(text.contains("cpus `-0.5`"), "{text}");
        assert!(!text.contains("unexpected argument"), "{text}");
    }
}
