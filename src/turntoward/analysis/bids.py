"""Bids for connection: is a message an attempt to reach the other, and of which kind.

Rules follow ANNOTATION.md: media and links are always attention bids; logistics and bare
acknowledgements are not bids; a reply that only answers is not a bid, but a reply that also
reaches out (a question back, an invitation, affection, a joke) is one.
"""

from __future__ import annotations

from dataclasses import dataclass

from turntoward.analysis._text import Lexicon, TextCues
from turntoward.analysis.context import MessageContext
from turntoward.analysis.findings import BidKind
from turntoward.model import Message, MessageKind

# When several kinds fit, the main one is the first in this order (ANNOTATION: a message that is
# both a repair and something else is a repair).
_PRIORITY = (
    BidKind.REPAIR, BidKind.CHECKIN, BidKind.SUPPORT, BidKind.NEWS, BidKind.FEELINGS, BidKind.INVITATION,
    BidKind.QUESTION, BidKind.AFFECTION, BidKind.HUMOR, BidKind.ATTENTION,
)
# Cues that reach out even in a reply (ANNOTATION: "a reply that also reaches out is a bid").
_REACHING = {"asks_about_you", "invites", "affection", "asks_support", "checks_in", "apologises", "self_harm"}


def speaks_of_self_harm(c: TextCues) -> bool:
    """Whether a message speaks of wanting to die or to hurt oneself, and no laugh marks it as a
    figure of speech ("this lecture makes me want to die 😂"). Such a message is a bid of its
    writer's feelings (or for support), never humour, and the analysis points to crisis lines."""
    return "self_harm" in c.hits and "laughs" not in c.hits


@dataclass(frozen=True, slots=True)
class BidCall:
    kind: BidKind
    score: float
    cues: list[str]


def _cue_list(cues: TextCues, names: list[str]) -> list[str]:
    return [f"{n}:{p}" for n in names for p in cues.hits.get(n, [])]


def detect_bid(
    m: Message,
    ctx: MessageContext,
    lexicon: Lexicon,
    *,
    in_conflict: bool,
    answering_bid: bool,
    checkin_gap_s: float,
) -> BidCall | None:
    """The bid `m` makes, if any."""
    if not m.kind.readable:
        return None
    if m.kind is MessageKind.MEDIA:
        return BidCall(BidKind.ATTENTION, 0.9, ["media"])
    c = ctx.cues
    hits = c.hits
    evidence: dict[BidKind, float] = {}

    def add(kind: BidKind, w: float) -> None:
        evidence[kind] = max(evidence.get(kind, 0.0), w)

    if c.url:
        add(BidKind.ATTENTION, 0.9)
    if "look_at_this" in hits:
        add(BidKind.ATTENTION, 0.8)
    if "apologises" in hits and (in_conflict or "owns_it" in hits):
        add(BidKind.REPAIR, 0.9)
    if ctx.after_silence_s is not None and ctx.after_silence_s >= checkin_gap_s and c.words >= 1:
        add(BidKind.CHECKIN, 0.8)
    if "checks_in" in hits and (ctx.new_session or not answering_bid):
        add(BidKind.CHECKIN, 0.85)
    if "asks_support" in hits:
        add(BidKind.SUPPORT, 0.8)
    if "shares_news" in hits and not c.question and c.words >= 2:
        add(BidKind.NEWS, 0.75 + (0.1 if c.exclaim else 0.0))
    if "feeling_word" in hits and (c.first_person or c.words <= 3) and not c.question:
        add(BidKind.FEELINGS, 0.7)
    if "invites" in hits and (c.question or c.exclaim or c.we_words or "wanna" in hits["invites"]):
        add(BidKind.INVITATION, 0.8)
    if "asks_about_you" in hits:
        add(BidKind.QUESTION, 0.85)
    elif c.question and c.second_person and c.words >= 2:
        add(BidKind.QUESTION, 0.6)
    if "affection" in hits:
        add(BidKind.AFFECTION, 0.8)
    if "laughs" in hits and c.words >= 3:
        add(BidKind.HUMOR, 0.55)
    distress = speaks_of_self_harm(c)
    if distress:
        add(BidKind.FEELINGS, 0.95)
    if not evidence:
        return None

    strong = {k for k, w in evidence.items() if w >= 0.8}
    if (
        "logistics" in hits
        and not strong - {BidKind.QUESTION, BidKind.INVITATION}
        and "asks_about_you" not in hits
        and "invites" not in hits
    ):
        return None  # "can you grab milk?", "are you home at 6?": errands and schedules are not bids
    if (
        c.whole
        and "acknowledgement" in hits
        and "affection" not in hits
        and not evidence.keys() - {BidKind.HUMOR}
        and set(c.whole.split()) <= lexicon.vocabulary["acknowledgement"] | _PUNCTUATION
    ):
        return None  # "ok", "haha", "lol ok": bare acknowledgements
    if answering_bid and not hits.keys() & _REACHING and not c.url and not (c.question and c.second_person):
        return None  # a reply whose only role is to answer is not a bid, however lively
    # The main kind is the highest in priority among the readings close to the strongest.
    strongest = max(evidence.values())
    kind = next(k for k in _PRIORITY if evidence.get(k, -1.0) >= strongest - 0.15)
    if distress and kind is not BidKind.SUPPORT:
        kind = BidKind.FEELINGS
    score = 1.0
    for w in evidence.values():
        score *= 1.0 - w
    names = [n for n in hits if lexicon.cues.get(n) is not None and lexicon.cues[n].feeds in _FEEDS]
    cues = _cue_list(c, names)
    if c.url:
        cues.append("link")
    if c.question:
        cues.append("question_mark" if "?" in m.text else "question_form")
    if ctx.after_silence_s is not None and ctx.after_silence_s >= checkin_gap_s:
        cues.append(f"after_silence:{int(ctx.after_silence_s // 86400)}d")
    return BidCall(kind, round(1.0 - score, 3), cues)


_FEEDS = {k.value for k in BidKind}
_PUNCTUATION = frozenset({"!", ".", "?"})
