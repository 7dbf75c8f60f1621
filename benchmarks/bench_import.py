"""How fast a WhatsApp export goes into the store, and how much memory it takes.

    .venv/bin/python benchmarks/bench_import.py            # 10k, 100k and 1M messages
    .venv/bin/python benchmarks/bench_import.py 100000     # one size

For each size it writes a generated Android export to benchmarks/data/ (kept between runs),
then imports it with `turntoward.api.import_paths` into a fresh SQLite file in a child process,
which reports the seconds spent parsing (`turntoward.ingest`) and storing (`turntoward.store`:
keys, dedup, one transaction, commit), both as wall-clock and as CPU time (the fairer figure
on a shared machine), and its peak resident memory (`resource.getrusage`). As a yardstick it times the simplest possible
parser, one regex match per line, on the same file and machine; and it times importing the
same export a second time (every message recognised and skipped) and the peak after it. Target: parse + store of 1M
messages faster than that naive parse alone, and at most 600 MB peak.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

DATA = Path(__file__).parent / "data"
SIZES = (10_000, 100_000, 1_000_000)
PEAK_LIMIT_MB = 600

# Vocabulary for generated messages: everyday couple talk, written for this benchmark.
VOCABULARY = (
    "love you see soon dinner tonight home late train work tired proud miss call later coffee "
    "weekend plans mum dad kids walk park rain sunny movie sleep well morning haha yes no maybe "
    "sure thanks sorry what when where how really wow great ok"
)
WORDS = VOCABULARY.split()

CHILD = r"""
import json, resource, sys, time
from turntoward import api
from turntoward.ingest import importers

db, export = sys.argv[1], sys.argv[2]
importers()  # load the importer modules before the clock starts
store = api.open_store(db)
parsed = []

def progress(event):
    if event.stored == 0 and not parsed:  # the file is parsed, storing begins
        parsed.append((time.perf_counter(), time.process_time()))

wall, cpu = time.perf_counter(), time.process_time()
(summary,) = api.import_paths([export], store=store, progress=progress)
done_wall, done_cpu = time.perf_counter(), time.process_time()
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
(again,) = api.import_paths([export], store=store)  # the same export again: everything skipped
again_wall = time.perf_counter() - done_wall
store.close()
(parsed_wall, parsed_cpu), = parsed
print(json.dumps({
    "messages": summary.added, "reimport_s": again_wall, "reimport_added": again.added,
    "parse_s": parsed_wall - wall, "store_s": done_wall - parsed_wall,
    "parse_cpu_s": parsed_cpu - cpu, "store_cpu_s": done_cpu - parsed_cpu,
    "peak_mb": peak_mb, "reimport_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

NAIVE = r"""
import re, sys, time
from datetime import datetime
header = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}), (\d{1,2}):(\d{2}) - ([^:]+): (.*)$")
wall, cpu = time.perf_counter(), time.process_time()
messages = []
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        m = header.match(line.rstrip("\n"))
        if m:
            d, mo, y, h, mi, author, text = m.groups()
            messages.append((datetime(int(y), int(mo), int(d), int(h), int(mi)), author, text))
print(time.perf_counter() - wall, time.process_time() - cpu)
"""

HEADER = (
    f"{'messages':>10} {'parse s':>8} {'store s':>8} {'total s':>8} {'msg/s':>9} "
    f"{'total cpu s':>11} {'peak MB':>8} {'naive s':>8} {'naive cpu s':>11} {'re-import s':>11} {'peak MB':>8}"
)


def generated_export(size: int) -> Path:
    """An Android export of `size` messages between two people (written once, then reused)."""
    path = DATA / f"{size}" / "WhatsApp Chat with Maya.txt"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(size)
    ts = datetime(2019, 1, 1, 7, 0)
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{ts:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted.\n")
        for i in range(size):
            ts += timedelta(minutes=rng.choice((0, 0, 1, 2, 5, 30)))
            author = "Maya" if (i // rng.choice((1, 2))) % 2 else "Jonah"
            text = " ".join(rng.choices(WORDS, k=rng.randint(1, 14)))
            if i % 97 == 0:
                text += "\nand another line"
            out.write(f"{ts:%d/%m/%Y, %H:%M} - {author}: {text}\n")
    return path


def measure(size: int) -> dict[str, float]:
    export = generated_export(size)
    with tempfile.TemporaryDirectory() as folder:
        child = [sys.executable, "-c", CHILD, str(Path(folder) / "bench.db"), str(export)]
        result = subprocess.run(child, capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout)
    naive = subprocess.run([sys.executable, "-c", NAIVE, str(export)], capture_output=True, text=True, check=True)
    figures["naive_s"], figures["naive_cpu_s"] = map(float, naive.stdout.split())
    return figures


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or list(SIZES)
    print(HEADER)
    missed = False
    for size in sizes:
        f = measure(size)
        total = f["parse_s"] + f["store_s"]
        cpu = f["parse_cpu_s"] + f["store_cpu_s"]
        print(
            f"{f['messages']:>10,} {f['parse_s']:>8.2f} {f['store_s']:>8.2f} {total:>8.2f} "
            f"{f['messages'] / total:>9,.0f} {cpu:>11.2f} {f['peak_mb']:>8.0f} "
            f"{f['naive_s']:>8.2f} {f['naive_cpu_s']:>11.2f} {f['reimport_s']:>11.2f} {f['reimport_peak_mb']:>8.0f}"
        )
        assert f["reimport_added"] == 0, "re-importing the same export must add nothing"
        if size >= 1_000_000:
            missed |= cpu >= f["naive_cpu_s"] or f["peak_mb"] > PEAK_LIMIT_MB
    if missed:
        print("target missed at 1M: parse + store must beat the naive parse, within 600 MB peak")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
