"""The Discord importer reads DiscordChatExporter's HTML exports, new and old layouts alike."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, timedelta
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


def test_an_export_from_before_2_33_takes_each_groups_author_and_its_times_from_the_message_ids() -> None:
    chat = parse(OLD_GUILD)
    assert chat.title == "Tuesday Climbers #general"
    # the page gives a group one time, to the minute (18:30 for both of Mara's); the ids say when
    # each was sent, to the millisecond, in UTC: two hours before the page's clock here
    assert [(m.ts, m.author, m.text, m.kind, m.edited, m.reply_to) for m in chat.messages] == [
        (datetime(2024, 4, 2, 18, 30, 12, 250000), "Mara", "who's in for thursday?", TEXT, False, None),
        (datetime(2024, 4, 2, 18, 30, 55), "Mara", "the new routes went up 🧗", TEXT, True, None),
        (datetime(2024, 4, 2, 18, 32, 40, 500000), "Jonas", "me!! first time outdoors, a bit nervous tbh", TEXT,
         False, 0),
        (datetime(2024, 4, 13, 9, 5, 31), "teo", "<attachment>", MEDIA, False, None),
    ]


# Written for these tests in the layout of 2018-2019 exports: one time per group, words in a
# <span class="markdown"> whose line breaks are kept by the page's CSS, notices written as words.
OLDEST = """<html><head><meta charset="utf-8" /></head><body>
<div class="info"><div class="info__metadata">
<div class="info__guild-name">Komodo</div><div class="info__channel-name">talk-general</div>
</div></div>
<div class="chatlog">
<div class="chatlog__message-group">
<div class="chatlog__messages">
<span class="chatlog__author-name" title="ana#5350" data-user-id="1">ana</span>
<span class="chatlog__timestamp">09-Apr-18 09:33 PM</span>
<div class="chatlog__message " data-message-id="433016000000000001">
<div class="chatlog__content"><span class="markdown">Specification

Max supply: 7 million
Block time: 60 s</span></div></div>
<div class="chatlog__message " data-message-id="433016000000000002">
<div class="chatlog__content"><span class="markdown">Pinned a message.</span></div></div>
<div class="chatlog__message " data-message-id="433016000000000003">
<div class="chatlog__content"><span class="markdown">ha <img class="emoji " alt="trollface" title="trollface"
src="https://cdn.discordapp.com/emojis/4567.png" /> <img class="emoji " alt="😉"
src="https://twemoji.maxcdn.com/2/72x72/1f609.png" /></span></div></div>
</div></div>
</div></body></html>
"""


def test_the_oldest_layout_keeps_line_breaks_and_reads_its_notices_and_custom_emoji() -> None:
    chat = parse_text(OLDEST)
    assert chat.title == "Komodo #talk-general"
    assert [m.text for m in chat.messages] == [
        "Specification\n\nMax supply: 7 million\nBlock time: 60 s", "ha :trollface: 😉",
    ]
    assert [(e.author, e.text) for e in chat.system_events] == [("ana", "Pinned a message.")]


def test_a_minified_page_with_unquoted_attributes_is_found_and_read_alike(tmp_path: Path) -> None:
    page = DM.read_text(encoding="utf-8")
    minified = re.sub(r'(class|data-message-id)="([^" ]+)"', r"\1=\2", page)  # as minifiers write single values
    assert 'class=preamble__entry>' in minified
    path = tmp_path / "Direct Messages - Private - kaiwaves [1093411529180229683].html"
    path.write_text(minified, encoding="utf-8")
    found = detect(Source(str(path), path=path))
    assert found is not None and found.name == "discord_html"
    assert parse(path).messages == parse(DM).messages


def test_an_odd_message_id_and_an_escaped_name_are_read_as_written() -> None:
    page = DM.read_text(encoding="utf-8")
    page = page.replace('data-message-id="1218597731112075345"', 'data-message-id="99999999999999999999999999"')
    page = page.replace('data-message-id="1218597902655696936"', 'data-message-id="12\u00b2"')
    page = page.replace(">Rowan</span>", ">Rowan &amp;lt;3</span>")  # the name is "Rowan &lt;3" itself
    chat = parse_text(page)
    assert chat.messages[0].ts == datetime(2024, 3, 12, 21, 4)  # the page's time: the id says nothing
    assert chat.messages[0].author == "Rowan &lt;3"


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


def test_a_page_cut_off_inside_a_message_is_refused_not_read_in_half() -> None:
    page = DM.read_bytes()
    cut = page[: page.index(b"like, my mind just went blank")]
    with pytest.raises(ImportFormatError, match="cut off"):
        parse_text(cut)


def test_a_byte_that_is_not_utf8_is_named_at_its_own_line() -> None:
    page = DM.read_bytes()
    line = page[: page.index("😬".encode())].count(b"\n") + 1
    with pytest.raises(ImportFormatError) as caught:
        parse_text(page.replace("😬".encode(), b"\xff\xfe"))
    assert caught.value.line == line


def test_dates_that_fit_both_orders_take_the_one_the_message_ids_agree_with() -> None:
    # US times, 1 and 2 March 2024: day first would read 3 January and 3 February, and run forward too
    def snowflake(ts: datetime) -> int:
        return int((ts - datetime(2015, 1, 1)) / timedelta(milliseconds=1)) << 22

    page = DM.read_text(encoding="utf-8")
    ids = [line.split('data-message-id="')[1].split('"')[0] for line in page.splitlines()
           if 'class="chatlog__message-container' in line]
    for k, old in enumerate(ids):
        page = page.replace(old, str(snowflake(datetime(2024, 3, 1 + k // 4, 2, 4 + k))))  # UTC, 7 hours ahead
    page = page.replace("3/12/2024", "3/1/2024").replace("3/13/2024", "3/2/2024")
    chat = parse_text(page)
    assert {m.ts.date() for m in chat.messages} == {date(2024, 3, 1), date(2024, 3, 2)}


def test_iso_dates_with_a_dotted_twelve_hour_clock_are_read() -> None:
    # as a Canadian-English culture writes them in newer exports: "2024-03-12 9:04 p.m."
    page = DM.read_text(encoding="utf-8")
    page = re.sub(r"3/(\d{1,2})/2024 (\d{1,2}:\d\d) ([AP])M",
                  lambda m: f"2024-03-{int(m[1]):02d} {m[2]} {m[3].lower()}.m.", page)
    assert "2024-03-12 9:04 p.m." in page and "2024-03-13 8:15 a.m." in page
    assert [m.ts for m in parse_text(page).messages] == [m.ts for m in parse(DM).messages]
