//! `rsrc logs`: the daemon streams a container's output instead of reading it into memory, so a
//! log larger than the 4 MiB it used to buffer comes whole, in the lines it always had.

mod common;
mod docker_support;

use common::{poll, Options, DEADLINE};
use docker_support::*;

#[test]
fn a_log_larger_than_the_old_buffer_comes_whole() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    // 10,000 lines of 650 bytes: 6.5 MB, past the 4 MiB the daemon used to keep of a log.
    let file = e.d.dir.path().join("chatty.toml");
    std::fs::write(
        &file,
        format!(
            "[[machine]]\nname = \"chatty\"\nimage = \"{}\"\nports = [{{ port = 8080 }}]\n\
             command = [\"sh\", \"-c\", \"pad=xxxxxxxxxx; for _ in 1 2 3 4 5 6; do pad=$pad$pad; done; \
             i=0; while [ $i -lt 10000 ]; do echo \\\"line-$i $pad\\\"; i=$((i+1)); done; \
             sleep 1000\"]\n",
            image()
        ),
    )
    .unwrap();
    e.admin
        .run(&["machine", "apply", "-f", file.to_str().unwrap()])
        .expect_code(0);
    let alice = e.user("alice@example.com");
    let made = create(&alice, "chatty", &["--name", "chatty"]);
    poll("the container to write its last line", DEADLINE, || {
        let last = alice.run(&["logs", "chatty", "--tail", "1"]).ok().ok()?;
        last.stdout.starts_with("line-9999 ").then_some(())
    });

    let logs = alice
        .run(&["logs", "chatty", "--tail", "10000"])
        .expect_code(0);
    let lines: Vec<&str> = logs.stdout.lines().collect();
    assert_eq!(lines.len(), 10_000, "{} bytes", logs.stdout.len());
    for (i, line) in lines.iter().enumerate() {
        assert!(
            line.starts_with(&format!("line-{i} x")) && line.ends_with("xx"),
            "line {i}: {line:.40}"
        );
    }
    assert!(logs.stdout.ends_with("x\n"));
    assert!(logs.stdout.len() > 4 * 1024 * 1024);

    let json = alice.json(&["logs", "chatty", "--tail", "3"]);
    assert_eq!(json.as_array().map(Vec::len), Some(3), "{json:.200}");

    alice
        .run(&["instance", "rm", str_of(&made, "id"), "--volumes"])
        .expect_code(0);
    assert_nothing_labelled(&e.d);
}
