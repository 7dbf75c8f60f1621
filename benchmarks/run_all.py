"""Every benchmark, one after the other, at its default sizes (`make bench`).

    .venv/bin/python benchmarks/run_all.py

Each prints its own table; see each script's docstring for what it measures. The 1M-message runs
take minutes (the analysis one the longest), so this is for a quiet machine, not for CI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "bench_startup.py", "bench_whatsapp.py", "bench_formats.py", "bench_import.py", "bench_analysis.py",
    "bench_report.py",
)


def main() -> int:
    failed = 0
    for script in SCRIPTS:
        print(f"\n== {script}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script)], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
