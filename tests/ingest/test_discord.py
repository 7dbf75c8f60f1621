"""The Discord importer reads DiscordChatExporter's JSON: one DM or guild channel per file."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.discord import render_discord
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import Rec, parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect
from turntoward.ingest.discord import DiscordImporter
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
DM = FIXTURES / "discord" / "dm_kaiwaves.json"
GUILD = FIXTURES / "discord" / "tuesday_climbers_general.json"


def parse(path: Path) -> list[Conversation]:
    return list(DiscordImporter().parse(Source(str(path), path=path), ImportOptions()))


def parse_text(text: str | bytes) -> list[Conversation]:
    return parse_written(text, "export.json", parse)


def test_a_dm_reads_every_message_with_display_names_and_calls_as_events() -> None:
    [dm] = parse(DM)
    assert (dm.title, dm.chat_id, dm.source_format) == ("kaiwaves", "1093411529180229683", "discord")
    assert [(m.index, m.author, m.kind.value) for m in dm.messages] == [
        (0, "Rowan", "text"),
        (1, "Kai", "text"),
        (2, "Rowan", "text"),
        (3, "Kai", "media"),
        (4, "Rowan", "media"),
    ]
    call = ("Started a call that lasted 38 minutes.", "Kai")
    assert [(e.text, e.author) for e in dm.system_events] == [call]


def test_timestamps_keep_the_exporters_wall_clock_and_drop_the_offset() -> None:
    [dm] = parse(DM)
    assert dm.messages[0].ts == datetime(2024, 3, 12, 21, 4, 5, 123000)  # written as ...+02:00
    [general] = parse(GUILD)
    assert general.messages[0].ts == datetime(2024, 5, 7, 18, 2, 45, 602000)  # written as ...-04:00


def test_replies_edits_and_attachments() -> None:
    [dm] = parse(DM)
    assert dm.messages[1].reply_to == 0
    assert [m.edited for m in dm.messages] == [False, False, True, False, False]
    assert (dm.messages[3].text, dm.messages[4].text) == ("<attachment>", "<sticker>")


def test_a_guild_channel_uses_nicknames_and_falls_back_to_user_names() -> None:
    [general] = parse(GUILD)
    assert general.title == "Tuesday Climbers #general"
    assert general.chat_id == "1150082915521724496"
    assert general.people == ["Nadia 🧗", "Luca", "oskar", "Dyno"]
    assert len(general.messages) == 7


def test_joins_and_pins_are_events_not_messages() -> None:
    [general] = parse(GUILD)
    assert [(e.ts, e.text, e.author) for e in general.system_events] == [
        (datetime(2024, 5, 7, 18, 2, 11, 411000), "Joined the server.", "Luca"),
        (datetime(2024, 5, 7, 18, 5, 29, 188000), "Pinned a message.", "Nadia 🧗"),
    ]


def test_reply_chains_resolve_and_quotes_from_other_channels_do_not() -> None:
    [general] = parse(GUILD)
    assert [m.reply_to for m in general.messages] == [None, 0, 1, None, None, None, 0]
    assert general.messages[4].text == "same plan as in #announcements?"  # quotes another channel
    attachment = general.messages[3]
    assert (attachment.kind, attachment.text) == (MessageKind.MEDIA, "topo for the crag, routes 3–7 are ours")


def test_a_notice_without_text_gets_a_readable_label() -> None:
    doc = json.loads(DM.read_text(encoding="utf-8"))
    doc["messages"][4]["type"] = "RecipientAdd"
    doc["messages"][4]["content"] = ""
    [dm] = parse_text(json.dumps(doc))
    assert dm.system_events[0].text == "recipient add"


def test_reactions_are_read_per_user_named_as_authors_are() -> None:
    [dm] = parse(DM)
    assert [(m.index, m.author, m.reactions) for m in dm.messages if m.reactions] == [
        (1, "Kai", (Reaction("Rowan", "❤️"),)),  # Rowan's own reaction, named as his messages are
        (2, "Rowan", (Reaction("Kai", "🫂"),)),
    ]
    [general] = parse(GUILD)
    assert [(m.index, m.reactions) for m in general.messages if m.reactions] == [
        (0, (Reaction("Luca", "🤗"),)),
        # a custom server emoji as :name:; oskar has no nickname, so his user name, as on his messages
        (3, (Reaction("oskar", ":send_it:"), Reaction("Luca", ":send_it:"), Reaction("Luca", "🔥"))),
        (6, (Reaction("Nadia 🧗", "🙌"), Reaction("oskar", "🙌"))),
    ]
    assert all(r.ts is None for m in general.messages for r in m.reactions)


def test_reactions_on_joins_pins_and_calls_are_dropped() -> None:
    doc = json.loads(GUILD.read_text(encoding="utf-8"))
    notices = [m for m in doc["messages"] if m["type"] not in ("Default", "Reply")]
    assert [len(m["reactions"]) for m in notices] == [1, 1]  # the fixture's 👋 on a join, 📌 on a pin
    [general] = parse(GUILD)
    emoji = {r.emoji for m in general.messages for r in m.reactions}
    assert not emoji & {"👋", "📌"}
    [dm] = parse(DM)
    assert "🙏" not in {r.emoji for m in dm.messages for r in m.reactions}  # on the call
    # reactions on a notice are not read at all, so a broken value there does no harm
    notices[0]["reactions"] = "broken"
    [general] = parse_text(json.dumps(doc))
    assert len(general.system_events) == 2


def test_reactions_without_users_add_nothing() -> None:
    doc = json.loads(GUILD.read_text(encoding="utf-8"))
    for message in doc["messages"]:
        for reaction in message["reactions"]:
            del reaction["users"]  # exports before DiscordChatExporter 2.40.4 give only a count
    [general] = parse_text(json.dumps(doc))
    assert [m.reactions for m in general.messages] == [()] * 7
    doc["messages"][1]["reactions"][0]["users"] = []  # what newer exports write when Discord lists nobody
    doc["messages"][4]["reactions"][0]["users"] = None
    [general] = parse_text(json.dumps(doc))
    assert [m.reactions for m in general.messages] == [()] * 7


def test_a_standard_emoji_with_a_null_id_as_older_exports_write_it() -> None:
    doc = json.loads(DM.read_text(encoding="utf-8"))
    doc["messages"][1]["reactions"][0]["emoji"]["id"] = None  # DiscordChatExporter before 2.33
    [dm] = parse_text(json.dumps(doc))
    assert dm.messages[1].reactions == (Reaction("Rowan", "❤️"),)


@pytest.mark.parametrize("change, path, expected", [
    (lambda m: m.update(reactions="❤️"), "messages[1].reactions", "a list"),
    (lambda m: m.update(reactions=["❤️"]), "messages[1].reactions[0]", "a JSON object"),
    (lambda m: m["reactions"][0].update(users={"0": "rowan.ff"}), "messages[1].reactions[0].users", "a list"),
    (lambda m: m["reactions"][0]["users"].append("kaiwaves"), "messages[1].reactions[0].users[1]", "a JSON object"),
    (lambda m: m["reactions"][0]["users"][0].update(name=None, nickname=None),
     "messages[1].reactions[0].users[0].name", "a string"),
    (lambda m: m["reactions"][0].pop("emoji"), "messages[1].reactions[0].emoji", "a JSON object"),
    (lambda m: m["reactions"][0]["emoji"].update(name=""), "messages[1].reactions[0].emoji.name", "an emoji name"),
    (lambda m: m["reactions"][0]["emoji"].update(id=2764), "messages[1].reactions[0].emoji.id", "a string or null"),
])
def test_a_malformed_reaction_names_its_json_path(
    change: Callable[[dict], object], path: str, expected: str
) -> None:
    doc = json.loads(DM.read_text(encoding="utf-8"))
    change(doc["messages"][1])
    with pytest.raises(ImportFormatError, match=rf"at {re.escape(path)}: expected {expected}") as caught:
        parse_text(json.dumps(doc))
    assert caught.value.json_path == path


def test_detection_picks_discord_only_for_its_own_files() -> None:
    for path in (DM, GUILD):
        importer = detect(Source(str(path), path=path))
        assert importer is not None and importer.name == "discord"
    telegram = FIXTURES / "telegram" / "personal_chat" / "result.json"
    assert DiscordImporter().sniff(Source(str(telegram), path=telegram), telegram.read_bytes()[:65536]) == 0.0


def test_a_wrong_type_names_its_json_path() -> None:
    doc = json.loads(GUILD.read_text(encoding="utf-8"))
    doc["messages"][2]["author"]["name"] = None
    doc["messages"][2]["author"]["nickname"] = None
    with pytest.raises(ImportFormatError) as caught:
        parse_text(json.dumps(doc))
    assert caught.value.json_path == "messages[2].author.name"
    doc["messages"][2]["author"]["name"] = "luca.m"
    doc["messages"][5]["timestamp"] = "yesterday"
    with pytest.raises(ImportFormatError, match=r"at messages\[5\]\.timestamp: expected an ISO date string"):
        parse_text(json.dumps(doc))


def test_broken_and_foreign_files_are_format_errors() -> None:
    text = GUILD.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match="expected a JSON document"):
        parse_text(text[:-200])
    with pytest.raises(ImportFormatError, match="DiscordChatExporter"):
        parse_text('{"messages": [], "name": "not discord"}')
    with pytest.raises(ImportFormatError, match=r"export\.json:2: expected a UTF-8 .*byte e9"):
        parse_text(b'{"messages": [],\n "name": "caf\xe9"}')


message_fields = st.sampled_from(
    ["id", "type", "timestamp", "timestampEdited", "content", "author", "attachments", "stickers",
     "reference", "reactions"]
)
plausible = st.sampled_from(["Default", "Reply", "Call", "2024-03-12T21:04:05.1+02:00", "1"]) | (
    st.dictionaries(st.sampled_from(["name", "nickname", "messageId", "channelId"]), json_values)
) | st.lists(st.dictionaries(st.sampled_from(["emoji", "count", "users"]), json_values), max_size=2)


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    json_values,
    st.fixed_dictionaries({
        "guild": json_values | st.fixed_dictionaries({"id": json_values, "name": json_values}),
        "channel": json_values | st.fixed_dictionaries({"id": json_values, "name": json_values}),
        "messages": st.lists(st.dictionaries(message_fields, json_values | plausible), max_size=5),
    }),
))
def test_any_json_document_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=200, deadline=None)
@given(st.one_of(damaged(json.loads(GUILD.read_text(encoding="utf-8"))),
                 damaged(json.loads(DM.read_text(encoding="utf-8")))))
def test_an_export_with_any_one_field_broken_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(data)


@st.composite
def chat_records(draw: st.DrawFn) -> list[Rec]:
    ts = draw(st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2030, 1, 1)))
    ts = ts.replace(microsecond=ts.microsecond // 1000 * 1000)  # Discord keeps milliseconds
    records = []
    for i in range(draw(st.integers(1, 12))):
        ts += timedelta(milliseconds=draw(st.integers(0, 10**8)))
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        text = draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
        if kind == "media" and draw(st.booleans()):
            text = draw(st.sampled_from(["<attachment>", "<sticker>"]))
        author = draw(st.sampled_from(AUTHORS))
        reply_to = draw(st.none() | st.integers(0, i - 1)) if i else None
        records.append(Rec(ts, author, text, kind, reply_to, edited=draw(st.booleans())))
    return records


AUTHORS = ["Rowan", "Kai Ōta", "Nadia 🧗", "sam"]
# What render_discord takes for one message: (emoji, users) per emoji, each user reacting once.
reaction_lists = st.lists(
    st.tuples(st.sampled_from(["❤️", "👍", "😂", "🫂", ":kekw:", ":send_it:"]),
              st.lists(st.sampled_from(AUTHORS), max_size=3, unique=True)),
    max_size=3, unique_by=lambda pair: pair[0],
)


@settings(max_examples=60, deadline=None)
@given(chat_records(), st.sampled_from([None, "Tuesday Climbers"]), st.integers(-12, 14),
       st.dictionaries(st.integers(0, 11), reaction_lists))
def test_a_rendered_channel_parses_back_to_the_same_messages(
    records: list[Rec], guild: str | None, offset_hours: int, reactions: dict
) -> None:
    export = render_discord(records, channel="general", guild=guild, utc_offset=timedelta(hours=offset_hours),
                            reactions=reactions)
    [chat] = parse_text(export)
    kept = [i for i, r in enumerate(records) if r.kind != "deleted"]
    new = {old: n for n, old in enumerate(kept)}
    expected = [
        (r.ts, r.author, r.text, r.kind, new.get(r.reply_to), r.edited) for r in (records[i] for i in kept)
    ]
    assert [(m.ts, m.author, m.text, str(m.kind), m.reply_to, m.edited) for m in chat.messages] == expected
    assert [m.reactions for m in chat.messages] == [
        tuple(Reaction(name, emoji) for emoji, names in reactions.get(i, []) for name in names) for i in kept
    ]
    # the same export as DiscordChatExporter wrote it before 2.40.4: counts only, nobody to attribute
    export = render_discord(records, channel="general", guild=guild, reactions=reactions, reaction_users=False)
    [chat] = parse_text(export)
    assert all(m.reactions == () for m in chat.messages)
