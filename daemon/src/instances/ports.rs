//! Host ports for a new instance, from the configured range.
//!
//! Probing whether a port is free on the host takes a syscall per candidate, so it happens before
//! the create transaction, not inside it: the registry's writer never waits for the host. The
//! transaction then checks the candidates again ([`taken_meanwhile`]), and the UNIQUE key on the
//! host port settles any race that is left.

use std::collections::HashSet;
use std::sync::Arc;

use rsrc_shared::api::{PortMapping, Protocol};
use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::registry::ports as repo;
use crate::State;

/// Picks a free host port for each wanted container port, skipping ones reserved in the
/// registry and ones something on the host holds.
pub async fn plan(state: &State, wanted: &[(u32, Protocol)]) -> Result<Vec<PortMapping>> {
    // MERGE: typed config values.
    let (low, high) = state
        .config
        .port_range()
        .map_err(|e| Error::internal(e.to_string()))?;
    let bind = state
        .config
        .bind_ip()
        .map_err(|e| Error::internal(e.to_string()))?;
    let reserved = state
        .registry
        .read(move |conn| repo::reserved_in(conn, low, high))
        .await?;
    let engine = Arc::clone(&state.engine);
    let wanted = wanted.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut taken: HashSet<u16> = reserved;
        let mut out = Vec::with_capacity(wanted.len());
        for (container_port, protocol) in wanted {
            let host_port = (low..=high)
                .find(|p| !taken.contains(p) && engine.host_port_free(bind, *p, protocol))
                .ok_or_else(|| {
                    Error::conflict(format!(
                        "no free host port left in port_range {low}-{high}; remove unused \
                         instances or ask the operator to widen the range"
                    ))
                })?;
            taken.insert(host_port);
            out.push(PortMapping {
                container_port,
                host_port: u32::from(host_port),
                protocol,
            });
        }
        Ok(out)
    })
    .await
    .map_err(|e| Error::internal(format!("port probe failed: {e}")))?
}

/// Inside the create transaction: whether another create reserved one of `planned` since it was
/// planned.
pub fn taken_meanwhile(conn: &Connection, planned: &[PortMapping]) -> Result<bool> {
    let ports: Vec<u16> = planned
        .iter()
        .filter_map(|p| u16::try_from(p.host_port).ok())
        .collect();
    repo::any_reserved(conn, &ports)
}
