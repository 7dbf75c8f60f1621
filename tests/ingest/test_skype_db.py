"""Skype's older database (main.db) reads as Skype's export of the same messages."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.skype import render_skype
from tests.exporters.skype_db import render_main_db
from tests.ingest._records import Rec, corrupted

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect
from turntoward.ingest.skype import SkypeImporter
from turntoward.ingest.skype_db import SkypeDbImporter
from turntoward.model import MessageKind


def t(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2016, 5, day, hour, minute, second)


EVENING = [
    Rec(t(12, 21, 4), "Sam Rivera", "guess who got the job 🎉 <3 & a real desk"),
    Rec(t(12, 21, 5, 30), "Jo Park", "NO WAY. tell me everything"),
    Rec(t(12, 21, 7), "Sam Rivera", "<photo>", "media"),
    Rec(t(12, 21, 8), "Sam Rivera", "starting in june, the office with the plants", reply_to=1),
    Rec(t(12, 21, 9), "Jo Park", "wrong chat sorry", "deleted"),
    Rec(t(12, 21, 10), "Jo Park", "dinner friday to celebrate? my treat", edited=True),
]


def parse(path: Path, **options: str) -> list:
    return list(SkypeDbImporter().parse(Source(str(path), path=path), ImportOptions(**options)))


def seen(conversation) -> list[tuple]:
    return [(m.ts, m.author, m.text, m.kind, m.reply_to, m.edited) for m in conversation.messages]


@pytest.mark.parametrize("group", [False, True])
def test_the_database_reads_as_the_export_of_the_same_messages(tmp_path: Path, group: bool) -> None:
    [chat] = parse(render_main_db(tmp_path / "main.db", EVENING, title="Sam Rivera", me="Jo Park", group=group))
    export = tmp_path / "messages.json"
    export.write_text(render_skype(EVENING, title="Sam Rivera", me="Jo Park", group=group, named_me=True),
                      encoding="utf-8")
    [exported] = SkypeImporter().parse(Source(str(export), path=export), ImportOptions())
    assert seen(chat) == seen(exported)
    assert [m.kind for m in chat.messages] == [MessageKind.TEXT, MessageKind.TEXT, MessageKind.MEDIA,
                                               MessageKind.TEXT, MessageKind.DELETED, MessageKind.TEXT]
    assert chat.messages[3].reply_to == 1 and chat.messages[5].edited
    assert (chat.title, chat.me, chat.group, chat.source_format) == ("Sam Rivera", "Jo Park", group, "skype_db")


def test_notices_and_names_from_the_address_book_else_the_message(tmp_path: Path) -> None:
    path = render_main_db(tmp_path / "main.db", EVENING[:2], title="Sam Rivera", me="Jo Park")
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM Contacts")
        db.execute("UPDATE Messages SET from_dispname = 'Sammy R' WHERE author LIKE 'live:%' AND from_dispname ="
                   " 'Sam Rivera'")
        db.execute("INSERT INTO Messages (timestamp, author, body_xml, convo_id, type) VALUES (1463087100,"
                   " 'live:nobody', '', 1, 39)")
        db.execute("INSERT INTO Messages (timestamp, author, body_xml, convo_id, type) VALUES (1463087200,"
                   " 'live:nobody', 'Friday plans', 1, 2)")
    [chat] = parse(path)
    assert chat.messages[0].author == "Sammy R"
    assert [e.text for e in chat.system_events] == ["call ended", "named the chat “Friday plans”"]


def test_the_user_is_named_by_the_account_else_by_the_me_option(tmp_path: Path) -> None:
    path = render_main_db(tmp_path / "main.db", EVENING[:2], title="Sam Rivera", me="Jo Park")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE Accounts SET fullname = NULL")
    [chat] = parse(path, me="Jo")
    assert [m.author for m in chat.messages] == ["Sam Rivera", "Jo"]


def test_detection_and_a_database_never_written_to(tmp_path: Path) -> None:
    path = render_main_db(tmp_path / "main.db", EVENING, title="Sam Rivera", me="Jo Park")
    found = detect(Source(str(path), path=path))
    assert found is not None and found.name == "skype_db"
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    parse(path)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    other = tmp_path / "other" / "main.db"
    other.parent.mkdir()
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE users (id INTEGER, name TEXT)")
    assert detect(Source(str(other), path=other)) is None
    with pytest.raises(ImportFormatError, match=r"main\.db: expected Skype's database.*users"):
        parse(other)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_corrupted_databases_only_ever_raise_an_import_error(tmp_path: Path, data: st.DataObject) -> None:
    original = render_main_db(tmp_path / "main.db", EVENING, title="Sam Rivera", me="Jo Park").read_bytes()
    path = tmp_path / "broken.db"
    path.write_bytes(corrupted(original, data))
    source = Source(str(path), path=path)
    assert 0 <= SkypeDbImporter().sniff(source, source.head()) <= 1
    with contextlib.suppress(ImportFormatError):  # anything else fails the test
        parse(path)
