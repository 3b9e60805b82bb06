//! What `rsrc` shows of instances and volumes as Docker has them (issue 19, items 18, 20 and 24),
//! against the real daemon and Docker: volume sizes, a paused container, and uptime counted
//! from when an instance came up, with Docker's times across an rsrcd gap.

mod common;
mod docker_support;

use common::{docker, poll, Options};
use docker_support::*;

/// Item 24: `volume ls --size` shows what Docker's `system df` counts; without it, no SIZE.
#[test]
fn volume_ls_size_shows_what_docker_counts() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    httpd_machine(&e.admin, "web", &["--volume", "/data"]);
    let ada = e.user("ada@test.local");
    let made = create(&ada, "web", &["--name", "sized", "--wait"]);
    let container = str_of(&made, "container").to_string();
    // About 1 MiB into the instance's volume.
    docker(&[
        "exec",
        &container,
        "dd",
        "if=/dev/zero",
        "of=/data/blob",
        "bs=1024",
        "count=1024",
    ]);

    let listed = ada.json(&["volume", "ls", "--size"]);
    let volumes = listed.as_array().expect("a list");
    assert_eq!(volumes.len(), 1, "{listed}");
    let size = volumes[0]["size"].as_i64().unwrap_or(-1);
    assert!(
        (1_048_576..1_048_576 + 64 * 1024).contains(&size),
        "about 1 MiB: {listed}"
    );
    let r = ada.run(&["volume", "ls", "--size"]).expect_code(0);
    assert!(
        r.stdout.lines().next().is_some_and(|h| h.contains("SIZE")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1.0 MiB"), "{}", r.stdout);

    // Without --size Docker is not asked: no size, no SIZE column.
    let listed = ada.json(&["volume", "ls"]);
    assert!(listed[0]["size"].is_null(), "{listed}");
    let r = ada.run(&["volume", "ls"]).expect_code(0);
    assert!(!r.stdout.contains("SIZE"), "{}", r.stdout);
    assert!(r.stdout.contains("IN USE"), "{}", r.stdout);
    // A --format that names the size asks for it.
    let r = ada
        .run(&["volume", "ls", "--format", "name,size", "--no-headers"])
        .expect_code(0);
    assert!(r.stdout.contains("1.0 MiB"), "{}", r.stdout);
    ada.run(&["instance", "rm", "sized", "--volumes"])
        .expect_code(0);
    poll("the volume gone", common::DEADLINE, || {
        labelled_volumes(&e.d).is_empty().then_some(())
    });
}
