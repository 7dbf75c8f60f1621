#!/usr/bin/env python3
"""Check labelled conversations against the rules of ANNOTATION.md (structure, not judgement).

    python3 corpus/validate.py corpus/dev [corpus/heldout ...]

Prints each problem as FILE: message N: what is wrong, and a count per folder; exits 1 on any problem.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

KINDS = {"attention", "question", "news", "feelings", "affection", "humor", "invitation", "support", "repair",
         "checkin"}
OUTCOMES = {"toward", "away", "against"}
HORSEMEN = {None, "criticism", "contempt", "defensiveness", "stonewalling"}
RELATIONSHIPS = {"partner", "friend", "family", "sibling", "group", "other"}
FIELDS = {"ts", "author", "text", "bid", "horseman", "control", "accountability", "repair"}


def check(path: Path) -> tuple[list[str], int]:
    problems: list[str] = []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path}: unreadable: {exc}"], 0
    for key in ("id", "relationship", "people", "me", "notes", "messages"):
        if key not in doc:
            problems.append(f"{path}: missing top-level {key!r}")
    if doc.get("relationship") not in RELATIONSHIPS:
        problems.append(f"{path}: relationship {doc.get('relationship')!r}")
    people = doc.get("people") or []
    if doc.get("me") not in people:
        problems.append(f"{path}: me {doc.get('me')!r} is not among people")
    msgs = doc.get("messages") or []
    last_ts = None
    for i, m in enumerate(msgs):
        where = f"{path}: message {i}"
        missing = FIELDS - set(m)
        if missing:
            problems.append(f"{where}: missing {sorted(missing)}")
            continue
        try:
            ts = datetime.fromisoformat(m["ts"])
        except (TypeError, ValueError):
            problems.append(f"{where}: ts {m['ts']!r} is not ISO 8601")
            continue
        if last_ts and ts < last_ts:
            problems.append(f"{where}: ts goes backwards")
        last_ts = ts
        if m["author"] not in people:
            problems.append(f"{where}: author {m['author']!r} not in people")
        if not isinstance(m["text"], str) or not m["text"]:
            problems.append(f"{where}: empty text")
        if m["horseman"] not in HORSEMEN:
            problems.append(f"{where}: horseman {m['horseman']!r}")
        if not isinstance(m["control"], bool) or not isinstance(m["repair"], bool):
            problems.append(f"{where}: control and repair must be true/false")
        if m["accountability"] not in (None, "owns", "deflects"):
            problems.append(f"{where}: accountability {m['accountability']!r}")
        bid = m["bid"]
        if bid is None:
            continue
        if not isinstance(bid, dict) or set(bid) != {"kind", "outcome", "by"}:
            problems.append(f"{where}: bid must be null or exactly {{kind, outcome, by}}")
            continue
        if bid["kind"] not in KINDS:
            problems.append(f"{where}: bid kind {bid['kind']!r}")
        if bid["outcome"] not in OUTCOMES:
            problems.append(f"{where}: bid outcome {bid['outcome']!r}")
        by = bid["by"]
        if by is None:
            if bid["outcome"] != "away":
                problems.append(f"{where}: a bid nobody responded to (by null) must be 'away'")
        elif not isinstance(by, int) or not i < by < len(msgs):
            problems.append(f"{where}: bid.by {by!r} must be the index of a later message")
        elif msgs[by]["author"] == m["author"]:
            problems.append(f"{where}: bid.by {by} points at the bidder's own message")
    return problems, len(msgs)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    bad = 0
    for folder in map(Path, argv):
        files = sorted(folder.glob("*.json"))
        total = msgs = bids = 0
        for f in files:
            problems, n = check(f)
            for p in problems:
                print(p)
            bad += len(problems)
            total += 1
            msgs += n
            if n:
                bids += sum(1 for m in json.loads(f.read_text(encoding="utf-8"))["messages"] if m.get("bid"))
        print(f"{folder}: {total} conversations, {msgs} messages, {bids} bids")
    print(f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
