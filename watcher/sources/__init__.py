"""Source kinds, each `fetch -> parse -> items` behind one interface (base.Kind):

    download  = await KINDS[source.kind].fetch(Request(...))     # network, on the event loop
    collected = KINDS[source.kind].parse(download, source, now)  # CPU, in the parse worker

feed: RSS/Atom (feed.py); html: a page read with CSS selectors (html.py, beautifulsoup4 loads
only when a config has one); edgar-filings / edgar-search: SEC EDGAR (edgar/)."""
from __future__ import annotations

from datetime import datetime

from .. import config
from .base import Collected, Download, Failure, Kind, Request, fetch_one, only_part

__all__ = ["KINDS", "Collected", "Download", "Failure", "Kind", "Request"]


class _Feed:
    fetch = staticmethod(fetch_one)

    @staticmethod
    def parse(download: Download, source: config.Source, now: datetime) -> Collected:
        from . import feed  # lxml and the parser load where a body is parsed: the parse worker

        return Collected(feed.parse(only_part(download), source))


class _Html:
    fetch = staticmethod(fetch_one)

    @staticmethod
    def parse(download: Download, source: config.Source, now: datetime) -> Collected:
        from . import html  # beautifulsoup4 loads only when a config has html sources

        return Collected(html.parse(only_part(download), source))


class _Edgar:
    """EDGAR loads only when a config has EDGAR sources."""

    @staticmethod
    async def fetch(req: Request) -> Download:
        from . import edgar

        return await edgar.fetch(req)

    @staticmethod
    def parse(download: Download, source: config.Source, now: datetime) -> Collected:
        from . import edgar

        return edgar.parse(download, source, now)


KINDS: dict[str, Kind] = {"feed": _Feed(), "html": _Html(), "edgar-filings": _Edgar(), "edgar-search": _Edgar()}
