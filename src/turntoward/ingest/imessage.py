"""iMessage: the Messages database of a Mac, ``~/Library/Messages/chat.db``.

Copy the file while Messages is closed (or take it from a Time Machine backup) and import
it; it may also sit inside a zip archive. The database is opened read-only and immutable:
turntoward never writes to it.

What becomes what:

* one `Conversation` per row of ``chat`` (``chat_id`` is the chat's GUID), titled with the
  group's name, else the other person's phone number or e-mail address;
* messages the user sent are authored by ``--me`` (default "Me"); the others by the phone
  number or e-mail address of their ``handle``, which ``turntoward people`` can alias to a name;
* text comes from ``message.text`` or, when that is empty (macOS 13 and later), from the
  archived ``attributedBody`` (see `_typedstream`);
* tapbacks are rows of their own; they become `Reaction`s on the message they point at, not
  messages (see "Tapbacks" below);
* group events (``item_type`` not 0: renames, people added or removed) become `SystemEvent`s;
* an attachment (``cache_has_attachments`` or the U+FFFC placeholder) makes a MEDIA message,
  an unsent message a DELETED one, an edited one is marked ``edited``;
* a reply in a thread (``thread_originator_guid``) points at the message that began it.

Times are stored in Apple's epoch (2001-01-01 UTC), in nanoseconds since macOS 10.13 and in
seconds before; they are converted to naive local time of the importing machine, which is
what Messages itself shows.

Tapbacks
--------

As read in imessage-exporter's sources (ReagentX/imessage-exporter: ``Message::variant``,
``Message::clean_associated_guid`` and the ``COLS`` list in
``imessage-database/src/tables/messages/message.rs``, the ``Tapback`` enum and its notes in
``imessage-database/src/message_types/variants.rs``, at commit c580c9a6 of 2025; its pull
request #341, September 2024, added the custom emoji and sticker kinds):

* a tapback is a ``message`` row of the chat whose ``associated_message_type`` says what it is:
  2000 Loved, 2001 Liked, 2002 Disliked, 2003 Laughed, 2004 Emphasized, 2005 Questioned,
  2006 a custom emoji (iOS 18 / macOS 15: the emoji is in ``associated_message_emoji``, a column
  older databases lack), 2007 a sticker used as a tapback; the same number plus 1000
  (3000-3007) removes that tapback. 1000 is a sticker placed on a message (older iOS);
* ``associated_message_guid`` is the target: ``p:N/<guid>`` for part N of a message (its
  attachments and text are parts 0, 1, ... in the order shown), ``bp:<guid>`` for an app or
  link-preview bubble, or the bare GUID; the exporter keeps the first 36 characters of the GUID;
* its sender, ``is_from_me`` and ``date`` are the reacting person and the moment of the tapback;
* Messages keeps only the latest state: when a tapback is removed, the row that added it is
  usually deleted, so a removal row may have nothing left to cancel.

Here the six named tapbacks become the emoji Messages shows (❤️ 👍 👎 😂 ‼️ ❓), a custom one its
emoji (dropped when the column is empty); the author is named as message authors are and the
time is the row's ``date``, converted like message dates. Rows are taken in date order, as in
the app a person has one tapback per message part: a later tapback replaces their earlier one
on that part, and a removal cancels their tapback of that kind (for a custom one, of that
emoji). Reactions are listed by part, then in the order they were given (the order the
exporter's text lists them). Sticker tapbacks (1000, 2007) carry no emoji and are not read as
reactions; 2007/3007 rows are left out like every tapback row, a 1000 row is still read as the
sticker message it looks like. A tapback whose target is not one of the chat's messages (a
notice, a message no longer there) is dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._sqlite import SQLITE_HEADER, as_text, open_database, sniff_database, tables
from turntoward.ingest._typedstream import TypedstreamError, string_of
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

APPLE_EPOCH = 978_307_200  # 2001-01-01T00:00:00Z as a Unix time
# Nanosecond dates are ~1e17 today; second dates stay below ~1e9 for centuries.
_NANOSECOND_THRESHOLD = 10**11
ATTACHMENT_PLACEHOLDER = "\ufffc"
TAPBACK_TYPES = range(2000, 4000)
# The six named tapbacks: (name the exporter's text prints, emoji Messages shows), by type.
NAMED_TAPBACKS = {
    2000: ("Loved", "\u2764\ufe0f"),
    2001: ("Liked", "\U0001f44d"),
    2002: ("Disliked", "\U0001f44e"),
    2003: ("Laughed", "\U0001f602"),
    2004: ("Emphasized", "\u203c\ufe0f"),
    2005: ("Questioned", "\u2753"),
}
EMOJI_TAPBACK = 2006
TAPBACK_REMOVED = 1000  # added to a tapback's type, it removes that tapback
# Notices by (item_type, group_action_type), in Messages' words; the person added or removed
# is in other_handle, which the notice leaves out. Other item types (audio kept, location and
# FaceTime notices) get a generic notice.
GROUP_EVENTS = {
    (1, 0): "added someone to the conversation",
    (1, 1): "removed someone from the conversation",
    (2, 0): "renamed the conversation",
    (3, 0): "left the conversation",
    (3, 1): "changed the group photo",
    (3, 2): "removed the group photo",
    (3, 4): "changed the chat background",
    (3, 6): "removed the chat background",
}
_EXPECTED = "an iMessage chat.db (SQLite with message, chat and handle tables)"
_REQUIRED_TABLES = {"message", "chat", "handle", "chat_message_join"}
# Columns that older macOS versions lack; they read as NULL there.
_OPTIONAL_COLUMNS = (
    "attributedBody",
    "associated_message_type",
    "associated_message_guid",
    "associated_message_emoji",
    "thread_originator_guid",
    "date_edited",
    "date_retracted",
    "item_type",
    "group_title",
    "group_action_type",
    "cache_has_attachments",
)


def apple_time(value: int) -> datetime:
    """Naive local time of a ``message.date`` value, in nanoseconds or seconds."""
    seconds = value / 1e9 if abs(value) >= _NANOSECOND_THRESHOLD else float(value)
    return datetime.fromtimestamp(APPLE_EPOCH + seconds)


class IMessageImporter:
    """Reads the Messages database of macOS."""

    name = "imessage"
    description = "iMessage chat.db (macOS Messages database)"

    def sniff(self, source: Source, head: bytes) -> float:
        if source.filename == "chat.db" and head.startswith(SQLITE_HEADER):
            return 0.95
        return sniff_database(source, head, lambda db: tables(db) >= _REQUIRED_TABLES, names=(),
                              markers=(b"chat_message_join",), score=0.9)

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        with open_database(source, _EXPECTED) as db:
            conversations = list(_read(db, source, options))
        yield from conversations


def _read(db: sqlite3.Connection, source: Source, options: ImportOptions) -> Iterator[Conversation]:
    missing = _REQUIRED_TABLES - tables(db)
    if missing:
        raise ImportFormatError(source.name, _EXPECTED, found="no table " + ", ".join(sorted(missing)))
    present = {row[1] for row in db.execute("PRAGMA table_info(message)")}
    columns = ", ".join(
        f"m.{name}" if name in present else f"NULL AS {name}" for name in _OPTIONAL_COLUMNS
    )
    me = options.me or "Me"
    chats = db.execute(
        "SELECT ROWID, guid, chat_identifier, display_name FROM chat ORDER BY ROWID"
    ).fetchall()
    for chat_rowid, guid, identifier, display_name in chats:
        rows = db.execute(
            f"SELECT m.ROWID, m.guid, m.text, m.date, m.is_from_me, h.id, {columns}"
            " FROM chat_message_join AS j JOIN message AS m ON m.ROWID = j.message_id"
            " LEFT JOIN handle AS h ON h.ROWID = m.handle_id"
            " WHERE j.chat_id = ? ORDER BY m.date, m.ROWID",
            (chat_rowid,),
        ).fetchall()
        conversation = _conversation(rows, source, me, identifier or guid)
        if not conversation.messages and not conversation.system_events:
            continue
        conversation.chat_id = guid
        conversation.title = display_name or _title(db, chat_rowid, identifier or guid)
        yield conversation



def _title(db: sqlite3.Connection, chat_rowid: int, fallback: str) -> str:
    if not _has_table(db, "chat_handle_join"):
        return fallback
    handles = [
        row[0]
        for row in db.execute(
            "SELECT h.id FROM chat_handle_join AS j JOIN handle AS h ON h.ROWID = j.handle_id"
            " WHERE j.chat_id = ? ORDER BY h.ROWID",
            (chat_rowid,),
        )
    ]
    return ", ".join(handles) if len(handles) > 1 else fallback


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return found.fetchone() is not None


def _conversation(rows: list[tuple], source: Source, me: str, other: str) -> Conversation:
    messages: list[Message] = []
    events: list[SystemEvent] = []
    tapbacks: list[_Tapback] = []
    index_of_guid: dict[str, int] = {}
    for row in rows:
        (rowid, guid, text, date, from_me, handle, body, assoc_type, assoc_guid, assoc_emoji, thread_guid,
         date_edited, date_retracted, item_type, group_title, action, has_attachments) = row
        # SQLite keeps whatever type a row was written with; a damaged row may hold any.
        guid, text, handle, thread_guid, group_title, assoc_guid, assoc_emoji = map(
            as_text, (guid, text, handle, thread_guid, group_title, assoc_guid, assoc_emoji))
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        elif not isinstance(body, bytes | None):
            raise ImportFormatError(source.name, "an attributedBody blob", json_path=f"message {rowid}",
                                    found=repr(body))
        tapback = isinstance(assoc_type, int) and assoc_type in TAPBACK_TYPES
        if not isinstance(date, int):
            raise ImportFormatError(source.name, "an integer message.date", json_path=f"message {rowid}",
                                    found=repr(date))
        ts = apple_time(date)
        author = me if from_me else (handle or other)
        if tapback:
            if assoc_guid:
                tapbacks.append(_Tapback(assoc_type, assoc_guid, author, ts, assoc_emoji or None))
            continue
        if item_type:
            events.append(SystemEvent(ts, _event_text(item_type, action, group_title), author))
            continue
        if text is None and body is not None:
            try:
                text = string_of(body)
            except TypedstreamError as exc:
                raise ImportFormatError(source.name, "an attributedBody archive holding the text",
                                        json_path=f"message {rowid}", found=str(exc)) from exc
        text = text or ""
        kind = MessageKind.TEXT
        if date_retracted:
            kind, text = MessageKind.DELETED, ""
        elif has_attachments or ATTACHMENT_PLACEHOLDER in text:
            kind = MessageKind.MEDIA
            text = text.replace(ATTACHMENT_PLACEHOLDER, "").strip()
        elif not text.strip():
            # A row with neither text nor attachment is a sent-then-unsent message on
            # versions that clear the text instead of recording date_retracted.
            kind = MessageKind.DELETED
        reply_to = index_of_guid.get(thread_guid) if thread_guid else None
        if guid is not None:  # NOT NULL in chat.db; only a damaged row lacks it, and nothing can point to it
            index_of_guid[guid] = len(messages)
        messages.append(Message(len(messages), ts, author, text, kind, reply_to, edited=bool(date_edited)))
    _attach(tapbacks, messages, index_of_guid)
    return Conversation(source.name, "imessage", other, messages, events, me=me)


@dataclass(frozen=True, slots=True)
class _Tapback:
    """One tapback row: its type (2000-3999), target (``p:N/<guid>``...), sender, time, emoji."""

    kind: int
    target: str
    author: str
    ts: datetime
    emoji: str | None

    def part_and_guid(self) -> tuple[int, str]:
        """The target's part number and message GUID (imessage-exporter's clean_associated_guid)."""
        if self.target.startswith("p:"):
            number, _, guid = self.target[2:].partition("/")
            return (int(number) if number.isdigit() else 0), guid
        return 0, self.target.removeprefix("bp:")

    def reaction(self) -> Reaction | None:
        """The reaction a tapback that adds one gives; None for a sticker or a missing emoji."""
        if self.kind in NAMED_TAPBACKS:
            return Reaction(self.author, NAMED_TAPBACKS[self.kind][1], self.ts)
        if self.kind == EMOJI_TAPBACK and self.emoji:
            return Reaction(self.author, self.emoji, self.ts)
        return None


def _attach(tapbacks: list[_Tapback], messages: list[Message], index_of_guid: dict[str, int]) -> None:
    """Gives each message the tapbacks standing on it once every row has been played in order."""
    # (message index, part, person) -> (tapback type, reaction); one tapback per person per part.
    standing: dict[tuple[int, int, str], tuple[int, Reaction]] = {}
    for tapback in tapbacks:
        part, guid = tapback.part_and_guid()
        index = index_of_guid.get(guid)
        if index is None:
            index = index_of_guid.get(guid[:36])
        if index is None:
            continue  # a notice, another chat's message, or one no longer in the database
        key = (index, part, tapback.author)
        reaction = tapback.reaction()
        if reaction is not None:
            standing.pop(key, None)  # a later tapback replaces the person's earlier one, and comes last
            standing[key] = (tapback.kind, reaction)
        elif tapback.kind >= TAPBACK_TYPES.start + TAPBACK_REMOVED and key in standing:
            kind, given = standing[key]
            if kind == tapback.kind - TAPBACK_REMOVED and (
                kind != EMOJI_TAPBACK or tapback.emoji is None or tapback.emoji == given.emoji
            ):
                del standing[key]
    on_message: dict[int, list[Reaction]] = {}
    for (index, _part, _person), (_kind, reaction) in sorted(standing.items(), key=lambda item: item[0][1]):
        on_message.setdefault(index, []).append(reaction)
    for index, reactions in on_message.items():
        messages[index].reactions = tuple(reactions)


def _event_text(item_type: int, action: int | None, group_title: str | None) -> str:
    if item_type == 2 and group_title is not None:
        return f"named the conversation “{group_title}”"
    return GROUP_EVENTS.get((item_type, action or 0), f"group event (item_type {item_type})")


register(IMessageImporter())
