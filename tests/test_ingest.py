"""plan_ingest, pure and table-driven: a snapshot of what the store knows and a poll's items in,
the steps the store must take out. (The store carrying plans out: test_store.py.)"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watcher import events
from watcher.ingest import (
    AddAlso,
    Candidate,
    Known,
    OpenEvent,
    PutAlert,
    PutEvent,
    PutItem,
    Root,
    UrlSeen,
    copy_at,
    plan_ingest,
)
from watcher.models import Hit, RawItem
from watcher.normalize import normalize

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WINDOW = 14 * 86400.0


def hit(company: str = "Groq", party: str | None = "Nvidia", amount: str | None = None) -> Hit:
    return Hit(rule="deals", company=company, alias=company, keywords=("acquire",), field="title", kind="acquisition",
               role="target", counterparty=party, amount=amount)


def item(n: int, title: str, link: str | None = None, source: str = "wire"):
    return normalize(RawItem(guid=f"g{n}", title=title, link=link or f"https://n.example/{n}"), source)


def open_event(h: Hit, states: dict[str, str], days_ago: float = 1.0, id: int = 7) -> OpenEvent:
    (e,) = events.from_hits((h,))
    when = NOW - timedelta(days=days_ago)
    return OpenEvent(id, e, when, when, 1, ["wire"], alert=70, alert_item=700, states=states)


ROOT = Root(700, "wire", "nvidia to buy groq", frozenset({"Groq"}), alert=70, event=7)


def kinds(plan) -> list[str]:
    out = []
    for s in plan.steps:
        if isinstance(s, PutItem):
            out.append(f"item:{s.state}")
        elif isinstance(s, PutEvent):
            out.append("event")
        elif isinstance(s, PutAlert):
            out.append("follow-up" if s.update_of else "alert")
        elif isinstance(s, AddAlso):
            out.append(f"also:{s.alert}")
    return out


A = item(1, "Nvidia to buy Groq for $20 billion")
B = item(2, "Groq agrees to sale to Nvidia, sources say")
LIVE1 = item(11, "Nvidia agrees to acquire Groq", "https://live.example/blog#post-1", "tech")
LIVE2 = item(12, "Etched raises $500 million in a funding round", "https://live.example/blog#post-2", "tech")
LIVE3 = item(13, "Intel agrees to acquire SambaNova", "https://live.example/blog?utm_source=x#post-3", "tech")
LIVE1_AGAIN = item(14, "UPDATE 1-Nvidia agrees to acquire Groq", "https://live.example/blog#post-1", "tech")
CASES = [
    # (name, items, hits per item index, known, want steps, want (new items, alerts, copies, updates))
    ("a new deal alerts and opens its event", [A], {0: hit()}, Known(),
     ["event", "item:alerted", "alert"], (1, 1, 0, 0)),
    ("an item already stored for this source does nothing", [A], {0: hit()}, Known(keys=frozenset({A.key})),
     [], (0, 0, 0, 0)),
    ("no hits: a plain item", [A], {}, Known(), ["item:plain"], (1, 0, 0, 0)),
    ("two reports of one deal in one poll: the second goes into the first's queued alert",
     [A, B], {0: hit(), 1: hit()}, Known(), ["event", "item:alerted", "alert", "item:joined", "also:-2"], (2, 1, 1, 0)),
    ("the same article from another source: a copy noted on the story's alert",
     [A], {0: hit()}, Known(urls={A.url: (UrlSeen(700, ROOT, "wire", A.story_key),)}), ["also:70", "item:copy"],
     (0, 0, 0, 0)),
    ("another source's retitled item at an address that tells one story: still a copy",
     [B], {0: hit()}, Known(urls={B.url: (UrlSeen(700, ROOT, "wire", A.story_key),)}), ["also:70", "item:copy"],
     (0, 0, 0, 0)),
    ("a live blog: three posts of one source at one address are three stories",
     [LIVE1, LIVE2, LIVE3], {0: hit(), 1: hit("Etched", None, "$500 million"), 2: hit("SambaNova", "Intel")}, Known(),
     ["event", "item:alerted", "alert"] * 3, (3, 3, 0, 0)),
    ("a live blog's next post, polled later, is its own story too",
     [LIVE2], {0: hit("Etched", None, "$500 million")},
     Known(urls={LIVE1.url: (UrlSeen(700, ROOT, "tech", LIVE1.story_key),)}), ["event", "item:alerted", "alert"],
     (1, 1, 0, 0)),
    ("headlines numbered apart are two events, each alerted",
     [item(21, "Nvidia agrees to acquire Groq in deal 1"), item(22, "Nvidia agrees to acquire Groq in deal 2")],
     {0: hit(), 1: hit()}, Known(), ["event", "item:alerted", "alert"] * 2, (2, 2, 0, 0)),
    ("the same post again under a new guid is a copy", [LIVE1_AGAIN], {0: hit()},
     Known(urls={LIVE1.url: (UrlSeen(700, ROOT, "tech", LIVE1.story_key),)}), ["also:70", "item:copy"], (0, 0, 0, 0)),
    ("a later report while the alert is queued is added to it",
     [B], {0: hit()}, Known(events=(open_event(hit(), {"hook": "pending"}),), roots=(ROOT,)),
     ["item:joined", "also:70"], (1, 0, 1, 0)),
    ("after the alert went out a report that adds nothing is silent",
     [B], {0: hit()}, Known(events=(open_event(hit(), {"hook": "sent"}),), roots=(ROOT,)),
     ["item:joined"], (1, 0, 1, 0)),
    ("after the alert went out the amount becoming known is one follow-up",
     [B], {0: hit(amount="$20 billion")}, Known(events=(open_event(hit(), {"hook": "sent"}),), roots=(ROOT,)),
     ["item:joined", "follow-up"], (1, 0, 1, 1)),
    ("another buyer is another event", [B], {0: hit(party="Intel")},
     Known(events=(open_event(hit(), {"hook": "sent"}),)), ["event", "item:alerted", "alert"], (1, 1, 0, 0)),
    ("outside the window is another event", [B], {0: hit()},
     Known(events=(open_event(hit(), {"hook": "sent"}, days_ago=20),)), ["event", "item:alerted", "alert"],
     (1, 1, 0, 0)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_plan(case) -> None:
    _, items, hits, known, want, counts = case
    matched = {items[i].key: Candidate(items[i], (h,), ("hook",)) for i, h in hits.items()}
    plan = plan_ingest("tech", items, matched, known, now=NOW, event_window=WINDOW)
    assert kinds(plan) == want
    r = plan.result
    assert (r.new_items, r.new_alerts, r.copies, r.updates) == counts


def test_a_follow_up_goes_to_the_channels_that_had_the_alert_and_the_event_takes_the_fact() -> None:
    known = Known(events=(open_event(hit(), {"hook": "sent", "mail": "pending"}),), roots=(ROOT,))
    matched = {B.key: Candidate(B, (hit(amount="$20 billion"),), ("hook", "mail"))}
    plan = plan_ingest("tech", [B], matched, known, now=NOW, event_window=WINDOW)
    follow = [s for s in plan.steps if isinstance(s, PutAlert)]
    assert len(follow) == 1 and follow[0].notifiers == ("hook",) and follow[0].update_of == 70
    assert [s.alert for s in plan.steps if isinstance(s, AddAlso)] == [70]  # still queued for mail
    (ev,) = plan.events
    assert (ev.reports, ev.sources, ev.event.amount, ev.last_seen) == (2, ["wire", "tech"], "$20 billion", NOW)


def test_a_report_that_fits_two_open_events_joins_the_one_whose_figure_it_names() -> None:
    def raise_hit(amount: str | None) -> Hit:
        return Hit(rule="capital", company="Cerebras", alias="Cerebras", keywords=("raised",), field="title",
                   kind="funding", role="recipient", amount=amount)
    big = open_event(raise_hit("$1 billion"), {"hook": "sent"}, days_ago=2, id=8)
    share = open_event(raise_hit("$225M"), {"hook": "sent"}, days_ago=1, id=9)
    later = open_event(raise_hit("$1 billion"), {"hook": "sent"}, days_ago=0.5, id=10)
    report = item(31, "Inside the $225M Cerebras bet")  # its event names no sum; its headline does
    matched = {report.key: Candidate(report, (raise_hit(None),), ("hook",))}
    plan = plan_ingest("tech", [report], matched, Known(events=(big, share, later)), now=NOW, event_window=WINDOW)
    assert [s.event for s in plan.steps if isinstance(s, PutItem)] == [9]


def test_the_plan_leaves_the_snapshot_untouched() -> None:
    ev = open_event(hit(), {"hook": "sent"})
    known = Known(events=(ev,), roots=(ROOT,))
    plan_ingest("tech", [B], {B.key: Candidate(B, (hit(amount="$1B"),), ("hook",))}, known, now=NOW,
                event_window=WINDOW)
    assert (ev.reports, ev.sources, ev.event.amount) == (1, ["wire"], None)


def seen(source: str, title: str) -> UrlSeen:
    return UrlSeen(1, None, source, normalize(RawItem(guid=None, link=None, title=title), source).story_key)


@pytest.mark.parametrize(("at", "source", "title", "copy"), [
    ([], "wire", "Nvidia to buy Groq", None),
    ([seen("wire", "Nvidia to buy Groq for $20 billion")], "tech", "NVIDIA TO BUY GROQ FOR $20 BILLION - Reuters", 0),
    ([seen("wire", "Nvidia to buy Groq for $20 billion")], "tech", "Groq agrees to a sale to Nvidia", 0),
    ([seen("wire", "Nvidia to buy Groq for $20 billion")], "wire", "Etched raises $500 million in a round", None),
    ([seen("wire", "Nvidia to buy Groq"), seen("wire", "Etched raises $500M")], "tech", "Intel buys SambaNova", None),
    ([seen("wire", "Nvidia to buy Groq"), seen("wire", "Etched raises $500M")], "tech", "Etched raises $500M", 1),
    ([seen("wire", "")], "wire", "Etched raises $500 million in a round", 0),  # no headline to tell by
])
def test_copy_at(at, source, title, copy):
    got = copy_at(at, source, normalize(RawItem(guid=None, link=None, title=title), source).story_key)
    assert (at.index(got) if got is not None else None) == copy
