//! Talking to the person at the terminal, all on stderr: password prompts, confirmations,
//! notes, and progress (an indicatif bar on a terminal, plain lines otherwise, nothing with -q).

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::io::{self, BufRead, IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use rsrc_shared::api::PullProgress;

use crate::error::{CliError, CliResult};

/// A note for the person (stderr), unless `-q`.
pub fn note(quiet: bool, text: &str) {
    if !quiet {
        let _ = writeln!(io::stderr().lock(), "{text}");
    }
}

pub fn stdin_is_tty() -> bool {
    io::stdin().is_terminal()
}

fn no_terminal(what: &str, flag_example: &str) -> CliError {
    CliError::usage(format!(
        "cannot ask for {what}: standard input is not a terminal"
    ))
    .with_hint(format!(
        "pass it on standard input with --password-stdin, e.g. {flag_example}"
    ))
}

/// Reads `n` lines from stdin (for `--password-stdin`), without their line ends.
pub fn stdin_lines(n: usize) -> CliResult<Vec<String>> {
    let stdin = io::stdin();
    let mut lock = stdin.lock();
    let mut lines = Vec::with_capacity(n);
    for i in 0..n {
        let mut line = String::new();
        let read = lock
            .read_line(&mut line)
            .map_err(|e| CliError::usage("cannot read standard input").with_cause(e.to_string()))?;
        if read == 0 {
            return Err(CliError::usage(format!(
                "standard input ended after {i} of {}",
                rsrc_shared::words::count(n as u64, "expected line", "expected lines")
            )));
        }
        let trimmed = line.strip_suffix('\n').unwrap_or(&line);
        let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
        lines.push(trimmed.to_string());
    }
    Ok(lines)
}

fn prompt(text: &str) -> CliResult<String> {
    rpassword::prompt_password(text)
        .map_err(|e| CliError::failure("cannot read the password").with_cause(e.to_string()))
}

fn non_empty(pw: String) -> CliResult<String> {
    if pw.is_empty() {
        Err(CliError::usage("the password is empty"))
    } else {
        Ok(pw)
    }
}

/// One password: the first line of stdin with `--password-stdin`, else a no-echo prompt.
pub fn password(from_stdin: bool, label: &str) -> CliResult<String> {
    if from_stdin {
        let mut lines = stdin_lines(1)?;
        return non_empty(lines.pop().unwrap_or_default());
    }
    if !stdin_is_tty() {
        return Err(no_terminal(
            "a password",
            "`printf '%s\\n' \"$PASSWORD\" | rsrc login --email EMAIL --password-stdin`",
        ));
    }
    non_empty(prompt(&format!("{label}: "))?)
}

/// A new password: asked twice on a terminal, and both must match.
pub fn new_password(from_stdin: bool, label: &str) -> CliResult<String> {
    if from_stdin {
        return password(true, label);
    }
    if !stdin_is_tty() {
        return Err(no_terminal(
            "a password",
            "`printf '%s\\n' \"$PASSWORD\" | rsrc signup --email EMAIL --name NAME --password-stdin`",
        ));
    }
    let first = non_empty(prompt(&format!("{label}: "))?)?;
    let second = prompt(&format!("{label} (again): "))?;
    if first != second {
        return Err(CliError::usage("the passwords do not match"));
    }
    Ok(first)
}

/// The current and a new password: two lines of stdin, or three prompts.
pub fn password_change(from_stdin: bool) -> CliResult<(String, String)> {
    if from_stdin {
        let mut lines = stdin_lines(2)?.into_iter();
        let current = non_empty(lines.next().unwrap_or_default())?;
        let new = non_empty(lines.next().unwrap_or_default())?;
        return Ok((current, new));
    }
    if !stdin_is_tty() {
        return Err(no_terminal(
            "the passwords",
            "`printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | rsrc password change --password-stdin`",
        ));
    }
    let current = non_empty(prompt("Current password: ")?)?;
    let new = new_password(false, "New password")?;
    Ok((current, new))
}

/// Asks a yes/no question on a terminal; without one, the caller must have said `--yes`.
pub fn confirm(question: &str) -> CliResult<bool> {
    if !stdin_is_tty() {
        return Err(CliError::usage(
            "cannot ask for confirmation: standard input is not a terminal",
        )
        .with_hint("add --yes to confirm"));
    }
    let mut err = io::stderr().lock();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    drop(err);
    let mut answer = String::new();
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::failure("cannot read the answer").with_cause(e.to_string()))?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// Whether progress may be drawn: stderr is a terminal, and neither `-q` nor `--json` asked
/// for output a script reads.
pub fn can_draw(out: &crate::output::Output) -> bool {
    !out.quiet && out.format == crate::output::Format::Table && crate::output::stderr_is_tty()
}

/// How long a wait goes without a spinner: most answers come sooner, and a spinner that
/// flashes for 50 ms is noise.
const SPINNER_DELAY: Duration = Duration::from_millis(300);

/// Awaits `work`, with a spinner saying `message` once it has taken longer than ~300 ms, on a
/// terminal only (see [`can_draw`]).
pub async fn with_spinner<F: Future>(
    out: &crate::output::Output,
    message: String,
    work: F,
) -> F::Output {
    if !can_draw(out) {
        return work.await;
    }
    let mut work = std::pin::pin!(work);
    tokio::select! {
        done = &mut work => return done,
        () = tokio::time::sleep(SPINNER_DELAY) => {}
    }
    let bar = spinner_bar(message).with_elapsed(SPINNER_DELAY);
    let done = work.await;
    bar.finish_and_clear();
    done
}

fn spinner_bar(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Shows the progress of an image pull.
pub struct PullDisplay {
    image: String,
    quiet: bool,
    bar: Option<ProgressBar>,
    layers: BTreeMap<String, (i64, i64)>,
    seen: HashSet<(String, String)>,
}

impl PullDisplay {
    /// `draw`: a bar may be drawn (see [`can_draw`]); otherwise, unless `quiet`, the daemon's
    /// status lines are printed plainly.
    pub fn new(image: &str, quiet: bool, draw: bool) -> Self {
        let bar = if draw {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} pulling {prefix}: {msg}") {
                bar.set_style(style);
            }
            bar.set_prefix(image.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            Some(bar)
        } else {
            // Plain output prints the daemon's own lines, starting with its first.
            None
        };
        PullDisplay {
            image: image.to_string(),
            quiet,
            bar,
            layers: BTreeMap::new(),
            seen: HashSet::new(),
        }
    }

    pub fn update(&mut self, p: &PullProgress) {
        if self.quiet {
            return;
        }
        let status = p.status.clone().unwrap_or_default();
        if let (Some(id), Some(current), Some(total)) = (&p.id, p.current, p.total) {
            if total > 0 {
                self.layers.insert(id.clone(), (current.min(total), total));
            }
        }
        match &self.bar {
            Some(bar) => {
                let (current, total) = self
                    .layers
                    .values()
                    .fold((0i64, 0i64), |(c, t), (lc, lt)| (c + lc, t + lt));
                if total > 0 {
                    if bar.length().is_none() {
                        if let Ok(style) = ProgressStyle::with_template(
                            "{spinner} pulling {prefix}: [{bar:30}] {bytes}/{total_bytes} {msg}",
                        ) {
                            bar.set_style(style.progress_chars("=> "));
                        }
                    }
                    bar.set_length(total.max(0) as u64);
                    bar.set_position(current.max(0) as u64);
                }
                let msg = match &p.id {
                    Some(id) if !status.is_empty() => format!("{id}: {status}"),
                    _ => status,
                };
                bar.set_message(msg);
            }
            None => {
                // Plain output: one line per new (layer, status), not per byte count.
                if status.is_empty() {
                    return;
                }
                let id = p.id.clone().unwrap_or_default();
                if self.seen.insert((id.clone(), status.clone())) {
                    if id.is_empty() {
                        note(false, &status);
                    } else {
                        note(false, &format!("{id}: {status}"));
                    }
                }
            }
        }
    }

    pub fn finish(self, ok: bool) {
        // Plain output already showed the daemon's last status line.
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
            if ok && !self.layers.is_empty() {
                note(self.quiet, &format!("pulled {}", self.image));
            }
        }
    }
}
