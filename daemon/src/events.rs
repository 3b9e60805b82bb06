//! Instance history and Docker's event stream.
//!
//! `instance_events` is append-only. Up/down transitions are written through [`observe`], which
//! records a change only when it differs from the last recorded state, so that the daemon's own
//! actions, Docker's events and reconciliation can all report the same fact and it is kept once,
//! with the cause of whoever saw it first with the best knowledge: the pending cause of a user's
//! action, an OOM, or a crash.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures_util::StreamExt;
use rusqlite::{params, Connection, OptionalExtension};
use tokio_util::sync::CancellationToken;

use crate::engine::containers::{self, LABEL_INSTANCE};
use crate::error::{RegistryContext, Result};
use crate::registry::now_ms;
use crate::State;

/// One line of history.
pub struct Event<'a> {
    pub instance_id: &'a str,
    pub owner_id: i64,
    pub at: i64,
    pub kind: &'a str,
    pub up: bool,
    pub cause: &'a str,
    pub exit_code: Option<i64>,
    pub detail: Option<String>,
}

/// Appends one line of history, unconditionally (lifecycle: created, removed, lost).
pub fn append(conn: &Connection, e: &Event<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO instance_events (instance_id, owner_id, at, kind, up, cause, exit_code, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.instance_id, e.owner_id, e.at, e.kind, e.up, e.cause, e.exit_code, e.detail],
    )
    .context("record instance event")?;
    Ok(())
}

/// Whether the instance was last recorded up; `None` before its first event.
pub fn last_up(conn: &Connection, instance_id: &str) -> Result<Option<bool>> {
    conn.query_row(
        "SELECT up FROM instance_events WHERE instance_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
        [instance_id],
        |r| r.get(0),
    )
    .optional()
    .context("read last event")
}

/// What was seen: the container is now up or down.
pub struct Seen {
    pub up: bool,
    pub at: i64,
    pub exit_code: Option<i64>,
    pub oom: bool,
    /// The signal of a `docker kill` that came before this stop, if any.
    pub killed_by: Option<String>,
    /// Who saw it when nobody asked for it: `docker` or `reconcile`.
    pub observer: &'static str,
    pub detail: Option<String>,
}

/// Records an up/down transition of an instance and updates its status; a repeat of the
/// current state is ignored. Returns the kind recorded, if any.
pub fn observe(conn: &Connection, instance_id: &str, seen: Seen) -> Result<Option<&'static str>> {
    type Current = (
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
    );
    let row: Option<Current> = conn
        .query_row(
            "SELECT owner_id, state, desired_state, pending_cause, pending_expect, pending_until
             FROM instances WHERE id = ?1",
            [instance_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()
        .context("read instance")?;
    let Some((owner_id, state, desired, pending_cause, pending_expect, pending_until)) = row else {
        return Ok(None);
    };
    if state == "creating" || state == "removing" {
        // The create or remove in flight records its own outcome.
        return Ok(None);
    }
    let status = match (seen.up, desired.as_str()) {
        (true, _) => "running",
        (false, "stopped") => "stopped",
        (false, _) => "exited",
    };
    let last: Option<(bool, i64)> = conn
        .query_row(
            "SELECT up, at FROM instance_events WHERE instance_id = ?1
             ORDER BY at DESC, id DESC LIMIT 1",
            [instance_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .context("read last event")?;
    // Older than what is recorded, e.g. Docker replaying events that reconciliation already
    // accounted for: it cannot change the current state.
    if last.is_some_and(|(up, at)| up != seen.up && seen.at < at) {
        return Ok(None);
    }
    conn.execute(
        "UPDATE instances SET state = ?2, exit_code = ?3, updated_at = ?4 WHERE id = ?1",
        params![
            instance_id,
            status,
            if seen.up { None } else { seen.exit_code },
            now_ms()
        ],
    )
    .context("update instance state")?;
    if last.is_some_and(|(up, _)| up == seen.up) {
        return Ok(None);
    }
    // Whether this transition is the next one a user's action asked for; if so it is theirs,
    // and the expectation moves on.
    let wanted = if seen.up { "up" } else { "down" };
    let mut expected = pending_expect.as_deref().unwrap_or("").split(',');
    let asked = match (pending_cause, expected.next()) {
        (Some(who), Some(next))
            if next == wanted && pending_until.is_some_and(|u| u >= now_ms()) =>
        {
            let rest: Vec<&str> = expected.collect();
            conn.execute(
                "UPDATE instances SET pending_expect = ?2,
                    pending_cause = CASE WHEN ?2 IS NULL THEN NULL ELSE pending_cause END
                 WHERE id = ?1",
                params![instance_id, (!rest.is_empty()).then(|| rest.join(","))],
            )
            .context("advance pending action")?;
            Some(who)
        }
        _ => None,
    };
    let (kind, cause) = match (seen.up, asked.as_deref()) {
        (true, Some(who)) => ("started", who.to_string()),
        (true, None) => ("started", seen.observer.to_string()),
        (false, Some(who)) => ("stopped", who.to_string()),
        (false, None) if desired == "stopped" => ("stopped", seen.observer.to_string()),
        (false, None) if seen.oom => ("oom", "oom".to_string()),
        (false, None) => match &seen.killed_by {
            Some(signal) => ("killed", format!("killed ({signal})")),
            None => ("died", "crash".to_string()),
        },
    };
    append(
        conn,
        &Event {
            instance_id,
            owner_id,
            at: seen.at,
            kind,
            up: seen.up,
            cause: &cause,
            exit_code: if seen.up { None } else { seen.exit_code },
            detail: seen.detail,
        },
    )?;
    Ok(Some(kind))
}

/// Follows Docker: after every (re)connection, reconciles, then records the event stream until
/// the connection drops or the daemon stops.
pub async fn run(state: Arc<State>, shutdown: CancellationToken) {
    let mut connections = state.engine.connections();
    loop {
        // Wait for a connection (the first one may already be there).
        if state.engine.docker().await.is_err() {
            tokio::select! {
                changed = connections.changed() => if changed.is_err() { return },
                _ = shutdown.cancelled() => return,
            }
            continue;
        }
        connections.borrow_and_update();
        let since = now_ms() / 1000 - 1;
        if let Err(e) = crate::instances::reconcile::reconcile(&state).await {
            tracing::error!(error = %e.chain(), "reconciliation failed");
        }
        tokio::select! {
            _ = follow(&state, since) => {}
            _ = shutdown.cancelled() => return,
        }
        // The stream ended: Docker went away. Wait for the supervisor to notice and reconnect.
        tokio::select! {
            changed = connections.changed() => if changed.is_err() { return },
            _ = shutdown.cancelled() => return,
        }
    }
}

async fn follow(state: &State, since: i64) {
    let Ok(docker) = state.engine.docker().await else {
        return;
    };
    let mut stream = containers::events(&docker, &state.daemon_id, Some(since));
    let mut oom_seen: HashSet<String> = HashSet::new();
    // A kill nobody here asked for (e.g. `docker kill`) explains the die that follows it.
    let mut killed: HashMap<String, String> = HashMap::new();
    while let Some(item) = stream.next().await {
        let event = match item {
            Ok(e) => e,
            Err(e) => {
                state.engine.mark_down(format!("event stream: {e}")).await;
                return;
            }
        };
        let action = event.action.clone().unwrap_or_default();
        let attrs = event
            .actor
            .as_ref()
            .and_then(|a| a.attributes.clone())
            .unwrap_or_default();
        let Some(instance) = attrs.get(LABEL_INSTANCE).cloned() else {
            continue;
        };
        let at = event
            .time_nano
            .map(|n| n / 1_000_000)
            .or(event.time.map(|s| s * 1000))
            .unwrap_or_else(now_ms);
        let seen = match action.as_str() {
            "start" => {
                killed.remove(&instance);
                Some(Seen {
                    up: true,
                    at,
                    exit_code: None,
                    oom: false,
                    killed_by: None,
                    observer: "docker",
                    detail: None,
                })
            }
            "kill" => {
                let signal = attrs.get("signal").cloned().unwrap_or_default();
                killed.insert(instance.clone(), format!("signal {signal}"));
                None
            }
            "oom" => {
                oom_seen.insert(instance.clone());
                None
            }
            "die" => Some(Seen {
                up: false,
                at,
                exit_code: attrs.get("exitCode").and_then(|c| c.parse().ok()),
                oom: oom_seen.remove(&instance),
                killed_by: killed.remove(&instance),
                observer: "docker",
                detail: None,
            }),
            "destroy" => {
                let id = instance.clone();
                let result = state
                    .registry
                    .call(move |conn| {
                        crate::instances::reconcile::mark_lost(conn, &id, at, "docker")
                    })
                    .await;
                if let Err(e) = result {
                    tracing::error!(error = %e.chain(), "recording a destroyed container");
                }
                None
            }
            _ => None,
        };
        if let Some(seen) = seen {
            let id = instance.clone();
            match state
                .registry
                .call(move |conn| observe(conn, &id, seen))
                .await
            {
                Ok(Some(kind)) => tracing::info!(instance = %instance, kind, "instance changed"),
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e.chain(), "recording a Docker event"),
            }
        }
    }
    state.engine.mark_down("event stream ended".into()).await;
}
