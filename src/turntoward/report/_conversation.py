"""One conversation's part of the report: bids tallied in one pass, quotes picked, summary worded.

Pure: a `ConversationAnalysis` in, a `ConversationView` out. Its loops run once over the bids
and once over the labels, so a million-message history is aggregated in about a second.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from turntoward.analysis.context import UNTIMED_NOTE, has_times
from turntoward.analysis.engine import ConversationAnalysis
from turntoward.analysis.findings import Bid, BidKind, Outcome, Status
from turntoward.analysis.suggest import help_resources
from turntoward.report._redact import Namer
from turntoward.report.view import (
    ConversationView,
    Episode,
    PersonBids,
    Quote,
    SignView,
    SuggestionView,
    Summary,
    texts,
)

_QUOTE_PRIORITY = (BidKind.FEELINGS, BidKind.SUPPORT, BidKind.NEWS, BidKind.REPAIR, BidKind.AFFECTION,
                   BidKind.INVITATION, BidKind.CHECKIN, BidKind.QUESTION, BidKind.HUMOR, BidKind.ATTENTION)
_QUOTED_EXAMPLES = 4
_QUOTE_CHARS = 280
SHOWN_PEOPLE = 10
"""People a conversation's part names one by one (the most active first in a bigger group);
the rest of a big group is one row, so a community chat of 400 is not a page of names."""


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


class ConversationBuilder:
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
        shown = r.most_active(people, SHOWN_PEOPLE)
        shown_set = set(shown)
        rest = [p for p in people if p not in shown_set]
        bids = [_person_bids(nm.person(p), [p], t) for p in shown]
        others = _person_bids(texts()["people"]["others"].format(n=len(rest)), rest, t) if rest else None
        by_kind = [{"kind": k.value, "outcome": o.value, "bids": n} for (k, o), n in sorted(t.kinds.items()) if n]
        monthly = [
            {"month": r_.period.isoformat() + "T00:00:00", "person": nm.person(r_.person),
             "turn_toward": round(r_.turned_toward / r_.bids_received, 3) if r_.bids_received else None,
             "bids_received": r_.bids_received, "bids_made": r_.bids_made, "initiations": r_.initiations,
             "reply_minutes": round(r_.median_reply_s / 60, 1) if r_.median_reply_s is not None else None}
            for r_ in r.monthly if r_.person is not None and r_.person in shown_set
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
        helps = help_resources(r.suggestions)
        view = ConversationView(
            number=self.n, anchor=f"conversation-{self.n}", title=nm.conversation(self.n, conv.title),
            source=self.src, relationship=conv.relationship.value, people=[nm.person(p) for p in shown],
            messages=len(msgs), first=_day(msgs[0].ts) if msgs else "-", last=_day(msgs[-1].ts) if msgs else "-",
            summary=Summary(), bids=bids, by_kind=by_kind, monthly=monthly, weekly=weekly,
            went_well=self.pick(t.answered), missed=self.pick(t.missed),
            episodes=[self.episode(e) for e in r.episodes], horsemen=dict(horsemen), control=control,
            accountability=[{"person": nm.person(p), "owns": owns[p], "deflects": deflects[p]}
                            for p in people if owns[p] or deflects[p]],
            withholding=[nm.scrub(texts()["summary"]["withholding"].format(
                n=len(w.questions), asker=w.asker, evader=w.evader)) for w in r.withholding],
            help=helps, lying_note=r.lying_note, language_note=r.language.note(), signs=self.signs(),
            words_read=r.language.read, others=others,
            times_note=None if has_times(r.conversation.messages) else UNTIMED_NOTE,
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
        warm = sum(pb.toward for pb in view.bids) + (view.others.toward if view.others else 0)
        if warm:
            out.going_well.append(words["bids_answered"].format(n=warm))
        repaired = sum(e.repaired for e in view.episodes)
        if not view.words_read:
            out.not_judged.append(words["not_read"])
        else:
            if self.r.language.months_not_read:
                out.not_judged.append(words["months_not_read"].format(
                    months=", ".join(self.r.language.months_not_read)))
            if not view.episodes:
                out.going_well.append(words["no_conflict"])
            elif repaired:
                out.going_well.append(words["repaired"].format(n=repaired, total=len(view.episodes)))
        # In a group a rate covers only the bids a person answered, and says nothing of the bids
        # nobody answered, so it is not told as praise or worry.
        for pb in view.bids if len(view.people) == 2 else []:
            if pb.turn_toward_rate is None or pb.received < 5:
                continue
            if pb.turn_toward_rate >= 0.75:
                out.going_well.append(words["rate_high"].format(person=pb.person, rate=_percent(pb.turn_toward_rate)))
            elif pb.turn_toward_rate < 0.5:
                out.to_watch.append(words["rate_low"].format(person=pb.person, rate=_percent(pb.turn_toward_rate)))
        if view.control:
            out.to_watch.insert(0, words["control"].format(n=self.control_count))
        for s in view.signs:
            if s.status != Status.OK:
                out.to_watch.append(words["sign"].format(name=s.key, evidence=s.evidence))
        if len(view.episodes) > repaired:
            out.to_watch.append(words["unrepaired"].format(n=len(view.episodes) - repaired))
        out.to_watch.extend(view.withholding)
        out.next_step = (view.suggestions[0].text if view.suggestions
                         else words["not_read_next"] if not view.words_read else words["keep_going"])
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


def _person_bids(label: str, people: list[str], t: _Tally) -> PersonBids:
    """One row of the bids table: one person's figures, or several people's summed."""
    received = sum(t.received[p] for p in people)
    toward = sum(t.turned_toward[p] for p in people)
    latencies = [x for p in people for x in t.latencies.get(p, [])]
    return PersonBids(label, sum(t.made[p] for p in people), sum(t.toward[p] for p in people),
                      sum(t.away[p] for p in people), sum(t.against[p] for p in people), received,
                      round(toward / received, 3) if received else None,
                      sum(t.initiations[p] for p in people), _duration(_median(latencies)))


def _tally(r: ConversationAnalysis, people: list[str]) -> _Tally:
    """Bids made and received per person, by kind and outcome, in a single pass.

    Received follows `ConversationAnalysis.turn_toward_rate`: a bid is received by whoever
    answered it or, when nobody did, by the other one in a chat of two and by nobody in
    particular in a group. Plain dicts with every key present keep
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
        elif len(people) == 2:  # unanswered: received by the other one; in a group by nobody in particular
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
