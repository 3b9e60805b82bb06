#!/usr/bin/env bash
# Measures rsrc against the Docker CLI baselines of shared/docs/engineering-notes.md:
#   - `rsrc version` round trip (CLI start + daemon + Docker version) vs `docker version`;
#   - instance create --wait + rm --volumes vs `docker run -d -p` + `docker rm -f`;
#   - rsrcd's peak memory (VmHWM) after the run.
# Runs a private rsrcd on a temporary socket and data dir, with its own port range, and removes
# everything it made. Uses the release binaries (cargo build --release --workspace).
#
#   bench/lifecycle.sh [ROUNDS]        (default 20)
set -euo pipefail

ROUNDS="${1:-20}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRCD="$REPO/target/release/rsrcd"
RSRC="$REPO/target/release/rsrc"
IMAGE="${RSRC_TEST_IMAGE:-rsrc-test-busybox:latest}"
if [ ! -x "$RSRCD" ] || [ ! -x "$RSRC" ]; then
    echo "build first: cargo build --release --workspace" >&2
    exit 1
fi

WORK="$(mktemp -d /tmp/rsrc-bench.XXXXXX)"
export RSRC_SOCKET="$WORK/rsrcd.sock" RSRC_CONFIG_DIR="$WORK/client" RSRC_NO_KEYRING=1
cat >"$WORK/rsrcd.toml" <<TOML
data_dir = "$WORK/data"
socket = "$WORK/rsrcd.sock"
advertise_host = "127.0.0.1"
bind_address = "127.0.0.1"
port_range = "45000-45099"
TOML
"$RSRCD" --config "$WORK/rsrcd.toml" 2>"$WORK/rsrcd.log" &
DAEMON=$!
cleanup() {
    kill "$DAEMON" 2>/dev/null || true
    wait "$DAEMON" 2>/dev/null || true
    if [ -s "$WORK/daemon-id" ]; then
        for c in $(docker ps -aq --filter "label=io.rsrc.daemon=$(cat "$WORK/daemon-id")"); do docker rm -f "$c" >/dev/null; done
        for v in $(docker volume ls -q --filter "label=io.rsrc.daemon=$(cat "$WORK/daemon-id")"); do docker volume rm -f "$v" >/dev/null; done
    fi
    docker rm -f rsrc-bench-baseline >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 100); do "$RSRC" version >/dev/null 2>&1 && break; sleep 0.1; done

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=int((NR+1)/2); printf "%.0f", (NR%2 ? a[m] : (a[m]+a[m+1])/2)}'; }

printf 'benchpassword\n' | "$RSRCD" --config "$WORK/rsrcd.toml" admin create --email bench@example.com --password-stdin >/dev/null
printf 'benchpassword\n' | "$RSRC" login --email bench@example.com --password-stdin >/dev/null
python3 - "$WORK/data/rsrc.db" >"$WORK/daemon-id" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select value from meta where key='daemon_id'").fetchone()[0])
PY
"$RSRC" -q machine create bench --image "$IMAGE" --port 8080 --volume /data \
    --command 'httpd -f -p 8080 -h /www' --max-per-user 5 >/dev/null

version_ms=(); docker_version_ms=(); create_ms=(); rm_ms=(); baseline_ms=()
for _ in $(seq "$ROUNDS"); do
    t0=$(ms); "$RSRC" version >/dev/null; t1=$(ms); version_ms+=($(( (t1 - t0) / 1000000 )))
    t0=$(ms); docker version >/dev/null; t1=$(ms); docker_version_ms+=($(( (t1 - t0) / 1000000 )))
    t0=$(ms); id=$("$RSRC" -q instance create bench --wait); t1=$(ms)
    "$RSRC" -q instance rm --volumes "$id" >/dev/null; t2=$(ms)
    create_ms+=($(( (t1 - t0) / 1000000 ))); rm_ms+=($(( (t2 - t1) / 1000000 )))
    t0=$(ms)
    docker run -d --name rsrc-bench-baseline -p 127.0.0.1:0:8080 "$IMAGE" sleep 300 >/dev/null
    docker rm -f rsrc-bench-baseline >/dev/null; t1=$(ms)
    baseline_ms+=($(( (t1 - t0) / 1000000 )))
done

hwm=$(awk '/VmHWM/ {print $2}' "/proc/$DAEMON/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$DAEMON/status")
echo "rounds: $ROUNDS (medians)"
echo "rsrc version:                         $(printf '%s\n' "${version_ms[@]}" | median) ms   (docker version: $(printf '%s\n' "${docker_version_ms[@]}" | median) ms)"
echo "instance create --wait (volume, HTTP): $(printf '%s\n' "${create_ms[@]}" | median) ms"
echo "instance rm --volumes:                $(printf '%s\n' "${rm_ms[@]}" | median) ms"
echo "docker run -d -p + docker rm -f:      $(printf '%s\n' "${baseline_ms[@]}" | median) ms"
echo "rsrcd memory: VmRSS $((rss / 1024)) MiB, peak VmHWM $((hwm / 1024)) MiB"
