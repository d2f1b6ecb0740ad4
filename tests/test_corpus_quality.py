"""Alert judgement on whole labeled sets, in-process: the dev set of ../shared/eval and the
real-article corpus of tests/data/real/ (1,162 items from real outlets, see its README). The
floors sit just under today's figures so that a change that trades one kind of item for another
shows up here; the black-box scorer (../shared/tools/eval_alerts.py) gives the figures to quote."""
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from watcher.match import Matcher
from watcher.normalize import clean_text

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev_items.jsonl"
REAL = sorted((ROOT / "tests" / "data" / "real").glob("b[0-9]*.jsonl"))
# batches scored at first sight and not yet tuned on: held to the format, not to the figures
UNTUNED = sorted((ROOT / "tests" / "data" / "real" / "untuned").glob("b[0-9]*.jsonl"))
# items written blind to the matcher in the corpus format, scored at first sight, then tuned on (see its README)
WRITTEN = sorted((ROOT / "tests" / "data" / "written").glob("w[0-9]*.jsonl"))
# the items are judged as the eval serves them: published now, as of when the labels were set
# (a fixed date keeps "in 2026" from turning into history as the calendar moves)
LABELLED = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def fires(shipped_matcher: Matcher):
    """fires(item): whether the shipped config alerts on it; each text is judged once per module
    (the whole corpus and each of its batches are scored from the same verdicts)."""
    verdicts: dict[tuple[str, str], bool] = {}

    def judge(it: dict) -> bool:
        key = (it["title"], it["summary"])
        if key not in verdicts:
            verdicts[key] = bool(shipped_matcher.explain(clean_text(it["title"]), clean_text(it["summary"]),
                                                         published=LABELLED).hits)
        return verdicts[key]

    return judge


def score(fires, items: list[dict]) -> tuple[float, float, list[str]]:
    """(story recall, item precision, the ids it got wrong)."""
    positive = {i["story"] for i in items if i["alert"]}
    caught: set[str] = set()
    alerts = wrong = 0
    errors = []
    for it in items:
        fired = fires(it)
        if fired:
            alerts += 1
            caught.add(it["story"])
            wrong += not it["alert"]
        if fired != it["alert"]:
            errors.append(it["id"])
    return len(caught & positive) / max(1, len(positive)), (alerts - wrong) / max(1, alerts), errors


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_dev_set(fires) -> None:
    if not DEV.exists():
        pytest.skip(f"{DEV} lives beside the checkout (../shared), not in it")
    recall, precision, errors = score(fires, _load(DEV))
    assert recall == 1.0 and precision == 1.0, errors


def test_real_article_corpus(fires) -> None:
    items = [it for p in REAL for it in _load(p)]
    assert len(items) >= 600
    recall, precision, errors = score(fires, items)
    assert recall >= 0.98 and precision >= 0.98, (recall, precision, errors)


# the sets still short of the bar after their fixes, held to where they stand (see the README there)
WRITTEN_FLOORS = {"w4-en": (0.91, 0.94), "w4-cjk": (0.96, 0.90), "w5-en": (0.94, 0.93), "w5-cjk": (0.96, 0.99),
                  "w6-en": (0.91, 0.95), "w6-cjk": (0.93, 0.92),
                  "w7-en": (0.89, 0.97), "w7-cjk": (0.97, 0.97),
                  "w8-en": (0.99, 0.95), "w8-cjk": (0.96, 0.95), "w9-en": (0.96, 0.97),
                  "w10-en": (0.96, 0.99), "w11-en": (0.99, 0.95),
                  "w13-en": (0.97, 0.97), "w15-cjk": (0.97, 0.97),
                  # w16 puts a third of its events in a lead's third sentence, which the matcher does not read
                  "w16-en": (0.92, 0.92), "w16-cjk": (0.79, 0.94), "w17-en": (0.99, 0.97), "w17-cjk": (0.99, 0.97),
                  "w18-en": (0.99, 0.97), "w18-cjk": (0.99, 0.95),
                  # w19-en: two of its labels conflict with earlier sets (venture debt, a joint venture)
                  "w19-en": (0.99, 0.88), "w21-en": (0.99, 0.86),
                  # w22-cjk: stock stories after a listing retell it (see the README)
                  "w22-en": (0.99, 0.87), "w22-cjk": (0.99, 0.6),
                  "w23-en": (0.99, 0.8), "w23-cjk": (0.99, 0.6),
                  # w24-en is left untuned, as a clean measure of realistic traffic (see the README)
                  "w24-en": (0.99, 0.72), "w24-cjk": (0.9, 0.68),
                  "w25-en": (0.99, 0.9), "w26-en": (0.99, 0.74), "w26-cjk": (0.99, 0.9),
                  "w27-en": (0.99, 0.85), "w27-cjk": (0.99, 0.72),
                  "w28-en": (0.99, 0.94), "w28-cjk": (0.99, 0.94),
                  "w29-en": (0.99, 0.88), "w29-cjk": (0.99, 0.77),
                  "w30-en": (0.99, 0.84), "w30-cjk": (0.99, 0.8),
                  "w31-en": (0.99, 0.95), "w31-cjk": (0.99, 0.99),
                  "w32-en": (0.99, 0.94), "w32-cjk": (0.99, 0.95),
                  "w33-en": (0.99, 0.93), "w33-cjk": (0.99, 0.99),
                  "w34-en": (0.99, 0.93), "w34-cjk": (0.99, 0.95),
                  "w35-en": (0.99, 0.94), "w35-cjk": (0.99, 0.95)}


@pytest.mark.parametrize("path", WRITTEN, ids=[p.stem for p in WRITTEN])
def test_each_written_set(fires, path: Path) -> None:
    recall, precision, errors = score(fires, _load(path))
    floor_r, floor_p = WRITTEN_FLOORS.get(path.stem, (0.97, 0.97))
    assert recall >= floor_r and precision >= floor_p, (recall, precision, errors)


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_each_batch(fires, path: Path) -> None:
    recall, precision, errors = score(fires, _load(path))
    assert recall >= 0.9 and precision >= 0.94, (recall, precision, errors)


def test_corpus_items_are_well_formed() -> None:
    fields = {"id", "story", "dup", "feed", "lang", "title", "summary", "link", "alert", "hard", "why"}
    ids, links = set(), set()
    for p in REAL + UNTUNED + WRITTEN:
        for it in _load(p):
            assert set(it) == fields, (p.name, it.get("id"))
            assert it["id"] not in ids and it["link"] not in links, it["id"]
            ids.add(it["id"])
            links.add(it["link"])
