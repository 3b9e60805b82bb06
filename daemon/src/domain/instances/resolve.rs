//! Finding the instance a caller means: an id, a unique id prefix or a name, among the instances
//! that caller may see. Whatever the reason, a miss reads the same: "no instance".

use super::Row;
use crate::domain::accounts::Caller;
use crate::error::{Error, Result};
use crate::registry::instances as repo;
use crate::registry::Snap;
use crate::State;

/// Finds the instance `reference` among those `caller` may see.
pub fn resolve(snap: &Snap, caller: &Caller, reference: &str) -> Result<Row> {
    let not_found = || Error::not_found(format!("no instance `{reference}`"));
    if reference.is_empty() || reference.len() > 128 {
        return Err(not_found());
    }
    let viewer = caller.viewer();
    if let Some(row) = repo::visible_by_id(snap, reference, viewer)? {
        return Ok(row);
    }
    // Names are unique per owner. The caller's own instance wins; an admin may also name
    // another user's instance when that name is unambiguous.
    let named = repo::visible_by_name(snap, reference, viewer)?;
    match named.as_slice() {
        [] => {}
        [first, ..] if first.owner_id == caller.user.id => return Ok(first.clone()),
        [only] => return Ok(only.clone()),
        _ => {
            return Err(Error::conflict(format!(
                "`{reference}` names instances of several users; use the id"
            )))
        }
    }
    let mut prefixed = repo::visible_by_prefix(snap, reference, viewer)?;
    match prefixed.len() {
        1 => prefixed.pop().ok_or_else(not_found),
        0 => Err(not_found()),
        _ => Err(Error::conflict(format!(
            "`{reference}` matches more than one instance; give more of the id"
        ))),
    }
}

/// [`resolve`] on a reader connection.
pub async fn resolve_async(state: &State, caller: &Caller, reference: &str) -> Result<Row> {
    let caller = caller.clone();
    let reference = reference.to_string();
    state
        .registry
        .read(move |snap| resolve(snap, &caller, &reference))
        .await
}

/// The row of `id`, if it still exists.
pub async fn load(state: &State, id: &str) -> Result<Option<Row>> {
    let id = id.to_string();
    state
        .registry
        .read(move |snap| repo::by_id(snap, &id))
        .await
}
