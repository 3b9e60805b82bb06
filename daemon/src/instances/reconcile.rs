//! Reconciliation: makes the registry agree with Docker, at start and whenever the connection to
//! Docker comes back. It completes or rolls back creates and removes that a crash interrupted,
//! records what happened to containers while rsrcd was away, marks vanished ones `lost`, and
//! reports labelled containers it has no record of. It never deletes a container it has no
//! record of.

use rusqlite::{params, Connection};

use super::{row_by_id, volume_names_of, Row};
use crate::engine::containers::{self, Observed, LABEL_INSTANCE};
use crate::error::{Error, RegistryContext, Result};
use crate::events::{self, Event, Seen};
use crate::registry::now_ms;
use crate::State;

/// Marks an instance whose container is gone; kept and shown until removed.
pub fn mark_lost(conn: &Connection, id: &str, at: i64, cause: &str) -> Result<()> {
    let Some(row) = row_by_id(conn, id)? else {
        return Ok(());
    };
    if matches!(row.state.as_str(), "lost" | "creating" | "removing") {
        return Ok(());
    }
    conn.execute(
        "UPDATE instances SET state = 'lost', updated_at = ?2 WHERE id = ?1",
        params![id, now_ms()],
    )
    .context("mark lost")?;
    events::append(
        conn,
        &Event {
            instance_id: id,
            owner_id: row.owner_id,
            at,
            kind: "lost",
            up: false,
            cause,
            exit_code: None,
            detail: Some("the container is gone".into()),
        },
    )?;
    tracing::warn!(instance = id, "instance lost: its container is gone");
    Ok(())
}

/// Undoes a create that did not finish: container, volumes, then the rows (which frees the
/// ports). The rows go last, so a crash here leaves the journal to finish it next time.
pub async fn roll_back_create(state: &State, id: &str) -> Result<()> {
    let docker = state.engine.docker().await?;
    let Some(row) = load(state, id).await? else {
        return Ok(());
    };
    if let Some(cid) = &row.container_id {
        containers::remove_instance_container(&docker, cid, &state.daemon_id, id).await?;
    }
    containers::remove_instance_container(&docker, &row.container_name, &state.daemon_id, id)
        .await?;
    let volumes: Vec<String> = {
        let id = id.to_string();
        state
            .registry
            .call(move |conn| volume_names_of(conn, &id))
            .await?
    };
    for v in &volumes {
        containers::remove_volume(&docker, v).await?;
    }
    let id = id.to_string();
    state
        .registry
        .call(move |conn| {
            let tx = conn.transaction().context("begin")?;
            tx.execute("DELETE FROM volumes WHERE instance_id = ?1", [&id])
                .context("forget volumes")?;
            tx.execute("DELETE FROM instances WHERE id = ?1", [&id])
                .context("forget instance")?;
            tx.commit().context("commit rollback")
        })
        .await
}

async fn load(state: &State, id: &str) -> Result<Option<Row>> {
    let id = id.to_string();
    state.registry.call(move |conn| row_by_id(conn, &id)).await
}

fn parse_time(ts: Option<&str>) -> Option<i64> {
    let t =
        time::OffsetDateTime::parse(ts?, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Records the container's current state for one instance.
pub async fn refresh(state: &State, id: &str, observer: &'static str) -> Result<()> {
    let docker = state.engine.docker().await?;
    let Some(row) = load(state, id).await? else {
        return Ok(());
    };
    let container = row.container_ref();
    let observed = containers::inspect(&docker, &container).await?;
    let id = id.to_string();
    state
        .registry
        .call(move |conn| match observed {
            None => mark_lost(conn, &id, now_ms(), observer),
            Some(o) => catch_up(conn, &id, &o, observer),
        })
        .await
}

/// Brings one instance's history up to date with what Docker shows, using Docker's own times
/// so that downtime while rsrcd was away is counted.
fn catch_up(conn: &Connection, id: &str, o: &Observed, observer: &'static str) -> Result<()> {
    let tx = conn.unchecked_transaction().context("begin")?;
    let last: Option<(bool, i64)> = tx
        .query_row(
            "SELECT up, at FROM instance_events WHERE instance_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let now = now_ms();
    let started = parse_time(o.started_at.as_deref());
    let finished = parse_time(o.finished_at.as_deref());
    let seen = |up: bool, at: i64| Seen {
        up,
        at: at.min(now),
        exit_code: if up { None } else { o.exit_code },
        oom: !up && o.oom_killed,
        killed_by: None,
        observer,
        detail: Some("seen by reconciliation".into()),
    };
    if let Some((last_up, last_at)) = last {
        // Up before, up now, but started since: it went down and came back while we were away.
        if last_up && o.running {
            if let Some(s) = started.filter(|s| *s > last_at) {
                let down_at = finished.filter(|f| *f > last_at && *f <= s).unwrap_or(s);
                events::observe(&tx, id, seen(false, down_at))?;
                events::observe(&tx, id, seen(true, s))?;
            }
        }
        if !o.running && last_up {
            let at = finished.filter(|f| *f > last_at).unwrap_or(now);
            events::observe(&tx, id, seen(false, at))?;
        } else if o.running && !last_up {
            let at = started.filter(|s| *s > last_at).unwrap_or(now);
            events::observe(&tx, id, seen(true, at))?;
        }
    }
    // Always settle the status column too.
    events::observe(&tx, id, seen(o.running, now))?;
    tx.commit().context("commit")
}

/// Compares the whole registry with Docker; see the module comment.
pub async fn reconcile(state: &State) -> Result<()> {
    let docker = state.engine.docker().await?;
    let rows: Vec<Row> = state
        .registry
        .call(|conn| super::query_rows(conn, "ORDER BY i.created_at", &[]))
        .await?;
    let mut known = std::collections::HashSet::new();
    for row in rows {
        known.insert(row.id.clone());
        if state.in_flight.contains(&row.id) {
            // A request of this process is creating or removing it right now.
            continue;
        }
        // Read again: the list is as old as this loop, and a create or remove that finished
        // meanwhile must not be finished a second time. Checked after `in_flight`, since a
        // request leaves it only once its row is final.
        let Some(row) = load(state, &row.id).await? else {
            continue;
        };
        let outcome = match row.state.as_str() {
            "creating" => finish_or_roll_back(state, &row).await,
            "removing" => {
                let id = row.id.clone();
                let volumes: bool = state
                    .registry
                    .call(move |conn| {
                        conn.query_row(
                            "SELECT remove_volumes FROM instances WHERE id = ?1",
                            [id],
                            |r| r.get(0),
                        )
                        .context("read remove_volumes")
                    })
                    .await?;
                super::remove_by_id(state, &row.id, volumes, "reconcile").await
            }
            _ => refresh(state, &row.id, "reconcile").await,
        };
        if let Err(e) = outcome {
            tracing::error!(instance = %row.id, error = %e.chain(), "cannot reconcile instance");
            if matches!(e, Error::EngineUnavailable(_)) {
                return Err(e);
            }
        }
    }
    for c in containers::labelled_containers(&docker, &state.daemon_id).await? {
        let label = c.labels.get(LABEL_INSTANCE).cloned();
        if label.as_ref().is_none_or(|id| !known.contains(id)) {
            tracing::warn!(container = %c.name, instance = ?label,
                "container carries rsrc's labels but has no instance; see `rsrc admin orphans`");
        }
    }
    tracing::info!("reconciled the registry with Docker");
    Ok(())
}

async fn finish_or_roll_back(state: &State, row: &Row) -> Result<()> {
    let docker = state.engine.docker().await?;
    let observed = containers::inspect(&docker, &row.container_name)
        .await?
        .filter(|o| o.belongs_to(&state.daemon_id, &row.id));
    match observed {
        Some(o) => {
            tracing::info!(instance = %row.id, "completing a create interrupted by a restart");
            if !o.running {
                containers::start(&docker, &o.id).await?;
            }
            super::finish_create(state, &row.id, "reconcile").await
        }
        None => {
            tracing::info!(instance = %row.id, "rolling back a create interrupted by a restart");
            roll_back_create(state, &row.id).await
        }
    }
}
