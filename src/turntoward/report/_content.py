"""The whole report's content: each conversation's view, the opening summary, drift, check-ins.

Pure: an `Analysis` (and optional check-in series) in, a `ReportView` out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from turntoward.analysis.checkin_signs import CHECKIN_SIGNS, CheckinSeries, checkin_signs
from turntoward.analysis.engine import Analysis, ConversationAnalysis
from turntoward.analysis.scoring import RELIABILITY_NOTE
from turntoward.report._conversation import ConversationBuilder
from turntoward.report._redact import Namer
from turntoward.report.view import (
    ConversationView,
    DriftView,
    OtherConversation,
    ReportView,
    SignView,
    Summary,
    texts,
)


def _contact(results: list[ConversationAnalysis], views: list[ConversationView]) -> list[dict[str, Any]]:
    """Messages per month in each conversation, for the across-relationships chart."""
    return [{"month": row.period.isoformat() + "T00:00:00", "conversation": v.title, "messages": row.messages}
            for r, v in zip(results, views, strict=True) for row in r.monthly if row.person is None]


def _overall(views: list[ConversationView], drift: list[DriftView]) -> Summary:
    """The report's opening: a little of what goes well and what to watch, and one next step."""
    out = Summary()
    several = len(views) > 1
    for v in views:
        prefix = f"{v.title}: " if several else ""
        out.going_well.extend(prefix + s for s in v.summary.going_well[:2])
        out.to_watch.extend(prefix + s for s in v.summary.to_watch[:2])
        out.not_judged.extend(prefix + s for s in v.summary.not_judged)
    out.to_watch.extend(texts()["summary"]["drift"].format(person=d.person, evidence=d.evidence)
                        for d in drift[:2])
    # The next step comes from the most pressing conversation: control first, then any concern.
    pressing = sorted(views, key=lambda v: (not v.control, not v.summary.to_watch, v.number))
    if pressing:
        out.next_step = pressing[0].summary.next_step
    elif drift:
        out.next_step = drift[0].nudge
    else:
        out.next_step = texts()["summary"]["keep_going"]
    return out


def _checkin_signs(r: ConversationAnalysis, people: list[str], checkins: list[CheckinSeries],
                   namer: Namer) -> list[SignView]:
    """The four check-in signs for this conversation's people, or an honest "not measured yet".

    Readings about someone in this conversation (or about nobody in particular) count; with a
    one-to-one chat, the check-in evidence can also say how the messages changed.
    """
    words = texts()["signs"]
    found: dict[str, list[SignView]] = {key: [] for key in CHECKIN_SIGNS}
    for series in checkins:
        readings = [x for x in series.readings if x.about is None or x.about in people]
        together = [x for x in series.together if x.with_person is None or x.with_person in people]
        if not readings and not together:
            continue
        mine = CheckinSeries(series.viewer, readings, together)
        chats = {p: r.weekly for p in people if p != series.viewer} if len(people) == 2 else {}
        whose = f" ({namer.person(series.viewer)}'s check-ins)" if len(checkins) > 1 else ""
        for key, sign in checkin_signs(mine, chats).items():
            asked = any(x.sign == key for x in readings) or (key == "less_time_together" and together)
            if asked:
                found[key].append(SignView(key, words[key] + whose, sign.status.value, namer.scrub(sign.evidence)))
    out: list[SignView] = []
    for key in CHECKIN_SIGNS:
        out.extend(found[key] or [SignView(key, words[key], "not measured", words["not_measured"])])
    return out


def _checkin_rows(checkins: list[CheckinSeries], namer: Namer) -> list[dict[str, Any]]:
    """Each check-in reading as a point: when, which sign, whose, and its level (0 to 1)."""
    names = texts()["signs"]
    return [{"date": x.ts.isoformat(timespec="seconds"), "measure": names.get(x.sign, x.sign),
             "person": namer.person(x.author), "value": round(x.level, 3)}
            for series in checkins for x in series.readings]


DETAILED = 50
"""Conversations the report gives a section of their own. A folder or corpus of more gives one to
those where control, threats or contempt appear first, then to the longest, and lists the rest in a
table: a corpus of two thousand dialogues made a 34 MB page in 69 s."""


def _other(number: int, r: ConversationAnalysis, namer: Namer) -> OtherConversation:
    return OtherConversation(
        title=namer.conversation(number, r.conversation.title), source=namer.source(number, r.conversation.source),
        messages=len(r.conversation.messages), bids=len(r.bids),
        toward=sum(1 for b in r.bids if b.outcome.value == "toward"), calls_for_help=r.calls_for_help)


def build_view(analysis: Analysis, *, redact: bool = False, checkins: list[CheckinSeries] | None = None,
               generated: datetime | None = None) -> ReportView:
    """The report's content for `analysis`; with `redact`, no name or message text survives."""
    namer = Namer(redact)
    if analysis.me:
        namer.add_people([analysis.me])
    people = [r.conversation.people for r in analysis.conversations]
    for names in people:
        namer.add_people(names)
    for d in analysis.drift:
        namer.add_people([d.person])
    results = analysis.conversations
    detailed = analysis.most_pressing(DETAILED)
    views = [ConversationBuilder(k + 1, results[k], people[k], namer).build() for k in detailed]
    shown = set(detailed)
    others = [_other(k + 1, r, namer) for k, r in enumerate(results) if k not in shown]
    words = texts()
    drift = [DriftView(namer.person(d.person), d.status.value, namer.scrub(d.evidence),
                       words["drift"]["nudge"].format(person=namer.person(d.person)))
             for d in analysis.drift]
    ref = words["reference"]
    for v, k in zip(views, detailed, strict=True):
        v.signs.extend(_checkin_signs(results[k], people[k], checkins or [], namer))
    if len(results) == 1:
        title = f"Connection report: {views[0].title}"
    else:
        title = f"Connection report: {len(results):,} conversations"
    return ReportView(
        title=title, generated=(generated or datetime.now()).strftime("%Y-%m-%d %H:%M"), redacted=redact,
        me=namer.person(analysis.me) if analysis.me else None, summary=_overall(views, drift),
        conversations=views, drift=drift,
        contact=_contact([results[k] for k in detailed], views) if len(views) > 1 else [],
        checkins=_checkin_rows(checkins or [], namer), reference=ref, reflection=list(words["reflection"]["questions"]),
        reliability=RELIABILITY_NOTE, others=others,
    )
