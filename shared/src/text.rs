//! Characters that must never reach a terminal raw: both sides use one list, so that what
//! rsrcd refuses and what rsrc escapes agree.

/// The characters that reorder text on screen (bidi marks, embeddings, overrides, isolates):
/// `evil\u{202e}gpj.exe` shows as `evilexe.jpg`.
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A control character (ESC, BEL, CR, ...) or a bidi control: not allowed in an email, a
/// display name or a machine description.
pub fn is_unprintable(c: char) -> bool {
    c.is_control() || is_bidi(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_unprintable() {
        for c in [
            '\u{1b}', '\u{7}', '\r', '\n', '\u{202e}', '\u{2066}', '\u{200f}',
        ] {
            assert!(is_unprintable(c), "{c:?}");
        }
        for c in ['a', 'é', ' ', '\u{2014}'] {
            assert!(!is_unprintable(c), "{c:?}");
        }
    }
}
