//! How many connections the daemon holds: overall, per peer uid, and a small reserve beyond the
//! overall cap. Every connection costs a descriptor and some memory; without caps, one user
//! with idle connections exhausted the daemon's descriptors and nobody got an answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::config::ConnectionsConfig;

/// A uid holding at most this many connections may use the reserve: a user running one
/// `rsrc version` while others flood the daemon still gets in.
const LIGHT_USER: usize = 4;
/// Descriptors kept for everything that is not a client connection: the registry and its
/// WAL, Docker, mail, the listener, log files.
const FD_MARGIN: u64 = 256;

/// The caps in force (the configured ones, lowered to fit the descriptor limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub max_total: usize,
    pub max_per_uid: usize,
    /// Slots beyond `max_total` for light users, root and the daemon's own uid.
    pub reserve: usize,
}

impl Caps {
    /// The configured caps, lowered when `nofile` (the soft descriptor limit) cannot hold them
    /// with a margin for the daemon's own files.
    pub fn fit(config: &ConnectionsConfig, nofile: u64) -> Caps {
        let reserve_of = |total: usize| (total / 16).max(1);
        let wanted = config.max_total + reserve_of(config.max_total);
        let budget = usize::try_from(nofile.saturating_sub(FD_MARGIN)).unwrap_or(usize::MAX);
        let max_total = if wanted <= budget {
            config.max_total
        } else {
            (budget * 15 / 16).max(1)
        };
        Caps {
            max_total,
            max_per_uid: config.max_per_uid.min(max_total),
            reserve: reserve_of(max_total),
        }
    }
}

/// Why a connection was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The uid holds its whole share.
    PerUid { uid: Option<u32>, held: usize },
    /// The daemon holds all it will.
    Full { total: usize },
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::PerUid {
                uid: Some(uid),
                held,
            } => format!(
                "too many connections from uid {uid} ({held} open); close some and try again"
            ),
            Refusal::PerUid { uid: None, held } => format!(
                "too many connections from peers of unknown uid ({held} open); try again later"
            ),
            Refusal::Full { total } => {
                format!("too many connections to the daemon ({total} open); try again shortly")
            }
        }
    }
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    /// `None`: peers whose credentials could not be read share one count.
    per_uid: HashMap<Option<u32>, usize>,
}

/// The connection counts, shared by the accept loop and the connections' slots.
#[derive(Debug)]
pub struct Admission {
    caps: Caps,
    /// Root and the daemon's own uid may use the reserve however many they hold.
    trusted: [u32; 2],
    counts: Mutex<Counts>,
}

/// One admitted connection; dropping it frees the slot.
#[derive(Debug)]
pub struct Slot {
    admission: Arc<Admission>,
    uid: Option<u32>,
}

impl Admission {
    pub fn new(caps: Caps, own_uid: u32) -> Arc<Admission> {
        Arc::new(Admission {
            caps,
            trusted: [0, own_uid],
            counts: Mutex::new(Counts::default()),
        })
    }

    pub fn caps(&self) -> Caps {
        self.caps
    }

    /// Takes a slot for a connection from `uid`, or says why not.
    pub fn admit(self: &Arc<Self>, uid: Option<u32>) -> Result<Slot, Refusal> {
        // A poisoned lock only means a panic elsewhere while counting; the counts are plain
        // integers and still usable.
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let held = counts.per_uid.get(&uid).copied().unwrap_or(0);
        if held >= self.caps.max_per_uid {
            return Err(Refusal::PerUid { uid, held });
        }
        if counts.total >= self.caps.max_total {
            let may_use_reserve =
                held < LIGHT_USER || uid.is_some_and(|u| self.trusted.contains(&u));
            if !may_use_reserve || counts.total >= self.caps.max_total + self.caps.reserve {
                return Err(Refusal::Full {
                    total: counts.total,
                });
            }
        }
        counts.total += 1;
        *counts.per_uid.entry(uid).or_insert(0) += 1;
        Ok(Slot {
            admission: Arc::clone(self),
            uid,
        })
    }

    /// (total, held by `uid`), for tests and the log.
    pub fn held(&self, uid: Option<u32>) -> (usize, usize) {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        (counts.total, counts.per_uid.get(&uid).copied().unwrap_or(0))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self
            .admission
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        counts.total = counts.total.saturating_sub(1);
        if let Some(n) = counts.per_uid.get_mut(&self.uid) {
            *n -= 1;
            if *n == 0 {
                counts.per_uid.remove(&self.uid);
            }
        }
    }
}

/// Raises the soft descriptor limit to the hard one and returns the soft limit in force. The
/// default soft limit (often 1024) is far below what the caps allow.
pub fn raise_fd_limit() -> u64 {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
            Ok(()) => hard,
            Err(e) => {
                tracing::warn!(error = %e, soft, hard, "cannot raise the descriptor limit");
                soft
            }
        },
        Ok((soft, _)) => soft,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the descriptor limit; assuming 1024");
            1024
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(max_total: usize, max_per_uid: usize, reserve: usize) -> Arc<Admission> {
        Admission::new(
            Caps {
                max_total,
                max_per_uid,
                reserve,
            },
            1000,
        )
    }

    #[test]
    fn a_uid_is_capped_and_gets_its_slots_back() {
        let a = admission(10, 3, 2);
        let slots: Vec<Slot> = (0..3).map(|_| a.admit(Some(5)).unwrap()).collect();
        assert_eq!(
            a.admit(Some(5)).unwrap_err(),
            Refusal::PerUid {
                uid: Some(5),
                held: 3
            }
        );
        // Other uids are not affected.
        let other = a.admit(Some(6)).unwrap();
        assert_eq!(a.held(Some(5)), (4, 3));
        drop(slots);
        assert_eq!(a.held(Some(5)), (1, 0));
        assert!(a.admit(Some(5)).is_ok());
        drop(other);
    }

    #[test]
    fn at_the_overall_cap_the_reserve_is_for_light_users_and_root() {
        let a = admission(8, 8, 2);
        // One heavy uid fills the cap.
        let _heavy: Vec<Slot> = (0..8).map(|_| a.admit(Some(5)).unwrap()).collect();
        assert!(matches!(a.admit(Some(5)), Err(Refusal::PerUid { .. })));
        // A light user gets in through the reserve...
        let light = a.admit(Some(6)).unwrap();
        // ...until the reserve is gone; then even root waits.
        let root = a.admit(Some(0)).unwrap();
        assert_eq!(a.admit(Some(9)).unwrap_err(), Refusal::Full { total: 10 });
        assert_eq!(a.admit(Some(0)).unwrap_err(), Refusal::Full { total: 10 });
        drop((light, root));
        assert!(a.admit(Some(9)).is_ok());
    }

    #[test]
    fn a_heavy_user_does_not_get_the_reserve_but_the_daemons_uid_does() {
        let a = admission(8, 8, 4);
        let _one: Vec<Slot> = (0..4).map(|_| a.admit(Some(5)).unwrap()).collect();
        let _two: Vec<Slot> = (0..4).map(|_| a.admit(Some(1000)).unwrap()).collect();
        assert!(matches!(a.admit(Some(5)), Err(Refusal::Full { .. })));
        assert!(a.admit(Some(1000)).is_ok());
        assert!(a.admit(None).is_ok());
    }

    #[test]
    fn caps_fit_the_descriptor_limit() {
        let config = ConnectionsConfig::default();
        let roomy = Caps::fit(&config, 524_288);
        assert_eq!(
            roomy,
            Caps {
                max_total: 1024,
                max_per_uid: 128,
                reserve: 64
            }
        );
        let tight = Caps::fit(&config, 1024);
        assert!(tight.max_total + tight.reserve <= 1024 - FD_MARGIN as usize);
        assert!(tight.max_per_uid <= tight.max_total);
        let tiny = Caps::fit(&config, 10);
        assert_eq!((tiny.max_total, tiny.max_per_uid), (1, 1));
    }

    #[test]
    fn refusals_say_who_and_how_many() {
        let m = Refusal::PerUid {
            uid: Some(1000),
            held: 128,
        }
        .message();
        assert!(
            m.starts_with("too many connections from uid 1000 (128 open)"),
            "{m}"
        );
        assert!(Refusal::Full { total: 9 }.message().contains("9 open"));
    }
}
