//! `rsrc exec`: a command in one of your instances, over a connection the daemon switches to
//! the frames of `rsrc_shared::api::exec`. Its stdout and stderr stay apart, stdin is passed
//! with `-i`, and `rsrc exec` exits with the command's exit code. With `-t` the command gets a
//! TTY: the local terminal goes into raw mode (`tty`), and its size follows the local one.

mod tty;

use std::io::Write;

use hyper_util::rt::TokioIo;
use rsrc_shared::api::endpoints as ep;
use rsrc_shared::api::exec::{self as wire, ExecRequest, FrameKind, UPGRADE_PROTOCOL};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc;

use crate::client::ClientError;
use crate::error::{CliError, CliResult};
use crate::Ctx;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  rsrc exec cache -- redis-cli -a \"$PASS\" PING
  printf 'SELECT 1;' | rsrc exec -i db -- psql -U postgres
  rsrc exec web -- sh -c 'ls /data; exit 3'; echo $?      # prints 3
  rsrc exec -it db -- psql -U app app                     # an interactive session

The command runs in the instance's container as the container's user, without a shell (give
`sh -c '...'` for one). Its stdout and stderr come out on rsrc's stdout and stderr, so scripts
can pipe through it. With -t the command gets a terminal (TTY) whose size follows yours, and its
stdout and stderr are one stream; with -it your terminal is in raw mode while it runs, so that
Ctrl-C goes to the command. rsrc exits with the command's exit code; 126 and 127 are Docker's: the
command cannot be run, or is not found. Ctrl-C or a closed connection ends the command in the
container. Only the instance's owner (or an admin) may exec, and an admin can switch exec off
for a machine (`exec = false`). rsrcd logs who ran which command where; it never logs the
arguments.")]
pub struct ExecArgs {
    /// Pass rsrc's stdin to the command (without it the command reads an empty stdin).
    #[arg(long, short = 'i')]
    pub interactive: bool,
    /// Give the command a terminal (TTY); with -i, yours is in raw mode while it runs.
    #[arg(long, short = 't')]
    pub tty: bool,
    /// The instance's id (or a unique prefix of it) or name.
    #[arg(value_name = "ID|NAME")]
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::instances))]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub reference: String,
    /// The command and its arguments (after `--`, so that its options are not rsrc's).
    #[arg(value_name = "CMD", required = true, trailing_var_arg = true)]
    #[arg(allow_hyphen_values = true)]
    pub command: Vec<String>,
}

pub async fn run(ctx: &mut Ctx, args: ExecArgs) -> CliResult {
    if args.tty && args.interactive && !tty::any_terminal() {
        return Err(
            CliError::usage("-t needs a terminal; leave it out when piping")
                .with_hint("use `rsrc exec -i` to pass stdin without a TTY"),
        );
    }
    let request = ExecRequest {
        cmd: args.command,
        tty: args.tty,
        stdin: args.interactive,
        size: if args.tty { tty::size() } else { None },
    };
    let io = ctx
        .client
        .upgrade(
            ep::ExecInstance,
            &[&args.reference],
            &request,
            UPGRADE_PROTOCOL,
        )
        .await?;
    let (mut rd, mut wr) = tokio::io::split(TokioIo::new(io));
    // Restored when this function returns, however it returns.
    let raw = if args.tty && args.interactive {
        tty::RawMode::enter()
    } else {
        None
    };
    let mut winch = if args.tty {
        signal(SignalKind::window_change()).ok()
    } else {
        None
    };
    // In raw mode nothing else restores the terminal: a hangup or a kill ends the loop instead.
    let (mut hangup, mut terminate) = if raw.is_some() {
        (
            signal(SignalKind::hangup()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    } else {
        (None, None)
    };
    let mut stdin = if args.interactive {
        Some(read_stdin())
    } else {
        None
    };
    let mut decoder = wire::Decoder::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        tokio::select! {
            () = next_signal(&mut winch) => {
                if let Some(size) = tty::size() {
                    let frame = wire::frame(FrameKind::Resize, &size.to_bytes());
                    let _ = wr.write_all(&frame).await;
                    let _ = wr.flush().await;
                }
            }
            () = next_signal(&mut hangup) => return Err(CliError::Reported(128 + 1)),
            () = next_signal(&mut terminate) => return Err(CliError::Reported(128 + 15)),
            chunk = next_chunk(&mut stdin) => {
                let frame = match &chunk {
                    Some(data) => wire::frame(FrameKind::Stdin, data),
                    None => {
                        stdin = None;
                        wire::frame(FrameKind::StdinEnd, b"")
                    }
                };
                if wr.write_all(&frame).await.is_err() || wr.flush().await.is_err() {
                    // The daemon closed; what it sent last is still to be read.
                    stdin = None;
                }
            }
            read = rd.read(&mut buf) => {
                let n = read.map_err(|e| cut(&e.to_string()))?;
                if n == 0 {
                    return Err(cut("the connection closed before the command's exit code"));
                }
                decoder.push(&buf[..n]);
                while let Some((kind, payload)) = decoder
                    .next_frame()
                    .map_err(|e| CliError::from(ClientError::Protocol(e.to_string())))?
                {
                    match kind {
                        FrameKind::Stdout | FrameKind::Stderr => {
                            if !write_out(kind == FrameKind::Stderr, payload) {
                                // A closed pipe (`| head`): the command is ended with us.
                                return Ok(());
                            }
                        }
                        FrameKind::Exit => {
                            let code = wire::exit_code(payload).ok_or_else(|| {
                                CliError::from(ClientError::Protocol(
                                    "an exit frame without an exit code".into(),
                                ))
                            })?;
                            return exit_with(code);
                        }
                        FrameKind::Fail => {
                            return Err(CliError::failure(
                                String::from_utf8_lossy(payload).into_owned(),
                            ));
                        }
                        _ => {
                            return Err(ClientError::Protocol(format!(
                                "the daemon sent a frame of the client's ({kind:?})"
                            ))
                            .into())
                        }
                    }
                }
            }
        }
    }
}

fn cut(why: &str) -> CliError {
    ClientError::Cut(why.to_string()).into()
}

/// The command's exit code as rsrc's: 0 is success; the rest is kept as the shell would see
/// it (its low 8 bits), and a failure whose low bits are 0 stays a failure.
fn exit_with(code: i32) -> CliResult {
    match code {
        0 => Ok(()),
        code => Err(CliError::Reported(match (code & 0xff) as u8 {
            0 => 1,
            low => low,
        })),
    }
}

/// Writes output to stdout or stderr at once; `false` when that stream is closed.
fn write_out(stderr: bool, data: &[u8]) -> bool {
    let written = if stderr {
        let mut err = std::io::stderr().lock();
        err.write_all(data).and_then(|()| err.flush())
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(data).and_then(|()| out.flush())
    };
    written.is_ok()
}

/// The next delivery of a signal; pending for ever without a handler.
async fn next_signal(signal: &mut Option<Signal>) {
    match signal {
        Some(s) => {
            if s.recv().await.is_none() {
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending().await,
    }
}

/// The next piece of stdin; `None` at its end. Pending for ever when stdin is not passed.
async fn next_chunk(stdin: &mut Option<mpsc::Receiver<Vec<u8>>>) -> Option<Vec<u8>> {
    match stdin {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Reads stdin on a thread of its own: a read blocked on a terminal must not keep rsrc from
/// exiting once the command has ended (tokio's stdin would hold the runtime's shutdown).
fn read_stdin() -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel(4);
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match std::io::Read::read(&mut stdin, &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if tx.blocking_send(buf[..n].to_vec()).is_err() {
                        return;
                    }
                }
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_keep_what_the_shell_sees() {
        assert!(exit_with(0).is_ok());
        for (code, want) in [(7, 7), (127, 127), (256, 1), (-1, 255)] {
            match exit_with(code) {
                Err(CliError::Reported(got)) => assert_eq!(got, want, "{code}"),
                other => panic!("{code}: {other:?}"),
            }
        }
    }
}
