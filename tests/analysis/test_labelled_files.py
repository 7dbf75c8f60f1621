"""Labelled conversations written by other annotators: their spellings of times and labels are
read as ANNOTATION.md means them, and a label it does not know is an error naming the message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from turntoward.analysis import analyze
from turntoward.cli import _load_commands, app
from turntoward.errors import ImportFormatError
from turntoward.ingest import Source
from turntoward.ingest.labelled import read_labelled

ROOT = Path(__file__).resolve().parents[2]
FRIENDS = ROOT / "examples/labelled/friends.json"


def _evaluate(path: Path) -> dict:
    _load_commands()
    result = CliRunner().invoke(app, ["evaluate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _respelled(doc: dict) -> dict:
    """The same labels as another annotator might type them: offsets on the times, capitals,
    British spelling, "yes"/"no" strings for the flags, "none" for no horseman."""
    doc = json.loads(json.dumps(doc))
    for i, m in enumerate(doc["messages"]):
        m["ts"] += ("+02:00", "Z", "")[i % 3]
        if m["bid"]:
            kind = m["bid"]["kind"]
            m["bid"]["kind"] = "Humour" if kind == "humor" else kind.capitalize()
            m["bid"]["outcome"] = m["bid"]["outcome"].upper()
        m["horseman"] = m["horseman"].title() if m["horseman"] else "none"
        m["control"] = "yes" if m["control"] else "no"
        m["repair"] = "true" if m["repair"] else "false"
    return doc


def test_respelled_labels_and_times_with_offsets_score_the_same(tmp_path):
    doc = json.loads(FRIENDS.read_text(encoding="utf-8"))
    assert any(m["bid"] and m["bid"]["kind"] == "humor" for m in doc["messages"])
    other = tmp_path / "friends.json"
    other.write_text(json.dumps(_respelled(doc)), encoding="utf-8")
    assert _evaluate(other) == _evaluate(FRIENDS)
    conv, gold = read_labelled(Source(str(other), path=other))
    first = doc["messages"][0]["ts"]
    assert conv.messages[0].ts.isoformat(timespec="seconds").startswith(first[:16])  # 19:04+02:00 is 19:04
    assert all(m.ts.tzinfo is None for m in conv.messages)
    assert not any(g.control for g, m in zip(gold, doc["messages"], strict=True) if not m["control"])


@pytest.mark.parametrize(("field", "value", "where"), [
    ("horseman", "sarcasm", "messages[3].horseman"),
    ("control", "maybe", "messages[3].control"),
    ("bid", {"kind": "gossip", "outcome": "toward", "by": 4}, "messages[3].bid.kind"),
    ("bid", {"kind": "news", "outcome": "ignored", "by": 4}, "messages[3].bid.outcome"),
    ("bid", {"kind": "news", "outcome": "toward", "by": 99999}, "messages[3].bid.by"),
])
def test_an_unknown_label_names_the_file_and_the_message(tmp_path, field, value, where):
    doc = json.loads(FRIENDS.read_text(encoding="utf-8"))
    doc["messages"][3][field] = value
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        read_labelled(Source(str(bad), path=bad))
    assert str(bad) in str(caught.value) and where in str(caught.value)
    _load_commands()
    result = CliRunner().invoke(app, ["evaluate", str(bad)])
    assert result.exit_code != 0 and not isinstance(result.exception, AttributeError | KeyError | TypeError)


def test_photos_written_the_ways_transcripts_write_them_are_attention_bids(tmp_path):
    texts = ["[photo]", "<image>", "(voice note)", "[sends a photo]", "📷 Photo", "IMG_2291.jpg",
             "we got the keys!! [photo]",
             # cut from WhatsApp exports: iOS before 2017, Spanish, a caption on Android
             "2016-09-23-PHOTO-00013416.jpg <\u200eattached>", "\u200eimagen omitida",
             "Boys asleep on the sofa. Covered in mud, as predicted, the lot of them. IMG_0943.JPG (file attached)"]
    messages = []
    for i, text in enumerate(texts):
        messages.append({"ts": f"2025-04-{1 + i:02d}T18:00:00", "author": "Ana", "text": text, "bid": None})
        messages.append({"ts": f"2025-04-{1 + i:02d}T18:05:00", "author": "Tom", "text": "haha love it", "bid": None})
    messages.append({"ts": "2025-04-19T09:00:00", "author": "Ana", "text": "send me a photo of the plan?", "bid": None})
    path = tmp_path / "photos.json"
    path.write_text(json.dumps({"id": "photos", "relationship": "partner", "people": ["Ana", "Tom"],
                                "messages": messages}), encoding="utf-8")
    conv, _ = read_labelled(Source(str(path), path=path))
    labels = analyze([conv]).conversations[0].labels
    for i in range(len(texts)):
        assert conv.messages[2 * i].kind.value == "media", texts[i]
        assert labels[2 * i].bid is not None and labels[2 * i].bid.kind.value == "attention", texts[i]
    assert conv.messages[-1].kind.value == "text"  # asking for a photo is words


def test_a_folder_with_other_json_beside_the_conversations_is_evaluated(tmp_path):
    (tmp_path / "friends.json").write_text(FRIENDS.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"annotators": ["A", "B"], "version": 2}), encoding="utf-8")
    _load_commands()
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert "skipped, not a labelled conversation" in result.output and "manifest.json" in result.output
    assert '"conversations": 1' in result.output
    named = CliRunner().invoke(app, ["evaluate", str(tmp_path / "manifest.json")])  # named on its own: an error
    assert named.exit_code != 0 and "'messages' list" in str(named.exception)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert CliRunner().invoke(app, ["evaluate", str(empty)]).exit_code != 0


@pytest.mark.parametrize("without", ["missing", "null"])
def test_a_conversation_labelled_without_times_is_read_as_one(tmp_path, without):
    # A research corpus's dialogues have no times: labelled from the words alone, they are read a
    # minute a line and evaluated like any other; the same file with one time lost is an error.
    doc = json.loads(FRIENDS.read_text(encoding="utf-8"))
    for m in doc["messages"]:
        if without == "missing":
            del m["ts"]
        else:
            m["ts"] = None
    untimed = tmp_path / "dialogue.json"
    untimed.write_text(json.dumps(doc), encoding="utf-8")
    conv, _ = read_labelled(Source(str(untimed), path=untimed))
    assert [m.ts.isoformat() for m in conv.messages[:2]] == ["2000-01-01T10:00:00", "2000-01-01T10:01:00"]
    scores = _evaluate(untimed)
    assert scores["bid"]["f1"] > 0.7
    [result] = analyze([conv]).conversations
    assert all(b.latency_s is None for b in result.bids)
    one_lost = json.loads(FRIENDS.read_text(encoding="utf-8"))
    del one_lost["messages"][5]["ts"]
    bad = tmp_path / "one_lost.json"
    bad.write_text(json.dumps(one_lost), encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"messages\[5\]"):
        read_labelled(Source(str(bad), path=bad))


def test_a_deleted_message_cut_from_an_export_is_read_as_deleted(tmp_path):
    texts = ["This message was deleted.", "\u200eYou deleted this message.", "Se eliminó este mensaje."]
    messages = [{"ts": f"2025-04-0{1 + i}T18:00:00", "author": "Ana", "text": text, "bid": None}
                for i, text in enumerate(texts)]
    path = tmp_path / "deleted.json"
    path.write_text(json.dumps({"id": "deleted", "relationship": "friend", "people": ["Ana", "Tom"],
                                "messages": messages}), encoding="utf-8")
    conv, _ = read_labelled(Source(str(path), path=path))
    assert [m.kind.value for m in conv.messages] == ["deleted"] * len(texts)
    assert all(lab.bid is None for lab in analyze([conv]).conversations[0].labels)
