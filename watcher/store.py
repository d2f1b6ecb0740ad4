"""SQLModel tables and the only SQL. SQLite in WAL mode; every write transaction begins
IMMEDIATE so it waits for the lock (busy_timeout) instead of failing half-way.

What the store decides: which items are new (by source key and by canonical URL), which new
items start a story (cluster) and so get an alert, and the outbox: one row per alert per
notifier, written in the same transaction as the item, marked sent only after success.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, ParamSpec, TypeVar

from sqlalchemy import Column, Index, String, Table, UniqueConstraint, delete, event, func, insert, or_, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.schema import SchemaConst
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, Session, SQLModel, col, create_engine, select

from . import cluster, events
from .errors import StoreError
from .models import Alert, EventInfo, Hit, Item

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_P = ParamSpec("_P")
_R = TypeVar("_R")

# A value save_source_state(s) writes into a SourceState column.
SourceStateValue = str | int | bool | datetime | None


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise StoreError("naive datetime given to the store; use aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _dt(*, nullable: bool | Literal[SchemaConst.NULL_UNSPECIFIED] = SchemaConst.NULL_UNSPECIFIED) -> Any:
    # Any, as sqlmodel.Field returns: it stands as the default of a `datetime | None` field
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


def _table(model: type[SQLModel]) -> Table:
    """A table model's Core table."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass, not declared
    return table


class SourceState(SQLModel, table=True):
    __tablename__ = "source_state"
    name: str = Field(primary_key=True)
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = _dt()
    last_attempt: datetime | None = _dt()
    last_error: str | None = None
    failures: int = 0
    failing_since: datetime | None = _dt()
    next_poll: datetime | None = _dt()
    health_alerted: bool = False
    items_seen: int = 0


class ItemRow(SQLModel, table=True):
    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("source", "key"), Index("ix_item_url", "url"),
                      Index("ix_item_seen", "seen_at"))
    id: int | None = Field(default=None, primary_key=True)
    source: str
    key: str
    url: str | None = None
    link: str | None = None
    title: str = ""
    summary: str = ""
    story_key: str = ""
    published: datetime | None = _dt()
    seen_at: datetime | None = _dt(nullable=False)
    story_id: int | None = None  # the item whose alert stands for this one (syndicated copy)
    alerted: bool = False
    companies: str = ""  # JSON list of matched companies (cluster needs it)
    form: str | None = None
    event: str | None = None
    pruned: bool = False
    event_id: int | None = Field(default=None, index=True)  # the event it reported (events.py)


class AlertRow(SQLModel, table=True):
    __tablename__ = "alert"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(index=True, unique=True)
    created_at: datetime | None = _dt(nullable=False)
    hits: str = "[]"  # JSON list of Hit fields
    also: str = "[]"  # JSON list of later reports while queued: {"source", "link"} (older rows: source names)
    event_id: int | None = None  # the event it stands for
    update_of: int | None = None  # a follow-up: the alert it updates
    facts: str | None = None  # a follow-up: JSON list of the facts it adds


class EventRow(SQLModel, table=True):
    """One real-world event (events.Event) and every report of it."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_company", "company", "first_seen"),)
    id: int | None = Field(default=None, primary_key=True)
    company: str
    kind: str
    role: str = ""
    stage: str | None = None
    counterparty: str | None = None
    amount: str | None = None
    currency: str | None = None
    usd: float | None = None
    also: str = "[]"  # JSON list of other kinds told of it
    facts: str = "[]"  # JSON list of stage facts reported so far
    rule: str = ""
    first_seen: datetime | None = _dt(nullable=False)
    last_seen: datetime | None = _dt(nullable=False)
    reports: int = 1
    sources: str = "[]"  # JSON list of the sources that reported it, first first
    alert_id: int | None = None  # the alert that announced it
    round: str | None = None
    valuation: str | None = None
    valuation_usd: float | None = None
    venue: str | None = None


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("alert_id", "notifier"), Index("ix_outbox_status", "status", "next_try"))
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int
    notifier: str
    status: str = "pending"  # pending | sending | sent | expired
    claimed_by: int | None = None  # pid of the process sending it (status "sending")
    lease_until: datetime | None = _dt()  # a claim older than this is void
    attempts: int = 0
    created_at: datetime | None = _dt(nullable=False)
    next_try: datetime | None = _dt()
    last_error: str | None = None
    sent_at: datetime | None = _dt()


class MetaRow(SQLModel, table=True):
    """Small facts the program keeps about itself (e.g. which notifier URLs were validated)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str = ""


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Candidate:
    """An item that matched, with the notifiers its alert goes to."""

    item: Item
    hits: tuple[Hit, ...]
    notifiers: tuple[str, ...]


@dataclass(frozen=True)
class IngestResult:
    new_items: int
    new_alerts: int
    copies: int  # matched items recorded against an earlier event or story
    updates: int = 0  # follow-up alerts: a later report added a fact to an alert already sent


@dataclass(frozen=True)
class Delivery:
    outbox_id: int
    attempts: int
    alert: Alert
    status: str = "pending"
    claimed_by: int | None = None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim_void(row: OutboxRow, now: datetime) -> bool:
    """A claim is void when its lease ran out or its process is gone (killed mid-send)."""
    if row.lease_until is None or row.lease_until <= now:
        return True
    return row.claimed_by is None or (row.claimed_by != os.getpid() and not _pid_alive(row.claimed_by))


def _hits_json(hits: Iterable[Hit]) -> str:
    return json.dumps([h.__dict__ for h in hits], ensure_ascii=False)


def _hits_from(text: str) -> tuple[Hit, ...]:
    out = []
    for d in json.loads(text or "[]"):
        d["keywords"] = tuple(d.get("keywords", ()))
        d["kinds"] = tuple(d.get("kinds", ()))
        d["stages"] = tuple(d.get("stages", ()))
        out.append(Hit(**d))
    return tuple(out)


def display_url(url: str) -> str:
    """The database URL with any password hidden (for logs, `check` and errors)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as a placeholder
        return "<database url>"


def _store_errors(cls: type[_T]) -> type[_T]:
    """Every public method raises StoreError (never a raw driver error) for database trouble."""

    def wrap(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(fn)
        def inner(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return fn(*args, **kwargs)
            except StoreError:
                raise
            except (SQLAlchemyError, sqlite3.Error) as e:
                raise StoreError(f"{fn.__name__}: {e.__class__.__name__}: {getattr(e, 'orig', None) or e}") from e
        return inner

    for name, fn in list(vars(cls).items()):
        if callable(fn) and not name.startswith("_") and name != "close":
            setattr(cls, name, wrap(fn))
    return cls


@_store_errors
class Store:
    def __init__(self, url: str):
        self.url = url
        connect_args = {"check_same_thread": False, "timeout": 30} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, connect_args=connect_args)
        if url.startswith("sqlite"):
            @event.listens_for(self.engine, "connect")
            def _on_connect(dbapi_conn: sqlite3.Connection, _rec: ConnectionPoolEntry) -> None:
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
                cur = dbapi_conn.cursor()
                if ":memory:" not in url:
                    cur.execute("PRAGMA auto_vacuum=INCREMENTAL")  # takes effect on a new file only
                    cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()

            @event.listens_for(self.engine, "begin")
            def _on_begin(conn: Connection) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            SQLModel.metadata.create_all(self.engine)
            _add_missing_columns(self.engine)
        except Exception as e:  # noqa: BLE001 - name the database in the message
            raise StoreError(f"cannot open database {display_url(url)}: {e}") from e

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ sources
    def source_state(self, name: str) -> SourceState:
        with Session(self.engine) as s:
            st = s.get(SourceState, name)
            if st is None:
                st = SourceState(name=name)
            s.expunge_all()
            return st

    def all_source_states(self) -> list[SourceState]:
        with Session(self.engine) as s:
            rows = list(s.exec(select(SourceState)))
            s.expunge_all()
            return rows

    def save_source_state(self, name: str, **changes: SourceStateValue) -> None:
        """Insert or update one source's row (one statement: this runs after every poll)."""
        row = {"failures": 0, "health_alerted": False, "items_seen": 0, **changes}
        stmt = sqlite_insert(_table(SourceState)).values(name=name, **row)
        if changes:
            stmt = stmt.on_conflict_do_update(index_elements=["name"], set_=changes)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=["name"])
        with self.engine.begin() as conn:
            conn.execute(stmt)

    def save_source_states(self, batch: list[tuple[str, dict[str, SourceStateValue]]]) -> None:
        """Many sources' states in one transaction (after a pass over every source)."""
        with self.engine.begin() as conn:
            for name, changes in batch:
                row = {"failures": 0, "health_alerted": False, "items_seen": 0, **changes}
                conn.execute(sqlite_insert(_table(SourceState)).values(name=name, **row)
                             .on_conflict_do_update(index_elements=["name"], set_=changes))

    def get_meta(self, key: str) -> str | None:
        with Session(self.engine) as s:
            row = s.get(MetaRow, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sqlite_insert(_table(MetaRow)).values(key=key, value=value)
                         .on_conflict_do_update(index_elements=["key"], set_={"value": value}))

    # ------------------------------------------------------------------ items
    def ingest(self, source: str, items: list[Item], matched: dict[str, Candidate], *,
               now: datetime, story_window: float, event_window: float = 14 * 86400.0) -> IngestResult:
        """Store the items that are new and queue one alert per new event.

        `matched` maps an item key to its Candidate (items that should alert). An item that tells
        of an event already open (events.joins) or copies a headline already alerted (cluster.py)
        joins it: while the event's alert is queued the report is added to it ("also reported
        by"), after it was sent it is recorded silently, unless it adds a fact (the amount, a
        close, an approval ...), which queues one short follow-up to the channels that had the
        alert. One transaction: an alert never exists without its item, nor an item without the
        alert it earned."""
        if not items:
            return IngestResult(0, 0, 0)
        new_items = new_alerts = copies = updates = 0
        label = source
        try:
            with Session(self.engine) as s:
                keys = [it.key for it in items]
                known_keys: set[str] = set()
                for chunk in _chunks(keys, 500):
                    known_keys.update(s.exec(select(ItemRow.key).where(col(ItemRow.source) == source,
                                                                       col(ItemRow.key).in_(chunk))))
                urls = [it.url for it in items if it.url and it.key not in known_keys]
                # canonical URL -> (first item id, whether that item carries or joined an alert)
                known_urls: dict[str, tuple[int, bool]] = {}
                for chunk in _chunks(urls, 500):
                    for url, iid, alerted, story in s.exec(
                            select(ItemRow.url, ItemRow.id, ItemRow.alerted, ItemRow.story_id)
                            .where(col(ItemRow.url).in_(chunk)).order_by(col(ItemRow.id))):
                        assert url is not None and iid is not None  # url matched IN (chunk); id is the key
                        known_urls.setdefault(url, (iid, bool(alerted or story)))
                candidates = None
                open_events: list[EventRow] | None = None
                seen_keys: set[str] = set()
                # items that alert nobody: one executemany, no ORM objects
                plain: list[dict[str, str | bool | datetime | None]] = []
                for it in items:
                    if it.key in known_keys or it.key in seen_keys:
                        continue
                    seen_keys.add(it.key)
                    cand = matched.get(it.key)
                    first = known_urls.get(it.url) if it.url else None
                    if first is not None and (cand is None or first[1]):
                        # the same article from another source: one item; note who else has it.
                        # (A copy that matches where the first did not, say with a fuller summary,
                        # goes on below and alerts.)
                        if cand is not None:
                            self._add_also(s, first[0], label, None)
                        s.add(ItemRow(source=source, key=it.key, url=None, link=it.link, title="",
                                      summary="", story_key="", published=it.published, seen_at=now,
                                      story_id=first[0] if first[1] else None, pruned=True))
                        continue
                    new_items += 1
                    if cand is None:
                        if it.url:
                            known_urls.setdefault(it.url, (-1, False))
                        plain.append(dict(source=source, key=it.key, url=it.url, link=it.link, title=it.title,
                                          summary=it.summary, story_key=it.story_key, published=it.published,
                                          seen_at=now, form=it.form, event=it.event, alerted=False,
                                          companies="", pruned=False))
                        continue
                    row = ItemRow(source=source, key=it.key, url=it.url, link=it.link, title=it.title,
                                  summary=it.summary, story_key=it.story_key, published=it.published,
                                  seen_at=now, form=it.form, event=it.event)
                    companies = sorted({h.company for h in cand.hits})
                    row.companies = json.dumps(companies, ensure_ascii=False)
                    told = events.from_hits(cand.hits)
                    if open_events is None:
                        open_events = list(s.exec(select(EventRow).where(
                            col(EventRow.first_seen) >= now - timedelta(seconds=event_window))
                            .order_by(col(EventRow.id))))
                    joined = {} if it.form else self._joined(told, open_events, now, event_window)
                    if candidates is None:
                        candidates = self._story_candidates(s, now - timedelta(seconds=story_window))
                    story = None if it.form else cluster.find_story(it.story_key, set(companies),
                                                                    [(c[0], c[1], c[2]) for c in candidates])
                    lead = joined.get(told[0].company) if told and len(joined) == len(told) else None
                    if lead is None and story is not None:
                        lead = self._event_of_story(s, story)  # a copy of a headline already alerted
                    if lead is not None or story is not None:
                        row.story_id = story if story is not None else self._event_item(s, lead)
                        row.event_id = lead.id if lead is not None else None
                        s.add(row)
                        s.flush()
                        assert row.id is not None  # the flush gave it one
                        if it.url:
                            known_urls.setdefault(it.url, (row.id, True))
                        shown = False  # an item's link goes into one alert only
                        for e in told:
                            ev = joined.get(e.company) or (lead if lead is not None and lead.company == e.company
                                                           else None)
                            if ev is not None:
                                n, placed = self._report(s, ev, e, row, label, now, show=not shown)
                                updates += n
                                shown = shown or placed
                        if lead is None:
                            self._add_also(s, story, label, it.link)
                        copies += 1
                        continue
                    row.alerted = True
                    s.add(row)
                    s.flush()
                    assert row.id is not None  # the flush gave it one
                    if it.url:
                        known_urls[it.url] = (row.id, True)
                    candidates.append((row.id, it.story_key, set(companies)))
                    fresh_rows = []
                    for e in told:
                        if e.company in joined:
                            self._count_report(joined[e.company], label, now)
                            s.add(joined[e.company])
                            continue
                        ev_row = _event_row(e, now, label)
                        s.add(ev_row)
                        s.flush()
                        if not it.form:
                            open_events.append(ev_row)
                        fresh_rows.append(ev_row)
                    row.event_id = fresh_rows[0].id if fresh_rows else None
                    alert = AlertRow(item_id=row.id, created_at=now, hits=_hits_json(cand.hits),
                                     event_id=row.event_id)
                    s.add(alert)
                    s.flush()
                    assert alert.id is not None  # the flush gave it one
                    for ev_row in fresh_rows:
                        ev_row.alert_id = alert.id
                        s.add(ev_row)
                    for name in cand.notifiers:
                        s.add(OutboxRow(alert_id=alert.id, notifier=name, created_at=now, next_try=now))
                    new_alerts += 1
                if plain:
                    s.execute(insert(_table(ItemRow)), plain)
                s.commit()
        except StoreError:
            raise
        except Exception as e:  # noqa: BLE001
            raise StoreError(f"cannot store items of {source}: {e}") from e
        return IngestResult(new_items, new_alerts, copies, updates)

    @staticmethod
    def _joined(told: list[events.Event], open_events: list[EventRow], now: datetime,
                window: float) -> dict[str, EventRow]:
        """company -> the open event each told event joins (the latest that fits)."""
        out: dict[str, EventRow] = {}
        for e in told:
            for ev in reversed(open_events):
                first = ev.first_seen or now
                if events.joins(_event_of(ev), e, (now - first).total_seconds(), window):
                    out[e.company] = ev
                    break
        return out

    def _event_of_story(self, s: Session, item_id: int) -> EventRow | None:
        """The event of the alerted item a headline copies."""
        row = s.get(ItemRow, item_id)
        while row is not None and row.story_id and row.story_id != row.id:
            row = s.get(ItemRow, row.story_id)
        return s.get(EventRow, row.event_id) if row is not None and row.event_id else None

    @staticmethod
    def _event_item(s: Session, ev: EventRow | None) -> int | None:
        """The item whose alert announced an event."""
        if ev is None or ev.alert_id is None:
            return None
        alert = s.get(AlertRow, ev.alert_id)
        return alert.item_id if alert is not None else None

    @staticmethod
    def _count_report(ev: EventRow, label: str, now: datetime) -> None:
        ev.reports = (ev.reports or 0) + 1
        ev.last_seen = now
        sources = json.loads(ev.sources or "[]")
        if label not in sources:
            sources.append(label)
            ev.sources = json.dumps(sources, ensure_ascii=False)

    def _report(self, s: Session, ev: EventRow, e: events.Event, row: ItemRow, label: str, now: datetime,
                show: bool = True) -> tuple[int, bool]:
        """A later report of an open event: count it; while the event's alert is queued add it
        there; when it adds a fact, fold the fact in and queue a follow-up to every channel that
        already had the alert. `show`: the report may still go into an alert (an item's link goes
        into one alert only). Returns (follow-ups queued, whether the report went into an alert)."""
        self._count_report(ev, label, now)
        old = _event_of(ev)
        facts = events.new_facts(old, e)
        merged = events.merge(old, e)
        ev.amount, ev.currency, ev.usd = merged.amount, merged.currency, merged.usd
        ev.facts = json.dumps(list(merged.facts), ensure_ascii=False)
        ev.also = json.dumps(list(merged.also))
        ev.counterparty, ev.stage, ev.round, ev.venue = merged.counterparty, merged.stage, merged.round, merged.venue
        ev.valuation, ev.valuation_usd = merged.valuation, merged.valuation_usd
        s.add(ev)
        if ev.alert_id is None or not show:
            return 0, False
        states = {n: st for n, st in s.exec(select(OutboxRow.notifier, OutboxRow.status)
                                            .where(OutboxRow.alert_id == ev.alert_id))}
        placed = False
        if any(st in ("pending", "sending") for st in states.values()):
            self._add_also_to(s, ev.alert_id, label, row.link)
            placed = True
        sent = [n for n, st in states.items() if st == "sent"]
        if not facts or not sent:
            return 0, placed
        assert row.id is not None  # ingest flushed it before reporting it
        alert = AlertRow(item_id=row.id, created_at=now, hits="[]", event_id=ev.id, update_of=ev.alert_id,
                         facts=json.dumps(list(facts), ensure_ascii=False))
        s.add(alert)
        s.flush()
        assert alert.id is not None  # the flush gave it one
        for name in sent:
            s.add(OutboxRow(alert_id=alert.id, notifier=name, created_at=now, next_try=now))
        return 1, True

    def _story_candidates(self, s: Session, since: datetime) -> list[tuple[int, str, set[str]]]:
        rows = s.exec(select(ItemRow.id, ItemRow.story_key, ItemRow.companies)
                      .where(col(ItemRow.alerted) == True, col(ItemRow.seen_at) >= since)  # noqa: E712
                      .order_by(col(ItemRow.id)))
        # (i is never None: the primary key of a stored row)
        return [(i, k, set(json.loads(c or "[]"))) for i, k, c in rows if i is not None]

    def _add_also(self, s: Session, item_id: int | None, label: str, link: str | None) -> None:
        """Record another source that carried the story, on the alert of the story's first item."""
        row = s.get(ItemRow, item_id) if item_id is not None else None
        while row is not None and row.story_id and row.story_id != row.id:
            row = s.get(ItemRow, row.story_id)
        if row is None:
            return
        alert = s.exec(select(AlertRow).where(AlertRow.item_id == row.id)).first()
        if alert is None:
            return
        if label == row.source and not link:
            return
        assert alert.id is not None  # a stored row
        self._add_also_to(s, alert.id, label, link, alert)

    @staticmethod
    def _add_also_to(s: Session, alert_id: int, label: str, link: str | None, alert: AlertRow | None = None) -> None:
        alert = alert or s.get(AlertRow, alert_id)
        if alert is None:
            return
        also = json.loads(alert.also or "[]")
        entry = {"source": label, "link": link}
        if any((x == label if isinstance(x, str) else x.get("source") == label and x.get("link") == link)
               for x in also):
            return
        also.append(entry)
        alert.also = json.dumps(also, ensure_ascii=False)
        s.add(alert)

    # ------------------------------------------------------------------ outbox
    def due(self, now: datetime, *, notifiers: Iterable[str] | None = None, ignore_backoff: bool = False,
            limit: int = 200) -> list[Delivery]:
        """Deliveries whose time has come, oldest first, at most `limit` per notifier (so one
        notifier's backlog never hides another's). Rows claimed by a process that died count as due."""
        with Session(self.engine) as s:
            names = list(notifiers) if notifiers is not None else list(
                s.exec(select(OutboxRow.notifier).where(col(OutboxRow.status).in_(("pending", "sending"))).distinct()))
            out = []
            for name in names:
                q = (select(OutboxRow, AlertRow, ItemRow)
                     .join(AlertRow, col(AlertRow.id) == OutboxRow.alert_id)
                     .join(ItemRow, col(ItemRow.id) == AlertRow.item_id)
                     .where(col(OutboxRow.notifier) == name, col(OutboxRow.status).in_(("pending", "sending"))))
                if not ignore_backoff:
                    q = q.where(or_(col(OutboxRow.next_try) == None, col(OutboxRow.next_try) <= now))  # noqa: E711
                rows = [(ob, al, it) for ob, al, it in s.exec(q.order_by(col(OutboxRow.id)).limit(limit))
                        if not (ob.status == "sending" and not _claim_void(ob, now))]  # another live process sends it
                ids = {al.event_id for _, al, _ in rows if al.event_id}
                evs = {e.id: event_info(e)
                       for e in s.exec(select(EventRow).where(col(EventRow.id).in_(ids)))} if ids else {}
                originals = {al.update_of for _, al, _ in rows if al.update_of}
                first_hits = {a.id: _hits_from(a.hits) for a in s.exec(select(AlertRow).where(
                    col(AlertRow.id).in_(originals)))} if originals else {}
                for ob, al, it in rows:
                    assert ob.id is not None and al.id is not None  # stored rows
                    also_links = _also_from(al.also)
                    record = evs.get(al.event_id) if al.event_id else None
                    hits = _hits_from(al.hits) or first_hits.get(al.update_of or -1, ())
                    out.append(Delivery(ob.id, ob.attempts, Alert(
                        id=al.id, notifier=ob.notifier, title=it.title, link=it.link, source=it.source,
                        published=it.published, hits=hits, summary=it.summary, event=it.event,
                        also=tuple(dict.fromkeys(src for src, _ in also_links)), also_links=also_links,
                        record=record, update=tuple(json.loads(al.facts or "[]")) if al.update_of else (),
                        original=record.headline if record is not None and al.update_of else "",
                        rule=hits[0].rule if hits else ""), ob.status, ob.claimed_by))
            return out

    def claim(self, deliveries: list[Delivery], now: datetime, lease: float = 600.0) -> list[Delivery]:
        """Take deliveries for this process, in one transaction; returns those it got (another
        process may have taken some first). A claim dies with its process or its lease."""
        got = []
        with Session(self.engine) as s:
            for d in deliveries:
                cond = [col(OutboxRow.id) == d.outbox_id, col(OutboxRow.status) == d.status]
                cond.append(col(OutboxRow.claimed_by) == d.claimed_by if d.claimed_by is not None
                            else col(OutboxRow.claimed_by) == None)  # noqa: E711
                r = s.exec(update(OutboxRow).where(*cond).values(
                    status="sending", claimed_by=os.getpid(), lease_until=now + timedelta(seconds=lease)))
                if (r.rowcount or 0) == 1:
                    got.append(d)
            s.commit()
        return got

    def mark_sent(self, outbox_id: int, now: datetime) -> None:
        with Session(self.engine) as s:
            s.exec(update(OutboxRow).where(col(OutboxRow.id) == outbox_id)
                   .values(status="sent", sent_at=now, claimed_by=None, attempts=OutboxRow.attempts + 1,
                           last_error=None))
            s.commit()

    def mark_failed(self, outbox_id: int, error: str, next_try: datetime) -> None:
        with Session(self.engine) as s:
            s.exec(update(OutboxRow).where(col(OutboxRow.id) == outbox_id)
                   .values(status="pending", claimed_by=None, attempts=OutboxRow.attempts + 1,
                           last_error=error[:500], next_try=next_try))
            s.commit()

    def release_all(self, outbox_ids: list[int]) -> None:
        """Give claimed deliveries back untried (shutting down, or the notifier failed)."""
        if not outbox_ids:
            return
        with Session(self.engine) as s:
            for chunk in _chunks(outbox_ids, 500):
                s.exec(update(OutboxRow).where(col(OutboxRow.id).in_(chunk), col(OutboxRow.status) == "sending",
                                               col(OutboxRow.claimed_by) == os.getpid())
                       .values(status="pending", claimed_by=None))
            s.commit()

    def defer_notifier(self, notifier: str, until: datetime) -> None:
        """Hold every pending delivery of a failing notifier until `until` (its backoff)."""
        with Session(self.engine) as s:
            s.exec(update(OutboxRow).where(col(OutboxRow.notifier) == notifier, col(OutboxRow.status) == "pending",
                                           or_(col(OutboxRow.next_try) == None,  # noqa: E711
                                               col(OutboxRow.next_try) < until))
                   .values(next_try=until))
            s.commit()

    def expire(self, before: datetime) -> int:
        """Give up on deliveries queued before `before` (only with an explicit delivery_expiry)."""
        with Session(self.engine) as s:
            r = s.exec(update(OutboxRow).where(col(OutboxRow.status).in_(("pending", "sending")),
                                               col(OutboxRow.created_at) < before)
                       .values(status="expired"))
            s.commit()
            return r.rowcount or 0

    def outbox_counts(self) -> dict[str, dict[str, int]]:
        """{notifier: {status: count}}"""
        with Session(self.engine) as s:
            out: dict[str, dict[str, int]] = {}
            for name, status, n in s.exec(select(OutboxRow.notifier, OutboxRow.status, func.count())
                                          .group_by(OutboxRow.notifier, OutboxRow.status)):
                out.setdefault(name, {})[status] = n
            return out

    def outbox_trouble(self) -> dict[str, tuple[str, datetime | None]]:
        """{notifier: (its latest delivery error, when it tries again)} for notifiers with
        alerts waiting after a failure."""
        with Session(self.engine) as s:
            out: dict[str, tuple[str, datetime | None]] = {}
            rows = s.exec(select(OutboxRow.notifier, OutboxRow.last_error, OutboxRow.next_try)
                          .where(col(OutboxRow.status).in_(("pending", "sending")),
                                 col(OutboxRow.last_error) != None)  # noqa: E711
                          .order_by(col(OutboxRow.id)))
            for name, err, nxt in rows:
                if err is not None:  # always (the query asks for an error)
                    out[name] = (err, nxt)
            return out

    # ------------------------------------------------------------------ replay / retention
    def items_since(self, since: datetime) -> list[ItemRow]:
        with Session(self.engine) as s:
            rows = list(s.exec(select(ItemRow).where(col(ItemRow.seen_at) >= since,
                                                     col(ItemRow.pruned) == False)  # noqa: E712
                               .order_by(col(ItemRow.id))))
            s.expunge_all()
            return rows

    def prune(self, before: datetime, *, forget_before: datetime | None = None) -> int:
        """Retention. Items first seen before `before` lose their bodies (title, summary) but keep
        the keys, URLs and story keys that deduplication needs; delivered outbox rows go.
        With `forget_before`, dated items published and seen before it go entirely (with their
        alerts): they are older than max_age, so they could never alert again even if a feed
        still carried them. Undated items keep their keys forever. Returns items pruned."""
        with Session(self.engine) as s:
            r = s.exec(update(ItemRow).where(col(ItemRow.seen_at) < before, col(ItemRow.pruned) == False)  # noqa: E712
                       .values(title="", summary="", pruned=True))
            s.exec(delete(OutboxRow).where(col(OutboxRow.status).in_(("sent", "expired")),
                                           col(OutboxRow.created_at) < before))
            if forget_before is not None:
                old = select(ItemRow.id).where(col(ItemRow.seen_at) < forget_before,
                                               col(ItemRow.published) != None,  # noqa: E711
                                               col(ItemRow.published) < forget_before)
                waiting = select(AlertRow.item_id).join(OutboxRow, col(OutboxRow.alert_id) == AlertRow.id).where(
                    col(OutboxRow.status).in_(("pending", "sending")))
                ids = [i for i in s.exec(old.where(col(ItemRow.id).not_in(waiting)))]
                for chunk in _chunks(ids, 500):
                    alerts = select(AlertRow.id).where(col(AlertRow.item_id).in_(chunk))
                    s.exec(delete(OutboxRow).where(col(OutboxRow.alert_id).in_(alerts)))
                    s.exec(delete(AlertRow).where(col(AlertRow.item_id).in_(chunk)))
                    s.exec(delete(ItemRow).where(col(ItemRow.id).in_(chunk)))
                # events nobody reported since then, whose alerts are gone or delivered
                live = select(AlertRow.event_id).join(OutboxRow, col(OutboxRow.alert_id) == AlertRow.id).where(
                    col(OutboxRow.status).in_(("pending", "sending")), col(AlertRow.event_id) != None)  # noqa: E711
                s.exec(delete(EventRow).where(col(EventRow.last_seen) < forget_before, col(EventRow.id).not_in(live)))
            s.commit()
        if forget_before is not None and self.url.startswith("sqlite"):
            with self.engine.connect() as c:  # hand freed pages back (auto_vacuum=INCREMENTAL)
                c.exec_driver_sql("PRAGMA incremental_vacuum")
        return r.rowcount or 0

    def events_since(self, since: datetime) -> list[tuple[EventInfo, list[tuple[str, str, str | None]]]]:
        """Events reported since `since`, newest first, each with its reports (source, title, link)."""
        with Session(self.engine) as s:
            rows = list(s.exec(select(EventRow).where(col(EventRow.last_seen) >= since)
                               .order_by(col(EventRow.id).desc())))
            out = []
            for ev in rows:
                items = s.exec(select(ItemRow.source, ItemRow.title, ItemRow.link).where(ItemRow.event_id == ev.id)
                               .order_by(col(ItemRow.id)))
                out.append((event_info(ev), [(a, b, c) for a, b, c in items]))
            return out

    def count_items(self) -> int:
        with Session(self.engine) as s:
            return s.exec(select(func.count()).select_from(ItemRow)).one()


def _add_missing_columns(engine: Engine) -> None:
    """A database made by an older watcher gets the columns added since (all nullable), so an
    upgrade keeps every stored item and queued alert."""
    insp = sa_inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        if not insp.has_table(table.name):
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            default = ""
            if not column.nullable:
                default = " DEFAULT " + ("''" if isinstance(column.type, String) else "0")
            with engine.begin() as conn:
                conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{default}')
            log.info("database: added column %s.%s", table.name, column.name)


def _event_of(row: EventRow) -> events.Event:
    return events.Event(company=row.company, kind=row.kind, role=row.role, stage=row.stage,
                        counterparty=row.counterparty, amount=row.amount, currency=row.currency, usd=row.usd,
                        also=tuple(json.loads(row.also or "[]")), facts=tuple(json.loads(row.facts or "[]")),
                        rule=row.rule, round=row.round, valuation=row.valuation, valuation_usd=row.valuation_usd,
                        venue=row.venue)


def _event_row(e: events.Event, now: datetime, source: str) -> EventRow:
    return EventRow(company=e.company, kind=e.kind, role=e.role, stage=e.stage, counterparty=e.counterparty,
                    amount=e.amount, currency=e.currency, usd=e.usd, also=json.dumps(list(e.also)),
                    facts=json.dumps(list(e.facts)), rule=e.rule, first_seen=now, last_seen=now, reports=1,
                    sources=json.dumps([source], ensure_ascii=False), round=e.round, valuation=e.valuation,
                    valuation_usd=e.valuation_usd, venue=e.venue)


def event_info(row: EventRow) -> EventInfo:
    e = _event_of(row)
    return EventInfo(company=row.company, kind=row.kind, label=e.label, headline=events.headline(e),
                     counterparty=row.counterparty, amount=row.amount, currency=row.currency, usd=row.usd,
                     stage=row.stage, facts=e.facts, first_seen=row.first_seen, last_seen=row.last_seen,
                     reports=row.reports, sources=tuple(json.loads(row.sources or "[]")), id=row.id or 0)


def _also_from(text: str | None) -> tuple[tuple[str, str | None], ...]:
    out = []
    for x in json.loads(text or "[]"):
        if isinstance(x, dict):
            out.append((str(x.get("source", "")), x.get("link")))
        else:
            out.append((str(x), None))
    return tuple(out)


def _chunks(seq: list[_T], n: int) -> Iterator[list[_T]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]

