"""The conversation around each message: turns, sessions, who it answers, and the heat of conflict.

This is the first stage of the analysis: it reads every message's words once (`TextCues`) and
records the timing facts the later stages need, so they never re-scan the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from turntoward.analysis._config import Thresholds
from turntoward.analysis._text import Lexicon, TextCues, read_text
from turntoward.model import Conversation, Message, MessageKind


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
    last_index_of: dict[str, int] = {}
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
        last_index_of[m.author] = m.index
        prev = m
    return out


def waking_seconds(start: datetime, end: datetime, th: Thresholds) -> float:
    """Seconds between `start` and `end` not counting the night hours people sleep through."""
    total = (end - start).total_seconds()
    if total <= 0:
        return 0.0
    night = 0.0
    day = start.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    while day <= end:
        n_start = day.replace(hour=th.night_start_hour)
        n_end = (day + timedelta(days=1)).replace(hour=th.night_end_hour)
        lo, hi = max(start, n_start), min(end, n_end)
        if hi > lo:
            night += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return max(0.0, total - night)
