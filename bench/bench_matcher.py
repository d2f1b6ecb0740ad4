#!/usr/bin/env python3
"""Matcher at scale: the shipped rules and companies plus synthetic ones (5,000 companies in all,
about 8,000 aliases), judging 20,000 normalized news items of filler text of which about 1% name a
watched company beside a deal word ("Qortana AI agrees to be acquired by Broadcom").

    .venv/bin/python bench/bench_matcher.py [--companies 5000] [--items 20000]

Times build_matcher() once, then Matcher.match() over every item after one warm-up pass.
Target: >= 50,000 items/s with 5,000 aliases. Prints one JSON line."""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from watcher import config  # noqa: E402
from watcher.match import build_matcher  # noqa: E402
from watcher.models import Item, RawItem  # noqa: E402
from watcher.normalize import normalize  # noqa: E402

ONSETS = ("b br c cr d dr f fl g gr h j k kr l m n p pr q qu r s st t tr v vr x z zh th ph sk".split())
VOWELS = ("a e i o u y ae ai ei io ou".split())
CODAS = ("n r x l m s th nt rk q v z".split() + [""] * 4)
SUFFIXES = ("AI", "Labs", "Systems", "Semiconductor", "Silicon", "Technologies", "Compute", "Photonics",
            "Microsystems", "Devices")
ACQUIRERS = ("Nvidia", "AMD", "Intel", "Qualcomm", "Broadcom", "Marvell", "Arm", "SoftBank", "Samsung",
             "Meta", "Microsoft", "Alphabet")
DEALS = (
    "{x} agrees to be acquired by {y}",
    "{y} to acquire {x} for ${n} million",
    "{y} buys chip startup {x} in ${n} million deal",
    "{x} explores a sale after takeover interest from {y}",
    "{x} raises ${n} million in Series C round led by {y}",
    "{y} licenses {x} technology and hires its team",
)
FILLER = (
    "the a of to in and for on with as at by from that this its their new said says will would could year "
    "quarter market markets analyst analysts revenue growth demand supply shares stock investors company "
    "companies data center centers cloud chip chips semiconductor wafer foundry packaging yield export "
    "controls policy government report reports earnings forecast outlook customers product products "
    "launch launched announced plans capacity power cooling network networks memory bandwidth server "
    "servers model models training inference software developers platform industry global record price "
    "prices sales percent billion million week month executive chief officer interview conference "
    "europe asia china united states japan korea taiwan india tariffs factory factories production energy "
    "battery vehicles phone smartphone laptop pc gaming display storage security startup startups research"
).split()


def syllable(rnd: random.Random) -> str:
    return rnd.choice(ONSETS) + rnd.choice(VOWELS) + rnd.choice(CODAS)


def synthetic_companies(n: int, taken: set[str], rnd: random.Random) -> list[config.Company]:
    """n made-up chip startups: "Qortana AI", some with an alias or two ("Qortana", "Qortana Inc")."""
    out: list[config.Company] = []
    stems: set[str] = set()
    while len(out) < n:
        stem = "".join(syllable(rnd) for _ in range(rnd.choice((2, 2, 3)))).capitalize()
        if len(stem) < 5 or stem.casefold() in stems or stem.casefold() in taken:
            continue
        stems.add(stem.casefold())
        name = f"{stem} {rnd.choice(SUFFIXES)}"
        r = rnd.random()
        aliases = [] if r < 0.45 else [f"{stem} Inc"] if r < 0.8 else [stem, f"{stem} Inc"]
        out.append(config.Company(name=name, aliases=aliases))
    return out


def filler(rnd: random.Random, words: int) -> str:
    sents, left = [], words
    while left > 0:
        k = min(left, rnd.randint(8, 20))
        sents.append(" ".join(rnd.choice(FILLER) for _ in range(k)).capitalize() + ".")
        left -= k
    return " ".join(sents)


def make_items(n: int, companies: list[config.Company], rnd: random.Random, hot_share: float = 0.01
               ) -> tuple[list[Item], int]:
    now = datetime.now(UTC)
    items, planted = [], 0
    for i in range(n):
        title = filler(rnd, rnd.randint(7, 13)).rstrip(".")
        summary = filler(rnd, rnd.randint(40, 90))
        if rnd.random() < hot_share:
            planted += 1
            c = rnd.choice(companies)
            x = rnd.choice(c.all_aliases)
            deal = rnd.choice(DEALS).format(x=x, y=rnd.choice(ACQUIRERS), n=rnd.randint(50, 900))
            if rnd.random() < 0.7:
                title = deal
            else:
                summary = deal + ". " + summary
        raw = RawItem(guid=f"m{i}", title=title, link=f"https://news{i % 97}.example.com/2026/a/{i}",
                      summary=summary, published=now - timedelta(minutes=i % 600))
        items.append(normalize(raw, "bench"))
    return items, planted


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=5000, help="companies in all (shipped + synthetic)")
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    cfg = config.load(ROOT / "config.toml")
    shipped = list(cfg.company)
    taken = {alias.casefold() for c in shipped for alias in c.all_aliases}
    companies = shipped + synthetic_companies(max(0, a.companies - len(shipped)), taken, rnd)
    cfg2 = cfg.model_copy(update={"company": companies})
    aliases = sum(len(c.all_aliases) for c in companies)

    t = time.perf_counter()
    m = build_matcher(cfg2)
    m.match(normalize(RawItem(guid="w", title="warm-up", link=None), "bench"))  # anything built lazily
    build_s = time.perf_counter() - t

    t = time.perf_counter()
    items, planted = make_items(a.items, companies, rnd)
    gen_s = time.perf_counter() - t

    for it in items:  # warm-up pass
        m.match(it)
    t = time.perf_counter()
    hits = hit_items = 0
    prefilter = 0
    for it in items:
        h = m.match(it)
        if h:
            hit_items += 1
            hits += len(h)
    match_s = time.perf_counter() - t
    t = time.perf_counter()
    for it in items:  # the cheap pass alone (no watched name anywhere: most items stop here)
        prefilter += m.names_any(it.title) or m.names_any(it.summary)
    prefilter_s = time.perf_counter() - t

    fig = dict(companies=len(companies), aliases=aliases, items=len(items), planted=planted,
               hit_items=hit_items, hits=hits, prefilter_passed=prefilter,
               build_s=round(build_s, 3), gen_s=round(gen_s, 2), match_s=round(match_s, 3),
               prefilter_s=round(prefilter_s, 3), prefilter_share=round(prefilter_s / match_s, 2),
               items_per_s=round(len(items) / match_s), us_per_item=round(1e6 * match_s / len(items), 2))
    print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
