"""Telegram Desktop's HTML export of one chat (``messages.html``, ``messages2.html``, ...).

"Export chat history" writes HTML unless the user picks JSON: a folder ``ChatExport_<date>/``
holding ``messages.html`` and, after every 1,000 messages, ``messages2.html``,
``messages3.html``, ... (each page ends with a "Next messages" link to the next one), beside
``css/``, ``js/``, ``images/``, ``photos/``, ``voice_messages/``, ``stickers/``, ...
The whole-account export holds one such folder per chat (``chats/chat_001/messages.html``).

Given ``messages.html`` we read its sibling pages in page order as one conversation; given
``messagesN.html`` (N > 1) next to a ``messages.html`` we yield nothing, since the first page
already brings it in; a page without its first page beside it is read by itself.

Inside ``<div class="history">`` every message is a ``<div class="message default clearfix"
id="message123">`` whose ``<div class="pull_right date details" title="12.03.2024 21:04:05
UTC+01:00">`` holds its time, ``<div class="from_name">`` its sender (with " via @bot" after a
bot's name) and ``<div class="text">`` its words (``<br>`` for line breaks, entities escaped,
formatting and links as inline tags). A message by the sender of the message before, within
15 minutes, is ``message default clearfix joined`` and has no ``from_name``: it takes the
previous sender. ``<div class="reply_to details">`` links to ``#go_to_message<id>`` (or
``messagesN.html#go_to_message<id>`` on an earlier page); ``<div class="forwarded body">``
wraps a forwarded message with the original sender's name; ``<div class="media_wrap">`` holds a
photo, sticker, voice message, file, location, poll, ... Phone calls are messages too, with a
``media_call`` box.

``<div class="message service">`` holds notices ("Mira pinned this message") and, with a
negative id, the day separators ("12 March 2024") Telegram puts before each new day.

What we make of it matches what `turntoward.ingest.telegram` makes of the same chat exported
as JSON, so both exports give the same records. Times are the wall-clock part of the title:
Telegram writes the very same local time as the JSON's ``date`` (the UTC offset after it, in
exports since 2023, is the computer's standard-time offset even in summer, so it is not used).
Media become MEDIA messages with the JSON importer's placeholders (``<photo>``, ``<voice
message>``, ...) unless they have a caption; a poll reads as its question; a forwarded message
counts as said by the person who forwarded it; calls become `SystemEvent`s ("phone call
(312 s)") like the JSON's call entries. Notices become `SystemEvent`s with Telegram's English
sentence, at the time of the message before them (the page gives them none). The page does not
mark edited messages, so `edited` is always False, and it has no chat id.

Reactions (Telegram Desktop 5.5.7, October 2024, and later; ``pushMessage`` in
``export/output/export_output_html.cpp``) close a message's ``<div class="body">``, after its
text (indentation shortened)::

    <span class="reactions">
     <span class="reaction active">
      <span class="emoji">❤</span>
      <span class="userpics">
       <div class="userpic userpic2" style="width: 20px; height: 20px">
        <div class="initials" style="line-height: 20px" title="Teo Vance">TV</div>
       </div>
      </span>
      <span class="count">3</span>
     </span>
    </span>

Versions 5.5.7 to 5.12 write a ``<div>`` where later ones write each of these ``<span>`` tags;
both are read. ``active`` marks a reaction the exporting account is among the named reactors of,
``paid`` one in Telegram Stars (its emoji is ``⭐``). Each reactor Telegram's server sent with
the message (the JSON's ``recent``) gets a userpic whose ``title`` is their display name, the
same name the JSON export writes as ``from``; a deleted account, whose name is empty, gets no
``title``. The ``count`` appears only when nobody, or not everyone, is named. A custom emoji is
``<a href="...">👋</a>``: the same waving hand for every custom emoji, a placeholder rather than
the emoji's own fallback.

As in `turntoward.ingest.telegram`, each named reactor of a plain emoji reaction becomes one
`Reaction`, named as message senders are, in page order; the unnamed rest of a count, custom
emoji and paid reactions add nothing, and notices and calls keep none. The page gives no time
for a reaction, so `Reaction.ts` is None where the JSON export has the time; otherwise both
exports list the same reactors with the same emoji in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from html import unescape
from typing import NoReturn

from turntoward.errors import ImportFormatError
from turntoward.ingest._html import RoleParser
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, export_pages
from turntoward.ingest.telegram import (
    DELETED_ACCOUNT,
    FILE,
    MEDIA_PLACEHOLDERS,
    OTHER_CONTENT,
    PHOTO,
    UNSUPPORTED,
)
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

PAGE_NAME = re.compile(r"messages(\d*)\.html")
DATE_TITLE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})(?: UTC(?:[+-]\d{1,2}(?::\d{2})?)?)?")
# Telegram writes day separators ("12 March 2024") in English whatever the app's language.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAY_SEPARATOR = re.compile(rf"(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})")
GO_TO_MESSAGE = re.compile(r"#go_to_message(\d+)$")
VIA_BOT = re.compile(r"\s+via @\w+$")
CALL_SECONDS = re.compile(r"\((\d+) seconds\)")
LAYOUT_WHITESPACE = re.compile(r"\n[ \t]*")  # Telegram's indentation; a newline in the text is <br>

# A media box's class and what stands in for it, as the JSON importer writes for the same file.
WRAPPED_MEDIA: dict[str, str] = {
    "photo_wrap": PHOTO,
    "sticker_wrap": MEDIA_PLACEHOLDERS["sticker"],
    "animated_wrap": MEDIA_PLACEHOLDERS["animation"],
    "video_file_wrap": MEDIA_PLACEHOLDERS["video_file"],
}
GENERIC_MEDIA: dict[str, str] = {
    "media_photo": PHOTO,
    "media_video": MEDIA_PLACEHOLDERS["video_file"],
    "media_voice_message": MEDIA_PLACEHOLDERS["voice_message"],
    "media_audio_file": MEDIA_PLACEHOLDERS["audio_file"],
    "media_file": FILE,
    "media_contact": OTHER_CONTENT["contact_information"],
    "media_location": OTHER_CONTENT["location_information"],
    "media_live_location": OTHER_CONTENT["location_information"],
    "media_venue": OTHER_CONTENT["place_name"],
    "media_game": OTHER_CONTENT["game_title"],
    "media_invoice": OTHER_CONTENT["invoice_information"],
}
# A generic photo or video box (no thumbnail in the export) says what it holds in its title.
GENERIC_TITLES: dict[str, str] = {
    "Sticker": MEDIA_PLACEHOLDERS["sticker"],
    "Video message": MEDIA_PLACEHOLDERS["video_message"],
    "Animation": MEDIA_PLACEHOLDERS["animation"],
}
CALL = "media_call"
POLL = "media_poll"
DATE_EXPECTED = 'a date (<div class="pull_right date details" title="DD.MM.YYYY HH:MM:SS">)'


class TelegramHtmlImporter:
    """Reads one chat of a Telegram Desktop HTML export (all its messagesN.html pages)."""

    name = "telegram_html"
    description = "Telegram Desktop HTML export (messages.html)"

    def sniff(self, source: Source, head: bytes) -> float:
        if b'<div class="page_wrap">' not in head or b'class="history"' not in head:
            return 0.0
        if b'class="message default' not in head and b'class="message service' not in head:
            return 0.0  # the export's other pages (export_results.html, lists/chats.html)
        return 0.95 if PAGE_NAME.fullmatch(source.filename) else 0.9

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        page = PAGE_NAME.fullmatch(source.filename)
        number = int(page[1] or 1) if page else 0
        pages = export_pages(source, number, lambda n: "messages.html" if n == 1 else f"messages{n}.html")
        if not pages:
            return  # messages.html brings this page in
        chat = _Chat()
        for page_source in pages:
            linked = _read_page(page_source, chat)
        if number == 1 and linked is not None and linked > len(pages):
            raise ImportFormatError(
                pages[-1].name, f"the page it links to, messages{linked}.html, beside it", found="no such file"
            )
        for message, target in chat.replies:
            message.reply_to = chat.index_of.get(target)  # None: the quoted message is not in this export
        yield Conversation(
            source=source.name,
            source_format=self.name,
            title=chat.title or ", ".join(dict.fromkeys(m.author for m in chat.messages)),
            messages=chat.messages,
            system_events=chat.events,
            me=options.me,
        )


class _Chat:
    """What the pages of one chat add up to, page by page."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.messages: list[Message] = []
        self.events: list[SystemEvent] = []
        self.index_of: dict[int, int] = {}
        self.replies: list[tuple[Message, int]] = []
        self.last_author: str | None = None  # a joined message's sender
        self.clock: datetime | None = None  # the latest time seen, for notices (they have none)


def _read_page(source: Source, chat: _Chat) -> int | None:
    """Add one page's messages to `chat`; the number of the page its "Next messages" links to."""
    text = source.read_text("a UTF-8 encoded HTML page")
    reader = _PageReader(source, chat)
    try:
        reader.feed(text)
        reader.close()
    except (AssertionError, ValueError, IndexError) as exc:  # markup the standard parser gives up on
        line = reader.getpos()[0]
        raise ImportFormatError(source.name, "well-formed HTML", line=line, found=str(exc)) from exc
    reader.finish()
    return reader.next_page


class _ShownReaction:
    """One ``<span class="reaction">`` of a message: its emoji and the names of its reactors."""

    __slots__ = ("custom", "emoji", "names", "paid")

    def __init__(self, paid: bool) -> None:
        self.paid = paid
        self.custom = False  # a custom emoji: the page shows a placeholder, not the emoji
        self.emoji: list[str] | None = None
        self.names: list[str] = []


class _Entry:
    """A message or notice being read, from its opening tag to its closing one."""

    __slots__ = (
        "date",
        "date_line",
        "from_name",
        "id",
        "line",
        "media",
        "media_status",
        "media_title",
        "poll",
        "reactions",
        "reply_to",
        "service",
        "text",
    )

    def __init__(self, line: int, service: bool, message_id: int | None) -> None:
        self.line = line
        self.service = service
        self.id = message_id
        self.date: str | None = None
        self.date_line = line
        self.from_name: list[str] | None = None
        self.text: list[str] | None = None
        self.media: str | None = None
        self.media_title: list[str] | None = None
        self.media_status: list[str] | None = None
        self.poll: list[str] | None = None
        self.reply_to: int | None = None
        self.reactions: list[_ShownReaction] = []


class _PageReader(RoleParser):
    """Streams one page, turning each closed message div into a record of `chat`."""

    def __init__(self, source: Source, chat: _Chat) -> None:
        super().__init__(convert_charrefs=False)  # a literal newline is layout, an escaped one is text
        self.source = source
        self.chat = chat
        self.entry: _Entry | None = None
        self.capture: list[list[str]] = []  # text being collected, innermost last
        self.title: list[str] | None = None
        self.in_header = self.in_forward = self.in_reply = self.in_media = self.in_reactions = 0
        self.saw_history = self.closed_history = False
        self.next_page: int | None = None

    # The parser's events.

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        if tag == "br":
            self._add("\n")
            return None
        return self._role(tag, set(attributes.get("class", "").split()), attributes)

    def handle_data(self, data: str) -> None:
        if self.capture:
            self.capture[-1].append(LAYOUT_WHITESPACE.sub("", data))

    def handle_entityref(self, name: str) -> None:
        self._add(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._add(unescape(f"&#{name};"))

    # What a tag means.

    def _role(self, tag: str, classes: set[str], attributes: dict[str, str]) -> str | None:
        entry = self.entry
        if entry is None:
            if tag == "div" and "message" in classes and ("default" in classes or "service" in classes):
                if not self.saw_history:
                    self._fail(self.getpos()[0], 'messages inside <div class="history">')
                self.entry = _Entry(self.getpos()[0], "service" in classes, _message_id(attributes))
                return "message"
            if tag == "div" and "history" in classes:
                self.saw_history = True
                return "history"
            if tag == "div" and "page_header" in classes:
                self.in_header += 1
                return "header"
            if self.in_header and tag == "div" and {"text", "bold"} <= classes and self.title is None:
                self.title = self._start_capture()
                return "capture"
            if tag == "a" and "pagination" in classes:
                page = PAGE_NAME.fullmatch(attributes.get("href", ""))
                if page:
                    number = int(page[1] or 1)
                    self.next_page = max(self.next_page or 0, number)
            return None
        if entry.service:
            if tag == "div" and {"body", "details"} <= classes and entry.text is None:
                entry.text = self._start_capture()
                return "capture"
            return None
        if self.in_reactions:
            return self._reaction_role(entry, tag, classes, attributes)
        if tag in ("span", "div") and "reactions" in classes:
            self.in_reactions += 1
            return "reactions"
        if tag == "div" and "date" in classes and entry.date is None:
            entry.date = attributes.get("title", "")
            entry.date_line = self.getpos()[0]
            return None
        if tag == "div" and "from_name" in classes and not self.in_forward and entry.from_name is None:
            entry.from_name = self._start_capture()
            return "capture"
        if tag == "div" and "forwarded" in classes and "body" in classes:
            self.in_forward += 1
            return "forward"
        if tag == "div" and "reply_to" in classes:
            self.in_reply += 1
            return "reply"
        if tag == "a" and self.in_reply:
            target = GO_TO_MESSAGE.search(attributes.get("href", ""))
            if target:
                entry.reply_to = int(target[1])
            return None
        if tag == "div" and "media_wrap" in classes:
            self.in_media += 1
            return "media"
        if self.in_media:
            return self._media_role(entry, classes, attributes.get("class", "").split())
        if tag == "div" and classes == {"text"} and entry.text is None:
            entry.text = self._start_capture()
            return "capture"
        return None

    def _media_role(self, entry: _Entry, classes: set[str], in_order: list[str]) -> str | None:
        if entry.media is None:
            for name in in_order:
                if name in WRAPPED_MEDIA or name in GENERIC_MEDIA or name.startswith("media_"):
                    entry.media = name
                    break
        if "title" in classes and entry.media_title is None:
            entry.media_title = self._start_capture()
            return "capture"
        if "status" in classes and entry.media_status is None:
            entry.media_status = self._start_capture()
            return "capture"
        if "question" in classes and entry.poll is None:
            entry.poll = self._start_capture()
            return "capture"
        return None

    def _reaction_role(self, entry: _Entry, tag: str, classes: set[str], attributes: dict[str, str]) -> str | None:
        if "reaction" in classes:
            entry.reactions.append(_ShownReaction(paid="paid" in classes))
            return None
        if not entry.reactions:
            return None
        shown = entry.reactions[-1]
        if "emoji" in classes and shown.emoji is None:
            shown.emoji = self._start_capture()
            return "capture"
        if tag == "a" and shown.emoji is not None and self.capture and self.capture[-1] is shown.emoji:
            shown.custom = True
        elif "initials" in classes:
            shown.names.append(attributes.get("title", ""))
        return None

    def ended(self, role: str, depth: int) -> None:
        if role == "capture":
            self.capture.pop()
        elif role == "message":
            entry, self.entry = self.entry, None
            self.in_forward = self.in_reply = self.in_media = self.in_reactions = 0
            self.capture.clear()
            assert entry is not None
            self._finish_entry(entry)
        elif role == "header":
            self.in_header -= 1
        elif role == "history":
            self.closed_history = True
        elif role == "forward":
            self.in_forward -= 1
        elif role == "reply":
            self.in_reply -= 1
        elif role == "media":
            self.in_media -= 1
        elif role == "reactions":
            self.in_reactions -= 1

    def _start_capture(self) -> list[str]:
        parts: list[str] = []
        self.capture.append(parts)
        return parts

    def _add(self, text: str) -> None:
        if self.capture:
            self.capture[-1].append(text)

    # Records.

    def _finish_entry(self, entry: _Entry) -> None:
        chat = self.chat
        if entry.service:
            self._notice(entry)
            return
        if not entry.date:
            self._fail(entry.line, f"{DATE_EXPECTED} in the message starting here")
        ts = _parse_date(entry.date)
        if ts is None:
            self._fail(entry.date_line, "a message time like 12.03.2024 21:04:05", entry.date)
        chat.clock = ts
        if entry.from_name is not None:
            author = _author(_joined(entry.from_name))
        elif chat.last_author is not None:
            author = chat.last_author  # "joined": the same sender as the message before
        else:
            self._fail(entry.line, 'a sender (<div class="from_name">) for the first message of the chat')
        chat.last_author = author
        text = _joined(entry.text).strip() if entry.text is not None else ""
        if entry.media is not None and entry.media.startswith(CALL):
            chat.events.append(SystemEvent(ts, _call_text(entry), author))
            return
        kind = MessageKind.TEXT
        if entry.media == POLL:
            text = _joined(entry.poll or []).strip() or text
        elif entry.media is not None:
            kind = MessageKind.MEDIA
            text = text or _placeholder(entry)
        elif not text:
            kind, text = MessageKind.MEDIA, UNSUPPORTED  # a dice roll, a story the export omits
        message = Message(
            index=len(chat.messages), ts=ts, author=author, text=text, kind=kind, reactions=_reactions(entry)
        )
        if entry.id is not None:
            chat.index_of[entry.id] = message.index
        if entry.reply_to is not None:
            chat.replies.append((message, entry.reply_to))
        chat.messages.append(message)

    def _notice(self, entry: _Entry) -> None:
        text = " ".join(_joined(entry.text or []).split())
        day = DAY_SEPARATOR.fullmatch(text)
        if day and (entry.id is None or entry.id < 0):
            try:
                midnight = datetime(int(day[3]), MONTHS.index(day[2]) + 1, int(day[1]))
            except ValueError:
                self._fail(entry.line, "a day like 12 March 2024", text)
            if self.chat.clock is None or midnight > self.chat.clock:
                self.chat.clock = midnight
            return
        if not text or (entry.id is not None and entry.id < 0):
            return  # the exporter's own notes ("No exported messages")
        if self.chat.clock is None:
            self._fail(entry.line, 'a day separator (<div class="message service">12 March 2024) before this notice')
        self.chat.events.append(SystemEvent(self.chat.clock, text))

    def finish(self) -> None:
        """Check the page was whole, once all of it has been fed."""
        if self.entry is not None:
            self._fail(self.entry.line, "the end of the message starting here (the page is cut off: export it again)")
        if not self.saw_history:
            self._fail(None, 'a Telegram Desktop chat page (<div class="history"> with the messages)')
        if not self.closed_history:
            self._fail(None, "the end of the page (it is cut off: export it again)")
        if self.title is not None and self.chat.title is None:
            self.chat.title = " ".join(_joined(self.title).split()) or None

    def _fail(self, line: int | None, expected: str, found: str | None = None) -> NoReturn:
        raise ImportFormatError(self.source.name, expected, line=line, found=found)


def _message_id(attributes: dict[str, str]) -> int | None:
    """123 for ``id="message123"``; -1 for a day separator's ``id="message-1"``."""
    value = attributes.get("id", "")
    number = value.removeprefix("message")
    if number != value and re.fullmatch(r"-?\d{1,18}", number):
        return int(number)
    return None


def _parse_date(title: str) -> datetime | None:
    """The wall-clock time in a date title ("12.03.2024 21:04:05 UTC+01:00"), or None."""
    found = DATE_TITLE.fullmatch(title.strip())
    if not found:
        return None
    day, month, year, hour, minute, second = (int(part) for part in found.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _joined(parts: list[str]) -> str:
    return "".join(parts)


def _author(name: str) -> str:
    """A sender's or reactor's name as the JSON importer has it: no " via @bot", no padding."""
    return VIA_BOT.sub("", name.strip()) or DELETED_ACCOUNT


def _reactions(entry: _Entry) -> tuple[Reaction, ...]:
    """One `Reaction` per named reactor of each plain emoji reaction, in page order (no times)."""
    found: list[Reaction] = []
    for shown in entry.reactions:
        emoji = _joined(shown.emoji or []).strip()
        if shown.paid or shown.custom or not emoji:
            continue
        found.extend(Reaction(_author(name), emoji) for name in shown.names)
    return tuple(found)


def _placeholder(entry: _Entry) -> str:
    """What stands in for the message's media when it has no caption."""
    assert entry.media is not None
    if entry.media in WRAPPED_MEDIA:
        return WRAPPED_MEDIA[entry.media]
    if entry.media in ("media_photo", "media_video"):
        title = _joined(entry.media_title or []).strip()
        return GENERIC_TITLES.get(title, GENERIC_MEDIA[entry.media])
    return GENERIC_MEDIA.get(entry.media, UNSUPPORTED)


def _call_text(entry: _Entry) -> str:
    """A call as the JSON importer describes it: "phone call (312 s)", "phone call (missed)"."""
    status = _joined(entry.media_status or []).strip()
    seconds = CALL_SECONDS.search(status)
    if seconds:
        return f"phone call ({seconds[1]} s)"
    if status.startswith(("Missed", "Cancelled")):
        return "phone call (missed)"
    return "phone call"


register(TelegramHtmlImporter())
