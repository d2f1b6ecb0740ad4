"""notify.render's texts beside alerts: the source-health messages and the "log" notifier's line.

Table-driven: each case is a call and the exact title and body it must give (these texts were
pipeline.py's own until they moved here; the cases pin them as they were).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from apprise import NotifyFormat

from watcher import models, notify

SINCE = datetime(2025, 1, 14, 9, 30, tzinfo=UTC)

HEALTH_CASES: list[tuple[str, Callable[[], notify.Message], str, str]] = [
    ("failing",
     lambda: notify.health_failing("techcrunch", 3, SINCE, "HTTP 503 from https://techcrunch.example/feed"),
     "watcher: techcrunch is failing",
     "Source techcrunch has failed 3 times since 2025-01-14 09:30 UTC.\n"
     "Last error: HTTP 503 from https://techcrunch.example/feed\n"
     "watcher keeps retrying with backoff."),
    ("failing, since in another zone",
     lambda: notify.health_failing("36kr", 1, datetime(2025, 1, 14, 17, 30, tzinfo=timezone(timedelta(hours=8))),
                                   "timeout"),
     "watcher: 36kr is failing",
     "Source 36kr has failed 1 time since 2025-01-14 09:30 UTC.\n"
     "Last error: timeout\n"
     "watcher keeps retrying with backoff."),
    ("failing, naive since is UTC",
     lambda: notify.health_failing("edgar", 12, datetime(2025, 1, 14, 9, 30), "SEC answered 403"),
     "watcher: edgar is failing",
     "Source edgar has failed 12 times since 2025-01-14 09:30 UTC.\n"
     "Last error: SEC answered 403\n"
     "watcher keeps retrying with backoff."),
    ("recovered",
     lambda: notify.health_recovered("techcrunch", SINCE, "HTTP 503"),
     "watcher: techcrunch recovered",
     "Source techcrunch is working again after failing since 2025-01-14 09:30 UTC. Last error was: HTTP 503"),
    ("recovered, nothing recorded",
     lambda: notify.health_recovered("wire", None, None),
     "watcher: wire recovered",
     "Source wire is working again."),
]


@pytest.mark.parametrize(("call", "title", "body"), [c[1:] for c in HEALTH_CASES], ids=[c[0] for c in HEALTH_CASES])
def test_health_texts(call: Callable[[], notify.Message], title: str, body: str) -> None:
    m = call()
    assert (m.title, m.body) == (title, body)
    assert m.body_format == NotifyFormat.TEXT and m.fields is None


def alert(**kw: object) -> models.Alert:
    base: dict[str, object] = dict(
        id=1, notifier="log", title="Groq signs licensing agreement with Nvidia",
        link="https://example.com/news/groq", source="techcrunch", published=SINCE,
        hits=(models.Hit(rule="deals", company="Groq", alias="Groq", keywords=("licensing agreement",),
                         field="title"),),
        summary="Groq agreed a licensing agreement.",
    )
    base.update(kw)
    return models.Alert(**base)  # type: ignore[arg-type]


LOG_CASES: list[tuple[str, models.Alert, str]] = [
    ("headline only", alert(),
     "ALERT Groq signs licensing agreement with Nvidia"
     " | Source: techcrunch"
     " | Published: 2025-01-14 09:30 UTC"
     ' | Matched: rule deals, company Groq, alias "Groq", keywords "licensing agreement", in title'
     " | Snippet: Groq agreed a licensing agreement."
     " | Link: https://example.com/news/groq"),
    ("hostile feed text is cleaned", alert(title="Groq <b>deal</b>\u202e @channel", link=None, summary=""),
     "ALERT Groq deal @\u200dchannel"
     " | Source: techcrunch"
     " | Published: 2025-01-14 09:30 UTC"
     ' | Matched: rule deals, company Groq, alias "Groq", keywords "licensing agreement", in title'
     " | Link: (no link)"),
]


@pytest.mark.parametrize(("a", "want"), [c[1:] for c in LOG_CASES], ids=[c[0] for c in LOG_CASES])
def test_log_alert(a: models.Alert, want: str) -> None:
    assert notify.log_alert(a) == want


def test_log_alert_is_the_text_channel_under_a_marker() -> None:
    a = notify.sample_alert("log")
    m = notify.render(a, "text")
    line = notify.log_alert(a)
    assert "\n" not in line and line.startswith(f"ALERT {m.title} | ")
    assert all(ln.strip() in line for ln in m.body.splitlines() if ln.strip())


@pytest.mark.parametrize("url,shown", [
    ("https://www.example.kr/kr/openai의-100억-달러", "https://www.example.kr/kr/openai의-100억-달러"),  # an IRI stays
    ("https://36kr.example/p/摩尔线程?id=1", "https://36kr.example/p/摩尔线程?id=1"),
    # the punctuation of other scripts stays too
    ("https://x.example/注目集まる-～-米国・半導体", "https://x.example/注目集まる-～-米国・半導体"),
    ("https://x.example/a b\"<>|", "https://x.example/a%20b%22%3C%3E%7C"),  # cannot break out of a link
    ("https://x.example/a\u3000b\u2028c", "https://x.example/a%E3%80%80b%E2%80%A8c"),  # other spaces and separators
    ("https://x.example/a\u200bb", "https://x.example/ab"),  # invisible format characters go
])
def test_links_keep_other_scripts_and_escape_what_breaks_out(url, shown):
    from watcher.notify.render import safe_url

    assert safe_url(url) == shown
