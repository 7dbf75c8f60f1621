"""The GroupMe importer reads a group's folder of the data export, and the API's saved message lists."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tests.exporters.groupme import render_groupme, user_id
from tests.ingest._json_fuzz import damaged, json_values
from tests.ingest._records import Rec, instant_records
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.groupme import GroupMeImporter
from turntoward.model import Conversation, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures" / "groupme"
EXPORT = FIXTURES / "export"
GROUP = EXPORT / "71204388"
MESSAGES = GROUP / "message.json"
API = FIXTURES / "api" / "messages.json"


@pytest.fixture(autouse=True)
def chicago_time() -> Iterator[None]:
    """GroupMe writes seconds since 1970; the importer shows the machine's local time (UTC-6 in March)."""
    with local_time("America/Chicago"):
        yield


def parse(path: Path, options: ImportOptions | None = None, *, named: bool = True) -> list[Conversation]:
    return list(GroupMeImporter().parse(Source(str(path), path=path, named=named), options or ImportOptions()))


def imported(*paths: Path | str, options: ImportOptions | None = None) -> list[Conversation]:
    return [c for _, convs in read_paths(list(paths), options) for c in convs]


def copy_group(tmp_path: Path) -> Path:
    folder = tmp_path / "71204388"
    shutil.copytree(GROUP, folder)
    return folder


def test_a_group_reads_oldest_first_in_local_time_with_one_name_per_person() -> None:
    [chat] = parse(MESSAGES)
    assert (chat.title, chat.chat_id, chat.group, chat.source_format) == (
        "Thursday Bouldering", "71204388", True, "groupme")
    assert chat.me == "June Park"  # the one sender of likes/for_me.json
    rows = [(m.ts, m.author, str(m.kind), m.text) for m in chat.messages]
    assert rows == [
        (datetime(2024, 3, 7, 10, 2), "Maya Brooks", "text", "welcome to the bouldering crew!! who's coming thursday?"),
        # Teo's latest message names him in full; June goes by her nickname in conversation.json, not "June P."
        (datetime(2024, 3, 7, 10, 2, 30), "Teo Alvarez", "text", "me! can someone lend me chalk"),
        (datetime(2024, 3, 7, 10, 2, 30), "June Park", "text", "I have a spare bag"),  # GroupMe's emoji taken out
        (datetime(2024, 3, 7, 10, 6, 40), "June Park", "media", "<photo>"),
        (datetime(2024, 3, 7, 10, 7, 40), "Teo Alvarez", "text", "omg the new wall looks sick"),
        (datetime(2024, 3, 7, 10, 8, 20), "Maya Brooks", "text", "@Teo Alvarez bring your shoes this time lol"),
        (datetime(2024, 3, 7, 10, 8, 40), "Teo Alvarez", "media", "<sticker>"),  # nothing but GroupMe's emoji
        # GroupMe removed it and wrote "GroupMe" as its sender's name: neither is theirs
        (datetime(2024, 3, 8, 10, 0), "user 63370211", "deleted", ""),
        (datetime(2024, 3, 8, 11, 0), "June Park", "text", "running 10 min late, save me a spot"),
        (datetime(2024, 3, 8, 11, 6, 40), "Teo Alvarez", "media", "Ascend Pittsburgh"),  # a place, by its name
        (datetime(2024, 3, 8, 11, 7, 40), "Maya Brooks", "text", "see you all there ❤️"),
    ]
    assert [m.index for m in chat.messages] == list(range(11))
    assert chat.messages[4].reply_to == 3
    assert [m.edited for m in chat.messages].index(True) == 8


def test_notices_keep_groupme_words_by_the_person_they_name_and_bots_are_not_people() -> None:
    [chat] = parse(MESSAGES)
    assert [(e.ts.strftime("%d %H:%M"), e.author, e.text) for e in chat.system_events] == [
        ("07 10:00", "Maya Brooks", "Maya Brooks has joined the group"),
        ("07 10:01", "Maya Brooks", "Maya Brooks added Teo Alvarez and June Park to the group."),
        ("08 10:01", None, "A message was deleted."),
        ("08 11:00", None, "June Park edited to: running 10 min late, save me a spot"),
        ("08 11:01", None, "'Thursday climb' is starting now"),  # GroupMe Calendar
        ("08 11:03", "ClimbBot", "Reminder: waivers are due Friday"),
        ("09 17:33", "Teo Alvarez", "Teo Alvarez has left the group."),
    ]
    assert "ClimbBot" not in chat.people and "GroupMe" not in chat.people


def test_likes_are_hearts_and_reactions_are_read_instead_where_a_message_has_them() -> None:
    [chat] = parse(MESSAGES)
    by_text = {m.text: m.reactions for m in chat.messages}
    assert by_text["welcome to the bouldering crew!! who's coming thursday?"] == (
        Reaction("Teo Alvarez", "❤️"), Reaction("June Park", "❤️"))
    assert by_text["<photo>"] == (Reaction("Maya Brooks", "❤️"), Reaction("Teo Alvarez", "❤️"))
    # favorited_by lists everyone who reacted: beside "reactions" it is not read again
    assert by_text["running 10 min late, save me a spot"] == (
        Reaction("Maya Brooks", "👍"), Reaction("Teo Alvarez", "(emoji)"))


def test_the_folder_and_the_zip_give_the_group_once_and_the_likes_are_not_read_as_messages(tmp_path: Path) -> None:
    [from_file] = parse(MESSAGES)
    [from_folder] = imported(EXPORT)
    archive = tmp_path / "groupme-export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(EXPORT.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(EXPORT).as_posix())
    [from_zip] = imported(archive)
    for chat in (from_folder, from_zip):
        assert (chat.title, chat.me, chat.messages, chat.system_events) == (
            from_file.title, from_file.me, from_file.messages, from_file.system_events)
    assert from_zip.source == f"{archive}!71204388/message.json"


def test_a_likes_file_named_by_itself_says_to_give_the_messages(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match=r"message\.json or the group's folder \(likes/mine\.json"):
        imported(GROUP / "likes" / "mine.json")


def test_without_likes_for_me_the_me_option_names_the_user(tmp_path: Path) -> None:
    folder = copy_group(tmp_path)
    (folder / "likes" / "for_me.json").unlink()
    assert parse(folder / "message.json")[0].me is None
    assert parse(folder / "message.json", ImportOptions(me="Maya Brooks"))[0].me == "Maya Brooks"
    (folder / "conversation.json").write_text("{not json", encoding="utf-8")  # passed over: the messages read
    [chat] = parse(folder / "message.json")
    assert chat.title == "GroupMe 71204388" and "June Park" in chat.people and "Teo Alvarez" in chat.people


def test_an_api_list_reads_alike_wrapped_in_pages_or_flat_and_a_message_in_two_pages_once(tmp_path: Path) -> None:
    [chat] = parse(API)
    assert (chat.title, chat.group, chat.is_group, chat.me) == ("GroupMe 22360140", None, True, None)
    assert [(m.ts.strftime("%H:%M:%S"), m.author, m.text, len(m.reactions)) for m in chat.messages] == [
        ("14:58:09", "Ana", "anyone want to split a pizza tonight?", 1),
        ("14:59:44", "Ben", "yes!! pepperoni pls", 0),
        ("14:59:49", "Cal", "I'm in", 1),
        ("16:04:49", "Ana", "ordered, 7:30 at mine", 2),
    ]
    messages = json.loads(API.read_text(encoding="utf-8"))["response"]["messages"]
    pages = tmp_path / "pages.json"
    pages.write_text(json.dumps([messages[:3], messages[2:]]), encoding="utf-8")  # the third in both pages
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps(messages[:3] + messages[2:]), encoding="utf-8")
    for other in (pages, flat):
        [again] = parse(other)
        assert again.messages == chat.messages


def test_two_people_of_one_name_are_told_apart_and_a_direct_message_is_titled_by_the_other(tmp_path: Path) -> None:
    def message(n: int, sender: str, name: str, text: str, **more: object) -> dict:
        return {"id": f"1700000000000{n:05d}", "created_at": 1700000000 + 60 * n, "sender_id": sender,
                "user_id": sender, "sender_type": "user", "name": name, "text": text, "attachments": [],
                "favorited_by": [], "source_guid": f"g{n}", "system": False, **more}

    group = [message(1, "11", "Sam", "who has the van keys?", group_id="5"),
             message(2, "22", "Sam", "not me", group_id="5")]
    path = tmp_path / "message.json"
    path.write_text(json.dumps(group[::-1]), encoding="utf-8")
    assert (parse(path)[0].people, parse(path)[0].group) == (["Sam (11)", "Sam (22)"], None)
    direct = [message(1, "11", "Sam", "you up?", conversation_id="11+22", recipient_id="22"),
              message(2, "22", "Robin", "yes, what's up", conversation_id="11+22", recipient_id="11")]
    path.write_text(json.dumps({"response": {"direct_messages": [], "messages": direct[::-1]}}), encoding="utf-8")
    [chat] = parse(path, ImportOptions(me="Sam"))
    assert (chat.group, chat.title, chat.me, chat.chat_id) == (False, "Robin", "Sam", "11+22")


def test_detection_picks_this_importer_for_groupme_files_and_for_nothing_else_of_the_export() -> None:
    def detected(path: Path, named: bool = False) -> str | None:
        importer = detect(Source(str(path), path=path, named=named))
        return importer.name if importer else None

    assert detected(MESSAGES) == "groupme" and detected(API) == "groupme"
    for other in ("conversation.json", "poll.json", "likes/mine.json", "likes/for_me.json", "gallery/manifest.json"):
        assert detected(GROUP / other) != "groupme", other
    assert detected(GROUP / "likes" / "mine.json", named=True) == "groupme"  # to say what to give instead
    chats = Path(__file__).parent.parent / "fixtures"
    for path in (chats / "twitter_dm").rglob("*.js"):
        assert detected(path) != "groupme"


def test_a_group_nobody_wrote_in_yet_is_no_chat_and_no_error(tmp_path: Path) -> None:
    folder = tmp_path / "40001"
    folder.mkdir()
    shutil.copy(GROUP / "conversation.json", folder / "conversation.json")
    (folder / "message.json").write_text("[]", encoding="utf-8")
    assert imported(tmp_path / "40001") == []


@pytest.mark.parametrize(("change", "where", "expected"), [
    (lambda m: m.pop("created_at"), "[1].created_at", "a time in seconds since 1970"),
    (lambda m: m.update(created_at="yesterday"), "[1].created_at", "a time in seconds since 1970"),
    (lambda m: m.update(sender_id=None), "[1].sender_id", "an id"),
    (lambda m: m.update(text=42), "[1].text", "a string or null"),
    (lambda m: m.update(attachments={"type": "image"}), "[1].attachments", "a list"),
])
def test_a_malformed_field_names_its_json_path(tmp_path: Path, change, where: str, expected: str) -> None:
    messages = json.loads(MESSAGES.read_text(encoding="utf-8"))
    change(messages[1])  # Maya's "see you all there", the newest message
    path = tmp_path / "message.json"
    path.write_text(json.dumps(messages), encoding="utf-8")
    with pytest.raises(ImportFormatError) as error:
        parse(path)
    assert error.value.json_path == where and expected in error.value.expected


def test_a_cut_off_file_names_its_line_and_foreign_json_is_not_this_format(tmp_path: Path) -> None:
    path = tmp_path / "message.json"
    path.write_text(API.read_text(encoding="utf-8")[:700], encoding="utf-8")
    with pytest.raises(ImportFormatError) as error:
        imported(path)
    assert error.value.line is not None and error.value.line > 10
    path.write_text(json.dumps({"response": {"count": 3}}), encoding="utf-8")
    with pytest.raises(UnknownFormatError):
        parse(path)


@settings(max_examples=150, deadline=None)
@given(st.one_of(json_values, st.lists(st.dictionaries(st.sampled_from(
    ["id", "created_at", "sender_id", "sender_type", "name", "text", "attachments", "favorited_by", "reactions",
     "event", "deleted_at", "group_id", "system", "source_guid"]), json_values), max_size=4)))
def test_any_json_document_either_parses_or_raises_a_format_error(value: object) -> None:
    with contextlib.suppress(ImportFormatError), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "message.json"
        path.write_text(json.dumps(value), encoding="utf-8")
        parse(path)


@settings(max_examples=200, deadline=None)
@given(damaged(json.loads(MESSAGES.read_text(encoding="utf-8"))))
def test_an_export_with_any_one_field_broken_either_parses_or_raises_a_format_error(value: object) -> None:
    with contextlib.suppress(ImportFormatError), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "message.json"
        path.write_text(json.dumps(value), encoding="utf-8")
        parse(path)


ME = "Noa Kessler"
AUTHORS = [ME, "Jonas Weber", "Mirela Popescu", "sam"]


@settings(max_examples=60, deadline=None)
@given(instant_records(AUTHORS, ["<photo>", "<video>", "<file>"]), st.data(), st.sampled_from(["reactions", "likes"]))
def test_a_rendered_group_parses_back_to_the_same_messages(records: list[Rec], data: st.DataObject,
                                                          style: str) -> None:
    assume(all(r.text.strip() for r in records))  # GroupMe sends no message of blank words
    for r in records:
        r.ts = r.ts.replace(microsecond=0)  # GroupMe keeps whole seconds
    records.sort(key=lambda r: r.ts)
    reaction = st.builds(Reaction, st.sampled_from(AUTHORS), st.sampled_from(["❤️", "👍", "😂"]))
    reactions = data.draw(st.dictionaries(st.integers(0, len(records) - 1), st.lists(reaction, max_size=3)))
    files = render_groupme(records, title="Saturday crew & co 🧗", me=ME, reactions=reactions, style=style)
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_text(text, encoding="utf-8")
        [chat] = parse(Path(folder) / "message.json")
    liked_me = any(records[i].author == ME and marks for i, marks in reactions.items())
    members = {r.author for r in records} | {r.author for marks in reactions.values() for r in marks}
    assert (chat.title, chat.me, chat.group) == ("Saturday crew & co 🧗", ME if liked_me else None, len(members) > 2)
    assert [(m.ts, m.author, m.text, str(m.kind), m.reply_to, m.edited) for m in chat.messages] == [
        (r.ts, r.author, "" if r.kind == "deleted" else r.text, r.kind, r.reply_to, r.edited) for r in records]
    for i, message in enumerate(chat.messages):
        marks = reactions.get(i, [])
        if style == "likes":
            expected = [Reaction(a, "❤️") for a in dict.fromkeys(r.author for r in marks)]
        else:
            expected = [Reaction(r.author, r.emoji) for r in marks]
        assert sorted(message.reactions, key=repr) == sorted(expected, key=repr)


def test_a_rendered_group_is_written_the_way_groupme_writes_it() -> None:
    day = datetime(2024, 3, 7, 10, 2, 30)
    files = render_groupme([Rec(day, ME, "first!"), Rec(day, "sam", "<photo>", "media", reply_to=0)],
                           title="Crew", me=ME, reactions={0: [Reaction("sam", "❤️")]})
    newest, oldest = json.loads(files["message.json"])
    assert oldest["created_at"] == 1709827350  # 16:02:30 UTC: Chicago is UTC-6 in early March
    assert (oldest["sender_id"], oldest["favorited_by"]) == (user_id(ME), [user_id("sam")])
    assert newest["text"] is None and [a["type"] for a in newest["attachments"]] == ["image", "reply"]
    assert int(newest["id"]) > int(oldest["id"]) and len(oldest["id"]) == 18
    assert json.loads(files["likes/for_me.json"])["response"]["messages"][0]["id"] == oldest["id"]
