//! The pieces of instance logic on their own: env, connect templates, the first port, and
//! references among visible instances.

use std::collections::BTreeMap;
use std::sync::Arc;

use rsrc_shared::api::{
    InstanceCreate, InstanceState, MachinePort, MachineSpec, PortMapping, Prop, Protocol, Role,
};

use super::{caller, harness, spec};
use crate::domain::instances::env::{build_env, first_port, render_connect};
use crate::domain::instances::{resolve, Row};
use crate::error::Error;
use crate::registry::instances as repo;

fn prop(name: &str, required: bool, default: Option<&str>, secret: bool) -> Prop {
    Prop {
        name: name.into(),
        required,
        default: default.map(str::to_string),
        secret,
        allow_empty: false,
    }
}

#[test]
fn env_follows_the_props() {
    let mut s = spec("db");
    s.props = vec![
        prop("USER", false, Some("app"), false),
        prop("PASSWORD", true, None, true),
        prop("OPTIONAL", false, None, false),
    ];
    let given = BTreeMap::from([("PASSWORD".to_string(), "s3cret".to_string())]);
    let (docker, stored) = build_env(&s, &given).unwrap();
    assert_eq!(docker, vec!["USER=app", "PASSWORD=s3cret"]);
    assert_eq!(
        stored.get("PASSWORD"),
        Some(&None),
        "secrets are not stored"
    );
    assert_eq!(stored.get("USER"), Some(&Some("app".to_string())));
    assert!(!stored.contains_key("OPTIONAL"));

    let err = build_env(&s, &BTreeMap::new()).unwrap_err().to_string();
    assert!(err.contains("PASSWORD"), "{err}");
    let bad = BTreeMap::from([
        ("PASSWORD".to_string(), "x".to_string()),
        ("NOPE".to_string(), "x".to_string()),
    ]);
    let err = build_env(&s, &bad).unwrap_err().to_string();
    assert!(err.contains("NOPE"), "{err}");
}

fn row_for(spec: MachineSpec) -> Row {
    Row {
        id: "abc".into(),
        name: "cache".into(),
        owner_id: 1,
        owner_email: "a@b.co".into(),
        machine_id: 1,
        machine: "redis".into(),
        machine_spec: Arc::new(spec),
        container_name: "x".into(),
        container_id: None,
        state: InstanceState::Running,
        desired: repo::Desired::Running,
        pending: None,
        remove_volumes: false,
        create_failed: false,
        env: BTreeMap::from([("DB".into(), Some("app".into())), ("PW".into(), None)]),
        exit_code: None,
        created_at: 0,
        updated_at: 0,
        newest_mark: None,
        mark_before_newest_at: None,
        came_up_at: None,
    }
}

#[test]
fn connect_templates_render() {
    let mut s = spec("redis");
    s.ports[0].port = 5432;
    let row = row_for(s);
    let ports = vec![PortMapping {
        container_port: 5432,
        host_port: 20001,
        protocol: Protocol::Tcp,
    }];
    assert_eq!(
        render_connect("postgres://{host}:{port}/{env.DB}", "h", &row, &ports),
        "postgres://h:20001/app"
    );
    assert_eq!(
        render_connect("{port:5432}-{name}", "h", &row, &ports),
        "20001-cache"
    );
}

#[test]
fn the_first_port_is_the_first_the_machine_declares() {
    let mut s = spec("m");
    s.ports = [
        (8080, Protocol::Tcp),
        (5353, Protocol::Udp),
        (443, Protocol::Tcp),
    ]
    .into_iter()
    .map(|(port, protocol)| MachinePort { port, protocol })
    .collect();
    // As the registry lists them: by container port.
    let ports: Vec<PortMapping> = [
        (443, Protocol::Tcp, 1),
        (5353, Protocol::Udp, 2),
        (8080, Protocol::Tcp, 3),
    ]
    .into_iter()
    .map(|(container_port, protocol, host_port)| PortMapping {
        container_port,
        host_port,
        protocol,
    })
    .collect();
    assert_eq!(first_port(&s, &ports, None).unwrap().host_port, 3);
    s.ports.swap(0, 1);
    assert_eq!(first_port(&s, &ports, None).unwrap().host_port, 2);
    assert_eq!(
        first_port(&s, &ports, Some(Protocol::Tcp))
            .unwrap()
            .host_port,
        3
    );
    s.ports.clear();
    assert_eq!(
        first_port(&s, &ports, Some(Protocol::Tcp))
            .unwrap()
            .host_port,
        1
    );
    assert_eq!(first_port(&s, &ports[1..2], Some(Protocol::Tcp)), None);
}

#[tokio::test]
async fn references_resolve_only_among_visible_instances() {
    let h = harness();
    let web1 = h.create("web").await.unwrap();
    let db = h.create("dbs").await.unwrap();
    let bob = caller(2, Role::User);
    let web2 = crate::domain::instances::create(
        &h.state,
        &bob,
        InstanceCreate {
            machine: "web".into(),
            name: Some("web".into()),
            env: BTreeMap::new(),
            volume_from: Vec::new(),
        },
    )
    .await
    .unwrap();
    let (alice, admin) = (h.alice.clone(), h.admin.clone());
    let (w1, w2, d) = (web1.id.clone(), web2.id.clone(), db.id.clone());
    h.state
        .registry
        .read(move |snap| {
            assert_eq!(resolve(snap, &alice, "web")?.id, w1);
            assert_eq!(resolve(snap, &bob, "web")?.id, w2);
            assert_eq!(resolve(snap, &alice, &d[..6])?.id, d);
            let hidden = resolve(snap, &bob, &d).unwrap_err().to_string();
            let absent = resolve(snap, &bob, "cccc4444cccc4444")
                .unwrap_err()
                .to_string();
            assert_eq!(
                hidden.replace(&d, "X"),
                absent.replace("cccc4444cccc4444", "X")
            );
            assert!(matches!(
                resolve(snap, &bob, "dbs"),
                Err(Error::NotFound(_))
            ));
            assert!(matches!(
                resolve(snap, &admin, "web"),
                Err(Error::Conflict(_))
            ));
            assert_eq!(resolve(snap, &admin, "dbs")?.id, d);
            assert_eq!(resolve(snap, &admin, &w2)?.owner_id, 2);
            assert!(matches!(resolve(snap, &alice, ""), Err(Error::NotFound(_))));
            Ok(())
        })
        .await
        .unwrap();
}
