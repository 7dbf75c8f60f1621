"""A conversation labelled in stretches, each with its context, is labelled as it is whole."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from turntoward.analysis import segments
from turntoward.analysis._config import thresholds
from turntoward.analysis.backends import backend_names, get_backend
from turntoward.api.analysis import load_conversations

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [str(ROOT / "examples" / name) for name in ("couple", "family", "friends")]


def _said(labelling) -> list:
    return [
        (lab.index, lab.horseman, lab.control, lab.accountability, lab.repair,
         lab.bid and (lab.bid.index, lab.bid.kind, lab.bid.outcome, lab.bid.response_index, lab.bid.latency_s,
                      lab.bid.score, lab.bid.cues, lab.bid.response_cues))
        for lab in labelling.labels
    ]


@pytest.mark.parametrize("backend", backend_names())
@pytest.mark.parametrize("parts", [2, 3])
def test_stretches_stitched_are_the_whole_conversations_labelling(backend, parts):
    be, th = get_backend(backend), thresholds()
    for conv in load_conversations(EXAMPLES):
        plan = segments.plan(conv, parts, th)
        if len(conv.messages) >= 2 * parts * segments.CONTEXT_MESSAGES:
            assert len(plan) > 1, conv.source
        pieces = [segments.keep(be.label(segments.cut(conv, seg)), seg) for seg in plan]
        stitched, whole = segments.stitch(conv, pieces), be.label(conv)
        assert _said(stitched) == _said(whole), conv.source
        assert [b.index for b in stitched.bids] == [b.index for b in whole.bids]
        assert stitched.cues == whole.cues


@pytest.mark.parametrize("backend", backend_names())
def test_cuts_anywhere_even_mid_quarrel_or_mid_burst_change_nothing(backend):
    # Harsher than the plan's cuts, which fall where the chat rests: a cut every 37 messages lands
    # inside bursts, quarrels and bids waiting for their answers, and the context must cover them.
    be, th = get_backend(backend), thresholds()
    for conv in load_conversations(EXAMPLES):
        plan = segments.around(conv, list(range(37, len(conv.messages), 37)), th)
        pieces = [segments.keep(be.label(segments.cut(conv, seg)), seg) for seg in plan]
        assert _said(segments.stitch(conv, pieces)) == _said(be.label(conv)), conv.source


def test_stretches_are_cut_where_the_conversation_rests_and_cover_it_once():
    th = thresholds()
    (conv,) = load_conversations(EXAMPLES[:1])
    plan = segments.plan(conv, 3, th)
    assert plan[0].start == 0 and plan[-1].stop == len(conv.messages)
    assert all(a.stop == b.start for a, b in pairwise(plan))
    for seg in plan[1:]:  # each cut follows a silence of at least session_gap_s
        gap = conv.messages[seg.start].ts - conv.messages[seg.start - 1].ts
        assert gap.total_seconds() >= th.session_gap_s
        assert seg.lo <= seg.start - segments.CONTEXT_MESSAGES


def test_a_short_conversation_is_one_stretch():
    (conv,) = load_conversations(EXAMPLES[:1])
    short = conv.messages[:300]
    assert segments.plan(replace(conv, messages=short), 2, thresholds()) == [segments.Segment(0, 0, 300, 300)]


def test_explaining_one_message_labels_a_stretch_and_says_what_the_whole_analysis_says():
    from turntoward.api.analysis import analyze_conversations, explain, explain_message

    convs = load_conversations(EXAMPLES)
    whole = analyze_conversations(convs)
    for result in whole.conversations:
        msgs = result.conversation.messages
        late = [b.index for b in result.bids if b.response_index is not None and b.response_index > b.index + 3]
        picks = {0, len(msgs) - 1, *late[:3], *(lab.index for lab in result.labels if lab.horseman)}
        for i in sorted(picks)[:12]:
            ref = f"{result.conversation.source}:{i}"
            assert explain_message(convs, ref) == explain(whole, ref), ref


def test_a_cut_keeps_every_field_of_every_message_but_its_numbering():
    th = thresholds()
    for conv in load_conversations(EXAMPLES):
        seg = segments.part(conv, len(conv.messages) // 2, len(conv.messages) // 2 + 1, th)
        part = segments.cut(conv, seg)
        for m, original in zip(part.messages, conv.messages[seg.lo:seg.hi], strict=True):
            inside = original.reply_to is not None and original.reply_to >= seg.lo
            assert m == replace(original, index=original.index - seg.lo,
                                reply_to=original.reply_to - seg.lo if inside else None)
        assert part.is_group == conv.is_group and part.source == conv.source


@pytest.mark.parametrize("hours", [0, 7])
def test_a_chat_without_times_is_planned_and_explained_as_it_is_read(hours):
    # A transcript a line every seven hours rests between every two lines, and one at a single
    # moment never does: read a minute a line (`context.steady`), it is planned and its context
    # measured so, and explaining a message still says what the whole analysis says.
    from datetime import datetime, timedelta

    from turntoward.api.analysis import analyze_conversations, explain, explain_message

    (conv,) = load_conversations(EXAMPLES[:1])
    step = timedelta(hours=hours)
    untimed = replace(conv, messages=[replace(m, ts=datetime(2001, 1, 1) + k * step)
                                      for k, m in enumerate(conv.messages)])
    assert len(segments.plan(untimed, 2, thresholds())) == 1  # no rest in a chat read a minute a line
    whole = analyze_conversations([untimed])
    bids = [b.index for b in whole.conversations[0].bids]
    for i in (0, bids[len(bids) // 2], len(untimed.messages) - 1):
        ref = f"{untimed.source}:{i}"
        assert explain_message([untimed], ref) == explain(whole, ref), ref
