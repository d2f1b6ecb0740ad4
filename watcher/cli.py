"""watcher [--config PATH] run | once | check | test-notify [NAME] | match TEXT | status | replay

Exit codes: 0 done (even when some sources failed: each failure is on stderr with its name),
1 a command failed (e.g. test-notify could not deliver, or another `run` holds the database),
2 a config error, 3 `run` stopped because its database was deleted or replaced under it.
"""
from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from .errors import ConfigError, NotifyError, SchemaError, StoreError, WatcherError

if TYPE_CHECKING:  # `watcher --help` imports none of this: each command imports what it uses
    from .config import Config
    from .match import Explanation
    from .models import Hit
    from .store import Store

log = logging.getLogger("watcher")


def _setup_logging(level: str, fmt: str = "text") -> None:
    from . import secrets
    from .logfmt import formatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    secrets.install(root, handlers=[handler])
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler.executors", "apscheduler.scheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    # apprise logs a failed send itself, and watcher logs it again with apprise's reason in it:
    # one line per failure (apprise's own records still reach its result, and DEBUG shows them)
    logging.getLogger("apprise").propagate = level == "DEBUG"


def _load(args: argparse.Namespace) -> Config:
    from . import config as config_mod
    return config_mod.load(args.config)


def _check_database(cfg: Config, *, thorough: bool = False) -> None:
    """The database as `run` will use it, or a ConfigError naming watcher.database (exit 2).
    `thorough`: read every page too, for a damaged file (dbcheck.py)."""
    from . import config as config_mod
    from .dbcheck import problem
    from .secrets import display_url

    url = config_mod.database_url(cfg)
    found = problem(url, thorough=thorough)
    if found:
        raise ConfigError(f"{cfg.path or '<config>'}: watcher.database ({display_url(url)}): {found}")


# --------------------------------------------------------------------------- commands
def cmd_migrate(args: argparse.Namespace, cfg: Config) -> int:
    """Every schema revision the database lacks, in order (Alembic): an empty database gets the
    tables, one an older watcher made is upgraded keeping every row. Safe to run again."""
    from . import config as config_mod
    from . import migrations
    from .dbcheck import problem
    from .secrets import display_url

    url = config_mod.database_url(cfg)
    found = problem(url, schema=False)
    if found:
        raise ConfigError(f"{cfg.path or '<config>'}: watcher.database ({display_url(url)}): {found}")
    try:
        before, after = migrations.upgrade(url)
    except RuntimeError as e:
        raise SchemaError(str(e)) from None
    except Exception as e:  # noqa: BLE001 - a driver's error, named with the database
        raise StoreError(f"cannot migrate {display_url(url)}: {e}") from e
    if before == after:
        print(f"database {display_url(url)}: at schema revision {after}, nothing to do")
    else:
        print(f"database {display_url(url)}: schema revision {before or 'none (empty)'} -> {after}")
    return 0


def cmd_check(args: argparse.Namespace, cfg: Config) -> int:
    from . import config as config_mod
    from .config import format_duration
    from .secrets import display_url, mask

    _check_database(cfg, thorough=True)
    if cfg.notifier:  # apprise loads (a fifth of a second) only to check notifier URLs there are
        from .notify import Notifiers

        notifiers = Notifiers(cfg.notifier)
    w = cfg.watcher
    print(f"config: {cfg.path}  OK")
    print(f"database: {display_url(config_mod.database_url(cfg))}")
    print(f"user agent: {w.user_agent}")
    print(f"defaults: every {format_duration(w.every)}, max_age {format_duration(w.max_age)}, "
          f"timeout {format_duration(w.timeout)}, max_bytes {w.max_bytes}")
    print(f"sources ({len(cfg.source)}):")
    for s in cfg.source:
        state = "" if s.enabled else "  [disabled]"
        print(f"  {s.name:<28} {s.kind:<14} every {format_duration(cfg.interval(s)):<6} {mask(s.endpoint)}{state}")
    print(f"companies ({len(cfg.company)}): " + ", ".join(c.name for c in cfg.company))
    print(f"rules ({len(cfg.rule)}):")
    for r in cfg.rule:
        to = ", ".join(r.notify) if r.notify is not None else "all notifiers"
        print(f"  {r.name}: {len(r.keywords)} keywords, {len(r.exclude)} exclusions, {len(r.forms)} forms -> {to}")
    print(f"notifiers ({len(cfg.notifier)}):")
    if cfg.notifier:
        for n in cfg.notifier:
            print(f"  {n.name}: {notifiers.masked_url(n.name)}")
    else:
        print("  (none: alerts are written to the log)")
    found = config_mod.warnings(cfg)
    for warning in found:
        print(f"watcher: warning: {cfg.path}: {warning}", file=sys.stderr)
    return 2 if found and getattr(args, "strict", False) else 0


def cmd_once(args: argparse.Namespace, cfg: Config) -> int:
    import asyncio

    from .pipeline import run_once

    _check_database(cfg)
    _say_running(cfg)
    done = asyncio.run(run_once(cfg))
    bad = [r for r in done.results if not r.ok]
    for r in bad:
        print(f"watcher: source {r.source} failed: {r.error}", file=sys.stderr)
    if len(done.results) > 1 and len(bad) == len(done.results):
        print(f"watcher: no source could be reached ({len(bad)} of {len(bad)} failed): is the network up?",
              file=sys.stderr)
    print(f"polled {len(done.results)} sources ({len(bad)} failed): {sum(r.new_items for r in done.results)} new "
          f"items, {sum(r.new_alerts for r in done.results)} new alerts; {done.sent} delivered, "
          f"{done.failed} deliveries failed", file=sys.stderr)
    return 0


def _say_running(cfg: Config) -> None:
    """`once` while a `run` uses the same SQLite file: allowed, and said. Every write is a short
    transaction and every delivery is claimed in the database first, so the two never store an
    item twice nor send an alert twice; what it costs is each source fetched once more, which is
    what asking for a pass now means."""
    from . import config as config_mod
    from .dbguard import holder
    from .quickstore import sqlite_path

    path = sqlite_path(config_mod.database_url(cfg))
    pid = holder(path) if path is not None else None
    if pid is not None:
        print(f"watcher: note: a `watcher run` (pid {pid or 'unknown'}) is using {path} too: this pass polls every "
              "source once more; alerts are still sent once", file=sys.stderr)


def cmd_run(args: argparse.Namespace, cfg: Config) -> int:
    """One `run` per SQLite file: a second one is refused, naming the pid of the first (two
    would fetch every source twice). PostgreSQL takes no lock here."""
    from . import config as config_mod
    from .daemon import run
    from .dbguard import LockHeld, RunLock
    from .quickstore import sqlite_path

    _check_database(cfg, thorough=True)
    path = sqlite_path(config_mod.database_url(cfg))
    lock = None
    if path is not None:
        try:
            lock = RunLock.take(path)
        except LockHeld as e:
            who = f"pid {e.pid}" if e.pid else "another process"
            print(f"watcher: another `watcher run` ({who}) is using {path} (it holds {e.lock}): stop it first, "
                  "or give this one a database of its own (watcher.database)", file=sys.stderr)
            return 1
        except OSError as e:
            print(f"watcher: cannot lock {path}: {e}", file=sys.stderr)
            return 1
    try:
        return run(cfg, args.config)  # exits the process: the lock goes with it
    finally:
        if lock is not None:
            lock.release()


def cmd_test_notify(args: argparse.Namespace, cfg: Config) -> int:
    import asyncio

    from .notify import Notifiers

    notifiers = Notifiers(cfg.notifier)
    names = [args.name] if args.name else notifiers.names()
    if args.name and args.name not in notifiers.names():
        print(f"watcher: no notifier named {args.name!r} in {cfg.path}", file=sys.stderr)
        return 2
    if not names:
        print("watcher: no [[notifier]] configured; alerts go to the log", file=sys.stderr)
        return 1

    async def go() -> int:
        bad = 0
        for n in names:
            ok, err = await notifiers.send(n, notifiers.build_test_message(n))
            print(f"{n}: {'sent' if ok else 'FAILED: ' + str(err)}")
            bad += not ok
        return 1 if bad else 0

    return asyncio.run(go())


def _read_text(args: argparse.Namespace) -> str:
    if not args.text:
        return "" if args.title is not None or args.summary is not None else sys.stdin.read()
    text = " ".join(args.text)
    if text == "-":
        text = sys.stdin.read()
    return text


def hit_line(h: Hit) -> str:
    """One hit as `match` and `replay` show it."""
    return (f"[{h.rule}] {h.company}: {h.kind} ({h.role}), alias {h.alias!r}, trigger {', '.join(h.keywords)!r} "
            f"({h.field}) -- {h.snippet!r}")


def print_explanation(ex: Explanation, out: TextIO | None = None) -> None:
    """What `watcher match` shows: the names found, every event frame read, and the check that
    turned each one down (or ALERT). `out`: stdout as it is at the call."""
    out = out or sys.stdout
    for company, alias, fld in ex.companies:
        print(f"  company  {company}  (name {alias!r} in {fld})", file=out)
    for alias, why, fld in ex.doubts:
        print(f"  doubt    {alias!r} in {fld}: {why}", file=out)
    for text, by, fld in ex.cancelled:
        print(f"  ignored  {text!r}  ({by!r}, in {fld})", file=out)
    for f, verdict_of in ex.frames:
        if f.company < 0:
            continue  # a frame about other companies, kept only for what its sum tells
        who = f.alias or "(the company of the story)"
        extra = "".join(f", {k} {v}" for k, v in (("stage", f.stage), ("with", f.counterparty), ("amount", f.amount))
                        if v)
        verdict = "ALERT" if verdict_of is None else f"no: {verdict_of[0]} -- {verdict_of[1]}"
        print(f"  frame    {f.kind}: {who} is {f.role} ({f.via}) on {f.trigger!r} in {f.field}"
              f"{'' if f.sentence == 0 else f' sentence {f.sentence + 1}'}, {f.clause} clause{extra}", file=out)
        print(f"           -> {verdict}", file=out)
    for h in ex.hits:
        print(f"  HIT      {hit_line(h)}", file=out)


def cmd_match(args: argparse.Namespace, cfg: Config) -> int:
    from .match import build_matcher
    from .normalize import clean_text

    text = _read_text(args)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    title = clean_text(args.title if args.title is not None else (lines[0] if lines else ""))
    summary = clean_text(args.summary if args.summary is not None else
                         ("\n".join(lines[1:]) if args.title is None else text))
    m = build_matcher(cfg)
    ex = m.explain(title, summary)
    if ex.hits:
        verdict = "yes"
    elif ex.frames:
        verdict = "no (every event frame was turned down: " + "; ".join(
            f"{f.alias} {f.kind}: {why[0]} ({why[1]})" for f, why in ex.frames if why) + ")"
    elif ex.companies:
        verdict = "no (a watched company is named, but no deal or capital event is reported)"
    else:
        verdict = "no (no watched company is named)"
    if getattr(args, "json", False):
        names = [c.name for c in cfg.company]
        print(json.dumps({
            "title": title, "summary": summary, "would_alert": bool(ex.hits), "verdict": verdict,
            "companies": [{"company": c, "as_found": a, "field": f} for c, a, f in ex.companies],
            "cancelled": [{"text": t, "by": b, "field": f} for t, b, f in ex.cancelled],
            "frames": [{"kind": f.kind, "stage": f.stage, "company": names[f.company] if 0 <= f.company < len(names)
                        else f.alias, "role": f.role, "trigger": f.trigger, "field": f.field,
                        "counterparty": f.counterparty, "amount": f.amount,
                        "turned_down_by": why[0] if why else None, "why": why[1] if why else None}
                       for f, why in ex.frames],
            "hits": [{"rule": h.rule, "company": h.company, "kind": h.kind, "role": h.role, "alias": h.alias,
                      "keywords": list(h.keywords), "field": h.field} for h in ex.hits],
        }, ensure_ascii=False, indent=1))
        return 0
    print(f"title:   {title}")
    if summary:
        print(f"summary: {summary[:300]}")
    print_explanation(ex)
    print(f"would alert: {verdict}")
    return 0


def cmd_fetch(args: argparse.Namespace, cfg: Config) -> int:
    """One source fetched and parsed, its items printed as the matcher sees them; nothing stored."""
    import asyncio

    from . import config as config_mod
    from .config import format_time
    from .pipeline import preview

    target: str = args.source
    try:
        source = cfg.source_named(target)
        if args.kind and args.kind != source.kind:
            source = source.model_copy(update={"kind": args.kind})
    except KeyError:
        if not target.startswith(("http://", "https://")):
            print(f"watcher: fetch: no source named {target!r} in {cfg.path} (and not an http(s) URL)",
                  file=sys.stderr)
            return 2
        kind = args.kind or "feed"
        if kind == "html":
            print("watcher: fetch: an html source needs selectors; add it to the config as a [[source]] "
                  "and fetch it by name", file=sys.stderr)
            return 2
        try:
            source = config_mod.Source.model_validate({"name": "fetch", "kind": kind, "url": target})
        except ValueError as e:
            print(f"watcher: fetch: {e}", file=sys.stderr)
            return 2
    try:
        items, collected = asyncio.run(preview(cfg, source))
    except (WatcherError, OSError) as e:
        print(f"watcher: fetch {source.name}: {e}", file=sys.stderr)
        return 1
    for f in collected.failures:
        print(f"watcher: fetch {source.name}: {f.part + ': ' if f.part else ''}{f.message}", file=sys.stderr)
    if args.json:
        print(json.dumps([{"title": it.title, "link": it.link,
                           "published": it.published.isoformat() if it.published else None,
                           "summary": it.summary, "key": it.key, "url": it.url, "story_key": it.story_key,
                           "source": it.source, "form": it.form, "company": it.company} for it in items],
                         ensure_ascii=False, indent=1))
        return 0
    for it in items:
        print(f"{it.title}\n  link:      {it.link or ''}\n  published: {format_time(it.published, 'no date')}"
              f"\n  key:       {it.key}\n  url:       {it.url or ''}")
        if it.summary:
            print(f"  summary:   {it.summary[:300]}")
    print(f"{len(items)} items from {source.name} ({source.kind}); nothing stored or sent", file=sys.stderr)
    return 0


def clip(text: str, width: int) -> str:
    """At most `width` characters, cut at a word boundary with an ellipsis (pure)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut).rstrip(" ,;:") + "…"


def source_health(enabled: bool, failures: int, next_poll: datetime | None, last_success: datetime | None,
                  now: datetime) -> str:
    """One word for a source's state (pure): ok, failing, backoff, never, disabled."""
    if not enabled:
        return "disabled"
    if failures:
        return "backoff" if next_poll is not None and next_poll > now else "failing"
    return "ok" if last_success is not None else "never"


@dataclass
class SourceRow:
    name: str
    kind: str
    state: str
    last_success: datetime | None
    items: int
    failures: int
    failing_since: datetime | None
    next_poll: str
    last_error: str | None


@dataclass
class NotifierRow:
    name: str
    counts: dict[str, int]
    failing: str | None
    next_try: datetime | None
    configured: bool


def _status_store(url: str) -> Store:
    """The database as `status` reads it: read-only (mode=ro, a short busy timeout), so that it
    answers at once while a `run` holds the write lock, and changes nothing. A database not made
    yet reads as an empty one (nothing is created); one of another schema revision is refused
    saying what to do (SchemaError)."""
    from . import migrations
    from .dbguard import file_id
    from .errors import SchemaError
    from .quickstore import sqlite_path
    from .secrets import display_url
    from .store import Store

    path = sqlite_path(url)
    if path is None:
        return Store(url)
    if file_id(path) is None:
        return Store("sqlite://")  # in memory: every source "never" polled, nothing queued
    store = Store(url, read_only=True)
    try:
        with store.reading() as conn:
            why = migrations.verdict(migrations.version_of(conn))
    except Exception:
        store.close()
        raise
    if why is not None:
        store.close()
        raise SchemaError(f"the database {display_url(url)} {why}")
    return store


def cmd_status(args: argparse.Namespace, cfg: Config) -> int:
    """Source health, the outbox and recent events. Exit 0 when every enabled source and notifier
    is well, 1 when one is failing (for health checks and cron), 2 for a config or database error."""
    from . import config as config_mod
    from .config import format_time
    from .store import utcnow

    store = _status_store(config_mod.database_url(cfg))
    try:
        states = {s.name: s for s in store.all_source_states()}
        now = utcnow()
        rows = []
        for s in cfg.source:
            st = states.get(s.name)
            if st is None:
                rows.append(SourceRow(s.name, s.kind, source_health(s.enabled, 0, None, None, now), None, 0, 0, None,
                                      "at start", None))
                continue
            if st.next_poll and st.next_poll > now:
                nxt = format_time(st.next_poll)
            elif st.last_attempt:
                nxt = format_time(max(now, st.last_attempt + timedelta(seconds=cfg.interval(s))))
            else:
                nxt = "at start"
            rows.append(SourceRow(s.name, s.kind, source_health(s.enabled, st.failures, st.next_poll, st.last_success,
                                                                now),
                                  st.last_success, st.items_seen, st.failures, st.failing_since, nxt,
                                  st.last_error if st.failures else None))
        counts = store.outbox_counts()
        trouble = store.outbox_trouble()
        configured = {n.name for n in cfg.notifier}
        notifiers = []
        for name, c in sorted(counts.items()):
            err, retry_at = trouble.get(name, (None, None))
            notifiers.append(NotifierRow(name, dict(sorted(c.items())), err, retry_at,
                                         name in configured or not cfg.notifier))
        recent = store.events_since(now - timedelta(days=7))
        items = store.count_items()
        group = store.instances(now)  # [] on SQLite: one instance, holding every source
    finally:
        store.close()
    unwell = [r.name for r in rows if r.state in ("failing", "backoff")] + [n.name for n in notifiers if n.failing]
    pending = sum(n.counts.get("pending", 0) for n in notifiers)
    if getattr(args, "json", False):
        out = {"healthy": not unwell, "failing": unwell, "sources": [asdict(r) for r in rows],
               "notifiers": [asdict(n) for n in notifiers], "outbox_pending": pending, "events_7d": len(recent),
               "items": items}
        if group:
            out["instances"] = [{"id": g.id, "host": g.host, "pid": g.pid, "version": g.version,
                                 "started": g.started, "heartbeat": g.heartbeat, "sources": list(g.sources)}
                                for g in group]
        print(json.dumps(out, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v), indent=1))
        return 1 if unwell else 0
    width = max([6] + [len(r.name) for r in rows])
    print(f"{'source':<{width}}  {'state':<8} {'last success':<20} {'items':>5} {'fails':>5}  "
          f"{'next poll':<20} last error")
    for r in rows:
        print(f"{r.name:<{width}}  {r.state:<8} {format_time(r.last_success):<20} {r.items:>5} {r.failures:>5}  "
              f"{r.next_poll:<20} {clip(r.last_error or '', 100)}".rstrip())
    print(f"outbox: {pending} pending")
    for n in notifiers:
        line = f"  {n.name}: " + ", ".join(f"{k} {v}" for k, v in n.counts.items())
        if n.failing:
            line += f"; failing: {clip(n.failing, 100)} (next try {format_time(n.next_try)})"
        if not n.configured and (n.counts.get("pending") or n.counts.get("sending")):
            line += "; not configured any more: these wait"
        print(line)
    if recent:
        quiet = sum(max(0, ev.reports - 1) for ev, _ in recent)
        print(f"events (last 7 days): {len(recent)}, with {quiet} later reports folded into them "
              "(queued alerts list them; sent ones got a follow-up only for a new fact)")
        for ev, _ in recent[:10]:
            print(f"  {format_time(ev.first_seen)}  {ev.reports:>3} reports  {ev.headline}")
        if len(recent) > 10:
            print(f"  ... and {len(recent) - 10} more (watcher events --since 7d)")
    print(f"items stored: {items}")
    if group:
        print(f"instances sharing the database: {len(group)}")
        for g in group:
            age = (now - g.heartbeat).total_seconds() if g.heartbeat else None
            said = f"{age:.0f}s ago" if age is not None and age < 3600 else format_time(g.heartbeat)
            print(f"  {g.host} pid {g.pid} (watcher {g.version}): last heartbeat {said}, holds {len(g.sources)} "
                  f"sources{': ' + clip(', '.join(g.sources), 100) if g.sources else ''}")
    if unwell:
        print(f"failing: {', '.join(unwell)}", file=sys.stderr)
    return 1 if unwell else 0


def _since(args: argparse.Namespace, command: str) -> datetime | None:
    """The moment `--since 7d` names, or None after saying on stderr why it cannot be read."""
    from .config import parse_duration
    from .store import utcnow

    try:
        return utcnow() - timedelta(seconds=parse_duration(args.since))
    except ValueError as e:
        print(f"watcher: {command} --since: {e}", file=sys.stderr)
        return None


def cmd_events(args: argparse.Namespace, cfg: Config) -> int:
    """The events of the last `--since` and every report of each."""
    from . import config as config_mod
    from .config import format_time
    from .store import Store

    since = _since(args, "events")
    if since is None:
        return 2
    store = Store(config_mod.database_url(cfg))
    try:
        found = store.events_since(since)
    finally:
        store.close()
    if args.json:
        out = [{"id": ev.id, "headline": ev.headline, "company": ev.company, "kind": ev.kind, "label": ev.label,
                "counterparty": ev.counterparty, "amount": ev.amount, "currency": ev.currency, "amount_usd": ev.usd,
                "stage": ev.stage, "facts": list(ev.facts),
                "first_reported": ev.first_seen.isoformat() if ev.first_seen else None,
                "last_reported": ev.last_seen.isoformat() if ev.last_seen else None,
                "reports": ev.reports, "sources": list(ev.sources),
                "items": [{"source": src, "title": title, "link": link} for src, title, link in items]}
               for ev, items in found]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for ev, items in found:
        print(f"{format_time(ev.first_seen)}  {ev.headline}")
        print(f"    {ev.reports} report{'s' if ev.reports != 1 else ''}, last {format_time(ev.last_seen)}: "
              + ", ".join(ev.sources))
        for src, title, link in items:
            print(f"      {src}: {title[:100]}  {link or ''}")
    print(f"{len(found)} events since {since:%Y-%m-%d %H:%M} UTC")
    return 0


def cmd_replay(args: argparse.Namespace, cfg: Config) -> int:
    """Stored items through today's rules on the poll's own path: the matcher, max_age as of when
    each was seen, and ingest into a scratch database, so that copies fold into one alert and
    reports join their event exactly as `run` would have done. Sends nothing, stores nothing."""
    import tempfile
    from pathlib import Path

    from . import config as config_mod
    from . import events as event_mod
    from .config import format_duration
    from .ingest import Candidate
    from .match import build_matcher
    from .notify import route
    from .store import Store

    since = _since(args, "replay")
    if since is None:
        return 2
    store = Store(config_mod.database_url(cfg))
    try:
        rows = store.items_seen_since(since)
    finally:
        store.close()
    m = build_matcher(cfg)
    names = [n.name for n in cfg.notifier] or ["log"]
    w = cfg.watcher
    out = []
    with tempfile.TemporaryDirectory(prefix="watcher-replay-") as tmp:
        scratch = Store(f"sqlite:///{Path(tmp) / 'replay.db'}")
        try:
            for item, seen in rows:
                ex = m.explain_item(item)
                too_old = item.published is not None and (seen - item.published).total_seconds() > w.max_age
                matched = {} if too_old or not ex.hits else {
                    item.key: Candidate(item, ex.hits, route(ex.hits, m.rules, names))}
                res = scratch.ingest(item.source, [item], matched, now=seen, story_window=w.story_window,
                                     event_window=w.event_window)
                verdict = ("alert" if res.new_alerts else "update" if res.updates
                           else "folded" if ex.hits and not too_old else "too old" if ex.hits else "no match")
                out.append((item, seen, verdict, ex))
        finally:
            scratch.close()
    alerts = sum(v in ("alert", "update") for _, _, v, _ in out)
    if getattr(args, "json", False):
        print(json.dumps([{"source": it.source, "title": it.title, "link": it.link, "seen": seen.isoformat(),
                           "verdict": v, "events": [event_mod.headline(e) for e in event_mod.from_hits(ex.hits)],
                           "hits": [{"rule": h.rule, "company": h.company, "kind": h.kind, "role": h.role,
                                     "alias": h.alias, "field": h.field} for h in ex.hits]}
                          for it, seen, v, ex in out if v != "no match" or args.all], ensure_ascii=False, indent=1))
        return 0
    marks = {"alert": "ALERT", "update": "UPDAT", "folded": "  +  ", "too old": " old ", "no match": "-----"}
    for it, _, v, ex in out:
        if v == "no match" and not args.all:
            continue
        print(f"{marks[v]} {it.source}: {it.title}\n      {it.link or ''}")
        if v == "folded":
            print("      folded into an alert or event above (a copy, or another report of it)")
        elif v == "too old":
            print(f"      published more than max_age ({format_duration(w.max_age)}) before it was seen: no alert")
        for h in ex.hits if v in ("alert", "update") else ():
            print(f"      {hit_line(h)}")
        for event in event_mod.from_hits(ex.hits) if v in ("alert", "update") else ():
            print(f"      event: {event_mod.headline(event)}")
    folded = sum(v == "folded" for _, _, v, _ in out)
    print(f"{alerts} alert{'' if alerts == 1 else 's'} from {len(out)} stored items since {since:%Y-%m-%d %H:%M} UTC "
          f"({folded} more reports folded into them); nothing was sent")
    return 0


def cmd_mute(args: argparse.Namespace, cfg: Config) -> int:
    """Stop sending alerts about a company, or of an event kind, for a while (they are still stored)."""
    from . import config as config_mod
    from .config import format_time
    from .mute import target_kind
    from .store import Store, utcnow

    found = target_kind(args.target, [c.name for c in cfg.company])
    if found is None:
        print(f"watcher: mute: {args.target!r} is neither a watched company in {cfg.path} nor an event kind "
              "(acquisition, merger, sale, acquihire, licence, funding, valuation, ipo, spac, deal)", file=sys.stderr)
        return 2
    try:
        seconds = config_mod.parse_duration(getattr(args, "for"))
    except ValueError as e:
        print(f"watcher: mute: --for: {e}", file=sys.stderr)
        return 2
    target, kind = found
    now = utcnow()
    until = now + timedelta(seconds=seconds)
    store = Store(config_mod.database_url(cfg))
    try:
        store.add_mute(target, kind, until, now)
    finally:
        store.close()
    print(f"muted {kind} {target} until {format_time(until)}: its alerts are stored but not sent "
          f"(watcher unmute {target})")
    return 0


def cmd_unmute(args: argparse.Namespace, cfg: Config) -> int:
    from . import config as config_mod
    from .store import Store

    store = Store(config_mod.database_url(cfg))
    try:
        n = store.remove_mute(args.target)
    finally:
        store.close()
    if not n:
        print(f"watcher: unmute: nothing named {args.target!r} is muted", file=sys.stderr)
        return 1
    print(f"unmuted {args.target}: its next alerts are sent (the ones held while muted stay unsent)")
    return 0


def cmd_mutes(args: argparse.Namespace, cfg: Config) -> int:
    from . import config as config_mod
    from .config import format_time
    from .store import Store, utcnow

    store = Store(config_mod.database_url(cfg))
    try:
        mutes = store.mutes(utcnow())
    finally:
        store.close()
    if getattr(args, "json", False):
        print(json.dumps([{"target": m.target, "kind": m.kind, "until": m.until.isoformat()} for m in mutes]))
        return 0
    for m in mutes:
        print(f"{m.kind:<8} {m.target:<28} until {format_time(m.until)}")
    if not mutes:
        print("nothing is muted")
    return 0


def cmd_demo(args: argparse.Namespace, cfg: Config) -> int:
    """Sample news on loopback, polled once with this config's watchlist and rules; prints the alerts."""
    from .demo.run import run

    return run(cfg, sys.stdout)


# --------------------------------------------------------------------------- entry point
SINCE_HELP = "how far back: a duration such as 7d, 12h or 30m (default 7d)"


def _global_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    """Options every command takes, before or after its name (`watcher check --config x`). On a
    subcommand they default to nothing, so they never override what was given before it."""
    d: dict[str, Any] = {} if top else {"default": argparse.SUPPRESS}
    p.add_argument("--config", **({"default": None} if top else d),
                   help="config file (default: $WATCHER_CONFIG, else ./config.toml)")
    p.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], type=str.upper,
                   **({"default": None} if top else d), help="log level (default: watcher.log_level, INFO)")
    p.add_argument("--log-format", choices=["text", "json"], **({"default": None} if top else d),
                   help="log lines as text or as one JSON object each (default: watcher.log_format, text)")
    p.add_argument("-v", "--verbose", action="store_const", dest="log_level", const="DEBUG", **d,
                   help="log everything (DEBUG)")
    p.add_argument("-q", "--quiet", action="store_const", dest="log_level", const="WARNING", **d,
                   help="log only warnings and errors")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("watcher")
    except PackageNotFoundError:
        return "unknown"


class _Version(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, *a: object, **kw: object) -> None:
        print(f"watcher {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="watcher", description="Alerts on deals and capital events of AI-chip startups.")
    p.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    _global_options(p, top=True)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help, description=help)
        _global_options(c, top=False)
        return c

    command("demo", "see alerts offline: sample news polled once with this config's watchlist, printed as "
                    "Slack, e-mail and a webhook get them")
    command("run", "run the daemon: poll every source on its schedule and deliver, until SIGTERM")
    command("once", "poll every enabled source once, deliver what is queued, exit (for cron)")
    command("migrate", "create the database's tables, or upgrade a database an older watcher made, in place")
    c = command("check", "validate the config and the database, and print a summary")
    c.add_argument("--strict", action="store_true",
                   help="exit 2 on warnings too (no enabled source, an empty watchlist, no rule, "
                        "a placeholder contact)")
    t = command("test-notify", "send a test message to every notifier, or to the named one")
    t.add_argument("name", nargs="?", help="a notifier's name (default: all of them)")
    m = command("match", "show what a text matches, and whether and why it would alert")
    m.add_argument("text", nargs="*", help="the text (first line is the title); - or nothing reads stdin")
    m.add_argument("--title", default=None, help="the headline, when the text is not given as lines")
    m.add_argument("--summary", default=None, help="the lead or body that goes with --title")
    m.add_argument("--json", action="store_true", help="one JSON object: names, frames, checks, hits, the verdict")
    f = command("fetch", "fetch and parse one source (or a URL) and print its items; stores nothing")
    f.add_argument("source", help="a configured source's name, or an http(s) URL")
    f.add_argument("--kind", choices=["feed", "html", "edgar-filings", "edgar-search"], default=None,
                   help="how to read a URL (default feed)")
    f.add_argument("--json", action="store_true", help="one JSON array: title, link, published (UTC), summary, keys")
    st = command("status", "source health, outbox and recent events; exit 1 when a source or notifier is failing")
    st.add_argument("--json", action="store_true", help="one JSON object (for scripts and health checks)")
    e = command("events", "the events of a period and how many reports each had")
    e.add_argument("--since", default="7d", help=SINCE_HELP)
    e.add_argument("--json", action="store_true", help="one JSON array (for scripts)")
    mu = command("mute", "stop sending alerts about a company, or of an event kind, for a while (still stored)")
    mu.add_argument("target", help="a watched company's name, or an event kind (funding, acquisition, ipo ...)")
    mu.add_argument("--for", default="7d", help="how long: a duration such as 7d, 12h or 30m (default 7d)")
    um = command("unmute", "send a muted company's or event kind's alerts again, from now on")
    um.add_argument("target", help="what `watcher mute` was given")
    ms = command("mutes", "list the mutes in force")
    ms.add_argument("--json", action="store_true", help="one JSON array (for scripts)")
    r = command("replay", "run today's rules over stored items on the poll's path (max_age, copies folded); "
                          "sends nothing")
    r.add_argument("--since", default="7d", help=SINCE_HELP)
    r.add_argument("--all", action="store_true", help="also list items that would not alert")
    r.add_argument("--json", action="store_true", help="one JSON array: each item's verdict, events and hits")
    return p


COMMANDS = {"run": cmd_run, "once": cmd_once, "migrate": cmd_migrate, "check": cmd_check,
            "test-notify": cmd_test_notify, "match": cmd_match, "fetch": cmd_fetch, "status": cmd_status,
            "replay": cmd_replay, "events": cmd_events,
            "mute": cmd_mute, "unmute": cmd_unmute, "mutes": cmd_mutes, "demo": cmd_demo}


def main(argv: list[str] | None = None) -> int:
    # watcher uses no pydantic plugin; looking for them scans every installed package's metadata
    # (15 ms of each start). Set the variable to "" to let plugins load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = build_parser().parse_args(argv)
    if args.config is None:
        args.config = os.environ.get("WATCHER_CONFIG") or "config.toml"
    try:
        cfg = _load(args)
    except ConfigError as e:
        print(f"watcher: config error:\n{e}", file=sys.stderr)
        return 2
    _setup_logging(args.log_level or cfg.watcher.log_level, args.log_format or cfg.watcher.log_format)
    # The modules, the config and its compiled terms live as long as the process: the cyclic
    # collector need never scan them again (it did, on every full pass), nor at exit, where its
    # last pass over a first poll's objects cost a quarter of a second of `once`.
    gc.freeze()
    try:
        return COMMANDS[args.command](args, cfg)
    except NotifyError as e:
        print(f"watcher: config error:\n{cfg.path}: {e}", file=sys.stderr)
        return 2
    except ConfigError as e:
        print(f"watcher: config error:\n{e}", file=sys.stderr)
        return 2
    except SchemaError as e:  # a database to migrate (or a newer watcher's): a mistake to put right
        print(f"watcher: database error: {e}", file=sys.stderr)
        return 2
    except StoreError as e:
        print(f"watcher: database error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `watcher status | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        gc.freeze()  # what the command made is freed with the process, not walked by one last collection
