#!/usr/bin/env python3
"""A real SMTP server for tests and the quickstart, built on aiosmtpd.

    smtp-sink.py --port PORT --maildir DIR [--host 127.0.0.1] [--port-file FILE]
                 [--auth USER:PASS] [--fail-first N]

Every accepted message becomes one file DIR/<epoch_ns>-<n>.eml: the raw message as received,
preceded by the headers X-Envelope-From and X-Envelope-To (one per recipient). The file is
written under a temporary name starting with "." and renamed, so a reader that looks only at
names ending in ".eml" never sees half a message. DIR is created if missing.

Once the server listens, the sink prints "ready" on stdout (flushed); wait for that line
instead of sleeping. With --port 0 the system picks a free port; --port-file FILE then
receives the port number (written before "ready" is printed).

--auth USER:PASS  advertises AUTH PLAIN/LOGIN (also without TLS) and accepts only these
                  credentials; the file then also carries X-Auth-User.
--fail-first N    answers the first N messages with "451 try again later" (for retry tests).

Runs until SIGTERM or SIGINT, then exits with status 0.
"""

import argparse
import asyncio
import itertools
import logging
import os
import signal
import sys
import time
import warnings

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    # Run directly with a python that lacks aiosmtpd: re-run with the one scripts/lib.sh made.
    for candidate in (
        os.environ.get("RSRC_TEST_PYTHON"),
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "py-venv", "bin", "python"),
    ):
        if (
            candidate
            and os.access(candidate, os.X_OK)
            and not os.environ.get("RSRC_SMTP_SINK_REEXEC")
        ):
            os.environ["RSRC_SMTP_SINK_REEXEC"] = "1"
            os.execv(candidate, [candidate, os.path.abspath(__file__)] + sys.argv[1:])
    sys.stderr.write(
        "error: aiosmtpd is not importable by %s (scripts/lib.sh ensure_python_smtp "
        "makes a venv with it; use $RSRC_TEST_PYTHON)\n" % sys.executable
    )
    sys.exit(1)


class Sink:
    def __init__(self, maildir, fail_first):
        self.maildir = maildir
        self.fail_left = fail_first
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            return "451 4.3.0 Try again later (smtp-sink --fail-first)"
        n = next(self.counter)
        name = "%d-%d.eml" % (time.time_ns(), n)
        head = ["X-Envelope-From: %s" % (envelope.mail_from or "")]
        head += ["X-Envelope-To: %s" % rcpt for rcpt in envelope.rcpt_tos]
        if getattr(session, "authenticated", False):
            user = getattr(session.auth_data, "login", b"")
            if isinstance(user, bytes):
                user = user.decode("utf-8", "replace")
            head.append("X-Auth-User: %s" % user)
        body = envelope.original_content or envelope.content or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        data = ("\r\n".join(head) + "\r\n").encode("utf-8") + body
        tmp = os.path.join(self.maildir, ".%s.tmp" % name)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.maildir, name))
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, "login", None)
        secret = getattr(auth_data, "password", None)
        if isinstance(login, bytes):
            login = login.decode("utf-8", "replace")
        if isinstance(secret, bytes):
            secret = secret.decode("utf-8", "replace")
        if login == user and secret == password:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    return authenticate


async def serve(args):
    os.makedirs(args.maildir, exist_ok=True)
    sink = Sink(args.maildir, args.fail_first)

    smtp_kwargs = {"hostname": "smtp-sink", "ident": "rsrc smtp-sink"}
    if args.auth is not None:
        user, sep, password = args.auth.partition(":")
        if not sep:
            raise SystemExit("error: --auth wants USER:PASS")
        smtp_kwargs.update(
            authenticator=make_authenticator(user, password),
            auth_required=True,
            auth_require_tls=False,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, **smtp_kwargs), host=args.host, port=args.port
    )
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    sys.stdout.write("ready\n")
    sys.stdout.flush()

    await stop.wait()
    server.close()
    try:
        # Pooled clients may keep a connection open; do not wait for them forever.
        await asyncio.wait_for(server.wait_closed(), timeout=2)
    except asyncio.TimeoutError:
        pass


def main():
    parser = argparse.ArgumentParser(description="SMTP sink for rsrc tests")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port-file")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--fail-first", type=int, default=0, metavar="N")
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # aiosmtpd warns about AUTH without TLS; that is intended here.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    try:
        asyncio.run(serve(args))
    except OSError as e:
        sys.stderr.write("error: cannot listen on %s:%d: %s\n" % (args.host, args.port, e))
        sys.exit(1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
