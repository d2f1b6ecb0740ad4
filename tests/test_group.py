"""Several `watcher run` processes on one real PostgreSQL, end to end: 200 loopback feeds polled
once per interval by the group as a whole, every alert delivered exactly once, and one instance
killed with SIGKILL in the middle of a delivery or of a poll, its sources taken over within two
intervals and at most the one message in flight arriving twice. Nothing sleeps to wait: every wait
is a condition with a deadline."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cli_env import WATCHLIST, rss
from servers import LoopbackServer, SlowReceiver, held, wait_for

EVERY = 10.0
FEEDS = 200


class Receiver:
    """apprise json:// on loopback (servers.SlowReceiver): each POST recorded once answered, with
    the client's port on arrival, and held for `hold` seconds before its 200, so that a kill can
    land in the middle of one."""

    def __init__(self, hold: float = 0.0) -> None:
        self.hold = hold
        self._slow = SlowReceiver(lambda: time.sleep(self.hold), record_on_arrival=False)
        self.posts, self.arrived = self._slow.got, self._slow.arrived

    def url(self) -> str:
        return self._slow.url("/group")

    def count(self, link: str) -> int:
        return sum(1 for p in list(self.posts) if link in p.get("message", ""))

    def close(self) -> None:
        self._slow.close()


def pid_of_client(port: int, pids: list[int]) -> int | None:
    """Which of `pids` holds the TCP socket whose local port is `port` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return pid
        except OSError:
            continue
    return None


class Group:
    def __init__(self, tmp: Path, pg_url: str, receiver: Receiver):
        self.tmp, self.receiver = tmp, receiver
        self.server = LoopbackServer().start()
        self.items: dict[int, list[dict]] = {}
        for n in range(FEEDS):
            self.items[n] = [{"title": f"Cooling and optics notes, part {n}", "link": f"https://g{n}.example/a"}]
            self.publish(n)
        sources = "".join(f'\n[[source]]\nname = "f{n:03d}"\nkind = "feed"\nurl = "{self.server.url(f"/f{n}.xml")}"\n'
                          for n in range(FEEDS))
        self.cfg = tmp / "config.toml"
        self.cfg.write_text(f'[watcher]\ndatabase = "{pg_url}"\nevery = "{EVERY:g}s"\njitter = "0s"\ntimeout = "5s"\n'
                            f'{sources}\n{WATCHLIST}\n[[notifier]]\nname = "hook"\nurl = "{receiver.url()}"\n')
        self.procs: list[subprocess.Popen] = []
        self.deals: list[str] = []

    def publish(self, n: int) -> None:
        body = rss(self.items[n][:5])
        self.server.route(f"/f{n}.xml", body=body, Content_Type="application/rss+xml",
                          ETag=f'"{len(self.items[n])}"')

    def deal(self, n: int, publish: bool = True) -> str:
        k = len(self.deals)
        link = f"https://g{n}.example/deal-{k}"
        self.items[n].insert(0, {"title": f"Groq raises ${100 + 10 * k} million in a new funding round", "link": link,
                                 "ts": time.time()})
        if publish:
            self.publish(n)
        self.deals.append(link)
        return link

    def watcher(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "watcher", "--config", str(self.cfg), *args]

    def start(self, n: int) -> None:
        for _ in range(n):
            log = open(self.tmp / f"run{len(self.procs)}.log", "w")
            self.procs.append(subprocess.Popen(self.watcher("run"), stdout=log, stderr=subprocess.STDOUT,
                                               cwd=self.tmp))

    def polls(self, since: float, until: float = float("inf")) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        with self.server.lock:
            for r in self.server.requests:
                if since <= r.at < until:
                    out.setdefault(r.path, []).append(r.at)
        return out

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.tmp.glob("run*.log")))

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
        self.server.stop()


@pytest.fixture
def group(tmp_path, pg_url):
    receiver = Receiver()
    g = Group(tmp_path, pg_url, receiver)
    try:
        yield g
    finally:
        g.close()
        receiver.close()


def start_shared(g: Group, instances: int) -> None:
    """Migrate, start `instances` daemons, and wait until every feed was polled and the sources
    are shared out among all of them."""
    migrated = subprocess.run(g.watcher("migrate"), capture_output=True, text=True, cwd=g.tmp, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    g.start(instances)
    wait_for(lambda: len(g.polls(0)) == FEEDS, timeout=60, what="every feed polled once")
    wait_for(lambda: "instances" in json.loads(status(g)) and
             sum(len(i["sources"]) for i in json.loads(status(g))["instances"]) == FEEDS and
             all(i["sources"] for i in json.loads(status(g))["instances"]) and
             len(json.loads(status(g))["instances"]) == instances, timeout=40, what="the sources shared out")


@pytest.mark.parametrize("instances", [2, 3])
def test_a_group_polls_each_source_once_per_interval_and_alerts_once_through_a_kill(group, instances):
    g = group
    start_shared(g, instances)

    # steady state: three intervals, each source polled once per interval by the group
    t0 = time.monotonic()
    first = [g.deal(n) for n in (3, 77, 150)]
    wait_for(lambda: time.monotonic() - t0 >= 3 * EVERY, timeout=3 * EVERY + 5, what="three intervals")
    counts = [len(ts) for ts in g.polls(t0, t0 + 3 * EVERY).values()]
    rate = sum(counts) / FEEDS / 3
    assert 0.95 <= rate <= 1.05, (rate, g.logs())
    wait_for(lambda: all(g.receiver.count(link) >= 1 for link in first), timeout=2 * EVERY, what="the first deals")

    # kill the instance that is sending, in the middle of its delivery
    g.receiver.hold = 3.0
    before = len(g.receiver.arrived)
    second = g.deal(20)
    wait_for(lambda: len(g.receiver.arrived) > before, timeout=3 * EVERY, what="a delivery under way")
    sender = pid_of_client(g.receiver.arrived[before], [p.pid for p in g.procs])
    assert sender is not None, "the POST came from none of the instances"
    victim = next(p for p in g.procs if p.pid == sender)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    t_kill = time.monotonic()
    g.receiver.hold = 0.0
    third = [g.deal(n) for n in (5, 99, 190)]

    # the survivors take its sources over within two intervals, and every deal arrives
    wait_for(lambda: all(g.receiver.count(link) >= 1 for link in [second, *third]), timeout=4 * EVERY,
             what="the deals after the kill")
    wait_for(lambda: time.monotonic() - t_kill >= 2 * EVERY + 3, timeout=2 * EVERY + 5, what="two intervals")
    seen = g.polls(t_kill)
    late = [n for n in range(FEEDS) if not seen.get(f"/f{n}.xml")]
    assert late == [], (late[:10], g.logs())
    counts_after = {link: g.receiver.count(link) for link in [*first, second, *third]}
    assert all(c >= 1 for c in counts_after.values()), counts_after
    assert sum(c - 1 for c in counts_after.values()) <= 1, counts_after  # only the message in flight, if any
    assert all(c == 1 for link, c in counts_after.items() if link != second), counts_after

    for p in g.procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    assert [p.wait(30) for p in g.procs if p is not victim] == [0] * (instances - 1), g.logs()


def status(g: Group) -> str:
    r = subprocess.run(g.watcher("status", "--json"), capture_output=True, text=True, cwd=g.tmp, timeout=60)
    return r.stdout or "{}"


def test_an_instance_killed_mid_poll_loses_nothing_and_its_sources_are_taken_over(group):
    """SIGKILL while a poll is under way (its feed held open mid-request): the feed's new deal,
    which the killed poll never read, comes from the survivor that takes the source over, within
    two intervals, exactly once; no other source goes unpolled for longer, and nothing arrives twice
    (no message was in flight)."""
    g = group
    start_shared(g, 3)

    # the next poll of feed 42 is held open until its poller is dead
    n = 42
    link = g.deal(n, publish=False)
    release, arrived = threading.Event(), []
    g.server.routes[f"/f{n}.xml"] = held(release, timeout=4 * EVERY, arrived=arrived)
    wait_for(lambda: arrived, timeout=2 * EVERY + 5, what="the held poll under way")
    poller = pid_of_client(arrived[0], [p.pid for p in g.procs])
    assert poller is not None, "the poll came from none of the instances"
    victim = next(p for p in g.procs if p.pid == poller)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    t_kill = time.monotonic()
    g.publish(n)  # the feed answers again (its deal in it) for whoever polls it next
    release.set()
    others = [g.deal(m) for m in (7, 120, 199) if m != n]

    wait_for(lambda: g.receiver.count(link) >= 1 and all(g.receiver.count(x) >= 1 for x in others),
             timeout=3 * EVERY, what="the held feed's deal and the later deals")
    wait_for(lambda: time.monotonic() - t_kill >= 2 * EVERY + 3, timeout=2 * EVERY + 5, what="two intervals")
    seen = g.polls(t_kill)
    late = [m for m in range(FEEDS) if not seen.get(f"/f{m}.xml")]
    assert late == [], (late[:10], g.logs())
    assert min(seen[f"/f{n}.xml"]) - t_kill <= 2 * EVERY, (seen[f"/f{n}.xml"], t_kill)
    counts = {x: g.receiver.count(x) for x in [link, *others]}
    assert all(c == 1 for c in counts.values()), counts
    assert len(g.receiver.posts) == len(counts), [p.get("title") for p in g.receiver.posts]

    for p in g.procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    assert [p.wait(30) for p in g.procs if p is not victim] == [0, 0], g.logs()
