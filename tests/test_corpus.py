"""Every file of ../shared/corpus through the parsers: nothing but ParseError may escape.

The corpus is read in place (never copied into the repo); without ../shared these skip."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import corpus_dir

from watcher import config, models
from watcher.errors import ParseError
from watcher.sources import feed, html

CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="../shared/corpus is absent (not beside this checkout)")


def _files(sub: str) -> list[Path]:
    if CORPUS is None:
        return []
    return sorted(p for p in (CORPUS / sub).rglob("*") if p.is_file() and not p.name.endswith(".json"))


def _content_type(path: Path) -> str:
    """The recorded Content-Type when the corpus kept the HTTP headers beside the body."""
    meta = path.with_name(path.name + ".http.json")
    if not meta.is_file():
        return ""
    headers = json.loads(meta.read_text()).get("headers", {})
    for k, v in headers.items():
        if k.lower() == "content-type":
            return v if isinstance(v, str) else v[0]
    return ""


def _sweep(sub: str, parser, source) -> tuple[int, int, int]:
    files = _files(sub)
    items = parse_errors = 0
    for path in files:
        fetched = models.Fetched(url=f"https://corpus.example/{path.name}", body=path.read_bytes(),
                                 content_type=_content_type(path))
        try:
            got = parser(fetched, source)
        except ParseError:
            parse_errors += 1
            continue
        except Exception as e:  # noqa: BLE001 - the point is to name the file that broke
            pytest.fail(f"{path.relative_to(CORPUS)}: {type(e).__name__}: {e}")
        for item in got:
            assert isinstance(item.title, str) and isinstance(item.summary, str), path
            assert item.published is None or item.published.tzinfo is not None, path
        items += len(got)
    return len(files), items, parse_errors


FEED_SOURCE = config.Source(name="corpus", kind="feed", url="https://corpus.example/feed")


@needs_corpus
def test_real_feeds_all_parse():
    files, items, errors = _sweep("feeds", feed.parse, FEED_SOURCE)
    assert files >= 30
    assert items > 500
    assert errors <= 2, "real-world feeds should nearly all parse"


@needs_corpus
def test_feedparser_suite_never_raises_unexpectedly():
    files, items, _ = _sweep("feedparser", feed.parse, FEED_SOURCE)
    assert files > 2000 and items > 1000


@needs_corpus
def test_chinese_corpus_feeds_are_correct_chinese():
    body = (CORPUS / "feeds" / "rssparser_qq_tech_gb2312.xml").read_bytes()
    [item] = feed.parse(models.Fetched(url="http://tech.qq.com/", body=body), FEED_SOURCE)
    assert item.title == "拟298亿元重组盛大游戏后 世纪华通发20亿回购预案"
    body = (CORPUS / "feeds" / "nnw_kc0011_gb2312_bbs.rss").read_bytes()
    items = feed.parse(models.Fetched(url="http://www.kc0011.net/", body=body), FEED_SOURCE)
    assert items[0].title == "建国35周年纪念，华表，和平鸽"


@needs_corpus
def test_html_pages_parse_with_generic_selectors():
    source = config.Source(name="pages", kind="html", url="https://corpus.example/",
                           selectors=config.Selectors(item="a", title="a"))
    files, items, _ = _sweep("html", html.parse, source)
    assert files >= 4 and items > 50
