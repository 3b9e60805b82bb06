//! `volumes`: one named volume per declared path of an instance. A row outlives its instance
//! unless removed with it; `instance_id` is kept for display.

use rsrc_shared::api::{InstanceVolume, Volume};
use rusqlite::{named_params, Connection};

use super::instances::Viewer;
use super::{query, rfc3339};
use crate::error::Result;

pub struct NewVolume<'a> {
    pub name: &'a str,
    pub instance_id: &'a str,
    pub instance_name: &'a str,
    pub owner_id: i64,
    pub path: &'a str,
    pub created_at: i64,
}

pub fn insert(conn: &Connection, v: &NewVolume<'_>) -> Result<()> {
    query::execute(
        conn,
        "record volume",
        "INSERT INTO volumes (name, instance_id, instance_name, owner_id, path, created_at)
         VALUES (:name, :instance, :instance_name, :owner, :path, :at)",
        named_params! {
            ":name": v.name,
            ":instance": v.instance_id,
            ":instance_name": v.instance_name,
            ":owner": v.owner_id,
            ":path": v.path,
            ":at": v.created_at,
        },
    )
    .map(drop)
}

/// An instance's volumes, by path.
pub fn of_instance(conn: &Connection, instance_id: &str) -> Result<Vec<InstanceVolume>> {
    query::list(
        conn,
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
    conn: &Connection,
    viewer: Viewer,
    rows: &[super::instances::Row],
) -> Result<Vec<Vec<InstanceVolume>>> {
    let mut out = vec![Vec::new(); rows.len()];
    let position = super::instances::positions(rows);
    // A volume row outlives its instance; those of removed instances match no position.
    let mut add = |r: &rusqlite::Row<'_>| {
        if let Some(&i) = position.get(r.get_ref(0)?.as_str()?) {
            out[i].push(InstanceVolume {
                name: r.get(1)?,
                path: r.get(2)?,
            });
        }
        Ok(())
    };
    if viewer.all {
        query::each(
            conn,
            "read volumes",
            "SELECT instance_id, name, path FROM volumes",
            [],
            &mut add,
        )?;
    } else {
        query::each(
            conn,
            "read volumes",
            "SELECT instance_id, name, path FROM volumes WHERE owner_id = :owner",
            named_params! {":owner": viewer.user_id},
            &mut add,
        )?;
    }
    for volumes in &mut out {
        volumes.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(out)
}

/// The volumes `viewer` may see, with whether their instance still exists.
pub fn list(conn: &Connection, viewer: Viewer) -> Result<Vec<Volume>> {
    query::list(
        conn,
        "list volumes",
        "SELECT v.name, v.instance_id, v.instance_name, u.email, v.path, v.created_at,
                EXISTS (SELECT 1 FROM instances i WHERE i.id = v.instance_id)
         FROM volumes v JOIN users u ON u.id = v.owner_id
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
            })
        },
    )
}

/// Whether the volume `name` that `viewer` may see belongs to an existing instance; `None` when
/// there is no such volume for them.
pub fn in_use(conn: &Connection, name: &str, viewer: Viewer) -> Result<Option<bool>> {
    query::optional(
        conn,
        "read volume",
        "SELECT EXISTS (SELECT 1 FROM instances i WHERE i.id = v.instance_id)
         FROM volumes v WHERE v.name = :name AND (:all OR v.owner_id = :owner)",
        named_params! {":name": name, ":all": viewer.all, ":owner": viewer.user_id},
        |r| r.get(0),
    )
}

pub fn delete(conn: &Connection, name: &str) -> Result<()> {
    query::execute(
        conn,
        "forget volume",
        "DELETE FROM volumes WHERE name = :name",
        named_params! {":name": name},
    )
    .map(drop)
}

pub fn delete_of_instance(conn: &Connection, instance_id: &str) -> Result<()> {
    query::execute(
        conn,
        "forget volumes",
        "DELETE FROM volumes WHERE instance_id = :instance",
        named_params! {":instance": instance_id},
    )
    .map(drop)
}
