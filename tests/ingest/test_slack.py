"""The Slack importer reads a workspace export (its folder or zip): one conversation per channel folder."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.slack import KINDS, PLACEHOLDERS, render_slack, ts_of, user_id
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import Rec
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest._sources import LaterPageError
from turntoward.ingest.slack import SlackImporter, emoji_of
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
SLACK = FIXTURES / "slack"
EXPORT = SLACK / "export"
GENERAL = EXPORT / "general"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
ANA, BEN, CHIARA, DAVID, ZOE = "Ana", "Benedikt Okoro", "Chiara 🧗", "Dávid Szabó", "zoe"


def read_all(path: Path, options: ImportOptions | None = None) -> dict[str, Conversation]:
    """Every conversation read from `path` (a folder, a zip or a file), by title."""
    found = [c for _, convs in read_paths([path], options or ImportOptions()) for c in convs]
    assert all(c.source_format == "slack" for c in found)
    by_title = {c.title: c for c in found}
    assert len(by_title) == len(found), "a conversation was read twice"
    return by_title


def parse(path: Path, options: ImportOptions | None = None) -> list[Conversation]:
    return list(SlackImporter().parse(Source(str(path), path=path, named=True), options or ImportOptions()))


def at(day: int, hour: int, minute: int, second: int, micro: int = 0, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, minute, second, micro)


def test_a_channel_reads_its_days_threads_files_notices_and_reactions_in_local_time() -> None:
    with local_time("Europe/Berlin"):  # UTC+1 in March
        general = read_all(EXPORT)["#general"]
    assert (general.chat_id, general.group, general.me) == ("C05GENERAL", True, None)
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in general.messages] == [
        (0, at(11, 19, 2, 14, 129400), ANA, TEXT, "Welcome @zoe! 👋 Thursday night session at the Boulderhalle, "
         "19:00 — who's in? Details: this week's plan (https://riverside-climbing.example.org/sessions?week=11&day=thu)"),
        (1, at(11, 19, 5, 51, 990100), BEN, TEXT, "I'm in, bringing the new rope <3"),
        (2, at(12, 8, 10, 44, 120000), ZOE, TEXT, "count me in 👍🏽 first time lead climbing indoors"),  # skin tone 4
        (3, at(12, 8, 45, 3, 310900), CHIARA, MEDIA, "Gear swap pile from the weekend — anyone missing a chalk bag?"),
        (4, at(12, 9, 1, 30), BEN, TEXT, "see you there & bring snacks 😅"),  # a thread reply sent to the channel too
        (5, at(12, 10, 15, 2, 500), DAVID, MEDIA, "<file>"),  # a PDF without words
        (6, at(12, 17, 20, 0), DAVID, DELETED, "This message was deleted."),  # a thread's deleted first message
        (7, at(12, 17, 25, 9), ANA, TEXT, "no worries, fixed the date in the calendar ✅"),
        (8, at(12, 21, 41, 7, 8), ZOE, TEXT, "stretches after the session"),  # /me
        (9, at(14, 23, 59, 58), CHIARA, TEXT, "Is #weekend-trips the right place for the\ncarpool list? @here\n\n"
         "• 3 seats from Südstadt\n• 1 from Ehrenfeld"),
        (10, at(15, 0, 0, 4), DAVID, TEXT, "yes! and the doc is at https://docs.example.com/carpool"),  # past midnight
    ]
    # replies from the next day's file still find the thread they answer
    assert [m.reply_to for m in general.messages] == [None, 0, 0, None, 0, None, None, 6, None, None, None]
    assert [m.index for m in general.messages if m.edited] == [3]
    assert [(m.index, m.reactions) for m in general.messages if m.reactions] == [
        (0, (Reaction(BEN, "🙌"), Reaction(CHIARA, "🙌"), Reaction(ZOE, ":party-parrot:"))),  # a custom emoji
        (3, (Reaction(DAVID, "👀"),)),
    ]
    assert [(e.ts, e.author, e.text) for e in general.system_events] == [
        (at(11, 18, 58, 40, 2), ZOE, "@zoe has joined the channel"),
        (at(11, 20, 0, 0, 400), "Crag Weather", "Forecast for Frankenjura, Sat: ☀️ 14°C, wind 9 km/h"),  # a bot
        (at(11, 22, 30, 12, 5), ANA, "set the channel topic: Riverside Climbing Collective 🧗"),
        (at(12, 13, 0, 0, 100), "Polly", "Poll by @Ana: Saturday crag? 1️⃣ Frankenjura 2️⃣ Elbsandstein"),  # an app
        (at(12, 22, 0, 0, 9), BEN, "set the channel purpose: Everything club-related"),
        (at(15, 0, 30, 0), DAVID, "@Dávid Szabó has left the channel"),
        (at(15, 0, 40, 0), ANA, "huddle thread"),  # no words: the subtype's
    ]


def test_a_dm_a_group_dm_and_channels_are_named_and_grouped_by_the_exports_lists() -> None:
    with local_time("Europe/Berlin"):
        chats = read_all(EXPORT, ImportOptions(me=ANA))
    assert sorted(chats) == ["#general", "#route-setters", "#weekend-trips", "Benedikt Okoro", "Chiara 🧗, zoe"]
    dm = chats["Benedikt Okoro"]  # the other member: the me option names the user
    assert (dm.chat_id, dm.group, dm.me) == ("D05ANABEN1", False, ANA)
    assert [(m.ts, m.author, m.kind, m.text, m.edited) for m in dm.messages] == [
        (at(12, 23, 10, 5), BEN, TEXT, "you ok? you went quiet after the session", False),
        (at(12, 23, 14, 41), ANA, TEXT, "just tired. long week at work 😮‍💨", False),
        (at(12, 23, 15, 20), BEN, MEDIA, "<attachment>", False),  # a GIF sent through Giphy is still Ben's
        (at(13, 8, 2, 0), ANA, TEXT, "thank you. coffee before work tomorrow? ☕", False),
        (at(13, 8, 3, 30), BEN, TEXT, "always", True),
    ]
    assert [m.reactions for m in dm.messages if m.reactions] == [(Reaction(BEN, "❤️"),), (Reaction(BEN, "👍🏻"),)]
    group_dm = chats["Chiara 🧗, zoe"]
    assert (group_dm.chat_id, group_dm.group, group_dm.people) == ("G05MPDM7QX", True, [CHIARA, ZOE, ANA])
    assert group_dm.messages[1].reactions == (Reaction(ANA, "😍"), Reaction(CHIARA, "😍"))
    private = chats["#route-setters"]
    assert (private.chat_id, private.group, [m.text for m in private.messages]) == (
        "G05SETTERS", True,
        ["Wall 3 reset on Tuesday, 10:00–14:00", "perfect, I'll bring the drill :hammer_and_wrench:"])  # not known
    trips = chats["#weekend-trips"]
    assert [m.text for m in trips.messages] == ["Leaving 7:30 from Ebertplatz.\nTwo seats left 🚗",
                                                "take one for me please 🙏"]
    # without the option, a DM is titled by both members
    assert "Ana, Benedikt Okoro" in read_all(EXPORT)


def test_an_export_from_2016_reads_uploads_file_comments_and_mentions_with_names() -> None:
    with local_time("UTC"):
        (chat,) = read_all(SLACK / "export_2016").values()
    assert (chat.title, chat.chat_id, chat.group) == ("#general", "C0AB5GEN1", True)
    maria = "María José Peña"  # no display name: the real name; Tom's account is deleted and has neither
    assert [(m.ts, m.author, m.kind, m.text, m.edited) for m in chat.messages] == [
        (datetime(2016, 5, 3, 10, 6, 40, 3), "tom", TEXT, f"@{maria}: the minutes from Tuesday", False),
        (datetime(2016, 5, 3, 10, 7, 40, 4), "tom", MEDIA, "please check the budget part", False),  # no "uploaded"
        (datetime(2016, 5, 3, 10, 23, 20, 5), maria, TEXT, "looks right, thanks!", False),  # the comment's writer
        (datetime(2016, 5, 3, 12, 53, 20, 8), maria, TEXT, "Great meeting everyone 😄 🙂", True),
    ]
    assert [(e.author, e.text) for e in chat.system_events] == [
        (maria, f"@{maria} has joined the channel"),
        (maria, "added an integration to this channel: rss (https://oldclub.slack.com/services/B0AB7RSS1)"),
        ("B0AB7RSS1", "New post: Spring meeting"),  # a bot's post without text: its attachment's fallback
    ]


def test_a_dm_folder_without_the_exports_lists_names_people_by_their_messages_profiles() -> None:
    with local_time("UTC"):
        (chat,) = read_all(SLACK / "loose").values()
    assert (chat.title, chat.chat_id, chat.group) == ("noor, Ilya Petrov", "D07QX2M4KP", False)
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [
        (datetime(2024, 6, 1, 10, 0, 0, 100), "noor", "did you see @Ilya Petrov booked the hut? ⛰️"),
        (datetime(2024, 6, 1, 10, 2, 0, 200), "Ilya Petrov", "booked & paid 💰"),
        (datetime(2024, 6, 2, 7, 0, 0, 300), "noor", "see you at the station 🚉"),
    ]


def test_the_zip_slack_gives_reads_like_its_unpacked_folder(tmp_path: Path) -> None:
    archive = tmp_path / "Riverside Climbing Slack export Mar 9 2024 - Mar 14 2024.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(EXPORT.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(EXPORT).as_posix())
    zipped, unpacked = read_all(archive), read_all(EXPORT)
    assert sorted(zipped) == sorted(unpacked)
    for title, chat in zipped.items():
        assert chat.source == f"{archive}!{Path(unpacked[title].source).relative_to(EXPORT).as_posix()}"
        assert (chat.messages, chat.system_events, chat.chat_id) == (
            unpacked[title].messages, unpacked[title].system_events, unpacked[title].chat_id)


def test_a_channels_first_day_file_reads_every_day_and_a_later_one_named_alone_is_refused() -> None:
    (first,) = parse(GENERAL / "2024-03-11.json")
    assert len(first.messages) == 11 and first.title == "#general"
    with pytest.raises(LaterPageError) as caught:
        parse(GENERAL / "2024-03-12.json")
    assert str(caught.value) == (f"{GENERAL / '2024-03-12.json'} is page 2 of a chat export: give 2024-03-11.json "
                                 "or the folder, which read every page in order")
    # named together with the first day, the later day is read once, by it
    found = list(read_paths([GENERAL / "2024-03-11.json", GENERAL / "2024-03-14.json"]))
    assert [len(c.messages) for _, convs in found for c in convs] == [11]
    # found in a folder, a later day gives nothing by itself
    source = Source(str(GENERAL / "2024-03-14.json"), path=GENERAL / "2024-03-14.json")
    assert list(SlackImporter().parse(source, ImportOptions())) == []


def test_the_export_read_with_the_format_named_reads_each_conversation_once() -> None:
    found = [c for _, convs in read_paths([EXPORT], fmt="slack") for c in convs]
    assert sorted(c.title for c in found) == sorted(read_all(EXPORT))


def test_a_channels_folder_given_alone_is_read_with_the_lists_above_it() -> None:
    (chat,) = read_all(GENERAL).values()
    assert (chat.title, chat.chat_id, chat.messages[0].author) == ("#general", "C05GENERAL", ANA)


@pytest.mark.parametrize("name", ["users.json", "channels.json", "dms.json"])
def test_an_exports_list_named_by_itself_is_refused_with_what_to_give(name: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        list(read_paths([EXPORT / name]))
    assert "a Slack export's folder or zip" in caught.value.expected
    assert caught.value.found == f"{name}, which only lists the workspace's members or conversations"


def write_day(folder: Path, entries: object, name: str = "2024-03-12.json") -> Path:
    channel = folder / "general"
    channel.mkdir(parents=True, exist_ok=True)
    (channel / name).write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return channel / name


def read_text_of(raw: str, tmp_path: Path) -> str:
    shutil.copy(EXPORT / "users.json", tmp_path / "users.json")
    shutil.copy(EXPORT / "channels.json", tmp_path / "channels.json")
    path = write_day(tmp_path, [{"type": "message", "user": "U05AN7L1MA", "text": raw, "ts": "1710277445.123456"}])
    (chat,) = parse(path)
    return chat.messages[0].text


@pytest.mark.parametrize(("raw", "shown"), [
    ("hi <@U05BK0R0B3>", "hi @Benedikt Okoro"),
    ("hi <@U05BK0R0B3|ben>", "hi @Benedikt Okoro"),  # users.json's name before the label
    ("hi <@U09NOBODY1|sam>", "hi @sam"),
    ("hi <@U09NOBODY1>", "hi @U09NOBODY1"),
    ("in <#C05TRIPS42>", "in #weekend-trips"),
    ("in <#C09ELSEWH1|random>", "in #random"),
    ("<!channel> <!here|@here> <!everyone>", "@channel @here @everyone"),
    ("<!subteam^S05SETTER1|@setters> please", "@setters please"),
    ("<!date^1710277445^{date_short}|Mar 12, 2024> works", "Mar 12, 2024 works"),
    ("<https://x.org/a?b=1&amp;c=2|the plan>", "the plan (https://x.org/a?b=1&c=2)"),
    ("<https://x.org/a?b=1&amp;c=2>", "https://x.org/a?b=1&c=2"),
    ("<http://example.com|example.com>", "example.com"),  # a bare domain Slack made a link
    ("<mailto:ana@example.org|ana@example.org>", "ana@example.org"),
    ("a &amp;&amp; b &lt;3 &gt;_&lt; &amp;lt;", "a && b <3 >_< &lt;"),  # decoded once
    (":tada: :heart: :+1: :-1: :thumbsup::skin-tone-6:", "🎉 ❤️ 👍 👎 👍🏿"),
    ("meet 10:30:45 :tada: :party-parrot: :not_an_emoji:", "meet 10:30:45 🎉 :party-parrot: :not_an_emoji:"),
    ("10:30:tada:", "10:30🎉"),
    ("ok :v::skin-tone-3:", "ok ✌🏼"),
    ("línea uno\nlínea dos 🇵🇹", "línea uno\nlínea dos 🇵🇹"),
])
def test_slack_markup_becomes_the_words_people_saw(raw: str, shown: str, tmp_path: Path) -> None:
    assert read_text_of(raw, tmp_path) == shown


@pytest.mark.parametrize(("name", "emoji"), [
    ("+1", "👍"), ("heart", "❤️"), ("joy", "😂"), ("wave::skin-tone-2", "👋🏻"), ("white_check_mark", "✅"),
    ("kekw", ":kekw:"), ("heart::skin-tone-9", "❤️"), ("party-parrot", ":party-parrot:"),
])
def test_reaction_names_become_emoji_where_they_are_standard(name: str, emoji: str) -> None:
    assert emoji_of(name) == emoji


GOOD = {"type": "message", "user": "U05AN7L1MA", "text": "hi", "ts": "1710277445.123456"}


@pytest.mark.parametrize(("entries", "path", "expected"), [
    ({"messages": []}, "$", "a list of Slack messages"),
    ([GOOD, "hello"], "[1]", "a JSON object"),
    ([{k: v for k, v in GOOD.items() if k != "ts"}], "[0].ts", "a Slack timestamp"),
    ([{**GOOD, "ts": 1710277445.123456}], "[0].ts", "a Slack timestamp"),
    ([{**GOOD, "ts": "yesterday"}], "[0].ts", "a Slack timestamp"),
    ([{**GOOD, "ts": "999999999999.5"}], "[0].ts", "a Slack timestamp"),  # past what the clock shows
    ([{k: v for k, v in GOOD.items() if k != "user"}], "[0].user", "the id of the user who wrote the message"),
    ([{**GOOD, "text": 5}], "[0].text", "a string or null"),
    ([{**GOOD, "user": ["U1"]}], "[0].user", "a string or null"),
    ([{**GOOD, "reactions": {"name": "+1"}}], "[0].reactions", "a list"),
    ([{**GOOD, "reactions": [{"users": ["U1"]}]}], "[0].reactions[0].name", "a string"),
    ([{**GOOD, "reactions": [{"name": "+1", "users": [7]}]}], "[0].reactions[0].users[0]", "a user id"),
    ([{**GOOD, "files": "photo.jpg"}], "[0].files", "a list"),
    ([{**GOOD, "edited": True}], "[0].edited", "a JSON object"),
    ([{**GOOD, "subtype": "tombstone", "user": None}], "[0].user", "the id of the user who wrote the deleted"),
])
def test_a_broken_day_file_is_an_error_naming_the_file_and_json_path(
        entries: object, path: str, expected: str, tmp_path: Path) -> None:
    day = write_day(tmp_path, entries)
    with pytest.raises(ImportFormatError) as caught:
        parse(day)
    assert (caught.value.source, caught.value.json_path) == (str(day), path)
    assert expected in caught.value.expected


def test_a_truncated_day_file_names_its_line(tmp_path: Path) -> None:
    day = tmp_path / "general" / "2024-03-12.json"
    day.parent.mkdir()
    day.write_text((GENERAL / "2024-03-12.json").read_text(encoding="utf-8")[:900], encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        parse(day)
    assert caught.value.line is not None and caught.value.line > 1 and "a JSON document" in caught.value.expected


def test_a_broken_later_day_stops_the_channel_with_that_days_name(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "general" / "2024-03-14.json").write_text('[{"type": "message", "ts": "soon"}]', encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        read_all(export)
    assert (caught.value.source, caught.value.json_path) == (str(export / "general" / "2024-03-14.json"), "[0].ts")


@pytest.mark.parametrize(("name", "document", "path", "expected"), [
    ("users.json", {"members": []}, "$", "users.json"),
    ("users.json", [{"name": "ana"}], "[0].id", "a string"),
    ("users.json", [{"id": "U1", "profile": "Ana"}], "[0].profile", "a JSON object"),
    ("users.json", [{"id": "U1", "profile": {"display_name": 3}}], "[0].profile.display_name", "a string"),
    ("channels.json", [{"id": "C1", "name": "general", "members": "U1"}], "[0].members", "a list"),
    ("channels.json", [{"id": "C1", "name": "general", "members": [1]}], "[0].members[0]", "a user id"),
    ("dms.json", [{"members": ["U1", "U2"]}], "[0].id", "a string"),
])
def test_a_broken_list_beside_the_channels_is_an_error_naming_it(
        name: str, document: object, path: str, expected: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(json.dumps(document), encoding="utf-8")
    day = write_day(tmp_path, [GOOD])
    with pytest.raises(ImportFormatError) as caught:
        parse(day)
    assert (caught.value.source, caught.value.json_path) == (str(tmp_path / name), path)
    assert expected in caught.value.expected


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    day = tmp_path / "general" / "2024-03-12.json"
    day.parent.mkdir()
    day.write_bytes(b'[{"type": "message",\n "text": "caf\xe9", "ts": "1710277445.1"}]')
    with pytest.raises(ImportFormatError) as caught:
        parse(day)
    assert caught.value.line == 2 and "UTF-8" in (caught.value.found or "")


@settings(max_examples=150, deadline=None)
@given(st.one_of(damaged(json.loads((GENERAL / "2024-03-12.json").read_text(encoding="utf-8"))),
                 st.lists(json_values, max_size=3)))
def test_any_damage_to_a_day_file_is_read_or_a_format_error(document: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(EXPORT / "users.json", Path(folder) / "users.json")
        day = write_day(Path(folder), document)
        with contextlib.suppress(ImportFormatError):
            (chat,) = parse(day)
            assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
            assert all(m.author for m in chat.messages)


@settings(max_examples=100, deadline=None)
@given(damaged(json.loads((EXPORT / "users.json").read_text(encoding="utf-8"))))
def test_any_damage_to_users_json_is_read_or_a_format_error(document: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "users.json").write_text(json.dumps(document), encoding="utf-8")
        day = write_day(Path(folder), [GOOD])
        with contextlib.suppress(ImportFormatError):
            parse(day)


AUTHORS = ["Ana Lima", "Benedikt Okoro", "Chiara Rossi-Ødegaard", "Zoë 🌿"]
WORDS = st.text(st.characters(codec="utf-8", blacklist_characters=":"), min_size=1, max_size=40)


@st.composite
def chat_records(draw: st.DrawFn) -> list[Rec]:
    # Start from real instants (whole microseconds) so every time exists on this computer's clock;
    # Slack's ts is unique in a channel, so no two messages share one.
    micros = draw(st.integers(1_300_000_000_000_000, 1_900_000_000_000_000))
    records = []
    for _ in range(draw(st.integers(1, 12))):
        micros += draw(st.integers(1, 10**11))
        ts = datetime.fromtimestamp(micros // 10**6).replace(microsecond=micros % 10**6)
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        text = draw(WORDS)
        if kind == "media" and draw(st.booleans()):
            text = draw(st.sampled_from(PLACEHOLDERS))
        starts = [k for k, r in enumerate(records) if r.reply_to is None]  # Slack's threads are one level deep
        reply_to = draw(st.none() | st.sampled_from(starts)) if starts else None
        records.append(Rec(ts, draw(st.sampled_from(AUTHORS)), text, kind, reply_to, edited=draw(st.booleans())))
    return records


@settings(max_examples=60, deadline=None)
@given(chat_records(), st.sampled_from(KINDS), st.booleans(), st.data())
def test_a_rendered_export_parses_back_to_the_same_messages(
        records: list[Rec], kind: str, display_names: bool, data: st.DataObject) -> None:
    names = st.lists(st.sampled_from(AUTHORS), min_size=1, max_size=3, unique=True)
    shortcodes = st.sampled_from([("+1", "👍"), ("heart", "❤️"), ("joy", "😂"), ("party-parrot", ":party-parrot:")])
    drawn = data.draw(st.dictionaries(st.integers(0, len(records) - 1), st.lists(st.tuples(shortcodes, names),
                                                                                 max_size=2)))
    reactions = {i: [(code, who) for (code, _), who in listed] for i, listed in drawn.items()}
    files = render_slack(records, kind=kind, name="climbing-crew", members=AUTHORS[:2], reactions=reactions,
                         display_names=display_names)
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_text(text, encoding="utf-8")
        (chat,) = read_all(Path(folder), ImportOptions(me="Ana Lima")).values()
    assert chat.group == (kind != "dm")
    assert chat.title == ("#climbing-crew" if kind in ("channel", "private") else ", ".join(
        p for p in dict.fromkeys([*AUTHORS[:2], *(r.author for r in records),
                                  *(n for listed in reactions.values() for _, who in listed for n in who)])
        if p != "Ana Lima"))
    # a deleted reply is not in the export (Slack leaves only a deleted thread's first message)
    kept = [i for i, r in enumerate(records) if not (r.kind == "deleted" and r.reply_to is not None)]
    new_index = {old: new for new, old in enumerate(kept)}
    expected = [(r.ts, r.author, "This message was deleted." if r.kind == "deleted" else r.text, r.kind,
                 None if r.reply_to is None else new_index.get(r.reply_to), r.edited and r.kind != "deleted")
                for r in (records[i] for i in kept)]
    assert [(m.ts, m.author, m.text, str(m.kind), m.reply_to, m.edited) for m in chat.messages] == expected
    assert [m.reactions for m in chat.messages] == [
        () if records[i].kind == "deleted" else tuple(
            Reaction(n, emoji) for (_, emoji), who in drawn.get(i, []) for n in who) for i in kept]


def test_a_rendered_export_is_written_the_way_slack_writes_it() -> None:
    with local_time("Europe/Berlin"):
        moment = datetime(2024, 3, 12, 22, 4, 5, 123456)
        files = render_slack([Rec(moment, "Ana Lima", "a/b <c> & d", edited=True)], kind="dm", name="ana")
        assert ts_of(moment) == "1710277445.123456"  # 21:04:05 UTC
    [folder_day] = [name for name in files if name.endswith("/2024-03-12.json")]
    assert folder_day.startswith("D") and set(files) == {"users.json", "dms.json", "channels.json", folder_day}
    assert '"text": "a\\/b &lt;c&gt; &amp; d"' in files[folder_day]
    [entry] = json.loads(files[folder_day])
    assert (entry["user"], entry["ts"], entry["edited"]["ts"]) == (user_id("Ana Lima"), "1710277445.123456",
                                                                  "1710277505.000000")


def test_detection_claims_every_slack_day_file_and_nothing_else() -> None:
    days = sorted(p for p in SLACK.rglob("*.json") if p.parent.name not in ("export", "export_2016"))
    assert len(days) == 11
    for path in days:
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "slack", path
    for path in sorted(p for p in SLACK.rglob("*.json") if p not in days):  # users.json, channels.json, ...
        found = detect(Source(str(path), path=path))
        assert found is None, path
    importer = SlackImporter()
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and SLACK not in p.parents]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert importer.sniff(source, source.head()) == 0.0, path


def test_an_empty_day_is_claimed_inside_an_export_and_a_list_of_messages_under_another_name_is_read(
        tmp_path: Path) -> None:
    shutil.copy(EXPORT / "users.json", tmp_path / "users.json")
    empty = write_day(tmp_path, [], "2024-03-10.json")
    assert SlackImporter().sniff(Source(str(empty), path=empty), b"[]") == 0.8
    assert SlackImporter().sniff(Source("2024-03-10.json"), b"[]") == 0.0  # nothing around it to tell
    loose = tmp_path / "general-history.json"
    loose.write_text(json.dumps([GOOD]), encoding="utf-8")
    found = detect(Source(str(loose), path=loose))
    assert found is not None and found.name == "slack"
    (chat,) = parse(loose)
    assert [(m.author, m.text) for m in chat.messages] == [("U05AN7L1MA", "hi")]  # no users.json above its folder


def test_a_reply_written_before_the_message_it_names_as_its_thread_does_not_point_forward(tmp_path: Path) -> None:
    day = write_day(tmp_path, [
        {**GOOD, "text": "early", "ts": "1710277445.000001", "thread_ts": "1710277500.000000"},
        {**GOOD, "text": "parent", "ts": "1710277500.000000", "thread_ts": "1710277500.000000"},
        {**GOOD, "text": "reply", "ts": "1710277560.000000", "thread_ts": "1710277500.0"},  # spelt shorter
    ])
    (chat,) = parse(day)
    assert [(m.text, m.reply_to) for m in chat.messages] == [("early", None), ("parent", None), ("reply", 1)]


@pytest.mark.parametrize("zipped", [False, True])
@pytest.mark.parametrize(("folder", "first_day", "content"), [
    ("loose", "D07QX2M4KP/2024-06-01.json", b"[]"),  # an empty first day, no lists to tell it is Slack's
    ("export", "general/2024-03-11.json", b""),  # a first day emptied, beside the lists
    ("export", "general/2024-03-11.json", b"\xff\xfe[\x00]\x00"),  # saved as UTF-16
    ("export", "general/2024-03-11.json", b"{\"oops\": 1}"),
])
def test_a_channel_whose_first_day_is_odd_is_read_or_an_error_never_silently_lost(
        folder: str, first_day: str, content: bytes, zipped: bool, tmp_path: Path) -> None:
    export = tmp_path / folder
    shutil.copytree(SLACK / folder, export)
    (export / first_day).write_bytes(content)
    target = export
    if zipped:
        target = tmp_path / f"{folder}.zip"
        with zipfile.ZipFile(target, "w") as zf:
            for path in sorted(export.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(export).as_posix())
    try:
        chats = [c for _, convs in read_paths([target]) for c in convs]
    except ImportFormatError as error:
        assert error.source.endswith(first_day)
        assert content not in (b"[]", b"\xff\xfe[\x00]\x00")  # an empty day, in UTF-8 or UTF-16, is read
    else:
        (chat,) = [c for c in chats if c.chat_id in ("D07QX2M4KP", "C05GENERAL")]  # the later days all there
        assert chat.messages[-1].text in ("see you at the station 🚉",
                                          "yes! and the doc is at https://docs.example.com/carpool")


@pytest.mark.parametrize(("entries", "path"), [
    ([{**GOOD, "user": ""}], "[0].user"),
    ([{**GOOD, "reactions": [{"name": "+1", "users": [""]}]}], "[0].reactions[0].users[0]"),
    ([{**GOOD, "subtype": "tombstone", "user": "", "parent_user_id": ""}], "[0].user"),
])
def test_an_empty_user_id_is_an_error_not_a_nameless_author(entries: object, path: str, tmp_path: Path) -> None:
    day = write_day(tmp_path, entries)
    with pytest.raises(ImportFormatError) as caught:
        parse(day)
    assert (caught.value.source, caught.value.json_path) == (str(day), path)


@pytest.mark.parametrize("me", [ANA, "ana.lima", "Ana Lima", "U05AN7L1MA"])
def test_the_me_option_may_name_the_user_by_handle_real_name_or_id(me: str) -> None:
    chats = read_all(EXPORT, ImportOptions(me=me))
    assert {"Benedikt Okoro", "Chiara 🧗, zoe"} <= set(chats)
    assert {c.me for c in chats.values()} == {ANA}


def test_a_message_written_twice_in_a_channel_is_one_message(tmp_path: Path) -> None:
    parent = {**GOOD, "text": "parent", "thread_ts": GOOD["ts"], "reply_count": 1}
    reply = {**GOOD, "user": "U05BK0R0B3", "text": "reply", "ts": "1710363845.000100", "thread_ts": GOOD["ts"]}
    write_day(tmp_path, [parent, reply])  # Slack's ts is unique in a channel: the same ts by the same user is a copy
    write_day(tmp_path, [reply, {**reply, "user": "U05AN7L1MA", "text": "same instant, someone else"}],
              "2024-03-13.json")
    (chat,) = parse(tmp_path / "general" / "2024-03-12.json")
    assert [(m.index, m.text, m.reply_to) for m in chat.messages] == [
        (0, "parent", None), (1, "reply", 0), (2, "same instant, someone else", 0)]


def test_two_people_of_one_name_stay_two_told_apart_by_their_ids(tmp_path: Path) -> None:
    users = [{"id": "U01ALEXKIM", "name": "alex.kim", "profile": {"display_name": "Alex"}},
             {"id": "U02ALEXROS", "name": "alex.ross", "profile": {"display_name": "Alex"}},
             {"id": "U03NOORAHM", "name": "noor", "profile": {"display_name": "Noor"}}]
    (tmp_path / "users.json").write_text(json.dumps(users), encoding="utf-8")
    path = write_day(tmp_path, [
        {"type": "message", "user": "U01ALEXKIM", "text": "climbing sunday?", "ts": "1710277445.000100"},
        {"type": "message", "user": "U02ALEXROS", "text": "<@U01ALEXKIM> in!", "ts": "1710277500.000100"},
        {"type": "message", "user": "U03NOORAHM", "text": "me too", "ts": "1710277600.000100"},
    ])
    (chat,) = parse(path)
    assert chat.people == ["Alex (U01ALEXKIM)", "Alex (U02ALEXROS)", "Noor"]
    assert chat.messages[1].text == "@Alex (U01ALEXKIM) in!"
