//! `rsrc logs`: an instance's output, stdout to stdout and stderr to stderr, as `docker logs`
//! prints it. With `-f` it goes on across restarts of the instance (the daemon waits for it)
//! and of rsrcd (we reconnect and read on from the last line printed).

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;
use rsrc_shared::api::logs::{parse_rfc3339, parse_unix, Frame, FrameKind, Resume};
use rsrc_shared::ErrorCode;

use crate::client::ClientError;
use crate::error::{CliError, CliResult};
use crate::Ctx;

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The instance's id (or a unique prefix of it) or name.
    #[arg(value_name = "ID|NAME")]
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::instances))]
    #[arg(value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub reference: String,
    /// Keep printing new output, also across restarts of the instance and of rsrcd.
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// How many lines from the end to show (default: all).
    #[arg(long, short = 'n', value_name = "N|all", value_parser = parse_tail)]
    pub tail: Option<Tail>,
    /// Only lines from this time on: a duration before now (10m, 1h30m), an RFC 3339 time or
    /// Unix seconds.
    #[arg(long, value_name = "DURATION|RFC3339", value_parser = parse_time)]
    pub since: Option<Time>,
    /// Only lines up to this time (same forms as --since).
    #[arg(long, value_name = "DURATION|RFC3339", value_parser = parse_time)]
    pub until: Option<Time>,
    /// Show the time of each line, as `docker logs --timestamps` does.
    #[arg(long, short = 't')]
    pub timestamps: bool,
}

/// `--tail`: a count, or `all` (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tail(pub Option<u64>);

/// A point in time, Unix nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time(pub i128);

fn parse_tail(text: &str) -> Result<Tail, String> {
    if text == "all" {
        return Ok(Tail(None));
    }
    text.parse::<u64>()
        .map(|n| Tail(Some(n)))
        .map_err(|_| "must be a whole number or `all`".into())
}

fn parse_time(text: &str) -> Result<Time, String> {
    if let Some(t) = parse_unix(text).or_else(|| parse_rfc3339(text)) {
        return Ok(Time(t));
    }
    let ago = crate::duration::parse(text).map_err(|_| {
        "must be a duration (10m, 1h30m), an RFC 3339 time or Unix seconds".to_string()
    })?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the clock is before 1970".to_string())?;
    Ok(Time(now.as_nanos() as i128 - ago.as_nanos() as i128))
}

const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(3);

/// How one stream ended.
enum Ended {
    /// The daemon said it is complete (with why, maybe).
    Done(String),
    /// The daemon gave up on it.
    Failed(String),
    /// Nobody reads our output any more.
    Closed,
    /// The connection went before the daemon said the stream was done.
    Cut(Option<ClientError>),
}

pub async fn run(ctx: &mut Ctx, args: LogsArgs) -> CliResult {
    let mut sink = Sink::new(args.timestamps, ctx.out.is_json(), args.follow);
    let mut resume = Resume::default();
    let mut retry = FIRST_RETRY;
    let mut opened_once = false;
    let mut told = false;
    // Timestamps cost Docker a formatted time a line: asked for only when something needs them.
    let bare = !args.timestamps
        && !ctx.out.is_json()
        && !args.follow
        && args.since.is_none()
        && args.until.is_none();
    loop {
        // After a cut, read on from the last line printed (Resume drops what was).
        let (tail, since) = match resume.since() {
            Some(last) if opened_once => {
                resume.restart();
                (None, Some(last))
            }
            _ => (args.tail.and_then(|t| t.0), args.since.map(|t| t.0)),
        };
        let opened = ctx
            .client
            .instances()
            .logs(
                &args.reference,
                args.follow,
                tail,
                since,
                args.until.map(|t| t.0),
                bare,
            )
            .await;
        let ended = match opened {
            Ok(mut reader) => {
                opened_once = true;
                retry = FIRST_RETRY;
                told = false;
                loop {
                    match reader.read(|f| sink.frame(f, &mut resume)).await {
                        Ok(true) => {
                            // A follower prints each line as it comes; a reader of the log as
                            // it is writes whole buffers.
                            if args.follow {
                                sink.flush();
                            }
                            if let Some(ended) = sink.ended.take() {
                                break ended;
                            }
                        }
                        Ok(false) => break Ended::Cut(None),
                        Err(e) => break Ended::Cut(Some(e)),
                    }
                }
            }
            Err(e) if opened_once && retryable(&e) => Ended::Cut(Some(e)),
            Err(e) => return Err(e.into()),
        };
        sink.flush();
        match ended {
            Ended::Done(why) => {
                sink.finish();
                if !why.is_empty() {
                    eprintln!("rsrc: {why}");
                }
                return Ok(());
            }
            Ended::Closed => return Ok(()),
            Ended::Failed(why) => return Err(CliError::failure(why)),
            Ended::Cut(e) if !args.follow => {
                return Err(match e {
                    Some(e) => e.into(),
                    None => CliError::failure("the log stream broke off before its end"),
                })
            }
            Ended::Cut(_) => {
                if !told && io::stderr().is_terminal() {
                    eprintln!("rsrc: lost the connection to rsrcd; reconnecting");
                    told = true;
                }
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(MAX_RETRY);
            }
        }
    }
}

/// Worth trying again while following: rsrcd (or its Docker) is away or going away.
fn retryable(e: &ClientError) -> bool {
    match e {
        ClientError::DaemonUnreachable { .. } | ClientError::Protocol(_) | ClientError::Cut(_) => {
            true
        }
        ClientError::Api { .. } => matches!(
            e.code(),
            Some(ErrorCode::Unavailable | ErrorCode::EngineUnavailable)
        ),
    }
}

/// Where frames go: the container's stdout to ours, its stderr to ours, in their order.
struct Sink {
    out: io::BufWriter<io::Stdout>,
    err: io::BufWriter<io::Stderr>,
    /// Which of the two holds unflushed output.
    last_stderr: bool,
    timestamps: bool,
    /// `--json`: objects, all at the end without `follow`, one a line with it.
    json: Option<Vec<serde_json::Value>>,
    json_lines: bool,
    /// Whether the line that continued frames belong to was printed.
    printing: bool,
    ended: Option<Ended>,
}

impl Sink {
    fn new(timestamps: bool, json: bool, follow: bool) -> Sink {
        Sink {
            out: io::BufWriter::with_capacity(64 * 1024, io::stdout()),
            err: io::BufWriter::with_capacity(16 * 1024, io::stderr()),
            last_stderr: false,
            timestamps,
            json: json.then(Vec::new),
            json_lines: json && follow,
            printing: false,
            ended: None,
        }
    }

    fn frame(&mut self, frame: Frame<'_>, resume: &mut Resume) {
        if self.ended.is_some() {
            return;
        }
        let stderr = match frame.kind {
            FrameKind::Stdout => false,
            FrameKind::Stderr => true,
            FrameKind::Notice => {
                self.flush();
                eprintln!("rsrc: {}", String::from_utf8_lossy(frame.payload));
                return;
            }
            FrameKind::End => {
                self.ended = Some(Ended::Done(lossy(frame.payload)));
                return;
            }
            FrameKind::Fail => {
                self.ended = Some(Ended::Failed(lossy(frame.payload)));
                return;
            }
        };
        if frame.bare && self.json.is_none() {
            return self.write(stderr, frame.payload, None);
        }
        let (ts, line) = frame.split_timestamp();
        if !frame.continued {
            let time = ts
                .and_then(|t| std::str::from_utf8(t).ok())
                .and_then(parse_rfc3339);
            // A line without a readable time cannot be placed; print it rather than lose it.
            self.printing = time.is_none_or(|t| resume.admit(t));
        }
        if !self.printing {
            return;
        }
        if let Some(lines) = &mut self.json {
            let value = serde_json::json!({
                "stream": if stderr { "stderr" } else { "stdout" },
                "time": ts.map(lossy),
                "line": lossy(line).trim_end_matches(['\n', '\r']),
            });
            if self.json_lines {
                let text = format!("{value}\n");
                self.write(false, text.as_bytes(), None);
            } else {
                lines.push(value);
            }
            return;
        }
        let stamp = ts.filter(|_| self.timestamps && !frame.continued);
        self.write(stderr, line, stamp);
    }

    fn write(&mut self, stderr: bool, line: &[u8], stamp: Option<&[u8]>) {
        if stderr != self.last_stderr {
            self.flush();
            self.last_stderr = stderr;
        }
        let result = if stderr {
            write_line(&mut self.err, stamp, line)
        } else {
            write_line(&mut self.out, stamp, line)
        };
        self.check(result);
    }

    fn flush(&mut self) {
        let result = if self.last_stderr {
            self.err.flush()
        } else {
            self.out.flush()
        };
        self.check(result);
    }

    /// A reader that went away (`| head -3`) ends us quietly; other write errors too, since
    /// there is nobody to tell.
    fn check(&mut self, result: io::Result<()>) {
        if result.is_err() && self.ended.is_none() {
            self.ended = Some(Ended::Closed);
        }
    }

    fn finish(&mut self) {
        if let Some(lines) = self.json.take().filter(|_| !self.json_lines) {
            let text = crate::output::json(&lines);
            let result = self.out.write_all(text.as_bytes());
            self.check(result);
        }
        let result = self.out.flush();
        self.check(result);
    }
}

fn write_line(w: &mut impl Write, stamp: Option<&[u8]>, line: &[u8]) -> io::Result<()> {
    if let Some(stamp) = stamp {
        w.write_all(stamp)?;
        w.write_all(b" ")?;
    }
    w.write_all(line)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tails_and_times_parse_as_docker_takes_them() {
        assert_eq!(parse_tail("all"), Ok(Tail(None)));
        assert_eq!(parse_tail("3"), Ok(Tail(Some(3))));
        assert!(parse_tail("-1").is_err());
        assert_eq!(parse_time("12.5").unwrap(), Time(12_500_000_000));
        assert_eq!(
            parse_time("1970-01-01T00:00:10Z").unwrap(),
            Time(10_000_000_000)
        );
        let ago = parse_time("10m").unwrap().0;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i128;
        assert!((now - ago - 600_000_000_000).abs() < 5_000_000_000);
        assert!(parse_time("yesterday").is_err());
    }
}
