#!/usr/bin/env python3
"""Turns the raw wrk outputs of one bench run into a compact table.

Usage: summarise.py OUT_DIR
Reads OUT_DIR/<backend>-<scenario>.txt (wrk --latency output) for the backends
sqlite and postgres and the scenarios ping, me, me-nocache, districts and login, prints a Markdown
table and writes it to OUT_DIR/summary.md as well.
"""

import re
import sys
from pathlib import Path

BACKENDS = [("sqlite", "SQLite"), ("postgres", "PostgreSQL")]
SCENARIOS = [
    ("ping", "GET /api/v1/ping (bare)"),
    ("me", "GET /api/v1/me (session cookie)"),
    ("me-nocache", "GET /api/v1/me, session cache off"),
    ("districts", "GET /api/v1/public/districts (reference)"),
    ("login", "POST /api/v1/auth/login"),
]
TARGET = 0.30
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(f"unknown latency {text!r}")
    return float(m.group(1)) * UNITS_MS[m.group(2)]


def parse(path: Path) -> dict:
    text = path.read_text()
    r = {}
    m = re.search(r"(\d+) threads and (\d+) connections", text)
    r["threads"], r["conns"] = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    r["rps"] = float(m.group(1)) if m else None
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", text, re.M)
        r[f"p{pct}"] = to_ms(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in ([\d.]+\w+)", text)
    r["requests"] = int(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        errors += sum(int(g) for g in m.groups())
    r["errors"] = errors
    return r


def fmt_ms(v) -> str:
    if v is None:
        return "–"
    return f"{v:.2f} ms" if v < 100 else f"{v:.0f} ms"


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/latest")
    lines = [
        "| database | scenario | conns | req/s | p50 | p99 | / ping | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for key, name in BACKENDS:
        results = {s: parse(out / f"{key}-{s}.txt") for s, _ in SCENARIOS if (out / f"{key}-{s}.txt").exists()}
        if not results:
            continue
        ping = results.get("ping", {}).get("rps")
        for s, label in SCENARIOS:
            r = results.get(s)
            if r is None:
                continue
            ratio = "–"
            if ping and r["rps"] is not None and s != "ping":
                share = r["rps"] / ping
                ratio = f"{share:.0%}" if share >= 0.01 else f"{share:.2%}"
            rps = f"{r['rps']:,.0f}" if r["rps"] is not None and r["rps"] >= 100 else f"{r['rps']:.1f}"
            lines.append(
                f"| {name} | {label} | {r['conns']} | {rps} | {fmt_ms(r['p50'])} | {fmt_ms(r['p99'])} "
                f"| {ratio} | {r['errors']} |"
            )
        for s, what in (("me", "GET /me"), ("me-nocache", "GET /me with the session cache off")):
            me = results.get(s, {}).get("rps")
            if ping and me:
                ratio = me / ping
                met = "met" if ratio >= TARGET else "NOT met"
                verdicts.append(f"{name}: {what} at {ratio:.0%} of ping (target ≥ {TARGET:.0%}): {met}")
        for s, r in results.items():
            if r["errors"]:
                verdicts.append(f"{name}: {s} had {r['errors']} non-2xx responses or socket errors")
    text = "\n".join(lines + [""] + verdicts) + "\n"
    for f in sorted(out.glob("*-load.txt")):
        text += f"\nload ({f.stem.removesuffix('-load')}):\n" + f.read_text()
    print(text, end="")
    (out / "summary.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
