"""Slack workspace exports (Workspace settings → Import/Export Data → Export), as JSON.

The export is a zip (or its unpacked folder) laid out as::

    users.json              every member: {"id": "U0123", "name": "ana", "real_name": "Ana Lima",
                            "is_bot": false, "deleted": false,
                            "profile": {"display_name": "ana.l", "real_name": "Ana Lima", ...}}
                            (``org_users.json`` in an Enterprise Grid org's export)
    channels.json           public channels: [{"id": "C0123", "name": "general", "created",
                            "creator", "members": [...], "topic": {...}, "purpose": {...}}]
    groups.json             private channels, the same shape   } only in exports of "all channels
    mpims.json              group DMs, named "mpdm-ana--ben--cleo-1" } and conversations" (and in
    dms.json                DMs: [{"id": "D0123", "members": [U1, U2]}] } slackdump's exports)
    integration_logs.json, canvases.json, content_flags.json     (not read)
    general/2024-03-12.json one folder per channel (by name), private channel and group DM (by
    D0123ABCD/2024-03-12.json  name), and DM (by its id), holding one JSON list of messages a day

A message is ``{"type": "message", "subtype"?, "user": "U0123", "text": "hi <@U0456>", "ts":
"1710277445.123456", "user_profile"?: {"display_name", "real_name", "name", ...}, "thread_ts"?,
"parent_user_id"?, "reply_count"?, "reactions"?: [{"name": "+1", "users": [...], "count": 1}],
"files"?: [...], "attachments"?: [...], "edited"?: {"user", "ts"}, "blocks"?: [...] | null, ...}``.
Where this comes from: Slack's help article "How to read Slack data exports" (which files an
export holds), the export in slack-export-viewer's tests (tests/testarchive.zip: a 2016 export,
``created`` written as a string, mentions and joins), the export slackdump's tests hold
(internal/fixtures/assets/source_export.zip: 2025, threads, a tombstone, files, an app's message,
``"blocks": null``), a day file in slack-export-browser's sample data (escaped slashes, links with
``&amp;``), and how slack-export-viewer (reader.py, message.py, formatter.py, user.py) and slackdump
(source/export.go: a DM's folder is its id, any other conversation's its name) read and write it.

**What one conversation is.** One folder is one `Conversation`: every day file in it, in date
order (their names sort so), its entries then ordered by ``ts`` (a stable sort), since a thread
reply sits in the file of the day it was written. The importer is given the export's folder or
zip (or a channel's folder): each file in it is offered by itself, so a channel's *first* day file
reads all of them and its later day files give nothing, as the first ``message_1.json`` of a
Messenger chat reads the pages after it. A first day file named by itself reads its whole folder
too; a later one named by itself is refused with `LaterPageError`, which says which file (or the
folder) to give instead: read alone it would be a chat without its beginning. A list of Slack
messages under another file name is read as a conversation by itself. A day file is claimed
whatever it holds (empty, broken, saved as UTF-16) where the export's lists are above its folder,
or where it is its folder's first and a later day there is Slack's: were it passed over, its
later days would give nothing and the channel would be lost without a word. ``users.json`` and the
other lists, named by themselves, are refused with a message saying to give the folder or zip;
found in the folder they give nothing by themselves (the channels read them).

**The conversation.** Its entry in ``channels.json``, ``groups.json``, ``mpims.json`` (by name) or
``dms.json`` (by id), in the folder above the channel's, gives ``chat_id`` (the id, ``C…``,
``G…``, ``D…``), whether it is a group (channels and group DMs are; a DM is not) and the title:
``#name`` for a channel, the members' names for a DM or group DM (without the ``me`` option's
name). Without such an entry a folder named like a DM's id (``D…``) is a DM titled by its
writers, ``mpdm-…`` a group DM, anything else a channel. The export does not say who exported
it: `Conversation.me` is the ``me`` option, which may name the user by the name they are shown
under, their user name, real name or id (``ana.lima``, ``Ana Lima``, ``U0123``): it becomes the
name they are shown under, so that it is the name their messages carry.

**Names.** A user id is named by ``users.json`` (or ``org_users.json``): the display name, else
the real name, else the user name; else by the ``user_profile`` a message of theirs carries (a
guest from another workspace), the same order; else the id itself (``USLACKBOT`` is
"Slackbot"). Two people who go by one name are told apart by their ids (``Alex (U0123)``,
``Alex (U0456)``), in every channel of the export. ``<@U0456>`` mentions become ``@Name`` the
same way, ``<#C0123|general>`` becomes ``#general``, ``<!here>`` ``@here`` (a ``<!…|label>`` its label), a link ``<https://x.org|this>``
``this (https://x.org)`` (the address alone when it has no label of its own, or its label is the
address without its scheme, as Slack writes ``<mailto:a@b.org|a@b.org>``), and ``&amp;``,
``&lt;``, ``&gt;`` (the only escapes Slack writes) are decoded. Emoji short codes (``:tada:``, in
text and reactions, with ``::skin-tone-3`` where given) become the emoji for the most common
standard ones (`EMOJI`); any other, custom emoji included, stays ``:name:``.

**Messages and notices**, by ``subtype``:

- none, ``thread_broadcast`` (a reply also sent to the channel), ``reply_broadcast`` (its older
  name), ``me_message`` (``/me``), ``file_share``, ``file_comment``, ``file_mention``: a message
  of ``user``. One with ``files`` (or an older export's single ``file``, or subtype
  ``file_share``) is MEDIA, its words kept, else ``<photo>``, ``<video>``, ``<audio>`` or ``<file>``
  by the first file's ``mimetype``; one with no words but ``attachments`` (a shared message, an
  unfurl) is MEDIA ``<attachment>``; one with nothing at all is MEDIA ``<unsupported message>``.
  ``edited`` marks it `Message.edited`. A reply (``thread_ts`` other than its ``ts``) gets
  `reply_to`, the index of the thread's first message, where that is an earlier message of this
  export (``thread_ts`` is compared as an instant: ``…445.1`` is ``…445.100000``). An entry with
  the ``ts`` and ``user`` of an earlier one (a ``ts`` is unique in a channel) is a copy of that
  message, written twice: it is not read again.
- ``tombstone``: a thread's first message, deleted while its replies stay ("This message was
  deleted.", written by ``USLACKBOT``): DELETED, its words kept, by ``parent_user_id`` (who wrote
  it) where given, else ``user`` (in a reply, ``parent_user_id`` is the thread's writer: not
  read). Other deleted messages are simply not in an export.
- ``bot_message``, and any message of a bot (a ``bot_id`` and no ``user``, or a ``user`` that
  ``users.json`` marks ``is_bot``, or Slackbot): a `SystemEvent` by the bot's ``username``, else
  ``bot_profile.name``, else its user's name: apps' posts are not anyone's words to the others.
  A person's message sent through an app (``/giphy``: a ``bot_id`` and a person's ``user``) is
  that person's message.
- everything else (``channel_join``, ``channel_leave``, ``channel_topic``, ``channel_purpose``,
  ``channel_name``, ``channel_archive``, ``group_*``, ``pinned_item``, ``huddle_thread``,
  ``bot_add``, any subtype not listed here, or an entry whose ``type`` is not ``message``): a
  `SystemEvent` by its ``user`` (where it has one), with its text rendered as above, or the
  subtype's words ("channel archive") where it has none.

Reactions (``[{"name": "+1", "users": ["U0456"], "count": 1}]``) become one `Reaction` per listed
user, without a time (none is exported); Slack lists at most some of the reactors on busy
messages (``count`` is larger): only listed ones are known. Reactions on notices are dropped.

**Times.** ``ts`` is seconds since 1970 (UTC) with six decimals, a string: it becomes this
computer's local wall-clock time, the whole seconds through `datetime.fromtimestamp` as the
Messenger importer does, the microseconds added exactly.

**Errors.** A day file that is not a JSON list of objects, an entry without a readable ``ts``, a
person's message without ``user`` (or with ``""``), or a field of the wrong type (``text``, ``reactions``,
``files``, ``edited``, ...) is an `ImportFormatError` naming the file and the JSON path
(``[3].ts``); so is a ``users.json`` or ``channels.json`` of the wrong shape. ``null`` is read as
absent wherever a list or object is optional (slackdump writes ``"blocks": null``).

Not read: ``blocks`` (``text`` carries the same words: Slack writes it as the fallback of every
message), formatting marks (``*bold*``, ``_italic_``), huddle transcripts, canvases, pins.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import LaterPageError, Source, archive_index, names_beside
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

DAY_NAME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\.json")
USER_LISTS = ("users.json", "org_users.json")
CONVERSATION_LISTS = {"channels.json": "channel", "groups.json": "private", "mpims.json": "mpim", "dms.json": "dm"}
METADATA_FILES = frozenset({*USER_LISTS, *CONVERSATION_LISTS, "integration_logs.json", "canvases.json",
                            "content_flags.json"})
MESSAGE_SUBTYPES = frozenset({"thread_broadcast", "reply_broadcast", "me_message", "file_share", "file_comment",
                              "file_mention"})
SLACKBOT = "USLACKBOT"
SLACKBOT_NAME = "Slackbot"
ATTACHMENT = "<attachment>"
UNSUPPORTED = "<unsupported message>"
FILE_PLACEHOLDERS = {"image": "<photo>", "video": "<video>", "audio": "<audio>"}
FILE = "<file>"
DM_FOLDER = re.compile(r"D[A-Z0-9]{6,}")
CHAT_ID = re.compile(r"[CDG][A-Z0-9]{6,}")
TS = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,6}))?")
TS_EXPECTED = "a Slack timestamp: seconds since 1970 as a string, such as '1710277445.123456'"

_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
_MESSAGE_MARK = re.compile(rb'"type"\s*:\s*"message"')
_TS_MARK = re.compile(rb'"ts"\s*:\s*"[0-9]')
_TOKEN = re.compile(r"<([^<>]*)>")
_ESCAPE = re.compile(r"&(amp|lt|gt);")
_ESCAPES = {"amp": "&", "lt": "<", "gt": ">"}
_SHORTCODE = re.compile(r":([a-z0-9_+'\-]+):(?::skin-tone-([2-6]):)?")
# How exports before 2019 wrote a file upload's text: "<@U0123|ana> uploaded a file: <https://…|title>",
# with " and commented: words" when the uploader wrote some.
_UPLOADED = re.compile(r"<@[^<>]*> uploaded a file: <[^<>]*>(?: and commented: (.*))?", re.DOTALL)
_SCHEME = re.compile(r"(?:https?://|mailto:|tel:)", re.IGNORECASE)

SKIN_TONES = {"2": "\U0001f3fb", "3": "\U0001f3fc", "4": "\U0001f3fd", "5": "\U0001f3fe", "6": "\U0001f3ff"}
# The standard emoji people use most, by the short names Slack gives them (with its aliases).
EMOJI: dict[str, str] = {
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎", "heart": "❤️", "joy": "😂",
    "laughing": "😆", "satisfied": "😆", "smile": "😄", "smiley": "😃", "grinning": "😀", "grin": "😁",
    "slightly_smiling_face": "🙂", "simple_smile": "🙂", "upside_down_face": "🙃", "wink": "😉",
    "blush": "😊", "innocent": "😇", "heart_eyes": "😍", "smiling_face_with_3_hearts": "🥰",
    "star-struck": "🤩", "kissing_heart": "😘", "kissing": "😗", "relaxed": "☺️", "yum": "😋",
    "stuck_out_tongue": "😛", "stuck_out_tongue_winking_eye": "😜", "zany_face": "🤪",
    "money_mouth_face": "🤑", "hugging_face": "🤗", "hugs": "🤗", "thinking_face": "🤔", "thinking": "🤔",
    "shushing_face": "🤫", "neutral_face": "😐", "expressionless": "😑", "no_mouth": "😶", "smirk": "😏",
    "unamused": "😒", "face_with_rolling_eyes": "🙄", "roll_eyes": "🙄", "grimacing": "😬",
    "relieved": "😌", "pensive": "😔", "sleepy": "😪", "sleeping": "😴", "mask": "😷",
    "nauseated_face": "🤢", "exploding_head": "🤯", "partying_face": "🥳", "sunglasses": "😎",
    "nerd_face": "🤓", "confused": "😕", "worried": "😟", "slightly_frowning_face": "🙁",
    "white_frowning_face": "☹️", "open_mouth": "😮", "astonished": "😲", "flushed": "😳",
    "pleading_face": "🥺", "fearful": "😨", "cold_sweat": "😰", "cry": "😢", "sob": "😭",
    "scream": "😱", "confounded": "😖", "persevere": "😣", "disappointed": "😞", "sweat": "😓",
    "sweat_smile": "😅", "rolling_on_the_floor_laughing": "🤣", "weary": "😩", "tired_face": "😫",
    "yawning_face": "🥱", "triumph": "😤", "rage": "😡", "angry": "😠", "skull": "💀", "poop": "💩",
    "hankey": "💩", "clown_face": "🤡", "ghost": "👻", "see_no_evil": "🙈", "hear_no_evil": "🙉",
    "speak_no_evil": "🙊", "melting_face": "🫠", "saluting_face": "🫡", "smile_cat": "😸",
    "joy_cat": "😹", "heart_eyes_cat": "😻", "orange_heart": "🧡", "yellow_heart": "💛",
    "green_heart": "💚", "blue_heart": "💙", "purple_heart": "💜", "black_heart": "🖤",
    "white_heart": "🤍", "broken_heart": "💔", "two_hearts": "💕", "sparkling_heart": "💖",
    "heartpulse": "💗", "heart_hands": "🫶", "100": "💯", "boom": "💥", "wave": "👋",
    "raised_hand": "✋", "hand": "✋", "ok_hand": "👌", "v": "✌️", "crossed_fingers": "🤞",
    "fist": "✊", "facepunch": "👊", "punch": "👊", "clap": "👏", "raised_hands": "🙌",
    "open_hands": "👐", "handshake": "🤝", "pray": "🙏", "muscle": "💪", "point_up": "☝️",
    "point_right": "👉", "point_left": "👈", "point_down": "👇", "eyes": "👀", "brain": "🧠",
    "shrug": "🤷", "man-shrugging": "🤷‍♂️", "woman-shrugging": "🤷‍♀️", "face_palm": "🤦",
    "man-facepalming": "🤦‍♂️", "woman-facepalming": "🤦‍♀️", "fire": "🔥", "sparkles": "✨",
    "star": "⭐", "star2": "🌟", "zap": "⚡", "sunny": "☀️", "rainbow": "🌈", "snowflake": "❄️",
    "coffee": "☕", "tea": "🍵", "beer": "🍺", "beers": "🍻", "wine_glass": "🍷", "champagne": "🍾",
    "pizza": "🍕", "cake": "🍰", "birthday": "🎂", "tada": "🎉", "confetti_ball": "🎊",
    "balloon": "🎈", "gift": "🎁", "trophy": "🏆", "rocket": "🚀", "bulb": "💡", "memo": "📝",
    "calendar": "📆", "date": "📅", "books": "📚", "warning": "⚠️", "x": "❌",
    "white_check_mark": "✅", "heavy_check_mark": "✔️", "question": "❓", "exclamation": "❗",
    "no_entry": "⛔", "zzz": "💤", "sweat_drops": "💦", "dog": "🐶", "cat": "🐱",
    "unicorn_face": "🦄", "house": "🏠", "car": "🚗", "airplane": "✈️", "moneybag": "💰",
    "mountain": "⛰️", "climbing": "🧗", "person_climbing": "🧗", "runner": "🏃", "running": "🏃",
}


@dataclass(frozen=True)
class _Channel:
    """A conversation's entry in channels.json, groups.json, mpims.json or dms.json."""

    kind: str  # channel, private, mpim or dm
    id: str
    name: str | None
    members: tuple[str, ...]


@dataclass
class _Workspace:
    """What the export's lists say about people and conversations."""

    names: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    """Each member's name by every other way to call them (user name, real name): for the ``me`` option."""
    bots: set[str] = field(default_factory=set)
    channels: dict[str, _Channel] = field(default_factory=dict)
    """By name (channels, private channels, group DMs) and by id (all, DMs included)."""


class SlackImporter:
    """Reads one channel, private channel, group DM or DM of a Slack workspace export."""

    name = "slack"
    description = "Slack workspace export (the export's zip or folder; a channel's day files YYYY-MM-DD.json)"

    def sniff(self, source: Source, head: bytes) -> float:
        is_list = head.removeprefix(_BOM).lstrip(_WHITESPACE).startswith(b"[")
        if DAY_NAME.fullmatch(source.filename):
            if is_list and _slackish(head):
                return 0.95
            # An odd, empty or broken day inside an export is still one: claimed, its errors are
            # reported. So is a channel's first day wherever a later day beside it is Slack's: the
            # first day reads the whole channel, which would otherwise be lost without a word.
            return 0.8 if _beside_export(source) or _first_of_slack_days(source) else 0.0
        if not is_list:
            return 0.0
        if source.filename in METADATA_FILES:
            return 0.5 if source.named else 0.0  # refused with a pointer to the folder; skipped in one
        return 0.6 if _slackish(head) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        if source.filename in METADATA_FILES:
            if not source.named:
                return  # found in the export's folder (read with the format named): the channels read it
            raise ImportFormatError(
                source.name, "a Slack export's folder or zip, or a channel's first day file (general/2024-03-12.json)",
                found=f"{source.filename}, which only lists the workspace's members or conversations")
        days = _days(source)
        if not days:
            return  # the channel's first day file reads this one
        workspace = _workspace(days[0])
        yield _conversation(source, days, workspace, options)


def _slackish(head: bytes) -> bool:
    """Whether `head` holds a Slack message's marks (``"type": "message"``, ``"ts": "1…``)."""
    return _MESSAGE_MARK.search(head) is not None and _TS_MARK.search(head) is not None


def _first_of_slack_days(source: Source) -> bool:
    """Whether `source` is the first day file of its folder and a later one there is Slack's."""
    if source.path is None and (source.archive is None or source.member is None):
        return False
    try:
        names = _day_names(source)
        if not names or names[0] != source.filename:
            return False
        for name in names[1:]:  # the later days, until one tells (all empty ones read little)
            head = source.beside(name).head()
            if head.removeprefix(_BOM).lstrip(_WHITESPACE).startswith(b"[") and _slackish(head):
                return True
    except (ImportFormatError, OSError):
        return False
    return False


def _days(source: Source) -> list[Source]:
    """The day files `source` stands for, in date order: all of its folder's when it is the first,
    none when it is a later one (its first brings it in), itself alone when not named like a day."""
    if not DAY_NAME.fullmatch(source.filename):
        return [source]
    names = _day_names(source)  # names only: a later day of thousands must cost little
    if source.filename not in names:  # listed under another spelling: read it alone
        return [source]
    position = names.index(source.filename)
    if position > 0:
        if source.named:
            raise LaterPageError(source, position + 1, source.beside(names[0]))
        return []
    return [source if n == source.filename else source.beside(n) for n in names]


def _day_names(source: Source) -> tuple[str, ...]:
    """The names of every file named like a day in `source`'s folder (or archive folder), sorted."""
    return names_beside(source, _is_day_name, "day files")


def _is_day_name(name: str) -> bool:
    return DAY_NAME.fullmatch(name) is not None


def _root_file(source: Source, filename: str) -> Source | None:
    """The file `filename` in the folder above `source`'s folder (the export's top), if there."""
    if source.path is not None:
        other = source.path.parent.parent / filename
        if not other.is_file():
            return None
        return Source(str(Path(source.name).parent.parent / filename), path=other)
    assert source.archive is not None and source.member is not None
    folder = PurePosixPath(source.member).parent
    if folder == PurePosixPath("."):
        return None  # a day file at the archive's top: there is no folder above it
    member = str(folder.parent / filename) if folder.parent != PurePosixPath(".") else filename
    if member not in archive_index(source.archive, frozenset):
        return None
    return Source(f"{source.archive}!{member}", archive=source.archive, member=member)


def _beside_export(source: Source) -> bool:
    """Whether the folder above `source`'s holds a Slack export's lists."""
    if source.path is None and (source.archive is None or source.member is None):
        return False  # a name only: nothing around it to look at
    try:
        return any(_root_file(source, name) is not None for name in (*USER_LISTS, "channels.json"))
    except (ImportFormatError, OSError):
        return False


def _workspace(day: Source) -> _Workspace:
    """The people and conversations the export's lists (beside the channel's folder) name; read
    once for all the export's channels while those files are unchanged."""
    lists = {name: _root_file(day, name) for name in (*USER_LISTS, *CONVERSATION_LISTS)}
    key = tuple((name, found.name, _signature(found)) for name, found in lists.items() if found is not None)
    cached = _WORKSPACES.get(key)
    if cached is not None:
        return cached
    workspace = _Workspace()
    users = next((lists[name] for name in USER_LISTS if lists[name] is not None), None)
    if users is not None:
        _read_users(users, workspace)
    for filename, kind in CONVERSATION_LISTS.items():
        listed = lists[filename]
        if listed is not None:
            _read_conversations(listed, kind, workspace)
    _WORKSPACES.clear()  # one export at a time: a folder's channels are read one after another
    _WORKSPACES[key] = workspace
    return workspace


_WORKSPACES: dict[tuple[tuple[str, str, tuple[int, int]], ...], _Workspace] = {}


def _signature(source: Source) -> tuple[int, int]:
    """When the file (or the archive holding it) last changed, and its size."""
    try:
        stat = (source.path or source.archive or Path(source.name)).stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def _read_users(source: Source, workspace: _Workspace) -> None:
    doc = JsonDoc(source)
    root = load_json(source)
    if not isinstance(root, list):
        doc.fail("", "a list of the workspace's members (Slack's users.json)", root)
    for i, raw in enumerate(root):
        at = f"[{i}]"
        user = doc.obj(raw, at)
        user_id = doc.field_str(user, "id", at)
        profile = doc.field_obj(user, "profile", at) if user.get("profile") is not None else {}
        name = _person_name(doc, [(profile, child(at, "profile")), (user, at)])
        if name:
            workspace.names[user_id] = name
            _add_aliases(workspace.aliases, name, [profile, user])
        if user.get("is_bot") is True:
            workspace.bots.add(user_id)


def _add_aliases(aliases: dict[str, str], name: str, places: list[JsonObject]) -> None:
    """`name` under the user and real names `places` give (already read as strings or null)."""
    for obj in places:
        for key in ("real_name", "name"):
            value = obj.get(key)
            if isinstance(value, str) and value.strip():
                aliases.setdefault(value.strip(), name)


def _person_name(doc: JsonDoc, places: list[tuple[JsonObject, str]]) -> str | None:
    """The display name, else the real name, else the user name, looked for in each of `places`."""
    for key in ("display_name", "real_name", "name"):
        for obj, at in places:
            value = doc.optional_str(obj, key, at)
            if value and value.strip():
                return value.strip()
    return None


def _read_conversations(source: Source, kind: str, workspace: _Workspace) -> None:
    doc = JsonDoc(source)
    root = load_json(source)
    if not isinstance(root, list):
        doc.fail("", f"a list of the workspace's conversations (Slack's {source.filename})", root)
    for i, raw in enumerate(root):
        at = f"[{i}]"
        entry = doc.obj(raw, at)
        members = doc.field_list(entry, "members", at, optional=True)
        for k, member in enumerate(members):
            if not isinstance(member, str) or not member:
                doc.fail(f"{child(at, 'members')}[{k}]", "a user id (a string)", member)
        channel = _Channel(kind, doc.field_str(entry, "id", at), doc.optional_str(entry, "name", at),
                           tuple(str(m) for m in members))
        workspace.channels[channel.id] = channel
        if channel.name and kind != "dm":
            workspace.channels.setdefault(channel.name, channel)


@dataclass
class _Entry:
    """One entry of a day file, with where it came from."""

    doc: JsonDoc
    at: str
    raw: JsonObject
    key: tuple[int, int]
    ts_text: str


def _conversation(source: Source, days: list[Source], workspace: _Workspace, options: ImportOptions) -> Conversation:
    entries = sorted(_entries(days), key=lambda e: e.key)
    names = dict(workspace.names)
    aliases = dict(workspace.aliases)
    for entry in entries:  # people missing from users.json, by the profile their messages carry
        user = entry.doc.optional_str(entry.raw, "user", entry.at)
        if user and user not in names and entry.raw.get("user_profile") is not None:
            profile = entry.doc.field_obj(entry.raw, "user_profile", entry.at)
            found = _person_name(entry.doc, [(profile, child(entry.at, "user_profile"))])
            if found:
                names[user] = found
                _add_aliases(aliases, found, [profile])
    shared = {name for name, count in Counter(names.values()).items() if count > 1}
    if shared:  # two people of one name ("Alex" twice) stay two, told apart by their ids, as everywhere
        names = {uid: f"{name} ({uid})" if name in shared else name for uid, name in names.items()}
        aliases = {alias: name for alias, name in aliases.items() if name not in shared}
    me = options.me
    if me is not None and me not in names.values():  # named by user name, real name or id
        me = aliases.get(me) or names.get(me) or me
    channel_names = {c.id: c.name for c in workspace.channels.values() if c.name and c.kind != "dm"}
    text = _TextRenderer(names, channel_names)

    messages: list[Message] = []
    events: list[SystemEvent] = []
    index_of: dict[tuple[int, int], int] = {}
    replies: list[tuple[Message, tuple[int, int]]] = []
    seen: set[tuple[tuple[int, int], str]] = set()
    for entry in entries:
        writer = entry.raw.get("user")
        if isinstance(writer, str) and writer:  # ts is unique in a channel: the same ts by the same user is a copy
            if (entry.key, writer) in seen:
                continue
            seen.add((entry.key, writer))
        item = _read_entry(entry, names, workspace, text)
        if isinstance(item, SystemEvent):
            events.append(item)
            continue
        item.index = len(messages)
        index_of.setdefault(entry.key, item.index)
        thread = _ts_key(entry.doc.optional_str(entry.raw, "thread_ts", entry.at))
        if thread is not None and thread != entry.key:
            replies.append((item, thread))
        messages.append(item)
    for message, thread in replies:
        # None: the thread's first message is not a message here, or (a clock gone wrong) not before it
        target = index_of.get(thread)
        message.reply_to = target if target is not None and target < message.index else None

    folder = days[0].folder_name
    channel = workspace.channels.get(folder)
    title, group, chat_id = _identity(folder, channel, names, messages, me)
    return Conversation(
        source=source.name,
        source_format="slack",
        title=title,
        messages=messages,
        system_events=events,
        chat_id=chat_id,
        me=me,
        group=group,
    )


def _entries(days: list[Source]) -> Iterator[_Entry]:
    for day in days:
        doc = JsonDoc(day)
        root = load_json(day)
        if not isinstance(root, list):
            doc.fail("", "a list of Slack messages (one day of a channel's export)", root)
        for i, raw in enumerate(root):
            at = f"[{i}]"
            entry = doc.obj(raw, at)
            ts_text = entry.get("ts")
            key = _ts_key(ts_text)
            if key is None or not isinstance(ts_text, str):
                if "ts" not in entry:
                    doc.fail(child(at, "ts"), TS_EXPECTED)
                doc.fail(child(at, "ts"), TS_EXPECTED, ts_text)
            yield _Entry(doc, at, entry, key, ts_text)


def _ts_key(value: object) -> tuple[int, int] | None:
    """A ``ts`` as (seconds, microseconds), or None when it is not one."""
    if not isinstance(value, str):
        return None
    found = TS.fullmatch(value)
    if found is None:
        return None
    return int(found[1]), int((found[2] or "").ljust(6, "0"))


def _local_time(key: tuple[int, int]) -> datetime | None:
    """(seconds, microseconds) since 1970 (UTC) as naive local time; None where the clock cannot show it."""
    try:
        return datetime.fromtimestamp(key[0]) + timedelta(microseconds=key[1])
    except (OverflowError, OSError, ValueError):
        return None


def _read_entry(entry: _Entry, names: dict[str, str], workspace: _Workspace,
                text: _TextRenderer) -> Message | SystemEvent:
    doc, at, raw = entry.doc, entry.at, entry.raw
    ts = _local_time(entry.key)
    if ts is None:
        doc.fail(child(at, "ts"), TS_EXPECTED, entry.ts_text)
    entry_type = doc.optional_str(raw, "type", at)
    subtype = doc.optional_str(raw, "subtype", at)
    user = doc.optional_str(raw, "user", at) or None  # "": no one
    words = text.render(doc.optional_str(raw, "text", at) or "")
    is_message = entry_type in (None, "message") and (subtype is None or subtype in MESSAGE_SUBTYPES)
    if subtype == "tombstone" and entry_type in (None, "message"):
        thread = doc.optional_str(raw, "thread_ts", at)
        starts_thread = thread is None or thread == entry.ts_text  # else parent_user_id is its thread's writer
        author_id = (doc.optional_str(raw, "parent_user_id", at) if starts_thread else None) or user
        if author_id is None:
            doc.fail(child(at, "user"), "the id of the user who wrote the deleted message")
        return Message(0, ts, _name(author_id, names), words, MessageKind.DELETED)
    if subtype == "bot_message" or (is_message and _is_bot(doc, raw, at, user, workspace)):
        words = words or _attachment_words(doc, raw, at, text)
        return SystemEvent(ts, words or "bot message", _bot_name(doc, raw, at, user, names))
    if not is_message:
        words = words or _attachment_words(doc, raw, at, text)
        return SystemEvent(ts, words or (subtype or entry_type or "notice").replace("_", " "),
                           _name(user, names) if user else None)
    if subtype == "file_comment" and raw.get("comment") is not None:  # older exports: a comment on a file
        comment = doc.field_obj(raw, "comment", at)
        user = user or doc.optional_str(comment, "user", child(at, "comment"))
        words = text.render(doc.optional_str(comment, "comment", child(at, "comment")) or "") or words
    if user is None:
        doc.fail(child(at, "user"), "the id of the user who wrote the message")
    if subtype == "file_share" and (uploaded := _UPLOADED.fullmatch(doc.optional_str(raw, "text", at) or "")):
        words = text.render(uploaded[1] or "")  # Slack's own words for an upload, before 2019: the comment only
    kind, words = _kind_and_text(doc, raw, at, subtype, words)
    edited = raw.get("edited") is not None
    if edited:
        doc.field_obj(raw, "edited", at)  # {"user", "ts"}: anything else is not Slack's
    return Message(0, ts, _name(user, names), words, kind, edited=edited,
                   reactions=_reactions(doc, raw, at, names))


def _attachment_words(doc: JsonDoc, raw: JsonObject, at: str, text: _TextRenderer) -> str:
    """What a notice without text shows: its first attachment's ``fallback`` (an app's post), if any."""
    attachments = doc.field_list(raw, "attachments", at, optional=True)
    if not attachments:
        return ""
    where = f"{child(at, 'attachments')}[0]"
    return text.render(doc.optional_str(doc.obj(attachments[0], where), "fallback", where) or "")


def _is_bot(doc: JsonDoc, raw: JsonObject, at: str, user: str | None, workspace: _Workspace) -> bool:
    if user is None:
        return doc.optional_str(raw, "bot_id", at) is not None or doc.optional_str(raw, "username", at) is not None
    return user == SLACKBOT or user in workspace.bots


def _bot_name(doc: JsonDoc, raw: JsonObject, at: str, user: str | None, names: dict[str, str]) -> str:
    username = doc.optional_str(raw, "username", at)
    if username:
        return username
    if raw.get("bot_profile") is not None:
        profile_name = doc.optional_str(doc.field_obj(raw, "bot_profile", at), "name", child(at, "bot_profile"))
        if profile_name:
            return profile_name
    if user is not None:
        return _name(user, names)
    return doc.optional_str(raw, "bot_id", at) or "bot"


def _name(user_id: str, names: dict[str, str]) -> str:
    if user_id in names:
        return names[user_id]
    return SLACKBOT_NAME if user_id == SLACKBOT else user_id


def _kind_and_text(doc: JsonDoc, raw: JsonObject, at: str, subtype: str | None,
                   words: str) -> tuple[MessageKind, str]:
    files = doc.field_list(raw, "files", at, optional=True)
    if not files and raw.get("file") is not None and subtype not in ("file_comment", "file_mention"):
        files = [doc.field_obj(raw, "file", at)]  # older exports: one file, subtype file_share
    if files or subtype == "file_share":
        if words:
            return MessageKind.MEDIA, words
        first = doc.obj(files[0], f"{child(at, 'files')}[0]") if files else {}
        mimetype = doc.optional_str(first, "mimetype", f"{child(at, 'files')}[0]") or ""
        return MessageKind.MEDIA, FILE_PLACEHOLDERS.get(mimetype.partition("/")[0], FILE)
    if words:
        return MessageKind.TEXT, words
    if doc.field_list(raw, "attachments", at, optional=True):
        return MessageKind.MEDIA, ATTACHMENT
    return MessageKind.MEDIA, UNSUPPORTED


def _reactions(doc: JsonDoc, raw: JsonObject, at: str, names: dict[str, str]) -> tuple[Reaction, ...]:
    found = []
    for k, item in enumerate(doc.field_list(raw, "reactions", at, optional=True)):
        where = f"{child(at, 'reactions')}[{k}]"
        reaction = doc.obj(item, where)
        emoji = emoji_of(doc.field_str(reaction, "name", where))
        for u, user in enumerate(doc.field_list(reaction, "users", where, optional=True)):
            if not isinstance(user, str) or not user:
                doc.fail(f"{child(where, 'users')}[{u}]", "a user id (a string)", user)
            found.append(Reaction(_name(user, names), emoji))
    return tuple(found)


def emoji_of(name: str) -> str:
    """A reaction's name as its emoji (``+1`` -> 👍, ``wave::skin-tone-3`` -> 👋🏼); ``:name:`` when
    it is not one of the standard emoji `EMOJI` knows (a custom one, or a rare one)."""
    base, _, tone = name.partition("::")
    emoji = EMOJI.get(base)
    if emoji is None:
        return f":{name}:"
    tone_name = tone.removeprefix("skin-tone-")
    if tone and tone_name in SKIN_TONES:
        return emoji.replace("\ufe0f", "") + SKIN_TONES[tone_name]
    return emoji


def _identity(folder: str, channel: _Channel | None, names: dict[str, str], messages: list[Message],
              me: str | None) -> tuple[str, bool, str | None]:
    """The conversation's title, whether it is a group, and its id."""
    if channel is not None and channel.kind in ("channel", "private"):
        return f"#{channel.name or folder}", True, channel.id
    if channel is not None:
        people = [_name(m, names) for m in channel.members] or [m.author for m in messages]
        return _people_title(people, me, folder), channel.kind != "dm", channel.id
    chat_id = folder if CHAT_ID.fullmatch(folder) else None
    if DM_FOLDER.fullmatch(folder) or folder.startswith("mpdm-"):
        title = _people_title([m.author for m in messages], me, folder)
        return title, folder.startswith("mpdm-"), chat_id
    return f"#{folder}" if folder else "Slack", True, chat_id


def _people_title(people: list[str], me: str | None, fallback: str) -> str:
    unique = list(dict.fromkeys(people))
    others = [p for p in unique if p != me] or unique
    return ", ".join(others) if others else fallback


class _TextRenderer:
    """Slack's message markup as plain text: mentions by name, links with their labels, emoji."""

    def __init__(self, names: dict[str, str], channels: dict[str, str]) -> None:
        self.names = names
        self.channels = channels

    def render(self, text: str) -> str:
        out = []
        pos = 0
        for token in _TOKEN.finditer(text):
            out.append(_plain(text[pos:token.start()]))
            out.append(self._token(token[1]))
            pos = token.end()
        out.append(_plain(text[pos:]))
        return "".join(out)

    def _token(self, inner: str) -> str:
        target, bar, label = inner.partition("|")
        target, label = _unescape(target), _unescape(label)
        if target.startswith("@"):
            user = target[1:]
            return "@" + (self.names.get(user) or label.lstrip("@") or _name(user, self.names))
        if target.startswith("#"):
            channel = target[1:]
            return "#" + (self.channels.get(channel) or label.lstrip("#") or channel)
        if target.startswith("!"):
            if label:
                return label
            word = target[1:].split("^")[0]
            return f"@{word}" if word in ("here", "channel", "everyone") else word
        if not bar or not label or label == target or label == _SCHEME.sub("", target, count=1):
            return label or target
        return f"{label} ({target})"


def _plain(text: str) -> str:
    return _unescape(replace_shortcodes(text))


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES[m[1]], text)


def replace_shortcodes(text: str) -> str:
    """`text` with every ``:name:`` `EMOJI` knows as its emoji (a skin tone after it applied);
    other ``:words:`` (custom emoji, clock times such as 10:30:15) stay as written."""
    out = []
    pos = 0
    search_from = 0
    while (found := _SHORTCODE.search(text, search_from)) is not None:
        emoji = EMOJI.get(found[1])
        if emoji is None:
            search_from = found.start() + 1  # "10:30:tada:" still finds ":tada:"
            continue
        out.append(text[pos:found.start()])
        out.append(emoji.replace("\ufe0f", "") + SKIN_TONES[found[2]] if found[2] else emoji)
        pos = search_from = found.end()
    out.append(text[pos:])
    return "".join(out)


register(SlackImporter())
