"""The iMessage importer reads a Mac's chat.db as Messages shows it, without touching it."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.imessage import ChatDb, render_chat_db
from tests.ingest._records import Rec, corrupted

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.imessage import IMessageImporter
from turntoward.model import MessageKind, Reaction

SAM = "+15551234567"
JO = "jo@example.com"


def t(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, second)


DINNER = [
    Rec(t(12, 21, 4), SAM, "Guess who got the job 🎉"),
    Rec(t(12, 21, 5, 30), "Me", "NO WAY. Tell me everything"),
    Rec(t(12, 21, 7), SAM, "", "media"),
    Rec(t(12, 21, 8), SAM, "Starting in April, a real desk by the window", reply_to=1),
    Rec(t(12, 21, 9), "Me", "wrong chat sorry", "deleted"),
    Rec(t(12, 21, 10), "Me", "So proud of you. Dinner Friday, my treat?"),
]


def parse(path: Path, **options: str) -> list:
    source = Source(str(path), path=path)
    return list(IMessageImporter().parse(source, ImportOptions(**options)))


@pytest.fixture
def chat_db(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "chat.db"
    with ChatDb(path) as db:
        guids = db.add_chat(DINNER, attributed_body_only=True)
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 40), "love")
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 50), "love", removed=True)
        db.add_tapback(guids[5], SAM, t(12, 21, 11), "like")
    return path, guids


def test_text_kept_only_in_attributed_body_is_read(chat_db: tuple[Path, list[str]]) -> None:
    [conversation] = parse(chat_db[0])
    assert [m.text for m in conversation.messages] == [
        "Guess who got the job 🎉",
        "NO WAY. Tell me everything",
        "",
        "Starting in April, a real desk by the window",
        "",
        "So proud of you. Dinner Friday, my treat?",
    ]


def test_tapbacks_are_reactions_not_messages(chat_db: tuple[Path, list[str]]) -> None:
    [conversation] = parse(chat_db[0])
    assert len(conversation.messages) == 6
    assert [m.index for m in conversation.messages] == list(range(6))


def test_a_removed_tapback_is_gone_and_the_other_stands(chat_db: tuple[Path, list[str]]) -> None:
    [conversation] = parse(chat_db[0])
    assert [m.reactions for m in conversation.messages] == [
        (), (), (), (), (), (Reaction(SAM, "👍", t(12, 21, 11)),),
    ]


def reactions_of(path: Path, **options: str) -> list[list[tuple]]:
    [conversation] = parse(path, **options)
    return [[(r.author, r.emoji, r.ts) for r in m.reactions] for m in conversation.messages]


def test_each_named_tapback_is_the_emoji_messages_shows(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with ChatDb(path) as db:
        guids = db.add_chat(DINNER)
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 30), "love")
        db.add_tapback(guids[1], SAM, t(12, 21, 6), "like")
        db.add_tapback(guids[2], "Me", t(12, 21, 7, 20), "dislike")
        db.add_tapback(guids[3], "Me", t(12, 21, 8, 10), "laugh")
        db.add_tapback(guids[4], SAM, t(12, 21, 9, 30), "emphasize")
        db.add_tapback(guids[5], SAM, t(12, 21, 12), "question")
    # Spelled as code points: ❤️ and ‼️ carry the emoji variation selector U+FE0F.
    assert reactions_of(path) == [
        [("Me", "\u2764\ufe0f", t(12, 21, 4, 30))],
        [(SAM, "\U0001f44d", t(12, 21, 6))],
        [("Me", "\U0001f44e", t(12, 21, 7, 20))],
        [("Me", "\U0001f602", t(12, 21, 8, 10))],
        [(SAM, "\u203c\ufe0f", t(12, 21, 9, 30))],
        [(SAM, "\u2753", t(12, 21, 12))],
    ]
    # The user's tapbacks are authored by --me, like the user's messages.
    assert reactions_of(path, me="Alex")[0] == [("Alex", "❤️", t(12, 21, 4, 30))]


def test_a_removal_cancels_only_that_persons_tapback_of_that_kind(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with ChatDb(path) as db:
        guids = db.add_chat(DINNER)
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 10), "love")
        db.add_tapback(guids[0], SAM, t(12, 21, 4, 20), "laugh")
        db.add_tapback(guids[0], SAM, t(12, 21, 4, 30), "love", removed=True)  # Sam's is a laugh
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 40), "like", removed=True)  # the user's is a heart
        db.add_tapback(guids[1], SAM, t(12, 21, 6), "emphasize")
        db.add_tapback(guids[1], SAM, t(12, 21, 6, 30), "emphasize", removed=True)
        # Messages deletes the row a removal cancels: a removal may have nothing left to cancel.
        db.add_tapback(guids[2], "Me", t(12, 21, 7, 30), "laugh", removed=True)
    assert reactions_of(path)[:3] == [
        [("Me", "❤️", t(12, 21, 4, 10)), (SAM, "😂", t(12, 21, 4, 20))],
        [],
        [],
    ]


def test_a_later_tapback_replaces_the_same_persons_earlier_one(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with ChatDb(path) as db:
        guids = db.add_chat(DINNER)
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 10), "love")
        db.add_tapback(guids[0], SAM, t(12, 21, 4, 20), "like")
        db.add_tapback(guids[0], "Me", t(12, 21, 5), "emphasize")
        db.add_tapback(guids[1], SAM, t(12, 21, 6), "laugh")
        db.add_tapback(guids[1], SAM, t(12, 21, 6, 10), "love")
        db.add_tapback(guids[1], SAM, t(12, 21, 6, 20), "laugh", removed=True)  # the laugh was replaced
    assert reactions_of(path)[:2] == [
        [(SAM, "👍", t(12, 21, 4, 20)), ("Me", "‼️", t(12, 21, 5))],
        [(SAM, "❤️", t(12, 21, 6, 10))],
    ]


def test_custom_emoji_tapbacks_and_their_removal(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with ChatDb(path) as db:
        guids = db.add_chat(DINNER)
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 10), "emoji", emoji="🥳")
        db.add_tapback(guids[1], SAM, t(12, 21, 6), "emoji", emoji="🫶🏽")
        db.add_tapback(guids[1], SAM, t(12, 21, 6, 5), "emoji", removed=True, emoji="🔥")  # not that emoji
        db.add_tapback(guids[3], "Me", t(12, 21, 8, 10), "emoji", emoji="🙌")
        db.add_tapback(guids[3], "Me", t(12, 21, 8, 20), "emoji", removed=True, emoji="🙌")
        db.add_tapback(guids[5], SAM, t(12, 21, 11), "emoji", emoji="🍝")
        db.add_tapback(guids[5], SAM, t(12, 21, 11, 30), "love")  # replaces the custom one
        db.add_tapback(guids[2], SAM, t(12, 21, 7, 30), "emoji")  # no emoji recorded: nothing to show
        db.add_tapback(guids[4], "Me", t(12, 21, 9, 40), "sticker")  # a sticker tapback has no emoji
    [conversation] = parse(path)
    assert len(conversation.messages) == 6
    assert [[(r.author, r.emoji) for r in m.reactions] for m in conversation.messages] == [
        [("Me", "🥳")], [(SAM, "🫶🏽")], [], [], [], [(SAM, "❤️")],
    ]


def test_tapbacks_on_parts_bubbles_and_targets_that_are_not_messages(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    records = [*DINNER[:3], Rec(t(12, 21, 7, 5), SAM, "the view from the new desk", "media")]
    with ChatDb(path) as db:
        guids = db.add_chat(records)
        # One tapback per person per part: the photo (part 0) and the caption (part 1) of message 3.
        db.add_tapback(guids[3], "Me", t(12, 21, 7, 40), "love", part=1)
        db.add_tapback(guids[3], "Me", t(12, 21, 7, 30), "like", part=0)
        db.add_tapback(guids[1], SAM, t(12, 21, 5, 40), "laugh", bubble=True)
        # Stamped before its target (another device's clock): still the target's.
        db.add_tapback(guids[2], "Me", t(12, 21, 6, 50), "love")
        notice = db.add_notice(db.chat_guid_of(guids[0]), SAM, t(12, 21, 7, 10), item_type=3, action=1)
        db.add_tapback(notice, "Me", t(12, 21, 7, 15), "love")
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 30), "question")
        db.db.execute("DELETE FROM message WHERE guid = ?", (guids[0],))  # the target is gone
    [conversation] = parse(path)
    assert [m.text for m in conversation.messages] == [r.text for r in records[1:]]
    assert [[(r.author, r.emoji, r.ts) for r in m.reactions] for m in conversation.messages] == [
        [(SAM, "😂", t(12, 21, 5, 40))],
        [("Me", "❤️", t(12, 21, 6, 50))],
        [("Me", "👍", t(12, 21, 7, 30)), ("Me", "❤️", t(12, 21, 7, 40))],
    ]
    assert [e.text for e in conversation.system_events] == ["changed the group photo"]


def test_tapbacks_in_a_group_are_named_like_message_authors(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    records = [Rec(t(2, 9, 0), SAM, "Who's in for the lake on Saturday?"), Rec(t(2, 9, 3), JO, "Me! kayak")]
    with ChatDb(path) as db:
        guids = db.add_chat(records, display_name="Lake crew")
        db.add_tapback(guids[0], JO, t(2, 9, 1), "love")
        db.add_tapback(guids[0], "Me", t(2, 9, 2), "like")
        db.add_tapback(guids[1], SAM, t(2, 9, 4), "emphasize")
    assert reactions_of(path, me="Alex") == [
        [(JO, "❤️", t(2, 9, 1)), ("Alex", "👍", t(2, 9, 2))],
        [(SAM, "‼️", t(2, 9, 4))],
    ]


def test_older_databases_without_the_emoji_or_the_target_column(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with ChatDb(path) as db:
        guids = db.add_chat(DINNER[:2])
        db.add_tapback(guids[0], "Me", t(12, 21, 4, 30), "love")
        db.db.execute("ALTER TABLE message DROP COLUMN associated_message_emoji")
    assert reactions_of(path) == [[("Me", "❤️", t(12, 21, 4, 30))], []]
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE message DROP COLUMN associated_message_guid")
    db.commit()
    db.close()
    [conversation] = parse(path)
    assert [(m.text, m.reactions) for m in conversation.messages] == [(r.text, ()) for r in DINNER[:2]]

def test_authors_times_kinds_and_replies_follow_the_database(chat_db: tuple[Path, list[str]]) -> None:
    [conversation] = parse(chat_db[0])
    assert [m.author for m in conversation.messages] == [SAM, "Me", SAM, SAM, "Me", "Me"]
    assert [m.ts for m in conversation.messages] == [r.ts for r in DINNER]
    assert [m.kind for m in conversation.messages] == [
        MessageKind.TEXT, MessageKind.TEXT, MessageKind.MEDIA, MessageKind.TEXT,
        MessageKind.DELETED, MessageKind.TEXT,
    ]
    assert [m.reply_to for m in conversation.messages] == [None, None, None, 1, None, None]
    assert conversation.title == SAM
    assert conversation.me == "Me"
    assert conversation.source_format == "imessage"
    assert conversation.chat_id == f"iMessage;-;{SAM}"


def test_the_exporting_user_can_be_named(chat_db: tuple[Path, list[str]]) -> None:
    [conversation] = parse(chat_db[0], me="Alex")
    assert conversation.people == [SAM, "Alex"]
    assert conversation.me == "Alex"


def test_a_group_rename_is_a_system_event_and_names_the_chat(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    records = [
        Rec(t(2, 9, 0), SAM, "Who's in for the lake on Saturday?"),
        Rec(t(2, 9, 3), JO, "Me! I'll bring the kayak"),
        Rec(t(2, 9, 10), "Me", "Count me in"),
    ]
    with ChatDb(path) as db:
        guids = db.add_chat(records, display_name="Lake crew")
        db.add_rename(db.chat_guid_of(guids[0]), JO, t(2, 9, 5), "Lake crew 🛶")
    [conversation] = parse(path)
    assert conversation.title == "Lake crew 🛶"
    assert conversation.people == [SAM, JO, "Me"]
    assert conversation.is_group
    assert [m.index for m in conversation.messages] == [0, 1, 2]
    [event] = conversation.system_events
    assert (event.ts, event.author, event.text) == (t(2, 9, 5), JO, "named the conversation “Lake crew 🛶”")


def test_someone_leaving_a_group_is_a_notice_in_messages_words(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with ChatDb(path) as db:
        records = [Rec(t(2, 9, 0), SAM, "bye all"), Rec(t(2, 9, 2), JO, "noo")]
        guids = db.add_chat(records, display_name="Lake")
        db.add_notice(db.chat_guid_of(guids[0]), SAM, t(2, 9, 1), item_type=3, action=0)
        db.add_notice(db.chat_guid_of(guids[0]), "Me", t(2, 9, 3), item_type=1, action=0)
    [conversation] = parse(path)
    assert [m.text for m in conversation.messages] == ["bye all", "noo"]
    assert [(e.author, e.text) for e in conversation.system_events] == [
        (SAM, "left the conversation"), ("Me", "added someone to the conversation"),
    ]


def test_older_macos_dates_in_seconds_and_plain_text_column(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with ChatDb(path) as db:
        guids = db.add_chat(DINNER[:2], attributed_body_only=False)
        db.add_tapback(guids[1], SAM, t(12, 21, 6), "like")
        db.db.execute("UPDATE message SET attributedBody = NULL, date = date / 1000000000")
    [conversation] = parse(path)
    assert [(m.ts, m.text) for m in conversation.messages] == [(r.ts, r.text) for r in DINNER[:2]]
    # A tapback's date is converted exactly like a message's.
    assert conversation.messages[1].reactions == (Reaction(SAM, "👍", t(12, 21, 6)),)


def test_the_database_is_never_modified(chat_db: tuple[Path, list[str]]) -> None:
    path = chat_db[0]
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    parse(path)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    assert not path.with_name("chat.db-wal").exists()


def test_messages_still_in_the_write_ahead_log_are_read(tmp_path: Path) -> None:
    # Messages keeps chat.db in WAL mode; a copy taken while it runs has a chat.db-wal beside it.
    live = tmp_path / "live" / "chat.db"
    live.parent.mkdir()
    render_chat_db(DINNER[:2], live)
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE message SET text = 'edited in the log' WHERE ROWID = 1")
    writer.commit()
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("chat.db", "chat.db-wal"):
        (copy / name).write_bytes((live.parent / name).read_bytes())
    writer.close()
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    [conversation] = parse(copy / "chat.db")
    assert conversation.messages[0].text == "edited in the log"
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


def test_a_chat_db_inside_a_zip_is_read(chat_db: tuple[Path, list[str]], tmp_path: Path) -> None:
    archive = tmp_path / "messages-backup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(chat_db[0], "Messages/chat.db")
    [(source, [conversation])] = list(read_paths([archive]))
    assert source.name == f"{archive}!Messages/chat.db"
    assert len(conversation.messages) == 6


def test_detection_recognises_a_renamed_messages_database(
    chat_db: tuple[Path, list[str]], tmp_path: Path
) -> None:
    renamed = tmp_path / "sams-phone.sqlite"
    renamed.write_bytes(chat_db[0].read_bytes())
    source = Source(str(renamed), path=renamed)
    assert detect(source) is not None and detect(source).name == "imessage"  # type: ignore[union-attr]


def test_another_sqlite_database_is_refused_with_the_missing_tables(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER, body TEXT)")
    expected = r"chat\.db: expected an iMessage chat\.db .*chat_message_join"
    with pytest.raises(ImportFormatError, match=expected):
        parse(path)


def test_a_truncated_database_is_an_import_error(chat_db: tuple[Path, list[str]]) -> None:
    path = chat_db[0]
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(ImportFormatError, match=r"chat\.db"):
        parse(path)


def test_renderer_round_trip(tmp_path: Path) -> None:
    records = [*DINNER[:4], Rec(t(13, 8, 0), "Me", "x" * 300, reply_to=3)]
    [conversation] = parse(render_chat_db(records, tmp_path / "chat.db"))
    assert [(m.ts, m.author, m.text, m.kind.value, m.reply_to) for m in conversation.messages] == [
        (r.ts, r.author, r.text, r.kind, r.reply_to) for r in records
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4096), st.booleans())
def test_arbitrary_bytes_only_ever_raise_an_import_error(tmp_path: Path, data: bytes, headed: bool) -> None:
    path = tmp_path / "chat.db"
    path.write_bytes((b"SQLite format 3\x00" if headed else b"") + data)
    try:
        parse(path)
    except ImportFormatError as exc:
        assert str(path) in str(exc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_corrupted_databases_only_ever_raise_an_import_error(
    chat_db: tuple[Path, list[str]], data: st.DataObject
) -> None:
    path = chat_db[0].with_name("broken.db")
    path.write_bytes(corrupted(chat_db[0].read_bytes(), data))
    source = Source(str(path), path=path)
    assert 0 <= IMessageImporter().sniff(source, source.head()) <= 1
    with contextlib.suppress(ImportFormatError):  # anything else fails the test
        parse(path)
