//! The one renderer of `rsrc`: every command prints its data through [`Output`].
//!
//! - `table` (default): aligned columns with a header for lists, sorted; `key: value` lines for
//!   one object. Columns may change between releases; `--format` picks them (see `columns`).
//! - `json`: the API structs themselves, pretty-printed — a list for `ls`, an object for one
//!   item. This is the stable contract for scripts.
//! - `-q`: only the ids (instance ids, machine names, user emails, volume names), one a line.
//!
//! Data goes to stdout; progress, notes and errors go to stderr (see `ui`).

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use rsrc_shared::api::{MachinePort, PortMapping, Prop};
use serde::Serialize;

pub mod color;
mod columns;
pub mod human;
mod rows;

pub use columns::{DockerAll, ListArgs, Listing, View};
pub use rows::{published_port, role_text, Followed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// Pretty-printed JSON of the API objects, for scripts.
    Json,
}

/// A type that can be one row of a table.
pub trait Row: Serialize {
    fn header() -> &'static [&'static str];
    fn cells(&self) -> Vec<String>;
    /// Columns shown only when `--format` names them.
    fn extra_header() -> &'static [&'static str] {
        &[]
    }
    fn extra_cells(&self) -> Vec<String> {
        Vec::new()
    }
    /// The header of the column that shows this row's state, and the state's tone, for
    /// colour (none: shown uncoloured).
    fn state(&self) -> Option<(&'static str, Option<color::Tone>)> {
        None
    }
    /// What `-q` prints.
    fn id(&self) -> String;
    /// Rows are sorted by this.
    fn sort_key(&self) -> String {
        self.id()
    }
}

/// A type that can be shown as `key: value` lines.
pub trait Detail: Serialize {
    fn fields(&self) -> Vec<(&'static str, String)>;
    fn id(&self) -> String;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Output {
    pub format: Format,
    pub quiet: bool,
    /// Tables colour states (never JSON or `-q`).
    pub color: bool,
}

impl Output {
    pub fn new(format: Format, quiet: bool) -> Self {
        Output {
            format,
            quiet,
            color: false,
        }
    }

    pub fn with_color(mut self, color: bool) -> Self {
        self.color = color;
        self
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json && !self.quiet
    }

    /// Renders a list, sorted, as a table, JSON array or ids.
    pub fn render_list<T: Row>(&self, items: &mut [T]) -> String {
        self.render_view(items, &View::default_for::<T>())
    }

    /// Like [`render_list`](Self::render_list), with the columns of `--format`.
    pub fn render_view<T: Row>(&self, items: &mut [T], view: &View) -> String {
        items.sort_by_key(|item| item.sort_key());
        if self.quiet {
            return items.iter().map(|i| format!("{}\n", i.id())).collect();
        }
        match self.format {
            Format::Json => json(&items),
            Format::Table => view.render(items, self.color),
        }
    }

    /// Renders one object.
    pub fn render_one<T: Detail>(&self, item: &T) -> String {
        if self.quiet {
            return format!("{}\n", item.id());
        }
        match self.format {
            Format::Json => json(item),
            Format::Table => key_values(&item.fields()),
        }
    }

    pub fn list<T: Row>(&self, items: &mut [T]) {
        print_out(&self.render_list(items));
    }

    pub fn list_view<T: Row>(&self, items: &mut [T], view: &View) {
        print_out(&self.render_view(items, view));
    }

    pub fn one<T: Detail>(&self, item: &T) {
        print_out(&self.render_one(item));
    }

    /// Prints any serializable value as JSON, or the given text otherwise; with `-q`, the ids.
    pub fn custom<T: Serialize + ?Sized>(&self, raw: &T, text: &str, ids: &[String]) {
        if self.quiet {
            print_out(&ids.iter().map(|i| format!("{i}\n")).collect::<String>());
        } else if self.format == Format::Json {
            print_out(&json(raw));
        } else {
            print_out(text);
        }
    }
}

/// Writes to stdout, ignoring a closed pipe (`rsrc instance ls | head -1`).
pub fn print_out(text: &str) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(s) => format!("{s}\n"),
        // The API types always serialize; keep the CLI alive regardless.
        Err(e) => format!("{{\"error\": \"cannot encode: {e}\"}}\n"),
    }
}

/// Columns separated by two spaces, padded to the widest cell, no trailing spaces.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| escape(cell)).collect())
        .collect();
    columns::painted_table(Some(header), &rows, &[])
}

/// `key: value` lines with the values aligned; a multi-line value continues under itself.
pub fn key_values(fields: &[(&str, String)]) -> String {
    let width = fields
        .iter()
        .map(|(k, _)| k.chars().count() + 1)
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (key, value) in fields {
        let value = if value.is_empty() { "-" } else { value };
        let label = format!("{key}:");
        for (i, part) in value.lines().enumerate() {
            let head = if i == 0 { label.as_str() } else { "" };
            let text = format!("{head:<width$}  {}", escape(part));
            out.push_str(text.trim_end());
            out.push('\n');
        }
    }
    out
}

/// A text as a table may show it: control characters (ESC, CR, newline, ...) and the
/// characters that reorder text on screen are written as escapes, never sent to the terminal.
/// Every cell and every `key: value` line goes through it, since most strings shown are
/// someone else's (env values, emails, machine descriptions). Escaping twice changes nothing.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if rsrc_shared::text::is_unprintable(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// Whether stderr may show progress bars.
pub fn stderr_is_tty() -> bool {
    io::stderr().is_terminal()
}

/// Whether errors on stderr are coloured (`--color`, `NO_COLOR`).
pub fn color_enabled() -> bool {
    color::stderr_color()
}

pub fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(T::to_string).unwrap_or_else(|| "-".into())
}

pub fn machine_port(p: &MachinePort) -> String {
    format!("{}/{}", p.port, p.protocol.as_str())
}

pub fn port_mapping(p: &PortMapping) -> String {
    format!(
        "{}->{}/{}",
        p.host_port,
        p.container_port,
        p.protocol.as_str()
    )
}

fn join<T>(items: &[T], f: impl Fn(&T) -> String, sep: &str) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(sep)
}

pub fn prop_text(p: &Prop) -> String {
    let mut text = p.name.clone();
    if let Some(d) = &p.default {
        if p.secret {
            text.push_str("=********");
        } else {
            text.push('=');
            text.push_str(&escape(d));
        }
    }
    let mut flags = Vec::new();
    if p.required {
        flags.push("required");
    }
    if p.secret {
        flags.push("secret");
    }
    if !flags.is_empty() {
        text.push_str(&format!(" ({})", flags.join(", ")));
    }
    text
}

/// An argv shown the way a shell would need it.
pub fn argv_text(argv: &[String]) -> String {
    join(
        argv,
        |a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
            {
                a.clone()
            } else {
                // A newline or escape in an argument is shown escaped, never sent raw.
                format!("'{}'", escape(&a.replace('\'', "'\\''")))
            }
        },
        " ",
    )
}

pub fn rating_text(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.1}")).unwrap_or_else(|| "-".into())
}

pub fn size_text(bytes: Option<i64>) -> String {
    let Some(b) = bytes.filter(|b| *b >= 0) else {
        return "-".into();
    };
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = b as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{b} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// Container ids are long; tables show the first 12 characters, as Docker does.
pub fn short_id(id: &str) -> String {
    id.chars().take(12).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rsrc_shared::api::{
        Instance, InstanceVolume, Limits, Machine, Protocol, RestartPolicy, Role, Ulimit, User,
        Volume,
    };
    use std::collections::BTreeMap;

    fn user(email: &str, name: &str) -> User {
        User {
            id: 1,
            email: email.into(),
            name: name.into(),
            role: Role::User,
            verified: true,
            disabled: false,
            notify_email: true,
            phone: None,
            phone_verified: false,
            notify_sms: false,
            notify_feedback: false,
            created_at: "2025-01-01T00:00:00Z".into(),
            updated_at: "2025-01-01T00:00:00Z".into(),
        }
    }

    fn instance(id: &str, name: &str) -> Instance {
        let mut env = BTreeMap::new();
        env.insert("PASSWORD".into(), "********".into());
        env.insert("USER".into(), "app".into());
        Instance {
            id: id.into(),
            name: name.into(),
            machine: "redis".into(),
            owner: "a@example.com".into(),
            status: rsrc_shared::api::InstanceState::Running,
            host: "127.0.0.1".into(),
            ports: vec![PortMapping {
                container_port: 6379,
                host_port: 20001,
                protocol: Protocol::Tcp,
            }],
            url: Some("redis://127.0.0.1:20001".into()),
            volumes: vec![InstanceVolume {
                name: "rsrc-abc-data".into(),
                path: "/data".into(),
            }],
            env,
            container: None,
            exit_code: None,
            created_at: "2025-01-01T00:00:00Z".into(),
            updated_at: "2025-01-01T00:00:00Z".into(),
            last_known: false,
            availability_7d: None,
        }
    }

    #[test]
    fn tables_align_and_sort() {
        let out = Output::new(Format::Table, false);
        let mut users = vec![user("zed@x.io", "Zed"), user("amy@x.io", "Amy Long")];
        let text = out.render_list(&mut users);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("EMAIL     NAME      ROLE"));
        assert!(lines[1].starts_with("amy@x.io  Amy Long  user"));
        assert!(lines[2].starts_with("zed@x.io  Zed       user"));
        assert!(text.lines().all(|l| !l.ends_with(' ')));
    }

    #[test]
    fn empty_tables_keep_the_header() {
        let out = Output::new(Format::Table, false);
        let mut none: Vec<Volume> = Vec::new();
        assert_eq!(
            out.render_list(&mut none),
            "NAME  INSTANCE  OWNER  PATH  IN USE  SIZE  CREATED\n"
        );
        let json = Output::new(Format::Json, false);
        assert_eq!(json.render_list(&mut none), "[]\n");
    }

    #[test]
    fn json_is_the_api_struct() {
        let out = Output::new(Format::Json, false);
        let mut list = vec![instance("bbb", "two"), instance("aaa", "one")];
        let text = out.render_list(&mut list);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let arr = value.as_array().unwrap();
        assert_eq!(arr.len(), 2);
        assert_eq!(arr[0]["name"], "one");
        assert_eq!(arr[0]["ports"][0]["host_port"], 20001);
        assert_eq!(arr[0]["env"]["PASSWORD"], "********");
        let one: serde_json::Value =
            serde_json::from_str(&out.render_one(&instance("aaa", "one"))).unwrap();
        assert!(one.is_object());
        assert_eq!(one["url"], "redis://127.0.0.1:20001");
    }

    #[test]
    fn quiet_prints_ids() {
        let out = Output::new(Format::Json, true);
        let mut list = vec![instance("bbb", "two"), instance("aaa", "one")];
        assert_eq!(out.render_list(&mut list), "aaa\nbbb\n");
        assert_eq!(out.render_one(&user("a@x.io", "A")), "a@x.io\n");
    }

    #[test]
    fn details_are_key_value_lines() {
        let out = Output::new(Format::Table, false);
        let text = out.render_one(&instance("0123456789abcdef", "one"));
        assert!(text.contains("id:         0123456789abcdef\n"));
        assert!(text.contains("ports:      20001->6379/tcp\n"));
        assert!(text.contains("env:        PASSWORD=********\n            USER=app\n"));
        assert!(text.contains("exit code:  -\n"));
    }

    #[test]
    fn machine_rendering() {
        let m = Machine {
            name: "pg".into(),
            description: "Postgres 16".into(),
            image: "postgres:16".into(),
            ports: vec![
                MachinePort {
                    port: 5432,
                    protocol: Protocol::Tcp,
                },
                MachinePort {
                    port: 53,
                    protocol: Protocol::Udp,
                },
            ],
            props: vec![Prop {
                name: "POSTGRES_PASSWORD".into(),
                required: true,
                default: Some("hunter2".into()),
                secret: true,
                allow_empty: false,
            }],
            command: Some(vec!["postgres".into(), "-c".into(), "a b".into()]),
            volumes: vec!["/var/lib/postgresql/data".into()],
            limits: Limits {
                memory: Some("256m".into()),
                cpus: Some(0.5),
                pids: None,
            },
            max_per_user: 1,
            active: true,
            connect: None,
            restart: RestartPolicy::UnlessStopped,
            shm_size: None,
            user: None,
            entrypoint: None,
            ulimits: Default::default(),
            tmpfs: Default::default(),
            stop_signal: None,
            stop_timeout: None,
            exec: true,
            instances: 0,
            likes: 2,
            dislikes: 0,
            rating: Some(4.25),
            ratings: 4,
            comments: 1,
            my_vote: None,
            my_rating: None,
            created_at: "t".into(),
            updated_at: "t".into(),
            revision: 1,
            instances_outdated: 0,
        };
        let row = m.cells();
        assert_eq!(row[2], "5432/tcp,53/udp");
        assert_eq!(row[7], "4.2");
        let text = Output::new(Format::Table, false).render_one(&m);
        assert!(text.contains("POSTGRES_PASSWORD=******** (required, secret)"));
        assert!(!text.contains("hunter2"));
        assert!(text.contains("command:       postgres -c 'a b'"));
        assert!(text.contains("limits:        memory=256m cpus=0.5"));
        assert!(text.contains("user:          -"));
        let mut m = m;
        (m.user, m.entrypoint) = (Some("999:999".into()), Some(vec![]));
        let (soft, hard) = (1024, 2048);
        m.ulimits.insert("nofile".into(), Ulimit { soft, hard });
        m.tmpfs.insert("/run".into(), "size=64m".into());
        let text = Output::new(Format::Table, false).render_one(&m);
        assert!(text.contains("user:          999:999"), "{text}");
        assert!(text.contains("entrypoint:    (none: the image's is cleared)"));
        assert!(text.contains("ulimits:       nofile=1024:2048"));
        assert!(text.contains("tmpfs:         /run:size=64m"));
    }

    /// Terminal escapes in other people's strings (env values, urls, emails, machine
    /// descriptions and commands) never reach the terminal raw, in tables, details or columns.
    #[test]
    fn untrusted_strings_are_escaped_everywhere() {
        const EVIL: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}\r";
        let raw = |text: &str| {
            text.chars()
                .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}'))
        };
        let table = Output::new(Format::Table, false);
        let mut i = instance("aaa", "one");
        i.env.insert("NOTE".into(), EVIL.into());
        i.url = Some(format!("redis://{EVIL}@127.0.0.1"));
        let shown = table.render_one(&i);
        assert!(!raw(&shown), "{shown:?}");
        assert!(shown.contains("NOTE=\\u{1b}]0;owned"), "{shown}");
        let view = View::parse::<Instance>(&ListArgs {
            format: Some("name,url".into()),
            no_headers: false,
        })
        .unwrap();
        let listed = table.render_view(&mut [i.clone()], &view);
        assert!(!raw(&listed), "{listed:?}");
        let template = View::parse::<Instance>(&ListArgs {
            format: Some("{{.URL}}".into()),
            no_headers: false,
        })
        .unwrap();
        let line = table.render_view(&mut [i], &template);
        assert!(!raw(&line), "{line:?}");
        let mut users = vec![user(&format!("a{EVIL}@x.io"), EVIL)];
        let users = table.render_list(&mut users);
        assert!(!raw(&users), "{users:?}");
        let m = Machine {
            name: "pg".into(),
            description: EVIL.into(),
            image: "postgres:16".into(),
            ports: vec![],
            props: vec![Prop {
                name: "P".into(),
                required: false,
                default: Some(EVIL.into()),
                secret: false,
                allow_empty: false,
            }],
            command: Some(vec!["sh".into(), "-c".into(), format!("echo {EVIL}\nls")]),
            volumes: vec![],
            limits: Limits::default(),
            max_per_user: 1,
            active: true,
            connect: None,
            restart: RestartPolicy::UnlessStopped,
            shm_size: None,
            user: None,
            entrypoint: None,
            ulimits: Default::default(),
            tmpfs: Default::default(),
            stop_signal: None,
            stop_timeout: None,
            exec: true,
            instances: 0,
            likes: 0,
            dislikes: 0,
            rating: None,
            ratings: 0,
            comments: 0,
            my_vote: None,
            my_rating: None,
            created_at: "t".into(),
            updated_at: "t".into(),
            revision: 1,
            instances_outdated: 0,
        };
        let shown = table.render_one(&m);
        assert!(!raw(&shown), "{shown:?}");
        assert!(shown.contains("echo \\u{1b}"), "{shown}");
        let listed = table.render_list(&mut [m]);
        assert!(!raw(&listed), "{listed:?}");
        let plain = table_text(&[vec![EVIL.to_string()]]);
        assert!(!raw(&plain), "{plain:?}");
    }

    fn table_text(rows: &[Vec<String>]) -> String {
        table(&["X"], rows)
    }

    #[test]
    fn sizes_are_human() {
        assert_eq!(size_text(None), "-");
        assert_eq!(size_text(Some(512)), "512 B");
        assert_eq!(size_text(Some(1536)), "1.5 KiB");
        assert_eq!(size_text(Some(3 * 1024 * 1024 * 1024)), "3.0 GiB");
    }
}
