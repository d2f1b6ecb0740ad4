"""The one polite choke point for SEC traffic: one rate limiter shared by every EDGAR source,
block detection (403/429/503 and the "Request Rate Threshold Exceeded" / "Undeclared Automated
Tool" pages EDGAR serves with status 200) and a shared "blocked until" time that pauses every
EDGAR request after a block. The User-Agent is the configured one, sent by the Fetcher."""
from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ... import config, errors, models
from ..base import HttpFetcher

log = logging.getLogger("watcher.sources.edgar")

# How long to pause every EDGAR request after a block without a Retry-After header. The SEC
# says a client over the limit is blocked for about ten minutes.
BLOCK_PAUSE = 600.0
UNAVAILABLE_PAUSE = 60.0  # a bare 503 is more often a passing outage than a block
UNEXPECTED_HTML_PAUSE = 60.0  # HTML where JSON was expected, without a known block phrase
BLOCK_STATUSES = (403, 429, 503)
BLOCK_PHRASES = ("request rate threshold exceeded", "undeclared automated tool")


class RateLimiter:
    """At most `rate` request starts in any one-second window (and at most one per 1/rate s
    when rate < 1), counted from the moment each start is granted, and starts spaced at least
    1/rate apart so that even back-to-back processes rarely add up to a burst.

    Slots are reserved under a threading lock and waited for with asyncio.sleep, so one
    limiter serves every task, event loop and thread of the process. `margin` widens the
    window so that network jitter cannot squeeze n+1 arrivals into one second at the server.
    """

    def __init__(self, rate: float, *, margin: float = 0.3, clock: Callable[[], float] = time.monotonic):
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

    def __init__(self, fetcher: HttpFetcher | None, rate: float | config.Settings = 5.0, *, margin: float = 0.3):
        if isinstance(rate, config.Settings):
            rate = rate.edgar_rate
        if not 0 < rate <= 10:
            raise ValueError("EDGAR rate must be more than 0 and at most 10 per second")
        self.fetcher = fetcher
        self.limiter = RateLimiter(rate, margin=margin)
        self._blocked_until = 0.0  # time.monotonic()
        self._block_lock = threading.Lock()

    @classmethod
    def from_config(cls, fetcher: HttpFetcher | None, cfg: config.Config) -> EdgarGateway:
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
        fetcher = self.fetcher
        if fetcher is None:
            raise errors.FetchError(f"no HTTP client for EDGAR; not fetching {url}")
        try:
            fetcher.prepare(url)
            # the rate token is taken while holding the connection slot, right before the
            # request leaves: waiting for a slot after the token would bunch requests up
            async with fetcher.slot(url):
                await self._wait_turn(url, timeout)
                got = await fetcher.fetch(url, timeout=timeout, max_bytes=max_bytes, accept=accept, slot_held=True)
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

    async def get_json_body(self, url: str, *, timeout: float, max_bytes: int) -> models.Fetched:
        """GET what should be JSON, undecoded (parse.decode_json reads it, in the parse worker).
        Raises FetchError (with retry_after, after pausing all EDGAR requests) on a block or an
        HTML page where JSON belongs, FetchError from the Fetcher otherwise."""
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
        return got

    async def get_json(self, url: str, *, timeout: float, max_bytes: int) -> Any:
        """GET and decode JSON; ParseError on bad JSON (see get_json_body for the rest)."""
        got = await self.get_json_body(url, timeout=timeout, max_bytes=max_bytes)
        return await asyncio.to_thread(decode_json, got)  # up to max_bytes: off the event loop


def decode_json(got: models.Fetched) -> Any:
    """The JSON in a response EDGAR sent; ParseError naming the URL when it is not JSON."""
    try:
        return json.loads(got.body.lstrip(b"\xef\xbb\xbf \t\r\n"))
    except ValueError as e:
        raise errors.ParseError(f"EDGAR answered invalid JSON at {got.url}: {e}") from None

