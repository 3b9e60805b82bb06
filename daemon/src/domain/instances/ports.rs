//! Host ports for a new instance, from the configured range.
//!
//! Ports never handed out come first, in order, then freed ones, the least recently freed
//! first; a port freed within `port_quarantine` is used only when nothing else is left, so that
//! an old client config does not silently reach someone else's new instance (issue 20).
//!
//! Probing whether a port is free on the host takes a syscall per candidate, so it happens before
//! the create transaction, not inside it: the registry's writer never waits for the host. The
//! plan holds a few spare candidates per port; the transaction takes the first ones no other
//! create reserved meanwhile ([`pick`]), and the UNIQUE key on the host port settles any race
//! that is left. When parallel creates took every candidate, the create plans again: each retry
//! means another create got its ports, so retries end.

use std::collections::{HashMap, HashSet};
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
    wanted: Vec<(u16, Protocol)>,
    candidates: Vec<Vec<u16>>,
}

/// Finds candidates for each wanted container port: ports of the range not reserved in the
/// registry that nothing on the host holds.
pub async fn plan(state: &State, wanted: &[(u16, Protocol)]) -> Result<Plan> {
    let (low, high) = (state.config.port_range.low, state.config.port_range.high);
    let bind = state.config.bind_address;
    let (reserved, freed) = state
        .registry
        .read(move |snap| {
            Ok((
                repo::reserved_in(snap, low, high)?,
                repo::freed_in(snap, low, high)?,
            ))
        })
        .await?;
    let quarantine = state.config.port_quarantine.as_millis() as i64;
    let order = preference(low, high, &freed, crate::clock::now_ms(), quarantine);
    let engine = Arc::clone(&state.engine);
    let wanted = wanted.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut taken: HashSet<u16> = reserved;
        let mut candidates = Vec::with_capacity(wanted.len());
        for &(_, protocol) in &wanted {
            let mut mine = Vec::with_capacity(1 + SPARES);
            for &port in &order {
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

/// The ports of `low..=high` in the order they are handed out: never freed ones ascending, then
/// freed ones out of quarantine, then those still in it, each the least recently freed first.
fn preference(
    low: u16,
    high: u16,
    freed: &HashMap<u16, i64>,
    now: i64,
    quarantine_ms: i64,
) -> Vec<u16> {
    let mut order: Vec<u16> = (low..=high).filter(|p| !freed.contains_key(p)).collect();
    let mut used: Vec<(bool, i64, u16)> = freed
        .iter()
        .filter(|(p, _)| (low..=high).contains(*p))
        .map(|(&p, &at)| (now - at < quarantine_ms, at, p))
        .collect();
    used.sort_unstable();
    order.extend(used.into_iter().map(|(_, _, p)| p));
    order
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
            host_port,
            protocol,
        });
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_ports_first_then_the_least_recently_freed_and_quarantined_ones_last() {
        let freed = HashMap::from([(1, 100), (2, 50), (3, 990), (4, 980), (9, 1)]);
        // At 1000 with a quarantine of 100: 3 and 4 are in it, 1 and 2 out of it.
        assert_eq!(preference(1, 6, &freed, 1000, 100), [5, 6, 2, 1, 4, 3]);
        // No quarantine: only the order of freeing counts.
        assert_eq!(preference(1, 4, &freed, 1000, 0), [2, 1, 4, 3]);
    }
}
