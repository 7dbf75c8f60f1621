"""The Google Chat importer reads a Takeout's conversations (messages.json beside group_info.json) and the
older Hangouts.json."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.google_chat import STYLES, render_google_chat, takeout_date
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import Rec
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.google_chat import GoogleChatImporter, takeout_time
from turntoward.model import Conversation, MessageKind, Reaction, SystemEvent

FIXTURES = Path(__file__).parent.parent / "fixtures"
GCHAT = FIXTURES / "google_chat"
TAKEOUT = GCHAT / "Takeout"
GROUPS = TAKEOUT / "Google Chat" / "Groups"
DM = GROUPS / "DM 8dJq2AAAAAE" / "messages.json"
SPACE = GROUPS / "Space AAAAx7Yv0Qk" / "messages.json"
BRITISH = GCHAT / "british" / "Google Chat" / "Groups" / "DM Qm4nR2AAAAE" / "messages.json"
HUNGARIAN = GCHAT / "hungarian" / "DM Hu7xYzAAAAE" / "messages.json"
THREADS = GCHAT / "threads" / "Google Chat" / "Groups" / "DM Lp4Wq8AAAAE" / "messages.json"
HANGOUTS = GCHAT / "hangouts" / "Hangouts.json"
HANGOUTS_2014 = GCHAT / "hangouts_2014" / "Hangouts.json"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
MIRA, JONAS = "Mira Castellanos", "Jonas Øberg"


def read(path: Path, options: ImportOptions | None = None) -> Conversation:
    (conversation,) = GoogleChatImporter().parse(Source(str(path), path=path, named=True), options or ImportOptions())
    assert conversation.source_format == "google_chat"
    return conversation


def read_copy(path: Path, change: Callable[[dict], object], tmp_path: Path) -> Conversation:
    """`path` read after `change` was made to its document, in a copy of its folder."""
    folder = tmp_path / path.parent.name
    shutil.copytree(path.parent, folder)
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    (folder / path.name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return read(folder / path.name)


def at(day: int, hour: int, minute: int, second: int, month: int = 3, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, second)


def test_a_dm_reads_words_files_links_quotes_edits_and_reactions_in_local_time() -> None:
    with local_time("Europe/Paris"):  # UTC+1 in March
        dm = read(DM)
    assert (dm.title, dm.chat_id, dm.me, dm.group) == (JONAS, "DM 8dJq2AAAAAE", MIRA, False)
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in dm.messages] == [
        (0, at(12, 22, 4, 5), JONAS, TEXT, "are you still up? 🌙"),  # "9:04:05\u202fPM UTC"
        (1, at(12, 22, 6, 41), MIRA, TEXT, "yes! finishing the grant draft\nsection 3 is a mess"),
        (2, at(12, 22, 7, 2), JONAS, MEDIA, "<attachment>"),  # a photo without words
        (3, at(12, 22, 8, 15), MIRA, TEXT, "always 😅 you know me"),
        (4, at(12, 22, 11, 58), JONAS, TEXT, "coffee tomorrow at 9? ☕"),  # its first version's time
        (5, at(12, 22, 20, 47), MIRA, MEDIA, "https://docs.google.com/document/d/1tQ8vZ0kLmN3pR5sX7yB/edit"),
        (6, at(13, 0, 58, 30), JONAS, TEXT, "https://www.seat61.com/night-trains.htm"),  # a link without words
        (7, at(13, 1, 4, 10), MIRA, TEXT, "goodnight 💤"),  # 12:04:10 AM on the 13th
    ]
    assert [m.reply_to for m in dm.messages] == [None, None, None, 0, None, None, None, None]
    assert [m.edited for m in dm.messages] == [False, False, False, False, True, False, False, False]
    assert [(m.index, m.reactions) for m in dm.messages if m.reactions] == [
        (2, (Reaction(MIRA, "😂"),)),
        (4, (Reaction(MIRA, "❤️"),)),
        # a reactor who is no member of the conversation is named by their email
        (7, (Reaction(JONAS, "👍"), Reaction("old.account@example.org", "🌙"))),
    ]


def test_a_deletion_without_its_creator_and_a_meet_call_are_notices() -> None:
    with local_time("Europe/Paris"):
        dm = read(DM)
    assert [(e.ts, e.author, e.text) for e in dm.system_events] == [
        (at(12, 22, 15, 3), None, "message deleted"),  # Takeout leaves out who wrote it
        (at(12, 22, 31, 9), JONAS, "video call https://meet.google.com/qhz-wrtm-kpa"),
    ]


def test_a_space_is_a_group_named_by_group_info_with_tasks_deletions_and_quotes() -> None:
    with local_time("America/New_York"):  # UTC-4 in July
        space = read(SPACE)
    assert (space.title, space.chat_id, space.me, space.group) == ("Trail crew 🥾", "Space AAAAx7Yv0Qk", MIRA, True)
    assert [(m.ts, m.author, m.kind, m.text, m.reply_to) for m in space.messages] == [
        (at(6, 3, 45, 0, 7), "Aiyana Redcloud", TEXT, "Trail crew! Saturday: Mount Si loop, meet 8:30 at the lot 🥾",
         None),
        (at(6, 3, 52, 13, 7), "Kwame Mensah", TEXT, "I'm in. Bringing the good trail mix", None),  # no email
        (at(6, 4, 3, 27, 7), MIRA, TEXT, "Kwame's trail mix is legendary", 1),  # quotes Kwame by name and words
        (at(6, 4, 10, 42, 7), JONAS, DELETED, "oops wrong chat", None),  # deleted with its creator kept
        (at(6, 4, 15, 56, 7), JONAS, MEDIA, "route file, 14 km 🗺️", None),  # a file with words
    ]
    assert space.messages[0].reactions == (
        Reaction(MIRA, "🙌"), Reaction(JONAS, "🙌"), Reaction("Aiyana Redcloud", "🥾"))
    assert [(e.author, e.text) for e in space.system_events] == [("Aiyana Redcloud", "task created: Book the campsite")]


def test_an_export_without_a_users_folder_names_nobody_me_unless_asked() -> None:
    chat = read(BRITISH)
    assert (chat.title, chat.me, chat.group) == ("Siobhán Ní Bhriain, Leo Fairbairn", None, False)
    named = read(BRITISH, ImportOptions(me="Leo Fairbairn"))
    assert (named.title, named.me) == ("Siobhán Ní Bhriain", "Leo Fairbairn")


def test_british_and_hungarian_dates_with_a_24_hour_clock() -> None:
    with local_time("UTC"):
        british = read(BRITISH)
        hungarian = read(HUNGARIAN)
    assert [m.ts for m in british.messages] == [
        at(7, 17, 13, 43, 2, 2021), at(7, 17, 20, 1, 2, 2021), at(7, 17, 20, 30, 2, 2021), at(8, 8, 2, 9, 2, 2021),
    ]
    assert [(m.kind, m.reactions) for m in british.messages][2:] == [
        (MEDIA, ()), (TEXT, (Reaction("Leo Fairbairn", "👍"),)),
    ]
    # no group_info.json beside it: titled by its authors, group unknown
    assert (hungarian.title, hungarian.group) == ("Kovács Zsófia, Szabó Bence", None)
    assert [(m.ts, m.text) for m in hungarian.messages] == [
        (datetime(2015, 2, 15, 21, 54, 36), "Szia! Holnap ráérsz?"),
        (datetime(2015, 2, 15, 22, 1, 2), "Persze, délután jó 🙂"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("Tuesday, March 12, 2024 at 9:04:05\u202fPM UTC", datetime(2024, 3, 12, 21, 4, 5)),
    ("Tuesday, March 12, 2024 at 9:04:05 PM UTC", datetime(2024, 3, 12, 21, 4, 5)),
    ("Wednesday, March 13, 2024 at 12:04:10 AM UTC", datetime(2024, 3, 13, 0, 4, 10)),
    ("Friday, March 17, 2023 at 12:00:00 PM UTC", datetime(2023, 3, 17, 12, 0, 0)),
    ("Tuesday, 12 March 2024 at 21:04:05 UTC", datetime(2024, 3, 12, 21, 4, 5)),
    ("Wednesday, 4 January 2023 at 10:59:50 UTC", datetime(2023, 1, 4, 10, 59, 50)),
    ("2015. február 15., vasárnap 21:54:36 UTC", datetime(2015, 2, 15, 21, 54, 36)),
    ("Dienstag, 12. März 2024 um 21:04:05 UTC", datetime(2024, 3, 12, 21, 4, 5)),
    ("martes, 12 de marzo de 2024, 21:04:05 UTC", datetime(2024, 3, 12, 21, 4, 5)),
    ("2024年3月12日星期二 21:04:05 UTC", datetime(2024, 3, 12, 21, 4, 5)),
    ("2024年3月12日星期二 UTC 21:04:05", datetime(2024, 3, 12, 21, 4, 5)),  # Chinese: the zone before the clock
    ("2024年3月12日火曜日 21:04:05 UTC", datetime(2024, 3, 12, 21, 4, 5)),  # Japanese
    ("Thursday, 8 August 2024 at 12:04:08 UTC", datetime(2024, 8, 8, 12, 4, 8)),
    ("Tuesday, March 12, 2024 at 9:04:05\u00a0PM UTC", datetime(2024, 3, 12, 21, 4, 5)),
    ("Tuesday, March 12, 2024 at 9:04:05 PM CET", None),  # another zone is never taken for UTC
    ("Tuesday, March 12, 2024 at 9:04 PM UTC", None),
    ("Tuesday, March 12, 2024 at 13:04:05 PM UTC", None),  # no 13 o'clock on a 12-hour clock
    ("Tuesday, February 30, 2024 at 9:04:05 PM UTC", None),
    ("Tuesday, Smarch 12, 2024 at 9:04:05 PM UTC", None),
    ("Tuesday, March 12, 2024 at 9:04:05 PM", None),  # no zone: not a Takeout date
    ("2024-03-12T21:04:05Z", None),
    ("", None),
])
def test_takeout_dates_in_every_shape_seen(text: str, expected: datetime | None) -> None:
    with local_time("UTC"):
        assert takeout_time(text) == expected


def test_utc_becomes_this_computers_local_time() -> None:
    with local_time("Asia/Kolkata"):
        assert takeout_time("Tuesday, March 12, 2024 at 9:04:05 PM UTC") == datetime(2024, 3, 13, 2, 34, 5)
    with local_time("America/Los_Angeles"):
        assert takeout_time("Sunday, July 7, 2024 at 6:30:00 AM UTC") == datetime(2024, 7, 6, 23, 30, 0)


def test_a_takeout_folder_reads_every_conversation_and_skips_the_rest() -> None:
    found = [(Path(s.name).parent.name, c.title, c.me) for s, convs in read_paths([TAKEOUT]) for c in convs]
    assert found == [("DM 8dJq2AAAAAE", JONAS, MIRA), ("Space AAAAx7Yv0Qk", "Trail crew 🥾", MIRA)]


def test_a_takeout_zip_reads_user_info_inside_the_archive(tmp_path: Path) -> None:
    archive = tmp_path / "takeout-20240314T101500Z-001.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(TAKEOUT.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(GCHAT).as_posix())
    found = [(s.name, c.title, c.me, len(c.messages)) for s, convs in read_paths([archive]) for c in convs]
    assert found == [
        (f"{archive}!Takeout/Google Chat/Groups/DM 8dJq2AAAAAE/messages.json", JONAS, MIRA, 8),
        (f"{archive}!Takeout/Google Chat/Groups/Space AAAAx7Yv0Qk/messages.json", "Trail crew 🥾", MIRA, 5),
    ]
    # a later part of a split Takeout holds conversations without the Users folder: --me names the user
    part = tmp_path / "takeout-20240314T101500Z-002.zip"
    with zipfile.ZipFile(part, "w") as zf:
        zf.write(DM, "Takeout/Google Chat/Groups/DM 8dJq2AAAAAE/messages.json")
    [(_, [chat])] = list(read_paths([part], ImportOptions(me=MIRA)))
    assert (chat.me, chat.title, chat.group) == (MIRA, JONAS, None)


def test_detection_claims_every_conversation_and_nothing_else() -> None:
    for path in (DM, SPACE, BRITISH, HUNGARIAN, THREADS, HANGOUTS, HANGOUTS_2014):
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "google_chat", path
    importer = GoogleChatImporter()
    for path in GCHAT.rglob("*"):
        if path.is_file() and path.name not in ("messages.json", "Hangouts.json"):  # group_info.json, a photo
            found = detect(Source(str(path), path=path))
            assert found is None or found.name != "google_chat", path
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and GCHAT not in p.parents]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert importer.sniff(source, source.head()) == 0.0, path


def test_a_conversation_without_messages_is_claimed_by_its_group_info(tmp_path: Path) -> None:
    folder = tmp_path / "Google Chat" / "Groups" / "Space AAAAqQ1"
    folder.mkdir(parents=True)
    (folder / "messages.json").write_text('{\n  "messages": []\n}\n', encoding="utf-8")
    alone = tmp_path / "messages.json"
    alone.write_text('{"messages": []}', encoding="utf-8")
    assert GoogleChatImporter().sniff(Source(str(folder / "messages.json"), path=folder / "messages.json"),
                                      b'{"messages": []}') == 0.0
    (folder / "group_info.json").write_text('{"name": "Book club", "members": []}', encoding="utf-8")
    source = Source(str(folder / "messages.json"), path=folder / "messages.json")
    assert GoogleChatImporter().sniff(source, source.head()) == 0.6
    assert GoogleChatImporter().sniff(Source(str(alone), path=alone), alone.read_bytes()) == 0.0
    chat = read(folder / "messages.json")
    assert (chat.title, chat.messages, chat.group) == ("Book club", [], True)


def test_another_apps_messages_list_is_refused() -> None:
    telegram = FIXTURES / "telegram" / "personal_chat" / "result.json"
    with pytest.raises(ImportFormatError, match=r"Google Chat messages\.json"):
        read(telegram)


@pytest.mark.parametrize(("change", "path", "expected"), [
    (lambda d: d["messages"][1].update(text=5), "messages[1].text", "a string or null"),
    (lambda d: d["messages"][0].pop("creator"), "messages[0].creator", "a JSON object"),
    (lambda d: d["messages"][0].update(creator={"user_type": "Human"}), "messages[0].creator.name", "a name"),
    (lambda d: d["messages"][0].pop("created_date"), "messages[0].created_date", "a date such as"),
    (lambda d: d["messages"][1].update(created_date="yesterday"), "messages[1].created_date", "a date such as"),
    (lambda d: d["messages"][4]["previous_message_versions"][0].update(created_date=1710277918),
     "messages[4].previous_message_versions[0].created_date", "a date such as"),
    (lambda d: d["messages"][2].update(reactions={"😂": 1}), "messages[2].reactions", "a list"),
    (lambda d: d["messages"][2]["reactions"][0].pop("emoji"), "messages[2].reactions[0].emoji", "a JSON object"),
    (lambda d: d["messages"][2]["reactions"][0].update(reactor_emails=[None]),
     "messages[2].reactions[0].reactor_emails[0]", "an email address"),
    (lambda d: d["messages"][3].update(quoted_message_metadata="are you still up?"),
     "messages[3].quoted_message_metadata", "a JSON object"),
    (lambda d: d["messages"][2].update(attached_files="IMG_4471.jpg"), "messages[2].attached_files", "a list"),
    (lambda d: d["messages"][1].update(annotations=[7]), "messages[1].annotations[0]", "a JSON object"),
    (lambda d: d.update(messages={"0": {}}), "messages", "a list"),
])
def test_a_malformed_field_names_its_json_path(
    change: Callable[[dict], object], path: str, expected: str, tmp_path: Path
) -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_copy(DM, change, tmp_path)
    assert caught.value.json_path == path and caught.value.expected.startswith(expected)
    assert "DM 8dJq2AAAAAE/messages.json at " in str(caught.value)


def test_a_broken_or_truncated_file_is_a_format_error(tmp_path: Path) -> None:
    folder = tmp_path / "DM 8dJq2AAAAAE"
    shutil.copytree(DM.parent, folder)
    (folder / "messages.json").write_text(DM.read_text(encoding="utf-8")[:700], encoding="utf-8")
    with pytest.raises(ImportFormatError, match="expected a JSON document"):
        read(folder / "messages.json")
    (folder / "messages.json").write_bytes(b'{"messages": [\n{"text": "caf\xe9"}]}')
    with pytest.raises(ImportFormatError, match=r"messages\.json:2: expected a UTF-8"):
        read(folder / "messages.json")


def test_a_broken_group_info_names_that_file(tmp_path: Path) -> None:
    folder = tmp_path / "DM 8dJq2AAAAAE"
    shutil.copytree(DM.parent, folder)
    (folder / "group_info.json").write_text('{"members": [{"name": ["Jonas"]}]}', encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        read(folder / "messages.json")
    assert caught.value.source.endswith("group_info.json") and caught.value.json_path == "members[0].name"


message_fields = st.sampled_from(["creator", "created_date", "text", "topic_id", "message_id", "attached_files",
                                  "annotations", "reactions", "quoted_message_metadata", "updated_date",
                                  "previous_message_versions", "message_state", "deleted_date"])
plausible = st.sampled_from(["DELETED", "Tuesday, March 12, 2024 at 9:04:05 PM UTC", "hello"]) | st.dictionaries(
    st.sampled_from(["name", "email", "unicode", "message_id", "text", "creator"]), json_values
) | st.lists(st.dictionaries(st.sampled_from(["emoji", "reactor_emails", "drive_metadata", "url_metadata",
                                              "created_date", "export_name"]), json_values), max_size=2)


@settings(max_examples=150, deadline=None)
@given(st.one_of(json_values, st.fixed_dictionaries({
    "messages": st.lists(st.dictionaries(message_fields, json_values | plausible), max_size=5)})))
def test_any_json_document_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        _parse_document(document)


@settings(max_examples=200, deadline=None)
@given(st.one_of(damaged(json.loads(DM.read_text(encoding="utf-8"))),
                 damaged(json.loads(SPACE.read_text(encoding="utf-8")))))
def test_an_export_with_any_one_field_broken_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        _parse_document(document)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        _parse_document(data)


def _parse_document(document: object, name: str = "messages.json") -> list[Conversation]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(document if isinstance(document, bytes) else json.dumps(document).encode())
        return list(GoogleChatImporter().parse(Source(str(path), path=path, named=True), ImportOptions()))


def parse_rendered(files: dict[str, str], root: Path) -> Conversation:
    for name, text in files.items():
        (root / "Google Chat" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "Google Chat" / name).write_text(text, encoding="utf-8")
    (messages,) = (root / "Google Chat").rglob("messages.json")
    return read(messages)


AUTHORS = ["Mira Castellanos", "Jonas Øberg", "Aiyana", "kwame"]
reaction_lists = st.lists(
    st.tuples(st.sampled_from(["❤️", "👍", "😂", "🙌"]), st.lists(st.sampled_from(AUTHORS), min_size=1, max_size=3,
                                                                unique=True)),
    max_size=2, unique_by=lambda pair: pair[0])


@st.composite
def chat_records(draw: st.DrawFn) -> list[Rec]:
    ts = draw(st.datetimes(min_value=datetime(2014, 1, 1), max_value=datetime(2030, 1, 1))).replace(microsecond=0)
    records: list[Rec] = []
    for i in range(draw(st.integers(1, 10))):
        ts += timedelta(seconds=draw(st.integers(0, 10**6)))
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        text = draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
        if kind == "media" and draw(st.booleans()):
            text = "<attachment>"
        readable = [j for j in range(i) if records[j].kind != "deleted"]
        reply_to = draw(st.none() | st.sampled_from(readable)) if readable and kind != "deleted" else None
        edited = kind != "deleted" and draw(st.booleans())
        records.append(Rec(ts, draw(st.sampled_from(AUTHORS)), f"{i}: {text}", kind, reply_to, edited))
    return records


@settings(max_examples=60, deadline=None)
@given(records=chat_records(), style=st.sampled_from(STYLES), space=st.sampled_from([None, "Trail crew 🥾"]),
       me=st.sampled_from([None, *AUTHORS]), quote_ids=st.booleans(),
       reactions=st.dictionaries(st.integers(0, 9), reaction_lists))
def test_a_rendered_conversation_reads_back(
    records: list[Rec], style: str, space: str | None, me: str | None, quote_ids: bool, reactions: dict,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    reactions = {i: listed for i, listed in reactions.items() if i < len(records) and records[i].kind != "deleted"}
    with local_time("Asia/Kolkata"):  # no daylight saving time: every local time is one instant
        files = render_google_chat(records, space=space, me=me, style=style, reactions=reactions,
                                   quote_ids=quote_ids)
        chat = parse_rendered(files, tmp_path_factory.mktemp("takeout"))
    assert [(m.ts, m.author, m.text, m.kind.value, m.reply_to, m.edited) for m in chat.messages] == [
        (r.ts, r.author, r.text, r.kind, r.reply_to, r.edited) for r in records
    ]
    assert [m.reactions for m in chat.messages] == [
        tuple(Reaction(name, emoji) for emoji, names in reactions.get(i, ()) for name in names)
        for i in range(len(records))
    ]
    members = {r.author for r in records} | {n for listed in reactions.values() for _, names in listed for n in names}
    members |= {me} if me else set()
    assert (chat.me, chat.group, chat.system_events) == (me, bool(space) or len(members) > 2, [])
    assert chat.title == space or chat.title == ", ".join(n for n in dict.fromkeys(
        [*(r.author for r in records), *sorted(members)]) if n != me and n in members) or space is None


def test_deletions_without_their_creator_read_back_as_notices(tmp_path: Path) -> None:
    records = [Rec(datetime(2024, 3, 12, 21, 4, 5), "Mira", "hi"), Rec(datetime(2024, 3, 12, 21, 5), "Jonas", "x",
                                                                        "deleted"),
               Rec(datetime(2024, 3, 12, 21, 6), "Jonas", "hey!")]
    with local_time("Europe/Paris"):
        chat = parse_rendered(render_google_chat(records, deleted_creator=False), tmp_path)
        assert [(m.index, m.author, m.text) for m in chat.messages] == [(0, "Mira", "hi"), (1, "Jonas", "hey!")]
        assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
            (datetime(2024, 3, 12, 21, 6), None, "message deleted"),  # when it was deleted, a minute on
        ]
        assert takeout_date(records[0].ts) == "Tuesday, March 12, 2024 at 8:04:05\u202fPM UTC"


# Shapes of the real exports: threads listed together, notices, quoted files, GIFs, bots, custom emoji ----------

def test_thread_replies_listed_together_are_put_in_time_order() -> None:
    with local_time("UTC"):
        chat = read(THREADS)
    # the file lists Theo's reply right under the question it answers (one thread), though it came later
    assert [(m.index, m.ts, m.author, m.kind, m.text, m.reply_to, m.edited) for m in chat.messages] == [
        (0, at(14, 18, 0, 5, 9), "Nadia Haddad", TEXT, "who's bringing the projector on Friday?", None, False),
        (1, at(14, 18, 2, 10, 9), "Priya Raman", MEDIA, "<attachment>", None, False),
        (2, at(14, 18, 3, 0, 9), "Nadia Haddad", TEXT, "love the poster!!", 1, False),  # quotes the file
        (3, at(14, 18, 4, 40, 9), "Theo Lindqvist", TEXT, "I can, it's still in my car", None, False),
        (4, at(14, 18, 6, 0, 9), "Film Night Bot", TEXT, "Reminder: film night on Friday at 8 pm 🎬", None, False),
        (5, at(14, 18, 7, 12, 9), "Theo Lindqvist", TEXT, "https://media.tenor.com/x7YzQ2w8AAAAC/popcorn-excited.gif",
         None, False),  # a GIF from the picker: a link preview and no words
        (6, at(14, 18, 9, 45, 9), "Priya Raman", TEXT, "see you all there, bring snacks", None, True),
    ]
    assert chat.system_events == [SystemEvent(at(14, 18, 5, 30, 9), "Updated room membership.", "Nadia Haddad")]
    assert chat.messages[5].reactions == (Reaction("Priya Raman", ":popcorn:"), Reaction("Nadia Haddad", ":popcorn:"))
    # an unnamed group is called "Group Chat" in group_info.json: it is titled by its members
    assert (chat.title, chat.chat_id, chat.me, chat.group) == (
        "Nadia Haddad, Theo Lindqvist, Priya Raman", "DM Lp4Wq8AAAAE", None, True)


def test_notices_google_writes_as_messages_and_call_records() -> None:
    def notices(change: Callable[[dict], object], tmp_path: Path) -> list[tuple[str | None, str]]:
        return [(e.author, e.text) for e in read_copy(THREADS, change, tmp_path).system_events]

    def rename(document: dict) -> None:
        document["messages"][4]["text"] = "Renamed room."

    def call(document: dict) -> None:
        del document["messages"][0]["text"]
        document["messages"][0]["annotations"] = [
            {"start_index": 0, "length": 0, "gsuite_integration_metadata": {"call_data": {"call_status": "ENDED"}}}]

    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        assert notices(rename, Path(first)) == [("Nadia Haddad", "Renamed room.")]
        assert notices(call, Path(second)) == [("Nadia Haddad", "video call (ended)"),
                                               ("Nadia Haddad", "Updated room membership.")]


@pytest.mark.parametrize(("change", "path", "expected"), [
    (lambda d: d["messages"][6]["reactions"][0]["emoji"]["custom_emoji"].pop("shortcode"),
     "messages[6].reactions[0].emoji.custom_emoji.shortcode", "the custom emoji's name"),
    (lambda d: d["messages"][6]["reactions"][0].update(emoji={}), "messages[6].reactions[0].emoji.unicode",
     "an emoji"),
    (lambda d: d["messages"][3]["quoted_message_metadata"].update(creator={}),
     "messages[3].quoted_message_metadata.creator.name", "a name"),
    (lambda d: d["messages"][7]["previous_message_versions"][0].update(
        created_date="Saturday, September 14, 2024 at 6:09:45 PM PDT"),
     "messages[7].previous_message_versions[0].created_date", "a date such as"),
    (lambda d: d["messages"][6]["annotations"][0]["url_metadata"].update(url="https://tenor.com"),
     "messages[6].annotations[0].url_metadata.url", "a JSON object"),
])
def test_a_malformed_field_of_the_real_shapes_names_its_json_path(
    change: Callable[[dict], object], path: str, expected: str, tmp_path: Path
) -> None:
    with pytest.raises(ImportFormatError) as caught:
        read_copy(THREADS, change, tmp_path)
    assert caught.value.json_path == path and caught.value.expected.startswith(expected)


# Hangouts ---------------------------------------------------------------------------------------------------

def read_hangouts(path: Path = HANGOUTS) -> list[Conversation]:
    with local_time("Europe/Paris"):
        return list(GoogleChatImporter().parse(Source(str(path), path=path, named=True), ImportOptions()))


def test_hangouts_reads_every_conversation_in_time_order() -> None:
    dm, _, empty = read_hangouts()
    assert (dm.title, dm.chat_id, dm.me, dm.group, dm.source_format) == (
        JONAS, "UgwR7kLm2QpXs9Vn4AaABAagBq8TkDg", MIRA, False, "google_chat")
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in dm.messages] == [
        (0, datetime(2019, 10, 5, 20, 2, 11, 204731), JONAS, TEXT, "are you back from Lisbon?"),
        (1, datetime(2019, 10, 5, 20, 5, 47, 918220), MIRA, TEXT, "landed an hour ago\nso tired 😴"),  # LINE_BREAK
        (2, datetime(2019, 10, 5, 20, 6, 30, 551904), JONAS, MEDIA, "<photo>"),
        (3, datetime(2019, 10, 5, 20, 6, 52, 100358), JONAS, TEXT, "https://www.seat61.com/Portugal.htm for next time"),
        (4, datetime(2019, 10, 6, 11, 12, 40, 330581), JONAS, MEDIA, "https://maps.google.com/maps?q=38.7139,-9.1334"),
    ]
    assert [(e.ts, e.author, e.text) for e in dm.system_events] == [
        (datetime(2019, 10, 5, 20, 30, 4, 9117), MIRA, "call started"),
        (datetime(2019, 10, 5, 20, 51, 48, 774230), MIRA, "call ended (1304 s)"),
    ]
    assert all(m.reply_to is None and not m.edited and m.reactions == () for m in dm.messages)
    assert (empty.title, empty.messages, empty.system_events) == (JONAS, [], [])


def test_hangouts_group_events_and_a_member_who_left() -> None:
    _, group, _ = read_hangouts()
    assert (group.title, group.me, group.group) == ("Saturday climbing 🧗", MIRA, True)
    tomas = "Hangouts user 118475610293847561029"  # left, so missing from participant_data
    # the file lists the rename after the first messages: events are read in time order
    assert [(e.ts, e.author, e.text) for e in group.system_events] == [
        (datetime(2020, 2, 1, 17, 0, 2, 120000), "Aiyana Redcloud", f"added {MIRA}, Kwame Mensah, {tomas}"),
        (datetime(2020, 2, 1, 17, 0, 40, 558311), "Aiyana Redcloud",
         "renamed the conversation to Saturday climbing 🧗"),
        (datetime(2020, 2, 3, 9, 44, 21, 905437), tomas, "left"),
        (datetime(2020, 2, 3, 13, 25, 0, 1), "Aiyana Redcloud", "removed Kwame Mensah"),
    ]
    assert [(m.author, m.text) for m in group.messages] == [
        ("Aiyana Redcloud", "gym at 10 on Saturday, who's in?"), (tomas, "me! bringing chalk"),
        ("Kwame Mensah", "I'll drive, 3 seats left"), (MIRA, "count me in too"),
    ]


def test_hangouts_of_2014_in_the_old_shape() -> None:
    [chat] = read_hangouts(HANGOUTS_2014)
    assert (chat.title, chat.chat_id, chat.me, chat.group) == (JONAS, "UgxP3nWq7RtZc2Hk5Y4AaABAQ", MIRA, False)
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (datetime(2014, 10, 18, 10, 23, 14, 463679), MIRA, TEXT, "happy birthday!! 🎂"),
        (datetime(2014, 10, 18, 11, 2, 51, 16214), JONAS, TEXT, "thank you ❤"),
        (datetime(2014, 10, 18, 11, 3, 5, 840072), JONAS, MEDIA, "cake 😋"),  # a photo with words
    ]


def test_hangouts_microseconds_are_this_computers_local_time() -> None:
    with local_time("Asia/Tokyo"):
        [chat] = GoogleChatImporter().parse(Source(str(HANGOUTS_2014), path=HANGOUTS_2014), ImportOptions())
    assert chat.messages[0].ts == datetime(2014, 10, 18, 17, 23, 14, 463679)


@pytest.mark.parametrize(("change", "path", "expected"), [
    (lambda d: d["conversations"][0]["events"][1].update(timestamp="2019-10-05"),
     "conversations[0].events[1].timestamp", "microseconds since 1970"),
    (lambda d: d["conversations"][0]["events"][1].update(timestamp="1" * 4301),  # beyond int()'s digit limit
     "conversations[0].events[1].timestamp", "microseconds since 1970"),
    (lambda d: d["conversations"][0]["events"][0].pop("sender_id"), "conversations[0].events[0].sender_id",
     "a JSON object"),
    (lambda d: d["conversations"][0]["events"][0]["sender_id"].clear(),
     "conversations[0].events[0].sender_id.gaia_id", "a participant id"),
    (lambda d: d["conversations"][0]["events"][0]["chat_message"]["message_content"].update(segment={"text": "x"}),
     "conversations[0].events[0].chat_message.message_content.segment", "a list"),
    (lambda d: d["conversations"][0]["conversation"]["conversation"]["participant_data"][0].update(fallback_name=7),
     "conversations[0].conversation.conversation.participant_data[0].fallback_name", "a string or null"),
    (lambda d: d["conversations"][1]["events"][4].update(conversation_rename=[]),
     "conversations[1].events[4].conversation_rename", "a JSON object"),
    (lambda d: d["conversations"][2].pop("conversation"), "conversations[2].conversation", "a JSON object"),
    (lambda d: d.update(conversations={}), "conversations", "a list"),
])
def test_a_malformed_hangouts_field_names_its_json_path(
    change: Callable[[dict], object], path: str, expected: str
) -> None:
    document = json.loads(HANGOUTS.read_text(encoding="utf-8"))
    change(document)
    with pytest.raises(ImportFormatError) as caught:
        _parse_document(document, "Hangouts.json")
    assert caught.value.json_path == path and caught.value.expected.startswith(expected)
    assert "Hangouts.json at " in str(caught.value)


def test_a_hangouts_file_cut_off_mid_way_is_a_format_error() -> None:
    text = HANGOUTS.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"Hangouts\.json:\d+: expected a JSON document"):
        _parse_document(text[: len(text) // 2].encode(), "Hangouts.json")


@settings(max_examples=150, deadline=None)
@given(st.one_of(damaged(json.loads(HANGOUTS.read_text(encoding="utf-8"))),
                 damaged(json.loads(HANGOUTS_2014.read_text(encoding="utf-8"))),
                 damaged(json.loads(THREADS.read_text(encoding="utf-8")))))
def test_hangouts_or_a_thread_with_any_one_field_broken_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        _parse_document(document, "Hangouts.json")


# One name per person, order by instant, quotes by id -----------------------------------------------------------

def write_chat(root: Path, messages: list[dict], members: list[dict] | None = None,
               owner: dict | None = None) -> Path:
    """A Takeout folder holding one DM (and group_info.json, user_info.json when given): its messages.json."""
    folder = root / "Google Chat" / "Groups" / "DM Vt3kPqAAAAE"
    folder.mkdir(parents=True)
    (folder / "messages.json").write_text(json.dumps({"messages": messages}, ensure_ascii=False), encoding="utf-8")
    if members is not None:
        (folder / "group_info.json").write_text(json.dumps({"members": members}), encoding="utf-8")
    if owner is not None:
        users = root / "Google Chat" / "Users" / "User 104958273615"
        users.mkdir(parents=True)
        (users / "user_info.json").write_text(json.dumps({"user": owner}), encoding="utf-8")
    return folder / "messages.json"


def creator(name: str | None, email: str) -> dict[str, str]:
    return {"email": email, "user_type": "Human"} | ({"name": name} if name else {})


def said(who: dict[str, str], date: str, text: str, **more: object) -> dict[str, object]:
    return {"creator": who, "created_date": date, "text": text, **more}


INES, INES_RENAMED = creator("Inès Moreau", "ines.moreau@example.net"), creator("Inès M.", "Ines.Moreau@example.net")
TEODOR = creator("Teodor Baker", "teo.baker@example.org")


def test_messages_in_the_fall_back_hour_keep_the_order_of_their_instants(tmp_path: Path) -> None:
    # 00:45Z is 02:45 summer time in Berlin and 01:15Z is 02:15 winter time: an answer that came later
    # shows an earlier clock, and the question must still come first
    question = said(TEODOR, "Sunday, October 27, 2024 at 12:45:00\u202fAM UTC", "did the clocks go back yet?")
    answer = said(INES, "Sunday, October 27, 2024 at 1:15:00\u202fAM UTC", "just now, an hour of extra sleep",
                  quoted_message_metadata={"creator": TEODOR, "text": "did the clocks go back yet?"})
    with local_time("Europe/Berlin"):
        chat = read(write_chat(tmp_path, [question, answer]))
    assert [(m.index, m.ts, m.author, m.reply_to) for m in chat.messages] == [
        (0, datetime(2024, 10, 27, 2, 45), "Teodor Baker", None),
        (1, datetime(2024, 10, 27, 2, 15), "Inès Moreau", 0),
    ]


def test_one_address_is_one_name_the_latest_its_messages_give(tmp_path: Path) -> None:
    messages = [
        said(INES, "Monday, May 6, 2024 at 7:00:00\u202fPM UTC", "the ferry leaves at 8"),
        said(TEODOR, "Monday, May 6, 2024 at 7:01:00\u202fPM UTC", "see you at the pier",
             reactions=[{"emoji": {"unicode": "⛴️"}, "reactor_emails": ["ines.moreau@example.net"]}]),
        said(creator(None, "ines.moreau@example.net"), "Monday, May 6, 2024 at 7:02:00\u202fPM UTC", "bring a coat"),
        said(INES_RENAMED, "Monday, May 6, 2024 at 7:03:00\u202fPM UTC", "changed my name, it was too long"),
    ]
    chat = read(write_chat(tmp_path, messages, owner=creator("Inès Moreau", "ines.moreau@example.net")))
    # the address (compared without case) goes by one name in the whole conversation: its latest
    assert [m.author for m in chat.messages] == ["Inès M.", "Teodor Baker", "Inès M.", "Inès M."]
    assert chat.messages[1].reactions == (Reaction("Inès M.", "⛴️"),)
    assert (chat.me, chat.title) == ("Inès M.", "Teodor Baker")  # user_info's address, by this conversation's name


def test_a_creator_without_a_name_goes_by_group_info_or_user_info(tmp_path: Path) -> None:
    messages = [said(creator(None, "teo.baker@example.org"), "Monday, May 6, 2024 at 7:00:00\u202fPM UTC", "hi"),
                said(creator(None, "ines.moreau@example.net"), "Monday, May 6, 2024 at 7:01:00\u202fPM UTC", "hey")]
    chat = read(write_chat(tmp_path, messages, members=[TEODOR], owner=INES))
    assert [m.author for m in chat.messages] == ["Teodor Baker", "Inès Moreau"]
    assert (chat.me, chat.title) == ("Inès Moreau", "Teodor Baker")


def test_two_addresses_with_one_name_are_told_apart_by_address(tmp_path: Path) -> None:
    namesake = creator("Teodor Baker", "teodor.b@example.com")
    messages = [
        said(TEODOR, "Monday, May 6, 2024 at 7:00:00\u202fPM UTC", "which Teodor are you?"),
        said(namesake, "Monday, May 6, 2024 at 7:01:00\u202fPM UTC", "the one from the choir",
             reactions=[{"emoji": {"unicode": "😄"}, "reactor_emails": ["teo.baker@example.org"]}]),
        said(INES, "Monday, May 6, 2024 at 7:02:00\u202fPM UTC", "two of you now"),
    ]
    chat = read(write_chat(tmp_path, messages, members=[TEODOR, namesake, INES], owner=INES))
    first, second = "Teodor Baker (teo.baker@example.org)", "Teodor Baker (teodor.b@example.com)"
    assert [m.author for m in chat.messages] == [first, second, "Inès Moreau"]
    assert chat.messages[1].reactions == (Reaction(first, "😄"),)
    assert (chat.me, chat.title, chat.group) == ("Inès Moreau", f"{first}, {second}", True)


def test_a_quote_by_id_goes_to_the_first_message_with_that_id(tmp_path: Path) -> None:
    messages = [
        said(TEODOR, "Monday, May 6, 2024 at 7:00:00\u202fPM UTC", "train or bus?", message_id="Vt3kPq/t1/m1"),
        said(INES, "Monday, May 6, 2024 at 7:01:00\u202fPM UTC", "train", message_id="Vt3kPq/t1/m1"),
        said(INES, "Monday, May 6, 2024 at 7:02:00\u202fPM UTC", "train, definitely", quoted_message_metadata={
            "creator": TEODOR, "text": "train or bus?", "message_id": "Vt3kPq/t1/m1"}),
    ]
    assert [m.reply_to for m in read(write_chat(tmp_path, messages)).messages] == [None, None, 0]


def hangouts_event(sender: str, microseconds: int, text: str) -> dict[str, object]:
    return {"sender_id": {"gaia_id": sender, "chat_id": sender}, "timestamp": str(microseconds),
            "chat_message": {"message_content": {"segment": [{"type": "TEXT", "text": text}]}}}


def hangouts_document(participants: dict[str, str], events: list[dict[str, object]]) -> dict[str, object]:
    meta = {"id": {"id": "UgzK4wPq8nXr2Ls6AaABAQ"}, "type": "GROUP",
            "self_conversation_state": {"self_read_state": {"participant_id": {"gaia_id": "104"}}},
            "participant_data": [{"id": {"gaia_id": person}, "fallback_name": name}
                                 for person, name in participants.items()]}
    return {"conversations": [{"conversation": {"conversation_id": {"id": meta["id"]}, "conversation": meta},
                               "events": events}]}


def test_hangouts_in_the_fall_back_hour_keep_the_order_of_their_instants() -> None:
    question = 1_729_989_900_000_000  # 2024-10-27 00:45:00Z, 02:45 summer time in Berlin
    document = hangouts_document({"104": "Inès Moreau", "207": "Teodor Baker"}, [
        hangouts_event("207", question, "did the clocks go back yet?"),
        hangouts_event("104", question + 30 * 60 * 10**6, "just now"),  # 01:15Z, 02:15 winter time
    ])
    with local_time("Europe/Berlin"):
        [chat] = _parse_document(document, "Hangouts.json")
    assert [(m.index, m.ts, m.author) for m in chat.messages] == [
        (0, datetime(2024, 10, 27, 2, 45), "Teodor Baker"), (1, datetime(2024, 10, 27, 2, 15), "Inès Moreau"),
    ]


def test_hangouts_participants_with_one_name_are_told_apart_by_id() -> None:
    document = hangouts_document({"104": "Inès Moreau", "207": "Sam Okafor", "311": "Sam Okafor"}, [
        hangouts_event("207", 1_715_022_000_000_000, "hi from one Sam"),
        hangouts_event("311", 1_715_022_001_000_000, "and from the other"),
        hangouts_event("104", 1_715_022_002_000_000, "hello both"),
    ])
    [chat] = _parse_document(document, "Hangouts.json")
    assert [m.author for m in chat.messages] == ["Sam Okafor (207)", "Sam Okafor (311)", "Inès Moreau"]
    assert (chat.me, chat.title) == ("Inès Moreau", "Sam Okafor (207), Sam Okafor (311)")


def test_a_file_named_from_inside_its_folder_keeps_the_chats_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chat's identity is its folder's name (``DM Hu7xYzAAAAE``), also where the file is named
    from inside that folder (``cd "DM Hu7xYzAAAAE" && turntoward import messages.json``), so that
    importing the same chat again adds only its new messages."""
    monkeypatch.chdir(HUNGARIAN.parent)
    inside = read(Path("messages.json"))
    assert inside.chat_id == read(HUNGARIAN).chat_id == "DM Hu7xYzAAAAE"
