"""Pure: Item x watchlist x rules -> hits. Ties the four rooms of judgement together:

    lexicon/   what words mean, per language (data files)
    terms.py   the rule language (placeholders), checked when the config loads
    index.py   one Aho-Corasick pass: names, triggers, exclusions, cues
    frames.py  who did what to whom, in which clause, said how
    decide.py  which frames alert (named checks)

How an item is judged:
1. No watched name anywhere in it: no hit (most items stop here, after one cheap pass).
2. The headline and the lead (the first sentences of the summary) are scanned. Each name is
   checked for identity: an ambiguous or capitalised name needs chip context in the item, and a
   name that another business also holds (a company's `not` list) needs it in its sentence.
3. Each trigger word is read as a frame: the role each watched company plays in the event, the
   clause it stands in, its cues (background, denial, customer objects ...).
4. decide.py's checks pass or reject each frame; a frame that passes every check fires every
   rule whose `events` include its kind (or the rule whose keyword it is).
5. Filings (items with a form) fire the rules that list the form.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from . import decide, lexicon
from .config import Company, Config, Rule
from .decide import Item as ItemView
from .events import FAMILY, round_name, round_told, told_date, venue_of
from .frames import Frame, frames_of, headline_focus, labelled, lead_subject
from .frames.cjk import EXAMPLES_END
from .index import AliasDef, ExclusionEntry, Index, Scan, TriggerEntry, lexicon_entries
from .lexicon import TriggerDef, has_cjk, phrase_forms
from .lexicon.text import fold, split_sentences
from .models import Hit, Item
from .terms import parse

# what a rule's own keyword means, by the event kind it is listed under
DEFAULT_FRAME = {"acquisition": "transfer", "merger": "merger", "sale": "sale", "acquihire": "hire",
                 "licence": "licence", "funding": "raise", "valuation": "issuer", "ipo": "issuer",
                 "spac": "merger", "deal": "merger"}
# the part a company standing in a keyword's {company} slot plays
SLOT_ROLE = {"acquisition": "target", "merger": "party", "sale": "target", "acquihire": "team",
             "licence": "licensor", "funding": "recipient", "valuation": "issuer", "ipo": "issuer",
             "spac": "party", "deal": "party"}


@dataclass(frozen=True)
class Explanation:
    hits: tuple[Hit, ...]
    frames: tuple[tuple[Frame, tuple[str, str] | None], ...]  # each frame and the check that rejected it
    companies: tuple[tuple[str, str, str], ...]  # (company, alias as found, field)
    cancelled: tuple[tuple[str, str, str], ...]  # (text, what cancelled it, field)
    doubts: tuple[tuple[str, str, str], ...]  # (alias as found, why it may mean someone else, field)
    item: ItemView


def rule_entries(rules: Sequence[Rule]) -> tuple[list[TriggerEntry], list[ExclusionEntry]]:
    """A rule's own keywords and exclusions as index entries (the config checked the terms)."""
    triggers, exclusions = [], []
    for ri, r in enumerate(rules):
        for kind, terms in r.keywords.items():
            for text in terms:
                term = parse(text)
                triggers.append(TriggerEntry(TriggerDef("rule", text, kind, DEFAULT_FRAME[kind], "phrase"), term, ri))
        for guard, terms in r.exclude.items():
            forms = frozenset(fold(f) for f in phrase_forms(guard) | {guard})
            for text in terms:
                exclusions.append(ExclusionEntry(forms, parse(text), ri))
    return triggers, exclusions


class Matcher:
    def __init__(self, companies: list[Company], rules: list[Rule], context_words: Iterable[str] = ()):
        self.companies = companies
        self.rules = rules
        lex = self.lexicon = lexicon.load()
        aliases = []
        for ci, c in enumerate(companies):
            case, amb = set(c.case_sensitive), set(c.ambiguous)
            for a in c.all_aliases:
                aliases.append(AliasDef(ci, a, case=a in case, ambiguous=a in amb))
        nots = [(ci, n) for ci, c in enumerate(companies) for n in c.other_names]
        triggers, exclusions = rule_entries(rules)
        triggers = lexicon_entries(lex) + triggers
        for _lang, guard, text in lex.exclusions:
            forms = frozenset(fold(f) for f in phrase_forms(guard) | {guard})
            exclusions.append(ExclusionEntry(forms, parse(text), None))
        self.index = Index(aliases, nots, triggers, exclusions, lex, context_words)
        self._forms = [[_parse_form(f) for f in r.forms] for r in rules]

    # ------------------------------------------------------------------ judging
    def explain(self, title: str, summary: str = "", *, form: str | None = None,
                form_items: tuple[str, ...] = (), company: str | None = None,
                published: datetime | None = None) -> Explanation:
        """Judge one item. `published` dates its time words ("in July 2024" is history to a
        story of this month, "in 2027" a plan); now when the feed gave no date."""
        lex = self.lexicon
        title = _WIRE_PREFIX.sub("", title)  # "UPDATE 1-Nvidia signs ...": the wire's marks are no words of the story
        when = published or datetime.now(UTC)
        today = (when.year, when.month)
        t_scan, s_scan = self.index.scan(title), self.index.scan(summary)
        s_sents = split_sentences(summary)[:decide.LEAD_SENTENCES] if summary else []
        t_sents = split_sentences(title) if title else []
        doubts_t, doubts_s, doubt_list = self._identity(t_scan, s_scan, t_sents, s_sents)
        # the company a headline's "chip startup" or a lead's "the company" stands for
        title_topic = _first_company(t_scan, lex)
        lead_topic = lead_subject(s_scan, s_sents[0], lex) if s_sents else -1
        # a headline naming no company ("Chip startup lands $124M") is about the lead's subject; a
        # lead's "the startup" is the headline's company
        t_doubt = _topic_doubt(t_scan, title_topic, doubts_t)
        frames = frames_of(t_scan, lex, t_sents, "title", lead_topic if title_topic < 0 else title_topic,
                           doubts_t, bare_topic=title_topic < 0,
                           topic_doubt=t_doubt if title_topic >= 0 else _topic_doubt(s_scan, lead_topic, doubts_s),
                           today=today)
        strict_lead = lead_subject(s_scan, s_sents[0], lex, loose=False) if s_sents else -1
        # (a headline naming companies only as points of comparison or credentials is about someone
        # else: its lead's loose mentions do not make the story theirs)
        summary_topic = title_topic if title_topic >= 0 else strict_lead if strict_lead >= 0 or t_scan.aliases \
            else lead_topic
        frames += frames_of(s_scan, lex, s_sents, "summary", summary_topic, doubts_s,
                            topic_doubt=t_doubt if title_topic >= 0 else _topic_doubt(s_scan, summary_topic, doubts_s),
                            today=today)
        frames += self._slot_frames(t_scan, "title", doubts_t, t_sents) \
            + self._slot_frames(s_scan, "summary", doubts_s, s_sents)
        label, weighs = _opinion(t_scan)
        if label is None and s_sents:  # "36氪评论文章认为…", "In this column, the author argues…"
            # a view stated in a clause of its own after the facts ("X与Y达成协议…；文章认为其意在…")
            # is about what follows it, not about the facts reported before the semicolon
            end = s_sents[0][1]
            first_event = min((t.start for t in s_scan.triggers), default=end)
            stop = re.compile(r"[;；]").search(summary, first_event, end)
            label = _cue(s_scan, "opinion_piece", stop.start() if stop else end)
        lead_end = s_sents[-1][1] if s_sents else 0
        customer_words = _cue(t_scan, "customer_cue", len(title)) or _cue(s_scan, "customer_cue", lead_end)
        deal_words = bool(_cue(t_scan, "deal_context_cue", len(title)) or _cue(s_scan, "deal_context_cue", lead_end))
        focus = headline_focus(t_scan, t_sents, lex, (s_scan, s_sents[0] if s_sents else None))
        title_proceeds = _cue(t_scan, "proceeds_talk", len(title))
        second = s_sents[1] if len(s_sents) > 1 else None
        recalls = s_scan.cue_spans("recall_cue", *second) if second else []
        view = ItemView(opinion=label, weighs=weighs, focus=focus,
                        focus_reports_nothing=focus is not None and lex.has("not_news_piece", focus.lower()),
                        focus_spends=focus is not None and lex.has("spend_verb", focus.lower()),
                        focus_results=focus is not None and (lex.has("fiscal_noun", focus.lower())
                                                             or focus.lower() == "preview"),
                        # (a lead does not make "Will SambaNova find a buyer ...?" a report: it asks the future)
                        report_in_question=bool(t_scan.cues.get("report_cue")) or bool(s_sents)
                        and not lex.has("question_modal", title.split(" ", 1)[0].lower())
                        and not t_scan.cues.get("question_who"),  # "谁最先上市？": who, not a report
                        headline_amounts=tuple(title[a:b] for a, b in t_scan.money),
                        headline_sum_is=_sum_is(t_scan, lex) or _quiet_receipt(t_scan, lex),
                        related_stocks=_cue(t_scan, "related_stocks", len(title)) or (
                            # "摩尔线程概念股午后拉升": concept stocks in a headline that tells no event itself
                            _cue(t_scan, "concept_stocks", len(title)) if not t_scan.triggers else None),
                        received_amounts=_received(t_scan, lex, len(title)) + _received(s_scan, lex, lead_end),
                        customer_words=customer_words, deal_words=deal_words,
                        headline_names=bool(t_scan.aliases),
                        headline_quiet=bool(title) and not t_scan.triggers and not t_scan.money,
                        headline_companies=frozenset(a.what.company for a in t_scan.aliases),
                        proceeds=title_proceeds or _cue(s_scan, "proceeds_talk", lead_end),
                        proceeds_in_title=title_proceeds is not None,
                        second_recalls=summary[recalls[0][0]:recalls[0][1]] if recalls else None,
                        second_adds=_adds(s_scan, second),
                        scene_families=frozenset() if not recalls or _names_anyone(t_scan, lex)
                        else frozenset(FAMILY.get(t.what.defn.kind, "") for t in t_scan.triggers))
        judged = decide.judge(frames, view)
        hits: dict[tuple[str, str], Hit] = {}
        if form:
            comp = next((c for c in self.companies if c.name == company), None)
            for ri, rule in enumerate(self.rules):
                ev = _form_event(self._forms[ri], form, form_items)
                if ev and comp is not None:
                    hits.setdefault((rule.name, comp.name), Hit(rule=rule.name, company=comp.name, alias=comp.name,
                                                                keywords=(ev,), field="filing", snippet=title[:300],
                                                                kind="filing"))
        valued = _valuation(t_scan) or _valuation(s_scan)
        passing: dict[tuple[str, str], list[Frame]] = {}
        for f, why in judged:
            if why is not None or f.company < 0:
                continue
            comp = self.companies[f.company]
            for ri, rule in enumerate(self.rules):
                if f.rule is not None and f.rule != ri:
                    continue
                if f.rule is None and f.kind not in rule.events:
                    continue
                passing.setdefault((rule.name, comp.name), []).append(f)
        for key, fs in passing.items():
            if key in hits:
                continue
            f = fs[0]
            fs = [x for x in fs if not planned_beside(x, fs, lex)]
            # the event as every passing frame of the company tells it: the first frame leads, the
            # others fill in what it leaves open (the buyer, the amount) and add kinds and stages
            same = [x for x in fs if x.kind == f.kind]
            hits[key] = Hit(rule=key[0], company=key[1], alias=f.alias or key[1], keywords=(f.trigger,),
                            field=f.field, snippet=f.snippet, kind=f.kind, role=f.role,
                            stage=f.stage or next((x.stage for x in same if x.stage), None),
                            counterparty=next((x.counterparty for x in same + fs if x.counterparty
                                               and FAMILY.get(x.kind) == FAMILY.get(f.kind)), None),
                            amount=next((x.amount for x in same + fs if x.amount and x.kind != "valuation"
                                         and FAMILY.get(x.kind) == FAMILY.get(f.kind)),
                                        None) or f.amount,
                            kinds=tuple(dict.fromkeys(x.kind for x in fs)),
                            stages=tuple(dict.fromkeys(x.stage for x in fs if x.stage)),
                            round=next((r for x in fs if x.kind == "funding" for r in [round_name(x.trigger)] if r),
                                       None)
                            or next((r for x in fs if x.kind == "funding" == f.kind
                                     for r in [round_told(x.tail)] if r), None),
                            valuation=next((x.amount for x in fs if x.kind == "valuation" and x.amount), None)
                            or (valued if any(x.kind in ("funding", "valuation", "ipo") for x in fs) else None),
                            when=next((w for x in same + fs for w in [told_date(x.before, x.tail)] if w), None),
                            venue=next((v for x in fs if x.kind in ("ipo", "spac")
                                        for v in [venue_of(x.snippet, x.alias)] if v), None))
        order = {r.name: i for i, r in enumerate(self.rules)}
        return Explanation(
            hits=tuple(sorted(hits.values(), key=lambda h: order[h.rule])),
            frames=tuple(judged),
            companies=tuple((self.companies[a.what.company].name, sc.text[a.start:a.end], fld)
                            for sc, fld in ((t_scan, "title"), (s_scan, "summary")) for a in sc.aliases),
            cancelled=tuple((x, by, fld) for sc, fld in ((t_scan, "title"), (s_scan, "summary"))
                            for x, by in sc.cancelled),
            doubts=tuple(doubt_list), item=view)

    def _identity(self, t: Scan, s: Scan, t_sents: list[tuple[int, int]], s_sents: list[tuple[int, int]]
                  ) -> tuple[dict[int, str], dict[int, str], list[tuple[str, str, str]]]:
        """Why each name occurrence may mean someone else (offset -> reason)."""
        context = bool(t.context or s.context)
        sure = {a.what.company for sc in (t, s) for a in sc.aliases
                if not a.what.case and not a.what.ambiguous or _TICKER.match(sc.text, a.end)
                or _DOMAIN_AFTER.match(sc.text, a.end)
                or a.what.ambiguous and self._called_company(sc, a.start)}
        others = {c: n for sc in (t, s) for c, n in sc.others}
        business = _cue(t, "other_business", len(t.text)) or _cue(s, "other_business", len(s.text))
        out: list[dict[int, str]] = [{}, {}]
        listing = []
        for n, (sc, sents, fld) in enumerate(((t, t_sents, "title"), (s, s_sents, "summary"))):
            for a in sc.aliases:
                d: AliasDef = a.what
                why = None
                if d.company in sure and not d.ambiguous:
                    pass
                elif d.ambiguous and not context and d.company not in sure:
                    why = decide.AMBIGUOUS_NAME
                elif d.case and (sc.shouting or sc.title_case) and not context and d.company not in sure:
                    why = decide.CAPITALISED
                sent = next(((x, y) for x, y in sents if x <= a.start < y), (0, len(sc.text)))
                in_sentence = any(sent[0] <= c0 < sent[1] for c0, _ in sc.context)
                # beside a chip word only a description right against the name counts ("チャットボット「グロック」")
                kind = _described_as(sc, a.start, a.end, tight=in_sentence)
                if _WORK_TITLE.match(sc.text[max(0, a.start - 1):a.end + 1]):
                    why = decide.WORK_TITLE  # "人気ゲーム『リベリオン』", "电影《地平线》"
                elif kind:
                    why = f"{decide.DESCRIBED_AS} {kind!r}"  # "EV maker Ampere", "taxi app Hailo"
                elif self._person_named(sc, a.start):
                    why = decide.PERSON  # "shipping heir Nikos Rivos", "Mr. Rivos"
                elif d.ambiguous and _glossed(sc, a.start, a.end, d.company):
                    why = decide.GLOSS  # "陽電子（Positron）ビーム": the word the name translates
                if why is None and d.company in others and not in_sentence:
                    why = f"{decide.OTHER_HOLDER} ({others[d.company]}) and the sentence has no chip word"
                elif why is None and not context and business and self._shared(d) and not sure - {d.company}:
                    # a name other businesses hold too, in an item about some other business (another
                    # watched chip company named for sure is a chip word: "Biren ... Moore Threads")
                    why = f"{decide.SHARED_NAME} ({self._shared(d)}), in an item about {business!r} " \
                          "with no chip word"

                if why:
                    out[n][a.start] = why
                    listing.append((sc.text[a.start:a.end], why, fld))
        # one item means one business by one name: a mention described as another business
        # ("EV新会社「アンペア」") speaks for the item's other mentions of that name
        fields = ((t, "title"), (s, "summary"))
        described = {a.what.company: w for n, (sc, _) in enumerate(fields)
                     for a in sc.aliases if (w := out[n].get(a.start, "")).startswith(decide.DESCRIBED_AS)}
        # the very name that was described ("영국 게임사 리벨리온" in the lead, "리벨리온" in the headline)
        described_names = {sc.text[a.start:a.end] for n, (sc, _) in enumerate(fields) for a in sc.aliases
                           if out[n].get(a.start, "").startswith(decide.DESCRIBED_AS)
                           and has_cjk(sc.text[a.start:a.end])}
        for n, (sc, fld) in enumerate(fields):
            for a in sc.aliases:
                d = a.what
                if a.start not in out[n] and d.company in described and (
                        (d.ambiguous or d.case) and d.company not in sure or sc.text[a.start:a.end] in described_names):
                    out[n][a.start] = described[d.company]
                    listing.append((sc.text[a.start:a.end], described[d.company], fld))
        return out[0], out[1], listing

    def _person_named(self, sc: Scan, start: int) -> bool:
        """A person's surname, not the company: an honorific right before the name ("Mr. Rivos"),
        or a given name after a word for a person ("shipping heir Nikos Rivos")."""
        m = _GIVEN_NAME.search(sc.text, max(0, start - 40), start)
        if m is None:
            return False
        if m.group("title"):
            return True
        words = sc.folded[max(0, m.start() - 30):m.start()].split()
        return bool(words) and self.lexicon.has("person_word", words[-1])

    def _called_company(self, sc: Scan, start: int) -> bool:
        """"智驾解决方案商地平线", "芯片公司地平线": a company noun right before a CJK name makes it a
        company's, not the word (a description that makes it another business still wins)."""
        before = sc.folded[max(0, start - 6):start]
        if not before or not has_cjk(before[-1]):
            return False
        return before.endswith("商") or any(before.endswith(w) for w in self.lexicon.phrases("zh_company_noun"))

    def _shared(self, d: AliasDef) -> str | None:
        """The other holder's name that holds this alias ("Kinara Capital" for "Kinara")."""
        low = d.text.lower()
        return next((n for n in self.companies[d.company].other_names
                     if re.search(rf"(?<!\w){re.escape(low)}(?!\w)", n.lower())), None)

    def _slot_frames(self, sc: Scan, fld: str, doubts: dict[int, str],
                     sents: list[tuple[int, int]]) -> list[Frame]:
        """Keywords with a {company} slot name the company's part themselves. Each is placed in its
        sentence, so a summary's slot past the lead is no lead (decide.lead)."""
        out = []
        for t in sc.triggers:
            entry = t.what
            assert isinstance(entry, TriggerEntry)
            if not entry.term.has_company:
                continue
            sentence = next((n for n, (a, b) in enumerate(sents) if a <= t.start < b),
                            0 if fld == "title" else decide.LEAD_SENTENCES)
            for a in sc.aliases:
                if t.start <= a.start and a.end <= t.end:
                    kind = entry.defn.kind
                    out.append(Frame(kind=kind, stage=None, trigger=sc.text[t.start:t.end],
                                     company=a.what.company, alias=sc.text[a.start:a.end],
                                     role=SLOT_ROLE[kind], via=decide.SLOT_VIA, field=fld, sentence=sentence,
                                     snippet=sc.text[max(0, t.start - 80):t.end + 80].strip(), rule=entry.rule,
                                     doubt=doubts.get(a.start)))
        return out

    def names_any(self, text: str) -> bool:
        return self.index.names_any(text)

    def match(self, item: Item) -> tuple[Hit, ...]:
        """The hits of one item (what the pipeline alerts on)."""
        if not item.form and not self.names_any(item.title) and not self.names_any(item.summary):
            return ()
        return self.explain_item(item).hits

    def explain_item(self, item: Item) -> Explanation:
        """explain() with everything the item carries (a filing's form, items and company)."""
        return self.explain(item.title, item.summary, form=item.form, form_items=item.form_items,
                            company=item.company, published=item.published)


_WIRE_PREFIX = re.compile(r"^\s*(?:(?:update|updated|refile|corrected|correction|exclusive|breaking|rpt|wrapup)"
                          r"(?:\s*\d+)?\s*[-:|]\s*)+", re.I)
_VALUED_AFTER = re.compile(r"\s*(?:post-money\s+|pre-money\s+)?valuation|\s*(?:的)?估值", re.I)
_VALUED_BEFORE = re.compile(r"(?:valued\s+(?:it\s+)?at|valuing\s+(?:it|the\s+\w+)\s+at|valuation\s+of|"
                            r"valuation\s+(?:to|at)|估值(?:达到?|为|约|超过?|升至|逾)?)\s*(?:about|around|roughly|"
                            r"nearly|over|more\s+than|约|近)?\s*$", re.I)


def _received_noun(sc: Scan, lex: lexicon.Lexicon, a: int, b: int, before_too: bool = True) -> str | None:
    """The word that calls the sum at a..b money received but no capital raised: right after it
    ("€61.6 million EuroHPC grant", "$100M contract") or before its "of" ("a grant of up to …")."""
    after = next((w for w in (x.strip(",.;:") for x in sc.folded[b:b + 40].split()[:3])
                  if lex.has("sum_received_noun", w) or lex.has("public_funder", w)), None)  # "in DARPA funding"
    if after is None and has_cjk(sc.folded[a:b + 2]):
        # "정부 AI반도체 과제 250억원 확보", "获得2亿元政府补贴": the word is near the sum, before or after it
        near = sc.folded[max(0, a - 10):a] + "|" + sc.folded[b:b + 8]
        after = next((w for w in sorted(lex.phrases("sum_received_noun")) if has_cjk(w) and w in near), None)
    if after is not None or not before_too:
        return after
    before = sc.folded[max(0, a - 30):a].split()[-4:]
    return next((w for w in before[:before.index("of")] if lex.has("sum_received_noun", w)), None) \
        if "of" in before else None


def _sum_is(sc: Scan, lex: lexicon.Lexicon) -> str | None:
    """What a headline's sum is when a word right after it says it is money received but no capital
    raised ("€61.6 million EuroHPC grant"): that word, else None."""
    return next((w for a, b in sc.money if (w := _received_noun(sc, lex, a, b, before_too=False))), None)


def _quiet_receipt(sc: Scan, lex: lexicon.Lexicon) -> str | None:
    """A headline with no sum that names money received ("DEEPX wins government grant for 2nm chip
    programme"): the word ("grant"), which a lead's bare "The funding" then is."""
    if sc.money:
        return None
    return next((w for w in re.findall(r"[a-z]+", sc.folded) if lex.has("sum_received_noun", w)), None)


def _received(sc: Scan, lex: lexicon.Lexicon, end: int) -> tuple[str, ...]:
    """Sums the text calls money received that is no capital (up to `end`)."""
    return tuple(sc.text[a:b] for a, b in sc.money if b <= end and _received_noun(sc, lex, a, b))


def _valuation(sc: Scan) -> str | None:
    """The valuation an item states: "$4.4 billion valuation", "valued at $5B", "估值达300亿元"."""
    for a, b in sc.money:
        if _VALUED_AFTER.match(sc.text, b) or _VALUED_BEFORE.search(sc.text[max(0, a - 40):a]):
            cue = _EARLIER_ROUND.search(sc.text[max(0, a - 50):a].split(",")[-1])
            if cue and any(a - 50 < x < a for x, _ in sc.money):
                continue  # "... after a $600 million Series B at a $3 billion valuation": an older round's
            return sc.text[a:b]
    return None


_EARLIER_ROUND = re.compile(r"\b(?:after|following|since|previous|prior|earlier|last)\b|此前|之前|上一轮|上轮", re.I)


# right before a name: an honorific, or a capitalised given name ("Nikos Rivos"), to the name's start
_GIVEN_NAME = re.compile(r"(?:(?P<title>\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lady|Lord)\.?)|\b[A-Z][a-z]{2,})\s+$")
# a web domain joined to the name ("Etched.ai, Inc."): the company's own name, not the word (a legal
# form alone proves nothing: Positron Corporation is another company)
_DOMAIN_AFTER = re.compile(r"\.(?:ai|io)\b")
_DESCRIPTOR_GAP = re.compile(r"[\s'\"“”‘’「」『』《》-]*")
def _glossed(sc: Scan, start: int, end: int, company: int) -> bool:
    """A Latin name in brackets right after a CJK word that is none of that company's own names
    ("陽電子（Positron）", "降雨（Rain）"): it translates that word (pure)."""
    text = sc.text
    if start < 2 or text[start - 1] not in "（(" or text[end:end + 1] not in ("）", ")") or has_cjk(text[start:end]):
        return False
    if not has_cjk(text[start - 2]):
        return False
    return not any(b.end == start - 1 and b.what.company == company for b in sc.aliases)


_WORK_TITLE = re.compile(r"^[『《].*[』》]$")  # CJK brackets that hold the title of a book, game or film
# a stock code right after a name makes it a listed company's: "地平线(09660)", "Horizon (9660.HK)",
# "Blaize (NASDAQ: BZAI)"
_TICKER = re.compile(r"\s*[(（]\s*(?:(?:HKEX|HK|SEHK|NASDAQ|Nasdaq|NYSE|SSE|SZSE|TSX|KRX|KOSDAQ|TSE|港股|股票代码)"
                     r"\s*[:：]?\s*(?:[A-Z]{1,5}|\d{4,6})|(?!(?:19[5-9]|20\d)\d\s*[)）])\d{4,6})(?:\.(?:HK|SH|SZ|US|KS|KQ|T))?\s*[)）]")


def _described_as(sc: Scan, start: int, end: int, tight: bool = False) -> str | None:
    """"taxi app Hailo", "Hailo, the taxi app,", "チャットボット「グロック」": a description right beside
    the name that makes it some other kind of business ("the exchange accepted Enflame's application"
    is no description). `tight`: only one right against the name (a space or a quotation mark
    between), as in a sentence with a chip word."""
    for s, e in sc.cues.get("other_business", []):
        if e <= start and start - e <= (3 if tight else 25) and _DESCRIPTOR_GAP.fullmatch(sc.text[e:start]):
            return sc.text[s:e]
        if not tight and s >= end and s - end <= 20 \
                and re.fullmatch(r",?\s*(?:a|an|the)?\s*[\w\s-]*", sc.text[end:s]) and sc.text[end:end + 1] == ",":
            return sc.text[s:e]
    return None


def _topic_doubt(sc: Scan, company: int, doubts: dict[int, str]) -> str | None:
    """A topic is in doubt when every mention of it in its field is."""
    starts = [a.start for a in sc.aliases if a.what.company == company]
    reasons = [doubts.get(s) for s in starts]
    return reasons[0] if reasons and all(reasons) else None


def planned_beside(x: Frame, fs: list[Frame], lex: lexicon.Lexicon) -> bool:
    """Pure: is x a listing only planned beside a raise the item leads with ("Biren raises new funds,
    plans Hong Kong IPO", "secures $207 million, eyes a listing")? Its name is the subject of a verb
    of planning, and it names no sum of its own: the raise is the event, the IPO a plan. ("raises
    $696 million in Hong Kong IPO": the IPO is the raise's, one event; "has also refiled for an IPO":
    a step of its own.)"""
    if not fs or fs[0].kind != "funding" or x.kind not in ("ipo", "spac") or x.amount or x.stage:
        return False
    if not x.via.startswith("subject of "):
        return False
    return lex.has("plan_verb", x.via.removeprefix("subject of ").lower())


def _adds(sc: Scan, span: tuple[int, int] | None) -> bool:
    """Does a sentence call itself more news ("also", "同日", "이날") in its last clause, the one its
    event is told in? Not a cue a semicolon has closed ("公司同时宣布派息…；旗下昆仑芯已递交上市申请")."""
    if span is None:
        return False
    cues = sc.cue_spans("more_news", *span)
    return any(not re.search(r"[;；]", sc.text[e:span[1]]) for _, e in cues)


def _names_anyone(sc: Scan, lex: lexicon.Lexicon) -> bool:
    """Does a text name a company: a watched one, a large one the lexicon knows ("英伟达"), or, in
    CJK text, one written in Latin letters ("AMD、…買収")?"""
    if sc.aliases or any(name in sc.folded for name in lex.names):
        return True
    return has_cjk(sc.text) and any(not any(t.start <= m.start() < t.end for t in sc.triggers)
                                    for m in _LATIN_NAME.finditer(sc.text))  # (not "IPO" itself)


_LATIN_NAME = re.compile(r"[A-Z][A-Za-z0-9]+")


def _first_company(sc: Scan, lex: lexicon.Lexicon) -> int:
    """The company a headline is about: its first name that is no label ("摩尔线程概念股") and no
    point of comparison or investor's credential ("Eclipse, an early backer of Cerebras, closes …")."""
    cues = tuple(lex.phrases("bystander_cue"))
    parts = tuple(f" {w}" for w in lex.phrases("component_marker"))
    skipped = -1  # where the last name passed over ends: the names listed with it go too
    for a in sc.aliases:
        before = " " + sc.folded[max(0, a.start - 24):a.start].rstrip()
        if skipped >= 0 and sc.folded[skipped:a.start].strip() in ("、", ",", "，", "和", "与", "及", "and", "&"):
            skipped = a.end  # "同行摩尔线程、沐曦": the rest of the list of peers
            continue
        if before.endswith(parts) and lex.has("product_noun", _next_word(sc.folded, a.end)):
            continue  # "Raspberry Pi soars as AI Kit with Hailo chip flies off shelves": a part's maker
        if before.endswith(cues):
            skipped = a.end
            continue
        if before.endswith((" former", " ex")) and not labelled(sc, lex, a.start, a.end):
            continue  # "Stealth startup from former SambaNova architects raises $12 million": their new company
        if before.endswith(("前", "元")) and any(sc.folded.startswith(w, a.end) for w in lex.phrases("team_noun")):
            continue  # "前Cerebras工程师在台创业…获种子轮": former staff, the startup they founded is the news
        if EXAMPLES_END.match(sc.folded, a.end) \
                and any(t.end <= a.start for t in sc.triggers):
            continue  # "ラピダスに…追加出資 2nm顧客候補にTenstorrentなど": an example named after the news
        if not labelled(sc, lex, a.start, a.end):
            return int(a.what.company)
    return -1


def _next_word(folded: str, at: int) -> str:
    m = re.match(r"\s*([\w.-]+)", folded[at:at + 30])
    return m.group(1) if m else ""


def _cue(sc: Scan, cls: str, end: int) -> str | None:
    spans = [s for s in sc.cues.get(cls, []) if s[1] <= end]
    return sc.text[spans[0][0]:spans[0][1]] if spans else None


def _opinion(sc: Scan) -> tuple[str | None, str | None]:
    """(a label that makes the headline a view: "Opinion:", "【观点】"; words that weigh valuations)."""
    label = None
    labels = sc.cues.get("opinion_label", []) + (sc.cues.get("notebook_label", []) if not sc.aliases else [])
    for s, e in labels:
        before, after = sc.text[:s].strip(), sc.text[e:e + 2].strip()
        if before in ("", "【", "[", "(") or after[:1] in (":", "|", "】", "]", "：", ")") \
                or before.endswith(("|", "-")):
            label = sc.text[s:e]
            break
    for s, e in sc.cues.get("forecast_label", []):
        # a forecast closing a headline or one of its parts ("券商2026年展望：…", "…IPOを大胆予測　…",
        # "…市場関係者の見方"): the piece guesses what may come
        if label is None and (sc.text[e:e + 1] in ("", ":", "：", "\u3000", "|", "】", "…")
                              or sc.text.startswith("..", e) or sc.text[e:e + 1] == " " and has_cjk(sc.text[s:e])):
            label = sc.text[s:e]
    spans = sc.cues.get("opinion_cue")
    return label, (sc.text[spans[0][0]:spans[0][1]] if spans else None)


def _parse_form(spec: str) -> tuple[str, str | None]:
    """"8-K:1.01" -> ("8-K", "1.01"); "RW" -> ("RW", None)."""
    form, _, item = spec.partition(":")
    return form.strip().upper(), (item.strip() or None)


def _form_event(specs: list[tuple[str, str | None]], form: str, items: tuple[str, ...]) -> str | None:
    f = form.strip().upper()
    for sf, si in specs:
        if sf != f:
            continue
        if si is None:
            return form
        if si in items:
            return f"{form} item {si}"
    return None


def build_matcher(cfg: Config) -> Matcher:
    """The matcher a config describes (its watchlist, rules and context words)."""
    return Matcher(cfg.company, cfg.rule, cfg.watcher.context_words)
