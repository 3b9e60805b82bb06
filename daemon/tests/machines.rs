//! Machines end to end (issue 3): who may write them, validation with nothing left behind,
//! `machine apply` files, `machine rm` with instances, and images pulled from a registry on
//! loopback (Debian's `docker-registry`).

mod common;
mod docker_support;

use common::{docker, Options};
use docker_support::*;
use rsrc_shared::v1;

#[test]
fn only_admins_write_machines_and_bad_values_leave_nothing() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    let img = image();
    let alice = e.user("alice@example.com");

    // Users may list and show, not write.
    let r = alice
        .run(&[
            "machine", "create", "web", "--image", &img, "--port", "8080",
        ])
        .expect_code(4);
    assert!(r.stderr.contains("admin"), "{}", r.stderr);
    assert_eq!(e.admin.json(&["machine", "ls"]), serde_json::json!([]));
    let nobody = e.d.client("nobody@example.com");
    nobody.run(&["machine", "ls"]).expect_code(4);

    // Each bad value: exit 2, a message naming the field, nothing created.
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["Bad_Name", "--port", "8080"], "name"),
        (vec!["bad-", "--port", "8080"], "name"),
        (
            vec!["web", "--port", "8080", "--image", "Not/A Valid:image"],
            "image",
        ),
        (vec!["web", "--port", "8080", "--image", "redis:"], "image"),
        (vec!["web", "--port", "0"], "port"),
        (vec!["web", "--port", "70000"], "port"),
        (
            vec!["web", "--port", "8080", "--port", "8080"],
            "port 8080/tcp",
        ),
        (
            vec!["web", "--port", "8080", "--prop", "lower"],
            "prop name",
        ),
        (
            vec!["web", "--port", "8080", "--volume", "data"],
            "volume path",
        ),
        (
            vec!["web", "--port", "8080", "--volume", "/"],
            "volume path",
        ),
        (
            vec!["web", "--port", "8080", "--volume", "/a/../b"],
            "volume path",
        ),
        (vec!["web", "--port", "8080", "--memory", "lots"], "memory"),
        (vec!["web", "--port", "8080", "--cpus", "0"], "cpus"),
        (vec!["web", "--port", "8080", "--pids", "0"], "pids"),
        (
            vec!["web", "--port", "8080", "--max-per-user", "0"],
            "max_per_user",
        ),
        (
            vec!["web", "--port", "8080", "--connect", "x://{nope}"],
            "placeholder",
        ),
    ];
    for (args, field) in &cases {
        let mut all = vec!["machine", "create"];
        all.extend_from_slice(args);
        if !args.contains(&"--image") {
            all.extend_from_slice(&["--image", &img]);
        }
        let r = e.admin.run(&all).expect_code(2);
        assert!(
            r.stderr.contains("error:") && r.stderr.contains(field),
            "`rsrc {}`: expected a message naming `{field}`: {}",
            all.join(" "),
            r.stderr
        );
        assert_eq!(
            e.admin.json(&["machine", "ls"]),
            serde_json::json!([]),
            "`rsrc {}` left a machine",
            all.join(" ")
        );
    }
    assert_eq!(db_count(&e.d, "SELECT COUNT(*) FROM machines"), 0);

    // A good one; then the same checks hold for update, which changes nothing when refused.
    httpd_machine(&e.admin, "web", &["--memory", "64m", "--max-per-user", "2"]);
    alice
        .run(&[
            "machine", "create", "web", "--image", &img, "--port", "8080",
        ])
        .expect_code(4);
    let r = e
        .admin
        .run(&[
            "machine", "create", "web", "--image", &img, "--port", "8080",
        ])
        .expect_code(5);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    let shown = alice.json(&["machine", "show", "web"]);
    assert_eq!(shown["max_per_user"], 2);
    assert_eq!(alice.json(&["machine", "ls"])[0]["name"], "web");
    alice
        .run(&["machine", "update", "web", "--max-per-user", "9"])
        .expect_code(4);
    alice.run(&["machine", "rm", "web"]).expect_code(4);
    e.admin
        .run(&["machine", "update", "web", "--memory", "lots"])
        .expect_code(2);
    e.admin
        .run(&["machine", "update", "web", "--volume", "relative"])
        .expect_code(2);
    assert_eq!(
        alice.json(&["machine", "show", "web"]),
        shown,
        "a refused update changed it"
    );
    let updated = e
        .admin
        .json(&["machine", "update", "web", "--memory", "128m"]);
    assert_eq!(updated["limits"]["memory"], "128m");
    assert_eq!(
        updated["max_per_user"], 2,
        "update changes only what is given"
    );
    alice.run(&["machine", "show", "nosuch"]).expect_code(3);
    e.admin
        .run(&["machine", "update", "nosuch", "--memory", "64m"])
        .expect_code(3);

    // The change applies to instances created afterwards.
    let inst = create(&alice, "web", &[]);
    let c = inspect(str_of(&inst, "container"));
    assert_eq!(c["HostConfig"]["Memory"], 128 * 1024 * 1024);
    alice
        .run(&["instance", "rm", str_of(&inst, "id"), "--volumes"])
        .expect_code(0);
    e.admin.run(&["machine", "rm", "web"]).expect_code(0);
    assert_eq!(e.admin.json(&["machine", "ls"]), serde_json::json!([]));
    assert_nothing_labelled(&e.d);
}

fn machine_file(image: &str, max_per_user: u32, memory: &str, extra: &str) -> String {
    format!(
        r#"
[[machine]]
name = "app"
description = "httpd for tests"
image = "{image}"
command = ["httpd", "-f", "-p", "8080", "-h", "/www"]
ports = [{{ port = 8080 }}, {{ port = 5353, protocol = "udp" }}, {{ port = 80 }}]
volumes = ["/data"]
limits = {{ memory = "{memory}", cpus = 0.5, pids = 64 }}
max_per_user = {max_per_user}
restart = "on-failure"
connect = "http://{{host}}:{{port}}/"
{extra}

[[machine.props]]
name = "GREETING"
default = "hi"

[[machine.props]]
name = "PASSWORD"
required = true
secret = true
"#
    )
}

#[test]
fn apply_creates_then_is_idempotent_then_updates() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    let img = image();
    let file = e.d.dir.path().join("machines.toml");
    let path = file.to_str().unwrap();
    std::fs::write(&file, machine_file(&img, 2, "64m", "")).unwrap();

    let first = e.admin.json(&["machine", "apply", "-f", path]);
    assert_eq!(first[0]["action"], "created", "{first}");
    let m = &first[0]["machine"];
    assert_eq!(m["max_per_user"], 2);
    assert_eq!(m["restart"], "on-failure");
    assert_eq!(m["props"][1]["secret"], true);
    assert_eq!(m["limits"]["pids"], 64);

    let again = e.admin.json(&["machine", "apply", "-f", path]);
    assert_eq!(again[0]["action"], "unchanged", "{again}");
    let table = e
        .admin
        .run(&["machine", "apply", "-f", path])
        .expect_code(0);
    assert!(
        table.stdout.contains("unchanged") && table.stdout.contains("app"),
        "{}",
        table.stdout
    );
    assert_eq!(
        e.admin.json(&["machine", "show", "app"])["updated_at"],
        m["updated_at"],
        "an unchanged apply wrote the machine"
    );

    std::fs::write(&file, machine_file(&img, 3, "96m", "")).unwrap();
    let edited = e.admin.json(&["machine", "apply", "-f", path]);
    assert_eq!(edited[0]["action"], "updated", "{edited}");
    let shown = e.admin.json(&["machine", "show", "app"]);
    assert_eq!(shown["max_per_user"], 3);
    assert_eq!(shown["limits"]["memory"], "96m");
    assert_eq!(
        e.admin.json(&["machine", "apply", "-f", path])[0]["action"],
        "unchanged"
    );

    // A file with an unknown key, or a bad value, is refused whole.
    std::fs::write(&file, machine_file(&img, 4, "96m", "colour = \"red\"")).unwrap();
    let r = e
        .admin
        .run(&["machine", "apply", "-f", path])
        .expect_code(2);
    assert!(r.stderr.contains("colour"), "{}", r.stderr);
    std::fs::write(&file, machine_file(&img, 4, "lots", "")).unwrap();
    let r = e
        .admin
        .run(&["machine", "apply", "-f", path])
        .expect_code(2);
    assert!(r.stderr.contains("memory"), "{}", r.stderr);
    assert_eq!(e.admin.json(&["machine", "show", "app"]), shown);

    // Users cannot apply.
    let alice = e.user("alice@example.com");
    std::fs::write(&file, machine_file(&img, 5, "96m", "")).unwrap();
    alice.run(&["machine", "apply", "-f", path]).expect_code(4);
    assert_eq!(e.admin.json(&["machine", "show", "app"]), shown);

    // The applied machine runs, with its file's settings.
    let inst = create(&alice, "app", &["-e", "PASSWORD=pw", "--wait"]);
    // The first port the machine declares (8080/tcp) is the one --wait waits for and {port}
    // names, though 80 and 5353/udp sort first (and nothing listens on 80).
    let port = inst["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["container_port"] == 8080)
        .and_then(|p| p["host_port"].as_u64())
        .unwrap() as u16;
    assert_eq!(inst["url"], format!("http://127.0.0.1:{port}/"));
    wait_http_ok(port);
    let c = inspect(str_of(&inst, "container"));
    assert_eq!(c["HostConfig"]["RestartPolicy"]["Name"], "on-failure");
    assert_eq!(c["HostConfig"]["Memory"], 96 * 1024 * 1024);
    assert_eq!(c["HostConfig"]["PidsLimit"], 64);
    // Every port, each on its own reserved host port.
    let ports = inst["ports"].as_array().unwrap();
    assert_eq!(ports.len(), 3, "{inst}");
    for p in ports {
        let key = format!("{}/{}", p["container_port"], str_of(p, "protocol"));
        assert_eq!(
            c["HostConfig"]["PortBindings"][&key][0]["HostPort"],
            p["host_port"].to_string(),
            "{key}"
        );
    }
    let distinct: std::collections::BTreeSet<u64> = ports
        .iter()
        .map(|p| p["host_port"].as_u64().unwrap())
        .collect();
    assert_eq!(distinct.len(), 3, "{inst}");
    assert!(ports.iter().any(|p| p["protocol"] == "udp"));
    alice
        .run(&["instance", "rm", str_of(&inst, "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn machine_rm_is_refused_with_instances_and_force_keeps_volumes() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(
        &e.admin,
        "web",
        &["--volume", "/data", "--max-per-user", "3"],
    );
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let a1 = create(&alice, "web", &[]);
    let a2 = create(&alice, "web", &[]);
    let containers = [str_of(&a1, "container"), str_of(&a2, "container")];

    let r = e.admin.run(&["machine", "rm", "web"]).expect_code(5);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(e.admin.json(&["machine", "show", "web"])["instances"], 2);
    for c in containers {
        assert!(container_running(c));
    }

    e.admin
        .run(&["machine", "rm", "web", "--force"])
        .expect_code(0);
    for c in containers {
        assert!(
            !container_exists(c),
            "container {c} survived machine rm --force"
        );
    }
    e.admin.run(&["machine", "show", "web"]).expect_code(3);
    assert_eq!(alice.json(&["instance", "ls"]), serde_json::json!([]));
    assert_eq!(db_count(&e.d, "SELECT COUNT(*) FROM instance_ports"), 0);

    // The volumes stay, listed for their owner, not in use, and removable one by one.
    let vols = alice.json(&["volume", "ls"]);
    let names: Vec<String> = vols
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            assert_eq!(v["in_use"], false, "{v}");
            str_of(v, "name").to_string()
        })
        .collect();
    assert_eq!(names.len(), 2, "{vols}");
    for n in &names {
        assert!(volume_exists(n), "volume {n} was removed with the machine");
    }
    assert_eq!(bob.json(&["volume", "ls"]), serde_json::json!([]));
    bob.run(&["volume", "rm", &names[0]]).expect_code(3);
    assert!(volume_exists(&names[0]));
    alice.run(&["volume", "rm", &names[0]]).expect_code(0);
    assert!(!volume_exists(&names[0]));
    alice.run(&["volume", "rm", &names[0]]).expect_code(3);
    assert_eq!(alice.json(&["volume", "ls"]).as_array().unwrap().len(), 1);
    alice.run(&["volume", "rm", &names[1]]).expect_code(0);
    assert_nothing_labelled(&e.d);
}

// ---- images pulled from a registry on loopback ------------------------------------------------

#[test]
fn missing_images_are_pulled_from_a_registry() {
    if !common::docker_or_skip() {
        return;
    }
    let registry = Registry::start();
    let pushed = format!(
        "127.0.0.1:{}/rsrc-test-{}:latest",
        registry.port,
        std::process::id()
    );
    let missing = format!(
        "127.0.0.1:{}/rsrc-test-{}-missing:latest",
        registry.port,
        std::process::id()
    );
    let _tags = Tags(vec![pushed.clone(), missing.clone()]);
    docker(&["tag", &image(), &pushed]);
    docker(&["push", &pushed]);
    docker(&["rmi", &pushed]);
    assert!(!image_present(&pushed));

    let e = env(Options::default());
    let create_args = |img: &str, name: &str| {
        vec![
            "machine".to_string(),
            "create".into(),
            name.into(),
            "--image".into(),
            img.into(),
            "--port".into(),
            "8080".into(),
            "--command".into(),
            "httpd -f -p 8080 -h /www".into(),
            "--volume".into(),
            "/data".into(),
        ]
    };
    let args = create_args(&pushed, "pulled");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = e.admin.run(&args).expect_code(0);
    assert!(image_present(&pushed), "machine create did not pull");
    // Not a terminal: plain progress lines on stderr, no bar.
    assert!(
        r.stderr.contains(&pushed) && r.stderr.contains("Pulling from"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.lines().count() >= 2, "{}", r.stderr);
    assert!(
        !r.stderr.contains('\r') && !r.stderr.contains('\u{1b}'),
        "terminal control codes without a terminal: {:?}",
        r.stderr
    );
    assert_eq!(
        e.admin.json(&["machine", "show", "pulled"])["image"],
        pushed.as_str()
    );

    // A pull that fails: a clear error, and no machine.
    let args = create_args(&missing, "broken");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = e.admin.run(&args);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("error:") && r.stderr.contains(&missing),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("not found") || r.stderr.contains("unknown"),
        "the error does not say why: {}",
        r.stderr
    );
    e.admin.run(&["machine", "show", "broken"]).expect_code(3);
    // The same through the API directly (the daemon pulls itself) and through a file.
    let body = serde_json::json!({
        "name": "broken",
        "image": missing,
        "ports": [{"port": 8080}],
    });
    let (status, answer) = common::raw_request(
        &e.d.socket,
        "POST",
        v1!("/machines"),
        Some(&e.admin.token()),
        Some(body.to_string().as_bytes()),
    )
    .unwrap();
    assert_eq!(status, 404, "{answer}");
    assert!(answer.contains("manifest"), "{answer}");
    let file = e.d.dir.path().join("broken.toml");
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"broken\"\nimage = \"{missing}\"\nports = [{{ port = 8080 }}]\n"
        ),
    )
    .unwrap();
    let r = e
        .admin
        .run(&["machine", "apply", "-f", file.to_str().unwrap()]);
    assert_ne!(r.code, 0, "{r:?}");
    e.admin.run(&["machine", "show", "broken"]).expect_code(3);
    assert!(!image_present(&missing));
    assert_eq!(
        e.admin.json(&["machine", "ls"]).as_array().unwrap().len(),
        1
    );

    // The image goes away after the machine exists: instance create pulls it again.
    docker(&["rmi", &pushed]);
    let alice = e.user("alice@example.com");
    let inst = create(&alice, "pulled", &["--wait"]);
    assert!(image_present(&pushed), "instance create did not pull");
    wait_http_ok(host_port(&inst));
    alice
        .run(&["instance", "rm", str_of(&inst, "id"), "--volumes"])
        .expect_code(0);

    // Gone again, and the registry too: the create fails cleanly and leaves nothing.
    docker(&["rmi", &pushed]);
    drop(registry);
    let r = alice.run(&["instance", "create", "pulled"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("error:") && r.stderr.contains(&pushed),
        "{}",
        r.stderr
    );
    assert_eq!(
        census(&e.d),
        Census {
            instances: 0,
            ports: 0,
            volume_rows: 0,
            containers: 0,
            volumes: 0
        },
        "a create whose pull failed left something behind"
    );
    assert_eq!(alice.json(&["instance", "ls"]), serde_json::json!([]));
    assert_nothing_labelled(&e.d);
}

#[test]
fn machine_listings_count_only_the_callers_instances() {
    let e = env_in_process(Options::default());
    httpd_machine(&e.admin, "web", &["--max-per-user", "3"]);
    httpd_machine(&e.admin, "idle", &[]);
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let carol = e.unverified_user("carol@example.com");
    for _ in 0..2 {
        create(&alice, "web", &[]);
    }
    create(&bob, "web", &[]);

    let counts = |c: &common::Client| -> (serde_json::Value, Vec<(String, serde_json::Value)>) {
        let shown = c.json(&["machine", "show", "web"])["instances"].clone();
        let listed = c
            .json(&["machine", "ls"])
            .as_array()
            .expect("a list")
            .iter()
            .map(|m| (str_of(m, "name").to_string(), m["instances"].clone()))
            .collect();
        (shown, listed)
    };
    for (who, web) in [(&alice, 2), (&bob, 1), (&carol, 0), (&e.admin, 3)] {
        let (shown, listed) = counts(who);
        assert_eq!(shown, web, "machine show web as {}", who.email);
        assert_eq!(
            listed,
            vec![("idle".into(), 0.into()), ("web".into(), web.into())],
            "machine ls as {}",
            who.email
        );
    }
    e.admin
        .run(&["machine", "rm", "web", "--force"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

/// A file of `[[machine]]` tables, each `(name, extra TOML lines)`, on the test image (which has
/// no Cmd, so each gives a command).
fn machines_file(machines: &[(&str, &str)]) -> String {
    machines
        .iter()
        .map(|(name, extra)| {
            format!(
                "[[machine]]\nname = \"{name}\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
                 command = \"httpd -f -p 8080\"\n{extra}\n",
                image()
            )
        })
        .collect()
}

#[test]
fn apply_checks_the_whole_file_before_changing_anything() {
    let e = env_in_process(Options::default());
    let file = e.d.dir.path().join("machines.toml");
    let path = file.to_str().unwrap();
    std::fs::write(&file, machines_file(&[("kept", "max_per_user = 1")])).unwrap();
    e.admin
        .run(&["machine", "apply", "-f", path])
        .expect_code(0);
    let kept = e.admin.json(&["machine", "show", "kept"]);

    // A new machine and a change come before a bad machine: none of them is applied.
    for (bad, field) in [
        ("limits = { memory = \"lots\" }", "memory"),
        ("limits = { cpus = 1000.0 }", "cpus"),
        ("volumes = [\"relative\"]", "volume"),
    ] {
        std::fs::write(
            &file,
            machines_file(&[("fresh", ""), ("kept", "max_per_user = 2"), ("broken", bad)]),
        )
        .unwrap();
        let r = e
            .admin
            .run(&["machine", "apply", "-f", path])
            .expect_code(2);
        assert!(
            r.stderr.contains("broken") && r.stderr.contains(field),
            "{bad}: the message names the machine and the field: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{bad}: {}", r.stdout);
        e.admin.run(&["machine", "show", "fresh"]).expect_code(3);
        e.admin.run(&["machine", "show", "broken"]).expect_code(3);
        assert_eq!(
            e.admin.json(&["machine", "show", "kept"]),
            kept,
            "{bad}: an earlier machine of a refused file was applied"
        );
    }
    assert_eq!(db_count(&e.d, "SELECT COUNT(*) FROM machines"), 1);

    // Fixed, the same file applies whole.
    std::fs::write(
        &file,
        machines_file(&[
            ("fresh", ""),
            ("kept", "max_per_user = 2"),
            ("broken", "limits = { memory = \"64m\" }"),
        ]),
    )
    .unwrap();
    let applied = e.admin.json(&["machine", "apply", "-f", path]);
    let actions: Vec<&str> = applied
        .as_array()
        .unwrap()
        .iter()
        .map(|a| str_of(a, "action"))
        .collect();
    assert_eq!(actions, ["created", "updated", "created"], "{applied}");
}

#[test]
fn machine_create_checks_everything_before_it_pulls() {
    if !common::docker_or_skip() {
        return;
    }
    let registry = Registry::start();
    let mut tags = Tags::default();
    let repo = registry.push_unique_image("checked", &mut tags);
    let remote = format!("127.0.0.1:{}/{repo}", registry.port);
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let host_cpus = docker(&["info", "--format", "{{.NCPU}}"]);

    let create = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "machine", "create", name, "--image", &remote, "--port", "8080",
        ];
        args.extend_from_slice(extra);
        e.admin.run(&args)
    };
    // A name that is taken, a bad value, more CPUs than the host has: refused, and the image
    // was never pulled.
    let taken = create("web", &[]).expect_code(5);
    assert!(taken.stderr.contains("already exists"), "{}", taken.stderr);
    let memory = create("other", &["--memory", "lots"]).expect_code(2);
    assert!(memory.stderr.contains("memory"), "{}", memory.stderr);
    let cpus = create("other", &["--cpus", "1000"]).expect_code(2);
    assert!(
        cpus.stderr.contains("cpus") && cpus.stderr.contains(&host_cpus),
        "the message names cpus and what the host has: {}",
        cpus.stderr
    );
    for r in [&taken, &memory, &cpus] {
        assert!(!r.stderr.contains("Pulling"), "{}", r.stderr);
    }
    assert!(
        !image_present(&remote),
        "a machine create that was going to fail pulled its image first"
    );
    // The same refusals through `machine update`, which changes nothing.
    let r = e
        .admin
        .run(&["machine", "update", "web", "--cpus", "1000"])
        .expect_code(2);
    assert!(r.stderr.contains("cpus"), "{}", r.stderr);
    assert_eq!(
        e.admin.json(&["machine", "show", "web"])["limits"]["cpus"],
        serde_json::Value::Null
    );
    assert_eq!(
        e.admin.json(&["machine", "ls"]).as_array().unwrap().len(),
        1
    );

    // The image was pullable all along: a good create pulls it.
    let cpus = host_cpus.clone();
    create("other", &["--cpus", &cpus]).expect_code(0);
    assert!(image_present(&remote));
    assert_eq!(
        e.admin.json(&["machine", "show", "other"])["limits"]["cpus"],
        cpus.parse::<f64>().unwrap()
    );
}
