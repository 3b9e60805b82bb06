//! Signal names and numbers as Linux and Docker spell them (`SIGINT`, `INT`, `2`), for a
//! machine's `stop_signal` and for telling a stop from a kill.

const NAMES: [&str; 31] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];
const RTMIN: i64 = 34;
const RTMAX: i64 = 64;

/// SIGTERM: what a container gets on stop when nobody chose another signal.
pub const SIGTERM: i64 = 15;

/// The number of a signal given as `SIGINT`, `INT`, `sigint`, `SIGRTMIN+3` or `2`; `None` for
/// anything else.
pub fn number(signal: &str) -> Option<i64> {
    let s = signal.trim();
    if let Ok(n) = s.parse::<i64>() {
        return (1..=RTMAX).contains(&n).then_some(n);
    }
    let upper = s.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Some(i) = NAMES.iter().position(|n| *n == bare) {
        return Some(i as i64 + 1);
    }
    let offset = |rest: &str, sign: i64| -> Option<i64> {
        let n: i64 = if rest.is_empty() {
            0
        } else {
            rest.parse().ok()?
        };
        Some(sign * n)
    };
    let n = if let Some(rest) = bare.strip_prefix("RTMIN") {
        RTMIN + offset(rest.strip_prefix('+').unwrap_or(rest), 1)?
    } else if let Some(rest) = bare.strip_prefix("RTMAX") {
        RTMAX + offset(rest.strip_prefix('-').unwrap_or(rest), -1)?
    } else {
        return None;
    };
    (RTMIN..=RTMAX).contains(&n).then_some(n)
}

/// The canonical name of signal `n`, as Docker writes it: `SIGINT`, `SIGRTMIN+3`.
pub fn name(n: i64) -> Option<String> {
    match n {
        1..=31 => Some(format!("SIG{}", NAMES[(n - 1) as usize])),
        RTMIN => Some("SIGRTMIN".into()),
        35..=RTMAX => Some(format!("SIGRTMIN+{}", n - RTMIN)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_agree() {
        for (given, n) in [
            ("SIGINT", 2),
            ("INT", 2),
            ("sigterm", 15),
            ("2", 2),
            ("SIGRTMIN+3", 37),
            ("SIGRTMAX", 64),
            ("SIGRTMAX-1", 63),
            ("SIGKILL", 9),
        ] {
            assert_eq!(number(given), Some(n), "{given}");
        }
        for bad in ["", "SIGFOO", "0", "65", "SIGRTMIN+31", "-2", "SIG"] {
            assert_eq!(number(bad), None, "{bad}");
        }
        assert_eq!(name(2).as_deref(), Some("SIGINT"));
        assert_eq!(name(37).as_deref(), Some("SIGRTMIN+3"));
        assert_eq!(name(32), None);
    }
}
