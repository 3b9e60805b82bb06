"""The attackers and the honest user of bench/abuse.sh (issue 19). Run as root: each attacker
is a child process that drops to a uid of its own (60000 + n) and floods the daemon as a local
user would; the honest user, from root's uid, logs in and asks for a verification code, timed.
Before the floods, root verifies each attacker's email (the code from the mail sink), so the
attackers may comment and set a phone, and makes a machine whose admin wants feedback mail.

    abuse.py SOCKET MAILDIR ATTACKERS SECONDS SMSDIR      (env: ADMIN_PASSWORD, IMAGE)
"""

import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unixhttp import exchange  # noqa: E402

SOCK, MAILDIR = sys.argv[1], sys.argv[2]
ATTACKERS, SECONDS = int(sys.argv[3]), float(sys.argv[4])
SMSDIR = sys.argv[5]
PASSWORD = "honest-password-1"
VICTIM_NUMBER = "+41790000001"
MACHINE = "bench"


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
    hash), and from its verified account password changes (a mail each), comments (a feedback
    mail each, before the digest) and phone codes to the victim's number (an SMS each)."""
    uid = 60000 + n
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    end = time.time() + SECONDS
    _, login = call("POST", "/v1/login", {"email": attacker_email(n), "password": PASSWORD})
    token = (login or {}).get("token")
    counts = {"codes": 0, "password": 0, "comments": 0, "comments_refused": 0, "phone": 0}
    while time.time() < end:
        for _ in range(5):
            rnd = f"x{random.getrandbits(64):x}@example.com"
            call("POST", "/v1/login/code", {"email": rnd})
            counts["codes"] += 1
        if token:
            body = {"current_password": PASSWORD, "new_password": PASSWORD}
            call("POST", "/v1/password", body, token)
            counts["password"] += 1
            for _ in range(5):
                status, _ = call("POST", f"/v1/machines/{MACHINE}/comments",
                                 {"text": f"flood {random.getrandbits(32):x}"}, token)
                counts["comments" if status == 201 else "comments_refused"] += 1
            call("PATCH", "/v1/profile", {"phone": VICTIM_NUMBER}, token)
            counts["phone"] += 1
    with open(f"/tmp/rsrc-bench-abuse-{os.getppid()}-{n}.json", "w") as f:
        json.dump(counts, f)
    os._exit(0)


def attacker_email(n):
    return f"attacker{n}@example.com"


def mailed_code(to, after):
    """The 6-digit code in the newest mail to `to` beyond the first `after`, within 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        mails = []
        for name in sorted(os.listdir(MAILDIR)):
            if name.endswith(".eml"):
                with open(os.path.join(MAILDIR, name), "rb") as f:
                    text = f.read()
                if f"X-Envelope-To: {to}".encode() in text[:2000]:
                    mails.append(text)
        if len(mails) > after:
            found = re.search(rb"\b(\d{6})\b", mails[-1].split(b"\r\n\r\n", 1)[-1])
            if found:
                return found.group(1).decode()
        time.sleep(0.05)
    raise SystemExit(f"no code mailed to {to} within 30 s")


def verified_account(email):
    """Signs up `email` and verifies it with the mailed code (as root, before the floods)."""
    call("POST", "/v1/signup", {"email": email, "name": "A", "password": PASSWORD})
    _, login = call("POST", "/v1/login", {"email": email, "password": PASSWORD})
    token = (login or {}).get("token")
    before = mails_to(email)
    call("POST", "/v1/otp/send", None, token)
    status, _ = call("POST", "/v1/otp/verify", {"code": mailed_code(email, before)}, token)
    if status != 200:
        raise SystemExit(f"cannot verify {email}: {status}")


def feedback_machine():
    """A machine to comment on, and an admin who wants a mail about each comment."""
    _, login = call("POST", "/v1/login", {"email": "admin@bench.local",
                                         "password": os.environ["ADMIN_PASSWORD"]})
    token = (login or {}).get("token")
    call("PATCH", "/v1/profile", {"notify_feedback": True}, token)
    spec = {"name": MACHINE, "image": os.environ.get("IMAGE", "rsrc-test-busybox:latest"),
            "ports": [{"port": 8080}], "command": ["httpd", "-f", "-p", "8080"]}
    status, body = call("POST", "/v1/machines", spec, token)
    if status != 201:
        raise SystemExit(f"cannot create the machine: {status} {body}")


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
    feedback_machine()
    for n in range(ATTACKERS):
        verified_account(attacker_email(n))
    mails_before = len([n for n in os.listdir(MAILDIR) if n.endswith(".eml")])
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
    totals = {}
    for n in range(ATTACKERS):
        path = f"/tmp/rsrc-bench-abuse-{os.getpid()}-{n}.json"
        try:
            with open(path) as f:
                for k, v in json.load(f).items():
                    totals[k] = totals.get(k, 0) + v
            os.unlink(path)
        except OSError:
            pass
    sms_to_victim = 0
    for name in os.listdir(SMSDIR) if os.path.isdir(SMSDIR) else []:
        if name.endswith(".json"):
            with open(os.path.join(SMSDIR, name)) as f:
                if VICTIM_NUMBER in f.read():
                    sms_to_victim += 1
    mails_after = len([n for n in os.listdir(MAILDIR) if n.endswith(".eml")])
    logins_in_order = list(logins)
    logins.sort()
    print(f"attackers: {ATTACKERS} uids, {SECONDS:.0f} s of login codes for random emails, "
          f"password-change mails, comments and phone codes")
    print(f"attempts: {totals.get('codes', 0)} login codes, {totals.get('password', 0)} password "
          f"changes, {totals.get('comments', 0)} comments taken and "
          f"{totals.get('comments_refused', 0)} refused, {totals.get('phone', 0)} phone codes")
    print(f"mails delivered during the floods: {mails_after - mails_before}; "
          f"SMS to the victim's number: {sms_to_victim}")
    print(f"honest login: median {logins[len(logins) // 2]:.0f} ms, max {logins[-1]:.0f} ms "
          f"(goal < 200 ms); each: {[round(x) for x in logins_in_order]}")
    print("verification mail delay: "
          + (f"{delay:.2f} s" if delay is not None else "not delivered within 60 s")
          + " (goal < 5 s)")


main()
