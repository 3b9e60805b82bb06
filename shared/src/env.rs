//! The rule for environment variable names: a machine's props and the keys of an instance's
//! `env`. The CLI checks it before sending and the daemon again on receipt, so both refuse the
//! same keys.

/// The longest key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 128;

/// The rule in words, for messages and help.
pub const KEY_RULE: &str = "[A-Z_][A-Z0-9_]*";

/// Whether `key` is upper-case letters, digits and `_`, not starting with a digit, and at most
/// [`MAX_KEY_BYTES`] long.
pub fn valid_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && key.len() <= MAX_KEY_BYTES
}

/// [`valid_key`] with the message that says why a key is refused.
pub fn check_key(key: &str) -> Result<(), String> {
    if valid_key(key) {
        Ok(())
    } else if key.len() > MAX_KEY_BYTES {
        // Not echoed: a value this long would drown the message.
        Err(format!("prop name is longer than {MAX_KEY_BYTES} bytes"))
    } else {
        Err(format!("prop name `{key}` must match {KEY_RULE}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_case_letters_digits_and_underscores() {
        for good in ["A", "_", "POSTGRES_PASSWORD", "_X1", "A1B2", "__"] {
            assert!(valid_key(good), "{good}");
            assert_eq!(check_key(good), Ok(()));
        }
        for bad in [
            "", "lower", "Mixed", "1ABC", "A-B", "A B", "A=B", "A.B", "Ä", "A\0", " A",
        ] {
            assert!(!valid_key(bad), "{bad:?}");
            let message = check_key(bad).unwrap_err();
            assert!(message.contains("prop name"), "{message}");
        }
        assert_eq!(
            check_key("lower").unwrap_err(),
            "prop name `lower` must match [A-Z_][A-Z0-9_]*"
        );
    }

    #[test]
    fn at_most_128_bytes() {
        assert!(valid_key(&"A".repeat(MAX_KEY_BYTES)));
        let long = "A".repeat(MAX_KEY_BYTES + 1);
        assert!(!valid_key(&long));
        let message = check_key(&long).unwrap_err();
        assert!(message.contains("128 bytes"), "{message}");
        assert!(!message.contains(&long));
    }
}
