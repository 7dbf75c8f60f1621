"""The conversation around each message: turns, sessions, who it answers, and the heat of conflict.

This is the first stage of the analysis: it reads every message's words once (`TextCues`) and
records the timing facts the later stages need, so they never re-scan the conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import pairwise

from turntoward.analysis._config import Thresholds
from turntoward.analysis._text import Lexicon, TextCues, read_text
from turntoward.model import NO_TIMES_START, Conversation, Message, MessageKind


@dataclass(slots=True)
class MessageContext:
    """Timing and position facts about one message."""

    cues: TextCues
    gap_s: float | None
    """Seconds since the previous message in the conversation (None for the first)."""
    new_session: bool
    """First message after a silence of `session_gap_s` or more: its author reached out."""
    after_silence_s: float | None
    """Seconds of silence before this message when it starts a session."""
    answers: int | None
    """Index of the message by someone else this one follows directly (the turn it replies to)."""
    first_of_turn: bool
    """First message of its author's turn (a burst of messages is one turn)."""


def read_conversation(conv: Conversation, lexicon: Lexicon, th: Thresholds) -> list[MessageContext]:
    """Read every message once and record its context."""
    out: list[MessageContext] = []
    prev: Message | None = None
    last_other_by_author: dict[str, int] = {}
    for m in conv.messages:
        cues = read_text(m.text, lexicon) if m.kind is not MessageKind.MEDIA else read_text("", lexicon)
        if prev is None:
            gap = None
            new_session = True
            first_of_turn = True
        else:
            gap = (m.ts - prev.ts).total_seconds()
            new_session = gap >= th.session_gap_s
            first_of_turn = prev.author != m.author or gap > th.burst_s * 6
        answers = None
        if prev is not None and prev.author != m.author:
            answers = prev.index
        elif prev is not None:
            answers = last_other_by_author.get(m.author)
        out.append(MessageContext(cues, gap, new_session, gap if new_session else None, answers, first_of_turn))
        if prev is not None and prev.author != m.author:
            last_other_by_author[m.author] = prev.index
        prev = m
    return out


def has_times(messages: Sequence[Message]) -> bool:
    """Whether a conversation's times say when in the day its messages were sent.

    A research corpus of dialogues has none: the table importer's ``ts=none`` puts its rows a minute
    apart, and a transcript may be given one time for every line or times at one fixed step. Then
    every gap is the same, and how soon a reply came, or how long a silence lasted, says nothing;
    the models must not read a whole chat as answered within two minutes. Nor do dates alone (a
    table that kept the day of each message, not its time: every one at midnight), which make
    every reply instant and every morning's first line a day's silence. Three messages or more
    with every gap alike, or all at midnight, have no times; a real export's gaps differ within
    its first few, and a real message is seldom sent on the stroke of midnight. Fewer messages have
    times unless they sit where the importers place the lines of a corpus without times (a film's
    exchange of two lines: `model.untimed_ts`).
    """
    if len(messages) < 3:
        return not _placed_untimed(messages)
    return not (_one_step(messages) or _at_midnight(messages))


def has_dates(messages: Sequence[Message]) -> bool:
    """Whether a conversation's times say on which days its messages were sent: those of
    `has_times`, and dates alone too, but not one moment or one fixed step for every line (how
    often people wrote, week by week, cannot be read from those)."""
    return (not _placed_untimed(messages)) if len(messages) < 3 else not _one_step(messages)


def _placed_untimed(messages: Sequence[Message]) -> bool:
    """Whether a message or two sit as the importers place a corpus's lines without times: the first
    at `NO_TIMES_START`, a minute apart (a chat of two lines exported at 21:04 and 21:05 has times)."""
    return bool(messages) and messages[0].ts == NO_TIMES_START and all(
        b.ts - a.ts == timedelta(minutes=1) for a, b in pairwise(messages))


def _one_step(messages: Sequence[Message]) -> bool:
    step = messages[1].ts - messages[0].ts
    return all(b.ts - a.ts == step for a, b in pairwise(messages))


def _at_midnight(messages: Sequence[Message]) -> bool:
    return all(m.ts.hour == m.ts.minute == m.ts.second == m.ts.microsecond == 0 for m in messages)


UNTIMED_NOTE = ("its messages carry no times of their own (every line at one moment or one fixed step apart, or "
                "dates alone), so it is read from its words and turns alone: its bids have no reply times, and "
                "the reply times of its metrics say nothing")
"""What `analyze` and the summary say of a chat without times (`has_times`)."""

STEADY_START = NO_TIMES_START
"""Where `steady` starts a chat without times: where the importers put one, so that a table read
with ``ts=none`` is read as it was imported, without a copy."""
STEADY_STEP = timedelta(minutes=1)


def steady(conv: Conversation) -> Conversation:
    """`conv` with its messages a minute apart from `STEADY_START`, as the table importer's
    ``ts=none`` places them (itself if they already are): how the backends read a chat whose
    times say nothing (`has_times`), whatever times it came with (one moment for every line, a
    second or an hour apart), so that a transcript gets the same labels at any step: turns by who
    wrote, answers next to what they answer, a quarrel's heat over the next lines.

    A chat of dates alone keeps its days: each day's lines a minute apart from mid-morning, so an
    answer the next day is still a late one (read as a single run of lines instead, the held-out
    split with dates alone lost outcome macro-F1: docs/accuracy.md, "Chats without times")."""
    msgs = conv.messages
    times = _steady_days(msgs) if _dated(msgs) else [STEADY_START + k * STEADY_STEP for k in range(len(msgs))]
    if all(m.ts == t for m, t in zip(msgs, times, strict=True)):
        return conv
    return replace(conv, messages=[  # built directly, as `segments.cut` builds its copies: cheaper than replace
        Message(m.index, t, m.author, m.text, m.kind, m.reply_to, m.edited, m.reactions)
        for m, t in zip(msgs, times, strict=True)])


def as_read(conv: Conversation) -> Conversation:
    """`conv` with the times the analysis reads it with: its own, or `steady` where it has none."""
    return conv if has_times(conv.messages) else steady(conv)


def _dated(msgs: Sequence[Message]) -> bool:
    """Whether every message is at midnight (dates alone) or, read already, at mid-morning of its
    day and a minute after the one before it that day."""
    if len(msgs) < 3:
        return False
    if _at_midnight(msgs):
        return True
    return all(m.ts.time() >= STEADY_START.time() for m in msgs) and _steady_days(msgs) == [m.ts for m in msgs]


def _steady_days(msgs: Sequence[Message]) -> list[datetime]:
    """Each message at mid-morning of its day, a minute after the one before it that day."""
    out: list[datetime] = []
    for i, m in enumerate(msgs):
        if i and m.ts.date() == msgs[i - 1].ts.date():
            out.append(out[-1] + STEADY_STEP)
        else:
            out.append(datetime.combine(m.ts.date(), STEADY_START.time()))
    return out


def _night_before(t: datetime, th: Thresholds) -> float:
    """Seconds of night (night_start_hour to night_end_hour) from day 0 of the calendar up to `t`."""
    night = (24 - th.night_start_hour + th.night_end_hour) * 3600
    tod = t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
    partial = min(tod, th.night_end_hour * 3600) + max(0.0, tod - th.night_start_hour * 3600)
    return t.toordinal() * night + partial


def waking_seconds(start: datetime, end: datetime, th: Thresholds) -> float:
    """Seconds between `start` and `end` not counting the night hours people sleep through."""
    total = (end - start).total_seconds()
    if total <= 0:
        return 0.0
    return max(0.0, total - (_night_before(end, th) - _night_before(start, th)))
