"""Suggestions: concrete, kind next steps tied to evidence and to the essays' practices.

Where control, threats or contempt appear the analysis says so plainly and points to help,
never a score (DESIGN.md, Safety and consent). The wording lives in `suggestions.toml`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from turntoward.analysis.findings import (
    Bid,
    ConflictEpisode,
    Horseman,
    MessageLabel,
    Outcome,
    Sign,
    Status,
    Suggestion,
    Withholding,
)

GROUP_NAMED = 3
"""In a group, each kind of suggestion about how a person replied names at most this many people
(those it concerns most): a 512-member community group was given 27 such suggestions."""


@cache
def _texts() -> dict[str, dict[str, Any]]:
    raw = resources.files("turntoward.analysis").joinpath("suggestions.toml").read_text("utf-8")
    return tomllib.loads(raw)


def help_resources(suggested: Sequence[Suggestion]) -> list[str]:
    """Where to turn for help, when one of `suggested` calls for it: with control, threats or abuse
    (plain words, no score), and first of all crisis lines where a message speaks of wanting to
    die or of self-harm. Nothing when none calls for help."""
    crisis = list(_texts()["help"]["crisis"]) if any(s.crisis for s in suggested) else []
    abuse = any(s.help_resources and not s.crisis for s in suggested)
    return crisis + (list(_texts()["help"]["resources"]) if abuse else [])


def _make(key: str, evidence: list[int], **fmt: object) -> Suggestion:
    t = _texts()[key]
    return Suggestion(t["text"].format(**fmt), t["practice"], evidence[:10], bool(t.get("help", False)),
                      bool(t.get("crisis", False)))


def suggestions(
    people: list[str],
    labels: list[MessageLabel],
    bids: list[Bid],
    episodes: list[ConflictEpisode],
    withheld: list[Withholding],
    signs: dict[str, Sign],
    *,
    responders: dict[int, str],
    words_read: bool = True,
    distress: Sequence[int] = (),
) -> list[Suggestion]:
    """What to try next, most important first. `responders` names who answered each bid (by the
    bid's index; unanswered bids are absent). Where the words were not read (a chat not in
    English), nothing is said to be going well. `distress`: the messages that speak of wanting to
    die or of self-harm (`bids.speaks_of_self_harm`), which come first of all.

    In a chat of two, every bid one person makes is received by the other, answered or not. In
    a group a bid is received by whoever answered it, and one nobody answered by nobody in
    particular, so a person is only told about the replies they wrote (as `period_metrics`
    counts them); the wording there is for friends and family, not a couple.
    """
    out: list[Suggestion] = []
    group = len(people) > 2
    if distress:
        out.append(_make("self_harm", list(distress), n=len(distress)))
    control = [lab.index for lab in labels if lab.control]
    if control:
        out.append(_make("control", control, n=len(control)))
    contempt = [lab.index for lab in labels if lab.horseman is Horseman.CONTEMPT]
    if len(contempt) >= 2:
        out.append(_make("contempt_group" if group else "contempt", contempt, n=len(contempt)))
    toward: list[tuple[int, Suggestion]] = []
    sharp: list[tuple[int, Suggestion]] = []
    for person in people:
        if group:
            mine = [b for b in bids if responders.get(b.index) == person]
        else:
            mine = [b for b in bids if b.author != person]
        away = [b.index for b in mine if b.outcome is Outcome.AWAY]
        against = [b.index for b in mine if b.outcome is Outcome.AGAINST]
        if len(mine) >= 5 and len(away) / len(mine) >= 0.3:
            toward.append((len(away), _make("turn_toward_group" if group else "turn_toward", away, person=person,
                                            n=len(away), total=len(mine))))
        if len(against) >= 2 and len(against) >= float(_texts()["turn_against"]["min_share"]) * len(mine):
            sharp.append((len(against), _make("turn_against", against, person=person, n=len(against))))
    for found in (toward, sharp):
        if group:  # a big group names the few it concerns most, not dozens of members
            found = sorted(found, key=lambda nf: -nf[0])[:GROUP_NAMED]
        out += [sug for _, sug in found]
    unrepaired = [e for e in episodes if not e.repaired]
    if unrepaired:
        out.append(_make("repair", [e.start_index for e in unrepaired], n=len(unrepaired)))
    low_ratio = [e for e in episodes if e.negative and e.positive / e.negative < 1]
    if low_ratio:
        out.append(_make("ratio", [e.start_index for e in low_ratio], n=len(low_ratio)))
    for w in withheld:
        out.append(_make("withholding", w.questions, asker=w.asker, evader=w.evader, n=len(w.questions)))
    if len(people) == 2:
        made = {p: sum(1 for b in bids if b.author == p) for p in people}
        hi, lo = sorted(people, key=lambda p: -made[p])
        if made[hi] >= 10 and made[lo] < 0.5 * made[hi]:
            out.append(_make("reciprocity", [], giver=hi, taker=lo, hi=made[hi], lo=made[lo]))
    if signs.get("rarer") and signs["rarer"].status is not Status.OK:
        out.append(_make("rarer", []))
    shallower = signs.get("shallower")
    if shallower and shallower.status is not Status.OK:
        # Name only what fell: shorter messages, fewer disclosures and questions, or both.
        fell = [t.tau < 0 and t.last_level < t.first_level for t in shallower.trends]
        named: dict[tuple[bool, ...], str] = {(True, False): "shallower_words", (False, True): "shallower_depth"}
        key = named.get(tuple(fell), "shallower")
        out.append(_make(key, []))
    met = [b.index for b in bids if b.outcome is Outcome.TOWARD]
    if not out and words_read and met:  # "bids here are mostly met" needs bids that were
        out.append(_make("keep_going", met[:5]))
    return out
