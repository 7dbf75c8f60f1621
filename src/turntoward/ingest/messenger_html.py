"""Facebook Messenger and Instagram direct messages from Meta's "Download your information" in HTML.

HTML is what the download gives unless the user picks JSON: ``messages/inbox/<name>_<id>/
message_1.html``, ``message_2.html``, ... (Instagram: under ``your_instagram_activity/``), one
thread split over pages of at most 10,000 messages, newest first, ``message_1.html`` the newest.
Given ``message_1.html`` we read every page beside it, as `turntoward.ingest.messenger` does with
the JSON pages. Two importers read it, ``messenger_html`` and ``instagram_html``, told apart as the
JSON ones are (the path, or the Instagram logo the page shows).

Meta has changed the page's class names over the years; the messages are the same in all five
layouts seen in real downloads (2019-2026). Each message is a block (class ``_a6-g``, before 2022
``_2lej``) of three parts: the sender (``_a6-h``; ``_2lek``), the content (``_a6-p``; ``_2let``)
and the time (``_a6-o``; ``_2lem``, in the newest Facebook layout inside a ``_a72d``). The
content holds one ``<div>`` whose children are, in order: an empty slot, the words (``<br />``
and a space for a line break; a gray italic "This message was unsent" for an unsent message), a shared link
or post, an empty slot, then one child per photo, video, audio clip, GIF, sticker or file, a call's
``<span class="_idm">Duration: ...</span>``, and last the reactions, ``<ul class="_a6-q">`` (before
2023 ``_tqp``) with one ``<li>`` per reactor: the emoji, then the reactor's name with no space
between (zh-TW puts one), maybe followed by ``<span> (Aug 11, 2023 2:23 pm)</span>``, the time of
the reaction. Blocks without a time are not messages (the "Participants:" line of a group, a
Messenger thread's "word effects"); a block inside another block is part of it. A page lists a
reaction twice at times; it is read once.

Reactors are named by the name their ``<li>`` ends with: the longest sender or participant of the
thread that fits, else whatever follows the emoji. Notices written as if someone said them (joins,
names, calls, "Liked a message", "Reacted 😂 to your message") are the JSON importer's
(`GROUP_NOTICES`, `CALL_NOTICES`, `REACTION_NOTICES`); a block with a call's duration is a call. An
unsent message is DELETED; media are MEDIA with the JSON importer's placeholders when they have
no words; a shared link with no words, or with only "You sent an attachment.", reads as the link;
a block with nothing at all is an unsupported message, as in the JSON.

Times are read as the page writes them, the wall-clock time of the download's time zone (the
JSON gives UTC, which becomes this computer's local time: the two agree where those zones do),
in every shape seen: ``Jul 17, 2019, 11:10 PM``, ``Apr 28, 2024 12:11 pm``, ``Sep 14, 2023
7:11:24pm``, ``12 Mar 2020, 15:31``, ``avr 07, 2026 10:29 am``, ``2021年4月30日 下午8:11``,
``23:06, 25 tháng 8, 2021``, ``Tháng 10 13, 2023 8:35:59chiều``. A time in another shape is an
error naming its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from turntoward.errors import ImportFormatError
from turntoward.ingest._html import RoleParser, read_page
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, export_pages
from turntoward.ingest._whatsapp_dates import MONTH_WORDS
from turntoward.ingest.messenger import (
    ATTACHMENT_NOTICES,
    CALL_NOTICES,
    GROUP_NOTICES,
    MEDIA_PLACEHOLDERS,
    REACTION_NOTICE_MAX,
    REACTION_NOTICES,
    UNSUPPORTED,
    from_instagram,
)
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

PAGE_NAME = re.compile(r"message_(\d+)\.html")
BLOCK = frozenset({"_a6-g", "_2lej"})
SENDER = frozenset({"_a6-h", "_2lek"})
CONTENT = frozenset({"_a6-p", "_2let"})
TIME = frozenset({"_a6-o", "_2lem"})
REACTIONS = frozenset({"_a6-q", "_tqp"})
CALL_DURATION = "_idm"
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SPACES = re.compile(r"\s+")
BREAK_SPACE = re.compile(r"\n ")  # Meta writes a line break as "<br /> ", a space after it
# How a group's participants line starts, in the languages seen and their neighbours.
PARTICIPANTS = frozenset({"Participants", "Người tham gia", "Participantes", "Teilnehmer", "Partecipanti",
                          "Deelnemers"})
WORDS_SLOT, SHARE_SLOT, FIRST_ITEM = 1, 2, 4  # the content's children (see the module docstring)
# A media item's placeholder, by the folder its file is in (a photo's ``<img>`` may be a GIF or sticker).
FOLDER_MEDIA = (("/gifs/", MEDIA_PLACEHOLDERS["gifs"]), ("stickers_used/", MEDIA_PLACEHOLDERS["sticker"]))

_CLOCK = r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s?(?P<p>[ap]\.?\s?m\.?|sáng|chiều|sa|ch)?"
_YEAR = r"(?P<y>\d{4})"
_DAY = r"(?P<d>\d{1,2})"
_WORD = r"(?P<w>[^\W\d_]{3,10})\.?"
TIME_SHAPES = (
    re.compile(rf"{_WORD} {_DAY}, {_YEAR},? {_CLOCK}"),  # Jul 17, 2019, 11:10 PM; Apr 28, 2024 12:11 pm
    re.compile(rf"{_DAY} {_WORD} {_YEAR},? {_CLOCK}"),  # 12 Mar 2020, 15:31
    re.compile(rf"tháng (?P<n>\d{{1,2}}) {_DAY}, {_YEAR},? {_CLOCK}"),  # Tháng 10 13, 2023 8:35:59chiều
    re.compile(rf"{_CLOCK},? {_DAY} tháng (?P<n>\d{{1,2}}),? {_YEAR}"),  # 23:06, 25 tháng 8, 2021
    re.compile(rf"{_YEAR}年(?P<n>\d{{1,2}})月{_DAY}日\s?(?P<zh>上午|下午)?\s?{_CLOCK}"),  # 2021年4月30日 下午8:11
)
_AFTERNOON = frozenset({"p", "chiều", "ch", "下午"})
_MORNING = frozenset({"a", "sáng", "sa", "上午"})


def meta_time(text: str) -> datetime | None:
    """The time a page writes (see the module docstring), or None for a shape it never writes."""
    text = SPACES.sub(" ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip().lower()
    for shape in TIME_SHAPES:
        found = shape.fullmatch(text)
        if found is None:
            continue
        parts = found.groupdict()
        month = int(parts["n"]) if parts.get("n") else MONTH_WORDS.get(parts["w"] or "")
        if month is None:
            return None
        hour = int(parts["h"])
        period = parts.get("zh") or (parts["p"] or "").replace(".", "").replace(" ", "")
        if period and 1 <= hour <= 12:
            hour = hour % 12 + (12 if period[:1] in _AFTERNOON or period in _AFTERNOON else 0)
        try:
            return datetime(int(parts["y"]), month, int(parts["d"]), hour, int(parts["m"]), int(parts["s"] or 0))
        except ValueError:
            return None
    return None


@dataclass
class _Item:
    """One child of a message's content: its words, links, media and reactions."""

    text: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    media: str | None = None
    unsent: bool = False
    duration: list[str] | None = None
    reactions: list[tuple[str, str]] = field(default_factory=list)  # (the li's text, its time)


@dataclass
class _Block:
    line: int
    sender: list[str] = field(default_factory=list)
    when: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    has_time: bool = False


class MetaHtmlImporter:
    """Reads one Messenger or Instagram thread of an HTML download (all its message_N.html pages)."""

    def __init__(self, name: str, description: str, unknown_sender: str) -> None:
        self.name = name
        self.description = description
        self.unknown_sender = unknown_sender

    def sniff(self, source: Source, head: bytes) -> float:
        # A page renamed (index.html, "chat with mum.html") is read when the user names it itself:
        # in a download's folder, Meta's other pages share its markup.
        named_page = PAGE_NAME.fullmatch(source.filename) is not None or source.named
        if not named_page or (b"uiBoxWhite" not in head and b"_a6-g" not in head):
            return 0.0
        if b"_a6-h" not in head and b"_2lek" not in head and b"_a6-p" not in head and b"_2let" not in head:
            return 0.0
        mentions_instagram = from_instagram(source, head) or b"Instagram-Logo" in head
        if self.name == "instagram_html":
            return 0.95 if mentions_instagram else 0.0
        return 0.9

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        page = PAGE_NAME.fullmatch(source.filename)
        number = int(page[1]) if page else 0
        pages = export_pages(source, number, lambda n: f"message_{n}.html")
        if not pages:
            return  # message_1.html brings this page in
        title = ""
        newest_first: list[tuple[datetime, _Block, str]] = []
        participants: list[str] = []
        for page_source in pages:
            reader = _read_page(page_source)
            title = title or reader.title_text()
            participants += reader.participants
            for block in reader.blocks:
                when = _spaced(block.when)
                ts = meta_time(when)
                if ts is None:
                    expected = "a message time as Meta writes it ('Mar 7, 2024, 8:57 AM')"
                    raise ImportFormatError(page_source.name, expected, line=block.line, found=when)
                newest_first.append((ts, block, page_source.name))
        entries = newest_first[::-1]
        entries.sort(key=lambda entry: entry[0])  # stable: a page's order stands among equal times
        names = sorted({*participants, *(self._author(block) for _, block, _ in entries)}, key=len, reverse=True)
        messages: list[Message] = []
        events: list[SystemEvent] = []
        for ts, block, _ in entries:
            self._add(ts, block, names, messages, events)
        yield Conversation(
            source=source.name,
            source_format=self.name,
            title=title or ", ".join(dict.fromkeys(m.author for m in messages)),
            messages=messages,
            system_events=events,
            me=options.me,
        )

    def _author(self, block: _Block) -> str:
        return _spaced(block.sender).strip(MARKS).strip() or self.unknown_sender

    def _add(self, ts: datetime, block: _Block, names: list[str], messages: list[Message],
             events: list[SystemEvent]) -> None:
        author = self._author(block)
        items = block.items
        words_item = items[WORDS_SLOT] if len(items) > WORDS_SLOT else _Item()
        text = BREAK_SPACE.sub("\n", "".join(words_item.text)).strip()
        links = [link for item in items[SHARE_SLOT:SHARE_SLOT + 1] for link in item.links]
        extra = items[FIRST_ITEM:]
        duration = next((_spaced(item.duration) for item in extra if item.duration is not None), None)
        notice = text.rstrip()
        if duration is not None or (len(notice) < 400 and (
            GROUP_NOTICES.fullmatch(notice) or CALL_NOTICES.fullmatch(notice)
            or (len(notice) <= REACTION_NOTICE_MAX and REACTION_NOTICES.fullmatch(notice))
        )):
            events.append(SystemEvent(ts, text or f"call ({duration})", author))
            return
        reactions = _reactions([pair for item in items for pair in item.reactions], names, self.unknown_sender)
        media = next((item.media for item in extra if item.media is not None), None)
        if words_item.unsent:
            kind, text = MessageKind.DELETED, ""
        elif media is not None:
            kind, text = MessageKind.MEDIA, text or media
        elif links and (not text or ATTACHMENT_NOTICES.fullmatch(text)):
            kind, text = MessageKind.TEXT, links[0]
        elif ATTACHMENT_NOTICES.fullmatch(text):
            kind = MessageKind.MEDIA  # something was sent that the download does not hold, as the JSON reads it
        elif text:
            kind = MessageKind.TEXT
        else:
            kind, text = MessageKind.MEDIA, UNSUPPORTED
        messages.append(Message(index=len(messages), ts=ts, author=author, text=text, kind=kind, reactions=reactions))


def _reactions(listed: list[tuple[str, str]], names: list[str], unknown: str) -> tuple[Reaction, ...]:
    """One `Reaction` per listed reactor (a repeated line read once), named by the longest known
    name the line ends with."""
    found = []
    for line, when in dict.fromkeys(listed):
        line = line.strip()
        name = next((n for n in names if line.endswith(n) and len(line) > len(n)), None)
        if name is None:
            split = re.match(r"[^\w\s]+\s?", line)  # the emoji, then whatever follows it
            if split is None or split.end() == len(line):
                continue
            emoji, name = split[0].strip(), line[split.end():]
        else:
            emoji = line[: -len(name)].strip()
        if re.fullmatch(r"(?:[0-9a-f]{2})+", emoji):  # a page that wrote the emoji's UTF-8 bytes in hex
            try:
                emoji = bytes.fromhex(emoji).decode("utf-8")
            except UnicodeDecodeError:
                continue
        if emoji:
            found.append(Reaction(name.strip(MARKS).strip() or unknown, emoji, meta_time(when.strip(" ()"))))
    return tuple(found)


def _spaced(parts: list[str] | None) -> str:
    return SPACES.sub(" ", "".join(parts or [])).strip()


def _read_page(source: Source) -> _PageReader:
    reader = _PageReader()
    read_page(source, reader, "Meta")
    return reader


class _PageReader(RoleParser):
    """Streams one page into `_Block`s (see the module docstring for the layout)."""

    RECORDS = frozenset({"block"})

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[_Block] = []
        self.participants: list[str] = []
        self._title: list[str] = []
        self.block: _Block | None = None
        self.block_depth = -1
        self.slots_depth = -1  # depth of the content's one child, whose children are the items
        self.item: _Item | None = None
        self.target: list[str] | None = None  # where text goes now
        self.li: list[str] | None = None
        self.li_time: list[str] | None = None

    def title_text(self) -> str:
        return _spaced(self._title).strip(MARKS).strip()

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        classes = set(attributes.get("class", "").split())
        depth = len(self.stack)
        role: str | None = None
        block, item = self.block, self.item
        if tag == "br" and self.target is not None:
            self.target.append("\n")
        if tag == "title" and block is None:
            role, self.target = "title", self._title
        elif block is None:
            if classes & BLOCK:
                self.block = _Block(self.getpos()[0])
                self.block_depth = depth
                role = "block"
        elif depth == self.block_depth + 1:  # a part of the block
            if classes & SENDER:
                role, self.target = "sender", block.sender
            elif classes & CONTENT:
                role = "content"
            elif classes & TIME:
                role, self.target, block.has_time = "time", block.when, True
        elif self.slots_depth < 0 and self.inside("content"):
            self.slots_depth, role = depth, "slots"  # the content's one child
        elif self.slots_depth >= 0 and depth == self.slots_depth + 1:
            self.item = item = _Item()
            block.items.append(item)
            role, self.target = "item", item.text
        if item is not None and self.block is not None and role is None:
            role = self._in_item(tag, classes, attributes, item)
        return role

    def _in_item(self, tag: str, classes: set[str], attributes: dict[str, str], item: _Item) -> str | None:
        if tag == "a" and attributes.get("href"):
            item.links.append(attributes["href"])
            if "/files/" in attributes["href"] and item.media is None:  # "Download file: ..."
                item.media = MEDIA_PLACEHOLDERS["files"]
        elif tag == "img" and attributes.get("src"):
            source = attributes["src"]
            item.media = item.media or next((p for folder, p in FOLDER_MEDIA if folder in source),
                                            MEDIA_PLACEHOLDERS["photos"])
        elif tag == "video":
            item.media = MEDIA_PLACEHOLDERS["videos"]
        elif tag == "audio":
            item.media = MEDIA_PLACEHOLDERS["audio_files"]
        elif tag == "div" and "font-style:italic" in attributes.get("style", "").replace(" ", ""):
            item.unsent = True
        elif tag == "span" and CALL_DURATION in classes:
            item.duration = []
            self.target = item.duration
            return "duration"
        elif tag == "ul" and classes & REACTIONS:
            self.target = None
            return "reactions"
        elif tag == "li" and self.inside("reactions"):
            self.li, self.li_time = [], []
            self.target = self.li
            return "li"
        elif tag == "span" and self.li is not None and self.target is self.li and self.inside("li-span"):
            self.target = self.li_time  # " (Aug 11, 2023 2:23 pm)" inside the reactor's span
            return "li-time"
        elif tag == "span" and self.li is not None:
            return "li-span"
        return None

    def handle_data(self, data: str) -> None:
        if self.target is not None:
            self.target.append(data)

    def ended(self, role: str, depth: int) -> None:
        block, item = self.block, self.item
        if role == "slots":
            self.slots_depth = -1
        elif role in ("title", "sender", "time", "duration"):
            self.target = None
        elif role == "item":
            self.item, self.target = None, None
        elif role == "li" and item is not None and self.li is not None:
            item.reactions.append((_spaced(self.li), _spaced(self.li_time)))
            self.li = self.li_time = None
            self.target = None
        elif role == "li-time":
            self.target = self.li
        elif role == "block" and block is not None:
            self.block, self.block_depth, self.target = None, -1, None
            if block.has_time and _spaced(block.when):
                self.blocks.append(block)
            else:
                self._participants(block)

    def _participants(self, block: _Block) -> None:
        """A group's "Participants: A, B and C" line (in the UI's language): who else may react."""
        line = _spaced(block.sender)
        head, colon, rest = line.partition(": ")
        if colon and head in PARTICIPANTS:
            self.participants += [n.strip() for n in re.split(r", | and | và | et | y | e | und ", rest) if n.strip()]


register(MetaHtmlImporter("messenger_html", "Facebook Messenger HTML export (message_1.html)", "Facebook User"))
register(MetaHtmlImporter("instagram_html", "Instagram direct messages HTML export (message_1.html)",
                          "Instagram User"))

__all__ = ["MetaHtmlImporter", "meta_time"]
