"""IRC logs, as the clients and bouncers that keep them write them: irssi, WeeChat, HexChat / XChat,
mIRC, ZNC's log module, Limnoria's ChannelLogger, Textual and the tools that write out Quassel's
database, and the public logs of channels such as irclogs.ubuntu.com.

Every such log is one line an event, a time first, then a message (``<nick> words``, the nick
perhaps marked with its channel mode: ``<@bob>``, ``< alice>``), an action (``* alice waves``) or a
notice (joins, quits, nick and topic changes: ``-!-``, ``***``, ``===``, ``-->``). The time is
written in one of these ways::

    21:04 <alice> hi                                    irssi (the date from its "--- Log opened"
                                                         and "--- Day changed" lines)
    2024-02-01 21:04:12<TAB>@bob<TAB>hi                 WeeChat (the nick and words after tabs)
    Feb 01 21:04:12 <alice><TAB>hi                      HexChat / XChat (the year from its
                                                         "**** BEGIN LOGGING AT" line)
    [21:04:12] <alice> hi                               ZNC, mIRC, Ubuntu's logs (the date from the
                                                         file's name, ``#chan_20240201.log``, its
                                                         folders, ``2024/02/01/#ubuntu.txt``, or
                                                         mIRC's "Session Start" line)
    2024-02-01T21:04:12  <alice> hi                     Limnoria
    [2024-02-01 21:04:12] <alice> hi                    Textual, Quassel's exporters, Twitch chat
                                                         loggers (an offset after the time
                                                         is dropped: the clock as written)

Each log is one chat, titled by its channel (``#python`` from ``#python.log``,
``irc.libera.#python.weechatlog``, ``#python_20240201.log`` or mIRC's "Session Ident" line), else by
its file; a folder of a channel's day files (ZNC's ``#chan_20240201.log``, ``2024-02-01.log``) is
read as one chat, the first day's file bringing in the others (a later day's file named by itself
is read alone). Where a clock goes back without a new date, the day after is meant. A log whose
lines carry no date and that says none anywhere is placed from ``model.NO_TIMES_START``'s day: its
times of day and gaps are real, its dates are not. An action is a message of its nick's (``* alice
waves`` is alice's "waves"); notices are kept as notices. The log does not say who kept it:
``--me`` names the user. A line of no shape the log uses is kept as a notice only at the log's
very start (a client's banner); anywhere else it continues the message before it (a message
pasted over several lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, names_beside
from turntoward.model import NO_TIMES_START, Conversation, Message, MessageKind, SystemEvent

MONTHS = {m: k for k, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_CLOCK = r"(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)"
_ISO = r"(?P<date>\d{4}-\d{2}-\d{2})[ T]" + _CLOCK + r"(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
_STAMPS = (
    re.compile(r"\[" + _ISO + r"\][ \t]+(?P<body>.*)"),  # Textual, Quassel's exporters, Twitch loggers
    re.compile(_ISO + r"(?:\t|  ?)(?P<body>.*)"),  # WeeChat (tab), Limnoria (two spaces)
    re.compile(r"(?P<month>[A-Za-z]{3}) (?P<day>[ \d]\d) " + _CLOCK + r"[ \t](?P<body>.*)"),  # HexChat
    re.compile(r"\[" + _CLOCK + r"\][ \t](?P<body>.*)"),  # ZNC, mIRC, Ubuntu
    re.compile(_CLOCK + r"[ \t](?P<body>.*)"),  # irssi
)
_SAID = re.compile(r"<[ @+%~&!]?(?P<nick>[^\s<>]+)>(?:[ \t](?P<words>.*))?")
_WEECHAT_SAID = re.compile(r"[@+%~&!]?(?P<nick>[^\s<>\-*][^\s]*)\t(?P<words>.*)")
_ACTION = re.compile(r"\*[ \t]+(?P<nick>[^\s*]+)[ \t](?P<words>.*)")
# What clients write as "* nick ..." that is no action: joins, nick and mode changes (XChat's events).
_EVENT = re.compile(r"\S+ (?:\([^)]*\) )?has (?:joined|left|quit)\b|\S+ is now known as\b"
                    r"|\S+ (?:gives|removes|sets|changes|has changed) (?:channel|voice|mode|ban|the topic|topic)\b"
                    r"|Now talking (?:on|in)\b|Topic for\b")
_NOTICE = re.compile(r"(?:-!-|\*{2,3}|===|-->|<--|--|-[^\s-]+-|\*)(?:[ \t].*)?")
# Where a log says its date.
_WEEKDAY = r"(?:[A-Za-z]{3},? )?"
_MONTH_DAY = r"(?P<month>[A-Za-z]{3}) +(?P<day>\d{1,2})"
_OPENED = re.compile(r"--- (?:Log opened|Day changed) " + _WEEKDAY + _MONTH_DAY
                     + r"(?: \d{2}:\d{2}:\d{2})? (?P<year>\d{4})")
_BEGIN = re.compile(r"\*{4} (?:BEGIN|ENDING) LOGGING AT " + _WEEKDAY + _MONTH_DAY + r" [\d:]+ (?P<year>\d{4})")
_SESSION = re.compile(r"Session (?:Start|Time): " + _WEEKDAY + _MONTH_DAY + r" [\d:]+ (?P<year>\d{4})")
_UNTIMED_NOTICE = re.compile(r"=== \S.*")
"""A notice without a time, as Ubuntu's public logs write joins and quits."""
_MARKER = re.compile(r"--- Log closed .*|Session (?:Close|Ident): .*|\*{4} (?:BEGIN|ENDING) LOGGING AT .*")
_IDENT = re.compile(r"Session Ident: (?P<channel>\S+)")
_NAME_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})-?(?P<m>\d{2})-?(?P<d>\d{2})")
_PATH_DATE = re.compile(r"(?:^|/)(?P<y>(?:19|20)\d{2})/(?P<m>\d{2})/(?P<d>\d{2})(?:/|$)")
_DAY_LOG = re.compile(r"(?P<channel>.*?)[_.-]?(?P<date>(?:19|20)\d{2}-?\d{2}-?\d{2})\.(?:log|txt)", re.IGNORECASE)
_NICK_AFTER_TIME = re.compile(r"\d[\]\s]+<[ @+%~&!]?[^\s<>]+>")
_CHANNEL = re.compile(r"[#&!+][^\s,]+")
SNIFF_LINES = 60
LOG_LEVELS = frozenset({"INFO", "WARN", "WARNING", "ERROR", "DEBUG", "TRACE", "FATAL", "CRITICAL", "NOTICE"})
"""What a program's log puts where a nick would be (``21:04:12 <INFO> started``): no one's words."""
EXPECTED = "an IRC log: a line an event, its time first, then <nick> and the words, an action or a notice"


@dataclass(slots=True)
class _Event:
    line: int
    ts: datetime
    nick: str | None
    """None for a notice."""
    words: str


class IrcImporter:
    """Reads the logs IRC clients and bouncers keep (irssi, WeeChat, HexChat, mIRC, ZNC, …)."""

    name = "irc"
    description = "IRC logs (irssi, WeeChat, HexChat / XChat, mIRC, ZNC, Limnoria, Textual): a channel a chat"

    def sniff(self, source: Source, head: bytes) -> float:
        if b"\0" in head[:1024]:
            return 0.0
        lines = [line.strip("\r") for line in head.decode("utf-8", "replace").lstrip("\ufeff").split("\n")]
        filled = [line for line in lines[:-1] if line.strip()][:SNIFF_LINES]  # the last may be cut off
        said = shaped = nicks = 0
        for line in filled:
            kind = _shape(line)
            said += kind == "said"
            shaped += kind is not None
            nicks += kind == "said" and _NICK_AFTER_TIME.search(line) is not None
        if nicks >= 3 and nicks * 2 >= len(filled):
            # "<nick>" after the time on most lines: no other chat writes that (WhatsApp's iOS lines,
            # "[2024-02-01 21:04:12] Sam: hi", look alike up to it)
            return 0.97
        # Three messages, with half the lines in shape (the rest pasted text), or a short log all in shape.
        if (said >= 3 and shaped * 2 >= len(filled)) or (said and shaped == len(filled)):
            return 0.7
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        files = _days(source)
        if not files:
            return  # a later day's file in a folder: the first day's brings it in
        title = _title(source)
        events: list[_Event] = []
        for log in files:
            text = log.read_text("a UTF-8 text file of an IRC log")
            found_title, found = _events(log, text)
            title = found_title or title
            events.extend(found)
        # In time order: a client's log of several sessions appends each where it left off, and
        # a session's clock may have started again earlier (a laptop's clock set right).
        said = sorted((e for e in events if e.nick is not None), key=lambda e: e.ts)
        if not said:
            raise ImportFormatError(source.name, EXPECTED, found="no messages")
        messages = [Message(k, e.ts, e.nick or "", e.words, MessageKind.TEXT) for k, e in enumerate(said)]
        notices = [SystemEvent(e.ts, e.words) for e in events if e.nick is None]
        yield Conversation(source=source.name, source_format=self.name, title=title, messages=messages,
                           system_events=notices, chat_id=title, me=options.me)


def _shape(line: str) -> str | None:
    """What a log line is: "said" (a message or an action), "notice", "marker" (a date line), or None."""
    if _date_line(line) or _MARKER.fullmatch(line):
        return "marker"
    if _UNTIMED_NOTICE.fullmatch(line):
        return "notice"
    stamped = _stamped(line)
    if stamped is None:
        return None
    found, body = stamped
    nick = _event(0, NO_TIMES_START, body, weechat="date" in found.groupdict()).nick
    if nick is not None and nick.upper() not in LOG_LEVELS:
        return "said"
    return "notice" if _NOTICE.fullmatch(body.lstrip(" ")) else None


def _events(source: Source, text: str) -> tuple[str | None, list[_Event]]:
    """The log's channel, where a line names it, and its events in order."""
    day = _date_of_name(source)
    year = day.year if day else None
    title: str | None = None
    events: list[_Event] = []
    last: datetime | None = None
    for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        marked = _date_line(line)
        if marked:
            found_day = _day(marked.group("year"), marked.group("month"), marked.group("day"))
            if found_day is None:
                raise ImportFormatError(source.name, "a date line with a real date", line=number, found=line.strip())
            day, year, last = found_day, found_day.year, None
            continue
        ident = _IDENT.fullmatch(line)
        if ident:
            title = ident.group("channel")
            continue
        if _MARKER.fullmatch(line):
            continue
        if _UNTIMED_NOTICE.fullmatch(line):
            if last is not None or day is not None:
                events.append(_Event(number, last or datetime.combine(day or NO_TIMES_START.date(), time()), None,
                                     line[4:].strip()))
            continue
        stamped = _stamped(line)
        if stamped is None:
            if events:  # a message pasted over several lines
                events[-1].words += "\n" + line
            continue  # before the first event: a banner
        found, body = stamped
        clock = _clock(found.group("clock"))
        if clock is None:
            raise ImportFormatError(source.name, "a time of day like 21:04 or 21:04:12", line=number,
                                    found=found.group("clock"))
        if found.groupdict().get("date"):
            this_day = _iso_day(found.group("date"))
            if this_day is None:
                raise ImportFormatError(source.name, "a real date", line=number, found=found.group("date"))
        elif found.groupdict().get("month"):
            this_day = _hexchat_day(found, year, last)
        else:
            this_day = day or (last.date() if last else NO_TIMES_START.date())
        ts = datetime.combine(this_day, clock)
        dated = found.groupdict().get("date") or found.groupdict().get("month")
        if last is not None and not dated and ts + timedelta(hours=12) < last:
            ts += timedelta(days=1)  # past midnight, with no line to say so
        day, last = ts.date(), ts
        events.append(_event(number, ts, body, weechat="date" in found.groupdict()))
    return title, events


def _date_line(line: str) -> re.Match[str] | None:
    """A line that says the date the lines after it are of: irssi's "--- Log opened" and "--- Day
    changed", HexChat's "**** BEGIN LOGGING AT", mIRC's "Session Start" and "Session Time"."""
    return _OPENED.fullmatch(line) or _BEGIN.fullmatch(line) or _SESSION.fullmatch(line)


def _stamped(line: str) -> tuple[re.Match[str], str] | None:
    for stamp in _STAMPS:
        found = stamp.fullmatch(line)
        if found is None:
            continue
        if found.groupdict().get("month") is not None and found.group("month").lower() not in MONTHS:
            continue
        return found, found.group("body")
    return None


def _event(number: int, ts: datetime, body: str, *, weechat: bool) -> _Event:
    """The event a line's `body` (what follows its time) is; `weechat`: whether the time is a whole
    date-time, as WeeChat writes it before its tab, nick, tab and words (a clock alone and two tabs
    are a table's row, not a log's)."""
    body = body.lstrip(" ")
    said = _SAID.fullmatch(body)
    if said:
        return _Event(number, ts, said.group("nick"), (said.group("words") or "").strip())
    action = _ACTION.fullmatch(body)  # also WeeChat's and HexChat's "*<TAB>alice waves"
    if action and not _EVENT.match(body[1:].lstrip()):
        return _Event(number, ts, action.group("nick"), action.group("words").strip())
    tabbed = _WEECHAT_SAID.fullmatch(body) if weechat and "\t" in body else None
    if tabbed and not _NOTICE.fullmatch(body.split("\t", 1)[0]):
        return _Event(number, ts, tabbed.group("nick"), tabbed.group("words").strip())
    return _Event(number, ts, None, body.replace("\t", " ").strip())


def _clock(text: str) -> time | None:
    parts = [int(p) for p in text.split(":")]
    hour, minute, second = [*parts, 0][:3]
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _day(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), MONTHS[month.lower()], int(day))
    except (KeyError, ValueError):
        return None


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _hexchat_day(found: re.Match[str], year: int | None, last: datetime | None) -> date:
    """The date of HexChat's ``Feb 01 21:04:12``: the year of its "BEGIN LOGGING" line, the next one
    where the months go round (December's log running into January)."""
    year = year or (last.year if last else NO_TIMES_START.year)
    month, day = MONTHS[found.group("month").lower()], int(found.group("day"))
    if last is not None and month < last.month:
        year = max(year, last.year) + (1 if last.month - month > 6 else 0)
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, min(day, 28))


def _date_of_name(source: Source) -> date | None:
    """The day a log of one day is of, from its file's name or folders (``#chan_20240201.log``,
    ``2024/02/01/#ubuntu.txt``)."""
    path = source.path.as_posix() if source.path is not None else source.member or ""
    found = _NAME_DATE.search(source.filename) or _PATH_DATE.search(path)
    if found is None:
        return None
    try:
        return date(int(found.group("y")), int(found.group("m")), int(found.group("d")))
    except ValueError:
        return None


def _title(source: Source) -> str:
    """The channel a log is of, from its file's name (``#python.log``, ``irc.libera.#python.weechatlog``,
    ``#python_20240201.log``) or, for a file named by its date alone, its folder's; else the file's name."""
    stem = PurePosixPath(source.filename).stem
    channel = _CHANNEL.search(stem)
    if channel:
        day = _DAY_LOG.fullmatch(channel.group(0) + ".log")
        return day.group("channel") if day and day.group("channel") else channel.group(0)
    day = _DAY_LOG.fullmatch(source.filename)
    if day and day.group("channel"):
        return day.group("channel")
    if day:  # ZNC's newer layout, <network>/<#channel>/2024-02-01.log: the folder is the channel
        return source.folder_name or stem
    return stem


def _is_day_log(name: str) -> bool:
    return _DAY_LOG.fullmatch(name) is not None


def _days(source: Source) -> list[Source]:
    """The day files of one channel `source` stands for, in date order: its folder's when it is the
    first and was found in a folder, none when it is a later one found so, else itself alone."""
    mine = _DAY_LOG.fullmatch(source.filename)
    if mine is None or source.named:
        return [source]
    channel = mine.group("channel")
    dated = sorted((found.group("date").replace("-", ""), n) for n in names_beside(source, _is_day_log, "IRC day logs")
                   if (found := _DAY_LOG.fullmatch(n)) is not None and found.group("channel") == channel)
    names = [n for _, n in dated]
    if source.filename not in names:
        return [source]
    if names[0] != source.filename:
        return []
    return [source if n == source.filename else source.beside(n) for n in names]


register(IrcImporter())
