"""Google Voice text messages, as Google Takeout exports them: the pages of ``Takeout/Voice/Calls/``.

Where this was read: the Takeout pages committed as test data in wjcarpenter/gvoice-sms-takeout-xml
(``test_data/Takeout/Voice/Calls/``: real pages of 2011-2023 with the names and numbers faked, and
its DATA_EXAMPLES.md and sms.py), psanford/google-voice-takeout-parser (``testdata/*.html``, 2009-2024
pages exactly as Takeout writes them, and main.go), lbeder/google-voice-takeout-merger (the
``docs/samples/.../in/Calls/`` pages, the README on Takeout splitting a person's history into many
records, and ``src/lib/entries``: which it merges by phone numbers, groups by their participants), Avi
Levin's gvoiceParser (gvParserLib.py: the 2011-2013 pages, "Me to" titles, calls and voicemails), and
an inventory of a whole real archive published with a Takeout reader (8,946 files: every page is
in ``Voice/Calls/`` or ``Voice/Spam/``, beside ``Voice/Phones.vcf``; 18,732 messages, every one with
its ``abbr.dt`` time, ``a.tel`` sender and ``<q>``). The pages seen hold messages of 2009-2024 in one
markup; gvParserLib.py's older file names (no ``Text`` word) are read too. Pages written by Takeout
before about 2013 were not seen, and may differ.

**The export.** ``Takeout/Voice/`` holds ``Phones.vcf`` (the account's numbers), ``Calls/`` and
``Spam/``. ``Calls/`` holds one page per *record*: ``Jo Smith - Text - 2019-03-12T21_04_05Z.html``
(a stretch of texts with one person: the contact's name, or the number when it is not a contact,
or nothing), ``Group Conversation - 2019-….html`` (a group text), and calls: ``… - Received - ….html``,
``… - Placed - …``, ``… - Missed - …``, ``… - Voicemail - …`` (with its ``.mp3``), ``… - Recorded - …``
(older pages have no such word); beside them the attachments (``…-3-1.jpg``, ``.gif``, ``.mp4``,
``.3gp``, ``.amr``, ``.vcf``). Takeout splits one person's history over many pages (a new page for
each stretch of texts; a page may also come twice, as ``… (1).html``): the importer joins every page of one
thread into one `Conversation`, its messages in time order. A thread with one person is keyed by
their number; a group by the set of its members' numbers (a group's members never change, so the
same set is the same group). Only the HTML pages directly in one folder are read together: given
the Takeout zip, the ``Voice`` folder or the ``Calls`` folder, the first page of ``Calls`` reads
them all and the others give nothing; ``Spam/`` (texts and calls Google marked as spam) is passed
over, and ``Phones.vcf``, the attachments and any other file are not pages (never errors). A page
named by itself reads its whole thread, with the pages of the same thread beside it. A Takeout
split into several zips is read zip by zip: a thread spread over two of them is two conversations.

**A text page** (``<title>`` the contact's name, ``Me to <name>`` when only the user wrote, or
``Group Conversation``)::

    <div class="hChatLog hfeed">
    [<div class="participants">Group conversation with:
      <cite class="sender vcard"><a class="tel" href="tel:+15551234567"><span class="fn">Jo Smith</span></a>
      </cite>, …</div>]
    <div class="message"><abbr class="dt" title="2019-03-12T21:04:05.123-05:00">Mar 12, 2019, 9:04:05&#8239;PM
    Eastern Time</abbr>:
    <cite class="sender vcard"><a class="tel" href="tel:+15551234567"><span class="fn">Jo Smith</span></a></cite>:
    <q>words, with <br> for line breaks and &#39; &amp; entities</q>
    [<div><img src="… - Text - …-2-1" alt="Image MMS Attachment" /></div>]
    </div> <div class="message">…</div></div>

What each part becomes:

* The time is the ``title`` of ``abbr.dt`` (``abbr.published`` is read alike), an ISO time with
  the account's UTC offset; the text beside it, in the account's zone and language, is not read. It
  becomes this computer's local wall-clock time, as the other importers give it; the messages of a
  thread are ordered by the instant (a stable sort), so the hour a clock turns back keeps its order.
* The user's own messages carry ``<abbr class="fn" title="">Me</abbr>`` (and their own Voice
  number): their author is the ``me`` option, else "Me", which is `Conversation.me`. Anyone else is
  named by their ``span.fn``, one name per number across the export (the latest one given, in a
  message, a group's members or a call); an empty ``fn``, or one that is the number itself (people
  not in the user's contacts), leaves the number as written in ``tel:`` (``++1…``, seen in one
  export, as ``+1…``). A sender with no number at all (``tel:``) is named by their ``fn``, else
  "(unknown)".
* ``<q>`` holds the words: ``<br>`` is a line break, entities are decoded, the whole is stripped.
* A picture (``<img>``), video (``<a class="video">``), audio clip (``<audio>``) or contact card
  (``<a class="vcard">``) makes the message MEDIA, its words kept; without words, or with only the
  ``MMS Sent`` / ``MMS Received`` that Voice writes for them, its text is ``<photo>``, ``<video>``,
  ``<audio>`` or ``<contact card>`` (the first attachment's). A message with neither words nor
  attachment is a `SystemEvent` "empty text message" of its sender.
* iPhones send their tapbacks to a phone number as texts (``Loved “Such a beautiful weekend…”``,
  ``Laughed at “…”``, also ``Liked``, ``Disliked``, ``Emphasized``, ``Questioned``; the quoted
  words cut with ``…`` when long): such a text whose quoted words are those of an earlier message in
  the thread (its start, when cut) is a `Reaction` of its sender on the latest such message
  (❤️ 👍 👎 😂 ‼️ ❓, as the iMessage importer gives them), at its time; otherwise it stays a message.
* The same message twice (same instant, sender, words and attachments: a page downloaded twice) is
  read once.

**Titles and ids.** A thread with one person is titled by their name and its ``chat_id`` is their
number; where every message of a page is the user's, the number is found from the file name or the
``Me to <name>`` title (a name that goes with exactly one number in the export), else the thread is
keyed ``name:<name>``. A group (a page with ``div.participants``, or named ``Group Conversation``) is
titled by its members' names and keyed ``group:`` and their numbers, sorted; it is `group`, a
one-to-one thread is not.

**Calls** are not words: a call page (``<div class="haudio">``: ``div.contributor`` holding the
other number, ``abbr.published`` its time, ``abbr.duration`` its length as ``PT2M27S``, its kind
the ``#missed`` / ``#received`` / ``#placed`` / ``#voicemail`` / ``#recorded`` of its labels, a
voicemail's transcript in ``span.full-text``) is a `SystemEvent` of the thread with that number
("missed call", "call received (2:27)", "voicemail (0:22): transcript"), by the caller (by the user
for a placed call). Calls with someone the user never texted are left out: a conversation of
notices alone has nothing to analyse. A call page named by itself is not a conversation.

**Errors.** A page that ends inside a message (cut off), a message without its time, sender or
``<q>``, a time that is not ISO with an offset (or one this computer cannot show), a call without
its time, a length that is not ``PT…``, bytes that are not UTF-8: each an `ImportFormatError` naming
the page and the line. Not read: ``deletedStatusContainer`` ("User Deleted"), the Inbox/Starred
labels, ``Phones.vcf``, the attachments themselves; the pages have no replies, edits nor deletions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._html import RoleParser, read_page
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, names_beside
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

EXPECTED = "a Google Voice page from Google Takeout (Voice/Calls/*.html: <div class=\"hChatLog hfeed\">)"
WRITER = "Google Takeout"
TEXT_MARK = b'class="hChatLog'
CALL_MARKS = (b'class="haudio"', b"contributor vcard")
SPAM_FOLDER = "spam"
ME = "Me"
UNKNOWN = "(unknown)"
MMS_FILLERS = frozenset({"MMS Sent", "MMS Received"})
PLACEHOLDERS = {"photo": "<photo>", "video": "<video>", "audio": "<audio>", "contact card": "<contact card>"}
EMPTY_MESSAGE = "empty text message"
TAPBACKS = {
    "Loved": "\u2764\ufe0f",
    "Liked": "\U0001f44d",
    "Disliked": "\U0001f44e",
    "Laughed at": "\U0001f602",
    "Emphasized": "\u203c\ufe0f",
    "Questioned": "\u2753",
}
TAPBACK = re.compile(rf"(?P<verb>{'|'.join(TAPBACKS)}) \u201c(?P<quoted>.+)\u201d", re.DOTALL)
ELLIPSIS = "\u2026"
FILE_NAME = re.compile(
    r"(?P<label>.*?) ?- (?:(?P<kind>Text|Received|Placed|Missed|Voicemail|Recorded) - )?"
    r"\d{4}-\d{2}-\d{2}T\d{2}[_:-]\d{2}[_:-]\d{2}Z.*", re.DOTALL)
GROUP_LABEL = "Group Conversation"
ONE_WAY_TITLE = "Me to"
PHONE_LIKE = re.compile(r"\+*[\d\s().-]{3,}")
DURATION = re.compile(r"P(?:(?P<d>\d{1,6})D)?(?:T(?:(?P<h>\d{1,7})H)?(?:(?P<m>\d{1,9})M)?"
                      r"(?:(?P<s>\d{1,9})(?:\.\d{1,9})?S)?)?")
CALL_KINDS = ("missed", "received", "placed", "voicemail", "recorded")
UNTRANSCRIBED = "Unable to transcribe this message."
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TIME_EXPECTED = "a time like '2019-03-12T21:04:05.123-05:00' (ISO, with its UTC offset)"


@dataclass
class _Row:
    """One ``div.message`` as read from its page."""

    line: int
    when: str | None = None
    cited: bool = False
    number: str | None = None
    name: str = ""
    is_me: bool = False
    words: list[str] | None = None
    attachments: list[str] = field(default_factory=list)


@dataclass
class _Member:
    """Someone a group page lists among its participants, or a call's other party."""

    number: str | None = None
    name: str = ""


@dataclass
class _Call:
    """A call page's record."""

    line: int
    who: _Member = field(default_factory=_Member)
    when: str | None = None
    duration: str | None = None
    labels: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)


class _PageReader(RoleParser):
    """Collects a page's title, its messages (or its call) and a group's participants."""

    RECORDS = frozenset({"message"})
    _TEXT_ROLES = frozenset({"title", "fn", "words", "transcript"})

    def __init__(self) -> None:
        super().__init__()
        self.title: list[str] = []
        self.log = False
        self.rows: list[_Row] = []
        self.participants: list[_Member] | None = None
        self.call: _Call | None = None
        self._fn: list[str] = []
        self._fn_is_me = False

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        classes = attributes.get("class", "").split()
        if tag == "title" and not self.log and self.call is None:
            return "title"
        if tag == "div" and not self.inside("message"):
            if "hChatLog" in classes:
                self.log = True
                return "log"
            if "haudio" in classes and self.call is None:
                self.call = _Call(self.getpos()[0])
                return "call"
            if "participants" in classes and self.inside("log"):
                self.participants = [] if self.participants is None else self.participants
                return "participants"
            if "message" in classes and self.inside("log"):
                self.rows.append(_Row(self.getpos()[0]))
                return "message"
            if "contributor" in classes and self.inside("call"):
                return "contributor"
        if self.inside("message"):
            return self._message_part(tag, classes, attributes)
        if self.inside("participants"):
            return self._person_part(tag, classes, attributes, "participants")
        if self.inside("call"):
            return self._call_part(tag, classes, attributes)
        return None

    def _message_part(self, tag: str, classes: list[str], attributes: dict[str, str]) -> str | None:
        row = self.rows[-1]
        if self.inside("sender"):
            if tag == "a" and "tel" in classes and row.number is None:
                row.number = _number(attributes.get("href", ""))
            elif "fn" in classes:
                self._fn, self._fn_is_me = [], tag == "abbr"
                return "fn"
            return None
        if tag == "cite" and "sender" in classes and not row.cited:
            row.cited = True
            return "sender"
        if tag == "abbr" and ("dt" in classes or "published" in classes) and row.when is None:
            row.when = attributes.get("title", "")
        elif tag == "q" and row.words is None:
            row.words = []
            return "words"
        elif tag == "br" and self.inside("words") and row.words is not None:
            row.words.append("\n")
        elif tag == "img":
            row.attachments.append("photo")
        elif tag == "audio":
            row.attachments.append("audio")
        elif tag == "a" and "video" in classes:
            row.attachments.append("video")
        elif tag == "a" and "vcard" in classes:
            row.attachments.append("contact card")
        return None

    def _person_part(self, tag: str, classes: list[str], attributes: dict[str, str], where: str) -> str | None:
        people = self.participants if where == "participants" else None
        if tag == "cite" and "sender" in classes and people is not None:
            people.append(_Member())
        elif tag == "a" and "tel" in classes:
            member = self._member()
            if member is not None and member.number is None:
                member.number = _number(attributes.get("href", ""))
        elif "fn" in classes and self._member() is not None:
            self._fn, self._fn_is_me = [], False
            return "fn"
        return None

    def _member(self) -> _Member | None:
        if self.inside("participants"):
            return self.participants[-1] if self.participants else None
        if self.inside("contributor") and self.call is not None:
            return self.call.who
        return None

    def _call_part(self, tag: str, classes: list[str], attributes: dict[str, str]) -> str | None:
        call = self.call
        assert call is not None
        if self.inside("contributor"):
            return self._person_part(tag, classes, attributes, "contributor")
        if tag == "abbr" and "published" in classes and call.when is None:
            call.when = attributes.get("title", "")
        elif tag == "abbr" and "duration" in classes and call.duration is None:
            call.duration = attributes.get("title", "")
        elif tag == "a" and attributes.get("rel") == "tag":
            call.labels.append(attributes.get("href", "").rpartition("#")[2].lower())
        elif tag == "span" and "full-text" in classes:
            return "transcript"
        return None

    def handle_data(self, data: str) -> None:
        role = next((r for _, r in reversed(self.stack) if r in self._TEXT_ROLES), None)
        if role == "title":
            self.title.append(data)
        elif role == "fn":
            self._fn.append(data)
        elif role == "words" and self.rows and self.rows[-1].words is not None:
            self.rows[-1].words.append(data)
        elif role == "transcript" and self.call is not None:
            self.call.transcript.append(data)

    def ended(self, role: str, depth: int) -> None:
        if role != "fn":
            return
        name = "".join(self._fn).strip()
        if self.inside("message") and self.rows:
            self.rows[-1].name, self.rows[-1].is_me = name, self._fn_is_me
            return
        member = self._member()
        if member is not None:
            member.name = name


def _number(href: str) -> str | None:
    """The phone number of a ``tel:`` link, as written (``++1…`` as ``+1…``); None when it has none."""
    number = href.strip()
    if number[:4].lower() == "tel:":
        number = number[4:].strip()
    if number.startswith("++"):
        number = "+" + number.lstrip("+")
    return number or None


# --- one page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Moment:
    """An instant (microseconds since 1970, UTC: the order of things) and its local wall-clock time."""

    us: int
    local: datetime


@dataclass
class _Entry:
    """A message or a call of a page, read and checked, its author still to be named."""

    when: _Moment
    number: str | None
    fallback: str
    is_me: bool
    words: str = ""
    attachments: tuple[str, ...] = ()
    notice: str | None = None


@dataclass
class _Page:
    """A Google Voice page as read: a text page's messages, or a call page's call."""

    source: Source
    title: str
    label: str | None
    group: bool
    participants: list[_Member]
    entries: list[_Entry]
    is_call: bool = False
    last: int = 0
    """The instant of its latest entry, which names its participants' names' age."""


def _read(source: Source) -> _Page:
    """`source` read as a Google Voice page; a page that is neither texts nor a call is not one."""
    reader = _PageReader()
    read_page(source, reader, WRITER)
    title = " ".join("".join(reader.title).split())
    found = FILE_NAME.fullmatch(source.filename)
    label = found["label"].strip() if found else None
    if reader.log:
        entries = [_message(source, row) for row in reader.rows]
        group = reader.participants is not None or GROUP_LABEL in (label, title)
        page = _Page(source, title, label, group, reader.participants or [], entries)
    elif reader.call is not None:
        entry = _call(source, reader.call)
        page = _Page(source, title, label, False, [reader.call.who], [entry], is_call=True)
    else:
        raise UnknownFormatError(source.name, EXPECTED, found=title or "a page without Google Voice texts")
    page.last = max((e.when.us for e in page.entries), default=0)
    return page


def _message(source: Source, row: _Row) -> _Entry:
    """A ``div.message`` as an entry; one without its time, sender or words is an error."""
    if row.when is None:
        raise ImportFormatError(source.name, "the time of a Google Voice message (<abbr class=\"dt\" title=...>)",
                                line=row.line, found="nothing")
    if not row.cited:
        raise ImportFormatError(source.name, "the sender of a Google Voice message (<cite class=\"sender vcard\">)",
                                line=row.line, found="nothing")
    if row.words is None:
        raise ImportFormatError(source.name, "the words of a Google Voice message (<q>)", line=row.line,
                                found="nothing")
    words = "".join(row.words).strip()
    return _Entry(_moment(source, row.when, row.line), row.number, row.name or UNKNOWN, row.is_me, words,
                  tuple(row.attachments))


def _call(source: Source, call: _Call) -> _Entry:
    """A call page's record as a notice (its words written once the caller's name is known)."""
    if call.when is None:
        raise ImportFormatError(source.name, "the time of a Google Voice call (<abbr class=\"published\" title=...>)",
                                line=call.line, found="nothing")
    kind = next((k for k in CALL_KINDS if k in call.labels), None)
    if kind is None:
        found = FILE_NAME.fullmatch(source.filename)
        kind = (found["kind"] or "").lower() if found else ""
    length = _length(source, call) if call.duration is not None else None
    notice = {"missed": "missed call", "received": "call received", "placed": "call placed",
              "voicemail": "voicemail", "recorded": "recorded call"}.get(kind, "call")
    if length is not None and kind != "missed":
        notice += f" ({length})"
    transcript = " ".join("".join(call.transcript).split())
    if transcript and transcript != UNTRANSCRIBED:
        notice += f": {transcript}"
    return _Entry(_moment(source, call.when, call.line), call.who.number, call.who.name or UNKNOWN, kind == "placed",
                  notice=notice)


def _length(source: Source, call: _Call) -> str:
    """``PT2M27S`` as ``2:27`` (``1:02:03`` past an hour)."""
    text = (call.duration or "").strip()
    found = DURATION.fullmatch(text)
    if found is None or text in ("P", "PT") or text.endswith("T"):
        raise ImportFormatError(source.name, "a call's length like 'PT2M27S' (<abbr class=\"duration\" title=...>)",
                                line=call.line, found=text)
    days, hours, minutes, seconds = (int(found[part] or 0) for part in "dhms")
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _moment(source: Source, text: str, line: int) -> _Moment:
    """An ISO time with its offset as its instant and this computer's local time."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ImportFormatError(source.name, TIME_EXPECTED, line=line, found=text)
    try:
        local = instant.astimezone().replace(tzinfo=None)
        us = (instant - EPOCH) // timedelta(microseconds=1)
    except (OverflowError, ValueError, OSError) as exc:
        raise ImportFormatError(source.name, f"{TIME_EXPECTED} that this computer's clock can show", line=line,
                                found=text) from exc
    return _Moment(us, local)


# --- the pages beside one another --------------------------------------------------------------


def _is_page(head: bytes) -> bool:
    return TEXT_MARK in head or all(mark in head for mark in CALL_MARKS)


def _pages_beside(source: Source) -> list[Source]:
    """Every HTML file in `source`'s folder (or archive folder), in name order, `source` among them."""
    pages = [source if name == source.filename else source.beside(name) for name in _names_beside(source)]
    if all(page is not source for page in pages):
        pages.append(source)  # listed under another spelling: read with the rest all the same
    return pages


def _names_beside(source: Source) -> tuple[str, ...]:
    """The names of the HTML files in `source`'s folder (or archive folder), in name order."""
    return names_beside(source, _is_html_name, "Google Voice pages")


def _is_html_name(name: str) -> bool:
    return name.lower().endswith(".html") and not name.startswith(".")


def _first_page(source: Source) -> bool:
    """Whether `source` is the first Google Voice page in its folder (the one that reads them all).
    Looks at the pages before it one at a time, and most often at one: a Takeout of thousands of
    pages asks for each of them."""
    for name in _names_beside(source):
        if name == source.filename:
            return True
        try:
            if _is_page(source.beside(name).head()):
                return False
        except ImportFormatError:
            continue
    return True


# --- threads ---------------------------------------------------------------------------------


@dataclass
class _Thread:
    """The pages of one conversation, gathered."""

    key: str
    group: bool
    members: list[str] = field(default_factory=list)
    name: str = ""
    pages: list[_Page] = field(default_factory=list)
    calls: list[_Entry] = field(default_factory=list)


class _Names:
    """One name per number across the export: the latest ``fn`` given for it, else the number."""

    def __init__(self, pages: list[_Page]) -> None:
        latest: dict[str, tuple[int, str]] = {}
        self.numbers_by_name: dict[str, set[str]] = {}

        def offer(number: str | None, name: str, us: int) -> None:
            if number is None or not name or PHONE_LIKE.fullmatch(name):
                return
            if number not in latest or us >= latest[number][0]:
                latest[number] = (us, name)
            self.numbers_by_name.setdefault(name, set()).add(number)

        for page in pages:
            for member in page.participants:  # a group's members, a call's other party
                offer(member.number, member.name, page.last)
            for entry in page.entries:
                if not entry.is_me and entry.notice is None:
                    offer(entry.number, entry.fallback if entry.fallback != UNKNOWN else "", entry.when.us)
        self.by_number = {number: name for number, (_, name) in latest.items()}

    def of(self, number: str | None, fallback: str) -> str:
        if number is None:
            return fallback
        return self.by_number.get(number, number)


def _threads(pages: list[_Page], names: _Names) -> dict[str, _Thread]:
    """The export's text pages gathered into threads, and each call put in its number's thread."""
    threads: dict[str, _Thread] = {}
    for page in pages:
        if page.is_call:
            continue
        key, group, members = _key(page, names)
        thread = threads.setdefault(key, _Thread(key, group, members))
        if not thread.name:
            thread.name = _other_name(page)
        thread.pages.append(page)
    for page in pages:
        number = page.participants[0].number if page.is_call else None
        if number is not None and number in threads:
            threads[number].calls.extend(page.entries)
    return threads


def _key(page: _Page, names: _Names) -> tuple[str, bool, list[str]]:
    """A page's thread: its key, whether it is a group, and its members' numbers."""
    if page.group:
        numbers = [m.number for m in page.participants if m.number is not None]
        if not numbers:
            numbers = [e.number for e in page.entries if not e.is_me and e.number is not None]
        members = list(dict.fromkeys(numbers))
        return "group:" + ",".join(sorted(members)), True, members
    mine = {e.number for e in page.entries if e.is_me and e.number is not None}
    theirs = [e.number for e in page.entries if not e.is_me and e.number is not None and e.number not in mine]
    theirs = theirs or [e.number for e in page.entries if not e.is_me and e.number is not None]
    if theirs:
        return theirs[0], False, [theirs[0]]
    other = _other_name(page)
    if other and PHONE_LIKE.fullmatch(other):
        number = _number(other) or other
        return number, False, [number]
    known = names.numbers_by_name.get(other, set())
    if len(known) == 1:
        [number] = known
        return number, False, [number]
    if other:
        return f"name:{other}", False, []
    return f"page:{page.source.filename}", False, []


def _other_name(page: _Page) -> str:
    """Who a page with one person is with, by its title (``Me to <name>``) or its file name."""
    title = page.title
    if title == ONE_WAY_TITLE or title.startswith(ONE_WAY_TITLE + " "):
        title = title[len(ONE_WAY_TITLE):].strip()
    if title and title != GROUP_LABEL:
        return title
    return page.label if page.label and page.label != GROUP_LABEL else ""


@dataclass
class _Said:
    """A message of the conversation before it is numbered."""

    when: _Moment
    author: str
    text: str
    kind: MessageKind
    reactions: list[Reaction] = field(default_factory=list)


def _conversation(source: Source, thread: _Thread, names: _Names, me: str) -> Conversation | None:
    entries = [entry for page in thread.pages for entry in page.entries] + thread.calls
    entries.sort(key=lambda e: e.when.us)  # stable: a moment's entries keep their page's order
    said: list[_Said] = []
    events: list[SystemEvent] = []
    seen: set[tuple[int, str | None, bool, str, tuple[str, ...], str | None]] = set()
    for entry in entries:
        identity = (entry.when.us, entry.number, entry.is_me, entry.words, entry.attachments, entry.notice)
        if identity in seen:
            continue  # the same message on two pages (a page downloaded twice)
        seen.add(identity)
        author = me if entry.is_me else names.of(entry.number, entry.fallback)
        if entry.notice is not None:
            events.append(SystemEvent(entry.when.local, entry.notice, author))
        elif entry.attachments:
            words = "" if entry.words in MMS_FILLERS else entry.words
            said.append(_Said(entry.when, author, words or PLACEHOLDERS[entry.attachments[0]], MessageKind.MEDIA))
        elif not entry.words:
            events.append(SystemEvent(entry.when.local, EMPTY_MESSAGE, author))
        elif not _tapback(said, entry, author):
            said.append(_Said(entry.when, author, entry.words, MessageKind.TEXT))
    if not said:
        return None
    messages = [Message(i, s.when.local, s.author, s.text, s.kind, reactions=tuple(s.reactions))
                for i, s in enumerate(said)]
    if thread.group:
        people = [names.of(number, number) for number in thread.members]
        title = ", ".join(dict.fromkeys(people)) or ", ".join(dict.fromkeys(m.author for m in messages
                                                                          if m.author != me)) or GROUP_LABEL
    elif thread.key.startswith(("name:", "page:")):
        title = thread.name or UNKNOWN
    else:
        title = names.of(thread.key, thread.key)
    return Conversation(source=source.name, source_format=GoogleVoiceImporter.name, title=title, messages=messages,
                        system_events=events, chat_id=thread.key, me=me, group=thread.group)


def _tapback(said: list[_Said], entry: _Entry, author: str) -> bool:
    """Whether `entry` is an iPhone tapback on an earlier message (then added to it as a `Reaction`)."""
    found = TAPBACK.fullmatch(entry.words)
    if found is None:
        return False
    quoted = " ".join(found["quoted"].split())
    cut = quoted.endswith(ELLIPSIS)
    start = quoted.removesuffix(ELLIPSIS).rstrip()
    for target in reversed(said):
        words = " ".join(target.text.split())
        if words == quoted or (cut and start and words.startswith(start)):
            target.reactions.append(Reaction(author, TAPBACKS[found["verb"]], entry.when.local))
            return True
    return False


# --- the importer ----------------------------------------------------------------------------


class GoogleVoiceImporter:
    """Reads Google Voice's texts (and calls, as notices) from the pages of Takeout's ``Voice/Calls``."""

    name = "google_voice"
    description = "Google Voice texts from Google Takeout (Voice/Calls/*.html)"

    def sniff(self, source: Source, head: bytes) -> float:
        if TEXT_MARK + b' hfeed"' in head:
            return 0.95
        if all(mark in head for mark in CALL_MARKS):
            return 0.9
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        if not _is_page(source.head()):
            raise UnknownFormatError(source.name, EXPECTED, found="another kind of file")
        if not source.named and source.folder_name.lower() == SPAM_FOLDER:
            return  # texts and calls Google marked as spam: no one's conversation
        if not source.named and not _first_page(source):
            return  # the folder's first page reads this one
        pages = _pages_beside(source)
        read = [_read(page) if page is source else _read_beside(page) for page in pages]
        found = [page for page in read if page is not None]
        names = _Names(found)
        me = options.me or ME
        threads = _threads(found, names)
        if source.named:
            yield _named_thread(source, found, threads, names, me)
            return
        for thread in threads.values():
            conversation = _conversation(source, thread, names, me)
            if conversation is not None:
                yield conversation


def _read_beside(page: Source) -> _Page | None:
    """A page beside the one being read, or None when it is no Google Voice page."""
    if not _is_page(page.head()):
        return None
    return _read(page)


def _named_thread(source: Source, pages: list[_Page], threads: dict[str, _Thread], names: _Names,
                  me: str) -> Conversation:
    """The conversation a page named by itself belongs to."""
    page = next(p for p in pages if p.source is source)
    if page.is_call:
        raise UnknownFormatError(source.name, "a Google Voice page of texts (… - Text - ….html), or the Calls folder",
                                 found="a call's page: calls are notices of the texts with that number")
    thread = next((t for t in threads.values() if any(p is page for p in t.pages)), None)
    conversation = _conversation(source, thread, names, me) if thread is not None else None
    if conversation is None:
        raise ImportFormatError(source.name, "a Google Voice page with messages", found="no messages")
    return conversation


register(GoogleVoiceImporter())
