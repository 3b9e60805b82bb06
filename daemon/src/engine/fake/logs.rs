//! A fake container's log: what its scripts wrote, read as Docker reads its json-file log: the
//! lines in range (the last `tail` of them), then with `follow` what comes, until the container
//! stops.

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use tokio::sync::watch;

use super::{FakeEngine, World};
use crate::engine::{LogChunk, LogChunkBuilder, LogRange, LogStream, Output};

/// One line a container wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Unix nanoseconds.
    pub at: i128,
    pub output: Output,
    pub payload: Vec<u8>,
}

struct Reader {
    world: Arc<Mutex<World>>,
    changes: watch::Receiver<u64>,
    id: String,
    range: LogRange,
    /// The next line to look at.
    next: usize,
    first: bool,
}

impl FakeEngine {
    /// Container `id`'s log in `range`.
    pub(super) fn follow_log(&self, id: String, range: LogRange) -> LogStream {
        let reader = Reader {
            world: Arc::clone(&self.world),
            changes: self.changes.subscribe(),
            id,
            range,
            next: 0,
            first: true,
        };
        futures_util::stream::unfold(reader, |mut r| async move {
            loop {
                r.changes.borrow_and_update();
                let (chunk, running) = {
                    let world = r.world.lock().unwrap_or_else(|e| e.into_inner());
                    // A removed container's log ends with it.
                    let c = world.containers.get(&r.id)?;
                    if r.first {
                        r.first = false;
                        r.next = r.range.tail.map_or(0, |n| c.log.len().saturating_sub(n));
                    }
                    let mut chunk = LogChunkBuilder::default();
                    for line in c.log.get(r.next..).unwrap_or_default() {
                        if in_range(line.at, &r.range) {
                            push(&mut chunk, line, r.range.timestamps);
                        }
                    }
                    r.next = c.log.len();
                    (chunk, c.running)
                };
                if !chunk.is_empty() {
                    return Some((Ok::<LogChunk, _>(chunk.finish()), r));
                }
                if !r.range.follow || !running {
                    return None;
                }
                r.changes.changed().await.ok()?;
            }
        })
        .boxed()
    }
}

/// Docker's filter: from `since` on, up to `until`, in whole seconds; 0 is no bound.
fn in_range(at: i128, range: &LogRange) -> bool {
    let second = 1_000_000_000;
    (range.since <= 0 || at >= i128::from(range.since) * second)
        && (range.until <= 0 || at <= i128::from(range.until) * second)
}

fn push(chunk: &mut LogChunkBuilder, line: &LogLine, timestamps: bool) {
    if !timestamps {
        return chunk.push(line.output, &line.payload);
    }
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(line.at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let mut payload = Vec::with_capacity(at.len() + 1 + line.payload.len());
    payload.extend_from_slice(at.as_bytes());
    payload.push(b' ');
    payload.extend_from_slice(&line.payload);
    chunk.push(line.output, &payload);
}
