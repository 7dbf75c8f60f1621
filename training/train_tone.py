#!/usr/bin/env python3
"""Train the tone model (warm / hostile / hurt / neutral) on real human-written public text.

    .venv/bin/python training/train_tone.py [--data ../shared/data]

GoEmotions (Demszky et al. 2020, Apache-2.0) gives Reddit comments with 27 emotions, grouped
here into four tones; ConvAbuse (Cercas Curry et al. 2021, CC BY 4.0) adds human replies that a
majority of its annotators judged abusive, as hostile. The data stays in ../shared/data; only the
weights are written, to src/turntoward/analysis/models/tone.npz (attributions in NOTICE).
Prints accuracy and per-tone F1 on GoEmotions' own dev split.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from turntoward.analysis.backends._linear import feature_matrix, predict_many, save, train
from turntoward.analysis.backends._tone import TONES, tone_features

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/turntoward/analysis/models/tone.npz"
GROUPS = {
    "warm": {"admiration", "amusement", "approval", "caring", "excitement", "gratitude", "joy", "love", "optimism",
             "pride", "relief", "desire"},
    "hostile": {"anger", "annoyance", "disapproval", "disgust"},
    "hurt": {"sadness", "grief", "fear", "nervousness", "remorse", "embarrassment", "disappointment"},
    "neutral": {"neutral", "confusion", "curiosity", "realization", "surprise"},
}


def goemotions(folder: Path, split: str) -> list[tuple[str, str]]:
    names = (folder / "labels.txt").read_text(encoding="utf-8").split()
    group_of = {e: g for g, members in GROUPS.items() for e in members}
    out = []
    with (folder / f"{split}.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            text, ids, _ = line.rstrip("\n").split("\t")
            groups = {group_of[names[int(i)]] for i in ids.split(",")}
            if len(groups) == 1:  # mixed tones teach nothing clear
                out.append((text, groups.pop()))
    return out


def convabuse(path: Path) -> list[tuple[str, str]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            votes = [k for k in row if k.endswith(("is_abuse.-1", "is_abuse.-2", "is_abuse.-3"))]
            judged = [k for k in row if "_is_abuse." in k and row[k] in ("0", "1")]
            abusive = sum(row[k] == "1" for k in votes)
            annotators = len({k.split("_")[0] for k in judged if row[k] == "1"})
            if annotators and abusive * 2 > annotators and row["user"].strip():
                out.append((row["user"], "hostile"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data"))
    args = ap.parse_args()
    data = Path(args.data)
    train_rows = goemotions(data / "goemotions", "train") + convabuse(data / "convabuse/ConvAbuseEMNLPtrain.csv")
    dev_rows = goemotions(data / "goemotions", "dev")
    print(f"training on {len(train_rows)} texts, measuring on {len(dev_rows)}")
    model = train([tone_features(t) for t, _ in train_rows], [g for _, g in train_rows], list(TONES),
                  l2=3e-4, epochs=120, lr=0.1, class_weight={"hostile": 2.0, "hurt": 1.5, "warm": 1.0, "neutral": 1.0})
    (p,) = predict_many([model], *feature_matrix([tone_features(t) for t, _ in dev_rows]))
    pred = p.argmax(axis=1)
    gold = np.array([TONES.index(g) for _, g in dev_rows])
    print(f"dev accuracy {np.mean(pred == gold):.3f}")
    for k, tone in enumerate(TONES):
        tp = np.sum((pred == k) & (gold == k))
        f1 = 2 * tp / (np.sum(pred == k) + np.sum(gold == k))
        print(f"  {tone:8} F1 {f1:.3f} (support {np.sum(gold == k)})")
    save({"tone": model}, str(OUT))
    print(f"saved {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
