"""The Discord importer reads DiscordChatExporter's HTML exports, new and old layouts alike."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.discord_html import render_discord_html
from tests.ingest._records import Rec, parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect
from turntoward.ingest.discord_html import DiscordHtmlImporter
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
DM = FIXTURES / "discord_html" / "Direct Messages - Private - kaiwaves [1093411529180229683].html"
OLD_GUILD = FIXTURES / "discord_html" / "Tuesday Climbers - Text Channels - general [1123581321345589144].html"
TEXT, MEDIA = MessageKind.TEXT, MessageKind.MEDIA


def parse(path: Path) -> Conversation:
    (conversation,) = DiscordHtmlImporter().parse(Source(str(path), path=path), ImportOptions())
    return conversation


def parse_text(text: str | bytes) -> Conversation:
    return parse_written(text, "export.html", parse)


def test_a_dm_reads_words_media_replies_and_calls_under_display_names() -> None:
    chat = parse(DM)
    assert (chat.title, chat.source_format) == ("kaiwaves", "discord_html")
    assert [(m.ts, m.author, m.kind, m.reply_to) for m in chat.messages] == [
        (datetime(2024, 3, 12, 21, 4), "Rowan", TEXT, None),
        (datetime(2024, 3, 12, 21, 4), "Kai", TEXT, 0),
        (datetime(2024, 3, 12, 21, 6), "Rowan", TEXT, None),
        (datetime(2024, 3, 12, 21, 7), "Rowan", TEXT, None),  # later in the group: its time from the title
        (datetime(2024, 3, 12, 21, 7), "Kai", MEDIA, None),
        (datetime(2024, 3, 13, 8, 15), "Rowan", TEXT, None),
        (datetime(2024, 3, 13, 8, 16), "Rowan", MEDIA, None),
    ]
    texts = [m.text for m in chat.messages]
    # the quoted message, "(edited)", the reaction and the link preview are not words; emoji and newlines are
    assert texts[1] == "I'm here. tell me everything, how did it go?"
    assert texts[2] == "they asked about the gap year and I froze 😬\n\nhonestly the worst 10 seconds of my life"
    assert texts[4:] == ["<attachment>", "they called back!! second round on friday https://example.org/jobs/4411",
                         "<sticker>"]
    assert [m.edited for m in chat.messages] == [False, True, False, False, False, False, False]
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (datetime(2024, 3, 12, 21, 8), "Kai", "started a call that lasted 38 minutes"),
    ]


def test_an_export_from_before_2_33_takes_each_groups_author_and_time() -> None:
    chat = parse(OLD_GUILD)
    assert chat.title == "Tuesday Climbers #general"
    assert [(m.ts, m.author, m.text, m.kind, m.edited, m.reply_to) for m in chat.messages] == [
        (datetime(2024, 4, 2, 18, 30), "Mara", "who's in for thursday?", TEXT, False, None),
        (datetime(2024, 4, 2, 18, 30), "Mara", "the new routes went up 🧗", TEXT, True, None),
        (datetime(2024, 4, 2, 18, 32), "Jonas", "me!! first time outdoors, a bit nervous tbh", TEXT, False, 0),
        (datetime(2024, 4, 13, 9, 5), "teo", "<attachment>", MEDIA, False, None),
    ]


def test_detection_picks_the_html_importer_only_for_its_own_pages() -> None:
    found = detect(Source(str(DM), path=DM))
    assert found is not None and found.name == "discord_html"
    telegram = FIXTURES / "telegram_html"
    page = next(telegram.rglob("messages.html"))
    assert DiscordHtmlImporter().sniff(Source(str(page), path=page), page.read_bytes()[:65536]) == 0.0


def test_a_page_without_the_exporters_preamble_or_times_is_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="preamble"):
        parse_text('<div class="chatlog"><div class="chatlog__message-group"></div></div>')
    page = DM.read_text(encoding="utf-8").replace("3/12/2024 9:06 PM", "soon")
    with pytest.raises(ImportFormatError) as caught:
        parse_text(page)
    assert caught.value.found == "soon"
    assert caught.value.line == page.splitlines().index(
        next(line for line in page.splitlines() if "1218598236182413403" in line)) + 1


def test_bytes_that_are_not_utf8_are_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="UTF-8"):
        parse_text(DM.read_bytes().replace("😬".encode(), b"\xff\xfe"))


def test_a_rendered_channel_parses_back_to_the_same_messages() -> None:
    start = datetime(2024, 12, 30, 22, 58)
    records = [
        Rec(start, "Nadia", "did you land ok?"),
        Rec(start + timedelta(minutes=3), "Theo", "just now!! <the pilot> landed it 👏 & more", edited=True),
        Rec(start + timedelta(minutes=4), "Theo", "<attachment>", "media"),
        Rec(start + timedelta(minutes=5), "Nadia", "yay", reply_to=1),
        Rec(start + timedelta(days=2, hours=13), "Nadia", "happy new year 🎆\nmiss you already"),
        Rec(start + timedelta(days=2, hours=14), "Nadia", "gone", "deleted"),
        Rec(start + timedelta(days=14), "Theo", "<sticker>", "media"),
    ]
    chat = parse_text(render_discord_html(records, channel="theo", guild="Friends"))
    assert chat.title == "Friends #theo"
    kept = [r for r in records if r.kind != "deleted"]
    assert [(m.ts, m.author, m.text, m.kind.value, m.edited) for m in chat.messages] == [
        (r.ts, r.author, r.text, r.kind, r.edited) for r in kept
    ]
    assert [m.reply_to for m in chat.messages] == [None, None, None, 1, None, None]


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.sampled_from([
    "<div ", "<span ", "<img ", "<br>", "</div>", "</span>", ">", '"', "class=", "chatlog__message-container",
    "chatlog__author", "chatlog__timestamp", "chatlog__content", "chatlog__markdown-preserve", "chatlog__reply",
    "chatlog__attachment", "chatlog__short-timestamp", "title=", "3/12/2024 9:04 PM", "hello", "&amp;", "&#", "\n",
]), max_size=60))
def test_any_markup_after_a_preamble_either_parses_or_raises_a_format_error(pieces: list[str]) -> None:
    body = "".join(pieces)
    preamble = '<div class="preamble"><div class="preamble__entry">Direct Messages</div></div>'
    with contextlib.suppress(ImportFormatError):
        chat = parse_text(preamble + body)
        assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
