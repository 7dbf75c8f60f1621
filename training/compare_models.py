#!/usr/bin/env python3
"""Two sets of hybrid models on the same labelled conversations, and how sure their difference is.

    git show HEAD~1:src/turntoward/analysis/models/hybrid.npz > /tmp/old.npz
    .venv/bin/python training/compare_models.py src/turntoward/analysis/models/hybrid.npz /tmp/old.npz corpus/heldout

Prints each measure by the new models and by the old, and the 95% interval of new minus old on
the same resamples of the conversations (`Scores.intervals(minus=...)`, a paired bootstrap): how
far the difference depends on which conversations happened to be labelled. An interval that holds
zero is no evidence either way. (It does not cover how far a retrain itself moves the figures:
three runs on the same data with different casual copies differed by up to 0.011 of held-out
outcome macro-F1 and 0.09 of against recall; docs/accuracy.md, "Groups: an answer, or only the next words".)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from turntoward.analysis.backends.hybrid import HybridBackend, load_models
from turntoward.analysis.scoring import Scores, differences, score
from turntoward.api import judge


def _models(path: str) -> HybridBackend:
    return HybridBackend(load_models(Path(path).read_bytes()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("new", help="the new models (.npz, as the training script writes them)")
    ap.add_argument("old", help="the models to compare against")
    ap.add_argument("paths", nargs="+", help="folders or files of labelled conversations")
    args = ap.parse_args()
    new, old = Scores(), Scores()
    for judged in judge(args.paths, (_models(args.new), _models(args.old))):  # each file read once for both
        authors = [m.author for m in judged.conversation.messages]
        new.add(score(judged.gold, judged.labels[0], authors=authors))
        old.add(score(judged.gold, judged.labels[1], authors=authors))
    print(f"{new.conversations} conversations, {new.messages} messages; new, old, new minus old (95% interval)")
    for label, x, y, pair in differences(new, old):
        sure = f"({pair[0]:+.3f} to {pair[1]:+.3f})" if pair else ""
        print(f"  {label:22s} {x:.3f}  {y:.3f}  {x - y:+.3f}  {sure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
