//! Tests of the machine flags and files (spec.rs).

use super::*;
use crate::cmd::machine::MachineCmd;
use crate::{Cli, Command};
use clap::Parser;
use rsrc_shared::api::RestartPolicy;

fn create(args: &[&str]) -> CreateArgs {
    let mut argv = vec!["rsrc", "machine", "create"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(argv).unwrap().command {
        Command::Machine {
            cmd: MachineCmd::Create(a),
        } => a,
        other => panic!("parsed as {other:?}"),
    }
}

#[test]
fn ports_parse_with_protocols() {
    assert_eq!(
        parse_port("6379").unwrap(),
        MachinePort {
            port: 6379,
            protocol: Protocol::Tcp
        }
    );
    assert_eq!(parse_port("53/udp").unwrap().protocol, Protocol::Udp);
    assert_eq!(parse_port("53/UDP").unwrap().protocol, Protocol::Udp);
    assert!(parse_port("0").is_err());
    assert!(parse_port("65536").is_err());
    assert!(parse_port("53/sctp").is_err());
    assert!(parse_port("http").is_err());
}

#[test]
fn props_parse_with_defaults() {
    assert_eq!(
        parse_prop("DB=app").unwrap(),
        PropArg {
            key: "DB".into(),
            default: Some("app".into())
        }
    );
    assert_eq!(
        parse_prop("OPTS=a=b").unwrap().default.as_deref(),
        Some("a=b")
    );
    assert_eq!(parse_prop("EMPTY=").unwrap().default.as_deref(), Some(""));
    assert_eq!(parse_prop("KEY").unwrap().default, None);
    assert!(parse_prop("1BAD").is_err());
    assert!(parse_prop("BAD-KEY=x").is_err());
    assert!(parse_prop("=x").is_err());
    let lower = parse_prop("lower=x").unwrap_err();
    assert!(lower.contains("prop name `lower`"), "{lower}");
    assert!(parse_key("db_name").is_err());
}

#[test]
fn create_flags_build_a_spec() {
    let args = create(&[
        "pg",
        "--image",
        "postgres:16",
        "--port",
        "5432",
        "--port",
        "53/udp",
        "--prop",
        "POSTGRES_DB=app",
        "--secret-prop",
        "POSTGRES_PASSWORD",
        "--required-prop",
        "POSTGRES_PASSWORD",
        "--required-prop",
        "REGION",
        "--volume",
        "/data",
        "--memory",
        "256m",
        "--cpus",
        "0.5",
        "--pids",
        "256",
        "--command",
        "  postgres   -c fsync=off ",
        "--restart",
        "on-failure",
        "--stop-signal",
        "SIGINT",
        "--stop-timeout",
        "30s",
        "--inactive",
    ]);
    let spec = build_spec(&args).unwrap();
    assert_eq!(spec.ports.len(), 2);
    assert_eq!(spec.ports[1].protocol, Protocol::Udp);
    assert_eq!(
        spec.props,
        vec![
            Prop {
                name: "POSTGRES_DB".into(),
                required: false,
                default: Some("app".into()),
                secret: false,
                allow_empty: false,
            },
            Prop {
                name: "POSTGRES_PASSWORD".into(),
                required: true,
                default: None,
                secret: true,
                allow_empty: false,
            },
            Prop {
                name: "REGION".into(),
                required: true,
                default: None,
                secret: false,
                allow_empty: false,
            },
        ]
    );
    assert_eq!(
        spec.command,
        Some(vec!["postgres".into(), "-c".into(), "fsync=off".into()])
    );
    assert_eq!(spec.limits.cpus, Some(0.5));
    assert_eq!(spec.restart, RestartPolicy::OnFailure);
    assert_eq!(spec.stop_signal.as_deref(), Some("SIGINT"));
    assert_eq!(spec.stop_timeout.as_deref(), Some("30s"));
    assert!(!spec.active);
    assert_eq!(spec.max_per_user, 1);
}

#[test]
fn run_option_flags_build_a_spec() {
    let args = create(&[
        "pg",
        "--image",
        "postgres:15",
        "--port",
        "5432",
        "--shm-size",
        "1g",
        "--user",
        "999:999",
        "--entrypoint",
        "docker-entrypoint.sh",
        "--ulimit",
        "nofile=1024:2048",
        "--ulimit",
        "nproc=512",
        "--tmpfs",
        "/run:size=64m,mode=1777",
        "--tmpfs",
        "/tmp",
    ]);
    let spec = build_spec(&args).unwrap();
    assert_eq!(spec.shm_size.as_deref(), Some("1g"));
    assert_eq!(spec.user.as_deref(), Some("999:999"));
    assert_eq!(spec.entrypoint.unwrap(), ["docker-entrypoint.sh"]);
    assert_eq!(
        spec.ulimits["nofile"],
        Ulimit {
            soft: 1024,
            hard: 2048
        }
    );
    assert_eq!(
        spec.ulimits["nproc"],
        Ulimit {
            soft: 512,
            hard: 512
        }
    );
    assert_eq!(spec.tmpfs["/run"], "size=64m,mode=1777");
    assert_eq!(spec.tmpfs["/tmp"], "");
    let cleared = create(&["x", "--image", "i", "--port", "1", "--entrypoint", ""]);
    assert_eq!(build_spec(&cleared).unwrap().entrypoint, Some(vec![]));
    let plain = build_spec(&create(&["x", "--image", "i", "--port", "1"])).unwrap();
    assert_eq!((plain.entrypoint, plain.ulimits.len()), (None, 0));

    for (flag, value, want) in [
        ("--shm-size", "lots", "shm_size `lots`"),
        ("--user", "a b", "user `a b`"),
        ("--ulimit", "files=1", "ulimits: unknown limit `files`"),
        ("--ulimit", "nofile=9:1", "soft limit 9 is above"),
        ("--tmpfs", "run", "tmpfs path `run`"),
        ("--tmpfs", "/run:size=x", "tmpfs /run: option `size=x`"),
    ] {
        let argv = [
            "rsrc", "machine", "create", "x", "--image", "i", "--port", "1", flag, value,
        ];
        let err = Cli::try_parse_from(argv).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{flag} {value}");
        assert!(err.to_string().contains(want), "{flag} {value}: {err}");
    }
    let twice = create(&[
        "x", "--image", "i", "--port", "1", "--ulimit", "nproc=1", "--ulimit", "nproc=2",
    ]);
    assert!(build_spec(&twice).unwrap_err().report()[0].contains("twice"));
    let unclosed = create(&["x", "--image", "i", "--port", "1", "--entrypoint", "sh '"]);
    assert!(build_spec(&unclosed).unwrap_err().report()[0].contains("--entrypoint"));
}

#[test]
fn required_props_with_defaults_are_refused() {
    let args = create(&[
        "x",
        "--image",
        "i",
        "--port",
        "1",
        "--prop",
        "A=1",
        "--required-prop",
        "A",
    ]);
    assert!(build_spec(&args).is_err());
    let args = create(&[
        "x", "--image", "i", "--port", "1", "--prop", "A=1", "--prop", "A=2",
    ]);
    assert!(build_spec(&args).is_err());
}

#[test]
fn updates_merge_limits_and_replace_lists() {
    let cli = Cli::try_parse_from([
        "rsrc", "machine", "update", "redis", "--memory", "1g", "--port", "6380",
    ])
    .unwrap();
    let Command::Machine {
        cmd: MachineCmd::Update(args),
    } = cli.command
    else {
        panic!("not an update")
    };
    let current = Limits {
        memory: Some("256m".into()),
        cpus: Some(1.0),
        pids: None,
    };
    let update = build_update(&args, Some(&current)).unwrap();
    assert_eq!(
        update.limits,
        Some(Limits {
            memory: Some("1g".into()),
            cpus: Some(1.0),
            pids: None
        })
    );
    assert_eq!(update.ports.as_ref().map(Vec::len), Some(1));
    assert_eq!(update.props, None);
    assert_eq!(update.active, None);
    let json = serde_json::to_value(&update).unwrap();
    assert!(json.get("image").is_none());
}

#[test]
fn machine_files_parse_and_name_their_errors() {
    let good = r#"
        [[machine]]
        name = "redis"
        image = "redis:7"
        ports = [{ port = 6379 }]
        command = ["redis-server", "--save", ""]
    "#;
    let file = parse_machine_file("m.toml", good).unwrap();
    assert_eq!(file.machine[0].command.as_ref().map(Vec::len), Some(3));
    assert_eq!(file.machine[0].max_per_user, 1);

    let bad = "[[machine]]\nname = \"redis\"\nimage = \"redis:7\"\nports = []\nimag = \"x\"\n";
    let err = parse_machine_file("m.toml", bad).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let text = err.report().join("\n");
    assert!(text.contains("m.toml at line 5"), "{text}");
    assert!(text.contains("imag"), "{text}");

    let dup = "[[machine]]\nname = \"a\"\nimage = \"i\"\nports = []\n\
               [[machine]]\nname = \"a\"\nimage = \"i\"\nports = []\n";
    assert!(parse_machine_file("m.toml", dup).unwrap_err().report()[0].contains("appears twice"));
    assert!(parse_machine_file("m.toml", "not toml [").is_err());
}
