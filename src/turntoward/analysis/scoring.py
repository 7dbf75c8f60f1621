"""Measuring the analysis against human labels: precision, recall and F1 as ANNOTATION.md defines them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from turntoward.analysis.findings import MessageLabel
from turntoward.model import GoldMessage

OUTCOMES = ("toward", "away", "against")


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

    @property
    def outcome_macro_f1(self) -> float:
        present = [p for p in self.outcome.values() if p.tp + p.fn]
        return sum(p.f1 for p in present) / len(present) if present else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.kind_total if self.kind_total else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "conversations": self.conversations,
            "messages": self.messages,
            "bid": self.bid.as_dict(),
            "outcome_macro_f1": round(self.outcome_macro_f1, 3),
            "outcome": {o: p.as_dict() for o, p in self.outcome.items()},
            "kind_accuracy": round(self.kind_accuracy, 3),
            "horseman": self.horseman.as_dict(),
            "control": self.control.as_dict(),
            "repair": self.repair.as_dict(),
            "accountability": self.accountability.as_dict(),
        }


def _count(prf: PRF, gold: object, pred: object) -> None:
    if gold is not None and gold is not False and gold == pred:
        prf.tp += 1
        return
    if pred is not None and pred is not False:
        prf.fp += 1
    if gold is not None and gold is not False:
        prf.fn += 1


def score(gold: Sequence[GoldMessage], predicted: Sequence[MessageLabel], scores: Scores | None = None) -> Scores:
    """Add one conversation's comparison to `scores` (a new one when None).

    Bid detection is matched message by message; outcome and kind are scored on the bids
    both found (a missed bid already counts against detection). Horsemen must match in type.
    """
    s = scores or Scores()
    s.conversations += 1
    s.messages += len(gold)
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
