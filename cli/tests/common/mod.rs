//! The fake daemon and the runner the CLI tests share: a tiny HTTP server on a Unix socket
//! that answers canned replies and records what it was asked.

#![allow(clippy::unwrap_used)] // a test may panic on its own fixtures
#![allow(dead_code)] // each test binary uses its own part of these helpers

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

pub const BIN: &str = env!("CARGO_BIN_EXE_rsrc");

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub auth: Option<String>,
    pub body: String,
}

/// One canned reply: status, content type, body.
pub type Reply = (u16, &'static str, String);

pub struct FakeDaemon {
    _dir: tempfile::TempDir,
    pub socket: PathBuf,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeDaemon {
    /// Serves `routes` ("METHOD /path?query" -> reply); anything else gets a 404 error body.
    pub fn start(routes: Vec<(&'static str, Reply)>) -> FakeDaemon {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("rsrcd.sock");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let routes: Arc<HashMap<String, Reply>> = Arc::new(
            routes
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        );
        let std_listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let seen2 = seen.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::UnixListener::from_std(std_listener).unwrap();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let routes = routes.clone();
                    let seen = seen2.clone();
                    tokio::spawn(async move {
                        let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                            let routes = routes.clone();
                            let seen = seen.clone();
                            async move {
                                let method = req.method().to_string();
                                let path = req
                                    .uri()
                                    .path_and_query()
                                    .map(|p| p.to_string())
                                    .unwrap_or_default();
                                let auth = req
                                    .headers()
                                    .get("authorization")
                                    .and_then(|v| v.to_str().ok())
                                    .map(str::to_string);
                                let body = req.into_body().collect().await.unwrap().to_bytes();
                                seen.lock().unwrap().push(Seen {
                                    method: method.clone(),
                                    path: path.clone(),
                                    auth: auth.clone(),
                                    body: String::from_utf8_lossy(&body).into_owned(),
                                });
                                let key = format!("{method} {path}");
                                let (status, ctype, body) = match routes.get(&key) {
                                    // Routes marked "auth" answer 401 unless the token is right.
                                    Some(r)
                                        if r.1 == "auth"
                                            && auth.as_deref() != Some("Bearer tok-123") =>
                                    {
                                        (
                                            401,
                                            "application/json",
                                            error("unauthenticated", "not logged in"),
                                        )
                                    }
                                    Some((s, _, b)) => (*s, "application/json", b.clone()),
                                    None => (
                                        404,
                                        "application/json",
                                        error("not_found", "no such thing"),
                                    ),
                                };
                                Ok::<_, std::convert::Infallible>(
                                    Response::builder()
                                        .status(status)
                                        .header("content-type", ctype)
                                        .body(Full::new(Bytes::from(body)))
                                        .unwrap(),
                                )
                            }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        });
        FakeDaemon {
            _dir: dir,
            socket,
            seen,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

pub fn error(code: &str, message: &str) -> String {
    format!(r#"{{"error":{{"code":"{code}","message":"{message}"}}}}"#)
}

pub fn user_json(email: &str) -> String {
    format!(
        r#"{{"id":1,"email":"{email}","name":"Ada","role":"user","verified":true,"disabled":false,
            "notify_email":true,"created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z"}}"#
    )
}

/// Runs rsrc with an isolated config dir and no keyring, feeding `stdin`.
pub fn rsrc(socket: &Path, config: &Path, args: &[&str], stdin: &str) -> Output {
    rsrc_with_token(socket, config, args, stdin, None)
}

/// Like [`rsrc`], with `RSRC_TOKEN` set to `token` when there is one.
pub fn rsrc_with_token(
    socket: &Path,
    config: &Path,
    args: &[&str],
    stdin: &str,
    token: Option<&str>,
) -> Output {
    let mut command = Command::new(BIN);
    command
        .arg("--socket")
        .arg(socket)
        .args(args)
        .env("RSRC_CONFIG_DIR", config)
        .env("RSRC_NO_KEYRING", "1")
        .env_remove("RSRC_TOKEN")
        .env_remove("RSRC_SOCKET")
        .env("NO_COLOR", "1");
    if let Some(token) = token {
        command.env("RSRC_TOKEN", token);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
