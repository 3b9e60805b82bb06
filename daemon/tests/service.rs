//! rsrcd under a service manager, without one as PID 1 (daemon/tests/systemd.rs boots a real
//! one): a socket passed by `systemd-socket-activate`, the sd_notify(3) messages on a
//! NOTIFY_SOCKET of the test's own, and the journal's log format.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rsrc_shared::v1;

use common::{poll, raw_request, rsrcd_bin, DEADLINE};

fn write_config(dir: &Path, socket: &Path) -> std::path::PathBuf {
    let config = dir.join("rsrcd.toml");
    let text = format!(
        "data_dir = {:?}\nsocket = {:?}\nsocket_mode = \"0660\"\n",
        dir.join("data").display().to_string(),
        socket.display().to_string()
    );
    std::fs::write(&config, text).expect("write the config");
    config
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    poll("rsrcd to exit", DEADLINE, || {
        child.try_wait().expect("wait for rsrcd")
    })
}

fn has_socket_activate() -> bool {
    let found = Command::new("systemd-socket-activate")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("SKIP: systemd-socket-activate not found (Debian's systemd package has it)");
    }
    found
}

/// The first client's connection starts rsrcd on the socket systemd made, and gets its answer.
/// rsrcd neither creates the configured socket, nor changes the passed one's mode, nor removes
/// it at exit: that file is systemd's.
#[test]
fn the_first_client_starts_rsrcd_on_the_passed_socket() {
    if !has_socket_activate() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let passed = dir.path().join("activated.sock");
    let configured = dir.path().join("configured.sock");
    let config = write_config(dir.path(), &configured);
    let log = dir.path().join("rsrcd.log");
    let mut child = Command::new("systemd-socket-activate")
        .arg("-l")
        .arg(&passed)
        .arg(rsrcd_bin())
        .arg("--config")
        .arg(&config)
        .env("RSRC_LOG", "info")
        .env_remove("RSRC_SOCKET")
        .env_remove("NOTIFY_SOCKET")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o7777);
    let before = poll("the passed socket", DEADLINE, || mode(&passed).ok());
    // Nothing runs rsrcd yet: systemd-socket-activate only listens.
    assert!(!dir.path().join("data").exists(), "rsrcd started early");

    // One connection, made before rsrcd exists, is answered once it does.
    let (status, body) = raw_request(&passed, "GET", v1!("/version"), None, None).unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("version"), "{body}");

    assert!(!configured.exists(), "rsrcd made its own socket as well");
    assert_eq!(
        mode(&passed).unwrap(),
        before,
        "rsrcd changed the passed socket's mode"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("socket_from=\"systemd\"") || text.contains("socket_from=systemd"),
        "{text}"
    );

    let status = terminate(&mut child);
    assert!(status.success(), "rsrcd exited with {status}: {text}");
    assert!(passed.exists(), "rsrcd removed the socket systemd made");
}

/// What systemd hears: READY=1 once the socket answers, STATUS= lines about Docker, WATCHDOG=1
/// when WATCHDOG_USEC asks for it, STOPPING=1 at SIGTERM. And when stderr is the journal
/// (JOURNAL_STREAM names it), lines carry `<N>` priorities and no timestamps.
#[test]
fn rsrcd_tells_the_service_manager_how_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("rsrcd.sock");
    let config = write_config(dir.path(), &socket);
    let notify_path = dir.path().join("notify.sock");
    let notify = UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let log = dir.path().join("rsrcd.log");
    let stderr = std::fs::File::create(&log).unwrap();
    let meta = stderr.metadata().unwrap();
    let mut child = Command::new(rsrcd_bin())
        .arg("--config")
        .arg(&config)
        .env("RSRC_LOG", "info")
        .env("NOTIFY_SOCKET", &notify_path)
        .env("WATCHDOG_USEC", "400000")
        .env("JOURNAL_STREAM", format!("{}:{}", meta.dev(), meta.ino()))
        .env_remove("RSRC_SOCKET")
        .env_remove("WATCHDOG_PID")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();

    let mut heard: Vec<String> = Vec::new();
    let listen = |heard: &mut Vec<String>| {
        let mut buf = [0u8; 4096];
        if let Ok(n) = notify.recv(&mut buf) {
            heard.extend(
                String::from_utf8_lossy(&buf[..n])
                    .lines()
                    .map(str::to_string),
            );
        }
    };
    poll("READY=1", DEADLINE, || {
        listen(&mut heard);
        heard.iter().any(|l| l == "READY=1").then_some(())
    });
    // READY means served: the socket answers right away.
    let (status, _) = raw_request(&socket, "GET", v1!("/version"), None, None).unwrap();
    assert_eq!(status, 200);
    poll("STATUS= and WATCHDOG=1", DEADLINE, || {
        listen(&mut heard);
        let status = heard
            .iter()
            .any(|l| l.starts_with("STATUS=serving; Docker "));
        let pings = heard.iter().filter(|l| *l == "WATCHDOG=1").count();
        (status && pings >= 2).then_some(())
    });

    let exit = terminate(&mut child);
    assert!(exit.success(), "rsrcd exited with {exit}");
    poll("STOPPING=1", DEADLINE, || {
        listen(&mut heard);
        heard.iter().any(|l| l == "STOPPING=1").then_some(())
    });

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line.starts_with('<'), "no priority prefix: {line}");
        assert!(!line.contains("\u{1b}["), "colour in the journal: {line}");
        // A timestamp would start with the year, right after the prefix.
        assert!(
            !line[3..].starts_with("20"),
            "timestamp in the journal: {line}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("<6>") && l.contains("listening")),
        "{text}"
    );
}

/// A stderr that is not the one JOURNAL_STREAM names keeps the usual format.
#[test]
fn a_stale_journal_stream_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("rsrcd.sock");
    let config = write_config(dir.path(), &socket);
    let log = dir.path().join("rsrcd.log");
    let mut child = Command::new(rsrcd_bin())
        .arg("--config")
        .arg(&config)
        .env("RSRC_LOG", "info")
        .env("JOURNAL_STREAM", "1:1")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("RSRC_SOCKET")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    poll("rsrcd to answer", DEADLINE, || {
        raw_request(&socket, "GET", v1!("/version"), None, None).ok()
    });
    assert!(terminate(&mut child).success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.lines().all(|l| !l.starts_with('<')), "{text}");
    assert!(text.lines().any(|l| l.starts_with("20")), "{text}");
}
