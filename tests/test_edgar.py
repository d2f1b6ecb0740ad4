"""SEC EDGAR sources against a real local HTTP server that serves the real payloads in
../shared/corpus/edgar and payloads derived from them for watched companies."""
from __future__ import annotations

import asyncio
import copy
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from servers import LoopbackServer

from watcher import config, errors
from watcher.fetch import Fetcher
from watcher.sources import edgar

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "edgar"
NVIDIA_JSON = CORPUS / "submissions" / "CIK0001045810_nvidia_2026-03.json"
MAQC_JSON = CORPUS / "efts" / "edgarkit_efts_q_maqc_2020-2025.json"
UA = "Watcher Tests tests@example.com"

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # the Nvidia capture is from 2026-03-05
GROQ_CIK, CEREBRAS_CIK, NVIDIA_CIK, GHOST_CIK = "0001987654", "0002021728", "0001045810", "0001000001"


def need_corpus() -> None:
    if not (NVIDIA_JSON.is_file() and MAQC_JSON.is_file()):
        pytest.skip(f"EDGAR corpus not found at {CORPUS} (it lives beside the repo in ../shared)")


# ---------------------------------------------------------------- a local EDGAR


class Edgar:
    """EDGAR routes on the shared loopback server (tests/servers.py) that also log when each
    request came and with which query: (monotonic time, path, query, User-Agent). A route is
    (status, headers, body) or fn(path, query) -> that triple; unknown paths get 404."""

    def __init__(self, server: LoopbackServer):
        self.server = server
        self.base = server.url("")
        self.log: list[tuple[float, str, dict, str]] = []

    def route(self, path: str, answer) -> None:
        def handler(h) -> None:
            u = urlsplit(h.path)
            query = parse_qs(u.query)
            self.log.append((time.monotonic(), u.path, query, h.headers.get("User-Agent", "")))
            status, headers, body = answer(u.path, query) if callable(answer) else answer
            h._send(status, headers, body)

        self.server.routes[path] = handler

    def json(self, path: str, data) -> None:
        self.route(path, (200, {"Content-Type": "application/json"}, json.dumps(data).encode()))

    def file(self, path: str, file: Path, content_type: str = "application/json") -> None:
        self.route(path, (200, {"Content-Type": content_type}, file.read_bytes()))

    def paths(self) -> list[str]:
        """Every path asked for, in order, including unknown ones."""
        with self.server.lock:
            return [r.path for r in self.server.requests]

    def user_agents(self) -> set[str]:
        with self.server.lock:
            return {r.headers.get("user-agent", "") for r in self.server.requests}


@pytest.fixture
def server(http_server):
    return Edgar(http_server)


class FakeClockLimiter(edgar.RateLimiter):
    """The real reservation rules on a clock that moves only when a request waits for its turn:
    `granted` is every start time handed out, on that clock."""

    def __init__(self, rate: float):
        self.now = 0.0
        self.granted: list[float] = []
        super().__init__(rate, clock=lambda: self.now)

    async def acquire(self) -> None:
        t = self.reserve()
        self.now = max(self.now, t)  # instead of sleeping until t
        self.granted.append(t)


def run(job, rate: float = 10.0):
    """Run job(gateway) on a fresh event loop with the project's real Fetcher. The gateway's
    limiter keeps its rules but runs on a fake clock, so no test here waits for its turn in real
    time (the real pacing is tested end to end in test_edgar_e2e.py)."""

    async def main():
        fetcher = Fetcher(config.Settings(user_agent=UA, edgar_rate=rate))
        gateway = edgar.EdgarGateway(fetcher, rate)
        gateway.limiter = FakeClockLimiter(rate)
        try:
            return await job(gateway)
        finally:
            await fetcher.aclose()

    return asyncio.run(main())


def make_cfg(sources: list[dict], companies: list[dict], rate: float = 10.0) -> config.Config:
    return config.Config.model_validate({
        "watcher": {"user_agent": UA, "edgar_rate": rate, "timeout": 5},
        "source": sources, "company": companies})


# ---------------------------------------------------------------- derived payloads


def submissions(cik: str, name: str, rows: list[dict]) -> dict:
    """The real Nvidia submissions JSON with its identity and filings replaced."""
    d = copy.deepcopy(json.loads(NVIDIA_JSON.read_text()))
    d.update(cik=cik, name=name, tickers=[], exchanges=[])
    cols = list(d["filings"]["recent"])
    recent: dict[str, list] = {c: [] for c in cols}
    for row in rows:
        full = {"reportDate": "", "act": "33", "fileNumber": "", "filmNumber": "", "items": "",
                "size": 1234, "isXBRL": 0, "isInlineXBRL": 0, "primaryDocument": "primary_doc.xml",
                "primaryDocDescription": row["form"], "core_type": row["form"], **row}
        for c in cols:
            recent[c].append(full.get(c, ""))
    d["filings"] = {"recent": recent, "files": []}
    return d


def row(accession: str, form: str, date: str, time_: str = "16:05:11", items: str = "") -> dict:
    return {"accessionNumber": accession, "form": form, "filingDate": date, "items": items,
            "acceptanceDateTime": f"{date}T{time_}.000Z"}


NV_8K = "0001104659-26-000777"  # filed by an agent: the accession prefix is not the filer


def efts_hits(extra: list[dict] | None = None) -> dict:
    """The real maqc search answer with its hits replaced: one NVIDIA 8-K (item 1.01) naming
    Groq sent as two documents of one accession, plus hits that must be dropped."""
    d = copy.deepcopy(json.loads(MAQC_JSON.read_text()))
    template = d["hits"]["hits"][0]
    hits = []
    for seq, (fname, ftype, desc) in enumerate([("nvda-8k.htm", "8-K", "FORM 8-K"),
                                                ("ex99-1.htm", "EX-99.1", "PRESS RELEASE")], 1):
        h = copy.deepcopy(template)
        h["_id"] = f"{NV_8K}:{fname}"
        h["_source"].update(ciks=[NVIDIA_CIK], display_names=["NVIDIA CORP  (NVDA)  (CIK 0001045810)"],
                            form="8-K", root_forms=["8-K"], adsh=NV_8K, file_date="2026-03-04",
                            file_type=ftype, sequence=seq, items=["1.01", "9.01"], file_description=desc)
        hits.append(h)
    hits.extend(extra or [])
    d["hits"] = {"total": {"value": len(hits), "relation": "eq"}, "max_score": 1.0, "hits": hits}
    return d


# ---------------------------------------------------------------- pure parts


@pytest.mark.parametrize("form, items, words", [
    ("D", (), "private raise: Form D notice of exempt offering"),
    ("D/A", ("06b",), "private raise: amended Form D notice of exempt offering"),
    ("S-1", (), "IPO step: registration statement"),
    ("S-1/A", (), "IPO step: amended registration statement"),
    ("F-1", (), "IPO step: foreign issuer registration statement"),
    ("DRS", (), "IPO step: draft registration statement submitted confidentially"),
    ("424B4", (), "IPO step: final prospectus with the offering price"),
    ("RW", (), "registration withdrawn"),
    ("425", (), "deal: business-combination communication"),
    ("DEFM14A", (), "deal: definitive merger proxy statement"),
    ("PREM14A", (), "deal: preliminary merger proxy statement"),
    ("SC TO-T", (), "deal: third-party tender offer"),
    ("SC 13D", (), "deal: stake over 5% with intent to influence (Schedule 13D)"),
    ("SCHEDULE 13D", (), "deal: stake over 5% with intent to influence (Schedule 13D)"),
    ("SCHEDULE 13D/A", (), "deal: amended stake over 5% with intent to influence (Schedule 13D/A)"),
    ("8-K", ("1.01",), "item 1.01: entry into a material definitive agreement"),
    ("8-K", ("1.01", "9.01"), "item 1.01: entry into a material definitive agreement"),
    ("8-K", ("2.01", "9.01"), "item 2.01: completed acquisition or disposition of assets"),
    ("8-K", ("5.02",), "item 5.02: departure or appointment of directors or officers"),
    ("8-K", ("9.01",), "item 9.01: financial statements and exhibits"),
    ("8-K", ("12.34",), "item 12.34"),
    ("8-K", (), "current report"),
    ("FOO-9", (), ""),
])
def test_describe_form(form, items, words):
    assert edgar.describe_form(form, items) == words


@pytest.mark.parametrize("form, items, kind", [
    ("D", (), "raise"), ("D/A", (), "raise"), ("S-1/A", (), "ipo"), ("DRS/A", (), "ipo"),
    ("RW", (), "withdrawal"), ("425", (), "deal"), ("SC 13D/A", (), "deal"),
    ("SCHEDULE 13D", (), "deal"), ("8-K", ("1.01", "9.01"), "agreement"),
    ("8-K", ("2.01",), "acquisition"), ("8-K", ("5.02",), None), ("10-Q", (), None),
    ("SC 13G", (), None), ("4", (), None),
])
def test_event_kind(form, items, kind):
    assert edgar.event_kind(form, items) == kind


@pytest.mark.parametrize("text, want", [
    ("2025-12-12T18:02:00Z", datetime(2025, 12, 12, 23, 2, tzinfo=UTC)),  # EST: +5 h
    ("2025-12-12T18:02:00.000Z", datetime(2025, 12, 12, 23, 2, tzinfo=UTC)),
    ("2025-07-01T09:30:00.000Z", datetime(2025, 7, 1, 13, 30, tzinfo=UTC)),  # EDT: +4 h
    ("2025-12-12", datetime(2025, 12, 12, 5, 0, tzinfo=UTC)),  # a date: 00:00 Eastern
    ("2025-12-12T18:02:00-05:00", datetime(2025, 12, 12, 23, 2, tzinfo=UTC)),  # a real offset
    ("20251212180200", datetime(2025, 12, 12, 23, 2, tzinfo=UTC)),
    ("", None), ("yesterday", None), (None, None),
])
def test_eastern_to_utc(text, want):
    got = edgar.eastern_to_utc(text)
    assert got == want
    if got is not None:
        assert got.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("value, want", [
    ("2.02,9.01", ("2.02", "9.01")), (["1.01", "9.01"], ("1.01", "9.01")),
    ("items 1.01, 2.03, 8.01and9.01", ("1.01", "2.03", "8.01", "9.01")),
    ("06b,3C,3C.7", ("06b", "3C", "3C.7")), ("", ()), (None, ()),
])
def test_split_items(value, want):
    assert edgar.split_items(value) == want


@pytest.mark.parametrize("display, name", [
    ("NVIDIA CORP  (NVDA)  (CIK 0001045810)", "NVIDIA CORP"),
    ("Maquia Capital Acquisition Corp  (MAQC, MAQCU, MAQCW)  (CIK 0001844419)",
     "Maquia Capital Acquisition Corp"),
    ("Polar Asset Management Partners Inc.  (CIK 0001326389)", "Polar Asset Management Partners Inc."),
    ("Cerebras Systems Inc. (CBRS) (CIK 0002021728)", "Cerebras Systems Inc."),
])
def test_filer_name(display, name):
    assert edgar.filer_name(display) == name


def test_rate_limiter_windows_with_a_fake_clock():
    for rate in (10, 5, 2.5, 1, 0.5):
        lim = edgar.RateLimiter(rate, clock=lambda: 0.0)
        starts = [lim.reserve() for _ in range(40)]
        worst = max(sum(1 for u in starts if t <= u < t + 1) for t in starts)
        assert worst <= max(1, int(rate)), (rate, worst)
        assert worst <= rate or rate < 1
        assert all(b - a >= 1 / rate - 1e-9 for a, b in zip(starts, starts[1:], strict=False))  # spread out


def test_gateway_takes_its_rate_from_the_settings():
    assert edgar.EdgarGateway(None, config.Settings(edgar_rate=2)).limiter.rate == 2
    cfg = make_cfg([], [], rate=7)
    assert edgar.EdgarGateway.from_config(None, cfg).limiter.rate == 7


def test_corpus_payloads_all_parse():
    need_corpus()
    source = config.Source(name="s", kind="edgar-filings", window="100000d")
    company = config.Company(name="Any", cik="1")
    n = 0
    for f in sorted((CORPUS / "submissions").glob("*.json")):
        if f.name.endswith(".http.json"):
            continue
        items = edgar.parse_submissions(json.loads(f.read_bytes()), source, company, NOW)
        data = json.loads(f.read_bytes())
        assert len(items) == len(data["filings"]["recent"]["accessionNumber"]), f.name
        assert all(it.published and it.published.tzinfo for it in items)
        n += 1
    search = config.Source(name="q", kind="edgar-search", window="100000d")
    for f in sorted((CORPUS / "efts").glob("*.json")):
        data = json.loads(f.read_bytes())
        items = edgar.parse_search(data, search, company, NOW)
        assert len(items) == len({h["_source"]["adsh"] for h in data["hits"]["hits"]}), f.name
        n += 1
    assert n >= 6


# ---------------------------------------------------------------- edgar-filings end to end


def filings_server(server: Edgar) -> None:
    server.file(f"/submissions/CIK{NVIDIA_CIK}.json", NVIDIA_JSON)  # the real payload, in place
    server.json(f"/submissions/CIK{GROQ_CIK}.json", submissions(GROQ_CIK.lstrip("0"), "Groq, Inc.", [
        row("0001987654-26-000002", "D", "2026-03-03", "10:15:00", "06b"),
        row("0001987654-23-000001", "D", "2023-04-11", "09:00:00", "06b"),  # old: outside the window
    ]))
    server.json(f"/submissions/CIK{CEREBRAS_CIK}.json", submissions(
        CEREBRAS_CIK.lstrip("0"), "Cerebras Systems Inc.", [
            row("0002021728-26-000011", "8-K", "2026-03-04", "16:30:00", "5.02"),
            row("0002021728-26-000010", "RW", "2026-03-04", "16:05:11"),
            row("0001193125-26-000009", "S-1/A", "2026-03-02", "08:00:00"),
            row("0002021728-26-000008", "4", "2026-03-04", "17:00:00"),  # not a wanted form
        ]))


COMPANIES = [
    {"name": "Groq", "aliases": ["GroqCloud", "GQ"], "cik": GROQ_CIK},
    {"name": "Cerebras", "aliases": ["Cerebras Systems"], "cik": CEREBRAS_CIK},
    {"name": "NVIDIA", "cik": NVIDIA_CIK},
    {"name": "Ghost Chips", "cik": GHOST_CIK},  # EDGAR does not know it: 404
    {"name": "SambaNova"},  # no CIK: not polled by edgar-filings
]
FORMS = ["D", "D/A", "S-1", "S-1/A", "RW", "8-K", "425"]


def test_filings_by_watched_companies(server):
    need_corpus()
    filings_server(server)
    cfg = make_cfg([{"name": "sec", "kind": "edgar-filings", "forms": FORMS,
                     "url": server.base + "/submissions/CIK{cik}.json",
                     "archive_url": server.base + "/Archives/edgar/data/"}], COMPANIES)
    got = run(lambda gw: edgar.collect(cfg.source[0], cfg, gw, NOW))
    assert not got.failures, got.failures
    items = got.items

    assert sorted(server.paths()) == sorted(f"/submissions/CIK{c}.json"
                                            for c in (GROQ_CIK, CEREBRAS_CIK, NVIDIA_CIK, GHOST_CIK))
    assert server.user_agents() == {UA}
    by_acc = {it.accession: it for it in items}
    assert all(it.form in FORMS for it in items)
    assert "0002021728-26-000008" not in by_acc  # form 4
    assert "0001987654-23-000001" not in by_acc  # 2023: outside the window

    rw = by_acc["0002021728-26-000010"]
    assert rw.event == rw.title == "Cerebras Systems Inc. filed RW (registration withdrawn)"
    assert rw.company == "Cerebras"
    assert rw.guid == rw.accession
    assert rw.link == (server.base + "/Archives/edgar/data/2021728/000202172826000010/"
                       "0002021728-26-000010-index.htm")
    assert rw.published == datetime(2026, 3, 4, 21, 5, 11, tzinfo=UTC)  # 16:05:11 EST
    assert "registration withdrawn" in rw.summary and "2026-03-04" in rw.summary

    d = by_acc["0001987654-26-000002"]
    assert d.event == "Groq, Inc. filed D (private raise: Form D notice of exempt offering)"
    assert d.company == "Groq" and d.form == "D" and d.form_items == ("06b",)
    assert "/1987654/000198765426000002/0001987654-26-000002-index.htm" in d.link

    k = by_acc["0002021728-26-000011"]
    assert k.form == "8-K" and k.form_items == ("5.02",)
    assert edgar.event_kind(k.form, k.form_items) is None  # a filing, but no event by itself
    assert by_acc["0001193125-26-000009"].form == "S-1/A"

    # The real Nvidia payload: only its wanted forms from the last week, newest first.
    nv = [it for it in items if it.company == "NVIDIA"]
    raw = json.loads(NVIDIA_JSON.read_text())["filings"]["recent"]
    want = {a for a, f, day in zip(raw["accessionNumber"], raw["form"], raw["filingDate"], strict=True)
            if f in FORMS and day >= "2026-02-26"}
    assert {it.accession for it in nv} == want
    for group in ("Cerebras", "NVIDIA"):
        times = [it.published for it in items if it.company == group]
        assert times == sorted(times, reverse=True)


def test_filings_empty_forms_keeps_all(server):
    need_corpus()
    filings_server(server)
    cfg = make_cfg([{"name": "sec", "kind": "edgar-filings",
                     "url": server.base + "/submissions/CIK{cik}.json"}],
                   [c for c in COMPANIES if c["name"] == "Cerebras"])
    got = run(lambda gw: edgar.collect(cfg.source[0], cfg, gw, NOW))
    assert not got.failures, got.failures
    items = got.items
    assert {it.form for it in items} == {"8-K", "RW", "S-1/A", "4"}


def test_one_failing_company_does_not_hide_the_others(server):
    need_corpus()
    filings_server(server)
    server.route(f"/submissions/CIK{NVIDIA_CIK}.json", (500, {}, b"oops"))
    cfg = make_cfg([{"name": "sec", "kind": "edgar-filings", "forms": FORMS,
                     "url": server.base + "/submissions/CIK{cik}.json"}], COMPANIES)
    got = run(lambda gw: edgar.collect(cfg.source[0], cfg, gw, NOW))  # partial success is data, not an exception
    assert [f.part for f in got.failures] == ["NVIDIA"]  # the 404 (Ghost Chips) is no failure
    e = got.error()
    assert isinstance(e, errors.FetchError) and e.status == 500 and str(e).startswith("NVIDIA: ")
    assert {it.company for it in got.items} == {"Groq", "Cerebras"}
    assert "0002021728-26-000010" in {it.accession for it in got.items}


# ---------------------------------------------------------------- edgar-search end to end


def test_search_collapses_documents_and_takes_the_filer_from_ciks(server):
    need_corpus()
    template = json.loads(MAQC_JSON.read_text())["hits"]["hits"]
    ten_q = copy.deepcopy(template[0])
    ten_q["_source"].update(form="10-Q", root_forms=["10-Q"], adsh="0001045810-26-000001",
                            file_date="2026-03-03", ciks=[NVIDIA_CIK])
    ten_q["_id"] = "0001045810-26-000001:q.htm"
    old = copy.deepcopy(template[0])
    old["_source"].update(form="8-K", adsh="0001045810-25-000001", file_date="2025-01-03",
                          ciks=[NVIDIA_CIK])
    no_adsh = copy.deepcopy(template[0])  # accession only in _id
    del no_adsh["_source"]["adsh"]
    no_adsh["_id"] = "0001193125-26-000321:d425.htm"
    no_adsh["_source"].update(form="425", root_forms=["425"], file_date="2026-03-02", items=[],
                              ciks=["0001844419", "0001326389"])
    payload = efts_hits([ten_q, old, no_adsh])

    def answer(path, query):
        q = query.get("q", [""])[0]
        body = payload if "Groq" in q else efts_hits()
        if "Groq" not in q:
            body["hits"]["hits"] = []
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    server.route("/LATEST/search-index", answer)
    cfg = make_cfg([{"name": "q", "kind": "edgar-search", "forms": ["8-K", "10-K", "S-1", "425"],
                     "url": server.base + "/LATEST/search-index", "window": "7d",
                     "archive_url": server.base + "/Archives/edgar/data"}],
                   [{"name": "Groq", "aliases": ["GroqCloud", "GQ"], "ambiguous": ["Groq Inc"]},
                    {"name": "Cerebras", "aliases": ["Cerebras Systems", "摩尔"]}])
    got = run(lambda gw: edgar.collect(cfg.source[0], cfg, gw, NOW))
    assert not got.failures, got.failures
    items = got.items

    queries = {q["q"][0]: q for _, _, q, _ in server.log}
    assert set(queries) == {'"Groq" OR "GroqCloud"', '"Cerebras" OR "Cerebras Systems"'}
    q = queries['"Groq" OR "GroqCloud"']
    assert q["dateRange"] == ["custom"] and q["forms"] == ["8-K,10-K,S-1,425"]
    assert q["startdt"] == ["2026-02-26"] and q["enddt"] == ["2026-03-05"]

    assert [it.accession for it in items] == [NV_8K, "0001193125-26-000321"]
    nv = items[0]
    assert nv.event == nv.title == ("NVIDIA CORP filed 8-K (item 1.01: entry into a material "
                                    "definitive agreement) naming Groq")
    assert nv.company == "Groq" and nv.form == "8-K" and nv.form_items == ("1.01", "9.01")
    # CIK from ciks (NVIDIA), not from the accession prefix (a filing agent's 0001104659)
    assert nv.link == f"{server.base}/Archives/edgar/data/1045810/{NV_8K.replace('-', '')}/{NV_8K}-index.htm"
    assert nv.published == datetime(2026, 3, 4, 5, 0, tzinfo=UTC)
    assert edgar.event_kind(nv.form, nv.form_items) == "agreement"
    other = items[1]
    assert "/1844419/000119312526000321/0001193125-26-000321-index.htm" in other.link
    assert other.event.startswith("Maquia Capital Acquisition Corp filed 425 (deal:")


def test_search_the_real_maqc_answer(server):
    need_corpus()
    server.file("/LATEST/search-index", MAQC_JSON)
    cfg = make_cfg([{"name": "q", "kind": "edgar-search", "window": "3000d",
                     "url": server.base + "/LATEST/search-index"}],
                   [{"name": "Maquia Capital", "aliases": ["MAQC"], "cik": "1844419"}])
    got = run(lambda gw: edgar.collect(cfg.source[0], cfg, gw, NOW))
    assert not got.failures, got.failures
    items = got.items
    hits = json.loads(MAQC_JSON.read_text())["hits"]["hits"]
    assert len(items) == len({h["_source"]["adsh"] for h in hits}) < len(hits)
    assert len({it.accession for it in items}) == len(items)
    own = [it for it in items if "/1844419/" in it.link]
    assert own and all("naming" not in it.event for it in own)  # its own filings


# ---------------------------------------------------------------- fair access


def test_gateway_takes_a_turn_for_every_request_of_a_burst(server):
    """15 requests at once through one gateway: each one waited for its own turn, so none
    started before the limiter allowed it (the limiter's windows: the fake-clock test above; the
    real pacing end to end: test_edgar_e2e.py)."""
    server.json("/x.json", {"ok": True})

    async def burst(gw):
        await asyncio.gather(*(gw.get_json(server.base + "/x.json", timeout=5, max_bytes=1000) for _ in range(15)))
        return gw.limiter.granted

    t = run(burst, rate=10)
    assert len(server.log) == len(t) == 15
    assert max(sum(1 for u in t if s <= u < s + 1) for s in t) <= 10
    assert t[-1] - t[0] >= 1.0  # 15 requests at 10/s do not fit in one second


def test_gateway_refuses_more_than_ten():
    with pytest.raises(ValueError):
        edgar.EdgarGateway(None, 11)


BLOCK_PAGE = (b"<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>"
              b"<h1>Your Request Originates from an Undeclared Automated Tool</h1></body></html>")


@pytest.mark.parametrize("body", [
    BLOCK_PAGE,
    b"<html><body><h1>Request Rate Threshold Exceeded</h1></body></html>",
    b"<html><body>Undeclared Automated Tool</body></html>",
])
def test_block_page_with_status_200_pauses_all_requests(server, body):
    server.route("/blocked.json", (200, {"Content-Type": "text/html"}, body))
    server.json("/fine.json", {"ok": True})

    async def go(gw):
        with pytest.raises(errors.FetchError) as ei:
            await gw.get_json(server.base + "/blocked.json", timeout=5, max_bytes=10**6)
        assert ei.value.retry_after == edgar.BLOCK_PAUSE
        with pytest.raises(errors.FetchError) as again:  # another source, same gateway
            await gw.get_json(server.base + "/fine.json", timeout=5, max_bytes=10**6)
        assert 0 < again.value.retry_after <= edgar.BLOCK_PAUSE
        assert gw.blocked_for() > edgar.BLOCK_PAUSE - 30

    run(go)
    assert server.paths() == ["/blocked.json"]  # the second request never left


def test_html_where_json_was_expected(server):
    need_corpus()
    server.file("/cik.json", CORPUS / "errors" / "secedgar_cik_not_found.html", "text/html")

    async def go(gw):
        with pytest.raises(errors.FetchError) as ei:
            await gw.get_json(server.base + "/cik.json", timeout=5, max_bytes=10**6)
        assert ei.value.retry_after and gw.blocked_for() > 0

    run(go)


@pytest.mark.parametrize("status, retry_after_header, pause", [
    (403, None, edgar.BLOCK_PAUSE), (429, None, edgar.BLOCK_PAUSE), (503, None, edgar.UNAVAILABLE_PAUSE),
    (429, "120", 120.0), (503, "900", 900.0),
])
def test_block_statuses_pause_all_requests(server, status, retry_after_header, pause):
    server.route("/no.json", (status, {"Retry-After": retry_after_header} if retry_after_header else {},
                              b"<html>no</html>"))
    server.json("/fine.json", {"ok": True})

    async def go(gw):
        with pytest.raises(errors.FetchError) as ei:
            await gw.get_json(server.base + "/no.json", timeout=5, max_bytes=10**6)
        assert ei.value.status == status and ei.value.retry_after == pause
        with pytest.raises(errors.FetchError):
            await gw.get_json(server.base + "/fine.json", timeout=5, max_bytes=10**6)

    run(go)
    assert server.paths() == ["/no.json"]


def test_short_retry_after_pauses_for_that_long(server):
    server.route("/slow.json", (429, {"Retry-After": "1"}, b""))

    async def go(gw):
        with pytest.raises(errors.FetchError) as ei:
            await gw.get_json(server.base + "/slow.json", timeout=5, max_bytes=1000)
        assert ei.value.retry_after == 1
        assert 0 < gw.blocked_for() <= 1  # the pause it said, not the default ten minutes

    run(go)


def test_a_pause_shorter_than_the_deadline_is_waited_out(server):
    """Within the request's deadline the gateway waits out the pause, then asks: the request
    reaches EDGAR only once the pause is over."""
    gateway = []

    def answer(path, query):
        return 200, {"Content-Type": "application/json"}, json.dumps({"paused": gateway[0].blocked_for()}).encode()

    server.route("/fine.json", answer)

    async def go(gw):
        gateway.append(gw)
        gw.block(0.2)  # what a "Retry-After" shorter than the deadline does
        return await gw.get_json(server.base + "/fine.json", timeout=5, max_bytes=1000)

    assert run(go) == {"paused": 0.0}  # seen by the server with no pause left


class FirstThenUntilBlocked:
    """A limiter that lets the first request go at once and holds every later one until the
    gateway is blocked: the order a slow enough rate gives, without waiting a real second."""

    def __init__(self, gw: edgar.EdgarGateway):
        self.gw, self.first = gw, True

    async def acquire(self) -> None:
        if self.first:
            self.first = False
            return
        deadline = time.monotonic() + 5
        while not self.gw.blocked_for():
            assert time.monotonic() < deadline, "the gateway was never blocked"
            await asyncio.sleep(0.005)


def test_block_mid_source_stops_the_rest(server):
    """A block while polling many companies: the rest are not asked, the source fails with
    retry_after."""
    need_corpus()
    filings_server(server)
    server.route(f"/submissions/CIK{GROQ_CIK}.json", (200, {"Content-Type": "text/html"}, BLOCK_PAGE))
    cfg = make_cfg([{"name": "sec", "kind": "edgar-filings", "forms": FORMS,
                     "url": server.base + "/submissions/CIK{cik}.json"}], COMPANIES)

    async def job(gw):
        gw.limiter = FirstThenUntilBlocked(gw)
        return await edgar.collect(cfg.source[0], cfg, gw, NOW)

    got = run(job)
    err = got.error()
    assert err is not None and err.retry_after == edgar.BLOCK_PAUSE
    assert [f.part for f in got.failures] == ["Groq", "Cerebras", "NVIDIA", "Ghost Chips"]
    assert server.paths() == [f"/submissions/CIK{GROQ_CIK}.json"]  # Groq went first; no one after it
