"""WhatsApp Chat Exporter's JSON (``result.json`` and its files a chat) reads as the databases it was
made from: the same messages, media, deleted messages, notices, quotes and reactions."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.whatsapp_db import render_contacts, render_msgstore
from tests.exporters.whatsapp_exporter import render_whatsapp_exporter
from tests.exporters.whatsapp_viewer import render_whatsapp_viewer
from tests.ingest._records import Rec

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.model import MessageKind, Reaction

NUMBERS = {"Me": "4915112345678", "Lena": "4917698765432", "Tomás": "34612345678"}


def t(day: int, hour: int, minute: int) -> datetime:
    return datetime(2023, 10, day, hour, minute)


SUNDAY = [
    Rec(t(1, 9, 12), "Lena", "are you awake?\nI can't stop thinking about yesterday"),
    Rec(t(1, 9, 40), "Me", "just now. me neither honestly"),
    Rec(t(1, 9, 41), "Lena", "<Media omitted>", "media", caption="the view from the bridge"),
    Rec(t(1, 9, 43), "Me", "we should go back there next weekend", reply_to=2,
        reactions=(Reaction("Lena", "❤️"),)),
    Rec(t(1, 9, 45), "Lena", "sent to the wrong chat", "deleted"),
    Rec(t(1, 9, 46), "Lena", "yes please. saturday?", reactions=(Reaction("Me", "👍"),)),
]


def imported(path: Path, **options: str) -> list:
    return [c for _, convs in read_paths([path], ImportOptions(**options)) for c in convs]


def seen(conversation) -> list[tuple]:
    return [(m.ts, m.author, m.text, m.kind, m.reply_to, m.reactions) for m in conversation.messages]


@pytest.mark.parametrize("device", ["android", "ios"])
def test_a_chat_reads_as_the_database_it_was_exported_from(tmp_path: Path, device: str) -> None:
    path = tmp_path / "result.json"
    path.write_text(render_whatsapp_exporter(SUNDAY, me="Me", numbers=NUMBERS, names={"Lena": "Lena"},
                                             device=device, indent=2), encoding="utf-8")
    assert detect(Source(str(path), path=path)).name == "whatsapp_exporter"
    [chat] = imported(path)
    render_msgstore(tmp_path / "msgstore.db", SUNDAY, me="Me", numbers=NUMBERS)
    render_contacts(tmp_path / "wa.db", {"Lena": NUMBERS["Lena"], "Tomás": NUMBERS["Tomás"]})
    [from_db] = imported(tmp_path / "msgstore.db")
    assert (chat.title, chat.chat_id, chat.group, chat.me, chat.source_format) == (
        "Lena", "4917698765432@s.whatsapp.net", False, "Me", "whatsapp_exporter")
    assert [m[:5] for m in seen(chat)] == [m[:5] for m in seen(from_db)]
    # the exporter keeps no reaction times
    assert [m.reactions for m in chat.messages] == [
        tuple(Reaction(r.author, r.emoji) for r in m.reactions) for m in from_db.messages]
    assert chat.messages[3].reactions == (Reaction("Lena", "❤️"),)
    assert chat.messages[0].text == "are you awake?\nI can't stop thinking about yesterday"
    assert [m.kind for m in chat.messages][2:5] == [MessageKind.MEDIA, MessageKind.TEXT, MessageKind.DELETED]


def test_a_group_names_its_senders_and_a_number_the_phone_has_no_name_for(tmp_path: Path) -> None:
    records = [Rec(t(2, 18, 0), "Lena", "who's coming saturday?"), Rec(t(2, 18, 5), "Tomás", "me!"),
               Rec(t(2, 18, 6), "Me", "same")]
    path = tmp_path / "Family.json"  # --per-chat: one file a chat, the same object
    path.write_text(render_whatsapp_exporter(records, me="Me", numbers=NUMBERS, names={"Lena": "Lena Vogel"},
                                             group="Family"), encoding="utf-8")
    [chat] = imported(path, me="Jonas")
    assert (chat.title, chat.group, chat.me) == ("Family", True, "Jonas")
    assert [m.author for m in chat.messages] == ["Lena Vogel", "+34612345678", "Jonas"]


def test_notices_are_kept_apart_and_a_chat_of_notices_alone_is_no_conversation(tmp_path: Path) -> None:
    doc = json.loads(render_whatsapp_exporter(SUNDAY[:2], me="Me", numbers=NUMBERS))
    [chat] = doc.values()
    chat["messages"]["999"] = {"from_me": False, "timestamp": 1696140000, "time": "08:00", "media": False,
                               "key_id": "X", "meta": True, "data": "A voice call was missed", "sender": None}
    chat["messages"]["998"] = {"from_me": True, "timestamp": 1696140001, "meta": True, "data": None}
    chat["messages"]["997"] = {"from_me": False, "timestamp": 1696140002, "meta": True,
                               "data": "Location shared: (52.52, 13.40)"}
    doc["120363000000000000@g.us"] = {"name": "Old group", "type": "android", "messages": {
        "5": {"from_me": False, "timestamp": 1696140000, "meta": True, "data": "The group name changed to Old group"}}}
    doc["status@broadcast"] = {"name": None, "type": "android", "messages": {
        "6": {"from_me": False, "timestamp": 1696140000, "data": "my status"}}}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    [only] = imported(path)
    assert [e.text for e in only.system_events] == ["A voice call was missed"]
    assert [(m.kind, m.text) for m in only.messages] == [  # the place shared, first in time: media
        (MessageKind.MEDIA, ""), (MessageKind.TEXT, SUNDAY[0].text), (MessageKind.TEXT, SUNDAY[1].text)]


def test_a_field_of_the_wrong_type_names_its_json_path(tmp_path: Path) -> None:
    doc = json.loads(render_whatsapp_exporter(SUNDAY[:2], me="Me", numbers=NUMBERS))
    [chat] = doc.values()
    chat["messages"]["1001"]["timestamp"] = "yesterday"
    path = tmp_path / "result.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"result\.json.*messages\.1001\.timestamp"):
        imported(path)


def test_other_json_is_not_taken_for_this_format(tmp_path: Path) -> None:
    telegram = tmp_path / "result.json"
    telegram.write_text(json.dumps({"name": "Lena", "type": "personal_chat", "id": 1, "messages": []}),
                        encoding="utf-8")
    assert detect(Source(str(telegram), path=telegram)).name != "whatsapp_exporter"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=8), st.sampled_from(["from_me", "timestamp", "data", "media", "meta", "reactions",
                                                    "reply", "sender", "caption", "sticker", "mime"]))
def test_any_value_in_any_field_either_parses_or_raises_a_format_error(tmp_path: Path, value: object,
                                                                       field: str) -> None:
    doc = json.loads(render_whatsapp_exporter(SUNDAY, me="Me", numbers=NUMBERS))
    [chat] = doc.values()
    chat["messages"]["1002"][field] = value
    path = tmp_path / "result.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with contextlib.suppress(ImportFormatError):
        imported(path)


# --- WhatsApp Viewer's JSON export ---------------------------------------------------------------


def test_whatsapp_viewers_export_reads_as_the_database_less_what_it_leaves_out(tmp_path: Path) -> None:
    """WhatsApp Viewer writes no deleted messages, notices or reactions: the rest reads as the database."""
    path = tmp_path / "chats.json"
    path.write_text(render_whatsapp_viewer(SUNDAY, me="Me", numbers=NUMBERS, names={"Lena": "Lena"}),
                    encoding="utf-8")
    assert detect(Source(str(path), path=path)).name == "whatsapp_viewer"
    [chat] = imported(path)
    render_msgstore(tmp_path / "msgstore.db", SUNDAY, me="Me", numbers=NUMBERS)
    render_contacts(tmp_path / "wa.db", {"Lena": NUMBERS["Lena"], "Tomás": NUMBERS["Tomás"]})
    [from_db] = imported(tmp_path / "msgstore.db")
    kept = [m for m in from_db.messages if m.kind is not MessageKind.DELETED]
    assert (chat.title, chat.chat_id, chat.source_format) == ("Lena", "4917698765432@s.whatsapp.net",
                                                              "whatsapp_viewer")
    assert [(m.ts, m.author, m.text, m.kind) for m in chat.messages] == [(m.ts, m.author, m.text, m.kind)
                                                                          for m in kept]
    assert chat.messages[3].reply_to == 2


def test_whatsapp_viewers_group_names_members_by_its_contacts_else_their_number(tmp_path: Path) -> None:
    records = [Rec(t(2, 18, 0), "Lena", "who's coming saturday?"), Rec(t(2, 18, 5), "Tomás", "me!"),
               Rec(t(2, 18, 6), "Me", "https://maps.example.org/the-lake")]
    path = tmp_path / "export.json"
    path.write_text(render_whatsapp_viewer(records, me="Me", numbers=NUMBERS, names={"Lena": "Lena Vogel"},
                                           group="Family"), encoding="utf-8")
    [chat] = imported(path)
    assert (chat.title, chat.group) == ("Family", True)
    assert [(m.author, m.kind) for m in chat.messages] == [
        ("Lena Vogel", MessageKind.TEXT), ("+34612345678", MessageKind.TEXT), ("Me", MessageKind.TEXT)]
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["chats"][0]["messages"][1]["type"] = "poll"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"chats\[0\]\.messages\[1\]\.type"):
        imported(path)
