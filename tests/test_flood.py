"""The flood guard: the plan (pure) and a notifier that gets too many alerts in an hour."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cli_env import rss

from watcher.flood import plan_flood

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


@pytest.mark.parametrize(("due", "limit", "sent", "summary_ago", "each", "fold", "held"), [
    (5, None, 0, None, 5, 0, 0),  # no guard
    (3, 5, 0, None, 3, 0, 0),  # room for all
    (5, 2, 0, None, 2, 3, 0),  # two one by one, three in a summary
    (4, 2, 2, None, 0, 4, 0),  # the hour's two went already: all in a summary
    (4, 2, 2, 30, 0, 0, 4),  # a summary went 30 minutes ago: wait for the next hour
    (4, 2, 2, 61, 0, 4, 0),  # the last summary is over an hour old
    (1, 2, 1, 10, 1, 0, 0),  # one slot left
])
def test_plan_flood(due, limit, sent, summary_ago, each, fold, held):
    last = None if summary_ago is None else NOW - timedelta(minutes=summary_ago)
    plan = plan_flood(list(range(due)), limit, sent, last, NOW)
    assert (len(plan.each), len(plan.fold), len(plan.held)) == (each, fold, held)
    assert plan.each + plan.fold + plan.held == list(range(due))  # nothing dropped, order kept
    assert (plan.hold_until is not None) == bool(held)


DEALS = [
    {"title": "Groq agrees to be acquired by Nvidia", "link": "https://news.example/f1"},
    {"title": "Etched raises $120 million in a round led by Primary Venture Partners", "link": "https://news.example/f2"},
    {"title": "Moore Threads raises $300 million", "link": "https://news.example/f3"},
    {"title": "Etched agrees to be acquired by Broadcom", "link": "https://news.example/f4"},
    {"title": "Groq raises $640 million in a round led by BlackRock", "link": "https://news.example/f5"},
]


def test_a_flooded_notifier_gets_its_limit_then_one_summary_and_nothing_is_lost(env):
    hook = f'\n[[notifier]]\nname = "hook"\nurl = "{env.sink.url("hook")}"\nmax_per_hour = 2\n'
    env.write([("wire", env.feed("/w.xml", rss(DEALS)))], notifiers=hook)
    assert env.run("once").returncode == 0
    posts = env.sink.posts
    assert len(posts) == 3, [p.get("title") for p in posts]  # two alerts, then one summary of the other three
    assert "3 more alerts this hour (flood guard: 2 an hour)" in posts[2]["title"]
    folded = [d["link"] for d in DEALS if d["link"] in posts[2]["message"]]
    assert len(folded) == 3 and not any(link in posts[0]["message"] + posts[1]["message"] for link in folded)
    assert "hook: folded 3, sent 2" in env.run("status").stdout
    later = {"title": "Moore Threads agrees to be acquired by a state fund", "link": "https://news.example/f6"}
    env.feed("/w.xml", rss([later, *DEALS]))
    assert env.run("once").returncode == 0
    assert len(env.sink.posts) == 3  # within the hour, after a summary: it waits for the next one
    assert "pending 1" in env.run("status").stdout
