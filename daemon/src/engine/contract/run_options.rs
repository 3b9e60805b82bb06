//! The case of a container's run options: what a machine's `shm_size`, `user`, `entrypoint`,
//! `ulimits` and `tmpfs` ask for is what the engine made.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{spec, Program, Subject, PATIENCE};
use crate::engine::RunOptions;

/// A container created with every run option runs (its entrypoint hands on to its command,
/// as a user other than root) and inspects with the options it was given.
pub async fn run_options_are_made_as_asked(subject: &dyn Subject) {
    let engine = subject.engine();
    let mut spec = spec(subject, "options", &Program::run_on().out("ready"));
    let options = RunOptions {
        shm_size: Some(128 << 20),
        user: Some("1234:1234".into()),
        // `env` runs its arguments: the command, unchanged.
        entrypoint: Some(vec!["env".into()]),
        ulimits: BTreeMap::from([
            ("nofile".into(), (1024, 2048)),
            ("nproc".into(), (512, 512)),
        ]),
        tmpfs: BTreeMap::from([("/run".into(), "size=64m,mode=1777".into())]),
    };
    spec.options = options.clone();
    let id = engine.create_container(spec).await.expect("create");
    let o = engine
        .inspect(&id)
        .await
        .expect("inspect")
        .expect("created");
    assert_eq!(o.options, options, "as created");

    engine.start(&id).await.expect("start");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let lines = engine.last_lines(&id, 5).await.expect("last lines");
        if lines.iter().any(|l| l.trim_end() == "ready") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the command did not run through the entrypoint: {lines:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let o = engine
        .inspect(&id)
        .await
        .expect("inspect")
        .expect("started");
    assert!(o.running, "{o:?}");
    assert_eq!(o.options, options, "as started");
    engine.remove_container(&id).await.expect("remove");
}
