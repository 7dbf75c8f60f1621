"""The Snapchat importer reads "Download My Data": chat_history.json (newer and old layouts) and the chat pages."""

from __future__ import annotations

import contextlib
import json
import shutil
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.snapchat import render_snapchat, render_snapchat_legacy, render_snapchat_page
from tests.ingest._json_fuzz import damaged
from tests.ingest._records import Rec, parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.snapchat import SnapchatImporter
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
SNAP = FIXTURES / "snapchat"
DOWNLOAD = SNAP / "mydata~1710412345678"
CHATS = DOWNLOAD / "json" / "chat_history.json"
PAGES = DOWNLOAD / "html" / "chat_history"
NOOR_PAGE = PAGES / "subpage_noor.h.html"
HIKE = "1f3c5a7e-2b4d-4e6f-8a9b-0c1d2e3f4a5b"
HIKE_PAGE = PAGES / f"subpage_{HIKE}.html"
OLD = SNAP / "mydata_2021" / "json" / "chat_history.json"
NOT_CHATS = [DOWNLOAD / "html" / "chat_history.html", PAGES / "subpage_samir.a.html",
             DOWNLOAD / "json" / "snap_history.json"]
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED


@pytest.fixture(autouse=True)
def paris_time() -> Iterator[None]:
    """Snapchat writes UTC; the importer shows the machine's local time (UTC+1 in March 2024)."""
    with local_time("Europe/Paris"):
        yield


def read(path: Path, options: ImportOptions | None = None) -> list[Conversation]:
    [(_, conversations)] = list(read_paths([path], options or ImportOptions()))
    assert all(c.source_format == "snapchat" for c in conversations)
    return conversations


def by_id(path: Path, options: ImportOptions | None = None) -> dict[str | None, Conversation]:
    return {c.chat_id: c for c in read(path, options)}


def parse_text(text: str, name: str = "chat_history.json", me: str | None = None) -> list[Conversation]:
    def parse(path: Path) -> list[Conversation]:
        return list(SnapchatImporter().parse(Source(str(path), path=path), ImportOptions(me=me)))

    return parse_written(text, name, parse)


def at(day: int, hour: int, minute: int, second: int, ms: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, second, ms * 1000)


def test_the_newer_json_reads_a_chat_oldest_first_to_the_millisecond_in_local_time() -> None:
    noor = by_id(CHATS)["noor.h"]
    assert (noor.title, noor.me, noor.group, noor.is_group) == ("noor.h", "lea.moreau", None, False)
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in noor.messages] == [
        (0, at(9, 21, 10, 12, 523), "noor.h", TEXT, "tu passes au marché demain ? 🧺"),
        # the same second: the milliseconds order them, though the file lists them the other way
        (1, at(9, 21, 11, 30, 10), "lea.moreau", TEXT, "attends"),
        (2, at(9, 21, 11, 30, 310), "lea.moreau", TEXT, "ok je note :\n- pain\n- fromage\n- clémentines"),
        (3, at(9, 21, 12, 5, 77), "noor.h", MEDIA, "regarde la vue d'ici !! 😍"),  # a photo's caption
        (4, at(9, 21, 12, 48, 600), "lea.moreau", MEDIA, "<media>"),
        (5, at(9, 21, 13, 20, 42), "noor.h", MEDIA, "<voice note>"),
        (6, at(9, 21, 13, 59, 999), "noor.h", MEDIA, "<sticker>"),
        (7, at(9, 21, 14, 2, 250), "lea.moreau", MEDIA, "<share>"),
        (8, at(9, 21, 15, 0, 900), "lea.moreau", DELETED, ""),  # STATUSERASEDMESSAGE: she deleted a chat
        (9, at(9, 23, 29, 41, 118), "lea.moreau", DELETED, ""),  # an unsaved chat: Snapchat kept no words
        (10, at(9, 23, 30, 0, 5), "noor.h", TEXT, "bonne nuit 🌙"),
    ]
    assert [(e.ts, e.author, e.text) for e in noor.system_events] == [
        (at(9, 21, 14, 30, 1), "noor.h", "took a screenshot"),
        (at(9, 22, 2, 10, 400), "noor.h", "missed voice call"),
    ]


def test_groups_are_titled_by_their_name_or_by_who_wrote_and_the_user_is_who_isSender_marks() -> None:
    chats = by_id(CHATS)
    assert list(chats) == ["noor.h", HIKE, "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b"]  # the file's order
    hike = chats[HIKE]
    assert (hike.title, hike.group, hike.me) == ("Rando du dimanche 🥾", True, "lea.moreau")
    assert [(m.author, m.kind) for m in hike.messages] == [("zoé.b", TEXT), ("jonas_k", DELETED), ("lea.moreau", TEXT)]
    assert [(e.author, e.text) for e in hike.system_events] == [("jonas_k", "removed from the group")]
    untitled = chats["9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b"]  # a UUID key without a name: a group all the same
    assert (untitled.title, untitled.group, untitled.me) == ("inès_r, samir.a", True, "lea.moreau")


def test_the_users_entries_are_named_by_the_most_common_sender_name_and_me_falls_back_to_the_option() -> None:
    def entry(name: str, second: int, sender: bool) -> dict[str, object]:
        return {"From": name, "Media Type": "TEXT", "Created": f"2024-03-01 10:00:0{second} UTC", "Content": "hi",
                "IsSender": sender}

    # newest first; a user name changed since (or a stray one) is outvoted
    entries = {"ana": [entry("ana_old", 3, True), entry("ana", 2, False), entry("ana_new", 1, True),
                       entry("ana_new", 0, True)]}
    [chat] = parse_text(json.dumps(entries), me="someone else")
    assert chat.me == "ana_new" and [m.author for m in chat.messages] == ["ana_new", "ana_new", "ana", "ana_new"]
    received_only = {"bo": [{"From": "bo", "Media Type": "TEXT", "Created": "2024-03-01 10:00:00 UTC", "Content": "?",
                             "IsSender": False, "IsSaved": True}]}
    assert parse_text(json.dumps(received_only), me="Léa")[0].me == "Léa"
    assert parse_text(json.dumps(received_only))[0].me is None


def test_the_html_pages_read_the_same_chats_as_the_json_to_the_second() -> None:
    from_json = by_id(CHATS)
    for page in (NOOR_PAGE, HIKE_PAGE):
        [chat] = read(page, ImportOptions(me="lea.moreau"))
        twin = from_json[chat.chat_id]
        assert (chat.title, chat.group, chat.me) == (twin.title, twin.group, "lea.moreau")
        assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
            (m.ts.replace(microsecond=0), m.author, m.kind, m.text) for m in twin.messages]
        assert [(e.author, e.text) for e in chat.system_events] == [(e.author, e.text) for e in twin.system_events]
    assert read(NOOR_PAGE)[0].me is None  # the page does not say who the user is


def test_a_whole_download_reads_every_chat_once_and_skips_the_list_page_snap_pages_and_snap_history() -> None:
    skipped: list[str] = []
    read = read_paths([DOWNLOAD], on_skip=lambda source, _: skipped.append(source.name))
    found = [(source.filename, c.chat_id) for source, chats in read for c in chats]
    # the HTML pages hold the same chats as the JSON beside them: read once, from the JSON
    assert sorted(found) == sorted([
        ("chat_history.json", "noor.h"), ("chat_history.json", HIKE),
        ("chat_history.json", "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b"),
    ])
    assert skipped == []  # not claimed at all: nothing to report


def test_the_pages_of_a_download_without_its_json_are_read_from_a_folder_or_a_zip(tmp_path: Path) -> None:
    html_only = tmp_path / "mydata"
    shutil.copytree(DOWNLOAD / "html", html_only / "html")
    found = [c.chat_id for _, chats in read_paths([html_only]) for c in chats]
    assert sorted(found) == sorted(["noor.h", HIKE])
    for part in (DOWNLOAD / "html", DOWNLOAD / "html" / "chat_history"):  # the JSON is there, but not given
        found = [c.chat_id for _, chats in read_paths([part]) for c in chats]
        assert sorted(found) == sorted(["noor.h", HIKE])
    archive = tmp_path / "mydata.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(DOWNLOAD.rglob("*")):
            if f.is_file():
                zf.write(f, f"mydata/{f.relative_to(DOWNLOAD)}")
    in_zip = [(source.filename, c.chat_id) for source, chats in read_paths([archive]) for c in chats]
    assert sorted(in_zip) == sorted([("chat_history.json", "noor.h"), ("chat_history.json", HIKE),
                                     ("chat_history.json", "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b")])


@pytest.mark.parametrize("path", NOT_CHATS, ids=lambda p: p.name)
def test_files_of_the_download_that_are_not_chats_are_refused_as_not_this_format(path: Path) -> None:
    source = Source(str(path), path=path)
    assert SnapchatImporter().sniff(source, source.head()) == 0.0
    with pytest.raises(UnknownFormatError):
        list(SnapchatImporter().parse(source, ImportOptions()))


def test_the_old_json_makes_one_chat_per_person_from_sent_and_received_lists_merged_by_time() -> None:
    chats = by_id(OLD)
    tomas, mei = chats["tomás_ruiz"], chats["mei.lin"]
    assert (tomas.title, tomas.me, tomas.group) == ("tomás_ruiz", "me", None)
    assert [(m.ts, m.author, m.kind, m.text) for m in tomas.messages] == [
        (datetime(2021, 6, 18, 21, 40, 52), "tomás_ruiz", MEDIA, "<media>"),  # UTC+2 in June
        (datetime(2021, 6, 18, 21, 41, 7), "tomás_ruiz", TEXT, "¿llegaste bien? 🏠"),
        (datetime(2021, 6, 18, 21, 43, 20), "me", TEXT, "sí, gracias\nnos vemos el sábado"),
        (datetime(2021, 6, 19, 14, 0, 45), "tomás_ruiz", DELETED, ""),  # unsaved: no words
        (datetime(2021, 6, 19, 14, 1, 10), "tomás_ruiz", MEDIA, "<voice note>"),
        (datetime(2021, 6, 19, 14, 4, 31), "me", DELETED, ""),
        (datetime(2021, 6, 19, 14, 5), "me", MEDIA, "<location>"),
    ]
    assert [(m.author, m.kind, m.text) for m in mei.messages] == [
        ("mei.lin", TEXT, "早安！明天見 ☀️"), ("me", MEDIA, "<sticker>")]
    named = by_id(OLD, ImportOptions(me="Léa"))["mei.lin"]
    assert named.me == "Léa" and named.people == ["mei.lin", "Léa"]


def test_the_2020_lists_without_words_and_types_left_empty_are_read() -> None:
    text = json.dumps({
        "Received Chat History": [{"From": "kai", "Media Type": "", "Created": "2020-01-02 04:50:37 UTC"},
                                  {"From": "kai", "Media Type": "TEXT", "Created": "2020-01-02 04:51:01 UTC"}],
        "Sent Chat History": [{"To": "kai", "Media Type": "VIDEO", "Created": "2020-01-02 04:50:40 UTC"}],
    })
    [chat] = parse_text(text, me="Léa")
    assert [(m.ts.minute, m.ts.second, m.author, m.kind, m.text) for m in chat.messages] == [
        (50, 37, "kai", MEDIA, "<media>"), (50, 40, "Léa", MEDIA, "<video>"), (51, 1, "kai", DELETED, "")]


def test_types_unknown_to_the_importer_are_media_or_notices_never_lost() -> None:
    text = json.dumps({"ana": [
        {"From": "ana", "Media Type": "STATUSSOMETHINGNEW", "Created": "2024-03-01 10:00:03 UTC", "Content": None},
        {"From": "ana", "Media Type": "NONPARTICIPANTBOTRESPONSE", "Created": "2024-03-01 10:00:02 UTC",
         "Content": "Here are three ideas for Saturday!"},
        {"From": "ana", "Media Type": "HOLOGRAM", "Created": "2024-03-01 10:00:01 UTC", "Content": ""},
        {"From": "ana", "Media Type": "STATUSCALLENDEDVIDEO", "Created": "2024-03-01 10:00:00 UTC", "Content": None,
         "IsSender": False, "IsSaved": False},
    ]})
    [chat] = parse_text(text)
    assert [(m.kind, m.text) for m in chat.messages] == [(MEDIA, "<hologram>")]
    assert [e.text for e in chat.system_events] == [
        "video call ended", "Here are three ideas for Saturday!", "STATUSSOMETHINGNEW"]


def test_created_microseconds_holds_milliseconds_and_is_used_only_where_it_agrees_with_created() -> None:
    def entry(created: str, precise: int) -> dict[str, object]:
        return {"From": "ana", "Media Type": "TEXT", "Created": created, "Content": "x", "IsSender": False,
                "Created(microseconds)": precise, "IsSaved": True}

    text = json.dumps({"ana": [
        entry("2024-03-01 10:00:02 UTC", 1709287202_123_456),  # real microseconds, as the name says
        entry("2024-03-01 10:00:01 UTC", 1709287201_250),  # milliseconds, as every real file has
        entry("2024-03-01 10:00:00 UTC", 1609287200_000),  # a year off: Created is trusted
    ]})
    [chat] = parse_text(text)
    assert [m.ts for m in chat.messages] == [
        datetime(2024, 3, 1, 11, 0), datetime(2024, 3, 1, 11, 0, 1, 250_000), datetime(2024, 3, 1, 11, 0, 2, 123_000)]


def test_utc_times_become_the_machines_local_time() -> None:
    with local_time("America/New_York"):
        noor = by_id(CHATS)["noor.h"]
        [page] = read(NOOR_PAGE)
        old = by_id(OLD)["mei.lin"]
    assert noor.messages[0].ts == datetime(2024, 3, 9, 15, 10, 12, 523_000)  # 20:10:12 UTC is 15:10 (EST)
    assert page.messages[0].ts == datetime(2024, 3, 9, 15, 10, 12)
    assert old.messages[0].ts == datetime(2021, 6, 20, 4, 15, 33)  # EDT in June


def test_a_conversation_that_is_no_list_stops_a_folder_import_naming_it(tmp_path: Path) -> None:
    entry = {"From": "ana", "Media Type": "TEXT", "Created": "2024-03-01 10:00:00 UTC", "Content": "hi",
             "IsSender": False, "IsSaved": True}
    (tmp_path / "chat_history.json").write_text(json.dumps({"ana": [entry], "bo": None}), encoding="utf-8")
    with pytest.raises(ImportFormatError, match="at bo: expected a list"):  # not skipped as "not Snapchat"
        list(read_paths([tmp_path]))


def test_entries_keep_their_order_in_the_hour_the_clocks_go_back() -> None:
    def entry(created: str, words: str) -> dict[str, object]:
        return {"From": "ana", "Media Type": "TEXT", "Created": created, "Content": words, "IsSender": False}

    text = json.dumps({"ana": [entry("2024-10-27 01:15:00 UTC", "yes, 3 is fine"),  # newest first
                               entry("2024-10-27 00:45:00 UTC", "still up? is 3 ok tomorrow")]})
    with local_time("Europe/Berlin"):  # 00:45 UTC is 02:45 summer time, 01:15 UTC is 02:15 winter time
        [chat] = parse_text(text)
    assert [(m.ts, m.text) for m in chat.messages] == [
        (datetime(2024, 10, 27, 2, 45), "still up? is 3 ok tomorrow"),
        (datetime(2024, 10, 27, 2, 15), "yes, 3 is fine"),
    ]


ENTRY = ('{"From": "ana", "Media Type": "TEXT", "Created": "2024-03-01 10:00:00 UTC", "Content": "hi", '
         '"IsSender": false}')


@pytest.mark.parametrize(("text", "path", "expected"), [
    ('{"ana": [' + ENTRY.replace('"From": "ana", ', "") + "]}", "ana[0].From", "a string"),
    ('{"ana": [' + ENTRY.replace('"Created": "2024-03-01 10:00:00 UTC", ', "") + "]}", "ana[0].Created", "a string"),
    ('{"ana": [' + ENTRY.replace("UTC", "+0100") + "]}", "ana[0].Created", "a time like"),
    ('{"ana": [' + ENTRY.replace("03-01 10", "02-30 10") + "]}", "ana[0].Created", "a time like"),
    ('{"ana": [' + ENTRY.replace('"IsSender": false', '"IsSender": "yes"') + "]}", "ana[0].IsSender", "true or false"),
    ('{"ana": [' + ENTRY.replace('"hi"', "42") + "]}", "ana[0].Content", "a string or null"),
    ('{"ana": [' + ENTRY.replace('"TEXT"', "null") + "]}", "ana[0].Media Type", "a string"),
    ('{"ana": [' + ENTRY.replace("}", ', "Created(microseconds)": "soon"}') + "]}", "ana[0].Created(microseconds)",
     "a whole number"),
    ('{"ana": [' + ENTRY + ', "oops"]}', "ana[1]", "a JSON object"),
    ('{"Sent Saved Chat History": [{"From": "x", "Media Type": "TEXT", "Created": "2021-01-01 00:00:00 UTC"}]}',
     "Sent Saved Chat History[0].To", "a string"),
    ('{"Received Saved Chat History": [], "Friends": []}', "Friends", "old layout's lists"),
    ('{"Received Saved Chat History": {"From": "x"}}', "Received Saved Chat History", "a list"),
])
def test_broken_fields_are_format_errors_naming_their_json_path(text: str, path: str, expected: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(text)
    assert caught.value.json_path == path and expected in caught.value.expected
    assert not isinstance(caught.value, UnknownFormatError)


def test_a_truncated_file_is_an_error_naming_its_line() -> None:
    text = CHATS.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        parse_text(text[: len(text) // 2])
    assert caught.value.line is not None and caught.value.line > 10 and "JSON document" in caught.value.expected


@pytest.mark.parametrize("text", ['{"messages": [{"sender_name": "x"}]}', '{"name": "x", "id": 3}', "{}"])
def test_other_json_named_as_snapchat_is_not_this_format(text: str) -> None:
    if text == "{}":
        assert parse_text(text) == []  # a download with no chats at all
        return
    with pytest.raises(UnknownFormatError):
        parse_text(text)


def test_a_page_cut_off_or_with_a_broken_entry_is_an_error_naming_its_line() -> None:
    page = NOOR_PAGE.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match="cut off"):
        parse_written(page[: page.index("bonne nuit") + 5], "subpage_noor.h.html", lambda p: read(p))
    no_time = page.replace("2024-03-09 20:13:59 UTC", "")
    with pytest.raises(ImportFormatError) as caught:
        parse_written(no_time, "subpage_noor.h.html", lambda p: read(p))
    assert "a time like" in caught.value.expected and caught.value.line == page.count("\n", 0, page.index("13:59")) + 1
    no_sender = page.replace('<h4 style="float: left ">noor.h</h4>', "", 1)
    with pytest.raises(ImportFormatError, match="the sender"):
        parse_written(no_sender, "subpage_noor.h.html", lambda p: read(p))


@settings(max_examples=150, deadline=None)
@given(broken=damaged(json.loads(CHATS.read_text(encoding="utf-8"))))
def test_any_damage_to_a_real_layout_reads_or_raises_a_format_error(broken: object) -> None:
    with contextlib.suppress(ImportFormatError):
        for chat in parse_text(json.dumps(broken)):
            assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
            assert all(a.ts <= b.ts for a, b in zip(chat.messages, chat.messages[1:], strict=False))


@settings(max_examples=60, deadline=None)
@given(broken=damaged(json.loads(OLD.read_text(encoding="utf-8"))))
def test_any_damage_to_the_old_layout_reads_or_raises_a_format_error(broken: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(broken))


RECORDS = [
    Rec(datetime(2024, 12, 31, 23, 58, 1, 250_000), "nadia.p", "t'es bien arrivée ? ✈️"),
    Rec(datetime(2024, 12, 31, 23, 59, 59, 999_000), "théo_v", "à l'instant !!\n\ntu me manques"),
    Rec(datetime(2025, 1, 1, 0, 4), "théo_v", "<media>", "media"),
    Rec(datetime(2025, 1, 1, 0, 4, 30), "théo_v", "le feu d'artifice <3 & co", "media"),
    Rec(datetime(2025, 1, 1, 12, 2, 30), "nadia.p", "oups", "deleted"),
    Rec(datetime(2025, 1, 1, 12, 3), "nadia.p", "déjeuner à midi ?"),
]


def expected(records: list[Rec], *, seconds: bool = False) -> list[tuple[datetime, str, str, str]]:
    return [(r.ts.replace(microsecond=0) if seconds else r.ts, r.author, r.kind, "" if r.kind == "deleted" else r.text)
            for r in records]


def test_a_rendered_chat_reads_back_from_each_layout() -> None:
    def got(chat: Conversation) -> list[tuple[datetime, str, str, str]]:
        return [(m.ts, m.author, m.kind.value, m.text) for m in chat.messages]

    [new] = parse_text(render_snapchat(RECORDS, key="théo_v", me="nadia.p"))
    assert got(new) == expected(RECORDS) and new.me == "nadia.p" and new.chat_id == "théo_v"
    [group] = parse_text(render_snapchat(RECORDS, key=HIKE, me="nadia.p", title="Nouvel an 🎆"))
    assert (group.title, group.group) == ("Nouvel an 🎆", True)
    [old] = parse_text(render_snapchat_legacy(RECORDS, me="nadia.p", friend="théo_v"), me="nadia.p")
    assert got(old) == expected(RECORDS, seconds=True) and old.title == "théo_v"
    [page] = parse_written(render_snapchat_page(RECORDS, title="théo_v"), "subpage_théo_v.html", lambda p: read(p))
    assert got(page) == expected(RECORDS, seconds=True) and page.chat_id == "théo_v"


_NAMES = st.text(alphabet="abcxyzéü._-0123456789", min_size=1, max_size=12).filter(lambda n: n.strip() == n)
_WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r") | st.just("\n"),
                 min_size=1, max_size=40)
_KINDS = st.sampled_from(["text", "text", "media", "deleted"])


@settings(max_examples=80, deadline=None)
@given(start=st.datetimes(datetime(2012, 1, 1), datetime(2030, 1, 1)),
       steps=st.lists(st.tuples(st.integers(0, 10**8), _NAMES, _WORDS, _KINDS), min_size=1, max_size=8),
       layout=st.sampled_from(["json", "legacy", "page"]))
def test_any_rendered_chat_reads_back(start: datetime, steps: list[tuple[int, str, str, str]], layout: str) -> None:
    with local_time("UTC"):  # a zone without skipped or repeated hours: every local time is one instant
        ts, records = start.replace(microsecond=start.microsecond // 1000 * 1000), []
        for ms, author, words, kind in steps:
            ts += timedelta(milliseconds=ms)
            records.append(Rec(ts, author, words, kind))
        me = records[0].author
        if layout == "json":
            [chat] = parse_text(render_snapchat(records, key="k", me=me))
        elif layout == "legacy":
            friend = next((r.author for r in records if r.author != me), "friend")
            records = [r if r.author in (me, friend) else Rec(r.ts, friend, r.text, r.kind) for r in records]
            [chat] = parse_text(render_snapchat_legacy(records, me=me, friend=friend), me=me)
        else:
            [chat] = parse_written(render_snapchat_page(records, title="k"), "subpage_k.html", lambda p: read(p))
    got = [(m.ts, m.author, m.kind.value, m.text) for m in chat.messages]
    want = expected(records, seconds=layout != "json")
    assert sorted(got) == sorted(want)  # entries of one second (to the page's precision) may swap
    assert [m.ts for m in chat.messages] == sorted(m.ts for m in chat.messages)


def test_detection_claims_the_chat_files_and_nothing_else() -> None:
    for path in (CHATS, OLD, NOOR_PAGE, HIKE_PAGE):
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "snapchat", path
    importer = SnapchatImporter()
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and SNAP not in p.parents]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert importer.sniff(source, source.head()) == 0.0, path
