"""Discord channels and DMs as exported by DiscordChatExporter (its JSON format).

One file is one channel: ``guild``, ``channel``, ``dateRange`` and ``messages``. Authors are
shown by their server nickname (or DM display name) when the export has one, else their user
name. Timestamps carry the offset of the exporting computer ("...21:04:05.123+02:00"); we keep
the wall-clock time in that offset and drop the offset, as every importer gives naive local
time. Only ``Default`` and ``Reply`` messages are messages; every other type (joins, pins,
calls, recipients added, threads created) is a `SystemEvent`. ``reference.messageId`` becomes
`reply_to` when the quoted message is in the same export.

Reactions, as DiscordChatExporter.Core/Exporting/JsonMessageWriter.cs writes them (read on
the project's main branch, two commits after 2.47; ``users`` came with commit d00ecf0c, first
released in 2.40.4, July 2023): each message has ``"reactions": [{"emoji": {"id", "name",
"code", "isAnimated", "imageUrl"}, "count": 2, "users": [user, ...]}]``, one entry per emoji.
A user there is written as a message author is, without ``roles`` (``id``, ``name``,
``discriminator``, ``nickname``, ``color``, ``isBot``, ``avatarUrl``; ``nickname`` is the server
nickname or global display name), so a reactor is named by the authors' rule (nickname, else
user name) and the user's own reactions read as their messages do. Every listed user is one
`Reaction`, in the listed order (the exporter pages through Discord's list by user id, so it is
not the order they reacted in); the export has no reaction times, so `Reaction.ts` is None.
Exports from before 2.40.4 have no ``users``, and newer ones write ``[]`` when Discord answers
nothing (DiscordClient.cs suspects a deleted emoji, issue #1226): only ``count`` is known,
nobody to attribute it to, so such a reaction adds nothing. ``emoji.id`` is ``""`` (2.33 and
later; ``null`` before) for a standard emoji, whose ``name`` is the emoji itself (``"❤️"``,
``code`` ``"heart"``); a custom server emoji has its snowflake id and its name (``"kekw"``, or
``"Unknown Emoji"`` when Discord gave none) and is kept as ``:kekw:``. Reactions on notices
(joins, pins, calls) are dropped with them, unread. A ``reactions`` value that is not a list of
such objects, an emoji without a name or a user without a name is an `ImportFormatError`
naming its JSON path (``messages[3].reactions[0].users[1].name``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, export_pages
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

MESSAGE_TYPES = frozenset({"Default", "Reply"})
ATTACHMENT = "<attachment>"
STICKER = "<sticker>"
DIRECT_MESSAGES_GUILD = "0"  # the guild id DiscordChatExporter gives DMs and group DMs
PART_NAME = re.compile(r"(?P<base>.+) \[part (?P<n>\d+)\](?P<ext>\.\w+)")  # a later part of a split export


class DiscordImporter:
    """Reads DiscordChatExporter JSON exports of one channel or DM."""

    name = "discord"
    description = "Discord channel or DM exported by DiscordChatExporter (JSON)"

    def sniff(self, source: Source, head: bytes) -> float:
        if not looks_like_json_object(head):
            return 0.0
        if b'"guild"' in head and b'"channel"' in head and b'"messages"' in head:
            return 0.95
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        pages = partitions(source)
        if not pages:
            return  # the first part brings this one in
        documents = [(JsonDoc(page), load_json(page)) for page in pages]
        doc, raw_root = documents[0]
        root = doc.obj(raw_root, "")
        if "guild" not in root or "channel" not in root:
            expected = "a DiscordChatExporter export: an object with 'guild', 'channel' and 'messages'"
            doc.fail("", expected, root)
        guild = doc.field_obj(root, "guild", "")
        channel = doc.field_obj(root, "channel", "")
        channel_name = doc.field_str(channel, "name", "channel")
        guild_name = doc.optional_str(guild, "name", "guild")
        is_dm = guild.get("id") == DIRECT_MESSAGES_GUILD or str(channel.get("type", "")).startswith("Direct")
        title = channel_name if is_dm or not guild_name else f"{guild_name} #{channel_name}"
        channel_id = doc.optional_str(channel, "id", "channel")

        messages: list[Message] = []
        events: list[SystemEvent] = []
        index_of: dict[str, int] = {}
        replies: list[tuple[Message, str]] = []
        entries = [(page_doc, i, raw) for page_doc, page_root in documents
                   for i, raw in enumerate(page_doc.field_list(page_doc.obj(page_root, ""), "messages", ""))]
        for doc, i, raw in entries:
            at = f"messages[{i}]"
            entry = doc.obj(raw, at)
            ts = doc.field_datetime(entry, "timestamp", at)
            author = _author(doc, entry, at)
            content = doc.optional_str(entry, "content", at) or ""
            entry_type = doc.field_str(entry, "type", at)
            if entry_type not in MESSAGE_TYPES:
                events.append(SystemEvent(ts, content or _spaced(entry_type), author))
                continue
            message = Message(
                index=len(messages),
                ts=ts,
                author=author,
                text=content,
                edited=doc.optional_str(entry, "timestampEdited", at) is not None,
                reactions=_reactions(doc, entry, at),
            )
            _attach_media(doc, entry, at, message)
            message_id = doc.optional_str(entry, "id", at)
            if message_id is not None:
                index_of[message_id] = message.index
            quoted = _quoted_id(doc, entry, at, channel_id)
            if quoted is not None:
                replies.append((message, quoted))
            messages.append(message)
        for message, quoted in replies:
            message.reply_to = index_of.get(quoted)  # None: the quoted message is not in this export

        yield Conversation(
            source=source.name,
            source_format=self.name,
            title=title,
            messages=messages,
            system_events=events,
            chat_id=channel_id,
            me=options.me,
        )


def partitions(source: Source) -> list[Source]:
    """The files one export is split into (``--partition``): ``general.json``, then ``general [part
    2].json``, ``general [part 3].json`` beside it, in order (`export_pages`). A later part read
    by itself is refused; found in a folder, the first part brings it in."""
    found = PART_NAME.fullmatch(source.filename)
    base, suffix = (found["base"], found["ext"]) if found else (PurePosixPath(source.filename).stem,
                                                                 PurePosixPath(source.filename).suffix)
    number = int(found["n"]) if found else 1
    return export_pages(source, number, lambda n: f"{base}{suffix}" if n == 1 else f"{base} [part {n}]{suffix}")


def _spaced(entry_type: str) -> str:
    """A readable label for a notice without text ("RecipientAdd" -> "recipient add")."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry_type).lower()


def _author(doc: JsonDoc, entry: JsonObject, at: str) -> str:
    return _user_name(doc, doc.field_obj(entry, "author", at), child(at, "author"))


def _user_name(doc: JsonDoc, user: JsonObject, where: str) -> str:
    """How a user is shown: the nickname (server nickname or display name), else the user name."""
    return doc.optional_str(user, "nickname", where) or doc.field_str(user, "name", where)


def _reactions(doc: JsonDoc, entry: JsonObject, at: str) -> tuple[Reaction, ...]:
    """One `Reaction` per user listed under each of the message's reactions, in the file's order."""
    found = []
    for k, raw in enumerate(doc.field_list(entry, "reactions", at, optional=True)):
        where = f"{child(at, 'reactions')}[{k}]"
        reaction = doc.obj(raw, where)
        users = doc.field_list(reaction, "users", where, optional=True)
        if not users:
            continue  # a count only (before 2.40.4, or Discord listed nobody): nobody to attribute
        emoji = _emoji(doc, doc.field_obj(reaction, "emoji", where), child(where, "emoji"))
        for u, user in enumerate(users):
            user_at = f"{child(where, 'users')}[{u}]"
            found.append(Reaction(_user_name(doc, doc.obj(user, user_at), user_at), emoji))
    return tuple(found)


def _emoji(doc: JsonDoc, emoji: JsonObject, where: str) -> str:
    """A standard emoji itself ("❤️"); a custom server emoji (it has an id) as ":name:"."""
    name = doc.field_str(emoji, "name", where)
    if not name:
        doc.fail(child(where, "name"), "an emoji name (a non-empty string)", name)
    return f":{name}:" if doc.optional_str(emoji, "id", where) else name


def _attach_media(doc: JsonDoc, entry: JsonObject, at: str, message: Message) -> None:
    """Mark messages carrying files or stickers as MEDIA; a bare one gets a placeholder text."""
    if doc.field_list(entry, "attachments", at, optional=True):
        placeholder = ATTACHMENT
    elif doc.field_list(entry, "stickers", at, optional=True):
        placeholder = STICKER
    else:
        return
    message.kind = MessageKind.MEDIA
    message.text = message.text or placeholder


def _quoted_id(doc: JsonDoc, entry: JsonObject, at: str, channel_id: str | None) -> str | None:
    if entry.get("reference") is None:
        return None
    reference = doc.field_obj(entry, "reference", at)
    where = child(at, "reference")
    other_channel = doc.optional_str(reference, "channelId", where)
    if other_channel is not None and channel_id is not None and other_channel != channel_id:
        return None  # a quote from another channel cannot be in this export
    return doc.optional_str(reference, "messageId", where)


register(DiscordImporter())
