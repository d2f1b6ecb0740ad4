"""End to end through the real CLI: feeds served on 127.0.0.1, a real SQLite file, apprise
json:// into a local receiver. Nothing sleeps to wait: every wait is a condition with a deadline."""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_env import Env, atom, rss
from servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]

DEAL = {"title": "Nvidia signs licensing agreement with Groq", "link": "https://news.example/groq-nvidia",
        "summary": "The chip startup's founders join Nvidia."}
TRAP = {"title": "Groq opens a data center in Helsinki", "link": "https://news.example/groq-dc"}
OLD = {"title": "Groq to acquire a small compiler firm", "link": "https://news.example/old",
       "ts": time.time() - 30 * 86400}


def test_once_alerts_once_then_rerun_is_silent(env):
    a = env.feed("/wire.xml", rss([DEAL, TRAP, OLD]))
    copy = dict(DEAL, title="UPDATE 1-Nvidia signs licensing agreement with Groq",
                link="https://www.news.example/groq-nvidia/?utm_source=rss", guid="other-guid")
    b = env.feed("/tech.atom", atom([copy]), "application/atom+xml")
    env.write([("wire", a), ("tech", b)])
    r = env.run("once")
    assert r.returncode == 0, r.stderr
    assert len(env.sink.posts) == 1, env.texts()
    post = env.sink.posts[0]
    assert post["title"].startswith("Groq: licence to Nvidia"), post["title"]  # the event, not the words
    assert "news.example/groq-nvidia" in post["message"]  # whichever copy came first, with its link
    assert "Also reported by" in post["message"]  # the other copy is recorded against it
    assert "Groq" in post["message"] and "title" in post["message"]  # which alias, which field
    r2 = env.run("once")
    assert r2.returncode == 0 and len(env.sink.posts) == 1
    assert any("if-none-match" in h for h in env.server.headers_of("/wire.xml")[1:])


def test_syndicated_copies_in_other_feeds_alert_once(env):
    first = {"title": "Etched raises $120 million for transformer chips", "link": "https://a.example/1"}
    second = {"title": "ETCHED RAISES $120 MILLION FOR TRANSFORMER CHIPS", "link": "https://b.example/2"}
    third = {"title": "UPDATE 2-Etched raises $120 million for transformer chips", "link": "https://c.example/3"}
    env.write([("a", env.feed("/a.xml", rss([first]))), ("b", env.feed("/b.xml", rss([second]))),
               ("c", env.feed("/c.xml", rss([third])))])
    assert env.run("once").returncode == 0
    assert len(env.sink.posts) == 1, env.texts()


LIVE = [("Nvidia agrees to acquire Groq", "https://live.example/blog#post-1", "Groq"),
        ("Etched raises $500 million in a funding round", "https://live.example/blog#post-2", "Etched"),
        ("Intel agrees to acquire Moore Threads", "https://live.example/blog?utm_source=x#post-3", "Moore Threads")]


@pytest.mark.parametrize("guids", [True, False], ids=["with guids", "without guids"])
def test_a_live_blog_whose_posts_share_one_address_alerts_each_story(env, guids):
    """Three deals posted to one live blog (links differing only by fragment and tracking) are three
    stories; the same post again, retitled by the wire, is a copy."""
    posts = [{"title": t, "link": u, "summary": "Live coverage of the AI chip market.",
              "guid": f"post-{n}" if guids else None} for n, (t, u, _) in enumerate(LIVE)]
    env.write([("live", env.feed("/live.xml", rss(posts[:2])))])
    assert env.run("once").returncode == 0
    wait_for(lambda: len(env.sink.posts) == 2, what="two alerts")
    again = dict(posts[0], title="UPDATE 1-Nvidia agrees to acquire Groq", guid="post-0b" if guids else None)
    env.feed("/live.xml", rss(posts + [again]))
    r = env.run("once")
    assert r.returncode == 0
    texts = env.texts()
    assert len(texts) == 3, texts
    assert [c for _, _, c in LIVE if any(c in t for t in texts)] == ["Groq", "Etched", "Moore Threads"]
    st = env.run("status", "--json")
    assert st.returncode == 0


def test_gb2312_feed_alerts_in_chinese(env):
    item = {"title": "摩尔线程完成新一轮融资", "link": "https://cn.example/mt", "summary": "国产GPU企业宣布完成融资。"}
    url = env.feed("/cn.xml", rss([item], encoding="gb2312"))
    env.write([("cn", url)])
    r = env.run("once")
    assert r.returncode == 0, r.stderr
    assert len(env.sink.posts) == 1
    assert "摩尔线程完成新一轮融资" in env.sink.posts[0]["message"]
    assert "Moore Threads" in env.sink.posts[0]["title"]


def test_broken_source_is_reported_and_others_still_alert(env):
    env.server.route("/broken.xml", 500, b"oops")
    env.write([("broken", env.server.url("/broken.xml")), ("good", env.feed("/g.xml", rss([DEAL])))])
    r = env.run("once")
    assert r.returncode == 0
    assert "broken" in r.stderr and "500" in r.stderr
    assert len(env.sink.posts) == 1
    st = env.run("status")
    assert st.returncode == 1 and "failing: broken" in st.stderr  # for health checks and cron
    line = next(ln for ln in st.stdout.splitlines() if ln.startswith("broken"))
    assert " 1 " in line and "500" in line and "backoff" in line
    good = next(ln for ln in st.stdout.splitlines() if ln.startswith("good")).split()
    assert good[1] == "ok" and good[5:7] == ["1", "0"], good  # one item served, no failures
    js = env.run("status", "--json")
    assert js.returncode == 1
    doc = json.loads(js.stdout)
    assert doc["healthy"] is False and doc["failing"] == ["broken"]
    by_name = {r["name"]: r for r in doc["sources"]}
    assert by_name["broken"]["failures"] == 1 and "500" in by_name["broken"]["last_error"]
    assert by_name["good"]["state"] == "ok" and by_name["good"]["items"] == 1 and by_name["good"]["last_error"] is None


def test_notifier_outage_keeps_alerts_until_it_is_back(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    env.sink.status = 503
    r = env.run("once")
    assert r.returncode == 0 and env.sink.rejected >= 1 and not env.sink.posts
    status = env.run("status").stdout
    assert "outbox: 1 pending" in status
    assert "hook: pending 1; failing: " in status and "503" in status  # says why and when next
    env.sink.status = 200
    assert env.run("once").returncode == 0
    assert len(env.sink.posts) == 1
    assert env.run("once").returncode == 0
    assert len(env.sink.posts) == 1
    assert "outbox: 0 pending" in env.run("status").stdout


def test_one_failing_notifier_does_not_block_another(env):
    dead = f"json://127.0.0.1:{free_port()}/dead"
    notifiers = (f'\n[[notifier]]\nname = "dead"\nurl = "{dead}"\n'
                 f'\n[[notifier]]\nname = "hook"\nurl = "{env.sink.url("hook")}"\n')
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))], notifiers=notifiers)
    assert env.run("once").returncode == 0
    assert len(env.sink.posts) == 1
    assert "dead: pending 1" in env.run("status").stdout


def test_no_notifier_alerts_go_to_the_log(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))], notifiers="")
    r = env.run("once")
    assert r.returncode == 0
    assert "ALERT Groq: licence to Nvidia" in r.stderr and "https://news.example/groq-nvidia" in r.stderr


def test_secret_never_appears_in_output(env):
    secret = "s3cr3t-Pa55word-xyz"
    dead = f"json://user:${{HOOK_PASS}}@127.0.0.1:{free_port()}/hook"
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))],
              notifiers=f'\n[[notifier]]\nname = "hook"\nurl = "{dead}"\n', extra='log_level = "DEBUG"')
    runs = [env.run(cmd, env={"HOOK_PASS": secret}) for cmd in ("check", "once", "status", "test-notify")]
    for r in runs:
        assert secret not in r.stdout + r.stderr
    assert "hook" in runs[0].stdout  # check lists the notifier, masked


def test_secret_from_systemd_credentials(env, tmp_path):
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "HOOK_TOKEN").write_text("tok-from-credentials\n")
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))],
              notifiers=f'\n[[notifier]]\nname = "hook"\nurl = "{env.sink.url("${HOOK_TOKEN}")}"\n')
    r = env.run("once", env={"CREDENTIALS_DIRECTORY": str(creds)})
    assert r.returncode == 0, r.stderr
    assert env.sink.posts and env.sink.posts[0]["path"] == "/tok-from-credentials"


def test_config_error_exits_2_naming_file_and_key_before_any_request(env):
    """A ConfigError is exit code 2 with its message (file and key) on stderr, and nothing is
    fetched or sent. The config errors themselves are tested in test_config.py."""
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))], extra='evry = "1m"')
    for cmd in ("check", "once"):
        r = env.run(cmd)
        assert r.returncode == 2, (cmd, r.stdout, r.stderr)
        assert f"{env.cfg}: watcher.evry: unknown key" in r.stderr and not r.stdout, (cmd, r.stdout, r.stderr)
    assert not env.server.requests and not env.sink.posts


def test_notifier_url_apprise_refuses_is_a_config_error(tmp_path):
    """A notifier URL is checked when the notifiers are built, after loading: the same exit 2
    with the file and the key."""
    env = Env(tmp_path, None, None)
    env.cfg.write_text('[[notifier]]\nname = "n"\nurl = "slack://nope"\n')
    for cmd in ("check", "once"):
        r = env.run(cmd)
        assert r.returncode == 2, (cmd, r.stdout, r.stderr)
        assert str(env.cfg) in r.stderr and "notifier[0] (n).url" in r.stderr, r.stderr


def test_shipped_config_checks_without_environment(tmp_path, monkeypatch):
    for k in list(os.environ):
        if k.startswith(("SLACK", "SMTP")):
            monkeypatch.delenv(k)
    env = Env(tmp_path, None, None)
    env.cfg = ROOT / "config.toml"
    r = env.run("check")
    assert r.returncode == 0, r.stderr
    assert "companies (" in r.stdout and "deals" in r.stdout and "capital" in r.stdout


def test_match_command_explains(env):
    env.write([])
    r = env.run("match", "Nvidia signs licensing agreement with Groq")
    assert r.returncode == 0
    assert "would alert: yes" in r.stdout and "licensing agreement" in r.stdout and "Groq" in r.stdout
    assert "frame    licence: Groq is licensor" in r.stdout, r.stdout
    r = env.run("match", "Groq denies report it is in talks to be acquired by Nvidia")
    assert "Groq is target" in r.stdout and "-> no: modality -- a denial" in r.stdout, r.stdout
    assert "would alert: no" in r.stdout
    r = env.run("match", "-")  # stdin, empty
    assert "would alert: no" in r.stdout
    r = env.run("match", "-", input="Hailo partners on data acquisition\n")
    assert "would alert: no" in r.stdout and "data acquisition" in r.stdout, r.stdout
    r = env.run("match", input="Groq to be acquired by Nvidia\nThe deal values the chip startup at $20bn.\n")
    assert "would alert: yes" in r.stdout, r.stdout  # nothing: stdin too, its first line the title


def test_replay_shows_what_would_alert_without_sending(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL, TRAP])))])
    env.run("once")
    n = len(env.sink.posts)
    r = env.run("replay", "--since", "7d")
    assert r.returncode == 0
    assert "Nvidia signs licensing agreement with Groq" in r.stdout and "1 alert from 2 stored items" in r.stdout
    assert len(env.sink.posts) == n


def test_replay_folds_copies_and_skips_old_items_as_a_poll_does(env):
    """Two outlets with the same deal and a wire story published long before it was seen:
    `run` sends one alert (the second report joins it, the old story is too old), so replay says one."""
    copy = dict(DEAL, title="Groq and Nvidia sign a licensing agreement", link="https://other.example/groq-nvidia")
    stale = dict(DEAL, title="Groq agrees to be acquired by Nvidia", link="https://news.example/old",
                 ts=time.time() - 30 * 86400)
    env.write([("wire", env.feed("/w.xml", rss([DEAL]))), ("trade", env.feed("/t.xml", rss([copy, stale])))])
    env.run("once")
    sent = len(env.sink.posts)
    r = env.run("replay", "--all")
    assert r.returncode == 0 and f"{sent} alert" in r.stdout.splitlines()[-1], r.stdout
    assert "folded into an alert or event above" in r.stdout and "more than max_age" in r.stdout
    verdicts = {d["link"]: d["verdict"] for d in json.loads(env.run("replay", "--json").stdout)}
    assert verdicts["https://news.example/old"] == "too old"
    assert sorted(verdicts[k] for k in (DEAL["link"], copy["link"])) == ["alert", "folded"]


def test_daemon_reloads_on_sighup_and_keeps_old_config_when_invalid(env):
    env.write([("wire", env.feed("/w.xml", rss([TRAP])))])
    log = env.tmp / "daemon.log"
    out = log.open("w")
    p = subprocess.Popen([sys.executable, "-m", "watcher", "--config", str(env.cfg), "run"], cwd=env.tmp,
                         stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: env.server.counts["/w.xml"] >= 1, 30, "first poll")
        # added and removed: "extra" appears (and is polled at once), "wire" goes
        env.write([("extra", env.feed("/x.xml", rss([DEAL])))])
        p.send_signal(signal.SIGHUP)
        wait_for(lambda: len(env.sink.posts) == 1, 30, "the added source's alert after reload")
        # changed: the same name with a new URL is polled at once
        deal2 = dict(DEAL, title="Groq to acquire a compiler startup", link="https://news.example/groq-2")
        env.write([("extra", env.feed("/y.xml", rss([deal2])))])
        p.send_signal(signal.SIGHUP)
        wait_for(lambda: len(env.sink.posts) == 2, 30, "the changed source's alert after reload")
        # invalid: refused, the old config keeps running and a later valid reload still works
        env.cfg.write_text("[watcher]\nbogus = 1\n")
        p.send_signal(signal.SIGHUP)
        wait_for(lambda: "reload refused" in log.read_text(), 30, "the refused reload")
        env.write([("extra", env.server.url("/y.xml")), ("late", env.feed("/z.xml", rss([TRAP])))])
        p.send_signal(signal.SIGHUP)
        wait_for(lambda: env.server.counts["/z.xml"] >= 1, 30, "a source added after a refused reload")
        assert p.poll() is None
        p.send_signal(signal.SIGTERM)
        assert p.wait(15) == 0
        text = log.read_text()
        assert "bogus" in text and "unscheduled wire" in text
        assert env.server.counts["/w.xml"] == 1  # the removed source was not polled again
    finally:
        p.kill()
        out.close()


def test_test_notify_sends_to_each_or_the_named_notifier(env):
    notifiers = (f'\n[[notifier]]\nname = "a"\nurl = "{env.sink.url("a")}"\n'
                 f'\n[[notifier]]\nname = "b"\nurl = "{env.sink.url("b")}"\n')
    env.write([], notifiers=notifiers)
    r = env.run("test-notify")
    assert r.returncode == 0, r.stderr
    assert sorted(p["path"] for p in env.sink.posts) == ["/a", "/b"]
    assert env.run("test-notify", "b").returncode == 0
    assert [p["path"] for p in env.sink.posts][-1] == "/b"
    assert env.run("test-notify", "nope").returncode == 2
    env.sink.status = 503
    r = env.run("test-notify", "a")
    assert r.returncode == 1 and "FAILED" in r.stdout


def test_daemon_polls_at_start_tells_systemd_and_stops_on_sigterm(env, tmp_path):
    """One real daemon: ready and watchdog pings on $NOTIFY_SOCKET, the first poll's alert at
    start, then SIGTERM: STOPPING=1 and exit 0 within the deadline."""
    import socket

    addr = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(addr)
    sock.settimeout(20)
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    p = subprocess.Popen([sys.executable, "-m", "watcher", "--config", str(env.cfg), "run"], cwd=env.tmp,
                         env={**os.environ, "NOTIFY_SOCKET": addr, "WATCHDOG_USEC": "200000"},
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seen: list[str] = []
        while not ({"READY=1", "WATCHDOG=1"} <= set(seen)):
            seen += sock.recv(4096).decode().splitlines()  # times out (fails) after 20 s
        wait_for(lambda: len(env.sink.posts) == 1, 30, "the daemon's first alert")
        p.send_signal(signal.SIGTERM)
        while "STOPPING=1" not in seen:
            seen += sock.recv(4096).decode().splitlines()
        assert p.wait(10) == 0
    finally:
        p.kill()
        sock.close()


def test_database_password_is_masked(env):
    env.cfg.write_text('[watcher]\ndatabase = "postgresql://watcher:${DB_PASS}@db.example/watcher"\n')
    r = env.run("check", env={"DB_PASS": "hunter2-secret-pw"})
    assert "hunter2-secret-pw" not in r.stdout + r.stderr
    assert "watcher:***@db.example" in r.stdout + r.stderr  # shown masked (in the error, when it cannot connect)


def test_readme_config_example_checks(tmp_path):
    """The configuration the README shows is one `watcher check` accepts."""
    import re
    block = re.search(r"```toml\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.S)
    assert block is not None
    env = Env(tmp_path, None, None)
    env.cfg.write_text(block.group(1))
    r = env.run("check", env={"SLACK_WEBHOOK_TOKENS": "T0/B0/X"})
    assert r.returncode == 0, r.stderr
    assert "deals: 1 keywords, 2 exclusions, 2 forms" in r.stdout, r.stdout


def test_one_alert_per_event_however_many_outlets_and_events_command(env):
    """Three outlets, three headlines, one deal: one alert that names the event and lists the
    others with their links; `watcher events` shows the event and its reports."""
    wire = [DEAL, {"title": "Nvidia to license Groq's inference technology, hire its founders",
                   "link": "https://wire.example/nvidia-groq"}]
    cn = [{"title": "英伟达与Groq达成技术授权协议 创始人加入英伟达", "link": "https://cn.example/groq"}]
    other = [{"title": "Groq raises $640 million in Series D led by BlackRock", "link": "https://wire.example/round"}]
    env.write([("wire", env.feed("/w.xml", rss(wire + other))), ("cn", env.feed("/c.xml", rss(cn)))])
    r = env.run("once")
    assert r.returncode == 0, r.stderr
    titles = sorted(p["title"] for p in env.sink.posts)
    assert len(titles) == 2, env.texts()  # the licence (three reports) and the round
    deal = next(p for p in env.sink.posts if p["title"].startswith("Groq: licence"))
    for link in ("https://news.example/groq-nvidia", "https://wire.example/nvidia-groq", "https://cn.example/groq"):
        assert link in deal["message"], deal["message"]
    assert deal["event"]["kind"] == "licence" and deal["event"]["reports"] == 3
    assert next(p for p in env.sink.posts if p is not deal)["title"] == \
        "Groq: Series D round led by BlackRock, $640 million"
    out = env.run("events", "--since", "1d", "--json")
    assert out.returncode == 0, out.stderr
    import json
    evs = json.loads(out.stdout)
    assert sorted(e["reports"] for e in evs) == [1, 3]
    assert {i["link"] for e in evs for i in e["items"]} >= {"https://cn.example/groq", "https://wire.example/round"}
    text = env.run("events", "--since", "1d").stdout
    assert "Groq: Series D round led by BlackRock, $640 million" in text and "2 events since" in text
    assert "events (last 7 days): 2" in env.run("status").stdout
    assert env.run("events", "--since", "soon").returncode == 2


FETCHED = [  # corpus file, content type, (index, title start, link, published, summary start)
    ("feeds/nnw_kc0011_gb2312_bbs.rss", "application/rss+xml",
     (0, "建国35周年纪念", "http://www.kc0011.net/dispbbs.asp?BoardID=10&ID=25164257&Page=1",
      "2020-01-10T14:33:00+00:00",
      "建国35周年纪念")),
    ("feeds/rssparser_uol_noticias_latin1_no_decl.rss", "text/xml",
     (0, "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2o turno",  # NFKC: º is o
      "https://noticias.uol.com.br/politica/eleicoes/2018/noticias/2018/09/24/ibope-bolsonaro-perde-de-haddad-ciro-e-"
      "alckmin-em-simulacoes-de-2-turno.htm", "2018-09-24T22:42:40+00:00", "Líder na pesquisa Ibope")),
    ("edgar/company_atom/edgarkit_atom1_keenvision_8K_425.atom.xml", "application/atom+xml",
     (0, "8-K", "https://www.sec.gov/Archives/edgar/data/1889983/000121390025006497/0001213900-25-006497-index.htm",
      "2025-01-24T", "Filed: 2025-01-24 AccNo: 0001213900-25-006497 Size: 302 KB Item 1.01")),
]


@pytest.mark.parametrize(("path", "ctype", "want"), FETCHED, ids=[f[0].split("/")[-1] for f in FETCHED])
def test_fetch_prints_items_as_the_matcher_sees_them(env, path, ctype, want):
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is absent (it lives beside the checkout)")
    env.write([])
    url = env.server.route("/" + path.split("/")[-1], 200, (corpus / path).read_bytes(), Content_Type=ctype)
    r = env.run("fetch", url, "--json")
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    index, title, link, published, summary = want
    it = items[index]
    assert it["title"].startswith(title) and it["link"] == link and it["published"].startswith(published)
    assert it["summary"].startswith(summary), it["summary"][:200]
    assert not (env.tmp / "watcher.db").exists()  # nothing stored


def test_fetch_by_name_and_its_errors(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    r = env.run("fetch", "wire")
    assert r.returncode == 0 and DEAL["title"] in r.stdout and "1 items from wire" in r.stderr
    assert env.sink.posts == []
    r = env.run("fetch", "nope")
    assert r.returncode == 2 and "no source named 'nope'" in r.stderr
    env.server.route("/gone.xml", 404, b"no")
    r = env.run("fetch", env.server.url("/gone.xml"))
    assert r.returncode == 1 and "404" in r.stderr


def test_fetch_resolves_links_against_content_location(env):
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is absent (it lives beside the checkout)")
    env.write([])
    body = (corpus / "feedparser/wellformed/base/http_entry_link_base_content_location.xml").read_bytes()
    url = env.server.route("/cl.xml", 200, body, Content_Type="application/atom+xml",
                           Content_Location="http://example.com/")
    [item] = json.loads(env.run("fetch", url, "--json").stdout)
    assert item["link"] == "http://example.com/relative/link"  # not relative to the loopback URL


def test_fetch_a_configured_html_source_by_name(env):
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is absent (it lives beside the checkout)")
    url = env.server.route("/sixcolors.html", 200, (corpus / "html/nnw_sixcolors_home.html").read_bytes(),
                           Content_Type="text/html; charset=utf-8")
    env.write([])
    env.cfg.write_text(env.cfg.read_text() + f'\n[[source]]\nname = "sixcolors"\nkind = "html"\nurl = "{url}"\n'
                       'selectors = { item = "div.linked", title = "h1 a", link = "h1 a", date = ".dateline a" }\n')
    r = env.run("fetch", "sixcolors", "--json")
    assert r.returncode == 0, r.stderr
    first = json.loads(r.stdout)[0]
    assert first["title"] == "Transmission Bit Torrent client possibly infected with malware"
    assert first["published"] == "2016-03-06T21:46:00+00:00"  # "March  6, 2016  1:46 PM PT"
    assert first["link"].startswith("http://researchcenter.paloaltonetworks.com/2016/03/new-os-x-ransomware")


@pytest.mark.parametrize(("text", "width", "shown"), [
    ("short", 10, "short"),
    ("HTTP 503 Service Unavailable from the upstream server", 30, "HTTP 503 Service Unavailable…"),
    ("averyveryverylongwordwithoutanyspacesatall", 12, "averyveryve…"),
    ("  spaced\nout   text ", 20, "spaced out text"),
])
def test_clip_cuts_at_a_word(text, width, shown):
    from watcher.cli import clip

    assert clip(text, width) == shown and len(clip(text, width)) <= width


@pytest.mark.parametrize(("enabled", "failures", "next_poll_in", "succeeded", "state"), [
    (True, 0, None, True, "ok"),
    (True, 0, None, False, "never"),
    (True, 2, 60, True, "backoff"),
    (True, 2, -60, True, "failing"),
    (False, 3, 60, True, "disabled"),
])
def test_source_health(enabled, failures, next_poll_in, succeeded, state):
    from datetime import UTC, datetime, timedelta

    from watcher.cli import source_health

    now = datetime(2026, 11, 30, tzinfo=UTC)
    nxt = None if next_poll_in is None else now + timedelta(seconds=next_poll_in)
    assert source_health(enabled, failures, nxt, now if succeeded else None, now) == state


def test_global_options_go_before_or_after_the_command_and_version_prints(env, capsys):
    from watcher import cli

    env.write([("wire", env.feed("/w.xml", rss([])))])
    after = cli.main(["check", "--config", str(env.cfg)])
    out_after = capsys.readouterr().out
    before = cli.main(["--config", str(env.cfg), "check"])
    assert after == before == 0 and out_after == capsys.readouterr().out and "OK" in out_after
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("watcher ")
    args = cli.build_parser().parse_args(["--config", "a.toml", "status", "-q"])
    assert (args.config, args.log_level) == ("a.toml", "WARNING")  # a later option does not erase an earlier one
    assert cli.build_parser().parse_args(["once", "-v"]).log_level == "DEBUG"
    assert cli.build_parser().parse_args(["once", "--log-level", "error"]).log_level == "ERROR"
    assert cli.build_parser().parse_args(["once"]).log_level is None  # then watcher.log_level decides


def test_quiet_keeps_info_lines_out_of_the_log(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))])
    loud = env.run("once", "-v")
    assert loud.returncode == 0 and " DEBUG " in loud.stderr
    quiet = env.run("once", "--quiet")
    assert quiet.returncode == 0 and " INFO " not in quiet.stderr and " DEBUG " not in quiet.stderr


def test_every_command_and_option_has_help():
    from watcher import cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        assert command.description, name
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings or action.dest}"


def test_a_failed_email_is_logged_once(env):
    from servers import free_port

    port = free_port()  # nothing listens there: the SMTP connection is refused
    mail = (f'\n[[notifier]]\nname = "mail"\nurl = "mailto://u:p@127.0.0.1:{port}'
            f'?from=w@watcher.test&to=d@watcher.test&smtp=127.0.0.1&cto=2"\n')
    env.write([("wire", env.feed("/w.xml", rss([DEAL])))], notifiers=mail)
    r = env.run("once")
    assert r.returncode == 0
    said = [ln for ln in r.stderr.splitlines() if " WARNING " in ln or " ERROR " in ln]
    assert len(said) == 1 and "notifier mail: delivery failed" in said[0], r.stderr


def test_check_shows_a_notifier_url_that_holds_no_secret(env):
    env.write([], notifiers='\n[[notifier]]\nname = "hook"\nurl = "json://127.0.0.1:8080/alerts"\n'
                            '\n[[notifier]]\nname = "guarded"\nurl = "json://bob:pw-9Zq7x@127.0.0.1:8080/in"\n')
    r = env.run("check")
    assert r.returncode == 0
    assert "hook: json://127.0.0.1:8080/alerts" in r.stdout
    assert "pw-9Zq7x" not in r.stdout and "guarded: json://bob:***@127.0.0.1:8080/in" in r.stdout.replace("****", "***")


@pytest.mark.parametrize(("text", "alerts", "why"), [
    ("Rivals such as Etched and Cerebras watch as Groq is acquired by Intel", True, None),
    ("Groq denies report it is in talks to be acquired by Nvidia", False, "modality"),
    ("Groq ships a faster inference chip", False, "no deal or capital event"),
    ("Nvidia ships a faster GPU", False, "no watched company"),
])
def test_match_says_why_and_speaks_json(env, text, alerts, why):
    env.write([])
    plain = env.run("match", text)
    assert plain.returncode == 0 and ("would alert: yes" if alerts else "would alert: no (") in plain.stdout
    if why:
        assert why in plain.stdout.splitlines()[-1]  # the verdict line itself says why
    doc = json.loads(env.run("match", "--json", text).stdout)
    assert doc["would_alert"] is alerts and doc["title"] == text
    assert (why or "yes") in doc["verdict"]
    if alerts:
        assert doc["hits"] and doc["hits"][0]["company"] == "Groq" and doc["hits"][0]["role"] == "target"


def test_json_logs_are_one_object_per_line_and_each_poll_says_its_counts_and_timings(env):
    env.write([("wire", env.feed("/w.xml", rss([DEAL, TRAP])))], extra='log_format = "json"')
    r = env.run("once")
    assert r.returncode == 0
    objects = [json.loads(ln) for ln in r.stderr.splitlines() if ln.startswith("{")]
    assert objects and all({"time", "level", "logger", "message"} <= set(o) for o in objects)
    poll = next(o for o in objects if o.get("source") == "wire" and o.get("outcome") == "changed")
    assert (poll["entries"], poll["new_items"], poll["new_alerts"]) == (2, 2, 1)
    assert poll["fetch_ms"] >= 0 and poll["total_ms"] >= poll["fetch_ms"]
    again = env.run("once", "--log-format", "text")  # the option wins over the config
    assert "wire: not modified" in again.stderr and not any(ln.startswith("{") for ln in again.stderr.splitlines())


def test_demo_shows_real_alerts_offline_with_the_shipped_config(tmp_path, capsys):
    from watcher import cli

    shipped = Path(__file__).resolve().parents[1] / "config.toml"
    cfg = tmp_path / "config.toml"
    cfg.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli.main(["--config", str(cfg), "demo"]) == 0
    out = capsys.readouterr().out
    for part in ("=== Slack ===", "=== E-mail ===", "=== JSON webhook", '"kind": "licence"',
                 "Groq: licence to Nvidia", "Cerebras: IPO withdrawn", "Tenstorrent: funding round",
                 "=== Left alone ===", "a denial", "no watched company"):
        assert part in out, part
    assert not (tmp_path / "watcher.db").exists()  # nothing is kept
