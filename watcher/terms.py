"""The rule language: a term is words with placeholders, parsed when the config loads.

    {money}    an amount: "$120 million", "US$1.2bn", "1 trillion won", "10亿元"
    {company}  where a watched company's name stands: "hire {company}'s team"
    {any}      up to four words: "buy {any} chips"

Words inflect (acquire -> acquires, acquired, acquiring); hyphens and spaces are the same;
Chinese, Korean and Japanese words match inside text without spaces. A term that cannot match
is an error, never a silent no-op: an unknown placeholder, one that stands at an edge where it
adds nothing ({any} first or last), two placeholders side by side, a second {company} or
{money}, or a term with no word at all. The caller names the key; TermError says what is wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import has_cjk, phrase_forms
from .lexicon.text import MONEY, fold, on_boundary

PLACEHOLDERS = ("{money}", "{company}", "{any}")
_SPLIT = re.compile(r"(\{[^{}]*\})")
# up to four words, or (in text without spaces) up to eight characters
_ANY = r"(?:(?:(?:(?:[A-Za-z]\.){2,}|[^\s,;:.!?]+)\s+){0,4}?|[^\s,;:.!?，。；：！？]{0,8}?)"  # "U.S." is one word
SLOT = "\ue000"  # what a watched name is masked with in text a {company} term is matched against
_SLOT_RX = f"{SLOT}+(?:'s)?"


class TermError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    text: str  # as written
    parts: tuple[str, ...]  # literal chunks and placeholders, in order
    anchors: tuple[str, ...]  # folded surface forms of the first literal part (what the index finds)
    pattern: str | None  # regex over folded text (aliases masked with SLOT) when there is more than one part

    @property
    def has_company(self) -> bool:
        return "{company}" in self.parts

    @property
    def has_money(self) -> bool:
        return "{money}" in self.parts

    @property
    def literal(self) -> bool:
        return self.pattern is None


def parse(text: str, *, inflect: bool = True) -> Term:
    """Parse one term; raises TermError saying what cannot work."""
    if not isinstance(text, str) or not text.strip():
        raise TermError("a term must be a non-empty string")
    raw = [p for p in _SPLIT.split(text.strip()) if p.strip()]
    parts: list[str] = []
    for p in raw:
        if p.startswith("{"):
            if p not in PLACEHOLDERS:
                raise TermError(f"unknown placeholder {p} in {text!r} (known: {', '.join(PLACEHOLDERS)})")
            if parts and parts[-1] in PLACEHOLDERS:
                raise TermError(f"{parts[-1]} and {p} stand side by side in {text!r}: put a word between them")
            if p in ("{company}", "{money}") and p in parts:
                raise TermError(f"{p} appears twice in {text!r}")
            parts.append(p)
        else:
            if "{" in p or "}" in p:
                raise TermError(f"unbalanced brace in {text!r}")
            parts.append(p.strip())
    words = [p for p in parts if p not in PLACEHOLDERS]
    if not words:
        raise TermError(f"{text!r} has no word to look for, only placeholders")
    if parts[0] == "{any}" or parts[-1] == "{any}":
        raise TermError(f"{{any}} at the edge of {text!r} matches nothing more: remove it")
    first = words[0]
    forms = phrase_forms(first) if inflect and not has_cjk(first) else {first}
    anchors = tuple(sorted({fold(f) for f in forms if fold(f).strip()}, key=len, reverse=True))
    pattern = None if len(parts) == 1 else _regex(parts, inflect)
    return Term(text, tuple(parts), anchors, pattern)


def _literal_rx(part: str, inflect: bool) -> str:
    forms = phrase_forms(part) if inflect and not has_cjk(part) else {part}
    alts = sorted({re.escape(fold(f)) for f in forms}, key=len, reverse=True)
    body = "(?:" + "|".join(alts) + ")"
    # Latin words need edges; CJK text has none
    return (r"(?<![\w])" if not has_cjk(part[:1]) else "") + body + (r"(?![\w])" if not has_cjk(part[-1:]) else "")


def _regex(parts: list[str], inflect: bool) -> str:
    pieces = []
    for p in parts:
        if p == "{money}":
            pieces.append(f"(?:{MONEY})")
        elif p == "{any}":
            pieces.append(_ANY)
        elif p == "{company}":
            pieces.append(_SLOT_RX)
        else:
            # "'s team" after a {company}: the possessive is part of the slot
            lit = p[2:].strip() if p.startswith("'s") and pieces and pieces[-1] == _SLOT_RX else p
            if lit:
                pieces.append(_literal_rx(lit, inflect))
    return r"\s*".join(pieces)


def fold_key(word: str) -> str:
    """A trigger word as an exclusion table key: folded, placeholders dropped."""
    return " ".join(fold(_SPLIT.sub(" ", word)).split())


def guards(exclusion: Term, trigger: str) -> bool:
    """Does an exclusion contain (an inflection of) the trigger it says it guards?"""
    words = fold(" ".join(p for p in exclusion.parts if p not in PLACEHOLDERS))
    for f in phrase_forms(trigger) | {trigger}:
        ff = fold(f)
        at = words.find(ff)
        while ff and at >= 0:
            if on_boundary(words, at, at + len(ff)):  # Latin edges need a boundary, CJK ones none
                return True
            at = words.find(ff, at + 1)
    return False
