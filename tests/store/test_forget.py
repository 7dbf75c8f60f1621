"""Forgetting really deletes: rows, orphaned people, and the text's bytes on disk."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turntoward import api
from turntoward.errors import NotFoundError
from turntoward.model import Conversation, Message
from turntoward.store import Store, open_store

T = datetime(2024, 2, 14, 20, 0)
SECRET = "the surprise is a weekend in Whitby, do not tell Priya"


def chat(title: str, authors: tuple[str, str], text: str) -> Conversation:
    messages = [Message(i, T + timedelta(minutes=i), authors[i % 2], f"{text} #{i}") for i in range(200)]
    return Conversation(source=f"{title}.txt", source_format="whatsapp", title=title, messages=messages)


def disk_bytes(db: Path) -> bytes:
    """The database file and its WAL, as anyone with the disk could read them."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_forgetting_a_conversation_removes_its_text_from_the_file(tmp_path: Path) -> None:
    db = tmp_path / "turntoward.db"
    store = open_store(str(db))
    store.save_source("Jonah.txt", [chat("Jonah", ("Jonah", "Maya"), SECRET)])
    store.save_source("Mum.txt", [chat("Mum", ("Mum", "Maya"), "are you eating properly")])
    assert SECRET.encode() in disk_bytes(db)

    api.forget(store, "Jonah")
    with store.engine.connect() as conn:  # compacted: no free page keeps old bytes around
        assert conn.exec_driver_sql("PRAGMA freelist_count").scalar() == 0
    store.close()

    raw = disk_bytes(db)
    assert SECRET.encode() not in raw
    assert b"Jonah.txt" not in raw
    assert b"are you eating properly" in raw


def test_forgetting_deletes_people_no_other_chat_has(store: Store) -> None:
    store.save_source("Jonah.txt", [chat("Jonah", ("Jonah", "Maya"), "hi")])
    store.save_source("Mum.txt", [chat("Mum", ("Mum", "Maya"), "hi")])

    forgotten = api.forget(store, "Jonah")

    assert [c.title for c in forgotten] == ["Jonah"]
    assert sorted(p.name for p in api.list_people(store)) == ["Maya", "Mum"]
    with pytest.raises(NotFoundError):
        store.load_conversation("Jonah")


def test_forgetting_everything_leaves_an_empty_store(store: Store) -> None:
    store.save_source("Jonah.txt", [chat("Jonah", ("Jonah", "Maya"), "hi")])
    store.save_source("Mum.txt", [chat("Mum", ("Mum", "Maya"), "hi")])

    forgotten = api.forget(store, everything=True)

    assert sorted(c.title for c in forgotten) == ["Jonah", "Mum"]
    assert api.list_conversations(store) == [] and api.list_people(store) == []


def test_forgetting_everything_removes_all_text_from_the_file(tmp_path: Path) -> None:
    db = tmp_path / "turntoward.db"
    store = open_store(str(db))
    store.save_source("Jonah.txt", [chat("Jonah", ("Jonah", "Maya"), SECRET)])

    api.forget(store, everything=True)
    store.close()

    assert SECRET.encode() not in disk_bytes(db)
    assert b"Maya" not in disk_bytes(db)


def test_forgetting_everything_also_deletes_check_ins_and_time_together(tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from turntoward.api import checkin
    from turntoward.store.checkin_schema import TimeTogetherRow

    db = tmp_path / "turntoward.db"
    store = open_store(str(db))
    store.save_source("Jonah.txt", [chat("Jonah", ("Jonah", "Maya"), "hi")])
    api.set_me(store, "Maya")
    checkin.log_time_together(store, 90, in_person=True, with_person="Jonah", what="a walk by the river Wharfe")
    assert checkin.time_together(store)

    api.forget(store, everything=True)

    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(TimeTogetherRow)).scalar_one() == 0
    store.close()
    assert b"river Wharfe" not in disk_bytes(db)


@pytest.mark.postgres
def test_forgetting_on_postgres_rewrites_the_tables_that_held_the_text(postgres_url: str) -> None:
    """A DELETE on PostgreSQL only marks rows dead, their bytes still in the table's files until
    the pages are reused: forgetting rewrites each table into new files (VACUUM FULL), so the old
    ones, with the text, are removed."""
    store = open_store(postgres_url)
    store.save_source("Jonah.txt", [chat("Jonah", ("Jonah", "Maya"), SECRET)])
    store.save_source("Mum.txt", [chat("Mum", ("Mum", "Maya"), "are you eating properly")])

    def files() -> dict[str, int]:
        with store.engine.connect() as conn:
            return {t: conn.exec_driver_sql(f"SELECT pg_relation_filenode('{t}')").scalar_one()
                    for t in ("messages", "conversations", "people", "imports")}

    before = files()
    api.forget(store, "Jonah")
    after = files()

    assert all(after[t] != before[t] for t in before), (before, after)
    with store.engine.connect() as conn:
        dead = conn.exec_driver_sql("SELECT count(*) FROM messages WHERE strpos(text, 'Whitby') > 0").scalar_one()
    assert dead == 0
    assert [c.title for c in api.list_conversations(store)] == ["Mum"]
    store.close()
