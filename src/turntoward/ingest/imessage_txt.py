"""iMessage as text: the ``.txt`` files written by imessage-exporter (``imessage-exporter -f txt``).

Many people do not hand over their Messages database; they run the open-source
imessage-exporter (ReagentX/imessage-exporter), which reads ``chat.db`` and writes one file
per conversation: ``Sam Rivera.txt`` or ``+15555550123.txt`` (the participants, joined with
``, ``), ``<group name> - <chat rowid>.txt`` for a named group, and ``orphaned.txt``. This
importer reads those files as written by the exporter's ``exporters/txt.rs`` (checked
against its sources from 2022 to 2025: the block below has kept its shape; tapbacks were
headed ``Reactions:`` before they were headed ``Tapbacks:``).

Each message is a block of lines ended by a blank line::

    May 17, 2022  5:29:42 PM (Read by them after 1 hour, 49 seconds)
    Me
    <body lines>
    <blank>

* the timestamp is chrono's ``%b %d, %Y %l:%M:%S %p`` in the exporting machine's local time
  (English month names whatever the locale, the hour padded with a space, no time zone),
  optionally followed by a read receipt; it is kept as naive local time, like ``imessage``;
* the sender is ``Me`` for the exporting user (or the name given to the exporter's
  ``--custom-name``; both become ``--me``), otherwise the contact's name when the exporter
  could read the address book, else the phone number or e-mail address (``Unknown`` when
  there is no handle). Without ``--me``, in a file where no sender is ``Me``, the read
  receipts name the user: the exporter writes ``(Read by them after ...)`` on the user's own
  messages and ``(Read by you after ...)``, or ``(Read by <custom name> after ...)``, on the
  others', so a receipt naming someone other than "you" or "them" names the user, and so does
  the sender of a message read "by them" (when receipts name two different people, nobody is
  guessed and the user stays ``Me``);
* the body is the message text (several lines when the text has several), an attachment's
  path (``.../Library/Messages/Attachments/...``, ``attachments/...`` when copied, an iOS
  backup hash, a bare file name, ``Attachment missing!``) optionally followed by
  ``Transcription: ...``, or a sticker (``Sticker from Sam: path``): any attachment or
  sticker makes a MEDIA message, as in ``imessage``, whose text is what else it says;
* an edited part is ``<timestamp> <first version>`` followed by ``Edited 5 seconds later:
  <next version>`` lines and a blank line: the last version is the text, marked ``edited``;
* an unsent message is the one-line notice ``<timestamp> You unsent a message!`` (``Sam
  unsent ...``), or inside a block ``You unsent this message part ...!`` (``They deleted a
  message.`` in 2023 versions): a DELETED message with no text, as in ``imessage``;
* tapbacks are listed under ``Tapbacks:`` (``Reactions:``) after the part they react to, one
  per line up to a blank line, and become the `Reaction`s of the message (see below);
* replies in a thread are printed twice: indented by four spaces under the message they
  answer, and again in their own place with the line ``This message responded to an earlier
  message.``; the indented copy is skipped and tells which message the reply points at;
* expressive effects (``Sent with Confetti``), ``This message was deleted from the
  conversation!`` (a message the user deleted but that is still there) and the read receipt
  are dropped;
* group notices are one line after the timestamp (``Sam renamed the conversation to Lake
  crew``, ``You added Jo to the conversation.``, ``left the conversation.``, ``changed the
  group photo.``, ``kept an audio message.``) and become `SystemEvent`s in ``imessage``'s
  words; so do ``Started sharing location!`` / ``Stopped sharing location!`` and SharePlay.

A file that ends without the exporter's last blank line, or without a newline after its last
line (trimmed by hand, pasted), is read; one that ends inside a timestamp line (``Dec 17, 2024
10:1``, or a read receipt or notice stopping short) or right after one is refused as cut off.
A cut inside the last message's text cannot be told from a file trimmed there.

Things the text cannot tell apart are read the likelier way: a body line that is exactly a
timestamp after a blank line starts a new message; a text line that looks like an attachment
path is one; a multi-line reply whose indented copy has a blank line inside may leak its
last lines into the message it answers. App messages (link previews, Apple Pay, Fitness)
are kept as the text the exporter printed.

Tapbacks, as the exporter writes them (``format_tapback`` and the tapback loop of
``format_message`` in ``exporters/txt.rs`` at commit c580c9a6 of 2025; the named kinds and the custom emoji's display in
``imessage-database/src/message_types/variants.rs``): after each part of a message (an
attachment, the text), and after its effect line, the tapbacks on that part are printed as
``Tapbacks:`` and one line each, ``<tapback> by <who>``, then a blank line. ``<tapback>`` is
the kind's name (``Loved``, ``Liked``, ``Disliked``, ``Laughed``, ``Emphasized``,
``Questioned``), read as the emoji Messages shows (❤️ 👍 👎 😂 ‼️ ❓, as ``imessage`` reads them),
or a custom emoji itself (``🫂 by Me``); ``<who>`` is the sender's name as on message blocks
(``Me`` or the ``--custom-name``), and becomes the author as it does there. A removed tapback
prints nothing; sticker tapbacks (``Sticker from Sam: <path> from Sam``, ``Sticker from Sam not
found!``) and ``Unknown emoji! by Sam`` (a custom tapback without its emoji) carry no emoji
and are skipped. The text has no time for a tapback (the exporter prints none), so their
``ts`` is None. Should a part list one person twice, the later line stands, as ``imessage``
keeps a person's later tapback on a part. Older exporters (its sources of February 2024 still
do) head the list ``Reactions:`` with the same lines; custom emoji and sticker tapbacks came
with its pull request #341 (September 2024).

The conversation is titled with the file name without ``.txt`` (and without the `` - <rowid>``
the exporter adds to named groups); the whole file name stem is the ``chat_id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest.imessage import GROUP_EVENTS, NAMED_TAPBACKS
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

EXPORT_ME = "Me"
_ME_IN_NOTICES = "You"
_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_TS = r"([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) {1,2}(\d{1,2}):(\d{2}):(\d{2}) ([AP]M)"
HEADER = re.compile(_TS + r"(?: \(Read by .+ after .*\))?")
INDENTED_HEADER = re.compile(r" {4}" + _TS + r"(?: \(Read by .+ after .*\))?")
STAMPED = re.compile(_TS + r" (.*)")
_RECEIPT = re.compile(r" \(Read by (.+?) after .*\)$")
# A line that starts like a timestamp (so a malformed one is reported, not read as text).
LOOKS_STAMPED = re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4} +\d{1,2}:\d{2}:\d{2}")
# What can follow the month's name in a timestamp line cut short: " 17, 2024 10:1" and shorter.
_TIMESTAMP_START = re.compile(
    r"(?: (?:\d{1,2}(?:,(?: (?:\d{1,4}(?: {1,2}(?:\d{1,2}(?::(?:\d{1,2}(?::(?:\d{1,2}(?: [AP]?)?)?)?)?)?)?)?)?)?)?)?)?"
)
_EXPECTED = "an imessage-exporter text export ('May 17, 2022  5:29:42 PM' line, then the sender)"
_EXPECTED_HEADER = "a timestamp line like 'May 17, 2022  5:29:42 PM' (month, day, year, 12-hour time)"

_NOTICES = (
    (re.compile(r"(.+?) renamed the conversation to (.*)"), lambda m: f"named the conversation “{m[2]}”"),
    (re.compile(r"(.+?) changed the group photo\."), lambda m: GROUP_EVENTS[(3, 1)]),
    (re.compile(r"(.+?) removed the group photo\."), lambda m: GROUP_EVENTS[(3, 2)]),
    (re.compile(r"(.+?) added (.+) to the conversation\."), lambda m: f"added {m[2]} to the conversation"),
    (re.compile(r"(.+?) removed (.+) from the conversation\."),
     lambda m: f"removed {m[2]} from the conversation"),
    (re.compile(r"(.+?) left the conversation\."), lambda m: GROUP_EVENTS[(3, 0)]),
    (re.compile(r"(.+?) kept an audio message\."), lambda m: "kept an audio message"),
    (re.compile(r"(.+?) performed unknown action (\d+)\.?"), lambda m: f"group event (unknown action {m[2]})"),
)
_UNSENT_NOTICE = re.compile(r"(.+?) unsent a message!")
_UNSENT_PART = re.compile(r"(.+?) unsent this message part(?: .+ after sending)?!")
_DELETED_2023 = re.compile(r"(.+?) deleted a message\.")
_EDITED_LATER = re.compile(r"Edited (?:[\d ,a-z]*) later: (.*)")
_TAPBACK_HEADINGS = ("Tapbacks:", "Reactions:")
_TAPBACK_LINE = re.compile(r"(\S+) by (.+)")
_TAPBACK_EMOJI = dict(NAMED_TAPBACKS.values())  # "Loved" -> "❤️"
_REPLY_NOTE = "This message responded to an earlier message."
_STILL_THERE_NOTE = "This message was deleted from the conversation!"
_MISSING_ATTACHMENT = ("Attachment missing!", "Attachment missing name metadata!")
_ATTACHMENT_PATH = re.compile(
    r"(?:.*[/\\])?Library[/\\](?:Messages|SMS)[/\\]Attachments[/\\].+"  # the Mac's or iPhone's own copy
    r"|attachments/.+"  # copied into the export folder (--copy-method)
    r"|(?:.*[/\\])?[0-9a-f]{2}[/\\][0-9a-f]{40}"  # an iOS backup's hashed file
    r"|(?:Audio Message|[^\s/\\]+)\.(?:heic|heif|jpe?g|png|gif|tiff?|webp|mov|mp4|m4v|caf|m4a|amr|mp3|aac|pdf|vcf)",
    re.IGNORECASE,
)
_STICKER = re.compile(r"(?:[A-Z][a-z]+ )?Sticker from .+?: .+")
_EFFECTS = frozenset(f"Sent with {name}" for name in (
    "Confetti", "Echo", "Fireworks", "Balloons", "Heart", "Lasers", "Shooting Star", "Shooting Start",
    "Sparkles", "Spotlight", "Slam", "Loud", "Gentle", "Invisible Ink", "Implact",
))
_NOTICE_BODIES = {
    ("Started sharing location!",): "started sharing location",
    ("Stopped sharing location!",): "stopped sharing location",
    ("SharePlay Message", "Ended"): "SharePlay",
}


@dataclass
class _Block:
    line: int
    ts: datetime
    sender: str | None = None
    body: list[str] = field(default_factory=list)


class IMessageTxtImporter:
    """Reads the per-conversation text files of imessage-exporter."""

    name = "imessage_txt"
    description = "iMessage conversation exported as text by imessage-exporter (-f txt)"

    def sniff(self, source: Source, head: bytes) -> float:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
        lines = [line.removesuffix("\r") for line in text.split("\n")[:3]]
        if len(lines) < 2:
            return 0.0
        first, second = lines[0], lines[1]
        stamped = STAMPED.fullmatch(first)
        if HEADER.fullmatch(first):
            if not second.strip() or second[0].isspace() or LOOKS_STAMPED.match(second):
                return 0.0
        elif not (stamped and _notice(stamped[8]) and second == ""):
            return 0.0
        return 0.9 if source.filename.lower().endswith(".txt") else 0.6

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        me = options.me or _user_from_read_receipts(source) or EXPORT_ME
        stem = PurePosixPath(source.filename).stem if source.filename.lower().endswith(".txt") else source.filename
        title = re.sub(r" - \d+$", "", stem) or stem
        reader = _Reader(source, me)
        reader.read()
        if not reader.messages and not reader.events:
            raise ImportFormatError(source.name, _EXPECTED, found="no messages")
        yield Conversation(source.name, "imessage_txt", title, reader.messages, reader.events,
                           chat_id=stem, me=me)


def _user_from_read_receipts(source: Source) -> str | None:
    """The user's name where the file does not call them ``Me``, as the read receipts tell it.

    The exporter writes ``(Read by them after ...)`` on the user's own messages and ``(Read by
    you after ...)`` on the others', with the user's ``--custom-name`` for "you" when one was
    given. So a receipt naming someone else than "you" or "them" names the user, and the sender
    of a message read "by them" is the user. None when a sender is ``Me``, no receipt tells, or
    receipts name more than one person.
    """
    named: set[str] = set()
    after_blank, receipt = True, None
    try:
        for raw in _lines(source):
            line = raw.rstrip("\n").removesuffix("\r")
            if receipt is not None:
                if line == EXPORT_ME:
                    return None
                if receipt == "them":
                    named.add(line)
                receipt = None
            elif after_blank and HEADER.fullmatch(line):
                read_by = _RECEIPT.search(line)
                receipt = read_by[1] if read_by else ""
                if receipt not in ("", "you", "them"):
                    named.add(receipt)
            after_blank = not line.strip()
    except ImportFormatError:
        return None  # the reading proper reports it
    return named.pop() if len(named) == 1 else None


def _lines(source: Source) -> Iterator[str]:
    """The file's lines with their endings, read as a stream; only ``\\n`` ends a line."""
    with source.stream() as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                yield (raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ImportFormatError(source.name, "UTF-8 text", line=number,
                                        found=f"byte 0x{raw[exc.start]:02x}") from exc


class _Reader:
    """Splits the file into blocks and turns each into a message or a notice, in one pass."""

    def __init__(self, source: Source, me: str) -> None:
        self.source = source
        self.me = me
        self.messages: list[Message] = []
        self.events: list[SystemEvent] = []
        # (time, sender) of each indented reply copy -> index of the message it was printed under
        self.thread_of: dict[tuple[datetime, str], int] = {}

    def _author(self, sender: str) -> str:
        return self.me if sender in (EXPORT_ME, _ME_IN_NOTICES) else sender

    def read(self) -> None:
        block: _Block | None = None
        after_blank = True
        number = 0
        last, last_after_blank = "\n", True
        for number, raw in enumerate(_lines(self.source), start=1):
            last, last_after_blank = raw, after_blank
            line = raw.rstrip("\n").removesuffix("\r")
            if block is not None and block.sender is None:
                if not line.strip() or line[0].isspace() or LOOKS_STAMPED.match(line):
                    raise ImportFormatError(self.source.name, "the sender's name on the line after the timestamp",
                                            line=number, found=line)
                block.sender = line
            elif after_blank and LOOKS_STAMPED.match(line):
                block = self._start(block, line, number)
            elif after_blank and line == "Unable to format announcement!":
                self._finish(block)
                block = None
            elif block is None:
                if line.strip():
                    raise ImportFormatError(self.source.name, _EXPECTED_HEADER, line=number, found=line)
            else:
                block.body.append(line)
            after_blank = not line.strip()
        if block is not None and block.sender is None:
            raise ImportFormatError(self.source.name, "the sender's name after the timestamp (the file is cut off:"
                                    " export it again)", line=number + 1, found="the end of the file")
        if not last.endswith("\n") and last_after_blank and _cut_in_a_timestamp(last.removesuffix("\r")):
            raise ImportFormatError(self.source.name, "the rest of the timestamp line (the file is cut off:"
                                    " export it again)", line=number, found=last)
        self._finish(block)

    def _start(self, block: _Block | None, line: str, number: int) -> _Block | None:
        """A timestamp line after a blank: a new message, a one-line notice, or an edited part."""
        if HEADER.fullmatch(line):
            self._finish(block)
            return _Block(number, self._time(line, number))
        stamped = STAMPED.fullmatch(line)
        if stamped is None:
            raise ImportFormatError(self.source.name, _EXPECTED_HEADER, line=number, found=line)
        ts = self._time(line, number)
        notice = _notice(stamped[8])
        if notice is None:
            if block is None:
                raise ImportFormatError(self.source.name, "a group notice after the timestamp ('Sam renamed the"
                                        " conversation to ...')", line=number, found=line)
            block.body.append(line)  # the first version of an edited part, after a tapback list
            return block
        self._finish(block)
        who, text = notice
        if text is None:
            self.messages.append(Message(len(self.messages), ts, self._author(who), "", MessageKind.DELETED))
        else:
            self.events.append(SystemEvent(ts, text, self._author(who)))
        return None

    def _time(self, line: str, number: int) -> datetime:
        ts = exporter_time(line)
        if ts is None:
            raise ImportFormatError(self.source.name, "a real date and time ('May 17, 2022  5:29:42 PM')",
                                    line=number, found=line)
        return ts

    def _finish(self, block: _Block | None) -> None:
        if block is None:
            return
        assert block.sender is not None
        author = self._author(block.sender)
        body = _Body(self, block)
        body.read()
        lines = body.text
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if not body.media and tuple(lines) in _NOTICE_BODIES:
            self.events.append(SystemEvent(block.ts, _NOTICE_BODIES[tuple(lines)], author))
            return
        text = "\n".join(lines)
        if body.unsent and not body.media and not text.strip():
            kind, text = MessageKind.DELETED, ""
        elif body.media:
            kind, text = MessageKind.MEDIA, text.strip()
        elif not text.strip():
            kind = MessageKind.DELETED  # nothing left to show, as imessage reads an emptied row
        else:
            kind = MessageKind.TEXT
        index = len(self.messages)
        reply_to = self.thread_of.get((block.ts, block.sender)) if body.is_reply else None
        for key in body.reply_copies:
            self.thread_of.setdefault(key, index)
        reactions = tuple(reaction for part in body.tapbacks for reaction in part.values())
        self.messages.append(Message(index, block.ts, author, text, kind, reply_to, edited=body.edited,
                                     reactions=reactions))


class _Body:
    """The lines after the sender: text kept, attachments noted, tapbacks read, reply copies skipped."""

    def __init__(self, reader: _Reader, block: _Block) -> None:
        self.reader = reader
        self.block = block
        self.text: list[str] = []
        self.media = self.unsent = self.edited = self.is_reply = False
        self.reply_copies: list[tuple[datetime, str]] = []
        # One list per ``Tapbacks:`` heading (a part of the message): person -> their reaction.
        self.tapbacks: list[dict[str, Reaction]] = []

    def read(self) -> None:
        mode = ""  # "", "tapbacks", "reply", "edit"
        reply_blank = False
        copy_time: datetime | None = None
        version: list[str] = []
        after_attachment = False
        unsent_words = (EXPORT_ME, _ME_IN_NOTICES, "They", self.reader.me)
        for offset, line in enumerate(self.block.body, start=1):
            number = self.block.line + 1 + offset
            if mode == "reply":
                if copy_time is not None:
                    self.reply_copies.append((copy_time, line[4:]))
                    copy_time = None
                    continue
                if not line.strip():
                    reply_blank = True
                    continue
                if line.startswith(" ") or not reply_blank:
                    if INDENTED_HEADER.fullmatch(line):
                        copy_time = self.reader._time(line, number)
                    reply_blank = False
                    continue
                mode = ""
            if mode == "tapbacks":
                if not line.strip():
                    mode = ""
                elif (reaction := self._tapback(line)) is not None:
                    self.tapbacks[-1].pop(reaction.author, None)
                    self.tapbacks[-1][reaction.author] = reaction
                continue
            if mode == "edit":
                if not line.strip():
                    self.text.extend(version)
                    mode = ""
                elif later := _EDITED_LATER.fullmatch(line):
                    version = [later[1]]
                else:
                    version.append(line)
                continue
            was_after_attachment, after_attachment = after_attachment, False
            if line in _TAPBACK_HEADINGS:
                mode = "tapbacks"
                self.tapbacks.append({})
            elif INDENTED_HEADER.fullmatch(line):
                mode, reply_blank, copy_time = "reply", False, self.reader._time(line, number)
            elif line == _REPLY_NOTE:
                self.is_reply = True
            elif (line in _EFFECTS or line.startswith("com.apple.MobileSMS.expressivesend.")
                  or (line == _STILL_THERE_NOTE and not self.text and not self.media)):
                pass  # an effect's name, or the note on a message deleted but still there
            elif (stamped := STAMPED.fullmatch(line)) is not None:
                self.reader._time(line, number)
                mode, version, self.edited = "edit", [stamped[8]], True
            elif ((unsent := _UNSENT_PART.fullmatch(line) or _DELETED_2023.fullmatch(line))
                  and unsent[1] in unsent_words):
                self.unsent = True
            elif line in _MISSING_ATTACHMENT or _ATTACHMENT_PATH.fullmatch(line) or _STICKER.fullmatch(line):
                self.media = after_attachment = True
            elif was_after_attachment and line.startswith("Transcription: "):
                pass
            else:
                self.text.append(line)
        if mode == "edit":
            self.text.extend(version)

    def _tapback(self, line: str) -> Reaction | None:
        """The reaction a ``Loved by Sam`` / ``🫂 by Me`` line gives; None for a sticker or unknown line."""
        read = tapback(line)
        return Reaction(self.reader._author(read[0]), read[1]) if read else None


def tapback(line: str) -> tuple[str, str] | None:
    """(who, emoji) of a tapback line as the exporter writes it (``Loved by Sam``, ``🫂 by Me``);
    None for a sticker tapback or a line without an emoji."""
    found = _TAPBACK_LINE.fullmatch(line)
    if found is None:
        return None
    kind, who = found.groups()
    emoji = _TAPBACK_EMOJI.get(kind) or (kind if not kind.isascii() else None)
    return (who, emoji) if emoji else None


def exporter_time(line: str) -> datetime | None:
    """The time at the start of `line` as the exporter writes it ('May 17, 2022  5:29:42 PM'), or
    None when it is not a real date and time."""
    found = re.match(_TS, line.lstrip(" "))
    if found is None:
        return None
    month, day, year, hour, minute, second, half = found.groups()
    if month not in _MONTHS or not 1 <= int(hour) <= 12:
        return None
    try:
        return datetime(int(year), _MONTHS[month], int(day), int(hour) % 12 + (12 if half == "PM" else 0),
                        int(minute), int(second))
    except ValueError:
        return None


def _cut_in_a_timestamp(line: str) -> bool:
    """Whether the file's last line, unended, is a timestamp line cut short: the start of one
    ("Dec 17, 2024 10:1"), or one whose read receipt or notice stops before its end."""
    if LOOKS_STAMPED.match(line):
        stamped = STAMPED.fullmatch(line)
        return not HEADER.fullmatch(line) and (stamped is None or _notice(stamped[8]) is None)
    month, rest = line[:3], line[3:]
    return any(name.startswith(month) for name in _MONTHS) and _TIMESTAMP_START.fullmatch(rest) is not None


def _notice(rest: str) -> tuple[str, str | None] | None:
    """(who, event text) of a one-line notice; event text None for an unsent message."""
    unsent = _UNSENT_NOTICE.fullmatch(rest)
    if unsent:
        return unsent[1], None
    for pattern, wording in _NOTICES:
        found = pattern.fullmatch(rest)
        if found:
            return found[1], wording(found)
    return None


register(IMessageTxtImporter())
