"""ConvoKit corpora (utterances.jsonl beside speakers.json and conversations.json) read as chats.

The corpora here are our own lines, laid out as ConvoKit saves a corpus: a film's dialogue without
times (listed last line first, as the movie corpus lists them), a Reddit thread with Unix times, and a
corpus saved before ConvoKit 2.0 (``user`` and ``root``, the utterances as one JSON list).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._cli import run

from turntoward.errors import ImportFormatError
from turntoward.ingest import Source, detect, read_paths
from turntoward.model import NO_TIMES_START, Conversation, MessageKind

# Two conversations of one film, each listed last line first, as `Corpus.dump` writes them (``reply-to``).
FILM: list[dict[str, object]] = [
    {"id": "L103", "conversation_id": "L101", "text": "Only if you promise to stop humming.", "speaker": "u1",
     "reply-to": "L102", "timestamp": None, "meta": {"movie_id": "m0"}, "vectors": []},
    {"id": "L102", "conversation_id": "L101", "text": "Will you come to the lighthouse with me tonight?",
     "speaker": "u0", "reply-to": "L101", "timestamp": None, "meta": {"movie_id": "m0"}, "vectors": []},
    {"id": "L101", "conversation_id": "L101", "text": "You've been quiet all day.", "speaker": "u1",
     "reply-to": None, "timestamp": None, "meta": {"movie_id": "m0"}, "vectors": []},
    {"id": "L205", "conversation_id": "L204", "text": "I got the part. The lead!", "speaker": "u2",
     "reply-to": "L204", "timestamp": None, "meta": {"movie_id": "m0"}, "vectors": []},
    {"id": "L204", "conversation_id": "L204", "text": "Well? Don't keep me waiting.", "speaker": "u0",
     "reply-to": None, "timestamp": None, "meta": {"movie_id": "m0"}, "vectors": []},
]
FILM_SPEAKERS: dict[str, object] = {"u0": {"character_name": "MARGO", "movie_idx": "m0"},
                                    "u1": {"character_name": "TEDDY"}, "u2": {"character_name": "JUNE"}}
FILM_CONVERSATIONS: dict[str, object] = {"L101": {"movie_idx": "m0", "movie_name": "the lighthouse keepers"},
                                         "L204": {"movie_idx": "m0", "movie_name": "the lighthouse keepers"}}

T0 = 1_700_000_000
THREAD: list[dict[str, object]] = [  # a post and its comments, a branch of replies answered out of file order
    {"id": "p1", "speaker": "bakes_at_night", "conversation_id": "p1", "reply_to": None, "timestamp": T0,
     "text": "First sourdough that actually rose. I nearly cried.", "meta": {"score": 41}},
    {"id": "c3", "speaker": "flourpower", "conversation_id": "p1", "reply_to": "c1", "timestamp": T0 + 900,
     "text": "Same! What hydration do you use?", "meta": {}},
    {"id": "c1", "speaker": "crumbshot", "conversation_id": "p1", "reply_to": "p1", "timestamp": T0 + 300,
     "text": "That crumb is gorgeous, well done", "meta": {}},
    {"id": "c2", "speaker": "someone_else", "conversation_id": "p1", "reply_to": "p1", "timestamp": T0 + 600,
     "text": "[deleted]", "meta": {}},
    {"id": "c4", "speaker": "bakes_at_night", "conversation_id": "p1", "reply_to": "c3", "timestamp": T0 + 1200,
     "text": "75%, and a lot of patience", "meta": {}},
    {"id": "q1", "speaker": "linkposter", "conversation_id": "q1", "reply_to": None, "timestamp": T0 + 50,
     "text": "", "meta": {}},  # a link post: no words of its own
    {"id": "q2", "speaker": "crumbshot", "conversation_id": "q1", "reply_to": "q1", "timestamp": T0 + 100,
     "text": "this is the best thing I've read all week", "meta": {}},
]
THREAD_SPEAKERS: dict[str, object] = {"bakes_at_night": {"meta": {}, "vectors": []},
                                      "flourpower": {"meta": {}, "vectors": []}}
THREAD_CONVERSATIONS: dict[str, object] = {
    "p1": {"meta": {"title": "My first real loaf", "subreddit": "Breadit"}, "vectors": []},
    "q1": {"meta": {"title": None}, "vectors": []},
}


def write_corpus(folder: Path, utterances: Sequence[Mapping[str, object]], speakers: Mapping[str, object] | None = None,
                 conversations: Mapping[str, object] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "utterances.jsonl").write_text("".join(json.dumps(u) + "\n" for u in utterances), encoding="utf-8")
    (folder / "speakers.json").write_text(json.dumps(speakers or {}), encoding="utf-8")
    (folder / "conversations.json").write_text(json.dumps(conversations or {}), encoding="utf-8")
    (folder / "corpus.json").write_text(json.dumps({"name": "ours"}), encoding="utf-8")
    (folder / "index.json").write_text(json.dumps({"utterances-index": {}, "version": 1}), encoding="utf-8")
    return folder


def imported(path: Path) -> list[Conversation]:
    return [c for _, convs in read_paths([path]) for c in convs]


def said(conv: Conversation) -> list[tuple[str, str]]:
    return [(m.author, m.text) for m in conv.messages]


def test_a_film_without_times_reads_in_reply_order_a_minute_a_line_under_its_characters_names(tmp_path: Path) -> None:
    first, second = imported(write_corpus(tmp_path / "movie-corpus", FILM, FILM_SPEAKERS, FILM_CONVERSATIONS))
    assert said(first) == [("TEDDY", "You've been quiet all day."),
                           ("MARGO", "Will you come to the lighthouse with me tonight?"),
                           ("TEDDY", "Only if you promise to stop humming.")]
    assert [m.ts for m in first.messages] == [NO_TIMES_START.replace(minute=k) for k in range(3)]
    assert [m.reply_to for m in first.messages] == [None, 0, 1]
    assert (first.title, first.chat_id, first.source_format) == ("the lighthouse keepers", "L101", "convokit")
    assert said(second) == [("MARGO", "Well? Don't keep me waiting."), ("JUNE", "I got the part. The lead!")]
    assert not first.is_group


def test_a_thread_with_times_reads_in_time_order_keeping_who_answered_whom(tmp_path: Path) -> None:
    post, link = imported(write_corpus(tmp_path / "reddit", THREAD, THREAD_SPEAKERS, THREAD_CONVERSATIONS))
    assert [m.text for m in post.messages] == ["First sourdough that actually rose. I nearly cried.",
                                               "That crumb is gorgeous, well done", "[deleted]",
                                               "Same! What hydration do you use?", "75%, and a lot of patience"]
    assert [m.reply_to for m in post.messages] == [None, 0, 0, 1, 3]
    assert post.messages[2].kind is MessageKind.DELETED
    assert (post.messages[1].ts - post.messages[0].ts).total_seconds() == 300
    assert post.title == "My first real loaf" and post.is_group
    # A link post has no words: its comment stays, answering nothing here, titled by the id.
    assert said(link) == [("crumbshot", "this is the best thing I've read all week")]
    assert (link.title, link.messages[0].reply_to) == ("q1", None)


def test_a_speaker_name_two_people_share_gives_way_to_their_ids(tmp_path: Path) -> None:
    speakers = {"u0": {"character_name": "MAN"}, "u1": {"character_name": "MAN"}, "u2": {"character_name": "JUNE"}}
    first, second = imported(write_corpus(tmp_path / "c", FILM, speakers, {}))
    assert [a for a, _ in said(first)] == ["u1", "u0", "u1"]
    assert [a for a, _ in said(second)] == ["MAN", "JUNE"]  # only one MAN speaks here
    assert first.title == "L101"


def test_a_corpus_saved_before_convokit_2_reads_the_same(tmp_path: Path) -> None:
    old = [{"id": u["id"], "user": u["speaker"], "root": u["conversation_id"], "reply_to": u["reply-to"],
            "timestamp": u["timestamp"], "text": u["text"], "meta": {}} for u in FILM]
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "utterances.json").write_text(json.dumps(old), encoding="utf-8")
    (folder / "users.json").write_text(json.dumps(FILM_SPEAKERS), encoding="utf-8")
    new = imported(write_corpus(tmp_path / "new", FILM, FILM_SPEAKERS, {}))
    assert [said(c) for c in imported(folder)] == [said(c) for c in new]


def test_an_utterance_without_a_conversation_belongs_to_the_one_it_answers(tmp_path: Path) -> None:
    lines = [{key: value for key, value in u.items() if key != "conversation_id" or u["id"] in ("p1", "q1")}
             for u in THREAD]
    post, link = imported(write_corpus(tmp_path / "r", lines, THREAD_SPEAKERS, THREAD_CONVERSATIONS))
    assert (post.chat_id, len(post.messages), link.chat_id, len(link.messages)) == ("p1", 5, "q1", 1)
    alone = [{"id": "a1", "speaker": "x", "reply_to": None, "timestamp": None, "text": "anyone here?"},
             {"id": "a2", "speaker": "y", "reply_to": "a1", "timestamp": None, "text": "yes! hi"}]
    (only,) = imported(write_corpus(tmp_path / "s", alone))
    assert (only.chat_id, said(only)) == ("a1", [("x", "anyone here?"), ("y", "yes! hi")])


def test_the_zip_a_corpus_is_downloaded_as_reads_as_its_folder(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "movie-corpus", FILM, FILM_SPEAKERS, FILM_CONVERSATIONS)
    archive = tmp_path / "movie-corpus.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"movie-corpus/{path.name}")
    assert [said(c) for c in imported(archive)] == [said(c) for c in imported(folder)]
    assert [c.title for c in imported(archive)] == ["the lighthouse keepers"] * 2


def test_detection_takes_the_utterances_and_leaves_the_files_beside_them(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "reddit", THREAD, THREAD_SPEAKERS, THREAD_CONVERSATIONS)
    found = {p.name: (importer.name if (importer := detect(Source(str(p), path=p))) else None)
             for p in folder.iterdir()}
    assert found == {"utterances.jsonl": "convokit", "speakers.json": None, "conversations.json": None,
                     "corpus.json": None, "index.json": None}
    renamed = folder / "reddit-small.jsonl"
    renamed.write_bytes((folder / "utterances.jsonl").read_bytes())
    importer = detect(Source(str(renamed), path=renamed))
    assert importer is not None and importer.name == "convokit"


def test_a_file_of_another_shape_called_utterances_is_passed_over_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    folder.mkdir()
    (folder / "utterances.jsonl").write_text('{"text": "hello there", "label": 3}\n', encoding="utf-8")
    (folder / "chat.txt").write_text("12/03/2024, 21:04 - Sam: are you home?\n12/03/2024, 21:06 - Alex: yes!\n",
                                     encoding="utf-8")
    skipped: list[str] = []
    found = [c.source_format for _, convs in read_paths([folder], on_skip=lambda s, _: skipped.append(s.filename))
             for c in convs]
    assert (found, skipped) == (["whatsapp"], ["utterances.jsonl"])


@pytest.mark.parametrize(("line", "expected"), [
    ('{"id": "x", "conversation_id": "x", "reply_to": null, "timestamp": null, "text": "hi"}', "speaker"),
    ('{"id": "x", "speaker": "a", "conversation_id": "x", "reply_to": null, "timestamp": null, "text": 5}',
     "words said"),
    ('{"id": "x", "speaker": "a", "conversation_id": "x", "reply_to": null, "timestamp": "soon", "text": "hi"}',
     "Unix time"),
    ('{"conversation_id": "x", "speaker": "a", "reply_to": null, "timestamp": null, "text": "hi"}', "id"),
    ('{"id": "x", "speaker": "a", "conversation_id": "x", "reply_to": null, "timestamp": null, "text": "hi"', "JSON"),
])
def test_a_broken_line_names_its_line_and_what_was_expected(tmp_path: Path, line: str, expected: str) -> None:
    good = json.dumps(THREAD[0])
    path = tmp_path / "utterances.jsonl"
    path.write_text(f"{good}\n{good}\n{line}\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        imported(path)
    assert info.value.line == 3 and info.value.source == str(path)
    assert expected in str(info.value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["id", "speaker", "user", "conversation_id", "root", "reply_to",
                                                 "reply-to", "timestamp", "text"]),
                                st.none() | st.integers(-5, 2_000_000_000) | st.text(max_size=8)), max_size=4))
def test_any_utterances_either_read_or_raise_a_format_error(tmp_path_factory: pytest.TempPathFactory,
                                                            rows: list[dict[str, object]]) -> None:
    path = tmp_path_factory.mktemp("ck") / "utterances.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    try:
        convs = imported(path)
    except ImportFormatError:
        return
    for conv in convs:
        assert [m.index for m in conv.messages] == list(range(len(conv.messages)))
        assert all(m.reply_to is None or m.reply_to < m.index for m in conv.messages)


def test_analyze_reads_a_film_from_its_words_and_turns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_corpus(tmp_path / "movie-corpus", FILM, FILM_SPEAKERS, FILM_CONVERSATIONS)
    out = tmp_path / "m.jsonl"
    code, _out, err = run(capsys, "analyze", str(folder), "--jsonl", str(out))
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in rows][:3] == [u["text"] for u in reversed(FILM[:3])]
    invitation = rows[1]
    assert invitation["bid"] is not None and invitation["bid"]["response_index"] == 2
    assert invitation["bid"]["latency_s"] is None  # a film has no reply times
