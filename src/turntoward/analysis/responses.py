"""How a bid was answered: which message is the response, and toward / away / against.

ANNOTATION.md: the other person's reaction decides. No reply, a late reply that ignores the
bid, a minimal reply to an emotional bid, or changing the subject is turning away; hostile,
mocking, irritated or dismissive is turning against; engaging in any way is turning toward.
In a group chat anyone else can respond, and only a message that reacts to the bid counts.
A bid that the replies turned away from but someone reacted to (a ❤️ on the photo, then
nothing) was seen and answered: the reaction decides, as a one-word reply would
(`classify_reaction`, applied by the backends).
"""

from __future__ import annotations

from functools import lru_cache

from turntoward.analysis._config import Thresholds
from turntoward.analysis._text import Lexicon, TextCues, tokens
from turntoward.analysis.context import MessageContext, waking_seconds
from turntoward.analysis.findings import Bid, BidKind, Outcome
from turntoward.model import Message, MessageKind, Reaction

# Bids that ask for emotional engagement: a bare "k" to them is turning away.
EMOTIONAL = {BidKind.NEWS, BidKind.FEELINGS, BidKind.SUPPORT, BidKind.AFFECTION, BidKind.REPAIR,
             BidKind.CHECKIN}
_ENGAGING = ("enthusiasm", "empathy", "declines_warmly", "affection", "asks_about_you", "laughs", "owns_it",
             "apologises")
_NEGATIVE = ("dismissive", "insult", "contempt", "criticism", "defensiveness", "stonewalling")
_REACTIONS = _ENGAGING + _NEGATIVE + ("minimal", "acknowledgement")


def _is_minimal(c: TextCues) -> bool:
    return bool(c.whole) and c.words <= 2 and ("minimal" in c.hits or "acknowledgement" in c.hits) and not (
        c.has("enthusiasm", "empathy", "affection", "laughs") and c.exclaim
    )


def _is_negative(c: TextCues, lexicon: Lexicon) -> bool:
    """Hostile, mocking or dismissive, by a phrase that needs no context ("whatever", "so?", 🙄)."""
    if not any(c.strong(n, lexicon) for n in _NEGATIVE if n in c.hits):
        return False
    # "oh no, poor you" is empathy, though "poor you" can also mock: warmth wins unless the
    # mockery or the attack needs no context.
    warm = c.has("empathy", "affection", "enthusiasm")
    return not warm or c.strong("contempt", lexicon) or c.strong("criticism", lexicon)


@lru_cache(maxsize=4_096)
def first_name(author: str) -> str | None:
    """The first word of a name, if it is a word of two letters or more."""
    first = next((t for t in tokens(author) if t[0].isalpha()), None)
    return first if first is not None and len(first) >= 2 else None


def names(author: str, m: Message) -> bool:
    """Whether message `m` names `author` by their first name, as a word of its own ("priya!!",
    "@Priya"; not "Al" in "also")."""
    first = first_name(author)
    return first is not None and m.kind is MessageKind.TEXT and first in tokens(m.text)


def reacts(c: TextCues, m: Message, bid_msg: Message, bid_cues: TextCues) -> bool:
    """Does this group message react to the bid rather than to something else?"""
    if m.reply_to == bid_msg.index:
        return True
    if m.reply_to is not None:
        return False
    if names(bid_msg.author, m):
        return True
    if c.has(*_REACTIONS) or m.kind is MessageKind.MEDIA:
        return True
    return bid_cues.question and c.words >= 1 and not c.question


def find_response(
    bid: Bid,
    messages: list[Message],
    ctxs: list[MessageContext],
    group: bool,
    th: Thresholds,
) -> int | None:
    """Index of the message that constitutes the response to `bid`, or None."""
    bid_msg = messages[bid.index]
    window = th.group_window_s if group else th.window_s
    for j in range(bid.index + 1, len(messages)):
        m = messages[j]
        if (m.ts - bid_msg.ts).total_seconds() > window:
            return None
        if m.author == bid_msg.author or not m.kind.readable:  # a deleted message's words are gone
            continue
        if m.reply_to is not None and m.reply_to != bid.index and m.reply_to > bid.index:
            continue  # explicitly answers a later message
        if not group or reacts(ctxs[j].cues, m, bid_msg, ctxs[bid.index].cues):
            return j
        c = ctxs[j].cues
        if (m.ts - bid_msg.ts).total_seconds() <= _GROUP_FOLLOW_S and m.reply_to is None and not (
            "logistics" in c.hits or c.question
        ):
            return j  # in a lively group the next words soon after a bid are its answer, unless a new errand
    return None


# In a group, a message by someone else this soon after a bid answers it unless it starts an errand.
_GROUP_FOLLOW_S = 1800


def classify(
    bid: Bid,
    bid_msg: Message,
    response: Message | None,
    rc: TextCues | None,
    th: Thresholds,
    lexicon: Lexicon,
) -> tuple[Outcome, list[str]]:
    """Toward, away or against, with the cues of the response that decided it."""
    if response is None or rc is None:
        return Outcome.AWAY, ["no_reply"]
    hits = rc.hits  # most replies carry no cue at all: nothing to list
    cues = [f"{n}:{p}" for n in _REACTIONS if n in hits for p in hits[n]] if hits else []
    if _is_negative(rc, lexicon):
        return Outcome.AGAINST, cues
    late = waking_seconds(bid_msg.ts, response.ts, th) > th.late_waking_s
    engaged = rc.has(*_ENGAGING) or (rc.question and rc.second_person) or response.kind is MessageKind.MEDIA
    if _is_minimal(rc):
        if bid.kind in EMOTIONAL or late:
            return Outcome.AWAY, [*cues, "minimal_reply"]
        return Outcome.TOWARD, cues
    if late and not engaged:
        return Outcome.AWAY, [*cues, "late_reply_ignores_bid"]
    if bid.kind in EMOTIONAL and "logistics" in rc.hits and not engaged:
        return Outcome.AWAY, [*cues, "changes_subject"]
    return Outcome.TOWARD, cues or ["engages"]


# Reactions read like the shortest replies: an eye-roll or thumbs-down is turning against, a bare
# thumbs-up is an "ok" (fine for an invitation, minimal for "I got the job!!"), any other
# emoji (❤️ 😂 😮 😢 🎉 …) engages. Compared without variation selectors and skin tones.
NEGATIVE_REACTIONS = frozenset({"👎", "😠", "😡", "🤬", "🙄", "😒", "🖕", "💩", "🤮"})
ACKNOWLEDGING_REACTIONS = frozenset({"👍", "👌", "🆗", "✅", "✔"})
_MODIFIERS = dict.fromkeys([0xFE0F, 0xFE0E, *range(0x1F3FB, 0x1F400)])


def bare_emoji(emoji: str) -> str:
    """The emoji without variation selectors and skin tones ("👍🏽" -> "👍", "❤️" -> "❤")."""
    return emoji.translate(_MODIFIERS)


_NEGATIVE_BARE = frozenset(map(bare_emoji, NEGATIVE_REACTIONS))
_ACKNOWLEDGING_BARE = frozenset(map(bare_emoji, ACKNOWLEDGING_REACTIONS))


def first_reaction(bid_msg: Message) -> Reaction | None:
    """The first reaction to the bid by someone else, as the export lists them, or None.

    When it was given is not used, though some exports record it: the same chat exported by
    another app or in another layout (Telegram's HTML, imessage-exporter's text) does not, and
    must get the same labels; and people react while they read, not days later.
    """
    return next((r for r in bid_msg.reactions if r.author != bid_msg.author), None)


def classify_reaction(bid: Bid, reaction: Reaction) -> tuple[Outcome, list[str]]:
    """Toward, away or against for a bid answered only by `reaction`, with the cues that decided."""
    cue = f"reaction:{reaction.emoji} from {reaction.author}"
    emoji = bare_emoji(reaction.emoji)
    if emoji in _NEGATIVE_BARE:
        return Outcome.AGAINST, [cue, "negative_reaction"]
    if emoji in _ACKNOWLEDGING_BARE and bid.kind in EMOTIONAL:
        return Outcome.AWAY, [cue, "minimal_reply"]
    return Outcome.TOWARD, [cue]
