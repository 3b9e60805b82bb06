//! The `machines` table: each machine's validated `MachineSpec`, stored as JSON. Instances refer
//! to their machine by id (a foreign key), so a machine with instances cannot be deleted.

use rsrc_shared::api::MachineSpec;
use rusqlite::{named_params, Row};

use super::is_unique_violation;
use super::query;
pub use super::Viewer;
use crate::error::{Error, RegistryContext, Result};
use crate::registry::{Snap, Tx};

/// A machine row: its id and its spec.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub spec: MachineSpec,
    /// Bumped by every write that changes the spec.
    pub revision: i64,
}

/// A machine as listed: its spec, its times and the instances the viewer may count.
#[derive(Debug, Clone)]
pub struct Listed {
    pub spec: MachineSpec,
    pub created_at: i64,
    pub updated_at: i64,
    pub instances: i64,
    pub revision: i64,
    /// Of `instances`, those made from an older revision.
    pub outdated: i64,
    pub id: i64,
    pub feed: Feed,
}

/// A machine's feed counters (`machine_feed`, kept by triggers: never a scan of the votes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Feed {
    pub likes: i64,
    pub dislikes: i64,
    pub ratings: i64,
    pub rating_sum: i64,
    pub comments: i64,
}

const LISTED: &str = "SELECT m.spec, m.created_at, m.updated_at,
        (SELECT COUNT(*) FROM instances i
         WHERE i.machine_id = m.id AND (:all OR i.owner_id = :viewer)),
        m.revision,
        (SELECT COUNT(*) FROM instances i
         WHERE i.machine_id = m.id AND i.machine_revision < m.revision
           AND (:all OR i.owner_id = :viewer)),
        m.id, COALESCE(f.likes, 0), COALESCE(f.dislikes, 0), COALESCE(f.ratings, 0),
        COALESCE(f.rating_sum, 0), COALESCE(f.comments, 0)
     FROM machines m LEFT JOIN machine_feed f ON f.machine_id = m.id";

/// Parses the spec column; a bad value is a conversion error of that column.
fn spec_column(r: &Row<'_>, idx: usize) -> rusqlite::Result<MachineSpec> {
    let text: String = r.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn listed_from_row(r: &Row<'_>) -> rusqlite::Result<Listed> {
    Ok(Listed {
        spec: spec_column(r, 0)?,
        created_at: r.get(1)?,
        updated_at: r.get(2)?,
        instances: r.get(3)?,
        revision: r.get(4)?,
        outdated: r.get(5)?,
        id: r.get(6)?,
        feed: Feed {
            likes: r.get(7)?,
            dislikes: r.get(8)?,
            ratings: r.get(9)?,
            rating_sum: r.get(10)?,
            comments: r.get(11)?,
        },
    })
}

fn encode(spec: &MachineSpec) -> Result<String> {
    serde_json::to_string(spec).map_err(|e| Error::internal(format!("encode machine: {e}")))
}

pub fn by_name(snap: &Snap, name: &str) -> Result<Option<Stored>> {
    query::optional(
        snap,
        "read machine",
        "SELECT id, spec, revision FROM machines WHERE name = :name",
        named_params! {":name": name},
        |r| {
            Ok(Stored {
                id: r.get(0)?,
                spec: spec_column(r, 1)?,
                revision: r.get(2)?,
            })
        },
    )
}

/// Every machine, by name.
pub fn list(snap: &Snap, viewer: Viewer) -> Result<Vec<Listed>> {
    query::list(
        snap,
        "list machines",
        &format!("{LISTED} ORDER BY m.name"),
        named_params! {":all": viewer.all, ":viewer": viewer.user_id},
        listed_from_row,
    )
}

pub fn show(snap: &Snap, name: &str, viewer: Viewer) -> Result<Option<Listed>> {
    query::optional(
        snap,
        "read machine",
        &format!("{LISTED} WHERE m.name = :name"),
        named_params! {":all": viewer.all, ":viewer": viewer.user_id, ":name": name},
        listed_from_row,
    )
}

/// Adds a machine named after its spec; a taken name is `AlreadyExists`.
pub fn insert(tx: &Tx, spec: &MachineSpec, now: i64) -> Result<()> {
    let json = encode(spec)?;
    let inserted = tx
        .prepare_cached(
            "INSERT INTO machines (name, spec, created_at, updated_at)
             VALUES (:name, :spec, :now, :now)",
        )
        .and_then(|mut stmt| {
            stmt.execute(named_params! {":name": spec.name, ":spec": json, ":now": now})
        });
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(Error::AlreadyExists(format!(
            "machine `{}` already exists",
            spec.name
        ))),
        Err(e) => Err(e).context("insert machine"),
    }
}

/// Replaces the spec; the revision goes up only when the spec differs.
pub fn update_spec(tx: &Tx, id: i64, spec: &MachineSpec, now: i64) -> Result<()> {
    let json = encode(spec)?;
    query::execute(
        tx,
        "update machine",
        "UPDATE machines SET revision = revision + (spec IS NOT :spec), spec = :spec,
            updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":spec": json, ":now": now},
    )
    .map(drop)
}

/// The ids of a machine's instances, in order.
pub fn instance_ids(snap: &Snap, machine_id: i64) -> Result<Vec<String>> {
    query::list(
        snap,
        "list instances",
        "SELECT id FROM instances WHERE machine_id = :machine ORDER BY id",
        named_params! {":machine": machine_id},
        |r| r.get(0),
    )
}

/// Deletes a machine. An instance still referring to it (one created meanwhile) is a conflict.
pub fn delete(tx: &Tx, id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM machines WHERE id = :id")
        .and_then(|mut stmt| stmt.execute(named_params! {":id": id}))
        .map(drop)
        .map_err(|e| {
            // Only `instances.machine_id` refers to a machine, so a foreign-key failure here is
            // an instance row; any other constraint failing is a fault of the registry.
            if is_foreign_key_violation(&e) {
                Error::conflict("an instance of this machine was created meanwhile; try again")
            } else {
                Error::Registry {
                    context: "delete machine".into(),
                    source: super::DbError(e),
                }
            }
        })
}

fn is_foreign_key_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY
    )
}

#[cfg(test)]
mod tests {
    use rsrc_shared::api::{Limits, MachinePort, Protocol, RestartPolicy};
    use rstest::rstest;

    use super::*;
    use crate::registry::users::fixtures::{seeded, Seeded, NOW};

    fn spec(name: &str) -> MachineSpec {
        MachineSpec {
            name: name.into(),
            description: String::new(),
            image: "redis:7".into(),
            ports: vec![MachinePort {
                port: 6379,
                protocol: Protocol::Tcp,
            }],
            props: vec![],
            command: None,
            volumes: vec![],
            limits: Limits::default(),
            max_per_user: 2,
            active: true,
            connect: None,
            restart: RestartPolicy::UnlessStopped,
            shm_size: None,
            user: None,
            entrypoint: None,
            ulimits: Default::default(),
            tmpfs: Default::default(),
            stop_signal: None,
            stop_timeout: None,
            exec: true,
        }
    }

    /// An instance row of `owner` on `machine_id`, as the instances module writes one.
    fn add_instance(tx: &Tx, id: &str, owner: i64, machine_id: i64) -> Result<()> {
        tx.execute(
            "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
                                    created_at, updated_at)
             VALUES (:id, :id, :owner, :machine, :id, 'running', 0, 0)",
            named_params! {":id": id, ":owner": owner, ":machine": machine_id},
        )
        .context("insert instance")
        .map(drop)
    }

    #[rstest]
    fn machines_are_stored_listed_and_updated(seeded: Seeded) {
        seeded
            .registry
            .write_blocking(|conn| {
                insert(conn, &spec("redis"), NOW)?;
                insert(conn, &spec("cache"), NOW)?;
                let err = insert(conn, &spec("redis"), NOW).unwrap_err();
                assert!(matches!(err, Error::AlreadyExists(_)), "{err:?}");
                let stored = by_name(conn, "redis")?.unwrap();
                assert_eq!(stored.spec, spec("redis"));
                assert!(by_name(conn, "nope")?.is_none());
                let mut changed = spec("redis");
                changed.max_per_user = 5;
                update_spec(conn, stored.id, &changed, NOW + 1)?;
                let shown = show(conn, "redis", Viewer::ADMIN)?.unwrap();
                assert_eq!(shown.spec.max_per_user, 5);
                assert_eq!((shown.created_at, shown.updated_at), (NOW, NOW + 1));
                let names: Vec<String> = list(conn, Viewer::ADMIN)?
                    .into_iter()
                    .map(|m| m.spec.name)
                    .collect();
                assert_eq!(names, ["cache", "redis"]);
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn users_count_only_their_own_instances(seeded: Seeded) {
        let (alice, bob) = (seeded.alice.id, seeded.bob.id);
        seeded
            .registry
            .write_blocking(|conn| {
                insert(conn, &spec("redis"), NOW)?;
                let id = by_name(conn, "redis")?.unwrap().id;
                add_instance(conn, "i1", alice, id)?;
                add_instance(conn, "i2", alice, id)?;
                add_instance(conn, "i3", bob, id)?;
                let count = |viewer| -> Result<i64> {
                    Ok(show(conn, "redis", viewer)?.map_or(-1, |m| m.instances))
                };
                assert_eq!(count(Viewer::ADMIN)?, 3);
                assert_eq!(
                    count(Viewer {
                        all: false,
                        user_id: alice
                    })?,
                    2
                );
                assert_eq!(
                    count(Viewer {
                        all: false,
                        user_id: bob
                    })?,
                    1
                );
                assert_eq!(instance_ids(conn, id)?, ["i1", "i2", "i3"]);
                Ok(())
            })
            .unwrap();
    }

    #[rstest]
    fn a_machine_with_an_instance_is_not_deleted(seeded: Seeded) {
        let alice = seeded.alice.id;
        seeded
            .registry
            .write_blocking(|conn| {
                insert(conn, &spec("redis"), NOW)?;
                let id = by_name(conn, "redis")?.unwrap().id;
                add_instance(conn, "i1", alice, id)?;
                let err = delete(conn, id).unwrap_err();
                assert!(matches!(err, Error::Conflict(_)), "{err:?}");
                conn.execute("DELETE FROM instances", []).context("x")?;
                delete(conn, id)?;
                assert!(by_name(conn, "redis")?.is_none());
                Ok(())
            })
            .unwrap();
    }

    /// Only an instance's foreign key means "created meanwhile"; any other constraint failing
    /// is a registry fault, not something the admin can retry away.
    #[rstest]
    fn other_constraint_failures_are_internal(seeded: Seeded) {
        seeded
            .registry
            .write_blocking(|conn| {
                insert(conn, &spec("redis"), NOW)?;
                let id = by_name(conn, "redis")?.unwrap().id;
                conn.execute_batch(
                    "CREATE TEMP TRIGGER machines_keep BEFORE DELETE ON machines
                     BEGIN SELECT RAISE(ABORT, 'kept'); END;",
                )
                .context("x")?;
                let err = delete(conn, id).unwrap_err();
                assert!(matches!(err, Error::Registry { .. }), "{err:?}");
                Ok(())
            })
            .unwrap();
    }
}
