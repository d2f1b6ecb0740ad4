"""The one place that calls every stage.

    poll_source(ctx, source):
        fetched = fetch(source.url, etag, last_modified)          # fetch.py (304 -> nothing to do)
        raw     = sources.<kind>.parse(fetched)                     # worker thread
        items   = [normalize(r) for r in raw]                       # normalize.py
        hits    = {item: matcher.match(item)}  if fresh             # match.py (pure)
        result  = store.ingest(items, hits)                         # new items, new stories, outbox
        source state <- success, or failure + backoff               # errors are data, never a crash
    deliver(ctx):
        for each pending outbox row: render per channel, send through apprise, mark sent or retry later

The scheduler (daemon.py) and the CLI (cli.py) sit outside and call these two.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import random
import signal
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import config as config_mod
from .config import Config, Source, format_duration, format_time
from .errors import FetchError, StoreError, WatcherError
from .fetch import Fetcher
from .match import Matcher
from .models import Fetched, Item
from .normalize import normalize
from .notify import Message, Notifiers, NotifyFormat, render, route
from .sources import feed as feed_source
from .store import Candidate, Delivery, SourceState, Store, utcnow

log = logging.getLogger("watcher")

LOG_NOTIFIER = "log"  # where alerts go when no [[notifier]] is configured
DELIVERY_RETRY_MAX = 1800.0  # a notifier back from an outage gets its queue within half an hour


def _parse_html(fetched, source):
    from .sources import html  # beautifulsoup4 loads only when a config has html sources

    return html.parse(fetched, source)


PARSERS = {"feed": feed_source.parse, "html": _parse_html}


@dataclass
class PollResult:
    source: str
    ok: bool
    new_items: int = 0
    new_alerts: int = 0
    error: str | None = None
    not_modified: bool = False


@dataclass
class Context:
    """Everything a poll needs, built once per config (and rebuilt on reload)."""

    cfg: Config
    store: Store
    fetcher: Fetcher
    matcher: Matcher
    _notifiers: Notifiers | None
    pool: Executor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="parse"))
    worker_is_process: bool = False  # the pool is a worker process that holds its own matcher
    ingest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    deliver_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    edgar: object | None = None  # sources.edgar.EdgarGateway, built on first use
    stopping: bool = False  # set on shutdown: finish the send in flight, start no other
    state_batch: list | None = None  # poll_all collects successful source states here
    deliver_early: bool = False  # one-shot pass: deliver while the other sources are polled
    deliver_task: asyncio.Task | None = None
    deliver_again: bool = False
    delivered: list[int] = field(default_factory=lambda: [0, 0])  # (sent, failed) by early rounds
    notifiers_ready: asyncio.Future | None = None  # Notifiers being built in a worker thread
    warned_orphans: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, cfg: Config, store: Store | None = None, *, worker_process: bool = False,
              eager_notifiers: bool = True) -> Context:
        """`worker_process`: parse and match in a forked worker process, so that a one-shot poll
        of many feeds uses a second core; call it before any thread exists (fork safety).
        `eager_notifiers=False` builds the apprise notifiers (0.1 s) only when something is sent."""
        store = store or Store(config_mod.database_url(cfg))
        ctx = cls(cfg=cfg, store=store, fetcher=Fetcher(cfg.watcher),
                  matcher=build_matcher(cfg), _notifiers=Notifiers(cfg.notifier) if eager_notifiers else None)
        if worker_process and (os.cpu_count() or 1) > 1:
            try:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                           initializer=_init_worker, initargs=(ctx.matcher,))
                pool.submit(int).result(timeout=30)  # start it now, while this process has no threads
            except Exception as e:  # noqa: BLE001 - threads are the fallback
                log.debug("no worker process (%s); parsing in threads", e)
            else:
                ctx.pool.shutdown(wait=False)
                ctx.pool, ctx.worker_is_process = pool, True
        return ctx

    @property
    def notifiers(self) -> Notifiers:
        if self._notifiers is None:
            self._notifiers = Notifiers(self.cfg.notifier)
        return self._notifiers

    def notifier_names(self) -> list[str]:
        return [n.name for n in self.cfg.notifier] or [LOG_NOTIFIER]

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        self.pool.shutdown(wait=False, cancel_futures=True)


def build_matcher(cfg: Config) -> Matcher:
    return Matcher(cfg.company, cfg.rule, cfg.watcher.context_words)


_WORKER_MATCHER: Matcher | None = None


def _init_worker(matcher: Matcher) -> None:
    global _WORKER_MATCHER
    _WORKER_MATCHER = matcher
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop


# --------------------------------------------------------------------------- polling
def process(fetched: Fetched | None, raw_items: list | None, source: Source, max_age: float,
            matcher: Matcher | None, now: datetime,
            notifier_names: list[str]) -> tuple[list[Item], dict[str, Candidate]]:
    """parse -> normalize -> match, all CPU work, run in a worker thread or process."""
    matcher = matcher or _WORKER_MATCHER
    raw = raw_items if raw_items is not None else PARSERS[source.kind](fetched, source)
    items = [normalize(r, source.name) for r in raw]
    oldest = now - timedelta(seconds=max_age)
    matched: dict[str, Candidate] = {}
    for it in items:
        if it.published is not None and it.published < oldest:
            continue  # too old to alert; still stored so it never alerts later
        hits = matcher.match(it)
        if hits:
            matched[it.key] = Candidate(it, hits, route(hits, matcher.rules, notifier_names))
    return items, matched


async def poll_source(ctx: Context, source: Source, state: SourceState | None = None) -> PollResult:
    """Poll one source end to end. Never raises for source trouble: failures become source state."""
    now = utcnow()
    if state is None:
        state = await asyncio.to_thread(ctx.store.source_state, source.name)
    loop = asyncio.get_running_loop()
    try:
        fetched = None
        raw_items = None
        partial: FetchError | None = None
        if source.kind in PARSERS:
            fetched = await ctx.fetcher.fetch(
                source.url, timeout=ctx.cfg.source_timeout(source), max_bytes=ctx.cfg.watcher.max_bytes,
                etag=state.etag, last_modified=state.last_modified, headers=source.headers or None)
            if fetched.not_modified:
                await _record_success(ctx, source, state, now, fetched.etag or state.etag,
                                      fetched.last_modified or state.last_modified, 0)
                return PollResult(source.name, True, not_modified=True)
        else:
            try:
                raw_items = await _collect_edgar(ctx, source, now)
            except FetchError as e:
                # some companies failed: keep what the others produced, then record the failure
                if not getattr(e, "items", None):
                    raise
                partial, raw_items = e, e.items
        matcher = None if ctx.worker_is_process else ctx.matcher  # a worker process has its own
        args = (fetched, raw_items, source, ctx.cfg.watcher.max_age, matcher, now, ctx.notifier_names())
        try:
            items, matched = await loop.run_in_executor(ctx.pool, process, *args)
        except BrokenProcessPool:
            # the worker died (killed, out of memory): carry on in threads
            log.error("parse worker process died; parsing in threads from now on")
            ctx.pool, ctx.worker_is_process = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parse"), False
            items, matched = await loop.run_in_executor(ctx.pool, process, *args[:4], ctx.matcher, *args[5:])
        async with ctx.ingest_lock:
            res = await asyncio.to_thread(ctx.store.ingest, source.name, items, matched,
                                          now=now, story_window=ctx.cfg.watcher.story_window,
                                          event_window=ctx.cfg.watcher.event_window)
        if partial is not None:
            return await _record_failure(ctx, source, state, now, partial)
        await _record_success(ctx, source, state, now, fetched.etag if fetched else None,
                              fetched.last_modified if fetched else None, len(items))
        if res.new_alerts:
            log.info("%s: %d new items, %d new alerts", source.name, res.new_items, res.new_alerts)
            if ctx.deliver_early:
                kick_delivery(ctx)
        return PollResult(source.name, True, res.new_items, res.new_alerts)
    except (WatcherError, OSError) as e:
        return await _record_failure(ctx, source, state, now, e)
    except Exception as e:  # noqa: BLE001 - a bug in one source must not stop the others
        log.exception("%s: unexpected error", source.name)
        return await _record_failure(ctx, source, state, now, e)


async def _collect_edgar(ctx: Context, source: Source, now: datetime) -> list:
    from .sources import edgar

    if ctx.edgar is None:
        ctx.edgar = edgar.EdgarGateway.from_config(ctx.fetcher, ctx.cfg)
    return await edgar.collect(source, ctx.cfg, ctx.edgar, now)


async def _record_success(ctx: Context, source: Source, st: SourceState, now: datetime, etag, last_modified,
                          n: int) -> None:
    was_alerted = st.health_alerted
    changes = dict(etag=etag, last_modified=last_modified, last_success=now, last_attempt=now, failures=0,
                   failing_since=None, next_poll=None, health_alerted=False, items_seen=n)
    if ctx.state_batch is not None and not was_alerted:
        ctx.state_batch.append((source.name, changes))  # written in one transaction by poll_all
    else:
        await asyncio.to_thread(ctx.store.save_source_state, source.name, **changes)
    if was_alerted:
        await send_health(ctx, f"watcher: {source.name} recovered",
                          f"Source {source.name} is working again after failing since "
                          f"{format_time(st.failing_since)}. Last error was: {st.last_error}")


async def _record_failure(ctx: Context, source: Source, state, now: datetime, e: BaseException) -> PollResult:
    msg = str(e) or e.__class__.__name__
    failures = (state.failures or 0) + 1
    delay = backoff(ctx.cfg.interval(source), failures, ctx.cfg.watcher.retry_max)
    if isinstance(e, FetchError) and e.retry_after:
        delay = max(delay, min(e.retry_after, 24 * 3600))
    since = state.failing_since or now
    log.warning("%s: %s (failure %d; next try in %s)", source.name, msg, failures, format_duration(delay))
    try:
        await asyncio.to_thread(ctx.store.save_source_state, source.name, last_error=msg[:500],
                                last_attempt=now, failures=failures, failing_since=since,
                                next_poll=now + timedelta(seconds=delay))
        if not state.health_alerted and (now - since).total_seconds() >= ctx.cfg.watcher.health_after:
            if await send_health(ctx, f"watcher: {source.name} is failing",
                                 f"Source {source.name} has failed {failures} times since {format_time(since)}.\n"
                                 f"Last error: {msg}\nwatcher keeps retrying with backoff."):
                await asyncio.to_thread(ctx.store.save_source_state, source.name, health_alerted=True)
    except StoreError as se:
        log.error("%s: cannot record failure: %s", source.name, se)
    return PollResult(source.name, False, error=msg)


def backoff(interval: float, failures: int, cap: float) -> float:
    """Exponential backoff from the poll interval, capped, with +-20% jitter."""
    base = min(cap, interval * (2 ** max(0, failures - 1)))
    return max(interval, base) * random.uniform(0.8, 1.2) if base < cap else cap * random.uniform(0.9, 1.0)


async def send_health(ctx: Context, title: str, body: str) -> bool:
    names = ctx.cfg.watcher.health_notify if ctx.cfg.watcher.health_notify is not None else [
        n.name for n in ctx.cfg.notifier]
    if not names:
        log.warning("%s: %s", title, body)
        return True
    ok = False
    for n in names:
        sent, err = await ctx.notifiers.send(n, Message(title=title, body=body, body_format=NotifyFormat.TEXT))
        if not sent:
            log.warning("health message to %s failed: %s", n, err)
        ok = ok or sent
    return ok


# --------------------------------------------------------------------------- delivery
def kick_delivery(ctx: Context) -> None:
    """Deliver new alerts while the other sources are still being polled (one pass): a round
    runs in the background, and one more follows if alerts arrived meanwhile."""
    if ctx.deliver_task is None or ctx.deliver_task.done():
        ctx.deliver_task = asyncio.ensure_future(_deliver_until_quiet(ctx))
    else:
        ctx.deliver_again = True


async def _deliver_until_quiet(ctx: Context) -> None:
    while True:
        ctx.deliver_again = False
        sent, failed = await deliver(ctx)  # backoff respected: a notifier that just failed waits
        ctx.delivered[0] += sent
        ctx.delivered[1] += failed
        if not ctx.deliver_again:
            return


async def finish_delivery(ctx: Context) -> tuple[int, int]:
    """The end of a one-shot pass: wait for early rounds, then send everything still queued
    (backoff ignored). Returns (sent, failed) over the whole pass."""
    if ctx.deliver_task is not None:
        await ctx.deliver_task
    sent, failed = await deliver(ctx, ignore_backoff=True)
    return ctx.delivered[0] + sent, ctx.delivered[1] + failed


async def deliver(ctx: Context, *, ignore_backoff: bool = False) -> tuple[int, int]:
    """Send what is due. Each notifier's queue runs on its own, so one dead notifier never
    holds up another; a notifier that fails is not tried again for the rest of this round.
    Each delivery is claimed in the database first, so two processes never send it twice."""
    if ctx.notifiers_ready is not None:  # notifiers being built in a thread (see cli once)
        ctx._notifiers, ctx.notifiers_ready = await ctx.notifiers_ready, None
    async with ctx.deliver_lock:
        now = utcnow()
        if ctx.cfg.watcher.delivery_expiry:
            n = await asyncio.to_thread(ctx.store.expire, now - timedelta(seconds=ctx.cfg.watcher.delivery_expiry))
            if n:
                log.error("gave up on %d undelivered alerts older than delivery_expiry", n)
        names = ctx.notifier_names()
        due = await asyncio.to_thread(ctx.store.due, now, notifiers=names, ignore_backoff=ignore_backoff)
        await _warn_orphans(ctx, names)
        queues: dict[str, list[Delivery]] = {}
        for d in due:
            queues.setdefault(d.alert.notifier, []).append(d)
        results = await asyncio.gather(*(_deliver_queue(ctx, name, q) for name, q in queues.items()))
        return sum(r[0] for r in results), sum(r[1] for r in results)


async def _warn_orphans(ctx: Context, names: list[str]) -> None:
    """Alerts queued for a notifier that is no longer configured wait; say so once per name."""
    counts = await asyncio.to_thread(ctx.store.outbox_counts)
    for name, c in counts.items():
        waiting = c.get("pending", 0) + c.get("sending", 0)
        if name not in names and waiting and name not in ctx.warned_orphans:
            ctx.warned_orphans.add(name)
            log.warning("outbox holds %d alerts for notifier %r, which is not configured; "
                        "they wait until it is configured again", waiting, name)


async def _deliver_queue(ctx: Context, name: str, queue: list[Delivery]) -> tuple[int, int]:
    sent = failed = 0
    queue = await asyncio.to_thread(ctx.store.claim, queue, utcnow())  # what another process took, it sends
    for i, d in enumerate(queue):
        if ctx.stopping:
            await asyncio.to_thread(ctx.store.release_all, [x.outbox_id for x in queue[i:]])
            break
        # send-and-mark is one unit: cancelling the task (shutdown) must not leave a sent
        # alert unmarked, which would send it again on the next start
        ok, err = await asyncio.shield(_send_and_mark(ctx, name, d))
        if ok:
            sent += 1
            continue
        delay = min(ctx.cfg.watcher.retry_max, DELIVERY_RETRY_MAX, 60 * 2 ** d.attempts) * random.uniform(0.8, 1.2)
        until = utcnow() + timedelta(seconds=delay)
        await asyncio.to_thread(ctx.store.mark_failed, d.outbox_id, err or "failed", until)
        await asyncio.to_thread(ctx.store.release_all, [x.outbox_id for x in queue[i + 1:]])
        await asyncio.to_thread(ctx.store.defer_notifier, name, until)  # the whole queue waits
        log.warning("notifier %s: delivery failed (%s); %d alerts wait, retry in %s",
                    name, err, len(queue) - sent, format_duration(delay))
        failed += 1
        break
    return sent, failed


async def _send_and_mark(ctx: Context, name: str, d: Delivery) -> tuple[bool, str | None]:
    if name == LOG_NOTIFIER and not ctx.cfg.notifier:
        m = render(d.alert, "text")
        log.warning("ALERT %s\n%s", m.title, m.body)
        ok, err = True, None
    else:
        ok, err = await ctx.notifiers.send(name, ctx.notifiers.render(name, d.alert))
    if ok:
        await asyncio.to_thread(ctx.store.mark_sent, d.outbox_id, utcnow())
    return ok, err


# --------------------------------------------------------------------------- one pass
async def poll_all(ctx: Context, sources: list[Source] | None = None) -> list[PollResult]:
    sources = [s for s in (sources or ctx.cfg.source) if s.enabled]
    states = {st.name: st for st in await asyncio.to_thread(ctx.store.all_source_states)}
    ctx.state_batch = []
    try:
        return list(await asyncio.gather(*(poll_source(ctx, s, states.get(s.name) or SourceState(name=s.name))
                                           for s in sources)))
    finally:
        batch, ctx.state_batch = ctx.state_batch, None
        if batch:
            await asyncio.to_thread(ctx.store.save_source_states, batch)
