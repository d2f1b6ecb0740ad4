"""Per-source poll state (validators, failures, backoff, health) and small facts about watcher."""
from __future__ import annotations

from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from .base import Db
from .schema import MetaRow, SourceState, SourceStateValue, _table


class SourceStates(Db):
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

