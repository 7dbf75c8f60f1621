"""The instagram_legacy importer reads the ``messages.json`` of Instagram's old data download."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.instagram_legacy import MEDIA_FIELDS, render_instagram_legacy, shown_text
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import INSTANTS_MS, Rec, instant_records, parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, importers, read_paths
from turntoward.ingest.instagram_legacy import InstagramLegacyImporter
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
FOLDER = FIXTURES / "instagram_legacy"
EXPORT = FOLDER / "messages.json"
OLD_EXPORT = FOLDER / "compact" / "messages.json"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
MARA, TOBI = "mara.lindqvist", "tobi_okafor"
CDN = "https://scontent-arn2-1.cdninstagram.com/v/t51.2885-15/"


@pytest.fixture(autouse=True)
def stockholm_time() -> Iterator[None]:
    """Instagram wrote UTC; the importer shows the machine's local time (UTC+2 in summer, UTC+1 in winter)."""
    with local_time("Europe/Stockholm"):
        yield


def parse(path: Path, options: ImportOptions | None = None) -> list[Conversation]:
    return list(InstagramLegacyImporter().parse(Source(str(path), path=path), options or ImportOptions()))


def parse_text(text: str | bytes, options: ImportOptions | None = None) -> list[Conversation]:
    """`text` as a messages.json with no profile.json beside it."""
    return parse_written(text, "messages.json", lambda path: parse(path, options))


def fixture() -> list:
    return json.loads(EXPORT.read_text(encoding="utf-8"))


def edited(change: Callable[[list], object]) -> str:
    """The fixture with `change` applied to its parsed document."""
    document = fixture()
    change(document)
    return json.dumps(document)


def one_entry(**fields: object) -> dict:
    return {"sender": TOBI, "created_at": "2019-10-27T12:00:00.000000+00:00", **fields}


def read_entry(**fields: object) -> tuple[MessageKind, str]:
    """How a single message with `fields` reads."""
    [chat] = parse_text(json.dumps([{"participants": [MARA, TOBI], "conversation": [one_entry(**fields)]}]))
    [message] = chat.messages
    return message.kind, message.text


def at(year: int, month: int, day: int, hour: int, minute: int, second: int = 0, us: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, us)


def test_every_thread_with_messages_is_a_chat_named_by_its_people_or_group_name() -> None:
    chats = [c for _, convs in read_paths([EXPORT]) for c in convs]
    # the thread with Sven has no messages and is left out
    assert [(c.title, c.chat_id, c.group, c.me, c.source_format) for c in chats] == [
        (TOBI, "mara.lindqvist,tobi_okafor", False, MARA, "instagram_legacy"),
        ("Lake weekend ⛺", "elif.demir,jun.sato,mara.lindqvist,tobi_okafor", True, MARA, "instagram_legacy"),
        ("__deleted__qwhtyzkp", "__deleted__qwhtyzkp,mara.lindqvist", False, MARA, "instagram_legacy"),
    ]


def test_a_chat_reads_oldest_first_by_instant_in_local_time_through_the_hour_the_clocks_go_back() -> None:
    [chat, _, _] = parse(EXPORT)
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (0, at(2019, 10, 27, 1, 48, 12, 506117), TOBI, TEXT, "are you still up?"),
        (1, at(2019, 10, 27, 2, 30, 0, 250000), MARA, TEXT, "Yes – can't sleep, the clocks go back tonight"),
        # a reply to a story: the words are a message of their own
        (2, at(2019, 10, 27, 2, 59, 59, 999999), TOBI, TEXT, "that sunset 😍"),
        # 01:10 UTC is 02:10 again, now in winter time: after 02:59, in the order it was sent
        (3, at(2019, 10, 27, 2, 10, 0, 750000), MARA, MEDIA,
         f"<photo> {CDN}e15/72118843_n.jpg?_nc_ht=scontent-arn2-1.cdninstagram.com&ig_cache_key=MjE2OTk%3D.2"),
        (4, at(2019, 10, 27, 2, 12, 30, 125000), TOBI, MEDIA,
         f"<video> {CDN}e15/72130551_n.mp4?_nc_ht=scontent-arn2-1.cdninstagram.com"),
        (5, at(2019, 10, 27, 2, 13, 5), TOBI, MEDIA, "<shared story>"),  # written without a fraction
        (6, at(2019, 10, 27, 10, 2, 41, 4400), MARA, TEXT,
         "Forecast says sun all week https://www.yr.no/en/forecast/daily-table/2-2673730"),
        (7, at(2019, 10, 27, 10, 5, 17, 880311), TOBI, MEDIA,
         "<link> https://open.spotify.com/playlist/37i9dQZF1DX4WYpdgoIcn6"),
        (8, at(2019, 10, 27, 10, 6, 2, 2002), TOBI, MEDIA, "<shared profile> @fika.club.sthlm"),
        (9, at(2019, 10, 27, 10, 20, 48, 613370), MARA, DELETED, ""),  # text null: nothing left of it
        (10, at(2019, 10, 27, 10, 21, 10, 411905), MARA, TEXT, "Ha, I'm in. Kåren at 3? 👍"),
        (11, at(2019, 10, 27, 10, 22, 31, 998123), TOBI, TEXT, "❤️"),  # the heart button
    ]
    assert all(m.reply_to is None and not m.edited for m in chat.messages)
    assert chat.system_events == []


def test_a_group_reads_shared_posts_gifs_voice_messages_and_people_who_left() -> None:
    [_, group, _] = parse(EXPORT)
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in group.messages] == [
        (0, at(2019, 7, 5, 18, 2, 11, 204518), MARA, TEXT, "Who's in for the lake on Saturday?"),
        (1, at(2019, 7, 5, 18, 5, 9, 310447), TOBI, TEXT, "Me! I'll bring the kayak"),
        (2, at(2019, 7, 5, 18, 6, 15, 742113), "rafa.gomez", TEXT, "Can't, working überall this weekend 😭"),
        (3, at(2019, 7, 5, 18, 8, 44, 93850), "jun.sato", MEDIA,
         "<GIF> https://media2.giphy.com/media/l0HlvtIPzPdt2usKs/giphy.gif"),
        # the caption is the shop's, not Elif's words
        (4, at(2019, 7, 5, 18, 12, 27, 665301), "elif.demir", MEDIA,
         f"<shared post> {CDN}e35/66231874_s1080x1080_n.jpg?_nc_ht=scontent-arn2-1.cdninstagram.com"),
        (5, at(2019, 7, 5, 18, 12, 50, 437771), "elif.demir", TEXT, "this place?"),
        (6, at(2019, 7, 6, 9, 16, 2, 774508), TOBI, MEDIA, "<voice message>"),  # "Media unavailable.": no link
        (7, at(2019, 7, 6, 9, 17, 21, 331908), "elif.demir", TEXT, "❤️"),
    ]
    assert group.people == [MARA, TOBI, "rafa.gomez", "jun.sato", "elif.demir"]


def test_group_notices_and_video_chats_are_events_and_the_newest_group_name_is_the_title() -> None:
    [_, group, _] = parse(EXPORT)
    assert [(e.ts, e.author, e.text) for e in group.system_events] == [
        (at(2019, 7, 5, 18, 2, 40, 881002), MARA, "mara.lindqvist named the group Lake weekend"),
        (at(2019, 7, 5, 18, 10, 1), "rafa.gomez", "rafa.gomez left the group"),
        (at(2019, 7, 5, 22, 31, 5, 120093), "jun.sato", "jun.sato started a video chat"),
        (at(2019, 7, 5, 22, 48, 19, 501276), "jun.sato", "Video chat ended"),
        (at(2019, 7, 6, 9, 15, 33, 908814), MARA, "mara.lindqvist named the group Lake weekend ⛺"),
    ]
    assert group.title == "Lake weekend ⛺"


def test_likes_are_heart_reactions_by_username_at_their_time() -> None:
    [chat, group, _] = parse(EXPORT)
    assert [(m.index, m.reactions) for m in chat.messages if m.reactions] == [
        (1, (Reaction(TOBI, "❤️", at(2019, 10, 27, 2, 31, 44)),)),  # 00:31:44 UTC, still summer time
        (10, (Reaction(TOBI, "❤️", at(2019, 10, 27, 10, 22)),)),
    ]
    assert [(m.index, m.reactions) for m in group.messages if m.reactions] == [
        (1, (Reaction(MARA, "❤️", at(2019, 7, 5, 18, 5, 30, 118260)),
             Reaction("jun.sato", "❤️", at(2019, 7, 5, 18, 7, 2, 550914)))),
        (6, (Reaction("elif.demir", "❤️", at(2019, 7, 6, 9, 18, 40, 215532)),)),
    ]


def test_a_sender_gone_since_is_instagram_user_and_a_deleted_account_keeps_its_username() -> None:
    [_, _, gone] = parse(EXPORT)
    assert [(m.author, m.text) for m in gone.messages] == [
        ("__deleted__qwhtyzkp", "hey! are you selling the bike?"),
        (MARA, "Sold already, sorry!"),
        ("Instagram User", "ok no worries"),
    ]
    assert gone.group is False  # the null sender is the one other person, not a third


def test_times_follow_this_computers_zone() -> None:
    with local_time("Asia/Tokyo"):
        [chat, _, _] = parse(EXPORT)
    assert chat.messages[0].ts == at(2019, 10, 27, 8, 48, 12, 506117)
    assert chat.messages[3].ts == at(2019, 10, 27, 10, 10, 0, 750000)


def test_times_without_a_fraction_or_an_offset_are_utc() -> None:
    def plain(document: list) -> None:
        entries = document[0]["conversation"]
        entries[-1]["created_at"] = "2019-10-26T23:48:12"  # the oldest message
        entries[-2]["created_at"] = "2019-10-27T00:30:00.25Z"
        entries[-3]["created_at"] = "2019-10-27T01:59:59.999999+01:00"  # the same instant, written in UTC+1
    [chat, _, _] = parse_text(edited(plain))
    assert [m.ts for m in chat.messages[:3]] == [
        at(2019, 10, 27, 1, 48, 12), at(2019, 10, 27, 2, 30, 0, 250000), at(2019, 10, 27, 2, 59, 59, 999999),
    ]


def test_the_exporting_user_is_named_by_profile_json_else_the_one_participant_of_every_thread(
    tmp_path: Path,
) -> None:
    alone = tmp_path / "messages.json"
    shutil.copy(EXPORT, alone)
    assert {c.me for c in parse(alone)} == {MARA}  # the only username in every thread
    (tmp_path / "profile.json").write_text(json.dumps({"name": "Tobi", "username": TOBI}), encoding="utf-8")
    assert {c.me for c in parse(alone)} == {TOBI}  # profile.json says who downloaded it
    [chat, *_] = parse(alone)
    assert chat.title == MARA  # the other participant, seen from Tobi's side
    (tmp_path / "profile.json").write_text("{not json", encoding="utf-8")
    assert {c.me for c in parse(alone)} == {MARA}  # a broken profile.json is not ours to refuse


def test_where_the_download_cannot_say_who_the_user_is_the_me_option_names_them() -> None:
    [chat, _] = parse(OLD_EXPORT)
    assert (chat.me, chat.title) == ("p.lindgren", "noor.haddad")  # in both threads, the only one
    only_one = json.dumps(json.loads(OLD_EXPORT.read_text(encoding="utf-8"))[:1])
    [alone] = parse_text(only_one)
    assert (alone.me, alone.title) == (None, "noor.haddad, p.lindgren")  # each of the two is in every thread
    assert [c.me for c in parse_text(only_one, ImportOptions(me="noor.haddad"))] == ["noor.haddad"]
    assert {c.me for c in parse(EXPORT, ImportOptions(me="someone"))} == {MARA}  # the download's word wins


def test_the_compact_layout_with_its_keys_sorted_reads_the_same_way() -> None:
    [one, group] = parse(OLD_EXPORT)
    assert [(m.ts, m.author, m.kind, m.text) for m in one.messages] == [
        (at(2018, 5, 20, 13, 4, 5, 100000), "p.lindgren", TEXT, "Welcome back! How was Beirut?"),
        (at(2018, 5, 20, 13, 20, 44, 1), "noor.haddad", TEXT, "Hot, loud, wonderful. Jetlagged now"),
        (at(2018, 5, 20, 13, 21, 30), "noor.haddad", MEDIA, f"<photo> {CDN}e35/32811147_n.jpg"),
    ]
    assert one.messages[1].reactions == (Reaction("p.lindgren", "❤️", at(2018, 5, 20, 13, 21)),)
    assert (group.title, group.group, group.chat_id) == ("ana.m, sami.k", True, "ana.m,p.lindgren,sami.k")


@pytest.mark.parametrize("fields, kind, text", [
    ({"media": "https://x.cdninstagram.com/v/a_n.m4a?oh=1"}, MEDIA, "<voice message> https://x.cdninstagram.com/v/a_n.m4a?oh=1"),
    ({"media_url": "https://x.cdninstagram.com/v/b_n.jpg"}, MEDIA, "<photo> https://x.cdninstagram.com/v/b_n.jpg"),
    ({"media": "Media unavailable."}, MEDIA, "<photo>"),
    ({"media": "https://x.cdninstagram.com/v/c.jpg", "text": "look!"}, MEDIA, "look!"),  # words sent with it
    ({"media_owner": "a.shop", "media_share_caption": "Caption unavailable."}, MEDIA, "<shared post>"),
    ({"media_share_url": "Media share unavailable", "media_owner": "a.shop"}, MEDIA, "<shared post>"),
    ({"profile_share_name": "Fika Club"}, MEDIA, "<shared profile>"),
    ({"location_name": "Kåren", "address": "Kårhuset", "city": "Stockholm", "latitude": 59.3, "longitude": 18.0},
     MEDIA, "<location> Kåren"),
    ({"live_video_invite": "Live video invite"}, MEDIA, "<live video>"),
    ({"live_video_share": "https://www.instagram.com/x/live/"}, MEDIA, "<live video> https://www.instagram.com/x/live/"),
    ({"animated_media_images": {"fixed_height": {}}, "is_random": True, "user": {}}, MEDIA, "<GIF>"),
    ({"story_share": "Shared story", "story_share_type": "mention", "mentioned_username": MARA}, MEDIA,
     "<shared story>"),
    ({"link": "not a link", "text": ""}, MEDIA, "<link>"),
    ({"heart": ""}, TEXT, "❤️"),
    ({"text": ""}, DELETED, ""),
    ({}, DELETED, ""),
    ({"clip_share": {"id": 1}}, MEDIA, "<unsupported message>"),  # a field we do not know: never lost
    ({"clip_share": {"id": 1}, "text": "haha"}, TEXT, "haha"),
])
def test_each_kind_of_entry_reads_as_its_kind(fields: dict, kind: MessageKind, text: str) -> None:
    assert read_entry(**fields) == (kind, text)


def test_notices_are_never_someones_words_and_their_likes_go_with_them() -> None:
    document = [{"participants": [MARA, TOBI], "conversation": [
        one_entry(action="", likes=[{"username": MARA, "date": "2019-10-27T12:01:00+00:00"}]),
        one_entry(video_call_action="tobi_okafor started a video chat", text="hi"),
        one_entry(text="hello"),
    ]}]
    [chat] = parse_text(json.dumps(document))
    assert [(m.text, m.reactions) for m in chat.messages] == [("hello", ())]
    assert [(e.author, e.text) for e in chat.system_events] == [
        (TOBI, "tobi_okafor started a video chat"), (TOBI, "group notice"),
    ]


def test_a_thread_of_notices_alone_is_no_chat() -> None:
    document = [
        {"participants": [MARA, TOBI, "wren.ash"],
         "conversation": [one_entry(action="tobi_okafor named the group Kiln")]},
        {"participants": [MARA, TOBI], "conversation": [one_entry(video_call_action="Video chat ended"),
                                                        one_entry(text="see you at the kiln")]},
    ]
    [chat] = parse_text(json.dumps(document))
    assert ([m.text for m in chat.messages], [e.text for e in chat.system_events]) == (
        ["see you at the kiln"], ["Video chat ended"])


def test_threads_with_the_same_participants_get_distinct_chat_ids() -> None:
    twice = edited(lambda d: d.append(json.loads(json.dumps(d[0]))))
    assert [c.chat_id for c in parse_text(twice)] == [
        "mara.lindqvist,tobi_okafor", "elif.demir,jun.sato,mara.lindqvist,tobi_okafor",
        "__deleted__qwhtyzkp,mara.lindqvist", "mara.lindqvist,tobi_okafor#2",
    ]


def download(tmp_path: Path) -> Path:
    """The whole old download around the fixture: every other file of it, as Instagram named them."""
    folder = tmp_path / "mara.lindqvist_20191102"
    folder.mkdir()
    shutil.copy(EXPORT, folder / "messages.json")
    shutil.copy(FOLDER / "profile.json", folder / "profile.json")
    others = {
        "media.json": {"photos": [{"caption": "lake", "taken_at": "2019-07-06T10:00:00",
                                   "path": "photos/201907/a.jpg"}],
                       "stories": [], "direct": [{"taken_at": "2019-10-27T01:10:00", "path": "direct/201910/b.jpg"}]},
        "comments.json": {"media_comments": [["2019-07-06T10:05:00", "so nice!", "tobi_okafor"]]},
        "connections.json": {"followers": {"tobi_okafor": "2015-02-01T10:00:00"}, "following": {}},
        "likes.json": {"media_likes": [["2019-07-06T10:05:00", "tobi_okafor"]], "comment_likes": []},
        "searches.json": [{"search_click": "fika.club.sthlm", "time": "2019-10-27T09:00:00"}],
        "settings.json": {"allow_comments_from": "Everyone", "filtered_keywords": []},
        "account_history.json": {"login_history": [{"cookie_name": "x", "ip_address": "192.0.2.1",
                                                    "timestamp": "2019-10-27T09:00:00", "user_agent": "Instagram"}]},
        "stories_activities.json": {"polls": [], "emoji_sliders": [], "questions": []},
        "devices.json": {"devices": [{"device_id": "android-1", "last_login": "2019-10-27T09:00:00"}]},
    }
    for name, content in others.items():
        (folder / name).write_text(json.dumps(content), encoding="utf-8")
    (folder / "photos" / "201907").mkdir(parents=True)
    (folder / "photos" / "201907" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    return folder


def test_a_download_folder_or_its_zip_reads_only_messages_json_and_skips_the_rest_silently(tmp_path: Path) -> None:
    folder = download(tmp_path)
    skipped: list[str] = []
    titles = (TOBI, "Lake weekend ⛺", "__deleted__qwhtyzkp")
    found = [(s.filename, c.title, c.me)
             for s, convs in read_paths([folder], on_skip=lambda s, e: skipped.append(s.name)) for c in convs]
    assert found == [("messages.json", title, MARA) for title in titles]
    assert skipped == []
    archive = tmp_path / "mara.lindqvist_20191102.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    found = [(s.name, c.title, c.me)
             for s, convs in read_paths([archive], on_skip=lambda s, e: skipped.append(s.name)) for c in convs]
    assert found == [(f"{archive}!messages.json", title, MARA) for title in titles]
    assert skipped == []


def test_detection_picks_this_format_for_its_files_and_nothing_else() -> None:
    for path in (EXPORT, OLD_EXPORT):
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "instagram_legacy", path
    profile = FOLDER / "profile.json"
    assert detect(Source(str(profile), path=profile)) is None
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and "instagram_legacy" not in p.parts]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert InstagramLegacyImporter().sniff(source, source.head()) == 0.0, path
    # nor does Meta's newer download, or a list of its threads merged by a viewer, look like this one
    newer = json.dumps([{"participants": [{"name": "Mara"}], "messages": [{"sender_name": "Mara", "timestamp_ms": 1}]}])
    assert InstagramLegacyImporter().sniff(Source("messages.json"), newer.encode()) == 0.0
    for name, importer in importers().items():
        if name != "instagram_legacy":
            assert importer.sniff(Source(str(EXPORT), path=EXPORT), EXPORT.read_bytes()[:65536]) == 0.0, name


@pytest.mark.parametrize("change, path, expected", [
    (lambda d: d[0]["conversation"][0].update(sender=7), "[0].conversation[0].sender", "a string or null"),
    (lambda d: d[0]["conversation"][1].pop("created_at"), "[0].conversation[1].created_at", "an ISO date-time"),
    (lambda d: d[0]["conversation"][1].update(created_at="data: 2019-10-27T09:21:10"),
     "[0].conversation[1].created_at", "an ISO date-time"),
    (lambda d: d[0]["conversation"][1].update(created_at="9999-12-31T23:59:59-23:00"),
     "[0].conversation[1].created_at", "an ISO date-time"),
    (lambda d: d[1].update(conversation={"sender": "x"}), "[1].conversation", "a list"),
    (lambda d: d[1].pop("conversation"), "[1].conversation", "a list"),
    (lambda d: d[1].update(participants=["a", 3]), "[1].participants[1]", "a username"),
    (lambda d: d[1].update(participants="a,b"), "[1].participants", "a list"),
    (lambda d: d.append("thread"), "[4]", "a JSON object"),
    (lambda d: d[0]["conversation"][2].update(text=["hi"]), "[0].conversation[2].text", "a string or null"),
    (lambda d: d[0]["conversation"][1].update(likes={"username": "x"}), "[0].conversation[1].likes", "a list"),
    (lambda d: d[0]["conversation"][1]["likes"][0].pop("username"),
     "[0].conversation[1].likes[0].username", "a username"),
    (lambda d: d[0]["conversation"][1]["likes"][0].update(date=1571995320),
     "[0].conversation[1].likes[0].date", "an ISO date-time"),
    (lambda d: d[0]["conversation"][8].update(media=["https://x"]), "[0].conversation[8].media", "a string or null"),
    (lambda d: d[1]["conversation"][8].update(animated_media_images="gif"),
     "[1].conversation[8].animated_media_images", "a JSON object"),
    (lambda d: d[1]["conversation"][3].update(video_call_action=1), "[1].conversation[3].video_call_action",
     "a string or null"),
])
def test_a_malformed_field_names_its_json_path(change: Callable[[list], object], path: str, expected: str) -> None:
    with pytest.raises(ImportFormatError, match=rf"at {re.escape(path)}: expected {expected}") as caught:
        parse_text(edited(change))
    assert caught.value.json_path == path


def test_broken_files_are_format_errors_naming_the_file_and_line() -> None:
    text = EXPORT.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"messages\.json:1: expected a JSON document") as caught:
        parse_text(text[: len(text) // 2])  # cut off; Instagram wrote it on one line
    assert caught.value.line == 1
    pretty = json.dumps(fixture(), indent=1)
    with pytest.raises(ImportFormatError, match="expected a JSON document") as caught:
        parse_text(pretty[: len(pretty) // 2])
    assert caught.value.line is not None and caught.value.line > 50
    with pytest.raises(ImportFormatError, match=r"messages\.json:1: expected a UTF-8 .*byte e5"):
        parse_text(b'[{"participants": ["k\xe5ren"], "conversation": []}]')
    with pytest.raises(ImportFormatError, match="expected a JSON document"):
        parse_text('[{"participants": [], "conversation": [], "n": ' + "9" * 5000 + "}]")
    with pytest.raises(ImportFormatError, match="expected a JSON document"):
        parse_text("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize("text", [
    '{"participants": [], "conversation": []}',
    '{"userId": "8:live:x", "conversations": []}',
    '[{"participants": [{"name": "Mara"}], "messages": []}]',
    '["a", "b"]',
    "42",
])
def test_json_that_is_not_this_format_is_refused_as_such(text: str) -> None:
    with pytest.raises(UnknownFormatError, match=r"Instagram's old messages\.json"):
        parse_text(text)


def test_an_empty_list_holds_no_chats() -> None:
    assert parse_text("[]") == []


entry_fields = st.sampled_from([
    "sender", "created_at", "text", "likes", "media", "media_url", "media_share_url", "media_owner", "story_share",
    "link", "heart", "action", "video_call_action", "animated_media_images", "voice_media", "profile_share_username",
    "location_name", "live_video_invite",
])
plausible = st.sampled_from([
    "2019-10-27T00:30:00.250000+00:00", "2019-10-27", MARA, "Media unavailable.", "https://x.cdninstagram.com/a.mp4",
    "x named the group y", "", "❤️",
]) | st.fixed_dictionaries({"original": json_values}) | st.lists(
    st.fixed_dictionaries({"username": json_values | st.just(TOBI), "date": json_values}), max_size=2)


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    json_values,
    st.lists(st.fixed_dictionaries({
        "participants": json_values | st.lists(st.sampled_from([MARA, TOBI, "x"]), max_size=3),
        "conversation": json_values | st.lists(st.dictionaries(entry_fields, json_values | plausible), max_size=5),
    }), max_size=3),
))
def test_any_json_document_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=200, deadline=None)
@given(damaged(fixture()))
def test_an_export_with_any_one_field_broken_either_parses_or_raises_a_format_error(document: object) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(json.dumps(document))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: f'[{{"conversation": [{t}'.encode()))
def test_any_bytes_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(data)


AUTHORS = [MARA, TOBI, "elif.demir", "jun.sato"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([AUTHORS[:2], AUTHORS]).flatmap(lambda people: st.tuples(
    st.just(people), instant_records(people, sorted(MEDIA_FIELDS)))), st.booleans(), st.data())
def test_a_rendered_chat_parses_back_to_the_same_messages(
    drawn: tuple[list[str], list[Rec]], compact: bool, data: st.DataObject
) -> None:
    people, records = drawn
    when = INSTANTS_MS.map(lambda ms: datetime.fromtimestamp(ms / 1000))
    like = st.builds(Reaction, st.sampled_from(people), st.just("❤️"), when)
    likes = data.draw(st.dictionaries(st.integers(0, len(records) - 1), st.lists(like, max_size=3)))
    export = render_instagram_legacy(records, participants=people, compact=compact, likes=likes)
    kept = [(i, r) for i, r in enumerate(records) if r.kind != "deleted"]
    chats = parse_text(export)
    if not kept:
        assert chats == []
        return
    [chat] = chats
    assert (chat.group, chat.title) == (len(people) > 2, ", ".join(p for p in people if p != chat.me))
    assert [(m.ts, m.author, m.kind, m.text, m.reply_to, m.edited) for m in chat.messages] == [
        (r.ts, r.author, r.kind, shown_text(r), None, False) for _, r in kept
    ]
    assert [m.reactions for m in chat.messages] == [tuple(likes.get(i, ())) for i, _ in kept]
