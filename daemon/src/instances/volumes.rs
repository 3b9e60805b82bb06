//! Volumes: one named Docker volume per declared path of an instance. They outlive their
//! instance unless removed with it, and belong to its owner: another user's volume does not
//! exist for you.

use rsrc_shared::api::Volume;
use rusqlite::{params, OptionalExtension};

use crate::accounts::Caller;
use crate::engine::containers;
use crate::error::{Error, RegistryContext, Result};
use crate::registry::rfc3339;
use crate::State;

pub async fn list(state: &State, caller: &Caller, all: bool) -> Result<Vec<Volume>> {
    if all {
        caller.require_admin()?;
    }
    let owner = caller.user.id;
    let mut volumes = state
        .registry
        .call(move |conn| {
            let mut stmt = conn
                .prepare(
                    "SELECT v.name, v.instance_id, v.instance_name, u.email, v.path, v.created_at,
                            EXISTS (SELECT 1 FROM instances i WHERE i.id = v.instance_id)
                     FROM volumes v JOIN users u ON u.id = v.owner_id
                     WHERE (?1 OR v.owner_id = ?2) ORDER BY v.instance_name, v.path",
                )
                .context("list volumes")?;
            let rows = stmt
                .query_map(params![all, owner], |r| {
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
                })
                .context("list volumes")?
                .collect::<rusqlite::Result<Vec<_>>>()
                .context("list volumes")?;
            Ok(rows)
        })
        .await?;
    if let Ok(docker) = state.engine.docker().await {
        let sizes = containers::volume_sizes(&docker).await;
        for v in &mut volumes {
            v.size = sizes.get(&v.name).copied();
        }
    }
    Ok(volumes)
}

pub async fn remove(state: &State, caller: &Caller, name: &str) -> Result<()> {
    let owner = caller.user.id;
    let admin = caller.is_admin();
    let lookup = name.to_string();
    let in_use: bool = state
        .registry
        .call(move |conn| {
            conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM instances i WHERE i.id = v.instance_id)
                 FROM volumes v WHERE v.name = ?1 AND (?2 OR v.owner_id = ?3)",
                params![lookup, admin, owner],
                |r| r.get(0),
            )
            .optional()
            .context("read volume")?
            .ok_or_else(|| Error::not_found(format!("no volume `{lookup}`")))
        })
        .await?;
    if in_use {
        return Err(Error::conflict(format!(
            "volume `{name}` belongs to an existing instance; remove the instance first \
             (`rsrc instance rm ID --volumes` removes both)"
        )));
    }
    let docker = state.engine.docker().await?;
    containers::remove_volume(&docker, name).await?;
    let name = name.to_string();
    state
        .registry
        .call(move |conn| {
            conn.execute("DELETE FROM volumes WHERE name = ?1", [name])
                .context("forget volume")
                .map(|_| ())
        })
        .await
}
