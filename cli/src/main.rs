//! The `rsrc` binary: parse the command line (clap exits 2 on usage errors) and run it.

fn main() -> std::process::ExitCode {
    rsrc::run(rsrc::usage::parse())
}
