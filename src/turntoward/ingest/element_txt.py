"""Matrix rooms as Element (web and desktop) exports them in plain text: "Export chat", "Plain Text".

Where we read it (Element's own source, matrix-org/matrix-react-sdk and element-hq/element-web
after it: ``src/utils/exportUtils/PlainTextExport.ts``, ``Exporter.ts``, ``src/TextForEvent.tsx``,
``src/DateUtils.ts``, with their git history, 2021-2024). The file, ``<brand> - <room> - Chat Export
- <date>.txt`` (the brand ``Element`` or ``matrix``; before October 2022 ``<brand> - Chat Export -
<date>``; when media are included, ``export.txt`` in a folder of that name, zipped), has NO header:
no room name, export date or exporter. Each event Element draws a tile for is one entry, oldest
first::

    <date> - <text of the event>

and an event's words that run over several lines simply go on, on the lines after it (a line that
is not ``<date> - `` continues the entry before; so does one whose date is written in another shape
than the first entry's, a line pasted into a message, as one export writes every date alike). The
date is, by version:

- until August 2023, the browser's ``new Date().toLocaleString()``: ``3/12/2024, 9:04:05 PM``
  (en-US), ``12/03/2024, 21:04:05`` (en-GB), ``12.3.2024, 21:04:05`` (de), ``2024-03-12
  21:04:05`` (sv): numeric, so the day/month order is decided over the whole file as for
  WhatsApp (`read_times`), unless ``date_order`` forces it;
- for two weeks of August 2023, ``formatFullDate``'s fixed English ``Fri, Apr 16 2021 17:20:00``
  (``5:20:00PM`` with the 12-hour setting);
- from August 2023 on, ``Intl.DateTimeFormat`` in Element's language: ``Fri, Apr 16, 2021,
  17:20:00``, ``Fri, 16 Apr 2021, 5:20:00 PM`` (a narrow no-break space before ``PM`` in newer
  browsers; the first versions, in English with the 24-hour clock, wrote ``24:05:07`` for
  ``00:05:07``, Intl's ``hour12: false``). Only English month names are read; from September 2024
  the clock is in the time zone chosen in Element's settings. Times are read as written: local wall-clock time.

The text of an event is ``textForEvent`` (English here; other languages are not read):

- a message: ``Sam: words`` (``Sam`` the sender's display name at that time, or their Matrix id);
  a bot's notice the same; an emote ``* Sam waves``; a deleted message ``Sam: Message deleted``
  or ``Sam: Message deleted by Lee`` (DELETED);
- a reply: ``Sam: <@lee:example.org "first line of the quoted ..."> words``, built from the
  reply fallback (``> <@lee:example.org> quoted`` lines, which clients stopped sending in 2024;
  without one the words come as they are; ``<`` before anything but a Matrix id is words). The
  quote's first line (at most 32 UTF-16 units as JavaScript counts them, an emoji two, then
  ``...``; an emoji cut in half is written U+FFFD) is looked for among the earlier messages to set
  `reply_to`;
- media (``m.image``, ``m.video``, ``m.audio``, ``m.file``, stickers) end with `` (Media
  omitted)``, `` (Media omitted - file size limit exceeded)``, `` (File Attached)`` or `` (Error
  fetching file)``: ``Sam: clip.mp4 (Media omitted)``, but an image is ``Sam sent an image.
  (Media omitted)`` and a sticker ``Sam sent a sticker. (Media omitted)`` (MEDIA ``<image>``,
  ``<sticker>``); a location is ``Sam has shared their location``, a poll ``Sam has started a
  poll - question`` (both MEDIA);
- everything else (joins, leaves, invitations, name and topic changes, calls, encryption, ...)
  is a line without ``Sender:`` (``Sam joined the room``, ``Lee left the room: moving on``): a
  `SystemEvent`. A line that is ``Name: words`` is a message unless it is one of those notices
  (the notice's actor is a name without ``": "``, so ``Sam: I joined the room`` stays a message);
  a line of neither kind is kept as a notice.

Names: the sender's display name changes over the export. Read in file order, ``A changed their
display name to B`` (``@a:example.org set their display name to A``, ``A removed their display name
(B)``) moves whoever is A now to B, and a later A is someone else; every message and notice of one
person then goes under the name they had last, as the JSON importer does. An emote's sender is the
longest name known from the file that begins it. Nobody is marked as the exporter: the file does
not say (the ``me`` option is honoured).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._table_times import read_times
from turntoward.ingest.element import MEDIA_PLACEHOLDERS
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

_S = r"[ \u00a0\u202f]"  # a space, a no-break space or a narrow one (newer ICU before "PM")
_CLOCK = rf"\d{{1,2}}:\d{{2}}:\d{{2}}(?:{_S}?[AaPp]\.?{_S}?[Mm]\.?)?"
_NUMERIC_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\.?"
_NAMED_DATE = (
    rf"[A-Z][a-z]{{2}},{_S}(?:[A-Z][a-z]{{2,8}}\.?{_S}\d{{1,2}},?|\d{{1,2}}{_S}[A-Z][a-z]{{2,8}}\.?){_S}\d{{4}}"
)
HEADER = re.compile(rf"(?P<when>(?P<named>{_NAMED_DATE})?(?(named)|{_NUMERIC_DATE}),?{_S}{_CLOCK}) - (?P<rest>.*)")
LINE_BREAK = re.compile(r"\r\n|\n|\r")  # not str.splitlines, which also breaks at \x1d, \x85, \u2028...
EXPECTED = "an Element plain-text export: lines like '3/12/2024, 9:04:05 PM - Sam: words'"

MEDIA_SUFFIX = re.compile(
    r" \((?:Media omitted(?: - file size limit exceeded)?|File Attached|Error fetching file)\)$"
)
DELETED = re.compile(r"Message deleted(?: by .+)?")
# the quoted sender is a Matrix id (the fallback's "> <@lee:example.org> ..."): "<3> love it" is words
REPLY = re.compile(r'<(?P<who>@[^\s<>":]+:[^\s<>"]+)(?: "(?P<quote>[^\n]*?)")?> (?P<words>.*)', re.DOTALL)
_QUOTE_MAX = 32
_WHO = r"(?P<who>(?:(?!: )[^\n])+?)"  # an actor: a display name never holds ": " here
_MEDIA_LINES = {
    "m.image": re.compile(rf"{_WHO} sent an image\."),
    "m.sticker": re.compile(rf"{_WHO} sent a sticker\."),
}
_LOCATION = re.compile(rf"{_WHO} has shared their location")
_POLL = re.compile(rf"{_WHO} has started a poll - (?P<question>.*)", re.DOTALL)
RENAMES = (  # the name before and after: "A changed ... to B", "@a:b.org set ... to A", "@a:b.org removed ... (A)"
    re.compile(rf"{_WHO} (?:changed|set) their display name to (?P<new>[^\n]+)"),
    re.compile(r"(?P<new>(?:(?!: )[^\n])+?) removed their display name \((?P<who>[^\n]+)\)"),
)
_NOTICE_TAILS = "|".join((
    r"joined the room", r"left the room(?:: .*)?", r"rejected the invitation", r"accepted (?:an|the) invitation.*",
    r"invited .+", r"(?:banned|removed|unbanned|kicked) .+", r"withdrew .+'s invitation(?:: .*)?",
    r"changed their display name.*", r"set their display name to .+", r"removed their display name.*",
    r"(?:changed|set|removed) (?:their|a) profile picture", r"made no change",
    r"changed the room name.*", r"removed the room name\.", r"changed the topic to .*", r"removed the topic\.",
    r"created and configured the room\.", r"created the room\.?", r"upgraded this room\.",
    r"made future room history visible to .+", r"made the room .+", r"has (?:allowed|prevented) guests .+",
    r"changed the (?:room avatar|power level|server ACLs|main address|alternative address|addresses"
    r"|pinned messages|guest access|join rule|history visibility).*",
    r"(?:set|removed) the (?:main|alternative) address.*", r"(?:added|removed) the alternative address.*",
    r"changed the avatar .*", r"removed the room avatar\.", r"enabled end-to-end encryption.*",
    r"(?:placed|ended|answered|declined|rejected|started) (?:a |the )?(?:voice |video )?call.*",
    r"(?:pinned|unpinned) a message.*", r"sent an invitation to .+", r"revoked the invitation .+",
    r"ended a poll.*", r"changed the settings.*",
))
NOTICE = re.compile(rf"{_WHO} (?:{_NOTICE_TAILS})", re.DOTALL)
SPEAKER = re.compile(r"(?P<who>[^\n]+?): (?P<words>.*)", re.DOTALL)
FILE_NAME = re.compile(r"[^-]+ - (?:(?P<room>.+) - )?Chat Export - .+")  # the brand (Element, matrix) first
ZIP_MEMBER = "export.txt"  # the text file's name in the zip, in a folder of the export's name
_ELEMENT_MARKS = re.compile(
    r"@[\w.=/+-]+:[\w-]+(?:\.[\w-]+)+|(?: joined the room| created and configured the room\.| sent an image\.)$"
    r"| \((?:Media omitted|File Attached)[^)]*\)$",
    re.MULTILINE,
)
SNIFF_LINES = 30


@dataclass
class _Entry:
    """One event of the file: its header's line number (from 1), time text and text (all lines)."""

    line: int
    when: str
    text: str


class ElementTextImporter:
    """Reads Element's plain-text export of one Matrix room."""

    name = "element_txt"
    description = "Element (Matrix) room export (plain text)"

    def sniff(self, source: Source, head: bytes) -> float:
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))  # saved again in Notepad
        text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-16" if utf16 else "utf-8", "ignore")
        lines = [line for line in LINE_BREAK.split(text)[:200] if line.strip()][:SNIFF_LINES]
        found = [HEADER.fullmatch(line) for line in lines]
        if not lines or found[0] is None:
            return 0.0
        headers = sum(f is not None for f in found)
        if found[0]["named"]:  # "Fri, Apr 16, 2021, 17:20:00 - ": no other format writes this
            return 0.9 if headers >= 2 else 0.6
        # "3/12/2024, 9:04:05 PM - Sam: hi" is also how WhatsApp on Android writes a time with
        # seconds: claim it (above WhatsApp's 0.95) only where something says Matrix or Element
        if FILE_NAME.fullmatch(_export_name(source)) or _ELEMENT_MARKS.search(text):
            return 0.97 if headers >= 2 else 0.7
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        entries = _entries(source)
        times = read_times([_HOUR_24.sub("00", entry.when) for entry in entries], date_order=options.date_order)
        reader = _Reader()
        for entry, ts in zip(entries, times, strict=True):
            if ts is None:
                raise ImportFormatError(source.name, "a real date and time before ' - '", line=entry.line,
                                        found=entry.when)
            reader.add(entry.text, ts)
        messages, notices = reader.finish()
        yield Conversation(
            source=source.name,
            source_format=self.name,
            title=_title(source),
            messages=messages,
            system_events=notices,
            me=options.me,
        )


def _entries(source: Source) -> list[_Entry]:
    """The file's entries: a ``<date> - `` line and the lines that continue it."""
    lines = LINE_BREAK.split(source.read_text("UTF-8 text, as Element writes it"))
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last entry
    entries: list[_Entry] = []
    parts: list[str] = []
    shape = ""
    for number, line in enumerate(lines, start=1):
        found = HEADER.fullmatch(line)
        if found is not None and entries and _shape(found["when"]) != shape:
            found = None  # a line pasted into a message: one export writes every date alike
        if found is not None:
            shape = shape or _shape(found["when"])
            if entries:
                entries[-1].text = "\n".join(parts)
            entries.append(_Entry(number, found["when"], ""))
            parts = [found["rest"]]
        elif not entries:
            raise ImportFormatError(source.name, EXPECTED, line=number, found=line)
        else:
            parts.append(line)
    if entries:
        entries[-1].text = "\n".join(parts)
    return entries


_HOUR_24 = re.compile(r"(?<!\d)24(?=:\d\d:\d\d$)")
"""Intl's English 24-hour clock (``hour12: false``, hour cycle h24) writes the hour after midnight as 24."""


def _shape(when: str) -> str:
    """A date's shape, its numbers and words left out: ``3/12/2024, 9:04:05 PM`` is ``0/0/0, 0:0:0 A``."""
    return _NUMBERS.sub("0", _WORDS.sub("A", when))


_NUMBERS, _WORDS = re.compile(r"\d+"), re.compile(r"[A-Za-z]+\.?")


@dataclass
class _Draft:
    ts: datetime
    author: str
    text: str
    kind: MessageKind
    quote: tuple[str, bool] | None = None
    """The reply's quote: its text, and whether Element cut it (``...``)."""
    person: int = -1


@dataclass
class _Notice:
    ts: datetime
    text: str
    who: str | None
    rename: tuple[str, str] | None = None
    """A display-name change: the name before and the name after."""
    person: int = -1


class _Reader:
    """Turns entries into messages and notices, then gives each person their last name."""

    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self.events: list[_Notice] = []
        self.order: list[_Draft | _Notice] = []

    def add(self, text: str, ts: datetime) -> None:
        drafts = len(self.drafts)
        self._add(text, ts)
        self.order.append(self.drafts[-1] if len(self.drafts) > drafts else self.events[-1])

    def _add(self, text: str, ts: datetime) -> None:
        media = MEDIA_SUFFIX.search(text)
        body = text[: media.start()] if media else text
        if (found := NOTICE.fullmatch(body)) and not media:
            rename = next((r for r in map(lambda p: p.fullmatch(body), RENAMES) if r), None)
            self.events.append(_Notice(ts, text, found["who"], (rename["who"], rename["new"]) if rename else None))
        elif media and (kind := next((k for k, p in _MEDIA_LINES.items() if p.fullmatch(body)), None)):
            self.drafts.append(_Draft(ts, _MEDIA_LINES[kind].fullmatch(body)["who"],  # type: ignore[index]
                                      MEDIA_PLACEHOLDERS[kind], MessageKind.MEDIA))
        elif not media and (found := _LOCATION.fullmatch(body)):
            self.drafts.append(_Draft(ts, found["who"], MEDIA_PLACEHOLDERS["m.location"], MessageKind.MEDIA))
        elif not media and (found := _POLL.fullmatch(body)):
            self.drafts.append(_Draft(ts, found["who"], found["question"] or "<poll>", MessageKind.MEDIA))
        elif body.startswith("* "):
            self.drafts.append(_Draft(ts, "", body, MessageKind.MEDIA if media else MessageKind.TEXT))
        elif found := SPEAKER.fullmatch(body):
            self.drafts.append(_said(ts, found["who"], found["words"], bool(media)))
        else:
            self.events.append(_Notice(ts, text, None))

    def finish(self) -> tuple[list[Message], list[SystemEvent]]:
        """The messages and notices, each person under the last name they had."""
        known = {d.author for d in self.drafts if d.author} | {e.who for e in self.events if e.who}
        known |= {e.rename[1] for e in self.events if e.rename}
        speakers = sorted(known, key=len, reverse=True)
        for draft in self.drafts:
            if not draft.author:  # an emote: "* Sam Lee waves", the longest known name that fits
                draft.author, draft.text = _emote(draft.text[2:], speakers)
        last = self._follow_names()
        messages = [Message(index=i, ts=d.ts, author=last[d.person], text=d.text, kind=d.kind,
                            reply_to=_quoted(self.drafts, i)) for i, d in enumerate(self.drafts)]
        notices = [SystemEvent(e.ts, e.text, last[e.person] if e.who else None) for e in self.events]
        return messages, notices

    def _follow_names(self) -> list[str]:
        """Give every draft and notice its person, in file order: a name belongs to whoever has it
        now, and ``A changed their display name to B`` moves A's person to B (a later ``A`` is
        someone else). Returns each person's last name."""
        holder: dict[str, int] = {}
        last: list[str] = []

        def person(name: str) -> int:
            if name not in holder:
                holder[name] = len(last)
                last.append(name)
            return holder[name]

        for item in self.order:
            if isinstance(item, _Draft):
                item.person = person(item.author)
                continue
            if item.who:
                item.person = person(item.who)
            if item.rename:
                old, new = item.rename
                moved = person(old)
                del holder[old]
                holder[new] = moved
                last[moved] = new
        return last


def _said(ts: datetime, author: str, words: str, media: bool) -> _Draft:
    """``Sam: words``: words, a reply, a file, or a deleted message."""
    kind = MessageKind.MEDIA if media else MessageKind.TEXT
    if DELETED.fullmatch(words) and not media:
        return _Draft(ts, author, "", MessageKind.DELETED)
    draft = _Draft(ts, author, words, kind)
    if reply := REPLY.fullmatch(words):
        draft.text = reply["words"]
        quote = reply["quote"] or ""
        cut = quote.endswith("...") and _units(quote[:-3]) == _QUOTE_MAX
        draft.quote = (quote[:-3] if cut else quote, cut)
    if media and not draft.text:
        draft.text = "<file>"
    return draft


def _emote(rest: str, speakers: list[str]) -> tuple[str, str]:
    """The author and words of an emote's ``Sam waves`` (``* Sam waves`` is kept as the words)."""
    for name in speakers:
        if rest.startswith(name + " ") or rest == name:
            return name, rest[len(name):].lstrip(" ")
    author, _, words = rest.partition(" ")
    return author, words


def _quoted(drafts: list[_Draft], i: int) -> int | None:
    """The latest earlier message whose first line the reply quotes."""
    quote = drafts[i].quote
    if not quote or not quote[0]:
        return None
    text, cut = quote
    for k in range(i - 1, -1, -1):
        earlier = drafts[k]
        if earlier.kind is MessageKind.DELETED:
            continue
        first = next((line for line in earlier.text.split("\n") if line.strip()), "")
        if (_units(first) > _QUOTE_MAX and _js_cut(first) == text) if cut else first == text:
            return k
    return None


def _units(text: str) -> int:
    """The length of `text` in JavaScript: UTF-16 units, two for a character beyond U+FFFF."""
    return len(text) + sum(ord(char) > 0xFFFF for char in text)


def _js_cut(text: str) -> str:
    """``text.substring(0, 32)``: a character beyond U+FFFF cut in half is written as U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass")[: 2 * _QUOTE_MAX].decode("utf-16-le", "replace")


def _export_name(source: Source) -> str:
    """The export's name: the file's, without ``.txt``; for ``export.txt`` (the zip Element makes
    when media are included holds ``<export's name>/export.txt``), its folder's or the archive's."""
    if source.filename.lower() != ZIP_MEMBER:
        return PurePosixPath(source.filename).stem
    if source.member is not None and source.archive is not None:
        return source.folder_name or source.archive.stem
    return source.folder_name or "export"


def _title(source: Source) -> str:
    """The room's name from ``Element - <room> - Chat Export - <date>.txt`` (or the folder holding
    ``export.txt``), else the export's name."""
    name = _export_name(source)
    found = FILE_NAME.fullmatch(name)
    return found["room"] if found and found["room"] else name


register(ElementTextImporter())

__all__ = ["ElementTextImporter"]
