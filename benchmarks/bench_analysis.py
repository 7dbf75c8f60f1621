#!/usr/bin/env python3
"""Analysis speed and memory at 10k / 100k / 1M messages (parsing excluded).

    .venv/bin/python benchmarks/bench_analysis.py [--sizes 10000 100000 1000000] [--backend hybrid rules]
    .venv/bin/python benchmarks/bench_analysis.py --sizes 200000 --conversations 8 --workers 1 2
    .venv/bin/python benchmarks/bench_analysis.py --sizes 1000000 --backend hybrid --untimed

Builds a conversation of N messages by replaying the bundled labelled example chats (real
wording, a realistic mix of bids, replies, logistics and conflict) with shifted timestamps,
then times the full analysis (labels, bids and outcomes, conflict, metrics, signs,
suggestions) in a fresh subprocess per size, reporting messages/s and peak RSS. With
--conversations K the messages are shared out over K conversations (a folder of exports), which
--workers W processes analyse side by side (peak RSS: the main process's, and the largest worker's).
With --untimed the messages carry no times of their own, a minute apart from 2000-01-01 10:00 as
``--map ts=none`` places a research corpus's lines (`analysis.context.has_times`).
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


def build(n: int, untimed: bool = False):
    from turntoward.model import NO_TIMES_START, Conversation, Message, MessageKind

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
        if untimed:
            m.ts = NO_TIMES_START + timedelta(minutes=k)
    return Conversation("bench.txt", "bench", "bench", msgs)


def child(n: int, backend: str, conversations: int = 1, workers: int = 1, untimed: int = 0) -> None:
    from turntoward.api.analysis import analyze_conversations

    convs = []
    for k in range(conversations):  # n messages in all, shared out evenly
        conv = build(n // conversations, bool(untimed))
        conv.source = f"bench-{k}.txt"
        convs.append(conv)
    t = time.perf_counter()
    analyze_conversations(convs, backend=backend, workers=workers)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"n": n, "backend": backend, "seconds": dt, "rss_mb": rss, "worker_rss_mb": rss_worker}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--backend", nargs="+", default=["hybrid", "rules"])
    ap.add_argument("--conversations", type=int, default=1,
                    help="share each size out over this many conversations (a folder of exports)")
    ap.add_argument("--workers", nargs="+", type=int, default=[1],
                    help="processes to analyse in (each count is timed; >1 needs several conversations)")
    ap.add_argument("--untimed", action="store_true", help="messages without times of their own (see above)")
    ap.add_argument("--child", nargs=5)
    args = ap.parse_args()
    if args.child:
        child(*(int(a) if a.isdigit() else a for a in args.child))
        return 0
    print(f"{'backend':8} {'messages':>10} {'chats':>5} {'workers':>7} {'seconds':>9} {'msg/s':>9} "
          f"{'peak RSS MB':>12} {'worker MB':>10}")
    for backend in args.backend:
        for n in args.sizes:
            for w in args.workers:
                out = subprocess.run([sys.executable, __file__, "--child", str(n), backend, str(args.conversations),
                                      str(w), str(int(args.untimed))], capture_output=True, text=True,
                                     check=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                print(f"{backend:8} {n:>10,} {args.conversations:>5} {w:>7} {r['seconds']:>9.2f} "
                      f"{n / r['seconds']:>9,.0f} {r['rss_mb']:>12,.0f} {r['worker_rss_mb']:>10,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
