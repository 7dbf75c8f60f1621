"""The Signal importer reads signal-export's chat folders: messages, replies, media, deletions, reactions."""

from __future__ import annotations

import contextlib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.signal import render_signal_chat
from tests.ingest._records import Rec

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.signal import SignalExportImporter
from turntoward.model import MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures" / "signal"
SAM = FIXTURES / "Sam Rivera" / "chat.md"
LAKE = FIXTURES / "Lake crew" / "chat.md"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED


def parse(path: Path, **options: str) -> list:
    return list(SignalExportImporter().parse(Source(str(path), path=path), ImportOptions(**options)))


def test_a_one_to_one_chat_reads_as_signal_showed_it() -> None:
    [chat] = parse(SAM)
    assert (chat.title, chat.chat_id, chat.me) == ("Sam Rivera", "Sam Rivera", "Me")
    assert chat.source_format == "signal"
    assert [(m.index, m.ts, m.author, m.kind, m.text, m.reply_to) for m in chat.messages] == [
        (0, datetime(2024, 3, 12, 21, 4, 5), "Sam Rivera", TEXT, "Guess who got the job 🎉", None),
        (1, datetime(2024, 3, 12, 21, 5, 40), "Me", TEXT, "NO WAY\nTell me everything", None),
        (2, datetime(2024, 3, 12, 21, 6), "Sam Rivera", MEDIA, "the view from the new office", None),
        (3, datetime(2024, 3, 12, 21, 7, 12), "Me", TEXT, "So proud of you. Dinner Friday, my treat?", 0),
        (4, datetime(2024, 3, 12, 21, 8), "Sam Rivera", DELETED, "", None),
        (5, datetime(2024, 3, 12, 21, 9, 30), "Sam Rivera", TEXT, "that's my desk by the window", 2),
        (6, datetime(2024, 3, 13, 8, 0, 10), "Me", MEDIA, "", None),
    ]


def test_group_calls_are_system_events_too(tmp_path: Path) -> None:
    chat_md = tmp_path / "Climbing club" / "chat.md"
    chat_md.parent.mkdir()
    chat_md.write_text(
        "[2025-02-01 18:00:00] Priya: anyone at the wall tonight?\n\n"
        "[2025-02-01 18:05:12] Me: Outgoing group call (accepted, 4m 2s)\n\n"
        "[2025-02-01 18:20:00] Priya: Incoming adhoc call (missed)\n\n",
        encoding="utf-8",
    )
    [chat] = parse(chat_md)
    assert [(m.author, m.text) for m in chat.messages] == [("Priya", "anyone at the wall tonight?")]
    assert [e.text for e in chat.system_events] == [
        "Outgoing group call (accepted, 4m 2s)",
        "Incoming adhoc call (missed)",
    ]


def test_calls_are_system_events_not_messages() -> None:
    [chat] = parse(SAM)
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (datetime(2024, 3, 12, 22, 30), "Sam Rivera", "Missed voice call"),
    ]


def test_a_group_chat_with_quotes_attachments_and_reactions() -> None:
    [chat] = parse(LAKE, me="Alex")
    assert chat.title == "Lake crew"
    assert chat.people == ["Jo Park", "Sam Rivera", "Alex", "No-Sender"]
    assert [(m.author, m.kind, m.text, m.reply_to) for m in chat.messages] == [
        ("Jo Park", TEXT, "Who's in for the lake on Saturday?", None),
        ("Sam Rivera", TEXT, "Me! I'll bring the kayak", 0),
        ("Alex", TEXT, "Count me in. Packing list:\n- sunscreen\n- snacks\n\nanything else?", None),
        ("Jo Park", MEDIA, "", None),
        ("No-Sender", TEXT, "thanks!", 3),
    ]
    assert [(e.author, e.text) for e in chat.system_events] == [
        ("Sam Rivera", ""), ("Alex", "Outgoing video call (accepted, 12m 5s)"),
    ]


def test_reactions_are_read_onto_the_message_they_follow() -> None:
    [chat] = parse(SAM)
    assert [(m.index, m.reactions) for m in chat.messages if m.reactions] == [
        (0, (Reaction("Me", "❤️"),)),
        (2, (Reaction("Me", "😍"),)),  # the attachment follows the reactions on their line
        (3, (Reaction("Sam Rivera", "👍"), Reaction("Me", "🙌"))),
        (6, (Reaction("Sam Rivera", "😂"),)),  # the sticker line follows the reactions line
    ]
    assert [(m.text, m.kind) for m in (chat.messages[2], chat.messages[6])] == [
        ("the view from the new office", MEDIA), ("", MEDIA),
    ]


def test_the_users_own_reactions_are_named_as_their_messages_are() -> None:
    [chat] = parse(SAM, me="Alex")
    assert chat.messages[0].reactions == (Reaction("Alex", "❤️"),)
    assert chat.messages[3].author == "Alex"
    assert chat.messages[3].reactions == (Reaction("Sam Rivera", "👍"), Reaction("Alex", "🙌"))
    # signal-export v3.8.6 to v3.9.0 named the user's own reactions after "Note to Self"
    [lake] = parse(LAKE, me="Alex")
    assert [(m.index, m.author, m.reactions) for m in lake.messages if m.reactions] == [
        (2, "Alex", (Reaction("Jo Park", "😂"),)),
        (3, "Jo Park", (Reaction("Sam Rivera", "👍"), Reaction("Alex", "❤️"))),
    ]
    [lake] = parse(LAKE)
    assert lake.messages[3].reactions[1] == Reaction("Me", "❤️")


def test_reaction_names_with_commas_merged_spacing_and_empty_lists(tmp_path: Path) -> None:
    path = tmp_path / "Book club" / "chat.md"
    path.parent.mkdir()
    path.write_text(
        "[2024-03-12 21:04:05] Park, Jo: who finished it?  \n"
        "(- Park, Jo: 👍, Sam:  ❤️, Dr: Who: 👨‍👩‍👧, Me: 1️⃣ -)\n\n"
        "[2024-03-12 21:05:00] Sam: not me  \n(-  -)\n\n"
        "[2024-03-12 21:06:00] Sam:   \n(- Me: 😂 -)(media not exported)  \n\n",
        encoding="utf-8",
    )
    [chat] = parse(path, me="Alex")
    assert [(m.author, m.text, m.kind, m.reactions) for m in chat.messages] == [
        ("Park, Jo", "who finished it?", TEXT, (
            Reaction("Park, Jo", "👍"), Reaction("Sam", "❤️"), Reaction("Dr: Who", "👨‍👩‍👧"),
            Reaction("Alex", "1️⃣"),
        )),
        ("Sam", "not me", TEXT, ()),
        ("Sam", "", MEDIA, (Reaction("Alex", "😂"),)),
    ]


def test_reactions_on_a_call_or_group_change_are_dropped_with_it(tmp_path: Path) -> None:
    path = tmp_path / "Climbing club" / "chat.md"
    path.parent.mkdir()
    path.write_text(
        "[2025-02-01 18:00:00] Priya: anyone at the wall tonight?  \n(- Me: 🙋 -)\n\n"
        "[2025-02-01 18:05:12] Me: Outgoing group call (accepted, 4m 2s)  \n(- Priya: 👍 -)\n\n"
        "[2025-02-01 18:06:00] Priya:   \n(- Me: 👋 -)\n\n",
        encoding="utf-8",
    )
    [chat] = parse(path)
    assert [(m.text, m.reactions) for m in chat.messages] == [("anyone at the wall tonight?", (Reaction("Me", "🙋"),))]
    assert [e.text for e in chat.system_events] == ["Outgoing group call (accepted, 4m 2s)", ""]


@pytest.mark.parametrize("body, line", [
    ("there  \n(- Sam 👍 -)\n", 4),  # no "name: " before the emoji
    ("there  \n(- Sam: thumbsup -)\n", 4),  # a word, not an emoji
    ("there  \n(- Sam: 👍, -)\n", 4),  # a dangling separator
    ("  \n(- : 👍 -)\n(( 😀 ))\n", 4),  # no name; the sticker line after it is line 5
])
def test_a_malformed_reactions_line_names_its_line(tmp_path: Path, body: str, line: int) -> None:
    path = tmp_path / "chat.md"
    path.write_text(f"[2024-03-12 21:04:05] Sam: hi  \n\n[2024-03-12 21:05:00] Sam: {body}", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=rf"chat\.md:{line}: expected reactions as .*found '\(- "):
        parse(path)


def test_detection_prefers_signal_over_iso_date_whatsapp_for_chat_md() -> None:
    found = detect(Source(str(SAM), path=SAM))
    assert found is not None and found.name == "signal"


def test_an_export_folder_yields_one_conversation_per_chat(tmp_path: Path) -> None:
    archive = tmp_path / "signal-export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for chat in (SAM, LAKE):
            zf.write(chat, f"signal-export/{chat.parent.name}/chat.md")
        zf.writestr("signal-export/Lake crew/media/2024-06-01T09-05-00.000_00_packing-list.pdf", b"%PDF-1.4")
    titles = [c.title for _, conversations in read_paths([archive]) for c in conversations]
    assert titles == ["Lake crew", "Sam Rivera"]


def test_older_exports_with_minute_dates_and_index_md(tmp_path: Path) -> None:
    path = tmp_path / "Aya" / "index.md"
    path.parent.mkdir()
    path.write_text("[2019-05-29, 15:04] Me: How is everyone?  \n\n"
                    "[2019-05-29, 15:10] Aya: We're great!  \n\n")
    [chat] = parse(path)
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [
        (datetime(2019, 5, 29, 15, 4), "Me", "How is everyone?"),
        (datetime(2019, 5, 29, 15, 10), "Aya", "We're great!"),
    ]


def test_text_before_the_first_message_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.md"
    path.write_text("# My chats\n\n[2024-03-12 21:04:05] Sam: hi  \n")
    with pytest.raises(ImportFormatError, match=r"chat\.md:1: expected a signal-export chat\.md"):
        parse(path)


def test_an_impossible_date_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.md"
    path.write_text("[2024-03-12 21:04:05] Sam: hi  \n\n[2024-02-30 21:04:05] Sam: hi  \n")
    with pytest.raises(ImportFormatError, match=r"chat\.md:3: expected a real date and time"):
        parse(path)


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.md"
    path.write_bytes(b"[2024-03-12 21:04:05] Sam: hi  \n\n[2024-03-12 21:05:00] Sam: caf\xe9  \n")
    with pytest.raises(ImportFormatError, match=r"chat\.md:3: expected UTF-8 text.*byte e9"):
        parse(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "chat.md"
    path.write_text("\n")
    with pytest.raises(ImportFormatError, match="found 'no messages'"):
        parse(path)


def test_sniffing_needs_the_paragraph_header() -> None:
    importer = SignalExportImporter()
    head = SAM.read_bytes()[:200]
    assert importer.sniff(Source("x/chat.md", path=SAM), head) == 0.99
    assert importer.sniff(Source("notes.md", path=Path("notes.md")), head) == 0.97
    assert importer.sniff(Source("x/chat.md", path=SAM), b"# README\n") == 0.0
    assert importer.sniff(Source("chat.txt", path=Path("chat.txt")), head) == 0.0


def test_renderer_round_trip(tmp_path: Path) -> None:
    records = [
        Rec(datetime(2024, 7, 1, 18, 0), "Noor", "rough day. the interview went badly"),
        Rec(datetime(2024, 7, 1, 18, 2), "Me", "oh no, I'm sorry\nwant to talk about it?", reply_to=0),
        Rec(datetime(2024, 7, 1, 18, 3), "Noor", "", "media"),
        Rec(datetime(2024, 7, 1, 18, 4), "Noor", "oops", "deleted"),
        Rec(datetime(2024, 7, 1, 18, 5), "Me", "that cat photo helps 😄", reply_to=2),
    ]
    reactions = {1: [("Noor", "❤️")], 2: [("Me", "😻"), ("Noor", "👍")], 3: [("Me", "😢")]}
    chat_md = render_signal_chat(records, tmp_path, "Noor", reactions=reactions)
    [chat] = parse(chat_md)
    assert chat.title == "Noor"
    assert [(m.ts, m.author, m.text, m.kind.value, m.reply_to) for m in chat.messages] == [
        (r.ts, r.author, "" if r.kind == "deleted" else r.text, r.kind, r.reply_to) for r in records
    ]
    # a deleted message shows no reactions in signal-export's Markdown
    assert [m.reactions for m in chat.messages] == [
        (), (Reaction("Noor", "❤️"),), (Reaction("Me", "😻"), Reaction("Noor", "👍")), (), (),
    ]
    # the renderer writes the user's own reactions as "Me", as signal-export does
    chat_md = render_signal_chat(records, tmp_path / "named", "Noor", me="Ama", reactions={2: [("Ama", "😻")]})
    assert "\n(- Me: 😻 -)" in chat_md.read_text(encoding="utf-8")
    [chat] = parse(chat_md, me="Ama")
    assert chat.messages[2].reactions == (Reaction("Ama", "😻"),)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=1024))
def test_arbitrary_bytes_only_ever_raise_an_import_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "chat.md"
    path.write_bytes(data)
    with contextlib.suppress(ImportFormatError):
        parse(path)


_pieces = st.sampled_from([
    "[2024-03-12 21:04:05] Sam: ", "[2024-03-12, 21:04] Me: ", "\n", "\n\n", "> ", "  ", "(- Jo: 👍 -)",
    "(( 😀 ))", "![a](./media/a.jpg)  ", "(media not exported)  ", "(This message was deleted)", "Photo",
    "Missed voice call", "[9999-99-99 99:99:99] X: ", "hello", "`",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_pieces, max_size=30))
def test_arbitrary_markdown_only_ever_raises_an_import_error(tmp_path: Path, pieces: list[str]) -> None:
    path = tmp_path / "chat.md"
    path.write_text("".join(pieces), encoding="utf-8")
    with contextlib.suppress(ImportFormatError):
        parse(path)


def _chat(tmp_path: Path, text: str) -> list:
    path = tmp_path / "Sam" / "chat.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return parse(path)


def test_a_header_shaped_line_inside_a_message_is_its_text(tmp_path: Path) -> None:
    # signal-export v2+ prints a blank line before every message; the pasted line has none.
    [chat] = _chat(tmp_path,
        "[2024-03-08 12:20:00] Sam: did you see what Jo wrote?  \n\n"
        "[2024-03-08 12:24:20] Me: yes, look:\n"
        "[2024-03-08 12:00:00] Jo: we're moving the party to Sunday\n"
        "so Sunday it is  \n(- Sam: 👍 -)\n\n"
        "[2024-03-08 12:25:00] Sam: ok good  \n\n")
    assert [(m.ts, m.author, m.text, m.reactions) for m in chat.messages] == [
        (datetime(2024, 3, 8, 12, 20), "Sam", "did you see what Jo wrote?", ()),
        (datetime(2024, 3, 8, 12, 24, 20), "Me",
         "yes, look:\n[2024-03-08 12:00:00] Jo: we're moving the party to Sunday\nso Sunday it is",
         (Reaction("Sam", "👍"),)),
        (datetime(2024, 3, 8, 12, 25), "Sam", "ok good", ()),
    ]


def test_a_header_shaped_line_after_a_blank_line_in_a_body_is_text_too(tmp_path: Path) -> None:
    # The blank line is the body's own: the line before it does not end as a message ends.
    [chat] = _chat(tmp_path,
        "[2024-03-08 12:20:00] Sam: what did the landlord say?  \n\n"
        "[2024-03-08 12:24:20] Me: copied it for you:\n\n"
        "[2024-03-07 09:15:00] Landlord: the heating gets fixed on Monday\n\n"
        "fingers crossed  \n\n"
        "[2024-03-08 12:25:00] Sam: finally!!  \n\n"
        "[2024-03-08 12:26:00] Sam: (This message was deleted)\n\n"
        "[2024-03-08 12:27:00] Me: 🎉  \n\n")
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("Sam", TEXT, "what did the landlord say?"),
        ("Me", TEXT, "copied it for you:\n\n[2024-03-07 09:15:00] Landlord: the heating gets fixed on Monday"
                     "\n\nfingers crossed"),
        ("Sam", TEXT, "finally!!"),
        ("Sam", DELETED, ""),
        ("Me", TEXT, "🎉"),
    ]


def test_a_file_without_blank_lines_between_messages_splits_at_every_header(tmp_path: Path) -> None:
    # signal-export v1 (and its README) printed no blank line between messages.
    [chat] = _chat(tmp_path,
        "[2019-05-29, 15:04] Me: How is everyone?\n"
        "[2019-05-29, 15:10] Sam: We're great!\n"
        "and you?\n"
        "[2019-05-29, 15:20] Me: tired but ok\n")
    assert [(m.author, m.text) for m in chat.messages] == [
        ("Me", "How is everyone?"), ("Sam", "We're great!\nand you?"), ("Me", "tired but ok"),
    ]
