"""Shared fixtures: a loopback HTTP server, the shipped config's Matcher and the shared corpus
next to the checkout."""
from __future__ import annotations

import sys
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
