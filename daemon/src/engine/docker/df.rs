//! Volume sizes from Docker's disk usage (`GET /system/df`), for `rsrc volume ls --size`.
//!
//! bollard 0.21 models the answer of API 1.52, where volumes sit under `VolumeUsage.Items`.
//! Docker 20.10 (API 1.41) and Podman's compatible socket put them in a top-level `Volumes`
//! array, which bollard drops: every size read `-` (issue 19 item 24). On a Unix socket the
//! answer is read raw, with the negotiated version, and both layouts are parsed here. `df`
//! walks every volume's files, so it is asked for only on request, and only for volumes where
//! the engine can skip the rest (`?type=volume`, API 1.42 and later).

use std::collections::HashMap;
use std::path::PathBuf;

use bollard::Docker;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use serde::Deserialize;

use super::engine_err;
use crate::error::{EngineCause, Error, Result};

/// The most of an answer we read: a host with thousands of images and volumes answers a few MB.
const BODY_MAX: usize = 64 * 1024 * 1024;

#[derive(Deserialize)]
struct DiskUsage {
    /// API 1.51 and before, and Podman.
    #[serde(rename = "Volumes", default)]
    volumes: Option<Vec<VolumeUsage>>,
    /// API 1.52 and later.
    #[serde(rename = "VolumeUsage", default)]
    volume_usage: Option<VolumesDiskUsage>,
}

#[derive(Deserialize)]
struct VolumesDiskUsage {
    #[serde(rename = "Items", default)]
    items: Option<Vec<VolumeUsage>>,
}

#[derive(Deserialize)]
struct VolumeUsage {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "UsageData", default)]
    usage_data: Option<UsageData>,
}

#[derive(Deserialize)]
struct UsageData {
    /// Bytes; `-1` when the engine does not know (a volume driver that cannot tell).
    #[serde(rename = "Size", default)]
    size: Option<i64>,
}

/// The sizes in a `/system/df` answer, by volume name; unknown sizes are left out.
pub(super) fn parse(body: &[u8]) -> serde_json::Result<HashMap<String, i64>> {
    let df: DiskUsage = serde_json::from_slice(body)?;
    let items = df
        .volumes
        .into_iter()
        .flatten()
        .chain(df.volume_usage.and_then(|u| u.items).into_iter().flatten());
    Ok(items
        .filter_map(|v| {
            let size = v.usage_data?.size.filter(|s| *s >= 0)?;
            (!v.name.is_empty()).then_some((v.name, size))
        })
        .collect())
}

/// The query for `docker`'s negotiated version: volumes only where the engine takes `type`
/// (1.42), and their items where it lists them only on request (1.52).
fn query(docker: &Docker) -> String {
    let v = docker.client_version();
    let at_least =
        |minor| v.major_version > 1 || (v.major_version == 1 && v.minor_version >= minor);
    let mut q = Vec::new();
    if at_least(42) {
        q.push("type=volume");
    }
    if at_least(52) {
        q.push("verbose=1");
    }
    if q.is_empty() {
        String::new()
    } else {
        format!("?{}", q.join("&"))
    }
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::EngineUnavailable(Some(EngineCause(Box::new(e))))
}

fn failed(why: String) -> Error {
    Error::Engine {
        context: "cannot read volume sizes".into(),
        source: EngineCause(Box::new(std::io::Error::other(why))),
    }
}

/// Volume sizes by name: raw over `socket` when the engine is on one, else through bollard
/// (which sees only the layout of API 1.52).
pub(super) async fn volume_sizes(
    docker: &Docker,
    socket: Option<PathBuf>,
) -> Result<HashMap<String, i64>> {
    let Some(socket) = socket else {
        let df = docker
            .df(None)
            .await
            .map_err(engine_err("cannot read volume sizes"))?;
        let body = serde_json::to_vec(&df).map_err(|e| failed(e.to_string()))?;
        return parse(&body).map_err(|e| failed(e.to_string()));
    };
    let io = tokio::net::UnixStream::connect(&socket)
        .await
        .map_err(unavailable)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(unavailable)?;
    // Ends when the answer is read or dropped: the connection serves this one request.
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let path = format!("/v{}/system/df{}", docker.client_version(), query(docker));
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, "docker")
        .body(Empty::<Bytes>::new())
        .map_err(|e| Error::internal(format!("a df request: {e}")))?;
    let response = sender.send_request(request).await.map_err(unavailable)?;
    let status = response.status();
    let body = Limited::new(response.into_body(), BODY_MAX)
        .collect()
        .await
        .map_err(|e| failed(format!("reading Docker's answer: {e}")))?
        .to_bytes();
    if !status.is_success() {
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(&body).trim().to_string());
        return Err(failed(format!("Docker answered {status}: {message}")));
    }
    parse(&body).map_err(|e| failed(format!("Docker's answer: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_parse_and_unknown_sizes_are_left_out() {
        // Docker 20.10 (API 1.41), trimmed.
        let old = br#"{"LayersSize":0,"Images":[],"Containers":[],
            "Volumes":[{"Name":"rsrc-a-data","Driver":"local","Labels":{},
                        "UsageData":{"RefCount":1,"Size":1048576}},
                       {"Name":"other","UsageData":{"RefCount":0,"Size":-1}},
                       {"Name":"bare"}],
            "BuildCache":null}"#;
        let sizes = parse(old).unwrap();
        assert_eq!(
            sizes,
            HashMap::from([("rsrc-a-data".to_string(), 1_048_576)])
        );
        // API 1.52.
        let new = br#"{"VolumeUsage":{"ActiveCount":1,"TotalCount":1,"TotalSize":7,
            "Items":[{"Name":"v","UsageData":{"RefCount":1,"Size":7}}]}}"#;
        assert_eq!(parse(new).unwrap(), HashMap::from([("v".to_string(), 7)]));
        // No volumes at all (`null`), as 20.10 answers on an empty host.
        assert!(parse(br#"{"Volumes":null}"#).unwrap().is_empty());
        assert!(parse(b"{}").unwrap().is_empty());
        assert!(parse(b"not json").is_err());
    }
}
