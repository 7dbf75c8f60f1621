"""The conversation around each message: turns, sessions, who it answers, and the heat of conflict.

This is the first stage of the analysis: it reads every message's words once (`TextCues`) and
records the timing facts the later stages need, so they never re-scan the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
