"""The demo itself: serve the sample feed on loopback, poll it once with the config's watchlist and
rules into a scratch database, and print what each channel would receive."""
from __future__ import annotations

import asyncio
import email.utils
import http.server
import json
import re
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TextIO

from ..config import Config, Source
from ..notify import render
from ..pipeline import Context, poll_all
from ..store import Delivery

_WHEN = re.compile(r"\{\{now-(\d+)h\}\}")


def sample_feed(now: datetime) -> bytes:
    """The shipped sample feed, its dates made recent (so that max_age lets them alert)."""
    text = resources.files("watcher.demo").joinpath("wire.xml").read_text(encoding="utf-8")
    return _WHEN.sub(lambda m: email.utils.format_datetime(now - timedelta(hours=int(m.group(1)))), text).encode()


def _serve(body: bytes) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, name="demo-feed", daemon=True).start()
    return server


def run(cfg: Config, out: TextIO) -> int:
    now = datetime.now(UTC)
    server = _serve(sample_feed(now))
    try:
        with tempfile.TemporaryDirectory(prefix="watcher-demo-") as tmp:
            url = f"http://127.0.0.1:{server.server_address[1]}/wire.xml"
            demo = cfg.model_copy(update={
                "source": [Source(name="demo-wire", kind="feed", url=url)],
                "notifier": [],
                "watcher": cfg.watcher.model_copy(update={"database": f"sqlite:///{Path(tmp) / 'demo.db'}",
                                                          "metrics": ""}),
            })
            deliveries, items = asyncio.run(_poll(demo, now))
    finally:
        server.shutdown()
        server.server_close()
    _print(cfg, deliveries, items, out)
    return 0


async def _poll(cfg: Config, now: datetime) -> tuple[list[Delivery], list[tuple[str, str]]]:
    ctx = Context.build(cfg, eager_notifiers=False)
    try:
        await poll_all(ctx)
        due = await asyncio.to_thread(ctx.store.due, now + timedelta(minutes=1), notifiers=["log"])
        stored = await asyncio.to_thread(ctx.store.items_since, now - timedelta(days=1))
        matcher = ctx.matcher
        alerted = {d.alert.link for d in due}
        quiet = []
        for it in stored:
            if it.link in alerted:
                continue
            ex = matcher.explain_item(it)
            why = next((f"{f.alias}: {w[0]} ({w[1]})" for f, w in ex.frames if w), None)
            if why is None:
                why = "a report of an event already alerted" if ex.hits else (
                    "a watched company, but no deal or capital event" if ex.companies else "no watched company")
            quiet.append((it.title, why))
        return due, quiet
    finally:
        await ctx.aclose()
        ctx.store.close()


def _print(cfg: Config, due: list[Delivery], quiet: list[tuple[str, str]], out: TextIO) -> None:
    w = out.write
    w(f"watcher demo: the sample feed polled once with the {len(cfg.company)} companies and {len(cfg.rule)} "
      f"rules of {cfg.path or 'the defaults'}; nothing is sent, nothing is kept.\n\n")
    if not due:
        w("No alert: the watchlist in this config names none of the sample's companies.\n")
    for i, d in enumerate(due):
        a = d.alert
        if i == 0:
            slack, mail, hook = render(a, "slack"), render(a, "email"), render(a, "json")
            w("=== Slack ===\n" + f"*{slack.title}*\n{slack.body}\n\n")
            w("=== E-mail ===\n" + f"Subject: {mail.title}\n(HTML body, {len(mail.body)} characters; "
              "the text channel reads:)\n" + render(a, "text").body + "\n\n")
            w("=== JSON webhook (watcher's fields) ===\n"
              + json.dumps({"title": hook.title, **(hook.fields or {})}, ensure_ascii=False, indent=1) + "\n\n")
            if len(due) > 1:
                w("=== The other alerts (titles) ===\n")
        else:
            w(f"ALERT {render(a, 'text').title}\n")
    if quiet:
        w("\n=== Left alone ===\n")
        for title, why in quiet:
            w(f"- {title}\n    {why}\n")
    w("\nNext: add a [[notifier]] (Slack, e-mail, a webhook) to config.toml, `watcher test-notify`, then "
      "`watcher run`.\n")
