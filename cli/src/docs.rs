//! Man pages and shell completions, generated from the clap definitions.
//!
//! Regenerate the committed copies with `cargo run -p rsrc --example gen-docs` (it writes
//! `man/` and `completions/` at the workspace root); `cli/tests/generated_docs.rs` fails when
//! they are stale. Output must be deterministic: no dates, no environment values.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use crate::{ENVIRONMENT, EXIT_STATUS};

/// The man pages: file name -> content. One page for rsrc and one for every subcommand
/// (`rsrc-machine-create.1`, ...).
pub fn man_pages() -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = crate::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(&cmd, true, &mut pages)?;
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(pages)
}

fn collect(cmd: &clap::Command, root: bool, pages: &mut Vec<(String, Vec<u8>)>) -> io::Result<()> {
    pages.push(page(cmd, root)?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, false, pages)?;
    }
    Ok(())
}

fn page(cmd: &clap::Command, root: bool) -> io::Result<(String, Vec<u8>)> {
    let man = Man::new(cmd.clone())
        .manual("rsrc manual")
        .source(concat!("rsrc ", env!("CARGO_PKG_VERSION")));
    let name = man.get_filename();
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    let mut roff = Roff::new();
    if root {
        roff.control("SH", ["EXIT STATUS"]);
        for (code, meaning) in EXIT_STATUS {
            roff.control("TP", []);
            roff.text([bold(*code)]);
            roff.text([roman(*meaning)]);
        }
        roff.control("SH", ["ENVIRONMENT"]);
        for (var, meaning) in ENVIRONMENT {
            roff.control("TP", []);
            roff.text([bold(*var)]);
            roff.text([roman(*meaning)]);
        }
        roff.control("SH", ["FILES"]);
        roff.control("TP", []);
        roff.text([bold("~/.config/rsrc/sessions/*.json")]);
        roff.text([roman(
            "The login per daemon socket (mode 0600, in a 0700 directory): the account, and \
             the token when the kernel keyring cannot hold it. rsrc refuses a file that \
             other users can read.",
        )]);
        roff.control("SH", ["SEE ALSO"]);
        roff.text([roman(
            "rsrcd(8), rsrcd.toml(5); rsrc-<command>(1) for each command, e.g. \
             rsrc-machine-create(1).",
        )]);
    } else {
        if let Some(text) = cmd.get_after_long_help() {
            let text = text.to_string();
            let mut lines = text.lines().peekable();
            if lines
                .peek()
                .is_some_and(|l| l.trim_end().ends_with(':') && l.starts_with("Example"))
            {
                lines.next();
                roff.control("SH", ["EXAMPLES"]);
            } else {
                roff.control("SH", ["NOTES"]);
            }
            roff.control("nf", []);
            for line in lines {
                roff.text([roman(line)]);
            }
            roff.control("fi", []);
        }
        roff.control("SH", ["SEE ALSO"]);
        roff.text([roman("rsrc(1)")]);
    }
    roff.to_writer(&mut out)?;
    if root {
        man.render_version_section(&mut out)?;
    }
    Ok((name, out))
}

/// The environment variable that asks rsrc to complete (`COMPLETE=bash rsrc`).
pub const COMPLETE_VAR: &str = "COMPLETE";

/// Dynamic completion: with `COMPLETE=<shell>` set, `complete()` answers the shell and exits.
/// The scripts name the program `rsrc` (found on PATH), not the path of this binary, so that
/// they are the same wherever they were generated.
pub fn complete_env() -> clap_complete::CompleteEnv<'static, fn() -> clap::Command> {
    clap_complete::CompleteEnv::with_factory(crate::command as fn() -> clap::Command)
        .var(COMPLETE_VAR)
        .bin("rsrc")
        .completer("rsrc")
}

/// The completion script for one shell, as `rsrc completion SHELL` and `COMPLETE=SHELL rsrc`
/// print it: it asks `rsrc` for the candidates on each Tab, so names come from the daemon.
pub fn completion(shell: Shell) -> io::Result<Vec<u8>> {
    use clap_complete::env::EnvCompleter;
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &clap_complete::env::Bash,
        Shell::Zsh => &clap_complete::env::Zsh,
        Shell::Fish => &clap_complete::env::Fish,
        other => return Err(io::Error::other(format!("no completion for {other}"))),
    };
    let mut buf = Vec::new();
    completer.write_registration(COMPLETE_VAR, "rsrc", "rsrc", "rsrc", &mut buf)?;
    Ok(buf)
}

/// The completion scripts: file name -> content, for bash, zsh and fish.
pub fn completions() -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let buf = completion(shell)?;
        let name = match shell {
            Shell::Bash => "rsrc.bash",
            Shell::Zsh => "_rsrc",
            _ => "rsrc.fish",
        };
        files.push((name.to_string(), buf));
    }
    Ok(files)
}

/// Whether a file in `man/` is one of ours (the daemon's pages may live there too).
pub fn is_our_man_page(name: &str) -> bool {
    name.ends_with(".1") && (name == "rsrc.1" || name.starts_with("rsrc-"))
}

/// Writes `<root>/man/*.1` and `<root>/completions/*`, and removes our man pages that no
/// command produces any more. Returns the files written.
pub fn generate(root: &Path) -> io::Result<Vec<PathBuf>> {
    let man_dir = root.join("man");
    let comp_dir = root.join("completions");
    fs::create_dir_all(&man_dir)?;
    fs::create_dir_all(&comp_dir)?;
    let pages = man_pages()?;
    let mut written = Vec::new();
    for entry in fs::read_dir(&man_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_our_man_page(&name) && !pages.iter().any(|(n, _)| *n == name) {
            fs::remove_file(entry.path())?;
        }
    }
    for (name, content) in pages {
        let path = man_dir.join(name);
        fs::write(&path, content)?;
        written.push(path);
    }
    for (name, content) in completions()? {
        let path = comp_dir.join(name);
        fs::write(&path, content)?;
        written.push(path);
    }
    Ok(written)
}
