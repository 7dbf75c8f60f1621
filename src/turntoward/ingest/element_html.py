"""Matrix rooms as Element (web and desktop) exports them in HTML: "Export chat", "HTML" (the default).

Where we read it (Element's own source, matrix-org/matrix-react-sdk 2021-2024, element-web after
it: ``src/utils/exportUtils/HtmlExport.tsx`` and its git history, ``EventTile.tsx`` in export mode,
``MessageTimestamp.tsx``, ``DateSeparator.tsx``, ``DisambiguatedProfile.tsx``, ``MemberAvatar.tsx``,
``ReplyChain.tsx``, ``DateUtils.ts``; and the markup quoted from a real export of May 2023 in a
public analysis script's notes). The export is a zip holding ``messages.html``, then
``messages2.html``, ``messages3.html``... (1000 events a page; each links the next), beside
``css/style.css``, ``js/script.js``, ``users/`` (avatars) and ``images/``, ``videos/``, ``files/``.
Each page is Element's room view drawn once: the header names the room
(``mx_LegacyRoomHeader_nametext``, ``mx_RoomHeader_nametext`` before 2023, its ``title``); the
first page's ``mx_NewRoomIntro`` says who exported it, linking ``https://matrix.to/#/<their id>``;
then ``<ol class="mx_RoomView_MessageList">`` holds, oldest first, a date separator before each
new day (``formatFullDateNoTime``: ``Thu, Mar 14, 2024`` (en-US), ``Thu, 14 Mar 2024`` (en-GB),
``Wed, May 17 2023`` before August 2023; in the ``mx_DateSeparator_dateHeading`` heading and the
separator's ``aria-label``) and each event as::

    <div class="mx_Export_EventWrapper" id="$event">
      <li class="mx_EventTile [mx_EventTile_continuation] [mx_EventTile_info] [mx_EventTile_emote]"
          data-event-id="$event" data-self="true|false" ...>
        <div class="mx_DisambiguatedProfile"><span class="mx_Username_color3
          mx_DisambiguatedProfile_displayName">Sam</span>[<span class="mx_DisambiguatedProfile_mxid">
          @sam:example.org</span>]</div>
        <div class="mx_EventTile_avatar">... title="@sam:example.org" ...</div>
        <div class="mx_EventTile_line">
          <a href="https://matrix.to/#/!room:example.org/$event?via=..." aria-label="21:04">
            <span class="mx_MessageTimestamp" title="Wed, May 17 2023 17:03:32">21:04</span></a>
          [<p class="mx_ReplyChain_Export">In reply to <a class="mx_reply_anchor" href="#$quoted">...]
          <div class="mx_MTextBody mx_EventTile_content"><span class="mx_EventTile_body">words</span>

What that means for reading it, and what we do:

- Times: until October 2023 the timestamp's ``title`` holds the whole local date and time to the
  second (the fixed English ``Wed, May 17 2023 17:03:32``, then briefly ``Intl``'s ``Thu, Mar 14,
  2024, 21:04:05``); since then a tooltip that a saved page does not hold, so the tile shows only
  the hour (``21:04``, 24-hour) and the day is the date separator's before it. Both are the
  exporting browser's local time, read as written. Only English month names are read; a page in
  another language is an error naming the line.
- Names: a tile starts a group with the sender's display name as the room showed it then, and
  their avatar, whose ``title`` is their Matrix id; a continuation (same sender, soon after) has
  neither and is the group's sender's. An emote has no name line: ``* Sam waves`` names the sender
  in ``mx_MEmoteBody_sender``. Each person gets ONE name, as in the JSON importer: the last display
  name the export shows for their Matrix id (in a tile, or in an ``A changed their display name to
  B`` notice); two people left with one name are told apart by their id, ``Sam
  (@sam:example.org)``. Without ids (hand-made pages) the shown name is the person.
- ``me``: the exporter named in the first page's introduction (their id, then their name); else
  the sender of the tiles Element marked ``data-self="true"``; else the ``me`` option.
- Messages: text, notices (bots) and emotes (the words after ``* Sam``) are TEXT, ``<br>`` and
  newlines kept; ``(edited)`` marks them edited. A deleted message (``mx_RedactedBody``,
  ``Message deleted``) is DELETED; an undecryptable one (``mx_EventTile_bad``) is MEDIA ``<unable
  to decrypt>``. Images, videos, audio, files and stickers (``mx_MImageBody``, ``mx_MVideoBody``,
  ``mx_MAudioBody``, ``mx_MFileBody``, ``mx_MStickerBody``) are MEDIA, their text the file name the
  tile shows (``alt``, ``title``, ``mx_MFileBody_info_filename``), else the JSON importer's
  placeholder. Media left out of the zip are written as italic words, ``Media omitted``, ``Media
  omitted - file size limit exceeded`` or ``Error fetching file``: MEDIA ``<media>``.
- Replies: ``mx_reply_anchor`` links the quoted event (``#$id``); it becomes `reply_to` when that
  event is a message earlier in the export. Reactions are not exported (``showReactions`` off).
- Notices (``mx_EventTile_info``: joins, leaves, renames, topic and settings changes, calls) are
  `SystemEvent`s with the tile's English line and the person whose avatar it shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from urllib.parse import unquote

from turntoward.errors import ImportFormatError
from turntoward.ingest._html import RoleParser, read_page
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, export_pages
from turntoward.ingest.element import MEDIA_PLACEHOLDERS, UNDECRYPTABLE
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

WRITER = "Element (Export chat, HTML)"
SNIFF = re.compile(rb"class=\"[^\"]*\bmx_(?:Export_EventWrapper|RoomView_MessageList)\b")
PAGE_NAME = re.compile(r"messages(?P<n>[1-9]\d*)?\.html")
MEDIA_OMITTED = frozenset({"Media omitted", "Media omitted - file size limit exceeded", "Error fetching file"})
OMITTED = "<media>"
RENAME = re.compile(r"(?P<who>.+?) changed their display name to (?P<new>.+)", re.DOTALL)  # TextForEvent
SPACES = re.compile(r"[ \t\r\n\f\u00a0\u202f]+")
MONTHS = {m: k for k, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
_S = r"[ \u00a0\u202f]"
CLOCK = re.compile(rf"(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?::(?P<s>\d{{2}}))?(?:{_S}?(?P<ap>[AaPp])\.?{_S}?[Mm]\.?)?")
DATE = re.compile(
    rf"(?:[A-Za-z]+\.?,?{_S}+)?(?:(?P<m1>[A-Za-z]{{3,9}})\.?{_S}+(?P<d1>\d{{1,2}})"
    rf"|(?P<d2>\d{{1,2}}){_S}+(?P<m2>[A-Za-z]{{3,9}})\.?),?{_S}+(?P<y>\d{{4}})"
    rf"(?:,?{_S}+(?:at{_S}+)?(?P<clock>{CLOCK.pattern}))?"
)
MEDIA_CLASSES = {
    "mx_MImageBody": "m.image", "mx_MVideoBody": "m.video", "mx_MAudioBody": "m.audio",
    "mx_MFileBody": "m.file", "mx_MStickerBody": "m.sticker",
}
# Parts of a tile's line that are not the event's words.
SKIPPED = frozenset({
    "mx_MessageTimestamp", "mx_ReplyChain_Export", "mx_ReplyChain", "mx_EventTile_e2eIcon", "mx_EventTile_edited",
    "mx_MEmoteBody_sender", "mx_MFileBody_download", "mx_ReactionsRow", "mx_ThreadSummary", "mx_MImageBody_banner",
    "mx_EventTile_msgOption", "mx_EventTile_keyRequestInfo",
})


class ElementHtmlImporter:
    """Reads Element's HTML chat exports (``messages.html`` and the pages after it)."""

    name = "element_html"
    description = "Matrix room exported by Element (HTML)"

    def sniff(self, source: Source, head: bytes) -> float:
        return 0.95 if b"mx_" in head and SNIFF.search(head) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        found = PAGE_NAME.fullmatch(source.filename)
        number = (int(found["n"] or 1)) if found else 0
        pages = export_pages(source, number, lambda n: "messages.html" if n == 1 else f"messages{n}.html")
        if not pages:
            return  # the first page brings this one in
        readers: list[_PageReader] = []
        for page in pages:
            reader = _PageReader(page.name)
            reader.day = readers[-1].day if readers else None  # each page starts with a separator, but in case
            read_page(page, reader, WRITER)
            if not reader.element:
                raise ImportFormatError(page.name, "an Element HTML export (mx_RoomView_MessageList)",
                                        found="no message list")
            readers.append(reader)
        yield _conversation(source, readers, options)


@dataclass
class _Entry:
    """One event tile being read."""

    page: str
    line: int
    event_id: str | None
    info: bool
    self_marked: bool
    day: date | None
    mxid: str | None = None
    name: list[str] | None = None
    emote_name: list[str] | None = None
    full: str | None = None  # the timestamp's title: the whole date and time
    clock: str | None = None  # the link's aria-label or the timestamp's text: the hour only
    words: list[str] = field(default_factory=list)
    reply: str | None = None
    deleted: bool = False
    bad: bool = False
    edited: bool = False
    media: str | None = None  # the event's msgtype for a media tile
    file_name: str | None = None


class _PageReader(RoleParser):
    """Streams one page; each ``mx_EventTile`` read becomes an `_Entry`."""

    RECORDS = frozenset({"entry"})

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.element = False
        self.title: str | None = None
        self.room: str | None = None
        self.exporter: str | None = None
        self.day: date | None = None
        self.day_text: list[str] | None = None
        self.entries: list[_Entry] = []
        self.entry: _Entry | None = None
        self.capture: list[str] | None = None
        self.skipping = 0
        self.in_line = self.in_avatar = self.in_intro = 0

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.capture.append(data)
        elif self.entry is not None and self.in_line and not self.skipping:
            self.entry.words.append(data)

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        classes = set(attributes.get("class", "").split())
        entry = self.entry
        if tag == "br" and entry is not None and self.in_line and not self.skipping:
            entry.words.append("\n")
        if entry is None:
            return self._outside(tag, classes, attributes)
        if self.in_avatar and attributes.get("title", "").startswith("@"):
            entry.mxid = entry.mxid or attributes["title"]
        if tag == "a" and "mx_reply_anchor" in classes:
            entry.reply = unquote(attributes.get("href", "").removeprefix("#")) or attributes.get("data-scroll-to")
        if tag == "a" and attributes.get("href", "").startswith("https://matrix.to/#/") and "aria-label" in attributes:
            entry.clock = entry.clock or attributes["aria-label"]  # the timestamp's link
            self.room = self.room or _room_of(attributes["href"])
        media = next((kind for cls, kind in MEDIA_CLASSES.items() if cls in classes), None)
        if media is not None:
            entry.media = entry.media or media
        if entry.media is not None and tag in ("img", "video", "audio") and entry.file_name is None:
            entry.file_name = attributes.get("alt") or attributes.get("title") or None
        if "mx_EventTile_mediaLine" in classes or "mx_EventTile_image" in classes:
            entry.media = entry.media or ("m.image" if "mx_EventTile_image" in classes else "m.file")
        if "mx_EventTile_sticker" in classes:
            entry.media = "m.sticker"
        if "mx_RedactedBody" in classes:
            entry.deleted = True
        if "mx_EventTile_edited" in classes:
            entry.edited = True
        if "mx_MessageTimestamp" in classes:
            entry.full = entry.full or attributes.get("title")
            self.capture = []
            return "clock"
        if "mx_EventTile_avatar" in classes:
            self.in_avatar += 1
            return "avatar"
        if "mx_DisambiguatedProfile_mxid" in classes:
            self.capture = []
            return "mxid"
        if "mx_DisambiguatedProfile_displayName" in classes and not self.in_line:
            entry.name = self.capture = []
            return "name"
        if "mx_MEmoteBody_sender" in classes:
            entry.emote_name = self.capture = []
            self.skipping += 1
            return "emote-name"
        if "mx_MFileBody_info_filename" in classes:
            self.capture = []
            return "file-name"
        if SKIPPED.intersection(classes) or "mx_BaseAvatar" in classes:
            self.skipping += 1
            return "skip"
        if "mx_EventTile_line" in classes:
            self.in_line += 1
            return "line"
        return None

    def _outside(self, tag: str, classes: set[str], attributes: dict[str, str]) -> str | None:
        if "mx_RoomView_MessageList" in classes:
            self.element = True
        if "mx_LegacyRoomHeader_nametext" in classes or "mx_RoomHeader_nametext" in classes:
            self.title = self.title or attributes.get("title")
        if "mx_NewRoomIntro" in classes:
            self.in_intro += 1
            return "intro"
        if self.in_intro and tag == "a" and attributes.get("href", "").startswith("https://matrix.to/#/@"):
            self.exporter = self.exporter or unquote(attributes["href"].removeprefix("https://matrix.to/#/"))
        if {"mx_DateSeparator", "mx_TimelineSeparator"} & classes and attributes.get("aria-label"):
            self.day = _day(attributes["aria-label"]) or self.day
        if "mx_DateSeparator_dateHeading" in classes:
            self.day_text = self.capture = []
            return "day"
        if tag == "li" and "mx_EventTile" in classes:
            self.entry = _Entry(
                self.name, self.getpos()[0], attributes.get("data-event-id") or None, "mx_EventTile_info" in classes,
                attributes.get("data-self") == "true", self.day, bad="mx_EventTile_bad" in classes)
            return "entry"
        return None

    def ended(self, role: str, depth: int) -> None:
        entry = self.entry
        if role in ("clock", "mxid", "name", "file-name", "emote-name", "day"):
            captured = _spaced(self.capture)
            self.capture = None
            if role == "clock" and entry is not None:
                entry.clock = entry.clock or captured
            elif role == "mxid" and entry is not None:
                entry.mxid = entry.mxid or captured
            elif role == "file-name" and entry is not None:
                entry.file_name = entry.file_name or captured
            elif role == "day":
                self.day = _day(captured) or self.day
            if role == "emote-name":
                self.skipping -= 1
        elif role == "skip":
            self.skipping -= 1
        elif role == "avatar":
            self.in_avatar -= 1
        elif role == "line":
            self.in_line -= 1
        elif role == "intro":
            self.in_intro -= 1
        elif role == "entry" and entry is not None:
            self.entries.append(entry)
            self.entry = None


def _conversation(source: Source, readers: list[_PageReader], options: ImportOptions) -> Conversation:
    entries = [entry for reader in readers for entry in reader.entries]
    people = _People()
    keys: list[str | None] = []
    last_key: str | None = None
    for entry in entries:
        shown = _spaced(entry.name or entry.emote_name) or None
        key = entry.mxid or shown or (None if entry.info else last_key)
        if key is not None and shown is not None:
            people.saw(key, shown)
        if entry.info and key is not None and (rename := RENAME.fullmatch(_spaced(entry.words))):
            people.saw(key, rename["new"])
        keys.append(key)
        if not entry.info:
            last_key = key
    messages: list[Message] = []
    events: list[SystemEvent] = []
    index_of: dict[str, int] = {}
    for entry, key in zip(entries, keys, strict=True):
        ts = _time(entry)
        author = people.name(key) if key is not None else None
        if entry.info:
            events.append(SystemEvent(ts, _spaced(entry.words), author))
            continue
        if author is None:
            raise ImportFormatError(entry.page, "the sender's name (mx_DisambiguatedProfile_displayName) on a "
                                    "message or before it", line=entry.line, found="no name")
        message = Message(index=len(messages), ts=ts, author=author, text=_words(entry), edited=entry.edited)
        if entry.deleted:
            message.kind, message.text = MessageKind.DELETED, ""
        elif entry.bad:
            message.kind, message.text = MessageKind.MEDIA, UNDECRYPTABLE
        elif entry.media is not None:
            message.kind = MessageKind.MEDIA
            message.text = entry.file_name or MEDIA_PLACEHOLDERS.get(entry.media, OMITTED)
        elif message.text in MEDIA_OMITTED:
            message.kind, message.text = MessageKind.MEDIA, OMITTED
        if entry.reply is not None and entry.reply in index_of:
            message.reply_to = index_of[entry.reply]
        if entry.event_id is not None:
            index_of.setdefault(entry.event_id, message.index)
        messages.append(message)
    first = readers[0]
    me = options.me
    if first.exporter is not None:
        me = people.name(first.exporter) if first.exporter in people.shown else first.exporter
    elif (mine := next((k for e, k in zip(entries, keys, strict=True) if e.self_marked and k), None)) is not None:
        me = people.name(mine)
    return Conversation(
        source=source.name,
        source_format=ElementHtmlImporter.name,
        title=first.title or "Element room",
        messages=messages,
        system_events=events,
        chat_id=first.room,
        me=me,
    )


class _People:
    """Everyone's last shown name, by Matrix id (or by the name itself where no id is shown)."""

    def __init__(self) -> None:
        self.shown: dict[str, str] = {}
        self._final: dict[str, str] | None = None

    def saw(self, key: str, name: str) -> None:
        self.shown[key] = name

    def name(self, key: str) -> str:
        if self._final is None:
            count: dict[str, int] = {}
            for name in self.shown.values():
                count[name] = count.get(name, 0) + 1
            self._final = {key: f"{name} ({key})" if count[name] > 1 and key.startswith("@") else name
                           for key, name in self.shown.items()}
        return self._final.get(key) or _localpart(key)


def _words(entry: _Entry) -> str:
    text = "".join(entry.words)
    if entry.emote_name is not None:  # "* Sam waves": the name is left out, then the star
        text = text.lstrip(" \t\r\n\u00a0").removeprefix("*")
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _time(entry: _Entry) -> datetime:
    if entry.full is not None and (found := DATE.search(entry.full)) and found["clock"]:
        day = _date_of(found)
        clock = _clock(found["clock"])
        if day is not None and clock is not None:
            return datetime.combine(day, clock)
    clock = _clock(entry.clock or "")
    if clock is None:
        raise ImportFormatError(entry.page, "the event's time (mx_MessageTimestamp, like 21:04)", line=entry.line,
                                found=entry.full or entry.clock or "none")
    if entry.day is None:
        page = PAGE_NAME.fullmatch(PurePath(entry.page).name)
        if page is not None and page["n"] is not None and int(page["n"]) > 1:  # a later page goes on a day
            raise ImportFormatError(entry.page, f"the export's first page, messages.html, beside page {page['n']}: "
                                    "a later page starts in the middle of a day, whose date only the pages before "
                                    "it give", line=entry.line, found="no date before this event")
        raise ImportFormatError(entry.page, "a date separator before the event (like 'Thu, Mar 14, 2024', in "
                                "English)", line=entry.line, found="none")
    return datetime.combine(entry.day, clock)


def _day(text: str) -> date | None:
    found = DATE.search(text)
    return _date_of(found) if found else None


def _date_of(found: re.Match[str]) -> date | None:
    month = MONTHS.get((found["m1"] or found["m2"] or "")[:3].lower())
    if month is None:
        return None
    try:
        return date(int(found["y"]), month, int(found["d1"] or found["d2"]))
    except ValueError:
        return None


def _clock(text: str) -> time | None:
    found = CLOCK.search(text)
    if found is None:
        return None
    hour, minute, second = int(found["h"]), int(found["m"]), int(found["s"] or 0)
    if found["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if found["ap"] in "Pp" else 0)
    elif hour == 24:  # Intl's English 24-hour clock (hour cycle h24, Element 2023) writes 00:05 as 24:05
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _room_of(href: str) -> str | None:
    target = unquote(href.removeprefix("https://matrix.to/#/")).split("?", 1)[0]
    room = target.split("/$", 1)[0]
    return room if room[:1] in ("!", "#") else None


def _localpart(user: str) -> str:
    if user.startswith("@") and ":" in user[2:]:
        return user[1:].split(":", 1)[0]
    return user


def _spaced(parts: list[str] | None) -> str:
    return SPACES.sub(" ", "".join(parts or [])).strip()


register(ElementHtmlImporter())

__all__ = ["ElementHtmlImporter"]
