"""The LINE importer reads the phone app's chat history exports in English, Japanese and Chinese."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.line import render_line
from tests.ingest._records import Rec, parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.line import LineImporter
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "line"
TEXT, MEDIA = MessageKind.TEXT, MessageKind.MEDIA


def read(name: str) -> Conversation:
    (conversation,) = [c for _, convs in read_paths([FIXTURES / name], ImportOptions()) for c in convs]
    return conversation


def parse_text(text: str, name: str = "[LINE] Chat with Sam.txt") -> Conversation:
    def parse(path: Path) -> Conversation:
        (conversation,) = LineImporter().parse(Source(str(path), path=path), ImportOptions())
        return conversation

    return parse_written(text, name, parse)


def test_an_english_chat_reads_quoted_lines_media_calls_and_unsent_notices() -> None:
    chat = read("[LINE] Chat with Sam Ortiz.txt")
    assert (chat.title, chat.source_format) == ("Sam Ortiz", "line")
    assert [(m.ts, m.author, m.kind) for m in chat.messages] == [
        (datetime(2024, 3, 12, 21, 4), "Sam Ortiz", TEXT),
        (datetime(2024, 3, 12, 21, 5), "Maya", TEXT),
        (datetime(2024, 3, 12, 21, 9), "Sam Ortiz", TEXT),
        (datetime(2024, 3, 12, 21, 10), "Maya", MEDIA),
        (datetime(2024, 3, 13, 8, 2), "Sam Ortiz", MEDIA),
        (datetime(2024, 3, 13, 8, 3), "Maya", TEXT),
    ]
    # a message of several lines is quoted, its own quotes doubled; both are undone, its blank line kept
    assert chat.messages[2].text == "honestly? I think it went well\n\nthey said \"we'll be in touch\" but they smiled"
    assert [(e.author, e.text) for e in chat.system_events] == [
        ("Maya", "☎ Call time 24:31"), (None, "Sam Ortiz unsent a message."),
    ]


def test_a_group_with_month_first_dates_unquoted_lines_tabs_and_notices() -> None:
    chat = read("Lake crew_chat_history.txt")  # CRLF, a byte-order mark, no "[LINE] " before the title
    assert chat.title == "Lake crew"
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (datetime(2020, 2, 15, 10, 5), "Dewi", TEXT, "who's in for the lake on sunday?"),
        # lines after a message are its own, a blank one and one starting with a time too
        (datetime(2020, 2, 15, 10, 6), "Rina", TEXT, "me! packing list:\n- sunscreen\n\n- snacks\n08:00-09:00 drive"),
        (datetime(2020, 2, 15, 10, 30), "Dewi", TEXT, "Item\tPrice\tWho"),  # a tab inside the words
        (datetime(2020, 2, 18, 19, 21), "Arif", MEDIA, "[Albums] Lake day"),
    ]
    assert [(e.author, e.text) for e in chat.system_events] == [
        (None, "Rina joined the group."), ("Arif", "Arif added a photo to an album."), (None, "Dewi invited Tomo."),
    ]


def test_japanese_and_chinese_chats_with_their_twelve_hour_clocks() -> None:
    japanese = read("[LINE] サムとのトーク.txt")
    assert japanese.title == "サム"
    # 午前12:03 is three minutes past noon in LINE's Japanese exports (their desktop twin says 12:03)
    assert [m.ts for m in japanese.messages] == [
        datetime(2021, 1, 1, 11, 24), datetime(2021, 1, 1, 12, 3), datetime(2021, 1, 1, 17, 38),
    ]
    assert japanese.messages[2].kind is MEDIA
    assert [e.text for e in japanese.system_events] == ["☎ 通話時間 0:54", "サムがメッセージの送信を取り消しました"]
    chinese = read("[LINE] 與小安的聊天.txt")
    assert chinese.title == "小安"
    assert [(m.ts, m.author, m.kind) for m in chinese.messages] == [
        (datetime(2020, 7, 21, 9, 59), "小安", TEXT), (datetime(2020, 7, 21, 12, 13), "阿哲", MEDIA),
    ]
    assert [e.text for e in chinese.system_events] == ["☎ 通話時間1:16"]


def test_a_thai_export_without_its_header_reads_buddhist_years_day_first() -> None:
    chat = read("[LINE] Chat with Firm.txt")
    assert chat.title == "Firm"  # from the file's name
    assert [m.ts for m in chat.messages] == [
        datetime(2019, 7, 10, 19, 10), datetime(2019, 7, 10, 19, 12), datetime(2019, 7, 13, 9, 0),
    ]


@pytest.mark.parametrize("language", ["en", "ja", "zh"])
def test_a_rendered_chat_reads_back_in_each_language(language: str) -> None:
    start = datetime(2024, 12, 30, 23, 58)
    records = [
        Rec(start, "Nadia", "did you land ok?"),
        Rec(start + timedelta(minutes=3), "Theo", 'just now!! the pilot said "welcome home"\nmiss you'),
        Rec(start + timedelta(minutes=4), "Theo", "<photo>", "media"),
        Rec(start + timedelta(hours=12, minutes=2), "Nadia", "lunch at noon?"),  # 12:03 on the next day
        Rec(start + timedelta(hours=13), "Theo", "<sticker>", "media"),
        Rec(start + timedelta(days=2), "Nadia", "oops", "deleted"),
    ]
    chat = parse_text(render_line(records, title="Theo", language=language))
    assert chat.title == "Theo"
    kept = [r for r in records if r.kind != "deleted"]
    assert [(m.ts, m.author, m.kind.value) for m in chat.messages] == [(r.ts, r.author, r.kind) for r in kept]
    assert [m.text for m in chat.messages][:2] == [r.text for r in kept][:2]
    assert len(chat.system_events) == 1  # the unsent message


def test_a_date_or_quotes_inside_someones_words_stay_words() -> None:
    text = ("[LINE] Chat history with Sam\nSaved on: 2024/03/14 22:10\n\n2024/03/12 Tue\n"
            "21:04\tSam\tplan:\n\n2024/03/20 Wed\nis fine\n"
            '21:05\tMaya\t"Hello," she said.\nThen "bye"\n21:06\tSam\tok\n')
    chat = parse_text(text)
    assert [(m.ts, m.text) for m in chat.messages] == [
        (datetime(2024, 3, 12, 21, 4), "plan:\n\n2024/03/20 Wed\nis fine"),
        (datetime(2024, 3, 12, 21, 5), '"Hello," she said.\nThen "bye"'),
        (datetime(2024, 3, 12, 21, 6), "ok"),
    ]


def test_the_desktop_layout_is_refused_with_a_line_saying_what_to_do() -> None:
    with pytest.raises(ImportFormatError, match="export the chat from the phone") as caught:
        read("[LINE]Sam Ortiz.txt")
    assert caught.value.line == 1


def test_detection_knows_line_files_and_leaves_others_alone() -> None:
    for name in ("[LINE] Chat with Sam Ortiz.txt", "Lake crew_chat_history.txt", "[LINE] サムとのトーク.txt"):
        path = FIXTURES / name
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "line"
    whatsapp = Path(__file__).parent.parent / "fixtures" / "whatsapp" / "WhatsApp Chat with Sam.txt"
    assert LineImporter().sniff(Source(str(whatsapp), path=whatsapp), whatsapp.read_bytes()) == 0.0


@pytest.mark.parametrize(("text", "line"), [
    ("[LINE] Chat history with Sam\nSaved on: 2024/03/14 22:10\n\nhello there\n", 4),
    ("[LINE] Chat history with Sam\nSaved on: 2024/03/14 22:10\n\n", None),  # nothing after the header
    ("[LINE] Chat history with Sam\nSaved on: 2024/03/14 22:10\n\n2024/02/30 Fri\n21:04\tSam\thi\n", 4),
    ("[LINE] Chat history with Sam\nSaved on: 2024/03/14 22:10\n\n2024/03/12 Tue\n21:64\tSam\thi\n", 5),
])
def test_broken_files_are_format_errors_naming_the_line(text: str, line: int) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(text)
    assert caught.value.line == line


@settings(max_examples=150, deadline=None)
@given(body=st.lists(st.one_of(
    st.sampled_from(["2024/03/12 Tue", "Sat, 2/15/2020", "", "21:04\tSam\thi", "21:05\tMaya\t\"two", 'lines"',
                     "22:00\tSam joined the group.", "下午12:13\t阿哲\t[照片]", "9:30AM\tSam\tok"]),
    st.text(max_size=20),
), max_size=20))
def test_any_lines_after_a_header_either_parse_or_raise_a_format_error(body: list[str]) -> None:
    with contextlib.suppress(ImportFormatError):
        chat = parse_text("[LINE] Chat history with Sam\nSaved on: 2024/03/14 22:10\n\n" + "\n".join(body))
        assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
