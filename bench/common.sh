# Shared by bench/memory.sh, bench/stress.sh, bench/logs.sh and bench/all (sourced, not run): a
# private rsrcd on a temporary socket, data dir and port range, an RSS sampler, and a cleanup that
# removes every container and volume carrying this daemon's io.rsrc.daemon label, and nothing else.
#
# The caller sets REPO, RSRC (the CLI) and PORTS ("45100-45199"), then calls bench_init.

IMAGE="${RSRC_TEST_IMAGE:-rsrc-test-busybox:latest}"
DAEMON=""

ms() { echo $(( $(date +%s%N) / 1000000 )); }

bench_init() {
    WORK="$(mktemp -d /tmp/rsrc-bench.XXXXXX)"
    export RSRC_SOCKET="$WORK/rsrcd.sock" RSRC_CONFIG_DIR="$WORK/client" RSRC_NO_KEYRING=1
    cat >"$WORK/rsrcd.toml" <<TOML
data_dir = "$WORK/data"
socket = "$WORK/rsrcd.sock"
advertise_host = "127.0.0.1"
bind_address = "127.0.0.1"
port_range = "$PORTS"
TOML
    trap bench_cleanup EXIT
}

# start_daemon BINARY: starts rsrcd in the background, records its pid in $WORK/pid, waits
# (up to 10 s) until it answers.
start_daemon() {
    "$1" --config "$WORK/rsrcd.toml" 2>>"$WORK/rsrcd.log" &
    DAEMON=$!
    echo "$DAEMON" >"$WORK/pid"
    local _
    for _ in $(seq 100); do
        "$RSRC" version >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "rsrcd did not answer within 10 s; its log: $WORK/rsrcd.log" >&2
    return 1
}

stop_daemon() {
    [ -n "$DAEMON" ] || return 0
    kill "$DAEMON" 2>/dev/null || true
    wait "$DAEMON" 2>/dev/null || true
    DAEMON=""
}

# A daemon id is known once the registry exists (after the first start).
daemon_id() {
    [ -s "$WORK/daemon-id" ] || python3 - "$WORK/data/rsrc.db" >"$WORK/daemon-id" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select value from meta where key='daemon_id'").fetchone()[0])
PY
    cat "$WORK/daemon-id"
}

remove_labelled() {
    [ -s "$WORK/daemon-id" ] || return 0
    local id c v
    id="$(cat "$WORK/daemon-id")"
    for c in $(docker ps -aq --filter "label=io.rsrc.daemon=$id"); do docker rm -f "$c" >/dev/null 2>&1 || true; done
    for v in $(docker volume ls -q --filter "label=io.rsrc.daemon=$id"); do docker volume rm -f "$v" >/dev/null 2>&1 || true; done
}

bench_cleanup() {
    stop_sampler
    stop_daemon
    remove_labelled
    [ -n "${WORK:-}" ] && rm -rf "$WORK"
}

# An admin, logged in: bench@example.com.
admin_login() {
    printf 'benchpassword\n' | "$1" --config "$WORK/rsrcd.toml" admin create \
        --email bench@example.com --password-stdin >/dev/null
    printf 'benchpassword\n' | "$RSRC" login --email bench@example.com --password-stdin >/dev/null
}

# VmRSS / VmHWM of the daemon now running, in KiB (0 when none runs).
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$(cat "$WORK/pid")/status" 2>/dev/null || echo 0; }
hwm_kib() { awk '/VmHWM/ {print $2}' "/proc/$(cat "$WORK/pid")/status" 2>/dev/null || echo 0; }

# Samples the RSS of whichever daemon $WORK/pid names, every 100 ms, as "MS KIB" lines in
# $WORK/rss, until stop_sampler (it follows restarts).
SAMPLER=""
start_sampler() {
    : >"$WORK/rss"
    (
        while [ -e "$WORK/pid" ]; do
            kib=$(awk '/VmRSS/ {print $2}' "/proc/$(cat "$WORK/pid" 2>/dev/null)/status" 2>/dev/null)
            [ -n "$kib" ] && echo "$(ms) $kib" >>"$WORK/rss"
            sleep 0.1
        done
    ) &
    SAMPLER=$!
}
stop_sampler() {
    [ -n "$SAMPLER" ] || return 0
    kill "$SAMPLER" 2>/dev/null || true
    wait "$SAMPLER" 2>/dev/null || true
    SAMPLER=""
}

# peak_kib FROM_MS TO_MS: the highest sampled RSS in that window.
peak_kib() { awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b && $2 > m {m = $2} END {print m + 0}' "$WORK/rss"; }

secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b - a) / 1000}'; }
mib() { echo $(( ($1 + 512) / 1024 )); }

# script_machine NAME SCRIPT: a machine whose container runs `sh -c SCRIPT` (SCRIPT goes into
# a TOML string: no double quotes or backslashes).
script_machine() {
    local name="$1" script="$2"
    cat >"$WORK/$name.toml" <<TOML
[[machine]]
name = "$name"
image = "$IMAGE"
ports = [{ port = 8080 }]
max_per_user = 50
command = ["sh", "-c", "$script"]
TOML
    "$RSRC" -q machine apply -f "$WORK/$name.toml" >/dev/null
}

# A machine whose container writes LINES lines of about 80 bytes, then idles.
log_machine() {
    script_machine "$1" "seq $2 | sed 's/$/ a line of the benchmark log, padded to about eighty bytes ....../'; exec sleep 100000"
}

# failed_logins COUNT PARALLEL: wrong passwords, in rounds, each for another address, from one
# process (bench/logins.py; each costs the daemon a hash).
failed_logins() {
    python3 "$REPO/bench/logins.py" "$RSRC_SOCKET" "$1" "$2" >/dev/null
}

# log_readers COUNT INSTANCE: COUNT concurrent `rsrc logs --tail 10000`; prints how many failed.
log_readers() {
    local count="$1" ref="$2" i
    : >"$WORK/log-failures"
    for i in $(seq "$count"); do
        ( "$RSRC" logs "$ref" --tail 10000 >/dev/null 2>&1 || echo fail >>"$WORK/log-failures" ) &
    done
    wait_children
    wc -l <"$WORK/log-failures"
}

# Waits for the jobs started by the caller, not for the sampler or probes.
wait_children() {
    local p
    for p in $(jobs -p); do
        case " $SAMPLER ${PROBE:-} ${ANSWERS:-} $DAEMON " in *" $p "*) continue ;; esac
        wait "$p" 2>/dev/null || true
    done
}
