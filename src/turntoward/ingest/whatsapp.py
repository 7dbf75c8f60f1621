"""WhatsApp's "Export chat" text files, from Android and iOS, in any language and date style, and
the messages WhatsApp Web and Desktop users copy out (those apps have no export).

One export is one conversation: ``WhatsApp Chat with Sam.txt`` (Android, alone or in a zip
with the media) or ``_chat.txt`` inside ``WhatsApp Chat - Family.zip`` (iOS). The title comes
from the file name; the export says neither the chat's id nor who exported it.

Each message starts with a header (see `_whatsapp_dates`); the lines up to the next header
belong to it. App notices (encryption, joins, missed calls, ...) become `SystemEvent`s: on
Android they are the headers without a ``Name: `` part, on iOS the texts WhatsApp starts with
U+200E, and in both the notices listed in ``formats/whatsapp.toml``. A notice's author is
whoever it says acted ("Maya added Tom" → Maya) where a pattern in that file says so, else on
iOS the name before ``": "`` (the contact, or the group's name), else None.

Names containing ``": "`` make ``Dr: Who: hello`` ambiguous. The rule: the author is the text
before the first ``": "``, unless a longer name that starts the line is known from elsewhere in
the file (the chat's title, a notice such as "You added Dr: Who", or on iOS a line where the
mark comes after a second ``": "``: ``~ Ann: Art Studio: \u200eThis message was deleted.``), in
which case the longest such name wins, for the messages before it was learned as well.

Speed matters (exports of a million messages exist): the file is read in blocks of UTF-8
bytes, one pattern compiled for this file's header shape splits each block at every header in
a single C-level pass, only message texts are decoded, dates and clock times are parsed once per
distinct value, plain messages take a handful of C calls each, and the cyclic garbage collector
is paused while the records are built. Messages are built once the whole file has been read,
because the day/month order is decided from every date in it. benchmarks/bench_whatsapp.py
measures it.
"""

from __future__ import annotations

import codecs
import gc
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import cache
from operator import add
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, decode_text
from turntoward.ingest._whatsapp_dates import (
    DATE_ORDERS,
    LEADING_MARKS,
    Dialect,
    clock_pattern,
    date_pattern,
    date_table,
    dialect_of,
    named_date_table,
    period_words,
    resolve_date_order,
    time_table,
)
from turntoward.ingest._whatsapp_markers import Markers, load_markers
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

EXPECTED_HEADER = "a WhatsApp message line like '12/03/2024, 21:04 - Name: text'"
NOTICES_ALONE = 3
"""A file of this many app notices and no message is not a WhatsApp chat (`_parse`)."""
BLOCK_BYTES = 4 << 20  # big enough to amortise the per-block work, small enough to bound memory
# Direction marks WhatsApp and phones wrap around names (phone numbers, right-to-left names).
NAME_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TEXT_MARKS = "\u200e\u200f"
LEFT_TO_RIGHT_MARK = "\u200e"
MARKED_AFTER_NAME = ": \u200e"
"""On iOS, what follows the name when the text is a notice or a deleted message."""
NAME_PART_MAX = 60
"""The longest part of a name after a ": " in it that `MARKED_AFTER_NAME` may reveal."""
CAPTIONED = "\u200e<"  # in an iOS text: a caption, then the attachment's "<attached: ...>"
SNIFF_LINES = 20
HEAD_BYTES = 64 * 1024  # enough lines to find the first header and read the file's dialect
# What a blank stretch of the file may hold: whitespace and the bytes of U+FEFF, U+200E, U+200F.
BLANK_BYTES = b" \t\n" + LEADING_MARKS.encode()
IOS_MEMBER = "_chat"  # the chat's file inside an iOS export zip, which names the chat itself
EXPECTED_WHOLE_HEADER = (
    "a complete message header (the export ends in the middle of one: it may have been cut off"
    " while copying; export the chat again)"
)

_NOTICE = object()  # the text before ": " is a notice that quotes text with a colon in it
_TEXT, _SYSTEM = MessageKind.TEXT, MessageKind.SYSTEM


class WhatsAppImporter:
    """Reads WhatsApp chat exports (.txt, alone or inside the zip WhatsApp shares)."""

    name = "whatsapp"
    description = "WhatsApp chat export (.txt or .zip, Android or iOS), or messages copied from WhatsApp Web"

    def sniff(self, source: Source, head: bytes) -> float:
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if not utf16 and _DOUBLE_ENCODED in head:
            head = undo_double_encoding(head[: head.rfind(b"\n") + 1] or head)  # whole lines only
        text = head.decode("utf-16" if utf16 else "utf-8", errors="ignore").replace("\r", "\n")
        lines = [line for line in text.split("\n")[:200] if line.strip()][:SNIFF_LINES]
        if not lines or dialect_of(lines[0]) is None:
            return 0.0
        headers = sum(dialect_of(line) is not None for line in lines)
        score = 0.95 if headers >= 3 else 0.8 if headers == 2 else 0.5
        if source.filename.lower().endswith(".md"):  # WhatsApp writes .txt; signal-export's
            score /= 2  # chat.md has bracketed headers much like an iOS export's
        return score

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        yield parse_export(
            source.read_bytes(), source=source.name, title=chat_title(source), date_order=options.date_order
        )


def parse_export(data: bytes, *, source: str, title: str, date_order: str | None = None) -> Conversation:
    """The conversation in one export's bytes; `source` is the name errors and records carry."""
    # A million new objects make the cyclic garbage collector rescan every one of them again and
    # again (it tripled the parse time); nothing built here forms a cycle, so pause it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(data, source, title, date_order)
    finally:
        if collecting:
            gc.enable()


def _parse(data: bytes, source: str, title: str, date_order: str | None) -> Conversation:
    if date_order is not None and date_order not in DATE_ORDERS:
        raise ImportFormatError(source, f"a date order among {', '.join(DATE_ORDERS)}", found=date_order)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # WhatsApp writes UTF-8, but a file opened and saved again in Windows' Notepad as
        # "Unicode" is UTF-16 with its byte-order mark
        data = decode_text(source, data, "UTF-16 text to the end").encode()
    data = undo_double_encoding(data)
    reader: _ExportReader | None = None
    blank_start = b""
    for block in _blocks(data):
        chunk = bytes(block)
        if b"\r" in chunk:
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if reader is None:
            if not chunk.strip(BLANK_BYTES):
                blank_start += chunk  # the dialect is read from the first line that is not blank
                continue
            chunk = blank_start + chunk
            reader = _ExportReader(source, title, _first_dialect(source, data, chunk))
            chunk = b"\n" + chunk  # every header, the first one too, follows a newline
        try:
            reader.read_block(chunk)
        except UnicodeDecodeError:
            raise _utf8_error(source, data) from None
    if reader is None:
        raise ImportFormatError(source, EXPECTED_HEADER, line=1, found="an empty file" if not data else "blank lines")
    _check_not_cut_off(source, data, reader.dialect)
    try:
        conversation = reader.conversation(date_order)
    except ValueError as exc:
        raise _bad_header(source, data, reader.dialect, str(exc)) from None
    if not conversation.messages and len(conversation.system_events) >= NOTICES_ALONE and not any(
            load_markers().kind_of(e.text) is MessageKind.SYSTEM for e in conversation.system_events):
        # Lines dated as WhatsApp dates them, none with a "Name:" after the time and none a notice
        # WhatsApp writes: another app's log ("[2024-02-01 21:04:12] <alice> hi") read as notices
        # would be a chat that lost every message. (A group exported before anyone wrote holds
        # WhatsApp's own notices, the encryption one first.)
        first = conversation.system_events[0].text.partition("\n")[0]
        raise UnknownFormatError(source, EXPECTED_HEADER + ": here no line names who wrote it", line=1,
                                 found=first)
    return conversation


# Each byte 0x80-0xFF as Windows-1252 shows it, back to that byte (the five bytes Windows-1252
# leaves undefined stand for themselves, as tools that show them do).
_CP1252_BYTES = {ord(bytes([b]).decode("cp1252", errors="ignore") or chr(b)): b for b in range(0x80, 0x100)}
_DOUBLE_ENCODED = "\u00e2\u20ac".encode()  # "â€": the start of U+2000-U+203F (U+202F, U+200E...) shown as Windows-1252


def undo_double_encoding(data: bytes) -> bytes:
    """`data` as it was before a program read its UTF-8 as Windows-1252 and saved it as UTF-8 again
    ("1:23â€¯pm" for "1:23\u202fpm", "Ã©" for "é"); other data as it is.

    Only a file whose start shows the tell-tale "â€" (U+2000-U+203F: the narrow no-break space of
    newer 12-hour headers, the U+200E of iOS notices and placeholders, curly quotes) and that turns
    back into UTF-8 whole is changed."""
    if _DOUBLE_ENCODED not in data[:HEAD_BYTES]:
        return data
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        text = data[len(bom) :].decode("utf-8").translate(_CP1252_BYTES)
        return bom + text.encode("latin-1").decode("utf-8").encode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return data


def chat_title(source: Source) -> str:
    """The chat's name from the export's file name (``WhatsApp Chat with Sam.txt`` → ``Sam``)."""
    stem = PurePosixPath(source.filename).stem
    if re.fullmatch(rf"{IOS_MEMBER} \d+", stem):  # "_chat 2.txt": a second copy of the iOS chat file
        stem = IOS_MEMBER
    if stem == IOS_MEMBER or not stem:
        if source.archive is not None:
            stem = source.archive.stem
        elif source.path is not None:
            stem = source.path.resolve().parent.name or stem
    stem = re.sub(r" \(\d+\)$", "", stem)  # "WhatsApp Chat with Sam (2).txt", a second download
    for prefix in load_markers().title_prefixes:
        if stem.startswith(prefix) and len(stem) > len(prefix):
            return stem[len(prefix) :]
    return stem


def _blocks(data: bytes) -> Iterator[memoryview]:
    """`data` in slices of about BLOCK_BYTES, each cut just before a newline (CR LF kept whole)."""
    view = memoryview(data)
    start, size = 0, len(data)
    while start < size:
        end = data.find(b"\n", start + BLOCK_BYTES) if start + BLOCK_BYTES < size else -1
        while end != -1 and data[end - 1] == 0x0D:  # cut before a CR LF, never between its halves
            if end - 1 > start:
                end -= 1
                break
            end = data.find(b"\n", end + 1)
        if end == -1:
            end = size
        yield view[start:end]
        start = end


def _utf8_error(source: str, data: bytes) -> ImportFormatError:
    """An error naming the line of the first byte that is not UTF-8 (there is one in `data`)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
        found = f"byte {data[exc.start : exc.end].hex(' ')}, not UTF-8"
        expected = "UTF-8 text, as WhatsApp writes it (this file was saved in another encoding: save it again as UTF-8)"
        return ImportFormatError(source, expected, line=line, found=found)
    return ImportFormatError(source, "UTF-8 text, as WhatsApp writes it")


def _first_dialect(source: str, data: bytes, chunk: bytes) -> Dialect:
    cut = chunk.find(b"\n", HEAD_BYTES)
    try:
        text = chunk[: cut if cut != -1 else len(chunk)].decode("utf-8")
    except UnicodeDecodeError:
        raise _utf8_error(source, data) from None
    for number, line in enumerate(text.split("\n", 50), start=1):
        if not line.strip(LEADING_MARKS + " \t"):
            continue
        dialect = dialect_of(line)
        if dialect is None:
            raise ImportFormatError(source, EXPECTED_HEADER, line=number, found=line)
        return dialect
    raise ImportFormatError(source, EXPECTED_HEADER, line=1, found="no message")


def _check_not_cut_off(source: str, data: bytes, dialect: Dialect) -> None:
    """Raises when the file's last line is the start of a header and no more: the rest of the
    file is missing, and the fragment would otherwise be read as the last message's words."""
    end = len(data)
    while end and data[end - 1] in b"\r\n":
        end -= 1
    start = max(data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end)) + 1
    last = data[start:end].decode("utf-8", errors="replace")
    if start == 0 or not _cut_header(dialect).fullmatch(last):
        return
    before = data[:start]
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    raise ImportFormatError(source, EXPECTED_WHOLE_HEADER, line=line, found=last)


@cache
def _cut_header(dialect: Dialect) -> re.Pattern[str]:
    """A line holding a whole date of `dialect` and then only the start of the rest of a header.

    A bare date ("12/03/2024") can be a message's last line, so the fragment must go on past it.
    """
    space = "[ \u00a0\u202f]"
    tsep = re.escape(dialect.time_sep)
    if dialect.layout == "web":  # "[21:04, 12/0": a whole clock time, then only the start of the date
        return re.compile(rf"[{LEADING_MARKS}]*\[{clock_pattern(dialect)},?{space}[\d./-]*\]?")
    pieces = [f"{re.escape(dialect.date_end)}?", space]
    if dialect.time_word:
        pieces += [re.escape(dialect.time_word), space]
    before, words = period_words(dialect)
    period = "(?:" + "|".join(map(re.escape, words)) + ")"
    if before:
        pieces += [period, f"{space}?"]
    pieces += [r"\d{1,2}", tsep, r"\d{1,2}"]
    if dialect.seconds:
        pieces += [tsep, r"\d{1,2}"]
    if dialect.twelve_hour:
        pieces += [f"{space}?", "[aApP]", r"\.?", f"{space}?", "[mM]", r"\.?"]
    if words and not before:
        pieces += [space, period]
    # the header's end but its last character, which would make the header whole
    pieces += [re.escape(char) for char in ("]" if dialect.layout == "ios" else dialect.dash[:-1])]
    rest = ""
    for piece in reversed(pieces):
        rest = f"(?:{piece}{rest})?"
    opening = rf"\[[{LEADING_MARKS}]*" if dialect.layout == "ios" else ""
    # a Korean date ends in a dot ("2018. 6. 13."), which a bare date keeps too
    after_date = r"(?=\.?.)" if dialect.date_end == "." else "(?=.)"
    return re.compile(rf"[{LEADING_MARKS}]*{opening}{date_pattern(dialect)}{after_date}{rest}")


def _bad_header(source: str, data: bytes, dialect: Dialect, value: str) -> ImportFormatError:
    """An error naming the first header whose date or time (`value`) is impossible."""
    text = "\n" + data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    for found in dialect.splitter.finditer(text):
        if value in (found[1], found[2]):
            line = text.count("\n", 0, found.start() + 1)
            header = found[0].strip()
            return ImportFormatError(source, "a real date and time in the message header", line=line, found=header)
    return ImportFormatError(source, "a real date and time in the message header", found=value)


class _ExportReader:
    """Collects one export's messages and notices block by block, then builds the conversation.

    Messages are kept as parallel columns (raw date, raw time, author, text, kind) until
    `conversation` knows the day/month order; date and time strings are interned so a million
    messages hold only a few thousand distinct string objects.
    """

    def __init__(self, source: str, title: str, dialect: Dialect) -> None:
        self.source = source
        self.title = title
        self.dialect = dialect
        self.ios = dialect.layout == "ios"
        self.markers: Markers = load_markers()
        self.dates: list[bytes] = []  # as the header writes them; read once the order is known
        self.times: list[bytes] = []
        self.authors: list[str] = []
        self.texts: list[str] = []
        self.kinds: dict[int, MessageKind] = {}  # by index, for every message that is not TEXT
        self.edited: list[int] = []
        # (messages before it, date, time, text, author) for each app notice
        self.notices: list[tuple[int, bytes, bytes, str, str | None]] = []
        # every distinct date and clock string, in order of first appearance
        self._distinct_dates: dict[bytes, bytes] = {}
        self._distinct_times: dict[bytes, bytes] = {}
        self._author_of: dict[str, object] = {}
        # names with ": " in them, by the part before the first ": " (see the module docstring)
        self._colon_names: dict[str, list[str]] = {}
        self._pending: tuple[bytes, bytes, bytes] | None = None
        # texts iOS marked with U+200F alone (see `_read_unusual`), and whether the file's placeholders show
        # that this mark is the app's own (Hebrew, Arabic app language)
        self._rtl_marked: list[int] = []
        self._rtl_marks_notices = False
        if ": " in title:
            self._learn_colon_name(title)

    def read_block(self, chunk: bytes) -> None:
        """Read one block of the file; a message cut by the block's end waits for the next one."""
        parts = self.dialect.byte_splitter.split(chunk)
        lead = parts[0]
        if self._pending is not None:
            date, time, body = self._pending
            if len(parts) == 1:
                self._pending = (date, time, body + lead)
                return
            self._read([date], [time], [body + lead])
        elif lead.strip(BLANK_BYTES):  # text before the first header: not an export
            found = lead.strip().decode("utf-8", errors="replace")
            raise ImportFormatError(self.source, EXPECTED_HEADER, line=1, found=found)
        if len(parts) > 1:
            self._pending = (parts[-3], parts[-2], parts[-1])
            self._read(parts[1:-3:3], parts[2:-3:3], parts[3:-3:3])

    def _read(self, dates: list[bytes], times: list[bytes], raw_bodies: list[bytes]) -> None:
        """Read messages; the common case (a name and plain words) takes a handful of C calls.

        Raises UnicodeDecodeError for a body that is not UTF-8.
        """
        intern_date, intern_time = self._distinct_dates.setdefault, self._distinct_times.setdefault
        dates = list(map(intern_date, dates, dates))
        times = list(map(intern_time, times, times))
        bodies = list(map(bytes.decode, raw_bodies))
        author_of = self._author_of.get
        markers = self.markers
        marker_texts = markers.kind_by_text
        # What may make a text more than plain words, by how it starts or ends; most texts fail the
        # one-character set lookup, which is far cheaper than trying every marker on them.
        unusual_start = (*TEXT_MARKS, *markers.media_prefix, *markers.system_prefix, *markers.poll_prefix,
                         *markers.deleted_prefix)
        unusual_end = (*markers.media_suffix, *markers.edited_suffix)
        unusual_first = {marker[0] for marker in unusual_start}
        unusual_last = {marker[-1] for marker in unusual_end}
        add_date, add_time = self.dates.append, self.times.append
        add_author, add_text = self.authors.append, self.texts.append
        ios = self.ios
        for date, time, body in zip(dates, times, bodies, strict=True):
            raw, has_name, text = body.partition(": ")
            author = author_of(raw)
            if (
                author.__class__ is not str
                or not has_name
                or text in marker_texts
                or (ios and MARKED_AFTER_NAME in text)  # perhaps a name with ": " in it (`_read_unusual`)
                or (text[:1] in unusual_first and text.startswith(unusual_start))
                # (iOS puts a caption before U+200E and the attachment: "look \u200e<attached: ...>")
                or (text[-1:] in unusual_last and (text.endswith(unusual_end) or CAPTIONED in text))
                # a caption may follow an attachment's file name on the lines below it
                or ("\n" in text and text.partition("\n")[0].endswith(unusual_end))
            ):
                self._read_unusual(date, time, body)
                continue
            add_date(date)
            add_time(time)
            add_author(author)
            add_text(text)

    def _read_unusual(self, date: bytes, time: bytes, body: str) -> None:
        """Read a notice, a media or deleted or edited message, or one by a newly seen name."""
        raw, has_name, text = body.partition(": ")
        if not has_name and body[-1:] == ":" and (
            self._author_of.get(body[:-1]).__class__ is str or (self.ios and body.startswith("~\u202f"))
        ):
            # "Sam:" and nothing more, from someone who has spoken (or, on iOS, whom the "~ " before
            # the name marks as a person not in the contacts): a message the export left empty (an
            # expired view-once photo), not a notice
            raw, has_name, text = body[:-1], ": ", ""
        if not has_name or "\n" in raw:  # no "Name: " on the header's line: an Android notice
            self._notice(date, time, body, None)
            return
        author = self._author_of.get(raw)
        if author is None:
            author = self._learn_author(raw)
        if author is _NOTICE:
            self._notice(date, time, body, None)
            return
        if author.__class__ is not str:  # a shorter part of a known name with ": " in it
            named = self._longest_name(raw, body)
            if named is None:
                self._notice(date, time, body, None)
                return
            author, text = named
        assert isinstance(author, str)
        if self.ios and text[:1] not in TEXT_MARKS:
            rest, marked_after, after = text.partition(MARKED_AFTER_NAME)
            whole = f"{author}: {rest}"
            if (
                marked_after and "\n" not in rest and len(rest) <= NAME_PART_MAX
                and (self.markers.kind_of(after) is MessageKind.DELETED or whole in after)
            ):
                # iOS marks a deleted message, or a notice about the person, right after the name:
                # a mark after a second ": " says the name has ": " in it ("~ Ann: Art Studio:
                # \u200eThis message was deleted."). Not a caption ending in ":" before a photo's
                # mark, nor an edit marker: only a deleted message or a notice naming the whole name.
                author, text = whole, MARKED_AFTER_NAME[-1] + after
                self._learn_colon_name(author)
        marked = edited = right_to_left = False
        if text and text[0] in TEXT_MARKS:
            stripped = text.lstrip(TEXT_MARKS)
            right_to_left = LEFT_TO_RIGHT_MARK not in text[: len(text) - len(stripped)]
            text, marked = stripped, self.ios
        if text.endswith(self.markers.edited_suffix):
            text = _strip_edited(text, self.markers.edited_suffix)
            edited = True
        kind = self.markers.kind_of(text) if text else MessageKind.MEDIA
        if kind is None and "\n" in text:
            question = self.markers.poll_question(text, marked)
            if question is not None:  # a poll reads as its question
                text, kind = question, _TEXT
        if marked and right_to_left:
            if kind is not None:
                self._rtl_marks_notices = True  # a placeholder marked U+200F: the app's language is right to left
            else:
                # U+200F alone before words: often a person's own (Arabic keyboards put it there), and the
                # app's mark for its notices only in a right-to-left app language (`conversation` decides)
                self._rtl_marked.append(len(self.texts))
                kind = _TEXT
        if kind is None:
            kind = _SYSTEM if marked else _TEXT  # iOS marks every other notice with U+200E
        if kind is _SYSTEM:
            self._notice(date, time, text, author)
            return
        if edited:
            self.edited.append(len(self.texts))
        if kind is not _TEXT:
            self.kinds[len(self.texts)] = kind
        self.dates.append(date)
        self.times.append(time)
        self.authors.append(author)
        self.texts.append(text)

    def _learn_author(self, raw: str) -> object:
        """What the text before ": " is: a person's name (cleaned), or part of a notice."""
        if "\n" in raw or (not self.ios and self.markers.system_before_colon.search(raw)):
            verdict: object = _NOTICE
        elif raw.strip(NAME_MARKS) in self._colon_names:
            verdict = self._colon_names[raw.strip(NAME_MARKS)]
        else:
            verdict = raw.strip(NAME_MARKS)
        self._author_of[raw] = verdict
        return verdict

    def _longest_name(self, raw: str, body: str) -> tuple[str, str] | None:
        """The longest known name the line starts with, and the text after it.

        None for an Android notice about such a person ("Dr: Who left"): it starts with the
        name but no ": " follows it.
        """
        clean = raw.strip(NAME_MARKS)
        start = body.index(clean)
        for name in self._colon_names[clean]:
            if body.startswith(name + ": ", start):
                return name, body[start + len(name) + 2 :]
        if not self.ios and any(body.startswith(name, start) for name in self._colon_names[clean]):
            return None
        return clean, body[len(raw) + 2 :]

    def _learn_colon_name(self, name: str) -> None:
        prefix = name.split(": ", 1)[0]
        names = self._colon_names.setdefault(prefix, [])
        if name not in names:
            names.append(name)
            names.sort(key=len, reverse=True)
        # forget what the prefix was taken to be, so its next message checks the longer names
        for raw in [raw for raw in self._author_of if raw.strip(NAME_MARKS) == prefix]:
            del self._author_of[raw]

    def _rename_earlier(self) -> None:
        """Give the messages read before a name with ": " in it was learned that whole name: "Dr"
        writing "Who: hello" is Dr: Who, once the file has shown that Dr: Who is in the chat."""
        if not self._colon_names:
            return
        for k, author in enumerate(self.authors):
            for name in self._colon_names.get(author, ()):
                rest = name[len(author) + 2 :] + ": "
                if self.texts[k].startswith(rest):
                    self.authors[k], self.texts[k] = name, self.texts[k][len(rest) :]
                    break

    def _drop_album_headers(self) -> None:
        """Drop the empty line iOS writes before an album ("Jude:" and nothing more, then the
        album's photos, each on its own line by the same person in the same second): it holds no
        photo of its own, and would count as one more. An empty line before anything else stays
        (an expired view-once photo)."""
        texts, kinds, authors, dates, times = self.texts, self.kinds, self.authors, self.dates, self.times
        headers = [
            k for k, kind in self.kinds.items()
            if kind is MessageKind.MEDIA and not texts[k] and k + 1 < len(texts)
            and kinds.get(k + 1) is MessageKind.MEDIA and texts[k + 1]
            and (authors[k + 1], dates[k + 1], times[k + 1]) == (authors[k], dates[k], times[k])
        ]
        if headers:
            self._remove(headers)

    def _remove(self, indices: list[int], *, as_notices: bool = False) -> None:
        """Take the messages at `indices` out of the columns (as notices, where `as_notices`)."""
        texts, authors, dates, times = self.texts, self.authors, self.dates, self.times
        dropped = set(indices)
        if as_notices:
            self.notices += [(k, dates[k], times[k], texts[k], authors[k]) for k in indices]
            self.notices.sort(key=lambda notice: notice[0])  # in file order again
        keep = [k for k in range(len(texts)) if k not in dropped]
        new_index = {old: new for new, old in enumerate(keep)}
        self.kinds = {new_index[k]: kind for k, kind in self.kinds.items() if k not in dropped}
        self.edited = [new_index[k] for k in self.edited if k not in dropped]
        texts[:] = [texts[k] for k in keep]
        authors[:] = [authors[k] for k in keep]
        dates[:] = [dates[k] for k in keep]
        times[:] = [times[k] for k in keep]

    def _notice(self, date: bytes, time: bytes, text: str, named: str | None) -> None:
        text = text.strip(TEXT_MARKS)
        who, whom = self.markers.actors(text)
        for name in (who, whom):
            if name and ": " in name:
                self._learn_colon_name(name.strip(NAME_MARKS))
        author = who if who is not None else named
        if author is not None:
            author = author.strip(NAME_MARKS)
        self.notices.append((len(self.texts), date, time, text, author))

    def conversation(self, date_order: str | None) -> Conversation:
        """The conversation read so far, the file being complete. Raises ValueError(bad value)."""
        if self._pending is not None:
            date, time, body = self._pending
            self._pending = None
            self._read([date], [time], [body.rstrip(b"\n")])
        sep = self.dialect.date_sep
        # decoded once per distinct value (a 12-hour clock may hold a no-break space)
        dates = {raw: raw.decode() for raw in self._distinct_dates}
        if self.dialect.named:
            by_text = named_date_table(dates.values(), datetime.now())
        else:
            order = resolve_date_order(list(dates.values()), sep, date_order)
            by_text = date_table(dates.values(), sep, order)
        midnight = {raw: by_text[text] for raw, text in dates.items()}
        times = {raw: raw.decode() for raw in self._distinct_times}
        clock_by_text = time_table(times.values())
        clock = {raw: clock_by_text[text] for raw, text in times.items()}
        self._rename_earlier()
        if self._rtl_marks_notices and self._rtl_marked:
            self._remove(self._rtl_marked, as_notices=True)
        self._drop_album_headers()
        count = len(self.texts)
        stamps = map(add, map(midnight.__getitem__, self.dates), map(clock.__getitem__, self.times))
        kinds = [_TEXT] * count
        for index, kind in self.kinds.items():
            kinds[index] = kind
        messages = list(map(Message, range(count), stamps, self.authors, self.texts, kinds))
        for index in self.edited:
            messages[index].edited = True
        events = [
            SystemEvent(ts=_stamp(midnight, clock, date, time), text=text, author=author)
            for _, date, time, text, author in self.notices
        ]
        return Conversation(
            source=self.source,
            source_format=WhatsAppImporter.name,
            title=self.title,
            messages=messages,
            system_events=events,
        )


def _stamp(midnight: dict[bytes, datetime], clock: dict[bytes, timedelta], date: bytes, time: bytes) -> datetime:
    return midnight[date] + clock[time]


def _strip_edited(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix):
            return text[: -len(suffix)].rstrip(" " + TEXT_MARKS)
    return text


register(WhatsAppImporter())

__all__ = ["EXPECTED_HEADER", "WhatsAppImporter", "chat_title", "parse_export"]
