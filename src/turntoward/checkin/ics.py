"""Reminders as calendar files: one recurring event (RFC 5545) that any calendar app imports.

No daemon runs: the calendar reminds, and the person runs ``turntoward checkin``. Times are
"floating" local times (no time zone), so the reminder stays at 19:00 wherever the calendar is.
The UID is derived from what the reminder is for, so writing it again and importing it again
updates the event instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from hashlib import sha1

from turntoward.errors import UsageError

FREQUENCIES = {"day": ("DAILY", 1), "week": ("WEEKLY", 1), "fortnight": ("WEEKLY", 2), "month": ("MONTHLY", 1)}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Reminder:
    """A recurring check-in reminder: how often, on which weekday, at what time, and what to run."""

    every: str
    at: time
    weekday: int | None
    command: str
    minutes: int = 10

    def first(self, today: date) -> datetime:
        """The first occurrence on or after `today`."""
        day = today
        if self.weekday is not None:
            day = today + timedelta(days=(self.weekday - today.weekday()) % 7)
        return datetime.combine(day, self.at)


def reminder(every: str, at: str = "19:00", day: str | None = None, command: str = "turntoward checkin") -> Reminder:
    """Check the user's words ("week", "19:00", "sun") and build a `Reminder`."""
    if every not in FREQUENCIES:
        raise UsageError(f"--every {every!r}: expected one of {', '.join(FREQUENCIES)}")
    try:
        clock = time.fromisoformat(at)
    except ValueError as exc:
        raise UsageError(f"--at {at!r}: expected a time like 19:00") from exc
    weekday = None
    if day is not None:
        if day.lower()[:3] not in DAYS:
            raise UsageError(f"--day {day!r}: expected one of {', '.join(DAYS)}")
        if every == "day":
            raise UsageError("--day does not fit --every day")
        weekday = DAYS.index(day.lower()[:3])
    elif every in ("week", "fortnight"):
        weekday = 6  # Sunday evening: a quiet moment to look back at the week
    return Reminder(every, clock.replace(second=0, microsecond=0), weekday, command)


def to_ics(r: Reminder, *, today: date, stamp: datetime | None = None) -> str:
    """The VCALENDAR text (CRLF line ends, lines folded at 75 octets) for `r`."""
    freq, interval = FREQUENCIES[r.every]
    rule = f"FREQ={freq}"
    if interval > 1:
        rule += f";INTERVAL={interval}"
    if r.weekday is not None and freq == "WEEKLY":
        rule += f";BYDAY={_BYDAY[r.weekday]}"
    start = r.first(today)
    end = start + timedelta(minutes=r.minutes)
    stamp = stamp or datetime.now(UTC)
    uid = sha1(f"{r.every}|{r.weekday}|{r.at}|{r.command}".encode()).hexdigest()[:20]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//turntoward//check-in reminder//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{uid}@turntoward.local",
        f"DTSTAMP:{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART:{start:%Y%m%dT%H%M%S}",
        f"DTEND:{end:%Y%m%dT%H%M%S}",
        f"RRULE:{rule}",
        f"SUMMARY:{escape_text('Check-in: how are we doing?')}",
        "DESCRIPTION:"
        + escape_text(
            f"Gauge the bond in your close relationships on a regular basis. In a terminal, run: {r.command}"
        ),
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text('Time for your check-in')}",
        "TRIGGER:PT0M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and newline."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        # Continuation lines start with a space, which counts toward their 75 octets.
        limit = 75 if not out else 74
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)
