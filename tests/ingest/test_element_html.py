"""The Element importer reads Element's HTML chat exports (messages.html and the pages after it)."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.element_html import render_element_html
from tests.ingest._records import Rec, parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest._sources import LaterPageError
from turntoward.ingest.element_html import ElementHtmlImporter
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
SINTRA = FIXTURES / "element_html" / "sintra" / "messages.html"
OLD = FIXTURES / "element_html" / "old-2023" / "messages.html"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED


def parse(path: Path, options: ImportOptions | None = None) -> Conversation:
    (conversation,) = ElementHtmlImporter().parse(Source(str(path), path=path), options or ImportOptions())
    return conversation


def parse_text(text: str | bytes) -> Conversation:
    return parse_written(text, "messages.html", parse)


def test_a_two_page_export_reads_messages_notices_and_one_name_per_person() -> None:
    chat = parse(SINTRA)
    assert (chat.title, chat.source_format, chat.chat_id) == ("Sintra weekend 🏰", "element_html",
                                                             "!pQrStUvWxYzAbCdEf:example.org")
    assert chat.me == "Tomek"  # the exporter the introduction names, under their last name
    assert [(m.ts, m.author, m.kind, m.reply_to, m.edited) for m in chat.messages] == [
        (datetime(2024, 3, 12, 19, 5), "Inês", TEXT, None, False),
        (datetime(2024, 3, 12, 19, 5), "Inês", TEXT, None, False),  # a continuation: the group's sender
        (datetime(2024, 3, 12, 19, 20), "Tomek", TEXT, 0, True),  # renamed later: one name throughout
        (datetime(2024, 3, 12, 19, 21), "Tomek", TEXT, None, False),
        (datetime(2024, 3, 13, 8, 41), "Tomek", MEDIA, None, False),
        (datetime(2024, 3, 13, 8, 43), "Tomek", MEDIA, None, False),
        (datetime(2024, 3, 13, 9, 15), "Inês", DELETED, None, False),
        (datetime(2024, 3, 13, 9, 30), "Zé Maria", MEDIA, None, False),  # page 2
        (datetime(2024, 3, 13, 9, 31), "Zé Maria", TEXT, 2, False),
        (datetime(2024, 3, 14, 7, 58), "Inês", MEDIA, None, False),
    ]
    assert [m.text for m in chat.messages] == [
        "okay so Saturday? the 9:11 train from Rossio 🚆",
        "it gets in before the queues at Pena\nif we don't dawdle",
        "yes!! I'm in & I'll bring the umbrella",
        "does a little dance",  # the emote's words, without "* Tomasz"
        "pasteis.jpg", "<media>", "", "comboios-bilhetes.pdf",
        "Zé here — saw the tickets, obrigado 🙏",
        "<unable to decrypt>",
    ]
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (datetime(2024, 3, 12, 19, 2), "Inês", "Inês created and configured the room."),
        (datetime(2024, 3, 12, 19, 3), "Tomek", "Tomasz joined the room"),
        (datetime(2024, 3, 13, 8, 40), "Tomek", "Tomasz changed their display name to Tomek"),
        (datetime(2024, 3, 14, 8, 2), "Zé Maria", "Zé Maria left the room"),
    ]


def test_an_export_from_2023_takes_the_whole_time_to_the_second_from_the_title() -> None:
    chat = parse(OLD)
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2023, 5, 17, 17, 3, 32), "Ola"),
        (datetime(2023, 5, 17, 17, 3, 53), "Ben"),
        (datetime(2023, 5, 17, 17, 4, 9), "Ben"),
    ]
    assert chat.me is None
    assert parse(OLD, ImportOptions(me="Ben")).me == "Ben"


@pytest.mark.parametrize("full_dates", [False, True])
def test_the_hour_after_midnight_written_as_24_is_midnight(full_dates: bool) -> None:
    # Element's first Intl clocks (2023, English, 24-hour) wrote 00:05 as 24:05, in tiles and tooltips
    day = datetime(2024, 3, 12)
    times = [day.replace(hour=23, minute=58), day + timedelta(days=1, minutes=5),
             day + timedelta(days=1, minutes=7, seconds=9)]
    said = zip(times, ["Nadia", "Omar", "Nadia"], ["still up?", "yes", "go to sleep"], strict=True)
    page = render_element_html([Rec(*each) for each in said], room="R", full_dates=full_dates)
    page = page.replace(">00:0", ">24:0").replace('"00:0', '"24:0').replace(" 00:0", " 24:0")
    assert "00:0" not in page
    assert [m.ts for m in parse_text(page).messages] == (times if full_dates else [t.replace(second=0) for t in times])


def test_the_second_page_alone_is_refused_and_a_folder_reads_it_once() -> None:
    second = SINTRA.with_name("messages2.html")
    with pytest.raises(LaterPageError):
        list(ElementHtmlImporter().parse(Source(str(second), path=second, named=True), ImportOptions()))
    assert list(ElementHtmlImporter().parse(Source(str(second), path=second), ImportOptions())) == []


def test_a_later_page_without_its_first_says_to_give_the_first(tmp_path: Path) -> None:
    # A later page usually goes on with the day the page before it began: without that page, no date.
    page = SINTRA.with_name("messages2.html").read_text(encoding="utf-8")
    first_separator = page.index("<li><div class=\"mx_TimelineSeparator\"")
    mid_day = page[:first_separator] + page[page.index("</li>", first_separator) + len("</li>"):]
    (tmp_path / "messages2.html").write_text(mid_day, encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"first page, messages\.html, beside page 2"):
        list(read_paths([tmp_path / "messages2.html"]))


def test_two_people_with_one_name_are_told_apart_by_their_ids() -> None:
    page = OLD.read_text(encoding="utf-8").replace(">Ola<", ">Ben<")
    assert [m.author for m in parse_text(page).messages] == [
        "Ben (@ola:example.org)", "Ben (@ben:example.org)", "Ben (@ben:example.org)"]


def test_tiles_marked_as_ones_own_name_me_without_an_introduction() -> None:
    page = OLD.read_text(encoding="utf-8").replace('data-self="false" data-event-id="$c2"',
                                                   'data-self="true" data-event-id="$c2"')
    assert parse_text(page).me == "Ben"


def test_a_rendered_room_parses_back_to_the_same_messages() -> None:
    start = datetime(2024, 12, 31, 23, 58)
    records = [
        Rec(start, "Nadia", "still at the party?"),
        Rec(start + timedelta(minutes=1), "Nadia", "<the band> is great & loud 🎺"),
        Rec(start + timedelta(minutes=3), "Théo", "leaving now\nsee you at 1", edited=True, reply_to=0),
        Rec(start + timedelta(minutes=4), "Théo", "fireworks.jpg", "media"),
        Rec(start + timedelta(days=1, hours=10), "Nadia", "oops", "deleted"),
    ]
    chat = parse_text(render_element_html(records, room="New Year", exporter="Théo"))
    assert chat.me == "Théo"
    assert [(m.ts, m.author, m.text, m.kind.value, m.edited, m.reply_to) for m in chat.messages] == [
        (r.ts, r.author, "" if r.kind == "deleted" else r.text, r.kind, r.edited, r.reply_to) for r in records
    ]


NAMES = st.sampled_from(["Nadia", "Théo", "李雷", "O'Brien & Co"])
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1,
                max_size=30)


@st.composite
def records(draw: st.DrawFn) -> list[Rec]:
    ts = datetime(2020, 1, 1) + timedelta(seconds=draw(st.integers(0, 10**8)))
    found: list[Rec] = []
    for i in range(draw(st.integers(1, 10))):
        ts += timedelta(seconds=draw(st.integers(0, 10**6)))
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        reply = draw(st.none() | st.integers(0, i - 1)) if i else None
        found.append(Rec(ts, draw(NAMES), draw(WORDS), kind, reply, edited=kind == "text" and draw(st.booleans())))
    return found


@settings(max_examples=60, deadline=None)
@given(written=records(), full_dates=st.booleans())
def test_any_rendered_room_parses_back(written: list[Rec], full_dates: bool) -> None:
    chat = parse_text(render_element_html(written, room="R", full_dates=full_dates))

    def shown(ts: datetime) -> datetime:
        return ts if full_dates else ts.replace(second=0)

    assert [(m.ts, m.author, m.kind.value, m.edited, m.reply_to) for m in chat.messages] == [
        (shown(r.ts), r.author, r.kind, r.edited, r.reply_to) for r in written]
    assert [m.text for m in chat.messages if m.kind == TEXT] == [r.text for r in written if r.kind == "text"]


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.sampled_from([
    "<li ", "<div ", "<span ", "<a ", "<img ", "<br>", "</li>", "</div>", "</span>", ">", '"', "class=", "title=",
    "mx_EventTile", "mx_EventTile_line", "mx_MessageTimestamp", "mx_DisambiguatedProfile_displayName",
    "mx_EventTile_avatar", "mx_TimelineSeparator", "aria-label=", "Thu, Mar 14, 2024", "21:04", "@a:b",
    "mx_reply_anchor", "href=", "#$x", "mx_MImageBody", "hello", "&amp;", "\n",
]), max_size=60))
def test_any_markup_in_a_message_list_either_parses_or_raises_a_format_error(pieces: list[str]) -> None:
    page = '<ol class="mx_RoomView_MessageList">' + "".join(pieces)
    with contextlib.suppress(ImportFormatError):
        chat = parse_text(page)
        assert [m.index for m in chat.messages] == list(range(len(chat.messages)))


def test_a_page_cut_off_inside_a_message_is_refused() -> None:
    page = SINTRA.read_bytes()
    with pytest.raises(ImportFormatError, match="cut off"):
        parse_text(page[: page.index(b"the 9:11 train")])


def test_a_time_without_a_date_names_its_line() -> None:
    page = OLD.read_text(encoding="utf-8").replace('title="Wed, May 17 2023 17:03:32"', "")
    page = page.replace("Wed, May 17 2023</h2>", "Mittwoch</h2>").replace('aria-label="Wed, May 17 2023"', "")
    with pytest.raises(ImportFormatError, match="date separator") as caught:
        parse_text(page)
    assert caught.value.line is not None


def test_a_tile_without_a_time_is_an_error() -> None:
    page = OLD.read_text(encoding="utf-8").replace('aria-label="17:03"', "").replace(">17:03<", "><")
    page = page.replace(' title="Wed, May 17 2023 17:03:32"', "")
    with pytest.raises(ImportFormatError, match="time"):
        parse_text(page)


def test_a_page_without_a_message_list_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="Element"):
        parse_text("<html><body><p>hello</p></body></html>")


def test_bytes_that_are_not_utf8_are_a_format_error() -> None:
    with pytest.raises(ImportFormatError, match="UTF-8"):
        parse_text(OLD.read_bytes().replace("😑".encode(), b"\xff\xfe"))


def test_detect_picks_element_html_for_its_pages_and_never_for_other_fixtures() -> None:
    for page in (SINTRA, OLD):
        assert detect(Source(str(page), path=page)).name == "element_html"
    importer = ElementHtmlImporter()
    for path in FIXTURES.rglob("*"):
        if path.is_file() and "element_html" not in path.parts:
            source = Source(str(path), path=path)
            assert importer.sniff(source, source.head()) == 0.0, path


def test_a_rendered_page_is_detected_in_a_folder() -> None:
    page = render_element_html([Rec(datetime(2024, 1, 2, 3, 4), "Nadia", "hi")], room="R")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "messages.html"
        path.write_text(page, encoding="utf-8")
        assert detect(Source(str(path), path=path)).name == "element_html"
