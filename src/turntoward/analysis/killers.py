"""The connection killers of the first essay: control and coercion, accountability, withholding.

Lying cannot be seen in text; the analysis says so instead of pretending (see `LYING_NOTE`).
"""

from __future__ import annotations

from turntoward.analysis._config import Thresholds
from turntoward.analysis._text import Lexicon, TextCues
from turntoward.analysis.conflict import said_plainly
from turntoward.analysis.findings import Accountability, Bid, BidKind, Outcome, Withholding
from turntoward.model import Message

LYING_NOTE = (
    "Lying cannot be read from messages: turntoward does not try. Whether you can be honest with each "
    "other is a question for your check-ins and your conversations."
)


def is_control(c: TextCues, lexicon: Lexicon, *, in_conflict: bool, controlled_recently: bool) -> bool:
    """Monitoring, ordering, isolating, threatening or guilt-tripping into compliance."""
    if said_plainly(c, in_conflict, lexicon)[1]:
        return True  # "i'll hurt you" said plainly: a threat by its words
    if "control" not in c.hits:
        return False
    if c.strong("control", lexicon):
        return not (c.has("laughs") and not in_conflict and not controlled_recently)
    return in_conflict or controlled_recently


def accountability_of(c: TextCues, lexicon: Lexicon, *, in_conflict: bool) -> Accountability | None:
    """Owns or deflects, only where someone is plainly at fault (inside conflict, or an apology)."""
    if "deflects" in c.hits and (in_conflict or c.has("defensiveness", "criticism")):
        return Accountability.DEFLECTS
    if "owns_it" in c.hits and (in_conflict or c.has("apologises")):
        return Accountability.OWNS
    return None


def withholding(messages: list[Message], bids: list[Bid], th: Thresholds) -> list[Withholding]:
    """People who repeatedly leave the other's direct questions unanswered or evaded."""
    by_pair: dict[tuple[str, str], list[int]] = {}
    people = {m.author for m in messages}
    if len(people) != 2:
        return []  # in a group, an unanswered question is not withheld from anyone in particular
    for b in bids:
        if b.kind is not BidKind.QUESTION or b.outcome is not Outcome.AWAY:
            continue
        other = next(p for p in people if p != b.author)
        by_pair.setdefault((b.author, other), []).append(b.index)
    return [Withholding(asker, evader, qs) for (asker, evader), qs in by_pair.items()
            if len(qs) >= th.withholding_min]
