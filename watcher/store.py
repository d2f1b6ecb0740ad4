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
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.schema import SchemaConst
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, Session, SQLModel, col, create_engine, select

from . import events
from .errors import StoreError
from .ingest import (
    Candidate,
    IngestPlan,
    IngestResult,
    Known,
    OpenEvent,
    PutAlert,
    PutEvent,
    PutItem,
    Root,
    UrlSeen,
    plan_ingest,
)
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
        """Store a poll's items as ingest.plan_ingest decides: read what is known, plan (pure),
        carry the plan out. One transaction: an alert never exists without its item, nor an
        item without the alert it earned."""
        if not items:
            return IngestResult(0, 0, 0)
        try:
            with Session(self.engine) as s:
                known = self._known(s, source, items, matched, now, story_window, event_window)
                plan = plan_ingest(source, items, matched, known, now=now, event_window=event_window)
                self._apply(s, plan, source, now)
                s.commit()
        except StoreError:
            raise
        except Exception as e:  # noqa: BLE001
            raise StoreError(f"cannot store items of {source}: {e}") from e
        return plan.result

    def _known(self, s: Session, source: str, items: list[Item], matched: dict[str, Candidate], now: datetime,
               story_window: float, event_window: float) -> Known:
        """What plan_ingest needs to know about the batch: which items are stored, which URLs were
        seen (and the story each carries), and, when something matched, the alerted stories and
        open events it may join."""
        keys: set[str] = set()
        for chunk in _chunks([it.key for it in items], 500):
            keys.update(s.exec(select(ItemRow.key).where(col(ItemRow.source) == source, col(ItemRow.key).in_(chunk))))
        first: dict[str, tuple[int, int | None]] = {}  # url -> (first item, the alerted item of its story)
        for chunk in _chunks([it.url for it in items if it.url and it.key not in keys], 500):
            for url, iid, alerted, story in s.exec(
                    select(ItemRow.url, ItemRow.id, ItemRow.alerted, ItemRow.story_id)
                    .where(col(ItemRow.url).in_(chunk)).order_by(col(ItemRow.id))):
                assert url is not None and iid is not None  # url matched IN (chunk); id is the key
                first.setdefault(url, (iid, iid if alerted else story))
        if not any(it.key in matched and it.key not in keys for it in items):
            roots = self._roots(s, [r for _, r in first.values() if r is not None], None)
            return Known(frozenset(keys), {u: UrlSeen(i, roots.get(r) if r else None) for u, (i, r) in first.items()})
        recent = self._roots(s, [], now - timedelta(seconds=story_window))
        roots = {**self._roots(s, [r for _, r in first.values() if r is not None and r not in recent], None), **recent}
        opened_since = now - timedelta(seconds=event_window)
        open_rows = list(s.exec(select(EventRow).where(col(EventRow.first_seen) >= opened_since)
                                .order_by(col(EventRow.id))))
        open_ids = {r.id for r in open_rows}
        older_ids = [r.event for r in recent.values() if r.event is not None and r.event not in open_ids]
        older = [row for chunk in _chunks(older_ids, 500)
                 for row in s.exec(select(EventRow).where(col(EventRow.id).in_(chunk)))]
        opened = self._open_events(s, open_rows + older, now)
        return Known(frozenset(keys), {u: UrlSeen(i, roots.get(r) if r else None) for u, (i, r) in first.items()},
                     tuple(recent.values()), tuple(opened[: len(open_rows)]),
                     {e.id: e for e in opened[len(open_rows):]})

    def _roots(self, s: Session, ids: list[int], since: datetime | None) -> dict[int, Root]:
        """Alerted items by id, or every one seen since `since`, oldest first, with their alerts."""
        q = sa_select(col(ItemRow.id), col(ItemRow.source), col(ItemRow.story_key), col(ItemRow.companies),
                      col(ItemRow.event_id), col(AlertRow.id)) \
            .join(AlertRow, col(AlertRow.item_id) == col(ItemRow.id), isouter=True)
        if since is not None:
            rows = list(s.execute(q.where(col(ItemRow.alerted) == True, col(ItemRow.seen_at) >= since)  # noqa: E712
                                  .order_by(col(ItemRow.id))))
        else:
            rows = [r for chunk in _chunks(sorted(set(ids)), 500)
                    for r in s.execute(q.where(col(ItemRow.id).in_(chunk)).order_by(col(ItemRow.id)))]
        return {i: Root(i, src, key or "", frozenset(json.loads(comp or "[]")), alert, ev)
                for i, src, key, comp, ev, alert in rows if i is not None}

    @staticmethod
    def _open_events(s: Session, rows: list[EventRow], now: datetime) -> list[OpenEvent]:
        alert_ids = [r.alert_id for r in rows if r.alert_id is not None]
        items: dict[int, int] = {}
        states: dict[int, dict[str, str]] = {}
        for chunk in _chunks(alert_ids, 500):
            for aid, iid in s.exec(select(AlertRow.id, AlertRow.item_id).where(col(AlertRow.id).in_(chunk))):
                if aid is not None:
                    items[aid] = iid
            for aid, name, status in s.exec(select(OutboxRow.alert_id, OutboxRow.notifier, OutboxRow.status)
                                             .where(col(OutboxRow.alert_id).in_(chunk))):
                states.setdefault(aid, {})[name] = status
        out = []
        for r in rows:
            assert r.id is not None  # a stored row
            out.append(OpenEvent(r.id, _event_of(r), r.first_seen or now, r.last_seen or now, r.reports or 0,
                                 list(json.loads(r.sources or "[]")), r.alert_id,
                                 items.get(r.alert_id) if r.alert_id is not None else None,
                                 states.get(r.alert_id, {}) if r.alert_id is not None else {}))
        return out

    def _apply(self, s: Session, plan: IngestPlan, source: str, now: datetime) -> None:
        """Carry a plan out: rows in the plan's order, refs turned into ids as rows get them."""
        ids: dict[int, int] = {}

        def real(ref: int | None) -> int | None:
            return None if ref is None else ref if ref > 0 else ids[ref]

        plain: list[dict[str, str | bool | datetime | None]] = []  # one executemany, no ORM objects
        for step in plan.steps:
            if isinstance(step, PutItem):
                it = step.item
                if step.state == "plain":
                    plain.append(dict(source=source, key=it.key, url=it.url, link=it.link, title=it.title,
                                      summary=it.summary, story_key=it.story_key, published=it.published,
                                      seen_at=now, form=it.form, event=it.event, alerted=False,
                                      companies="", pruned=False))
                    continue
                if step.state == "copy":
                    s.add(ItemRow(source=source, key=it.key, url=None, link=it.link, title="", summary="",
                                  story_key="", published=it.published, seen_at=now, story_id=real(step.story),
                                  pruned=True))
                    continue
                row = ItemRow(source=source, key=it.key, url=it.url, link=it.link, title=it.title,
                              summary=it.summary, story_key=it.story_key, published=it.published, seen_at=now,
                              form=it.form, event=it.event, alerted=step.state == "alerted",
                              companies=json.dumps(list(step.companies), ensure_ascii=False),
                              story_id=real(step.story), event_id=real(step.event))
                s.add(row)
                s.flush()
                assert row.id is not None  # the flush gave it one
                ids[step.ref] = row.id
            elif isinstance(step, PutEvent):
                ev_row = _event_row(step.event, now, source)
                s.add(ev_row)
                s.flush()
                assert ev_row.id is not None  # the flush gave it one
                ids[step.ref] = ev_row.id
            elif isinstance(step, PutAlert):
                item_id = real(step.item)
                assert item_id is not None  # every alert has its item
                alert = AlertRow(item_id=item_id, created_at=now, hits=_hits_json(step.hits), event_id=real(step.event),
                                 update_of=real(step.update_of),
                                 facts=json.dumps(list(step.facts), ensure_ascii=False) if step.update_of else None)
                s.add(alert)
                s.flush()
                assert alert.id is not None  # the flush gave it one
                ids[step.ref] = alert.id
                for name in step.notifiers:
                    s.add(OutboxRow(alert_id=alert.id, notifier=name, created_at=now, next_try=now))
            else:
                alert_id = real(step.alert)
                assert alert_id is not None
                self._add_also_to(s, alert_id, step.source, step.link)
        for ev in plan.events:
            saved = s.get(EventRow, real(ev.id))
            if saved is None:
                continue
            e = ev.event
            saved.reports, saved.last_seen = ev.reports, ev.last_seen
            saved.sources = json.dumps(ev.sources, ensure_ascii=False)
            saved.amount, saved.currency, saved.usd = e.amount, e.currency, e.usd
            saved.facts, saved.also = json.dumps(list(e.facts), ensure_ascii=False), json.dumps(list(e.also))
            saved.counterparty, saved.stage, saved.round, saved.venue = e.counterparty, e.stage, e.round, e.venue
            saved.valuation, saved.valuation_usd = e.valuation, e.valuation_usd
            saved.alert_id = real(ev.alert)
            s.add(saved)
        if plain:
            s.execute(insert(_table(ItemRow)), plain)

    @staticmethod
    def _add_also_to(s: Session, alert_id: int, label: str, link: str | None) -> None:
        alert = s.get(AlertRow, alert_id)
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

