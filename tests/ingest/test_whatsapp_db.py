"""The WhatsApp database importer reads Android's msgstore.db (both its layouts) and iPhone's and Mac's
ChatStorage.sqlite as the app shows the chats."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.imessage import render_chat_db
from tests.exporters.whatsapp_db import (
    number_jid,
    protobuf_field,
    render_chat_storage,
    render_contacts,
    render_contacts_v2,
    render_msgstore,
)
from tests.ingest._records import Rec, corrupted
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.whatsapp_db import WhatsAppDbImporter
from turntoward.model import MessageKind, Reaction

NUMBERS = {"Me": "4915112345678", "Lena": "4917698765432", "Tomás": "34612345678"}


def t(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2023, 10, day, hour, minute, second)


SUNDAY = [
    Rec(t(1, 9, 12), "Lena", "are you awake? I can't stop thinking about yesterday"),
    Rec(t(1, 9, 40), "Me", "just now. me neither honestly"),
    Rec(t(1, 9, 41), "Lena", "<Media omitted>", "media", caption="the view from the bridge"),
    Rec(t(1, 9, 43), "Me", "we should go back there next weekend", reply_to=2,
        reactions=(Reaction("Lena", "❤️", t(1, 9, 44)),)),
    Rec(t(1, 9, 45), "Lena", "sent to the wrong chat", "deleted"),
    Rec(t(1, 9, 46), "Lena", "yes please. saturday?"),
]


def parse(path: Path, **options: str) -> list:
    source = Source(str(path), path=path)
    return list(WhatsAppDbImporter().parse(source, ImportOptions(**options)))


def phone(folder: Path, records: list[Rec], *, layout: str = "new", contacts: bool = True,
          **kwargs: Any) -> Path:
    """A phone's databases folder: msgstore.db of `records` and wa.db naming Lena and Tomás; for the
    "apple" layout ChatStorage.sqlite and ContactsV2.sqlite."""
    folder.mkdir(parents=True, exist_ok=True)
    book = {"Lena": NUMBERS["Lena"], "Tomás": NUMBERS["Tomás"]}
    if layout == "apple":
        render_chat_storage(folder / "ChatStorage.sqlite", records, me="Me", numbers=NUMBERS,
                            partner_names=contacts, **kwargs)
        if contacts:
            render_contacts_v2(folder / "ContactsV2.sqlite", book)
        return folder / "ChatStorage.sqlite"
    render_msgstore(folder / "msgstore.db", records, me="Me", numbers=NUMBERS, layout=layout,
                    **kwargs)
    if contacts:
        render_contacts(folder / "wa.db", book)
    return folder / "msgstore.db"


def seen(conversation) -> list[tuple]:
    return [(m.ts, m.author, m.text, m.kind, m.reply_to) for m in conversation.messages]


EXPECTED = [
    (t(1, 9, 12), "Lena", SUNDAY[0].text, MessageKind.TEXT, None),
    (t(1, 9, 40), "Me", SUNDAY[1].text, MessageKind.TEXT, None),
    (t(1, 9, 41), "Lena", "the view from the bridge", MessageKind.MEDIA, None),
    (t(1, 9, 43), "Me", SUNDAY[3].text, MessageKind.TEXT, 2),
    (t(1, 9, 45), "Lena", "", MessageKind.DELETED, None),
    (t(1, 9, 46), "Lena", SUNDAY[5].text, MessageKind.TEXT, None),
]


@pytest.mark.parametrize("layout", ["new", "legacy", "apple"])
def test_a_chat_reads_as_the_app_shows_it_in_each_layout(tmp_path: Path, layout: str) -> None:
    [conversation] = parse(phone(tmp_path, SUNDAY, layout=layout))
    assert seen(conversation) == EXPECTED
    assert conversation.title == "Lena"
    assert conversation.chat_id == number_jid(NUMBERS["Lena"])
    assert conversation.group is False and conversation.me == "Me"
    assert conversation.source_format == "whatsapp_db"
    [notice] = conversation.system_events
    assert "encrypt" in notice.text


@pytest.mark.parametrize("layout", ["new", "apple"])
def test_reactions_are_read_from_the_newer_layout_and_the_iphones(tmp_path: Path, layout: str) -> None:
    [conversation] = parse(phone(tmp_path, SUNDAY, layout=layout))
    # an iPhone keeps no time for a reaction
    assert conversation.messages[3].reactions == (Reaction("Lena", "❤️", t(1, 9, 44) if layout == "new" else None),)
    assert all(not m.reactions for i, m in enumerate(conversation.messages) if i != 3)


def test_the_users_own_reaction_on_an_iphone_is_theirs(tmp_path: Path) -> None:
    records = [Rec(t(2, 20, 0), "Lena", "made it home", reactions=(Reaction("Me", "🙏"), Reaction("Lena", "😂")))]
    [conversation] = parse(phone(tmp_path, [*records, Rec(t(2, 20, 1), "Me", "good night x")], layout="apple"),
                           me="Jonas")
    assert conversation.messages[0].reactions == (Reaction("Jonas", "🙏"), Reaction("Lena", "😂"))


def test_an_iphone_reply_may_point_at_its_message_by_row(tmp_path: Path) -> None:
    [conversation] = parse(phone(tmp_path, SUNDAY, layout="apple", parent_column=True))
    assert [m.reply_to for m in conversation.messages] == [None, None, None, 2, None, None]


def test_a_reaction_blob_that_does_not_parse_is_passed_over(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY, layout="apple")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE ZWAMESSAGEINFO SET ZRECEIPTINFO = ?", (protobuf_field(7, b"\x0a\xff\x01"),))
    [conversation] = parse(path)
    assert not any(m.reactions for m in conversation.messages)
    assert seen(conversation) == EXPECTED


def test_a_later_reaction_replaces_the_persons_earlier_one_and_an_empty_one_takes_it_back(tmp_path: Path) -> None:
    records = [
        Rec(t(2, 20, 0), "Me", "I got in!!", reactions=(
            Reaction("Lena", "👍", t(2, 20, 1)), Reaction("Lena", "🎉", t(2, 20, 2)))),
        Rec(t(2, 20, 3), "Lena", "SO proud of you", reactions=(
            Reaction("Me", "😂", t(2, 20, 4)), Reaction("Me", "", t(2, 20, 5)))),
    ]
    [conversation] = parse(phone(tmp_path, records))
    assert [m.reactions for m in conversation.messages] == [(Reaction("Lena", "🎉", t(2, 20, 2)),), ()]


@pytest.mark.parametrize("layout", ["new", "apple"])
def test_the_user_can_be_named_and_numbers_stand_in_without_the_contacts_database(tmp_path: Path, layout: str) -> None:
    [conversation] = parse(phone(tmp_path, SUNDAY, layout=layout, contacts=False), me="Jonas")
    assert {m.author for m in conversation.messages} == {"Jonas", "+4917698765432"}
    assert conversation.title == "+4917698765432"


def test_the_name_a_person_gave_whatsapp_names_them_when_the_phone_does_not(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY, contacts=False)
    render_contacts(tmp_path / "wa.db", {}, pushed={NUMBERS["Lena"]: "Lena B."})
    [conversation] = parse(path)
    assert conversation.messages[0].author == "Lena B."


@pytest.mark.parametrize("layout", ["new", "legacy", "apple"])
def test_a_group_names_each_sender_and_is_titled_by_its_name(tmp_path: Path, layout: str) -> None:
    records = [
        Rec(t(3, 18, 0), "Tomás", "who's bringing what on friday?"),
        Rec(t(3, 18, 2), "Lena", "I'll do the salad"),
        Rec(t(3, 18, 5), "Me", "dessert's on me 🍰"),
    ]
    [conversation] = parse(phone(tmp_path, records, layout=layout, group="Friday dinners"))
    assert [m.author for m in conversation.messages] == ["Tomás", "Lena", "Me"]
    assert conversation.title == "Friday dinners"
    assert conversation.group is True and conversation.chat_id.endswith("@g.us")


@pytest.mark.parametrize("layout", ["new", "legacy"])
def test_a_database_from_the_years_between_is_read_from_the_layout_holding_the_messages(
    tmp_path: Path, layout: str
) -> None:
    [conversation] = parse(phone(tmp_path, SUNDAY, layout=layout, other_layout_too=True))
    assert seen(conversation) == EXPECTED


def test_times_are_this_computers_local_time_of_the_stored_instants(tmp_path: Path) -> None:
    with local_time("Asia/Kolkata"):
        path = phone(tmp_path, SUNDAY[:2])
    utc = 1696131720000  # SUNDAY[0] in Kolkata, 2023-10-01 09:12 +05:30, is 03:42 UTC
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT timestamp FROM message WHERE _id = 3").fetchone() == (utc,)
    with local_time("America/Sao_Paulo"):
        [conversation] = parse(path)
    assert conversation.messages[0].ts == datetime(2023, 10, 1, 0, 42)


def test_on_an_iphone_the_name_a_person_gave_whatsapp_names_a_group_member_not_in_the_book(tmp_path: Path) -> None:
    records = [Rec(t(3, 18, 0), "Tomás", "hola!"), Rec(t(3, 18, 1), "Me", "hi Tomás")]
    path = phone(tmp_path, records, layout="apple", contacts=False, group="Climbing")
    with sqlite3.connect(path) as db:
        tomas = number_jid(NUMBERS["Tomás"])
        db.execute("INSERT INTO ZWAPROFILEPUSHNAME (ZJID, ZPUSHNAME) VALUES (?, 'Tomi')", (tomas,))
    [conversation] = parse(path)
    assert conversation.messages[0].author == "Tomi"


def test_an_iphones_status_updates_are_not_a_conversation(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY[:2], layout="apple")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO ZWAMESSAGE (ZCHATSESSION, ZISFROMME, ZMESSAGETYPE, ZMESSAGEDATE, ZTEXT)"
                   " VALUES (2, 0, 0, 718000000, 'my new status')")
    assert [c.chat_id for c in parse(path)] == [number_jid(NUMBERS["Lena"])]


def test_a_database_rebuilt_with_times_in_seconds_reads_them_as_seconds(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY, layout="legacy")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE messages SET timestamp = timestamp / 1000 WHERE timestamp > 0")
    [conversation] = parse(path)
    assert [m.ts for m in conversation.messages] == [row[0] for row in EXPECTED]


def test_status_updates_broadcast_lists_and_channels_are_not_conversations(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY[:2])
    with sqlite3.connect(path) as db:
        for n, jid in enumerate(("status@broadcast", "1696000000@broadcast", "120363000000000000@newsletter")):
            row = db.execute("SELECT _id FROM jid WHERE raw_string = ?", (jid,)).fetchone()
            jid_row = row[0] if row else db.execute(
                "INSERT INTO jid (user, server, raw_string) VALUES (?, ?, ?)", (*jid.split("@"), jid)).lastrowid
            chat = db.execute("INSERT INTO chat (jid_row_id) VALUES (?)", (jid_row,)).lastrowid
            db.execute("INSERT INTO message (chat_row_id, from_me, key_id, timestamp, message_type, text_data)"
                       " VALUES (?, 0, ?, 1696150000000, 0, 'a status or channel post')", (chat, f"S{n}"))
    conversations = parse(path)
    assert [c.chat_id for c in conversations] == [number_jid(NUMBERS["Lena"])]


def test_a_privacy_id_is_read_as_the_number_it_maps_to(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY[:2], group="Book club")
    with sqlite3.connect(path) as db:
        lena = number_jid(NUMBERS["Lena"])
        number_row = db.execute("SELECT _id FROM jid WHERE raw_string = ?", (lena,)).fetchone()[0]
        lid_row = db.execute("INSERT INTO jid (user, server, raw_string) VALUES ('190283746501234', 'lid',"
                             " '190283746501234@lid')").lastrowid
        db.execute("INSERT INTO jid_map VALUES (?, ?)", (lid_row, number_row))
        db.execute("UPDATE message SET sender_jid_row_id = ? WHERE sender_jid_row_id = ?", (lid_row, number_row))
    [conversation] = parse(path)
    assert conversation.messages[0].author == "Lena"


def test_kinds_the_reader_does_not_know_keep_their_words_or_become_notices(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY[:2])
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO message (chat_row_id, from_me, key_id, timestamp, message_type, text_data)"
                   " VALUES (1, 0, 'P1', 1696150000000, 66, 'Pizza or sushi tonight?')")
        db.execute("INSERT INTO message (chat_row_id, from_me, key_id, timestamp, message_type)"
                   " VALUES (1, 1, 'P2', 1696150001000, 99)")
        db.execute("INSERT INTO message (chat_row_id, from_me, key_id, timestamp, message_type)"
                   " VALUES (1, 0, 'P3', 1696150002000, 10)")
    [conversation] = parse(path)
    assert conversation.messages[0].text == "Pizza or sushi tonight?"
    assert any("type 99" in e.text for e in conversation.system_events)
    assert any(e.text == "a missed call" for e in conversation.system_events)


def test_a_folder_or_zip_holding_both_databases_gives_the_chat_and_passes_over_the_contacts(tmp_path: Path) -> None:
    folder = tmp_path / "databases"
    phone(folder, SUNDAY)
    [(source, [conversation])] = list(read_paths([folder]))
    assert source.filename == "msgstore.db" and seen(conversation) == EXPECTED
    archive = tmp_path / "whatsapp-backup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("msgstore.db", "wa.db"):
            zf.write(folder / name, f"com.whatsapp/databases/{name}")
    [(source, [conversation])] = list(read_paths([archive]))
    assert source.name == f"{archive}!com.whatsapp/databases/msgstore.db"
    assert seen(conversation) == EXPECTED


def test_a_renamed_database_is_recognised_and_other_databases_are_not(tmp_path: Path) -> None:
    for layout in ("legacy", "apple"):
        renamed = tmp_path / f"backup-{layout}.sqlite"
        renamed.write_bytes(phone(tmp_path / layout, SUNDAY, layout=layout).read_bytes())
        found = detect(Source(str(renamed), path=renamed))
        assert found is not None and found.name == "whatsapp_db"
    chat_db = render_chat_db([Rec(t(1, 9, 0), "Me", "hi")], tmp_path / "chat.db")
    found = detect(Source(str(chat_db), path=chat_db))
    assert found is not None and found.name == "imessage"
    for contacts in (tmp_path / "legacy" / "wa.db", tmp_path / "apple" / "ContactsV2.sqlite"):
        assert WhatsAppDbImporter().sniff(Source(str(contacts), path=contacts), contacts.read_bytes()[:4096]) == 0


def test_the_databases_are_never_modified(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY)
    files = [path, tmp_path / "wa.db"]
    before = [(hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files]
    parse(path)
    assert [(hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files] == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["msgstore.db", "wa.db"]


def test_messages_still_in_the_write_ahead_log_are_read(tmp_path: Path) -> None:
    live = phone(tmp_path / "live", SUNDAY[:2])
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE message SET text_data = 'edited in the log' WHERE _id = 3")
    writer.commit()
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("msgstore.db", "msgstore.db-wal", "wa.db"):
        (copy / name).write_bytes((live.parent / name).read_bytes())
    writer.close()
    [conversation] = parse(copy / "msgstore.db")
    assert conversation.messages[0].text == "edited in the log"


def test_another_sqlite_database_is_refused_naming_its_tables(tmp_path: Path) -> None:
    path = tmp_path / "msgstore.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER, body TEXT)")
    with pytest.raises(ImportFormatError, match=r"msgstore\.db: expected WhatsApp's message database.*notes"):
        parse(path)


@pytest.mark.parametrize(("layout", "book"), [("new", "wa.db"), ("apple", "ContactsV2.sqlite")])
def test_a_damaged_contacts_database_is_named_in_the_error(tmp_path: Path, layout: str, book: str) -> None:
    path = phone(tmp_path, SUNDAY, layout=layout)
    (tmp_path / book).write_bytes(b"SQLite format 3\x00" + b"\x07" * 3000)
    with pytest.raises(ImportFormatError, match=rf"{book}: expected WhatsApp's contacts database"):
        parse(path)


def test_a_truncated_database_is_an_import_error(tmp_path: Path) -> None:
    path = phone(tmp_path, SUNDAY)
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(ImportFormatError, match=r"msgstore\.db"):
        parse(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.sampled_from(["new", "legacy", "apple"]))
def test_corrupted_databases_only_ever_raise_an_import_error(tmp_path: Path, data: st.DataObject, layout: str) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(corrupted(phone(tmp_path / layout, SUNDAY, layout=layout, contacts=False).read_bytes(), data))
    source = Source(str(path), path=path)
    assert 0 <= WhatsAppDbImporter().sniff(source, source.head()) <= 1
    with contextlib.suppress(ImportFormatError):  # anything else fails the test
        parse(path)


@pytest.mark.parametrize("layout", ["new", "legacy"])
def test_a_chat_of_notices_alone_is_no_conversation(tmp_path: Path, layout: str) -> None:
    """A group joined and never written in holds WhatsApp's notices only: the app lists no chat for
    it, and the analysis gets none (not a conversation of no messages)."""
    assert parse(phone(tmp_path, [], layout=layout)) == []
    [conversation] = parse(phone(tmp_path / "with_words", SUNDAY[:1], layout=layout))
    assert len(conversation.messages) == 1 and len(conversation.system_events) == 1
