//! The checks of what a user types in: email, display name and password.

use crate::error::{Error, Result};

pub const MIN_PASSWORD_LEN: usize = 8;
const MAX_PASSWORD_LEN: usize = 1024;
/// RFC 5321's limits on a path and on its local part, which lettre does not enforce.
const MAX_EMAIL_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;

/// Checks an email address and returns it trimmed. lettre judges the syntax; on top of it an
/// address must fit RFC 5321's limits, have no white space (a quoted local part may, but such an
/// address is a typo far more often than a wish), and name a dotted domain: a single-label
/// host or an address literal cannot be mailed from elsewhere.
pub fn validate_email(email: &str) -> Result<String> {
    let email = email.trim();
    let bad = || Error::invalid(format!("`{email}` is not a valid email address"));
    if email.len() > MAX_EMAIL_LEN
        || email
            .chars()
            .any(|c| c.is_whitespace() || rsrc_shared::text::is_unprintable(c))
    {
        return Err(bad());
    }
    let address: lettre::Address = email.parse().map_err(|_| bad())?;
    let domain = address.domain();
    if address.user().len() > MAX_LOCAL_LEN || !domain.contains('.') || domain.starts_with('[') {
        return Err(bad());
    }
    Ok(email.to_string())
}

pub fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 100
        || name.chars().any(rsrc_shared::text::is_unprintable)
    {
        return Err(Error::invalid("name must be 1 to 100 printable characters"));
    }
    Ok(name.to_string())
}

pub fn validate_password(password: &str) -> Result<()> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(Error::invalid(format!(
            "password must have at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(Error::invalid(format!(
            "password must have at most {MAX_PASSWORD_LEN} bytes"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_validated() {
        for good in ["a@b.co", "first.last+tag@example.com", " x@y.org "] {
            assert!(validate_email(good).is_ok(), "{good}");
        }
        assert_eq!(validate_email(" x@y.org ").unwrap(), "x@y.org");
        for bad in [
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a b@c.de",
            "a@b..c",
            "a@-b.com",
            "a@b.c@d.e",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_keep_the_length_limits_and_need_a_dotted_domain() {
        let local = "l".repeat(64);
        assert!(validate_email(&format!("{local}@example.com")).is_ok());
        assert!(validate_email(&format!("{local}l@example.com")).is_err());
        let long = format!("a@{}.com", "d".repeat(60) + &".d".repeat(95));
        assert!(long.len() > 254);
        assert!(validate_email(&long).is_err());
        for bad in [
            "a@localhost",
            "a@[127.0.0.1]",
            "\"a b\"@example.com",
            "a\t@b.co",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        assert!(validate_email("jöran@bücher.example").is_ok(), "IDN");
    }

    #[test]
    fn names_are_trimmed_and_printable() {
        assert_eq!(validate_name("  Ada  ").unwrap(), "Ada");
        for bad in ["", "   ", "a\u{7}b"] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
        assert!(validate_name(&"é".repeat(100)).is_ok());
        assert!(validate_name(&"é".repeat(101)).is_err());
    }

    #[test]
    fn emails_and_names_refuse_bidi_and_control_characters() {
        for bad in [
            "a\u{202e}b@example.com",
            "a\u{2066}@example.com",
            "a\u{1b}@example.com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad:?}");
        }
        for bad in ["Ada\u{202e}", "A\u{1b}]0;x\u{7}", "A\u{200f}"] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(validate_password("1234567").is_err());
        assert!(validate_password("12345678").is_ok());
        assert!(validate_password(&"x".repeat(2000)).is_err());
    }
}
