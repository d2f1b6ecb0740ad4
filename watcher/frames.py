"""Event frames: who did what to whom, in which clause, and how it is said. Pure.

A sentence of the headline or the lead is read once per trigger word in it (index.py found them):

    reading   verb (active or passive) or noun, from the trigger's entry and its neighbours
    arguments the subject of its clause, its object, the names before it (possessor "X's",
              compound "the X deal", label "X-backed") and after it (of, by, to, from, with, in, for)
    roles     what each watched company is to the event: target, acquirer, party, team, licensor,
              licensee, recipient, investor, issuer, seller, buyer; a company that fills no slot
              plays no role, and one named only inside a modifier is a `modifier`
    clause    main, relative ("which raised ..."), subordinate ("after raising ..."), descriptive
              (", backed by ...", ", valued at ..."), and whether the sentence is a question
    cues      background (history: "to date", "back in 2023", "last valued at"), denial, negation,
              speculation, customer objects ("buys Groq chips", "$1.5B commitment")

English is read on tokens with a shallow phrase grammar; Chinese, Korean and Japanese are read on
clauses by position (subject left of the verb, object right of it, 被 for the passive, 的 for
relative clauses). The lexicon holds every word; this module holds only the grammar.
The judgement (which frames alert) is decide.py's.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .index import Found, Scan, TriggerEntry
from .lexicon import Lexicon, has_cjk
from .lexicon.text import split_clauses

# ----------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Frame:
    kind: str  # acquisition | merger | sale | acquihire | licence | funding | valuation | ipo | spac | deal
    stage: str | None  # talks, agreed, filing, withdrawal ... when the words tell it
    trigger: str  # as found
    company: int  # index of the watched company
    alias: str  # its name as found
    role: str  # target, acquirer, party, team, licensor, licensee, recipient, investor, issuer, ...
    via: str  # how the name is tied to the trigger: subject, object, possessor, compound, by, of ...
    counterparty: str | None = None  # the buyer, licensee or lead investor when the text names one
    amount: str | None = None
    field: str = "title"  # title | summary
    sentence: int = 0  # which sentence of the field (0 = first)
    snippet: str = ""
    clause: str = "main"  # main | relative | subordinate | descriptive
    question: bool = False
    background: str | None = None  # why this is history, not news
    modality: str = "fact"  # fact | denial | negated | speculation
    customer: str | None = None  # why this is a customer deal
    rule: int | None = None  # for a rule's own keyword
    doubt: str | None = None  # why the name may mean someone else (identity)
    news: bool = False  # the sentence marks itself as fresh news ("on Tuesday", "today")


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


@dataclass
class NP:
    start: int  # token indexes, inclusive
    end: int
    head: int  # index of the head token (-1: none)
    rel: dict[int, str] = field(default_factory=dict)  # token index of a company -> head|poss|compound|label|member
    pps: list[tuple[str, NP]] = field(default_factory=list)  # ("of", NP), ("by", NP) ...

    def companies(self, toks: Sequence[Tok], *relations: str) -> list[int]:
        return [i for i, r in self.rel.items() if not relations or r in relations]

    def pp(self, *preps: str) -> list[NP]:
        return [n for p, n in self.pps if p in preps]


_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[.&]\w+)*(?:'(?!s\b)\w+)*%?|'s\b|\S")


# ----------------------------------------------------------------------------- tokens
def tokenize(sc: Scan, start: int, end: int, doubts: dict[int, str]) -> list[Tok]:
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
    for t in sc.triggers:
        if start <= t.start and t.end <= end:
            assert isinstance(t.what, TriggerEntry)
            by_span.setdefault(t.span, []).append(t.what)
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
            toks.append(Tok(kind, s, e, w, folded[s:e].strip(), hyph=s > 0 and text[s - 1] == "-",
                            cap=w[:1].isupper()))

    for s, e, kind, what in taken:
        words(pos, s)
        if kind == "comp":
            assert isinstance(what, Found)
            toks.append(Tok("comp", s, e, text[s:e], folded[s:e], company=what.what.company,  # type: ignore[attr-defined]
                            hyph=s > 0 and text[s - 1] == "-", cap=True, doubt=doubts.get(s)))
        elif kind == "trig":
            toks.append(Tok("trig", s, e, text[s:e], folded[s:e], entries=what,  # type: ignore[arg-type]
                            hyph=s > 0 and text[s - 1] == "-", cap=text[s:s + 1].isupper()))
        else:
            toks.append(Tok("money", s, e, text[s:e], folded[s:e]))
        pos = e
    words(pos, end)
    # "Groq's" arrives as one word when the name is not watched; split the possessive off
    out: list[Tok] = []
    for t in toks:
        if t.kind == "word" and t.low.endswith("'s") and len(t.low) > 2:
            cut = t.end - 2
            out.append(replace(t, end=cut, text=t.text[:-2], low=t.low[:-2]))
            out.append(Tok("poss", cut, t.end, "'s", "'s"))
        elif t.kind == "word" and t.low.endswith("s'") and len(t.low) > 2:
            out.append(replace(t, end=t.end - 1, text=t.text[:-1], low=t.low[:-1]))
            out.append(Tok("poss", t.end - 1, t.end, "'", "'s"))
        else:
            out.append(t)
    return out


# ----------------------------------------------------------------------------- English grammar
class English:
    """The shallow grammar of one English sentence."""

    def __init__(self, toks: list[Tok], sc: Scan, lex: Lexicon, span: tuple[int, int]):
        self.t = toks
        self.sc = sc
        self.lex = lex
        self.span = span
        self.n = len(toks)
        # multi-word cue phrases as token ranges: a phrase that starts at a token and ends at a token
        self._starts = {t.start: i for i, t in enumerate(toks)}
        self._ends = {t.end: i for i, t in enumerate(toks)}
        self._is: dict[tuple[int, str], bool] = {}
        self._clauses: dict[int, tuple[str, int]] = {}

    # ---- word classes
    def is_(self, i: int, cls: str) -> bool:
        key = (i, cls)
        got = self._is.get(key)
        if got is None:
            t = self.t[i] if 0 <= i < self.n else None
            got = self._is[key] = t is not None and t.kind in ("word", "trig", "poss") and self.lex.has(cls, t.low)
        return got

    def phrase_at(self, i: int, cls: str) -> int:
        """If a phrase of class `cls` starts at token i, the index of its last token, else -1."""
        if not 0 <= i < self.n:
            return -1
        s = self.t[i].start
        best = -1
        for a, b in self.sc.cues.get(cls, ()):
            if a == s and b in self._ends:
                best = max(best, self._ends[b])
        if best < 0 and self.is_(i, cls):
            best = i
        return best

    def phrase_ending(self, j: int, cls: str) -> int:
        """If a phrase of class `cls` ends at token j, the index of its first token, else -1."""
        if not 0 <= j < self.n:
            return -1
        e = self.t[j].end
        best = -1
        for a, b in self.sc.cues.get(cls, ()):
            if b == e and a in self._starts:
                k = self._starts[a]
                best = k if best < 0 else min(best, k)
        if best < 0 and self.is_(j, cls):
            best = j
        return best

    def cue_between(self, cls: str, i: int, j: int) -> tuple[int, int] | None:
        """A cue phrase of this class lying within tokens i..j (inclusive)."""
        if i > j or not (0 <= i < self.n and 0 <= j < self.n):
            return None
        spans = self.sc.cue_spans(cls, self.t[i].start, self.t[j].end)
        return spans[0] if spans else None

    def punct(self, i: int, *chars: str) -> bool:
        return 0 <= i < self.n and self.t[i].kind == "punct" and (not chars or self.t[i].text in chars)

    def verbish(self, i: int) -> bool:
        """A word that is (very likely) a finite verb: ends a noun phrase on its left."""
        if not 0 <= i < self.n:
            return False
        t = self.t[i]
        if t.hyph and self.lex.has("label_suffix", t.low):
            return False  # "Nvidia-backed": a label inside a noun phrase
        if t.kind == "trig":
            return any(e.defn.pos == "verb" for e in t.entries) and not any(e.defn.pos == "noun" for e in t.entries)
        if t.kind != "word":
            return False
        return any(self.is_(i, c) for c in ("report_verb", "other_event", "market_move")) and not self.nounish(i)

    def nounish(self, i: int) -> bool:
        return any(self.is_(i, c) for c in ("company_noun", "team_noun", "product_noun"))

    def boundary(self, i: int) -> bool:
        """Does token i end a phrase walked from the right (left edge of a phrase)?"""
        t = self.t[i]
        if t.kind == "punct":
            return True
        if t.kind in ("comp", "money", "poss"):
            return False
        if t.hyph:
            return False  # "Start-Up", "Nvidia-backed": one word with the one before
        if self.is_(i, "preposition") or self.is_(i, "conjunction") or self.is_(i, "relative") \
                or self.is_(i, "subordinator") or self.is_(i, "report_verb") or self.is_(i, "aux") \
                or self.is_(i, "adverb"):
            return True
        # "showing the company raised ...", "leaving its team": a verb form before an article
        if t.kind == "word" and not t.cap and t.low.endswith(("ing", "ed")) and i + 1 < self.n \
                and self.t[i + 1].low in ("the", "a", "an", "its", "their", "this", "that", "his", "her"):
            return True
        return self.verbish(i)

    # ---- noun phrases
    def np_left(self, j: int) -> NP | None:
        """The noun phrase ending at token j (inclusive), walking left; lists of names count."""
        if j < 0 or j >= self.n or self.boundary(j) and self.t[j].kind != "trig":
            return None
        i = j
        while i - 1 >= 0:
            p = self.t[i - 1]
            if p.kind == "punct":
                break
            if p.kind in ("comp", "money", "poss"):
                i -= 1
                continue
            if p.kind == "trig" and not self.verbish(i - 1):
                i -= 1
                continue
            if self.boundary(i - 1):
                # "Mythic's founders and analog-compute team", "Rebellions and Sapeon": nouns or
                # names joined by "and"
                if self.is_(i - 1, "conjunction") and self.t[i - 1].low in ("and", "&") and i - 2 >= 0 and (
                        (self.nounish(i - 2) or self.t[i - 2].kind == "comp") and any(
                            self.nounish(x) for x in range(i, j + 1))
                        or (self.t[i - 2].kind == "comp" or self.t[i - 2].cap) and (
                            self.t[i].kind == "comp" or self.t[i].cap) and (
                            self.t[i - 2].kind == "comp" or self.t[i].kind == "comp")):
                    i -= 1
                    continue
                # a list of names: "Groq, Cerebras and SambaNova"
                if self.is_(i - 1, "conjunction") and i - 2 >= 0 and self.t[i - 2].kind == "comp" \
                        and self.t[i].kind == "comp":
                    i -= 2
                    while i - 2 >= 0 and self.punct(i - 1, ",") and self.t[i - 2].kind == "comp":
                        i -= 2
                    continue
                break
            i -= 1
        return self._np(i, j)

    def np_right(self, i: int, limit: int | None = None) -> NP | None:
        """The noun phrase starting at token i, walking right, with the prepositional phrases
        that follow it (of, by, to, from, with, in, into, for, at, over, led by)."""
        end = self.n if limit is None else min(limit, self.n)
        if i >= end:
            return None
        j = i
        while j < end:
            t = self.t[j]
            if t.kind in ("comp", "money", "poss") or (t.hyph and j > i):
                j += 1
                continue
            if t.kind == "punct":
                break
            if t.kind == "trig" and not self.verbish(j) and j > i and not self.is_(j, "preposition"):
                j += 1
                continue
            if t.kind == "trig" and j == i and not self.verbish(j):
                j += 1
                continue
            if self.boundary(j):
                if self.is_(j, "conjunction") and self.t[j - 1].kind == "comp" if j > i else False:
                    if j + 1 < end and self.t[j + 1].kind == "comp":
                        j += 2
                        continue
                break
            if j > i and self.t[j - 1].kind in ("comp",) and t.kind == "word" and t.low.endswith("s") \
                    and not self.nounish(j) and not t.low.endswith("ss") and not self.is_(j, "determiner"):
                break  # "Groq raises": a headline verb after the name
            j += 1
        if j == i:
            return None
        np = self._np(i, j - 1)
        # prepositional phrases after it
        k = j
        while k < end:
            prep = None
            if self.is_(k, "preposition") and self.t[k].low in ("of", "by", "to", "from", "with", "in", "into",
                                                                 "for", "at", "over", "on", "led", "including"):
                prep = self.t[k].low
                if prep == "led" and self.is_(k + 1, "preposition") and self.t[k + 1].low == "by":
                    prep, k = "led by", k + 1
            if prep is None:
                break
            sub = self.np_right(k + 1, end)
            if sub is None:
                break
            np.pps.append((prep, sub))
            k = sub.end + 1
            for _, s2 in sub.pps:
                k = max(k, s2.end + 1)
            sub_pps, sub.pps = sub.pps, []
            np.pps.extend(sub_pps)
        return np

    def _np(self, i: int, j: int) -> NP:
        head = j
        while head > i and (self.t[head].kind == "punct" or self.t[head].kind == "poss"):
            head -= 1
        np = NP(i, j, head)
        for k in range(i, j + 1):
            t = self.t[k]
            if t.kind != "comp":
                continue
            nxt = self.t[k + 1] if k + 1 <= j else None
            if nxt is not None and nxt.hyph and self.lex.has("label_suffix", nxt.low):
                np.rel[k] = "label"
            elif k == head:
                np.rel[k] = "head"
            elif nxt is not None and nxt.kind == "poss":
                np.rel[k] = "poss"
            elif nxt is not None and (nxt.kind == "comp" or self.is_(k + 1, "conjunction") or self.punct(k + 1, ",")):
                np.rel[k] = "member"
            else:
                np.rel[k] = "compound"
        # every name of a list that ends at the head is a head too ("Groq and Cerebras")
        if np.rel.get(head) == "head":
            k = head - 1
            while k >= i and (self.t[k].kind == "comp" or self.is_(k, "conjunction") or self.punct(k, ",")):
                if self.t[k].kind == "comp":
                    np.rel[k] = "head"
                k -= 1
        return np

    def head_tok(self, np: NP | None) -> Tok | None:
        return self.t[np.head] if np is not None and 0 <= np.head < self.n else None

    # ---- clauses
    def clause_of(self, k: int) -> tuple[str, int]:
        """(label, index of the clause's first token) for the token k. A relative, subordinate
        or descriptive clause ends at the next comma: past it, the sentence's main clause goes on
        ("Groq, founded by ex-Google engineers, raises ...")."""
        got = self._clauses.get(k)
        if got is None:
            got = self._clauses[k] = self._clause_of(k)
        return got

    def _clause_of(self, k: int) -> tuple[str, int]:
        i = k - 1
        crossed = -1  # the nearest comma between an opener and k
        while i >= 0:
            t = self.t[i]
            if self.punct(i, ")"):  # "(AI)", "(TT)": a parenthesis closed before k
                while i > 0 and not self.punct(i, "("):
                    i -= 1
                i -= 1
                continue
            if self.punct(i, ";", ":", "(", "\u2014", "\u2013", "|"):
                if crossed >= 0 or t.text != "(":
                    return "main", (crossed + 1 if crossed >= 0 and t.text == "(" else i + 1)
                return "descriptive", i + 1
            label, first = "", -1
            if t.kind == "word" and self.is_(i, "relative") and not self._complementizer(i) \
                    and not self._connective(i) and not self._about_event(i):
                label, first = "relative", i + 1
            elif (f := self.phrase_ending(i, "subordinator")) >= 0 and t.kind in ("word", "trig") \
                    and not self.is_(f - 1, "aux"):
                label, first = "subordinate", f
            elif (f := self.phrase_ending(i, "concurrent")) >= 0 and t.kind == "word" and not self._as_preposition(i):
                label, first = "concurrent", f
            elif self.punct(i, ",") and self.phrase_at(i + 1, "descriptive") >= 0 and self.t[i + 1].kind == "word" \
                    and self.t[i + 1].low not in ("a", "an", "the", "now", "also") and i + 1 != k:
                label, first = "descriptive", i + 1
            if label:
                if crossed < 0:
                    return label, first
                opener = first - 1 if label == "relative" else first
                if opener <= 0 or self.punct(opener - 1):
                    return "main", crossed + 1  # a fronted clause, closed by its comma
            if self.punct(i, ",") and crossed < 0:
                crossed = i
            i -= 1
        return "main", 0

    def _about_event(self, i: int) -> bool:
        """"a $1 billion round that values the company at $23 billion": a relative clause about
        the event itself tells more of the news."""
        p = i - 1
        if self.punct(p, ","):
            p -= 1
        return 0 <= p and self.t[p].kind == "trig" and any(e.defn.pos == "noun" for e in self.t[p].entries)

    def _connective(self, i: int) -> bool:
        """"which is why", "which means": about the whole sentence before, not a noun."""
        nxt = " ".join(x.low for x in self.t[i + 1:i + 3])
        return self.t[i].low == "which" and nxt in ("is why", "means that", "is because", "explains why")

    def _as_preposition(self, i: int) -> bool:
        """"as" before a role ("joins as CEO", "such as") is no clause."""
        if self.t[i].low != "as":
            return False
        return self.is_(i - 1, "preposition") or self.t[i - 1].low in ("such", "well", "so") if i > 0 else False

    def _complementizer(self, i: int) -> bool:
        """"that" after a verb of saying opens the news itself ("said that it raised")."""
        t = self.t[i]
        if t.low != "that":
            return False
        p = i - 1
        while p >= 0 and (self.is_(p, "verb_group") or self.t[p].kind == "money"):
            p -= 1
        if p < 0 or self.is_(p, "report_verb") or self.verbish(p) or self.punct(p):
            return True
        # "said on Wednesday that ...": a verb of saying a few words back, with no noun between
        return any(self.is_(x, "report_verb") for x in range(max(0, i - 5), i))

    def in_appositive(self, k: int) -> bool:
        """Is token k inside ", a/the ... ," right after a name (a description of it)?"""
        i = k - 1
        while i >= 0 and not self.punct(i):
            i -= 1
        if i < 1 or not self.punct(i, ",", "(") or self.t[i - 1].kind not in ("comp", "word"):
            return False
        if not (self.is_(i + 1, "determiner") or self.phrase_at(i + 1, "descriptive") >= 0):
            return False
        j = k + 1
        while j < self.n and not self.punct(j):
            j += 1
        if not (j < self.n and self.punct(j, ",", ")")) or j - i > 12:
            return False
        # a description has no verb of its own ("the company has signed ..." is a clause)
        return not any(self.is_(x, "aux") or self.is_(x, "report_verb") for x in range(i + 1, j))

    def subject(self, k: int) -> tuple[NP | None, int]:
        """The subject of the verb at token k: (its noun phrase, index where the verb group starts)."""
        j = k - 1
        while j >= 0 and (self.is_(j, "verb_group") or (self.t[j].kind == "trig" and self.t[j].low in
                                                        self.lex.phrases("verb_group"))):
            if self.t[j].kind == "word" and self.is_(j, "relative"):
                break
            j -= 1
        vg = j + 1
        if j < 0:
            return None, vg
        if self.is_(j, "preposition") and self.t[k].low.split(" ")[0].endswith("ing") and j < k:
            return self._clause_subject(j), vg  # "the final stage of raising ...": the clause's subject
        if self.is_(j, "relative") and not self._complementizer(j):
            # "Groq, which raised ..." / "startup that raised ...": the antecedent
            a = j - 1
            if self.punct(a, ","):
                a -= 1
            return self.np_left(a), vg
        if self.punct(j, ")"):
            # "Groq (backed by BlackRock) raises": the name before the parenthesis
            o = j - 1
            while o >= 0 and not self.punct(o, "("):
                o -= 1
            return (self.np_left(o - 1) if o > 0 else None), vg
        if self.punct(j, ","):
            # "Groq, founded by ex-Google engineers, raises": the name before the description
            c = j - 1
            while c >= 0 and not self.punct(c):
                c -= 1
            if c > 0 and self.punct(c, ",") and (self.is_(c + 1, "relative") or self.is_(c + 1, "determiner")
                                                 or self.phrase_at(c + 1, "descriptive") >= 0):
                prev = self.np_left(c - 1)
                if prev is not None:
                    return prev, vg
            # "Groq unveils a chip, raises $100M": the subject of the first verb
            return self._clause_subject(j), vg
        if self.is_(j, "conjunction"):
            return self._clause_subject(j), vg
        np = self.np_left(j)
        if np is None:
            return None, vg
        before = np.start - 1
        if before >= 0 and self.punct(before, ","):
            # ", the AI chip startup," after a name: the name is the subject
            if self.is_(np.start, "determiner") or self.phrase_at(np.start, "descriptive") >= 0:
                prev = self.np_left(before - 1)
                if prev is not None and prev.rel:
                    return prev, vg
            # ", which ..., raises": the name before the relative clause
            if self._closes_relative(before):
                prev = self._antecedent(before)
                if prev is not None:
                    return prev, vg
            return np, vg
        if before >= 0 and (self.phrase_ending(before, "subordinator") >= 0
                            or self.phrase_ending(before, "concurrent") >= 0):
            return np, vg  # "... as SambaNova is acquired": the subject of its own clause
        if before >= 0 and self.is_(before, "preposition") and (before == 0 or self.punct(before - 1)) \
                and any(r == "head" for r in np.rel.values()):
            return np, vg  # "In February 2026 Toronto startup Taalas announced": a fronted date, then the name
        if before >= 0 and (self.is_(before, "preposition") or self.verbish(before)) \
                and not self.is_(before, "report_verb"):
            # a phrase governed by something else: the clause's own subject is further left
            return self._clause_subject(before), vg
        return np, vg

    def _closes_relative(self, comma: int) -> bool:
        i = comma - 1
        while i >= 0 and not self.punct(i):
            if self.is_(i, "relative") and self.punct(i - 1, ","):
                return True
            i -= 1
        return False

    def _antecedent(self, comma: int) -> NP | None:
        i = comma - 1
        while i >= 0 and not (self.is_(i, "relative") and self.punct(i - 1, ",")):
            i -= 1
        return self.np_left(i - 2) if i >= 2 else None

    def _clause_subject(self, j: int, depth: int = 0) -> NP | None:
        """The subject of the clause that holds token j: that of the nearest verb before j
        ("Groq is in the game and was able to raise ..."), else its first noun phrase."""
        label, start = self.clause_of(j)
        if depth < 3:
            for v in range(j - 1, start - 1, -1):
                if self.is_(v, "aux") or self.verbish(v):
                    first = v
                    while first - 1 >= start and (self.is_(first - 1, "aux") or self.is_(first - 1, "adverb")):
                        first -= 1
                    if first - 1 >= start and not self.boundary(first - 1):
                        np = self.np_left(first - 1)
                        if np is not None and np.start >= start:
                            return np
                    break
        i = start
        # a fronted phrase ("On Tuesday,", "After a long search,"): the subject follows its comma
        if self.is_(i, "preposition") or self.phrase_at(i, "subordinator") >= 0:
            c = i
            while c < j and not self.punct(c, ","):
                c += 1
            if c < j:
                i = c + 1
        while i < j and self.t[i].kind == "punct":
            i += 1
        np = self.np_right(i, j + 1)
        if np is not None:
            np.pps = []
        return np

    # ---- readings
    def voice(self, k: int, vg: int) -> str:
        t = self.t[k]
        first = t.low.split(" ")[0]
        pp = first.endswith(("ed", "en")) or first in ("bought", "sold", "taken", "led", "won", "held", "spun",
                                                       "struck", "got", "gotten", "done", "begun")
        if not pp:
            return "active"
        if any(self.is_(i, "be") for i in range(vg, k)):
            return "passive"
        if self.is_(k + 1, "preposition") and self.t[k + 1].low == "by":
            return "passive"
        return "active"

    def money_near(self, i: int, j: int) -> str | None:
        for k in range(max(0, i), min(self.n, j + 1)):
            if self.t[k].kind == "money":
                return self.t[k].text
        return None


# ----------------------------------------------------------------------------- English frames
@dataclass
class _Ctx:
    field: str
    sentence: int
    topic: int  # the company "the startup" / "it" stands for (-1: none)
    question: bool
    news: bool
    bare_topic: bool = False  # a bare "chip startup" (no "the") may stand for the topic too
    topic_doubt: str | None = None  # why the topic's name may mean someone else


def english_frames(toks: list[Tok], sc: Scan, lex: Lexicon, span: tuple[int, int], ctx: _Ctx) -> list[Frame]:
    g = English(toks, sc, lex, span)
    out: list[Frame] = []
    for k, t in enumerate(toks):
        if t.kind != "trig" or t.hyph and lex.has("label_suffix", t.low):
            continue
        for entry in t.entries:
            if entry.defn.lang in ("en", "rule"):
                out.extend(_read(g, k, entry, ctx))
    return _dedupe(out)


def _dedupe(frames: list[Frame]) -> list[Frame]:
    seen: dict[tuple[int, str, str, int], Frame] = {}
    for f in frames:
        key = (f.company, f.kind, f.trigger, f.sentence)
        old = seen.get(key)
        if old is None or _rank(f) > _rank(old):
            seen[key] = f
    return list(seen.values())


def _rank(f: Frame) -> int:
    return (10 if f.role not in ("modifier", "investor", "licensee", "buyer", "hirer") else 0) + \
        (5 if f.background is None else 0) + (2 if f.customer is None else 0) + (1 if f.stage else 0)


_TRANSFER_OK = ("target", "acquirer", "party", "seller", "team", "licensor", "recipient", "issuer")


def _read(g: English, k: int, entry: TriggerEntry, ctx: _Ctx) -> list[Frame]:
    d = entry.defn
    t = g.t[k]
    pos = d.pos
    if pos == "verb" and _noun_context(g, k):
        return []  # "a $100M raise": this is the noun reading's to make
    if pos == "noun" and _verb_context(g, k) and any(e.defn.pos == "verb" and e.defn.lang == "en"
                                                     for e in t.entries):
        return []
    roles: dict[int, tuple[str, str]] = {}  # token index of a company -> (role, via)
    counter: list[str] = []
    customer: str | None = None
    label, cstart = g.clause_of(k)
    if g.in_appositive(k):
        label = "descriptive"
    amount = None
    frame = d.frame
    kind = d.kind
    stage = d.stage

    def give(np: NP | None, role: str, via: str, *relations: str) -> None:
        if np is None:
            return
        for i, r in np.rel.items():
            if relations and r not in relations:
                continue
            if r == "label":
                roles.setdefault(i, ("modifier", f"label ({g.t[i + 1].text})"))
                continue
            if r == "compound" and not relations and np.head != i:
                roles.setdefault(i, ("modifier", f"modifier of {g.t[np.head].text!r}"))
                continue
            roles[i] = (role, via if r in ("head", "member") else f"{via} ({r})")

    def generic(np: NP | None) -> bool:
        """A subject like "the startup" / "it": stands for the topic company."""
        h = g.head_tok(np)
        if h is None or np is None or h.kind == "comp" or np.rel:
            return False
        words = g.t[np.start:np.head + 1]
        loud = g.sc.title_case or g.sc.shouting
        for x in words[1:]:
            if x.kind == "money":
                continue
            if x.kind != "word" or x.cap and not (loud or x.text.isupper() or g.lex.has("place", x.low)):
                return False  # "the ChatGPT maker" is someone else
        if g.lex.has("anaphor", " ".join(x.low for x in words)) or h.low == "it":
            return True
        definite = words[0].low in ("the", "this", "that", "its")
        return g.lex.has("company_noun", h.low) and (definite or ctx.bare_topic)

    subj: NP | None = None
    obj: NP | None = None
    if pos in ("verb", "phrase"):
        subj, vg = g.subject(k)
        voice = g.voice(k, vg)
        obj = g.np_right(k + 1)
        neg = any(g.is_(i, "negation") for i in range(vg, k))
        if d.needs == "money":
            lead = obj.start if obj is not None else k + 1
            m = next((i for i in range(k + 1, min(g.n, k + 4)) if g.t[i].kind == "money"), None)
            if m is None or not all(g.is_(i, "determiner") or g.t[i].kind == "word" and g.t[i].low in
                                    ("a", "an", "the", "another", "over", "nearly", "between", "some")
                                    for i in range(k + 1, m)):
                return []
            amount = g.t[m].text
            nxt = g.phrase_at(m + 1, "not_capital_noun")
            if nxt >= 0 and frame in ("raise", "invest"):
                customer = f"the amount is a {' '.join(x.text for x in g.t[m + 1:nxt + 1])}, not money raised"
            del lead
        if frame == "transfer":
            if voice == "passive":
                give(subj, "target", "subject")
                for n in (obj.pp("by") if obj else []) + _pps_after(g, k, "by"):
                    give(n, "acquirer", "by")
                    counter += _names(g, n)
            else:
                give(subj, "acquirer", "subject")
                counter += _names(g, subj)
                if obj is not None:
                    h = g.head_tok(obj)
                    if h is not None and h.kind == "money":
                        customer = "buys an amount of something"
                    elif h is not None and g.lex.has("product_noun", h.low):
                        customer = f"buys {h.text}"
                    elif h is not None and g.lex.has("team_noun", h.low):
                        kind = "acquihire"
                        give(obj, "team", "object", "poss", "compound")
                    give(obj, "target", "object", "head", "member", "poss")
                    for n in obj.pp("of", "in"):
                        give(n, "target", "of")
                if not any(r[0] == "target" for r in roles.values()) and obj is not None and customer is None:
                    if not any(x.cap or x.kind == "comp" or g.lex.has("company_noun", x.low)
                               for x in g.t[obj.start:obj.end + 1]):
                        # "Groq buys time": the buyer role needs a company bought
                        roles = {i: r for i, r in roles.items() if r[0] != "acquirer"}
        elif frame == "sale":
            if voice == "passive" or t.low.startswith(("be ", "to be")):
                give(subj, "target", "subject")
            else:
                h = g.head_tok(obj)
                first = g.t[obj.start].low if obj is not None else ""
                own = h is not None and (h.low in ("itself", "themselves") or first in ("its", "the") and (
                    g.lex.has("company_noun", h.low) or h.low in ("assets", "ip", "patents", "technology",
                                                                  "operations", "division", "business")))
                if h is not None and g.lex.has("product_noun", h.low) and h.kind != "comp":
                    customer = f"sells {h.text}"
                give(subj, "target" if own or obj is None else "seller", "subject")
                give(obj, "target", "object", "head", "member", "poss", "compound")
            for n in (obj.pp("to") if obj else []) + _pps_after(g, k, "to"):
                give(n, "buyer", "to")
                counter += _names(g, n)
        elif frame == "merger":
            give(subj, "party", "subject")
            give(obj, "party", "object")
            for n in (obj.pp("with") if obj else []) + _pps_after(g, k, "with"):
                give(n, "party", "with")
        elif frame == "hire":
            if t.low.split(" ")[0] in ("join", "joins", "joined", "joining", "move", "moves", "moved", "head",
                                       "heads", "headed", "defect", "defects", "defected", "jump", "jumps",
                                       "jumped", "go", "goes", "went"):
                h = g.head_tok(subj)
                if h is not None and g.lex.has("team_noun", h.low):
                    give(subj, "team", "subject", "poss", "compound", "head")
                    for n in (subj.pp("of", "from", "at") if subj else []):
                        give(n, "team", "of")
                    counter += _names(g, obj)
            elif obj is not None and (any(g.lex.has("team_noun", x.low) for x in g.t[obj.start:obj.end + 1]
                                          if x.kind == "word") or g.cue_between("team_noun", obj.start, obj.end)):
                # "hires Groq's team", "brings on Enfabrica CEO Rochan Sankar", "picks up the team"
                give(obj, "team", "object", "poss", "compound", "member")
                for n in obj.pp("of", "from", "at"):
                    give(n, "team", "of")
                counter += _names(g, subj)
                roles = {i: r for i, r in roles.items() if r[0] == "team"}
                if not roles:
                    owner = _owner_of_pronoun(g, obj, subj, k)
                    if owner >= 0:
                        roles[owner] = ("team", "object (its team)")
                    elif ctx.topic >= 0 and g.t[obj.start].low in ("its", "their", "the", "this", "that"):
                        roles[-1] = ("team", "object (the company's team)")
        elif frame == "licence":
            owner = _licence_verb(g, k, subj, obj, voice, give, counter)
            if owner >= 0:
                roles[owner] = ("licensor", "object (its technology)")
        elif frame == "raise":
            if voice == "passive" and t.low.startswith("raised"):
                return []
            if d.term in ("raise", "fundraise") and g.money_near(k + 1, min(g.n - 1, k + 4)) is None \
                    and not _funding_noun_near(g, k):
                return []  # "raises rate limits": not money
            give(subj, "recipient", "subject")
            if not any(g.t[i].kind == "comp" for i in (subj.rel if subj else {})):
                for n in (obj.pp("for") if obj else []) + _pps_after(g, k, "for"):
                    give(n, "recipient", "for", "head", "member")  # "Benchmark raises $225M for Cerebras"
            if obj is not None:
                h = g.head_tok(obj)
                if d.needs != "money" and h is not None and h.kind == "word" and not (
                        obj.rel or g.lex.has("determiner", h.low)) and h.low in ("prices", "price", "concerns",
                                                                                  "questions", "awareness"):
                    return []
                for n in obj.pp("led by", "from", "by"):
                    counter += _names(g, n)
            amount = amount or g.money_near(k + 1, min(g.n - 1, k + 3))
        elif frame == "invest":
            funded = obj is not None and (obj.rel or obj.pp("in", "into", "on"))
            if not funded and not any(n.rel for n in _pps_after(g, k, "in", "into")):
                pass
            give(subj, "investor", "subject")
            counter += _names(g, subj)
            h = g.head_tok(obj)
            if obj is not None:
                if h is not None and g.lex.has("product_noun", h.low) and h.kind != "comp":
                    customer = f"funds {h.text}"
                give(obj, "recipient", "object", "head", "member", "poss", "compound")
                for n in obj.pp("in", "into", "on"):
                    hn = g.head_tok(n)
                    if hn is not None and g.lex.has("product_noun", hn.low) and hn.kind != "comp":
                        customer = f"funds {hn.text}"
                    give(n, "recipient", "in", "head", "member", "poss", "compound")
            for n in _pps_after(g, k, "in", "into"):
                give(n, "recipient", "in", "head", "member", "poss", "compound")
                if not n.rel and generic(n) and ctx.topic >= 0:
                    roles[-1] = ("recipient", "in (the company of the story)")  # "invested in the start-up"
            amount = g.money_near(k + 1, min(g.n - 1, k + 4))
            needs_evidence = t.low.split(" ")[0] not in ("invest", "invests", "invested", "investing")
            if needs_evidence and amount is None and not _funding_noun_near(g, k):
                return []
        elif frame == "issuer":
            if t.low.split(" ")[0] in ("worth", "valued") and subj is not None and subj.end < vg - 1 \
                    and not generic(subj):
                return []  # "a deal worth $100m": the phrase right before is what is worth it
            if t.low.split(" ")[0] in ("worth", "valued"):
                near = g.np_left(vg - 1)
                if near is not None and not near.rel and not generic(near):
                    return []
            if t.low.split(" ")[0] in ("value", "values", "valuing") and obj is not None:
                give(obj, "issuer", "object", "head", "member", "poss")
            else:
                give(subj, "issuer", "subject")
                h = g.head_tok(subj)
                if h is not None and h.low in ("shares", "stock", "ipo") and subj is not None:
                    give(subj, "issuer", "subject", "poss", "compound")
            amount = g.money_near(k + 1, min(g.n - 1, k + 4))
            if kind == "ipo" and t.low.split(" ")[0] in ("debut", "debuts", "debuted", "list", "lists", "listed"):
                h = g.head_tok(obj)
                if h is not None and g.lex.has("product_noun", h.low):
                    return []
        if generic(subj) and not roles and subj is not None and g.t[subj.head].low == "it":
            near = _sentence_company(g, subj.start)
            if near >= 0:
                roles[near] = ({"transfer": "acquirer" if voice == "active" else "target", "sale": "target",
                                "merger": "party", "raise": "recipient", "issuer": "issuer",
                                "licence": "licensor"}.get(frame, "party"), "subject (it)")
                if frame in ("hire", "invest"):
                    del roles[near]
        if generic(subj) and ctx.topic >= 0 and not roles:
            roles[-1] = ({"transfer": "acquirer" if voice == "active" else "target", "sale": "target",
                          "merger": "party", "raise": "recipient", "issuer": "issuer",
                          "licence": "licensor"}.get(frame, "party"), "subject (the company)")
            if frame in ("hire", "invest"):
                del roles[-1]
        if neg:
            modality = "negated"
        else:
            modality = "fact"
    else:  # noun reading
        pre = _premodifiers(g, k)
        post = g.np_right(k + 1) if g.is_(k + 1, "preposition") else None
        pps: list[tuple[str, NP]] = []
        j = k + 1
        while j < g.n and g.is_(j, "preposition"):
            prep = g.t[j].low
            if prep == "led" and j + 1 < g.n and g.t[j + 1].low == "by":
                prep, j = "led by", j + 1
            sub = g.np_right(j + 1)
            if sub is None:
                break
            pps.append((prep, sub))
            pps.extend(sub.pps)
            j = max([sub.end] + [s.end for _, s in sub.pps]) + 1
        del post
        amount = next((g.t[i].text for i in range(pre[0], k) if g.t[i].kind == "money"), None) \
            or next((g.money_near(n.start, n.end) for p, n in pps if p in ("of", "worth", "at", "for")
                     and g.money_near(n.start, n.end)), None)
        if d.needs == "market" and g.cue_between("market_word", 0, g.n - 1) is None:
            return []  # a product's debut, not a listing
        if d.needs == "money" and amount is None:
            fate = _deal_fate(g, k) if kind == "deal" else None
            if fate is None:
                return []
            stage = stage or fate
        poss = [i for i in pre[1] if pre[1][i] == "poss"]
        comp = [i for i in pre[1] if pre[1][i] in ("compound", "head")]
        its = any(g.t[x].low in ("its", "their") for x in range(pre[0], k))
        if its and not poss and not comp:
            owner = _pronoun_owner(g, k)
            if owner >= 0:
                poss = [owner]
            elif ctx.topic >= 0:
                roles[-1] = ({"transfer": "target", "sale": "target", "merger": "party", "raise": "recipient",
                              "issuer": "issuer", "licence": "licensor", "invest": "recipient", "hire": "team"}[frame],
                             "its (the company of the story)")
        for i, r in pre[1].items():
            if r == "label":
                roles[i] = ("modifier", f"label ({g.t[i + 1].text})")

        def pp_names(*preps: str) -> list[int]:
            return [i for p, n in pps if p in preps for i, r in n.rel.items() if r in ("head", "member", "poss")]

        # the verb this noun is the object of, and that verb's subject ("Groq closes $640M round")
        gov, gsubj = _governor(g, pre[0])
        if frame == "transfer":
            of, by = pp_names("of", "for"), pp_names("by")
            for i in of:
                roles[i] = ("target", "of")
            for i in by:
                roles[i] = ("acquirer", "by")
                counter.append(g.t[i].text)
            for i in poss:
                roles[i] = ("acquirer" if of else "target" if by else "party", "possessor")
            for i in comp:
                roles.setdefault(i, ("target", "compound"))
            if not roles and gsubj is not None:
                give(gsubj, "party" if not of else "acquirer", "subject of " + gov, "head", "member")
        elif frame == "sale":
            for i in pp_names("of"):
                roles[i] = ("target", "of")
            for i in poss + comp:
                roles.setdefault(i, ("target", "possessor" if i in poss else "compound"))
            for i in pp_names("to"):
                roles[i] = ("buyer", "to")
                counter.append(g.t[i].text)
            for p, n in pps:
                h = g.head_tok(n)
                if p == "of" and h is not None and h.kind != "comp" and g.lex.has("product_noun", h.low):
                    customer = f"sale of {h.text}"
            if not roles and gsubj is not None:
                give(gsubj, "target", "subject of " + gov, "head", "member")
        elif frame == "merger":
            for i in poss + comp + pp_names("with", "of", "between"):
                roles.setdefault(i, ("party", "named"))
            if gsubj is not None:
                give(gsubj, "party", "subject of " + gov, "head", "member")
        elif frame == "hire":
            team_of = [i for p, n in pps if p in ("of", "with", "for", "from")
                       for i, r in n.rel.items() if r != "label"]
            for i in poss + comp + team_of:
                roles.setdefault(i, ("team", "named"))
            if not roles and gsubj is not None and gov not in ("", ):
                pass
        elif frame == "licence":
            frm, with_ = pp_names("from"), pp_names("with")
            to = [i for p, n in pps if p == "to" for i, r in n.rel.items() if r in ("head", "member")]
            for i in [i for p, n in pps if p == "to" for i, r in n.rel.items() if r in ("poss", "compound")]:
                roles[i] = ("licensor", "to (its technology)")
            for i in frm:
                roles[i] = ("licensor", "from")
            for i in to:
                roles[i] = ("licensee", "to")
                counter.append(g.t[i].text)
            for i in with_:
                roles.setdefault(i, ("licensor", "with"))
            for i in poss + comp:
                roles.setdefault(i, ("licensor", "named"))
            if gsubj is not None:
                obtain = gov.split(" ")[0] in ("get", "gets", "got", "obtain", "obtains", "obtained", "secure",
                                               "secures", "secured", "receive", "receives", "received", "win",
                                               "wins", "won", "acquire", "acquires", "acquired", "buy", "buys",
                                               "bought", "take", "takes", "took")
                if frm or (obtain and not with_):
                    give(gsubj, "licensee", "subject of " + gov, "head", "member")
                else:
                    give(gsubj, "licensor" if not with_ else "party", "subject of " + gov, "head", "member")
            if any(g.lex.has("ip_vendor", g.t[i].low) for p, n in pps if p == "from"
                   for i in range(n.start, n.end + 1)):
                roles = {i: ("licensee", r[1]) if r[0] != "licensor" else r for i, r in roles.items()}
        elif frame in ("raise", "issuer"):
            role = "recipient" if frame == "raise" else "issuer"
            for i in poss + comp + pp_names("for", "of", "in", "at"):
                roles.setdefault(i, (role, "named"))
            for i in pp_names("led by", "from", "by"):
                roles.setdefault(i, ("investor", "led by"))
                counter.append(g.t[i].text)
            if gsubj is not None and not any(r[0] == role for r in roles.values()):
                if _invests(g, gov):
                    give(gsubj, "investor", "subject of " + gov, "head", "member")
                else:
                    give(gsubj, role, "subject of " + gov, "head", "member")
            for p, n in pps:
                h = g.head_tok(n)
                if p in ("for", "to") and h is not None and h.kind != "comp" and g.lex.has("product_noun", h.low) \
                        and frame == "raise":
                    customer = None  # money raised "for data centers" is still raised
        elif frame == "invest":
            ins = pp_names("in", "into")
            for i in ins + pp_names("for"):
                roles[i] = ("recipient", "in")
            for i in poss:
                roles.setdefault(i, ("investor", "possessor") if ins else ("recipient", "possessor"))
            for i in comp:
                roles.setdefault(i, ("recipient", "compound"))
            for p, n in pps:
                h = g.head_tok(n)
                if p in ("in", "into") and h is not None and h.kind != "comp" and g.lex.has("product_noun", h.low):
                    customer = f"investment in {h.text}"
                    for i in n.rel:
                        roles[i] = ("modifier", f"modifier of {h.text!r}")
            if gsubj is not None and not any(r[0] == "recipient" for r in roles.values()):
                spends = any(p in ("in", "into") for p, _ in pps)  # "lines up an investment in India"
                give(gsubj, "investor" if spends else "recipient", "subject of " + gov, "head", "member")
        if frame == "merger" and kind == "deal":
            # "AI chip deal", "deal for compute", "deal to supply chips": what the deal is for
            own = [x for x in g.t[pre[0]:k] if x.kind == "word"]
            own += [x for p, n in pps if p in ("for", "of", "over", "to") and g.t[n.start].kind != "trig"
                    for x in g.t[n.start:n.end + 1]]
            if any(g.lex.has("product_noun", x.low) for x in own) or g.phrase_at(k + 1, "supply_verb") >= 0:
                customer = "a deal for products or capacity"
        _, cstart = g.clause_of(k)
        heads_clause = all(g.t[x].kind == "punct" or g.is_(x, "determiner") for x in range(cstart, pre[0]))
        if not roles and ctx.topic >= 0 and (gsubj is not None and generic(gsubj) or gsubj is None and heads_clause):
            roles[-1] = ({"transfer": "party", "sale": "target", "merger": "party", "raise": "recipient",
                          "issuer": "issuer", "licence": "licensor", "invest": "recipient", "hire": "team"}[frame],
                         "the company of the story")
        modality = "negated" if any(g.is_(i, "negation") for i in range(max(0, pre[0] - 4), pre[0])) else "fact"
    # ------------------------------------------------------------------ frames for each company
    frames: list[Frame] = []
    if amount is None and pos in ("verb", "phrase"):
        amount = g.money_near(k + 1, min(g.n - 1, k + 4))
    if not roles and customer and amount:
        # no watched company in it, but it tells what a sum is: "committed to buy $51 million worth
        # of chips from Rain AI" makes the same $51 million elsewhere in the item no raise
        roles[-2] = ("none", "no watched company")
    sentence_text = g.sc.text[g.span[0]:g.span[1]].strip()
    bg = _background(g, k, label)
    _, cs = g.clause_of(k)
    seg_end = k
    while seg_end + 1 < g.n and not g.punct(seg_end + 1, ",", ";", ":"):
        seg_end += 1
    news = g.cue_between("news_marker", cs, seg_end) is not None
    modality = _modality(g, k, modality)
    if not roles:
        return frames
    for i, (role, via) in roles.items():
        if i == -2:
            company, alias, doubt = -1, "", None
        elif i == -1:
            company, alias, doubt = ctx.topic, "", ctx.topic_doubt
        else:
            company, alias, doubt = g.t[i].company, g.t[i].text, g.t[i].doubt
            if role not in ("modifier",) and _bystander(g, i, k):
                role, via = "bystander", "named as a point of comparison"
        frames.append(Frame(
            kind=kind, stage=stage or _stage(g, k, kind), trigger=t.text, company=company, alias=alias,
            role=role, via=via, counterparty=next((c for c in counter if c != alias), None), amount=amount,
            field=ctx.field, sentence=ctx.sentence, snippet=sentence_text[:300], clause=label,
            question=ctx.question, background=bg, modality=modality, customer=customer, rule=entry.rule,
            doubt=doubt, news=news))
    return frames


def _deal_fate(g: English, k: int) -> str | None:
    """"the deal collapses": the stage a verb right after a deal noun tells."""
    last = g.phrase_at(k + 1, "deal_stage")
    if last < 0:
        return None
    w = " ".join(x.low for x in g.t[k + 1:last + 1])
    for stage, words in (("called-off", ("collaps", "fall", "fell", "scrap", "call", "terminat", "end", "die",
                                          "unravel", "dead", "off")),
                         ("blocked", ("block",)), ("approval", ("approv", "clear")),
                         ("completed", ("close", "complet", "through", "done"))):
        if any(x in w for x in words):
            return stage
    return "talks"


def _sentence_company(g: English, before: int) -> int:
    """"Tenstorrent is announcing today that it will ...": the watched company that is the subject
    of the sentence's first clause, before token `before` (-1: none)."""
    for i in range(0, before):
        if g.t[i].kind == "comp" and not _bystander(g, i, before):
            subj = g._clause_subject(i + 1)
            if subj is not None and subj.rel.get(i) in ("head", "member"):
                return i
            return -1
    return -1


def _pronoun_owner(g: English, k: int) -> int:
    """"Cerebras ... increase the price of its IPO": the company "its" refers to, the subject of
    the clause when that is a watched company, else the one named last before it (-1: none)."""
    subj = g._clause_subject(k)
    if subj is not None:
        for i, r in subj.rel.items():
            if r in ("head", "member"):
                return i
    for i in range(k - 1, -1, -1):
        if g.t[i].kind == "comp" and not _bystander(g, i, k):
            return i
    return -1


def _owner_of_pronoun(g: English, obj: NP, subj: NP | None, k: int) -> int:
    """"hires its CEO": the watched company named last before the verb that is not its subject."""
    if g.t[obj.start].low not in ("its", "their"):
        return -1
    own = set(subj.rel) if subj is not None else set()
    for i in range(k - 1, -1, -1):
        if g.t[i].kind == "comp" and i not in own:
            return i
    return -1


def _names(g: English, np: NP | None) -> list[str]:
    if np is None:
        return []
    h = g.head_tok(np)
    if h is not None and (h.cap or h.kind == "comp"):
        first = np.start
        while first < np.head and not (g.t[first].cap or g.t[first].kind == "comp"):
            first += 1
        return [" ".join(x.text for x in g.t[first:np.head + 1])]
    return []


def _pps_after(g: English, k: int, *preps: str) -> list[NP]:
    """Prepositional phrases of these prepositions later in the clause of token k."""
    out = []
    j = k + 1
    while j < g.n and not g.punct(j, ";", ":", "\u2014"):
        if g.is_(j, "preposition") and g.t[j].low in preps:
            np = g.np_right(j + 1)
            if np is not None:
                out.append(np)
        if g.is_(j, "relative") or g.phrase_at(j, "subordinator") >= 0 and j > k + 1:
            break
        j += 1
    return out


def _noun_context(g: English, k: int) -> bool:
    """Is the trigger at k used as a noun: after a determiner, a possessive or an amount?"""
    p = k - 1
    if p < 0:
        return False
    t = g.t[p]
    return t.kind in ("money", "poss") or (t.kind == "word" and t.low in ("a", "an", "the", "its", "their", "his",
                                                                       "her", "this", "that", "new", "latest",
                                                                       "fresh", "first", "second", "largest",
                                                                       "biggest", "recent", "planned"))


def _verb_context(g: English, k: int) -> bool:
    p = k - 1
    return p >= 0 and (g.is_(p, "verb_group") and g.t[p].low in ("to", "will", "would", "could", "may", "might",
                                                                  "has", "have", "had", "is", "are", "was",
                                                                  "were", "be", "been")
                       or g.t[p].kind == "comp") and not _noun_context(g, k)


def _premodifiers(g: English, k: int) -> tuple[int, dict[int, str]]:
    """Walk left from a noun trigger over its own phrase: ("Nvidia's $20B Groq deal")."""
    i = k - 1
    rel: dict[int, str] = {}
    while i >= 0:
        t = g.t[i]
        if t.kind == "comp":
            nxt = g.t[i + 1]
            if nxt.hyph and g.lex.has("label_suffix", nxt.low):
                rel[i] = "label"
            elif nxt.kind == "poss":
                rel[i] = "poss"
            else:
                rel[i] = "compound"
            i -= 1
            continue
        if t.kind in ("money", "poss") or (t.kind == "word" and (g.is_(i, "determiner") or t.cap
                                                                  or t.low.isdigit()
                                                                  or (t.hyph and i + 1 < g.n))) \
                or (t.kind == "trig" and not g.verbish(i)):
            if t.kind == "word" and (g.is_(i, "preposition") or g.is_(i, "conjunction")):
                break
            if t.kind == "word" and t.cap and g.verbish(i):
                break
            i -= 1
            continue
        if t.kind == "word" and t.hyph:
            i -= 1
            continue
        break
    return i + 1, rel


def _governor(g: English, start: int) -> tuple[str, NP | None]:
    """The verb a noun phrase starting at `start` is the object of, and its subject."""
    j = start - 1
    while j >= 0 and g.t[j].kind == "word" and g.is_(j, "determiner") and not g.is_(j, "verb_group"):
        j -= 1
    if j < 0:
        return "", None
    t = g.t[j]
    if t.low == "of" and j > 0 and g.t[j - 1].kind == "word" and g.t[j - 1].low in _STEP_NOUNS:
        j -= 1  # "nears close of a $50M round": the verb before "close" governs the round
        t = g.t[j]
        if j > 0 and g.is_(j - 1, "determiner"):
            j -= 1
        j -= 1
        if j < 0:
            return "", None
        t = g.t[j]
    if t.kind == "punct" or g.is_(j, "preposition") and t.low not in ("for", "on", "in", "into", "to") \
            or g.is_(j, "relative") or g.is_(j, "subordinator"):
        return "", None
    if t.kind == "comp":
        return "", None
    if g.is_(j, "preposition"):  # "files for an IPO", "jumps 755% in debut": the verb before it
        v = j - 1
        while v >= 0 and (g.t[v].kind == "money" or g.t[v].kind == "word" and (
                g.is_(v, "determiner") or re.fullmatch(r"[\d.,]+%?|percent|per|cent", g.t[v].low))):
            v -= 1
        if v < 0 or g.t[v].kind in ("punct", "comp"):
            return "", None
        j = v
        t = g.t[j]
        if t.kind == "trig" and any(e.defn.pos == "noun" for e in t.entries):
            return "", None
    subj, _ = g.subject(j)
    if subj is not None and not subj.rel and not _is_generic_np(g, subj):
        # "Moore Threads, China's AI chip unicorn, edges closer to an IPO": an unknown verb read as
        # a noun; the clause's first phrase is the subject
        first = g._clause_subject(j)
        if first is not None and first.rel:
            subj = first
    return t.low, subj


_STEP_NOUNS = ("close", "closing", "completion", "end", "brink", "verge", "cusp", "start", "launch", "part", "terms",
               "size", "first close", "final stage", "stage", "edge")


def _is_generic_np(g: English, np: NP) -> bool:
    h = g.head_tok(np)
    return h is not None and (h.low == "it" or g.lex.has("company_noun", h.low) or g.lex.has("anaphor", h.low))


def _invests(g: English, verb: str) -> bool:
    return verb.split(" ")[0] in ("lead", "leads", "led", "co lead", "co leads", "join", "joins", "joined",
                                  "participate", "participates", "participated", "back", "backs", "backed",
                                  "anchor", "anchors", "anchored", "fund", "funds", "funded")


def _funding_noun_near(g: English, k: int) -> bool:
    for i in range(k + 1, min(g.n, k + 12)):
        t = g.t[i]
        if t.kind == "trig" and any(e.defn.kind == "funding" and e.defn.pos == "noun" for e in t.entries):
            return True
    return False


def _licence_verb(g: English, k: int, subj: NP | None, obj: NP | None, voice: str, give: object,
                  counter: list[str]) -> int:
    """Give the licence's roles; returns the company "its technology" refers to when the licensee is
    someone else ("Nvidia ... will license its technology"), else -1."""
    assert callable(give)
    frm = (obj.pp("from") if obj else []) + _pps_after(g, k, "from")
    to = (obj.pp("to") if obj else []) + _pps_after(g, k, "to")
    if voice == "passive":
        give(subj, "licensor", "subject (its technology)", "poss", "compound", "head")
        for n in to:
            give(n, "licensee", "to")
            counter += _names(g, n)
        return -1
    subject_names = set(subj.rel) if subj else set()
    own = obj is not None and g.cue_between("own_tech", obj.start, obj.end) is not None
    other_owner = obj is not None and any(i not in subject_names and r in ("poss", "compound", "head")
                                          for i, r in obj.rel.items())
    vendor = obj is not None and any(g.lex.has("ip_vendor", g.t[i].low) or
                                     (g.t[i].cap and g.t[i].kind == "word" and i != obj.start)
                                     for i in range(obj.start, obj.end + 1)) and not own
    if frm:
        give(subj, "licensee", "subject")
        for n in frm:
            give(n, "licensor", "from")
    elif other_owner:
        give(subj, "licensee", "subject")
        counter += _names(g, subj)
        give(obj, "licensor", "object", "poss", "compound", "head")
    elif vendor and not to:
        give(subj, "licensee", "subject")
    else:
        if own and obj is not None and g.t[obj.start].low in ("its", "their") and not any(
                g.t[i].kind == "comp" for i in subject_names):
            return _owner_of_pronoun(g, obj, subj, k)  # the licensee's own "its" means the startup
        give(subj, "licensor", "subject")
        for n in to:
            give(n, "licensee", "to")
            counter += _names(g, n)
    return -1


def _bystander(g: English, i: int, k: int) -> bool:
    """A name after a comparison cue ("rivals such as Groq", "competition from Groq"), in a list
    that runs up to the cue, with the trigger not between them."""
    j = i - 1
    while j >= 0:
        first = g.phrase_ending(j, "bystander_cue")
        if first >= 0:
            return not (first <= k <= j)
        t = g.t[j]
        if t.kind == "comp" or g.punct(j, ",") or (t.kind == "word" and t.low in ("and", "or", "&")):
            j -= 1
            continue
        if t.kind == "word" and (g.is_(j, "determiner") or t.low in ("other", "fellow")) and not g.boundary(j):
            j -= 1
            continue
        break
    # "Groq's customer Aramco", "Cerebras rival": a role noun right after the name
    nx = i + 1
    if nx < g.n and g.t[nx].kind == "poss":
        nx += 1
    if nx < g.n and g.t[nx].kind == "word" and g.t[nx].low in ("customer", "customers", "client", "clients",
                                                               "partner", "partners", "supplier", "rival",
                                                               "rivals", "competitor", "competitors", "peer",
                                                               "peers", "investor", "investors", "backer",
                                                               "backers", "alumni", "alum", "veterans", "spinout",
                                                               "spin off"):
        return nx != k
    return False


def _background(g: English, k: int, label: str) -> str | None:
    if label == "relative":
        return "in a relative clause"
    if label == "subordinate" and not _market_reaction(g, k):
        return "in a subordinate clause"
    if label == "descriptive":
        return "in a descriptive clause about a company"
    # cue phrases in the trigger's own stretch of its clause: between commas, plus a fronted phrase
    # ("Back in 2021, Groq raised ..."), never inside a description of a name ("Rain AI, backed by
    # Altman, is looking for a buyer")
    _, start = g.clause_of(k)
    end = k
    while end + 1 < g.n and not g.punct(end + 1, ",", ";", ":", "\u2014", "(", ")"):
        end += 1
    for a, b in _segments(g, start, end):
        if a <= k <= b or not _describes(g, a):
            cue = g.cue_between("background_cue", a, b)
            if cue is not None:
                return f"history: {g.sc.text[cue[0]:cue[1]]!r}"
            # "back in 2021", "in 2019", "in September 2025": a date with a preposition
            for j in range(a, b + 1):
                if g.t[j].kind == "word" and re.fullmatch(r"(?:19|20)\d\d", g.t[j].low) and j > 0 and j > k - 12:
                    p = j - 1
                    if g.t[p].low in ("in", "since", "during", "back", "of"):
                        return f"history: {' '.join(x.text for x in g.t[p:j + 1])}"
    return None


def _market_reaction(g: English, k: int) -> bool:
    """"Shares jumped after Marvell unveiled an acquisition": the clause says why the market moved."""
    _, start = g.clause_of(k)
    return any(g.is_(j, "market_move") for j in range(max(0, start - 12), start))


def _segments(g: English, a: int, b: int) -> list[tuple[int, int]]:
    """Stretches of tokens a..b between commas."""
    out, s = [], a
    for j in range(a, b + 1):
        if g.punct(j, ","):
            if s < j:
                out.append((s, j - 1))
            s = j + 1
    if s <= b:
        out.append((s, b))
    return out


def _describes(g: English, a: int) -> bool:
    """Does the stretch starting at token a describe the name before it (", which ...",
    ", backed by ...", ", the AI chip startup ...")?"""
    if not g.punct(a - 1, ",") or a - 2 < 0 or g.t[a - 2].kind not in ("comp", "word"):
        return False
    return g.is_(a, "relative") or g.is_(a, "determiner") or g.phrase_at(a, "descriptive") >= 0


def _modality(g: English, k: int, modality: str) -> str:
    sent = (0, g.n - 1)
    if g.cue_between("denial_cue", *sent):
        # "rejects a takeover offer" is a deal refused, not a report denied
        return "denial"
    if g.cue_between("speculation_cue", *sent):
        return "speculation"
    return modality


def _stage(g: English, k: int, kind: str) -> str | None:
    if kind not in ("ipo",):
        return None
    for j in range(max(0, k - 5), min(g.n, k + 5)):
        w = g.t[j].low
        for stage, words in (("withdrawal", ("withdraw", "withdraws", "withdrew", "withdrawn", "pulls", "pulled",
                                             "scraps", "scrapped", "cancels", "cancelled", "abandons")),
                             ("postponement", ("postpone", "postpones", "postponed", "delays", "delayed",
                                               "shelves", "shelved", "pauses", "paused")),
                             ("filing", ("files", "filed", "filing", "submits", "submitted", "confidentially")),
                             ("hearing", ("hearing",)), ("approval", ("approves", "approved", "approval", "clears",
                                                                      "cleared")),
                             ("pricing", ("prices", "priced", "pricing", "range")),
                             ("listing", ("debut", "debuts", "debuted", "lists", "listed", "trading")),):
            if w in words:
                return stage
    return None


# ----------------------------------------------------------------------------- CJK frames
_ZH_PASSIVE = "被"
_ZH_BACKDROP = re.compile(r"[^，,。；;\s]{0,6}?(?:后|之后|以来|前夕|之际|之时|期间)")
# between a name and its trigger, only an amount and a round: "沐曦的10亿元B轮融资" is still 沐曦's
_ZH_NUMBER = r"[\s\d.,亿万千百十余数近超约美元人民币港元]*"
_ZH_OWN_AMOUNT = re.compile(_ZH_NUMBER + r"的?" + _ZH_NUMBER + r"[a-z+]*(?:轮)?")
_ZH_RELATIVE = re.compile(r"[^，,。；;]{0,12}?的")
_ZH_TEAM = ("团队", "员工", "工程师", "核心成员", "创始人", "创始团队", "人才", "研发团队", "高管", "技术团队",
            "核心团队")
_ZH_OBTAIN = ("获", "获得", "取得", "拿到", "得到")


def _zh_company_follows(rest: str, names: list[Found], at: int, lex: Lexicon) -> bool:
    """After 的: a company ("完成B轮融资的沐曦", "…的公司"), so the clause before it describes one."""
    if any(a.start <= at + 6 and a.start >= at for a in names):
        return True
    return any(rest.startswith(w) or rest[:8].find(w) >= 0 for w in lex.phrases("zh_company_noun"))


def cjk_frames(sc: Scan, lex: Lexicon, span: tuple[int, int], ctx: _Ctx, doubts: dict[int, str]) -> list[Frame]:
    text, folded = sc.text, sc.folded
    out: list[Frame] = []
    clauses = split_clauses(text, span)
    # the sentence's topic: the first name of its first clause ("摩尔线程，科创板IPO获受理")
    first_names = [a for a in sc.aliases if clauses and clauses[0][0] <= a.start < clauses[0][1]]
    topic = first_names[0] if first_names else None
    sentence_text = text[span[0]:span[1]].strip()
    denial = bool(sc.cue_spans("denial_cue", span[0], span[1]))
    speculation = bool(sc.cue_spans("speculation_cue", span[0], span[1]))
    for cs, ce in clauses:
        names = [a for a in sc.aliases if cs <= a.start < ce]
        for t in sc.triggers:
            if not (cs <= t.start < ce):
                continue
            entry = t.what
            assert isinstance(entry, TriggerEntry)
            d = entry.defn
            if not has_cjk(folded[t.start:t.end]) and d.lang == "en" and not has_cjk(folded[cs:ce]):
                continue
            left = [a for a in names if a.end <= t.start]
            right = [a for a in names if a.start >= t.end]
            roles: dict[int, tuple[Found, str, str]] = {}
            counter: str | None = None
            customer: str | None = None
            seg_before = folded[cs:t.start]

            def modifier(a: Found, upto: int, cs: int = cs) -> str | None:
                between = folded[a.end:upto]
                if any(between.startswith(m) for m in lex.phrases("zh_label")):
                    return f"label ({between[:4]})"
                rel = between.split("的")[0] if "的" in between else ""
                if rel and any(v in rel for v in lex.phrases("zh_relative_verb")):
                    return "in a clause about another company (…的)"  # "红杉投资的沐曦", "前壁仞员工创办的"
                if folded[max(cs, a.start - 1):a.start] == "前":
                    return "former (前…)"
                return None

            if d.frame in ("transfer", "sale"):
                if left:
                    a = left[-1]
                    passive = _ZH_PASSIVE in folded[a.end:t.start]
                    role = "target" if passive or d.frame == "sale" else "acquirer"
                    roles[a.start] = (a, role, "subject")
                    if passive:
                        agents = [b for b in left if b.start > a.end]
                        counter = text[agents[0].start:agents[0].end] if agents else None
                if right:
                    a = right[0]
                    after = folded[a.end:a.end + 4]
                    if any(after.startswith(w) for w in _ZH_TEAM):
                        roles[a.start] = (a, "team", "object")
                    else:
                        roles[a.start] = (a, "target" if d.frame == "transfer" else "buyer", "object")
                obj_text = folded[t.end:t.end + 8]
                if re.match(r"[^，,。]{0,4}(?:芯片|产品|服务器|算力|显卡|gpu|设备|服务|订单)", obj_text) and not right \
                        and not re.search(r"公司|企业|厂商|团队|业务|初创", folded[t.end:ce]):
                    customer = "sells or buys products"
                won = next((w for w in lex.phrases("customer_object") if w in folded[t.end:ce]), None)
                if won and d.frame == "transfer":
                    customer = f"wins or buys a customer's {won}"
            elif d.frame == "merger":
                for a in names:
                    roles[a.start] = (a, "party", "named")
            elif d.frame == "hire":
                for a in right + left:
                    after = folded[a.end:a.end + 5]
                    if any(after.startswith(w) for w in _ZH_TEAM):
                        roles[a.start] = (a, "team", "object")
            elif d.frame == "licence":
                if d.pos == "verb" and not any(w in folded[cs:ce] for w in lex.phrases("ip_noun")):
                    continue  # 授权 a distributor, 许可 a permit: no technology changes hands
                obtain = any(w in seg_before[-6:] for w in _ZH_OBTAIN)
                if left:
                    a = left[-1]
                    if obtain and not (left and folded[a.end:t.start].startswith(_ZH_OBTAIN)):
                        roles[a.start] = (a, "licensor", "named")
                    elif obtain:
                        roles[a.start] = (a, "licensee", "subject")
                    else:
                        roles[a.start] = (a, "licensor", "subject")
                for a in right:
                    if "给" in folded[t.start:a.start] or "向" in folded[t.start:a.start]:
                        roles[a.start] = (a, "licensee", "to")
                    else:
                        roles.setdefault(a.start, (a, "licensor", "object"))
            elif d.frame in ("raise", "issuer"):
                role = "recipient" if d.frame == "raise" else "issuer"
                if left:
                    a = left[-1]
                    roles[a.start] = (a, role, "subject")
                    if d.kind == "ipo" and any(w in folded[a.end:t.start] for w in lex.phrases("product_noun")):
                        customer = "a product going on sale (…产品上市)"
                elif topic is not None and not right:
                    roles[topic.start] = (topic, role, "topic")
                elif right and d.frame == "issuer":
                    a = right[0]
                    if re.match(r"\s*(?:的)?", folded[t.end:a.start]) and len(folded[t.end:a.start]) <= 3:
                        roles[a.start] = (a, role, "object")
                if d.frame == "raise" and left:
                    for b in left[:-1]:
                        if "领投" in folded[b.end:b.end + 6] or "投资" in folded[b.end:b.end + 4]:
                            roles[b.start] = (b, "investor", "named")
            elif d.frame == "invest":
                for a in right:
                    roles[a.start] = (a, "recipient", "object")
                    break
                for a in left:
                    roles.setdefault(a.start, (a, "investor", "subject"))
                if not right and topic is not None and topic.start not in roles:
                    pass
            # ---- the clause's cues
            after = folded[t.end:ce]
            bg = None
            cue = sc.cue_spans("background_cue", cs, t.start) or sc.cue_spans("background_cue", t.start, ce)
            if cue:
                bg = f"history: {text[cue[0][0]:cue[0][1]]!r}"
            elif _ZH_RELATIVE.match(after) and not any(t.end <= a.start < t.end + after.index("的") for a in names) \
                    and _zh_company_follows(after[after.index("的") + 1:], names, t.end + after.index("的") + 1, lex):
                # "完成B轮融资的沐曦发布新品": the trigger describes a company named after 的
                if any(a.start >= t.end for a in names) or not left:
                    bg = "in a relative clause (…的)"
            elif re.match(r"[^，,。]{0,6}(?:后|之后|以来)(?:[，,]|$)", after):
                bg = "in a subordinate clause (…后)"
            elif any(w in after[:12] for w in lex.phrases("backdrop")):
                bg = "the backdrop of another story (…之际)"
            elif d.kind == "ipo" and any(w in folded[cs:ce] for w in lex.phrases("stock_talk")) \
                    and not any(w in folded[cs:ce] for w in lex.phrases("listing_day")):
                bg = "the talk of a listed stock, not its listing day"

            amount = next((text[m[0]:m[1]] for m in sc.money if cs <= m[0] < ce), None)
            for a, role, via in roles.values():
                mod = modifier(a, t.start) if a.end <= t.start else None
                if mod and role not in ("investor",):
                    role, via = "modifier", mod
                elif a.start >= t.end and "等" in folded[a.end:a.end + 12]:
                    role, via = "bystander", "one of a list (…等)"  # "竞争加剧：壁仞、沐曦等企业"
                out.append(Frame(
                    kind=d.kind, stage=d.stage, trigger=text[t.start:t.end], company=a.what.company,  # type: ignore[attr-defined]
                    alias=text[a.start:a.end], role=role, via=via, counterparty=counter, amount=amount,
                    field=ctx.field, sentence=ctx.sentence, snippet=sentence_text[:300], clause="main",
                    question=ctx.question, background=bg,
                    modality="denial" if denial else ("speculation" if speculation else "fact"),
                    customer=customer, rule=entry.rule, doubt=doubts.get(a.start),
                    news=bool(sc.cue_spans("news_marker", cs, ce))))
            if not roles and ctx.topic >= 0 and not names and d.frame in ("raise", "issuer", "transfer", "sale"):
                out.append(Frame(
                    kind=d.kind, stage=d.stage, trigger=text[t.start:t.end], company=ctx.topic, alias="",
                    role={"raise": "recipient", "issuer": "issuer", "transfer": "target", "sale": "target"}[d.frame],
                    via="the company of the story", amount=None, field=ctx.field, sentence=ctx.sentence,
                    snippet=sentence_text[:300], question=ctx.question,
                    background=bg, modality="denial" if denial else "fact", rule=entry.rule,
                    doubt=ctx.topic_doubt, news=bool(sc.cue_spans("news_marker", cs, ce))))
    return _dedupe(out)


# ----------------------------------------------------------------------------- a whole field
def lead_subject(sc: Scan, span: tuple[int, int], lex: Lexicon, loose: bool = True) -> int:
    """The watched company a sentence opens with as its subject ("Lightmatter, which ...",
    "Inference chip startup d-Matrix says ..."), or -1. `loose`: else the first company it names
    that is no point of comparison ("NVIDIA has struck a deal with Enfabrica")."""
    seg = sc.text[span[0]:span[1]]
    if has_cjk(seg):
        for a in sc.aliases:
            if span[0] <= a.start <= span[0] + 6 and not re.search(r"[与和跟对等]", sc.folded[span[0]:a.start]):
                return int(a.what.company)  # type: ignore[attr-defined]
        return -1
    toks = tokenize(sc, span[0], span[1], {})
    g = English(toks, sc, lex, span)
    i = 0
    while i < g.n and g.t[i].kind == "punct":
        i += 1
    np = g.np_right(i)
    if np is not None:
        for k, r in np.rel.items():
            if r == "head":
                return g.t[k].company
    if not loose:
        return -1
    for k, x in enumerate(g.t):
        if x.kind == "comp" and not _bystander(g, k, -1):
            return x.company
    return -1


def headline_focus(sc: Scan, sentences: list[tuple[int, int]], lex: Lexicon) -> str | None:
    """The headline's own event when it is not a deal: the verb after its first noun phrase when
    that verb is a launch, a hire, a lawsuit ... ("Groq launches new chip"), unless what it
    launches is a deal ("announces merger", "faces a sale")."""
    feature = sc.cues.get("feature_cue")
    if feature and not sc.triggers:
        return sc.text[feature[0][0]:feature[0][1]]  # "Lightmatter's History and Milestones"
    for span in sentences:
        seg = sc.text[span[0]:span[1]]
        if has_cjk(seg):
            others = sorted(sc.cue_spans("other_event", span[0], span[1]))
            # a trigger that only dates the event ("上市后推出新品", "上市大涨之际") does not lead it
            trig = sorted(t.start for t in sc.triggers if span[0] <= t.start < span[1]
                          and not _ZH_BACKDROP.match(sc.folded, t.end))
            for s, e in others:
                if trig and trig[0] < s:
                    break
                ends = re.finditer(r"[，,。；;：:\s]", sc.folded[e:span[1]])
                clause_end = next((m.start() for m in ends), span[1] - e)
                if any(e <= x < e + clause_end for x in trig):
                    continue  # "发布…上市公告": what it announces is the event
                return sc.text[s:e]
            continue
        g = English(tokenize(sc, span[0], span[1], {}), sc, lex, span)
        starts = [0] + [i + 1 for i in range(g.n) if g.punct(i, ":", "|", "\u2014")]
        for s in starts:
            np = g.np_right(s)
            j = np.end + 1 if np is not None else s
            while j < g.n and g.is_(j, "verb_group") and g.t[j].kind == "word":
                j += 1
            if j >= g.n:
                continue
            tok = g.t[j]
            if tok.kind == "trig":
                return None  # the headline's verb is the event
            if tok.kind == "word" and g.is_(j, "other_event"):
                after = g.np_right(j + 1)
                if after is not None and any(x.kind == "trig" for x in g.t[after.start:after.end + 1]):
                    return None
                return tok.text
    return None


def frames_of(sc: Scan, lex: Lexicon, sentences: list[tuple[int, int]], fld: str, topic: int,
              doubts: dict[int, str], bare_topic: bool = False, topic_doubt: str | None = None) -> list[Frame]:
    out: list[Frame] = []
    for n, span in enumerate(sentences):
        seg = sc.text[span[0]:span[1]]
        ctx = _Ctx(fld, n, topic, question=seg.rstrip().endswith(("?", "？")),
                   news=bool(sc.cue_spans("news_marker", span[0], span[1])), bare_topic=bare_topic,
                   topic_doubt=topic_doubt)
        if has_cjk(seg):
            out.extend(cjk_frames(sc, lex, span, ctx, doubts))
        else:
            toks = tokenize(sc, span[0], span[1], doubts)
            out.extend(english_frames(toks, sc, lex, span, ctx))
    return out
