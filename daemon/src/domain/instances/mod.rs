//! Instances (SPEC §5): a user's running copy of a machine. Each is one labelled container with
//! host ports reserved for its whole life, a named volume per declared path, and a history.
//!
//! Every operation resolves the instance for the caller first ([`resolve`]): a user sees only
//! their own, an admin sees all, and anything else is "not found", with the same message and
//! the same query.
//!
//! A create is journalled: the row (state `creating`) and its ports are committed before the
//! engine is touched, so that after a crash [`reconcile`] either completes it or rolls it back;
//! a remove likewise (`removing`).
//!
//! | file        | what                                                             |
//! |-------------|------------------------------------------------------------------|
//! | `create`    | the journalled create, and finishing it                          |
//! | `lifecycle` | start, stop, restart, wait (logs are `crate::domain::logs`)              |
//! | `teardown`  | remove and roll back: the one place containers and volumes go    |
//! | `state`     | the state machine: what an observed up/down means, with its cause |
//! | `watch`     | following the engine's event stream                              |
//! | `reconcile` | making the registry agree with the engine                        |
//! | `recreate`  | the container made again from the machine's current definition   |
//! | `repair`    | retrying what is stuck in `creating` or `removing`, with back-off |
//! | `network`   | each user's own Docker network, its subnet from the configured pool |
//! | `resolve`, `env`, `ports`, `volumes`, `orphans`, `view` | one concern each        |

pub mod create;
pub mod env;
pub mod lifecycle;
pub mod network;
pub mod orphans;
pub mod ports;
pub mod reconcile;
pub mod recreate;
pub mod repair;
pub mod resolve;
mod spec;
pub mod state;
pub mod teardown;
pub mod view;
pub mod volumes;
pub mod watch;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

use rsrc_shared::api::Cause;

use crate::domain::accounts::Caller;

pub use create::create;
pub use lifecycle::{act, wait, Action};
pub use resolve::resolve;
pub use teardown::{remove, remove_by_id};
pub use view::{list, show};

pub use crate::registry::instances::Row;

/// What the API shows instead of a secret value.
pub const SECRET_MASK: &str = "********";

/// Who a caller is to an instance, for the history: its owner or an admin.
pub fn cause_for(row: &Row, caller: &Caller) -> Cause {
    if caller.user.id == row.owner_id {
        Cause::User
    } else {
        Cause::Admin
    }
}

/// Instances whose create or remove is running in this process right now. Reconciliation, which
/// may run at any time (Docker reconnects), leaves them to the request that owns them.
#[derive(Default)]
pub struct InFlight(std::sync::Mutex<HashSet<String>>);

impl InFlight {
    pub fn claim(&self, id: &str) -> InFlightGuard<'_> {
        if let Ok(mut set) = self.0.lock() {
            set.insert(id.to_string());
        }
        InFlightGuard {
            set: self,
            id: id.to_string(),
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.lock().map(|s| s.contains(id)).unwrap_or(false)
    }
}

pub struct InFlightGuard<'a> {
    set: &'a InFlight,
    id: String,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut set) = self.set.0.lock() {
            set.remove(&self.id);
        }
    }
}
