"""Reading English trigger words. Each trigger token is read once per meaning it has (a verb or a
noun of one frame type); a reading finds the arguments (frames/grammar.py) and gives each watched
company in them a role. One function per frame type and part of speech:

    transfer  buyer acquires target         sale     owner sells target (to buyer)
    merger    parties combine               hire     buyer takes a company's team
    licence   licensor licenses to licensee raise    a company raises money
    invest    investor puts money in        issuer   a company lists, is valued

What every reading shares (clause, cues, the company a pronoun stands for) is in Reader.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..events import FAMILY
from ..index import Scan, TriggerEntry
from ..lexicon import Lexicon
from . import cues
from .grammar import NP, English
from .tokens import Tok
from .values import Ctx, Frame

# the part a company plays when it stands for "the startup" / "it" in a reading of this frame type
_TOPIC_ROLE = {"transfer": "target", "sale": "target", "merger": "party", "raise": "recipient",
               "issuer": "issuer", "licence": "licensor", "invest": "recipient", "hire": "team"}
_NUMBER = re.compile(r"[\d.,]+%?|percent|per|cent")


def english_frames(toks: list[Tok], sc: Scan, lex: Lexicon, span: tuple[int, int], ctx: Ctx) -> list[Frame]:
    g = English(toks, sc, lex, span)
    out: list[Frame] = []
    for k, t in enumerate(toks):
        if t.kind != "trig" or t.hyph and lex.has("label_suffix", t.low):
            continue  # "Nvidia-backed": a label, not an event
        for entry in t.entries:
            if entry.defn.lang in ("en", "rule"):
                out.extend(Reader(g, k, entry, ctx).frames())
    return dedupe(out)


def dedupe(frames: list[Frame]) -> list[Frame]:
    """One frame per company, kind, trigger and sentence: the reading that gives it the most."""
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


@dataclass
class Reading:
    """What one reading of a trigger found, before it becomes frames. Roles are keyed by the token
    of the company (-1: the company of the story, -2: no watched company, kept for what it tells)."""

    kind: str
    stage: str | None
    roles: dict[int, tuple[str, str]] = field(default_factory=dict)  # token -> (role, how it was tied)
    counter: list[str] = field(default_factory=list)  # names of the other side
    customer: str | None = None
    amount: str | None = None
    modality: str = "fact"
    group: bool = False  # the company of the story stands in for a plural ("AI chip startups raise $1.1B")


class Reader:
    """One trigger token read with one of its meanings."""

    def __init__(self, g: English, k: int, entry: TriggerEntry, ctx: Ctx):
        self.g, self.k, self.entry, self.ctx = g, k, entry, ctx
        self.d = entry.defn
        self.t = g.t[k]

    # ------------------------------------------------------------------ the frames
    def frames(self) -> list[Frame]:
        g, k, d = self.g, self.k, self.d
        if d.pos == "verb" and noun_context(g, k):
            return []  # "a $100M raise": the noun reading's to make
        if d.pos == "verb" and self.t.low == "licence" and k > 0 and g.t[k - 1].kind == "word" \
                and not g.t[k - 1].cap and not g.is_(k - 1, "aux") and g.t[k - 1].low not in ("to", "will", "would"):
            return []  # "UCIe chiplet interconnect licence": the noun after its describing words
        if d.pos == "verb" and _HYPHENED_PARTICLE.search(self.t.text) and k + 1 < g.n and g.t[k + 1].kind == "comp":
            return []  # "MIT spin-off Lightmatter": the noun as a title of the name after it, no event
        if d.pos == "verb" and attributive(g, k):
            return []  # "the permissively licensed instruction set": an adjective, not a clause's verb
        if (d.pos == "noun" or self.t.low.endswith("ing")) and k + 1 < g.n and g.t[k + 1].kind == "word" \
                and (g.is_(k + 1, "fiscal_noun") or g.is_(k + 1, "cost_noun")):
            return []  # "Groq licensing outlay shows in cash flow", "its debut earnings report": a figure
        if self.t.hyph and k + 1 < g.n and g.is_(k + 1, "company_noun"):
            return []  # "a Texas patent-licensing company": what kind of company it is
        if d.pos == "verb" and part_of_name(g, k):
            return []  # "Samsung's Catalyst Fund is among its investors": a name, not a clause's verb
        if d.pos == "noun" and verb_context(g, k) and any(e.defn.pos == "verb" and e.defn.lang == "en"
                                                          for e in self.t.entries):
            return []
        r = Reading(d.kind, d.stage)
        ok = self._verb(r) if d.pos in ("verb", "phrase") else self._noun(r)
        if not ok:
            return []
        if d.pos == "noun" and cues.negated_noun(g, k):
            r.modality = "negated"  # "has announced no listing plans", "no need for ... a separate listing"
        if r.amount is None and d.pos in ("verb", "phrase"):
            r.amount = g.money_near(k + 1, min(g.n - 1, k + 4))
        if r.amount is None and not r.customer:
            r.amount = amount_after(g, k)
        if r.amount is not None and not r.customer and sum_of_other(g, k, r.amount, r.kind):
            r.amount = None  # "withdraws IPO filing days after $1.1 billion private raise": the raise's
        if r.kind == "funding" and g.lex.has("total_noun", self.t.low):
            r.amount = None  # "Celestial AI's $515M war chest": all it has raised, not the round's sum
        if d.stage == "rejected" and not r.counter:
            r.counter += bidder_inside(g, self.t.text)  # "rejects Meta takeover": the bidder turned down
        if -1 in r.roles and self.ctx.field == "title" and any(
                x.kind == "word" and x.low.endswith("s") and g.lex.has("company_noun", x.low) for x in g.t[:k]):
            r.group = True  # "Chip startups dominate venture tally with $1.1B raised": the lead's company is one
        if r.group:
            r.amount = None  # "AI chip startups raise $1.1 billion": the sum of several, not the company's
        if r.kind == "sale" and self.t.low.startswith(("spin", "spinning")) and (any(
                x.kind == "trig" and any(e.defn.kind == "ipo" for e in x.entries) for x in g.t)
                or not r.counter and cues.ipo_stage(g, k) is not None):
            # "Baidu weighs spinning off Kunlunxin in a separate listing", "Kunlunxin spin-off clears a
            # regulatory hurdle": with no buyer and a listing's step, a spin-off is a listing of the unit
            r.kind = "ipo"
            r.roles = {i: ("issuer", via) if role in ("seller", "target") else (role, via)
                       for i, (role, via) in r.roles.items()}
        if r.kind == "funding" and self.t.low.endswith("ing") and g.punct(k - 1, ",") and cues.listing_before(g, k - 1):
            # "it could list within weeks of Moore Threads, raising about RMB3.9bn": the listing's proceeds
            r.kind = "ipo"
            r.roles = {i: ("issuer", via) if role == "recipient" else (role, via) for i, (role, via) in r.roles.items()}
        if r.amount is not None and d.kind == "funding" and valuation_figure(g, k, r.amount):
            r.amount = None  # "raised $1 billion in new capital at a $23 billion valuation": not the sum raised
        if not r.roles and r.customer and r.amount:
            # no watched company in it, but it tells what a sum is: "committed to buy $51 million
            # worth of chips from Rain AI" makes the same $51 million elsewhere in the item no raise
            r.roles[-2] = ("none", "no watched company")
        if not r.roles:
            return []
        label, cs = g.clause_of(k)
        if g.in_appositive(k):
            label = "descriptive"
        seg_end = k
        while seg_end + 1 < g.n and not g.punct(seg_end + 1, ",", ";", ":"):
            seg_end += 1
        news = g.cue_between("news_marker", cs, seg_end) is not None
        bg = cues.background(g, k, label, self.ctx.today)
        if bg is None and r.kind == "ipo" and d.pos == "noun" and (cues.stock_talk(g, k) or cues.reference_price(g, k)):
            bg = "the talk of a listed stock, not its listing day"
        nounlike = d.pos == "noun" or self.t.low.endswith("ing") and k > 0 and (
            g.t[k - 1].kind in ("comp", "poss", "money") or g.is_(k - 1, "determiner"))  # "the Groq licensing deal"
        if bg is None and nounlike and (verb := cues.cited(g, k)):
            bg = f"an example the sentence {verb}"
        if bg is None and (verb := cues.discussed(g, k)):
            bg = f"a topic of the talk ({verb} why/how …), not the news"
        said = cues.modality(g)  # denial beats negation beats speculation
        modality = said if said == "denial" or r.modality == "fact" else r.modality
        stage = r.stage or (cues.ipo_stage(g, k) if r.kind == "ipo" else
                            "talks" if r.kind == "funding" and cues.sought(g, k) else None)
        if stage and label == "subordinate" and cs + 1 < g.n and g.t[cs].low == "ahead" and g.t[cs + 1].low == "of":
            stage = None  # "sets its price ahead of its debut on the main board": a step still to come
        snippet = g.sc.text[g.span[0]:g.span[1]].strip()[:300]
        # "Nvidia's $20B Groq deal: a bubble, or a masterstroke?": the topic before the colon is told,
        # only what follows it is asked
        asked = self.ctx.question and not (d.pos == "noun" and any(g.punct(j, ":") for j in range(k + 1, g.n)))
        out = []
        for i, (role, via) in r.roles.items():
            if i == -2:
                company, alias, doubt = -1, "", None
            elif i == -1:
                company, alias, doubt = self.ctx.topic, "", self.ctx.topic_doubt
            else:
                company, alias, doubt = g.t[i].company, g.t[i].text, g.t[i].doubt
                if role != "modifier" and cues.bystander(g, i, k):
                    role, via = "bystander", "named as a point of comparison"
                elif _labels_another(g, i):
                    role, via = "modifier", f"label ({g.t[i + 1].text} {g.t[i + 2].text})"
            out.append(Frame(
                kind=r.kind, stage=stage, trigger=self.t.text, company=company, alias=alias, role=role, via=via,
                counterparty=next((c for c in r.counter if c != alias and not (alias and alias in c)), None),
                amount=r.amount,
                field=self.ctx.field, sentence=self.ctx.sentence, snippet=snippet, clause=label,
                tail=g.sc.text[self.t.start:g.span[1]][:160], before=g.sc.text[g.span[0]:self.t.start][-80:],
                question=asked, background=bg, modality=modality, customer=r.customer,
                rule=self.entry.rule, doubt=doubt, news=news,
                to_date=r.kind == "funding" and d.pos == "verb" and cues.to_date(g, k, cs, g.n - 1)))
        return out

    # ------------------------------------------------------------------ shared helpers
    def give(self, r: Reading, np: NP | None, role: str, via: str, *relations: str) -> None:
        """Give `role` to the names of a phrase that stand in one of `relations` to it (any, when
        none is given: then a name that only modifies the head is a modifier)."""
        if np is None:
            return
        g = self.g
        for i, rel in np.rel.items():
            if relations and rel not in relations:
                continue
            if rel == "label":
                r.roles.setdefault(i, ("modifier", f"label ({g.t[i + 1].text})"))
                continue
            if rel == "compound" and not relations and np.head != i:
                r.roles.setdefault(i, ("modifier", f"modifier of {g.t[np.head].text!r}"))
                continue
            r.roles[i] = (role, via if rel in ("head", "member") else f"{via} ({rel})")

    def generic(self, np: NP | None) -> bool:
        """A phrase like "the startup" / "it" that stands for the company of the story ("the
        ChatGPT maker" does not: it names someone else)."""
        g = self.g
        h = g.head_tok(np)
        if h is None or np is None or h.kind == "comp" or np.rel:
            return False
        words = g.t[np.start:np.head + 1]
        loud = g.sc.title_case or g.sc.shouting
        for n, x in enumerate(words[1:], np.start + 1):
            if x.kind == "money" or x.kind == "trig" and g.is_(n, "label_suffix"):
                continue  # "a $50M startup", "DARPA-backed startup"
            placed = n == np.start + 1 and g.lex.has("definite", words[0].low) and not x.hyph \
                and g.lex.has("place_noun_head", h.low)  # "his Toronto startup", "the Eindhoven company"
            if x.kind != "word" or x.cap and not (loud or x.text.isupper() or g.lex.has("place", x.low) or placed):
                return False  # ("the ChatGPT maker" names someone else)
        if h.low == "we" and any(g.is_(j, "moved_on_verb") for j in range(0, np.start)):
            return False  # "I've co-founded Kestrel Silicon — and we just raised": the new company
        if g.lex.has("anaphor", " ".join(x.low for x in words)) or h.low == "it":
            return True
        definite = g.lex.has("definite", words[0].low)
        # a headline's clause that opens on a bare "startup" after ";" or ":" speaks of its company
        opens = self.ctx.field == "title" and np.start > 0 and g.punct(np.start - 1, ";", ":") and len(words) == 1
        return g.lex.has("company_noun", h.low) and (definite or self.ctx.bare_topic or opens)

    def word_is(self, cls: str) -> bool:
        """Is the trigger's first word of this lexicon class?"""
        return self.g.lex.has(cls, self.t.low.split(" ")[0])

    def topic_role(self, r: Reading, subj: NP | None, active: bool = True) -> None:
        """A subject that is "it" or "the startup": the company the sentence or the story is about."""
        g, frame = self.g, self.d.frame
        if frame in ("hire", "invest") or r.roles or not self.generic(subj) or subj is None:
            return
        role = "acquirer" if frame == "transfer" and active else _TOPIC_ROLE.get(frame, "party")
        if g.t[subj.head].low == "it" and said_by_other(g, subj.start):
            return
        if g.t[subj.head].low in ("it", "we"):
            near = sentence_company(g, subj.start, any_role=g.t[subj.head].low == "we")
            if near >= 0:
                r.roles[near] = (role, "subject (it)")
                return
            if g.t[subj.head].low == "we" and any(g.is_(j, "moved_on_verb") for j in range(0, subj.start)):
                return  # the writer's new company, not the story's
        if self.ctx.topic >= 0:
            r.roles[-1] = (role, "subject (the company)")
            head = g.t[subj.head].low
            r.group = head.endswith("s") and not head.endswith("ss") and g.lex.has("company_noun", head)

    def colon_subject(self, r: Reading, subj: NP | None, active: bool) -> None:
        """"Horizon Robotics: Issues Shares …": a headline's verb with no subject after "Name:" is
        the name's."""
        g, frame = self.g, self.d.frame
        if r.roles or subj is not None or frame in ("hire", "invest") or not active:
            return
        if g.n > 2 and g.t[0].kind == "comp" and g.punct(1, ":") and g.clause_of(self.k)[1] == 2:
            r.roles[0] = ("acquirer" if frame == "transfer" else _TOPIC_ROLE.get(frame, "party"), "subject (Name: …)")

    # ------------------------------------------------------------------ verbs
    def _verb(self, r: Reading) -> bool:
        g, k, d = self.g, self.k, self.d
        subj, vg = g.subject(k)
        obj = g.np_right(k + 1)
        self.voice = g.voice(k, vg)
        if d.needs == "money" and not self._money_object(r):
            return False
        ok = _VERB_READERS[d.frame](self, r, subj, obj, vg)
        if not ok:
            return False
        self.topic_role(r, subj, self.voice == "active")
        self.colon_subject(r, subj, self.voice == "active")
        if any(g.is_(i, "negation") for i in range(vg, k)):
            r.modality = "negated"
        return True

    def _money_object(self, r: Reading) -> bool:
        """A money verb ("bags", "lands") counts with an amount right after it, and the amount is
        money raised unless a noun after it says otherwise ("$20M contract")."""
        g, k = self.g, self.k
        m = next((i for i in range(k + 1, min(g.n, k + 4)) if g.t[i].kind == "money"), None)
        gerund = g.t[k].low.split(" ")[0].endswith("ing")

        def leads(i: int) -> bool:  # "tops up with $250M", "closing of $68M"
            return g.is_(i, "determiner") or g.is_(i, "amount_lead") or g.t[i].low == "with" \
                or g.t[i].low == "of" and gerund
        if m is None or not all(leads(i) for i in range(k + 1, m)):
            return False
        r.amount = g.t[m].text
        for j in range(m + 1, min(g.n, m + 4)):  # "$50M contract", "$50M government contract"
            nxt = g.phrase_at(j, "not_capital_noun")
            if nxt >= 0 and self.d.frame in ("raise", "invest"):
                r.customer = f"the amount is a {' '.join(x.text for x in g.t[m + 1:nxt + 1])}, not money raised"
                break
            if g.t[j].kind != "word" or g.boundary(j):
                break
        return True

    def _transfer_verb(self, r: Reading, subj: NP | None, obj: NP | None, vg: int) -> bool:
        g, k = self.g, self.k
        if self.voice == "passive":
            h = g.head_tok(subj)
            if h is not None and h.kind == "word" and g.lex.has("product_noun", h.low) and subj is not None \
                    and not proper_name(g, subj):
                r.customer = f"{h.text} bought"  # "Graphcore's former office building bought by an investor"
            self.give(r, subj, "target", "subject")
            for n in (obj.pp("by") if obj else []) + pps_after(g, k, "by"):
                self.give(r, n, "acquirer", "by")
                r.counter += names(g, n)
            return True
        if obj is None and (k + 1 >= g.n or g.t[k + 1].kind == "punct") and not self.t.low.startswith("be "):
            return False  # "advising readers to watch rather than buy.": nothing named is bought
        if obj is not None and minority_stake(g, obj):
            return False  # "picks up a stake in Recogni": an investment, which the stake noun tells
        if obj is not None and any(x.kind == "trig" and any(e.defn.kind == "funding" for e in x.entries)
                                   and not g.lex.has("stake_noun", x.low) for x in g.t[obj.start:obj.end + 1]):
            return False  # "signs term sheet for $120M Series B": a round, which its own noun reads
            # (not "buys a 60% stake in Recogni": a stake can be control)
        self.give(r, subj, "acquirer", "subject")
        r.counter += names(g, subj) + names(g, obj)  # the buyer for the bought, the bought for the buyer
        if obj is not None:
            h = g.head_tok(obj)
            if h is not None and h.kind == "money" and (obj.pp("from") or pps_after(g, k, "from")) \
                    and any(e.defn.kind == "funding" for e in self.t.entries):
                return False  # "picks up $155 million from Nvidia": money taken in, which a raise reads
                # (not "buy $51 million worth of chips from Rain AI": a purchase)
            if h is not None and h.kind == "money":
                r.customer = "buys an amount of something"
            elif h is not None and g.lex.has("product_noun", h.low) and not proper_name(g, obj):
                r.customer = f"buys {h.text}"
            elif h is not None and g.lex.has("person_noun", h.low) and not g.lex.has("team_noun", h.low):
                r.roles.clear()  # "picks up a former Intel top exec": one person hired, no company bought
                return True
            elif h is not None and g.lex.has("team_noun", h.low):
                r.kind = "acquihire"
                self.give(r, obj, "team", "object", "poss", "compound")
            self.give(r, obj, "target", "object", "head", "member", "poss")
            for n in obj.pp("of", "in"):
                self.give(r, n, "target", "of")
            last = max([obj.end] + [n.end for _, n in obj.pps])
            if not obj.rel and not any(n.rel for _, n in obj.pps) and g.punct(last + 1, ",") \
                    and not any(x.cap for x in g.t[obj.start:obj.end + 1]):  # (a nameless object: "one of them")
                # "in talks to acquire one of them, AI chip start-up SambaNova Systems": the name that
                # stands beside a nameless object is what is bought
                self.give(r, g.np_right(last + 2), "target", "object (beside it)", "head")
        h = g.head_tok(obj)
        # (not another owner's: "agreed to buy ABB's robotics division")
        others = obj is not None and any(g.t[x].kind == "poss" and x > obj.start and g.t[x - 1].cap
                                         for x in range(obj.start, obj.end + 1))
        if obj is not None and not obj.rel and h is not None and g.lex.has("own_asset", h.low) \
                and self.ctx.topic >= 0 and not r.customer and not others:
            r.roles[-1] = ("target", "object (the company's assets)")  # "AINekko purchased the ET-SoC-1 IP"
        if not any(x[0] == "target" for x in r.roles.values()) and obj is not None and r.customer is None:
            if not any(x.cap or x.kind == "comp" or g.lex.has("company_noun", x.low)
                       for x in g.t[obj.start:obj.end + 1]):
                # "Groq buys time": a buyer needs a company bought
                r.roles = {i: x for i, x in r.roles.items() if x[0] != "acquirer"}
        return True

    def _sale_verb(self, r: Reading, subj: NP | None, obj: NP | None, vg: int) -> bool:
        g, k = self.g, self.k
        if self.voice == "passive" or self.t.low.startswith(("be ", "to be")):
            h = g.head_tok(subj)
            if h is not None and h.kind == "word" and subj is not None and g.lex.has("product_noun", h.low) \
                    and "poss" in subj.rel.values():
                r.customer = f"its {h.text} sold"  # "Axelera AI's Metis accelerators are now sold through distributors"
            self.give(r, subj, "target", "subject")
        else:
            h = g.head_tok(obj)
            first = g.t[obj.start].low if obj is not None else ""
            own = h is not None and (h.low in ("itself", "themselves") or first in ("its", "the") and (
                g.lex.has("company_noun", h.low) or g.lex.has("own_asset", h.low)))
            if h is not None and g.lex.has("security_noun", h.low) and h.kind != "comp" \
                    and not (obj is not None and obj.pp("to")) and not pps_after(g, k, "to"):
                return False  # "it sold 70 million shares at CNY114.28": an offering of its stock, not a sale of it
            if h is not None and g.lex.has("product_noun", h.low) and h.kind != "comp":
                r.customer = f"sells {h.text}"
            kinds = ("company_noun", "own_asset", "stake_noun", "security_noun", "product_noun", "team_noun")
            if obj is not None and h is not None and h.kind == "word" and not h.cap and not obj.rel and not own \
                    and not any(g.lex.has(c, h.low) for c in kinds) and not self.t.low.startswith("spin") \
                    and not g.is_(obj.start, "determiner"):
                return False  # "it offloads work the CPU cannot handle": nothing a company owns changes hands
            self.give(r, subj, "target" if own or obj is None else "seller", "subject")
            self.give(r, obj, "target", "object", "head", "member", "poss", "compound")
        for n in (obj.pp("to") if obj else []) + pps_after(g, k, "to"):
            self.give(r, n, "buyer", "to")
            r.counter += names(g, n)
        return True

    def _merger_verb(self, r: Reading, subj: NP | None, obj: NP | None, vg: int) -> bool:
        h = self.g.head_tok(subj)
        if h is not None and h.kind == "word" and (self.g.lex.has("product_noun", h.low) or subj is not None and (
                "poss" in subj.rel.values() and not self.g.lex.has("company_noun", h.low))):
            # "Enfabrica's fabric chip merges a NIC and a PCIe switch", "SiMa.ai's first-generation MLSoC
            # combines its accelerator with Arm cores": a design the company owns, not companies
            return False
        self.give(r, subj, "party", "subject")
        self.give(r, obj, "party", "object")
        r.counter += names(self.g, subj) + names(self.g, obj)
        for n in (obj.pp("with") if obj else []) + pps_after(self.g, self.k, "with"):
            self.give(r, n, "party", "with")
            r.counter += names(self.g, n)
        return True

    def _hire_verb(self, r: Reading, subj: NP | None, obj: NP | None, vg: int) -> bool:
        g, k = self.g, self.k
        if self.word_is("move_verb"):  # "Rivos engineers join Meta"
            h = g.head_tok(subj)
            if h is not None and g.lex.has("team_noun", h.low):
                self.give(r, subj, "team", "subject", "poss", "compound", "head")
                for n in (subj.pp("of", "from", "at") if subj else []):
                    self.give(r, n, "team", "of")
                # where they go: a company, not a place ("the Rivos crew is headed to Menlo Park")
                r.counter += [x for x in names(g, obj) if g.lex.known_company(x) or " " not in x]
                first = g.t[subj.start].low if subj is not None else ""
                if not r.roles and self.ctx.topic >= 0 and (first in ("our", "their") or g.lex.has("definite", first)):
                    r.roles[-1] = ("team", "subject (the company's team)")  # "our team is joining Meta"
            return True
        if obj is None or not (any(g.lex.has("team_noun", x.low) for x in g.t[obj.start:obj.end + 1]
                                   if x.kind == "word") or g.cue_between("team_noun", obj.start, obj.end)):
            return True
        if any(x.kind == "word" and x.low in ("former", "ex") for x in g.t[obj.start:obj.end + 1]):
            return True  # "hires former Cerebras and Graphcore architects": people who left, not a team taken
        # "hires Groq's team", "brings on Enfabrica CEO Rochan Sankar", "picks up the team"
        self.give(r, obj, "team", "object", "poss", "compound", "member")
        for n in obj.pp("of", "from", "at"):
            self.give(r, n, "team", "of")
        r.counter += names(g, subj)
        r.roles = {i: x for i, x in r.roles.items() if x[0] == "team"}
        if not r.roles:
            owner = owner_of_pronoun(g, obj, subj, k)
            first = g.t[obj.start].low
            if owner >= 0:
                r.roles[owner] = ("team", "object (its team)")
            elif self.ctx.topic >= 0 and (g.lex.has("definite", first) or first == "their"):
                r.roles[-1] = ("team", "object (the company's team)")
        return True

    def _licence_verb(self, r: Reading, subj: NP | None, obj: NP | None, vg: int) -> bool:
        """"X licenses its technology to Y" (X licensor), "Y licenses X's technology" (X licensor),
        "X licenses Arm's cores" / "... from Arm" (X licensee)."""
        g, k = self.g, self.k
        frm = (obj.pp("from") if obj else []) + pps_after(g, k, "from")
        # (a "to" that names someone: not "… for a CPU chiplet to sit alongside its accelerator")
        to = [n for n in (obj.pp("to") if obj else []) + pps_after(g, k, "to")
              if n.rel or g.t[n.start].cap or g.t[n.start].kind == "comp" or g.is_(n.start, "determiner")
              and any(g.t[i].cap for i in range(n.start, n.end + 1))]
        if self.voice == "passive":
            self.give(r, subj, "licensor", "subject (its technology)", "poss", "compound", "head")
            for n in to:
                self.give(r, n, "licensee", "to")
                r.counter += names(g, n)
            return True
        subject_names = set(subj.rel) if subj else set()
        own = obj is not None and g.cue_between("own_tech", obj.start, obj.end) is not None
        other_owner = obj is not None and any(i not in subject_names and rel in ("poss", "compound", "head")
                                              for i, rel in obj.rel.items())
        # "Esperanto to license its RISC-V AI designs": its own; not under a report verb ("Cadence said
        # Taalas will license its controller IP": the speaker's)
        own_pronoun = obj is not None and g.is_(obj.start, "possessive_pronoun") \
            and not any(g.is_(j, "report_verb") for j in range(0, k))
        vendor = obj is not None and not own and not own_pronoun and any(
            g.lex.has("ip_vendor", g.t[i].low) or (g.t[i].cap and g.t[i].kind == "word" and i != obj.start)
            for i in range(obj.start, obj.end + 1))  # (not "license its RISC-V AI designs": its own)
        if (frm or other_owner or vendor and not to) and subj is not None and not subj.rel and self.generic(subj) \
                and self.ctx.topic >= 0:
            # "one of the first startups to license Arm's server design": the company of the story takes it in
            r.roles[-1] = ("licensee", "subject (the company)")
        if frm:
            self.give(r, subj, "licensee", "subject")
            for n in frm:
                self.give(r, n, "licensor", "from")
        elif other_owner:
            self.give(r, subj, "licensee", "subject")
            r.counter += names(g, subj)
            self.give(r, obj, "licensor", "object", "poss", "compound", "head")
        elif vendor and not to:
            self.give(r, subj, "licensee", "subject")
        elif own and obj is not None and g.is_(obj.start, "possessive_pronoun") and not any(
                g.t[i].kind == "comp" for i in subject_names):
            owner = owner_of_pronoun(g, obj, subj, k)  # "Nvidia ... will license its technology"
            if owner >= 0:
                r.roles[owner] = ("licensor", "object (its technology)")
        else:
            self.give(r, subj, "licensor", "subject")
            for n in to:
                self.give(r, n, "licensee", "to")
                r.counter += names(g, n)
        return True

    def _raise_verb(self, r: Reading, subj: NP | None, obj: NP | None, vg: int) -> bool:
        g, k = self.g, self.k
        listed = listed_rounds(g, k)
        if listed:  # "notable raises included Celestial AI ($75 million), Recogni ($102 million)"
            for i in listed:
                r.roles[i] = ("recipient", "one of the rounds listed")
            # each name has its own sum: one reading cannot carry them all, so a list carries none
            r.amount = g.t[listed[0] + 2].text if len(listed) == 1 else ""
            return True
        if self.t.low.startswith("raised") and k > 0 and g.t[k - 1].kind == "money":
            r.amount = g.t[k - 1].text  # "$800M raised": the amount the company of the story raised
            if self.ctx.topic >= 0:
                r.roles[-1] = ("recipient", "the company of the story")
            return True
        if self.voice == "passive" and self.t.low.startswith("raised"):
            return False
        if self.d.term in ("raise", "fundraise") and g.money_near(k + 1, min(g.n - 1, k + 4)) is None \
                and not funding_noun_near(g, k):
            return False  # "raises rate limits": not money
        self.give(r, subj, "recipient", "subject")
        for n in subj.pp("behind") if subj is not None and not subj.rel else []:
            # "college dropouts behind Etched raise $120M": the company they stand for
            self.give(r, n, "recipient", "subject (the people behind it)", "head", "member")
        sh = g.head_tok(subj)
        if sh is not None and sh.kind == "trig" and any(e.defn.kind == "funding" for e in sh.entries):
            # "Horizon Robotics' A-plus round is expected to raise $100M": the round's owner
            self.give(r, subj, "recipient", "subject (its round)", "poss", "compound")
        if not any(g.t[i].kind == "comp" for i in (subj.rel if subj else {})):
            for n in (obj.pp("for") if obj else []) + pps_after(g, k, "for"):
                self.give(r, n, "recipient", "for", "head", "member")  # "Benchmark raises $225M for Cerebras"
        for n in (obj.pp("led by", "from", "by") if obj else []):
            r.counter += names(g, n)
        r.amount = r.amount or g.money_near(k + 1, min(g.n - 1, k + 3))
        return True

    def _invest_verb(self, r: Reading, subj: NP | None, obj: NP | None, vg: int) -> bool:
        g, k = self.g, self.k
        h = g.head_tok(obj)
        if self.t.low.startswith("join") and obj is not None and h is not None and h.kind == "word" \
                and not g.lex.has("company_noun", h.low) and not g.is_(obj.start, "determiner") \
                and not any(g.t[i].kind == "trig" for i in range(obj.start, min(g.n, obj.end + 2))):
            return False  # "joins Celestial AI board": a seat, not a round (a round's noun is a trigger)
        money = g.money_near(k + 1, min(g.n - 1, k + 4))
        if self.voice == "passive" and money is not None and not g.is_(k, "descriptive"):
            # (not "…, backed by $270m": a description of the company)
            # "Mythic has been recapitalised with $13 million from investors": the subject takes the money
            self.give(r, subj, "recipient", "subject (passive)")
            for n in pps_after(g, k, "by", "from"):
                self.give(r, n, "investor", "by")
                r.counter += names(g, n)
            r.amount = money
            return True
        self.give(r, subj, "investor", "subject")
        r.counter += names(g, subj)
        if obj is not None:
            h = g.head_tok(obj)
            if h is not None and g.lex.has("product_noun", h.low) and h.kind != "comp":
                r.customer = f"funds {h.text}"  # "funds Cerebras supercomputers": a customer's money
            self.give(r, obj, "recipient", "object", "head", "member", "poss", "compound")
            preps = ("in", "into", "on", "to") if self.word_is("to_recipient_verb") else ("in", "into", "on")
            for n in obj.pp(*preps):
                hn = g.head_tok(n)
                if hn is not None and g.lex.has("product_noun", hn.low) and hn.kind != "comp":
                    r.customer = f"funds {hn.text}"
                self.give(r, n, "recipient", "in", "head", "member", "poss", "compound")
        for n in pps_after(g, k, "in", "into", *(("to",) if self.word_is("to_recipient_verb") else ())):
            hn = g.head_tok(n)
            if hn is not None and hn.kind != "comp" and n.rel and (
                    g.lex.has("product_noun", hn.low) or g.lex.has("own_asset", hn.low)):
                r.customer = f"invests in {hn.text}"  # "invest heavily in Cerebras' technology": a buyer's
            self.give(r, n, "recipient", "in", "head", "member", "poss", "compound")
            for i in venture_partners(g, n):
                r.roles[i] = ("recipient", "in a joint venture with it")
            if not n.rel and self.generic(n) and self.ctx.topic >= 0:
                r.roles[-1] = ("recipient", "in (the company of the story)")  # "invested in the start-up"
        r.amount = g.money_near(k + 1, min(g.n - 1, k + 4))
        # "backs", "leads", "joins" need money or a round beside them to be an investment, or the
        # investors they bring in ("led a group of corporate investors into Syntiant")
        return self.word_is("plain_invest_verb") or r.amount is not None or funding_noun_near(g, k) \
            or any(g.is_(i, "investor_noun") for i in range(k + 1, min(g.n, k + 8)))

    def _issuer_verb(self, r: Reading, subj: NP | None, obj: NP | None, vg: int) -> bool:
        g, k = self.g, self.k
        if self.word_is("worth_word"):
            # "a deal worth $100m": what is worth it is the phrase right before
            if subj is not None and subj.end < vg - 1 and not self.generic(subj):
                return False
            near = g.np_left(vg - 1)
            if near is not None and not near.rel and not self.generic(near):
                return False
        if self.word_is("value_verb") and obj is not None:
            self.give(r, obj, "issuer", "object", "head", "member", "poss")  # "investors value X at $Y"
        else:
            self.give(r, subj, "issuer", "subject")
            h = g.head_tok(subj)
            if h is not None and g.lex.has("stock_noun", h.low):
                self.give(r, subj, "issuer", "subject", "poss", "compound")  # "Cerebras shares debut"
        r.amount = g.money_near(k + 1, min(g.n - 1, k + 4))
        return True

    # ------------------------------------------------------------------ nouns
    def _noun(self, r: Reading) -> bool:
        g, k, d = self.g, self.k, self.d
        if k + 1 < g.n and g.t[k + 1].kind == "word" and g.is_(k + 1, "investor_noun"):
            return False  # "Etched's seed investors", "its Series A backers": people, not an event
        nxt = k + 2 if k + 2 < g.n and g.t[k + 1].low == "stage" else k + 1  # "a seed-stage investor in Groq"
        if nxt < g.n and g.t[nxt].kind == "word" and r.kind == "funding" and g.is_(nxt, "investor_kind"):
            return False  # "Seed firm behind Positron AI closes its second fund": a kind of investor
        tok = g.t[k]
        if not (g.sc.title_case or g.sc.shouting) and tok.text[:1].isupper() and not tok.text.isupper() \
                and k > 0 and g.t[k - 1].kind == "word" and g.t[k - 1].text[:1].isupper() \
                and (k - 1 > 0 or g.t[k - 1].text.isupper()) and g.is_(k, "firm_name_word"):
            return False  # "DSC Investment shares plunge", "Korea Investment Partners": part of a firm's name
        start, pre = premodifiers(g, k)
        pps = noun_pps(g, k)
        if not pps and k + 1 < g.n and g.t[k + 1].kind == "trig" and not g.verbish(k + 1):
            pps = noun_pps(g, k + 1)  # "a purchase deal for high-bandwidth memory": the compound's own phrases
        r.amount = next((g.t[i].text for i in range(start, k) if g.t[i].kind == "money"), None) \
            or next((g.money_near(n.start, n.end) for p, n in pps if p in ("of", "worth", "at", "for")
                     and g.money_near(n.start, n.end)), None)
        if d.needs == "market" and g.cue_between("market_word", 0, g.n - 1) is None:
            return False  # a product's debut, not a listing
        if d.needs == "money" and r.amount is None:
            fate = cues.deal_fate(g, k) if r.kind == "deal" else None
            if fate is None and r.kind == "deal" and any(p == "for" for p, _ in pps):
                fate = cues.deal_approach(g, k)  # "Meta nears deal for chip startup Rivos"
            if fate is None:
                return False
            r.stage = r.stage or fate
        poss = [i for i, rel in pre.items() if rel == "poss"]
        comp = [i for i, rel in pre.items() if rel in ("compound", "head")]
        if not poss and not comp and any(g.is_(x, "possessive_pronoun") for x in range(start, k)):
            owner = pronoun_owner(g, k)  # "the price of its IPO"
            if owner >= 0:
                poss = [owner]
            elif owner == -1 and self.ctx.topic >= 0 and not (d.kind == "funding" and named_between(g, start, k)):
                # (not "to cover its OpenAI investment": the name before the noun is what it put money in)
                r.roles[-1] = (_TOPIC_ROLE[d.frame], "its (the company of the story)")
        if not poss and not comp and self.ctx.topic >= 0 and -1 not in r.roles and r.kind != "valuation":
            for x in range(start, k):
                if g.t[x].kind == "poss" and self.generic(g.np_left(x - 1)):
                    # "the Eindhoven company's new $68 million round": the company of the story's
                    r.roles[-1] = (_TOPIC_ROLE[d.frame], "possessor (the company of the story)")
                    break
        for i, rel in pre.items():
            if rel == "label":
                r.roles[i] = ("modifier", f"label ({g.t[i + 1].text})")
        gov, gsubj = governor(g, start)
        _NOUN_READERS[d.frame](self, r, NounArgs(poss, comp, pps, gov, gsubj, start))
        if gov and r.stage is None and d.frame in ("transfer", "sale", "merger", "licence"):
            # "SoftBank completes its acquisition of Ampere": the verb that governs the noun tells its stage
            r.stage = "completed" if g.lex.has("complete_verb", gov.lower()) else \
                "agreed" if g.lex.has("agree_verb", gov.lower()) else None
        _, cstart = g.clause_of(k)
        heads_clause = all(g.t[x].kind == "punct" or g.is_(x, "determiner") or g.is_(x, "concurrent")
                           or g.is_(x, "subordinator") for x in range(cstart, start))
        # (not another company's own: "CoreWeave's IPO prospectus flags Cerebras and Groq", "Cohere's
        # $500 million round follows …")
        loud = g.sc.title_case or g.sc.shouting
        owned = d.kind in ("ipo", "valuation", "funding") and any(
            g.t[i].kind == "poss" and i > 0 and g.t[i - 1].kind == "word" and g.t[i - 1].cap
            and (d.kind != "funding"
                 or not g.is_(i - 1, "time_span") and (not loud or g.lex.known_company(g.t[i - 1].text)))
            for i in range(max(0, start - 2), k)) \
            or d.kind in ("funding", "ipo", "valuation") and any(
                g.t[i].kind == "word" and g.lex.known_company(g.t[i].text) for i in range(start, k))  # "Intel stake"
        if not r.roles and self.ctx.topic >= 0 and not owned and (gsubj is not None and self.generic(gsubj)
                                                                  or gsubj is None and heads_clause):
            role = "party" if d.frame == "transfer" else _TOPIC_ROLE[d.frame]
            if d.frame == "licence" and gov and g.lex.has("obtain_verb", gov.split(" ")[0].lower()):
                role = "licensee"  # "the Dutch startup has taken a licence to its FlexNoC IP"
            r.roles[-1] = (role, "the company of the story")
        if any(g.is_(i, "negation") and g.t[i].low != "no" for i in range(max(0, start - 4), start)):
            r.modality = "negated"  # "has not confirmed a licensing agreement" ("said no to an offer" is a refusal)
        return True

    def _transfer_noun(self, r: Reading, a: NounArgs) -> None:
        g = self.g
        for p, n in a.pps:
            h = g.head_tok(n)
            if p in ("of", "for") and h is not None and h.kind != "comp" and g.lex.has("product_noun", h.low):
                r.customer = f"a purchase of {h.text}"  # "a purchase deal for high-bandwidth memory"
        of, by = a.names("of", "for"), a.names("by")
        for i in of:
            r.roles[i] = ("target", "of")
        for i in by:
            r.roles[i] = ("acquirer", "by")
            r.counter.append(g.t[i].text)
        for i in a.poss:  # "Groq's acquisition of X" / "Groq's acquisition by Y" / "Groq's acquisition"
            r.roles[i] = ("acquirer" if of else "target" if by else "party", "possessor")
        for i in a.comp:
            r.roles.setdefault(i, ("target", "compound"))
        if not r.roles and a.gsubj is not None:
            self.give(r, a.gsubj, "party" if not of else "acquirer", "subject of " + a.gov, "head", "member")
        if of and a.gsubj is not None:
            r.counter += names(g, a.gsubj)  # "SoftBank completes acquisition of Ampere": the buyer
        if not r.counter and not by and not any(x[0] == "acquirer" for x in r.roles.values()):
            r.counter += buyer_before(g, self.k)  # "FuriosaAI rejects Meta takeover", "Meta's takeover offer"

    def _sale_noun(self, r: Reading, a: NounArgs) -> None:
        g = self.g
        for i in a.names("of"):
            r.roles[i] = ("target", "of")
        for i in a.poss + a.comp:
            r.roles.setdefault(i, ("target", "possessor" if i in a.poss else "compound"))
        for i in a.names("to"):
            r.roles[i] = ("buyer", "to")
            r.counter.append(g.t[i].text)
        for p, n in a.pps:
            h = g.head_tok(n)
            if p == "of" and h is not None and h.kind != "comp" and g.lex.has("product_noun", h.low):
                r.customer = f"sale of {h.text}"
        if not r.roles and a.gsubj is not None:
            self.give(r, a.gsubj, "target", "subject of " + a.gov, "head", "member")

    def _merger_noun(self, r: Reading, a: NounArgs) -> None:
        g, k = self.g, self.k
        for i in a.poss + a.comp + a.names("with", "of", "between") + (a.names("for") if r.kind in ("deal", "merger")
                                                                         else []):
            r.roles.setdefault(i, ("party", "named"))  # "a $1.6B deal for SambaNova", "merger agreement for …"
        if a.gsubj is not None:
            self.give(r, a.gsubj, "party", "subject of " + a.gov, "head", "member")
            r.counter += names(g, a.gsubj)
        for p, n in a.pps:
            if p in ("with", "between"):
                r.counter += names(g, n)
        if r.kind == "deal":
            # "AI chip deal", "deal for compute", "deal to supply chips": what the deal is for
            own = [x for x in g.t[a.start:k] if x.kind == "word"]
            own += [x for p, n in a.pps if p in ("for", "of", "over", "to") and g.t[n.start].kind != "trig"
                    and not n.rel for x in g.t[n.start:n.end + 1]]
            if any(g.lex.has("product_noun", x.low) for x in own) or g.phrase_at(k + 1, "supply_verb") >= 0:
                r.customer = "a deal for products or capacity"

    def _hire_noun(self, r: Reading, a: NounArgs) -> None:
        team_of = [i for p, n in a.pps if p in ("of", "with", "for", "from") for i, rel in n.rel.items()
                   if rel != "label"]
        for i in a.poss + a.comp + team_of:
            r.roles.setdefault(i, ("team", "named"))

    def _licence_noun(self, r: Reading, a: NounArgs) -> None:
        g = self.g
        frm, with_ = a.names("from"), a.names("with")
        to = [i for p, n in a.pps if p == "to" for i, rel in n.rel.items() if rel in ("head", "member")]
        for i in [i for p, n in a.pps if p == "to" for i, rel in n.rel.items() if rel in ("poss", "compound")]:
            r.roles[i] = ("licensor", "to (its technology)")  # "a licence to Axelera's core"
        for _, n in [(p, n) for p, n in a.pps if p == "to" and g.is_(n.start, "possessive_pronoun")]:
            owner = pronoun_owner(g, n.start)  # "paying ... Groq's last valuation for a licence to its architecture"
            if owner >= 0:
                r.roles.setdefault(owner, ("licensor", "to (its technology)"))
        for i in frm:
            r.roles[i] = ("licensor", "from")
        for i in [i for p, n in a.pps if p == "for" for i, rel in n.rel.items() if rel in ("poss", "compound")]:
            r.roles.setdefault(i, ("licensor", "for (its technology)"))  # "a licence for Groq's technology"
        for i in to:
            r.roles[i] = ("licensee", "to")
            r.counter.append(g.t[i].text)
        for i in with_:
            r.roles.setdefault(i, ("licensor", "with"))
        for i in a.poss + a.comp:
            r.roles.setdefault(i, ("licensor", "named"))
        # "a licence for Cadence interface IP", "... to Arm's cores", "UCIe chiplet interconnect licence":
        # an IP vendor's, taken in
        vendor_ip = any(g.lex.has("ip_vendor", g.t[i].low) for p, n in a.pps if p in ("for", "to", "of")
                        for i in range(n.start, n.end + 1) if g.t[i].kind != "comp") \
            or any(g.lex.has("ip_vendor", g.t[i].low) for i in _words_before(g, self.k, 5))
        if a.gsubj is not None:
            obtain = g.lex.has("obtain_verb", a.gov.split(" ")[0])
            if frm or vendor_ip or (obtain and not with_):
                self.give(r, a.gsubj, "licensee", "subject of " + a.gov, "head", "member")
            else:
                self.give(r, a.gsubj, "licensor" if not with_ else "party", "subject of " + a.gov, "head", "member")
        if any(g.lex.has("ip_vendor", g.t[i].low) for p, n in a.pps if p == "from"
               for i in range(n.start, n.end + 1)):
            r.roles = {i: ("licensee", x[1]) if x[0] != "licensor" else x for i, x in r.roles.items()}
        if a.gsubj is not None:
            r.counter += names(g, a.gsubj)  # "Nvidia signs a licensing agreement with Groq": the other side
        for p, n in a.pps:
            if p in ("with", "to", "from"):
                r.counter += names(g, n)

    def _raise_noun(self, r: Reading, a: NounArgs) -> None:
        self._own_noun(r, a, "recipient")

    def _issuer_noun(self, r: Reading, a: NounArgs) -> None:
        g, k = self.g, self.k
        prev = g.t[k - 1] if k > 0 else None
        if g.t[k].low == "listing" and prev is not None and prev.kind == "word" and not prev.cap \
                and not g.is_(k - 1, "determiner") and not g.is_(k - 1, "preposition") \
                and k + 1 < g.n and g.t[k + 1].kind == "comp":
            np = g.np_right(k + 1)  # "Baidu mulls listing Kunlunxin chip arm": a gerund and its object
            self.give(r, np, "issuer", "object (listing …)", "head", "member")
        self._own_noun(r, a, "issuer")

    def _own_noun(self, r: Reading, a: NounArgs, role: str) -> None:
        """"Groq's $640M round", "the Cerebras IPO", "funding for X", "valuation of X": the company
        the event belongs to; "led by Y" / "from Y" are investors."""
        g = self.g
        for i in a.poss + a.comp + a.names("for", "of", "in", "at"):
            r.roles.setdefault(i, (role, "named"))
        if r.kind == "ipo":
            for i in a.names("by"):
                r.roles.setdefault(i, (role, "by"))  # "the overseas share offering by Kunlunxin": its issuer
        for i in a.names("led by", "from", "by"):
            r.roles.setdefault(i, ("investor", "led by"))
            r.counter.append(g.t[i].text)
        if r.kind == "valuation" and not r.roles and a.start > 0 and g.t[a.start - 1].low == "at":
            # "Cerebras shares change hands at $14 billion valuation": the clause's subject is valued
            self.give(r, g.clause_subject(a.start - 1), role, "valued (at …)", "head", "member", "poss", "compound")
        if a.gsubj is not None and not any(x[0] == role for x in r.roles.values()):
            invests = g.lex.has("round_investor_verb", a.gov.split(" ")[0])  # "Nvidia leads the round"
            self.give(r, a.gsubj, "investor" if invests else role, "subject of " + a.gov, "head", "member")
            if invests and not a.gsubj.rel:
                # "Intel deepened its SambaNova partnership, joining a $350M round": an outside investor
                # joins the round of the one watched company the sentence names
                named = [i for i, t in enumerate(g.t) if t.kind == "comp" and not cues.bystander(g, i, self.k)]
                if len({g.t[i].company for i in named}) == 1:
                    r.roles[named[0]] = (role, f"the company whose round {a.gov!r} joins")
            h = g.head_tok(a.gsubj)
            if h is not None and g.lex.has("stock_noun", h.low) and not invests:
                self.give(r, a.gsubj, role, "subject of " + a.gov, "poss", "compound")  # "MetaX shares soar in debut"
            if h is not None and g.lex.has("own_thing", h.low) and not invests and not a.pps \
                    and not any(x[0] == role for x in r.roles.values()):
                # "Lightmatter's photonic AI ambitions light up an $80M Series B": the owner's round
                self.give(r, a.gsubj, role, f"whose {h.text} {a.gov}", "poss")

    def _invest_noun(self, r: Reading, a: NounArgs) -> None:
        g = self.g
        bought = next((x for x in g.t[a.start:self.k] if x.kind == "word" and g.lex.has("product_noun", x.low)), None)
        if bought is not None:
            r.customer = f"an investment in {bought.text}"  # "a $1.3 billion chip investment in India"
        ins = a.names("in", "into")
        if self.t.low.endswith(("agreement", "agreements")):
            ins += a.names("with")  # "signed investment agreements with Enflame and Biren"
        for i in ins + a.names("for"):
            r.roles[i] = ("recipient", "in")
        for p, n in a.pps:
            if p in ("in", "into"):
                for i in venture_partners(g, n):
                    r.roles[i] = ("recipient", "in a joint venture with it")
        for i in a.poss:
            r.roles.setdefault(i, ("investor", "possessor") if ins else ("recipient", "possessor"))
        for i in a.comp:
            r.roles.setdefault(i, ("recipient", "compound"))
        for p, n in a.pps:
            h = g.head_tok(n)
            if p in ("in", "into") and h is not None and h.kind != "comp" and g.lex.has("product_noun", h.low):
                r.customer = f"investment in {h.text}"
                for i in n.rel:
                    r.roles[i] = ("modifier", f"modifier of {h.text!r}")
        if a.gsubj is not None and not any(x[0] == "recipient" for x in r.roles.values()):
            # "lines up an investment in India", "pledges up to GBP 1bn UK investment": its own money
            spends = any(p in ("in", "into") for p, _ in a.pps) or g.lex.has("to_recipient_verb", a.gov.lower())
            self.give(r, a.gsubj, "investor" if spends else "recipient", "subject of " + a.gov, "head", "member")


@dataclass
class NounArgs:
    """The arguments of a trigger noun: names before it, phrases after it, the verb it is the
    object of and that verb's subject."""

    poss: list[int]
    comp: list[int]
    pps: list[tuple[str, NP]]
    gov: str
    gsubj: NP | None
    start: int

    def names(self, *preps: str) -> list[int]:
        return [i for p, n in self.pps if p in preps for i, rel in n.rel.items() if rel in ("head", "member", "poss")]


_VerbReader = Callable[[Reader, Reading, "NP | None", "NP | None", int], bool]
_VERB_READERS: dict[str, _VerbReader] = {
    "transfer": Reader._transfer_verb, "sale": Reader._sale_verb, "merger": Reader._merger_verb,
    "hire": Reader._hire_verb, "licence": Reader._licence_verb, "raise": Reader._raise_verb,
    "invest": Reader._invest_verb, "issuer": Reader._issuer_verb,
}
_NOUN_READERS: dict[str, Callable[[Reader, Reading, NounArgs], None]] = {
    "transfer": Reader._transfer_noun, "sale": Reader._sale_noun, "merger": Reader._merger_noun,
    "hire": Reader._hire_noun, "licence": Reader._licence_noun, "raise": Reader._raise_noun,
    "invest": Reader._invest_noun, "issuer": Reader._issuer_noun,
}


# ----------------------------------------------------------------------------- phrases around a trigger
def listed_rounds(g: English, k: int) -> list[int]:
    """A round-up's list after "raises included": each name with its own sum in brackets."""
    if k + 1 >= g.n or g.t[k + 1].low not in ("included", "include", "includes", "including"):
        return []
    return [i for i in range(k + 2, g.n - 2) if g.t[i].kind == "comp" and g.punct(i + 1, "(")
            and g.t[i + 2].kind == "money"]


def noun_context(g: English, k: int) -> bool:
    """Is the trigger at k used as a noun: after an article, a possessive or an amount?"""
    p = k - 1
    if p >= 0 and g.t[p].kind == "money" and g.t[k].low.endswith("ed"):
        return False  # "$800M raised": a participle after the sum
    v = p
    while v > 0 and v > k - 4 and (g.t[v].kind == "comp" or g.t[v].kind == "word" and (
            g.t[v].cap or g.is_(v, "determiner") or not g.verbish(v) and not g.is_(v, "preposition"))):
        v -= 1  # "takes Arm licence", "signed a multiyear purchase deal": words before the noun
    if v >= 0 and g.t[v].kind in ("word", "trig") and (g.lex.has("signing_verb", g.t[v].low)
                                                       or v < p and g.lex.has("obtain_verb", g.t[v].low)) \
            and not g.t[k].low.endswith(("s", "ed", "ing")):
        return True  # "signs licence", "inks deal", "takes Arm licence": the object of a verb of signing
    if p >= 1 and g.t[p].kind == "comp" and g.t[p - 1].kind == "poss" and " " not in g.t[k].low \
            and not g.t[k].low.endswith(("s", "ed", "ing")):
        return True  # "SoftBank's Ampere purchase": a name between a possessive and the noun modifies it
    return p >= 0 and (g.t[p].kind in ("money", "poss") or g.t[p].kind == "word" and g.is_(p, "noun_marker"))


def attributive(g: English, k: int) -> bool:
    """Is the participle at k an adjective before its noun: after a determiner, maybe with an
    adverb between ("the permissively licensed instruction set", "a newly acquired unit"), and
    followed by a plain lower-case word that is no preposition ("licensed to Nvidia" is a verb)?"""
    if not g.t[k].low.endswith("ed") or k + 1 >= g.n:
        return False
    p = k - 1
    if p >= 1 and g.t[p].kind == "word" and g.t[p].low.endswith("ly"):
        p -= 1  # one adverb: "permissively", "newly"
    if p < 0 or g.t[p].kind != "word" or not g.is_(p, "determiner") or g.t[p].low in ("reported", "proposed"):
        return False
    nxt = g.t[k + 1]
    return nxt.kind == "word" and nxt.text.islower() and not g.is_(k + 1, "preposition") \
        and not g.is_(k + 1, "conjunction") and not g.boundary(k + 1)


def verb_context(g: English, k: int) -> bool:
    """Is it used as a verb: after "to", an auxiliary or a name? (Not after a name that itself
    follows a word of the clause: "completes Celestial AI purchase", "with Celestial AI purchase" is
    the name and its noun.)"""
    p = k - 1
    if p >= 1 and g.t[p].kind == "comp" and g.t[p - 1].kind == "word" and not g.t[p - 1].cap \
            and not any(g.is_(p - 1, c) for c in ("aux", "conjunction", "relative", "report_verb")) \
            and g.phrase_ending(p - 1, "subordinator") < 0 and g.phrase_ending(p - 1, "concurrent") < 0:
        return False
    return p >= 0 and (g.t[p].low == "to" or g.is_(p, "aux") or g.t[p].kind == "comp") and not noun_context(g, k)



def premodifiers(g: English, k: int) -> tuple[int, dict[int, str]]:
    """Walk left from a noun trigger over its own phrase ("Nvidia's $20B Groq deal"): where the
    phrase starts, and how each name in it stands (poss, compound, label)."""
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
        if t.kind == "word" and g.is_(i, "superlative") and not t.cap and i > 0 \
                and (g.t[i - 1].low == "the" or g.t[i - 1].kind == "poss"):
            # "the biggest IPO", "Shanghai's hottest IPOs": an adjective of degree inside the phrase
            # ("its largest acquisition" keeps the buyer's "its" out of it)
            i -= 1
            continue
        if t.kind == "word" and t.low.endswith("ed") and i > 0 and g.t[i - 1].kind == "word" \
                and g.is_(i - 1, "participle_adverb") and not t.cap:
            i -= 2  # "Cerebras' newly announced $1B round", "its recently closed Series B"
            continue
        sum_at = i + 2 if i + 2 < k and g.t[i + 1].kind == "word" and g.t[i + 1].text.isupper() \
            and len(g.t[i + 1].text) <= 4 else i + 1  # "raise GBP 3m pre-seed": past a currency code
        if t.kind == "trig" and sum_at < k and g.t[sum_at].kind == "money" and i > 0 and g.t[i - 1].kind != "money" \
                and any(e.defn.pos == "verb" for e in t.entries):
            break  # "engineers raise $20 million seed": the verb before the sum ends the phrase
        if t.kind == "trig" and i > 0 and any(e.defn.pos == "verb" for e in t.entries) and not t.low.endswith("ing") \
                and g.t[i - 1].kind == "word" and not g.t[i - 1].cap and g.t[i - 1].low.endswith("s") \
                and g.nounish(i - 1) and not g.is_(i - 1, "determiner") and not g.is_(i - 1, "preposition"):
            break  # "Former Groq engineers raise seed round": a plural subject's verb ends the phrase
        if t.kind in ("money", "poss") or (t.kind == "word" and (g.is_(i, "determiner") or t.cap
                                                                  or t.low.isdigit() or t.hyph
                                                                  or g.nounish(i) and not g.boundary(i))) \
                or (t.kind == "trig" and not g.verbish(i)):
            if t.kind == "word" and (g.is_(i, "preposition") or g.is_(i, "conjunction")):
                break
            if t.kind == "word" and t.cap and g.verbish(i):
                break
            i -= 1
            continue
        break
    return i + 1, rel


def noun_pps(g: English, k: int) -> list[tuple[str, NP]]:
    """The prepositional phrases right after a trigger noun ("acquisition of X by Y", "round led
    by Z"), nested ones flattened."""
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
    return pps


def governor(g: English, start: int) -> tuple[str, NP | None]:
    """The verb a noun phrase starting at `start` is the object of ("Groq closes a $640M round",
    "files for an IPO", "nears close of a round"), and that verb's subject."""
    j = start - 1
    while j >= 0 and g.t[j].kind == "word" and g.is_(j, "determiner") and not g.is_(j, "verb_group"):
        j -= 1
    if j < 0:
        return "", None
    if j > 0 and g.is_(j, "particle") and g.t[j - 1].kind == "word":
        j -= 1  # "light up an $80M Series B": the verb before its particle
    t = g.t[j]
    if t.low == "of" and j > 0 and g.t[j - 1].low in ("one", "another", "some", "among"):
        j -= 2  # "delivers one of Shanghai's hottest IPOs": the verb before "one of" governs the IPO
        if j < 0:
            return "", None
        t = g.t[j]
    if t.low == "for" and j > 0 and g.t[j - 1].kind == "word" and g.is_(j - 1, "request_noun"):
        j -= 2  # "made its first public filing for a Hong Kong IPO": the verb before the filing governs it
        while j >= 0 and g.t[j].kind == "word" and (g.is_(j, "determiner") or g.is_(j, "request_modifier")):
            j -= 1  # its first public ...
        if j < 0:
            return "", None
        t = g.t[j]
    if t.low == "of" and j > 0 and g.t[j - 1].kind == "word" and g.is_(j - 1, "step_noun"):
        j -= 2  # "nears close of a $50M round": the verb before "close" governs the round
        if j >= 0 and g.is_(j, "determiner"):
            j -= 1
        if j < 0:
            return "", None
        t = g.t[j]
    if t.kind in ("punct", "comp") or g.is_(j, "preposition") and t.low not in ("for", "on", "in", "into", "to",
                                                                               "toward", "towards") \
            or g.is_(j, "relative") or g.is_(j, "subordinator"):
        return "", None
    if g.is_(j, "preposition"):  # "files for an IPO", "jumps 755% in debut", "trades flat on debut": the verb before it
        v = j - 1
        while v >= 0 and (g.t[v].kind == "money" or g.t[v].kind == "word" and (
                g.is_(v, "determiner") or g.is_(v, "move_size") or _NUMBER.fullmatch(g.t[v].low))):
            v -= 1
        if v > 0 and g.is_(v, "particle") and g.t[v - 1].kind in ("word", "trig"):
            v -= 1  # "closes up 425% in Shanghai debut": the verb before its particle
        if v < 0 or g.t[v].kind in ("punct", "comp"):
            return "", None
        j = v
        t = g.t[j]
        if t.kind == "trig" and any(e.defn.pos == "noun" for e in t.entries):
            return "", None
        if t.kind == "trig" and j > 0 and g.verbish(j - 1):
            j -= 1  # "shares pare gains in Hong Kong debut": the word after a verb is its object, not a verb
            t = g.t[j]
    subj, _ = g.subject(j)
    if subj is not None and not subj.rel and not is_generic_np(g, subj):
        # "Moore Threads, China's AI chip unicorn, edges closer to an IPO": an unknown verb read
        # as a noun; the clause's first phrase is the subject
        first = g.clause_subject(j)
        if first is not None and first.rel:
            subj = first
    return t.low, subj


def is_generic_np(g: English, np: NP) -> bool:
    h = g.head_tok(np)
    return h is not None and (h.low == "it" or g.lex.has("company_noun", h.low) or g.lex.has("anaphor", h.low))


def named_between(g: English, start: int, k: int) -> bool:
    """A name of another company among a noun's describing words ("its OpenAI investment"): a
    capitalised word that is no place and no word the lexicon knows, in a sentence not in Title Case."""
    return not (g.sc.title_case or g.sc.shouting) and any(
        g.t[x].kind == "word" and g.t[x].cap and g.t[x].text[:1].isupper() and not g.lex.has("place", g.t[x].low)
        and not g.is_(x, "determiner") and not g.is_(x, "possessive_pronoun") for x in range(start, k))


def part_of_name(g: English, k: int) -> bool:
    """A verb capitalised after a capitalised word in a sentence that is not Title Case: a word of
    a name ("Samsung's Catalyst Fund", "the Vision Fund"), not a verb."""
    t = g.t[k]
    return (not (g.sc.title_case or g.sc.shouting) and k > 0 and t.text[:1].isupper() and not t.text.isupper()
            and g.t[k - 1].kind == "word" and g.t[k - 1].cap and g.t[k - 1].text[:1].isupper())


def proper_name(g: English, np: NP) -> bool:
    """"Kappa Systems", "Tachyum Technologies": a capitalised head after a capitalised word, in a
    sentence that does not capitalise every word, names a company, not a product."""
    h = np.head
    return not (g.sc.title_case or g.sc.shouting) and g.t[h].cap and h - 1 >= np.start and g.t[h - 1].cap


def amount_after(g: English, k: int) -> str | None:
    """The price or size told later in the trigger's clause: "buy Groq's assets for $20 billion",
    "a deal worth $900 million", "valuation tops $5 billion"."""
    for j in range(k + 1, min(g.n - 1, k + 12)):
        if g.punct(j, ";", ":", "\u2014", "(", ")") or g.t[j].kind == "trig" and j > k + 1:
            return None
        if g.t[j].low in ("for", "worth", "at", "of") and g.t[j + 1].kind == "money":
            return g.t[j + 1].text
        if j == k + 1 and g.verbish(j) and g.money_near(j + 1, min(g.n - 1, j + 2)):
            return g.money_near(j + 1, min(g.n - 1, j + 2))  # "valuation tops $5 billion"
    return None


def _money_at(g: English, k: int, amount: str) -> int | None:
    """Where, after token k, the sum a reading found stands."""
    return next((i for i in range(k + 1, g.n) if g.t[i].kind == "money" and g.t[i].text == amount), None)


def sum_of_other(g: English, k: int, amount: str, kind: str) -> bool:
    """Is the sum found after token k named by another event's trigger right after it ("$1.1 billion
    private raise" after "withdraws IPO filing"; "a $50 million round" after "to buy")?"""
    m = _money_at(g, k, amount)
    if m is None:
        return False
    for i in range(m + 1, min(g.n, m + 3)):
        if g.punct(i):
            return False
        if g.t[i].kind == "trig":  # (a noun that names the sum; not "raises $650M to buy ...")
            others = [e.defn.kind for e in g.t[i].entries if e.defn.pos == "noun"]
            if not others:
                return False
            if kind == "ipo":
                return all(o == "funding" for o in others)
            return all((FAMILY.get(o) == "deal") != (FAMILY.get(kind) == "deal") for o in others)
    return False


def valuation_figure(g: English, k: int, amount: str) -> bool:
    """Is the sum a reading found after token k a valuation ("at a $23 billion valuation",
    "valued at $5 billion", "valuing it at ...")?"""
    m = _money_at(g, k, amount)
    if m is None:
        return False
    nxt = g.t[m + 1] if m + 1 < g.n else None
    if nxt is not None and any(e.defn.kind == "valuation" for e in nxt.entries) and nxt.low.startswith(
            ("valuation", "post money", "pre money")):
        return True
    before = " ".join(t.low for t in g.t[max(0, m - 3):m])
    return before.endswith(("valued at", "valuing it at", "valuation of", "at a valuation of"))


def funding_noun_near(g: English, k: int) -> bool:
    """A funding noun ("round", "Series B") shortly after token k."""
    for i in range(k + 1, min(g.n, k + 12)):
        t = g.t[i]
        if t.kind == "trig" and any(e.defn.kind == "funding" and e.defn.pos == "noun" for e in t.entries):
            return True
    return False


def pps_after(g: English, k: int, *preps: str) -> list[NP]:
    """Prepositional phrases of these prepositions later in the clause of token k."""
    out = []
    j = k + 1
    while j < g.n and not g.punct(j, ";", ":", "\u2014"):
        if g.is_(j, "preposition") and g.t[j].low in preps and not g.t[j].hyph:  # not "die-to-die"
            np = g.np_right(j + 1)
            if np is not None:
                out.append(np)
        if g.is_(j, "relative") or g.phrase_at(j, "subordinator") >= 0 and j > k + 1:
            break
        j += 1
    return out


_HYPHENED_PARTICLE = re.compile(r"\w-(?:off|out|up|over)$", re.I)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?(?:%|percent|per cent)")


def minority_stake(g: English, np: NP) -> bool:
    """Is the phrase a stake short of control ("a stake", "a minority shareholding", "a 9.9%
    stake"), not a majority or controlling one ("a 60% stake", "a controlling stake")?"""
    h = g.head_tok(np)
    if h is None or not g.lex.has("stake_noun", h.low):
        return False
    words = " ".join(t.low for t in g.t[np.start:np.end + 1])
    if any(w in words.split() for w in ("majority", "controlling", "control", "full", "entire", "whole")):
        return False
    m = _PERCENT.search(words)
    return not (m and float(m.group(1)) > 50)


def _words_before(g: English, k: int, most: int) -> list[int]:
    """The plain words right before token k, back to a preposition, punctuation or a name (at most
    `most`): the words that describe a noun ("for UCIe chiplet interconnect licence")."""
    out: list[int] = []
    j = k - 1
    while j >= 0 and len(out) < most and g.t[j].kind == "word" and not g.is_(j, "preposition"):
        out.append(j)
        j -= 1
    return out


def venture_partners(g: English, np: NP) -> list[int]:
    """"invest $2.3 billion in a joint venture with Horizon Robotics": the money goes into a company
    the watched one co-owns, which makes it a capital event of the partner's; the partners are the
    names after "with" in a phrase whose head is a venture."""
    h = g.head_tok(np)
    if h is None or not g.lex.has("venture_noun", h.low):
        return []
    return [i for w in np.pp("with") for i, rel in w.rel.items() if rel in ("head", "member")]


_HOLDERS = frozenset({"shareholders", "stockholders", "holders", "unitholders", "owners", "investors", "backers"})


def names(g: English, np: NP | None) -> list[str]:
    """The proper name a phrase ends in, for the other side of a deal ("Nvidia", "SoftBank Group")."""
    if np is None:
        return []
    h = g.head_tok(np)
    if h is not None and h.low in _HOLDERS and np.head > np.start:
        # "BurTech shareholders approve the merger": the company whose holders they are
        return names(g, NP(np.start, np.head - 1, np.head - 1, {}))
    if h is not None and (h.cap or h.kind == "comp"):
        first = np.start
        while first < np.head and not (g.t[first].cap or g.t[first].kind == "comp"):
            first += 1
        name = " ".join(x.text for x in g.t[first:np.head + 1])
        if first > np.start and g.is_(first - 1, "person_title"):
            return []  # "with founder Jonathan Ross": a person, not the other side of the deal
        if name.lower() in _NOT_NAMES or len(name) < 2:
            return []  # "acquisition by This ...", "led by T." cut short: no name
        if g.lex.has("place_name", name.lower()):
            return []  # "licenses its IP to Japan": a country is no company on the other side
        return [name]
    return []


def bidder_inside(g: English, phrase: str) -> list[str]:
    """The proper name inside a turned-down offer ("rejects Meta takeover", "turned down Meta's
    offer"): the words between the verb and the noun that are names, not common words."""
    words = [w.removesuffix("'s").removesuffix("\u2019s") for w in phrase.split()[1:-1]]
    found = [w for w in words if w[:1].isupper() and len(w) >= 2 and not any(ch.isdigit() for ch in w)
             and w.lower() not in _NOT_NAMES and w.lower() not in ("thousand", "million", "billion", "trillion")
             and not g.lex.classes(w.lower())]
    return [" ".join(found)] if found else []


def buyer_before(g: English, k: int) -> list[str]:
    """An unwatched proper name right before a deal noun ("Meta takeover", "Meta's offer"), in a
    sentence whose capitals mean something (not a Title Case headline)."""
    j = k - 1
    if j >= 0 and g.t[j].kind == "poss":
        j -= 1
    if j <= 0 or g.sc.title_case or g.sc.shouting:
        return []
    t = g.t[j]
    if t.kind != "word" or not t.cap or len(t.text) < 3 or t.low in _NOT_NAMES or g.lex.has("place_name", t.low) \
            or g.lex.classes(t.low):
        return []
    return [t.text]


_NOT_NAMES = frozenset("""this that these those it itself its they them their we our us he she his her
the a an who which what one another others itself themselves both all each many some few most several
any anyone everyone everybody someone somebody nobody none""".split())  # "Many will file it under ...": no buyer


# ----------------------------------------------------------------------------- pronouns
def sentence_company(g: English, before: int, any_role: bool = False) -> int:
    """"Tenstorrent is announcing today that it will ...": the watched company that is the subject
    of the sentence's first clause, before token `before` (-1: none). `any_role`: the first one it
    names at all ("my anniversary at Ayar Labs ... we have closed")."""
    for i in range(0, before):
        if g.t[i].kind == "comp" and not cues.bystander(g, i, before):
            if any_role:
                # "After 6 years at d-Matrix, I've co-founded Kestrel Silicon — and we just raised": a
                # company founded or joined since is who "we" are
                moved = any(g.is_(j, "moved_on_verb") for j in range(i + 1, before))
                return -1 if moved else i
            subj = g.clause_subject(i + 1)
            return i if subj is not None and subj.rel.get(i) in ("head", "member") else -1
    return -1


def pronoun_owner(g: English, k: int) -> int:
    """"Cerebras ... increase the price of its IPO": the company "its" refers to, the subject of
    the clause when that is a watched company, else the one named last before it (-1: none; -2:
    a subject that names another company, whose own "its" it is)."""
    subj = g.clause_subject(k)
    if subj is not None:
        for i, rel in subj.rel.items():
            if rel in ("head", "member"):
                return i
        h = g.head_tok(subj)
        if h is not None and h.kind == "word" and g.lex.has("security_noun", h.low):
            for i, rel in subj.rel.items():
                if rel in ("compound", "poss"):
                    return i  # "Blaize shares made their debut on the Nasdaq": the company whose shares they are
        if proper_name(g, subj) and not is_generic_np(g, subj):
            return -2  # "Blaize Holdings 13D: Bess Ventures reports its stake": its = the subject's own
        h = g.head_tok(subj)
        if h is not None and h.kind == "word" and (g.lex.has("investor_kind", h.low)
                                                   or g.lex.has("investor_noun", h.low)):
            return -2  # "An early Groq backer sells part of its stake": the backer's own
    for i in range(k - 1, -1, -1):
        if g.t[i].kind == "comp" and not cues.bystander(g, i, k):
            return i
    return -1


def _labels_another(g: English, i: int) -> bool:
    """"Horizon Robotics spin-off D-Robotics raised …": a watched name, a noun for what came out of
    it, and another capitalised name: the name labels that other company, whose event it is."""
    return i + 2 < g.n and g.lex.has("label_noun", g.t[i + 1].low.replace("-", " ")) \
        and g.t[i + 2].cap and g.t[i + 2].kind in ("word", "comp") and not (g.sc.title_case or g.sc.shouting)


def said_by_other(g: English, at: int) -> bool:
    """"Marvell said it will buy XConn": an "it" right after a named company's verb of saying is
    that company, not the company of the story."""
    return at >= 2 and g.is_(at - 1, "report_verb") and g.t[at - 2].kind == "word" and g.t[at - 2].cap \
        and not (g.sc.title_case or g.sc.shouting)


def owner_of_pronoun(g: English, obj: NP, subj: NP | None, k: int) -> int:
    """"hires its CEO": the watched company named last before the verb that is not its subject."""
    if not g.is_(obj.start, "possessive_pronoun"):
        return -1
    own = set(subj.rel) if subj is not None else set()
    for i in range(k - 1, -1, -1):
        if g.t[i].kind == "comp" and i not in own:
            return i
    return -1
