"""`evaluate` says where the analysis and the labels part: each kind of conversation apart
(`--by`), and every message they disagree on (`--errors`), with the cues behind the analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from turntoward.analysis.findings import Bid, BidKind, Horseman, MessageLabel, Outcome
from turntoward.analysis.scoring import disagreements
from turntoward.api import judge
from turntoward.cli import _load_commands, app
from turntoward.errors import UsageError
from turntoward.model import GoldMessage

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "examples/labelled"


def _run(*args: str) -> tuple[int, str]:
    _load_commands()
    result = CliRunner().invoke(app, ["evaluate", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a TurntowardError, which `main` prints as one line
    return result.exit_code, result.output


def _json(*args: str) -> dict:
    code, out = _run(*args, "--json")
    assert code == 0, out
    return json.loads(out)


def test_the_errors_file_lists_exactly_the_messages_the_scores_count_as_wrong(tmp_path):
    errors = tmp_path / "errors.jsonl"
    scores = _json(str(LABELLED), "--backend", "rules", "--errors", str(errors))
    records = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]

    def count(what: str) -> int:
        return sum(what in r["differs"] for r in records)

    bid = scores["bid"]
    found = round(bid["recall"] * bid["support"])
    predicted = round(found / bid["precision"])
    assert count("bid") == (bid["support"] - found) + (predicted - found)  # misses and false alarms
    assert count("kind") == round((1 - scores["kind_accuracy"]) * found)
    outcome_wrong = sum(o["support"] - round(o["recall"] * o["support"]) for o in scores["outcome"].values())
    assert count("outcome") == outcome_wrong
    horseman = scores["horseman"]
    assert count("horseman") >= horseman["support"] - round(horseman["recall"] * horseman["support"])

    texts = {f.name: [m["text"] for m in json.loads(f.read_text(encoding="utf-8"))["messages"]]
             for f in LABELLED.glob("*.json")}
    for r in records:  # each record is the message it names, with both sides' labels and the analysis's cues
        assert r["text"] == texts[Path(r["source"]).name][r["index"]]
        assert set(r["gold"]) == set(r["analysis"]) == {"bid", "horseman", "control", "repair", "accountability"}
        if "outcome" in r["differs"]:
            assert r["gold"]["bid"]["outcome"] != r["analysis"]["bid"]["outcome"]
            assert r["cues"]["bid"]
        if r["analysis"]["bid"] and r["analysis"]["bid"]["response_index"] is not None:
            at = r["analysis"]["bid"]["response_index"]
            assert r["responses"]["analysis"]["text"] == texts[Path(r["source"]).name][at]


def test_an_errors_file_that_cannot_be_written_is_refused_before_anything_is_labelled(tmp_path, monkeypatch):
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing should be labelled")

    monkeypatch.setattr("turntoward.api.analysis.judge", never)
    with pytest.raises(UsageError, match=r"--errors .*errors\.jsonl: cannot write there"):
        _run(str(LABELLED), "--errors", str(tmp_path / "no-such-folder" / "errors.jsonl"))


def test_each_kind_of_conversation_is_measured_apart_and_the_parts_add_up():
    whole = _json(str(LABELLED), "--backend", "rules", "--by", "people")
    parts = whole["by"]["people"]
    assert set(parts) == {"group", "two people"}  # the friends' group chat, and the couple and family pair
    assert sum(p["conversations"] for p in parts.values()) == whole["conversations"]
    assert sum(p["bid"]["support"] for p in parts.values()) == whole["bid"]["support"]
    assert parts["group"]["ci95"] == {}  # one conversation: nothing to resample

    relationships = _json(str(LABELLED), "--backend", "rules", "--by", "relationship")["by"]["relationship"]
    assert sum(p["messages"] for p in relationships.values()) == whole["messages"]


def test_the_table_by_relationship_names_each_one(tmp_path):
    code, out = _run(str(LABELLED), "--backend", "rules", "--by", "relationship")
    assert code == 0, out
    assert "by relationship" in out
    for name in ("partner", "family", "friend"):
        assert name in out


def test_an_unknown_grouping_is_a_usage_error_naming_the_choices():
    with pytest.raises(UsageError, match="--by 'mood': expected one of people, relationship"):
        _run(str(LABELLED), "--by", "mood")


def _gold(**kw: object) -> GoldMessage:
    base: dict[str, object] = {"bid_kind": None, "bid_outcome": None, "bid_by": None, "horseman": None,
                               "control": False, "accountability": None, "repair": False}
    return GoldMessage(**{**base, **kw})  # type: ignore[arg-type]


def _bid(kind: BidKind, outcome: Outcome, response: int | None) -> Bid:
    return Bid(0, "Ana", kind, 0.9, [], outcome, response, None)


def test_a_different_response_message_with_the_same_outcome_is_not_a_disagreement():
    gold = [_gold(bid_kind="news", bid_outcome="toward", bid_by=2), _gold(), _gold()]
    same_outcome = [MessageLabel(0, _bid(BidKind.NEWS, Outcome.TOWARD, 1)), MessageLabel(1), MessageLabel(2)]
    assert disagreements(gold, same_outcome) == []

    other = [MessageLabel(0, _bid(BidKind.FEELINGS, Outcome.AWAY, None)), MessageLabel(1, horseman=Horseman.CONTEMPT),
             MessageLabel(2, _bid(BidKind.HUMOR, Outcome.TOWARD, None))]
    found = disagreements(gold, other)
    assert [(d.index, d.what) for d in found] == [(0, ("kind", "outcome")), (1, ("horseman",)), (2, ("bid",))]
    assert found[0].gold["bid"] == {"kind": "news", "outcome": "toward", "response_index": 2}
    assert found[0].analysis["bid"] == {"kind": "feelings", "outcome": "away", "response_index": None}


def test_judge_reads_each_file_once_and_labels_it_with_every_backend_asked_for():
    judged = list(judge([str(LABELLED)], ("hybrid", "rules")))
    assert [j.path.name for j in judged] == sorted(f.name for f in LABELLED.glob("*.json"))
    for j in judged:
        hybrid, rules = j.labels
        assert len(hybrid) == len(rules) == len(j.gold) == len(j.conversation.messages)
    assert any(h.bid != r.bid for j in judged for h, r in zip(*j.labels, strict=True))  # two backends, two readings
