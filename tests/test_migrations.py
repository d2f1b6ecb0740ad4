"""Schema migrations (watcher/migrations, Alembic) on SQLite files and on the real PostgreSQL: from
an empty database, from a database the last watcher before migrations made, and what `run` says
about a schema too old or too new."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from watcher import migrations
from watcher.store import schema  # noqa: F401  # the tables

DATA = Path(__file__).resolve().parent / "data"


def test_head_and_order_are_alembics_own():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [migrations.HEAD]
    chain = [r.revision for r in script.walk_revisions()][::-1]  # walk_revisions goes head first
    assert tuple(chain) == migrations.ORDER


@pytest.mark.parametrize(("version", "says"), [
    (None, None),  # empty: created at HEAD
    (migrations.HEAD, None),
    ("legacy", "earlier watcher, before schema migrations: run `watcher migrate`"),
    ("0001", f"older than this watcher's {migrations.HEAD}: run `watcher migrate`"),
    ("0099", f"which this watcher (at {migrations.HEAD}) does not know"),
])
def test_verdict(version, says):
    got = migrations.verdict(version)
    assert (got is None) if says is None else (says in (got or ""))


def tables_of(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names()}
    finally:
        engine.dispose()


def drift(url: str) -> list:
    """What differs between the models and a database (alembic's own comparison)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    # the models' indexes on SQLite's autoincrement ids and the like aside, a column or table
    # that one side has and the other lacks is drift
    return [d for d in diffs if isinstance(d, tuple) and d[0] in ("add_table", "remove_table", "add_column",
                                                                     "remove_column")]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_revision_on_an_empty_database_gives_the_models(backend, tmp_path, request):
    url = sqlite_url(tmp_path / "w.db") if backend == "sqlite" else request.getfixturevalue("pg_url")
    assert migrations.upgrade(url) == (None, migrations.HEAD)
    assert drift(url) == []
    engine = create_engine(url)
    with engine.connect() as conn:
        assert migrations.version_of(conn) == migrations.HEAD
    engine.dispose()
    assert migrations.upgrade(url) == (migrations.HEAD, migrations.HEAD)  # again: nothing to do


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_new_database_created_directly_equals_one_migrated(backend, tmp_path, request):
    """A new database skips Alembic (create + stamp): it must come out the same."""
    a = sqlite_url(tmp_path / "a.db") if backend == "sqlite" else request.getfixturevalue("pg_url")
    b = sqlite_url(tmp_path / "b.db")
    engine = create_engine(a)
    with engine.begin() as conn:
        migrations.create(conn)
    with engine.connect() as conn:
        assert migrations.version_of(conn) == migrations.HEAD
    engine.dispose()
    migrations.upgrade(b)
    assert tables_of(a) == tables_of(b)
    assert drift(a) == []


def legacy_db(path: Path) -> str:
    db = sqlite3.connect(path)
    db.executescript((DATA / "legacy_schema_v0.sql").read_text())
    db.close()
    return sqlite_url(path)


def test_a_database_from_before_migrations_upgrades_in_place(tmp_path):
    url = legacy_db(tmp_path / "old.db")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert migrations.version_of(conn) == migrations.LEGACY
        before = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                  for t in ("item", "alert", "outbox", "event", "alert_hit", "meta")}
    engine.dispose()
    assert migrations.upgrade(url) == (migrations.LEGACY, migrations.HEAD)
    assert drift(url) == []
    engine = create_engine(url)
    with engine.connect() as conn:
        after = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in before}
        statuses = sorted(conn.execute(text("SELECT notifier, status FROM outbox")).all())
    engine.dispose()
    assert after == before and before["item"] == 3
    assert statuses == [("hook", "sent"), ("mail", "pending")]  # nothing delivered is queued again
