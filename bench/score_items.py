#!/usr/bin/env python3
"""Score the matcher on labeled items in-process (seconds, not the minute the black-box scorer
takes): per-story recall, per-item precision, traps. Same item format and label policy as
../shared/eval (see tests/data/real/README.md). The black-box figure is the one to quote; this
is for looking at what went wrong.

    .venv/bin/python bench/score_items.py tests/data/real/b1.jsonl [more.jsonl ...] [--show] [--config config.toml]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from watcher import config  # noqa: E402
from watcher.match import Matcher  # noqa: E402
from watcher.normalize import clean_text  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--config", default=str(Path(__file__).resolve().parents[1] / "config.toml"))
    ap.add_argument("--show", action="store_true", help="print every wrong item with its frames")
    a = ap.parse_args()
    cfg = config.load(a.config)
    m = Matcher(cfg.company, cfg.rule, cfg.watcher.context_words)
    items = [json.loads(line) for f in a.files for line in open(f, encoding="utf-8") if line.strip()]
    pos_stories = {i["story"] for i in items if i["alert"]}
    hit_stories: set[str] = set()
    alerts = wrong = 0
    traps = traps_right = 0
    for it in items:
        ex = m.explain(clean_text(it["title"]), clean_text(it["summary"]))
        fired = bool(ex.hits)
        if fired:
            alerts += 1
            hit_stories.add(it["story"])
            wrong += not it["alert"]
        if it.get("hard"):
            traps += 1
            traps_right += fired == it["alert"]
        if a.show and fired != it["alert"]:
            print(f"--- {'FALSE ALARM' if fired else 'MISSED'} {it['id']} ({it.get('why', '')})")
            print(f"    T: {it['title']}\n    S: {it['summary'][:300]}")
            for f, why in ex.frames:
                print(f"    frame {f.field}:{f.sentence} {f.kind}/{f.stage} {f.trigger!r} {f.alias or '(topic)'} "
                      f"{f.role} via {f.via} [{f.clause}] -> {why[0] + ': ' + why[1] if why else 'ALERT'}")
            for al, why, fld in ex.doubts:
                print(f"    doubt {al!r} ({fld}): {why}")
    recall = len(pos_stories & hit_stories) / max(1, len(pos_stories))
    precision = (alerts - wrong) / max(1, alerts)
    print(json.dumps({"items": len(items), "alerts": alerts, "false_alarms": wrong,
                      "missed_stories": len(pos_stories - hit_stories), "recall": round(recall, 3),
                      "precision": round(precision, 3), "traps": f"{traps_right}/{traps}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
