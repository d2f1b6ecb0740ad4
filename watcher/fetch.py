"""The only HTTP client: one shared httpx client, global and per-host concurrency limits, one
deadline over the whole request, a cap on the decompressed body, conditional GET.

httpx's read timeout applies per chunk (a dripping server never trips it), so the whole request
runs under ``asyncio.timeout``. httpx would decode a small gzip read into one huge chunk, so the
raw stream is decompressed here piecewise with ``max_length``: a gzip bomb never materialises.
"""
from __future__ import annotations

import asyncio
import contextlib
import email.utils
import socket
import ssl
import sys
import time
import zlib
from collections.abc import AsyncIterator
from typing import Literal
from urllib.parse import urljoin, urlsplit

if "httpx" not in sys.modules:
    # httpx's package imports its command-line client (click, pygments: an eighth of every start)
    # whenever those happen to be installed; a None entry makes that import fail, and httpx then
    # defines its stub `main`, which watcher never calls. Dropped again once httpx is loaded.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    try:
        import httpx
    finally:
        if sys.modules.get("httpx._main", 0) is None:
            del sys.modules["httpx._main"]
import httpx  # noqa: E402  # (loaded above; this binds the name for the type checker too)

from . import config, models, redirects
from .errors import FetchError

_CHUNK = 64 * 1024
# Idle connections are kept this long (httpx: 5 s), so that a host polled every minute or so, or
# several sources on one host, reuse one connection; a server that closed it first costs a retry.
KEEPALIVE = 60.0
MAX_REDIRECTS = 10


class _Decoder:
    """Decompress one Content-Encoding piece by piece, never producing more than ``room`` bytes
    per call."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self._z: zlib._Decompress | Literal[False] | None
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(47)  # 32 + 15: gzip or zlib header, auto-detected
        elif encoding == "deflate":
            self._z = None  # zlib-wrapped or raw deflate: decided on the first bytes
        elif encoding in ("", "identity"):
            self._z = False
        else:
            raise FetchError(f"unsupported content-encoding {encoding!r}")

    def feed(self, data: bytes, room: int) -> bytes:
        """Decompress ``data``; returns at most ``room`` + 1 bytes (the +1 says "over the cap")."""
        if self._z is False:
            return data
        if self._z is None:
            self._z = zlib.decompressobj(15 if _looks_zlib(data) else -15)
        try:
            out = self._z.decompress(data, room + 1)
        except zlib.error as e:
            raise FetchError(f"corrupt {self.encoding} body: {e}") from None
        return out

    def flush(self, room: int) -> bytes:
        return self._z.flush(room + 1) if self._z else b""

    def pending(self) -> bool:
        return bool(self._z and self._z.unconsumed_tail)

    def more(self, room: int) -> bytes:
        assert self._z  # called only while pending()
        try:
            return self._z.decompress(self._z.unconsumed_tail, room + 1)
        except zlib.error as e:
            raise FetchError(f"corrupt {self.encoding} body: {e}") from None


def _looks_zlib(data: bytes) -> bool:
    return len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds from now, from delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _describe(exc: BaseException) -> str:
    """A short, clear message for a transport error."""
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 6:
        chain.append(e)
        e = e.__cause__ or e.__context__
    for e in chain:
        if isinstance(e, socket.gaierror):
            return "cannot resolve host"
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, ssl.SSLError):
            return f"TLS error: {e.reason or e}"
    text = str(exc).lower()
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text \
            or "name resolution" in text:
        return "cannot resolve host"
    if "connection refused" in text or "connect call failed" in text:
        return "connection refused"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"protocol error: {exc}" if str(exc) else "server closed the connection"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class Fetcher:
    """Fetch URLs politely and safely. One instance per process; ``aclose()`` when done."""

    def __init__(self, settings: config.Settings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._transport = transport
        self._ssl: ssl.SSLContext | None = None  # one TLS context (loading the CA bundle costs ~15 ms) for every client
        # One small connection pool per host: httpcore scans every connection of a pool on each
        # request, which with one big pool over hundreds of sources cost a third of a poll.
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._policy = redirects.Policy.of(settings.deny_networks, settings.allow_private)
        self._all = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    def prepare(self, url: str) -> None:
        """Set up the client for url's host now (the first one imports httpcore and loads the CA
        bundle: a tenth of a second or more), so that a rate-limited request leaves the moment
        its turn comes instead of bunching up with the next one."""
        self._client_for(url)

    def _client_for(self, url: str) -> httpx.AsyncClient:
        host = (urlsplit(url).hostname or "").lower() if self._transport is None else ""
        client = self._clients.get(host)
        if client is None:
            if self._ssl is None and self._transport is None:
                self._ssl = httpx.create_ssl_context()
            limits = httpx.Limits(max_connections=self.settings.per_host * 2,
                                  max_keepalive_connections=self.settings.per_host, keepalive_expiry=KEEPALIVE)
            client = self._clients[host] = httpx.AsyncClient(
                follow_redirects=False,  # followed in _get, each hop checked (redirects.py)
                timeout=httpx.Timeout(None),  # our own deadline (asyncio.timeout) covers the whole request
                transport=self._transport or self._guarded_transport(limits),
                headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            )
        return client

    def _guarded_transport(self, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
        """httpx's transport, its connection pool built on a network backend that checks every
        connection against deny_networks after DNS (redirects.guarded_backend). httpx takes no
        backend of its own, so the pool it made is replaced by an identical one that has it."""
        import httpcore

        assert self._ssl is not None
        transport = httpx.AsyncHTTPTransport(verify=self._ssl, limits=limits)
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=self._ssl, max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            network_backend=redirects.guarded_backend(self._policy))
        return transport

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return sem

    def slot(self, url: str) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold a request slot (global and per host) across a caller's own wait, e.g. a rate
        limit taken at the moment of sending; then call fetch(..., slot_held=True)."""
        stack = contextlib.AsyncExitStack()

        @contextlib.asynccontextmanager
        async def held() -> AsyncIterator[None]:
            async with stack:
                await stack.enter_async_context(self._all)
                await stack.enter_async_context(self._host_limit(url))
                yield

        return held()

    async def fetch(self, url: str, *, timeout: float, max_bytes: int, etag: str | None = None,
                    last_modified: str | None = None, headers: dict[str, str] | None = None,
                    accept: str | None = None, slot_held: bool = False) -> models.Fetched:
        """GET ``url``. The deadline starts once a request slot is won: requests queued behind
        stalled ones on the same host do not fail for time they never had."""
        request_headers = dict(headers or {})
        if accept:
            request_headers["Accept"] = accept
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        try:
            if slot_held:
                async with asyncio.timeout(timeout):
                    return await self._get(url, request_headers, max_bytes)
            async with self._all, self._host_limit(url), asyncio.timeout(timeout):
                return await self._get(url, request_headers, max_bytes)
        except TimeoutError:
            raise FetchError(f"timed out after {timeout:g}s") from None
        except httpx.InvalidURL as e:
            raise FetchError(f"invalid URL: {e}") from None
        except httpx.TooManyRedirects:
            raise FetchError("too many redirects") from None
        except httpx.HTTPError as e:
            raise FetchError(_describe(e)) from None
        except OSError as e:
            raise FetchError(_describe(e)) from None

    async def _get(self, url: str, headers: dict[str, str], max_bytes: int) -> models.Fetched:
        current, origin_host = url, urlsplit(url).hostname
        for _ in range(MAX_REDIRECTS + 1):
            # a source's own headers (cookies, tokens) go to its own host only
            sent = headers if urlsplit(current).hostname == origin_host else {
                k: v for k, v in headers.items() if k.lower() in ("if-none-match", "if-modified-since", "accept")}
            async with self._client_for(current).stream("GET", current, headers=sent) as response:
                if response.is_redirect and "Location" in response.headers:
                    target = urljoin(str(response.url), response.headers["Location"])
                    try:  # read a small body to its end, so the connection is reused
                        await _read_capped(response, 65536)
                    except FetchError:
                        pass  # a big one: the connection closes instead
                else:
                    return await self._answer(response, max_bytes)
            why = await redirects.refused(current, target, self._policy)
            if why:
                raise FetchError(f"redirect to {target} refused: {why}")
            current = target
        raise FetchError("too many redirects")

    async def _answer(self, response: httpx.Response, max_bytes: int) -> models.Fetched:
        status = response.status_code
        final_url = str(response.url)
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if status == 304:
            await response.aread()  # the (empty) body to its end, or the connection is closed, not reused
            return models.Fetched(url=final_url, body=b"", content_type=response.headers.get(
                "Content-Type", ""), etag=etag, last_modified=last_modified, not_modified=True)
        if status >= 400 or status < 200:
            wait = retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
            reason = response.reason_phrase or ""
            raise FetchError(f"HTTP {status} {reason}".strip(), status=status, retry_after=wait)
        body = await _read_capped(response, max_bytes)
        return models.Fetched(url=final_url, body=body, content_type=response.headers.get("Content-Type", ""),
                              etag=etag, last_modified=last_modified,
                              content_location=response.headers.get("Content-Location"))

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    too_big = FetchError(f"response larger than {max_bytes} bytes")
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:  # compressed size: the body is at least as big
        raise too_big
    # Several encodings ("gzip, deflate") are rare enough to refuse rather than chain.
    decoder = _Decoder(encoding)
    out = bytearray()
    async for raw in response.aiter_raw(_CHUNK):
        piece = decoder.feed(raw, max_bytes - len(out))
        out += piece
        if len(out) > max_bytes:
            raise too_big
        while decoder.pending():
            out += decoder.more(max_bytes - len(out))
            if len(out) > max_bytes:
                raise too_big
    out += decoder.flush(max_bytes - len(out))
    if len(out) > max_bytes:
        raise too_big
    return bytes(out)
