"""One Aho-Corasick pass over a text finds everything the frames need: watched names, trigger words,
exclusions, cue phrases of the lexicon's word classes, chip-context words and other holders of a
watched name. Placeholder terms are confirmed at the hit; exclusions cancel the triggers they
guard; a company's `not` names cancel the alias they contain.

Pure: built once from the config and the lexicon, then scan() is called per text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import ahocorasick

from .lexicon import HANGUL, SPAN_CLASSES, UNINDEXED_CLASSES, Lexicon, TriggerDef, has_cjk, inflected
from .lexicon.text import fold, is_shouting, is_title_case, money_spans, on_boundary
from .terms import SLOT, Term, parse


@dataclass(frozen=True)
class AliasDef:
    company: int
    text: str
    case: bool  # exact case required ("Etched", not "etched")
    ambiguous: bool  # needs chip context even in plain text ("Ampere")


@dataclass(frozen=True)
class TriggerEntry:
    defn: TriggerDef
    term: Term
    rule: int | None = None  # a keyword from this rule (None: from the lexicon)


@dataclass(frozen=True)
class ExclusionEntry:
    guard: frozenset[str]  # folded surface forms of the trigger it guards
    term: Term
    rule: int | None  # only that rule's triggers (None: every rule's)


T = TypeVar("T", "AliasDef", "TriggerEntry")


@dataclass(frozen=True)
class Found(Generic[T]):
    """An occurrence in a text: [start, end) into the text and its folded copy, and what it is."""

    start: int
    end: int
    what: T

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass
class Scan:
    text: str
    folded: str
    aliases: list[Found[AliasDef]] = field(default_factory=list)
    triggers: list[Found[TriggerEntry]] = field(default_factory=list)
    money: list[tuple[int, int]] = field(default_factory=list)
    cues: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    context: list[tuple[int, int]] = field(default_factory=list)
    others: list[tuple[int, str]] = field(default_factory=list)  # (company, other holder's name) found
    cancelled: list[tuple[str, str]] = field(default_factory=list)  # (text, what cancelled it)
    shouting: bool = False
    title_case: bool = False
    memo: dict[object, object] = field(default_factory=dict)  # work done on this text once (tokens per sentence)

    def cue_at(self, cls: str, start: int, end: int) -> bool:
        """A cue of this class lies within [start, end)."""
        return any(start <= s and e <= end for s, e in self.cues.get(cls, ()))

    def cue_spans(self, cls: str, start: int, end: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self.cues.get(cls, ()) if start <= s and e <= end]


_MULTI = ("alias", "not", "trigger", "exclude", "cue", "context")


class Index:
    def __init__(self, aliases: Sequence[AliasDef], not_names: Iterable[tuple[int, str]],
                 triggers: Sequence[TriggerEntry], exclusions: Sequence[ExclusionEntry], lexicon: Lexicon,
                 context_words: Iterable[str]):
        self.lexicon = lexicon
        table: dict[str, list[tuple[str, object]]] = {}

        def add(surface: str, kind: str, what: object) -> None:
            key = fold(surface)
            if key.strip():
                table.setdefault(key, []).append((kind, what))

        for a in aliases:
            add(a.text, "alias", a)
        for company, name in not_names:
            add(name, "not", (company, name))
        for t in triggers:
            for anchor in t.term.anchors:
                add(anchor, "trigger", t)
        for x in exclusions:
            for anchor in x.term.anchors:
                add(anchor, "exclude", x)
        for cls, words in lexicon.words.items():
            if cls in UNINDEXED_CLASSES:
                continue  # read by the frames directly, never looked for in a text
            for w in words:
                if cls in SPAN_CLASSES or " " in w or has_cjk(w):
                    add(w, "cue", cls)
        for w in context_words:
            add(w, "context", w)
        self._auto = ahocorasick.Automaton()
        self._names = ahocorasick.Automaton()  # names only: most texts name no watched company
        for key, entries in table.items():
            self._auto.add_word(key, (len(key), tuple(entries)))
            if any(k == "alias" for k, _ in entries):
                self._names.add_word(key, len(key))
        self._empty = not table
        if table:
            self._auto.make_automaton()
        if len(self._names):
            self._names.make_automaton()

    def names_any(self, text: str) -> bool:
        """Cheap pre-check: does any alias occur at all (ignoring case and boundaries)?"""
        if not text or not len(self._names):
            return False
        return next(self._names.iter(fold(text)), None) is not None

    def scan(self, text: str) -> Scan:
        folded = fold(text)
        sc = Scan(text, folded, shouting=is_shouting(text), title_case=is_title_case(text))
        if not text or self._empty:
            return sc
        sc.money = money_spans(folded)
        aliases: list[Found[AliasDef]] = []
        nots: list[tuple[int, int, int, str]] = []
        placeholder_triggers: list[tuple[int, int, TriggerEntry]] = []
        exclusions: list[tuple[int, int, ExclusionEntry]] = []
        for end_idx, (length, entries) in self._auto.iter(folded):
            start, end = end_idx - length + 1, end_idx + 1
            if not on_boundary(folded, start, end):
                continue
            for kind, what in entries:
                if kind == "alias":
                    assert isinstance(what, AliasDef)
                    if what.case and not self._case_ok(text, start, end, what, sc.shouting):
                        continue
                    aliases.append(Found(start, end, what))
                elif kind == "not":
                    assert isinstance(what, tuple)
                    nots.append((start, end, int(what[0]), str(what[1])))
                elif kind == "trigger":
                    assert isinstance(what, TriggerEntry)
                    placeholder_triggers.append((start, end, what))
                elif kind == "exclude":
                    assert isinstance(what, ExclusionEntry)
                    exclusions.append((start, end, what))
                elif kind == "cue":
                    sc.cues.setdefault(str(what), []).append((start, end))
                elif kind == "context":
                    sc.context.append((start, end))
        # other holders of a name cancel the alias inside them ("Kinara Capital")
        for _s, _e, company, name in nots:
            sc.others.append((company, name))
        kept = []
        for a in aliases:
            by = next((n for n in nots if n[2] == a.what.company and n[0] <= a.start and a.end <= n[1]), None)
            if by:
                sc.cancelled.append((text[a.start:a.end], by[3]))
            else:
                kept.append(a)
        # a shorter name inside a longer one of another company ("AI" inside "Untether AI") goes
        sc.aliases = [a for a in kept if not any(b is not a and b.start <= a.start and a.end <= b.end
                                                 and (b.end - b.start) > (a.end - a.start) for b in kept)]
        masked = _mask(folded, sc.aliases)
        triggers: list[Found[TriggerEntry]] = []
        for start, end, entry in placeholder_triggers:
            span = _confirm(entry.term, masked, start, end)
            if span is not None:
                triggers.append(Found(span[0], span[1], entry))
        excl_spans: list[tuple[int, int, ExclusionEntry]] = []
        for start, end, x in exclusions:
            span = _confirm(x.term, masked, start, end)
            if span is not None:
                excl_spans.append((span[0], span[1], x))
        for tr in triggers:
            surface = folded[tr.start:tr.end]
            if tr.start > 0 and HANGUL.match(folded, tr.start - 1) and self.lexicon.has("word_initial", surface):
                continue  # "운용사들이" (asset managers, as subject) is no "사들이" (buys up)
            excl = next((x for s, e, x in excl_spans if s < tr.end and tr.start < e
                         and (x.rule is None or x.rule == tr.what.rule)
                         and any(g in surface or surface in g for g in x.guard)), None)
            if excl:
                sc.cancelled.append((text[tr.start:tr.end], excl.term.text))
                continue
            sc.triggers.append(tr)
        return sc

    @staticmethod
    def _case_ok(text: str, start: int, end: int, a: AliasDef, shouting: bool) -> bool:
        found = text[start:end].replace("-", " ")
        want = a.text.replace("-", " ")
        return found == want or (shouting and found == want.upper())


def _mask(folded: str, aliases: list[Found[AliasDef]]) -> str:
    if not aliases:
        return folded
    chars = list(folded)
    for a in aliases:
        for i in range(a.start, a.end):
            chars[i] = SLOT
    return "".join(chars)


_CACHE: dict[str, re.Pattern[str]] = {}


def _confirm(term: Term, masked: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a term at an anchor found in [start, end): the anchor itself for a literal
    term, else the placeholder pattern's match that covers the anchor."""
    if term.pattern is None:
        return start, end
    rx = _CACHE.get(term.pattern)
    if rx is None:
        rx = _CACHE[term.pattern] = re.compile(term.pattern)
    lo = max(0, start - 80)
    for m in rx.finditer(masked, lo, min(len(masked), end + 100)):
        if m.start() <= start and m.end() >= end:
            return m.start(), m.end()
        if m.start() > start:
            break
    return None


def lexicon_entries(lexicon: Lexicon) -> list[TriggerEntry]:
    """Every lexicon trigger as index entries, one per surface form."""
    out = []
    for d in lexicon.triggers:
        if "{" in d.term:
            out.append(TriggerEntry(d, parse(d.term)))
            continue
        # English verbs inflect; a Latin word in another language's list ("IPO" as a Chinese verb) does not
        for form in inflected(d.term, d.pos if d.pos == "verb" and d.lang == "en" else "none"):
            out.append(TriggerEntry(d, parse(form, inflect=False)))
    return out


def is_latin(text: str) -> bool:
    return not has_cjk(text)
