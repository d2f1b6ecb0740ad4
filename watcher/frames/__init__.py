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
from dataclasses import replace
from datetime import UTC, datetime

from ..index import Scan
from ..lexicon import Lexicon, has_cjk
from .cjk import backdrop, cjk_frames, labelled, time_clause
from .cues import bystander
from .english import english_frames
from .grammar import English
from .tokens import Tok, tokenize
from .values import Ctx, Frame

__all__ = ["Frame", "Ctx", "frames_of", "lead_subject", "headline_focus", "labelled", "tokenize", "English"]


def sentence_tokens(sc: Scan, span: tuple[int, int], lex: Lexicon) -> list[Tok]:
    """The tokens of one sentence, made once per text (a headline is read for its focus, its
    subject and its frames)."""
    key = ("tokens", span)
    got = sc.memo.get(key)
    if got is None:
        got = sc.memo[key] = tokenize(sc, span[0], span[1], {}, lex)
    return got  # type: ignore[return-value]


def lead_subject(sc: Scan, span: tuple[int, int], lex: Lexicon, loose: bool = True) -> int:
    """The watched company a sentence opens with as its subject ("Lightmatter, which ...",
    "Inference chip startup d-Matrix says ..."), or -1. `loose`: else the first company it names
    that is no point of comparison ("NVIDIA has struck a deal with Enfabrica")."""
    seg = sc.text[span[0]:span[1]]
    if has_cjk(seg):
        for a in sc.aliases:
            before = sc.folded[span[0]:a.start]
            if sc.folded.startswith(("에서", "로부터", "으로부터", "에게서", "で", "から"), a.end):
                continue  # "퓨리오사AI에서 … 하던 엔지니어들이", "米Cerebrasで…していた": where someone worked
            if before.endswith("由"):
                continue  # "由地平线机器人事业部拆分而来的地瓜机器人": where it came from, not the subject
            if before.endswith(tuple(lex.phrases("worked_at"))) and sc.folded.startswith("的", a.end):
                continue  # "由两位曾任职Cerebras的架构师创办的新创公司": where its founders worked
            if span[0] <= a.start <= span[0] + 6 and not any(w in before for w in lex.phrases("with_marker")) \
                    and not time_clause(sc, lex, a.end, span[1]) and not labelled(sc, lex, a.start, a.end):
                return int(a.what.company)
        return -1
    g = English(sentence_tokens(sc, span, lex), sc, lex, span)
    i = 0
    while i < g.n and g.t[i].kind == "punct":
        i += 1
    np = g.np_right(i)
    if np is not None:
        for k, r in np.rel.items():
            if r == "head":
                return g.t[k].company
    h = g.head_tok(np)
    if not loose or np is not None and h is not None and h.cap and h.kind == "word" and not np.rel \
            and not g.lex.has("company_noun", h.low) and np.end > np.start:
        return -1  # "Saudi AI champion HUMAIN has ...": the lead is about another company
    for k, x in enumerate(g.t):
        if x.kind == "comp" and not bystander(g, k, -1):
            own = g.np_right(k)
            if own is not None and (own.rel.get(k) == "label" or own.rel.get(k) == "compound"
                                    and not g.t[own.head].cap):
                continue  # "founded by former Groq engineers", "a Groq-backed firm": not the subject
            return x.company
    return -1


def headline_focus(sc: Scan, sentences: list[tuple[int, int]], lex: Lexicon,
                   lead: tuple[Scan, tuple[int, int] | None] | None = None) -> str | None:
    """The headline's own event when it is not a deal: the verb after its first noun phrase when
    that verb is a launch, a hire, a lawsuit ... ("Groq launches new chip"), unless what it
    launches is a deal ("announces merger", "faces a sale"); or what kind of piece the headline,
    or a first lead sentence naming no company, says it is (a history, a deep look)."""
    idioms = sc.cues.get("feature_idiom", [])
    feature = [c for c in sc.cues.get("feature_cue", []) if not any(s <= c[0] < e for s, e in idioms)]
    if feature:  # "Lightmatter's History and Milestones", "NXP 10-Q: Acquisitions and Divestments"
        return sc.text[feature[0][0]:feature[0][1]]
    if lead is not None and lead[1] is not None:
        ls, (a, b) = lead[0], lead[1]
        said = ls.cue_spans("feature_cue", a, b)
        if said and not any(a <= x.start < b for x in ls.aliases):
            return ls.text[said[0][0]:said[0][1]]  # "A deep look at the architecture, from ...": what the piece is
    for span in sentences:
        seg = sc.text[span[0]:span[1]]
        if has_cjk(seg):
            # (not one inside quotes: "1.2조 뿌리친 퓨리오사AI…'레니게이드 양산에 집중'" quotes its stance)
            quoted = [(span[0] + m.start(), span[0] + m.end()) for m in _QUOTED.finditer(seg)]
            others = sorted(o for o in sc.cue_spans("other_event", span[0], span[1])
                            if not any(a <= o[0] < b for a, b in quoted))
            # a trigger that only dates the event ("上市后推出新品", "上市大涨之际") does not lead it
            trig = sorted(t.start for t in sc.triggers if span[0] <= t.start < span[1]
                          and not backdrop(sc, lex, t.end))
            for s, e in others:
                if trig and trig[0] < s:
                    break
                if sc.cue_spans("team_noun", max(span[0], s - 8), s):
                    continue  # "创始人…采用", "創業者を採用": people taken on, the hire of a deal

                ends = re.finditer(r"[，,。；;：:\s]", sc.folded[e:span[1]])
                clause_end = next((m.start() for m in ends), span[1] - e)
                if any(e <= x < e + clause_end for x in trig):
                    continue  # "发布…上市公告": what it announces is the event
                return sc.text[s:e]
            continue
        g = English(sentence_tokens(sc, span, lex), sc, lex, span)
        starts = [0] + [i + 1 for i in range(g.n) if g.punct(i, ":", "|", "\u2014")]
        for s in starts:
            np = g.np_right(s)
            if np is None:
                continue
            words = g.t[np.start:np.end + 1]
            head = g.t[np.end]
            known = {n.lower() for n in g.lex.names.values()}
            if (g.lex.has("fiscal_noun", head.low) or head.low == "preview" and len(words) > 1
                    and g.lex.has("fiscal_noun", words[-2].low)) and not any(x.kind == "trig" for x in words) \
                    and any(x.kind == "comp" or x.low in known for x in words):
                # "Nvidia results to test nerves after $20 billion Groq pact", "Nvidia earnings preview: …":
                # a company's results (not "Lottery results for … IPO", nor an earnings call's news)
                return head.text
            j = np.end + 1
            if j < g.n and g.t[j].low == "on" and head.kind == "word" and head.cap and np.end > np.start \
                    and g.t[np.end - 1].kind == "word" and g.t[np.end - 1].cap \
                    and any(x.kind == "poss" for x in words):
                return "interview"  # "Fractile's Walter Goodwin on in-memory compute": a person's view
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
                if _deal_is_the_means(g, j):
                    return None  # "Carlyle exits Ampere in SoftBank's $6.5bn acquisition"
                return tok.text
    return None


_QUOTED = re.compile(r"['‘\"“「『][^'’\"”」』]{1,40}['’\"”」』]")


def _deal_is_the_means(g: English, j: int) -> bool:
    """Is the headline verb at j done by way of a deal told after it ("exits Ampere in SoftBank's
    $6.5bn acquisition", "joins Nvidia through a licensing deal")?"""
    via = False
    for x in range(j + 1, g.n):
        if g.punct(x) or g.phrase_at(x, "subordinator") >= 0:
            return False
        if g.is_(x, "means_preposition"):
            via = True
        elif via and g.t[x].kind == "trig":
            return True
    return False


def frames_of(sc: Scan, lex: Lexicon, sentences: list[tuple[int, int]], fld: str, topic: int,
              doubts: dict[int, str], bare_topic: bool = False, topic_doubt: str | None = None,
              today: tuple[int, int] | None = None) -> list[Frame]:
    """`today`: the (year, month) the item was published, which dates "in 2025" or "in July 2024"
    (history) and "in 2027" (plans); the current month when not given."""
    if today is None:
        now = datetime.now(UTC)
        today = (now.year, now.month)
    out: list[Frame] = []
    for n, span in enumerate(sentences):
        seg = sc.text[span[0]:span[1]]
        ctx = Ctx(fld, n, topic, question=seg.rstrip().endswith(("?", "？")),
                   news=bool(sc.cue_spans("news_marker", span[0], span[1])), bare_topic=bare_topic,
                   topic_doubt=topic_doubt, today=today)
        if has_cjk(seg):
            out.extend(cjk_frames(sc, lex, span, ctx, doubts))
        else:
            toks = sentence_tokens(sc, span, lex)
            if doubts:
                toks = [replace(t, doubt=doubts.get(t.start)) if t.kind == "comp" else t for t in toks]
            out.extend(english_frames(toks, sc, lex, span, ctx))
    return out
