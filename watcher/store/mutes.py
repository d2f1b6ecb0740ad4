"""Mutes and the outbox rows they silence."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select, update

from ..mute import Mute
from .base import Db
from .schema import MuteRow, OutboxRow, _table

_M, _O = _table(MuteRow), _table(OutboxRow)


class Mutes(Db):
    def add_mute(self, target: str, kind: str, until: datetime, now: datetime) -> None:
        """Mute `target` until `until` (a new mute of the same target replaces the old one)."""
        with self.engine.begin() as conn:
            conn.execute(delete(_M).where(func.lower(_M.c.target) == target.lower()))
            conn.execute(insert(_M).values(target=target, kind=kind, until=until, created_at=now))

    def remove_mute(self, target: str) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(_M).where(func.lower(_M.c.target) == target.lower())).rowcount or 0

    def mutes(self, now: datetime) -> list[Mute]:
        """The mutes still in force, soonest to end first."""
        with self.reading() as conn:
            rows = conn.execute(select(_M.c.target, _M.c.kind, _M.c.until).where(_M.c.until > now)
                                .order_by(_M.c.until)).all()
        return [Mute(t, k, u) for t, k, u in rows]

    def mark_muted(self, outbox_ids: list[int]) -> None:
        """These deliveries are not sent: a mute covers them (kept, shown as "muted")."""
        if outbox_ids:
            with self.engine.begin() as conn:
                conn.execute(update(_O).where(_O.c.id.in_(outbox_ids), _O.c.status.in_(("pending", "sending")))
                             .values(status="muted"))
