"""Mutes: what they silence (pure), and muting from the command line end to end."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cli_env import rss
from test_cli import DEAL

from watcher.models import Alert, EventInfo, Hit
from watcher.mute import Mute, muted_by, target_kind

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
LATER = NOW + timedelta(days=1)


@pytest.mark.parametrize(("target", "want"), [
    ("Groq", ("Groq", "company")), ("groq", ("Groq", "company")), ("FUNDING", ("funding", "event")),
    ("license", ("licence", "event")), ("Nvidia", None), ("", None),
])
def test_target_kind(target, want):
    assert target_kind(target, ["Groq", "Etched"]) == want


def alert(company: str = "Groq", kind: str = "licence", record: bool = True) -> Alert:
    return Alert(id=1, notifier="hook", title="t", link=None, source="wire", published=NOW,
                 hits=(Hit(rule="deals", company=company, alias=company, keywords=("x",), field="title", kind=kind),),
                 record=EventInfo(company=company, kind=kind, label=kind, headline=f"{company}: {kind}")
                 if record else None)


@pytest.mark.parametrize(("mutes", "a", "silenced"), [
    ([Mute("Groq", "company", LATER)], alert(), True),
    ([Mute("groq", "company", LATER)], alert(record=False), True),  # by the hit's company, any case
    ([Mute("Etched", "company", LATER)], alert(), False),
    ([Mute("licence", "event", LATER)], alert(), True),
    ([Mute("funding", "event", LATER)], alert(), False),
    ([Mute("Groq", "company", NOW)], alert(), False),  # ran out
    ([], alert(), False),
])
def test_muted_by(mutes, a, silenced):
    assert (muted_by(a, mutes, NOW) is not None) is silenced


def test_a_muted_company_is_stored_and_shown_but_not_sent_until_unmuted(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    r = env.run("mute", "groq", "--for", "2d")
    assert r.returncode == 0 and "muted company Groq until" in r.stdout
    assert "company  Groq" in env.run("mutes").stdout
    assert env.run("once").returncode == 0
    assert env.sink.posts == []  # stored, not sent
    assert "hook: muted 1" in env.run("status").stdout
    assert env.run("unmute", "Groq").returncode == 0 and env.run("mutes").stdout.strip() == "nothing is muted"
    second = dict(DEAL, title="Groq raises $640 million in a round led by BlackRock", link="https://news.example/g2")
    env.feed("/w.xml", rss([second, DEAL]))
    assert env.run("once").returncode == 0
    assert len(env.sink.posts) == 1 and "640" in env.sink.posts[0]["title"] + env.sink.posts[0]["message"]


def test_mute_refuses_what_it_cannot_name(env):
    env.write([])
    r = env.run("mute", "Nvidia")
    assert r.returncode == 2 and "neither a watched company" in r.stderr
    assert env.run("mute", "Groq", "--for", "soon").returncode == 2
    assert env.run("unmute", "Groq").returncode == 1
