"""This instance's part in a group of `watcher run` sharing one PostgreSQL (store/leases.py).

Every instance runs the same schedule; a poll goes ahead only for a source this instance holds
the lease of. A heartbeat every `beat_every` seconds renews the leases and claims free or expired
ones up to an even share; a lease runs out three heartbeats after its holder fell silent, so a
killed instance's sources are taken over within a few seconds, and polled at once by their new
holder when their interval has passed. On SQLite the one instance holds every source."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from . import instance
from .store import Store

BEATS_PER_LEASE = 3  # a lease outlives its holder's last heartbeat by this many heartbeats


def heartbeat_period(shortest_interval: float) -> float:
    """Seconds between heartbeats (pure): a quarter of the shortest poll interval, within 1-15 s,
    so that a dead instance's sources change hands well inside one interval."""
    return max(1.0, min(15.0, shortest_interval / 4))


@dataclass
class Membership:
    store: Store
    sources: dict[str, str]  # name -> host: claimed host by host
    beat_every: float
    held: set[str] = field(default_factory=set)  # on a shared database: the sources whose lease it holds
    _ensured: tuple[tuple[str, str], ...] = ()  # the sources whose lease rows the database has

    @classmethod
    def of(cls, store: Store, sources: Mapping[str, str], shortest_interval: float) -> Membership:
        return cls(store, dict(sources), heartbeat_period(shortest_interval))

    @property
    def lease(self) -> float:
        return self.beat_every * BEATS_PER_LEASE

    def holds(self, source: str) -> bool:
        return not self.store.shared or source in self.held

    def beat(self, now: datetime) -> tuple[set[str], set[str]]:
        """Say this instance is alive and renew or claim its leases (blocking: call in a thread).
        Returns (sources gained, sources lost) since the last beat."""
        ensure = tuple(sorted(self.sources.items())) != self._ensured
        held = self.store.heartbeat(instance.ID, instance.HOST, instance.PID, instance.version(),
                                    instance.STARTED, now, self.sources, self.lease, self.lease, ensure=ensure)
        self._ensured = tuple(sorted(self.sources.items()))
        gained, lost = held - self.held, self.held - held
        self.held = held
        return gained, lost

    def leave(self) -> None:
        """A clean stop: every lease back to the group at once (blocking)."""
        self.store.leave(instance.ID)
        self.held = set()
