//! A user's quota use, read across `machines` and `instances` for `GET /v1/status`.

use rsrc_shared::api::MachineQuota;
use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::Snap;

/// Every machine by name, with how many instances `owner` holds of it and its `max_per_user`.
/// One statement, whatever the number of machines. Rows being created or removed count, as
/// they do in the create's quota check (`instances::counts`).
pub fn per_machine(snap: &Snap, owner: i64) -> Result<Vec<MachineQuota>> {
    query::list(
        snap,
        "read quota use",
        "SELECT m.name,
                (SELECT COUNT(*) FROM instances i WHERE i.machine_id = m.id AND i.owner_id = :owner),
                COALESCE(json_extract(m.spec, '$.max_per_user'), 0)
           FROM machines m ORDER BY m.name",
        named_params! {":owner": owner},
        |r| {
            Ok(MachineQuota {
                machine: r.get(0)?,
                used: r.get(1)?,
                allowed: r.get(2)?,
            })
        },
    )
}
