//! The local terminal of `rsrc exec -t`: raw mode while the command runs, so that every key
//! (Ctrl-C too) goes to the command's TTY in the container, and the terminal's size.
//!
//! Raw mode is undone by [`RawMode`]'s `Drop`, which runs on every way out of the command:
//! its return, an error, a panic's unwind, and SIGHUP or SIGTERM (`rsrc exec` catches those
//! while in raw mode and returns).

use rsrc_shared::api::exec::TermSize;
use rustix::termios::{self, OptionalActions, Termios};

/// Stdin's terminal in raw mode until dropped.
pub struct RawMode {
    saved: Termios,
}

impl RawMode {
    /// Puts stdin's terminal into raw mode; `None` when stdin is no terminal (or refuses).
    pub fn enter() -> Option<RawMode> {
        let stdin = std::io::stdin();
        if !termios::isatty(&stdin) {
            return None;
        }
        let saved = termios::tcgetattr(&stdin).ok()?;
        let mut raw = saved.clone();
        raw.make_raw();
        termios::tcsetattr(&stdin, OptionalActions::Now, &raw).ok()?;
        Some(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
    }
}

/// The size of the terminal on stdin, stdout or stderr (the first that is one).
pub fn size() -> Option<TermSize> {
    let sizes = [
        termios::tcgetwinsize(std::io::stdin()),
        termios::tcgetwinsize(std::io::stdout()),
        termios::tcgetwinsize(std::io::stderr()),
    ];
    sizes
        .into_iter()
        .flatten()
        .find(|w| w.ws_row > 0 && w.ws_col > 0)
        .map(|w| TermSize {
            rows: w.ws_row,
            cols: w.ws_col,
        })
}

/// Whether any of stdin, stdout and stderr is a terminal.
pub fn any_terminal() -> bool {
    termios::isatty(std::io::stdin())
        || termios::isatty(std::io::stdout())
        || termios::isatty(std::io::stderr())
}
