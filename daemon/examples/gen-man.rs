//! Regenerates rsrcd's man pages from its clap definitions, and rsrcd.toml(5) from the config
//! key table:
//!
//!     cargo run -p rsrcd --example gen-man    # writes man/rsrcd*.8 and man/rsrcd.toml.5
//!
//! Commit the result; `cargo test -p rsrcd --test generated_man` fails while it is stale.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../man"));
    let pages = match rsrcd::cli::man_pages() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot render the man pages: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (name, content) in pages {
        let path = dir.join(&name);
        if let Err(e) = std::fs::write(&path, content) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("{}", path.display());
    }
    ExitCode::SUCCESS
}
