//! scripts/install into a scratch DESTDIR: what lands where, an edited config survives a second
//! install and the uninstall, and the uninstall removes the rest.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn install(destdir: &Path, args: &[&str]) -> String {
    let bins = Path::new(env!("CARGO_BIN_EXE_rsrcd"))
        .parent()
        .expect("the binaries' dir")
        .to_path_buf();
    let out = Command::new(repo().join("scripts/install"))
        .arg("--from")
        .arg(&bins)
        .args(args)
        .env("DESTDIR", destdir)
        .env("HOME", destdir.join("home"))
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .expect("run scripts/install");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "scripts/install {args:?}: {text}");
    text
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read a dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .expect("under dir")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn install_into_destdir_then_uninstall() {
    let dest = tempfile::tempdir().unwrap();
    let d = dest.path();
    install(d, &["--prefix", "/usr"]);
    for path in [
        "usr/bin/rsrcd",
        "usr/bin/rsrc",
        "usr/lib/systemd/system/rsrcd.service",
        "usr/lib/systemd/system/rsrcd.socket",
        "usr/lib/sysusers.d/rsrc.conf",
        "usr/share/man/man1/rsrc.1",
        "usr/share/man/man8/rsrcd.8",
        "usr/share/man/man5/rsrcd.toml.5",
        "usr/share/bash-completion/completions/rsrc",
        "usr/share/zsh/site-functions/_rsrc",
        "usr/share/fish/vendor_completions.d/rsrc.fish",
        "etc/rsrc/rsrcd.toml",
        "usr/lib/rsrc/install-manifest",
    ] {
        assert!(
            d.join(path).is_file(),
            "{path} missing; got {:?}",
            files_under(d)
        );
    }
    let unit = std::fs::read_to_string(d.join("usr/lib/systemd/system/rsrcd.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/rsrcd "), "{unit}");
    assert!(!unit.contains("/usr/local/"), "{unit}");

    // The config may hold the SMTP password and the SMS token: root's alone (issue 19 item 11).
    let conf = d.join("etc/rsrc/rsrcd.toml");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&conf).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "rsrcd.toml is {mode:o}");
    }
    // An edited config is kept by a second install and by the uninstall.
    std::fs::write(&conf, "socket_mode = \"0600\"\n").unwrap();
    let again = install(d, &["--prefix", "/usr"]);
    assert!(again.contains("kept"), "{again}");
    assert_eq!(
        std::fs::read_to_string(&conf).unwrap(),
        "socket_mode = \"0600\"\n"
    );
    // The data is not the installer's.
    std::fs::create_dir_all(d.join("var/lib/rsrc")).unwrap();
    std::fs::write(d.join("var/lib/rsrc/rsrc.db"), "data").unwrap();

    install(d, &["--prefix", "/usr", "--uninstall"]);
    assert_eq!(
        files_under(d),
        vec![
            "etc/rsrc/rsrcd.toml".to_string(),
            "var/lib/rsrc/rsrc.db".to_string()
        ]
    );
}

#[test]
fn a_user_install_goes_to_home_and_its_units_run_the_installed_binary() {
    let dest = tempfile::tempdir().unwrap();
    let d = dest.path();
    let home = d.join("home");
    install(d, &["--user"]);
    // DESTDIR applies to the user's paths as well.
    let under = |p: &str| d.join(home.strip_prefix("/").unwrap()).join(p);
    for path in [
        ".local/bin/rsrcd",
        ".config/systemd/user/rsrcd.service",
        ".config/systemd/user/rsrcd.socket",
        ".config/rsrc/rsrcd.toml",
    ] {
        assert!(
            under(path).is_file(),
            "{path} missing; got {:?}",
            files_under(d)
        );
    }
    let unit = std::fs::read_to_string(under(".config/systemd/user/rsrcd.service")).unwrap();
    assert!(
        unit.contains(&format!("ExecStart={}/.local/bin/rsrcd", home.display())),
        "{unit}"
    );
    install(d, &["--user", "--uninstall"]);
    assert!(!under(".local/bin/rsrcd").exists());
    assert!(
        !under(".config/rsrc/rsrcd.toml").exists(),
        "an unedited config goes"
    );
}

#[test]
fn the_install_script_is_shellcheck_clean() {
    let scripts = repo().join("scripts");
    let Ok(out) = Command::new("shellcheck")
        .arg("-x")
        .arg(scripts.join("install"))
        .arg(scripts.join("lib.sh"))
        .current_dir(&scripts)
        .output()
    else {
        eprintln!("SKIP: shellcheck not installed");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
