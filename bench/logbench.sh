# shellcheck shell=bash disable=SC2034  # the measures set globals for the caller
# The log measures shared by bench/logs.sh and bench/all (sourced after bench/common.sh, with a
# daemon started and logged in): `rsrc logs` against `docker logs` on the same container.

median_ms_of() { # median_ms_of FILE_OF_MICROSECONDS → median in ms
    sort -n "$1" | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.0f", m / 1000}'
}
timed_us() { local t0; t0=$(date +%s%N); "$@" >/dev/null; echo $(( ($(date +%s%N) - t0) / 1000 )); }

container_of() { # container_of INSTANCE_NAME → its container's full id
    local id
    id="$("$RSRC" --json instance show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
    docker ps -aq --no-trunc --filter "label=io.rsrc.instance=$id" | head -1
}

# log_filled NAME LINES: an instance NAME of a machine that writes LINES lines; waits (60 s at
# most) until they are all in Docker's log and checks `rsrc logs` gives them all. Sets LOG_CID.
log_filled() {
    local name="$1" lines="$2" got _
    log_machine "$name-m" "$lines"
    "$RSRC" -q instance create "$name-m" --name "$name" >/dev/null
    LOG_CID="$(container_of "$name")"
    for _ in $(seq 600); do
        case "$(docker logs --tail 1 "$LOG_CID" 2>/dev/null)" in "$lines "*) break ;; esac
        sleep 0.1
    done
    got="$("$RSRC" logs "$name" | wc -l)"
    [ "$got" -eq "$lines" ] || { echo "rsrc logs gave $got lines, not $lines" >&2; return 1; }
}

# logs_read NAME CID RUNS: reads the whole log to /dev/null RUNS times each, interleaved (the
# order alternates), after one warm-up each. Sets rsrc_read, docker_read (median ms), read_ratio.
logs_read() {
    local name="$1" cid="$2" runs="$3" i
    : >"$WORK/rsrc.ms"; : >"$WORK/docker.ms"
    "$RSRC" logs "$name" >/dev/null; docker logs "$cid" >/dev/null 2>&1
    for i in $(seq "$runs"); do
        if [ $((i % 2)) -eq 0 ]; then
            timed_us "$RSRC" logs "$name" >>"$WORK/rsrc.ms"; timed_us docker logs "$cid" >>"$WORK/docker.ms"
        else
            timed_us docker logs "$cid" >>"$WORK/docker.ms"; timed_us "$RSRC" logs "$name" >>"$WORK/rsrc.ms"
        fi
    done
    rsrc_read=$(median_ms_of "$WORK/rsrc.ms"); docker_read=$(median_ms_of "$WORK/docker.ms")
    read_ratio=$(awk -v a="$rsrc_read" -v b="$docker_read" 'BEGIN {printf "%.2f", a / b}')
}

# follow_latency NAME TICKS: an instance NAME that prints TICKS lines, one every 20 ms;
# `rsrc logs -f --timestamps` and `docker logs -f --timestamps` follow it at the same time and
# each line's arrival is compared with the time Docker stamped on it, for the first nine tenths
# of the lines (bounded: a follower that falls silent is stopped after the ticker). Sets rsrc_p50, rsrc_p99, docker_p50, docker_p99 (ms) and lat_n (lines measured); leaves
# the instance.
follow_latency() {
    local name="$1" ticks="$2" count cid rsrc_follow docker_follow
    count=$(( ticks * 9 / 10 ))
    script_machine "$name-m" "sleep 2; i=0; while [ \$i -lt $ticks ]; do echo tick-\$i; i=\$((i+1)); usleep 20000; done; exec sleep 100000"
    "$RSRC" -q instance create "$name-m" --name "$name" >/dev/null
    cid="$(container_of "$name")"
    cat >"$WORK/latency.py" <<'PY'
import calendar, sys, time
# Each line: Docker's RFC 3339 timestamp (nanoseconds), a space, the line. Prints the delay from
# that stamp to the line's arrival here, in microseconds, one a line, up to COUNT lines.
count = int(sys.argv[1])
for n, line in enumerate(sys.stdin.buffer):
    now = time.time_ns()
    stamp = line.split(b" ", 1)[0].decode()
    secs = calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S"))
    frac = stamp[20:].rstrip("Z").split("+")[0].split("-")[0]
    at = secs * 10**9 + int((frac + "000000000")[:9])
    print((now - at) // 1000, flush=True)
    if n + 1 >= count:
        break
PY
    local limit=$(( ticks / 50 + 30 ))
    ( timeout "$limit" "$RSRC" logs -f --timestamps --tail 0 "$name" | python3 "$WORK/latency.py" "$count" >"$WORK/rsrc.lat" ) &
    rsrc_follow=$!
    ( timeout "$limit" docker logs -f --timestamps --tail 0 "$cid" | python3 "$WORK/latency.py" "$count" >"$WORK/docker.lat" ) &
    docker_follow=$!
    wait "$rsrc_follow" "$docker_follow" || true
    rsrc_p50=$(pct_ms "$WORK/rsrc.lat" 50); rsrc_p99=$(pct_ms "$WORK/rsrc.lat" 99)
    docker_p50=$(pct_ms "$WORK/docker.lat" 50); docker_p99=$(pct_ms "$WORK/docker.lat" 99)
    lat_n=$(wc -l <"$WORK/rsrc.lat")
}
pct_ms() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i = int(NR * p / 100); if (i < 1) i = 1; printf "%.1f", a[i] / 1000}'; }
