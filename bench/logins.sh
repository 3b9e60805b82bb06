#!/usr/bin/env bash
# rsrcd's memory under a flood of failed logins (issue 7): ROUNDS rounds of PARALLEL concurrent
# wrong logins (each for its own unknown email, so every try is a full argon2 check and none is
# cut short by the per-(email, uid) throttle), then VmRSS right after and after IDLE seconds.
# Runs a private rsrcd on a temporary socket and data dir (loopback only, no Docker work) and
# removes everything it made. Uses the release binaries (cargo build --release --workspace), or
# RSRCD=path to compare another build.
#
#   bench/logins.sh [ROUNDS] [PARALLEL] [IDLE]        (default 6 50 15: 300 failed logins)
#
# 2-core Debian 12 box, release builds, 2026-12-01, other helpers' builds running:
#   before (argon2 on tokio's blocking pool): VmRSS 30 -> 469 MiB, 469 MiB after 15 s idle,
#       threads 9 -> 12, 300 logins in 9.4-10.7 s;
#   after (dedicated pool of 2 argon2 threads): VmRSS 29 -> 165 MiB (peak 184), 165 MiB after
#       15 s idle, threads stay 10, 300 logins in 5.7 s.
set -euo pipefail

ROUNDS="${1:-6}"
PARALLEL="${2:-50}"
IDLE="${3:-15}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRCD="${RSRCD:-$REPO/target/release/rsrcd}"
if [ ! -x "$RSRCD" ]; then
    echo "build first: cargo build --release --workspace" >&2
    exit 1
fi
if [ "$ROUNDS" -gt 100 ] || [ "$PARALLEL" -gt 200 ] || [ "$IDLE" -gt 120 ]; then
    echo "at most 100 rounds of 200, and 120 s idle" >&2
    exit 2
fi

WORK="$(mktemp -d /tmp/rsrc-bench-logins.XXXXXX)"
SOCK="$WORK/rsrcd.sock"
cat >"$WORK/rsrcd.toml" <<TOML
data_dir = "$WORK/data"
socket = "$SOCK"
advertise_host = "127.0.0.1"
bind_address = "127.0.0.1"
port_range = "45100-45109"
TOML
"$RSRCD" --config "$WORK/rsrcd.toml" 2>"$WORK/rsrcd.log" &
DAEMON=$!
cleanup() {
    kill "$DAEMON" 2>/dev/null || true
    wait "$DAEMON" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

call() { curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 --unix-socket "$SOCK" "$@"; }
for _ in $(seq 100); do [ "$(call http://rsrcd/v1 || true)" = 200 ] && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$DAEMON/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$DAEMON/status"; }

echo "before: VmRSS $(rss) MiB, $(threads) threads"
start=$(date +%s%N)
for r in $(seq "$ROUNDS"); do
    seq "$PARALLEL" | xargs -P "$PARALLEL" -I{} curl -s -o /dev/null -w '%{http_code}\n' \
        --max-time 120 --unix-socket "$SOCK" -H 'Content-Type: application/json' \
        -d "{\"email\":\"bench-$r-{}@example.com\",\"password\":\"wrong-password\"}" \
        http://rsrcd/v1/login >>"$WORK/codes"
done
end=$(date +%s%N)
echo "answers: $(sort "$WORK/codes" | uniq -c | awk '{printf "%s x %s  ", $1, $2}')"
echo "$((ROUNDS * PARALLEL)) failed logins in $(((end - start) / 1000000)) ms"
echo "after:  VmRSS $(rss) MiB, $(threads) threads, peak VmHWM $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$DAEMON/status") MiB"
sleep "$IDLE"
echo "after ${IDLE} s idle: VmRSS $(rss) MiB"
