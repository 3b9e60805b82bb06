//! What a log reader gets: a stream of batches of frames from the pump through a small bounded
//! channel, so a reader that does not read holds up its own pump and no one else's, and the
//! daemon holds at most `QUEUED` batches for it. The HTTP layer makes it a response body.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Batches queued for one reader; with `BATCH_BYTES` each, the most one reader costs.
pub const QUEUED: usize = 4;

/// The last word of a pump that gave up on its reader: the queue is full then, so it waits
/// beside it and goes out after what is queued.
type LastWord = Arc<Mutex<Option<Bytes>>>;

/// A log, as batches of frames of `rsrc_shared::api::logs`. It ends after the last frame.
pub struct LogBatches {
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

pub fn channel(hangup: Option<CancellationToken>) -> (LogBatches, Tx) {
    let (tx, rx) = mpsc::channel(QUEUED);
    let last = LastWord::default();
    let done = Arc::new(AtomicBool::new(false));
    (
        LogBatches {
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

impl Stream for LogBatches {
    type Item = Bytes;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        let this = self.get_mut();
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(batch)) => Poll::Ready(Some(batch)),
            Poll::Ready(None) => {
                let last = this.last.lock().ok().and_then(|mut slot| slot.take());
                if last.is_none() {
                    this.done.store(true, Ordering::Release);
                }
                Poll::Ready(last)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
