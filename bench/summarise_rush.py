#!/usr/bin/env python3
"""Turns the raw outputs of one `bench/rush.sh` run into compact tables.

Usage: summarise_rush.py OUT_DIR
Reads OUT_DIR/<backend>-reads-<size>-<scenario>.txt (wrk --latency output) and
OUT_DIR/<backend>-rush-<clients>.json (kc-loadgen rush reports), prints Markdown tables with
the verdicts against the targets of issue 3, and writes them to OUT_DIR/summary-rush.md.
"""

import json
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, str(Path(__file__).resolve().parent))
from summarise import fmt_ms, parse  # noqa: E402

BACKENDS = [("sqlite", "SQLite"), ("postgres", "PostgreSQL")]
READS = [
    ("ping", "GET /api/v1/ping (bare)"),
    ("application", "GET /api/v1/applications/{id} (own)"),
    ("bureau-list", "GET /api/v1/admin/applications (200 rows)"),
]
SIZES = [("small", "10 orgs"), ("large", "10,000 orgs")]
READ_TARGETS = {"application": 12_000, "bureau-list": 3_000}  # req/s on SQLite
RUSH_TARGETS = {"sqlite": 2_000, "postgres": 1_000}  # acknowledged submits/s
P99_TARGET_MS = 100.0  # at 1,000 clients


def rps(v) -> str:
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/latest")
    lines = [
        "### Reads (wrk, 64 connections)",
        "",
        "| database | data | scenario | req/s | p50 | p99 | / ping | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for key, name in BACKENDS:
        by_size = {}
        for size, size_label in SIZES:
            results = {}
            for s, _ in READS:
                f = out / f"{key}-reads-{size}-{s}.txt"
                if f.exists():
                    results[s] = parse(f)
            if not results:
                continue
            by_size[size] = results
            rows_file = out / f"{key}-reads-{size}-list-rows.txt"
            rows = rows_file.read_text().strip() if rows_file.exists() else "?"
            ping = results.get("ping", {}).get("rps")
            for s, label in READS:
                r = results.get(s)
                if r is None:
                    continue
                ratio = f"{r['rps'] / ping:.0%}" if ping and r["rps"] and s != "ping" else "–"
                if s == "bureau-list":
                    label = label.replace("200 rows", f"{rows} rows")
                lines.append(
                    f"| {name} | {size_label} | {label} | {rps(r['rps'])} | {fmt_ms(r['p50'])} | "
                    f"{fmt_ms(r['p99'])} | {ratio} | {r['errors']} |"
                )
        for s, target in READ_TARGETS.items():
            small = by_size.get("small", {}).get(s, {}).get("rps")
            large = by_size.get("large", {}).get(s, {}).get("rps")
            if small is None and large is None:
                continue
            worst = min(v for v in (small, large) if v is not None)
            if key == "sqlite":
                met = "met" if worst >= target else "NOT met"
                verdicts.append(f"{name}: {s} {rps(small)} / {rps(large)} req/s (small / large), target ≥ {target:,}: {met}")
            if small and large:
                diff = abs(small - large) / max(small, large)
                met = "met" if diff <= 0.20 else "NOT met"
                verdicts.append(f"{name}: {s} small vs large differ by {diff:.0%} (target ≤ 20 %): {met}")

    lines += [
        "",
        "### Deadline rush (kc-loadgen: save draft, save again, submit)",
        "",
        "| database | clients | ping req/s | ping p50 / p99 | submits | seconds | submits/s | submit p50 | submit p99 "
        "| draft p50 / p99 | errors | missing |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, name in BACKENDS:
        reports = [f for f in out.glob(f"{key}-rush-*.json") if re.fullmatch(rf"{key}-rush-\d+", f.stem)]
        for f in sorted(reports, key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            r = json.loads(f.read_text())
            p, u, c = r["ping"], r["rush"], r["count_check"]
            errors = u["error_count"] + sum(p["errors"].values())
            stopped = " (time limit)" if u.get("stopped_by_time_limit") else ""
            lines.append(
                f"| {name} | {u['clients']} | {rps(p['requests_per_s'])} | "
                f"{fmt_ms(p['latency']['p50_ms'])} / {fmt_ms(p['latency']['p99_ms'])} | "
                f"{u['acknowledged']} of {u['applications_planned']}{stopped} | {u['seconds']:.1f} | "
                f"**{rps(u['submits_per_s'])}** | {fmt_ms(u['submit']['p50_ms'])} | {fmt_ms(u['submit']['p99_ms'])} | "
                f"{fmt_ms(u['draft_second']['p50_ms'])} / {fmt_ms(u['draft_second']['p99_ms'])} | {errors} | {c['missing']} |"
            )
            target = RUSH_TARGETS[key]
            met = "met" if u["submits_per_s"] >= target else "NOT met"
            verdicts.append(
                f"{name}, {u['clients']} clients: {rps(u['submits_per_s'])} submits/s (target ≥ {target:,}): {met}"
            )
            if u["clients"] >= 1000:
                met = "met" if u["submit"]["p99_ms"] < P99_TARGET_MS else "NOT met"
                verdicts.append(f"{name}, {u['clients']} clients: submit p99 {fmt_ms(u['submit']['p99_ms'])} (target < 100 ms): {met}")
            if errors or c["missing"]:
                detail = ", ".join(f"{n} × {k}" for k, n in {**p["errors"], **u["errors"]}.items())
                verdicts.append(f"{name}, {u['clients']} clients: {errors} errors ({detail}), {c['missing']} missing")
            else:
                verdicts.append(f"{name}, {u['clients']} clients: zero errors, count check: none missing")

    text = "\n".join(lines + [""] + ["- " + v for v in verdicts]) + "\n"
    for f in sorted(out.glob("*-load.txt")):
        if "-reads-" in f.name or "-rush-" in f.name:
            text += f"\nload ({f.stem.removesuffix('-load')}):\n" + f.read_text()
    print(text, end="")
    (out / "summary-rush.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
