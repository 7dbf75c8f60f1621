"""Discord channels and DMs as DiscordChatExporter writes them in HTML, its default format.

Read from DiscordChatExporter.Core/Exporting/**/MessageGroupTemplate.cshtml and
PreambleTemplate.cshtml. The page opens with a preamble (``<div class="preamble__entry">``:
the server, ``Direct Messages`` for a DM, then the channel as ``Category / name``; ``info__guild-name``
and ``info__channel-name`` in exports from before 2.33). Messages come in groups, one author each:

    <div class="chatlog__message-group">
      <div class="chatlog__message-container" data-message-id="1218597731112075345">
        ... <span class="chatlog__author" title="rowan.ff" data-user-id="...">Rowan</span>
            <span class="chatlog__timestamp"><a href="#...">3/12/2024 9:04 PM</a></span>
        <div class="chatlog__content chatlog__markdown">
          <span class="chatlog__markdown-preserve">the words, newlines kept</span>
          <span class="chatlog__edited-timestamp" title="...">(edited)</span>
        </div>
        <div class="chatlog__attachment">...</div>
      </div>
      <div class="chatlog__message-container" data-message-id="...">
        <div class="chatlog__short-timestamp" title="3/12/2024 9:05 PM">9:05 PM</div> ...
      </div>
    </div>

The first message of a group carries the author (shown by their server nickname or display
name, as the JSON export's ``nickname``) and the time; the others carry the time in the title of
their short timestamp. Exports from before 2.33 write ``chatlog__author-name`` and one
``chatlog__timestamp`` per group, then each message as ``<div class="chatlog__message"
data-message-id=...>``; their later messages take the group's time. A reply's quoted message
(``chatlog__reply`` or ``chatlog__reference``, linking the original through
``scrollToMessage(event, 'id')``) becomes `reply_to`, never part of the words; link previews
(``chatlog__embed``) and reaction counts (``chatlog__reactions``: no names, so nobody can be
credited, as with JSON reactions that list no users) are left out. Emoji images read as their
``alt`` text, the emoji itself. A message with an attachment or a sticker is media, with the JSON
importer's placeholder when it has no words. Notices (``chatlog__system-notification-*``: calls,
pins, people added or leaving) become `SystemEvent`s.

Times are written in the exporting computer's culture, as in the plain-text export, and read the
same way (`read_times`, the day/month order decided over the whole page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from turntoward.errors import ImportFormatError
from turntoward.ingest._html import RoleParser, read_page
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._table_times import read_times
from turntoward.ingest.discord import ATTACHMENT, STICKER, partitions
from turntoward.ingest.discord_txt import DIRECT_MESSAGES, NOTICES
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

PREAMBLE = re.compile(rb"class=[\"']?(?:preamble__entry|info__channel-name)")
SNOWFLAKE_SHIFT = 22  # a message id's bits below its milliseconds since 2015
DISCORD_EPOCH = datetime(2015, 1, 1)  # UTC, naive like every time here
MAX_ZONE = timedelta(hours=14)
SCROLL_TO = re.compile(r"scrollToMessage\(event,\s*'(\d+)'\)")
SPACES = re.compile(r"\s+")
# Parts of a message whose text is not the message's words.
SKIPPED = frozenset({
    "chatlog__reply", "chatlog__reference", "chatlog__embed", "chatlog__reactions", "chatlog__edited-timestamp",
    "chatlog__author-tag", "chatlog__bot-label", "chatlog__attachment", "chatlog__sticker",
})


class DiscordHtmlImporter:
    """Reads DiscordChatExporter's HTML exports (dark or light theme) of one channel or DM."""

    name = "discord_html"
    description = "Discord channel or DM exported by DiscordChatExporter (HTML)"

    def sniff(self, source: Source, head: bytes) -> float:
        # the page's preamble names the channel; a minified page leaves a single class unquoted
        return 0.95 if b"chatlog" in head and PREAMBLE.search(head) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        pages = partitions(source)
        if not pages:
            return  # the first part brings this one in
        readers = []
        for page in pages:
            reader = _PageReader(page.name)
            read_page(page, reader, "DiscordChatExporter")
            readers.append(reader)
        first = readers[0]
        first.entries = [entry for reader in readers for entry in reader.entries]
        yield first.conversation(source, options)


class _Entry:
    """A message or notice being read."""

    __slots__ = ("anchor", "author", "edited", "id", "line", "media", "notice", "page", "reply_to", "text", "when",
                 "words")

    def __init__(self, page: str, line: int, message_id: str | None) -> None:
        self.page = page  # the part of the export it is in
        self.line = line
        self.id = message_id
        self.author: str | None = None
        self.when: str | None = None
        self.words: list[str] | None = None  # inside the "preserve" span: text as written
        self.text: list[str] = []  # all of the content, for exports without that span
        self.media: str | None = None
        self.edited = False
        self.notice: list[str] | None = None
        self.reply_to: str | None = None
        self.anchor: str | None = None  # the group's first message, whose time this one took


class _PageReader(RoleParser):
    """Streams the page; each message container read becomes an `_Entry`."""

    RECORDS = frozenset({"entry"})

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.preamble: list[list[str]] = []
        self.info: dict[str, list[str]] = {}
        self.entries: list[_Entry] = []
        self.entry: _Entry | None = None
        self.group_author: str | None = None
        self.group_when: str | None = None
        self.capture: list[str] | None = None  # where text goes now: a name, a time, a notice
        self.skipping = 0  # inside parts that are not the message's words
        self.group_reply: str | None = None
        self.group_first: str | None = None  # the id of the group's first message
        self.in_words = self.in_content = 0

    def handle_data(self, data: str) -> None:
        self._add(data)

    def _add(self, text: str) -> None:
        if self.skipping:
            return
        entry = self.entry
        if self.capture is not None:
            self.capture.append(text)
        elif entry is not None and self.in_words:
            assert entry.words is not None
            entry.words.append(text)
        elif entry is not None and self.in_content:
            entry.text.append(text)

    # What a tag means.

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        classes = attributes.get("class", "").split()
        entry = self.entry
        if tag == "br":
            self._add("\n")
        elif tag == "img" and ("chatlog__emoji" in classes or "emoji" in classes):  # "emoji" before 2.33
            alt = attributes.get("alt", "")  # a custom server emoji is its name, written :name: as in the JSON
            self._add(f":{alt.strip(':')}:" if "/emojis/" in attributes.get("src", "") and alt else alt)
        if self.skipping and "onclick" in attributes:
            found = SCROLL_TO.search(attributes["onclick"])  # the link to the quoted message
            if found and entry is not None:
                entry.reply_to = entry.reply_to or found[1]
            elif found:  # an old layout quotes above the group's first message
                self.group_reply = found[1]
        if self.skipping or not classes:
            return None
        if "preamble__entry" in classes:
            self.preamble.append([])
            self.capture = self.preamble[-1]
            return "capture"
        for key in ("info__guild-name", "info__channel-name"):
            if key in classes:
                self.capture = self.info.setdefault(key, [])
                return "capture"
        if "chatlog__message-group" in classes:
            self.group_author = self.group_when = self.group_first = None
            return None
        if entry is None:
            old_message = "chatlog__message" in classes and "data-message-id" in attributes  # before 2.33
            if "chatlog__message-container" in classes or old_message:
                self.entry = _Entry(self.name, self.getpos()[0], attributes.get("data-message-id"))
                self.group_first = self.group_first or self.entry.id
                self.entry.reply_to, self.group_reply = self.group_reply, None
                return "entry"
            if "chatlog__reference" in classes or "chatlog__reply" in classes:
                self.skipping += 1
                return "skip"
            if "chatlog__author-name" in classes or "chatlog__author" in classes:  # old layout: the group's header
                self.capture = []
                return "group-author"
            if "chatlog__timestamp" in classes:
                self.capture = []
                return "group-when"
            return None
        if SKIPPED.intersection(classes):
            if "chatlog__attachment" in classes:
                entry.media = entry.media or ATTACHMENT
            elif "chatlog__sticker" in classes:
                entry.media = entry.media or STICKER
            elif "chatlog__edited-timestamp" in classes:
                entry.edited = True
            self.skipping += 1
            return "skip"
        if "chatlog__short-timestamp" in classes:
            entry.when = attributes.get("title") or entry.when
            self.skipping += 1
            return "skip"
        if {"chatlog__author", "chatlog__author-name", "chatlog__system-notification-author"}.intersection(classes):
            self.capture = []
            return "author"
        if "chatlog__timestamp" in classes or "chatlog__system-notification-timestamp" in classes:
            self.capture = []
            return "when"
        if "chatlog__system-notification-content" in classes:
            entry.notice = []
            self.capture = entry.notice
            return "notice"
        if "chatlog__content" in classes:
            self.in_content += 1
            return "content"
        if "chatlog__markdown-preserve" in classes or "preserve-whitespace" in classes or "markdown" in classes:
            if entry.words is None:
                entry.words = []
            self.in_words += 1
            return "words"
        return None

    def ended(self, role: str, depth: int) -> None:
        entry = self.entry
        captured = _spaced(self.capture)
        if role == "skip":
            self.skipping -= 1
        elif role == "content":
            self.in_content -= 1
        elif role == "words":
            self.in_words -= 1
        elif role in ("capture", "notice"):
            self.capture = None
        elif role == "group-author":
            self.group_author, self.capture = captured, None
        elif role == "group-when":
            self.group_when, self.capture = captured, None
        elif role == "author" and entry is not None:
            entry.author = self.group_author = captured
            self.capture = None
        elif role == "when" and entry is not None:
            entry.when = self.group_when = captured
            self.capture = None
        elif role == "entry" and entry is not None:
            entry.author = entry.author or self.group_author
            if entry.when is None:
                entry.when, entry.anchor = self.group_when, self.group_first
            self.entries.append(entry)
            self.entry = None

    # The result.

    def conversation(self, source: Source, options: ImportOptions) -> Conversation:
        if not self.preamble and not self.info:
            raise ImportFormatError(self.name, "a DiscordChatExporter HTML export (its preamble names the channel)",
                                    found="no preamble")
        times = _times(self.entries, options.date_order)
        messages: list[Message] = []
        events: list[SystemEvent] = []
        index_of: dict[str, int] = {}
        replies: list[tuple[Message, str]] = []
        for entry, ts in zip(self.entries, times, strict=True):
            if ts is None:
                raise ImportFormatError(entry.page, "a message time the exporter wrote (chatlog__timestamp)",
                                        line=entry.line, found=entry.when or "none")
            author = entry.author or "(no name)"
            ts = _to_the_second(ts, entry)
            if entry.notice is not None:
                events.append(SystemEvent(ts, _spaced(entry.notice), author))
                continue
            words = entry.words if entry.words is not None else entry.text
            text = "".join(words).strip() if entry.words is not None else _spaced(words)
            if entry.media is None and NOTICES.fullmatch(text):  # old pages write Discord's notices as words
                events.append(SystemEvent(ts, text, author))
                continue
            message = Message(index=len(messages), ts=ts, author=author, text=text, edited=entry.edited)
            if entry.media is not None:
                message.kind = MessageKind.MEDIA
                message.text = text or entry.media
            if entry.id is not None:
                index_of[entry.id] = message.index
            if entry.reply_to is not None:
                replies.append((message, entry.reply_to))
            messages.append(message)
        for message, quoted in replies:
            message.reply_to = index_of.get(quoted)
        return Conversation(
            source=source.name,
            source_format=DiscordHtmlImporter.name,
            title=self._title(),
            messages=messages,
            system_events=events,
            me=options.me,
        )

    def _title(self) -> str:
        if self.preamble:
            entries = [_spaced(entry) for entry in self.preamble]
            guild, channel = entries[0], entries[1] if len(entries) > 1 else ""
        else:
            guild = _spaced(self.info.get("info__guild-name", []))
            channel = _spaced(self.info.get("info__channel-name", []))
        channel = channel.rsplit(" / ", 1)[-1]
        return channel if guild == DIRECT_MESSAGES or not guild else f"{guild} #{channel}"


def _times(entries: list[_Entry], date_order: str | None) -> list[datetime | None]:
    """The page's times. Where every date fits both day/month orders (3/1/2024, 3/2/2024), the order
    is the one in which the dates agree with the days the message ids were made on, since the
    dates running forward cannot tell it there; the user's --date-order decides when given."""
    whens = [entry.when or "" for entry in entries]
    if date_order is not None:
        return read_times(whens, date_order=date_order)
    readings = [read_times(whens, date_order=order) for order in ("dmy", "mdy")]
    if readings[0] == readings[1]:
        return readings[0]

    def agreeing(times: list[datetime | None]) -> int:
        sent = (_snowflake_time(entry.id) for entry in entries)
        return sum(1 for ts, utc in zip(times, sent, strict=True)
                   if ts is not None and utc is not None and abs(ts - utc) <= MAX_ZONE + timedelta(minutes=1))

    day_first, month_first = (agreeing(times) for times in readings)
    if month_first > day_first:
        return readings[1]
    if day_first > month_first:
        return readings[0]
    return read_times(whens)  # the ids cannot tell: as every table is read


def _to_the_second(ts: datetime, entry: _Entry) -> datetime:
    """The message's time to the millisecond, from its id where the page's time agrees with it.

    A message id is a Discord snowflake: milliseconds since 2015 (UTC) in its upper bits. The
    page writes times to the minute in the exporting computer's zone, and old pages write only
    the group's first time (`_Entry.anchor`), so a later message of the group first moves on by
    the ids' difference. Then, where the page's time is within two minutes of the id's time plus a
    zone offset (a whole quarter hour, at most 14 hours), the id's time in that zone is the
    message's time, as the JSON export gives it.
    """
    sent = _snowflake_time(entry.id)
    if sent is None:
        return ts
    first = _snowflake_time(entry.anchor)
    if first is not None:
        ts += max(sent - first, timedelta(0))
    gap = ts - sent
    zone = timedelta(minutes=15 * round(gap / timedelta(minutes=15)))
    if abs(zone) <= MAX_ZONE and abs(gap - zone) < timedelta(minutes=2):
        return sent + zone
    return ts


def _snowflake_time(snowflake: str | None) -> datetime | None:
    """When a Discord id was made (UTC); None for what is not an id this century."""
    if snowflake is None or not snowflake.isascii() or not snowflake.isdigit() or len(snowflake) > 20:
        return None
    try:
        return DISCORD_EPOCH + timedelta(milliseconds=int(snowflake) >> SNOWFLAKE_SHIFT)
    except OverflowError:
        return None


def _spaced(parts: list[str] | None) -> str:
    return SPACES.sub(" ", "".join(parts or [])).strip()  # the parser has decoded the entities already


register(DiscordHtmlImporter())

__all__ = ["DiscordHtmlImporter"]
