"""How long the everyday commands take on a short chat, start-up included, as a user runs them.

    .venv/bin/python benchmarks/bench_startup.py [--runs 5] [--messages 1500]

Each command runs in a fresh process (``python -m turntoward.cli``), `--runs` times; the median
and the fastest wall-clock times are printed. On a chat of a thousand or two messages most of a
run is start-up: importing libraries and loading models, not labelling. The chat is generated
(a couple's WhatsApp export, two messages every few minutes) so any checkout can run this. Where
PYTHONDONTWRITEBYTECODE is set, every run compiles turntoward's sources again (an editable install
has no bytecode of them otherwise): unset it to measure what an installed package does.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

LINES = (
    ("Maya", "morning! did you sleep ok?"),
    ("Theo", "like a rock. you?"),
    ("Maya", "not really, big presentation today 😬"),
    ("Theo", "you've got this. call me after?"),
    ("Maya", "will do ❤️"),
    ("Theo", "look what I found at the market"),
    ("Theo", "<Media omitted>"),
    ("Maya", "haha that's amazing, get two"),
    ("Theo", "ok"),
    ("Maya", "home by 7, want to cook together?"),
)


def write_chat(folder: Path, messages: int) -> Path:
    start = datetime(2025, 3, 1, 8, 0)
    path = folder / "WhatsApp Chat with Theo.txt"
    rows = []
    for i in range(messages):
        author, text = LINES[i % len(LINES)]
        rows.append(f"{start + timedelta(minutes=7 * i):%d/%m/%Y, %H:%M} - {author}: {text}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def timed(args: list[str], runs: int) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "turntoward.cli", *args], check=True, capture_output=True)
        seconds.append(time.perf_counter() - t)
    return statistics.median(seconds), min(seconds)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--messages", type=int, default=1500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        chat = write_chat(folder, args.messages)
        db = folder / "t.db"
        commands = {
            "--help": ["--help"],
            "analyze CHAT --jsonl": ["analyze", str(chat), "--jsonl", str(folder / "m.jsonl")],
            "explain CHAT:3": ["explain", f"{chat}:3"],
            "import CHAT (new database)": ["import", str(chat), "--db", str(db)],
            "conversations": ["conversations", "--db", str(db)],
        }
        print(f"{args.messages:,}-message chat, {args.runs} runs each, fresh process each run")
        print(f"{'command':<30} {'median':>8} {'fastest':>8}")
        for name, command in commands.items():
            if name.startswith("import"):
                db.unlink(missing_ok=True)
                median, fastest = timed(command, 1)  # an import into a new database happens once
            else:
                median, fastest = timed(command, args.runs)
            print(f"{name:<30} {median:>7.2f}s {fastest:>7.2f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
