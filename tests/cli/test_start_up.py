"""What a command loads before it works: only what it needs.

Reading an export file straight to JSONL needs no database and no charts; loading SQLAlchemy,
Alembic and Altair anyway cost about half a second of every run. Each command is run in a fresh
interpreter, as a user runs it, and the libraries it loaded are read back from `sys.modules`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import turntoward.api
import turntoward.checkin
import turntoward.store

HEAVY = ("sqlalchemy", "alembic", "altair", "polars")

# Runs the command as `turntoward` does, then prints the top-level packages it imported.
PROBE = """
import json, sys
from turntoward.cli import main
sys.argv = ["turntoward", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nLOADED " + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_by(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True,
                          timeout=120, check=True)
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("LOADED "), done.stdout + done.stderr
    return set(json.loads(last.removeprefix("LOADED ")))


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    path = tmp_path / "WhatsApp Chat with Noor.txt"
    path.write_text(
        "14/03/2025, 18:02 - Noor: guess who got the flat!!\n"
        "14/03/2025, 18:05 - Sami: NO WAY 🎉 the one with the balcony?\n"
        "14/03/2025, 18:06 - Noor: the very one, moving in april\n"
        "14/03/2025, 18:20 - Sami: so proud of you. dinner friday to celebrate?\n",
        encoding="utf-8",
    )
    return path


def test_reading_an_export_to_jsonl_loads_no_database_no_charts_no_tables(chat: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"

    loaded = loaded_by("analyze", str(chat), "--jsonl", str(out))

    assert len(out.read_text(encoding="utf-8").splitlines()) == 4  # it did the work
    assert not loaded & set(HEAVY)


def test_help_loads_none_of_the_heavy_libraries() -> None:
    assert not loaded_by("--help") & set(HEAVY)


def test_a_command_that_stores_loads_the_store_when_it_runs(chat: Path, tmp_path: Path) -> None:
    loaded = loaded_by("import", str(chat), "--db", str(tmp_path / "t.db"))

    assert {"sqlalchemy", "alembic"} <= loaded
    assert "altair" not in loaded


@pytest.mark.parametrize("package", [turntoward.api, turntoward.store, turntoward.checkin])
def test_every_name_a_package_lists_is_there(package: object) -> None:
    names = package.__all__  # type: ignore[attr-defined]

    assert all(getattr(package, name) is not None for name in names)
    assert set(names) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'analyse'"):
        package.analyse  # type: ignore[attr-defined]  # noqa: B018
