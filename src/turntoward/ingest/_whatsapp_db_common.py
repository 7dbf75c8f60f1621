"""What WhatsApp's databases share once read: a message row in common terms, a chat, the names of the
people in it, and the `Conversation` they make (`turntoward.ingest.whatsapp_db`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from turntoward.errors import ImportFormatError
from turntoward.ingest._clock import local_time as clock_time
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

NOT_PEOPLE = ("@broadcast", "@newsletter", "@status")
"""Status updates, broadcast lists and channels: not conversations between people."""


@dataclass(slots=True)
class Row:
    """One message row of any layout, in common terms: its kind as turntoward reads it, its words (a
    notice's sentence for a SYSTEM row), the sender's JID where the row names one, its key, and what it
    quotes (by key, or by row)."""

    rowid: int
    from_me: bool
    ms: int
    kind: MessageKind
    text: str
    sender: str | None = None
    key: str | None = None
    quoted_key: str | None = None
    quoted_row: int | None = None


@dataclass(slots=True)
class Chat:
    """One chat as read: its JID, a group's name, its rows in time order, and its reactions."""

    jid: str
    subject: str | None
    rows: list[Row] = field(default_factory=list)
    reactions: list[tuple[int, str | None, str, int | None]] = field(default_factory=list)
    """(message row, reactor's JID or None for the user, emoji or "" when taken back, milliseconds)."""


class People:
    """Names for JIDs: the ones the phone's databases give, else the number the JID holds."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def name(self, jid: str) -> str:
        named = self.names.get(jid)
        if named:
            return named
        user, _, server = jid.partition("@")
        user = user.partition(":")[0].partition(".")[0]  # a device's JID: 4915112345678.0:1@...
        if server == "s.whatsapp.net" and user.isdigit():
            return "+" + user
        return user or jid


def conversations(chats: Iterable[Chat], source: Source, fmt: str, me: str, people: People) -> Iterator[Conversation]:
    """Each chat holding a message as its `Conversation`: a chat of notices alone (a group joined and
    never written in) is none, as the app's chat list shows none."""
    for chat in chats:
        if any(row.kind is not MessageKind.SYSTEM for row in chat.rows):
            yield conversation(chat, source, fmt, me, people)


def conversation(chat: Chat, source: Source, fmt: str, me: str, people: People) -> Conversation:
    """The chat's `Conversation`: its rows in order, notices apart, quotes and reactions placed."""
    group = chat.jid.endswith("@g.us")
    other = people.name(chat.jid)
    title = chat.subject or (chat.jid.partition("@")[0] if group else other)
    messages: list[Message] = []
    events: list[SystemEvent] = []
    index_of_row: dict[int, int] = {}
    index_of_key: dict[str, int] = {}
    for row in chat.rows:
        ts = local_time(source, row.rowid, row.ms)
        author = me if row.from_me else people.name(row.sender) if row.sender else other
        if row.kind is MessageKind.SYSTEM:
            events.append(SystemEvent(ts, row.text, None if row.from_me and not group else author))
            continue
        if row.quoted_row is not None:
            reply_to = index_of_row.get(row.quoted_row)
        else:
            reply_to = index_of_key.get(row.quoted_key) if row.quoted_key else None
        index_of_row[row.rowid] = len(messages)
        if row.key:
            index_of_key[row.key] = len(messages)
        messages.append(Message(len(messages), ts, author, row.text, row.kind, reply_to))
    _attach(chat.reactions, messages, index_of_row, me, people)
    return Conversation(source.name, fmt, title, messages, events, chat_id=chat.jid, me=me, group=group)


def _attach(reactions: list[tuple[int, str | None, str, int | None]], messages: list[Message],
            index_of_row: dict[int, int], me: str, people: People) -> None:
    """Gives each message the reactions standing on it: WhatsApp keeps one a person per message, so a
    later one replaces theirs, and an empty one takes it back."""
    standing: dict[tuple[int, str], Reaction] = {}
    for parent, reactor, emoji, ms in reactions:
        index = index_of_row.get(parent)
        if index is None:
            continue  # on a notice, or on a message no longer in the database
        author = me if reactor is None else people.name(reactor)
        standing.pop((index, author), None)
        if emoji.strip():
            standing[(index, author)] = Reaction(author, emoji, clock_time(ms) if ms else None)
    for (index, _author), reaction in standing.items():
        messages[index].reactions += (reaction,)


def local_time(source: Source, rowid: int, ms: int) -> datetime:
    """Naive local time of this computer for milliseconds since 1970."""
    when = clock_time(ms)
    if when is None:
        raise ImportFormatError(source.name, "a message time in milliseconds since 1970",
                                json_path=f"message {rowid}", found=str(ms))
    return when


def text_of(value: object) -> str | None:
    """A text column's words; a row whose text is binary data (a payment, a template) has none."""
    return value if isinstance(value, str) else None
