//! The feed end to end (issue 10): comments, votes, ratings and feedback with the real binaries;
//! who may do what and the exit codes; counts that equal a recount under concurrent voting;
//! stable paging; texts byte for byte, with escapes shown escaped in tables.

mod common;
mod docker_support;

use common::{poll, Client, Options, DEADLINE};
use docker_support::*;
use rsrc_shared::v1;

/// A machine without an instance: the feed needs no container.
fn machine(e: &Env, name: &str) {
    httpd_machine(&e.admin, name, &[]);
}

/// The counters of `machine` and a recount from the rows, read from the registry file.
fn counters_and_recount(e: &Env, machine: &str) -> (Vec<i64>, Vec<i64>) {
    let conn = e.d.db();
    let id: i64 = conn
        .query_row("SELECT id FROM machines WHERE name = ?1", [machine], |r| {
            r.get(0)
        })
        .unwrap_or_else(|e| panic!("read counters: {e}"));
    let kept = conn
        .query_row(
            "SELECT likes, dislikes, ratings, rating_sum, comments FROM machine_feed
             WHERE machine_id = ?1",
            [id],
            |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
        )
        .unwrap_or_else(|e| panic!("read counters: {e}"));
    let recount = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM votes WHERE machine_id = ?1 AND value = 1),
                    (SELECT COUNT(*) FROM votes WHERE machine_id = ?1 AND value = -1),
                    (SELECT COUNT(*) FROM ratings WHERE machine_id = ?1),
                    (SELECT COALESCE(SUM(stars), 0) FROM ratings WHERE machine_id = ?1),
                    (SELECT COUNT(*) FROM comments WHERE machine_id = ?1)",
            [id],
            |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]),
        )
        .unwrap_or_else(|e| panic!("read counters: {e}"));
    (kept, recount)
}

fn show(c: &Client, machine: &str) -> serde_json::Value {
    c.json(&["machine", "show", machine])
}

#[test]
fn feed_rules_exit_codes_and_counts() {
    // Feedback digests go out at once, so that the test need not wait for one.
    let e = env_in_process(Options {
        limits_toml: "feedback_digest_minutes = 0\n".into(),
        ..Options::default()
    });
    machine(&e, "web");
    machine(&e, "db");
    let alice = e.user("alice@example.com");
    let bob = e.user("bob@example.com");
    let carol = e.unverified_user("carol@example.com");

    // Unverified: every write is exit 4 with a message that says to verify; reads work.
    for args in [
        vec!["machine", "comment", "web", "hello"],
        vec!["machine", "like", "web"],
        vec!["machine", "rate", "web", "3"],
    ] {
        let r = carol.run(&args).expect_code(4);
        assert!(r.stderr.contains("verify"), "{args:?}: {}", r.stderr);
    }
    assert_eq!(
        carol.json(&["machine", "comments", "web"]),
        serde_json::json!([])
    );

    // Unknown machine: exit 3. Bad input: exit 2 naming the field.
    alice
        .run(&["machine", "comment", "nope", "hi"])
        .expect_code(3);
    alice.run(&["machine", "like", "nope"]).expect_code(3);
    alice.run(&["machine", "comments", "nope"]).expect_code(3);
    let r = alice
        .run(&["machine", "comment", "web", "   \n "])
        .expect_code(2);
    assert!(r.stderr.contains("text"), "{}", r.stderr);
    let r = alice
        .run(&["machine", "comment", "web", "red \u{1b}[31m alert"])
        .expect_code(2);
    assert!(
        r.stderr.contains("text") && r.stderr.contains("control"),
        "{}",
        r.stderr
    );
    let r = alice
        .run(&["machine", "comment", "web", &"x".repeat(2001)])
        .expect_code(2);
    assert!(r.stderr.contains("text"), "{}", r.stderr);
    let r = alice
        .run(&["machine", "rate", "web", "4", "--feedback", "a\u{7}b"])
        .expect_code(2);
    assert!(r.stderr.contains("feedback"), "{}", r.stderr);
    alice.run(&["machine", "rate", "web", "6"]).expect_code(2);
    let (status, body) = common::raw_request(
        &e.d.socket,
        "PUT",
        v1!("/machines/web/rating"),
        Some(&alice.token()),
        Some(br#"{"stars":0}"#),
    )
    .unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("stars"), "{body}");
    alice
        .run(&[
            "machine", "comments", "web", "--before", "1", "--after", "2",
        ])
        .expect_code(2);
    assert_eq!(db_count(&e.d, "SELECT COUNT(*) FROM comments"), 0);

    // 2000 characters (not bytes) is the limit.
    let long = "é".repeat(2000);
    alice.json(&["machine", "comment", "db", &long]);

    // Byte for byte, from stdin, including Unicode, newlines, tabs and quotes.
    let text = "Grüße, \"quoted\" and 'single' 🚀\n\tsecond line <b>&amp;</b> back\\slash";
    let posted = alice
        .run_stdin(
            &["--json", "machine", "comment", "web", "-"],
            &format!("{text}\n"),
        )
        .expect_code(0)
        .json();
    assert_eq!(posted["text"], text);
    for key in ["id", "machine", "author", "created_at"] {
        assert!(!posted[key].is_null(), "{key} in {posted}");
    }
    assert!(posted["edited_at"].is_null());
    assert_eq!(posted["machine"], "web");
    assert_eq!(posted["author"], "Test User");
    let id = posted["id"].as_i64().unwrap().to_string();
    let listed = bob.json(&["machine", "comments", "web"]);
    assert_eq!(listed[0]["text"], text);

    // Edit: the author only; rm: the author or an admin; anyone else exit 3, as if absent.
    bob.run(&["comment", "edit", &id, "mine now"])
        .expect_code(3);
    bob.run(&["comment", "rm", &id]).expect_code(3);
    carol.run(&["comment", "rm", &id]).expect_code(4);
    alice
        .run(&["comment", "edit", "999999", "x"])
        .expect_code(3);
    let edited = alice.json(&["comment", "edit", &id, "edited text"]);
    assert_eq!(edited["text"], "edited text");
    assert!(edited["edited_at"].is_string());
    let table = bob
        .run(&["machine", "comments", "web"])
        .expect_code(0)
        .stdout;
    assert!(
        table.contains("(edited)") && table.contains("edited text"),
        "{table}"
    );
    let bobs = bob.json(&["machine", "comment", "web", "from bob"]);
    e.admin
        .run(&["comment", "rm", &bobs["id"].as_i64().unwrap().to_string()])
        .expect_code(0);

    // Votes: one per user, the last wins; withdraw with unlike.
    alice.json(&["machine", "like", "web"]);
    bob.json(&["machine", "dislike", "web"]);
    let m = alice.json(&["machine", "dislike", "web"]);
    assert_eq!(
        (m["likes"].as_i64(), m["dislikes"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(m["my_vote"], "dislike");
    let m = alice.json(&["machine", "unlike", "web"]);
    assert_eq!(
        (m["likes"].as_i64(), m["dislikes"].as_i64()),
        (Some(0), Some(1))
    );
    assert!(m["my_vote"].is_null());
    alice.json(&["machine", "like", "db"]);

    // Ratings: one per user, changeable, withdrawable; the mean to one decimal.
    alice.json(&["machine", "rate", "web", "5", "--feedback", "great"]);
    alice.json(&["machine", "rate", "web", "4", "--feedback", "good"]);
    let m = bob.json(&["machine", "rate", "web", "3"]);
    assert_eq!(m["rating"], 3.5);
    assert_eq!(m["ratings"], 2);
    assert_eq!(m["my_rating"], 3);
    let all = e.admin.json(&["machine", "feedback", "web"]);
    assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
    let own = alice.json(&["machine", "feedback", "web"]);
    assert_eq!(own.as_array().unwrap().len(), 1, "{own}");
    assert_eq!(own[0]["feedback"], "good");
    assert_eq!(own[0]["stars"], 4);

    // ls and show carry the counts and the caller's own vote and rating.
    let ls = bob.json(&["machine", "ls"]);
    let web = ls
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "web")
        .unwrap();
    assert_eq!(web["likes"], 0);
    assert_eq!(web["dislikes"], 1);
    assert_eq!(web["rating"], 3.5);
    assert_eq!(web["ratings"], 2);
    assert_eq!(web["comments"], 1);
    assert_eq!(web["my_vote"], "dislike");
    assert_eq!(web["my_rating"], 3);
    let names = |sort: &str| -> Vec<String> {
        alice
            .json(&["machine", "ls", "--sort", sort])
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("name"), ["db", "web"]);
    assert_eq!(names("likes"), ["db", "web"]);
    assert_eq!(names("rating"), ["web", "db"]);
    let q = alice
        .run(&["-q", "machine", "ls", "--sort", "rating"])
        .expect_code(0);
    assert_eq!(q.stdout, "web\ndb\n");

    // Notifications: admins may ask for a digest of comments and feedback; users may not.
    let r = alice
        .run(&["profile", "update", "--notify-feedback", "on"])
        .expect_code(4);
    assert!(r.stderr.contains("admin"), "{}", r.stderr);
    let who = e
        .admin
        .json(&["profile", "update", "--notify-feedback", "on"]);
    assert_eq!(who["notify_feedback"], true);
    alice.json(&["machine", "comment", "web", "mail me"]);
    alice.json(&["machine", "rate", "db", "2", "--feedback", "slow start"]);
    poll("feedback mails to the admin", DEADLINE, || {
        let mails = e.sink.mails_to("admin@example.com");
        (mails.iter().any(|m| m.contains("mail me"))
            && mails.iter().any(|m| m.contains("slow start")))
        .then_some(())
    });

    // A disabled user's comments stay visible and their votes counted.
    e.admin
        .json(&["admin", "users", "disable", "alice@example.com"]);
    let m = show(&e.admin, "db");
    assert_eq!(m["likes"], 1);
    let comments = e.admin.json(&["machine", "comments", "web"]);
    assert!(comments
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["text"] == "mail me"));

    // Deleting a user keeps their comments, from "deleted user"; votes and ratings go.
    bob.json(&["machine", "comment", "web", "bye"]);
    bob.run_stdin(
        &["profile", "delete", "--yes", "--password-stdin"],
        "user-password-1\n",
    )
    .expect_code(0);
    let comments = e.admin.json(&["machine", "comments", "web"]);
    let bye = comments
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"] == "bye")
        .unwrap();
    assert_eq!(bye["author"], "deleted user");
    let m = show(&e.admin, "web");
    assert_eq!(
        (m["dislikes"].as_i64(), m["ratings"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(m["rating"], 4.0);
    for name in ["web", "db"] {
        let (kept, recount) = counters_and_recount(&e, name);
        assert_eq!(kept, recount, "{name}");
    }

    // Removing a machine removes its comments, votes and ratings.
    let of_db = "SELECT (SELECT COUNT(*) FROM votes WHERE machine_id = m.id)
                      + (SELECT COUNT(*) FROM ratings WHERE machine_id = m.id)
                      + (SELECT COUNT(*) FROM comments WHERE machine_id = m.id)
                 FROM machines m WHERE m.name = 'db'";
    assert!(db_count(&e.d, of_db) >= 3);
    e.admin.run(&["machine", "rm", "db"]).expect_code(0);
    let orphans = db_count(
        &e.d,
        "SELECT (SELECT COUNT(*) FROM votes WHERE machine_id NOT IN (SELECT id FROM machines))
              + (SELECT COUNT(*) FROM ratings WHERE machine_id NOT IN (SELECT id FROM machines))
              + (SELECT COUNT(*) FROM comments WHERE machine_id NOT IN (SELECT id FROM machines))
              + (SELECT COUNT(*) FROM machine_feed
                 WHERE machine_id NOT IN (SELECT id FROM machines))",
    );
    assert_eq!(orphans, 0);
}

/// Escape sequences in a stored text (one written before these rules, or by hand) are shown
/// escaped in tables and kept byte for byte in JSON.
#[test]
fn tables_show_escapes_escaped() {
    let e = env_in_process(Options::default());
    machine(&e, "web");
    let alice = e.user("alice@example.com");
    alice.json(&["machine", "comment", "web", "placeholder"]);
    let raw = "\u{1b}]0;pwned\u{7}\u{1b}[2J\rline\u{202e}";
    e.d.db()
        .execute("UPDATE comments SET text = ?1", [raw])
        .unwrap();
    let table = alice
        .run(&["machine", "comments", "web"])
        .expect_code(0)
        .stdout;
    assert!(
        !table.contains('\u{1b}') && !table.contains('\r'),
        "{table:?}"
    );
    assert!(
        table.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{d}line\\u{202e}"),
        "{table}"
    );
    let json = alice.json(&["machine", "comments", "web"]);
    assert_eq!(json[0]["text"], raw);
}

#[test]
fn paging_neither_repeats_nor_skips() {
    let e = env_in_process(Options::default());
    machine(&e, "web");
    let alice = e.user("alice@example.com");
    let post = |t: &str| {
        alice.json(&["machine", "comment", "web", t])["id"]
            .as_i64()
            .unwrap()
    };
    let ids: Vec<i64> = (0..7).map(|i| post(&format!("c{i}"))).collect();
    let page_of = |limit: &str, args: &[&str]| -> Vec<i64> {
        let mut all = vec!["machine", "comments", "web", "--limit", limit];
        all.extend_from_slice(args);
        alice
            .json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let page = |args: &[&str]| page_of("3", args);
    let first = page(&[]);
    assert_eq!(first, ids[..3]);
    // Between pages: one on the next page is removed, one already shown is removed, two arrive.
    alice
        .run(&["comment", "rm", &ids[4].to_string()])
        .expect_code(0);
    alice
        .run(&["comment", "rm", &ids[0].to_string()])
        .expect_code(0);
    let new1 = post("n1");
    let last = first[2].to_string();
    let second = page(&["--after", &last]);
    assert_eq!(second, [ids[3], ids[5], ids[6]]);
    let new2 = post("n2");
    let third = page(&["--after", &second[2].to_string()]);
    assert_eq!(third, [new1, new2]);
    assert!(page(&["--after", &new2.to_string()]).is_empty());
    // Backwards from the newest: the comments just before, still oldest first.
    assert_eq!(
        page(&["--before", &new1.to_string()]),
        [ids[3], ids[5], ids[6]]
    );
    // The order is the same every time.
    let all = page_of("500", &[]);
    assert_eq!(all, [ids[1], ids[2], ids[3], ids[5], ids[6], new1, new2]);
    assert_eq!(page_of("500", &[]), all);
    alice
        .run(&["machine", "comments", "web", "--limit", "0"])
        .expect_code(2);
    alice
        .run(&["machine", "comments", "web", "--limit", "501"])
        .expect_code(2);
}

/// 20 users voting, changing and withdrawing at once: the counters equal a recount, and each
/// user's last vote is the one that counts.
#[test]
fn concurrent_votes_give_exact_counts() {
    let e = env_in_process(Options::default());
    machine(&e, "web");
    let template = e.user("template@example.com");
    drop(template);
    // Users made in the registry, sharing the template's password hash: signing up 20 users
    // through the CLI would hit the per-uid signup throttle.
    let conn = e.d.db();
    for i in 0..20 {
        conn.execute(
            "INSERT INTO users (email, name, password_hash, role, verified, created_at, updated_at)
             SELECT ?1, ?2, password_hash, 'user', 1, 0, 0 FROM users
             WHERE email = 'template@example.com'",
            [format!("u{i}@example.com"), format!("User {i}")],
        )
        .unwrap();
    }
    drop(conn);
    let users: Vec<Client> = (0..20)
        .map(|i| {
            let c = e.d.client(&format!("u{i}@example.com"));
            c.login("user-password-1").expect("login");
            c
        })
        .collect();
    let plans: Vec<Vec<&str>> = (0..20)
        .map(|i| match i % 4 {
            0 => vec!["like", "dislike", "like"],
            1 => vec!["dislike", "like", "unlike"],
            2 => vec!["like", "unlike", "dislike"],
            _ => vec!["dislike", "dislike", "like", "unlike", "like"],
        })
        .collect();
    std::thread::scope(|s| {
        for (i, (c, plan)) in users.iter().zip(&plans).enumerate() {
            s.spawn(move || {
                for op in plan {
                    c.run(&["-q", "machine", op, "web"]).expect_code(0);
                }
                let stars = (i % 5 + 1).to_string();
                c.run(&["-q", "machine", "rate", "web", &stars])
                    .expect_code(0);
                if i % 3 == 0 {
                    c.run(&["-q", "machine", "unrate", "web"]).expect_code(0);
                }
                c.run(&["-q", "machine", "comment", "web", &format!("from {i}")])
                    .expect_code(0);
            });
        }
    });
    let want_likes = plans.iter().filter(|p| p.last() == Some(&"like")).count() as i64;
    let want_dislikes = plans
        .iter()
        .filter(|p| p.last() == Some(&"dislike"))
        .count() as i64;
    let rated: Vec<i64> = (0..20).filter(|i| i % 3 != 0).map(|i| i % 5 + 1).collect();
    let (kept, recount) = counters_and_recount(&e, "web");
    assert_eq!(kept, recount);
    assert_eq!(
        kept,
        [
            want_likes,
            want_dislikes,
            rated.len() as i64,
            rated.iter().sum::<i64>(),
            20
        ]
    );
    let m = show(&e.admin, "web");
    assert_eq!(m["likes"], want_likes);
    assert_eq!(m["dislikes"], want_dislikes);
    assert_eq!(m["comments"], 20);
    let mean = rated.iter().sum::<i64>() as f64 / rated.len() as f64;
    assert_eq!(m["rating"].as_f64(), Some((mean * 10.0).round() / 10.0));
}

/// Issue 19 item 3: comments, and votes and ratings together, are limited per user.
#[test]
fn comments_votes_and_ratings_are_rate_limited_per_user() {
    let e = env_in_process(Options {
        limits_toml: "comments_per_hour = 3\nvotes_per_hour = 4\n".into(),
        ..Options::default()
    });
    machine(&e, "web");
    let alice = e.user("alice@example.com");
    for n in 0..3 {
        alice
            .run(&["machine", "comment", "web", &format!("c{n}")])
            .expect_code(0);
    }
    let run = alice.run(&["machine", "comment", "web", "one more"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("too many comments"), "{run:?}");
    for args in [
        ["machine", "like", "web", ""],
        ["machine", "rate", "web", "3"],
        ["machine", "dislike", "web", ""],
        ["machine", "rate", "web", "4"],
    ] {
        let args: Vec<&str> = args.into_iter().filter(|a| !a.is_empty()).collect();
        alice.run(&args).expect_code(0);
    }
    let run = alice.run(&["machine", "like", "web"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("too many votes"), "{run:?}");
    // Another user has limits of their own.
    let bob = e.user("bob@example.com");
    bob.run(&["machine", "comment", "web", "hi"]).expect_code(0);
    bob.run(&["machine", "like", "web"]).expect_code(0);
}

/// Issue 19 item 3: admins who asked for feedback mail get one digest, not a mail per comment.
#[test]
fn admins_get_one_feedback_digest_not_a_mail_per_comment() {
    let e = env_in_process(Options::default());
    machine(&e, "web");
    e.admin
        .run(&["profile", "update", "--notify-feedback", "on"])
        .expect_code(0);
    let alice = e.user("alice@example.com");
    for n in 0..5 {
        alice
            .run(&["machine", "comment", "web", &format!("comment number {n}")])
            .expect_code(0);
    }
    alice
        .run(&["machine", "rate", "web", "2", "--feedback", "slow"])
        .expect_code(0);
    let rows: i64 =
        e.d.db()
            .query_row(
                "SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'admin@example.com'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(rows, 1, "one digest for six pieces of feedback");
}
