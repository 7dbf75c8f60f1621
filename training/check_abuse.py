#!/usr/bin/env python3
"""How often the analysis finds hostility in replies that people rated abusive: ConvAbuse.

    .venv/bin/python training/check_abuse.py [FILE] [--backend hybrid]

ConvAbuse (../shared/data/convabuse/, see its README) holds people's replies to two chat agents,
each rated by several annotators from not abusive to very strongly abusive. Its examples are read
by the `convabuse` importer (one chat of up to four turns each) and analysed as any chat is; the
person's last turn, the one the annotators rated, is compared with their majority: abusive (mildly,
strongly or very strongly), or not (not abusive or ambiguous). Prints, for each, the share of those
turns the analysis calls a horseman (and which), and the share of the agent's bids it says they
turned against. The valid split (the default) is never used for training: the tone model learns
from the train split only (`train_tone.py`).

The agents are not partners or friends, and abuse is not the four horsemen: insults and mockery are
contempt, but threats, slurs and sexual harassment are not named as such by the analysis. So this is
a check that hostile words are seen at all in real writing, not a measure of the analysis against
labels of its own kind.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from turntoward.analysis.backends import get_backend
from turntoward.ingest import ImportOptions, read_paths

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "convabuse"
ABUSIVE = ("is_abuse.-1", "is_abuse.-2", "is_abuse.-3")
NOT_ABUSIVE = ("is_abuse.1", "is_abuse.0")


def majority_abusive(row: dict[str, str]) -> bool | None:
    """Whether most of an example's annotators rated it abusive (None where they split evenly)."""
    yes = no = 0
    for column, value in row.items():
        if value and value.strip() in ("1", "1.0"):
            if column.endswith(ABUSIVE):
                yes += 1
            elif column.endswith(NOT_ABUSIVE):
                no += 1
    return None if yes == no else yes > no


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DATA / "ConvAbuseEMNLPvalid.csv"))
    ap.add_argument("--backend", default="hybrid")
    args = ap.parse_args()
    path = Path(args.file)
    if not path.exists():
        print(f"{path} not found", file=sys.stderr)
        return 1
    with path.open(encoding="utf-8", newline="") as fh:
        verdict = {row["example_id"].removesuffix(".0"): majority_abusive(row) for row in csv.DictReader(fh)}
    be = get_backend(args.backend)
    turns: Counter[bool] = Counter()
    horsemen: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    bids: Counter[bool] = Counter()
    against: Counter[bool] = Counter()
    for _, conversations in read_paths([path], ImportOptions()):
        for conv in conversations:
            abusive = verdict.get(conv.chat_id or "")
            last = conv.messages[-1] if conv.messages else None
            if abusive is None or last is None or last.author != "user":
                continue
            labelling = be.label(conv)
            turns[abusive] += 1
            label = labelling.labels[-1]
            horsemen[abusive][label.horseman.value if label.horseman else "none"] += 1
            for bid in labelling.bids:
                if bid.response_index == last.index and bid.author != "user":
                    bids[abusive] += 1
                    against[abusive] += bid.outcome.value == "against"
    print(f"{path.name}: {turns[True]} replies most annotators rated abusive, {turns[False]} not ({args.backend})")
    for abusive in (True, False):
        found = turns[abusive] - horsemen[abusive]["none"]
        which = {k: v for k, v in horsemen[abusive].most_common() if k != "none"}
        print(f"  {'abusive' if abusive else 'not abusive'}: a horseman in {found}/{turns[abusive]} = "
              f"{found / max(turns[abusive], 1):.1%} {which}; the agent's bids they answered turned against: "
              f"{against[abusive]}/{bids[abusive]} = {against[abusive] / max(bids[abusive], 1):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
