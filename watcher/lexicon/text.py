"""How text is cut and folded before anything is looked up in it: the same for every language.

- fold(): lower case, hyphens as spaces, full-width Latin letters and digits as ASCII, Traditional
  Chinese as Simplified, same length as the input so that offsets found in the folded text point
  into the original;
- split_units(): sentences, and for CJK also clauses (at the full-width comma);
- MONEY: amounts in any currency and unit ("$1.2B", "US$50 million", "1 trillion won", "10亿元");
- word boundaries: Latin/digit edges need a non-word neighbour, CJK edges none;
- the look of a headline: all caps, Title Case.
"""
from __future__ import annotations

import re

from . import CJK_CHAR, CJK_RANGES, HANGUL, is_cjk, to_simplified

# full-width Latin letters and digits as ASCII ("Ｇｒｏｑ", "１００億円"): one character each, so offsets hold
_FULL_WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF41 + i: 0x61 + i for i in range(26)}}


def fold(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two ("İ")
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    low = low.replace("-", " ").replace("\u2019", "'").replace("\u2018", "'").translate(_FULL_WIDTH)
    return to_simplified(low)


def _is_word_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum()
    return ch.isalnum() and not is_cjk(ch)


def on_boundary(text: str, start: int, end: int) -> bool:
    first, last = text[start], text[end - 1]
    if _is_word_char(first) and start > 0 and _is_word_char(text[start - 1]):
        return False
    if _is_word_char(last) and end < len(text) and _is_word_char(text[end]):
        return False
    return True


_QUAL = (r"(?:(?:more than|over|above|nearly|almost|about|around|roughly|up to|as much as|at least|approximately|"
         r"another|an additional|additional|a fresh|fresh|new|some|close to|less than|under|an estimated|"
         r"a reported|a whopping|a massive|a record)\s+)?")
_CUR = r"(?:us\$|usd ?|c\$|a\$|s\$|hk\$|nt\$|rmb ?|eur ?|cad ?|krw ?|inr ?|jpy ?|[$€£¥₩₹])"
_UNIT = (r"(?:million|mln|mn|mil|m|billion|bln|bn|bil\.?|b|trillion|tril\.?|tn|thousand|k|crore|lakh)(?![a-z])"
         r"(?: (?:won|yen|yuan|euros?|dollars|pounds|rupees|francs|shekels)(?![a-z]))?")
_ZH_NUM = r"(?:\d[\d,.]*|[数几十百千万亿两一二三四五六七八九零〇]+)"
_ZH_UNIT = r"(?:亿|万|千万|百万|十亿|百亿|千亿)"
_ZH_CUR = r"(?:美元|美金|元|人民币|日元|韩元|欧元|港元|港币|新台币|台币|円|ドル|ウォン|ユーロ)"
_RANGE = r"(?: ?(?:-|–|to) ?\d[\d,.]*)?"  # "$8-10 billion", "$1 to 1.5 billion"
MONEY = (rf"{_QUAL}(?:{_CUR} ?\d[\d,.]*(?:千万|百万|十亿|百亿|千亿|亿|億|万|兆){_ZH_CUR}?"  # "US$6億", "HK$54亿"
         rf"|{_CUR} ?\d[\d,.]*{_RANGE}(?: ?{_UNIT})?"
         rf"|\d[\d,.]*{_RANGE} ?{_UNIT}(?: (?:of|in) (?:funding|capital))?"
         rf"|\d[\d,.]* (?:dollars|euros|pounds|won|yen|yuan)|"
         # two units in one figure: "32亿5000万美元", "約32億5000万ドル" (before the one-unit forms)
         rf"(?:近|超|超过|逾|约|数|上|最高|最大)?\d[\d,.]*(?:兆|亿)\d[\d,.]*(?:千万|百万|万|亿)?{_ZH_CUR}|"
         rf"(?:近|超|超过|逾|约|数|上|最高|最大)?{_ZH_NUM}{_ZH_UNIT}?{_ZH_CUR}|"
         rf"(?:近|超|超过|逾|约|数|上|最高|最大)?{_ZH_NUM}{_ZH_UNIT}|"
         r"(?:(?:최대|약|최소)\s?)?\d[\d,.]*\s?(?:조\s?\d[\d,.]*\s?억|억\s?\d[\d,.]*\s?천?\s?만|억|조|천?만)\s?"
         r"(?:원|달러|위안|유로|파운드)"
         # a Korean sum in won told without 원 before what it is ("6000억 투자 유치", "1조 규모")
         r"|\d[\d,.]*\s?(?:조\s?\d[\d,.]*\s?억|억|조)(?=\s?(?:원대|규모|투자|유치|대 투자))"
         r"|\d[\d,.]*\s?(?:兆\d[\d,.]*[億亿]|[億亿]|兆|万)(?:円|ドル|ウォン|ユーロ))")
# spelled out: "a seven hundred million dollar investment", "two point six billion dollars"
_SPELLED = (r"(?:(?:half|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
            r"forty|fifty|sixty|seventy|eighty|ninety|hundred|point|and)\s+){1,6}(?:million|billion|trillion)"
            r"\s+(?:dollars?|euros?|pounds?|yuan|won|yen)")
MONEY = rf"(?:{MONEY}|{_SPELLED})"
MONEY_RE = re.compile(MONEY)
_BARE_ZH = re.compile(rf"^(?:近|超|超过|逾|约|数|上|最高|最大)?{_ZH_NUM}{_ZH_UNIT}$")


def money_spans(folded: str) -> list[tuple[int, int]]:
    """Amounts in folded text. A bare Chinese number with a unit and no currency ("数亿") counts
    only when 元/轮/融资 follows it closely; a plain digit alone is never money."""
    out = []
    for m in MONEY_RE.finditer(folded):
        s, e = m.span()
        if not folded[s:e].strip() or not re.search(r"\d|[数几十百千万亿两一二三四五六七八九]|illion", folded[s:e]):
            continue
        if _BARE_ZH.match(folded[s:e]) and not re.match(r"\s*(?:元|人民币|美元|的?[a-z]?\+?轮|融资|估值)",
                                                         folded[e:e + 6]):
            continue
        if folded[s:e].strip().isdigit():
            continue
        out.append((s + len(folded[s:e]) - len(folded[s:e].lstrip()), e))
    return out


_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "mil": 1e6, "m": 1e6,
          "billion": 1e9, "bln": 1e9, "bn": 1e9, "bil": 1e9, "b": 1e9, "trillion": 1e12, "tril": 1e12, "tn": 1e12,
          "crore": 1e7,
          "lakh": 1e5, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "十亿": 1e9, "百亿": 1e10,
          "千亿": 1e11, "억": 1e8, "조": 1e12, "億": 1e8, "兆": 1e12, "만": 1e4}
_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|trillion|tril|mln|mn|mil|bln|bil|bn|tn|"
                     r"crore|lakh|"
                     r"十万|百万|千万|十亿|百亿|千亿|万|亿|억|조|만|億|兆|k|m|b)?(?![a-z])", re.I)
_SPAN = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:-|–|to)\s*(\d[\d,]*(?:\.\d+)?)")
_CURRENCY = (("us$", "USD"), ("usd", "USD"), ("hk$", "HKD"), ("nt$", "TWD"), ("c$", "CAD"), ("a$", "AUD"),
             ("s$", "SGD"), ("$", "USD"), ("€", "EUR"), ("eur", "EUR"), ("£", "GBP"), ("¥", "JPY"), ("₩", "KRW"),
             ("krw", "KRW"), ("달러", "USD"), ("위안", "CNY"), ("유로", "EUR"), ("파운드", "GBP"), ("ドル", "USD"),
             ("ウォン", "KRW"), ("ユーロ", "EUR"),
             ("₹", "INR"), ("inr", "INR"), ("美元", "USD"), ("美金", "USD"), ("港元", "HKD"),
             ("港币", "HKD"), ("欧元", "EUR"), ("日元", "JPY"), ("韩元", "KRW"), ("新台币", "TWD"), ("台币", "TWD"),
             ("人民币", "CNY"), ("元", "CNY"), ("rmb", "CNY"), ("yuan", "CNY"), ("won", "KRW"), ("원", "KRW"),
             ("yen", "JPY"), ("円", "JPY"), ("euro", "EUR"), ("pound", "GBP"), ("rupee", "INR"), ("dollar", "USD"))


_PARTS = re.compile(r"(\d[\d,.]*)\s?(조|억|천만|백만|만|천|兆|億|亿|千万|百万|万)")
_PART_SCALE = {"조": 1e12, "兆": 1e12, "억": 1e8, "億": 1e8, "亿": 1e8, "천만": 1e7, "백만": 1e6, "만": 1e4, "万": 1e4,
               "천": 1e3, "千万": 1e7, "百万": 1e6}


def _figure(text: str) -> re.Match[str] | None:
    """The figure an amount as written names (number and unit); a range is read as its upper end:
    "$8-10 billion" -> "10 billion"."""
    low = text.lower()
    r = _SPAN.search(low)
    return _AMOUNT.search(low, r.start(2)) if r else _AMOUNT.search(low)


def amount_value(text: str) -> tuple[float, str | None] | None:
    """"$1.5 billion" -> (1.5e9, "USD"); "10亿元" -> (1e9, "CNY"); None when there is no number."""
    m = _figure(text)
    if m is None:
        return _spelled_value(text)
    value = float(m.group(1).replace(",", "")) * _SCALE.get((m.group(2) or "").lower(), 1.0)
    parts = _PARTS.findall(text)
    if len(parts) > 1:  # "1조3000억원", "1兆3000億円", "32억5천만 달러": several units in one figure
        value = sum(float(n.replace(",", "")) * _PART_SCALE[u] for n, u in parts)
    low = text.lower()
    currency = next((code for sign, code in _CURRENCY if sign in low), None) or (
        "KRW" if re.search(r"\d\s?[억조]", text) else None)  # "6000억": won unless it says otherwise
    return value, currency


_WORD_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                 "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def _spelled_value(text: str) -> tuple[float, str | None] | None:
    """"half a billion dollars" -> (5e8, "USD"), "two billion yuan" -> (2e9, "CNY"); None otherwise."""
    words = re.findall(r"[a-z]+", text.lower())
    unit = next((i for i, w in enumerate(words) if w in ("million", "billion", "trillion")), None)
    if unit is None:
        return None
    value = 0.0
    for w in words[:unit]:
        if w == "hundred":
            value = (value or 1.0) * 100
        elif w in _WORD_NUMBERS:
            value += _WORD_NUMBERS[w]
    if "half" in words[:unit]:
        value = (value or 1.0) * 0.5
    if not value:
        return None
    low = text.lower()
    currency = next((code for sign, code in _CURRENCY if sign in low), None)
    return value * _SCALE[words[unit]], currency


def amount_step(text: str) -> float | None:
    """The rounding of an amount as written: "$1.6 billion" -> 1e8, "$640 million" -> 1e6."""
    m = _figure(text)
    if m is None:
        return None
    digits = m.group(1).replace(",", "")
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return 10.0 ** -decimals * _SCALE.get((m.group(2) or "").lower(), 1.0)


def round_figure(text: str) -> bool:
    """Is the amount a round figure of hundreds ("$700 million", "1,000亿"): a sum told loosely
    ($693 million may be reported as $700 million)?"""
    m = _figure(text)
    if m is None:
        return False
    digits = m.group(1).replace(",", "")
    return "." not in digits and len(digits) >= 3 and digits.endswith("00")


def same_amount(a: str | None, b: str | None) -> bool:
    """Do two amounts as written name the same sum (within 1%, same currency where both say)?"""
    if not a or not b:
        return False
    x, y = amount_value(a), amount_value(b)
    if x is None or y is None or not x[0] or not y[0]:
        return False
    if x[1] and y[1] and x[1] != y[1]:
        return False
    return abs(x[0] - y[0]) <= 0.01 * max(x[0], y[0])


_ABBREV = {"inc", "corp", "co", "ltd", "llc", "plc", "mr", "mrs", "ms", "dr", "st", "no", "vs", "jr", "sr",
           "u.s", "u.k", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
           "oct", "nov", "dec", "gov", "sen", "rep", "gen", "prof", "approx", "est", "dept", "s.a", "n.v"}
# a semicolon joins clauses of one sentence (frames read it as a clause boundary)
# (a sentence may open with a name written in lower case: "d-Matrix raised", "xAI said", "eBay")
# (and "?" or "!" after CJK text: NFKC makes "？" of a Chinese question, and no space follows it)
_SENT_END = re.compile(r"[.!?](?=[\"')\]]?\s+[\"'(\[]?(?:[A-Z0-9" + CJK_RANGES + r"]|[a-z][-A-Z]))|[。！？]|\n"
                       r"|(?<=[" + CJK_RANGES + r"])[!?](?=[" + CJK_RANGES + r"])")
# in a CJK headline a space separates its parts ("沙特宣布149亿美元投资 Groq将建数据中心")
_CLAUSE_END = re.compile(r"[，,；;](?=\s*[" + CJK_RANGES + r"])|(?<=[" + CJK_RANGES + r"])[，,；;]"
                         r"|(?<=[" + CJK_RANGES + r"])\s+(?=[\w" + CJK_RANGES + r"])")
# Korean puts a space between words, so there only punctuation ends a clause
_CLAUSE_END_SPACED = re.compile(r"[，,；;](?=\s*[" + CJK_RANGES + r"])|(?<=[" + CJK_RANGES + r"])[，,；;]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (an abbreviation or an initial does not end one)."""
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


def split_clauses(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """CJK clauses of one sentence: cut at a comma that touches CJK text, and in Chinese or Japanese
    at a space between CJK words (in Korean a space only separates words)."""
    out, start = [], span[0]
    ends = _CLAUSE_END_SPACED if HANGUL.search(text, span[0], span[1]) else _CLAUSE_END
    for m in ends.finditer(text, span[0], span[1]):
        out.append((start, m.end()))
        start = m.end()
    out.append((start, span[1]))
    return [s for s in out if text[s[0]:s[1]].strip()]


def is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and not is_cjk(c)]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_SMALL = {"a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from", "as", "vs"}


def is_title_case(text: str) -> bool:
    """A Title Case Headline: capitals there prove no more than in an all-caps one. Not a text
    mostly in CJK script, where the few Latin words are names ("收购光子互联初创公司Celestial AI")."""
    if len(CJK_CHAR.findall(text)) * 2 >= len(re.findall(r"\w", text)):
        return False
    words = [w for w in _WORD.findall(text) if w.lower() not in _SMALL]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.85 * len(words)
