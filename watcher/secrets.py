"""Secrets never reach a log line: a registry of secret strings and a logging filter that masks them.

Notifier URLs (and the ``${NAME}`` values expanded into them, in notifiers, in a source's URL and
headers, in the database URL) are registered once, when the config is read and the notifiers are
built; ``register_url`` also picks out a URL's password and token-like parts. From
then on every log record that passes through a masked logger or handler has those strings
replaced with ``***`` in its message, its arguments, its ``extra=`` fields and its exception text.

Why a record factory as well as a filter: a filter on a logger only sees records created by that
very logger, not those propagated from its children, and a filter on a handler misses handlers
added later (a reconfigured daemon, pytest's caplog). ``install()`` on the root logger therefore
also wraps the log-record factory, so every record created anywhere is masked at birth.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

MASK = "***"
MIN_LENGTH = 3  # shorter strings would mask ordinary words everywhere

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def register(*secrets: str | None) -> None:
    """Add secret strings (and their percent-decoded and percent-encoded forms: a key in a source
    URL is sent, and logged, encoded) to the masked set."""
    global _pattern
    new: set[str] = set()
    for s in secrets:
        if not s or not isinstance(s, str):
            continue
        for form in {s, unquote(s), quote(s, safe="")}:
            if len(form) >= MIN_LENGTH:
                new.add(form)
    with _lock:
        if new <= _secrets:
            return
        _secrets.update(new)
        # Longest first, so a whole URL is replaced before the token inside it.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


# What register_url counts as secret in a URL besides the password: values of these query keys,
# and parts that look like tokens.
_SECRET_KEYS = ("pass", "password", "pwd", "token", "key", "apikey", "secret", "auth", "webhook")
_SPLIT = re.compile(r"[/?&=#,;:@+ ]+")


def _token_like(s: str) -> bool:
    return len(s) >= 20 or (len(s) >= 8 and any(c.isdigit() for c in s) and any(c.isalpha() for c in s))


def register_url(url: str, masked: str | None = None) -> None:
    """Register a notifier URL, its password and its token-like parts as secrets.

    A part counts as secret when it is the password or a secret-named query value, when it looks
    like a token, or when apprise hides it in its own privacy form (``masked``) and it is not a
    plain word or host name (so "services" or "hooks.slack.com" never become masked words)."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        register(url)  # unreadable: hide it whole
        return
    if password:
        found.append(password)
    pairs = [pair.partition("=") for pair in parts.query.split("&")]
    keys = {key for key, _, _ in pairs}
    for key, _, value in pairs:
        if key.lower() in _SECRET_KEYS and value:
            found.append(value)
    # netloc by hand: urlsplit lowercases .hostname, and Slack's first token sits there
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    host = hostport.rsplit(":", 1)[0] if hostport.count(":") == 1 else hostport
    candidates = [user, host, *_SPLIT.split(parts.path), *_SPLIT.split(parts.query)]
    shown = unquote(masked) if masked else None
    for c in candidates:
        c = unquote(c)
        if not c or c in keys:
            continue
        hidden = (shown is not None and len(c) >= 4 and c not in shown and "." not in c
                  and any(ch.isdigit() or ch.isupper() for ch in c))
        if hidden or _token_like(c):
            found.append(c)
    register(*found)
    if found:  # the whole URL is a secret too; one that holds none (json://127.0.0.1:8080/x) is shown as is
        register(url)


def clear() -> None:
    """Forget every secret (for tests)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


def mask(text: object) -> str:
    """``text`` as a string with every registered secret replaced by ``***``."""
    s = text if isinstance(text, str) else str(text)
    pattern = _pattern
    if pattern is None or not s:
        return s
    return pattern.sub(MASK, s)


_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def _mask_record(record: logging.LogRecord) -> None:
    if _pattern is None:
        return
    # fields given as extra= (the JSON log writes them out): set after the factory has run, so
    # the handler's filter masks them again
    for key, value in list(vars(record).items()):
        if key not in _STANDARD and isinstance(value, str):
            setattr(record, key, mask(value))
    if getattr(record, "_watcher_masked", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string: mask what we have
        message = f"{record.msg} {record.args!r}"
    masked = mask(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    record._watcher_masked = True


class SecretMasker(logging.Filter):
    """Masks registered secrets in a record in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        _mask_record(record)
        return True


_masker = SecretMasker()
_factory_installed = False


def _install_factory() -> None:
    global _factory_installed
    with _lock:
        if _factory_installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _mask_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True


def install(logger: logging.Logger | None = None, *, handlers: Iterable[logging.Handler] = ()) -> SecretMasker:
    """Mask secrets in records of ``logger`` (default: the root logger) and of its handlers.

    On the root logger this also masks every record at creation (see the module docstring).
    """
    logger = logger if logger is not None else logging.getLogger()
    if logger is logging.getLogger():
        _install_factory()
    for target in (logger, *logger.handlers, *handlers):
        if _masker not in target.filters:
            target.addFilter(_masker)
    return _masker


def display_url(url: str) -> str:
    """A database URL with its password hidden, as SQLAlchemy spells it (user:***@host), without
    loading SQLAlchemy (`check` prints it)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, tail = rest.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    user = userinfo.partition(":")[0]
    return f"{scheme}://{user}:{MASK}@{host}{slash}{tail}"
