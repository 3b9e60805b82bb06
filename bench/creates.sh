#!/usr/bin/env bash
# rsrcd's memory with real instances: the architecture step found 107 MiB after 100 creates
# (10 MiB idle). Creates N instances through the real CLI and Docker (in rounds of 10
# parallel, all kept running), then lists them, then removes them, and prints VmRSS at each
# step and the peak (VmHWM). Target (issue 6): under 40 MiB with 500 instances in the registry.
# Private rsrcd on a temporary socket and data dir, ports 45500-45999, loopback only; removes
# everything it made. Uses the release binaries (cargo build --release --workspace).
#
#   bench/creates.sh [N]        (default 100, at most 500)
set -euo pipefail

N="${1:-100}"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 500 ] || {
    echo "usage: creates.sh [N between 1 and 500]" >&2
    exit 2
}
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRCD="$REPO/target/release/rsrcd"
RSRC="$REPO/target/release/rsrc"
PORTS="45500-45999"
# shellcheck source=bench/common.sh
source "$REPO/bench/common.sh"
if [ ! -x "$RSRCD" ] || [ ! -x "$RSRC" ]; then
    echo "build first: cargo build --release --workspace" >&2
    exit 1
fi

bench_init
printf '\n[limits]\nmax_instances_per_user = %s\n' "$N" >>"$WORK/rsrcd.toml"
start_daemon "$RSRCD"
admin_login "$RSRCD"
daemon_id >/dev/null
"$RSRC" -q machine create kept --image "$IMAGE" --port 8080 \
    --command 'httpd -f -p 8080 -h /www' --max-per-user "$N" >/dev/null
sleep 2
idle=$(rss_kib)

t0=$(ms)
made=0
failed=0
while [ "$made" -lt "$N" ]; do
    batch=$(( N - made < 10 ? N - made : 10 ))
    for _ in $(seq "$batch"); do
        ( "$RSRC" -q instance create kept --wait >/dev/null 2>>"$WORK/create-errors" ||
            echo fail >>"$WORK/create-failures" ) &
    done
    wait_children
    made=$(( made + batch ))
done
t1=$(ms)
[ -f "$WORK/create-failures" ] && failed=$(wc -l <"$WORK/create-failures")
after_creates=$(rss_kib)
sleep 10
settled=$(rss_kib)
for _ in $(seq 20); do "$RSRC" instance ls >/dev/null; done
after_lists=$(rss_kib)
running=$("$RSRC" instance ls --json | python3 -c \
    'import json,sys; print(sum(1 for i in json.load(sys.stdin) if i["status"] == "running"))')
t2=$(ms)
"$RSRC" -q instance ls | xargs -r -n 10 -P 4 "$RSRC" -q instance rm --volumes >/dev/null
t3=$(ms)
sleep 10
after_removes=$(rss_kib)
peak=$(hwm_kib)

echo "rsrcd with $N real instances ($failed creates failed, $running running), $(date -u +%FT%RZ)," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| step | VmRSS |"
echo "|------|-------|"
echo "| idle, one machine | $(mib "$idle") MiB |"
echo "| after $N creates ($(secs "$t0" "$t1") s, 10 parallel) | $(mib "$after_creates") MiB |"
echo "| 10 s later | $(mib "$settled") MiB |"
echo "| after 20 listings of all $N | $(mib "$after_lists") MiB |"
echo "| 10 s after removing all ($(secs "$t2" "$t3") s) | $(mib "$after_removes") MiB |"
echo "| peak (VmHWM) | $(mib "$peak") MiB |"
verdict=PASS
[ "$settled" -lt $(( 40 * 1024 )) ] || verdict=MISS
echo "target: under 40 MiB with the instances in the registry: $verdict"
