"""decide.py: each named check with its own table of frames (pure: no text, no matcher)."""
from dataclasses import replace

import pytest

from watcher import decide
from watcher.decide import Item
from watcher.frames import Frame

BASE = Frame(kind="funding", stage=None, trigger="raises", company=0, alias="Groq", role="recipient", via="subject")


@pytest.mark.parametrize("frame,expected", [
    (BASE, None),
    (replace(BASE, doubt=decide.AMBIGUOUS_NAME), decide.AMBIGUOUS_NAME),
    # "closes acquisition of Ampere": only a company is bought
    (replace(BASE, kind="acquisition", role="target", via="of", doubt=decide.AMBIGUOUS_NAME), None),
    (replace(BASE, kind="acquisition", role="target", via="of", doubt=decide.CAPITALISED), decide.CAPITALISED),
])
def test_identity(frame, expected):
    assert decide.identity(frame, Item()) == expected


@pytest.mark.parametrize("kind,role,ok", [
    ("acquisition", "target", True), ("acquisition", "acquirer", True), ("acquisition", "bystander", False),
    ("acquisition", "modifier", False), ("sale", "seller", True),
    ("sale", "buyer", True),  # a watched startup buying a business is a deal
    ("merger", "party", True), ("acquihire", "team", True), ("acquihire", "party", False),
    ("licence", "licensor", True), ("licence", "licensee", False), ("funding", "recipient", True),
    ("funding", "investor", False), ("valuation", "issuer", True), ("ipo", "issuer", True),
    ("ipo", "modifier", False), ("deal", "party", True), ("spac", "party", True),
])
def test_role(kind, role, ok):
    assert (decide.role(replace(BASE, kind=kind, role=role), Item()) is None) is ok


HEADLINE_SUM = replace(BASE, field="title", amount="£100m", via="compound")


@pytest.mark.parametrize("frame,item,ok", [
    (HEADLINE_SUM, Item(), True),
    # the lead has the company investing the headline's sum in itself: "Fractile will invest £100 million"
    (HEADLINE_SUM, Item(lead_investments=((0, "£100 million"),)), False),
    (HEADLINE_SUM, Item(lead_investments=((0, "£20 million"),)), True),  # another sum
    (HEADLINE_SUM, Item(lead_investments=((1, "£100 million"),)), True),  # another company
    (replace(HEADLINE_SUM, field="summary"), Item(lead_investments=((0, "£100 million"),)), True),
])
def test_role_lead_says_whose_money(frame, item, ok):
    assert (decide.role(frame, item) is None) is ok


@pytest.mark.parametrize("frame,item,ok", [
    (BASE, Item(), True),
    (replace(BASE, customer="buys chips"), Item(), False),
    # the lead shows the headline's sum to be a customer's commitment
    (replace(BASE, amount="$1.5 Billion"), Item(customer_amounts=("$1.5 billion",)), False),
    (replace(BASE, amount="$640M"), Item(customer_amounts=("$1.5 billion",)), True),
    # a priced "deal" among capacity words, with no acquisition, licence or team in the item
    (replace(BASE, kind="deal", role="party"), Item(customer_words="megawatts"), False),
    (replace(BASE, kind="deal", role="party"), Item(customer_words="capacity", deal_words=True), True),
    # a lead's "the funding" under a headline whose sum is a grant is the grant; a round it names is its own
    (replace(BASE, field="summary", alias="", trigger="funding"), Item(headline_sum_is="grant"), False),
    (replace(BASE, field="summary", alias="", trigger="Series C round"), Item(headline_sum_is="grant"), True),
    # "EnCharge AI wins $18.6M DARPA award" / "EnCharge AI has received $18.6M in funding from DARPA": the
    # lead's word for the award, whether it names the company or not
    (replace(BASE, field="summary", alias="Groq", trigger="funding"), Item(headline_sum_is="grant"), False),
    (replace(BASE, field="summary", alias="Groq", trigger="Series B funding"), Item(headline_sum_is="grant"), True),
    (replace(BASE, field="title", alias="", trigger="funding"), Item(headline_sum_is="grant"), True),
])
def test_customer(frame, item, ok):
    assert (decide.customer(frame, item) is None) is ok


@pytest.mark.parametrize("frame,item,ok", [
    (BASE, Item(), True),
    (replace(BASE, background="in a relative clause"), Item(), False),
    (BASE, Item(proceeds="募投"), False),
    (replace(BASE, kind="acquisition", role="target"), Item(proceeds="募投"), True),
    # a headline's listing stands when only the lead turns to the proceeds; a headline raise does not
    (replace(BASE, kind="ipo", role="issuer", field="title"), Item(proceeds="IPO proceeds"), True),
    (replace(BASE, kind="ipo", role="issuer", field="title"), Item(proceeds="IPO proceeds", proceeds_in_title=True),
     False),
    (replace(BASE, kind="ipo", role="issuer", field="summary"), Item(proceeds="IPO proceeds"), False),
    (replace(BASE, field="title"), Item(proceeds="募投"), False),
    # money raised to date in a lead counts only under a headline that has a deal or a sum in it
    (replace(BASE, field="summary", to_date=True), Item(headline_quiet=True), False),
    (replace(BASE, field="summary", to_date=True), Item(headline_quiet=False), True),
    (replace(BASE, field="summary", to_date=False), Item(headline_quiet=True), True),
    (replace(BASE, field="title", to_date=True), Item(headline_quiet=True), True),
])
def test_background(frame, item, ok):
    assert (decide.background(frame, item) is None) is ok


@pytest.mark.parametrize("frame,item,ok", [
    (BASE, Item(), True),
    (replace(BASE, modality="denial"), Item(), False),
    (replace(BASE, modality="negated"), Item(), False),
    (replace(BASE, modality="speculation"), Item(), False),
    (replace(BASE, question=True), Item(), False),
    (replace(BASE, question=True), Item(report_in_question=True), True),
    (replace(BASE, question=True, field="summary"), Item(), True),
    (replace(BASE, field="summary"), Item(denied=((0, "funding"),)), False),
    (replace(BASE, field="summary"), Item(denied=((0, "ipo"),)), True),
])
def test_modality(frame, item, ok):
    assert (decide.modality(frame, item) is None) is ok


@pytest.mark.parametrize("frame,item,ok", [
    (BASE, Item(), True),
    (BASE, Item(opinion="Opinion"), False),
    (replace(BASE, kind="valuation", role="issuer"), Item(weighs="bubble"), False),
    (BASE, Item(weighs="bubble"), True),  # a real raise in a headline that also talks of a bubble
    (replace(BASE, field="summary"), Item(weighs="bubble", headline_alerts=False), False),
    (replace(BASE, field="summary", news=True), Item(weighs="bubble"), True),
    (BASE, Item(weighs="泡沫", headline_names=False), False),
])
def test_opinion(frame, item, ok):
    assert (decide.opinion(frame, item) is None) is ok


@pytest.mark.parametrize("frame,item,ok", [
    (BASE, Item(focus="launches"), True),  # a headline frame is never held by focus
    (replace(BASE, field="summary"), Item(), True),
    (replace(BASE, field="summary"), Item(focus="launches"), False),
    (replace(BASE, field="summary", news=True), Item(focus="launches"), True),
    (replace(BASE, field="summary"), Item(focus="launches", headline_alerts=True), True),
    (replace(BASE, field="summary", amount="$350 million"), Item(focus="Build", headline_amounts=("$350M",)), True),
])
def test_focus(frame, item, ok):
    assert (decide.focus(frame, item) is None) is ok


SECOND = replace(BASE, field="summary", sentence=1)
RECALLS = Item(second_recalls="日前已")


@pytest.mark.parametrize("frame,item,ok", [
    (SECOND, RECALLS, False),  # "…驱动更新" / "公司科创板上市申请日前已获…通过"
    (SECOND, Item(), True),  # no word recalls it
    (replace(SECOND, sentence=0), RECALLS, True),  # the first sentence is the lead's news
    (replace(SECOND, field="title"), RECALLS, True),
    (SECOND, replace(RECALLS, second_adds=True), True),  # "集团同日公告，旗下昆仑芯已…递表"
    (SECOND, replace(RECALLS, told_first=frozenset({(0, "capital")})), True),  # the headline told this round
    (SECOND, replace(RECALLS, told_first=frozenset({(0, "deal")})), False),  # ... it told a licence taken in
    (SECOND, replace(RECALLS, told_first=frozenset({(1, "capital")})), False),  # ... another company's round
    (SECOND, replace(RECALLS, scene_families=frozenset({"capital"})), True),  # a headline about rounds in general
    (SECOND, replace(RECALLS, scene_families=frozenset({"listing"})), False),
    (replace(SECOND, amount="$650 million"), replace(RECALLS, headline_amounts=("$650 Million",)), True),
])
def test_recalled(frame, item, ok):
    assert (decide.recalled(frame, item) is None) is ok
    assert (decide.focus(frame, item) is None) is ok or item.focus is not None


@pytest.mark.parametrize("sentence,ok", [(0, True), (1, True), (2, False)])
def test_lead(sentence, ok):
    assert (decide.lead(replace(BASE, field="summary", sentence=sentence), Item()) is None) is ok


def test_judge_names_the_first_failing_check_and_lets_the_headline_lead():
    head = replace(BASE, field="title")
    lead = replace(BASE, field="summary", trigger="round")
    judged = decide.judge([head, lead], Item(focus="launches"))
    assert [why for _, why in judged] == [None, None]  # the headline alerts, so the lead may too
    bad_head = replace(head, background="in a relative clause")
    judged = decide.judge([bad_head, lead], Item(focus="launches"))
    assert judged[0][1] == ("background", "in a relative clause")
    assert judged[1][1] is not None and judged[1][1][0] == "focus"
