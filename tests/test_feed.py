"""watcher.sources.feed on our own fixture feeds (tests/data/feeds), with golden expectations."""
from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime

import pytest
from conftest import DATA

from watcher import config, models
from watcher.errors import ParseError
from watcher.sources import feed

FEEDS = DATA / "feeds"
URL = "https://news.example.com/feed.xml"
SOURCE = config.Source(name="test", kind="feed", url=URL)


def parse(name_or_bytes: str | bytes, content_type: str = "application/rss+xml", source=SOURCE, url=URL):
    body = name_or_bytes if isinstance(name_or_bytes, bytes) else (FEEDS / name_or_bytes).read_bytes()
    return feed.parse(models.Fetched(url=url, body=body, content_type=content_type), source)


def test_rss20_golden():
    items = parse("rss20.xml")
    assert [(i.guid, i.title, i.link, i.published) for i in items] == [
        ("chipnews-1001", "Groq signs licensing agreement & more", "https://news.example.com/2024/groq-licensing",
         datetime(2024, 1, 2, 14, 4, 5, tzinfo=UTC)),
        (None, "Cerebras files for IPO", "https://news.example.com/2024/cerebras-ipo",
         datetime(2024, 1, 3, 8, 0, tzinfo=UTC)),
        # A permalink guid is the link when there is no <link>; an unreadable date is None.
        ("https://news.example.com/2024/guid-link", "Guid as link", "https://news.example.com/2024/guid-link", None),
    ]
    # content:encoded wins over description, HTML kept.
    assert items[0].summary == "<p>Full <em>story</em> about Groq&nbsp;and a deal.</p>"
    # &nbsp; outside CDATA (no DTD declares it) still reads as the character.
    assert items[1].summary == "Cerebras Systems filed\xa0for an IPO."
    assert all(i.published is None or i.published.tzinfo is UTC for i in items)


def test_atom_relative_links_and_xml_base():
    items = parse("atom_base.xml", "application/atom+xml")
    assert [(i.guid, i.title, i.link, i.published) for i in items] == [
        ("tag:blog.example.org,2024:1", "Tenstorrent <i>raises</i> funding",
         "https://blog.example.org/news/posts/tenstorrent-funding", datetime(2024, 2, 1, 14, 30, tzinfo=UTC)),
        # updated stands in for a missing published; the entry's own xml:base applies.
        ("tag:blog.example.org,2024:2", "Entry with its own base", "https://other.example.net/story/2",
         datetime(2024, 2, 3, 12, 0, tzinfo=UTC)),
    ]
    assert items[0].summary == "<p>Tenstorrent <b>raised</b> money.</p>"  # content over summary
    assert items[1].summary == "Plain summary"


def test_rss10():
    [item] = parse("rss10.rdf", "application/rdf+xml")
    assert item.guid == "https://rdf.example.com/items/1"
    assert item.title == "SambaNova acquisition rumours"
    assert item.link == "https://rdf.example.com/items/1"
    assert item.summary == "Rumours about SambaNova."
    assert item.published == datetime(2024, 3, 4, 3, 6, 7, tzinfo=UTC)


@pytest.mark.parametrize("content_type", ["application/rss+xml", "text/xml; charset=gb2312",
                                          "text/xml; charset=GBK"])
def test_gb2312_chinese(content_type):
    items = parse("gb2312.xml", content_type)
    assert [i.title for i in items] == ["摩尔线程完成新一轮融资", "壁仞科技与燧原科技"]
    assert items[0].summary == "国产GPU公司摩尔线程宣布完成融资，估值上升。"
    assert items[1].summary == "沐曦、天数智芯"
    assert items[0].published == datetime(2018, 9, 19, 5, 11, 22, tzinfo=UTC)


def test_gb2312_without_declaration_is_detected_and_the_override_still_wins():
    raw = (FEEDS / "gb2312.xml").read_bytes().replace(b' encoding="gb2312"', b"")
    assert parse(raw, "text/xml")[0].title == "摩尔线程完成新一轮融资"  # detected, not windows-1252
    src = config.Source(name="cn", kind="feed", url=URL, encoding="gb2312")
    assert parse(raw, "text/xml", source=src)[0].title == "摩尔线程完成新一轮融资"


def test_wrong_http_charset_falls_back_to_declaration():
    # The server says utf-8, the bytes are GB2312 as the XML declaration says.
    assert parse("gb2312.xml", "text/xml; charset=utf-8")[0].title == "摩尔线程完成新一轮融资"


def test_latin1_declaration_on_utf8_bytes():
    body = '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><item>' \
           '<title>Café Ämter</title><link>http://x.example/1</link></item></channel></rss>'.encode()
    assert parse(body)[0].title == "Café Ämter"
    real_latin1 = body.decode().encode("latin-1")
    assert parse(real_latin1)[0].title == "Café Ämter"


@pytest.mark.parametrize("name", ["billion_laughs.xml", "quadratic.xml"])
def test_entity_bombs_cost_nothing(name):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        items = parse(name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1
    assert peak < 20 << 20, f"peak {peak} bytes"
    assert len(items) == 1 and items[0].link.startswith("https://evil.example/")
    assert len(items[0].summary) < 100_000  # nothing expanded
    assert "lol" * 10 not in items[0].title


@pytest.mark.parametrize("name", ["billion_laughs.xml", "quadratic.xml"])
def test_entity_bombs_cost_nothing_in_the_feedparser_fallback(name):
    text = feed._clean(feed.decode((FEEDS / name).read_bytes()))
    assert "<!ENTITY" not in text
    started = time.perf_counter()
    entries = feed._parse_slow(text, URL)
    assert time.perf_counter() - started < 2
    assert len(entries[0]["summary"]) < 100_000


@pytest.mark.parametrize("name", ["rss20.xml", "atom_base.xml", "rss10.rdf", "gb2312.xml"])
def test_fast_path_matches_feedparser(name):
    text = feed._clean(feed.decode((FEEDS / name).read_bytes()))
    fast = feed._parse_fast(text, URL)
    assert fast is not None, "expected the lxml fast path to take this feed"
    fast_items = [feed._to_raw(e, URL) for e in fast]
    slow_items = [feed._to_raw(e, URL) for e in feed._parse_slow(text, URL)]

    def key(i):
        return i.guid, i.title, i.link, " ".join(i.summary.split()), i.published

    assert [key(i) for i in fast_items] == [key(i) for i in slow_items]


def test_malformed_feed_keeps_its_entries():
    body = b'<rss version="2.0"><channel><item><title>Groq & Co</title><link>http://x.example/a</link>' \
           b'</item><item><title>Second</title><link>http://x.example/b</link></item>'
    items = parse(body)
    assert [i.link for i in items] == ["http://x.example/a", "http://x.example/b"]
    assert items[0].title.startswith("Groq")


@pytest.mark.parametrize("body", [
    (FEEDS / "garbage.bin").read_bytes(),
    b"",
    b"   \n",
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>",
    b'{"json": "not a feed"}',
])
def test_not_a_feed_raises_parse_error(body):
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        parse(body, "text/html")


def test_empty_channel_is_no_items():
    assert parse(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>') == []


@pytest.mark.parametrize(("label", "codec"), [("gb2312", "gb18030"), ("GBK", "gb18030"), ("utf8", "utf-8"),
                                              ("latin1", "iso8859-1"), ("no-such", None), (None, None)])
def test_codec_name(label, codec):
    assert feed.codec_name(label) == codec


# ---------------------------------------------------------------- UTF-8 with a few invalid bytes

# (body, content type, text): stray bytes are guessed one by one, the rest stays UTF-8
@pytest.mark.parametrize(("body", "content_type", "text"), [
    ("摩尔线程 “GPU” ".encode() + b"\xff!", "", "摩尔线程 “GPU” ÿ!"),
    (b"Caf\xe9 " + "“quoted” 壁仞".encode(), "text/xml; charset=utf-8", "Café “quoted” 壁仞"),
    (b"\x93Word\x94 " + "摩尔线程 壁仞科技".encode(), "", "“Word” 摩尔线程 壁仞科技"),  # cp1252 quotes pasted in
    ("摩尔线程".encode()[:-1] + b" " + "壁仞科技 燧原".encode(), "", "摩尔线\ufffd 壁仞科技 燧原"),  # cut short: U+FFFD
    # genuine single-byte text is not UTF-8 at all: read as declared, or windows-1252 (unchanged)
    ("Café Ämter “x”".encode("cp1252"), "", "Café Ämter “x”"),
    ("Café Ämter".encode("latin-1"), "text/xml; charset=iso-8859-1", "Café Ämter"),
    ("Ça coûte 5 €".encode("iso8859-15"), "text/xml; charset=iso-8859-15", "Ça coûte 5 €"),
])
def test_decode_keeps_utf8_around_stray_bytes(body, content_type, text):
    assert feed.decode(body, content_type) == text


UTF8_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>芯片新闻</title>
<item><title>摩尔线程完成新一轮融资 “估值上升”</title><link>https://news.example.cn/1</link>
<guid isPermaLink="false">cn-1</guid><pubDate>Tue, 02 Jan 2024 03:04:05 +0800</pubDate>
<description>国产GPU公司摩尔线程宣布完成融资 — it’s “official”.</description></item>
<item><title>Groq \xff licensing deal</title><link>https://news.example.com/2</link>
<guid isPermaLink="false">en-2</guid><pubDate>Wed, 03 Jan 2024 08:00:00 GMT</pubDate>
<description>Groq’s “deal” with 壁仞科技, €20 billion.</description></item>
</channel></rss>"""


@pytest.mark.parametrize(("declaration", "content_type"), [
    ('encoding="utf-8"', "application/rss+xml"),
    ('encoding="utf-8"', "application/rss+xml; charset=utf-8"),
    ("", "application/rss+xml"),  # undeclared: XML's default is UTF-8
    ('encoding="iso-8859-1"', "text/xml; charset=ISO-8859-1"),  # a template's false claim
])
def test_one_stray_byte_spoils_only_its_own_field(declaration, content_type):
    """Before: one \\xff made the whole feed windows-1252, every Chinese character and curly quote
    mojibake. Now the byte is guessed where it stands and every other field is exact."""
    text = UTF8_FEED.replace('encoding="utf-8"', declaration)
    body = text.encode().replace("\xff".encode(), b"\xff")
    assert body.count(b"\xff") == 1
    items = parse(body, content_type)
    assert [(i.guid, i.title, i.link, i.summary, i.published) for i in items] == [
        ("cn-1", "摩尔线程完成新一轮融资 “估值上升”", "https://news.example.cn/1",
         "国产GPU公司摩尔线程宣布完成融资 — it’s “official”.", datetime(2024, 1, 1, 19, 4, 5, tzinfo=UTC)),
        ("en-2", "Groq ÿ licensing deal", "https://news.example.com/2", "Groq’s “deal” with 壁仞科技, €20 billion.",
         datetime(2024, 1, 3, 8, 0, tzinfo=UTC)),
    ]
