"""The signal_backup importer reads Signal's own plaintext export: main.jsonl, backup frames as JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tests.exporters.signal_backup import render_signal_backup
from tests.ingest._json_fuzz import damaged
from tests.ingest._records import INSTANTS_MS, Rec, instant_records, parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.signal_backup import MEDIA_PLACEHOLDERS, SignalBackupImporter
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXPORT = FIXTURES / "signal_backup" / "signal-export-2026-03-14-10-02-11"
MAIN = EXPORT / "signal-backup-2026-03-14-10-02-11" / "main.jsonl"
METADATA = MAIN.with_name("metadata.json")
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
JONAS, LENA, SEBNEM = "Jonas Ødegaard", "Lena Vogt", "Şebnem Kaya"
INFO = '{"version":"1","backupTimeMs":"1773478931000","mediaRootBackupKey":"a2V5"}'
SELF = '{"recipient":{"id":"1","self":{}}}'
SAM = '{"recipient":{"id":"4","contact":{"profileGivenName":"Sam"}}}'
CHAT = '{"chat":{"id":"1","recipientId":"4"}}'


@pytest.fixture(autouse=True)
def berlin_time() -> Iterator[None]:
    """Signal writes UTC instants; the importer shows the machine's local time (UTC+1 in March 2026)."""
    with local_time("Europe/Berlin"):
        yield


def read(path: Path, options: ImportOptions | None = None) -> dict[str, Conversation]:
    [(_, conversations)] = list(read_paths([path], options or ImportOptions()))
    assert all(c.source_format == "signal_backup" for c in conversations)
    return {c.title: c for c in conversations}


def parse_text(text: str, me: str | None = None) -> list[Conversation]:
    def parse(path: Path) -> list[Conversation]:
        return list(SignalBackupImporter().parse(Source(str(path), path=path), ImportOptions(me=me)))

    return parse_written(text, "main.jsonl", parse)


def lines(*frames: str) -> str:
    return "".join(frame + "\n" for frame in frames)


def item(body: str, *, author: str = "4", sent: str = "1773338531000") -> str:
    return json.dumps({"chatItem": {"chatId": "1", "authorId": author, "dateSent": sent, "incoming": {},
                                    "standardMessage": {"text": {"body": body}}}}, ensure_ascii=False)


def at(day: int, hour: int, minute: int, second: int = 0, ms: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, ms * 1000)


def test_a_chat_reads_oldest_first_in_local_time_with_media_replies_edits_and_deletions() -> None:
    jonas = read(MAIN)[JONAS]
    assert (jonas.me, jonas.group, jonas.is_group) == (LENA, False, False)
    assert jonas.chat_id == "aci:m3Jx0mYbQ9yS1aQ8yTn2ZA=="
    assert [(m.index, m.ts, m.author, m.kind, m.text, m.reply_to, m.edited) for m in jonas.messages] == [
        (0, at(12, 18, 2, 11, 430), JONAS, TEXT, "Bist du heute Abend zu Hause? 🙂", None, False),
        (1, at(12, 18, 5, 40, 12), LENA, TEXT, "ja, ab halb acht\nbring Hunger mit", None, False),
        (2, at(12, 18, 6, 2, 900), JONAS, MEDIA, "Ich hab Brot gebacken 🍞", None, False),  # a photo's caption
        (3, at(12, 18, 7, 15), LENA, MEDIA, "<voice message>", None, False),
        (4, at(12, 18, 9, 1, 5), JONAS, TEXT, "Immer 😄", 1, False),  # quotes message 1 by its time and author
        # the latest text, at the time of its first version (the item's own dateSent is the edit's)
        (5, at(12, 18, 12, 3, 250), LENA, TEXT, "Komme um 19:45, nicht 19:30", None, True),
        (6, at(12, 18, 15, 22), JONAS, DELETED, "", None, False),
        (7, at(12, 18, 16), JONAS, MEDIA, "<sticker>", None, False),
        (8, at(12, 21, 41, 2), LENA, TEXT, "Sorry, war unter der Dusche – ruf gleich zurück", None, False),
    ]
    assert [(e.ts, e.author, e.text) for e in jonas.system_events] == [
        (at(12, 21, 40, 10), JONAS, "Video call (incoming, missed)"),
    ]


def test_reactions_are_named_from_recipients_and_keep_their_times() -> None:
    chats = read(MAIN)
    assert chats[JONAS].messages[2].reactions == (Reaction(LENA, "😍", at(12, 18, 6, 30)),)
    assert chats["Klettergruppe 🧗"].messages[2].reactions == (
        Reaction(JONAS, "👍", at(13, 9, 5)), Reaction(SEBNEM, "👍", at(13, 9, 6)),
    )


def test_a_group_is_titled_by_its_snapshot_with_polls_files_and_notices() -> None:
    group = read(MAIN)["Klettergruppe 🧗"]
    assert (group.group, group.me) == (True, LENA)
    assert group.chat_id is not None and group.chat_id.startswith("group:")
    assert "Z3JvdXAtbWFzdGVy" not in group.chat_id  # a hash of the master key, never the key
    assert [(m.author, m.kind, m.text, m.reply_to) for m in group.messages] == [
        (SEBNEM, TEXT, "Merhaba! Danke fürs Einladen 🙏", None),
        (JONAS, TEXT, "Sonntag Fels oder Halle?\n- Fels\n- Halle", None),
        (LENA, MEDIA, "Plan für März anbei", None),
        (SEBNEM, TEXT, "Fels, wenn's trocken bleibt ☀️", 1),
    ]
    assert [(e.ts, e.author, e.text) for e in group.system_events] == [
        (at(13, 9, 0), LENA, "Group name changed to Klettergruppe 🧗; Group member added"),
        (at(13, 9, 10), JONAS, "Group expiration timer"),
    ]


def test_one_conversation_per_chat_with_messages_named_by_nickname_and_me_by_the_option() -> None:
    chats = read(MAIN, ImportOptions(me="Lena"))
    assert list(chats) == [JONAS, "Klettergruppe 🧗", "Mama"]  # the notice-only and empty chats are left out
    mama = chats["Mama"]
    assert (mama.me, [(m.author, m.kind, m.text) for m in mama.messages]) == ("Lena", [
        ("Mama", TEXT, "Guten Morgen Schatz, denk an Omas Geburtstag am Sonntag!"),
        ("Lena", MEDIA, "<view-once media>"),
        ("Lena", TEXT, "Mach ich 💐"),
    ])


def test_the_user_without_a_profile_name_is_me_and_names_two_recipients_share_are_told_apart() -> None:
    twin = '{"recipient":{"id":"5","contact":{"profileGivenName":"Sam"}}}'
    [chat] = parse_text(lines(INFO, SELF, SAM, twin, '{"chat":{"id":"1","recipientId":"5"}}',
                              item("hi", author="4"), item("hey", author="5", sent="1773338532000"),
                              item("yo", author="1", sent="1773338533000")))
    assert (chat.title, chat.me, chat.people) == ("Sam (2)", "me", ["Sam", "Sam (2)", "me"])


def test_a_folder_import_reads_main_jsonl_and_skips_the_metadata() -> None:
    [(source, conversations)] = list(read_paths([EXPORT]))
    assert source.filename == "main.jsonl"
    assert len(conversations) == 3


def test_messages_keep_their_order_in_the_hour_the_clocks_go_back() -> None:
    # 2025-10-26 in Berlin: 02:30 CEST (00:30 UTC) comes before 02:10 CET (01:10 UTC)
    first, second = "1761438600000", "1761441000000"
    [chat] = parse_text(lines(INFO, SELF, SAM, CHAT, item("before", sent=first), item("after", sent=second)))
    assert [(m.text, m.ts) for m in chat.messages] == [
        ("before", datetime(2025, 10, 26, 2, 30)), ("after", datetime(2025, 10, 26, 2, 10)),
    ]


def test_items_out_of_order_are_put_in_order_of_their_instant_and_a_reply_only_points_back() -> None:
    quote = {"chatItem": {"chatId": "1", "authorId": "1", "dateSent": "1773338500000", "outgoing": {},
                          "standardMessage": {"quote": {"targetSentTimestamp": "1773338531000", "authorId": "4"},
                                              "text": {"body": "early answer"}}}}
    [chat] = parse_text(lines(INFO, SELF, SAM, CHAT, item("later"), json.dumps(quote)))
    assert [(m.text, m.reply_to) for m in chat.messages] == [("early answer", None), ("later", None)]


def test_items_of_unknown_kinds_are_notices_and_items_without_one_are_skipped() -> None:
    future = '{"chatItem":{"chatId":"1","authorId":"4","dateSent":"1773338540000","incoming":{},"hologram":{}}}'
    empty = '{"chatItem":{"chatId":"1","authorId":"4","dateSent":"1773338550000","incoming":{}}}'
    [chat] = parse_text(lines(INFO, SELF, SAM, CHAT, item("hi"), future, empty, '{"somethingNew":{"id":"3"}}'))
    assert [m.text for m in chat.messages] == ["hi"]
    assert [e.text for e in chat.system_events] == ["Signal item this importer does not know: hologram"]


def test_times_written_as_plain_numbers_are_read_too() -> None:
    frame = {"chatItem": {"chatId": 1, "authorId": 4, "dateSent": 1773338531000, "incoming": {},
                          "standardMessage": {"text": {"body": "numbers"}}}}
    [chat] = parse_text(lines(INFO, SELF, SAM, CHAT, json.dumps(frame)))
    assert (chat.messages[0].ts, chat.messages[0].text) == (at(12, 19, 2, 11), "numbers")


@pytest.mark.parametrize(("frame", "line", "path", "expected"), [
    (item("x", sent="yesterday"), 5, "chatItem.dateSent", "a time in milliseconds since 1970"),
    ('{"chatItem":{"chatId":"1","authorId":"4","incoming":{},"standardMessage":{}}}', 5, "chatItem.dateSent",
     "a time in milliseconds since 1970"),
    (item("x", author="77"), 5, "chatItem.authorId", "the id of a recipient defined in the file"),
    ('{"chatItem":{"chatId":"9","authorId":"4","dateSent":"1","standardMessage":{}}}', 5, "chatItem.chatId",
     "the id of a chat defined on an earlier line"),
    ('{"chatItem":{"chatId":"1","authorId":"4","dateSent":"1","standardMessage":{"text":{"body":5}}}}', 5,
     "chatItem.standardMessage.text.body", "a string"),
    ('{"chatItem":{"chatId":"1","authorId":"4","dateSent":"1","standardMessage":{"reactions":[{"emoji":"👍"}]}}}', 5,
     "chatItem.standardMessage.reactions[0].authorId", "the recipient id of who reacted"),
    ('{"chatItem":{"chatId":"1","dateSent":"1","standardMessage":{}}}', 5, "chatItem.authorId",
     "the recipient id of the message's author"),
    ('{"recipient":{"id":"x"}}', 5, "recipient.id", "a recipient id"),
    ('["not", "a", "frame"]', 5, "$", "a JSON object"),
])
def test_broken_fields_are_format_errors_naming_the_line_and_json_path(
    frame: str, line: int, path: str, expected: str
) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(lines(INFO, SELF, SAM, CHAT, frame))
    assert (caught.value.line, caught.value.json_path) == (line, path)
    assert caught.value.expected.startswith(expected)
    assert not isinstance(caught.value, UnknownFormatError)


@pytest.mark.parametrize(("field", "value"), [
    ("dateSent", "1" * 5000), ("dateSent", "99999999999999999999"), ("authorId", "4" * 4400),
    ("chatId", 10**30), ("dateSent", "-1"),
])
def test_numbers_of_thousands_of_digits_or_past_64_bits_are_format_errors(field: str, value: object) -> None:
    frame = json.loads(item("x"))
    frame["chatItem"][field] = value
    with pytest.raises(ImportFormatError) as caught:
        parse_text(lines(INFO, SELF, SAM, CHAT, json.dumps(frame)))
    assert (caught.value.line, caught.value.json_path) == (5, f"chatItem.{field}")


@pytest.mark.parametrize(("frame", "path"), [
    ('{"recipient":{"id":"4","contact":{"profileGivenName":"Kim"}}}', "recipient.id"),
    ('{"chat":{"id":"1","recipientId":"1"}}', "chat.id"),
])
def test_an_id_two_frames_share_is_a_format_error_not_a_silent_merge(frame: str, path: str) -> None:
    # a second recipient 4 would rename Sam's messages; a second chat 1 would merge two chats into one
    with pytest.raises(ImportFormatError) as caught:
        parse_text(lines(INFO, SELF, SAM, CHAT, frame, item("hi")))
    assert (caught.value.line, caught.value.json_path) == (5, path)


def test_a_group_titled_like_a_person_leaves_the_person_their_name() -> None:
    group = '{"recipient":{"id":"3","group":{"masterKey":"a2V5","snapshot":{"title":{"title":"Sam"}}}}}'
    [chat] = parse_text(lines(INFO, SELF, group, SAM, CHAT, item("hi")))
    assert (chat.title, chat.people) == ("Sam", ["Sam"])


def test_a_blank_nickname_or_username_falls_back_to_the_next_name() -> None:
    blank = '{"recipient":{"id":"4","contact":{"systemNickname":"  ","username":" ","profileGivenName":"Sam"}}}'
    [chat] = parse_text(lines(INFO, SELF, blank, CHAT, item("hi")))
    assert (chat.title, chat.people) == ("Sam", ["Sam"])


def test_mentions_read_as_the_name_of_who_is_mentioned_not_as_a_placeholder() -> None:
    sam = '{"recipient":{"id":"4","contact":{"aci":"c2Ft","profileGivenName":"Sam"}}}'
    ranges = [{"start": 2, "length": 1, "mentionAci": "c2Ft"}, {"start": 0, "length": 2, "style": "BOLD"},
              {"start": 8, "length": 1, "mentionAci": "bGVuYQ=="}]  # UTF-16 units: 🙂 is two
    frame = {"chatItem": {"chatId": "1", "authorId": "4", "dateSent": "1773338531000", "incoming": {},
                          "standardMessage": {"text": {"body": "🙂\ufffc and \ufffc?", "bodyRanges": ranges}}}}
    [chat] = parse_text(lines(INFO, SELF, sam, CHAT, json.dumps(frame)), me="Lena")
    # the user has no ACI in the file (Self carries none): a mention of someone no recipient is, is the user
    assert chat.messages[0].text == "🙂@Sam and @Lena?"


FRAMES = [json.loads(line) for line in MAIN.read_text(encoding="utf-8").splitlines()]


@settings(max_examples=150, deadline=None)
@given(damaged(FRAMES))
def test_any_damage_to_a_real_export_reads_or_raises_a_format_error(broken: object) -> None:
    assert isinstance(broken, list)
    text = "".join(json.dumps(frame, ensure_ascii=False) + "\n" for frame in broken)
    try:
        conversations = parse_text(text)
    except ImportFormatError:
        return
    assert all(m.index == i for c in conversations for i, m in enumerate(c.messages))


def test_a_truncated_file_is_an_error_naming_its_last_line() -> None:
    text = lines(INFO, SELF, SAM, CHAT, item("hi"))[:-20]
    with pytest.raises(ImportFormatError) as caught:
        parse_text(text)
    assert caught.value.line == 5 and "one JSON object a line" in caught.value.expected


def test_bytes_that_are_not_utf8_are_an_error_naming_their_line() -> None:
    data = lines(INFO, SELF).encode() + b'{"recipient":{"id":"4","contact":{"profileGivenName":"S\xe9"}}}\n'
    with pytest.raises(ImportFormatError) as caught:
        parse_written(data, "main.jsonl",
                      lambda p: list(SignalBackupImporter().parse(Source(str(p), path=p), ImportOptions())))
    assert caught.value.line == 3
    assert caught.value.found is not None
    assert caught.value.found.startswith("byte e9")  # the bad byte, not the line's first


@pytest.mark.parametrize(("frame", "path"), [
    ('{"chatItem":{"chatId":"1","dateSent":"1","standardMessage":{}}}', "chatItem.authorId"),
    ('{"chatItem":{"chatId":"1","authorId":"0","dateSent":"1","standardMessage":{}}}', "chatItem.authorId"),
    ('{"chatItem":{"authorId":"4","dateSent":"1","standardMessage":{}}}', "chatItem.chatId"),
    ('{"recipient":{"self":{}}}', "recipient.id"),
])
def test_a_missing_field_is_reported_as_nothing_not_as_the_string_nothing(frame: str, path: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(lines(INFO, SELF, SAM, CHAT, frame))
    assert caught.value.json_path == path
    assert caught.value.found in ("nothing", '"0"')


@pytest.mark.parametrize("text", ["", '{"version":1}\n', '{"recipient":{"id":"1","self":{}}}\n', "id,text\n1,hi\n"])
def test_files_that_do_not_start_with_backup_info_are_not_this_format(text: str) -> None:
    with pytest.raises(UnknownFormatError):
        parse_text(text)


def test_detection_claims_the_export_and_nothing_else() -> None:
    assert detect(Source(str(MAIN), path=MAIN)) is not None
    assert detect(Source(str(MAIN), path=MAIN)).name == "signal_backup"  # type: ignore[union-attr]
    assert detect(Source(str(METADATA), path=METADATA)) is None
    importer = SignalBackupImporter()
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and "signal_backup" not in p.parts]
    assert others
    assert all(importer.sniff(Source(str(p), path=p), p.read_bytes()[:65536]) == 0.0 for p in others)


def test_detection_beats_the_table_reader_for_a_jsonl_file_and_leaves_other_jsonl_alone() -> None:
    def detected(text: str) -> str | None:
        def name(path: Path) -> str | None:
            found = detect(Source(str(path), path=path))
            return found.name if found else None

        return parse_written(text, "main.jsonl", name)

    assert detected(lines(INFO, SELF, SAM, CHAT, item("hi"))) == "signal_backup"
    assert detected('{"ts": "2024-03-12 21:04", "author": "Sam", "text": "hi"}\n') == "tabular"


def test_a_rendered_chat_is_written_the_way_the_exporter_writes_it() -> None:
    records = [Rec(at(12, 21, 4, 5, 123), JONAS, "bis gleich"), Rec(at(12, 21, 5, 0), LENA, "👍", reply_to=0)]
    frames = [json.loads(line) for line in render_signal_backup(records, me=LENA).splitlines()]
    assert list(frames[0]) == ["version", "backupTimeMs", "mediaRootBackupKey", "currentAppVersion"]
    assert [next(iter(f)) for f in frames[1:]] == ["account", "recipient", "recipient", "recipient", "chat",
                                                   "chatItem", "chatItem"]
    answer = frames[-1]["chatItem"]
    assert answer["dateSent"] == "1773345900000"  # 20:05 UTC: Berlin is UTC+1 in March
    assert answer["standardMessage"]["quote"]["targetSentTimestamp"] == "1773345845123"


AUTHORS = ["Tomás Brenner", "Mireille Okafor", "Ayşe Demir", "Kofi"]
ATTACHMENT_PLACEHOLDERS = ["<photo>", "<video>", "<audio>", "<voice message>", "<GIF>", "<file>"]
MEDIA_TEXTS = [*ATTACHMENT_PLACEHOLDERS, "IMG_4410.jpg", "Screenshot 2024-03-12 at 21.04.05.png"]


def test_the_placeholders_rendered_are_the_importers() -> None:
    assert set(ATTACHMENT_PLACEHOLDERS) <= set(MEDIA_PLACEHOLDERS.values())


@settings(max_examples=60, deadline=None)
@given(instant_records(AUTHORS, MEDIA_TEXTS), st.booleans(), st.data())
def test_a_rendered_export_parses_back_to_the_same_messages(
    records: list[Rec], group: bool, data: st.DataObject
) -> None:
    assume(len({(r.author, r.ts) for r in records}) == len(records))  # Signal's sent times are unique per author
    when = INSTANTS_MS.map(lambda ms: datetime.fromtimestamp(ms / 1000))
    reaction = st.builds(Reaction, st.sampled_from(AUTHORS), st.sampled_from(["❤️", "👍", "😂", "👨‍🍳"]), when)
    reactions = data.draw(st.dictionaries(st.integers(0, len(records) - 1), st.lists(reaction, max_size=3)))
    title = "Lisbon & co 🇵🇹" if group else None
    [chat] = parse_text(render_signal_backup(records, me="Kofi", title=title, reactions=reactions))
    assert (chat.me, chat.group) == ("Kofi", group)
    if group:
        assert chat.title == title
    expected = [
        (r.ts, r.author, "" if r.kind == "deleted" else r.text, r.kind,
         None if r.kind == "deleted" else r.reply_to, r.edited and r.kind != "deleted")
        for r in records
    ]
    assert [(m.ts, m.author, m.text, str(m.kind), m.reply_to, m.edited) for m in chat.messages] == expected
    assert [m.reactions for m in chat.messages] == [
        () if r.kind == "deleted" else tuple(reactions.get(i, ())) for i, r in enumerate(records)
    ]
