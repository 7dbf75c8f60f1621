"""The Google Voice importer reads the text pages of Google Takeout's ``Voice/Calls`` folder, one thread at a time."""

from __future__ import annotations

import contextlib
import shutil
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.google_voice import render_google_voice, render_google_voice_call
from tests.ingest._records import Rec, instant_records, parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.google_voice import PLACEHOLDERS, GoogleVoiceImporter
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
TAKEOUT = FIXTURES / "google_voice" / "Takeout"
CALLS = TAKEOUT / "Voice" / "Calls"
ROWAN_PAGE = CALLS / "Rowan Hale - Text - 2024-03-09T02_04_05Z.html"
TEXT, MEDIA = MessageKind.TEXT, MessageKind.MEDIA
ROWAN, INES, UNNAMED = "+15035550142", "+13125550167", "+15415550188"
GROUP = f"group:{INES},{ROWAN},{UNNAMED}"


@pytest.fixture(autouse=True)
def new_york_time() -> Iterator[None]:
    """The pages carry the account's offset (Pacific); the importer shows this machine's time (New York)."""
    with local_time("America/New_York"):
        yield


def read(*paths: Path, options: ImportOptions | None = None) -> list[Conversation]:
    return [c for _, convs in read_paths(list(paths), options) for c in convs]


def by_id(chats: list[Conversation]) -> dict[str | None, Conversation]:
    return {c.chat_id: c for c in chats}


def parse_named(path: Path, options: ImportOptions | None = None) -> list[Conversation]:
    return list(GoogleVoiceImporter().parse(Source(str(path), path=path, named=True), options or ImportOptions()))


def parse_page(text: str | bytes, name: str = "Rowan Hale - Text - 2024-03-09T02_04_05Z.html",
               options: ImportOptions | None = None) -> list[Conversation]:
    return parse_written(text, name, lambda path: parse_named(path, options))


def at(month: int, day: int, hour: int, minute: int, second: int = 0, ms: int = 0, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, second, ms * 1000)


def test_the_takeout_folder_reads_each_thread_once_joined_over_its_pages() -> None:
    skipped: list[str] = []
    found = [(source.filename, c.title, c.chat_id, c.group, c.me, len(c.messages))
             for source, convs in read_paths([TAKEOUT], on_skip=lambda s, e: skipped.append(s.filename))
             for c in convs]
    first = "+15415550188 - Text - 2024-11-03T05_40_00Z.html"  # the folder's first page reads them all
    assert found == [
        (first, "+15415550188", UNNAMED, False, "Me", 3),
        (first, "Rowan Hale, +15415550188, Ines Duarte", GROUP, True, "Me", 7),
        (first, "Ines Duarte", INES, False, "Me", 3),
        (first, "Rowan Hale", ROWAN, False, "Me", 7),
    ]  # Spam/, Phones.vcf, the photo and Kai's call (no texts with him) give nothing, and are no errors
    assert skipped == []
    assert [c.chat_id for c in read(CALLS)] == [c.chat_id for c in read(TAKEOUT / "Voice")] == [
        UNNAMED, GROUP, INES, ROWAN]


def test_a_thread_reads_message_by_message_in_local_time_with_its_calls_as_notices() -> None:
    rowan = by_id(read(CALLS))[ROWAN]
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in rowan.messages] == [
        (0, at(3, 8, 21, 4, 5, 120), "Rowan Hale", TEXT, "Are we still on for Saturday?"),
        (1, at(3, 8, 21, 6, 40, 500), "Me", TEXT, "Yes! I'll bring the tent & the stove"),
        (2, at(3, 8, 21, 7, 2), "Rowan Hale", TEXT, "Perfect\nSee you at 8"),
        (3, at(3, 8, 21, 9, 15, 250), "Me", MEDIA, "<photo>"),  # "MMS Sent" and a picture
        (4, at(3, 8, 21, 12, 30), "Rowan Hale", MEDIA, "<video>"),
        # the second page, after the clocks went forward (the account's -07:00, New York's -04:00)
        (5, at(3, 10, 12, 2, 11), "Me", TEXT, "Sorry, missed you. Driving now, call you at the campsite"),
        (6, at(3, 10, 12, 5, 47, 330), "Rowan Hale", MEDIA, "No worries 🙂 found the campsite map"),
    ]
    assert [m.reactions for m in rowan.messages if m.reactions] == [
        (Reaction("Rowan Hale", "❤️", at(3, 8, 21, 10)),),  # Loved “…”: an iPhone's tapback, sent as a text
        (Reaction("Rowan Hale", "‼️", at(3, 10, 12, 6)),),  # Emphasized “Sorry, missed you. Driving now, call you at t…”
    ]
    assert [(e.ts, e.author, e.text) for e in rowan.system_events] == [
        (at(3, 10, 11, 30), "Rowan Hale", "missed call"),
        (at(3, 10, 11, 31, 10), "Rowan Hale", "voicemail (0:14): Hey it's Rowan, call me back when you can."),
        (at(3, 10, 13, 0), "Me", "call placed (3:05)"),
    ]
    assert all(m.reply_to is None and not m.edited for m in rowan.messages)


def test_a_group_is_one_thread_of_its_members_named_once_each() -> None:
    group = by_id(read(CALLS))[GROUP]
    assert (group.title, group.group, group.me) == ("Rowan Hale, +15415550188, Ines Duarte", True, "Me")
    assert [(m.ts, m.author, m.kind, m.text) for m in group.messages] == [
        (at(4, 6, 15, 30, 41, 563), "Ines Duarte", TEXT, "Who's driving on Saturday?"),
        (at(4, 6, 15, 31, 5), "Rowan Hale", TEXT, "I can take 3 people"),
        (at(4, 6, 15, 33), "Me", TEXT, "Count me in"),
        (at(4, 6, 15, 34, 10), "+15415550188", TEXT, "Me too, if there's room"),  # not a contact: the number
        (at(4, 6, 15, 35), "Ines Duarte", MEDIA, "<contact card>"),
        # the later page lists the members in another order: the same group
        (at(5, 1, 21, 0), "Rowan Hale", MEDIA, "Photos from the trip"),
        (at(5, 1, 21, 1), "Me", TEXT, "These are great!"),
    ]
    assert group.messages[1].reactions == (Reaction("Ines Duarte", "👍", at(4, 6, 15, 36)),)
    assert [(e.ts, e.author, e.text) for e in group.system_events] == [
        (at(5, 1, 21, 2), "Rowan Hale", "empty text message")]


def test_a_page_only_the_user_wrote_in_joins_the_thread_of_the_number_its_title_names() -> None:
    ines = by_id(read(CALLS))[INES]  # "Me to Ines Duarte": her number is the one her name goes with elsewhere
    # her reply's page is in the folder twice ("… (1).html"): read once
    assert [(m.ts, m.author, m.text) for m in ines.messages] == [
        (at(4, 20, 12, 0), "Me", "Happy birthday, Ines! 🎂"),
        (at(4, 20, 12, 1, 30), "Me", "Dinner on us next week?"),
        (at(4, 20, 22, 15), "Ines Duarte", "Thank you!! 🥰 Dinner sounds perfect"),
    ]
    [alone] = parse_page(render_google_voice([Rec(at(4, 20, 12, 0), "Me", "Happy birthday!")], title="Me to\nNoor"),
                         name="Noor - Text - 2024-04-20T16_00_00Z.html")
    assert (alone.title, alone.chat_id, alone.group) == ("Noor", "name:Noor", False)  # no number to be found


def test_the_hour_the_clocks_go_back_keeps_the_order_things_happened_in() -> None:
    # 2024-11-03 in New York: 05:40Z is 01:40 summer time, 06:10Z is 01:10 winter time, half an hour later
    chat = by_id(read(CALLS))[UNNAMED]
    assert [(m.index, m.ts, m.author, m.text) for m in chat.messages] == [
        (0, at(11, 3, 1, 40), "+15415550188", "Is this still Dana's number?"),
        (1, at(11, 3, 1, 50), "+15415550188", "Oh wait, maybe I have the wrong one"),
        (2, at(11, 3, 1, 10), "Me", "No, sorry, wrong number"),
    ]


def test_calls_in_the_hour_the_clocks_go_back_keep_the_order_they_happened_in(tmp_path: Path) -> None:
    # 05:40Z is 01:40 summer time in New York, 06:10Z is 01:10 winter time: the second call came later
    numbers = {"Tove Lind": "+15035550111"}
    (tmp_path / "Tove Lind - Text - 2024-11-03T04_00_00Z.html").write_text(
        render_google_voice([Rec(at(11, 3, 0, 0), "Tove Lind", "Up late?")], numbers=numbers), encoding="utf-8")
    for when, kind in ((datetime(2024, 11, 3, 1, 40, fold=0), "Missed"), (datetime(2024, 11, 3, 1, 10, fold=1),
                                                                          "Received")):
        page = render_google_voice_call(when, kind=kind, name="Tove Lind", number=numbers["Tove Lind"], seconds=5)
        (tmp_path / f"Tove Lind - {kind} - 2024-11-03T0{when.hour}_00_00Z.html").write_text(page, encoding="utf-8")
    [tove] = read(tmp_path)
    assert [(e.ts, e.text) for e in tove.system_events] == [
        (at(11, 3, 1, 40), "missed call"),
        (at(11, 3, 1, 10), "call received (0:05)"),
    ]


def test_the_me_option_names_the_user_in_messages_notices_and_the_conversation() -> None:
    rowan = by_id(read(CALLS, options=ImportOptions(me="Sam Ortiz")))[ROWAN]
    assert rowan.me == "Sam Ortiz"
    assert [m.author for m in rowan.messages].count("Sam Ortiz") == 3
    assert rowan.system_events[-1].author == "Sam Ortiz" and "Me" not in {m.author for m in rowan.messages}


def test_the_takeout_zip_is_read_like_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "takeout-20241105T120000Z-001.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Takeout/archive_browser.html", "<html><body><h1>Archive</h1></body></html>")
        for path in sorted(TAKEOUT.rglob("*")):
            if path.is_file():
                zf.write(path, "Takeout/" + path.relative_to(TAKEOUT).as_posix())
    [(source, chats)] = [(s, c) for s, c in read_paths([archive]) if c]
    assert source.name == f"{archive}!Takeout/Voice/Calls/+15415550188 - Text - 2024-11-03T05_40_00Z.html"
    expected = read(TAKEOUT)
    assert [(c.chat_id, c.title, [(m.ts, m.author, m.text) for m in c.messages]) for c in chats] == [
        (c.chat_id, c.title, [(m.ts, m.author, m.text) for m in c.messages]) for c in expected]


def test_a_page_named_by_itself_reads_its_whole_thread_and_a_call_page_is_no_conversation() -> None:
    [rowan] = parse_named(ROWAN_PAGE)
    assert (rowan.chat_id, len(rowan.messages), len(rowan.system_events)) == (ROWAN, 7, 3)
    assert rowan.source == str(ROWAN_PAGE)
    with pytest.raises(UnknownFormatError, match="a call's page"):
        parse_named(CALLS / "Rowan Hale - Missed - 2024-03-10T15_30_00Z.html")
    [spam] = parse_named(TAKEOUT / "Voice" / "Spam" / "+18885550100 - Text - 2024-06-01T19_00_00Z.html")
    assert spam.messages[0].text == "Your parcel is waiting: claim at example.com/p"  # named: read all the same
    with pytest.raises(UnknownFormatError):
        parse_named(TAKEOUT / "Voice" / "Phones.vcf")


def test_detection_picks_google_voice_for_its_pages_and_nothing_else() -> None:
    for page in CALLS.glob("*.html"):
        found = detect(Source(str(page), path=page))
        assert found is not None and found.name == "google_voice", page
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and "google_voice" not in p.parts]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert GoogleVoiceImporter().sniff(source, source.head()) == 0.0, path


def page_with(message: str, participants: str = "") -> str:
    """A text page holding one ``div.message`` written out as given."""
    return ('<html><head><title>Rowan Hale</title></head><body><div class="hChatLog hfeed">'
            f'{participants}<div class="message">{message}</div></div></body></html>')


SENDER = ('<cite class="sender vcard"><a class="tel" href="tel:+15035550142"><span class="fn">Rowan Hale</span></a>'
          "</cite>")
WHEN = '<abbr class="dt" title="2024-03-08T18:04:05.120-08:00">Mar 8</abbr>'


@pytest.mark.parametrize("page, expected, line", [
    (page_with(f"{SENDER}: <q>hi</q>"), "the time of a Google Voice message", 1),
    (page_with(f'<abbr class="dt" title="yesterday">x</abbr>{SENDER}<q>hi</q>'), "ISO, with its UTC offset", 1),
    (page_with(f'<abbr class="dt" title="2024-03-08T18:04:05">x</abbr>{SENDER}<q>hi</q>'),
     "ISO, with its UTC offset", 1),
    (page_with(f'<abbr class="dt" title="0001-01-01T00:00:00+14:00">x</abbr>{SENDER}<q>hi</q>'),
     "this computer's clock can show", 1),
    (page_with(f"{WHEN}: <q>hi</q>"), "the sender of a Google Voice message", 1),
    (page_with(f"{WHEN}: {SENDER}"), r"the words of a Google Voice message \(<q>\)", 1),
    (page_with(f"{WHEN}: {SENDER}: <q>hi</q>")[:-40], "it ends inside a message: it was cut off", 1),
    (f'<html><body>\n<div class="hChatLog hfeed"><div class="message">{WHEN}{SENDER}<q>caf\xe9</q>'.encode("latin-1"),
     "UTF-8 text, as Google Takeout writes it", 2),
])
def test_broken_pages_name_the_file_the_line_and_what_was_expected(page: str | bytes, expected: str,
                                                                    line: int) -> None:
    with pytest.raises(ImportFormatError, match=expected) as caught:
        parse_page(page)
    assert caught.value.line == line and caught.value.source.endswith("Rowan Hale - Text - 2024-03-09T02_04_05Z.html")


def test_a_call_without_its_time_or_with_a_length_that_is_no_length_is_an_error(tmp_path: Path) -> None:
    good = render_google_voice([Rec(at(3, 1, 12, 0), "Rowan Hale", "hi")], numbers={"Rowan Hale": ROWAN})
    (tmp_path / "Rowan Hale - Text - 2024-03-01T17_00_00Z.html").write_text(good, encoding="utf-8")
    call = render_google_voice_call(at(3, 2, 12, 0), kind="Placed", name="Rowan Hale", number=ROWAN, seconds=5)
    for broken, expected in ((call.replace('class="published"', 'class="x"'), "the time of a Google Voice call"),
                             (call.replace('title="PT5S"', 'title="5 seconds"'), "a call's length like 'PT2M27S'")):
        (tmp_path / "Rowan Hale - Placed - 2024-03-02T17_00_00Z.html").write_text(broken, encoding="utf-8")
        with pytest.raises(ImportFormatError, match=expected):
            read(tmp_path)


def test_numbers_without_names_fillers_and_unmatched_tapbacks_are_read_as_written() -> None:
    page = page_with(
        f'{WHEN}<cite class="sender vcard"><a class="tel" href="tel:++15035550142"><span class="fn">+15035550142</span>'
        '</a></cite><q>Loved “something never said”</q>')
    [chat] = parse_page(page)
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("+15035550142", TEXT, "Loved “something never said”")]  # no such message: a text as sent
    assert chat.chat_id == "+15035550142" and chat.title == "+15035550142"
    nobody = page_with(f'{WHEN}<cite class="sender vcard"><a class="tel" href="tel:"><span class="fn"></span></a>'
                       "</cite><q>MMS Received</q><div><img src='x' /></div>").replace("Rowan Hale</title>", "</title>")
    [unknown] = parse_page(nobody, name=" - Text - 2024-03-09T02_04_05Z.html")
    assert [(m.author, m.kind, m.text) for m in unknown.messages] == [("(unknown)", MEDIA, "<photo>")]
    assert unknown.chat_id == "page: - Text - 2024-03-09T02_04_05Z.html"


def test_a_rendered_page_is_written_the_way_takeout_writes_it() -> None:
    page = render_google_voice([Rec(at(3, 8, 21, 4, 5, 120), "Rowan Hale", "it's <late> & dark\nok")],
                               numbers={"Rowan Hale": ROWAN})
    assert '<abbr class="dt" title="2024-03-08T18:04:05.120-08:00">Mar 8, 2024, 6:04:05&#8239;PM\nPacific Time' in page
    assert "<q>it&#39;s &lt;late&gt; &amp; dark<br>ok</q>" in page
    assert '<a class="tel" href="tel:+15035550142"><span class="fn">Rowan Hale</span></a>' in page


AUTHORS = ["Me", "Rowan Hale", "Ines Duarte", "+15415550188"]
NUMBERS = {"Rowan Hale": ROWAN, "Ines Duarte": INES, "+15415550188": UNNAMED}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([AUTHORS[:2], AUTHORS]).flatmap(
    lambda authors: st.tuples(st.just(len(authors) > 2), instant_records(authors, sorted(PLACEHOLDERS.values())))))
def test_a_rendered_thread_parses_back_to_the_same_messages(drawn: tuple[bool, list[Rec]]) -> None:
    group, drawn_records = drawn
    records = [Rec(r.ts, r.author, r.text if r.text.strip() else "x", "text" if r.kind == "deleted" else r.kind)
               for r in drawn_records]
    page = render_google_voice(records, numbers=NUMBERS, unnamed=frozenset({"+15415550188"}),
                               participants=AUTHORS[1:] if group else None,
                               page="Rowan Hale - Text - 2024-01-01T00_00_00Z")
    [chat] = parse_page(page, name="Rowan Hale - Text - 2024-01-01T00_00_00Z.html", options=ImportOptions(me="Me"))
    assert (chat.title, chat.group, chat.me) == (
        ("Rowan Hale, Ines Duarte, +15415550188", True, "Me") if group else ("Rowan Hale", False, "Me"))
    expected = [(r.ts, r.author, r.text.strip(), r.kind) for r in records]
    # a message written twice, to the millisecond, is a page downloaded twice: read once
    assert [(m.ts, m.author, m.text, str(m.kind)) for m in chat.messages] == list(dict.fromkeys(expected))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_damage_to_a_page_either_parses_or_raises_a_format_error(data: st.DataObject) -> None:
    text = ROWAN_PAGE.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 80)))
    filler = data.draw(st.text(max_size=30) | st.sampled_from(
        ['"', "<q>", "</div>", '<div class="message">', 'title="2024-99-01T00:00:00Z"', "<abbr class='dt'>",
         'href="tel:"', "<br>", "&#xd800;", "\u201c", 'class="participants"', 'class="haudio"']))
    with contextlib.suppress(ImportFormatError):
        parse_page(text[:start] + filler + text[end:])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_after_a_page_head_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_page(b'<html><body><div class="hChatLog hfeed">' + data)


def test_a_folder_with_the_zip_and_its_pages_taken_out_reads_each_thread_once_per_copy(tmp_path: Path) -> None:
    shutil.copytree(CALLS, tmp_path / "Calls")
    (tmp_path / "Calls" / "notes.html").write_text("<html><body>shopping list</body></html>", encoding="utf-8")
    chats = read(tmp_path)
    assert [c.chat_id for c in chats] == [UNNAMED, GROUP, INES, ROWAN]  # a stray page beside them is not one
