#!/usr/bin/env python3
"""Turns bench/all's raw figures (KEY<TAB>VALUE lines) into STEM.json and STEM.md.

    report.py RAW_TSV STEM

Every benchmark is a ratio rsrc / docker of figures measured in the same run. A goal is either
on the ratio itself (CLI round trip, create overhead, log read) or an absolute figure for rsrc
(memory, throughput, p99); the latter is also given as the ratio it means against this run's
Docker figure, so that the plot can draw every goal on the same ratio axis.
"""
import json
import sys

raw_path, stem = sys.argv[1], sys.argv[2]
raw = {}
with open(raw_path) as f:
    for line in f:
        key, _, value = line.rstrip("\n").partition("\t")
        raw[key] = value


def num(key):
    v = raw.get(key)
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def mib(key):
    v = num(key)
    return None if v is None else round(v / 1024, 1)


# id, title, unit, rsrc, docker, runs, better, goal kind ("ratio" | "abs"), op, goal value
SPECS = [
    ("cli_ls", "CLI round trip: `rsrc instance ls` vs `docker ps`, 20 instances", "ms",
     num("cli_ls_rsrc_ms"), num("cli_ls_docker_ms"), raw.get("cli_ls_runs"), "lower", "ratio", "<=", 0.5),
    ("create", "create --wait + rm vs `docker run -d -p` + `docker rm -f`", "ms",
     num("create_rsrc_ms"), num("create_docker_ms"), raw.get("create_runs"), "lower", "ratio", "<=", 1.10),
    ("logs_read", "`rsrc logs` vs `docker logs`, 200,000 lines", "ms",
     num("logs_read_rsrc_ms"), num("logs_read_docker_ms"), raw.get("logs_read_runs"), "lower", "ratio", "<=", 1.10),
    ("follow_p50", "follow latency p50, `logs -f`", "ms",
     num("follow_p50_rsrc_ms"), num("follow_p50_docker_ms"), raw.get("follow_lines"), "lower", None, None, None),
    ("follow_p99", "follow latency p99, `logs -f`", "ms",
     num("follow_p99_rsrc_ms"), num("follow_p99_docker_ms"), raw.get("follow_lines"), "lower", "abs", "<", 50),
    ("mem_idle", "daemon RSS idle: rsrcd vs dockerd", "MiB",
     mib("mem_idle_rsrc_kib"), mib("mem_idle_docker_kib"), "5", "lower", "abs", "<", 20),
    ("mem_500", "daemon RSS, 500 instances in the registry", "MiB",
     mib("mem_500_rsrc_kib"), mib("mem_500_docker_kib"), "5", "lower", "abs", "<", 40),
    ("tp1_rps", "API throughput, one oha with 32 connections: a user's own `instance ls` (10 of 1,000) vs `GET /containers/json?limit=10`",
     "req/s", num("tp1_rsrc_rps"), num("tp1_docker_rps"), raw.get("tp_runs"), "higher", "abs", ">=", 5000),
    ("tp1_p99", "API p99 latency, one oha with 32 connections (exact)", "ms",
     num("tp1_p99_rsrc_ms"), num("tp1_p99_docker_ms"), raw.get("tp_runs"), "lower", "abs", "<", 20),
    ("tp_rps", "API throughput, 32 oha processes, each a different user: own `instance ls` (10 of 1,000) vs `GET /containers/json?limit=10`",
     "req/s", num("tp_rsrc_rps"), num("tp_docker_rps"), raw.get("tp_runs"), "higher", "abs", ">=", 5000),
    ("tp_p99", "API p99 latency, 32 oha processes (the highest client's p99: an upper bound)", "ms",
     num("tp_p99_rsrc_ms"), num("tp_p99_docker_ms"), raw.get("tp_runs"), "lower", "abs", "<", 20),
]


def check(a, op, b):
    return {"<=": a <= b, "<": a < b, ">=": a >= b}[op]


benchmarks = []
for bid, title, unit, r, d, runs, better, kind, op, goal in SPECS:
    ratio = round(r / d, 3) if r is not None and d else None
    entry = {"id": bid, "title": title, "unit": unit, "rsrc": r, "docker": d, "ratio": ratio,
             "runs": int(runs) if runs and runs.isdigit() else None, "better": better}
    if kind == "ratio":
        entry["goal"] = {"on": "ratio", "op": op, "value": goal, "ratio_line": goal,
                         "met": None if ratio is None else check(ratio, op, goal)}
    elif kind == "abs":
        entry["goal"] = {"on": "rsrc", "op": op, "value": goal, "unit": unit,
                         "ratio_line": round(goal / d, 3) if d else None,
                         "met": None if r is None else check(r, op, goal)}
    benchmarks.append(entry)

sizes = [10, 100, 500, 1000]
scaling = {
    "instances": sizes,
    "rsrc_cli_ms": [num(f"scale_{n}_rsrc_ms") for n in sizes],
    "rsrc_daemon_p50_ms": [num(f"scale_{n}_daemon_ms") for n in sizes],
    "rsrc_daemon_cpu_ms": [num(f"scale_{n}_daemon_cpu_ms") for n in sizes],
    "docker_ps_ms": [num(f"scale_{n}_docker_ms") for n in sizes],
    "runs": int(raw.get("scale_10_runs") or 0),
}
extra = {
    "list_load_rps": num("tp_list_load_rps"), "list_load_p99_ms": num("tp_list_load_p99_ms"),
    "tp_errors_rsrc": num("tp_errors_rsrc"), "tp_errors_docker": num("tp_errors_docker"),
    "mem_1000_rsrc_mib": mib("mem_1000_rsrc_kib"),
}
machine = {k: raw.get(k) for k in
           ("cores", "cpu", "docker_version", "load_start", "load_end", "rsrc_commit", "started", "finished")}
doc = {"machine": machine, "quick": raw.get("quick") == "1", "benchmarks": benchmarks,
       "scaling": scaling, "extra": extra}
with open(stem + ".json", "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")


def fmt(v, unit=""):
    if v is None:
        return "—"
    if unit == "req/s" or abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"


out = [f"# rsrc against Docker, {machine['started']}{' (--quick: a smoke check)' if doc['quick'] else ''}", "",
       f"`bench/all` on {machine['cores']} cores ({machine['cpu']}), Docker {machine['docker_version']}, "
       f"rsrc {machine['rsrc_commit']}; load average at start {machine['load_start']}, at the end "
       f"{machine['load_end']} (the host is shared: every figure is paired with Docker's in the same run).", "",
       "| benchmark | rsrc | docker | ratio rsrc/docker | goal | met | runs |",
       "|---|---|---|---|---|---|---|"]
for b in benchmarks:
    g = b.get("goal")
    if g is None or g["met"] is None:
        goal, met = ("—", "—") if g is None else (f"{g['op']} {g['value']:,}", "not measured")
    elif g["on"] == "ratio":
        goal, met = f"ratio {g['op']} {g['value']}", "yes" if g["met"] else "**no**"
    else:
        goal = f"rsrc {g['op']} {g['value']:,} {g['unit']}"
        met = "yes" if g["met"] else "**no**"
    out.append(f"| {b['title']} ({b['unit']}) | {fmt(b['rsrc'], b['unit'])} | {fmt(b['docker'], b['unit'])} "
               f"| {fmt(b['ratio'])} | {goal} | {met} | {b['runs'] or '—'} |")
out += ["", f"Scaling (admin `instance ls --all-users`; medians of {scaling['runs']} CLI runs, daemon-side over 200 "
        "requests on one connection; Docker: `docker ps -a` of as many created containers):", "",
        "| instances | rsrc CLI (ms) | daemon-side p50 (ms) | daemon CPU per listing (ms) | docker ps -a (ms) |",
        "|---|---|---|---|---|"]
for i, n in enumerate(sizes):
    out.append(f"| {n:,} | {fmt(scaling['rsrc_cli_ms'][i])} | {fmt(scaling['rsrc_daemon_p50_ms'][i])} "
               f"| {fmt(scaling['rsrc_daemon_cpu_ms'][i])} | {fmt(scaling['docker_ps_ms'][i])} |")
out += ["", f"Cross-check of the throughput with bench's own load generator (one process, 32 connections): "
        f"{fmt(extra['list_load_rps'], 'req/s')} req/s, p99 {fmt(extra['list_load_p99_ms'])} ms. "
        f"Failed requests under oha: rsrc {fmt(extra['tp_errors_rsrc'], 'req/s')}, Docker "
        f"{fmt(extra['tp_errors_docker'], 'req/s')}. rsrcd RSS with 1,000 instances: {fmt(extra['mem_1000_rsrc_mib'])} MiB.",
        "", "How: medians of interleaved runs (the order alternates). CLI figures with hyperfine (`-N`, a warm-up "
        "run per batch); throughput with oha over the Unix socket, one process per client (`-c 1`, each its own "
        "user's token), req/s summed and the highest client p99 (an upper bound of the p99 of all requests). "
        "Memory and throughput, and the scaling, use a second rsrcd with Docker away and rows seeded into its "
        "registry (as bench/registry.sh); the other figures a rsrcd on the real engine.", ""]
with open(stem + ".md", "w") as f:
    f.write("\n".join(out))
