"""The first of the five signs of disconnection, read from chats, and drift across conversations.

Seed essay 001: "communication between you and your partner gets rarer and not very deep".
"Rarer" is the weekly volume and active days; "shallower" is depth per message (words,
self-disclosure, feeling words, questions about the other). Each weekly series gets a
Mann-Kendall trend test with a Theil-Sen slope; a status needs both a significant downward
trend and a real drop in level, so a single quiet week is never a concern. The other three
signs come from check-ins and plug in through `Sign` records of the same shape.
"""

from __future__ import annotations

import math
from collections.abc import Set
from datetime import date
from statistics import median

from turntoward.analysis._config import Thresholds
from turntoward.analysis.findings import PeriodMetrics, Sign, Status, Trend


def mann_kendall(values: list[float]) -> tuple[float, float]:
    """Kendall's tau and the two-sided p-value of the Mann-Kendall test (normal approximation, ties corrected)."""
    n = len(values)
    if n < 3:
        return 0.0, 1.0
    s = 0
    for i in range(n - 1):
        vi = values[i]
        for j in range(i + 1, n):
            d = values[j] - vi
            s += (d > 0) - (d < 0)
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in counts.values())) / 18
    if var <= 0:
        return 0.0, 1.0
    z = (s - 1) / math.sqrt(var) if s > 0 else (s + 1) / math.sqrt(var) if s < 0 else 0.0
    p = math.erfc(abs(z) / math.sqrt(2))
    tau = s / (n * (n - 1) / 2)
    return tau, p


def theil_sen(values: list[float]) -> float:
    """Median of pairwise slopes: a trend per step robust to outliers."""
    n = len(values)
    slopes = [(values[j] - values[i]) / (j - i) for i in range(n - 1) for j in range(i + 1, n)]
    return median(slopes) if slopes else 0.0


def trend(name: str, values: list[float]) -> Trend:
    tau, p = mann_kendall(values)
    q = max(1, len(values) // 4)
    return Trend(
        series=name, n=len(values), tau=round(tau, 3), p_value=round(p, 4),
        slope_per_week=round(theil_sen(values), 3),
        first_level=round(sum(values[:q]) / q, 2), last_level=round(sum(values[-q:]) / q, 2),
    )


def _status(t: Trend, th: Thresholds) -> Status:
    if t.n < th.min_weeks or t.tau >= 0 or t.first_level <= 0:
        return Status.OK
    drop = 1 - t.last_level / t.first_level
    if t.p_value < th.concern_p and drop >= th.concern_drop:
        return Status.CONCERN
    if t.p_value < th.watch_p and drop >= th.watch_drop:
        return Status.WATCH
    return Status.OK


def _n(x: float) -> str:
    """A level as people say it: 45, 6.5, 0.7."""
    return f"{x:.0f}" if abs(x) >= 10 else f"{x:.1f}".rstrip("0").rstrip(".") or "0"


def _worst(statuses: list[Status]) -> Status:
    order = [Status.OK, Status.WATCH, Status.CONCERN]
    return max(statuses, key=order.index) if statuses else Status.OK


MAX_WEEKS = 104  # "rarer lately" is about the last two years, not a decade of history


def chat_signs(
    weekly: list[PeriodMetrics], th: Thresholds, *, words_read: bool = True, unread_weeks: Set[date] = frozenset(),
    dated: bool = True,
) -> dict[str, Sign]:
    """"rarer" and "shallower" from the conversation's weekly rows (person None), last two years.

    Without `words_read` (a chat in a language the lexicons do not read) "shallower" is not
    judged: disclosures and questions are found by English words; for the same reason its
    series (words per message, disclosures and questions) leave out `unread_weeks` (weeks of
    months written in another language), and weeks without messages, which are "rarer".
    Without `dated` (one moment or one fixed step for every line: `context.has_dates`) neither is
    judged: its weeks are only where the lines were placed.
    """
    if not dated:
        note = ("not judged: its messages carry no times of their own, so how often and how deeply "
                "people wrote, week by week, cannot be read")
        return {"rarer": Sign("rarer", Status.OK, note), "shallower": Sign("shallower", Status.OK, note)}
    rows = [r for r in weekly if r.person is None][-MAX_WEEKS:]
    unread = Sign("shallower", Status.OK, "not judged: this chat is not in English, and depth is read from "
                  "English words (disclosures, feelings, questions about the other)")
    if len(rows) < th.min_weeks:
        note = f"only {len(rows)} week(s) of messages: at least {th.min_weeks} are needed to see a trend"
        return {"rarer": Sign("rarer", Status.OK, note),
                "shallower": Sign("shallower", Status.OK, note) if words_read else unread}
    volume = trend("messages per week", [float(r.messages) for r in rows])
    days = trend("active days per week", [float(r.active_days) for r in rows])
    # Depth is per message: a week without messages has none to read (that is "rarer"), and
    # neither has a week whose words were not read.
    active = [r for r in rows if r.messages and r.period not in unread_weeks]
    words = trend("words per message", [r.words / r.messages for r in active])
    depth = trend("disclosures and questions per 10 messages",
                  [10 * (r.disclosures + r.questions_to_other) / r.messages for r in active])
    rarer_status = _worst([_status(volume, th), _status(days, th)])
    shallow_status = _worst([_status(words, th), _status(depth, th)]) if len(active) >= th.min_weeks else Status.OK
    since = rows[-max(1, len(rows) // 4)].period.isoformat()
    rarer = Sign("rarer", rarer_status, (
        f"messages per week went from about {_n(volume.first_level)} to {_n(volume.last_level)} "
        f"(Mann-Kendall tau {volume.tau:+.2f}, p = {volume.p_value:.3f}); active days per week from "
        f"{_n(days.first_level)} to {_n(days.last_level)} (the first and the last quarter of these weeks, the last "
        f"from {since})"), [volume, days])
    shallower = Sign("shallower", shallow_status, (
        f"words per message went from about {_n(words.first_level)} to {_n(words.last_level)} "
        f"(tau {words.tau:+.2f}, p = {words.p_value:.3f}); disclosures and questions about the other per 10 "
        f"messages from {_n(depth.first_level)} to {_n(depth.last_level)} (tau {depth.tau:+.2f}, "
        f"p = {depth.p_value:.3f})"), [words, depth])
    return {"rarer": rarer, "shallower": shallower if words_read else unread}
