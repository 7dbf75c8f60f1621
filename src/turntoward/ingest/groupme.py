"""GroupMe: the "Export your data" download, and the API's message lists that people save.

**The export** (GroupMe's web app, Settings, "Export your data") is a zip with one folder per chat
the account is in, named by the group's id (``59528655/``), holding::

    message.json        every message, newest first: one JSON list, minified
    conversation.json   the group: its name, type and members (with each member's nickname)
    likes/mine.json     the messages the account liked; likes/for_me.json: its own messages that
                        others liked; likes/everyone.json: the most liked (all three in the API's
                        wrapper below, repeating messages of message.json: not read as messages)
    poll.json           the polls (not read: each poll is a notice in message.json too)
    gallery/            the photos, videos and files, with a manifest.json (not read)

``message.json`` alone (or the folder, or the zip) is what to give; the files beside it are read
from it. **The API's lists** are read too, as the tools that fetch a group through GroupMe's API
save them: ``{"meta": {"code": 200}, "response": {"count": 209, "messages": [...]}}``, a list of
such pages' message lists (``[[...], [...]]``), or one flat list; a message in two pages is read
once (by its ``id``), and a file holding several groups gives one chat per ``group_id`` (a direct
message's ``conversation_id``). Each message is an object::

    {"id": "160400731400809312", "created_at": 1604007314, "sender_id": "41806790",
     "user_id": "41806790", "sender_type": "user", "name": "Dana", "text": "anyone at the game?",
     "group_id": "59528655", "system": false, "favorited_by": ["7246978"],
     "attachments": [{"type": "image", "url": "https://i.groupme.com/…"}],
     "reactions": [{"type": "unicode", "code": "❤️", "user_ids": ["7246978"]}],
     "event": {"type": "membership.announce.joined", "data": {"user": {"id": 28794816, ...}}},
     "deleted_at": 1604007400, "deletion_actor": "sender", "updated_at": 1604007390,
     "source_guid": "…", "avatar_url": null, "platform": "gm", "pinned_at": null, "pinned_by": ""}

(``reactions``, ``pinned_*``, ``deleted_at``, ``updated_at`` and ``event`` are in exports of 2020 on;
lists of 2014-2016 have no ``sender_type`` nor ``platform``.)

**Order and time.** ``created_at`` is seconds since 1970 (UTC): it becomes this computer's local
wall-clock time, as for the other JSON exports. The lists are newest first and many messages share a
second (491 in one real group), so messages are put in order by time, then by ``id`` (GroupMe's ids
grow with time; compared as numbers), then oldest first in the file.

**Who.** People are told apart by ``sender_id``, and each goes by one name in the whole chat: their
``nickname`` in ``conversation.json`` (their name in this group now), else the ``name`` of their
latest message (a message keeps the name its sender had when sending it: someone renamed mid-way
goes by the new name throughout), else a notice's nickname for them, else ``user <id>``. Two people
who go by one name are told apart by their ids (``Sam (41806790)``). The exporting user is the
sender of ``likes/for_me.json`` beside the messages (their messages that others liked); where no one
liked any, GroupMe does not say who exported, and ``--me`` names the user.

**What.**

* ``sender_type`` ``system`` (GroupMe's notices: joins, leaves, renames, polls, pins, "Dana edited
  to: …") and ``service`` (GroupMe Calendar), a message marked ``"system": true`` or carrying an
  ``event``: a `SystemEvent` with GroupMe's words, by the person the event names. A bot's message
  (``sender_type`` ``bot``) is a `SystemEvent` by the bot's name: an app's post is no one's words to
  the others.
* ``deleted_at`` set: DELETED (GroupMe keeps a placeholder, "This message was deleted", "An admin
  deleted this message", which is not the sender's words).
* ``updated_at`` set: `Message.edited` (``text`` holds the words as edited).
* A photo, video, file or place (``image``, ``linked_image``, ``video``, ``file``, ``location``
  attachments): MEDIA, the words sent with it as its text, else ``<photo>``, ``<video>``, ``<file>``
  or the place's name (``<location>``).
* GroupMe's own emoji are a ``�`` in the text with an ``emoji`` attachment saying which picture it
  is (``charmap``): the ``�`` is taken out (the picture is not in the export); a message that was
  nothing but such emoji is MEDIA ``<sticker>``.
* ``reply`` attachments make `Message.reply_to` (the message ``reply_id`` names, where it is in the
  file); ``mentions``, ``poll``, ``event`` and any other attachment add nothing to the words.
* Reactions: ``reactions`` where the message has them (``code`` the emoji; one of GroupMe's own
  emoji, ``"type": "emoji"``, is ``(emoji)``), else a like (♥ on GroupMe) from everyone in
  ``favorited_by``, as ❤️ (``favorited_by`` lists everyone who reacted, so it is not read beside
  ``reactions``). The export keeps no time for them.

**Chats.** One `Conversation` per group with messages (one of notices only gives none): titled by
``conversation.json``'s ``name``, else ``GroupMe <group id>``; ``chat_id`` is the group's id. A group
of more than two people (members in ``conversation.json`` and those who wrote) is a group chat, even
where only two of them wrote; of two, it is not; without ``conversation.json`` (an API list), it is
one where more than two people wrote. A direct message (``conversation_id``/``recipient_id`` on its
messages, or a folder named ``<id>+<id>``) is not a group, and is titled by the other person's name.

**Errors.** A file that is not such a list is an `UnknownFormatError`; bad JSON (a cut-off file) an
`ImportFormatError` naming its line; a message that is not an object, or without an ``id``, a
``created_at`` a clock can show or a sender, one naming its JSON path
(``[12].created_at``). An unreadable ``conversation.json`` or ``likes/for_me.json`` is passed over:
the messages do not depend on it. ``likes/*.json`` named by itself is refused, saying to give
``message.json``.

Where we looked: real exports and API lists published on GitHub by other projects, on which this
importer was run: MooseInTheSack/groupMe-Analytics (an export zip of 2020, 10,384 messages),
rishyraj/groupmeanalysis (2018-2019), blackhole-hope123/GroupMe-spam-filtering-project (seven exports
of 2020-2025: reactions, pins, deletions, edits), IgnasPanavas/GroupMe_Anti-Spam_Bot (an API list of
2024-2025), MattKraatz/groupme-export (2016), joehiggs/groupme-analytics (a list of API pages, 2016)
and the ``likes/`` and ``conversation.json`` files of ZachMyers3/groupme-archive-parse,
ianFraser858/group-me-analysis and vasilescur/Polyinstrumental-Cacophony; the layout as
theTrueEnder/GroupMe-Export-Parser's wiki describes it, the event types and attachments as
groupme-js/GroupMeCommunityDocs lists them. No real direct-message export was found: their shape
here follows GroupMe's API documentation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

EXPECTED = ("a GroupMe message.json (a list of messages, each with 'id', 'created_at', 'sender_id', "
            "'favorited_by' and 'source_guid') or an API list ({\"response\": {\"messages\": [...]}})")
_HEAD_ARRAY = re.compile(rb"\[\s*(?:\[\s*)?\{")
_HEAD_WRAPPED = re.compile(rb'\{.*"response"\s*:\s*\{.*"messages"\s*:\s*\[', re.DOTALL)
MARKS = (b'"source_guid"', b'"favorited_by"')
LIKES = frozenset({"mine.json", "for_me.json", "everyone.json"})
CONVERSATION = "conversation.json"
MESSAGES = "message.json"
DIRECT_FOLDER = re.compile(r"[0-9]+\+[0-9]+")
NOTICE_SENDERS = frozenset({"system", "service"})
MEDIA = {"image": "<photo>", "linked_image": "<photo>", "video": "<video>", "file": "<file>",
         "location": "<location>"}
STICKER = "<sticker>"
LIKE = "❤️"
OTHER_EMOJI = "(emoji)"
CREATED_AT = "a time in seconds since 1970 (1604007314)"
PEOPLE_IN_EVENTS = ("user", "adder_user", "remover_user", "removed_user", "member", "new_owner")


class GroupMeImporter:
    """Reads GroupMe's data export (message.json beside conversation.json) and saved API lists."""

    name = "groupme"
    description = "GroupMe data export (<group id>/message.json beside conversation.json) or API message lists"

    def sniff(self, source: Source, head: bytes) -> float:
        head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if _is_likes(source):
            return 0.95 if source.named and all(m in head for m in MARKS) else 0.0
        if not all(mark in head for mark in MARKS):
            if source.filename == MESSAGES and head[:1] == b"[" and head[1:].strip()[:1] == b"]":
                return 0.6 if source.sibling(CONVERSATION) is not None else 0.0  # a group nobody wrote in yet
            return 0.0
        if _HEAD_ARRAY.match(head) or _HEAD_WRAPPED.match(head):
            return 0.95
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        if _is_likes(source):
            raise UnknownFormatError(source.name, "GroupMe's message.json or the group's folder (likes/"
                                     f"{source.filename} lists liked messages again, not the chat)")
        doc = JsonDoc(source)
        groups: dict[str, _Chat] = {}
        seen: set[str] = set()
        for at, raw in _message_objects(doc, load_json(source)):
            message = doc.obj(raw, at)
            message_id = _id(doc, message, "id", at)
            if message_id in seen:
                continue  # the same message in two saved pages
            seen.add(message_id)
            key = _chat_key(doc, message, at, source)
            chat = groups.setdefault(key, _Chat(key))
            chat.read(doc, message, message_id, at)
        info = _conversation_info(source)
        exporter = _exporter(source)
        for chat in groups.values():
            conversation = chat.conversation(source, info, exporter, options, len(groups) == 1)
            if conversation.messages:  # a group of notices only (members joining) is no chat yet
                yield conversation


# --- the files --------------------------------------------------------------------------------


def _message_objects(doc: JsonDoc, root: object) -> Iterator[tuple[str, object]]:
    """Every message of the document with its JSON path: a list, a list of pages, or the API's wrapper."""
    if isinstance(root, dict):
        response = root.get("response")
        if not isinstance(response, dict) or "messages" not in response:
            raise UnknownFormatError(doc.source.name, EXPECTED, found="a JSON object without response.messages")
        for i, raw in enumerate(doc.field_list(response, "messages", "response")):
            yield f"response.messages[{i}]", raw
        return
    if not isinstance(root, list):
        raise UnknownFormatError(doc.source.name, EXPECTED, found="a JSON " + type(root).__name__)
    for i, raw in enumerate(root):
        if isinstance(raw, list):  # one page of a list of pages
            for j, inner in enumerate(raw):
                yield f"[{i}][{j}]", inner
        else:
            yield f"[{i}]", raw


def _is_likes(source: Source) -> bool:
    return source.filename in LIKES and source.folder_name == "likes"


def _json_beside(source: Source, relative: str) -> object | None:
    """The JSON document of the file at `relative` beside `source` (``conversation.json``,
    ``likes/for_me.json``), or None where there is none or it does not parse: the messages do not
    depend on it."""
    beside = source.sibling(relative)
    if beside is None:
        return None
    try:
        return load_json(beside)
    except ImportFormatError:
        return None


def _folder(source: Source) -> str:
    return source.folder_name


@dataclass
class _Info:
    """What ``conversation.json`` says: the group's id, name and members' nicknames (id -> name)."""

    group_id: str | None = None
    name: str | None = None
    nicknames: dict[str, str] = field(default_factory=dict)
    direct: bool = False


def _conversation_info(source: Source) -> _Info:
    root = _json_beside(source, CONVERSATION)
    if not isinstance(root, dict):
        return _Info()
    info = _Info()
    group_id = root.get("group_id", root.get("id"))
    info.group_id = _as_id(group_id)
    name = root.get("name")
    info.name = name.strip() if isinstance(name, str) and name.strip() else None
    for member in root.get("members") or []:
        if isinstance(member, dict):
            user, nickname = member.get("user_id"), member.get("nickname") or member.get("name")
            if isinstance(user, str | int) and isinstance(nickname, str) and nickname.strip():
                info.nicknames[str(user)] = nickname.strip()
    other = root.get("other_user")  # a direct message, as the API describes one
    if isinstance(other, dict) and isinstance(other.get("id"), str | int):
        info.direct = True
        if isinstance(other.get("name"), str) and other["name"].strip():
            info.nicknames.setdefault(str(other["id"]), other["name"].strip())
    return info


def _exporter(source: Source) -> str | None:
    """The exporting user's id: the one sender of ``likes/for_me.json`` (their messages others liked)."""
    root = _json_beside(source, "likes/for_me.json")
    response = root.get("response") if isinstance(root, dict) else None
    messages = response.get("messages") if isinstance(response, dict) else None
    senders = {str(m.get("sender_id")) for m in messages or [] if isinstance(m, dict)
               and isinstance(m.get("sender_id"), str | int) and m.get("sender_type", "user") == "user"}
    return senders.pop() if len(senders) == 1 else None


# --- one chat ---------------------------------------------------------------------------------


@dataclass
class _Draft:
    order: tuple[int, int, int]
    ts: datetime
    sender: str
    kind: MessageKind
    text: str
    edited: bool
    reply_id: str | None
    reactions: list[tuple[str, str]]
    message_id: str


@dataclass
class _Notice:
    order: tuple[int, int, int]
    ts: datetime
    text: str
    person: str | None
    """The id of the person the notice is about or by, or a bot's name (`bot`)."""
    bot: bool = False


@dataclass
class _Chat:
    key: str
    drafts: list[_Draft] = field(default_factory=list)
    notices: list[_Notice] = field(default_factory=list)
    latest_name: dict[str, tuple[tuple[int, int, int], str]] = field(default_factory=dict)
    event_name: dict[str, str] = field(default_factory=dict)
    direct: bool = False
    recipients: set[str] = field(default_factory=set)
    count: int = 0

    def read(self, doc: JsonDoc, message: JsonObject, message_id: str, at: str) -> None:
        seconds, ts = _created(doc, message, at)
        self.count += 1
        order = (seconds, int(message_id) if message_id.isdigit() else -1, -self.count)
        sender_type = doc.optional_str(message, "sender_type", at) or "user"  # none before about 2017
        event = message.get("event")
        text = doc.optional_str(message, "text", at) or ""
        if isinstance(event, dict):
            self._people_in(event.get("data"))
        if sender_type in NOTICE_SENDERS or message.get("system") is True or isinstance(event, dict):
            kind = event.get("type") if isinstance(event, dict) else None
            words = text.strip() or (str(kind).replace(".", " ").replace("_", " ") if kind else "notice")
            self.notices.append(_Notice(order, ts, words, _event_person(event)))
            return
        if sender_type == "bot":
            bot = doc.optional_str(message, "name", at) or "bot"
            self.notices.append(_Notice(order, ts, text.strip() or "bot message", bot.strip() or "bot", bot=True))
            return
        sender = _id(doc, message, "sender_id" if "sender_id" in message else "user_id", at)
        name = message.get("name")
        # a deleted message's name is not its sender's: those GroupMe removed go by "GroupMe"
        if isinstance(name, str) and name.strip() and message.get("deleted_at") in (None, 0):
            held = self.latest_name.get(sender)
            if held is None or held[0] <= order:
                self.latest_name[sender] = (order, name.strip())
        if "recipient_id" in message or "conversation_id" in message:
            self.direct = True
            recipient = _as_id(message.get("recipient_id"))
            if recipient is not None:
                self.recipients.add(recipient)
        kind, words, reply_id = _words(doc, message, text, at)
        self.drafts.append(_Draft(order, ts, sender, kind, words, message.get("updated_at") not in (None, 0),
                                  reply_id, _reactions(doc, message, at), message_id))

    def _people_in(self, data: object) -> None:
        """Note the nicknames a notice gives people (``{"user": {"id": 28794816, "nickname": "Dana"}}``)."""
        if not isinstance(data, dict):
            return
        added = data.get("added_users")
        for person in [*(data.get(key) for key in PEOPLE_IN_EVENTS), *(added if isinstance(added, list) else [])]:
            self._person(person)

    def _person(self, person: object) -> None:
        if isinstance(person, dict) and isinstance(person.get("id"), str | int) and isinstance(
                person.get("nickname"), str) and person["nickname"].strip():
            self.event_name.setdefault(str(person["id"]), person["nickname"].strip())

    def conversation(self, source: Source, info: _Info, exporter: str | None, options: ImportOptions,
                     only: bool) -> Conversation:
        drafts = sorted(self.drafts, key=lambda d: d.order)
        names = self._names(info if only else _Info(), drafts)
        position = {d.message_id: i for i, d in enumerate(drafts)}
        messages = [
            Message(index=i, ts=d.ts, author=names(d.sender), text=d.text, kind=d.kind, edited=d.edited,
                    reply_to=position.get(d.reply_id) if d.reply_id is not None else None,
                    reactions=tuple(Reaction(names(who), emoji) for who, emoji in d.reactions))
            for i, d in enumerate(drafts)
        ]
        events = [SystemEvent(n.ts, n.text, n.person if n.bot else (names(n.person) if n.person else None))
                  for n in sorted(self.notices, key=lambda n: n.order)]
        direct = self.direct or info.direct or DIRECT_FOLDER.fullmatch(_folder(source)) is not None
        me = names(exporter) if exporter is not None else options.me
        group_id = info.group_id if only and info.group_id else self.key
        if direct:
            others = [p for p in dict.fromkeys([*(d.sender for d in drafts), *sorted(self.recipients)])
                      if p != exporter and (options.me is None or names(p) != options.me)]
            title = ", ".join(map(names, others[:1])) or f"GroupMe {group_id}"
        else:
            title = (info.name if only else None) or f"GroupMe {group_id}"
        # a group of more than two members (now, or writing in it before they left) is a group chat even
        # where two of them wrote; without its members (an API list), it is one where more than two wrote
        members = {*info.nicknames, *(d.sender for d in drafts)} if only and info.nicknames else None
        group = False if direct else (len(members) > 2 if members else None)
        return Conversation(source=source.name, source_format=GroupMeImporter.name, title=title, messages=messages,
                            system_events=events, chat_id=group_id, me=me, group=group)

    def _names(self, info: _Info, drafts: list[_Draft]) -> Callable[[str], str]:
        """id -> the one name a person goes by in the chat (see the module docstring)."""
        plain: dict[str, str] = {}

        def first(person: str) -> str:
            if person not in plain:
                held = self.latest_name.get(person)
                plain[person] = (info.nicknames.get(person) or (held[1] if held else None)
                                 or self.event_name.get(person) or f"user {person}")
            return plain[person]

        people = dict.fromkeys(d.sender for d in drafts)
        for d in drafts:
            people.update(dict.fromkeys(who for who, _ in d.reactions))
        by_name: dict[str, set[str]] = {}
        for person in people:
            by_name.setdefault(first(person), set()).add(person)

        def name(person: str) -> str:
            shown = first(person)
            return f"{shown} ({person})" if len(by_name.get(shown, ())) > 1 else shown

        return name


def _event_person(event: object) -> str | None:
    data = event.get("data") if isinstance(event, dict) else None
    if not isinstance(data, dict):
        return None
    for key in PEOPLE_IN_EVENTS:
        person = data.get(key)
        if isinstance(person, dict) and (found := _as_id(person.get("id"))) is not None:
            return found
    return None


# --- fields -----------------------------------------------------------------------------------


def _chat_key(doc: JsonDoc, message: JsonObject, at: str, source: Source) -> str:
    for key in ("group_id", "conversation_id"):
        value = _as_id(message.get(key))
        if value is not None and value.strip():
            return value.strip()
    return _folder(source) or source.filename


def _id(doc: JsonDoc, message: JsonObject, key: str, at: str) -> str:
    value = _as_id(message.get(key))
    if value is None or not value.strip():
        if key not in message:
            doc.fail(child(at, key), "an id (a string of digits)")
        doc.fail(child(at, key), "an id (a string of digits)", message[key])
    return value.strip()


def _created(doc: JsonDoc, message: JsonObject, at: str) -> tuple[int, datetime]:
    value = message.get("created_at")
    seconds = None
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, float) and value.is_integer():
        seconds = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        seconds = int(value.strip())
    if seconds is not None:
        try:
            return seconds, datetime.fromtimestamp(seconds)
        except (OverflowError, OSError, ValueError):
            pass
    if "created_at" not in message:
        doc.fail(child(at, "created_at"), CREATED_AT)
    doc.fail(child(at, "created_at"), CREATED_AT, value)


def _words(doc: JsonDoc, message: JsonObject, text: str, at: str) -> tuple[MessageKind, str, str | None]:
    """What a message says, what kind of message that makes it, and the id of the message it replies to."""
    reply_id = None
    media: str | None = None
    attachments = doc.field_list(message, "attachments", at, optional=True)
    for k, raw in enumerate(attachments):
        attachment = doc.obj(raw, f"{child(at, 'attachments')}[{k}]")
        kind = attachment.get("type") if isinstance(attachment.get("type"), str) else None
        if kind == "reply":
            reply_id = _as_id(attachment.get("reply_id"))
        elif kind == "emoji":
            placeholder = attachment.get("placeholder")
            if isinstance(placeholder, str) and placeholder and placeholder in text:
                text = text.replace(placeholder, "").strip()
                if not text:
                    media = media or STICKER
        elif kind in MEDIA and media in (None, STICKER):
            place = attachment.get("name") if kind == "location" else None
            media = place.strip() if isinstance(place, str) and place.strip() else MEDIA[kind]
    if message.get("deleted_at") not in (None, 0):
        return MessageKind.DELETED, "", reply_id
    if media is not None:
        return MessageKind.MEDIA, text if text.strip() else media, reply_id
    if not text.strip():  # words of no kind GroupMe shows (a bare mention list, a poll), or none at all
        if any(isinstance(a, dict) and a.get("type") not in ("reply", "mentions") for a in attachments):
            return MessageKind.MEDIA, "<attachment>", reply_id
        return MessageKind.DELETED, "", reply_id
    return MessageKind.TEXT, text, reply_id


def _reactions(doc: JsonDoc, message: JsonObject, at: str) -> list[tuple[str, str]]:
    """(who, emoji) for each reaction: ``reactions`` where present, else the likes of ``favorited_by``."""
    out: list[tuple[str, str]] = []
    listed = doc.field_list(message, "reactions", at, optional=True)
    for k, raw in enumerate(listed):
        where = f"{child(at, 'reactions')}[{k}]"
        reaction = doc.obj(raw, where)
        code = reaction.get("code")
        emoji = code.strip() if reaction.get("type") == "unicode" and isinstance(code, str) and code.strip() \
            else OTHER_EMOJI
        out += [(who, emoji) for who in _people(doc.field_list(reaction, "user_ids", where, optional=True))]
    if listed:
        return out
    return [(who, LIKE) for who in _people(doc.field_list(message, "favorited_by", at, optional=True))]


def _people(ids: list[object]) -> list[str]:
    """The user ids of a list of them (who reacted), less GroupMe's own ``system``."""
    return [who for who in map(_as_id, ids) if who is not None and who != "system"]


def _as_id(value: object) -> str | None:
    """An id as GroupMe writes them, a string or (inside a notice's data, often) a number; None for
    anything else."""
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


register(GroupMeImporter())
