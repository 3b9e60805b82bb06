//! The contract's cases of logs: streams, timestamps, ranges and following.

use std::time::Duration;

use futures_util::StreamExt;
use rsrc_shared::api::logs::{parse_rfc3339, split_timestamp};

use super::{now_secs, spec, unique, wait_stopped, Program, Subject, PATIENCE};
use crate::engine::{LogRange, Output};
use crate::error::Error;

/// The messages of a whole log read, as (output, payload).
async fn read_log(
    engine: &dyn crate::engine::Engine,
    container: &str,
    range: LogRange,
) -> Vec<(Output, Vec<u8>)> {
    let stream = engine.log_stream(container, range).await.expect("log");
    let chunks = tokio::time::timeout(PATIENCE, stream.collect::<Vec<_>>())
        .await
        .expect("a log without follow ends");
    chunks
        .into_iter()
        .flat_map(|c| {
            let c = c.expect("a chunk");
            c.messages()
                .map(|(o, p)| (o, p.to_vec()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn program_with_output() -> Program {
    Program::exit(0)
        .out("out 1")
        .err("err 1")
        .out("out 2")
        .err("err 2")
}

/// Each line comes whole with its stream, in order; with timestamps, each starts with its time.
/// The last lines come without them.
pub async fn logs_keep_streams_lines_and_timestamps(subject: &dyn Subject) {
    let engine = subject.engine();
    let began = crate::clock::now_ms() as i128 * 1_000_000;
    let spec = spec(subject, "logs", &program_with_output());
    let id = engine.create_container(spec).await.expect("create");
    engine.start(&id).await.expect("start");
    wait_stopped(engine, &id).await;
    let want = vec![
        (Output::Stdout, b"out 1\n".to_vec()),
        (Output::Stderr, b"err 1\n".to_vec()),
        (Output::Stdout, b"out 2\n".to_vec()),
        (Output::Stderr, b"err 2\n".to_vec()),
    ];
    let bare = read_log(engine, &id, LogRange::default()).await;
    assert_eq!(bare, want);

    let stamped = read_log(
        engine,
        &id,
        LogRange {
            timestamps: true,
            ..LogRange::default()
        },
    )
    .await;
    assert_eq!(stamped.len(), want.len(), "{stamped:?}");
    let mut last = 0;
    for ((output, payload), (want_output, want_payload)) in stamped.iter().zip(&want) {
        let (ts, rest) = split_timestamp(payload);
        let ts = ts
            .and_then(|t| std::str::from_utf8(t).ok())
            .and_then(parse_rfc3339)
            .unwrap_or_else(|| panic!("no timestamp in {:?}", String::from_utf8_lossy(payload)));
        assert!(
            ts >= began - 1_000_000_000 && ts >= last,
            "{ts} after {last}"
        );
        last = ts;
        assert_eq!((output, rest), (want_output, want_payload.as_slice()));
    }

    let lines = engine.last_lines(&id, 2).await.expect("last lines");
    assert_eq!(lines, vec!["out 2".to_string(), "err 2".to_string()]);
}

/// `tail` keeps the last lines; `since` and `until` bound the time.
pub async fn logs_tail_and_range(subject: &dyn Subject) {
    let engine = subject.engine();
    let spec = spec(subject, "tail", &program_with_output());
    let id = engine.create_container(spec).await.expect("create");
    engine.start(&id).await.expect("start");
    wait_stopped(engine, &id).await;
    let tail = |n| LogRange {
        tail: Some(n),
        ..LogRange::default()
    };
    let last = read_log(engine, &id, tail(1)).await;
    assert_eq!(last, vec![(Output::Stderr, b"err 2\n".to_vec())]);
    assert_eq!(read_log(engine, &id, tail(3)).await.len(), 3);
    assert_eq!(read_log(engine, &id, tail(10)).await.len(), 4);
    let later = LogRange {
        since: now_secs() + 3600,
        ..LogRange::default()
    };
    assert_eq!(read_log(engine, &id, later).await, Vec::new());
    let earlier = LogRange {
        until: 1,
        ..LogRange::default()
    };
    assert_eq!(read_log(engine, &id, earlier).await, Vec::new());
    let around = LogRange {
        since: now_secs() - 3600,
        until: now_secs() + 3600,
        ..LogRange::default()
    };
    assert_eq!(read_log(engine, &id, around).await.len(), 4);
}

/// With follow, the log goes on with what the container writes and ends when it stops.
pub async fn logs_follow_until_the_container_stops(subject: &dyn Subject) {
    let engine = subject.engine();
    let spec = spec(subject, "follow", &Program::run_on().out("hello"));
    let id = engine.create_container(spec).await.expect("create");
    engine.start(&id).await.expect("start");
    let mut stream = engine
        .log_stream(
            &id,
            LogRange {
                follow: true,
                ..LogRange::default()
            },
        )
        .await
        .expect("log");
    let mut got = Vec::new();
    while got.is_empty() {
        let chunk = tokio::time::timeout(PATIENCE, stream.next())
            .await
            .expect("the first line in time")
            .expect("a chunk before the end")
            .expect("a chunk");
        got.extend(chunk.messages().map(|(o, p)| (o, p.to_vec())));
    }
    assert_eq!(got, vec![(Output::Stdout, b"hello\n".to_vec())]);
    // Nothing more while it runs.
    let quiet = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(quiet.is_err(), "the log went on: {quiet:?}");
    engine.stop(&id).await.expect("stop");
    let end = tokio::time::timeout(PATIENCE, stream.next())
        .await
        .expect("the log ends once the container stopped");
    assert!(end.is_none(), "{end:?}");
}

pub async fn logs_of_a_missing_container_are_not_found(subject: &dyn Subject) {
    let engine = subject.engine();
    let missing = unique(subject, "nolog");
    match engine.log_stream(&missing, LogRange::default()).await {
        Err(Error::NotFound(_)) => {}
        Err(e) => panic!("the log of a missing container: {e:?}"),
        Ok(_) => panic!("the log of a missing container: a stream"),
    }
}
