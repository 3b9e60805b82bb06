//! When to colour: `--color auto|always|never` and `NO_COLOR`, decided once per process.
//!
//! Tables go to stdout and errors and progress to stderr, so `auto` asks about each stream on
//! its own: `rsrc instance ls | less` keeps a red `error:` on the terminal but no escapes in the
//! pipe.

use std::io::{self, IsTerminal};
use std::sync::OnceLock;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the output is a terminal and NO_COLOR is unset or empty.
    #[default]
    Auto,
    /// Colour even into pipes and files (NO_COLOR does not override it).
    Always,
    /// Never colour.
    Never,
}

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// Set from the command line before anything is printed; later calls change nothing.
pub fn set_choice(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

fn choice() -> ColorChoice {
    CHOICE.get().copied().unwrap_or_default()
}

/// `NO_COLOR` counts only when non-empty, as no-color.org asks.
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn decide(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color_env(),
    }
}

/// Whether tables on stdout are coloured.
pub fn stdout_color() -> bool {
    decide(choice(), io::stdout().is_terminal())
}

/// Whether errors on stderr are coloured.
pub fn stderr_color() -> bool {
    decide(choice(), io::stderr().is_terminal())
}

/// The SGR code a state or event kind is shown in: up is green, down is red, on the way (or
/// stopped on purpose) is yellow.
pub fn state_paint(state: &str) -> Option<&'static str> {
    match state {
        "running" | "started" | "engine_up" => Some("32"),
        "exited" | "lost" | "failed" | "died" | "dead" | "oom" | "killed" | "engine_down" => {
            Some("31")
        }
        "stopped" | "creating" | "created" | "removing" | "removed" | "restarting" | "paused"
        | "recreated" => Some("33"),
        _ => None,
    }
}

/// `text` in the colour `sgr`.
pub fn paint(text: &str, sgr: &str) -> String {
    format!("\x1b[{sgr}m{text}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn always_and_never_ignore_the_terminal() {
        assert!(decide(ColorChoice::Always, false));
        assert!(!decide(ColorChoice::Never, true));
        assert!(!decide(ColorChoice::Auto, false));
    }

    #[test]
    fn states_have_colours() {
        assert_eq!(state_paint("running"), Some("32"));
        assert_eq!(state_paint("exited"), Some("31"));
        assert_eq!(state_paint("lost"), Some("31"));
        assert_eq!(state_paint("stopped"), Some("33"));
        assert_eq!(state_paint("whatever"), None);
    }
}
