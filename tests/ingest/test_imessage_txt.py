"""The imessage-exporter text importer reads `-f txt` files as the chat.db importer reads the database."""

from __future__ import annotations

import contextlib
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.imessage import ChatDb
from tests.ingest._records import Rec

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.imessage import IMessageImporter
from turntoward.ingest.imessage_txt import IMessageTxtImporter
from turntoward.model import MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imessage_txt"
SAM = FIXTURES / "Sam Rivera.txt"
LAKE = FIXTURES / "Lake crew - 14.txt"
PHONE = FIXTURES / "+15551234567.txt"
WHATSAPP = Path(__file__).parent.parent / "fixtures" / "whatsapp"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED


def parse(path: Path, **options: str) -> list:
    return list(IMessageTxtImporter().parse(Source(str(path), path=path), ImportOptions(**options)))


def written(tmp_path: Path, text: str, name: str = "Noor.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_one_to_one_chat_reads_as_messages_showed_it() -> None:
    [chat] = parse(SAM)
    assert (chat.title, chat.chat_id, chat.me, chat.source_format) == ("Sam Rivera", "Sam Rivera", "Me",
                                                                        "imessage_txt")
    d = datetime
    assert [(m.index, m.ts, m.author, m.kind, m.text, m.reply_to, m.edited) for m in chat.messages] == [
        (0, d(2024, 3, 8, 19, 2, 15), "Sam Rivera", TEXT, "are you still up for the farmers market tomorrow?",
         None, False),
        (1, d(2024, 3, 8, 19, 5, 40), "Me", TEXT, "Yes!! 8am?\nI'll bring the big tote bag", None, False),
        (2, d(2024, 3, 8, 19, 6, 2), "Sam Rivera", TEXT, "8 is brutal but ok 😴", None, False),
        (3, d(2024, 3, 8, 19, 9, 47), "Me", MEDIA, "look what I found in the closet", None, False),
        (4, d(2024, 3, 8, 19, 10, 30), "Sam Rivera", TEXT, "is that the old picnic blanket??", None, False),
        (5, d(2024, 3, 8, 19, 11, 2), "Me", TEXT, "the very same one, moths and all", 4, False),
        (6, d(2024, 3, 8, 19, 12, 18), "Sam Rivera", MEDIA, "", None, False),
        (7, d(2024, 3, 8, 19, 14, 55), "Me", TEXT, "see you at 8:15 actually, parking is a nightmare", None, True),
        (8, d(2024, 3, 8, 19, 20, 3), "Sam Rivera", DELETED, "", None, False),
        (9, d(2024, 3, 8, 19, 20, 41), "Sam Rivera", TEXT, "ignore that 🙈", None, False),
        (10, d(2024, 3, 8, 23, 48, 9), "Me", TEXT,
         "can't sleep. thinking about what you said at dinner\n\nI know I got defensive. I'm sorry.", None, False),
        (11, d(2024, 3, 9, 7, 31, 12), "Sam Rivera", TEXT, "thank you for saying that 💛\nwe can talk on the walk over",
         None, False),
        (12, d(2024, 3, 9, 8, 3, 44), "Sam Rivera", MEDIA, "", None, False),
        (13, d(2024, 3, 9, 8, 4, 10), "Me", TEXT, "no rush, I'm getting coffee ☕️", None, False),
        (14, d(2024, 3, 9, 10, 15), "Me", MEDIA, "", None, False),
        (15, d(2024, 3, 9, 10, 16, 27), "Sam Rivera", TEXT, "those strawberries were unreal 🍓🍓", None, False),
        (16, d(2024, 3, 9, 10, 17, 2), "Me", TEXT, "best saturday in ages", None, False),
        (17, d(2024, 3, 9, 12, 40, 19), "Sam Rivera", TEXT, "same time next week?", None, False),
        (18, d(2024, 3, 9, 12, 41), "Me", TEXT, "It's a date 🥕", None, False),
    ]


def test_tapbacks_are_reactions_and_location_sharing_a_notice() -> None:
    [chat] = parse(SAM)
    assert not any("by Me" in m.text or "Tapbacks" in m.text for m in chat.messages)
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (datetime(2024, 3, 9, 7, 58, 30), "Sam Rivera", "started sharing location"),
    ]


def test_tapbacks_are_the_reactions_of_the_message_they_follow() -> None:
    [chat] = parse(SAM)
    sam = "Sam Rivera"
    # Each named kind is the emoji Messages shows (❤️ and ‼️ with the variation selector U+FE0F);
    # "❤️ by Me" is a custom emoji tapback; the text records no tapback times.
    assert {m.index: [(r.author, r.emoji, r.ts) for r in m.reactions] for m in chat.messages if m.reactions} == {
        2: [("Me", "\U0001f602", None)],
        3: [(sam, "\u2753", None)],  # after the photo, before the caption: still message 3
        7: [(sam, "\U0001f44e", None)],  # after an edited part
        9: [("Me", "\u2764\ufe0f", None)],
        11: [("Me", "\u2764\ufe0f", None)],
        16: [(sam, "\u203c\ufe0f", None)],  # after the effect line
        17: [("Me", "\U0001f44d", None)],
    }
    [alex] = parse(SAM, me="Alex")
    assert alex.messages[17].reactions == (Reaction("Alex", "👍"),)


def test_tapbacks_on_each_part_of_a_group_message() -> None:
    [chat] = parse(LAKE, me="Alex")
    assert [[(r.author, r.emoji) for r in m.reactions] for m in chat.messages] == [
        [],
        [("Jo Chen", "‼️"), ("Alex", "❤️")],
        [],
        [],
        [("priya@example.com", "🔥"), ("Alex", "❤️")],  # one on each photo
    ]


def test_tapback_lines_without_an_emoji_and_a_person_listed_twice(tmp_path: Path) -> None:
    path = written(tmp_path, (
        "Mar 08, 2024  7:02:15 PM\nNoor\n/Users/a/Library/Messages/Attachments/x/IMG_1.HEIC\nTapbacks:\n"
        "Loved by Me\nSticker from Noor: /Users/a/Library/Messages/StickerCache/s.heic from Noor\n"
        "Sticker from Jo not found!\nUnknown emoji! by Noor\nLiked by Me\n\n"
        "look at this\nTapbacks:\n🫶🏽 by Noor\nLaughed by Jo by the lake\n\n\n"
        "Mar 08, 2024  7:03:00 PM\nMe\nwow\n\n"
    ))
    [chat] = parse(path)
    assert [(m.kind, m.text) for m in chat.messages] == [(MEDIA, "look at this"), (TEXT, "wow")]
    assert [[(r.author, r.emoji) for r in m.reactions] for m in chat.messages] == [
        [("Me", "👍"), ("Noor", "🫶🏽"), ("Jo by the lake", "😂")],
        [],
    ]


def test_a_group_chat_with_notices_and_two_photos() -> None:
    [chat] = parse(LAKE, me="Alex")
    assert (chat.title, chat.chat_id) == ("Lake crew", "Lake crew - 14")
    assert chat.people == ["Jo Chen", "+15555550188", "priya@example.com", "Alex"]
    assert chat.is_group
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("Jo Chen", TEXT, "Who's in for the lake on Saturday?"),
        ("+15555550188", TEXT, "me! I'll bring the kayak"),
        ("priya@example.com", TEXT, "hi all 👋 what do I need to bring?"),
        ("Alex", TEXT, "Packing list:\n- sunscreen\n- snacks\n- dry bag"),
        ("Jo Chen", MEDIA, "the spot"),
    ]
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (datetime(2024, 6, 1, 9, 2, 30), "Jo Chen", "named the conversation “Lake crew 🛶”"),
        (datetime(2024, 6, 1, 9, 3, 5), "Alex", "added priya@example.com to the conversation"),
        (datetime(2024, 6, 1, 9, 30), "+15555550188", "left the conversation"),
    ]


def test_the_same_chat_reads_the_same_from_chat_db_and_from_the_text_export(tmp_path: Path) -> None:
    # PHONE is what imessage-exporter writes (without contacts) for the chat built here.
    sam = "+15551234567"
    records = [
        Rec(datetime(2024, 5, 3, 18, 2, 11), sam, "rough day. can I call you later?"),
        Rec(datetime(2024, 5, 3, 18, 5), "Me", "of course\nI'm free after 7"),
        Rec(datetime(2024, 5, 3, 18, 6, 30), sam, "", "media"),
        Rec(datetime(2024, 5, 3, 18, 7, 2), sam, "that's the email from my manager", reply_to=2),
        Rec(datetime(2024, 5, 3, 18, 8), "Me", "never mind", "deleted"),
        Rec(datetime(2024, 5, 3, 18, 9, 45), "Me", "ugh, I'm sorry. call at 7:15?"),
        Rec(datetime(2024, 5, 3, 18, 12, 20), "Me", "my view right now, it helps", "media"),
    ]
    db_path = tmp_path / "chat.db"
    with ChatDb(db_path) as db:
        guids = db.add_chat(records, attributed_body_only=True)
        db.add_tapback(guids[0], "Me", datetime(2024, 5, 3, 18, 3), "love")
        db.add_tapback(guids[0], "Me", datetime(2024, 5, 3, 18, 3, 20), "emoji", emoji="🫶")  # replaces the heart
        db.add_tapback(guids[3], "Me", datetime(2024, 5, 3, 18, 7, 30), "love")
        db.add_tapback(guids[5], sam, datetime(2024, 5, 3, 18, 10), "like")
        db.add_tapback(guids[6], sam, datetime(2024, 5, 3, 18, 13), "love", part=0)
        db.add_tapback(guids[6], sam, datetime(2024, 5, 3, 18, 13, 10), "laugh", part=1)
        db.add_tapback(guids[6], sam, datetime(2024, 5, 3, 18, 13, 30), "laugh", part=1, removed=True)
    [from_db] = IMessageImporter().parse(Source(str(db_path), path=db_path), ImportOptions())
    [from_txt] = parse(PHONE)

    def seen(chat: object) -> list[tuple]:
        return [(m.index, m.ts, m.author, m.text, m.kind, m.reply_to) for m in chat.messages]  # type: ignore[attr-defined]

    assert seen(from_txt) == seen(from_db)

    def reactions(chat: object) -> list[list[tuple[str, str]]]:
        return [[(r.author, r.emoji) for r in m.reactions] for m in chat.messages]  # type: ignore[attr-defined]

    assert reactions(from_txt) == reactions(from_db) == [
        [("Me", "🫶")], [], [], [("Me", "❤️")], [], [(sam, "👍")], [(sam, "❤️")],
    ]
    assert all(r.ts is None for m in from_txt.messages for r in m.reactions)
    assert all(r.ts is not None for m in from_db.messages for r in m.reactions)
    assert len(from_txt.messages) == len(records)
    assert (from_txt.title, from_txt.me, from_txt.people) == (from_db.title, from_db.me, from_db.people)


def test_the_exporting_user_can_be_named() -> None:
    [chat] = parse(SAM, me="Alex")
    assert chat.people == ["Sam Rivera", "Alex"]
    assert chat.me == "Alex"


def test_reimporting_gives_the_same_chat_id(tmp_path: Path) -> None:
    copy = tmp_path / SAM.name
    copy.write_bytes(SAM.read_bytes())
    assert parse(copy)[0].chat_id == parse(SAM)[0].chat_id == "Sam Rivera"


def test_older_exports_with_reactions_heading_and_deleted_notice(tmp_path: Path) -> None:
    path = written(tmp_path, (
        "Nov 02, 2023  9:15:00 PM\nNoor\nfinally home\nReactions:\nLoved by Me\n\n\n"
        "Nov 02, 2023  9:16:10 PM\nMe\nThey deleted a message.\n\n"
        "Nov 02, 2023  9:16:10 PM\nMe\nYou deleted a message.\n\n"
        "Nov 02, 2023 10:01:33 PM\nNoor\nnight x\n\n"
    ))
    [chat] = parse(path)
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("Noor", TEXT, "finally home"), ("Me", DELETED, ""), ("Me", DELETED, ""), ("Noor", TEXT, "night x"),
    ]
    assert [m.reactions for m in chat.messages] == [(Reaction("Me", "❤️"),), (), (), ()]


def test_a_text_export_inside_a_zip_is_read(tmp_path: Path) -> None:
    archive = tmp_path / "imessage-export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(SAM, f"export/{SAM.name}")
        zf.write(LAKE, f"export/{LAKE.name}")
    titles = [c.title for _, conversations in read_paths([archive]) for c in conversations]
    assert titles == ["Lake crew", "Sam Rivera"]


def test_detection_claims_the_text_export_and_leaves_whatsapp_alone() -> None:
    for path in (SAM, LAKE, PHONE):
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "imessage_txt"
    for path in sorted(WHATSAPP.glob("*.txt")):
        found = detect(Source(str(path), path=path))
        assert found is None or found.name == "whatsapp", path.name
    found = detect(Source(str(WHATSAPP / "WhatsApp Chat with Sam.txt"), path=WHATSAPP / "WhatsApp Chat with Sam.txt"))
    assert found is not None and found.name == "whatsapp"


def test_sniffing_needs_the_timestamp_and_sender_lines() -> None:
    importer = IMessageTxtImporter()
    head = SAM.read_bytes()[:300]
    assert importer.sniff(Source("Sam Rivera.txt", path=SAM), head) == 0.9
    assert importer.sniff(Source("Sam Rivera.log", path=SAM), head) == 0.6
    notice = b"Jun 01, 2024  9:02:30 AM Jo Chen renamed the conversation to Lake crew\n\n"
    assert importer.sniff(Source("Lake.txt", path=SAM), notice) == 0.9
    for other in (b"Shopping list\n- eggs\n", b"May 17, 2022  5:29:42 PM\n\n", b"May 17, 2022  5:29:42 PM\n",
                  b"May 17, 2022  5:29:42 PM I had a dream\n\n", b"5/17/22, 5:29 PM - Sam: hi\n", b""):
        assert importer.sniff(Source("notes.txt", path=SAM), other) == 0.0


def test_a_malformed_timestamp_line_names_the_line(tmp_path: Path) -> None:
    path = written(tmp_path, "Mar 08, 2024  7:02:15 PM\nNoor\nhi\n\nMar 08, 2024 13:02:15 PM\nNoor\nhi\n\n")
    with pytest.raises(ImportFormatError, match=r"Noor\.txt:5: expected a real date and time .*13:02:15"):
        parse(path)
    path = written(tmp_path, "Mar 08, 2024  7:02:15 PM\nNoor\nhi\n\nMar 08, 2024  7:02:15 XM\nNoor\nhi\n\n")
    with pytest.raises(ImportFormatError, match=r"Noor\.txt:5: expected a timestamp line like"):
        parse(path)


def test_text_before_the_first_message_names_the_line(tmp_path: Path) -> None:
    path = written(tmp_path, "My messages with Noor\n\nMar 08, 2024  7:02:15 PM\nNoor\nhi\n\n")
    with pytest.raises(ImportFormatError, match=r"Noor\.txt:1: expected a timestamp line like 'May 17, 2022"):
        parse(path)


def test_a_file_cut_off_is_refused(tmp_path: Path) -> None:
    path = written(tmp_path, "Mar 08, 2024  7:02:15 PM\nNoor\nhi\n\nMar 08, 2024  7:03:15 PM\n")
    with pytest.raises(ImportFormatError, match=r"Noor\.txt:6: expected the sender's name .*cut off"):
        parse(path)
    for cut in ("Mar 08, 2024  7:0", "Mar", "Mar 08, 2024  7:03:15 PM (Read by you aft"):
        path = written(tmp_path, f"Mar 08, 2024  7:02:15 PM\nNoor\nhi\n\n{cut}")
        with pytest.raises(ImportFormatError, match=r"Noor\.txt:5: expected the rest of the timestamp .*cut off"):
            parse(path)


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_file_without_the_final_blank_line_or_newline_is_read(tmp_path: Path, ending: str) -> None:
    path = written(tmp_path, "Mar 08, 2024  7:02:15 PM\nNoor\nhi\n\nMar 08, 2024  7:03:15 PM\nMe\n"
                             f"on the train, home at 8{ending}")
    [chat] = parse(path)
    assert [(m.author, m.text) for m in chat.messages] == [("Noor", "hi"), ("Me", "on the train, home at 8")]


def test_the_user_is_found_by_the_read_receipts_when_the_export_does_not_say_me(tmp_path: Path) -> None:
    # Run with --custom-name Priya: her own messages are "read by them", the others' "read by Priya".
    path = written(tmp_path, (
        "Mar 08, 2024  7:02:15 PM (Read by Priya after 11 seconds)\nnoor.h@example.com\nleaving work now\n\n"
        "Mar 08, 2024  7:03:40 PM (Read by them after 2 seconds)\nPriya\nok! pasta tonight?\n\n"
        "Mar 08, 2024  7:04:00 PM\nnoor.h@example.com\nyes please\n\n"
        "Mar 08, 2024  7:05:00 PM Priya renamed the conversation to Dinner\n\n"
    ), name="noor.h@example.com.txt")
    [chat] = parse(path)
    assert chat.me == "Priya"
    assert [e.author for e in chat.system_events] == ["Priya"]
    # Either kind of receipt is enough on its own.
    for receipt, sender, others in (("Priya", "noor.h@example.com", "Priya"), ("them", "Priya", "noor.h@example.com")):
        path = written(tmp_path, f"Mar 08, 2024  7:02:15 PM (Read by {receipt} after 1 minute)\n{sender}\nhi\n\n"
                                 f"Mar 08, 2024  7:03:15 PM\n{others}\nhey\n\n", name="noor.h@example.com.txt")
        [chat] = parse(path)
        assert chat.me == "Priya"


def test_read_receipts_do_not_override_me_or_a_given_name_or_disagree(tmp_path: Path) -> None:
    them = "Mar 08, 2024  7:02:15 PM (Read by them after 1 minute)\n{}\nhi\n\n"
    you = "Mar 08, 2024  7:03:15 PM (Read by {} after 1 minute)\nNoor\nhey\n\n"
    assert parse(written(tmp_path, them.format("Me") + you.format("you")))[0].me == "Me"
    assert parse(written(tmp_path, them.format("Priya") + you.format("you")), me="Pri")[0].me == "Pri"
    # Two different people named as the user: nobody is guessed.
    assert parse(written(tmp_path, them.format("Priya") + you.format("Ama")))[0].me == "Me"


def test_an_empty_file_and_bad_utf8_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="found 'no messages'"):
        parse(written(tmp_path, "\n\n"))
    path = tmp_path / "Noor.txt"
    path.write_bytes(b"Mar 08, 2024  7:02:15 PM\nNoor\nhi \xff\n\n")
    with pytest.raises(ImportFormatError, match=r"Noor\.txt:3: expected UTF-8 text, found 'byte 0xff'"):
        parse(path)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=1024))
def test_arbitrary_bytes_only_ever_raise_an_import_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "Noor.txt"
    path.write_bytes(data)
    with contextlib.suppress(ImportFormatError):
        parse(path)


_pieces = st.sampled_from([
    "Mar 08, 2024  7:02:15 PM", "Feb 30, 2024 11:59:59 AM", "Mar 08, 2024 13:00:00 PM",
    " (Read by you after 5 seconds)",
    "\n", "\n\n", "    ", "Me", "Noor", "Tapbacks:", "Loved by Me", "Reactions:", " You unsent a message!",
    " Noor renamed the conversation to x", "Edited 3 seconds later: ", "This message responded to an earlier message.",
    "Attachment missing!", "/Users/a/Library/Messages/Attachments/x.HEIC", "Transcription: ", "Sent with Echo",
    "They unsent this message part!", "Unable to format announcement!", "Started sharing location!", "hi 🙂", "\r",
])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_pieces, max_size=40))
def test_arbitrary_text_exports_only_ever_raise_an_import_error(tmp_path: Path, pieces: list[str]) -> None:
    path = tmp_path / "Noor.txt"
    path.write_text("".join(pieces), encoding="utf-8")
    try:
        [chat] = parse(path)
    except ImportFormatError as exc:
        assert str(path) in str(exc)
    else:
        assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
