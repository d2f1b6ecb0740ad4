"""The outbox: one row per alert per notifier, claimed with a lease before sending (so two processes
never send one alert twice), marked sent only after success, retried with backoff."""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from .. import instance
from ..models import Alert
from .base import Db
from .schema import (
    AlertReportRow,
    AlertRow,
    EventRow,
    InstanceRow,
    ItemRow,
    OutboxRow,
    _chunks,
    event_info,
    facts_of,
    hits_of,
    labels_of,
    sources_of,
)


@dataclass(frozen=True)
class Delivery:
    outbox_id: int
    attempts: int
    alert: Alert
    status: str = "pending"
    claimed_by: int | None = None
    queued_at: datetime | None = None  # when the alert entered the outbox (a digest takes what came before its time)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim_void(row: OutboxRow, now: datetime, alive: set[str] | None = None) -> bool:
    """A claim is void when its lease ran out or its process is gone (killed mid-send): on a
    shared database (`alive`: the instances heard from lately) when its instance fell silent,
    else when its pid is no more."""
    if row.lease_until is None or row.lease_until <= now:
        return True
    if alive is not None and row.claimed_instance is not None:
        return row.claimed_instance != instance.ID and row.claimed_instance not in alive
    return row.claimed_by is None or (row.claimed_by != os.getpid() and not _pid_alive(row.claimed_by))



class Outbox(Db):
    def due(self, now: datetime, *, notifiers: Iterable[str] | None = None, ignore_backoff: bool = False,
            limit: int = 200) -> list[Delivery]:
        """Deliveries whose time has come, oldest first, at most `limit` per notifier (so one
        notifier's backlog never hides another's). Rows claimed by a process that died count as due."""
        with Session(self.engine) as s:
            alive: set[str] | None = None
            if self.engine.dialect.name == "postgresql":  # instances on other hosts: their pids say nothing here
                alive = set(s.exec(select(InstanceRow.id).where(col(InstanceRow.alive_until) >= now)))
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
                        # another live process sends it
                        if not (ob.status == "sending" and not _claim_void(ob, now, alive))]
                ids = {al.event_id for _, al, _ in rows if al.event_id}
                told, labels = sources_of(s, ids), labels_of(s, ids)
                evs = {e.id: event_info(e, told.get(e.id or 0, ()), labels.get(e.id or 0, ((), ())))
                       for e in s.exec(select(EventRow).where(col(EventRow.id).in_(ids)))} if ids else {}
                originals = {al.update_of for _, al, _ in rows if al.update_of}
                alert_ids = {al.id for _, al, _ in rows if al.id is not None}
                hits, facts = hits_of(s, alert_ids | originals), facts_of(s, alert_ids)
                reports: dict[int, list[tuple[str, str | None]]] = {}
                for aid, src, link in s.exec(select(AlertReportRow.alert_id, AlertReportRow.source, AlertReportRow.link)
                                             .where(col(AlertReportRow.alert_id).in_({al.id for _, al, _ in rows}))
                                             .order_by(col(AlertReportRow.id))):
                    reports.setdefault(aid, []).append((src, link))
                for ob, al, it in rows:
                    assert ob.id is not None and al.id is not None  # stored rows
                    also_links = tuple(reports.get(al.id, ()))
                    record = evs.get(al.event_id) if al.event_id else None
                    shown = hits.get(al.id, ()) or hits.get(al.update_of or -1, ())
                    out.append(Delivery(ob.id, ob.attempts, Alert(
                        id=al.id, notifier=ob.notifier, title=it.title, link=it.link, source=it.source,
                        published=it.published, hits=shown, summary=it.summary, event=it.event,
                        also=tuple(dict.fromkeys(src for src, _ in also_links)), also_links=also_links,
                        record=record, update=facts.get(al.id, ()) if al.update_of else (),
                        original=record.headline if record is not None and al.update_of else "",
                        rule=shown[0].rule if shown else ""), ob.status, ob.claimed_by, ob.created_at))
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
                    status="sending", claimed_by=os.getpid(), claimed_instance=instance.ID,
                    lease_until=now + timedelta(seconds=lease)))
                if (r.rowcount or 0) == 1:
                    got.append(d)
            s.commit()
        return got

    def mark_sent(self, outbox_id: int, now: datetime) -> None:
        with Session(self.engine) as s:
            s.exec(update(OutboxRow).where(col(OutboxRow.id) == outbox_id)
                   .values(status="sent", sent_at=now, claimed_by=None, claimed_instance=None,
                           attempts=OutboxRow.attempts + 1, last_error=None))
            s.commit()

    def mark_failed(self, outbox_id: int, error: str, next_try: datetime) -> None:
        with Session(self.engine) as s:
            s.exec(update(OutboxRow).where(col(OutboxRow.id) == outbox_id)
                   .values(status="pending", claimed_by=None, claimed_instance=None,
                           attempts=OutboxRow.attempts + 1, last_error=error[:500], next_try=next_try))
            s.commit()

    def release_all(self, outbox_ids: list[int]) -> None:
        """Give claimed deliveries back untried (shutting down, or the notifier failed)."""
        if not outbox_ids:
            return
        with Session(self.engine) as s:
            for chunk in _chunks(outbox_ids, 500):
                s.exec(update(OutboxRow).where(col(OutboxRow.id).in_(chunk), col(OutboxRow.status) == "sending",
                                               col(OutboxRow.claimed_instance) == instance.ID)
                       .values(status="pending", claimed_by=None, claimed_instance=None))
            s.commit()

    def sent_count(self, notifier: str, since: datetime) -> int:
        """Alerts sent to a notifier one by one since `since` (the flood guard's count)."""
        with Session(self.engine) as s:
            return s.exec(select(func.count()).select_from(OutboxRow).where(
                col(OutboxRow.notifier) == notifier, col(OutboxRow.status) == "sent",
                col(OutboxRow.sent_at) >= since)).one()

    def mark_folded(self, outbox_ids: list[int], now: datetime, status: str = "folded") -> None:
        """Delivered inside one message for many: a flood-guard summary ("folded") or a digest ("digested")."""
        with Session(self.engine) as s:
            for chunk in _chunks(outbox_ids, 500):
                s.exec(update(OutboxRow).where(col(OutboxRow.id).in_(chunk))
                       .values(status=status, sent_at=now, claimed_by=None, claimed_instance=None,
                               last_error=None))
            s.commit()

    def hold(self, outbox_ids: list[int], until: datetime) -> None:
        """Give claimed deliveries back, not to be tried before `until` (the next digest)."""
        with Session(self.engine) as s:
            for chunk in _chunks(outbox_ids, 500):
                s.exec(update(OutboxRow).where(col(OutboxRow.id).in_(chunk), col(OutboxRow.status) == "sending")
                       .values(status="pending", claimed_by=None, claimed_instance=None, next_try=until))
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

