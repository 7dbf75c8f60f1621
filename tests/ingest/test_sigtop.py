"""sigtop's plain-text export of a Signal Desktop conversation reads as the chat it shows: its people,
times, files, quotes, reactions, edits and notices."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.sigtop import render_sigtop
from tests.ingest._records import Rec
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.model import MessageKind, Reaction

NUMBERS = {"Maya": "+447700900123", "Jonah": "+447700900456", "Ines": "+351912345678"}


def t(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2023, 10, day, hour, minute, second)


EVENING = [
    Rec(t(1, 20, 58, 4), "Jonah", "home yet?\nthe storm looks bad from here"),
    Rec(t(1, 21, 4, 30), "Maya", "just walked in, soaked 😅"),
    Rec(t(1, 21, 5, 2), "Maya", "<Media omitted>", "media", caption="the umbrella did not survive"),
    Rec(t(1, 21, 6, 15), "Jonah", "noooo. hot shower and tea, now", reply_to=2, reactions=(Reaction("Maya", "❤️"),)),
    Rec(t(1, 21, 7, 0), "Maya", "sent to the wrong chat", "deleted"),
    Rec(t(1, 21, 9, 41), "Maya", "love you, night x", reply_to=3),
]


def imported(path: Path, **options: str) -> list:
    return [c for _, convs in read_paths([path], ImportOptions(**options)) for c in convs]


def written(tmp_path: Path, text: str, name: str = "Jonah (+447700900456).txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_conversation_reads_with_its_people_times_files_quotes_and_reactions(tmp_path: Path) -> None:
    with local_time("Europe/London"):
        path = written(tmp_path, render_sigtop(EVENING, me="Maya", numbers=NUMBERS))
        assert detect(Source(str(path), path=path)).name == "sigtop"
        [chat] = imported(path, me="Maya")
    assert (chat.title, chat.chat_id, chat.group, chat.me, chat.source_format) == (
        "Jonah", "+447700900456", False, "Maya", "sigtop")
    assert [(m.ts, m.author, m.text, m.kind, m.reply_to) for m in chat.messages] == [
        (t(1, 20, 58, 4), "Jonah", "home yet?\nthe storm looks bad from here", MessageKind.TEXT, None),
        (t(1, 21, 4, 30), "Maya", "just walked in, soaked 😅", MessageKind.TEXT, None),
        (t(1, 21, 5, 2), "Maya", "the umbrella did not survive", MessageKind.MEDIA, None),
        (t(1, 21, 6, 15), "Jonah", "noooo. hot shower and tea, now", MessageKind.TEXT, 2),
        (t(1, 21, 7, 0), "Maya", "", MessageKind.DELETED, None),
        (t(1, 21, 9, 41), "Maya", "love you, night x", MessageKind.TEXT, 3),
    ]
    assert chat.messages[3].reactions == (Reaction("Maya", "❤️"),)


def test_without_me_the_user_is_me_and_their_quoted_message_is_still_found(tmp_path: Path) -> None:
    [chat] = imported(written(tmp_path, render_sigtop(EVENING, me="Maya", numbers=NUMBERS)))
    assert chat.me == "Me" and [m.author for m in chat.messages][:2] == ["Jonah", "Me"]
    assert chat.messages[3].reply_to == 2  # sigtop quotes the user's message under "Maya (+44…)"
    assert chat.messages[3].reactions == (Reaction("Me", "❤️"),)


def test_a_group_has_its_name_its_senders_and_its_notices(tmp_path: Path) -> None:
    records = [Rec(t(2, 18, 0), "Jonah", "who's in for sunday lunch?"), Rec(t(2, 18, 1), "x", "", "system"),
               Rec(t(2, 18, 5), "Ines", "me!"), Rec(t(2, 18, 6), "Maya", "same")]
    [chat] = imported(written(tmp_path, render_sigtop(records, me="Maya", numbers=NUMBERS, group="Sunday lunch"),
                              "Sunday lunch (Zm9v).txt"), me="Maya")
    assert (chat.title, chat.group) == ("Sunday lunch", True)
    assert [m.author for m in chat.messages] == ["Jonah", "Ines", "Maya"]
    assert [e.text for e in chat.system_events] == ["group-v2-change"]


def test_an_edited_message_reads_as_its_newest_version(tmp_path: Path) -> None:
    text = ("Conversation: Jonah (+447700900456)\n\n"
            "From: Jonah (+447700900456)\nType: incoming\nSent: Sun, 1 Oct 2023 20:58:04 +0000\n"
            "Received: Sun, 1 Oct 2023 20:58:05 +0000\nEdited: 2 versions\n\n"
            "| Version: 2\n| Sent: Sun, 1 Oct 2023 20:59:10 +0000\n|\n| see you at 8, not 7\n|\n"
            "| Version: 1\n| Sent: Sun, 1 Oct 2023 20:58:04 +0000\n|\n| see you at 7\n\n")
    [chat] = imported(written(tmp_path, text))
    [message] = chat.messages
    assert (message.text, message.edited) == ("see you at 8, not 7", True)


def test_a_message_without_a_time_names_its_line(tmp_path: Path) -> None:
    text = ("Conversation: Jonah (+447700900456)\n\n"
            "From: Jonah (+447700900456)\nType: incoming\nSent: unknown\nReceived: unknown\n\nhi\n\n")
    with pytest.raises(ImportFormatError, match=r"Jonah.*\.txt:3: expected a 'Sent:' time"):
        imported(written(tmp_path, text))


def test_other_text_files_are_not_taken_for_sigtop(tmp_path: Path) -> None:
    for text in ("Conversation: not really\nsome notes\n", "[2023-10-01 09:12] Lena: hi\n"):
        path = written(tmp_path, text, "notes.txt")
        found = detect(Source(str(path), path=path))
        assert found is None or found.name != "sigtop"


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
               max_size=120))
def test_any_lines_after_a_header_either_parse_or_raise_a_format_error(body: str) -> None:
    head = render_sigtop(EVENING[:2], me="Maya", numbers=NUMBERS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Jonah.txt"
        path.write_text(head + body + "\n", encoding="utf-8")
        try:
            imported(path)
        except ImportFormatError:
            return


def test_sigtops_earlier_files_mark_a_group_by_the_word_group(tmp_path: Path) -> None:
    """Until 2024 sigtop wrote ``Conversation: Sunday lunch (group)`` (and the sender's name with
    their number, as since)."""
    text = ("Conversation: Sunday lunch (group)\n\n"
            "From: Jonah (+447700900456)\nType: incoming\nSent: Mon, 2 Oct 2023 18:00:00 +0100\n"
            "Received: Mon, 2 Oct 2023 18:00:01 +0100\n\nwho's in for sunday?\n\n"
            "From: You\nType: outgoing\nSent: Mon, 2 Oct 2023 18:06:00 +0100\n\nme!\n\n")
    [chat] = imported(written(tmp_path, text, "Sunday lunch.txt"), me="Maya")
    assert (chat.title, chat.chat_id, chat.group) == ("Sunday lunch", "Sunday lunch", True)
    assert [m.author for m in chat.messages] == ["Jonah", "Maya"]
