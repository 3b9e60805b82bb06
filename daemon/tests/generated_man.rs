//! The committed man pages of rsrcd (man/rsrcd*.8 from its clap definitions, man/rsrcd.toml.5
//! from the config key table) must match what `rsrcd::cli::man_pages` produces.
//! When this fails, run `cargo run -p rsrcd --example gen-man` and commit man/.

use std::path::Path;

#[test]
fn rsrcd_man_pages_are_up_to_date() {
    let man = Path::new(env!("CARGO_MANIFEST_DIR")).join("../man");
    let pages = rsrcd::cli::man_pages().expect("render man pages");
    let mut stale = Vec::new();
    for (name, fresh) in &pages {
        match std::fs::read(man.join(name)) {
            Ok(committed) if &committed == fresh => {}
            Ok(_) => stale.push(format!("man/{name} is out of date")),
            Err(_) => stale.push(format!("man/{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&man).expect("read man/").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("rsrcd") && !pages.iter().any(|(n, _)| *n == name) {
            stale.push(format!("man/{name} is no longer generated"));
        }
    }
    assert!(
        pages.iter().any(|(n, _)| n == "rsrcd.toml.5"),
        "rsrcd.toml(5) is generated"
    );
    assert!(
        stale.is_empty(),
        "{}\nregenerate with `cargo run -p rsrcd --example gen-man` and commit man/",
        stale.join("\n")
    );
}
