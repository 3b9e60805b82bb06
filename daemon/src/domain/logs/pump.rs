//! One reader's pump: Docker's messages in, batches of frames out, across the instance's stops
//! and starts with nothing sent twice.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use rsrc_shared::api::logs::{
    encode, encode_flagged, parse_rfc3339, split_timestamp, FrameKind, Resume, FLAG_BARE,
};
use rsrc_shared::api::InstanceState;

use super::batches::Tx;
use super::Query;
use crate::domain::instances::resolve::load;
use crate::engine::{LogChunk, LogRange, Output};
use crate::State;

/// A batch goes out when it reaches this size, or when Docker has nothing more ready.
const BATCH_BYTES: usize = 64 * 1024;
/// A reader whose queue stays full this long is cut off.
const SLOW_READER: Duration = Duration::from_secs(5);
/// How long a cut-off reader has to take what is queued before its connection is closed.
const CUT_OFF_GRACE: Duration = Duration::from_secs(2);
/// A follower that has caught up reads this many of the log's last lines again when it starts
/// following, for what was written in between; what it already sent is left out by timestamp.
const CATCH_UP_OVERLAP: usize = 1000;
/// How often a waiting follower looks at the engine's state besides the history bus.
const RECHECK: Duration = Duration::from_secs(2);

pub struct Pump {
    pub state: Arc<State>,
    pub id: String,
    pub name: String,
    /// The instance's container; a recreate gives it a new one, which a follower moves to.
    pub container: std::sync::Mutex<String>,
    pub query: Query,
    /// The line this read waits in before Docker is asked; followers have none.
    pub turn: Option<Arc<tokio::sync::Semaphore>>,
}

/// Why a pump stops sending.
enum Stop {
    /// The reader went away, or the daemon is shutting down: nothing more to say.
    Gone,
    /// The reader did not keep up.
    Slow,
}

/// What a waiting follower found.
enum Found {
    Running,
    Ended(String),
}

impl Pump {
    pub async fn run(self, tx: Tx) {
        match self.pump(&tx).await {
            Ok(()) | Err(Stop::Gone) => {}
            Err(Stop::Slow) => {
                tracing::info!(instance = %self.id, "cut off a log reader that did not keep up");
                let text = format!(
                    "cut off: this reader did not keep up with the log for {}s",
                    SLOW_READER.as_secs()
                );
                tx.give_up(frame(FrameKind::Fail, text.as_bytes()), CUT_OFF_GRACE)
                    .await;
            }
        }
    }

    async fn pump(&self, tx: &Tx) -> Result<(), Stop> {
        // Held until the read ends, or for a follower until it has caught up. The line is
        // never closed; were it, the read goes ahead.
        let mut turn = match &self.turn {
            Some(line) => tokio::select! {
                turn = Arc::clone(line).acquire_owned() => turn.ok(),
                _ = tx.tx.closed() => return Err(Stop::Gone),
                _ = self.state.shutdown.cancelled() => return Err(Stop::Gone),
            },
            None => None,
        };
        let mut resume = Resume::default();
        let mut first = true;
        // What the first round's tail left out stays out of the later ones.
        let opened_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        // A follower first reads what is there without follow, in its turn, like any read:
        // a hundred followers' `--tail all` are a hundred full reads for Docker.
        // Following up to a time that has passed is reading up to it: Docker would wait.
        let follow = self.query.follow && self.query.until.is_none_or(|u| u > opened_at);
        let mut catching_up = follow && self.turn.is_some();
        let mut after_catch_up = false;
        loop {
            let since = if first {
                self.query.since
            } else {
                resume.restart();
                resume
                    .since()
                    .or(Some(self.query.since.unwrap_or(0).max(opened_at)))
            };
            let tail = match () {
                _ if first => self.query.tail,
                // Following on from the catch-up: only the log's end is read again, so Docker
                // does not scan the whole file for `since` outside a turn.
                _ if after_catch_up => Some(CATCH_UP_OVERLAP),
                _ => None,
            };
            after_catch_up = false;
            let range = LogRange {
                follow: follow && !catching_up,
                tail,
                since: since.map_or(0, |n| (n.div_euclid(1_000_000_000)) as i64),
                // Docker's until is whole seconds and inclusive: round up, filter here.
                until: self
                    .query
                    .until
                    .map_or(0, |n| (n + 999_999_999).div_euclid(1_000_000_000) as i64),
                timestamps: !self.bare(),
            };
            first = false;
            let began = tokio::time::Instant::now();
            let ended = self.round(tx, range, since, &mut resume).await?;
            if catching_up {
                catching_up = false;
                turn = None;
                if ended.is_ok() {
                    after_catch_up = true;
                    continue;
                }
            }
            drop(turn.take());
            if !follow || self.query.until.is_some() {
                return match ended {
                    Ok(()) => send_in_time(tx, frame(FrameKind::End, b""), &self.state).await,
                    Err(e) => {
                        send_in_time(tx, frame(FrameKind::Fail, e.as_bytes()), &self.state).await
                    }
                };
            }
            match self.wait_running(tx).await? {
                // Docker refuses the log of a running container (a log driver it cannot read
                // back, say): asking again would only spin.
                Found::Running if ended.is_err() => {
                    let e = ended.err().unwrap_or_default();
                    return send_in_time(tx, frame(FrameKind::Fail, e.as_bytes()), &self.state)
                        .await;
                }
                Found::Running => {
                    if began.elapsed() < Duration::from_millis(100) {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
                Found::Ended(why) => {
                    return send_in_time(tx, frame(FrameKind::End, why.as_bytes()), &self.state)
                        .await
                }
            }
        }
    }

    fn container(&self) -> String {
        self.container
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn set_container(&self, container: String) {
        *self
            .container
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = container;
    }

    /// Reads one Docker stream to its end. `Ok(Err(text))`: Docker broke it off.
    async fn round(
        &self,
        tx: &Tx,
        range: LogRange,
        from: Option<i128>,
        resume: &mut Resume,
    ) -> Result<Result<(), String>, Stop> {
        let mut stream = match self.state.engine.log_stream(&self.container(), range).await {
            Ok(s) => s,
            Err(e) => return Ok(Err(e.chain())),
        };
        let mut out = Vec::with_capacity(BATCH_BYTES);
        loop {
            let item = tokio::select! {
                item = stream.next() => item,
                _ = tx.tx.closed() => return Err(Stop::Gone),
                _ = self.state.shutdown.cancelled() => return Err(Stop::Gone),
            };
            let mut ended = match item {
                None => Some(Ok(())),
                Some(Err(e)) => Some(Err(e.chain())),
                Some(Ok(chunk)) => {
                    self.add(&mut out, chunk, from, resume);
                    None
                }
            };
            // Whatever Docker has ready goes in the same batch: one write for many lines.
            while ended.is_none() && out.len() < BATCH_BYTES {
                match stream.next().now_or_never() {
                    None => break,
                    Some(None) => ended = Some(Ok(())),
                    Some(Some(Err(e))) => ended = Some(Err(e.chain())),
                    Some(Some(Ok(chunk))) => self.add(&mut out, chunk, from, resume),
                }
            }
            // Without follow the log is there already: no one waits for a line, so batches go
            // full (Docker sends a message at a time, and a batch a message costs a write each).
            let full = out.len() >= BATCH_BYTES || ended.is_some() || self.query.follow;
            if !out.is_empty() && full {
                let batch =
                    Bytes::from(std::mem::replace(&mut out, Vec::with_capacity(BATCH_BYTES)));
                send_in_time(tx, batch, &self.state).await?;
            }
            if let Some(ended) = ended {
                return Ok(ended);
            }
        }
    }

    /// Whether the lines go without timestamps: the reader needs none, nor do we (no resume,
    /// no filter finer than Docker's seconds). Docker then formats none, which costs it less.
    fn bare(&self) -> bool {
        self.query.bare
            && !self.query.follow
            && self.query.since.is_none()
            && self.query.until.is_none()
    }

    /// Frames a chunk's messages, but those the query or the resume point leaves out.
    fn add(&self, out: &mut Vec<u8>, chunk: LogChunk, from: Option<i128>, resume: &mut Resume) {
        if self.bare() {
            return forward(out, &chunk);
        }
        for (output, payload) in chunk.messages() {
            let (ts, _) = split_timestamp(payload);
            if let Some(ts) = ts
                .and_then(|t| std::str::from_utf8(t).ok())
                .and_then(parse_rfc3339)
            {
                if from.is_some_and(|s| ts < s)
                    || self.query.until.is_some_and(|u| ts > u)
                    || !resume.admit(ts)
                {
                    continue;
                }
            }
            encode(out, kind(output), payload);
        }
    }

    /// Waits until the instance runs again, or is gone.
    async fn wait_running(&self, tx: &Tx) -> Result<Found, Stop> {
        let mut cursor = self.state.registry.history_cursor();
        let mut bus_open = true;
        let mut told = false;
        loop {
            let mut recreating = false;
            match load(&self.state, &self.id).await {
                Ok(Some(row)) if matches!(row.state, InstanceState::Recreating) => {
                    recreating = true
                }
                Ok(Some(row)) if row.container_ref() != self.container() => {
                    // Recreated: the same instance in a new container, whose log starts anew.
                    self.set_container(row.container_ref());
                }
                Ok(None) => {
                    return Ok(Found::Ended(format!(
                        "instance `{}` was removed",
                        self.name
                    )))
                }
                Ok(Some(row)) if matches!(row.state, InstanceState::Removing) => {
                    return Ok(Found::Ended(format!(
                        "instance `{}` was removed",
                        self.name
                    )))
                }
                Ok(Some(row)) if matches!(row.state, InstanceState::Lost) => {
                    return Ok(Found::Ended(format!(
                        "instance `{}` is lost: its container is gone",
                        self.name
                    )))
                }
                _ => {}
            }
            match self.state.engine.inspect(&self.container()).await {
                Ok(Some(o)) if o.running && !recreating => return Ok(Found::Running),
                // Mid-recreate the old container goes away: wait for the new one.
                Ok(None) if recreating => {}
                Ok(None) => {
                    return Ok(Found::Ended(format!(
                        "instance `{}`: its container is gone",
                        self.name
                    )))
                }
                Ok(Some(_)) | Err(_) => {}
            }
            if !told {
                told = true;
                let text = if recreating {
                    format!(
                        "instance `{}` is being recreated; following its new container",
                        self.name
                    )
                } else {
                    format!(
                        "instance `{}` is not running; waiting for it to start again",
                        self.name
                    )
                };
                send_in_time(tx, frame(FrameKind::Notice, text.as_bytes()), &self.state).await?;
            }
            tokio::select! {
                changed = cursor.changed(), if bus_open => bus_open = changed.is_ok(),
                _ = tokio::time::sleep(RECHECK) => {}
                _ = tx.tx.closed() => return Err(Stop::Gone),
                _ = self.state.shutdown.cancelled() => return Err(Stop::Gone),
            }
        }
    }
}

fn kind(output: Output) -> FrameKind {
    match output {
        Output::Stdout => FrameKind::Stdout,
        Output::Stderr => FrameKind::Stderr,
    }
}

/// A chunk's messages as bare frames.
fn forward(out: &mut Vec<u8>, chunk: &LogChunk) {
    for (output, payload) in chunk.messages() {
        encode_flagged(out, kind(output), FLAG_BARE, payload);
    }
}

fn frame(kind: FrameKind, payload: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(payload.len() + 8);
    encode(&mut out, kind, payload);
    Bytes::from(out)
}

async fn send_in_time(tx: &Tx, batch: Bytes, state: &State) -> Result<(), Stop> {
    tokio::select! {
        sent = tokio::time::timeout(SLOW_READER, tx.tx.send(batch)) => match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Stop::Gone),
            Err(_) => Err(Stop::Slow),
        },
        _ = state.shutdown.cancelled() => Err(Stop::Gone),
    }
}
