"""Reminders are calendar files any calendar imports: RFC 5545 text with a recurrence rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from turntoward.checkin import reminder, to_ics
from turntoward.checkin.ics import fold
from turntoward.errors import UsageError

WEDNESDAY = date(2025, 3, 5)
STAMP = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)


def unfolded(text: str) -> dict[str, str]:
    """The calendar's properties, continuation lines joined back (RFC 5545 section 3.1)."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    props: dict[str, str] = {}
    for line in text.replace("\r\n ", "").split("\r\n"):
        if line and not line.startswith(("BEGIN", "END")):
            name, value = line.split(":", 1)
            props.setdefault(name, value)  # the event's own, not its alarm's
    return props


def test_a_weekly_reminder_recurs_on_sunday_evenings_from_this_week() -> None:
    props = unfolded(to_ics(reminder("week"), today=WEDNESDAY, stamp=STAMP))
    assert props["RRULE"] == "FREQ=WEEKLY;BYDAY=SU"
    assert props["DTSTART"] == "20250309T190000"  # the coming Sunday, floating local time
    assert props["DTSTAMP"] == "20250305T120000Z"
    assert "turntoward checkin" in props["DESCRIPTION"]


def test_fortnightly_and_monthly_reminders() -> None:
    fortnight = unfolded(to_ics(reminder("fortnight", at="08:15", day="wed"), today=WEDNESDAY, stamp=STAMP))
    assert fortnight["RRULE"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"
    assert fortnight["DTSTART"] == "20250305T081500"
    assert unfolded(to_ics(reminder("month"), today=WEDNESDAY, stamp=STAMP))["RRULE"] == "FREQ=MONTHLY"


def test_writing_the_same_reminder_again_keeps_its_uid() -> None:
    first = unfolded(to_ics(reminder("week"), today=WEDNESDAY, stamp=STAMP))["UID"]
    later = unfolded(to_ics(reminder("week"), today=date(2025, 6, 1), stamp=STAMP))["UID"]
    other = unfolded(to_ics(reminder("week", day="mon"), today=WEDNESDAY, stamp=STAMP))["UID"]
    assert first == later != other


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    line = "DESCRIPTION:" + "Zeit für euch – " * 10
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_commas_and_semicolons_in_text_are_escaped() -> None:
    text = to_ics(reminder("week", command='turntoward checkin --about "Jo, Sam; Kim"'), today=WEDNESDAY)
    assert "Jo\\, Sam\\; Kim" in text.replace("\r\n ", "")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every": "hourly"}, "--every"),
        ({"every": "week", "at": "7pm"}, "--at"),
        ({"every": "week", "day": "funday"}, "--day"),
    ],
)
def test_reminders_refuse_what_they_cannot_schedule(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        reminder(**kwargs)
