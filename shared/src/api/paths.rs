//! Path builders for the routes in the table of [`super`]: the one place that spells `/v1/...`.
//!
//! Segments that come from a user (a name, an id or prefix, an email) are percent-encoded with
//! [`encode_segment`], so `/`, `?` or `%` in them never change the route. Query parameters are
//! added with [`flag`] and [`param`]; a flag that is off is left out, which the daemon reads as
//! false.

use std::fmt::Display;

use percent_encoding::utf8_percent_encode;

use super::{encode_segment, UserAction, API_VERSION, SEGMENT};

fn v1(rest: &str) -> String {
    format!("/{API_VERSION}/{rest}")
}

/// Appends `?name=true` (or `&name=true`) when `on`.
pub fn flag(path: String, name: &str, on: bool) -> String {
    if on {
        param(path, name, "true")
    } else {
        path
    }
}

/// Appends `?name=value` (or `&name=value`), the value percent-encoded.
pub fn param(mut path: String, name: &str, value: impl Display) -> String {
    path.push(if path.contains('?') { '&' } else { '?' });
    path.push_str(name);
    path.push('=');
    path.push_str(&utf8_percent_encode(&value.to_string(), SEGMENT).to_string());
    path
}

pub fn version() -> String {
    v1("version")
}

pub fn status() -> String {
    v1("status")
}

pub fn signup() -> String {
    v1("signup")
}

pub fn login() -> String {
    v1("login")
}

pub fn login_code() -> String {
    v1("login/code")
}

pub fn logout() -> String {
    v1("logout")
}

pub fn whoami() -> String {
    v1("whoami")
}

pub fn profile() -> String {
    v1("profile")
}

pub fn password() -> String {
    v1("password")
}

pub fn otp_send() -> String {
    v1("otp/send")
}

pub fn otp_verify() -> String {
    v1("otp/verify")
}

pub fn phone_verify() -> String {
    v1("phone/verify")
}

pub fn admin_users() -> String {
    v1("admin/users")
}

/// `/v1/admin/users/{email}/{action}`.
pub fn admin_user_action(email: &str, action: UserAction) -> String {
    format!(
        "{}/{}/{}",
        admin_users(),
        encode_segment(email),
        action.as_str()
    )
}

pub fn admin_orphans() -> String {
    v1("admin/orphans")
}

/// `/v1/machines`: the list, and where new machines are posted.
pub fn machines() -> String {
    v1("machines")
}

/// `POST /v1/machines`, as a dry run (checks only) when `dry_run`.
pub fn machine_create(dry_run: bool) -> String {
    flag(machines(), "dry_run", dry_run)
}

/// `/v1/machines/{name}`: show, update (PATCH) and apply (PUT).
pub fn machine(name: &str) -> String {
    format!("{}/{}", machines(), encode_segment(name))
}

/// `PUT /v1/machines/{name}`, as a dry run when `dry_run`.
pub fn machine_apply(name: &str, dry_run: bool) -> String {
    flag(machine(name), "dry_run", dry_run)
}

/// `DELETE /v1/machines/{name}`, also while instances exist when `force`.
pub fn machine_remove(name: &str, force: bool) -> String {
    flag(machine(name), "force", force)
}

/// `GET /v1/machines?sort=...`; by name when `sort` is the default.
pub fn machines_sorted(sort: super::MachineSort) -> String {
    if sort == super::MachineSort::Name {
        machines()
    } else {
        param(machines(), "sort", sort.as_str())
    }
}

/// `/v1/machines/{name}/comments`: post one, or list them.
pub fn machine_comments(name: &str) -> String {
    format!("{}/comments", machine(name))
}

/// `GET /v1/machines/{name}/comments?limit=N&before=ID&after=ID`.
pub fn machine_comments_page(
    name: &str,
    limit: Option<u32>,
    before: Option<i64>,
    after: Option<i64>,
) -> String {
    let mut path = machine_comments(name);
    if let Some(n) = limit {
        path = param(path, "limit", n);
    }
    if let Some(id) = before {
        path = param(path, "before", id);
    }
    if let Some(id) = after {
        path = param(path, "after", id);
    }
    path
}

/// `/v1/comments/{id}`: edit (PATCH) or remove.
pub fn comment(id: i64) -> String {
    format!("{}/{id}", v1("comments"))
}

/// `/v1/machines/{name}/vote`: like or dislike (PUT), withdraw (DELETE).
pub fn machine_vote(name: &str) -> String {
    format!("{}/vote", machine(name))
}

/// `/v1/machines/{name}/rating`: rate (PUT), withdraw (DELETE).
pub fn machine_rating(name: &str) -> String {
    format!("{}/rating", machine(name))
}

/// `GET /v1/machines/{name}/feedback`.
pub fn machine_feedback(name: &str) -> String {
    format!("{}/feedback", machine(name))
}

pub fn images_pull() -> String {
    v1("images/pull")
}

/// `GET /v1/instances`: everyone's when `all` (admins only).
pub fn instances(all: bool) -> String {
    flag(v1("instances"), "all", all)
}

/// `/v1/instances/{ref}`: an id, a unique prefix of one, or a name.
pub fn instance(reference: &str) -> String {
    format!("{}/{}", v1("instances"), encode_segment(reference))
}

/// `POST /v1/instances/{ref}/{action}`: `start`, `stop` or `restart`.
pub fn instance_action(reference: &str, action: &str) -> String {
    format!("{}/{}", instance(reference), encode_segment(action))
}

/// `POST /v1/instances/{ref}/wait?timeout=SECS`.
pub fn instance_wait(reference: &str, timeout_secs: u64) -> String {
    param(instance_action(reference, "wait"), "timeout", timeout_secs)
}

/// `POST /v1/instances/{ref}/recreate`: the container made again from the machine's current
/// definition.
pub fn instance_recreate(reference: &str) -> String {
    instance_action(reference, "recreate")
}

/// `GET /v1/instances/{ref}/logs?follow=true&tail=N&since=UNIX&until=UNIX`; `None` leaves a
/// parameter out (the whole log, from the start, to the end). Times are Unix nanoseconds.
pub fn instance_logs(
    reference: &str,
    follow: bool,
    tail: Option<u64>,
    since: Option<i128>,
    until: Option<i128>,
) -> String {
    let mut path = flag(format!("{}/logs", instance(reference)), "follow", follow);
    if let Some(tail) = tail {
        path = param(path, "tail", tail);
    }
    for (name, time) in [("since", since), ("until", until)] {
        if let Some(time) = time {
            path = param(path, name, super::logs::format_unix(time));
        }
    }
    path
}

/// `DELETE /v1/instances/{ref}`, with its volumes when `volumes`; when `force` (admins), also
/// while the engine is away or refuses.
pub fn instance_remove(reference: &str, volumes: bool, force: bool) -> String {
    flag(
        flag(instance(reference), "volumes", volumes),
        "force",
        force,
    )
}

/// `GET /v1/volumes`: everyone's when `all` (admins only).
pub fn volumes(all: bool) -> String {
    flag(v1("volumes"), "all", all)
}

/// `DELETE /v1/volumes/{name}`.
pub fn volume(name: &str) -> String {
    format!("{}/{}", v1("volumes"), encode_segment(name))
}

pub fn instance_uptime(reference: &str) -> String {
    format!("{}/uptime", instance(reference))
}

pub fn events() -> String {
    v1("events")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_paths() {
        assert_eq!(version(), "/v1/version");
        assert_eq!(otp_send(), "/v1/otp/send");
        assert_eq!(otp_verify(), "/v1/otp/verify");
        assert_eq!(admin_orphans(), "/v1/admin/orphans");
        assert_eq!(images_pull(), "/v1/images/pull");
        assert_eq!(machines(), "/v1/machines");
    }

    #[test]
    fn emails_are_one_segment() {
        assert_eq!(
            admin_user_action("a+b@example.com", UserAction::Promote),
            "/v1/admin/users/a%2Bb%40example.com/promote"
        );
        assert_eq!(
            admin_user_action("x/../y@example.com", UserAction::Disable),
            "/v1/admin/users/x%2F..%2Fy%40example.com/disable"
        );
    }

    #[test]
    fn odd_names_cannot_escape_their_segment() {
        assert_eq!(instance("my db"), "/v1/instances/my%20db");
        assert_eq!(instance("../x"), "/v1/instances/..%2Fx");
        assert_eq!(instance("a?all=true"), "/v1/instances/a%3Fall%3Dtrue");
        assert_eq!(machine("100%"), "/v1/machines/100%25");
        assert_eq!(volume("v#1"), "/v1/volumes/v%231");
        assert_eq!(instance_action("ü", "stop"), "/v1/instances/%C3%BC/stop");
    }

    #[test]
    fn query_flags_and_parameters() {
        assert_eq!(instances(false), "/v1/instances");
        assert_eq!(instances(true), "/v1/instances?all=true");
        assert_eq!(volumes(true), "/v1/volumes?all=true");
        assert_eq!(machine_create(true), "/v1/machines?dry_run=true");
        assert_eq!(machine_create(false), "/v1/machines");
        assert_eq!(
            machine_apply("redis", true),
            "/v1/machines/redis?dry_run=true"
        );
        assert_eq!(
            machine_remove("redis", true),
            "/v1/machines/redis?force=true"
        );
        assert_eq!(machine_remove("redis", false), "/v1/machines/redis");
        assert_eq!(
            machine_comments_page("a b", Some(5), None, Some(7)),
            "/v1/machines/a%20b/comments?limit=5&after=7"
        );
        assert_eq!(comment(12), "/v1/comments/12");
        assert_eq!(
            machines_sorted(crate::api::MachineSort::Rating),
            "/v1/machines?sort=rating"
        );
        assert_eq!(
            instance_remove("abc", true, false),
            "/v1/instances/abc?volumes=true"
        );
        assert_eq!(
            instance_remove("abc", true, true),
            "/v1/instances/abc?volumes=true&force=true"
        );
        assert_eq!(
            instance_wait("abc123", 5),
            "/v1/instances/abc123/wait?timeout=5"
        );
        assert_eq!(
            instance_logs("web", false, Some(20), None, None),
            "/v1/instances/web/logs?tail=20"
        );
        assert_eq!(
            instance_logs("web", true, None, Some(1_500_000_000), None),
            "/v1/instances/web/logs?follow=true&since=1.500000000"
        );
        assert_eq!(
            flag(param(machines(), "a", "x y"), "b", true),
            "/v1/machines?a=x%20y&b=true"
        );
    }
}
