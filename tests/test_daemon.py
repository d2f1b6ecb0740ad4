"""The daemon in-process: what it schedules, what a reload keeps and changes, and that a source
backing off is skipped on the clock. (Signals, systemd and real processes: test_cli.py.)"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from cli_env import Env, rss
from test_cli import DEAL
from test_pipeline import Clock

from watcher import config
from watcher.daemon import DB_CHECK_EVERY, DB_CHECK_QUIET, Daemon, db_check_every


async def _wait(cond: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Wait on the loop (the daemon runs on it) for a condition, with a deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def run_daemon(env: Env, job: Callable[[Daemon], Awaitable[None]], clock: Clock | None = None) -> int:
    async def go() -> int:
        d = Daemon(config.load(env.cfg), str(env.cfg), **({"clock": clock} if clock else {}))
        task = asyncio.ensure_future(d.run())
        try:
            await _wait(lambda: d._ctx is not None and d._scheduler is not None, "the daemon to start")
            await job(d)
        finally:
            d.stop.set()
        return await asyncio.wait_for(task, 15)

    return asyncio.run(go())


@pytest.mark.parametrize(("has_file", "failing", "every"), [
    (True, False, DB_CHECK_EVERY),  # SQLite: the file is looked at every few seconds
    (True, True, DB_CHECK_EVERY),
    (False, False, DB_CHECK_QUIET),  # PostgreSQL taking writes: nothing to stat, fewer wakeups
    (False, True, DB_CHECK_EVERY),  # failing: watched closely until it recovers
])
def test_database_check_cadence(has_file, failing, every):
    assert db_check_every(has_file, failing) == every


def _source_jobs(d: Daemon) -> set[str]:
    return {j.id for j in d.scheduler.get_jobs() if j.id.startswith("source:")}


def test_polls_each_enabled_source_at_start_delivers_and_stops(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL]))), ("tech", env.feed("/t.xml", rss([])))])
    env.cfg.write_text(env.cfg.read_text() + '\n[[source]]\nname = "off"\nkind = "feed"\n'
                       'url = "http://127.0.0.1:9/x"\nenabled = false\n')

    async def job(d: Daemon) -> None:
        assert _source_jobs(d) == {"source:wire", "source:tech"}  # the disabled one is not scheduled
        assert {j.id for j in d.scheduler.get_jobs()} >= {"deliver", "prune"}
        await _wait(lambda: len(env.sink.posts) == 1, "the first alert")

    assert run_daemon(env, job) == 0
    assert "Groq" in env.sink.posts[0]["title"]


def test_reload_is_one_build_that_keeps_the_shared_part(env):
    env.write([("wire", env.feed("/w.xml", rss([])))])

    async def job(d: Daemon) -> None:
        old = d.ctx
        await _wait(lambda: d.ctx.store.source_state("wire").last_success is not None, "the first poll")
        env.write([("tech", env.feed("/t.xml", rss([DEAL])))])  # wire gone, tech new
        await d.reload()
        assert d.ctx is not old and d.ctx.shared is old.shared  # store, locks, EDGAR gateway, clock kept
        assert _source_jobs(d) == {"source:tech"}
        await _wait(lambda: len(env.sink.posts) == 1, "the new source polled at once")
        env.cfg.write_text("[watcher]\nevery = 'soon'\n")  # invalid: the running config stays
        now = d.ctx
        await d.reload()
        assert d.ctx is now and _source_jobs(d) == {"source:tech"}

    assert run_daemon(env, job) == 0


def test_a_source_backing_off_is_skipped_until_its_time(env):
    env.server.route("/down.xml", 500, b"oops")
    env.write([("down", env.server.url("/down.xml"))])
    clock = Clock()

    async def job(d: Daemon) -> None:
        await d._poll_job("down")  # the poll at start, or this one
        st = d.ctx.store.source_state("down")
        assert st.failures == 1 and st.next_poll is not None and st.last_attempt == clock()
        asked = len(env.server.requests)
        await d._poll_job("down")  # before next_poll: not asked
        assert len(env.server.requests) == asked
        clock.t = st.next_poll + timedelta(seconds=1)
        await d._poll_job("down")
        assert len(env.server.requests) == asked + 1

    assert run_daemon(env, job, clock) == 0



def test_a_quiet_poll_writes_nothing_until_the_flush(env):
    """A 304 moves only the timestamps: they wait in memory for the flush (one transaction for
    every source), so the usual poll touches no database."""
    env.write([("wire", env.feed("/w.xml", rss([])))])
    clock = Clock()

    async def job(d: Daemon) -> None:
        await d._poll_job("wire")
        first = d.ctx.store.source_state("wire")
        assert first.last_success == clock() and first.etag  # the first success is written at once
        clock.t += timedelta(minutes=5)
        asked = len(env.server.requests)
        await d._poll_job("wire")
        assert len(env.server.requests) == asked + 1
        assert d.ctx.store.source_state("wire").last_success == first.last_success  # not written yet
        assert d.ctx.shared.states.get("wire").last_success == clock()  # but known
        await d._flush_job()
        assert d.ctx.store.source_state("wire").last_success == clock()

    assert run_daemon(env, job, clock) == 0


def test_an_offline_start_and_sources_in_backoff_are_said_once(env, caplog):
    import logging

    from servers import free_port

    dead = [f"http://127.0.0.1:{free_port()}/f.xml" for _ in range(2)]  # connection refused
    env.write([("a", dead[0]), ("b", dead[1])])
    caplog.set_level(logging.INFO, logger="watcher")

    async def job(d: Daemon) -> None:
        await _wait(lambda: "no source could be reached" in caplog.text, "the offline message")

    assert run_daemon(env, job) == 0
    assert caplog.text.count("no source could be reached (all 2 failed their first poll)") == 1
    caplog.clear()

    async def restart(d: Daemon) -> None:  # both now back off: a restart polls nothing, and says why
        await _wait(lambda: "backing off after earlier failures" in caplog.text, "the backoff message")

    assert run_daemon(env, restart) == 0
    assert "2 sources are backing off" in caplog.text and ("a, b" in caplog.text or "b, a" in caplog.text)


def test_once_says_when_no_source_answered(env):
    from servers import free_port

    env.write([("a", f"http://127.0.0.1:{free_port()}/x"), ("b", f"http://127.0.0.1:{free_port()}/y")])
    r = env.run("once")
    assert r.returncode == 0 and "no source could be reached (2 of 2 failed): is the network up?" in r.stderr


def test_metrics_and_health_are_served_while_the_daemon_runs(env):
    import urllib.error
    import urllib.request

    from servers import free_port

    port = free_port()
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))], extra=f'metrics = "127.0.0.1:{port}"')

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    async def job(d: Daemon) -> None:
        await _wait(lambda: len(env.sink.posts) == 1, "the alert")
        # the POST lands before the delivery is marked sent: wait for the count (the server runs in its thread)
        await _wait(lambda: 'outcome="sent"' in get("/metrics")[1], "the delivery counted")
        status, text = await asyncio.to_thread(get, "/metrics")
        assert status == 200
        assert 'watcher_polls_total{outcome="changed",source="wire"} 1.0' in text
        assert 'watcher_alerts_total{source="wire"} 1.0' in text and 'watcher_items_total{source="wire"} 1.0' in text
        assert 'watcher_deliveries_total{notifier="hook",outcome="sent"} 1.0' in text
        assert 'watcher_fetch_seconds_count{kind="feed"} 1.0' in text
        assert 'watcher_last_success_timestamp_seconds{source="wire"}' in text
        assert await asyncio.to_thread(get, "/healthz") == (200, "ok\n")
        d.ctx.shared.stopping = True  # as on SIGTERM: no longer healthy
        status, why = await asyncio.to_thread(get, "/healthz")
        assert status == 503 and "scheduler" in why
        d.ctx.shared.stopping = False

    assert run_daemon(env, job) == 0


def test_a_reload_to_a_config_without_sources_is_refused(env, caplog):
    import logging

    env.write([("wire", env.feed("/w.xml", rss([])))])
    caplog.set_level(logging.INFO, logger="watcher")

    async def job(d: Daemon) -> None:
        running = d.ctx
        env.cfg.write_text("")  # emptied (or half-written) under a running daemon
        await d.reload()
        assert d.ctx is running and _source_jobs(d) == {"source:wire"}
        assert "reload refused" in caplog.text and "enables no source" in caplog.text

    assert run_daemon(env, job) == 0


def test_a_slow_notifier_holds_up_neither_another_notifier_nor_the_polls(env):
    """A webhook that takes its time answering: the other notifier gets the alert, and sources are
    polled on schedule, while the slow one is still sending (it gets the alert when it answers)."""
    import threading

    from servers import SlowReceiver

    release = threading.Event()
    slow = SlowReceiver(lambda: release.wait(20), record_on_arrival=False)
    got = slow.got
    notifiers = (f'\n[[notifier]]\nname = "slow"\nurl = "{slow.url()}?rto=30"\n'
                 f'\n[[notifier]]\nname = "hook"\nurl = "{env.sink.url("hook")}"\n')
    env.write([("wire", env.feed("/w.xml", rss([DEAL]))), ("other", env.feed("/o.xml", rss([])))],
              notifiers=notifiers)

    second = dict(DEAL, title="Etched raises $120 million in a round led by Primary", link="https://news.example/e2")

    async def job(d: Daemon) -> None:
        await _wait(lambda: len(env.sink.posts) == 1, "the fast notifier's alert")
        assert got == []  # the slow one is still answering
        env.feed("/o.xml", rss([second]))
        # a poll that brings an alert while the slow send is in flight: it neither waits for it
        # (it used to wait for the one delivery lock) nor keeps the fast notifier from its alert
        await asyncio.wait_for(d._poll_job("other"), 5)
        await _wait(lambda: len(env.sink.posts) == 2, "the fast notifier's second alert")
        assert got == []
        release.set()
        await _wait(lambda: len(got) >= 1, "the slow notifier's alert, once it answers")

    try:
        assert run_daemon(env, job) == 0
    finally:
        release.set()
        slow.close()


def test_a_poll_in_flight_across_a_reload_keeps_its_client_until_it_ends(env):
    import threading

    from servers import held

    release = threading.Event()
    env.server.routes["/slow.xml"] = held(release, rss([]))
    env.write([("slow", env.server.url("/slow.xml"))])

    async def job(d: Daemon) -> None:
        await _wait(lambda: env.server.active == 1, "the first poll to be in flight")
        old = d.ctx
        await d.reload()
        assert d.ctx is not old and old.fetcher._clients  # replaced, but not closed under the poll
        release.set()
        await _wait(lambda: not old.fetcher._clients, "the old client closed once its poll ended")
        assert d.ctx.shared.states.get("slow").last_success is not None  # the poll itself succeeded

    try:
        assert run_daemon(env, job) == 0
    finally:
        release.set()


def test_an_alert_that_comes_while_its_notifier_is_sending_goes_right_after(env):
    """Not at the next sweep (30 s): the round in progress is followed by another at once."""
    import threading

    from servers import SlowReceiver

    release = threading.Event()
    slow = SlowReceiver(lambda: release.wait(20))
    got = slow.got
    env.write([("wire", env.feed("/w.xml", rss([DEAL]))), ("other", env.feed("/o.xml", rss([])))],
              notifiers=f'\n[[notifier]]\nname = "slow"\nurl = "{slow.url()}"\n')
    second = dict(DEAL, title="Etched raises $120 million in a round led by Primary", link="https://news.example/e2")

    async def job(d: Daemon) -> None:
        await _wait(lambda: len(got) == 1, "the first alert on the wire")
        env.feed("/o.xml", rss([second]))
        await d._poll_job("other")  # its alert finds the notifier busy
        release.set()
        await _wait(lambda: len(got) == 2, "the second alert right after the first send", timeout=10)

    try:
        assert run_daemon(env, job) == 0
    finally:
        release.set()
        slow.close()
