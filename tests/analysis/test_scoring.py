"""`evaluate`'s figures come with how sure they are: bootstrap intervals over conversations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from turntoward.analysis.backends import get_backend
from turntoward.analysis.findings import Bid, BidKind, MessageLabel
from turntoward.analysis.scoring import Scores, score
from turntoward.api import evaluate
from turntoward.cli import _load_commands, app
from turntoward.ingest import Source
from turntoward.ingest.labelled import read_labelled
from turntoward.model import GoldMessage

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "examples/labelled"


def _cli(*args: str) -> dict:
    _load_commands()
    result = CliRunner().invoke(app, ["evaluate", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _width(pair: list[float]) -> float:
    low, high = pair
    return high - low


def test_each_measure_has_an_interval_around_it_and_the_same_one_every_time():
    first, again = _cli(str(LABELLED)), _cli(str(LABELLED))
    assert first == again  # seeded: a figure in the README can be checked
    ci = first["ci95"]
    assert first["conversations"] == 3
    for name in ("bid", "horseman", "repair"):
        low, high = ci[name]["f1"]
        assert 0 <= low <= first[name]["f1"] <= high <= 1
    low, high = ci["outcome_macro_f1"]
    assert low <= first["outcome_macro_f1"] <= high
    low, high = ci["outcome"]["against"]["recall"]
    assert low <= first["outcome"]["against"]["recall"] <= high
    assert _width(ci["bid"]["f1"]) > 0  # three different chats do not agree to the last bid


def test_one_conversation_has_nothing_to_resample():
    assert "ci95" not in _cli(str(LABELLED / "friends.json"))


def test_more_conversations_like_these_narrow_the_interval_not_the_figure(tmp_path):
    few, many = tmp_path / "few", tmp_path / "many"
    few.mkdir()
    many.mkdir()
    for f in LABELLED.glob("*.json"):
        shutil.copy(f, few / f.name)
        for k in range(5):
            shutil.copy(f, many / f"{f.stem}_{k}.json")
    small, large = (evaluate([str(d)], backend="rules") for d in (few, many))
    assert large.as_dict()["bid"] == {**small.as_dict()["bid"], "support": 5 * small.bid.tp + 5 * small.bid.fn}
    narrow, wide = large.intervals()["bid"]["f1"], small.intervals()["bid"]["f1"]
    assert _width(narrow) < _width(wide)
    assert wide[0] <= narrow[0] and narrow[1] <= wide[1]


def test_adding_conversations_counts_as_scoring_them_together():
    backend = get_backend("rules")
    together, added = Scores(), Scores()
    for f in sorted(LABELLED.glob("*.json")):
        conv, gold = read_labelled(Source(str(f), path=f))
        labels = backend.label(conv).labels
        score(gold, labels, together)
        added.add(score(gold, labels))
    assert added == together
    assert added.as_dict() == together.as_dict()
    assert added.kind_confusion == together.kind_confusion and added.confusion == together.confusion
    assert len(added.parts) == 3 and not together.parts


def test_compare_measures_the_difference_on_the_same_conversations():
    out = _cli(str(LABELLED), "--backend", "hybrid", "--compare", "rules")
    other = out["compare"]
    assert other["backend"] == "rules" and other["conversations"] == 3
    diff = other["difference_ci95"]
    for name in ("bid", "horseman"):
        low, high = diff[name]["f1"]
        assert low <= out[name]["f1"] - other[name]["f1"] <= high
    same = _cli(str(LABELLED), "--backend", "rules", "--compare", "rules")["compare"]["difference_ci95"]
    assert same["bid"]["f1"] == [0.0, 0.0] and same["outcome_macro_f1"] == [0.0, 0.0]


def test_a_difference_needs_the_same_conversations(tmp_path):
    shutil.copy(LABELLED / "couple.json", tmp_path / "couple.json")
    shutil.copy(LABELLED / "friends.json", tmp_path / "friends.json")
    three, two = evaluate([str(LABELLED)], backend="rules"), evaluate([str(tmp_path)], backend="rules")
    with pytest.raises(ValueError, match="same conversations"):
        three.intervals(two)


def test_the_table_says_how_sure_each_figure_is():
    _load_commands()
    result = CliRunner().invoke(app, ["evaluate", str(LABELLED), "--compare", "rules"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "95% CI" in result.output and "bootstrap" in result.output
    assert "hybrid against rules on the same conversations" in result.output
    difference = result.output.split("paired bootstrap")[1]
    for measure in ("bid F1", "outcome away F1", "against recall", "outcome macro-F1", "kind accuracy"):
        assert measure in difference


def test_a_measure_nothing_was_found_for_has_no_interval_and_the_json_stays_json(tmp_path):
    doc = json.loads((LABELLED / "friends.json").read_text(encoding="utf-8"))
    for m in doc["messages"]:
        m["bid"] = None
    for k in range(2):
        (tmp_path / f"quiet_{k}.json").write_text(json.dumps({**doc, "id": f"quiet_{k}"}), encoding="utf-8")
    _load_commands()
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path), "--json", "--backend", "rules"])
    assert result.exit_code == 0, result.output

    def no_nan(name: str) -> None:
        raise AssertionError(f"{name} in evaluate's JSON")

    out = json.loads(result.output, parse_constant=no_nan)
    assert out["ci95"]["outcome_macro_f1"] is None and out["ci95"]["kind_accuracy"] is None


def test_a_bid_on_another_message_of_the_same_burst_is_missed_by_message_but_found_by_turn():
    """Real bursts carry the bid first ("guess who got the flat!!" / "viewing was at 9" / "so
    tired"); a reading that puts it on the last is wrong twice message by message, right by turn."""
    def gold(kind: str | None) -> GoldMessage:
        return GoldMessage(kind, "toward" if kind else None, 3 if kind else None, None, False, None, False)

    def said(i: int, kind: BidKind | None) -> MessageLabel:
        return MessageLabel(i, Bid(i, "Noor", kind, 0.7, []) if kind else None)

    authors = ["Noor", "Noor", "Noor", "Sam", "Sam", "Noor"]
    labels = [gold("news"), gold(None), gold(None), gold("question"), gold(None), gold(None)]
    reading = [said(0, None), said(1, None), said(2, BidKind.NEWS), said(3, None), said(4, None),
               said(5, BidKind.HUMOR)]
    s = score(labels, reading, authors=authors)
    assert (s.bid.tp, s.bid.fp, s.bid.fn) == (0, 2, 2)
    assert (s.bid_turn.tp, s.bid_turn.fp, s.bid_turn.fn) == (1, 1, 1)  # Sam's missed, Noor's last false
    assert s.as_dict()["bid_turn"]["f1"] == 0.5
    unturned = score(labels, reading).bid_turn  # no authors, no turns
    assert (unturned.tp, unturned.fn) == (0, 0)


def test_the_table_counts_bids_by_turn_too():
    out = _cli(str(LABELLED))
    turn, message = out["bid_turn"], out["bid"]
    assert 0 < turn["support"] <= message["support"]  # a turn holds one bid or more
    low, high = out["ci95"]["bid_turn"]["f1"]
    assert low <= turn["f1"] <= high
    _load_commands()
    result = CliRunner().invoke(app, ["evaluate", str(LABELLED)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "bid by turn" in result.output
