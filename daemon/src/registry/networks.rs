//! `user_networks` and `unusable_subnets`: the subnet of each user's network, and the subnets of
//! the pool that another network of the host holds. Which subnet to take is the domain's choice
//! (`domain::instances::network`); this only records it.

use rusqlite::named_params;

use super::query;
use crate::error::Result;
use crate::registry::{Snap, Tx};

/// A user's network as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserNetwork {
    pub owner_id: i64,
    pub subnet: String,
    pub name: String,
    /// Whether the account still exists: a row outlives it until the network is removed.
    pub owner_exists: bool,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserNetwork> {
    Ok(UserNetwork {
        owner_id: r.get(0)?,
        subnet: r.get(1)?,
        name: r.get(2)?,
        owner_exists: r.get(3)?,
    })
}

pub fn of_owner(snap: &Snap, owner_id: i64) -> Result<Option<UserNetwork>> {
    query::optional(
        snap,
        "read user network",
        "SELECT n.owner_id, n.subnet, n.name,
                EXISTS (SELECT 1 FROM users u WHERE u.id = n.owner_id)
         FROM user_networks n WHERE n.owner_id = :owner",
        named_params! {":owner": owner_id},
        row,
    )
}

/// Every recorded network, by owner.
pub fn all(snap: &Snap) -> Result<Vec<UserNetwork>> {
    query::list(
        snap,
        "list user networks",
        "SELECT n.owner_id, n.subnet, n.name,
                EXISTS (SELECT 1 FROM users u WHERE u.id = n.owner_id)
         FROM user_networks n ORDER BY n.owner_id",
        [],
        row,
    )
}

/// The subnets no new network may take: users' and unusable ones.
pub fn taken(snap: &Snap) -> Result<Vec<String>> {
    query::list(
        snap,
        "list taken subnets",
        "SELECT subnet FROM user_networks UNION SELECT subnet FROM unusable_subnets",
        [],
        |r| r.get(0),
    )
}

pub fn insert(tx: &Tx, owner_id: i64, subnet: &str, name: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "record user network",
        "INSERT INTO user_networks (owner_id, subnet, name, created_at)
         VALUES (:owner, :subnet, :name, :now)",
        named_params! {":owner": owner_id, ":subnet": subnet, ":name": name, ":now": now},
    )
    .map(drop)
}

pub fn delete(tx: &Tx, owner_id: i64) -> Result<()> {
    query::execute(
        tx,
        "forget user network",
        "DELETE FROM user_networks WHERE owner_id = :owner",
        named_params! {":owner": owner_id},
    )
    .map(drop)
}

/// Marks a subnet another network of the host holds, and frees the user's row that had it.
pub fn mark_unusable(tx: &Tx, owner_id: i64, subnet: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "mark subnet unusable",
        "INSERT OR IGNORE INTO unusable_subnets (subnet, marked_at) VALUES (:subnet, :now)",
        named_params! {":subnet": subnet, ":now": now},
    )?;
    query::execute(
        tx,
        "forget user network",
        "DELETE FROM user_networks WHERE owner_id = :owner AND subnet = :subnet",
        named_params! {":owner": owner_id, ":subnet": subnet},
    )
    .map(drop)
}

pub fn unusable(snap: &Snap) -> Result<Vec<String>> {
    query::list(
        snap,
        "list unusable subnets",
        "SELECT subnet FROM unusable_subnets ORDER BY subnet",
        [],
        |r| r.get(0),
    )
}
