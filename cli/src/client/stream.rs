//! Streamed answers, read as they arrive: the NDJSON stream of `POST /v1/images/pull`, and the
//! log frames of `GET /v1/instances/{ref}/logs`.

use http_body_util::BodyExt;
use hyper::body::Incoming;
use rsrc_shared::api::logs::{Decoder, Frame};
use rsrc_shared::api::PullProgress;

use super::{chain_text, ClientError, Credential};

/// The longest NDJSON line we accept from a stream.
const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The NDJSON stream of an image pull.
pub struct PullStream {
    body: Incoming,
    buffer: Vec<u8>,
    finished: bool,
    sent: Credential,
}

impl PullStream {
    pub(super) fn new(body: Incoming, sent: Credential) -> Self {
        PullStream {
            body,
            buffer: Vec::new(),
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
        loop {
            if let Some(pos) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=pos).collect();
                let text = String::from_utf8_lossy(&line);
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                return Some(self.parse_line(text));
            }
            if self.buffer.len() > MAX_LINE_BYTES {
                self.finished = true;
                return Some(Err(ClientError::Protocol(
                    "a line of the pull stream is too long".into(),
                )));
            }
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buffer.extend_from_slice(&data);
                    }
                }
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(ClientError::Protocol(format!(
                        "the pull stream broke off: {}",
                        chain_text(&e)
                    ))));
                }
                None => {
                    self.finished = true;
                    let rest = String::from_utf8_lossy(&self.buffer).trim().to_string();
                    self.buffer.clear();
                    if !rest.is_empty() {
                        let result = self.parse_line(&rest);
                        if matches!(&result, Ok(p) if p.done) {
                            return Some(result);
                        }
                        if result.is_err() {
                            return Some(result);
                        }
                    }
                    return Some(Err(ClientError::Protocol(
                        "the pull stream ended before the pull was done".into(),
                    )));
                }
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
                    return Err(ClientError::Protocol(format!(
                        "the log stream broke off: {}",
                        chain_text(&e)
                    )))
                }
                None if self.decoder.pending() > 0 => {
                    return Err(ClientError::Protocol(
                        "the log stream ended in the middle of a frame".into(),
                    ))
                }
                None => return Ok(false),
            }
        }
    }
}
