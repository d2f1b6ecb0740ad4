"""Can the configured database be used the way `run` will use it (read and written)? `check`,
`once` and `run` ask first, so that a mistake is one line naming watcher.database and exit 2,
never a traceback half-way through a poll. SQLite is checked with sqlite3 (no SQLAlchemy:
`check` stays fast); PostgreSQL by connecting once. `thorough` (`run` and `check`) also reads
every page (PRAGMA quick_check, about 0.1 s per 150 MB), so that a damaged file is refused at the
start with how to recover it, not found one failing poll at a time; `once` (cron, every few
minutes) skips it."""
from __future__ import annotations

import importlib.util
import os
import sqlite3
from pathlib import Path

from .dbguard import CORRUPT, classify, recovery_hint
from .quickstore import sqlite_path

# URL scheme -> the driver module it needs
POSTGRES_DRIVERS = {"postgresql": "psycopg2", "postgresql+psycopg2": "psycopg2", "postgresql+psycopg": "psycopg"}


def url_problem(url: str) -> str | None:
    """What is wrong with the URL itself (pure): not a URL, an unknown kind of database."""
    if "://" not in url:
        return (f"{url!r} is not a database URL: write sqlite:///{url} (a path relative to the config file) "
                f"or sqlite:////an/absolute/path")
    scheme = url.partition("://")[0].lower()
    if scheme == "sqlite" or scheme in POSTGRES_DRIVERS:
        return None
    return f"unsupported database {scheme!r}: use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"


def problem(url: str, *, wait: float = 5.0, thorough: bool = False, schema: bool = True) -> str | None:
    """Why this database cannot be used, in one line, or None. A database another process is
    writing to (locked for longer than `wait`) is no mistake: the run will wait its turn.
    `thorough`: check every page too (quick_check), for a damaged file. `schema`: and refuse a
    schema revision this watcher does not write (`watcher migrate` itself skips that)."""
    found = url_problem(url)
    if found:
        return found
    scheme = url.partition("://")[0].lower()
    if scheme in POSTGRES_DRIVERS:
        return _postgres_problem(url, POSTGRES_DRIVERS[scheme], schema)
    path = sqlite_path(url)
    if path is None:  # in memory
        return None
    if path.exists():
        if not path.is_file():
            return f"{path} is not a file"
        try:
            conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=wait)
        except sqlite3.Error as e:
            return f"cannot open {path} for writing: {e}"
        try:
            found = _probe(conn, path, thorough) or (_schema_problem(conn) if schema else None)
        finally:
            conn.close()
        if found:
            return found
        if not os.access(path.parent, os.W_OK):  # SQLite keeps its journal (-wal, -shm) beside the file
            return f"the folder {path.parent} is not writable (SQLite keeps its journal there)"
        return None
    parent = path.parent if str(path.parent) else None
    if parent is not None and not parent.is_dir():
        return f"the folder {parent} does not exist (the database file would be created there)"
    if not os.access(parent or ".", os.W_OK):
        return f"the folder {parent or os.getcwd()} is not writable: the database {path.name} cannot be created"
    return None


def _probe(conn: sqlite3.Connection, path: Path, thorough: bool) -> str | None:
    """What is wrong with an existing SQLite file as `run` will use it: written, read, and with
    `thorough` every page checked."""
    try:
        conn.execute("BEGIN IMMEDIATE")  # takes the write lock as every write does
        try:  # a write that is rolled back: a read-only file or file system fails here, and only here
            conn.execute("CREATE TABLE IF NOT EXISTS watcher_write_probe (x)")
        finally:
            conn.execute("ROLLBACK")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as e:
        if "locked" not in str(e) and "busy" not in str(e):
            return f"cannot use {path}: {e}"
    except sqlite3.DatabaseError as e:
        return _unreadable(path, e)
    if not thorough:
        return None
    try:  # a reader: never locked out by a writer in WAL mode
        damage = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.OperationalError:
        return None  # locked (a database not in WAL mode, being written): the run will see
    except sqlite3.DatabaseError as e:
        return _unreadable(path, e)
    return None if damage == ["ok"] else f"{path} is damaged (quick_check: {'; '.join(damage)}): {recovery_hint(path)}"


def _schema_problem(conn: sqlite3.Connection) -> str | None:
    """An existing SQLite file at a schema revision this watcher does not write (migrations.verdict)."""
    from . import migrations

    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        version = None if row is None else str(row[0])
    except sqlite3.OperationalError:  # no such table
        try:
            made = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'item'").fetchone()
        except sqlite3.Error:
            return None
        version = migrations.LEGACY if made else None
    except sqlite3.Error:
        return None
    why = migrations.verdict(version)
    return f"the database {why}" if why else None


def _unreadable(path: Path, e: sqlite3.DatabaseError) -> str:
    if "malformed" in str(e):
        return f"{path} is damaged ({e}): {recovery_hint(path)}"
    if classify(e) == CORRUPT:  # "file is not a database": another file, or one damaged from its first page
        return f"cannot use {path}: {e} (if it is watcher's database, {recovery_hint(path)})"
    return f"cannot use {path}: {e}"


def _postgres_problem(url: str, driver: str, schema: bool = True) -> str | None:
    if importlib.util.find_spec(driver) is None:
        extra = "'watcher[postgres]' (psycopg 3)" if driver == "psycopg" else "psycopg2-binary"
        return f"PostgreSQL needs the {driver} driver, which is not installed: pip install {extra}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    from . import migrations

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            why = migrations.verdict(migrations.version_of(conn)) if schema else None
            if why:
                return f"the database {why}"
    except SQLAlchemyError as e:
        first = str(getattr(e, "orig", None) or e).strip().splitlines()
        return f"cannot connect: {first[0] if first else e.__class__.__name__}"
    finally:
        engine.dispose()
    return None
