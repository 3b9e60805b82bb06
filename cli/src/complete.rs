//! Dynamic shell completion: instance, machine and volume names come from the daemon while the
//! shell completes (clap_complete's `CompleteEnv`, started in `main.rs`; the shell scripts that
//! call it are what `rsrc completion SHELL` prints).
//!
//! A completer runs on every Tab, so it must never get in the way: one request, a short budget
//! for the whole of it ([`BUDGET`]), and on any failure (no daemon, no login, a slow daemon) no
//! candidates and not a word on stdout or stderr. Only the caller's own instances and volumes
//! are offered, also to admins: the daemon's lists without `all=true`.

use std::ffi::OsString;
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use clap_complete::engine::CompletionCandidate;

use crate::client::{Client, ClientError};
use crate::resolve_socket;
use crate::session::Sessions;

/// The most a completion may wait for the daemon, connect and answer together.
pub const BUDGET: Duration = Duration::from_millis(300);

/// The caller's instances, by name, with the machine and status as help.
pub fn instances() -> Vec<CompletionCandidate> {
    ask(|client| async move {
        let list = client.instances().list(false).await?;
        Ok(list
            .into_iter()
            .map(|i| {
                let help = format!("{} ({})", i.machine, i.status);
                CompletionCandidate::new(i.name).help(Some(help.into()))
            })
            .collect())
    })
}

/// The machines, by name, with their descriptions as help.
pub fn machines() -> Vec<CompletionCandidate> {
    ask(|client| async move {
        let list = client.machines().list().await?;
        Ok(list
            .into_iter()
            .map(|m| {
                let help = (!m.description.is_empty()).then(|| m.description.into());
                CompletionCandidate::new(m.name).help(help)
            })
            .collect())
    })
}

/// The caller's kept volumes (those of removed instances: `volume rm` refuses the others).
pub fn volumes() -> Vec<CompletionCandidate> {
    ask(|client| async move {
        let list = client.volumes().list(false, false).await?;
        Ok(list
            .into_iter()
            .filter(|v| !v.in_use)
            .map(|v| {
                let help = format!("{} {}", v.instance, v.path);
                CompletionCandidate::new(v.name).help(Some(help.into()))
            })
            .collect())
    })
}

/// Runs one request against the daemon the command line names, within [`BUDGET`]; any
/// failure is no candidates.
fn ask<F, Fut>(request: F) -> Vec<CompletionCandidate>
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<Vec<CompletionCandidate>, ClientError>>,
{
    let socket = resolve_socket(socket_flag(std::env::args_os()));
    let mut client = Client::new(&socket, false);
    match Sessions::new(&socket, false).active_token() {
        Ok(token) => client.set_token(token),
        Err(_) => return Vec::new(),
    }
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    runtime
        .block_on(async { tokio::time::timeout(BUDGET, request(client)).await })
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// `--socket PATH` or `--socket=PATH` on the line being completed: the shell hands it to us as
/// our own arguments (`rsrc -- rsrc --socket PATH instance stop we`).
fn socket_flag(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--socket" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.to_str().and_then(|a| a.strip_prefix("--socket=")) {
            return Some(PathBuf::from(path));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_socket_comes_from_the_line_being_completed() {
        assert_eq!(
            socket_flag(args(&[
                "rsrc", "--", "rsrc", "--socket", "/s", "instance", "stop"
            ])),
            Some(PathBuf::from("/s"))
        );
        assert_eq!(
            socket_flag(args(&[
                "rsrc",
                "--",
                "rsrc",
                "instance",
                "stop",
                "--socket=/t"
            ])),
            Some(PathBuf::from("/t"))
        );
        assert_eq!(
            socket_flag(args(&["rsrc", "--", "rsrc", "instance", "stop"])),
            None
        );
    }
}
