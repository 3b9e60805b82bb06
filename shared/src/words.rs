//! Counted nouns in messages: "1 instance", "2 instances", "1 try left", never "instance(s)".

/// `n` with the noun in the form that fits it: `count(1, "try", "tries")` is "1 try".
pub fn count(n: impl Into<i128>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn singular_only_for_one() {
        assert_eq!(count(1u32, "instance", "instances"), "1 instance");
        assert_eq!(count(0i64, "instance", "instances"), "0 instances");
        assert_eq!(count(2usize as u64, "try", "tries"), "2 tries");
    }
}
