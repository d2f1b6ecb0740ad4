"""Typed values that cross the seams between stages (source -> fetch -> parse -> normalize ->
match -> store -> notify). Frozen dataclasses: stages hand these on, never mutate them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Fetched:
    """A response body that came back 200, already decompressed and size-capped."""

    url: str  # final URL after redirects
    body: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304: body is empty, nothing to parse
    content_location: str | None = None  # the Content-Location header: the body's own URL (relative links' base)

    @property
    def base(self) -> str:
        """What relative links in the body are relative to: Content-Location (itself resolved
        against the URL), else the URL."""
        if not self.content_location:
            return self.url
        from urllib.parse import urljoin

        return urljoin(self.url, self.content_location.strip())


@dataclass(frozen=True)
class RawItem:
    """One entry as a source parser found it: text may hold HTML, link may be relative."""

    guid: str | None
    title: str
    link: str | None
    summary: str = ""
    published: datetime | None = None  # aware UTC, or None when the feed gave no usable date
    # Filings: the form is the event ("RW"), items are 8-K item numbers ("1.01"), the accession
    # number is the identity, and `company` is the watched company the filing concerns.
    form: str | None = None
    form_items: tuple[str, ...] = ()
    accession: str | None = None
    company: str | None = None
    event: str | None = None  # human sentence for filings: "Cerebras Systems Inc. filed RW (...)"


@dataclass(frozen=True)
class Item:
    """A normalized item: plain text, canonical URL, identity keys."""

    source: str
    key: str  # identity within the source: guid, accession, canonical URL or a content hash
    url: str | None  # canonical URL, the identity across sources
    link: str | None  # the link as published (absolute), shown to users
    title: str  # plain text, NFKC, whitespace folded
    summary: str  # plain text, NFKC, whitespace folded, bounded length
    published: datetime | None
    story_key: str  # the headline reduced for syndication clustering
    form: str | None = None
    form_items: tuple[str, ...] = ()
    company: str | None = None
    event: str | None = None


@dataclass(frozen=True)
class Hit:
    """Why one rule fired for one company: the explanation every alert carries."""

    rule: str
    company: str
    alias: str  # the alias text as found
    keywords: tuple[str, ...]  # the trigger words as found (or the filing form)
    field: str  # "title", "summary", "title+summary" or "filing"
    snippet: str = ""  # the sentence or clause where they met
    # the event as read (frames.py): kind, the company's part in it, its stage, the other party, the amount
    kind: str = ""
    role: str = ""
    stage: str | None = None
    counterparty: str | None = None
    amount: str | None = None
    kinds: tuple[str, ...] = ()  # every kind the passing frames tell of this company, the lead one first
    stages: tuple[str, ...] = ()  # every stage they tell (talks, completed, listing ...)
    round: str | None = None  # the round's name when told ("Series H", "B轮")
    valuation: str | None = None  # the valuation when told, as written
    venue: str | None = None  # the exchange a listing is on ("NASDAQ", "HKEX", "STAR")
    when: str | None = None  # the date the text gives the event ("2025", "2025-09"), if any


@dataclass(frozen=True)
class EventInfo:
    """The event an alert stands for, as the store knows it when the alert is sent (events.py)."""

    company: str
    kind: str  # acquisition, funding, ipo ... (events.FAMILY keys)
    label: str  # the kind as users read it: "IPO filing", "sale talks"
    headline: str  # "Groq: acquisition by Nvidia, $20 billion (licence + team)"
    counterparty: str | None = None
    amount: str | None = None  # as written
    currency: str | None = None
    usd: float | None = None  # at reference rates
    stage: str | None = None
    facts: tuple[str, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    reports: int = 1
    sources: tuple[str, ...] = ()
    id: int = 0


@dataclass(frozen=True)
class Alert:
    """An alert ready to format: one per item per notifier."""

    id: int
    notifier: str
    title: str
    link: str | None
    source: str
    published: datetime | None
    hits: tuple[Hit, ...]
    summary: str = ""
    event: str | None = None
    also: tuple[str, ...] = field(default_factory=tuple)  # "also reported by" sources
    also_links: tuple[tuple[str, str | None], ...] = ()  # (source, link) of each later report while queued
    record: EventInfo | None = None  # the event it stands for
    update: tuple[str, ...] = ()  # a follow-up: the facts it adds ("amount", "closed") to an earlier alert
    original: str = ""  # a follow-up: the earlier alert's title
    rule: str = ""
