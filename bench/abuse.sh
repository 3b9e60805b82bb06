#!/usr/bin/env bash
# Issue 19's floods against a private rsrcd (loopback only; Docker only to check the machine's
# image), with an SMTP sink and an SMS gateway sink. ATTACKERS uids (60000+n, as root drops to
# them), each with a verified account of its own, flood for SECONDS: login codes for random
# emails (a hash each), password changes (a mail each), comments on a machine whose admin wants
# feedback mail, and phone codes to one victim number. Meanwhile an honest user from another uid
# logs in (timed) and asks for a verification code, timed until the sink has the mail. Goals:
# login < 200 ms, mail < 5 s; the victim number gets at most limits.sms_codes_per_number SMS.
# Needs root (for the uids), the release binaries (cargo build --release --workspace, or
# RSRCD=path), aiosmtpd (RSRC_TEST_PYTHON=path of a python that has it) and the test image
# (RSRC_TEST_IMAGE, default rsrc-test-busybox:latest).
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
if [ "$ATTACKERS" -gt 24 ] || [ "$SECONDS_" -gt 300 ]; then
    echo "at most 24 attackers (root verifies their emails, within limits.mails_per_caller) and 300 s" >&2
    exit 2
fi

WORK="$(mktemp -d /tmp/rsrc-bench-abuse.XXXXXX)"
ADMIN_PASSWORD="admin-password-$RANDOM$RANDOM"
chmod 0755 "$WORK"
SOCK="$WORK/rsrcd.sock"
"$PY" "$REPO/scripts/smtp-sink.py" --port 0 --port-file "$WORK/smtp-port" \
    --maildir "$WORK/mail" >"$WORK/smtp.out" 2>&1 &
SINK=$!
"$PY" "$REPO/scripts/sms-sink.py" --port 0 --port-file "$WORK/sms-port" --dir "$WORK/sms" \
    >"$WORK/sms.out" 2>&1 &
SMS_SINK=$!
for _ in $(seq 100); do [ -s "$WORK/smtp-port" ] && grep -q ready "$WORK/smtp.out" && break; sleep 0.1; done
for _ in $(seq 100); do [ -s "$WORK/sms-port" ] && grep -q ready "$WORK/sms.out" && break; sleep 0.1; done
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
[sms]
url = "http://127.0.0.1:$(cat "$WORK/sms-port")/send"
token = "bench-gateway-token"
TOML
printf '%s\n' "$ADMIN_PASSWORD" | "$RSRCD" --config "$WORK/rsrcd.toml" admin create \
    --email admin@bench.local --password-stdin >/dev/null
"$RSRCD" --config "$WORK/rsrcd.toml" 2>"$WORK/rsrcd.log" &
DAEMON=$!
cleanup() {
    kill "$DAEMON" "$SINK" "$SMS_SINK" 2>/dev/null || true
    wait "$DAEMON" "$SINK" "$SMS_SINK" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" http://rsrcd/v1 || true)" = 200 ] && break
    sleep 0.1
done
ADMIN_PASSWORD="$ADMIN_PASSWORD" IMAGE="${RSRC_TEST_IMAGE:-rsrc-test-busybox:latest}" \
    "$PY" "$REPO/bench/abuse.py" "$SOCK" "$WORK/mail" "$ATTACKERS" "$SECONDS_" "$WORK/sms"
echo "rsrcd after the floods: VmRSS $(awk '/VmRSS/ {print $2, $3}' "/proc/$DAEMON/status"), $(ls "/proc/$DAEMON/fd" | wc -l) open fds"
