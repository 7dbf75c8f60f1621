"""What the report shows, as plain data: aggregates of the analysis, a few quoted examples, wording.

Pure: an `Analysis` in, a `ReportView` out. Every figure is an aggregate (per person, kind,
week or month), so the page stays small however long the history; every quoted example keeps
its ``source:index`` so `turntoward explain` can show why it was read that way.
"""

from __future__ import annotations

import heapq
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from operator import attrgetter
from typing import Any

from turntoward.analysis.checkin_signs import CHECKIN_SIGNS, CheckinSeries, checkin_signs
from turntoward.analysis.engine import Analysis, ConversationAnalysis
from turntoward.analysis.findings import Bid, BidKind, Outcome, Status
from turntoward.analysis.suggest import help_resources
from turntoward.report._redact import Namer

# Kinds whose missed or answered moments matter most to quote: the vulnerable ones first.
_QUOTE_PRIORITY = (BidKind.FEELINGS, BidKind.SUPPORT, BidKind.NEWS, BidKind.REPAIR, BidKind.AFFECTION,
                   BidKind.INVITATION, BidKind.CHECKIN, BidKind.QUESTION, BidKind.HUMOR, BidKind.ATTENTION)
_QUOTED_EXAMPLES = 4
_QUOTE_CHARS = 280


@cache
def texts() -> dict[str, Any]:
    """The report's wording (`texts.toml`)."""
    return tomllib.loads(resources.files("turntoward.report").joinpath("texts.toml").read_text("utf-8"))


@dataclass(slots=True)
class Quote:
    """A quoted message (and the reply to it), with its reference for `turntoward explain`."""

    ref: str
    when: str
    author: str
    text: str
    kind: str
    outcome: str
    reply_ref: str | None = None
    reply_author: str | None = None
    reply_text: str | None = None
    reply_after: str | None = None


@dataclass(slots=True)
class PersonBids:
    person: str
    made: int
    toward: int
    away: int
    against: int
    received: int
    turn_toward_rate: float | None
    initiations: int
    median_latency: str


@dataclass(slots=True)
class Episode:
    ref: str
    start: str
    end: str
    horsemen: dict[str, int]
    repair_attempts: int
    repairs_taken_up: int
    repaired: bool
    positive: int
    negative: int
    ratio: float | None


@dataclass(slots=True)
class SignView:
    key: str
    title: str
    status: str
    evidence: str


@dataclass(slots=True)
class SuggestionView:
    text: str
    practice: str
    refs: list[str]


@dataclass(slots=True)
class Summary:
    going_well: list[str] = field(default_factory=list)
    to_watch: list[str] = field(default_factory=list)
    next_step: str = ""


@dataclass(slots=True)
class ConversationView:
    """Everything the report shows about one conversation."""

    number: int
    anchor: str
    title: str
    source: str
    relationship: str
    people: list[str]
    messages: int
    first: str
    last: str
    summary: Summary
    bids: list[PersonBids]
    by_kind: list[dict[str, Any]]
    monthly: list[dict[str, Any]]
    weekly: list[dict[str, Any]]
    went_well: list[Quote]
    missed: list[Quote]
    episodes: list[Episode]
    horsemen: dict[str, int]
    control: list[Quote]
    accountability: list[dict[str, Any]]
    withholding: list[str]
    help: list[str]
    lying_note: str
    signs: list[SignView]
    suggestions: list[SuggestionView]


@dataclass(slots=True)
class DriftView:
    person: str
    status: str
    evidence: str
    nudge: str


@dataclass(slots=True)
class ReportView:
    """The whole report as data: what the template renders and the charts draw."""

    title: str
    generated: str
    redacted: bool
    me: str | None
    summary: Summary
    conversations: list[ConversationView]
    drift: list[DriftView]
    contact: list[dict[str, Any]]
    checkins: list[dict[str, Any]]
    reference: dict[str, Any]
    reflection: list[str]


def _day(ts: datetime | date) -> str:
    return ts.strftime("%Y-%m-%d")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def _clip(text: str) -> str:
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1].rstrip() + "…"


class _Builder:
    """Builds the view of one conversation; `namer` decides what may be shown."""

    def __init__(self, number: int, result: ConversationAnalysis, people: list[str], namer: Namer) -> None:
        self.n = number
        self.people = people
        self.control_count = 0
        self.r = result
        self.namer = namer
        self.conv = result.conversation
        self.src = namer.source(number, self.conv.source)

    def ref(self, index: int) -> str:
        return f"{self.src}:{index}"

    def quote(self, b: Bid) -> Quote:
        msgs, nm = self.conv.messages, self.namer
        m = msgs[b.index]
        q = Quote(self.ref(b.index), _day(m.ts) + m.ts.strftime(" %H:%M"), nm.person(m.author),
                  nm.message(_clip(m.text)), b.kind.value, b.outcome.value)
        if b.response_index is not None:
            reply = msgs[b.response_index]
            q.reply_ref = self.ref(b.response_index)
            q.reply_author = nm.person(reply.author)
            q.reply_text = nm.message(_clip(reply.text))
            q.reply_after = _duration(b.latency_s)
        return q

    def pick(self, buckets: dict[BidKind, list[Bid]]) -> list[Quote]:
        """A few telling examples: vulnerable kinds first, the clearest first, spread over months."""
        pool: list[Bid] = []
        for kind in _QUOTE_PRIORITY:
            # nlargest keeps source order among equal scores, so the choice is deterministic.
            pool.extend(heapq.nlargest(_QUOTED_EXAMPLES * 8, buckets.get(kind, []), key=attrgetter("score")))
        chosen: list[Bid] = []
        months: set[tuple[int, int]] = set()
        for strict in (True, False):
            for b in pool:
                if len(chosen) >= _QUOTED_EXAMPLES:
                    break
                ts = self.conv.messages[b.index].ts
                if any(c is b for c in chosen) or (strict and (ts.year, ts.month) in months):
                    continue
                chosen.append(b)
                months.add((ts.year, ts.month))
        chosen.sort(key=attrgetter("index"))
        return [self.quote(b) for b in chosen]

    def build(self) -> ConversationView:
        r, conv, nm = self.r, self.conv, self.namer
        msgs = conv.messages
        people = self.people
        t = _tally(r, people)
        bids = [
            PersonBids(nm.person(p), t.made[p], t.toward[p], t.away[p], t.against[p], t.received[p],
                       round(t.turned_toward[p] / t.received[p], 3) if t.received[p] else None,
                       t.initiations[p], _duration(_median(t.latencies.get(p, []))))
            for p in people
        ]
        by_kind = [{"kind": k.value, "outcome": o.value, "bids": n} for (k, o), n in sorted(t.kinds.items()) if n]
        monthly = [
            {"month": r_.period.isoformat() + "T00:00:00", "person": nm.person(r_.person),
             "turn_toward": round(r_.turned_toward / r_.bids_received, 3) if r_.bids_received else None,
             "bids_received": r_.bids_received, "bids_made": r_.bids_made, "initiations": r_.initiations,
             "reply_minutes": round(r_.median_reply_s / 60, 1) if r_.median_reply_s is not None else None}
            for r_ in r.monthly if r_.person is not None
        ]
        weekly = [
            {"week": r_.period.isoformat() + "T00:00:00", "messages": r_.messages, "active_days": r_.active_days,
             "words_per_message": round(r_.words / r_.messages, 2) if r_.messages else None}
            for r_ in r.weekly if r_.person is None
        ]
        horsemen = Counter[str]()
        for e in r.episodes:
            horsemen.update(e.horsemen)
        owns = Counter[str]()
        deflects = Counter[str]()
        for lab in r.labels:
            if lab.accountability is not None:
                (owns if lab.accountability.value == "owns" else deflects)[msgs[lab.index].author] += 1
        control_indices = r.control_messages
        control = [self.control_quote(i) for i in control_indices[:_QUOTED_EXAMPLES * 2]]
        helps = help_resources() if any(s.help_resources for s in r.suggestions) else []
        view = ConversationView(
            number=self.n, anchor=f"conversation-{self.n}", title=nm.conversation(self.n, conv.title),
            source=self.src, relationship=conv.relationship.value, people=[nm.person(p) for p in people],
            messages=len(msgs), first=_day(msgs[0].ts) if msgs else "-", last=_day(msgs[-1].ts) if msgs else "-",
            summary=Summary(), bids=bids, by_kind=by_kind, monthly=monthly, weekly=weekly,
            went_well=self.pick(t.answered), missed=self.pick(t.missed),
            episodes=[self.episode(e) for e in r.episodes], horsemen=dict(horsemen), control=control,
            accountability=[{"person": nm.person(p), "owns": owns[p], "deflects": deflects[p]}
                            for p in people if owns[p] or deflects[p]],
            withholding=[nm.scrub(texts()["summary"]["withholding"].format(
                n=len(w.questions), asker=w.asker, evader=w.evader)) for w in r.withholding],
            help=helps, lying_note=r.lying_note, signs=self.signs(),
            suggestions=[SuggestionView(nm.scrub(s.text), s.practice, [self.ref(i) for i in s.evidence[:5]])
                         for s in r.suggestions],
        )
        self.control_count = len(control_indices)
        view.summary = self.summary(view)
        return view

    def control_quote(self, index: int) -> Quote:
        m = self.conv.messages[index]
        return Quote(self.ref(index), _day(m.ts) + m.ts.strftime(" %H:%M"), self.namer.person(m.author),
                     self.namer.message(_clip(m.text)), "control", "")

    def episode(self, e: Any) -> Episode:
        return Episode(self.ref(e.start_index), e.start.isoformat(timespec="minutes"),
                       e.end.isoformat(timespec="minutes"), dict(e.horsemen), len(e.repair_attempts),
                       len(e.repairs_taken_up), e.repaired, e.positive, e.negative, e.positive_negative_ratio)

    def signs(self) -> list[SignView]:
        words = texts()["signs"]
        return [SignView(key, words.get(key, key), s.status.value, self.namer.scrub(s.evidence))
                for key, s in self.r.signs.items()]

    def summary(self, view: ConversationView) -> Summary:
        words = texts()["summary"]
        out = Summary()
        # In a group an unanswered bid counts against everyone else, so rates are not told as praise or worry.
        for pb in view.bids if len(view.people) == 2 else []:
            if pb.turn_toward_rate is None or pb.received < 5:
                continue
            if pb.turn_toward_rate >= 0.75:
                out.going_well.append(words["rate_high"].format(person=pb.person, rate=_percent(pb.turn_toward_rate)))
            elif pb.turn_toward_rate < 0.5:
                out.to_watch.append(words["rate_low"].format(person=pb.person, rate=_percent(pb.turn_toward_rate)))
        warm = sum(pb.toward for pb in view.bids)
        if warm:
            out.going_well.append(words["bids_answered"].format(n=warm))
        repaired = sum(e.repaired for e in view.episodes)
        if not view.episodes:
            out.going_well.append(words["no_conflict"])
        elif repaired:
            out.going_well.append(words["repaired"].format(n=repaired, total=len(view.episodes)))
        if view.control:
            out.to_watch.insert(0, words["control"].format(n=self.control_count))
        for s in view.signs:
            if s.status != Status.OK:
                out.to_watch.append(words["sign"].format(name=s.key, evidence=s.evidence))
        if len(view.episodes) > repaired:
            out.to_watch.append(words["unrepaired"].format(n=len(view.episodes) - repaired))
        out.to_watch.extend(view.withholding)
        out.next_step = view.suggestions[0].text if view.suggestions else words["keep_going"]
        return out


@dataclass(slots=True)
class _Tally:
    """Per-person bid figures and quotable candidates, from one pass over the bids."""

    made: dict[str, int]
    toward: dict[str, int]
    away: dict[str, int]
    against: dict[str, int]
    received: dict[str, int]
    turned_toward: dict[str, int]
    initiations: dict[str, int]
    latencies: dict[str, list[float]]
    kinds: dict[tuple[BidKind, Outcome], int]
    answered: dict[BidKind, list[Bid]]
    missed: dict[BidKind, list[Bid]]


def _tally(r: ConversationAnalysis, people: list[str]) -> _Tally:
    """Bids made and received per person, by kind and outcome, in a single pass.

    Received follows `ConversationAnalysis.turn_toward_rate`: a bid is received by whoever
    answered it, or by everyone else when nobody did. Plain dicts with every key present keep
    the loop cheap for a few hundred thousand bids.
    """
    everyone = set(people) | {b.author for b in r.bids}
    zero = dict.fromkeys(everyone, 0)
    t = _Tally(dict(zero), dict(zero), dict(zero), dict(zero), dict(zero), dict(zero), dict(zero),
               {p: [] for p in everyone}, {(k, o): 0 for k in BidKind for o in Outcome},
               {k: [] for k in BidKind}, {k: [] for k in BidKind})
    msgs = r.conversation.messages
    toward, against = Outcome.TOWARD, Outcome.AGAINST
    made, kinds, received = t.made, t.kinds, t.received
    others = {p: [q for q in people if q != p] for p in everyone}
    for b in r.bids:
        outcome, author = b.outcome, b.author
        made[author] += 1
        kinds[(b.kind, outcome)] += 1
        if outcome is toward:
            t.toward[author] += 1
        elif outcome is against:
            t.against[author] += 1
        else:
            t.away[author] += 1
            t.missed[b.kind].append(b)
        if b.response_index is not None:
            who = msgs[b.response_index].author
            received[who] = received.get(who, 0) + 1
            if outcome is toward:
                t.turned_toward[who] = t.turned_toward.get(who, 0) + 1
                t.answered[b.kind].append(b)
            if b.latency_s is not None:
                t.latencies.setdefault(who, []).append(b.latency_s)
        else:
            for p in others[author]:
                received[p] += 1
        if outcome is against:
            t.missed[b.kind].append(b)
    for row in r.weekly:
        if row.person is not None:
            t.initiations[row.person] = t.initiations.get(row.person, 0) + row.initiations
    return t


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


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
    views = [_Builder(i, r, names, namer).build()
             for i, (r, names) in enumerate(zip(analysis.conversations, people, strict=True), start=1)]
    words = texts()
    drift = [DriftView(namer.person(d.person), d.status.value, namer.scrub(d.evidence),
                       words["drift"]["nudge"].format(person=namer.person(d.person)))
             for d in analysis.drift]
    ref = words["reference"]
    for v, r, names in zip(views, analysis.conversations, people, strict=True):
        v.signs.extend(_checkin_signs(r, names, checkins or [], namer))
    if len(views) == 1 and analysis.conversations:
        title = f"Connection report: {views[0].title}"
    else:
        title = f"Connection report: {len(views)} conversations"
    return ReportView(
        title=title, generated=(generated or datetime.now()).strftime("%Y-%m-%d %H:%M"), redacted=redact,
        me=namer.person(analysis.me) if analysis.me else None, summary=_overall(views, drift),
        conversations=views, drift=drift, contact=_contact(analysis.conversations, views) if len(views) > 1 else [],
        checkins=_checkin_rows(checkins or [], namer), reference=ref, reflection=list(words["reflection"]["questions"]),
    )
