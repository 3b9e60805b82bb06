#!/usr/bin/env python3
"""Seeds a migrated rsrcd registry (SQLite) for the benchmarks, as rsrcd itself would write it.

    seed_registry.py DB TARGET_INSTANCES USERS WORK_DIR

On the first call (no machine `bench` yet): USERS verified users, a session token for each
(WORK_DIR/users.tok, one a line) and one for the admin (WORK_DIR/admin.tok; the admin must exist,
made with `rsrcd admin create`), and one machine `bench`. Every call then adds instances, spread
over the users, until there are TARGET_INSTANCES (each with two host ports and one volume).
Only for a daemon whose Docker is away: nothing here has a container.
Used by bench/registry.sh and bench/all.
"""
import hashlib, json, secrets, sqlite3, sys, time

db, target, users, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
now = int(time.time() * 1000)
far = now + 365 * 24 * 3600 * 1000
conn = sqlite3.connect(db, timeout=10)
conn.execute("PRAGMA foreign_keys = ON")

def session(user_id):
    # As accounts.rs makes them: `rsrc_` + 64 hex; only the SHA-256 hex is stored.
    token = "rsrc_" + secrets.token_hex(32)
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (hashlib.sha256(token.encode()).hexdigest(), user_id, now, far))
    return token

with conn:
    if conn.execute("SELECT COUNT(*) FROM machines WHERE name = 'bench'").fetchone()[0] == 0:
        (admin,) = conn.execute("SELECT id FROM users WHERE role = 'admin'").fetchone()
        with open(f"{work}/admin.tok", "w") as f:
            f.write(session(admin) + "\n")
        tokens = []
        for u in range(users):
            cur = conn.execute(
                "INSERT INTO users (email, name, password_hash, role, verified, created_at,"
                " updated_at) VALUES (?, ?, 'unused: sessions are seeded', 'user', 1, ?, ?)",
                (f"user{u:04d}@bench.example", f"Bench User {u}", now, now))
            tokens.append(session(cur.lastrowid))
        with open(f"{work}/users.tok", "w") as f:
            f.write("\n".join(tokens) + "\n")
        # A valid MachineSpec (shared/src/api/machines.rs), as machines.rs stores it.
        spec = {
            "name": "bench", "description": "registry benchmark",
            "image": "rsrc-test-busybox:latest",
            "ports": [{"port": 8080, "protocol": "tcp"}, {"port": 5353, "protocol": "udp"}],
            "props": [
                {"name": "GREETING", "required": False, "default": "hello", "secret": False},
                {"name": "API_KEY", "required": False, "secret": True},
            ],
            "command": ["httpd", "-f", "-p", "8080", "-h", "/www"],
            "volumes": ["/data"],
            "limits": {"memory": "64m", "cpus": 0.5},
            "max_per_user": 1000, "active": True,
            "connect": "http://{host}:{port}/", "restart": "unless-stopped",
        }
        conn.execute(
            "INSERT INTO machines (name, spec, created_at, updated_at) VALUES ('bench', ?, ?, ?)",
            (json.dumps(spec, separators=(",", ":")), now, now))
    (machine,) = conn.execute("SELECT id FROM machines WHERE name = 'bench'").fetchone()
    owners = [r[0] for r in conn.execute(
        "SELECT id FROM users WHERE role = 'user' ORDER BY id")]
    have = conn.execute("SELECT COUNT(*) FROM instances").fetchone()[0]
    env = json.dumps({"API_KEY": None, "GREETING": "hello"}, separators=(",", ":"))
    for k in range(have, target):
        iid = secrets.token_hex(8)
        name = f"bench-{k:05d}"
        owner = owners[k % len(owners)]
        at = now - (target - k) * 1000
        stopped = k % 10 == 9
        conn.execute(
            "INSERT INTO instances (id, name, owner_id, machine_id, container_name, container_id,"
            " state, desired_state, env, exit_code, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (iid, name, owner, machine, f"rsrc-{name}-{iid}", secrets.token_hex(32),
             "stopped" if stopped else "running", "stopped" if stopped else "running",
             env, 0 if stopped else None, at, at))
        conn.executemany(
            "INSERT INTO instance_ports (host_port, instance_id, container_port, protocol)"
            " VALUES (?, ?, ?, ?)",
            [(20000 + 2 * k, iid, 8080, "tcp"), (20001 + 2 * k, iid, 5353, "udp")])
        conn.execute(
            "INSERT INTO volumes (name, instance_id, instance_name, owner_id, path, created_at)"
            " VALUES (?, ?, ?, ?, '/data', ?)",
            (f"rsrc-{iid}-data", iid, name, owner, at))
