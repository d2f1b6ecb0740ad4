"""The database schema's versions, as Alembic revisions (versions/), for SQLite and PostgreSQL.

    HEAD                    the revision this watcher reads and writes
    version_of(conn)        the revision a database is at: None (empty), "legacy" (made by a
                            watcher before migrations) or a revision id
    verdict(version)        what to do about it: None (current), or the sentence to show
    create(conn)            a new, empty database straight to HEAD (the tables, then the stamp)
    upgrade(url)            `watcher migrate`: every revision after the database's own, in order

Alembic itself is imported only by `upgrade`: opening a current database costs one query.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

HEAD = "0005"
# every revision, oldest first (a test holds this to Alembic's own chain)
ORDER = ("0001", "0002", "0003", "0004", "0005")
LEGACY = "legacy"
_HERE = Path(__file__).parent
_TRACE_TABLE = "item"  # a table every watcher database has had


def version_of(conn: Connection) -> str | None:
    from sqlalchemy import inspect, text

    insp = inspect(conn)
    if insp.has_table("alembic_version"):
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        if row is not None:
            return str(row[0])
    return LEGACY if insp.has_table(_TRACE_TABLE) else None


def verdict(version: str | None) -> str | None:
    """Why this watcher cannot use a database at `version` as it is, or None (pure)."""
    if version is None or version == HEAD:
        return None
    if version == LEGACY:
        return ("was made by an earlier watcher, before schema migrations: run `watcher migrate` to "
                f"upgrade it in place (to revision {HEAD})")
    if version in ORDER and ORDER.index(version) < ORDER.index(HEAD):
        return f"is at schema revision {version}, older than this watcher's {HEAD}: run `watcher migrate`"
    return (f"is at schema revision {version}, which this watcher (at {HEAD}) does not know: it was "
            "upgraded by a newer watcher; install that version")


def create(conn: Connection) -> None:
    """A new database: the tables as the models declare them, stamped HEAD (what running every
    revision on an empty database gives, which a test holds to)."""
    from sqlalchemy import text
    from sqlmodel import SQLModel

    from ..store import schema  # noqa: F401  # registers the tables

    SQLModel.metadata.create_all(conn)
    conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
                      "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
    conn.execute(text("DELETE FROM alembic_version"))
    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD})


def upgrade(url: str) -> tuple[str | None, str]:
    """Run every revision the database lacks: (its version before, HEAD). An empty database runs
    them all; one an earlier watcher made starts from the baseline, which keeps its rows."""
    import logging

    # Alembic's INFO lines (its plugins, each revision) are ours to tell: `migrate` prints the result
    if not logging.getLogger("watcher").isEnabledFor(logging.DEBUG):
        logging.getLogger("alembic").setLevel(logging.WARNING)

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            before = version_of(conn)
            conn.rollback()
            verdict_ = verdict(before)
            if verdict_ is not None and "does not know" in verdict_:
                raise RuntimeError(f"the database {verdict_}")
            cfg = Config()
            cfg.set_main_option("script_location", str(_HERE))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, HEAD)
            conn.commit()
        return before, HEAD
    finally:
        engine.dispose()
