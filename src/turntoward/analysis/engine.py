"""The analysis of conversations: labels, bids, conflict, killers, metrics, signs, drift, suggestions.

Pure: conversations in, findings out. Nothing here reads a file, a database or the network, so
the same functions run in the CLI, the report, tests and parallel batch workers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from turntoward._runtime import paused_gc
from turntoward.analysis import segments
from turntoward.analysis._config import Thresholds, thresholds
from turntoward.analysis._text import TextCues, default_lexicon
from turntoward.analysis.backends import Backend, Labelling, get_backend
from turntoward.analysis.bids import speaks_of_self_harm
from turntoward.analysis.conflict import episodes as find_episodes
from turntoward.analysis.context import as_read, has_dates, read_conversation
from turntoward.analysis.drift import drift as find_drift
from turntoward.analysis.drift import guess_me
from turntoward.analysis.findings import (
    Bid,
    ConflictEpisode,
    Drift,
    MessageLabel,
    Outcome,
    PeriodMetrics,
    Sign,
    Suggestion,
    Withholding,
)
from turntoward.analysis.killers import LYING_NOTE, withholding
from turntoward.analysis.language import Language, read_language
from turntoward.analysis.metrics import week_of, weekly_and_monthly
from turntoward.analysis.signs import chat_signs
from turntoward.analysis.suggest import help_resources, suggestions
from turntoward.model import Conversation, Message


@dataclass(slots=True)
class BidTally:
    """A person's bids and how they were answered."""

    made: int = 0
    toward: int = 0
    away: int = 0
    against: int = 0


@dataclass(slots=True)
class ConversationAnalysis:
    """Everything found in one conversation; every finding points at message indices."""

    conversation: Conversation
    labels: list[MessageLabel]
    bids: list[Bid]
    cues: list[TextCues]
    episodes: list[ConflictEpisode]
    withholding: list[Withholding]
    weekly: list[PeriodMetrics]
    monthly: list[PeriodMetrics]
    signs: dict[str, Sign]
    suggestions: list[Suggestion]
    language: Language
    """The chat's language; where its words were not read (`language.read` False), nothing is labelled."""
    lying_note: str = LYING_NOTE

    @property
    def people(self) -> list[str]:
        return self.conversation.people

    def bids_by_person(self) -> dict[str, BidTally]:
        """Bids each person made and how they were answered."""
        out = {p: BidTally() for p in self.people}  # one pass over the messages, then one over the bids
        for b in self.bids:
            t = out.setdefault(b.author, BidTally())
            t.made += 1
            if b.outcome is Outcome.TOWARD:
                t.toward += 1
            elif b.outcome is Outcome.AGAINST:
                t.against += 1
            else:
                t.away += 1
        return out

    def turn_toward_rate(self) -> dict[str, float | None]:
        """Share of the bids each person *received* that they turned toward.

        A bid is received by whoever responded to it. An unanswered bid in a one-to-one chat
        was received by the other person; in a group it was received by nobody in particular,
        so it counts in the bidder's tally but in nobody's rate.
        """
        people = self.people  # computed from every message: once, not per bid
        received = {p: 0 for p in people}
        toward = {p: 0 for p in people}
        msgs = self.conversation.messages
        for b in self.bids:
            if b.response_index is not None:
                who = msgs[b.response_index].author
                received[who] = received.get(who, 0) + 1
                toward[who] = toward.get(who, 0) + (b.outcome is Outcome.TOWARD)
            elif len(people) == 2:
                for p in people:
                    if p != b.author:
                        received[p] += 1
        return {p: (round(toward[p] / received[p], 3) if received[p] else None) for p in people}

    def most_active(self, people: list[str], n: int) -> list[str]:
        """`people` as they are, or when there are more than `n`, the `n` who wrote most (ties:
        who wrote first): a big group's views name these and sum the rest."""
        if len(people) <= n:
            return people
        written = Counter(m.author for m in self.conversation.messages)
        return sorted(people, key=lambda p: -written[p])[:n]

    @property
    def control_messages(self) -> list[int]:
        return [lab.index for lab in self.labels if lab.control]

    @property
    def calls_for_help(self) -> bool:
        """Whether control, threats or contempt appear in it, as its suggestions point to help for."""
        return bool(self.control_messages) or bool(help_resources(self.suggestions))


@dataclass(slots=True)
class Analysis:
    """The analysis of several conversations, with drift across them."""

    conversations: list[ConversationAnalysis]
    drift: list[Drift] = field(default_factory=list)
    me: str | None = None

    def most_pressing(self, n: int) -> list[int]:
        """The places of at most `n` of the conversations, in their order: every one when there are no
        more, else those that call for help first, then the longest (a view of a corpus of thousands
        shows these whole and counts the rest: `analyze`'s panels, the report's sections)."""
        results = self.conversations
        if len(results) <= n:
            return list(range(len(results)))

        def rank(k: int) -> tuple[bool, int, int]:
            return not results[k].calls_for_help, -len(results[k].conversation.messages), k

        return sorted(sorted(range(len(results)), key=rank)[:n])


def analyze_conversation(
    conv: Conversation,
    backend: Backend | None = None,
    *,
    any_language: bool = False,
    label: Callable[[Conversation], Labelling] | None = None,
) -> ConversationAnalysis:
    """Label every message of `conv` and derive every finding.

    A chat that is hardly English at all gets no labels from its words (`language.py`), unless
    `any_language`; its activity is measured all the same. `label`, when given, labels the
    conversation in place of `backend.label` (the same labelling, found another way: several
    processes sharing a long conversation, `analysis.segments`).
    """
    th = thresholds()
    language = _language(conv, th, any_language)
    labeller = label or (backend or get_backend()).label
    labelling = labeller(conv) if language.read else _unread(conv, th)
    msgs = conv.messages
    unread_weeks: set[date] = set()
    if language.months_not_read:
        labelling, unread_weeks = _withhold_months(labelling, conv.messages, language)
    new_session = [i == 0 or (m.ts - msgs[i - 1].ts).total_seconds() >= th.session_gap_s
                   for i, m in enumerate(msgs)]
    weekly, monthly = weekly_and_monthly(msgs, labelling.cues, labelling.bids, new_session)
    # A quarrel's messages are grouped by the times the labels were read with: in a chat without
    # times, a minute a line (one moment for every line would make one quarrel of them all).
    eps = find_episodes(as_read(conv).messages, labelling.labels, labelling.cues, labelling.bids, default_lexicon(), th)
    withheld = withholding(msgs, labelling.bids, th)
    signs = chat_signs(weekly, th, words_read=language.read, unread_weeks=unread_weeks, dated=has_dates(msgs))
    responders = {b.index: msgs[b.response_index].author for b in labelling.bids if b.response_index is not None}
    distress = [i for i, c in enumerate(labelling.cues) if speaks_of_self_harm(c)] if language.read else []
    sugg = suggestions(conv.people, labelling.labels, labelling.bids, eps, withheld, signs, responders=responders,
                       words_read=language.read, distress=distress)
    return ConversationAnalysis(conv, labelling.labels, labelling.bids, labelling.cues, eps, withheld, weekly,
                                monthly, signs, sugg, language)


def _language(conv: Conversation, th: Thresholds, any_language: bool) -> Language:
    language = read_language(conv.messages, th)
    if any_language:  # read it all, whatever its language
        language = replace(language, read=True, months_not_read=(), months_code=None)
    return language


def label_part(
    conv: Conversation,
    start: int,
    stop: int,
    backend: Backend | None = None,
    *,
    any_language: bool = False,
    language: Language | None = None,
) -> tuple[Labelling, Language]:
    """Messages ``start..stop-1`` labelled as `analyze_conversation` labels them, and the chat's
    language, labelling only them and the context their labels depend on (`segments`): one
    message of a long history is explained without labelling all of it. `language`, when a
    first call has read it, saves reading the whole chat's language again."""
    th = thresholds()
    language = language or _language(conv, th, any_language)
    seg = segments.part(conv, start, stop, th)
    kept = segments.keep((backend or get_backend()).label(segments.cut(conv, seg)), seg)
    if not language.read:
        return Labelling([MessageLabel(i) for i in range(start, stop)], [], kept.cues), language
    if language.months_not_read:
        kept = _withhold_months(kept, conv.messages[start:stop], language)[0]
    return kept, language


def _withhold_months(
    labelling: Labelling, messages: list[Message], language: Language
) -> tuple[Labelling, set[date]]:
    """The labelling of `messages` (one label each, in order) without labels on the messages of
    the months whose words were not read, and the weeks those messages fall in (whose depth is
    not judged)."""
    labels = list(labelling.labels)
    weeks: set[date] = set()
    for i, m in enumerate(messages):
        if not language.reads(m.ts):
            labels[i] = MessageLabel(index=m.index)
            weeks.add(week_of(m.ts))
    kept = {id(lab.bid) for lab in labels if lab.bid is not None}
    bids = [b for b in labelling.bids if id(b) in kept]
    return Labelling(labels, bids, labelling.cues), weeks


def _unread(conv: Conversation, th: Thresholds) -> Labelling:
    """No labels: every message unlabelled, no bids (the cues still count words per message)."""
    ctxs = read_conversation(conv, default_lexicon(), th)
    return Labelling([MessageLabel(index=m.index) for m in conv.messages], [], [c.cues for c in ctxs])


def analyze(
    conversations: list[Conversation],
    *,
    backend: Backend | None = None,
    me: str | None = None,
    progress: Callable[[Conversation], None] | None = None,
    any_language: bool = False,
) -> Analysis:
    """Analyse each conversation and look for drift across all of them.

    `progress`, when given, is called after each conversation (for progress bars). With
    `any_language`, chats that are hardly English are labelled too (see `analyze_conversation`).
    """
    backend = backend or get_backend()
    results = []
    with paused_gc():
        for c in conversations:
            results.append(analyze_conversation(c, backend, any_language=any_language))
            if progress is not None:
                progress(c)
    return assemble(results, me=me)


def assemble(results: list[ConversationAnalysis], *, me: str | None = None) -> Analysis:
    """Conversations analysed one by one (here or in other processes) as one analysis, with the
    drift across them; `me` is guessed from the conversations when not given."""
    who = me or guess_me([r.conversation for r in results])
    return Analysis(results, find_drift(results, who, thresholds()), who)
