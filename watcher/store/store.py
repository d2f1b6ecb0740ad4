"""The Store: one engine (SQLite in WAL mode, where every write transaction begins IMMEDIATE so it
waits for the lock instead of failing half-way, or PostgreSQL), and the parts that use it.

A SQLite file is watched (dbguard.py): every connection, before it is opened and whenever it is
taken from the pool, checks with a stat that the path still names the file the store opened (and
opens it with mode=rw, never creating it), so a database deleted or replaced under a running
daemon is never answered by a fresh empty file ("no such table") nor has its shared memory
truncated under the connections still open (a Bus error). Every failure, and every write after
one, is reported to `health`; the first write that succeeds after one failed for want of space
runs a TRUNCATE checkpoint, so the journal gives back the space.

`read_only`: mode=ro and a short busy timeout, for `status` (WAL readers never wait on a writer)."""
from __future__ import annotations

import functools
import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection, QueuePool
from sqlmodel import create_engine

from .. import dbguard, migrations
from ..dbguard import DatabaseGone, DbHealth, FileId
from ..errors import SchemaError, StoreError
from ..quickstore import sqlite_path
from ..secrets import display_url
from .base import READ_ONLY
from .items import Items
from .leases import Leases
from .mutes import Mutes
from .outbox import Outbox
from .sources import SourceStates

log = logging.getLogger("watcher")

_T = TypeVar("_T")
_P = ParamSpec("_P")
_R = TypeVar("_R")

WAIT = 30.0  # seconds a write waits for another writer's lock
READ_ONLY_WAIT = 2.0  # a read-only store only waits on a checkpoint or a recovery, never on a writer
JOURNAL_LIMIT = 64 * 1024 * 1024  # bytes of WAL kept after a checkpoint resets it (the rest is given back)
DRIVER_ERRORS = (SQLAlchemyError, sqlite3.Error)
_NOTED = "_health_noted"  # on a StoreError whose failure the health has counted (calls nest)


def _store_errors(cls: type[_T]) -> type[_T]:
    """Every public method raises StoreError (never a raw driver error) for database trouble,
    and tells the store's health how it went."""

    def wrap(fn: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(fn)
        def inner(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            store: Any = args[0]
            store._began.write = False
            try:
                result = fn(*args, **kwargs)
            except StoreError as e:  # raised by the method itself (naming what failed), or by one it called
                if isinstance(e.__cause__, DRIVER_ERRORS) and not getattr(e, _NOTED, False):
                    store._failed(e.__cause__)
                    setattr(e, _NOTED, True)
                raise
            except DRIVER_ERRORS as e:
                store._failed(e)
                err = StoreError(f"{fn.__name__}: {e.__class__.__name__}: {getattr(e, 'orig', None) or e}")
                setattr(err, _NOTED, True)
                raise err from e
            health = store.health
            if health is not None and health.attention:  # only after trouble: the usual call reads one flag
                store._succeeded()
            return result
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
class Store(SourceStates, Items, Outbox, Mutes, Leases):
    def __init__(self, url: str, *, read_only: bool = False):
        self.url = url
        self.read_only = read_only
        self.health: DbHealth | None = None  # set once open: the schema check's own misses are no trouble
        self.path = sqlite_path(url)  # None: PostgreSQL, or SQLite in memory
        self._opened: FileId | None = None  # the file the first connection found at `path`
        self._began = threading.local()  # .write: this thread began a write transaction since its last call
        is_sqlite = url.startswith("sqlite")
        wait = READ_ONLY_WAIT if read_only else WAIT
        if read_only and self.path is not None:
            # mode=ro, through a creator: SQLAlchemy's URL parsing would undo the quoting a file:
            # URI needs for a path with "?", "#" or "%" in it
            uri = f"file:{quote(str(self.path.absolute()))}?mode=ro"
            self.engine = create_engine("sqlite://", poolclass=QueuePool, creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=wait, check_same_thread=False))
        else:
            connect_args = {"check_same_thread": False, "timeout": wait} if is_sqlite else {}
            self.engine = create_engine(url, connect_args=connect_args)
        self.reader = self.engine.execution_options(**{READ_ONLY: True})
        if is_sqlite:
            if self.path is not None and not read_only:
                rw_uri = f"file:{quote(str(self.path.absolute()))}?mode=rw"

                @event.listens_for(self.engine, "do_connect")
                def _before_connect(_d: Any, _r: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
                    if self._opened is None:
                        return  # the first connection: it may create the file
                    self._check_file()
                    # later ones open that file or fail: never a new empty one where it was deleted
                    cargs[0] = rw_uri
                    cparams["uri"] = True

            @event.listens_for(self.engine, "connect")
            def _on_connect(dbapi_conn: sqlite3.Connection, _rec: ConnectionPoolEntry) -> None:
                if self.path is not None and self._opened is None:
                    self._opened = dbguard.file_id(self.path)  # the file this store opened
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
                cur = dbapi_conn.cursor()
                if self.path is not None and not read_only:
                    # auto_vacuum takes effect on a new file only, and asking for it on any other
                    # waits for the write lock (30 s behind a busy writer): ask a new file only
                    if cur.execute("PRAGMA page_count").fetchone()[0] == 0:
                        cur.execute("PRAGMA auto_vacuum=INCREMENTAL")
                    cur.execute("PRAGMA journal_mode=WAL")
                    cur.execute(f"PRAGMA journal_size_limit={JOURNAL_LIMIT}")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
                cur.close()

            if self.path is not None:
                @event.listens_for(self.engine, "checkout")
                def _on_checkout(_c: Any, _rec: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
                    self._check_file()

        @event.listens_for(self.engine, "begin")
        def _on_begin(conn: Connection) -> None:
            reading = conn.get_execution_options().get(READ_ONLY)
            if is_sqlite:
                conn.exec_driver_sql("BEGIN" if reading or read_only else "BEGIN IMMEDIATE")
            if not reading:
                self._began.write = True
        try:
            if read_only:
                pass  # `status` reads what is there (cli.py opens a database of an older schema writable)
            else:
                self._bring_up()
        except SchemaError:
            raise
        except Exception as e:  # noqa: BLE001 - name the database in the message
            raise StoreError(f"cannot open database {display_url(url)}: {e}") from e
        self.health = DbHealth()

    def _check_file(self) -> None:
        """Raise DatabaseGone when `path` no longer names the file this store opened (one stat)."""
        if self.path is None or self._opened is None:
            return
        why = None
        if self.health is not None and self.health.attention:
            # once gone, gone for good: a file made at the path later may even get the old inode number
            why = self.health.snapshot().gone
        why = why or dbguard.moved(self.path, self._opened)
        if why is None:
            return
        if self.health is not None:
            self.health.lost(why)
        raise DatabaseGone(f"the database {self.path} {why}")

    def moved(self) -> str | None:
        """Why this is no longer the database the store opened ("was deleted", "was replaced by
        another file", "lost its tables (...)"), or None: a stat, cheap enough every few seconds."""
        gone = self.health.snapshot().gone if self.health is not None else None
        if gone is not None:
            return gone
        if self.path is None or self._opened is None:
            return None
        return dbguard.moved(self.path, self._opened)

    def _failed(self, e: BaseException) -> None:
        self._began.write = False
        if self.health is not None:
            self.health.failed(getattr(e, "orig", None) or e)

    def _succeeded(self) -> None:
        """After a call that went well while something was wrong: a write clears the failures,
        and pays the checkpoint a full disk left owed."""
        if not getattr(self._began, "write", False) or self.health is None:
            return
        self._began.write = False
        if self.health.wrote() and self.path is not None:
            self._checkpoint()

    def _checkpoint(self) -> None:
        assert self.health is not None
        try:
            raw = self.engine.raw_connection()
            try:
                conn: Any = raw.driver_connection
                busy, frames, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                raw.close()
        except (SQLAlchemyError, sqlite3.Error) as e:
            log.warning("database %s: writes work again, but its journal could not be checkpointed yet: %s",
                        display_url(self.url), e)
            return
        if busy:  # a reader was in the way: the next write tries again
            return
        self.health.checkpointed()
        log.info("database %s takes writes again: its journal (%d pages) was checkpointed and truncated",
                 display_url(self.url), frames)

    def _bring_up(self) -> None:
        """A new database is created at the schema this watcher writes; one at another revision
        is refused (SchemaError says what to do: `watcher migrate`, or a newer watcher)."""
        with self.reading() as conn:
            version = migrations.version_of(conn)
        why = migrations.verdict(version)
        if why is not None:
            raise SchemaError(f"the database {display_url(self.url)} {why}")
        if version is None:
            with self.engine.begin() as conn:
                migrations.create(conn)

    def close(self) -> None:
        self.engine.dispose()
