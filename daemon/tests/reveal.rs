//! Secrets the owner set (issue 20): every view of an instance shows a secret prop's value as
//! `********`, to its owner and to admins alike; `rsrc instance show --reveal` gives the owner,
//! and only the owner, the values back from the container. In this process, on the in-memory
//! engine: this is what the API and the CLI make of an instance, not Docker.

mod common;
mod docker_support;

use common::Options;
use docker_support::*;

const SECRET: &str = "s3cr3t-Value-that-must-not-leak";
const SECRET_DEFAULT: &str = "the-default-is-secret-too";
const MASK: &str = "********";

/// A machine with a required secret prop, a secret prop with a default, a plain one, and a
/// connect template that names the plain one; `alice` has an instance `site` of it.
fn vault(e: &Env) -> (common::Client, String) {
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
            &format!("API_KEY={SECRET_DEFAULT}"),
            "--connect",
            "http://{host}:{port}/{env.PLAIN}",
        ],
    );
    let alice = e.user("alice@example.com");
    let inst = create(
        &alice,
        "vault",
        &["--name", "site", "--env", &format!("TOKEN={SECRET}")],
    );
    let id = str_of(&inst, "id").to_string();
    (alice, id)
}

fn assert_masked(who: &str, args: &[&str], out: &str) {
    for value in [SECRET, SECRET_DEFAULT] {
        assert!(
            !out.contains(value),
            "{who}: `rsrc {}` shows a secret value:\n{out}",
            args.join(" ")
        );
    }
}

#[test]
fn every_view_of_an_instance_masks_secret_values_for_owner_and_admin() {
    let e = env_in_process(Options::default());
    let (alice, id) = vault(&e);
    let owner_views: Vec<Vec<&str>> = vec![
        vec!["--json", "instance", "show", &id],
        vec!["instance", "show", &id],
        vec!["--json", "instance", "ls"],
        vec!["instance", "ls"],
        vec!["--json", "ps", "-a"],
        vec!["ps", "-a"],
        vec!["--json", "events"],
        vec!["events"],
        vec!["--json", "instance", "uptime", &id],
        vec!["--json", "instance", "stop", &id],
        vec!["--json", "instance", "start", &id],
        vec!["--json", "instance", "restart", &id],
        vec!["--json", "instance", "recreate", &id],
    ];
    for args in &owner_views {
        let r = alice.run(args).expect_code(0);
        assert_masked("the owner", args, &r.stdout);
        assert_masked("the owner", args, &r.stderr);
    }
    let admin_views: Vec<Vec<&str>> = vec![
        vec!["--json", "instance", "show", &id],
        vec!["instance", "show", &id],
        vec!["--json", "instance", "ls", "--all-users"],
        vec!["instance", "ls", "--all-users"],
        vec!["--json", "ps", "-a", "--all-users"],
        vec!["--json", "events", "--all-users"],
    ];
    for args in &admin_views {
        let r = e.admin.run(args).expect_code(0);
        assert_masked("an admin", args, &r.stdout);
    }
    for who in [&alice, &e.admin] {
        let inst = who.json(&["instance", "show", &id]);
        assert_eq!(inst["env"]["TOKEN"], MASK, "{inst}");
        assert_eq!(inst["env"]["API_KEY"], MASK, "{inst}");
        assert_eq!(inst["env"]["PLAIN"], "visible", "{inst}");
        // The connect URL may only name props that are not secret.
        assert_eq!(
            inst["url"],
            format!("http://127.0.0.1:{}/visible", host_port(&inst))
        );
    }
    let listed = e.admin.json(&["instance", "ls", "--all-users"]);
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(row["env"]["TOKEN"], MASK, "{row}");
    assert!(!e.d.log_text().contains(SECRET), "the daemon logged it");
}

#[test]
fn reveal_shows_the_owner_their_own_secret_values_and_no_one_else() {
    let e = env_in_process(Options::default());
    let (alice, id) = vault(&e);
    let bob = e.user("bob@example.com");

    // The owner: the values with --reveal, the mask without.
    let shown = alice.json(&["instance", "show", "--reveal", "site"]);
    assert_eq!(shown["env"]["TOKEN"], SECRET, "{shown}");
    assert_eq!(shown["env"]["API_KEY"], SECRET_DEFAULT, "{shown}");
    assert_eq!(shown["env"]["PLAIN"], "visible", "{shown}");
    let human = alice
        .run(&["instance", "show", "--reveal", &id])
        .expect_code(0);
    assert!(human.stdout.contains(SECRET), "{}", human.stdout);
    let plain = alice.json(&["instance", "show", "site"]);
    assert_eq!(plain["env"]["TOKEN"], MASK, "{plain}");

    // A recreate keeps the value, and --reveal still finds it in the new container.
    alice
        .run(&["--json", "instance", "recreate", &id])
        .expect_code(0);
    let again = alice.json(&["instance", "show", "--reveal", &id]);
    assert_eq!(again["env"]["TOKEN"], SECRET, "{again}");

    // An admin is refused, not shown the mask as if it were the value.
    let refused = e
        .admin
        .run(&["instance", "show", "--reveal", &id])
        .expect_code(4);
    assert!(
        refused.stderr.contains("only the owner"),
        "{}",
        refused.stderr
    );
    assert_masked(
        "an admin",
        &["instance", "show", "--reveal"],
        &refused.stdout,
    );
    assert_masked(
        "an admin",
        &["instance", "show", "--reveal"],
        &refused.stderr,
    );

    // Another user: no such instance, with or without --reveal.
    for args in [
        vec!["instance", "show", "--reveal", id.as_str()],
        vec!["instance", "show", "--reveal", "site"],
        vec!["instance", "show", id.as_str()],
    ] {
        let r = bob.run(&args).expect_code(3);
        assert_masked("another user", &args, &r.stdout);
        assert_masked("another user", &args, &r.stderr);
    }

    // A container gone behind rsrc's back took the values with it: said so, not masked.
    let container = alice.json(&["instance", "show", &id])["container"]
        .as_str()
        .unwrap()
        .to_string();
    e.d.fake().vanish(&container);
    let gone = alice
        .run(&["instance", "show", "--reveal", &id])
        .expect_code(5);
    assert!(gone.stderr.contains("went with"), "{}", gone.stderr);

    // The reveal is audited by key; the value never reaches the log.
    let log = e.d.log_text();
    assert!(log.contains("secret props revealed"), "{log}");
    assert!(!log.contains(SECRET), "the daemon logged the secret");
    assert!(
        !log.contains(SECRET_DEFAULT),
        "the daemon logged the secret"
    );
}

/// The same on Docker: the values come back from the real container's environment.
#[test]
fn reveal_reads_the_values_from_docker() {
    if !common::docker_or_skip() {
        return;
    }
    let e = env(Options::default());
    let (alice, id) = vault(&e);
    assert_eq!(alice.json(&["instance", "show", &id])["env"]["TOKEN"], MASK);
    let shown = alice.json(&["instance", "show", "--reveal", &id]);
    assert_eq!(shown["env"]["TOKEN"], SECRET, "{shown}");
    assert_eq!(shown["env"]["API_KEY"], SECRET_DEFAULT, "{shown}");
    e.admin
        .run(&["instance", "show", "--reveal", &id])
        .expect_code(4);
    assert!(!e.d.log_text().contains(SECRET), "the daemon logged it");
    alice
        .run(&["instance", "rm", &id, "--volumes"])
        .expect_code(0);
}
