"""The database, sick or gone (issue 14, part 6): each reproduction against the daemon, on
loopback, with real SQLite files and `watcher run` as a process where the behaviour is the
daemon's. Nothing sleeps to wait: every wait is a condition (or a process) with a deadline.

A full disk is played by SQLite's own limit on the file (PRAGMA max_page_count): it fails a
write with the very error a full disk gives ("database or disk is full"), without a small file
system to fill (that needs root and a loop device)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cli_env import Env, rss
from servers import wait_for
from sqlalchemy import event
from test_cli import DEAL
from test_daemon import _wait, run_daemon
from test_pipeline import Clock

from watcher import dbguard
from watcher.errors import StoreError
from watcher.store import Store

DEAL2 = dict(DEAL, title="Etched raises $120 million in a round led by Primary", link="https://news.example/e2")


class Running:
    """`watcher run` as a process, its log in a file."""

    def __init__(self, env: Env, log: str):
        self.log = env.tmp / log
        self._out = self.log.open("w")
        self.p = subprocess.Popen([sys.executable, "-m", "watcher", "--config", str(env.cfg), "run"], cwd=env.tmp,
                                  stdout=self._out, stderr=subprocess.STDOUT, text=True)

    def text(self) -> str:
        return self.log.read_text()

    def started(self) -> Running:
        wait_for(lambda: "watcher running" in self.text() or self.p.poll() is not None, 30, "the daemon to start")
        assert self.p.poll() is None, self.text()
        return self

    def close(self) -> None:
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait(10)
        self._out.close()


@pytest.fixture
def start(env: Env) -> Iterator[Callable[..., Running]]:
    procs: list[Running] = []

    def go(log: str = "daemon.log") -> Running:
        procs.append(Running(env, log))
        return procs[-1]

    try:
        yield go
    finally:
        for r in procs:
            r.close()


def watcher(env: Env, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """A command as its own process, bounded: one that hangs (or starts a daemon) fails the test."""
    return subprocess.run([sys.executable, "-m", "watcher", "--config", str(env.cfg), *args], cwd=env.tmp,
                          capture_output=True, text=True, timeout=timeout)


def damage(db: Path) -> None:
    """Garbage over the pages that root the item table and its indexes, in the middle of the file
    (page 1, the header and the schema, is left alone), after moving everything from the WAL into
    the file: interior damage, which opening the database does not notice."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        roots = [r for (r,) in conn.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'item' "
                                            "AND rootpage > 1")]
    finally:
        conn.close()
    assert busy == 0 and roots and max(roots) < pages, (busy, roots, pages)
    with db.open("r+b") as f:
        for page in roots:  # 1-based page numbers
            f.seek((page - 1) * size)
            f.write(bytes([0xA5]) * size)


def one_line(text: str, marker: str) -> str:
    lines = [ln for ln in text.splitlines() if marker in ln]
    assert len(lines) == 1, text
    return lines[0]


# --------------------------------------------------------------------------- gone under the run
def test_a_database_deleted_under_run_stops_it_with_one_line(env, start):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    d = start().started()
    wait_for(lambda: len(env.sink.posts) == 1, 30, "the first alert")
    db = env.tmp / "watcher.db"
    db.unlink()
    assert d.p.wait(20) == 3
    text = d.text()
    line = one_line(text, "while watcher was running")
    assert f"{db} was deleted" in line and "ERROR" in line
    assert "no such table" not in text and "Traceback" not in text
    assert not db.exists()  # nothing made a new, empty one in its place


def test_a_database_replaced_under_run_stops_it_with_one_line(env, start):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    d = start().started()
    wait_for(lambda: len(env.sink.posts) == 1, 30, "the first alert")
    other = env.tmp / "other.db"
    Store(f"sqlite:///{other}").close()  # a valid watcher database, but another one (a restore, say)
    db = env.tmp / "watcher.db"
    os.replace(other, db)
    assert d.p.wait(20) == 3  # not a Bus error (-7), not running on
    text = d.text()
    assert f"{db} was replaced by another file" in one_line(text, "while watcher was running")
    assert "no such table" not in text and "Traceback" not in text


def test_a_database_that_lost_its_tables_stops_run_instead_of_failing_every_poll(env, start):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    d = start().started()
    wait_for(lambda: len(env.sink.posts) == 1, 30, "the first alert")
    db = env.tmp / "watcher.db"
    conn = sqlite3.connect(db, isolation_level=None, timeout=10)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        conn.execute(f'DROP TABLE "{name}"')
    conn.close()
    env.write([("wire", env.feed("/w2.xml", rss([DEAL2])))])  # an edited source is polled at once
    d.p.send_signal(signal.SIGHUP)
    assert d.p.wait(20) == 3
    text = d.text()
    line = one_line(text, "while watcher was running")
    assert f"{db} lost its tables (no such table" in line
    assert "no such table" not in text.split(line)[1], text  # said by what found out, then not again


def test_the_store_never_uses_another_file_at_its_path(tmp_path):
    """Checked before a connection is opened or taken from the pool: no empty file created where
    the database was deleted, no connection to the file that replaced it (the shared memory
    of the old one would be truncated under its open connections: a Bus error)."""
    db = tmp_path / "w.db"
    st = Store(f"sqlite:///{db}")
    try:
        st.set_meta("mine", "1")
        db.unlink()
        with pytest.raises(dbguard.DatabaseGone, match="was deleted"):
            st.set_meta("lost", "1")
        assert not db.exists() and st.moved() == "was deleted"
        Store(f"sqlite:///{db}").close()  # another database at the path
        with pytest.raises(dbguard.DatabaseGone):
            st.get_meta("mine")
    finally:
        st.close()
    st = Store(f"sqlite:///{db}")
    try:
        other = tmp_path / "other.db"
        Store(f"sqlite:///{other}").close()
        os.replace(other, db)
        assert st.moved() == "was replaced by another file"
        with pytest.raises(dbguard.DatabaseGone, match="replaced"):
            st.get_meta("mine")
    finally:
        st.close()


# --------------------------------------------------------------------------- one run per file
def test_a_second_run_on_one_database_is_refused_naming_the_pid(env, start):
    env.write([("wire", env.feed("/w.xml", rss([])))])
    first = start().started()
    wait_for(lambda: env.server.counts["/w.xml"] >= 1, 30, "the first poll")
    asked = env.server.counts["/w.xml"]
    second = watcher(env, "run")
    assert second.returncode == 1, second.stderr
    assert f"pid {first.p.pid}" in second.stderr and str(env.tmp / "watcher.db") in second.stderr
    assert "Traceback" not in second.stderr
    assert env.server.counts["/w.xml"] == asked  # it fetched nothing

    # `once` is allowed (short transactions, deliveries claimed), and says the run is there
    once = env.run("once")
    assert once.returncode == 0 and f"`watcher run` (pid {first.p.pid})" in once.stderr, once.stderr
    assert env.server.counts["/w.xml"] == asked + 1

    first.p.kill()  # SIGKILL: the lock file stays, naming a dead process ...
    first.p.wait(10)
    assert (env.tmp / "watcher.db.lock").read_text().strip() == str(first.p.pid)
    third = start("third.log").started()  # ... and blocks nothing
    third.p.send_signal(signal.SIGTERM)
    assert third.p.wait(15) == 0
    assert "note:" not in env.run("once").stderr  # no run holds it now


def test_the_run_lock_is_released_with_its_holder(tmp_path):
    db = tmp_path / "w.db"
    lock = dbguard.RunLock.take(db)
    assert dbguard.holder(db) == os.getpid()
    with pytest.raises(dbguard.LockHeld) as held:
        dbguard.RunLock.take(db)  # another open file description: flock says no, even in one process
    assert held.value.pid == os.getpid()
    lock.release()
    assert dbguard.holder(db) is None
    dbguard.RunLock.take(db).release()


# --------------------------------------------------------------------------- status under a writer
def test_status_answers_at_once_under_another_process_write_lock(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    assert env.run("once").returncode == 0
    holder = sqlite3.connect(env.tmp / "watcher.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO meta (key, value) VALUES ('held', 'by the test')")
    try:
        import time

        began = time.monotonic()
        st = watcher(env, "status", timeout=20)
        took = time.monotonic() - began
        js = watcher(env, "status", "--json", timeout=20)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert st.returncode in (0, 1) and took < 5, (st.returncode, took, st.stderr)
    assert "wire" in st.stdout and "items stored: 1" in st.stdout, st.stdout
    assert js.returncode in (0, 1) and '"name": "wire"' in js.stdout


def test_status_creates_no_database(env):
    env.write([("wire", env.feed("/w.xml", rss([])))])
    st = env.run("status")
    assert st.returncode == 0 and "never" in st.stdout and "items stored: 0" in st.stdout, st.stdout + st.stderr
    assert not (env.tmp / "watcher.db").exists()


# --------------------------------------------------------------------------- a damaged file
def test_a_damaged_database_is_refused_at_start_with_how_to_recover(env):
    items = [dict(DEAL, title=f"Groq to acquire compiler startup Zeta{k} Labs", link=f"https://n.example/{k}",
                  summary="filler " * 200) for k in range(40)]
    env.write([("wire", env.feed("/w.xml", rss(items)))])
    assert env.run("once").returncode == 0
    db = env.tmp / "watcher.db"
    damage(db)
    for r in (watcher(env, "run"), env.run("check")):
        assert r.returncode == 2, r.stderr
        assert "watcher.database" in r.stderr and f"{db} is damaged" in r.stderr, r.stderr
        assert '".recover"' in r.stderr and "Traceback" not in r.stderr
    assert not (env.tmp / "watcher.db.lock").exists()  # refused before it took the run's lock


def test_damage_found_while_running_is_said_and_raises_the_health_message(env, start):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    d = start().started()
    wait_for(lambda: len(env.sink.posts) == 1, 30, "the first alert")
    db = env.tmp / "watcher.db"
    damage(db)
    env.write([("wire", env.feed("/w2.xml", rss([DEAL2])))])  # an edited source is polled at once
    d.p.send_signal(signal.SIGHUP)
    wait_for(lambda: any("is failing" in p.get("title", "") for p in env.sink.posts), 30, "the health message")
    health = next(p for p in env.sink.posts if "is failing" in p.get("title", ""))
    assert f"the database {db}" in health["title"] and ".recover" in health["message"], health
    line = one_line(d.text(), "is damaged")
    assert str(db) in line and '".recover"' in line and "ERROR" in line
    assert d.p.poll() is None  # what does not touch the damage (deliveries, other sources) goes on
    d.p.send_signal(signal.SIGTERM)
    d.p.wait(15)


# --------------------------------------------------------------------------- a full disk
def _cap_pages(store: Store) -> Callable[[int | None], None]:
    """Limit the database file to a number of pages, on each connection as it is taken from the
    pool (None: no limit). No connection is closed: the last one to close would checkpoint."""
    cap: dict[str, int | None] = {"pages": None}

    @event.listens_for(store.engine, "checkout")
    def _limit(dbapi_conn, _rec, _proxy) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {cap['pages'] or 2**32 - 2}")  # SQLite caps it at its maximum

    def set_cap(pages: int | None) -> None:
        cap["pages"] = pages

    return set_cap


def _pages(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


def test_the_first_write_after_a_full_disk_truncates_the_journal(tmp_path):
    db = tmp_path / "w.db"
    wal = Path(f"{db}-wal")
    st = Store(f"sqlite:///{db}")
    try:
        cap = _cap_pages(st)
        cap(_pages(db) + 700)  # room for one 2 MB value, not two
        st.set_meta("big", "x" * 2_000_000)  # the journal grows to hold it
        with pytest.raises(StoreError, match="database or disk is full"):
            st.set_meta("more", "y" * 2_000_000)
        assert st.health is not None and st.health.snapshot().kind == dbguard.FULL
        held = wal.stat().st_size
        assert held > 1_000_000  # and keeps the space while writes fail
        cap(None)  # space is back
        st.set_meta("more", "y" * 100_000)
        assert wal.stat().st_size == 0  # the first write that succeeds checkpoints and truncates it
        st.set_meta("after", "z")
        assert 0 < wal.stat().st_size < held  # once: then it is used as usual
        assert st.get_meta("more") == "y" * 100_000 and st.get_meta("big") == "x" * 2_000_000
    finally:
        st.close()


def test_a_failing_store_raises_the_health_message_a_failing_source_does(env):
    env.write([("wire", env.feed("/w.xml", rss([])))], extra='health_after = "0s"')
    clock = Clock()
    db = env.tmp / "watcher.db"

    async def job(d) -> None:
        await d._poll_job("wire")
        st = d.ctx.store
        cap = _cap_pages(st)
        cap(_pages(db))  # not one page more: storing the new items fails as on a full disk
        env.feed("/w.xml", rss([dict(DEAL, link=f"https://n.example/{k}", title=f"{DEAL['title']} {k}",
                                     summary="filler " * 300) for k in range(40)]))
        await d._poll_job("wire")  # its state, a small write, still fits: the store is failing all the same
        assert st.health.snapshot().failing
        d._db_tick(again=False)
        title = f"watcher: the database {db} is failing"
        await _wait(lambda: any(p.get("title") == title for p in env.sink.posts), "the health message")
        msg = next(p for p in env.sink.posts if p.get("title") == title)
        assert "database or disk is full" in msg["message"] and "free space" in msg["message"], msg
        cap(None)  # space is back: the next poll stores the items, and the database is well again
        st.health.settle = 0  # at once, rather than after SETTLE seconds without a failure
        clock.t += timedelta(days=1)  # past the source's backoff
        await d._poll_job("wire")
        d._db_tick(again=False)
        await _wait(lambda: any(p.get("title") == f"watcher: the database {db} recovered" for p in env.sink.posts),
                    "the recovery message")
        assert st.count_items() == 40  # the poll's items, stored after all

    assert run_daemon(env, job, clock) == 0
