"""notify.Notifiers against real parts on loopback: apprise json:// into a local HTTP receiver,
mailto:// into a real aiosmtpd server. Only Slack's own endpoint is mocked (requests.request,
which apprise's Slack plugin calls). Secrets in notifier URLs never reach logs or reasons."""
from __future__ import annotations

import asyncio
import email
import email.policy
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from watcher import config, models, notify, secrets
from watcher.errors import NotifyError

LINK = "https://example.com/news/groq-deal?id=7&src=rss"
PASSWORD = "Pa55w0rdSecretXYZ"
TOKEN = "tok3nSECRETabc987"


def alert(**kw) -> models.Alert:
    base = dict(
        id=1, notifier="n", title="Groq <!channel> signs licensing agreement <https://evil|click> @here",
        link=LINK, source="techcrunch", published=datetime(2025, 1, 14, 9, 30, tzinfo=UTC),
        hits=(models.Hit("deals", "Groq", "Groq", ("licensing agreement",), "title"),),
        summary="Groq, the AI chip startup, agreed a <script>alert(1)</script> licensing agreement.",
    )
    base.update(kw)
    return models.Alert(**base)


def record(headline: str = "Groq: licence to Nvidia, $20 billion (team)", **kw) -> models.EventInfo:
    base = dict(company="Groq", kind="licence", label="licence", headline=headline, counterparty="Nvidia",
                amount="$20 billion", currency="USD", usd=2e10, reports=3, sources=("techcrunch", "reuters"),
                first_seen=datetime(2025, 1, 14, 9, 30, tzinfo=UTC), last_seen=datetime(2025, 1, 14, 10, 0, tzinfo=UTC),
                id=7)
    base.update(kw)
    return models.EventInfo(**base)


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        time.sleep(0.01)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notifiers(**urls: str) -> notify.Notifiers:
    return notify.Notifiers([config.Notifier(name=k, url=v) for k, v in urls.items()], timeout=30)


def send(n: notify.Notifiers, name: str, message: notify.Message) -> tuple[bool, str | None]:
    return asyncio.run(n.send(name, message))


# --------------------------------------------------------------------------- local receivers


class Receiver:
    """A threaded HTTP server on 127.0.0.1 that records every POST and answers `status`."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.posts.append({"path": self.path, "headers": dict(self.headers),
                                    "json": json.loads(body or b"null")})
                self.send_response(outer.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook", auth: str = "") -> str:
        return f"json://{auth}127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = auth_data.login == b"alice" and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=_authenticate,
                            auth_require_tls=False)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def mailto(port: int, password: str = PASSWORD) -> str:
    # Plain SMTP without TLS on a custom port: mode=insecure; smtp= names the server.
    return (f"mailto://alice:{password}@127.0.0.1:{port}"
            "?from=watcher@example.com&to=ops@example.com&smtp=127.0.0.1&mode=insecure")


@pytest.fixture
def slack_posts(monkeypatch) -> list[dict]:
    """Capture what apprise's Slack plugin would POST to hooks.slack.com; nothing else is mocked."""
    posts: list[dict] = []
    real = requests.request

    class Reply:
        status_code = 200
        content = b"ok"
        text = "ok"
        headers: dict = {}

    def fake(method, url, **kw):
        if url.startswith("https://hooks.slack.com/"):
            posts.append({"url": url, "json": json.loads(kw["data"])})
            return Reply()
        return real(method, url, **kw)

    monkeypatch.setattr(requests, "request", fake)
    return posts


# --------------------------------------------------------------------------- json://


def test_json_delivery(receiver):
    n = notifiers(hook=receiver.url())
    assert n.names() == ["hook"]
    assert n.channel("hook") == "json"
    message = n.render("hook", alert(record=record(), also=("reuters",),
                                     also_links=(("reuters", "https://reuters.example/groq"),)))
    assert send(n, "hook", message) == (True, None)
    wait_for(lambda: len(receiver.posts) == 1)
    got = receiver.posts[0]["json"]
    assert receiver.posts[0]["path"] == "/hook"
    assert got["title"] == "Groq: licence to Nvidia, $20 billion (team)"
    assert LINK in got["message"] and "<script" not in got["message"]
    # the structured fields a user's own tools read (README "Alerts")
    assert got["event"]["kind"] == "licence" and got["event"]["company"] == "Groq"
    assert got["event"]["counterparty"] == "Nvidia" and got["event"]["amount"] == "$20 billion"
    assert got["event"]["currency"] == "USD" and got["event"]["amount_usd"] == 2e10 and got["event"]["reports"] == 3
    assert got["urls"] == [LINK, "https://reuters.example/groq"]
    assert got["sources"] == ["techcrunch", "reuters"] and got["rule"] == "deals"
    assert got["explanation"][0]["keywords"] == ["licensing agreement"] and got["update"] is None
    # the next message to the same notifier carries only its own fields
    assert send(n, "hook", n.render("hook", alert())) == (True, None)
    wait_for(lambda: len(receiver.posts) == 2)
    assert receiver.posts[1]["json"]["event"] is None


def test_json_outage_returns_false(receiver):
    receiver.status = 503
    n = notifiers(hook=receiver.url())
    ok, reason = send(n, "hook", n.render("hook", alert()))
    assert ok is False
    assert reason and "503" in reason
    assert len(receiver.posts) == 1
    receiver.status = 200  # the outage ends: the same message goes through
    assert send(n, "hook", n.render("hook", alert())) == (True, None)


def test_one_failing_notifier_does_not_affect_another(receiver):
    n = notifiers(dead=f"json://127.0.0.1:{free_port()}/hook", good=receiver.url("/good"))

    async def both():
        return await asyncio.gather(*(n.send(name, n.render(name, alert())) for name in ("dead", "good")))

    (dead_ok, dead_reason), (good_ok, good_reason) = asyncio.run(both())
    assert (dead_ok, good_ok) == (False, True)
    assert dead_reason and good_reason is None
    assert [p["path"] for p in receiver.posts] == ["/good"]


def test_unknown_notifier_and_bad_message_never_raise(receiver):
    n = notifiers(hook=receiver.url())
    assert send(n, "nope", n.render("hook", alert()))[0] is False
    ok, reason = send(n, "hook", notify.Message(title="t", body="", body_format="text"))
    assert ok is False and reason


def test_test_message_is_deliverable(receiver):
    n = notifiers(hook=receiver.url())
    m = n.build_test_message("hook")
    assert send(n, "hook", m) == (True, None)
    wait_for(lambda: len(receiver.posts) == 1)
    assert receiver.posts[0]["json"]["title"] == "watcher test notification: this is how an alert will look"


# --------------------------------------------------------------------------- email


def test_email_html_with_text_alternative(smtp):
    box, port = smtp
    n = notifiers(mail=mailto(port))
    assert n.channel("mail") == "email"
    hostile = record("Groq: licence\r\nBcc: evil@example.com")
    assert send(n, "mail", n.render("mail", alert(record=hostile))) == (True, None)
    wait_for(lambda: len(box.envelopes) == 1)
    env = box.envelopes[0]
    assert env.rcpt_tos == ["ops@example.com"]
    msg = email.message_from_bytes(env.content, policy=email.policy.default)
    assert msg["Subject"] == "Groq: licence Bcc: evil@example.com"
    assert msg["Bcc"] is None
    assert "\n" not in str(msg["Subject"]) and "\r" not in str(msg["Subject"])
    # apprise turns an HTML body into multipart/alternative with a text part derived from it
    assert msg.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    html_part, text_part = parts["text/html"], parts["text/plain"]
    assert '<a href="https://example.com/news/groq-deal?id=7&amp;src=rss">' in html_part
    assert "<mark>licensing agreement</mark>" in html_part
    assert "&lt;!channel&gt;" in html_part and "<script" not in html_part
    assert LINK in text_part
    assert "techcrunch" in text_part and "2025-01-14 09:30 UTC" in text_part


def test_email_wrong_password_fails_without_leaking(smtp, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="apprise")
    box, port = smtp
    wrong = "Wr0ngPassw0rdLeak"
    n = notifiers(mail=mailto(port, wrong))
    ok, reason = send(n, "mail", n.render("mail", alert()))
    assert ok is False and reason
    assert box.envelopes == []
    assert wrong not in reason
    assert wrong not in caplog.text
    assert wrong not in n.masked_url("mail")


# --------------------------------------------------------------------------- slack (mocked endpoint)


def test_slack_payload_is_escaped(slack_posts):
    n = notifiers(slack="slack://T000/B000/XXXX")
    assert n.channel("slack") == "slack"
    assert send(n, "slack", n.render("slack", alert())) == (True, None)
    assert len(slack_posts) == 1
    post = slack_posts[0]
    assert post["url"] == "https://hooks.slack.com/services/T000/B000/XXXX"
    payload = post["json"]
    assert payload["mrkdwn"] is True
    att = payload["attachments"][0]
    assert att["title"] == "Groq &lt;!channel&gt; signs licensing agreement &lt;https://evil|click&gt; @\u200dhere"
    text = att["text"]
    assert text.startswith("*<https://example.com/news/groq-deal?id=7&amp;src=rss|Groq &lt;!channel&gt; "
                           "signs licensing agreement &lt;https://evil|click&gt; @\u200dhere>*\n")
    assert "<!channel>" not in text and "<https://evil" not in text and "<script" not in text
    assert "@here" not in text
    assert text.endswith("Link: <https://example.com/news/groq-deal?id=7&amp;src=rss>")


def test_slack_title_escaped_by_apprise(slack_posts):
    n = notifiers(slack="https://hooks.slack.com/services/T000/B000/XXXX")
    assert send(n, "slack", n.render("slack", alert(record=record("<!channel> & Co: acquisition"))))[0] is True
    assert slack_posts[0]["json"]["attachments"][0]["title"] == "&lt;!channel&gt; &amp; Co: acquisition"


# --------------------------------------------------------------------------- secrets


def test_unparseable_url_raises_naming_the_notifier(caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="apprise")
    secret = "onlyOneSecretToken42"
    with pytest.raises(NotifyError) as e:
        notifiers(broken=f"slack://{secret}")
    assert "broken" in str(e.value) and "slack://" in str(e.value)
    assert secret not in str(e.value)
    assert secret not in caplog.text  # apprise logs the raw URL at ERROR: masked
    with pytest.raises(NotifyError) as e:
        notifiers(other=f"nosuchservice://{secret}")
    assert "other" in str(e.value) and secret not in str(e.value) + caplog.text


def test_secret_never_in_logs_even_when_delivery_fails(receiver, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="apprise")
    receiver.status = 503
    dead = free_port()
    n = notifiers(
        down=receiver.url(f"/hook/{TOKEN}", auth=f"bob:{PASSWORD}@"),
        refused=f"json://bob:{PASSWORD}@127.0.0.1:{dead}/hook/{TOKEN}",
        slack=f"slack://T0SECRET1/B0SECRET2/{TOKEN}",
    )

    real = requests.request

    def slack_down(method, url, **kw):  # Slack unreachable: the exception quotes the URL
        if url.startswith("https://hooks.slack.com/"):
            raise requests.ConnectionError(f"cannot reach {url}")
        return real(method, url, **kw)

    monkeypatch.setattr(requests, "request", slack_down)
    reasons = []
    for name in n.names():
        ok, reason = send(n, name, n.render(name, alert()))
        assert ok is False
        reasons.append(reason)
        logging.getLogger("watcher.test").warning("delivery to %s failed: %s (url %s)", name, reason,
                                                  n.masked_url(name))
    assert receiver.posts and receiver.posts[0]["path"] == f"/hook/{TOKEN}"  # it was really sent
    everything = caplog.text + "".join(r.getMessage() for r in caplog.records) + "".join(reasons)
    everything += "".join(n.masked_url(name) for name in n.names())
    for secret in (PASSWORD, TOKEN, "T0SECRET1", "B0SECRET2"):
        assert secret not in everything, secret
    assert "***" in caplog.text  # apprise's DEBUG lines were there, masked
    assert "https://hooks.slack.com/services/***" in caplog.text  # only the secret parts


def test_masked_url_hides_tokens(receiver):
    n = notifiers(hook=receiver.url(f"/hook/{TOKEN}", auth=f"bob:{PASSWORD}@"),
                  slack="slack://T0AAAAAA1/B0BBBBBB2/ZZZZZZZZZZZZ")
    assert TOKEN not in n.masked_url("hook") and PASSWORD not in n.masked_url("hook")
    assert n.masked_url("hook").startswith("json://bob:")
    assert "ZZZZZZZZZZZZ" not in n.masked_url("slack")
    assert n.masked_url("slack").startswith("slack://")


@pytest.mark.parametrize(("url", "masked", "shown", "want"), [
    # the password, a secret-named query value, token-like parts; plain words and hosts stay
    ("https://hooks.slack.com/services/T0REGURL1/B0REGURL2/regurlToken998877?apikey=qq-key-value&to=ops", None,
     "hooks.slack.com services T0REGURL1 B0REGURL2 regurlToken998877 qq-key-value ops",
     "hooks.slack.com services *** *** *** *** ops"),
    ("json://bob:shortPw@127.0.0.1/hook", None, "bob shortPw 127.0.0.1 hook", "bob *** 127.0.0.1 hook"),
    # a short part counts only when apprise hides it in its privacy form
    ("json://127.0.0.1/p/Zq9rX", "json://127.0.0.1/p/Z...X", "p Zq9rX", "p ***"),
    ("json://127.0.0.1/p/Yw8tV", None, "p Yw8tV", "p Yw8tV"),
])
def test_register_url_picks_out_secret_parts(url, masked, shown, want):
    secrets.register_url(url, masked)
    # a URL holding a secret is hidden whole wherever it appears; one holding none is shown as is
    assert secrets.mask(url) == ("***" if want != shown else url)
    assert secrets.mask(shown) == want


def test_secret_masker_masks_message_args_and_exceptions():
    secrets.register("hunter2-very-secret")
    logger = logging.getLogger("watcher.test.masker")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    logger.addHandler(handler)
    try:
        secrets.install(logger)
        logger.warning("url is %s", "slack://hunter2-very-secret/x")
        logger.warning("inline hunter2-very-secret")
        try:
            raise RuntimeError("boom with hunter2-very-secret")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    formatter = logging.Formatter("%(message)s")
    out = "\n".join(formatter.format(r) for r in records)
    assert "hunter2-very-secret" not in out
    assert "slack://***/x" in out and "inline ***" in out and "RuntimeError: boom with ***" in out
    assert secrets.mask("a hunter2-very-secret b") == "a *** b"
    assert secrets.mask("nothing here") == "nothing here"


def test_root_install_masks_records_of_every_logger(caplog):
    secrets.register("rootLevelSecret77")
    secrets.install()
    caplog.set_level(logging.INFO)
    logging.getLogger("some.library.deep.child").info("leaking rootLevelSecret77 here")
    assert "rootLevelSecret77" not in caplog.text
    assert "leaking *** here" in caplog.text


@pytest.mark.parametrize(("url", "want"), [
    ("json://127.0.0.1:9/x", "json://127.0.0.1:9/x?rto=30"),
    ("jsons://h.example/x?+X-Token=t", "jsons://h.example/x?+X-Token=t&rto=30"),
    ("json://127.0.0.1:9/x?rto=5", "json://127.0.0.1:9/x?rto=5"),  # the user's own wins
    ("mailtos://u:p@smtp.example", "mailtos://u:p@smtp.example"),  # SMTP has its own timeouts
])
def test_with_read_timeout(url, want):
    from watcher.notify.deliver import with_read_timeout

    assert with_read_timeout(url) == want


def test_a_receiver_slower_than_apprises_default_gets_each_alert_once():
    """apprise gives up reading after 4 s and reports a failure although the receiver has the
    message, so a retry sent it twice; watcher waits 30 s for the answer."""
    import time as time_mod

    from servers import SlowReceiver

    server = SlowReceiver(lambda: time_mod.sleep(4.5))  # the receiver's own slowness, not a wait in the test
    try:
        n = notifiers(slow=server.url("/in"))
        ok, err = asyncio.run(n.send("slow", n.build_test_message("slow")))
        assert ok, err
        assert len(server.got) == 1
    finally:
        server.close()


@pytest.mark.parametrize(("url", "spacing"), [
    ("mailto://alice:pw@127.0.0.1:2525?from=w@example.com&to=o@example.com&smtp=127.0.0.1&mode=insecure", 0.0),
    ("mailtos://alice:pw@mail.example.com?to=o@example.com", 0.0),  # bulk mail is folded and batched instead
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", 1.2),  # the service's own rate: kept
    ("json://127.0.0.1:9/hook", 0.0),
])
def test_apprise_spacing_is_kept_only_where_the_service_sets_one(url, spacing):
    n = notifiers(x=url)
    assert n._targets["x"].plugin.request_rate_per_sec == spacing


def test_mails_in_a_row_are_not_spaced_apart(smtp):
    """apprise would keep 5.5 s between two mails of one notifier: three alerts took 11 s."""
    box, port = smtp
    n = notifiers(mail=mailto(port))
    t0 = time.monotonic()
    for k in range(3):
        assert send(n, "mail", n.render("mail", alert(record=record(f"Groq: licence {k}")))) == (True, None)
    wait_for(lambda: len(box.envelopes) == 3)
    assert time.monotonic() - t0 < 5.0


# ------------------------------------------------------------- loading one apprise plugin
PLUGIN_URLS = [
    "json://127.0.0.1:8080/path?rto=30", "jsons://user:pw@example.com/x", "form://h/p?-X=1", "xml://h:99/",
    "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general", "mailto://user:secret@gmail.com",
    "mailtos://user:pw@mail.example.com?smtp=smtp.example.com&to=a@b.c", "slack://bad", "json://", "mailto://",
    "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "tgram://123456789:abc/",
]


@pytest.mark.parametrize("url", PLUGIN_URLS)
def test_one_plugin_module_builds_what_apprise_builds(url):
    import apprise

    from watcher.notify.deliver import instantiate

    asset = apprise.AppriseAsset(secure_logging=True)
    mine, theirs = instantiate(url, asset), apprise.Apprise.instantiate(url, asset=asset)
    assert (mine is None) == (theirs is None), url
    if mine is not None:
        assert type(mine) is type(theirs) and mine.url(privacy=False) == theirs.url(privacy=False)


def test_a_json_notifier_loads_one_plugin_module_not_all():
    import subprocess
    import sys

    code = ("import sys; from watcher import config; from watcher.notify.deliver import Notifiers; "
            "Notifiers([config.Notifier(name='n', url='json://127.0.0.1:9/x')]); "
            "print(sum(m.startswith('apprise.plugins.') and m.count('.') == 2 for m in sys.modules))")
    loaded = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert 1 <= loaded <= 3  # apprise ships about 130 plugin modules; it imports every one to find a scheme
