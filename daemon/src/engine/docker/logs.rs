//! A container's output as a stream: chunks go on as Docker sends them, so that a reader of a
//! large log costs the daemon one chunk, not the log.

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;

use super::engine_err;
use crate::engine::LogStream;
use crate::error::Result;

pub(super) async fn stream(
    docker: &Docker,
    container: &str,
    tail: Option<usize>,
) -> Result<LogStream> {
    let tail = tail.map_or_else(|| "all".to_string(), |n| n.to_string());
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .tail(&tail)
        .build();
    let context = format!("cannot read logs of {container}");
    let mut chunks = docker.logs(container, Some(options));
    // Docker answers a missing container or a refused request before the first chunk: waiting
    // for it lets the caller still answer with the error's status instead of a cut-off body.
    let first = match chunks.next().await {
        None => return Ok(futures_util::stream::empty().boxed()),
        Some(item) => item.map_err(engine_err(context.clone()))?,
    };
    let rest = chunks.map(move |item| {
        item.map(LogOutput::into_bytes)
            .map_err(engine_err(context.clone()))
    });
    Ok(
        futures_util::stream::once(async move { Ok(first.into_bytes()) })
            .chain(rest)
            .boxed(),
    )
}
