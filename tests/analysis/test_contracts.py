"""Both `turntoward analyze` contracts of DESIGN.md hold on real export files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from turntoward.cli import _load_commands, app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [
    ROOT / "examples/couple/WhatsApp Chat with Jonah.txt",
    ROOT / "examples/friends/result.json",
    ROOT / "examples/family/WhatsApp Chat - Okafor family.zip",
]
KINDS = {"attention", "question", "news", "feelings", "affection", "humor", "invitation", "support", "repair",
         "checkin"}
SHARED_CHECKER = ROOT.parent / "shared/contracts/check_contract.py"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    _load_commands()
    out = tmp_path_factory.mktemp("analyze")
    result = CliRunner().invoke(app, ["analyze", *map(str, EXAMPLES), "--jsonl", str(out / "m.jsonl"),
                                      "--summary-json", str(out / "s.json")])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "m.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, records, json.loads((out / "s.json").read_text(encoding="utf-8"))


def test_jsonl_has_one_line_per_message_in_source_order(run):
    _, records, summary = run
    by_source: dict[str, list[int]] = {}
    for r in records:
        by_source.setdefault(r["source"], []).append(r["index"])
    assert set(by_source) == {c["source"] for c in summary["conversations"]}
    for source, indices in by_source.items():
        assert indices == list(range(len(indices))), source
    assert {c["source"]: c["messages"] for c in summary["conversations"]} == {
        s: len(i) for s, i in by_source.items()}


def test_every_record_has_the_contract_fields_and_values(run):
    _, records, _ = run
    for r in records:
        assert set(r) == {"source", "index", "ts", "author", "text", "bid", "horseman", "control",
                          "accountability", "repair"}
        assert r["horseman"] in (None, "criticism", "contempt", "defensiveness", "stonewalling")
        assert r["accountability"] in (None, "owns", "deflects")
        assert isinstance(r["control"], bool) and isinstance(r["repair"], bool)
        b = r["bid"]
        if b is not None:
            assert b["kind"] in KINDS and b["outcome"] in ("toward", "away", "against")
            assert isinstance(b["score"], float) and all(isinstance(c, str) for c in b["cues"])
            if b["response_index"] is None:
                assert b["outcome"] == "away" and b["latency_s"] is None
            else:
                assert b["response_index"] > r["index"] and b["latency_s"] >= 0


def test_summary_tallies_add_up(run):
    _, records, summary = run
    for conv in summary["conversations"]:
        mine = [r for r in records if r["source"] == conv["source"]]
        for person, t in conv["bids"].items():
            assert t["toward"] + t["away"] + t["against"] == t["made"]
            assert t["made"] == sum(1 for r in mine if r["bid"] and r["author"] == person)
        for rate in conv["turn_toward_rate"].values():
            assert rate is None or 0 <= rate <= 1
        assert {"rarer", "shallower"} <= set(conv["signs"])
        assert conv["control_messages"] == sum(r["control"] for r in mine)
    assert isinstance(summary["drift"], list)


def test_the_drifting_friendship_is_named(run):
    _, _, summary = run
    drift = {d["person"]: d for d in summary["drift"]}
    assert "Priya" in drift and drift["Priya"]["status"] in ("watch", "concern")


@pytest.mark.skipif(not SHARED_CHECKER.exists(), reason="the shared contract checker is not beside this checkout")
def test_the_shared_contract_checker_agrees(run):
    out, _, _ = run
    proc = subprocess.run([sys.executable, str(SHARED_CHECKER), "--jsonl", str(out / "m.jsonl"), "--summary",
                           str(out / "s.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
