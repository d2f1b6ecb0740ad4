"""Files of ../shared/corpus whose parsed text is known: Chinese feeds in GB2312 read as Chinese.

That every corpus file goes through the parsers with nothing but ParseError escaping, and the
floors on how many items each folder yields, are tested in test_robustness_sweep.py, which fetches
each file over loopback HTTP first and parses it there. The corpus is read in place (never copied
into the repo); without ../shared these skip."""
from __future__ import annotations

import pytest
from conftest import corpus_dir

from watcher import config, models
from watcher.sources import feed

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
