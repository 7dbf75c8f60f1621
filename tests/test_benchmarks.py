"""Every benchmark script still runs, at a tiny size: the figures in the README come from them.

Nothing here is timed (speed is measured by running the scripts themselves, README "Speed and
memory"); a script that no longer runs against today's code is what these catch. The scripts
write their generated exports under benchmarks/data/ (ignored by git), as they do when run by hand.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

RUNS = {
    "bench_whatsapp.py": (["--sizes", "1500", "--naive"], "importer"),
    "bench_formats.py": (["--sizes", "300"], "discord_html"),
    "bench_import.py": (["1200"], "1,2"),
    "bench_analysis.py": (["--sizes", "1500", "--backend", "hybrid", "rules"], "hybrid"),
    "bench_report.py": (["2500"], "build + write HTML"),
    "bench_startup.py": (["--runs", "1", "--messages", "200"], "analyze CHAT --jsonl"),
}


def test_every_script_in_benchmarks_is_run_here() -> None:
    scripts = {p.name for p in BENCHMARKS.glob("bench_*.py")}
    assert scripts == set(RUNS)


@pytest.mark.parametrize("script", sorted(RUNS))
def test_the_benchmark_runs_and_prints_its_figures(script: str) -> None:
    args, expected = RUNS[script]
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert expected in done.stdout, done.stdout
