"""Prometheus metrics and a health check for the daemon, with the official prometheus-client,
served on `[watcher] metrics = "127.0.0.1:9464"` (off when empty):

    /metrics   Prometheus text: polls, failures, items, alerts and deliveries by source and
               notifier; outbox depth; fetch latency; last success time per source
    /healthz   200 "ok" while the scheduler runs and the database can be written, else 503 and why

The pipeline records through `Metrics`; a daemon without `metrics` has none and records nothing
(prometheus-client is not even loaded)."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app

FETCH_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.polls = Counter("watcher_polls", "Polls by source and outcome (changed, not_modified, failed)",
                             ["source", "outcome"], registry=r)
        self.items = Counter("watcher_items", "New items stored, by source", ["source"], registry=r)
        self.alerts = Counter("watcher_alerts", "New alerts, by source", ["source"], registry=r)
        self.deliveries = Counter("watcher_deliveries", "Deliveries by notifier and outcome (sent, failed)",
                                  ["notifier", "outcome"], registry=r)
        self.fetch = Histogram("watcher_fetch_seconds", "Time to fetch a source, by kind", ["kind"],
                               buckets=FETCH_BUCKETS, registry=r)
        self.last_success = Gauge("watcher_last_success_timestamp_seconds",
                                  "When each source last answered (Unix time)", ["source"], registry=r)
        self.outbox = Gauge("watcher_outbox_pending", "Alerts waiting in the outbox, by notifier", ["notifier"],
                            registry=r)

    def poll(self, source: str, kind: str, outcome: str, fetch_s: float | None, now: float,
             new_items: int = 0, new_alerts: int = 0) -> None:
        self.polls.labels(source, outcome).inc()
        if fetch_s is not None:
            self.fetch.labels(kind).observe(fetch_s)
        if outcome != "failed":
            self.last_success.labels(source).set(now)
        if new_items:
            self.items.labels(source).inc(new_items)
        if new_alerts:
            self.alerts.labels(source).inc(new_alerts)

    def delivery(self, notifier: str, ok: bool) -> None:
        self.deliveries.labels(notifier, "sent" if ok else "failed").inc()

    def outbox_depth(self, pending: Iterable[tuple[str, int]]) -> None:
        for name, n in pending:
            self.outbox.labels(name).set(n)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # a scrape every 15 s is no news


def serve(address: str, metrics: Metrics, health: Callable[[], tuple[bool, str]]) -> WSGIServer:
    """Serve /metrics and /healthz on "host:port" from a daemon thread; returns the server
    (shutdown() it to stop). Raises OSError when the address cannot be bound."""
    host, _, port = address.rpartition(":")
    prometheus = make_wsgi_app(metrics.registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            ok, why = health()
            start_response("200 OK" if ok else "503 Service Unavailable",
                           [("Content-Type", "text/plain; charset=utf-8")])
            return [(why + "\n").encode()]
        return prometheus(environ, start_response)  # type: ignore[no-any-return]

    server = make_server(host or "127.0.0.1", int(port), app, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
