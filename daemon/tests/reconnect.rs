//! Docker going away and coming back: the daemon keeps serving accounts, says Docker is down, and
//! reconnects and reconciles when it returns. Docker's socket is reached through a proxy that the
//! test can cut, so the real engine (shared with other tests) is never stopped.

mod common;
mod docker_support;

use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rsrc_shared::v1;

use common::{poll, raw_request, Options, TestDaemon, DEADLINE};

/// A Unix socket that forwards every connection to Docker's socket until dropped.
struct DockerProxy {
    path: PathBuf,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl DockerProxy {
    fn start(path: &Path) -> DockerProxy {
        let _ = std::fs::remove_file(path);
        let listener = UnixListener::bind(path).expect("bind proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let accept = thread::spawn(move || {
            let mut open: Vec<UnixStream> = Vec::new();
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let Ok(upstream) = UnixStream::connect("/var/run/docker.sock") else {
                            continue;
                        };
                        let _ = client.set_nonblocking(false);
                        for (mut from, mut to) in [
                            (client.try_clone(), upstream.try_clone()),
                            (upstream.try_clone(), client.try_clone()),
                        ]
                        .into_iter()
                        .filter_map(|(a, b)| Some((a.ok()?, b.ok()?)))
                        {
                            thread::spawn(move || {
                                let _ = std::io::copy(&mut from, &mut to);
                                let _ = to.shutdown(std::net::Shutdown::Both);
                            });
                        }
                        open.push(client);
                        open.push(upstream);
                    }
                    Err(_) => thread::sleep(Duration::from_millis(20)),
                }
            }
            // Cutting the proxy cuts every connection through it, like a dockerd restart.
            for s in open {
                let _ = s.shutdown(std::net::Shutdown::Both);
            }
        });
        DockerProxy {
            path: path.to_path_buf(),
            stop,
            accept: Some(accept),
        }
    }
}

impl Drop for DockerProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

fn docker_connected(d: &TestDaemon) -> Option<bool> {
    let (_, body) = raw_request(&d.socket, "GET", v1!("/version"), None, None).ok()?;
    let v: serde_json::Value = serde_json::from_str(&body).ok()?;
    v["docker"]["connected"].as_bool()
}

#[test]
fn docker_going_away_and_coming_back() {
    if !common::docker_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy_path = dir.path().join("docker.sock");
    let proxy = DockerProxy::start(&proxy_path);
    let mut d = TestDaemon::start(Options {
        extra_toml: format!("docker_host = \"unix://{}\"", proxy_path.display()),
        ..Options::default()
    });
    d.wait_for_docker();
    let admin = d.admin("admin@example.com");

    drop(proxy);
    poll("the daemon to notice Docker is gone", DEADLINE, || {
        (docker_connected(&d) == Some(false)).then_some(())
    });
    // Accounts keep working without Docker; Docker work fails cleanly with exit 1.
    admin.run(&["whoami"]).expect_code(0);
    let run = admin.run(&["admin", "orphans"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("Docker"), "{}", run.stderr);

    let reconciled_before = d.log_text().matches("reconciled the registry").count();
    let _proxy = DockerProxy::start(&proxy_path);
    poll("the daemon to reconnect", DEADLINE, || {
        (docker_connected(&d) == Some(true)).then_some(())
    });
    poll("a reconciliation after the reconnect", DEADLINE, || {
        (d.log_text().matches("reconciled the registry").count() > reconciled_before).then_some(())
    });
    admin.run(&["admin", "orphans"]).expect_code(0);
    assert!(d.stop().success());
}

/// An admin removes a user's instance while Docker is away: the row, ports and quota go at once,
/// and the container goes once Docker is back.
#[test]
fn an_admin_force_removes_an_instance_while_docker_is_away() {
    if !common::docker_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy_path = dir.path().join("docker.sock");
    let proxy = DockerProxy::start(&proxy_path);
    let e = docker_support::env(Options {
        extra_toml: format!("docker_host = \"unix://{}\"", proxy_path.display()),
        max_instances_per_user: 1,
        ..Options::default()
    });
    docker_support::httpd_machine(&e.admin, "web", &["--volume", "/data"]);
    let alice = e.user("alice@example.com");
    let inst = docker_support::create(&alice, "web", &["--name", "site"]);
    let id = docker_support::str_of(&inst, "id").to_string();
    let container = docker_support::str_of(&inst, "container").to_string();
    let volume = docker_support::str_of(&inst["volumes"][0], "name").to_string();

    drop(proxy);
    poll("the daemon to notice Docker is gone", DEADLINE, || {
        (docker_connected(&e.d) == Some(false)).then_some(())
    });
    // Without --force nothing changes; --force is for admins.
    let run = alice.run(&["instance", "rm", &id]);
    assert_eq!(run.code, 1, "{run:?}");
    let run = alice.run(&["instance", "rm", "--force", &id]);
    assert_eq!(run.code, 4, "{run:?}");
    assert_eq!(
        alice.json(&["instance", "ls"]).as_array().map(Vec::len),
        Some(1)
    );

    let run = e
        .admin
        .run(&["instance", "rm", "--force", "--volumes", &id]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        alice.json(&["instance", "ls"]).as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(
        e.d.db()
            .query_row(
                "SELECT COUNT(*) FROM instance_ports WHERE instance_id = ?1",
                [&id],
                |r| r.get::<_, i64>(0)
            )
            .expect("count ports"),
        0,
        "its ports are free"
    );
    assert!(
        common::docker_ok(&["inspect", &container]),
        "the container waits for Docker"
    );

    let _proxy = DockerProxy::start(&proxy_path);
    poll(
        "the container to be removed once Docker is back",
        DEADLINE,
        || (!common::docker_ok(&["inspect", &container])).then_some(()),
    );
    poll("the volume to be removed too", DEADLINE, || {
        (!common::docker_ok(&["volume", "inspect", &volume])).then_some(())
    });
    // The quota of one is free again.
    docker_support::create(&alice, "web", &["--name", "again"]);
}
