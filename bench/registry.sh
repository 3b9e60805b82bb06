#!/usr/bin/env bash
# Measures rsrcd's registry and listing API against the targets of the "architecture step":
#   - daemon CPU per `GET /v1/instances?all=true` by an admin, over 100 and over N rows
#     (targets: <= 1 ms at 100 rows, <= 5 ms at 1,000);
#   - 32 concurrent clients, each a different user listing their own ~N/USERS instances, with N
#     instances in the registry (targets at N=1,000: >= 5,000 req/s, p99 < 20 ms);
#   - rsrcd's memory (VmRSS, VmHWM) idle, after listings, after the load, and with 500 instances
#     in the registry (target: VmRSS < 40 MiB).
# A private release rsrcd runs on a temporary socket and data dir, with Docker pointed at a
# socket that does not exist: nothing reconciles the rows seeded straight into its SQLite file,
# and listing needs no engine. The registry grows in stages (100, 500, N instances); rsrcd is
# restarted at each, so every stage starts cold and idle. Each stage is measured once rsrcd has
# recorded Docker's outage in every instance's history (after its 10 s start-up grace): at N
# rows, the instances of the first stage then have three uptime marks inside the 7-day window,
# those of the second two, the rest one, so the listing's availability has real history to read.
#
#   bench/registry.sh [N_INSTANCES (default 1000)] [USERS (default 100)]
#
# Environment: BENCH_LISTS (sequential admin listings per stage, default 500), BENCH_CLIENTS
# (default 32), BENCH_SECONDS (load duration, default 10), BENCH_KEEP=1 (keep the temp dir).
# Builds nothing: run `cargo build --release --workspace` and
# `cargo build --release -p rsrcd --example list_load` first.
set -euo pipefail

N="${1:-1000}"
USERS="${2:-100}"
LISTS="${BENCH_LISTS:-500}"
CLIENTS="${BENCH_CLIENTS:-32}"
LOAD_SECONDS="${BENCH_SECONDS:-10}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRCD="$REPO/target/release/rsrcd"
RSRC="$REPO/target/release/rsrc"
LOAD="$REPO/target/release/examples/list_load"

die() { echo "registry.sh: $*" >&2; exit 1; }
for bin in "$RSRCD" "$RSRC" "$LOAD"; do
    [ -x "$bin" ] || die "missing $bin; build first: cargo build --release --workspace && cargo build --release -p rsrcd --example list_load"
done
[[ "$N" =~ ^[0-9]+$ && "$USERS" =~ ^[0-9]+$ ]] || die "usage: registry.sh [N_INSTANCES] [USERS]"
[ "$N" -ge 1 ] && [ "$N" -le 20000 ] || die "N_INSTANCES must be 1..20000 (two host ports each)"
[ "$USERS" -ge "$CLIENTS" ] || die "USERS ($USERS) must be at least BENCH_CLIENTS ($CLIENTS): one user per client"
command -v python3 >/dev/null || die "python3 (with its sqlite3 module) is needed to seed the registry"
command -v curl >/dev/null || die "curl is needed for the readiness check"

WORK="$(mktemp -d /tmp/rsrc-bench-registry.XXXXXX)"
SOCK="$WORK/run/rsrcd.sock"
DB="$WORK/data/rsrc.db"
CLK_TCK="$(getconf CLK_TCK)"
DAEMON=""
cat >"$WORK/rsrcd.toml" <<TOML
data_dir = "$WORK/data"
socket = "$SOCK"
advertise_host = "127.0.0.1"
bind_address = "127.0.0.1"
port_range = "20000-60000"
docker_host = "unix:///nonexistent/docker.sock"
TOML

stop_daemon() {
    if [ -n "$DAEMON" ]; then
        kill -TERM "$DAEMON" 2>/dev/null || true
        wait "$DAEMON" 2>/dev/null || true
        DAEMON=""
    fi
}
cleanup() {
    stop_daemon
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# utime + stime of the daemon, in clock ticks (all threads, live and gone).
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$DAEMON/stat"; }
mem_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$DAEMON/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

start_daemon() {
    RSRC_LOG=info "$RSRCD" --config "$WORK/rsrcd.toml" 2>>"$WORK/rsrcd.log" &
    DAEMON=$!
    local deadline=$((SECONDS + 30))
    until curl -sf --unix-socket "$SOCK" http://rsrcd/v1/version >/dev/null 2>&1; do
        kill -0 "$DAEMON" 2>/dev/null || { tail -20 "$WORK/rsrcd.log" >&2; die "rsrcd exited"; }
        [ "$SECONDS" -lt "$deadline" ] || die "rsrcd did not answer within 30 s"
        sleep 0.05
    done
    # Start-up work (the password hasher's warm-up) must not count: wait until the CPU counter
    # stands still for half a second.
    wait_for_cpu_still
}

# With Docker away, rsrcd records the outage in every instance's history once its start-up grace
# (10 s) has passed: wait for that write, so that each listed row has an uptime mark inside the
# 7-day window (as in any registry with history) and the write's CPU is not counted.
wait_for_outage_marks() {
    local deadline=$((SECONDS + 60))
    until python3 - "$DB" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
sys.exit(conn.execute("SELECT COUNT(*) FROM instances WHERE newest_mark_at IS NULL").fetchone()[0] != 0)
PY
    do
        [ "$SECONDS" -lt "$deadline" ] || die "rsrcd did not record the engine's outage within 60 s"
        sleep 0.5
    done
}
wait_for_cpu_still() {
    local last now still=0 deadline=$((SECONDS + 30))
    last=$(cpu_ticks)
    while [ "$still" -lt 5 ] && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.1
        now=$(cpu_ticks)
        if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; fi
        last=$now
    done
}

# GET PATH with TOKEN; prints the body.
api() { curl -sf --unix-socket "$SOCK" -H "Authorization: Bearer $2" "http://rsrcd$1"; }
json_len() { python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }

# RESULT key=value ... → the value of one key.
field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<"$1"; }

seed() { python3 "$REPO/bench/seed_registry.py" "$DB" "$1" "$USERS" "$WORK"; }

# Rows of the results table: metric, measured, target, verdict.
ROWS=()
row() { ROWS+=("$1|$2|$3|$4"); }
# "a <= b" / "a < b" / "a >= b" on decimals → ok / MISSED.
verdict() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
    r = (op == "<=") ? a <= b : (op == "<") ? a < b : a >= b; print r ? "ok" : "MISSED" }'; }

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Create and migrate the registry with a real start, then an admin the real way.
start_daemon
grep -q "Docker is not reachable" "$WORK/rsrcd.log" || die "rsrcd seems to reach Docker; the bench needs it away"
stop_daemon
printf 'benchpassword\n' | "$RSRCD" --config "$WORK/rsrcd.toml" admin create \
    --email admin@bench.example --password-stdin >/dev/null

STAGES=()
for s in 100 500 "$N"; do
    if [ "$s" -le "$N" ] && [[ ! " ${STAGES[*]} " =~ " $s " ]]; then STAGES+=("$s"); fi
done

for stage in "${STAGES[@]}"; do
    stop_daemon
    seed "$stage"
    start_daemon
    wait_for_outage_marks
    wait_for_cpu_still
    ADMIN_TOKEN="$(cat "$WORK/admin.tok")"
    idle_rss=$(mem_kib VmRSS); idle_hwm=$(mem_kib VmHWM)

    # Listing works with Docker away, and shows every seeded row to the admin.
    seen=$(api "/v1/instances?all=true" "$ADMIN_TOKEN" | json_len)
    [ "$seen" = "$stage" ] || die "admin sees $seen instances, $stage seeded"
    api /v1/machines/bench "$ADMIN_TOKEN" >/dev/null || die "the seeded machine does not read back"

    out=$("$LOAD" --socket "$SOCK" --tokens "$WORK/admin.tok" --clients 1 --warmup 5 \
        --requests "$LISTS" --seconds 600 --path "/v1/instances?all=true" \
        --pid "$DAEMON" --clk-tck "$CLK_TCK" --expect "$stage") || die "list_load failed: $out"
    echo "[$stage rows] admin ls --all-users x$LISTS: $out"
    cpu=$(field "$out" daemon_cpu_ms_per_req)
    case "$stage" in
        100) row "daemon CPU per admin ls, 100 rows" "$cpu ms" "<= 1 ms" "$(verdict "$cpu" "<=" 1)" ;;
        1000) row "daemon CPU per admin ls, 1000 rows" "$cpu ms" "<= 5 ms" "$(verdict "$cpu" "<=" 5)" ;;
        *) row "daemon CPU per admin ls, $stage rows" "$cpu ms" "-" "-" ;;
    esac
    row "  latency of one admin ls, $stage rows (p50/p99)" \
        "$(field "$out" p50_ms)/$(field "$out" p99_ms) ms" "-" "-"

    # The same through the real CLI (its start, the request, the table), fewer times.
    CLI_RUNS=50
    before=$(cpu_ticks); t0=$(date +%s%N)
    for _ in $(seq "$CLI_RUNS"); do
        RSRC_SOCKET="$SOCK" RSRC_TOKEN="$ADMIN_TOKEN" RSRC_CONFIG_DIR="$WORK/client" RSRC_NO_KEYRING=1 \
            "$RSRC" instance ls --all-users >/dev/null
    done
    t1=$(date +%s%N); after=$(cpu_ticks)
    row "  rsrc instance ls --all-users, $stage rows: wall / daemon CPU" \
        "$(awk -v d=$((t1 - t0)) -v n="$CLI_RUNS" 'BEGIN { printf "%.1f", d / n / 1e6 }') ms / $(awk -v t=$((after - before)) -v h="$CLK_TCK" -v n="$CLI_RUNS" 'BEGIN { printf "%.2f", t * 1000 / h / n }') ms" "-" "-"

    row "rsrcd VmRSS idle / after ls, $stage instances" \
        "$(mib "$idle_rss") / $(mib "$(mem_kib VmRSS)") MiB" \
        "$([ "$stage" = 500 ] && echo "< 40 MiB" || echo -)" \
        "$([ "$stage" = 500 ] && verdict "$(mem_kib VmRSS)" "<" $((40 * 1024)) || echo -)"
    row "  VmHWM idle / after ls, $stage instances" \
        "$(mib "$idle_hwm") / $(mib "$(mem_kib VmHWM)") MiB" "-" "-"
done

# 2. The load: CLIENTS users at once, each listing their own instances on one connection.
per_user=$(( (N + USERS - 1) / USERS ))
user_rows=$(api /v1/instances "$(head -1 "$WORK/users.tok")" | json_len)
[ "$user_rows" = "$per_user" ] || die "user 0 sees $user_rows instances, expected $per_user"
out=$("$LOAD" --socket "$SOCK" --tokens "$WORK/users.tok" --clients "$CLIENTS" \
    --seconds "$LOAD_SECONDS" --path /v1/instances --pid "$DAEMON" --clk-tck "$CLK_TCK") \
    || die "list_load failed: $out"
echo "[$N rows] $CLIENTS users, own ls, ${LOAD_SECONDS}s: $out"
rps=$(field "$out" rps); p99=$(field "$out" p99_ms)
target_rps="-"; target_p99="-"; v_rps="-"; v_p99="-"
if [ "$N" = 1000 ]; then
    target_rps=">= 5000"; target_p99="< 20 ms"
    v_rps=$(verdict "$rps" ">=" 5000); v_p99=$(verdict "$p99" "<" 20)
fi
row "$CLIENTS users x own ls (~$per_user rows), $N in registry: req/s" "$rps" "$target_rps" "$v_rps"
row "  p50 / p90 / p99 / max" "$(field "$out" p50_ms) / $(field "$out" p90_ms) / $p99 / $(field "$out" max_ms) ms" "$target_p99" "$v_p99"
row "  daemon CPU per request; cores used by daemon / load generator" \
    "$(field "$out" daemon_cpu_ms_per_req) ms; $(field "$out" daemon_cores) / $(field "$out" client_cores)" "-" "-"
row "rsrcd VmRSS / VmHWM after the load" "$(mib "$(mem_kib VmRSS)") / $(mib "$(mem_kib VmHWM)") MiB" "-" "-"

# 3. Optional comparisons.
if command -v oha >/dev/null; then
    oha_out=$(oha --no-tui -z 5s -c 1 --unix-socket "$SOCK" \
        -H "Authorization: Bearer $(head -1 "$WORK/users.tok")" http://rsrcd/v1/instances 2>&1 || true)
    row "oha, 1 user, own ls, 5 s: req/s" \
        "$(awk '/Requests\/sec/ { print $2 }' <<<"$oha_out")" "-" "-"
fi
if docker info >/dev/null 2>&1; then
    t0=$(date +%s%N)
    for _ in $(seq 10); do docker ps -a >/dev/null; done
    t1=$(date +%s%N)
    row "reference: docker ps -a ($(docker ps -aq | wc -l) containers), wall" \
        "$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 10e6 }') ms" "-" "-"
fi

echo
echo "rsrcd registry benchmark: $N instances, $USERS users, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg) (other work on the host skews every figure)"
{
    echo "metric|measured|target|verdict"
    echo "---|---|---|---"
    printf '%s\n' "${ROWS[@]}"
} | column -t -s '|'
