"""watcher.fetch against a real server on 127.0.0.1."""
from __future__ import annotations

import asyncio
import threading
import time
import tracemalloc

import httpx
import pytest
from servers import drip, free_port, gzip_bomb, gzipped, held, stall

from watcher import config
from watcher.errors import FetchError
from watcher.fetch import Fetcher, retry_after

UA = "watcher-test/1.0 (+mailto:test@example.com)"


def settings(**kw) -> config.Settings:
    return config.Settings(user_agent=UA, **kw)


async def fetch(url: str, *, timeout: float = 5, max_bytes: int = 1 << 20, fetcher: Fetcher | None = None, **kw):
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings())
    try:
        return await fetcher.fetch(url, timeout=timeout, max_bytes=max_bytes, **kw)
    finally:
        if own:
            await fetcher.aclose()


def test_200_sends_user_agent_and_returns_body(http_server):
    url = http_server.route("/feed", body=b"<rss/>", Content_Type="application/rss+xml; charset=utf-8")
    got = asyncio.run(fetch(url, headers={"X-Extra": "1"}, accept="application/rss+xml"))
    assert got.body == b"<rss/>"
    assert got.content_type == "application/rss+xml; charset=utf-8"
    assert got.url == url and not got.not_modified
    seen = http_server.headers_of("/feed")[0]
    assert seen["user-agent"] == UA
    assert seen["x-extra"] == "1"
    assert seen["accept"] == "application/rss+xml"
    assert "gzip" in seen["accept-encoding"]


def test_conditional_get_etag_and_last_modified(http_server):
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"
    url = http_server.route("/feed", body=b"<rss/>", ETag='"v1"', Last_Modified=lm)

    async def flow():
        f = Fetcher(settings())
        try:
            first = await f.fetch(url, timeout=5, max_bytes=1000)
            second = await f.fetch(url, timeout=5, max_bytes=1000, etag=first.etag,
                                   last_modified=first.last_modified)
            return first, second
        finally:
            await f.aclose()

    first, second = asyncio.run(flow())
    assert first.etag == '"v1"' and first.last_modified == lm and first.body == b"<rss/>"
    assert second.not_modified and second.body == b""
    assert second.etag == '"v1"' and second.last_modified == lm
    sent = http_server.headers_of("/feed")
    assert "if-none-match" not in sent[0]
    assert sent[1]["if-none-match"] == '"v1"' and sent[1]["if-modified-since"] == lm


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_carries_status(http_server, status):
    url = http_server.route("/x", status=status, body=b"oops")
    with pytest.raises(FetchError) as e:
        asyncio.run(fetch(url))
    assert e.value.status == status
    assert str(status) in str(e.value)
    assert e.value.retry_after is None


def test_429_retry_after_seconds_and_date(http_server):
    url = http_server.route("/slow-down", status=429, Retry_After="120")
    with pytest.raises(FetchError) as e:
        asyncio.run(fetch(url))
    assert e.value.status == 429 and e.value.retry_after == 120

    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 600))
    url = http_server.route("/busy", status=503, Retry_After=when)
    with pytest.raises(FetchError) as e:
        asyncio.run(fetch(url))
    assert e.value.status == 503 and 590 <= e.value.retry_after <= 601
    assert retry_after("garbage") is None


def test_gzip_body_is_decompressed(http_server):
    http_server.routes["/gz"] = gzipped(b"<rss>" + b"x" * 10000 + b"</rss>")
    got = asyncio.run(fetch(http_server.url("/gz")))
    assert got.body.startswith(b"<rss>") and len(got.body) == 10011


def test_dripping_body_hits_the_whole_request_deadline(http_server):
    # A byte every 0.05 s: httpx's per-read timeout would never fire; our deadline must.
    done = threading.Event()
    http_server.routes["/drip"] = drip(every=0.05, total=20, done=done)
    with pytest.raises(FetchError, match="timed out after 0.5s"):
        asyncio.run(fetch(http_server.url("/drip"), timeout=0.5))
    assert not done.is_set()  # given up mid-body, not after the server's 20 s of dripping


def test_stalled_server_times_out(http_server):
    answered = threading.Event()
    http_server.routes["/stall"] = stall(20, answered)
    with pytest.raises(FetchError, match="timed out after 0.3s"):
        asyncio.run(fetch(http_server.url("/stall"), timeout=0.3))
    assert not answered.is_set()  # given up while the server still said nothing


def test_plain_body_over_cap(http_server):
    url = http_server.route("/big", body=b"a" * 200_000)
    with pytest.raises(FetchError, match="larger than 100000 bytes"):
        asyncio.run(fetch(url, max_bytes=100_000))


def test_chunked_body_over_cap_without_content_length(http_server):
    http_server.routes["/stream"] = drip(chunk=b"b" * 50_000, every=0.001, total=10)
    with pytest.raises(FetchError, match="larger than 100000 bytes"):
        asyncio.run(fetch(http_server.url("/stream"), max_bytes=100_000))


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compression_bomb_is_capped_without_materialising(http_server, encoding):
    http_server.routes["/bomb"] = gzip_bomb(128 << 20, encoding)  # 128 MiB of zeros, ~130 KB sent
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than 1048576 bytes"):
            asyncio.run(fetch(http_server.url("/bomb"), max_bytes=1 << 20))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"peak {peak} bytes"
    assert http_server.counts["/bomb"] == 1


def test_compressed_body_under_cap_is_whole(http_server):
    http_server.routes["/zeros"] = gzip_bomb(3 << 20)
    got = asyncio.run(fetch(http_server.url("/zeros"), max_bytes=4 << 20))
    assert got.body == bytes(3 << 20)


def test_refused_port():
    with pytest.raises(FetchError, match="connection refused"):
        asyncio.run(fetch(f"http://127.0.0.1:{free_port()}/feed"))


def test_unresolvable_host():
    with pytest.raises(FetchError, match="cannot resolve host"):
        asyncio.run(fetch("http://no-such-host.invalid/feed", timeout=10))


class CountingTransport(httpx.AsyncHTTPTransport):
    """The real transport, counting the requests handed to it: one the Fetcher holds back for a
    slot never gets here."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await super().handle_async_request(request)


async def _held_burst(server, fetcher: Fetcher, transport: CountingTransport, urls: list[str],
                      release: threading.Event, limit: int) -> list:
    """Start every fetch at once; once the server holds `limit` of them, check that no more were
    sent, then let them all finish.

    No sleeping to give a wrong extra request its chance: each task runs to its first real wait
    as soon as it starts, so by the time `limit` requests have crossed the network every task
    has either handed its request to the transport or is parked on a slot."""
    tasks = [asyncio.create_task(fetcher.fetch(u, timeout=10, max_bytes=100)) for u in urls]
    try:
        deadline = time.monotonic() + 5
        while server.active < limit:
            assert time.monotonic() < deadline, f"the server never held {limit} requests"
            await asyncio.sleep(0.005)
        assert transport.sent == limit and server.active == limit
    finally:
        release.set()
    return await asyncio.gather(*tasks)


def test_per_host_limit_is_respected(http_server):
    release = threading.Event()
    http_server.routes["/held"] = held(release)

    async def many():
        transport = CountingTransport()
        f = Fetcher(settings(per_host=2, concurrency=8), transport=transport)
        try:
            results = await _held_burst(http_server, f, transport,
                                        [http_server.url(f"/held?{i}") for i in range(6)], release, 2)
            return transport.sent, results
        finally:
            await f.aclose()

    sent, results = asyncio.run(many())
    assert http_server.max_active == 2
    assert all(r.body == b"ok" for r in results)
    assert sent == http_server.counts["/held"] == 6


def test_global_limit_is_respected(http_server):
    release = threading.Event()
    http_server.routes["/held"] = held(release)

    async def many():
        transport = CountingTransport()
        f = Fetcher(settings(per_host=10, concurrency=3), transport=transport)
        try:
            await _held_burst(http_server, f, transport, [http_server.url("/held")] * 6, release, 3)
            return transport.sent
        finally:
            await f.aclose()

    assert asyncio.run(many()) == 6
    assert http_server.max_active == 3


def test_conditional_gets_answered_304_reuse_one_connection(http_server):
    """A 304's empty body is read to its end, so the connection goes back to the pool: polling
    a quiet feed costs a request, not a TCP handshake."""
    url = http_server.route("/quiet", body=b"<rss/>", ETag='"v1"')

    async def go() -> list[bool]:
        fetcher = Fetcher(settings())
        try:
            first = await fetcher.fetch(url, timeout=5, max_bytes=1 << 20)
            return [first.not_modified] + [
                (await fetcher.fetch(url, timeout=5, max_bytes=1 << 20, etag=first.etag)).not_modified
                for _ in range(3)]
        finally:
            await fetcher.aclose()

    assert asyncio.run(go()) == [False, True, True, True]
    assert http_server.connections == 1


def test_redirects_are_followed_hop_by_hop_and_never_to_metadata(http_server):
    final = http_server.route("/final", body=b"<rss/>", Content_Type="application/rss+xml")
    http_server.route("/hop", 302, b"", Location="/final")
    start = http_server.route("/start", 301, b"moved", Location=http_server.url("/hop"))
    got = asyncio.run(fetch(start, headers={"X-Token": "secret-for-this-host"}))
    assert got.body == b"<rss/>" and got.url == final
    assert http_server.headers_of("/final")[0].get("x-token") == "secret-for-this-host"  # same host: kept
    meta = http_server.route("/meta", 302, b"", Location="http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchError, match=r"refused: 169.254.169.254 is in deny_networks \(169.254.0.0/16\)"):
        asyncio.run(fetch(meta))
    odd = http_server.route("/odd", 302, b"", Location="file:///etc/passwd")
    with pytest.raises(FetchError, match="refused: not an http"):
        asyncio.run(fetch(odd))
    loop = http_server.route("/loop", 302, b"", Location="/loop")
    with pytest.raises(FetchError, match="too many redirects"):
        asyncio.run(fetch(loop))
