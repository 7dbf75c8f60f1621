"""Discord channels and DMs as DiscordChatExporter writes them in its plain-text format (TXT).

Read from DiscordChatExporter.Core/Exporting/PlainTextMessageWriter.cs. The file opens with a
preamble between two rules of 62 ``=``: ``Guild: Direct Messages``, ``Channel: Private / kaiwaves``
and, where set, ``Topic:``, ``After:`` and ``Before:``. Each message is then

    [12/03/2024 21:04] rowan.ff (pinned)
    the words, over as many lines as they take

    {Attachments}
    https://cdn.discordapp.com/attachments/.../photo.jpg

    {Reactions}
    ❤️ (2) 👍

followed by a blank line; ``{Embed}`` (a link's preview) and ``{Stickers}`` sections come the
same way. A closing rule, ``Exported 42 message(s)`` and a last rule end the file (exports from
before about 2020 have no such ending, and ``Messages:`` and ``Range:`` lines in the preamble; a
topic may run over several lines). A line in brackets after a blank line starts a message only
where the brackets hold a clock time (``[draft] see below`` is words); one whose date is not real
is an error naming it. An export split into parts (``… [part 2].txt``) reads as one channel.

The time is written in the exporting computer's culture (``--locale``; .NET's short date and
time, ``5/1/2020 10:00 AM``, ``01.05.2020 10:00``; older versions ``05-Apr-20 02:22 PM``), so
the day/month order is decided over every header, as for WhatsApp (`read_times`). Authors are
user names (the plain-text writer has no nicknames; a legacy ``#1234`` discriminator is kept, as
two people may share a name, but a bot's or bridge's ``#0000`` is dropped),
so the same chat exported as JSON is shown under its nicknames instead. A message with
attachments or stickers is media; reactions carry no names, so nobody can be credited with them
and they are left out, as the JSON importer does with reactions that list no users. Discord's
own notices (joins, pins, calls, people added) are written as their English fallback text and
become `SystemEvent`s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._table_times import read_times
from turntoward.ingest.discord import ATTACHMENT, STICKER, partitions
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

RULE = "=" * 62
DIRECT_MESSAGES = "Direct Messages"
# a header's time always holds a clock ("5/1/2020 10:00 AM"), so "[draft] see below" is words
_HEADER = re.compile(
    r"\[(?P<when>[^\]\n]{0,30}\d{1,2}[:.]\d{2}[^\]\n]{0,12})\] (?P<author>.+?)(?P<pinned> \(pinned\))?"
)
_CLOCK_ONLY = re.compile(r"\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[AaPp]\.?\s?[Mm]\.?)?\s*")
"""A time without a date: DiscordChatExporter always writes the date, so "[11:48 AM] Sam: wait for it"
after a blank line is a message someone pasted into theirs (seen in a real export), not a header."""
_NO_DISCRIMINATOR = re.compile(r"#0000$")
LINE_BREAK = re.compile(r"\r\n|\n|\r")  # not str.splitlines, which also breaks at \x1d, \x85, \u2028...
_SECTIONS = ("{Attachments}", "{Embed}", "{Stickers}", "{Reactions}")
# Discord's notices, as DiscordChatExporter writes a notice that has no words of its own.
NOTICES = re.compile(
    r"Added (?:a recipient|.+ to the group)\.|Removed (?:a recipient|.+ from the group)\.|Left the group\."
    r"|Started a call(?: that lasted [\d,.\s]+ minutes?)?(?: with \d+ participants?)?\."
    r"|Changed the (?:channel|group) (?:name|icon)(?: to .+)?\.|Changed the (?:channel|group) name: .+"
    r"|Pinned a message\.|Started a thread\."
    r"|Joined the server\.|Boosted the server\.?"
)
EXPECTED = "a DiscordChatExporter plain-text export: a rule of 62 '=', then 'Guild: ...' and 'Channel: ...'"


class DiscordTextImporter:
    """Reads DiscordChatExporter's plain-text exports of one channel or DM."""

    name = "discord_txt"
    description = "Discord channel or DM exported by DiscordChatExporter (TXT)"

    def sniff(self, source: Source, head: bytes) -> float:
        lines = LINE_BREAK.split(head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace"), maxsplit=3)[:3]
        if len(lines) == 3 and lines[0] == RULE and lines[1].startswith("Guild: ") and lines[2].startswith("Channel: "):
            return 0.95
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        pages = partitions(source)
        if not pages:
            return  # the first part brings this one in
        parts = [_Part(page) for page in pages]
        # the day/month order is decided over every part's headers
        times = iter(read_times([found["when"] for part in parts for _, found in part.heads],
                                date_order=options.date_order))
        messages: list[Message] = []
        events: list[SystemEvent] = []
        for part in parts:
            part.read_into([next(times) for _ in part.heads], messages, events)
        yield Conversation(
            source=source.name,
            source_format=self.name,
            title=_title(parts[0].preamble),
            messages=messages,
            system_events=events,
            me=options.me,
        )


class _Part:
    """One file of an export (DiscordChatExporter splits a long one into parts): its headers."""

    def __init__(self, source: Source) -> None:
        self.name = source.name
        self.lines = lines = LINE_BREAK.split(source.read_text("UTF-8 text, as DiscordChatExporter writes it"))
        self.preamble, start = _preamble(source.name, lines)
        self.heads: list[tuple[int, re.Match[str]]] = []  # (line number from 0, header) of each message
        self.end = len(lines)
        for number in range(start, len(lines)):
            line = lines[number]
            if line == RULE and number + 1 < len(lines) and lines[number + 1].startswith("Exported "):
                self.end = number
                break
            if ((number == start or not lines[number - 1]) and (found := _HEADER.fullmatch(line))
                    and _CLOCK_ONLY.fullmatch(found["when"]) is None):
                self.heads.append((number, found))
            elif not self.heads and line.strip():
                raise ImportFormatError(source.name, "a message header like '[5/1/2020 10:00 AM] name'",
                                        line=number + 1, found=line)

    def read_into(self, times: list[datetime | None], messages: list[Message], events: list[SystemEvent]) -> None:
        """Add this part's messages, given the time each header reads as."""
        for k, ((number, found), ts) in enumerate(zip(self.heads, times, strict=True)):
            if ts is None:
                raise ImportFormatError(self.name, "a real date and time in the message header", line=number + 1,
                                        found=found["when"])
            body_end = self.heads[k + 1][0] if k + 1 < len(self.heads) else self.end
            author = _NO_DISCRIMINATOR.sub("", found["author"])
            _add(self.lines[number + 1 : body_end], ts, author, messages, events)


def _preamble(name: str, lines: list[str]) -> tuple[dict[str, str], int]:
    """The fields between the two rules at the top, and the line the messages start on."""
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if len(lines) < 3 or lines[0] != RULE:
        raise ImportFormatError(name, EXPECTED, line=1, found=lines[0] if lines else "an empty file")
    fields: dict[str, str] = {}
    for number in range(1, len(lines)):
        line = lines[number]
        if line == RULE:
            if "Guild" not in fields or "Channel" not in fields:
                raise ImportFormatError(name, EXPECTED, line=number + 1, found="a rule before 'Guild:' and 'Channel:'")
            start = number + 1
            while start < len(lines) and not lines[start].strip():
                start += 1
            return fields, start
        key, colon, value = line.partition(": ")
        if not colon and "Topic" in fields:
            fields["Topic"] += "\n" + line  # a channel topic of several lines, written as it is
            continue
        if not colon:
            raise ImportFormatError(name, "a 'Field: value' line of the export's preamble", line=number + 1,
                                    found=line)
        fields[key] = value
    raise ImportFormatError(name, "the rule of 62 '=' that ends the preamble", found="the end of the file")


def _title(preamble: dict[str, str]) -> str:
    """A DM is titled by its channel (the other person), a server channel as "Server #channel"."""
    channel = preamble["Channel"].rsplit(" / ", 1)[-1]
    guild = preamble["Guild"]
    return channel if guild == DIRECT_MESSAGES else f"{guild} #{channel}"


def _add(body: list[str], ts: datetime, author: str, messages: list[Message], events: list[SystemEvent]) -> None:
    """Read one message's lines (words, then its sections) into a message or a notice."""
    while body and not body[-1]:
        body.pop()
    words = len(body)
    sections: dict[str, list[str]] = {}
    for number, line in enumerate(body):
        if line in _SECTIONS and (number == 0 or not body[number - 1]):
            if not sections:
                words = number
            sections.setdefault(line, [])
            current = sections[line]
        elif sections and line:
            current.append(line)
    text = "\n".join(body[:words]).strip("\n")
    if "{Attachments}" not in sections and "{Stickers}" not in sections and NOTICES.fullmatch(text):
        events.append(SystemEvent(ts, text, author))
        return
    message = Message(index=len(messages), ts=ts, author=author, text=text)
    if sections.get("{Attachments}") or sections.get("{Stickers}"):
        message.kind = MessageKind.MEDIA
        message.text = text or (ATTACHMENT if sections.get("{Attachments}") else STICKER)
    messages.append(message)


register(DiscordTextImporter())

__all__ = ["DiscordTextImporter"]
