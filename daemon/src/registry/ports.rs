//! `instance_ports`: host ports reserved for an instance's whole life. The host port is the
//! primary key, so two instances can never hold the same one, whatever races.

use std::collections::{HashMap, HashSet};

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

/// When each port between `low` and `high` that was reserved once was last freed (Unix
/// milliseconds); a port never reserved is not in it.
pub fn freed_in(snap: &Snap, low: u16, high: u16) -> Result<HashMap<u16, i64>> {
    Ok(query::list(
        snap,
        "read freed ports",
        "SELECT host_port, freed_at FROM freed_ports WHERE host_port BETWEEN :low AND :high",
        named_params! {":low": low, ":high": high},
        |r| Ok((r.get::<_, u16>(0)?, r.get::<_, i64>(1)?)),
    )?
    .into_iter()
    .collect())
}

/// Records the ports of instance `instance_id`, which is being removed, as freed at `now`; call
/// it before the instance's row goes.
pub fn remember_freed(tx: &Tx, instance_id: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "remember freed ports",
        "INSERT OR REPLACE INTO freed_ports (host_port, freed_at)
         SELECT host_port, :now FROM instance_ports WHERE instance_id = :instance",
        named_params! {":instance": instance_id, ":now": now},
    )
    .map(drop)
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

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::registry::users::fixtures::{seeded, Seeded, NOW};
    use crate::registry::{instances, machines};

    /// A removed instance's ports are remembered as freed, with when.
    #[rstest]
    fn freed_ports_are_remembered_with_when(seeded: Seeded) {
        seeded
            .registry
            .write_blocking(|tx| {
                let spec: rsrc_shared::api::MachineSpec = serde_json::from_value(
                    serde_json::json!({"name": "m", "image": "i", "ports": [{"port": 80}]}),
                )
                .expect("spec");
                machines::insert(tx, &spec, NOW)?;
                let machine = machines::by_name(tx, "m")?.expect("machine").id;
                tx.execute(
                    "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                                            created_at, updated_at)
                     VALUES ('i1', 'i1', :owner, :machine, 'c', 'running', 0, 0)",
                    named_params! {":owner": seeded.alice.id, ":machine": machine},
                )
                .expect("insert instance");
                let mapping = PortMapping {
                    container_port: 80,
                    host_port: 20001,
                    protocol: Protocol::Tcp,
                };
                reserve(tx, "i1", &mapping)?;
                assert!(freed_in(tx, 20000, 20010)?.is_empty());
                remember_freed(tx, "i1", NOW + 7)?;
                instances::delete(tx, "i1")?;
                assert_eq!(
                    freed_in(tx, 20000, 20010)?,
                    HashMap::from([(20001, NOW + 7)])
                );
                assert!(freed_in(tx, 20002, 20010)?.is_empty());
                Ok(())
            })
            .unwrap();
    }
}
