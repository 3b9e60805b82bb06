#!/usr/bin/env python3
"""A real HTTP server standing in for an SMS gateway, for tests (standard library only).

    sms-sink.py --port PORT --dir DIR [--host 127.0.0.1] [--port-file FILE] [--status CODE]
                [--tls-cert CERT.pem --tls-key KEY.pem] [--delay SECS]

Every POST becomes one file DIR/<epoch_ns>-<n>.json: {"path", "headers" (names in lower case,
Authorization and Idempotency-Key included), "body"} with the body as received (text: JSON or
a form). It is written under a temporary name starting with "." and renamed, so a reader that
looks only at names ending in ".json" never sees half a request. DIR is created if missing.
The answer is CODE (default 200) with an empty JSON object.

With --tls-cert and --tls-key the sink speaks https (Python's ssl module) with that certificate
chain and key. With --delay the answer comes SECS seconds after the request was recorded: a
gateway slower than the client's timeout, which got the message but never answered in time.

Once the server listens, the sink prints "ready" on stdout (flushed). With --port 0 the system
picks a free port; --port-file FILE then receives the port number (written before "ready").
Runs until SIGTERM or SIGINT, then exits with status 0.
"""

import argparse
import http.server
import itertools
import json
import os
import signal
import ssl
import sys
import threading
import time

COUNTER = itertools.count()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file")
    p.add_argument("--status", type=int, default=200)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--delay", type=float, default=0.0)
    args = p.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    os.makedirs(args.dir, exist_ok=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            name = "%d-%d.json" % (time.time_ns(), next(COUNTER))
            tmp = os.path.join(args.dir, "." + name + ".part")
            with open(tmp, "w") as f:
                json.dump(record, f)
            os.rename(tmp, os.path.join(args.dir, name))
            if args.delay > 0:
                time.sleep(args.delay)
            answer = b"{}"
            try:
                self.send_response(args.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:
                # The client gave up waiting (--delay): nothing to answer to.
                self.close_connection = True

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    # A handler still sleeping (--delay) must not hold up the exit.
    server.daemon_threads = True
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake happens in the handler's thread, on its first read, so that a client
        # that refuses the certificate fails only its own connection.
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    # A refused handshake or a client that gave up is not the sink's error: no traceback.
    server.handle_error = lambda *_: None
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write(str(server.server_address[1]))
    stop = threading.Event()

    def on_signal(*_):
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print("ready", flush=True)
    server.serve_forever()
    server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
