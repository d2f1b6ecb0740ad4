"""Every source's poll state (validators, failures, backoff, health) kept in memory, so that a poll
that changes nothing touches no database.

The states are read from the store once, in one query. A poll's outcome is a set of changes:
`apply` folds them into the cached row and says whether they must be written now (`urgent`) or
may wait for the next `flush`, which writes every waiting row in one transaction. Only a success
that moves nothing but the timestamps waits (the usual 304); anything `status` or a restart must
see at once (new validators, a failure and its backoff, the health flag, the first success) is
urgent. A crash loses at most the timestamps of the last flush period: the next poll sends the
validators it had, and items are stored by ingest, never here.
"""
from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import SourceState
    from .store.schema import SourceStateValue

# Changes that may wait for the next flush: the clock moving on a poll that found nothing new.
DEFERRABLE = frozenset({"last_success", "last_attempt"})


@dataclass(frozen=True)
class PollState:
    """One source's state as the poll path reads it: the store's source_state row as a plain
    value (building an ORM row costs a hundred times more, and this is read on every poll)."""

    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    last_error: str | None = None
    failures: int = 0
    failing_since: datetime | None = None
    next_poll: datetime | None = None
    health_alerted: bool = False
    items_seen: int = 0

    @classmethod
    def of(cls, row: SourceState) -> PollState:
        return cls(**row.model_dump())

    def row(self) -> dict[str, Any]:
        """The source_state row's values (every field is a plain value: no deep copy, unlike asdict)."""
        return {f.name: getattr(self, f.name) for f in _FIELDS}


_FIELDS = dataclasses.fields(PollState)


def urgent(old: PollState, changes: Mapping[str, SourceStateValue], *, stored: bool) -> bool:
    """Must these changes be written now? (pure) `stored`: the row is in the database already."""
    if not stored:
        return True
    for key, value in changes.items():
        if key in DEFERRABLE:
            if getattr(old, key) is None:  # the first success or attempt: `status` shows it at once
                return True
        elif getattr(old, key) != value:
            return True
    return False


class PollStates:
    """The cache. Thread-safe; the event loop reads it, store calls run in threads."""

    def __init__(self) -> None:
        self._rows: dict[str, PollState] = {}
        self._stored: set[str] = set()
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self.loaded = False

    def load(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Fill from the store's rows (every row, once); states changed here since are kept."""
        with self._lock:
            for row in rows:
                state = PollState(**row)
                self._stored.add(state.name)
                self._rows.setdefault(state.name, state)
            self.loaded = True

    def refresh(self, rows: Iterable[Mapping[str, Any]], names: Iterable[str]) -> None:
        """Take these sources' states as stored (another instance polled them until now), unless
        this process has a change of its own waiting to be written."""
        wanted = set(names)
        with self._lock:
            for row in rows:
                if row["name"] in wanted and row["name"] not in self._pending:
                    self._rows[row["name"]] = PollState(**row)
                    self._stored.add(row["name"])

    def get(self, name: str) -> PollState:
        """The source's state (a fresh one for a source never polled)."""
        with self._lock:
            return self._rows.get(name) or PollState(name=name)

    def apply(self, name: str, changes: Mapping[str, SourceStateValue], *, defer: bool = False) -> bool:
        """Fold changes into the cached row. True: write it now (`take` it, then `written`).
        False: it waits for the flush (`take_pending`), as everything does when `defer`."""
        with self._lock:
            old = self._rows.get(name) or PollState(name=name)
            must = urgent(old, changes, stored=name in self._stored)
            self._rows[name] = dataclasses.replace(old, **changes)  # type: ignore[arg-type]  # keys are fields
            if defer or not must:
                self._pending.add(name)
                return False
            return True

    def take(self, names: Iterable[str]) -> list[PollState]:
        """These sources' rows, to write now (they leave the flush queue)."""
        with self._lock:
            out = []
            for n in names:
                self._pending.discard(n)
                if n in self._rows:
                    out.append(self._rows[n])
            return out

    def written(self, names: Iterable[str]) -> None:
        with self._lock:
            for name in names:
                self._stored.add(name)
                self._pending.discard(name)

    def take_pending(self) -> list[PollState]:
        """The rows waiting to be written (they leave the queue: on a failed write, `requeue`)."""
        with self._lock:
            rows = [self._rows[n] for n in sorted(self._pending)]
            self._pending.clear()
            return rows

    def requeue(self, rows: Iterable[PollState]) -> None:
        with self._lock:
            self._pending.update(r.name for r in rows)
