#!/usr/bin/env python3
"""Several `watcher run` on one PostgreSQL against one: the CPU a poll costs the group as a whole.
For each count in --instances, a fresh database on the server (--db, else $WATCHER_PG_URL, else
127.0.0.1:5432 as postgres), `watcher migrate`, then that many daemons on N feeds served on
loopback (bench_daemon's server and feeds, every --every seconds, no jitter). After every feed
was polled once and two intervals more (the leases shared out), measures for --seconds while
about 5% of the feeds gain a filler item every 5 s: the CPU of every daemon together, the polls
served, CPU ms per poll, polls per source per interval. Then SIGTERM; the database is dropped.

    .venv/bin/python bench/bench_group.py [--instances 1,3] [--feeds 200] [--every 10] [--seconds 60]

Target: the group's CPU per poll within 20% of one instance's. Prints one JSON line."""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_daemon  # noqa: E402
import bench_poll  # noqa: E402


def admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                           password=u.password, dbname=u.database or "postgres", autocommit=True)


def xacts(db, name: str) -> int:  # type: ignore[no-untyped-def]
    """Transactions the server has counted for the database (pg_stat_database; flushed within a second or so)."""
    row = db.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", (name,)).fetchone()
    return int(row[0]) if row else 0


def run(n: int, a: argparse.Namespace, server_url: str) -> dict:
    from sqlalchemy.engine import make_url

    rnd, now = random.Random(7), time.time()
    files = {f"/f{f}.xml": bench_poll.make_feed(f, a.items, rnd, now) for f in range(a.feeds)}
    srv = bench_daemon.CountingServer(files, a.hosts)
    work = Path(tempfile.mkdtemp(prefix="watcher-bench-group-"))
    name = f"watcher_bench_{os.getpid()}_{n}"
    db = admin(server_url)
    db.execute(f'DROP DATABASE IF EXISTS "{name}"')
    db.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    procs: list[subprocess.Popen] = []
    try:
        cfg = bench_daemon.write_config(work, [f"http://127.0.0.{1 + f % a.hosts}:{srv.port}/f{f}.xml"
                                               for f in range(a.feeds)], a.every)
        cfg.write_text(cfg.read_text().replace(f'"sqlite:///{work / "w.db"}"', json.dumps(url)))
        watcher = [sys.executable, "-m", "watcher", "--config", str(cfg)]
        subprocess.run([*watcher, "migrate"], check=True, capture_output=True, timeout=120)
        for i in range(n):
            procs.append(subprocess.Popen([*watcher, "run"], stdout=(work / f"run{i}.log").open("wb"),
                                          stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 120
        while True:
            with srv.lock:
                seen = {p for _, p in srv.requests}
            if len(seen) >= a.feeds:
                break
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"first round incomplete: {len(seen)} of {a.feeds} feeds; logs in {work}")
            time.sleep(0.2)
        time.sleep(2 * a.every)  # the leases shared out

        spy = None
        if a.profile:  # py-spy on the last instance started, in collapsed stacks: PROFILE.N
            spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw",
                                    "--rate", "400", "-d", str(int(a.seconds)), "-p", str(procs[-1].pid),
                                    "-o", f"{a.profile}.{n}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        n0, _ = srv.snapshot()
        x0 = xacts(db, name)
        each0 = [bench_daemon.tree_cpu(p.pid) for p in procs]
        m0, tick, added = time.monotonic(), time.monotonic(), 0
        while (left := m0 + a.seconds - time.monotonic()) > 0:
            if time.monotonic() >= tick:
                for f in rnd.sample(range(a.feeds), max(1, round(a.feeds * 0.05))):
                    path = f"/f{f}.xml"
                    files[path] = files[path].replace(b"<title>F</title>",
                                                      b"<title>F</title>" + bench_daemon.new_item(f, added, rnd), 1)
                    added += 1
                tick += 5
            time.sleep(min(0.5, left, max(0.0, tick - time.monotonic())))
        elapsed = time.monotonic() - m0
        each = [round(bench_daemon.tree_cpu(p.pid) - c0, 2) for p, c0 in zip(procs, each0, strict=True)]
        cpu_s = sum(each)
        n1, _ = srv.snapshot()
        polls = n1 - n0
        x1 = xacts(db, name)
        if spy is not None:
            spy.wait(timeout=60)
        for p in procs:
            p.send_signal(signal.SIGTERM)
        codes = []
        for p in procs:
            try:
                codes.append(p.wait(timeout=30))
            except subprocess.TimeoutExpired:
                p.kill()
                codes.append("killed")
        return dict(instances=n, polls=polls, seconds=round(elapsed, 1),
                    polls_per_source_per_interval=round(polls / a.feeds / (elapsed / a.every), 3),
                    cpu_s=round(cpu_s, 2), cpu_s_each=each, cpu_ms_per_poll=round(1000 * cpu_s / max(1, polls), 2),
                    core_share=round(cpu_s / elapsed, 4), exit_codes=codes,
                    xacts_per_poll=round((x1 - x0) / max(1, polls), 2))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        srv.close()
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.close()
        if a.keep:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def wakeup_cpu_us(period: float = 0.5, seconds: float = 10.0) -> float:
    """The CPU this machine charges a thread for waking from a `period` sleep that does nothing
    else (scheduler run time, /proc/thread-self/schedstat): every instance pays it for each of its
    own wakeups (timers, heartbeats, database checks), however few sources it holds. On the 2-core
    VM this was written on it is 1.6 ms at 0.5 s against under 0.1 ms at 5 ms."""
    def ran() -> int:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[0])

    start, n, end = ran(), 0, time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(period)
        n += 1
    return round((ran() - start) / 1000 / max(1, n))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", default="1,3", help="comma-separated instance counts; the first is the baseline")
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--every", type=float, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--keep", action="store_true", help="keep each run's config and daemon logs")
    ap.add_argument("--profile", default="", help="py-spy's collapsed stacks of one group instance to this file")
    ap.add_argument("--db", default=os.environ.get("WATCHER_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    a = ap.parse_args()
    runs = [run(int(n), a, a.db) for n in a.instances.split(",")]
    base = runs[0]["cpu_ms_per_poll"]
    fig = {"feeds": a.feeds, "every_s": a.every, "seconds": a.seconds, "instances": [r["instances"] for r in runs],
           "cpu_ms_per_poll": [r["cpu_ms_per_poll"] for r in runs],
           "cpu_s_each_instance": [r["cpu_s_each"] for r in runs],
           "polls_per_source_per_interval": [r["polls_per_source_per_interval"] for r in runs],
           "db_transactions_per_poll": [r["xacts_per_poll"] for r in runs],
           "exit_codes": [r["exit_codes"] for r in runs],
           "ratio_group_to_one": round(max(r["cpu_ms_per_poll"] for r in runs[1:]) / base, 2) if len(runs) > 1 else 1.0,
           "idle_wakeup_cpu_us": wakeup_cpu_us()}
    print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
