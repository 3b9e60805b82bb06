//! `rsrc exec` (SPEC §5): a command run in the caller's instance, over an upgraded connection
//! that carries the frames of `rsrc_shared::api::exec`.
//!
//! [`start`] makes every check before anything runs (the instance is the caller's, or the
//! caller is an admin; its machine allows exec; its container runs), audits the command and
//! starts it. [`pump`] then moves stdin, output and resizes between the connection and the
//! engine, and ends with the exit code. A client that goes away (Ctrl-C, a closed terminal)
//! ends the command: Docker has no API to kill an exec, so rsrcd signals its process from a
//! second exec in the container (see [`end_command`]).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use rsrc_shared::api::exec::{self as wire, ExecRequest, FrameKind, TermSize};
use rsrc_shared::api::InstanceState;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

use crate::domain::accounts::Caller;
use crate::domain::instances::resolve::resolve_async;
use crate::engine::exec::{ExecSession, ExecSpec};
use crate::engine::Output;
use crate::error::{Error, Result};
use crate::State;

/// How long a command that was asked to end (SIGHUP and SIGTERM) gets before SIGKILL.
const END_GRACE: Duration = Duration::from_secs(2);
/// How long the exit code may take to show after the output ended.
const EXIT_CODE_WAIT: Duration = Duration::from_secs(5);

/// A command started for a caller, not yet connected to its client.
pub struct Started {
    session: ExecSession,
    container: String,
    instance: String,
}

/// Checks the request and the caller's right to it, audits it, and starts the command.
pub async fn start(
    state: &State,
    caller: &Caller,
    reference: &str,
    req: ExecRequest,
) -> Result<Started> {
    check_command(&req.cmd)?;
    let row = resolve_async(state, caller, reference).await?;
    if !row.machine_spec.exec {
        return Err(Error::forbidden(format!(
            "exec is switched off for machine `{}`: an admin has set `exec = false` on it",
            row.machine
        )));
    }
    let not_running = || {
        Error::conflict(format!(
            "instance `{}` is not running; start it with `rsrc instance start {}`",
            row.name, row.name
        ))
    };
    match row.state {
        InstanceState::Running => {}
        InstanceState::Paused => {
            return Err(Error::conflict(format!(
                "instance `{}` is paused",
                row.name
            )))
        }
        _ => return Err(not_running()),
    }
    let container = row.container_ref();
    match state.engine.inspect(&container).await? {
        Some(o) if o.running => {}
        _ => return Err(not_running()),
    }
    // The audit line names the command (argv[0]) and counts its arguments, never shows them:
    // they may hold passwords (`redis-cli -a PASS`, `psql postgres://u:p@...`).
    tracing::info!(
        user = %caller.user.email,
        user_id = caller.user.id,
        instance = %row.id,
        instance_name = %row.name,
        owner = %row.owner_email,
        command = %req.cmd[0],
        args = req.cmd.len() - 1,
        tty = req.tty,
        stdin = req.stdin,
        "exec"
    );
    let spec = ExecSpec {
        cmd: req.cmd,
        tty: req.tty,
        stdin: req.stdin,
        size: req.size.map(|s| (s.rows, s.cols)),
    };
    let session = state.engine.exec(&container, spec).await?;
    Ok(Started {
        session,
        container,
        instance: row.id,
    })
}

fn check_command(cmd: &[String]) -> Result<()> {
    match cmd.first() {
        None => return Err(Error::invalid("exec needs a command")),
        Some(first) if first.is_empty() => {
            return Err(Error::invalid("the command's name is empty"))
        }
        _ => {}
    }
    if cmd.len() > wire::MAX_ARGS
        || cmd.iter().map(String::len).sum::<usize>() > wire::MAX_ARGS_BYTES
    {
        return Err(Error::invalid("the command is too long"));
    }
    if cmd.iter().any(|a| a.contains('\0')) {
        return Err(Error::invalid("the command contains a NUL byte"));
    }
    Ok(())
}

/// How a session ended.
enum Ending {
    /// The command's output ended.
    Done,
    /// The client went away, or sent what is not a frame.
    Gone,
    /// rsrcd shuts down, or the caller's session was revoked.
    Cancelled,
    /// The engine broke off.
    Broken(Error),
}

/// Runs a started command over the upgraded connection `io` until it ends, the client goes
/// away, or `end` is cancelled.
pub async fn pump<IO>(state: Arc<State>, started: Started, io: IO, end: CancellationToken)
where
    IO: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let Started {
        session,
        container,
        instance,
    } = started;
    let ExecSession {
        id,
        mut output,
        input,
    } = session;
    let (mut rd, mut wr) = tokio::io::split(io);
    let mut input = Some(input);
    let client = read_client(&state, &id, &mut rd, &mut input);
    let relay = async {
        let mut first = true;
        while let Some(item) = output.next().await {
            let (out, data) = match item {
                Ok(item) => item,
                Err(e) => return Ending::Broken(e),
            };
            let kind = match out {
                // Docker writes why a command could not start (exit 126 or 127) on the
                // command's stdout; it is no output of the command, and goes to stderr so that
                // a script reading stdout does not take it for some.
                Output::Stdout if first && data.starts_with(b"OCI runtime exec failed") => {
                    FrameKind::Stderr
                }
                Output::Stdout => FrameKind::Stdout,
                Output::Stderr => FrameKind::Stderr,
            };
            first = false;
            if wr.write_all(&wire::frame(kind, &data)).await.is_err() || wr.flush().await.is_err() {
                return Ending::Gone;
            }
        }
        Ending::Done
    };
    let ending = tokio::select! {
        ending = relay => ending,
        () = client => Ending::Gone,
        () = end.cancelled() => Ending::Cancelled,
    };
    drop(input);
    let last = match ending {
        Ending::Done => match exit_code(&state, &id).await {
            Ok(code) => {
                tracing::info!(instance = %instance, exit_code = code, "exec ended");
                wire::frame(FrameKind::Exit, &wire::exit_payload(code))
            }
            Err(e) => wire::frame(FrameKind::Fail, e.to_string().as_bytes()),
        },
        Ending::Gone => {
            tracing::info!(instance = %instance, "exec client went away; ending the command");
            end_command(&state, &container, &id).await;
            return;
        }
        Ending::Cancelled => {
            end_command(&state, &container, &id).await;
            wire::frame(
                FrameKind::Fail,
                b"rsrcd ended the command (shutdown or logout)",
            )
        }
        Ending::Broken(e) => {
            end_command(&state, &container, &id).await;
            let text = format!("the command's output broke off: {e}");
            wire::frame(FrameKind::Fail, text.as_bytes())
        }
    };
    let _ = wr.write_all(&last).await;
    let _ = wr.shutdown().await;
}

/// Ends a started command whose connection never switched.
pub async fn abandon(state: &State, started: Started) {
    let Started {
        session, container, ..
    } = started;
    drop(session.input);
    end_command(state, &container, &session.id).await;
}

/// Reads the client's frames into the command's stdin (and its TTY size) until the client
/// goes away. A client that ends stdin keeps the connection open until the exit code.
async fn read_client<R: AsyncRead + Unpin>(
    state: &State,
    id: &str,
    rd: &mut R,
    input: &mut Option<std::pin::Pin<Box<dyn AsyncWrite + Send>>>,
) {
    let mut decoder = wire::Decoder::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match rd.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        decoder.push(&buf[..n]);
        loop {
            let (kind, payload) = match decoder.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!(error = %e, "exec client sent garbage");
                    return;
                }
            };
            match kind {
                FrameKind::Stdin => {
                    if let Some(w) = input.as_mut() {
                        if w.write_all(payload).await.is_err() || w.flush().await.is_err() {
                            // The command closed its stdin: what else comes is dropped.
                            *input = None;
                        }
                    }
                }
                FrameKind::StdinEnd => {
                    if let Some(mut w) = input.take() {
                        let _ = w.shutdown().await;
                    }
                }
                FrameKind::Resize => {
                    if let Some(size) = TermSize::from_bytes(payload) {
                        if let Err(e) = state.engine.exec_resize(id, size.rows, size.cols).await {
                            tracing::debug!(error = %e, "cannot resize an exec's TTY");
                        }
                    }
                }
                _ => {
                    tracing::debug!(?kind, "exec client sent a frame of the daemon's");
                    return;
                }
            }
        }
    }
}

/// The exit code of an ended command. Docker may still call it running for a moment after
/// its output ended.
async fn exit_code(state: &State, id: &str) -> Result<i32> {
    let deadline = tokio::time::Instant::now() + EXIT_CODE_WAIT;
    loop {
        let status = state.engine.exec_status(id).await?;
        if let (false, Some(code)) = (status.running, status.exit_code) {
            return Ok(i32::try_from(code).unwrap_or(i32::MAX));
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Error::internal("the command's exit code did not show"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Ends a command whose client is gone: SIGHUP and SIGTERM, then SIGKILL after
/// [`END_GRACE`]. Docker has no call for that, and the exec's pid is the host's, so the signal
/// is sent by a second exec in the container, to the pid the container sees (`NSpid` in the
/// host's `/proc/<pid>/status`). Where that cannot work (rsrcd sees another pid namespace than
/// Docker, or the image has no `sh`) the command runs on, and the log says so.
async fn end_command(state: &State, container: &str, id: &str) {
    let mut signal = "-HUP";
    let deadline = tokio::time::Instant::now() + END_GRACE;
    loop {
        let status = match state.engine.exec_status(id).await {
            Ok(status) => status,
            Err(e) => {
                tracing::debug!(error = %e, "cannot inspect an exec");
                return;
            }
        };
        if !status.running {
            return;
        }
        let Some(pid) = status.pid.and_then(container_pid) else {
            tracing::warn!(exec = %id, "cannot find the process of an exec whose client went away; it runs on");
            return;
        };
        let script = match signal {
            "-HUP" => format!("kill -HUP {pid}; kill -TERM {pid}"),
            _ => format!("kill -KILL {pid}"),
        };
        if let Err(e) = run_quietly(state, container, script).await {
            tracing::warn!(exec = %id, error = %e, "cannot signal an exec whose client went away");
            return;
        }
        if signal == "-KILL" {
            return;
        }
        while tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
            match state.engine.exec_status(id).await {
                Ok(s) if s.running => {}
                _ => return,
            }
        }
        signal = "-KILL";
    }
}

/// Runs `sh -c script` in the container and waits for it to end.
async fn run_quietly(state: &State, container: &str, script: String) -> Result<()> {
    let spec = ExecSpec {
        cmd: vec!["sh".into(), "-c".into(), script],
        tty: false,
        stdin: false,
        size: None,
    };
    let mut session = state.engine.exec(container, spec).await?;
    while let Some(item) = session.output.next().await {
        item?;
    }
    Ok(())
}

/// The pid of host process `host_pid` in its own (innermost) pid namespace.
fn container_pid(host_pid: i64) -> Option<i64> {
    let status = std::fs::read_to_string(format!("/proc/{host_pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("NSpid:"))?;
    line.split_whitespace().last()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_checked() {
        assert!(check_command(&[]).is_err());
        assert!(check_command(&[String::new()]).is_err());
        assert!(check_command(&["a\0b".into()]).is_err());
        assert!(check_command(&vec!["x".to_string(); wire::MAX_ARGS + 1]).is_err());
        assert!(check_command(&["sh".into(), "-c".into(), "exit 7".into()]).is_ok());
    }

    #[test]
    fn our_own_pid_is_found() {
        let me = i64::from(std::process::id());
        assert!(container_pid(me).is_some_and(|p| p > 0));
        assert_eq!(container_pid(-5), None);
    }
}
