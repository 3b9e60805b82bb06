//! Instances end to end (issue 3): the real `rsrcd` and `rsrc`, the real Docker engine and the
//! local test image. An httpd instance is created, reached over HTTP, inspected in Docker, kept
//! through restarts, hidden from other users; quotas, refusals, `--wait` and secrets.

mod common;
mod docker_support;

use common::{docker, raw_request, Options};
use docker_support::*;
use rsrc_shared::api::endpoints::{self as ep, Endpoint};
use rsrc_shared::v1;

/// Test image's page, served by `httpd -f -p 8080 -h /www`.
const PAGE: &str = "hello from rsrc-test-busybox";

fn volume_file(container: &str) -> String {
    docker(&["exec", container, "cat", "/data/f"])
}

#[test]
fn httpd_instance_lives_through_restarts_and_is_private() {
    if !common::docker_or_skip() {
        return;
    }
    let mut e = env(Options::default());
    let m = httpd_machine(
        &e.admin,
        "web",
        &[
            "--volume",
            "/data",
            "--memory",
            "64m",
            "--cpus",
            "0.5",
            "--pids",
            "100",
            "--required-prop",
            "GREETING",
            "--prop",
            "COLOR=blue",
            "--max-per-user",
            "2",
        ],
    );
    assert_eq!(m["name"], "web");
    assert_eq!(m["limits"]["memory"], "64m");
    assert_eq!(m["restart"], "unless-stopped", "the default restart policy");

    let alice = e.user("alice@example.com");
    let alice_id = match alice.json(&["whoami"])["id"].clone() {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    let inst = create(
        &alice,
        "web",
        &["--name", "site", "--env", "GREETING=hi there", "--wait"],
    );
    let id = str_of(&inst, "id").to_string();
    let port = host_port(&inst);
    assert_eq!(inst["status"], "running", "{inst}");
    assert_eq!(inst["name"], "site");
    assert_eq!(inst["host"], "127.0.0.1", "advertise_host");
    assert_eq!(inst["ports"][0]["container_port"], 8080);
    assert!(
        (e.d.port_range.0..=e.d.port_range.1).contains(&port),
        "{port} is outside {:?}",
        e.d.port_range
    );
    assert_eq!(inst["env"]["GREETING"], "hi there");
    assert_eq!(inst["env"]["COLOR"], "blue", "defaults fill the rest");
    let volume = str_of(&inst["volumes"][0], "name").to_string();
    assert_eq!(inst["volumes"][0]["path"], "/data");

    // --wait returned, so the very first request is answered.
    let (status, body) = http_get(port, "/").expect("an HTTP answer right after --wait");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(PAGE), "{body}");

    // What Docker was asked for.
    let container = str_of(&inst, "container").to_string();
    let c = inspect(&container);
    let labels = &c["Config"]["Labels"];
    assert_eq!(labels["io.rsrc.instance"], id.as_str());
    assert_eq!(labels["io.rsrc.owner"], alice_id.as_str());
    assert_eq!(labels["io.rsrc.machine"], "web");
    assert_eq!(labels["io.rsrc.daemon"], e.d.daemon_id());
    assert_eq!(c["Name"], format!("/rsrc-site-{id}"));
    let host = &c["HostConfig"];
    assert_eq!(host["Memory"], 64 * 1024 * 1024);
    assert_eq!(host["NanoCpus"], 500_000_000);
    assert_eq!(host["PidsLimit"], 100);
    assert_eq!(host["Init"], true);
    assert_eq!(host["RestartPolicy"]["Name"], "unless-stopped");
    let binding = &host["PortBindings"]["8080/tcp"][0];
    assert_eq!(binding["HostPort"], port.to_string());
    assert_eq!(binding["HostIp"], "127.0.0.1", "bind_address");
    let env_vars = common::env_map(c["Config"]["Env"].as_array().expect("env"));
    assert_eq!(env_vars["GREETING"], "hi there");
    assert_eq!(env_vars["COLOR"], "blue");
    assert_eq!(
        c["Config"]["Cmd"],
        serde_json::json!(["httpd", "-f", "-p", "8080", "-h", "/www"])
    );
    let mounts = c["Mounts"].as_array().expect("mounts");
    assert_eq!(mounts.len(), 1, "{mounts:?}");
    assert_eq!(mounts[0]["Type"], "volume");
    assert_eq!(mounts[0]["Name"], volume.as_str());
    assert_eq!(mounts[0]["Destination"], "/data");
    let v = inspect(&volume);
    assert_eq!(v["Labels"]["io.rsrc.instance"], id.as_str());
    assert_eq!(v["Labels"]["io.rsrc.daemon"], e.d.daemon_id());

    // Data in the volume, and the port, survive restart, stop/start and a daemon kill -9.
    docker(&["exec", &container, "sh", "-c", "echo x > /data/f"]);
    let started_at = |c: &str| {
        inspect(c)["State"]["StartedAt"]
            .as_str()
            .map(str::to_string)
    };
    let check = |what: &str, instance: &serde_json::Value| {
        assert_eq!(instance["status"], "running", "after {what}: {instance}");
        assert_eq!(
            host_port(instance),
            port,
            "the host port changed after {what}"
        );
        wait_http_ok(port);
        assert_eq!(
            volume_file(&container),
            "x",
            "the volume lost its file after {what}"
        );
    };

    let before = started_at(&container);
    let restarted = alice.json(&["instance", "restart", "site"]);
    assert_ne!(started_at(&container), before, "restart did not restart");
    check("restart", &restarted[0]);

    let stopped = alice.json(&["instance", "stop", &id]);
    assert_eq!(stopped[0]["status"], "stopped", "{stopped}");
    assert!(!container_running(&container));
    assert_eq!(host_port(&alice.json(&["instance", "show", "site"])), port);
    assert!(
        http_get(port, "/").is_none(),
        "a stopped instance answers HTTP"
    );
    let started = alice.json(&["instance", "start", &id[..8]]);
    check("stop and start", &started[0]);

    e.d.kill9();
    assert!(
        container_running(&container),
        "the container must not depend on rsrcd"
    );
    respawn(&mut e.d);
    check(
        "a daemon kill -9",
        &alice.json(&["instance", "show", "site"]),
    );
    assert_eq!(
        alice.json(&["instance", "show", "site"])["container"],
        container.as_str(),
        "the same container"
    );

    // Another user: the instance does not exist for them, by id, prefix or name, and the
    // answer reads exactly like the one for an instance that does not exist at all.
    let bob = e.user("bob@example.com");
    let missing_prefix = if id.starts_with('f') { "0" } else { "f" }.repeat(8);
    let refs = [
        (id.as_str(), "0123456789abcdef"),
        (&id[..6], &missing_prefix[..6]),
        ("site", "nosuchinstance"),
    ];
    let commands: [&[&str]; 6] = [
        &["instance", "show"],
        &["instance", "stop"],
        &["instance", "start"],
        &["instance", "restart"],
        &["instance", "rm"],
        &["logs"],
    ];
    for (reference, missing) in refs {
        for cmd in commands {
            let args = |r: &str| {
                let mut a = cmd.to_vec();
                a.push(r);
                a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
            };
            let theirs = args(reference);
            let theirs: Vec<&str> = theirs.iter().map(String::as_str).collect();
            let got = bob.run(&theirs).expect_code(3);
            let nothing = args(missing);
            let nothing: Vec<&str> = nothing.iter().map(String::as_str).collect();
            let want = bob.run(&nothing).expect_code(3);
            assert_eq!(
                got.stderr.replace(reference, "REF"),
                want.stderr.replace(missing, "REF"),
                "`rsrc {}` tells another user's instance from a missing one",
                theirs.join(" ")
            );
            assert!(!got.stderr.contains("alice"), "{}", got.stderr);
        }
    }
    // The daemon itself, without the CLI's lookup first.
    let token = bob.token();
    for (method, path) in [
        ("DELETE", ep::RemoveInstance::path(&[&id])),
        ("POST", ep::StopInstance::path(&[&id])),
        ("GET", ep::InstanceLogs::path(&[&id])),
    ] {
        let (status, body) = raw_request(&e.d.socket, method, &path, Some(&token), None).unwrap();
        assert_eq!(status, 404, "{method} {path}: {body}");
    }
    assert_eq!(bob.json(&["instance", "ls"]), serde_json::json!([]));
    bob.run(&["instance", "ls", "--all-users"]).expect_code(4);
    assert_eq!(bob.json(&["volume", "ls"]), serde_json::json!([]));
    bob.run(&["volume", "rm", &volume]).expect_code(3);
    assert!(container_running(&container), "bob's attempts changed it");
    assert_eq!(alice.json(&["instance", "show", &id])["status"], "running");

    // Admins see and act on any instance.
    let all = e.admin.json(&["instance", "ls", "--all-users"]);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id.as_str()),
        "{all}"
    );
    assert_eq!(e.admin.json(&["instance", "ls"]), serde_json::json!([]));
    assert_eq!(
        e.admin.json(&["instance", "show", &id])["owner"],
        "alice@example.com"
    );

    // The owner cannot remove a volume that is still in use.
    let vols = alice.json(&["volume", "ls"]);
    assert_eq!(vols[0]["name"], volume.as_str(), "{vols}");
    assert_eq!(vols[0]["in_use"], true);
    alice.run(&["volume", "rm", &volume]).expect_code(5);
    assert!(volume_exists(&volume));

    alice
        .run(&["instance", "rm", "site", "--volumes"])
        .expect_code(0);
    alice.run(&["instance", "show", &id]).expect_code(3);
    assert_nothing_labelled(&e.d);
    assert_eq!(
        census(&e.d),
        Census {
            instances: 0,
            ports: 0,
            volume_rows: 0,
            containers: 0,
            volumes: 0
        }
    );
}

#[test]
fn quotas_are_exact_and_refusals_create_nothing() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options {
        max_instances_per_user: 3,
        ..Options::default()
    });
    httpd_machine(
        &e.admin,
        "web",
        &["--volume", "/data", "--max-per-user", "2"],
    );
    httpd_machine(
        &e.admin,
        "web2",
        &["--volume", "/data", "--max-per-user", "5"],
    );
    let alice = e.user("alice@example.com");
    let first = create(&alice, "web", &[]);
    create(&alice, "web", &[]);

    // max_per_user of the machine.
    let before = census(&e.d);
    assert_eq!(before.containers, 2);
    let over = alice.run(&["instance", "create", "web"]).expect_code(5);
    assert!(over.stderr.contains("limit is 2"), "{}", over.stderr);
    assert_eq!(
        census(&e.d),
        before,
        "a refused create left something behind"
    );
    // Stopped instances count.
    alice
        .run(&["instance", "stop", str_of(&first, "id")])
        .expect_code(0);
    alice.run(&["instance", "create", "web"]).expect_code(5);
    assert_eq!(census(&e.d), before);

    // Another user has their own quota.
    let bob = e.user("bob@example.com");
    create(&bob, "web", &[]);

    // The daemon's max_instances_per_user over all machines.
    create(&alice, "web2", &[]);
    let before = census(&e.d);
    let over = alice.run(&["instance", "create", "web2"]).expect_code(5);
    assert!(
        over.stderr.contains("limit is 3 per user"),
        "{}",
        over.stderr
    );
    assert_eq!(
        census(&e.d),
        before,
        "a refused create left something behind"
    );

    // Removing one frees a place.
    alice
        .run(&["instance", "rm", str_of(&first, "id"), "--volumes"])
        .expect_code(0);
    create(&alice, "web2", &[]);
    assert_consistent(&e.d);

    for i in alice.json(&["instance", "ls"]).as_array().unwrap() {
        alice
            .run(&["instance", "rm", str_of(i, "id"), "--volumes"])
            .expect_code(0);
    }
    for i in bob.json(&["instance", "ls"]).as_array().unwrap() {
        bob.run(&["instance", "rm", str_of(i, "id"), "--volumes"])
            .expect_code(0);
    }
    assert_nothing_labelled(&e.d);
}

#[test]
fn bad_creates_are_refused_and_leave_nothing() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(
        &e.admin,
        "web",
        &[
            "--volume",
            "/data",
            "--required-prop",
            "GREETING",
            "--max-per-user",
            "3",
        ],
    );
    httpd_machine(&e.admin, "off", &["--inactive"]);

    let carol = e.unverified_user("carol@example.com");
    let r = carol
        .run(&["instance", "create", "web", "--env", "GREETING=x"])
        .expect_code(4);
    assert!(r.stderr.contains("verif"), "{}", r.stderr);

    let alice = e.user("alice@example.com");
    let r = alice.run(&["instance", "create", "web"]).expect_code(2);
    assert!(r.stderr.contains("GREETING"), "{}", r.stderr);
    let r = alice
        .run(&[
            "instance",
            "create",
            "web",
            "-e",
            "GREETING=x",
            "-e",
            "NOPE=1",
        ])
        .expect_code(2);
    assert!(r.stderr.contains("NOPE"), "{}", r.stderr);
    let r = alice
        .run(&[
            "instance",
            "create",
            "web",
            "-e",
            "GREETING=x",
            "--name",
            "Bad_Name",
        ])
        .expect_code(2);
    assert!(r.stderr.contains("name"), "{}", r.stderr);
    alice
        .run(&["instance", "create", "nosuchmachine"])
        .expect_code(3);
    let r = alice.run(&["instance", "create", "off"]).expect_code(5);
    assert!(r.stderr.contains("inactive"), "{}", r.stderr);
    assert_eq!(
        census(&e.d),
        Census {
            instances: 0,
            ports: 0,
            volume_rows: 0,
            containers: 0,
            volumes: 0
        }
    );

    // A command that cannot run: `--wait` fails fast with the exit code and the log.
    httpd_machine(
        &e.admin,
        "broken",
        &["--volume", "/data", "--restart", "no"],
    );
    e.admin
        .run(&[
            "machine",
            "update",
            "broken",
            "--command",
            "/no/such/binary",
        ])
        .expect_code(0);
    let start = std::time::Instant::now();
    let r = alice.run(&["instance", "create", "broken", "--wait", "--timeout", "60s"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "--wait did not notice the container exited"
    );
    assert!(
        r.stderr.contains("exit code 127") && r.stderr.contains("/no/such/binary"),
        "{}",
        r.stderr
    );
    let listed = alice.json(&["instance", "ls"]);
    assert_eq!(listed[0]["status"], "exited", "{listed}");
    assert_eq!(listed[0]["exit_code"], 127, "{listed}");
    alice
        .run(&["instance", "rm", str_of(&listed[0], "id"), "--volumes"])
        .expect_code(0);
    assert_eq!(
        census(&e.d),
        Census {
            instances: 0,
            ports: 0,
            volume_rows: 0,
            containers: 0,
            volumes: 0
        }
    );

    create(&alice, "web", &["-e", "GREETING=x", "--name", "one"]);
    let before = census(&e.d);
    let r = alice
        .run(&[
            "instance",
            "create",
            "web",
            "-e",
            "GREETING=y",
            "--name",
            "one",
        ])
        .expect_code(5);
    assert!(r.stderr.contains("one"), "{}", r.stderr);
    assert_eq!(census(&e.d), before);
    // Names are per user: bob may use the same one, and gets another container.
    let bob = e.user("bob@example.com");
    let theirs = create(&bob, "web", &["-e", "GREETING=z", "--name", "one"]);
    assert_eq!(theirs["name"], "one");
    assert_eq!(census(&e.d).containers, 2);
    assert_consistent(&e.d);
    alice
        .run(&["instance", "rm", "one", "--volumes"])
        .expect_code(0);
    bob.run(&["instance", "rm", "one", "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn wait_times_out_with_the_last_log_lines() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    let file = e.d.dir.path().join("silent.toml");
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"silent\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
             command = [\"sh\", \"-c\", \"echo hello-from-the-log; sleep 1000\"]\n",
            image()
        ),
    )
    .unwrap();
    e.admin
        .run(&["machine", "apply", "-f", file.to_str().unwrap()])
        .expect_code(0);
    let alice = e.user("alice@example.com");
    let start = std::time::Instant::now();
    let r = alice
        .run(&["instance", "create", "silent", "--wait", "--timeout", "3s"])
        .expect_code(1);
    let took = start.elapsed();
    assert!(
        r.stderr.contains("hello-from-the-log"),
        "the error lacks the log: {}",
        r.stderr
    );
    assert!(r.stderr.contains("8080"), "{}", r.stderr);
    assert!(
        took >= std::time::Duration::from_secs(3) && took < std::time::Duration::from_secs(20),
        "--timeout 3s took {took:?}"
    );
    // The instance exists (the hint says how to remove it) and keeps running.
    let list = alice.json(&["instance", "ls"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["status"], "running");
    assert!(r.stderr.contains(str_of(&list[0], "id")), "{}", r.stderr);
    let logs = alice
        .run(&["logs", str_of(&list[0], "name")])
        .expect_code(0);
    assert_eq!(logs.stdout, "hello-from-the-log\n");
    alice
        .run(&["instance", "rm", str_of(&list[0], "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn secret_values_go_only_to_the_container() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(
        &e.admin,
        "vault",
        &[
            "--secret-prop",
            "TOKEN",
            "--required-prop",
            "TOKEN",
            "--prop",
            "PLAIN=visible",
            "--secret-prop",
            "API_KEY=the-default-is-secret-too",
            "--connect",
            "http://{host}:{port}/{env.PLAIN}",
        ],
    );
    let secret = "s3cr3t-Value-that-must-not-leak";
    let alice = e.user("alice@example.com");
    // A secret prop's default is not shown either, to users or admins.
    for who in [&alice, &e.admin] {
        let m = who.json(&["machine", "show", "vault"]);
        let props = m["props"].as_array().unwrap();
        let key = props.iter().find(|p| p["name"] == "API_KEY").unwrap();
        assert_eq!(key["default"], "********", "{m}");
        assert_eq!(key["secret"], true);
        for args in [["machine", "show", "vault"], ["--json", "machine", "ls"]] {
            let r = who.run(&args).expect_code(0);
            assert!(
                !r.stdout.contains("the-default-is-secret-too"),
                "{}",
                r.stdout
            );
        }
    }
    let created = alice
        .run(&[
            "--json",
            "instance",
            "create",
            "vault",
            "--env",
            &format!("TOKEN={secret}"),
        ])
        .expect_code(0);
    assert!(!created.stdout.contains(secret), "{}", created.stdout);
    let inst = created.json();
    assert_eq!(inst["env"]["TOKEN"], "********");
    assert_eq!(inst["env"]["PLAIN"], "visible");
    assert_eq!(
        inst["url"],
        format!("http://127.0.0.1:{}/visible", host_port(&inst))
    );
    let id = str_of(&inst, "id").to_string();
    for args in [
        vec!["--json", "instance", "show", &id],
        vec!["instance", "show", &id],
        vec!["--json", "instance", "ls"],
        vec!["instance", "ls"],
    ] {
        let r = alice.run(&args).expect_code(0);
        assert!(
            !r.stdout.contains(secret),
            "`rsrc {}`: {}",
            args.join(" "),
            r.stdout
        );
    }
    assert_eq!(
        alice.json(&["instance", "show", &id])["env"]["TOKEN"],
        "********"
    );
    let admin_view = e.admin.json(&["instance", "show", &id]);
    assert_eq!(admin_view["env"]["TOKEN"], "********");

    // The container has it.
    let c = inspect(str_of(&inst, "container"));
    let env_vars = common::env_map(c["Config"]["Env"].as_array().unwrap());
    assert_eq!(env_vars["TOKEN"], secret);
    assert_eq!(env_vars["API_KEY"], "the-default-is-secret-too");
    assert_eq!(inst["env"]["API_KEY"], "********");

    // Neither the registry nor the daemon's log has it, in any file.
    for entry in std::fs::read_dir(&e.d.data_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds the secret",
                path.display()
            );
        }
    }
    assert!(
        !e.d.log_text().contains(secret),
        "the daemon logged the secret"
    );

    alice
        .run(&["instance", "rm", &id, "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn paths_that_look_alike_get_volumes_of_their_own() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(
        &e.admin,
        "web",
        &["--volume", "/a/b", "--volume", "/a-b", "--volume", "/a b"],
    );
    let alice = e.user("alice@example.com");
    let inst = create(&alice, "web", &[]);
    let names: std::collections::BTreeSet<&str> = inst["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| str_of(v, "name"))
        .collect();
    assert_eq!(names.len(), 3, "{inst}");
    let container = str_of(&inst, "container");
    let mounts = inspect(container)["Mounts"].clone();
    assert_eq!(mounts.as_array().unwrap().len(), 3, "{mounts}");
    for (i, path) in ["/a/b", "/a-b", "/a b"].iter().enumerate() {
        docker(&[
            "exec",
            container,
            "sh",
            "-c",
            &format!("echo {i} > '{path}/f'"),
        ]);
    }
    for (i, path) in ["/a/b", "/a-b", "/a b"].iter().enumerate() {
        assert_eq!(
            docker(&["exec", container, "cat", &format!("{path}/f")]),
            i.to_string()
        );
    }
    alice
        .run(&["instance", "rm", str_of(&inst, "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn empty_ids_are_refused_and_never_read_as_other_paths() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &["--max-per-user", "3"]);
    let alice = e.user("alice@example.com");
    // Instances named like the words that follow an id in a path.
    let logs = create(&alice, "web", &["--name", "logs"]);
    let stop = create(&alice, "web", &["--name", "stop"]);
    let before = census(&e.d);

    // The CLI refuses an empty id or name outright: usage, exit 2, before any request.
    for (who, args) in [
        (&alice, vec!["instance", "show", ""]),
        (&alice, vec!["instance", "stop", ""]),
        (&alice, vec!["instance", "stop", "logs", ""]),
        (&alice, vec!["instance", "start", ""]),
        (&alice, vec!["instance", "restart", ""]),
        (&alice, vec!["instance", "rm", ""]),
        (&alice, vec!["instance", "rm", "--volumes", "stop", ""]),
        (&alice, vec!["instance", "create", ""]),
        (&alice, vec!["logs", ""]),
        (&alice, vec!["volume", "rm", ""]),
        (&e.admin, vec!["machine", "show", ""]),
        (&e.admin, vec!["machine", "rm", "--force", ""]),
        (&e.admin, vec!["machine", "update", "", "--memory", "64m"]),
        (&e.admin, vec!["admin", "users", "disable", ""]),
    ] {
        let r = who.run(&args).expect_code(2);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains("error"), "{args:?}: {}", r.stderr);
    }

    // Straight to the API, an empty segment is no endpoint: never the instance `logs` or
    // `stop`, never the list.
    let token = alice.token();
    for (method, path) in [
        ("GET", v1!("/instances//logs")),
        ("GET", v1!("/instances//stop")),
        ("POST", v1!("/instances//stop")),
        ("POST", v1!("/instances//start")),
        ("POST", v1!("/instances//restart")),
        ("DELETE", v1!("/instances//logs")),
        ("DELETE", v1!("/instances//stop")),
        ("GET", v1!("/instances//")),
        ("GET", v1!("/machines//web")),
        ("DELETE", v1!("/volumes//x")),
    ] {
        let (status, body) =
            raw_request(&e.d.socket, method, path, Some(&token), Some(b"{}")).expect(path);
        let v: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|err| panic!("{method} {path}: not JSON ({err}): {body}"));
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (404, Some("unknown_endpoint")),
            "{method} {path}: {body}"
        );
    }
    for inst in [&logs, &stop] {
        let shown = alice.json(&["instance", "show", str_of(inst, "id")]);
        assert_eq!(shown["status"], "running", "{shown}");
        assert!(container_running(str_of(inst, "container")));
    }
    assert_eq!(census(&e.d), before);
    alice
        .run(&["instance", "rm", "logs", "stop", "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn names_of_hex_digits_only_are_refused() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &["--max-per-user", "3"]);
    let alice = e.user("alice@example.com");
    let first = create(&alice, "web", &[]);
    let id = str_of(&first, "id").to_string();
    // Such a name would read as an id prefix, and could hide an instance (here: the first).
    for name in ["4586", "cafe", "deadbeef", "0", &id[..4], &id] {
        let r = alice
            .run(&["instance", "create", "web", "--name", name])
            .expect_code(2);
        assert!(
            r.stderr.contains(name) && r.stderr.contains("hex"),
            "--name {name}: {}",
            r.stderr
        );
    }
    assert_eq!(census(&e.d).instances, 1);
    assert_eq!(
        alice.json(&["instance", "show", &id[..4]])["id"],
        id.as_str(),
        "the prefix still finds the first instance"
    );
    // A letter past f, or a dash, makes it a name.
    let named = create(&alice, "web", &["--name", "cafe-1"]);
    assert_eq!(named["name"], "cafe-1");
    assert_eq!(
        alice.json(&["instance", "show", "cafe-1"])["id"],
        named["id"]
    );
    alice
        .run(&["instance", "rm", &id, "cafe-1", "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}

#[test]
fn generated_names_never_collide() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options {
        max_instances_per_user: 70_000,
        ..Options::default()
    });
    httpd_machine(&e.admin, "web", &["--max-per-user", "4"]);
    httpd_machine(&e.admin, "filler", &[]);
    let alice = e.user("alice@example.com");

    // A generated name is `<machine>-<4 hex digits>`. Here alice already has every one of them
    // (rows written straight into the registry, instances of another machine, never shown to
    // Docker), so each create's first pick collides and the daemon must pick again.
    let owner: i64 =
        e.d.db()
            .query_row(
                "SELECT id FROM users WHERE email = 'alice@example.com'",
                [],
                |r| r.get(0),
            )
            .expect("alice's id");
    let filler: i64 =
        e.d.db()
            .query_row("SELECT id FROM machines WHERE name = 'filler'", [], |r| {
                r.get(0)
            })
            .expect("filler's id");
    {
        let mut conn = e.d.db();
        let tx = conn.transaction().expect("begin");
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                        created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?1, 'stopped', 0, 0)",
                )
                .expect("prepare");
            for n in 0..=0xffff_u32 {
                insert
                    .execute(rusqlite::params![
                        format!("filler-{n:04x}"),
                        format!("web-{n:04x}"),
                        owner,
                        filler
                    ])
                    .expect("insert a filler");
            }
        }
        tx.commit().expect("commit");
    }

    let handles: Vec<_> = (0..3)
        .map(|_| {
            let c = alice.clone();
            std::thread::spawn(move || c.run(&["--json", "instance", "create", "web"]))
        })
        .collect();
    let mut names = std::collections::BTreeSet::new();
    for h in handles {
        let inst = h.join().expect("create thread").expect_code(0).json();
        let name = str_of(&inst, "name").to_string();
        let suffix = name
            .strip_prefix("web-")
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            suffix.len() > 4 && suffix.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );
        assert!(names.insert(name.clone()), "{name} was given twice");
        assert_eq!(
            alice.json(&["instance", "show", &name])["id"],
            inst["id"],
            "{name}"
        );
    }
    // A name the user picks is never changed: taken is taken.
    let r = alice
        .run(&["instance", "create", "web", "--name", "web-0000"])
        .expect_code(5);
    assert!(r.stderr.contains("web-0000"), "{}", r.stderr);

    e.d.db()
        .execute("DELETE FROM instances WHERE id LIKE 'filler-%'", [])
        .expect("remove the fillers");
    assert_consistent(&e.d);
    assert_eq!(census(&e.d).containers, 3);
    let mut rm = vec!["instance", "rm", "--volumes"];
    rm.extend(names.iter().map(String::as_str));
    alice.run(&rm).expect_code(0);
    assert_nothing_labelled(&e.d);
}
