"""dates.read_date, table-driven: every way feeds and pages in the corpus write a moment."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watcher.dates import read_date


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


@pytest.mark.parametrize(("text", "want"), [
    ("Tue, 02 Jan 2024 03:04:05 +0100", utc(2024, 1, 2, 2, 4, 5)),
    ("Tue, 02 Jan 2024 03:04:05 GMT", utc(2024, 1, 2, 3, 4, 5)),
    ("02 Jan 2024 03:04 EST", utc(2024, 1, 2, 8, 4)),
    ("2024-01-02T03:04:05Z", utc(2024, 1, 2, 3, 4, 5)),
    ("2024-01-02T03:04:05.123+08:00", utc(2024, 1, 1, 19, 4, 5, 123000)),
    ("2024-01-02", utc(2024, 1, 2)),
    # Chinese BBS feeds (nnw_kc0011_gb2312_bbs.rss): slashes, unpadded; not November 1st
    ("2020/1/10 14:33:00", utc(2020, 1, 10, 14, 33)),
    ("2020/01/10", utc(2020, 1, 10)),
    ("2024年3月5日 14:30", utc(2024, 3, 5, 14, 30)),
    ("2024年3月5日", utc(2024, 3, 5)),
    ("05.03.2024 14:30", utc(2024, 3, 5, 14, 30)),
    # Portuguese names (rssparser_uol_noticias_latin1_no_decl.rss), and other languages
    ("Seg, 24 Set 2018 19:42:40 -0300", utc(2018, 9, 24, 22, 42, 40)),
    ("Qua, 03 Out 2018 08:00:00 -0300", utc(2018, 10, 3, 11, 0)),
    ("lunes, 5 de marzo de 2024 10:00", utc(2024, 3, 5, 10, 0)),
    ("Mar, 05 Mar 2024 10:00:00 +0100", utc(2024, 3, 5, 9, 0)),
    ("mardi 5 mars 2024 10:00", utc(2024, 3, 5, 10, 0)),
    ("Di, 05 Mär 2024 10:00:00 +0100", utc(2024, 3, 5, 9, 0)),
    # pages (nnw_sixcolors_home.html, nnw_daringfireball_home.html): 12-hour clock, US zones
    ("March  6, 2016  1:46 PM PT", utc(2016, 3, 6, 21, 46)),  # before DST: PST
    ("July 6, 2016 1:46 PM PT", utc(2016, 7, 6, 20, 46)),  # summer: PDT
    ("Friday,  4 March 2016", utc(2016, 3, 4)),
    ("Mar 4, 2024", utc(2024, 3, 4)),
    ("March 4th, 2024 at 9:15 am ET", utc(2024, 3, 4, 14, 15)),
    ("January 2, 2024", utc(2024, 1, 2)),
    ("2 Jan 2024", utc(2024, 1, 2)),
    # not dates
    ("", None), ("yesterday", None), ("Posted by Jane", None), ("2024/13/45", None), (None, None),
])
def test_read_date(text: str | None, want: datetime | None) -> None:
    assert read_date(text) == want
