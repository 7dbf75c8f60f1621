"""Period metrics per conversation and per person: volume, reaching out, bids, responsiveness, depth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

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
    return _period_rows(_Facts.of(messages, cues, bids, new_session), monthly)


def weekly_and_monthly(
    messages: list[Message], cues: list[TextCues], bids: list[Bid], new_session: list[bool]
) -> tuple[list[PeriodMetrics], list[PeriodMetrics]]:
    """`period_metrics` by week and by month, reading the messages once for both."""
    if not messages:
        return [], []
    facts = _Facts.of(messages, cues, bids, new_session)
    return _period_rows(facts, False), _period_rows(facts, True)


@dataclass(slots=True)
class _Facts:
    """What each message and bid adds to its rows, as arrays.

    Each message adds to two rows (the whole chat's and its author's) and each bid to two or three
    (the responder's too): the additions are counted per row by `np.bincount` over row numbers,
    not attribute by attribute in Python, which cost about a second per 100,000 messages.
    """

    messages: list[Message]
    people: list[str]
    author: np.ndarray
    """Each message's author, as a row column: 1 + the author's place in `people` (0 is the whole chat)."""
    days: np.ndarray
    """Each message's day (date ordinal)."""
    counted: dict[str, np.ndarray]
    """Per PeriodMetrics field, what each message adds to it."""
    replies: np.ndarray
    """The messages that reply (someone else wrote the one before, in the same session)..."""
    gaps: np.ndarray
    """... and the seconds since that one, as datetime subtraction gives them (exact, whatever the clock)."""
    bid_at: np.ndarray
    bid_by: np.ndarray
    """Each bid's message and its author's column."""
    receiver: np.ndarray
    """Who received each bid (a column; 0 nobody): who answered it, or the other one of two."""
    answered: np.ndarray
    toward: np.ndarray
    against: np.ndarray

    @classmethod
    def of(cls, messages: list[Message], cues: list[TextCues], bids: list[Bid], new_session: list[bool]) -> _Facts:
        if len(cues) != len(messages) or len(new_session) != len(messages):
            raise ValueError(f"{len(messages)} messages but {len(cues)} cues and {len(new_session)} session starts")
        people = list(dict.fromkeys(m.author for m in messages))
        code = {p: k + 1 for k, p in enumerate(people)}
        author = _ints([code[m.author] for m in messages])
        starts = _ints(new_session)
        counted = {
            "words": _ints([c.words for c in cues]),
            "initiations": starts,
            "disclosures": _ints([c.first_person and c.has("feeling_word", "shares_news", "asks_support")
                                  for c in cues]),
            "feeling_words": _ints(["feeling_word" in c.hits for c in cues]),
            "questions_to_other": _ints([c.question and c.second_person for c in cues]),
            "we_words": _ints([c.we_words for c in cues]),
            "you_words": _ints([c.you_words for c in cues]),
        }
        reply = np.zeros(len(messages), dtype=bool)
        reply[1:] = (author[1:] != author[:-1]) & (starts[1:] == 0)
        replies = np.flatnonzero(reply)
        gaps = np.array([(messages[i].ts - messages[i - 1].ts).total_seconds() for i in replies.tolist()],
                        dtype=np.float64)
        by = _ints([code[b.author] for b in bids])
        responder = _ints([-1 if b.response_index is None else b.response_index for b in bids])
        answered = responder >= 0
        receiver = np.zeros(len(bids), dtype=np.int32)
        receiver[answered] = author[responder[answered]]
        if len(people) == 2:  # unanswered: received by the other one; in a group, by nobody in particular
            receiver[~answered] = 3 - by[~answered]
        return cls(messages, people, author, days=_ints([m.ts.toordinal() for m in messages]), counted=counted,
                   replies=replies, gaps=gaps, bid_at=_ints([b.index for b in bids]), bid_by=by, receiver=receiver,
                   answered=answered, toward=_ints([b.outcome is Outcome.TOWARD for b in bids]),
                   against=_ints([b.outcome is Outcome.AGAINST for b in bids]))


def _ints(values: list[int] | list[bool]) -> np.ndarray:
    # int32: a million messages' facts stay a few megabytes each (reshape: an empty list is 1-D too)
    return np.array(values, dtype=np.int32).reshape(-1)


def _period_rows(facts: _Facts, monthly: bool) -> list[PeriodMetrics]:
    """The rows of `period_metrics`: row r is period r // who and column r % who (0 the whole chat)."""
    msgs, who = facts.messages, len(facts.people) + 1
    # Months from year 0, or weeks from Monday 1 January of year 1 (date ordinal 1).
    periods = _ints([m.ts.year * 12 + m.ts.month - 1 for m in msgs]) if monthly else (facts.days - 1) // 7
    lo = int(periods.min())
    n_rows = (int(periods.max()) - lo + 1) * who
    chat = (periods - lo).astype(np.int64) * who  # each message's row of the whole chat
    mine = chat + facts.author  # ... and its author's

    def count(keys: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(keys, weights=values, minlength=n_rows)

    # A message counts in two rows: its chat's and its author's (no row is both).
    figures = {"messages": count(chat) + count(mine)}
    figures.update({name: count(chat, v) + count(mine, v) for name, v in facts.counted.items()})
    bid_chat = chat[facts.bid_at]
    bid_mine = bid_chat + facts.bid_by
    taker = bid_chat + facts.receiver
    answered = facts.answered
    figures.update({
        "bids_made": count(bid_chat) + count(bid_mine),
        "toward_received": count(bid_chat, facts.toward) + count(bid_mine, facts.toward),
        "against_received": count(bid_chat, facts.against) + count(bid_mine, facts.against),
        "bids_received": count(taker[facts.receiver > 0]),
        # Turned toward or against by whoever answered: a bid nobody answered (received by the
        # other one of two) may still have an outcome, from a reaction, but nobody turned.
        "turned_toward": count(taker[answered], facts.toward[answered]),
        "turned_against": count(taker[answered], facts.against[answered]),
    })
    values = {name: v.astype(np.int64).tolist() for name, v in figures.items()}
    active = [a + b for a, b in zip(_distinct_per_row(chat, facts.days, n_rows),
                                    _distinct_per_row(mine, facts.days, n_rows), strict=True)]
    at = facts.replies
    medians = _medians(chat[at], facts.gaps, n_rows) | _medians(mine[at], facts.gaps, n_rows)
    # The rows a message or a bid counted in, and every period from the first message's to the
    # last's for everyone, so trends see silences as zeros, not as missing weeks.
    touched = (figures["messages"] > 0) | (figures["bids_made"] > 0) | (figures["bids_received"] > 0)
    touched[int(chat[0]):int(chat[-1]) + who] = True
    out = []
    for r in np.flatnonzero(touched).tolist():
        period, column = divmod(r, who)
        out.append(PeriodMetrics(period=_period_date(lo + period, monthly),
                                 person=facts.people[column - 1] if column else None, active_days=active[r],
                                 median_reply_s=medians.get(r), **{name: v[r] for name, v in values.items()}))
    return sorted(out, key=lambda r: (r.period, r.person or ""))


def _period_date(period: int, monthly: bool) -> date:
    """The first day of a period: `period` counts months (year * 12 + month - 1) or weeks (from ordinal 1, a Monday)."""
    return date(period // 12, period % 12 + 1, 1) if monthly else date.fromordinal(period * 7 + 1)


def _distinct_per_row(rows: np.ndarray, days: np.ndarray, n_rows: int) -> list[int]:
    """Per row, the distinct days among its messages' (`days[k]` is the day of the message counted in `rows[k]`)."""
    first = int(days.min())
    span = int(days.max()) - first + 1
    pairs = np.sort(rows * span + (days - first).astype(np.int64))
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
    return np.bincount(pairs // span, minlength=n_rows).tolist()


def _medians(rows: np.ndarray, gaps: np.ndarray, n_rows: int) -> dict[int, float]:
    """Per row with replies, the median of their gaps, as `statistics.median` gives it (the middle
    gap, or the mean of the middle two, computed the same way)."""
    order = np.lexsort((gaps, rows))
    counts = np.bincount(rows, minlength=n_rows)
    starts = (np.cumsum(counts) - counts).tolist()
    ordered = gaps[order].tolist()
    out: dict[int, float] = {}
    for r in np.flatnonzero(counts).tolist():
        n, s = int(counts[r]), starts[r]
        out[r] = ordered[s + n // 2] if n % 2 else (ordered[s + n // 2 - 1] + ordered[s + n // 2]) / 2
    return out
