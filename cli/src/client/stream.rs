//! Streamed answers, read as they arrive: the NDJSON stream of `POST /v1/images/pull`, and the
//! log frames of `GET /v1/instances/{ref}/logs`.

use http_body_util::BodyExt;
use hyper::body::Incoming;
use rsrc_shared::api::logs::{Decoder, Frame};
use rsrc_shared::api::PullProgress;

use super::{chain_text, ClientError, Credential};

/// The longest NDJSON line we accept from a stream.
const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The lines of an NDJSON body as they arrive: the pull's progress and the event stream.
pub(super) struct Lines {
    body: Incoming,
    buffer: Vec<u8>,
    ended: bool,
    /// What the stream is, for errors: "the pull stream", "the event stream".
    what: &'static str,
}

impl Lines {
    pub(super) fn new(body: Incoming, what: &'static str) -> Self {
        Lines {
            body,
            buffer: Vec::new(),
            ended: false,
            what,
        }
    }

    /// The next non-empty line, trimmed; a last line without its newline counts. `None` once
    /// the body ended; an error for a body that broke off or a line over the limit.
    pub(super) async fn next(&mut self) -> Option<Result<String, ClientError>> {
        loop {
            if let Some(pos) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=pos).collect();
                let text = String::from_utf8_lossy(&line).trim().to_string();
                if text.is_empty() {
                    continue;
                }
                return Some(Ok(text));
            }
            if self.ended {
                let rest = String::from_utf8_lossy(&self.buffer).trim().to_string();
                self.buffer.clear();
                return (!rest.is_empty()).then_some(Ok(rest));
            }
            if self.buffer.len() > MAX_LINE_BYTES {
                self.ended = true;
                self.buffer.clear();
                return Some(Err(ClientError::Protocol(format!(
                    "a line of {} is too long",
                    self.what
                ))));
            }
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buffer.extend_from_slice(&data);
                    }
                }
                Some(Err(e)) => {
                    self.ended = true;
                    self.buffer.clear();
                    return Some(Err(ClientError::Cut(format!(
                        "{} broke off: {}",
                        self.what,
                        chain_text(&e)
                    ))));
                }
                None => self.ended = true,
            }
        }
    }
}

/// The NDJSON stream of an image pull.
pub struct PullStream {
    lines: Lines,
    finished: bool,
    sent: Credential,
}

impl PullStream {
    pub(super) fn new(body: Incoming, sent: Credential) -> Self {
        PullStream {
            lines: Lines::new(body, "the pull stream"),
            finished: false,
            sent,
        }
    }

    /// The next progress line; `None` after the line with `done` set. A line with `error` set
    /// ends the stream as that error; a stream that ends without `done` is a protocol error.
    pub async fn next(&mut self) -> Option<Result<PullProgress, ClientError>> {
        if self.finished {
            return None;
        }
        match self.lines.next().await {
            Some(Ok(text)) => Some(self.parse_line(&text)),
            Some(Err(e)) => {
                self.finished = true;
                Some(Err(e))
            }
            None => {
                self.finished = true;
                Some(Err(ClientError::Cut(
                    "the pull stream ended before the pull was done".into(),
                )))
            }
        }
    }

    fn parse_line(&mut self, text: &str) -> Result<PullProgress, ClientError> {
        let progress: PullProgress = serde_json::from_str(text).map_err(|e| {
            self.finished = true;
            ClientError::Protocol(format!("a line of the pull stream is not valid JSON: {e}"))
        })?;
        if let Some(error) = progress.error {
            self.finished = true;
            return Err(ClientError::from_detail(error, self.sent));
        }
        if progress.done {
            self.finished = true;
        }
        Ok(progress)
    }
}

/// The frames of a log stream (`rsrc_shared::api::logs`), as they arrive.
pub struct LogReader {
    body: Incoming,
    decoder: Decoder,
}

impl LogReader {
    pub(super) fn new(body: Incoming) -> Self {
        LogReader {
            body,
            decoder: Decoder::new(),
        }
    }

    /// Reads the next piece of the body and hands each whole frame in it to `on_frame`.
    /// `Ok(false)`: the body ended. An error is a body that broke off or is not made of frames.
    pub async fn read(&mut self, mut on_frame: impl FnMut(Frame<'_>)) -> Result<bool, ClientError> {
        loop {
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    self.decoder.push(&data);
                    while let Some(frame) = self
                        .decoder
                        .next_frame()
                        .map_err(|e| ClientError::Protocol(e.to_string()))?
                    {
                        on_frame(frame);
                    }
                    return Ok(true);
                }
                Some(Err(e)) => {
                    return Err(ClientError::Cut(format!(
                        "the log stream broke off: {}",
                        chain_text(&e)
                    )))
                }
                None if self.decoder.pending() > 0 => {
                    return Err(ClientError::Cut(
                        "the log stream ended in the middle of a frame".into(),
                    ))
                }
                None => return Ok(false),
            }
        }
    }
}
