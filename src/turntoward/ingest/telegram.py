"""Telegram Desktop's JSON export (``result.json``).

Telegram Desktop writes two shapes: one chat (``name``, ``type``, ``id``, ``messages``), or
the whole account (``personal_information``, ``chats.list``, ``left_chats.list``, ...), which
becomes one conversation per chat, with ``me`` taken from the account owner's name.

Times are the ``date`` field: wall-clock time as the exporting computer showed it (the
``date_unixtime`` beside it is the same instant in UTC). An entry with only ``date_unixtime``
(trimmed or converted exports have them) takes that instant in this computer's local time.
Service entries (calls, joins, pins) become `SystemEvent`s and take no index. A message with
media becomes a MEDIA message whose text is its caption, or a placeholder such as ``<photo>``
when it has none.
``reply_to_message_id`` becomes the index of the quoted message, or None when that message is
not in the export. A forwarded message counts as said by the person who forwarded it: they
chose to share it. A message from a deleted account (``"from": null``) is by "Deleted Account".
An entry Telegram Desktop could not read itself is written as ``{"id": N, "type": "unsupported"}``
(``SerializeMessage`` in ``export_output_json.cpp``), with no time, sender or words: it is left out.

Reactions (Telegram Desktop 5.5.7, October 2024, and later; ``export_output_json.cpp`` writes
them from ``ParseReactions`` in ``export/data/export_data_types.cpp``) are a list on the message::

    "reactions": [
     {"type": "emoji", "count": 2, "emoji": "❤",
      "recent": [{"from": "Teo Vance", "from_id": "user6120447731", "date": "2024-03-12T07:45:02"}]},
     {"type": "custom_emoji", "count": 1, "document_id": "stickers/sticker.webp"},
     {"type": "paid", "count": 50}
    ]

``type`` is ``emoji``, ``custom_emoji``, ``paid`` (Telegram Stars) or ``empty``; ``count`` is how
many people reacted that way; ``recent`` (left out when empty) names the reactors Telegram's
server sent with the message (its ``recent_reactions``: the export asks for no fuller list), each
with ``from`` (the display name, written like a message's ``from``: null for a deleted account),
``from_id`` and ``date`` (local wall-clock time, like a message's ``date``, with no
``date_unixtime`` beside it). Reactions are listed in the server's order, a reaction that only
appears among the recent ones coming last.

Each named reactor of an ``emoji`` reaction becomes one `Reaction` (emoji exactly as written, name
as for message authors, time as for message times), in the order the export lists them. The
reactors a ``count`` has beyond ``recent`` are nobody in particular and add nothing. A
``custom_emoji`` reaction has no ordinary emoji behind it in the export (``export_api_wrap.cpp``
swaps its ``document_id`` for the path of the emoji's exported image, "(unavailable)" or ""), so
it is skipped, and so are ``paid`` (a star) and ``empty`` ones. Service entries carry no reactions (tdesktop reads
reactions only for ordinary messages); any found on one are dropped with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

UNREADABLE = "unsupported"
"""The ``type`` of an entry Telegram Desktop could not read (a message of a kind newer than the app)."""
# What a message without a caption says, by the ``media_type`` Telegram records for a file.
MEDIA_PLACEHOLDERS: dict[str, str] = {
    "sticker": "<sticker>",
    "voice_message": "<voice message>",
    "video_file": "<video>",
    "video_message": "<video message>",
    "animation": "<GIF>",
    "audio_file": "<audio>",
}
PHOTO = "<photo>"
FILE = "<file>"
# Message fields that carry something other than words, and what stands in for them.
OTHER_CONTENT: dict[str, str] = {
    "contact_information": "<contact>",
    "location_information": "<location>",
    "place_name": "<location>",
    "game_title": "<game>",
    "invoice_information": "<invoice>",
}
DELETED_ACCOUNT = "Deleted Account"  # Telegram's own label for a removed user
UNSUPPORTED = "<unsupported message>"


_CHAT_TYPE = re.compile(
    rb'"type": "(?:personal_chat|bot_chat|saved_messages|private_group|private_supergroup|public_supergroup'
    rb'|private_channel|public_channel)"'
)
"""A chat's type in its export: tells a chat with no messages yet from other JSON."""


class TelegramImporter:
    """Reads Telegram Desktop JSON exports of one chat or of the whole account."""

    name = "telegram"
    description = "Telegram Desktop JSON export (result.json)"

    def sniff(self, source: Source, head: bytes) -> float:
        if not looks_like_json_object(head):
            return 0.0
        if b'"personal_information"' in head and (b'"about"' in head or b'"chats"' in head):
            return 0.9
        if b'"messages"' in head and (b'"date_unixtime"' in head or b'"text_entities"' in head):
            return 0.95
        if b'"messages"' in head and b'"from_id"' in head and b'"type": "message"' in head:
            return 0.8  # exports from before 2021 lack date_unixtime and text_entities
        if b'"messages"' in head and _CHAT_TYPE.search(head[:4096]):
            return 0.7  # a chat with no messages yet: nothing else tells it apart
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        root = doc.obj(load_json(source), "")
        if "chats" in root or "personal_information" in root:
            me = _account_owner(doc, root) or options.me
            for section in ("chats", "left_chats"):
                if root.get(section) is None:
                    continue
                chats = doc.field_list(doc.field_obj(root, section, ""), "list", section)
                for i, chat in enumerate(chats):
                    where = f"{section}.list[{i}]"
                    yield _conversation(doc, doc.obj(chat, where), where, me)
        elif "messages" in root:
            yield _conversation(doc, root, "", options.me)
        else:
            doc.fail("", "a Telegram export: an object with 'messages' or 'chats'", root)


def _account_owner(doc: JsonDoc, root: JsonObject) -> str | None:
    if root.get("personal_information") is None:
        return None
    info = doc.field_obj(root, "personal_information", "")
    first = doc.optional_str(info, "first_name", "personal_information") or ""
    last = doc.optional_str(info, "last_name", "personal_information") or ""
    return f"{first} {last}".strip() or None


def _conversation(doc: JsonDoc, chat: JsonObject, where: str, me: str | None) -> Conversation:
    chat_type = doc.optional_str(chat, "type", where)
    title = doc.optional_str(chat, "name", where)
    if title is None:
        title = "Saved Messages" if chat_type == "saved_messages" else DELETED_ACCOUNT
    chat_id = chat.get("id")
    if chat_id is not None and (isinstance(chat_id, bool) or not isinstance(chat_id, int | str)):
        doc.fail(child(where, "id"), "a chat id (a number)", chat_id)

    messages: list[Message] = []
    events: list[SystemEvent] = []
    index_of: dict[int, int] = {}
    replies: list[tuple[Message, int]] = []
    entries = doc.field_list(chat, "messages", where)
    path = child(where, "messages")
    for i, raw in enumerate(entries):
        at = f"{path}[{i}]"
        entry = doc.obj(raw, at)
        if entry.get("type") == UNREADABLE:
            continue  # no time, sender or words: nothing to place in the chat (see the module's docstring)
        ts = _entry_time(doc, entry, at)
        entry_type = doc.field_str(entry, "type", at)
        if entry_type == "service":
            actor = doc.optional_str(entry, "actor", at)
            events.append(SystemEvent(ts, _service_text(doc, entry, at), actor))
            continue
        if entry_type != "message":
            doc.fail(child(at, "type"), "'message' or 'service'", entry_type)
        message = _message(doc, entry, at, len(messages), ts)
        message_id = doc.optional_int(entry, "id", at)
        if message_id is not None:
            index_of[message_id] = message.index
        target = doc.optional_int(entry, "reply_to_message_id", at)
        if target is not None:
            replies.append((message, target))
        messages.append(message)
    for message, target in replies:
        message.reply_to = index_of.get(target)  # None: the quoted message is not in this export

    return Conversation(
        source=doc.source.name,
        source_format=TelegramImporter.name,
        title=title,
        messages=messages,
        system_events=events,
        chat_id=None if chat_id is None else str(chat_id),
        me=me,
    )


def _entry_time(doc: JsonDoc, entry: JsonObject, at: str) -> datetime:
    """The entry's wall-clock time: ``date``, else ``date_unixtime`` through the local clock."""
    if "date" not in entry and "date_unixtime" in entry:
        seconds = entry["date_unixtime"]
        if isinstance(seconds, str) and seconds.isdigit():
            try:
                return datetime.fromtimestamp(int(seconds))
            except (OverflowError, OSError, ValueError):
                pass
        doc.fail(child(at, "date_unixtime"), "seconds since 1970 (a string of digits)", seconds)
    return doc.field_datetime(entry, "date", at)


def _author(doc: JsonDoc, entry: JsonObject, at: str) -> str:
    """Who wrote a message or gave a reaction: its ``from``, "Deleted Account" when null."""
    author = entry.get("from")
    if author is None:
        return DELETED_ACCOUNT
    if not isinstance(author, str):
        doc.fail(child(at, "from"), "a name (a string) or null", author)
    return author


def _message(doc: JsonDoc, entry: JsonObject, at: str, index: int, ts: datetime) -> Message:
    author = _author(doc, entry, at)
    text = _text(doc, entry.get("text"), child(at, "text"))
    kind = MessageKind.TEXT
    placeholder = _media_placeholder(doc, entry, at)
    if placeholder is not None:
        kind = MessageKind.MEDIA
        text = text or placeholder
    elif "poll" in entry:
        poll = doc.field_obj(entry, "poll", at)
        text = doc.optional_str(poll, "question", child(at, "poll")) or text
    elif not text:
        kind, text = MessageKind.MEDIA, UNSUPPORTED  # e.g. a dice roll or a story the export omits
    return Message(
        index=index,
        ts=ts,
        author=author,
        text=text,
        kind=kind,
        edited=entry.get("edited") is not None,
        reactions=_reactions(doc, entry, at),
    )


def _reactions(doc: JsonDoc, entry: JsonObject, at: str) -> tuple[Reaction, ...]:
    """One `Reaction` per named reactor of each emoji reaction, in the export's order."""
    found: list[Reaction] = []
    path = child(at, "reactions")
    for i, raw in enumerate(doc.field_list(entry, "reactions", at, optional=True)):
        where = f"{path}[{i}]"
        reaction = doc.obj(raw, where)
        if doc.field_str(reaction, "type", where) != "emoji":
            continue  # custom_emoji (no plain emoji in the export), paid (stars), empty
        emoji = doc.field_str(reaction, "emoji", where)
        if not emoji:
            continue
        people = child(where, "recent")
        for j, person in enumerate(doc.field_list(reaction, "recent", where, optional=True)):
            who = doc.obj(person, f"{people}[{j}]")
            author = _author(doc, who, f"{people}[{j}]")
            found.append(Reaction(author, emoji, _entry_time(doc, who, f"{people}[{j}]")))
    return tuple(found)


def _media_placeholder(doc: JsonDoc, entry: JsonObject, at: str) -> str | None:
    """What stands in for the message's media when it has no caption; None for plain text."""
    if "photo" in entry:
        return PHOTO
    if "file" in entry or "media_type" in entry:
        media_type = doc.optional_str(entry, "media_type", at)
        return MEDIA_PLACEHOLDERS.get(media_type or "", FILE)
    for key, placeholder in OTHER_CONTENT.items():
        if key in entry:
            return placeholder
    return None


def _text(doc: JsonDoc, value: object, path: str) -> str:
    """The message's words: Telegram writes a plain string, or a list of strings and entities."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        doc.fail(path, "a string or a list of text parts", value)
    parts: list[str] = []
    for j, part in enumerate(value):
        if isinstance(part, str):
            parts.append(part)
        else:
            parts.append(doc.field_str(doc.obj(part, f"{path}[{j}]"), "text", f"{path}[{j}]"))
    return "".join(parts)


def _service_text(doc: JsonDoc, entry: JsonObject, at: str) -> str:
    """A short description of a service entry ("phone call (42 s)", "invite members: Sam")."""
    action = doc.optional_str(entry, "action", at) or "service message"
    text = action.replace("_", " ")
    members = [m for m in doc.field_list(entry, "members", at, optional=True) if isinstance(m, str)]
    title = doc.optional_str(entry, "title", at)
    if members:
        text += ": " + ", ".join(members)
    elif title:
        text += f": {title}"
    duration = doc.optional_int(entry, "duration_seconds", at)
    if duration is not None:
        text += f" ({duration} s)"
    elif entry.get("discard_reason") == "missed":
        text += " (missed)"
    return text


register(TelegramImporter())
