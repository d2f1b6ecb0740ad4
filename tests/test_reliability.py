"""Source health and crash safety through the CLI and real processes (kill -9, SIGTERM, two at
once); backoff, retry and expiry on a turned clock are in test_pipeline.py."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

from cli_env import Env, rss
from servers import wait_for
from test_cli import DEAL

from watcher import config
from watcher.pipeline import Context, backoff
from watcher.store import utcnow


def _per_item(env: Env, n: int) -> list[int]:
    """How many posts carried each item https://n.example/K (each post names one item)."""
    got = [{int(k) for k in re.findall(r"https://n\.example/(\d+)", json.dumps(p))} for p in env.sink.posts]
    return [sum(k in g for g in got) for k in range(n)]


def _ctx(env: Env) -> Context:
    return Context.build(config.load(env.cfg))


def test_backoff_grows_is_capped_and_jittered():
    assert 600 * 0.8 <= backoff(600, 1, 6 * 3600) <= 600 * 1.2
    assert 2400 * 0.8 <= backoff(600, 3, 6 * 3600) <= 2400 * 1.2
    assert backoff(600, 30, 6 * 3600) <= 6 * 3600
    assert len({round(backoff(600, 2, 6 * 3600)) for _ in range(20)}) > 1


def test_health_alert_once_when_failing_too_long_and_once_on_recovery(env):
    env.server.route("/flaky.xml", 500, b"oops")
    env.write([("flaky", env.server.url("/flaky.xml"))], extra='health_after = "0s"')
    for _ in range(3):
        assert env.run("once").returncode == 0
    health = [p for p in env.sink.posts if "flaky" in p.get("title", "")]
    assert len(health) == 1 and "failing" in health[0]["title"], env.texts()
    env.server.route("/flaky.xml", 200, rss([]), Content_Type="application/rss+xml")
    assert env.run("once").returncode == 0
    assert env.run("once").returncode == 0
    health = [p for p in env.sink.posts if "flaky" in p.get("title", "")]
    assert len(health) == 2 and "recovered" in health[1]["title"]


def test_health_alerts_go_to_the_configured_admin_notifier(env):
    env.server.route("/flaky.xml", 500, b"oops")
    notifiers = (f'\n[[notifier]]\nname = "admin"\nurl = "{env.sink.url("admin")}"\n'
                 f'\n[[notifier]]\nname = "team"\nurl = "{env.sink.url("team")}"\n')
    env.write([("flaky", env.server.url("/flaky.xml"))], notifiers=notifiers,
              extra='health_after = "0s"\nhealth_notify = ["admin"]')
    assert env.run("once").returncode == 0
    assert [p["path"] for p in env.sink.posts] == ["/admin"]


def test_kill_9_mid_delivery_loses_nothing(env, monkeypatch):
    items = [dict(DEAL, title=f"Groq to acquire compiler startup Zeta{k} Labs", link=f"https://n.example/{k}")
             for k in range(8)]
    env.write([("wire", env.feed("/w.xml", rss(items)))])
    gate = {"n": 0, "done": 0}
    orig = env.sink._httpd.RequestHandlerClass.do_POST

    def slow(handler, _orig=orig):
        gate["n"] += 1
        try:
            time.sleep(0.3)  # the receiver is slow, so the kill lands between deliveries
            return _orig(handler)
        finally:
            gate["done"] += 1

    monkeypatch.setattr(env.sink._httpd.RequestHandlerClass, "do_POST", slow)
    p = subprocess.Popen([sys.executable, "-m", "watcher", "--config", str(env.cfg), "run"], cwd=env.tmp,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: len(env.sink.posts) >= 2, 30, "two deliveries before the kill")
        p.send_signal(signal.SIGKILL)
        p.wait(10)
    finally:
        p.kill()
    # a request the killed process had sent is still being received: let the receiver finish it
    wait_for(lambda: gate["done"] == gate["n"], 10, "the receiver to finish the request in flight")
    monkeypatch.setattr(env.sink._httpd.RequestHandlerClass, "do_POST", orig)
    assert 2 <= len(env.sink.posts) < 8
    assert env.run("once").returncode == 0
    per_item = _per_item(env, 8)
    assert all(n >= 1 for n in per_item), per_item  # every alert arrives
    assert sum(n - 1 for n in per_item) <= 1, per_item  # at most the one in flight twice
    n = len(env.sink.posts)
    assert env.run("once").returncode == 0 and len(env.sink.posts) == n


def test_two_processes_never_send_one_alert_twice(env):
    items = [dict(DEAL, title=f"Groq to acquire tooling startup Kappa{k} Labs", link=f"https://n.example/{k}")
             for k in range(6)]
    env.write([("wire", env.feed("/w.xml", rss(items)))])
    env.sink.status = 503
    assert env.run("once").returncode == 0  # six alerts queued, none delivered
    env.sink.status = 200
    orig = env.sink._httpd.RequestHandlerClass.do_POST

    def slow(handler, _orig=orig):
        time.sleep(0.1)  # a slow receiver, so the two runs overlap
        return _orig(handler)

    env.sink._httpd.RequestHandlerClass.do_POST = slow
    try:
        cmd = [sys.executable, "-m", "watcher", "--config", str(env.cfg), "once"]
        procs = [subprocess.Popen(cmd, cwd=env.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(2)]
        assert [p.wait(60) for p in procs] == [0, 0]
    finally:
        env.sink._httpd.RequestHandlerClass.do_POST = orig
    assert _per_item(env, 6) == [1] * 6


def test_a_dead_notifier_backlog_never_starves_another(env):
    from servers import free_port

    from watcher.store import Store

    items = [dict(DEAL, title=f"Groq to acquire tooling startup Kappa{k} Labs", link=f"https://n.example/{k}")
             for k in range(5)]
    dead = f"json://127.0.0.1:{free_port()}/dead"
    notifiers = (f'\n[[notifier]]\nname = "dead"\nurl = "{dead}"\n'
                 f'\n[[notifier]]\nname = "hook"\nurl = "{env.sink.url("hook")}"\n')
    env.write([("wire", env.feed("/w.xml", rss(items)))], notifiers=notifiers)
    env.sink.status = 503
    assert env.run("once").returncode == 0  # both queues hold five; the dead one's rows come first
    st = Store(f"sqlite:///{env.tmp / 'watcher.db'}")
    got = [d.alert.notifier for d in st.due(utcnow(), notifiers=["dead", "hook"], ignore_backoff=True, limit=2)]
    assert sorted(got) == ["dead", "dead", "hook", "hook"]  # a window per notifier, not one for all
    env.sink.status = 200
    assert env.run("once").returncode == 0
    assert len(env.sink.posts) == 5


def test_sigterm_is_prompt_even_with_a_backlog_to_deliver(env):
    items = [dict(DEAL, title=f"Groq to acquire tooling startup Kappa{k} Labs", link=f"https://n.example/{k}")
             for k in range(30)]
    env.write([("wire", env.feed("/w.xml", rss(items)))])
    env.sink.status = 503
    assert env.run("once").returncode == 0  # 30 alerts wait
    env.sink.status = 200
    orig = env.sink._httpd.RequestHandlerClass.do_POST

    def slow(handler, _orig=orig):
        time.sleep(1)  # a notifier that takes a second per message
        return _orig(handler)

    env.sink._httpd.RequestHandlerClass.do_POST = slow
    p = subprocess.Popen([sys.executable, "-m", "watcher", "--config", str(env.cfg), "run"], cwd=env.tmp,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: len(env.sink.posts) >= 1, 30, "the backlog starting to drain")
        t = time.monotonic()
        p.send_signal(signal.SIGTERM)
        assert p.wait(10) == 0
        assert time.monotonic() - t < 10
    finally:
        p.kill()
        env.sink._httpd.RequestHandlerClass.do_POST = orig
    assert env.run("once").returncode == 0
    per_item = _per_item(env, 30)
    assert min(per_item) == 1 and sum(per_item) <= 31  # all arrive, at most the one in flight twice
