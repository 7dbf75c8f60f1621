"""Android SMS: the XML backups of "SMS Backup & Restore" (SyncTech).

The app writes one ``<smses>`` document holding ``<sms>`` elements (text messages) and
``<mms>`` elements (pictures and group messages, with ``<parts>`` and ``<addrs>``). Backups
run to hundreds of megabytes of base64 pictures, so the file is read as a stream and every
element is dropped once read.

What becomes what:

* one `Conversation` per correspondent: SMS and one-to-one MMS by the other phone number,
  group MMS by the set of numbers (numbers are compared without spaces, dashes, dots or
  parentheses); ``chat_id`` is ``sms:`` followed by those numbers;
* phones store one contact's number both with and without the country code (``+13205550134``
  on received messages, ``3205550134`` on sent ones; ``07700900123`` for ``+447700900123``):
  a number of at least seven digits that ends the digits of exactly one longer number is that
  number, as Android's own threads treat it;
* received messages (SMS ``type`` 1, MMS ``msg_box`` 1) are authored by the app's
  ``contact_name`` when it knows one, else by the number; sent ones (``type``/``msg_box`` 2)
  by ``--me`` (default "Me");
* drafts, outbox, failed and queued messages (``type``/``msg_box`` 3-6) never reached the
  other person, so they are not part of the conversation and are left out;
* an MMS with a picture, video, audio or file part is a MEDIA message whose text is its text
  part, if any;
* a message with nothing in it (an ``<sms>`` with an empty body, an ``<mms>`` without parts
  or with only empty text parts: an MMS the phone never downloaded, say) says nothing anyone
  could answer, so it is not an empty TEXT message but a `SystemEvent` ("empty text
  message", "empty picture message"), as signal-export's rows without text are;
* an element repeated exactly (same kind, ``date``, addresses, box and body, or for an MMS
  the same sender and parts, pictures included: a backup restored and backed up again) is
  read once;
* an address that is not a phone number (an RCS group's ``group_8@rcs.google.com``, an
  e-mail address) titles its conversation as written; it is still compared, and keyed in
  ``chat_id``, without dots, as numbers are;
* times are what the phone showed. ``date`` is the instant (Unix milliseconds; seconds in
  some old backups) and ``readable_date`` the same moment on the phone's clock, in its locale
  ("Dec 2, 2017 06:49:27", "Apr 21, 2012 4:10:17 PM", "2013/04/09 12:29:17", "21 Jun. 2015
  04:08:38", "31 oct. 2016 14:18:26"). Where `phone_offset` reads ``readable_date`` (numeric
  dates and English month names or abbreviations, which covers those five; a day and month
  in either order are both tried) and the two lie a whole quarter of an hour apart, at most
  14 hours, the message's time is the instant plus that offset, message by message, so
  daylight saving time and journeys are followed, and the importing machine's zone does not
  matter. Where it cannot (no ``readable_date``, another language's month names or
  day-period words, a hand-edited backup whose two dates disagree), that message's time is
  the instant in the importing machine's local time, as before. Messages are ordered by the
  instant.

The app writes emoji outside the Basic Multilingual Plane as two numeric character
references, one per UTF-16 surrogate (``&#55357;&#56832;``), which XML forbids; they are
joined back into the one character they stand for before parsing. A document type with
entity declarations is refused: backups never have one, and expanding entities is how
malicious XML exhausts memory.

A backup that stops before its end (the app was interrupted, or the file was not copied
whole) is refused, saying so: the line where it stops, how many complete messages came
before, and to make the backup again. Nothing of it is imported, since importing the part
before the cut would silently lose the rest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pyexpat import errors as expat_errors
from typing import IO
from xml.etree import ElementTree as ET

from turntoward.errors import ImportFormatError
from turntoward.ingest._clock import local_time
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

_EXPECTED = "an SMS Backup & Restore XML file (<smses> with <sms> and <mms> elements)"
RECEIVED, SENT = "1", "2"
# In <addrs>, PduHeaders type 137 marks the sender ("from"); 151 "to" and 130 "cc".
FROM_ADDRESS = "137"
# What Android writes as the sender of a sent MMS when it does not know the user's number.
MY_ADDRESS_PLACEHOLDER = "insert-address-token"
UNKNOWN_NAMES = {"", "null", "(Unknown)"}
NOT_MEDIA = {"text/plain", "application/smil"}
# What a message with nothing in it is kept as (a `SystemEvent`: there is nothing to read).
EMPTY_SMS, EMPTY_MMS = "empty text message", "empty picture message"
# An address that is not a phone number: an e-mail address, an RCS group's id.
_NOT_A_PHONE = re.compile(r"[@A-Za-z]")
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_CHUNK = 1 << 20
# What expat reports when the document stops before its end (in a tag, a character, a section).
_CUT_OFF = frozenset(expat_errors.codes[message] for message in (
    expat_errors.XML_ERROR_NO_ELEMENTS, expat_errors.XML_ERROR_UNCLOSED_TOKEN, expat_errors.XML_ERROR_PARTIAL_CHAR,
    expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
))
MIN_MATCH = 7  # Android's PhoneNumberUtils compares at least the last 7 digits of two numbers
EPOCH = datetime(1970, 1, 1)
QUARTER_HOUR = 15 * 60
MAX_OFFSET = 14 * 3600  # UTC+14 (Kiribati) and UTC-12 are the widest zones
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# A readable_date's clock: hours, minutes, maybe seconds, maybe AM/PM ("a.m." too).
_CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)(?:\s*([AaPp])\.?\s*[Mm]\.?(?!\w))?")
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+")
# Anything but words, numbers and the separators dates are written with (",", ".", "/", "-").
_NOT_A_DATE = re.compile(r"[^\w\s,./-]|_")


def normalise_address(address: str) -> str:
    """A phone number as conversations are grouped by it: no spaces, dashes, dots or brackets."""
    return _PHONE_PUNCTUATION.sub("", address)


def fullest_numbers(addresses: set[str]) -> dict[str, str]:
    """The longer form of each number written both with and without its country code.

    A number maps to the one longer number whose digits it ends (after dropping a trunk ``0``);
    one that ends several (``1234567`` in ``+15551234567`` and ``+15561234567``) stays itself.
    """
    def digits(address: str) -> str:
        return address.lstrip("+").lstrip("0")

    by_tail: dict[str, list[str]] = {}
    for address in addresses:
        number = digits(address)
        if len(number) >= MIN_MATCH and number.isdigit():
            by_tail.setdefault(number[-MIN_MATCH:], []).append(address)
    fullest: dict[str, str] = {}
    for group in by_tail.values():
        for address in group:
            number = digits(address)
            longer = {digits(other) for other in group if len(digits(other)) > len(number)}
            ends = [other for other in longer if other.endswith(number)]
            widest = [other for other in ends if not any(o != other and o.endswith(other) for o in ends)]
            if len(widest) == 1:
                fullest[address] = next(o for o in group if digits(o) == widest[0])
    return fullest


def _when(elem: ET.Element, source: Source, where: str) -> tuple[int, datetime]:
    """The message's instant (Unix milliseconds) and its time as the phone showed it (see the
    module's docstring)."""
    value = elem.get("date")
    if value is None:
        raise ImportFormatError(source.name, "a date attribute (Unix milliseconds); this message has none",
                                json_path=where)
    try:
        number = int(value)
        # Some old backups store MMS dates in seconds.
        millis = number if number >= 10**11 else number * 1000
        instant = EPOCH + timedelta(milliseconds=millis)
        offset = phone_offset(elem.get("readable_date"), instant)
        if offset is not None:
            return millis, instant + offset
        moment = local_time(millis)
    except (ValueError, OverflowError, OSError) as exc:
        raise ImportFormatError(
            source.name, "a date attribute in Unix milliseconds", json_path=where, found=value
        ) from exc
    if moment is None:
        raise ImportFormatError(source.name, "a date attribute in Unix milliseconds", json_path=where, found=value)
    return millis, moment


def phone_offset(readable: str | None, instant: datetime) -> timedelta | None:
    """The phone's UTC offset: ``readable_date`` (its wall clock) less `instant` (naive UTC).

    `readable` is read in the shapes the app writes in English and numeric locales ("Dec 2,
    2017 06:49:27", "Apr 21, 2012 4:10:17 PM", "21 Jun. 2015 04:08:38", "2013/04/09
    12:29:17", "09.04.2013 12:29"); a day and month whose order the text does not settle are
    tried both ways. The offset is rounded to 15 minutes; None when the text is none of these
    shapes, or no reading of it lies within 14 hours of `instant` (a hand-edited backup), or
    two readings give different offsets.
    """
    if not readable:
        return None
    clocks = list(_CLOCK.finditer(readable))
    if len(clocks) != 1:
        return None
    clock = clocks[0]
    hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
    if clock[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if clock[4] in "Pp" else 0)
    rest = readable[: clock.start()] + " " + readable[clock.end():]
    words = _WORD.findall(rest)
    numbers = _NUMBER.findall(rest)
    if _NOT_A_DATE.search(rest):
        return None
    if words:
        month = _MONTHS.get(words[0][:3].lower()) if len(words) == 1 else None
        years = [n for n in numbers if len(n) == 4]
        days = [n for n in numbers if len(n) <= 2]
        if month is None or len(numbers) != 2 or len(years) != 1 or len(days) != 1:
            return None
        dates = [(int(years[0]), month, int(days[0]))]
    elif len(numbers) == 3:
        first, second_, last = numbers
        if len(first) == 4:
            dates = [(int(first), int(second_), int(last))]
        elif len(last) == 4 and len(first) <= 2 and len(second_) <= 2:
            dates = [(int(last), int(second_), int(first)), (int(last), int(first), int(second_))]
        else:
            return None
    else:
        return None
    offsets = set()
    for year, month_, day in dates:
        try:
            shown = datetime(year, month_, day, hour, minute, second)
        except ValueError:
            continue
        seconds = (shown - instant).total_seconds()
        rounded = round(seconds / QUARTER_HOUR) * QUARTER_HOUR
        if abs(seconds - rounded) <= 60 and abs(rounded) <= MAX_OFFSET:  # readable_date has no milliseconds
            offsets.add(rounded)
    return timedelta(seconds=offsets.pop()) if len(offsets) == 1 else None


# ---- repairing the surrogate-pair character references --------------------------------

_CHAR_REF = rb"&#(?:[0-9]{1,7}|[xX][0-9a-fA-F]{1,6});"
_SURROGATE_REFS = re.compile(rb"(" + _CHAR_REF + rb")(" + _CHAR_REF + rb")?")


def _code(ref: bytes) -> int:
    body = ref[2:-1]
    return int(body[1:], 16) if body[:1] in (b"x", b"X") else int(body)


def _repair_refs(match: re.Match[bytes]) -> bytes:
    first = _code(match.group(1))
    if not 0xD800 <= first <= 0xDFFF:
        return match.group(1) + (_repair_refs_tail(match.group(2)) if match.group(2) else b"")
    second = _code(match.group(2)) if match.group(2) else None
    if 0xD800 <= first <= 0xDBFF and second is not None and 0xDC00 <= second <= 0xDFFF:
        joined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        return b"&#%d;" % joined
    # A lone half of a pair cannot be shown; U+FFFD says something was there.
    return b"&#65533;" + (_repair_refs_tail(match.group(2)) if match.group(2) else b"")


def _repair_refs_tail(ref: bytes) -> bytes:
    return b"&#65533;" if 0xD800 <= _code(ref) <= 0xDFFF else ref


class _RepairingReader:
    """A file-like view of the backup with surrogate-pair references joined."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._pending = b""
        self.at_end = False
        """Whether the whole file has been read."""

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self._raw.read(_CHUNK)
            self.at_end = not chunk
            data, self._pending = self._pending + chunk, b""
            if chunk:
                cut = self._safe_end(data)
                data, self._pending = data[:cut], data[cut:]
            if data or not chunk:
                return _SURROGATE_REFS.sub(_repair_refs, data)

    @staticmethod
    def _safe_end(data: bytes) -> int:
        """Where to cut `data` so that no reference, nor the first of a pair, is split."""
        cut = data.rfind(b"&", max(0, len(data) - 12))
        if cut < 0:
            return len(data)
        before = max(0, cut - 12)
        complete = re.search(_CHAR_REF + rb"$", data[before:cut])
        return before + complete.start() if complete else cut


# ---- reading ---------------------------------------------------------------------------


Row = tuple[int, datetime, str | None, str, MessageKind]
"""A message while the backup is read: instant (Unix milliseconds), time as the phone showed
it, sender's number (None for the user), text, kind."""


@dataclass
class SmsThreads:
    """What has been read so far: messages by the set of numbers, names, the user's numbers (also
    what Android's own database, `android_sms_db`, is read into)."""

    threads: dict[tuple[str, ...], list[Row]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    my_numbers: set[str] = field(default_factory=set)
    shown: dict[str, str] = field(default_factory=dict)
    """Addresses that are not phone numbers (``group_8@rcs.google.com``), as written, by key."""
    seen: set[tuple[object, ...]] = field(default_factory=set)
    """What each element read so far said, to read a repeated element once."""

    def add_sms(self, box: str, address: str, body: str, date: object,
                when: Callable[[], tuple[int, datetime]]) -> bool:
        """One text message of box `box` (``1`` received, ``2`` sent; others never reached anyone and
        are left out) dated `date` (as written, to read a repeated one once), its time from `when`;
        one with no words is a notice. Whether it was added."""
        if box not in (RECEIVED, SENT):
            return False
        if not self.first_time("sms", date, normalise_address(address), box, body):
            return False  # the same message backed up twice
        instant, ts = when()
        sender = None if box == SENT else normalise_address(address)
        if body.strip():
            self.add([address], (instant, ts, sender, body, MessageKind.TEXT))
        else:
            self.add([address], (instant, ts, sender, EMPTY_SMS, MessageKind.SYSTEM))
        return True

    def add_mms(self, box: str, addresses: list[str], senders: list[str], parts: list[tuple[str, str | None]],
                date: object, content: object, when: Callable[[], tuple[int, datetime]]) -> None:
        """One picture or group message to the people `addresses`, from the first of `senders` (its
        ``from`` addresses), its `parts` (content type in lower case, text): a text part gives its words,
        a picture, video, audio or file part makes it MEDIA, and one with neither is a notice.
        `content` stands for its parts, to read a repeated one once. A sent message's ``from``
        address is the user's number."""
        if box not in (RECEIVED, SENT):
            return
        sender = normalise_address(senders[0]) if senders else None
        if box == SENT:
            if sender and sender != MY_ADDRESS_PLACEHOLDER:
                self.my_numbers.add(sender)
            sender = None
        elif sender is None:
            sender = normalise_address(addresses[0]) if addresses else "(no number)"
        texts: list[str] = []
        kind = MessageKind.TEXT
        for content_type, text in parts:
            if content_type == "text/plain":
                if text and text != "null":
                    texts.append(text)
            elif content_type not in NOT_MEDIA:
                kind = MessageKind.MEDIA
        said = ("mms", date, tuple(sorted(normalise_address(a) for a in addresses)), box, sender, content)
        if not self.first_time(*said):
            return  # the same message backed up twice
        instant, ts = when()
        text = "\n".join(texts)
        if kind is MessageKind.TEXT and not text.strip():
            kind, text = MessageKind.SYSTEM, EMPTY_MMS
        self.add(addresses, (instant, ts, sender, text, kind))

    def add(self, addresses: list[str], row: Row) -> None:
        key = tuple(sorted({normalise_address(a) for a in addresses if a.strip()})) or ("(no number)",)
        for address in addresses:
            if _NOT_A_PHONE.search(address):
                self.shown.setdefault(normalise_address(address), address.strip())
        self.threads.setdefault(key, []).append(row)

    def first_time(self, *said: object) -> bool:
        """Whether an element saying `said` (date, addresses, box, content) is new to this backup."""
        if said in self.seen:
            return False
        self.seen.add(said)
        return True

    def learn_names(self, addresses: list[str], names: list[str]) -> None:
        if len(addresses) != len(names):
            return
        for address, name in zip(addresses, names, strict=True):
            if name.strip() not in UNKNOWN_NAMES:
                self.names.setdefault(normalise_address(address), name.strip())

    def conversations(self, source: Source, me: str, fmt: str = "sms_xml") -> Iterator[Conversation]:
        fullest = fullest_numbers({a for key in self.threads for a in key} | set(self.names) | self.my_numbers)
        if fullest:
            self._use_fullest_numbers(fullest)
        # Some phones list the user's own number among a group's addresses on some messages
        # and not on others; without it, both are the same group.
        merged: dict[tuple[str, ...], list[Row]] = {}
        for key, rows in self.threads.items():
            others = tuple(a for a in key if a not in self.my_numbers) or key
            merged.setdefault(others, []).extend(rows)
        for key, rows in merged.items():
            # the app writes all SMS, then all MMS; the instant orders them even where the
            # phone's clock moved (a journey across time zones)
            rows.sort(key=lambda row: row[0])
            messages: list[Message] = []
            events: list[SystemEvent] = []
            for _, ts, sender, text, kind in rows:
                # a sender named in letters ("M-Money") as the phone shows it, not as numbers are grouped
                author = me if sender is None else self.names.get(sender) or self.shown.get(sender, sender)
                if kind is MessageKind.SYSTEM:
                    events.append(SystemEvent(ts, text, author))
                else:
                    messages.append(Message(len(messages), ts, author, text, kind))
            title = ", ".join(self.names.get(a) or self.shown.get(a, a) for a in key)
            yield Conversation(source.name, fmt, title, messages, events, chat_id="sms:" + "~".join(key), me=me)


    def _use_fullest_numbers(self, fullest: dict[str, str]) -> None:
        """Rewrite every number read so far as its fullest form (see `fullest_numbers`)."""
        threads: dict[tuple[str, ...], list[Row]] = {}
        for key, rows in self.threads.items():
            full_key = tuple(sorted({fullest.get(a, a) for a in key}))
            threads.setdefault(full_key, []).extend(
                (instant, ts, fullest.get(sender, sender) if sender else sender, text, kind)
                for instant, ts, sender, text, kind in rows
            )
        self.threads = threads
        names: dict[str, str] = {}
        for address, name in self.names.items():
            if address not in fullest:  # a name saved with the full number wins
                names[address] = name
        for address, name in self.names.items():
            names.setdefault(fullest.get(address, address), name)
        self.names = names
        self.my_numbers = {fullest.get(a, a) for a in self.my_numbers}


class SmsBackupImporter:
    """Reads SMS Backup & Restore XML files."""

    name = "sms_xml"
    description = "Android SMS Backup & Restore XML"

    def sniff(self, source: Source, head: bytes) -> float:
        start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not start.startswith(b"<"):
            return 0.0
        return 0.95 if re.search(rb"<smses[\s>]", start) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        backup = SmsThreads()
        with source.stream() as raw:
            self._refuse_entities(source, raw.read(_CHUNK))
        with source.stream() as raw:
            reader = _RepairingReader(raw)
            parser = ET.iterparse(reader, events=("start", "end"))
            root: ET.Element | None = None
            counted = 0
            try:
                for event, elem in parser:
                    if root is None:
                        root = elem
                        if elem.tag != "smses":
                            raise ImportFormatError(source.name, _EXPECTED, found=f"<{elem.tag}>")
                        continue
                    if event != "end" or elem.tag not in ("sms", "mms"):
                        continue
                    counted += 1
                    read = _sms if elem.tag == "sms" else _mms
                    read(elem, source, f"message {counted} (<{elem.tag}>)", backup)
                    elem.clear()
                    root.clear()
            except ET.ParseError as exc:
                line = exc.position[0]
                if root is not None and reader.at_end and exc.code in _CUT_OFF:
                    raise ImportFormatError(source.name, _cut_off(line, counted), line=line,
                                            found="the end of the file") from exc
                raise ImportFormatError(source.name, _EXPECTED + " that is well-formed XML",
                                        line=line, found=str(exc)) from exc
            if root is None:
                raise ImportFormatError(source.name, _EXPECTED, found="an empty file")
        yield from backup.conversations(source, options.me or "Me")

    @staticmethod
    def _refuse_entities(source: Source, head: bytes) -> None:
        prolog = head.split(b"<smses", 1)[0]
        if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
            raise ImportFormatError(source.name, _EXPECTED + " without a document type",
                                    found="<!DOCTYPE")


def _cut_off(line: int, complete: int) -> str:
    messages = "message" if complete == 1 else "messages"
    return (f"the rest of the backup: it is cut off at line {line}, after {complete} complete {messages}"
            " (the backup was probably interrupted, or the file not copied whole); nothing was"
            " imported: make the backup again")


def _sms(elem: ET.Element, source: Source, where: str, backup: SmsThreads) -> None:
    address = elem.get("address") or ""
    if backup.add_sms(elem.get("type") or "", address, elem.get("body") or "", elem.get("date"),
                      lambda: _when(elem, source, where)):
        backup.learn_names([address], [elem.get("contact_name") or ""])


def _mms(elem: ET.Element, source: Source, where: str, backup: SmsThreads) -> None:
    if elem.get("msg_box") not in (RECEIVED, SENT):
        return
    when = _when(elem, source, where)
    addresses = [a for a in (elem.get("address") or "").split("~") if a.strip()]
    backup.learn_names(addresses, (elem.get("contact_name") or "").split(","))
    senders = [a.get("address", "") for a in elem.iter("addr") if a.get("type") == FROM_ADDRESS]
    parts: list[tuple[str, str | None]] = []
    content = hashlib.blake2b(digest_size=16)
    for part in elem.iter("part"):
        content_type = (part.get("ct") or "").lower()
        for value in (content_type, part.get("text") or "", part.get("data") or ""):
            content.update(value.encode("utf-8", "surrogatepass") + b"\0")
        parts.append((content_type, part.get("text")))
    backup.add_mms(elem.get("msg_box") or "", addresses, senders, parts, elem.get("date"), content.digest(),
                   lambda: when)


register(SmsBackupImporter())
