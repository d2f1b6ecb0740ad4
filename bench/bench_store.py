#!/usr/bin/env python3
"""Store at scale: 1,000,000 items ingested into a fresh SQLite file through Store.ingest (the path
a poll takes), 1,000 items a call over 50 sources, nothing matched; then 10 batches of items
already stored ingested again (every key known: the dedupe lookups of a quiet poll).

    .venv/bin/python bench/bench_store.py [--items 1000000] [--batch 1000] [--sources 50]

Reports insert rate (overall, and over the first and last tenth of the batches), bytes per item
(database + WAL after a checkpoint) and dedupe lookups per second; asserts the re-ingest found
nothing new. Item generation (filler text, normalize()) is not timed. Prints one JSON line."""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_matcher  # noqa: E402  (sys.path: also puts the project root first)

from watcher.models import Item, RawItem  # noqa: E402
from watcher.normalize import normalize  # noqa: E402
from watcher.store import Store  # noqa: E402


def batches(n: int, size: int, sources: int, now: datetime, rnd: random.Random):
    """(source, items) batches of unique keys and URLs; filler text from a pool of sentences."""
    pool = [bench_matcher.filler(rnd, rnd.randint(8, 20)) for _ in range(5000)]
    for b, lo in enumerate(range(0, n, size)):
        src = f"s{b % sources}"
        items: list[Item] = []
        for i in range(lo, min(n, lo + size)):
            title = rnd.choice(pool).rstrip(".") + f" {i}"
            summary = " ".join(rnd.choice(pool) for _ in range(rnd.randint(2, 4)))
            raw = RawItem(guid=f"{src}-{i}", title=title, link=f"https://news{b % sources}.example.com/2026/a/{i}",
                          summary=summary, published=now - timedelta(seconds=i % 86400))
            items.append(normalize(raw, src))
        yield src, items


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--sources", type=int, default=50)
    ap.add_argument("--dedupe-batches", type=int, default=10)
    ap.add_argument("--keep", action="store_true", help="keep the database (its path goes to stderr)")
    a = ap.parse_args()
    t_all = time.perf_counter()
    rnd = random.Random(5)
    now = datetime.now(UTC).replace(microsecond=0)
    work = Path(tempfile.mkdtemp(prefix="watcher-bench-store-"))
    db = work / "x.db"
    st = Store(f"sqlite:///{db}")
    nbatches = -(-a.items // a.batch)
    keep_at = {round(k * (nbatches - 1) / max(1, a.dedupe_batches - 1)) for k in range(a.dedupe_batches)}
    kept: list[tuple[str, list[Item]]] = []
    times: list[float] = []
    stored = gen_s = 0.0
    try:
        t = time.perf_counter()
        for b, (src, items) in enumerate(batches(a.items, a.batch, a.sources, now, rnd)):
            t0 = time.perf_counter()
            gen_s += t0 - t
            r = st.ingest(src, items, {}, now=now, story_window=86400, event_window=14 * 86400)
            t = time.perf_counter()
            times.append(t - t0)
            stored += r.new_items
            if b in keep_at:
                kept.append((src, items))
        insert_s = sum(times)
        assert stored == a.items, f"stored {stored} of {a.items} items"

        lookups = 0
        t = time.perf_counter()
        for src, items in kept:
            r = st.ingest(src, items, {}, now=now, story_window=86400, event_window=14 * 86400)
            assert r.new_items == 0, f"re-ingest of known items stored {r.new_items} new ones"
            lookups += len(items)
        dedupe_s = time.perf_counter() - t
        st.close()

        with sqlite3.connect(db) as c:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = sum(p.stat().st_size for p in work.iterdir() if p.name.startswith("x.db"))
        tenth = max(1, len(times) // 10)
        fig = dict(items=a.items, batch=a.batch, sources=a.sources,
                   insert_s=round(insert_s, 1), insert_items_per_s=round(a.items / insert_s),
                   insert_items_per_s_first_tenth=round(sum(len_of(a, i) for i in range(tenth)) / sum(times[:tenth])),
                   insert_items_per_s_last_tenth=round(
                       sum(len_of(a, i) for i in range(len(times) - tenth, len(times))) / sum(times[-tenth:])),
                   ms_per_batch_max=round(1000 * max(times), 1),
                   db_mb=round(size / 2**20, 1), bytes_per_item=round(size / a.items),
                   dedupe_items=lookups, dedupe_s=round(dedupe_s, 3), dedupe_lookups_per_s=round(lookups / dedupe_s),
                   gen_s=round(gen_s, 1), total_s=round(time.perf_counter() - t_all, 1))
        print(json.dumps(fig))
        return 0
    finally:
        if a.keep:
            print(db, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def len_of(a: argparse.Namespace, b: int) -> int:
    return min(a.batch, a.items - b * a.batch)


if __name__ == "__main__":
    sys.exit(main())
