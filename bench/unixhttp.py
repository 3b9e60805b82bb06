"""One HTTP/1.1 exchange over a Unix socket, for the bench's Python probes and attackers
(answer_probe.py, logins.py): send a whole request, read until the daemon closes."""

import socket


def exchange(path: str, request: bytes, timeout: float) -> bytes:
    """Sends `request` (which should say `Connection: close`) and returns all of the answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(request)
        answer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return answer
            answer += chunk
