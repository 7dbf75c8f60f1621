"""Conflict: the four horsemen per message, conflict episodes, repair, and the 5:1 ratio."""

from __future__ import annotations

from turntoward.analysis._config import Thresholds
from turntoward.analysis._text import Lexicon, TextCues
from turntoward.analysis.findings import Bid, ConflictEpisode, Horseman, MessageLabel, Outcome
from turntoward.model import Message

# When a message shows several, the one named is the first here: contempt is the strongest
# predictor of harm in Gottman's work, stonewalling is named where someone shuts down.
_ORDER = (
    ("insult", Horseman.CONTEMPT),
    ("contempt", Horseman.CONTEMPT),
    ("criticism", Horseman.CRITICISM),
    ("defensiveness", Horseman.DEFENSIVENESS),
    ("stonewalling", Horseman.STONEWALLING),
)
_POSITIVE_CUES = ("affection", "empathy", "enthusiasm", "apologises", "owns_it", "laughs")
WARM_CUES = ("laughs", "affection", "endearment")
"""Cues that make a line playful or fond outside a quarrel: "you always make me laugh 😂", "u always look
after everyone else babe" is not criticism."""


def said_plainly(c: TextCues, heated: bool, lexicon: Lexicon) -> tuple[bool, bool]:
    """Whether a message insults or threatens the other in so many words ("fuck you", "i'll hurt you"):
    contempt and control by their words alone (ANNOTATION.md: "insults", "threatening"), whatever the
    models made of phrases our corpus seldom holds (the hybrid's `_label_one`; the rules' `is_control`).
    Not with laughter or affection outside a quarrel ("fuck off 😂"), and a phrase that is one only in
    a quarrel ("you suck at this", "you're dead") only in its `heated` words (the hybrid: a quarrel's
    heat; the rules: inside a conflict)."""
    if "insult" not in c.hits and "threat" not in c.hits:
        return False, False
    if c.has(*WARM_CUES) and not heated:
        return False, False
    insult = "insult" in c.hits and (heated or c.strong("insult", lexicon))
    threat = "threat" in c.hits and (heated or c.strong("threat", lexicon))
    return insult, threat


def horseman_of(c: TextCues, lexicon: Lexicon, *, in_conflict: bool) -> Horseman | None:
    """The horseman a message shows, if any. Weak phrases count only inside conflict."""
    playful = c.has(*WARM_CUES) and not in_conflict
    found: list[Horseman] = []
    for cue, horseman in _ORDER:
        if cue not in c.hits:
            continue
        if c.strong(cue, lexicon) or in_conflict:
            found.append(horseman)
    if not found or playful:
        return None
    if Horseman.STONEWALLING in found and c.words <= 6 and len(found) > 1 and Horseman.CONTEMPT not in found:
        return Horseman.STONEWALLING
    return found[0]


def is_negative(label: MessageLabel, c: TextCues, lexicon: Lexicon) -> bool:
    """A message that makes conflict: a horseman, control, or a dismissive reply that needs no context."""
    return label.horseman is not None or label.control or c.strong("dismissive", lexicon)


def is_positive(label: MessageLabel, c: TextCues) -> bool:
    return label.repair or (label.horseman is None and c.has(*_POSITIVE_CUES))


def episodes(
    messages: list[Message],
    labels: list[MessageLabel],
    cues: list[TextCues],
    bids: list[Bid],
    lexicon: Lexicon,
    th: Thresholds,
) -> list[ConflictEpisode]:
    """Group negative messages into conflict episodes and see whether each was repaired."""
    against_responses = {b.response_index for b in bids if b.outcome is Outcome.AGAINST and b.response_index}
    negative = [i for i, lab in enumerate(labels) if is_negative(lab, cues[i], lexicon) or i in against_responses]
    groups: list[list[int]] = []
    for i in negative:
        if groups and (messages[i].ts - messages[groups[-1][-1]].ts).total_seconds() <= th.episode_gap_s:
            groups[-1].append(i)
        else:
            groups.append([i])
    repair_bids = {b.index: b for b in bids if b.kind == "repair"}
    out: list[ConflictEpisode] = []
    for g in groups:
        if len(g) < 2 or not any(labels[i].horseman is not None or labels[i].control for i in g):
            continue  # one sharp message, or irritation without any horseman, is not yet a conflict
        start, end = g[0], g[-1]
        horsemen: dict[str, int] = {}
        for i in g:
            h = labels[i].horseman
            if h is not None:
                horsemen[h.value] = horsemen.get(h.value, 0) + 1
        limit = messages[end].ts.timestamp() + th.repair_after_s
        attempts = []
        for i in range(start, len(messages)):
            if messages[i].ts.timestamp() > limit:
                break
            if labels[i].repair:
                attempts.append(i)
        taken = [i for i in attempts if i in repair_bids and repair_bids[i].outcome is Outcome.TOWARD]
        inside = range(start, end + 1)
        positive = sum(1 for i in inside if is_positive(labels[i], cues[i]))
        neg = len(g)  # every negative message from the first to the last: each in `inside`
        out.append(ConflictEpisode(
            start_index=start, end_index=end, start=messages[start].ts, end=messages[end].ts,
            horsemen=horsemen, repair_attempts=attempts, repairs_taken_up=taken,
            repaired=bool(taken), positive=positive, negative=neg,
        ))
    return out
