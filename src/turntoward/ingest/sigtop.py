"""Signal Desktop's chats as sigtop writes them (tbvdm/sigtop, ``sigtop export-messages``, plain text).

sigtop reads Signal Desktop's encrypted database and writes one ``.txt`` file a conversation (its
default format). The file starts ``Conversation: Lena (+4917698765432)``, then a blank line, then
each message: a header of fields, one a line (``From: You`` or ``From: Lena (+49…)``, ``Type:
incoming`` / ``outgoing`` / a notice's type such as ``group-v2-change``, ``Sent: Sat, 13 Jun 2020
16:45:32 +0200``, ``Received: …`` for incoming ones, an ``Attachment: IMG.jpg (image/jpeg, 1234
bytes)`` a file, a ``Reaction: ❤️ from Lena (+49…)`` a reaction, ``Edited: 2 versions``), a blank
line, the message it quotes (each line begun ``>``: ``> From:``, ``> Sent:``, its words), a blank
line and its words; a blank line ends it. An edited message lists its versions, newest first, each
line begun ``|``: the newest version's words are the message's.

People are named as sigtop names them, the name with the number (or user name, or account id) in
brackets after it: the name alone is read (the detail where Signal has no name). ``You`` is the user,
``--me`` (default Me). Times are read with their offsets and shown in this computer's zone. A
message with files is media, its words the caption; one with neither words nor files (deleted for
everyone, a sticker) keeps its turn as a deleted message. Messages of other types are notices. A
quote is a reply to the message it names (by its writer and time to the second, or the time alone:
sigtop names the user's own quoted message by their name, not You); reactions have no time in the
file. A group's title is its name; a chat with more than two people, or titled by a group id (or, in
sigtop's files before 2024, by ``(group)``), is a group. ``-f text-short`` and ``-f json`` files are
not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

_START = re.compile(r"\ufeff?Conversation: .+\n\n(?:From: .+\n)?Type: [a-z0-9-]+\n")
_FIELD = re.compile(r"([A-Z][a-z]+): (.*)")
_DETAIL = re.compile(r"^(?P<name>.*?) \((?P<detail>[^()]+)\)$")
_GROUP_ID = re.compile(r"[A-Za-z0-9_-]{43}|[0-9a-f]{32}")
"""A group's id as sigtop writes it after the group's name (base64url of 32 bytes, or hex)."""
YOU = "You"
GROUP_MARK = "group"
"""What sigtop wrote after a group's name until 2024 (``Conversation: Book club (group)``), before it
wrote the group's id there."""
MESSAGES = ("incoming", "outgoing")


class SigtopImporter:
    """Reads sigtop's plain-text export of Signal Desktop's chats."""

    name = "sigtop"
    description = "Signal Desktop's chats as sigtop exports them (plain text, a .txt file a conversation)"

    def sniff(self, source: Source, head: bytes) -> float:
        if not source.filename.lower().endswith(".txt"):
            return 0.0
        text = head.decode("utf-8", "replace").replace("\r\n", "\n")
        return 0.95 if _START.match(text) and "\nSent: " in text else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        lines = source.read_text("UTF-8 text, as sigtop writes it").replace("\r\n", "\n").split("\n")
        first = lines[0].lstrip("\ufeff")
        if not first.startswith("Conversation: "):
            raise ImportFormatError(source.name, "a first line 'Conversation: NAME'", line=1, found=first[:60])
        me = options.me or "Me"
        title, detail = _name_and_detail(first.removeprefix("Conversation: "))
        messages: list[Message] = []
        events: list[SystemEvent] = []
        by_author_and_second: dict[tuple[str, datetime], int] = {}
        by_second: dict[datetime, list[int]] = {}
        starts = _message_starts(lines)
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(lines)
            block = _Block(source, lines, start, end)
            author = me if block.field("From") == YOU else _name(block.field("From") or "Unknown")
            kind_of = block.field("Type")
            when = block.time()
            if kind_of not in MESSAGES:
                events.append(SystemEvent(when, kind_of or "unknown", None if author == me else author))
                continue
            words = block.words()
            kind = MessageKind.MEDIA if block.all("Attachment") else MessageKind.TEXT if words else MessageKind.DELETED
            reply_to = None
            if block.quoted is not None:  # the user's own quoted message is named by their name, not You
                reply_to = by_author_and_second.get(block.quoted)
                if reply_to is None and len(by_second.get(block.quoted[1], ())) == 1:
                    [reply_to] = by_second[block.quoted[1]]
            reactions = tuple(Reaction(me if who == YOU else _name(who), emoji)
                              for emoji, who in block.reactions())
            message = Message(len(messages), when, author, words, kind, reply_to, reactions=reactions,
                              edited=block.field("Edited") is not None)
            by_author_and_second.setdefault((author, when.replace(microsecond=0)), message.index)
            by_second.setdefault(when.replace(microsecond=0), []).append(message.index)
            messages.append(message)
        messages.sort(key=lambda m: m.ts)  # stable: sigtop writes them in order; a clock set back keeps it
        if [m.index for m in messages] != list(range(len(messages))):
            old_to_new = {m.index: i for i, m in enumerate(messages)}
            for i, m in enumerate(messages):
                m.index = i
                m.reply_to = old_to_new.get(m.reply_to) if m.reply_to is not None else None
        people = {m.author for m in messages} - {me}
        # sigtop before 2024 wrote "Name (group)" for a group, and nothing to tell one group from another
        marked = detail == GROUP_MARK
        group = marked or bool(_GROUP_ID.fullmatch(detail or "")) or len(people) > 1
        stem = PurePosixPath(source.filename).stem
        yield Conversation(source.name, self.name, title or stem, messages, events,
                           chat_id=title if marked or not detail else detail, me=me, group=group)


def _message_starts(lines: list[str]) -> list[int]:
    """Where each message's header begins: after a blank line, ``From:`` then ``Type:``, or ``Type:``
    alone (a notice sigtop names no sender for)."""
    starts = []
    for i in range(1, len(lines) - 1):
        if lines[i - 1] != "":
            continue
        line, after = lines[i], lines[i + 1]
        sender_first = line.startswith("From: ") and after.startswith("Type: ")
        notice = line.startswith("Type: ") and after.startswith(("Sent: ", "Received: "))
        if sender_first or notice:
            starts.append(i)
    return starts


def _name_and_detail(shown: str) -> tuple[str, str | None]:
    """``Lena (+4917698765432)`` as the name and the detail sigtop adds; the detail as the name
    where Signal has none (``Unknown (+49…)``)."""
    match = _DETAIL.match(shown.strip())
    if match is None:
        return shown.strip(), None
    name, detail = match["name"].strip(), match["detail"].strip()
    return (detail if name in ("", "Unknown") else name), detail


def _name(shown: str) -> str:
    return _name_and_detail(shown)[0]


class _Block:
    """One message's lines: its header fields, the quote, the edits and the words."""

    def __init__(self, source: Source, lines: list[str], start: int, end: int) -> None:
        self.source, self.start = source, start
        self.fields: list[tuple[str, str]] = []
        i = start
        while i < end and lines[i] != "":
            match = _FIELD.fullmatch(lines[i])
            if match is None:
                raise ImportFormatError(source.name, "a message field such as 'Sent: ...'", line=i + 1,
                                        found=lines[i][:60])
            self.fields.append((match[1], match[2]))
            i += 1
        rest = lines[i + 1:end]
        while rest and rest[-1] == "":
            rest.pop()
        self.quoted: tuple[str, datetime] | None = None
        quote = list(_take(rest, ">"))
        if quote:
            fields: dict[str, str] = {}
            for line in quote:
                match = _FIELD.fullmatch(line[1:].strip())
                if match:
                    fields.setdefault(match[1], match[2])
            sent = _time(fields.get("Sent", ""))
            if "From" in fields and sent is not None:
                self.quoted = (_name(fields["From"]), sent.replace(microsecond=0))
            rest = rest[len(quote):]
            if rest and rest[0] == "":
                rest = rest[1:]
        edits = list(_take(rest, "|"))
        if edits:
            rest = _newest_version(edits)
        self.body = rest

    def field(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.fields if key == name]

    def reactions(self) -> list[tuple[str, str]]:
        out = []
        for value in self.all("Reaction"):
            emoji, _, who = value.partition(" from ")
            if emoji and who:
                out.append((emoji, who))
        return out

    def time(self) -> datetime:
        for name in ("Sent", "Received"):
            value = self.field(name)
            when = _time(value or "")
            if when is not None:
                return when
        raise ImportFormatError(self.source.name, "a 'Sent:' time like 'Sat, 13 Jun 2020 16:45:32 +0200'",
                                line=self.start + 1, found=self.field("Sent") or "no time")

    def words(self) -> str:
        return "\n".join(self.body).strip("\n")


def _take(lines: list[str], mark: str) -> Iterator[str]:
    """The lines at the start of `lines` that begin with `mark` (a quote's ``>``, an edit's ``|``)."""
    for line in lines:
        if not line.startswith(mark):
            return
        yield line


def _newest_version(edits: list[str]) -> list[str]:
    """The words of the first (newest) version of an edited message: its lines after the blank ``|``
    line that ends its fields, up to the blank ``|`` line before the next version."""
    lines = [line[2:] if line.startswith("| ") else line[1:] for line in edits]
    body: list[str] = []
    in_body = False
    for k, line in enumerate(lines):
        if k and line.startswith("Version: "):
            break
        if not in_body:
            in_body = line == "" and k > 0
            continue
        body.append(line)
    while body and body[-1] == "":
        body.pop()
    return body


def _time(value: str) -> datetime | None:
    """``Sat, 13 Jun 2020 16:45:32 +0200`` as this computer's local time; None for ``unknown``."""
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


register(SigtopImporter())
