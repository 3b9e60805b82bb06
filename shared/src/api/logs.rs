//! The wire format of `GET /v1/instances/{ref}/logs`: a chunked body of binary frames, after
//! Docker's own multiplexed log stream. JSON per line would cost more than the log itself.
//!
//! A frame is an 8-byte header and a payload:
//!
//! ```text
//! [kind u8][flags u8][0u8][0u8][length u32 big-endian][payload: length bytes]
//! ```
//!
//! - `Stdout`/`Stderr`: one line (or a piece of one) of the container's output. Without
//!   [`FLAG_CONTINUED`] the payload starts with Docker's timestamp and a space
//!   (`2024-01-02T03:04:05.123456789Z line\n`); with it, the payload goes on with the line of the
//!   frame before and carries no timestamp (a line longer than [`MAX_PAYLOAD`]).
//!   With [`FLAG_BARE`] the payload is the line alone: the reader asked for no timestamps
//!   (`bare`), and the daemon needed none (no follow, no since/until), so Docker sent none.
//! - `Notice`: text for the user (on stderr); the stream goes on.
//! - `End`: the stream is complete; the payload may say why (e.g. the instance was removed).
//! - `Fail`: the daemon gave up (the reader was too slow, Docker broke off); the payload says why.
//!
//! A body that ends without `End` or `Fail` was cut (rsrcd stopped): a follower reconnects.

use super::frames;
pub use super::frames::{FrameError, HEADER_LEN, MAX_PAYLOAD};

/// The payload goes on with the line of the previous frame.
pub const FLAG_CONTINUED: u8 = 1;
/// The payload carries no timestamp. A flag per frame rather than a response header, so that a
/// reader tells without state, and a daemon that does not know `bare` is read as before.
pub const FLAG_BARE: u8 = 2;
/// The media type of the body.
pub const CONTENT_TYPE: &str = "application/vnd.rsrc.logs";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    Stdout = 1,
    Stderr = 2,
    Notice = 3,
    End = 4,
    Fail = 5,
}

impl FrameKind {
    fn from_byte(b: u8) -> Option<FrameKind> {
        Some(match b {
            1 => FrameKind::Stdout,
            2 => FrameKind::Stderr,
            3 => FrameKind::Notice,
            4 => FrameKind::End,
            5 => FrameKind::Fail,
            _ => return None,
        })
    }
}

/// One decoded frame, borrowed from the decoder's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    pub kind: FrameKind,
    pub continued: bool,
    /// The payload has no timestamp ([`FLAG_BARE`]).
    pub bare: bool,
    pub payload: &'a [u8],
}

impl Frame<'_> {
    /// The timestamp and the rest of an output frame's payload; `None` for the timestamp when
    /// the frame continues a line or carries none.
    pub fn split_timestamp(&self) -> (Option<&[u8]>, &[u8]) {
        if self.continued || self.bare {
            return (None, self.payload);
        }
        split_timestamp(self.payload)
    }
}

/// `2024-...Z rest` into the timestamp and `rest`, when the payload starts with one.
pub fn split_timestamp(payload: &[u8]) -> (Option<&[u8]>, &[u8]) {
    match payload.iter().take(40).position(|&b| b == b' ') {
        Some(i) if i >= 20 && payload[0].is_ascii_digit() => {
            (Some(&payload[..i]), &payload[i + 1..])
        }
        _ => (None, payload),
    }
}

/// Appends one frame. A payload over [`MAX_PAYLOAD`] goes out as several frames, the later ones
/// continued (only output frames may be that long; notices are short).
pub fn encode(out: &mut Vec<u8>, kind: FrameKind, payload: &[u8]) {
    encode_flagged(out, kind, 0, payload);
}

/// [`encode`] with `flags` ([`FLAG_BARE`]) on every frame.
pub fn encode_flagged(out: &mut Vec<u8>, kind: FrameKind, flags: u8, payload: &[u8]) {
    let mut pieces = payload.chunks(MAX_PAYLOAD);
    let first = pieces.next().unwrap_or(&[]);
    header(out, kind, flags, first.len());
    out.extend_from_slice(first);
    for piece in pieces {
        header(out, kind, flags | FLAG_CONTINUED, piece.len());
        out.extend_from_slice(piece);
    }
}

fn header(out: &mut Vec<u8>, kind: FrameKind, flags: u8, len: usize) {
    frames::header(out, kind as u8, flags, len);
}

/// Reassembles frames from chunks as they arrive. It holds at most one frame and one chunk.
#[derive(Default)]
pub struct Decoder(frames::Decoder);

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.0.push(chunk);
    }

    /// Bytes received but not yet returned as a frame: non-zero at the end of the body means
    /// it was cut in the middle of a frame.
    pub fn pending(&self) -> usize {
        self.0.pending()
    }

    /// The next whole frame, `None` until more bytes arrive. After an error the stream is not to
    /// be trusted any more.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, FrameError> {
        let frame = self
            .0
            .next_frame(FrameKind::from_byte, FLAG_CONTINUED | FLAG_BARE)?;
        Ok(frame.map(|f| Frame {
            kind: f.kind,
            continued: f.flags & FLAG_CONTINUED != 0,
            bare: f.flags & FLAG_BARE != 0,
            payload: f.payload,
        }))
    }
}

pub use crate::time::parse_rfc3339;

/// `SECS[.FRACTION]` (Unix time, as the `since` and `until` query parameters carry it) in
/// nanoseconds.
pub fn parse_unix(text: &str) -> Option<i128> {
    let (secs, frac) = text.split_once('.').unwrap_or((text, ""));
    if secs.is_empty() || secs.len() > 12 || !secs.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    for c in frac.bytes().chain(std::iter::repeat(b'0')).take(9) {
        nanos = nanos * 10 + i128::from(c - b'0');
    }
    Some(secs.parse::<i128>().ok()? * 1_000_000_000 + nanos)
}

/// Unix nanoseconds as `SECS.NNNNNNNNN`, what [`parse_unix`] reads.
pub fn format_unix(nanos: i128) -> String {
    let nanos = nanos.max(0);
    format!("{}.{:09}", nanos / 1_000_000_000, nanos % 1_000_000_000)
}

/// Where a reader is in a log, so that reading it again from a time (`since` is inclusive, and
/// lines may share a timestamp) repeats nothing: while reading again, lines before the last one
/// passed are dropped, and of those with its very timestamp, as many as were passed already.
/// Otherwise every line passes: Docker's log is not always in timestamp order (it copies stdout
/// and stderr on two goroutines into one file), and a line stamped before the one above it is
/// still a line nobody has seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resume {
    /// The latest timestamp passed.
    last: Option<i128>,
    same: usize,
    /// While reading again: how many lines with `last`'s timestamp are still to be dropped.
    skip: usize,
    /// From a restart until a line newer than `last`: what came before `last` was passed.
    rereading: bool,
}

impl Resume {
    /// The time to read again from: the timestamp of the last line passed.
    pub fn since(&self) -> Option<i128> {
        self.last
    }

    /// Starts reading the log again from [`Resume::since`].
    pub fn restart(&mut self) {
        self.skip = self.same;
        self.rereading = true;
    }

    /// Whether a line with timestamp `ts` is new; a new one is counted as passed.
    pub fn admit(&mut self, ts: i128) -> bool {
        match self.last {
            Some(last) if ts < last => !self.rereading,
            Some(last) if ts == last => {
                if self.skip > 0 {
                    self.skip -= 1;
                    false
                } else {
                    self.same += 1;
                    true
                }
            }
            _ => {
                self.last = Some(ts);
                self.same = 1;
                self.skip = 0;
                self.rereading = false;
                true
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn frames(bytes: &[u8], step: usize) -> Result<Vec<(FrameKind, bool, Vec<u8>)>, FrameError> {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        for chunk in bytes.chunks(step.max(1)) {
            d.push(chunk);
            while let Some(f) = d.next_frame()? {
                out.push((f.kind, f.continued, f.payload.to_vec()));
            }
        }
        assert_eq!(d.pending(), 0);
        Ok(out)
    }

    #[test]
    fn frames_survive_any_split_into_chunks() {
        let mut bytes = Vec::new();
        encode(
            &mut bytes,
            FrameKind::Stdout,
            b"2024-01-02T03:04:05.000000001Z one\n",
        );
        encode(
            &mut bytes,
            FrameKind::Stderr,
            b"2024-01-02T03:04:05.000000002Z two\n",
        );
        encode(&mut bytes, FrameKind::Notice, b"waiting");
        encode(&mut bytes, FrameKind::End, b"");
        for step in [1, 2, 3, 7, 8, 9, 100, bytes.len()] {
            let got = frames(&bytes, step).unwrap();
            assert_eq!(got.len(), 4, "step {step}");
            assert_eq!(got[1].0, FrameKind::Stderr);
            assert_eq!(got[2].2, b"waiting");
            assert_eq!(got[3], (FrameKind::End, false, vec![]));
        }
    }

    #[test]
    fn bare_frames_say_so_and_their_later_pieces_are_continued() {
        let mut bytes = Vec::new();
        encode_flagged(
            &mut bytes,
            FrameKind::Stderr,
            FLAG_BARE,
            b"2024-01-02T03:04:05Z x\n",
        );
        let line = vec![b'z'; MAX_PAYLOAD + 1];
        encode_flagged(&mut bytes, FrameKind::Stdout, FLAG_BARE, &line);
        let mut d = Decoder::new();
        d.push(&bytes);
        let f = d.next_frame().unwrap().unwrap();
        assert!(f.bare && !f.continued && f.kind == FrameKind::Stderr);
        assert_eq!(f.split_timestamp().1, b"2024-01-02T03:04:05Z x\n");
        let f = d.next_frame().unwrap().unwrap();
        assert!(f.bare && !f.continued && f.payload.len() == MAX_PAYLOAD);
        let f = d.next_frame().unwrap().unwrap();
        assert!(f.bare && f.continued && f.payload == b"z");
        assert_eq!(d.next_frame(), Ok(None));
    }

    #[test]
    fn a_huge_line_goes_in_continued_frames_and_comes_back_whole() {
        let line: Vec<u8> = (0..(3 * MAX_PAYLOAD + 17))
            .map(|i| b'a' + (i % 26) as u8)
            .collect();
        let mut bytes = Vec::new();
        encode(&mut bytes, FrameKind::Stdout, &line);
        let got = frames(&bytes, 64 * 1024 + 3).unwrap();
        assert_eq!(got.len(), 4);
        assert!(!got[0].1 && got[1..].iter().all(|f| f.1));
        let whole: Vec<u8> = got.into_iter().flat_map(|f| f.2).collect();
        assert_eq!(whole, line);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert_eq!(
            frames(&[9, 0, 0, 0, 0, 0, 0, 0], 8),
            Err(FrameError::UnknownKind(9))
        );
        assert_eq!(
            frames(&[1, 4, 0, 0, 0, 0, 0, 0], 8),
            Err(FrameError::BadHeader)
        );
        assert_eq!(
            frames(&[1, 0, 0, 0, 255, 255, 255, 255], 3),
            Err(FrameError::TooLong(u32::MAX as usize))
        );
        // A frame cut short waits for the rest.
        let mut d = Decoder::new();
        d.push(&[1, 0, 0, 0, 0, 0, 0, 5, b'a']);
        assert_eq!(d.next_frame(), Ok(None));
        assert_eq!(d.pending(), 9);
        for seed in 0..200u32 {
            let noise: Vec<u8> = (0..64)
                .map(|i| (seed.wrapping_mul(2_654_435_761).wrapping_add(i * 40_503) >> 7) as u8)
                .collect();
            let _ = frames(&noise, 5);
        }
    }

    #[test]
    fn timestamps_split_off_output_frames_only() {
        let f = Frame {
            kind: FrameKind::Stdout,
            continued: false,
            bare: false,
            payload: b"2024-01-02T03:04:05.123456789Z hi there\n",
        };
        assert_eq!(
            f.split_timestamp(),
            (
                Some(&b"2024-01-02T03:04:05.123456789Z"[..]),
                &b"hi there\n"[..]
            )
        );
        let f = Frame {
            continued: true,
            ..f
        };
        assert_eq!(f.split_timestamp().0, None);
        assert_eq!(split_timestamp(b"no stamp here\n").0, None);
        // A bare line that merely looks like it starts with a time is all line.
        let f = Frame {
            continued: false,
            bare: true,
            ..f
        };
        assert_eq!(f.split_timestamp(), (None, f.payload));
    }

    #[test]
    fn times_parse_as_docker_writes_them() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.5Z"), Some(1_500_000_000));
        assert_eq!(
            parse_rfc3339("2024-01-02T03:04:05.123456789Z"),
            Some(1_704_164_645_123_456_789)
        );
        assert_eq!(
            parse_rfc3339("2024-01-02T05:04:05.123456789+02:00"),
            Some(1_704_164_645_123_456_789)
        );
        for bad in [
            "",
            "2024-01-02",
            "2024-13-02T03:04:05Z",
            "2024-01-02T03:04:05",
            "2024-01-02T03:04:05.Z",
            "2024-01-02T03:04:05Zjunk",
            "２０２４-01-02T03:04:05Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(parse_unix("12.5"), Some(12_500_000_000));
        assert_eq!(parse_unix("12"), Some(12_000_000_000));
        assert_eq!(
            parse_unix(&format_unix(1_704_164_645_123_456_789)),
            Some(1_704_164_645_123_456_789)
        );
        for bad in ["", ".5", "1.2.3", "-1", "1e9", "1.1234567890"] {
            assert_eq!(parse_unix(bad), None, "{bad}");
        }
    }

    #[test]
    fn reading_again_repeats_nothing_even_with_equal_timestamps() {
        let log = [1, 2, 2, 2, 3, 3, 4];
        for cut in 0..=log.len() {
            let mut r = Resume::default();
            let mut seen: Vec<i128> = log[..cut].iter().copied().filter(|&t| r.admit(t)).collect();
            r.restart();
            let since = r.since().unwrap_or(0);
            seen.extend(
                log.iter()
                    .copied()
                    .filter(|&t| t >= since)
                    .filter(|&t| r.admit(t)),
            );
            assert_eq!(seen, log, "cut after {cut}");
        }
    }

    /// Docker copies stdout and stderr on two goroutines into one json-file, so its log is not
    /// always in timestamp order: a stderr line can come after a stdout line stamped later. A
    /// first read passes every line; only a read again drops what came before.
    #[test]
    fn a_log_out_of_timestamp_order_loses_no_line() {
        let log = [1, 2, 5, 4, 6, 6, 3, 7];
        let mut r = Resume::default();
        let seen: Vec<i128> = log.iter().copied().filter(|&t| r.admit(t)).collect();
        assert_eq!(seen, log);
        // Reading again from the last line's time repeats nothing, and what follows, in any
        // order, is passed.
        r.restart();
        let since = r.since().unwrap_or(0);
        let again = [7, 8, 7, 9];
        let more: Vec<i128> = again
            .iter()
            .copied()
            .filter(|&t| t >= since)
            .filter(|&t| r.admit(t))
            .collect();
        assert_eq!(more, [8, 7, 9]);
    }
}
