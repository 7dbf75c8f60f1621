#!/usr/bin/env python3
"""How often the analysis finds hostility in friendly real talk: the Topical-Chat test split.

    .venv/bin/python training/check_friendly.py [--backend hybrid]

Topical-Chat (../shared/data/topical_chat/, see its README) holds real two-person chats between
strangers, each reply rated by the partner (Poor ... Excellent) with the writer's own feeling.
Hardly any of it is a horseman, control or turning against, so what the analysis flags there is
mostly false alarms. Prints horsemen and control per 1,000 messages and the share of bids turned
against, by the partner's rating of the reply. The test split is never used for training (the
training script's friendly chats come from the valid split).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from train_hybrid import CORDIAL_DIR, topical_chats

from turntoward.analysis.backends import get_backend

FILES = ("test_freq.json", "test_rare.json")
RATINGS = ("Excellent", "Good", "Passable", "Not Good", "Poor")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="hybrid")
    args = ap.parse_args()
    if not CORDIAL_DIR.exists():
        print(f"{CORDIAL_DIR} not found", file=sys.stderr)
        return 1
    be = get_backend(args.backend)
    messages = control = 0
    horsemen: Counter[str] = Counter()
    bids: Counter[str] = Counter()
    against: Counter[str] = Counter()
    found = topical_chats(FILES)
    for conv, turns in found:
        labelling = be.label(conv)
        messages += len(conv.messages)
        horsemen.update(lab.horseman.value for lab in labelling.labels if lab.horseman)
        control += sum(lab.control for lab in labelling.labels)
        for bid in labelling.bids:
            if bid.response_index is not None:
                rating = turns[bid.response_index].get("turn_rating") or "unrated"
                bids[rating] += 1
                against[rating] += bid.outcome.value == "against"
    per_1000 = {k: round(1000 * v / messages, 2) for k, v in sorted(horsemen.items())}
    print(f"{len(found)} chats, {messages} messages, {sum(bids.values())} answered bids ({args.backend})")
    print(f"horsemen per 1,000 messages: {sum(horsemen.values()) * 1000 / messages:.2f} {per_1000}")
    print(f"control per 1,000 messages: {control * 1000 / messages:.2f}")
    print(f"bids turned against: {sum(against.values()) / sum(bids.values()):.2%}")
    for rating in (*RATINGS, "unrated"):
        if bids[rating]:
            print(f"  reply rated {rating}: {against[rating]}/{bids[rating]} = {against[rating] / bids[rating]:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
