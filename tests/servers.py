"""A real HTTP server on 127.0.0.1 for tests: routes, request counts and headers, conditional
responses, slow and dripping bodies, a gzip bomb.

Routes map a path (without the query string) to ``(status, headers, body)`` or to a callable
``fn(handler) -> None`` that writes the whole response itself. Static routes that carry an
``ETag`` or ``Last-Modified`` header answer matching conditional requests with 304.
"""
from __future__ import annotations

import gzip
import http.server
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# How often serve_forever looks for shutdown(): what stopping a server costs a test's teardown.
POLL = 0.005

Route = tuple[int, dict[str, str], bytes] | Callable[[http.server.BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)  # when it came


@dataclass
class LoopbackServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    active: int = 0  # requests being handled right now
    max_active: int = 0  # the most ever handled at once
    connections: int = 0  # TCP connections accepted
    lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: http.server.ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, status: int = 200, body: bytes | str = b"", **headers: str) -> str:
        """Add a static route; header names use underscores (Content_Type=...). Returns its URL."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = (status, {k.replace("_", "-"): v for k, v in headers.items()}, body)
        return self.url(path)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [r.headers for r in self.requests if r.path == path]

    def start(self) -> LoopbackServer:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def setup(self) -> None:
                super().setup()
                with server.lock:
                    server.connections += 1

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with server.lock:
                    server.requests.append(Seen(path, {k.lower(): v for k, v in self.headers.items()}))
                    server.counts[path] += 1
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    route = server.routes.get(path)
                    if route is None:
                        self._send(404, {}, b"not found")
                    elif callable(route):
                        route(self)
                    else:
                        self._static(*route)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server.lock:
                        server.active -= 1

            def _static(self, status: int, headers: dict[str, str], body: bytes) -> None:
                etag = headers.get("ETag")
                modified = headers.get("Last-Modified")
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if status == 200 and ((etag and inm == etag) or (modified and not inm and ims == modified)):
                    self._send(304, {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}, b"")
                    return
                self._send(status, headers, body)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers and status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request, client_address) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionError):  # clients hanging up is normal
                    super().handle_error(request, client_address)

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": POLL},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


# --- route helpers ----------------------------------------------------------------------------


def drip(chunk: bytes = b" ", every: float = 0.2, total: float = 30.0,
         content_type: str = "application/rss+xml", done: threading.Event | None = None) -> Callable:
    """A body that trickles ``chunk`` every ``every`` seconds for up to ``total`` seconds:
    never idle long enough to trip a per-read timeout. ``done`` is set once the whole body was
    sent (never, when the client hung up first)."""

    def handler(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        deadline = time.monotonic() + total
        while time.monotonic() < deadline:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.flush()
            time.sleep(every)
        h.wfile.write(b"0\r\n\r\n")
        if done is not None:
            done.set()

    return handler


def stall(seconds: float = 30.0, answered: threading.Event | None = None) -> Callable:
    """Accept the request, then send nothing for ``seconds``; ``answered`` is set once it has
    answered (204)."""

    def handler(h: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        h.send_response(204)
        h.send_header("Content-Length", "0")
        h.end_headers()
        if answered is not None:
            answered.set()

    return handler


def held(release: threading.Event, body: bytes = b"ok", timeout: float = 10.0,
         arrived: list[int] | None = None) -> Callable:
    """Hold each request open until ``release`` is set (or ``timeout``), then answer 200.
    ``arrived`` gets the client port of each request as it comes (whose poll it is)."""

    def handler(h: http.server.BaseHTTPRequestHandler) -> None:
        if arrived is not None:
            arrived.append(h.client_address[1])
        release.wait(timeout)
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handler


def gzip_bomb(size: int = 1 << 30, encoding: str = "gzip") -> tuple[int, dict[str, str], bytes]:
    """A static route whose ``size`` bytes of zeros are sent compressed (about 1 MB per GiB).

    Built in milliseconds rather than by compressing ``size`` bytes: after a full flush deflate
    starts afresh, so every MiB of zeros compresses to the same bytes; one such piece is repeated
    between a header and a trailer (CRC-32 or Adler-32 and length) computed here."""
    block = bytes(1 << 20)
    n, rest = divmod(size, len(block))
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)  # bare deflate: header and trailer are ours
    piece = raw.compress(block) + raw.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = last.compress(bytes(rest)) + last.flush()
    if encoding == "gzip":
        crc = 0
        for _ in range(n):
            crc = zlib.crc32(block, crc)
        crc = zlib.crc32(bytes(rest), crc)
        head, trailer = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff", struct.pack("<II", crc, size & 0xFFFFFFFF)
    else:  # "deflate" as servers send it: zlib-wrapped
        adler = 1
        for _ in range(n):
            adler = zlib.adler32(block, adler)
        adler = zlib.adler32(bytes(rest), adler)
        head, trailer = b"\x78\xda", struct.pack(">I", adler)
    body = b"".join([head, piece * n, tail, trailer])
    return 200, {"Content-Type": "application/rss+xml", "Content-Encoding": encoding}, body


def gzipped(body: bytes, content_type: str = "application/rss+xml") -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": content_type, "Content-Encoding": "gzip"}, gzip.compress(body)


def free_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    """Poll ``condition`` until true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.01)


class PostSink:
    """A webhook receiver for apprise ``json://127.0.0.1:PORT/NAME``: records JSON posts.
    ``status`` is what it answers (set 503 to play a dead notifier)."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status = 200
        self.rejected = 0
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                import json

                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if sink.status != 200:
                    sink.rejected += 1
                    self.send_response(sink.status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                sink.posts.append({"path": self.path, **json.loads(raw)})
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": POLL}, daemon=True).start()

    def url(self, name: str = "hook") -> str:
        return f"json://127.0.0.1:{self._httpd.server_address[1]}/{name}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class SlowReceiver:
    """A JSON webhook (apprise ``json://``) that takes its time: each POST is recorded (on
    arrival, or only once answered), then held until ``hold()`` returns, then answered 200.
    ``arrived`` has the client port of every POST, as it arrives."""

    def __init__(self, hold: Callable[[], object], *, record_on_arrival: bool = True) -> None:
        import json

        self.got: list[dict] = []
        self.arrived: list[int] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                receiver.arrived.append(self.client_address[1])
                if record_on_arrival:
                    receiver.got.append(body)
                hold()
                if not record_on_arrival:
                    receiver.got.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": POLL}, daemon=True).start()

    def url(self, path: str = "/x") -> str:
        return f"json://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
