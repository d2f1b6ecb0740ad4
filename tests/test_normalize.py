import logging
from datetime import UTC, datetime

import pytest

from watcher.models import RawItem
from watcher.normalize import canonical_url, clean_text, normalize, story_key


@pytest.mark.parametrize("url,canon", [
    ("http://www.Example.com/a/b/", "https://example.com/a/b"),
    ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
    ("https://example.com/a?fbclid=1&gclid=2&id=7", "https://example.com/a?id=7"),
    ("https://example.com/a?b=2&a=1#section", "https://example.com/a?a=1&b=2"),
    ("https://EXAMPLE.com:443/", "https://example.com/"),
    ("https://example.com:8080/x", "https://example.com:8080/x"),
    ("mailto:x@example.com", None),
    ("", None),
])
def test_canonical_url(url, canon):
    assert canonical_url(url) == canon


def test_relative_url_needs_base():
    assert canonical_url("/news/1", "https://site.example/feed") == "https://site.example/news/1"


@pytest.mark.parametrize("raw,clean", [
    ("<p>Groq <b>raises</b> money</p>", "Groq raises money"),
    ("Rock &amp; roll &lt;b&gt;bold&lt;/b&gt;", "Rock & roll bold"),
    ("<script>alert(1)</script>Hello", "Hello"),
    ("Hailo\u2019s round\u2014done", "Hailo's round-done"),
    ("a\x00b\u200bc\r\n  d", "abc d"),
    ("Ｆｕｌｌ width", "Full width"),
    ("Margin &lt;5% as revenue tops &gt;10%", "Margin <5% as revenue tops >10%"),  # text, not a tag
    ("Gr<i>o</i>q <o:p>raises</o:p>", "Groq raises"),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_clean_text_bounded():
    assert len(clean_text("x" * 10000, 100)) == 100


@pytest.mark.parametrize("a,b", [
    ("UPDATE 2-Lightmatter raises $400 million", "Lightmatter raises $400 million"),
    ("Hailo\u2019s $120 million extension", "HAILO'S $120 MILLION EXTENSION"),
    ("壁仞科技启动上市辅导, 拟登陆科创板", "壁仞科技启动上市辅导，拟登陆科创板"),
    ("EXCLUSIVE: Meta in talks to buy Rivos", "Meta in talks to buy Rivos"),
    ("Groq raises $640 million in Series D - Reuters", "Groq raises $640 million in Series D"),
    ("Groq raises $640 million in Series D | The Wall Street Journal", "Groq raises $640 million in Series D"),
])
def test_story_key_folds_syndication_noise(a, b):
    assert story_key(a) == story_key(b)


def test_normalize_identity():
    when = datetime(2025, 1, 2, tzinfo=UTC)
    it = normalize(RawItem(guid=None, title="<b>T</b>", link="http://www.x.example/a/?utm_source=z",
                           summary="<p>S</p>", published=when), "src")
    assert (it.title, it.summary, it.url) == ("T", "S", "https://x.example/a")
    assert it.key.startswith("url:https://x.example/a|")  # the address, and the headline that tells its stories apart
    post2 = normalize(RawItem(guid=None, title="U", link="http://www.x.example/a/#post-2"), "src")
    assert post2.url == it.url and post2.key != it.key
    assert normalize(RawItem(guid=None, title="", link="http://x.example/a"), "s").key == "url:https://x.example/a"
    assert normalize(RawItem(guid="g1", title="t", link=None), "s").key == "id:g1"
    assert normalize(RawItem(guid=None, title="t", link=None), "s").key.startswith("sha1:")


def test_story_key_keeps_hyphenated_words_and_long_tails():
    assert story_key("d-Matrix raises $275M") == "d matrix raises 275m"
    assert story_key("Groq - the inference chip startup that everyone is talking about right now") != "groq"


# ---------------------------------------------------------------- dates a feed could not mean

FETCHED = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


# (published, what the item keeps, the level of the one log line, or None for no line)
@pytest.mark.parametrize(("published", "kept", "level"), [
    (datetime(2099, 1, 1, tzinfo=UTC), FETCHED, logging.INFO),
    (datetime(1970, 1, 1, tzinfo=UTC), FETCHED, logging.WARNING),
    (datetime.min.replace(tzinfo=UTC), FETCHED, logging.WARNING),
    (datetime(2026, 11, 30, 11, 0, tzinfo=UTC), datetime(2026, 11, 30, 11, 0, tzinfo=UTC), None),
    (None, None, None),
])
def test_normalize_replaces_a_future_or_absurd_date_and_says_so_once(caplog, published, kept, level):
    raw = RawItem(guid="g-42", title="Groq signs a deal", link="https://x.example/42", published=published)
    with caplog.at_level(logging.DEBUG, logger="watcher"):
        it = normalize(raw, "wire", FETCHED)
    assert it.published == kept
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "watcher"]
    if level is None:
        assert lines == []
    else:
        [(lvl, msg)] = lines
        assert lvl == level and msg.startswith("wire: item 'Groq signs a deal' (id:g-42) is dated ")


def test_a_replaced_date_is_fresh_for_max_age():
    """Through the poll's own process(): items dated 1970, 0001 (.NET's empty date) and 2099 are
    dated when first seen, so they alert; one truly older than max_age still never does."""
    from watcher import config
    from watcher.match import build_matcher
    from watcher.models import Fetched
    from watcher.pipeline import process
    from watcher.sources import Download

    cfg = config.loads('[[company]]\nname = "Groq"\n[[rule]]\nname = "deals"\nevents = ["acquisition"]\n'
                       '[[source]]\nname = "s"\nkind = "feed"\nurl = "http://127.0.0.1:9/f.xml"\n')
    dates = {"epoch": "Thu, 01 Jan 1970 00:00:00 GMT", "dotnet": "Mon, 01 Jan 0001 00:00:00 +0000",
             "future": "Thu, 01 Jan 2099 00:00:00 GMT", "stale": "Tue, 02 Jan 2024 03:04:05 GMT"}
    body = "".join(f"<item><title>Nvidia to acquire Groq ({k})</title><link>https://news.example/{k}</link>"
                   f"<pubDate>{d}</pubDate></item>" for k, d in dates.items())
    fetched = Fetched(url="http://127.0.0.1:9/f.xml",
                      body=f'<rss version="2.0"><channel>{body}</channel></rss>'.encode())
    before = datetime.now(UTC)
    done = process(Download(parts=((None, fetched),)), cfg.source[0], 3 * 86400.0, lambda: build_matcher(cfg),
                   before, ["log"])
    after = datetime.now(UTC)
    published = {it.link.rsplit("/", 1)[1]: it.published for it in done.items if it.link}
    assert all(before <= published[k] <= after for k in ("epoch", "dotnet", "future"))
    assert published["stale"] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    alerted = sorted(c.item.link.rsplit("/", 1)[1] for c in done.matched.values() if c.item.link)
    assert alerted == ["dotnet", "epoch", "future"]
