//! Docker's log body, read raw, into [`LogChunk`]s: whole messages, cut by header arithmetic.
//!
//! A container without a TTY gets Docker's multiplexed stream: each message is
//! `[stream: 1 stdout, 2 stderr, 3 error][0][0][0][length u32 big-endian][payload]`. Each piece of
//! the body is checked header by header (never byte by byte), and the whole messages are handed
//! on in the buffer they came in, as spans of their payloads. This is the one place that knows
//! the layout. A TTY container's stream is raw output: with timestamps it is cut at line ends
//! (one timestamp a line), without them each piece becomes one message.

use bytes::{Buf, BytesMut};

use crate::engine::{LogChunk, LogChunkBuilder, Output, LOG_BYTES_MAX};

/// The size of a message header in Docker's multiplexed stream.
const HEADER: usize = 8;

/// What the next step gave.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    Chunk(LogChunk),
    /// Docker said the log broke off (its stream 3), or sent what is not its stream.
    Fail(String),
    /// Nothing whole yet.
    More,
}

pub(super) struct Demux {
    buf: BytesMut,
    tty: bool,
    /// A TTY stream with timestamps: cut at line ends.
    lines: bool,
}

impl Demux {
    pub(super) fn new(tty: bool, timestamps: bool) -> Demux {
        Demux {
            buf: BytesMut::new(),
            tty,
            lines: tty && timestamps,
        }
    }

    pub(super) fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes held, not yet handed on.
    pub(super) fn buffered(&self) -> usize {
        self.buf.len()
    }

    pub(super) fn next(&mut self) -> Step {
        if self.tty {
            return self.next_raw(false);
        }
        loop {
            let mut at = 0;
            let mut spans = Vec::new();
            let special = loop {
                let rest = &self.buf[at..];
                if rest.len() < HEADER {
                    break None;
                }
                let stream = rest[0];
                if stream > 3 || rest[1..4] != [0, 0, 0] {
                    return self.fail("Docker sent a log stream that is not multiplexed");
                }
                let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
                // The container decides how long a message is: past this it is refused rather
                // than held.
                if len > LOG_BYTES_MAX {
                    return self.fail("Docker sent a log message over 4 MiB");
                }
                if rest.len() < HEADER + len {
                    break None;
                }
                if stream == 1 || stream == 2 {
                    let output = if stream == 2 {
                        Output::Stderr
                    } else {
                        Output::Stdout
                    };
                    spans.push((output, at + HEADER, at + HEADER + len));
                    at += HEADER + len;
                    continue;
                }
                break Some((stream, len));
            };
            if at > 0 {
                let data = self.buf.split_to(at).freeze();
                return Step::Chunk(LogChunk::from_spans(data, spans));
            }
            let Some((stream, len)) = special else {
                return Step::More;
            };
            let message = self.buf.split_to(HEADER + len);
            if stream == 3 {
                let text = String::from_utf8_lossy(&message[HEADER..]);
                return self.fail(text.trim_end());
            }
            // Stdin (0), which was not asked for: skipped.
        }
    }

    /// The rest after the body ended.
    pub(super) fn finish(&mut self) -> Step {
        if self.tty {
            return self.next_raw(true);
        }
        match self.next() {
            Step::More if !self.buf.is_empty() => {
                self.fail("Docker's log stream ended in the middle of a message")
            }
            step => step,
        }
    }

    fn next_raw(&mut self, last: bool) -> Step {
        if self.buf.is_empty() {
            return Step::More;
        }
        if !self.lines {
            let data = self.buf.split().freeze();
            let len = data.len();
            return Step::Chunk(LogChunk::from_spans(data, [(Output::Stdout, 0, len)]));
        }
        let end = match self.buf.iter().rposition(|&b| b == b'\n') {
            Some(i) => i + 1,
            // A line that long goes on in pieces rather than be held whole.
            None if last || self.buf.len() >= rsrc_shared::api::logs::MAX_PAYLOAD => self.buf.len(),
            None => return Step::More,
        };
        let mut out = LogChunkBuilder::default();
        for line in self.buf[..end].split_inclusive(|&b| b == b'\n') {
            out.push(Output::Stdout, line);
        }
        self.buf.advance(end);
        Step::Chunk(out.finish())
    }

    fn fail(&mut self, why: &str) -> Step {
        self.buf.clear();
        Step::Fail(why.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn message(stream: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![stream, 0, 0, 0];
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    /// Every (stderr, payload) out of `body` pushed `step` bytes at a time, and the failure.
    fn run(d: &mut Demux, body: &[u8], step: usize) -> (Vec<(bool, Vec<u8>)>, Option<String>) {
        let mut got = Vec::new();
        let take = |step: Step, got: &mut Vec<(bool, Vec<u8>)>| match step {
            Step::Chunk(c) => {
                got.extend(c.messages().map(|(o, p)| (o == Output::Stderr, p.to_vec())));
                None
            }
            Step::Fail(why) => Some(Some(why)),
            Step::More => Some(None),
        };
        for piece in body.chunks(step) {
            d.push(piece);
            loop {
                match take(d.next(), &mut got) {
                    None => continue,
                    Some(None) => break,
                    Some(Some(why)) => return (got, Some(why)),
                }
            }
        }
        loop {
            match take(d.finish(), &mut got) {
                None => continue,
                Some(fail) => return (got, fail),
            }
        }
    }

    #[test]
    fn messages_come_whole_however_the_body_is_cut() {
        let mut body = message(1, b"one\n");
        body.extend(message(2, b"two\n"));
        body.extend(message(0, b"stdin"));
        body.extend(message(1, b""));
        body.extend(message(1, &[b'x'; 3000]));
        for step in [1, 3, 8, 9, 13, 100, body.len()] {
            let (got, fail) = run(&mut Demux::new(false, true), &body, step);
            assert_eq!(fail, None, "step {step}");
            assert_eq!(got.len(), 4, "step {step}");
            assert_eq!(got[0], (false, b"one\n".to_vec()));
            assert_eq!(got[1], (true, b"two\n".to_vec()));
            assert_eq!(got[3].1.len(), 3000);
        }
    }

    #[test]
    fn docker_errors_and_garbage_end_the_stream() {
        let mut body = message(1, b"one\n");
        body.extend(message(3, b"error from daemon in stream: boom\n"));
        body.extend(message(1, b"never\n"));
        let (got, fail) = run(&mut Demux::new(false, false), &body, 5);
        assert_eq!(got, vec![(false, b"one\n".to_vec())]);
        assert_eq!(fail.as_deref(), Some("error from daemon in stream: boom"));
        let (_, fail) = run(&mut Demux::new(false, false), b"hello world, no header", 4);
        assert!(fail.unwrap().contains("not multiplexed"));
        let cut = &message(1, b"cut short")[..12];
        let (_, fail) = run(&mut Demux::new(false, false), cut, 4);
        assert!(fail.unwrap().contains("middle of a message"));
        let mut huge = vec![1, 0, 0, 0];
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        let (_, fail) = run(&mut Demux::new(false, false), &huge, 8);
        assert!(fail.unwrap().contains("over 4 MiB"));
    }

    #[test]
    fn a_tty_stream_is_stdout_in_lines_with_timestamps_and_as_is_without() {
        let body = b"2024-01-02T03:04:05Z a\n2024-01-02T03:04:06Z bb\n2024-01-02T03:04:07Z c";
        for step in [1, 5, body.len()] {
            let (got, fail) = run(&mut Demux::new(true, true), body, step);
            assert_eq!(fail, None);
            let lines: Vec<&[u8]> = got.iter().map(|(_, p)| p.as_slice()).collect();
            let want: [&[u8]; 3] = [
                &b"2024-01-02T03:04:05Z a\n"[..],
                b"2024-01-02T03:04:06Z bb\n",
                b"2024-01-02T03:04:07Z c",
            ];
            assert_eq!(lines, want);
            assert!(got.iter().all(|(e, _)| !e));
            let (got, _) = run(&mut Demux::new(true, false), body, step);
            let all: Vec<u8> = got.into_iter().flat_map(|(_, p)| p).collect();
            assert_eq!(all, body);
        }
    }
}
