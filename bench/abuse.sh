#!/usr/bin/env bash
# Issue 19's floods against a private rsrcd (loopback only, no Docker work), with an SMTP sink:
# ATTACKERS uids (60000+n, as root drops to them) each send login codes for random emails (a
# hash each) and change their own password in a loop (a mail each) for SECONDS; meanwhile an
# honest user from another uid logs in (timed) and asks for a verification code, timed until
# the sink has the mail. Goals: login < 200 ms, mail < 5 s. Needs root (for the uids), the
# release binaries (cargo build --release --workspace, or RSRCD=path) and aiosmtpd
# (RSRC_TEST_PYTHON=path of a python that has it).
#
#   bench/abuse.sh [ATTACKERS] [SECONDS]        (default 8 20)
set -euo pipefail

ATTACKERS="${1:-8}"
SECONDS_="${2:-20}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RSRCD="${RSRCD:-$REPO/target/release/rsrcd}"
PY="${RSRC_TEST_PYTHON:-python3}"
if [ ! -x "$RSRCD" ]; then
    echo "build first: cargo build --release --workspace" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "run as root: the attackers take uids of their own" >&2
    exit 1
fi
if [ "$ATTACKERS" -gt 64 ] || [ "$SECONDS_" -gt 300 ]; then
    echo "at most 64 attackers and 300 s" >&2
    exit 2
fi

WORK="$(mktemp -d /tmp/rsrc-bench-abuse.XXXXXX)"
chmod 0755 "$WORK"
SOCK="$WORK/rsrcd.sock"
"$PY" "$REPO/scripts/smtp-sink.py" --port 0 --port-file "$WORK/smtp-port" \
    --maildir "$WORK/mail" >"$WORK/smtp.out" 2>&1 &
SINK=$!
for _ in $(seq 100); do [ -s "$WORK/smtp-port" ] && grep -q ready "$WORK/smtp.out" && break; sleep 0.1; done
cat >"$WORK/rsrcd.toml" <<TOML
data_dir = "$WORK/data"
socket = "$SOCK"
socket_mode = "0666"
advertise_host = "127.0.0.1"
bind_address = "127.0.0.1"
port_range = "45110-45119"
[smtp]
host = "127.0.0.1"
port = $(cat "$WORK/smtp-port")
from = "rsrc <rsrc@bench.local>"
tls = "none"
TOML
"$RSRCD" --config "$WORK/rsrcd.toml" 2>"$WORK/rsrcd.log" &
DAEMON=$!
cleanup() {
    kill "$DAEMON" "$SINK" 2>/dev/null || true
    wait "$DAEMON" "$SINK" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" http://rsrcd/v1 || true)" = 200 ] && break
    sleep 0.1
done
"$PY" "$REPO/bench/abuse.py" "$SOCK" "$WORK/mail" "$ATTACKERS" "$SECONDS_"
echo "mails queued: $(sqlite3 "$WORK/data/rsrc.db" 'SELECT COUNT(*) FROM mail_outbox' 2>/dev/null || echo '?')"
