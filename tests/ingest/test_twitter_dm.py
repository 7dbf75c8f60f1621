"""The X / Twitter importer reads the direct messages of an account archive, and nothing else of it."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.twitter_dm import account, jackson, render_twitter_account, render_twitter_dm
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import INSTANTS_MS, Rec, instant_records
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest._sources import LaterPageError
from turntoward.ingest.twitter_dm import TwitterDmImporter, reaction_emoji
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
ARCHIVE = FIXTURES / "twitter_dm" / "twitter-2024-03-14-a1b2c3"
DATA = ARCHIVE / "data"
DMS = DATA / "direct-messages.js"
GROUPS = DATA / "direct-messages-group.js"
OLD = FIXTURES / "twitter_dm" / "twitter-2018-08-13"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
NOA, JONAS, MIRELA, TOMASZ, LEA = "Noa Kessler", "user 48213377", "user 1587760233141125120", "user 937451200", \
    "user 2210457788"
PREFIX = "window.YTD.direct_messages.part0 = "


@pytest.fixture(autouse=True)
def berlin_time() -> Iterator[None]:
    """The archive writes UTC; the importer shows the machine's local time (UTC+1 in March in Berlin)."""
    with local_time("Europe/Berlin"):
        yield


def parse(path: Path, options: ImportOptions | None = None, *, named: bool = True) -> list[Conversation]:
    return list(TwitterDmImporter().parse(Source(str(path), path=path, named=named), options or ImportOptions()))


def document(path: Path = DMS) -> list:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 :])


def write(folder: Path, name: str, value: object, prefix: str = PREFIX) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(prefix + (value if isinstance(value, str) else jackson(value)), encoding="utf-8")
    return path


def edited(tmp_path: Path, change: Callable[[list], object], *, with_account: bool = True) -> Path:
    """The fixture's direct-messages.js with `change` applied, beside its account.js unless not `with_account`."""
    value = document()
    change(value)
    if with_account:
        shutil.copy(DATA / "account.js", tmp_path / "account.js")
    return write(tmp_path, "direct-messages.js", value)


def parse_text(tmp_path: Path, text: str | bytes, options: ImportOptions | None = None) -> list[Conversation]:
    path = tmp_path / "direct-messages.js"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return parse(path, options)


def jonas_chat(value: list) -> list:
    return value[0]["dmConversation"]["messages"]


def at(month: int, day: int, hour: int, minute: int, second: int = 0, ms: int = 0, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, second, ms * 1000)


def test_an_archive_folder_gives_its_direct_messages_and_nothing_else() -> None:
    skipped: list[str] = []
    found = [(source.filename, c.title, c.chat_id, c.group, c.me, c.source_format)
             for source, chats in read_paths([ARCHIVE], on_skip=lambda s, e: skipped.append(s.name)) for c in chats]
    # tweets, followers, the headers, the manifest, the README and the viewer are not chats, nor errors;
    # conversations without messages are left out
    assert found == [
        ("direct-messages-group.js", "Saturday crew 🧗", "1767585031264550912", True, NOA, "twitter_dm"),
        ("direct-messages.js", JONAS, "48213377-1203984475", False, NOA, "twitter_dm"),
        ("direct-messages.js", "user 2890166341", "1203984475-2890166341", False, NOA, "twitter_dm"),
    ]
    assert skipped == []


def test_a_one_to_one_chat_reads_oldest_first_in_local_time() -> None:
    [jonas, bakery] = parse(DMS)
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in jonas.messages] == [
        (0, at(3, 9, 19, 2, 11, 406), JONAS, TEXT,
         "Are you still up for the climb on Saturday? Weather looks ok & the gym opens at 9"),  # &amp; decoded
        (1, at(3, 9, 19, 4, 52, 19), NOA, TEXT, "Yes!! I'll bring the rope, you bring snacks 😄"),
        (2, at(3, 9, 19, 6, 30, 777), JONAS, MEDIA, "<photo>"),  # its t.co link is the photo, not words
        (3, at(3, 9, 19, 7, 2, 150), NOA, TEXT,
         "Is that the new crag guide? https://www.example-crags.org/guides/frankenjura"),  # t.co expanded
        (4, at(3, 9, 19, 7, 45, 900), JONAS, MEDIA, "https://twitter.com/bergfex_jo/status/1766502711874302233"),
        (5, at(3, 9, 19, 9, 13, 4), NOA, TEXT, "Route 7 looks <3 but scary -> maybe route 5 first?"),
        (6, at(3, 9, 19, 10), JONAS, MEDIA, "haha same"),  # a GIF's caption
        (7, at(3, 10, 8, 58, 31, 120), NOA, DELETED, ""),
        (8, at(3, 10, 8, 59, 2, 640), NOA, MEDIA, "<video>"),
        (9, at(3, 10, 9, 3, 44, 380), JONAS, TEXT, "See you at 9 then 👍"),
    ]
    assert not any(m.edited or m.reply_to is not None for m in jonas.messages)
    # a business account's automatic greeting (welcomeMessageCreate) is its message
    assert [(m.author, m.text[:26]) for m in bakery.messages] == [
        ("user 2890166341", "Hi! Thanks for messaging B"), (NOA, "Do you have rye loaves on "),
        ("user 2890166341", "We do, from 8 am."),
    ]
    assert jonas.system_events == [] and bakery.title == "user 2890166341"


def test_reactions_are_read_with_their_emoji_sender_and_time() -> None:
    [jonas, _] = parse(DMS)
    assert [(m.index, m.reactions) for m in jonas.messages if m.reactions] == [
        (1, (Reaction(JONAS, "❤️", at(3, 9, 19, 5, 10, 500)),)),  # "like" is Twitter's heart
        (8, (Reaction(JONAS, "😂", at(3, 10, 9, 1, 12, 3)), Reaction(JONAS, "(emoji)", at(3, 10, 9, 1, 15)))),
        (9, (Reaction(NOA, "👍", at(3, 10, 9, 3, 57, 505)),)),
    ]
    [group] = parse(GROUPS)
    assert [(r.author, r.emoji) for r in group.messages[1].reactions] == [(NOA, "❤️"), (MIRELA, "👍")]


def test_a_group_reads_its_members_notices_and_newest_name() -> None:
    [group] = parse(GROUPS)
    assert (group.title, group.group, group.me) == ("Saturday crew 🧗", True, NOA)
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in group.messages] == [
        (0, at(3, 12, 20, 1, 12, 250), MIRELA, TEXT, "Who's driving on Saturday?"),
        (1, at(3, 12, 20, 2, 40, 31), TOMASZ, TEXT, "I can take 3 people"),
        (2, at(3, 12, 20, 4, 10, 412), LEA, TEXT, "Thanks for the add! Count me in"),
        (3, at(3, 12, 20, 6, 20, 660), NOA, MEDIA, "Parking is here"),
        (4, at(3, 13, 9, 16, 2, 119), MIRELA, TEXT, "Tomasz had to drop out, Jonas can you drive?"),
    ]
    assert [(e.ts, e.author, e.text) for e in group.system_events] == [
        (at(3, 12, 20, 0, 3, 512), MIRELA, f"{MIRELA} added {NOA}"),
        (at(3, 12, 20, 0, 40, 100), MIRELA, f"{MIRELA} named the group Saturday crew"),
        (at(3, 12, 20, 3, 5, 870), NOA, f"{NOA} added {LEA}"),
        (at(3, 12, 20, 5), TOMASZ, f"{TOMASZ} named the group Saturday crew 🧗"),
        (at(3, 13, 9, 15, 30, 300), TOMASZ, f"{TOMASZ} left"),
    ]


def test_an_unnamed_group_is_titled_by_the_people_in_it(tmp_path: Path) -> None:
    value = document(GROUPS)
    events = value[0]["dmConversation"]["messages"]
    value[0]["dmConversation"]["messages"] = [e for e in events if "conversationNameUpdate" not in e]
    path = write(tmp_path, "direct-messages-group.js", value, "window.YTD.direct_messages_group.part0 = ")
    [group] = parse(path)
    # in order of appearance; the exporter is not known here (no account.js, no one-to-one chats to tell by)
    assert (group.title, group.me) == (f"{MIRELA}, user 1203984475, {JONAS}, {TOMASZ}, {LEA}", None)
    shutil.copy(DATA / "account.js", tmp_path / "account.js")
    [group] = parse(path)
    assert (group.title, group.me) == (f"{MIRELA}, {JONAS}, {TOMASZ}, {LEA}", NOA)


def test_the_exporter_is_named_by_account_js_else_manifest_js_else_by_the_ids_and_the_me_option(
    tmp_path: Path
) -> None:
    shutil.copy(DMS, tmp_path / DMS.name)
    shutil.copy(DATA / "manifest.js", tmp_path / "manifest.js")
    assert {c.me for c in parse(tmp_path / DMS.name, ImportOptions(me="Noa"))} == {NOA}  # manifest.js's userInfo
    (tmp_path / "manifest.js").write_text("window.__THAR_CONFIG = {", encoding="utf-8")  # broken: passed over
    [jonas, _] = parse(tmp_path / DMS.name, ImportOptions(me="Noa"))
    # 1203984475 is in every one-to-one conversation's id: that is the exporter, named by the option
    assert (jonas.me, jonas.people) == ("Noa", [JONAS, "Noa"])
    [jonas, _] = parse(tmp_path / DMS.name)
    assert (jonas.me, jonas.messages[1].author) == ("user 1203984475", "user 1203984475")
    shutil.copy(DATA / "account.js", tmp_path / "account.js")
    assert {c.me for c in parse(tmp_path / DMS.name, ImportOptions(me="Noa"))} == {NOA}  # the archive's name wins


def test_times_follow_this_computers_zone() -> None:
    with local_time("Asia/Tokyo"):
        [jonas, _] = parse(DMS)
    assert jonas.messages[0].ts == at(3, 10, 3, 2, 11, 406)  # 2024-03-09T18:02:11.406Z


def test_a_2018_archive_has_millisecond_times_and_its_groups_in_the_same_file() -> None:
    [(source, chats)] = list(read_paths([OLD]))
    assert source.filename == "direct-message.js"
    [pen, gig] = chats
    me = "@rosiefenn"  # the display name "-" has nothing to show
    assert (pen.title, pen.group, pen.me, gig.title, gig.group) == ("user 2741509018", False, me, "gig on friday", True)
    assert [(m.ts, m.author, m.kind, m.text) for m in pen.messages] == [
        (at(7, 23, 17, 43, 20, 912, 2018), "user 2741509018", TEXT, "did u get home ok??"),
        (at(7, 23, 17, 44, 19, 530, 2018), me, TEXT, "yes!! mum picked me up at the station & we got chips"),
        # no "urls" yet: the last word, a t.co link, is the photo
        (at(7, 23, 17, 45, 59, 855, 2018), me, MEDIA, "look what i found"),
        (at(7, 23, 17, 46, 49, 944, 2018), "user 2741509018", TEXT, "NO WAY 😂"),
        (at(7, 23, 17, 54, 20, 0, 2018), "user 2741509018", MEDIA, "http://t.co/Jq2mVr7Ls3"),  # a link, unexpanded
    ]
    assert [(m.author, m.kind, m.text) for m in gig.messages] == [
        ("user 351170822", TEXT, "tickets are £12, who's in"), ("user 1910447562", TEXT, "me!!"),
        (me, MEDIA, "<photo>"),
    ]
    assert [e.text for e in gig.system_events] == [
        f"user 351170822 added {me}", "user 351170822 named the group gig on friday", "user 1910447562 left",
    ]


def test_reaction_events_of_2020_archives_go_on_their_message(tmp_path: Path) -> None:
    def as_events(value: list) -> None:
        events = jonas_chat(value)
        moved = []
        for event in events:
            message = event["messageCreate"]
            for reaction in message.pop("reactions"):
                moved.append({"reactionCreate": {**reaction, "eventId": message["id"]}})
            message.pop("urls")
        moved.append({"reactionCreate": {"senderId": "48213377", "reactionKey": "sad", "eventId": "1",
                                         "createdAt": "2024-03-10T09:00:00.000Z"}})  # its message is not here
        events[:0] = moved
    [jonas, _] = parse(edited(tmp_path, as_events))
    assert [(m.index, [(r.author, r.emoji) for r in m.reactions]) for m in jonas.messages if m.reactions] == [
        (1, [(JONAS, "❤️")]), (8, [(JONAS, "😂"), (JONAS, "(emoji)")]), (9, [(NOA, "👍")]),
    ]
    assert [(e.ts, e.author, e.text) for e in jonas.system_events] == [(at(3, 10, 10, 0), JONAS, f"{JONAS} reacted 😢")]
    # without "urls" the links stay t.co links, and the media link is still taken off
    assert [m.text for m in jonas.messages[2:4]] == ["<photo>", "Is that the new crag guide? https://t.co/K9wPq1ZsVa"]


def test_an_edit_history_marks_a_message_edited_and_other_events_are_notices(tmp_path: Path) -> None:
    def changes(value: list) -> None:
        events = jonas_chat(value)
        events[4]["messageCreate"]["editHistory"] = [{"text": "Route 7 looks scary"}]  # "Route 7 looks <3 …"
        events.insert(0, {"tweetInject": {"createdAt": "2024-03-10T09:30:00.000Z"}})
    [jonas, _] = parse(edited(tmp_path, changes))
    assert [m.index for m in jonas.messages if m.edited] == [5]
    assert [(e.text, e.author) for e in jonas.system_events] == [("tweet inject", None)]


def test_a_whole_archive_zip_gives_only_its_chats(tmp_path: Path) -> None:
    archive = tmp_path / "twitter-2024-03-14-a1b2c3.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(ARCHIVE.rglob("*")):
            zf.write(path, path.relative_to(ARCHIVE).as_posix())
        zf.writestr("data/direct_messages_media/1766527092718854145-kP2vQm8R.jpg", b"\xff\xd8\xff\xe0 not really")
        zf.writestr("assets/js/main.c0ffee.js", "(()=>{window.YTD=window.YTD||{}})();\n")
    skipped: list[str] = []
    read = read_paths([archive], on_skip=lambda s, e: skipped.append(s.name))
    found = [(source.name, c.title) for source, chats in read for c in chats]
    assert found == [(f"{archive}!data/direct-messages-group.js", "Saturday crew 🧗"),
                     (f"{archive}!data/direct-messages.js", JONAS),
                     (f"{archive}!data/direct-messages.js", "user 2890166341")]
    assert skipped == []
    [(_, [group, *_])] = [(s, cs) for s, cs in read_paths([archive]) if s.filename == "direct-messages-group.js"]
    assert group.me == NOA  # account.js beside it in the zip


def test_a_list_split_into_parts_is_read_from_its_first_file(tmp_path: Path) -> None:
    value = document()
    first_half = json.loads(json.dumps(value[:1]))
    second_half = json.loads(json.dumps(value))
    events = jonas_chat(value)
    jonas_chat(first_half)[:] = events[:5]  # the newest five
    jonas_chat(second_half)[:] = events[5:]  # the same conversation goes on in part 1
    write(tmp_path, "direct-messages.js", first_half)
    part1 = write(tmp_path, "direct-messages-part1.js", second_half, "window.YTD.direct_messages.part1 = ")
    shutil.copy(DATA / "account.js", tmp_path / "account.js")
    found = [(s.filename, c.title, len(c.messages)) for s, chats in read_paths([tmp_path]) for c in chats]
    assert found == [("direct-messages.js", JONAS, 10), ("direct-messages.js", "user 2890166341", 3)]
    [jonas, _] = parse(tmp_path / "direct-messages.js")
    assert [m.text for m in jonas.messages] == [m.text for m in parse(DMS)[0].messages]
    with pytest.raises(LaterPageError, match=r"give direct-messages\.js"):
        parse(part1)
    part1.rename(tmp_path / "direct-messages-part2.js")  # part 1 is missing: part 2 would be lost
    with pytest.raises(ImportFormatError, match=r"direct-messages-part1\.js beside it"):
        parse(tmp_path / "direct-messages.js")


def test_a_list_without_its_assignment_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "dms.json"
    path.write_text(json.dumps(document()), encoding="utf-8")
    found = detect(Source(str(path), path=path))
    assert found is not None and found.name == "twitter_dm"
    assert [c.title for c in parse(path)] == [JONAS, "user 2890166341"]


def test_detection_picks_this_importer_for_direct_messages_and_for_nothing_else() -> None:
    for path in (DMS, GROUPS, OLD / "direct-message.js"):
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "twitter_dm", path
    not_chats = [p for p in ARCHIVE.rglob("*") if p.is_file() and p not in (DMS, GROUPS)] + [OLD / "account.js"]
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and "twitter_dm" not in p.parts]
    assert len(others) > 50 and len(not_chats) == 8
    for path in others + not_chats:
        source = Source(str(path), path=path)
        assert TwitterDmImporter().sniff(source, source.head()) == 0.0, path
    for path in not_chats:
        assert detect(Source(str(path), path=path)) is None, path  # no other importer takes them either


@pytest.mark.parametrize("change, path, expected", [
    (lambda d: d[0]["dmConversation"]["messages"][0]["messageCreate"].update(senderId=48213377),
     "[0].dmConversation.messages[0].messageCreate.senderId", "an account id"),
    (lambda d: d[0]["dmConversation"]["messages"][0]["messageCreate"].pop("senderId"),
     "[0].dmConversation.messages[0].messageCreate.senderId", "an account id"),
    (lambda d: d[0]["dmConversation"]["messages"][1]["messageCreate"].pop("createdAt"),
     "[0].dmConversation.messages[1].messageCreate.createdAt", "a time in UTC"),
    (lambda d: d[0]["dmConversation"]["messages"][1]["messageCreate"].update(createdAt="yesterday"),
     "[0].dmConversation.messages[1].messageCreate.createdAt", "a time in UTC"),
    (lambda d: d[0]["dmConversation"]["messages"][1]["messageCreate"].update(createdAt="9" * 21),
     "[0].dmConversation.messages[1].messageCreate.createdAt", "a time in UTC"),
    (lambda d: d[0]["dmConversation"]["messages"][1]["messageCreate"].update(createdAt="99999999999999999"),
     "[0].dmConversation.messages[1].messageCreate.createdAt", "a time in UTC"),  # past the year 9999
    (lambda d: d[0]["dmConversation"]["messages"][2]["messageCreate"].pop("text"),
     "[0].dmConversation.messages[2].messageCreate.text", "a string"),
    (lambda d: d[0]["dmConversation"]["messages"][1]["messageCreate"].update(mediaUrls=[7]),
     "[0].dmConversation.messages[1].messageCreate.mediaUrls[0]", "a link to the media"),
    (lambda d: d[0]["dmConversation"]["messages"][1]["messageCreate"].update(urls={"url": "x"}),
     "[0].dmConversation.messages[1].messageCreate.urls", "a list"),
    (lambda d: d[0]["dmConversation"]["messages"][1]["messageCreate"]["reactions"][0].pop("reactionKey"),
     "[0].dmConversation.messages[1].messageCreate.reactions[0].reactionKey", "a string"),
    (lambda d: d[0]["dmConversation"]["messages"][1]["messageCreate"]["reactions"][1].update(createdAt=None),
     "[0].dmConversation.messages[1].messageCreate.reactions[1].createdAt", "a time in UTC"),
    (lambda d: d[0]["dmConversation"]["messages"].insert(0, {}),
     "[0].dmConversation.messages[0]", "an event"),
    (lambda d: d[0]["dmConversation"]["messages"].insert(0, {"messageCreate": "hi"}),
     "[0].dmConversation.messages[0].messageCreate", "a JSON object"),
    (lambda d: d[1]["dmConversation"].pop("conversationId"), "[1].dmConversation.conversationId", "a string"),
    (lambda d: d[1]["dmConversation"].update(messages=None), "[1].dmConversation.messages", "a list"),
    (lambda d: d[2].pop("dmConversation"), "[2].dmConversation", "a JSON object"),
    (lambda d: d.append(["not", "a", "conversation"]), "[3]", "a JSON object"),
    (lambda d: d[0]["dmConversation"]["messages"].insert(0, {"participantsLeave": {
        "userIds": ["1", 2], "createdAt": "2024-03-10T09:00:00.000Z"}}),
     "[0].dmConversation.messages[0].participantsLeave.userIds[1]", "an account id"),
])
def test_a_malformed_field_names_its_json_path(
    tmp_path: Path, change: Callable[[list], object], path: str, expected: str
) -> None:
    with pytest.raises(ImportFormatError, match=rf"at {re.escape(path)}: expected {expected}") as caught:
        parse(edited(tmp_path, change))
    assert caught.value.json_path == path


def test_broken_and_foreign_files_are_format_errors(tmp_path: Path) -> None:
    text = DMS.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match="expected a JSON list") as caught:
        parse_text(tmp_path, text[: len(text) // 2])  # cut off
    assert caught.value.line is not None and caught.value.line > 50
    with pytest.raises(ImportFormatError, match=r"direct-messages\.js:3: expected a UTF-8 .*byte e9"):
        parse_text(tmp_path, PREFIX.encode() + b'[\n {"dmConversation": {"conversationId": "1-2",\n "x": "caf\xe9"}}]')
    with pytest.raises(ImportFormatError, match="nothing after the JSON list") as caught:
        parse_text(tmp_path, text + "\nwindow.YTD.direct_messages.part1 = [ ]")
    assert caught.value.line == text.count("\n") + 1
    with pytest.raises(ImportFormatError, match="a JSON list"):
        parse_text(tmp_path, PREFIX + "[" * 100_000)  # nested past any reader
    with pytest.raises(ImportFormatError, match=r"at \$: expected a list"):
        parse_text(tmp_path, PREFIX + '{"dmConversation": {}}')
    with pytest.raises(UnknownFormatError, match="X / Twitter archive"):
        parse_text(tmp_path, "window.YTD.tweets.part0 = [ ]")
    with pytest.raises(UnknownFormatError, match="X / Twitter archive"):
        parse_text(tmp_path, "")
    assert parse_text(tmp_path, PREFIX + "[ ];\n") == []  # an account without direct messages


def test_the_hour_the_clocks_go_back_keeps_the_order_things_happened_in(tmp_path: Path) -> None:
    # 2024-10-27 in Berlin: 00:45Z is 02:45 summer time, 01:15Z is 02:15 winter time, half an hour later
    def message(when: str, sender: str, text: str) -> dict:
        return {"messageCreate": {"recipientId": "2" if sender == "1" else "1", "reactions": [], "urls": [],
                                  "text": text, "mediaUrls": [], "senderId": sender, "id": when, "createdAt": when}}
    value = [{"dmConversation": {"conversationId": "1-2", "messages": [
        message("2024-10-27T01:15:00.000Z", "1", "yes, 6 is fine"),
        message("2024-10-27T00:45:00.000Z", "2", "dinner at 6?"),
    ]}}]
    [chat] = parse(write(tmp_path, "direct-messages.js", value))
    assert [(m.index, m.ts, m.text) for m in chat.messages] == [
        (0, datetime(2024, 10, 27, 2, 45), "dinner at 6?"), (1, datetime(2024, 10, 27, 2, 15), "yes, 6 is fine"),
    ]


def test_reaction_keys_become_the_emoji_twitter_shows() -> None:
    keys = ("like", "agree", "disagree", "funny", "surprised", "sad", "excited", "Thumbs Up", "🫶", "emoji", "")
    assert [reaction_emoji(k) for k in keys] == ["❤️", "👍", "👎", "😂", "😲", "😢", "🔥", "👍", "🫶", "(emoji)", "()"]


event_keys = st.sampled_from(["messageCreate", "welcomeMessageCreate", "reactionCreate", "joinConversation",
                              "participantsJoin", "participantsLeave", "conversationNameUpdate", "tweetInject"])
event_fields = st.sampled_from(["id", "senderId", "recipientId", "text", "createdAt", "mediaUrls", "urls", "reactions",
                                "editHistory", "initiatingUserId", "userIds", "participantsSnapshot", "name",
                                "eventId", "reactionKey"])
plausible = st.sampled_from([
    "2024-03-12T21:04:05.123Z", "1534138567670", "48213377", "1203984475", "https://t.co/Xb4LmQ2rTz", " https://t.co/x",
    "&amp;&lt;", "like", "emoji", ["https://video.twimg.com/dm_gif/1/a.mp4"], ["48213377"],
    [{"url": "https://t.co/x", "expanded": "https://twitter.com/messages/media/1"}],
])


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    json_values,
    st.lists(st.fixed_dictionaries({"dmConversation": st.fixed_dictionaries({
        "conversationId": json_values | st.sampled_from(["48213377-1203984475", "1767585031264550912"]),
        "messages": st.lists(st.dictionaries(event_keys, st.dictionaries(event_fields, json_values | plausible),
                                             max_size=2), max_size=5),
    })}), max_size=3),
))
def test_any_json_document_either_parses_or_raises_a_format_error(value: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_written_js(PREFIX + json.dumps(value))


@settings(max_examples=200, deadline=None)
@given(damaged(document()))
def test_an_archive_with_any_one_field_broken_either_parses_or_raises_a_format_error(value: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_written_js(PREFIX + json.dumps(value))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.booleans())
def test_any_bytes_either_parse_or_raise_a_format_error(data: bytes, prefixed: bool) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_written_js(PREFIX.encode() + data if prefixed else data)


def parse_written_js(text: str | bytes) -> list[Conversation]:
    with tempfile.TemporaryDirectory() as folder:
        return parse_text(Path(folder), text)


ME = "Noa Kessler"
AUTHORS = [ME, "Jonas Weber", "Mirela Popescu", "sam"]
placeholders = ["<photo>", "<GIF>", "<video>"]


def kind_of(record: Rec) -> str:
    """What a record reads back as: words that are only links are a shared link, media."""
    links_only = re.fullmatch(r"\s*https?://\S+(?:\s+https?://\S+)*\s*", record.text)
    return "media" if record.kind == "text" and links_only else record.kind


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([[ME, "Jonas Weber"], AUTHORS]).flatmap(
    lambda authors: st.tuples(st.just(len(authors) > 2), instant_records(authors, placeholders))), st.data())
def test_a_rendered_chat_parses_back_to_the_same_messages(drawn: tuple[bool, list[Rec]], data: st.DataObject) -> None:
    group, records = drawn
    when = INSTANTS_MS.map(lambda ms: datetime.fromtimestamp(ms / 1000))
    reaction = st.builds(Reaction, st.sampled_from(AUTHORS), st.sampled_from(["❤️", "👍", "👎", "😂", "😲", "😢", "🔥"]),
                         when)
    reactions = data.draw(st.dictionaries(st.integers(0, len(records) - 1), st.lists(reaction, max_size=3)))
    title = "Saturday crew & co 🧗" if group else None
    text = render_twitter_dm(records, me=ME, group=group, title=title, reactions=reactions)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("direct-messages-group.js" if group else "direct-messages.js")
        path.write_text(text, encoding="utf-8")
        (Path(folder) / "account.js").write_text(render_twitter_account(ME), encoding="utf-8")
        [chat] = parse(path)

    def label(name: str) -> str:
        return name if name == ME else f"user {account(name)}"
    others = [label(a) for a in dict.fromkeys(r.author for r in records) if a != ME]
    assert (chat.title, chat.me, chat.group) == (title if group else (others[0] if others else "user " + account(
        "nobody")), ME, group)
    assert [(m.ts, m.author, m.text, str(m.kind), m.reply_to, m.edited) for m in chat.messages] == [
        (r.ts, label(r.author), "" if r.kind == "deleted" else r.text, kind_of(r), None, False) for r in records
    ]
    assert [m.reactions for m in chat.messages] == [
        tuple(Reaction(label(r.author), r.emoji, r.ts) for r in reactions.get(i, [])) for i in range(len(records))
    ]


def test_a_rendered_archive_is_written_the_way_x_writes_it() -> None:
    day = datetime(2024, 2, 4, 21, 35, 12, 345000)
    text = render_twitter_dm([Rec(day, ME, "it's <late> & dark"), Rec(day, "Jonas Weber", "<photo>", "media")],
                             me=ME)
    assert text.startswith("window.YTD.direct_messages.part0 = [\n  {\n    \"dmConversation\" : {\n")
    [conversation] = json.loads(text[text.index("=") + 1 :])
    chat = conversation["dmConversation"]
    assert chat["conversationId"] == "-".join(sorted([account(ME), account("Jonas Weber")], key=int))
    newest, oldest = (event["messageCreate"] for event in chat["messages"])
    assert oldest["text"] == "it's &lt;late&gt; &amp; dark"
    assert oldest["createdAt"] == "2024-02-04T20:35:12.345Z"  # Berlin is UTC+1 in February
    assert (oldest["recipientId"], newest["recipientId"]) == (account("Jonas Weber"), account(ME))
    assert newest["text"].startswith(" https://t.co/") and newest["mediaUrls"][0].startswith("https://ton.twitter.com/dm/")
    assert newest["urls"][0]["expanded"] == f"https://twitter.com/messages/media/{newest['id']}"
    assert int(oldest["id"]) != int(newest["id"])
