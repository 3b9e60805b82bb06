#!/usr/bin/env python3
"""Failed logins against rsrcd's socket, for bench/stress.sh and bench/memory.sh: COUNT wrong
passwords in rounds of PARALLEL at once, each for another address (five failures of one address
in 15 minutes are refused before the hash, so each of these costs the daemon a hash). One
process with a thread per request, as a password guesser would run them: forking a client
process per request would load the host by itself and blur what the daemon does. Prints how
many got no answer within 60 s.

    python3 bench/logins.py SOCKET COUNT PARALLEL
"""

import json
import sys
import threading

from unixhttp import exchange


def attempt(path: str, n: int, failures: list) -> None:
    body = json.dumps({"email": f"nobody-{n}@example.com", "password": "not-the-password"})
    request = (
        "POST /v1/login HTTP/1.1\r\nHost: rsrcd\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
    ).encode()
    try:
        if not exchange(path, request, 60).startswith(b"HTTP/1.1 "):
            failures.append(n)
    except OSError:
        failures.append(n)


def main() -> None:
    path, count, parallel = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    failures: list = []
    done = 0
    while done < count:
        batch = [
            threading.Thread(target=attempt, args=(path, done + i, failures))
            for i in range(min(parallel, count - done))
        ]
        for t in batch:
            t.start()
        for t in batch:
            t.join()
        done += len(batch)
    print(len(failures))


if __name__ == "__main__":
    main()
