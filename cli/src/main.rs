//! The `rsrc` binary: parse the command line (clap exits 2 on usage errors) and run it.

use clap::Parser;

fn main() -> std::process::ExitCode {
    rsrc::run(rsrc::Cli::parse())
}
