//! Start, stop and restart; waiting for an instance to accept connections.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use rsrc_shared::api::{Cause, Instance, InstanceState, Protocol};

use super::create::PENDING_WINDOW_MS;
use super::env::first_port;
use super::resolve::resolve_async;
use super::{cause_for, reconcile, state, view, Row};
use crate::clock::now_ms;
use crate::domain::accounts::Caller;
use crate::engine::RunState;
use crate::error::{Error, Result};
use crate::registry::instances::{self as repo, Desired, Expect, Pending};
use crate::State;

const WAIT_LOG_LINES: usize = 20;

/// What the HTTP layer asks of an instance; each has its own route.
pub use rsrc_shared::api::InstanceAction as Action;

/// What the owner wants after `action`, and the transitions it causes.
fn intent(action: Action) -> (Desired, Expect) {
    match action {
        Action::Stop => (Desired::Stopped, Expect::Down),
        Action::Start => (Desired::Running, Expect::Up),
        Action::Restart => (Desired::Running, Expect::DownThenUp),
    }
}

fn lost(row: &Row) -> Error {
    Error::conflict(format!(
        "instance `{}` is lost: its container is gone; remove it with `rsrc instance rm {}`",
        row.name, row.id
    ))
}

pub async fn act(
    state: &State,
    caller: &Caller,
    reference: &str,
    action: Action,
) -> Result<Instance> {
    let row = resolve_async(state, caller, reference).await?;
    match row.state {
        InstanceState::Creating | InstanceState::Removing | InstanceState::Recreating => {
            return Err(Error::conflict(format!(
                "instance `{}` is {}; try again in a moment",
                row.name, row.state
            )))
        }
        InstanceState::Lost => return Err(lost(&row)),
        _ => {}
    }
    // Nothing is recorded for an action the engine cannot take.
    state.engine.available().await?;
    let (desired, expect) = intent(action);
    let pending = Pending {
        cause: cause_for(&row, caller),
        expect,
        until: now_ms() + PENDING_WINDOW_MS,
    };
    // Only the action in flight is recorded before the engine acts, so that the events it causes
    // are the asker's. What the owner wants changes once the engine did it: a request that fails
    // changes nothing.
    set_pending(state, &row.id, Some(pending)).await?;
    let container = row.container_ref();
    let outcome = match action {
        Action::Start => state.engine.start(&container).await,
        Action::Stop => state.engine.stop(&container).await,
        Action::Restart => state.engine.restart(&container).await,
    };
    if let Err(e) = outcome {
        set_pending(state, &row.id, None).await?;
        if matches!(e, Error::NotFound(_)) {
            let id = row.id.clone();
            state
                .registry
                .write(move |tx| state::mark_lost(tx, &id, now_ms(), Cause::Daemon))
                .await?;
            return Err(lost(&row));
        }
        return Err(e);
    }
    {
        let id = row.id.clone();
        state
            .registry
            .write(move |tx| repo::set_desired(tx, &id, desired))
            .await?;
    }
    reconcile::refresh(state, &row.id, Cause::Daemon).await?;
    // Every transition of the action is recorded now. What it still expects (a stop of a
    // stopped instance causes none) must not claim a later change that nobody here asked for.
    set_pending(state, &row.id, None).await?;
    view::by_id(state, &row.id).await
}

async fn set_pending(state: &State, id: &str, pending: Option<Pending>) -> Result<()> {
    let id = id.to_string();
    state
        .registry
        .write(move |tx| repo::set_pending(tx, &id, pending.as_ref()))
        .await
}

/// Waits until the instance's first TCP port accepts a connection. On timeout the error carries
/// the container's last log lines.
pub async fn wait(
    state: &State,
    caller: &Caller,
    reference: &str,
    timeout: Duration,
) -> Result<Instance> {
    let row = resolve_async(state, caller, reference).await?;
    state.engine.available().await?;
    let ports = view::by_id(state, &row.id).await?.ports;
    let target_port = first_port(&row.machine_spec, &ports, Some(Protocol::Tcp))
        .map(|p| (p.container_port, p.host_port));
    let Some((container_port, host_port)) = target_port else {
        return Err(Error::invalid(format!(
            "instance `{}` has no TCP port to wait for",
            row.name
        )));
    };
    let container = row.container_ref();
    let began = tokio::time::Instant::now();
    let deadline = began + timeout;
    let mut last_problem;
    loop {
        // Prefer the container's own address: a published port may be accepted by Docker's
        // proxy before the service inside listens.
        let observed = match state.engine.inspect(&container).await? {
            Some(o) => o,
            None => {
                last_problem = "the container is gone".into();
                break;
            }
        };
        let target = match observed.address {
            Some(ip) => SocketAddr::new(ip, container_port),
            None => SocketAddr::new(probe_host(state), host_port),
        };
        match tokio::time::timeout(
            Duration::from_millis(500),
            tokio::net::TcpStream::connect(target),
        )
        .await
        {
            Ok(Ok(_)) => {
                let row = resolve_async(state, caller, &row.id).await?;
                return view::by_id(state, &row.id).await;
            }
            Ok(Err(e)) => last_problem = e.to_string(),
            Err(_) => last_problem = "connect timed out".into(),
        }
        if let Ok(Some(o)) = state.engine.inspect(&container).await {
            if !o.running && o.state != RunState::Restarting && o.state != RunState::Created {
                last_problem = format!(
                    "the container {} (exit code {})",
                    o.state.as_str(),
                    o.exit_code.unwrap_or(-1)
                );
                break;
            }
        }
        if tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let details = state
        .engine
        .last_lines(&container, WAIT_LOG_LINES)
        .await
        .unwrap_or_default();
    let waited = tokio::time::Instant::now().saturating_duration_since(began);
    Err(Error::Timeout {
        message: wait_failure(&row.name, container_port, timeout, waited, &last_problem),
        details,
    })
}

fn probe_host(state: &State) -> IpAddr {
    match state.config.bind_address {
        ip if !ip.is_unspecified() => ip,
        _ => IpAddr::from([127, 0, 0, 1]),
    }
}

/// Why `--wait` failed: "within 60s" only when the whole wait passed; a container that
/// stopped or vanished earlier is said to have ended the wait when it did.
fn wait_failure(
    name: &str,
    port: u16,
    timeout: Duration,
    waited: Duration,
    problem: &str,
) -> String {
    if waited >= timeout {
        format!(
            "instance `{name}` did not accept connections on port {port} within {}s: {problem}",
            timeout.as_secs()
        )
    } else {
        format!(
            "instance `{name}` did not accept connections on port {port}: {problem} after {}s",
            waited.as_secs().max(1)
        )
    }
}

#[cfg(test)]
mod wait_tests {
    use super::*;

    /// A wait that ended early says when, not "within 60s" (issue 19 item 23).
    #[test]
    fn a_wait_failure_says_how_long_it_waited() {
        let early = wait_failure(
            "web",
            80,
            Duration::from_secs(60),
            Duration::from_secs(3),
            "the container exited (exit code 1)",
        );
        assert!(!early.contains("60s"), "{early}");
        assert!(early.contains("after 3s"), "{early}");
        let late = wait_failure(
            "web",
            80,
            Duration::from_secs(60),
            Duration::from_secs(61),
            "connect timed out",
        );
        assert!(late.contains("within 60s"), "{late}");
    }
}
