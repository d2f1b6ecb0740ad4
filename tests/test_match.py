"""Table-driven matcher tests: tests/data/match_cases.jsonl run against the shipped config's
watchlist and rules (the lists a user gets), plus the language knowledge in match.py."""
import json
from pathlib import Path

import pytest

from watcher import config
from watcher.lexicon import phrase_forms, word_forms
from watcher.lexicon.text import fold, is_shouting, on_boundary, split_sentences
from watcher.match import Matcher

ROOT = Path(__file__).resolve().parents[1]
CASES = [json.loads(line) for line in (ROOT / "tests/data/match_cases.jsonl").read_text("utf-8").splitlines()
         if line.strip()]


@pytest.fixture(scope="module")
def shipped() -> Matcher:
    cfg = config.load(ROOT / "config.toml")
    return Matcher(cfg.company, cfg.rule, cfg.watcher.context_words)


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_shipped_rules(shipped, case):
    ex = shipped.explain(case["title"], case.get("summary", ""))
    got = [(h.rule, h.company) for h in ex.hits]
    if case["alert"]:
        assert (case["rule"], case["company"]) in got, (got, ex)
        hit = next(h for h in ex.hits if (h.rule, h.company) == (case["rule"], case["company"]))
        assert hit.alias and hit.keywords and hit.field  # every alert explains itself
    else:
        assert got == [], ex


def test_both_kinds_of_case_covered():
    assert sum(c["alert"] for c in CASES) >= 20
    assert sum(not c["alert"] for c in CASES) >= 15
    assert any("\u4e00" <= ch <= "\u9fff" for c in CASES for ch in c["title"])


@pytest.mark.parametrize("word,forms", [
    ("acquire", {"acquires", "acquired", "acquiring"}),
    ("buy", {"buys", "buying", "bought"}),
    ("sell", {"sold", "sells", "selling"}),
    ("snap", {"snaps", "snapped", "snapping"}),
    ("bag", {"bags", "bagged"}),
    ("license", {"licenses", "licensed", "licensing"}),
    ("IPO", {"IPOs"}),
    ("acquisition", {"acquisitions"}),
])
def test_word_forms(word, forms):
    assert forms <= word_forms(word)


def test_phrase_forms_inflect_each_word():
    assert {"snaps up", "snapped up"} <= phrase_forms("snap up")
    assert "funding rounds" in phrase_forms("funding round")


def _m(**company):
    c = config.Company(**company)
    r = config.Rule(name="capital", events=["funding", "valuation", "acquisition"])
    return Matcher([c], [r], ["chip"])


@pytest.mark.parametrize("title,alert", [
    ("Acme raises $120 million", True),
    ("Acme raises US$1.2bn", True),
    ("Acme raises more than €50M", True),
    ("Acme raises 1 trillion won", True),
    ("Acme raises prices", False),
    ("Acme lands $20 million contract and its valuation rises", True),  # valuation still counts
])
def test_money_placeholder(title, alert):
    assert bool(_m(name="Acme").explain(title).hits) is alert


def test_an_amount_that_is_a_contract_is_not_a_raise():
    m = Matcher([config.Company(name="Acme")], [config.Rule(name="capital", events=["funding"])])
    assert not m.explain("Acme lands $20 million contract").hits
    assert m.explain("Acme lands $20 million").hits


def test_word_boundaries_latin_only():
    m = _m(name="Acme", aliases=["艾克美"])
    assert not m.explain("Acmecorp valuation soars").hits  # no boundary after the alias
    assert m.explain("芯片公司艾克美收购一家初创公司").hits  # CJK needs none
    assert on_boundary("a acme b", 2, 6) and not on_boundary("xacme", 1, 5)


def test_case_sensitive_alias_and_shouting():
    m = _m(name="Etched", case_sensitive=["Etched"])
    assert m.explain("Etched valuation tops $5 billion").hits
    assert not m.explain("chips etched at 2nm lift valuation").hits
    assert m.explain("ETCHED VALUATION TOPS $5 BILLION", "The transformer chip startup ...").hits
    assert not m.explain("ETCHED IN STONE: VALUATION TOPS $5 BILLION").hits  # shouting needs context
    assert is_shouting("ETCHED VALUATION TOPS") and not is_shouting("Etched Valuation")


def test_ambiguous_alias_needs_context_in_the_item():
    m = _m(name="Esperanto Technologies", ambiguous=["Esperanto"])
    assert m.explain("Esperanto chip valuation rises").hits
    assert not m.explain("Esperanto course valuation rises. Learners flock to the language.").hits
    assert m.explain("Esperanto valuation rises", "The RISC-V chip designer said ...").hits  # context in summary
    assert m.explain("Esperanto Technologies valuation rises").hits


def test_other_holders_of_a_name():
    m = _m(name="Ampere Computing", aliases=["Ampere"], exclude=["Nvidia Ampere"])
    assert not m.explain("Nvidia Ampere valuation questioned").hits
    assert m.explain("Ampere valuation questioned").hits


def test_same_sentence_required():
    m = _m(name="Acme")
    assert not m.explain("Big deal announced.", "Its valuation jumped. Rivals include Acme.").hits
    assert m.explain("x", "Analysts agree Acme's valuation jumped.").hits


def test_filing_forms_are_events():
    c = config.Company(name="Cerebras")
    r = config.Rule(name="capital", forms=["RW", "8-K:1.01"])
    m = Matcher([c], [r])
    hit, = m.explain("Cerebras filed RW", form="RW", company="Cerebras").hits
    assert hit.field == "filing" and hit.keywords == ("RW",)
    assert m.explain("x", form="8-K", form_items=("1.01", "9.01"), company="Cerebras").hits
    assert not m.explain("x", form="8-K", form_items=("5.02",), company="Cerebras").hits


def test_units_and_fold():
    text = "Acme Inc. raised money. Then it said 好的，再见。"
    units = [text[a:b].strip() for a, b in split_sentences(text)]
    assert units[0] == "Acme Inc. raised money."
    # a sentence may open with a name written in lower case; an abbreviation still ends none
    text = "It ships cards from the spring. d-Matrix raised $275 million. xAI said so. See e.g. approx. values."
    assert [text[a:b].strip() for a, b in split_sentences(text)] == [
        "It ships cards from the spring.", "d-Matrix raised $275 million.", "xAI said so.", "See e.g. approx. values."]
    assert len(fold("İstanbul")) == len("İstanbul")


def test_thousands_of_names_and_keywords():
    """Thousands of names and keywords in one index still find the one that is there (speed is
    measured in bench/bench_poll.py, not here)."""
    companies = [config.Company(name=f"Startup{i}", aliases=[f"Alias{i} Labs"]) for i in range(3000)]
    rule = config.Rule(name="deals", events=["acquisition"],
                       keywords={"acquisition": [f"keyword{i}" for i in range(2000)]})
    m = Matcher(companies, [rule])
    hit, = m.explain("Startup2999 agrees to be acquired by a rival").hits
    assert hit.company == "Startup2999"
    assert m.explain("Alias17 Labs keyword1999 a rival").hits[0].company == "Startup17"
