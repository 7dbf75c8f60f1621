#!/usr/bin/env python3
"""How well the rule that chooses decision thresholds does on conversations it did not choose on.

    .venv/bin/python training/train_hybrid.py --save-oof /tmp/oof.npz   # once: out-of-fold readings
    .venv/bin/python training/threshold_study.py /tmp/oof.npz [--resamples 150] [--smooth 0 1 2 3]

For each model, resamples the development conversations with replacement, chooses the threshold
(and, for outcomes, the floor on "against") on the resample with `Grid.pick` at each smoothing
width, and scores that choice on the conversations the resample left out (out of bag). Prints,
per width, how much the chosen threshold moves between resamples (its standard deviation) and
the mean out-of-bag score: a rule whose choice moves less at the same out-of-bag score is the
steadier one (docs/accuracy.md, "Groups: an answer, or only the next words").
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from train_hybrid import MODELS, THRESHOLDS, Grid


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("oof", help="the .npz written by train_hybrid.py --save-oof")
    ap.add_argument("--resamples", type=int, default=150)
    ap.add_argument("--smooth", type=int, nargs="+", default=[0, 1, 2, 3])
    args = ap.parse_args()
    data = np.load(args.oof)
    rng = np.random.default_rng(0)
    for name in MODELS:
        p, gold, sizes = data[f"{name}.p"], data[f"{name}.gold"], data[f"{name}.sizes"]
        starts = np.concatenate([[0], np.cumsum(sizes)])
        rows_of = [np.arange(starts[c], starts[c + 1]) for c in range(len(sizes))]
        chosen: dict[int, list[float]] = {w: [] for w in args.smooth}
        oob_scores: dict[int, list[float]] = {w: [] for w in args.smooth}
        for _ in range(args.resamples):
            taken = rng.integers(0, len(sizes), len(sizes))
            left = np.setdiff1d(np.arange(len(sizes)), taken)
            rows, rows_left = (np.concatenate([rows_of[c] for c in cs]) for cs in (taken, left))
            on, off = Grid.of(name, p[rows], gold[rows].tolist()), Grid.of(name, p[rows_left], gold[rows_left].tolist())
            for w in args.smooth:
                t, f = on.pick(name, smooth=w)
                chosen[w].append(t)
                oob_scores[w].append(float(off.scores[off.at(t, f)]))
        print(f"{name} ({len(sizes)} conversations, {len(p)} rows; thresholds in steps of "
              f"{THRESHOLDS[1] - THRESHOLDS[0]:.3f})")
        for w in args.smooth:
            print(f"  smoothed over {w} step(s) either side: chosen threshold {np.mean(chosen[w]):.3f} "
                  f"(sd {np.std(chosen[w]):.3f}), out-of-bag score {np.mean(oob_scores[w]):.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
