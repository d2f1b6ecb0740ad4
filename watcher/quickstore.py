"""What `watcher once` needs of a SQLite database when nothing changed, through the standard
library's sqlite3 (the driver SQLAlchemy itself uses here): the schema check, the meta rows,
every source's poll state read and written back, and whether any alert waits in the outbox.

Importing SQLAlchemy and SQLModel and declaring the tables costs a fifth of a second, as much as
polling 200 quiet feeds; a pass whose sources all answer 304 with nothing queued needs none of
it. The moment a source brings something new (or an alert waits), the pipeline opens the full
Store and this is no longer used. Values are written exactly as SQLAlchemy writes them (test_store
checks both directions). It lives outside the store package, which imports SQLAlchemy.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import StoreError
from .migrations import HEAD

_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's SQLite DATETIME storage format
STATE_COLUMNS = ("name", "etag", "last_modified", "last_success", "last_attempt", "last_error", "failures",
                 "failing_since", "next_poll", "health_alerted", "items_seen")
_DATES = {"last_success", "last_attempt", "failing_since", "next_poll"}

def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL (None for anything else, or for an in-memory database)."""
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    rest = url[len("sqlite:///"):]
    return None if not rest or rest == ":memory:" else Path(rest)


def to_db(value: Any) -> Any:
    """A value as SQLAlchemy writes it to SQLite: an aware datetime as naive UTC text, a bool as 0/1."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise StoreError("naive datetime given to the store; use aware UTC")
        return value.astimezone(UTC).strftime(_DATETIME)
    return value


def _from_db(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in _DATES:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if key == "health_alerted":
        return bool(value)
    return value


class QuickStore:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    @classmethod
    def open(cls, url: str) -> QuickStore | None:
        """An existing SQLite database already brought up to this watcher's schema, else None
        (then the full Store creates or upgrades it)."""
        path = sqlite_path(url)
        if path is None or not path.is_file():
            return None
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return None
        store = cls(conn)
        try:
            conn.execute("PRAGMA busy_timeout=30000")
            if store.schema_version() == HEAD:
                return store
        except sqlite3.Error:
            pass
        conn.close()
        return None

    def schema_version(self) -> str | None:
        """The database's Alembic revision (None: no alembic_version table)."""
        try:
            row = self.conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else str(row[0])

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def source_rows(self) -> list[dict[str, Any]]:
        cur = self.conn.execute(f"SELECT {', '.join(STATE_COLUMNS)} FROM source_state")
        return [{k: _from_db(k, v) for k, v in zip(STATE_COLUMNS, row, strict=True)} for row in cur]

    def save_source_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        try:
            self._save(rows)
        except sqlite3.Error as e:
            raise StoreError(f"save_source_rows: {e.__class__.__name__}: {e}") from e

    def _save(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        cols = ", ".join(STATE_COLUMNS)
        marks = ", ".join("?" for _ in STATE_COLUMNS)
        sets = ", ".join(f"{c} = excluded.{c}" for c in STATE_COLUMNS if c != "name")
        sql = f"INSERT INTO source_state ({cols}) VALUES ({marks}) ON CONFLICT (name) DO UPDATE SET {sets}"
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany(sql, [tuple(to_db(r[c]) for c in STATE_COLUMNS) for r in rows])
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def outbox_waiting(self) -> int:
        """Alerts not yet delivered (pending or being sent), for any notifier."""
        row = self.conn.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()
        return int(row[0])

    def close(self) -> None:
        self.conn.close()
