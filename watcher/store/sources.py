"""Per-source poll state (validators, failures, backoff, health) and small facts about watcher.
Core SQL, not ORM sessions: these run around every poll."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select
from sqlalchemy.sql.dml import Insert

from .base import Db

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PgInsert
    from sqlalchemy.dialects.sqlite import Insert as LiteInsert
from .schema import MetaRow, SourceState, SourceStateValue, _table

_STATE = _table(SourceState)
_META = _table(MetaRow)


def upsert(db: Db, table: Table, key: str, set_: dict[str, Any] | None) -> Insert:
    """INSERT ... ON CONFLICT (key) DO UPDATE SET set_ (DO NOTHING when set_ is empty), in the
    database's own dialect. `set_=None`: every column from the inserted row."""
    ins: PgInsert | LiteInsert
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        ins = postgresql.insert(table)
    else:  # importing the PostgreSQL dialect costs 25 ms: only where it is used
        from sqlalchemy.dialects import sqlite

        ins = sqlite.insert(table)
    if set_ is None:
        set_ = {c.name: ins.excluded[c.name] for c in table.columns if c.name != key}
    if not set_:
        return ins.on_conflict_do_nothing(index_elements=[key])
    return ins.on_conflict_do_update(index_elements=[key], set_=set_)


class SourceStates(Db):
    def source_state(self, name: str) -> SourceState:
        with self.reading() as conn:
            row = conn.execute(select(_STATE).where(_STATE.c.name == name)).mappings().first()
        return SourceState(**row) if row is not None else SourceState(name=name)

    def source_rows(self) -> list[dict[str, Any]]:
        """Every source's state row as plain values (the poll-state cache reads these)."""
        with self.reading() as conn:
            return [dict(r) for r in conn.execute(select(_STATE)).mappings()]

    def all_source_states(self) -> list[SourceState]:
        with self.reading() as conn:
            return [SourceState(**r) for r in conn.execute(select(_STATE)).mappings()]

    def save_source_state(self, name: str, **changes: SourceStateValue) -> None:
        """Insert or update one source's row (one statement)."""
        row = {"failures": 0, "health_alerted": False, "items_seen": 0, **changes}
        with self.engine.begin() as conn:
            conn.execute(upsert(self, _STATE, "name", dict(changes)).values(name=name, **row))

    def save_source_rows(self, rows: list[dict[str, SourceStateValue]]) -> None:
        """Whole rows (every column), as the poll-state cache holds them, in one transaction."""
        if rows:
            with self.engine.begin() as conn:
                conn.execute(upsert(self, _STATE, "name", None), rows)

    def get_meta(self, key: str) -> str | None:
        with self.reading() as conn:
            value: str | None = conn.execute(select(_META.c.value).where(_META.c.key == key)).scalar()
            return value

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(upsert(self, _META, "key", {"value": value}).values(key=key, value=value))
