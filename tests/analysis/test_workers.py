"""Several conversations analysed in worker processes give exactly what one process gives."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from turntoward import _workers
from turntoward.api.analysis import analyze_conversations, load_conversations, message_records, summary
from turntoward.cli import _load_commands, app
from turntoward.errors import UsageError
from turntoward.model import Conversation, Message

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [str(ROOT / "examples" / name) for name in ("couple", "family", "friends")]


def _everything(analysis) -> tuple[list, str, list]:
    records = [list(message_records(r)) for r in analysis.conversations]
    drift = [(d.person, d.status.value, d.evidence) for d in analysis.drift]
    return records, json.dumps(summary(analysis), sort_keys=True, default=str), drift


def test_workers_give_the_same_analysis_in_the_same_order():
    convs = load_conversations(EXAMPLES)
    assert len(convs) == 3
    alone = analyze_conversations(convs, workers=1)
    done: list[str] = []
    shared = analyze_conversations(convs, workers=2, progress=lambda c: done.append(c.source))
    assert _everything(shared) == _everything(alone)
    assert [r.conversation for r in shared.conversations] == convs  # the caller's own objects, in order
    assert sorted(done) == sorted(c.source for c in convs)  # progress once per conversation
    assert shared.me == alone.me


def test_analyze_command_with_workers_writes_the_same_files(tmp_path):
    _load_commands()
    out = {}
    for n in ("1", "2"):
        jsonl, summ = tmp_path / f"m{n}.jsonl", tmp_path / f"s{n}.json"
        result = CliRunner().invoke(app, ["analyze", *EXAMPLES, "--workers", n, "--jsonl", str(jsonl),
                                          "--summary-json", str(summ)])
        assert result.exit_code == 0, result.output
        out[n] = (jsonl.read_bytes(), summ.read_bytes())
    assert out["1"] == out["2"]
    assert out["1"][0].count(b"\n") == 3115


def test_a_worker_count_below_one_is_refused(tmp_path):
    convs = load_conversations(EXAMPLES[:1])
    with pytest.raises(UsageError, match="at least 1"):
        analyze_conversations(convs, workers=0)
    _load_commands()
    result = CliRunner().invoke(app, ["analyze", EXAMPLES[0], "--workers", "0"])
    assert result.exit_code != 0 and "--workers" in result.output


def _chat(source: str, n: int) -> Conversation:
    start = datetime(2025, 3, 1, 9)
    msgs = [Message(i, start + timedelta(minutes=i), ("Ana", "Tom")[i % 2], "how was your day?") for i in range(n)]
    return Conversation(source, "whatsapp", source, msgs)


def test_workers_are_used_only_where_they_repay_starting_them(monkeypatch):
    monkeypatch.setattr(_workers, "cores", lambda: 2)
    assert _workers.auto_workers([_chat("a", 30_000)]) == 1  # too little to repay the start
    assert _workers.auto_workers([_chat("a", 80_000)]) == 2  # one long conversation, labelled in stretches
    assert _workers.auto_workers([_chat("a", 3_000), _chat("b", 3_000)]) == 1  # too little to repay the start
    assert _workers.auto_workers([_chat(str(k), 20_000) for k in range(4)]) == 2  # one per core
    monkeypatch.setattr(_workers, "cores", lambda: 8)
    assert _workers.auto_workers([_chat("a", 40_000), _chat("b", 40_000)]) == 2  # no more than conversations


class _Failing:
    """A backend that cannot label one of the chats (it must be importable, as workers load it)."""

    name = "failing"

    def label(self, conv: Conversation):
        if "Okafor" in conv.title or "family" in conv.source.lower():
            raise ValueError(f"cannot label {conv.source}")
        from turntoward.analysis.backends import get_backend

        return get_backend("rules").label(conv)


def test_an_error_in_a_worker_is_raised_to_the_caller():
    convs = load_conversations(EXAMPLES)
    with pytest.raises(ValueError, match="cannot label"):
        analyze_conversations(convs, backend=_Failing(), workers=2)


@pytest.mark.parametrize("batch", [_workers.BATCH_MESSAGES, 150, 1])
def test_more_conversations_than_workers_are_handed_out_as_workers_free_up(monkeypatch, batch):
    # Short chats travel together (all seven in one batch, two or three a batch, or one each).
    monkeypatch.setattr(_workers, "BATCH_MESSAGES", batch)
    (couple,) = load_conversations(EXAMPLES[:1])
    parts = []
    for k in range(7):  # seven chats of different lengths: more than two per worker wait their turn
        msgs = couple.messages[k * 150: k * 150 + 60 + 20 * k]
        parts.append(Conversation(f"part-{k}.txt", "whatsapp", f"part {k}",
                                  [Message(i, m.ts, m.author, m.text, m.kind) for i, m in enumerate(msgs)]))
    done: list[str] = []
    shared = analyze_conversations(parts, workers=2, progress=lambda c: done.append(c.source))
    assert _everything(shared) == _everything(analyze_conversations(parts, workers=1))
    assert sorted(done) == sorted(c.source for c in parts)


def test_a_long_conversation_is_labelled_in_stretches_with_the_same_results(monkeypatch):
    # One conversation, two workers: its labelling is shared out in stretches (analysis.segments)
    # and stitched, and everything found from it is what one process finds.
    monkeypatch.setattr(_workers, "SPLIT_MIN_MESSAGES", 1_000)
    convs = load_conversations(EXAMPLES[:1])
    assert len(convs[0].messages) > 1_000
    calls: list[int] = []
    real = _workers._label_in_stretches
    monkeypatch.setattr(_workers, "_label_in_stretches",
                        lambda pool, conv, parts: calls.append(parts) or real(pool, conv, parts))
    shared = analyze_conversations(convs, workers=2)
    assert calls == [2]
    assert _everything(shared) == _everything(analyze_conversations(convs, workers=1))


def test_two_long_conversations_share_the_workers_and_give_the_same_results(monkeypatch):
    monkeypatch.setattr(_workers, "SPLIT_MIN_MESSAGES", 1_000)
    (couple,) = load_conversations(EXAMPLES[:1])
    second = Conversation("again.txt", "whatsapp", "again", [Message(m.index, m.ts, m.author, m.text, m.kind)
                                                            for m in couple.messages])
    convs = [couple, second]
    calls: list[int] = []
    real = _workers._label_in_stretches
    monkeypatch.setattr(_workers, "_label_in_stretches",
                        lambda pool, conv, parts: calls.append(parts) or real(pool, conv, parts))
    shared = analyze_conversations(convs, workers=4)
    assert calls == [2, 2]
    assert _everything(shared) == _everything(analyze_conversations(convs, workers=1))


def test_a_long_chat_without_times_is_labelled_here_not_copied_to_a_worker_whole(monkeypatch):
    # A chat without times never rests, so it is one stretch: sending it whole to a worker only
    # copied it (a million lines: 1.9 GB in the worker, and slower than one process).
    monkeypatch.setattr(_workers, "SPLIT_MIN_MESSAGES", 1_000)
    (couple,) = load_conversations(EXAMPLES[:1])
    untimed = Conversation("dialogues.csv", "table", "dialogues", [
        Message(m.index, datetime(2000, 1, 1, 10) + timedelta(minutes=k), m.author, m.text, m.kind)
        for k, m in enumerate(couple.messages)])
    labellers: list[object] = []
    real = _workers._label_in_stretches
    monkeypatch.setattr(_workers, "_label_in_stretches",
                        lambda pool, conv, parts: labellers.append(real(pool, conv, parts)) or labellers[-1])
    shared = analyze_conversations([untimed], workers=2)
    assert labellers == [None]  # no stretches handed out: labelled in this process
    assert _everything(shared) == _everything(analyze_conversations([untimed], workers=1))
