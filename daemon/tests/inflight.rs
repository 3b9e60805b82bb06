//! Creates in flight (issue 3's crash safety, from the review): a create is made slow by holding
//! its image pull at a gate in front of a registry on loopback; meanwhile a reconciliation runs
//! (the daemon's Docker event stream is cut, so it reconnects and reconciles), or the client goes
//! away. Either way the create finishes, and the registry and Docker agree. And a create that
//! finishes while a reconciliation is under way is not completed a second time by it.

mod common;
mod docker_support;

use std::process::Stdio;
use std::thread;

use common::{docker, poll, Client, Options, DEADLINE};
use docker_support::*;

/// An image that exists only in a registry on loopback, pulled through a gate. Fields drop in
/// order: the local tags, then the gate, then the registry.
struct SlowImage {
    _tags: Tags,
    gate: Gate,
    _registry: Registry,
    /// The image reference through the gate.
    image: String,
}

impl SlowImage {
    fn start(case: &str) -> SlowImage {
        let registry = Registry::start();
        let mut tags = Tags::default();
        let repo = registry.push_unique_image(case, &mut tags);
        let gate = Gate::start(registry.port);
        let image = format!("127.0.0.1:{}/{repo}", gate.port);
        tags.0.push(image.clone());
        SlowImage {
            _tags: tags,
            gate,
            _registry: registry,
            image,
        }
    }
}

/// Machine `slow` (httpd with a volume) on the gated image; the image is pulled once by machine
/// create and then removed, so every instance create pulls it again.
fn slow_machine(e: &Env, slow: &SlowImage) {
    e.admin
        .run(&[
            "machine",
            "create",
            "slow",
            "--image",
            &slow.image,
            "--port",
            "8080",
            "--command",
            "httpd -f -p 8080 -h /www",
            "--volume",
            "/data",
        ])
        .expect_code(0);
    docker(&["rmi", &slow.image]);
    assert!(!image_present(&slow.image));
}

fn states(e: &Env) -> Vec<String> {
    db_strings(&e.d, "SELECT state FROM instances")
}

#[track_caller]
fn assert_one_running_instance(e: &Env, inst: &serde_json::Value) {
    assert_eq!(inst["status"], "running", "{inst}");
    assert!(container_running(str_of(inst, "container")), "{inst}");
    wait_http_ok(host_port(inst));
    assert_consistent(&e.d);
    assert_eq!(
        census(&e.d),
        Census {
            instances: 1,
            ports: 1,
            volume_rows: 1,
            containers: 1,
            volumes: 1
        }
    );
}

/// A daemon that reaches Docker through a proxy the test controls, a machine whose image pull
/// the test holds, and a user, once the daemon follows Docker's events.
fn behind_a_proxy(case: &str) -> (SlowImage, tempfile::TempDir, EngineProxy, Env, Client) {
    let slow = SlowImage::start(case);
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy_path = dir.path().join("docker.sock");
    let proxy = EngineProxy::start(&proxy_path);
    let e = env(Options {
        extra_toml: format!("docker_host = \"unix://{}\"", proxy_path.display()),
        ..Options::default()
    });
    slow_machine(&e, &slow);
    let alice = e.user("alice@example.com");
    poll("the daemon's event stream", DEADLINE, || {
        (proxy.event_streams() > 0).then_some(())
    });
    (slow, dir, proxy, e, alice)
}

#[test]
fn a_reconciliation_during_a_create_leaves_it_alone() {
    if !common::docker_or_skip() {
        return;
    }
    let (slow, _dir, proxy, e, alice) = behind_a_proxy("reconcile");

    slow.gate.close();
    let create = {
        let c = alice.clone();
        thread::spawn(move || c.run(&["--json", "instance", "create", "slow"]))
    };
    poll("the create's pull to reach the gate", DEADLINE, || {
        (slow.gate.held() > 0).then_some(())
    });
    assert_eq!(states(&e), ["creating"]);

    // Docker "comes back": the daemon reconnects and reconciles while the pull is held.
    let before = reconciled_count(&e.d);
    assert!(proxy.cut_event_streams() > 0);
    poll("a reconciliation after the reconnect", DEADLINE, || {
        (reconciled_count(&e.d) > before).then_some(())
    });
    assert!(slow.gate.held() > 0 && !create.is_finished());
    assert_eq!(
        states(&e),
        ["creating"],
        "reconciliation touched a create that was still running"
    );

    slow.gate.open();
    let r = create.join().expect("create thread").expect_code(0);
    let inst = r.json();
    assert_one_running_instance(&e, &inst);
    assert!(image_present(&slow.image));
    alice
        .run(&["instance", "rm", str_of(&inst, "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn a_create_whose_client_goes_away_finishes() {
    if !common::docker_or_skip() {
        return;
    }
    let slow = SlowImage::start("client-gone");
    let e = env(Options::default());
    slow_machine(&e, &slow);
    let alice = e.user("alice@example.com");

    slow.gate.close();
    let mut child = alice
        .command(&["--json", "instance", "create", "slow"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rsrc instance create");
    poll("the create's pull to reach the gate", DEADLINE, || {
        (slow.gate.held() > 0).then_some(())
    });
    assert_eq!(states(&e), ["creating"]);
    let gone = "connection ended with an error";
    let before = e.d.log_text().matches(gone).count();
    child.kill().expect("kill rsrc");
    child.wait().expect("wait for rsrc");
    poll("the daemon to see the client go", DEADLINE, || {
        (e.d.log_text().matches(gone).count() > before).then_some(())
    });

    slow.gate.open();
    let inst = poll("the instance to be running", DEADLINE, || {
        let listed = alice.json(&["instance", "ls"]);
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
        (listed[0]["status"] == "running").then(|| listed[0].clone())
    });
    assert_eq!(states(&e), ["running"]);
    assert_one_running_instance(&e, &inst);
    alice
        .run(&["instance", "rm", str_of(&inst, "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn a_create_that_finishes_during_a_reconciliation_is_not_completed_again() {
    if !common::docker_or_skip() {
        return;
    }
    let (slow, _dir, proxy, e, alice) = behind_a_proxy("stale");

    // An instance of the admin's that reconciliation looks at before any other (the oldest),
    // whose container (which never existed) the proxy can hold the inspection of: a way to
    // pause reconciliation right after it has read the registry.
    let paused_at = format!("rsrc-test-{}-stale-first", std::process::id());
    e.d.db()
        .execute(
            "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                created_at, updated_at)
             VALUES ('0000000000000000', 'first', (SELECT id FROM users WHERE email = ?1),
                (SELECT id FROM machines WHERE name = 'slow'), ?2, 'running', 0, 0)",
            [e.admin.email.as_str(), &paused_at],
        )
        .expect("insert the first instance");

    slow.gate.close();
    let create = {
        let c = alice.clone();
        thread::spawn(move || c.run(&["--json", "instance", "create", "slow"]))
    };
    poll("the create's pull to reach the gate", DEADLINE, || {
        (slow.gate.held() > 0).then_some(())
    });
    let before = reconciled_count(&e.d);
    proxy.hold(&format!("/containers/{paused_at}/json"));
    assert!(proxy.cut_event_streams() > 0);
    poll("reconciliation to read the registry", DEADLINE, || {
        (proxy.held() > 0).then_some(())
    });

    // While it is paused: the create finishes, and alice stops her new instance.
    slow.gate.open();
    let inst = create.join().expect("create thread").expect_code(0).json();
    let id = str_of(&inst, "id").to_string();
    let stopped = alice.json(&["instance", "stop", &id]);
    let status = stopped[0]["status"].clone();
    assert_ne!(status, "running", "{stopped}");

    proxy.release();
    poll("the reconciliation to finish", DEADLINE, || {
        (reconciled_count(&e.d) > before).then_some(())
    });
    let history = db_strings(
        &e.d,
        &format!(
            "SELECT kind || '/' || cause FROM instance_events WHERE instance_id = '{id}' ORDER BY id"
        ),
    );
    assert_eq!(
        history.iter().filter(|h| h.starts_with("created/")).count(),
        1,
        "the create was completed twice: {history:?}"
    );
    assert_eq!(
        alice.json(&["instance", "show", &id])["status"],
        status,
        "reconciliation changed a stopped instance: {history:?}"
    );
    assert!(
        !container_running(str_of(&inst, "container")),
        "reconciliation started an instance its owner had stopped: {history:?}"
    );

    e.admin
        .run(&["instance", "rm", "0000000000000000"])
        .expect_code(0);
    alice
        .run(&["instance", "rm", &id, "--volumes"])
        .expect_code(0);
    assert_consistent(&e.d);
    assert_nothing_labelled(&e.d);
}
