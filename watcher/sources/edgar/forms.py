"""What an SEC form means (pure tables): the event a form is by itself ("RW" is a withdrawn
registration, an 8-K with item 1.01 an agreement) and the words people read for it."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple


class FormEvent(NamedTuple):
    kind: str  # raise | ipo | withdrawal | deal | report | ownership
    words: str  # for people: "registration withdrawn"


FORM_EVENTS: dict[str, FormEvent] = {
    "D": FormEvent("raise", "private raise: Form D notice of exempt offering"),
    "D/A": FormEvent("raise", "private raise: amended Form D notice of exempt offering"),
    "S-1": FormEvent("ipo", "IPO step: registration statement"),
    "S-1/A": FormEvent("ipo", "IPO step: amended registration statement"),
    "F-1": FormEvent("ipo", "IPO step: foreign issuer registration statement"),
    "F-1/A": FormEvent("ipo", "IPO step: amended foreign issuer registration statement"),
    "DRS": FormEvent("ipo", "IPO step: draft registration statement submitted confidentially"),
    "DRS/A": FormEvent("ipo", "IPO step: amended draft registration statement"),
    "424B4": FormEvent("ipo", "IPO step: final prospectus with the offering price"),
    "RW": FormEvent("withdrawal", "registration withdrawn"),
    "425": FormEvent("deal", "deal: business-combination communication"),
    "DEFM14A": FormEvent("deal", "deal: definitive merger proxy statement"),
    "PREM14A": FormEvent("deal", "deal: preliminary merger proxy statement"),
    "S-4": FormEvent("deal", "deal: registration of shares for a business combination"),
    "S-4/A": FormEvent("deal", "deal: amended registration of shares for a business combination"),
    "SC TO-T": FormEvent("deal", "deal: third-party tender offer"),
    "SC TO-T/A": FormEvent("deal", "deal: amended third-party tender offer"),
    "SC 14D9": FormEvent("deal", "deal: target's response to a tender offer"),
    # Schedule 13D: a holder of more than 5% who may seek to influence or take control. EDGAR
    # renamed the forms from "SC 13D" to "SCHEDULE 13D" in December 2024; both occur.
    "SC 13D": FormEvent("deal", "deal: stake over 5% with intent to influence (Schedule 13D)"),
    "SC 13D/A": FormEvent("deal", "deal: amended stake over 5% with intent to influence (Schedule 13D/A)"),
    "SCHEDULE 13D": FormEvent("deal", "deal: stake over 5% with intent to influence (Schedule 13D)"),
    "SCHEDULE 13D/A": FormEvent("deal", "deal: amended stake over 5% with intent to influence "
                                        "(Schedule 13D/A)"),
    "SC 13G": FormEvent("ownership", "passive stake over 5% (Schedule 13G)"),
    "SC 13G/A": FormEvent("ownership", "amended passive stake over 5% (Schedule 13G/A)"),
    "SCHEDULE 13G": FormEvent("ownership", "passive stake over 5% (Schedule 13G)"),
    "SCHEDULE 13G/A": FormEvent("ownership", "amended passive stake over 5% (Schedule 13G/A)"),
    "8-K": FormEvent("report", "current report"),
    "8-K/A": FormEvent("report", "amended current report"),
    "10-K": FormEvent("report", "annual report"),
    "10-K/A": FormEvent("report", "amended annual report"),
    "10-Q": FormEvent("report", "quarterly report"),
    "20-F": FormEvent("report", "foreign issuer annual report"),
    "6-K": FormEvent("report", "foreign issuer current report"),
}

# 8-K items (Form 8-K General Instructions B).
ITEM_WORDS: dict[str, str] = {
    "1.01": "entry into a material definitive agreement",
    "1.02": "termination of a material definitive agreement",
    "1.03": "bankruptcy or receivership",
    "1.04": "mine safety",
    "1.05": "material cybersecurity incident",
    "2.01": "completed acquisition or disposition of assets",
    "2.02": "results of operations and financial condition",
    "2.03": "creation of a direct financial obligation",
    "2.04": "triggering events that accelerate a financial obligation",
    "2.05": "costs of exit or disposal activities",
    "2.06": "material impairments",
    "3.01": "notice of delisting",
    "3.02": "unregistered sales of equity securities",
    "3.03": "material modification to rights of security holders",
    "4.01": "change in certifying accountant",
    "4.02": "non-reliance on previously issued financial statements",
    "5.01": "change in control of registrant",
    "5.02": "departure or appointment of directors or officers",
    "5.03": "amendments to articles or bylaws",
    "5.04": "suspension of trading under employee benefit plans",
    "5.05": "amendments to the code of ethics",
    "5.06": "change in shell company status",
    "5.07": "submission of matters to a vote of security holders",
    "5.08": "shareholder director nominations",
    "6.01": "ABS informational and computational material",
    "6.02": "change of servicer or trustee",
    "6.03": "change in credit enhancement",
    "6.04": "failure to make a required distribution",
    "6.05": "securities act updating disclosure",
    "7.01": "Regulation FD disclosure",
    "8.01": "other events",
    "9.01": "financial statements and exhibits",
}

# 8-K items that are events in themselves, whatever the text says.
EVENT_ITEMS: dict[str, str] = {"1.01": "agreement", "2.01": "acquisition"}
_CURRENT_REPORTS = ("8-K", "8-K/A")


def split_items(value: Any) -> tuple[str, ...]:
    """'2.02,9.01' / ['1.01', '9.01'] / 'items 1.01, 2.03, 8.01and9.01' -> ('2.02', '9.01')."""
    if not value:
        return ()
    if isinstance(value, str):
        if re.search(r"\d\.\d\d", value):
            parts = re.findall(r"\d{1,2}\.\d{2}", value)
        else:
            parts = re.split(r"[,\s]+", value)
    else:
        parts = [str(v) for v in value]
    return tuple(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def describe_form(form: str, items: Iterable[str] = ()) -> str:
    """Words for a filing: ('RW', ()) -> 'registration withdrawn';
    ('8-K', ('1.01',)) -> 'item 1.01: entry into a material definitive agreement'.
    An unknown form gives ''."""
    form = form.strip()
    items = tuple(items)
    if form.upper() in _CURRENT_REPORTS and items:
        # 9.01 (exhibits) rides along with nearly every 8-K; name it only when it is alone.
        items = tuple(i for i in items if i != "9.01") or items
        return "; ".join(f"item {i}: {ITEM_WORDS[i]}" if i in ITEM_WORDS else f"item {i}"
                         for i in items)
    ev = FORM_EVENTS.get(form) or FORM_EVENTS.get(form.upper())
    return ev.words if ev else ""


def event_kind(form: str, items: Iterable[str] = ()) -> str | None:
    """The kind of event a filing is by its form alone, or None when the form says nothing
    by itself (a 10-Q; an 8-K without item 1.01 or 2.01): raise, ipo, withdrawal, deal,
    agreement, acquisition."""
    form = form.strip().upper()
    if form in _CURRENT_REPORTS:
        for i in items:
            if i in EVENT_ITEMS:
                return EVENT_ITEMS[i]
        return None
    ev = FORM_EVENTS.get(form)
    return ev.kind if ev and ev.kind not in ("report", "ownership") else None


