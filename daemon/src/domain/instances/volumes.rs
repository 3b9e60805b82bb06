//! Volumes: one named Docker volume per declared path of an instance. They outlive their
//! instance unless removed with it, and belong to its owner: another user's volume does not
//! exist for you.

use std::collections::HashSet;

use rsrc_shared::api::{Cause, MachineSpec, Volume, VolumeFrom};

use crate::domain::accounts::Caller;
use crate::engine::LABEL_DAEMON;
use crate::error::{Error, Result};
use crate::registry::volumes as repo;
use crate::registry::Snap;
use crate::State;

/// A kept volume a create attaches, and the declared path it fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reuse {
    pub volume: String,
    /// Empty until the volume is read when not `explicit`: its own path is the default.
    pub path: String,
    /// Whether the caller named the path (else it is the volume's own, checked once read).
    pub explicit: bool,
}

/// What `--volume-from` asks, checked against the machine before anything is read: each volume
/// once, each path declared and filled once. A path left out is the volume's own, settled by
/// [`check_kept`].
pub fn check_volume_from(spec: &MachineSpec, from: &[VolumeFrom]) -> Result<Vec<Reuse>> {
    if from.len() > spec.volumes.len().max(1) {
        return Err(Error::invalid(format!(
            "{} volumes given, but machine `{}` declares {} volume path(s)",
            from.len(),
            spec.name,
            spec.volumes.len()
        )));
    }
    let mut names = HashSet::new();
    let mut out = Vec::new();
    for f in from {
        if f.volume.is_empty() || f.volume.len() > 255 {
            return Err(Error::invalid(
                "volume-from: a volume name of 1 to 255 bytes",
            ));
        }
        if !names.insert(f.volume.as_str()) {
            return Err(Error::invalid(format!(
                "volume-from: volume `{}` is given twice",
                f.volume
            )));
        }
        if let Some(path) = &f.path {
            if !spec.volumes.contains(path) {
                return Err(Error::invalid(format!(
                    "volume-from: machine `{}` declares no volume path `{path}` (it declares: {})",
                    spec.name,
                    declared(spec)
                )));
            }
        }
        out.push(Reuse {
            volume: f.volume.clone(),
            path: f.path.clone().unwrap_or_default(),
            explicit: f.path.is_some(),
        });
    }
    Ok(out)
}

fn declared(spec: &MachineSpec) -> String {
    if spec.volumes.is_empty() {
        "none".into()
    } else {
        spec.volumes.join(", ")
    }
}

/// Checks, in the create's transaction, that each kept volume is the owner's, of this machine
/// and free, and settles the paths left to default. Another user's volume reads as one that
/// does not exist. Inside the transaction, two creates cannot both take one volume.
pub fn check_kept(
    snap: &Snap,
    reuse: &mut [Reuse],
    owner_id: i64,
    machine_id: i64,
    spec: &MachineSpec,
) -> Result<()> {
    let mut paths = HashSet::new();
    for r in reuse.iter_mut() {
        let kept = repo::kept(snap, &r.volume, owner_id)?
            .ok_or_else(|| Error::not_found(format!("no volume `{}`", r.volume)))?;
        if kept.machine_id != Some(machine_id) {
            return Err(Error::invalid(format!(
                "volume `{}` was not made for machine `{}`; a kept volume is attached only to \
                 an instance of the machine it was made for",
                r.volume, spec.name
            )));
        }
        if kept.in_use {
            return Err(Error::conflict(format!(
                "volume `{}` is attached to an existing instance; remove that instance first \
                 (`rsrc instance rm` keeps its volumes)",
                r.volume
            )));
        }
        if !r.explicit {
            if !spec.volumes.contains(&kept.path) {
                return Err(Error::invalid(format!(
                    "volume `{}` was made for path `{}`, which machine `{}` no longer declares; \
                     give one with --volume-from {}:PATH (it declares: {})",
                    r.volume,
                    kept.path,
                    spec.name,
                    r.volume,
                    declared(spec)
                )));
            }
            r.path = kept.path;
        }
        if !paths.insert(r.path.clone()) {
            return Err(Error::invalid(format!(
                "volume-from: two volumes for path `{}`; give each its own with VOLUME:PATH",
                r.path
            )));
        }
    }
    Ok(())
}

/// Checks that each kept volume still is in the engine, with this daemon's labels: Docker mounts
/// a volume that does not exist as a new, empty one, which would silently stand in for the data
/// the owner asked for (e.g. after a `docker volume prune`).
pub async fn check_in_engine(state: &State, reuse: &[Reuse]) -> Result<()> {
    for r in reuse {
        match state.engine.volume_labels(&r.volume).await? {
            None => {
                return Err(Error::not_found(format!(
                    "volume `{}` no longer exists in Docker: it was removed outside rsrc (e.g. \
                     by `docker volume prune`), and its data with it",
                    r.volume
                )))
            }
            Some(labels)
                if labels.get(LABEL_DAEMON).map(String::as_str)
                    != Some(state.daemon_id.as_str()) =>
            {
                return Err(Error::conflict(format!(
                    "volume `{}` in Docker does not carry rsrc's labels: it is not the volume \
                     rsrc kept (that one was removed outside rsrc)",
                    r.volume
                )))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Forgets kept volumes that are gone from the engine (removed outside rsrc), saying so in the
/// log; returns how many. Volumes attached to an instance are its own to check.
pub async fn forget_vanished(state: &State) -> Result<usize> {
    let kept = state.registry.read(repo::unattached).await?;
    let mut forgotten = 0;
    for name in kept {
        if state.engine.volume_labels(&name).await?.is_some() {
            continue;
        }
        tracing::warn!(volume = %name,
            "a kept volume is gone from Docker (removed outside rsrc); forgetting it");
        let owned = name.clone();
        state
            .registry
            .write(move |tx| repo::delete(tx, &owned))
            .await?;
        forgotten += 1;
    }
    Ok(forgotten)
}

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

/// `rsrc volume ls`: the caller's volumes (an admin's `all`: everyone's); with `size`, each
/// with its size as the engine reports it, which costs the engine a walk of every volume.
pub async fn list(state: &State, caller: &Caller, all: bool, size: bool) -> Result<Vec<Volume>> {
    if all {
        caller.require_admin()?;
    }
    let mut viewer = caller.viewer();
    viewer.all = all;
    let mut volumes = state
        .registry
        .read(move |snap| repo::list(snap, viewer))
        .await?;
    if size && !volumes.is_empty() {
        state.engine.available().await?;
        let sizes = state.engine.volume_sizes().await?;
        for v in &mut volumes {
            v.size = sizes.get(&v.name).copied();
        }
    }
    Ok(volumes)
}

/// `rsrc volume rm`: the caller's kept volume, or any user's for an admin (recorded as the
/// admin's doing, as `instance rm` is).
pub async fn remove(state: &State, caller: &Caller, name: &str) -> Result<()> {
    let viewer = caller.viewer();
    let lookup = name.to_string();
    let (in_use, owner_id) = state
        .registry
        .read(move |snap| repo::in_use(snap, &lookup, viewer))
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
    let owned = name.to_string();
    state
        .registry
        .write(move |tx| repo::delete(tx, &owned))
        .await?;
    let cause = if owner_id == caller.user.id {
        Cause::User
    } else {
        Cause::Admin
    };
    tracing::info!(volume = name, owner = owner_id, by = caller.user.id, cause = %cause,
        "volume removed");
    Ok(())
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
