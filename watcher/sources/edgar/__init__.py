"""SEC EDGAR sources: filings *by* watched companies (submissions JSON, edgar-filings) and filings
that *name* them (full-text search, edgar-search), turned into RawItems whose form is the event.

    download  = await fetch(Request(...))      # one JSON answer per watched company, via the gateway
    collected = parse(download, source, now)   # Collected(items, failures), never raises for a part

forms.py holds what each form means, gateway.py the one polite choke point for SEC traffic (shared
rate limit, block detection and pause), parse.py the JSON readers.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from ... import config, errors, models
from ..base import Collected, Download, Failure, Request
from .forms import (
    EVENT_ITEMS,
    FORM_EVENTS,
    ITEM_WORDS,
    FormEvent,
    describe_form,
    event_kind,
    split_items,
)
from .gateway import (
    BLOCK_PAUSE,
    BLOCK_PHRASES,
    BLOCK_STATUSES,
    UNAVAILABLE_PAUSE,
    UNEXPECTED_HTML_PAUSE,
    EdgarGateway,
    RateLimiter,
    decode_json,
)
from .parse import (
    EASTERN,
    eastern_to_utc,
    filer_name,
    filing_link,
    parse_search,
    parse_submissions,
    search_terms,
    search_url,
)

log = logging.getLogger(__name__)

__all__ = [
    "BLOCK_PAUSE", "BLOCK_PHRASES", "BLOCK_STATUSES", "EASTERN", "EVENT_ITEMS", "FORM_EVENTS", "ITEM_WORDS",
    "UNAVAILABLE_PAUSE", "UNEXPECTED_HTML_PAUSE", "EdgarGateway", "FormEvent", "RateLimiter",
    "collect", "decode_json", "describe_form", "eastern_to_utc", "event_kind", "fetch", "filer_name",
    "filing_link", "parse", "parse_search", "parse_submissions", "search_terms", "search_url", "split_items",
]


def _jobs(source: config.Source, companies: list[config.Company], now: datetime) -> list[tuple[config.Company, str]]:
    if source.kind == "edgar-filings":
        return [(c, source.endpoint.format(cik=c.cik)) for c in companies if c.cik]
    if source.kind == "edgar-search":
        return [(c, u) for c in companies if (u := search_url(source, c, now))]
    raise ValueError(f"not an EDGAR source kind: {source.kind!r}")


async def fetch(req: Request) -> Download:
    """Ask EDGAR about every watched company (edgar-filings: those with a CIK), all through the
    shared gateway. A 404 for one company (an unknown CIK) is logged and skipped; any other
    failure is kept as that company's Failure while the others are still asked."""
    source, now = req.source, req.now if req.now.tzinfo else req.now.replace(tzinfo=UTC)
    timeout, max_bytes = req.cfg.source_timeout(source), req.cfg.watcher.max_bytes
    jobs = _jobs(source, req.cfg.company, now)
    gateway = req.edgar
    assert gateway is not None, "an EDGAR source is fetched through the gateway"
    results = await asyncio.gather(*(gateway.get_json_body(u, timeout=timeout, max_bytes=max_bytes)
                                     for _, u in jobs), return_exceptions=True)
    parts: list[tuple[config.Company | None, models.Fetched]] = []
    failures: list[Failure] = []
    for (company, url), res in zip(jobs, results, strict=True):
        if isinstance(res, errors.FetchError) and res.status == 404:
            log.warning("%s: EDGAR has nothing at %s for %s (404); skipped", source.name, url, company.name)
        elif isinstance(res, errors.WatcherError):
            log.debug("%s: %s: %s", source.name, company.name, res)  # the pipeline logs the sum
            failures.append(Failure.of(company.name, res))
        elif isinstance(res, BaseException):
            raise res
        else:
            parts.append((company, res))
    return Download(parts=tuple(parts), failures=tuple(failures))


def parse(download: Download, source: config.Source, now: datetime) -> Collected:
    """Every company's answer -> items, newest first per company; a filing that concerns several
    watched companies comes once (the first company wins). An answer that is no JSON, or JSON of
    the wrong shape, is that company's Failure."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    read = parse_submissions if source.kind == "edgar-filings" else parse_search
    items: list[models.RawItem] = []
    seen: set[str] = set()
    failures = list(download.failures)
    for company, got in download.parts:
        if company is None:
            continue
        try:
            found = read(decode_json(got), source, company, now)
        except errors.ParseError as e:
            failures.append(Failure.of(company.name, e))
            continue
        for it in found:
            if (it.accession or "") not in seen:
                seen.add(it.accession or "")
                items.append(it)
    return Collected(items, tuple(failures))


async def collect(source: config.Source, cfg: config.Config, gateway: EdgarGateway, now: datetime) -> Collected:
    """fetch then parse, in one call (tests and tools; the pipeline runs parse in its worker)."""
    if gateway.fetcher is None:
        raise errors.FetchError("no HTTP client for EDGAR")
    download = await fetch(Request(source=source, cfg=cfg, fetcher=gateway.fetcher, edgar=gateway, now=now))
    return await asyncio.to_thread(parse, download, source, now)
