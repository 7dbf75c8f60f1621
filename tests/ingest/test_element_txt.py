"""Element's plain-text export of a Matrix room: ``<date> - Sam: words`` lines, notices without ``Sender:``."""

from __future__ import annotations

import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.element_txt import js_cut as _js_cut
from tests.exporters.element_txt import render_element_txt
from tests.ingest._records import Rec, parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.element_txt import ElementTextImporter
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
RAINY = FIXTURES / "element_txt" / "matrix - Rainy Tuesday - Chat Export - 2024-03-13T08-30-00.000Z.txt"
TEAM = FIXTURES / "element_txt" / "matrix - Team - Chat Export - 2024-08-19T10-00-00.000Z.txt"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED


def parse(path: Path, **options: str) -> Conversation:
    (conversation,) = ElementTextImporter().parse(Source(str(path), path=path), ImportOptions(**options))
    return conversation


def parse_text(text: str, name: str = "export.txt", **options: str) -> Conversation:
    return parse_written(text, name, lambda path: parse(path, **options))


def test_a_2021_export_reads_messages_media_replies_and_notices() -> None:
    chat = parse(RAINY)
    assert (chat.title, chat.source_format, chat.me) == ("Rainy Tuesday", "element_txt", None)
    assert [(m.index, m.ts, m.author, m.kind, m.reply_to) for m in chat.messages] == [
        (0, datetime(2024, 3, 12, 21, 2), "Sam", TEXT, None),
        (1, datetime(2024, 3, 12, 21, 4, 5), "Zoë", TEXT, None),  # her last display name
        (2, datetime(2024, 3, 12, 21, 4, 40), "Sam", TEXT, None),  # an emote
        (3, datetime(2024, 3, 12, 21, 5, 2), "Zoë", MEDIA, None),
        (4, datetime(2024, 3, 12, 21, 6, 30), "Sam", TEXT, 1),
        (5, datetime(2024, 3, 12, 21, 7, 15), "Zoë", MEDIA, None),
        (6, datetime(2024, 3, 12, 21, 8), "Sam", DELETED, None),
        (7, datetime(2024, 3, 13, 8, 15), "Sam", TEXT, 0),
    ]
    assert chat.messages[1].text == "yes, soaked though\nthe bus never came\n\nwalked the whole way 😅"
    assert [m.text for m in chat.messages[2:8]] == [
        "hands over a towel", "<image>", "noooo. tea?", "voice note.ogg", "", "morning 🙂",
    ]
    assert [(e.author, e.text) for e in chat.system_events] == [
        ("Sam", "Sam created and configured the room."),
        ("Zoë", "Zoë Ibáñez joined the room"),
        ("Zoë", "Zoë Ibáñez changed their display name to Zoë"),
        ("Zoë", "Zoë left the room: phone died"),  # a reason after ": " does not make it a message
    ]


def test_a_2024_export_with_localised_day_first_dates_and_a_topic_notice() -> None:
    chat = parse(TEAM)
    assert chat.title == "Team"
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (datetime(2024, 8, 16, 17, 20), "Priya", TEXT, "standup moved to 10, fyi"),
        (datetime(2024, 8, 16, 17, 21, 30), "Ola Nordmann", TEXT, "👍 works for me"),
        (datetime(2024, 8, 19, 9, 58, 12), "Ola Nordmann", MEDIA, "slides.pdf"),
    ]
    assert [e.text for e in chat.system_events] == ['Priya changed the topic to "Team room: be kind".']


@pytest.mark.parametrize("line", [
    "Fri, Apr 16 2021 5:20:00PM - Sam: hi",  # formatFullDate, August 2023, 12-hour
    "Fri, Apr 16, 2021, 5:20:00\u202fPM - Sam: hi",  # Intl en-US in a newer browser
    "Fri, 16 Apr 2021, 17:20:00 - Sam: hi",  # Intl en-GB
    "16.4.2021, 17:20:00 - Sam: hi",  # toLocaleString de
    "2021-04-16 17:20:00 - Sam: hi",  # toLocaleString sv
])
def test_every_confirmed_date_shape_reads_as_the_wall_clock_written(line: str) -> None:
    (message,) = parse_text(line + "\n").messages
    assert (message.ts, message.author, message.text) == (datetime(2021, 4, 16, 17, 20), "Sam", "hi")


def test_day_month_order_is_decided_over_the_file_or_forced() -> None:
    text = "03/04/2024, 10:00:00 - Sam: a\n13/04/2024, 10:00:00 - Lee: b\n"
    assert [m.ts.month for m in parse_text(text).messages] == [4, 4]
    ambiguous = "03/04/2024, 10:00:00 - Sam: a\n"
    assert parse_text(ambiguous, date_order="mdy").messages[0].ts == datetime(2024, 3, 4, 10)
    assert parse_text(ambiguous, date_order="dmy").messages[0].ts == datetime(2024, 4, 3, 10)


def test_a_line_that_only_looks_like_a_notice_after_a_sender_stays_a_message() -> None:
    chat = parse_text("3/12/2024, 9:04:05 PM - Sam: Lee joined the room lol\n"
                      "3/12/2024, 9:05:05 PM - Sam: I left the room: too loud\n"
                      "3/12/2024, 9:06:05 PM - Sam Lee sent a sticker. (Media omitted)\n"
                      "3/12/2024, 9:07:05 PM - * Sam Lee waves at @lee:example.org\n"
                      "3/12/2024, 9:08:05 PM - Sam Lee: Message deleted by Mod\n"
                      "3/12/2024, 9:09:05 PM - Mod changed the power level of Sam Lee from Default to Moderator.\n"
                      "3/12/2024, 9:10:05 PM - Ask Bot has shared their location\n")
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("Sam", TEXT, "Lee joined the room lol"), ("Sam", TEXT, "I left the room: too loud"),
        ("Sam Lee", MEDIA, "<sticker>"), ("Sam Lee", TEXT, "waves at @lee:example.org"),
        ("Sam Lee", DELETED, ""), ("Ask Bot", MEDIA, "<location>"),
    ]
    assert [e.author for e in chat.system_events] == ["Mod"]


def test_the_me_option_is_honoured_as_the_file_names_nobody() -> None:
    assert parse(RAINY, me="Sam").me == "Sam"


def test_text_before_the_first_dated_line_is_an_error_naming_it() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text("Room: Rainy Tuesday\n3/12/2024, 9:04:05 PM - Sam: hi\n")
    assert caught.value.line == 1 and "Room: Rainy Tuesday" in str(caught.value)


def test_an_impossible_date_is_an_error_naming_its_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text("3/12/2024, 9:04:05 PM - Sam: hi\n13/13/2024, 9:05:05 PM - Sam: hi\n")
    assert caught.value.line == 2 and "13/13/2024" in str(caught.value)


def test_bytes_that_are_not_utf8_are_an_error() -> None:
    with pytest.raises(ImportFormatError):
        parse_written(b"3/12/2024, 9:04:05 PM - Sam: caf\xe9\n", "export.txt", parse)


def test_detection_picks_element_txt_for_its_fixtures_and_nothing_else() -> None:
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file():
            continue
        found = detect(Source(str(path), path=path))
        mine = path.parent.name == "element_txt"
        assert (found is not None and found.name == "element_txt") == mine, path


def test_a_whatsapp_like_line_with_seconds_is_left_to_whatsapp_without_matrix_signs() -> None:
    head = b"12/03/2024, 21:04:05 - Sam: hi\n12/03/2024, 21:05:05 - Lee: hello\n"
    assert ElementTextImporter().sniff(Source("chat.txt"), head) == 0.0
    marked = head + b"12/03/2024, 21:06:05 - Ana joined the room\n"
    assert ElementTextImporter().sniff(Source("chat.txt"), marked) > 0.95


AUTHORS = ["Sam", "Zoë Ibáñez", "李雷", "@bot:example.org"]
WORDS = st.text(st.characters(categories=["L", "N", "So", "Zs"], include_characters=".,!?'\n"), max_size=40)


@st.composite
def records(draw: st.DrawFn) -> list[Rec]:
    ts = draw(st.datetimes(datetime(2012, 1, 1), datetime(2035, 1, 1))).replace(microsecond=0)
    out: list[Rec] = []
    for i in range(draw(st.integers(1, 10))):
        ts += timedelta(seconds=draw(st.integers(0, 10**6)))
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        text = draw(WORDS).strip() or "ok" if kind == "text" else draw(st.sampled_from(["IMG_0042.jpg", "clip.mp4"]))
        reply_to = draw(st.none() | st.integers(0, i - 1)) if i and kind == "text" else None
        out.append(Rec(ts, draw(st.sampled_from(AUTHORS)), text if kind != "deleted" else "", kind, reply_to))
    return out


def _first_line(text: str) -> str:
    return next((line for line in text.split("\n") if line.strip()), "")


@settings(max_examples=60, deadline=None)
@given(records(), st.sampled_from(["en-US", "en-GB", "fixed", "intl-US", "intl-GB"]))
def test_round_trip(recs: list[Rec], style: str) -> None:
    order = "dmy" if style == "en-GB" else "mdy"
    chat = parse_text(render_element_txt(recs, style), date_order=order)
    assert [(m.ts, m.author, m.kind.value, m.text) for m in chat.messages] == [
        (r.ts, r.author, r.kind, r.text) for r in recs
    ]
    for message, rec in zip(chat.messages, recs, strict=True):
        target = recs[rec.reply_to] if rec.reply_to is not None else None
        if target is None or target.kind == "deleted" or not _first_line(target.text):
            assert message.reply_to is None
            continue
        assert message.reply_to is not None  # the latest earlier message with the quoted first line
        assert _js_cut(_first_line(chat.messages[message.reply_to].text)) == _js_cut(_first_line(target.text))


def test_a_file_saved_again_as_utf16_is_still_detected_as_element_not_whatsapp() -> None:
    text = RAINY.read_text(encoding="utf-8")
    found = parse_written(text.encode("utf-16"), RAINY.name, lambda path: detect(Source(str(path), path=path)))
    assert found is not None and found.name == "element_txt"


def test_export_txt_in_elements_zip_takes_the_room_from_its_folder(tmp_path: Path) -> None:
    folder = "Element - Rainy Tuesday - Chat Export - 2024-03-13T08-30-00.000Z"
    archive = tmp_path / f"{folder}.zip"
    with zipfile.ZipFile(archive, "w") as zf:  # numeric dates and no Matrix id: the name must say Element
        zf.writestr(f"{folder}/export.txt", "12/03/2024, 21:04:05 - Sam: hi\n12/03/2024, 21:05:05 - Lee: hey\n")
    ((_, (chat,)),) = list(read_paths([archive]))
    assert (chat.source_format, chat.title, len(chat.messages)) == ("element_txt", "Rainy Tuesday", 2)


def test_an_export_from_before_october_2022_is_known_by_its_file_name() -> None:
    head = b"12/03/2024, 21:04:05 - Sam: hi\n12/03/2024, 21:05:05 - Lee: hello\n"
    source = Source("matrix - Chat Export - 2022-03-13T08-30-00.000Z.txt")
    assert ElementTextImporter().sniff(source, head) > 0.95


def test_display_names_are_followed_in_time_order_to_each_persons_last() -> None:
    chat = parse_text("3/12/2024, 9:00:00 PM - @sam:example.org: first\n"
                      "3/12/2024, 9:01:00 PM - @sam:example.org set their display name to Sam\n"
                      "3/12/2024, 9:02:00 PM - Sam: second\n"
                      "3/12/2024, 9:03:00 PM - Sam changed their display name to Sammy\n"
                      "3/12/2024, 9:04:00 PM - Sammy changed their display name to Sam\n"
                      "3/12/2024, 9:05:00 PM - Sam changed their display name to Samuel\n"
                      "3/12/2024, 9:06:00 PM - Samuel: third\n"
                      "3/12/2024, 9:07:00 PM - Sam joined the room\n"  # someone else, under the freed name
                      "3/12/2024, 9:08:00 PM - Sam: a newcomer\n")
    assert [(m.author, m.text) for m in chat.messages] == [
        ("Samuel", "first"), ("Samuel", "second"), ("Samuel", "third"), ("Sam", "a newcomer"),
    ]
    assert [e.author for e in chat.system_events] == ["Samuel"] * 4 + ["Sam"]


def test_an_emote_by_someone_known_only_from_a_notice_keeps_their_whole_name() -> None:
    chat = parse_text("3/12/2024, 9:00:00 PM - Zoë Ibáñez joined the room\n"
                      "3/12/2024, 9:01:00 PM - * Zoë Ibáñez waves\n")
    assert [(m.author, m.text) for m in chat.messages] == [("Zoë Ibáñez", "waves")]


def test_a_quote_cut_in_utf16_units_as_element_cuts_it_still_finds_its_message() -> None:
    first = "🌧️🌧️ rain again, and the bus is late 🚌🚌"
    cut = _js_cut(first)
    halved = "a" * 31 + "🚌 and more to say"  # the cut falls inside the bus's surrogate pair
    assert _js_cut(halved) == "a" * 31 + "\ufffd..."
    chat = parse_text(f"3/12/2024, 9:00:00 PM - Zoë: {first}\nsecond line\n"
                      f"3/12/2024, 9:00:30 PM - Sam: {halved}\n"
                      f'3/12/2024, 9:01:00 PM - Sam: <@zoe:matrix.org "{cut}"> tea?\n'
                      f'3/12/2024, 9:02:00 PM - Zoë: <@sam:matrix.org "{_js_cut(halved)}"> go on\n')
    assert [(m.text, m.reply_to) for m in chat.messages][2:] == [("tea?", 0), ("go on", 1)]


def test_words_in_angle_brackets_that_are_not_a_reply_are_kept_whole() -> None:
    chat = parse_text('3/12/2024, 9:00:00 PM - Sam: <3> love it\n3/12/2024, 9:01:00 PM - Sam: <b "x"> y\n')
    assert [m.text for m in chat.messages] == ["<3> love it", '<b "x"> y']


def test_a_dated_line_of_another_shape_inside_a_message_continues_it() -> None:
    chat = parse_text("Fri, 16 Aug 2024, 17:20:00 - Priya: pasted from the old room:\n"
                      "3/12/2024, 9:04:05 PM - Sam: hi\n"
                      "13/13/2024, 21:04:05 - Sam: hi\n"
                      "Fri, 16 Aug 2024, 17:21:00 - Ola: thanks\n")
    assert [(m.author, m.text.count("\n")) for m in chat.messages] == [("Priya", 2), ("Ola", 0)]


def test_midnight_written_as_hour_24_by_intl_in_english_is_the_hour_after_midnight() -> None:
    # formatFullDate's Intl.DateTimeFormat("en", {hour: "2-digit", hour12: false}) writes 00:05 as 24:05
    chat = parse_text("Fri, Aug 16, 2024, 24:05:07 - Sam: hi\nFri, Aug 16, 2024, 23:59:00 - Sam: late\n")
    assert [m.ts for m in chat.messages] == [datetime(2024, 8, 16, 0, 5, 7), datetime(2024, 8, 16, 23, 59)]
