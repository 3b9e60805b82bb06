#!/usr/bin/env bash
# Hostile clients and faults, against a private rsrcd (loopback only: its Unix socket, ports
# 45200-45299), bounded in count and time (about 5 minutes). Phases:
#   1. 10,000 slow connections held 20 s (half a request head that never ends, half a body that
#      never comes: bench/slowconn.py);
#   2. 300 failed logins in rounds of 50 parallel;
#   3. 100 concurrent `rsrc logs --tail 10000` of an instance with a 200,000-line log;
#   4. 50 rounds of kill -9 of rsrcd in the middle of creates and removes, restarting it each time.
# Throughout, `rsrc version` every 200 ms, timed, paired with `docker version` and /bin/true.
# Then, after 60 s: instances stuck in creating/removing, and disagreements between the registry
# and Docker. Prints RSS 10 s after each phase, the peak RSS and a PASS/MISS line per target; a
# miss does not fail the script.
# Uses the release binaries (cargo build --release --workspace); removes everything it made.
#
#   bench/stress.sh [SLOW_CONNECTIONS] [KILL_ROUNDS]      (default 10000 50)
set -euo pipefail

SLOW="${1:-10000}"
KILLS="${2:-50}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRCD="$REPO/target/release/rsrcd"
RSRC="$REPO/target/release/rsrc"
PORTS="45200-45299"
# shellcheck source=bench/common.sh
source "$REPO/bench/common.sh"
if [ ! -x "$RSRCD" ] || [ ! -x "$RSRC" ]; then
    echo "build first: cargo build --release --workspace" >&2
    exit 1
fi
# The slow connections need a descriptor each, on both ends.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

bench_init
PROBE=""
stop_probe() {
    [ -n "$PROBE" ] || return 0
    kill "$PROBE" 2>/dev/null || true
    wait "$PROBE" 2>/dev/null || true
    PROBE=""
    [ -n "${ANSWERS:-}" ] && { kill "$ANSWERS" 2>/dev/null || true; wait "$ANSWERS" 2>/dev/null || true; }
    ANSWERS=""
}
trap 'stop_probe; bench_cleanup' EXIT
phase() { echo "$1" >"$WORK/phase"; echo "phase: $1" >&2; }

# The slow connections come from another uid when we can (root with setpriv): an attacker is
# another member of the group, held to the per-uid cap, while the probe and the users are us.
if [ "$(id -u)" = 0 ] && [ -x /usr/bin/python3 ] && command -v setpriv >/dev/null 2>&1; then
    chmod 755 "$WORK"
    echo 'socket_mode = "0666"' >>"$WORK/rsrcd.toml"
    # The system's python: a user's shims (pyenv) are not readable by another uid.
    ATTACKER=(setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3)
else
    ATTACKER=(python3)
fi
start_daemon "$RSRCD"
admin_login "$RSRCD"
daemon_id >/dev/null
log_machine benchlog 200000
"$RSRC" -q machine create churn --image "$IMAGE" --port 8080 \
    --command 'httpd -f -p 8080 -h /www' --max-per-user 50 >/dev/null
"$RSRC" -q instance create benchlog --name biglog >/dev/null
for _ in $(seq 600); do
    case "$("$RSRC" logs biglog --tail 1 2>/dev/null || true)" in 200000\ *) break ;; esac
    sleep 0.1
done

# `rsrc version` every 200 ms, paired at the same moments with the peer's `docker version` and
# with /bin/true, the host's own cost of starting a process: "PHASE MS EXIT DOCKER_MS TRUE_MS".
phase setup
: >"$WORK/probe"
(
    while [ -e "$WORK/phase" ]; do
        t0=$(ms)
        if timeout 5 "$RSRC" version >/dev/null 2>&1; then rc=0; else rc=1; fi
        t1=$(ms)
        timeout 5 docker version >/dev/null 2>&1 || true
        t2=$(ms)
        /bin/true
        t3=$(ms)
        echo "$(cat "$WORK/phase") $(( t1 - t0 )) $rc $(( t2 - t1 )) $(( t3 - t2 ))" >>"$WORK/probe"
        sleep 0.2
    done
) &
PROBE=$!
# The same question over the socket from one long-lived process: the daemon's answer alone.
python3 "$REPO/bench/answer_probe.py" "$RSRC_SOCKET" "$WORK/phase" "$WORK/answers" &
ANSWERS=$!
start_sampler
peak=0
note_hwm() { local h; h=$(hwm_kib); [ "$h" -gt "$peak" ] && peak=$h; return 0; }
sleep 5
idle=$(rss_kib)
after=()

phase slow
slow_result=$("${ATTACKER[@]}" "$REPO/bench/slowconn.py" "$RSRC_SOCKET" "$SLOW" 20)
sleep 10; after+=("slow connections: $(mib "$(rss_kib)") MiB"); note_hwm

phase logins
failed_logins 300 50
sleep 10; after+=("failed logins: $(mib "$(rss_kib)") MiB"); note_hwm

phase logs
log_failures=$(log_readers 100 biglog)
sleep 10; after+=("log readers: $(mib "$(rss_kib)") MiB"); note_hwm

phase kill
churn_round() {
    timeout 30 "$RSRC" -q instance create churn >/dev/null 2>&1 &
    timeout 30 "$RSRC" -q instance create churn >/dev/null 2>&1 &
    local id
    for id in $(timeout 10 "$RSRC" --output json instance ls 2>/dev/null | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r.get("machine") == "churn"]
print("\n".join(r["id"] for r in rows[:2]))' 2>/dev/null); do
        timeout 30 "$RSRC" -q instance rm --volumes "$id" >/dev/null 2>&1 &
    done
}
restart_failures=0
for _ in $(seq "$KILLS"); do
    churn_round
    sleep "0.$(( RANDOM % 4 + 1 ))"
    note_hwm
    kill -9 "$DAEMON" 2>/dev/null || true
    wait "$DAEMON" 2>/dev/null || true
    wait_children
    start_daemon "$RSRCD" || restart_failures=$((restart_failures + 1))
done
# The last round's requests, uninterrupted.
wait_children
sleep 10; after+=("kill -9 rounds: $(mib "$(rss_kib)") MiB"); note_hwm

phase settle
sleep 60
note_hwm
stop_probe
stop_sampler
sampled=$(peak_kib 0 "$(ms)")
[ "$sampled" -gt "$peak" ] && peak=$sampled

stuck=$(python3 - "$WORK/data/rsrc.db" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "select count(*) from instances where state in ('creating', 'removing')").fetchone()[0])
PY
)
docker ps -a --filter "label=io.rsrc.daemon=$(daemon_id)" \
    --format '{{.Label "io.rsrc.instance"}} {{.Label "io.rsrc.owner"}}' >"$WORK/containers"
disagreements=$(python3 - "$WORK/data/rsrc.db" "$WORK/containers" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("select id, owner_id, state from instances").fetchall()
containers = {}
for line in open(sys.argv[2]):
    parts = line.split()
    if parts:
        containers.setdefault(parts[0], []).append(parts[1] if len(parts) > 1 else "")
bad = []
for id, owner, state in rows:
    if state != "lost" and containers.get(id) != [str(owner)]:
        bad.append(f"row {id} ({state}): containers {containers.get(id)}")
ids = {r[0] for r in rows}
bad += [f"container of {c}: no row" for c in containers if c not in ids]
for b in bad:
    print(b, file=sys.stderr)
print(len(bad))
PY
)

probe_summary() { # PHASE [FILE]: "N probes, F failed, worst W ms"
    awk -v p="$1" '$1 == p {n++; if ($3 != 0) f++; else if ($2 > w) w = $2}
        END {printf "%d probes, %d failed, worst answered %d ms", n, f, w}' "${2:-$WORK/probe}"
}
: >>"$WORK/answers"
answer_worst=$(awk '$1 != "kill" && $3 == 0 && $2 > w {w = $2} END {print w + 0}' "$WORK/answers")
answer_failed=$(awk '$1 != "kill" && $3 != 0 {f++} END {print f + 0}' "$WORK/answers")
worst_ok=$(awk '$1 != "kill" && $3 == 0 && $2 > w {w = $2} END {print w + 0}' "$WORK/probe")
docker_worst=$(awk '$1 != "kill" && $4 > w {w = $4} END {print w + 0}' "$WORK/probe")
true_worst=$(awk '$1 != "kill" && $5 > w {w = $5} END {print w + 0}' "$WORK/probe")
failed_outside_kill=$(awk '$1 != "kill" && $3 != 0 {f++} END {print f + 0}' "$WORK/probe")
verdict() { if [ "$1" = 1 ]; then echo PASS; else echo MISS; fi; }

echo
echo "rsrcd stress: $SLOW slow connections ($slow_result), 300 failed logins, 100 log readers" \
    "($log_failures failed), $KILLS kill -9 rounds ($restart_failures restarts failed)"
echo "idle RSS: $(mib "$idle") MiB; RSS 10 s after each phase: $(IFS=';'; echo "${after[*]}" | sed 's/;/; /g')"
paired_worst() { # PHASE COLUMN: the worst of a paired probe in that phase
    awk -v p="$1" -v c="$2" '$1 == p && $c > w {w = $c} END {print w + 0}' "$WORK/probe"
}
for p in setup slow logins logs kill settle; do
    echo "  rsrc version during $p: $(probe_summary "$p"); at the same moments" \
        "docker version worst $(paired_worst "$p" 4) ms, /bin/true worst $(paired_worst "$p" 5) ms"
done
for p in setup slow logins logs kill settle; do
    echo "  daemon's answer to GET /v1/version during $p: $(probe_summary "$p" "$WORK/answers")"
done
echo
echo "| target | measured | result |"
echo "|--------|----------|--------|"
echo "| \`rsrc version\` within 100 ms throughout (outside the kill -9 restarts) | worst $worst_ok ms, $failed_outside_kill failed (at the same moments: \`docker version\` worst $docker_worst ms, /bin/true worst $true_worst ms) | $(verdict $(( worst_ok <= 100 && failed_outside_kill == 0 ))) |"
echo "| the daemon's own answer (GET /v1/version over the socket, no process start) within 100 ms | worst $answer_worst ms, $answer_failed failed | $(verdict $(( answer_worst <= 100 && answer_failed == 0 ))) |"
echo "| 0 instances stuck in creating/removing after 60 s | $stuck | $(verdict $(( stuck == 0 ))) |"
echo "| 0 disagreements between the registry and Docker | $disagreements | $(verdict $(( disagreements == 0 ))) |"
echo "| peak RSS (VmHWM, all runs) at most 100 MiB | $(mib "$peak") MiB | $(verdict $(( peak <= 100 * 1024 ))) |"
