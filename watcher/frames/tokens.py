"""A sentence as tokens: watched names, trigger words and amounts (found by index.py) become one
token each; the rest is words and punctuation."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..index import Found, Scan, TriggerEntry
from ..lexicon import Lexicon


@dataclass(frozen=True)
class Tok:
    kind: str  # comp | trig | money | word | punct | poss
    start: int
    end: int
    text: str
    low: str
    company: int = -1
    entries: tuple[TriggerEntry, ...] = ()
    hyph: bool = False  # joined to the previous token by a hyphen ("Nvidia-backed")
    cap: bool = False
    doubt: str | None = None


_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|\w+(?:[.&]\w+)*(?:'(?!s\b)\w+)*%?|'s\b|\S")



_HYPHENS = ("\u2013", "\u2010", "\u2011")  # en dash, hyphen, non-breaking hyphen


def _joins(text: str, s: int, e: int) -> bool:
    """Does the dash at s..e stand between two letters or digits, with no space?"""
    return 0 < s and e < len(text) and text[s - 1].isalnum() and text[e].isalnum()


def _after_hyphen(text: str, s: int) -> bool:
    """Is the token at s joined to the word before it by a hyphen ("Nvidia-backed", "Nvidia–Groq")?"""
    return s > 0 and text[s - 1] == "-" or s > 1 and text[s - 1] in _HYPHENS and text[s - 2].isalnum()


def tokenize(sc: Scan, start: int, end: int, doubts: dict[int, str], lex: Lexicon) -> list[Tok]:
    """Tokens of text[start:end]: names, triggers and amounts as single tokens, then words."""
    text, folded = sc.text, sc.folded
    spans: list[tuple[int, int, str, object]] = []
    for a in sc.aliases:
        if start <= a.start and a.end <= end:
            spans.append((a.start, a.end, "comp", a))
    for m in sc.money:
        if start <= m[0] and m[1] <= end:
            spans.append((m[0], m[1], "money", None))
    by_span: dict[tuple[int, int], list[TriggerEntry]] = {}
    for tr in sc.triggers:
        if start <= tr.start and tr.end <= end:
            by_span.setdefault(tr.span, []).append(tr.what)
    for (s, e), ents in by_span.items():
        spans.append((s, e, "trig", tuple(ents)))
    # names first, then amounts, then longer triggers; a trigger that holds a whole amount
    # ("raise {money}") takes it in, one that cuts into an amount ("won" in "1 trillion won") goes
    prio = {"comp": 0, "money": 1, "trig": 2}
    spans.sort(key=lambda x: (prio[x[2]], -(x[1] - x[0]), x[0]))
    taken: list[tuple[int, int, str, object]] = []
    for sp in spans:
        clash = [x for x in taken if sp[0] < x[1] and x[0] < sp[1]]
        if clash:
            if sp[2] == "trig" and all(x[2] == "money" and sp[0] <= x[0] and x[1] <= sp[1] for x in clash):
                taken = [x for x in taken if x not in clash]
            else:
                continue
        taken.append(sp)
    taken.sort()
    toks: list[Tok] = []
    pos = start

    def words(a: int, b: int) -> None:
        for m in _WORD.finditer(text, a, b):
            s, e = m.span()
            w = text[s:e]
            kind = "poss" if w.lower() in ("'s",) else ("punct" if not w[0].isalnum() else "word")
            if kind == "punct" and w in ("'", '"', "\u2018", "\u2019", "\u201c", "\u201d", "\u00ab", "\u00bb", "`"):
                continue  # quotation marks carry no grammar here
            if kind == "punct" and w == "-":
                if 0 < s and e < len(text) and text[s - 1] == " " and text[e] == " ":
                    toks.append(Tok("punct", s, e, "\u2014", "\u2014"))  # a dash between words
                continue
            if kind == "punct" and w in _HYPHENS and _joins(text, s, e):
                continue  # "Nvidia–Groq deal": an en dash that joins two words is a hyphen
            toks.append(Tok(kind, s, e, w, folded[s:e].strip(), hyph=_after_hyphen(text, s),
                            cap=w[:1].isupper()))

    for s, e, kind, what in taken:
        words(pos, s)
        if kind == "comp":
            assert isinstance(what, Found)
            toks.append(Tok("comp", s, e, text[s:e], folded[s:e], company=what.what.company,
                            hyph=_after_hyphen(text, s), cap=True, doubt=doubts.get(s)))
        elif kind == "trig":
            toks.append(Tok("trig", s, e, text[s:e], folded[s:e], entries=what,  # type: ignore[arg-type]
                            hyph=_after_hyphen(text, s), cap=text[s:s + 1].isupper()))
        else:
            toks.append(Tok("money", s, e, text[s:e], folded[s:e]))
        pos = e
    words(pos, end)
    # "SambaNova Systems Inc.", "Intel Corp.": a company suffix belongs to the name before it, and
    # the full stop of an abbreviation ends no phrase
    merged: list[Tok] = []
    for t in toks:
        prev = merged[-1] if merged else None
        if prev is not None and t.kind == "word" and lex.has("corp_suffix", t.low) and prev.kind == "comp":
            merged[-1] = replace(prev, end=t.end, text=text[prev.start:t.end])
            continue
        if prev is not None and t.kind == "punct" and t.text == "." and prev.end == t.start and (
                prev.kind == "comp" and merged[-1].text.lower().endswith(tuple(lex.phrases("corp_suffix")))
                or prev.kind == "word" and lex.has("abbreviation", prev.low)):
            continue
        merged.append(t)
    # "Groq's" arrives as one word when the name is not watched; split the possessive off
    out: list[Tok] = []
    for t in merged:
        if t.kind == "word" and t.low.endswith("'s") and len(t.low) > 2:
            cut = t.end - 2
            out.append(replace(t, end=cut, text=t.text[:-2], low=t.low[:-2]))
            out.append(Tok("poss", cut, t.end, "'s", "'s"))
        elif t.kind == "word" and t.low.endswith("s'") and len(t.low) > 2:
            out.append(replace(t, end=t.end - 1, text=t.text[:-1], low=t.low[:-1]))
            out.append(Tok("poss", t.end - 1, t.end, "'", "'s"))
        else:
            out.append(t)
    return _drop_alias_brackets(out)


def _drop_alias_brackets(toks: list[Tok]) -> list[Tok]:
    """Pure: "Muxi's (MetaX) IPO", "Muxi (MetaX) files": a bracket that holds only another name
    of the company just named says nothing more, so the words read as if it were not there."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        prev = next((p for p in reversed(out[-2:]) if p.kind == "comp"), None) if out else None
        if (prev is not None and t.kind == "punct" and t.text == "(" and i + 2 < len(toks)
                and toks[i + 1].kind == "comp" and toks[i + 1].company == prev.company
                and toks[i + 2].kind == "punct" and toks[i + 2].text == ")"
                and (out[-1] is prev or out[-1].kind == "poss")):
            i += 3
            continue
        out.append(t)
        i += 1
    return out
