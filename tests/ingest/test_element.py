"""The Element importer reads Element's JSON export of a Matrix room ("Export chat", JSON)."""

from __future__ import annotations

import contextlib
import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.element import render_element, user_id
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import INSTANTS_MS, Rec, instant_records, parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.element import MEDIA_PLACEHOLDERS, ElementImporter, strip_reply_fallback
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
LISBON = FIXTURES / "element" / "matrix - Lisbon trip - Chat Export - 2024-03-14T08-10-05.117Z.json"
EVENTS = FIXTURES / "element" / "export.json"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED


@pytest.fixture(autouse=True)
def warsaw_time() -> Iterator[None]:
    """Matrix stores UTC instants; the importer shows them in the machine's local time."""
    with local_time("Europe/Warsaw"):
        yield


def parse(path: Path, me: str | None = None) -> Conversation:
    (chat,) = ElementImporter().parse(Source(str(path), path=path), ImportOptions(me=me))
    return chat


def parse_text(text: str | bytes, me: str | None = None) -> Conversation:
    return parse_written(text, "export.json", lambda path: parse(path, me))


def edited(change: Callable[[dict], object], path: Path = LISBON) -> str:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    return json.dumps(document, ensure_ascii=False)


def at(day: int, hour: int, minute: int, second: int, ms: int, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, minute, second, ms * 1000)


def test_an_element_export_reads_every_kind_of_message_in_local_time() -> None:
    chat = parse(LISBON)
    assert (chat.title, chat.chat_id, chat.source_format, chat.me, chat.group) == (
        "Lisbon trip 🇵🇹", "!qXyTzBvLmNoPpQrS:matrix.org", "element", "Inês Carvalho", None,
    )
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (0, at(12, 21, 4, 5, 296), "Inês Carvalho", TEXT, "ok so flights are booked ✈️\nwe land Friday 14:05"),
        (1, at(12, 21, 4, 40, 333), "Tomasz Nowak", TEXT, "amazing!!"),  # named as he is named last
        (2, at(12, 21, 11, 52, 370), "Priya 🌻", MEDIA, "IMG_20240312_2111.jpg"),  # the file name
        (3, at(12, 21, 12, 30, 407), "Tomasz Nowak", TEXT, "that view 😍 where is this?"),  # no quote
        (4, at(12, 21, 13, 2, 444), "Priya 🌻", TEXT, "Miradouro da Graça, at sunset"),
        (5, at(12, 21, 15, 0, 481), "Inês Carvalho", TEXT, "see you all at the airport"),  # the bundled edit
        (6, at(12, 21, 16, 10, 555), "Priya 🌻", DELETED, ""),
        (7, at(12, 22, 40, 0, 592), "Tomasz Nowak", MEDIA, "<unable to decrypt>"),  # m.bad.encrypted
        (8, at(13, 8, 31, 15, 666), "Tomasz Nowak", TEXT, "is packing already 🧳"),  # an emote
        (9, at(13, 8, 45, 0, 703), "Inês Carvalho", TEXT, "lol same"),
        (10, at(13, 9, 0, 0, 740), "reminders", TEXT, "Reminder: online check-in opens tomorrow at 09:00"),
        (11, at(13, 9, 20, 31, 777), "Priya 🌻", MEDIA, "itinerário.pdf"),
        (12, at(13, 9, 21, 0, 814), "Inês Carvalho", MEDIA, "first stop 🥐"),  # a caption, not the file name
        (13, at(13, 9, 22, 45, 851), "Priya 🌻", MEDIA, "Voice message.ogg"),
        (14, at(13, 10, 10, 0, 925), "Priya 🌻", MEDIA, "<unable to decrypt>"),  # never decrypted
        (15, at(13, 10, 31, 0, 999), "Inês Carvalho", MEDIA, "😿 sad cat"),  # a sticker
    ]
    assert [(m.index, m.reply_to) for m in chat.messages if m.reply_to is not None] == [(3, 2), (9, 8)]
    assert [m.index for m in chat.messages if m.edited] == [5]
    assert all(m.reactions == () for m in chat.messages)  # Element leaves reactions out of its exports


def test_membership_room_changes_and_calls_are_notices_never_messages() -> None:
    chat = parse(LISBON)
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (at(12, 20, 58, 0, 37), "Inês Carvalho", "Inês Carvalho joined the room"),
        (at(12, 20, 58, 30, 74), "Inês Carvalho", "Inês Carvalho changed the room name to Lisbon trip 🇵🇹"),
        (at(12, 20, 59, 0, 111), "Inês Carvalho",
         "Inês Carvalho changed the topic to flights, flats & pastéis de nata"),
        (at(12, 20, 59, 30, 148), "Inês Carvalho", "Inês Carvalho invited Tomasz Nowak"),
        (at(12, 21, 1, 10, 185), "Tomasz Nowak", "Tomasz Nowak joined the room"),
        (at(12, 21, 2, 0, 222), "Priya 🌻", "Priya 🌻 joined the room"),
        (at(12, 21, 2, 30, 259), "Inês Carvalho", "Inês Carvalho enabled end-to-end encryption"),
        (at(13, 8, 30, 0, 629), "Tomasz Nowak", "Tomek changed their display name to Tomasz Nowak"),
        (at(13, 10, 2, 0, 888), "Tomasz Nowak", "Tomasz Nowak placed a voice call"),
        (at(13, 10, 30, 0, 962), "Priya 🌻", "Priya 🌻 left the room"),
    ]


def test_reactions_edits_redactions_and_threads_written_as_events_are_applied() -> None:
    chat = parse(EVENTS)
    assert (chat.title, chat.me) == ("Jo Okafor", "sam")  # exported_by is a Matrix id; nobody has a display name
    assert [(m.author, m.kind, m.text, m.reply_to, m.edited) for m in chat.messages] == [
        ("sam", TEXT, "are we still on for Saturday?", None, False),
        ("jo.okafor", TEXT, "yes! bringing the trail map 🗺️", None, False),
        ("sam", TEXT, "meet at 7:15 by the bakery", None, True),  # the newest of two edits
        ("jo.okafor", TEXT, "ugh early. fine 😅", 2, False),  # in the thread of message 2
        ("jo.okafor", DELETED, "", None, False),  # a m.room.redaction names it
    ]
    assert [m.reactions for m in chat.messages] == [
        (),
        (Reaction("sam", "🎉", datetime(2024, 6, 1, 19, 4, 0, 111000)),),  # Warsaw is UTC+2 in June
        (Reaction("jo.okafor", "👍", datetime(2024, 6, 1, 19, 11, 0, 296000)),),
        (),  # sam's 😂 was redacted
        (),
    ]
    assert chat.system_events == []


def test_one_person_keeps_one_name_and_equal_names_are_told_apart_by_their_id() -> None:
    def add_namesake(document: dict) -> None:
        impostor = dict(document["messages"][5])  # Priya's join
        impostor.update(sender="@priya:matrix.org", state_key="@priya:matrix.org", event_id="$joinOfOtherPriya",
                        content={"membership": "join", "displayname": "Priya 🌻"})
        said = dict(document["messages"][8], sender="@priya:matrix.org", event_id="$otherPriyaSays")
        document["messages"][7:7] = [impostor, said]

    chat = parse_text(edited(add_namesake))
    assert [m.author for m in chat.messages[1:3]] == ["Priya 🌻 (@priya:matrix.org)", "Tomasz Nowak"]
    assert {m.author for m in chat.messages if "Priya" in m.author} == {
        "Priya 🌻 (@priya:matrix.org)", "Priya 🌻 (@priya.r:tchncs.de)",
    }


def test_me_is_the_exporting_user_under_the_name_their_messages_carry() -> None:
    def exported_by(value: object) -> Callable[[dict], object]:
        return lambda document: document.update(exported_by=value)

    assert parse_text(edited(exported_by("Tomek"))).me == "Tomasz Nowak"  # an earlier display name
    assert parse_text(edited(exported_by("@tomek:matrix.org"))).me == "Tomasz Nowak"  # his id
    assert parse_text(edited(exported_by("Someone Else"))).me == "Someone Else"  # as the file says
    assert parse_text(edited(lambda d: d.pop("exported_by")), me="Priya 🌻").me == "Priya 🌻"  # the option
    assert parse_text(edited(exported_by("")), me="Priya 🌻").me == "Priya 🌻"


def test_the_reply_fallback_is_removed_only_from_replies() -> None:
    assert strip_reply_fallback("> <@sam:matrix.org> line one\n> line two\n\nmy answer\n\n> quoted by me") == (
        "my answer\n\n> quoted by me"
    )
    assert strip_reply_fallback("> <@sam:matrix.org> no blank line after it") == (
        "> <@sam:matrix.org> no blank line after it"
    )
    assert strip_reply_fallback("> a quote of my own\n\nthen words") == "> a quote of my own\n\nthen words"

    def unreplied(document: dict) -> None:
        del document["messages"][10]["content"]["m.relates_to"]

    assert parse_text(edited(unreplied)).messages[3].text == (
        "> <@priya.r:tchncs.de> sent an image.\n\nthat view 😍 where is this?"
    )


def test_a_thread_reply_with_a_real_reply_answers_that_message() -> None:
    def real_reply(document: dict) -> None:
        thread = document["messages"][6]["content"]["m.relates_to"]
        thread["is_falling_back"] = False
        thread["m.in_reply_to"]["event_id"] = document["messages"][1]["event_id"]

    assert parse_text(edited(real_reply, EVENTS)).messages[3].reply_to == 1


def room(*events: dict[str, object]) -> str:
    """A small export of a two-person room (Sam on matrix.org, Jo on a federated server)."""
    return json.dumps({"room_name": "Sam & Jo", "room_creator": "@sam:matrix.org", "topic": "",
                       "export_date": "27/10/2024", "exported_by": "@sam:matrix.org", "messages": list(events)})


def said(event_id: str, sender: str, ms: int, body: str, **content: object) -> dict[str, object]:
    return {"type": "m.room.message", "sender": sender, "origin_server_ts": ms, "event_id": event_id,
            "room_id": "!hikeRoom:matrix.org", "content": {"msgtype": "m.text", "body": body, **content},
            "unsigned": {}}


def replying_to(event_id: str) -> dict[str, object]:
    return {"m.relates_to": {"m.in_reply_to": {"event_id": event_id}}}


SAM, JO = "@sam:matrix.org", "@jo.okafor:fairydust.space"
NIGHT = 1729989900000  # 2024-10-27 00:45:00 UTC, 02:45 in Berlin (summer time) ...
LATER = NIGHT + 30 * 60 * 1000  # ... and 01:15:00 UTC, 02:15 in Berlin (winter time again)


def test_messages_keep_the_order_of_their_instants_through_the_autumn_clock_change() -> None:
    export = room(
        said("$question", JO, NIGHT, "still awake? the train leaves at 6"),
        said("$answer", SAM, LATER, "yes, setting two alarms", **replying_to("$question")),
    )
    with local_time("Europe/Berlin"):
        chat = parse_text(export)
    assert [(m.index, m.ts, m.author, m.reply_to) for m in chat.messages] == [
        (0, datetime(2024, 10, 27, 2, 45), "jo.okafor", None),
        (1, datetime(2024, 10, 27, 2, 15), "sam", 0),  # the clock went back; the answer still comes second
    ]


def test_the_newest_edit_is_the_newest_instant_through_the_autumn_clock_change() -> None:
    def edit(event_id: str, ms: int, body: str) -> dict[str, object]:
        return said(event_id, SAM, ms, f"* {body}", **{
            "m.new_content": {"msgtype": "m.text", "body": body},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$plan"},
        })

    export = room(
        said("$plan", SAM, NIGHT - 60_000, "meet at 6:30"),
        edit("$edit2", LATER, "meet at 5:45 by the kiosk"),  # 02:15 on the clock, but the later instant
        edit("$edit1", NIGHT, "meet at 5:45"),  # 02:45 on the clock
    )
    with local_time("Europe/Berlin"):
        chat = parse_text(export)
    assert [(m.text, m.edited) for m in chat.messages] == [("meet at 5:45 by the kiosk", True)]


def test_a_reply_never_points_at_itself_or_at_a_later_message() -> None:
    skewed = room(
        said("$question", SAM, 1710277445000, "are we still on for Saturday?"),
        # Jo's server clock is two seconds behind, so the answer's instant is before the question's.
        said("$answer", JO, 1710277443000, "yes! bringing the trail map", **replying_to("$question")),
    )
    assert [(m.author, m.reply_to) for m in parse_text(skewed).messages] == [("jo.okafor", None), ("sam", None)]
    itself = room(said("$loop", SAM, 1710277445000, "hello?", **replying_to("$loop")))
    assert [m.reply_to for m in parse_text(itself).messages] == [None]


def test_an_edit_by_anyone_but_the_sender_is_ignored() -> None:
    forged = room(
        said("$plan", SAM, 1710277445000, "I'll bring the tent"),
        said("$forgery", JO, 1710277446000, "* I'll bring nothing", **{
            "m.new_content": {"msgtype": "m.text", "body": "I'll bring nothing"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$plan"},
        }),
    )
    assert [(m.author, m.text, m.edited) for m in parse_text(forged).messages] == [
        ("sam", "I'll bring the tent", False),
    ]


def test_a_bundled_edit_by_anyone_but_the_sender_is_ignored() -> None:
    def bundled(sender: str, body: str) -> dict[str, object]:
        message = said("$plan", SAM, 1710277445000, "I'll bring the tent")
        message["unsigned"] = {"m.relations": {"m.replace": {
            "type": "m.room.message", "sender": sender, "origin_server_ts": 1710277500000, "event_id": "$edit",
            "content": {"msgtype": "m.text", "body": f"* {body}",
                        "m.new_content": {"msgtype": "m.text", "body": body},
                        "m.relates_to": {"rel_type": "m.replace", "event_id": "$plan"}},
        }}}
        return message

    forged = parse_text(room(bundled(JO, "I'll bring nothing"))).messages
    assert [(m.text, m.edited) for m in forged] == [("I'll bring the tent", False)]
    own = parse_text(room(bundled(SAM, "I'll bring the tent and the stove"))).messages
    assert [(m.text, m.edited) for m in own] == [("I'll bring the tent and the stove", True)]


def test_unknown_events_and_message_types_are_kept_never_dropped() -> None:
    def oddities(document: dict) -> None:
        template = dict(document["messages"][-1], type="m.room.message")  # Inês's sticker, the last message
        document["messages"] += [
            dict(template, type="org.example.custom", event_id="$custom"),
            dict(template, content={"msgtype": "org.example.card", "body": "a card with words"}, event_id="$card"),
            dict(template, content={"msgtype": "org.example.blob"}, event_id="$blob"),
            dict(template, type="m.room.pinned_events", state_key="", content={"pinned": []}, event_id="$pin"),
            dict(template, type="org.example.setting", state_key="", content={}, event_id="$setting"),
        ]

    chat = parse_text(edited(oddities))
    assert [(m.kind, m.text) for m in chat.messages[-2:]] == [
        (TEXT, "a card with words"), (MEDIA, "<unsupported message>"),
    ]
    assert [e.text for e in chat.system_events[-3:]] == [
        "Inês Carvalho org.example.custom",
        "Inês Carvalho changed the pinned messages",
        "Inês Carvalho changed the room (org.example.setting)",
    ]


def _zip_export(folder: Path) -> Path:
    archive = folder / "matrix-export-3-14-2024 at 09-10-05.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("export.json", LISBON.read_bytes())
        zipped.writestr("images/IMG_20240312_2111-3-12-2024 at 21-11-52.jpg", b"\xff\xd8\xff\xe0 not really a photo")
        zipped.writestr("files/itinerário-3-13-2024 at 09-20-31.pdf", b"%PDF-1.7")
    return archive


def test_a_zipped_export_reads_its_json_and_skips_the_media(tmp_path: Path) -> None:
    archive = _zip_export(tmp_path)
    [(source, [chat])] = list(read_paths([archive]))
    assert source.name.endswith("!export.json")
    assert (chat.title, len(chat.messages)) == ("Lisbon trip 🇵🇹", 16)


# bad input -------------------------------------------------------------------------------------


def test_a_truncated_file_names_its_line() -> None:
    text = LISBON.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"export\.json:\d+: expected a JSON document"):
        parse_text(text[: len(text) // 2])


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["messages"][8].update(origin_server_ts="1710274645296"),
     r"at messages\[8\]\.origin_server_ts: expected a time in milliseconds since 1970, found '\"1710274645296\"'"),
    (lambda d: d["messages"][9].pop("sender"), r"at messages\[9\]\.sender: expected a string, found 'nothing'"),
    (lambda d: d["messages"][3].pop("origin_server_ts"),
     r"at messages\[3\]\.origin_server_ts: expected a time in milliseconds since 1970, found 'nothing'"),
    (lambda d: d["messages"][10].update(content="hello"), r"at messages\[10\]\.content: expected a JSON object"),
    (lambda d: d["messages"][10]["content"].update(body=["hi"]),
     r"at messages\[10\]\.content\.body: expected a string or null, found 'a list'"),
    (lambda d: d["messages"][10]["content"]["m.relates_to"].update({"m.in_reply_to": "$ev10"}),
     r"messages\[10\]\.content\.m\.relates_to\.m\.in_reply_to: expected an object"),
    (lambda d: d["messages"][2].pop("type"), r"at messages\[2\]\.type: expected a string"),
    (lambda d: d.update(messages={"0": {}}), r"at messages: expected a list"),
    (lambda d: d["messages"].append("just words"), r"at messages\[26\]: expected a JSON object"),
    (lambda d: d.update(room_name=7), r"at room_name: expected a string or null, found '7'"),
])
def test_a_wrong_or_missing_field_names_its_json_path(change: Callable[[dict], object], message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse_text(edited(change))


def test_a_json_file_that_is_no_element_export_says_what_was_expected() -> None:
    with pytest.raises(ImportFormatError, match=r"at \$: expected an Element export"):
        parse_text('{"messages": [], "name": "a shopping list"}')
    with pytest.raises(ImportFormatError, match=r"at \$: expected a JSON object"):
        parse_text("[1, 2, 3]")


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    json_values,
    st.fixed_dictionaries({
        "room_name": json_values | st.just("Room"),
        "exported_by": json_values | st.just("@sam:example.org"),
        "messages": json_values | st.lists(st.dictionaries(
            st.sampled_from(["type", "sender", "origin_server_ts", "content", "state_key", "unsigned", "event_id"]),
            json_values | st.sampled_from(["m.room.message", "m.reaction", "m.room.member", "@sam:example.org",
                                           1710274645296, {"msgtype": "m.image"}, {"redacted_because": {}}]),
        ), max_size=5),
    }),
))
def test_any_json_document_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=200, deadline=None)
@given(damaged(json.loads(LISBON.read_text(encoding="utf-8")))
       | damaged(json.loads(EVENTS.read_text(encoding="utf-8"))))
def test_an_export_with_any_one_field_broken_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(data)


# detection -------------------------------------------------------------------------------------


def test_detection_picks_element_for_its_exports_and_for_nothing_else() -> None:
    for path in (LISBON, EVENTS):
        importer = detect(Source(str(path), path=path))
        assert importer is not None and importer.name == "element"
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and "element" not in p.parts]
    assert len(others) > 50
    claimed = [p for p in others if getattr(detect(Source(str(p), path=p)), "name", None) == "element"]
    assert claimed == []


def test_a_rendered_export_is_detected_and_a_discord_export_is_not_sniffed() -> None:
    text = render_element([Rec(datetime(2024, 5, 1, 9, 0), "Ana", "hi")], room="Ana", me="Ana").encode()
    assert ElementImporter().sniff(Source("x.json"), text[:4096]) == 0.95
    discord = next((FIXTURES / "discord").glob("*.json")).read_bytes()
    assert ElementImporter().sniff(Source("x.json"), discord[:4096]) == 0.0


# round trip ------------------------------------------------------------------------------------


AUTHORS = ["Tomás Brenner", "Mireille Okafor", "Ayşe Demir", "Kofi"]
placeholders = sorted(set(MEDIA_PLACEHOLDERS.values()))
MEDIA_TEXTS = [*placeholders, "IMG_4410.jpg", "Screenshot 2024-03-12 at 21.04.05.png"]


@settings(max_examples=60, deadline=None)
@given(instant_records(AUTHORS, MEDIA_TEXTS), st.sampled_from(["bundled", "events"]), st.booleans(), st.data())
def test_a_rendered_export_parses_back_to_the_same_messages(
    records: list[Rec], edits: str, exported_by_id: bool, data: st.DataObject
) -> None:
    when = INSTANTS_MS.map(lambda ms: datetime.fromtimestamp(ms / 1000))
    reaction = st.builds(Reaction, st.sampled_from(AUTHORS), st.sampled_from(["❤️", "👍", "😂", "👨‍🍳", "+1"]), when)
    reactions = data.draw(st.dictionaries(st.integers(0, len(records) - 1), st.lists(reaction, max_size=3)))
    export = render_element(records, room="Lisbon & co 🇵🇹", me="Kofi", reactions=reactions, edits=edits,
                            exported_by_id=exported_by_id)
    chat = parse_text(export)
    assert (chat.title, chat.me, chat.chat_id is not None) == ("Lisbon & co 🇵🇹", "Kofi", True)
    expected = [
        (r.ts, r.author, "" if r.kind == "deleted" else r.text, r.kind,
         r.reply_to if r.kind == "text" else None, r.edited and r.kind != "deleted")
        for r in records
    ]
    assert [(m.ts, m.author, m.text, str(m.kind), m.reply_to, m.edited) for m in chat.messages] == expected
    assert [m.reactions for m in chat.messages] == [
        () if r.kind == "deleted" else tuple(reactions.get(i, ())) for i, r in enumerate(records)
    ]


def test_a_rendered_export_is_written_the_way_element_writes_it() -> None:
    day = datetime(2024, 3, 12, 21, 4, 5, 123000)
    records = [Rec(day, "Tomás Brenner", "see you at 8"), Rec(day, "Ayşe Demir", "👍 sure", reply_to=0)]
    export = json.loads(render_element(records, room="Tomás Brenner", me="Ayşe Demir"))
    assert list(export) == ["room_name", "room_creator", "topic", "export_date", "exported_by", "messages"]
    joined, _, sent, answer = export["messages"]
    assert (joined["type"], joined["state_key"], joined["content"]["displayname"]) == (
        "m.room.member", "@ayedemir:matrix.org", "Ayşe Demir",
    )
    assert sent["origin_server_ts"] == 1710273845123  # 20:04:05.123 UTC: Warsaw is UTC+1 in March
    assert answer["content"]["body"] == f"> <{user_id('Tomás Brenner')}> see you at 8\n\n👍 sure"
    assert answer["content"]["m.relates_to"] == {"m.in_reply_to": {"event_id": sent["event_id"]}}
