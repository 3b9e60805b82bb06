//! `POST /v1/instances/{ref}/exec`: a command run in an instance's container (`rsrc exec`).
//!
//! The request is JSON ([`ExecRequest`]) with `Connection: Upgrade` and `Upgrade:`
//! [`UPGRADE_PROTOCOL`]. Every check (the instance, its owner, its machine's `exec` switch, its
//! state) is made before the answer; a refusal is an ordinary JSON error. Once the command runs
//! the daemon answers `101 Switching Protocols`, and from then on the connection carries frames
//! both ways, with the header of the log stream (`api::logs`):
//!
//! ```text
//! [kind u8][0u8][0u8][0u8][length u32 big-endian][payload: length bytes]
//! ```
//!
//! - client to daemon: `Stdin` (bytes for the command's stdin), `StdinEnd` (stdin is closed),
//!   `Resize` (a TTY's size: rows and columns, u16 big-endian each).
//! - daemon to client: `Stdout`, `Stderr` (with a TTY everything is `Stdout`), then `Exit` (the
//!   command's exit code, i32 big-endian) or `Fail` (the daemon lost the command; text), after
//!   which the daemon closes the connection.
//!
//! A connection that closes before `Exit` means the client went away (Ctrl-C, a closed
//! terminal): the daemon ends the command in the container.

use serde::{Deserialize, Serialize};

/// The value of the `Upgrade` header of the request and of the 101 answer.
pub const UPGRADE_PROTOCOL: &str = "rsrc-exec";
use super::frames;
pub use super::frames::{FrameError, HEADER_LEN, MAX_PAYLOAD};
/// The most arguments a command may have, and the most bytes in all of them.
pub const MAX_ARGS: usize = 4096;
pub const MAX_ARGS_BYTES: usize = 256 * 1024;

/// The body of the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecRequest {
    /// The command and its arguments (no shell).
    pub cmd: Vec<String>,
    /// Give the command a TTY: its stdout and stderr are then one stream.
    #[serde(default)]
    pub tty: bool,
    /// Attach the command's stdin (`-i`); without it the command reads an empty stdin.
    #[serde(default)]
    pub stdin: bool,
    /// The TTY's first size, when `tty`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<TermSize>,
}

/// A terminal's size in characters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermSize {
    pub rows: u16,
    pub cols: u16,
}

impl TermSize {
    /// The payload of a `Resize` frame.
    pub fn to_bytes(self) -> [u8; 4] {
        let [r0, r1] = self.rows.to_be_bytes();
        let [c0, c1] = self.cols.to_be_bytes();
        [r0, r1, c0, c1]
    }

    pub fn from_bytes(payload: &[u8]) -> Option<TermSize> {
        match payload {
            [r0, r1, c0, c1] => Some(TermSize {
                rows: u16::from_be_bytes([*r0, *r1]),
                cols: u16::from_be_bytes([*c0, *c1]),
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    Stdin = 0,
    Stdout = 1,
    Stderr = 2,
    Exit = 3,
    Fail = 4,
    StdinEnd = 5,
    Resize = 6,
}

impl FrameKind {
    fn from_byte(b: u8) -> Option<FrameKind> {
        Some(match b {
            0 => FrameKind::Stdin,
            1 => FrameKind::Stdout,
            2 => FrameKind::Stderr,
            3 => FrameKind::Exit,
            4 => FrameKind::Fail,
            5 => FrameKind::StdinEnd,
            6 => FrameKind::Resize,
            _ => return None,
        })
    }
}

/// Appends one frame (several for a payload over [`MAX_PAYLOAD`]).
pub fn encode(out: &mut Vec<u8>, kind: FrameKind, payload: &[u8]) {
    let mut pieces = payload.chunks(MAX_PAYLOAD).peekable();
    if pieces.peek().is_none() {
        header(out, kind, 0);
        return;
    }
    for piece in pieces {
        header(out, kind, piece.len());
        out.extend_from_slice(piece);
    }
}

/// One frame, encoded.
pub fn frame(kind: FrameKind, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    encode(&mut out, kind, payload);
    out
}

fn header(out: &mut Vec<u8>, kind: FrameKind, len: usize) {
    frames::header(out, kind as u8, 0, len);
}

/// The payload of an `Exit` frame.
pub fn exit_payload(code: i32) -> [u8; 4] {
    code.to_be_bytes()
}

/// The exit code in an `Exit` frame's payload.
pub fn exit_code(payload: &[u8]) -> Option<i32> {
    <[u8; 4]>::try_from(payload).ok().map(i32::from_be_bytes)
}

/// Reassembles frames from reads as they arrive.
#[derive(Default)]
pub struct Decoder(frames::Decoder);

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.0.push(chunk);
    }

    /// Bytes received but not yet returned as a frame.
    pub fn pending(&self) -> usize {
        self.0.pending()
    }

    /// The next whole frame, `None` until more bytes arrive.
    pub fn next_frame(&mut self) -> Result<Option<(FrameKind, &[u8])>, FrameError> {
        let frame = self.0.next_frame(FrameKind::from_byte, 0)?;
        Ok(frame.map(|f| (f.kind, f.payload)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_however_they_are_cut() {
        let mut wire = Vec::new();
        encode(&mut wire, FrameKind::Stdout, b"out\n");
        encode(&mut wire, FrameKind::StdinEnd, b"");
        encode(
            &mut wire,
            FrameKind::Resize,
            &TermSize { rows: 24, cols: 80 }.to_bytes(),
        );
        encode(&mut wire, FrameKind::Exit, &exit_payload(-7));
        for step in [1, 3, 8, wire.len()] {
            let mut d = Decoder::new();
            let mut got = Vec::new();
            for piece in wire.chunks(step) {
                d.push(piece);
                while let Some((kind, payload)) = d.next_frame().unwrap() {
                    got.push((kind, payload.to_vec()));
                }
            }
            assert_eq!(d.pending(), 0);
            assert_eq!(got.len(), 4, "step {step}");
            assert_eq!(got[0], (FrameKind::Stdout, b"out\n".to_vec()));
            assert_eq!(got[1], (FrameKind::StdinEnd, vec![]));
            assert_eq!(
                TermSize::from_bytes(&got[2].1),
                Some(TermSize { rows: 24, cols: 80 })
            );
            assert_eq!(exit_code(&got[3].1), Some(-7));
        }
    }

    #[test]
    fn garbage_is_refused() {
        let mut d = Decoder::new();
        d.push(&[9, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(d.next_frame().unwrap_err(), FrameError::UnknownKind(9));
        let mut d = Decoder::new();
        d.push(&[1, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(d.next_frame().unwrap_err(), FrameError::BadHeader);
        let mut d = Decoder::new();
        d.push(&[1, 0, 0, 0, 0xff, 0, 0, 0]);
        assert!(matches!(d.next_frame(), Err(FrameError::TooLong(_))));
    }
}
