"""The pipeline in-process, on a clock the test turns: a loopback feed, a real SQLite file and a
json:// webhook receiver. Time passes by turning the clock, never by sleeping or by rewriting
rows: backoff, health messages after `health_after`, delivery retry and delivery expiry."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from cli_env import Env, rss
from test_cli import DEAL

from watcher import config
from watcher.errors import StoreError
from watcher.pipeline import Context, deliver, poll_all, poll_source, run_once

T = TypeVar("T")
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, t: datetime = START) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t

    def turn(self, **kw: float) -> None:
        self.t += timedelta(**kw)


def with_ctx(env: Env, clock: Clock, job: Callable[[Context], Awaitable[T]]) -> T:
    async def go() -> T:
        ctx = Context.build(config.load(env.cfg), clock=clock)
        try:
            return await job(ctx)
        finally:
            await ctx.aclose()
            ctx.store.close()

    return asyncio.run(go())


def test_backoff_is_counted_from_the_clock_and_retry_after_wins(env):
    env.server.route("/busy.xml", 429, b"slow down", Retry_After="7200")
    env.server.route("/down.xml", 500, b"oops")
    env.write([("busy", env.server.url("/busy.xml")), ("down", env.server.url("/down.xml"))])
    clock = Clock()

    async def job(ctx: Context) -> None:
        assert [r.ok for r in await poll_all(ctx)] == [False, False]
        busy, down = ctx.store.source_state("busy"), ctx.store.source_state("down")
        assert busy.next_poll is not None and busy.next_poll - START >= timedelta(seconds=7200)  # Retry-After
        assert down.next_poll is not None and down.failing_since == START and down.last_attempt == START
        first_wait = down.next_poll - START
        clock.turn(hours=2)
        await poll_source(ctx, ctx.cfg.source_named("down"))
        down2 = ctx.store.source_state("down")
        assert down2.failures == 2 and down2.failing_since == START  # failing since the first failure
        assert down2.next_poll is not None and down2.next_poll - clock() > first_wait  # the wait grows
        env.server.route("/down.xml", 200, rss([]), Content_Type="application/rss+xml")
        clock.turn(hours=3)
        assert (await poll_source(ctx, ctx.cfg.source_named("down"))).ok
        down3 = ctx.store.source_state("down")
        assert (down3.failures, down3.next_poll, down3.failing_since, down3.last_success) == (0, None, None, clock())

    with_ctx(env, clock, job)


def test_health_message_once_after_health_after_then_once_on_recovery(env):
    env.server.route("/flaky.xml", 500, b"oops")
    env.write([("flaky", env.server.url("/flaky.xml"))], extra='health_after = "6h"')
    clock = Clock()

    def titles() -> list[str]:
        return [p.get("title", "") for p in env.sink.posts]

    async def job(ctx: Context) -> None:
        src = ctx.cfg.source_named("flaky")
        for hours in (0, 2, 5):  # failing, but not for six hours yet
            clock.t = START + timedelta(hours=hours)
            await poll_source(ctx, src)
        assert titles() == []
        clock.t = START + timedelta(hours=6, minutes=1)
        await poll_source(ctx, src)
        clock.turn(hours=1)
        await poll_source(ctx, src)
        assert titles() == ["watcher: flaky is failing"]  # once, not on every later failure
        env.server.route("/flaky.xml", 200, rss([]), Content_Type="application/rss+xml")
        clock.turn(hours=1)
        await poll_source(ctx, src)
        await poll_source(ctx, src)
        assert titles() == ["watcher: flaky is failing", "watcher: flaky recovered"]

    with_ctx(env, clock, job)


def test_a_failed_delivery_waits_for_its_retry_time_then_goes(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    env.sink.status = 503
    clock = Clock()

    async def job(ctx: Context) -> None:
        r = await poll_source(ctx, ctx.cfg.source_named("wire"))
        assert r.new_alerts == 1
        assert await deliver(ctx) == (0, 1)
        env.sink.status = 200
        assert await deliver(ctx) == (0, 0)  # the notifier waits out its retry delay
        clock.turn(seconds=30)
        assert await deliver(ctx) == (0, 0)
        clock.turn(hours=1)  # past the longest first retry delay (60 s + 20% jitter)
        assert await deliver(ctx) == (1, 0)
        assert await deliver(ctx) == (0, 0)  # sent once

    with_ctx(env, clock, job)
    assert len(env.sink.posts) == 1 and "Groq" in env.sink.posts[0]["title"]


def test_undelivered_alerts_expire_after_delivery_expiry(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))], extra='delivery_expiry = "1d"')
    env.sink.status = 503
    clock = Clock()

    async def job(ctx: Context) -> dict[str, dict[str, int]]:
        await poll_source(ctx, ctx.cfg.source_named("wire"))
        await deliver(ctx, ignore_backoff=True)
        env.sink.status = 200
        clock.turn(hours=23)
        assert ctx.store.outbox_counts() == {"hook": {"pending": 1}}
        clock.turn(hours=2)
        assert await deliver(ctx, ignore_backoff=True) == (0, 0)  # given up, not sent a day late
        return ctx.store.outbox_counts()

    assert with_ctx(env, clock, job) == {"hook": {"expired": 1}}
    assert env.sink.posts == []
    assert "hook: expired 1" in env.run("status").stdout


def test_run_once_polls_every_source_then_delivers_and_a_rerun_is_silent(env):
    env.server.route("/broken.xml", 500, b"oops")
    env.write([("wire", env.feed("/w.xml", rss([DEAL]))), ("broken", env.server.url("/broken.xml"))])
    clock = Clock()
    cfg = config.load(env.cfg)
    first = asyncio.run(run_once(cfg, clock=clock))
    assert [(r.source, r.ok) for r in first.results] == [("wire", True), ("broken", False)]
    assert (first.sent, first.failed, sum(r.new_alerts for r in first.results)) == (1, 0, 1)
    clock.turn(hours=1)
    again = asyncio.run(run_once(cfg, clock=clock))
    assert sum(r.new_alerts for r in again.results) == 0
    titles = [p["title"] for p in env.sink.posts]
    assert titles[0].startswith("Groq: licence to Nvidia") and titles[1:] == ["watcher: broken is failing"]


def test_a_first_once_whose_database_cannot_be_created_fails_with_a_store_error(env):
    """A first pass opens its new database in a thread while the sources are fetched; the
    opening's failure reaches the caller as the database's error, not as a hang or a crash."""
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    env.cfg.write_text(env.cfg.read_text(encoding="utf-8").replace(
        "sqlite:///watcher.db", f"sqlite:///{env.tmp / 'gone' / 'watcher.db'}"), encoding="utf-8")
    with pytest.raises(StoreError, match="cannot open database"):
        asyncio.run(run_once(config.load(env.cfg), clock=Clock()))
    assert env.sink.posts == []


def test_a_repeated_body_is_a_304_and_entries_served_before_skip_the_matcher(env):
    """A server without validators serves the same bytes: nothing is parsed. When one entry is
    added, only that entry is normalized, matched and stored; the rest were stored last time."""
    quiet = {"title": "Chip packaging demand rises", "link": "https://news.example/pack", "description": "x"}
    env.server.route("/plain.xml", 200, rss([quiet]))  # no ETag, no Last-Modified
    env.write([("plain", env.server.url("/plain.xml"))])
    clock = Clock()

    async def job(ctx: Context) -> None:
        source = ctx.cfg.source_named("plain")
        first = await poll_source(ctx, source)
        assert first.ok and first.new_items == 1 and not first.not_modified
        again = await poll_source(ctx, source)
        assert again.ok and again.not_modified  # same bytes
        env.server.route("/plain.xml", 200, rss([DEAL, quiet]))
        grown = await poll_source(ctx, source)
        assert grown.ok and (grown.new_items, grown.new_alerts) == (1, 1)
        assert ctx.store.source_state("plain").items_seen == 2  # what the source served, not what was new

    with_ctx(env, clock, job)


def test_process_skips_the_entries_it_is_told_are_known():
    from watcher.match import build_matcher
    from watcher.models import Fetched
    from watcher.pipeline import process
    from watcher.sources import Download

    cfg = config.loads('[[company]]\nname = "Groq"\n[[rule]]\nname = "deals"\nevents = ["licence", "acquisition"]\n'
                       '[[source]]\nname = "s"\nkind = "feed"\nurl = "http://127.0.0.1:9/f.xml"\n')
    matcher = build_matcher(cfg)
    # fixed dates: rss() would stamp each call with the clock, and a second passing between two calls
    # would change the entries' ids
    quiet = {"title": "Chip packaging demand rises", "link": "https://news.example/pack", "description": "x",
             "ts": 1_700_000_000}
    deal = dict(DEAL, ts=1_700_000_000)

    def run(entries: list[dict], known: frozenset[bytes] = frozenset()):  # type: ignore[no-untyped-def]
        fetched = Fetched(url="http://127.0.0.1:9/f.xml", body=rss(entries), content_type="application/rss+xml")
        return process(Download(parts=((None, fetched),)), cfg.source[0], 1e9, lambda: matcher, START, ["log"],
                       known)

    before = run([quiet])
    full = run([deal, quiet])
    assert (full.served, len(full.items), len(full.matched)) == (2, 2, 1)
    assert before.entries < full.entries  # an entry's id does not depend on its neighbours
    grown = run([deal, quiet], before.entries)
    assert grown.served == 2 and [it.title for it in grown.items] == [deal["title"]] and len(grown.matched) == 1
    assert run([deal, quiet], full.entries).items == []
    edited = run([deal, dict(quiet, title="Chip packaging demand falls")], full.entries)
    assert [it.title for it in edited.items] == ["Chip packaging demand falls"]  # changed: looked at again


def test_a_failing_notifier_holds_new_alerts_too_until_its_retry(env):
    """Before: only the queued rows were deferred, so each new alert hit a rate-limited receiver at
    once (28 POSTs in 150 s against Retry-After: 120)."""
    second = dict(DEAL, title="Groq raises $640 million in a round led by BlackRock", link="https://news.example/r2")
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    env.sink.status = 429
    clock = Clock()

    async def job(ctx: Context) -> None:
        source = ctx.cfg.source_named("wire")
        await poll_source(ctx, source)
        await deliver(ctx)
        assert env.sink.rejected == 1
        env.feed("/w.xml", rss([second, DEAL]))
        clock.turn(seconds=30)
        assert (await poll_source(ctx, source)).new_alerts == 1
        await deliver(ctx)
        assert env.sink.rejected == 1  # the new alert waits with the old: no request
        env.sink.status = 200
        clock.turn(hours=1)  # past the retry
        await deliver(ctx)
        assert env.sink.rejected == 1 and len(env.sink.posts) == 2

    with_ctx(env, clock, job)


def refuse_sent(db) -> None:
    """A trigger that plays a full or locked disk for the one write that marks a send."""
    db.execute("CREATE TRIGGER sick BEFORE UPDATE OF status ON outbox WHEN NEW.status = 'sent' "
               "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
    db.commit()


def test_an_alert_sent_when_the_database_cannot_record_it_is_never_sent_again(env):
    """The database refuses to mark the send (a trigger plays a full or locked disk): the alert
    went out, so this process keeps it as sent, records it once the database answers, and never
    sends it again, not even after the claim's lease runs out."""
    import sqlite3

    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    clock = Clock()

    async def job(ctx: Context) -> None:
        await poll_source(ctx, ctx.cfg.source_named("wire"))
        db = sqlite3.connect(env.tmp / "watcher.db")
        refuse_sent(db)
        await deliver(ctx)
        assert len(env.sink.posts) == 1 and len(ctx.shared.unmarked) == 1
        clock.turn(minutes=30)  # past the claim's lease: the row looks due again
        await deliver(ctx)
        assert len(env.sink.posts) == 1  # not sent twice
        db.execute("DROP TRIGGER sick")  # the database answers again
        db.commit()
        await deliver(ctx)
        assert ctx.shared.unmarked == {}
        assert db.execute("SELECT status FROM outbox").fetchall() == [("sent",)]
        db.close()

    with_ctx(env, clock, job)


def test_a_send_the_database_could_not_record_is_not_sent_again_after_a_restart(env):
    """The send is kept in watcher.db.sent as well as in memory: a restart before the database
    answers reads it, and records the send instead of sending again."""
    import sqlite3

    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    clock = Clock()
    journal = env.tmp / "watcher.db.sent"
    db = sqlite3.connect(env.tmp / "watcher.db")

    async def first(ctx: Context) -> None:
        await poll_source(ctx, ctx.cfg.source_named("wire"))
        refuse_sent(db)
        await deliver(ctx)
        assert len(env.sink.posts) == 1 and journal.exists()

    async def after_restart(ctx: Context) -> None:
        assert list(ctx.shared.unmarked) == [1]
        clock.turn(minutes=30)  # past the claim's lease: the row looks due again
        await deliver(ctx)
        assert len(env.sink.posts) == 1  # not sent again
        db.execute("DROP TRIGGER sick")  # the database answers again
        db.commit()
        await deliver(ctx)
        assert ctx.shared.unmarked == {} and not journal.exists()
        assert db.execute("SELECT status FROM outbox").fetchall() == [("sent",)]

    with_ctx(env, clock, first)
    with_ctx(env, clock, after_restart)
    db.close()


@pytest.mark.parametrize(("text", "want"), [
    ("", {}),
    ("7\t2026-11-30T09:00:00+00:00\n", {7: datetime(2026, 11, 30, 9, tzinfo=UTC)}),
    ("7\t2026-11-30T09:00:00+00:00\n8\t2026-11-30T09:0", {7: datetime(2026, 11, 30, 9, tzinfo=UTC)}),  # torn
    ("x\ty\n", {}),
])
def test_sent_journal_lines(text, want):
    from watcher.sentlog import parse

    assert parse(text) == want


@pytest.mark.parametrize(("url", "want"), [
    ("sqlite:////var/lib/watcher/watcher.db", "/var/lib/watcher/watcher.db.sent"),
    ("sqlite:///:memory:", None),
    ("postgresql+psycopg://watcher@db/watcher", None),
])
def test_sent_journal_sits_beside_the_database(url, want):
    from watcher.sentlog import path_for

    got = path_for(url)
    assert (str(got) if got else None) == want


def test_polls_that_finish_while_the_store_is_busy_are_stored_in_one_transaction(env):
    """Group commit: the first poll stores alone; the two that arrive meanwhile go in one
    transaction; each gets its own result, and a batch the store refuses fails only its poll."""
    from watcher.errors import StoreError
    from watcher.ingest import Batch
    from watcher.models import RawItem
    from watcher.normalize import normalize
    from watcher.pipeline import ingest

    def batch(source: str, n: int) -> Batch:
        items = [normalize(RawItem(guid=f"{source}{k}", title=f"Chip news {source} {k}",
                                   link=f"https://{source}.example/{k}"), source) for k in range(n)]
        return Batch(source, items, {}, START, 3 * 86400)

    async def job(ctx: Context) -> tuple[list[object], list[list[str]]]:
        groups: list[list[str]] = []
        real = ctx.store.ingest_many

        def spy(batches: list[Batch]) -> list[object]:
            groups.append([b.source for b in batches])
            out = real([b for b in batches if b.source != "bad"])
            return [StoreError("cannot store items of bad") if b.source == "bad" else out.pop(0) for b in batches]

        ctx.store.ingest_many = spy  # type: ignore[method-assign]
        got = await asyncio.gather(*(ingest(ctx, batch(s, n)) for s, n in (("a", 2), ("b", 3), ("bad", 1),
                                                                           ("c", 1))), return_exceptions=True)
        return got, groups

    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    got, groups = with_ctx(env, Clock(), job)
    assert groups == [["a"], ["b", "bad", "c"]]
    assert [getattr(r, "new_items", r) for r in got[:2]] + [getattr(got[3], "new_items", None)] == [2, 3, 1]
    assert isinstance(got[2], StoreError)
