"""Facebook messages from the old "Download your information" archive (about 2010 to early 2018).

Before Meta's ``messages/inbox/<thread>/message_1.html`` (`turntoward.ingest.messenger_html`), the
archive's ``html/messages.htm`` held the messages, in two layouts:

* Until about October 2017, every thread of the account in that one page: ``<title>Sofia Berg -
  Messages</title>`` (localised: "- Mensajes"), ``<div class="contents"><h1>Sofia Berg</h1>``
  naming the account owner, then per thread ``<div class="thread">Name A, Name B<div
  class="message"><div class="message_header"><span class="user">Name A</span><span
  class="meta">Tuesday, 14 March 2017 at 21:04 UTC+01</span></div></div><p>words</p>...</div>``:
  the participants as text, then each message's header followed by its words in a ``<p>``.
* From about October 2017 to spring 2018, ``html/messages.htm`` only links to one page per thread,
  ``messages/<number>.html``: ``<div class="thread"><h3>Conversation with Name B</h3>Participants:
  Name B, Name C<div class="message">...`` (the participants other than the owner), with photos,
  stickers, videos and voice clips as ``<img src="messages/photos/...">``, ``<img
  src="messages/stickers/...">``, ``<video>`` and ``<audio>`` beside or inside the ``<p>``.

What we read. Given ``html/messages.htm`` of the first layout, every thread in it; of the second, the
pages it links (named by itself; in a folder or zip each page is found and read by itself, the list
adding nothing). A thread page names no owner: it is the ``<h1>`` of ``../html/messages.htm``
beside it, where there is one, else the ``me`` option, else unknown. Nothing else of the archive
is read (``html/wall.htm``, ``photos/``, ``index.htm`` are not claimed, so a folder import skips
them without a word). A
``messages.htm`` saying "There was an error loading the data for this page" (Facebook failed to
put the messages in) is an error that says so, not an empty import.

Threads. Facebook split a long thread over several ``<div class="thread">`` blocks with the same
participants (threads over 10,000 messages, jsharkey13/facebook_message_parser fb_parser.py), and
fbchat-archive-parser joins blocks with the same participants too: blocks whose participants are
the same set are one `Conversation`, and a block that repeats an earlier one message for message is
read once. ``chat_id`` is the participants, sorted; the title those other than the owner; `group`
whether the thread has more than two people. Two group chats of the same people cannot be told
apart in this file: they are one conversation.

Order and time. Threads are newest first in the 2015 files we read and oldest first in the 2012-2014
ones: the direction the file's messages mostly run in is taken, ties (one minute holds many) keep
the order they were written in, and each conversation is sorted by the instant, stably. ``meta`` is
the wall-clock time with the writer's offset (``UTC+10``, ``UTC-04``, ``UTC``, ``UTC+05:30``) or, for
North American accounts, a zone abbreviation (``PDT``, ``CST``): it becomes this computer's local
wall-clock time (whole minutes), as the JSON importers show UTC instants. An abbreviation outside
`ZONE_ABBREVIATIONS` is an error naming the line rather than a guess (``CST`` is taken as US
Central, as Facebook wrote it for US accounts; ``IST`` or ``BST`` could be three zones). Dates are
written in the language of the account, in every shape listed at `MONTHS`: the day, the month's
name and the year in any order, any weekday and joining words ("at", "a las", "um", "kl.", "den"),
a 24-hour or am/pm clock. A time that is not one is an error naming its line.

Who. The owner is ``me`` (the ``me`` option renames them). Facebook wrote some people as
``123456789@facebook.com`` (deleted accounts, and at times anyone), and wrote a person's name as it
was when each message was sent (a name changed since shows both). So that each person has one name:
the owner's id is the one in most participant lists that lack the owner's name (dalletopid's 2015
archive), and is the owner; in a thread of the owner and one other person, every other writer is
that person, named as the participants line names them (else by the name most of their messages
carry), and those other spellings and ids are that person in the group threads too (a spelling
that would be two people is left as written). A message with no writer (fbchat-archive-parser
saw them) is "Facebook User"'s.

What. Words are the ``<p>``'s text (entities decoded; line breaks are written as line breaks, a
``<br>`` is one too, and so is the ``&lt;br clear='none' /&gt;`` Facebook escaped into the words of
e-mails it merged into threads; other escaped markup stays text as the page shows it). An empty
``<p>`` is something the archive did not hold (a photo, sticker or file sent,
as the words around them show): a MEDIA message ``<media>``. A photo, sticker, video or voice clip
is MEDIA (its words, else ``<photo>``, ``<sticker>``, ``<video>``, ``<audio>``). Messages written by
"Facebook" ("This message was created automatically by Facebook...") and notices in Messenger's
words (`turntoward.ingest.messenger.GROUP_NOTICES`, `CALL_NOTICES`) are `SystemEvent`s. The archive
has no replies, reactions, edits nor deleted messages.

Where we looked: real archives committed to GitHub, dalletopid/dalletopid.github.io
(html/messages.htm, Spanish, 2015: 141 blocks, ids, split threads, "a la 1:23"), lyneca/MessengerParser
(messages.htm, English US, 2015), lazandrei/lazandrei.github.io and tudorbobei/tudorbobei.github.io
(html/messages.htm, 2014, oldest first), dhilipsiva/facebook (html/messages.htm, 2015, the error
page); parsers: ownaginatious/fbchat-archive-parser (parser.py: the three layouts, joining threads,
``<h1>`` as owner, images, missing senders; time.py and tests/test_timestamps.py: the date shapes in
21 languages and zone abbreviations), jsharkey13/facebook_message_parser (fb_parser.py: threads
split at 10,000 messages, ``@facebook.com`` ids), MasterScrat/Chatistics (parse_messenger.py and
issue #10: the per-thread pages, "Friday, November 10, 2017 at 1:19pm UTC+01", "Monday, January 22,
2018 at 6:46pm CST"), rohanp/MessengerGrapher (parser.py, 2018: "Participants:" lists the others), a
JavaFX analyser quoted in code search (``messages/stickers/``, ``<video>``, ``<audio>`` in thread
pages). No real thread page of the 2017-2018 layout could be found: that layout is read from those
parsers' code only.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import pairwise
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._html import RoleParser, read_page
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, archive_members
from turntoward.ingest.messenger import CALL_NOTICES, GROUP_NOTICES
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

LIST_PAGE = "messages.htm"
THREAD_PAGE = re.compile(r"\d+\.html?")
UNKNOWN_SENDER = "Facebook User"
FACEBOOK = "Facebook"  # the writer of Facebook's automatic messages
ID = re.compile(r"\d+@facebook\.com")
MISSING = "<media>"  # an empty <p>: what was sent is not in the archive
MEDIA = {"photos": "<photo>", "stickers": "<sticker>", "videos": "<video>", "audio": "<audio>", "gifs": "<GIF>"}
OWNER_NAME_THREADS = 3
"""In how many threads with one other person a name must write, besides that person, to be the owner's."""
ESCAPED_BREAK = re.compile(r"<br(?: clear='none')? ?/?>")
ERROR_PAGE = "There was an error loading the data"
TIME_EXAMPLE = "a message time as Facebook wrote it ('Tuesday, 14 March 2017 at 21:04 UTC+01')"

# Month names by language, as Facebook wrote them in ``meta`` (nominative and, where the language
# writes dates so, genitive or partitive forms). English and Spanish from the real archives above;
# the others from fbchat-archive-parser's tests/test_timestamps.py, which writes one date per
# language, and the language's month names. A word that names two months in two languages (Czech
# "listopad" is November, Croatian October; Polish "listopada" November, Croatian October) is not
# read: such a date is an error rather than a guess.
_MONTH_NAMES = {
    "en": "january february march april may june july august september october november december",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "nb": "januar februar mars april mai juni juli august september oktober november desember",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "ro": "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie decembrie",
    "hu": "január február március április május június július augusztus szeptember október november december",
    "pl": "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień",
    "pl genitive": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada "
                   "grudnia",
    "cs": "leden únor březen duben květen červen červenec srpen září říjen listopad prosinec",
    "cs genitive": "ledna února března dubna května června července srpna září října listopadu prosince",
    "sk": "január február marec apríl máj jún júl august september október november december",
    "sl": "januar februar marec april maj junij julij avgust september oktober november december",
    "hr": "siječanj veljača ožujak travanj svibanj lipanj srpanj kolovoz rujan listopad studeni prosinac",
    "hr genitive": "siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada studenoga "
                   "prosinca",
    "sr": "јануар фебруар март април мај јун јул август септембар октобар новембар децембар",
    "fi partitive": "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta "
                    "syyskuuta lokakuuta marraskuuta joulukuuta",
    "ru genitive": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "lt": "sausis vasaris kovas balandis gegužė birželis liepa rugpjūtis rugsėjis spalis lapkritis gruodis",
    "lt genitive": "sausio vasario kovo balandžio gegužės birželio liepos rugpjūčio rugsėjo spalio lapkričio "
                   "gruodžio",
}


def _months() -> dict[str, int]:
    found: dict[str, set[int]] = {}
    for names in _MONTH_NAMES.values():
        for month, name in enumerate(names.split(), start=1):
            found.setdefault(name, set()).add(month)
    return {name: months.pop() for name, months in found.items() if len(months) == 1}


MONTHS = _months()
"""Month names of every language above, to the month they name (names of two months left out)."""

# Zone abbreviations Facebook wrote for North American accounts (fbchat-archive-parser's tests:
# PDT; Chatistics issue #10: CST), and GMT/UTC, as hours east of UTC. Facebook wrote every other
# zone as an offset ("UTC+01") in the archives we read; another abbreviation is refused.
ZONE_ABBREVIATIONS = {
    "UTC": 0.0, "GMT": 0.0,
    "PST": -8.0, "PDT": -7.0, "MST": -7.0, "MDT": -6.0, "CST": -6.0, "CDT": -5.0, "EST": -5.0, "EDT": -4.0,
    "AKST": -9.0, "AKDT": -8.0, "HST": -10.0, "HDT": -9.0, "AST": -4.0, "ADT": -3.0, "NST": -3.5, "NDT": -2.5,
}
# (a zone name may come before the offset: "21:04 CET UTC+01"; "9:04 PM UTC+01" is a clock's PM, not a zone)
_ZONE = re.compile(r"(?:\s(?![AP]M\b)[A-Z]{2,5})?\s"
                   r"(?:UTC(?P<sign>[+-−])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?|(?P<abbr>(?![AP]M$)[A-Z]{2,5}))$")
_CLOCK = re.compile(r"(?P<h>\d{1,2})[:.](?P<m>\d{2})\s?(?P<p>[ap])?\.?\s?(?:m\.?)?$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+\.?|\d+\.?|[^\w\s]", re.UNICODE)


class LegacyTimeError(ValueError):
    """A ``meta`` time that cannot be read: what was expected, and what was found."""


def meta_instant(text: str) -> int:
    """Seconds since 1970 (UTC) of a ``meta`` time (see the module docstring); LegacyTimeError when
    it is not such a time, or names a zone we do not know."""
    written = " ".join(text.split())
    zone = _ZONE.search(written)
    if zone is None:
        raise LegacyTimeError("a time zone at the end (UTC+01, UTC-04, UTC, PDT)")
    if zone["abbr"]:
        if zone["abbr"] not in ZONE_ABBREVIATIONS:
            known = ", ".join(ZONE_ABBREVIATIONS)
            raise LegacyTimeError(f"a time zone Facebook writes (an offset such as UTC+01, or one of {known}; "
                                  f"'{zone['abbr']}' could be more than one zone)")
        offset = round(ZONE_ABBREVIATIONS[zone["abbr"]] * 3600)
    else:
        offset = int(zone["h"]) * 3600 + int(zone["m"] or 0) * 60
        offset = -offset if zone["sign"] in "-−" else offset
    rest = written[: zone.start()].rstrip(" ,")
    clock = _CLOCK.search(rest)
    if clock is None:
        raise LegacyTimeError(TIME_EXAMPLE)
    hour, minute = int(clock["h"]), int(clock["m"])
    if clock["p"]:
        if not 1 <= hour <= 12:
            raise LegacyTimeError(TIME_EXAMPLE)
        hour = hour % 12 + (12 if clock["p"].lower() == "p" else 0)
    year = day = month = None
    for token in _WORD.findall(rest[: clock.start()]):
        bare = token.rstrip(".").lower()
        if bare.isdigit():
            if len(bare) == 4 and year is None:
                year = int(bare)
            elif len(bare) <= 2 and day is None:
                day = int(bare)
            else:
                raise LegacyTimeError(TIME_EXAMPLE)
        elif bare in MONTHS:
            if month is not None:
                raise LegacyTimeError(TIME_EXAMPLE)
            month = MONTHS[bare]
    if year is None or day is None or month is None:
        raise LegacyTimeError(TIME_EXAMPLE)
    try:
        written_at = datetime(year, month, day, hour, minute)
    except ValueError as exc:
        raise LegacyTimeError(TIME_EXAMPLE) from exc
    return calendar.timegm(written_at.timetuple()) - offset


@dataclass
class _Message:
    """One message as the page writes it."""

    line: int
    user: list[str] | None = None
    meta: list[str] | None = None
    words: list[str] = field(default_factory=list)
    media: str | None = None
    has_words: bool = False  # a <p> came after the header


@dataclass
class _Thread:
    """One ``<div class="thread">`` block."""

    line: int
    header: list[str] = field(default_factory=list)
    heading: list[str] = field(default_factory=list)  # the thread page's <h3>
    messages: list[_Message] = field(default_factory=list)


class _PageReader(RoleParser):
    """Streams a page into its owner's name, its thread blocks and the thread pages it links."""

    RECORDS = frozenset({"thread"})

    def __init__(self) -> None:
        super().__init__()
        self.title: list[str] = []
        self.owner: list[str] | None = None
        self.threads: list[_Thread] = []
        self.links: list[tuple[str, int]] = []
        self.contents: list[str] = []  # text of the page's contents (the error page's words)
        self.thread: _Thread | None = None
        self.message: _Message | None = None
        self.target: list[str] | None = None

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        classes = attributes.get("class", "").split()
        thread, message = self.thread, self.message
        if tag == "br" and self.target is not None:
            self.target.append("\n")
        if thread is None:
            return self._outside(tag, classes, attributes)
        if tag == "div" and "message" in classes:
            self.message = _Message(self.getpos()[0])
            thread.messages.append(self.message)
            return "message"
        if tag == "h3" and message is None:
            self.target = thread.heading
            return "heading"
        if message is None:
            return None
        if tag == "span" and "user" in classes and self.inside("message"):
            message.user = self.target = []
            return "part"
        if tag == "span" and "meta" in classes and self.inside("message"):
            message.meta = self.target = []
            return "part"
        if tag == "p" and not self.inside("message") and not self.inside("words"):
            message.has_words = True
            self.target = message.words
            return "words"
        if tag in ("img", "video", "audio") and not self.inside("message"):
            message.media = message.media or _media(tag, attributes.get("src", ""))
        return None

    def _outside(self, tag: str, classes: list[str], attributes: dict[str, str]) -> str | None:
        if tag == "div" and "thread" in classes:
            self.thread = _Thread(self.getpos()[0])
            self.threads.append(self.thread)
            self.message = None
            return "thread"
        if tag == "title":
            self.target = self.title
            return "title"
        if tag == "h1" and self.owner is None:
            self.owner = self.target = []
            return "owner"
        if tag == "a" and self.inside("contents") and THREAD_PAGE.fullmatch(PurePosixPath(attributes.get("href", "")
                                                                                          ).name):
            self.links.append((attributes["href"], self.getpos()[0]))
        if tag == "div" and "contents" in classes:
            return "contents"
        return None

    def handle_data(self, data: str) -> None:
        if self.target is not None:
            self.target.append(data)
        elif self.thread is not None and self.message is None and self.stack and self.stack[-1][1] == "thread":
            self.thread.header.append(data)
        elif self.inside("contents"):
            self.contents.append(data)

    def ended(self, role: str, depth: int) -> None:
        if role in ("title", "owner", "heading", "part", "words"):
            self.target = None
        elif role == "thread":
            self.thread = self.message = None
            self.target = None


def _media(tag: str, source: str) -> str:
    if tag != "img":
        return MEDIA["videos"] if tag == "video" else MEDIA["audio"]
    folder = next((name for name in MEDIA if f"/{name}/" in f"/{source}"), "photos")
    return MEDIA[folder]


@dataclass
class _Read:
    """A message read from its block: when, who as written, and what."""

    instant: int
    author: str
    words: str
    media: str | None
    has_words: bool


@dataclass
class _Chat:
    """One conversation being gathered: the blocks with one set of participants."""

    participants: list[str]
    key: tuple[str, ...]
    layout_page: bool
    reads: list[list[_Read]] = field(default_factory=list)


def _clean(parts: list[str] | None) -> str:
    return " ".join("".join(parts or []).split())


class LegacyMessengerImporter:
    """Reads html/messages.htm of Facebook's old archive, and its 2017-2018 thread pages."""

    name = "messenger_legacy"
    description = "Facebook messages from the old archive (html/messages.htm, messages/<n>.html; 2010-2018)"

    def sniff(self, source: Source, head: bytes) -> float:
        if b'class="message_header"' in head and re.search(rb'<div class="thread">', head):
            return 0.9
        name = source.filename.lower()
        if THREAD_PAGE.fullmatch(name) and b'<div class="thread"><h3>' in head:
            return 0.9  # a thread page whose thread has no messages
        if name == LIST_PAGE and re.search(rb'<div class="contents">\s*<h1>', head):
            return 0.9  # the list of thread pages, or Facebook's error page
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        reader = _read(source)
        page = THREAD_PAGE.fullmatch(source.filename.lower()) is not None
        owner = _clean(reader.owner) or ("" if page else _title_owner(_clean(reader.title)))
        if reader.threads:
            if page and not owner:
                owner = _list_owner(source) or options.me or ""
            yield from self._conversations(source, [(source, reader)], owner, options)
        elif reader.links:
            if source.named:  # in a folder or zip each page is read by itself
                pages = [(page, _read(page)) for page in _linked_pages(source, reader.links)]
                yield from self._conversations(source, pages, owner, options)
        elif ERROR_PAGE in _clean(reader.contents):
            raise ImportFormatError(source.name, "the archive's messages (Facebook could not put them in this "
                                    "download: request the archive again)", found=_clean(reader.contents)[:160])

    def _conversations(self, source: Source, pages: list[tuple[Source, _PageReader]], owner: str,
                       options: ImportOptions) -> Iterator[Conversation]:
        chats: dict[tuple[str, ...], _Chat] = {}
        order: list[_Chat] = []
        rising = falling = 0
        # a thread page lists the others only: an id in most of its lists is someone else's, never the owner's
        owner_id = _owner_id([_participants(t) for _, r in pages for t in r.threads if not t.heading], owner)
        for page_source, reader in pages:
            for thread in reader.threads:
                people = _participants(thread)
                if thread.heading and owner and people:
                    people.append(owner)  # a thread page lists the others only
                reads = [_message(page_source, m) for m in thread.messages]
                for a, b in pairwise(reads):
                    rising, falling = rising + (b.instant > a.instant), falling + (b.instant < a.instant)
                key = tuple(sorted(set(people))) if people else (f"#{len(order)}",)
                same = tuple(sorted({owner if p == owner_id else p for p in key}))  # the owner by id is the owner
                chat = chats.get(same)
                if chat is None:
                    chat = chats[same] = _Chat(people, key, bool(thread.heading))
                    order.append(chat)
                fingerprint = [(r.instant, r.author, r.words) for r in reads]
                if any(fingerprint == [(r.instant, r.author, r.words) for r in seen] for seen in chat.reads):
                    continue  # a block the file repeats
                chat.reads.append(reads)
        me = options.me or owner or None
        mine = _owner_names(order, {name for name in (owner, owner_id) if name})
        aliases = _aliases(order, mine)
        for chat in order:
            yield self._conversation(source, chat, falling > rising, mine, me, aliases)

    def _conversation(self, source: Source, chat: _Chat, newest_first: bool, mine: set[str], me: str | None,
                      aliases: dict[str, str]) -> Conversation:
        reads = [r for block in chat.reads for r in block]
        if newest_first:
            reads.reverse()
        reads.sort(key=lambda r: r.instant)  # stable: a minute's messages keep the order they were written in

        def name(written: str) -> str:
            if written in mine:
                return me or written
            return aliases.get(written, written)

        messages: list[Message] = []
        events: list[SystemEvent] = []
        for read in reads:
            ts = datetime.fromtimestamp(read.instant)
            author = name(read.author)
            notice = read.words if len(read.words) < 400 else ""
            if read.author == FACEBOOK or (notice and (GROUP_NOTICES.fullmatch(notice)
                                                       or CALL_NOTICES.fullmatch(notice))):
                events.append(SystemEvent(ts, read.words or "notice", author))
                continue
            if read.media is not None:
                kind, text = MessageKind.MEDIA, read.words or read.media
            elif read.words:
                kind, text = MessageKind.TEXT, read.words
            else:
                kind, text = MessageKind.MEDIA, MISSING
            messages.append(Message(len(messages), ts, author, text, kind))
        others = [name(p) for p in chat.participants if p not in mine]
        others = [p for p in dict.fromkeys(others) if p != me]
        people = len(chat.participants) + (1 if chat.layout_page and not mine & set(chat.participants) else 0)
        title = ", ".join(others) or ", ".join(p for p in dict.fromkeys(m.author for m in messages) if p != me)
        return Conversation(
            source=source.name,
            source_format=self.name,
            title=title or me or "Facebook messages",
            messages=messages,
            system_events=events,
            chat_id=", ".join(chat.key),
            me=me,
            group=people > 2 if chat.participants else None,
        )


def _read(source: Source) -> _PageReader:
    reader = _PageReader()
    read_page(source, reader, "Facebook")
    return reader


def _title_owner(title: str) -> str:
    """The owner in ``<title>Sofia Berg - Messages</title>`` (any language's word after the dash)."""
    head, dash, _ = title.rpartition(" - ")
    return head if dash else ""


def _participants(thread: _Thread) -> list[str]:
    """The names a thread block lists: the text before its first message (after ``Participants:`` on
    a thread page)."""
    text = _clean(thread.header)
    if thread.heading:
        text = text.partition(": ")[2] if ": " in text else text
    return [name.strip() for name in text.split(", ") if name.strip()]


def _message(source: Source, message: _Message) -> _Read:
    meta = _clean(message.meta)
    if message.meta is None or not meta:
        raise ImportFormatError(source.name, TIME_EXAMPLE, line=message.line, found="a message without a time")
    try:
        instant = meta_instant(meta)
        datetime.fromtimestamp(instant)
    except LegacyTimeError as exc:
        raise ImportFormatError(source.name, str(exc), line=message.line, found=meta) from exc
    except (OverflowError, OSError, ValueError) as exc:
        raise ImportFormatError(source.name, TIME_EXAMPLE, line=message.line, found=meta) from exc
    words = ESCAPED_BREAK.sub("\n", "".join(message.words).replace("\r\n", "\n")).strip()
    return _Read(instant, _clean(message.user) or UNKNOWN_SENDER, words, message.media, message.has_words)


def _owner_id(lists: list[list[str]], owner: str) -> str | None:
    """The owner's ``@facebook.com`` id: the one in most participant lists without the owner's name,
    when it is in more than half of them (and at least two)."""
    without_owner = [people for people in lists if owner not in people]
    counts = Counter(p for people in without_owner for p in set(people) if ID.fullmatch(p))
    if not counts:
        return None
    found, times = counts.most_common(1)[0]
    return found if times >= 2 and times * 2 > len(without_owner) else None


def _pairs(chats: list[_Chat], mine: set[str]) -> Iterator[tuple[_Chat, str, Counter[str]]]:
    """Each thread of the owner and one other person: that person as listed, and the thread's other
    writers (not the owner, not Facebook) with their message counts."""
    for chat in chats:
        others = [p for p in chat.participants if p not in mine]
        if len(others) != 1 or len(chat.participants) != 2:
            continue  # a group, or a thread page whose owner is unknown: who is who cannot be told
        writers = Counter(r.author for block in chat.reads for r in block
                          if r.author not in mine and r.author not in (FACEBOOK, UNKNOWN_SENDER))
        yield chat, others[0], writers


def _owner_names(chats: list[_Chat], mine: set[str]) -> set[str]:
    """The owner's names: `mine`, and a name the owner's threads with one other person show as a
    writer besides that person in three threads or more (the owner's name before a change: only the
    owner writes in all of them)."""
    seen = Counter(w for _, person, writers in _pairs(chats, mine) for w in writers if w != person)
    return mine | {writer for writer, threads in seen.items() if threads >= OWNER_NAME_THREADS}


def _aliases(chats: list[_Chat], mine: set[str]) -> dict[str, str]:
    """Each other spelling or id of a person, to their one name, learnt from threads of the owner
    and that person alone; a spelling that would be two people is left out."""
    found: dict[str, set[str]] = {}
    for _, listed, writers in _pairs(chats, mine):
        person = listed
        if ID.fullmatch(person):
            named = [w for w, _ in writers.most_common() if not ID.fullmatch(w)]
            person = named[0] if named else person
        for writer in [*writers, listed]:
            if writer != person:
                found.setdefault(writer, set()).add(person)
    return {writer: people.pop() for writer, people in found.items() if len(people) == 1}


def _linked_pages(source: Source, links: list[tuple[str, int]]) -> list[Source]:
    """The thread pages ``html/messages.htm`` links (``../messages/12.html``), in its order."""
    pages = []
    for href, line in dict.fromkeys(links):
        page = _beside(source, href)
        if page is None:
            raise ImportFormatError(source.name, f"the thread page it links, {href} (the archive is incomplete: "
                                    "unpack or download it again)", line=line, found="no such file")
        pages.append(page)
    return pages


def _beside(source: Source, href: str) -> Source | None:
    """The file `href` (relative to `source`) names, on disk or in the same zip; None where absent."""
    relative = PurePosixPath(href)
    if source.path is not None:
        target = source.path.parent.joinpath(*relative.parts).resolve()
        if not target.is_file():
            return None
        shown = PurePosixPath(source.name).parent.joinpath(relative)
        return Source(str(shown), path=target)
    assert source.archive is not None and source.member is not None
    parts: list[str] = list(PurePosixPath(source.member).parent.parts)
    for part in relative.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    member = "/".join(parts)
    if member not in archive_members(source.archive):
        return None
    return Source(f"{source.archive}!{member}", archive=source.archive, member=member)


def _list_owner(page: Source) -> str:
    """The owner a thread page does not name: the ``<h1>`` of ``../html/messages.htm`` beside it."""
    listing = _beside(page, f"../html/{LIST_PAGE}")
    if listing is None:
        return ""
    where = listing.path or listing.archive
    try:
        stamp = where.stat().st_mtime_ns if where is not None else 0
    except OSError:
        stamp = 0
    return _listing_owner(listing, stamp)


@lru_cache(maxsize=4)
def _listing_owner(listing: Source, stamp: int) -> str:
    """The owner ``html/messages.htm`` names, read once while it is unchanged: every one of an
    archive's thousands of thread pages asks (2,000 threads took 95 s reading it again each time)."""
    reader = _read(listing)
    return _clean(reader.owner) or _title_owner(_clean(reader.title))


register(LegacyMessengerImporter())

__all__ = ["LegacyMessengerImporter", "LegacyTimeError", "meta_instant"]
