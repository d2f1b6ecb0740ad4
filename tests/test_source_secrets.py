"""An API key in a [[source]]'s URL or headers (``${NAME}``) is sent to the source and shown
nowhere: not in the log of a failing fetch, not in `watcher status`, not in `watcher check`.
Through the real CLI against a loopback server that fails the request."""
from __future__ import annotations

import json
import re

import pytest
from cli_env import WATCHLIST, Env

KEY = "k3y-0f-the-feed-api-7781"


def write(env: Env, path: str, log_format: str = "text") -> None:
    url = f"{env.server.url(path)}?key=${{FEED_KEY}}"
    env.cfg.write_text(f'[watcher]\ndatabase = "sqlite:///watcher.db"\nevery = "1h"\ntimeout = "5s"\n'
                       f'jitter = "0s"\nlog_level = "DEBUG"\nlog_format = "{log_format}"\n'
                       f'\n[[source]]\nname = "api"\nkind = "feed"\nurl = "{url}"\n'
                       f'[source.headers]\nX-Api-Key = "${{FEED_KEY}}"\n{WATCHLIST}', encoding="utf-8")


def log_lines(stderr: str) -> list[str]:
    """The log records on stderr, text or JSON (not the CLI's own messages, "watcher: ...")."""
    return [line for line in stderr.splitlines() if re.match(r"\d{4}-\d\d-\d\d |\{", line)]


def failing(env: Env, how: str) -> list[str]:
    """Route /api to fail `how`: "500", or "refused redirect" (to an ftp:// URL that repeats the
    request's query, key and all: the failure message then holds the key). Returns the paths
    requested, queries included, as the requests come."""
    paths: list[str] = []

    def answer(h) -> None:
        paths.append(h.path)
        if how == "500":
            h._send(500, {}, b"boom")
        else:
            h._send(302, {"Location": "ftp://127.0.0.1/api?" + h.path.partition("?")[2]}, b"")

    env.server.routes["/api"] = answer
    return paths


FAILURES = ["500", "refused redirect"]


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("failure", FAILURES)
def test_the_key_reaches_the_source_and_no_log_line_of_its_failing_fetch(env, failure, log_format):
    paths = failing(env, failure)
    write(env, "/api", log_format)
    r = env.run("once", env={"FEED_KEY": KEY})
    assert r.returncode == 0, r.stderr
    [sent] = env.server.headers_of("/api")
    assert sent.get("x-api-key") == KEY  # expanded and sent, not "${FEED_KEY}"
    assert paths == [f"/api?key={KEY}"]
    lines = log_lines(r.stderr)
    failed = [line for line in lines if "api" in line and ("HTTP 500" in line or "refused" in line)]
    assert failed, r.stderr  # the failure is logged
    assert [line for line in lines if KEY in line] == []
    if log_format == "json":
        assert all(json.loads(line) for line in lines), lines
    if failure == "500":
        assert KEY not in r.stdout + r.stderr


def test_status_never_shows_the_key(env):
    paths = failing(env, "500")
    write(env, "/api")
    env.run("once", env={"FEED_KEY": KEY})
    assert paths == [f"/api?key={KEY}"]  # the key went to the source
    r = env.run("status", env={"FEED_KEY": KEY})
    assert r.returncode == 1 and "HTTP 500" in r.stdout  # the source is failing, and says why
    assert KEY not in r.stdout + r.stderr


def test_check_never_shows_the_key(env):
    write(env, "/api")
    r = env.run("check", env={"FEED_KEY": KEY})
    assert r.returncode == 0 and "api" in r.stdout
    assert KEY not in r.stdout + r.stderr


def test_a_failure_message_that_quotes_the_url_is_shown_masked(env):
    failing(env, "refused redirect")
    write(env, "/api")
    once = env.run("once", env={"FEED_KEY": KEY})
    status = env.run("status", env={"FEED_KEY": KEY})
    assert "refused" in status.stdout
    assert KEY not in once.stderr + status.stdout + status.stderr
