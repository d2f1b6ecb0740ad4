"""The one interface every source kind has: `fetch` brings a Download home (network, on the event
loop), `parse` turns it into Collected items (CPU, in the parse worker). A feed or a page is one
part; EDGAR is one part per watched company. A part that failed is a Failure beside the items the
others produced: partial success is data, never an exception."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from .. import config, errors, models

if TYPE_CHECKING:
    from .edgar.gateway import EdgarGateway


class HttpFetcher(Protocol):
    """What the gateway needs of watcher.fetch.Fetcher."""

    def prepare(self, url: str) -> None: ...

    def slot(self, url: str) -> contextlib.AbstractAsyncContextManager[None]: ...

    async def fetch(self, url: str, *, timeout: float, max_bytes: int, etag: str | None = None,
                    last_modified: str | None = None, headers: dict[str, str] | None = None,
                    accept: str | None = None, slot_held: bool = False) -> models.Fetched: ...


@dataclass(frozen=True)
class Failure:
    """One part of a source that failed (`part`: the company for EDGAR, "" for the whole source)."""

    part: str
    message: str
    retry_after: float | None = None
    status: int | None = None

    @classmethod
    def of(cls, part: str, e: errors.WatcherError) -> Failure:
        if isinstance(e, errors.FetchError):
            return cls(part, str(e), e.retry_after, e.status)
        return cls(part, str(e))


@dataclass(frozen=True)
class Download:
    """What a fetch brought home: each part's response, what failed, and the validators."""

    parts: tuple[tuple[config.Company | None, models.Fetched], ...] = ()
    failures: tuple[Failure, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304: nothing to parse


@dataclass(frozen=True)
class Collected:
    """The items a source produced and the parts that failed."""

    items: list[models.RawItem] = field(default_factory=list)
    failures: tuple[Failure, ...] = ()

    def error(self) -> errors.FetchError | None:
        """The failures as one error for the source's state (None when nothing failed)."""
        if not self.failures:
            return None
        shown = "; ".join(f"{f.part}: {f.message}" if f.part else f.message for f in self.failures[:3])
        more = f" (and {len(self.failures) - 3} more companies)" if len(self.failures) > 3 else ""
        retry = [f.retry_after for f in self.failures if f.retry_after]
        status = next((f.status for f in self.failures if f.status), None)
        return errors.FetchError(shown + more, retry_after=max(retry) if retry else None, status=status)


@dataclass(frozen=True)
class Request:
    """Everything a fetch is given."""

    source: config.Source
    cfg: config.Config
    fetcher: HttpFetcher
    edgar: EdgarGateway | None  # the one EDGAR gateway; None for the kinds that do not use it
    now: datetime
    etag: str | None = None
    last_modified: str | None = None


class Kind(Protocol):
    async def fetch(self, req: Request) -> Download: ...

    def parse(self, download: Download, source: config.Source, now: datetime) -> Collected: ...


async def fetch_one(req: Request) -> Download:
    """A feed or a page: one conditional GET."""
    s = req.source
    got = await req.fetcher.fetch(s.url, timeout=req.cfg.source_timeout(s), max_bytes=req.cfg.watcher.max_bytes,
                                  etag=req.etag, last_modified=req.last_modified, headers=s.headers or None)
    return Download(parts=() if got.not_modified else ((None, got),), etag=got.etag or req.etag,
                    last_modified=got.last_modified or req.last_modified, not_modified=got.not_modified)


def only_part(download: Download) -> models.Fetched:
    if len(download.parts) != 1:
        raise errors.ParseError(f"expected one response, got {len(download.parts)}")
    return download.parts[0][1]
