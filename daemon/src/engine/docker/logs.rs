//! A container's output as a stream of timestamped messages: they go on as Docker sends them,
//! so that a reader of a large log costs the daemon one message, not the log.

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;

use super::engine_err;
use crate::engine::{LogChunk, LogRange, LogStream};

pub(super) fn stream(docker: &Docker, container: &str, range: LogRange) -> LogStream {
    let tail = range
        .tail
        .map_or_else(|| "all".to_string(), |n| n.to_string());
    // Docker's API takes 32-bit seconds; past 2038 the filter falls to the caller's own.
    let secs = |t: i64| i32::try_from(t).unwrap_or(0);
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .timestamps(true)
        .follow(range.follow)
        .tail(&tail)
        .since(secs(range.since))
        .until(secs(range.until))
        .build();
    let context = format!("cannot read logs of {container}");
    docker
        .logs(container, Some(options))
        .filter_map(move |item| {
            let chunk = match item {
                Ok(LogOutput::StdOut { message }) | Ok(LogOutput::Console { message }) => {
                    Some(Ok(LogChunk {
                        stderr: false,
                        bytes: message,
                    }))
                }
                Ok(LogOutput::StdErr { message }) => Some(Ok(LogChunk {
                    stderr: true,
                    bytes: message,
                })),
                Ok(LogOutput::StdIn { .. }) => None,
                Err(e) => Some(Err(engine_err(context.clone())(e))),
            };
            std::future::ready(chunk)
        })
        .boxed()
}
