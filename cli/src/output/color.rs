//! When to colour: `--color auto|always|never` and `NO_COLOR`, decided once per process.
//!
//! Tables go to stdout and errors and progress to stderr, so `auto` asks about each stream on
//! its own: `rsrc instance ls | less` keeps a red `error:` on the terminal but no escapes in the
//! pipe.

use std::io::{self, IsTerminal};
use std::sync::OnceLock;

use clap::ValueEnum;
use rsrc_shared::api::{EventKind, InstanceState};

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

/// How a state or event kind is shown: up is green, down is red, on the way (or stopped on
/// purpose) is yellow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Up,
    Down,
    Between,
}

impl Tone {
    /// The SGR code of the colour.
    pub fn sgr(self) -> &'static str {
        match self {
            Tone::Up => "32",
            Tone::Down => "31",
            Tone::Between => "33",
        }
    }
}

/// The tone of an instance's state; none for one this build does not know.
pub fn state_tone(state: InstanceState) -> Option<Tone> {
    use InstanceState as S;
    match state {
        S::Running => Some(Tone::Up),
        // Paused answers nothing: down, although Docker says "Up".
        S::Exited | S::Lost | S::Paused => Some(Tone::Down),
        S::Stopped | S::Creating | S::Created | S::Removing | S::Recreating | S::Removed => {
            Some(Tone::Between)
        }
        S::Unknown => None,
    }
}

/// The tone of an event kind; none for one this build does not know.
pub fn event_tone(kind: EventKind) -> Option<Tone> {
    use EventKind as K;
    match kind {
        K::Started | K::Unpaused | K::EngineUp => Some(Tone::Up),
        K::Died | K::Oom | K::Killed | K::Lost | K::Paused | K::EngineDown => Some(Tone::Down),
        K::Stopped | K::Created | K::Removed | K::Recreated => Some(Tone::Between),
        K::Unknown => None,
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
        let sgr = |s| state_tone(s).map(Tone::sgr);
        assert_eq!(sgr(InstanceState::Running), Some("32"));
        assert_eq!(sgr(InstanceState::Exited), Some("31"));
        assert_eq!(sgr(InstanceState::Lost), Some("31"));
        assert_eq!(sgr(InstanceState::Stopped), Some("33"));
        assert_eq!(sgr(InstanceState::Unknown), None);
        assert_eq!(event_tone(EventKind::Oom), Some(Tone::Down));
        assert_eq!(event_tone(EventKind::Started), Some(Tone::Up));
    }
}
