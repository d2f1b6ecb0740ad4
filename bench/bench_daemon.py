#!/usr/bin/env python3
"""`watcher run` in steady state: N feeds x 30 items served on loopback (bench_poll.Server, ETags,
304 when unchanged), every source polled every --every seconds with no jitter. After the first
full round plus half an interval, measures for --seconds while every 5 s about 5% of the feeds
gain one new filler item: CPU of the daemon's process tree (/proc), polls served, CPU ms per
poll, polls per source per interval, RSS; then SIGTERM (exit code and time to stop).

    .venv/bin/python bench/bench_daemon.py [--feeds 200] [--every 10] [--seconds 60]
    .venv/bin/python bench/bench_daemon.py --feeds 2000 --every 300 --seconds 600

Targets: 2,000 sources at 5 minutes use < 10% of one core; exit code 0 on SIGTERM, within a few
seconds. Prints one JSON line."""
from __future__ import annotations

import argparse
import email.utils
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_poll  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parents[1]


class CountingServer(bench_poll.Server):
    """bench_poll.Server that logs every request (time, path) and counts the status codes."""

    def __init__(self, files: dict[str, bytes], hosts: int):
        super().__init__(files, hosts)
        self.lock = threading.Lock()
        self.requests: list[tuple[float, str]] = []
        self.status: dict[int, int] = defaultdict(int)
        handler = self.servers[0].RequestHandlerClass  # one class, shared by every host's server
        srv, send = self, handler.send_response

        def send_response(h, code, message=None):
            with srv.lock:
                srv.requests.append((time.monotonic(), h.path))
                srv.status[code] += 1
            send(h, code, message)

        handler.send_response = send_response

    def snapshot(self) -> tuple[int, dict[int, int]]:
        with self.lock:
            return len(self.requests), dict(self.status)


def cpu_ticks(pid: int) -> int:
    """utime+stime+cutime+cstime of pid (fields 14-17), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return sum(int(x) for x in fields[11:15])


def descendants(pid: int) -> list[int]:
    kids: dict[int, list[int]] = defaultdict(list)
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids[ppid].append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out += kids[p]
        todo += kids[p]
    return out


def tree_cpu(pid: int) -> float:
    """CPU seconds of pid and its live descendants (reaped ones are in its cutime/cstime)."""
    return sum(cpu_ticks(p) for p in [pid, *descendants(pid)]) / TICK


def status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def new_item(f: int, n: int, rnd: random.Random) -> bytes:
    title = " ".join(rnd.choice(bench_poll.WORDS) for _ in range(9)).capitalize() + f" new {f}-{n}"
    summary = " ".join(rnd.choice(bench_poll.WORDS) for _ in range(120))
    return (f"<item><title>{escape(title)}</title><link>https://news{f}.example.com/new/{n}</link>"
            f"<guid>n{f}-{n}</guid><pubDate>{email.utils.formatdate(time.time(), usegmt=True)}</pubDate>"
            f"<description>{escape(summary)}</description></item>").encode()


def write_config(work: Path, urls: list[str], every: float) -> Path:
    """As bench_poll.main writes it: the shipped config's head and companies, these sources."""
    cfg = work / "config.toml"
    base = (ROOT / "config.toml").read_text(encoding="utf-8")
    head, _, rest = base.partition("[[source]]")
    body = rest[rest.index("[[company]]"):] if "[[company]]" in rest else ""
    head = head.replace('database = "sqlite:///watcher.db"', f'database = "sqlite:///{work / "w.db"}"')
    head = head.replace("[watcher]\n", '[watcher]\njitter = "0s"\n', 1)
    cfg.write_text(head + "".join(f'\n[[source]]\nname = "b{f}"\nkind = "feed"\nurl = "{u}"\nevery = "{every:g}s"\n'
                                  for f, u in enumerate(urls)) + "\n" + body, encoding="utf-8")
    return cfg


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--every", type=float, default=10, help="poll interval of every source, seconds")
    ap.add_argument("--seconds", type=float, default=60, help="length of the measurement")
    ap.add_argument("--change", type=float, default=0.05, help="share of feeds that gain an item every 5 s")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (config, database, daemon log)")
    a = ap.parse_args()
    t_all = time.perf_counter()
    rnd, now = random.Random(7), time.time()
    files = {f"/f{f}.xml": bench_poll.make_feed(f, a.items, rnd, now) for f in range(a.feeds)}
    srv = CountingServer(files, a.hosts)
    work = Path(tempfile.mkdtemp(prefix="watcher-bench-daemon-"))
    urls = [f"http://127.0.0.{1 + f % a.hosts}:{srv.port}/f{f}.xml" for f in range(a.feeds)]
    cfg = write_config(work, urls, a.every)
    log = (work / "daemon.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "watcher", "--config", str(cfg), "run"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        # warm-up: every feed requested once, then half an interval
        t0 = time.monotonic()
        deadline = t0 + max(120.0, a.feeds * 0.5)
        while True:
            with srv.lock:
                seen = {p for _, p in srv.requests}
            if len(seen) >= a.feeds:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"first round incomplete: {len(seen)} of {a.feeds} feeds requested "
                                   f"(daemon exit {proc.poll()}); log: {work / 'daemon.log'}")
            time.sleep(0.2)
        first_round_s = time.monotonic() - t0
        time.sleep(a.every / 2)

        # measurement
        n0, st0 = srv.snapshot()
        cpu0, rss0 = tree_cpu(proc.pid), status_mb(proc.pid, "VmRSS")
        m0 = time.monotonic()
        added, tick = 0, m0
        samples: list[tuple[int, float]] = []  # (seconds into the measurement, RSS MB), once a minute
        next_sample = m0
        while (left := m0 + a.seconds - time.monotonic()) > 0:
            if time.monotonic() >= next_sample:
                samples.append((round(time.monotonic() - m0), round(status_mb(proc.pid, "VmRSS"), 1)))
                next_sample += 60
            if time.monotonic() >= tick:
                for f in rnd.sample(range(a.feeds), max(1, round(a.feeds * a.change))):
                    path = f"/f{f}.xml"
                    files[path] = files[path].replace(b"<title>F</title>",
                                                      b"<title>F</title>" + new_item(f, added, rnd), 1)
                    added += 1
                tick += 5
            time.sleep(min(0.5, left, max(0.0, tick - time.monotonic())))
        elapsed = time.monotonic() - m0
        cpu1, rss1 = tree_cpu(proc.pid), status_mb(proc.pid, "VmRSS")
        hwm = status_mb(proc.pid, "VmHWM")
        n1, st1 = srv.snapshot()
        with srv.lock:
            window = srv.requests[n0:n1]
            everything = list(srv.requests)

        # per-path gaps over the whole run after the first request of each path
        last: dict[str, float] = {}
        gaps: list[float] = []
        for t, p in everything:
            if p in last:
                gaps.append(t - last[p])
            last[p] = t
        mean_gap = sum(gaps) / len(gaps) if gaps else float("nan")

        # stop
        s0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        stop_s = time.monotonic() - s0
        log.close()
        with sqlite3.connect(work / "w.db") as c:
            stored = c.execute("select count(*) from item").fetchone()[0]
        text = (work / "daemon.log").read_text(encoding="utf-8", errors="replace")
        lines = text.splitlines()
        errors = [ln for ln in lines if " ERROR " in ln or " CRITICAL " in ln or ln.startswith("Traceback")]
        warnings = [ln for ln in lines if " WARNING " in ln and " ALERT " not in ln]
        alerts = sum(" ALERT " in ln for ln in lines)

        polls = len(window)
        cpu_s = cpu1 - cpu0
        fig = dict(feeds=a.feeds, every_s=a.every, seconds=round(elapsed, 1), first_round_s=round(first_round_s, 1),
                   polls=polls, polls_200=st1.get(200, 0) - st0.get(200, 0),
                   polls_304=st1.get(304, 0) - st0.get(304, 0),
                   polls_per_source_per_interval=round(a.every / mean_gap, 3),
                   cpu_s=round(cpu_s, 2), cpu_ms_per_poll=round(1000 * cpu_s / max(1, polls), 2),
                   core_share=round(cpu_s / elapsed, 4),
                   rss_start_mb=round(rss0, 1), rss_end_mb=round(rss1, 1), rss_peak_mb=round(hwm, 1),
                   rss_minutes=[mb for _, mb in samples],
                   items_added=added, items_stored=stored, items_expected_max=a.feeds * a.items + added,
                   alerts_logged=alerts, log_warnings=len(warnings), log_errors=len(errors),
                   exit_code=code, stop_s=round(stop_s, 2),
                   total_s=round(time.perf_counter() - t_all, 1))
        for ln in (errors + warnings)[:20]:
            print(ln, file=sys.stderr)
        print(json.dumps(fig))
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        srv.close()


if __name__ == "__main__":
    sys.exit(main())
