"""The Telegram importer reads Telegram Desktop's result.json, one chat or the whole account."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.telegram import render_telegram, render_telegram_account
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import Rec, parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect
from turntoward.ingest.telegram import TelegramImporter
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
PERSONAL_CHAT = FIXTURES / "telegram" / "personal_chat" / "result.json"
FULL_EXPORT = FIXTURES / "telegram" / "full_export" / "result.json"


def parse(path: Path, me: str | None = None) -> list[Conversation]:
    return list(TelegramImporter().parse(Source(str(path), path=path), ImportOptions(me=me)))


def parse_text(text: str | bytes) -> list[Conversation]:
    return parse_written(text, "result.json", parse)


def test_one_chat_export_numbers_messages_and_keeps_calls_and_pins_as_system_events() -> None:
    [chat] = parse(PERSONAL_CHAT)
    assert (chat.title, chat.chat_id, chat.source_format) == ("Teo Vance", "6120447731", "telegram")
    assert len(chat.messages) == 13
    assert [m.index for m in chat.messages] == list(range(13))
    assert chat.people == ["Mira Halloran", "Teo Vance"]
    assert [(e.ts, e.text, e.author) for e in chat.system_events] == [
        (datetime(2024, 3, 11, 23, 2, 51), "phone call (312 s)", "Teo Vance"),
        (datetime(2024, 3, 12, 12, 16, 2), "pin message", "Mira Halloran"),
    ]


def test_times_are_the_wall_clock_the_export_shows() -> None:
    [chat] = parse(PERSONAL_CHAT)
    assert chat.messages[0].ts == datetime(2024, 3, 12, 7, 41, 9)
    assert chat.messages[-1].ts == datetime(2024, 3, 12, 21, 6, 40)
    assert [m.ts for m in chat.messages] == sorted(m.ts for m in chat.messages)


def ines_chat(*entries: dict[str, object]) -> str:
    """A one-chat export of `entries`, as Telegram Desktop writes one."""
    return json.dumps({"name": "Ines", "type": "personal_chat", "id": 42, "messages": list(entries)})


def test_an_entry_with_only_unix_seconds_takes_that_instant_on_the_local_clock() -> None:
    [chat] = parse_text(ines_chat(
        {"id": 1, "type": "message", "date": "2024-05-02T08:15:00", "from": "Ines", "text": "morning"},
        {"id": 2, "type": "message", "date_unixtime": "1714641300", "from": "Omar", "text": "hey you"},
        {"id": 3, "type": "service", "date_unixtime": "1714641360", "actor": "Omar", "action": "pin_message"},
    ))
    assert [m.ts for m in chat.messages] == [datetime(2024, 5, 2, 8, 15), datetime.fromtimestamp(1714641300)]
    assert chat.system_events[0].ts == datetime.fromtimestamp(1714641360)


def test_an_entry_the_app_could_not_read_is_left_out_and_the_rest_read() -> None:
    # Telegram Desktop writes a message it cannot read as {"id", "type": "unsupported"} alone
    [chat] = parse_text(ines_chat(
        {"id": 1, "type": "message", "date": "2024-05-02T08:15:00", "from": "Ines", "text": "morning"},
        {"id": 2, "type": "unsupported"},
        {"id": 3, "type": "message", "date": "2024-05-02T08:16:00", "from": "Omar", "text": "hey you",
         "reply_to_message_id": 1},
    ))
    assert [(m.index, m.text, m.reply_to) for m in chat.messages] == [(0, "morning", None), (1, "hey you", 0)]


def test_unix_seconds_that_are_not_digits_name_their_json_path() -> None:
    doc = {"messages": [{"type": "message", "date_unixtime": "soon", "from": "Omar", "text": "hi"}]}
    with pytest.raises(ImportFormatError) as caught:
        parse_text(json.dumps(doc))
    assert caught.value.json_path == "messages[0].date_unixtime"


def test_text_written_as_entity_parts_reads_as_plain_words() -> None:
    [chat] = parse(PERSONAL_CHAT)
    assert chat.messages[1].text == "barely, three hours but it was worth it"
    assert chat.messages[7].text == "ask @juno_rk too? her trip photos were amazing 🥐"


def test_replies_point_at_the_quoted_message_and_quotes_outside_the_export_are_none() -> None:
    [chat] = parse(PERSONAL_CHAT)
    assert {m.index: m.reply_to for m in chat.messages if m.reply_to is not None} == {1: 0, 7: 5, 10: 9}
    assert chat.messages[6].text == "like I said last week, I'm in for Saturday"
    assert chat.messages[6].reply_to is None  # it quotes message 40001, older than the export


def test_media_messages_carry_their_caption_or_a_placeholder() -> None:
    [chat] = parse(PERSONAL_CHAT)
    media = [(m.index, m.text) for m in chat.messages if m.kind is MessageKind.MEDIA]
    assert media == [
        (2, "<sticker>"),
        (3, "sunrise from the balcony 🌅 thought of you"),
        (4, "<voice message>"),
        (8, "<video message>"),
        (11, "<location>"),
    ]


def test_polls_edits_and_forwards_keep_their_words_and_sender() -> None:
    [chat] = parse(PERSONAL_CHAT)
    poll = chat.messages[9]
    assert (poll.kind, poll.text) == (MessageKind.TEXT, "Saturday: lake walk or the museum?")
    assert [m.index for m in chat.messages if m.edited] == [3, 12]
    forwarded = chat.messages[5]
    assert forwarded.author == "Teo Vance"
    assert forwarded.text == "They have the cardamom buns again: https://lakeside-bakery.example/menu"


def test_reactions_name_each_reactor_with_the_emoji_and_the_time_it_was_given() -> None:
    [chat] = parse(PERSONAL_CHAT)
    reacted = {m.index: m.reactions for m in chat.messages if m.reactions}
    assert reacted == {
        3: (Reaction("Teo Vance", "❤", datetime(2024, 3, 12, 7, 53, 40)),),  # on "sunrise from the balcony"
        # Mira's custom emoji beside her 😁 has no plain emoji in the export, so it is left out
        10: (Reaction("Mira Halloran", "😁", datetime(2024, 3, 12, 18, 36, 2)),),
    }
    assert chat.messages[3].text == "sunrise from the balcony 🌅 thought of you"


def reacting(reactions: object, service: bool = False) -> dict[str, object]:
    """A one-chat export whose second entry (a message, or a pin when `service`) has `reactions`."""
    second: dict[str, object] = {"id": 2, "date": "2025-05-20T19:00:05", "reactions": reactions}
    if service:
        second.update(type="service", actor="Hanna Berg", actor_id="user1", action="pin_message", message_id=1)
    else:
        second.update(type="message", **{"from": "Hanna Berg"}, from_id="user1", text="I got the solo!!")
    return {
        "name": "Choir Altos",
        "type": "private_supergroup",
        "id": 2217746650,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date": "2025-05-20T18:58:00",
                "from": "Kofi",
                "from_id": "user2",
                "text": "?",
            },
            second,
            {
                "id": 3,
                "type": "message",
                "date": "2025-05-20T19:20:00",
                "from": "Kofi",
                "from_id": "user2",
                "text": "!",
            },
        ],
    }


def recent(name: str | None, date: str) -> dict[str, object]:
    return {"from": name, "from_id": "user9", "date": date}


def test_only_named_reactors_of_plain_emoji_reactions_count() -> None:
    doc = reacting(
        [
            {"type": "emoji", "count": 4, "emoji": "❤", "recent": [recent("Kofi", "2025-05-20T19:01:12")]},
            {"type": "emoji", "count": 12, "emoji": "👍"},  # nobody named: nothing to attribute
            {
                "type": "custom_emoji",
                "count": 1,
                "document_id": "(unavailable)",
                "recent": [recent("Luz", "2025-05-20T19:02:00")],
            },
            {"type": "custom_emoji", "count": 1, "document_id": "stickers/sticker.webp"},
            {"type": "paid", "count": 50},
            {"type": "paid", "count": 5, "recent": [recent("Luz", "2025-05-20T19:03:00")]},
            {"type": "empty", "count": 1, "recent": [recent("Luz", "2025-05-20T19:03:30")]},
            {
                "type": "emoji",
                "count": 2,
                "emoji": "❤️",
                "recent": [recent(None, "2025-05-20T19:05:00"), recent("Luz", "2025-05-20T19:04:00")],
            },
        ]
    )
    [chat] = parse_text(json.dumps(doc, ensure_ascii=False))
    assert chat.messages[1].reactions == (
        Reaction("Kofi", "❤", datetime(2025, 5, 20, 19, 1, 12)),
        Reaction("Deleted Account", "❤️", datetime(2025, 5, 20, 19, 5)),  # "from": null, as for a message
        Reaction("Luz", "❤️", datetime(2025, 5, 20, 19, 4)),  # the export's order, not the clock's
    )
    assert [m.reactions for m in (chat.messages[0], chat.messages[2])] == [(), ()]


def test_reactions_on_a_service_entry_are_dropped_with_it() -> None:
    doc = reacting(
        [{"type": "emoji", "count": 1, "emoji": "👍", "recent": [recent("Kofi", "2025-05-20T19:01:00")]}], service=True
    )
    [chat] = parse_text(json.dumps(doc, ensure_ascii=False))
    assert [(m.text, m.reactions) for m in chat.messages] == [("?", ()), ("!", ())]
    assert [e.text for e in chat.system_events] == ["pin message"]


def test_a_broken_reaction_names_its_json_path() -> None:
    good = {"type": "emoji", "count": 1, "emoji": "👍", "recent": [recent("Kofi", "2025-05-20T19:01:00")]}
    for broken, path in [
        ("❤", "messages[1].reactions[1]"),
        ({**good, "type": None}, "messages[1].reactions[1].type"),
        ({**good, "emoji": None}, "messages[1].reactions[1].emoji"),
        ({**good, "recent": "Kofi"}, "messages[1].reactions[1].recent"),
        ({**good, "recent": [recent("Kofi", "yesterday")]}, "messages[1].reactions[1].recent[0].date"),
        ({**good, "recent": [{"from": 7, "date": "2025-05-20T19:01:00"}]}, "messages[1].reactions[1].recent[0].from"),
    ]:
        with pytest.raises(ImportFormatError) as caught:
            parse_text(json.dumps(reacting([good, broken])))
        assert caught.value.json_path == path
    with pytest.raises(ImportFormatError) as caught:
        parse_text(json.dumps(reacting({"type": "emoji"})))
    assert caught.value.json_path == "messages[1].reactions"


def test_full_export_gives_one_conversation_per_chat_and_knows_who_exported_it() -> None:
    chats = parse(FULL_EXPORT)
    assert [(c.title, c.chat_id, len(c.messages)) for c in chats] == [
        ("Teo Vance", "6120447731", 3),
        ("Thursday Book Club", "4400918273", 4),
        ("Saved Messages", "5581029384", 1),
        ("Flat 4B", "1782739911", 2),
    ]
    assert {c.me for c in chats} == {"Mira Halloran"}
    assert chats[0].messages[1].reply_to == 0


def test_a_deleted_account_still_has_an_author_and_group_events_stay_out_of_the_count() -> None:
    book_club = parse(FULL_EXPORT)[1]
    assert book_club.people == ["Mira Halloran", "Idris Okoye", "Deleted Account"]
    assert [e.text for e in book_club.system_events] == [
        "create group: Idris Okoye, Mira Halloran",
        "invite members: Sana Mirza",
    ]
    assert book_club.messages[3].reply_to == 2


def test_me_from_options_is_used_for_a_single_chat_export() -> None:
    [chat] = parse(PERSONAL_CHAT, me="Mira Halloran")
    assert chat.me == "Mira Halloran"


def test_detection_recognises_both_shapes_and_ignores_other_json() -> None:
    for path in (PERSONAL_CHAT, FULL_EXPORT):
        importer = detect(Source(str(path), path=path))
        assert importer is not None and importer.name == "telegram"
    other = FIXTURES / "discord" / "dm_kaiwaves.json"
    assert TelegramImporter().sniff(Source(str(other), path=other), other.read_bytes()[:65536]) == 0.0
    assert TelegramImporter().sniff(Source("x.json"), b'{"messages": [], "participants": []}') == 0.0


def test_invalid_json_names_the_file_and_line() -> None:
    text = PERSONAL_CHAT.read_text(encoding="utf-8")
    broken = text.replace('"type": "personal_chat",', '"type": personal,')
    with pytest.raises(ImportFormatError) as caught:
        parse_text(broken)
    assert caught.value.line == 3
    assert "result.json:3" in str(caught.value)


def test_a_truncated_export_is_a_format_error() -> None:
    text = PERSONAL_CHAT.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match="expected a JSON document"):
        parse_text(text[: len(text) // 2])


def test_a_wrong_type_names_its_json_path() -> None:
    doc = json.loads(PERSONAL_CHAT.read_text(encoding="utf-8"))
    doc["messages"][12]["date"] = 1710277445
    with pytest.raises(ImportFormatError) as caught:
        parse_text(json.dumps(doc))
    assert caught.value.json_path == "messages[12].date"
    assert "expected an ISO date string" in str(caught.value)


def test_json_that_is_not_a_telegram_export_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="Telegram export"):
        parse_text('{"participants": [], "title": "x"}')
    with pytest.raises(ImportFormatError, match="UTF-8"):
        parse_text(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")


message_keys = st.sampled_from(
    [
        "id",
        "type",
        "date",
        "from",
        "text",
        "reply_to_message_id",
        "photo",
        "file",
        "media_type",
        "poll",
        "action",
        "members",
        "duration_seconds",
        "edited",
        "title",
        "actor",
        "reactions",
    ]
)
messages = st.lists(
    st.dictionaries(message_keys, json_values | st.sampled_from(["message", "service", "2024-03-12T21:04"])),
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries({"name": json_values, "type": json_values, "messages": messages}),
        st.fixed_dictionaries(
            {
                "personal_information": json_values,
                "chats": st.fixed_dictionaries(
                    {"list": st.lists(st.fixed_dictionaries({"messages": messages}), max_size=2)}
                )
                | json_values,
            }
        ),
    )
)
def test_any_json_document_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        damaged(json.loads(PERSONAL_CHAT.read_text(encoding="utf-8"))),
        damaged(json.loads((FULL_EXPORT).read_text(encoding="utf-8"))),
    )
)
def test_an_export_with_any_one_field_broken_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(data)


names = st.sampled_from(["Mira Halloran", "Teo", "Zoë Ngata", "李伟", "Deleted Friend"])
placeholders = st.sampled_from(["<photo>", "<sticker>", "<voice message>", "<video>", "<GIF>", "<audio>"])


@st.composite
def chat_records(draw: st.DrawFn) -> list[Rec]:
    count = draw(st.integers(1, 12))
    start = draw(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 1, 1)))
    records = []
    ts = start.replace(microsecond=0)
    for i in range(count):
        ts += timedelta(seconds=draw(st.integers(0, 86_400)))
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        text = (
            draw(placeholders)
            if kind == "media" and draw(st.booleans())
            else draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(str.strip))
        )
        reply_to = draw(st.none() | st.integers(0, i - 1)) if i else None
        records.append(Rec(ts, draw(names), text, kind, reply_to, edited=draw(st.booleans())))
    return records


def expected_after_export(records: list[Rec]) -> list[tuple[object, ...]]:
    """What Telegram shows of `records`: deleted messages gone, replies following the survivors."""
    kept = [i for i, r in enumerate(records) if r.kind != "deleted"]
    new = {old: n for n, old in enumerate(kept)}
    return [(r.ts, r.author, r.text, r.kind, new.get(r.reply_to), r.edited) for r in (records[i] for i in kept)]


@settings(max_examples=60, deadline=None)
@given(chat_records())
def test_a_rendered_chat_parses_back_to_the_same_messages(records: list[Rec]) -> None:
    [chat] = parse_text(render_telegram(records, title="Test chat"))
    got = [(m.ts, m.author, m.text, str(m.kind), m.reply_to, m.edited) for m in chat.messages]
    assert got == expected_after_export(records)


def test_a_rendered_account_export_parses_back_chat_by_chat() -> None:
    day = datetime(2024, 6, 1, 9, 0)
    teo = [
        Rec(day, "Teo", "see you at https://cafe.example/map"),
        Rec(day + timedelta(minutes=3), "Mira H", "on my way", reply_to=0),
    ]
    mum = [Rec(day, "Mum", "<photo>", "media"), Rec(day + timedelta(hours=1), "Mira H", "so lovely ❤️")]
    chats = parse_text(render_telegram_account([("Teo", teo), ("Mum", mum)], me="Mira H"))
    assert [(c.title, c.me, [(m.text, m.reply_to) for m in c.messages]) for c in chats] == [
        ("Teo", "Mira H", [("see you at https://cafe.example/map", None), ("on my way", 0)]),
        ("Mum", "Mira H", [("<photo>", None), ("so lovely ❤️", None)]),
    ]


@dataclass
class Reacted(Rec):
    reactions: tuple[Reaction, ...] = ()


@st.composite
def reacted_records(draw: st.DrawFn) -> list[Reacted]:
    records = []
    ts = datetime(2025, 1, 1, 9, 0)
    for _ in range(draw(st.integers(1, 6))):
        ts += timedelta(minutes=draw(st.integers(0, 600)))
        given = draw(
            st.lists(
                st.builds(
                    Reaction,
                    names,
                    st.sampled_from(["❤", "❤️", "👍", "😂", "🥰", "🙏"]),
                    st.none() | st.just(ts + timedelta(minutes=5)),
                ),
                max_size=4,
            )
        )
        records.append(
            Reacted(ts, draw(names), draw(st.text(min_size=1, max_size=20).filter(str.strip)), reactions=tuple(given))
        )
    return records


def grouped(message_ts: datetime, reactions: tuple[Reaction, ...]) -> list[Reaction]:
    """Telegram lists a message's reactions by emoji, in order of first use."""
    order = list(dict.fromkeys(r.emoji for r in reactions))
    stamped = [Reaction(r.author, r.emoji, r.ts or message_ts) for r in reactions]
    return sorted(stamped, key=lambda r: order.index(r.emoji))


@settings(max_examples=60, deadline=None)
@given(reacted_records())
def test_rendered_reactions_parse_back_by_emoji_with_their_reactors_and_times(records: list[Reacted]) -> None:
    [chat] = parse_text(render_telegram(records, title="Test chat"))
    assert [list(m.reactions) for m in chat.messages] == [grouped(r.ts, r.reactions) for r in records]
