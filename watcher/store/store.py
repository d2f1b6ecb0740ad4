"""The Store: one engine (SQLite in WAL mode, where every write transaction begins IMMEDIATE so it
waits for the lock instead of failing half-way, or PostgreSQL), and the parts that use it."""
from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import SQLModel, create_engine

from ..errors import StoreError
from ..quickstore import SCHEMA_KEY, schema_fingerprint
from ..secrets import display_url
from .base import READ_ONLY
from .items import Items
from .mutes import Mutes
from .outbox import Outbox
from .schema import upgrade
from .sources import SourceStates

_T = TypeVar("_T")
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _store_errors(cls: type[_T]) -> type[_T]:
    """Every public method raises StoreError (never a raw driver error) for database trouble."""

    def wrap(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(fn)
        def inner(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return fn(*args, **kwargs)
            except StoreError:
                raise
            except (SQLAlchemyError, sqlite3.Error) as e:
                raise StoreError(f"{fn.__name__}: {e.__class__.__name__}: {getattr(e, 'orig', None) or e}") from e
        return inner

    wrapped: set[str] = set()
    for klass in cls.__mro__:  # the class and the parts it is made of, nearest first
        if klass is object:
            continue
        for name, fn in vars(klass).items():
            if callable(fn) and not name.startswith("_") and name != "close" and name not in wrapped:
                wrapped.add(name)
                setattr(cls, name, wrap(fn))
    return cls


@_store_errors
class Store(SourceStates, Items, Outbox, Mutes):
    def __init__(self, url: str):
        self.url = url
        connect_args = {"check_same_thread": False, "timeout": 30} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, connect_args=connect_args)
        self.reader = self.engine.execution_options(**{READ_ONLY: True})
        if url.startswith("sqlite"):
            @event.listens_for(self.engine, "connect")
            def _on_connect(dbapi_conn: sqlite3.Connection, _rec: ConnectionPoolEntry) -> None:
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
                cur = dbapi_conn.cursor()
                if ":memory:" not in url:
                    try:
                        cur.execute("PRAGMA auto_vacuum=INCREMENTAL")  # takes effect on a new file only
                    except sqlite3.OperationalError:
                        pass  # a read-only database: `status` and `events` still read it
                    cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()

            @event.listens_for(self.engine, "begin")
            def _on_begin(conn: Connection) -> None:
                conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")
        try:
            if not self._schema_current():
                SQLModel.metadata.create_all(self.engine)
                upgrade(self.engine)
                self.set_meta(SCHEMA_KEY, schema_fingerprint())
        except Exception as e:  # noqa: BLE001 - name the database in the message
            raise StoreError(f"cannot open database {display_url(url)}: {e}") from e

    def _schema_current(self) -> bool:
        try:
            return self.get_meta(SCHEMA_KEY) == schema_fingerprint()
        except StoreError:
            return False  # no meta table yet: a new or very old database

    def close(self) -> None:
        self.engine.dispose()
