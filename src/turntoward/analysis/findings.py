"""What the analysis finds, as typed records; each finding keeps the indices of its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class BidKind(StrEnum):
    """The kinds of bid for connection (DESIGN.md, ANNOTATION.md)."""

    ATTENTION = "attention"
    QUESTION = "question"
    NEWS = "news"
    FEELINGS = "feelings"
    AFFECTION = "affection"
    HUMOR = "humor"
    INVITATION = "invitation"
    SUPPORT = "support"
    REPAIR = "repair"
    CHECKIN = "checkin"


class Outcome(StrEnum):
    """How a bid was answered."""

    TOWARD = "toward"
    AWAY = "away"
    AGAINST = "against"


class Horseman(StrEnum):
    """Gottman's four horsemen of conflict."""

    CRITICISM = "criticism"
    CONTEMPT = "contempt"
    DEFENSIVENESS = "defensiveness"
    STONEWALLING = "stonewalling"


class Accountability(StrEnum):
    OWNS = "owns"
    DEFLECTS = "deflects"


class Status(StrEnum):
    """A plain status for a sign of disconnection or drift."""

    OK = "ok"
    WATCH = "watch"
    CONCERN = "concern"


@dataclass(slots=True)
class Bid:
    """A bid for connection made in message `index`, and how it was answered."""

    index: int
    author: str
    kind: BidKind
    score: float
    cues: list[str]
    outcome: Outcome = Outcome.AWAY
    response_index: int | None = None
    latency_s: float | None = None
    response_cues: list[str] = field(default_factory=list)


@dataclass(slots=True)
class MessageLabel:
    """Everything the analysis says about one message: the per-message contract.

    The lexicon cues behind it are in the analysis' `cues` list, at the same index (kept
    once per distinct text rather than copied onto every label).
    """

    index: int
    bid: Bid | None = None
    horseman: Horseman | None = None
    control: bool = False
    accountability: Accountability | None = None
    repair: bool = False
    reasons: dict[str, list[str]] | None = None
    """Where a model decided a horseman, control, accountability or repair: the features that pushed
    hardest toward it, by label name ("model:..." cues, for `explain`; not part of the JSONL)."""


@dataclass(slots=True)
class ConflictEpisode:
    """A stretch of conflict: from its first negative message to its last."""

    start_index: int
    end_index: int
    start: datetime
    end: datetime
    horsemen: dict[str, int]
    repair_attempts: list[int]
    repairs_taken_up: list[int]
    repaired: bool
    positive: int
    negative: int

    @property
    def positive_negative_ratio(self) -> float | None:
        """Positive to negative messages inside the episode (Gottman's 5:1 reference)."""
        return round(self.positive / self.negative, 2) if self.negative else None


@dataclass(slots=True)
class Withholding:
    """Direct questions from `asker` that `evader` repeatedly left unanswered or evaded."""

    asker: str
    evader: str
    questions: list[int]


@dataclass(slots=True)
class PeriodMetrics:
    """One person's (or the whole conversation's, person None) figures for one week or month."""

    period: date
    person: str | None
    messages: int = 0
    active_days: int = 0
    initiations: int = 0
    bids_made: int = 0
    bids_received: int = 0
    toward_received: int = 0
    against_received: int = 0
    turned_toward: int = 0
    turned_against: int = 0
    median_reply_s: float | None = None
    words: int = 0
    disclosures: int = 0
    feeling_words: int = 0
    questions_to_other: int = 0
    we_words: int = 0
    you_words: int = 0


@dataclass(slots=True)
class Trend:
    """A monotonic-trend test over a weekly series (Mann-Kendall with a Theil-Sen slope)."""

    series: str
    n: int
    tau: float
    p_value: float
    slope_per_week: float
    first_level: float
    last_level: float


@dataclass(slots=True)
class Sign:
    """One of the five signs of disconnection, with its status and evidence."""

    name: str
    status: Status
    evidence: str
    trends: list[Trend] = field(default_factory=list)


@dataclass(slots=True)
class Suggestion:
    """A concrete, kind next step tied to evidence and to the essays' practices."""

    text: str
    practice: str
    evidence: list[int] = field(default_factory=list)
    help_resources: bool = False
    crisis: bool = False
    """It speaks of wanting to die or of self-harm: the help named with it starts with crisis lines."""


@dataclass(slots=True)
class Drift:
    """Someone the user is drifting from, across every conversation with them."""

    person: str
    status: Status
    evidence: str
    unanswered_bids: list[tuple[str, int]] = field(default_factory=list)
