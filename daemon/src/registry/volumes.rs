//! `volumes`: one named volume per declared path of an instance. A row outlives its instance
//! unless removed with it; `instance_id` is kept for display.

use rsrc_shared::api::{InstanceVolume, Volume};
use rusqlite::named_params;

use super::instances::Viewer;
use super::query;
use crate::clock::rfc3339;
use crate::error::Result;
use crate::registry::{Snap, Tx};

pub struct NewVolume<'a> {
    pub name: &'a str,
    pub instance_id: &'a str,
    pub instance_name: &'a str,
    pub owner_id: i64,
    pub machine_id: i64,
    pub path: &'a str,
    pub created_at: i64,
}

pub fn insert(tx: &Tx, v: &NewVolume<'_>) -> Result<()> {
    query::execute(
        tx,
        "record volume",
        "INSERT INTO volumes (name, instance_id, instance_name, owner_id, machine_id, path,
            created_at)
         VALUES (:name, :instance, :instance_name, :owner, :machine, :path, :at)",
        named_params! {
            ":name": v.name,
            ":instance": v.instance_id,
            ":instance_name": v.instance_name,
            ":owner": v.owner_id,
            ":machine": v.machine_id,
            ":path": v.path,
            ":at": v.created_at,
        },
    )
    .map(drop)
}

/// An instance's volumes, by path.
pub fn of_instance(snap: &Snap, instance_id: &str) -> Result<Vec<InstanceVolume>> {
    query::list(
        snap,
        "read volumes",
        "SELECT name, path FROM volumes WHERE instance_id = :instance ORDER BY path",
        named_params! {":instance": instance_id},
        |r| {
            Ok(InstanceVolume {
                name: r.get(0)?,
                path: r.get(1)?,
            })
        },
    )
}

/// The volumes of `rows` (a listing for `viewer`), in their order: one query for a whole listing.
pub fn of_listed(
    snap: &Snap,
    viewer: Viewer,
    rows: &[super::instances::Row],
) -> Result<Vec<Vec<InstanceVolume>>> {
    // A volume row outlives its instance; those of removed instances are not listed.
    let mut out = super::listing::group_by_listed(
        snap,
        "read volumes",
        viewer,
        rows,
        (
            "SELECT instance_id, name, path FROM volumes",
            "SELECT instance_id, name, path FROM volumes WHERE owner_id = :owner",
        ),
        |r| {
            Ok(InstanceVolume {
                name: r.get(1)?,
                path: r.get(2)?,
            })
        },
    )?;
    for volumes in &mut out {
        volumes.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(out)
}

/// The volumes `viewer` may see, with whether their instance still exists.
pub fn list(snap: &Snap, viewer: Viewer) -> Result<Vec<Volume>> {
    query::list(
        snap,
        "list volumes",
        "SELECT v.name, v.instance_id, v.instance_name, u.email, v.path, v.created_at,
                EXISTS (SELECT 1 FROM instances i WHERE i.id = v.instance_id), m.name
         FROM volumes v JOIN users u ON u.id = v.owner_id
              LEFT JOIN machines m ON m.id = v.machine_id
         WHERE (:all OR v.owner_id = :owner) ORDER BY v.instance_name, v.path",
        named_params! {":all": viewer.all, ":owner": viewer.user_id},
        |r| {
            Ok(Volume {
                name: r.get(0)?,
                instance_id: r.get(1)?,
                instance: r.get(2)?,
                owner: r.get(3)?,
                path: r.get(4)?,
                created_at: rfc3339(r.get(5)?),
                in_use: r.get(6)?,
                size: None,
                machine: r.get(7)?,
            })
        },
    )
}

/// The names of kept volumes no instance has.
pub fn unattached(snap: &Snap) -> Result<Vec<String>> {
    query::list(
        snap,
        "list kept volumes",
        "SELECT v.name FROM volumes v
         WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = v.instance_id)",
        [],
        |r| r.get(0),
    )
}

/// Whether the volume `name` that `viewer` may see belongs to an existing instance, and its
/// owner; `None` when there is no such volume for them.
pub fn in_use(snap: &Snap, name: &str, viewer: Viewer) -> Result<Option<(bool, i64)>> {
    query::optional(
        snap,
        "read volume",
        "SELECT EXISTS (SELECT 1 FROM instances i WHERE i.id = v.instance_id), v.owner_id
         FROM volumes v WHERE v.name = :name AND (:all OR v.owner_id = :owner)",
        named_params! {":name": name, ":all": viewer.all, ":owner": viewer.user_id},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// A volume as `--volume-from` finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub name: String,
    pub path: String,
    /// `None` for volumes kept before their machine was recorded.
    pub machine_id: Option<i64>,
    pub in_use: bool,
}

/// The volume `name` of `owner`'s; another user's is `None`, as one that does not exist.
pub fn kept(snap: &Snap, name: &str, owner: i64) -> Result<Option<Kept>> {
    query::optional(
        snap,
        "read volume",
        "SELECT v.name, v.path, v.machine_id,
                EXISTS (SELECT 1 FROM instances i WHERE i.id = v.instance_id)
         FROM volumes v WHERE v.name = :name AND v.owner_id = :owner",
        named_params! {":name": name, ":owner": owner},
        |r| {
            Ok(Kept {
                name: r.get(0)?,
                path: r.get(1)?,
                machine_id: r.get(2)?,
                in_use: r.get(3)?,
            })
        },
    )
}

/// Gives a kept volume to a new instance at `path`. Called in the create's transaction after
/// [`kept`] said it is free, so no other create can take it in between.
pub fn attach(
    tx: &Tx,
    name: &str,
    instance_id: &str,
    instance_name: &str,
    path: &str,
) -> Result<()> {
    query::execute(
        tx,
        "attach volume",
        "UPDATE volumes SET instance_id = :instance, instance_name = :instance_name,
            path = :path, reused = 1
         WHERE name = :name",
        named_params! {
            ":name": name,
            ":instance": instance_id,
            ":instance_name": instance_name,
            ":path": path,
        },
    )
    .map(drop)
}

/// The names of the volumes a create made for `instance_id` (not the kept ones it attached):
/// what its rollback removes.
pub fn made_for(snap: &Snap, instance_id: &str) -> Result<Vec<String>> {
    query::list(
        snap,
        "read volumes",
        "SELECT name FROM volumes WHERE instance_id = :instance AND reused = 0 ORDER BY path",
        named_params! {":instance": instance_id},
        |r| r.get(0),
    )
}

/// Forgets the volumes a create made for `instance_id`; the kept ones it attached stay kept.
pub fn delete_made_for(tx: &Tx, instance_id: &str) -> Result<()> {
    query::execute(
        tx,
        "forget volumes",
        "DELETE FROM volumes WHERE instance_id = :instance AND reused = 0",
        named_params! {":instance": instance_id},
    )
    .map(drop)
}

pub fn delete(tx: &Tx, name: &str) -> Result<()> {
    query::execute(
        tx,
        "forget volume",
        "DELETE FROM volumes WHERE name = :name",
        named_params! {":name": name},
    )
    .map(drop)
}

pub fn delete_of_instance(tx: &Tx, instance_id: &str) -> Result<()> {
    query::execute(
        tx,
        "forget volumes",
        "DELETE FROM volumes WHERE instance_id = :instance",
        named_params! {":instance": instance_id},
    )
    .map(drop)
}
