//! The rules for a machine's resource limits and command, shared so that the CLI refuses before
//! sending what the daemon would refuse on receipt. The CPU check matters on the CLI side too:
//! JSON has no NaN or infinity, so `--cpus nan` would reach the daemon as no limit at all.

/// Docker's smallest CPU limit (`docker run --cpus` refuses less).
pub const MIN_CPUS: f64 = 0.01;

/// A CPU limit Docker accepts: a finite number of at least [`MIN_CPUS`]. The host's own count
/// is checked by the daemon, which knows it.
pub fn check_cpus(cpus: f64) -> Result<(), String> {
    if !cpus.is_finite() {
        Err(format!("cpus `{cpus}` must be a finite number (like 0.5)"))
    } else if cpus < MIN_CPUS {
        Err(format!(
            "cpus `{cpus}` is below Docker's minimum of {MIN_CPUS} (like 0.5)"
        ))
    } else {
        Ok(())
    }
}

/// `--cpus VALUE` → a checked number.
pub fn parse_cpus(value: &str) -> Result<f64, String> {
    let cpus: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("cpus `{value}` must be a number (like 0.5)"))?;
    check_cpus(cpus)?;
    Ok(cpus)
}

/// A command line split as a POSIX shell would split it (quotes and backslashes), without
/// running a shell: `sh -c "echo a; echo b"` is three arguments.
pub fn split_command(line: &str) -> Result<Vec<String>, String> {
    shell_words::split(line).map_err(|e| format!("command `{line}` cannot be split: {e}"))
}

/// A machine's `command` as a machine file or API body may give it: an argument vector, or one
/// string split by [`split_command`].
pub mod command_serde {
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Command {
        Line(String),
        Argv(Vec<String>),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        match Option::<Command>::deserialize(d)? {
            None => Ok(None),
            Some(Command::Argv(argv)) => Ok(Some(argv)),
            Some(Command::Line(line)) => super::split_command(&line)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cpus_like_docker() {
        for good in ["0.01", "0.5", "2", " 1.5 "] {
            assert!(parse_cpus(good).is_ok(), "{good}");
        }
        for bad in ["nan", "NaN", "inf", "-inf", "-0.5", "0", "0.009", "", "x"] {
            let err = parse_cpus(bad).unwrap_err();
            assert!(err.starts_with("cpus"), "{bad}: {err}");
        }
    }

    #[test]
    fn commands_split_like_a_shell() {
        assert_eq!(
            split_command(r#"sh -c "echo a; echo b""#).unwrap(),
            ["sh", "-c", "echo a; echo b"]
        );
        assert_eq!(
            split_command("redis-server --save '' ").unwrap(),
            ["redis-server", "--save", ""]
        );
        assert!(split_command("sh -c \"unclosed").is_err());
    }
}
