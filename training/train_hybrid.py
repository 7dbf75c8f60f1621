#!/usr/bin/env python3
"""Train the hybrid backend's models on the labelled development corpus and save the weights.

    .venv/bin/python training/train_hybrid.py [--cv 5] [--corpus corpus/dev examples/labelled]

Writes src/turntoward/analysis/models/hybrid.npz. With --cv K, first prints K-fold
cross-validated scores (folds by conversation) so settings can be chosen without touching the
held-out split; the held-out split is measured afterwards with `turntoward evaluate`.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from turntoward.analysis.backends._linear import LinearModel, save, train
from turntoward.analysis.backends.hybrid import MODELS, HybridBackend
from turntoward.analysis.scoring import Scores, score
from turntoward.ingest import Source
from turntoward.ingest.labelled import read_labelled

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/turntoward/analysis/models/hybrid.npz"
CLASSES = {
    "kind": ["none", "attention", "question", "news", "feelings", "affection", "humor", "invitation", "support",
             "repair", "checkin"],
    "horseman": ["none", "criticism", "contempt", "defensiveness", "stonewalling"],
    "control": ["no", "yes"],
    "repair": ["no", "yes"],
    "accountability": ["none", "owns", "deflects"],
    "outcome": ["toward", "away", "against"],
}
SETTINGS = {  # L2 strength, epochs and weight of the non-default classes, chosen by CV on the dev split
    "kind": (3e-4, 150, 2.0), "horseman": (1e-3, 150, 2.0), "control": (1e-3, 150, 2.0),
    "repair": (1e-3, 150, 2.0), "accountability": (1e-3, 150, 2.0), "outcome": (1e-3, 150, 2.0),
}


def load_corpus(folders: list[str]) -> list[tuple]:
    items = []
    for folder in folders:
        for f in sorted(Path(folder).glob("*.json")):
            items.append(read_labelled(Source(str(f), path=f)))
    return items


def fit(items: list[tuple], be: HybridBackend) -> dict[str, LinearModel]:
    rows = {k: [] for k in MODELS}
    answers = {k: [] for k in MODELS}
    for conv, gold in items:
        tr = be.training_rows(conv, gold)
        for k in MODELS:
            rows[k] += tr.rows[k]
            answers[k] += tr.answers[k]
    models = {}
    for k in MODELS:
        l2, epochs, boost = SETTINGS[k]
        weights = {c: (1.0 if i == 0 else boost) for i, c in enumerate(CLASSES[k])}
        models[k] = train(rows[k], answers[k], CLASSES[k], l2=l2, epochs=epochs, class_weight=weights)
    return models


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="+", default=[str(ROOT / "corpus/dev")])
    ap.add_argument("--cv", type=int, default=0)
    args = ap.parse_args()
    items = load_corpus(args.corpus)
    print(f"{len(items)} labelled conversations, {sum(len(c.messages) for c, _ in items)} messages")
    base = HybridBackend(models={})  # rules only, for the features
    if args.cv:
        rng = random.Random(7)
        order = list(range(len(items)))
        rng.shuffle(order)
        scores = Scores()
        for k in range(args.cv):
            test = [items[i] for i in order[k::args.cv]]
            train_items = [items[i] for i in order if i not in set(order[k::args.cv])]
            be = HybridBackend(models=fit(train_items, base))
            for conv, gold in test:
                score(gold, be.label(conv).labels, scores)
        d = scores.as_dict()
        print(f"{args.cv}-fold CV: bid F1 {d['bid']['f1']:.3f} (P {d['bid']['precision']:.3f} "
              f"R {d['bid']['recall']:.3f}), outcome macro-F1 {d['outcome_macro_f1']:.3f}, against recall "
              f"{d['outcome']['against']['recall']:.3f}, kind accuracy {d['kind_accuracy']:.3f}, horseman F1 "
              f"{d['horseman']['f1']:.3f}, control F1 {d['control']['f1']:.3f}, repair F1 {d['repair']['f1']:.3f}")
    models = fit(items, base)
    save(models, str(OUT))
    print(f"saved {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
