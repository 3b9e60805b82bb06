//! The response body of a log stream: batches of frames from the pump through a small bounded
//! channel, so a reader that does not read holds up its own pump and no one else's, and the
//! daemon holds at most `QUEUED` batches for it.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::Frame;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Batches queued for one reader; with `BATCH_BYTES` each, the most one reader costs.
pub const QUEUED: usize = 4;

/// The last word of a pump that gave up on its reader: the queue is full then, so it waits
/// beside it and goes out after what is queued.
type LastWord = Arc<Mutex<Option<Bytes>>>;

pub struct LogBody {
    rx: mpsc::Receiver<Bytes>,
    last: LastWord,
    /// Set once the body ended, so that the pump knows the reader got everything.
    done: Arc<AtomicBool>,
}

/// The pump's end.
pub struct Tx {
    pub tx: mpsc::Sender<Bytes>,
    last: LastWord,
    done: Arc<AtomicBool>,
    /// Closes the connection itself: a reader that reads nothing would otherwise hold it (and
    /// hyper's write in it) for ever.
    hangup: Option<CancellationToken>,
}

pub fn channel(hangup: Option<CancellationToken>) -> (LogBody, Tx) {
    let (tx, rx) = mpsc::channel(QUEUED);
    let last = LastWord::default();
    let done = Arc::new(AtomicBool::new(false));
    (
        LogBody {
            rx,
            last: Arc::clone(&last),
            done: Arc::clone(&done),
        },
        Tx {
            tx,
            last,
            done,
            hangup,
        },
    )
}

impl Tx {
    /// Ends the stream with `frame` after what is queued, then, if the reader has not taken it
    /// all within `grace`, closes its connection.
    pub async fn give_up(self, frame: Bytes, grace: std::time::Duration) {
        if let Ok(mut slot) = self.last.lock() {
            *slot = Some(frame);
        }
        let Tx {
            tx, done, hangup, ..
        } = self;
        drop(tx);
        tokio::time::sleep(grace).await;
        if !done.load(Ordering::Acquire) {
            if let Some(hangup) = hangup {
                hangup.cancel();
            }
        }
    }
}

impl hyper::body::Body for LogBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(batch)) => Poll::Ready(Some(Ok(Frame::data(batch)))),
            Poll::Ready(None) => {
                let last = this.last.lock().ok().and_then(|mut slot| slot.take());
                match last {
                    Some(frame) => Poll::Ready(Some(Ok(Frame::data(frame)))),
                    None => {
                        this.done.store(true, Ordering::Release);
                        Poll::Ready(None)
                    }
                }
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
