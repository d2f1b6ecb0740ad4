"""events.py, table-driven: the event read from an item's frames (English and Chinese), whether a
later report joins an open event, what it adds, and the one line that says what happened."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from watcher import config, events
from watcher.events import Event
from watcher.match import Matcher

ROOT = Path(__file__).resolve().parents[1]
DAY = 86400.0
WINDOW = 14 * DAY


@pytest.fixture(scope="module")
def shipped() -> Matcher:
    cfg = config.load(ROOT / "config.toml")
    return Matcher(cfg.company, cfg.rule, cfg.watcher.context_words)


def read(m: Matcher, title: str, summary: str = "") -> Event:
    evs = events.from_hits(m.explain(title, summary).hits)
    assert evs, title
    return evs[0]


# ----------------------------------------------------------------------------- extraction
EXTRACT = [
    # (title, summary, company, kind, stage, counterparty, amount, currency, headline)
    ("Nvidia to buy Groq's assets for $20 billion in licensing deal",
     "Nvidia will license Groq's technology and hire its founders, including CEO Jonathan Ross.",
     "Groq", "acquisition", None, "Nvidia", "$20 billion", "USD",
     "Groq: acquisition by Nvidia, $20 billion (licence + team)"),
    ("Groq raises $640 million in Series D led by BlackRock", "",
     "Groq", "funding", None, "BlackRock", "$640 million", "USD",
     "Groq: Series D round led by BlackRock, $640 million"),
    ("Lightmatter raises $400 million at a $4.4 billion valuation", "",
     "Lightmatter", "funding", None, None, "$400 million", "USD",
     "Lightmatter: funding round, $400 million at $4.4 billion valuation"),
    ("Intel in advanced talks to buy SambaNova for about $1.6 billion", "",
     "SambaNova", "acquisition", "talks", "Intel", "about $1.6 billion", "USD",
     "SambaNova: acquisition talks with Intel, about $1.6 billion"),
    ("SoftBank completes $6.5 billion acquisition of Ampere Computing", "",
     "Ampere Computing", "acquisition", "completed", "SoftBank", "$6.5 billion", "USD",
     "Ampere Computing: acquisition by SoftBank (closed), $6.5 billion"),
    # a wire's marks ("UPDATE 1-", "EXCLUSIVE-") are not words of the story
    ("UPDATE 1-Nvidia signs licensing agreement with Groq", "",
     "Groq", "licence", "agreed", "Nvidia", None, None, "Groq: licence to Nvidia (agreed)"),
    ("Groq to acquire compiler startup Zeta3 Labs", "",
     "Groq", "acquisition", None, "Zeta3 Labs", None, None, "Groq: acquisition of Zeta3 Labs"),
    ("Cerebras withdraws IPO filing", "", "Cerebras", "ipo", "withdrawal", None, None, None,
     "Cerebras: IPO withdrawn"),
    ("Etched valuation tops $5 billion", "", "Etched", "valuation", None, None, None, None,
     "Etched: valuation, $5 billion"),
    # a valuation beside the raise is no sum raised; an earlier round's valuation is history
    ("Benchmark doubles down on Cerebras",
     "Cerebras Systems said it has raised $1 billion in new capital at a $23 billion valuation, close to three "
     "times the $8.1 billion valuation it reached six months before.",
     "Cerebras", "funding", None, None, "$1 billion", "USD",
     "Cerebras: funding round, $1 billion at $23 billion valuation"),
    # Chinese: the buyer opens the clause or follows 被, the lead investor follows 由;
    # 募资 in a listing is the listing's
    ("英伟达200亿美元收购Groq核心资产", "", "Groq", "acquisition", None, "英伟达", "200亿美元", "USD",
     "Groq: acquisition by 英伟达, 200亿美元"),
    ("Groq被英伟达以200亿美元收购", "", "Groq", "acquisition", None, "英伟达", "200亿美元", "USD",
     "Groq: acquisition by 英伟达, 200亿美元"),
    ("沐曦完成10亿元B轮融资，由红杉中国领投", "", "MetaX", "funding", None, "红杉中国", "10亿元", "CNY",
     "MetaX: Series B round led by 红杉中国, 10亿元"),
    ("摩尔线程科创板IPO获证监会同意注册", "", "Moore Threads", "ipo", "approval", None, None, None,
     "Moore Threads: IPO approval"),
    ("摩尔线程登陆科创板 募资近80亿元成年内最大科创板IPO", "", "Moore Threads", "ipo", "listing", None, "近80亿元",
     "CNY",
     "Moore Threads: listing, 近80亿元"),
    ("壁仞科技向港交所递表", "", "Biren", "ipo", "filing", None, None, None, "Biren: IPO filing"),
    # Korean: the buyer the lexicon knows stands right before 인수 (a sum between them is no name),
    # or is the one the startup talks "with" (와/과)
    ("퓨리오사AI, 메타 1조원대 인수 제안 거절", "", "FuriosaAI", "acquisition", "rejected", "메타", "1조원", "KRW",
     "FuriosaAI: takeover offer from 메타 (offer rejected), 1조원"),
    # (talks it decided to hold no longer: the deal is off; so are talks that broke down or were cut off)
    ("벤처 투자 소식", "퓨리오사AI가 메타와 더 이상 인수 협상을 하지 않기로 했다.", "FuriosaAI", "acquisition",
     "called-off", "메타", None, None, "FuriosaAI: acquisition by 메타 (called off)"),
    ("インテル、SambaNova買収交渉を打ち切り", "", "SambaNova", "acquisition", "called-off", "インテル", None, None,
     "SambaNova: acquisition by インテル (called off)"),
    ("英特尔与SambaNova收购谈判破裂", "", "SambaNova", "acquisition", "called-off", "英特尔", None, None,
     "SambaNova: acquisition by 英特尔 (called off)"),
    # a round's sum told beside a takeover is not the takeover's
    ("퓨리오사AI, 메타 인수 제안 거절", "산업은행의 300억원 투자의향서도 결정에 영향을 줬다.", "FuriosaAI",
     "acquisition", "rejected", "메타", None, None, "FuriosaAI: takeover offer from 메타 (offer rejected)"),
    # Chinese: another company named between the startup and 收购 makes the offer that company's; 拒绝
    # (as 거절 in Korean) turns it down: no "acquisition by Meta"
    ("韩国AI芯片初创FuriosaAI拒绝Meta 8亿美元收购要约", "", "FuriosaAI", "acquisition", "rejected", "Meta", "8亿美元",
     "USD", "FuriosaAI: takeover offer from Meta (offer rejected), 8亿美元"),
    # a sum told as a valuation ("曾估值50亿美元") is not the price; Japanese and Korean two-unit figures
    ("曾估值50亿美元的明星初创SambaNova竟要卖身", "", "SambaNova", "sale", None, None, None, None,
     "SambaNova: sale"),
    ("Celestial AIを約32億5000万ドルで買収", "", "Celestial AI", "acquisition", None, None,
     "約32億5000万ドル", "USD", "Celestial AI: acquisition, 約32億5000万ドル"),
    # an adjective between the sum and the noun ("a $166 million direct investment")
    ("Regulators approve a $166 million direct investment in Rebellions", "", "Rebellions", "funding", None, None,
     "$166 million", "USD", "Rebellions: funding round, $166 million"),
    # a round-up's list: one name, its sum; several names, no one sum is each event's
    ("Notes", "Notable raises included Recogni ($102 million).", "Recogni", "funding", None, None, "$102 million",
     "USD", "Recogni: funding round, $102 million"),
    ("Notes", "Notable raises included Celestial AI ($75 million) and Recogni ($102 million).", "Celestial AI",
     "funding", None, None, None, None, "Celestial AI: funding round"),
    # the bidder inside a turned-down offer
    # Japanese: the licensee opens the clause ("NVIDIAは")
    ("NVIDIA、Groqと技術ライセンス契約",
     "NVIDIAはAIチップの挑戦者Groqと非独占的な技術ライセンス契約を締結した。", "Groq",
     "licence", None, "NVIDIA", None, None, "Groq: licence to NVIDIA"),
    ("FuriosaAI rejects Meta takeover of $800 million", "", "FuriosaAI", "acquisition", "rejected", "Meta",
     "$800 million", "USD", "FuriosaAI: takeover offer from Meta (offer rejected), $800 million"),
    # a listing's market value is its valuation, not a sum raised; a share's price is no sum at all
    ("Cerebras hits a $100 billion valuation on its Nasdaq debut", "", "Cerebras", "ipo", "listing", None, None,
     None, "Cerebras: listing, valued at $100 billion"),
    ("Cerebras prices its IPO at $185 a share", "", "Cerebras", "ipo", "pricing", None, None, None,
     "Cerebras: IPO pricing"),
    # the other side of another event the item tells is not this one's: Meta bid, it did not invest
    ("韓国FuriosaAI、1700億ウォン調達でユニコーン入り",
     "メタによる買収提案を断った韓国のAI推論チップ企業FuriosaAIが、シリーズCブリッジで1700億ウォンを調達した。",
     "FuriosaAI", "funding", None, None, "1700億ウォン", "KRW", "FuriosaAI: funding round, 1700億ウォン"),
    # filed (遞件), and a listing it aims at (拚…掛牌) is no listing yet
    ("陸GPU業者壁仞科技遞件港交所 拚港股掛牌", "", "Biren", "ipo", "filing", None, None, None, "Biren: IPO filing"),
    # several buyers exploring a deal: talks, not an agreed deal
    ("SoftBank, Arm explore deal for Oracle-backed chip designer Ampere", "", "Ampere Computing", "deal", "talks",
     "Arm", None, None, "Ampere Computing: deal talks with Arm"),
    # a price set "ahead of its debut": the debut is still to come, the step is the pricing
    ("Iluvatar CoreX prices Hong Kong offering at top of range",
     "The Shanghai GPU maker set its share price at the upper end of the marketed range ahead of its debut on the "
     "main board.", "Iluvatar CoreX", "ipo", "pricing", None, None, None, "Iluvatar CoreX: IPO pricing"),
    # a merger that starts the company trading is its SPAC listing; one ahead of an IPO stays a merger
    ("Blaize completes BurTech merger, begins trading on Nasdaq as BZAI", "", "Blaize", "spac", "listing", None,
     None, None, "Blaize: SPAC listing (IPO)"),
    ("Rebellions completes Sapeon merger ahead of IPO", "", "Rebellions", "merger", "completed", None, None, None,
     "Rebellions: merger (closed)"),
    # a war chest is all it has raised, not the round's sum (which other reports give)
    ("Celestial AI's $515M war chest sharpens the optical interconnect race", "", "Celestial AI", "funding", None,
     None, None, None, "Celestial AI: funding round"),
    # a named round with a listing only ahead is the round, not a listing's proceeds
    ("After saying no to Meta, FuriosaAI lines up Series C extension ahead of IPO",
     "FuriosaAI expects to close an extended Series C round within about a month and is preparing for an "
     "eventual stock market listing.", "FuriosaAI", "funding", None, None, None, None,
     "FuriosaAI: Series C round"),
    # a listing put off ("上市再度推迟", "掛牌又卡關") is no listing
    ("Cerebras上市再度推迟 美国国家安全审查迟迟未结", "", "Cerebras", "ipo", "postponement", None, None, None,
     "Cerebras: IPO postponed"),
    ("Cerebras掛牌又卡關 G42持股審查未了", "", "Cerebras", "ipo", "postponement", None, None, None,
     "Cerebras: IPO postponed"),
    # Korean: a sum between the name and 인수 leaves it the one bought; the headline's "Name," buys
    ("소프트뱅크, 암페어컴퓨팅 9조원대 인수…Arm 서버칩 생태계 강화", "", "Ampere Computing", "acquisition", None,
     "소프트뱅크", "9조원", "KRW", "Ampere Computing: acquisition by 소프트뱅크, 9조원"),
    # Japanese valuations folded to simplified keep their 価 ("評価額" -> "评価额"): the sum after it is
    # the valuation, the round's is the other
    ("米セレブラス、評価額220億ドルで10億ドル調達を協議", "", "Cerebras", "funding", None, None, "10億ドル", "USD",
     "Cerebras: funding round, 10億ドル at 220億ドル valuation"),
    # a takeover still negotiated (協議 with its particle, 交渉, 협상) is talks, not an agreed deal
    ("インテル、サンバノバ買収へ最終調整の協議", "", "SambaNova", "acquisition", "talks", "インテル", None, None,
     "SambaNova: acquisition talks with インテル"),
    # ... but Chinese 协议 is an agreement ("签署最终收购协议"); and 豪掷 (splashes out) is no part of the buyer
    ("Marvell豪掷32.5亿美元收购Celestial AI", "Marvell宣布与Celestial AI签署最终收购协议，交易预计明年完成。",
     "Celestial AI", "acquisition", None, "Marvell", "32.5亿美元", "USD",
     "Celestial AI: acquisition by Marvell, 32.5亿美元"),
    # a report's 传 (reportedly) and a headline's 【速報】 label are no part of the buyer's name
    ("英特尔传洽购SambaNova 作价约16亿美元", "", "SambaNova", "acquisition", "talks", "英特尔", "约16亿美元", "USD",
     "SambaNova: acquisition talks with 英特尔, 约16亿美元"),
    ("【速報】インテル、SambaNovaを買収へ", "", "SambaNova", "acquisition", None, "インテル", None, None,
     "SambaNova: acquisition by インテル"),
    # a listing given up (取り下げ, 철회); the round raised before it is not its sum
    ("セレブラス、米IPO申請を取り下げ", "同社は直前に評価額81億ドルで11億ドルを調達しており、上場は当面見送る。",
     "Cerebras", "ipo", "withdrawal", None, None, None, "Cerebras: IPO withdrawn, valued at 81億ドル"),
    # ... but what the listing raises is its own: by means of it (IPOで), or on the day it lists
    ("ホライズン・ロボティクス、香港IPOで最大1000億円を調達へ", "", "Horizon Robotics", "ipo", None, None,
     "最大1000億円", "JPY", "Horizon Robotics: IPO, 最大1000億円"),
    ("메타X, 커촹반 상장 첫날 700% 급등", "메타X가 17일 커촹반에 상장했다. 공모가 104.66위안에 약 42억위안을 조달했다.",
     "MetaX", "ipo", "listing", None, "약 42억위안", "CNY", "MetaX: listing, 약 42억위안"),
    # "it could list within weeks, raising about RMB3.9bn": the listing's proceeds, not a round
    ("Inference Weekly: MetaX is next in line in Shanghai",
     "MetaX got the nod from the listing committee; if registration goes smoothly it could list within weeks, "
     "raising about RMB3.9bn.", "MetaX", "ipo", None, None, "about RMB3.9bn", "CNY", "MetaX: IPO, about RMB3.9bn"),
    # a sum named by another event's noun right after it is that event's ("$1.1 billion private raise" beside
    # the IPO withdrawn); a verb after it is no name for it ("raises $650M to acquire")
    ("Cerebras withdraws IPO filing days after $1.1 billion private raise", "", "Cerebras", "ipo", "withdrawal",
     None, None, None, "Cerebras: IPO withdrawn"),
    ("Groq raises $650M to acquire more capacity", "", "Groq", "funding", None, None, "$650M", "USD",
     "Groq: funding round, $650M"),
    # where a team goes is a company, not a town
    ("Meta goes RISC-y: the Rivos crew is headed to Menlo Park", "", "Rivos", "acquihire", None, None, None, None,
     "Rivos: team hire"),
]


@pytest.mark.parametrize("case", EXTRACT, ids=[c[0][:40] for c in EXTRACT])
def test_event_read_from_the_frames(shipped: Matcher, case) -> None:
    title, summary, company, kind, stage, party, amount, currency, line = case
    e = read(shipped, title, summary)
    assert (e.company, e.kind, e.stage, e.counterparty, e.amount, e.currency) == \
        (company, kind, stage, party, amount, currency), e
    assert events.headline(e) == line


def test_usd_figure_at_reference_rates() -> None:
    assert events.usd("$640 million") == ("USD", 640e6)
    assert events.usd("10亿元") == ("CNY", 1.4e8)
    assert events.usd("HK$4.7 billion") == ("HKD", 601.6e6)
    assert events.usd("€300 million")[0] == "EUR"
    assert events.usd("300 million") == (None, None)  # no currency: no figure to compare
    assert events.usd(None) == (None, None)


@pytest.mark.parametrize(("text", "want"), [
    ("Series H", "H"), ("Series B2", "B2"), ("series a extension", "A"), ("B+轮", "B+"), ("Pre-A轮", "PREA"),
    ("天使轮", "ANGEL"), ("seed round", "seed"), ("funding round", None),
])
def test_round_names(text: str, want: str | None) -> None:
    assert events.round_name(text) == want


@pytest.mark.parametrize(("text", "name", "want"), [
    ("Cerebras files for Nasdaq IPO", "Cerebras", "NASDAQ"),
    ("摩尔线程登陆科创板", "摩尔线程", "STAR"),
    ("沐曦上市首日暴涨 壁仞通过港股聆讯", "沐曦", None),  # the Hong Kong hearing is Biren's
    ("沐曦上市首日暴涨 壁仞通过港股聆讯", "壁仞", "HKEX"),
    ("Groq raises $640M", "Groq", None),
])
def test_venue_near_the_name(text: str, name: str, want: str | None) -> None:
    assert events.venue_of(text, name) == want


# ----------------------------------------------------------------------------- joining
ROUND = Event("Groq", "funding", role="recipient", amount="$640 million", currency="USD", usd=640e6, round="D")
TAKEOVER = Event("Rivos", "acquisition", role="target", counterparty="Meta")
FILING = Event("Cerebras", "ipo", role="issuer", stage="filing", venue="NASDAQ")

JOINS = [
    # (why, open event, new report, days since the event opened, joins?)
    ("the same round from another outlet", ROUND, replace(ROUND, amount="$640M"), 0.5, True),
    ("the same round with no figure", ROUND, replace(ROUND, amount=None, usd=None, round=None), 1, True),
    ("two rounds months apart", ROUND, ROUND, 120, False),
    ("two rounds the same week: another figure", ROUND, replace(ROUND, amount="$1.5 billion", usd=1.5e9, round=None),
     2, False),
    ("two rounds the same week: another series", ROUND, replace(ROUND, round="E", amount=None, usd=None), 2, False),
    ("figures agree to their rounding", replace(ROUND, amount="$1.6 billion"), replace(ROUND, amount="$1.65bn"),
     1, True),
    ("a round figure and the exact one", replace(ROUND, amount="$700 million"), replace(ROUND, amount="$693M"),
     1, True),
    ("a round figure and one 10% off", replace(ROUND, amount="$700 million"), replace(ROUND, amount="$640M"),
     1, False),
    ("one digit of billions is not a tenth more", replace(ROUND, amount="$1 billion", round=None),
     replace(ROUND, amount="$1.1 billion", round=None), 1, False),
    ("a figure to its rounding", replace(ROUND, amount="$20 billion"), replace(ROUND, amount="$20.4 billion"), 1,
     True),
    ("exact figures that differ", replace(ROUND, amount="$640 million"), replace(ROUND, amount="$650M"), 1, False),
    ("a hedged figure allows more", replace(ROUND, amount="$1.1 billion"),
     replace(ROUND, amount="more than $1 billion"), 1, True),
    ("the same sum in yuan and dollars", replace(ROUND, amount="$640 million"), replace(ROUND, amount="46亿元"),
     1, True),
    ("takeovers priced apart, no buyer named", replace(TAKEOVER, counterparty=None, amount="$101 billion"),
     replace(TAKEOVER, counterparty=None, amount="$104 billion"), 1, False),
    ("one buyer, one target: reports that heard two prices", replace(TAKEOVER, amount="约50亿美元"),
     replace(TAKEOVER, amount="about $1.6bn"), 2, True),
    ("one buyer in two scripts, two prices", replace(TAKEOVER, counterparty="Intel", amount="$1.6 billion"),
     replace(TAKEOVER, counterparty="英特爾", amount="50亿美元"), 2, True),
    ("a range and a figure inside it", replace(TAKEOVER, counterparty=None, amount="$8-10 billion"),
     replace(TAKEOVER, counterparty=None, amount="$10B"), 1, True),
    ("one round: the amounts agree, one report cites the last valuation",
     replace(ROUND, amount="$1 billion", valuation="$23 billion"),
     replace(ROUND, amount="$1 billion", valuation="$8.1 billion"), 1, True),
    ("one round: the valuations agree, one report tells a backer's share",
     replace(ROUND, amount="$1 billion", valuation="$23 billion"),
     replace(ROUND, amount="$225M", valuation="$23 billion"), 1, True),
    ("two rounds: neither figure agrees", replace(ROUND, amount="$1 billion", valuation="$23 billion"),
     replace(ROUND, amount="$1.1 billion", valuation="$8.1 billion"), 1, False),
    ("a ceiling and a round inside it", replace(ROUND, amount="up to $500 million"), replace(ROUND, amount="$300M"),
     1, True),
    ("a ceiling and a round far below it", replace(ROUND, amount="up to $500 million"), replace(ROUND, amount="$100M"),
     1, False),
    ("a raise and then an IPO", ROUND, Event("Groq", "ipo", role="issuer", stage="filing"), 3, False),
    ("a round and the valuation it set", ROUND, Event("Groq", "valuation", role="issuer", valuation="$2.8 billion",
                                                      valuation_usd=2.8e9), 1, True),
    ("two valuations far apart", replace(ROUND, amount=None, valuation="$2.8 billion", valuation_usd=2.8e9),
     replace(ROUND, amount=None, valuation="$6.9 billion", valuation_usd=6.9e9), 1, False),
    ("the same takeover", TAKEOVER, replace(TAKEOVER, counterparty="Meta Platforms Inc."), 1, True),
    ("two different buyers", TAKEOVER, replace(TAKEOVER, counterparty="Intel"), 1, False),
    ("two different buyers in two scripts", TAKEOVER, replace(TAKEOVER, counterparty="英特尔"), 1, False),
    ("a buyer in Chinese that the lexicon does not know", TAKEOVER, replace(TAKEOVER, counterparty="某科技巨头"), 1,
     True),
    ("one buyer whose name a CJK clause goes on from", replace(TAKEOVER, counterparty="Marvellは"),
     replace(TAKEOVER, counterparty="Marvell官宣", amount="32亿5000万美元"), 1, True),
    ("a Korean ceiling and the price inside it", replace(TAKEOVER, counterparty=None, amount="최대 55억 달러"),
     replace(TAKEOVER, counterparty=None, amount="32억5천만 달러"), 1, True),
    ("one buyer in katakana with its G", replace(TAKEOVER, counterparty="SoftBank"),
     replace(TAKEOVER, counterparty="ソフトバンクG"), 1, True),
    ("a local phrase the lexicon does not know cannot part two reports",
     replace(TAKEOVER, counterparty="ソフトバンクG"), replace(TAKEOVER, counterparty="中央日報によると"), 1, True),
    ("the takeover closes", TAKEOVER, replace(TAKEOVER, stage="completed"), 10, True),
    ("the startup buying is not the startup bought", TAKEOVER,
     Event("Rivos", "acquisition", role="acquirer", counterparty="Zeta Labs"), 1, False),
    ("licence and team hire of one deal", Event("Groq", "licence", role="licensor", counterparty="Nvidia"),
     Event("Groq", "acquihire", role="team", counterparty="Nvidia"), 0.2, True),
    ("a report of a mere deal does not join the startup's own purchase",
     Event("Tenstorrent", "acquisition", role="acquirer", counterparty="Blue Cheetah"),
     Event("Tenstorrent", "deal", role="party"), 1, False),
    ("a report of a deal with the same buyer joins its takeover", TAKEOVER,
     Event("Rivos", "deal", role="party", counterparty="Meta"), 1, True),
    ("another company", TAKEOVER, replace(TAKEOVER, company="Groq"), 0, False),
    ("the IPO is approved", FILING, replace(FILING, stage="approval"), 5, True),
    ("a STAR listing and a Hong Kong one", FILING, replace(FILING, venue="HKEX"), 5, False),
    ("the STAR Market is a board of the Shanghai exchange", replace(FILING, venue="STAR"), replace(FILING, venue="SSE"),
     5, True),
    ("Shanghai's STAR board and Shenzhen's ChiNext are two", replace(FILING, venue="STAR"),
     replace(FILING, venue="CHINEXT"), 5, False),
    ("filings never join", Event("Cerebras", "filing"), Event("Cerebras", "filing"), 0, False),
    ("no structure, no join", Event("Groq", ""), Event("Groq", ""), 0, False),
    # a round being sought names its target: the close may differ
    ("sought, then closed for more",
     replace(ROUND, stage="talks", amount="900억", currency="KRW", usd=65.7e6, round=None),
     replace(ROUND, amount="1700억원", currency="KRW", usd=124.1e6, round=None), 0, True),
    ("two closed rounds of different sums", replace(ROUND, round=None),
     replace(ROUND, amount="$1.5 billion", usd=1.5e9, round=None), 0, False),
    ("sought, but another round's name", replace(ROUND, stage="talks"), replace(ROUND, round="E"), 0, False),
    ("headlines numbered apart", replace(TAKEOVER, marks="7"), replace(TAKEOVER, marks="8"), 0, False),
    ("a numbered headline and a plain one", replace(TAKEOVER, marks="7"), TAKEOVER, 0, True),
    ("the same number", replace(TAKEOVER, marks="2026"), replace(TAKEOVER, marks="2026"), 0, True),
]


FITS = [
    # (why, open event, new report, figures the report names, the fit)
    ("no fact in common", replace(ROUND, amount="$1 billion"), replace(ROUND, amount=None, round=None), (), 0),
    ("the headline names the event's sum", replace(ROUND, amount="$225M"), replace(ROUND, amount=None, round=None),
     ("$225m",), 1),
    ("the same amount and round", ROUND, replace(ROUND, amount="$640M"), (), 4),
    ("the same valuation", replace(ROUND, valuation="$23 billion"),
     replace(ROUND, amount=None, round=None, valuation="$23B"), (), 2),
]


@pytest.mark.parametrize("case", FITS, ids=[c[0] for c in FITS])
def test_fit(case) -> None:
    _, open_event, new, figures, want = case
    assert events.fit(open_event, new, figures) == want


@pytest.mark.parametrize(("headline", "want"), [
    ("Nvidia agrees to acquire Groq in deal 7", "7"),
    ("Nvidia agrees to acquire Groq", None),
    ("Nvidia to buy Groq for $20 billion", None),  # an amount
    ("Nvidia to buy Groq for 20 billion dollars", None),
    ("Groq raises $640M at a $2.8B valuation", None),
    ("Groq raises 640 million in Series D", None),
    ("Etched's 40% jump; Nvidia rival raises 1,000 investors", None),  # a share, a figure
    ("Cerebras files for IPO in 2024, again in 2026", None),  # years date a report: the window parts them
    ("Nvidia's $20 Billion Groq Deal (December 2025)", None),
    ("NVIDIA 以歷史性 200 億美元授權協議拿下 Groq", None),  # an amount in traditional Chinese
    ("3 takeaways from Nvidia's Groq deal", "3"),
    ("摩尔线程完成新一轮融资 金额达30亿元", None),
    ("Groq deal 12: Nvidia agrees to acquire Groq (deal 12)", "12"),
    ("Groq agrees to be acquired by a larger chipmaker in deal 5-107", "5-107"),
    ("Groq's 2024-25 results", "2024-25"),
    ("Groq raises $100 million in Series B round (b0)", "b0"),  # a code
    ("Nvidia H100 rival Groq raises $640M", None),  # a model's name, not the story's number
    ("Cerebras likely to postpone IPO over CFIUS review delay on G42", None),  # a company's name
    ("Groq raises 640M on 3nm chips", None),  # units, not codes
    ("Cerebras Systems Inc. | S-1 | filed 2024-09-30", None),  # a full date
    ("AI Weekly #20/2026: Cerebras surges on its debut", None),  # an issue of a year
    ("Cerebras hits $66B after its May 14 IPO", None),  # a day beside its month
    ("On 14 May Cerebras listed", None),
    ("Top 5 chip IPOs of May", "5"),  # a count, not a day
])
def test_marks_of(headline: str, want: str | None) -> None:
    assert events.marks_of(headline) == want


@pytest.mark.parametrize("case", JOINS, ids=[c[0] for c in JOINS])
def test_joins(case) -> None:
    _, open_event, new, days, want = case
    assert events.joins(open_event, new, days * DAY, WINDOW) is want


FACTS = [
    ("nothing new", TAKEOVER, TAKEOVER, ()),
    ("the amount becomes known", TAKEOVER, replace(TAKEOVER, amount="$500 million", usd=5e8), ("amount",)),
    ("the deal closes", TAKEOVER, replace(TAKEOVER, stage="completed"), ("closed",)),
    ("talks become a deal", replace(TAKEOVER, stage="talks"), TAKEOVER, ("agreed",)),
    ("an earlier step adds nothing", replace(TAKEOVER, stage="completed"), replace(TAKEOVER, stage="talks"), ()),
    ("the deal is blocked", TAKEOVER, replace(TAKEOVER, stage="blocked"), ("blocked",)),
    ("the buyer is named", replace(TAKEOVER, counterparty=None, stage="talks"), replace(TAKEOVER, stage="talks"),
     ("counterparty",)),
    ("a licence turns out to be a takeover too", Event("Groq", "licence", role="licensor"),
     Event("Groq", "acquisition", role="target"), ("also an acquisition",)),
    ("the IPO is listed", FILING, replace(FILING, stage="listing"), ("listed",)),
    ("the IPO is withdrawn", FILING, replace(FILING, stage="withdrawal"), ("withdrawn",)),
    ("a valuation becomes known", ROUND, replace(ROUND, valuation="$2.8 billion", valuation_usd=2.8e9),
     ("valuation",)),
]


@pytest.mark.parametrize("case", FACTS, ids=[c[0] for c in FACTS])
def test_new_facts(case) -> None:
    _, open_event, new, want = case
    assert events.new_facts(open_event, new) == want


def test_merge_keeps_the_first_words_and_adds_the_facts() -> None:
    opened = replace(TAKEOVER, stage="talks")
    merged = events.merge(opened, replace(TAKEOVER, stage="completed", amount="$500 million", usd=5e8))
    assert merged.stage == "completed" and merged.facts == ("closed",) and merged.amount == "$500 million"
    assert events.headline(merged) == "Rivos: acquisition by Meta (closed), $500 million"
    again = events.merge(merged, replace(TAKEOVER, stage="talks"))
    assert again == merged  # an earlier step changes nothing


def test_a_joined_report_lends_the_event_no_marks() -> None:
    """One report's headline number ("May 14") must not shut later reports out of the event."""
    merged = events.merge(FILING, replace(FILING, marks="14"))
    assert merged.marks is None
    assert events.joins(merged, replace(FILING, marks="3"), 0, WINDOW)


@pytest.mark.parametrize(("event", "want"), [
    (replace(TAKEOVER, stage="completed", amount="$6.5bn", usd=6.5e9, valuation="约65亿美元", valuation_usd=6.5e9),
     "Rivos: acquisition by Meta (closed), $6.5bn"),  # the price read twice is said once
    (replace(TAKEOVER, kind="funding", role="recipient", counterparty=None, amount="$400M", usd=4e8,
             valuation="$4.4 billion", valuation_usd=4.4e9),
     "Rivos: funding round, $400M at $4.4 billion valuation"),
])
def test_headline_says_each_figure_once(event: Event, want: str) -> None:
    assert events.headline(event) == want


@pytest.mark.parametrize(("title", "summary"), [
    ("NXP's chip wager: the Kinara deal and what comes next",
     "On Monday, NXP sat at the centre of big moves. "
     "This close reading studies the company's decision to acquire Kinara, an edge AI pioneer."),
    ("Kinara acquisition by this chip giant closes", ""),
    ("The Nvidia-Groq deal is bigger than it looks",
     "Many will file this under \"Nvidia bought Groq\", but it was a non-exclusive licence for Groq's technology."),
    ("A deal bigger than it looks",  # a person after a title is no other side either
     "It was a non-exclusive licence for Groq's inference technology with founder Jonathan Ross moving to Nvidia."),
])
def test_a_function_word_is_no_counterparty(shipped: Matcher, title: str, summary: str) -> None:
    for h in shipped.explain(title, summary).hits:
        assert (h.counterparty or "").lower() not in ("this", "it", "itself", "the", "many", "jonathan ross"), h


def test_a_country_is_no_counterparty(shipped: Matcher) -> None:
    (h,) = shipped.explain("Tenstorrent licenses its RISC-V CPU IP to Japan for a 2nm accelerator").hits
    assert (h.kind, h.counterparty) == ("licence", None)


@pytest.mark.parametrize(("title", "kind"), [
    ("Biren raises $200 million, plans Hong Kong IPO", "funding"),  # the listing is only planned
    ("Biren secures $207 million, eyes Hong Kong listing", "funding"),
    ("Enflame pulls in 2 billion yuan and is preparing for a STAR Market IPO", "funding"),
    ("Horizon Robotics raises $696 million in Hong Kong IPO", "ipo"),  # the raise is the IPO's
    ("Cerebras plans IPO after raising $1.1 billion", "ipo"),  # the listing leads the headline
    ("MetaX IPO raises 3.9 billion yuan", "ipo"),
])
def test_a_listing_planned_beside_a_raise_is_no_listing(shipped: Matcher, title: str, kind: str) -> None:
    (e,) = events.from_hits(shipped.explain(title, "").hits)
    assert e.kind == kind


def test_a_sum_before_another_kind_of_event_is_not_the_deals(shipped: Matcher) -> None:
    # Korean and Chinese put a sum before its verb: the sum before 투자 유치 is the raise's, not the
    # stalled takeover's told earlier in the headline
    title = "삼바노바, 인텔과의 인수 협상이 멈추자 최대 3억 달러 규모의 새 투자 유치에 나서"
    hits = {h.kind: h for h in shipped.explain(title, "").hits}
    assert hits["acquisition"].amount is None
    assert hits["funding"].amount == "최대 3억 달러"
    # a noun right before the sum still names it
    hits = {h.kind: h for h in shipped.explain("리벨리온, 합병 뒤 기업가치 1조원 넘는 통합 법인 출범", "").hits}
    assert hits["valuation"].valuation == "1조원"


@pytest.mark.parametrize(("a", "b", "want"), [
    ("米インテル", "Intel", True),  # a country written before a name the lexicon knows
    ("美国英特尔", "Intel", True),
    ("미국 인텔", "Intel", True),
    ("英伟达", "Intel", False),  # 英 opens a name of its own here
    ("Marvellは", "Marvell官宣", True),  # a Latin name a Japanese or Chinese clause goes on from
    ("Marvellは", "Intel", False),
    ("ソフトバンクG", "SoftBank", True),
    ("中央日報によると", "Marvell", None),  # a local phrase the lexicon does not know: cannot tell
    ('英伟达"', "엔비디아", True),  # a quotation mark caught at the name's edge
    ("「英伟达」", "Nvidia", True),
    ("엔비디아가", "NVIDIA", True),  # a particle the clause left on the name
    ("NVIDIAは", "Nvidia", True),
    ("삼성전자가", "Nvidia", False),
])
def test_same_party(a: str, b: str, want: bool | None) -> None:
    assert events.same_party(a, b) is want


@pytest.mark.parametrize(("kinds", "want"), [
    (["deal", "acquisition"], "acquisition"),  # a mere deal gives way to what it is
    (["valuation", "funding"], "funding"),  # a valuation to the round that set it
    (["funding", "ipo"], "ipo"),  # money raised in a listing is the listing's
    # a headline's valuation beside a takeover offer told in the lead stays the capital event
    (["valuation", "acquisition"], "valuation"),
    (["valuation", "acquisition", "funding"], "funding"),
])
def test_primary_kind(kinds: list[str], want: str) -> None:
    assert events.primary(kinds) == want


@pytest.mark.parametrize(("amount", "want"), [
    ("$185", True), ("HK$5.12", True), ("CNY114.28", True), ("5,000円", True),
    ("$50,000", False), ("$5.55 billion", False), ("100억원", False), ("2.25亿美元", False), (None, False),
])
def test_is_price(amount: str | None, want: bool) -> None:
    assert events.is_price(amount) is want


@pytest.mark.parametrize("tail,want", [
    ("has raised $150 million, the first close of a Series C round of over $700 million", "C"),
    ("obtained $150 million, part of a Series C, less than two years after a $600 million Series B", "C"),
    ("raised $180 million, while Axelera closed a $68 million Series B", None),
    ("raised $180 million; Axelera closed a Series B", None),
    ("plans to raise US$595 million through a share placement", "placement"),
    ("配股募资逾47亿港元", "placement"),
    ("raised $40 million from Oracle", None),
])
def test_the_round_a_sentence_tells_after_its_trigger(tail: str, want: str | None) -> None:
    assert events.round_told(tail) == want


@pytest.mark.parametrize("before,tail,want", [
    ("Horizon Robotics said that on September 25, 2025 it ", "signed a placing agreement", "2025-09"),
    ("Horizon Robotics, founded in 2015, ", "raised $150 million", None),  # a founding year
    ("", "raised $600 million in 2019, after a 2017 round led by Intel", "2019"),  # not the older round's
    ("", "raised $100 million, bringing its 2025 revenue guidance up", None),  # a year that qualifies revenue
    ("2025年6月12日，地平线机器人", "配售6.81亿股", "2025-06"),
    ("", "raised $150 million on Tuesday", None),
])
def test_the_date_a_sentence_gives_its_event(before: str, tail: str, want: str | None) -> None:
    assert events.told_date(before, tail) == want


@pytest.mark.parametrize("a,b,apart", [
    ("2020", "2025-09", True), ("2025", "2026-01", False), ("2025-12", "2026-02", False),
    ("2025-09", "2025-12", True), ("2025-09", None, False), (None, None, False),
])
def test_dates_apart(a: str | None, b: str | None, apart: bool) -> None:
    assert events.dates_apart(a, b) is apart


def test_two_rounds_whose_reports_date_them_years_apart_are_two_events() -> None:
    old = events.Event(company="Horizon Robotics", kind="funding", role="recipient", amount="US$900M",
                       currency="USD", usd=900e6, when="2020-12")
    new = replace(old, amount="HK$6.34 billion", currency="HKD", usd=811.5e6, when="2025-09")
    assert events.joins(replace(old, when=None), new, 0, 14 * 86400)  # alike sums, no dates: one event
    assert not events.joins(old, new, 0, 14 * 86400)
    # a listing's steps stay one story whatever dates their reports give
    ipo = events.Event(company="Horizon Robotics", kind="ipo", role="issuer", stage="filing", when="2024-03")
    assert events.joins(ipo, replace(ipo, stage="listing", when="2024-10"), 0, 14 * 86400)
