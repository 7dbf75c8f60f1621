"""iMessage as HTML: the ``.html`` files imessage-exporter writes (``imessage-exporter -f html``).

The same conversations as `turntoward.ingest.imessage_txt`, one file per conversation named the
same way (``Sam Rivera.html``, ``<group name> - <rowid>.html``), read from the exporter's
``exporters/html.rs`` (its sources of 2022 to 2025 write the same classes). Each message is

    <div class="message">
      <div class="sent iMessage">            (or "received")
        <p><span class="timestamp">May 17, 2022  5:29:42 PM (Read by them after 5 seconds)</span>
           <span class="sender">Me</span></p>
        <hr><div class="message_part"><span class="bubble">the words</span></div>
        <hr><div class="message_part"><div class="attachment"><img src="..."></div></div>
        <div class="tapbacks"><hr><p>Tapbacks:</p>
          <div class="tapback"><span class="tapback"><b>Loved</b> by Sam</span></div></div>
        <div class="replies"><div class="reply" id="GUID"> a copy of each threaded reply </div></div>
      </div>
    </div>

and is read as the text export's block is: the time (chrono's ``%b %d, %Y %l:%M:%S %p``, local,
with an optional read receipt) and the sender (``Me`` for the user, else the contact's name or
address); the words of each part; an attachment, a sticker or an attachment the exporter could not
find makes the message media; an edited part (``<div class="edited">``, a table of versions) reads
as its last version, marked edited; an unsent part (``<span class="unsent">``) or a message unsent
whole (an announcement) is DELETED; tapbacks (``tapbacks``/``tapback``, before 2024
``reactions``/``reaction``) become reactions as in the text export; a link preview (``<div
class="app">``) reads as its link. A threaded reply is printed twice: inside the message it
answers (``<div class="reply" id="GUID">``, skipped, but it says which message the reply answers)
and in its own place (``<div class="message" id="r-GUID">``), which becomes `reply_to`.
Announcements (``<div class="announcement">``: renamed, added, left, photo changed) become
`SystemEvent`s in the text export's words; so do SharePlay and location sharing. Without ``--me``,
the user is found from the read receipts as in the text export.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._html import RoleParser, read_page
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest.imessage_txt import (
    _EFFECTS,
    _ME_IN_NOTICES,
    _RECEIPT,
    EXPORT_ME,
    _notice,
    exporter_time,
    tapback,
)
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

SPACES = re.compile(r"\s+")
NAMED = re.compile(r"(.+?) named the conversation (.+)")
DELETED_2023 = re.compile(r"(.+?) deleted a message\.")  # "They deleted a message." names nobody: a notice
MEDIA_CLASSES = frozenset({"attachment", "sticker", "attachment_error"})
# Parts of a message that are not its words.
SKIPPED = frozenset({"reply_anchor", "deleted", "expressive", "transcription", "subject"})
NOTICE_CLASSES = frozenset({"shareplay", "shared_location"})
# What a notice inside a message says, in the text export's words.
NOTICE_WORDS = {
    "SharePlay Message Ended": "SharePlay", "Started sharing location!": "started sharing location",
    "Stopped sharing location!": "stopped sharing location", "Shared location!": "shared location",
}


@dataclass
class _Entry:
    line: int
    guid: str | None = None
    when: list[str] = field(default_factory=list)
    sender: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    versions: list[list[str]] = field(default_factory=list)  # an edited part's versions, the last one shown
    links: list[str] = field(default_factory=list)
    tapbacks: list[list[str]] = field(default_factory=list)
    notice: list[str] | None = None
    announcement = False
    media = False
    unsent = False
    is_reply = False
    replies: list[str] = field(default_factory=list)  # guids of the reply copies printed inside it


class IMessageHtmlImporter:
    """Reads the per-conversation HTML files of imessage-exporter."""

    name = "imessage_html"
    description = "iMessage conversation exported as HTML by imessage-exporter (-f html)"

    def sniff(self, source: Source, head: bytes) -> float:
        if b'<span class="timestamp">' not in head or (b'class="message"' not in head and b"announcement" not in head):
            return 0.0
        return 0.9 if b'<span class="sender">' in head or b"announcement" in head else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        reader = _PageReader()
        read_page(source, reader, "imessage-exporter")
        if not reader.entries:
            expected = 'an imessage-exporter HTML export (messages in <div class="message">)'
            raise ImportFormatError(source.name, expected, found="no messages")
        me = options.me or _user_from_receipts(reader.entries) or EXPORT_ME
        stem = PurePosixPath(source.filename).stem
        title = re.sub(r" - \d+$", "", stem) or stem
        messages: list[Message] = []
        events: list[SystemEvent] = []
        index_of: dict[str, int] = {}  # a reply copy's guid -> the message it was printed under

        def author(sender: str) -> str:
            return me if sender in (EXPORT_ME, _ME_IN_NOTICES) else sender

        for entry in reader.entries:
            when = _spaced(entry.when)
            ts = exporter_time(when)
            if ts is None:
                raise ImportFormatError(source.name, "a real date and time ('May 17, 2022  5:29:42 PM')",
                                        line=entry.line, found=when)
            if entry.announcement:
                _add_notice(ts, _spaced(entry.notice or []), author, messages, events)
                continue
            if entry.notice is not None:
                said = _spaced(entry.notice)
                events.append(SystemEvent(ts, NOTICE_WORDS.get(said, said), author(_spaced(entry.sender))))
                continue
            _add_message(entry, ts, author(_spaced(entry.sender)), author, messages, index_of)
        yield Conversation(source.name, self.name, title, messages, events, chat_id=stem, me=me)


def _add_notice(ts: datetime, rest: str, author: Callable[[str], str], messages: list[Message],
                events: list[SystemEvent]) -> None:
    """An announcement: "Sam named the conversation X", "You unsent a message." and the like."""
    deleted = DELETED_2023.fullmatch(rest)
    if deleted and deleted[1] != "They":  # the exporter's 2023 wording: "You deleted a message."
        messages.append(Message(len(messages), ts, author(deleted[1]), "", MessageKind.DELETED))
        return
    named = NAMED.fullmatch(rest)
    if named:  # the page writes "named the conversation X" where the text export writes "renamed ... to X"
        events.append(SystemEvent(ts, f"named the conversation “{named[2]}”", author(named[1])))
        return
    notice = _notice(rest.removesuffix(".") + "!" if rest.endswith("unsent a message.") else rest)
    if notice is None:
        events.append(SystemEvent(ts, rest, None))
        return
    who, text = notice
    if text is None:
        messages.append(Message(len(messages), ts, author(who), "", MessageKind.DELETED))
    else:
        events.append(SystemEvent(ts, text, author(who)))


def _add_message(entry: _Entry, ts: datetime, sender: str, author: Callable[[str], str],
                 messages: list[Message], index_of: dict[str, int]) -> None:
    words = "".join(entry.words)
    if entry.versions:
        words = "".join(entry.versions[-1])
    text = "\n".join(line.strip() for line in words.strip().split("\n")) if words.strip() else ""
    text = "\n".join(line for line in text.split("\n") if line not in _EFFECTS)
    if not text and entry.links and not entry.media:
        text = entry.links[0]  # a link preview with no words of its own
    if entry.unsent and not entry.media and not text:
        kind = MessageKind.DELETED
    elif entry.media:
        kind = MessageKind.MEDIA
    elif not text:
        kind = MessageKind.DELETED  # nothing left to show, as imessage reads an emptied row
    else:
        kind = MessageKind.TEXT
    index = len(messages)
    reply_to = index_of.get(entry.guid) if entry.is_reply and entry.guid else None
    for guid in entry.replies:
        index_of.setdefault(guid, index)
    tapbacks: dict[str, Reaction] = {}
    for line in entry.tapbacks:
        read = tapback(_spaced(line))
        if read:  # a person's later tapback on the message stands, as in the text export
            who = author(read[0])
            tapbacks.pop(who, None)
            tapbacks[who] = Reaction(who, read[1])
    messages.append(Message(index, ts, sender, text, kind, reply_to, edited=bool(entry.versions),
                            reactions=tuple(tapbacks.values())))


def _user_from_receipts(entries: list[_Entry]) -> str | None:
    """The user where no sender is ``Me``: the exporter writes "Read by them" on the user's own
    messages and the user's custom name (or "you") on the others' (see `imessage_txt`)."""
    named: set[str] = set()
    for entry in entries:
        sender = _spaced(entry.sender)
        if sender == EXPORT_ME:
            return None
        read_by = _RECEIPT.search(_spaced(entry.when))
        if read_by is None or entry.notice is not None:
            continue
        if read_by[1] == "them":
            named.add(sender)
        elif read_by[1] != "you":
            named.add(read_by[1])
    return named.pop() if len(named) == 1 else None


def _spaced(parts: list[str]) -> str:
    return SPACES.sub(" ", "".join(parts)).strip()


class _PageReader(RoleParser):
    """Streams the page into `_Entry`s: top-level messages and announcements."""

    RECORDS = frozenset({"entry"})

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[_Entry] = []
        self.entry: _Entry | None = None
        self.target: list[str] | None = None
        self.skipping = 0  # inside a reply copy or a part that is not words

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        classes = set(attributes.get("class", "").split())
        entry = self.entry
        if tag == "br" and self.target is not None:
            self.target.append("\n")
        if entry is None:
            if tag == "div" and ("message" in classes or "announcement" in classes):
                guid = attributes.get("id", "")
                self.entry = _Entry(self.getpos()[0], guid.removeprefix("r-") if guid.startswith("r-") else None)
                if "announcement" in classes:
                    self.entry.notice, self.entry.announcement = [], True
                return "entry"
            return None
        if self.skipping:
            if "reply" in classes and tag == "div" and attributes.get("id"):
                entry.replies.append(attributes["id"])
            if tag == "div" and "replies" in classes:  # replies nested inside replies: still skipped
                self.skipping += 1
                return "skip"
            return None
        if "replies" in classes:
            self.skipping += 1
            return "skip"
        if "timestamp" in classes:
            if self.inside("edited") or entry.when:  # "Edited 5 seconds later", not the message's time
                self.skipping += 1
                return "skip"
            self.target = entry.when
            return "capture"
        if "sender" in classes:
            self.target = entry.sender
            return "capture"
        if classes & MEDIA_CLASSES:
            entry.media = True
            self.skipping += 1
            return "skip"
        if "unsent" in classes:
            entry.unsent = True
            self.skipping += 1
            return "skip"
        if "reply_context" in classes:
            entry.is_reply = True
            self.skipping += 1
            return "skip"
        if classes & SKIPPED:
            self.skipping += 1
            return "skip"
        if classes & {"tapback", "reaction"} and tag == "span":
            entry.tapbacks.append([])
            self.target = entry.tapbacks[-1]
            return "capture"
        if classes & NOTICE_CLASSES:
            entry.notice = []
            self.target = entry.notice
            return "capture"
        if "edited" in classes:
            return "edited"
        if tag == "tr" and self.inside("edited"):
            entry.versions.append([])
            self.target = entry.versions[-1]
            return "version"
        if "bubble" in classes and not self.inside("edited"):
            self.target = entry.words
            return "capture"
        if tag == "a" and attributes.get("href") and self.inside("app"):
            entry.links.append(attributes["href"])
        if "app" in classes:
            return "app"
        return None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.target is not None:
            self.target.append(data)
        elif self.entry is not None and self.entry.announcement:
            assert self.entry.notice is not None
            self.entry.notice.append(data)  # what follows its time

    def ended(self, role: str, depth: int) -> None:
        if role == "skip":
            self.skipping -= 1
        elif role in ("capture", "version"):
            self.target = None
        elif role == "entry" and self.entry is not None:
            self.entries.append(self.entry)
            self.entry, self.target = None, None


register(IMessageHtmlImporter())

__all__ = ["IMessageHtmlImporter"]
