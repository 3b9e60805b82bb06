//! `instance_ports`: host ports reserved for an instance's whole life. The host port is the
//! primary key, so two instances can never hold the same one, whatever races.

use std::collections::HashSet;

use rsrc_shared::api::{PortMapping, Protocol};
use rusqlite::named_params;

use super::{query, Viewer};
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// The reserved host ports between `low` and `high`.
pub fn reserved_in(snap: &Snap, low: u16, high: u16) -> Result<HashSet<u16>> {
    Ok(query::list(
        snap,
        "read reserved ports",
        "SELECT host_port FROM instance_ports WHERE host_port BETWEEN :low AND :high",
        named_params! {":low": low, ":high": high},
        |r| r.get::<_, u16>(0),
    )?
    .into_iter()
    .collect())
}

/// Whether any of `ports` is reserved already.
pub fn any_reserved(snap: &Snap, ports: &[u16]) -> Result<bool> {
    for port in ports {
        let taken = query::optional(
            snap,
            "check port",
            "SELECT 1 FROM instance_ports WHERE host_port = :port",
            named_params! {":port": port},
            |_| Ok(()),
        )?;
        if taken.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn reserve(tx: &Tx, instance_id: &str, mapping: &PortMapping) -> Result<()> {
    query::execute(
        tx,
        "reserve port",
        "INSERT INTO instance_ports (host_port, instance_id, container_port, protocol)
         VALUES (:host, :instance, :container, :protocol)",
        named_params! {
            ":host": mapping.host_port,
            ":instance": instance_id,
            ":container": mapping.container_port,
            ":protocol": mapping.protocol.as_str(),
        },
    )
    .map(drop)
}

pub(super) fn mapping_from_row(
    r: &rusqlite::Row<'_>,
    first: usize,
) -> rusqlite::Result<PortMapping> {
    let udp = r.get_ref(first + 2)?.as_str()? == "udp";
    Ok(PortMapping {
        container_port: r.get(first)?,
        host_port: r.get(first + 1)?,
        protocol: if udp { Protocol::Udp } else { Protocol::Tcp },
    })
}

/// An instance's ports, by container port.
pub fn of_instance(snap: &Snap, instance_id: &str) -> Result<Vec<PortMapping>> {
    query::list(
        snap,
        "read ports",
        "SELECT container_port, host_port, protocol FROM instance_ports
         WHERE instance_id = :instance ORDER BY container_port, protocol",
        named_params! {":instance": instance_id},
        |r| mapping_from_row(r, 0),
    )
}

/// The ports of `rows` (a listing for `viewer`), in their order: one query for a whole listing.
pub fn of_listed(
    snap: &Snap,
    viewer: Viewer,
    rows: &[super::instances::Row],
) -> Result<Vec<Vec<PortMapping>>> {
    let mut out = super::listing::group_by_listed(
        snap,
        "read ports",
        viewer,
        rows,
        (
            "SELECT instance_id, container_port, host_port, protocol FROM instance_ports",
            "SELECT p.instance_id, p.container_port, p.host_port, p.protocol
             FROM instances i JOIN instance_ports p ON p.instance_id = i.id
             WHERE i.owner_id = :owner",
        ),
        |r| mapping_from_row(r, 1),
    )?;
    // As `of_instance` lists them; sorted here, a few per instance, not by SQLite.
    for ports in &mut out {
        ports.sort_by_key(|p| (p.container_port, p.protocol.as_str()));
    }
    Ok(out)
}
