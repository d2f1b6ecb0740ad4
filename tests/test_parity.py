"""Parity with feedparser over every corpus feed: per file, the entries watcher reads and the title,
link and date of each, against feedparser 6 reading the same bytes. A difference fails the sweep
unless ACCEPTED says, for that file, why watcher is the one that is right. Without ../shared/corpus
this skips (the corpus is read in place, never copied into the repo)."""
from __future__ import annotations

import calendar
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from conftest import corpus_dir

from watcher import config, models
from watcher.normalize import clean_text
from watcher.sources import feed

CORPUS = corpus_dir()
SOURCE = config.Source(name="parity", kind="feed", url="https://corpus.example/")
BASE = "https://corpus.example/"

_CHARSET = "declares no charset; watcher detects it, feedparser (without chardet) reads windows-1252 mojibake"
_NOT_A_FEED = "not a feed: watcher reports a ParseError (the source shows as failing) where feedparser says 0 entries"
_ABSOLUTE = "a relative link: watcher resolves it against the document URL, so the alert's link can be followed"
_ALTERNATE = "the rel=alternate link is the article; feedparser prefers the enclosure"
ACCEPTED: dict[str, str] = {
    "feeds/nnw_kc0011_gb2312_bbs.rss": "2020/1/10 14:33:00 is January 10th; feedparser reads November 1st",
    "feeds/rssparser_uol_noticias_latin1_no_decl.rss": "Portuguese dates (Seg, 24 Set 2018): feedparser reads none",
    "feeds/feedrs_nbc_newyork.rss": "'Sat, Dec 16 2023 02:02:33 PM' is 14:02; feedparser drops the PM",
    "feedparser/illformed/chardet/eucjp.xml": _CHARSET,
    "feedparser/illformed/chardet/euckr.xml": _CHARSET,
    "feedparser/illformed/chardet/gb2312.xml": _CHARSET,
    "feedparser/illformed/chardet/koi8r.xml": _CHARSET,
    "feedparser/illformed/chardet/shiftjis.xml": _CHARSET,
    "feedparser/illformed/rss_empty_document.xml": _NOT_A_FEED,
    "edgar/company_xml_legacy/secedgar_aapl_10q_filings_output_xml.xml": _NOT_A_FEED + " (EDGAR's old XML listing)",
    **{f"feedparser/wellformed/cdf/{n}.xml": _NOT_A_FEED + " (CDF, a channel without items)" for n in (
        "channel_abstract_map_description", "channel_abstract_map_tagline", "channel_href_map_link",
        "channel_href_map_links", "channel_lastmod", "channel_lastmod_parsed", "channel_title")},
    **{f"feedparser/wellformed/base/http_{n}.xml": _ABSOLUTE for n in (
        "entry_id_base_content_location", "entry_id_base_docuri", "entry_link_base_content_location",
        "entry_link_base_docuri", "item_link_base_content_location", "item_link_base_docuri")},
    "feedparser/wellformed/atom10/entry_id_with_attributes.xml": _ABSOLUTE,
    "feedparser/wellformed/lang/http_content_language_entry_title_inherit_2.xml": _ABSOLUTE,
    "feedparser/wellformed/node_precedence/atom10_id.xml": _ABSOLUTE + "; and the second entry's id is its own",
    "feedparser/wellformed/atom10/entry_link_no_href_link_priority.xml": _ALTERNATE,
    "feedparser/wellformed/atom10/entry_link_rel_enclosure_no_href.xml": _ALTERNATE,
    "feedparser/wellformed/rss/item_category_image.xml": "the title of an image inside a <category> is not the "
                                                         "item's title; the item has none",
    "feedparser/wellformed/sanitize/entry_title_crazy.xml": "adversarial markup from the sanitizer suite: what is "
                                                            "left is text (never run; alerts escape it)",
}


def feed_files() -> list[Path]:
    if CORPUS is None:
        return []
    files = [*CORPUS.glob("feeds/**/*"), *CORPUS.glob("edgar/*/*.xml"), *CORPUS.glob("edgar/rss/*"),
             *CORPUS.glob("feedparser/**/*.xml")]
    return sorted(p for p in files if p.is_file() and not p.name.endswith((".http.json", ".html")))


def _minute(tm: object) -> str | None:
    return datetime.fromtimestamp(calendar.timegm(tm), UTC).strftime("%Y-%m-%d %H:%M") if tm else None  # type: ignore[arg-type]


def differences(path: Path) -> list[str]:
    body = path.read_bytes()
    d = feedparser.parse(body)
    entries = [dict(e) for e in d.entries]  # plain lookups: FeedParserDict maps updated to published with a warning
    theirs = [(clean_text(e.get("title", "")), e.get("link") or None,
               _minute(e.get("published_parsed") or e.get("updated_parsed"))) for e in entries]
    try:
        ours = [(clean_text(i.title), i.link or None, i.published.strftime("%Y-%m-%d %H:%M") if i.published else None)
                for i in feed.parse(models.Fetched(url=BASE, body=body), SOURCE)]
    except Exception as e:  # noqa: BLE001 - a parse error is a difference like any other
        ours = [("ParseError", str(e)[:80], None)]
    out = [f"entries: watcher {len(ours)}, feedparser {len(theirs)}"] if len(ours) != len(theirs) else []
    for k, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        out += [f"#{k} {name}: watcher {x!r:.60} feedparser {y!r:.60}"
                for name, x, y in zip(("title", "link", "published"), a, b, strict=True) if x != y]
    return out


@pytest.mark.skipif(CORPUS is None, reason="../shared/corpus is absent (it lives beside the checkout, not in it)")
def test_watcher_reads_every_corpus_feed_as_feedparser_does_or_better():
    assert CORPUS is not None
    files = feed_files()
    assert len(files) > 2000
    found = {str(p.relative_to(CORPUS)): diff for p in files if (diff := differences(p))}
    new = {name: diff[:3] for name, diff in found.items() if name not in ACCEPTED}
    assert not new, "new differences from feedparser (fix them, or say in ACCEPTED why watcher is right):\n" + \
        "\n".join(f"{name}: {diff}" for name, diff in new.items())
    gone = sorted(set(ACCEPTED) - set(found))
    assert not gone, f"accepted differences that no longer occur (take them off ACCEPTED): {gone}"
