"""Delivery through apprise: one Apprise object per notifier, so each has its own result.

``Notifiers`` builds a target per configured notifier (its channel, its apprise object, its URL
in masked form). ``send()`` runs apprise's synchronous notify in a worker thread and never
raises: it returns (True, None) or (False, a reason that holds no secret). Notifier URLs and
their tokens are registered with ``watcher.secrets`` before apprise ever sees them, and
``quiet_apprise`` keeps apprise's own logging from leaking them.
"""
from __future__ import annotations

import asyncio
import importlib
import logging
import re
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import apprise
from apprise import NotifyBase

from .. import config, models, secrets
from ..errors import NotifyError
from .render import Message, channel_of, render, sample_alert, trim

log = logging.getLogger(__name__)
secrets.install(log)

REASON_MAX = 300  # a failed delivery's reason, in characters
_SPACE = re.compile(r"\s+")


def _scheme(url: str) -> str:
    head = url.split("://", 1)[0] if "://" in url else ""
    return head if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]{0,24}", head) else "?"


_quieted = False


def quiet_apprise() -> None:
    """Keep apprise's (and urllib3's) own logging from leaking secrets.

    At DEBUG, apprise logs the full webhook URL ("Slack POST URL: https://hooks.slack.com/
    services/T.../B.../token") and socket errors that quote it; urllib3 logs each request path;
    on a URL it cannot load apprise logs the raw URL at ERROR. So: the masking filter sits on
    those loggers (records they create are masked before any handler sees them), and apprise's
    logger is held at WARNING unless someone configured it explicitly."""
    global _quieted
    if _quieted:
        return
    for name in ("apprise", "urllib3.connectionpool", "urllib3", "requests"):
        secrets.install(logging.getLogger(name))
    apprise_logger = logging.getLogger("apprise")
    if apprise_logger.level == logging.NOTSET:
        apprise_logger.setLevel(logging.WARNING)
    _quieted = True


@dataclass
class _Target:
    name: str
    channel: str
    apprise: apprise.Apprise
    masked: str
    lock: threading.Lock
    plugin: NotifyBase
    pool: ThreadPoolExecutor  # its own thread: a slow notifier never takes one another send (or a poll) needs


READ_TIMEOUT = 30  # seconds a receiver may take to answer (apprise: 4, after which it reports a failure
                  # although the receiver has the message, and the retry sends it twice)


def with_read_timeout(url: str) -> str:
    """The notifier URL with apprise's read timeout raised to READ_TIMEOUT, unless it sets one (rto=)."""
    if re.search(r"[?&]rto=", url) or url.split(":", 1)[0].lower() in ("mailto", "mailtos"):
        return url
    return url + ("&" if "?" in url else "?") + f"rto={READ_TIMEOUT}"


# The apprise plugin module of the schemes most configs use. To find a URL's plugin apprise imports
# every plugin module it ships (about 0.13 s, a tenth of a first poll's spare time); for these
# schemes the one module is enough. Anything else (native https:// webhook URLs included) goes
# through apprise's own lookup.
PLUGIN_MODULE = {"json": "custom_json", "jsons": "custom_json", "form": "custom_form", "forms": "custom_form",
                 "xml": "custom_xml", "xmls": "custom_xml", "slack": "slack", "mailto": "email", "mailtos": "email"}


def instantiate(url: str, asset: apprise.AppriseAsset) -> NotifyBase | None:
    """What apprise.Apprise.instantiate(url, asset=asset) returns (None: a URL it cannot use),
    loading only the plugin module of the URL's scheme where PLUGIN_MODULE knows it."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    cls = _plugin_class(scheme)
    if cls is None:
        return apprise.Apprise.instantiate(url, asset=asset)
    results = cls.parse_url(url.replace("/#", "/%23"))
    if not results:
        return None
    results["tag"], results["asset"] = set(), asset
    try:
        plugin = cls(**results)
    except Exception:  # noqa: BLE001 - as apprise: a plugin that rejects its arguments cannot be used
        return None
    return plugin if plugin.enabled else None


def _plugin_class(scheme: str) -> type[NotifyBase] | None:
    name = PLUGIN_MODULE.get(scheme)
    if name is None:
        return None
    try:
        module = importlib.import_module(f"apprise.plugins.{name}")
    except ImportError:
        return None
    for obj in vars(module).values():
        if isinstance(obj, type) and issubclass(obj, NotifyBase) and obj is not NotifyBase \
                and scheme in obj.schemas(obj) and obj.enabled:  # type: ignore[arg-type,no-untyped-call]  # as apprise calls it
            return obj
    return None


# apprise spaces each plugin's sends request_rate_per_sec apart (5.5 s unless the plugin says
# otherwise). Where the service sets a rate (Slack 1.2 s, Telegram, Discord ...) the plugin says so
# and keeps it. E-mail inherits the 5.5 s default, which only delays: 30 alerts took 2.75 minutes
# to leave. Bulk mail is folded by the flood guard (max_per_hour) and batched by the digest.
_NO_THROTTLE = ("mailto", "mailtos")


def throttle_for(scheme: str, plugin_rate: float) -> float:
    """Seconds apprise keeps between two sends of one notifier (pure)."""
    return 0.0 if scheme.lower() in _NO_THROTTLE else plugin_rate


class Notifiers:
    """One Apprise object per configured notifier, so each has its own delivery result."""

    def __init__(self, notifiers: Iterable[config.Notifier], *, timeout: float = 60.0):
        quiet_apprise()
        self.timeout = timeout
        self._targets: dict[str, _Target] = {}
        for i, n in enumerate(notifiers):
            if n.name in self._targets:
                raise NotifyError(f"two notifiers are named {n.name!r}")
            secrets.register_url(n.url)  # before apprise can log any of it
            asset = apprise.AppriseAsset(secure_logging=True)
            try:
                plugin = instantiate(with_read_timeout(n.url), asset)
            except Exception:  # noqa: BLE001 - any plugin error means "cannot use this URL"
                plugin = None
            if plugin is None:
                raise NotifyError(f"notifier[{i}] ({n.name}).url: apprise cannot use this URL "
                                  f"({_scheme(n.url)}://…); check the syntax for that service")
            plugin.request_rate_per_sec = throttle_for(_scheme(n.url), plugin.request_rate_per_sec)
            masked: str = plugin.url(privacy=True)  # type: ignore[no-untyped-call]  # apprise leaves url() unannotated
            secrets.register_url(n.url, masked)
            ap = apprise.Apprise(asset=asset)
            ap.add(plugin)
            self._targets[n.name] = _Target(n.name, channel_of(n.url, n.format), ap,
                                            secrets.mask(masked), threading.Lock(), plugin,
                                            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"notify-{i}"))

    def names(self) -> list[str]:
        return list(self._targets)

    def channel(self, name: str) -> str:
        return self._targets[name].channel

    def masked_url(self, name: str) -> str:
        """The notifier's URL with secrets hidden: apprise's privacy form, then our mask."""
        return self._targets[name].masked

    def render(self, name: str, alert: models.Alert) -> Message:
        return render(alert, self.channel(name))

    def build_test_message(self, name: str) -> Message:
        return self.render(name, sample_alert(name))

    async def send(self, name: str, message: Message) -> tuple[bool, str | None]:
        """Deliver one message to one notifier: (True, None) only when apprise reports success
        for it, else (False, reason). Never raises; the reason never holds a secret."""
        target = self._targets.get(name)
        if target is None:
            return False, f"no notifier named {name!r}"
        try:
            return await asyncio.get_running_loop().run_in_executor(target.pool, self._deliver, target, message)
        except Exception as e:  # noqa: BLE001 - send() never raises
            return False, _reason(f"{type(e).__name__}: {e}")

    def _deliver(self, target: _Target, message: Message) -> tuple[bool, str | None]:
        with target.lock:
            extras = getattr(target.plugin, "payload_extras", None)
            if message.fields and isinstance(extras, dict):
                # a JSON webhook: our fields join the payload for this one message (the user's own
                # :key=value extras win over ours)
                # (payload_extras: only the webhook plugins have it, so NotifyBase does not declare it)
                target.plugin.payload_extras = {**message.fields, **extras}  # type: ignore[attr-defined]
            try:
                return self._notify(target, message)
            finally:
                if message.fields and isinstance(extras, dict):
                    target.plugin.payload_extras = extras  # type: ignore[attr-defined]

    def _notify(self, target: _Target, message: Message) -> tuple[bool, str | None]:
        try:
            with target.apprise.notify(
                body=message.body, title=message.title, body_format=apprise.NotifyFormat(message.body_format),
                timeout=self.timeout,
            ) as result:
                statuses = [r.status for r in result]
                ok = bool(result) and bool(statuses) and all(
                    s == apprise.AppriseResultStatus.SUCCESS for s in statuses)
                if ok:
                    return True, None
                said = [e.message for e in result.logs() if e.level in ("WARNING", "ERROR")]
                status = result.status.name if hasattr(result.status, "name") else str(result.status)
                detail = "; ".join(said[-2:]) or "no detail from apprise"
                return False, _reason(f"{status}: {detail}")
        except Exception as e:  # noqa: BLE001 - a plugin bug is a failed delivery, not a crash
            return False, _reason(f"{type(e).__name__}: {e}")


def _reason(text: str) -> str:
    return trim(secrets.mask(_SPACE.sub(" ", text)).strip(), REASON_MAX)
