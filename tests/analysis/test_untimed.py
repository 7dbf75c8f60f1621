"""A chat whose times say nothing (a research corpus, a transcript) is read from its words and turns."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tests.analysis._chats import chat

from turntoward.analysis import analyze
from turntoward.analysis.backends._features import TIMING
from turntoward.analysis.backends.hybrid import HybridBackend
from turntoward.analysis.context import has_times, steady
from turntoward.ingest import Source
from turntoward.ingest.labelled import read_labelled
from turntoward.model import NO_TIMES_START, Conversation, GoldMessage

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "labelled"


def _retimed(conv: Conversation, step: timedelta) -> Conversation:
    """The same messages, one every `step` (all at one moment for a zero step)."""
    start = datetime(2000, 1, 1)
    msgs = [type(m)(m.index, start + k * step, m.author, m.text, m.kind) for k, m in enumerate(conv.messages)]
    return Conversation(conv.source, conv.source_format, conv.title, msgs)


def _example(name: str) -> Conversation:
    path = EXAMPLES / f"{name}.json"
    conv, _ = read_labelled(Source(str(path), path=path))
    return conv


def test_times_at_one_fixed_step_or_one_moment_say_nothing() -> None:
    assert not has_times(chat("+0m Ana: hi", "+1m Tom: hey", "+1m Ana: how was it?").messages)
    assert not has_times(chat("+0m Ana: hi", "+0m Tom: hey", "+0m Ana: how was it?", "+0m Tom: fine").messages)
    assert has_times(chat("+0m Ana: hi", "+1m Tom: hey", "+3m Ana: how was it?").messages)
    # a real export differs within its first gaps, or later: one different gap is enough
    assert has_times(chat("+0m Ana: hi", *["+1m Tom: ok"] * 30, "+2h Ana: back").messages)
    assert has_times(chat("+0m Ana: hi", "+1m Tom: hey").messages)  # too short to tell: read as given
    # unless placed as the importers place a corpus's lines without times (a film's exchange of two)
    assert not has_times(chat("+0m Ana: hi", "+1m Tom: hey", start=NO_TIMES_START).messages)
    assert has_times(chat("+0m Ana: hi", "+2m Tom: hey", start=NO_TIMES_START).messages)
    assert has_times(chat("+0m Ana: hi", "+1m Tom: hey", start=NO_TIMES_START + timedelta(minutes=3)).messages)
    # dates alone (a table that kept each message's day, not its time): every line at midnight
    midnight = datetime(2024, 5, 2)
    assert not has_times(chat("+0m Ana: hi", "+0m Tom: hey", "+1d Ana: morning!", start=midnight).messages)
    assert has_times(chat("+0m Ana: hi", "+0m Tom: hey", "+1d Ana: morning!", "+1m Tom: hi", start=midnight).messages)


@pytest.mark.parametrize("name", ["couple", "friends"])
def test_a_chat_without_times_gets_the_same_labels_at_any_step(name: str) -> None:
    # A transcript given a time a second, a minute or an hour apart, or one time for every line,
    # says the same thing; read with those times, an hour between every line made every bid
    # look ignored and a second made every reply instant.
    conv = _example(name)
    runs = [analyze([_retimed(conv, timedelta(seconds=s))]).conversations[0] for s in (0, 1, 60, 3600)]
    labels = [[(lab.bid and (lab.bid.kind, lab.bid.outcome, lab.bid.response_index), lab.horseman, lab.control,
                lab.repair, lab.accountability) for lab in run.labels] for run in runs]
    assert all(other == labels[0] for other in labels[1:])
    quarrels = [[(e.start_index, e.end_index, e.negative) for e in run.episodes] for run in runs]
    assert all(other == quarrels[0] for other in quarrels[1:])  # not one quarrel of every line at one moment
    assert sum(1 for lab in runs[0].labels if lab.bid) > 10  # and it is still read: bids, answered or not


def test_a_chat_of_dates_alone_is_read_a_minute_a_line_within_each_day() -> None:
    # A table that kept each message's day, not its time: an answer two days later is still late,
    # so the days are kept; within a day, the lines follow each other a minute apart.
    dated = chat("+0m Ana: I got the job!!", "+0m Ana: can't believe it", "+2d Tom: congrats!! when do you start?",
                 "+0m Ana: june", start=datetime(2024, 5, 2))
    assert not has_times(dated.messages)
    read = steady(dated)
    assert [m.ts for m in read.messages] == [datetime(2024, 5, 2, 10, 0), datetime(2024, 5, 2, 10, 1),
                                             datetime(2024, 5, 4, 10, 0), datetime(2024, 5, 4, 10, 1)]
    assert steady(read) is read and [m.text for m in read.messages] == [m.text for m in dated.messages]
    [result] = analyze([dated]).conversations
    assert result.labels[0].bid is not None and result.labels[0].bid.latency_s is None


def test_no_feature_of_the_models_reads_times_in_such_a_chat() -> None:
    be = HybridBackend()
    conv = _retimed(_example("couple"), timedelta(minutes=1))
    plain = GoldMessage(None, None, None, None, False, None, False)
    gold = [GoldMessage("news", "toward", None, None, False, None, False)] * len(conv.messages)
    rows = be.training_rows(conv, gold).rows
    assert rows["kind"] and rows["outcome"]
    assert not [f for model in rows.values() for row in model for f in row if f.startswith(TIMING)]
    timed = be.training_rows(_example("couple"), [plain] * len(conv.messages)).rows
    assert any(f.startswith(("reply_gap=", "next_gap=")) for row in timed["kind"] for f in row)


def test_a_research_corpus_read_with_ts_none_has_no_reply_times(tmp_path: Path) -> None:
    # The table importer puts such rows a minute apart: a bid's answer is still found and judged
    # from its words, but "answered after 60 s" would be invented.
    from turntoward.api import analyze_conversations, load_conversations
    from turntoward.ingest import ImportOptions

    corpus = tmp_path / "dialogues.csv"
    rows = [("A", "i finally finished the painting for mum's birthday!!"), ("B", "so? it's just a painting"),
            ("A", "wow ok"), ("B", "did you pay the gas bill"), ("A", "yes this morning")]
    corpus.write_text("speaker,utterance\n" + "".join(f"{a},{json.dumps(t)}\n" for a, t in rows), encoding="utf-8")
    [conv] = load_conversations([str(corpus)], options=ImportOptions(column_map={"ts": "none"}))
    [result] = analyze_conversations([conv]).conversations
    first = result.labels[0].bid
    assert first is not None and (first.outcome.value, first.response_index, first.latency_s) == ("against", 1, None)
    assert all(bid.latency_s is None for bid in result.bids)


def test_analyze_says_when_a_chat_has_no_times(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests._cli import run

    corpus = tmp_path / "dialogues.csv"
    corpus.write_text("speaker,utterance\nA,how did the interview go?\nB,i got it!!\nA,\"no way, congrats!!\"\n",
                      encoding="utf-8")
    summary = tmp_path / "s.json"
    code, _, err = run(capsys, "analyze", str(corpus), "--map", "ts=none", "--summary-json", str(summary))
    assert code == 0, err
    assert "no times of their own" in " ".join(err.split())
    [conv] = json.loads(summary.read_text(encoding="utf-8"))["conversations"]
    assert conv["timed"] is False
    code, out, _ = run(capsys, "analyze", str(corpus), "--map", "ts=none")
    assert code == 0 and "no times:" in out
    code, out, _ = run(capsys, "explain", f"{corpus}:1", "--map", "ts=none")
    assert code == 0 and "no times:" in out
    code, out, _ = run(capsys, "explain", f"{corpus}:1", "--map", "ts=none", "--json")
    assert code == 0 and "no times of their own" in json.loads(out)["times_note"]
    timed = EXAMPLES.parent / "couple" / "WhatsApp Chat with Jonah.txt"
    code, _, err = run(capsys, "analyze", str(timed), "--summary-json", str(summary))
    assert code == 0 and "no times" not in err
    assert json.loads(summary.read_text(encoding="utf-8"))["conversations"][0]["timed"] is True
    code, out, _ = run(capsys, "explain", f"{timed}:3", "--json")
    assert code == 0 and json.loads(out)["times_note"] is None


def test_the_report_says_when_a_chat_has_no_times() -> None:
    from turntoward.report import build_report

    untimed = _retimed(_example("couple"), timedelta(0))
    page = build_report(analyze([untimed, _example("friends")])).html()
    assert page.count("No times.") == 1 and "Its messages carry no times of their own" in page


def test_a_chat_without_times_is_read_by_the_models_trained_without_times() -> None:
    # hybrid_untimed.npz holds a whole set, trained on the corpus read a minute a line: it makes every
    # decision in such a chat (bids, kinds, horsemen, outcomes); with its times a chat never reads it.
    from turntoward.analysis.backends.hybrid import FIRST, MODELS, UNTIMED_FILE, _bundled

    assert set(_bundled(UNTIMED_FILE)) == {*MODELS, *FIRST}
    timed_models_only = HybridBackend(models=_bundled())
    shipped = HybridBackend()
    for name in ("couple", "friends"):
        conv = _retimed(_example(name), timedelta(minutes=1))
        a, b = shipped.label(conv), timed_models_only.label(conv)
        assert [(x.index, x.kind, x.outcome) for x in a.bids] != [(x.index, x.kind, x.outcome) for x in b.bids]
        timed = _example(name)  # with its times, the file is not read at all
        labels = [[(x.index, x.kind, x.outcome) for x in be.label(timed).bids] for be in (shipped, timed_models_only)]
        assert labels[0] == labels[1]
    # the timed models stay the backend's own: a timed chat after an untimed one reads as before
    assert shipped.models is _bundled()


def test_evaluate_says_how_many_labelled_chats_have_no_times_and_measures_them_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests._cli import run

    doc = json.loads((EXAMPLES / "friends.json").read_text(encoding="utf-8"))
    (tmp_path / "timed.json").write_text(json.dumps(doc), encoding="utf-8")
    for m in doc["messages"]:
        del m["ts"]
    (tmp_path / "untimed.json").write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run(capsys, "evaluate", str(tmp_path), "--by", "times")
    said = " ".join(out.split())
    assert code == 0 and "2 conversations" in said and "1 of them without times of their own" in said
    assert "with times 1" in said and "without times 1" in said
    code, out, _ = run(capsys, "evaluate", str(tmp_path / "timed.json"))
    assert code == 0 and "without times" not in out


def test_a_chat_without_times_judges_no_trend_and_no_drift() -> None:
    # A transcript a line a day looks like a year of chat: Jo "stopped writing" only in where its
    # lines were placed, so neither the signs nor drift may read weeks into it.
    lines = []
    for k in range(400):
        who = ("Ana", "Sam", "Jo")[k % 3] if k < 250 else ("Ana", "Sam")[k % 2]
        lines.append(f"+1d {who}: {'how was the week?' if k % 7 == 0 else 'same as ever, long days'}")
    group = chat(*lines)
    assert not has_times(group.messages)
    analysis = analyze([group], me="Ana")
    [result] = analysis.conversations
    assert all(sign.evidence.startswith("not judged") for sign in result.signs.values())
    assert analysis.drift == []
    dated = chat(*(line.replace("+1d", "+0m" if k % 2 else "+1d") for k, line in enumerate(lines)),
                 start=datetime(2024, 1, 1))  # dates alone, two lines a day: its weeks are real
    assert not has_times(dated.messages)
    assert [d.person for d in analyze([dated], me="Ana").drift] == ["Jo"]
