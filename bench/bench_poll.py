#!/usr/bin/env python3
"""Throughput benchmark: N feeds x M items served on loopback (spread over several 127.0.0.x
hosts), `watcher once` timed on the first poll and on an unchanged re-poll, against a floor
that only fetches (httpx, 20 at a time) and parses (feedparser) the same feeds.

    .venv/bin/python bench/bench_poll.py [--feeds 200] [--items 30] [--profile]

Targets: first poll <= 1.5x the floor, unchanged re-poll <= 0.35x the first poll and <= 5% of
its bytes, peak RSS well under 400 MB. Prints one JSON line."""
from __future__ import annotations

import argparse
import asyncio
import email.utils
import hashlib
import http.server
import json
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = ("chip wafer datacenter inference model GPU memory bandwidth foundry packaging yield export "
         "supply demand revenue quarter analyst cloud training cluster network optics power cooling").split()
COS = ["Groq", "Cerebras", "SambaNova", "Tenstorrent", "Lightmatter", "Etched", "d-Matrix", "Rivos"]


def make_feed(f: int, items: int, rnd: random.Random, now: float) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>']
    for k in range(items):
        hot = rnd.random() < 0.01
        title = (f"{rnd.choice(COS)} agrees to acquisition by larger rival in deal #{f}-{k}" if hot else
                 " ".join(rnd.choice(WORDS) for _ in range(9)).capitalize() + f" {f}-{k}")
        summary = " ".join(rnd.choice(WORDS) for _ in range(120))
        out.append(f"<item><title>{escape(title)}</title><link>https://news{f}.example.com/a/{k}</link>"
                   f"<guid>p{f}-{k}</guid><pubDate>{email.utils.formatdate(now - 60 * k, usegmt=True)}</pubDate>"
                   f"<description>{escape(summary)}</description></item>")
    out.append("</channel></rss>")
    return "".join(out).encode()


class Server:
    def __init__(self, files: dict[str, bytes], hosts: int):
        self.bytes = 0
        srv = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                body = files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                srv.bytes += len(body)

        probe = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = probe.server_address[1]
        self.servers = [probe]
        for h in range(2, hosts + 1):
            self.servers.append(http.server.ThreadingHTTPServer((f"127.0.0.{h}", self.port), H))
        for s in self.servers:
            s.daemon_threads = True
            threading.Thread(target=s.serve_forever, daemon=True).start()

    def close(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()


async def floor(urls: list[str]) -> int:
    import feedparser
    import httpx

    sem = asyncio.Semaphore(20)
    async with httpx.AsyncClient() as c:
        async def one(u):
            async with sem:
                r = await c.get(u)
            return len(feedparser.parse(r.content, response_headers=dict(r.headers)).entries)

        return sum(await asyncio.gather(*map(one, urls)))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--profile", action="store_true", help="run the first poll in-process under cProfile")
    a = ap.parse_args()
    rnd, now = random.Random(7), time.time()
    files = {f"/f{f}.xml": make_feed(f, a.items, rnd, now) for f in range(a.feeds)}
    srv = Server(files, a.hosts)
    work = Path(tempfile.mkdtemp(prefix="watcher-bench-"))
    urls = [f"http://127.0.0.{1 + f % a.hosts}:{srv.port}/f{f}.xml" for f in range(a.feeds)]
    root = Path(__file__).resolve().parents[1]
    cfg = work / "config.toml"
    base = (root / "config.toml").read_text(encoding="utf-8")
    head, _, rest = base.partition("[[source]]")
    body = rest[rest.index("[[company]]"):] if "[[company]]" in rest else ""
    head = head.replace('database = "sqlite:///watcher.db"', f'database = "sqlite:///{work / "w.db"}"')
    cfg.write_text(head + "".join(f'\n[[source]]\nname = "b{f}"\nkind = "feed"\nurl = "{u}"\n'
                                  for f, u in enumerate(urls)) + "\n" + body, encoding="utf-8")
    try:
        t = time.perf_counter()
        entries = asyncio.run(floor(urls))
        fl = time.perf_counter() - t
        cmd = [sys.executable, "-m", "watcher", "--config", str(cfg), "once"]
        if a.profile:
            cmd = [sys.executable, "-m", "cProfile", "-s", "cumtime", "-m", "watcher", "--config", str(cfg), "once"]
        b0 = srv.bytes
        t = time.perf_counter()
        r1 = subprocess.run(cmd, capture_output=True, text=True)
        first = time.perf_counter() - t
        b1 = srv.bytes - b0
        if a.profile:
            print(r1.stdout[:6000])
        t = time.perf_counter()
        r2 = subprocess.run(cmd[:0] + [sys.executable, "-m", "watcher", "--config", str(cfg), "once"],
                            capture_output=True, text=True)
        second = time.perf_counter() - t
        b2 = srv.bytes - b0 - b1
        t = time.perf_counter()
        asyncio.run(floor(urls))
        fl = min(fl, time.perf_counter() - t)
        fig = dict(feeds=a.feeds, items=a.feeds * a.items, floor_entries=entries, floor_s=round(fl, 2),
                   first_s=round(first, 2), unchanged_s=round(second, 2),
                   ratio_first_to_floor=round(first / fl, 2), ratio_unchanged_to_first=round(second / first, 3),
                   bytes_unchanged_to_first=round(b2 / max(1, b1), 3),
                   peak_rss_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
                   exit_codes=[r1.returncode, r2.returncode])
        print(json.dumps(fig))
        if r1.returncode or r2.returncode:
            print(r1.stderr[-2000:], r2.stderr[-2000:])
        return 0 if fig["ratio_first_to_floor"] <= 1.5 and fig["ratio_unchanged_to_first"] <= 0.35 else 1
    finally:
        srv.close()


if __name__ == "__main__":
    sys.exit(main())
