"""Pure: the event an alert stands for, read from the hits (and so from the frames) that made it
alert, and whether a later report is the same event.

    from_hits(hits)        one Event per watched company the item tells of
    joins(open, new, age)  does a new report belong to an open event (same company, compatible
                           kind, inside the window, no conflicting amount or counterparty)
    fit(open, new, figures) which of several open events a report agrees with most
    new_facts(open, new)   what a later report adds: the amount, a close, an approval, a block ...
    headline(event)        "Groq: acquisition by Nvidia, $20B (licence + team)"

Every decision has a table of cases in tests/test_events.py, in English and Chinese.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from .lexicon import has_cjk, load
from .lexicon.text import amount_step, amount_value, round_figure, same_amount
from .models import Hit

# Reference rates to USD, for comparing amounts across currencies and showing a USD figure. They
# are rounded long-run values, not market quotes: good enough to tell $640M from $2.8B.
USD_RATES: dict[str, float] = {
    "USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CHF": 1.12, "CNY": 0.14, "HKD": 0.128, "TWD": 0.031,
    "JPY": 0.0068, "KRW": 0.00073, "INR": 0.012, "CAD": 0.73, "AUD": 0.66, "SGD": 0.74, "ILS": 0.27,
}

# kinds that tell of one happening, whatever the outlet calls it: Nvidia "buys", "licenses" or
# "hires the team of" Groq; a round and the valuation it sets; an IPO and the value it gives
FAMILY = {"acquisition": "deal", "merger": "deal", "sale": "deal", "acquihire": "deal", "licence": "deal",
          "deal": "deal", "funding": "capital", "valuation": "capital", "ipo": "listing", "spac": "listing",
          "filing": "filing"}
_BRIDGES = {frozenset({"valuation", "ipo"}), frozenset({"spac", "merger"})}

# how far two amounts of one event may differ (the larger over the smaller) when one is hedged
# ("about $1.6bn", "more than $1 billion"); exact figures must agree to their rounding. An IPO's
# figures (proceeds, valuation, price) are too many to tell apart, so they never split it
_TOLERANCE = {"capital": 1.25, "deal": 2.0}

# the steps of a deal and of a listing, in order: a later step reported after the first report is
# a fact (a follow-up); an earlier one adds nothing (within the window it is the same deal told late)
_DEAL_STEPS = {"talks": 1, "agreed": 2, "approval": 3, "completed": 4, "blocked": 5, "called-off": 5, "rejected": 5}
_LISTING_STEPS = {"filing": 1, "hearing": 2, "approval": 3, "pricing": 4, "listing": 5, "postponement": 6,
                  "withdrawal": 6}
FACT_OF_STAGE = {"agreed": "agreed", "completed": "closed", "approval": "approved", "blocked": "blocked",
                 "called-off": "called off", "rejected": "offer rejected", "filing": "filed",
                 "hearing": "hearing passed", "pricing": "priced", "listing": "listed", "withdrawal": "withdrawn",
                 "postponement": "postponed"}
AMOUNT_FACT = "amount"
_KIND_FACT = {"acquisition": "also an acquisition", "acquihire": "also a team hire", "licence": "also a licence",
              "merger": "also a merger"}
VALUATION_FACT = "valuation"
PARTY_FACT = "counterparty"
_SERIES = re.compile(r"\bseries\s+([a-k])(?:\s*(\d|plus|\+))?\b", re.I)
_ZH_ROUND = re.compile(r"(pre-?[a-d]|[a-h]\+{0,2}|天使|种子|战略|pre-?ipo)轮", re.I)
# a listed company selling new shares: one kind of round, never a lettered one
_PLACEMENT = re.compile(r"\b(?:share placement|placement|placing|follow-on offering|secondary offering|top-up"
                        r"|issu(?:e|es|ed|ing) (?:new )?shares)\b"
                        r"|(?<!战略)(?<!戰略)(?<!国际)(?<!國際)(?<!公开)(?<!公開)(?<!网下)(?<!網下)(?<!网上)(?<!網上)配售"
                        r"|配股|先旧后新|先舊後新|定增|定向增发"
                        r"|再融资|再融資", re.I)
_OLDER = re.compile(r"\b(?:after|following|since|before|than|previous|prior|earlier|while|whereas)\b|\band [A-Z]"
                    r"|[;；。]|此前|之前|以来|以來|上一轮", re.I)
_STAGE_ROUND = re.compile(r"\b(pre-?seed|seed|angel)\b", re.I)

# a more specific kind leads the title when an item tells several
_PRIORITY = ("acquisition", "merger", "acquihire", "licence", "sale", "spac", "ipo", "funding", "valuation",
             "deal", "filing")
_NAMES = {"acquisition": "acquisition", "merger": "merger", "sale": "sale", "acquihire": "team hire",
          "licence": "licence", "funding": "funding round", "valuation": "valuation", "ipo": "IPO",
          "spac": "SPAC merger", "deal": "deal", "filing": "filing"}
_SHORT = {"acquisition": "acquisition", "merger": "merger", "sale": "sale", "acquihire": "team",
          "licence": "licence", "funding": "funding", "valuation": "valuation", "ipo": "IPO", "spac": "SPAC",
          "deal": "deal"}
_IPO_STAGE = {"filing": "IPO filing", "hearing": "IPO hearing", "approval": "IPO approval", "pricing": "IPO pricing",
              "listing": "listing", "postponement": "IPO postponed", "withdrawal": "IPO withdrawn"}
_STAGE_WORD = {"talks": "talks", "agreed": "agreed", "completed": "closed", "blocked": "blocked",
               "called-off": "called off", "rejected": "offer rejected"}


@dataclass(frozen=True)
class Event:
    """What happened to one watched company, as far as the reports tell."""

    company: str
    kind: str  # acquisition | merger | sale | acquihire | licence | funding | valuation | ipo | spac | deal | filing
    role: str = ""  # the company's part: target, acquirer, licensor, recipient, issuer ...
    stage: str | None = None  # talks, agreed, filing, listing, withdrawal ...
    counterparty: str | None = None  # the buyer, licensee, partner or lead investor
    amount: str | None = None  # as written ("$20 billion", "6.4亿美元")
    currency: str | None = None  # ISO code when the amount says
    usd: float | None = None  # the amount in US dollars at reference rates (USD_RATES)
    also: tuple[str, ...] = ()  # other kinds the reports tell of it ("licence", "acquihire")
    facts: tuple[str, ...] = ()  # stage facts reported so far ("closed", "approved")
    rule: str = ""
    round: str | None = None  # "Series H", "B轮": a round's name tells two rounds apart
    venue: str | None = None  # the exchange of a listing: a STAR listing and a Hong Kong one are two
    valuation: str | None = None  # as written
    valuation_usd: float | None = None
    marks: str | None = None  # the headline's bare numbers ("deal 7", "3rd"): see marks_of
    when: str | None = None  # "2025" or "2025-09": the date the report gives the event (told_date)

    @property
    def family(self) -> str:
        return FAMILY.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """The kind as users read it: "IPO filing", "sale talks", "funding round"."""
        if self.kind in ("ipo", "spac") and self.stage in _IPO_STAGE:
            return _IPO_STAGE[self.stage] if self.kind == "ipo" else f"SPAC {_IPO_STAGE[self.stage]}"
        name = _NAMES.get(self.kind, self.kind)
        if self.stage == "talks":
            return f"{name} talks" if self.kind != "acquihire" else "team hire talks"
        return name


def usd(amount: str | None) -> tuple[str | None, float | None]:
    """(currency, value in USD) of an amount as written; a bare figure is taken as dollars only
    when it says "dollar"."""
    if not amount:
        return None, None
    v = amount_value(amount)
    if v is None or not v[0]:
        return None, None
    value, currency = v
    if currency is None:
        return None, None
    rate = USD_RATES.get(currency)
    return currency, (round(value * rate, 2) if rate else None)


_VENUES = (("NASDAQ", r"nasdaq|纳斯达克|納斯達克"), ("NYSE", r"nyse|new york stock exchange|纽交所|紐交所"),
           ("STAR", r"star market|star board|科创板|科創板"), ("CHINEXT", r"chinext|创业板|創業板"),
           ("HKEX", r"hkex|hong kong|港交所|港股|联交所|聯交所|香港"),
           ("SSE", r"shanghai stock exchange|上交所主板|沪市主板"), ("SZSE", r"shenzhen stock exchange|深交所"),
           ("KRX", r"kosdaq|kospi|korea exchange|코스닥|코스피"), ("TSE", r"tokyo stock exchange|東証|东京证券交易所"),
           ("LSE", r"london stock exchange|伦敦证券交易所"), ("TSX", r"toronto stock exchange|\btsx\b"))
_VENUE_RE = [(code, re.compile(rx, re.I)) for code, rx in _VENUES]
# a board and the exchange it belongs to: "the Shanghai Stock Exchange" and "the STAR Market" are one venue
_EXCHANGE = {"STAR": "SSE", "CHINEXT": "SZSE"}


def venue_of(text: str, name: str = "") -> str | None:
    """The exchange a text names first, as a short code ("NASDAQ", "HKEX", "STAR"), or None.
    With `name`: in the part of the text that speaks of it, from the name to the end of its clause
    ("沐曦上市首日暴涨 壁仞通过港股聆讯": no venue for 沐曦)."""
    if name and name in text:
        start = text.index(name)
        cut = _CLAUSE_CUT.search(text, start + len(name))
        text = text[start:cut.start() if cut else len(text)]
    found = [(m.start(), code) for code, rx in _VENUE_RE for m in [rx.search(text)] if m]
    return min(found)[1] if found else None


_CLAUSE_CUT = re.compile(r"[，,；;。！？!?]|(?<=[\u3400-\u9fff])\s+(?=\S)")


def round_name(trigger: str) -> str | None:
    """The round a funding trigger names: "Series H" -> "H", "B+轮" -> "B+", "seed round" -> "seed"."""
    m = _SERIES.search(trigger)
    if m:
        return (m.group(1) + (m.group(2) or "").replace("plus", "+")).upper()
    m = _ZH_ROUND.search(trigger)
    if m:
        return m.group(1).upper().replace("PRE-", "PRE").replace("天使", "ANGEL").replace("种子", "SEED")
    m = _STAGE_ROUND.search(trigger)
    return m.group(1).lower().replace("pre-", "pre") if m else None


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_DATE = re.compile(r"\b(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
                      r"(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?)?((?:19|20)\d\d)\b"
                      r"(?![\s-]*(?:revenue|sales|earnings|fiscal|results|guidance|model|lineup))", re.I)
_CJK_DATE = re.compile(r"((?:19|20)\d\d)\s?[年년]\s?(?:(\d{1,2})\s?[月월])?")
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-\d\d\b")
_NOT_EVENT_YEAR = re.compile(r"(?:founded|established|started|incorporated|formed|born|since"
                             r"|成立|创立|創立|创办|創辦|설립|創業|設立)[^,，。;；]{0,12}$", re.I)


def told_date(before: str, tail: str) -> str | None:
    """The date a sentence gives its event, next to the trigger (pure): the date closest to it in
    the 60 characters before it (`before`) or in its own words after it (`tail`, up to a clause
    about something older), as "2025" or "2025-09". A founding year, a year that qualifies
    revenue and a date of something older are none."""
    cut = _OLDER.search(tail, 1)
    after = tail[:cut.start()] if cut else tail[:100]
    found: list[tuple[int, str]] = []
    for part, sign, base in ((before[-60:], -1, len(before[-60:])), (after, 1, 0)):
        for m in [*_EN_DATE.finditer(part), *_CJK_DATE.finditer(part), *_ISO_DATE.finditer(part)]:
            if _NOT_EVENT_YEAR.search(part[:m.start()]):
                continue
            if m.re is _EN_DATE:
                year, month = m.group(2), (str(_MONTHS.index(m.group(1).lower()[:3]) + 1) if m.group(1) else None)
            else:
                year, month = m.group(1), m.group(2)
            when = f"{year}-{int(month):02d}" if month else year
            found.append((abs(base - m.start()) if sign < 0 else m.start(), when))
    return min(found)[1] if found else None


def dates_apart(a: str | None, b: str | None) -> bool:
    """Do two told dates lie three months or more apart (pure)? "2020" spans its year; "2025" and
    "2026-01" are not apart, "2020-12" and "2025-09" are."""
    if not a or not b:
        return False

    def span(d: str) -> tuple[int, int]:
        y, _, m = d.partition("-")
        return (int(y) * 12 + int(m), int(y) * 12 + int(m)) if m else (int(y) * 12 + 1, int(y) * 12 + 12)

    (a0, a1), (b0, b1) = span(a), span(b)
    return max(a0, b0) - min(a1, b1) >= 3


def round_told(tail: str) -> str | None:
    """The round a sentence names after its funding trigger (`tail`: the sentence from the trigger
    on), before a clause about an older round or another company's: "raised $150 million, the first
    close of a Series C round" -> "C"; "配股募资" -> "placement"; not the "Series B" of "... two years
    after a $600 million Series B" or of "..., while Axelera closed a Series B"."""
    cut = _OLDER.search(tail, 1)
    part = tail[:cut.start()] if cut else tail
    return round_name(part) or ("placement" if _PLACEMENT.search(part) else None)


def stage_of(e: Event) -> str | None:
    """The stage as told, or as implied: a deal told without one ("buys", "to acquire") is
    agreed, a sale without one is being explored."""
    if e.family == "deal" and not e.stage:
        return "talks" if e.kind == "sale" else "agreed"
    return e.stage


def step(e: Event) -> int:
    """How far the event has gone (0: not told)."""
    steps = _DEAL_STEPS if e.family == "deal" else _LISTING_STEPS if e.family == "listing" else {}
    return steps.get(stage_of(e) or "", 0)


# a bare number in a headline: not part of a word, a figure ("2.8", "1,000"), a model name ("H100")
# or an amount ("$20", "20bn", "500 million", "3亿", "40%")
_BARE_NUMBER = re.compile(r"(?<![\w$€£¥/-])(?<!\d[.,:])(\d+(?:[-/]\d+)*)(?![\w%/-]|[.,:]\d)"
                          r"(?!\s*(?:billion|million|trillion|thousand|bn|mn|percent|per\s*cent|"
                          r"[亿億万萬千百元%]|美元|港元|人民币|人民幣))", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")  # a date, not a mark: outlets add "(December 2025)" to one deal


# a short code in brackets closing the headline ("(b0)", "[A-12]"): a wire's or a blog's own number
# for the story. Codes elsewhere are too often names ("G42", "H100") to tell stories apart by
_TAG = re.compile(r"[(\[]([A-Za-z]{0,3}-?\d{1,6})[)\]]\s*$")


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MONTH_BEFORE = re.compile(_MONTH + r"\s*$", re.I)
_MONTH_AFTER = re.compile(r"^(?:st|nd|rd|th)?\s*" + _MONTH + r"\b", re.I)


def _is_date(text: str, start: int, end: int) -> bool:
    """Pure: is the number at text[start:end] a date or a part of one: a year, a full date
    ("2024-09-30"), a month or an issue of a year ("5/2026"), or a day beside a month ("May 14",
    "14 May")? A year range ("2024-25") still marks a report."""
    n = text[start:end]
    parts = re.split(r"[-/]", n)
    if _YEAR.fullmatch(n) or (len(parts) >= 3 and any(_YEAR.fullmatch(p) for p in parts)):
        return True
    if len(parts) == 2 and _YEAR.fullmatch(parts[1]) and len(parts[0]) <= 2:
        return True
    return len(n) <= 2 and bool(_MONTH_BEFORE.search(text[max(0, start - 12):start])
                                or _MONTH_AFTER.match(text[end:end + 14]))


def marks_of(headline: str) -> str | None:
    """The bare numbers (not amounts, figures or years) and the closing code a headline carries
    (pure): what tells "deal 7" from "deal 8", or "(a0)" from "(b0)". Two reports whose headlines
    carry different ones are two events (as two headlines whose figures differ are two stories
    to cluster.same_story); a headline with none conflicts with nothing."""
    text = headline or ""
    found = {m.group(1) for m in _BARE_NUMBER.finditer(text) if not _is_date(text, m.start(1), m.end(1))}
    found |= {c.lower() for c in _TAG.findall(text)}
    return " ".join(sorted(found, key=lambda n: (len(n), n))) if found else None


def from_hits(hits: tuple[Hit, ...] | list[Hit]) -> list[Event]:
    """The events an item tells, one per company, in the order the hits name the companies."""
    by_company: dict[str, list[Hit]] = {}
    # the headline tells the news: its event leads, a summary's (often the background) follows
    for h in sorted(hits, key=lambda h: not h.field.startswith("title")):
        by_company.setdefault(h.company, []).append(h)
    out = []
    for company, hs in by_company.items():
        kinds = [k for h in hs for k in (h.kinds or (h.kind,)) if k]
        if not kinds:
            kinds = ["filing"] if any(h.field == "filing" for h in hs) else [""]  # no structure found
        stages = [s for h in hs for s in (h.stages or ((h.stage,) if h.stage else ()))]
        # a named round is no listing's proceeds ("lines up Series C extension ahead of IPO"), unless
        # the item tells a step of the listing ("从天使轮到科创板敲钟 … 本次80亿元募资": the listing day's)
        kind = primary(kinds, named_round=not any(s in _LISTING_STEPS for s in stages)
                       and any(h.round for h in hs if h.kind in ("funding", "valuation")))
        if kind == "merger" and ("ipo" in kinds or "spac" in kinds) and "listing" in stages:
            kind = "spac"  # "Blaize completes BurTech merger, begins trading on Nasdaq": a merger that lists it
        first = next((h for h in hs if h.kind == kind), hs[0])
        # a sum told of another family's event (a round beside a takeover) is not this event's, nor
        # is a share's price ("priced at $185", "opened at HK$5.12")
        sums = [first.amount, *(h.amount for h in hs if FAMILY.get(h.kind) == FAMILY.get(kind))]
        amount = next((a for a in sums if a and not is_price(a)), None)
        currency, value = usd(amount)
        # the furthest step the item tells: a listing-day story also names the offer price
        steps = _DEAL_STEPS if FAMILY.get(kind) == "deal" else _LISTING_STEPS if FAMILY.get(kind) == "listing" else {}
        stage = max((s for s in stages if s in steps), key=lambda s: steps[s], default=first.stage)
        # the other side of this event, not of another one the item tells ("raises a bridge after
        # turning down Meta": Meta bid, it did not invest)
        counterparty = next((h.counterparty for h in (first, *hs) if h.counterparty
                             and FAMILY.get(h.kind) == FAMILY.get(kind)), None)
        also = tuple(dict.fromkeys(k for k in kinds if k != kind and FAMILY.get(k) == FAMILY.get(kind)
                                   and k not in ("deal", "valuation")))
        valuation = next((h.valuation for h in hs if h.valuation), None)
        if FAMILY.get(kind) == "listing" and amount and valuation and (
                amount == valuation or _same_sum(value, usd(valuation)[1])):
            amount, currency, value = None, None, None  # "a $100 billion valuation on Nasdaq" is no sum raised
        if kind == "valuation":
            valuation = valuation or amount
            amount = next((h.amount for h in hs if h.amount and h.amount != valuation and h.kind == "funding"), None)
            currency, value = usd(amount)
        out.append(Event(company=company, kind=kind, role=first.role, stage=stage, counterparty=counterparty,
                         amount=amount, currency=currency, usd=value, also=also, facts=(), rule=first.rule,
                         round=next((h.round for h in hs if h.round), None), valuation=valuation,
                         valuation_usd=usd(valuation)[1], venue=next((h.venue for h in hs if h.venue), None),
                         when=next((h.when for h in hs if h.when and FAMILY.get(h.kind) == FAMILY.get(kind)), None)))
    return out


def is_price(amount: str | None) -> bool:
    """Pure: is an amount as written too small to be a deal's or a round's sum (under US$10,000,
    or 10,000 of a currency the reference rates do not know)? Then it is a share's price."""
    if not amount:
        return False
    v = amount_value(amount)
    if v is None or not v[0]:
        return False
    value, currency = v
    rate = USD_RATES.get(currency or "", 1.0)
    return value * rate < 10_000


def primary(kinds: list[str], named_round: bool = False) -> str:
    """The kind that leads: the first one told, unless a more specific one is told too ("deal"
    gives way to "acquisition", a valuation to the round or IPO that set it). `named_round`: the
    money is a named round ("Series C extension ahead of IPO"), never a listing's proceeds."""
    first = kinds[0]
    if first in ("funding", "valuation") and ("ipo" in kinds or "spac" in kinds) and not named_round:
        return "ipo" if "ipo" in kinds else "spac"  # money raised in a listing is the listing's (募资, proceeds)
    if first == "deal":
        better = [k for k in kinds if k not in ("deal", "valuation")]
        if better:
            return min(better, key=_PRIORITY.index)
    if first == "valuation":
        # the round or listing that set it; a takeover told beside it (an offer the startup turned
        # down) is another event, not what the headline's valuation is about
        better = [k for k in kinds if FAMILY.get(k) in ("capital", "listing") and k != "valuation"]
        if better:
            return better[0]
    return first


def compatible(a: str, b: str) -> bool:
    """Can reports of these two kinds be one event? A raise and an IPO cannot."""
    if "filing" in (a, b) or not a or not b:
        return False  # filings stand alone; so does an event with no structure
    return FAMILY.get(a) == FAMILY.get(b) or frozenset({a, b}) in _BRIDGES


_QUOTES = " \"'“”‘’「」『』《》()（）[]【】"
_PARTICLE = re.compile(r"(?:による|に|より|から|가|이|은|는|의|와|과|도|에|は|が|の|と|も)$")  # "メタによる": by Meta


def _latin(name: str) -> str:
    """A counterparty as the lexicon's Latin name where it knows it: quotation marks at its edges
    ('英伟达"') and a particle the clause left on it ("엔비디아가", "NVIDIAは") do not count."""
    names = load()
    name = name.strip(_QUOTES)
    latin = names.latin_name(name)
    if latin == name and _PARTICLE.search(name):
        bare = _PARTICLE.sub("", name)
        if (bare and names.latin_name(bare) != bare) or not has_cjk(bare):
            return names.latin_name(bare)
    return latin


def same_party(a: str | None, b: str | None) -> bool | None:
    """Do two counterparties name the same company? None when it cannot be told: one is missing,
    or one is a CJK name the lexicon's [names] table does not map to its Latin one."""
    if not a or not b:
        return None
    x, y = _party_key(_latin(a)), _party_key(_latin(b))
    if not x or not y:
        return None
    if x == y or x in y or y in x:
        return True
    if has_cjk(x) or has_cjk(y):
        return None  # a local name the lexicon does not know ("中央日報によると" is no buyer at all): cannot tell
    return False


_SUFFIX = re.compile(r"\b(?:inc|corp|corporation|co|ltd|limited|llc|plc|group|holdings|technologies|technology|"
                     r"systems|the|s)\b\.?")


_LATIN_THEN_CJK = re.compile(r"^([A-Za-z][A-Za-z0-9 .&'-]*?)\s*[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af].*$")


def _party_key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name)
    s = _LATIN_THEN_CJK.sub(r"\1", s)  # "Marvellは", "Marvell官宣": the Latin name a CJK clause went on from
    s = s.lower().replace("'s", "")
    s = _SUFFIX.sub(" ", s)
    s = re.sub(r"[^\w\u3400-\u9fff]+", " ", s)
    return " ".join(s.split())


_HEDGE = re.compile(r"about|around|roughly|nearly|almost|approx|over|more than|at least|up to|as much as|some|"
                    r"约|近|超|逾|多|余|最高|上限|최대|最大|약|約|\d\s*(?:-|–|to)\s*\d", re.I)  # a range is a hedge too
# a ceiling ("up to $500 million", "最高5亿美元") names the most a round may reach: a report of
# $300 million is the same round, one of $100 million or $2 billion is not
_CEILING = re.compile(r"up to|as much as|最高|上限|최대|最大", re.I)
_CROSS_CURRENCY = 1.3  # reference rates are rounded: two currencies compare loosely
_ROUND_FIGURE = 1.03  # a round figure of hundreds stands for a sum within 3% of it


def _apart(x: str | None, y: str | None, tolerance: float | None) -> bool:
    """Do two amounts as written name different sums? Figures in one currency must agree to
    the rounding of the coarser one ("$1.6bn" and "$1.65 billion" agree, "$640M" and "$650M"
    do not), unless one is hedged ("about", "more than", "近"), which allows `tolerance`."""
    if tolerance is None or not x or not y:
        return False
    vx, vy = amount_value(x), amount_value(y)
    if vx is None or vy is None or not vx[0] or not vy[0]:
        return False
    (a, ca), (b, cb) = vx, vy
    if ca and cb and ca != cb:
        ua, ub = a * USD_RATES.get(ca, 0), b * USD_RATES.get(cb, 0)
        return bool(ua and ub) and max(ua, ub) / min(ua, ub) > _CROSS_CURRENCY
    for cap, other, text in ((a, b, x), (b, a, y)):
        if _CEILING.search(text):
            return other > cap * tolerance or other < cap / 2
    if _HEDGE.search(x) or _HEDGE.search(y):
        return max(a, b) / min(a, b) > tolerance
    if round_figure(x) or round_figure(y):
        return max(a, b) / min(a, b) > _ROUND_FIGURE  # "$700 million" for $693 million
    # a single digit names its sum to a tenth: "$1 billion" is not "$1.1 billion" (that report would
    # write "more than $1 billion"), while "$20 billion" still holds $20.4 billion
    rounding = min(max(amount_step(x) or 0, amount_step(y) or 0), 0.1 * max(a, b))
    return abs(a - b) > rounding / 2 * 1.001


def _agree(x: str | None, y: str | None) -> bool:
    """Two amounts as written that name one sum to within 1% (not merely within a coarse
    figure's rounding: "$1 billion" does not vouch for "$1.1 billion")."""
    return same_amount(x, y)


def amounts_conflict(a: Event, b: Event) -> bool:
    """Two amounts (or two valuations) of one family that name different sums, and no figure
    the two agree on. Reports of one round cite the last round's valuation or the share one
    backer put in ("Benchmark's $225M of the $1B round"), so one figure that agrees outweighs
    one that does not."""
    tolerance = _TOLERANCE.get(a.family)
    amount_apart = _apart(a.amount, b.amount, tolerance)
    valuation_apart = _apart(a.valuation, b.valuation, tolerance)
    if amount_apart and _agree(a.valuation, b.valuation):
        return False
    if valuation_apart and _agree(a.amount, b.amount):
        return False
    return amount_apart or valuation_apart


def joins(open_event: Event, new: Event, age: float, window: float) -> bool:
    """Does a new report belong to an open event? `age`: seconds since the event was first
    reported; `window`: how long an event stays open."""
    if open_event.company != new.company or not compatible(open_event.kind, new.kind):
        return False
    if age > window or age < -window:
        return False
    party = same_party(open_event.counterparty, new.counterparty)
    if open_event.family == "deal" and party is False:
        return False  # two different buyers are two events
    if open_event.family == "deal" and (open_event.role == "acquirer") != (new.role == "acquirer") \
            and ("party" not in (open_event.role, new.role) or not party):
        return False  # the startup buying is not the startup being bought (a mere "deal" must name the same other side)
    if open_event.round and new.round and open_event.round != new.round:
        return False  # Series G and Series H are two rounds
    if open_event.venue and new.venue and _EXCHANGE.get(open_event.venue, open_event.venue) \
            != _EXCHANGE.get(new.venue, new.venue):
        return False  # a STAR Market listing and a Hong Kong one are two (STAR is a board of Shanghai's)
    if open_event.marks and new.marks and open_event.marks != new.marks:
        return False  # headlines numbered apart ("deal 7", "deal 8") tell two events
    if open_event.family == "capital" and dates_apart(open_event.when, new.when):
        return False  # "in December 2020" and "on September 25, 2025": two rounds, however alike (a
        # listing's or a deal's steps, months apart, stay one story)
    if open_event.family == "deal" and party:
        return True  # one buyer, one target, one window: one deal, whatever price each report heard
    if open_event.family == "capital" and "talks" in (open_event.stage, new.stage):
        return True  # a round being sought names its target; the close may differ ("seeks 900억", "raised 1700억")
    return not amounts_conflict(open_event, new)


def fit(open_event: Event, new: Event, figures: tuple[str, ...] = ()) -> int:
    """How much a report that may join several open events agrees with this one: the same amount,
    valuation, round or other party, and figures the report names anywhere ("Inside the $225M
    Cerebras bet" belongs with the $225M report, not with an older round's)."""
    score = 2 * (_agree(open_event.amount, new.amount) + _agree(open_event.valuation, new.valuation))
    score += 2 * bool(open_event.round and open_event.round == new.round)
    score += bool(same_party(open_event.counterparty, new.counterparty))
    score += any(_agree(f, x) for f in figures for x in (open_event.amount, open_event.valuation) if x)
    return score


def new_facts(open_event: Event, new: Event) -> tuple[str, ...]:
    """What a later report adds to an event: the amount, valuation or other party when none was
    known, and a later step (agreed, closed, approved, blocked, listed, withdrawn ...)."""
    out = []
    if new.amount and not open_event.amount:
        out.append(AMOUNT_FACT)
    if new.valuation and not open_event.valuation:
        out.append(VALUATION_FACT)
    if new.counterparty and not open_event.counterparty and open_event.family == "deal":
        out.append(PARTY_FACT)
    for k in (new.kind, *new.also):
        if k in _KIND_FACT and k != open_event.kind and k not in open_event.also and _KIND_FACT[k] not in out:
            out.append(_KIND_FACT[k])  # a licence told first, a takeover told later: say so
    if new.family == open_event.family and step(new) > step(open_event) and stage_of(new) in FACT_OF_STAGE:
        fact = FACT_OF_STAGE[stage_of(new) or ""]
        if fact not in open_event.facts:
            out.append(fact)
    return tuple(out)


def merge(open_event: Event, new: Event) -> Event:
    """The event with what a later report adds (the first report's words stay where it had them)."""
    added = new_facts(open_event, new)
    facts = tuple(dict.fromkeys(open_event.facts + tuple(f for f in added if f not in (
        AMOUNT_FACT, VALUATION_FACT, PARTY_FACT, *_KIND_FACT.values()))))
    also = tuple(dict.fromkeys(open_event.also + tuple(k for k in (new.kind, *new.also)
                                                       if k != open_event.kind and FAMILY.get(k) == open_event.family
                                                       and k not in ("deal", "valuation"))))
    out = replace(open_event, facts=facts, also=also, counterparty=open_event.counterparty or new.counterparty,
                  round=open_event.round or new.round, venue=open_event.venue or new.venue,
                  when=open_event.when or new.when)
    if step(new) > step(open_event) and new.family == open_event.family:
        out = replace(out, stage=stage_of(new))
    if not open_event.amount and new.amount:
        out = replace(out, amount=new.amount, currency=new.currency, usd=new.usd)
    if not open_event.valuation and new.valuation:
        out = replace(out, valuation=new.valuation, valuation_usd=new.valuation_usd)
    return out


def _same_sum(a: float | None, b: float | None) -> bool:
    """A deal's price read twice, once as the sum and once as a valuation: say it once."""
    return a is not None and b is not None and abs(a - b) <= 0.05 * max(a, b)


def _money(event: Event) -> str:
    return event.amount or ""


def headline(event: Event) -> str:
    """One line that says what happened: "Groq: acquisition by Nvidia, $20B (licence + team)"."""
    cp = event.counterparty
    kind, role, label = event.kind, event.role, event.label
    if kind in ("acquisition", "sale", "merger") and event.stage == "rejected" \
            or kind == "acquisition" and role == "issuer":
        what = f"takeover offer from {cp}" if cp else "takeover offer"  # (not "acquisition by Meta": it said no)
    elif kind == "acquisition" and role in ("acquirer",):
        what = f"acquisition of {cp}" if cp else "acquisition"
    elif kind == "acquisition":
        what = (f"{label} with {cp}" if event.stage == "talks" else f"{label} by {cp}") if cp else label
    elif kind == "acquihire":
        what = f"team hired by {cp}" if cp else "team hire"
    elif kind == "licence":
        what = f"licence to {cp}" if cp and role != "licensee" else label
    elif kind == "sale":
        what = f"{label} to {cp}" if cp and role in ("target", "seller") and event.stage != "talks" else label
    elif kind in ("merger", "spac", "deal"):
        what = f"{label} with {cp}" if cp else label
    elif kind == "funding":
        name = f"Series {event.round} round" if event.round and len(event.round) <= 3 and event.round[0].isalpha() \
            and not has_cjk(event.round) else f"{event.round} round" if event.round else label
        what = f"{name} led by {cp}" if cp else name
    else:
        what = label
    stage = _STAGE_WORD.get(event.stage or "") if kind not in ("ipo", "spac") else None
    if stage and stage not in what and not (stage == "talks" and "talks" in what):
        what += f" ({stage})"
    money = _money(event)
    line = f"{event.company}: {what}"
    if money:
        line += f", {money}"
    if event.valuation and kind in ("valuation", "ipo") and not money:
        line += f", {event.valuation}" if kind == "valuation" else f", valued at {event.valuation}"
    elif event.valuation and kind != "ipo" and not _same_sum(event.usd, event.valuation_usd):
        line += f" at {event.valuation} valuation" if money else f", valued at {event.valuation}"
    if event.also:
        line += " (" + " + ".join(_SHORT.get(k, k) for k in event.also) + ")"
    for fact in event.facts:
        if fact not in line and fact != FACT_OF_STAGE.get(event.stage or ""):
            line += f"; {fact}"
    return line
