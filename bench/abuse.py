"""The attackers and the honest user of bench/abuse.sh (issue 19). Run as root: each attacker
is a child process that drops to a uid of its own (60000 + n) and floods the daemon as a local
user would; the honest user, from root's uid, logs in and asks for a verification code, timed.

    abuse.py SOCKET MAILDIR ATTACKERS SECONDS
"""

import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unixhttp import exchange  # noqa: E402

SOCK, MAILDIR = sys.argv[1], sys.argv[2]
ATTACKERS, SECONDS = int(sys.argv[3]), float(sys.argv[4])
PASSWORD = "honest-password-1"


def call(method, path, body=None, token=None, timeout=120.0):
    data = b"" if body is None else json.dumps(body).encode()
    head = f"{method} {path} HTTP/1.1\r\nHost: rsrcd\r\nConnection: close\r\n"
    head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    answer = exchange(SOCK, (head + "\r\n").encode() + data, timeout)
    status = int(answer.split(b" ", 2)[1])
    text = answer.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in answer else b""
    try:
        return status, json.loads(text or b"null")
    except ValueError:
        return status, None


def attacker(n):
    """Floods from uid 60000+n until the time is up: login codes for random emails (each one a
    hash), and from an account of its own password changes (a mail each) and OTP sends."""
    uid = 60000 + n
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    end = time.time() + SECONDS
    email = f"attacker{n}@example.com"
    call("POST", "/v1/signup", {"email": email, "name": "A", "password": PASSWORD})
    _, login = call("POST", "/v1/login", {"email": email, "password": PASSWORD})
    token = (login or {}).get("token")
    sent = {"codes": 0, "password": 0}
    while time.time() < end:
        for _ in range(5):
            rnd = f"x{random.getrandbits(64):x}@example.com"
            call("POST", "/v1/login/code", {"email": rnd})
            sent["codes"] += 1
        if token:
            body = {"current_password": PASSWORD, "new_password": PASSWORD}
            call("POST", "/v1/password", body, token)
            sent["password"] += 1
    os._exit(0)


def mails_to(to):
    n = 0
    for name in os.listdir(MAILDIR):
        if name.endswith(".eml"):
            with open(os.path.join(MAILDIR, name), "rb") as f:
                if f"X-Envelope-To: {to}".encode() in f.read(2000):
                    n += 1
    return n


def main():
    email = "honest@example.com"
    call("POST", "/v1/signup", {"email": email, "name": "H", "password": PASSWORD})
    pids = []
    for n in range(ATTACKERS):
        pid = os.fork()
        if pid == 0:
            attacker(n)
        pids.append(pid)
    time.sleep(min(3.0, SECONDS / 3))  # let the floods build up
    logins = []
    token = None
    for _ in range(5):
        t = time.monotonic()
        status, body = call("POST", "/v1/login", {"email": email, "password": PASSWORD})
        logins.append((time.monotonic() - t) * 1000)
        if status == 200:
            token = body["token"]
        time.sleep(0.3)
    delay = None
    if token:
        before = mails_to(email)
        t = time.monotonic()
        status, _ = call("POST", "/v1/otp/send", None, token)
        while status == 202 and time.monotonic() - t < 60:
            if mails_to(email) > before:
                delay = time.monotonic() - t
                break
            time.sleep(0.05)
    for pid in pids:
        os.waitpid(pid, 0)
    logins.sort()
    print(f"attackers: {ATTACKERS} uids, {SECONDS:.0f} s of login codes for random emails "
          f"and password-change mails")
    print(f"honest login: median {logins[len(logins) // 2]:.0f} ms, max {logins[-1]:.0f} ms "
          f"(goal < 200 ms)")
    print("verification mail delay: "
          + (f"{delay:.2f} s" if delay is not None else "not delivered within 60 s")
          + " (goal < 5 s)")


main()
