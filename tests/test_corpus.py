"""Files of ../shared/corpus whose parsed text is known: Chinese feeds in GB2312 read as Chinese.

That every corpus file goes through the parsers with nothing but ParseError escaping, and the
floors on how many items each folder yields, are tested in test_robustness_sweep.py, which fetches
each file over loopback HTTP first and parses it there. The corpus is read in place (never copied
into the repo); without ../shared these skip."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import corpus_dir

from watcher import config, models
from watcher.normalize import clean_text
from watcher.sources import feed, html

CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="../shared/corpus is absent (not beside this checkout)")

FEED_SOURCE = config.Source(name="corpus", kind="feed", url="https://corpus.example/feed")


@needs_corpus
def test_chinese_corpus_feeds_are_correct_chinese():
    body = (CORPUS / "feeds" / "rssparser_qq_tech_gb2312.xml").read_bytes()
    [item] = feed.parse(models.Fetched(url="http://tech.qq.com/", body=body), FEED_SOURCE)
    assert item.title == "拟298亿元重组盛大游戏后 世纪华通发20亿回购预案"
    body = (CORPUS / "feeds" / "nnw_kc0011_gb2312_bbs.rss").read_bytes()
    items = feed.parse(models.Fetched(url="http://www.kc0011.net/", body=body), FEED_SOURCE)
    assert items[0].title == "建国35周年纪念，华表，和平鸽"


@needs_corpus
@pytest.mark.parametrize(("path", "url", "index", "title_start", "published"), [
    # YYYY/M/D H:M:S: feedparser reads 2020/1/10 as November 1st
    ("feeds/nnw_kc0011_gb2312_bbs.rss", "http://www.kc0011.net/", 0, "建国35周年纪念",
     datetime(2020, 1, 10, 14, 33, tzinfo=UTC)),
    # Portuguese day and month names ("Seg, 24 Set 2018 19:42:40 -0300")
    ("feeds/rssparser_uol_noticias_latin1_no_decl.rss", "https://noticias.uol.com.br/", 0, "",
     datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
])
def test_feed_dates_read_right(path, url, index, title_start, published):
    items = feed.parse(models.Fetched(url=url, body=(CORPUS / path).read_bytes()), FEED_SOURCE)
    assert items[index].title.startswith(title_start) and items[index].published == published
    assert all(it.published is not None for it in items)


@needs_corpus
@pytest.mark.parametrize(("path", "selectors", "first"), [
    # "March  6, 2016  1:46 PM PT": the afternoon, Pacific (standard) time
    ("html/nnw_sixcolors_home.html", config.Selectors(item="div.linked", title="h1 a", link="h1 a", date=".dateline a"),
     ("Transmission Bit Torrent client possibly infected with malware", datetime(2016, 3, 6, 21, 46, tzinfo=UTC))),
])
def test_page_dates_read_right(path, selectors, first):
    src = config.Source(name="page", kind="html", url="https://page.example/", selectors=selectors)
    items = html.parse(models.Fetched(url="https://page.example/", body=(CORPUS / path).read_bytes(),
                                      content_type="text/html"), src)
    assert (items[0].title, items[0].published) == first


CHARDET = [  # feedparser's suite: feeds that declare no encoding anywhere, and what they are in
    ("big5.xml", "big5"), ("eucjp.xml", "euc_jp"), ("euckr.xml", "euc_kr"), ("gb2312.xml", "gb18030"),
    ("koi8r.xml", "koi8_r"), ("shiftjis.xml", "shift_jis"), ("tis620.xml", "tis_620"),
    ("windows1255.xml", "cp1255"),
]


@needs_corpus
@pytest.mark.parametrize(("name", "codec"), CHARDET)
def test_undeclared_charsets_are_detected(name, codec):
    body = (CORPUS / "feedparser" / "illformed" / "chardet" / name).read_bytes()
    assert feed.decode(body) == body.decode(codec)  # not windows-1252 mojibake


@needs_corpus
def test_a_chinese_feed_without_its_declaration_is_still_chinese():
    body = (CORPUS / "feeds" / "rssparser_qq_tech_gb2312.xml").read_bytes()
    bare = body[body.index(b"?>") + 2:]  # the XML declaration (which named gb2312) removed
    [item] = feed.parse(models.Fetched(url="http://tech.qq.com/", body=bare), FEED_SOURCE)
    assert item.title == "拟298亿元重组盛大游戏后 世纪华通发20亿回购预案"


@needs_corpus
def test_a_doctype_inside_a_comment_or_cdata_is_text():
    # the comment says "<!DOCTYPE" and so does the CDATA; removing "DOCTYPEs" used to eat the comment's end
    body = (CORPUS / "feedparser" / "wellformed" / "rss" / "item_description_not_a_doctype2.xml").read_bytes()
    [item] = feed.parse(models.Fetched(url="https://x.example/", body=body), FEED_SOURCE)
    assert item.summary == "<!DOCTYPE"


@needs_corpus
@pytest.mark.parametrize(("name", "count", "summary_start"), [
    # SEC company Atom feeds: <content type="text/xml"> is a block of fields; the summary says what was filed
    ("edgarkit_atom1_keenvision_8K_425.atom.xml", 55,
     "<b>Filed:</b> 2025-01-24 <b>AccNo:</b> 0001213900-25-006497 <b>Size:</b> 302 KB<br>Item 1.01: Entry into a "
     "Material Definitive Agreement"),
    ("edgarkit_atom_maquia_S-1A.atom.xml", 5, "<b>Filed:</b> 2021-04-29 <b>AccNo:</b> 0001104659-21-057704"),
])
def test_sec_company_feeds_keep_the_summary_not_the_field_dump(name, count, summary_start):
    body = (CORPUS / "edgar" / "company_atom" / name).read_bytes()
    items = feed.parse(models.Fetched(url="https://www.sec.gov/", body=body), FEED_SOURCE)
    assert len(items) == count and items[0].summary.startswith(summary_start)
    assert all("<b>Filed:</b>" in it.summary for it in items)


@needs_corpus
@pytest.mark.parametrize(("name", "snippet"), [
    # Latin text fits many single-byte code pages; undeclared, it is windows-1252 (not Baltic cp1257)
    ("rssparser_uol_noticias_latin1_no_decl.rss", "simulações de 2º turno"),
    ("miniflux_cerclepsy_latin1_no_decl.rss", "é"),
])
def test_undeclared_latin_feeds_stay_latin(name, snippet):
    items = feed.parse(models.Fetched(url="https://x.example/", body=(CORPUS / "feeds" / name).read_bytes()),
                       FEED_SOURCE)
    assert any(snippet in it.title + it.summary for it in items)


ATOM_DETAILS = [  # feedparser suite file -> (title, summary) of its first entry
    ("atom10/entry_content_base64.xml", ("", "Example <b>Atom</b>")),  # base64 content decoded
    ("atom10/entry_content_base64_2.xml", ("", "<p>History of the &lt;blink&gt; tag</p>")),
    ("media-rss/item_media_title2.xml", ("foo", "")),  # media:title is only a fallback for <title>
    ("media-rss/item_media_title3.xml", ("foo", "")),
    ("media-rss/item_media_title_type_plain.xml", ("plain means text/plain", "")),  # ... and used when alone
]


@needs_corpus
@pytest.mark.parametrize(("path", "want"), ATOM_DETAILS, ids=[p for p, _ in ATOM_DETAILS])
def test_atom_and_media_details(path, want):
    body = (CORPUS / "feedparser" / "wellformed" / path).read_bytes()
    items = feed.parse(models.Fetched(url="https://x.example/", body=body), FEED_SOURCE)
    assert (items[0].title, items[0].summary) == want


@needs_corpus
def test_daring_fireball_items_take_the_dateline_above_them():
    src = config.Source(name="df", kind="html", url="https://daringfireball.net/",
                        selectors=config.Selectors(item="dl.linkedlist dt", title="a", link="a",
                                                   dateline="h2.dateline"))
    body = (CORPUS / "html" / "nnw_daringfireball_home.html").read_bytes()
    items = html.parse(models.Fetched(url="https://daringfireball.net/", body=body, content_type="text/html"), src)
    by_title = {clean_text(i.title): i.published for i in items}
    assert by_title["Igloo, a Modern Intranet"] == datetime(2016, 3, 4, tzinfo=UTC)  # "Friday,  4 March 2016"
    assert sum(p == datetime(2016, 3, 2, tzinfo=UTC) for p in by_title.values()) >= 1
