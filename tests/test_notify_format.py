"""notify.render / channel_of: each channel's output pinned, and hostile feed text made inert.

The Slack body is CommonMark that apprise 2.3 converts to Slack mrkdwn; `slack_final` runs that
same conversion (apprise's own code, no network) so the cases pin what Slack would receive.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from apprise import NotifyFormat
from apprise.plugins.slack import NotifySlack

from watcher import models, notify

LINK = "https://example.com/news/groq-deal?id=7&src=rss"


def alert(title: str = "Groq signs licensing agreement with Nvidia", **kw) -> models.Alert:
    base = dict(
        id=1, notifier="n", title=title, link=LINK, source="techcrunch",
        published=datetime(2025, 1, 14, 9, 30, tzinfo=UTC),
        hits=(models.Hit(rule="deals", company="Groq", alias="Groq",
                         keywords=("licensing agreement",), field="title"),),
        summary="Groq, the AI chip startup, agreed a licensing agreement worth $20bn.",
    )
    base.update(kw)
    return models.Alert(**base)


def slack_final(body: str) -> str:
    """What apprise's Slack plugin puts into the payload for a MARKDOWN body."""
    return NotifySlack._commonmark_to_slack(body)


def visible_text(html_body: str) -> str:
    return re.sub(r"<[^>]+>", "", html_body)


# --------------------------------------------------------------------------- channel_of

@pytest.mark.parametrize(("url", "fmt", "want"), [
    ("slack://T000/B000/XXXX", "auto", "slack"),
    ("SLACK://T000/B000/XXXX", "auto", "slack"),
    ("https://hooks.slack.com/services/T000/B000/XXXX", "auto", "slack"),
    ("mailto://u:p@example.com?to=a@b.c", "auto", "email"),
    ("mailtos://u:p@example.com", "auto", "email"),
    ("json://127.0.0.1:8080/hook", "auto", "json"),
    ("jsons://example.com/hook", "auto", "json"),
    ("https://example.com/hooks.slack.com", "auto", "text"),
    ("discord://a/b", "auto", "text"),
    ("json://127.0.0.1/x", "slack", "slack"),
    ("slack://T000/B000/XXXX", "text", "text"),
    ("mailto://u:p@example.com", "text", "text"),
    ("json://h/x", "email", "email"),
])
def test_channel_of(url, fmt, want):
    assert notify.channel_of(url, fmt) == want


# --------------------------------------------------------------------------- every channel

def test_title_and_formats():
    a = alert()
    for channel, fmt in (("slack", NotifyFormat.MARKDOWN), ("email", NotifyFormat.HTML),
                         ("text", NotifyFormat.TEXT)):
        m = notify.render(a, channel)
        assert m.title == "Groq signs licensing agreement with Nvidia"  # no event record: the headline
        assert m.body_format == fmt
    with pytest.raises(ValueError):
        notify.render(a, "pager")


def test_text_body_pinned():
    a = alert(also=("reuters", "ft"), event="Groq Inc. filed S-1 (IPO registration)")
    assert notify.render(a, "text").body == (
        "Groq signs licensing agreement with Nvidia\n"
        "Source: techcrunch\n"
        "Published: 2025-01-14 09:30 UTC\n"
        'Matched: rule deals, company Groq, alias "Groq", keywords "licensing agreement", in title\n'
        "Event: Groq Inc. filed S-1 (IPO registration)\n"
        "Snippet: Groq, the AI chip startup, agreed a licensing agreement worth $20bn.\n"
        "Also reported by: reuters, ft\n"
        f"Link: {LINK}"
    )


def test_slack_body_pinned():
    body = notify.render(alert(), "slack").body
    assert slack_final(body) == (
        "*<https://example.com/news/groq-deal?id=7&amp;src=rss|Groq signs licensing agreement with Nvidia>*\n"
        "Source: techcrunch · Published: 2025-01-14 09:30 UTC\n"
        "• rule *deals*, company *Groq*: alias “Groq”, keywords “licensing agreement”, in title\n"
        "> Groq, the AI chip startup, agreed a licensing agreement worth $20bn.\n"
        "Link: <https://example.com/news/groq-deal?id=7&amp;src=rss>"
    )


def test_email_body_pinned():
    body = notify.render(alert(), "email").body
    assert body.startswith(
        '<p><b><a href="https://example.com/news/groq-deal?id=7&amp;src=rss">'
        "<mark>Groq</mark> signs <mark>licensing agreement</mark> with Nvidia</a></b></p>")
    assert "<p>Source: techcrunch<br>Published: 2025-01-14 09:30 UTC</p>" in body
    assert ("<li>rule <b>deals</b>, company <b>Groq</b>: alias <mark>Groq</mark>, keywords "
            "<mark>licensing agreement</mark>, in title</li>") in body
    assert ('<p>Link: <a href="https://example.com/news/groq-deal?id=7&amp;src=rss">'
            "https://example.com/news/groq-deal?id=7&amp;src=rss</a></p>") in body


def test_several_rules_title_uses_first_body_lists_all():
    a = alert(hits=(
        models.Hit("capital", "Cerebras", "Cerebras", ("IPO", "withdraws"), "title"),
        models.Hit("deals", "Groq", "GroqCloud", ("acquisition",), "summary"),
    ))
    for channel in notify.CHANNELS:
        m = notify.render(a, channel)
        assert m.title == "Groq signs licensing agreement with Nvidia"
        text = visible_text(m.body)
        for word in ("capital", "Cerebras", "withdraws", "deals", "GroqCloud", "acquisition", "summary"):
            assert word in text, (channel, word)


@pytest.mark.parametrize(("published", "shown"), [
    (datetime(2025, 1, 14, 9, 30, tzinfo=UTC), "2025-01-14 09:30 UTC"),
    (datetime(2025, 1, 14, 17, 30, tzinfo=timezone(timedelta(hours=8))), "2025-01-14 09:30 UTC"),
    (datetime(2025, 1, 14, 9, 30), "2025-01-14 09:30 UTC"),  # naive is taken as UTC
    (None, "no date"),
])
def test_published_time(published, shown):
    for channel in notify.CHANNELS:
        assert shown in notify.render(alert(published=published), channel).body


def test_no_link_and_no_summary():
    a = alert(link=None, summary="", also=())
    for channel in notify.CHANNELS:
        body = notify.render(a, channel).body
        assert "Also reported by" not in body
        assert "href" not in body


# --------------------------------------------------------------------------- hostile text

def rendered(title: str, channel: str, **kw) -> tuple[str, str]:
    """(title, what the channel shows): Slack after apprise's conversion, email's HTML."""
    m = notify.render(alert(title=title, **kw), channel)
    body = slack_final(m.body) if channel == "slack" else m.body
    return m.title, body


HOSTILE = [
    # (feed headline, text that must not appear in the Slack payload)
    ("Groq deal <!channel> now", "<!channel>"),
    ("Groq deal <!here|here> now", "<!here"),
    ("Groq deal <https://evil.example|click here>", "<https://evil"),
    ("Groq deal <@U024BE7LH> ping", "<@U"),
    ("Groq deal [click](https://evil.example)", "<https://evil"),
    ("Groq <script>alert(1)</script> deal", "<script"),
    ("Groq <img src=x onerror=alert(1)> deal", "<img"),
]


@pytest.mark.parametrize(("headline", "forbidden"), HOSTILE)
def test_slack_feed_text_is_inert(headline, forbidden):
    _, body = rendered(headline, "slack", summary=headline)
    assert forbidden not in body
    # the only live Slack constructs are our own link to the item
    assert re.findall(r"<([^>]*)>", body) == [
        f"https://example.com/news/groq-deal?id=7&amp;src=rss|{body.split('|', 1)[1].split('>')[0]}",
        "https://example.com/news/groq-deal?id=7&amp;src=rss",
    ]


def test_slack_escapes_entities():
    _, body = rendered("Groq <!channel> & <https://evil|click>", "slack")
    assert "&lt;!channel&gt;" in body
    assert "&lt;https://evil|click&gt;" in body
    assert " &amp; " in body


@pytest.mark.parametrize("mention", ["@here", "@channel", "@everyone", "@HERE"])
@pytest.mark.parametrize("channel", notify.CHANNELS)
def test_mass_mentions_neutralised(mention, channel):
    title, body = rendered(f"Groq tells {mention} about acquisition", channel,
                           hits=(models.Hit("deals", "Groq", mention, ("acquisition",), "title"),))
    for text in (title, body):
        assert not re.search(r"@(here|channel|everyone)\b", text, re.I), text
    assert "@\u200d" in body


@pytest.mark.parametrize("channel", notify.CHANNELS)
def test_script_and_html_tags_never_markup(channel):
    _, body = rendered("Groq <script>alert('x')</script><b onclick=x>bold</b> deal", channel,
                       summary="<iframe src=https://evil></iframe> Groq acquisition")
    for tag in ("<script", "<b onclick", "<iframe", "</script"):
        assert tag not in body.lower()
    assert "bold" in body


@pytest.mark.parametrize("channel", notify.CHANNELS)
def test_email_style_escaping_of_angle_text(channel):
    # text that survives tag stripping (not a tag) is escaped in markup channels
    _, body = rendered("Groq: revenue <5% & margin >10%", channel)
    if channel == "email":
        assert "revenue &lt;5% &amp; margin &gt;10%" in body
    elif channel == "slack":
        assert "revenue &lt;5% &amp; margin &gt;10%" in body
    else:
        assert "revenue <5% & margin >10%" in body


@pytest.mark.parametrize("channel", notify.CHANNELS)
def test_cr_lf_and_controls_removed_from_titles(channel):
    hit = models.Hit("deals\r\nBcc: evil@example.com", "Groq\x00\x1b[31m", "Groq",
                     ("acquisition\u202e\u200b",), "title")
    title, body = rendered("Groq\r\nSubject: pwned\x07 deal\u2028x", channel, hits=(hit,))
    assert title == "Groq Subject: pwned deal x"
    for text in (title, body):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202e\u200b]", text)
    assert "Groq Subject: pwned deal x" in (body if channel == "slack" else visible_text(body))


@pytest.mark.parametrize("channel", notify.CHANNELS)
def test_ten_thousand_char_title_is_trimmed(channel):
    hit = models.Hit("deals", "Groq", "Groq", ("acquisition " * 2000,), "title")
    title, body = rendered("Groq " + "x" * 10_000, channel, hits=(hit,),
                           summary="word " * 5000, source="s" * 5000, also=("r" * 5000,) * 50)
    assert len(title) <= notify.TITLE_MAX
    assert title.endswith("…")
    assert "x" * 301 not in body
    assert "x" * 250 in body
    assert len(body) < 6000


def test_snippet_cut_on_a_word():
    a = alert(summary="alpha " * 100)
    body = notify.render(a, "text").body
    snippet = body.split("Snippet: ")[1].split("\n")[0]
    assert len(snippet) <= notify.SNIPPET_MAX
    assert snippet.endswith("alpha…")


@pytest.mark.parametrize("channel", notify.CHANNELS)
def test_chinese_text_intact(channel):
    title = "摩尔线程 完成 新一轮 融资，估值 超 300 亿元"
    hit = models.Hit("capital", "Moore Threads", "摩尔线程", ("融资", "估值"), "title")
    t, body = rendered(title, channel, hits=(hit,), summary="摩尔线程宣布完成新一轮融资。")
    assert t == title
    assert "摩尔线程宣布完成新一轮融资。" in visible_text(body)
    if channel == "email":
        assert "<mark>摩尔线程</mark>" in body
    else:
        assert title in body


@pytest.mark.parametrize("channel", notify.CHANNELS)
def test_link_always_present_in_full(channel):
    link = "https://news.example.com/a/b?x=1&y=%E4%B8%AD&utm=z"
    m = notify.render(alert(link=link), channel)
    assert link in m.body or link.replace("&", "&amp;") in m.body
    if channel == "slack":
        assert link.replace("&", "&amp;") in slack_final(m.body)


@pytest.mark.parametrize("channel", notify.CHANNELS)
def test_hostile_link_cannot_break_out(channel):
    link = 'https://evil.example/x"><script>|y> z'
    _, body = rendered("Groq deal", channel, link=link)
    assert "<script" not in body
    assert "https://evil.example/x%22%3E%3Cscript%3E%7Cy%3E%20z" in body


def test_javascript_link_is_not_a_link():
    m = notify.render(alert(link="javascript:alert(1)"), "email")
    assert 'href="javascript' not in m.body
    assert "javascript:alert(1)" in m.body  # shown, as text


def test_test_message():
    m = notify.render(notify.sample_alert("ops"), "text")
    assert m.title == "watcher test notification: this is how an alert will look"
    assert "ops" in m.body and "https://example.com/watcher/test-notify" in m.body


# --------------------------------------------------------------------------- events

def record(**kw) -> models.EventInfo:
    base = dict(company="Groq", kind="acquisition", label="acquisition",
                headline="Groq: acquisition by Nvidia, $20 billion (licence + team)", counterparty="Nvidia",
                amount="$20 billion", currency="USD", usd=2e10, reports=3, sources=("techcrunch", "reuters", "36kr"),
                first_seen=datetime(2025, 12, 24, 9, 0, tzinfo=UTC),
                last_seen=datetime(2025, 12, 24, 11, 0, tzinfo=UTC), id=12)
    base.update(kw)
    return models.EventInfo(**base)


def test_title_and_subject_carry_the_event():
    a = alert(record=record(), also=("reuters",), also_links=(("reuters", "https://reuters.example/groq"),))
    for channel in notify.CHANNELS:
        m = notify.render(a, channel)
        assert m.title == "Groq: acquisition by Nvidia, $20 billion (licence + team)"
        text = visible_text(m.body) if channel == "email" else slack_final(m.body) if channel == "slack" else m.body
        assert "acquisition · with Nvidia · $20 billion · 3 reports" in text  # the event line
        assert "https://reuters.example/groq" in text  # every later report's link
        assert LINK.replace("&", "&amp;") in text or LINK in text  # and the first report's
        assert "licensing agreement" in text  # the explanation stays


def test_amount_in_another_currency_shows_dollars():
    r = record(amount="200亿元", currency="CNY", usd=2.8e9, headline="Groq: acquisition by Nvidia, 200亿元")
    assert "200亿元 (about US$2.8B)" in notify.render(alert(record=r), "text").body


def test_follow_up_says_what_is_new():
    a = alert(record=record(facts=("closed",), headline="Groq: acquisition by Nvidia (closed), $20 billion"),
              update=("closed",), original="Groq: acquisition by Nvidia (closed), $20 billion")
    m = notify.render(a, "text")
    assert m.title == "Update: Groq: acquisition by Nvidia (closed), $20 billion"
    assert m.body.startswith("New: closed\nUpdate to: Groq: acquisition by Nvidia (closed), $20 billion\n")
    m = notify.render(replace(a, update=("amount",)), "slack")
    assert "New: amount $20 billion" in slack_final(m.body)


def test_json_fields():
    a = alert(record=record(), also=("reuters",), also_links=(("reuters", "https://reuters.example/groq"),))
    f = notify.render(a, "json").fields
    assert f["event"]["kind"] == "acquisition" and f["event"]["company"] == "Groq"
    assert f["event"]["counterparty"] == "Nvidia" and f["event"]["amount_usd"] == 2e10
    assert f["event"]["first_reported"] == "2025-12-24T09:00:00+00:00" and f["event"]["reports"] == 3
    assert f["urls"] == [LINK, "https://reuters.example/groq"] and f["sources"] == ["techcrunch", "reuters"]
    assert f["rule"] == "deals" and f["explanation"][0]["company"] == "Groq" and f["update"] is None
    f = notify.render(replace(a, update=("closed",), original="Groq: acquisition"), "json").fields
    assert f["update"] == {"of": "Groq: acquisition", "facts": ["closed"]}
    assert notify.render(alert(), "json").fields["event"] is None  # no structure found
    for channel in ("slack", "email", "text"):
        assert notify.render(a, channel).fields is None
