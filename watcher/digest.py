"""Digests (pure): a notifier with `digest = "hourly"` or `"daily 08:00"` (in `[watcher] timezone`)
gets one message per period listing that period's alerts grouped by company, instead of one
message each. `digest_rules` limits that to some rules (the others stay immediate), so one
notifier can take deals at once and capital in the morning digest."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from .models import Alert

_DAILY = re.compile(r"^daily\s+([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Schedule:
    every: str  # hourly | daily
    hour: int = 0
    minute: int = 0


def parse(text: str) -> Schedule:
    """"hourly" or "daily HH:MM"; ValueError naming what is accepted otherwise."""
    t = " ".join(text.strip().lower().split())
    if t == "hourly":
        return Schedule("hourly")
    m = _DAILY.match(t)
    if m:
        return Schedule("daily", int(m.group(1)), int(m.group(2)))
    raise ValueError(f"{text!r}: write \"hourly\" or \"daily HH:MM\" (24-hour clock, in watcher.timezone)")


def last_slot(s: Schedule, now: datetime, tz: tzinfo) -> datetime:
    """The latest digest time at or before `now` (aware, in UTC terms)."""
    local = now.astimezone(tz)
    if s.every == "hourly":
        slot = local.replace(minute=0, second=0, microsecond=0)
    else:
        slot = local.replace(hour=s.hour, minute=s.minute, second=0, microsecond=0)
        if slot > local:
            slot -= timedelta(days=1)
    return slot


def next_slot(s: Schedule, now: datetime, tz: tzinfo) -> datetime:
    """The first digest time after `now`."""
    # aware datetimes add in wall-clock time: a daily 08:00 stays 08:00 across a DST change
    return last_slot(s, now, tz) + (timedelta(hours=1) if s.every == "hourly" else timedelta(days=1))


def split(queued_at: list[datetime], s: Schedule, now: datetime, tz: tzinfo) -> tuple[list[int], list[int]]:
    """Which queued alerts (by position, given when each was queued) go into the digest sent now
    (queued before the latest digest time), and which wait for the next one."""
    slot = last_slot(s, now, tz)
    return [i for i, at in enumerate(queued_at) if at < slot], [i for i, at in enumerate(queued_at) if at >= slot]


def render(alerts: list[Alert], s: Schedule) -> tuple[str, str]:
    """Title and plain-text body: the period's alerts grouped by company, each with its event
    headline, title and link."""
    by: dict[str, list[Alert]] = {}
    for a in alerts:
        company = a.record.company if a.record else (a.hits[0].company if a.hits else "other")
        by.setdefault(company, []).append(a)
    period = "hourly" if s.every == "hourly" else "daily"
    title = f"watcher {period} digest: {len(alerts)} alert{'s' if len(alerts) != 1 else ''}, " \
            f"{len(by)} compan{'ies' if len(by) != 1 else 'y'}"
    lines: list[str] = []
    for company in sorted(by, key=str.casefold):
        lines.append(f"{company}:")
        for a in by[company]:
            head = a.record.headline if a.record else a.title
            lines.append(f"  - {head}: {a.title}" + (f" <{a.link}>" if a.link else ""))
    return title, "\n".join(lines)
