//! Users' networks (issue 19 item 15), with the real rsrcd on Docker: one user's container
//! cannot reach another user's at its network address (they used to share Docker's default
//! bridge), one user's instances reach each other by name, and more users than Docker's default
//! pools could hold each get a network. Every daemon here takes subnets from a pool of its own
//! (`common::network_pool`); its networks go with it.

mod common;
mod docker_support;

use std::collections::BTreeSet;
use std::thread;

use common::{docker, docker_ok, Client, Options};
use docker_support::{create, env, host_port, httpd_machine, inspect, str_of, wait_http_ok};

const PASSWORD: &str = "user-password-1";

/// The networks of this daemon in Docker: name -> (subnet, owner label).
fn labelled_networks(label: &str) -> Vec<(String, String, String)> {
    let ids = docker(&["network", "ls", "-q", "--filter", label]);
    ids.split_whitespace()
        .map(|id| {
            let n = inspect_network(id);
            (
                n["Name"].as_str().unwrap_or_default().to_string(),
                n["IPAM"]["Config"][0]["Subnet"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                n["Labels"]["io.rsrc.owner"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn inspect_network(id: &str) -> serde_json::Value {
    let out = docker(&["network", "inspect", id]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("network inspect JSON");
    v[0].clone()
}

/// The networks a container is on, by name, with its address on each.
fn networks_of(container: &str) -> Vec<(String, String)> {
    let c = inspect(container);
    let mut out: Vec<(String, String)> = c["NetworkSettings"]["Networks"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(name, n)| {
                    (
                        name.clone(),
                        n["IPAddress"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The address `name` resolves to inside `container`, through Docker's DNS on its network.
/// The test image's static busybox crashes (glibc's NSS in a static binary) when `wget` or `nc`
/// look anything up, so names are looked up with its own `nslookup`, and pages fetched with
/// `nc` from an address.
fn resolve_in(container: &str, name: &str) -> Option<String> {
    let out = std::process::Command::new("docker")
        .args(["exec", container, "timeout", "5", "nslookup", name])
        .output()
        .expect("docker exec");
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    // The answer follows the `Name:` line; the server's own address comes before it.
    let answer = text.split_once("Name:")?.1;
    answer
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Address:"))
        .map(|a| a.trim().to_string())
        .next()
}

/// GET / of `ip`:8080 from inside `container`, a few seconds at most: the response, or `None`
/// when nothing answered.
fn fetch_from(container: &str, ip: &str) -> Option<String> {
    let script = format!("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 5 nc -w 2 {ip} 8080");
    let out = std::process::Command::new("docker")
        .args(["exec", container, "sh", "-c", &script])
        .output()
        .expect("docker exec");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    (out.status.success() && text.starts_with("HTTP/")).then_some(text)
}

/// The page of instance `name` fetched inside `container`, the name resolved on its network.
fn fetch_by_name(container: &str, name: &str) -> Option<String> {
    let ip = resolve_in(container, name)?;
    fetch_from(container, &ip)
}

#[test]
fn users_cannot_reach_each_other_and_reach_their_own_by_name() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &["--max-per-user", "3"]);
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let front = create(&alice, "web", &["--name", "front"]);
    let back = create(&alice, "web", &["--name", "back"]);
    let page = create(&bob, "web", &["--name", "page"]);
    for inst in [&front, &back, &page] {
        wait_http_ok(host_port(inst));
    }
    let (front_c, back_c, page_c) = (
        str_of(&front, "container"),
        str_of(&back, "container"),
        str_of(&page, "container"),
    );

    // Each user's containers are on that user's network, and only on it.
    let on = |c: &str| {
        let nets = networks_of(c);
        assert_eq!(nets.len(), 1, "{c} is on {nets:?}");
        nets[0].clone()
    };
    let (alice_net, front_ip) = on(front_c);
    let (back_net, back_ip) = on(back_c);
    let (bob_net, page_ip) = on(page_c);
    assert_eq!(alice_net, back_net, "one network per user");
    assert_ne!(alice_net, bob_net, "each user a network of their own");
    assert_ne!(alice_net, "bridge");
    let nets = labelled_networks(&e.d.label());
    assert_eq!(nets.len(), 2, "{nets:?}");
    let alice_id = alice.json(&["whoami"])["id"].to_string();
    let bob_id = bob.json(&["whoami"])["id"].to_string();
    let owners: BTreeSet<(String, String)> = nets
        .iter()
        .map(|(name, _, owner)| (name.clone(), owner.clone()))
        .collect();
    assert_eq!(
        owners,
        BTreeSet::from([
            (alice_net.clone(), alice_id.clone()),
            (bob_net.clone(), bob_id.clone())
        ]),
        "labelled with their owners"
    );

    // Alice's instances reach each other by name.
    assert_eq!(
        resolve_in(front_c, "back").as_deref(),
        Some(back_ip.as_str())
    );
    let by_name = fetch_by_name(front_c, "back");
    assert!(
        by_name.as_deref().is_some_and(|b| b.contains("hello from")),
        "front cannot fetch http://back:8080/: {by_name:?}"
    );
    let by_name = fetch_by_name(back_c, "front");
    assert!(by_name.is_some_and(|b| b.contains("hello from")));
    assert!(fetch_from(front_c, &back_ip).is_some(), "and by address");

    // Bob's page serves at its address (the host reaches every bridge)...
    let page_addr: std::net::SocketAddr = format!("{page_ip}:8080").parse().expect("an address");
    assert!(
        std::net::TcpStream::connect_timeout(&page_addr, std::time::Duration::from_secs(2)).is_ok(),
        "bob's page does not answer at {page_addr} from the host"
    );
    // ...but not to Alice's containers, by address or by name; nor Alice's to Bob's.
    let stolen = fetch_from(front_c, &page_ip);
    assert_eq!(
        stolen, None,
        "alice's container fetched bob's page at {page_ip}"
    );
    assert_eq!(
        resolve_in(front_c, "page"),
        None,
        "bob's name resolves for alice"
    );
    let stolen = fetch_from(page_c, &front_ip);
    assert_eq!(
        stolen, None,
        "bob's container fetched alice's page at {front_ip}"
    );

    // A recreate keeps the instance on its owner's network, under its name.
    alice.run(&["instance", "recreate", "back"]).expect_code(0);
    let back = alice.json(&["instance", "show", "back"]);
    let (net, _) = on(str_of(&back, "container"));
    assert_eq!(net, alice_net);
    poll_fetch(front_c, "back");

    // An instance made before users had networks is on Docker's default bridge (put there by
    // hand here); a recreate moves it to its owner's network.
    docker(&["network", "disconnect", &bob_net, page_c]);
    docker(&["network", "connect", "bridge", page_c]);
    assert_eq!(on(page_c).0, "bridge");
    bob.run(&["instance", "recreate", "page"]).expect_code(0);
    let moved = bob.json(&["instance", "show", "page"]);
    assert_eq!(on(str_of(&moved, "container")).0, bob_net);

    // Bob leaves: his network goes with his account; Alice's stays.
    bob.run(&["instance", "rm", "page"]).expect_code(0);
    bob.run_stdin(
        &["profile", "delete", "--yes", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    )
    .expect_code(0);
    assert!(
        !docker_ok(&["network", "inspect", &bob_net]),
        "bob's network is left"
    );
    assert!(docker_ok(&["network", "inspect", &alice_net]));
}

/// Polls a fetch by name until it answers (a recreated container registers its name at start).
fn poll_fetch(from: &str, name: &str) {
    common::poll(&format!("{name} from {from}"), common::DEADLINE, || {
        fetch_by_name(from, name).filter(|b| b.contains("hello from"))
    });
}

#[test]
fn more_users_than_dockers_default_pools_hold_each_get_a_network() {
    if !common::docker_or_skip() {
        return;
    }
    const USERS: usize = 34;
    let e = env(Options {
        port_range: common::port_range(40),
        ..Options::default()
    });
    let label = e.d.label();
    e.admin.json(&[
        "machine",
        "create",
        "idle",
        "--image",
        &docker_support::image(),
        "--port",
        "7000",
        "--command",
        "sleep 100000",
    ]);
    let started = std::time::Instant::now();
    let users: Vec<Client> = thread::scope(|s| {
        let handles: Vec<_> = (0..USERS)
            .map(|n| {
                let e = &e;
                // Sign-ups are limited per uid; `rsrcd admin create` makes verified accounts
                // directly. Being admins changes nothing here: each is a user with a network.
                s.spawn(move || e.d.admin(&format!("user{n}@example.com")))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a user"))
            .collect()
    });
    let signed_up = started.elapsed();
    let instances: Vec<serde_json::Value> = thread::scope(|s| {
        let handles: Vec<_> = users
            .iter()
            .map(|u| s.spawn(move || create(u, "idle", &[])))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a create"))
            .collect()
    });
    eprintln!(
        "{USERS} users signed up in {signed_up:?}, their {USERS} instances made in {:?}",
        started.elapsed() - signed_up
    );
    let nets = labelled_networks(&label);
    assert_eq!(nets.len(), USERS, "one network per user: {nets:?}");
    let subnets: BTreeSet<&str> = nets.iter().map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(subnets.len(), USERS, "each its own subnet");
    let by_name: std::collections::HashMap<&str, &str> = nets
        .iter()
        .map(|(name, subnet, _)| (name.as_str(), subnet.as_str()))
        .collect();
    for inst in &instances {
        assert_eq!(inst["status"], "running", "{inst}");
        let on = networks_of(str_of(inst, "container"));
        assert_eq!(on.len(), 1, "{on:?}");
        assert!(
            by_name.contains_key(on[0].0.as_str()),
            "{on:?} is no user network"
        );
    }
    // The registry holds the same subnets, all of the daemon's pool.
    let recorded: BTreeSet<String> =
        docker_support::db_strings(&e.d, "SELECT subnet FROM user_networks")
            .into_iter()
            .collect();
    assert_eq!(
        recorded,
        subnets
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>()
    );

    // The daemon's networks go with it.
    drop(users);
    drop(e);
    assert_eq!(
        docker(&["network", "ls", "-q", "--filter", &label]),
        "",
        "networks left behind"
    );
}

/// The allocator, on the in-memory engine: subnets come from the configured pool in order,
/// skip one another network of the host holds (marked unusable), stay each user's across a
/// restart, and run out with a clear quota error; a deleted account's network goes, by
/// reconciliation at the next start when the engine was away at the deletion.
#[test]
fn subnets_come_from_the_pool_stay_across_restarts_and_run_out_clearly() {
    let mut e = docker_support::env_in_process(Options {
        // Four /28s.
        network_toml: "pool = \"10.250.0.0/26\"\nprefix = 28\n".into(),
        ..Options::default()
    });
    e.d.fake().occupy_subnet("someone-elses", "10.250.0.16/28");
    httpd_machine(&e.admin, "web", &["--max-per-user", "3"]);
    let users: Vec<Client> = (1..=4)
        .map(|n| e.user(&format!("user{n}@example.com")))
        .collect();
    let subnet_of = |e: &docker_support::Env, u: &Client| -> Option<String> {
        let id = u.json(&["whoami"])["id"].as_i64().expect("an id");
        docker_support::db_strings(
            &e.d,
            &format!("SELECT subnet FROM user_networks WHERE owner_id = {id}"),
        )
        .pop()
    };
    create(&users[0], "web", &["--name", "one"]);
    create(&users[1], "web", &["--name", "one"]);
    assert_eq!(subnet_of(&e, &users[0]).as_deref(), Some("10.250.0.0/28"));
    assert_eq!(
        subnet_of(&e, &users[1]).as_deref(),
        Some("10.250.0.32/28"),
        "the next subnet, past the one another network holds"
    );
    assert_eq!(
        docker_support::db_strings(&e.d, "SELECT subnet FROM unusable_subnets"),
        vec!["10.250.0.16/28".to_string()]
    );
    let before = e.d.fake().networks();
    assert_eq!(before.len(), 3, "{before:?}");

    // A restart changes nothing; a second instance joins the same network.
    e.d.stop();
    docker_support::respawn(&mut e.d);
    create(&users[0], "web", &["--name", "two"]);
    assert_eq!(subnet_of(&e, &users[0]).as_deref(), Some("10.250.0.0/28"));
    assert_eq!(subnet_of(&e, &users[1]).as_deref(), Some("10.250.0.32/28"));
    assert_eq!(e.d.fake().networks(), before);
    let nets: BTreeSet<String> =
        e.d.fake()
            .containers()
            .iter()
            .filter_map(|c| c.spec.network.as_ref().map(|n| n.network.clone()))
            .collect();
    assert_eq!(nets.len(), 2, "two users, two networks: {nets:?}");

    // The last subnet, then none.
    create(&users[2], "web", &["--name", "one"]);
    assert_eq!(subnet_of(&e, &users[2]).as_deref(), Some("10.250.0.48/28"));
    let refused = users[3]
        .run(&["instance", "create", "web", "--name", "one"])
        .expect_code(5);
    assert!(
        refused.stderr.contains("network.pool 10.250.0.0/26"),
        "{}",
        refused.stderr
    );
    assert_eq!(users[3].json(&["instance", "ls"]), serde_json::json!([]));

    // User 3 leaves while the engine is away: the network goes once it is back.
    let net3 = format!(
        "rsrc-user{}-{}",
        users[2].json(&["whoami"])["id"],
        e.d.daemon_id()
    );
    users[2].run(&["instance", "rm", "one"]).expect_code(0);
    e.d.fake().set_available(false);
    users[2]
        .run_stdin(
            &["profile", "delete", "--yes", "--password-stdin"],
            &format!("{PASSWORD}\n"),
        )
        .expect_code(0);
    assert!(e.d.fake().networks().iter().any(|(n, _)| *n == net3));
    // Reconciliation at the next start (or reconnection) removes it.
    e.d.fake().set_available(true);
    e.d.stop();
    docker_support::respawn(&mut e.d);
    assert!(
        !e.d.fake().networks().iter().any(|(n, _)| *n == net3),
        "{:?}",
        e.d.fake().networks()
    );
    assert_eq!(
        docker_support::db_count(&e.d, "SELECT COUNT(*) FROM user_networks"),
        2,
        "its subnet is free again"
    );
    create(&users[3], "web", &["--name", "one"]);
    assert_eq!(subnet_of(&e, &users[3]).as_deref(), Some("10.250.0.48/28"));
}
