//! The registry's files are the daemon's alone (0600), whichever program made them.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::{rsrcd_bin, Options, TestDaemon};

fn mode(path: &Path) -> Option<u32> {
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

fn registry_files(data_dir: &Path) -> Vec<std::path::PathBuf> {
    ["rsrc.db", "rsrc.db-wal", "rsrc.db-shm"]
        .iter()
        .map(|f| data_dir.join(f))
        .filter(|p| p.exists())
        .collect()
}

#[test]
fn admin_create_on_a_fresh_data_dir_makes_a_private_registry() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let config = dir.path().join("rsrcd.toml");
    std::fs::write(
        &config,
        format!(
            "data_dir = {:?}\nsocket = {:?}\n",
            data_dir.display().to_string(),
            dir.path().join("rsrcd.sock").display().to_string()
        ),
    )
    .unwrap();
    // With the umask most shells have, which `rsrcd admin create` does not change.
    let status = Command::new("sh")
        .args([
            "-c",
            "umask 022; printf 'admin-password-1\\n' | exec \"$0\" --config \"$1\" admin create --email a@example.com --password-stdin",
        ])
        .arg(rsrcd_bin())
        .arg(&config)
        .status()
        .unwrap();
    assert!(status.success());
    let files = registry_files(&data_dir);
    assert!(!files.is_empty());
    for f in files {
        assert_eq!(mode(&f), Some(0o600), "{}", f.display());
    }
}

#[test]
fn a_registry_left_readable_is_repaired_at_start() {
    let mut d = TestDaemon::start(Options::default());
    d.stop();
    for f in registry_files(&d.data_dir) {
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    d.spawn();
    let files = registry_files(&d.data_dir);
    assert!(files.iter().any(|f| f.ends_with("rsrc.db")));
    for f in files {
        assert_eq!(mode(&f), Some(0o600), "{}", f.display());
    }
}
