//! Config parsing: every key typed at load, unknown keys refused.

use super::*;

fn parse(text: &str) -> Result<Config, String> {
    Config::from_toml(text)
}

#[test]
fn defaults_are_documented_values() {
    let c = parse("").unwrap();
    assert_eq!(c.socket_mode, 0o660);
    assert_eq!(
        c.port_range,
        PortRange {
            low: 20000,
            high: 29999
        }
    );
    assert_eq!(c.bind_address, IpAddr::from([0, 0, 0, 0]));
    assert_eq!(c.limits.max_instances_per_user, 10);
    assert_eq!(c.limits.max_volumes_per_user, 20);
    assert_eq!(c.history.keep_days, 90);
    assert_eq!(c.session_ttl_days, 30);
    assert_eq!(c.session_ttl(), std::time::Duration::from_secs(30 * 86_400));
    assert_eq!(
        (c.connections.max_total, c.connections.max_per_uid),
        (1024, 128)
    );
    assert_eq!(c.connections.idle_timeout().as_secs(), 10);
    assert_eq!(c.connections.body_timeout().as_secs(), 30);
    assert_eq!(c.alerts.window, std::time::Duration::from_secs(15 * 60));
    assert!(c.sms.is_none());
}

#[test]
fn sms_and_alerts_are_typed_at_load() {
    let c = parse(
        "[alerts]\nwindow = \"90s\"\n[sms]\nurl = \"http://127.0.0.1:8080/send?x=1\"\n\
         token = \"t0ken\"\nbody_template = '{\"n\": \"{to}\", \"m\": \"{text}\"}'\n\
         [sms.headers]\nX-Api = \"k\"\n",
    )
    .unwrap();
    assert_eq!(c.alerts.window, std::time::Duration::from_secs(90));
    let sms = c.sms.unwrap();
    // The query may hold a key: it is never shown.
    assert_eq!(sms.shown_url(), "http://127.0.0.1:8080/send?…");
    assert!(
        !format!("{sms:?}").contains("t0ken"),
        "the token never reaches a log"
    );
    for (toml, key) in [
        ("[alerts]\nwindow = \"soon\"", "config key `alerts.window`"),
        // Issue 19 item 13: the token would travel in clear.
        (
            "[sms]\nurl = \"http://sms.example/send\"",
            "config key `sms.url`: http:// is allowed only to a gateway on this host",
        ),
        ("[sms]\nurl = \"ftp://x\"", "config key `sms.url`"),
        ("[sms]\nurl = \"not a url\"", "config key `sms.url`"),
        (
            "[sms]\nurl = \"http://127.0.0.1/\"\n[sms.headers]\n\"bad header\" = \"v\"",
            "config key `sms.headers`",
        ),
        (
            "[sms]\nurl = \"http://127.0.0.1/\"\nbody_template = \"static\"",
            "config key `sms.body_template`",
        ),
    ] {
        let err = parse(toml).unwrap_err();
        assert!(err.starts_with(key), "{toml}: {err}");
    }
    let err = parse("[sms]\nurl = \"http://127.0.0.1/\"\nbogus = 1").unwrap_err();
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn values_are_typed_at_load() {
    let c = parse("socket_mode = \"0o600\"\nport_range = \" 80 - 80 \"\nbind_address = \"::1\"")
        .unwrap();
    assert_eq!(c.socket_mode, 0o600);
    assert_eq!(c.port_range, PortRange { low: 80, high: 80 });
    assert_eq!(c.bind_address, "::1".parse::<IpAddr>().unwrap());
}

#[test]
fn the_example_file_is_the_defaults() {
    let text = include_str!("../../../contrib/rsrcd.toml.example");
    let c = parse(text).unwrap();
    let d = parse("").unwrap();
    assert_eq!(
        (c.socket_mode, c.port_range, c.bind_address),
        (d.socket_mode, d.port_range, d.bind_address)
    );
}

#[test]
fn unknown_keys_are_named() {
    let err = parse("sockett = \"/x\"").unwrap_err();
    assert!(err.contains("sockett"), "{err}");
    let err = parse("[smtp]\nhost=\"h\"\nfrom=\"a@b.c\"\nbogus=1").unwrap_err();
    assert!(err.contains("bogus"), "{err}");
    let err = parse("[limits]\nmax=1").unwrap_err();
    assert!(err.contains("max"), "{err}");
    let err = parse("[history]\nkeep=1").unwrap_err();
    assert!(err.contains("keep"), "{err}");
}

#[test]
fn bad_values_are_named() {
    for (toml, message) in [
        (
            "port_range = \"3000\"",
            "config key `port_range`: must be \"LOW-HIGH\" with 1 <= LOW <= HIGH <= 65535",
        ),
        ("port_range = \"3000-2000\"", "config key `port_range`"),
        ("port_range = \"0-10\"", "config key `port_range`"),
        (
            "socket_mode = \"999\"",
            "config key `socket_mode`: must be an octal mode like \"0660\"",
        ),
        ("socket_mode = \"01000\"", "config key `socket_mode`"),
        (
            "bind_address = \"nowhere\"",
            "config key `bind_address`: must be an IP address like 0.0.0.0",
        ),
        (
            "[limits]\nmax_instances_per_user = 0",
            "config key `limits.max_instances_per_user`",
        ),
        (
            "[limits]\nmax_volumes_per_user = 0",
            "config key `limits.max_volumes_per_user`",
        ),
        ("[history]\nkeep_days = 0", "config key `history.keep_days`"),
        (
            "[smtp]\nhost = \"h\"\nfrom = \"not a mail\"",
            "config key `smtp.from`",
        ),
        ("session_ttl_days = 0", "config key `session_ttl_days`"),
        (
            "[connections]\nmax_total = 0",
            "config key `connections.max_total`",
        ),
        (
            "[connections]\nmax_total = 10\nmax_per_uid = 11",
            "config key `connections.max_per_uid`",
        ),
        (
            "[connections]\nidle_timeout_secs = 0",
            "config key `connections.idle_timeout_secs`",
        ),
        (
            "[connections]\nbody_timeout_secs = 31",
            "config key `connections.body_timeout_secs`: must be between 1 and 30",
        ),
    ] {
        let err = parse(toml).unwrap_err();
        assert!(err.starts_with(message), "{toml}: {err}");
    }
    let err = parse("[smtp]\nhost=\"h\"\nfrom=\"a@b.c\"\ntls=\"maybe\"").unwrap_err();
    assert!(err.contains("maybe") || err.contains("tls"), "{err}");
    // A value of the wrong type names its key, also in a table.
    let err = parse("port_range = 20000").unwrap_err();
    assert!(err.contains("port_range"), "{err}");
    let err = parse("[smtp]\nhost=\"h\"\nfrom=\"a@b.c\"\npassword=12345678").unwrap_err();
    assert!(err.contains("smtp.password"), "{err}");
}

/// Issue 19 item 11: secrets may come from files (systemd credentials), so the config need
/// not hold them.
#[test]
fn secrets_come_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("smtp-password");
    let token = dir.path().join("sms-token");
    std::fs::write(&password, "pa ss\n").unwrap();
    std::fs::write(&token, "t0ken-in-a-file\n").unwrap();
    let text = format!(
        "[smtp]\nhost = \"h\"\nfrom = \"a@b.co\"\nusername = \"u\"\npassword_file = {:?}\n\
         [sms]\nurl = \"http://127.0.0.1:8080/send\"\ntoken_file = {:?}\n",
        password.display().to_string(),
        token.display().to_string()
    );
    let c = parse(&text).unwrap();
    assert_eq!(c.smtp.as_ref().unwrap().password.as_deref(), Some("pa ss"));
    assert!(!format!("{:?}", c.smtp).contains("pa ss"));
    let sms = c.sms.unwrap();
    assert_eq!(sms.bearer().as_deref(), Some("Bearer t0ken-in-a-file"));

    for (toml, key) in [
        (
            "[smtp]\nhost = \"h\"\nfrom = \"a@b.co\"\nusername = \"u\"\npassword = \"x\"\n\
             password_file = \"/nonexistent\"",
            "smtp.password_file",
        ),
        (
            "[smtp]\nhost = \"h\"\nfrom = \"a@b.co\"\nusername = \"u\"\n\
             password_file = \"/nonexistent/pw\"",
            "smtp.password_file",
        ),
        (
            "[sms]\nurl = \"http://127.0.0.1/\"\ntoken = \"x\"\ntoken_file = \"/nonexistent\"",
            "sms.token_file",
        ),
        (
            "[sms]\nurl = \"http://127.0.0.1/\"\ntoken_file = \"/nonexistent/token\"",
            "sms.token_file",
        ),
    ] {
        let err = parse(toml).unwrap_err();
        assert!(err.contains(key), "{toml}: {err}");
    }
}
