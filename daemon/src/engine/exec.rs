//! What the engine gives for a command run in a container (`rsrc exec`): its output as a
//! stream, its stdin as a writer, and its state by id afterwards.

use std::pin::Pin;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use tokio::io::AsyncWrite;

use super::Output;
use crate::error::Result;

/// A command to run in a running container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecSpec {
    /// The command and its arguments; no shell.
    pub cmd: Vec<String>,
    pub tty: bool,
    /// Attach its stdin; without it the command reads an empty stdin.
    pub stdin: bool,
    /// A TTY's first size: (rows, columns).
    pub size: Option<(u16, u16)>,
}

/// A started command. `output` ends when the command has ended (or the engine broke off);
/// dropping `input`, or shutting it down, closes the command's stdin.
pub struct ExecSession {
    /// The engine's id of the command, for [`super::Engine::exec_status`] and resizes.
    pub id: String,
    /// With a TTY everything is `Stdout`.
    pub output: BoxStream<'static, Result<(Output, Bytes)>>,
    pub input: Pin<Box<dyn AsyncWrite + Send>>,
}

/// What the engine knows of a command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecStatus {
    pub running: bool,
    /// Set once it ended.
    pub exit_code: Option<i64>,
    /// Its process id as the host sees it, while it runs.
    pub pid: Option<i64>,
}
