//! The alerts worker: it follows the history from a cursor kept in the registry and tells an
//! instance's owner when it went down unexpectedly (a crash, an OOM, a kill or a stop no rsrc
//! user asked for, its container removed outside rsrc), and when it came back.
//!
//! Each history entry is handled in one transaction that queues its messages in the outbox and
//! moves the cursor past it, so a kill at any point queues each message exactly once: before the
//! commit nothing happened, after it the outbox owns delivery. Within the window (`[alerts]
//! window`) after an alert further downs are only counted; when the window closes, one summary
//! tells them.

use std::sync::Arc;
use std::time::Duration;

use rsrc_shared::api::{Cause, EventKind, InstanceState, User};
use tokio_util::sync::CancellationToken;

use super::message::{self, About, Lines, Message};
use crate::clock::now_ms;
use crate::domain::events::{StoredEvent, Subscription};
use crate::domain::notify::outbox::{Channel, Priority};
use crate::error::Result;
use crate::registry::alerts::{self as repo, AlertState};
use crate::registry::instances::{self as instances_repo, Row};
use crate::registry::users;
use crate::State;

/// How many log lines an alert shows.
const LINES: usize = 20;
/// Pause after a failure (e.g. the registry busy) before trying again.
const RETRY: Duration = Duration::from_secs(2);

pub async fn run(state: Arc<State>, shutdown: CancellationToken) {
    loop {
        match follow(&state, &shutdown).await {
            Ok(()) => return,
            Err(e) => tracing::error!(error = %e.chain(), "alerts"),
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

async fn follow(state: &State, shutdown: &CancellationToken) -> Result<()> {
    let cursor = state.registry.read(repo::cursor).await?;
    let mut history = Subscription::new(&state.registry, cursor);
    loop {
        send_summaries(state).await?;
        let next = state.registry.read(repo::next_summary_from).await?;
        let window = state.config.alerts.window.as_millis() as i64;
        let pause = next.map_or(Duration::from_secs(3600), |from| {
            Duration::from_millis((from + window - now_ms()).clamp(0, 3_600_000) as u64)
        });
        tokio::select! {
            batch = history.next() => {
                for entry in batch? {
                    handle(state, entry).await?;
                }
            }
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.cancelled() => return Ok(()),
        }
    }
}

/// A down no rsrc user asked for: every down the uptime report counts as unplanned, including
/// a `docker stop` by hand, a `docker pause` and a container removed behind rsrc's back.
fn unexpected_down(entry: &StoredEvent) -> bool {
    let e = &entry.event;
    !e.up
        && matches!(
            e.kind,
            EventKind::Died
                | EventKind::Oom
                | EventKind::Killed
                | EventKind::Stopped
                | EventKind::Lost
                | EventKind::Paused
        )
        && !matches!(
            e.cause,
            Cause::User | Cause::Admin | Cause::Daemon | Cause::Recreate
        )
}

async fn handle(state: &State, entry: StoredEvent) -> Result<()> {
    let e = &entry.event;
    let id = entry.id;
    let instance_id = e.instance_id.clone();
    let window = state.config.alerts.window.as_millis() as i64;
    let iid = instance_id.clone();
    let (mut alert, row) = state
        .registry
        .read(move |snap| Ok((repo::state(snap, &iid)?, instances_repo::by_id(snap, &iid)?)))
        .await?;
    let mut out: Option<Message> = None;
    let mut forget = false;
    match (e.kind, row) {
        (EventKind::Removed, _) | (_, None) => forget = true,
        (_, Some(row)) if unexpected_down(&entry) => {
            let what = message::describe(e.kind, &e.cause, e.exit_code);
            let open = alert.last_alert_at.is_some_and(|at| e.at - at < window);
            if open {
                alert.untold += 1;
                alert.untold_last_at = Some(e.at);
                alert.untold_cause = Some(what);
                alert.untold_exit_code = e.exit_code;
            } else {
                let lines = last_lines(state, &row).await;
                out = Some(message::alert(
                    &about(&row),
                    e.at,
                    &what,
                    alert.untold,
                    &lines,
                ));
                alert = AlertState {
                    last_alert_at: Some(e.at),
                    down_since: alert.down_since.or(Some(e.at)),
                    ..AlertState::default()
                };
            }
        }
        (EventKind::Started | EventKind::Unpaused, Some(row)) if e.up => {
            if let Some(since) = alert.down_since.take() {
                out = Some(message::recovered(&about(&row), e.at, e.at - since));
            }
        }
        // Stopped on purpose after an alert: nobody waits for it to recover any more.
        (EventKind::Stopped, Some(_)) => alert.down_since = None,
        _ => {}
    }
    commit(state, id, &instance_id, out, (!forget).then_some(alert)).await
}

/// Sends the summary of every window that closed with untold downs.
async fn send_summaries(state: &State) -> Result<()> {
    let window = state.config.alerts.window.as_millis() as i64;
    let closed_by = now_ms() - window;
    let due = state
        .registry
        .read(move |snap| repo::summaries_due(snap, closed_by))
        .await?;
    for instance_id in due {
        let iid = instance_id.clone();
        let (mut alert, row) = state
            .registry
            .read(move |snap| Ok((repo::state(snap, &iid)?, instances_repo::by_id(snap, &iid)?)))
            .await?;
        let Some(row) = row else {
            let cursor = state.registry.read(repo::cursor).await?;
            commit(state, cursor, &instance_id, None, None).await?;
            continue;
        };
        let up_now = row.state == InstanceState::Running;
        let lines = last_lines(state, &row).await;
        let last_at = alert.untold_last_at.unwrap_or_else(now_ms);
        let what = alert
            .untold_cause
            .clone()
            .unwrap_or_else(|| "crashed".into());
        let out = message::summary(&about(&row), alert.untold, last_at, &what, up_now, &lines);
        alert = AlertState {
            last_alert_at: Some(now_ms()),
            down_since: if up_now {
                None
            } else {
                alert.down_since.or(Some(last_at))
            },
            ..AlertState::default()
        };
        let cursor = state.registry.read(repo::cursor).await?;
        commit(state, cursor, &instance_id, Some(out), Some(alert)).await?;
    }
    Ok(())
}

/// Queues `out` to the owner on each channel they chose, stores the instance's alert state (or
/// forgets it) and moves the cursor to `cursor`, in one transaction.
async fn commit(
    state: &State,
    cursor: i64,
    instance_id: &str,
    out: Option<Message>,
    alert: Option<AlertState>,
) -> Result<()> {
    let outbox = state.outbox.clone();
    let sms_on = state.config.sms.is_some();
    let instance_id = instance_id.to_string();
    let queued = state
        .registry
        .write(move |tx| {
            let mut queued = false;
            if let Some(out) = &out {
                let owner = instances_repo::by_id(tx, &instance_id)?
                    .map(|row| users::by_id(tx, row.owner_id))
                    .transpose()?;
                if let Some(owner) = owner {
                    for (channel, to) in recipients(&owner, sms_on) {
                        let (subject, body) = match channel {
                            Channel::Email => (out.subject.as_str(), out.body.as_str()),
                            Channel::Sms => ("", out.sms.as_str()),
                        };
                        outbox.enqueue_on(tx, channel, Priority::Alert, &to, subject, body)?;
                        queued = true;
                    }
                }
            }
            match &alert {
                Some(a) => repo::save(tx, &instance_id, a)?,
                None => repo::forget(tx, &instance_id)?,
            }
            repo::set_cursor(tx, cursor)?;
            Ok(queued)
        })
        .await?;
    if queued {
        state.outbox.wake();
    }
    Ok(())
}

/// Where the owner wants alerts: mail unless turned off, SMS when on and the phone is proven.
fn recipients(owner: &User, sms_on: bool) -> Vec<(Channel, String)> {
    let mut to = Vec::new();
    if owner.disabled {
        return to;
    }
    if owner.notify_email {
        to.push((Channel::Email, owner.email.clone()));
    }
    if let (true, true, true, Some(phone)) =
        (sms_on, owner.notify_sms, owner.phone_verified, &owner.phone)
    {
        to.push((Channel::Sms, phone.clone()));
    }
    to
}

fn about(row: &Row) -> About<'_> {
    About {
        name: &row.name,
        id: &row.id,
        machine: &row.machine,
    }
}

/// The container's last lines with every secret prop value scrubbed. Without the secret values
/// (the container is gone) no line is shown: one might carry a secret.
async fn last_lines(state: &State, row: &Row) -> Lines {
    let container = row.container_ref();
    let secret_keys: Vec<&str> = row
        .env
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.as_str())
        .collect();
    let secrets: Vec<String> = if secret_keys.is_empty() {
        Vec::new()
    } else {
        match state.engine.env(&container).await {
            Ok(env) => env
                .iter()
                .filter_map(|kv| kv.split_once('='))
                .filter(|(k, _)| secret_keys.contains(k))
                .map(|(_, v)| v.to_string())
                .collect(),
            Err(e) => return Lines::Unavailable(format!("cannot read the container: {e}")),
        }
    };
    match state.engine.last_lines(&container, LINES).await {
        Ok(lines) => Lines::Shown(lines.iter().map(|l| message::scrub(l, &secrets)).collect()),
        Err(e) => Lines::Unavailable(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::history::NewEvent;

    fn entry(kind: EventKind, cause: Cause, exit_code: Option<i64>) -> StoredEvent {
        StoredEvent {
            id: 1,
            event: NewEvent {
                instance_id: "i".into(),
                owner_id: 1,
                at: 0,
                kind,
                up: false,
                cause,
                exit_code,
                detail: None,
            },
        }
    }

    #[test]
    fn every_unplanned_down_alerts_as_the_uptime_report_counts_it() {
        let unplanned = [
            (EventKind::Died, Cause::Crash, Some(3)),
            (EventKind::Oom, Cause::Oom, Some(137)),
            (
                EventKind::Killed,
                Cause::Killed { signal: "9".into() },
                Some(137),
            ),
            // `docker stop` by hand, seen live or by reconciliation.
            (EventKind::Stopped, Cause::Docker, Some(143)),
            (EventKind::Stopped, Cause::Reconcile, Some(143)),
            // The container removed behind rsrc's back.
            (EventKind::Lost, Cause::Docker, None),
            (EventKind::Lost, Cause::Reconcile, None),
        ];
        for (kind, cause, code) in unplanned {
            let e = entry(kind, cause.clone(), code);
            assert!(unexpected_down(&e), "{kind:?} {cause:?}");
        }
        let stop = entry(EventKind::Stopped, Cause::Docker, Some(143));
        let what = message::describe(stop.event.kind, &stop.event.cause, Some(143));
        assert!(what.contains("stopped outside rsrc"), "{what}");
        let lost = entry(EventKind::Lost, Cause::Docker, None);
        let what = message::describe(lost.event.kind, &lost.event.cause, None);
        assert!(what.contains("removed outside rsrc"), "{what}");
        for (kind, cause) in [
            (EventKind::Stopped, Cause::User),
            (EventKind::Stopped, Cause::Admin),
            (EventKind::Removed, Cause::User),
            (EventKind::Recreated, Cause::User),
            (EventKind::Died, Cause::User),
        ] {
            assert!(
                !unexpected_down(&entry(kind, cause.clone(), None)),
                "{kind:?} {cause:?}"
            );
        }
    }
}
