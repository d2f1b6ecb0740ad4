"""Digests: the schedule and the message (pure), and a notifier that takes deals at once and
capital in the morning digest."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cli_env import rss
from test_cli import DEAL
from test_pipeline import Clock, with_ctx

from watcher import config, digest
from watcher.errors import ConfigError
from watcher.models import Alert, EventInfo, Hit
from watcher.pipeline import Context, deliver, poll_source

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("text", "want"), [
    ("hourly", digest.Schedule("hourly")), ("daily 08:00", digest.Schedule("daily", 8, 0)),
    (" Daily  7:30 ", digest.Schedule("daily", 7, 30)), ("daily 24:00", None), ("weekly", None), ("daily", None),
])
def test_parse(text, want):
    if want is None:
        with pytest.raises(ValueError, match="hourly"):
            digest.parse(text)
    else:
        assert digest.parse(text) == want


@pytest.mark.parametrize(("spec", "now", "last", "nxt"), [
    # Berlin is UTC+1 in winter: 08:00 there is 07:00 UTC
    ("daily 08:00", datetime(2026, 12, 1, 9, 0, tzinfo=UTC), datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
     datetime(2026, 12, 2, 7, 0, tzinfo=UTC)),
    ("daily 08:00", datetime(2026, 12, 1, 6, 59, tzinfo=UTC), datetime(2026, 11, 30, 7, 0, tzinfo=UTC),
     datetime(2026, 12, 1, 7, 0, tzinfo=UTC)),
    ("hourly", datetime(2026, 12, 1, 9, 42, tzinfo=UTC), datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
     datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
    # across the spring change (29 March 2026): still 08:00 on the wall clock, now 06:00 UTC
    ("daily 08:00", datetime(2026, 3, 28, 12, 0, tzinfo=UTC), datetime(2026, 3, 28, 7, 0, tzinfo=UTC),
     datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
])
def test_slots(spec, now, last, nxt):
    s = digest.parse(spec)
    assert digest.last_slot(s, now, BERLIN) == last and digest.next_slot(s, now, BERLIN) == nxt


def test_split_and_render_group_by_company():
    s = digest.parse("daily 08:00")
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    send, wait = digest.split([now - timedelta(hours=3), now - timedelta(minutes=30)], s, now, BERLIN)
    assert (send, wait) == ([0], [1])

    def a(company: str, title: str) -> Alert:
        hit = Hit(rule="capital", company=company, alias=company, keywords=(), field="title")
        return Alert(id=1, notifier="n", title=title, link=f"https://x.example/{len(title)}", source="s",
                     published=now, hits=(hit,),
                     record=EventInfo(company=company, kind="funding", label="funding round",
                                      headline=f"{company}: funding round"))

    title, body = digest.render([a("Groq", "Groq raises"), a("Etched", "Etched raises"), a("Groq", "Groq again")], s)
    assert title == "watcher daily digest: 3 alerts, 2 companies"
    assert body.splitlines()[0] == "Etched:" and body.count("Groq: funding round") == 2


def test_digest_rules_must_name_rules_and_need_a_digest():
    base = '[[rule]]\nname = "deals"\nevents = ["acquisition"]\n[[notifier]]\nname = "n"\nurl = "json://127.0.0.1:9/x"\n'
    with pytest.raises(ConfigError, match="digest_rules names 'capital'"):
        config.loads(base + 'digest = "hourly"\ndigest_rules = ["capital"]\n')
    with pytest.raises(ConfigError, match="digest_rules without digest"):
        config.loads(base + 'digest_rules = ["deals"]\n')
    with pytest.raises(ConfigError, match="daily HH:MM"):
        config.loads(base + 'digest = "daily 8am"\n')
    with pytest.raises(ConfigError, match="IANA"):
        config.loads('[watcher]\ntimezone = "Mars/Olympus"\n')


def test_deals_go_at_once_and_capital_waits_for_the_morning_digest(env):
    funding = [dict(DEAL, title="Groq raises $640 million in a round led by BlackRock", link="https://news.example/r1"),
               dict(DEAL, title="Etched raises $120 million in a round led by Primary", link="https://news.example/r2")]
    env.write([("wire", env.feed("/w.xml", rss([DEAL, *funding])))],
              notifiers=f'\n[[notifier]]\nname = "hook"\nurl = "{env.sink.url("hook")}"\n'
                        'digest = "daily 08:00"\ndigest_rules = ["capital"]\n', extra='timezone = "Europe/Berlin"')
    clock = Clock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # 11:00 in Berlin

    async def job(ctx: Context) -> None:
        await poll_source(ctx, ctx.cfg.source_named("wire"))
        await deliver(ctx)
        assert len(env.sink.posts) == 1 and env.sink.posts[0]["title"].startswith("Groq: licence to Nvidia")
        clock.turn(hours=12)  # 22:00 UTC, 23:00 in Berlin: still before the next 08:00
        await deliver(ctx, ignore_backoff=True)
        assert len(env.sink.posts) == 1
        clock.turn(hours=8, minutes=50)  # 06:50 UTC, 07:50 in Berlin: not yet
        await deliver(ctx)
        assert len(env.sink.posts) == 1
        clock.turn(minutes=15)  # 07:05 UTC = 08:05 in Berlin
        await deliver(ctx)
        assert len(env.sink.posts) == 2
        last = env.sink.posts[1]
        assert last["title"] == "watcher daily digest: 2 alerts, 2 companies"
        assert "Etched:" in last["message"] and "Groq:" in last["message"] and "news.example/r1" in last["message"]
        await deliver(ctx, ignore_backoff=True)
        assert len(env.sink.posts) == 2  # sent once

    with_ctx(env, clock, job)
    assert "hook: digested 2, sent 1" in env.run("status").stdout
