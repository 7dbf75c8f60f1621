"""The Discord importer reads DiscordChatExporter's plain-text exports too: one DM or channel per file."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.discord_txt import RULE, render_discord_txt
from tests.ingest._records import Rec, parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect
from turntoward.ingest.discord_txt import DiscordTextImporter
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
DM = FIXTURES / "discord_txt" / "Direct Messages - Private - kaiwaves [1093411529180229683].txt"
GUILD = FIXTURES / "discord_txt" / "Tuesday Climbers - Text Channels - general [1123581321345589144].txt"
TEXT, MEDIA = MessageKind.TEXT, MessageKind.MEDIA
PREAMBLE = f"{RULE}\nGuild: Direct Messages\nChannel: Private / sam\n{RULE}\n\n"


def parse(path: Path, **options: str) -> Conversation:
    (conversation,) = DiscordTextImporter().parse(Source(str(path), path=path), ImportOptions(**options))
    return conversation


def parse_text(text: str | bytes, **options: str) -> Conversation:
    return parse_written(text, "export.txt", lambda path: parse(path, **options))


def test_a_dm_reads_words_media_and_calls_with_user_names() -> None:
    chat = parse(DM)
    assert (chat.title, chat.source_format) == ("kaiwaves", "discord_txt")
    assert [(m.index, m.ts, m.author, m.kind) for m in chat.messages] == [
        (0, datetime(2024, 3, 12, 21, 4), "rowan.ff", TEXT),
        (1, datetime(2024, 3, 12, 21, 4), "kaiwaves", TEXT),
        (2, datetime(2024, 3, 12, 21, 6), "rowan.ff", TEXT),
        (3, datetime(2024, 3, 12, 21, 6), "kaiwaves", MEDIA),
        (4, datetime(2024, 3, 12, 21, 46), "rowan.ff", MEDIA),
        (5, datetime(2024, 3, 13, 8, 15), "rowan.ff", TEXT),  # "(pinned)" is not part of the name
        (6, datetime(2024, 3, 13, 8, 20), "kaiwaves", TEXT),
    ]
    # a paragraph break stays in the words; reactions and a link's preview are not words
    assert chat.messages[2].text == (
        "they asked about the gap year and I froze 😬\n\nhonestly the worst 10 seconds of my life"
    )
    assert [m.text for m in chat.messages[3:7]] == [
        "<attachment>", "<sticker>", "[update] they called back!! second round on friday", "ROWAN!!! 🎉🎉 told you",
    ]
    assert [(e.author, e.text) for e in chat.system_events] == [("kaiwaves", "Started a call that lasted 38 minutes.")]
    assert all(m.reactions == () for m in chat.messages)  # the text names no reactors


def test_a_server_channel_in_a_day_first_culture_is_titled_server_hash_channel() -> None:
    chat = parse(GUILD)
    assert chat.title == "Tuesday Climbers #general"
    # 13.04.2024 settles day first for every date in the file, 02.04.2024 too
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2024, 4, 2, 18, 30), "mara_k"),
        (datetime(2024, 4, 2, 18, 32), "jonas.b"),
        (datetime(2024, 4, 2, 18, 40), "mara_k"),
        (datetime(2024, 4, 13, 9, 5), "teo"),
    ]
    assert [e.text for e in chat.system_events] == ["Joined the server."]


def test_older_exports_with_a_fixed_month_name_format_are_read() -> None:
    chat = parse_text(
        PREAMBLE + "[05-Apr-20 02:22 PM] sam\nfree tonight?\n\n[05-Apr-20 11:05 PM] ali\nsorry, just saw this\n\n"
    )
    assert [m.ts for m in chat.messages] == [datetime(2020, 4, 5, 14, 22), datetime(2020, 4, 5, 23, 5)]


def test_a_bracketed_paragraph_after_a_blank_line_stays_in_its_message() -> None:
    # a line pasted from another chat, its time without a date, too: DiscordChatExporter dates every header
    text = PREAMBLE + (
        "[5/1/2020 10:00 AM] sam\nnotes for the trip\n\n[draft] packing list below\n\n"
        "[11:48 AM] kai: bring the stove\n\n"
        "[5/1/2020 10:02 AM] ali\nlove it\n\n"
    )
    chat = parse_text(text)
    assert [m.text for m in chat.messages] == [
        "notes for the trip\n\n[draft] packing list below\n\n[11:48 AM] kai: bring the stove", "love it"]


def test_legacy_discriminators_keep_two_people_of_one_name_apart_but_a_bots_zeros_go() -> None:
    text = PREAMBLE + (
        "[03-Apr-18 01:48 AM] Privatoshi#9487\ngm\n\n[03-Apr-18 01:49 AM] Privatoshi#7913\ngm to you too\n\n"
        "[03-Apr-18 01:50 AM] Bridge#0000\n[irc] hello\n\n"
    )
    assert [m.author for m in parse_text(text).messages] == ["Privatoshi#9487", "Privatoshi#7913", "Bridge"]


def test_control_characters_in_the_words_are_not_line_breaks() -> None:
    text = PREAMBLE + "[5/1/2020 10:00 AM] sam\nposts like `\x1d[...]` and \u2028 this\nsecond line\n\n"
    assert parse_text(text).messages[0].text == "posts like `\x1d[...]` and \u2028 this\nsecond line"


def test_lines_in_brackets_without_a_clock_stay_words_and_discords_notices_are_notices() -> None:
    text = (
        f"{RULE}\nGuild: Tuesday Climbers\nChannel: Text Channels / general\nTopic: Climbing plans.\n"
        f"Be kind to each other\n{RULE}\n\n"  # a topic of two lines
        "[3/1/2024 9:04 PM] sam\nagenda:\n\n[2024-03-15] call the landlord\n\n[4815162342] mine\n\n"
        "[3/1/2024 9:05 PM] rowan\nChanged the channel name: bouldering-crew\n\n"
    )
    chat = parse_text(text)
    assert chat.title == "Tuesday Climbers #general"
    assert [(m.author, m.text) for m in chat.messages] == [
        ("sam", "agenda:\n\n[2024-03-15] call the landlord\n\n[4815162342] mine"),
    ]
    assert [(e.author, e.text) for e in chat.system_events] == [("rowan", "Changed the channel name: bouldering-crew")]


def test_detection_picks_the_text_importer_only_for_its_own_files() -> None:
    importer = detect(Source(str(DM), path=DM))
    assert importer is not None and importer.name == "discord_txt"
    whatsapp = FIXTURES / "whatsapp" / "WhatsApp Chat with Sam.txt"
    assert DiscordTextImporter().sniff(Source(str(whatsapp), path=whatsapp), whatsapp.read_bytes()) == 0.0


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("", 1, "a DiscordChatExporter plain-text export"),
    ("Guild: Direct Messages\n", 1, "a DiscordChatExporter plain-text export"),
    (f"{RULE}\nGuild: Direct Messages\n{RULE}\n", 3, "a DiscordChatExporter plain-text export"),
    (f"{RULE}\nGuild: Direct Messages\nChannel: Private / sam\nno colon here\n{RULE}\n", 4, "'Field: value'"),
    (PREAMBLE + "hello before any header\n", 6, "a message header"),
    (PREAMBLE + "[not a date here] sam\nhi\n", 6, "a message header"),
    (PREAMBLE + "[3/1/2024 9:04 PM] sam\nhi\n\n[2/30/2024 9:05 PM] kai\nyo\n", 9, "a real date and time"),
])
def test_broken_files_are_format_errors_naming_the_line(text: str, line: int, expected: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(text)
    assert caught.value.line == line
    assert expected in str(caught.value)


@pytest.mark.parametrize("culture", ["en-US", "de-DE", "legacy"])
def test_a_rendered_channel_parses_back_to_the_same_messages(culture: str) -> None:
    start = datetime(2024, 12, 30, 22, 58)
    records = [
        Rec(start, "Nadia", "did you land ok?"),
        Rec(start + timedelta(minutes=3), "Theo", "just now!! the pilot did a perfect landing 👏"),
        Rec(start + timedelta(minutes=4), "Theo", "<attachment>", "media"),
        Rec(start + timedelta(days=2, hours=13), "Nadia", "happy new year 🎆\nmiss you already", "text"),
        Rec(start + timedelta(days=2, hours=14), "Nadia", "gone", "deleted"),
        Rec(start + timedelta(days=14), "Theo", "<sticker>", "media"),
    ]
    chat = parse_text(render_discord_txt(records, channel="theo", guild="Friends", culture=culture))
    assert chat.title == "Friends #theo"
    kept = [r for r in records if r.kind != "deleted"]
    assert [(m.ts, m.author, m.text, m.kind.value) for m in chat.messages] == [
        (r.ts, r.author, r.text, r.kind) for r in kept
    ]


@settings(max_examples=150, deadline=None)
@given(body=st.text(max_size=300))
def test_any_text_after_a_preamble_either_parses_or_raises_a_format_error(body: str) -> None:
    with contextlib.suppress(ImportFormatError):
        chat = parse_text(PREAMBLE + body)
        assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
