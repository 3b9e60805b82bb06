#!/usr/bin/env bash
# Measures `machine ls` (GET /v1/machines, as a user with votes of their own) over a registry of
# 1,000 machines and 10,000 users, first with no votes, then with 1,000,000 votes (100 per user)
# and 100,000 ratings: the feed's counters are kept per machine (migration 0011), so the
# listing should answer in the same time, within noise. Prints both and their ratio.
#
# A private release rsrcd runs on a temporary socket and data dir with Docker pointed at a
# socket that does not exist (listing needs no engine); the rows are seeded straight into its
# SQLite file with python3's sqlite3, through the same triggers the daemon's writes go through.
# rsrcd is restarted after seeding, so both runs start cold.
#
#   bench/feed.sh [MACHINES (default 1000)] [USERS (default 10000)] [VOTES_PER_USER (default 100)]
#
# Environment: BENCH_LISTS (listings timed per run, default 100), BENCH_KEEP=1 (keep the temp
# dir). Builds nothing: run `cargo build --release -p rsrcd` first.
set -euo pipefail

MACHINES="${1:-1000}"
USERS="${2:-10000}"
PER_USER="${3:-100}"
LISTS="${BENCH_LISTS:-100}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRCD="$REPO/target/release/rsrcd"

die() { echo "feed.sh: $*" >&2; exit 1; }
[ -x "$RSRCD" ] || die "missing $RSRCD; build first: cargo build --release -p rsrcd"
[[ "$MACHINES" =~ ^[0-9]+$ && "$USERS" =~ ^[0-9]+$ && "$PER_USER" =~ ^[0-9]+$ ]] || die "usage: feed.sh [MACHINES] [USERS] [VOTES_PER_USER]"
[ "$MACHINES" -ge 1 ] && [ "$MACHINES" -le 10000 ] || die "MACHINES must be 1..10000"
[ "$USERS" -ge 1 ] && [ "$USERS" -le 100000 ] || die "USERS must be 1..100000"
[ "$PER_USER" -le "$MACHINES" ] || die "VOTES_PER_USER must be at most MACHINES (one vote per user per machine)"
command -v python3 >/dev/null || die "python3 (with its sqlite3 module) is needed to seed the registry"
command -v curl >/dev/null || die "curl is needed"

WORK="$(mktemp -d /tmp/rsrc-bench-feed.XXXXXX)"
SOCK="$WORK/run/rsrcd.sock"
DB="$WORK/data/rsrc.db"
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

start_daemon() {
    "$RSRCD" --config "$WORK/rsrcd.toml" 2>>"$WORK/rsrcd.log" &
    DAEMON=$!
    local deadline=$((SECONDS + 30))
    until curl -sf --unix-socket "$SOCK" http://rsrcd/v1/version >/dev/null 2>&1; do
        kill -0 "$DAEMON" 2>/dev/null || { tail -20 "$WORK/rsrcd.log" >&2; die "rsrcd exited"; }
        [ "$SECONDS" -lt "$deadline" ] || die "rsrcd did not answer within 30 s"
        sleep 0.05
    done
}

seed() {
    python3 - "$DB" "$WORK" "$@" <<'PY'
import hashlib, json, secrets, sqlite3, sys, time

db, work, what = sys.argv[1], sys.argv[2], sys.argv[3]
now = int(time.time() * 1000)
conn = sqlite3.connect(db, timeout=10)
conn.execute("PRAGMA foreign_keys = ON")
conn.execute("PRAGMA synchronous = OFF")
with conn:
    if what == "base":
        machines, users = int(sys.argv[4]), int(sys.argv[5])
        for m in range(machines):
            spec = {
                "name": f"m{m:05d}", "description": "feed benchmark",
                "image": "rsrc-test-busybox:latest",
                "ports": [{"port": 8080, "protocol": "tcp"}], "props": [],
                "command": ["httpd", "-f", "-p", "8080"], "volumes": [], "limits": {},
                "max_per_user": 1, "active": True, "restart": "unless-stopped",
            }
            conn.execute(
                "INSERT INTO machines (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (spec["name"], json.dumps(spec, separators=(",", ":")), now, now))
        conn.executemany(
            "INSERT INTO users (email, name, password_hash, role, verified, created_at,"
            " updated_at) VALUES (?, ?, 'unused: sessions are seeded', 'user', 1, ?, ?)",
            ((f"u{u:06d}@bench.example", f"Bench User {u}", now, now) for u in range(users)))
        (first,) = conn.execute("SELECT MIN(id) FROM users WHERE role = 'user'").fetchone()
        token = "rsrc_" + secrets.token_hex(32)
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?,?,?,?)",
            (hashlib.sha256(token.encode()).hexdigest(), first, now, now + 86400000))
        with open(f"{work}/user.tok", "w") as f:
            f.write(token + "\n")
    else:
        per_user = int(sys.argv[4])
        ids = [r[0] for r in conn.execute("SELECT id FROM machines ORDER BY id")]
        users = [r[0] for r in conn.execute("SELECT id FROM users WHERE role = 'user' ORDER BY id")]
        n = len(ids)
        stride = max(1, n // per_user)
        def votes():
            for k, u in enumerate(users):
                for j in range(per_user):
                    yield (ids[(k + j * stride) % n], u, 1 if (k + j) % 3 else -1, now)
        conn.executemany("INSERT INTO votes (machine_id, user_id, value, at) VALUES (?,?,?,?)",
                         votes())
        def ratings():
            for k, u in enumerate(users):
                for j in range(max(1, per_user // 10)):
                    yield (ids[(k + j * stride) % n], u, 1 + (k + j) % 5, now, now)
        conn.executemany("INSERT INTO ratings (machine_id, user_id, stars, created_at, updated_at)"
                         " VALUES (?,?,?,?,?)", ratings())
    counts = conn.execute("SELECT (SELECT COUNT(*) FROM machines), (SELECT COUNT(*) FROM users),"
                          " (SELECT COUNT(*) FROM votes), (SELECT COUNT(*) FROM ratings)").fetchone()
    print("machines=%d users=%d votes=%d ratings=%d" % counts)
PY
}

# Times LISTS listings; prints "median_ms mean_ms".
time_listing() {
    local token; token="$(cat "$WORK/user.tok")"
    local n; n="$(curl -sf --unix-socket "$SOCK" -H "Authorization: Bearer $token" http://rsrcd/v1/machines \
        | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')"
    [ "$n" = "$MACHINES" ] || die "listed $n machines, expected $MACHINES"
    for _ in $(seq "$LISTS"); do
        curl -s -o /dev/null -w '%{time_total}\n' --unix-socket "$SOCK" \
            -H "Authorization: Bearer $token" http://rsrcd/v1/machines
    done | sort -n | awk '{ t[NR] = $1 * 1000; s += t[NR] } END {
        printf "%.2f %.2f\n", t[int((NR + 1) / 2)], s / NR }'
}

start_daemon
stop_daemon
echo "seeding: $(seed base "$MACHINES" "$USERS")"
start_daemon
read -r EMPTY_MED EMPTY_MEAN < <(time_listing)
stop_daemon
started=$SECONDS
echo "seeding: $(seed votes "$PER_USER") ($((SECONDS - started)) s)"
start_daemon
read -r FULL_MED FULL_MEAN < <(time_listing)
stop_daemon

echo
echo "machine ls (GET /v1/machines, $MACHINES machines, $LISTS listings each; load before: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '  %-34s median %8s ms   mean %8s ms\n' "no votes" "$EMPTY_MED" "$EMPTY_MEAN"
printf '  %-34s median %8s ms   mean %8s ms\n' "$((USERS * PER_USER)) votes" "$FULL_MED" "$FULL_MEAN"
awk -v a="$EMPTY_MED" -v b="$FULL_MED" 'BEGIN { printf "  ratio (with votes / without, median): %.2f\n", b / a }'
