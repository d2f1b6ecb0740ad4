"""Items and events: reading what a plan needs, carrying ingest plans out, replay and retention."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from ..errors import StoreError
from ..ingest import (
    Batch,
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
from ..models import EventInfo, Item
from ..quickstore import to_db
from .base import Db
from .schema import (
    AlertFactRow,
    AlertHitRow,
    AlertReportRow,
    AlertRow,
    EventLabelRow,
    EventRow,
    EventSourceRow,
    ItemCompanyRow,
    ItemRow,
    OutboxRow,
    _chunks,
    _event_of,
    _event_row,
    _table,
    event_info,
    hit_rows,
    item_of,
    labels_of,
    sources_of,
)

# The reads every ingest makes, built once (compiled once, cached by SQLAlchemy), run on the
# session's connection: core rows, no ORM objects.
_I, _A, _IC = _table(ItemRow), _table(AlertRow), _table(ItemCompanyRow)
_KNOWN_KEYS = sa_select(_I.c.key).where(_I.c.source == bindparam("source"),
                                        _I.c.key.in_(bindparam("keys", expanding=True)))
_BY_URL = sa_select(_I.c.url, _I.c.id, _I.c.alerted, _I.c.story_id, _I.c.source, _I.c.story_key) \
    .where(_I.c.url.in_(bindparam("urls", expanding=True))).order_by(_I.c.id)
_ROOTS = sa_select(_I.c.id, _I.c.source, _I.c.story_key, _I.c.event_id, _A.c.id) \
    .select_from(_I.outerjoin(_A, _A.c.item_id == _I.c.id))
_ROOTS_BY_ID = _ROOTS.where(_I.c.id.in_(bindparam("ids", expanding=True))).order_by(_I.c.id)
_ROOTS_SINCE = _ROOTS.where(_I.c.alerted.is_(True), _I.c.seen_at >= bindparam("since")).order_by(_I.c.id)
_INSERT_ITEM = insert(_I)
_AR, _O, _RP = _table(AlertRow), _table(OutboxRow), _table(AlertReportRow)
_ALERT_ITEMS = sa_select(_AR.c.id, _AR.c.item_id).where(_AR.c.id.in_(bindparam("ids", expanding=True)))
_OUTBOX_STATES = sa_select(_O.c.alert_id, _O.c.notifier, _O.c.status) \
    .where(_O.c.alert_id.in_(bindparam("ids", expanding=True)))
_SAME_REPORT = sa_select(_RP.c.id).where(_RP.c.alert_id == bindparam("alert"), _RP.c.source == bindparam("source"),
                                         _RP.c.link.is_not_distinct_from(bindparam("link")))
_INSERT_REPORT = insert(_RP)
_COMPANIES = sa_select(_IC.c.item_id, _IC.c.company).where(_IC.c.item_id.in_(bindparam("ids", expanding=True)))

# The same two reads and the plain items' insert as SQLite's own SQL, run through the driver
# (Connection.exec_driver_sql): SQLAlchemy's compile-and-bind step cost more than SQLite itself on a
# first poll (6,000 items in 200 batches). Written from the table's quoted names; values stored
# exactly as the UTCDateTime and Boolean types store them (quickstore.to_db; test_store compares).
DRIVER_SQL = True  # False: the core statements on SQLite too (the test that both write the same sets it)
_PLAIN = ("source", "key", "url", "link", "title", "summary", "story_key", "published", "seen_at", "form",
          "form_items", "company", "event", "alerted", "companies", "pruned")
_Q = sqlite_dialect().identifier_preparer.quote
_LITE_INSERT_ITEM = (f"INSERT INTO {_Q(_I.name)} ({', '.join(_Q(c) for c in _PLAIN)}) "
                     f"VALUES ({', '.join('?' * len(_PLAIN))})")


def _lite_known_keys(n: int) -> str:
    return f"SELECT {_Q('key')} FROM {_Q(_I.name)} WHERE {_Q('source')} = ? AND {_Q('key')} IN ({', '.join('?' * n)})"


def _lite_by_url(n: int) -> str:
    cols = ", ".join(_Q(c) for c in ("url", "id", "alerted", "story_id", "source", "story_key"))
    return f"SELECT {cols} FROM {_Q(_I.name)} WHERE {_Q('url')} IN ({', '.join('?' * n)}) ORDER BY {_Q('id')}"


class Items(Db):
    def ingest(self, source: str, items: list[Item], matched: dict[str, Candidate], *,
               now: datetime, story_window: float, event_window: float = 14 * 86400.0) -> IngestResult:
        """Store a poll's items as ingest.plan_ingest decides: read what is known, plan (pure),
        carry the plan out. One transaction: an alert never exists without its item, nor an
        item without the alert it earned."""
        if not items:
            return IngestResult(0, 0, 0)
        try:
            return self._in_one_transaction([Batch(source, items, matched, now, story_window, event_window)])[0]
        except StoreError:
            raise
        except Exception as e:  # noqa: BLE001
            raise StoreError(f"cannot store items of {source}: {e}") from e

    def ingest_many(self, batches: list[Batch]) -> list[IngestResult | StoreError]:
        """Several polls' items in one transaction (group commit), each planned on what the ones
        before it wrote, exactly as one ingest after another would: one BEGIN, one COMMIT and one
        journal write of the pages they share, instead of one per source. A failure that is the
        database's (locked, full, gone) raises StoreError for them all; any other failure (one
        batch's bad data) is retried batch by batch, so it fails only the batch that caused it."""
        todo = [b for b in batches if b.items]
        if len(todo) <= 1:
            return [self._one(b) for b in batches]
        try:
            return list(self._in_one_transaction(batches))
        except StoreError:
            raise
        except (OperationalError, sqlite3.OperationalError) as e:
            raise StoreError(f"cannot store items of {len(todo)} sources: {e}") from e
        except Exception:  # noqa: BLE001 - one batch's trouble: find it, keep the others
            return [self._one(b) for b in batches]

    def _one(self, b: Batch) -> IngestResult | StoreError:
        try:
            return self.ingest(b.source, b.items, b.matched, now=b.now, story_window=b.story_window,
                               event_window=b.event_window)
        except StoreError as e:
            return e

    def _in_one_transaction(self, batches: list[Batch]) -> list[IngestResult]:
        with Session(self.engine) as s:
            if self.engine.dialect.name == "postgresql":
                # instances sharing the database ingest one at a time, as one process's polls
                # do (SQLite's single writer does it there): two copies of one story polled
                # at once by two instances must see each other
                s.connection().exec_driver_sql("SELECT pg_advisory_xact_lock(7301)")
            results = [self._ingest_in(s, b) if b.items else IngestResult(0, 0, 0) for b in batches]
            s.commit()
        return results

    def _ingest_in(self, s: Session, b: Batch) -> IngestResult:
        """One batch inside the caller's transaction; what it wrote is flushed, so the next batch
        in the same transaction reads it."""
        known = self._known(s, b.source, b.items, b.matched, b.now, b.story_window, b.event_window)
        plan = plan_ingest(b.source, b.items, b.matched, known, now=b.now, event_window=b.event_window)
        self._apply(s, plan, b.source, b.now)
        s.flush()
        return plan.result

    def _known(self, s: Session, source: str, items: list[Item], matched: dict[str, Candidate], now: datetime,
               story_window: float, event_window: float) -> Known:
        """What plan_ingest needs to know about the batch: which items are stored, which URLs were
        seen (and the story each carries), and, when something matched, the alerted stories and
        open events it may join."""
        conn = s.connection()
        lite = conn.dialect.name == "sqlite" and DRIVER_SQL
        keys: set[str] = set()
        for chunk in _chunks([it.key for it in items], 500):
            if lite:
                keys.update(r[0] for r in conn.exec_driver_sql(_lite_known_keys(len(chunk)), (source, *chunk)))
            else:
                keys.update(conn.execute(_KNOWN_KEYS, {"source": source, "keys": chunk}).scalars())
        # url -> the first item of each story told at that address: (item, the alerted item of its
        # story, source, story key), oldest first
        at: dict[str, dict[str, tuple[int, int | None, str, str]]] = {}
        for chunk in _chunks([it.url for it in items if it.url and it.key not in keys], 500):
            rows = conn.exec_driver_sql(_lite_by_url(len(chunk)), tuple(chunk)) if lite \
                else conn.execute(_BY_URL, {"urls": chunk})
            for url, iid, alerted, story, source_, key in rows:
                at.setdefault(url, {}).setdefault(key, (iid, iid if alerted else story, source_, key))
        firsts = [r for stories in at.values() for _, r, _, _ in stories.values() if r is not None]
        if not any(it.key in matched and it.key not in keys for it in items):
            return Known(frozenset(keys), _url_seen(at, self._roots(s, firsts, None)))
        recent = self._roots(s, [], now - timedelta(seconds=story_window))
        roots = {**self._roots(s, [r for r in firsts if r not in recent], None), **recent}
        opened_since = now - timedelta(seconds=event_window)
        open_rows = list(s.exec(select(EventRow).where(col(EventRow.first_seen) >= opened_since)
                                .order_by(col(EventRow.id))))
        open_ids = {r.id for r in open_rows}
        older_ids = [r.event for r in recent.values() if r.event is not None and r.event not in open_ids]
        older = [row for chunk in _chunks(older_ids, 500)
                 for row in s.exec(select(EventRow).where(col(EventRow.id).in_(chunk)))]
        opened = self._open_events(s, open_rows + older, now)
        return Known(frozenset(keys), _url_seen(at, roots), tuple(recent.values()), tuple(opened[: len(open_rows)]),
                     {e.id: e for e in opened[len(open_rows):]})

    def _roots(self, s: Session, ids: list[int], since: datetime | None) -> dict[int, Root]:
        """Alerted items by id, or every one seen since `since`, oldest first, with their alerts."""
        conn = s.connection()
        if since is not None:
            rows = list(conn.execute(_ROOTS_SINCE, {"since": since}))
        else:
            rows = [r for chunk in _chunks(sorted(set(ids)), 500) for r in conn.execute(_ROOTS_BY_ID, {"ids": chunk})]
        companies: dict[int, set[str]] = {}
        for chunk in _chunks([r[0] for r in rows if r[0] is not None], 500):
            for iid, company in conn.execute(_COMPANIES, {"ids": chunk}):
                companies.setdefault(iid, set()).add(company)
        return {i: Root(i, src, key or "", frozenset(companies.get(i, ())), alert, ev)
                for i, src, key, ev, alert in rows if i is not None}

    @staticmethod
    def _open_events(s: Session, rows: list[EventRow], now: datetime) -> list[OpenEvent]:
        alert_ids = [r.alert_id for r in rows if r.alert_id is not None]
        items: dict[int, int] = {}
        states: dict[int, dict[str, str]] = {}
        conn = s.connection()
        for chunk in _chunks(alert_ids, 500):
            for aid, iid in conn.execute(_ALERT_ITEMS, {"ids": chunk}):
                items[aid] = iid
            for aid, name, status in conn.execute(_OUTBOX_STATES, {"ids": chunk}):
                states.setdefault(aid, {})[name] = status
        sources = sources_of(s, [r.id for r in rows if r.id is not None])
        labels = labels_of(s, [r.id for r in rows if r.id is not None])
        out = []
        for r in rows:
            assert r.id is not None  # a stored row
            e = _event_of(r, labels.get(r.id, ((), ())))
            out.append(OpenEvent(r.id, e, r.first_seen or now, r.last_seen or now, r.reports or 0,
                                 list(sources.get(r.id, ())), r.alert_id,
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
                                      seen_at=now, form=it.form, form_items=",".join(it.form_items) or None,
                                      company=it.company, event=it.event, alerted=False, companies="",
                                      pruned=False))
                    continue
                if step.state == "copy":
                    s.add(ItemRow(source=source, key=it.key, url=None, link=it.link, title="", summary="",
                                  story_key="", published=it.published, seen_at=now, story_id=real(step.story),
                                  pruned=True))
                    continue
                row = ItemRow(source=source, key=it.key, url=it.url, link=it.link, title=it.title,
                              summary=it.summary, story_key=it.story_key, published=it.published, seen_at=now,
                              form=it.form, form_items=",".join(it.form_items) or None, company=it.company,
                              event=it.event, alerted=step.state == "alerted",
                              story_id=real(step.story), event_id=real(step.event))
                s.add(row)
                s.flush()
                assert row.id is not None  # the flush gave it one
                ids[step.ref] = row.id
                for company in step.companies:
                    s.add(ItemCompanyRow(item_id=row.id, company=company))
            elif isinstance(step, PutEvent):
                ev_row = _event_row(step.event, now)
                s.add(ev_row)
                s.flush()
                assert ev_row.id is not None  # the flush gave it one
                ids[step.ref] = ev_row.id
            elif isinstance(step, PutAlert):
                item_id = real(step.item)
                assert item_id is not None  # every alert has its item
                alert = AlertRow(item_id=item_id, created_at=now, event_id=real(step.event),
                                 update_of=real(step.update_of))
                s.add(alert)
                s.flush()
                assert alert.id is not None  # the flush gave it one
                for hit_row in hit_rows(alert.id, step.hits):
                    s.add(hit_row)
                for fact in step.facts if step.update_of else ():
                    s.add(AlertFactRow(alert_id=alert.id, fact=fact))
                ids[step.ref] = alert.id
                for name in step.notifiers:
                    s.add(OutboxRow(alert_id=alert.id, notifier=name, created_at=now, next_try=now))
            else:
                alert_id = real(step.alert)
                assert alert_id is not None
                self._add_also_to(s, alert_id, step.source, step.link)
        saved_ids = [i for ev in plan.events if (i := real(ev.id)) is not None]
        known_sources, known_labels = (sources_of(s, saved_ids), labels_of(s, saved_ids)) if saved_ids else ({}, {})
        for ev in plan.events:
            saved = s.get(EventRow, real(ev.id))
            if saved is None:
                continue
            e = ev.event
            saved.reports, saved.last_seen = ev.reports, ev.last_seen
            saved.amount, saved.currency, saved.usd = e.amount, e.currency, e.usd
            saved.counterparty, saved.stage, saved.round, saved.venue = e.counterparty, e.stage, e.round, e.venue
            saved.marks, saved.told_date = e.marks, e.when
            saved.valuation, saved.valuation_usd = e.valuation, e.valuation_usd
            saved.alert_id = real(ev.alert)
            s.add(saved)
            assert saved.id is not None  # a stored row
            for src in ev.sources:
                if src not in known_sources.get(saved.id, ()):
                    s.add(EventSourceRow(event_id=saved.id, source=src))
            have_also, have_facts = known_labels.get(saved.id, ((), ()))
            for kind, values, have in (("also", e.also, have_also), ("fact", e.facts, have_facts)):
                for value in values:
                    if value not in have:
                        s.add(EventLabelRow(event_id=saved.id, kind=kind, value=value))
        if plain:
            conn = s.connection()
            if conn.dialect.name == "sqlite" and DRIVER_SQL:
                conn.exec_driver_sql(_LITE_INSERT_ITEM, [tuple(to_db(r[c]) for c in _PLAIN) for r in plain])
            else:
                conn.execute(_INSERT_ITEM, plain)  # core executemany: no ORM bulk path

    @staticmethod
    def _add_also_to(s: Session, alert_id: int, label: str, link: str | None) -> None:
        """A later report on a queued alert, once per source and link."""
        conn = s.connection()
        if conn.execute(_SAME_REPORT, {"alert": alert_id, "source": label, "link": link}).first() is None:
            conn.execute(_INSERT_REPORT, {"alert_id": alert_id, "source": label, "link": link})

    def items_since(self, since: datetime) -> list[Item]:
        """Stored items seen since `since` that still have their text, oldest first (replay)."""
        return [it for it, _ in self.items_seen_since(since)]

    def items_seen_since(self, since: datetime) -> list[tuple[Item, datetime]]:
        """The same, each with when it was first seen (replay judges it as of then)."""
        with Session(self.engine) as s:
            return [(item_of(r), r.seen_at or since) for r in s.exec(
                select(ItemRow).where(col(ItemRow.seen_at) >= since, col(ItemRow.pruned) == False)  # noqa: E712
                .order_by(col(ItemRow.id)))]

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
                    s.exec(delete(AlertReportRow).where(col(AlertReportRow.alert_id).in_(alerts)))
                    s.exec(delete(AlertHitRow).where(col(AlertHitRow.alert_id).in_(alerts)))
                    s.exec(delete(AlertFactRow).where(col(AlertFactRow.alert_id).in_(alerts)))
                    s.exec(delete(ItemCompanyRow).where(col(ItemCompanyRow.item_id).in_(chunk)))
                    s.exec(delete(AlertRow).where(col(AlertRow.item_id).in_(chunk)))
                    s.exec(delete(ItemRow).where(col(ItemRow.id).in_(chunk)))
                # events nobody reported since then, whose alerts are gone or delivered
                live = select(AlertRow.event_id).join(OutboxRow, col(OutboxRow.alert_id) == AlertRow.id).where(
                    col(OutboxRow.status).in_(("pending", "sending")), col(AlertRow.event_id) != None)  # noqa: E711
                gone = select(EventRow.id).where(col(EventRow.last_seen) < forget_before, col(EventRow.id).not_in(live))
                s.exec(delete(EventSourceRow).where(col(EventSourceRow.event_id).in_(gone)))
                s.exec(delete(EventLabelRow).where(col(EventLabelRow.event_id).in_(gone)))
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
            ids = [ev.id for ev in rows if ev.id is not None]
            told, labels = sources_of(s, ids), labels_of(s, ids)  # one query each, not one per event
            out = []
            for ev in rows:
                assert ev.id is not None  # a stored row
                items = s.exec(select(ItemRow.source, ItemRow.title, ItemRow.link).where(ItemRow.event_id == ev.id)
                               .order_by(col(ItemRow.id)))
                info = event_info(ev, told.get(ev.id, ()), labels.get(ev.id, ((), ())))
                out.append((info, [(a, b, c) for a, b, c in items]))
            return out

    def count_items(self) -> int:
        with Session(self.engine) as s:
            return s.exec(select(func.count()).select_from(ItemRow)).one()


def _url_seen(at: dict[str, dict[str, tuple[int, int | None, str, str]]],
              roots: dict[int, Root]) -> dict[str, tuple[UrlSeen, ...]]:
    return {url: tuple(UrlSeen(i, roots.get(r) if r else None, src, key) for i, r, src, key in stories.values())
            for url, stories in at.items()}
