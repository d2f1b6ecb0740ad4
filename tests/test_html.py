"""watcher.sources.html: listing pages through CSS selectors."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watcher import config, models
from watcher.errors import ParseError
from watcher.sources import html

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>News</title></head><body>
<ul class="news">
  <li class="story"><h2><a href="/2024/groq-deal?ref=list">Groq signs a <b>licensing</b> deal</a></h2>
      <time datetime="2024-05-06T07:08:09+02:00">May 6</time><p class="dek">Dek <i>one</i></p></li>
  <li class="story"><h2><a href="cerebras">Cerebras IPO</a></h2><span class="date">Mar 4, 2024</span></li>
  <li class="story"><h2>No link here</h2></li>
  <li class="story"><h2><a href="javascript:void(0)">Script link</a></h2></li>
  <li class="story"><h2><a href="/2024/groq-deal?ref=list">Duplicate</a></h2></li>
</ul></body></html>"""

SEL = config.Selectors(item="li.story", title="h2", link="a", date="time, .date", summary=".dek")
SOURCE = config.Source(name="page", kind="html", url="https://site.example/news/", selectors=SEL)


def parse(body: bytes, content_type: str = "text/html", source=SOURCE, url="https://site.example/news/index.html"):
    return html.parse(models.Fetched(url=url, body=body, content_type=content_type), source)


def test_listing_golden():
    items = parse(PAGE.encode())
    assert [(i.guid, i.title, i.link, i.published) for i in items] == [
        ("https://site.example/2024/groq-deal?ref=list", "Groq signs a licensing deal",
         "https://site.example/2024/groq-deal?ref=list", datetime(2024, 5, 6, 5, 8, 9, tzinfo=UTC)),
        ("https://site.example/news/cerebras", "Cerebras IPO", "https://site.example/news/cerebras",
         datetime(2024, 3, 4, tzinfo=UTC)),
    ]
    assert items[0].summary == "Dek <i>one</i>"
    assert items[1].summary == ""


def test_base_href_wins_over_page_url():
    body = PAGE.replace("<title>", '<base href="https://cdn.example/x/"><title>').encode()
    assert parse(body)[1].link == "https://cdn.example/x/cerebras"


@pytest.mark.parametrize("content_type", ["text/html; charset=gb2312", "text/html"])
def test_gb2312_page(content_type):
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
            '<div class="i"><a href="/a/1.htm">摩尔线程完成融资</a><span>2024年03月05日</span></div></body></html>')
    src = config.Source(name="cn", kind="html", url="http://cn.example/",
                        selectors=config.Selectors(item="div.i", title="a", date="span"))
    [item] = parse(page.encode("gb2312"), content_type, src, "http://cn.example/list/")
    assert item.title == "摩尔线程完成融资"
    assert item.link == "http://cn.example/a/1.htm"
    assert item.published == datetime(2024, 3, 5, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("Tue, 02 Jan 2024 03:04:05 +0100", datetime(2024, 1, 2, 2, 4, 5, tzinfo=UTC)),
    ("January 2, 2024", datetime(2024, 1, 2, tzinfo=UTC)),
    ("2 Jan 2024", datetime(2024, 1, 2, tzinfo=UTC)),
    ("yesterday", None),
    ("", None),
])
def test_parse_date(text, expected):
    assert html.parse_date(text) == expected


def test_bad_selector_is_a_config_error():
    with pytest.raises(config.ConfigError, match=r"source\[0\] \(bad\)\.selectors\.item: not a valid CSS selector"):
        config.loads('[[source]]\nname = "bad"\nkind = "html"\nurl = "https://x.example/"\n'
                     '[source.selectors]\nitem = "li[["\ntitle = "a"\n')


def test_empty_page_is_a_parse_error():
    with pytest.raises(ParseError):
        parse(b"")


def test_with_no_link_selector_items_are_sections_of_the_page():
    page = b"""<html><body><main>
      <section id="groq"><h2>Groq raises $640 million</h2><p>Series D.</p></section>
      <section><h2>Etched files to go public</h2></section>
      <section><h2></h2><p>no title: skipped</p></section>
    </main></body></html>"""
    src = config.Source(name="page", kind="html", url="https://site.example/news",
                        selectors=config.Selectors(item="section", title="h2", link="", summary="p"))
    items = html.parse(models.Fetched(url="https://site.example/news", body=page, content_type="text/html"), src)
    assert [(i.title, i.link) for i in items] == [("Groq raises $640 million", "https://site.example/news#groq"),
                                                 ("Etched files to go public", "https://site.example/news")]
    assert items[0].guid != items[1].guid  # each section is its own item


def test_a_dateline_above_the_items_dates_them():
    page = b"""<html><body>
      <h2 class="dateline">Friday, 4 March 2016</h2>
      <dl><dt><a href="/a">Groq raises</a></dt><dt><a href="/b">Etched files</a></dt></dl>
      <h2 class="dateline">Thursday, 3 March 2016</h2>
      <dl><dt><a href="/c">Rivos sold</a><time datetime="2016-03-03T10:00:00Z"></time></dt></dl>
    </body></html>"""
    src = config.Source(name="page", kind="html", url="https://site.example/",
                        selectors=config.Selectors(item="dt", title="a", date="time", dateline="h2.dateline"))
    items = html.parse(models.Fetched(url="https://site.example/", body=page, content_type="text/html"), src)
    assert [(i.title, i.published) for i in items] == [
        ("Groq raises", datetime(2016, 3, 4, tzinfo=UTC)), ("Etched files", datetime(2016, 3, 4, tzinfo=UTC)),
        ("Rivos sold", datetime(2016, 3, 3, 10, tzinfo=UTC))]  # the item's own date wins
