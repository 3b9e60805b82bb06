//! Streams and shutdown: one cancellation ends the accept loop, the background tasks and the
//! open streams, so a pull being streamed when rsrcd is told to stop ends with a last line that
//! says why, and rsrcd stops without waiting out the drain for it.

mod common;
mod docker_support;

use std::thread;
use std::time::{Duration, Instant};

use rsrc_shared::v1;

use common::{poll, raw_request, Options, DEADLINE};
use docker_support::*;

/// How long the daemon waits for open connections before it gives up on them (server.rs).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

#[test]
fn a_pull_streaming_at_shutdown_ends_and_says_why() {
    if !common::docker_or_skip() {
        return;
    }
    // Drop order, last declared first: the gate opens, the registry stops, the tags go.
    let mut tags = Tags::default();
    let registry = Registry::start();
    let repo = registry.push_unique_image("shutdown-pull", &mut tags);
    let gate = Gate::start(registry.port);
    let image = format!("127.0.0.1:{}/{repo}", gate.port);
    tags.0.push(image.clone());
    let mut e = env(Options::default());
    let token = e.admin.token();

    gate.close();
    let pull = {
        let socket = e.d.socket.clone();
        let body = serde_json::json!({ "image": image }).to_string();
        thread::spawn(move || {
            raw_request(
                &socket,
                "POST",
                v1!("/images/pull"),
                Some(&token),
                Some(body.as_bytes()),
            )
        })
    };
    poll("the pull to reach the gate", DEADLINE, || {
        (gate.held() > 0).then_some(())
    });

    let started = Instant::now();
    let status = e.d.stop();
    let stopped_in = started.elapsed();
    assert!(status.success(), "rsrcd exited with {status}");
    assert!(
        stopped_in < DRAIN_TIMEOUT / 2,
        "rsrcd waited {stopped_in:?} for the open pull stream"
    );

    let (status, body) = pull
        .join()
        .expect("the pull's thread")
        .expect("the pull's answer");
    assert_eq!(status, 200, "{body}");
    let last: serde_json::Value = body
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no last NDJSON line in {body:?}"));
    assert_eq!(last["done"], true, "{body}");
    assert_eq!(last["error"]["code"], "unavailable", "{body}");
    assert_eq!(
        last["error"]["message"], "the daemon is shutting down",
        "{body}"
    );
    assert!(!e.d.socket.exists(), "the socket file is left behind");
}
