"""Shared fixtures: a loopback HTTP server and the shared corpus next to the checkout."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import LoopbackServer  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def corpus_dir() -> Path | None:
    """../shared/corpus beside the checkout, or None when it is absent (e.g. a bare clone)."""
    path = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return path if path.is_dir() else None


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
