//! The checks of a machine's run options (`shm_size`, `user`, `entrypoint`, `ulimits`,
//! `tmpfs`), by the rules the CLI applies to its flags (`rsrc_shared::options`). Errors name
//! the key.

use rsrc_shared::api::MachineSpec;
use rsrc_shared::options as rules;

use crate::error::{Error, Result};

/// Checks and normalises the run options of `spec`: a blank `user` or `shm_size` is none.
pub fn validate_options(spec: &mut MachineSpec) -> Result<()> {
    let blank_is_none = |v: &mut Option<String>| {
        if let Some(s) = v {
            *s = s.trim().to_string();
            if s.is_empty() {
                *v = None;
            }
        }
    };
    blank_is_none(&mut spec.shm_size);
    blank_is_none(&mut spec.user);
    if let Some(size) = &spec.shm_size {
        rules::parse_shm_size(size).map_err(Error::Invalid)?;
    }
    if let Some(user) = &spec.user {
        rules::check_user(user).map_err(Error::Invalid)?;
    }
    if let Some(entrypoint) = &spec.entrypoint {
        if entrypoint.iter().any(|a| a.contains('\0')) {
            return Err(Error::invalid(
                "entrypoint: arguments must not contain NUL bytes",
            ));
        }
        if entrypoint.first().is_some_and(|a| a.is_empty()) {
            return Err(Error::invalid(
                "entrypoint: the program is empty (an empty list clears the image's entrypoint)",
            ));
        }
    }
    for (name, limit) in &spec.ulimits {
        rules::check_ulimit(name, *limit).map_err(Error::Invalid)?;
    }
    rules::check_tmpfs(&spec.tmpfs).map_err(Error::Invalid)?;
    for path in spec.tmpfs.keys() {
        if let Some(v) = spec.volumes.iter().find(|v| rules::paths_overlap(path, v)) {
            return Err(Error::invalid(format!(
                "tmpfs path `{path}` overlaps volume path `{v}`"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rsrc_shared::api::{MachinePort, Protocol, Ulimit};

    fn spec() -> MachineSpec {
        let toml = r#"
            name = "pg"
            image = "postgres:15"
            ports = [{ port = 5432 }]
            volumes = ["/var/lib/postgresql/data"]
            shm_size = "1g"
            user = "999:999"
            entrypoint = ["docker-entrypoint.sh"]
            ulimits = { nofile = { soft = 1024, hard = 2048 }, nproc = 512 }
            tmpfs = { "/run" = "size=64m,mode=1777" }
        "#;
        toml::from_str(toml).unwrap()
    }

    #[test]
    fn file_keys_parse_in_both_forms() {
        let s = spec();
        assert_eq!(
            s.ports,
            [MachinePort {
                port: 5432,
                protocol: Protocol::Tcp
            }]
        );
        assert_eq!(
            s.ulimits["nofile"],
            Ulimit {
                soft: 1024,
                hard: 2048
            }
        );
        assert_eq!(
            s.ulimits["nproc"],
            Ulimit {
                soft: 512,
                hard: 512
            }
        );
        assert_eq!(s.tmpfs["/run"], "size=64m,mode=1777");
        let listed: MachineSpec = toml::from_str(
            "name = \"x\"\nimage = \"i\"\nports = []\ntmpfs = [\"/run:size=64m\", \"/tmp\"]\n\
             entrypoint = \"tini --\"\n",
        )
        .unwrap();
        assert_eq!(listed.tmpfs["/run"], "size=64m");
        assert_eq!(listed.tmpfs["/tmp"], "");
        assert_eq!(listed.entrypoint.unwrap(), ["tini", "--"]);
        for bad in [
            "ulimits = { nofile = \"many\" }",
            "ulimits = { nofile = { soft = 1, hard = 2, extra = 3 } }",
            "tmpfs = 5",
            "tmpfs = [\"/run\", \"/run:size=1m\"]",
        ] {
            let text = format!("name = \"x\"\nimage = \"i\"\nports = []\n{bad}\n");
            assert!(toml::from_str::<MachineSpec>(&text).is_err(), "{bad}");
        }
        // The JSON the registry stores round-trips, and a spec without options stores none.
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<MachineSpec>(&json).unwrap(), s);
        let mut plain = s.clone();
        plain.shm_size = None;
        plain.user = None;
        plain.entrypoint = None;
        plain.ulimits.clear();
        plain.tmpfs.clear();
        let json = serde_json::to_string(&plain).unwrap();
        for key in ["shm_size", "user", "entrypoint", "ulimits", "tmpfs"] {
            assert!(!json.contains(&format!("\"{key}\"")), "{json}");
        }
    }

    #[test]
    fn options_are_checked_and_errors_name_the_key() {
        let mut s = spec();
        validate_options(&mut s).unwrap();
        assert_eq!(s, spec());
        let mut blank = spec();
        blank.user = Some(" ".into());
        blank.shm_size = Some(String::new());
        validate_options(&mut blank).unwrap();
        assert_eq!((blank.user, blank.shm_size), (None, None));
        let mut cleared = spec();
        cleared.entrypoint = Some(Vec::new());
        validate_options(&mut cleared).unwrap();
        assert_eq!(
            cleared.entrypoint,
            Some(Vec::new()),
            "an empty list is kept"
        );

        type Mutation = Box<dyn Fn(&mut MachineSpec)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (Box::new(|s| s.shm_size = Some("lots".into())), "shm_size"),
            (Box::new(|s| s.shm_size = Some("0".into())), "shm_size"),
            (Box::new(|s| s.user = Some("a b".into())), "user"),
            (Box::new(|s| s.user = Some("999:".into())), "user"),
            (
                Box::new(|s| s.entrypoint = Some(vec!["a\0".into()])),
                "entrypoint",
            ),
            (
                Box::new(|s| s.entrypoint = Some(vec![String::new()])),
                "entrypoint",
            ),
            (
                Box::new(|s| {
                    s.ulimits
                        .insert("files".into(), Ulimit { soft: 1, hard: 1 });
                }),
                "ulimits: unknown limit `files`",
            ),
            (
                Box::new(|s| {
                    s.ulimits
                        .insert("nofile".into(), Ulimit { soft: 9, hard: 1 });
                }),
                "ulimits: nofile",
            ),
            (
                Box::new(|s| {
                    s.tmpfs.insert("run".into(), String::new());
                }),
                "tmpfs path `run`",
            ),
            (
                Box::new(|s| {
                    s.tmpfs.insert("/tmp".into(), "size=huge".into());
                }),
                "tmpfs /tmp",
            ),
            (
                Box::new(|s| {
                    s.tmpfs
                        .insert("/var/lib/postgresql/data/tmp".into(), String::new());
                }),
                "overlaps volume path `/var/lib/postgresql/data`",
            ),
            (
                Box::new(|s| {
                    s.tmpfs.insert("/var".into(), String::new());
                }),
                "tmpfs path `/var` overlaps",
            ),
        ];
        for (mutate, want) in cases {
            let mut s = spec();
            mutate(&mut s);
            let err = validate_options(&mut s).unwrap_err().to_string();
            assert!(err.contains(want), "expected `{want}` in: {err}");
        }
    }
}
