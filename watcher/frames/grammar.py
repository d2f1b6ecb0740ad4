"""The shallow grammar of one English sentence: noun phrases (with the names in them and how they
stand: head, possessor, compound, label, list member), prepositional phrases after them, clauses
(main, relative, subordinate, concurrent, descriptive) and the subject of a verb. Every word it
consults is a class in the lexicon."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..index import Scan
from ..lexicon import Lexicon
from .tokens import Tok


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
        self._classes: list[frozenset[str] | None] = [None] * self.n
        self._clauses: dict[int, tuple[str, int]] = {}

    # ---- word classes
    def is_(self, i: int, cls: str) -> bool:
        """Is token i a word of this lexicon class?"""
        if not 0 <= i < self.n:
            return False
        classes = self._classes[i]
        if classes is None:
            t = self.t[i]
            classes = self._classes[i] = self.lex.classes(t.low) if t.kind in ("word", "trig", "poss") \
                else frozenset()
        return cls in classes

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
        if self.is_(i - 1, "no_verb_after"):
            return False  # "its top founders", "the cut": no finite verb right after a determiner
        return any(self.is_(i, c) for c in ("report_verb", "other_event", "market_move", "past_verb")) \
            and not self.nounish(i)

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
                and self.is_(i + 1, "article"):
            return True
        return self.verbish(i)

    # ---- noun phrases
    def np_left(self, j: int) -> NP | None:
        """The noun phrase ending at token j (inclusive), walking left; lists of names count."""
        if j < 0 or j >= self.n or self.boundary(j) and self.t[j].kind != "trig":
            return None
        if self.is_(j, "pronoun"):
            return self._np(j, j)  # "told the exchange it will issue": a pronoun is a phrase of its own
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
                tail = self._list_tail(j, end) if j > i and self.punct(j, ",") and self._name_like(j - 1) else None
                if tail is None:
                    break
                j = tail + 1  # "with Xinyaohui, Enflame Technology and Biren Technology": one list
                break
            if t.kind == "trig" and not self.verbish(j) and j > i and not self.is_(j, "preposition"):
                j += 1
                continue
            if t.kind == "trig" and j == i and not self.verbish(j):
                j += 1
                continue
            if t.kind == "word" and j > i + 1 and self.t[i].low in ("a", "an") and not t.cap \
                    and not t.low.endswith(("s", "ed", "ing")) and self.verbish(j) and not self.is_(j, "aux") \
                    and not self.is_(j, "preposition") and not self.is_(j, "conjunction") \
                    and not self.is_(j, "relative") and not self.is_(j, "adverb"):
                j += 1  # "a former Intel top exec": a bare verb form cannot follow "a ..." as its verb
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

    def _longer_name(self, k: int, head: int) -> bool:
        """Do the capitalised words after the name at k, up to the head, continue the name (in a
        sentence that does not capitalise every word)?"""
        if head <= k or head - k > 2 or self.sc.title_case or self.sc.shouting:
            return False
        words = self.t[k + 1:head + 1]
        return all(w.kind == "word" and w.cap and w.text[:1].isupper() and not w.text.isupper()
                   and not self.lex.has("product_noun", w.low) and not self.lex.has("company_noun", w.low)
                   for w in words)

    def _named_unit(self, k: int, head: int) -> bool:
        """Is the head a noun for the company itself ("unit", "startup", "subsidiary") that the name
        at k names, with at most two plain words between ("Kunlunxin chip unit")? Not a noun for
        someone beside it ("a Groq rival", "a Cerebras customer")."""
        if not 0 < head - k <= 3 or not self.lex.has("self_noun", self.t[head].low):
            return False
        if k > 0 and self.t[k - 1].low in ("ex", "former"):
            return False  # "Ex-Groq engineers' new startup": someone else's
        between = self.t[k + 1:head]
        if "'" in self.sc.text[self.t[k].end:self.t[head].start]:
            return False  # "Groq engineers' startup": a possessive in between
        return all((w.kind == "word" and not w.cap or w.text in ("AI", "GPU", "RISC-V"))
                   and not self.lex.has("person_noun", w.low) and not self.lex.has("team_noun", w.low)
                   for w in between)

    def _name_like(self, k: int) -> bool:
        """A watched name, or a capitalised word that may be an unwatched one."""
        t = self.t[k]
        return t.kind == "comp" or t.kind == "word" and t.cap and not self.is_(k, "determiner")

    def _list_tail(self, comma: int, end: int) -> int | None:
        """Where a list of names that goes on at a comma ends: ", B and C" / ", B, C or D", every
        item a name of at most three words, a watched name among them; None if it is no such list."""
        k, seen_comp = comma, False
        while k < end and self.punct(k, ","):
            k += 1
            if k < end and self.is_(k, "conjunction"):
                k += 1
            n = 0
            while k < end and self._name_like(k) and n < 3:
                seen_comp = seen_comp or self.t[k].kind == "comp"
                k, n = k + 1, n + 1
            if n == 0:
                return None
            if k < end and self.is_(k, "conjunction") and self.t[k].low in ("and", "or"):
                k += 1
                n = 0
                while k < end and self._name_like(k) and n < 3:
                    seen_comp = seen_comp or self.t[k].kind == "comp"
                    k, n = k + 1, n + 1
                return k - 1 if n and seen_comp else None
        return None

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
            elif self._longer_name(k, head):
                np.rel[k] = "head"  # "Black Sesame Intelligence is buying ...": the company's longer name
            elif self._named_unit(k, head):
                np.rel[k] = "head"  # "its Kunlunxin chip unit", "the Groq startup": the unit is the company
            else:
                np.rel[k] = "compound"
        # every name of a list that ends in a modifier of another head is one too ("Early Cerebras and
        # SambaNova backer raises …": the backer is someone else)
        for k in [k for k, rel in np.rel.items() if rel == "member"]:
            m = k + 1
            while m <= j and (self.t[m].kind == "comp" or self.is_(m, "conjunction") or self.punct(m, ",")):
                m += 1
            if np.rel.get(m - 1) == "compound":
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
            elif self._zero_relative(i):
                label, first = "relative", i
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

    def _zero_relative(self, i: int) -> bool:
        """A relative clause with no "that": a noun of a determiner's noun phrase, a pronoun as its
        subject and a past verb ("the Ara-2 unit it gained through its purchase of Kinara"). Not
        a fronted time or place ("In March it bought ...": the noun phrase opens the sentence)."""
        t = self.t[i]
        if t.kind != "word" or not self.is_(i, "pronoun") or i < 2 or i + 1 >= self.n:
            return False
        v = self.t[i + 1]
        past = v.low.endswith("ed") and not v.low.endswith("eed")  # (not "proceed", "need")
        if v.kind not in ("word", "trig") or not (past or self.is_(i + 1, "past_verb") or self.is_(i + 1, "deal_past")):
            return False
        noun = self.t[i - 1]
        if noun.kind not in ("word", "comp") or any(self.is_(i - 1, c) for c in (
                "preposition", "conjunction", "relative", "report_verb", "aux", "adverb", "determiner",
                "subordinator", "month", "time_noun", "time_span")) or self.verbish(i - 1):
            return False  # ("said this week it raised": a time, then what was said)
        d = next((x for x in range(i - 2, max(-1, i - 9), -1) if self.is_(x, "determiner")), -1)
        if d < 1 or any(self.punct(x) for x in range(d - 1, i)) or self.is_(d - 1, "report_verb"):
            return False
        before = d - 1  # the noun phrase is an object: a word comes before it, not a fronted phrase
        return not (self.is_(before, "preposition") and (before == 0 or self.punct(before - 1)))

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
        return self.t[i].low == "which" and self.lex.has("connective", nxt)

    def _as_preposition(self, i: int) -> bool:
        """"as" before a role ("joins as CEO", "such as") is no clause."""
        if self.t[i].low != "as":
            return False
        return i > 0 and (self.is_(i - 1, "preposition") or self.is_(i - 1, "as_lead"))

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
        # "said on Wednesday that ...": a verb of saying a few words back, with no noun between;
        # further back when a prepositional phrase follows it ("said at a joint event in Tokyo that")
        return any(self.is_(x, "report_verb") and (x >= i - 5 or self.is_(x + 1, "preposition"))
                   for x in range(max(0, i - 9), i))

    def in_appositive(self, k: int) -> bool:
        """Is token k inside ", a/the ... ," right after a name (a description of it)?"""
        i = k - 1
        while i >= 0 and not self.punct(i):
            i -= 1
        if i < 1 or not self.punct(i, ",", "(") or self.t[i - 1].kind not in ("comp", "word"):
            return False
        first = self.t[i + 1].low.split(" ")[0] if i + 1 < self.n else ""
        if not (self.is_(i + 1, "determiner") or self.phrase_at(i + 1, "descriptive") >= 0
                or self.t[i + 1].kind == "trig" and first in self.lex.phrases("descriptive")):
            return False  # ", valued at $2.8 billion and backed by ...,": the trigger opens the description
        j = k + 1
        while j < self.n and not self.punct(j):
            j += 1
        closed = j < self.n and self.punct(j, ",", ")")
        if not closed and not self._agent_phrase(i + 1, k) or j - i > (12 if closed else 16):
            return False  # (", a deal made more complicated by Altman's investment in Rain AI.": a
            # description that ends the sentence, its trigger in a by-phrase of a participle)
        # a description has no verb of its own ("the company has signed ..." is a clause)
        return not any(self.is_(x, "aux") or self.is_(x, "report_verb") for x in range(i + 1, j))

    def _agent_phrase(self, start: int, k: int) -> bool:
        """Is token k in a by-phrase of a participle ("made more complicated by", "fuelled by")?"""
        return any(self.t[x].low == "by" and (self.t[x - 1].low.endswith("ed") or self.t[x - 1].low == "made")
                   for x in range(start + 1, k))

    def subject(self, k: int) -> tuple[NP | None, int]:
        """The subject of the verb at token k: (its noun phrase, index where the verb group starts)."""
        j = k - 1
        while j >= 0 and (self.is_(j, "verb_group") or self.is_(j, "adverb") or (
                self.t[j].kind == "trig" and self.t[j].low in self.lex.phrases("verb_group"))):
            if self.t[j].kind == "word" and self.is_(j, "relative"):
                break
            j -= 1
        vg = j + 1
        if j < 0:
            return None, vg
        if self.is_(j, "preposition") and self.t[k].low.split(" ")[0].endswith("ing") and j < k:
            return self.clause_subject(j), vg  # "the final stage of raising ...": the clause's subject
        if self.is_(j, "report_verb") and self.t[k].low.split(" ")[0].endswith("ing") and j == k - 1:
            return self.clause_subject(j), vg  # "Axelera AI announces closing of $68M Series B": its own act
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
            desc = self.np_left(j - 1)
            head = self.head_tok(desc)
            if c > 0 and self.punct(c, ",") and self.t[c - 1].kind == "comp" and desc is not None \
                    and desc.start == c + 1 and head is not None and self.lex.has("company_noun", head.low):
                prev = self.np_left(c - 1)  # "Kunlunxin, Baidu's AI chip unit, is planning": the name described
                if prev is not None:
                    return prev, vg
            if c > 0 and self.punct(c, ",") and self.is_(c - 1, "company_noun"):
                # "a DARPA-backed company, EnCharge AI Inc., is looking for": the name it appends
                name = self.np_left(j - 1)
                if name is not None and name.start == c + 1 and any(r == "head" for r in name.rel.values()):
                    return name, vg
            # "Groq unveils a chip, raises $100M": the subject of the first verb
            return self.clause_subject(j), vg
        if self.is_(j, "conjunction"):
            return self.clause_subject(j), vg
        np = self.np_left(j)
        if np is None:
            return None, vg
        if self.t[vg].low == "to" and "poss" in np.rel.values():
            return np, vg  # "Enflame's application to list", "Groq's plan to raise": the possessor's own act
        before = np.start - 1
        if not np.rel and before > 0 and self.t[before].low in ("and", "or") and self.t[before - 1].kind == "word":
            left = self.np_left(before - 1)  # "Untether AI's assets and team snapped up": both conjuncts
            if left is not None and left.rel:
                return NP(left.start, np.end, np.head, dict(left.rel), left.pps + np.pps), vg
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
            subj = self.clause_subject(before)
            if subj is not None and self.t[before].low == "behind" and subj.end == before - 1:
                subj.pps.append(("behind", np))  # "college dropouts behind Etched raise": whom they stand for
            return subj, vg
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

    def clause_subject(self, j: int, depth: int = 0) -> NP | None:
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
                    if first == start and self.punct(first - 1, ","):
                        # "MetaX, founded in 2020 by former AMD engineers, is moving …": the name the
                        # description set off by commas follows
                        c = first - 2
                        while c >= 0 and not self.punct(c):
                            c -= 1
                        if c > 0 and self.punct(c, ",") and (self.is_(c + 1, "relative")
                                                             or self.phrase_at(c + 1, "descriptive") >= 0):
                            prev = self.np_left(c - 1)
                            if prev is not None and prev.rel:
                                return prev
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
