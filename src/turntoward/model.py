"""Typed records shared by every layer: what a chat export is once it has been read.

Importers produce them, the store persists them, the analysis reads them. They carry no
behaviour beyond small conveniences, so any layer can build them in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

NO_TIMES_START = datetime(2000, 1, 1, 10, 0)
"""Where a chat written down without times of its own begins (a table read with ``ts=none``, a
labelled file whose messages have no ``ts``): the rest follow a minute apart, the way the analysis
reads any chat without times (`analysis.context.steady`). Mid-morning, so that its first 780 lines
fall before the night."""


def untimed_ts(line: int) -> datetime:
    """When line `line` (from 0) of a chat without times of its own is placed: `NO_TIMES_START`, and
    a minute after the line before."""
    return NO_TIMES_START + timedelta(minutes=line)


class MessageKind(StrEnum):
    """What a message is: words, a photo or file, a deleted message, or an app notice."""

    TEXT = "text"
    MEDIA = "media"
    DELETED = "deleted"
    SYSTEM = "system"

    @property
    def readable(self) -> bool:
        """Something its writer sent that can be read or seen (words, a photo, a file), not a deleted
        message or an app notice: only such a message makes a bid or answers one."""
        return self is MessageKind.TEXT or self is MessageKind.MEDIA


class Relationship(StrEnum):
    """Who the conversation is with; it changes reference figures and suggestions."""

    PARTNER = "partner"
    FRIEND = "friend"
    FAMILY = "family"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Reaction:
    """Someone's reaction to a message: a ❤️ on a photo, iMessage's "Loved" (as ❤️), a 👍.

    Not a message of its own, but an answer all the same: a bid that got a reaction and no
    reply was still seen and acknowledged. `emoji` is the emoji itself (apps that name their
    reactions are mapped to the emoji they show); `ts` is when it was given, where the app
    records that (naive local time, like `Message.ts`).
    """

    author: str
    emoji: str
    ts: datetime | None = None


@dataclass(slots=True)
class Message:
    """One message of an export.

    `index` is its 0-based position among the export's messages (system notices are not
    messages and have no index), `ts` is the wall-clock time the export shows (naive local
    time), `reply_to` is the index of the message it quotes, when the app records one, and
    `reactions` are the reactions the export shows on it, in the order it lists them.
    """

    index: int
    ts: datetime
    author: str
    text: str
    kind: MessageKind = MessageKind.TEXT
    reply_to: int | None = None
    edited: bool = False
    reactions: tuple[Reaction, ...] = ()


def untimed_messages(said: Iterable[tuple[str, str]]) -> list[Message]:
    """The messages of a chat without times (a research corpus's dialogue), from its turns in order
    as (author, words), each at `untimed_ts` of its place."""
    return [Message(i, untimed_ts(i), author, words) for i, (author, words) in enumerate(said)]


@dataclass(slots=True)
class SystemEvent:
    """An app notice inside a chat ("Sam joined", "Missed voice call"): kept, never analysed."""

    ts: datetime
    text: str
    author: str | None = None


@dataclass(slots=True)
class Conversation:
    """One chat as one export presents it.

    `source` is the path the user gave (for a member of a zip: ``archive.zip!member``),
    `source_format` the importer's name, `chat_id` a stable identity of the chat inside that
    source when the app has one (used to recognise a later export of the same chat), and `me`
    the exporting user's name when the format says who that is.
    """

    source: str
    source_format: str
    title: str
    messages: list[Message]
    system_events: list[SystemEvent] = field(default_factory=list)
    chat_id: str | None = None
    me: str | None = None
    relationship: Relationship = Relationship.OTHER
    group: bool | None = None
    """Whether this is a group chat, where that is known apart from who wrote in it (a stretch cut
    out of a longer chat, `analysis.segments`); None: it is one when more than two people wrote."""

    @property
    def people(self) -> list[str]:
        """Authors in order of first appearance."""
        return list(dict.fromkeys(m.author for m in self.messages))

    @property
    def is_group(self) -> bool:
        return self.group if self.group is not None else len(self.people) > 2


@dataclass(frozen=True, slots=True)
class GoldMessage:
    """The labels an annotator gave one message (ANNOTATION.md), for measuring the analysis."""

    bid_kind: str | None
    bid_outcome: str | None
    bid_by: int | None
    horseman: str | None
    control: bool
    accountability: str | None
    repair: bool
