//! Regenerates the man pages and shell completions of `rsrc` from its clap definitions.
//!
//!     cargo run -p rsrc --example gen-docs            # writes man/ and completions/ at the workspace root
//!     cargo run -p rsrc --example gen-docs -- DIR     # writes DIR/man and DIR/completions
//!
//! Commit the result; `cargo test -p rsrc --test generated_docs` fails while it is stale.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."));
    match rsrc::docs::generate(&root) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write the docs under {}: {e}", root.display());
            ExitCode::FAILURE
        }
    }
}
