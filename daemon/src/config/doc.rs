//! The config file's keys, documented once: [`KEYS`] is the source of rsrcd.toml(5)
//! ([`man_page`], written to man/ by `cargo run -p rsrcd --example gen-man`). A test checks the
//! table against what the parser accepts, both ways, so a key cannot be added to the config
//! structs without its line here, nor documented without existing.

use clap_mangen::roff::{bold, italic, roman, Roff};

/// One key: `table.key` for keys in a table.
pub struct Key {
    pub key: &'static str,
    pub kind: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
}

impl Key {
    /// A `[table]` line of the table, not a key in it.
    pub fn is_table(&self) -> bool {
        self.kind == "table" && !self.key.contains('.')
    }
}

const fn key(
    key: &'static str,
    kind: &'static str,
    default: &'static str,
    meaning: &'static str,
) -> Key {
    Key {
        key,
        kind,
        default,
        meaning,
    }
}

/// Every key of rsrcd.toml, in the order the man page lists them.
pub const KEYS: &[Key] = &[
    key("data_dir", "path", "/var/lib/rsrc as root; ~/.local/share/rsrc per user",
        "Where the registry (rsrc.db) and other state live. RSRC_DATA_DIR and --data-dir override it."),
    key("socket", "path", "/run/rsrc/rsrcd.sock as root; $XDG_RUNTIME_DIR/rsrc/rsrcd.sock per user",
        "The Unix socket of the API. RSRC_SOCKET and --socket override it. Under socket activation the socket systemd passes is used instead."),
    key("socket_mode", "octal string", "\"0660\"",
        "Permissions of the socket. Whoever can connect can log in and use the API."),
    key("socket_group", "string", "\"rsrc\" if that group exists, else unset",
        "Group of the socket: its members may use rsrc. Unset leaves the socket's group alone."),
    key("advertise_host", "string", "this machine's host name",
        "The host name or address users are told to connect to (shown with each instance)."),
    key("bind_address", "IP address", "\"0.0.0.0\"",
        "The address published container ports bind to on the host."),
    key("port_range", "\"LOW-HIGH\"", "\"20000-29999\"",
        "Host ports handed to instances, inclusive. A port stays reserved for the whole life of its instance."),
    key("port_quarantine", "duration", "\"10m\"",
        "How long a host port freed by a removed instance is kept from new ones, so that an old client config does not silently reach someone else's new instance. Ports never used come first, then the least recently freed; a port still in quarantine is handed out only when no other is free. \"0s\" turns it off."),
    key("docker_host", "URL", "unset: DOCKER_HOST, else unix:///var/run/docker.sock",
        "The Docker engine. While it is unreachable rsrcd keeps serving and retries."),
    key("session_ttl_days", "integer", "30", "How long a login session lasts, in days."),
    key("smtp", "table", "unset: no mail is sent",
        "Outgoing mail (one-time codes, instance-down notices, password changes)."),
    key("smtp.host", "string", "required", "The mail server."),
    key("smtp.port", "integer", "25", "Its port."),
    key("smtp.from", "string", "required", "The sender, e.g. \"rsrc <rsrc@example.com>\"."),
    key("smtp.tls", "none|starttls|tls", "\"none\"",
        "none: plain SMTP; starttls: upgrade with STARTTLS (required); tls: TLS from the start (usually port 465)."),
    key("smtp.username", "string", "unset",
        "Login at the mail server; goes with smtp.password. Both unset: no authentication."),
    key("smtp.password", "string", "unset",
        "Keep the file readable only by root (mode 0600, as installed) when it holds one; or use smtp.password_file."),
    key("smtp.password_file", "path", "unset",
        "Read the password from this file instead (its trailing newline dropped), e.g. a systemd credential: a relative path is taken under $CREDENTIALS_DIRECTORY. Not with smtp.password."),
    key("limits", "table", "", "Quotas."),
    key("limits.max_instances_per_user", "integer", "10",
        "How many instances one user may have in all; each machine's max_per_user applies as well. rsrc status shows the use."),
    key("limits.max_volumes_per_user", "integer", "20",
        "How many volumes one user may keep of no instance (`rsrc instance rm` keeps them). At the limit, creates that make volumes are refused until some are removed (`rsrc volume rm`) or attached (--volume-from)."),
    key("limits.log_reads_per_user", "integer", "half the cores, at least 1",
        "Log reads one user may have going at once; the others wait their turn, first come first served. Each costs Docker CPU for every line it decodes; this keeps one user's parallel reads from taking the host. A follower takes a turn for its catch-up (what --tail or --since asks for) and gives it back once it follows."),
    key("limits.sms_codes_per_number", "integer", "3",
        "Phone codes one number may be sent by SMS in limits.sms_window_hours, whichever accounts ask: guards the operator's bill against SMS pumping."),
    key("limits.sms_codes_per_caller", "integer", "5",
        "Phone codes one caller (peer uid) may have sent by SMS in limits.sms_window_hours, to any numbers, from any of its accounts."),
    key("limits.sms_window_hours", "integer", "24", "The window of the two SMS limits, in hours."),
    key("limits.mails_per_recipient", "integer", "10",
        "Mails a user can trigger (codes, password-change and sign-up notices) one address may get in limits.mail_window_hours. Login codes count per address and caller uid, so that nobody can use up an owner's share. Mails over the limit are not sent (a code request is refused)."),
    key("limits.mails_per_caller", "integer", "30",
        "Such mails one caller (peer uid) may trigger in limits.mail_window_hours, to any addresses, from any of its accounts."),
    key("limits.mail_window_hours", "integer", "1", "The window of the two mail limits, in hours."),
    key("limits.comments_per_hour", "integer", "30", "Comments one user may post in an hour."),
    key("limits.votes_per_hour", "integer", "120",
        "Votes and ratings one user may set in an hour, together."),
    key("limits.feedback_digest_minutes", "integer", "10",
        "Admins with notify-feedback get one digest mail of the comments and feedback of this many minutes (at most 50 entries; the rest stay in the feed), not a mail each. 0 sends each digest as soon as the outbox gets to it."),
    key("connections", "table", "", "Caps and deadlines of connections to the API socket."),
    key("connections.max_total", "integer", "1024",
        "Connections held at once, all peers together. Beyond it 1/16 more stay open to users holding at most 4 connections, root and the daemon's own uid. Lowered at start when the descriptor limit cannot hold it."),
    key("connections.max_per_uid", "integer", "128",
        "Connections held at once from one peer uid; more are answered 503 and closed."),
    key("connections.idle_timeout_secs", "integer, 1 to 3600", "10",
        "A connection that sends no request head for this long is closed (also between requests on a kept-alive connection)."),
    key("connections.body_timeout_secs", "integer, 1 to 30", "30",
        "A request body must arrive in full within this long."),
    key("sms", "table", "unset: no SMS are sent, phones cannot be set",
        "An HTTP gateway for alerts by SMS; each SMS is a POST. The EXAMPLE below sends through Twilio."),
    key("sms.url", "URL", "required",
        "Where messages are posted: https://, or http:// only to this host (127.0.0.0/8, ::1, localhost), since the token would travel in clear."),
    key("sms.ca_file", "path", "unset: the public (webpki) roots only",
        "A PEM file of extra CAs to trust for the gateway's certificate (a private gateway)."),
    key("sms.token", "string", "unset", "Sent as Authorization: Bearer; never logged. Not with sms.username."),
    key("sms.token_file", "path", "unset",
        "Read the token from this file instead, as smtp.password_file. Not with sms.token."),
    key("sms.username", "string", "unset",
        "Basic auth's user name (Twilio: the account SID), with sms.password or sms.password_file."),
    key("sms.password", "string", "unset", "Basic auth's password; never logged."),
    key("sms.password_file", "path", "unset",
        "Read the Basic auth password from this file instead (Twilio: the auth token). Not with sms.password."),
    key("sms.format", "\"json\" or \"form\"", "\"json\"",
        "The request body: JSON (sms.body_template), or form-encoded fields (sms.fields)."),
    key("sms.body_template", "string", "{\"to\": \"{to}\", \"text\": \"{text}\"} as JSON",
        "The JSON body (format = \"json\"); {to} and {text} are replaced, JSON-escaped."),
    key("sms.fields", "table of strings", "to = \"{to}\", text = \"{text}\"",
        "The form's fields (format = \"form\"), name = value; {to} and {text} in a value are replaced."),
    key("sms.headers", "table of strings", "none", "Extra request headers, name = value; values never logged."),
    key("sms.idempotency_header", "string", "\"Idempotency-Key\"",
        "The header carrying a key that is the same on every try of one message, so a gateway that takes one sends it once; \"\" sends none."),
    key("sms.timeout_secs", "integer, 1 to 300", "10",
        "How long a request may take in all, answer included (connecting at most half of it, and at most 5 s). A message whose request went out unanswered is sent at most twice, then given up."),
    key("alerts", "table", "", "How alerts about instances that went down are paced."),
    key("alerts.window", "duration", "\"15m\"",
        "At most one alert per instance within this window; the next message says how many downs it covers."),
    key("history", "table", "", "Instance history."),
    key("history.keep_days", "integer, 1 to 36500", "90",
        "How many days of instance history (events, uptime reports) are kept; older entries are pruned."),
    key("network", "table", "",
        "Users' networks: each user's instances share a Docker bridge network of their own, apart from other users'."),
    key("network.pool", "IPv4 CIDR", "\"10.213.0.0/16\"",
        "The range users' subnets are taken from, instead of Docker's default pools (which hold only about 30 networks). Pick one no other network of the host uses: a subnet Docker refuses as overlapping is marked unusable and skipped. A subnet stays its user's until the account is deleted, also across restarts; with the pool used up, a user's first instance is refused (exit 5)."),
    key("network.prefix", "integer, the pool's length to 29", "27",
        "The length of each user's subnet. A /27 has 29 addresses for containers: room for the default 10 instances per user even while each is being recreated (its old and new container are on the network for a moment); a /16 pool holds 2048 of them. A /28 (13 addresses) fits twice as many users."),
];

fn default_text(default: &str) -> String {
    match default {
        "" => String::new(),
        "required" => " Required.".to_string(),
        d => format!(" Default: {d}."),
    }
}

/// rsrcd.toml(5), rendered from [`KEYS`]: file name and content.
pub fn man_page() -> std::io::Result<(String, Vec<u8>)> {
    let mut roff = Roff::new();
    roff.control(
        "TH",
        [
            "rsrcd.toml",
            "5",
            "",
            concat!("rsrc ", env!("CARGO_PKG_VERSION")),
            "rsrc manual",
        ],
    );
    roff.control("SH", ["NAME"]);
    roff.text([roman("rsrcd.toml - configuration file of rsrcd")]);
    roff.control("SH", ["SYNOPSIS"]);
    roff.text([
        bold("/etc/rsrc/rsrcd.toml"),
        roman(" (system daemon); "),
        bold("$XDG_CONFIG_HOME/rsrc/rsrcd.toml"),
        roman(" (per-user daemon); or "),
        bold("rsrcd --config "),
        italic("PATH"),
    ]);
    roff.control("SH", ["DESCRIPTION"]);
    roff.text([roman(
        "TOML. Every key is optional unless marked required; a key left out takes its \
         default. An unknown key or a bad value stops rsrcd with a message naming the key. \
         Overrides, strongest last: this file, then RSRC_DATA_DIR and RSRC_SOCKET, then \
         --data-dir and --socket.",
    )]);
    // KEYS lists the top-level keys first, then each table with its keys.
    roff.control("SH", ["KEYS"]);
    for k in KEYS {
        if k.is_table() {
            roff.control("SH", [format!("[{}]", k.key).as_str()]);
            roff.text([roman(format!("{}{}", k.meaning, default_text(k.default)))]);
            continue;
        }
        let name = k.key.rsplit('.').next().unwrap_or(k.key);
        roff.control("TP", []);
        roff.text([bold(name), roman(" ("), italic(k.kind), roman(")")]);
        roff.text([roman(format!("{}{}", k.meaning, default_text(k.default)))]);
    }
    roff.control("SH", ["EXAMPLE"]);
    roff.control("nf", []);
    for line in [
        "advertise_host = \"devbox.example.com\"",
        "port_range = \"20000-20999\"",
        "",
        "[smtp]",
        "host = \"smtp.example.com\"",
        "from = \"rsrc <rsrc@example.com>\"",
        "tls = \"starttls\"",
        "",
        "[limits]",
        "max_instances_per_user = 5",
        "",
        "# SMS through Twilio (form body, Basic auth with the account SID and auth token)",
        "[sms]",
        "url = \"https://api.twilio.com/2010-04-01/Accounts/ACxxx/Messages.json\"",
        "format = \"form\"",
        "username = \"ACxxx\"",
        "password_file = \"/etc/rsrc/twilio-auth-token\"",
        "[sms.fields]",
        "To = \"{to}\"",
        "From = \"+15005550006\"",
        "Body = \"{text}\"",
    ] {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "rsrcd(8), rsrc(1); contrib/rsrcd.toml.example in the source lists every key with \
         its default.",
    )]);
    Ok(("rsrcd.toml.5".to_string(), roff.render().into_bytes()))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::FileConfig;
    use super::*;

    /// The fields the parser knows in `table` (top level: ""), from its own refusal of an
    /// unknown key, which lists the expected ones.
    fn accepted(table: &str) -> BTreeSet<String> {
        let text = if table.is_empty() {
            "no_such_key_ever = 1\n".to_string()
        } else {
            format!("[{table}]\nno_such_key_ever = 1\n")
        };
        let err = toml::from_str::<FileConfig>(&text)
            .expect_err("an unknown key is refused")
            .to_string();
        let list = err
            .split_once("expected one of")
            .or_else(|| err.split_once("expected"))
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("no field list in: {err}"));
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    fn documented(table: &str) -> BTreeSet<String> {
        KEYS.iter()
            .filter_map(|k| match (table, k.key.split_once('.')) {
                ("", None) => Some(k.key.to_string()),
                ("", Some(_)) => None,
                (t, Some((kt, name))) if kt == t => Some(name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_doc_table_and_the_parser_know_the_same_keys() {
        assert_eq!(documented(""), accepted(""), "top-level keys");
        let tables: Vec<&str> = KEYS
            .iter()
            .filter(|k| k.is_table())
            .map(|k| k.key)
            .collect();
        assert!(tables.contains(&"smtp") && tables.contains(&"limits"));
        for table in tables {
            assert_eq!(documented(table), accepted(table), "keys of [{table}]");
        }
    }

    #[test]
    fn the_page_has_an_entry_for_every_key() {
        let (name, page) = man_page().unwrap();
        assert_eq!(name, "rsrcd.toml.5");
        let page = String::from_utf8(page).unwrap();
        for k in KEYS {
            // A table is a section; a key, a tagged paragraph with its name in bold. A bare
            // `contains(name)` would be met by the prose ("host", "port", "url").
            let entry = if k.is_table() {
                format!("\n.SH [{}]\n", k.key)
            } else {
                format!("\n\\fB{}\\fR (", k.key.rsplit('.').next().unwrap())
            };
            assert!(page.contains(&entry), "{} has no entry {entry:?}", k.key);
        }
        assert!(page.contains("SEE ALSO"), "{page}");
    }
}
