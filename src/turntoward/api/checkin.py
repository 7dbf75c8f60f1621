"""Check-ins and time together: what ``turntoward checkin``, ``together`` and ``remind`` do, as functions.

Who answers is the store's "me" person unless `author` names someone else. Everything that
reads takes a `viewer` and hands back only the viewer's own records and what others shared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from turntoward.analysis.checkin_signs import CheckinSeries, checkin_signs
from turntoward.analysis.findings import PeriodMetrics, Sign
from turntoward.analysis.metrics import week_of
from turntoward.checkin import storage
from turntoward.checkin.ics import reminder, to_ics
from turntoward.checkin.instruments import Instrument, get_instrument, instruments
from turntoward.checkin.scoring import Answer, Score, help_needed, scores
from turntoward.checkin.series import checkin_series
from turntoward.checkin.storage import Checkin, TogetherEntry
from turntoward.errors import UsageError
from turntoward.store import Store


@dataclass(frozen=True)
class CheckinResult:
    """A completed check-in with its scores, and the help text its answers call for (if any)."""

    checkin: Checkin
    scores: dict[str, Score]
    help: str | None


@dataclass(frozen=True)
class TogetherBalance:
    """Time together over recent weeks, in person and online (seed essay 002)."""

    weeks: int
    in_person_minutes: int
    online_minutes: int

    @property
    def in_person_share(self) -> float | None:
        total = self.in_person_minutes + self.online_minutes
        return self.in_person_minutes / total if total else None


def list_instruments() -> list[Instrument]:
    """Every check-in instrument, by id."""
    return [instruments()[key] for key in sorted(instruments())]


def begin_checkin(
    store: Store, instrument: str, *, author: str | None = None, about: str | None = None
) -> tuple[Checkin, Instrument]:
    """The author's unfinished check-in of `instrument` about `about`, or a new one: resumable."""
    chosen = get_instrument(instrument)
    who = storage.person_name(store, author)
    whom = storage.person_name(store, about) if about else None
    return storage.start_or_resume(store, chosen, who, whom), chosen


def answer_checkin(store: Store, checkin_id: int, item: str, value: Answer, *, author: str | None = None) -> Checkin:
    """Save one answer of a draft (None: skipped / prefer not to say)."""
    return storage.answer(store, checkin_id, item, value, author=storage.person_name(store, author))


def finish_checkin(
    store: Store, checkin_id: int, *, author: str | None = None, share: bool = False, when: datetime | None = None
) -> CheckinResult:
    """Complete a draft, optionally sharing it, and score it."""
    done = storage.complete(store, checkin_id, author=storage.person_name(store, author), share=share, now=when)
    return _result(done)


def record_checkin(
    store: Store,
    instrument: str,
    answers: Mapping[str, Answer],
    *,
    author: str | None = None,
    about: str | None = None,
    share: bool = False,
    when: datetime | None = None,
) -> CheckinResult:
    """Record a whole, completed check-in at once (scripts, research imports, tests).

    Questions left out count as missing; unknown questions and off-scale answers are refused.
    """
    chosen = get_instrument(instrument)
    who = storage.person_name(store, author)
    whom = storage.person_name(store, about) if about else None
    return _result(storage.record(store, chosen, who, whom, dict(answers), share=share, now=when))


def share_checkin(store: Store, checkin_id: int, *, author: str | None = None, shared: bool = True) -> Checkin:
    """Share one of your completed check-ins (or stop sharing it)."""
    return storage.set_shared(store, checkin_id, author=storage.person_name(store, author), shared=shared)


def list_checkins(
    store: Store, *, viewer: str | None = None, about: str | None = None, drafts: bool = False
) -> list[CheckinResult]:
    """The check-ins `viewer` may see (own ones, and others' shared ones), scored, oldest first."""
    who = storage.person_name(store, viewer)
    return [_result(c) for c in storage.visible_checkins(store, viewer=who, about=about, drafts=drafts)]


def _result(checkin: Checkin) -> CheckinResult:
    instrument = get_instrument(checkin.instrument)
    found = scores(instrument, checkin.answers)
    return CheckinResult(checkin, found, None if checkin.is_draft else help_needed(instrument, found))


def log_time_together(
    store: Store,
    minutes: int,
    *,
    in_person: bool,
    with_person: str | None = None,
    what: str = "",
    when: datetime | None = None,
    author: str | None = None,
    share: bool = False,
) -> TogetherEntry:
    """Log time spent together, in person or online."""
    who = storage.person_name(store, author)
    whom = storage.person_name(store, with_person) if with_person else None
    return storage.log_together(
        store, author=who, minutes=minutes, in_person=in_person, with_person=whom, what=what, when=when, share=share
    )


def time_together(store: Store, *, viewer: str | None = None, with_person: str | None = None) -> list[TogetherEntry]:
    """The time-together entries `viewer` may see, oldest first."""
    who = storage.person_name(store, viewer)
    return storage.visible_together(store, viewer=who, with_person=with_person)


def together_balance(
    store: Store,
    *,
    viewer: str | None = None,
    with_person: str | None = None,
    weeks: int = 8,
    today: date | None = None,
) -> TogetherBalance:
    """The viewer's own logged time over the last `weeks` weeks, in person against online."""
    who = storage.person_name(store, viewer)
    since = datetime.combine((today or date.today()) - timedelta(weeks=weeks), datetime.min.time())
    entries = [
        t
        for t in storage.visible_together(store, viewer=who, with_person=with_person)
        if t.author == who and t.started_at >= since
    ]
    return TogetherBalance(
        weeks=weeks,
        in_person_minutes=sum(t.minutes for t in entries if t.in_person),
        online_minutes=sum(t.minutes for t in entries if not t.in_person),
    )


def checkin_findings(
    store: Store,
    *,
    viewer: str | None = None,
    about: str | None = None,
    weekly_chat_metrics: Mapping[str, Sequence[PeriodMetrics]] | None = None,
) -> dict[str, Sign]:
    """The four check-in signs of disconnection for `viewer`, from what they may see.

    Without `weekly_chat_metrics`, the stored one-to-one chats with `about` (if any) are
    counted week by week, so the evidence can say what the messages did when the check-ins turned.
    """
    series = checkin_series(store, viewer, about=about)
    if weekly_chat_metrics is None and about is not None:
        whom = storage.person_name(store, about)
        weekly_chat_metrics = {whom: chat_weeks(store, whom)}
    return checkin_signs(series, weekly_chat_metrics)


def chat_weeks(store: Store, person: str) -> list[PeriodMetrics]:
    """Messages per week (empty weeks included) across the stored one-to-one chats with `person`."""
    counts: dict[date, int] = {}
    for stored in store.conversations():
        if len(stored.people) > 2 or person.casefold() not in {p.casefold() for p in stored.people}:
            continue
        for message in store.load_conversation(stored.id).messages:
            week = week_of(message.ts)
            counts[week] = counts.get(week, 0) + 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    weeks = (last - first).days // 7 + 1
    return [
        PeriodMetrics(period=day, person=None, messages=counts.get(day, 0))
        for day in (first + timedelta(weeks=w) for w in range(weeks))
    ]


def write_reminder(
    path: str | Path,
    every: str,
    *,
    at: str = "19:00",
    day: str | None = None,
    instrument: str | None = None,
    about: str | None = None,
    today: date | None = None,
) -> Path:
    """Write a recurring calendar event (.ics) that reminds to run ``turntoward checkin``."""
    command = "turntoward checkin"
    if instrument:
        command += f" --instrument {get_instrument(instrument).id}"
    if about:
        command += f' --about "{about}"'
    text = to_ics(reminder(every, at, day, command), today=today or date.today())
    target = Path(path).expanduser()
    try:
        target.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise UsageError(f"{target}: cannot write the reminder ({exc.strerror})") from exc
    return target


__all__ = [
    "CheckinResult",
    "CheckinSeries",
    "TogetherBalance",
    "answer_checkin",
    "begin_checkin",
    "chat_weeks",
    "checkin_findings",
    "checkin_series",
    "finish_checkin",
    "list_checkins",
    "list_instruments",
    "log_time_together",
    "record_checkin",
    "share_checkin",
    "time_together",
    "together_balance",
    "write_reminder",
]
