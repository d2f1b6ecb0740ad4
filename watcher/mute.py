"""Mutes (pure): `watcher mute Groq --for 7d` or `watcher mute funding --for 1d` stops alerts about
a company, or of an event kind, from being sent until the mute runs out. Muted alerts are still
stored, listed by `status` and `events`, and marked "muted" in the outbox: nothing is lost, and
unmuting never sends the old ones."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .lexicon import KINDS
from .models import Alert


@dataclass(frozen=True)
class Mute:
    target: str  # a watched company's name, or an event kind
    kind: str  # "company" | "event"
    until: datetime


def target_kind(target: str, companies: list[str]) -> tuple[str, str] | None:
    """(the target as it will be stored, "company" | "event"), or None when it names neither a
    watched company nor an event kind (case does not matter)."""
    folded = target.strip().casefold()
    for kind in KINDS:
        if folded == kind or (kind == "licence" and folded == "license"):
            return kind, "event"
    for name in companies:
        if folded == name.casefold():
            return name, "company"
    return None


def muted_by(alert: Alert, mutes: list[Mute], now: datetime) -> Mute | None:
    """The mute that silences this alert, if one does."""
    companies = {h.company.casefold() for h in alert.hits}
    kinds = {h.kind for h in alert.hits if h.kind}
    if alert.record is not None:
        if alert.record.company:
            companies.add(alert.record.company.casefold())
        if alert.record.kind:
            kinds.add(alert.record.kind)
    for m in mutes:
        if m.until <= now:
            continue
        if (m.kind == "company" and m.target.casefold() in companies) or (m.kind == "event" and m.target in kinds):
            return m
    return None
