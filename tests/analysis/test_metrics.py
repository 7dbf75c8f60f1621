"""The period metrics, counted with NumPy, are those of the plain message-by-message definition."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from statistics import median

import pytest

from turntoward.analysis._text import TextCues
from turntoward.analysis.findings import Bid, BidKind, Outcome, PeriodMetrics
from turntoward.analysis.metrics import month_of, period_metrics, week_of, weekly_and_monthly
from turntoward.model import Message


def reference(
    messages: list[Message],
    cues: list[TextCues],
    bids: list[Bid],
    new_session: list[bool],
    *,
    monthly: bool = False,
) -> list[PeriodMetrics]:
    """period_metrics as it was first written: message by message, row by row."""
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


def _chat(rng: random.Random) -> tuple[list[Message], list[TextCues], list[Bid], list[bool]]:
    """A random chat: one to four people (one named ""), gaps from none to weeks, now and then a
    timestamp out of order, random cues, and bids answered, unanswered or answered by anyone."""
    n = rng.randint(1, 50)
    people = rng.choice([["a"], ["a", "b"], ["a", "b", "c", "d"], ["", "x"], ["z", "", "m"]])
    t = datetime(2023, 12, 20) + timedelta(seconds=rng.randint(0, 10**7))
    msgs, cues, new = [], [], []
    for i in range(n):
        step = rng.choice([0, 1, 30, 600, 3600 * 5, 86400 * 3, 86400 * 40, -3600 * 30])
        t += timedelta(seconds=step, microseconds=rng.choice([0, 123457]))
        msgs.append(Message(i, t, rng.choice(people), "x"))
        cues.append(TextCues(hits=rng.choice([{}, {"feeling_word": ["sad"]}, {"shares_news": ["n"]}]),
                             words=rng.randint(0, 9), question=rng.random() < .3, first_person=rng.random() < .5,
                             second_person=rng.random() < .5, we_words=rng.randint(0, 2), you_words=rng.randint(0, 2)))
        new.append(i == 0 or rng.random() < 0.2)
    bids = [Bid(i, msgs[i].author, BidKind.QUESTION, 0.5, [], rng.choice(list(Outcome)),
                rng.choice([None, rng.randrange(n)])) for i in sorted(rng.sample(range(n), rng.randint(0, n)))]
    return msgs, cues, bids, new


@pytest.mark.parametrize("seed", range(4))
def test_period_metrics_are_the_message_by_message_counts(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        chat = _chat(rng)
        weekly, monthly = weekly_and_monthly(*chat)
        for got, want in ((weekly, reference(*chat)), (monthly, reference(*chat, monthly=True))):
            assert [repr(r) for r in got] == [repr(r) for r in want]  # repr: ints stay ints, floats to the bit
        assert repr(period_metrics(*chat)) == repr(weekly)
