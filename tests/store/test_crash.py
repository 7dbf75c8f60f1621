"""A crash or Ctrl-C in the middle of an import leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from turntoward import api
from turntoward.store import open_store

from ._db import snapshot
from ._exports import chat_lines, write_export

# Imports a large export into the store; once rows are being written inside the transaction
# it says so, then writes slowly enough for the test to interrupt it.
IMPORTER = """
import sys, time
from turntoward import api

def progress(event):
    if 0 < event.stored < event.total:
        print("storing", event.stored, flush=True)
        time.sleep(0.5)

store = api.open_store(sys.argv[1])
api.import_paths([sys.argv[2]], store=store, progress=progress)
print("committed", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_an_import_killed_mid_way_changes_nothing(tmp_path: Path, sig: signal.Signals) -> None:
    db = tmp_path / "turntoward.db"
    store = open_store(str(db))
    api.import_paths([write_export(tmp_path / "old" / "WhatsApp Chat with Maya.txt", chat_lines(300))], store=store)
    before = snapshot(store.engine)
    store.close()
    big = write_export(tmp_path / "new" / "WhatsApp Chat with Maya.txt", chat_lines(60_000))

    child = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(db), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    assert first.startswith("storing"), first
    child.send_signal(sig)
    child.wait(timeout=60)

    assert child.returncode != 0
    store = open_store(str(db))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert snapshot(store.engine) == before
    store.close()
