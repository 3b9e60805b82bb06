//! A load generator for rsrcd's API on its Unix socket, used by bench/registry.sh.
//!
//! Each client is one keep-alive HTTP/1.1 connection with its own bearer token (line i of the
//! tokens file), sending `GET PATH` back to back. After a warm-up of a few requests per client,
//! all clients start the measured phase together; it ends at `--seconds` or after `--requests`
//! requests in all, whichever comes first. Printed: requests per second, latency percentiles,
//! and, with `--pid`, the daemon's CPU time per request over the measured phase.
//!
//!   cargo run --release -p rsrcd --example list_load -- --socket S --tokens FILE \
//!       --clients 32 --seconds 10 [--path /v1/instances] [--pid PID] [--expect ROWS]
//!
//! The last line is `RESULT key=value ...`, for scripts.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rsrc_shared::v1;

use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;
use tokio::sync::Barrier;

type BoxError = Box<dyn Error + Send + Sync>;

#[derive(Debug, Parser)]
#[command(about = "Concurrent keep-alive GETs against rsrcd's Unix socket")]
struct Args {
    /// The daemon's socket.
    #[arg(long)]
    socket: PathBuf,
    /// Bearer tokens, one a line; client i uses line i.
    #[arg(long)]
    tokens: PathBuf,
    /// Concurrent clients, one connection each.
    #[arg(long, default_value_t = 1)]
    clients: usize,
    /// The longest the measured phase runs.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// The most requests the measured phase sends, over all clients.
    #[arg(long, default_value_t = 10_000_000)]
    requests: u64,
    /// Requests each client sends before the measured phase (not counted).
    #[arg(long, default_value_t = 10)]
    warmup: u64,
    /// Path and query to GET.
    #[arg(long, default_value = v1!("/instances"))]
    path: String,
    /// The daemon's pid: report its CPU time per request (from /proc/PID/stat).
    #[arg(long)]
    pid: Option<u32>,
    /// Clock ticks per second of /proc/PID/stat (`getconf CLK_TCK`).
    #[arg(long, default_value_t = 100)]
    clk_tck: u64,
    /// Fail unless every client's first answer is a JSON array of this many items.
    #[arg(long)]
    expect: Option<usize>,
}

/// What one client saw in the measured phase.
#[derive(Default)]
struct ClientReport {
    latencies_us: Vec<u32>,
    errors: u64,
    bytes: u64,
    /// Items in the first answer of the warm-up (a JSON array is expected).
    rows: Option<usize>,
}

struct Shared {
    path: String,
    sent: AtomicU64,
    max_requests: u64,
    warmup: u64,
    deadline_after: Duration,
    /// Everyone has warmed up: the measured phase starts for all at once.
    start: Barrier,
    /// Everyone has stopped: the CPU counters are read after this.
    stop: Barrier,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    match run(args).await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("list_load: {e}");
            std::process::exit(2);
        }
    }
}

/// Runs the load; `Ok(false)` when requests failed or the rows were not as expected.
async fn run(args: Args) -> Result<bool, BoxError> {
    if args.clients == 0 {
        return Err("--clients must be at least 1".into());
    }
    let tokens = read_tokens(&args.tokens)?;
    if tokens.len() < args.clients {
        return Err(format!(
            "{} has {} tokens, but {} clients need one each",
            args.tokens.display(),
            tokens.len(),
            args.clients
        )
        .into());
    }
    let shared = Arc::new(Shared {
        path: args.path.clone(),
        sent: AtomicU64::new(0),
        max_requests: args.requests,
        warmup: args.warmup,
        deadline_after: Duration::from_secs_f64(args.seconds.max(0.0)),
        // The main task waits on both barriers too, to read the counters at the right time.
        start: Barrier::new(args.clients + 1),
        stop: Barrier::new(args.clients + 1),
    });
    let mut tasks = Vec::with_capacity(args.clients);
    for token in tokens.into_iter().take(args.clients) {
        let sender = connect(&args.socket).await?;
        let shared = Arc::clone(&shared);
        tasks.push(tokio::spawn(client(sender, token, shared)));
    }

    shared.start.wait().await;
    let cpu_before = args.pid.map(process_cpu_ticks).transpose()?;
    let own_before = process_cpu_ticks(std::process::id())?;
    let started = Instant::now();
    shared.stop.wait().await;
    let elapsed = started.elapsed();
    let cpu_after = args.pid.map(process_cpu_ticks).transpose()?;
    let own_after = process_cpu_ticks(std::process::id())?;

    let mut latencies = Vec::new();
    let (mut errors, mut bytes, mut rows) = (0u64, 0u64, Vec::new());
    for task in tasks {
        let report = task.await??;
        latencies.extend(report.latencies_us);
        errors += report.errors;
        bytes += report.bytes;
        rows.extend(report.rows);
    }
    latencies.sort_unstable();
    let n = latencies.len() as u64;
    let secs = elapsed.as_secs_f64();
    let ms = |us: u32| f64::from(us) / 1000.0;
    let mut fields = vec![
        ("clients", args.clients.to_string()),
        ("requests", n.to_string()),
        ("errors", errors.to_string()),
        ("seconds", format!("{secs:.3}")),
        ("rps", format!("{:.0}", n as f64 / secs.max(1e-9))),
        ("p50_ms", format!("{:.3}", ms(percentile(&latencies, 0.50)))),
        ("p90_ms", format!("{:.3}", ms(percentile(&latencies, 0.90)))),
        ("p99_ms", format!("{:.3}", ms(percentile(&latencies, 0.99)))),
        (
            "max_ms",
            format!("{:.3}", ms(latencies.last().copied().unwrap_or(0))),
        ),
        ("bytes_per_req", format!("{}", bytes / n.max(1))),
        (
            "rows_min",
            rows.iter().min().map_or("-".into(), usize::to_string),
        ),
        (
            "rows_max",
            rows.iter().max().map_or("-".into(), usize::to_string),
        ),
    ];
    let tick_ms = 1000.0 / args.clk_tck.max(1) as f64;
    if let (Some(before), Some(after)) = (cpu_before, cpu_after) {
        let cpu_ms = after.saturating_sub(before) as f64 * tick_ms;
        fields.push(("daemon_cpu_ms", format!("{cpu_ms:.0}")));
        fields.push((
            "daemon_cpu_ms_per_req",
            format!("{:.3}", cpu_ms / n.max(1) as f64),
        ));
        fields.push((
            "daemon_cores",
            format!("{:.2}", cpu_ms / 1000.0 / secs.max(1e-9)),
        ));
    }
    let own_ms = own_after.saturating_sub(own_before) as f64 * tick_ms;
    fields.push((
        "client_cores",
        format!("{:.2}", own_ms / 1000.0 / secs.max(1e-9)),
    ));

    let line: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("RESULT {}", line.join(" "));

    let mut ok = errors == 0 && n > 0;
    if let Some(expected) = args.expect {
        if rows.len() != args.clients || rows.iter().any(|r| *r != expected) {
            eprintln!("list_load: expected {expected} rows per answer, got {rows:?}");
            ok = false;
        }
    }
    Ok(ok)
}

fn read_tokens(path: &Path) -> Result<Vec<String>, BoxError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read tokens from {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

/// One HTTP/1.1 connection; hyper's connection-level client, so that a client can never open a
/// second one behind our back.
async fn connect(socket: &Path) -> Result<SendRequest<Empty<Bytes>>, BoxError> {
    let stream = UnixStream::connect(socket)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", socket.display()))?;
    let (sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            eprintln!("list_load: connection ended: {e}");
        }
    });
    Ok(sender)
}

async fn client(
    mut sender: SendRequest<Empty<Bytes>>,
    token: String,
    shared: Arc<Shared>,
) -> Result<ClientReport, BoxError> {
    let mut report = ClientReport::default();
    let auth = format!("Bearer {token}");
    for i in 0..shared.warmup {
        let (status, body) = match get(&mut sender, &shared.path, &auth).await {
            Ok(answer) => answer,
            Err(e) => {
                // Still meet the others at both barriers, or they would wait forever.
                shared.start.wait().await;
                shared.stop.wait().await;
                return Err(e);
            }
        };
        if status != StatusCode::OK {
            report.errors += 1;
            eprintln!(
                "list_load: warm-up got {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            );
        } else if i == 0 {
            report.rows = serde_json::from_slice::<Vec<serde_json::Value>>(&body)
                .ok()
                .map(|v| v.len());
        }
    }
    // A failed warm-up counts as an error: the run fails, though its latencies are not kept.
    shared.start.wait().await;
    let deadline = Instant::now() + shared.deadline_after;
    report.latencies_us.reserve(100_000);
    let mut failure = None;
    while Instant::now() < deadline
        && shared.sent.fetch_add(1, Ordering::Relaxed) < shared.max_requests
    {
        let t0 = Instant::now();
        match get(&mut sender, &shared.path, &auth).await {
            Ok((status, body)) => {
                let us = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
                report.latencies_us.push(us);
                report.bytes += body.len() as u64;
                if status != StatusCode::OK {
                    report.errors += 1;
                }
            }
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    shared.stop.wait().await;
    match failure {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

async fn get(
    sender: &mut SendRequest<Empty<Bytes>>,
    path: &str,
    auth: &str,
) -> Result<(StatusCode, Bytes), BoxError> {
    sender.ready().await?;
    let req = Request::get(path)
        .header(hyper::header::HOST, "rsrcd")
        .header(hyper::header::AUTHORIZATION, auth)
        .body(Empty::<Bytes>::new())?;
    let resp = sender.send_request(req).await?;
    let status = resp.status();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// The `q` quantile of sorted values (nearest rank).
fn percentile(sorted: &[u32], q: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// utime + stime of a process, all its threads, in clock ticks.
fn process_cpu_ticks(pid: u32) -> Result<u64, BoxError> {
    let path = format!("/proc/{pid}/stat");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    // The command name may hold spaces and parentheses: fields are counted after the last `)`.
    let rest = text
        .rfind(')')
        .map(|i| &text[i + 1..])
        .ok_or_else(|| format!("unexpected {path}"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name, field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    let tick = |i: usize| -> Result<u64, BoxError> {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .ok_or_else(|| format!("unexpected {path}").into())
    };
    Ok(tick(11)? + tick(12)?)
}
