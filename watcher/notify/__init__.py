"""Alert -> message per channel, and delivery through apprise.

- ``render``: every text watcher sends or prints (alerts per channel, health messages, the "log"
  notifier's line). Pure.
- ``routing``: which notifiers an alert goes to. Pure.
- ``deliver``: ``Notifiers``, one apprise object per notifier; ``send()`` never raises.

The URL-secret heuristics live in ``watcher.secrets`` (``register_url``).

Note: the function ``render`` is re-exported here under the same name as the module
``watcher.notify.render``, so ``notify.render(...)`` is the function. Reach the module with
``from watcher.notify.render import ...``, not ``import watcher.notify.render as ...``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .render import (
    CHANNELS,
    ELLIPSIS,
    EVENT_MAX,
    FIELD_MAX,
    HEADLINE_MAX,
    MAX_ALSO,
    MAX_HITS,
    MAX_KEYWORDS,
    SNIPPET_MAX,
    TITLE_MAX,
    URL_MAX,
    JSONValue,
    Message,
    channel_of,
    clean,
    fields,
    health_failing,
    health_recovered,
    highlight,
    log_alert,
    md,
    render,
    safe_url,
    sample_alert,
    trim,
    usd_text,
)
from .routing import route

if TYPE_CHECKING:
    from .deliver import REASON_MAX, Notifiers, quiet_apprise


def __getattr__(name: str) -> Any:
    """Delivery (and with it apprise, a quarter second to import) loads when first asked for:
    a poll that sends nothing never imports it."""
    if name in ("REASON_MAX", "Notifiers", "quiet_apprise"):
        from . import deliver

        return getattr(deliver, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "CHANNELS", "ELLIPSIS", "EVENT_MAX", "FIELD_MAX", "HEADLINE_MAX", "MAX_ALSO", "MAX_HITS", "MAX_KEYWORDS",
    "REASON_MAX", "SNIPPET_MAX", "TITLE_MAX", "URL_MAX",
    "JSONValue", "Message", "Notifiers",
    "channel_of", "clean", "fields", "health_failing", "health_recovered", "highlight", "log_alert", "md",
    "quiet_apprise", "render", "route", "safe_url", "sample_alert", "trim", "usd_text",
]
