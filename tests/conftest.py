"""Shared fixtures: a loopback HTTP server, the shipped config's Matcher and the shared corpus
next to the checkout."""
from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import LoopbackServer  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path | None:
    """../shared/corpus beside the checkout, or None when it is absent (e.g. a bare clone)."""
    path = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def shipped_matcher():
    """A Matcher built from the shipped config.toml, once for the session (it only reads)."""
    from watcher import config
    from watcher.match import Matcher

    cfg = config.load(ROOT / "config.toml")
    return Matcher(cfg.company, cfg.rule, cfg.watcher.context_words)


@pytest.fixture
def http_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def env(tmp_path, http_server):
    """An end-to-end setup: config writer, loopback feeds, a json:// webhook receiver, the CLI."""
    from cli_env import Env
    from servers import PostSink

    sink = PostSink()
    try:
        yield Env(tmp_path, http_server, sink)
    finally:
        sink.close()


# ----------------------------------------------------------------------------- PostgreSQL
PG_SERVER = os.environ.get("WATCHER_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin():
    """An autocommit connection to the PostgreSQL the tests use, or the reason there is none."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(PG_SERVER)
    try:
        return psycopg.connect(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                               password=u.password, dbname=u.database or "postgres", autocommit=True,
                               connect_timeout=5)
    except psycopg.Error as e:
        return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database of its own for one test (dropped after it), on the server
    $WATCHER_PG_URL names (default: 127.0.0.1:5432, user postgres). Where there is none, the test
    is skipped saying why, unless WATCHER_PG_REQUIRED=1 (set by .ci/run), where it fails."""
    from sqlalchemy.engine import make_url

    admin = _pg_admin()
    if isinstance(admin, str):
        why = f"no PostgreSQL at {make_url(PG_SERVER).render_as_string(hide_password=True)}: {admin}"
        if os.environ.get("WATCHER_PG_REQUIRED") == "1":
            pytest.fail(why)
        pytest.skip(why)
    name = f"watcher_t_{uuid.uuid4().hex[:12]}"
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
