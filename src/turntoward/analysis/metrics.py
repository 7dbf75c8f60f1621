"""Period metrics per conversation and per person: volume, reaching out, bids, responsiveness, depth."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from statistics import median

from turntoward.analysis._text import TextCues
from turntoward.analysis.findings import Bid, Outcome, PeriodMetrics
from turntoward.model import Message


def week_of(ts: datetime) -> date:
    """The Monday of the ISO week of `ts`."""
    d = ts.date()
    return d - timedelta(days=d.weekday())


def month_of(ts: datetime) -> date:
    return ts.date().replace(day=1)


def period_metrics(
    messages: list[Message],
    cues: list[TextCues],
    bids: list[Bid],
    new_session: list[bool],
    *,
    monthly: bool = False,
) -> list[PeriodMetrics]:
    """Metrics for every period from the first message to the last (empty periods included).

    One row per period for the whole conversation (person None) and one per person.
    """
    if not messages:
        return []
    key = month_of if monthly else week_of
    people = list(dict.fromkeys(m.author for m in messages))
    rows: dict[tuple[date, str | None], PeriodMetrics] = {}
    days: dict[tuple[date, str | None], set[date]] = {}
    replies: dict[tuple[date, str | None], list[float]] = {}

    def row(p: date, who: str | None) -> PeriodMetrics:
        r = rows.get((p, who))
        if r is None:
            r = rows[(p, who)] = PeriodMetrics(period=p, person=who)
        return r

    period_of: dict[date, date] = {}
    prev: Message | None = None
    for m, c, starts in zip(messages, cues, new_session, strict=True):
        day = m.ts.date()
        p = period_of.get(day)
        if p is None:
            p = period_of[day] = key(m.ts)
        disclosure = c.first_person and c.has("feeling_word", "shares_news", "asks_support")
        feeling = "feeling_word" in c.hits
        question = c.question and c.second_person
        reply = prev is not None and prev.author != m.author and not starts
        gap = (m.ts - prev.ts).total_seconds() if reply and prev is not None else 0.0
        for who in (None, m.author):
            k = (p, who)
            r = rows.get(k) or row(p, who)
            r.messages += 1
            r.words += c.words
            days.setdefault(k, set()).add(day)
            r.initiations += starts
            r.disclosures += disclosure
            r.feeling_words += feeling
            r.questions_to_other += question
            r.we_words += c.we_words
            r.you_words += c.you_words
            if reply:
                replies.setdefault(k, []).append(gap)
        prev = m
    for b in bids:
        p = key(messages[b.index].ts)
        row(p, None).bids_made += 1
        row(p, b.author).bids_made += 1
        toward = b.outcome is Outcome.TOWARD
        against = b.outcome is Outcome.AGAINST
        if toward:
            row(p, b.author).toward_received += 1
            row(p, None).toward_received += 1
        if against:
            row(p, b.author).against_received += 1
            row(p, None).against_received += 1
        if b.response_index is not None:
            responder = messages[b.response_index].author
            row(p, responder).bids_received += 1
            row(p, responder).turned_toward += toward
            row(p, responder).turned_against += against
        elif len(people) == 2:  # unanswered: received by the other one; in a group, by nobody in particular
            for other in people:
                if other != b.author:
                    row(p, other).bids_received += 1
    for k, r in rows.items():
        r.active_days = len(days.get(k, ()))
        if replies.get(k):
            r.median_reply_s = median(replies[k])
    # Fill the empty periods so trends see silences as zeros, not as missing weeks.
    first, last = key(messages[0].ts), key(messages[-1].ts)
    p = first
    while p <= last:
        for who in (None, *people):
            row(p, who)
        p = (p + timedelta(days=7)) if not monthly else (p.replace(day=28) + timedelta(days=4)).replace(day=1)
    return sorted(rows.values(), key=lambda r: (r.period, r.person or ""))
