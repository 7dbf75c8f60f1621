"""Four of the five signs of disconnection, read from check-ins and the time-together log.

Seed essay 001 names five signs; the first (talk gets rarer and shallower) is read from chats
in `turntoward.analysis.signs`. The other four need people to be asked: "less time together",
"guard up" (not feeling safe), "lonely though not alone" and "needs unmet". Each check-in
reading is a level from 0 (sign absent) to 1 (as strong as its scale goes), with the
instrument's own watch and concern lines on the same 0-1 scale. A sign's status is the worse
of where the latest check-ins stand and whether they have been rising (Mann-Kendall, with a
time-aware Theil-Sen slope). When they rose, the point where they turned is found and the
chats with the same person are compared before and after it, so the evidence can say "and
messages with Sam halved since March".

Pure: records in, `Sign`s out. Cut-offs are in ``checkin_thresholds.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from statistics import median

from turntoward.analysis.findings import PeriodMetrics, Sign, Status, Trend
from turntoward.analysis.signs import mann_kendall, trend

CHECKIN_SIGNS = ("less_time_together", "guard_up", "lonely", "needs_unmet")

# How each sign reads when it has grown, in the essay's words.
_GREW = {
    "less_time_together": "spent less time together than you used to",
    "guard_up": "had your guard up, or not felt safe, more often",
    "lonely": "felt lonely more often",
    "needs_unmet": "felt your needs were met less",
}
_NAMES = {
    "less_time_together": "less time together",
    "guard_up": "guard up / not feeling safe",
    "lonely": "lonely though not alone",
    "needs_unmet": "needs not met",
}


@dataclass(frozen=True, slots=True)
class CheckinReading:
    """What one completed check-in says about one sign."""

    ts: datetime
    sign: str
    instrument: str
    """The instrument's title, for evidence."""
    score: float
    low: float
    high: float
    level: float
    watch: float
    concern: float
    author: str
    about: str | None = None
    checkin_id: int | None = None


@dataclass(frozen=True, slots=True)
class TimeTogether:
    """A stretch of time spent with someone, in person or online."""

    ts: datetime
    minutes: int
    in_person: bool
    author: str
    with_person: str | None = None
    what: str = ""


@dataclass(slots=True)
class CheckinSeries:
    """The check-in readings and time-together entries one viewer may see, oldest first."""

    viewer: str
    readings: list[CheckinReading] = field(default_factory=list)
    together: list[TimeTogether] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CheckinThresholds:
    min_readings: int
    watch_p: float
    concern_p: float
    watch_rise: float
    concern_rise: float
    together_min_weeks: int
    together_watch_p: float
    together_concern_p: float
    together_watch_drop: float
    together_concern_drop: float
    in_person_drop: float
    chat_mention_drop: float


@cache
def checkin_thresholds() -> CheckinThresholds:
    doc = tomllib.loads(resources.files("turntoward.analysis").joinpath("checkin_thresholds.toml").read_text("utf-8"))
    flat = dict(doc["checkins"])
    flat.update({f"together_{k}": v for k, v in doc["together"].items() if k != "in_person_drop"})
    flat["in_person_drop"] = doc["together"]["in_person_drop"]
    flat["chat_mention_drop"] = doc["chats"]["mention_drop"]
    return CheckinThresholds(**flat)


def checkin_signs(
    series: CheckinSeries,
    weekly_chat_metrics: Mapping[str, Sequence[PeriodMetrics]] | None = None,
    *,
    author: str | None = None,
    thresholds: CheckinThresholds | None = None,
) -> dict[str, Sign]:
    """The four check-in signs for `author` (the viewer by default), each with its evidence.

    `weekly_chat_metrics` maps a person's name to the weekly metrics of the chat with them
    (`ConversationAnalysis.weekly`); the whole-chat rows (person None) are compared before and
    after the check-ins turned.
    """
    th = thresholds or checkin_thresholds()
    who = author or series.viewer
    mine = sorted((r for r in series.readings if r.author == who), key=lambda r: r.ts)
    whose = "your" if who == series.viewer else f"{who}'s shared"
    chats = weekly_chat_metrics or {}
    out = {}
    for sign in CHECKIN_SIGNS:
        readings = [r for r in mine if r.sign == sign]
        found = _from_readings(sign, readings, whose, chats, th)
        if sign == "less_time_together":
            found = _with_time_together(found, [t for t in series.together if t.author == who], th)
        out[sign] = found
    return out


def _from_readings(
    sign: str,
    readings: list[CheckinReading],
    whose: str,
    chats: Mapping[str, Sequence[PeriodMetrics]],
    th: CheckinThresholds,
) -> Sign:
    if not readings:
        return Sign(sign, Status.OK, f"no check-in has asked about {_NAMES[sign]} yet")
    levels = [r.level for r in readings]
    q = max(1, len(readings) // 4)
    recent = readings[-q:]
    level_now = sum(r.level for r in recent) / q
    watch = sum(r.watch for r in recent) / q
    concern = sum(r.concern for r in recent) / q
    status = Status.CONCERN if level_now >= concern else Status.WATCH if level_now >= watch else Status.OK
    latest = readings[-1]
    standing = (
        f"latest {latest.instrument}: {latest.score:g} on its {latest.low:g}-{latest.high:g} scale, "
        f"{latest.ts:%d %b %Y}"
    )
    if len(readings) < th.min_readings:
        note = f"{whose} check-ins put this at {level_now:.0%} of the scale ({standing}); "
        note += f"{th.min_readings} check-ins are needed to see a trend"
        return Sign(sign, status, note)
    rising = level_trend(f"{_NAMES[sign]} level per check-in (0-1)", readings)
    rise = rising.last_level - rising.first_level
    rose = rising.tau > 0 and rising.p_value < th.watch_p and rise >= th.watch_rise
    if rose and rising.p_value < th.concern_p and rise >= th.concern_rise:
        status = Status.CONCERN
    elif rose and status is Status.OK:
        status = Status.WATCH
    # Only a rise the test supports is told as a change "since" a date.
    turn = change_point([r.ts for r in readings], levels) if rose else None
    if turn is not None:
        since = turn
        evidence = (
            f"{whose} check-ins say you have {_GREW[sign]} since {since:%B %Y} (from about "
            f"{rising.first_level:.0%} to {rising.last_level:.0%} of the scale over {len(readings)} check-ins; "
            f"Mann-Kendall tau {rising.tau:+.2f}, p = {rising.p_value:.3f}; {standing})"
        )
        abouts = [r.about for r in readings if r.about]
        evidence += _chat_change(abouts[-1] if abouts else None, since, chats, th)
    else:
        evidence = (
            f"{whose} check-ins put this at {level_now:.0%} of the scale, with no clear rise over "
            f"{len(readings)} check-ins (tau {rising.tau:+.2f}, p = {rising.p_value:.3f}; {standing})"
        )
    return Sign(sign, status, evidence, [rising])


def level_trend(name: str, readings: Sequence[CheckinReading]) -> Trend:
    """Mann-Kendall over the readings in time order, with a Theil-Sen slope per week of real time."""
    levels = [r.level for r in readings]
    tau, p = mann_kendall(levels)
    weeks = [(r.ts - readings[0].ts) / timedelta(weeks=1) for r in readings]
    slopes = [
        (levels[j] - levels[i]) / (weeks[j] - weeks[i])
        for i in range(len(levels) - 1)
        for j in range(i + 1, len(levels))
        if weeks[j] > weeks[i]
    ]
    q = max(1, len(levels) // 4)
    return Trend(
        series=name,
        n=len(levels),
        tau=round(tau, 3),
        p_value=round(p, 4),
        slope_per_week=round(median(slopes), 4) if slopes else 0.0,
        first_level=round(sum(levels[:q]) / q, 3),
        last_level=round(sum(levels[-q:]) / q, 3),
    )


def change_point(times: Sequence[datetime], values: Sequence[float]) -> date | None:
    """The date from which `values` stand highest above what came before (one split, least squares).

    The split maximises ``k(n-k)/n * (mean after - mean before)^2``, the between-group sum of
    squares; None when nothing rose.
    """
    n = len(values)
    total = sum(values)
    best, best_k, running = 0.0, None, 0.0
    for k in range(1, n):
        running += values[k - 1]  # sum of values[:k], kept as we go: one pass
        diff = (total - running) / (n - k) - running / k
        gain = k * (n - k) / n * diff * diff
        if diff > 0 and gain > best:
            best, best_k = gain, k
    return times[best_k].date() if best_k is not None else None


def _chat_change(
    about: str | None, since: date, chats: Mapping[str, Sequence[PeriodMetrics]], th: CheckinThresholds
) -> str:
    """ ", and messages with Sam halved since March (...)" when the chat fell as much; else ""."""
    if not about or about not in chats:
        return ""
    rows = [r for r in chats[about] if r.person is None]
    before = [r.messages for r in rows if r.period < since]
    after = [r.messages for r in rows if r.period >= since]
    if not before or not after:
        return ""
    was, now = sum(before) / len(before), sum(after) / len(after)
    if was <= 0 or now > was * (1 - th.chat_mention_drop):
        return ""
    return f", and messages with {about} {_fell(now / was)} since {since:%B} (from about {was:.0f} to {now:.0f} a week)"


def _fell(ratio: float) -> str:
    if ratio <= 0.2:
        return "almost stopped"
    if ratio <= 0.4:
        return "fell to about a third"
    if ratio <= 0.6:
        return "halved"
    return "fell by about a third" if ratio <= 0.75 else "fell by about a quarter"


def _week(ts: datetime) -> date:
    d = ts.date()
    return d - timedelta(days=d.weekday())


def _with_time_together(found: Sign, entries: list[TimeTogether], th: CheckinThresholds) -> Sign:
    """Add what the time-together log says: weekly minutes over time, and the in-person share."""
    if not entries:
        return found
    entries = sorted(entries, key=lambda t: t.ts)
    first, last = _week(entries[0].ts), _week(entries[-1].ts)
    weeks = (last - first).days // 7 + 1
    minutes = [0.0] * weeks
    for t in entries:
        minutes[(_week(t.ts) - first).days // 7] += t.minutes
    notes, statuses, trends = [found.evidence], [found.status], list(found.trends)
    if weeks >= th.together_min_weeks:
        weekly = trend("minutes together per week", minutes)
        trends.append(weekly)
        drop = 1 - weekly.last_level / weekly.first_level if weekly.first_level > 0 else 0.0
        if weekly.tau < 0 and weekly.p_value < th.together_concern_p and drop >= th.together_concern_drop:
            statuses.append(Status.CONCERN)
        elif weekly.tau < 0 and weekly.p_value < th.together_watch_p and drop >= th.together_watch_drop:
            statuses.append(Status.WATCH)
        notes.append(
            f"your time-together log went from about {weekly.first_level:g} to {weekly.last_level:g} minutes a week "
            f"(tau {weekly.tau:+.2f}, p = {weekly.p_value:.3f}, {weeks} weeks)"
        )
    else:
        total = sum(minutes)
        notes.append(f"your time-together log has {total:g} minutes over {weeks} week(s)")
    half = len(entries) // 2
    if half >= 2:
        early, late = _in_person_share(entries[:half]), _in_person_share(entries[half:])
        if early is not None and late is not None:
            notes.append(f"in person: {early:.0%} of your time together at first, {late:.0%} lately")
            if early - late >= th.in_person_drop:
                statuses.append(Status.WATCH)
                notes.append("online time works best when it leads to time in person (seed essay 002)")
    worst = max(statuses, key=[Status.OK, Status.WATCH, Status.CONCERN].index)
    return Sign(found.name, worst, "; ".join(notes), trends)


def _in_person_share(entries: Sequence[TimeTogether]) -> float | None:
    total = sum(t.minutes for t in entries)
    return sum(t.minutes for t in entries if t.in_person) / total if total else None
