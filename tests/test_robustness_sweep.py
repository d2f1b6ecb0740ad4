"""Robustness sweep: every file of ../shared/corpus (feeds/, feedparser/, html/, edgar/) served
over loopback HTTP and taken through fetch -> parse -> normalize -> match, as a poll does.

Nothing but ParseError or FetchError may escape any stage, and each folder yields at least as many
items as it did when these floors were set. Files are read in place (never copied
into the repo); `.http.json` sidecars, where the corpus kept them, give the original status and
headers. All files are fetched at once through one Fetcher, then parsed in this process.
Without ../shared the test skips."""
from __future__ import annotations

import asyncio
import http.server
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import corpus_dir
from servers import LoopbackServer

from watcher import config, models
from watcher.errors import FetchError, ParseError
from watcher.fetch import Fetcher
from watcher.normalize import normalize
from watcher.sources import edgar, feed, html

CORPUS = corpus_dir()
SUBDIRS = ("feeds", "feedparser", "html", "edgar")
SIDECAR = ".http.json"
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # near the newest EDGAR capture

CONTENT_TYPES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml",
                 ".rdf": "application/rdf+xml", ".html": "text/html", ".htm": "text/html",
                 ".json": "application/json"}
# headers that describe the recorded transfer, not the body as stored in the corpus
TRANSFER_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}

FEED_SOURCE = config.Source(name="sweep-feed", kind="feed", url="https://corpus.example/feed")
HTML_SOURCE = config.Source(name="sweep-html", kind="html", url="https://corpus.example/",
                            selectors=config.Selectors(item="a", title="a"))
FILINGS_SOURCE = config.Source(name="sweep-filings", kind="edgar-filings", window="100000d",
                               archive_url="https://corpus.example/Archives/edgar/data")
SEARCH_SOURCE = config.Source(name="sweep-search", kind="edgar-search", window="100000d",
                              archive_url="https://corpus.example/Archives/edgar/data")
COMPANY = config.Company(name="Any Filer", cik="1")


def corpus_files() -> list[Path]:
    out: list[Path] = []
    for sub in SUBDIRS:
        out += (p for p in (CORPUS / sub).rglob("*") if p.is_file() and not p.name.endswith(SIDECAR))
    return sorted(out)


def served_as(path: Path) -> tuple[int, dict[str, str]]:
    """(status, headers) to serve a corpus file with: its sidecar's when it has one, else 200
    and a content type by suffix."""
    headers = {"Content-Type": CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")}
    status = 200
    meta = path.with_name(path.name + SIDECAR)
    if meta.is_file():
        recorded = json.loads(meta.read_text(encoding="utf-8"))
        status = int((recorded.get("status") or {}).get("code") or 200)
        for k, v in (recorded.get("response_headers") or recorded.get("headers") or {}).items():
            if k.lower() not in TRANSFER_HEADERS:
                headers[k.title()] = v[0] if isinstance(v, list) else str(v)
    return status, headers


def whole_response(status: int, headers: dict[str, str], body: bytes):
    """A route that writes status line, headers and body in one send: the stock handler sends
    headers and body apart, and Nagle's algorithm against the client's delayed ACK then costs
    about 40 ms a request, which over 2,000 files is most of a minute."""
    head = [f"HTTP/1.1 {status} {http.server.BaseHTTPRequestHandler.responses.get(status, ('',))[0]}",
            *(f"{k}: {v}" for k, v in headers.items()), f"Content-Length: {len(body)}", "", ""]
    raw = "\r\n".join(head).encode("latin-1") + body

    def handler(h: http.server.BaseHTTPRequestHandler) -> None:
        h.wfile.write(raw)

    return handler


@dataclass
class Tally:
    files: int = 0
    fetch_errors: int = 0
    parse_errors: int = 0
    items: int = 0
    hits: int = 0

    def __str__(self) -> str:
        return (f"{self.files} files, {self.items} items, {self.hits} matched, {self.parse_errors} parse errors, "
                f"{self.fetch_errors} fetch errors")


def parse_one(path: Path, fetched: models.Fetched) -> list[models.RawItem]:
    """The parser a source of the fitting kind would use for this file."""
    rel = path.relative_to(CORPUS)
    if path.suffix.lower() in (".html", ".htm"):
        return html.parse(fetched, HTML_SOURCE)
    if rel.parts[0] == "edgar" and path.suffix.lower() == ".json":
        try:
            data = json.loads(fetched.body)
        except ValueError as e:
            raise ParseError(f"not JSON: {e}") from None
        if isinstance(data, dict) and "hits" in data:
            return edgar.parse_search(data, SEARCH_SOURCE, COMPANY, NOW)
        if isinstance(data, dict) and "filings" in data:
            return edgar.parse_submissions(data, FILINGS_SOURCE, COMPANY, NOW)
        # neither shape (a folder index): both parsers must refuse it with ParseError, not crash
        for parse, source in ((edgar.parse_submissions, FILINGS_SOURCE), (edgar.parse_search, SEARCH_SOURCE)):
            try:
                parse(data, source, COMPANY, NOW)
            except ParseError:
                continue
            pytest.fail(f"{rel}: {parse.__name__} accepted a JSON of neither shape")
        raise ParseError("neither a submissions nor a search answer")
    return feed.parse(fetched, FEED_SOURCE)  # xml, rss, atom, rdf and anything unknown


def test_every_corpus_file_through_fetch_parse_normalize_match(http_server: LoopbackServer, shipped_matcher):
    if CORPUS is None:
        pytest.skip("../shared/corpus is absent (it lives beside the checkout, not in it)")
    t0 = time.monotonic()
    files = corpus_files()
    urls = []
    for i, path in enumerate(files):
        status, headers = served_as(path)
        route = f"/corpus/{i}{''.join(path.suffixes[-2:])}"
        http_server.routes[route] = whole_response(status, headers, path.read_bytes())
        urls.append(http_server.url(route))

    settings = config.Settings()

    async def fetch_all() -> list[models.Fetched | BaseException]:
        fetcher = Fetcher(settings)
        # The Fetcher's deadline covers the wait for a connection slot too (per_host = 2 on the
        # one loopback host); hand it no more at once than a poll would, so no deadline is spent
        # queueing behind two thousand other files.
        gate = asyncio.Semaphore(settings.concurrency)

        async def one(url: str) -> models.Fetched:
            async with gate:
                return await fetcher.fetch(url, timeout=settings.timeout, max_bytes=settings.max_bytes)

        try:
            return await asyncio.gather(*(one(u) for u in urls), return_exceptions=True)
        finally:
            await fetcher.aclose()

    fetched_all = asyncio.run(fetch_all())
    t_fetch = time.monotonic() - t0
    tally = {sub: Tally() for sub in SUBDIRS}
    for path, got in zip(files, fetched_all, strict=True):
        rel = path.relative_to(CORPUS)
        t = tally[rel.parts[0]]
        t.files += 1
        if isinstance(got, FetchError):
            t.fetch_errors += 1
            continue
        if isinstance(got, BaseException):
            pytest.fail(f"{rel}: fetch raised {type(got).__name__}: {got}")
        try:
            raw = parse_one(path, got)
        except ParseError:
            t.parse_errors += 1
            continue
        except Exception as e:  # noqa: BLE001 - name the file that broke
            pytest.fail(f"{rel}: parse raised {type(e).__name__}: {e}")
        for r in raw:
            try:
                item = normalize(r, "sweep")
                t.hits += bool(shipped_matcher.match(item))
            except Exception as e:  # noqa: BLE001
                pytest.fail(f"{rel}: normalize/match raised {type(e).__name__}: {e} on {r.title[:80]!r}")
            assert isinstance(item.title, str) and isinstance(item.summary, str), rel
            assert item.published is None or item.published.utcoffset().total_seconds() == 0, rel
        t.items += len(raw)
    total = Tally(*(sum(getattr(t, f) for t in tally.values()) for f in ("files", "fetch_errors", "parse_errors",
                                                                          "items", "hits")))
    report = "; ".join(f"{sub}: {t}" for sub, t in tally.items()) + (
        f"; all: {total}; fetch {t_fetch:.1f}s, total {time.monotonic() - t0:.1f}s")
    print(report)
    assert total.files > 2000, report
    assert total.items > 1500, report
    assert len(http_server.requests) == total.files, report  # every file really went over HTTP
    # only the recorded 503 page fails to fetch; anything more means the Fetcher rejects real bodies
    assert total.fetch_errors <= 1, report
    # real-world feeds nearly all parse; the feedparser suite and the pages yield items
    feeds, suite, pages = tally["feeds"], tally["feedparser"], tally["html"]
    assert feeds.files >= 30 and feeds.items > 500 and feeds.parse_errors <= 2, report
    assert suite.files > 2000 and suite.items > 1000, report
    assert pages.files >= 4 and pages.items > 50, report


@pytest.mark.parametrize("text", ["<!DOCTYPE", '<!ENTITY x "y">'])
def test_declaration_text_inside_cdata_is_kept_as_text(text):
    """After feedparser's wellformed/rss/item_description_not_a_doctype2.xml."""
    body = ("<rss><channel><item><title>t</title><description><![CDATA[ code: " + text + " ]]></description>"
            "</item></channel></rss>").encode()
    [item] = feed.parse(models.Fetched(url="https://corpus.example/f", body=body), FEED_SOURCE)
    assert text in item.summary
