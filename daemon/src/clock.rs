//! Time as the registry keeps it (Unix milliseconds) and as the API shows it (RFC 3339).

/// Milliseconds since the Unix epoch: every time in the registry is stored this way, so that
/// ranges compare as integers.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Formats registry time for the API: RFC 3339, UTC, always with three fraction digits, so
/// every time has one width and sorts as text (`2024-05-01T12:00:00.000Z`).
pub fn rfc3339(ms: i64) -> String {
    rsrc_shared::time::rfc3339_ms(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow, obvious formatting, to check the fast one against.
    fn rfc3339_by_time(ms: i64) -> String {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .expect("in range");
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    #[test]
    fn rfc3339_agrees_with_the_time_crate() {
        let mut samples = vec![
            0,
            1,
            999,
            1000,
            -1,
            -86_400_000,
            951_782_400_000,
            4_107_542_399_999,
        ];
        // Every day of a few leap and century years, at odd times, and a spread of others.
        let mut ms: i64 = -2_208_988_800_000; // 1900-01-01
        while ms < 7_258_118_400_000 {
            samples.push(ms);
            ms += 86_400_000 * 13 + 3_723_456;
        }
        for ms in samples {
            assert_eq!(rfc3339(ms), rfc3339_by_time(ms), "{ms}");
        }
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(i64::MAX), "");
    }

    #[test]
    fn times_format_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_500), "1970-01-01T00:00:01.500Z");
        assert_eq!(rfc3339(1_714_564_800_007), "2024-05-01T12:00:00.007Z");
    }
}
