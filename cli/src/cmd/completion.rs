//! `rsrc completion bash|zsh|fish`: the shell completion script on stdout, the same text as the
//! files in completions/ and as `COMPLETE=SHELL rsrc` (all from [`crate::docs::completion`]).
//! The script calls `rsrc` back on each Tab, and instance, machine and volume names come from
//! the daemon (see [`crate::complete`]).

use clap::{Args, ValueEnum};

use crate::error::{CliError, CliResult};
use crate::output::print_out;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  echo 'source <(rsrc completion bash)' >> ~/.bashrc
  rsrc completion bash > ~/.local/share/bash-completion/completions/rsrc
  rsrc completion zsh > \"${fpath[1]}/_rsrc\"
  rsrc completion fish > ~/.config/fish/completions/rsrc.fish")]
pub struct CompletionArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: ShellArg,
}

pub fn run(args: CompletionArgs) -> CliResult {
    let shell = match args.shell {
        ShellArg::Bash => clap_complete::Shell::Bash,
        ShellArg::Zsh => clap_complete::Shell::Zsh,
        ShellArg::Fish => clap_complete::Shell::Fish,
    };
    let script = crate::docs::completion(shell).map_err(|e| {
        CliError::failure("cannot write the completion script").with_cause(e.to_string())
    })?;
    let text = String::from_utf8(script).map_err(|e| {
        CliError::failure("the completion script is not UTF-8").with_cause(e.to_string())
    })?;
    print_out(&text);
    Ok(())
}
