//! Kept volumes attached again, and recreates: their checks, their journal and what a crash in
//! the middle leaves.

use rsrc_shared::api::{InstanceRecreate, VolumeFrom};

use super::*;
use crate::domain::instances::recreate::{recreate, settle};
use crate::registry::rebuild;

impl Harness {
    async fn create_from(
        &self,
        who: &Caller,
        name: &str,
        from: Vec<VolumeFrom>,
    ) -> Result<rsrc_shared::api::Instance, Error> {
        crate::domain::instances::create(
            &self.state,
            who,
            InstanceCreate {
                machine: "web".into(),
                name: Some(name.into()),
                env: BTreeMap::new(),
                volume_from: from,
            },
        )
        .await
    }

    async fn update_machine(&self, change: impl FnOnce(&mut MachineSpec)) {
        let mut s = spec("web");
        change(&mut s);
        self.state
            .registry
            .write(move |tx| registry::machines::update_spec(tx, 1, &s, 1))
            .await
            .unwrap();
    }

    async fn outdated(&self) -> (i64, i64) {
        let m = self
            .state
            .registry
            .read(|snap| registry::machines::show(snap, "web", registry::Viewer::ADMIN))
            .await
            .unwrap()
            .unwrap();
        (m.revision, m.outdated)
    }
}

fn from(volume: &str, path: Option<&str>) -> VolumeFrom {
    VolumeFrom {
        volume: volume.into(),
        path: path.map(str::to_string),
    }
}

#[tokio::test]
async fn a_kept_volume_is_attached_to_a_new_instance_of_its_machine() {
    let h = harness();
    let old = h.create("one").await.unwrap();
    let volume = old.volumes[0].name.clone();
    crate::domain::instances::remove(&h.state, &h.alice, &old.id, false)
        .await
        .unwrap();
    let new = h
        .create_from(&h.alice, "two", vec![from(&volume, None)])
        .await
        .unwrap();
    assert_eq!(new.volumes[0].name, volume);
    assert_eq!(new.volumes[0].path, "/data");
    let c = h
        .engine
        .container(new.container.as_deref().unwrap())
        .unwrap();
    assert_eq!(c.spec.volumes[0].volume, volume);
    // Now attached: a second create cannot take it.
    let err = h
        .create_from(&h.alice, "three", vec![from(&volume, None)])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
}

#[tokio::test]
async fn volume_from_refusals_change_nothing() {
    let h = harness();
    let old = h.create("one").await.unwrap();
    let volume = old.volumes[0].name.clone();
    crate::domain::instances::remove(&h.state, &h.alice, &old.id, false)
        .await
        .unwrap();
    let bob = caller(2, Role::User);
    type Case = (Caller, Vec<VolumeFrom>, fn(&Error) -> bool);
    let cases: Vec<Case> = vec![
        // Another user's volume is as absent as one that does not exist.
        (bob, vec![from(&volume, None)], |e| {
            matches!(e, Error::NotFound(_))
        }),
        (h.alice.clone(), vec![from("nope", None)], |e| {
            matches!(e, Error::NotFound(_))
        }),
        (
            h.alice.clone(),
            vec![from(&volume, Some("/elsewhere"))],
            |e| matches!(e, Error::Invalid(_)),
        ),
        (
            h.alice.clone(),
            vec![from(&volume, None), from(&volume, None)],
            |e| matches!(e, Error::Invalid(_)),
        ),
    ];
    for (who, vols, expected) in cases {
        let err = h.create_from(&who, "two", vols).await.unwrap_err();
        assert!(expected(&err), "{err}");
    }
    assert!(h.state.registry.read(repo::all).await.unwrap().is_empty());
    assert_eq!(h.ports_reserved().await, 0);
    let kept = h
        .state
        .registry
        .read(move |snap| registry::volumes::kept(snap, &volume, 1))
        .await
        .unwrap()
        .unwrap();
    assert!(!kept.in_use, "still kept");
}

#[tokio::test]
async fn a_failed_create_gives_a_kept_volume_back_instead_of_removing_it() {
    let h = harness();
    let old = h.create("one").await.unwrap();
    let volume = old.volumes[0].name.clone();
    crate::domain::instances::remove(&h.state, &h.alice, &old.id, false)
        .await
        .unwrap();
    h.engine.fail_next(Op::Start);
    assert!(h
        .create_from(&h.alice, "two", vec![from(&volume, None)])
        .await
        .is_err());
    assert_eq!(
        h.engine.volumes(),
        std::slice::from_ref(&volume),
        "the data is still there"
    );
    let v = volume.clone();
    let kept = h
        .state
        .registry
        .read(move |snap| registry::volumes::kept(snap, &v, 1))
        .await
        .unwrap();
    assert!(kept.is_some_and(|k| !k.in_use));
    // And it can be attached again.
    h.create_from(&h.alice, "three", vec![from(&volume, None)])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_recreate_takes_the_current_definition_and_keeps_ports_volumes_and_name() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    h.update_machine(|s| s.command = Some(vec!["sleep".into(), "2000".into()]))
        .await;
    assert_eq!(h.outdated().await, (2, 1));
    let again = recreate(&h.state, &h.alice, "one", InstanceRecreate::default())
        .await
        .unwrap();
    assert_eq!(
        (again.id.as_str(), again.name.as_str()),
        (made.id.as_str(), "one")
    );
    assert_eq!(again.status, InstanceState::Running);
    assert_eq!(again.ports, made.ports);
    assert_eq!(again.volumes[0].name, made.volumes[0].name);
    assert_ne!(again.container, made.container);
    assert!(h
        .engine
        .container(made.container.as_deref().unwrap())
        .is_none());
    let c = h
        .engine
        .container(again.container.as_deref().unwrap())
        .unwrap();
    assert!(c.running);
    assert_eq!(c.spec.command.as_deref().unwrap()[1], "2000");
    assert_eq!(h.engine.containers().len(), 1);
    assert_eq!(h.outdated().await, (2, 0));
    let kinds = h.kinds(&made.id).await;
    assert_eq!(
        &kinds[kinds.len() - 2..],
        [
            (EventKind::Recreated, Cause::User),
            (EventKind::Started, Cause::User)
        ],
        "{kinds:?}"
    );
    // An admin may recreate anyone's; another user may not see it.
    let bob = caller(2, Role::User);
    let err = recreate(&h.state, &bob, &made.id, InstanceRecreate::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err}");
    recreate(&h.state, &h.admin, &made.id, InstanceRecreate::default())
        .await
        .unwrap();
    assert_eq!(h.kinds(&made.id).await.last().unwrap().1, Cause::Admin);
}

#[tokio::test]
async fn a_stopped_instance_stays_stopped_and_a_lost_one_comes_back() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    lifecycle::act(&h.state, &h.alice, "one", Action::Stop)
        .await
        .unwrap();
    let again = recreate(&h.state, &h.alice, "one", InstanceRecreate::default())
        .await
        .unwrap();
    assert_eq!(again.status, InstanceState::Stopped);
    lifecycle::act(&h.state, &h.alice, "one", Action::Start)
        .await
        .unwrap();
    h.engine.vanish(again.container.as_deref().unwrap());
    reconcile::reconcile(&h.state).await.unwrap();
    assert_eq!(h.row(&made.id).await.unwrap().state, InstanceState::Lost);
    let back = recreate(&h.state, &h.alice, "one", InstanceRecreate::default())
        .await
        .unwrap();
    assert_eq!(back.status, InstanceState::Running);
    assert_eq!(back.ports, made.ports);
}

#[tokio::test]
async fn a_recreate_cut_off_is_completed_or_dropped_by_reconciliation() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    // Cut off after the journal, before the new container: dropped, the old one stays.
    h.engine.fail_next(Op::CreateContainer);
    assert!(
        recreate(&h.state, &h.alice, "one", InstanceRecreate::default())
            .await
            .is_err()
    );
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.state, InstanceState::Running, "dropped at once");
    assert!(h
        .engine
        .container(made.container.as_deref().unwrap())
        .is_some());
    assert_eq!(h.engine.containers().len(), 1);
    // Cut off after the new container was made and the old one could not be removed.
    // The request settles it again at once: here the second removal goes through.
    h.engine.fail_next(Op::RemoveContainer);
    assert!(
        recreate(&h.state, &h.alice, "one", InstanceRecreate::default())
            .await
            .is_err()
    );
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.state, InstanceState::Running);
    assert_eq!(h.engine.containers().len(), 1, "one container of its own");
    let id = made.id.clone();
    let origin = h
        .state
        .registry
        .read(move |snap| rebuild::origin(snap, &id))
        .await
        .unwrap()
        .unwrap();
    assert!(origin.plan.is_none());
}

#[tokio::test]
async fn a_journalled_recreate_after_kill_9_is_settled_by_reconciliation() {
    let h = harness();
    let made = h.create("one").await.unwrap();
    let plan = rebuild::Plan {
        container: "rsrc-one-next".into(),
        env_json: "{}".into(),
        given: Vec::new(),
        revision: 1,
        from: InstanceState::Running,
    };
    let (id, p) = (made.id.clone(), plan.clone());
    h.state
        .registry
        .write(move |tx| rebuild::begin(tx, &id, &p, 0).map(drop))
        .await
        .unwrap();
    // Killed before the new container was made: the old one stays the instance's.
    reconcile::reconcile(&h.state).await.unwrap();
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.state, InstanceState::Running);
    assert!(h
        .engine
        .container(made.container.as_deref().unwrap())
        .is_some());
    // Killed after it was made: completed, the old one removed.
    let (id, p) = (made.id.clone(), plan.clone());
    h.state
        .registry
        .write(move |tx| rebuild::begin(tx, &id, &p, 0).map(drop))
        .await
        .unwrap();
    let mut spec = h
        .engine
        .container(made.container.as_deref().unwrap())
        .unwrap()
        .spec;
    spec.name = plan.container.clone();
    h.engine.adopt(spec, false);
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.state, InstanceState::Recreating);
    settle(&h.state, &row).await.unwrap();
    let row = h.row(&made.id).await.unwrap();
    assert_eq!(row.state, InstanceState::Running);
    assert_eq!(row.container_name, "rsrc-one-next");
    assert_eq!(h.engine.containers().len(), 1);
    assert_eq!(
        h.kinds(&made.id).await.last(),
        Some(&(EventKind::Started, Cause::Reconcile))
    );
}

#[tokio::test]
async fn a_kept_volume_removed_behind_rsrcs_back_is_never_mounted_empty() {
    let h = harness();
    let old = h.create("one").await.unwrap();
    let volume = old.volumes[0].name.clone();
    crate::domain::instances::remove(&h.state, &h.alice, &old.id, false)
        .await
        .unwrap();
    // `docker volume prune`, then a volume of that name without rsrc's labels.
    h.engine.remove_volume(&volume).await.unwrap();
    h.engine
        .create_volume(&volume, Default::default())
        .await
        .unwrap();
    let err = h
        .create_from(&h.alice, "two", vec![from(&volume, None)])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("rsrc's labels"), "{err}");
    h.engine.remove_volume(&volume).await.unwrap();
    let err = h
        .create_from(&h.alice, "two", vec![from(&volume, None)])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err}");
    assert!(err.to_string().contains("outside rsrc"), "{err}");
    assert!(h.engine.containers().is_empty(), "nothing was made");
    assert!(h.engine.volumes().is_empty(), "no new empty volume");
    // Reconciliation notices the kept volume is gone, and forgets it.
    reconcile::reconcile(&h.state).await.unwrap();
    let kept = crate::domain::instances::volumes::list(&h.state, &h.alice, false, false)
        .await
        .unwrap();
    assert!(kept.is_empty(), "{kept:?}");
}

#[tokio::test]
async fn kept_volumes_count_against_the_per_user_limit() {
    let h = harness();
    let limit = h.state.config.limits.max_volumes_per_user;
    assert_eq!(limit, 20, "the default");
    // A create + rm loop keeps one volume a round, until the limit.
    let mut kept = Vec::new();
    for round in 0..limit {
        let made = h.create(&format!("r{round}")).await.unwrap();
        kept.push(made.volumes[0].name.clone());
        crate::domain::instances::remove(&h.state, &h.alice, &made.id, false)
            .await
            .unwrap();
    }
    let err = h.create("one-more").await.unwrap_err();
    assert!(matches!(err, Error::QuotaExceeded(_)), "{err}");
    assert!(err.to_string().contains("rsrc volume rm"), "{err}");
    assert_eq!(h.engine.volumes().len(), kept.len(), "nothing new was made");
    // Attaching a kept volume is allowed: it is kept no more.
    h.create_from(&h.alice, "reuse", vec![from(&kept[0], None)])
        .await
        .unwrap();
    // Another user's kept volumes are theirs.
    h.create_from(&caller(2, Role::User), "bob", Vec::new())
        .await
        .unwrap();
}
