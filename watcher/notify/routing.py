"""Which notifiers an alert goes to: a pure decision from the rules that matched."""
from __future__ import annotations

from collections.abc import Iterable

from .. import config, models


def route(hits: Iterable[models.Hit], rules: Iterable[config.Rule], all_names: list[str]) -> tuple[str, ...]:
    """The notifiers an alert goes to: each hit's rule `notify` list, or every notifier."""
    by_name = {r.name: r for r in rules}
    out: list[str] = []
    for h in hits:
        r = by_name.get(h.rule)
        for n in (r.notify if r is not None and r.notify is not None else all_names):
            if n not in out:
                out.append(n)
    return tuple(out)

