#!/usr/bin/env python3
"""Run the benchmarks and rewrite the table in README.md from what they print.

    .venv/bin/python bench/report.py [--only poll,daemon,matcher,store,daemon-2000]

Each benchmark runs as a subprocess with this interpreter (by default all but daemon-2000, the
13-minute check of 2,000 sources at 5 minutes); its last JSON line is stored in bench/results.json
with the date, machine, CPU count and Python version of the run, and the table between
`<!-- bench:begin -->` and `<!-- bench:end -->` in the README's "## Benchmark" section is rebuilt
from that file. --only reruns some benchmarks and keeps the stored results of the others.
Prints one JSON line (what ran, seconds each)."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = ROOT / "README.md"
RESULTS = HERE / "results.json"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

# name -> (script, arguments); the order of the table
BENCHES: dict[str, tuple[str, list[str]]] = {
    "poll": ("bench_poll.py", []),
    "daemon": ("bench_daemon.py", ["--seconds", "60"]),
    "matcher": ("bench_matcher.py", []),
    "store": ("bench_store.py", []),
    # opt-in (13 minutes): --only daemon-2000
    "daemon-2000": ("bench_daemon.py", ["--feeds", "2000", "--every", "300", "--seconds", "600"]),
    # opt-in (31 minutes): --only daemon-soak; RSS once a minute while items keep arriving
    "daemon-soak": ("bench_daemon.py", ["--seconds", "1800"]),
    # opt-in (4 minutes, needs PostgreSQL): --only group; one instance, then three on one database
    "group": ("bench_group.py", ["--instances", "1,3", "--seconds", "60"]),
}
DEFAULT = ["poll", "daemon", "matcher", "store"]
# targets as the benchmarks' docstrings state them (text; the values all come from results.json)
TARGETS: dict[tuple[str, str], str] = {
    ("poll", "ratio_first_to_floor"): "<= 1.5",
    ("poll", "ratio_unchanged_to_first"): "<= 0.35",
    ("poll", "bytes_unchanged_to_first"): "<= 0.05",
    ("poll", "peak_rss_mb"): "< 400",
    ("poll", "exit_codes"): "[0, 0]",
    ("daemon", "polls_per_source_per_interval"): "1",
    ("daemon", "core_share"): "< 0.10 at 2,000 sources every 5 min",
    ("daemon-2000", "polls_per_source_per_interval"): "1",
    ("daemon-2000", "core_share"): "< 0.10",
    ("daemon-2000", "log_errors"): "0",
    ("daemon-2000", "exit_code"): "0",
    ("daemon-2000", "stop_s"): "a few seconds",
    ("daemon", "log_errors"): "0",
    ("daemon", "exit_code"): "0",
    ("daemon", "stop_s"): "a few seconds",
    ("matcher", "items_per_s"): ">= 50,000 at 5,000 aliases",
    ("daemon-soak", "rss_minutes"): "flat within 5 MB over 30 minutes",
    ("daemon-soak", "exit_code"): "0",
    ("store", "total_s"): "< 600",
    ("group", "ratio_group_to_one"): "<= 1.2 (within 20% of one instance)",
    ("group", "polls_per_source_per_interval"): "1 each",
}


def last_json(stdout: str) -> dict | None:
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def record(name: str, fig: dict, took: float, exit_code: int) -> dict:
    script, args = BENCHES[name]
    return dict(figures=fig, order=list(fig), command=" ".join(["bench/" + script, *args]), exit=exit_code,
                seconds=round(took, 1), date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                machine=platform.machine(), cpus=os.cpu_count(), python=platform.python_version())


def run(name: str) -> dict:
    script, args = BENCHES[name]
    cmd = [sys.executable, str(HERE / script), *args]
    print(f"running {name}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - t
    fig = last_json(r.stdout)
    if fig is None:
        raise RuntimeError(f"{name}: no JSON line (exit {r.returncode})\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
    print(f"  {json.dumps(fig)}  ({took:.0f} s, exit {r.returncode})", file=sys.stderr, flush=True)
    return record(name, fig, took, r.returncode)


def value(v: object) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,}" if abs(v) >= 10000 else repr(v)


def table(results: dict[str, dict]) -> str:
    out = []
    runs: dict[tuple, list[str]] = {}
    for name in [n for n in BENCHES if n in results] + [n for n in results if n not in BENCHES]:
        r = results[name]
        runs.setdefault((r["machine"], r["cpus"], r["python"]), []).append(f"{name} {r['date']}")
    for (machine, cpus, python), which in runs.items():
        out.append(f"Measured on {machine}, {cpus} CPUs, Python {python}: {'; '.join(which)}.")
    out += ["", "| benchmark | figure | value | target |", "|---|---|---:|---|"]
    for name in [n for n in BENCHES if n in results] + [n for n in results if n not in BENCHES]:
        r = results[name]
        bench = f"{name} (`{r['command']}`)"
        for key in r.get("order") or sorted(r["figures"]):
            out.append(f"| {bench} | {key} | {value(r['figures'][key])} | {TARGETS.get((name, key), '')} |")
            bench = ""
    return "\n".join(out)


def rewrite_readme(block: str) -> None:
    text = README.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + BEGIN + "\n" + block + "\n" + END + tail
    else:
        at = text.index("## Benchmark")
        nxt = text.find("\n## ", at + 1)
        end = len(text.rstrip("\n")) if nxt < 0 else nxt
        text = text[:end].rstrip("\n") + "\n\n" + BEGIN + "\n" + block + "\n" + END + "\n" + text[end:].lstrip("\n")
        if nxt >= 0:
            text = text.replace(END + "\n## ", END + "\n\n## ", 1)
    README.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma-separated: " + ",".join(BENCHES))
    ap.add_argument("--table-only", action="store_true", help="rebuild the README table from results.json only")
    ap.add_argument("--from-output", nargs=2, metavar=("NAME", "FILE"),
                    help="take NAME's figures from the saved output of a run of its command (its last JSON line), "
                         "e.g. a soak run by hand in the background")
    a = ap.parse_args()
    names = [n.strip() for n in a.only.split(",") if n.strip()] or DEFAULT
    for n in names:
        if n not in BENCHES:
            ap.error(f"unknown benchmark {n!r} (known: {', '.join(BENCHES)})")
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    if a.from_output:
        name, path = a.from_output
        fig = last_json(Path(path).read_text(encoding="utf-8"))
        if name not in BENCHES or fig is None:
            ap.error(f"{name!r} is no benchmark, or {path} holds no JSON line")
        results[name] = record(name, fig, float(fig.get("total_s", 0)), 0 if fig.get("exit_code", 0) == 0 else 1)
        RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        a.table_only = True
    ran: dict[str, float] = {}
    failed: dict[str, str] = {}
    if not a.table_only:
        for n in names:
            try:
                results[n] = run(n)
            except (RuntimeError, OSError) as e:
                failed[n] = str(e)
                print(e, file=sys.stderr)
                continue
            ran[n] = results[n]["seconds"]
            RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    rewrite_readme(table(results))
    print(json.dumps(dict(ran=ran, failed=sorted(failed), results=str(RESULTS.relative_to(ROOT)))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
