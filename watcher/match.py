"""Pure: Item x watchlist x rules -> hits (no I/O).

The lists (companies, aliases, keywords, exclusions, context words) are data from the config;
the language knowledge lives here: English inflections, money amounts, sentence and clause
splitting, word boundaries for Latin script and none for CJK, ALL-CAPS headlines, bystanders.

How an item matches, in order:
1. A cheap pre-check: no alias anywhere in the item, no hit (most items stop here).
2. Each field (title, summary) is searched once with one Aho-Corasick automaton holding every
   alias, keyword variant, exclusion and context word, over text folded to lower case with
   hyphens as spaces. Placeholders are checked at the hit: {money} (an amount), {any} (up to
   four words), {company} (the slot a watched name must fill).
3. Occurrences are kept only on word boundaries (Latin/digit edges; CJK has none), with exact
   case for case-sensitive aliases (or their ALL-CAPS form inside an all-caps text).
4. An exclusion cancels the alias or keyword occurrences it overlaps ("data acquisition",
   "Nvidia Ampere", "buy {any} chips"). An alias that proves nothing alone (ambiguous, or
   case-sensitive in a shouting headline) needs a context word somewhere in the item, a sure
   alias of its company, or to stand right by a deal word ("takeover of Ampere").
5. A company and a rule keyword meeting in one sentence (for CJK: one clause) make a hit, unless
   the company is a bystander ("rivals such as X", "X's customer", "X、Y等") or the keyword is a
   money verb whose subject is someone else ("Vsora raises $46M to take on Hailo").
   Across fields: a headline with a keyword but no company pairs with a company that leads the
   summary ("Lightmatter, which ..."); a headline naming one company pairs with a summary that
   opens "The startup ..." and carries the keyword.
6. Filings (items with a form) hit the rules that list the form as an event.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from .config import Company, Rule
from .models import Hit, Item

MONEY_TOKEN = "{money}"
LEAD_CHARS = 25  # a summary "leads" with a company named within its first few words

# ----------------------------------------------------------------------------- language knowledge
_IRREGULAR = {
    "buy": ["bought"], "sell": ["sold"], "take": ["took", "taken"], "get": ["got", "gotten"],
    "win": ["won"], "lead": ["led"], "make": ["made"], "bring": ["brought"], "pay": ["paid"],
    "hold": ["held"], "seek": ["sought"], "spin": ["spun"], "strike": ["struck"], "raise": [],
    "go": ["went", "gone", "goes"], "rake": [], "hire": [], "land": [], "do": ["did", "done"],
    "file": [], "begin": ["began", "begun", "beginning"], "put": ["putting"], "set": ["setting"],
}
_NO_INFLECT = {"to", "be", "by", "of", "in", "up", "on", "a", "an", "the", "for", "with", "at", "as",
               "from", "its", "it", "and", "or", "into", "out", "off", "over", "is", "are", "was", "has"}
_VOWELS = set("aeiou")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def word_forms(word: str) -> set[str]:
    """English inflections of one word: acquire -> acquires, acquired, acquiring, acquirer."""
    w = word
    lw = w.lower()
    forms = {w}
    if not lw.isalpha() or len(lw) < 3 or lw in _NO_INFLECT:
        return forms
    if w.isupper():  # IPO -> IPOs
        return {w, w + "s"}
    for irr in _IRREGULAR.get(lw, []):
        forms.add(irr)
    if lw.endswith(("ing", "tion", "sion", "ment", "ness", "ity", "ship", "ance", "ence")):
        return forms | {w + "s"}
    if lw.endswith("s") and not lw.endswith("ss"):
        return forms  # already a plural or third person
    if lw.endswith("e"):
        forms |= {w + "s", w + "d", w[:-1] + "ing", w + "r"}
    elif lw.endswith("y") and len(lw) > 2 and lw[-2] not in _VOWELS:
        forms |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing", w[:-1] + "ier"}
    elif lw.endswith(("s", "x", "z", "ch", "sh")):
        forms |= {w + "es", w + "ed", w + "ing", w + "er"}
    else:
        forms |= {w + "s", w + "ed", w + "ing", w + "er"}
        if len(lw) <= 5 and lw[-1] not in _VOWELS | {"w", "x", "y"} and lw[-2] in _VOWELS \
                and lw[-3] not in _VOWELS:
            d = w + w[-1]
            forms |= {d + "ed", d + "ing", d + "er"}
    return forms


def phrase_forms(phrase: str) -> set[str]:
    """Inflect each word of a phrase in turn: "snap up" -> "snaps up", "snapped up", ..."""
    words = phrase.split(" ")
    out = {phrase}
    for i, word in enumerate(words):
        if _CJK_RE.search(word):
            continue
        for f in word_forms(word):
            out.add(" ".join(words[:i] + [f] + words[i + 1:]))
    return out


_QUAL = (r"(?:(?:more than|over|above|nearly|almost|about|around|roughly|up to|at least|approximately|"
         r"another|an additional|additional|a fresh|fresh|new|some|close to|less than|under)\s+)?")
_CUR = r"(?:us\$|usd ?|c\$|a\$|s\$|hk\$|nt\$|rmb ?|eur ?|cad ?|krw ?|inr ?|jpy ?|[$€£¥₩₹])"
_UNIT = (r"(?:million|mln|mn|mil|m|billion|bln|bn|b|trillion|tn|thousand|k|crore|lakh)(?![a-z])"
         r"(?: (?:won|yen|yuan|euros?|dollars|pounds|rupees|francs)(?![a-z]))?")
MONEY = (rf"{_QUAL}(?:{_CUR} ?\d[\d,.]*(?: ?{_UNIT})?|\d[\d,.]* ?{_UNIT}|"
         r"(?:\d[\d,.]*|[数几十百千]+)(?:亿|万|千万|百万)?(?:美元|元|人民币|日元|韩元|欧元|港元))")

_ABBREV = {"inc", "corp", "co", "ltd", "llc", "plc", "mr", "mrs", "ms", "dr", "st", "no", "vs", "jr", "sr",
           "u.s", "u.k", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
           "oct", "nov", "dec", "gov", "sen", "rep", "gen", "prof", "approx", "est", "dept", "s.a", "n.v"}
_SENT_END = re.compile(r"[.!?](?=[\"')\]]?\s+[\"'(\[]?[A-Z0-9\u3400-\u9fff])|[。！？；;]|，|\n"
                       r"|(?<=[\u3400-\u9fff]),|,(?=\s*[\u3400-\u9fff])")  # NFKC turns "，" into ","


def split_units(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (and CJK clauses, split at the full-width comma)."""
    spans = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group() == ".":
            prev = re.search(r"([\w.]+)$", text[start:m.start()])
            if prev and (prev.group(1).lower() in _ABBREV or len(prev.group(1)) == 1):
                continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [s for s in spans if text[s[0]:s[1]].strip()] or [(0, len(text))]


def fold(text: str) -> str:
    """Lower-case, hyphens as spaces ("data-acquisition" is "data acquisition"), with the same
    length as the input so offsets match the original."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("-", " ") if "-" in low else low


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() and not is_cjk(ch)


def on_boundary(text: str, start: int, end: int) -> bool:
    """Latin/digit edges need a non-word neighbour; CJK edges need none."""
    first, last = text[start], text[end - 1]
    if _is_word_char(first) and start > 0 and _is_word_char(text[start - 1]):
        return False
    if _is_word_char(last) and end < len(text) and _is_word_char(text[end]):
        return False
    return True


# A company named only as a point of comparison ("rivals such as Cerebras", "startups like Groq",
# "面临摩尔线程、沐曦等企业的竞争") is a bystander: a deal word in its sentence is about someone else.
_BYSTANDER_CUE = re.compile(r"\b(?:such as|like|including|competition (?:with|from)|compete (?:with|against)|"
                            r"competes (?:with|against)|competing (?:with|against)|against|versus|vs\.?|than|"
                            r"clash with|pressure on|take on|takes on|rival to|challenge|challenges)\b")
# "Groq's customer Aramco raises ...", "Cerebras customer G42 raises ...": the deal is the other one's
_ROLE_AFTER = re.compile(r"(?:'s)?\s+(?:customers?|clients?|partners?|suppliers?|distributors?|resellers?|"
                         r"rivals?|competitors?|peers?)\b")
_BYSTANDER_WINDOW = 60


def is_bystander(folded: str, unit: tuple[int, int], start: int, end: int, keyword_starts: list[int]) -> bool:
    """True when the alias at [start, end) follows a comparison cue in its sentence with no
    deal word in between, is followed by a role noun ("Groq's customer"), or (Chinese) is
    listed with 等."""
    if _ROLE_AFTER.match(folded, end):
        return True
    lo = max(unit[0], start - _BYSTANDER_WINDOW)
    cues = list(_BYSTANDER_CUE.finditer(folded, lo, start))
    if cues:
        cue_end = cues[-1].end()
        if not any(cue_end <= k < start for k in keyword_starts):
            return True
    if "等" in folded[end:end + 12]:  # "壁仞、沐曦等企业": one of a list, not the subject
        return True
    return False


def is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and not is_cjk(c)]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_SMALL = {"a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "vs"}


def is_title_case(text: str) -> bool:
    """A Title Case Headline: capitals there prove no more than in an all-caps one."""
    words = [w for w in _WORD.findall(text) if w.lower() not in _SMALL]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.85 * len(words)


# ----------------------------------------------------------------------------- compiled patterns
@dataclass(frozen=True)
class _Pat:
    kind: str  # alias | keyword | cexclude | rexclude | context
    owner: int  # company or rule index (-1 for context)
    term: str  # the configured term (for explanations)
    surface: str  # the literal form searched for (original case)
    case: bool = False  # exact case required
    ambiguous: bool = False
    regex: _Lazy | None = None  # full pattern when the term holds {money}
    pre: _Lazy | None = None  # {company} keywords: what must stand right before the name
    post: _Lazy | None = None  # ... and right after it
    subject_first: bool = False  # "raise {money}": the company must come before the verb


@dataclass(frozen=True)
class Occ:
    start: int
    end: int
    pat: _Pat
    needs_context: bool = False  # an alias that proves nothing alone (ambiguous, or capitals that may be a word)


@dataclass
class FieldScan:
    """What one field holds: occurrences that survived boundaries, case and exclusions."""

    name: str
    text: str
    folded: str = ""
    aliases: list[Occ] = field(default_factory=list)
    keywords: list[Occ] = field(default_factory=list)
    context: list[Occ] = field(default_factory=list)
    cancelled: list[tuple[Occ, Occ]] = field(default_factory=list)  # (occurrence, exclusion)
    units: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Explanation:
    hits: tuple[Hit, ...]
    companies: tuple[tuple[str, str, str], ...]  # (company, alias as found, field)
    keywords: tuple[tuple[str, str, str], ...]  # (rule, keyword as found, field)
    cancelled: tuple[tuple[str, str, str], ...]  # (text cancelled, by exclusion, field)


COMPANY_TOKEN = "{company}"
ANY_TOKEN = "{any}"  # up to four words (no punctuation): "buy {any} chips"
_ANY = r"(?:[^\s,;:.!?]+\s+){0,4}?"
_PLACEHOLDER = re.compile(r"(\{money\}|\{company\}|\{any\})")


def _literal_rx(part: str) -> str:
    forms = sorted((re.escape(fold(f)) for f in phrase_forms(part.strip())), key=len, reverse=True)
    return "(?:" + "|".join(forms) + ")"


class _Lazy:
    """A regex compiled on first use: a config has hundreds of placeholder keywords and most
    runs never need most of them (compiling them all costs a tenth of a second at start)."""

    __slots__ = ("pattern", "_rx")

    def __init__(self, pattern: str):
        self.pattern, self._rx = pattern, None

    def _get(self) -> re.Pattern:
        if self._rx is None:
            self._rx = re.compile(self.pattern)
        return self._rx

    def search(self, *a):
        return self._get().search(*a)

    def match(self, *a):
        return self._get().match(*a)

    def finditer(self, *a):
        return self._get().finditer(*a)


def _placeholder_regex(term: str) -> _Lazy:
    """A keyword with {money} -> one regex over folded text."""
    pieces = []
    for part in _PLACEHOLDER.split(term):
        if part == MONEY_TOKEN:
            pieces.append(f"(?:{MONEY})")
        elif part == ANY_TOKEN:
            pieces.append(_ANY)
        elif part.strip():
            pieces.append(_literal_rx(part))
    return _Lazy(r"\s*".join(pieces))


def _slot_regexes(term: str) -> tuple[_Lazy | None, _Lazy | None]:
    """"hire {company}'s team" -> (what must end right before the name, what must follow it:
    an optional "'s" and up to two words, then the rest)."""
    before, _, after = term.partition(COMPANY_TOKEN)
    pre = _Lazy(_literal_rx(before) + r"\s*$") if before.strip() else None
    post = None
    if after.strip():
        rest = after.strip()
        poss = ""
        if rest.startswith("'s"):
            rest, poss = rest[2:].strip(), "'s"
        body = _literal_rx(rest) if rest else ""
        post = _Lazy(rf"(?:{re.escape(poss)})?(?:\s+[\w.]+){{0,2}}?\s*{body}" if poss else
                          rf"(?:'s)?(?:\s+[\w.]+){{0,2}}?\s+{body}")
    return pre, post


class Matcher:
    def __init__(self, companies: list[Company], rules: list[Rule], context_words: Iterable[str] = ()):
        self.companies = companies
        self.rules = rules
        self._auto = ahocorasick.Automaton()
        table: dict[str, list[_Pat]] = {}

        def add(surface: str, pat: _Pat) -> None:
            key = fold(surface)
            if key.strip():
                table.setdefault(key, []).append(pat)

        for ci, c in enumerate(companies):
            case = set(c.case_sensitive)
            for alias in c.all_aliases:
                add(alias, _Pat("alias", ci, alias, alias, case=alias in case, ambiguous=alias in c.ambiguous))
            for ex in c.exclude:
                add(ex, _Pat("cexclude", ci, ex, ex))
        for ri, r in enumerate(rules):
            for kind, terms in (("keyword", r.keywords), ("rexclude", r.exclude)):
                for term in terms:
                    if COMPANY_TOKEN in term:
                        pre, post = _slot_regexes(term)
                        anchor = next(p for p in _PLACEHOLDER.split(term) if p.strip() and p != COMPANY_TOKEN)
                        anchor = anchor.strip().removeprefix("'s").strip() or anchor.strip()
                        for f in phrase_forms(anchor):
                            add(f, _Pat(kind, ri, term, f, pre=pre, post=post))
                    elif MONEY_TOKEN in term or ANY_TOKEN in term:
                        rx = _placeholder_regex(term)
                        verb_first = MONEY_TOKEN in term and not term.strip().startswith(MONEY_TOKEN)
                        for part in _PLACEHOLDER.split(term):
                            if part.strip() and part not in (MONEY_TOKEN, ANY_TOKEN):
                                for f in phrase_forms(part.strip()):
                                    add(f, _Pat(kind, ri, term, f, regex=rx, subject_first=verb_first))
                                break
                    else:
                        for f in phrase_forms(term):
                            add(f, _Pat(kind, ri, term, f))
        for w in context_words:
            add(w, _Pat("context", -1, w, w))
        # a small automaton of aliases only: most items name no watched company at all, and
        # one pass over them settles that before any other work
        self._alias_auto = ahocorasick.Automaton()
        for key, pats in table.items():
            self._auto.add_word(key, (len(key), tuple(pats)))
            if any(p.kind == "alias" for p in pats):
                self._alias_auto.add_word(key, len(key))
        if len(self._alias_auto):
            self._alias_auto.make_automaton()
        if table:
            self._auto.make_automaton()
        self._empty = not table
        self._forms = [[_parse_form(f) for f in r.forms] for r in rules]

    # ------------------------------------------------------------------ scanning
    def scan(self, name: str, text: str) -> FieldScan:
        fs = FieldScan(name, text, units=split_units(text) if text else [])
        if not text or self._empty:
            return fs
        folded = fs.folded = fold(text)
        shouting = is_shouting(text)
        capitalised = shouting or is_title_case(text)
        occs: list[Occ] = []
        for end_idx, (length, pats) in self._auto.iter(folded):
            start, end = end_idx - length + 1, end_idx + 1
            if not on_boundary(folded, start, end):
                continue
            for p in pats:
                needs = p.ambiguous
                if p.case:
                    found = text[start:end].replace("-", " ")
                    if found != p.surface.replace("-", " "):
                        if not (shouting and found == p.surface.upper().replace("-", " ")):
                            continue
                    # capitals prove nothing in a shouting or Title Case headline
                    needs = needs or capitalised
                if p.regex is not None:
                    m = _regex_match(p.regex, folded, start, end)
                    if m is None:
                        continue
                    occs.append(Occ(m.start(), m.end(), p))
                else:
                    occs.append(Occ(start, end, p, needs))
        cex = [o for o in occs if o.pat.kind == "cexclude"]
        rex = [o for o in occs if o.pat.kind == "rexclude"]
        fs.context = [o for o in occs if o.pat.kind == "context"]
        aliases = []
        for o in occs:
            if o.pat.kind == "alias":
                by = next((x for x in cex if x.pat.owner == o.pat.owner and _overlap(o, x)), None)
                if by:
                    fs.cancelled.append((o, by))
                    continue
                aliases.append(o)
        for o in occs:
            if o.pat.kind == "keyword":
                by = next((x for x in rex if x.pat.owner == o.pat.owner and _overlap(o, x)
                           and _slot_ok(x, o, folded, aliases)), None)
                if by:
                    fs.cancelled.append((o, by))
                    continue
                fs.keywords.append(o)
        # a shorter alias inside a longer one of another company ("AI" inside "Untether AI") goes
        fs.aliases = [o for o in aliases if not any(x is not o and x.start <= o.start and o.end <= x.end
                                                    and (x.end - x.start) > (o.end - o.start) for x in aliases)]
        return fs

    @staticmethod
    def _settle_context(scans: list[FieldScan]) -> None:
        """An alias that needs context (ambiguous, or capitals that may just be a word) counts when
        a sure alias of its company or a chip/AI context word appears anywhere in the item."""
        sure = {o.pat.owner for fs in scans for o in fs.aliases if not o.needs_context}
        for fs in scans:
            others = [c for f in scans if f is not fs for c in f.context]
            fs.aliases = [o for o in fs.aliases if not o.needs_context or o.pat.owner in sure
                          or others or any(not _overlap(o, c) for c in fs.context)
                          or (o.pat.ambiguous and _deal_object(o, fs))]

    # ------------------------------------------------------------------ deciding
    def explain(self, title: str, summary: str = "", *, form: str | None = None,
                form_items: tuple[str, ...] = (), company: str | None = None) -> Explanation:
        scans = [self.scan("title", title), self.scan("summary", summary)]
        self._settle_context(scans)
        hits: dict[tuple[str, str], Hit] = {}

        def add(rule: Rule, comp: Company, alias: str, kws: list[str], fld: str, snippet: str) -> None:
            key = (rule.name, comp.name)
            if key not in hits:
                hits[key] = Hit(rule=rule.name, company=comp.name, alias=alias,
                                keywords=tuple(dict.fromkeys(kws)), field=fld, snippet=snippet.strip()[:300])

        if form:
            comp = next((c for c in self.companies if c.name == company), None)
            for ri, rule in enumerate(self.rules):
                ev = _form_event(self._forms[ri], form, form_items)
                if ev and comp is not None:
                    add(rule, comp, comp.name, [ev], "filing", title)
        for fs in scans:
            folded = fs.folded
            for u in fs.units:
                kws = [o for o in fs.keywords if u[0] <= o.start < u[1]]
                if not kws:
                    continue
                starts = [k.start for k in kws]
                in_unit = [o for o in fs.aliases if u[0] <= o.start < u[1]]
                free = [o for o in in_unit if not is_bystander(folded, u, o.start, o.end, starts)]
                for ri, rule in enumerate(self.rules):
                    for o in in_unit:
                        rk = [fs.text[k.start:k.end] for k in kws if k.pat.owner == ri
                              and _pairs(k, o, folded, free, fs.text, in_unit)]
                        if rk:
                            add(rule, self.companies[o.pat.owner], fs.text[o.start:o.end], rk, fs.name,
                                fs.text[u[0]:u[1]])
        t, s = scans
        if not t.aliases and t.keywords and s.aliases and s.units:
            # headline with a deal word about an unnamed subject; the summary names it first
            lead = s.units[0]
            head = [o for o in s.aliases if lead[0] <= o.start < min(lead[1], lead[0] + LEAD_CHARS)
                    and not is_bystander(s.folded, lead, o.start, o.end, [])]
            if head:
                o = min(head, key=lambda x: x.start)
                for ri, rule in enumerate(self.rules):
                    rk = [t.text[k.start:k.end] for k in t.keywords if k.pat.owner == ri and k.pat.pre is None
                          and k.pat.post is None]
                    if rk:
                        add(rule, self.companies[o.pat.owner], s.text[o.start:o.end], rk, "title+summary",
                            t.text)
        if t.aliases and s.keywords and s.units and len({o.pat.owner for o in t.aliases}) == 1:
            # "Groq opens a new chapter" + "The startup said it agreed to be acquired ...": the
            # summary's first sentence speaks of the headline's company
            lead = s.units[0]
            o = t.aliases[0]
            if _ANAPHOR.match(s.folded, lead[0]) and not is_bystander(t.folded, (0, len(t.text)), o.start, o.end, []):
                for ri, rule in enumerate(self.rules):
                    rk = [s.text[k.start:k.end] for k in s.keywords if k.pat.owner == ri
                          and lead[0] <= k.start < lead[1] and k.pat.pre is None and k.pat.post is None]
                    if rk:
                        add(rule, self.companies[o.pat.owner], t.text[o.start:o.end], rk, "title+summary",
                            s.text[lead[0]:lead[1]])
        order = {r.name: i for i, r in enumerate(self.rules)}
        ordered = tuple(sorted(hits.values(), key=lambda h: order[h.rule]))
        return Explanation(
            hits=ordered,
            companies=tuple((self.companies[o.pat.owner].name, fs.text[o.start:o.end], fs.name)
                            for fs in scans for o in fs.aliases),
            keywords=tuple(dict.fromkeys((self.rules[o.pat.owner].name, fs.text[o.start:o.end], fs.name)
                                         for fs in scans for o in fs.keywords)),
            cancelled=tuple((fs.text[o.start:o.end], x.pat.term, fs.name) for fs in scans for o, x in fs.cancelled),
        )

    def names_any(self, text: str) -> bool:
        """Cheap pre-check: does any alias occur in the text at all (ignoring boundaries/case)?"""
        if not text or not len(self._alias_auto):
            return False
        return next(self._alias_auto.iter(fold(text)), None) is not None

    def match(self, item: Item) -> tuple[Hit, ...]:
        if not item.form and not self.names_any(item.title) and not self.names_any(item.summary):
            return ()
        return self.explain(item.title, item.summary, form=item.form, form_items=item.form_items,
                            company=item.company).hits

    def notifiers_for(self, hits: Iterable[Hit], all_names: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        by_name = {r.name: r for r in self.rules}
        for h in hits:
            r = by_name.get(h.rule)
            for n in (r.notify if r and r.notify is not None else all_names):
                if n not in out:
                    out.append(n)
        return tuple(out)


_ANAPHOR = re.compile(r"\s*(?:(?:the|this|that)\s+(?:[\w.']+\s+){0,3}?(?:company|startup|start up|chipmaker|"
                      r"chip maker|chip designer|designer|firm|maker|developer|unicorn|group)\b|(?:it|its)\b|"
                      r"该公司|这家公司|公司)")


def _deal_object(o: Occ, fs: FieldScan) -> bool:
    """A bare short name right after a deal word ("takeover of Ampere") or right before one
    ("Ampere agrees to be acquired") is the company in its role in the deal."""
    for k in fs.keywords:
        if 0 <= o.start - k.end <= 4 and fs.folded[k.end:o.start].strip() in ("", "of"):
            return True
        if 0 <= k.start - o.end <= 1:
            return True
    return False


def _slot_fits(k: Occ, o: Occ, folded: str) -> bool:
    """For a {company} keyword: does the alias o stand in its slot?"""
    p = k.pat
    if p.pre is not None and not p.pre.search(folded, max(0, o.start - 60), o.start):
        return False
    if p.post is not None and not p.post.match(folded, o.end):
        return False
    # the anchor the automaton found must be part of this very phrase
    return o.start - 60 <= k.start <= o.end + 60


def _slot_ok(exclusion: Occ, keyword: Occ, folded: str, aliases: list[Occ]) -> bool:
    """An exclusion with a {company} slot cancels only where some alias fills the slot."""
    if exclusion.pat.pre is None and exclusion.pat.post is None:
        return True
    return any(_slot_fits(exclusion, a, folded) for a in aliases)


def _pairs(k: Occ, o: Occ, folded: str, free: list[Occ], text: str = "", aliases: list[Occ] = ()) -> bool:
    """May keyword k count for alias o in their sentence?"""
    if k.pat.pre is not None or k.pat.post is not None:
        return _slot_fits(k, o, folded)
    if o not in free:
        return False
    if k.pat.subject_first and o.start > k.start:
        return False  # "Vsora raises $46M to take on Groq": the raise is Vsora's
    if o.start > k.end and _CLAUSE_BREAK.search(folded, k.end, o.start) and _own_object(k, text, aliases):
        return False  # "Qualcomm to acquire Alphawave, setting up a clash with Ayar Labs"
    return True


_OBJECT = re.compile(r"\s+(?:(?:of|in|for|by|with|on)\s+)?([A-Z][\w.:&'-]*)")


def _own_object(k: Occ, text: str, aliases: list[Occ]) -> bool:
    """Does the keyword have a named object of its own right after it ("acquire Alphawave"),
    one that is not a watched company?"""
    m = _OBJECT.match(text, k.end)
    return bool(m) and not any(a.start == m.start(1) for a in aliases)


# Between a deal word and a company named after it, these start another clause: the company
# there is not the deal's object.
_CLAUSE_BREAK = re.compile(r",\s|\s(?:as|while|amid|after|before|and then|setting up|piling)\s")


def _overlap(a: Occ, b: Occ) -> bool:
    return a.start < b.end and b.start < a.end


def _unit_of(units: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for u in units:
        if u[0] <= pos < u[1]:
            return u
    return (0, 0)


def _regex_match(rx: _Lazy, folded: str, start: int, end: int) -> re.Match | None:
    """The match of a placeholder pattern that covers the anchor [start, end), if any."""
    lo = max(0, start - 60)
    for m in rx.finditer(folded, lo, min(len(folded), end + 80)):
        if m.start() <= start and m.end() >= end:
            return m
        if m.start() > start:
            break
    return None


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
