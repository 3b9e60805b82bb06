#!/usr/bin/env python3
"""Times the daemon's own answer to GET /v1/version over its Unix socket, every 200 ms, from one
long-lived process: what `rsrc version` measures minus the start of a new process. Appends
"PHASE MS EXIT" lines to OUT while the PHASE file exists (the phase is the file's content).

    answer_probe.py SOCKET PHASE_FILE OUT
"""
import os
import sys
import time

from unixhttp import exchange

REQUEST = b"GET /v1/version HTTP/1.1\r\nHost: rsrcd\r\nConnection: close\r\n\r\n"


def ask(path: str) -> bool:
    return exchange(path, REQUEST, 5).startswith(b"HTTP/1.1 200")


def main() -> None:
    sock, phase_file, out = sys.argv[1:4]
    with open(out, "a", buffering=1) as log:
        while os.path.exists(phase_file):
            try:
                with open(phase_file) as f:
                    phase = f.read().strip() or "none"
            except OSError:
                break
            t0 = time.monotonic()
            try:
                ok = ask(sock)
            except OSError:
                ok = False
            log.write(f"{phase} {int((time.monotonic() - t0) * 1000)} {0 if ok else 1}\n")
            time.sleep(0.2)


if __name__ == "__main__":
    main()
