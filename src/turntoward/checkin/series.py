"""What the analysis and the report may read of check-ins: one viewer's series.

`checkin_series` is the only door from stored answers to findings: it returns the viewer's own
completed check-ins and time together plus what others shared, scored and turned into
`CheckinReading`s for `turntoward.analysis.checkin_signs`. Drafts and unshared answers of
anyone else never pass through it.
"""

from __future__ import annotations

from turntoward.analysis.checkin_signs import CheckinReading, CheckinSeries, TimeTogether
from turntoward.checkin.instruments import instruments
from turntoward.checkin.scoring import scores, sign_levels
from turntoward.checkin.storage import person_name, visible_checkins, visible_together
from turntoward.store import Store


def checkin_series(store: Store, viewer: str | None = None, *, about: str | None = None) -> CheckinSeries:
    """The check-in readings and time together that `viewer` (default: "me") may see.

    `about` keeps check-ins about one person and time spent with them.
    """
    who = person_name(store, viewer)
    known = instruments()
    series = CheckinSeries(viewer=who)
    for checkin in visible_checkins(store, viewer=who, about=about):
        instrument = known.get(checkin.instrument)
        if instrument is None or checkin.completed_at is None:
            continue
        found = scores(instrument, checkin.answers)
        for level in sign_levels(instrument, found):
            score = found[level.score]
            series.readings.append(
                CheckinReading(
                    ts=checkin.completed_at,
                    sign=level.sign,
                    instrument=instrument.title,
                    score=round(level.value, 2),
                    low=score.low,
                    high=score.high,
                    level=level.level,
                    watch=level.watch,
                    concern=level.concern,
                    author=checkin.author,
                    about=checkin.about,
                    checkin_id=checkin.id,
                )
            )
    series.readings.sort(key=lambda r: r.ts)
    series.together = [
        TimeTogether(t.started_at, t.minutes, t.in_person, t.author, t.with_person, t.what)
        for t in visible_together(store, viewer=who, with_person=about)
    ]
    return series
