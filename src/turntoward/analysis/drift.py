"""Drift across relationships: the people the user is in touch with less and less.

Seed essay 002 (loneliness, "take the first step") and 001 ("communication gets rarer"): across
every conversation with a person, compare the recent weeks with the weeks before, and notice
bids from the user that went unanswered at the end.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date, timedelta

from turntoward.analysis._config import Thresholds
from turntoward.analysis.context import has_dates
from turntoward.analysis.findings import Drift, Outcome, Status
from turntoward.analysis.metrics import week_of
from turntoward.model import Conversation


def guess_me(conversations: list[Conversation]) -> str | None:
    """Who the user is: the name the exports say, else the author in the most conversations."""
    named = [c.me for c in conversations if c.me]
    if named:
        return Counter(named).most_common(1)[0][0]
    if len(conversations) < 2:
        return None
    seen = Counter(p for c in conversations for p in c.people)
    (top, n), *rest = [*seen.most_common(2), ("", 0)]
    return top if n > rest[0][1] else None


def spelled_here(me: str | None, people: list[str]) -> str | None:
    """How this conversation writes the user's name `me`: exactly, else the one person whose name
    is the same but for case and the spaces and hyphens phones vary (``+91\u00a099874\u00a044995``
    from an iPhone for ``+91 99874 44995``); None when no one is."""
    if me is None or me in people:
        return me
    key = _loose(me)
    alike = [p for p in people if _loose(p) == key]
    return alike[0] if len(alike) == 1 else None


def _loose(name: str) -> str:
    name = unicodedata.normalize("NFKC", name).replace("\u2011", "-").replace("\u2010", "-")
    return " ".join(name.split()).casefold()


def drift(analyses: list, me: str | None, th: Thresholds) -> list[Drift]:
    """People `me` is drifting from, worst first. `analyses` are `ConversationAnalysis` objects."""
    ends = [a.conversation.messages[-1].ts for a in analyses if a.conversation.messages]
    if not ends:  # no conversations, or none with a message yet
        return []
    end = max(ends)
    cut = week_of(end) - timedelta(weeks=th.drift_recent_weeks - 1)
    weekly: dict[str, Counter[date]] = {}
    bids: dict[str, list[tuple[str, int, Outcome]]] = {}
    for a in analyses:
        conv = a.conversation
        me_here = spelled_here(me, conv.people)
        others = [p for p in conv.people if p != me_here]
        if me_here is None or not others:  # the user did not write here, or nobody else did
            continue
        if not has_dates(conv.messages):  # one moment or one step for every line: its weeks say nothing
            continue
        group = len(others) > 1
        # In a large group (a class, a club), what someone writes is to everyone: only their
        # exchanges with the user (a message right after the user's, or quoting it) are contact.
        crowd = len(others) >= th.drift_large_group
        mine = {m.index for m in conv.messages if m.author == me_here}
        prev_author: str | None = None
        for m in conv.messages:
            # In a one-to-one chat every message is contact; in a group only what a person
            # writes, and the user's replies right after it.
            if not group:
                weekly.setdefault(others[0], Counter())[week_of(m.ts)] += 1
            elif m.author != me_here:
                if not crowd or prev_author == me_here or m.reply_to in mine:
                    weekly.setdefault(m.author, Counter())[week_of(m.ts)] += 1
            elif prev_author is not None and prev_author != me_here:
                weekly.setdefault(prev_author, Counter())[week_of(m.ts)] += 1
            prev_author = m.author
        for b in a.bids:
            if b.author == me_here and len(others) == 1:
                bids.setdefault(others[0], []).append((conv.source, b.index, b.outcome))
    out: list[tuple[float, Drift]] = []
    for person, counts in weekly.items():
        first = min(counts)
        before_weeks = max(1, (cut - first).days // 7)
        before = sum(n for w, n in counts.items() if w < cut) / before_weeks
        recent = sum(n for w, n in counts.items() if w >= cut) / th.drift_recent_weeks
        run: list[tuple[str, int]] = []
        for source, index, outcome in reversed(bids.get(person, [])):
            if outcome is not Outcome.AWAY:
                break
            run.append((source, index))
        run.reverse()
        if (cut - first).days < 7 * th.drift_recent_weeks or before <= 0:
            continue
        # a drop from less than a message or so a week is no drift, only someone who rarely wrote
        drop = 1 - recent / before if before >= th.drift_min_weekly else 0.0
        status = None
        if drop >= th.drift_concern_drop or (drop >= th.drift_watch_drop and len(run) >= th.drift_unanswered_run):
            status = Status.CONCERN
        elif drop >= th.drift_watch_drop or len(run) >= th.drift_unanswered_run:
            status = Status.WATCH
        if status is None:
            continue
        text = (f"you and {person} went from about {_messages(before)} a week to {_messages(recent)} "
                f"in the last {th.drift_recent_weeks} weeks (since {cut.isoformat()})")
        if len(run) >= 2:
            text += f"; your last {len(run)} bids to {person} were not answered"
        out.append((before - recent, Drift(person, status, text, run)))
    # concerns first, each kind the largest fall in messages first
    out.sort(key=lambda pair: (pair[1].status != Status.CONCERN, -pair[0], pair[1].person))
    return [d for _, d in out]


def _messages(per_week: float) -> str:
    """``about 1 message``, ``about 12 messages`` (rounded as shown)."""
    shown = f"{per_week:.0f}"
    return f"{shown} message" if shown == "1" else f"{shown} messages"
