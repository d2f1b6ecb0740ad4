"""What the end-to-end tests share: a config writer around a loopback feed server and a webhook
receiver, feed builders, and the CLI runner."""
from __future__ import annotations

import contextlib
import email.utils
import io
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

from servers import LoopbackServer, PostSink

from watcher import cli

WATCHLIST = """
[[company]]
name = "Groq"
aliases = ["GroqCloud"]

[[company]]
name = "Etched"
case_sensitive = ["Etched"]

[[company]]
name = "Moore Threads"
aliases = ["摩尔线程"]

[[rule]]
name = "deals"
events = ["acquisition", "licence"]
exclude = { acquisition = ["data acquisition"] }

[[rule]]
name = "capital"
events = ["funding"]
"""


def rss(items: list[dict], encoding: str = "utf-8") -> bytes:
    out = [f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>t</title>']
    for it in items:
        when = email.utils.formatdate(it.get("ts", time.time() - 600), usegmt=True)
        guid = it.get("guid", it["link"])  # None: no <guid> at all
        out.append(f"<item><title>{escape(it['title'])}</title><link>{escape(it['link'])}</link>"
                   + (f"<guid>{escape(guid)}</guid>" if guid is not None else "") + f"<pubDate>{when}</pubDate>"
                   f"<description>{escape(it.get('summary', ''))}</description></item>")
    out.append("</channel></rss>")
    return "".join(out).encode("gb18030" if encoding == "gb2312" else encoding)


def atom(items: list[dict]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>a</title>'
           '<id>urn:x</id><updated>2025-01-01T00:00:00Z</updated>']
    for it in items:
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(it.get("ts", time.time() - 600)))
        out.append(f"<entry><title>{escape(it['title'])}</title><link href=\"{escape(it['link'])}\"/>"
                   f"<id>{escape(it.get('guid', it['link']))}</id><updated>{ts}</updated>"
                   f"<summary>{escape(it.get('summary', ''))}</summary></entry>")
    out.append("</feed>")
    return "".join(out).encode()


def run_cli(cfg: Path, cwd: Path, *args: str, env: dict | None = None, input: str = "") -> subprocess.CompletedProcess:
    """`watcher --config CFG ARGS` in this process (a tenth of the time of a new interpreter), in
    `cwd`, with `env` added to the environment and `input` on stdin; stdout, stderr and the log
    are captured as a subprocess's would be."""
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    sys.stdin = io.StringIO(input)
    os.environ.update(env or {})
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(["--config", str(cfg), *args])
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
    finally:
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        logging.getLogger().handlers[:] = []  # the handler writes to the captured stream
    return subprocess.CompletedProcess(["watcher", *args], code, out.getvalue(), err.getvalue())


class Env:
    def __init__(self, tmp: Path, server: LoopbackServer, sink: PostSink):
        self.tmp, self.server, self.sink = tmp, server, sink
        self.cfg = tmp / "config.toml"

    def feed(self, path: str, body: bytes, ctype: str = "application/rss+xml") -> str:
        etag = f'"{abs(hash(body))}"'
        return self.server.route(path, 200, body, Content_Type=ctype, ETag=etag)

    def write(self, sources: list[tuple[str, str]], notifiers: str | None = None, extra: str = "") -> Path:
        src = "".join(f'\n[[source]]\nname = "{n}"\nkind = "feed"\nurl = "{u}"\n' for n, u in sources)
        if notifiers is None:
            notifiers = f'\n[[notifier]]\nname = "hook"\nurl = "{self.sink.url("hook")}"\n'
        self.cfg.write_text(f'[watcher]\ndatabase = "sqlite:///watcher.db"\nevery = "1h"\ntimeout = "5s"\n'
                            f'jitter = "0s"\n{extra}\n{src}\n{WATCHLIST}\n{notifiers}', encoding="utf-8")
        return self.cfg

    def run(self, *args: str, env: dict | None = None, input: str = "", timeout: float = 120
            ) -> subprocess.CompletedProcess:
        """`watcher --config CFG ARGS` in this process, in the config's folder (see run_cli)."""
        return run_cli(self.cfg, self.tmp, *args, env=env, input=input)

    def texts(self) -> list[str]:
        return [p.get("title", "") + "\n" + p.get("message", "") for p in self.sink.posts]
