"""The shape of a WhatsApp message header, and turning its date and time into a timestamp.

Exports differ by phone and locale: ``12/03/2024, 21:04 - Sam: hi`` (Android) or
``[12/03/2024, 21:04:05] Sam: hi`` (iOS; before about 2017 ``12/03/2016, 21:04:05: Sam: hi``, read
like Android's with ``": "`` for its dash); day, month and year in any order with ``/``, ``.``
or ``-``; two- or four-digit years; 24-hour clocks or 12-hour ones with ``PM``, ``pm`` or
``p.m.`` after a space, a no-break space or a narrow no-break space; ``21.04`` for ``21:04`` and
a word before the time (``13.6.2018 klo 21.04``, ``02.05.18 à 18:00``) in locales that write them.
Locales with their own day-period words: Korean ``2018. 6. 13. 오후 9:25`` (year first, ``. ``
between the numbers and a dot after the day, 오전/오후 before the time; iOS puts the same in
``[...]`` with seconds), Chinese ``2018/6/13 下午9:25`` (上午/下午 before the time, no space) and
Arabic ``13\u200f/6\u200f/2018، 9:25 م`` (a right-to-left mark after each number of the date,
an optional Arabic comma, ص/م after the time; ASCII or Arabic-Indic digits ٠-٩, which Python's
``int`` reads as they are). A file uses one shape throughout, so the parser reads it from the
first header (`Dialect`) and compiles one tight pattern for the whole file. Day/month order
cannot be read from one line; `resolve_date_order` decides it from every distinct date in the file.

WhatsApp Web and Desktop have no export: their users copy the messages, which come out time first,
``[21:04, 12/03/2024] Sam: hi`` (``[9:04 PM, 3/12/2024] Sam: hi`` where the clock has AM/PM), the
header the page itself gives each message (layout ``web``).

Android exports from before about 2016 name the month, as the phone's date format did:
``26 Sep 2014 12:53 - Sam: hi`` or ``Jan 4, 2013, 7:21 PM - Sam: hi``, and leave out the year for
the year the export was made in (``1 Jan 00:00 - Sam: happy new year``). `named_date_table` reads
them (month words of the languages in `MONTH_WORDS`) and gives the year-less dates the year after
the last one written out: the file runs forward in time and its dates with a year are all older.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from math import log1p

DATE_ORDERS = ("dmy", "mdy", "ymd")
# Marks WhatsApp (or the platform's text layout) may put before a header, or just inside its "[".
LEADING_MARKS = "\ufeff\u200e\u200f"
# A clock time: 21:04, 21:04:05, 9:04 PM, 9:04\u202fpm, 9:04 p.m., 9:04 p. m.; Finnish, Danish and
# Indonesian phones write 21.04 and 21.04.05.
_AM_PM = r"[ \u00a0\u202f]?[aApP]\.?[ \u00a0\u202f]?[mM]\.?"
TIME = rf"\d{{1,2}}(?P<time_sep>[:.])\d{{2}}(?:(?P=time_sep)\d{{2}})?(?:{_AM_PM})?"
_SPACE = "[ \u00a0\u202f]"
# Words some locales put between the date and the time: Finnish "klo" (kello, o'clock), French "à".
TIME_WORDS = ("klo", "à")
# Day-period words of 12-hour clocks that are not a Latin AM/PM, by locale: whether the word comes
# before the time, the words for the morning (AM) and those for the afternoon (PM).
DAY_PERIODS: dict[str, tuple[bool, tuple[str, ...], tuple[str, ...]]] = {
    "ko": (True, ("오전",), ("오후",)),
    "zh": (True, ("上午",), ("下午",)),
    "ar": (False, ("ص",), ("م",)),
}
_PM_WORDS = frozenset(word for _, _, pm in DAY_PERIODS.values() for word in pm)
_WORDS_BEFORE = "|".join(word for before, am, pm in DAY_PERIODS.values() if before for word in (*am, *pm))
_WORDS_AFTER = "|".join(word for before, am, pm in DAY_PERIODS.values() if not before for word in (*am, *pm))
# A digit of a header: ASCII, or Arabic-Indic (Arabic phones may write ٢٤/٤/٢٠٢٢).
ARABIC_DIGITS = "\u0660-\u0669"
_DIGIT = f"[0-9{ARABIC_DIGITS}]"
_PERIOD_LOCALE = {word: locale for locale, (_, am, pm) in DAY_PERIODS.items() for word in (*am, *pm)}
# What may end a date before the gap to the time: a comma, an Arabic comma, or the dot after a
# Korean date's day ("2018. 6. 13. 오후 9:25").
_DATE_ENDS = ",\u060c."

# Month words of old Android exports that name the month ("26 Sep 2014", "4. Jan. 2013", "Jan 4,
# 2013", "4 janv. 2013"), as the phone's locale abbreviated or wrote them: English, German, French,
# Spanish, Portuguese, Italian and Dutch, matched without case and without a final dot.
_MONTHS_BY_LANGUAGE = {
    "en": "jan feb mar apr may jun jul aug sep oct nov dec",
    "en full": "january february march april may june july august september october november december",
    "de": "jan feb mär apr mai jun jul aug sep okt nov dez",
    "de full": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janv févr mars avr mai juin juil août sept oct nov déc",
    "fr full": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "ene feb mar abr may jun jul ago sept oct nov dic",
    "es full": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "jan fev mar abr mai jun jul ago set out nov dez",
    "pt full": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "it": "gen feb mar apr mag giu lug ago set ott nov dic",
    "it full": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "jan feb mrt apr mei jun jul aug sep okt nov dec",
    "nl full": "januari februari maart april mei juni juli augustus september oktober november december",
}
MONTH_WORDS: dict[str, int] = {
    word: month
    for words in _MONTHS_BY_LANGUAGE.values()
    for month, word in enumerate(words.split(), start=1)
}
# A month word in a header, one of MONTH_WORDS in any case (longest first, "sept" before "sep"), so
# that a line of words such as "3 drinks 19:00 - 20:00 at the bar" is never taken for a header.
_MONTH_CHOICES = "|".join(re.escape(word) for word in sorted(MONTH_WORDS, key=len, reverse=True))
_MONTH_WORD = f"(?i:{_MONTH_CHOICES})\\.?"
_MONTH_WORD_BYTES = b"(?i:" + _MONTH_CHOICES.encode() + rb")\.?"
_YEAR_AFTER = f"(?:,?{_SPACE}\\d{{4}})?"  # the year, which the export's own year leaves out
# The date of such a header, day first ("26 Sep 2014", "4. Jan. 2013", "1 Jan") or month first
# ("Jan 4, 2013", "Jan 4").
NAMED_DATES = {
    "dm": f"\\d{{1,2}}\\.?{_SPACE}{_MONTH_WORD}{_YEAR_AFTER}",
    "md": f"{_MONTH_WORD}{_SPACE}\\d{{1,2}}{_YEAR_AFTER}",
}
_NAMED_DATE_PARTS = re.compile(rf"(?:(\d{{1,2}})\.?{_SPACE}({_MONTH_WORD})|({_MONTH_WORD}){_SPACE}(\d{{1,2}}))"
                               rf"(?:,?{_SPACE}(\d{{4}}))?")

_HEADER_TIME = TIME.replace(r"\d", _DIGIT)
# Any header WhatsApp writes, at the start of a line; used to recognise files and their dialect.
HEADER_SHAPE = re.compile(
    rf"[{LEADING_MARKS}]*(?P<open>\[[{LEADING_MARKS}]*)?"
    rf"(?P<a>{_DIGIT}{{1,4}})(?P<sep>\u200f?[./-] ?)(?P<b>{_DIGIT}{{1,2}})(?P=sep)(?P<c>{_DIGIT}{{1,4}})"
    rf"(?P<end>[{_DATE_ENDS}])?{_SPACE}(?:(?P<word>{'|'.join(TIME_WORDS)}){_SPACE})?"
    rf"(?:(?P<before>{_WORDS_BEFORE}){_SPACE}?)?(?P<time>{_HEADER_TIME})"
    rf"(?:{_SPACE}(?P<after>{_WORDS_AFTER}))?"
    r"(?(open)\] |(?P<dash>\.? [-–] |: ))"  # some phones put a dot after the time: "13:34. - "; iOS
    # before 2017 wrote neither brackets nor a dash: "4/21/16, 12:20:43 AM: Sam: hi"
)
# A message copied from WhatsApp Web or Desktop: the time first, then the date, in brackets.
WEB_HEADER_SHAPE = re.compile(
    rf"[{LEADING_MARKS}]*\[(?P<time>{TIME}),?{_SPACE}"
    rf"(?P<a>\d{{1,4}})(?P<sep>[./-])(?P<b>\d{{1,2}})(?P=sep)(?P<c>\d{{1,4}})\] "
)
# A header whose date names the month (old Android exports; `NAMED_DATES`).
NAMED_HEADER_SHAPE = re.compile(
    rf"[{LEADING_MARKS}]*(?P<open>\[[{LEADING_MARKS}]*)?"
    rf"(?:\d{{1,2}}\.?{_SPACE}(?P<dm>{_MONTH_WORD})|(?P<md>{_MONTH_WORD}){_SPACE}\d{{1,2}}){_YEAR_AFTER}"
    rf",?{_SPACE}(?P<time>{TIME})(?(open)\] |(?P<dash>\.? [-–] ))"
)
_TIME_PARTS = re.compile(
    rf"(?:({_WORDS_BEFORE}){_SPACE}?)?(\d{{1,2}})[:.](\d{{2}})(?:[:.](\d{{2}}))?"
    rf"(?:{_SPACE}?([aApP])\.?{_SPACE}?[mM]\.?|{_SPACE}({_WORDS_AFTER}))?"
)


@dataclass(frozen=True)
class Dialect:
    """How one export writes its headers: layout (android, ios, or web: copied from WhatsApp Web or
    Desktop, time first), date separator, clock, and the words around the time where the locale
    writes them.

    WhatsApp writes every header of a file the same way, so a pattern made for exactly this
    shape (seconds or not, 12- or 24-hour clock) finds them faster than one for all shapes.
    """

    layout: str
    date_sep: str
    dash: str = " - "
    seconds: bool = False
    twelve_hour: bool = False
    time_sep: str = ":"
    time_word: str = ""
    # the character that may end the date ("," in most locales, "." in Korean, "،" in Arabic)
    date_end: str = ","
    # the DAY_PERIODS locale of a 12-hour clock whose day period is a word such as 오후 or م
    period: str = ""
    arabic_digits: bool = False
    # "dm" or "md" where the date names its month, day first or month first (`NAMED_DATES`)
    named: str = ""

    @property
    def splitter(self) -> re.Pattern[str]:
        """Finds every header, with the newline before it; groups: date, time."""
        return _splitter(self)

    @property
    def byte_splitter(self) -> re.Pattern[bytes]:
        """`splitter` for the UTF-8 bytes of the file (splitting before decoding is faster)."""
        return _byte_splitter(self)


def period_words(dialect: Dialect) -> tuple[bool, tuple[str, ...]]:
    """Whether `dialect`'s day-period words come before the time, and the words (none for a
    24-hour clock or a Latin AM/PM)."""
    if not dialect.period:
        return False, ()
    before, am, pm = DAY_PERIODS[dialect.period]
    return before, (*am, *pm)


def date_pattern(dialect: Dialect) -> str:
    """The pattern of one date as `dialect` writes it, without a group."""
    if dialect.named:
        return NAMED_DATES[dialect.named]
    sep = re.escape(dialect.date_sep)
    digit = _DIGIT if dialect.arabic_digits else r"\d"
    return rf"{digit}{{1,4}}{sep}{digit}{{1,2}}{sep}{digit}{{1,4}}"


def clock_pattern(dialect: Dialect) -> str:
    """The pattern of one clock time as `dialect` writes it (AM/PM included, a locale's day-period
    words not), without a group."""
    digit = _DIGIT if dialect.arabic_digits else r"\d"
    tsep = re.escape(dialect.time_sep)
    clock = rf"{digit}{{1,2}}{tsep}{digit}{{2}}" + (rf"{tsep}{digit}{{2}}" if dialect.seconds else "")
    return clock + (_AM_PM if dialect.twelve_hour else "")


@cache
def _splitter(dialect: Dialect) -> re.Pattern[str]:
    date = f"({date_pattern(dialect)})"
    time = clock_pattern(dialect)
    before, words = period_words(dialect)
    if words:
        either = "|".join(map(re.escape, words))
        time = f"(?:{either}){_SPACE}?{time}" if before else f"{time}{_SPACE}(?:{either})"
    gap = f"{re.escape(dialect.date_end)}?{_SPACE}"
    gap += f"{re.escape(dialect.time_word)}{_SPACE}" if dialect.time_word else ""
    if dialect.layout == "ios":
        return re.compile(rf"\n[{LEADING_MARKS}]*\[[{LEADING_MARKS}]*{date}{gap}({time})\] ")
    if dialect.layout == "web":  # time first: the date is captured first, in a lookahead, as elsewhere
        return re.compile(rf"\n[{LEADING_MARKS}]*\[(?={time},?{_SPACE}{date}\] )({time}),?{_SPACE}"
                          rf"{date_pattern(dialect)}\] ")
    return re.compile(rf"\n[{LEADING_MARKS}]*{date}{gap}({time}){re.escape(dialect.dash)}")


@cache
def _byte_splitter(dialect: Dialect) -> re.Pattern[bytes]:
    def either(chars: str) -> bytes:  # a character class, as alternatives of UTF-8 sequences
        return b"(?:" + b"|".join(re.escape(char.encode()) for char in chars) + b")"

    space = either(" \u00a0\u202f")
    # \d of a bytes pattern is ASCII only; the Arabic-Indic digits are two bytes each in UTF-8
    digit = rb"(?:\d|\xd9[\xa0-\xa9])" if dialect.arabic_digits else rb"\d"
    sep = re.escape(dialect.date_sep.encode())
    date = b"(" + digit + b"{1,4}" + sep + digit + b"{1,2}" + sep + digit + b"{1,4})"
    if dialect.named:
        year = b"(?:,?" + space + rb"\d{4})?"
        day_month = rb"\d{1,2}\.?" + space + _MONTH_WORD_BYTES
        month_day = _MONTH_WORD_BYTES + space + rb"\d{1,2}"
        date = b"(" + (day_month if dialect.named == "dm" else month_day) + year + b")"
    tsep = re.escape(dialect.time_sep.encode())
    clock = digit + b"{1,2}" + tsep + digit + b"{2}" + (tsep + digit + b"{2}" if dialect.seconds else b"")
    if dialect.twelve_hour:
        clock += space + rb"?[aApP]\.?" + space + rb"?[mM]\.?"
    before, words = period_words(dialect)
    if words:
        word = b"(?:" + b"|".join(re.escape(w.encode()) for w in words) + b")"
        clock = word + space + b"?" + clock if before else clock + space + word
    time = b"(" + clock + b")"
    start = b"\n" + either(LEADING_MARKS) + b"*"
    end = re.escape(dialect.date_end.encode())
    gap = (end if len(end) == 1 else b"(?:" + end + b")") + b"?" + space  # "،" is two bytes
    gap += re.escape(dialect.time_word.encode()) + space if dialect.time_word else b""
    if dialect.layout == "ios":
        return re.compile(start + rb"\[" + either(LEADING_MARKS) + b"*" + date + gap + time + rb"\] ")
    if dialect.layout == "web":  # time first: the date is captured first, in a lookahead (see `_splitter`)
        comma = b",?" + space
        bare_date = date[1:-1]  # the same pattern without its group
        return re.compile(start + rb"\[(?=" + clock + comma + date + rb"\] )" + time + comma + b"(?:" + bare_date
                          + rb")\] ")
    return re.compile(start + date + gap + time + re.escape(dialect.dash.encode()))


def dialect_of(line: str) -> Dialect | None:
    """The dialect of `line` when it is a message header, else None."""
    found = HEADER_SHAPE.match(line)
    if found is None:
        return _web_dialect_of(line) or _named_dialect_of(line)
    clock, time_sep, word = found["time"], found["time_sep"], found["word"] or ""
    seconds = clock.count(time_sep) == 2
    twelve_hour = clock[-1] in "mM."
    period = _PERIOD_LOCALE.get(found["before"] or found["after"] or "", "")
    header = found[0]
    arabic_digits = any("\u0660" <= char <= "\u0669" for char in header)
    date_end = found["end"] or ("." if period == "ko" else "\u060c" if period == "ar" else ",")
    dash = " - " if found["open"] else found["dash"]
    layout = "ios" if found["open"] else "android"
    return Dialect(
        layout, found["sep"], dash, seconds, twelve_hour, time_sep, word, date_end, period, arabic_digits
    )


def _web_dialect_of(line: str) -> Dialect | None:
    found = WEB_HEADER_SHAPE.match(line)
    if found is None:
        return None
    clock, time_sep = found["time"], found["time_sep"]
    return Dialect("web", found["sep"], seconds=clock.count(time_sep) == 2, twelve_hour=clock[-1] in "mM.",
                   time_sep=time_sep)


def _named_dialect_of(line: str) -> Dialect | None:
    found = NAMED_HEADER_SHAPE.match(line)
    if found is None or (found["dm"] or found["md"]).lower().rstrip(".") not in MONTH_WORDS:
        return None
    clock, time_sep = found["time"], found["time_sep"]
    layout, dash = ("ios", " - ") if found["open"] else ("android", found["dash"])
    named = "dm" if found["dm"] else "md"
    return Dialect(layout, " ", dash, clock.count(time_sep) == 2, clock[-1] in "mM.", time_sep, named=named)


def named_date_table(dates: Iterable[str], today: datetime) -> dict[str, datetime]:
    """Midnight of each date that names its month (`NAMED_DATES`).

    A date without a year is of the year the export was made in: the one after the last year
    written out, or, when none is (an export of one year's messages alone), `today`'s year, or
    the year before where that would put a message after `today`.
    Raises ValueError(date) for an unknown month word or a date that is not real.
    """
    parts: dict[str, tuple[int, int, int | None]] = {}
    for date in dates:
        found = _NAMED_DATE_PARTS.fullmatch(date)
        month = MONTH_WORDS.get((found[2] or found[3]).lower().rstrip(".")) if found else None
        if found is None or month is None:
            raise ValueError(date)
        parts[date] = (int(found[1] or found[4]), month, int(found[5]) if found[5] else None)
    years = [year for _, _, year in parts.values() if year is not None]
    if years:
        export_year = max(years) + 1
    else:
        export_year = today.year
        if any((month, day) > (today.month, today.day) for day, month, _ in parts.values()):
            export_year -= 1
    table: dict[str, datetime] = {}
    for date, (day, month, year) in parts.items():
        try:
            table[date] = datetime(export_year if year is None else year, month, day)
        except ValueError:
            raise ValueError(date) from None
    return table


def resolve_date_order(dates: Sequence[str], sep: str, forced: str | None = None) -> str:
    """``dmy``, ``mdy`` or ``ymd`` for a file's distinct dates, given in order of first appearance.

    A four-digit first field means year first, even where the user forced another order (which
    says which of day and month comes first: ``2025-11-14 4:29 a.m.`` read day first was no date at
    all, in a DiscordChatExporter page). Otherwise a first field above 12 can only be a
    day and a second field above 12 only a day; when every date fits both readings, the reading
    in which the dates run forward (the file is chronological) wins; where both do, the one in
    which they run closer together, step by step (a week of March, 3/2 to 3/9, rather than the 3rd
    of eight months running; `_reading`), and day first breaks a tie, being the more common order
    worldwide. `forced` (the user's choice) overrides all of this but a year first.
    """
    if any(len(date.split(sep, 1)[0]) == 4 for date in dates):
        return "ymd"  # a year first, whatever order the user gave for day and month
    if forced is not None:
        return forced
    firsts, seconds = [], []
    for date in dates:
        a, b, _ = date.split(sep)
        firsts.append(int(a))
        seconds.append(int(b))
    day_first = max(firsts, default=0) > 12
    month_first = max(seconds, default=0) > 12
    if day_first != month_first:
        return "dmy" if day_first else "mdy"
    if day_first:  # both readings are impossible somewhere; let validation name the date
        return "dmy"
    return "mdy" if _reading(dates, sep, "mdy") < _reading(dates, sep, "dmy") else "dmy"


def _reading(dates: Iterable[str], sep: str, order: str) -> tuple[int, float]:
    """How often the dates go back in time when read in `order` (invalid dates count too), and
    how far they travel from each to the next, each step counted by its order of magnitude
    (log(1 + days); an invalid date: infinitely far). By magnitude, so that one long silence does
    not outweigh the days around it: 12/06/2021 then 07/06/2024, 08/06/2024, 09/06/2024 read day
    first travel 1,091 + 1 + 1 days and month first 943 + 31 + 31, fewer in all, though it is the
    day that moves from each date to the next."""
    back, distance = 0, 0.0
    previous: tuple[int, int, int] | None = None
    for date in dates:
        key = _ymd(date, sep, order)
        if previous is not None:
            back += key < previous
            try:
                distance += log1p(abs((datetime(*key) - datetime(*previous)).days))
            except ValueError:
                distance = float("inf")
        previous = key
    return back, distance


def _ymd(date: str, sep: str, order: str) -> tuple[int, int, int]:
    a, b, c = (int(part) for part in date.split(sep))
    if order == "ymd":
        year, month, day = a, b, c
    elif order == "mdy":
        month, day, year = a, b, c
    else:
        day, month, year = a, b, c
    if year < 100:  # WhatsApp began in 2009: a two-digit year is this century
        year += 2000
    return year, month, day


def date_table(dates: Iterable[str], sep: str, order: str) -> dict[str, datetime]:
    """Midnight of each date string. Raises ValueError(date) for one that is not a real date."""
    table: dict[str, datetime] = {}
    for date in dates:
        try:
            table[date] = datetime(*_ymd(date, sep, order))
        except ValueError:
            raise ValueError(date) from None
    return table


def time_table(times: Iterable[str]) -> dict[str, timedelta]:
    """The time since midnight of each clock string. Raises ValueError(time) for an impossible one."""
    table: dict[str, timedelta] = {}
    for time in times:
        parts = _TIME_PARTS.fullmatch(time)
        if parts is None:
            raise ValueError(time)
        word, hour, minute = parts[1] or parts[6], int(parts[2]), int(parts[3])
        second = int(parts[4] or 0)
        # Some phones write a 24-hour reading beside the marker ("00:08 a. m.", "23:59 PM"): an
        # hour of 0 or above 12 can only be meant as it stands, so only 1-12 are moved by it.
        if (parts[5] or word) and 1 <= hour <= 12:
            afternoon = parts[5] in ("p", "P") or word in _PM_WORDS
            hour = hour % 12 + (12 if afternoon else 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(time)
        table[time] = timedelta(hours=hour, minutes=minute, seconds=second)
    return table
