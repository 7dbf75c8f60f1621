"""Android's own text-message database reads as the SMS Backup & Restore XML of the same messages."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.android_sms_db import render_contacts2, render_mmssms
from tests.exporters.sms_xml import render_sms_xml
from tests.ingest._records import Rec, corrupted
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.android_sms_db import AndroidSmsDbImporter
from turntoward.ingest.sms_xml import SmsBackupImporter
from turntoward.model import MessageKind

NUMBERS = {"Sam Rivera": "+15551234567", "Jo Park": "+15559876543"}


@pytest.fixture(autouse=True)
def new_york_time() -> Iterator[None]:
    with local_time("America/New_York"):
        yield


def t(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, second)


COUPLE = [
    Rec(t(12, 21, 4, 5), "Sam Rivera", "Guess who got the job 🎉"),
    Rec(t(12, 21, 5, 40), "Me", "NO WAY tell me everything"),
    Rec(t(12, 21, 6), "Sam Rivera", "the view from the new office", "media"),
    Rec(t(12, 21, 7), "Sam Rivera", "wrong person sorry", "deleted"),
    Rec(t(12, 21, 9, 30), "Sam Rivera", "Starting in April.\nReal desk, window & all"),
    Rec(t(12, 21, 11), "Me", "dinner friday to celebrate? my treat"),
]
GROUP = [
    Rec(t(13, 8, 0), "Jo Park", "who's in for brunch sunday?"),
    Rec(t(13, 8, 2), "Me", "me!!"),
    Rec(t(13, 8, 3), "Sam Rivera", "only if there are pancakes"),
]


def parse(path: Path, **options: str) -> list:
    return list(AndroidSmsDbImporter().parse(Source(str(path), path=path), ImportOptions(**options)))


def phone(folder: Path, records: list[Rec], *, contacts: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    people = {name: NUMBERS[name] for name in dict.fromkeys(r.author for r in records) if name != "Me"}
    render_mmssms(records, folder / "mmssms.db", numbers=people)
    if contacts:
        render_contacts2(folder / "contacts2.db", people)
    return folder / "mmssms.db"


def seen(conversation) -> tuple:
    return (conversation.title, conversation.chat_id, conversation.me,
            [(m.ts, m.author, m.text, m.kind) for m in conversation.messages],
            [(e.ts, e.text, e.author) for e in conversation.system_events])


@pytest.mark.parametrize("records", [COUPLE, GROUP], ids=["couple", "group"])
def test_the_database_reads_as_the_backup_of_the_same_messages(tmp_path: Path, records: list[Rec]) -> None:
    [conversation] = parse(phone(tmp_path / "phone", records))
    people = {name: NUMBERS[name] for name in dict.fromkeys(r.author for r in records) if name != "Me"}
    xml = render_sms_xml(records, tmp_path / "sms.xml", numbers=people)
    [backup] = SmsBackupImporter().parse(Source(str(xml), path=xml), ImportOptions())
    assert seen(conversation) == seen(backup)
    assert conversation.source_format == "android_sms_db"


def test_authors_kinds_and_times(tmp_path: Path) -> None:
    [conversation] = parse(phone(tmp_path, COUPLE))
    assert [(m.ts, m.author, m.kind) for m in conversation.messages] == [
        (t(12, 21, 4, 5), "Sam Rivera", MessageKind.TEXT),
        (t(12, 21, 5, 40), "Me", MessageKind.TEXT),
        (t(12, 21, 6), "Sam Rivera", MessageKind.MEDIA),  # an MMS keeps whole seconds
        (t(12, 21, 9, 30), "Sam Rivera", MessageKind.TEXT),
        (t(12, 21, 11), "Me", MessageKind.TEXT),
    ]
    assert conversation.messages[2].text == "the view from the new office"


def test_numbers_stand_in_without_the_contacts_database_and_the_user_can_be_named(tmp_path: Path) -> None:
    [conversation] = parse(phone(tmp_path, GROUP, contacts=False), me="Dana")
    assert [m.author for m in conversation.messages] == ["+15559876543", "Dana", "+15551234567"]
    assert conversation.title == "+15551234567, +15559876543"


def test_drafts_failed_and_queued_messages_never_reached_anyone(tmp_path: Path) -> None:
    path = phone(tmp_path, COUPLE[:2])
    with sqlite3.connect(path) as db:
        for box in (3, 4, 5, 6):
            db.execute("INSERT INTO sms (thread_id, address, date, type, body) VALUES (1, '+15551234567', ?, ?, 'x')",
                       (1710292000000 + box, box))
    [conversation] = parse(path)
    assert len(conversation.messages) == 2


def test_an_empty_message_is_a_notice_and_a_restored_copy_is_read_once(tmp_path: Path) -> None:
    path = phone(tmp_path, COUPLE[:2])
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO sms (thread_id, address, date, type, body)"
                   " VALUES (1, '+15551234567', 1710292000000, 1, '')")
        db.execute("INSERT INTO sms (thread_id, address, date, type, body)"
                   " SELECT thread_id, address, date, type, body FROM sms WHERE _id = 1")
    [conversation] = parse(path)
    assert len(conversation.messages) == 2
    assert [e.text for e in conversation.system_events] == ["empty text message"]


def test_a_folder_or_zip_holding_both_databases_gives_the_chat(tmp_path: Path) -> None:
    folder = tmp_path / "databases"
    phone(folder, COUPLE)
    [(source, [conversation])] = list(read_paths([folder]))
    assert source.filename == "mmssms.db" and conversation.title == "Sam Rivera"
    archive = tmp_path / "extraction.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("mmssms.db", "contacts2.db"):
            zf.write(folder / name, f"data/com.android.providers.telephony/databases/{name}")
    [(source, [conversation])] = list(read_paths([archive]))
    assert conversation.title == "Sam Rivera" and len(conversation.messages) == 5


def test_detection_tells_the_text_database_from_others(tmp_path: Path) -> None:
    path = phone(tmp_path, COUPLE)
    renamed = tmp_path / "phone-texts.sqlite"
    renamed.write_bytes(path.read_bytes())
    found = detect(Source(str(renamed), path=renamed))
    assert found is not None and found.name == "android_sms_db"
    contacts = tmp_path / "contacts2.db"
    assert AndroidSmsDbImporter().sniff(Source(str(contacts), path=contacts), contacts.read_bytes()[:4096]) == 0


def test_the_databases_are_never_modified(tmp_path: Path) -> None:
    path = phone(tmp_path, COUPLE)
    files = sorted(tmp_path.iterdir())
    before = [(hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files]
    parse(path)
    assert sorted(tmp_path.iterdir()) == files
    assert [(hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files] == before


def test_another_sqlite_database_is_refused_naming_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "mmssms.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE sms (id INTEGER, message TEXT)")
    with pytest.raises(ImportFormatError, match=r"mmssms\.db: expected Android's text-message database.*id, message"):
        parse(path)


def test_a_damaged_contacts_database_is_named_in_the_error(tmp_path: Path) -> None:
    path = phone(tmp_path, COUPLE)
    (tmp_path / "contacts2.db").write_bytes(b"SQLite format 3\x00" + b"\x07" * 3000)
    with pytest.raises(ImportFormatError, match=r"contacts2\.db: expected Android's contacts database"):
        parse(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_corrupted_databases_only_ever_raise_an_import_error(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(corrupted(phone(tmp_path / "p", GROUP + COUPLE[:3], contacts=False).read_bytes(), data))
    source = Source(str(path), path=path)
    assert 0 <= AndroidSmsDbImporter().sniff(source, source.head()) <= 1
    with contextlib.suppress(ImportFormatError):  # anything else fails the test
        parse(path)
