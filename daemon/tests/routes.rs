//! The route table from outside: access levels (who gets 401 or 403, with the same messages as
//! before), path parameters and typed queries, and which path decides the allowed methods.

mod common;

use std::path::Path;

use rsrc_shared::v1;

use common::{raw_request, Options, TestDaemon};

#[track_caller]
fn assert_still_serving(d: &TestDaemon) {
    let (status, body) = raw_request(&d.socket, "GET", v1!("/version"), None, None)
        .expect("version after bad input");
    assert_eq!(status, 200, "{body}");
}

/// (status, code, message) of one request with a token.
#[track_caller]
fn answer(socket: &Path, method: &str, path: &str, token: &str) -> (u16, String, String) {
    let (status, text) = raw_request(socket, method, path, Some(token), None).expect(path);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let field = |k: &str| v["error"][k].as_str().unwrap_or_default().to_string();
    (status, field("code"), field("message"))
}

#[test]
fn access_levels_come_from_the_route_table() {
    let d = TestDaemon::in_process(Options::default());
    let s = d.socket.as_path();
    let admin = d.admin("admin@example.com").token();
    let user = d.client("user@example.com");
    user.signup("user-password-1").expect("signup");
    user.login("user-password-1").expect("login");
    let user = user.token();

    // Public routes need no token; every other one does, with the same message.
    for path in [v1!(), v1!("/version")] {
        let (status, body) = raw_request(s, "GET", path, None, None).expect(path);
        assert_eq!(status, 200, "{path}: {body}");
    }
    for (method, path) in [
        ("GET", v1!("/whoami")),
        ("POST", v1!("/logout")),
        ("GET", v1!("/machines")),
        ("GET", v1!("/instances")),
        ("POST", v1!("/instances")),
        ("DELETE", v1!("/instances/web")),
        ("POST", v1!("/instances/web/stop")),
        ("GET", v1!("/admin/users")),
        ("POST", v1!("/images/pull")),
    ] {
        let (status, text) = raw_request(s, method, path, None, None).expect(path);
        assert_eq!(status, 401, "{method} {path}: {text}");
        assert!(text.contains("not logged in"), "{method} {path}: {text}");
    }
    // An action that does not exist is no route: 404 before any login is asked for.
    let (status, text) =
        raw_request(s, "POST", v1!("/instances/web/bogus"), None, None).expect("bogus");
    assert_eq!(status, 404, "{text}");
    assert!(text.contains("unknown_endpoint"), "{text}");
    let (status, code, _) = answer(s, "GET", v1!("/whoami"), "not-a-session");
    assert_eq!((status, code.as_str()), (401, "unauthenticated"));

    // Admin routes refuse a user before looking at the request.
    for (method, path) in [
        ("GET", v1!("/admin/users")),
        ("GET", v1!("/admin/orphans")),
        ("POST", v1!("/admin/users/admin%40example.com/demote")),
        ("POST", v1!("/machines")),
        ("PUT", v1!("/machines/web")),
        ("DELETE", v1!("/machines/web?force=maybe")),
        ("POST", v1!("/images/pull")),
        ("GET", v1!("/instances?all=true")),
        ("GET", v1!("/volumes?all")),
    ] {
        let (status, code, message) = answer(s, method, path, &user);
        assert_eq!(
            (status, code.as_str(), message.as_str()),
            (403, "forbidden", "this needs an admin"),
            "{method} {path}"
        );
    }
    // Creating an instance needs a verified email.
    let (status, code, message) = answer(s, "POST", v1!("/instances"), &user);
    assert_eq!((status, code.as_str()), (403, "forbidden"), "{message}");
    assert!(message.starts_with("verify your email first"), "{message}");

    // A user's own lists work; `?all=false` is not the admin variant.
    for path in [
        v1!("/instances"),
        v1!("/instances?all=false"),
        v1!("/volumes?all=0"),
    ] {
        let (status, body) = raw_request(s, "GET", path, Some(&user), None).expect(path);
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, body) =
        raw_request(s, "GET", v1!("/admin/users"), Some(&admin), None).expect("users");
    assert_eq!(status, 200, "{body}");
    assert_still_serving(&d);
}

#[test]
fn parameters_and_queries_are_decoded_and_checked() {
    let d = TestDaemon::in_process(Options::default());
    let s = d.socket.as_path();
    let admin = d.admin("admin@example.com").token();

    // An encoded `/` stays inside the email: the route matches, the user does not exist.
    let (status, code, message) =
        answer(s, "POST", v1!("/admin/users/a%2Fb%40c.de/promote"), &admin);
    assert_eq!((status, code.as_str()), (404, "not_found"), "{message}");
    assert!(message.contains("a/b@c.de"), "{message}");
    // An unknown action is an unknown endpoint, and so is one on an instance.
    let (status, code, _) = answer(s, "POST", v1!("/admin/users/a%40c.de/crown"), &admin);
    assert_eq!((status, code.as_str()), (404, "unknown_endpoint"));
    let (status, code, _) = answer(s, "POST", v1!("/instances/web/dance"), &admin);
    assert_eq!((status, code.as_str()), (404, "unknown_endpoint"));
    // The most specific path decides the allowed methods.
    let (status, code, _) = answer(s, "POST", v1!("/instances/web/logs"), &admin);
    assert_eq!((status, code.as_str()), (405, "method_not_allowed"));
    let (status, code, _) = answer(s, "GET", v1!("/instances/web/stop"), &admin);
    assert_eq!((status, code.as_str()), (405, "method_not_allowed"));

    // Flags: the documented spellings, unknown keys ignored, anything else names the key.
    for query in [
        "all",
        "all=",
        "all=true",
        "all=1",
        "all=false",
        "all=0",
        "other=x",
        "all&x=%41",
    ] {
        let path = format!("{}?{query}", v1!("/volumes"));
        let (status, body) = raw_request(s, "GET", &path, Some(&admin), None).expect(&path);
        assert_eq!(status, 200, "{path}: {body}");
    }
    for (path, key) in [
        (v1!("/volumes?all=yes"), "all"),
        (v1!("/instances?all=2"), "all"),
        (v1!("/machines/web?force=nope"), "force"),
        (v1!("/instances/web?volumes=on"), "volumes"),
    ] {
        let method = if path.contains("all=") {
            "GET"
        } else {
            "DELETE"
        };
        let (status, code, message) = answer(s, method, path, &admin);
        assert_eq!((status, code.as_str()), (400, "invalid_request"), "{path}");
        assert!(
            message.starts_with(&format!("query parameter `{key}` must be true or false")),
            "{path}: {message}"
        );
    }
    for (method, path, message) in [
        (
            "GET",
            v1!("/instances/web/logs?tail=x"),
            "tail must be a whole number or `all`",
        ),
        (
            "POST",
            v1!("/instances/web/wait?timeout=5s"),
            "timeout must be a whole number of seconds",
        ),
        (
            "GET",
            v1!("/volumes?all=%zz"),
            "bad query parameter `all=%zz`",
        ),
    ] {
        let got = answer(s, method, path, &admin);
        assert_eq!(
            (got.0, got.1.as_str(), got.2.as_str()),
            (400, "invalid_request", message),
            "{method} {path}"
        );
    }
    assert_still_serving(&d);
}
