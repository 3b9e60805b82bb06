//! How each API type shows as a table row (`ls`) and as `key: value` lines (`show`).

use rsrc_shared::api::{Event, Instance, Machine, Orphan, Role, User, Volume};
use serde::Serialize;

use super::color::{event_tone, state_tone, Tone};
use super::human::{self, ago};
use super::{
    argv_text, join, machine_port, opt, port_mapping, prop_text, rating_text, short_id, size_text,
    yes_no, Detail, Row,
};

impl Row for User {
    fn header() -> &'static [&'static str] {
        &["EMAIL", "NAME", "ROLE", "VERIFIED", "DISABLED", "CREATED"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.email.clone(),
            self.name.clone(),
            self.role.as_str().into(),
            yes_no(self.verified),
            yes_no(self.disabled),
            ago(&self.created_at, human::now()),
        ]
    }
    fn id(&self) -> String {
        self.email.clone()
    }
    fn sort_key(&self) -> String {
        self.email.to_lowercase()
    }
}

impl Detail for User {
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("email", self.email.clone()),
            ("name", self.name.clone()),
            ("role", self.role.as_str().into()),
            ("verified", yes_no(self.verified)),
            ("disabled", yes_no(self.disabled)),
            (
                "notify email",
                if self.notify_email { "on" } else { "off" }.into(),
            ),
            (
                "phone",
                match (&self.phone, self.phone_verified) {
                    (None, _) => "-".into(),
                    (Some(p), true) => p.clone(),
                    (Some(p), false) => format!("{p} (not verified)"),
                },
            ),
            (
                "notify sms",
                if self.notify_sms { "on" } else { "off" }.into(),
            ),
            (
                "notify feedback",
                if self.notify_feedback { "on" } else { "off" }.into(),
            ),
            ("id", self.id.to_string()),
            ("created", self.created_at.clone()),
            ("updated", self.updated_at.clone()),
        ]
    }
    fn id(&self) -> String {
        self.email.clone()
    }
}

impl Row for Machine {
    fn header() -> &'static [&'static str] {
        &[
            "NAME",
            "IMAGE",
            "PORTS",
            "ACTIVE",
            "INSTANCES",
            "LIKES",
            "DISLIKES",
            "RATING",
            "RATINGS",
            "COMMENTS",
            "DESCRIPTION",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.image.clone(),
            join(&self.ports, machine_port, ","),
            yes_no(self.active),
            self.instances.to_string(),
            self.likes.to_string(),
            self.dislikes.to_string(),
            rating_text(self.rating),
            self.ratings.to_string(),
            self.comments.to_string(),
            self.description.lines().next().unwrap_or("").to_string(),
        ]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Detail for Machine {
    fn fields(&self) -> Vec<(&'static str, String)> {
        let limits = {
            let mut parts = Vec::new();
            if let Some(m) = &self.limits.memory {
                parts.push(format!("memory={m}"));
            }
            if let Some(c) = self.limits.cpus {
                parts.push(format!("cpus={c}"));
            }
            if let Some(p) = self.limits.pids {
                parts.push(format!("pids={p}"));
            }
            parts.join(" ")
        };
        // Shown only where set, so that machines without them read as before.
        let stop = [
            ("stop signal", self.stop_signal.clone()),
            ("stop timeout", self.stop_timeout.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)));
        let mut fields = vec![
            ("name", self.name.clone()),
            ("description", self.description.clone()),
            ("image", self.image.clone()),
            ("ports", join(&self.ports, machine_port, ", ")),
            ("props", join(&self.props, prop_text, "\n")),
            (
                "command",
                self.command.as_deref().map(argv_text).unwrap_or_default(),
            ),
            ("volumes", self.volumes.join("\n")),
            ("limits", limits),
            ("shm size", self.shm_size.clone().unwrap_or_default()),
            ("user", self.user.clone().unwrap_or_default()),
            (
                "entrypoint",
                match self.entrypoint.as_deref() {
                    Some([]) => "(none: the image's is cleared)".into(),
                    Some(argv) => argv_text(argv),
                    None => String::new(),
                },
            ),
            (
                "ulimits",
                self.ulimits
                    .iter()
                    .map(|(name, u)| match u.soft == u.hard {
                        true => format!("{name}={}", u.soft),
                        false => format!("{name}={}:{}", u.soft, u.hard),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            (
                "tmpfs",
                self.tmpfs
                    .iter()
                    .map(|(path, o)| match o.is_empty() {
                        true => path.clone(),
                        false => format!("{path}:{o}"),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ("max per user", self.max_per_user.to_string()),
            ("restart", self.restart.as_str().into()),
            ("connect", self.connect.clone().unwrap_or_default()),
            ("active", yes_no(self.active)),
            ("exec", yes_no(self.exec)),
            ("instances", self.instances.to_string()),
            (
                "outdated",
                format!("{} (revision {})", self.instances_outdated, self.revision),
            ),
            ("likes", self.likes.to_string()),
            ("dislikes", self.dislikes.to_string()),
            ("rating", rating_text(self.rating)),
            ("ratings", self.ratings.to_string()),
            ("comments", self.comments.to_string()),
            (
                "your vote",
                self.my_vote
                    .map(|v| v.as_str().to_string())
                    .unwrap_or_default(),
            ),
            ("your rating", opt(&self.my_rating)),
            ("created", self.created_at.clone()),
            ("updated", self.updated_at.clone()),
        ];
        let at = fields
            .iter()
            .position(|(k, _)| *k == "restart")
            .map_or(0, |i| i + 1);
        fields.splice(at..at, stop);
        fields
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

/// `127.0.0.1:20001->6379/tcp`, as `docker ps` shows a published port.
pub fn published_port(host: &str, p: &rsrc_shared::api::PortMapping) -> String {
    format!("{host}:{}", port_mapping(p))
}

/// The status, marked when it is only the last one rsrcd saw (Docker is unreachable).
fn status(i: &Instance) -> String {
    if i.last_known {
        format!("{} (last known; Docker unreachable)", i.status)
    } else {
        i.status.to_string()
    }
}

/// A percentage of uptime, `-` when no time is known.
fn availability(p: Option<f64>) -> String {
    p.map_or_else(|| "-".into(), |p| format!("{p:.2}%"))
}

impl Row for Instance {
    fn header() -> &'static [&'static str] {
        &[
            "ID", "NAME", "MACHINE", "OWNER", "STATUS", "PORTS", "CREATED", "UP 7D",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.machine.clone(),
            self.owner.clone(),
            human::status(self, human::now()),
            join(&self.ports, |p| published_port(&self.host, p), ", "),
            ago(&self.created_at, human::now()),
            availability(self.availability_7d),
        ]
    }
    fn extra_header() -> &'static [&'static str] {
        &["STATE", "HOST", "URL", "VOLUMES", "EXIT CODE", "UPDATED"]
    }
    fn extra_cells(&self) -> Vec<String> {
        vec![
            self.status.to_string(),
            self.host.clone(),
            opt(&self.url),
            join(&self.volumes, |v| v.name.clone(), ","),
            opt(&self.exit_code),
            ago(&self.updated_at, human::now()),
        ]
    }
    fn state(&self) -> Option<(&'static str, Option<Tone>)> {
        Some(("STATUS", state_tone(self.status)))
    }
    fn id(&self) -> String {
        self.id.clone()
    }
    fn sort_key(&self) -> String {
        format!("{}\0{}\0{}", self.owner, self.name, self.id)
    }
}

impl Detail for Instance {
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("id", self.id.clone()),
            ("name", self.name.clone()),
            ("machine", self.machine.clone()),
            ("owner", self.owner.clone()),
            ("status", status(self)),
            ("host", self.host.clone()),
            ("ports", join(&self.ports, port_mapping, "\n")),
            ("url", self.url.clone().unwrap_or_default()),
            (
                "volumes",
                join(&self.volumes, |v| format!("{} -> {}", v.name, v.path), "\n"),
            ),
            (
                "env",
                self.env
                    .iter()
                    // One line a variable: a newline in a value is shown as `\n`.
                    .map(|(k, v)| format!("{k}={}", super::escape(v)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ("container", self.container.clone().unwrap_or_default()),
            ("exit code", opt(&self.exit_code)),
            ("up 7d", availability(self.availability_7d)),
            ("created", self.created_at.clone()),
            ("updated", self.updated_at.clone()),
        ]
    }
    fn id(&self) -> String {
        self.id.clone()
    }
}

impl Row for Volume {
    fn header() -> &'static [&'static str] {
        &[
            "NAME", "INSTANCE", "OWNER", "PATH", "IN USE", "SIZE", "CREATED",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.instance.clone(),
            self.owner.clone(),
            self.path.clone(),
            yes_no(self.in_use),
            size_text(self.size),
            ago(&self.created_at, human::now()),
        ]
    }
    fn id(&self) -> String {
        self.name.clone()
    }
}

impl Row for Orphan {
    fn header() -> &'static [&'static str] {
        &["CONTAINER", "NAME", "INSTANCE", "OWNER", "STATE"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            short_id(&self.container_id),
            self.container_name.clone(),
            opt(&self.instance_label),
            opt(&self.owner_label),
            self.state.clone(),
        ]
    }
    fn id(&self) -> String {
        self.container_id.clone()
    }
    fn sort_key(&self) -> String {
        self.container_name.clone()
    }
}

/// An event of `rsrc events`; its time reads "3 minutes ago" (the JSON keeps RFC 3339).
impl Row for Event {
    fn header() -> &'static [&'static str] {
        &["TIME", "INSTANCE", "NAME", "OWNER", "KIND", "CAUSE", "EXIT"]
    }
    fn cells(&self) -> Vec<String> {
        let name = if self.name.is_empty() {
            "-"
        } else {
            &self.name
        };
        vec![
            ago(&self.at, human::now()),
            self.instance.clone(),
            name.to_string(),
            self.owner.clone(),
            self.kind.to_string(),
            self.cause.to_string(),
            self.exit_code.map(|c| c.to_string()).unwrap_or_default(),
        ]
    }
    fn extra_header() -> &'static [&'static str] {
        &["ID", "AT", "UP", "DETAIL"]
    }
    fn extra_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.at.clone(),
            yes_no(self.up),
            self.detail.clone().unwrap_or_default(),
        ]
    }
    fn state(&self) -> Option<(&'static str, Option<Tone>)> {
        Some(("KIND", event_tone(self.kind)))
    }
    fn id(&self) -> String {
        self.id.to_string()
    }
    /// The order they happened in.
    fn sort_key(&self) -> String {
        format!("{:020}", self.id)
    }
}

/// An event as `events -f` prints it the moment it happens. Its TIME is when it happened, to
/// the second: "less than a second ago" on every line of a stream would say nothing.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Followed<'a>(pub &'a Event);

impl Row for Followed<'_> {
    fn header() -> &'static [&'static str] {
        Event::header()
    }
    fn cells(&self) -> Vec<String> {
        let mut cells = self.0.cells();
        if let Some(time) = cells.first_mut() {
            *time = human::to_the_second(&self.0.at);
        }
        cells
    }
    fn extra_header() -> &'static [&'static str] {
        Event::extra_header()
    }
    fn extra_cells(&self) -> Vec<String> {
        self.0.extra_cells()
    }
    fn state(&self) -> Option<(&'static str, Option<Tone>)> {
        self.0.state()
    }
    fn id(&self) -> String {
        self.0.id()
    }
}

/// `admin` shows in the role column; used by `whoami` too.
pub fn role_text(role: Role) -> &'static str {
    role.as_str()
}
