//! One-time codes (email verification, phone verification, login by mail): six digits, as the
//! daemon makes them. The daemon and the CLI both check a code through [`Code`], so a mistyped
//! one is refused before it spends a try, with the same words everywhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A well-formed one-time code: exactly [`Code::LEN`] ASCII digits. On the wire it is a string.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

/// Why a text is not a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotACode;

impl fmt::Display for NotACode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a code has {} digits", Code::LEN)
    }
}

impl std::error::Error for NotACode {}

impl Code {
    /// How many digits a code has.
    pub const LEN: usize = 6;

    /// A fresh code from `n` (taken modulo 10^6), zero-padded.
    pub fn from_number(n: u32) -> Code {
        Code(format!("{:06}", n % 1_000_000))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Code {
    type Err = NotACode;

    /// Surrounding whitespace (a pasted newline) is ignored.
    fn from_str(text: &str) -> Result<Code, NotACode> {
        let text = text.trim();
        if text.len() == Code::LEN && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Code(text.to_string()))
        } else {
            Err(NotACode)
        }
    }
}

impl TryFrom<String> for Code {
    type Error = NotACode;

    fn try_from(text: String) -> Result<Code, NotACode> {
        text.parse()
    }
}

impl From<Code> for String {
    fn from(code: Code) -> String {
        code.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Codes are secrets: logs and panics show that there is one, not which.
impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Code(******)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_and_nothing_else() {
        assert_eq!(
            "123456".parse::<Code>().map(String::from),
            Ok("123456".into())
        );
        assert_eq!(
            " 012345\n".parse::<Code>().map(String::from),
            Ok("012345".into())
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "12 456",
            "12345a",
            "١٢٣٤٥٦",
            "-12345",
        ] {
            assert_eq!(bad.parse::<Code>(), Err(NotACode), "{bad:?}");
        }
        assert_eq!(NotACode.to_string(), "a code has 6 digits");
        assert_eq!(Code::from_number(42).as_str(), "000042");
    }

    #[test]
    fn a_string_on_the_wire() {
        let code: Code = serde_json::from_str("\"654321\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"654321\"");
        assert!(serde_json::from_str::<Code>("\"65432\"").is_err());
        assert!(serde_json::from_str::<Code>("654321").is_err());
    }
}
