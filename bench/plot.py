#!/usr/bin/env python3
"""Draws bench/all's results (STEM.json from bench/report.py) as one PNG: a panel per benchmark
with the rsrc/docker ratio as a bar against Docker's 1.0, the goal as a dashed line on the same
ratio axis, and a last panel with how `instance ls` grows with the registry.

    plot.py RESULTS_JSON OUT_PNG      (matplotlib; bench/all makes a venv with it)
"""
import json
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

doc = json.load(open(sys.argv[1]))
benches = doc["benchmarks"]
cols = 5
rows = (len(benches) + 1 + cols - 1) // cols
fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.9 * rows))
axes = axes.flatten()


def short(v, unit):
    if v is None:
        return "—"
    if unit == "req/s" or v >= 100:
        return f"{v:,.0f} {unit}"
    return f"{v:.1f} {unit}" if v >= 10 else f"{v:.2f} {unit}"


for ax, b in zip(axes, benches):
    ratio = b["ratio"]
    goal = b.get("goal") or {}
    met = goal.get("met")
    colour = "#888888" if not goal else ("#2a9d4b" if met else "#d1495b")
    ax.bar(["docker", "rsrc"], [1.0, ratio or 0], color=["#4a78b5", colour], width=0.6)
    if ratio is not None:
        ax.text(1, ratio, f"{ratio:.2f}x", ha="center", va="bottom", fontsize=10, fontweight="bold")
    line = goal.get("ratio_line")
    top = max(1.0, ratio or 0, line or 0) * 1.25
    if line is not None:
        ax.axhline(line, color="#333333", linestyle="--", linewidth=1.2)
        label = f"goal {goal['op']} {goal['value']:,}" + (f" {goal['unit']}" if goal.get("unit") else "x")
        ax.text(-0.45, min(line, top) * 1.02, label, fontsize=8, va="bottom")
    ax.set_ylim(0, top)
    ax.set_ylabel("ratio to Docker" + (" (higher is better)" if b["better"] == "higher" else " (lower is better)"),
                  fontsize=8)
    ax.set_title("\n".join(textwrap.wrap(b["title"].replace("`", ""), 44)[:2]), fontsize=9)
    ax.set_xlabel(f"rsrc {short(b['rsrc'], b['unit'])} / docker {short(b['docker'], b['unit'])}", fontsize=8)

ax = axes[len(benches)]
s = doc["scaling"]
n = s["instances"]


def series(key):
    pts = [(x, y) for x, y in zip(n, s[key]) if y is not None]
    return [p[0] for p in pts], [p[1] for p in pts]


for key, label, style in (("rsrc_cli_ms", "rsrc instance ls --all-users (CLI)", "o-"),
                          ("rsrc_daemon_p50_ms", "daemon-side p50 (one connection)", "s-"),
                          ("docker_ps_ms", "docker ps -a (created containers)", "^--")):
    xs, ys = series(key)
    if xs:
        ax.plot(xs, ys, style, label=label)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("instances (containers for Docker)", fontsize=8)
ax.set_ylabel("ms (median)", fontsize=8)
ax.set_title("instance ls as the registry grows", fontsize=9)
ax.legend(fontsize=7)
for extra in axes[len(benches) + 1:]:
    extra.axis("off")

m = doc["machine"]
fig.suptitle(f"rsrc vs Docker {m['docker_version']}, {m['started']}: {m['cores']} cores, load average at start "
             f"{m['load_start']}{'  (--quick)' if doc['quick'] else ''}", fontsize=11)
fig.tight_layout(rect=(0, 0, 1, 0.95))
fig.savefig(sys.argv[2], dpi=90)
