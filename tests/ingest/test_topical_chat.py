"""Topical-Chat's conversation files read as chats of two without times (the turns are ours)."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from tests._cli import run
from tests.ingest._json_fuzz import damaged, json_values

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.model import NO_TIMES_START


def turn(agent: str, message: str) -> dict[str, object]:
    return {"message": message, "agent": agent, "sentiment": "Happy", "knowledge_source": ["FS1"],
            "turn_rating": "Good"}


CORPUS = {
    "t_0a1b": {
        "article_url": "https://example.org/article",
        "config": "A",
        "content": [
            turn("agent_1", "did you know octopuses have three hearts?"),
            turn("agent_2", "no way! do you think that's why they're so clever"),
            turn("agent_1", " "),
            turn("agent_1", "maybe! i'd love to see one up close someday"),
        ],
        "conversation_rating": {"agent_1": "Good", "agent_2": "Excellent"},
    },
    "t_2c3d": {
        "article_url": "https://example.org/other",
        "config": "C",
        "content": [turn("agent_2", "do you follow any sport?"), turn("agent_1", "basketball, mostly. you?")],
        "conversation_rating": {"agent_1": "Good", "agent_2": "Good"},
    },
}


def write(tmp_path: Path, doc: object, name: str = "valid_freq.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def test_each_conversation_is_a_chat_of_two_a_minute_a_turn_without_its_empty_turns(tmp_path: Path) -> None:
    path = write(tmp_path, CORPUS)

    assert detect(Source(str(path), path=path)).name == "topical_chat"
    first, second = [c for _, convs in read_paths([path], ImportOptions()) for c in convs]

    assert (first.title, first.chat_id, first.people) == ("t_0a1b", "t_0a1b", ["agent_1", "agent_2"])
    assert [(m.ts, m.author, m.text) for m in first.messages] == [
        (NO_TIMES_START, "agent_1", "did you know octopuses have three hearts?"),
        (NO_TIMES_START + timedelta(minutes=1), "agent_2", "no way! do you think that's why they're so clever"),
        (NO_TIMES_START + timedelta(minutes=2), "agent_1", "maybe! i'd love to see one up close someday"),
    ]
    assert [m.text for m in second.messages] == ["do you follow any sport?", "basketball, mostly. you?"]
    assert second.messages[0].ts == datetime(2000, 1, 1, 10, 0)


@pytest.mark.parametrize(("change", "path"), [
    (lambda doc: doc["t_2c3d"]["content"][1].pop("agent"), "t_2c3d.content[1].agent"),
    (lambda doc: doc["t_0a1b"].__setitem__("content", "words"), "t_0a1b.content"),
    (lambda doc: doc["t_0a1b"]["content"][0].__setitem__("message", 7), "t_0a1b.content[0].message"),
])
def test_a_field_of_the_wrong_shape_is_named_by_its_path(tmp_path: Path, change, path: str) -> None:
    doc = json.loads(json.dumps(CORPUS))
    change(doc)
    source = write(tmp_path, doc)
    with pytest.raises(ImportFormatError, match=f"at {path.replace('[', '.').replace(']', '.')}"):
        list(read_paths([source], ImportOptions(), fmt="topical_chat"))


def test_other_json_objects_are_not_taken_for_it(tmp_path: Path) -> None:
    telegram_like = write(tmp_path, {"name": "Sam", "type": "personal_chat", "messages": []}, "result.json")
    assert detect(Source(str(telegram_like), path=telegram_like)).name != "topical_chat"


def test_analysing_the_corpus_says_once_that_its_chats_have_no_times(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {f"t_{k}": {"content": [turn("agent_1", "hey, how was your day?"), turn("agent_2", "great, thanks!"),
                                  turn("agent_1", "glad to hear it")]} for k in range(5)}
    path = write(tmp_path, doc)
    code, _, err = run(capsys, "analyze", str(path), "--jsonl", str(tmp_path / "m.jsonl"))

    assert code == 0
    assert " ".join(err.split()).count("carry no times of their own") == 1
    assert "5 of the 5 conversations" in " ".join(err.split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged(CORPUS) | json_values)
def test_any_document_either_parses_or_raises_a_format_error(tmp_path: Path, document: object) -> None:
    path = write(tmp_path, document)
    with contextlib.suppress(ImportFormatError):
        list(read_paths([path], ImportOptions(), fmt="topical_chat"))
