//! The contract's cases of networks: users' bridge networks, each on a subnet rsrc names.
//!
//! Cases pick subnets of 10.216.0.0/16, starting at a place of their own and moving on past
//! those that other tests running at the same time hold, as the daemon's allocator does.

use std::collections::HashMap;

use super::{spec, unique, Program, Subject};
use crate::config::Subnet;
use crate::engine::{Engine, NetworkAttachment, NetworkCreated, NetworkSpec, LABEL_DAEMON};
use crate::error::Error;

const CASE_POOL: &str = "10.216.0.0/16";
const CASE_PREFIX: u8 = 28;

fn labels(daemon: &str) -> HashMap<String, String> {
    HashMap::from([(LABEL_DAEMON.to_string(), daemon.to_string())])
}

/// Network `what` of `daemon` on the first free /28 of the case pool from a start of the
/// subject's own; returns its subnet.
async fn made_on_a_free_subnet(
    engine: &dyn Engine,
    subject: &dyn Subject,
    daemon: &str,
    what: &str,
) -> Subnet {
    let pool = Subnet::parse(CASE_POOL).expect("the case pool");
    let count = pool.count(CASE_PREFIX);
    let name = unique(subject, what);
    let start = subject
        .daemon_id()
        .bytes()
        .chain(what.bytes())
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    for i in 0..64 {
        let subnet = pool
            .nth(CASE_PREFIX, (start + i) % count)
            .expect("a subnet of the pool");
        let made = engine
            .create_network(NetworkSpec {
                name: name.clone(),
                subnet: subnet.to_string(),
                labels: labels(daemon),
            })
            .await
            .expect("create network");
        if let NetworkCreated::Made(_) = made {
            return subnet;
        }
    }
    panic!("64 subnets of {CASE_POOL} in a row are taken");
}

/// A network is made with its subnet and labels, inspected by name or id, listed under its
/// daemon's label only, and removed (twice is fine).
pub async fn networks_create_inspect_list_remove(subject: &dyn Subject) {
    let engine = subject.engine();
    let name = unique(subject, "net");
    let subnet = made_on_a_free_subnet(engine, subject, subject.daemon_id(), "net").await;
    let info = engine
        .inspect_network(&name)
        .await
        .expect("inspect")
        .expect("made");
    assert_eq!(info.name, name);
    assert_eq!(info.subnets, vec![subnet.to_string()], "{info:?}");
    assert_eq!(
        info.labels.get(LABEL_DAEMON).map(String::as_str),
        Some(subject.daemon_id())
    );
    assert_eq!(info.containers, Vec::<String>::new(), "{info:?}");
    let by_id = engine.inspect_network(&info.id).await.expect("inspect");
    assert_eq!(by_id.map(|i| i.name), Some(name.clone()));

    let other = subject.other_daemon_id();
    let other_name = unique(subject, "net-other");
    made_on_a_free_subnet(engine, subject, &other, "net-other").await;
    let listed: Vec<String> = engine
        .labelled_networks(subject.daemon_id())
        .await
        .expect("list")
        .into_iter()
        .map(|n| n.name)
        .collect();
    assert_eq!(listed, vec![name.clone()], "only this daemon's");

    engine.remove_network(&name).await.expect("remove");
    engine.remove_network(&other_name).await.expect("remove");
    assert_eq!(engine.inspect_network(&name).await.expect("inspect"), None);
    engine
        .remove_network(&name)
        .await
        .expect("a second remove is fine");
}

/// A subnet that overlaps another network's is refused as such, and nothing is made.
pub async fn networks_refuse_an_overlapping_subnet(subject: &dyn Subject) {
    let engine = subject.engine();
    let subnet = made_on_a_free_subnet(engine, subject, subject.daemon_id(), "first").await;
    let inner = Subnet::parse(&format!(
        "{}/29",
        subnet.to_string().split('/').next().unwrap_or_default()
    ))
    .expect("a /29 inside");
    for taken in [subnet, inner] {
        let name = unique(subject, "second");
        let made = engine
            .create_network(NetworkSpec {
                name: name.clone(),
                subnet: taken.to_string(),
                labels: labels(subject.daemon_id()),
            })
            .await
            .expect("create network");
        assert_eq!(made, NetworkCreated::SubnetTaken, "{taken} over {subnet}");
        assert_eq!(engine.inspect_network(&name).await.expect("inspect"), None);
    }
    engine
        .remove_network(&unique(subject, "first"))
        .await
        .expect("remove");
}

/// A container joins the network it names; while it runs, the network lists it and cannot be
/// removed. A container on a network that does not exist does not start.
pub async fn containers_join_their_network(subject: &dyn Subject) {
    let engine = subject.engine();
    let network = unique(subject, "joined");
    made_on_a_free_subnet(engine, subject, subject.daemon_id(), "joined").await;
    let mut on_net = spec(subject, "on-net", &Program::run_on());
    on_net.network = Some(NetworkAttachment {
        network: network.clone(),
        aliases: vec!["web".into()],
    });
    let id = engine.create_container(on_net).await.expect("create");
    engine.start(&id).await.expect("start");
    let info = engine
        .inspect_network(&network)
        .await
        .expect("inspect")
        .expect("there");
    assert_eq!(info.containers, vec![id.clone()], "{info:?}");
    match engine.remove_network(&network).await {
        Err(Error::Conflict(_)) => {}
        other => panic!("removing a network a container runs on: {other:?}"),
    }
    engine
        .remove_container(&id)
        .await
        .expect("remove container");
    engine
        .remove_network(&network)
        .await
        .expect("remove network");

    let mut off_net = spec(subject, "off-net", &Program::run_on());
    off_net.network = Some(NetworkAttachment {
        network: unique(subject, "never-made"),
        aliases: Vec::new(),
    });
    // Docker makes it, and refuses to start it.
    let id = engine.create_container(off_net).await.expect("create");
    match engine.start(&id).await {
        Err(Error::NotFound(_)) => {}
        other => panic!("a start on a missing network: {other:?}"),
    }
    let o = engine.inspect(&id).await.expect("inspect").expect("made");
    assert!(!o.running, "{o:?}");
    engine
        .remove_container(&id)
        .await
        .expect("remove container");
}
