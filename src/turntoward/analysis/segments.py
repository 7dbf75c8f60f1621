"""Labelling one long conversation in stretches, so that several processes can share it.

A backend reads each message in the light of the messages around it: the turn it belongs to,
a quarrel in the hours before it (`episode_gap_s`, and `repair_after_s` for repair), the bids
it may answer and, for a bid, the reply that may come up to `window_s` later. So a stretch is
labelled together with the context on either side of it and only its own messages' labels are
kept: the few days before it (`context_before_s`, longer than any of those memories) and
`window_s` after its last message (and twice `follow_up_s`, for what was said after a reply),
each at least `CONTEXT_MESSAGES` messages, and measured from `prior_window_msgs` messages beyond
the stretch (a bid's outcome is weighed against the bids around it). Cuts fall where a
conversation rests (a silence of `session_gap_s` or more), so no turn or quarrel is split.
The stitched labelling is the one the whole conversation gets at once; the tests compare them
on real exports and on the benchmark's histories.

Pure: `plan` chooses the stretches, `cut` makes each a conversation of its own (numbered from
0, as the backends expect), `stitch` puts their labellings back together in the whole
conversation's numbering.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from itertools import pairwise

from turntoward.analysis._config import Thresholds
from turntoward.analysis.backends import Labelling
from turntoward.analysis.context import as_read
from turntoward.analysis.findings import MessageLabel
from turntoward.model import Conversation, Message

CONTEXT_MESSAGES = 200
"""Messages of context at least on either side of a stretch, however fast they were written."""


@dataclass(frozen=True, slots=True)
class Segment:
    """Messages ``start..stop-1`` of a conversation, labelled with ``lo..hi-1`` around them."""

    lo: int
    start: int
    stop: int
    hi: int


def context_before_s(th: Thresholds) -> float:
    """How far back a message's labels can depend on what came before it, with a day to spare."""
    return max(th.episode_gap_s, th.repair_after_s, th.checkin_gap_s, 86400.0) + 86400.0


def plan(conv: Conversation, parts: int, th: Thresholds) -> list[Segment]:
    """`parts` stretches of about equal length (fewer where the conversation is short), each cut
    at the first rest (a silence of `session_gap_s`) after the even split, with its context."""
    conv = as_read(conv)  # a chat without times: its stretches and their context measured a minute a line
    msgs = conv.messages
    n = len(msgs)
    if parts <= 1 or n < 2 * parts * CONTEXT_MESSAGES:
        return [Segment(0, 0, n, n)]
    seconds = [m.ts.timestamp() for m in msgs]
    cuts = [0]
    for k in range(1, parts):
        at = max(k * n // parts, cuts[-1] + 1)
        while at < n and seconds[at] - seconds[at - 1] < th.session_gap_s:
            at += 1
        if at >= n - CONTEXT_MESSAGES:
            break
        cuts.append(at)
    return around(conv, cuts[1:], th)


def around(conv: Conversation, cuts: list[int], th: Thresholds) -> list[Segment]:
    """The stretches between `cuts` (message indices, ascending), each with its context."""
    seconds = [m.ts.timestamp() for m in conv.messages]
    return [_with_context(seconds, start, stop, th) for start, stop in pairwise([0, *cuts, len(seconds)])]


def part(conv: Conversation, start: int, stop: int, th: Thresholds) -> Segment:
    """Messages ``start..stop-1`` (at least one) with their context."""
    return _with_context([m.ts.timestamp() for m in as_read(conv).messages], start, stop, th)


def _with_context(seconds: list[float], start: int, stop: int, th: Thresholds) -> Segment:
    n = len(seconds)
    # A bid's outcome also depends on the bids within `prior_window_msgs` messages of it (the
    # hybrid's `local_balance`): those are labelled with their own context too.
    first, last = max(0, start - th.prior_window_msgs), min(n, stop + th.prior_window_msgs) - 1
    lo = min(bisect_left(seconds, seconds[first] - context_before_s(th)), max(0, first - CONTEXT_MESSAGES))
    # ...and a bid's reply, up to `window_s` after it, is read with the bidder's next message after
    # it and the replier's after that (each up to `follow_up_s` after the one before).
    after = th.window_s + 2 * th.follow_up_s
    hi = max(bisect_right(seconds, seconds[last] + after), min(n, last + 1 + CONTEXT_MESSAGES))
    return Segment(lo, start, stop, min(hi, n))


def cut(conv: Conversation, seg: Segment) -> Conversation:
    """Messages ``seg.lo..seg.hi-1`` as a conversation of their own, numbered from 0 (a reply to a
    message before them points at none), a group chat if the whole conversation is one."""
    lo = seg.lo
    messages = [  # built directly: dataclasses.replace costs several times as much, a million times over
        Message(m.index - lo, m.ts, m.author, m.text, m.kind,
                m.reply_to - lo if m.reply_to is not None and m.reply_to >= lo else None, m.edited, m.reactions)
        for m in conv.messages[lo:seg.hi]
    ]
    return replace(conv, messages=messages, system_events=[], group=conv.is_group)


def keep(labelling: Labelling, seg: Segment) -> Labelling:
    """The labels, bids and cues of a stretch's own messages, numbered as in the whole conversation."""
    own = slice(seg.start - seg.lo, seg.stop - seg.lo)
    bids = []
    for b in labelling.bids:
        if seg.start <= b.index + seg.lo < seg.stop:
            b.index += seg.lo
            if b.response_index is not None:
                b.response_index += seg.lo
            bids.append(b)
    labels = labelling.labels[own]
    for lab in labels:
        lab.index += seg.lo
    return Labelling(labels, bids, labelling.cues[own])


def stitch(conv: Conversation, pieces: list[Labelling]) -> Labelling:
    """The kept labellings of consecutive stretches as one labelling of `conv`."""
    labels: list[MessageLabel] = []
    bids = []
    cues = []
    for piece in pieces:
        labels += piece.labels
        bids += piece.bids
        cues += piece.cues
    if len(labels) != len(conv.messages):
        raise ValueError(f"stretches labelled {len(labels)} messages of {len(conv.messages)}")
    return Labelling(labels, bids, cues)
