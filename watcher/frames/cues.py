"""Cues around an English trigger word, each a named pure function of the sentence's grammar and
the trigger's position (tests/test_frames.py holds a table of cases for each):

    bystander(g, i, k)    the name at i is a point of comparison ("rivals such as Groq")
    background(g, k, c)   why the trigger is history, not news (its clause, a time cue)
    modality(g, k)        a denial or speculation in the sentence
    ipo_stage(g, k)       the IPO step the trigger's neighbours tell (filing, withdrawal ...)
    deal_fate(g, k)       what befalls a deal noun ("the deal collapses" -> called-off)
"""
from __future__ import annotations

import re

from .grammar import English

_YEAR = re.compile(r"(?:19|20)\d\d")
_STAGE_CLASSES = (("withdrawal", "stage_withdrawal"), ("postponement", "stage_postponement"),
                  ("filing", "stage_filing"), ("hearing", "stage_hearing"), ("approval", "stage_approval"),
                  ("pricing", "stage_pricing"), ("listing", "stage_listing"))
_FATES = (("called-off", "fate_called_off"), ("blocked", "fate_blocked"), ("approval", "fate_approval"),
          ("completed", "fate_completed"))


def bystander(g: English, i: int, k: int) -> bool:
    """The name at token i follows a comparison cue ("rivals such as Groq", "competition from
    Groq") in a list that runs up to the cue, with the trigger k not between them; or a role noun
    follows it ("Groq's customer Aramco", "Cerebras rivals")."""
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
    nx = i + 1
    if nx < g.n and g.t[nx].kind == "poss":
        nx += 1
    if nx < g.n and g.t[nx].kind == "word" and g.is_(nx, "role_after"):
        return nx != k
    return False


def background(g: English, k: int, label: str, today: tuple[int, int] = (0, 0)) -> str | None:
    """Why the trigger at k tells history: its clause (relative, subordinate, descriptive), or a
    time cue in its own stretch of the clause ("to date", "back in 2021", "last valued at"); a
    date is history when it lies before `today` (year, month), the month the item was published."""
    if pending(g, k):
        label = "main"
    if g.t[k].kind == "trig" and any(e.defn.pos == "noun" and e.defn.kind == "valuation" for e in g.t[k].entries):
        if (year := dated_noun(g, k, today)) is not None:
            return f"history: {year}"
        j = k - 1
        while j >= 0 and (g.t[j].kind == "money" or g.t[j].kind == "word" and g.is_(j, "determiner")):
            j -= 1
        if j >= 0 and g.t[j].kind == "word" and g.is_(j, "standing_verb"):
            return f"a standing ({g.t[j].text} a valuation), not news of one"
    if (after := follows_event(g, k)) is not None:
        return f"history: what the news follows ({after} …)"
    if told_before(g, k):
        return f"history: a deal told before ({g.t[k - 1].text} …)"
    if label == "relative":
        return "in a relative clause"
    if label == "subordinate" and not market_reaction(g, k):
        return "in a subordinate clause"
    if label == "descriptive":
        return "in a descriptive clause about a company"
    if contact_relative(g, k):
        return f"in a relative clause (… {g.t[k - 1].text} {g.t[k].text})"
    if label == "concurrent" and (time := time_relative(g, k)):
        return f"in a clause that describes a time ({time}, when …)"
    if set_aside(g, k):
        return "an alternative set aside (from …ing … to …ing)"  # "pivots from buying SambaNova to backing it"
    if absolute_with(g, k):
        return "in an absolute phrase (…, with X buying Y): the backdrop of the sentence"
    if label == "concurrent" and (given := conceded(g, k)):
        return f"a given the news is set against ({given} …)"  # "pushes back tape-out despite Series C cash"
    # the trigger's own stretch between commas, plus a fronted phrase ("Back in 2021, Groq
    # raised ..."), never a description of a name ("Rain AI, backed by Altman, is looking ...")
    _, start = g.clause_of(k)
    if start > 0 and g.punct(start - 1, ","):
        start = _fronted_start(g, start)
    end = k
    while end + 1 < g.n and not g.punct(end + 1, ",", ";", ":", "\u2014", "(", ")"):
        end += 1
    perfect = _past_perfect(g, start, k)
    if perfect is not None:
        return f"history: past perfect ({perfect!r})"
    for a, b in segments(g, start, end):
        if not (a <= k <= b or not describes(g, a)):
            continue
        cue = next((c for c in g.sc.cue_spans("background_cue", g.t[a].start, g.t[b].end)
                    if not _not_history(g, c[0]) and not _dates_the_news(g, c, k)), None) if a <= b else None
        if cue is not None:
            return f"history: {g.sc.text[cue[0]:cue[1]]!r}"
        for j in range(max(a, 1), b + 1):
            if j > k - 20 and (when := dated(g, j) or bare_month(g, j, today, a)) is not None \
                    and before(when[1:], today):
                return f"history: {' '.join(t.text for t in g.t[when[0]:j + 1])}"
    return None


def contact_relative(g: English, k: int) -> bool:
    """"… techniques from the Groq technology it licensed in December": a noun, then a pronoun and
    the trigger's past verb, is a relative clause without its "that" (what the noun is)."""
    # (another company's name, not the watched one the noun introduces: "Dutch startup Axelera secured")
    named = k >= 2 and g.t[k - 1].cap and g.t[k - 1].kind == "word" and g.is_(k - 2, "company_noun")
    if k < 2 or g.t[k - 1].low not in ("it", "they", "we", "he", "she") and not named:
        return False  # (a name too after a company noun: "Ampere, the chip company SoftBank bought in November")
    w = g.t[k].low.split(" ")[0]
    if g.t[k].kind != "trig" or not (w.endswith("ed") or g.lex.has("deal_past", w)):
        return False
    if any(g.is_(j, "report_verb") for j in range(max(0, k - 6), k - 1)):
        return False  # "said this week it raised $1 billion": what was said
    n = k - 2
    return g.t[n].kind in ("word", "comp") and not g.punct(n) and not g.verbish(n) \
        and not any(g.is_(n, c) for c in ("preposition", "report_verb", "conjunction", "relative")) \
        and g.phrase_at(n, "subordinator") < 0 and g.phrase_ending(n, "concurrent") < 0


def time_relative(g: English, k: int) -> str | None:
    """"… has traded on Nasdaq since January, when it completed its SPAC merger": a when-clause
    after a comma and a time names what happened then, like a relative clause. Returns the time."""
    _, w = g.clause_of(k)  # a concurrent clause starts at its "when"
    if w < 2 or g.t[w].low != "when" or not g.punct(w - 1, ","):
        return None
    t = w - 2
    if g.t[t].kind == "word" and (g.is_(t, "month") or _YEAR.fullmatch(g.t[t].low) or g.is_(t, "time_noun")):
        return g.t[t].text
    return None


def bare_month(g: English, j: int, today: tuple[int, int], start: int) -> tuple[int, int, int] | None:
    """A month without a year, told in the past tense ("raised a $100 million Series B led by Tiger
    Global in February"): (where it starts, the year it was last that month, the month), or None.
    Not a month ahead ("plans to list in March"), nor a day ("on February 3")."""
    if today == (0, 0) or not g.is_(j, "month") or g.t[j].low[:3] not in _MONTHS or g.t[j].kind != "word":
        return None
    if j + 1 < g.n and (_YEAR.fullmatch(g.t[j + 1].low) or g.t[j + 1].low.isdigit()):
        return None
    p = j - 1
    month = _MONTHS.index(g.t[j].low[:3]) + 1
    if p >= 0 and g.t[p].low == "last":  # "with its extended Series C last December": the last one before now
        return p, today[0] if month < today[1] else today[0] - 1, month
    if p < 0 or not (g.t[p].low in ("in", "since", "back") or g.t[p].kind == "trig" and g.t[p].low.endswith(" in")):
        return None
    if not any(g.is_(x, "past_verb") or g.t[x].kind in ("word", "trig")
               and ((w := g.t[x].low.split(" ")[0]).endswith("ed") or g.lex.has("past_verb", w)
                    or g.lex.has("deal_past", w))
               for x in range(start, p + 1)):  # (a trigger's own first word too: "took on its engineers in June")
        return None
    return p, today[0] if month <= today[1] else today[0] - 1, month


def _past_perfect(g: English, start: int, k: int) -> str | None:
    """"VW had said it would invest ...", "Groq had raised $300M before ...": a past perfect before
    the trigger tells what came before the story's time. Not beside a verb of saying, which shifts
    the news itself back ("said it had closed a $100M round", "had agreed to sell, people said")."""
    for i in range(start, k):
        if g.t[i].low != "had" or not (g.verbish(i + 1) or g.t[i + 1].low.endswith("ed") or g.t[i + 1].kind == "trig"):
            continue
        said = [x for x in range(start, g.n) if x != i + 1 and (g.is_(x, "report_verb") or g.t[x].low == "according")]
        if said:
            return None
        return f"had {g.t[i + 1].text}"
    return None


def _dates_the_news(g: English, cue: tuple[int, int], k: int) -> bool:
    """"Intel invested in the firm after its prototype worked": a cue of what came before, told
    after the trigger, dates the trigger's event; it makes history only of a trigger after it."""
    return cue[0] >= g.t[k].end and g.lex.has("cue_before_event", g.sc.folded[cue[0]:cue[1]])


def _not_history(g: English, at: int) -> bool:
    """"raises $278M from investors including Tencent": the round's own backers, not history;
    "its biggest purchase to date": a record, not a total."""
    if g.sc.folded[max(0, at - 5):at] == "from ":
        return True
    before = g.sc.folded[max(0, at - 40):at].split()
    return g.sc.folded.startswith(("to date", "yet"), at) and any(g.lex.has("superlative", w) for w in before[-4:])


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def dated(g: English, j: int) -> tuple[int, int, int] | None:
    """A time expression ending in the year at j: (where it starts, year, month or 0), or None.
    It is a preposition, then perhaps a month ("in July 2024", "by early 2019", "back in 2021"):
    a news lead dates its own event by day ("on April 17"), not by month or year. A year that
    qualifies a noun ("$510 million in 2025 revenue") is no time."""
    if not (g.t[j].kind == "word" and _YEAR.fullmatch(g.t[j].low)):
        return None
    if j + 1 < g.n and g.t[j + 1].kind == "word" and g.is_(j + 1, "fiscal_noun"):
        return None
    p, month = j - 1, 0
    while p > 0 and p > j - 3 and g.is_(p, "month"):
        if g.t[p].low[:3] in _MONTHS:
            month = _MONTHS.index(g.t[p].low[:3]) + 1
        p -= 1
    if p >= 0 and g.t[p].low == "of" and not (month or g.is_(p - 1, "time_noun")):
        return None  # "the Securities Act of 1933": a name's year; "in July of 2024", "the end of 2023" date
    if p >= 0 and g.t[p].low in ("in", "since", "during", "back", "of", "by", "around"):
        return p, int(g.t[j].low), month
    if p >= 0 and g.t[p].kind == "trig" and g.t[p].low.endswith((" in", " since")):
        return p, int(g.t[j].low), month  # "The company listed in October 2024": the trigger holds the "in"
    return None


def before(when: tuple[int, int], today: tuple[int, int]) -> bool:
    """Is a (year, month or 0) date history to an item published in `today` (year, month)? A year
    before this one is; this year or a later one is not ("plans to list in 2027"); a month is when
    it lies two or more months back (last month's round may still be the news)."""
    year, month = when
    if today == (0, 0):
        return True
    if not month:
        return year < today[0]
    return year * 12 + month < today[0] * 12 + today[1] - 1


def negated_noun(g: English, k: int) -> bool:
    """"The company has announced no listing plans", "had no need for outside investors or a
    separate listing": "no" or "without" before a trigger noun in its stretch of the clause, with
    no verb between, says there is none."""
    for j in range(k - 1, max(-1, k - 9), -1):
        t = g.t[j]
        if t.kind == "word" and t.low in ("no", "without"):
            return True
        if t.kind == "punct" or g.is_(j, "verb_group") or g.is_(j, "aux") or t.kind == "trig" \
                or g.phrase_at(j, "subordinator") >= 0:
            return False
    return False


def dated_noun(g: English, k: int, today: tuple[int, int]) -> str | None:
    """"its 2021 valuation of $5bn": a year right before a valuation noun, before this year (not
    "a 2024 IPO", a plan, nor a round's name: "its 2021 Series C")."""
    for j in (k - 1, k - 2):
        if j >= 0 and re.fullmatch(r"(?:19|20)\d\d", g.t[j].text) and today != (0, 0) \
                and int(g.t[j].text) < today[0] and (j == k - 1 or g.t[j + 1].kind == "word"):
            return g.t[j].text
    return None


def follows_event(g: English, k: int) -> str | None:
    """"The agreement follows SambaNova's recent fundraising": a trigger noun that is the object of
    a verb of sequence (after_verb) is the earlier event the news comes after; the verb, or None."""
    if g.t[k].kind != "trig" or not any(e.defn.pos == "noun" for e in g.t[k].entries):
        return None
    i = k - 1
    while i >= 0 and k - i <= 6 and (g.is_(i, "determiner") or g.t[i].kind in ("comp", "poss", "money")
                                     or g.t[i].kind == "word" and not g.verbish(i) and not g.is_(i, "preposition")
                                     and g.phrase_ending(i, "after_verb") < 0):
        i -= 1
    first = g.phrase_ending(i, "after_verb")
    if first < 0 and i > 0 and g.t[i].low == "including" and g.punct(i - 1, ","):
        # "… follows large raises by other Toronto companies, including Tenstorrent's Series D": one of
        # the earlier events the verb names
        for m in range(i - 2, max(-1, i - 14), -1):
            if g.t[m].kind == "punct" and not g.punct(m, ","):
                break
            if (first := g.phrase_ending(m, "after_verb")) >= 0:
                return " ".join(t.text for t in g.t[first:m + 1])
        return None
    return " ".join(t.text for t in g.t[first:i + 1]) if first >= 0 else None


def set_aside(g: English, k: int) -> bool:
    """"Intel pivots from buying SambaNova to backing it": a trigger in its -ing form right after
    "from", with "to" and another -ing form later in the sentence, is what was given up."""
    if k == 0 or g.t[k - 1].low != "from" or not g.t[k].low.split(" ")[0].endswith("ing"):
        return False
    return any(g.t[j].low == "to" and g.t[j + 1].low.split(" ")[0].endswith("ing") for j in range(k + 1, g.n - 1))


def absolute_with(g: English, k: int) -> bool:
    """"Photonics has drawn interest lately, with Marvell buying Celestial AI": "with", a name and a
    trigger in its -ing form, after a comma, set the scene for the sentence's own news."""
    if not g.t[k].low.split(" ")[0].endswith(("ing", "ed")):
        return False
    j = k - 1
    while j > 0 and g.t[j].kind in ("word", "comp") and g.t[j].low != "with" and (g.t[j].cap or g.t[j].kind == "comp"):
        j -= 1
    if j == 0 and g.t[0].low == "with" and any(g.punct(i, ",") for i in range(k + 1, g.n)):
        return True  # "With Groq folded into Nvidia, Cerebras is the last big independent": fronted
    return j < k - 1 and j > 0 and g.t[j].low == "with" and g.punct(j - 1, ",")


def conceded(g: English, k: int) -> str | None:
    """"Tachyum pushes back Prodigy tape-out again despite Series C cash": a trigger in a phrase
    opened by "despite" / "in spite of" (concession_marker) is a given, not the news."""
    _, cs = g.clause_of(k)
    for j in range(cs, k):
        if g.phrase_at(j, "concession_marker") >= 0:
            return g.t[j].text
    return None


def told_before(g: English, k: int) -> bool:
    """"a loan to cover its pending purchase of Ampere", "ahead of its expected IPO": a deal or IPO
    noun after "pending", "expected" (announced_before) is one told before, unless what befalls it
    now follows ("… wins approval", deal_stage) or a listing step stands beside it."""
    t = g.t[k]
    if t.kind != "trig" or not any(e.defn.pos == "noun" and e.defn.kind in ("acquisition", "merger", "sale", "ipo")
                                   for e in t.entries):
        return False
    i = k - 1
    while i >= 0 and g.phrase_ending(i, "announced_before") < 0 and (
            g.is_(i, "determiner") or g.t[i].kind in ("comp", "poss", "money")):
        i -= 1  # ("its expected IPO": "expected" is also a determiner's word, as in "an expected $1bn")
    if i < 0 or g.phrase_ending(i, "announced_before") < 0:
        return False
    if any(e.defn.kind == "ipo" for e in t.entries) and any(
            g.is_(j, cls) for j in range(max(0, k - 3), min(g.n, k + 4)) for _, cls in _STAGE_CLASSES):
        return False  # "prices its expected IPO": a step beside it
    return g.cue_between("deal_stage", k + 1, g.n - 1) is None \
        and not any(g.is_(j, "stage_approval") for j in range(k + 1, g.n))


def pending(g: English, k: int) -> bool:
    """"Faces uncertainty before IPO", "hires a CFO ahead of its listing": the trigger noun right
    after "before" or "ahead of" names an event still to come, which is no history."""
    i = k - 1
    while i >= 0 and (g.is_(i, "determiner") or g.t[i].kind in ("comp", "poss")):
        i -= 1
    return i >= 0 and (g.t[i].low == "before" or g.t[i].low == "of" and i > 0 and g.t[i - 1].low == "ahead")


def _fronted_start(g: English, start: int) -> int:
    """"When we last looked at Untether AI in 2021, the startup had just secured ...": a fronted
    phrase before the clause dates it too."""
    i = start - 2
    while i >= 0 and not g.punct(i, ",", ";", ":", "\u2014"):
        i -= 1
    first = i + 1
    opener = g.is_(first, "preposition") or g.phrase_at(first, "subordinator") >= 0 \
        or g.phrase_at(first, "concurrent") >= 0
    return first if i < 0 and opener else start


def market_reaction(g: English, k: int) -> bool:
    """"Shares jumped after Marvell unveiled an acquisition": the clause says why the market moved
    (not "has traded on Nasdaq since completing its merger": since how long it has traded); also
    what the event made someone ("is now the second-largest shareholder in DeepX after leading a
    110 billion won round")."""
    _, start = g.clause_of(k)
    if 0 <= start < g.n and g.t[start].low == "since":
        return False
    return any(g.is_(j, "market_move") or g.is_(j, "result_state") for j in range(max(0, start - 12), start))


def segments(g: English, a: int, b: int) -> list[tuple[int, int]]:
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


def describes(g: English, a: int) -> bool:
    """Does the stretch starting at token a describe the name before it (", which ...",
    ", backed by ...", ", the AI chip startup ...")?"""
    if not g.punct(a - 1, ",") or a - 2 < 0 or g.t[a - 2].kind not in ("comp", "word"):
        return False
    return g.is_(a, "relative") or g.is_(a, "determiner") or g.phrase_at(a, "descriptive") >= 0


def sought(g: English, k: int) -> bool:
    """"plans to raise", "in talks to raise $500M", "seeks funding": a round being sought, whose
    sum is a target (the close may differ), not money raised."""
    if any(w in g.t[k].low.split() for w in ("seek", "seeks", "seeking", "sought")):
        return True
    return g.cue_between("sought_cue", max(0, k - 4), k - 1) is not None if k > 0 else False


def to_date(g: English, k: int, start: int, end: int) -> bool:
    """"Etched has raised $625 million to build ...": a perfect raise that neither dates nor details
    a round (no backer, no round, no time word from the clause's start to the sentence's end or a
    semicolon) tells money raised to
    date, whatever it is written beside; "has raised $100M, mainly from Hyundai" tells a round."""
    i = k - 1
    while i >= 0 and g.is_(i, "adverb"):
        i -= 1
    if i < 0 or g.t[i].low not in ("has", "have"):
        return False
    stop = next((j for j in range(k, end + 1) if g.punct(j, ";")), end)
    return not any(g.is_(j, "round_detail") or g.t[j].kind == "trig" and j != k for j in range(start, stop + 1)) \
        and g.cue_between("news_marker", start, end) is None


def modality(g: English) -> str:
    """"denial" or "speculation" when the sentence says so, else "fact". ("Rejects a takeover
    offer" is a deal refused: refusals are triggers of their own, not denial cues.)"""
    whole = (0, g.n - 1)
    if g.cue_between("denial_cue", *whole):
        return "denial"
    if g.cue_between("speculation_cue", *whole):
        return "speculation"
    return "fact"


def listing_before(g: English, comma: int) -> bool:
    """Does the clause that ends at this comma tell a listing ("could list within weeks", "debuted
    in Shanghai", "its IPO")?"""
    j = comma - 1
    while j >= 0 and not g.punct(j):
        if g.is_(j, "listing_verb") or g.t[j].kind == "trig" and any(e.defn.kind == "ipo" for e in g.t[j].entries):
            return True
        j -= 1
    return False


def ipo_stage(g: English, k: int) -> str | None:
    """The IPO step a word within five tokens of the trigger tells ("withdrew its IPO"), or a word
    of the trigger itself ("Nasdaq debut", "price its IPO")."""
    own = g.t[k].low.split()
    if len(own) > 1:
        for stage, cls in _STAGE_CLASSES:
            if any(g.lex.has(cls, w) for w in own):
                return stage
    for j in range(max(0, k - 5), min(g.n, k + 5)):
        for stage, cls in _STAGE_CLASSES:
            if g.is_(j, cls):
                return stage
    return None


def deal_fate(g: English, k: int) -> str | None:
    """"the deal collapses": the stage a verb right after a deal noun tells, or None."""
    last = g.phrase_at(k + 1, "deal_stage")
    if last < 0:
        return None
    for stage, cls in _FATES:
        if g.phrase_at(k + 1, cls) >= 0:
            return stage
    return "talks"


def deal_approach(g: English, k: int) -> str | None:
    """"Meta nears deal for Rivos", "Intel strikes a deal for SambaNova": the stage the verb before a
    deal noun tells (talks, agreed), or None. The caller asks for "for" after the noun: a deal for
    a company is a deal to buy it, where a deal with one may be a partnership."""
    i = k - 1
    while i >= 0 and g.is_(i, "determiner"):
        i -= 1
    if i < 0:
        return None
    if g.phrase_ending(i, "deal_near") >= 0:
        return "talks"
    if g.phrase_ending(i, "deal_reach") >= 0:
        return "agreed"
    return None


def reference_price(g: English, k: int) -> bool:
    """"has more than quadrupled from its December listing price", "trades below its IPO price": the
    listing's price as the yardstick of a stock already trading, not the listing (unless the sentence
    tells the first day: "opened 468 per cent above its IPO price")."""
    after = k + 1 < g.n and g.t[k + 1].low in ("price", "prices", "level", "levels")
    # "above the prices of their December IPOs": the price named before the listing
    of = next((j for j in range(max(0, k - 5), k - 1)
               if g.t[j].low in ("price", "prices") and g.t[j + 1].low == "of"), None)
    if not after and of is None:
        return False
    at = k if of is None else of
    return any(g.t[j].low in ("from", "above", "below", "over", "under", "since")
               for j in range(max(0, at - 4), at)) and g.cue_between("listing_day", 0, g.n - 1) is None


def stock_talk(g: English, k: int) -> bool:
    """"Its shares have almost doubled from the HK$3.99 price of its IPO": a listing named as the
    reference of a stock already trading, not its first day."""
    subj = g.clause_subject(k)
    h = g.head_tok(subj)
    if h is None or h.low not in ("shares", "stock"):
        return False
    return g.cue_between("listing_day", 0, g.n - 1) is None


def discussed(g: English, k: int) -> str | None:
    """"Feldman talks about why Cerebras pulled its first IPO filing": an event inside a why/how
    question that a verb of discussion governs is a topic of the talk, not the news. Returns the
    verb, or None."""
    for j in range(k - 1, max(-1, k - 14), -1):
        if g.punct(j, ";", ":", "(", ")", "."):
            return None
        if g.t[j].kind == "word" and g.t[j].low in ("why", "how", "whether"):
            v = j - 1
            if v >= 0 and g.t[v].low == "about":
                v -= 1
            if v >= 0 and g.t[v].kind == "word" and g.is_(v, "discuss_verb"):
                return g.t[v].text
            return None
    return None


def cited(g: English, k: int) -> str | None:
    """"The piece cites Nvidia's $20 billion Groq licensing deal, Cerebras' contract and ...": a
    deal noun in what a sentence cites or mentions is an example, not the news. The verb that
    governs the noun is the nearest one to its left, across the commas of a list."""
    j = k - 1
    while j >= 0:
        if g.t[j].kind == "word" and g.is_(j, "cite_verb"):
            return g.t[j].text
        if g.verbish(j) or g.is_(j, "aux") or g.punct(j, ";", ":", "\u2014", "(", ")"):
            return None
        j -= 1
    return None

