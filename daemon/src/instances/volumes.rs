//! Volumes: one named Docker volume per declared path of an instance. They outlive their
//! instance unless removed with it, and belong to its owner: another user's volume does not
//! exist for you.

use std::collections::HashSet;

use rsrc_shared::api::Volume;

use crate::accounts::Caller;
use crate::error::{Error, Result};
use crate::registry::volumes as repo;
use crate::State;

/// A volume name from the instance id and the container path: `rsrc-<id>-var-lib-data`.
fn volume_name(instance_id: &str, path: &str) -> String {
    let slug: String = path
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut slug = slug.trim_matches('-').to_string();
    slug.truncate(100);
    format!("rsrc-{instance_id}-{slug}")
}

/// The volume names of all of an instance's paths, in order. Distinct paths can share a slug
/// (`/a/b` and `/a-b`, or long paths cut at the same place); later ones get `-2`, `-3`, ...
pub fn volume_names(instance_id: &str, paths: &[String]) -> Vec<String> {
    let mut used = HashSet::new();
    paths
        .iter()
        .map(|path| {
            let base = volume_name(instance_id, path);
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        })
        .collect()
}

pub async fn list(state: &State, caller: &Caller, all: bool) -> Result<Vec<Volume>> {
    if all {
        caller.require_admin()?;
    }
    let mut viewer = caller.viewer();
    viewer.all = all;
    let mut volumes = state
        .registry
        .read(move |conn| repo::list(conn, viewer))
        .await?;
    if state.engine.available().await.is_ok() {
        let sizes = state.engine.volume_sizes().await;
        for v in &mut volumes {
            v.size = sizes.get(&v.name).copied();
        }
    }
    Ok(volumes)
}

pub async fn remove(state: &State, caller: &Caller, name: &str) -> Result<()> {
    let viewer = caller.viewer();
    let lookup = name.to_string();
    let in_use = state
        .registry
        .read(move |conn| repo::in_use(conn, &lookup, viewer))
        .await?
        .ok_or_else(|| Error::not_found(format!("no volume `{name}`")))?;
    if in_use {
        return Err(Error::conflict(format!(
            "volume `{name}` belongs to an existing instance; remove the instance first \
             (`rsrc instance rm ID --volumes` removes both)"
        )));
    }
    state.engine.available().await?;
    state.engine.remove_volume(name).await?;
    let name = name.to_string();
    state
        .registry
        .call(move |conn| repo::delete(conn, &name))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_names_are_docker_safe() {
        assert_eq!(volume_name("ab12", "/data"), "rsrc-ab12-data");
        assert_eq!(
            volume_name("ab12", "/var/lib/postgresql/data"),
            "rsrc-ab12-var-lib-postgresql-data"
        );
        let paths: Vec<String> = ["/a/b", "/a-b", "/a b", "/data"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            volume_names("ab12", &paths),
            [
                "rsrc-ab12-a-b",
                "rsrc-ab12-a-b-2",
                "rsrc-ab12-a-b-3",
                "rsrc-ab12-data"
            ]
        );
    }
}
