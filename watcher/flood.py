"""The flood guard (pure): a notifier with `max_per_hour = N` gets at most N alerts an hour one by
one; what comes beyond that within the hour is folded into one summary message (at most one
summary an hour), and what comes after a summary waits for the next hour. Nothing is dropped:
folded alerts are listed in the summary and kept in the store (outbox status "folded")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from .models import Alert

HOUR = timedelta(hours=1)
_D = TypeVar("_D")


@dataclass(frozen=True)
class FloodPlan(Generic[_D]):
    each: list[_D]  # send these one by one
    fold: list[_D]  # send these as one summary now
    hold_until: datetime | None  # the rest wait until then (None: nothing waits)
    held: list[_D]


def plan_flood(due: list[_D], limit: int | None, sent_last_hour: int, last_summary: datetime | None,
               now: datetime) -> FloodPlan[_D]:
    """`due`: a notifier's deliveries, oldest first; `sent_last_hour`: alerts it was sent one by
    one in the last hour; `last_summary`: when it last got a summary."""
    if limit is None:
        return FloodPlan(list(due), [], None, [])
    room = max(0, limit - sent_last_hour)
    each, rest = list(due[:room]), list(due[room:])
    if not rest:
        return FloodPlan(each, [], None, [])
    if last_summary is None or last_summary <= now - HOUR:
        return FloodPlan(each, rest, None, [])
    return FloodPlan(each, [], last_summary + HOUR, rest)


def summary(alerts: list[Alert], limit: int) -> tuple[str, str]:
    """The summary's title and plain-text body: one line per folded alert, its title and link."""
    title = f"{len(alerts)} more alert{'s' if len(alerts) != 1 else ''} this hour (flood guard: {limit} an hour)"
    lines = [f"- {a.record.headline if a.record else a.title}: {a.title}" + (f" <{a.link}>" if a.link else "")
             for a in alerts]
    body = "\n".join([f"More than {limit} alerts came within an hour; these are folded into one message "
                      "(each is stored; `watcher events` lists them):", *lines])
    return title, body
