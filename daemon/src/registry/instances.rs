//! `instances`: one row per instance. The row is written, with its ports and volumes, before
//! Docker is touched; `state = 'creating'` (or `'removing'`) is the journal that reconciliation
//! finishes after a crash.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rsrc_shared::api::{Cause, InstanceState, MachineSpec};
use rusqlite::{named_params, ToSql};

use super::query;
pub use super::Viewer;
use crate::error::{Error, Result};
use crate::registry::{Snap, Tx};

/// What the owner last asked for. A die while `Running` is wanted is unexpected. A stored
/// value this build does not know is an error, never a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Desired {
    Running,
    Stopped,
}

impl Desired {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The transitions still expected from an action somebody asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Expect {
    Up,
    Down,
    /// A restart: down, then up. `down,up`: how rsrcd 0.1 wrote it.
    #[strum(to_string = "down-up", serialize = "down,up")]
    DownThenUp,
}

impl Expect {
    fn as_str(self) -> &'static str {
        self.into()
    }

    /// The transition expected next: up (`true`) or down.
    pub fn next_up(self) -> bool {
        matches!(self, Expect::Up)
    }

    /// What is still expected once the next transition came.
    pub fn after_next(self) -> Option<Expect> {
        match self {
            Expect::DownThenUp => Some(Expect::Up),
            Expect::Up | Expect::Down => None,
        }
    }
}

/// An action in flight that somebody asked for: the Docker events it causes are theirs, not a
/// crash, until `until` (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub cause: Cause,
    pub expect: Expect,
    pub until: i64,
}

/// An instance row, with its owner's email, its machine and its newest uptime mark.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub owner_id: i64,
    pub owner_email: String,
    pub machine_id: i64,
    pub machine: String,
    pub machine_spec: Arc<MachineSpec>,
    pub container_name: String,
    pub container_id: Option<String>,
    pub state: InstanceState,
    pub desired: Desired,
    pub pending: Option<Pending>,
    pub remove_volumes: bool,
    /// The create answered an error: roll it back, never complete it.
    pub create_failed: bool,
    /// Values of secret props are `None`.
    pub env: BTreeMap<String, Option<String>>,
    pub exit_code: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The copy of its newest `uptime_marks` row (migration 0013); `None` before any history.
    pub newest_mark: Option<super::uptime_marks::Mark>,
    /// When its mark before the newest is (migration 0014); `None` with fewer than two marks.
    pub mark_before_newest_at: Option<i64>,
    /// When its creation ended: its first history entry after `created` (migration 0019);
    /// `None` until then. `UP 7D` counts from here.
    pub came_up_at: Option<i64>,
}

impl Row {
    /// What to call the container in Docker: its id once known, else its (derived) name.
    pub fn container_ref(&self) -> String {
        self.container_id
            .clone()
            .unwrap_or_else(|| self.container_name.clone())
    }
}

/// The owner's email and the machine's name are joined (seeks on integer keys); the machine's
/// spec is read once per machine and query, not per row (`Specs`). A listing scans the table in
/// its own order and sorts in memory (`list_visible`): through the name index, SQLite seeks each
/// row in the table by its rowid, and those seeks cost more than the sort.
const ROW_SELECT: &str = "SELECT i.id, i.name, i.owner_id, u.email, i.machine_id, m.name,
        i.container_name, i.container_id, i.state, i.desired_state, i.pending_cause,
        i.pending_expect, i.pending_until, i.remove_volumes, i.env, i.exit_code, i.created_at,
        i.updated_at, i.create_failed, i.newest_mark_at, i.newest_mark_label,
        i.newest_mark_engine_out, i.newest_mark_before, i.newest_mark_up_ms,
        i.newest_mark_down_ms, i.mark_before_newest_at, i.came_up_at
     FROM instances i JOIN users u ON u.id = i.owner_id JOIN machines m ON m.id = i.machine_id";

/// Column of `newest_mark_at` in [`ROW_SELECT`].
const NEWEST_MARK: usize = 19;

fn conversion(idx: usize, e: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Text,
        Box::new(Error::internal(e.to_string())),
    )
}

/// Machine specs met by one query, each parsed once however many rows share it.
#[derive(Default)]
struct Specs(HashMap<i64, Arc<MachineSpec>>);

impl Specs {
    fn of(&mut self, snap: &Snap, machine: i64) -> rusqlite::Result<Arc<MachineSpec>> {
        if let Some(spec) = self.0.get(&machine) {
            return Ok(Arc::clone(spec));
        }
        let text: String = snap
            .prepare_cached("SELECT spec FROM machines WHERE id = :id")?
            .query_row(named_params! {":id": machine}, |r| r.get(0))?;
        let spec: Arc<MachineSpec> =
            Arc::new(serde_json::from_str(&text).map_err(|e| conversion(4, e))?);
        self.0.insert(machine, Arc::clone(&spec));
        Ok(spec)
    }
}

fn row_from_sql(snap: &Snap, r: &rusqlite::Row<'_>, specs: &mut Specs) -> rusqlite::Result<Row> {
    let machine_id: i64 = r.get(4)?;
    // Read in place where a value is parsed, not kept: a listing of a thousand rows allocates
    // no string for them.
    let text_or_null = |idx: usize| {
        r.get_ref(idx)?
            .as_str_or_null()
            .map_err(|e| conversion(idx, e))
    };
    let text = |idx: usize| text_or_null(idx)?.ok_or_else(|| conversion(idx, "NULL"));
    let pending_cause = text_or_null(10)?;
    let pending_expect = text_or_null(11)?;
    let pending_until: Option<i64> = r.get(12)?;
    let pending = match (
        pending_cause,
        pending_expect.and_then(|e| e.parse::<Expect>().ok()),
    ) {
        (Some(cause), Some(expect)) => Some(Pending {
            cause: cause.parse().map_err(|e: String| conversion(10, e))?,
            expect,
            until: pending_until.unwrap_or(0),
        }),
        _ => None,
    };
    Ok(Row {
        id: r.get(0)?,
        name: r.get(1)?,
        owner_id: r.get(2)?,
        owner_email: r.get(3)?,
        machine_id,
        machine: r.get(5)?,
        machine_spec: specs.of(snap, machine_id)?,
        container_name: r.get(6)?,
        container_id: r.get(7)?,
        state: text(8)?.parse::<InstanceState>().map_err(|_| {
            conversion(
                8,
                format!("unknown instance state `{}`", text(8).unwrap_or_default()),
            )
        })?,
        desired: text(9)?.parse::<Desired>().map_err(|_| {
            conversion(
                9,
                format!("unknown desired state `{}`", text(9).unwrap_or_default()),
            )
        })?,
        pending,
        remove_volumes: r.get(13)?,
        env: serde_json::from_str(text(14)?).map_err(|e| conversion(14, e))?,
        exit_code: r.get(15)?,
        created_at: r.get(16)?,
        updated_at: r.get(17)?,
        create_failed: r.get(18)?,
        newest_mark: super::uptime_marks::mark_at(r, NEWEST_MARK)?,
        mark_before_newest_at: r.get(NEWEST_MARK + 6)?,
        came_up_at: r.get(NEWEST_MARK + 7)?,
    })
}

fn rows(snap: &Snap, filter: &str, params: &[(&str, &dyn ToSql)]) -> Result<Vec<Row>> {
    let mut specs = Specs::default();
    query::list(
        snap,
        "query instances",
        &format!("{ROW_SELECT} {filter}"),
        params,
        |r| row_from_sql(snap, r, &mut specs),
    )
}

pub fn by_id(snap: &Snap, id: &str) -> Result<Option<Row>> {
    Ok(rows(snap, "WHERE i.id = :id", &[(":id", &id)])?
        .into_iter()
        .next())
}

/// The rows `viewer` may see that also match `filter` (which may use `:ref`). An admin's query
/// has no owner condition and a user's has one on the owner alone, so that each can use its
/// index (an `:all OR owner` condition is planned before its value is known, as a scan).
fn visible(
    snap: &Snap,
    viewer: Viewer,
    filter: &str,
    reference: Option<&str>,
    tail: &str,
) -> Result<Vec<Row>> {
    let mut params: Vec<(&str, &dyn ToSql)> = Vec::new();
    if let Some(reference) = &reference {
        params.push((":ref", reference));
    }
    let condition = if viewer.all {
        filter.to_string()
    } else {
        params.push((":owner", &viewer.user_id));
        if filter.is_empty() {
            "i.owner_id = :owner".to_string()
        } else {
            format!("{filter} AND i.owner_id = :owner")
        }
    };
    let filter = if condition.is_empty() {
        String::new()
    } else {
        format!("WHERE {condition}")
    };
    rows(snap, &format!("{filter} {tail}"), &params)
}

/// The instance with this exact id, if `viewer` sees it.
pub fn visible_by_id(snap: &Snap, id: &str, viewer: Viewer) -> Result<Option<Row>> {
    Ok(visible(snap, viewer, "i.id = :ref", Some(id), "")?
        .into_iter()
        .next())
}

/// The instances named `name` that `viewer` sees, the viewer's own first.
pub fn visible_by_name(snap: &Snap, name: &str, viewer: Viewer) -> Result<Vec<Row>> {
    let mut rows = visible(snap, viewer, "i.name = :ref", Some(name), "")?;
    rows.sort_by_key(|r| r.owner_id != viewer.user_id);
    Ok(rows)
}

/// Up to two instances whose id starts with `prefix` that `viewer` sees: enough to tell a
/// unique prefix from an ambiguous one. A range on the id, so the primary key serves it.
pub fn visible_by_prefix(snap: &Snap, prefix: &str, viewer: Viewer) -> Result<Vec<Row>> {
    visible(
        snap,
        viewer,
        "i.id >= :ref AND i.id < :ref || char(1114111)",
        Some(prefix),
        "LIMIT 2",
    )
}

/// Every instance `viewer` sees, by name (then id, as SQLite's binary collation would).
pub fn list_visible(snap: &Snap, viewer: Viewer) -> Result<Vec<Row>> {
    let mut rows = visible(snap, viewer, "", None, "")?;
    rows.sort_unstable_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    Ok(rows)
}

/// Every instance, oldest first, for reconciliation.
pub fn all(snap: &Snap) -> Result<Vec<Row>> {
    rows(snap, "ORDER BY i.created_at", &[])
}

/// Every instance id, for telling orphans apart.
pub fn all_ids(snap: &Snap) -> Result<Vec<String>> {
    query::list(snap, "list ids", "SELECT id FROM instances", [], |r| {
        r.get(0)
    })
}

/// How many instances `owner` has of machine `machine_id`, and in all.
pub fn counts(snap: &Snap, owner: i64, machine_id: i64) -> Result<(i64, i64)> {
    Ok(query::optional(
        snap,
        "count instances",
        "SELECT (SELECT COUNT(*) FROM instances WHERE owner_id = :owner AND machine_id = :machine),
                (SELECT COUNT(*) FROM instances WHERE owner_id = :owner)",
        named_params! {":owner": owner, ":machine": machine_id},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?
    .unwrap_or((0, 0)))
}

pub fn name_taken(snap: &Snap, owner: i64, name: &str) -> Result<bool> {
    Ok(query::optional(
        snap,
        "check name",
        "SELECT 1 FROM instances WHERE owner_id = :owner AND name = :name",
        named_params! {":owner": owner, ":name": name},
        |_| Ok(()),
    )?
    .is_some())
}

/// The journal entry of a create: state `creating`, wanted running.
pub struct NewInstance<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub owner_id: i64,
    pub machine_id: i64,
    pub container_name: &'a str,
    /// JSON of the environment without secret values.
    pub env_json: &'a str,
    pub now: i64,
}

pub fn insert(tx: &Tx, i: &NewInstance<'_>) -> Result<()> {
    query::execute(
        tx,
        "record instance",
        "INSERT INTO instances (id, name, owner_id, machine_id, container_name, state,
            desired_state, env, created_at, updated_at)
         VALUES (:id, :name, :owner, :machine, :container, 'creating', 'running', :env, :now, :now)",
        named_params! {
            ":id": i.id,
            ":name": i.name,
            ":owner": i.owner_id,
            ":machine": i.machine_id,
            ":container": i.container_name,
            ":env": i.env_json,
            ":now": i.now,
        },
    )
    .map(drop)
}

pub fn set_container_id(tx: &Tx, id: &str, container_id: &str, now: i64) -> Result<()> {
    query::execute(
        tx,
        "record container",
        "UPDATE instances SET container_id = :cid, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":cid": container_id, ":now": now},
    )
    .map(drop)
}

/// Sets the state (and the exit code that goes with it).
pub fn set_state(
    tx: &Tx,
    id: &str,
    state: InstanceState,
    exit_code: Option<i64>,
    now: i64,
) -> Result<()> {
    query::execute(
        tx,
        "update instance state",
        "UPDATE instances SET state = :state, exit_code = :exit, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":state": state.as_str(), ":exit": exit_code, ":now": now},
    )
    .map(drop)
}

/// Sets the state and keeps the exit code, e.g. for `lost`.
pub fn set_state_only(tx: &Tx, id: &str, state: InstanceState, now: i64) -> Result<()> {
    query::execute(
        tx,
        "update instance state",
        "UPDATE instances SET state = :state, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":state": state.as_str(), ":now": now},
    )
    .map(drop)
}

/// Records what the owner wants.
pub fn set_desired(tx: &Tx, id: &str, desired: Desired) -> Result<()> {
    query::execute(
        tx,
        "record desired state",
        "UPDATE instances SET desired_state = :desired WHERE id = :id",
        named_params! {":id": id, ":desired": desired.as_str()},
    )
    .map(drop)
}

/// Replaces the action in flight (or clears it), keeping what is wanted.
pub fn set_pending(tx: &Tx, id: &str, pending: Option<&Pending>) -> Result<()> {
    query::execute(
        tx,
        "advance pending action",
        "UPDATE instances SET pending_cause = :cause, pending_expect = :expect,
            pending_until = :until
         WHERE id = :id",
        named_params! {
            ":id": id,
            ":cause": pending.map(|p| p.cause.to_string()),
            ":expect": pending.map(|p| p.expect.as_str()),
            ":until": pending.map(|p| p.until),
        },
    )
    .map(drop)
}

/// The end of a create: state `created`, the container id if seen, the start expected.
pub fn mark_created(
    tx: &Tx,
    id: &str,
    container_id: Option<&str>,
    pending: &Pending,
    now: i64,
) -> Result<()> {
    query::execute(
        tx,
        "finish create",
        "UPDATE instances SET state = 'created', container_id = COALESCE(:cid, container_id),
            pending_cause = :cause, pending_expect = :expect, pending_until = :until,
            updated_at = :now
         WHERE id = :id",
        named_params! {
            ":id": id,
            ":cid": container_id,
            ":cause": pending.cause.to_string(),
            ":expect": pending.expect.as_str(),
            ":until": pending.until,
            ":now": now,
        },
    )
    .map(drop)
}

/// Marks a create that answered an error, before its rollback is tried.
pub fn mark_create_failed(tx: &Tx, id: &str) -> Result<()> {
    query::execute(
        tx,
        "mark failed create",
        "UPDATE instances SET create_failed = 1 WHERE id = :id AND state = 'creating'",
        named_params! {":id": id},
    )
    .map(drop)
}

/// Rows in `creating`, `recreating` or `removing`, oldest first: what the repair pass looks at.
pub fn transitional(snap: &Snap) -> Result<Vec<Row>> {
    rows(
        snap,
        "WHERE i.state IN ('creating', 'recreating', 'removing') ORDER BY i.created_at",
        &[],
    )
}

/// The journal entry of a remove: state `removing`, with whether the volumes go too.
pub fn mark_removing(tx: &Tx, id: &str, volumes: bool, now: i64) -> Result<()> {
    query::execute(
        tx,
        "mark removing",
        "UPDATE instances SET state = 'removing', desired_state = 'stopped',
            remove_volumes = :volumes, updated_at = :now WHERE id = :id",
        named_params! {":id": id, ":volumes": volumes, ":now": now},
    )
    .map(drop)
}

/// Deletes the row; its ports go with it (ON DELETE CASCADE).
pub fn delete(tx: &Tx, id: &str) -> Result<()> {
    query::execute(
        tx,
        "delete instance",
        "DELETE FROM instances WHERE id = :id",
        named_params! {":id": id},
    )
    .map(drop)
}
