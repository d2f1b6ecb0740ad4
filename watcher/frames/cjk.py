"""Reading Chinese, Korean and Japanese trigger words on clauses, by position: the subject stands
left of the verb, the object right of it, 被 makes a passive, 的 ties a clause to the noun after
it. One function per frame type; the cues of the clause (history, backdrop, listed-stock talk) in
`background`. Every word is a lexicon class (zh-Hans.toml, zh-Hant.toml, ko.toml, ja.toml)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..events import FAMILY
from ..index import AliasDef, Found, Scan, TriggerEntry
from ..lexicon import HANGUL, KANA, Lexicon, has_cjk
from ..lexicon.text import split_clauses
from .cues import before
from .english import dedupe
from .values import Ctx, Frame

_TOPIC_ROLE = {"raise": "recipient", "issuer": "issuer", "transfer": "target", "sale": "target", "merger": "party"}


@dataclass
class Clause:
    """One clause of a sentence and what is in it, for the trigger being read."""

    sc: Scan
    lex: Lexicon
    start: int
    end: int
    trig: Found[TriggerEntry]
    names: list[Found[AliasDef]]
    topic: Found[AliasDef] | None  # the first name of the sentence's first clause
    roles: dict[int, tuple[Found[AliasDef], str, str]] = field(default_factory=dict)  # start -> (name, role, via)
    counter: str | None = None
    customer: str | None = None

    @property
    def folded(self) -> str:
        return self.sc.folded

    @property
    def left(self) -> list[Found[AliasDef]]:
        return [a for a in self.names if a.end <= self.trig.start]

    @property
    def right(self) -> list[Found[AliasDef]]:
        return [a for a in self.names if a.start >= self.trig.end]

    def has(self, cls: str, start: int, end: int) -> str | None:
        """The word of this class that comes first within folded[start:end] (the longest, of those
        that start there): one answer whatever order the class's set iterates in."""
        text = self.folded[start:end]
        found = [w for w in self.lex.phrases(cls) if w in text]
        return min(found, key=lambda w: (text.find(w), -len(w))) if found else None

    def starts(self, cls: str, at: int) -> bool:
        return any(self.folded.startswith(w, at) for w in self.lex.phrases(cls))

    def give(self, a: Found[AliasDef], role: str, via: str, *, keep: bool = False) -> None:
        if keep:
            self.roles.setdefault(a.start, (a, role, via))
        else:
            self.roles[a.start] = (a, role, via)


def cjk_frames(sc: Scan, lex: Lexicon, span: tuple[int, int], ctx: Ctx, doubts: dict[int, str]) -> list[Frame]:
    text, folded = sc.text, sc.folded
    out: list[Frame] = []
    clauses = join_gapped(split_clauses(text, span), text, sc.money)
    compared = [m.span() for m in _COMPARED.finditer(folded, span[0], span[1])]
    first_names = [a for a in sc.aliases if clauses and clauses[0][0] <= a.start < clauses[0][1]
                   and not labelled(sc, lex, a.start, a.end) and not any(s < a.start < e for s, e in compared)]
    topic = first_names[0] if first_names and not time_clause(sc, lex, first_names[0].end, span[1]) else None
    # "摩尔线程，科创板IPO获受理"; not "继黑芝麻智能…递表后，晶泰…"
    snippet = text[span[0]:span[1]].strip()[:300]
    parts = _parts(sc.folded, span)
    # a sentence that opens with another company the lexicon knows ("寒武纪公告称，…拟募资…"): its
    # capital events are that company's own, not the story's
    opener = folded[span[0]:span[1]].lstrip(" 【[「“\"'")
    other_opens = any(opener.startswith(k) for k in lex.names) and not any(
        a.start - span[0] <= len(folded[span[0]:span[1]]) - len(opener) + 1 for a in sc.aliases
        if span[0] <= a.start < span[1])
    carried: str | None = None  # the history of the clause before, for a clause that goes on with its event
    for cs, ce in clauses:
        told = carried
        carried = None
        part = next((p for p in parts if p[0] <= cs < p[1]), span)  # a denial speaks for its own part
        modality = "denial" if sc.cue_spans("denial_cue", part[0], part[1]) else (
            "speculation" if sc.cue_spans("speculation_cue", part[0], part[1]) else "fact")
        names = [a for a in sc.aliases if cs <= a.start < ce]
        for t in sc.triggers:
            entry = t.what
            assert isinstance(entry, TriggerEntry)
            d = entry.defn
            if not (cs <= t.start < ce) or (d.lang == "en" and not has_cjk(folded[cs:ce])):
                continue
            near = 2 if d.lang == "ja" else 8  # "1700億ウォンを調達"; Korean words stand apart: "8억 위안을 유치"
            if d.needs == "money" and not any(cs <= m[0] and t.start - near <= m[1] <= t.start for m in sc.money):
                continue  # the sum comes just before the verb
            c = Clause(sc, lex, cs, ce, t, names, topic)
            if not _READERS[d.frame](c, entry):
                continue
            bg = background(c, d.kind, ctx.today)
            if bg is None and told and d.kind in _CAPITAL and not names and not _own_time(c):
                # "公司去年底完成D轮融资，估值约26亿美元": a clause with no name and no time of its own
                # goes on with the clause before it, the round's valuation or the listing's proceeds
                bg = f"{told} (the clause before)"
            elif bg is not None and d.kind in _CAPITAL and _past_time(c, ctx.today):
                carried = bg  # (a time, not any history: "累计", "一度" date nothing)
            news = bool(sc.cue_spans("news_marker", cs, ce))

            # a question speaks for its own clause: "…上市引爆狂欢，谁在赚钱？" states the listing
            question = ctx.question and bool(re.search(r"[?？]\s*$", folded[cs:ce]))
            stage = d.stage or ("talks" if d.kind == "funding" and _sought(c) else None)
            if stage == "listing" and any(w in folded[max(cs, t.start - 6):t.start] for w in lex.phrases("aim_verb")):
                stage = None  # "拼港股挂牌": the listing it aims at, not one that happened
            stage = _step_word(lex, folded, d.kind, stage, t.end, cs, ce)
            amount = next((text[m[0]:m[1]] for m in sc.money
                           if cs <= m[0] < ce and (d.kind == "valuation") == _valued(folded, m)
                           and not _sum_of_other(sc, t, m, ce, listed=stage in ("listing", "pricing"))), None)
            negated = modality == "fact" and _ZH_NEGATED.search(folded, max(cs, t.start - 6), t.start) is not None
            base = Frame(kind=d.kind, stage=stage, trigger=text[t.start:t.end], company=-1, alias="", role="",
                         via="", counterparty=c.counter, amount=amount, field=ctx.field, sentence=ctx.sentence,
                         snippet=snippet, tail=text[t.start:span[1]][:160], before=text[span[0]:t.start][-80:],
                         clause="main", question=question,
                         background=bg, modality="not_yet" if negated else modality,
                         customer=c.customer, rule=entry.rule, news=news)
            for a, role, via in c.roles.values():
                mod = modifier(c, a) if a.end <= t.start else None
                if mod and role != "investor":
                    role, via = "modifier", mod
                elif a.start >= t.end and c.has("list_marker", a.end, a.end + 12):
                    role, via = "bystander", "one of a list (…等)"  # "竞争加剧：壁仞、沐曦等企业"
                elif a.end <= t.start and c.has("peer_marker", a.end, a.end + 6):
                    role, via = "bystander", "a peer (…等同业)"  # "摩尔线程、沐曦等同业陆续登陆资本市场"
                elif a.end <= t.start and folded[max(cs, _list_around(c, a)[0].start - 4):_list_around(c, a)[0].start] \
                        .endswith(tuple(lex.phrases("bystander_cue"))):
                    role, via = "bystander", "a peer (同行…)"  # "同行摩尔线程、沐曦已相继上市"
                elif a.end <= t.start and c.has("example_marker", a.end, a.end + 4):
                    role, via = "bystander", "an example of a kind (…같은)"  # "리벨리온 같은 대어의 상장"
                elif any(m.start() < a.start < m.end() for m in _COMPARED.finditer(folded, cs, ce)):
                    role, via = "bystander", "a point of comparison (与…不同)"  # "与摩尔线程、沐曦等…的同行不同"
                elif c.starts("alongside_marker", a.end):
                    role, via = "bystander", "alongside (…와 함께)"  # "리벨리온과 함께 … 이끄는 퓨리오사AI"
                elif c.starts("follow_marker", a.end):
                    role, via = "bystander", "the one followed (…에 이어)"  # "퓨리오사AI에 이어 … 유니콘 후보"
                own = next((text[m[0]:m[1]] for m in sc.money if a.end <= m[0] <= a.end + 3 and m[1] <= ce
                            and (d.kind == "valuation") == _valued(folded, m)), None)
                out.append(replace(base, company=a.what.company, alias=text[a.start:a.end], role=role, via=via,
                                   doubt=doubts.get(a.start), amount=own or base.amount))  # "딥엑스에 20억원"
            # (not when the sentence names the story's company only after the trigger: "智谱完成新一轮融资
            # 推理集群大规模采用天数智芯GPU" tells someone else's round, the company being its supplier)
            later = [a for a in sc.aliases if a.what.company == ctx.topic and span[0] <= a.start < span[1]]
            if not c.roles and ctx.topic >= 0 and not names and d.frame in _TOPIC_ROLE \
                    and not (later and all(a.start > t.start for a in later)) \
                    and not _own_subject(folded[cs:t.start]) and not _zh_own_subject(c) \
                    and not c.has("group_subject", cs, t.start) \
                    and not (other_opens and d.kind in _CAPITAL):  # "其投资的两家GPU公司…登陆科创板": several
                out.append(replace(base, company=ctx.topic, role=_TOPIC_ROLE[d.frame], via="the company of the story",
                                   doubt=ctx.topic_doubt))
    return dedupe(out)


_CAPITAL = ("funding", "valuation", "ipo")
# Chinese: a step not (yet) taken, by the verb before it ("暂未安排上会", "尚未上市的燧原"); not 未来 (the
# future), 未经 (without) or 未知, nor a word not said ("未披露融资金额": the round is told, its sum not),
# nor 并未 ("并未买下Groq，而是…授权": what the deal is not, beside what it is)
_ZH_NEGATED = re.compile(r"(?:(?:尚|暂|还|仍)?(?<!并)未(?![来经知])(?:(?!披露|透露|公开|公布|说明|提及|提到|涉及)"
                         r"[\u4e00-\u9fff]{2})?|没有)\s?$")


def _own_time(c: Clause) -> bool:
    """The clause says when, or that it is news: a year or month, or a news marker."""
    return bool(_CJK_YEAR.search(c.folded, c.start, c.end) or _THIS_YEAR_MONTH.search(c.folded, c.start, c.end)
                or c.has("news_marker", c.start, c.end) or c.has("background_cue", c.start, c.end))


def _past_time(c: Clause, today: tuple[int, int]) -> bool:
    """The clause dates its event in the past: a year or month before `today`, or a past time word."""
    return bool(any(before((int(m.group(1)), int(m.group(2) or 0)), today)
                    for m in _CJK_YEAR.finditer(c.folded, c.start, c.end))
                or c.has("past_time", c.start, c.end))


def _sought(c: Clause) -> bool:
    """"900억 규모 시리즈C 투자유치 추진", "拟融资", "調達を目指す": a round being sought, its sum a target."""
    t = c.trig
    if c.folded.startswith("へ", t.end) and not c.folded.startswith("へと", t.end):
        return True  # "追加調達へ": toward raising
    return bool(c.has("sought_after", t.end, min(c.end, t.end + 8))
                or c.has("sought_before", max(c.start, t.start - 4), t.start))


def join_gapped(clauses: list[tuple[int, int]], text: str, money: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pure: Korean conjuncts that share the last one's verb are one clause. "A에 100억원, B에
    20억원, C에 50억원을 투자했다": a Korean clause that ends in a sum with nothing after it has lost
    its verb to the next one (gapping), so it joins it; so does a clause that is only a time."""
    out: list[tuple[int, int]] = []
    for cs, ce in clauses:
        if out and (_gapped(text, out[-1], money) or _TIME_ONLY.fullmatch(text, out[-1][0], out[-1][1])):
            out[-1] = (out[-1][0], ce)  # (also a time set before the clause it dates: "去年12月，英伟达…")
        else:
            out.append((cs, ce))
    return out


# a clause that is only a time ("去年12月，", "2024年3月,", "지난해 12월,"): it dates the clause after it
_TIME_ONLY = re.compile(r"\s*(?:(?:(?:19|20)\d\d\s?[年년]|去年|今年|昨年|지난해|올해|작년)\s?)?\d{1,2}\s?[月월]"
                        r"(?:份|底|初|中|末)?(?:\s?\d{1,2}\s?[日号일])?\s?[，,]\s*")


def _gapped(text: str, clause: tuple[int, int], money: list[tuple[int, int]]) -> bool:
    body = text[clause[0]:clause[1]].rstrip(" ,，;；")
    end = clause[0] + len(body)
    return bool(HANGUL.search(body)) and any(clause[0] <= m[0] and m[1] == end for m in money)


# ----------------------------------------------------------------------------- roles, by frame type
def _transfer(c: Clause, entry: TriggerEntry) -> bool:
    """"英伟达收购Groq" (buyer left, target right); "Groq被英伟达收购" (被: the left name is the target);
    出售 / 卖给: the left name is sold."""
    t, d = c.trig, entry.defn
    if c.folded[t.start:t.end].endswith("对") and not any(
            t.end <= u.start < c.end and isinstance(u.what, TriggerEntry) and u.what.defn.frame == "transfer"
            for u in c.sc.triggers):
        return False  # "完成对X的收购" buys X; "完成对DeepSeek-V3.1的适配" adapts to it: no deal word follows
    if c.left:
        a = c.left[-1]
        passive = c.has("passive_marker", a.end, t.start) is not None
        partner = None if passive or d.frame != "transfer" else _talks_partner(c, a.start)
        between = c.folded[a.end:t.start].strip()
        if not passive and d.frame == "transfer" and c.lex.has("cjk_asset", between.rstrip("をの")):
            # "Groqの技術を買収", "Groq的核心资产": what the company owns changes hands
            c.give(a, "target", f"its assets ({c.sc.text[a.end:t.start].strip()})")
            c.counter = _agent(c)
            return True
        if not passive and d.frame == "transfer" and d.lang == "ja":
            bare = between.lstrip(")）」』\"'”’ ")
            if bare.startswith("の") and "を" in bare and "が" not in bare:  # not past a subject of its own
                # "EnfabricaのCEOとエンジニアチームを…獲得": what the company owns (its people, its assets)
                c.give(a, "team" if c.has("team_noun", a.end, t.start) else "target", "its … (の…を)")
                c.counter = _agent(c)
                return True
            if bare in ("", "を", "との"):
                # "ソフトバンク、Graphcore買収", "グラフコア（Graphcore）を買収", "SambaNovaとの買収交渉": a
                # Japanese name right before the verb noun, marked by を or dealt with (との), is what is
                # bought; the buyer takes が, は or a comma
                c.give(a, "target", "with (との)" if bare == "との" else "object (を)" if bare else "object (…買収)")
                c.counter = _agent(c)
                return True
        if not passive and d.frame == "transfer" and (between.startswith("を") or between in ("の", "の全")):
            # "ソフトバンクGがアンペアを子会社化": を marks what is bought; "Ampereの全持分を…取得": its stake
            c.give(a, "target", "object (を)" if between.startswith("を") else "its stake (の)")
            c.counter = _agent(c)
            return True
        gap = c.folded[a.end:t.start].strip(" '’‘\"“”)）」』")  # "그록(Groq)의 자산을": past the bracket
        tail = c.has("name_tail", a.end, t.start)
        if tail and gap.startswith(tail):
            gap = gap[len(tail):].strip()  # "삼바노바 시스템즈 인수": the rest of the company's name
        ko_partner = _korean_partner(c, gap) if not passive and d.frame == "transfer" else None
        if ko_partner:  # "퓨리오사AI가 메타와 인수 협상": talks with a buyer the lexicon knows
            c.give(a, "target", "with (와/과)")
            c.counter = ko_partner
            return True
        if HANGUL.search(c.folded, t.start, t.end):
            # "암페어컴퓨팅 9조원대 인수", "암페어 컴퓨팅 65억 달러 인수": the sum is no word between
            gap = re.sub(r"^(?:\S*\d\S*\s*)+(?:달러|원|위안|엔|유로)?(?:\s?규모)?\s*", "", gap)
        if not passive and d.frame == "transfer" and HANGUL.search(c.folded, t.start, t.end) \
                and (not gap or gap[:1] in ("을", "를", "의")):
            c.give(a, "target", "object (을/를)")  # "오픈AI가 세레브라스 인수를 검토": the name before 인수 is bought
            c.counter = _korean_buyer(c)
            if gap.startswith("의") and (won := c.has("product_noun", a.end, t.start)):
                c.customer = f"buys its {won}"  # "세레브라스 시스템즈의 … 연산 능력을 … 사들이기로": its products
            return True
        if partner:  # "英特尔与SambaNova展开收购谈判": talks with the startup are talks to buy it
            c.give(a, "target", "with (与)")
            c.counter = partner
            return True
        if not passive and d.frame == "transfer" and re.match(r"\s?(?:から|より|로부터|에게서)", between):
            c.give(a, "seller", "from (から, 로부터)")  # "Cerebrasから購入する計算能力": bought from it, not it
            c.customer = "buys from the company, not the company"
            return True
        bidder = _bidder_between(c, a.end) if not passive and d.frame == "transfer" else None
        if bidder:  # "FuriosaAI拒绝Meta 8亿美元收购要约": another company's offer for the startup
            c.give(a, "target", "another company's offer")
            c.counter = bidder
            return True
        c.give(a, "target" if passive or d.frame == "sale" else "acquirer", "subject")
        if passive:
            agents = [b for b in c.left if b.start > a.end]
            c.counter = c.sc.text[agents[0].start:agents[0].end] if agents else _agent(c, _after_passive(c, a.end))
    if c.right:
        a = c.right[0]
        if c.starts("team_noun", a.end):
            c.give(a, "team", "object")
        else:
            c.give(a, "target" if d.frame == "transfer" else "buyer", "object")
    if c.counter is None and d.frame == "transfer" and (c.right or c.left and _object_marker(c)):
        c.counter = _agent(c)  # "英伟达200亿美元收购Groq", "软银完成对Ampere的收购": the buyer opens the clause
    if c.counter is None and d.frame == "transfer" and HANGUL.search(c.folded, t.start, t.end):
        c.counter = _korean_buyer(c)  # "퓨리오사AI, 메타 인수 제안 거절"
    if not c.right and _product_right(c) and c.has("zh_company_noun", t.end, c.end) is None:
        c.customer = "sells or buys products"
    prop = c.has("property_noun", max(c.start, t.start - 8), min(c.end, t.end + 10))
    if prop and d.frame == "transfer":
        c.customer = f"buys property ({prop}), not a company"  # "收购上海一栋研发楼", "사옥 건물 인수"
    won = c.has("customer_object", t.end, c.end)
    if won and d.frame == "transfer":
        c.customer = f"wins or buys a customer's {won}"  # "拿下中国移动…订单"
    return True


# A step told by a word in the trigger's clause, in this order: (kinds, the stages it may replace, the
# lexicon class, how far after the trigger it may stand (None: anywhere in the clause), the step)
_DEAL_KINDS = ("acquisition", "sale", "merger")
_STEP_WORDS: tuple[tuple[tuple[str, ...], tuple[str | None, ...], str, int | None, str], ...] = (
    # "FuriosaAI拒绝Meta 8亿美元收购要约", "메타의 인수 제안 거절": an offer turned down
    (_DEAL_KINDS, (None,), "reject_verb", None, "rejected"),
    # "SambaNova買収へ詰めの協議", "인수 협상": still being negotiated
    (_DEAL_KINDS, (None,), "talks_word", 12, "talks"),
    # "메타와 더 이상 인수 협상을 하지 않기로", "買収交渉を打ち切り": off
    (_DEAL_KINDS, (None, "talks"), "end_word", 16, "called-off"),
    # "上市再度推迟", "掛牌又卡關", "IPO、さらに延期": put off
    (("ipo",), (None, "listing"), "delay_word", 6, "postponement"),
    # "米IPO申請を取り下げ", "상장 신청을 철회": given up
    (("ipo",), (None, "listing", "filing"), "withdraw_word", 12, "withdrawal"),
)


def _step_word(lex: Lexicon, folded: str, kind: str, stage: str | None, after: int, cs: int, ce: int) -> str | None:
    """The stage once the step words of the trigger's clause are read (_STEP_WORDS)."""
    for kinds, replaces, cls, reach, step in _STEP_WORDS:
        if kind in kinds and stage in replaces:
            where = folded[cs:ce] if reach is None else folded[after:min(ce, after + reach)]
            if any(w in where for w in lex.phrases(cls)):
                stage = step
    return stage


# what ends the name that opens a clause: a figure, a verb or adverb of the deal, a preposition, a
# report's 传 ("英特爾傳洽購": Intel, reportedly, is in talks)
_AGENT_END = re.compile(r"\d|は|が|宣布|完成|拟|将|以|斥资|出资|已|正|计划|同意|对|与|和|向|从|再|又|也|获|于|在|"
                        r"今|昨|或|欲|"
                        r"传(?=将|拟|欲|有意|正|已|以|斥|与|和|对|$)|"
                        r"日前|近日|收购|并购|买下|入股|投资|领投|控股|豪掷|的|，|,|、|：|:|\s")


_KO_WORD = re.compile(r"([^\s,，、·…'’‘\"“”()]{2,12}?)(?:의|가|이|은|는)?$")
_KO_SUBJECT = re.compile(r"^\s*([^\s,，、·…'’‘\"“”()]{2,12}?)(?:가|이|은|는)\s")
# a headline that opens on a name and a comma ("소프트뱅크, 암페어컴퓨팅 … 인수"): the clause before is its subject
_KO_TOPIC_COMMA = re.compile(r"^\s*([^\s,，、·…'’‘\"“”()]{2,12}?)\s?[,，]\s*$")


def _korean_buyer(c: Clause) -> str | None:
    """The buyer in Korean, when the lexicon knows the company ([names]): the word right before 인수
    ("메타 인수 제안", "메타의 인수 제안"), else the clause's subject ("오픈AI가 세레브라스 인수를 검토").
    Korean has no word classes here, so an unknown word ("더 이상 인수") is never taken for one."""
    before = c.folded[c.start:c.trig.start].rstrip()
    while (last := re.search(r"\s*\S*\d\S*$", before)) and last.start() > 0:
        before = before[:last.start()]  # "메타 1조원대 인수": the sum is no name
    for m in (_KO_WORD.search(before), _KO_SUBJECT.match(before)):
        if m is not None:
            word = c.sc.text[c.start + m.start(1):c.start + m.end(1)]
            if c.lex.latin_name(word) != word:
                return word
    if (m := _KO_TOPIC_COMMA.match(c.folded[:c.start])) is not None:
        word = c.sc.text[m.start(1):m.end(1)]
        if c.lex.latin_name(word) != word:
            return word
    return None


_LATIN_NAME = re.compile(r"(?<![A-Za-z])([A-Z][A-Za-z0-9&.-]+(?: [A-Z][A-Za-z0-9&.-]+)?)")


def _bidder_between(c: Clause, at: int) -> str | None:
    """Another company named between a watched name and the deal word ("FuriosaAI拒绝Meta 8亿美元收购",
    "黑芝麻智能获英伟达收购要约"): a Latin-script name, or one the lexicon knows ([names])."""
    gap = c.sc.text[at:c.trig.start]
    if any(at <= b.start < c.trig.start for b in c.names) or not has_cjk(gap):
        return None
    for m in _LATIN_NAME.finditer(gap):
        name, before = m.group(1), gap[:m.start()].rstrip()
        if before.endswith("对"):  # "完成对Zeta3 Labs的收购": what it buys
            break
        if before.endswith((".", "(", "（")) or before[-1:].isdigit() or c.lex.classes(name.lower()) \
                or len(name) < 3 or name.isupper() and len(name) == 3 and name.endswith("PU"):
            continue  # a stock code ("(02533.HK)"), a chip acronym (GPU, NPU), a word the lexicon knows
        return name
    folded = c.folded[at:c.trig.start]
    found = min(((folded.find(k), k) for k in c.lex.names if has_cjk(k) and k in folded), default=None)
    return c.sc.text[at + found[0]:at + found[0] + len(found[1])] if found else None


def _korean_partner(c: Clause, gap: str) -> str | None:
    """"X가 메타와 (더 이상) 인수 협상": the known company X deals with ("와"/"과") is the buyer."""
    if not HANGUL.search(c.folded, c.trig.start, c.trig.end):
        return None
    for m in re.finditer(r"([^\s,，、·…'’‘\"“”()]{2,12}?)(?:와|과)\s", gap):
        if c.lex.latin_name(m.group(1)) != m.group(1):
            return m.group(1)
    return None


def _talks_partner(c: Clause, at: int) -> str | None:
    """The company that deals "with" (与, 和, 同, 跟) the watched name at `at`, named just before
    the marker ("彭博：英特尔与AI芯片新创SambaNova展开收购谈判" -> "英特尔"), or None."""
    marks = list(re.finditer(r"[与和同跟]", c.folded[c.start:at]))
    if not marks:
        return None
    cut = c.start + marks[-1].start()
    start = max((c.start + x.end() for x in re.finditer(r"[：:，,、\s]", c.folded[c.start:cut])), default=c.start)
    if not 2 <= cut - start <= 12 or any(start <= a.start < cut for a in c.names) \
            or _AGENT_END.search(c.folded, start, cut):
        return None
    return c.sc.text[start:cut].strip() or None


def _after_passive(c: Clause, at: int) -> int:
    """Where the agent after 被 starts ("Groq被英伟达收购")."""
    for w in sorted(c.lex.phrases("passive_marker"), key=len, reverse=True):
        i = c.folded.find(w, at, c.trig.start)
        if i >= 0:
            return i + len(w)
    return c.trig.start


def _agent(c: Clause, start: int | None = None) -> str | None:
    """The name that opens a clause (or follows 被) when it is no watched company ("英伟达" in
    "英伟达200亿美元收购Groq"), or None."""
    start = c.start if start is None else start
    label = c.folded.rfind("】", start, c.trig.start)  # "【速報】インテル、…買収": past a headline's label
    start = label + 1 if label >= 0 else start
    while start < c.trig.start and c.folded[start] in " 　\"'“”‘’《》【】[]":
        start += 1
    m = _AGENT_END.search(c.folded, start, c.trig.start)
    end = m.start() if m else c.trig.start
    if not 2 <= end - start <= 12 or any(start <= a.start < end for a in c.names):
        return None
    return c.sc.text[start:end].strip() or None


_JA_SUBJECT = re.compile(r"(?:^|[、，,\s])([A-Za-z][\w.&-]{1,19}|[ァ-ヴー・]{2,12})(?:は|が)")


def _ja_subject(c: Clause) -> str | None:
    """The company a Japanese clause is about before the trigger, written in Latin letters or
    katakana and marked は or が ("NVIDIAは", "エヌビディアが"), when it is no watched company."""
    text = c.sc.text
    found = None
    for m in _JA_SUBJECT.finditer(text, c.start, c.trig.start):
        if not any(m.start(1) <= a.start < m.end(1) for a in c.names):
            found = m.group(1)
    return c.lex.latin_name(found) if found else None


def _object_marker(c: Clause) -> bool:
    """"对Ampere的收购": the watched name on the left is what is bought."""
    a = c.left[-1]
    return c.folded[max(c.start, a.start - 1):a.start] == "对"


_LEAD_INVESTOR = re.compile(r"由([^，,。；;、\s]{2,16}?)(?:领投|牵头|独家投资)")


def _parts(folded: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """A sentence cut at semicolons: "Groq宣布达成授权协议；一度传出收购…但黄仁勋否认" denies only the second."""
    out, s = [], span[0]
    for m in re.finditer(r"[；;]", folded[span[0]:span[1]]):
        out.append((s, span[0] + m.end()))
        s = span[0] + m.end()
    out.append((s, span[1]))
    return out


def _product_right(c: Clause) -> bool:
    """A product noun within a few characters after the trigger ("出售芯片")."""
    window = c.folded[c.trig.end:c.trig.end + 8]
    return any(0 <= window.find(w) <= 4 for w in c.lex.phrases("product_noun")) and not re.match(
        r"[，,。]", window)


def _merger(c: Clause, entry: TriggerEntry) -> bool:
    for a in c.names:
        c.give(a, "party", "named")
    return True


# (on folded text: the Japanese 価 and 値 have no simplified form to fold to, "評価額" -> "评価额")
_VALUED_BEFORE = re.compile(r"(?:估值|企业[价価][值値]|评[价価]额|기업가치|가치)"
                            r"(?:达到?|为|约|超过?|升至|逾|は|는|은|가|이)?\s*(?:约|近|약)?\s*$")
_VALUED_AFTER = re.compile(r"\s*(?:的)?(?:估值|기업가치|의 기업가치|の企业[价価][值値]|の评[价価])")


# right after a listing word: the listing is the means of what follows ("香港IPOで最大1037億円を調達")
_BY_MEANS = re.compile(r"\s?(?:で|を通じ|を通して|를 통해|을 통해|으로|로\s|通过)")


def _sum_of_other(sc: Scan, t: Found[TriggerEntry], m: tuple[int, int], end: int, listed: bool = False) -> bool:
    """Is the sum at m a deal's while the trigger is a raise's or a listing's, or the other way
    round, because the other's trigger follows it within a few characters ("인수 협상 교착…삼바노바,
    최대 5억 달러 신규 투자 유치": the sum is the raise's, not the takeover's)? CJK puts a sum before its
    verb; a trigger right before the sum names it ("기업가치 1조원")."""
    if t.end <= m[0] <= t.end + 8:
        return False
    after = [o.start for o in sc.triggers if m[1] <= o.start <= min(m[1] + 12, end)]  # "5억 달러 규모의 신규 투자"
    if not after:
        return False
    deal = FAMILY.get(t.what.defn.kind) == "deal"
    if t.what.defn.kind == "ipo" and not listed and not _BY_MEANS.match(sc.folded, t.end):
        # "IPO申請を取り下げ　直前に11億ドル調達": the round's sum, not the listing's (but on the day it lists,
        # "상장했다 … 42억위안을 조달": what the listing raised)
        return all(o.what.defn.kind == "funding" for o in sc.triggers if o.start == min(after))
    return all((FAMILY.get(o.what.defn.kind) == "deal") != deal for o in sc.triggers if o.start == min(after))


def _valued(folded: str, m: tuple[int, int]) -> bool:
    """Is the sum at m a valuation ("曾估值50亿美元", "企業価値は約26億ドル", "2조원의 기업가치"),
    not the amount of the event?"""
    return bool(_VALUED_BEFORE.search(folded, max(0, m[0] - 12), m[0]) or _VALUED_AFTER.match(folded, m[1]))


def _hire(c: Clause, entry: TriggerEntry) -> bool:
    """"收编Groq团队", "Groq团队加入英伟达": a name followed by a team word; in Korean the team may
    follow a few words on ("그록의 기술과 인력을 확보": its technology and its people)."""
    korean = HANGUL.search(c.folded, c.trig.start, c.trig.end) is not None
    if entry.defn.pos == "noun" and c.right and not c.left:
        c.give(c.right[0], "team", "object of the acqui-hire")  # "豪掷逾9亿美元acqui-hire Enfabrica"
    if c.left and c.has("team_noun", c.trig.start, c.trig.end):
        c.give(c.left[-1], "team", "its people (…人材を譲渡)")  # "エンファブリカ、…に技術と人材を譲渡"
    for a in c.right + c.left:
        if c.starts("team_noun", a.end):
            c.give(a, "team", "object")
        elif c.folded.startswith("の", a.end) and c.starts("team_noun", a.end + 1):
            c.give(a, "team", "its people (のCEOと…)")  # "エンファブリカのCEOと技術者を…迎え入れ"
        elif korean and a.end <= c.trig.start and c.has("team_noun", a.end, min(c.trig.start, a.end + 16)):
            c.give(a, "team", "object (…의 인력)")
    return True


def _licence(c: Clause, entry: TriggerEntry) -> bool:
    """"X将技术授权给Y" (X licensor), "X获得Arm授权" (X licensee), "Y获X授权" (X licensor)."""
    t, d = c.trig, entry.defn
    if d.pos == "verb" and c.has("ip_noun", c.start, c.end) is None:
        return False  # 授权 a distributor, 许可 a permit: no technology changes hands
    # "获得Arm授权", and the Japanese noun that holds its own verb ("ライセンス取得"); a licence brought in
    # ("Arm IP 라이선스 도입", "ライセンス導入") is taken, not given
    # ("…IP的授权客户": the licence's customer)
    obtain = c.has("obtain_verb", max(c.start, t.start - 6), t.end) is not None \
        or c.folded[t.end:t.end + 4].lstrip(" を를을").startswith(("도입", "导入", "客户"))
    # "地平线机器人已签署授权协议，将在…芯片中采用Arm最新的CPU核心": the sentence goes on to adopt an IP
    # vendor's design, so the licence is taken in
    rest = c.folded[t.end:c.folded.find("。", t.end) if "。" in c.folded[t.end:] else len(c.folded)]
    adopts = _adopts_vendor(c, rest, "adopt_verb") \
        or _adopts_vendor(c, c.folded[c.start:t.start], "built_on")  # "…基于Arm车规IP授权"
    obtain = obtain or adopts
    if c.left:
        a = c.left[-1]
        # "Tenstorrent获得Arm授权", "爱芯元智宣布获得Arm…IP授权": an obtain verb between the name and the
        # licence makes the name the one that takes it
        # ("摩尔线程已签约授权使用其…IP": licensed to use another's IP)
        between = c.has("obtain_verb", a.end, t.start) is not None or c.folded.startswith("使用", t.end) \
            or _others_ip(c, a.end) or adopts
        obtain = obtain or between
        gets = between or d.lang == "ja" and c.folded[a.end:a.end + 1] in ("が", "は", "、", ",") \
            or c.folded.startswith("客户", t.end)  # "地平线成为其…IP的授权客户": the customer of the licence
        if obtain and not gets:
            c.give(a, "licensor", "named")
        else:
            c.give(a, "licensee" if obtain else "licensor", "subject")
    for a in c.right:
        if c.has("to_marker", t.start, a.start):
            c.give(a, "licensee", "to")
        else:
            c.give(a, "licensor", "object", keep=True)
    if not c.left and not c.right and c.topic is not None:
        # "텐스토렌트, 日 LSTC에 … IP 라이선스": the headline's subject before the comma licenses; one
        # that gets an IP vendor's licence takes it in ("武当C1200芯片获得Arm车规级IP授权")
        vendor = any(c.lex.has("ip_vendor", w) for w in re.findall(r"[a-z][a-z0-9]*", c.folded[c.start:t.start]))
        taken = obtain or vendor and c.has("obtain_verb", c.start, t.start) is not None
        c.give(c.topic, "licensee" if taken else "licensor", "topic")
    if c.counter is None and any(role == "licensor" for _, role, _ in c.roles.values()):
        c.counter = _ja_subject(c)  # "NVIDIAはGroqと…ライセンス契約を締結": the licensee, marked は/が
    return True


def _adopts_vendor(c: Clause, text: str, cls: str) -> bool:
    """Does `text` name an IP vendor right after a word of `cls` ("采用Arm最新的CPU核心", "基于Arm车规IP")?"""
    for w in c.lex.phrases(cls):
        at = text.find(w)
        while at >= 0:
            if any(c.lex.has("ip_vendor", v) for v in re.findall(r"[a-z][a-z0-9]*", text[at + len(w):at + len(w) + 8])):
                return True
            at = text.find(w, at + 1)
    return False


def _others_ip(c: Clause, at: int) -> bool:
    """"SiMa.ai、次世代SoCにArmのCPUのIPをライセンス", "리벨리온, Arm의 CSS 라이선스": a company the
    lexicon knows owns (の/의/的) what is licensed, between the watched name and the trigger: the
    watched company takes someone else's IP in."""
    gap = c.folded[at:c.trig.start]
    for m in re.finditer(r"([a-z][a-z0-9&.-]*|[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]{2,8})(?:の|의|的)", gap):
        word = c.sc.text[at + m.start(1):at + m.end(1)]
        if c.lex.latin_name(word) != word or c.lex.has("ip_vendor", word.lower()):
            return True
    return False


def _own(c: Clause, entry: TriggerEntry) -> bool:
    """"摩尔线程完成融资", "沐曦科创板IPO获受理": the name before the trigger, else the sentence's
    topic; "领投"/"投资" after an earlier name makes that one an investor."""
    t, d = c.trig, entry.defn
    role = "recipient" if d.frame == "raise" else "issuer"
    if d.frame == "raise":
        stop = c.folded.find("。", c.start)
        m = _LEAD_INVESTOR.search(c.folded, c.start, stop if stop >= 0 else len(c.folded))
        c.counter = c.sc.text[m.start(1):m.end(1)] if m else None  # "由红杉中国领投": the lead investor
    left = c.left
    if d.frame == "raise":
        for a in [a for a in left if c.starts("source_particle", a.end)]:
            c.give(a, "investor", "from (…로부터)")  # "텐스토렌트로부터 수주를 확보한 뒤 투자 유치": not the one funded
        left = [a for a in left if not c.starts("source_particle", a.end)]
    if left and _in_ko_relative(c, left[-1]):
        # "텐스토렌트 등에 투자해 온 삼성 카탈리스트펀드가 … 시리즈B에 참여": the name sits in a clause
        # that describes someone else, who is the one the round belongs to
        c.give(left[-1], "modifier", "in a relative clause (…온, …쓰는 + someone else)")
        left = []
    if left and d.frame == "raise" and c.folded[t.start:t.end] == "出资" and not KANA.search(c.folded, c.start, c.end) \
            and re.fullmatch(r"\s?(?:拟|将|计划|宣布|公告|以)?\s?", c.folded[left[-1].end:t.start]):
        c.give(left[-1], "investor", "subject (…出资: it puts money in)")  # "沐曦拟出资2亿元作为有限合伙人"
        return True
    if left and c.lex.has("owner_before", c.folded[t.start:t.end]) \
            and c.folded[left[-1].end:t.start].strip(" '’‘\"“”") not in ("", "의"):
        return True  # "메타X 상장 흥행에 국내 팹리스 몸값 들썩": the word before 몸값 is whose it is
    if left:
        a = left[-1]
        c.give(a, role, "subject")
        if d.kind == "ipo" and (c.has("product_noun", a.end, t.start) or c.has("on_sale_noun", a.end, t.start)) \
                and not c.has("stock_word", a.end, t.start):
            # (a car carrying its system: "搭载地平线HSD的车型上市")
            c.customer = "a product going on sale (…产品上市)"
        elif d.kind == "ipo" and _MODEL_BEFORE.search(c.folded, a.end, t.start):
            c.customer = "a product going on sale (M100…上市)"  # "昆仑芯路线图曝光：M100明年初上市": a model launches
        if d.frame == "raise":
            for b in left[:-1]:
                if c.has("investor_word", b.end, b.end + 6):
                    c.give(b, "investor", "named")
    elif c.topic is not None and not c.right and all(a.start != c.topic.start for a in c.left) \
            and not _KO_TOPIC_OPENS.match(c.folded, c.start, t.start):
        # (not a Korean clause opening with a topic of its own: "…가운데, 모빌린트는 내년 코스닥 상장을 목표로")
        c.give(c.topic, role, "topic")
        if d.kind == "ipo" and c.has("on_sale_noun", c.start, t.start):
            c.customer = "a product going on sale (…车型…上市)"  # "搭载车型年内上市"
        elif d.kind == "ipo" and _MODEL_BEFORE.search(c.folded, c.start, t.start):
            c.customer = "a product going on sale (M100…上市)"  # "M100明年初上市": a model launches
    elif c.right and d.frame == "issuer" and not HANGUL.search(c.folded, t.start, t.end):
        a = c.right[0]  # (Korean puts the object before the verb: "상장…리벨리온 고객사" names someone else)
        if len(c.folded[t.end:a.start].strip()) <= 3:
            c.give(a, role, "object")
    elif c.right and d.frame == "raise" and c.folded[t.start:t.end] in ("增资", "注资") \
            and not c.folded[t.end:c.right[0].start].strip():
        c.give(c.right[0], role, "object (增资X)")  # "全资子公司拟2亿元增资瀚博半导体": money put into it
    return True


def _invest(c: Clause, entry: TriggerEntry) -> bool:
    """"领投沐曦" / "投资沐曦": the name after is funded, a name before invests; with capacity or
    compute in the sentence it is a customer's money ("豪掷百亿美元押注Cerebras…部署750MW")."""
    if c.right and not (HANGUL.search(c.folded, c.trig.start, c.trig.end) or entry.defn.lang == "ja") \
            and not c.starts("fund_noun", c.trig.end):
        c.give(c.right[0], "recipient", "object")  # (Korean and Japanese put the object before the verb)
        # (not "通过参投基金间接持有摩尔线程股权": the fund is what was invested in, the name what it holds)
    bought = c.sc.cue_spans("customer_cue", c.start, len(c.folded))
    if bought:
        c.customer = f"a customer's money ({c.sc.text[bought[0][0]:bought[0][1]]})"
    for a in c.left:
        if c.folded[max(c.start, a.start - 1):a.start] in ("向", "对", "给"):
            c.give(a, "recipient", "to (向)")  # "Benchmark向Cerebras投资2.25亿美元": 向 marks who is funded
            continue
        after = c.folded[a.end:c.trig.start].lstrip("'’‘\"“” ")
        if c.has("recipient_particle", a.end, a.end + 3) and not after.startswith("에서") and (
                after[:1] in ("에", "의") or after.startswith("에게")):
            c.give(a, "recipient", "object (에/의)")  # "삼성전자가 텐스토렌트에 … 투자": 에 marks who is funded
        elif HANGUL.search(c.folded, c.trig.start, c.trig.end) and not after.strip():
            c.give(a, "recipient", "object (…투자)")  # "'텐스토렌트' 투자": the investment in it
        elif entry.defn.pos == "noun" and not after.strip():
            c.give(a, "recipient", "its shares (…的特别股)")  # "取得Ayar Labs的特别股": paper it issued
        elif _KO_OWN_ROUND.match(after):
            c.give(a, "recipient", "its round (…가 진행한)")  # "텐스토렌트가 진행한 1억 달러 규모 투자 라운드에 참여"
        else:
            c.give(a, "investor", "subject", keep=True)
    if not any(role == "recipient" for _, role, _ in c.roles.values()):
        for a in venture_partners(c):
            c.give(a, "recipient", "a joint venture with it (与…合资)")
    return True


def venture_partners(c: Clause) -> list[Found[AliasDef]]:
    """"与地平线成立合资企业，投资约24亿欧元": money put into a joint venture the investor forms with
    a watched company earlier in the sentence is put in beside it; the partner is a name that a
    word of partnering comes next to (与/和 before it, と/와/과 after it) and a venture word follows."""
    folded = c.folded
    stop = max(folded.rfind(p, 0, c.trig.start) for p in "。！？!?")
    out = []
    for a in c.sc.aliases:
        if not stop < a.start < c.trig.start:
            continue
        ahead = folded[a.end:a.end + 16].split("。")[0]
        if not any(w in ahead for w in c.lex.phrases("venture_word")):
            continue
        if c.has("partner_before", max(stop + 1, a.start - 5), a.start) or c.starts("partner_after", a.end):
            out.append(a)
    return out



_READERS: dict[str, Callable[[Clause, TriggerEntry], bool]] = {
    "transfer": _transfer, "sale": _transfer, "merger": _merger, "hire": _hire, "licence": _licence,
    "raise": _own, "issuer": _own, "invest": _invest,
}


# ----------------------------------------------------------------------------- cues
def modifier(c: Clause, a: Found[AliasDef]) -> str | None:
    """A name before the trigger that belongs to something else: a label after it ("摩尔线程概念股"),
    a clause about another company ("红杉投资的沐曦", "前壁仞员工创办的"), "former" (前…)."""
    between = c.folded[a.end:c.trig.start]
    if any(between.startswith(w) for w in c.lex.phrases("zh_label")) \
            and not any(between.startswith(w) for w in c.lex.phrases("own_organ")):  # "…股东特别大会通过收购"
        return f"label ({between[:4]})"
    rel = between.split("的")[0] if "的" in between else ""
    if rel and "由" not in rel and any(v in rel for v in c.lex.phrases("zh_relative_verb")):
        # (not "Ayar Labs宣布完成由Advent领投的D轮融资": a clause with 由 tells who led the round)
        return "in a clause about another company (…的)"
    if c.folded[max(c.start, a.start - 1):a.start] in ("前", "元"):
        return "former (前…, 元…)"
    if between.startswith("的") and c.folded[max(0, a.start - 5):a.start].endswith(
            tuple(c.lex.phrases("worked_at"))):
        return "where its people worked (曾任职…的)"  # "由曾任职Cerebras的架构师创办的新创公司…募资"
    first, last = _list_around(c, a)
    if c.folded.startswith("的", last.end) and c.folded[max(0, first.start - 5):first.start].endswith(
            tuple(c.lex.phrases("backed_before"))):
        return "what an investor backed (曾押中…的)"  # "曾押中摩尔线程、沐曦的浦江芯火基金完成二期募资"
    # (also across a list: "리벨리온과 삼성전자 출신 엔지니어들이 세운 스타트업")
    reach = 16 if re.match(r"\s?(?:과|와|및|·|、|,|や|と|和|及)", between) else 6
    if any(w in between[:reach] for w in c.lex.phrases("alumni_word")):
        return "former staff (…元幹部, …출신)"  # "グラフコア元幹部が東京で新会社、…調達"
    if _JA_PERSON_FOUNDED.search(between):
        return "the past of a company's founder (…技術者が設立した)"
    return None


# Japanese: people, then the company they founded, between a name and the trigger ("米Groqで…を開発して
# いた技術者が東京で設立したスタートアップが…調達"): the name is where the founders worked (text folded)
_JA_PERSON_FOUNDED = re.compile(r"(?:技[术術]者|エンジニア|研究者|[开開][发發]者|[干幹]部|社[员員]|出身者|メンバー)"
                                r"(?:ら|たち)?が[^、。,，]{0,12}?(?:[设設]立|[创創][业業]|立ち上げ|起[业業])した")


_KO_JA_SUBJECT = re.compile(r"([가-힣A-Za-z0-9ァ-ヿ一-鿿]{2,})(?:이|가|は|が)(?=[\s、,]|$)")
# a Korean clause that opens with its topic ("…가운데, 모빌린트는 내년 코스닥 상장을 목표로"): only at the
# clause's start, where 은/는 marks a noun, not a verb's adnominal ending ("치열해지는 가운데")
_KO_TOPIC_OPENS = re.compile(r"\s*([가-힣A-Za-z0-9]{2,})(?:은|는)\s")
_SELF_WORDS = ("회사", "당사", "이 회사", "同社", "当社", "自社", "동사")


def _list_around(c: Clause, a: Found[AliasDef]) -> tuple[Found[AliasDef], Found[AliasDef]]:
    """The first and last name of the list `a` stands in ("摩尔线程、沐曦"), or `a` twice."""
    names = sorted(c.sc.aliases, key=lambda x: x.start)
    i = names.index(a)
    lo = hi = i
    while lo > 0 and c.folded[names[lo - 1].end:names[lo].start].strip() in _LIST_JOINS:
        lo -= 1
    while hi + 1 < len(names) and c.folded[names[hi].end:names[hi + 1].start].strip() in _LIST_JOINS:
        hi += 1
    return names[lo], names[hi]


_LIST_JOINS = ("、", ",", "，", "和", "与", "及", "以及")


def _zh_own_subject(c: Clause) -> bool:
    """Does a Chinese clause open with a name of its own before the trigger ("大模型公司智谱宣布完成
    …融资")? Then it tells of that company, not of the story's; a word for a company ("公司宣布",
    "这家独角兽完成") still stands for the story's."""
    if HANGUL.search(c.folded, c.start, c.trig.start) or re.search(r"[\u3040-\u30ff]", c.folded[c.start:c.trig.start]):
        return False
    agent = _agent(c)
    if not agent or not re.search(r"[\u4e00-\u9fffA-Za-z]{2}$", agent):
        return False
    if c.lex.latin_name(agent) != agent:
        return True  # a company the lexicon knows ("寒武纪募集资金将投向…")
    at = c.folded.find(agent.lower(), c.start, c.trig.start)
    if at < 0 or not c.folded.startswith(tuple(c.lex.phrases("zh_speech_verb")), at + len(agent)):
        return False  # only a name that speaks for itself ("智谱宣布"), not an adverb ("同时完成")
    return not any(agent.endswith(w) for w in c.lex.phrases("zh_company_noun") | c.lex.phrases("zh_self_word"))



def _own_subject(before: str) -> bool:
    """Does a Korean or Japanese clause name its own subject before the trigger ("…기업 세미파이브가
    코스닥에 상장했다")? Then the story's company is not the one the clause tells of, unless the subject
    is a word for it ("회사가", "同社は")."""
    m = _KO_JA_SUBJECT.search(before) or _KO_TOPIC_OPENS.match(before)
    return m is not None and not m.group(1).endswith(_SELF_WORDS)


def labelled(sc: Scan, lex: Lexicon, start: int, end: int) -> bool:
    """Is the CJK name at start..end a label on someone else ("前沐曦核心成员", "그래프코어 출신들이",
    "그래프코어 엔지니어 출신", "沐曦系")? Then it is no topic for the sentence's later clauses (pure)."""
    after = sc.folded[end:end + 10].lstrip()
    rival = re.split(r"[，,。；;\s]", sc.folded[end:end + 14])[0]  # "米セレブラスやGroqに対抗": the rivals named
    former = sc.folded[max(0, start - 1):start] in ("前", "元") \
        or sc.folded[max(0, start - 7):start].endswith(("ex ", "former ")) \
        or sc.text[end:end + 1] == "-" and lex.has("label_suffix", re.split(r"[^a-z]", sc.folded[end + 1:end + 14])[0])
    # ("ex-Groq engineers", "former Groq staff", "a Groq-backed firm": English labels too)
    if any(after.startswith(w) for w in lex.phrases("own_organ")):
        return False  # "黑芝麻智能股东特别大会通过收购…议案": the company's own meeting, not its shareholders
    return former or any(after.startswith(w) for w in lex.phrases("zh_label")) \
        or any(w in after for w in lex.phrases("alumni_word")) or any(w in rival for w in lex.phrases("rival_marker")) \
        or any(w in sc.folded[end:end + 16] for w in lex.phrases("likeness_word"))  # "그록(Groq)과 비슷한 LPU"


_RELATIVE = re.compile(r"[^，,。；;]{0,12}?的")


# a comparison: "与摩尔线程、沐曦等仍在排队上市的同行不同" (unlike them), "与沐曦相比"
_COMPARED = re.compile(r"(?:与|和|跟)[^，,。；;]{0,30}?(?:不同|相比|相较|一样|类似|的差距|的差异|并列)"
                       r"|以[^，,。；;]{0,30}?作为[^，,。；;]{0,12}?(?:参照|参考|对标|标杆)")  # "以沐曦的估值作为参照"
# Japanese: a valuation that describes the company ("評価額44億ドルの新興"), the 新 folded to simplified
_JA_VALUED_AS = re.compile(r"^\s?(?:は|が)?\s?(?:约|約)?[\d.,]+\s?(?:亿|億|万|兆)?\s?(?:ドル|円|ユーロ)の"
                           r"[^、。，,\s]{0,6}?(?:新兴|新興|企业|企業|スタートアップ|ユニコーン|会社)")
# ("評価額44億ドルの光半導体新興": a kind of company may stand between)
# Japanese: a month without a year or a day, as when a past event happened ("10月には…取り下げた"), and
# the past tense that must follow the trigger in its clause for it to count (not "3月に上場予定")
_JA_BARE_MONTH = re.compile(r"(?<![\d年/.])(\d{1,2})月(?:に|には|、)")
_ZH_DONE = re.compile(r"完成|获")
_ZH_PLAN = re.compile(r"拟|计划|预计|将|有望|或将|争取|力争|目标")
_ZH_BARE_MONTH = re.compile(r"(?<![\d年/.])(\d{1,2})月(?:底|初|中|末|份)?(?!\d)")
# a season of this or last year ("今春", "昨秋", "올해 초"), the month it stands for
_SEASON = re.compile(r"(今|昨|올해|지난해)\s?(春|夏|秋|冬|초)")
_SEASON_MONTH = {"春": 4, "夏": 7, "秋": 10, "冬": 12, "초": 2}
# a Korean past ending after the trigger ("제안을 거절한 배경", "유치했다")
_KO_DONE = re.compile(r"[가-힣](?:한|했던|했다|였다|았다|었다)(?=[\s,.。]|$)")
_JA_DONE = re.compile(r"(?<=[ぁ-ゖ])た(?:が|、|。|$|ほか|後)|済み|ている(?:。|$)"
                      r"|(?:決め|决め|終え|终え|完了し|合意し|済ませ|济ませ)て?おり")  # ("3月には…買収も決めており")
# a month of this year ("今年7月", "올해 7월")
_THIS_YEAR_MONTH = re.compile(r"(?:今年|올해)\s?(\d{1,2})\s?[月월](?!\s?\d{1,2}\s?[日号일])")
# a product's model name right before a listing word and its time ("M100明年初上市", "P800年内上市")
_MODEL_BEFORE = re.compile(r"(?<![a-z])[a-z]{1,4}\d{2,4}[a-z]?(?:[\u4e00-\u9fff]|\d){0,10}$")
_CJK_YEAR = re.compile(r"((?:19|20)\d\d)\s?[年년](?:\s?(\d{1,2})\s?[月월])?(?!\s?\d{0,2}[月월]?\s?\d{1,2}\s?[日号일])")
# "遞交IPO申請時坦承": a clause that ends in 时 ("when it filed") tells the time of something else
_WHEN = re.compile(r"^[^，,。；;]{0,5}?(?<![同及暂临按准届适当一])时(?![间代期刻髦尚装候])")  # 一时: at one point


def background(c: Clause, kind: str, today: tuple[int, int] = (0, 0)) -> str | None:
    """Why the trigger tells history: a cue in its clause ("此前", "累计", "募投"), a relative clause
    about a company after 的 ("完成B轮融资的沐曦"), a clause that ends in 后/以来/时 or dates another
    story (…之际), a year or month before the item's own `today` ("2024年递交IPO申请"; a full date
    with its day is the news's own), or the talk of a stock already listed without a first day."""
    t, folded = c.trig, c.folded
    records = c.sc.cues.get("record_idiom", [])
    near = c.sc.cue_spans("background_cue", c.start, c.end)  # before, after or around it ("多轮融资")
    cue = [x for x in near if not any(s <= x[0] < e for s, e in records)]
    if cue:
        return f"history: {c.sc.text[cue[0][0]:cue[0][1]]!r}"
    for m in _CJK_YEAR.finditer(folded, c.start, t.start):
        if before((int(m.group(1)), int(m.group(2) or 0)), today):
            return f"history: {c.sc.text[m.start():m.end()]}"
    for m in _THIS_YEAR_MONTH.finditer(folded, c.start, t.start):  # "今年7月的最新一轮融资"
        if today != (0, 0) and before((today[0], int(m.group(1))), today):
            return f"history: {c.sc.text[m.start():m.end()]}"
    if today != (0, 0):
        ja_done = _JA_DONE.search(folded, t.end, c.end) is not None
        zh_done = "已" in folded[c.start:t.start] or _ZH_DONE.search(folded, c.start, t.end) is not None \
            and not _ZH_PLAN.search(folded, c.start, t.start)
        # ("公司6月底已向科创板递交上市申请", "公司1月完成5亿美元融资": 已 or a verb of completion dates it as
        # done; "10月には…IPO申請を取り下げた": so does a Japanese past ending after the trigger)
        for pattern, done in ((_ZH_BARE_MONTH, zh_done), (_JA_BARE_MONTH, ja_done)):
            for m in pattern.finditer(folded, c.start, t.start) if done else ():
                month = int(m.group(1))
                if 1 <= month <= 12 and before((today[0] if month <= today[1] else today[0] - 1, month), today):
                    return f"history: {c.sc.text[m.start():m.end()]}"
        if ja_done or _KO_DONE.search(folded, t.end, c.end):
            for m in _SEASON.finditer(folded, c.start, t.start):  # "Metaは今春…買収を打診したが", "올해 초 … 거절한"
                year = today[0] - (1 if m.group(1) in ("昨", "지난해") else 0)
                if before((year, _SEASON_MONTH[m.group(2)]), today):
                    return f"history: {c.sc.text[m.start():m.end()]}"
    end = t.end
    while (nxt := next((o.end for o in c.sc.triggers if end <= o.start <= end + 3 and o.end > end
                        and folded[end:o.start].strip() in ("", "과", "와", "및")), None)):
        end = nxt  # "시리즈D 투자 유치를 이끈 임원": the trigger goes on in the next one ("합병과 시리즈C …")
    after = folded[end:c.end]
    past = c.has("past_relative", end, min(c.end, end + 10))
    if past and re.match(r"[ぁ-ゖ]", past) and not folded.startswith(past, end):
        past = None  # Japanese: only the trigger's own ending ("買収しており"), not another verb's ("と説明しており")
    if past:  # "메타의 인수 제안을 받았던 퓨리오사AI": the offer it once had; "買収しており": done before
        return f"in a clause about the past (…{past})"
    if _WHEN.match(after):
        return "in a clause of time (…时)"
    if re.match(r"[^、。，,]{0,14}?(?:した|された|とされる|とみられる)\s?同社", after):
        # "1月に5億ドルを調達した同社は…", "評価額44億ドルとされる同社にとって…": the company, described
        return "in a relative clause (…した同社)"
    if EXAMPLES_END.match(after) and re.search(r"[、や]|및", folded[c.start:t.start]):
        # "Arm株の上昇やOpenAIへの出資、米Ampere Computing買収などAI関連の布石": one of the moves a list
        # gives as examples of something else
        return "one of a list of examples (…など, …等)"
    if folded[c.start:t.start].rstrip().endswith("才") and after.lstrip().startswith("就"):
        return "in a clause of time (才…就): the backdrop of the news"  # "才上市就不务正业": barely listed when …
    if (an := _SINCE_EVENT.match(after)) is not None:
        return f"a time since the event ({an.group(0).strip()})"  # "上市满月", "買収から1年", "합병 1년"
    if HANGUL.search(folded, t.start, t.end) and _KO_AFTER.match(after):
        return "in a clause of time (…후)"  # "유니콘 등극 후 첫 인터뷰": what came before the news
    if HANGUL.search(folded, t.start, t.end) and (pm := _KO_FOR_PERSON.match(after)) \
            and (pm.group(1).endswith("던") or (ord(pm.group(1)[-1]) - 0xAC00) % 28 == 4):
        return "in a relative clause about a person (…이끈 임원)"  # "투자 유치 이끈 임원": who led it, now news
    if HANGUL.search(folded, t.start, t.end) and _KO_FOR_INVESTOR.match(after):
        return "in a relative clause about an investor (…에 초기 투자한 KT인베스트먼트)"
    if _JA_FOR_INVESTOR.match(after):
        return "in a relative clause about an investor (…に出資する米VC)"
    if _JA_FOR_PERSON.match(after):
        return "in a relative clause about a person (…を担った元CFO)"  # who handled it is the news
    if HANGUL.search(folded, c.start, c.end) and _KO_AHEAD.match(after):  # (also "IPO 앞두고")
        return "a step still ahead (…앞두고): the backdrop of the news"  # "상장 앞두고 기술력 과시"
    if KANA.search(folded, c.start, c.end) and _JA_AHEAD.match(after):
        return "a step still ahead (…を控え): the backdrop of the news"  # "…買収など巨額の投資を控え、社債を発行"
    if kind in ("acquisition", "merger", "sale", "licence", "acquihire") and (adn := _JA_ADNOMINAL.match(after)) \
            and any(a.start == end + adn.end() for a in c.names):
        return "in a relative clause (…された + the company)"  # "メタに買収された米Rivosの元エンジニアら"
    if korean_relative(after, [a.start - t.end for a in c.names if a.start >= t.end]):
        return "in a relative clause (…한 + the company)"  # "인수 제안 거절한 퓨리오사AI, 유니콘 등극"
    if _RELATIVE.match(after):
        de = t.end + after.index("的")
        if not any(t.end <= a.start < de for a in c.names) and _company_follows(c, de + 1) \
                and (any(a.start >= t.end for a in c.names) or not c.left):
            return "in a relative clause (…的)"
    if re.match(r"[^，,。]{0,16}(?:" + "|".join(map(re.escape, c.lex.phrases("after_marker"))) + r")(?:[，,]|$)",
                after):  # ("收购Celestial AI后，市场看好…": past a name too)
        return "in a subordinate clause (…后)"
    outer = max((o.end for o in c.sc.triggers if o.start <= t.start and o.end > t.end), default=t.end)
    if backdrop(c.sc, c.lex, outer):  # (past a longer trigger over this one: "투자 유치 소식에")
        return "the backdrop of another story (…后, …之际)"
    if (kind in ("ipo", "acquisition", "merger", "sale") or folded[t.start:t.end].endswith(("取引", "契约", "契約"))) \
            and re.match(r"\s?を受け", after):  # ("ライセンス取引を受け": following the deal, not a licence received)
        # "上場を受け、…ETFに資金流入": following the listing (a licence or a round "を受け" is received)
        return "the backdrop of another story (…を受け)"
    if re.match(r"[^、，,。；;]{0,30}?に続(?:き|く|いて)", after):
        # "英グラフコアの買収や米アンペアの買収合意に続き、…": the deals the news follows
        return "the backdrop of another story (…に続き)"
    if kind in ("ipo", "acquisition", "merger", "sale", "licence", "acquihire") \
            and re.match(r"[ぁ-ゖ]{0,2}?や", after) and "を受け" in re.split(r"[、，,。；;]", after)[0]:
        return "the backdrop of another story (…や…を受け)"  # "Groq技術の取り込みや…買収を受け": the list it ends
    gap = len(folded[c.end:c.end + 3]) - len(folded[c.end:c.end + 3].lstrip())
    if folded[c.end - 1:c.end] in ("，", ",") and c.starts("now_contrast", c.end + gap):
        return "the past set against the present (…，如今…)"
    if kind == "valuation" and _KO_IS_UNICORN.search(folded, t.start, c.end):
        return "a description (…유니콘이며): what the company is, not news of its valuation"
    if kind == "valuation" and _JA_VALUED_AS.match(after):
        return "a description (評価額…の新興): what the company is, not news of its valuation"
    if kind == "ipo" and c.has("stock_talk", c.start, c.end) and not c.has("listing_day", c.start, c.end):
        return "the talk of a listed stock, not its listing day"
    return None


# the end of a list of examples right after a trigger or a name ("…買収など", "…收购等", "…인수 등",
# "…Tenstorrentなど"); not 等待, 等到 (to wait)
EXAMPLES_END = re.compile(r"\s?(?:など|等(?![待到于候])|등(?=[\s의을이]|$))")
# Japanese: the trigger's verb in its past adnominal form right before a name, maybe after a country
# prefix ("メタに買収された米Rivos", "出資した英Fractile"): the event describes the company
# ("買収を決めたリボス"; "買収手続きを終えた米Ampere": a step of it, done)
_JA_ADNOMINAL = re.compile(r"(?:(?:[\u4e00-\u9fff]{1,3}き?)?(?:を|で)[\u4e00-\u9fff]{1,3}(?:め|し|っ|え)た"
                           r"|(?:され|し)た)"
                           r"\s?(?:米|英|独|仏|中国|韓国|韩国|台湾|加|イスラエル)?")
# a span of time right after the trigger: how long ago the event was ("上市满月", "買収から1年", "합병 1년…",
# "上市一周年"); not a time within which it may come ("一年内")
_SINCE_EVENT = re.compile(r"\s?(?:(?:满|滿)\s?(?:\d{1,2}|[一两二三四五六七八九十半])?\s?(?:周年|年|个月|月)"
                          r"|(?:から|以来|后|後|이후)?\s?(?:\d{1,2}|[一两二三四五六七八九十半])\s?"
                          r"(?:周年|週年|주년|年|년|个月|カ月|ヶ月|개월)|(?:한|두|세|네)\s?(?:달|해)\s?만"
                          r"|(?:일주일|이틀|사흘|보름)\s?만|次日|翌日|第二天|第二日)(?!\s?(?:内|以内|안에|안|이내|以上|ぶり|度|末|初|底|中))")
# "기업가치 10억 달러의 유니콘이며": the copula tells what the company is ("유니콘이 됐다" tells news)
_KO_IS_UNICORN = re.compile(r"유니콘\s?(?:기업)?(?:이며|이고|이다|입니다|인\s)")
_KO_ADNOMINAL = re.compile(r"([가-힣]+)[\s'\"‘’“”]+$")
# after a trigger, a verb in its adnominal form and a person ("투자 유치 이끈 임원", "…를 이끈 전략 담당 임원"):
# the person is the news
_KO_FOR_PERSON = re.compile(r"^\s?(?:[가-힣]{1,4}\s+)?([가-힣]{1,4})\s+(?:[가-힣]{1,4}\s+){0,2}"
                            r"(?:임원|대표|부사장|사장|전무|상무|본부장|책임자|총괄|담당자|주역)")
# Japanese: a verb in its past adnominal form right after the trigger, then a person ("売却交渉を担った
# 元最高財務責任者が…就いた"): the event is what the person once handled
_JA_FOR_PERSON = re.compile(r"^[^、。,，]{0,8}?(?:った|した|いた|めた|えた|れた|んだ)\s?(?:元|前)?"
                            r"(?:最高\w{1,4}[責责]任者|cfo|ceo|cto|coo|[幹干]部|役[員员]|副社[長长]|社[長长]|会[長长]|担当者|"
                            r"[責责]任者|首[脳脑]|[創创]業者|[創创]业者)")  # the text is folded to simplified forms
# Japanese: the trigger in a verb's adnominal form describing an investor ("Cerebras・Groqに出資する米VC")
# ("SambaNova初期出資のウォールデン系VC": a noun's の does the same)
_JA_FOR_INVESTOR = re.compile(r"^(?:する|した|している|していた|の)\s?(?:米|英|中国|国内|日本|海外)?\S{0,10}?"
                              r"(?:vc|ファンド|投資会社|キャピタル|ベンチャーキャピタル|投資家)")
# Korean: after the trigger, a verb in its adnominal form and an investor ("리벨리온에 초기 투자한
# KT인베스트먼트가", "유니콘을 초기에 발굴한 벤처캐피털이"): the event describes the investor
_KO_FOR_INVESTOR = re.compile(r"^\s?(?:을|를)?\s?(?:[가-힣]{1,4}\s+){0,2}?[가-힣]{0,4}(?:한|던|온|은)\s+\w{0,12}?"
                              r"(?:인베스트먼트|벤처스|파트너스|캐피탈|캐피털|벤처캐피털|투자사|운용사|vc|펀드)")
# Korean: a name as the subject of a relative clause that runs the round ("텐스토렌트가 진행한 … 투자 라운드"):
# the round is its own, whoever joins it
_KO_OWN_ROUND = re.compile(r"^\s?(?:가|이)\s?(?:진행|실시|추진|유치)(?:한|하는|하던|중인|해 온)\s")
_KO_AHEAD = re.compile(r"^\s?(?:을|를)?\s?앞(?:두고|둔|둬|두며)")
# a Japanese step still ahead ("買収など巨額の投資を控え、"); not "を控えた同社", the lexicon's backdrop
_JA_AHEAD = re.compile(r"^[^、，,。；;]{0,20}?を控え(?:、|て|る|ており|$)")
# a Korean clause of time closed right after the trigger: "등극 후", "유치 이후", "인수한 뒤"
_KO_AFTER = re.compile(r"^\s?(?:[가-힣]{1,4}\s?){0,2}?(?:후|이후|뒤|다음)(?=[\s,，]|$)")  # "… 제안을 거절한 뒤"


def _in_ko_relative(c: Clause, a: Found[AliasDef]) -> bool:
    """Is a Korean name before the trigger inside a relative clause about another noun: not marked
    as a subject (이/가/은/는) or owner (의), and followed by a verb in its adnominal form (ㄴ-final or
    던) and then more words before the trigger?"""
    between = c.folded[a.end:c.trig.start]
    if not HANGUL.search(between) or re.match(r"\s?(?:이|가|은|는|의)(?:\s|$)", between):
        return False
    words = between.split()
    for n, w in enumerate(words[:-1]):
        if any(x.endswith(("가", "이")) for x in words[:n]):
            return False  # a subject of its own comes first ("세레브라스 시스템즈가 … 주도한 …")
        adnominal = w in ("온", "던") or len(w) >= 2 and w.endswith(("한", "된", "온", "던", "받은", "쓰는", "하는",
                                                                    "만드는", "이끄는"))
        if adnominal and not re.search(r"\d", w):
            return True  # "투자해 온", "투자한", "투자했던"
    return False


def korean_relative(after: str, names_at: list[int]) -> bool:
    """Pure: does the Korean text after a trigger end, within a few words, in a verb that
    describes the company named next ("인수 제안을 거절한 퓨리오사AI": the FuriosaAI that turned the
    offer down)? Then the trigger is what the company once did, not the news. The verb is told by
    its adnominal ending: a last syllable closed by ㄴ (한, 된, 받은) or 던; `names_at` are offsets
    in `after` where a watched name starts."""
    for at in names_at:
        if at > 24 or re.search(r"[,，.。;；]", after[:at]):
            continue
        if re.match(r"(?:한|된|했던|됐던)\s+$", after[:at]):
            return True  # the trigger's own adnominal ending: "사피온과 합병한 리벨리온"
        m = _KO_ADNOMINAL.search(after, 0, at)
        if m and len(m.group(1)) >= 2 and after[:m.start()].strip() and (
                m.group(1).endswith("던") or (ord(m.group(1)[-1]) - 0xAC00) % 28 == 4):
            return True
    return False


def _company_follows(c: Clause, at: int) -> bool:
    """After 的: a company ("…的沐曦", "…的公司"), so the clause before it describes one."""
    if any(at <= a.start <= at + 6 for a in c.names):
        return True
    return c.has("zh_company_noun", at, at + 12) is not None  # ("…收购的RISC-V芯片初创公司Rivos")


def time_clause(sc: Scan, lex: Lexicon, at: int, end: int) -> bool:
    """Does the clause that goes on at `at` end in "after" ("继黑芝麻智能…递表后，晶泰…")? Then the
    name before it dates the sentence's news; it is not its subject."""
    m = re.search(r"[，,；;。]", sc.folded[at:end])
    clause = sc.folded[at:at + m.start()].rstrip() if m else ""
    return bool(clause) and clause.endswith(tuple(lex.phrases("after_marker"))) \
        and not _NOT_AFTER.search(clause[-2:])


def backdrop(sc: Scan, lex: Lexicon, end: int) -> bool:
    """Does a trigger ending at `end` only date another event ("上市后推出", "上市大涨之际")?"""
    words = lex.phrases("after_marker") | lex.phrases("backdrop")
    window = sc.folded[end:end + 9].lstrip(" ")  # Korean puts a space before the next word ("상장 대박에")
    cut = re.search(r"[，,。；;\s]", window)
    window = window[:cut.start()] if cut else window
    window = _NOT_AFTER.sub("", window)  # "登陆科创板背后": behind it, not after it
    return any(w in window for w in words)


# words that end in 后 without meaning "after" (behind, last, then, from now on)
_NOT_AFTER = re.compile(r"[背最然今落]后")
