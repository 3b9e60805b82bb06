//! What a listing's reads share: where each listed row is, and a read grouped by listed row.

use std::collections::HashMap;

use rusqlite::named_params;

use super::instances::Row;
use super::{query, Viewer};
use crate::error::Result;
use crate::registry::Snap;

/// Where each row's id is in `rows`. Keyed with foldhash rather than SipHash, which showed in a
/// listing's profile: the ids are the daemon's own random ones, so no caller picks the keys.
pub fn positions(rows: &[Row]) -> HashMap<&str, usize, foldhash::fast::RandomState> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect()
}

/// What a read yields for each of `rows` (a listing for `viewer`), in their order: one query for
/// the whole listing, `all_sql` for an admin's and `own_sql` (binding `:owner`) for a user's.
/// Both select the instance id first; a row of an instance not listed (a volume that outlived
/// it) is skipped.
pub fn group_by_listed<T>(
    snap: &Snap,
    context: &str,
    viewer: Viewer,
    rows: &[Row],
    (all_sql, own_sql): (&str, &str),
    mut item: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<Vec<T>>> {
    let mut out: Vec<Vec<T>> = rows.iter().map(|_| Vec::new()).collect();
    let position = positions(rows);
    let mut add = |r: &rusqlite::Row<'_>| {
        // Looked up by the borrowed id: a listing of a thousand allocates no key.
        if let Some(&i) = position.get(r.get_ref(0)?.as_str()?) {
            out[i].push(item(r)?);
        }
        Ok(())
    };
    if viewer.all {
        query::each(snap, context, all_sql, [], &mut add)?;
    } else {
        query::each(
            snap,
            context,
            own_sql,
            named_params! {":owner": viewer.user_id},
            &mut add,
        )?;
    }
    Ok(out)
}
