"""The Messenger and Instagram importers read Meta's "Download your information" message files."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.messenger import render_messenger, render_messenger_files
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import Rec, parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UsageError
from turntoward.ingest import ImportOptions, Source, detect, importers, read_paths
from turntoward.ingest.messenger import repair_mojibake
from turntoward.model import Conversation, MessageKind, Reaction, SystemEvent

FIXTURES = Path(__file__).parent.parent / "fixtures"
INBOX = FIXTURES / "messenger" / "your_facebook_activity" / "messages" / "inbox"
NOOR = INBOX / "noorhaddad_10158471223"
HIKERS = INBOX / "sundayhikers_4471290055" / "message_1.json"
LENA = (
    FIXTURES / "instagram" / "your_instagram_activity" / "messages" / "inbox" / "lenaparks_17845529016"
    / "message_1.json"
)
SECURE = FIXTURES / "messenger_e2ee" / "messages"
ELISE = SECURE / "Élise Marchand_2.json"
SECURE_HIKERS = SECURE / "Sunday Hikers_3.json"


@pytest.fixture(autouse=True)
def paris_time() -> Iterator[None]:
    """Meta stores UTC instants; the importer shows them in the machine's local time."""
    with local_time("Europe/Paris"):
        yield


def parse(path: Path, fmt: str = "messenger") -> list[Conversation]:
    return list(importers()[fmt].parse(Source(str(path), path=path), ImportOptions()))


def parse_text(text: str | bytes, fmt: str = "messenger") -> list[Conversation]:
    return parse_written(text, "message_1.json", lambda path: parse(path, fmt))


def test_a_conversation_split_over_two_files_is_merged_oldest_first() -> None:
    [chat] = parse(NOOR / "message_1.json")
    assert (chat.title, chat.chat_id, chat.source_format) == (
        "Élise Marchand", "inbox/noorhaddad_10158471223", "messenger",
    )
    assert [(m.index, m.ts, m.author) for m in chat.messages] == [
        (0, datetime(2024, 2, 3, 10, 12, 30, 5000), "Élise Marchand"),
        (1, datetime(2024, 2, 3, 10, 14, 5, 77000), "Noor Haddad"),
        (2, datetime(2024, 2, 3, 10, 15, 42, 318000), "Élise Marchand"),
        (3, datetime(2024, 2, 4, 21, 35, 59, 250000), "Noor Haddad"),
        (4, datetime(2024, 2, 4, 21, 37, 2, 1000), "Élise Marchand"),
        (5, datetime(2024, 2, 4, 21, 38, 11, 404000), "Noor Haddad"),
        (6, datetime(2024, 2, 4, 21, 40, 0, 912000), "Élise Marchand"),
    ]


def test_mojibake_accents_and_emoji_are_repaired() -> None:
    [chat] = parse(NOOR / "message_1.json")
    assert chat.messages[0].text == "Café à 10h ? ☕"
    assert chat.messages[2].text == "tu as vu ? la crêpe était parfaite 😂"
    assert chat.messages[5].text == "me too. Señor Tomás says hi 👋"
    assert chat.messages[6].text == "bonne nuit ❤️ merci pour aujourd’hui"


def test_repairing_leaves_text_that_is_not_mojibake_alone() -> None:
    assert repair_mojibake("cafÃ©") == "café"
    assert repair_mojibake("café") == "café"
    assert repair_mojibake("😂 plain") == "😂 plain"


def test_a_string_partly_repaired_already_is_repaired_where_it_still_needs_it() -> None:
    # a file someone opened and saved again: real "ă" and "ł" beside Meta's Latin-1 reading of UTF-8
    assert repair_mojibake("bun\u0103 \u00c3\u00aen sear\u0103 \u00f0\u009f\u0098\u008a") == "bună în seară 😊"
    assert repair_mojibake("\u0142adna pogoda, prawda? \u00c5\u00bc\u00c3\u00b3\u00c5\u0082w") == (
        "ładna pogoda, prawda? żółw")
    assert repair_mojibake("NÃO, \u0103") == "NÃO, ă"  # a capital Ã of its own is a letter, not mojibake


def test_media_and_unsent_messages_keep_their_place() -> None:
    [chat] = parse(NOOR / "message_1.json")
    assert [(m.kind, m.text) for m in chat.messages if m.kind is not MessageKind.TEXT] == [
        (MessageKind.MEDIA, "<photo>"),
        (MessageKind.DELETED, ""),
    ]


def test_a_later_file_beside_the_first_adds_nothing_on_its_own() -> None:
    assert parse(NOOR / "message_2.json") == []


def test_a_later_file_named_by_itself_says_to_give_the_first_or_the_folder() -> None:
    # read alone it would be skipped in favour of message_1.json, and the user would get nothing
    with pytest.raises(UsageError, match=r"message_2\.json is page 2 of a chat export: give message_1\.json or"):
        list(read_paths([NOOR / "message_2.json"]))
    named_together = read_paths([NOOR / "message_2.json", NOOR / "message_1.json"])  # a shell's message_*.json
    assert [c.title for _, convs in named_together for c in convs] == ["Élise Marchand"]


def test_a_later_file_without_the_first_is_read_by_itself(tmp_path: Path) -> None:
    shutil.copy(NOOR / "message_2.json", tmp_path / "message_2.json")
    [chat] = parse(tmp_path / "message_2.json")
    assert [m.text for m in chat.messages] == [
        "Café à 10h ? ☕", "<photo>", "tu as vu ? la crêpe était parfaite 😂",
    ]


def test_the_inbox_folder_imports_each_conversation_once_and_skips_photos() -> None:
    found = [(src.filename, [c.title for c in convs]) for src, convs in read_paths([INBOX])]
    assert found == [
        ("message_1.json", ["Élise Marchand"]),
        ("message_2.json", []),
        ("message_1.json", ["Sunday Hikers 🥾"]),
    ]


REPORTED = {"reported_conversations_v2": [{
    "timestamp": 1729796604, "is_reporter": True, "reporter": {"name": "Noor Haddad"}, "reportee": {"name": ""},
    "messages": [{"sender_name": "", "timestamp_ms": 1729740596156, "content": "win a free phone!!", "photos": []}],
}]}


def test_the_chats_the_user_reported_beside_the_inbox_are_passed_over(tmp_path: Path) -> None:
    # Meta's download keeps the chats the user reported beside inbox/, their messages further in:
    # a folder import reads the inbox and passes over that file; named by itself, it is refused.
    messages = tmp_path / "messages"
    shutil.copytree(INBOX, messages / "inbox")
    reported = messages / "conversations_that_you've_reported.json"
    reported.write_text(json.dumps(REPORTED), encoding="utf-8")
    found = [c.title for _, convs in read_paths([messages]) for c in convs]
    assert sorted(found) == ["Sunday Hikers 🥾", "Élise Marchand"]
    with pytest.raises(ImportFormatError, match="'participants' and 'messages'"):
        list(read_paths([reported]))


def test_a_zipped_download_merges_the_files_of_a_conversation(tmp_path: Path) -> None:
    archive = tmp_path / "facebook-noor-2024.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for page in ("message_1.json", "message_2.json"):
            zf.write(NOOR / page, f"your_facebook_activity/messages/inbox/noorhaddad_10158471223/{page}")
    conversations = [c for _, convs in read_paths([archive]) for c in convs]
    assert [len(c.messages) for c in conversations] == [7]
    member = "your_facebook_activity/messages/inbox/noorhaddad_10158471223/message_1.json"
    assert conversations[0].source == f"{archive}!{member}"


def test_a_group_keeps_reactions_out_and_joins_leaves_and_calls_as_events() -> None:
    [group] = parse(HIKERS)
    assert group.title == "Sunday Hikers 🥾"
    assert [(m.author, m.kind.value, m.text) for m in group.messages] == [
        ("Mateo Núñez", "text", "Sunday: 8:00 at the trailhead, ok?"),
        ("Zoë Adeyemi", "media", "<sticker>"),
        ("Priya Raman", "text", "https://weather.example/forecast/alps"),
        ("Priya Raman", "deleted", ""),
        ("Jonas Weiß", "text", "Who's bringing the thermos? 🫖"),
        ("Zoë Adeyemi", "text", "https://trails.example/route/ridge-loop"),
    ]
    assert [(e.ts, e.text) for e in group.system_events] == [
        (datetime(2024, 5, 19, 17, 45), "Jonas Weiß added Zoë Adeyemi to the group."),
        (datetime(2024, 5, 19, 18, 20, 45), "Mateo Núñez left the group."),
        (datetime(2024, 5, 19, 19, 5), "call (1320 s)"),
    ]
    assert group.is_group


def test_times_follow_this_computers_clock() -> None:
    with local_time("Asia/Tokyo"):
        [group] = parse(HIKERS)
    assert group.messages[0].ts == datetime(2024, 5, 20, 0, 40, 29)


def test_an_instagram_thread_is_detected_as_instagram_and_likes_are_not_messages() -> None:
    importer = detect(Source(str(LENA), path=LENA))
    assert importer is not None and importer.name == "instagram"
    [thread] = parse(LENA, "instagram")
    assert (thread.source_format, thread.title, thread.chat_id) == (
        "instagram", "Lena Parks", "inbox/lenaparks_17845529016",
    )
    assert [m.text for m in thread.messages] == [
        "how was the gig?? 🎸",
        "<photo>",
        "https://www.instagram.com/reel/C8xYz12AbCd/",
        "you make me laugh every single day 💕",
    ]
    assert [(e.text, e.author) for e in thread.system_events] == [("Liked a message", "Amir Sadeghi")]


def test_a_messenger_thread_is_detected_as_messenger() -> None:
    importer = detect(Source(str(HIKERS), path=HIKERS))
    assert importer is not None and importer.name == "messenger"
    telegram = FIXTURES / "telegram" / "personal_chat" / "result.json"
    assert importers()["messenger"].sniff(Source(str(telegram), path=telegram), telegram.read_bytes()) == 0.0


def test_a_wrong_type_names_the_file_and_json_path(tmp_path: Path) -> None:
    for page in ("message_1.json", "message_2.json"):
        shutil.copy(NOOR / page, tmp_path / page)
    doc = json.loads((tmp_path / "message_2.json").read_text(encoding="utf-8"))
    doc["messages"][1]["timestamp_ms"] = "1706951645077"
    (tmp_path / "message_2.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        parse(tmp_path / "message_1.json")
    assert caught.value.source.endswith("message_2.json")
    assert caught.value.json_path == "messages[1].timestamp_ms"
    assert "expected a time in milliseconds since 1970" in str(caught.value)


def test_a_file_trimmed_to_its_messages_is_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "instagram_sample"
    folder.mkdir()
    path = folder / "messages.json"
    path.write_text(
        json.dumps(
            {
                "messages": [
                    {"sender_name": "Kofi", "timestamp_ms": 1717430400000, "content": "made it home"},
                    {"sender_name": "Ama", "timestamp_ms": 1717430100000, "content": "text me when you land"},
                ]
            }
        ),
        encoding="utf-8",
    )
    [(_, [chat])] = list(read_paths([path]))
    assert (chat.source_format, chat.title) == ("instagram", "Ama, Kofi")
    assert [(m.author, m.text) for m in chat.messages] == [("Ama", "text me when you land"), ("Kofi", "made it home")]


def test_broken_and_foreign_files_are_format_errors() -> None:
    text = HIKERS.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"message_1\.json:\d+: expected a JSON document"):
        parse_text(text[:300])
    with pytest.raises(ImportFormatError, match="'participants' and 'messages'"):
        parse_text('{"guild": {}, "channel": {}, "messages": []}')
    with pytest.raises(ImportFormatError, match="UTF-8"):
        parse_text(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xb7\x9c")


def test_reactions_are_read_with_repaired_names_emoji_and_their_times() -> None:
    [chat] = parse(NOOR / "message_1.json")
    assert [(m.index, m.reactions) for m in chat.messages if m.reactions] == [
        (5, (Reaction("Élise Marchand", "😆", datetime(2024, 2, 4, 21, 38, 25)),)),
        (6, (Reaction("Noor Haddad", "❤", datetime(2024, 2, 4, 21, 41, 30)),)),
    ]
    # The same people, named as their messages are: the exporting user too.
    assert {r.author for m in chat.messages for r in m.reactions} == {m.author for m in chat.messages}
    # Meta's own notice of that reaction (ending in a space) is an event, not a message.
    assert chat.system_events == [
        SystemEvent(datetime(2024, 2, 4, 21, 38, 25, 123000), "Reacted 😆 to your message ", "Élise Marchand"),
    ]


def test_reactions_keep_the_files_order_and_are_dropped_with_system_events() -> None:
    [group] = parse(HIKERS)
    assert [(m.text, m.reactions) for m in group.messages if m.reactions] == [
        ("Who's bringing the thermos? 🫖", (Reaction("Priya Raman", "👍"), Reaction("Zoë Adeyemi", "😂"))),
    ]
    # The Subscribe notice carries a 👋 in the file; it becomes an event and its reaction goes with it.
    assert "Jonas Weiß added Zoë Adeyemi to the group." in [e.text for e in group.system_events]


def test_an_instagram_thread_reads_its_reactions() -> None:
    [thread] = parse(LENA, "instagram")
    assert [(m.text, m.reactions) for m in thread.messages if m.reactions] == [
        ("https://www.instagram.com/reel/C8xYz12AbCd/",
         (Reaction("Lena Parks", "🔥", datetime(2024, 7, 2, 23, 10)),)),
        ("you make me laugh every single day 💕",
         (Reaction("Amir Sadeghi", "❤️", datetime(2024, 7, 2, 23, 11, 9)),)),
    ]


def _noor_with_first_entry(tmp_path: Path, **fields: object) -> Path:
    """The Noor chat with `fields` of message_1.json's messages[0] replaced."""
    for page in ("message_1.json", "message_2.json"):
        shutil.copy(NOOR / page, tmp_path / page)
    doc = json.loads((tmp_path / "message_1.json").read_text(encoding="utf-8"))
    doc["messages"][0].update(fields)
    (tmp_path / "message_1.json").write_text(json.dumps(doc), encoding="utf-8")
    return tmp_path / "message_1.json"


def _noor_with_first_reactions(tmp_path: Path, reactions: object) -> Path:
    """The Noor chat with the reactions of message_1.json's messages[0] replaced."""
    return _noor_with_first_entry(tmp_path, reactions=reactions)


@pytest.mark.parametrize(
    ("reactions", "json_path", "expected"),
    [
        ("\u00e2\u009d\u00a4", "messages[0].reactions", "expected a list"),
        ({"reaction": "x", "actor": "Noor Haddad"}, "messages[0].reactions", "expected a list"),
        (["\u00e2\u009d\u00a4"], "messages[0].reactions[0]", "expected a JSON object"),
        ([{"reaction": "\u00e2\u009d\u00a4", "actor": ["Noor Haddad"]}], "messages[0].reactions[0].actor",
         "expected a string or null"),
        ([{"actor": "Noor Haddad"}], "messages[0].reactions[0].reaction", "expected an emoji"),
        ([{"reaction": "", "actor": "Noor Haddad"}], "messages[0].reactions[0].reaction", "expected an emoji"),
        ([{"reaction": "\u00e2\u009d\u00a4", "actor": "Noor Haddad", "timestamp": "1707079290"}],
         "messages[0].reactions[0].timestamp", "expected a time in seconds since 1970"),
        ([{"reaction": "\u00e2\u009d\u00a4", "actor": "Noor Haddad", "timestamp": 10**30}],
         "messages[0].reactions[0].timestamp", "expected a time in seconds since 1970"),
    ],
)
def test_a_malformed_reaction_names_the_file_and_json_path(
    tmp_path: Path, reactions: object, json_path: str, expected: str
) -> None:
    path = _noor_with_first_reactions(tmp_path, reactions)
    with pytest.raises(ImportFormatError) as caught:
        parse(path)
    assert caught.value.source.endswith("message_1.json")
    assert caught.value.json_path == json_path
    assert expected in str(caught.value)


def test_a_sticker_given_as_a_reaction_is_a_reaction(tmp_path: Path) -> None:
    # Instagram, 2026: an empty emoji beside the sticker or picture given
    path = _noor_with_first_reactions(tmp_path, [
        {"reaction": "", "sticker_reaction": {"uri": "your_instagram_activity/messages/photos/1.jpg"},
         "actor": "Noor Haddad", "timestamp": 1707079290}])
    (chat, *_) = parse(path)
    assert ("Noor Haddad", "<sticker>") in [(r.author, r.emoji) for m in chat.messages for r in m.reactions]


@pytest.mark.parametrize("notice", [
    "margin minimalist named the group When Did We Become Hikers?",  # a lower-case name, no full stop after "?"
    "l botti removed Pia from the group.",
    "Sam Okoye set the nickname for Pia Ruiz to dont leave!!!",
    "Sam Okoye created a poll: Pizza or tacos?",
    "Sam Okoye turned on member approval and will review requests to join the group.",
    "The video chat ended.",
])
def test_notices_written_as_words_in_more_ways_are_notices(tmp_path: Path, notice: str) -> None:
    (chat, *_) = parse(_noor_with_first_entry(tmp_path, content=notice))
    assert notice in [e.text for e in chat.system_events]
    assert notice not in [m.text for m in chat.messages]


def test_a_location_sent_is_an_attachment_not_words(tmp_path: Path) -> None:
    (chat, *_) = parse(_noor_with_first_entry(tmp_path, content="You sent a live location."))
    located = [m for m in chat.messages if m.text == "You sent a live location."]
    assert [m.kind for m in located] == [MessageKind.MEDIA]


def test_a_bad_reaction_in_a_later_file_names_that_file(tmp_path: Path) -> None:
    for page in ("message_1.json", "message_2.json"):
        shutil.copy(NOOR / page, tmp_path / page)
    doc = json.loads((tmp_path / "message_2.json").read_text(encoding="utf-8"))
    doc["messages"][2]["reactions"] = [{"reaction": 10084, "actor": "Noor Haddad"}]
    (tmp_path / "message_2.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        parse(tmp_path / "message_1.json")
    assert caught.value.source.endswith("message_2.json")
    assert caught.value.json_path == "messages[2].reactions[0].reaction"


def test_absent_reactions_are_none_and_a_reaction_without_actor_is_the_unknown_sender(tmp_path: Path) -> None:
    path = _noor_with_first_reactions(tmp_path, None)
    [chat] = parse(path)
    assert chat.messages[6].reactions == ()
    path = _noor_with_first_reactions(tmp_path, [
        {"reaction": "\u00f0\u009f\u0091\u008d"},
        {"reaction": "\u00f0\u009f\u0091\u008d", "actor": None, "timestamp": None},
        {"reaction": "\u00f0\u009f\u0091\u008d", "actor": "Noor Haddad", "timestamp": 1707079290000},
    ])
    [chat] = parse(path)
    [instagram] = parse(path, "instagram")
    assert chat.messages[6].reactions == (
        Reaction("Facebook User", "👍"),
        Reaction("Facebook User", "👍"),
        # A time written in milliseconds, like message times, is read as such.
        Reaction("Noor Haddad", "👍", datetime(2024, 2, 4, 21, 41, 30)),
    )
    assert [r.author for r in instagram.messages[6].reactions] == ["Instagram User", "Instagram User", "Noor Haddad"]


def test_reaction_times_follow_this_computers_clock() -> None:
    with local_time("America/New_York"):
        [chat] = parse(NOOR / "message_1.json")
    assert chat.messages[6].reactions[0].ts == datetime(2024, 2, 4, 15, 41, 30)


message_fields = st.sampled_from(
    ["sender_name", "timestamp_ms", "content", "photos", "sticker", "share", "is_unsent", "type",
     "call_duration", "reactions"]
)
plausible = st.sampled_from(["Call", "Share", "Generic", 1706951645077, -(10**18), 10**20]) | (
    st.dictionaries(st.sampled_from(["link", "share_text", "uri"]), json_values)
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    json_values,
    st.fixed_dictionaries({
        "participants": json_values | st.lists(st.fixed_dictionaries({"name": json_values}), max_size=3),
        "messages": st.lists(st.dictionaries(message_fields, json_values | plausible), max_size=5),
        "title": json_values,
        "thread_path": json_values,
    }),
))
def test_any_json_document_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=200, deadline=None)
@given(st.one_of(damaged(json.loads(HIKERS.read_text(encoding="utf-8"))),
                 damaged(json.loads((NOOR / "message_1.json").read_text(encoding="utf-8")))))
def test_an_export_with_any_one_field_broken_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(data)


@st.composite
def chat_records(draw: st.DrawFn) -> list[Rec]:
    # Start from real instants so every time exists on this computer's clock.
    ms = draw(st.integers(1_300_000_000_000, 1_900_000_000_000))
    records = []
    for _ in range(draw(st.integers(1, 14))):
        ms += draw(st.integers(1, 10**8))
        ts = datetime.fromtimestamp(ms // 1000) + timedelta(milliseconds=ms % 1000)
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        text = draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
        if kind == "media" and draw(st.booleans()):
            text = draw(st.sampled_from(["<photo>", "<video>", "<GIF>", "<audio>", "<file>", "<sticker>"]))
        author = draw(st.sampled_from(["Élise Marchand", "Noor Haddad", "Zoë 🌿", "Wei Chen"]))
        records.append(Rec(ts, author, text, kind))
    return records


@settings(max_examples=60, deadline=None)
@given(chat_records(), st.integers(1, 5), st.sampled_from(["messenger", "instagram"]))
def test_rendered_files_parse_back_to_the_same_messages(records: list[Rec], per_file: int, app: str) -> None:
    files = render_messenger_files(records, title="Élise & Noor ✨", per_file=per_file, app=app)
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="ascii")
        [chat] = parse(Path(folder) / "message_1.json", app)
    assert chat.title == "Élise & Noor ✨"
    expected = [(r.ts, r.author, "" if r.kind == "deleted" else r.text, r.kind) for r in records]
    assert [(m.ts, m.author, m.text, str(m.kind)) for m in chat.messages] == expected


def test_a_rendered_file_is_written_the_way_meta_writes_it() -> None:
    day = datetime(2024, 2, 4, 21, 35)
    text = render_messenger([Rec(day, "Élise", "à demain"), Rec(day + timedelta(minutes=1), "Noor", "👋")],
                            title="Élise")
    assert text.isascii() and "\\u00c3\\u0089lise" in text
    newest_first = [m["sender_name"] for m in json.loads(text)["messages"]]
    assert newest_first == ["Noor", "\u00c3\u0089lise"]


@settings(max_examples=40, deadline=None)
@given(chat_records(), st.integers(1, 5), st.data())
def test_rendered_reactions_parse_back_to_the_same_reactions(
    records: list[Rec], per_file: int, data: st.DataObject
) -> None:
    people = st.sampled_from(["Élise Marchand", "Noor Haddad", "Zoë 🌿", "Wei Chen"])
    emoji = st.sampled_from(["❤", "❤️", "😆", "👍", "😮", "🥹"])
    when = st.none() | st.integers(1_300_000_000, 1_900_000_000).map(datetime.fromtimestamp)
    reaction = st.builds(Reaction, people, emoji, when)
    reactions = data.draw(st.dictionaries(st.integers(0, len(records) - 1), st.lists(reaction, min_size=1, max_size=3)))
    files = render_messenger_files(records, title="Élise & Noor ✨", per_file=per_file, reactions=reactions)
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="ascii")
        [chat] = parse(Path(folder) / "message_1.json")
    assert [m.reactions for m in chat.messages] == [tuple(reactions.get(i, ())) for i in range(len(records))]


def test_a_rendered_reaction_is_written_the_way_meta_writes_it() -> None:
    day = datetime(2024, 2, 4, 21, 35)
    reacted = [Reaction("Élise", "❤", day + timedelta(seconds=90)), Reaction("Noor", "👍")]
    text = render_messenger([Rec(day, "Noor", "I got the job!!")], title="Élise", reactions={0: reacted})
    [message] = json.loads(text)["messages"]
    assert message["reactions"] == [
        {"reaction": "\u00e2\u009d\u00a4", "actor": "\u00c3\u0089lise", "timestamp": int(day.timestamp()) + 90},
        {"reaction": "\u00f0\u009f\u0091\u008d", "actor": "Noor"},
    ]
    assert "reactions" not in json.loads(render_messenger([Rec(day, "Noor", "hi")], title="Noor"))["messages"][0]


# Messenger's end-to-end encrypted chats (the "message storage" download).


def test_an_encrypted_chat_reads_its_messages_oldest_first() -> None:
    [chat] = parse(ELISE, "messenger_e2ee")
    assert (chat.title, chat.chat_id, chat.source_format, chat.source) == (
        "Élise Marchand", "Élise Marchand_2", "messenger_e2ee", str(ELISE),
    )
    assert len(chat.messages) == 15 and chat.system_events == []
    assert [m.index for m in chat.messages] == list(range(15))
    assert Counter(m.author for m in chat.messages) == {"Noor Haddad": 8, "Élise Marchand": 7}
    assert [(m.ts, m.author) for m in chat.messages[:3]] == [
        (datetime(2024, 2, 4, 21, 35, 59, 250000), "Noor Haddad"),
        (datetime(2024, 3, 9, 18, 2, 11, 350000), "Élise Marchand"),
        (datetime(2024, 3, 9, 18, 5, 47, 2000), "Noor Haddad"),
    ]
    assert chat.messages[-1].ts == datetime(2024, 3, 10, 9, 21, 5, 300000)


def test_an_encrypted_chat_keeps_utf8_text_links_media_and_unsent_messages() -> None:
    [chat] = parse(ELISE, "messenger_e2ee")
    assert [(m.kind.value, m.text) for m in chat.messages] == [
        ("text", "I loved today"),
        ("text", "Tu es rentrée ? 🚆"),
        ("text", "oui ! le train avait 40 min de retard 🙄"),
        ("media", "<photo>"),
        ("text", "la vue depuis le pont ce matin 🌉"),
        ("text", "https://maps.example.org/place/cafe-des-arts"),
        ("text", "on y va dimanche ? ☕️"),
        ("deleted", ""),
        ("text", "dimanche c’est parfait, 11h ?"),
        ("media", "regarde le chat 😂"),
        ("text", "😂😂😂"),
        ("media", "<audio>"),
        ("text", "Señor Tomás dit bonjour 👋 à tout à l’heure !"),
        ("media", "<file>"),
        ("text", "j’arrive dans 10 min 🚲"),
    ]


def test_a_message_in_both_downloads_is_the_same_record() -> None:
    [classic] = parse(NOOR / "message_1.json")
    [secure] = parse(ELISE, "messenger_e2ee")
    assert classic.title == secure.title
    both = classic.messages[3], secure.messages[0]
    assert [(m.ts, m.author, m.text, m.kind) for m in both] == [
        (datetime(2024, 2, 4, 21, 35, 59, 250000), "Noor Haddad", "I loved today", MessageKind.TEXT)
    ] * 2
    # A photo reads the same from the older export's "photos" and from a .jpeg in "media".
    assert ("<photo>", MessageKind.MEDIA) in [(m.text, m.kind) for m in classic.messages]
    assert (secure.messages[3].text, secure.messages[3].kind) == ("<photo>", MessageKind.MEDIA)


def test_an_encrypted_group_chat() -> None:
    [group] = parse(SECURE_HIKERS, "messenger_e2ee")
    assert (group.title, group.chat_id) == ("Sunday Hikers", "Sunday Hikers_3")
    assert [(m.ts, m.author, m.kind.value, m.text) for m in group.messages] == [
        (datetime(2024, 6, 15, 19, 40), "Mateo Núñez", "text", "Sunday 7:30 at the station — who's in?"),
        (datetime(2024, 6, 15, 19, 41, 12, 250000), "Zoë Adeyemi", "media", "<GIF>"),
        (datetime(2024, 6, 15, 19, 43, 5, 500000), "Priya Raman", "text", "in! 🙋‍♀️"),
        (datetime(2024, 6, 15, 19, 44, 30, 125000), "Jonas Weiß", "text",
         "https://trails.example.org/route/col-de-la-forclaz"),
        (datetime(2024, 6, 15, 19, 45), "Jonas Weiß", "deleted", ""),
        (datetime(2024, 6, 15, 19, 46, 10, 600000), "Priya Raman", "text", "Jonas, that one is 1 400 m up 😅"),
        (datetime(2024, 6, 15, 20, 2, 44, 4000), "Zoë Adeyemi", "text", "ok ok, I'll bring the thermos 🫖"),
    ]
    assert group.is_group and group.system_events == []


def test_encrypted_chats_are_detected_and_the_older_importer_leaves_them_alone() -> None:
    for path in (ELISE, SECURE_HIKERS):
        source = Source(str(path), path=path)
        importer = detect(source)
        assert importer is not None and importer.name == "messenger_e2ee"
        assert importers()["messenger"].sniff(source, path.read_bytes()) == 0.0
        assert importers()["instagram"].sniff(source, path.read_bytes()) == 0.0
    classic = NOOR / "message_1.json"
    assert importers()["messenger_e2ee"].sniff(Source(str(classic), path=classic), classic.read_bytes()) == 0.0


def test_a_folder_with_both_downloads_imports_both(tmp_path: Path) -> None:
    shutil.copytree(NOOR, tmp_path / "your_facebook_activity" / "messages" / "inbox" / NOOR.name)
    shutil.copytree(SECURE, tmp_path / "messages")
    found = sorted(
        (c.source_format, c.title, len(c.messages)) for _, convs in read_paths([tmp_path]) for c in convs
    )
    assert found == [
        ("messenger", "Élise Marchand", 7),
        ("messenger_e2ee", "Sunday Hikers", 7),
        ("messenger_e2ee", "Élise Marchand", 15),
    ]


def test_unordered_messages_are_sorted_and_a_bare_placeholder_is_an_app_notice(tmp_path: Path) -> None:
    path = tmp_path / "Kofi Mensah_1.json"
    path.write_text(
        json.dumps({
            "participants": ["Ama Owusu", "Kofi Mensah"],
            "threadName": "Kofi Mensah_1",
            "messages": [
                {"senderName": "Kofi Mensah", "timestamp": 1717430400000, "text": "made it home", "type": "text"},
                {"senderName": "Kofi Mensah", "timestamp": 1717430350000, "text": "Notice from Meta",
                 "type": "placeholder", "isUnsent": False},
                {"senderName": "Ama Owusu", "timestamp": 1717430100000, "text": "text me when you land"},
            ],
        }),
        encoding="utf-8",
    )
    [chat] = parse(path, "messenger_e2ee")
    assert [(m.index, m.author, m.text) for m in chat.messages] == [
        (0, "Ama Owusu", "text me when you land"), (1, "Kofi Mensah", "made it home"),
    ]
    assert [(e.ts, e.text, e.author) for e in chat.system_events] == [
        (datetime(2024, 6, 3, 17, 59, 10), "Notice from Meta", "Kofi Mensah"),
    ]


def test_an_encrypted_chat_reads_its_reactions_as_written() -> None:
    [chat] = parse(ELISE, "messenger_e2ee")
    assert [(m.index, m.reactions) for m in chat.messages if m.reactions] == [
        (1, (Reaction("Noor Haddad", "❤"),)),
        (6, (Reaction("Élise Marchand", "👍"),)),
        (10, (Reaction("Noor Haddad", "😆"),)),
    ]
    # Both people, the exporting user included, carry the names their messages carry.
    assert {r.author for m in chat.messages for r in m.reactions} == {m.author for m in chat.messages}
    # The older export's reaction on the same chat names the exporting user the same way.
    [classic] = parse(NOOR / "message_1.json")
    assert classic.messages[6].reactions[0].author == chat.messages[1].reactions[0].author == "Noor Haddad"


def test_an_encrypted_group_keeps_the_order_of_reactions() -> None:
    [group] = parse(SECURE_HIKERS, "messenger_e2ee")
    assert [(m.author, m.reactions) for m in group.messages if m.reactions] == [
        ("Priya Raman", (Reaction("Mateo Núñez", "👍"), Reaction("Jonas Weiß", "😅"))),
    ]


def test_encrypted_reactions_on_an_app_notice_are_dropped_and_a_missing_actor_is_the_unknown_sender(
    tmp_path: Path,
) -> None:
    path = tmp_path / "Kofi Mensah_1.json"
    path.write_text(
        json.dumps({
            "participants": ["Ama Owusu", "Kofi Mensah"],
            "threadName": "Kofi Mensah_1",
            "messages": [
                {"senderName": "Ama Owusu", "timestamp": 1717430100000, "text": "text me when you land",
                 "reactions": None},
                {"senderName": "Kofi Mensah", "timestamp": 1717430350000, "text": "Notice from Meta",
                 "type": "placeholder", "reactions": [{"actor": "Ama Owusu", "reaction": "❤"}]},
                {"senderName": "Kofi Mensah", "timestamp": 1717430400000, "text": "made it home", "type": "text",
                 "reactions": [{"reaction": "🙏"}, {"actor": "Ama Owusu", "reaction": "❤", "timestamp": 1717430460}]},
            ],
        }),
        encoding="utf-8",
    )
    [chat] = parse(path, "messenger_e2ee")
    assert [(m.text, m.reactions) for m in chat.messages] == [
        ("text me when you land", ()),
        ("made it home", (Reaction("Facebook User", "🙏"), Reaction("Ama Owusu", "❤", datetime(2024, 6, 3, 18, 1)))),
    ]
    assert [e.text for e in chat.system_events] == ["Notice from Meta"]


def test_a_malformed_encrypted_reaction_names_the_file_and_json_path() -> None:
    cases: list[tuple[object, str, str]] = [
        ("❤", r"at messages\[1\]\.reactions: expected a list", "messages[1].reactions"),
        ([["Noor Haddad", "❤"]], r"at messages\[1\]\.reactions\[0\]: expected a JSON object",
         "messages[1].reactions[0]"),
        ([{"actor": "Noor Haddad"}], r"at messages\[1\]\.reactions\[0\]\.reaction: expected an emoji",
         "messages[1].reactions[0].reaction"),
        ([{"actor": 7, "reaction": "❤"}], r"expected a string or null", "messages[1].reactions[0].actor"),
    ]
    for reactions, message, json_path in cases:
        doc = json.loads(ELISE.read_text(encoding="utf-8"))
        doc["messages"][1]["reactions"] = reactions
        with pytest.raises(ImportFormatError, match=message) as caught:
            parse_secure_text(json.dumps(doc))
        assert caught.value.source.endswith("Élise Marchand_2.json")
        assert caught.value.json_path == json_path


def parse_secure_text(text: str | bytes) -> list[Conversation]:
    return parse_written(text, "Élise Marchand_2.json", lambda path: parse(path, "messenger_e2ee"))


def test_a_broken_encrypted_chat_names_the_file_the_json_path_and_what_was_expected() -> None:
    doc = json.loads(ELISE.read_text(encoding="utf-8"))
    doc["messages"][4]["timestamp"] = "2024-03-09T18:06:41"
    with pytest.raises(ImportFormatError) as caught:
        parse_secure_text(json.dumps(doc))
    assert caught.value.source.endswith("Élise Marchand_2.json")
    assert caught.value.json_path == "messages[4].timestamp"
    assert "expected a time in milliseconds since 1970" in str(caught.value)

    doc = json.loads(ELISE.read_text(encoding="utf-8"))
    doc["participants"][1] = {"name": "Élise Marchand"}
    with pytest.raises(ImportFormatError, match=r"at participants\[1\]: expected a name"):
        parse_secure_text(json.dumps(doc))

    doc = json.loads(ELISE.read_text(encoding="utf-8"))
    doc["messages"][7]["isUnsent"] = "true"
    with pytest.raises(ImportFormatError, match=r"at messages\[7\]\.isUnsent: expected true or false"):
        parse_secure_text(json.dumps(doc))

    text = ELISE.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"Marchand_2\.json:\d+: expected a JSON document"):
        parse_secure_text(text[:400])
    with pytest.raises(ImportFormatError, match="'participants', 'threadName' and 'messages'"):
        parse_secure_text('{"guild": {}, "channel": {}, "messages": []}')


secure_fields = st.sampled_from(["senderName", "timestamp", "text", "type", "isUnsent", "media", "reactions"])
secure_plausible = st.sampled_from(["text", "link", "media", "placeholder", 1710003731350, -(10**18), 10**20]) | (
    st.lists(st.fixed_dictionaries({"uri": json_values}), max_size=2)
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    json_values,
    st.fixed_dictionaries({
        "participants": json_values | st.lists(json_values, max_size=3),
        "threadName": json_values,
        "messages": st.lists(st.dictionaries(secure_fields, json_values | secure_plausible), max_size=5),
    }),
    damaged(json.loads(ELISE.read_text(encoding="utf-8"))),
))
def test_any_encrypted_chat_document_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_secure_text(json.dumps(document))


def _entry(sender: str, minute: int, content: str, **extra: object) -> dict:
    return {"sender_name": sender, "timestamp_ms": 1719589900000 + 60_000 * minute, "content": content, **extra}


def test_instagram_group_notices_without_a_type_are_not_messages() -> None:
    doc = {
        "participants": [{"name": "Ines Navarro"}, {"name": "Tom Becker"}, {"name": "Kemi Bello"}],
        "title": "Lisbon trip",
        "messages": [  # newest first, as Meta writes them
            _entry("Tom Becker", 5, "This poll is no longer available."),
            _entry("Kemi Bello", 4, "Kemi Bello's poll has multiple updates."),
            _entry("Ines Navarro", 3, "who's in for the surf lesson??"),
            _entry("Tom Becker", 2, "Tom Becker named the group Lisbon trip."),
            _entry("Kemi Bello", 1, "Kemi Bello joined the group.", users=[{"name": "Kemi Bello"}]),
            _entry("Ines Navarro", 0, "she left the group chat for us lol"),
            _entry("Tom Becker", -1, "Ines named the group after her cat"),  # words about a notice: a message
        ],
    }
    (conv,) = parse_text(json.dumps(doc), fmt="instagram")
    assert [m.text for m in conv.messages] == [
        "Ines named the group after her cat", "she left the group chat for us lol", "who's in for the surf lesson??",
    ]
    assert [e.text for e in conv.system_events] == [
        "Kemi Bello joined the group.", "Tom Becker named the group Lisbon trip.",
        "Kemi Bello's poll has multiple updates.", "This poll is no longer available.",
    ]


def test_notices_written_as_if_someone_said_them_are_not_messages() -> None:
    """As real exports of other projects write them: nicknames and "You" as the actor, calls
    without a type, French and Portuguese notices; people's own words about the same things stay."""
    notices = [
        "#1 Avocado Buisness named the group Viv Birthday Group.",
        "Rico created the group.",
        "You changed the group photo.",
        "Zuhayer set his own nickname to Supreme Overlord.",
        "You set the nickname for Anna Dvorakova to 2004 Toyota.",
        'You voted for "Dumpling house" and 2 other options in the poll: Where will we eat.',
        "#1 Twitch Streamer changed the chat theme.",
        "You added Anna Dvorakova as a group admin.",
        "Manon a manqu\u00e9 votre appel.",
        "Vous avez re\u00e7u un appel de Manon.",
        "Reagiu com \u2764\ufe0f \u00e0 sua mensagem ",
        "acervorange iniciou um bate-papo de v\u00eddeo",
        "#1 Twitch Streamer joined the call.",
        "You started a call.",
        "#1 Workaholic responded ",  # to a plan
        "Curtiu uma mensagem",
        "Vợ yêu đã đặt biệt danh cho Nga Q Do là Em yêu.",  # set a nickname
        "Bạn đã thay đổi màu sắc chủ đề của đoạn chat thành Hot Pink.",  # changed the theme
        # seen in the second sweep: Instagram's forms without a full stop, spelt-out nicknames, "A contact"
        "Audio call ended", "as7uka started a video chat", "J u l i a n a joined the call.",
        "You missed a video chat from Sonusing.", "_ktz.shii changed the theme to Monochrome",
        "A contact set your nickname to pulga.", "You pinned a message.", "Vaughn is waving at you!",
        "Dites bonjour à votre nouvelle amie Facebook Manon.", "Lan đã đổi chủ đề thành Tình yêu.",
        "Một người liên hệ đã đặt biệt danh của bạn là Mèo",
        # seen in the third sweep: "A contact" and spelt-out or lower-case nicknames doing the rest
        "A contact set the emoji to 🐬.", "A contact added you and 3 others to the group.",
        "A contact changed the chat theme to Aqua.", "A contact set the nickname for Ines Navarro to Nessie.",
        "A contact started sharing video.", "R  i  c  o added Thanh Vu to the group.", "I n e s changed the theme.",
        "big spoon set the emoji to 🔥.", "big spoon changed the chat theme.",
        "big spoon set the nickname for Rico Lopez to Ricochet.", "big spoon set her own nickname to Spoon.",
        "Thanh has taken your quiz. Find out their score!",
    ]
    words = ["Thought we voted for Sunday but I might be wrong", "she named the group after her cat.",
             "you changed the group photo?? why", "Sorry I missed your call.", "I created the group.",
             "Oh I joined the call.", "she responded", "I responded", "oh i joined the call.",
             "so we changed the theme to red", "I pinned a message.", "oh I set the emoji to 🔥.",
             "I changed the chat theme.", "Rico has taken your quiz. Find out their score then",
             "so I set the nickname for her to bestie."]
    entries = [_entry("Rico Lopez", k, text, type="Generic") for k, text in enumerate(notices)]
    entries.append(_entry("Thanh Vu", 60, "The video call ended.", call_duration=926))  # newer exports: no type
    entries += [_entry("Ines Navarro", 70 + k, text, type="Generic") for k, text in enumerate(words)]
    entries.append(_entry("Rico Lopez", 100, "You sent an attachment.", share={"link": "https://example.org/reel/1"}))
    entries.append(_entry("Rico Lopez", 101, "Rico sent an attachment."))
    entries.append(_entry("Rico Lopez", 102, "Vợ yêu đã gửi một file đính kèm.",  # "... sent an attachment."
                          share={"link": "https://example.org/post/2"}))
    entries.append(_entry("Rico Lopez", 103, "sudharsan sent an attachment.",  # a lower-case username (seen)
                          share={"link": "https://example.org/reel/3"}))
    entries.append(_entry("Rico Lopez", 104, "Manon a envoyé un lien.", share={"link": "https://example.org/4"}))
    doc = {"participants": [{"name": "Rico Lopez"}, {"name": "Ines Navarro"}, {"name": "Thanh Vu"}],
           "title": "Viv Birthday Group", "messages": list(reversed(entries))}
    (conv,) = parse_text(json.dumps(doc))
    assert [(m.kind, m.text) for m in conv.messages] == [
        *((MessageKind.TEXT, text) for text in words),
        (MessageKind.TEXT, "https://example.org/reel/1"),  # the link is what was sent
        (MessageKind.MEDIA, "Rico sent an attachment."),
        (MessageKind.TEXT, "https://example.org/post/2"),
        (MessageKind.TEXT, "https://example.org/reel/3"),
        (MessageKind.TEXT, "https://example.org/4"),
    ]
    assert len(conv.system_events) == len(notices) + 1


def _mojibake(text: str) -> str:
    """How Meta's older export writes text: each UTF-8 byte as a Latin-1 character."""
    return text.encode("utf-8").decode("latin-1")


def test_an_encrypted_chat_written_in_mojibake_is_repaired_where_the_repair_reverses_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "Zoë Adeyemi_4.json"
    path.write_text(
        json.dumps({
            "participants": [_mojibake("Zoë Adeyemi"), "Noor Haddad"],
            "threadName": _mojibake("Zoë Adeyemi_4"),
            "messages": [
                {"senderName": _mojibake("Zoë Adeyemi"), "timestamp": 1717430100000, "type": "text",
                 "text": _mojibake("café after work? ☕"),
                 "reactions": [{"actor": "Noor Haddad", "reaction": _mojibake("❤")}]},
                {"senderName": "Noor Haddad", "timestamp": 1717430160000, "type": "text",
                 "text": "yes! the crème brûlée place",  # proper UTF-8: no clean reversal, kept
                 "reactions": [{"actor": _mojibake("Zoë Adeyemi"), "reaction": "😍"}]},
                {"senderName": "Noor Haddad", "timestamp": 1717430220000, "type": "text",
                 "text": "Ã la carte, Â£12"},  # not UTF-8 underneath as a whole: each run that is, repaired
            ],
        }),
        encoding="utf-8",
    )
    [chat] = parse(path, "messenger_e2ee")
    assert (chat.title, chat.chat_id) == ("Zoë Adeyemi", "Zoë Adeyemi_4")
    assert [(m.author, m.text, m.reactions) for m in chat.messages] == [
        ("Zoë Adeyemi", "café after work? ☕", (Reaction("Noor Haddad", "❤"),)),
        ("Noor Haddad", "yes! the crème brûlée place", (Reaction("Zoë Adeyemi", "😍"),)),
        ("Noor Haddad", "Ã la carte, £12", ()),
    ]
