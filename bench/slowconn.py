"""Holds many slow connections to rsrcd's socket, for bench/stress.sh (loopback only: a Unix
socket). Half send a request head that never ends, half a complete head whose body never
comes. Prints one line: opened, refused, closed_by_server (during the hold).

    python3 bench/slowconn.py SOCKET COUNT HOLD_SECONDS
"""

import selectors
import socket
import sys
import time


def main():
    path, count, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    sel = selectors.DefaultSelector()
    opened = refused = closed = 0
    deadline = time.monotonic() + hold
    for i in range(count):
        if time.monotonic() > deadline:
            break
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect(path)
            if i % 2:
                s.sendall(b"POST /v1/login HTTP/1.1\r\nHost: rsrcd\r\nContent-Type: application/json\r\n")
            else:
                s.sendall(b"POST /v1/login HTTP/1.1\r\nHost: rsrcd\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 1000\r\n\r\n{\"email\":")
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            opened += 1
        except OSError:
            refused += 1
            s.close()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for key, _ in sel.select(timeout=min(left, 0.5)):
            try:
                data = key.fileobj.recv(65536)
            except OSError:
                data = b""
            if not data:
                closed += 1
                sel.unregister(key.fileobj)
                key.fileobj.close()
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    print(f"opened={opened} refused={refused} closed_by_server={closed}")


if __name__ == "__main__":
    main()
