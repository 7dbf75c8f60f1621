"""What the report shows, as plain records: aggregates of the analysis, a few quotes, wording.

`build_view` (in `turntoward.report._content`) fills them from an `Analysis`; the template
renders them and `charts` draws them. Every figure is an aggregate (per person, kind, week or
month), so the page stays small however long the history; every quote keeps its
``source:index`` so `turntoward explain` can show why it was read that way.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


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
    not_judged: list[str] = field(default_factory=list)
    """What the report could not read and so says nothing about (a chat not in English): kept
    apart from the things to watch, which it would otherwise seem to be, or to clear."""


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
    language_note: str | None
    """What was not labelled and why, where the chat (or some months of it) is not in English."""
    signs: list[SignView]
    suggestions: list[SuggestionView]
    words_read: bool = True
    """Whether the chat's words were read at all (False: nothing in it was labelled)."""
    times_note: str | None = None
    """What a chat without times of its own is read from (`analysis.context.UNTIMED_NOTE`)."""
    others: PersonBids | None = None
    """In a big group, everyone beyond the most active `people`, summed as one row (its `person`
    says how many); the charts show only `people`."""


@dataclass(slots=True)
class DriftView:
    person: str
    status: str
    evidence: str
    nudge: str


@dataclass(slots=True)
class OtherConversation:
    """A conversation past the report's `DETAILED`: one row of the table that counts them."""

    title: str
    source: str
    messages: int
    bids: int
    toward: int
    calls_for_help: bool
    """Whether control, threats or contempt appear in it (each such chat gets a section first)."""


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
    reliability: str
    """How far to trust one reading (`analysis.scoring.RELIABILITY_NOTE`)."""
    others: list[OtherConversation] = field(default_factory=list)
    """The conversations past `DETAILED` (a research corpus of thousands): a row each, no section."""
