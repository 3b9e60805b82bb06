//! The `rsrc` binary: answer a completing shell, or parse the command line (clap exits 2 on
//! usage errors) and run it.

fn main() -> std::process::ExitCode {
    // With COMPLETE=<shell> set, this answers the shell (or prints its script) and exits.
    rsrc::docs::complete_env().complete();
    rsrc::run(rsrc::usage::parse())
}
