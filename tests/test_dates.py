"""dates.read_date, table-driven: every way feeds and pages in the corpus write a moment; and
dates.sane_published: which dates an item keeps."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watcher.dates import FUTURE, TOO_EARLY, read_date, sane_published


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


# .NET's empty date, the Unix epoch, and offsets that push year 1 out of range: read as written
@pytest.mark.parametrize(("text", "want"), [
    ("Mon, 01 Jan 0001 00:00:00 +0000", utc(1, 1, 1)),  # email.utils alone reads 2001
    ("Mon, 01 Jan 0001 00:00:00 -0500", utc(1, 1, 1, 5)),
    ("Mon, 01 Jan 01 00:00:00 GMT", utc(2001, 1, 1)),  # two digits are still this era's
    ("Thu, 01 Jan 1970 00:00:00 GMT", utc(1970, 1, 1)),
    ("0001-01-01T00:00:00+01:00", datetime.min.replace(tzinfo=UTC)),  # year 0 in UTC: no crash
    ("1 Jan 0001 00:00 +0100", datetime.min.replace(tzinfo=UTC)),
    ("9999-12-31T23:59:59-01:00", datetime.max.replace(tzinfo=UTC)),
])
def test_read_date_at_the_edges(text: str, want: datetime) -> None:
    assert read_date(text) == want


FETCHED = utc(2026, 11, 30, 12, 0)


# (published as the feed gave it, what is kept, why it was replaced)
@pytest.mark.parametrize(("published", "kept", "why"), [
    (None, None, None),  # no date stays no date (the store dates it when seen)
    (utc(2026, 11, 30, 11, 0), utc(2026, 11, 30, 11, 0), None),
    (utc(2026, 11, 30, 12, 10), utc(2026, 11, 30, 12, 10), None),  # ten minutes of clock skew: kept
    (utc(2026, 11, 30, 12, 11), FETCHED, FUTURE),  # a time zone slip
    (utc(2099, 1, 1), FETCHED, FUTURE),
    (datetime.max.replace(tzinfo=UTC), FETCHED, FUTURE),
    (utc(1990, 1, 1), utc(1990, 1, 1), None),  # old, but a date: max_age keeps it from alerting
    (utc(1989, 12, 31, 23, 59), FETCHED, TOO_EARLY),
    (utc(1970, 1, 1), FETCHED, TOO_EARLY),  # the Unix epoch: a zero read as a date
    (utc(1, 1, 1), FETCHED, TOO_EARLY),  # .NET's DateTime.MinValue
    (datetime(2099, 1, 1), FETCHED, FUTURE),  # naive: taken as UTC, as read_date would
    (datetime(2024, 1, 2), datetime(2024, 1, 2), None),
])
def test_sane_published(published: datetime | None, kept: datetime | None, why: str | None) -> None:
    assert sane_published(published, FETCHED) == (kept, why)
