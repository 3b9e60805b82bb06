//! The binary frames both streams of the API carry: the log body (`api::logs`) and an exec's
//! upgraded connection (`api::exec`). Each stream names its own kinds and flags; the header and
//! the reassembly are the same:
//!
//! ```text
//! [kind u8][flags u8][0u8][0u8][length u32 big-endian][payload: length bytes]
//! ```

/// The header's size.
pub const HEADER_LEN: usize = 8;
/// The largest payload one frame carries; longer data goes out in several frames.
pub const MAX_PAYLOAD: usize = 1024 * 1024;

/// Appends a frame header; `len` is at most [`MAX_PAYLOAD`].
pub fn header(out: &mut Vec<u8>, kind: u8, flags: u8, len: usize) {
    out.extend_from_slice(&[kind, flags, 0, 0]);
    // MAX_PAYLOAD fits a u32.
    out.extend_from_slice(&(len as u32).to_be_bytes());
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    UnknownKind(u8),
    BadHeader,
    TooLong(usize),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::UnknownKind(k) => write!(f, "a frame of unknown kind {k}"),
            FrameError::BadHeader => write!(f, "a frame with a malformed header"),
            FrameError::TooLong(n) => write!(f, "a frame of {n} bytes, over the limit"),
        }
    }
}

impl std::error::Error for FrameError {}

/// One frame: its kind as the stream names it, its flags and its payload, borrowed from the
/// decoder's buffer.
pub struct RawFrame<'a, K> {
    pub kind: K,
    pub flags: u8,
    pub payload: &'a [u8],
}

/// Reassembles frames from chunks as they arrive. It holds at most one frame and one chunk.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
    pos: usize,
}

impl Decoder {
    pub fn push(&mut self, chunk: &[u8]) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(chunk);
    }

    /// Bytes received but not yet returned as a frame: non-zero at the end of a stream means
    /// it was cut in the middle of a frame.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The next whole frame, `None` until more bytes arrive. `kind` names the stream's kinds;
    /// a flag outside `flags` is a malformed header. After an error the stream is not to be
    /// trusted any more.
    pub fn next_frame<K>(
        &mut self,
        kind: impl Fn(u8) -> Option<K>,
        flags: u8,
    ) -> Result<Option<RawFrame<'_, K>>, FrameError> {
        let rest = &self.buf[self.pos..];
        if rest.len() < HEADER_LEN {
            return Ok(None);
        }
        let kind = kind(rest[0]).ok_or(FrameError::UnknownKind(rest[0]))?;
        if rest[1] & !flags != 0 || rest[2] != 0 || rest[3] != 0 {
            return Err(FrameError::BadHeader);
        }
        let len = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        if len > MAX_PAYLOAD {
            return Err(FrameError::TooLong(len));
        }
        if rest.len() < HEADER_LEN + len {
            return Ok(None);
        }
        let flags = rest[1];
        let start = self.pos + HEADER_LEN;
        self.pos = start + len;
        Ok(Some(RawFrame {
            kind,
            flags,
            payload: &self.buf[start..start + len],
        }))
    }
}
