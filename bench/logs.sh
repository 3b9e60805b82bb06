#!/usr/bin/env bash
# `rsrc logs` against `docker logs`, on the same containers, same run:
#   - read: a 200,000-line log, `rsrc logs ID >/dev/null` vs `docker logs ID >/dev/null`,
#     RUNS runs each, interleaved (the order alternates); medians and their ratio (goal <= 1.10);
#   - follow latency: a container prints a line every 20 ms; `rsrc logs -f --timestamps` and
#     `docker logs -f --timestamps` follow it at once, and each line's arrival is compared with the
#     time Docker stamped on it: p50 and p99 of both (goal: rsrc's p99 < 50 ms);
#   - peak RSS of rsrcd with 100 `rsrc logs -f` followers (goal < 40 MiB).
# A private rsrcd (release build) on a temporary socket and data dir, ports 45300-45399,
# loopback only; everything it made is removed at the end.
#
#   bench/logs.sh [RUNS]     (default 7)
#
# PERF_DIR=DIR also records one read with `perf record -g` (rsrcd.perf: the daemon, cli.perf:
# the CLI) for `perf report -i`; READ_ONLY=1 stops after the read (no follow measures).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRC="$REPO/target/release/rsrc"
PORTS="45300-45399"
RUNS="${1:-7}"
LOG_LINES=200000
FOLLOWERS=100
# shellcheck source=bench/common.sh
source "$REPO/bench/common.sh"
# shellcheck source=bench/logbench.sh
source "$REPO/bench/logbench.sh"

cd "$REPO"
cargo build --release -q -p rsrc -p rsrcd
bench_init
start_daemon "$REPO/target/release/rsrcd"
admin_login "$REPO/target/release/rsrcd"
daemon_id >/dev/null

# ---- read a large log ------------------------------------------------------------------------
log_filled biglog "$LOG_LINES"
cid="$LOG_CID"
logs_read biglog "$cid" "$RUNS"
# Where the time goes, one more read each: CPU of the CLI (user+sys), of rsrcd and of dockerd.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
dockerd_pid="$(pidof dockerd | awk '{print $1}')"
cpu_of() { # cpu_of COMMAND...: "CLI_MS RSRCD_MS DOCKERD_MS"
    local d0 k0 cli
    d0=$(ticks "$DAEMON"); k0=$(ticks "$dockerd_pid")
    /usr/bin/time -o "$WORK/time" -f '%U %S' "$@" >/dev/null 2>&1
    cli=$(awk '{printf "%.0f", ($1 + $2) * 1000}' "$WORK/time")
    echo "$cli $(( ($(ticks "$DAEMON") - d0) * 1000 / hz )) $(( ($(ticks "$dockerd_pid") - k0) * 1000 / hz ))"
}
read -r rsrc_cli_cpu rsrcd_cpu rsrc_dockerd_cpu <<<"$(cpu_of "$RSRC" logs biglog)"
read -r docker_cli_cpu _ docker_dockerd_cpu <<<"$(cpu_of docker logs "$cid")"
if [ -n "${PERF_DIR:-}" ]; then
    mkdir -p "$PERF_DIR"
    perf record -q -g -o "$PERF_DIR/rsrcd.perf" -p "$DAEMON" 2>/dev/null &
    perf_pid=$!
    sleep 1
    perf record -q -g -o "$PERF_DIR/cli.perf" -- "$RSRC" logs biglog >/dev/null 2>&1
    kill -INT "$perf_pid"; wait "$perf_pid" || true
fi
"$RSRC" -q instance rm --volumes biglog >/dev/null
read_table() {
    echo
    echo "| measure | rsrc | docker | ratio / goal |"
    echo "|---------|------|--------|--------------|"
    echo "| read $LOG_LINES lines to /dev/null, median of $RUNS (ms) | $rsrc_read | $docker_read | $read_ratio (goal <= 1.10) |"
    echo "| CPU of one read: CLI / rsrcd / dockerd (ms) | $rsrc_cli_cpu / $rsrcd_cpu / $rsrc_dockerd_cpu | $docker_cli_cpu / — / $docker_dockerd_cpu | |"
}
if [ -n "${READ_ONLY:-}" ]; then
    read_table
    exit 0
fi

# ---- follow latency --------------------------------------------------------------------------
follow_latency ticker 1000

# ---- 100 followers ---------------------------------------------------------------------------
"$RSRC" -q instance restart ticker >/dev/null
start_sampler
sleep 2
idle=$(rss_kib)
t0=$(ms)
pids=()
for _ in $(seq "$FOLLOWERS"); do
    "$RSRC" logs -f --tail 10 ticker >/dev/null 2>&1 &
    pids+=($!)
done
sleep 15
ls_ms=$( { t=$(date +%s%N); "$RSRC" -q instance ls >/dev/null; echo $(( ($(date +%s%N) - t) / 1000000 )); } )
peak=$(peak_kib "$t0" "$(ms)")
kill "${pids[@]}" 2>/dev/null || true
wait "${pids[@]}" 2>/dev/null || true
stop_sampler
"$RSRC" -q instance rm --volumes ticker >/dev/null

read_table
echo "| follow latency p50 (ms, $lat_n lines) | $rsrc_p50 | $docker_p50 | |"
echo "| follow latency p99 (ms) | $rsrc_p99 | $docker_p99 | goal < 50 |"
echo "| rsrcd RSS: idle / peak with $FOLLOWERS followers (MiB) | $(mib "$idle") / $(mib "$peak") | | goal < 40 |"
echo "| \`instance ls\` while they follow (ms) | $ls_ms | | |"
