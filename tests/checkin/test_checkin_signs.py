"""The four check-in signs: where the check-ins stand, whether they rose, and what the chats did then."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from turntoward.analysis.checkin_signs import (
    CheckinReading,
    CheckinSeries,
    TimeTogether,
    change_point,
    checkin_signs,
)
from turntoward.analysis.findings import PeriodMetrics, Status

LONELINESS = "Three-item loneliness scale"


def lonely(day: date, score: int, author: str = "Alex") -> CheckinReading:
    """A loneliness check-in (3..9, watch 6, concern 8) as the store would hand it over."""
    return CheckinReading(
        ts=datetime.combine(day, datetime.min.time()).replace(hour=21),
        sign="lonely",
        instrument=LONELINESS,
        score=score,
        low=3,
        high=9,
        level=(score - 3) / 6,
        watch=0.5,
        concern=5 / 6,
        author=author,
        about="Sam",
    )


def fortnightly(scores: list[int], start: date = date(2025, 1, 5)) -> list[CheckinReading]:
    return [lonely(start + timedelta(weeks=2 * i), s) for i, s in enumerate(scores)]


def weekly_chat(before: int, after: int, turn: date) -> list[PeriodMetrics]:
    monday = date(2024, 12, 30)
    return [
        PeriodMetrics(
            period=monday + timedelta(weeks=w),
            person=None,
            messages=before if monday + timedelta(weeks=w) < turn else after,
        )
        for w in range(30)
    ]


def test_loneliness_rising_since_march_is_named_with_the_chat_halving() -> None:
    readings = fortnightly([3, 4, 3, 4, 7, 8, 8, 9])  # turns with the check-in of 2 March 2025
    chats = {"Sam": weekly_chat(before=42, after=20, turn=date(2025, 3, 3))}
    sign = checkin_signs(CheckinSeries("Alex", readings), chats)["lonely"]
    assert sign.status is Status.CONCERN
    assert "your check-ins say you have felt lonely more often since March 2025" in sign.evidence
    assert "messages with Sam halved since March (from about 42 to 20 a week)" in sign.evidence
    assert sign.trends[0].tau > 0 and sign.trends[0].p_value < 0.05


def test_steady_low_loneliness_is_ok_whatever_the_chats_do() -> None:
    readings = fortnightly([3, 4, 3, 3, 4, 3])
    chats = {"Sam": weekly_chat(before=42, after=10, turn=date(2025, 2, 3))}
    sign = checkin_signs(CheckinSeries("Alex", readings), chats)["lonely"]
    assert sign.status is Status.OK
    assert "messages with Sam" not in sign.evidence


def test_high_but_steady_loneliness_is_still_a_concern() -> None:
    sign = checkin_signs(CheckinSeries("Alex", fortnightly([8, 9, 8, 9, 8])))["lonely"]
    assert sign.status is Status.CONCERN
    assert "no clear rise" in sign.evidence


def test_too_few_check_ins_say_where_things_stand_but_claim_no_trend() -> None:
    sign = checkin_signs(CheckinSeries("Alex", fortnightly([6, 7])))["lonely"]
    assert sign.status is Status.WATCH  # 7 is past the watch line of 6
    assert "needed to see a trend" in sign.evidence and not sign.trends


def test_signs_nobody_asked_about_say_so() -> None:
    signs = checkin_signs(CheckinSeries("Alex", fortnightly([3, 3])))
    assert set(signs) == {"less_time_together", "guard_up", "lonely", "needs_unmet"}
    assert signs["needs_unmet"].status is Status.OK
    assert "no check-in has asked" in signs["needs_unmet"].evidence


def test_a_partners_shared_check_ins_are_read_as_theirs() -> None:
    readings = [lonely(r.ts.date(), int(r.score), author="Sam") for r in fortnightly([3, 4, 3, 4, 7, 8, 8, 9])]
    series = CheckinSeries("Alex", readings)
    assert checkin_signs(series)["lonely"].status is Status.OK  # none of Alex's own
    assert "Sam's shared check-ins say" in checkin_signs(series, author="Sam")["lonely"].evidence


def test_time_together_falling_by_half_is_less_time_together() -> None:
    start = datetime(2025, 1, 4, 19)
    entries = [TimeTogether(start + timedelta(weeks=w), 240 if w < 6 else 90, True, "Alex", "Sam") for w in range(12)]
    sign = checkin_signs(CheckinSeries("Alex", together=entries))["less_time_together"]
    assert sign.status is Status.CONCERN
    assert "from about 240 to 90 minutes a week" in sign.evidence


def test_online_time_replacing_time_in_person_is_worth_watching() -> None:
    start = datetime(2025, 1, 4, 19)
    entries = [
        TimeTogether(start + timedelta(weeks=w), 120, in_person=w < 4, author="Alex", with_person="Sam")
        for w in range(8)
    ]
    sign = checkin_signs(CheckinSeries("Alex", together=entries))["less_time_together"]
    assert sign.status is Status.WATCH
    assert "in person: 100% of your time together at first, 0% lately" in sign.evidence


def test_the_change_point_is_where_the_level_stepped_up() -> None:
    days = [datetime(2025, 1, 1) + timedelta(weeks=w) for w in range(6)]
    assert change_point(days, [0.1, 0.1, 0.2, 0.7, 0.8, 0.7]) == date(2025, 1, 22)
    assert change_point(days, [0.8, 0.7, 0.6, 0.5, 0.4, 0.3]) is None


def test_a_wobble_is_not_told_as_a_change() -> None:
    sign = checkin_signs(CheckinSeries("Alex", fortnightly([3, 4, 3, 4, 4, 3, 5, 4])))["lonely"]
    assert "since" not in sign.evidence and "no clear rise" in sign.evidence
    assert sign.status is Status.OK
