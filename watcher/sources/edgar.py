"""SEC EDGAR sources: filings *by* watched companies (submissions JSON) and filings that *name*
them (EDGAR full-text search), turned into RawItems whose form is the event.

    gateway = EdgarGateway(fetcher, rate=cfg.watcher.edgar_rate)   # one per process
    items = await collect(source, cfg, gateway, now)

All SEC traffic goes through EdgarGateway: one rate limiter shared by every EDGAR source, block
detection (403/429/503 and the "Request Rate Threshold Exceeded" / "Undeclared Automated Tool"
pages EDGAR serves with status 200) and a shared "blocked until" time that pauses every EDGAR
request after a block. The User-Agent is the configured one, sent by the Fetcher.

Times: EDGAR stamps are US Eastern even when the text ends in "Z"; they are converted to true
UTC here. A date-only value (filingDate, file_date) is taken as 00:00 Eastern on that date.
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from .. import config, errors, models

log = logging.getLogger(__name__)

EASTERN = ZoneInfo("America/New_York")

# How long to pause every EDGAR request after a block without a Retry-After header. The SEC
# says a client over the limit is blocked for about ten minutes.
BLOCK_PAUSE = 600.0
UNAVAILABLE_PAUSE = 60.0  # a bare 503 is more often a passing outage than a block
UNEXPECTED_HTML_PAUSE = 60.0  # HTML where JSON was expected, without a known block phrase
BLOCK_STATUSES = (403, 429, 503)
BLOCK_PHRASES = ("request rate threshold exceeded", "undeclared automated tool")


# ---------------------------------------------------------------- what a form means (pure)


class FormEvent(NamedTuple):
    kind: str  # raise | ipo | withdrawal | deal | report | ownership
    words: str  # for people: "registration withdrawn"


FORM_EVENTS: dict[str, FormEvent] = {
    "D": FormEvent("raise", "private raise: Form D notice of exempt offering"),
    "D/A": FormEvent("raise", "private raise: amended Form D notice of exempt offering"),
    "S-1": FormEvent("ipo", "IPO step: registration statement"),
    "S-1/A": FormEvent("ipo", "IPO step: amended registration statement"),
    "F-1": FormEvent("ipo", "IPO step: foreign issuer registration statement"),
    "F-1/A": FormEvent("ipo", "IPO step: amended foreign issuer registration statement"),
    "DRS": FormEvent("ipo", "IPO step: draft registration statement submitted confidentially"),
    "DRS/A": FormEvent("ipo", "IPO step: amended draft registration statement"),
    "424B4": FormEvent("ipo", "IPO step: final prospectus with the offering price"),
    "RW": FormEvent("withdrawal", "registration withdrawn"),
    "425": FormEvent("deal", "deal: business-combination communication"),
    "DEFM14A": FormEvent("deal", "deal: definitive merger proxy statement"),
    "PREM14A": FormEvent("deal", "deal: preliminary merger proxy statement"),
    "S-4": FormEvent("deal", "deal: registration of shares for a business combination"),
    "S-4/A": FormEvent("deal", "deal: amended registration of shares for a business combination"),
    "SC TO-T": FormEvent("deal", "deal: third-party tender offer"),
    "SC TO-T/A": FormEvent("deal", "deal: amended third-party tender offer"),
    "SC 14D9": FormEvent("deal", "deal: target's response to a tender offer"),
    # Schedule 13D: a holder of more than 5% who may seek to influence or take control. EDGAR
    # renamed the forms from "SC 13D" to "SCHEDULE 13D" in December 2024; both occur.
    "SC 13D": FormEvent("deal", "deal: stake over 5% with intent to influence (Schedule 13D)"),
    "SC 13D/A": FormEvent("deal", "deal: amended stake over 5% with intent to influence (Schedule 13D/A)"),
    "SCHEDULE 13D": FormEvent("deal", "deal: stake over 5% with intent to influence (Schedule 13D)"),
    "SCHEDULE 13D/A": FormEvent("deal", "deal: amended stake over 5% with intent to influence "
                                        "(Schedule 13D/A)"),
    "SC 13G": FormEvent("ownership", "passive stake over 5% (Schedule 13G)"),
    "SC 13G/A": FormEvent("ownership", "amended passive stake over 5% (Schedule 13G/A)"),
    "SCHEDULE 13G": FormEvent("ownership", "passive stake over 5% (Schedule 13G)"),
    "SCHEDULE 13G/A": FormEvent("ownership", "amended passive stake over 5% (Schedule 13G/A)"),
    "8-K": FormEvent("report", "current report"),
    "8-K/A": FormEvent("report", "amended current report"),
    "10-K": FormEvent("report", "annual report"),
    "10-K/A": FormEvent("report", "amended annual report"),
    "10-Q": FormEvent("report", "quarterly report"),
    "20-F": FormEvent("report", "foreign issuer annual report"),
    "6-K": FormEvent("report", "foreign issuer current report"),
}

# 8-K items (Form 8-K General Instructions B).
ITEM_WORDS: dict[str, str] = {
    "1.01": "entry into a material definitive agreement",
    "1.02": "termination of a material definitive agreement",
    "1.03": "bankruptcy or receivership",
    "1.04": "mine safety",
    "1.05": "material cybersecurity incident",
    "2.01": "completed acquisition or disposition of assets",
    "2.02": "results of operations and financial condition",
    "2.03": "creation of a direct financial obligation",
    "2.04": "triggering events that accelerate a financial obligation",
    "2.05": "costs of exit or disposal activities",
    "2.06": "material impairments",
    "3.01": "notice of delisting",
    "3.02": "unregistered sales of equity securities",
    "3.03": "material modification to rights of security holders",
    "4.01": "change in certifying accountant",
    "4.02": "non-reliance on previously issued financial statements",
    "5.01": "change in control of registrant",
    "5.02": "departure or appointment of directors or officers",
    "5.03": "amendments to articles or bylaws",
    "5.04": "suspension of trading under employee benefit plans",
    "5.05": "amendments to the code of ethics",
    "5.06": "change in shell company status",
    "5.07": "submission of matters to a vote of security holders",
    "5.08": "shareholder director nominations",
    "6.01": "ABS informational and computational material",
    "6.02": "change of servicer or trustee",
    "6.03": "change in credit enhancement",
    "6.04": "failure to make a required distribution",
    "6.05": "securities act updating disclosure",
    "7.01": "Regulation FD disclosure",
    "8.01": "other events",
    "9.01": "financial statements and exhibits",
}

# 8-K items that are events in themselves, whatever the text says.
EVENT_ITEMS: dict[str, str] = {"1.01": "agreement", "2.01": "acquisition"}
_CURRENT_REPORTS = ("8-K", "8-K/A")


def split_items(value: Any) -> tuple[str, ...]:
    """'2.02,9.01' / ['1.01', '9.01'] / 'items 1.01, 2.03, 8.01and9.01' -> ('2.02', '9.01')."""
    if not value:
        return ()
    if isinstance(value, str):
        if re.search(r"\d\.\d\d", value):
            parts = re.findall(r"\d{1,2}\.\d{2}", value)
        else:
            parts = re.split(r"[,\s]+", value)
    else:
        parts = [str(v) for v in value]
    return tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def describe_form(form: str, items: Iterable[str] = ()) -> str:
    """Words for a filing: ('RW', ()) -> 'registration withdrawn';
    ('8-K', ('1.01',)) -> 'item 1.01: entry into a material definitive agreement'.
    An unknown form gives ''."""
    form = form.strip()
    items = tuple(items)
    if form.upper() in _CURRENT_REPORTS and items:
        # 9.01 (exhibits) rides along with nearly every 8-K; name it only when it is alone.
        items = tuple(i for i in items if i != "9.01") or items
        return "; ".join(f"item {i}: {ITEM_WORDS[i]}" if i in ITEM_WORDS else f"item {i}"
                         for i in items)
    ev = FORM_EVENTS.get(form) or FORM_EVENTS.get(form.upper())
    return ev.words if ev else ""


def event_kind(form: str, items: Iterable[str] = ()) -> str | None:
    """The kind of event a filing is by its form alone, or None when the form says nothing
    by itself (a 10-Q; an 8-K without item 1.01 or 2.01): raise, ipo, withdrawal, deal,
    agreement, acquisition."""
    form = form.strip().upper()
    if form in _CURRENT_REPORTS:
        for i in items:
            if i in EVENT_ITEMS:
                return EVENT_ITEMS[i]
        return None
    ev = FORM_EVENTS.get(form)
    return ev.kind if ev and ev.kind not in ("report", "ownership") else None


# ---------------------------------------------------------------- times (pure)


def eastern_to_utc(value: Any) -> datetime | None:
    """An EDGAR time as aware UTC. EDGAR writes Eastern wall time and often appends a false 'Z'
    ('2025-12-12T18:02:00.000Z' means 18:02 New York time); a real numeric offset is honoured.
    A bare date is 00:00 Eastern on that date. Unparseable -> None."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1]
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=EASTERN).astimezone(UTC)
        if re.fullmatch(r"\d{14}", text):  # 20251212180200, as in EDGAR's index files
            dt = datetime.strptime(text, "%Y%m%d%H%M%S")
        else:
            dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=EASTERN)
    return dt.astimezone(UTC)


def _eastern_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(EASTERN).date()


# ---------------------------------------------------------------- the gateway


class _Fetcher(Protocol):
    async def fetch(self, url: str, *, timeout: float, max_bytes: int, etag: str | None = None,
                    last_modified: str | None = None, headers: dict[str, str] | None = None,
                    accept: str | None = None) -> models.Fetched: ...


class RateLimiter:
    """At most `rate` request starts in any one-second window (and at most one per 1/rate s
    when rate < 1), counted from the moment each start is granted, and starts spaced at least
    1/rate apart so that even back-to-back processes rarely add up to a burst.

    Slots are reserved under a threading lock and waited for with asyncio.sleep, so one
    limiter serves every task, event loop and thread of the process. `margin` widens the
    window so that network jitter cannot squeeze n+1 arrivals into one second at the server.
    """

    def __init__(self, rate: float, *, margin: float = 0.3, clock=time.monotonic):
        if not rate > 0:
            raise ValueError("rate must be more than zero")
        self.rate = rate
        self.burst = max(1, math.floor(rate))
        self.window = max(1.0, 1.0 / rate) + margin
        self._clock = clock
        self._lock = threading.Lock()
        self._starts: deque[float] = deque(maxlen=self.burst)

    def reserve(self, not_before: float = 0.0) -> float:
        """Book the next free start time (monotonic clock) and return it."""
        with self._lock:
            t = max(self._clock(), not_before)
            if self._starts:  # spread requests out rather than sending bursts
                t = max(t, self._starts[-1] + 1.0 / self.rate)
            if len(self._starts) == self.burst:
                t = max(t, self._starts[0] + self.window)
            self._starts.append(t)
            return t

    async def acquire(self) -> None:
        t = self.reserve()
        delay = t - self._clock()
        if delay > 0:
            await asyncio.sleep(delay)


class EdgarGateway:
    """The one polite choke point for SEC traffic. Create one per process and hand it to every
    EDGAR source; it owns the shared limiter and the shared "blocked until" time.
    `rate` is requests per second, or the Settings (its edgar_rate is used)."""

    def __init__(self, fetcher: _Fetcher, rate: float | config.Settings = 5.0, *, margin: float = 0.3):
        if isinstance(rate, config.Settings):
            rate = rate.edgar_rate
        if not 0 < rate <= 10:
            raise ValueError("EDGAR rate must be more than 0 and at most 10 per second")
        self.fetcher = fetcher
        self.limiter = RateLimiter(rate, margin=margin)
        self._blocked_until = 0.0  # time.monotonic()
        self._block_lock = threading.Lock()

    @classmethod
    def from_config(cls, fetcher: _Fetcher, cfg: config.Config) -> EdgarGateway:
        return cls(fetcher, cfg.watcher.edgar_rate)

    def blocked_for(self) -> float:
        """Seconds until EDGAR may be asked again (0 when not blocked)."""
        return max(0.0, self._blocked_until - time.monotonic())

    def block(self, seconds: float) -> None:
        """Pause every EDGAR request for `seconds` (never shortens a longer pause)."""
        with self._block_lock:
            self._blocked_until = max(self._blocked_until, time.monotonic() + seconds)

    async def _wait_turn(self, url: str, timeout: float) -> None:
        while True:
            left = self.blocked_for()
            if left > timeout:
                raise errors.FetchError(f"EDGAR requests paused for {left:.0f}s after a block; "
                                        f"not fetching {url}", retry_after=left)
            if left > 0:
                await asyncio.sleep(left)
            await self.limiter.acquire()
            if self.blocked_for() == 0:  # a block that arrived while we waited wins
                return

    async def get(self, url: str, *, timeout: float, max_bytes: int,
                  accept: str = "application/json") -> models.Fetched:
        try:
            prepare = getattr(self.fetcher, "prepare", None)
            if prepare is not None:
                prepare(url)
            slot = getattr(self.fetcher, "slot", None)
            if slot is None:
                await self._wait_turn(url, timeout)
                got = await self.fetcher.fetch(url, timeout=timeout, max_bytes=max_bytes, accept=accept)
            else:
                # the rate token is taken while holding the connection slot, right before the
                # request leaves: waiting for a slot after the token would bunch requests up
                async with slot(url):
                    await self._wait_turn(url, timeout)
                    got = await self.fetcher.fetch(url, timeout=timeout, max_bytes=max_bytes, accept=accept,
                                                   slot_held=True)
        except errors.FetchError as e:
            if e.status in BLOCK_STATUSES:
                pause = e.retry_after if e.retry_after and e.retry_after > 0 else (
                    UNAVAILABLE_PAUSE if e.status == 503 else BLOCK_PAUSE)
                self.block(pause)
                log.warning("EDGAR answered %s for %s; pausing all EDGAR requests for %.0fs",
                            e.status, url, pause)
                raise errors.FetchError(f"EDGAR answered HTTP {e.status} for {url} "
                                        f"(paused {pause:.0f}s): {e}",
                                        retry_after=pause, status=e.status) from e
            raise
        self._check_block_page(url, got)
        return got

    def _check_block_page(self, url: str, got: models.Fetched) -> None:
        head = got.body[:20000].decode("latin-1", "replace").lower()
        for phrase in BLOCK_PHRASES:
            if phrase in head:
                self.block(BLOCK_PAUSE)
                log.warning("EDGAR served a %r page for %s; pausing all EDGAR requests for %.0fs",
                            phrase, url, BLOCK_PAUSE)
                raise errors.FetchError(f"EDGAR block page ({phrase}) for {url}; "
                                        f"paused {BLOCK_PAUSE:.0f}s",
                                        retry_after=BLOCK_PAUSE, status=200)

    async def get_json(self, url: str, *, timeout: float, max_bytes: int) -> Any:
        """GET and decode JSON. Raises FetchError (with retry_after, after pausing all EDGAR
        requests) on a block, FetchError from the Fetcher otherwise, ParseError on bad JSON."""
        got = await self.get(url, timeout=timeout, max_bytes=max_bytes)
        if got.not_modified:
            raise errors.FetchError(f"unexpected 304 Not Modified for {url}", status=304)
        body = got.body.lstrip(b"\xef\xbb\xbf \t\r\n")
        if body[:1] == b"<" or "html" in got.content_type.lower():
            # Some other page where JSON belongs: most likely a block in new words.
            self.block(UNEXPECTED_HTML_PAUSE)
            raise errors.FetchError(f"EDGAR answered HTML where JSON was expected at {url}; "
                                    f"paused {UNEXPECTED_HTML_PAUSE:.0f}s",
                                    retry_after=UNEXPECTED_HTML_PAUSE, status=200)
        try:
            return await asyncio.to_thread(json.loads, body)  # up to max_bytes: off the event loop
        except ValueError as e:
            raise errors.ParseError(f"EDGAR answered invalid JSON at {url}: {e}") from None


# ---------------------------------------------------------------- collecting items


class EdgarPartialError(errors.FetchError):
    """Some companies failed, others did not. `items` holds what the good ones produced, so a
    pipeline can keep them while marking the source failing; one that only knows FetchError
    drops them this round and gets them again on the next poll (they are still in the window)."""

    def __init__(self, message: str, *, items: list[models.RawItem],
                 failures: list[tuple[str, errors.WatcherError]]):
        retry = [f.retry_after for _, f in failures
                 if isinstance(f, errors.FetchError) and f.retry_after]
        statuses = [f.status for _, f in failures if isinstance(f, errors.FetchError) and f.status]
        super().__init__(message, retry_after=max(retry) if retry else None,
                         status=statuses[0] if statuses else None)
        self.items = items
        self.failures = failures


def filing_link(archive_url: str, cik: str | int, accession: str) -> str:
    """The filing's index page: .../data/{cik}/{accession w/o dashes}/{accession}-index.htm"""
    return f"{archive_url.rstrip('/')}/{int(cik)}/{accession.replace('-', '')}/{accession}-index.htm"


def _event(filer: str, form: str, items: tuple[str, ...], naming: str | None = None) -> str:
    words = describe_form(form, items)
    text = f"{filer} filed {form}" + (f" ({words})" if words else "")
    return text + (f" naming {naming}" if naming else "")


def _summary(form: str, items: tuple[str, ...], filed: str, filer: str, cik: str,
             accession: str, extra: str = "") -> str:
    parts = []
    words = FORM_EVENTS.get(form)
    parts.append(f"Form {form}" + (f": {words.words}" if words else "") + ".")
    if items and form.upper() in _CURRENT_REPORTS:
        parts.append("Items: " + "; ".join(f"{i} {ITEM_WORDS.get(i, '')}".strip() for i in items) + ".")
    elif items:
        parts.append("Items: " + ", ".join(items) + ".")
    parts.append(f"Filed {filed} by {filer} (CIK {int(cik)}). Accession {accession}.")
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _item(source: config.Source, company: config.Company, *, filer: str, cik: str, accession: str,
          form: str, items: tuple[str, ...], filed: str, published: datetime | None,
          naming: str | None = None, extra: str = "") -> models.RawItem:
    event = _event(filer, form, items, naming)
    return models.RawItem(
        guid=accession, title=event, link=filing_link(source.archive_url, cik, accession),
        summary=_summary(form, items, filed, filer, cik, accession, extra), published=published,
        form=form, form_items=items, accession=accession, company=company.name, event=event)


def _wanted(source: config.Source, form: str) -> bool:
    return not source.forms or form in source.forms


def parse_submissions(data: Any, source: config.Source, company: config.Company,
                      now: datetime) -> list[models.RawItem]:
    """A submissions JSON -> one RawItem per recent filing of a wanted form, newest first."""
    try:
        recent = data["filings"]["recent"]
        accessions = recent["accessionNumber"]
        forms = recent["form"]
    except (KeyError, TypeError) as e:
        raise errors.ParseError(f"submissions JSON for {company.name} lacks filings.recent ({e})") from None
    filer = str(data.get("name") or company.name).strip()
    cik = str(data.get("cik") or company.cik or "0")
    if not cik.isdigit():
        cik = company.cik or "0"

    def col(name: str, i: int) -> Any:
        values = recent.get(name) or []
        return values[i] if i < len(values) else None

    cutoff = _eastern_date(now - timedelta(seconds=source.window))
    out: list[tuple[datetime, str, models.RawItem]] = []
    for i, accession in enumerate(accessions):
        form = str(forms[i] if i < len(forms) else "").strip()
        if not accession or not form or not _wanted(source, form):
            continue
        filed = str(col("filingDate", i) or "")
        try:
            if date.fromisoformat(filed) < cutoff:
                continue
        except ValueError:
            continue  # no usable filing date: cannot tell it is recent
        published = eastern_to_utc(col("acceptanceDateTime", i)) or eastern_to_utc(filed)
        items = split_items(col("items", i))
        it = _item(source, company, filer=filer, cik=cik, accession=str(accession), form=form,
                   items=items, filed=filed, published=published)
        out.append((published or datetime.min.replace(tzinfo=UTC), str(accession), it))
    out.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [it for _, _, it in out]


_DISPLAY_TAIL = re.compile(r"\s*\((?:CIK\s*\d+|[A-Z0-9.\-]+(?:,\s*[A-Z0-9.\-]+)*)\)\s*$")


def filer_name(display_name: str) -> str:
    """'NVIDIA CORP  (NVDA)  (CIK 0001045810)' -> 'NVIDIA CORP'."""
    name = display_name.split("  (")[0].strip()
    prev = None
    while prev != name:
        prev, name = name, _DISPLAY_TAIL.sub("", name).strip()
    return name or display_name.strip()


def search_terms(company: config.Company) -> list[str]:
    """Name and aliases worth a full-text query: not ambiguous, at least 3 characters, with
    Latin letters (EDGAR filings are English), each once."""
    seen: dict[str, str] = {}
    for term in [company.name, *company.aliases]:
        t = term.replace('"', "").strip()
        if len(t) < 3 or t in company.ambiguous or not re.search(r"[A-Za-z]", t):
            continue
        seen.setdefault(t.casefold(), t)
    return list(seen.values())


def search_url(source: config.Source, company: config.Company, now: datetime) -> str | None:
    terms = search_terms(company)
    if not terms:
        return None
    params = {"q": " OR ".join(f'"{t}"' for t in terms), "dateRange": "custom",
              "startdt": _eastern_date(now - timedelta(seconds=source.window)).isoformat(),
              "enddt": _eastern_date(now).isoformat()}
    if source.forms:
        params["forms"] = ",".join(source.forms)
    base = source.endpoint
    return base + ("&" if "?" in base else "?") + urlencode(params)


def parse_search(data: Any, source: config.Source, company: config.Company,
                 now: datetime) -> list[models.RawItem]:
    """EFTS hits (one per document) -> one RawItem per filing (accession), newest first."""
    try:
        hits = data["hits"]["hits"]
    except (KeyError, TypeError) as e:
        raise errors.ParseError(f"full-text search answer for {company.name} lacks hits.hits ({e})") from None
    cutoff = _eastern_date(now - timedelta(seconds=source.window))
    filings: dict[str, dict[str, Any]] = {}
    for hit in hits or []:
        src = hit.get("_source") or {}
        accession = str(src.get("adsh") or str(hit.get("_id") or "").split(":")[0]).strip()
        roots = src.get("root_forms") or []
        form = str(src.get("form") or (roots[0] if roots else "")).strip()
        ciks = src.get("ciks") or []
        if not accession or not form or not ciks or not _wanted(source, form):
            continue
        filed = str(src.get("file_date") or "")
        try:
            if date.fromisoformat(filed) < cutoff:
                continue
        except ValueError:
            continue
        f = filings.get(accession)
        if f is None:
            names = src.get("display_names") or []
            filings[accession] = {
                "form": form, "cik": str(ciks[0]), "filed": filed,
                "filer": filer_name(str(names[0])) if names else f"CIK {int(ciks[0])}",
                "items": list(split_items(src.get("items"))), "docs": 1}
        else:  # another document of the same filing
            f["docs"] += 1
            f["items"] += [i for i in split_items(src.get("items")) if i not in f["items"]]
    out = []
    for accession, f in filings.items():
        own = company.cik is not None and int(company.cik) == int(f["cik"])
        out.append(_item(source, company, filer=f["filer"], cik=f["cik"], accession=accession,
                         form=f["form"], items=tuple(f["items"]), filed=f["filed"],
                         published=eastern_to_utc(f["filed"]), naming=None if own else company.name,
                         extra=f"EDGAR full-text search for {company.name}."))
    out.sort(key=lambda it: (it.published or datetime.min.replace(tzinfo=UTC),
                             it.accession or ""), reverse=True)
    return out


async def collect(source: config.Source, cfg: config.Config, gateway: EdgarGateway,
                  now: datetime) -> list[models.RawItem]:
    """Poll one EDGAR source for every watched company (edgar-filings: those with a CIK).

    A 404 for one company (an unknown CIK) is logged and skipped. Any other failure is kept
    while the other companies are still asked; at the end an EdgarPartialError (a FetchError)
    carries the failures and the items the good companies produced. Duplicates of one filing
    across companies are returned once (first company wins)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    timeout = cfg.source_timeout(source)
    max_bytes = cfg.watcher.max_bytes
    if source.kind == "edgar-filings":
        jobs = [(c, source.endpoint.format(cik=c.cik)) for c in cfg.company if c.cik]
        parse = parse_submissions
    elif source.kind == "edgar-search":
        jobs = [(c, u) for c in cfg.company if (u := search_url(source, c, now))]
        parse = parse_search
    else:
        raise ValueError(f"not an EDGAR source kind: {source.kind!r}")

    async def one(company: config.Company, url: str) -> list[models.RawItem]:
        data = await gateway.get_json(url, timeout=timeout, max_bytes=max_bytes)
        return await asyncio.to_thread(parse, data, source, company, now)

    results = await asyncio.gather(*(one(c, u) for c, u in jobs), return_exceptions=True)
    items: list[models.RawItem] = []
    seen: set[str] = set()
    failures: list[tuple[str, errors.WatcherError]] = []
    for (company, url), res in zip(jobs, results, strict=True):
        if isinstance(res, errors.FetchError) and res.status == 404:
            log.warning("%s: EDGAR has nothing at %s for %s (404); skipped", source.name, url,
                        company.name)
            continue
        if isinstance(res, errors.WatcherError):
            log.debug("%s: %s: %s", source.name, company.name, res)  # the pipeline logs the sum
            failures.append((company.name, res))
            continue
        if isinstance(res, BaseException):
            raise res
        for it in res:
            if it.accession not in seen:
                seen.add(it.accession or "")
                items.append(it)
    if failures:
        text = "; ".join(f"{name}: {err}" for name, err in failures[:3])
        more = f" (and {len(failures) - 3} more companies)" if len(failures) > 3 else ""
        raise EdgarPartialError(text + more, items=items, failures=failures)
    return items
