"""How fast the WhatsApp importer reads 10k, 100k and 1M messages, and how much memory it takes.

Generates realistic exports once into benchmarks/data/ (about 73 bytes a message, like real
chats: short lines, some multi-line messages, emoji, photos, deleted and edited messages, app
notices), then parses each in a fresh subprocess so that its peak resident memory
(``ru_maxrss``) belongs to that size alone.

    .venv/bin/python benchmarks/bench_whatsapp.py [--sizes 10000,100000,1000000] [--layout ios] [--naive]

Wall time depends on what else the machine is running; CPU time (process_time) much less so.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
SIZES = (10_000, 100_000, 1_000_000)

WORDS = [
    "ok",
    "yes",
    "no",
    "sure",
    "love",
    "you",
    "too",
    "home",
    "soon",
    "running",
    "late",
    "dinner",
    "tonight",
    "what",
    "time",
    "how",
    "was",
    "your",
    "day",
    "haha",
    "that's",
    "great",
    "did",
    "you",
    "see",
    "this",
    "can't",
    "wait",
    "miss",
    "you",
    "tired",
    "long",
    "day",
    "call",
    "me",
    "later",
    "good",
    "night",
    "morning",
    "coffee",
    "train",
    "work",
    "meeting",
    "weekend",
    "plans",
    "sounds",
    "good",
    "thanks",
    "sorry",
    "about",
    "earlier",
]
EMOJI = ["😂", "❤️", "👍", "🙈", "😘", "🎉"]
NOTICES = ["Missed voice call", "Missed video call"]


def synthetic_records(count: int, seed: int = 7) -> list:
    """`count` messages between two people over the years, plus a notice now and then."""
    sys.path.insert(0, str(ROOT))
    from tests.exporters.whatsapp import ChatRecord

    rng = random.Random(seed)
    ts = datetime(2016, 1, 4, 7, 30)
    records = []
    people = ("Maya", "Jonah")
    for index in range(count):
        ts += timedelta(seconds=rng.choice((20, 45, 90, 240, 900, 3600, 5 * 3600)))
        author = people[rng.random() < 0.5]
        roll = rng.random()
        if roll < 0.004:
            records.append(ChatRecord(ts, author, rng.choice(NOTICES), "system"))
            continue
        if roll < 0.05:
            records.append(ChatRecord(ts, author, "", "media"))
            continue
        if roll < 0.055:
            records.append(ChatRecord(ts, author, "", "deleted"))
            continue
        words = rng.choices(WORDS, k=rng.randint(3, 14))
        if roll < 0.15:
            words.append(rng.choice(EMOJI))
        text = " ".join(words)
        if roll > 0.95:
            text += "\n" + " ".join(rng.choices(WORDS, k=rng.randint(2, 8)))
        records.append(ChatRecord(ts, author, text, "text", edited=roll > 0.995 and index > 0))
    return records


def export_file(count: int, layout: str) -> Path:
    """The generated export of `count` messages, written on first use."""
    sys.path.insert(0, str(ROOT))
    from tests.exporters.whatsapp import render_whatsapp

    path = DATA / f"whatsapp_{layout}_{count}.txt"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        text = render_whatsapp(synthetic_records(count), layout=layout, encryption_notice=True)
        path.write_text(text, encoding="utf-8")
    return path


def naive_parse(path: Path) -> list:
    """The obvious reader, for comparison: one regex match per line in a Python loop.

    It reads only Android day/month/year 24-hour files and knows no media or notices, so it
    does less than the importer; it is here to show what the importer's design buys.
    """
    from turntoward.model import Message

    header = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}), (\d{1,2}):(\d{2}) - (.*)")
    messages: list[Message] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        found = header.match(line)
        if found:
            day, month, year, hour, minute, rest = found.groups()
            author, has_name, text = rest.partition(": ")
            if has_name:
                stamp = datetime(int(year), int(month), int(day), int(hour), int(minute))
                messages.append(Message(len(messages), stamp, author, text))
        elif messages:
            messages[-1].text += "\n" + line
    return messages


def measure(path: Path, naive: bool = False) -> dict[str, float]:
    """Parse `path` once in this process: wall and CPU seconds, messages, peak memory."""
    from turntoward.ingest.whatsapp import parse_export

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    if naive:
        messages = len(naive_parse(path))
    else:
        messages = len(parse_export(path.read_bytes(), source=path.name, title="Jonah").messages)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "messages": messages,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before / 1024,
        "peak_rss_mb": peak / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--layout", choices=("android", "ios"), default="android")
    parser.add_argument("--naive", action="store_true", help="also time the naive per-line reader")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the per-size subprocess
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)  # writes one export
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.naive)))
        return
    if args.generate:
        print(export_file(args.generate, args.layout))
        return
    columns = ("reader", "messages", "MB", "wall s", "cpu s", "msg/s", "peak RSS MB")
    print(" ".join(f"{name:>{width}}" for name, width in zip(columns, (8, 10, 6, 7, 6, 11, 12), strict=True)))
    for count in (int(size) for size in args.sizes.split(",")):
        # Generated in a child process too: Linux carries a process's peak memory over into the
        # programs it starts, so this process must stay small for the children's figures to hold.
        generate = [sys.executable, __file__, "--generate", str(count), "--layout", args.layout]
        path = Path(subprocess.run(generate, capture_output=True, text=True, check=True).stdout.strip())
        readers = ["importer", "naive"] if args.naive and args.layout == "android" else ["importer"]
        for reader in readers:
            command = [sys.executable, __file__, "--measure", str(path)]
            command += ["--naive"] if reader == "naive" else []
            result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            print(
                f"{reader:>8} {result['messages']:>10} {path.stat().st_size / 1e6:>6.1f} "
                f"{result['seconds']:>7.2f} {result['cpu_seconds']:>6.2f} "
                f"{result['messages'] / result['seconds']:>11,.0f} {result['peak_rss_mb']:>12.0f}"
            )


if __name__ == "__main__":
    main()
