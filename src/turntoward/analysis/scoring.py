"""Measuring the analysis against human labels: precision, recall and F1 as ANNOTATION.md defines them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

import numpy as np

from turntoward.analysis.findings import MessageLabel
from turntoward.model import GoldMessage

OUTCOMES = ("toward", "away", "against")

RELIABILITY_NOTE = (
    "These readings are often wrong about a single message. Measured on real chats from other people "
    "against careful human readers, a little over half of the messages turntoward read as bids were "
    "bids to them, and it missed about two in five of the bids they saw. Trust a pattern over many "
    "messages more than any one reading, and look at the messages behind it."
)
"""How far to trust one reading, said wherever findings are shown (the report, `analyze`). The
figures are the real-chat measurement of docs/accuracy.md ("Real chats, labelled":
`training/real_chats.py`, then `turntoward evaluate` on each annotator's labels of the 28 excerpts):
bid precision 0.58 and 0.56, recall 0.61 and 0.59. Say them again here when a model changes them."""


@dataclass(slots=True)
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "support": self.tp + self.fn}


@dataclass(slots=True)
class Scores:
    """Agreement between the analysis and gold labels over a set of conversations."""

    bid: PRF = field(default_factory=PRF)
    bid_turn: PRF = field(default_factory=PRF)
    """Bid detection by turn (a run of one person's messages with nobody else's between): a turn
    the labels give a bid counts as found when the analysis calls any of its messages a bid. Where
    in a burst the bid sits is where our corpus and real chats differ most (docs/accuracy.md,
    "Where in a burst the bid goes"); this says how much of `bid`'s miss is the place alone.
    Counted only when `score` is given the messages' authors."""
    outcome: dict[str, PRF] = field(default_factory=lambda: {o: PRF() for o in OUTCOMES})
    kind_correct: int = 0
    kind_total: int = 0
    horseman: PRF = field(default_factory=PRF)
    control: PRF = field(default_factory=PRF)
    repair: PRF = field(default_factory=PRF)
    accountability: PRF = field(default_factory=PRF)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    kind_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    conversations: int = 0
    messages: int = 0
    parts: list[Scores] = field(default_factory=list, repr=False, compare=False)
    """The scores of each conversation counted in by `add`, for `intervals`."""

    def add(self, other: Scores) -> None:
        """Count another conversation's scores (or another set's) in, keeping them apart for `intervals`."""
        for name in DETECTIONS:
            _merge(getattr(self, name), getattr(other, name))
        for o in OUTCOMES:
            _merge(self.outcome[o], other.outcome[o])
        self.kind_correct += other.kind_correct
        self.kind_total += other.kind_total
        self.confusion.update(other.confusion)
        self.kind_confusion.update(other.kind_confusion)
        self.conversations += other.conversations
        self.messages += other.messages
        self.parts.extend(other.parts or [other])

    def intervals(
        self, minus: Scores | None = None, *, level: float = 0.95, rounds: int = 2000, seed: int = 0
    ) -> dict[str, Any]:
        """Bootstrap confidence intervals of every measure, shaped like `as_dict` ((low, high) pairs).

        The conversations counted in by `add` are resampled with replacement, `rounds` times, and
        each measure's interval is the middle `level` of its values (percentile bootstrap).
        Conversations, not messages, are resampled: a conversation's messages are not independent
        (one couple's habits run through all of them), so resampling messages would make the
        intervals too narrow. Seeded: the same scores give the same intervals. Empty with fewer
        than two conversations, where there is nothing to resample; None for a measure no
        resample has (kind accuracy when no bid was found).

        With `minus` (the same conversations, in the same order, labelled another way), the
        intervals are of the difference, this minus that, on the same resamples (a paired
        bootstrap): an interval above zero means this way measures better on chats like these.
        """
        if len(self.parts) < 2:
            return {}
        if minus is not None and [p.messages for p in minus.parts] != [p.messages for p in self.parts]:
            raise ValueError("intervals of a difference need the same conversations on both sides, in order")
        n = len(self.parts)
        weights = np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), size=rounds)
        values = _measures(weights @ np.array([_counts(p) for p in self.parts], dtype=np.float64))
        if minus is not None:
            other = _measures(weights @ np.array([_counts(p) for p in minus.parts], dtype=np.float64))
            values = {k: v - other[k] for k, v in values.items()}
        q = ((1 - level) / 2 * 100, (1 + level) / 2 * 100)
        out: dict[str, object] = {}
        for key, v in values.items():
            *path, last = key.split(".")
            at = out
            for step in path:
                at = at.setdefault(step, {})  # type: ignore[assignment]
            if np.all(np.isnan(v)):  # no resample has it (kind accuracy where no bid was found)
                at[last] = None
                continue
            low, high = np.nanpercentile(v, q)
            at[last] = (round(float(low), 3), round(float(high), 3))
        return out

    @property
    def outcome_macro_f1(self) -> float:
        present = [p for p in self.outcome.values() if p.tp + p.fn]
        return sum(p.f1 for p in present) / len(present) if present else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.kind_total if self.kind_total else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Every measure as plain numbers, nested as `turntoward evaluate --json` prints them."""
        return {
            "conversations": self.conversations,
            "messages": self.messages,
            "bid": self.bid.as_dict(),
            "bid_turn": self.bid_turn.as_dict(),
            "outcome_macro_f1": round(self.outcome_macro_f1, 3),
            "outcome": {o: p.as_dict() for o, p in self.outcome.items()},
            "kind_accuracy": round(self.kind_accuracy, 3),
            "horseman": self.horseman.as_dict(),
            "control": self.control.as_dict(),
            "repair": self.repair.as_dict(),
            "accountability": self.accountability.as_dict(),
        }


DETECTIONS = ("bid", "bid_turn", "horseman", "control", "repair", "accountability")
"""The detections `Scores` counts with precision, recall and F1, in the order tables show them."""
DETECTION_NAMES = {"bid_turn": "bid by turn"}
"""How tables name a detection whose key is not its name (`evaluate`, `differences`)."""


def _merge(into: PRF, other: PRF) -> None:
    into.tp += other.tp
    into.fp += other.fp
    into.fn += other.fn


def _counts(s: Scores) -> list[int]:
    """A conversation's counts in a fixed order: tp, fp, fn of each detection, then of each
    outcome, then kind correct and total (what `Scores.intervals` resamples)."""
    prfs = [getattr(s, name) for name in DETECTIONS] + [s.outcome[o] for o in OUTCOMES]
    return [n for p in prfs for n in (p.tp, p.fp, p.fn)] + [s.kind_correct, s.kind_total]


def _measures(totals: np.ndarray) -> dict[str, np.ndarray]:
    """Every measure of `Scores.as_dict`, for each row of summed `_counts`, keyed by its path there."""
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for k, key in enumerate([*DETECTIONS, *(f"outcome.{o}" for o in OUTCOMES)]):
            tp, fp, fn = totals[:, 3 * k], totals[:, 3 * k + 1], totals[:, 3 * k + 2]
            out[f"{key}.precision"] = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
            out[f"{key}.recall"] = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
            out[f"{key}.f1"] = np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        first = 3 * len(DETECTIONS)
        tp, fn = totals[:, first:first + 3 * len(OUTCOMES):3], totals[:, first + 2:first + 3 * len(OUTCOMES):3]
        f1 = np.stack([out[f"outcome.{o}.f1"] for o in OUTCOMES], axis=1)
        present = tp + fn > 0  # as `outcome_macro_f1`: over the outcomes the gold labels have
        out["outcome_macro_f1"] = np.where(present.any(axis=1), (f1 * present).sum(axis=1) / present.sum(axis=1),
                                           np.nan)
        out["kind_accuracy"] = np.where(totals[:, -1] > 0, totals[:, -2] / totals[:, -1], np.nan)
    return out


def differences(new: Scores, old: Scores) -> list[tuple[str, float, float, tuple[float, float] | None]]:
    """The headline measures by both, side by side, with the 95% interval of new minus old on the
    same resamples (`Scores.intervals(minus=old)`): (label, new, old, interval or None)."""
    a, b, diff = new.as_dict(), old.as_dict(), new.intervals(old)
    paths: list[tuple[str, tuple[str, ...]]] = [(f"{DETECTION_NAMES.get(k, k)} F1", (k, "f1")) for k in DETECTIONS]
    paths += [(f"outcome {o} F1", ("outcome", o, "f1")) for o in OUTCOMES]
    paths += [("against recall", ("outcome", "against", "recall")), ("outcome macro-F1", ("outcome_macro_f1",)),
              ("kind accuracy", ("kind_accuracy",))]
    return [(label, at(a, path), at(b, path), at(diff, path)) for label, path in paths]  # type: ignore[misc]


def at(measures: object, path: tuple[str, ...]) -> object:
    """The value at `path` in `Scores.as_dict` or `Scores.intervals` (("outcome", "against", "recall")),
    or None where it has none."""
    for step in path:
        measures = measures.get(step) if isinstance(measures, dict) else None
    return measures


def _count(prf: PRF, gold: object, pred: object) -> None:
    if gold is not None and gold is not False and gold == pred:
        prf.tp += 1
        return
    if pred is not None and pred is not False:
        prf.fp += 1
    if gold is not None and gold is not False:
        prf.fn += 1


def score(
    gold: Sequence[GoldMessage],
    predicted: Sequence[MessageLabel],
    scores: Scores | None = None,
    *,
    authors: Sequence[str] | None = None,
) -> Scores:
    """Add one conversation's comparison to `scores` (a new one when None).

    Bid detection is matched message by message; outcome and kind are scored on the bids
    both found (a missed bid already counts against detection). Horsemen must match in type.
    With the messages' `authors`, bid detection is also counted by turn (`Scores.bid_turn`).
    For intervals, score each conversation on its own and `Scores.add` it to the total.
    """
    s = scores or Scores()
    s.conversations += 1
    s.messages += len(gold)
    if authors is not None:
        for _, turn in groupby(zip(authors, gold, predicted, strict=True), key=itemgetter(0)):
            said = list(turn)
            _count(s.bid_turn, any(g.bid_kind for _, g, _ in said) or None, any(p.bid for _, _, p in said) or None)
    for g, p in zip(gold, predicted, strict=True):
        pb = p.bid
        if g.bid_kind and pb:
            s.bid.tp += 1
            s.kind_total += 1
            s.kind_correct += g.bid_kind == pb.kind.value
            s.kind_confusion[(g.bid_kind, pb.kind.value)] += 1
            go, po = g.bid_outcome or "away", pb.outcome.value
            s.confusion[(go, po)] += 1
            for o in OUTCOMES:
                _count(s.outcome[o], go if go == o else None, po if po == o else None)
        elif g.bid_kind:
            s.bid.fn += 1
        elif pb:
            s.bid.fp += 1
        _count(s.horseman, g.horseman, p.horseman.value if p.horseman else None)
        _count(s.control, g.control, p.control)
        _count(s.repair, g.repair, p.repair)
        _count(s.accountability, g.accountability, p.accountability.value if p.accountability else None)
    return s


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A message where the analysis and the annotators' labels differ, and how."""

    index: int
    what: tuple[str, ...]
    """What differs, in this order: "bid" (one side has a bid, the other none), "kind" and
    "outcome" (both have the bid), "horseman", "control", "repair", "accountability"."""
    gold: dict[str, object]
    analysis: dict[str, object]
    """Both sides' labels of the message, in the same shape: bid (kind, outcome and the index of
    the response, or None), horseman, control, repair, accountability."""


def disagreements(gold: Sequence[GoldMessage], predicted: Sequence[MessageLabel]) -> list[Disagreement]:
    """Every message of one conversation where `predicted` differs from `gold` on something `score`
    counts (so a different response message alone, with the same outcome, is not one), in order."""
    out = []
    for k, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        a: dict[str, object] = {
            "bid": {"kind": g.bid_kind, "outcome": g.bid_outcome or "away", "response_index": g.bid_by}
            if g.bid_kind else None,
            "horseman": g.horseman, "control": g.control, "repair": g.repair, "accountability": g.accountability}
        b: dict[str, object] = {
            "bid": {"kind": p.bid.kind.value, "outcome": p.bid.outcome.value, "response_index": p.bid.response_index}
            if p.bid else None,
            "horseman": p.horseman.value if p.horseman else None, "control": p.control, "repair": p.repair,
            "accountability": p.accountability.value if p.accountability else None}
        what = []
        if (a["bid"] is None) != (b["bid"] is None):
            what.append("bid")
        elif a["bid"] is not None:
            what += [key for key in ("kind", "outcome") if a["bid"][key] != b["bid"][key]]  # type: ignore[index]
        what += [key for key in ("horseman", "control", "repair", "accountability") if a[key] != b[key]]
        if what:
            out.append(Disagreement(k, tuple(what), a, b))
    return out
