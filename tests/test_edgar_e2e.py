"""SEC EDGAR end to end through the real CLI: `watcher --config CFG once` (run in this process,
as tests/cli_env.py does) with a config holding only EDGAR sources, a local EDGAR on 127.0.0.1 and
apprise json:// into a local receiver.

The local EDGAR serves payloads derived here from the real ones in ../shared/corpus/edgar (read
in place, never copied into the repo): the Nvidia submissions JSON with its identity and filings
replaced for watched companies, and the real EDGAR full-text search answer with its hits replaced.
Without ../shared these tests skip."""
from __future__ import annotations

import copy
import functools
import json
import re
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from cli_env import run_cli
from conftest import corpus_dir
from servers import LoopbackServer, PostSink

CORPUS = corpus_dir()
EDGAR = CORPUS / "edgar" if CORPUS else None
SUBMISSIONS_T = EDGAR / "submissions" / "CIK0001045810_nvidia_2026-03.json" if EDGAR else None
EFTS_T = EDGAR / "efts" / "edgarkit_efts_q_maqc_2020-2025.json" if EDGAR else None

UA = "Watcher E2E Tests edgar-tests@example.com"
GROQ, CEREBRAS, SAMBANOVA, NVIDIA = "0001987654", "0002021728", "0001876543", "0001045810"
EASTERN = ZoneInfo("America/New_York")
# Filed yesterday (Eastern) mid-morning: inside max_age (3 days) and the search window.
FILED = datetime.now(EASTERN).date() - timedelta(days=1)
YY = f"{FILED.year % 100:02d}"


def acc(prefix: str, n: int, year: str = YY) -> str:
    return f"{prefix}-{year}-{n:06d}"


# Filings by watched companies: (accession, form, filingDate, items, must alert)
GROQ_D = acc("0001987654", 11)
CBRS_RW = acc("0002021728", 21)
CBRS_S1A = acc("0001193125", 22)  # filed by an agent: the accession prefix is not the filer
CBRS_8K_502 = acc("0002021728", 23)
SNOVA_DA = acc("0001876543", 31)
FILINGS = {
    GROQ: ("Groq, Inc.", [
        (GROQ_D, "D", FILED, "06b", True),
        (acc("0001987654", 1, "23"), "D", "2023-04-11", "06b", False),  # old: past max_age
    ]),
    CEREBRAS: ("Cerebras Systems Inc.", [
        (CBRS_RW, "RW", FILED, "", True),
        (CBRS_S1A, "S-1/A", FILED, "", True),
        (CBRS_8K_502, "8-K", FILED, "5.02", False),  # an officer change: no event by itself
        (acc("0002021728", 24), "4", FILED, "", False),  # not a form the source wants
        (acc("0002021728", 2, "23"), "S-1", "2023-06-01", "", False),  # old
    ]),
    SAMBANOVA: ("SambaNova Systems, Inc.", [
        (SNOVA_DA, "D/A", FILED, "06b", True),
        (acc("0001876543", 3, "23"), "D", "2023-02-02", "06b", False),  # old
    ]),
}
NV_8K = acc("0001104659", 777)  # Nvidia's 8-K naming Groq, filed by an agent
OLD_425 = acc("0001104659", 5, "23")  # a 2023 hit naming Groq: outside the search window
WANTED = {GROQ_D, CBRS_RW, CBRS_S1A, SNOVA_DA, NV_8K}
UNWANTED = {a for _, rows in FILINGS.values() for a, *_, alert in rows if not alert} | {OLD_425}

COMPANIES = f"""
[[company]]
name = "Groq"
aliases = ["GroqCloud"]
cik = "{GROQ}"

[[company]]
name = "Cerebras"
aliases = ["Cerebras Systems"]
cik = "{CEREBRAS}"

[[company]]
name = "SambaNova"
aliases = ["SambaNova Systems"]
cik = "{SAMBANOVA}"

[[company]]
name = "Etched"
case_sensitive = ["Etched"]
"""

RULES = """
[[rule]]
name = "capital"
events = ["funding"]
forms = ["D", "D/A", "S-1", "S-1/A", "RW"]

[[rule]]
name = "deals"
events = ["acquisition", "licence"]
forms = ["425", "8-K:1.01", "8-K:2.01"]
"""

BLOCK_PAGE = (b"<!DOCTYPE html><html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head>"
              b"<body><h1>Request Rate Threshold Exceeded</h1><p>Your request rate exceeded the SEC's "
              b"fair access limit.</p></body></html>")


def need_corpus() -> None:
    if SUBMISSIONS_T is None or not (SUBMISSIONS_T.is_file() and EFTS_T.is_file()):
        pytest.skip("EDGAR corpus not found: ../shared/corpus/edgar lives beside the checkout, not in it")


# ---------------------------------------------------------------- derived payloads


@functools.cache
def _payload(path: Path) -> dict:
    return json.loads(path.read_text())


def submissions(cik: str, name: str, rows: list[tuple]) -> dict:
    """The real Nvidia submissions JSON with its identity and recent filings replaced."""
    d = copy.deepcopy(_payload(SUBMISSIONS_T))
    d.update(cik=cik.lstrip("0"), name=name, tickers=[], exchanges=[], entityType="operating")
    cols = list(d["filings"]["recent"])
    recent: dict[str, list] = {c: [] for c in cols}
    for accession, form, filed, items, _ in sorted(rows, key=lambda r: str(r[2]), reverse=True):
        full = {"accessionNumber": accession, "filingDate": str(filed), "reportDate": "", "act": "33",
                "acceptanceDateTime": f"{filed}T10:15:00.000Z", "form": form, "fileNumber": "",
                "filmNumber": "", "items": items, "core_type": form, "size": 12345, "isXBRL": 0,
                "isInlineXBRL": 0, "primaryDocument": "primary_doc.xml", "primaryDocDescription": form}
        for c in cols:
            recent[c].append(full.get(c, ""))
    d["filings"] = {"recent": recent, "files": []}
    return d


def search_answer(query: str) -> dict:
    """The real full-text search answer with its hits replaced. A query for Groq finds Nvidia's
    8-K (items 1.01 and 9.01) as two documents of one filing, and a 2023 425; others find none."""
    d = copy.deepcopy(_payload(EFTS_T))
    template = d["hits"]["hits"][0]
    hits = []
    if "groq" in query.lower():
        docs = [(NV_8K, "nvda-8k.htm", "8-K", "FORM 8-K", str(FILED), ["1.01", "9.01"]),
                (NV_8K, "ex99-1.htm", "EX-99.1", "PRESS RELEASE", str(FILED), ["1.01", "9.01"]),
                (OLD_425, "d425.htm", "425", "FORM 425", "2023-05-02", [])]
        for seq, (adsh, fname, ftype, desc, filed, items) in enumerate(docs, 1):
            h = copy.deepcopy(template)
            h["_id"] = f"{adsh}:{fname}"
            form = "425" if adsh == OLD_425 else "8-K"
            h["_source"].update(ciks=[NVIDIA], display_names=["NVIDIA CORP  (NVDA)  (CIK 0001045810)"],
                                form=form, root_forms=[form], adsh=adsh, file_date=filed, file_type=ftype,
                                sequence=seq, items=items, file_description=desc)
            hits.append(h)
    d["hits"] = {"total": {"value": len(hits), "relation": "eq"}, "max_score": 1.0 if hits else None,
                 "hits": hits}
    return d


# ---------------------------------------------------------------- the local EDGAR and the runner


class LocalEdgar:
    """EDGAR routes on the loopback server. Each request is logged server-side with the moment
    it arrived (time.monotonic), its path, query and User-Agent."""

    def __init__(self, server: LoopbackServer):
        self.server = server
        self.base = server.url("")
        self.log: list[tuple[float, str, dict, str]] = []
        self._lock = threading.Lock()
        self.blocked: set[str] = set()  # paths that answer the 200 block page

    def answer(self, path: str, query: dict) -> tuple[int, dict[str, str], bytes]:
        if path in self.blocked:
            return 200, {"Content-Type": "text/html"}, BLOCK_PAGE
        if path.startswith("/submissions/CIK") and path.endswith(".json"):
            cik = path.removeprefix("/submissions/CIK").removesuffix(".json")
            if cik in FILINGS:
                name, rows = FILINGS[cik]
                return 200, {"Content-Type": "application/json"}, json.dumps(submissions(cik, name, rows)).encode()
            if re.fullmatch(r"\d{10}", cik):  # a watched company with no filings of interest
                return 200, {"Content-Type": "application/json"}, json.dumps(submissions(cik, "X", [])).encode()
        if path == "/LATEST/search-index":
            return 200, {"Content-Type": "application/json"}, json.dumps(
                search_answer(" ".join(query.get("q", [""])))).encode()
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def handler(self, h) -> None:
        t = time.monotonic()
        u = urlsplit(h.path)
        query = parse_qs(u.query)
        with self._lock:
            self.log.append((t, u.path, query, h.headers.get("User-Agent", "")))
        status, headers, body = self.answer(u.path, query)
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def serve(self, ciks: list[str]) -> None:
        for cik in ciks:
            self.server.routes[f"/submissions/CIK{cik}.json"] = self.handler
        self.server.routes["/LATEST/search-index"] = self.handler


class Env:
    def __init__(self, tmp: Path, edgar: LocalEdgar, sink: PostSink):
        self.tmp, self.edgar, self.sink = tmp, edgar, sink
        self.cfg = tmp / "config.toml"

    def write(self, *, user_agent: str = UA, companies: str = COMPANIES) -> Path:
        base = self.edgar.base
        self.cfg.write_text(f"""
[watcher]
database = "sqlite:///watcher.db"
user_agent = "{user_agent}"
every = "1h"
timeout = "10s"
jitter = "0s"
edgar_rate = 10   # the SEC's maximum

[[source]]
name = "sec-filings"
kind = "edgar-filings"
url = "{base}/submissions/CIK{{cik}}.json"
archive_url = "{base}/Archives/edgar/data"
forms = ["D", "D/A", "S-1", "S-1/A", "RW", "8-K", "425"]
window = "3650d"   # old filings reach the store; max_age keeps them from alerting

[[source]]
name = "sec-search"
kind = "edgar-search"
url = "{base}/LATEST/search-index"
archive_url = "{base}/Archives/edgar/data"
forms = ["8-K", "10-K", "S-1", "425"]
{companies}
{RULES}
[[notifier]]
name = "hook"
url = "{self.sink.url("hook")}"
""", encoding="utf-8")
        return self.cfg

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return run_cli(self.cfg, self.tmp, *args)

    def texts(self) -> list[str]:
        return [p.get("title", "") + "\n" + p.get("message", "") for p in self.sink.posts]


@pytest.fixture
def env(tmp_path, http_server):
    need_corpus()
    sink = PostSink()
    edgar = LocalEdgar(http_server)
    edgar.serve([GROQ, CEREBRAS, SAMBANOVA])
    try:
        yield Env(tmp_path, edgar, sink)
    finally:
        sink.close()


def accessions_in(text: str) -> set[str]:
    """Every known accession number named in a text, with or without its dashes."""
    return {a for a in WANTED | UNWANTED if a in text or a.replace("-", "") in text}


def link_of(cik: str, accession: str, base: str) -> str:
    return f"{base}/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{accession}-index.htm"


# ---------------------------------------------------------------- tests


def test_one_alert_per_relevant_filing_then_nothing(env):
    env.write()
    r = env.run("once")
    assert r.returncode == 0, r.stderr
    assert "polled 2 sources (0 failed)" in r.stderr, r.stderr

    named = [accessions_in(t) for t in env.texts()]
    assert all(len(n) == 1 for n in named), env.texts()  # each alert names exactly one filing
    got = sorted(a for n in named for a in n)
    assert got == sorted(WANTED), env.texts()  # one alert each; the 8-K 5.02 and old ones none

    by_acc = {next(iter(n)): t for n, t in zip(named, env.texts(), strict=True)}
    base = env.edgar.base
    rw = by_acc[CBRS_RW]
    assert "Cerebras Systems Inc. filed RW (registration withdrawn)" in rw
    assert link_of(CEREBRAS, CBRS_RW, base) in rw
    assert "rule capital, company Cerebras" in rw
    # EDGAR's "10:15:00.000Z" is Eastern wall time: the alert shows true UTC
    accepted = datetime.combine(FILED, dt_time(10, 15), EASTERN).astimezone(UTC)
    assert f"Published: {accepted:%Y-%m-%d %H:%M} UTC" in rw, rw
    s1a = by_acc[CBRS_S1A]
    assert "Cerebras Systems Inc. filed S-1/A (IPO step: amended registration statement)" in s1a
    assert link_of(CEREBRAS, CBRS_S1A, base) in s1a  # the filer's CIK, not the agent's prefix
    d = by_acc[GROQ_D]
    assert "Groq, Inc. filed D (private raise: Form D notice of exempt offering)" in d
    assert link_of(GROQ, GROQ_D, base) in d and "rule capital, company Groq" in d
    assert "SambaNova Systems, Inc. filed D/A (private raise: amended Form D" in by_acc[SNOVA_DA]
    nv = by_acc[NV_8K]
    assert ("NVIDIA CORP filed 8-K (item 1.01: entry into a material definitive agreement) naming Groq"
            in nv)
    assert link_of(NVIDIA, NV_8K, base) in nv and "rule deals, company Groq" in nv

    # every request to EDGAR carried the configured User-Agent
    assert env.edgar.log and {ua for *_, ua in env.edgar.log} == {UA}
    with env.edgar.server.lock:
        assert {s.headers.get("user-agent") for s in env.edgar.server.requests} == {UA}
    searched = [q["q"][0] for _, p, q, _ in env.edgar.log if p == "/LATEST/search-index"]
    assert any("Groq" in q for q in searched) and any("Cerebras" in q for q in searched)
    # and, in real time, both sources took turns from one limiter at edgar_rate = 10: seven
    # requests spread over at least 0.6 s (less jitter), not a burst nor two interleaved trains
    # of three and four (the limiter's one-second windows: a fake-clock test in test_edgar.py)
    times = sorted(t for t, *_ in env.edgar.log)
    assert len(times) == 7 and times[-1] - times[0] >= 0.45, [round(t - times[0], 3) for t in times]

    n, asked = len(env.sink.posts), len(env.edgar.log)
    r2 = env.run("once")
    assert r2.returncode == 0, r2.stderr
    assert len(env.edgar.log) > asked  # it did ask EDGAR again
    assert len(env.sink.posts) == n, env.texts()[n:]  # and sent nothing new
    st = env.run("status")
    assert "outbox: 0 pending" in st.stdout, st.stdout


def _status_line(stdout: str, source: str) -> str:
    return next(ln for ln in stdout.splitlines() if ln.split() and ln.split()[0] == source)


def test_block_page_with_status_200_fails_the_source_and_backs_off(env):
    env.edgar.blocked.add(f"/submissions/CIK{CEREBRAS}.json")
    env.write()
    r = env.run("once")
    assert r.returncode == 0, r.stderr
    assert re.search(r"source sec-filings failed: .*Request Rate Threshold Exceeded", r.stderr, re.I), r.stderr
    assert not any(CBRS_RW in t for t in env.texts())
    # the pause is shared by every EDGAR request: nothing more left after the block page, save
    # what was already on the wire: with two requests at once to a host, at most the one other
    paths = [p for _, p, _, _ in env.edgar.log]
    later = paths[paths.index(next(iter(env.edgar.blocked))) + 1:]
    assert len(later) <= 1 and len(paths) < 7, paths  # 7: every company asked by both sources

    st = env.run("status")
    assert st.returncode == 1 and "sec-filings" in st.stderr, st.stderr  # failing sources: exit 1
    line = _status_line(st.stdout, "sec-filings")
    assert "on schedule" not in line, line
    m = re.search(r"\s(\d+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d)\s", line)
    assert m, line
    assert int(m.group(1)) >= 1  # consecutive failures
    next_poll = datetime.strptime(m.group(2), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert next_poll > datetime.now(UTC), line  # at least the ten-minute EDGAR pause ahead
    assert re.search(r"threshold exceeded", line, re.I), line
