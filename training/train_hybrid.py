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

import numpy as np

from turntoward.analysis.backends._linear import LinearModel, feature_matrix, predict_many, save, train
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


def _metric(name: str, gold: list[int], pred: list[int], n_classes: int) -> float:
    """What a threshold is chosen to maximise: detection F1, or macro-F1 for outcomes."""
    g, p = np.array(gold), np.array(pred)
    if name == "outcome":
        f1s = []
        for c in range(n_classes):
            tp = np.sum((p == c) & (g == c))
            denom = np.sum(p == c) + np.sum(g == c)
            f1s.append(2 * tp / denom if denom else 0.0)
        return float(np.mean(f1s))
    if name == "kind":
        g, p = g > 0, p > 0
    tp = np.sum((p == g) & (g > 0))
    fp = np.sum((p > 0) & (p != g))
    fn = np.sum((g > 0) & (p != g))
    return float(2 * tp / (2 * tp + fp + fn)) if tp else 0.0


def choose_thresholds(items: list[tuple], folds: int, base: HybridBackend) -> dict[str, float]:
    """Out-of-fold probabilities for every model, and the threshold on the default class that scores best."""
    rng = random.Random(11)
    order = list(range(len(items)))
    rng.shuffle(order)
    probs: dict[str, list[np.ndarray]] = {k: [] for k in MODELS}
    gold: dict[str, list[int]] = {k: [] for k in MODELS}
    for k in range(folds):
        test_ids = set(order[k::folds])
        models = fit([items[i] for i in order if i not in test_ids], base)
        for i in test_ids:
            tr = base.training_rows(*items[i])
            for name in MODELS:
                if not tr.rows[name]:
                    continue
                (p,) = predict_many([models[name]], *feature_matrix(tr.rows[name]))
                probs[name].append(p)
                gold[name] += [CLASSES[name].index(a) for a in tr.answers[name]]
    out = {}
    for name in MODELS:
        p = np.concatenate(probs[name])
        best = (0.0, 0.5)
        for t in np.linspace(0.2, 0.95, 31):
            pred = [0 if row[0] >= t else int(row[1:].argmax()) + 1 for row in p]
            best = max(best, (_metric(name, gold[name], pred, len(CLASSES[name])), float(t)))
        out[name] = best[1]
        print(f"  {name}: threshold on '{CLASSES[name][0]}' {best[1]:.3f} (out-of-fold score {best[0]:.3f})")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", nargs="+", default=[str(ROOT / "corpus/dev")])
    ap.add_argument("--cv", type=int, default=0)
    ap.add_argument("--thresholds", type=int, default=3, help="folds for choosing decision thresholds (0: 0.5)")
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
    thresholds = choose_thresholds(items, args.thresholds, base) if args.thresholds else {}
    models = fit(items, base)
    for name, t in thresholds.items():
        models[name].default_threshold = t
    save(models, str(OUT))
    print(f"saved {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
