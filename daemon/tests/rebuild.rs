//! Kept volumes attached again and instances recreated (issue 9), with the real engine: data
//! written before `rm` is there after `create --volume-from`, and a recreate keeps the host
//! port, the volume and its data while taking the machine's new definition.

mod common;
mod docker_support;

use common::{docker, Options};
use docker_support::*;

#[test]
fn kept_data_comes_back_and_recreate_keeps_port_volume_and_data() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &["--volume", "/data"]);
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let first = create(&alice, "web", &["--name", "one"]);
    let volume = str_of(&first["volumes"][0], "name").to_string();
    docker(&[
        "exec",
        str_of(&first, "container"),
        "sh",
        "-c",
        "echo kept > /data/f",
    ]);
    alice.run(&["instance", "rm", "one"]).expect_code(0);
    // Another user's volume is not there for bob; nothing is made.
    bob.run(&["instance", "create", "web", "--volume-from", &volume])
        .expect_code(3);
    alice
        .run(&[
            "instance",
            "create",
            "web",
            "--volume-from",
            &format!("{volume}:/nope"),
        ])
        .expect_code(2);
    let second = create(&alice, "web", &["--name", "two", "--volume-from", &volume]);
    assert_eq!(str_of(&second["volumes"][0], "name"), volume);
    let container = str_of(&second, "container").to_string();
    assert_eq!(docker(&["exec", &container, "cat", "/data/f"]), "kept");
    // Attached now: a second create cannot take it.
    alice
        .run(&["instance", "create", "web", "--volume-from", &volume])
        .expect_code(5);

    e.admin
        .run(&["machine", "update", "web", "--memory", "64m"])
        .expect_code(0);
    let shown = e.admin.run(&["--json", "machine", "show", "web"]).json();
    assert_eq!(shown["instances_outdated"], 1, "{shown}");
    alice.run(&["instance", "recreate", "two"]).expect_code(0);
    let after = alice.run(&["--json", "instance", "show", "two"]).json();
    assert_eq!(after["id"], second["id"]);
    assert_eq!(after["ports"], second["ports"]);
    assert_eq!(after["status"], "running", "{after}");
    let new_container = str_of(&after, "container").to_string();
    assert_ne!(new_container, container);
    assert!(!container_exists(&container));
    assert_eq!(
        inspect(&new_container)["HostConfig"]["Memory"],
        64 * 1024 * 1024
    );
    assert_eq!(docker(&["exec", &new_container, "cat", "/data/f"]), "kept");
    let shown = e.admin.run(&["--json", "machine", "show", "web"]).json();
    assert_eq!(shown["instances_outdated"], 0, "{shown}");
    assert_eq!(
        db_count(
            &e.d,
            "SELECT COUNT(*) FROM instance_events WHERE kind = 'recreated'"
        ),
        1
    );
    // Bob cannot recreate it; an admin sees every volume with its owner.
    bob.run(&["instance", "recreate", str_of(&after, "id")])
        .expect_code(3);
    let all = e
        .admin
        .run(&["--json", "volume", "ls", "--all-users"])
        .json();
    assert!(all.to_string().contains("alice@example.com"), "{all}");
    alice
        .run(&["instance", "rm", "two", "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}
