"""Several `watcher run` on one PostgreSQL: each instance says it is alive (a heartbeat row), and
holds a lease per source it polls, claimed with SELECT ... FOR UPDATE SKIP LOCKED so that two
instances never take one source, renewed with every heartbeat and taken over once it runs out.

On SQLite there is one instance per database (the run lock, dbguard.py) and it holds every source:
`heartbeat` answers so without a query."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, any_, bindparam, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from .base import Db
from .schema import InstanceRow, LeaseRow, MetaRow, _chunks, _table

_IN, _L, _M = _table(InstanceRow), _table(LeaseRow), _table(MetaRow)
FORGET_AFTER = timedelta(days=1)  # an instance silent this long leaves `status`


@dataclass(frozen=True)
class InstanceInfo:
    id: str
    host: str
    pid: int
    started: datetime
    heartbeat: datetime
    version: str
    sources: tuple[str, ...]  # the sources it holds now


def _names(names: Sequence[str]) -> BindParameter[Any]:
    """Source names as one text[] parameter (compared with = ANY)."""
    value: Any = list(names)
    return bindparam(None, value, type_=ARRAY(String))


def fair_share(sources: int, live_instances: int) -> int:
    """How many sources one instance holds at most (pure): an even split, rounded up."""
    return math.ceil(sources / max(1, live_instances)) if sources else 0


class Leases(Db):
    @property
    def shared(self) -> bool:
        """True where several instances may share the database (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    def heartbeat(self, me: str, host: str, pid: int, version: str, started: datetime, now: datetime,
                  sources: Sequence[str] | Mapping[str, str], lease: float, alive: float,
                  ensure: bool = True) -> set[str]:
        """Say `me` is alive (for `alive` seconds), renew the leases it holds, and claim free or
        expired ones up to its fair share of the instances alive; give back what it
        holds beyond that share (another instance joined). Returns the sources it holds.
        `sources` may map each name to its host: sources are then claimed and given back host by
        host, so that each instance talks to as few hosts as it can."""
        if not self.shared:
            return set(sources)
        until, alive_until = now + timedelta(seconds=lease), now + timedelta(seconds=alive)
        hosts = dict(sources) if isinstance(sources, Mapping) else dict.fromkeys(sources, "")
        if not ensure:  # renewed on its own: the leases it holds stay its own whatever follows
            live, renewed, takeable = self._beat(me, host, pid, version, started, now, alive_until, until)
            share = fair_share(len(hosts), live)
            if set(renewed) <= hosts.keys() and (len(renewed) == share or len(renewed) < share and not takeable):
                # the steady state, one statement and one round trip: its share, or less with nothing
                # free to take (200 sources on 3 instances: 67, 67 and 66)
                return set(renewed)
        with self.engine.begin() as conn:
            if ensure:
                live, renewed, _ = self._beat(me, host, pid, version, started, now, alive_until, until, conn)
            names = sorted(hosts)
            for chunk in _chunks(names if ensure else [], 500):
                stmt = pg_insert(_L).values([{"source": n, "host": hosts[n]} for n in chunk])
                conn.execute(stmt.on_conflict_do_update(index_elements=[_L.c.source],
                                                        set_={"host": stmt.excluded.host}))

            def order(n: str) -> tuple[str, str]:
                return hosts.get(n, ""), n

            held = [n for n in renewed if n in hosts]
            share = fair_share(len(names), live)
            surplus = [n for n in renewed if n not in hosts]  # no longer configured here
            if len(held) > share:  # more instances now: give the surplus back for them to take
                surplus += sorted(held, key=order)[share:]
                held = sorted(held, key=order)[:share]
            if surplus:
                conn.execute(update(_L).where(_L.c.holder == me, _L.c.source == any_(_names(surplus)))
                             .values(holder=None, lease_until=None))
            if len(held) < share:
                free = conn.execute(
                    sa_select(_L.c.source).where(_L.c.source == any_(_names(names)),
                                                 or_(_L.c.holder.is_(None), _L.c.lease_until < now))
                    .order_by(_L.c.host, _L.c.source).limit(share - len(held))
                    .with_for_update(skip_locked=True)).scalars().all()
                if free:
                    conn.execute(update(_L).where(_L.c.source == any_(_names(free)))
                                 .values(holder=me, lease_until=until))
                    held += free
            if ensure:  # now and then: instances gone for a day leave `status`
                conn.execute(delete(_IN).where(_IN.c.heartbeat < now - FORGET_AFTER))
        return set(held)

    def _beat(self, me: str, host: str, pid: int, version: str, started: datetime, now: datetime,
              alive_until: datetime, until: datetime, conn: Connection | None = None) -> tuple[int, list[str], int]:
        """Say `me` is alive and renew every lease it holds, in one statement (one round trip:
        on a VM each wait for the server costs more CPU than the work). Returns the instances
        alive, `me` included, the sources whose lease it renewed, and how many leases are free
        or run out (any instance could take them)."""
        beat = (pg_insert(_IN).values(id=me, host=host, pid=pid, started=started, heartbeat=now,
                                      alive_until=alive_until, version=version)
                .on_conflict_do_update(index_elements=[_IN.c.id], set_={"heartbeat": now, "alive_until": alive_until})
                .returning(_IN.c.id).cte("beat"))
        renewed = update(_L).where(_L.c.holder == me).values(lease_until=until).returning(_L.c.source).cte("renewed")
        others = sa_select(func.count()).select_from(_IN).where(_IN.c.alive_until >= now, _IN.c.id != me)
        free = sa_select(func.count()).select_from(_L).where(
            or_(_L.c.holder.is_(None), and_(_L.c.lease_until < now, _L.c.holder != me)))
        stmt = sa_select(others.scalar_subquery() + sa_select(func.count()).select_from(beat).scalar_subquery(),
                         sa_select(func.array_agg(renewed.c.source)).scalar_subquery(), free.scalar_subquery())
        if conn is None:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
                live, held, n_free = auto.execute(stmt).one()
        else:
            live, held, n_free = conn.execute(stmt).one()
        return int(live), list(held or ()), int(n_free or 0)

    def claim_chore(self, name: str, now: datetime, every: float) -> bool:
        """Whether this instance does a chore of the whole database now (prune): once per `every`
        across the group, whoever asks first. Always on SQLite (one instance)."""
        if not self.shared:
            return True
        key = f"chore:{name}"
        with self.engine.begin() as conn:
            conn.execute(pg_insert(_M).values(key=key, value="").on_conflict_do_nothing(index_elements=[_M.c.key]))
            last = conn.execute(sa_select(_M.c.value).where(_M.c.key == key).with_for_update()).scalar_one()
            if last and datetime.fromisoformat(last) > now - timedelta(seconds=every * 0.9):
                return False  # another instance did it lately
            conn.execute(update(_M).where(_M.c.key == key).values(value=now.isoformat()))
        return True

    def leave(self, me: str) -> None:
        """A clean stop: give every lease back at once and leave the group."""
        if not self.shared:
            return
        with self.engine.begin() as conn:
            conn.execute(update(_L).where(_L.c.holder == me).values(holder=None, lease_until=None))
            conn.execute(delete(_IN).where(_IN.c.id == me))

    def alive_instances(self, now: datetime) -> set[str]:
        """The instances whose last heartbeat has not run out."""
        if not self.shared:
            return set()
        with self.reading() as conn:
            return set(conn.execute(sa_select(_IN.c.id).where(_IN.c.alive_until >= now)).scalars())

    def instances(self, now: datetime) -> list[InstanceInfo]:
        """Every instance `status` shows, with the sources whose unexpired lease it holds."""
        if not self.shared:
            return []
        with self.reading() as conn:
            now_held: dict[str, list[str]] = {}
            for source, holder in conn.execute(sa_select(_L.c.source, _L.c.holder).where(
                    and_(_L.c.holder.is_not(None), _L.c.lease_until >= now))
                    .order_by(_L.c.source)):
                now_held.setdefault(holder, []).append(source)
            return [InstanceInfo(r.id, r.host, r.pid, r.started, r.heartbeat, r.version,
                                 tuple(now_held.get(r.id, ())))
                    for r in conn.execute(sa_select(_IN).order_by(_IN.c.host, _IN.c.pid))]

