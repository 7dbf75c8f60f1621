#!/usr/bin/env python3
"""Copies of labelled conversations without times of their own, to measure how such chats are read.

    .venv/bin/python training/untimed_copies.py corpus/heldout /tmp/heldout-untimed
    .venv/bin/python training/untimed_copies.py corpus/heldout /tmp/heldout-dates --dates
    .venv/bin/turntoward evaluate /tmp/heldout-untimed

Each conversation of SRC (ANNOTATION.md files) is written to DST with the same messages and labels,
its times replaced: every message a minute apart from 2000-01-01 10:00 (`model.NO_TIMES_START`), as a
research corpus's lines come in without times, or with --dates the day alone (every message at midnight, as a table that
kept only the date). docs/accuracy.md, "Chats without times", gives what the analysis reads on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from turntoward.model import NO_TIMES_START


def retimed(doc: dict, dates: bool) -> dict:
    """The labelled conversation `doc` with its messages' times replaced (see the module's docstring)."""
    out = json.loads(json.dumps(doc))
    for k, m in enumerate(out["messages"]):
        m["ts"] = (m["ts"][:10] + "T00:00:00") if dates else (NO_TIMES_START + timedelta(minutes=k)).isoformat()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path, help="a folder of labelled conversations")
    ap.add_argument("dst", type=Path, help="where to write the copies (created)")
    ap.add_argument("--dates", action="store_true", help="keep each message's day, at midnight")
    args = ap.parse_args()
    files = sorted(args.src.glob("*.json"))
    if not files:
        ap.error(f"{args.src}: no labelled conversations (*.json) there")
    args.dst.mkdir(parents=True, exist_ok=True)
    written = 0
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
            continue  # not a labelled conversation (an adjudication log beside them)
        (args.dst / f.name).write_text(json.dumps(retimed(doc, args.dates), ensure_ascii=False), encoding="utf-8")
        written += 1
    print(f"wrote {written} conversations to {args.dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
