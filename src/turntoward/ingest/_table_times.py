"""The times of a table of messages, in the shapes real tables write them.

Tools and converters write a message's time in many shapes: ISO 8601 (``2024-03-12T21:04:05``,
with or without an offset), a Unix time in seconds or milliseconds, a date and a clock in
columns of their own (``1/9/25`` beside ``3:31:13 AM``, ``2018-03-26`` beside ``12:57 AM``:
WhatsApp-to-CSV converters), ``21/12/20 21:32``, ``05-Apr-20 02:22 PM`` (DiscordChatExporter's
older CSV), ``Apr 21, 2012 4:10:17 PM``, ``2023-04-22 08:18:59 UTC`` (LinkedIn's export).
`read_times` reads all of these. The day/month order of numeric dates cannot be read from one
cell, so it is decided over the whole column as for WhatsApp (`resolve_date_order`: a day above
12 settles it, else the order in which the dates run forward), unless the user gives it
(``--date-order``). Month names are English. A time in UTC or with an offset becomes this
machine's local time, as everywhere else in the table importer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from turntoward.ingest._whatsapp_dates import date_table, resolve_date_order, time_table

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_CLOCK = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:[.,]\d+)?(?:\s?[aApP]\.?\s?[mM]\.?)?"
_ZONE = r"(?:\s*(?P<zone>UTC|GMT|Z))?"
_NUMERIC = re.compile(
    rf"(?P<a>\d{{1,4}})(?P<sep>[./-])(?P<b>\d{{1,2}})(?P=sep)(?P<c>\d{{2,4}})\.?(?:(?:,\s*|\s+|T)(?P<time>{_CLOCK}))?{_ZONE}"
)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAMED = re.compile(
    r"(?:[A-Za-z]{3,9},?\s+)?"  # a weekday
    r"(?:(?P<d1>\d{1,2})[\s-](?P<m1>[A-Za-z]{3,9})\.?[\s,-]+(?P<y1>\d{2,4})"  # 05-Apr-20, 21 Jun. 2015
    r"|(?P<m2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4}))"  # Apr 21, 2012
    rf"(?:(?:,\s*|\s+|T)(?P<time>{_CLOCK}))?{_ZONE}"
)
_TWITTER = re.compile(
    r"[A-Za-z]{3} (?P<m>[A-Za-z]{3}) (?P<d>\d{1,2}) (?P<time>\d{2}:\d{2}:\d{2}) (?P<zone>[+-]\d{4}) (?P<y>\d{4})")
"""Twitter's ``created_at`` (``Tue Oct 31 22:10:47 +0000 2017``), which its API and the corpora built
on it (Customer Support on Twitter) write."""
_FRACTION = re.compile(r"(\d{2}[:.]\d{2}[:.]\d{2})[.,]\d+")
HAS_CLOCK = re.compile(r"\d:\d\d")
"""A cell that holds a clock time of its own ("2021-03-04 00:00:00", "9:04 PM")."""
_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")
_DATED_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)")


def epoch(number: float) -> datetime | None:
    """Local time of a Unix time in seconds, milliseconds, microseconds or nanoseconds (told apart by size)."""
    if not math.isfinite(number):
        return None
    # Seconds are ~1.7e9 today; milliseconds ~1.7e12, microseconds ~1.7e15, nanoseconds ~1.7e18.
    for threshold, scale in ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3)):
        if abs(number) >= threshold:
            number /= scale
            break
    try:
        return datetime.fromtimestamp(number)
    except (OverflowError, OSError, ValueError):
        return None


def iso_or_epoch(value: object) -> datetime | None:
    """Naive local time of a cell holding ISO 8601, a Unix time or a date/datetime value; else None."""
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return epoch(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _NUMBER.fullmatch(text):
        return epoch(float(text))
    if text.endswith((" UTC", " GMT")):
        text = text[:-4] + "+00:00"
    try:
        return _local(datetime.fromisoformat(text))
    except ValueError:
        return None


def _local(value: datetime) -> datetime:
    return value.astimezone().replace(tzinfo=None) if value.tzinfo else value


def read_times(
    cells: Sequence[object], clocks: Sequence[object] | None = None, date_order: str | None = None
) -> list[datetime | None]:
    """Naive local time of every cell (None where it holds no time). `clocks`, the cells of a
    column of clock times, completes the cells that hold only a date."""
    out: list[datetime | None] = [None] * len(cells)
    numeric: list[tuple[int, str, str, bool]] = []  # row, "a/b/c", clock, in UTC
    fromisoformat, number = datetime.fromisoformat, _NUMBER.fullmatch
    for row, cell in enumerate(cells):
        clock = _clock_text(clocks[row]) if clocks is not None else ""
        if not clock and cell.__class__ is str and not number(cell):  # most tables: ISO 8601 throughout
            try:
                iso = fromisoformat(cell)
                out[row] = _local(iso) if iso.tzinfo else iso
                continue
            except ValueError:
                pass
        if isinstance(cell, str) and clock and _MIDNIGHT.search(cell):
            # a date column written with a midnight clock beside a column of clock times (a pandas
            # round trip: "2022-03-28 00:00:00" next to the clock, which may carry another day's date)
            cell = _MIDNIGHT.sub("", cell)
        if isinstance(cell, date) and not isinstance(cell, datetime) and clock:
            cell = f"{cell.isoformat()} {clock}"
        elif isinstance(cell, str) and clock and not number(cell.strip()) and not HAS_CLOCK.search(cell):
            cell = f"{cell.strip()} {clock}"
        found = iso_or_epoch(cell)
        if found is not None or not isinstance(cell, str):
            out[row] = found
            continue
        text = _FRACTION.sub(r"\1", cell.strip())
        match = _NUMERIC.fullmatch(text)
        if match:
            numeric.append((row, f"{match['a']}/{match['b']}/{match['c']}", match["time"] or "", bool(match["zone"])))
            continue
        match = _NAMED.fullmatch(text)
        if match:
            out[row] = _named(match)
            continue
        match = _TWITTER.fullmatch(text)
        if match:
            out[row] = _twitter(match)
    if numeric:
        _read_numeric(numeric, date_order, out)
    return out


def _clock_text(value: object) -> str:
    """The clock time in a cell of the time column; where the cell holds a whole timestamp (a
    pandas round trip gives the clock the day it ran), its clock alone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.time().isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, date):  # a datetime.time from Parquet
        return value.isoformat()
    text = str(value).strip()
    dated = _DATED_CLOCK.fullmatch(text)
    return dated[1] if dated else text


def _read_numeric(numeric: list[tuple[int, str, str, bool]], date_order: str | None,
                  out: list[datetime | None]) -> None:
    distinct = list(dict.fromkeys(d for _, d, _, _ in numeric))
    order = resolve_date_order(distinct, "/", date_order)
    days: dict[str, datetime | None] = {}
    for d in distinct:
        try:
            days[d] = date_table([d], "/", order)[d]
        except ValueError:
            days[d] = None
    clocks: dict[str, timedelta | None] = {}
    for _, _, clock, _ in numeric:
        if clock and clock not in clocks:
            try:
                clocks[clock] = time_table([clock])[clock]
            except ValueError:
                clocks[clock] = None
    for row, d, clock, utc in numeric:
        day, since_midnight = days[d], clocks.get(clock) if clock else None
        if day is None or (clock and since_midnight is None):
            continue
        when = day + since_midnight if since_midnight is not None else day
        out[row] = _local(when.replace(tzinfo=UTC)) if utc else when


def _month(name: str) -> int | None:
    """The month (1-12) an English month name or its three letters names; None for anything else."""
    name = name.lower()
    return next((i for i, month in enumerate(_MONTH_NAMES, start=1) if name.startswith(month)), None)


def _named(match: re.Match[str]) -> datetime | None:
    month = _month(match["m1"] or match["m2"])
    day, year = int(match["d1"] or match["d2"]), int(match["y1"] or match["y2"])
    if month is None:
        return None
    if year < 100:
        year += 2000
    try:
        when = datetime(year, month, day)
        if match["time"]:
            when += time_table([match["time"]])[match["time"]]
    except ValueError:
        return None
    return _local(when.replace(tzinfo=UTC)) if match["zone"] else when


def _twitter(match: re.Match[str]) -> datetime | None:
    month = _month(match["m"])
    if month is None:
        return None
    try:
        return _local(datetime.fromisoformat(
            f"{match['y']}-{month:02d}-{int(match['d']):02d}T{match['time']}{match['zone']}"))
    except ValueError:
        return None
