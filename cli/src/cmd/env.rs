//! Props on the command line: `--env KEY=VALUE`, `--env KEY` (the value from our environment)
//! and `--env-file FILE`, as Docker takes them. A value written on the command line is in
//! `/proc/PID/cmdline`, which every local user can read (`ps`); the two other forms keep
//! secrets out of it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;

use crate::error::{CliError, CliResult};

#[derive(Debug, Default, Args)]
pub struct EnvArgs {
    /// Set a prop (repeatable). KEY alone takes the value of KEY in your environment. A value
    /// given as KEY=VALUE is visible to every local user in `ps` while rsrc runs: pass secrets
    /// as KEY alone or in --env-file.
    #[arg(long = "env", short = 'e', value_name = "KEY[=VALUE]", value_parser = parse_env)]
    pub env: Vec<(String, Option<String>)>,
    /// Read props from FILE, one KEY=VALUE (or KEY alone, from your environment) a line; blank
    /// lines and lines starting with # are skipped, and nothing is unquoted (repeatable). --env
    /// wins over a file. The way to pass secrets.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
}

impl EnvArgs {
    /// The props, with the values of bare keys from our environment.
    pub fn resolve(&self) -> CliResult<BTreeMap<String, String>> {
        self.resolve_with(|key| std::env::var(key).ok())
    }

    fn resolve_with(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> CliResult<BTreeMap<String, String>> {
        let value = |key: &str, value: &Option<String>, from: &str| match value {
            Some(v) => Ok(v.clone()),
            None => lookup(key).ok_or_else(|| {
                CliError::usage(format!(
                    "{from} names {key}, but {key} is not set in your environment"
                ))
            }),
        };
        let mut env = BTreeMap::new();
        for path in &self.env_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!("cannot read --env-file {}: {e}", path.display()))
            })?;
            for (key, v) in parse_env_file(&text)
                .map_err(|e| CliError::usage(format!("--env-file {}: {e}", path.display())))?
            {
                let v = value(&key, &v, &format!("--env-file {}", path.display()))?;
                env.insert(key, v);
            }
        }
        let mut given = std::collections::BTreeSet::new();
        for (key, v) in &self.env {
            if !given.insert(key) {
                return Err(CliError::usage(format!("--env {key} is given twice")));
            }
            env.insert(key.clone(), value(key, v, "--env")?);
        }
        Ok(env)
    }
}

/// `KEY=VALUE`, or `KEY` alone; the value may be empty or contain `=`.
pub fn parse_env(s: &str) -> Result<(String, Option<String>), String> {
    let (key, value) = match s.split_once('=') {
        Some((key, value)) => (key, Some(value.to_string())),
        None => (s, None),
    };
    let key = crate::cmd::machine::parse_key(key)?;
    Ok((key, value))
}

/// The lines of an env file, as Docker reads them: no quotes, no escapes, no expansion.
fn parse_env_file(text: &str) -> Result<Vec<(String, Option<String>)>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim_start();
            !l.is_empty() && !l.starts_with('#')
        })
        .map(|(i, l)| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            parse_env(l.trim_start()).map_err(|e| format!("line {}: {e}", i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_parse() {
        assert_eq!(parse_env("A=b").unwrap(), ("A".into(), Some("b".into())));
        assert_eq!(parse_env("URL=x=y").unwrap().1.as_deref(), Some("x=y"));
        assert_eq!(parse_env("EMPTY=").unwrap().1.as_deref(), Some(""));
        assert_eq!(parse_env("NOVALUE").unwrap(), ("NOVALUE".into(), None));
        assert!(parse_env("9X=1").is_err());
        assert!(parse_env("").is_err());
        // The daemon's rule, so a key it would refuse never leaves the CLI.
        assert!(parse_env("lower=1").is_err());
        assert!(parse_env("Mixed_Case=1").is_err());
        assert!(parse_env(&format!("{}=1", "K".repeat(129))).is_err());
        assert_eq!(parse_env("_UNDER_1=x").unwrap().0, "_UNDER_1");
    }

    #[test]
    fn values_come_from_the_environment_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("props.env");
        std::fs::write(
            &file,
            "# the database\n\nPASSWORD=s3cret=x \"q\"\nTOKEN\r\nUSER=file\n",
        )
        .unwrap();
        let args = EnvArgs {
            env: vec![
                ("USER".into(), Some("flag".into())),
                ("FROM_ENV".into(), None),
            ],
            env_file: vec![file.clone()],
        };
        let lookup = |k: &str| match k {
            "FROM_ENV" => Some("e1".to_string()),
            "TOKEN" => Some("t0ken".to_string()),
            _ => None,
        };
        let env = args.resolve_with(lookup).unwrap();
        assert_eq!(env["PASSWORD"], "s3cret=x \"q\"");
        assert_eq!(env["TOKEN"], "t0ken");
        assert_eq!(env["USER"], "flag", "--env wins over the file");
        assert_eq!(env["FROM_ENV"], "e1");
        assert_eq!(env.len(), 4);

        let unset = EnvArgs {
            env: vec![("MISSING".into(), None)],
            env_file: vec![],
        };
        let err = format!("{:?}", unset.resolve_with(lookup).unwrap_err());
        assert!(err.contains("MISSING is not set"), "{err}");
        let twice = EnvArgs {
            env: vec![
                ("A".into(), Some("1".into())),
                ("A".into(), Some("2".into())),
            ],
            env_file: vec![],
        };
        assert!(twice.resolve_with(lookup).is_err());
        std::fs::write(&file, "OK=1\nbad key\n").unwrap();
        let bad = EnvArgs {
            env: vec![],
            env_file: vec![file],
        };
        let err = format!("{:?}", bad.resolve_with(lookup).unwrap_err());
        assert!(err.contains("line 2"), "{err}");
        let missing = EnvArgs {
            env: vec![],
            env_file: vec![dir.path().join("nope")],
        };
        assert!(missing.resolve_with(lookup).is_err());
    }
}
