//! What a first user ran into (issue 9): sloppy input refused with exit 2 naming the field and
//! nothing changed, commands split like a shell, images without a command refused, and the
//! operator's log naming who changed what.

mod common;
mod docker_support;

use common::Options;
use docker_support::*;

fn apply_file(image: &str, extra: &str) -> String {
    format!(
        "[[machine]]\nname = \"filed\"\nimage = \"{image}\"\nports = [{{ port = 8080 }}]\n\
         command = \"httpd -f -p 8080\"\n{extra}\n"
    )
}

#[test]
fn sloppy_machine_input_is_refused_and_changes_nothing() {
    let e = env_in_process(Options::default());
    let img = image();
    httpd_machine(&e.admin, "web", &["--cpus", "0.5"]);
    let shown = e.admin.json(&["machine", "show", "web"]);

    // CPUs: the same rule for create, update and files; `-0.5` reaches it, not clap.
    for cpus in ["nan", "inf", "-0.5", "0.001", "NaN"] {
        let r = e
            .admin
            .run(&[
                "machine",
                "create",
                "c",
                "--image",
                &img,
                "--port",
                "1",
                "--command",
                "x",
                "--cpus",
                cpus,
            ])
            .expect_code(2);
        assert!(r.stderr.contains("cpus"), "--cpus {cpus}: {}", r.stderr);
        assert!(!r.stderr.contains("unexpected argument"), "{}", r.stderr);
        let r = e
            .admin
            .run(&["machine", "update", "web", "--cpus", cpus])
            .expect_code(2);
        assert!(
            r.stderr.contains("cpus"),
            "update --cpus {cpus}: {}",
            r.stderr
        );
    }
    for cpus in ["nan", "inf", "-0.5", "0.001"] {
        let file = apply_file(&img, &format!("limits = {{ cpus = {cpus} }}"));
        let r = e
            .admin
            .run_stdin(&["machine", "apply", "-f", "-"], &file)
            .expect_code(2);
        assert!(r.stderr.contains("cpus"), "file cpus {cpus}: {}", r.stderr);
    }
    let r = e
        .admin
        .run(&["machine", "update", "web", "--cpus", "100000"])
        .expect_code(2);
    assert!(r.stderr.contains("CPU"), "{}", r.stderr);

    // A huge memory is too large, not "not a number".
    let r = e
        .admin
        .run(&["machine", "update", "web", "--memory", "99999999999g"])
        .expect_code(2);
    assert!(r.stderr.contains("too large"), "{}", r.stderr);

    // Negative numbers reach the checks too.
    let r = e
        .admin
        .run(&["machine", "update", "web", "--max-per-user", "-1"])
        .expect_code(2);
    assert!(r.stderr.contains("max_per_user"), "{}", r.stderr);

    assert_eq!(e.admin.json(&["machine", "show", "web"]), shown);
    assert_eq!(
        e.admin.json(&["machine", "ls"]).as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn commands_split_like_a_shell_and_images_without_one_are_refused() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    let img = image();

    let m = e.admin.json(&[
        "machine",
        "create",
        "sh",
        "--image",
        &img,
        "--port",
        "8080",
        "--command",
        r#"sh -c "echo a; echo b; exec httpd -f -p 8080""#,
    ]);
    assert_eq!(
        m["command"],
        serde_json::json!(["sh", "-c", "echo a; echo b; exec httpd -f -p 8080"])
    );

    // The test image has no Cmd: a machine that gives none could never start.
    let r = e
        .admin
        .run(&[
            "machine", "create", "bare", "--image", &img, "--port", "8080",
        ])
        .expect_code(2);
    assert!(r.stderr.contains("command"), "{}", r.stderr);
    let bare =
        format!("[[machine]]\nname = \"bare\"\nimage = \"{img}\"\nports = [{{ port = 1 }}]\n");
    let r = e
        .admin
        .run_stdin(&["machine", "apply", "-f", "-"], &bare)
        .expect_code(2);
    assert!(r.stderr.contains("command"), "{}", r.stderr);
    assert!(r.stderr.contains("standard input"), "{}", r.stderr);

    // A file may give the command as one string; `-f -` reads standard input.
    let applied = e
        .admin
        .run_stdin(
            &["--json", "machine", "apply", "-f", "-"],
            &apply_file(&img, ""),
        )
        .expect_code(0)
        .json();
    assert_eq!(applied[0]["action"], "created", "{applied}");
    assert_eq!(
        applied[0]["machine"]["command"],
        serde_json::json!(["httpd", "-f", "-p", "8080"])
    );
    let names: Vec<String> = e
        .admin
        .json(&["machine", "ls"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["filed", "sh"]);
}

#[test]
fn an_empty_required_prop_is_refused_unless_the_machine_allows_it() {
    let e = env_in_process(Options::default());
    httpd_machine(
        &e.admin,
        "strict",
        &["--required-prop", "PASSWORD", "--secret-prop", "PASSWORD"],
    );
    httpd_machine(
        &e.admin,
        "lax",
        &["--required-prop", "TAG", "--allow-empty", "TAG"],
    );
    let alice = e.user("alice@example.com");
    let r = alice
        .run(&["instance", "create", "strict", "--env", "PASSWORD="])
        .expect_code(2);
    assert!(
        r.stderr.contains("PASSWORD") && r.stderr.contains("empty"),
        "{}",
        r.stderr
    );
    assert_eq!(alice.json(&["instance", "ls"]), serde_json::json!([]));
    let i = create(&alice, "lax", &["--env", "TAG="]);
    assert_eq!(i["env"]["TAG"], "");
    assert_eq!(
        e.admin.json(&["machine", "show", "lax"])["props"][0]["allow_empty"],
        true
    );
}

#[test]
fn the_log_names_who_changed_what_in_plain_values() {
    let e = env_in_process(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    e.admin
        .run(&["machine", "update", "web", "--max-per-user", "2"])
        .expect_code(0);
    let alice = e.user("alice@example.com");
    let i = create(&alice, "web", &[]);
    let id = str_of(&i, "id").to_string();
    alice.run(&["instance", "rm", &id]).expect_code(0);
    // A user's mistake is no ERROR.
    alice.run(&["instance", "create", "nope"]).expect_code(3);

    let log = common::poll("the removal in the log", common::DEADLINE, || {
        let log = e.d.log_text();
        log.contains("instance removed").then_some(log)
    });
    let line = |what: &str| {
        log.lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no `{what}` in the log:\n{log}"))
            .to_string()
    };
    for (what, who) in [
        ("machine created", "admin@example.com"),
        ("machine updated", "admin@example.com"),
        ("sign-up received", "alice@example.com"),
        ("instance created", "alice@example.com"),
        ("instance removed", "alice@example.com"),
    ] {
        let l = line(what);
        assert!(l.contains("INFO") && l.contains(who), "{l}");
    }
    // Removing a running instance is logged as its removal, not as a stop seen from Docker.
    assert!(
        !log.lines()
            .any(|l| l.contains("instance changed") && l.contains(id.as_str())),
        "{log}"
    );
    assert!(line("login").contains("peer_uid="), "{log}");
    assert!(
        !log.contains("Some("),
        "Debug formatting in the log:\n{log}"
    );
    assert!(!log.contains("ERROR"), "{log}");
}

/// Issue 19 item 12: secret props stay off the command line, where `ps` shows them to every
/// local user: `--env-file FILE`, and `--env KEY` with the value from the environment.
#[test]
fn secret_props_come_from_a_file_or_the_environment() {
    let e = env_in_process(Options::default());
    httpd_machine(
        &e.admin,
        "vault",
        &[
            "--required-prop",
            "PASSWORD",
            "--secret-prop",
            "PASSWORD",
            "--required-prop",
            "TOKEN",
            "--secret-prop",
            "TOKEN",
            "--required-prop",
            "USER_NAME",
        ],
    );
    let alice = e.user("alice@example.com");
    let file = e.d.dir.path().join("vault.env");
    std::fs::write(
        &file,
        "# secrets\nPASSWORD=pa=ss \"word\"\nUSER_NAME=from-file\n",
    )
    .expect("env file");
    let file = file.display().to_string();
    let args = [
        "--output",
        "json",
        "instance",
        "create",
        "vault",
        "--env-file",
        &file,
        "--env",
        "TOKEN",
    ];
    // Without TOKEN in the environment, it says so and creates nothing.
    let r: common::Run = alice
        .command(&args)
        .env_remove("TOKEN")
        .output()
        .expect("rsrc")
        .into();
    let r = r.expect_code(2);
    assert!(r.stderr.contains("TOKEN is not set"), "{}", r.stderr);
    assert_eq!(alice.json(&["instance", "ls"]), serde_json::json!([]));

    let r: common::Run = alice
        .command(&args)
        .env("TOKEN", "t0ken-from-env")
        .output()
        .expect("rsrc")
        .into();
    let i = r.expect_code(0).json();
    assert_eq!(i["env"]["USER_NAME"], "from-file", "{i}");
    let id = str_of(&i, "id");
    let container =
        e.d.fake()
            .containers()
            .into_iter()
            .find(|c| c.name.contains(id))
            .expect("the instance's container");
    for want in [
        "PASSWORD=pa=ss \"word\"",
        "TOKEN=t0ken-from-env",
        "USER_NAME=from-file",
    ] {
        assert!(
            container.spec.env.iter().any(|v| v == want),
            "{want} not in {:?}",
            container.spec.env
        );
    }
}

/// `events --instance` names an instance the caller can see, or the id of a removed one of
/// theirs; anything else is "not found" (exit 3), as `uptime` says. `exit_code` is always in
/// the JSON, null when there is none (issue 19 item 21).
#[test]
fn events_of_an_unknown_or_foreign_instance_are_not_found() {
    let e = env_in_process(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let mine = create(&alice, "web", &["--name", "mine"]);
    let theirs = create(&bob, "web", &["--name", "theirs"]);
    let mine_id = str_of(&mine, "id").to_string();
    let r = alice
        .run(&["--json", "events", "--instance", "mine"])
        .expect_code(0);
    let first: serde_json::Value =
        serde_json::from_str(r.stdout.lines().next().expect("an event")).expect("json");
    assert!(
        first
            .as_object()
            .is_some_and(|o| o.contains_key("exit_code")),
        "{first}"
    );
    for reference in ["nosuch", "theirs", str_of(&theirs, "id")] {
        let r = alice
            .run(&["events", "--instance", reference])
            .expect_code(3);
        assert!(
            r.stderr.contains("not found") || r.stderr.contains("no instance"),
            "{}",
            r.stderr
        );
    }
    alice
        .run(&["instance", "rm", &mine_id, "--volumes"])
        .expect_code(0);
    alice.run(&["events", "--instance", "mine"]).expect_code(3);
    let r = alice
        .run(&["events", "--instance", &mine_id])
        .expect_code(0);
    assert!(r.stdout.contains("removed"), "{}", r.stdout);
}

/// `rsrcd admin create` that refuses its input (a too-short password) leaves nothing behind:
/// no data dir, no `rsrc.db` (issue 19 item 25).
#[test]
fn a_refused_admin_create_makes_no_data_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("fresh");
    let config = dir.path().join("rsrcd.toml");
    std::fs::write(&config, "").expect("write an empty config");
    let mut child = std::process::Command::new(common::rsrcd_bin())
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "admin",
            "create",
            "--email",
            "root@example.com",
            "--password-stdin",
        ])
        .env_remove("RSRC_SOCKET")
        .env_remove("RSRC_DATA_DIR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rsrcd admin create");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"short\n")
        .expect("write the password");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password"),
        "{out:?}"
    );
    assert!(
        !data.exists(),
        "a refused admin create made {}",
        data.display()
    );
}

/// `--json instance rm` shows the removed instance as removed, not as it was (issue 19 item 23).
#[test]
fn a_removed_instance_is_shown_as_removed() {
    let e = env_in_process(Options::default());
    httpd_machine(&e.admin, "web", &[]);
    let alice = e.user("alice@example.com");
    let made = create(&alice, "web", &["--name", "gone"]);
    let removed = alice.json(&["instance", "rm", str_of(&made, "id")]);
    assert_eq!(removed[0]["status"], "removed", "{removed}");
}
