"""A database mistake is one line naming watcher.database (exit 2), found before anything runs."""
from __future__ import annotations

import importlib.util
import sqlite3

import pytest

from watcher.dbcheck import problem, url_problem
from watcher.store import Store


@pytest.mark.parametrize(("url", "says"), [
    ("sqlite:///watcher.db", None),
    ("sqlite://", None),
    ("postgresql+psycopg://watcher@db/watcher", None),
    ("data/watcher.db", "is not a database URL: write sqlite:///data/watcher.db"),
    ("/var/lib/watcher.db", "is not a database URL"),
    ("mysql://u@h/db", "unsupported database 'mysql'"),
])
def test_url_problem(url, says):
    found = url_problem(url)
    assert (found is None) if says is None else (says in (found or ""))


def test_sqlite_files(tmp_path):
    assert problem(f"sqlite:///{tmp_path / 'new.db'}") is None  # created by the first run
    assert "does not exist" in (problem(f"sqlite:///{tmp_path / 'no' / 'w.db'}") or "")
    (tmp_path / "dir.db").mkdir()
    assert "is not a file" in (problem(f"sqlite:///{tmp_path / 'dir.db'}") or "")
    (tmp_path / "junk.db").write_bytes(b"this is not a database, but it is long enough to look like one" * 100)
    assert "not a database" in (problem(f"sqlite:///{tmp_path / 'junk.db'}") or "")
    good = tmp_path / "good.db"
    Store(f"sqlite:///{good}").close()
    assert problem(f"sqlite:///{good}") is None
    assert problem("sqlite://") is None


def test_a_database_another_process_is_writing_to_is_no_mistake(tmp_path):
    good = tmp_path / "busy.db"
    Store(f"sqlite:///{good}").close()
    holder = sqlite3.connect(good, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert problem(f"sqlite:///{good}", wait=0.05) is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_postgres_without_its_driver_says_what_to_install(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a))
    assert "pip install 'watcher[postgres]'" in (problem("postgresql+psycopg://postgres@127.0.0.1/test") or "")


@pytest.mark.parametrize("command", ["check", "once", "run"])
def test_every_command_that_uses_the_database_exits_2_naming_the_key(env, command):
    env.write([])
    text = env.cfg.read_text().replace('database = "sqlite:///watcher.db"', 'database = "data/watcher.db"')
    env.cfg.write_text(text)
    r = env.run(command)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "watcher.database" in r.stderr and "sqlite:///data/watcher.db" in r.stderr
    env.cfg.write_text(text.replace('database = "data/watcher.db"', 'database = "sqlite:///missing/w.db"'))
    r = env.run(command)
    assert r.returncode == 2 and "watcher.database" in r.stderr and "does not exist" in r.stderr


@pytest.fixture
def read_only_db(env):
    """A database nobody may write, not even root (the immutable attribute); skipped where the file
    system or the user cannot set it."""
    import shutil
    import subprocess

    env.write([])
    assert env.run("once").returncode == 0  # creates watcher.db
    db = env.tmp / "watcher.db"
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode:
        pytest.skip("cannot make a file read-only for every user here (chattr +i)")
    try:
        yield db
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)


def test_a_read_only_database_is_read_by_status_and_refused_by_what_writes(env, read_only_db):
    st = env.run("status")
    assert st.returncode == 0 and "items stored: 0" in st.stdout and "Traceback" not in st.stderr
    for command in ("check", "once"):
        r = env.run(command)
        assert r.returncode == 2 and "watcher.database" in r.stderr and "readonly" in r.stderr, (command, r.stderr)
