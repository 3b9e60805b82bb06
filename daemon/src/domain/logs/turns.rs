//! Log reads take turns, per user. Each is bulk work for Docker: dockerd decodes
//! its json-file log at about 8 µs a line, on its own threads, at the priority of everything
//! else on the host. One user's hundred parallel `rsrc logs --tail 10000` kept both cores of a
//! 2-core host busy for 7 s, and meanwhile `docker version` took up to 2.4 s. rsrcd holds the
//! Docker socket, so it is the one place that can ration this: a user's reads are admitted a
//! few at a time (`limits.log_reads_per_user`, by default half the cores), first come first served, and the rest wait with
//! their answer begun. Another user's reads do not wait behind them. A follower takes a turn
//! for its catch-up only: once caught up it costs nothing until the container writes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

pub struct LogTurns {
    per_user: Mutex<HashMap<i64, Arc<Semaphore>>>,
    at_once: usize,
}

impl LogTurns {
    /// At most `at_once` (at least 1: the config says so) reads of one user at a time.
    pub fn new(at_once: usize) -> LogTurns {
        LogTurns {
            per_user: Mutex::new(HashMap::new()),
            at_once,
        }
    }

    /// The line `user`'s reads wait in.
    pub fn line(&self, user: i64) -> Arc<Semaphore> {
        let mut lines = self
            .per_user
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A line nobody holds or waits in is forgotten, so the map is as big as the users
        // reading right now.
        lines.retain(|_, line| Arc::strong_count(line) > 1);
        Arc::clone(
            lines
                .entry(user)
                .or_insert_with(|| Arc::new(Semaphore::new(self.at_once))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::sync::OwnedSemaphorePermit;

    async fn wait_turn(line: Arc<Semaphore>) -> Option<OwnedSemaphorePermit> {
        line.acquire_owned().await.ok()
    }

    #[tokio::test]
    async fn a_users_reads_wait_their_turn_and_nobody_elses() {
        let turns = LogTurns::new(1);
        let first = wait_turn(turns.line(1)).await.expect("a turn");
        // The same user's second read waits until the first is done.
        let second = tokio::spawn(wait_turn(turns.line(1)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !second.is_finished(),
            "a second read of user 1 did not wait"
        );
        // Another user's read does not.
        let other = tokio::time::timeout(Duration::from_secs(1), wait_turn(turns.line(2)))
            .await
            .expect("user 2 waited behind user 1");
        assert!(other.is_some());
        drop(first);
        let second = tokio::time::timeout(Duration::from_secs(1), second)
            .await
            .expect("the second read got no turn after the first ended")
            .expect("join");
        assert!(second.is_some());
    }

    #[tokio::test]
    async fn lines_nobody_uses_are_forgotten() {
        let turns = LogTurns::new(2);
        for user in 0..100 {
            drop(wait_turn(turns.line(user)).await);
        }
        let _held = wait_turn(turns.line(7)).await;
        turns.line(8);
        let lines = turns.per_user.lock().expect("lock").len();
        // 7 is held; 8 was made by the last call and is not held.
        assert!(lines <= 2, "{lines} lines kept");
    }
}
