"""The long-running service: APScheduler 3.x (AsyncIOScheduler), one job per source.

Signals: SIGTERM/SIGINT stop within a few seconds (in-flight polls get a short grace, then are
abandoned: nothing is half-stored because each store write is one transaction); SIGHUP reloads
the config and reschedules, keeping the old config when the new one is invalid. systemd: READY=1
once running, WATCHDOG=1 from the event loop, RELOADING=1/STOPPING=1 around those events.

The database is looked at every few seconds (a stat and a flag, dbguard.py): deleted, replaced or
without its tables, the daemon stops with one line and exit 3 rather than store into nothing; one
that fails (damaged, its disk full) gets the health message a failing source gets.
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]  # 3.x ships no types

from . import config as config_mod
from . import dbguard, instance
from .config import Config, Source, format_time
from .errors import ConfigError, StoreError
from .group import Membership
from .pipeline import (
    Clock,
    Context,
    deliver,
    flush_states,
    poll_source,
    prune,
    send_health,
    startup_warnings,
    state_of,
)
from .poll_state import PollState
from .store import Store, display_url, utcnow

if TYPE_CHECKING:
    from .notify import Message

log = logging.getLogger("watcher")

DELIVERY_EVERY = 30.0  # seconds between outbox sweeps (failed deliveries wait their backoff)
PRUNE_EVERY = 6 * 3600.0
STATE_FLUSH_EVERY = 10.0  # seconds a quiet poll's timestamps may wait in memory (poll_state.py)
STOP_GRACE = 6.0  # seconds in-flight work may take after SIGTERM
DB_CHECK_EVERY = 2.0  # seconds between looks at the database file (one stat) and its health
DB_CHECK_QUIET = 10.0  # the same with no file to look at (PostgreSQL) while the database takes writes:
                       # a wakeup of an idle process costs a VM more CPU than the look itself
HEALTH_RETRY = 60.0  # seconds before a database health message that could not be sent is tried again
EXIT_DB_GONE = 3  # the database was deleted, replaced or lost its tables under the run


def sd_notify(message: str) -> None:
    """Tell systemd (Type=notify) about our state; a no-op outside systemd."""
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr:
        return
    if addr.startswith("@"):
        addr = "\0" + addr[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.connect(addr)
            s.sendall(message.encode())
    except OSError as e:
        log.debug("sd_notify failed: %s", e)


def db_check_every(has_file: bool, failing: bool) -> float:
    """Seconds to the next database check (pure): DB_CHECK_EVERY where there is a file to look at
    (SQLite: a deleted or replaced file is noticed within seconds) or the database is failing,
    else DB_CHECK_QUIET."""
    return DB_CHECK_EVERY if has_file or failing else DB_CHECK_QUIET


def _hosts(cfg: Config) -> dict[str, str]:
    """Every enabled source's name and host (a group claims sources host by host)."""
    return {s.name: (urlsplit(s.endpoint).hostname or "").lower() for s in cfg.source if s.enabled}


class Daemon:
    def __init__(self, cfg: Config, config_path: str | None, *, clock: Clock = utcnow):
        self.cfg = cfg
        self.clock = clock
        self.config_path = config_path
        self._ctx: Context | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self.stop = asyncio.Event()
        self.inflight: set[asyncio.Task[Any]] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._source_locks: dict[str, asyncio.Lock] = {}
        self._first_round: dict[str, bool] = {}  # source -> its first poll of this run succeeded
        self._users: dict[int, int] = {}  # id(context) -> its polls in flight
        self._retired: dict[int, Context] = {}  # replaced by a reload, closed when its last poll ends
        self._said_offline = False
        self._db_gone: str | None = None  # why the database is no longer the one opened: stopping
        self._db_since: datetime | None = None  # the database has failed since (our clock)
        self._db_said_corrupt = False
        self._db_alerted = False
        self._db_retry: datetime | None = None  # a health message that failed to go out is retried then
        self._db_timer: asyncio.TimerHandle | None = None
        self.group: Membership | None = None  # the sources this instance polls (all of them on SQLite)

    @property
    def ctx(self) -> Context:
        if self._ctx is None:
            raise RuntimeError("the daemon is not running")
        return self._ctx

    @property
    def scheduler(self) -> AsyncIOScheduler:
        if self._scheduler is None:
            raise RuntimeError("the daemon is not running")
        return self._scheduler

    # ------------------------------------------------------------------ jobs
    async def _poll_job(self, name: str) -> None:
        if self.group is not None and not self.group.holds(name):
            return  # another instance of the group holds this source's lease (group.py)
        # Never two polls of one source at once: a run that comes while one is in flight (a
        # reload asking for an immediate poll of an edited source) waits for it, then goes.
        lock = self._source_locks.setdefault(name, asyncio.Lock())
        async with lock:
            ctx = self.ctx
            try:
                source = ctx.cfg.source_named(name)
            except KeyError:
                return
            state = await state_of(ctx, name)
            if state.next_poll and state.next_poll > ctx.clock():
                return  # backing off after failures
            self._users[id(ctx)] = self._users.get(id(ctx), 0) + 1
            try:
                await self._guarded(self._poll_and_deliver(ctx, source, state),
                                    ctx.cfg.source_timeout(source) * 3 + 60)
            finally:
                self._done_with(ctx)

    async def _poll_and_deliver(self, ctx: Context, source: Source, state: PollState) -> None:
        res = await poll_source(ctx, source, state)
        self._note_first_round(ctx, source.name, res.ok)
        if res.new_alerts:  # sent in the background: the poll job ends now, whatever the notifiers do
            t = asyncio.ensure_future(self._guarded(deliver(ctx), 600))
            self._tasks.add(t)
            t.add_done_callback(self._tasks.discard)

    def _note_first_round(self, ctx: Context, name: str, ok: bool) -> None:
        """When every enabled source failed its first poll of this run, say so once: the trouble
        is more likely the network (or a proxy) than each of the sources."""
        if name in self._first_round or self._said_offline:
            return
        self._first_round[name] = ok
        enabled = [s.name for s in ctx.cfg.source if s.enabled]
        if len(enabled) > 1 and all(n in self._first_round for n in enabled) and not any(self._first_round.values()):
            self._said_offline = True
            log.error("no source could be reached (all %d failed their first poll): is the network up? "
                      "(watcher status shows each error)", len(enabled))

    async def _group_job(self) -> None:
        await self._guarded(self._beat(), 60)

    async def _beat(self) -> None:
        """A heartbeat: renew this instance's leases, claim its share, and take over sources
        gained (their state as the last holder stored it; polled at once when their time has come)."""
        assert self.group is not None
        ctx = self.ctx
        now = ctx.clock()
        gained, lost = await asyncio.to_thread(self.group.beat, now)
        if not (gained or lost):
            return
        if self._scheduler is None:
            return  # the first beat, at start: the schedule is made from what it holds
        for name in lost:
            job = self.scheduler.get_job(f"source:{name}")
            if job is not None:
                job.remove()
        if gained:
            rows = await asyncio.to_thread(ctx.shared.source_rows)
            ctx.shared.states.refresh(rows, gained)
            for name in sorted(gained):
                try:
                    source = ctx.cfg.source_named(name)
                except KeyError:
                    continue
                # keep the source's cadence: its next poll an interval after the last holder's
                # last one (now, when that has passed), not at this instance's own phase
                last = ctx.shared.states.get(name).last_attempt
                wait = 0.0 if last is None else ctx.cfg.interval(source) - (now - last).total_seconds()
                self._add_source_job(source, datetime.now().astimezone() + timedelta(seconds=max(0.0, wait)))
        log.info("group: this instance (%s) holds %d sources (%d taken on, %d handed over)", instance.ID,
                 len(self.group.held), len(gained), len(lost))

    async def _deliver_job(self) -> None:
        await self._guarded(deliver(self.ctx), 600)

    async def _flush_job(self) -> None:
        await self._guarded(flush_states(self.ctx), 120)

    async def _prune_job(self) -> None:
        ctx = self.ctx
        if ctx.store.shared and not await asyncio.to_thread(ctx.store.claim_chore, "prune", ctx.clock(), PRUNE_EVERY):
            return  # another instance of the group pruned lately: once is enough
        await self._guarded(prune(ctx), 600)

    async def _guarded(self, coro: Coroutine[Any, Any, Any], limit: float) -> None:
        """Bound every job (a hung job would block its schedule) and track it for shutdown."""
        task = asyncio.current_task()
        assert task is not None
        self.inflight.add(task)
        try:
            async with asyncio.timeout(limit):
                await coro
        except TimeoutError:
            log.error("job exceeded %ss and was cancelled", int(limit))
        except StoreError as e:  # database trouble, not a bug: one line, and the health check hears of it
            if self._ctx is None or self.ctx.store.moved() is None:
                log.error("job failed: %s", e)
            self._db_tick(again=False)
        except Exception:  # noqa: BLE001 - the scheduler must keep running
            log.exception("job failed")
        finally:
            self.inflight.discard(task)

    # ------------------------------------------------------------------ schedule
    def _schedule(self, first_run: bool, old: Config | None = None) -> None:
        sch = self.scheduler
        cfg = self.ctx.cfg
        wanted = {f"source:{s.name}" for s in cfg.source if s.enabled}
        for job in sch.get_jobs():
            if job.id.startswith("source:") and job.id not in wanted:
                job.remove()
                log.info("unscheduled %s", job.id[7:])
        now = datetime.now().astimezone()
        for s in cfg.source:
            if not s.enabled:
                continue
            jid = f"source:{s.name}"
            existing = sch.get_job(jid)
            if self.group is not None and not self.group.holds(s.name):
                if existing is not None:  # another instance of the group polls it
                    existing.remove()
                continue
            changed = old is not None and s not in old.source  # new or edited: poll it now
            start = now if (first_run or existing is None or changed) else None
            self._add_source_job(s, start or (existing.next_run_time if existing else now))
        sch.add_job(self._deliver_job, "interval", id="deliver", seconds=DELIVERY_EVERY, replace_existing=True,
                    max_instances=1, coalesce=True, misfire_grace_time=60)
        if self.group is not None and self.ctx.store.shared:
            self.group.sources = _hosts(cfg)
            sch.add_job(self._group_job, "interval", id="group", seconds=self.group.beat_every, replace_existing=True,
                        max_instances=1, coalesce=True, misfire_grace_time=60)
        sch.add_job(self._flush_job, "interval", id="flush", seconds=STATE_FLUSH_EVERY, replace_existing=True,
                    max_instances=1, coalesce=True, misfire_grace_time=60)
        sch.add_job(self._prune_job, "interval", id="prune", seconds=PRUNE_EVERY, replace_existing=True,
                    next_run_time=now + timedelta(seconds=60), max_instances=1, coalesce=True,
                    misfire_grace_time=3600)

    def _add_source_job(self, s: Source, next_run_time: datetime) -> None:
        interval = self.ctx.cfg.interval(s)
        self.scheduler.add_job(self._poll_job, "interval", args=[s.name], id=f"source:{s.name}", name=s.name,
                               replace_existing=True, seconds=interval,
                               jitter=min(self.ctx.cfg.watcher.jitter, interval / 4), next_run_time=next_run_time,
                               max_instances=2, coalesce=True, misfire_grace_time=max(60, int(interval)))

    # ------------------------------------------------------------------ reload
    async def reload(self) -> None:
        if self._scheduler is None or self._ctx is None:
            return
        sd_notify(f"RELOADING=1\nMONOTONIC_USEC={time.monotonic_ns() // 1000}")
        try:
            new = config_mod.load(self.config_path)
        except ConfigError as e:
            log.error("reload refused, keeping the running config:\n%s", e)
            sd_notify("READY=1")
            return
        if self.cfg.source and not any(s.enabled for s in new.source):
            # an emptied or half-written file would silently stop all polling: keep what runs
            log.error("reload refused, keeping the running config: %s enables no source (to stop polling, "
                      "stop the service)", self.config_path)
            sd_notify("READY=1")
            return
        try:
            old = self.ctx
            if config_mod.database_url(new) != config_mod.database_url(old.cfg):
                log.warning("watcher.database changed; it takes effect on restart")
                new = new.model_copy(update={"watcher": new.watcher.model_copy(
                    update={"database": old.cfg.watcher.database})})
            # one delivery lock, one ingest lock, one EDGAR gateway (its rate limit and any SEC
            # block) across the old and the new config: polls still running keep using the old
            ctx = Context.build(new, old.shared)
        except Exception as e:  # noqa: BLE001
            log.error("reload refused, keeping the running config: %s", e)
            sd_notify("READY=1")
            return
        self._ctx, self.cfg = ctx, new
        self._schedule(first_run=False, old=old.cfg)
        log.info("config reloaded: %d sources, %d companies, %d rules, %d notifiers",
                 len(new.source), len(new.company), len(new.rule), len(new.notifier))
        sd_notify("READY=1")
        self._retire(old)

    def _retire(self, old: Context) -> None:
        """A replaced context closes (its HTTP clients, its parse pool) when its last poll in
        flight is done, however long that takes: a slow poll across a reload keeps its client."""
        if self._users.get(id(old)):
            self._retired[id(old)] = old
        else:
            self._close(old)

    def _done_with(self, ctx: Context) -> None:
        left = self._users.get(id(ctx), 1) - 1
        if left > 0:
            self._users[id(ctx)] = left
            return
        self._users.pop(id(ctx), None)
        retired = self._retired.pop(id(ctx), None)
        if retired is not None:
            self._close(retired)

    def _close(self, old: Context) -> None:
        t = asyncio.ensure_future(old.aclose())
        self._tasks.add(t)
        t.add_done_callback(self._tasks.discard)

    def _on_hup(self) -> None:
        t = asyncio.ensure_future(self.reload())
        self._tasks.add(t)  # keep a reference: the loop holds tasks only weakly
        t.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ main
    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        store = Store(config_mod.database_url(self.cfg))
        self._ctx = Context.build(self.cfg, store, clock=self.clock)
        self.group = Membership.of(store, _hosts(self.cfg),
                                   min((self.cfg.interval(s) for s in self.cfg.source if s.enabled), default=900.0))
        if store.shared:  # the first heartbeat before the first polls: they go to the sources this one holds
            await self._beat()
        self._scheduler = AsyncIOScheduler(event_loop=loop, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
        self._schedule(first_run=True)
        self.scheduler.start()
        metrics_server = self._serve_metrics()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        loop.add_signal_handler(signal.SIGHUP, self._on_hup)
        for warning in startup_warnings(self.cfg):
            log.warning("%s", warning)
        await self._say_backoff()
        log.info("watcher running: %d sources, %d notifiers, database %s",
                 sum(s.enabled for s in self.cfg.source), len(self.cfg.notifier), display_url(store.url))
        sd_notify("READY=1\nSTATUS=polling")
        watchdog = self._start_watchdog(loop)
        self._db_timer = loop.call_later(self._db_every(), self._db_tick)
        # alerts left in the outbox by an earlier run (crash, outage) go out first, as a tracked job
        startup = asyncio.ensure_future(self._guarded(deliver(self.ctx, ignore_backoff=True), 300))
        self._tasks.add(startup)
        # the matcher (a quarter of a second of imports and index building) is made now, while the
        # first polls wait on the network, not when the first new item arrives (`once` builds it
        # only when an item needs it)
        warm = asyncio.ensure_future(self._guarded(asyncio.to_thread(self.ctx.get_matcher), 120))
        self._tasks.add(warm)
        warm.add_done_callback(self._tasks.discard)
        await self.stop.wait()
        if self._db_timer is not None:
            self._db_timer.cancel()
        log.info("stopping")
        sd_notify("STOPPING=1")
        self.ctx.shared.stopping = True
        self.scheduler.pause()
        pending = [t for t in self.inflight if not t.done()]
        if pending:
            done, not_done = await asyncio.wait(pending, timeout=STOP_GRACE)
            for t in not_done:
                t.cancel()
            if not_done:
                await asyncio.wait(not_done, timeout=1)
        self.scheduler.shutdown(wait=False)
        if metrics_server is not None:
            metrics_server.shutdown()
            metrics_server.server_close()
        try:
            async with asyncio.timeout(5):
                if self._db_gone is None:  # else there is nowhere to record them
                    await flush_states(self.ctx)
                    if store.shared and self.group is not None:  # the group takes this one's sources at once
                        await asyncio.to_thread(self.group.leave)
        except TimeoutError:
            log.error("could not record the last poll timestamps before stopping")
        except StoreError as e:
            log.error("could not record the last poll timestamps or hand over the sources: %s", e)
        if watchdog:
            watchdog.cancel()
        try:
            async with asyncio.timeout(2):
                await self.ctx.aclose()
        except TimeoutError:
            pass
        store.close()
        log.info("stopped")
        return EXIT_DB_GONE if self._db_gone is not None else 0

    # ------------------------------------------------------------------ the database
    def _db_every(self) -> float:
        store = self._ctx.store if self._ctx is not None else None
        if store is None:
            return DB_CHECK_EVERY
        failing = self._db_since is not None or (store.health is not None and store.health.snapshot().failing)
        return db_check_every(store.path is not None, failing)

    def _db_tick(self, again: bool = True) -> None:
        """Every DB_CHECK_EVERY seconds on the loop (and after a job failed on the database): is
        the database still the file the store opened, and does it take writes? A stat and a
        look at the store's health: nothing is read from the database."""
        if again and not self.stop.is_set():
            self._db_timer = asyncio.get_running_loop().call_later(self._db_every(), self._db_tick)
        if self._ctx is None or self._db_gone is not None:
            return
        store = self.ctx.store
        where = str(store.path) if store.path is not None else display_url(store.url)
        why = store.moved()
        if why is not None:
            self._db_gone = why
            log.error("the database %s %s while watcher was running: stopping (exit %d) rather than store into "
                      "nothing; restore it and start watcher again (a new, empty database alerts again what the "
                      "feeds still carry)", where, why, EXIT_DB_GONE)
            self.stop.set()
            return
        if store.health is None:
            return
        h = store.health.snapshot()
        now = self.ctx.clock()
        if not h.failing:
            if self._db_since is not None:
                since, alerted = self._db_since, self._db_alerted
                self._db_since, self._db_alerted, self._db_said_corrupt, self._db_retry = None, False, False, None
                log.info("the database %s takes writes again", where)
                if alerted:
                    self._spawn(send_health(self.ctx, dbguard.recovered_message(where, since)))
            return
        if self._db_since is None:
            self._db_since = now
            if not h.corrupt:
                log.error("the database %s cannot be written (%s): what the polls find is not stored until it can%s",
                          where, h.last_error, "; free space on its disk" if h.kind == dbguard.FULL else "")
        if h.corrupt and not self._db_said_corrupt:
            self._db_said_corrupt = True
            hint = dbguard.recovery_hint(store.path) if store.path is not None else "restore it from a backup"
            log.error("the database %s is damaged (%s): what the polls find cannot be stored; %s",
                      where, h.last_error, hint)
        due = h.corrupt or (now - self._db_since).total_seconds() >= self.ctx.cfg.watcher.health_after
        if due and not self._db_alerted and (self._db_retry is None or now >= self._db_retry):
            self._db_alerted = True  # no second message while this one is on its way
            message = dbguard.failing_message(where, max(1, h.failures), self._db_since, h.last_error or "unknown",
                                              dbguard.CORRUPT if h.corrupt else h.kind, store.path)
            self._spawn(self._send_db_health(message, now))

    async def _send_db_health(self, message: Message, now: datetime) -> None:
        if not await send_health(self.ctx, message):
            self._db_alerted, self._db_retry = False, now + timedelta(seconds=HEALTH_RETRY)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        t = asyncio.ensure_future(self._guarded(coro, 120))
        self._tasks.add(t)
        t.add_done_callback(self._tasks.discard)

    def _serve_metrics(self) -> Any:
        """/metrics and /healthz on [watcher] metrics (metrics.py), or None when it is not set."""
        address = self.cfg.watcher.metrics
        if not address:
            return None
        from .dbcheck import problem
        from .metrics import Metrics, serve

        metrics = self.ctx.shared.metrics = Metrics()
        url = config_mod.database_url(self.cfg)

        def health() -> tuple[bool, str]:
            if self._scheduler is None or not self._scheduler.running or self.ctx.shared.stopping:
                return False, "the scheduler is not running"
            sick = self.ctx.store.health.snapshot() if self.ctx.store.health is not None else None
            if sick is not None and (sick.gone or sick.failing):
                return False, f"database: {sick.gone or sick.last_error}"
            found = problem(url, wait=1.0)
            return (False, f"database: {found}") if found else (True, "ok")

        try:
            server = serve(address, metrics, health)
        except OSError as e:
            log.error("watcher.metrics: cannot serve on %s: %s (no metrics)", address, e)
            return None
        log.info("metrics on http://%s/metrics, health on /healthz", address)
        return server

    async def _say_backoff(self) -> None:
        """Sources still backing off after failures before a restart wait their turn: say so."""
        now = self.ctx.clock()
        waiting = []
        for s in self.cfg.source:
            if s.enabled:
                st = await state_of(self.ctx, s.name)
                if st.next_poll is not None and st.next_poll > now:
                    waiting.append((st.next_poll, s.name))
        if waiting:
            waiting.sort()
            names = ", ".join(n for _, n in waiting[:5]) + (f" and {len(waiting) - 5} more" if len(waiting) > 5 else "")
            log.warning("%d sources are backing off after earlier failures and are not polled before their "
                        "retry (the first at %s): %s", len(waiting), format_time(waiting[0][0]), names)

    def _start_watchdog(self, loop: asyncio.AbstractEventLoop) -> _Watchdog | None:
        usec = os.environ.get("WATCHDOG_USEC")
        if not usec or not usec.isdigit():
            return None
        return _Watchdog(loop, int(usec) / 1e6 / 2)


class _Watchdog:
    """Tell systemd we are alive every `period` seconds, from the event loop (a hung loop stops it)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, period: float):
        self.loop, self.period = loop, period
        self.handle = loop.call_later(period, self.beat)

    def beat(self) -> None:
        sd_notify("WATCHDOG=1")
        self.handle = self.loop.call_later(self.period, self.beat)

    def cancel(self) -> None:
        self.handle.cancel()


def run(cfg: Config, config_path: str | None) -> int:
    """Run until SIGTERM/SIGINT, then exit at once: worker threads still inside a send or a
    parse are not waited for (everything stored is committed; a claimed delivery is retried)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    code = loop.run_until_complete(Daemon(cfg, config_path).run())  # not asyncio.run: it waits on threads
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
