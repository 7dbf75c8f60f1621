"""How fast the connection report is built and written for a long history, and how big the page is.

    .venv/bin/python benchmarks/bench_report.py                  # 1M messages
    .venv/bin/python benchmarks/bench_report.py 100000           # another size
    .venv/bin/python benchmarks/bench_report.py 1000000 --png --pdf

Analysing a million messages takes minutes and is the analysis' own benchmark; this one times
the report alone, given an analysis. It analyses the three bundled example chats once, then
makes a long history of them: each analysed chat repeated end to end (messages, labels, bids,
episodes re-indexed and moved in time, compressed so the history spans about eight years),
with the weekly and monthly figures, signs, suggestions and drift recomputed by the analysis'
own functions. Shares of the total: 60% partner, 25% friend, 15% family group.

Target: building the report and writing its HTML in at most 5 s, a page of at most 3 MB. The
Vega JavaScript is bundled once per machine (then cached); that one-off cost is shown apart.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from turntoward.analysis._config import thresholds
from turntoward.analysis.drift import drift
from turntoward.analysis.engine import Analysis, ConversationAnalysis
from turntoward.analysis.killers import withholding
from turntoward.analysis.metrics import period_metrics
from turntoward.analysis.signs import chat_signs
from turntoward.analysis.suggest import suggestions
from turntoward.api.analysis import analyze_conversations, load_conversations
from turntoward.model import Conversation, Message
from turntoward.report import build_report, javascript_bundle

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CHATS = (("couple/WhatsApp Chat with Jonah.txt", 0.60), ("friends/result.json", 0.25),
         ("family/WhatsApp Chat - Okafor family.zip", 0.15))
YEARS = 8
TARGET_S = 5.0
TARGET_MB = 3.0


def repeat(r: ConversationAnalysis, messages: int, start: datetime) -> ConversationAnalysis:
    """`r` repeated end to end until it has `messages` messages, spread over YEARS years from `start`."""
    conv, msgs = r.conversation, r.conversation.messages
    copies = max(1, math.ceil(messages / len(msgs)))
    span = (msgs[-1].ts - msgs[0].ts).total_seconds() or 1.0
    slot = YEARS * 365.25 * 86400 / copies
    squeeze = slot * 0.98 / span
    out_msgs: list[Message] = []
    labels, bids, cues, episodes = [], [], [], []
    for k in range(copies):
        off = k * len(msgs)
        if off >= messages:
            break
        base = start + timedelta(seconds=k * slot)

        def move(ts: datetime, base: datetime = base) -> datetime:
            return base + timedelta(seconds=(ts - msgs[0].ts).total_seconds() * squeeze)

        keep = min(len(msgs), messages - off)
        out_msgs.extend(replace(m, index=m.index + off, ts=move(m.ts)) for m in msgs[:keep])
        cues.extend(r.cues[:keep])
        shifted = {}
        for b in r.bids:
            if b.index >= keep or (b.response_index is not None and b.response_index >= keep):
                continue
            nb = replace(b, index=b.index + off,
                         response_index=None if b.response_index is None else b.response_index + off,
                         latency_s=None if b.latency_s is None else b.latency_s * squeeze)
            shifted[b.index] = nb
            bids.append(nb)
        labels.extend(replace(lab, index=lab.index + off, bid=shifted.get(lab.index)) for lab in r.labels[:keep])
        episodes.extend(replace(e, start_index=e.start_index + off, end_index=e.end_index + off,
                                start=move(e.start), end=move(e.end),
                                repair_attempts=[i + off for i in e.repair_attempts],
                                repairs_taken_up=[i + off for i in e.repairs_taken_up])
                        for e in r.episodes if e.end_index < keep and all(i < keep for i in e.repair_attempts))
    th = thresholds()
    new_session = [i == 0 or (m.ts - out_msgs[i - 1].ts).total_seconds() >= th.session_gap_s
                   for i, m in enumerate(out_msgs)]
    weekly = period_metrics(out_msgs, cues, bids, new_session)
    monthly = period_metrics(out_msgs, cues, bids, new_session, monthly=True)
    signs = chat_signs(weekly, th)
    big = Conversation(conv.source, conv.source_format, conv.title, out_msgs, chat_id=conv.chat_id, me=conv.me,
                       relationship=conv.relationship)
    withheld = withholding(out_msgs, bids, th)
    responders = {b.index: out_msgs[b.response_index].author for b in bids if b.response_index is not None}
    sugg = suggestions(big.people, labels, bids, episodes, withheld, signs, responders=responders)
    return ConversationAnalysis(big, labels, bids, cues, episodes, withheld, weekly, monthly, signs, sugg, r.language)


def long_history(total: int) -> Analysis:
    convs = load_conversations([str(EXAMPLES / path) for path, _ in CHATS])
    analysed = analyze_conversations(convs)
    start = datetime(2017, 1, 2, 8, 0)
    results = [repeat(r, round(total * share), start) for r, (_, share) in zip(analysed.conversations, CHATS,
                                                                                strict=True)]
    return Analysis(results, drift(results, analysed.me, thresholds()), analysed.me)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--png", action="store_true", help="also time writing every chart as PNG")
    parser.add_argument("--pdf", action="store_true", help="also time printing the PDF (needs Chromium)")
    args = parser.parse_args()

    t = time.perf_counter()
    javascript_bundle()
    bundle_s = time.perf_counter() - t
    t = time.perf_counter()
    analysis = long_history(args.messages)
    prep_s = time.perf_counter() - t
    n = sum(len(r.conversation.messages) for r in analysis.conversations)
    bids = sum(len(r.bids) for r in analysis.conversations)
    episodes = sum(len(r.episodes) for r in analysis.conversations)
    print(f"history: {n:,} messages, {bids:,} bids, {episodes:,} conflict episodes, "
          f"{len(analysis.conversations)} conversations over {YEARS} years (made in {prep_s:.1f} s)")
    print(f"javascript bundle: {bundle_s:.2f} s (cached after the first run on a machine)")

    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu = time.perf_counter(), time.process_time()
        report = build_report(analysis)
        built_wall, built_cpu = time.perf_counter() - wall, time.process_time() - cpu
        html = report.write_html(Path(tmp) / "report.html")
        total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
        size_mb = html.stat().st_size / 1e6
        print(f"build report: {built_wall:.2f} s wall, {built_cpu:.2f} s CPU")
        print(f"build + write HTML: {total_wall:.2f} s wall, {total_cpu:.2f} s CPU (target <= {TARGET_S:g} s)")
        print(f"HTML: {size_mb:.2f} MB, {len(report.all_charts())} charts (target <= {TARGET_MB:g} MB)")
        if args.png:
            t = time.perf_counter()
            pngs = report.write_pngs(Path(tmp) / "png")
            print(f"PNG: {len(pngs)} charts in {time.perf_counter() - t:.2f} s")
        if args.pdf:
            t = time.perf_counter()
            pdf = report.write_pdf(Path(tmp) / "report.pdf")
            print(f"PDF: {pdf.stat().st_size / 1e6:.2f} MB in {time.perf_counter() - t:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")
    ok = total_wall <= TARGET_S and size_mb <= TARGET_MB
    print("within targets" if ok else "OUTSIDE TARGETS")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
