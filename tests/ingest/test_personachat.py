"""PersonaChat / ConvAI2 read as chats: ParlAI's numbered text files and Hugging Face's JSON.

The dialogues here are our own, written in the corpus's tokenised style (``hi , how are you ?``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.ingest._json_fuzz import damaged

from turntoward.errors import ImportFormatError
from turntoward.ingest import Source, detect, read_paths
from turntoward.model import NO_TIMES_START, Conversation

PARLAI = (
    "1 your persona: i bake bread every sunday .\n"
    "2 your persona: i have two old cats .\n"
    "3 hi , how are you doing today ?\tgood ! just pulled a loaf out of the oven . do you bake ?\t\t"
    "no|i love trains|good ! just pulled a loaf out of the oven . do you bake ?\n"
    "4 i do n't , but i 'd never say no to fresh bread !\thaha that is the best part . what do you do ?\t\t"
    "a|b\n"
    "1 partner's persona: i am a night nurse .\n"
    "2 __SILENCE__\thello there ! how was your day ?\n"
    "3 long shift at the hospital . i am so tired\toh no , i am sorry . get some rest tonight !\n"
)


def imported(path: Path) -> list[Conversation]:
    return [c for _, convs in read_paths([path]) for c in convs]


def said(conversation: Conversation) -> list[tuple[str, str]]:
    return [(m.author, m.text) for m in conversation.messages]


def test_parlai_files_are_a_chat_a_dialogue_the_personas_and_candidates_left_out(tmp_path):
    path = tmp_path / "train_self_original.txt"
    path.write_text(PARLAI, encoding="utf-8")
    first, second = imported(path)
    assert (first.title, first.chat_id, first.source_format) == ("dialogue 1", "dialogue 1", "personachat")
    assert said(first) == [
        ("A", "hi, how are you doing today?"),
        ("B", "good! just pulled a loaf out of the oven. do you bake?"),
        ("A", "i don't, but i'd never say no to fresh bread!"),
        ("B", "haha that is the best part. what do you do?"),
    ]
    assert said(second) == [  # the partner's silence left out: B speaks first
        ("B", "hello there! how was your day?"),
        ("A", "long shift at the hospital. i am so tired"),
        ("B", "oh no, i am sorry. get some rest tonight!"),
    ]
    assert [m.ts for m in second.messages] == [NO_TIMES_START.replace(minute=k) for k in range(3)]
    assert not first.is_group


def test_hugging_faces_json_reads_each_dialogue_from_its_last_history_and_reply(tmp_path):
    doc = {
        "train": [{"personality": ["i bake bread every sunday ."], "utterances": [
            {"history": ["__ SILENCE __"], "candidates": ["i like cars .", "hi ! do you like bread ?"]},
            {"history": ["__ SILENCE __", "hi ! do you like bread ?", "i love it , why ?"],
             "candidates": ["no .", "i bake it every sunday , you should come by !"]},
        ]}],
        "valid": [{"personality": [], "utterances": [
            {"history": ["hello , i am sam ."], "candidates": ["bye", "nice to meet you sam !"]}]}],
    }
    path = tmp_path / "personachat_self_original.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    train, valid = imported(path)
    assert train.title == "train dialogue 1" and valid.title == "valid dialogue 1"
    assert said(train) == [("B", "hi! do you like bread?"), ("A", "i love it, why?"),
                           ("B", "i bake it every sunday, you should come by!")]
    assert said(valid) == [("A", "hello, i am sam."), ("B", "nice to meet you sam!")]


def test_other_numbered_text_is_not_taken_for_the_corpus(tmp_path):
    for name, text in [("notes.txt", "1 buy milk\n2 call mum\n"), ("list.txt", "12 angry men\n")]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert getattr(detect(Source(name, path=path)), "name", None) != "personachat"


def test_a_line_out_of_shape_is_an_error_naming_it(tmp_path):
    path = tmp_path / "valid_none_original.txt"
    path.write_text("1 hi there !\thello !\n2 how was the game ?\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as raised:
        imported(path)
    assert raised.value.line == 2 and "tab" in str(raised.value)
    path.write_text("1 hi there !\thello !\nthe rest was lost\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as raised:
        imported(path)
    assert raised.value.line == 2


def test_a_json_dialogue_without_its_reply_names_where(tmp_path):
    path = tmp_path / "personachat_self_original.json"
    path.write_text(json.dumps({"train": [{"personality": [], "utterances": [{"history": ["hi"], "candidates": []}]}]}),
                    encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"train\[0\]\.utterances\[0\]\.candidates"):
        imported(path)


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
               max_size=80))
def test_any_line_either_parses_or_raises_a_format_error(line: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train_self_original.txt"
        path.write_text(PARLAI + line + "\n", encoding="utf-8")
        try:
            chats = imported(path)
        except ImportFormatError:
            return
        assert chats and all(m.text for c in chats for m in c.messages)


DOC = {"train": [{"personality": ["i bake bread ."], "utterances": [
    {"history": ["hi !"], "candidates": ["no", "hello ! do you bake ?"]}]}]}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(DOC))
def test_any_damaged_json_either_parses_or_raises_a_format_error(document: object) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "personachat_self_original.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            imported(path)
        except ImportFormatError:
            return
