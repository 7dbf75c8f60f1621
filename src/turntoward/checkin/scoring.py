"""Scoring a check-in: reverse-scored items, missing answers, subscales, and sign levels.

A reverse-scored answer counts as ``min + max - answer`` on its item's scale. A missing answer
(skipped, or one of the instrument's "prefer not to say" choices, stored as null) is left out:
a ``mean`` score is the mean of what was answered; a ``sum`` score with gaps is the mean times
the number of items (prorated), and neither exists when fewer than `min_answered` questions
were answered. Published scales that must not be prorated say so with ``min_answered`` equal
to their number of items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from turntoward.checkin.instruments import Instrument, Item, SignLink
from turntoward.errors import UsageError

Answer = int | str | None
"""A number on the item's scale, free text for a journal prompt, or None for missing."""


@dataclass(frozen=True, slots=True)
class Score:
    """One score of a check-in (its total or a subscale), and the range it can take."""

    name: str
    value: float | None
    low: float
    high: float
    answered: int
    items: int


@dataclass(frozen=True, slots=True)
class SignLevel:
    """What one score says about one sign, on a 0 (not at all) to 1 (as strongly as it can) level."""

    sign: str
    score: str
    value: float
    level: float
    watch: float
    concern: float


def check_answer(item: Item, answer: Answer) -> Answer:
    """`answer` if the item accepts it, else `UsageError` saying what it accepts."""
    if answer is None:
        return None
    if item.scale is None:
        if not isinstance(answer, str):
            raise UsageError(f"{item.id}: expected text, found {answer!r}")
        return answer
    if isinstance(answer, bool) or not isinstance(answer, int) or not item.scale.min <= answer <= item.scale.max:
        raise UsageError(f"{item.id}: expected a whole number {item.scale.min}..{item.scale.max}, found {answer!r}")
    return answer


def item_value(item: Item, answer: int) -> int:
    """The answer as it counts toward scores: reversed for a reverse-scored item."""
    assert item.scale is not None
    return item.scale.min + item.scale.max - answer if item.reverse else answer


def scores(instrument: Instrument, answers: Mapping[str, Answer]) -> dict[str, Score]:
    """The total and every subscale of a scale instrument; empty for a journal."""
    if instrument.is_journal:
        return {}
    groups: dict[str, list[Item]] = {"total": list(instrument.items)}
    for name in instrument.subscales:
        groups[name] = [it for it in instrument.items if it.subscale == name]
    return {name: _score(instrument, name, items, answers) for name, items in groups.items()}


def _score(instrument: Instrument, name: str, items: list[Item], answers: Mapping[str, Answer]) -> Score:
    values = [
        item_value(it, check_answer(it, answers[it.id]))  # type: ignore[arg-type]
        for it in items
        if answers.get(it.id) is not None
    ]
    lows = [it.scale.min for it in items if it.scale]
    highs = [it.scale.max for it in items if it.scale]
    if instrument.method == "sum":
        low, high = float(sum(lows)), float(sum(highs))
    else:
        low, high = sum(lows) / len(lows), sum(highs) / len(highs)
    needed = instrument.min_answered if name == "total" else _share(instrument, len(items))
    value: float | None = None
    if values and len(values) >= needed:
        mean = sum(values) / len(values)
        value = mean * len(items) if instrument.method == "sum" else mean
    return Score(name, value, low, high, len(values), len(items))


def _share(instrument: Instrument, size: int) -> int:
    """Answers a subscale of `size` items needs: one for a mean; for a sum, the total's share, rounded up."""
    if instrument.method == "mean":
        return 1
    needed = -(-instrument.min_answered * size // len(instrument.items))
    return max(1, min(size, needed))


def sign_levels(instrument: Instrument, found: Mapping[str, Score]) -> list[SignLevel]:
    """What the instrument's scores say about the signs they speak to (scores that exist only)."""
    out = []
    for link in instrument.signs:
        score = found.get(link.score)
        if score is None or score.value is None:
            continue
        out.append(
            SignLevel(
                sign=link.sign,
                score=link.score,
                value=score.value,
                level=_level(link, score, score.value),
                watch=_level(link, score, link.watch),
                concern=_level(link, score, link.concern),
            )
        )
    return out


def _level(link: SignLink, score: Score, value: float) -> float:
    span = score.high - score.low
    share = (value - score.low) / span if link.worse == "high" else (score.high - value) / span
    return round(min(1.0, max(0.0, share)), 4)


def help_needed(instrument: Instrument, found: Mapping[str, Score]) -> str | None:
    """The instrument's help text when its help score reached its line, else None."""
    note = instrument.help
    if note is None:
        return None
    score = found.get(note.score)
    if score is None or score.value is None or score.value < note.at_least:
        return None
    return note.text
