//! Host ports for a new instance, from the configured range.
//!
//! Probing whether a port is free on the host takes a syscall per candidate, so it happens before
//! the create transaction, not inside it: the registry's writer never waits for the host. The
//! plan holds a few spare candidates per port; the transaction takes the first ones no other
//! create reserved meanwhile ([`pick`]), and the UNIQUE key on the host port settles any race
//! that is left. When parallel creates took every candidate, the create plans again: each retry
//! means another create got its ports, so retries end.

use std::collections::HashSet;
use std::sync::Arc;

use rsrc_shared::api::{PortMapping, Protocol};

use crate::error::{Error, Result};
use crate::registry::ports as repo;
use crate::registry::Snap;
use crate::State;

/// Candidates probed per wanted port beyond the first, for creates running in parallel.
const SPARES: usize = 8;

/// Free host ports for each wanted container port, in order of preference.
#[derive(Debug, Clone)]
pub struct Plan {
    wanted: Vec<(u32, Protocol)>,
    candidates: Vec<Vec<u16>>,
}

/// Finds candidates for each wanted container port: ports of the range not reserved in the
/// registry that nothing on the host holds.
pub async fn plan(state: &State, wanted: &[(u32, Protocol)]) -> Result<Plan> {
    let (low, high) = (state.config.port_range.low, state.config.port_range.high);
    let bind = state.config.bind_address;
    let reserved = state
        .registry
        .read(move |snap| repo::reserved_in(snap, low, high))
        .await?;
    let engine = Arc::clone(&state.engine);
    let wanted = wanted.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut taken: HashSet<u16> = reserved;
        let mut candidates = Vec::with_capacity(wanted.len());
        for &(_, protocol) in &wanted {
            let mut mine = Vec::with_capacity(1 + SPARES);
            for port in low..=high {
                if mine.len() > SPARES {
                    break;
                }
                if !taken.contains(&port) && engine.host_port_free(bind, port, protocol) {
                    taken.insert(port);
                    mine.push(port);
                }
            }
            if mine.is_empty() {
                return Err(Error::conflict(format!(
                    "no free host port left in port_range {low}-{high}; remove unused \
                     instances or ask the operator to widen the range"
                )));
            }
            candidates.push(mine);
        }
        Ok(Plan { wanted, candidates })
    })
    .await
    .map_err(|e| Error::internal(format!("port probe failed: {e}")))?
}

/// Inside the create transaction: the first candidate of each port that no other create
/// reserved since the plan was made; `None` when one has none left.
pub fn pick(snap: &Snap, plan: &Plan) -> Result<Option<Vec<PortMapping>>> {
    let mut out = Vec::with_capacity(plan.wanted.len());
    for (&(container_port, protocol), candidates) in plan.wanted.iter().zip(&plan.candidates) {
        let mut found = None;
        for &port in candidates {
            if !repo::any_reserved(snap, &[port])? {
                found = Some(port);
                break;
            }
        }
        let Some(host_port) = found else {
            return Ok(None);
        };
        out.push(PortMapping {
            container_port,
            host_port: u32::from(host_port),
            protocol,
        });
    }
    Ok(Some(out))
}
