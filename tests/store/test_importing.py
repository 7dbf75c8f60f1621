"""Importing exports into the store: nothing twice, nothing lost, nothing half-written."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turntoward import api
from turntoward.errors import ImportFormatError, UsageError
from turntoward.model import Conversation, Message, MessageKind, Reaction, Relationship, SystemEvent
from turntoward.store import Store, open_store

from ._db import snapshot
from ._exports import Line, chat_lines, write_export

T = datetime(2024, 3, 5, 21, 4)


def stored_texts(store: Store, title: str = "Maya") -> list[tuple[datetime, str, str]]:
    return [(m.ts, m.author, m.text) for m in store.load_conversation(title).messages]


def test_reimporting_the_same_export_adds_nothing(store: Store, tmp_path: Path) -> None:
    export = write_export(tmp_path / "WhatsApp Chat with Maya.txt", chat_lines(40))

    first = api.import_paths([export], store=store)
    again = api.import_paths([export], store=store)

    assert (first[0].added, first[0].skipped) == (40, 0)
    assert (again[0].added, again[0].skipped) == (0, 40)
    assert [c.messages for c in api.list_conversations(store)] == [40]
    assert len(store.load_conversation("Maya").system_events) == 1


def test_reimporting_a_longer_export_adds_only_new_messages(store: Store, tmp_path: Path) -> None:
    # WhatsApp keeps only the most recent messages: the later export has lost the oldest ten
    # and gained thirty new ones.
    older = write_export(tmp_path / "march" / "WhatsApp Chat with Maya.txt", chat_lines(50))
    later = write_export(tmp_path / "june" / "WhatsApp Chat with Maya.txt", chat_lines(70, offset=10))

    api.import_paths([older], store=store)
    summary = api.import_paths([later], store=store)[0]

    assert (summary.added, summary.skipped) == (30, 40)
    expected = [(line.ts, line.author, line.text) for line in chat_lines(80)]
    assert stored_texts(store) == expected
    assert len(api.list_conversations(store)) == 1


def test_importing_an_older_export_after_a_newer_one_fills_in_the_past(store: Store, tmp_path: Path) -> None:
    api.import_paths(
        [write_export(tmp_path / "b" / "WhatsApp Chat with Maya.txt", chat_lines(20, offset=20))], store=store
    )
    api.import_paths([write_export(tmp_path / "a" / "WhatsApp Chat with Maya.txt", chat_lines(30))], store=store)

    loaded = store.load_conversation("Maya")
    assert [(m.ts, m.text) for m in loaded.messages] == [(line.ts, line.text) for line in chat_lines(40)]
    assert [m.index for m in loaded.messages] == list(range(40))


def test_identical_messages_in_the_same_minute_are_both_kept(store: Store, tmp_path: Path) -> None:
    lines = [
        Line(T, "Jonah", "home at 6?"),
        Line(T, "Maya", "ok"),
        Line(T, "Maya", "ok"),
        Line(T + timedelta(minutes=1), "Maya", "ok"),
    ]
    export = write_export(tmp_path / "WhatsApp Chat with Maya.txt", lines)

    api.import_paths([export], store=store)
    api.import_paths([export], store=store)

    assert [m.text for m in store.load_conversation("Maya").messages] == ["home at 6?", "ok", "ok", "ok"]


def test_a_second_identical_message_in_a_longer_export_is_added(store: Store, tmp_path: Path) -> None:
    first = [Line(T, "Jonah", "home at 6?"), Line(T, "Maya", "ok")]
    api.import_paths([write_export(tmp_path / "a" / "WhatsApp Chat with Maya.txt", first)], store=store)
    longer = [*first, Line(T, "Maya", "ok")]
    summary = api.import_paths([write_export(tmp_path / "b" / "WhatsApp Chat with Maya.txt", longer)], store=store)

    assert (summary[0].added, summary[0].skipped) == (1, 2)


def conversation(title: str, messages: list[Message], **kwargs: object) -> Conversation:
    return Conversation(source="chat.json", source_format="telegram", title=title, messages=messages, **kwargs)  # type: ignore[arg-type]


def test_a_chat_with_an_id_is_recognised_after_it_was_renamed(store: Store) -> None:
    before = conversation("Climbing crew", [Message(0, T, "Kai", "tuesday?")], chat_id="4471")
    after = conversation(
        "Tuesday climbers",
        [Message(0, T, "Kai", "tuesday?"), Message(1, T + timedelta(hours=1), "Ines", "in!")],
        chat_id="4471",
    )
    store.save_source("a.json", [before])
    saved = store.save_source("b.json", [after])

    assert (saved[0].added, saved[0].skipped, saved[0].is_new) == (1, 1, False)
    assert [c.title for c in store.conversations()] == ["Tuesday climbers"]


def test_chats_without_ids_with_different_titles_stay_apart(store: Store) -> None:
    store.save_source("a.json", [conversation("Mum", [Message(0, T, "Mum", "call me")])])
    store.save_source("b.json", [conversation("Dad", [Message(0, T, "Dad", "call me")])])

    assert sorted(c.title for c in store.conversations()) == ["Dad", "Mum"]


def test_loaded_conversation_keeps_kinds_replies_edits_and_leaves_notices_out(store: Store) -> None:
    messages = [
        Message(0, T, "Kai", "look at this view"),
        Message(1, T, "Kai", "<photo>", kind=MessageKind.MEDIA),
        Message(2, T + timedelta(minutes=2), "Ines", "wow, where is that?", reply_to=1, edited=True),
        Message(3, T + timedelta(minutes=3), "Kai", "", kind=MessageKind.DELETED),
    ]
    events = [SystemEvent(T - timedelta(days=1), "Ines created group “Trip”", author="Ines")]
    store.save_source("trip.json", [conversation("Trip", messages, system_events=events, chat_id="9")])

    loaded = store.load_conversation("Trip")

    assert loaded.messages == messages
    assert loaded.system_events == events
    assert loaded.source == f"db:{store.conversations()[0].id}"
    assert all(m.kind is not MessageKind.SYSTEM for m in loaded.messages)


def test_reactions_are_kept_and_name_merged_people_as_their_messages_do(store: Store) -> None:
    heart = Reaction("Ines M", "❤️", T + timedelta(minutes=1))
    messages = [
        Message(0, T, "Kai", "we got the keys!!", reactions=(heart, Reaction("Lou", "🎉"))),
        Message(1, T + timedelta(minutes=2), "Ines M", "AAAH congrats 🥹"),
        Message(2, T + timedelta(minutes=3), "Kai", "thank youuu"),
    ]
    store.save_source("keys.json", [conversation("Keys", messages, chat_id="7")])
    assert store.load_conversation("Keys").messages == messages  # Lou never wrote: named as the export did

    store.save_source("ines.json", [conversation("Ines", [Message(0, T, "Ines", "hi"), Message(1, T, "Kai", "hey")])])
    store.merge_people("Ines", "Ines M")  # the same Ines, under her other name in another chat
    loaded = store.load_conversation("Keys")
    assert loaded.messages[0].reactions == (Reaction("Ines", "❤️", heart.ts), Reaction("Lou", "🎉"))
    assert loaded.messages[1].author == "Ines"


def test_a_later_export_adds_the_reactions_given_since_and_an_older_one_takes_none_away(store: Store) -> None:
    def export(*marks: tuple[Reaction, ...]) -> list[Conversation]:
        texts = ["look what I made 🍞", "it's actually edible", "proud of u"]
        authors = ["Kai", "Kai", "Ines"]
        return [conversation("Bread", [Message(i, T + timedelta(minutes=i), authors[i], texts[i], reactions=r)
                                       for i, r in enumerate(marks)], chat_id="12")]

    heart, laugh, hug = Reaction("Ines", "❤️"), Reaction("Ines", "😂"), Reaction("Kai", "🫂")
    store.save_source("march.json", export((heart,), (), ()))
    store.save_source("june.json", export((heart, laugh), (), (hug,)))
    store.save_source("january.json", export((), (), ()))
    assert [m.reactions for m in store.load_conversation("Bread").messages] == [(heart, laugh), (), (hug,)]


def test_a_file_that_fails_to_parse_writes_nothing(store: Store, tmp_path: Path) -> None:
    good = write_export(tmp_path / "WhatsApp Chat with Maya.txt", chat_lines(10))
    api.import_paths([good], store=store)
    before = snapshot(store.engine)
    broken = tmp_path / "WhatsApp Chat with Jonah.txt"
    broken.write_text("these are my notes, not a chat\nsecond line\n", encoding="utf-8")

    with pytest.raises(ImportFormatError) as raised:
        api.import_paths([broken], store=store, fmt="whatsapp")

    assert str(broken) in str(raised.value)
    assert snapshot(store.engine) == before


def test_a_failing_file_keeps_the_files_imported_before_it(store: Store, tmp_path: Path) -> None:
    good = write_export(tmp_path / "WhatsApp Chat with Maya.txt", chat_lines(10))
    broken = tmp_path / "notes.txt"
    broken.write_text("not a chat\n", encoding="utf-8")

    with pytest.raises(ImportFormatError):
        api.import_paths([good, broken], store=store)

    assert [c.messages for c in api.list_conversations(store)] == [10]


def test_relationship_given_on_import_is_kept_until_changed(store: Store, tmp_path: Path) -> None:
    export = write_export(tmp_path / "WhatsApp Chat with Maya.txt", chat_lines(5))
    api.import_paths([export], store=store, relationship="partner")
    api.import_paths([export], store=store)
    assert api.list_conversations(store)[0].relationship is Relationship.PARTNER

    api.set_relationship(store, "Maya", "family")

    assert store.load_conversation("Maya").relationship is Relationship.FAMILY
    with pytest.raises(UsageError):
        api.set_relationship(store, "Maya", "boss")


def test_me_given_on_import_marks_the_user(store: Store, tmp_path: Path) -> None:
    export = write_export(tmp_path / "WhatsApp Chat with Maya.txt", chat_lines(5))
    api.import_paths([export], store=store, options=api.ImportOptions(me="Jonah"))

    assert [p.name for p in api.list_people(store) if p.is_me] == ["Jonah"]
    assert store.load_conversation("Maya").me == "Jonah"


def test_me_naming_nobody_in_the_export_writes_nothing(store: Store, tmp_path: Path) -> None:
    export = write_export(tmp_path / "WhatsApp Chat with Maya.txt", chat_lines(5))
    with pytest.raises(UsageError, match="Jonathan"):
        api.import_paths([export], store=store, options=api.ImportOptions(me="Jonathan"))
    assert api.list_conversations(store) == []


def test_progress_reports_every_row_of_every_file(store: Store, tmp_path: Path) -> None:
    export = write_export(tmp_path / "WhatsApp Chat with Maya.txt", chat_lines(25))
    events: list[api.ImportProgress] = []

    api.import_paths([export], store=store, progress=events.append)

    assert events[0].stored == 0 and events[0].total == 26  # 25 messages and the encryption notice
    assert events[-1].done and events[-1].stored == 26


def test_a_bulk_import_leaves_every_reference_valid(sqlite_url: str, tmp_path: Path) -> None:
    # The bulk load skips per-row foreign key checks; this checks every reference afterwards.
    store = open_store(sqlite_url)
    api.import_paths([write_export(tmp_path / "a" / "WhatsApp Chat with Maya.txt", chat_lines(450))], store=store)
    api.import_paths(
        [write_export(tmp_path / "b" / "WhatsApp Chat with Maya.txt", chat_lines(500, offset=50))], store=store
    )
    api.merge_people(store, "Maya", "Jonah")

    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()
