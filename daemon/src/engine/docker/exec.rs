//! Commands in containers on Docker: `create_exec`, then `start_exec` attached (Docker hands
//! over the connection: its reads are the command's output, its writes the command's stdin),
//! and `inspect_exec` for the exit code and the process id.

use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::ResizeExecOptionsBuilder;
use futures_util::StreamExt;

use super::{engine_err, DockerEngine};
use crate::engine::exec::{ExecSession, ExecSpec, ExecStatus};
use crate::engine::Output;
use crate::error::{Error, Result};

pub async fn start(engine: &DockerEngine, container: &str, spec: ExecSpec) -> Result<ExecSession> {
    let docker = engine.docker().await?;
    let options = CreateExecOptions {
        attach_stdin: Some(spec.stdin),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        tty: Some(spec.tty),
        cmd: Some(spec.cmd.clone()),
        ..Default::default()
    };
    let mut config = bollard::models::ExecConfig::from(options);
    if let (true, Some((rows, cols))) = (spec.tty, spec.size) {
        // API 1.42 and later size the TTY before the command starts; older engines ignore it.
        config.console_size = Some(vec![usize::from(rows), usize::from(cols)]);
    }
    let created = docker
        .create_exec(container, config)
        .await
        .map_err(engine_err(format!("container {container}")))?;
    // Docker 20.10 (API 1.41) ignores a console size on create. A resize sent before the
    // start waits in Docker until the process exists and applies at once, as `docker exec -t`
    // does; sent after the start, the command's first look at its size would see 0x0.
    if let (true, Some((rows, cols))) = (spec.tty, spec.size) {
        let (engine, id) = (engine.clone(), created.id.clone());
        tokio::spawn(async move {
            if let Err(e) = resize(&engine, &id, rows, cols).await {
                tracing::debug!(error = %e, "cannot set the size of an exec's TTY");
            }
        });
    }
    let started = docker
        .start_exec(
            &created.id,
            Some(StartExecOptions {
                detach: false,
                tty: spec.tty,
                output_capacity: None,
            }),
        )
        .await
        .map_err(engine_err("cannot start the command"))?;
    let StartExecResults::Attached { output, input } = started else {
        return Err(Error::internal("Docker started the command detached"));
    };
    let output = output
        .filter_map(|item| async move {
            match item {
                Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                    Some(Ok((Output::Stdout, message)))
                }
                Ok(LogOutput::StdErr { message }) => Some(Ok((Output::Stderr, message))),
                Ok(LogOutput::StdIn { .. }) => None,
                Err(e) => Some(Err(engine_err("the command's output broke off")(e))),
            }
        })
        .boxed();
    Ok(ExecSession {
        id: created.id,
        output,
        input,
    })
}

pub async fn status(engine: &DockerEngine, id: &str) -> Result<ExecStatus> {
    let inspect = engine
        .docker()
        .await?
        .inspect_exec(id)
        .await
        .map_err(engine_err(format!("exec {id}")))?;
    let running = inspect.running.unwrap_or(false);
    Ok(ExecStatus {
        running,
        exit_code: if running { None } else { inspect.exit_code },
        pid: inspect.pid.filter(|p| *p > 0),
    })
}

pub async fn resize(engine: &DockerEngine, id: &str, rows: u16, cols: u16) -> Result<()> {
    engine
        .docker()
        .await?
        .resize_exec(
            id,
            ResizeExecOptionsBuilder::new()
                .h(i32::from(rows))
                .w(i32::from(cols))
                .build(),
        )
        .await
        .map_err(engine_err(format!("exec {id}")))
}
