"""Which frames alert: named, pure checks, each with its own table of cases (tests/test_decide.py).

A frame alerts when every check passes; the first that fails is the reason `watcher match` prints.

    identity    the name means the chip company (frames.Frame.doubt says why it may not)
    role        the company plays a part that makes it its own deal or capital event
    customer    a corporate deal, not a customer buying products or capacity
    background  the news, not history told in a relative or subordinate clause or with a time cue,
                nor money raised to date written in a lead under a headline about something else
    modality    a report, not a denial, a negation, speculation or a bare question
    opinion     the item is not an opinion piece
    focus       a lead sentence counts unless the headline is about something else, and a lead's
                second sentence that recalls the company's earlier event is an aside (recalled)
    lead        only the headline and the first sentences of the summary are judged
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .events import FAMILY
from .frames import Frame
from .lexicon import has_cjk
from .lexicon.text import MONEY, same_amount

# the parts that make an event the company's own, by kind
ALERTING_ROLES: dict[str, frozenset[str]] = {
    "acquisition": frozenset({"target", "acquirer", "party", "seller", "team", "issuer"}),
    "sale": frozenset({"target", "seller", "party", "issuer", "buyer"}),
    "merger": frozenset({"party", "target", "issuer", "acquirer"}),
    "spac": frozenset({"party", "target", "issuer", "acquirer", "recipient"}),
    "deal": frozenset({"party", "target", "acquirer", "team", "licensor"}),
    "acquihire": frozenset({"team", "target"}),
    "licence": frozenset({"licensor", "party"}),
    "funding": frozenset({"recipient"}),
    "valuation": frozenset({"issuer", "recipient"}),
    "ipo": frozenset({"issuer", "recipient", "target"}),
}
LEAD_SENTENCES = 2  # sentences of the summary that are judged
SLOT_VIA = "{company} slot"  # how a keyword with a {company} slot ties its company (match._slot_frames)

# why a name may mean someone else (match.py finds these; identity() weighs them)
AMBIGUOUS_NAME = "an ambiguous name with no chip word in the item"
CAPITALISED = "a capitalised headline: the name may be an ordinary word"
OTHER_HOLDER = "another business is also called this"
SHARED_NAME = "a name other businesses hold too"
DESCRIBED_AS = "described as another kind of business:"
PERSON = "a person's name (an honorific or a given name before it)"
WORK_TITLE = "the title of a book, game or film (『…』, 《…》)"
GLOSS = "a gloss in brackets of the word before it (陽電子（Positron）: the particle)"


@dataclass(frozen=True)
class Item:
    """What the checks know of the item beyond the frame."""

    opinion: str | None = None  # the headline's opinion label ("Opinion:", "【观点】"), if any
    weighs: str | None = None  # the headline's words that weigh valuations ("bubble", "overvalued")
    headline_names: bool = True  # the headline names a watched company
    headline_quiet: bool = False  # the headline has no trigger word and no sum of money
    headline_companies: frozenset[int] = frozenset()  # which (indexes of watched companies)
    proceeds: str | None = None  # the item is about spending money already raised ("募投", "IPO proceeds")
    proceeds_in_title: bool = False  # ... and the headline says so
    focus: str | None = None  # the headline's own non-deal event ("launches"), if it has one
    focus_reports_nothing: bool = False  # ... and it says the piece reports no event ("Agenda", "is hiring")
    focus_spends: bool = False  # ... and it is a verb of spending ("spends US$5.5 bln on Celestial AI")
    focus_results: bool = False  # ... and it is a company's results ("Nvidia results to test nerves after … pact")
    headline_alerts: bool = False  # a headline frame passed every check
    report_in_question: bool = False  # a question headline that still reports ("in talks", "reportedly")
    headline_amounts: tuple[str, ...] = ()  # amounts the headline names
    customer_amounts: tuple[str, ...] = ()  # amounts some frame of the item shows to be a customer's
    customer_words: str | None = None  # the headline or lead speaks of capacity, supply, compute ...
    headline_sum_is: str | None = None  # what the headline's sum is when it is no capital ("grant", "contract")
    received_amounts: tuple[str, ...] = ()  # sums the headline or lead calls a grant, a contract, an order
    related_stocks: str | None = None  # the headline is about stocks riding the event ("수혜주", "장비주")
    deal_words: bool = False  # ... or of an acquisition, a licence, a team, a stake
    denied: tuple[tuple[int, str], ...] = ()  # (company, kind) the headline denies
    speculated: tuple[tuple[int, str], ...] = ()  # (company, kind) the headline only speculates about
    licensees: frozenset[int] = frozenset()  # companies the item names as taking a licence in
    dated: tuple[tuple[int, str, str, int, str], ...] = ()  # (company, kind, field, sentence, trigger) told as history
    headline_investors: frozenset[int] = frozenset()  # companies the headline has investing their own money
    headline_customer: tuple[tuple[int, str, str], ...] = ()  # (company, kind, why): the headline's customer deals
    lead_investments: tuple[tuple[int, str], ...] = ()  # (company, amount) the lead has investing its own money
    second_recalls: str | None = None  # the lead's second sentence recalls an earlier event ("日前已获", "recently")
    second_adds: bool = False  # ... or says it is more news of the day ("also", "同日", "이날")
    scene_families: frozenset[str] = frozenset()  # event families a headline naming no company tells ("又一个IPO")
    told_first: frozenset[tuple[int, str | None]] = frozenset()  # (company, family) of the headline's and first
    # lead sentence's frames


def identity(f: Frame, item: Item) -> str | None:
    # "closes acquisition of Ampere": only a company is bought, whatever else the name means
    # (an English object: "新電力大手が同業を買収、契約アンペアごとの…" names the unit after the verb)
    if f.doubt == AMBIGUOUS_NAME and f.role == "target" and f.kind in ("acquisition", "sale", "merger") \
            and f.via in ("of", "object") and not has_cjk(f.trigger):
        return None
    return f.doubt


def role(f: Frame, item: Item) -> str | None:
    if f.field == "title" and f.role == "recipient" and f.amount \
            and any(c == f.company and same_amount(a, f.amount) for c, a in item.lead_investments):
        # "Minister backs £100m Fractile investment" / lead: "Fractile will invest £100 million in
        # its UK sites": the lead says whose money the headline's sum is
        return "the lead has the company investing this sum itself"
    if f.kind == "licence" and not f.alias and f.company in item.licensees:
        # "Rebellions has licensed Arm's Neoverse subsystem … The startup said licensing the cores spares it
        # …": a bare licence word goes on about the licence the item has it taking in
        return "the item has the company taking this licence in"
    if f.role in ALERTING_ROLES.get(f.kind, frozenset()):
        return None
    return f"{f.role} of the {f.kind} ({f.via})"


def customer(f: Frame, item: Item) -> str | None:
    if f.customer:
        return f"a customer deal: {f.customer}"
    # the lead tells what the headline's money is: "Lands $1.5B Investment" + "a $1.5B commitment to
    # expand delivery of its chips"
    same = next((a for a in item.customer_amounts if same_amount(a, f.amount)), None)
    if same:
        return f"a customer deal: {same} is a customer's money elsewhere in the item"
    said = next((why for c, k, why in item.headline_customer if c == f.company and k == f.kind), None)
    if said and f.field == "summary" and not f.alias:
        # "퓨리오사AI, 판교 사옥 건물 인수" / "매입 대금은 …": the lead's bare word is the headline's purchase
        return f"a customer deal: the headline's ({said})"
    if f.kind == "funding" and f.amount and any(same_amount(a, f.amount) for a in item.received_amounts):
        # "Axelera AI gets up to 61.6 million euros from EuroHPC" / "... awarded a grant of up to 61.6 million euros"
        return f"{f.amount} is a grant, contract or order elsewhere in the item, not capital raised"
    if not f.amount and item.headline_sum_is and f.kind == "funding" and not _NAMES_A_ROUND.search(f.trigger) \
            and (f.field == "summary" or _SUM_IN.search(f.before)):
        # "Axelera AI awarded €61.6 million EuroHPC grant" / "The funding ...", "EnCharge AI has received
        # $18.6 million in funding from DARPA", a headline's "€61.6 mln in EuroHPC funding": the sum's word
        return f"the lead's {f.trigger!r} is the headline's {item.headline_sum_is}"
    if f.kind == "deal" and item.customer_words and not item.deal_words:
        return f"a customer deal: a deal about {item.customer_words}, with no acquisition, licence or team in it"
    return None


# "61.6 mln euros in EuroHPC funding": the word before the trigger names whose money the sum is
_SUM_IN = re.compile(rf"(?:{MONEY})\s*in\s+[\w-]+\s+$", re.I)
_POINTS_BACK = re.compile(r"\b(?:the|this|that)\s+$", re.I)  # "the investment": one the item told already
_NAMES_A_ROUND = re.compile(r"round|series|seed|轮|라운드|シリーズ", re.I)  # a round of its own, not a word for the sum


def background(f: Frame, item: Item) -> str | None:
    if f.background:
        return f.background
    if f.via == SLOT_VIA and any(c == f.company and k == f.kind and fld == f.field and n == f.sentence
                                 and t in f.trigger.lower() for c, k, fld, n, t in item.dated):
        # "Kinara's team joined NXP when the $307 million purchase closed in October": the user's
        # "{company}'s team joined" keyword is history when the clause its words sit in is
        return "history, as the clause of its words tells"
    if item.related_stocks and f.kind in ("ipo", "funding", "valuation"):
        # "🔥리벨리온 상장 임박?! 수혜주 3종목": a story about the stocks that ride the company's event
        return f"the backdrop of a story about other stocks ({item.related_stocks})"
    if f.to_date and f.field == "summary" and item.headline_quiet:
        return "money raised to date, in a lead under a headline with no deal or money in it"
    if f.field == "summary" and item.headline_quiet and f.kind == "funding" and not f.amount \
            and _POINTS_BACK.search(f.before) and not _NAMES_A_ROUND.search(f.trigger):
        # "Groq picks Equinix for first European data centre" / "Groq said the investment is part of a
        # wider expansion": the lead's "the investment" is the headline's own (the site), no round
        return f"the lead's 'the {f.trigger}' points back to a headline with no deal or money in it"
    if item.proceeds and (f.kind == "funding" or f.kind == "ipo" and (f.field == "summary" or item.proceeds_in_title)):
        # a lead that turns to the proceeds does not undo the headline's listing ("MetaX shares
        # soar after Shanghai IPO" / "... plans to use the IPO proceeds on fabs")
        return f"the item is about spending money already raised ({item.proceeds})"
    return None


_DENIED_AS = {"acquisition": "takeover", "sale": "takeover", "merger": "takeover"}  # one change of owner


def modality(f: Frame, item: Item) -> str | None:
    if f.modality == "denial":
        return "a denial"
    if (f.company, f.kind) in item.denied or (f.company, _DENIED_AS.get(f.kind, f.kind)) in item.denied:
        # (a sale denied denies the takeover: "Hailo has not agreed to a sale" / "… agreed to be acquired";
        # a licence confirmed beside a takeover denied stands)
        return "the item denies it" if f.field == "title" else "the headline denies it"
    if f.modality == "negated":
        return "negated"
    if f.modality == "not_yet":  # (not the headline's denial: "尚未上市的燧原" under its filing's headline)
        return "a step not yet taken"
    if f.modality == "speculation":
        return "speculation"
    if f.field == "title" and (f.company, _DENIED_AS.get(f.kind, f.kind)) in item.speculated:
        # "Who will buy Cerebras? Three suitors that would make sense": the rest of the headline
        # goes on with the guess
        return "the headline speculates about it"
    if f.question and not item.report_in_question and f.field == "title":
        return "a question, not a report"
    return None


def opinion(f: Frame, item: Item) -> str | None:
    if item.opinion:
        return f"an opinion piece ({item.opinion})"
    if item.weighs and not f.news and (f.kind == "valuation" or f.question or not item.headline_names
                                       or f.field == "summary" and not item.headline_alerts):
        return f"a view on the market ({item.weighs}), not news of an event"
    return None


def recalled(f: Frame, item: Item) -> str | None:
    """A lead's second sentence that recalls the company's earlier event, in a story whose headline
    and first sentence tell something else: "摩尔线程…驱动更新" / "…公司科创板上市申请日前已获上市委审议
    通过", "Groq opens Saudi data centre" / "It recently raised $750M". Not when that sentence says it
    is more news ("also", "同日", "이날"), when the company's event of that family was told first, when
    the headline names its sum, nor when a headline naming no company is about events of that family
    ("上海又将跑出一个百亿级IPO" / "…摩尔线程、沐曦股份已递表")."""
    if f.field != "summary" or f.sentence != LEAD_SENTENCES - 1 or not item.second_recalls or item.second_adds:
        return None
    if (f.company, FAMILY.get(f.kind)) in item.told_first or FAMILY.get(f.kind) in item.scene_families:
        return None
    if any(same_amount(a, f.amount) for a in item.headline_amounts):
        return None  # "Why a Silicon Startup Just Landed $650 Million" / "Groq has recently secured $650 million"
    return f"an earlier event recalled ({item.second_recalls!r}) in a lead about something else"


def focus(f: Frame, item: Item) -> str | None:
    if (why := recalled(f, item)) is not None:
        return why
    if f.field == "summary" and not f.alias and f.role == "recipient" and f.company in item.headline_investors \
            and not item.headline_alerts:
        # "Fractile commits £100m to UK expansion. The investment ...": the company's own spending
        return "the headline has the company spending its own money; the lead's investment is that"
    if f.field == "title" and not f.alias and f.via == "the company of the story" and item.focus_reports_nothing:
        # "Agenda: AI Infra Summit — Panel: Funding the next wave of inference silicon": a bare event
        # word in a headline that says what kind of piece it is names no company's event
        return f"the headline is about something else ({item.focus}); its {f.trigger!r} names no company"
    if f.field != "summary" or item.headline_alerts or item.focus is None or f.news:
        return None
    if any(same_amount(a, f.amount) for a in item.headline_amounts):
        return None  # the headline names this very sum: the story is about it
    if f.company in item.headline_companies and item.deal_words and f.kind in ("acquihire", "licence") \
            and not item.focus_results:
        return None  # "Nvidia spends $900M to attract Enfabrica talent": the headline's verb tells the deal
    if f.company in item.headline_companies and item.focus_spends and item.headline_amounts \
            and f.kind in ("acquisition", "merger", "deal"):
        return None  # "Marvell spends up to US$5.5 bln on Celestial AI" / lead: "will buy Celestial AI": what it buys

    return f"the story is about something else (headline: {item.focus})"


def lead(f: Frame, item: Item) -> str | None:
    if f.field == "summary" and f.sentence >= LEAD_SENTENCES:
        return "deep in the summary, not in the headline or lead"
    return None


CHECKS: tuple[tuple[str, Callable[[Frame, Item], str | None]], ...] = (
    ("identity", identity), ("role", role), ("customer", customer), ("background", background),
    ("modality", modality), ("opinion", opinion), ("lead", lead), ("focus", focus),
)
# the checks that do not depend on other frames of the item (the headline's verdict feeds `focus`)
_OWN = tuple(c for c in CHECKS if c[0] != "focus")


def first_failure(f: Frame, item: Item) -> tuple[str, str] | None:
    for name, check in CHECKS:
        why = check(f, item)
        if why:
            return name, why
    return None


def judge(frames: list[Frame], item: Item) -> list[tuple[Frame, tuple[str, str] | None]]:
    """Each frame with the check that rejected it (None: it alerts)."""
    customer_amounts = tuple(f.amount for f in frames if f.customer and f.amount and f.kind != "deal")
    # a headline's denial covers its lead; a lead that denies or negates what the headline claims
    # ("Nvidia has not confirmed a licensing agreement") covers the headline
    denied = tuple({(f.company, k) for f in frames
                    if f.modality == "denial" or f.field == "summary" and f.modality == "negated"
                    for k in (f.kind, _DENIED_AS.get(f.kind, f.kind))})
    speculated = tuple({(f.company, _DENIED_AS.get(f.kind, f.kind)) for f in frames
                        if f.field == "title" and f.modality == "speculation"})
    licensees = frozenset(f.company for f in frames if f.kind == "licence" and f.role == "licensee" and f.alias)
    dated = tuple((f.company, f.kind, f.field, f.sentence, f.trigger.lower()) for f in frames
                  if f.background and f.via != SLOT_VIA)
    investors = frozenset(f.company for f in frames if f.field == "title" and f.role == "investor" and f.alias)
    lead_investments = tuple((f.company, f.amount) for f in frames if f.field == "summary" and f.sentence == 0
                             and f.role == "investor" and f.alias and f.amount and f.kind == "funding")
    bought = tuple((f.company, f.kind, f.customer) for f in frames if f.field == "title" and f.customer)
    told_first = frozenset((f.company, FAMILY.get(f.kind)) for f in frames if f.field == "title" or f.sentence == 0)
    item = replace(item, customer_amounts=customer_amounts, denied=denied, speculated=speculated, licensees=licensees,
                   dated=dated,
                   headline_investors=investors,
                   lead_investments=lead_investments, headline_customer=bought, told_first=told_first)
    headline_ok = any(f.field == "title" and all(c(f, item) is None for _, c in _OWN) for f in frames)
    item = replace(item, headline_alerts=headline_ok)
    return [(f, first_failure(f, item)) for f in frames]
