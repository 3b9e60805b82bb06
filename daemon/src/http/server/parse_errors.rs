//! JSON bodies for the errors hyper answers itself. When a request head cannot be parsed (a
//! bad request line, header or Content-Length: 400; a path too long: 414; a head too large:
//! 431) hyper writes a bare status line with `content-length: 0` and closes; it has no hook to
//! choose the body. This wrapper around the connection's stream recognises exactly that write
//! and sends the same status with the JSON error body every other error has. rsrcd's own
//! responses never match: every error it sends has a JSON body.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A stream whose writes pass through, except hyper's bodiless parse-error answers.
pub struct JsonParseErrors<S> {
    inner: S,
    /// The replacement answer and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl<S> JsonParseErrors<S> {
    pub fn new(inner: S) -> Self {
        JsonParseErrors {
            inner,
            pending: None,
        }
    }
}

/// The JSON answer for one of hyper's parse-error heads, or `None` for any other write.
pub fn replacement(buf: &[u8]) -> Option<Vec<u8>> {
    let head = std::str::from_utf8(buf).ok()?;
    let head = head.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()?
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()?;
    let message = match status {
        400 => "the request could not be parsed: a bad request line, header or Content-Length",
        414 => "the request's path is too long",
        431 => "the request's head is too large",
        _ => return None,
    };
    // hyper's own answer carries nothing but its length (0), `connection: close` and a date.
    let bodiless = lines.all(|l| match l.split_once(':') {
        Some((name, value)) => {
            let (name, value) = (name.trim(), value.trim());
            (name.eq_ignore_ascii_case("content-length") && value == "0")
                || (name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close"))
                || name.eq_ignore_ascii_case("date")
        }
        None => false,
    });
    bodiless.then(|| {
        crate::http::api::response::raw_error(
            status,
            rsrc_shared::ErrorCode::InvalidRequest,
            message,
        )
    })
}

impl<S: AsyncWrite + Unpin> JsonParseErrors<S> {
    /// Writes what is left of a replacement answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonParseErrors<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(bytes) = replacement(buf) {
            // The whole head is taken; the replacement goes out in its place.
            self.pending = Some((bytes, 0));
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    /// Vectored like the stream under it, so hyper queues bodies instead of copying each one into
    /// its own buffer (a 600 KB listing was copied whole). A head hyper makes for a parse error
    /// has no body, so it is the first non-empty slice and is recognised there.
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            if let Some(bytes) = replacement(first) {
                self.pending = Some((bytes, 0));
                let _ = self.poll_pending(cx)?;
                return Poll::Ready(Ok(first.len()));
            }
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_parse_error_heads_get_a_json_body() {
        for (head, status) in [
            (
                "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\
                 date: Tue, 01 Dec 2026 11:00:09 GMT\r\n\r\n",
                400,
            ),
            (
                "HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n",
                414,
            ),
            (
                "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n",
                431,
            ),
        ] {
            let out = replacement(head.as_bytes()).expect(head);
            let out = String::from_utf8(out).unwrap();
            assert!(out.starts_with(&format!("HTTP/1.1 {status} ")), "{out}");
            let (head, body) = out.split_once("\r\n\r\n").unwrap();
            assert!(
                head.contains(&format!("content-length: {}", body.len())),
                "{out}"
            );
            assert!(head.contains("connection: close"), "{out}");
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(v["error"]["code"], "invalid_request");
        }
    }

    #[test]
    fn every_other_write_passes_through() {
        for other in [
            // rsrcd's own errors have a body.
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 50\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            "HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n",
            "{\"error\": 1}",
            "",
        ] {
            assert_eq!(replacement(other.as_bytes()), None, "{other:?}");
        }
    }

    #[tokio::test]
    async fn the_replacement_is_written_in_full() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (a, mut b) = tokio::io::duplex(16);
        let mut w = JsonParseErrors::new(a);
        let writer = tokio::spawn(async move {
            w.write_all(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
            w.shutdown().await.unwrap();
        });
        let mut got = String::new();
        b.read_to_string(&mut got).await.unwrap();
        writer.await.unwrap();
        assert!(got.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{got}");
        assert!(got.ends_with("\"}}"), "{got}");
    }
}
