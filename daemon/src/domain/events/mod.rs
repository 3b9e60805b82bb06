//! The history service and its event bus.
//!
//! Every state change of every instance is one typed entry, appended with [`record`] inside the
//! transaction that made the change, so the history and the instance agree after any crash.
//! Once the transaction commits, the registry publishes the newest entry id (see
//! `Registry::history_cursor`). A [`Subscription`] wakes on that and reads what is new from the
//! table by cursor, so a subscriber that lags behind loses nothing and holds up nobody: the table
//! is the buffer. Live events, alerts and uptime hang on this.

use tokio::sync::watch;

use crate::error::{Error, Result};
use crate::registry::{self, Registry, Snap, Tx};

pub use crate::registry::history::{LastState, NewEvent as Entry, StoredEvent};

/// How many entries a subscriber reads at a time.
const BATCH: i64 = 256;

/// Appends `entry` to the history; returns its id. Published on the bus once the caller's
/// transaction commits.
pub fn record(tx: &Tx, entry: &Entry) -> Result<i64> {
    registry::history::append(tx, entry)
}

/// The newest recorded up/down state of an instance; `None` before its first entry.
pub fn last_state(snap: &Snap, instance_id: &str) -> Result<Option<LastState>> {
    registry::history::last_state(snap, instance_id)
}

/// A reader of the history from a cursor on.
pub struct Subscription {
    registry: Registry,
    published: watch::Receiver<i64>,
    after: i64,
}

impl Subscription {
    /// Entries after `after` (an entry id; 0 for the whole history), then each new one.
    pub fn new(registry: &Registry, after: i64) -> Subscription {
        Subscription {
            registry: registry.clone(),
            published: registry.history_cursor(),
            after,
        }
    }

    /// The subscription's position: the id of the last entry it returned.
    pub fn cursor(&self) -> i64 {
        self.after
    }

    /// The next entries, oldest first; waits until there are some. Fails only when the registry
    /// has stopped.
    pub async fn next(&mut self) -> Result<Vec<StoredEvent>> {
        loop {
            let newest = *self.published.borrow_and_update();
            if newest > self.after {
                let after = self.after;
                let batch = self
                    .registry
                    .read(move |snap| registry::history::after(snap, after, BATCH))
                    .await?;
                if let Some(last) = batch.last() {
                    self.after = last.id;
                    return Ok(batch);
                }
                // Published but not visible to this reader yet: wait for the next change.
            }
            self.published
                .changed()
                .await
                .map_err(|_| Error::internal("the registry has stopped"))?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsrc_shared::api::{Cause, EventKind};

    fn entry(n: i64) -> Entry {
        Entry {
            instance_id: "abc".into(),
            owner_id: 1,
            at: n,
            kind: EventKind::Started,
            up: true,
            cause: Cause::Docker,
            exit_code: None,
            detail: None,
        }
    }

    #[tokio::test]
    async fn subscribers_get_every_entry_once_after_commit_however_late() {
        let reg = Registry::open_in_memory().unwrap();
        let mut early = Subscription::new(&reg, 0);
        reg.write(|tx| {
            record(tx, &entry(1))?;
            record(tx, &entry(2))?;
            Ok(())
        })
        .await
        .unwrap();
        let got = early.next().await.unwrap();
        assert_eq!(got.iter().map(|e| e.event.at).collect::<Vec<_>>(), [1, 2]);

        // A rolled-back entry is never published.
        let _ = reg
            .write(|tx| {
                record(tx, &entry(99))?;
                Err::<(), _>(Error::internal("roll back"))
            })
            .await;
        reg.write(|tx| record(tx, &entry(3)).map(drop))
            .await
            .unwrap();
        let got = early.next().await.unwrap();
        assert_eq!(got.iter().map(|e| e.event.at).collect::<Vec<_>>(), [3]);

        // One that subscribes late, from the start, reads it all from the table.
        let mut late = Subscription::new(&reg, 0);
        let got = late.next().await.unwrap();
        assert_eq!(
            got.iter().map(|e| e.event.at).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(late.cursor(), got[2].id);
    }
}

pub mod reader;
