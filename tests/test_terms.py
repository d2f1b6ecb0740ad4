"""The rule language (terms.py) and the lexicon data files: every term either works or is refused
with a reason; the shipped lexicon obeys the same rules a user's config does."""
import re

import pytest

from watcher import config, lexicon, terms
from watcher.errors import ConfigError
from watcher.index import lexicon_entries
from watcher.lexicon.text import (
    amount_step,
    amount_value,
    fold,
    money_spans,
    round_figure,
    same_amount,
    split_clauses,
    to_simplified,
)
from watcher.match import Matcher


@pytest.mark.parametrize("text,error", [
    ("{moneyy} round", "unknown placeholder {moneyy}"),
    ("raise {money} {any} round", "stand side by side"),
    ("{company} invest {money}{company}", "side by side"),
    ("hire {company} and {company}", "appears twice"),
    ("{any} deal", "at the edge"),
    ("deal {any}", "at the edge"),
    ("{money}", "no word"),
    ("raise {money", "unbalanced brace"),
    ("", "non-empty"),
])
def test_terms_that_cannot_match_are_refused(text, error):
    with pytest.raises(terms.TermError, match=re.escape(error)):
        terms.parse(text)


@pytest.mark.parametrize("text,parts,literal", [
    ("acquire", ("acquire",), True),
    ("raise {money}", ("raise", "{money}"), False),
    ("hire {company}'s team", ("hire", "{company}", "'s team"), False),
    ("buy {any} chips", ("buy", "{any}", "chips"), False),
])
def test_terms_parse(text, parts, literal):
    t = terms.parse(text)
    assert t.parts == parts and t.literal is literal
    assert t.anchors  # something for the index to find


@pytest.mark.parametrize("exclusion,trigger,ok", [
    ("data acquisition", "acquisition", True),
    ("buy {any} chips", "buy", True),
    ("bought chips from", "buy", True),  # an inflection of the trigger
    ("raise prices", "funding", False),
    ("talent hunt", "acquisition", False),
    ("募集资金{any}现金管理", "募集资金", True),
])
def test_an_exclusion_must_contain_the_trigger_it_guards(exclusion, trigger, ok):
    assert terms.guards(terms.parse(exclusion), trigger) is ok


def _cfg(rule: str) -> str:
    return f'[[company]]\nname = "Groq"\n\n[[rule]]\nname = "deals"\n{rule}\n'


@pytest.mark.parametrize("rule,key", [
    ('events = ["acquisitions"]', "rule[0] (deals): events: 'acquisitions' is not an event kind"),
    ('events = ["acquisition"]\nkeywords = { takeover = ["swallow"] }', "keywords.takeover"),
    ('events = ["acquisition"]\nkeywords = { acquisition = ["swallow {whole}"] }',
     "keywords.acquisition[0]: unknown placeholder {whole}"),
    ('events = ["acquisition"]\nexclude = { acquisition = ["talent hunt"] }',
     "exclude.acquisition[0]: 'talent hunt' does not contain 'acquisition'"),
    ('events = ["funding"]\nexclude = { acquisition = ["data acquisition"] }',
     "exclude.acquisition: 'acquisition' is no trigger word of this rule"),
    ('events = ["funding"]\nexclude = { raise = ["{company} invest {money} in"] }', "exclude.raise[0]"),
    ('keywords = ["acquire"]', "rule[0] (deals).keywords: is now a table"),
    ('name2 = "x"', "unknown key"),
])
def test_rule_errors_name_the_key(rule, key):
    with pytest.raises(ConfigError) as e:
        config.loads(_cfg(rule))
    assert key in str(e.value), str(e.value)


def test_a_valid_rule_with_its_own_keywords_and_exclusions():
    cfg = config.loads(_cfg('events = ["acquisition"]\nkeywords = { acquisition = ["gobble up"] }\n'
                            'exclude = { acquisition = ["acquisition spree"] }'))
    m = Matcher(cfg.company, cfg.rule)
    assert m.explain("Nvidia gobbles up Groq").hits
    assert not m.explain("Groq acquisition spree continues").hits


def test_every_lexicon_term_parses_and_every_exclusion_guards_its_trigger():
    lex = lexicon.load()
    assert lexicon_entries(lex)  # each trigger term parses
    for lang, guard, text in lex.exclusions:
        assert terms.guards(terms.parse(text), guard), (lang, guard, text)
    for d in lex.triggers:
        assert d.kind in lexicon.KINDS and d.frame in lexicon.FRAMES and d.pos in ("verb", "noun")


def test_every_word_class_the_code_reads_exists():
    """A class the grammar asks for but no data file defines would silently match nothing."""
    import pathlib

    lex = lexicon.load()
    src = "".join(p.read_text() for p in pathlib.Path(lexicon.__file__).parents[1].rglob("*.py"))
    asked = set(re.findall(r'(?:is_|phrase_at|phrase_ending|phrases|has|cue_between|cue_spans|_cue|starts)\(\s*'
                           r'(?:[\w.]+,\s*)?"([a-z_]+)"', src))
    asked |= set(re.findall(r'lex\.has\("([a-z_]+)"', src))
    missing = sorted(c for c in asked if c not in lex.words)
    assert not missing, missing


# ----------------------------------------------------------------------------- text and languages
def test_one_definition_of_cjk_script():
    assert lexicon.is_cjk("摩") and lexicon.is_cjk("の") and lexicon.is_cjk("리") and not lexicon.is_cjk("a")


@pytest.mark.parametrize("traditional,simplified", [
    ("摩爾線程", "摩尔线程"), ("崑崙芯", "昆仑芯"), ("天數智芯", "天数智芯"), ("併購", "并购"), ("上櫃", "上柜"),
])
def test_traditional_chinese_reads_as_simplified(traditional, simplified):
    assert to_simplified(traditional) == simplified
    assert len(fold(traditional)) == len(traditional)


def test_clauses_split_at_commas_and_headline_spaces():
    text = "沙特宣布投资计划 Groq将建数据中心，规模最大"
    parts = [text[a:b].strip(" ，") for a, b in split_clauses(text, (0, len(text)))]
    assert parts == ["沙特宣布投资计划", "Groq将建数据中心", "规模最大"]
    korean = "리벨리온과 사피온이 합병한다, 연내 출범"  # in Korean a space only separates words
    assert [korean[a:b].strip(" ,") for a, b in split_clauses(korean, (0, len(korean)))] == [
        "리벨리온과 사피온이 합병한다", "연내 출범"]


@pytest.mark.parametrize("text,value,currency", [
    ("$1.5 billion", 1.5e9, "USD"), ("US$1.2bn", 1.2e9, "USD"), ("10亿元", 1e9, "CNY"),
    ("1 trillion won", 1e12, "KRW"), ("€50M", 5e7, "EUR"), ("HK$19.60", 19.6, "HKD"),
    ("$8-10 billion", 10e9, "USD"), ("$1 to 1.5 billion", 1.5e9, "USD"),  # a range: its upper end
    # Korean and Japanese write two units in one figure, and a currency word after them
    ("1조3000억원", 1.3e12, "KRW"), ("1兆3000億円", 1.3e12, "JPY"), ("1억2600만 달러", 1.26e8, "USD"),
    ("8억 위안", 8e8, "CNY"), ("3000만 달러", 3e7, "USD"), ("9억 달러", 9e8, "USD"), ("100億円", 1e10, "JPY"),
    ("1700億ウォン", 1.7e11, "KRW"), ("約1兆2000億ウォン", 1.2e12, "KRW"), ("32억5천만 달러", 3.25e9, "USD"),
    ("約32億5000万ドル", 3.25e9, "USD"), ("32亿5000万美元", 3.25e9, "USD"),
    # a currency sign before a CJK unit: "US$6億", "HK$54亿港元"
    ("US$6億", 6e8, "USD"), ("HK$54亿港元", 5.4e9, "HKD"), ("$6億ドル", 6e8, "USD"),
])
def test_amounts(text, value, currency):
    assert amount_value(text) == (pytest.approx(value), currency)
    spans = money_spans(fold(f"raised {text} today"))
    assert spans
    if "-" not in text and " to " not in text:  # the whole figure, not a part of it
        assert fold(f"raised {text} today")[spans[0][0]:spans[0][1]] == fold(text)


@pytest.mark.parametrize("text,step,round_", [
    ("$1.6 billion", 1e8, False), ("$640 million", 1e6, False), ("$700 million", 1e6, True),
    ("$20 billion", 1e9, False), ("$1,000", 1, True), ("6.93亿美元", 1e6, False), ("$8-10 billion", 1e9, False),
])
def test_the_rounding_of_an_amount(text, step, round_):
    assert amount_step(text) == pytest.approx(step)
    assert round_figure(text) is round_


@pytest.mark.parametrize("name,latin", [
    ("英伟达", "Nvidia"), ("輝達", "Nvidia"), ("英特爾", "Intel"), ("엔비디아", "Nvidia"), ("ソフトバンク", "SoftBank"),
    ("Intel", "Intel"), ("某科技巨头", "某科技巨头"),
])
def test_latin_names_of_counterparties(name, latin):
    assert lexicon.load().latin_name(name) == latin


def test_same_amount():
    assert same_amount("$1.5 Billion", "$1.5 billion") and same_amount("$20B", "$20 billion")
    assert not same_amount("$640M", "$750 million") and not same_amount("$1B", "1 billion yuan")


def test_short_irregular_verbs_inflect():
    from watcher.lexicon import phrase_forms
    assert {"goes public", "went public", "going public", "gone public"} <= phrase_forms("go public")


@pytest.mark.parametrize("text,figure", [
    ("리벨리온 6000억 투자 유치", "6000억"),  # a Korean sum in won told without 원, before what it is
    ("1조 규모 인수", "1조"),
    ("6000억을 벌었다", None),  # a bare figure before anything else is no sum
])
def test_korean_bare_won(text, figure):
    spans = money_spans(fold(text))
    got = fold(text)[spans[0][0]:spans[0][1]] if spans else None
    assert got == figure
    if figure:
        assert amount_value(figure)[1] == "KRW"


def test_the_lexicon_is_kept_between_runs_and_a_bad_copy_is_rebuilt(tmp_path, monkeypatch):
    """load() keeps what it built in the cache folder, keyed by the data files' bytes; a damaged
    copy is read as none, and a folder it cannot write to only means nothing is kept."""
    from watcher import lexicon

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = lexicon.load.__wrapped__()
    kept = list((tmp_path / "watcher").glob("lexicon-*.marshal"))
    assert len(kept) == 1
    assert lexicon.load.__wrapped__() == built  # read back from the copy
    kept[0].write_bytes(b"not marshal data")
    assert lexicon.load.__wrapped__() == built
    blocked = tmp_path / "file"
    blocked.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file where the folder should be
    assert lexicon.load.__wrapped__() == built
