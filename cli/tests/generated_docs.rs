//! The committed man pages (man/) and shell completions (completions/) must match what the clap
//! definitions produce. When this fails, regenerate them and commit the result:
//!
//!     cargo run -p rsrc --example gen-docs

use std::fs;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "cargo run -p rsrc --example gen-docs";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn stale(kind: &str, name: &str, why: &str) -> String {
    format!("{kind}/{name} is {why}")
}

#[test]
fn man_pages_and_completions_are_up_to_date() {
    let tmp = tempfile::tempdir().expect("tempdir");
    rsrc::docs::generate(tmp.path()).expect("generate docs");
    let root = workspace_root();
    let mut problems = Vec::new();
    for kind in ["man", "completions"] {
        let fresh_dir = tmp.path().join(kind);
        let committed_dir = root.join(kind);
        let mut fresh_names = Vec::new();
        for entry in fs::read_dir(&fresh_dir).expect("read fresh dir") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let fresh = fs::read(entry.path()).expect("read fresh file");
            match fs::read(committed_dir.join(&name)) {
                Ok(committed) if committed == fresh => {}
                Ok(_) => problems.push(stale(kind, &name, "out of date")),
                Err(_) => problems.push(stale(kind, &name, "missing")),
            }
            fresh_names.push(name);
        }
        if let Ok(entries) = fs::read_dir(&committed_dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let ours = match kind {
                    "man" => rsrc::docs::is_our_man_page(&name),
                    _ => ["rsrc.bash", "_rsrc", "rsrc.fish"].contains(&name.as_str()),
                };
                if ours && !fresh_names.contains(&name) {
                    problems.push(stale(kind, &name, "no longer generated"));
                }
            }
        }
    }
    problems.sort();
    assert!(
        problems.is_empty(),
        "the generated docs are stale:\n  {}\nregenerate them with `{REGENERATE}` and commit man/ and completions/",
        problems.join("\n  ")
    );
}
