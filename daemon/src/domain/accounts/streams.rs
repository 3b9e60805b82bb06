//! The open streams of each session (`logs -f`, `events -f`, a pull). A stream is authenticated
//! once, when it opens; without this it would outlive a logout, a password change or an admin's
//! disable for as long as the client keeps reading. Revoking a session here ends its streams at
//! once, each with a last word that says why.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio_util::sync::CancellationToken;

use super::Caller;
use crate::error::Error;

/// What the last word of a stream ended by revocation says.
pub const REVOKED: &str = "your session was revoked (logged out, password changed, or account \
                           disabled); log in again with `rsrc login`";

#[derive(Clone, Default)]
pub struct OpenStreams(Arc<Mutex<Open>>);

#[derive(Default)]
struct Open {
    next: u64,
    streams: HashMap<u64, Entry>,
}

struct Entry {
    user_id: i64,
    token_hash: String,
    lease: Arc<Shared>,
}

struct Shared {
    end: CancellationToken,
    revoked: AtomicBool,
}

impl OpenStreams {
    fn lock(&self) -> MutexGuard<'_, Open> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a stream of `caller`'s session; it ends at `shutdown` or when the session is
    /// revoked, and is forgotten when the lease is dropped.
    pub fn open(&self, caller: &Caller, shutdown: &CancellationToken) -> StreamLease {
        let shared = Arc::new(Shared {
            end: shutdown.child_token(),
            revoked: AtomicBool::new(false),
        });
        let mut open = self.lock();
        let id = open.next;
        open.next += 1;
        open.streams.insert(
            id,
            Entry {
                user_id: caller.user.id,
                token_hash: caller.token_hash.clone(),
                lease: Arc::clone(&shared),
            },
        );
        StreamLease(Arc::new(Lease {
            id,
            shared,
            streams: self.clone(),
        }))
    }

    /// Ends the streams of one session (a logout).
    pub fn end_session(&self, token_hash: &str) {
        self.end(|e| e.token_hash == token_hash);
    }

    /// Ends the streams of every session of `user_id` but `keep` (a password change keeps the
    /// session that made it).
    pub fn end_user(&self, user_id: i64, keep: Option<&str>) {
        self.end(|e| e.user_id == user_id && Some(e.token_hash.as_str()) != keep);
    }

    fn end(&self, which: impl Fn(&Entry) -> bool) {
        let open = self.lock();
        for entry in open.streams.values().filter(|e| which(e)) {
            entry.lease.revoked.store(true, Ordering::Release);
            entry.lease.end.cancel();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().streams.len()
    }
}

struct Lease {
    id: u64,
    shared: Arc<Shared>,
    streams: OpenStreams,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.streams.lock().streams.remove(&self.id);
    }
}

/// One open stream's hold on its session; clones share it, and the last one dropped forgets it.
#[derive(Clone)]
pub struct StreamLease(Arc<Lease>);

impl StreamLease {
    /// Cancelled at shutdown or when the session is revoked.
    pub fn end(&self) -> &CancellationToken {
        &self.0.shared.end
    }

    /// Why the stream ended, once `end` fired: `None` while it has not.
    pub fn why(&self) -> Option<Error> {
        if self.0.shared.revoked.load(Ordering::Acquire) {
            Some(Error::Unauthenticated(REVOKED.into()))
        } else if self.0.shared.end.is_cancelled() {
            Some(Error::ShuttingDown)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(user_id: i64, token_hash: &str) -> Caller {
        let user: rsrc_shared::api::User = serde_json::from_value(serde_json::json!({
            "id": user_id, "email": "a@b.co", "name": "a", "role": "user", "verified": true,
            "disabled": false, "notify_email": false, "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap_or_else(|e| panic!("a user: {e}"));
        Caller {
            user,
            token_hash: token_hash.into(),
            peer: super::super::Peer::default(),
        }
    }

    #[test]
    fn revoking_ends_the_sessions_streams_and_no_others() {
        let streams = OpenStreams::default();
        let shutdown = CancellationToken::new();
        let a1 = streams.open(&caller(1, "a1"), &shutdown);
        let a2 = streams.open(&caller(1, "a2"), &shutdown);
        let b = streams.open(&caller(2, "b"), &shutdown);
        streams.end_user(1, Some("a1"));
        assert!(a2.end().is_cancelled());
        assert!(matches!(a2.why(), Some(Error::Unauthenticated(_))));
        assert!(!a1.end().is_cancelled() && a1.why().is_none());
        streams.end_session("a1");
        assert!(a1.end().is_cancelled());
        assert!(!b.end().is_cancelled());
        shutdown.cancel();
        assert!(matches!(b.why(), Some(Error::ShuttingDown)));
        let b2 = b.clone();
        drop((a1, a2, b));
        assert_eq!(streams.len(), 1);
        drop(b2);
        assert_eq!(streams.len(), 0);
    }
}
