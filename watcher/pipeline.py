"""The one place that calls every stage, the same path for every source kind.

    poll_source(ctx, source):
        download  = await KINDS[kind].fetch(request)              # sources/: a feed or page is one
                                                                  # conditional GET (304 -> done), EDGAR
                                                                  # one answer per company via its gateway
        collected = KINDS[kind].parse(download)                   # parse worker: Collected(items, failures)
        items     = [normalize(r) for r in collected.items]       # normalize.py
        hits      = {item: matcher.match(item)}  if fresh         # match.py (pure)
        result    = store.ingest(items, hits)                     # new items, events, outbox
        source state <- success, or failure + backoff             # errors are data, never a crash
    deliver(ctx):
        for each pending outbox row: render per channel, send through apprise, mark sent or retry later
    run_once(cfg): poll_all, then deliver everything queued        # `watcher once`
    prune(ctx): retention                                         # the daemon's daily job

The scheduler (daemon.py) and the CLI (cli.py) sit outside and call these.
"""
from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config as config_mod
from . import flood, secrets, sentlog, sources
from .config import Config, Source, format_duration, format_time
from .config import Notifier as NotifierCfg
from .dates import utcnow
from .errors import FetchError, StoreError, WatcherError
from .fetch import Fetcher
from .models import Item
from .mute import muted_by
from .normalize import normalize
from .poll_state import PollState, PollStates
from .quickstore import QuickStore, sqlite_path
from .seen import Seen, body_digest, entry_id
from .sources import Collected, Download

if TYPE_CHECKING:
    from .ingest import Batch, Candidate, IngestResult
    from .match import Matcher
    from .metrics import Metrics
    from .notify import Message
    from .notify.deliver import Notifiers
    from .sources.edgar import EdgarGateway
    from .store import Delivery, SourceStateValue, Store

log = logging.getLogger("watcher")

LOG_NOTIFIER = "log"  # where alerts go when no [[notifier]] is configured
INGEST_GROUP_ITEMS = 5000  # items stored in one transaction at most (group commit, `ingest`)
DELIVERY_RETRY_MAX = 1800.0  # a notifier back from an outage gets its queue within half an hour
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PollResult:
    source: str
    ok: bool
    new_items: int = 0
    new_alerts: int = 0
    error: str | None = None
    not_modified: bool = False


@dataclass
class Shared:
    """What outlives a config reload: the store, the locks that keep ingest and delivery single
    file, the one EDGAR gateway (its rate limit and any SEC block), and the clock."""

    url: str  # the database
    clock: Clock = utcnow
    ingest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ingest_queue: list[tuple[Batch, asyncio.Future[IngestResult]]] = field(default_factory=list)
    deliver_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    sending: set[str] = field(default_factory=set)  # notifiers with a delivery round in progress
    again: set[str] = field(default_factory=set)  # notifiers that had alerts come while they were sending
    rounds: set[asyncio.Future[tuple[int, int]]] = field(default_factory=set)  # follow-up rounds in flight
    unmarked: dict[int, datetime] = field(default_factory=dict)  # sent, but the database could not record it yet
    warned_orphans: set[str] = field(default_factory=set)
    states: PollStates = field(default_factory=PollStates)  # every source's poll state, in memory
    states_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    seen: Seen = field(default_factory=Seen)  # what each source served last time (seen.py)
    stopping: bool = False  # set on shutdown: finish the send in flight, start no other
    quick: QuickStore | None = None  # `once` on SQLite: what a quiet pass needs, without SQLAlchemy
    new_file: bool = False  # the SQLite file did not exist: no source has a state to read yet
    # polls between their request and their store: bounded, so that bodies and parsed items never
    # pile up behind the store (2,000 sources starting at once held 150 MB of them)
    poll_slots: asyncio.Semaphore | None = None
    metrics: Metrics | None = None  # the daemon's, when [watcher] metrics is set (metrics.py)
    journal: Path | None = None  # sends the database could not record, kept across a restart (sentlog.py)
    _store: Store | None = None
    _opening: Future[Store] | None = None  # open_soon's thread
    _edgar: EdgarGateway | None = None

    def __post_init__(self) -> None:
        self.journal = sentlog.path_for(self.url)
        self.unmarked.update(sentlog.read(self.journal))

    @property
    def store(self) -> Store:
        """The full store, opened on first use when a quick one stands in for it (or waited for,
        when open_soon started it; its error is raised here)."""
        if self._store is None:
            if self._opening is not None:
                self._store = self._opening.result()
            else:
                from .store import Store

                self._store = Store(self.url)
        return self._store

    def open_soon(self) -> None:
        """Start opening the full store in a thread: importing SQLAlchemy and declaring the
        tables takes a quarter of a second, which a first `once` spends fetching instead."""
        if self._store is not None or self._opening is not None:
            return
        opening: Future[Store] = Future()

        def work() -> None:
            try:
                from .store import Store

                opening.set_result(Store(self.url))
            except BaseException as e:  # noqa: BLE001 - handed to whoever asks for the store
                opening.set_exception(e)

        self._opening = opening
        threading.Thread(target=work, name="store-open", daemon=True).start()

    @property
    def quiet(self) -> QuickStore | None:
        """The quick store while the full one is not open (quickstore.py)."""
        return self.quick if self._store is None else None

    def source_rows(self) -> list[dict[str, Any]]:
        if self.new_file and self._store is None:
            return []  # a database this pass creates holds no state yet: no need to wait for it
        quick = self.quiet
        return quick.source_rows() if quick is not None else self.store.source_rows()

    def save_source_rows(self, rows: list[dict[str, Any]]) -> None:
        quick = self.quiet
        if quick is not None:
            quick.save_source_rows(rows)
        else:
            self.store.save_source_rows(rows)

    def nothing_queued(self) -> bool:
        """True when the quick store knows the outbox is empty (the full store was never needed)."""
        quick = self.quiet
        return quick is not None and quick.outbox_waiting() == 0

    def get_meta(self, key: str) -> str | None:
        quick = self.quiet
        return quick.get_meta(key) if quick is not None else self.store.get_meta(key)

    def close(self) -> None:
        if self.quick is not None:
            self.quick.close()
        if self._store is None and self._opening is not None:
            try:
                self._store = self._opening.result()
            except Exception:  # noqa: BLE001 - it never opened: nothing to close
                pass
        if self._store is not None:
            self._store.close()

    def edgar_for(self, ctx: Context) -> EdgarGateway:
        """The gateway, sending through the newest config's HTTP client (an older one is closed
        a minute after a reload); built on first use."""
        if self._edgar is None:
            from .sources.edgar import EdgarGateway

            self._edgar = EdgarGateway(ctx.fetcher, ctx.cfg.watcher.edgar_rate)
        self._edgar.fetcher = ctx.fetcher
        return self._edgar


@dataclass
class Context:
    """What a config builds (HTTP client, matcher, notifiers, parse worker) around the Shared
    part. A reload is one call: Context.build(new_cfg, old.shared)."""

    cfg: Config
    shared: Shared
    fetcher: Fetcher
    _notifiers: Notifiers | None
    pool: Executor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="parse"))
    worker_is_process: bool = False  # the pool is a worker process that builds its own matcher
    _matcher: Matcher | None = None
    _matcher_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, cfg: Config, shared: Shared | Store | None = None, *, worker_process: bool = False,
              eager_notifiers: bool = True, open_soon: bool = False, clock: Clock = utcnow) -> Context:
        """`shared`: the part kept from a running context (or just a Store). `worker_process`:
        parse and match in a forked worker process, so that a one-shot poll of many feeds uses a
        second core; call it before any thread exists (fork safety). `eager_notifiers=False`
        builds the apprise notifiers (0.1 s) only when something is sent. `open_soon`: a store to
        open (no quick one stands in) opens in a thread while the first sources are fetched, and
        the worker builds its matcher meanwhile (everything in a new database is new)."""
        if not isinstance(shared, Shared):
            url = config_mod.database_url(cfg) if shared is None else shared.url
            shared = Shared(url=url, clock=clock, _store=shared)
        if shared.poll_slots is None:
            shared.poll_slots = asyncio.Semaphore(cfg.watcher.concurrency)
        ctx = cls(cfg=cfg, shared=shared, fetcher=Fetcher(cfg.watcher),
                  _notifiers=_notifiers(cfg) if eager_notifiers else None)
        if worker_process and (os.cpu_count() or 1) > 1 and threading.active_count() == 1:  # fork only then
            try:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                           initializer=_init_worker, initargs=(cfg,))
                pool.submit(int).result(timeout=30)  # start it now, while this process has no threads
            except Exception as e:  # noqa: BLE001 - threads are the fallback
                log.debug("no worker process (%s); parsing in threads", e)
            else:
                ctx.pool.shutdown(wait=False)
                ctx.pool, ctx.worker_is_process = pool, True
        if shared.quick is None:
            if open_soon and shared._store is None:
                shared.open_soon()
                if ctx.worker_is_process:
                    ctx.pool.submit(_warm_worker)
            else:
                try:
                    shared.store  # noqa: B018 - open it now: a database that cannot be opened fails the start
                except BaseException:
                    ctx.pool.shutdown(wait=False, cancel_futures=True)
                    raise
        return ctx

    @property
    def matcher(self) -> Matcher:
        """Built on first use (a poll whose sources all answer 304 never needs it), once."""
        with self._matcher_lock:
            if self._matcher is None:
                from .match import build_matcher

                self._matcher = build_matcher(self.cfg)
            return self._matcher

    def get_matcher(self) -> Matcher:
        return self.matcher

    @property
    def store(self) -> Store:
        return self.shared.store

    def clock(self) -> datetime:
        return self.shared.clock()

    @property
    def notifiers(self) -> Notifiers:
        if self._notifiers is None:
            self._notifiers = _notifiers(self.cfg)
        return self._notifiers

    def notifier_names(self) -> list[str]:
        return [n.name for n in self.cfg.notifier] or [LOG_NOTIFIER]

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        self.pool.shutdown(wait=False, cancel_futures=True)


def _notifiers(cfg: Config) -> Notifiers:
    from .notify.deliver import Notifiers  # apprise loads only when something is sent or checked

    return Notifiers(cfg.notifier)


_WORKER_CFG: Config | None = None
_WORKER_MATCHER: Matcher | None = None


def _init_worker(cfg: Config) -> None:
    global _WORKER_CFG
    _WORKER_CFG = cfg
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop


def _worker_matcher() -> Matcher:
    """The worker process's matcher, built the first time it has items to judge."""
    global _WORKER_MATCHER
    if _WORKER_MATCHER is None:
        from .match import build_matcher

        assert _WORKER_CFG is not None, "a worker process gets its config at start"
        _WORKER_MATCHER = build_matcher(_WORKER_CFG)
    return _WORKER_MATCHER


def _warm_worker() -> None:
    _worker_matcher()  # built now, returned to no one (a matcher is no thing to pickle)


@dataclass(frozen=True)
class Processed:
    """What the parse worker sends back."""

    collected: Collected  # the failures (its items are not sent back: `items` has them)
    items: list[Item]  # the entries not served last time, normalized
    matched: dict[str, Candidate]
    entries: frozenset[bytes]  # every entry's id (seen.entry_id), new or not
    served: int  # entries in the download


def process(download: Download, source: Source, max_age: float, get_matcher: Callable[[], Matcher] | None,
            now: datetime, notifier_names: list[str], known: frozenset[bytes] = frozenset()) -> Processed:
    """parse -> normalize -> match, all CPU work, run in a worker thread or process (get_matcher
    None: the worker process's own). Entries whose id is in `known` (served and stored by the
    last poll) go no further than the parse."""
    collected = sources.KINDS[source.kind].parse(download, source, now)
    ids = [entry_id(r) for r in collected.items]
    items = [normalize(r, source.name, now) for r, i in zip(collected.items, ids, strict=True) if i not in known]
    out = Processed(dataclasses.replace(collected, items=[]), items, {}, frozenset(ids), len(ids))
    if not items:
        return out
    from .ingest import Candidate  # what only a changed feed needs loads only then
    from .notify import route

    matcher = (get_matcher or _worker_matcher)()
    oldest = now - timedelta(seconds=max_age)
    for it in items:
        if it.published is not None and it.published < oldest:
            continue  # too old to alert; still stored so it never alerts later
        hits = matcher.match(it)
        if hits:
            out.matched[it.key] = Candidate(it, hits, route(hits, matcher.rules, notifier_names))
    return out


# --------------------------------------------------------------------------- poll state
async def state_of(ctx: Context, name: str) -> PollState:
    """A source's poll state, from memory (every state is read from the store once)."""
    states = ctx.shared.states
    if not states.loaded:
        async with ctx.shared.states_lock:
            if not states.loaded:
                states.load(await asyncio.to_thread(ctx.shared.source_rows))
    return states.get(name)


async def save_state(ctx: Context, name: str, changes: dict[str, SourceStateValue], *, defer: bool = False) -> None:
    """Record a poll's outcome: written now when it matters (poll_state.urgent), else with the
    next flush_states. `defer`: wait for the flush in any case (a pass over every source)."""
    states = ctx.shared.states
    if not states.apply(name, changes, defer=defer):
        return
    rows = states.take([name])
    try:
        await asyncio.to_thread(ctx.shared.save_source_rows, [r.row() for r in rows])
    except StoreError:
        states.requeue(rows)
        raise
    states.written([name])


async def flush_states(ctx: Context) -> int:
    """Write every poll state waiting in memory, in one transaction; kept for the next try on failure."""
    states = ctx.shared.states
    rows = states.take_pending()
    if not rows:
        return 0
    try:
        await asyncio.to_thread(ctx.shared.save_source_rows, [r.row() for r in rows])
    except StoreError as e:
        states.requeue(rows)
        log.error("cannot record the poll state of %d sources: %s", len(rows), e)
        return 0
    states.written(r.name for r in rows)
    return len(rows)


# --------------------------------------------------------------------------- one source
async def poll_source(ctx: Context, source: Source, state: PollState | None = None, *,
                      defer: bool = False) -> PollResult:
    """Poll one source end to end: fetch -> parse -> normalize -> match -> store, the same path
    for every kind. Never raises for source trouble: failures become source state. `defer`:
    a success's state waits for flush_states (a pass writes them all in one transaction)."""
    if state is None:
        state = await state_of(ctx, source.name)
    assert ctx.shared.poll_slots is not None  # made by Context.build
    async with ctx.shared.poll_slots:
        return await _poll(ctx, source, state, defer)


async def _poll(ctx: Context, source: Source, state: PollState, defer: bool) -> PollResult:
    now = ctx.clock()
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    try:
        download = await sources.KINDS[source.kind].fetch(sources.Request(
            source=source, cfg=ctx.cfg, fetcher=ctx.fetcher, now=now,
            edgar=ctx.shared.edgar_for(ctx) if source.kind.startswith("edgar") else None,
            etag=state.etag, last_modified=state.last_modified))
        fetch_ms = round(1000 * (time.monotonic() - started))
        digest = None if download.not_modified else body_digest(download)
        if digest is not None and ctx.shared.seen.same_body(source.name, digest):
            download = dataclasses.replace(download, not_modified=True)  # the same bytes as last time: a 304
        if download.not_modified:
            await _record_success(ctx, source, state, now, download, defer)
            log.info("%s: not modified (%d ms)", source.name, fetch_ms,
                      extra={"source": source.name, "outcome": "not_modified", "fetch_ms": fetch_ms})
            if ctx.shared.metrics is not None:
                ctx.shared.metrics.poll(source.name, source.kind, "not_modified", fetch_ms / 1000, time.time())
            return PollResult(source.name, True, not_modified=True)
        assert digest is not None
        matcher = None if ctx.worker_is_process else ctx.get_matcher  # a worker process builds its own
        args = (download, source, ctx.cfg.watcher.max_age, matcher, now, ctx.notifier_names(),
                ctx.shared.seen.entries(source.name))
        try:
            done = await loop.run_in_executor(ctx.pool, process, *args)
        except BrokenProcessPool:
            # the worker died (killed, out of memory): carry on in threads
            log.error("parse worker process died; parsing in threads from now on")
            ctx.pool, ctx.worker_is_process = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parse"), False
            done = await loop.run_in_executor(ctx.pool, process, *args[:3], ctx.get_matcher, *args[4:])
        from .ingest import Batch

        res = await ingest(ctx, Batch(source.name, done.items, done.matched, now, ctx.cfg.watcher.story_window,
                                      ctx.cfg.watcher.event_window))
        partial = done.collected.error()  # some parts failed: keep what the others produced, mark the source failing
        if partial is not None:
            ctx.shared.seen.forget(source.name)
            return await _record_failure(ctx, source, state, now, partial)
        ctx.shared.seen.remember(source.name, digest, done.entries)  # stored: the next poll may skip them
        await _record_success(ctx, source, state, now, download, defer, done.served)
        total_ms = round(1000 * (time.monotonic() - started))
        log.info("%s: %d entries, %d new items, %d new alerts (fetch %d ms, total %d ms)", source.name, done.served,
                 res.new_items, res.new_alerts, fetch_ms, total_ms,
                 extra={"source": source.name, "outcome": "changed", "entries": done.served,
                        "new_items": res.new_items, "new_alerts": res.new_alerts, "fetch_ms": fetch_ms,
                        "total_ms": total_ms})
        if ctx.shared.metrics is not None:
            ctx.shared.metrics.poll(source.name, source.kind, "changed", fetch_ms / 1000, time.time(),
                                    res.new_items, res.new_alerts)
        return PollResult(source.name, True, res.new_items, res.new_alerts)
    except (WatcherError, OSError) as e:
        return await _record_failure(ctx, source, state, now, e)
    except Exception as e:  # noqa: BLE001 - a bug in one source must not stop the others
        log.exception("%s: unexpected error", source.name)
        return await _record_failure(ctx, source, state, now, e)


async def ingest(ctx: Context, batch: Batch) -> IngestResult:
    """Store one poll's items. Polls that finish while another's items are being stored wait
    together, and the first of them to get the store takes them all in one transaction
    (Store.ingest_many): group commit, so a pass over many sources pays for a few commits, not
    one per source. Raises StoreError for this batch when it could not be stored."""
    if not batch.items:
        from .ingest import IngestResult

        return IngestResult(0, 0, 0)
    mine: asyncio.Future[IngestResult] = asyncio.get_running_loop().create_future()
    waiting = ctx.shared.ingest_queue
    waiting.append((batch, mine))
    async with ctx.shared.ingest_lock:
        if any(f is mine for _, f in waiting):  # no one took it yet: take it, and what waits behind it
            take: list[tuple[Batch, asyncio.Future[IngestResult]]] = []
            n = 0
            while waiting and (not take or n + len(waiting[0][0].items) <= INGEST_GROUP_ITEMS):
                take.append(waiting.pop(0))
                n += len(take[-1][0].items)
            # (the store is looked up in the thread: a first `once` may still be opening it, open_soon)
            work = asyncio.ensure_future(asyncio.to_thread(_ingest_many, ctx.shared, [b for b, _ in take]))
            # every batch taken gets its answer, even if this task is cancelled while the store works
            work.add_done_callback(functools.partial(_settle, [f for _, f in take]))
            await asyncio.wait([work])
    return await mine


def _ingest_many(shared: Shared, batches: list[Batch]) -> list[IngestResult | StoreError]:
    return shared.store.ingest_many(batches)


def _settle(futures: list[asyncio.Future[IngestResult]],
            work: asyncio.Future[list[IngestResult | StoreError]]) -> None:
    """Hand each batch of a group commit its result or its error."""
    if work.cancelled():
        results: list[IngestResult | BaseException] = [StoreError("storing was cancelled")] * len(futures)
    elif (e := work.exception()) is not None:
        results = [e] * len(futures)
    else:
        results = list(work.result())
    for fut, r in zip(futures, results, strict=True):
        if fut.done():
            continue
        if isinstance(r, BaseException):
            fut.set_exception(r)
        else:
            fut.set_result(r)


async def _record_success(ctx: Context, source: Source, st: PollState, now: datetime, download: Download,
                          defer: bool, n: int = 0) -> None:
    was_alerted = st.health_alerted
    changes: dict[str, SourceStateValue] = dict(
        etag=download.etag, last_modified=download.last_modified, last_success=now, last_attempt=now, failures=0,
        failing_since=None, next_poll=None, health_alerted=False)
    if not download.not_modified:
        changes["items_seen"] = n  # what the source served last time it changed (status shows it)
    await save_state(ctx, source.name, changes, defer=defer and not was_alerted)
    if was_alerted:
        from .notify import health_recovered

        await send_health(ctx, health_recovered(source.name, st.failing_since, st.last_error))


async def _record_failure(ctx: Context, source: Source, state: PollState, now: datetime,
                          e: BaseException) -> PollResult:
    msg = secrets.mask(str(e) or e.__class__.__name__)  # a refused redirect may quote a URL that holds a key
    failures = (state.failures or 0) + 1
    if ctx.shared.metrics is not None:
        ctx.shared.metrics.poll(source.name, source.kind, "failed", None, time.time())
    delay = backoff(ctx.cfg.interval(source), failures, ctx.cfg.watcher.retry_max)
    if isinstance(e, FetchError) and e.retry_after:
        delay = max(delay, min(e.retry_after, 24 * 3600))
    since = state.failing_since or now
    log.warning("%s: %s (failure %d; next try in %s)", source.name, msg, failures, format_duration(delay),
                extra={"source": source.name, "outcome": "failed", "error": msg, "failures": failures,
                       "retry_in_s": round(delay)})
    try:
        await save_state(ctx, source.name, dict(last_error=msg[:500], last_attempt=now, failures=failures,
                                                failing_since=since, next_poll=now + timedelta(seconds=delay)))
        if not state.health_alerted and (now - since).total_seconds() >= ctx.cfg.watcher.health_after:
            from .notify import health_failing

            if await send_health(ctx, health_failing(source.name, failures, since, msg)):
                await save_state(ctx, source.name, dict(health_alerted=True))
    except StoreError as se:
        log.error("%s: cannot record failure: %s", source.name, se)
    return PollResult(source.name, False, error=msg)


def backoff(interval: float, failures: int, cap: float) -> float:
    """Exponential backoff from the poll interval, capped, with +-20% jitter."""
    base = min(cap, interval * (2 ** max(0, failures - 1)))
    return max(interval, base) * random.uniform(0.8, 1.2) if base < cap else cap * random.uniform(0.9, 1.0)


async def send_health(ctx: Context, message: Message) -> bool:
    """A message about watcher itself, to health_notify (default: every notifier; the log when none)."""
    names = ctx.cfg.watcher.health_notify if ctx.cfg.watcher.health_notify is not None else [
        n.name for n in ctx.cfg.notifier]
    if not names:
        log.warning("%s: %s", message.title, message.body)
        return True
    ok = False
    for n in names:
        sent, err = await ctx.notifiers.send(n, message)
        if not sent:
            log.warning("health message to %s failed: %s", n, err)
        ok = ok or sent
    return ok


# --------------------------------------------------------------------------- delivery
async def deliver(ctx: Context, *, ignore_backoff: bool = False) -> tuple[int, int]:
    """Send what is due. Each notifier's queue runs on its own, so one dead notifier never
    holds up another; a notifier that fails is not tried again for the rest of this round.
    Each delivery is claimed in the database first, so two processes never send it twice."""
    async with ctx.shared.deliver_lock:  # held while reading what is due, not while sending
        if ctx.shared.unmarked:
            await asyncio.to_thread(_record_unmarked, ctx)
            if not ctx.shared.unmarked:  # everything the journal holds is recorded (a line appended
                sentlog.clear(ctx.shared.journal)  # meanwhile only records a send again, harmlessly)
        if await asyncio.to_thread(ctx.shared.nothing_queued):
            return 0, 0
        now = ctx.clock()
        if ctx.cfg.watcher.delivery_expiry:
            n = await asyncio.to_thread(ctx.store.expire, now - timedelta(seconds=ctx.cfg.watcher.delivery_expiry))
            if n:
                log.error("gave up on %d undelivered alerts older than delivery_expiry", n)
        names = ctx.notifier_names()
        due = await asyncio.to_thread(ctx.store.due, now, notifiers=names, ignore_backoff=ignore_backoff)
        due = [d for d in due if d.outbox_id not in ctx.shared.unmarked]  # sent already: never again
        due = await _drop_muted(ctx, due, now)
        await _warn_orphans(ctx, names)
        queues: dict[str, list[Delivery]] = {}
        for d in due:
            queues.setdefault(d.alert.notifier, []).append(d)
        if not ignore_backoff:  # a notifier backing off after a failure: new alerts wait with the old
            held = await asyncio.to_thread(_held_notifiers, ctx, list(queues), now)
            queues = {n: q for n, q in queues.items() if n not in held}
        # a notifier still sending an earlier round is skipped (its rows are claimed; the rest wait
        # for the next round): a slow notifier holds up neither another notifier nor a poll
        busy = ctx.shared.sending
        ctx.shared.again.update(n for n in queues if n in busy)  # run once more when that round ends
        queues = {n: q for n, q in queues.items() if n not in busy}
        busy.update(queues)

    async def one(name: str, queue: list[Delivery]) -> tuple[int, int]:
        try:
            return await _deliver_queue(ctx, name, queue)
        finally:
            busy.discard(name)  # each notifier is free again when its own queue is done
            if name in ctx.shared.again:  # alerts came while it was sending: another round now
                ctx.shared.again.discard(name)
                if not ctx.shared.stopping:
                    t = asyncio.ensure_future(deliver(ctx))
                    ctx.shared.rounds.add(t)
                    t.add_done_callback(ctx.shared.rounds.discard)

    try:
        results = await asyncio.gather(*(one(name, q) for name, q in queues.items()))
    finally:
        busy.difference_update(queues)  # also for a queue cancelled before it began
    return sum(r[0] for r in results), sum(r[1] for r in results)


async def _drop_muted(ctx: Context, due: list[Delivery], now: datetime) -> list[Delivery]:
    """Deliveries a mute covers are marked "muted" (kept, never sent); the rest go on."""
    if not due:
        return due
    mutes = await asyncio.to_thread(ctx.store.mutes, now)
    if not mutes:
        return due
    silenced = [(d, m) for d in due if (m := muted_by(d.alert, mutes, now)) is not None]
    if not silenced:
        return due
    await asyncio.to_thread(ctx.store.mark_muted, [d.outbox_id for d, _ in silenced])
    for d, m in silenced:
        log.info("muted (%s until %s), not sent to %s: %s", m.target, format_time(m.until), d.alert.notifier,
                 d.alert.title)
    gone = {d.outbox_id for d, _ in silenced}
    return [d for d in due if d.outbox_id not in gone]


async def _warn_orphans(ctx: Context, names: list[str]) -> None:
    """Alerts queued for a notifier that is no longer configured wait; say so once per name."""
    counts = await asyncio.to_thread(ctx.store.outbox_counts)
    if ctx.shared.metrics is not None:
        ctx.shared.metrics.outbox_depth((n, c.get("pending", 0) + c.get("sending", 0)) for n, c in counts.items())
    for name, c in counts.items():
        waiting = c.get("pending", 0) + c.get("sending", 0)
        if name not in names and waiting and name not in ctx.shared.warned_orphans:
            ctx.shared.warned_orphans.add(name)
            log.warning("outbox holds %d alerts for notifier %r, which is not configured; "
                        "they wait until it is configured again", waiting, name)


def _held_notifiers(ctx: Context, names: list[str], now: datetime) -> set[str]:
    """Notifiers whose last send failed and whose retry time has not come (meta "hold:NAME")."""
    out = set()
    for n in names:
        until = ctx.store.get_meta(f"hold:{n}")
        if until and datetime.fromisoformat(until) > now:
            out.add(n)
    return out


async def _deliver_queue(ctx: Context, name: str, queue: list[Delivery]) -> tuple[int, int]:
    sent = failed = 0
    queue = await asyncio.to_thread(ctx.store.claim, queue, ctx.clock())  # what another process took, it sends
    notifier = next((n for n in ctx.cfg.notifier if n.name == name), None)
    limit = notifier.max_per_hour if notifier else None
    fold: list[Delivery] = []
    bundle: list[Delivery] = []  # this period's digest
    if notifier is not None and notifier.digest and queue:
        queue, bundle = await _digest_split(ctx, notifier, queue)
    if limit is not None and queue:
        queue, fold = await _flood_guard(ctx, name, queue, limit)
    for i, d in enumerate(queue):
        if ctx.shared.stopping:
            await asyncio.to_thread(ctx.store.release_all, [x.outbox_id for x in queue[i:] + fold + bundle])
            break
        # send-and-mark is one unit: cancelling the task (shutdown) must not leave a sent
        # alert unmarked, which would send it again on the next start
        ok, err = await asyncio.shield(_send_and_mark(ctx, name, d))
        if ok:
            sent += 1
            continue
        delay = min(ctx.cfg.watcher.retry_max, DELIVERY_RETRY_MAX, 60 * 2 ** d.attempts) * random.uniform(0.8, 1.2)
        until = ctx.clock() + timedelta(seconds=delay)
        await asyncio.to_thread(ctx.store.mark_failed, d.outbox_id, err or "failed", until)
        await asyncio.to_thread(ctx.store.release_all, [x.outbox_id for x in queue[i + 1:]])
        await asyncio.to_thread(ctx.store.defer_notifier, name, until)  # the whole queue waits
        await asyncio.to_thread(ctx.store.set_meta, f"hold:{name}", until.isoformat())  # and what comes later
        log.warning("notifier %s: delivery failed (%s); %d alerts wait, retry in %s",
                    name, err, len(queue) - sent, format_duration(delay))
        failed += 1
        await asyncio.to_thread(ctx.store.release_all, [x.outbox_id for x in fold + bundle])
        break
    else:
        if fold and limit is not None:
            title, body = flood.summary([d.alert for d in fold], limit)
            if await _send_bundle(ctx, name, fold, title, body, "folded", "flood summary"):
                await asyncio.to_thread(ctx.store.set_meta, f"flood:{name}", ctx.clock().isoformat())
                sent += len(fold)
            else:
                failed += 1
        if bundle and notifier is not None and notifier.digest:
            from . import digest

            title, body = digest.render([d.alert for d in bundle], digest.parse(notifier.digest))
            if await _send_bundle(ctx, name, bundle, title, body, "digested", "digest"):
                sent += len(bundle)
            else:
                failed += 1
    return sent, failed


async def _digest_split(ctx: Context, notifier: NotifierCfg, queue: list[Delivery]
                        ) -> tuple[list[Delivery], list[Delivery]]:
    """digest.py for one notifier's claimed queue: the deliveries sent one by one (rules outside
    digest_rules), and this period's digest; the rest wait, held until the next digest time."""
    from zoneinfo import ZoneInfo

    from . import digest

    assert notifier.digest is not None
    schedule, tz, now = digest.parse(notifier.digest), ZoneInfo(ctx.cfg.watcher.timezone), ctx.clock()
    rules = notifier.digest_rules
    routed = [d for d in queue if rules is None or d.alert.rule in rules]
    immediate = [d for d in queue if not (rules is None or d.alert.rule in rules)]
    send, wait = digest.split([d.queued_at or now for d in routed], schedule, now, tz)
    if wait:
        until = digest.next_slot(schedule, now, tz)
        await asyncio.to_thread(ctx.store.hold, [routed[i].outbox_id for i in wait], until)
    return immediate, [routed[i] for i in send]


async def _flood_guard(ctx: Context, name: str, queue: list[Delivery], limit: int
                       ) -> tuple[list[Delivery], list[Delivery]]:
    """flood.py for one notifier's claimed queue: what to send one by one, and what to fold into
    one summary after them; what must wait for the next hour is given back and deferred."""
    now = ctx.clock()
    count = await asyncio.to_thread(ctx.store.sent_count, name, now - flood.HOUR)
    last = await asyncio.to_thread(ctx.store.get_meta, f"flood:{name}")
    plan = flood.plan_flood(queue, limit, count, datetime.fromisoformat(last) if last else None, now)
    if plan.held and plan.hold_until is not None:
        await asyncio.to_thread(ctx.store.release_all, [d.outbox_id for d in plan.held])
        await asyncio.to_thread(ctx.store.defer_notifier, name, plan.hold_until)
        log.info("notifier %s: flood guard (%d an hour): %d alerts wait for the next summary at %s",
                 name, limit, len(plan.held), format_time(plan.hold_until))
    return plan.each, plan.fold


async def _send_bundle(ctx: Context, name: str, bundle: list[Delivery], title: str, body: str, status: str,
                       what: str) -> bool:
    """One message for many deliveries (a flood-guard summary, a digest). They are marked `status`
    only when it went out; otherwise they are given back and the notifier waits a little."""
    from .notify import Message

    now = ctx.clock()
    ok, err = await ctx.notifiers.send(name, Message(title, body, "text"))
    if not ok:
        until = now + timedelta(seconds=min(ctx.cfg.watcher.retry_max, DELIVERY_RETRY_MAX, 300.0))
        await asyncio.to_thread(ctx.store.release_all, [d.outbox_id for d in bundle])
        await asyncio.to_thread(ctx.store.defer_notifier, name, until)
        log.warning("notifier %s: %s failed (%s); %d alerts wait, retry at %s", name, what, err, len(bundle),
                    format_time(until))
        return False
    await asyncio.to_thread(ctx.store.mark_folded, [d.outbox_id for d in bundle], now, status)
    log.info("notifier %s: %s of %d alerts sent", name, what, len(bundle))
    return True


async def _send_and_mark(ctx: Context, name: str, d: Delivery) -> tuple[bool, str | None]:
    if name == LOG_NOTIFIER and not ctx.cfg.notifier:
        from .notify import log_alert

        log.warning("%s", log_alert(d.alert))
        ok, err = True, None
    else:
        ok, err = await ctx.notifiers.send(name, ctx.notifiers.render(name, d.alert))
    if ok:
        try:
            await asyncio.to_thread(ctx.store.mark_sent, d.outbox_id, ctx.clock())
        except StoreError as e:
            # sent, but the database cannot say so (locked, full, gone): remember it here, so this
            # process never sends it again, and record it when the database answers
            at = ctx.clock()
            ctx.shared.unmarked[d.outbox_id] = at
            # an fsync on a sick disk may take long: not on the event loop
            kept = await asyncio.to_thread(sentlog.append, ctx.shared.journal, d.outbox_id, at)
            log.error("sent to %s but could not record it (%s); it is kept %s and recorded when the "
                      "database answers", name, e, f"in {ctx.shared.journal}" if kept else "in memory")
    if ctx.shared.metrics is not None:
        ctx.shared.metrics.delivery(name, ok)
    return ok, err


def _record_unmarked(ctx: Context) -> None:
    """Record sends the database could not take at the time (in a worker thread)."""
    for outbox_id, at in list(ctx.shared.unmarked.items()):
        try:
            ctx.store.mark_sent(outbox_id, at)
        except StoreError:
            return  # still sick: try again next round
        ctx.shared.unmarked.pop(outbox_id, None)


# --------------------------------------------------------------------------- one pass
async def poll_all(ctx: Context, only: list[Source] | None = None) -> list[PollResult]:
    """Poll every enabled source at once; the successes' states are written in one transaction."""
    todo = [s for s in (only or ctx.cfg.source) if s.enabled]
    states = [await state_of(ctx, s.name) for s in todo]
    try:
        polls = (poll_source(ctx, s, st, defer=True) for s, st in zip(todo, states, strict=True))
        return list(await asyncio.gather(*polls))
    finally:
        await flush_states(ctx)


@dataclass(frozen=True)
class OnceResult:
    results: list[PollResult]
    sent: int
    failed: int


async def run_once(cfg: Config, *, clock: Clock = utcnow) -> OnceResult:
    """One pass, as `watcher once`: poll every source, then send everything queued (backoff
    ignored). Every report of an event is gathered before its alert goes out, so the alert lists
    them all. apprise takes a tenth of a second to load its plugins: notifier URLs this apprise
    already accepted need no new check, others are checked in a thread while the sources answer,
    and a bad one raises NotifyError (a config error)."""
    url = config_mod.database_url(cfg)
    path = sqlite_path(url)
    shared = Shared(url=url, clock=clock, quick=QuickStore.open(url),  # SQLAlchemy loads only if needed
                    new_file=path is not None and not path.exists())
    ctx = Context.build(cfg, shared, worker_process=len(cfg.source) > 1, eager_notifiers=False, open_soon=True)
    fingerprint = notifier_fingerprint(cfg)

    async def check_notifiers() -> Notifiers | None:
        if await asyncio.to_thread(ctx.shared.get_meta, "notifiers_ok") == fingerprint:
            return None
        return await asyncio.to_thread(_notifiers, cfg)

    building = asyncio.ensure_future(check_notifiers())  # beside the polls: it may wait for the store
    try:
        results = await poll_all(ctx)
        built = await building
        if built is not None:
            ctx._notifiers = built
            await asyncio.to_thread(ctx.store.set_meta, "notifiers_ok", fingerprint)
        sent, failed = await deliver(ctx, ignore_backoff=True)
        return OnceResult(results, sent, failed)
    finally:
        if not building.done():
            await asyncio.wait([building])
        await ctx.aclose()
        ctx.shared.close()


def notifier_fingerprint(cfg: Config) -> str:
    """Which notifier URLs, checked by which apprise: a digest (the URLs hold secrets)."""
    from importlib.metadata import PackageNotFoundError, version  # 13 ms to import: only here

    try:
        apprise_version = version("apprise")
    except PackageNotFoundError:
        apprise_version = "?"
    text = json.dumps([apprise_version] + [[n.name, n.url, n.format] for n in cfg.notifier])
    return hashlib.sha256(text.encode()).hexdigest()


async def prune(ctx: Context) -> int:
    """Retention: drop the bodies of items older than `retention`, and forget items (and their
    events) twice as old as the longer of retention and max_age."""
    w, now = ctx.cfg.watcher, ctx.clock()
    before = now - timedelta(seconds=w.retention)
    n: int = await asyncio.to_thread(ctx.store.prune, before,
                                     forget_before=now - timedelta(seconds=2 * max(w.retention, w.max_age)))
    if n:
        log.info("pruned the bodies of %d items seen before %s", n, before.date())
    return n


async def preview(cfg: Config, source: Source, *, clock: Clock = utcnow) -> tuple[list[Item], Collected]:
    """fetch -> parse -> normalize for one source, on the poll path, storing and sending nothing
    (`watcher fetch`): the items exactly as the matcher would see them, and what failed. A source
    that cannot be fetched raises its FetchError."""
    fetcher = Fetcher(cfg.watcher)
    try:
        now = clock()
        from .sources.edgar import EdgarGateway

        kind = sources.KINDS[source.kind]
        download = await kind.fetch(sources.Request(source=source, cfg=cfg, fetcher=fetcher,
                                                    edgar=EdgarGateway(fetcher, cfg.watcher.edgar_rate), now=now))
        collected = await asyncio.to_thread(kind.parse, download, source, now)
        return [normalize(r, source.name, now) for r in collected.items], collected
    finally:
        await fetcher.aclose()


def startup_warnings(cfg: Config) -> list[str]:
    """What a starting daemon should say about its config."""
    return config_mod.warnings(cfg)
