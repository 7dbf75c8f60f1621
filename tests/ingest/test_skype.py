"""The Skype importer reads the account's ``messages.json`` export (or the ``.tar`` it comes in)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import tarfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.skype import account, render_skype
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import INSTANTS_MS, Rec, instant_records, parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.skype import MEDIA_PLACEHOLDERS, SkypeImporter, reaction_emoji
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXPORT = FIXTURES / "skype" / "messages.json"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
ME = "8:live:tomas.brenner"


@pytest.fixture(autouse=True)
def berlin_time() -> Iterator[None]:
    """Skype stores UTC; the importer shows the machine's local time (UTC+1 in March in Berlin)."""
    with local_time("Europe/Berlin"):
        yield


def parse(path: Path, options: ImportOptions | None = None) -> list[Conversation]:
    return list(SkypeImporter().parse(Source(str(path), path=path), options or ImportOptions()))


def parse_text(text: str | bytes, options: ImportOptions | None = None) -> list[Conversation]:
    return parse_written(text, "messages.json", lambda path: parse(path, options))


def fixture() -> dict:
    return json.loads(EXPORT.read_text(encoding="utf-8"))


def edited(change: Callable[[dict], object]) -> str:
    """The fixture with `change` applied to its parsed document."""
    document = fixture()
    change(document)
    return json.dumps(document, ensure_ascii=False)


def at(month: int, day: int, hour: int, minute: int, second: int = 0, ms: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, second, ms * 1000)


def test_one_file_holds_every_chat_and_only_chats_with_messages_are_read() -> None:
    chats = [c for _, convs in read_paths([EXPORT]) for c in convs]
    # an empty chat, Skype's 48:calllogs list and a bot's notices are left out
    assert [(c.title, c.chat_id, c.group, c.source_format) for c in chats] == [
        ("Mireille Okafor", "8:live:.cid.7b1e40c9a3d2f611", False, "skype"),
        ("Lisbon trip 🇵🇹", "19:4c2f3e1a9b8d4e7f8a6b5c4d3e2f1a0b@thread.skype", True, "skype"),
    ]
    assert {c.me for c in chats} == {"Tomás Brenner"}  # userId, named where one of his messages names him


def test_a_one_to_one_chat_reads_oldest_first_in_local_time_with_clean_text() -> None:
    [chat, _] = parse(EXPORT)
    me, her = "Tomás Brenner", "Mireille Okafor"
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (0, at(3, 12, 22, 25, 2, 871), me, TEXT,
         "That was lovely <3 Thanks for calling, I'd missed your voice (heart)"),
        (1, at(3, 12, 22, 26, 40, 500), her, TEXT, "Same here.\nTomorrow: *market* at 10?"),  # no displayName here
        (2, at(3, 12, 22, 27, 15, 4), me, TEXT, "Yes! I'll bring the tote bags"),
        (3, at(3, 12, 22, 27, 59, 260), her, MEDIA, "<photo>"),
        (4, at(3, 12, 22, 28, 30, 117), me, TEXT, "Is that the new flat?! :o"),  # the quote is not his words
        (5, at(3, 12, 22, 31, 2, 776), her, DELETED, ""),
        (6, at(3, 13, 8, 52, 44, 918), her, MEDIA, "<file>"),
        (7, at(3, 13, 8, 53, 1, 330), her, TEXT, "Bis gleich! 🚲\nBring cash for the cheese stall"),  # "Text": plain
        (8, at(3, 13, 8, 55, 20), me, TEXT, "Route: https://maps.example.org/r/41"),
        (9, at(3, 13, 8, 56, 48, 640), me, MEDIA, "<voice message>"),
    ]
    assert [m.reply_to for m in chat.messages] == [None, None, None, None, 3, None, None, None, None, None]
    assert [m.edited for m in chat.messages] == [False, False, True, False, False, False, False, False, False, False]


def test_calls_are_events_with_their_state_and_length() -> None:
    [chat, _] = parse(EXPORT)
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (at(3, 12, 21, 58, 10, 412), "Mireille Okafor", "call started"),
        (at(3, 12, 22, 24, 37, 93), "Mireille Okafor", "call ended (26:26)"),  # the longest <duration>, 1586.2 s
        (at(3, 13, 8, 45, 13, 200), "Tomás Brenner", "missed call"),
    ]


def test_reactions_are_read_per_user_with_their_emoji_and_time() -> None:
    [chat, group] = parse(EXPORT)
    assert [(m.index, m.reactions) for m in chat.messages if m.reactions] == [
        (1, (Reaction("Tomás Brenner", "❤️", at(3, 12, 22, 26, 51, 204)),)),
        (2, (Reaction("Mireille Okafor", "👍", at(3, 12, 22, 28, 2, 311)),)),
        (9, (Reaction("Mireille Okafor", "😆", at(3, 13, 8, 57, 30, 52)),
             Reaction("Mireille Okafor", "🥰", at(3, 13, 8, 57, 31, 840)))),  # key "1f970_smilingfacewithhearts"
    ]
    assert [(r.author, r.emoji) for r in group.messages[1].reactions] == [("Tomás Brenner", "👍"), ("Ayşe Demir", "👍")]


def test_a_group_reads_members_topics_mentions_and_keeps_one_name_per_account() -> None:
    [_, group] = parse(EXPORT)
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in group.messages] == [
        (0, at(3, 15, 19, 3, 5, 770), "Tomás Brenner", TEXT, "Flights are booked ✈️ landing Friday 14:05"),
        (1, at(3, 15, 19, 4, 12, 902), "João Pereira", TEXT, "@Tomás perfect, I'll pick you up"),
        # Ayşe's message has a null displayName: she is named as on her other messages
        (2, at(3, 15, 19, 6, 47, 310), "Ayşe Demir", TEXT, "Can we do pastéis de nata first? :D"),
        (3, at(3, 15, 19, 7, 33, 481), "João Pereira", MEDIA, "<poll>"),
        (4, at(3, 16, 10, 12, 20, 66), "Ayşe Demir", MEDIA, "<video>"),
        # an old-style edit (<e_m ts_ms>): the first version is dropped, the edit keeps its time
        (5, at(3, 16, 18, 25, 1, 250), "João Pereira", TEXT, "see you at the arrivals hall, exit B"),
    ]
    assert group.messages[5].edited and not any(m.edited for m in group.messages[:5])
    assert [(e.ts, e.author, e.text) for e in group.system_events] == [
        (at(3, 15, 19, 2, 11, 645), "Tomás Brenner", "Tomás Brenner added João Pereira, Ayşe Demir"),
        (at(3, 15, 19, 2, 30, 10), "Tomás Brenner", "Tomás Brenner named the chat Lisbon trip 🇵🇹"),
        (at(3, 17, 9, 40, 0, 500), "Ayşe Demir", "Ayşe Demir left"),
        (at(3, 17, 9, 41, 12, 800), "Tomás Brenner", "history disclosed update: true"),
    ]


def test_times_follow_this_computers_zone() -> None:
    with local_time("Asia/Tokyo"):
        [chat, _] = parse(EXPORT)
    assert chat.messages[0].ts == at(3, 13, 6, 25, 2, 871)  # 21:25:02.871Z
    assert chat.messages[1].ts == at(3, 13, 6, 26, 40, 500)  # written with a one-digit fraction, "40.5Z"


def test_the_exporting_user_is_named_by_the_export_else_by_the_me_option_else_by_account() -> None:
    def unnamed(document: dict) -> None:
        for chat in document["conversations"]:
            for message in chat["MessageList"]:
                if message["from"] == ME:
                    message["displayName"] = None
    text = edited(unnamed)
    [chat, group] = parse_text(text, ImportOptions(me="Tom"))
    assert chat.me == group.me == "Tom" and chat.messages[0].author == "Tom"
    assert group.system_events[0].text == "Tom added João Pereira, Ayşe Demir"
    [chat, _] = parse_text(text)
    assert chat.me == "live:tomas.brenner" and chat.people == ["live:tomas.brenner", "Mireille Okafor"]
    # where the export names him, that name wins over the option
    assert {c.me for c in parse(EXPORT, ImportOptions(me="Tom"))} == {"Tomás Brenner"}


def test_two_accounts_with_one_name_in_a_chat_are_told_apart() -> None:
    def twin(document: dict) -> None:
        chat = document["conversations"][2]
        for message in chat["MessageList"]:
            if message["from"] == "8:live:.cid.2a9f5c0e81d4b736":
                message["displayName"] = "João Pereira"
    [_, group] = parse_text(edited(twin))
    assert group.people == ["Tomás Brenner", "João Pereira (live:joao.pereira_91)",
                            "João Pereira (live:.cid.2a9f5c0e81d4b736)"]


def test_markup_is_read_into_the_words_people_typed() -> None:
    cases = [
        ('<at id="8:live:sam">@Sam</at> look', "@Sam look"),
        ("first line<br>second line<br/>third", "first line\nsecond line\nthird"),
        ("<p>Hi Ana,</p><p>see you at 6</p>", "Hi Ana,\nsee you at 6"),
        ('<ss type="hug"></ss> and <ss type="1f440_eyes">👀</ss>', "(hug) and 👀"),
        ('<i raw_pre="_" raw_post="_">so</i> <s raw_pre="~" raw_post="~">not</s> <b>bold</b>', "_so_ ~not~ bold"),
        ('fish &amp; chips &quot;now&quot; <c_i id="a1b2" style="0"></c_i>', 'fish & chips "now" '),
        ("<legacyquote>[12:01] Sam: </legacyquote>no quote tag around me", "no quote tag around me"),
    ]
    for content, expected in cases:
        def change(document: dict, content: str = content) -> None:
            document["conversations"][0]["MessageList"][-3]["content"] = content  # the first RichText message
        [chat, _] = parse_text(edited(change))
        assert chat.messages[0].text == expected, content


def test_a_quote_with_nothing_after_it_is_a_forward_of_its_words() -> None:
    def forward(document: dict) -> None:
        message = document["conversations"][0]["MessageList"][6]  # the reply
        message["content"] = re.sub(r"</quote>.*", "</quote>", message["content"])
    [chat, _] = parse_text(edited(forward))
    assert (chat.messages[4].text, chat.messages[4].reply_to) == ("Photo", None)


def test_a_quote_without_a_message_id_is_matched_by_author_and_second() -> None:
    def older(document: dict) -> None:
        message = document["conversations"][0]["MessageList"][6]
        message["content"] = re.sub(r' messageid="\d+"', "", message["content"])
    assert parse_text(edited(older))[0].messages[4].reply_to == 3

    def elsewhere(document: dict) -> None:
        message = document["conversations"][0]["MessageList"][6]
        message["content"] = message["content"].replace('messageid="1710278879260"', 'messageid="1510278879260"')
        message["content"] = message["content"].replace('timestamp="1710278879"', 'timestamp="1510278879"')
    assert parse_text(edited(elsewhere))[0].messages[4].reply_to is None  # quoted from before this export


def test_unknown_and_notice_types_become_events_and_their_reactions_go_with_them() -> None:
    def unusual(document: dict) -> None:
        messages = document["conversations"][0]["MessageList"]
        messages[0]["messagetype"] = "Event/SpecialGift"  # the voice message, which has reactions
        messages[2]["messagetype"] = "RichText/Media_Sticker"  # an unknown kind of media
        messages[2]["content"] = "<URIObject type=\"Sticker.1\"></URIObject>"
    [chat, _] = parse_text(edited(unusual))
    assert chat.system_events[-1].text == "special gift" and chat.system_events[-1].author == "Tomás Brenner"
    assert [(m.text, m.kind) for m in chat.messages[-2:]] == [
        ("<media>", MEDIA), ("Route: https://maps.example.org/r/41", TEXT),
    ]
    assert "😆" not in {r.emoji for m in chat.messages for r in m.reactions}


def test_reaction_keys_become_the_emoji_skype_shows() -> None:
    assert [reaction_emoji(k) for k in ("heart", "Like", "1f44b_wave", "1f468-200d-1f373_cook", "penguinkiss")] == [
        "❤️", "👍", "👋", "👨‍🍳", "(penguinkiss)",
    ]
    assert reaction_emoji("d800_broken") == "(d800_broken)"  # a surrogate is no character


def test_an_export_in_its_tar_archive_is_read_from_it(tmp_path: Path) -> None:
    archive = tmp_path / "8_live_tomas.brenner_export.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(FIXTURES / "telegram" / "personal_chat" / "result.json", arcname="media/0-weu-d1-aa.json")
        tar.add(EXPORT, arcname="messages.json")
    found = detect(Source(str(archive), path=archive))
    assert found is not None and found.name == "skype"
    [(_, chats)] = list(read_paths([archive]))
    assert [c.title for c in chats] == ["Mireille Okafor", "Lisbon trip 🇵🇹"]
    assert chats[0].source == f"{archive}!messages.json"
    assert [m.text for m in chats[0].messages] == [m.text for m in parse(EXPORT)[0].messages]


def test_a_folder_with_the_tar_and_the_messages_json_taken_out_of_it_reads_each_chat_once(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "8_live_tomas.brenner_export.tar", "w") as tar:
        tar.add(EXPORT, arcname="messages.json")
    shutil.copy(EXPORT, tmp_path / "messages.json")
    found = [(source.filename, c.title) for source, chats in read_paths([tmp_path]) for c in chats]
    assert found == [("messages.json", "Mireille Okafor"), ("messages.json", "Lisbon trip 🇵🇹")]
    [(_, named)] = list(read_paths([tmp_path / "8_live_tomas.brenner_export.tar"]))  # named by itself: read
    assert [c.title for c in named] == ["Mireille Okafor", "Lisbon trip 🇵🇹"]


def test_a_tar_without_messages_json_is_not_a_skype_export(tmp_path: Path) -> None:
    archive = tmp_path / "photos.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("holiday/notes.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    with pytest.raises(UnknownFormatError, match=r"no messages\.json"):
        parse(archive)
    (tmp_path / "messages.json").write_bytes(EXPORT.read_bytes())
    skipped: list[str] = []
    found = [c.title for _, convs in read_paths([tmp_path], on_skip=lambda s, e: skipped.append(s.filename))
             for c in convs]
    assert found == ["Mireille Okafor", "Lisbon trip 🇵🇹"] and skipped == ["photos.tar"]
    cut = tmp_path / "cut.tar"
    cut.write_bytes((tmp_path / "photos.tar").read_bytes()[:700])
    with pytest.raises(ImportFormatError, match="Skype export archive"):
        parse(cut)


def test_detection_picks_skype_for_its_export_and_nothing_else() -> None:
    found = detect(Source(str(EXPORT), path=EXPORT))
    assert found is not None and found.name == "skype"
    compact = json.dumps(fixture(), separators=(",", ":")).encode()  # as Skype writes it, on one line
    assert SkypeImporter().sniff(Source("messages.json"), compact[:65536]) == 0.95
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and "skype" not in p.parts]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert SkypeImporter().sniff(source, source.head()) == 0.0, path


@pytest.mark.parametrize("change, path, expected", [
    (lambda d: d["conversations"][0]["MessageList"][0].update({"from": 12}),
     "conversations[0].MessageList[0].from", "a string"),
    (lambda d: d["conversations"][2]["MessageList"][3].pop("originalarrivaltime"),
     "conversations[2].MessageList[3].originalarrivaltime", "an ISO date-time in UTC"),
    (lambda d: d["conversations"][0]["MessageList"][1].update(originalarrivaltime="yesterday"),
     "conversations[0].MessageList[1].originalarrivaltime", "an ISO date-time in UTC"),
    (lambda d: d["conversations"][0]["MessageList"][2].pop("messagetype"),
     "conversations[0].MessageList[2].messagetype", "a string"),
    (lambda d: d.update(conversations={"id": "8:live:sam"}), "conversations", "a list"),
    (lambda d: d.pop("conversations"), "conversations", "a list"),
    (lambda d: d["conversations"][2].update(MessageList="none"), "conversations[2].MessageList", "a list"),
    (lambda d: d["conversations"][1].pop("id"), "conversations[1].id", "a string"),
    (lambda d: d["conversations"][0]["MessageList"][5].update(properties=["edited"]),
     "conversations[0].MessageList[5].properties", "a JSON object"),
    (lambda d: d["conversations"][0]["MessageList"][5].update(properties={"deletetime": {"at": 1}}),
     "conversations[0].MessageList[5].properties.deletetime", "a time in milliseconds"),
    (lambda d: d["conversations"][0]["MessageList"][0]["properties"].update(emotions={"laugh": 1}),
     "conversations[0].MessageList[0].properties.emotions", "a list"),
    (lambda d: d["conversations"][0]["MessageList"][0]["properties"]["emotions"][0].update(users=[{"time": 1}]),
     "conversations[0].MessageList[0].properties.emotions[0].users[0].mri", "a string"),
    (lambda d: d["conversations"][0]["MessageList"][0]["properties"]["emotions"][0]["users"][0].update(time="soon"),
     "conversations[0].MessageList[0].properties.emotions[0].users[0].time", "a time in milliseconds"),
    (lambda d: d["conversations"][0]["MessageList"][0]["properties"]["emotions"][1].update(key=""),
     "conversations[0].MessageList[0].properties.emotions[1].key", "a reaction name"),
])
def test_a_malformed_field_names_its_json_path(change: Callable[[dict], object], path: str, expected: str) -> None:
    with pytest.raises(ImportFormatError, match=rf"at {re.escape(path)}: expected {expected}") as caught:
        parse_text(edited(change))
    assert caught.value.json_path == path


def test_broken_and_foreign_files_are_format_errors() -> None:
    text = EXPORT.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match="expected a JSON document") as caught:
        parse_text(text[: len(text) // 2])
    assert caught.value.line is not None and caught.value.line > 100
    with pytest.raises(UnknownFormatError, match="Skype export"):
        parse_text('{"messages": [], "name": "not skype"}')
    with pytest.raises(ImportFormatError, match=r"messages\.json:2: expected a UTF-8 .*byte e9"):
        parse_text(b'{"userId": "8:live:x",\n "conversations": [], "n": "caf\xe9"}')


def test_emotions_written_as_json_text_are_read_too() -> None:
    def as_text(document: dict) -> None:
        properties = document["conversations"][0]["MessageList"][0]["properties"]
        properties["emotions"] = json.dumps(properties["emotions"])
    [chat, _] = parse_text(edited(as_text))
    assert [r.emoji for r in chat.messages[9].reactions] == ["😆", "🥰"]


message_fields = st.sampled_from(
    ["id", "displayName", "originalarrivaltime", "messagetype", "content", "from", "properties"]
)
plausible = st.sampled_from([
    "RichText", "Event/Call", "ThreadActivity/AddMember", "RichText/UriObject", "2024-03-12T21:04:05.1Z", ME,
    '<quote messageid="1">x</quote>y', "<e_m ts_ms=\"1\"/>", "<partlist type=\"ended\"><duration>x</duration>",
]) | st.dictionaries(st.sampled_from(["edittime", "deletetime", "emotions"]), json_values)


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    json_values,
    st.fixed_dictionaries({
        "userId": json_values | st.just(ME),
        "conversations": json_values | st.lists(st.fixed_dictionaries({
            "id": json_values | st.just("8:live:sam"),
            "displayName": json_values,
            "MessageList": st.lists(st.dictionaries(message_fields, json_values | plausible), max_size=5),
        }), max_size=3),
    }),
))
def test_any_json_document_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=200, deadline=None)
@given(damaged(json.loads(EXPORT.read_text(encoding="utf-8"))))
def test_an_export_with_any_one_field_broken_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: f"<ss>{t}<quote>{t}".encode()))
def test_any_bytes_or_markup_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(data)
    content = data.decode("utf-8", "replace")
    with contextlib.suppress(ImportFormatError):
        parse_text(edited(lambda d: d["conversations"][0]["MessageList"][-3].update(content=content)))


AUTHORS = ["Tomás Brenner", "Mireille Okafor", "Ayşe Demir", "sam"]
placeholders = sorted(set(MEDIA_PLACEHOLDERS.values()))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([["Tomás Brenner", "Mireille Okafor"], AUTHORS]).flatmap(
    lambda authors: st.tuples(st.just(len(authors) > 2), instant_records(authors, placeholders))),
    st.booleans(), st.data())
def test_a_rendered_chat_parses_back_to_the_same_messages(
    drawn: tuple[bool, list[Rec]], named_me: bool, data: st.DataObject
) -> None:
    group, records = drawn
    when = INSTANTS_MS.map(lambda ms: datetime.fromtimestamp(ms / 1000))
    # someone the export names: a writer in the chat, the exporting user, or the other one of a 1:1 chat
    named = sorted({r.author for r in records} | {"Tomás Brenner"} | (set() if group else {"Mireille Okafor"}))
    reaction = st.builds(Reaction, st.sampled_from(named), st.sampled_from(["❤️", "👍", "😆", "🥹", "👨‍🍳"]), when)
    reactions = data.draw(st.dictionaries(st.integers(0, len(records) - 1), st.lists(reaction, max_size=3)))
    title = "Lisbon & co 🇵🇹" if group else "Mireille Okafor"
    export = render_skype(records, title=title, me="Tomás Brenner", group=group, named_me=named_me,
                          reactions=reactions)
    [chat] = parse_text(export, ImportOptions(me="Tomás Brenner"))
    assert (chat.title, chat.me, chat.group) == (title, "Tomás Brenner", group)
    expected = [
        (r.ts, r.author, "" if r.kind == "deleted" else r.text, r.kind,
         r.reply_to if r.kind == "text" else None, r.edited and r.kind != "deleted")
        for r in records
    ]
    assert [(m.ts, m.author, m.text, str(m.kind), m.reply_to, m.edited) for m in chat.messages] == expected
    grouped = [tuple(r for emoji in dict.fromkeys(r.emoji for r in given) for r in given if r.emoji == emoji)
               for given in (reactions.get(i, []) for i in range(len(records)))]
    assert [m.reactions for m in chat.messages] == grouped


def test_a_rendered_export_is_written_the_way_skype_writes_it() -> None:
    day = datetime(2024, 2, 4, 21, 35, 12, 345000)
    text = render_skype([Rec(day, "Tomás Brenner", "it's <late> & dark"), Rec(day, "Mireille Okafor", "👋")],
                        title="Mireille Okafor", me="Tomás Brenner")
    export = json.loads(text)
    assert export["userId"] == account("Tomás Brenner")
    [chat] = export["conversations"]
    assert chat["id"] == account("Mireille Okafor") and chat["threadProperties"] is None
    newest, oldest = chat["MessageList"]
    assert (newest["displayName"], oldest["displayName"]) == ("Mireille Okafor", None)  # his own: no name
    assert oldest["content"] == "it&apos;s &lt;late&gt; &amp; dark"
    assert oldest["originalarrivaltime"] == "2024-02-04T20:35:12.345Z"  # Berlin is UTC+1 in February
    assert (oldest["id"], newest["id"]) == ("1707078912345", "1707078912346")  # ids differ, times do not


def entry(when: str, sender: str, kind: str, content: str, properties: dict | None = None) -> dict:
    return {"id": when, "displayName": None, "originalarrivaltime": when, "messagetype": kind,
            "content": content, "conversationid": "8:live:sam", "from": sender, "properties": properties}


def export(*entries: dict) -> str:
    """A one-chat export with `entries` in `MessageList` as given (Skype lists the newest first)."""
    return json.dumps({"userId": ME, "exportDate": "2024-11-02T19:40", "conversations": [
        {"id": "8:live:sam", "displayName": "Sam", "threadProperties": None, "MessageList": list(entries)}]})


def test_the_hour_the_clocks_go_back_keeps_the_order_things_happened_in() -> None:
    # 2024-10-27 in Berlin: 00:45Z is 02:45 summer time, 01:15Z is 02:15 winter time, half an hour later
    text = export(
        entry("2024-10-27T01:15:00Z", ME, "RichText", "yes, 6 is fine"),
        entry("2024-10-27T01:10:00Z", "8:live:sam", "Event/Call", '<partlist type="ended"></partlist>'),
        entry("2024-10-27T00:50:00Z", "8:live:sam", "Event/Call", '<partlist type="started"></partlist>'),
        entry("2024-10-27T00:45:00Z", "8:live:sam", "RichText", "dinner at 6?"),
    )
    [chat] = parse_text(text)
    assert [(m.index, m.ts, m.text) for m in chat.messages] == [
        (0, datetime(2024, 10, 27, 2, 45), "dinner at 6?"), (1, datetime(2024, 10, 27, 2, 15), "yes, 6 is fine"),
    ]
    assert [(e.ts, e.text) for e in chat.system_events] == [
        (datetime(2024, 10, 27, 2, 50), "call started"), (datetime(2024, 10, 27, 2, 10), "call ended"),
    ]


def test_markup_the_html_parser_gives_up_on_is_read_as_plain_text() -> None:
    # a "marked section" with a keyword the parser does not know: Python's html.parser gives up
    for content in ("<![x]]>see you", 'a <b raw_pre="*">bold</b> <![x]]>b'):
        [chat] = parse_text(export(entry("2024-03-12T21:04:05Z", "8:live:sam", "RichText", content)))
        assert chat.messages[0].text == content
    [chat] = parse_text(export(
        entry("2024-03-12T21:04:05Z", "8:live:sam", "RichText", "ok &amp; <![x]]>"),
        entry("2024-03-12T21:04:00Z", "8:live:sam", "Event/Call", '<partlist type="ended"><![x]]>'),
    ))
    # a notice read as plain text has no <partlist> to tell how the call went
    assert (chat.messages[0].text, chat.system_events[0].text) == ("ok & <![x]]>", "call")


def test_a_call_with_an_impossible_length_is_a_call_that_ended() -> None:
    for duration in ("9" * 310, "99999999999.5", "٣"):  # no float, more than a week, no ASCII digit
        content = f'<partlist type="ended"><part identity="live:sam"><duration>{duration}</duration></part></partlist>'
        [chat] = parse_text(export(entry("2024-03-12T21:04:05Z", "8:live:sam", "Event/Call", content),
                                   entry("2024-03-12T21:04:00Z", "8:live:sam", "RichText", "hi")))
        assert chat.system_events[0].text == "call ended", duration
    content = '<partlist type="ended"><part><duration>0</duration></part><part><duration></duration></part></partlist>'
    [chat] = parse_text(export(entry("2024-03-12T21:04:05Z", "8:live:sam", "Event/Call", content),
                               entry("2024-03-12T21:04:00Z", "8:live:sam", "RichText", "hi")))
    assert chat.system_events[0].text == "call ended (0:00)"


@pytest.mark.parametrize("change, path", [
    (lambda d: d["conversations"][0]["MessageList"][0]["properties"]["emotions"][0]["users"][0].update(time=10**20),
     "conversations[0].MessageList[0].properties.emotions[0].users[0].time"),
    (lambda d: d["conversations"][0]["MessageList"][0]["properties"]["emotions"][0]["users"][0].update(time="7" * 5000),
     "conversations[0].MessageList[0].properties.emotions[0].users[0].time"),
    (lambda d: d["conversations"][0]["MessageList"][8]["properties"].update(edittime="1" * 5000),
     "conversations[0].MessageList[8].properties.edittime"),
    (lambda d: d["conversations"][0]["MessageList"][0]["properties"].update(emotions="[" * 100_000),
     "conversations[0].MessageList[0].properties.emotions"),
])
def test_an_impossible_number_or_nesting_names_its_json_path(change: Callable[[dict], object], path: str) -> None:
    with pytest.raises(ImportFormatError, match=rf"at {re.escape(path)}: expected") as caught:
        parse_text(edited(change))
    assert caught.value.json_path == path


def test_an_impossible_time_in_markup_is_no_time() -> None:
    def edit_time(ts_ms: str) -> Callable[[dict], object]:
        def change(document: dict) -> None:
            message = document["conversations"][2]["MessageList"][2]
            message["content"] = re.sub(r'ts_ms="\d+"', f'ts_ms="{ts_ms}"', message["content"])
        return change
    for ts_ms in (str(10**20), "3" * 5000):
        [_, group] = parse_text(edited(edit_time(ts_ms)))
        # the edit keeps its own time, and the first version (no time to match it by) stays
        assert [(m.ts, m.text, m.edited) for m in group.messages[-2:]] == [
            (at(3, 16, 18, 25, 1, 250), "see you at arrivals", False),
            (at(3, 16, 18, 26, 2), "see you at the arrivals hall, exit B", True),
        ], ts_ms

    def quote_time(document: dict) -> None:
        message = document["conversations"][0]["MessageList"][6]
        message["content"] = re.sub(r' messageid="\d+"', "", message["content"])
        message["content"] = re.sub(r'timestamp="\d+"', 'timestamp="' + "5" * 5000 + '"', message["content"])
    assert parse_text(edited(quote_time))[0].messages[4].reply_to is None
