#!/usr/bin/env bash
# rsrcd's memory under load, with each allocator it can be built with:
#   - idle RSS (5 s after setup: an admin, a machine, one instance with a 200,000-line log);
#   - 300 failed logins in rounds of 50 parallel: peak RSS on the way, RSS 10 s after;
#   - 100 concurrent `rsrc logs --tail 10000` of that instance: the same.
# Target (README, "Performance"): 10 s after each load RSS is under 2x idle, and it never passes
# 100 MiB. Runs a private rsrcd on a temporary socket and data dir, ports 45100-45199, loopback
# only, and removes everything it made. Builds `rsrcd` once per allocator (release, the same
# target/; the default, jemalloc, last, so target/release/rsrcd stays the default build).
#
#   bench/memory.sh [ALLOCATOR...]     (glibc mimalloc jemalloc; default all three)
# An argument NAME=PATH measures a binary built elsewhere (e.g. an older commit) as NAME.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRC="$REPO/target/release/rsrc"
PORTS="45100-45199"
LOG_LINES=200000
# shellcheck source=bench/common.sh
source "$REPO/bench/common.sh"
if [ "$#" -gt 0 ]; then ALLOCATORS=("$@"); else ALLOCATORS=(glibc mimalloc jemalloc); fi

cd "$REPO"
cargo build --release -q -p rsrc
bench_init
for a in "${ALLOCATORS[@]}" jemalloc; do
    [ -x "$WORK/rsrcd-${a%%=*}" ] && continue
    case "$a" in
        *=*) cp "${a#*=}" "$WORK/rsrcd-${a%%=*}"; continue ;;
        glibc) features=(--no-default-features) ;;
        mimalloc) features=(--no-default-features --features mimalloc) ;;
        jemalloc) features=() ;;
        *) echo "unknown allocator $a (glibc, mimalloc, jemalloc)" >&2; exit 2 ;;
    esac
    echo "building rsrcd with $a" >&2
    cargo build --release -q -p rsrcd "${features[@]}"
    cp target/release/rsrcd "$WORK/rsrcd-$a"
done

verdict() { # verdict AFTER_KIB IDLE_KIB PEAK_KIB
    if [ "$1" -lt $(( 2 * $2 )) ] && [ "$3" -le $(( 100 * 1024 )) ]; then echo PASS; else echo MISS; fi
}

rows=()
for a in "${ALLOCATORS[@]}"; do
    a="${a%%=*}"
    echo "measuring $a" >&2
    rm -rf "$WORK/data" "$WORK/client" "$WORK/daemon-id"
    start_daemon "$WORK/rsrcd-$a"
    admin_login "$WORK/rsrcd-$a"
    daemon_id >/dev/null
    log_machine benchlog "$LOG_LINES"
    "$RSRC" -q instance create benchlog --name biglog >/dev/null
    for _ in $(seq 600); do
        last="$("$RSRC" logs biglog --tail 1 2>/dev/null || true)"
        case "$last" in "$LOG_LINES "*) break ;; esac
        sleep 0.1
    done
    case "$last" in "$LOG_LINES "*) ;; *) echo "the log did not fill in 60 s" >&2; exit 1 ;; esac
    start_sampler
    sleep 5
    idle=$(rss_kib)

    t0=$(ms); failed_logins 300 50; t1=$(ms)
    sleep 10
    login_after=$(rss_kib); login_peak=$(peak_kib "$t0" "$(ms)")
    login_s=$(secs "$t0" "$t1")

    t0=$(ms); failures=$(log_readers 100 biglog); t1=$(ms)
    sleep 10
    logs_after=$(rss_kib); logs_peak=$(peak_kib "$t0" "$(ms)")
    logs_s=$(secs "$t0" "$t1")
    hwm=$(hwm_kib)
    stop_sampler

    rows+=("| $a | $(mib "$idle") | $(mib "$login_peak") | $(mib "$login_after") | $(verdict "$login_after" "$idle" "$login_peak") | $(mib "$logs_peak") | $(mib "$logs_after") | $(verdict "$logs_after" "$idle" "$logs_peak") | $(mib "$hwm") | $login_s s / $logs_s s, $failures failed reads |")
    "$RSRC" -q instance rm --volumes biglog >/dev/null
    stop_daemon
    remove_labelled
done

echo
echo "| allocator | idle | 300 logins: peak | 10 s after | target | 100 log reads: peak | 10 s after | target | VmHWM | took |"
echo "|-----------|------|------------------|------------|--------|---------------------|------------|--------|-------|------|"
printf '%s\n' "${rows[@]}"
echo "(MiB; target: 10 s after < 2x idle and peak <= 100 MiB)"
