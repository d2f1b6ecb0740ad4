"""What every part of the store shares: the engine."""
from __future__ import annotations

from sqlalchemy.engine import Connection, Engine

READ_ONLY = "watcher_read"  # execution option: begin a plain (deferred) transaction on SQLite


class Db:
    url: str
    engine: Engine  # write transactions: BEGIN IMMEDIATE on SQLite, so they wait for the lock up front
    reader: Engine  # the same pool; a read takes no write lock, so it never waits behind a writer

    def reading(self) -> Connection:
        """A connection for reads only (use as a context manager)."""
        return self.reader.connect()
