"""Facebook's old archive (html/messages.htm, 2010-2018, and its 2017-2018 thread pages) reads one conversation
per thread, oldest first in local time, each person under one name."""

from __future__ import annotations

import contextlib
import shutil
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.messenger_legacy import meta_text, render_messenger_legacy
from tests.ingest._records import Rec, parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.messenger_legacy import LegacyMessengerImporter, LegacyTimeError, meta_instant
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
HERE = FIXTURES / "messenger_legacy"
SOFIA = HERE / "facebook-sofiaberg"
SOFIA_PAGE = SOFIA / "html" / "messages.htm"
JORDAN_PAGE = HERE / "facebook-jordanreyes" / "html" / "messages.htm"
MATEO = HERE / "facebook-mateosilva"
MATEO_LIST = MATEO / "html" / "messages.htm"
TEXT, MEDIA = MessageKind.TEXT, MessageKind.MEDIA


@pytest.fixture(autouse=True)
def stockholm_time() -> Iterator[None]:
    """The archive writes each time with its offset; the importer shows this computer's local time."""
    with local_time("Europe/Stockholm"):
        yield


def read(path: Path, options: ImportOptions | None = None) -> list[Conversation]:
    found = [c for _, chats in read_paths([path], options or ImportOptions()) for c in chats]
    assert all(c.source_format == "messenger_legacy" for c in found)
    return found


def by_title(path: Path, options: ImportOptions | None = None) -> dict[str, Conversation]:
    return {c.title: c for c in read(path, options)}


def read_text(text: str | bytes, name: str = "messages.htm", me: str | None = None) -> list[Conversation]:
    def parse(path: Path) -> list[Conversation]:
        source = Source(str(path), path=path, named=True)
        return list(LegacyMessengerImporter().parse(source, ImportOptions(me=me)))

    return parse_written(text, name, parse)


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


def test_a_thread_split_over_two_blocks_reads_as_one_chat_oldest_first_in_local_time() -> None:
    jonas = by_title(SOFIA_PAGE)["Jonas Lindqvist"]
    assert (jonas.me, jonas.group, jonas.is_group, jonas.chat_id) == (
        "Sofia Berg", False, False, "Jonas Lindqvist, Sofia Berg")
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in jonas.messages] == [
        # the second block of the same two people: the start of the thread, written by the owner's old name
        (0, datetime(2016, 10, 28, 21, 3), "Sofia Berg", TEXT, "hey you"),
        (1, datetime(2016, 10, 28, 21, 4), "Jonas Lindqvist", TEXT, "so... lake this weekend? 🏕️"),  # as "Jonas L."
        (2, datetime(2016, 10, 29, 17, 58), "Sofia Berg", TEXT,
         "list so far:\n- sleeping bags\n- coffee\n- the good knife"),  # the last break a <br />
        (3, datetime(2016, 10, 29, 17, 59), "Jonas Lindqvist", TEXT, "ok ok, bringing the tent & the stove"),  # his id
        # one minute, written newest first: read in the order they were sent; an empty <p> is a file not in the archive
        (4, datetime(2016, 10, 29, 18, 5), "Jonas Lindqvist", TEXT, "look what I found in the attic"),
        (5, datetime(2016, 10, 29, 18, 5), "Jonas Lindqvist", MEDIA, "<media>"),
        # the clocks went back: 02:50 summer time came before 02:40 winter time
        (6, datetime(2016, 10, 30, 2, 50), "Sofia Berg", TEXT, "yes!! can't sleep, too excited for the lake"),
        (7, datetime(2016, 10, 30, 2, 40), "Jonas Lindqvist", TEXT,
         "still up? the clocks went back, I gained an hour of packing"),
    ]
    assert jonas.system_events == []


def test_a_group_names_people_as_their_chats_with_the_owner_do_and_reads_notices_as_events() -> None:
    group = by_title(SOFIA_PAGE)["Amira Haddad, Jonas Lindqvist, 100007788990011@facebook.com"]
    assert (group.group, group.me) == (True, "Sofia Berg")
    assert [(m.author, m.text) for m in group.messages] == [
        ("Sofia Berg", "thank you all for the weekend <3"),
        ("Jonas Lindqvist", "photos are up, the sunrise one is for you Amira"),  # written "Jonas L."
        ("100007788990011@facebook.com", "count me in for the next one"),  # nobody to tell who: left as written
    ]
    assert [(e.ts, e.author, e.text) for e in group.system_events] == [
        (datetime(2016, 10, 31, 9, 15), "Amira Haddad", "Amira Haddad named the group Lake weekend 🛶.")]


def test_facebooks_own_messages_are_notices_and_the_owners_id_and_old_name_are_the_owner() -> None:
    chats = by_title(SOFIA_PAGE)
    assert list(chats) == ["Jonas Lindqvist", "Amira Haddad, Jonas Lindqvist, 100007788990011@facebook.com",
                           "Marek Novak", "100001234567890@facebook.com", "100005555666777@facebook.com"]
    marek = chats["Marek Novak"]
    assert [(m.author, m.text) for m in marek.messages] == [
        ("Sofia Berg", "sorry, I wrote to you from my old name"),  # the owner's old name, as in three other threads
        ("Marek Novak", "no worries, see you at the climbing wall")]
    [notice] = marek.system_events
    assert notice.author == "Facebook" and notice.text.startswith(
        "This message was created automatically by Facebook.\n\nBased on the privacy settings")  # escaped <br>s
    petra = chats["100005555666777@facebook.com"]
    assert (petra.group, petra.chat_id) == (False, "100005555666777@facebook.com, 100009876543210@facebook.com")
    assert [m.author for m in petra.messages] == ["100005555666777@facebook.com", "Sofia Berg", "Sofia Berg"]


def test_the_me_option_renames_the_owner_everywhere() -> None:
    chats = by_title(SOFIA_PAGE, ImportOptions(me="Sofi"))
    assert chats["Jonas Lindqvist"].me == "Sofi"
    assert [m.author for m in chats["100005555666777@facebook.com"].messages] == [
        "100005555666777@facebook.com", "Sofi", "Sofi"]


def test_times_follow_this_computers_zone() -> None:
    with local_time("America/New_York"):
        jonas = by_title(SOFIA_PAGE)["Jonas Lindqvist"]
    assert jonas.messages[0].ts == datetime(2016, 10, 28, 15, 3)  # 21:03 at UTC+02 is 15:03 EDT


def test_the_us_clock_and_zone_names_read_across_the_hour_the_clocks_go_back_in_an_oldest_first_file() -> None:
    with local_time("America/Los_Angeles"):
        chats = by_title(JORDAN_PAGE)
    casey = chats["Casey Morgan"]
    assert (casey.me, casey.group) == ("Jordan Reyes", False)
    assert [(m.ts, m.author, m.text) for m in casey.messages] == [
        (datetime(2014, 11, 1, 23, 58), "Casey Morgan", "are you still at the party?"),
        (datetime(2014, 11, 2, 1, 15), "Jordan Reyes", "leaving now, is 3 ok for brunch tomorrow?"),  # PDT
        (datetime(2014, 11, 2, 1, 5), "Casey Morgan", "3 is perfect. text me when you're home"),  # PST, 50 min later
        (datetime(2014, 11, 2, 12, 10), "Jordan Reyes", "home & alive ☕"),
    ]
    group = chats["Casey Morgan, Dev Patel"]
    assert group.group is True
    assert [(m.ts.minute, m.author, m.kind, m.text) for m in group.messages] == [
        (0, "Dev Patel", TEXT, "who has my frisbee"), (0, "Casey Morgan", TEXT, "not me"),  # one minute, file order
        (1, "Jordan Reyes", MEDIA, "<media>"),
    ]


def test_thread_pages_of_2018_read_their_media_and_take_the_owner_from_the_list_page() -> None:
    with local_time("Europe/Lisbon"):
        found = [(source.filename, c) for source, chats in read_paths([MATEO]) for c in chats]
    assert [(name, c.title) for name, c in found] == [("0.html", "Emma Ward"), ("1.html", "Emma Ward, Noah Kim")]
    emma, group = found[0][1], found[1][1]
    assert (emma.me, emma.group, emma.chat_id) == ("Mateo Silva", False, "Emma Ward, Mateo Silva")
    assert [(m.ts, m.author, m.kind, m.text) for m in emma.messages] == [
        (datetime(2018, 1, 22, 17, 46), "Emma Ward", TEXT, "made it to Lisbon!! 🌞"),  # UTC+01 is 17:46 in Lisbon
        (datetime(2018, 1, 22, 17, 47), "Emma Ward", MEDIA, "<photo>"),
        (datetime(2018, 1, 22, 17, 52), "Mateo Silva", MEDIA, "<sticker>"),
        (datetime(2018, 1, 22, 17, 53), "Mateo Silva", TEXT, "jealous. eat a pastel de nata for me"),
        (datetime(2018, 1, 22, 18, 10), "Emma Ward", MEDIA, "the tram up the hill"),  # a video with words
        (datetime(2018, 1, 23, 7, 2), "Mateo Silva", MEDIA, "<audio>"),
    ]
    assert (group.group, group.me, [m.author for m in group.messages]) == (
        True, "Mateo Silva", ["Noah Kim", "Emma Ward", "Mateo Silva"])


def test_the_list_page_named_reads_the_pages_it_links_once_and_a_page_alone_has_no_owner(tmp_path: Path) -> None:
    named = read(MATEO_LIST)
    assert [(c.title, c.source, len(c.messages)) for c in named] == [
        ("Emma Ward", str(MATEO_LIST), 6), ("Emma Ward, Noah Kim", str(MATEO_LIST), 3)]
    shutil.copy(MATEO / "messages" / "1.html", tmp_path / "1.html")
    [alone] = read(tmp_path / "1.html")
    assert (alone.me, alone.group, alone.title) == (None, True, "Emma Ward, Noah Kim")
    assert read(tmp_path / "1.html", ImportOptions(me="Mateo Silva"))[0].me == "Mateo Silva"


def test_someone_in_most_thread_pages_by_their_id_is_not_taken_for_the_owner(tmp_path: Path) -> None:
    gone = "100003334445556@facebook.com"  # a friend whose account is gone, in both of the owner's threads
    (tmp_path / "html").mkdir()
    (tmp_path / "messages").mkdir()
    (tmp_path / "html" / "messages.htm").write_text(
        '<html><head><title>Ivo Maas - Messages</title></head><body><div class="contents"><h1>Ivo Maas</h1><div>'
        '<p><a href="../messages/0.html">a</a></p><p><a href="../messages/1.html">b</a></p></div></div></body></html>',
        encoding="utf-8")
    threads = [([Rec(datetime(2017, 11, 3, 9, 0), gone, "ferry at nine"),
                 Rec(datetime(2017, 11, 3, 9, 5), "Ivo Maas", "on my way")], [gone]),
               ([Rec(datetime(2017, 11, 4, 9, 0), gone, "who has the map"),
                 Rec(datetime(2017, 11, 4, 9, 5), "Ivo Maas", "Nel does")], [gone, "Nel Bak"])]
    for n, (records, others) in enumerate(threads):
        page = render_messenger_legacy(records, owner="Ivo Maas", others=others, layout="page")
        (tmp_path / "messages" / f"{n}.html").write_text(page, encoding="utf-8")
    alone, group = read(tmp_path / "html" / "messages.htm")
    assert [(m.author, m.text) for m in alone.messages] == [(gone, "ferry at nine"), ("Ivo Maas", "on my way")]
    assert (alone.title, alone.group, group.title) == (gone, False, f"{gone}, Nel Bak")


def test_a_zip_of_the_archive_reads_only_its_messages_and_reports_nothing_else(tmp_path: Path) -> None:
    archive = tmp_path / "facebook-sofiaberg.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(SOFIA.rglob("*")):
            zf.write(f, f"facebook-sofiaberg/{f.relative_to(SOFIA)}")
        for f in sorted(MATEO.rglob("*")):
            zf.write(f, f"facebook-mateosilva/{f.relative_to(MATEO)}")
    skipped: list[str] = []
    found = [(source.filename, c.title, c.me) for source, chats in
             read_paths([archive], on_skip=lambda source, _: skipped.append(source.name)) for c in chats]
    assert skipped == []  # wall.htm, index.htm, style.css: not claimed at all
    assert [name for name, *_ in found] == ["0.html", "1.html"] + ["messages.htm"] * 5
    assert ("0.html", "Emma Ward", "Mateo Silva") in found  # the owner from the list page in the zip


def test_a_block_the_file_repeats_is_read_once() -> None:
    text = SOFIA_PAGE.read_text(encoding="utf-8")
    start = text.index('<div class="thread">Marek Novak')
    block = text[start: text.index('<div class="thread">', start + 1)]
    chats = {c.title: c for c in read_text(text.replace(block, block * 2))}
    assert len(chats["Marek Novak"].messages) == 2 and len(chats["Marek Novak"].system_events) == 1


def test_a_thread_whose_blocks_list_the_owner_once_by_name_and_once_by_id_is_one_chat() -> None:
    def block(people: str, user: str, meta: str, words: str) -> str:
        return (f'<div class="thread">{people}<div class="message"><div class="message_header"><span class="user">'
                f'{user}</span><span class="meta">{meta}</span></div></div><p>{words}</p></div>')

    owner_id = "100002223334445&#064;facebook.com"
    page = ('<html><head><title>Lina Vos - Messages</title></head><body><div class="contents"><h1>Lina Vos</h1>'
            + block("Lina Vos, Piet Dam", "Piet Dam", "Friday, 3 March 2017 at 10:05 UTC+01", "bring the oars")
            + block(f"{owner_id}, Piet Dam", "Lina Vos", "Friday, 3 March 2017 at 10:01 UTC+01", "boat at ten?")
            + block(f"{owner_id}, Saar Bos", "Saar Bos", "Thursday, 2 March 2017 at 09:00 UTC+01", "hoi")
            + "</div></body></html>")
    piet, saar = read_text(page)
    assert (piet.title, saar.title) == ("Piet Dam", "Saar Bos")
    assert [(m.author, m.text) for m in piet.messages] == [("Lina Vos", "boat at ten?"), ("Piet Dam", "bring the oars")]


def test_detection_claims_the_archives_messages_and_no_other_file() -> None:
    mine = [SOFIA_PAGE, JORDAN_PAGE, MATEO_LIST, MATEO / "messages" / "0.html", MATEO / "messages" / "1.html"]
    for path in mine:
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "messenger_legacy", path
    importer = LegacyMessengerImporter()
    for path in [SOFIA / "html" / "wall.htm", SOFIA / "index.htm", SOFIA / "html" / "style.css"]:
        assert importer.sniff(Source(str(path), path=path), path.read_bytes()) == 0.0, path
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and HERE not in p.parents]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert importer.sniff(source, source.head()) == 0.0, path


SAME_INSTANT = datetime(2017, 3, 14, 20, 4, tzinfo=UTC)


@pytest.mark.parametrize("written", [
    "Tuesday, 14 March 2017 at 21:04 UTC+01",  # English (UK)
    "Tuesday, March 14, 2017 at 9:04pm UTC+01",  # English (US), 12-hour
    "Tuesday, March 14, 2017 at 21:04 UTC+01",  # English (US), 24-hour
    "Tuesday, March 14, 2017 at 1:04pm PDT",  # a US zone by name
    "Tuesday, March 14, 2017 at 9:04 PM UTC+01",  # 12-hour, PM in capitals after a space: no zone name
    "Tuesday, March 14, 2017 at 1:04 PM PDT",
    "Wednesday, March 15, 2017 at 12:04 AM UTC+04",  # midnight
    "Tuesday, 14 March 2017 at 20:04 UTC",
    "Wednesday, 15 March 2017 at 01:34 UTC+05:30",
    "martes, 14 de marzo de 2017 a las 21:04 UTC+01",  # Spanish
    "Miércoles, 15 de marzo de 2017 a la 1:04 UTC+05",  # Spanish, one o'clock
    "mardi 14 mars 2017, 21:04 UTC+01",  # French
    "Dienstag, 14. März 2017 um 21:04 UTC+01",  # German
    "Martedì 14 marzo 2017 alle ore 21:04 UTC+01",  # Italian
    "dinsdag 14 maart 2017 om 21:04 UTC+01",  # Dutch
    "den 14 mars 2017 kl. 21:04 UTC+01",  # Swedish
    "14. mars 2017 kl. 21:04 UTC+01",  # Norwegian
    "14. marts 2017 kl. 21:04 UTC+01",  # Danish
    "2017. március 14., 21:04 UTC+01",  # Hungarian
    "14 martie 2017 la 21:04 UTC+01",  # Romanian
    "14 marzec 2017 o 21:04 UTC+01",  # Polish
    "14. březen 2017 v 21:04 UTC+01",  # Czech
    "14. ožujka 2017 u 21:04 CET UTC+01",  # Croatian: a zone name before the offset
    "14. март 2017. у 21:04 UTC+01",  # Serbian
    "14. maaliskuuta 2017 kello 21:04 UTC+01",  # Finnish
    "14 марта 2017 г. в 21:04 UTC+01",  # Russian
    "2017 m. kovo 14 d., 21:04 UTC+01",  # Lithuanian
    "14 de março de 2017 às 21:04 UTC+01",  # Portuguese
])
def test_meta_times_in_each_language_facebook_wrote_are_one_instant(written: str) -> None:
    assert meta_instant(written) == int(SAME_INSTANT.timestamp())


@pytest.mark.parametrize(("written", "expected"), [
    ("Tuesday, 14 March 2017 at 21:04 IST", "could be more than one zone"),
    ("Tuesday, 14 March 2017 at 21:04", "a time zone at the end"),
    ("Tuesday, March 14, 2017 at 9:04 PM", "a time zone at the end"),  # PM is no zone
    ("Tuesday, 30 February 2017 at 21:04 UTC+01", "a message time"),
    ("Tuesday, 14 March 2017 at 13:04pm UTC+01", "a message time"),
    ("14 listopada 2017 o 21:04 UTC+01", "a message time"),  # Polish November or Croatian October: not guessed
    ("yesterday at 21:04 UTC+01", "a message time"),
    ("Tuesday, 14 March 99999 at 21:04 UTC+01", "a message time"),
])
def test_a_time_that_is_not_one_is_refused_with_what_was_expected(written: str, expected: str) -> None:
    with pytest.raises(LegacyTimeError, match=expected):
        meta_instant(written)


MAREK_TIME = '<span class="meta">Thursday, 3 March 2016 at 20:41 UTC+01</span>'


@pytest.mark.parametrize(("meta", "expected"), [
    ('<span class="meta">Thursday, 3 March 2016 at 20:41 BST</span>', "could be more than one zone"),
    ('<span class="meta">soon</span>', "a time zone at the end"),
    ("", "a message time"),
])
def test_a_broken_time_is_an_error_naming_the_file_and_its_message_line(meta: str, expected: str) -> None:
    text = SOFIA_PAGE.read_text(encoding="utf-8").replace('<div class="message">', '\n<div class="message">')
    with pytest.raises(ImportFormatError, match=expected) as caught:
        read_text(text.replace(MAREK_TIME, meta))
    assert caught.value.line == line_of(text, MAREK_TIME) and "messages.htm" in str(caught.value)


def test_a_cut_off_page_or_bytes_that_are_not_utf8_are_errors_naming_the_line() -> None:
    text = SOFIA_PAGE.read_text(encoding="utf-8").replace("<div class=\"message\">", "\n<div class=\"message\">")
    with pytest.raises(ImportFormatError, match="cut off"):
        read_text(text[: text.index("hey you")])
    data = text.encode("utf-8").replace(b"can&#039;t", b"can\xe2t")
    with pytest.raises(ImportFormatError, match="UTF-8") as caught:
        read_text(data)
    assert caught.value.line == line_of(text, "can&#039;t")


def test_facebooks_error_page_is_an_error_saying_the_messages_are_missing() -> None:
    page = ('<html><head><title>Sam Lee - Messages</title></head><body><div class="nav"><ul><li class="selected">'
            'Messages</li></ul></div><div class="contents"><h1>Sam Lee</h1><div><div>There was an error loading the '
            "data for this page. We are sorry for the inconvenience and are working to fix the problem.</div></div>"
            '</div><div class="footer">Downloaded by Sam Lee on Monday, May 4, 2015 at 2:44am UTC</div></body></html>')
    with pytest.raises(ImportFormatError, match="could not put them in this download"):
        read_text(page)


def test_a_list_page_linking_a_missing_thread_page_is_an_error_naming_the_link(tmp_path: Path) -> None:
    shutil.copytree(MATEO, tmp_path / "archive")
    (tmp_path / "archive" / "messages" / "1.html").unlink()
    listing = tmp_path / "archive" / "html" / "messages.htm"
    with pytest.raises(ImportFormatError, match=r"\.\./messages/1\.html") as caught:
        read(listing)
    assert caught.value.line == 1


RECORDS = [
    Rec(datetime(2016, 12, 31, 23, 58), "Léa Moreau", "t'es bien arrivée ? ✈️"),
    Rec(datetime(2016, 12, 31, 23, 59), "Omar Said", "à l'instant !!\n\ntu me manques <3 & co"),
    Rec(datetime(2017, 1, 1, 0, 4), "Omar Said", "<media>", "media"),
    Rec(datetime(2017, 1, 1, 0, 4), "Omar Said", "bonne année"),
    Rec(datetime(2017, 1, 1, 12, 3), "Léa Moreau", "déjeuner à midi ?"),
]


@pytest.mark.parametrize(("layout", "clock", "offset"), [
    ("list", "uk", 60), ("list", "us", -300), ("list", "es", -240), ("page", "us", 330)])
def test_a_rendered_thread_reads_back(layout: str, clock: str, offset: int) -> None:
    text = render_messenger_legacy(RECORDS, owner="Léa Moreau", others=["Omar Said"], layout=layout, clock=clock,
                                   offset_minutes=offset)
    [chat] = read_text(text, "messages.htm" if layout == "list" else "3.html", me="Léa Moreau")
    assert [(m.ts, m.author, m.kind.value, m.text) for m in chat.messages] == [
        (r.ts, r.author, r.kind, r.text) for r in RECORDS]
    assert (chat.title, chat.me, chat.group) == ("Omar Said", "Léa Moreau", False)


def test_the_renderer_writes_times_as_facebook_did() -> None:
    at = datetime(2017, 3, 14, 20, 4, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert meta_text(at) == "Tuesday, 14 March 2017 at 21:04 UTC+01"
    assert meta_text(at, "us", -420, "PDT") == "Tuesday, March 14, 2017 at 1:04pm PDT"
    assert meta_text(at, "es", -240) == "Martes, 14 de marzo de 2017 a las 16:04 UTC-04"


_NAMES = st.sampled_from(["Ana Lima", "Bo Chen", "Zoë Ångström", "Kai"])
_WORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"), min_size=1, max_size=40
                 ).map(str.strip).filter(lambda w: w != "" and "Facebook" not in w)


@settings(max_examples=80, deadline=None)
@given(start=st.datetimes(datetime(2008, 1, 1), datetime(2018, 4, 1)),
       steps=st.lists(st.tuples(st.integers(0, 3000), _NAMES, _WORDS, st.sampled_from(["text", "text", "media"])),
                      min_size=1, max_size=10),
       layout=st.sampled_from(["list", "page"]), clock=st.sampled_from(["uk", "us", "es"]),
       offset=st.sampled_from([0, 60, -300, 330, 600]), newest_first=st.booleans())
def test_any_rendered_thread_reads_back(start: datetime, steps: list[tuple[int, str, str, str]], layout: str,
                                        clock: str, offset: int, newest_first: bool) -> None:
    with local_time("UTC"):  # no hour skipped or repeated: each local time is one instant
        ts, records = start.replace(second=0, microsecond=0), []
        for minutes, author, words, kind in steps:
            ts += timedelta(minutes=minutes)
            media = {"list": "<media>", "page": "<photo>"}[layout]
            records.append(Rec(ts, author, media if kind == "media" else words, kind))
        people = sorted({r.author for r in records} | {"Kai", "Ana Lima"})
        text = render_messenger_legacy(records, owner="Kai", others=[p for p in people if p != "Kai"], layout=layout,
                                       clock=clock, offset_minutes=offset, newest_first=newest_first)
        [chat] = read_text(text, "messages.htm" if layout == "list" else "7.html", me="Kai")
    got = [(m.ts, m.author, m.kind.value, m.text) for m in chat.messages]
    want = [(r.ts, r.author, r.kind, r.text) for r in records]
    assert sorted(got) == sorted(want)  # a minute's messages may swap where the file runs the other way
    assert [m.ts for m in chat.messages] == sorted(m.ts for m in chat.messages)


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(0, 4000), junk=st.binary(max_size=40) | st.sampled_from(
    [b"<p>", b"</div>", b'<div class="thread">', b'<span class="meta">', b"&#99999999;", b"<!", b"\xff",
     b"UTC+99", b"9999", b'<div class="message">']), keep_tail=st.booleans())
def test_any_damaged_page_either_reads_or_raises_a_format_error(cut: int, junk: bytes, keep_tail: bool) -> None:
    data = SOFIA_PAGE.read_bytes()
    at = cut % len(data)
    damaged = data[:at] + junk + (data[at:] if keep_tail else b"")
    with contextlib.suppress(ImportFormatError):
        for chat in read_text(damaged):
            assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
            assert all(a.ts <= b.ts or a.ts - b.ts <= timedelta(hours=1) for a, b in
                       zip(chat.messages, chat.messages[1:], strict=False))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_meta_text_reads_or_raises_a_format_error(meta: str) -> None:
    text = JORDAN_PAGE.read_text(encoding="utf-8").replace("Monday, November 3, 2014 at 9:00am PST", meta, 1)
    with contextlib.suppress(ImportFormatError):
        read_text(text)
