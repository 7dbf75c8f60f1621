#!/usr/bin/env python3
"""Analysis speed and memory at 10k / 100k / 1M messages (parsing excluded).

    .venv/bin/python benchmarks/bench_analysis.py [--sizes 10000 100000 1000000] [--backend hybrid rules]

Builds a conversation of N messages by replaying the bundled labelled example chats (real
wording, a realistic mix of bids, replies, logistics and conflict) with shifted timestamps,
then times the full analysis (labels, bids and outcomes, conflict, metrics, signs,
suggestions) in a fresh subprocess per size, reporting messages/s and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(n: int):
    from turntoward.model import Conversation, Message, MessageKind

    base = []
    for name in ("couple", "friends"):
        doc = json.loads((ROOT / f"examples/labelled/{name}.json").read_text(encoding="utf-8"))
        base += [(datetime.fromisoformat(m["ts"]), m["author"], m["text"]) for m in doc["messages"]]
    names = {"Priya": "Jonah"}  # one couple: two people throughout
    msgs = []
    shift = timedelta(0)
    span = base[-1][0] - base[0][0] + timedelta(days=1)
    i = 0
    while len(msgs) < n:
        ts, author, text = base[i % len(base)]
        if i and i % len(base) == 0:
            shift += span
        kind = MessageKind.MEDIA if "omitted" in text or "(file attached)" in text else MessageKind.TEXT
        msgs.append(Message(len(msgs), ts + shift, names.get(author, author), text, kind))
        i += 1
    msgs.sort(key=lambda m: m.ts)
    for k, m in enumerate(msgs):
        m.index = k
    return Conversation("bench.txt", "bench", "bench", msgs)


def child(n: int, backend: str) -> None:
    from turntoward.analysis import analyze
    from turntoward.analysis.backends import get_backend

    conv = build(n)
    be = get_backend(backend)
    t = time.perf_counter()
    analyze([conv], backend=be)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": n, "backend": backend, "seconds": dt, "rss_mb": rss}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--backend", nargs="+", default=["hybrid", "rules"])
    ap.add_argument("--child", nargs=2)
    args = ap.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1])
        return 0
    print(f"{'backend':8} {'messages':>10} {'seconds':>9} {'msg/s':>9} {'peak RSS MB':>12}")
    for backend in args.backend:
        for n in args.sizes:
            out = subprocess.run([sys.executable, __file__, "--child", str(n), backend], capture_output=True,
                                 text=True, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{backend:8} {n:>10,} {r['seconds']:>9.2f} {n / r['seconds']:>9,.0f} {r['rss_mb']:>12,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
