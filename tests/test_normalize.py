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
    assert (it.title, it.summary, it.url, it.key) == ("T", "S", "https://x.example/a", "url:https://x.example/a")
    assert normalize(RawItem(guid="g1", title="t", link=None), "s").key == "id:g1"
    assert normalize(RawItem(guid=None, title="t", link=None), "s").key.startswith("sha1:")


def test_story_key_keeps_hyphenated_words_and_long_tails():
    assert story_key("d-Matrix raises $275M") == "d matrix raises 275m"
    assert story_key("Groq - the inference chip startup that everyone is talking about right now") != "groq"
