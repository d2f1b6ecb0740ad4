"""The quick store (sqlite3 only) stands in for the full Store on a quiet `once`: it must read and
write exactly what the full one does, refuse any database it cannot vouch for, and spare the run
SQLAlchemy."""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from cli_env import rss
from test_cli import DEAL

from watcher.poll_state import PollState
from watcher.quickstore import QuickStore, sqlite_path
from watcher.store import Store

T = datetime(2026, 11, 30, 9, 15, 42, 123456, tzinfo=UTC)
ROWS = [
    PollState(name="a", etag='"x"', last_modified="Mon, 30 Nov 2026 09:00:00 GMT", last_success=T, last_attempt=T,
              items_seen=30).row(),
    PollState(name="b", last_attempt=T, last_error="HTTP 500", failures=3, failing_since=T.replace(microsecond=0),
              next_poll=T, health_alerted=True).row(),
]


def test_rows_written_by_either_store_read_back_the_same_from_the_other(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    full = Store(url)
    full.save_source_rows(ROWS)
    quick = QuickStore.open(url)
    assert quick is not None
    assert sorted(quick.source_rows(), key=lambda r: r["name"]) == ROWS
    changed = [dict(ROWS[0], etag='"y"', last_success=T.replace(second=0)), dict(ROWS[1], name="c")]
    quick.save_source_rows(changed)
    assert sorted(full.source_rows(), key=lambda r: r["name"]) == [changed[0], ROWS[1], changed[1]]
    assert quick.get_meta("nothing") is None and quick.outbox_waiting() == 0
    quick.close()
    full.close()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u@h/db",
                                 "sqlite:///{tmp}/absent.db", "sqlite:///{tmp}/old.db"])
def test_it_stands_in_only_for_an_sqlite_file_brought_up_to_date(tmp_path, url):
    old = tmp_path / "old.db"
    Store(f"sqlite:///{old}").close()
    import sqlite3

    con = sqlite3.connect(old)
    con.execute("UPDATE alembic_version SET version_num = '0001'")  # as an older watcher left it
    con.commit()
    con.close()
    assert QuickStore.open(url.format(tmp=tmp_path)) is None


def test_sqlite_path():
    assert sqlite_path("sqlite:////var/lib/w.db") is not None and str(sqlite_path("sqlite:////var/lib/w.db")) == \
        "/var/lib/w.db"
    assert sqlite_path("sqlite:///w.db") is not None and sqlite_path("sqlite:///file:w.db?mode=ro&uri=true") is None


def test_a_quiet_once_never_imports_sqlalchemy_and_a_changed_one_stores_as_usual(env):
    """In a fresh interpreter: the first pass creates the database (full store); a second pass,
    every source answering 304, runs on sqlite3 alone; a third, after the feed changed, opens the
    full store in the middle of the pass and alerts."""
    env.write([("wire", env.feed("/w.xml", rss([])))])
    code = ("import sys; from watcher.cli import main; rc = main(['--config', sys.argv[1], 'once']); "
            "print('sqlalchemy' in sys.modules); sys.exit(rc)")

    def once() -> tuple[int, str]:
        r = subprocess.run([sys.executable, "-c", code, str(env.cfg)], capture_output=True, text=True,
                           cwd=env.tmp, timeout=120)
        return r.returncode, r.stdout.strip()

    assert once() == (0, "True")  # a new database: created through SQLAlchemy
    assert once() == (0, "False")  # nothing changed: sqlite3 only
    env.feed("/w.xml", rss([DEAL]))
    assert once() == (0, "True")
    assert len(env.sink.posts) == 1 and "Groq" in env.sink.posts[0]["title"]
    assert once() == (0, "False")  # quiet again (the alert was sent)
