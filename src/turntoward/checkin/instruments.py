"""Check-in instruments: questionnaires kept as data files, loaded and checked here.

Each ``instruments/<id>.toml`` holds an instrument's items, response scale, reverse-scored
items, scoring rule, what counts as a missing answer, how its scores speak to the five signs
of disconnection, and where it comes from and under what terms. A file that does not fit
raises `ImportFormatError` naming the file and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from turntoward.errors import ImportFormatError, NotFoundError

SIGNS = ("less_time_together", "guard_up", "lonely", "needs_unmet")
"""The signs of disconnection check-ins can speak to (the first, "rarer and shallower", is read from chats)."""

KINDS = ("scale", "journal")
METHODS = ("sum", "mean")
ABOUT = ("partner", "anyone")


@dataclass(frozen=True, slots=True)
class Scale:
    """The answers a scale item accepts: whole numbers `min`..`max`, one label each."""

    min: int
    max: int
    labels: tuple[str, ...]

    def label(self, value: int) -> str:
        return self.labels[value - self.min]


@dataclass(frozen=True, slots=True)
class Item:
    """One question. `scale` is None for a journal prompt (free text)."""

    id: str
    text: str
    scale: Scale | None
    reverse: bool = False
    subscale: str | None = None


@dataclass(frozen=True, slots=True)
class SignLink:
    """How one score of an instrument speaks to a sign: which end is worse, and its cut-offs."""

    sign: str
    score: str
    worse: str  # "high" or "low"
    watch: float
    concern: float


@dataclass(frozen=True, slots=True)
class HelpNote:
    """Text to show whenever score `score` reaches `at_least` (control and coercion: point to help)."""

    score: str
    at_least: float
    text: str


@dataclass(frozen=True, slots=True)
class Instrument:
    """A questionnaire (kind ``scale``) or a set of journal prompts (kind ``journal``)."""

    id: str
    version: int
    title: str
    kind: str
    about: str
    intro: str
    source: str
    licence: str
    items: tuple[Item, ...]
    method: str = "mean"
    min_answered: int = 1
    missing_choices: tuple[str, ...] = ()
    signs: tuple[SignLink, ...] = ()
    help: HelpNote | None = None
    wording: str = ""
    subscales: tuple[str, ...] = field(default=())

    @property
    def is_journal(self) -> bool:
        return self.kind == "journal"

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise NotFoundError(f"{self.id} has no question {item_id!r}")

    def text_of(self, item: Item, about: str | None) -> str:
        """The question as asked, with ``{about}`` filled in and a capital first letter."""
        return self.fill(item.text, about)

    def fill(self, text: str, about: str | None) -> str:
        """`text` (a question or the intro) with ``{about}`` replaced by the person, capitalised."""
        who = about or ("your partner" if self.about == "partner" else "the people close to you")
        filled = text.replace("{about}", who)
        return filled[:1].upper() + filled[1:]


def _folder() -> Any:
    return resources.files("turntoward.checkin").joinpath("instruments")


@cache
def instruments() -> dict[str, Instrument]:
    """Every instrument shipped with turntoward, by id."""
    found: dict[str, Instrument] = {}
    for entry in sorted(_folder().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            instrument = parse_instrument(entry.read_text("utf-8"), entry.name)
            found[instrument.id] = instrument
    return found


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument called `instrument_id`; `NotFoundError` listing the others if none."""
    found = instruments().get(instrument_id)
    if found is None:
        raise NotFoundError(f"no check-in called {instrument_id!r}; there are: {', '.join(sorted(instruments()))}")
    return found


def parse_instrument(text: str, source: str) -> Instrument:
    """Read and check one instrument file; `source` names it in errors."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportFormatError(source, f"a TOML instrument file ({exc})") from exc
    r = _Reader(source)
    kind = r.choice(doc, "kind", KINDS)
    default_scale = r.scale(doc["scale"], "scale") if "scale" in doc else None
    raw_items = r.get(doc, "items", list)
    if not raw_items:
        raise ImportFormatError(source, "at least one [[items]]", json_path="items")
    items: list[Item] = []
    for i, raw in enumerate(raw_items):
        where = f"items[{i}]"
        scale = r.scale(raw["scale"], f"{where}.scale") if "scale" in raw else default_scale
        if kind == "scale" and scale is None:
            raise ImportFormatError(source, "a [scale] for the instrument or for this item", json_path=where)
        item_id = r.get(raw, "id", str, where)
        if any(it.id == item_id for it in items):
            raise ImportFormatError(source, "a question id used once", json_path=f"{where}.id", found=item_id)
        reverse = r.get(raw, "reverse", bool, where, default=False)
        if reverse and kind == "journal":
            raise ImportFormatError(source, "no reverse scoring on a journal prompt", json_path=f"{where}.reverse")
        items.append(
            Item(
                id=item_id,
                text=r.get(raw, "text", str, where),
                scale=scale if kind == "scale" else None,
                reverse=reverse,
                subscale=r.get(raw, "subscale", str, where, default=None),
            )
        )
    subscales = tuple(dict.fromkeys(it.subscale for it in items if it.subscale))
    scores = {"total", *subscales}
    missing = doc.get("missing", {})
    min_answered = r.get(missing, "min_answered", int, "missing", default=1)
    if not 0 <= min_answered <= len(items):
        raise ImportFormatError(
            source, f"missing.min_answered between 0 and {len(items)}", json_path="missing.min_answered"
        )
    signs = tuple(r.sign(raw, f"signs[{i}]", scores) for i, raw in enumerate(doc.get("signs", [])))
    help_note = None
    if "help" in doc:
        raw = doc["help"]
        help_note = HelpNote(
            score=r.choice(raw, "score", tuple(scores), "help"),
            at_least=r.number(raw, "at_least", "help"),
            text=r.get(raw, "text", str, "help"),
        )
    if kind == "journal" and (signs or help_note):
        raise ImportFormatError(source, "no [[signs]] or [help] on a journal", json_path="signs")
    return Instrument(
        id=r.get(doc, "id", str),
        version=r.get(doc, "version", int),
        title=r.get(doc, "title", str),
        kind=kind,
        about=r.choice(doc, "about", ABOUT),
        intro=r.get(doc, "intro", str, default=""),
        source=r.get(doc, "source", str),
        licence=r.get(doc, "licence", str),
        wording=r.get(doc, "wording", str, default=""),
        items=tuple(items),
        method=r.choice(doc.get("scoring", {"method": "mean"}), "method", METHODS, "scoring"),
        min_answered=min_answered,
        missing_choices=tuple(r.get(missing, "choices", list, "missing", default=[])),
        signs=signs,
        help=help_note,
        subscales=subscales,
    )


class _Reader:
    """Typed field access that names the file and field of anything missing or mistyped."""

    def __init__(self, source: str) -> None:
        self.source = source

    def get(self, table: dict[str, Any], key: str, kind: type, where: str = "", **default: Any) -> Any:
        path = f"{where}.{key}" if where else key
        if key not in table:
            if "default" in default:
                return default["default"]
            raise ImportFormatError(self.source, f"a {kind.__name__} field {key!r}", json_path=path)
        value = table[key]
        # bool is an int in Python; a version of `true` is still a mistake.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ImportFormatError(self.source, f"a {kind.__name__}", json_path=path, found=repr(value))
        return value

    def number(self, table: dict[str, Any], key: str, where: str) -> float:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ImportFormatError(self.source, "a number", json_path=f"{where}.{key}", found=repr(value))
        return float(value)

    def choice(self, table: dict[str, Any], key: str, allowed: tuple[str, ...], where: str = "") -> str:
        value = self.get(table, key, str, where)
        if value not in allowed:
            path = f"{where}.{key}" if where else key
            raise ImportFormatError(self.source, f"one of {', '.join(allowed)}", json_path=path, found=value)
        return value

    def scale(self, raw: dict[str, Any], where: str) -> Scale:
        low, high = self.get(raw, "min", int, where), self.get(raw, "max", int, where)
        labels = self.get(raw, "labels", list, where)
        if high <= low:
            raise ImportFormatError(self.source, "max above min", json_path=f"{where}.max", found=str(high))
        if len(labels) != high - low + 1 or not all(isinstance(x, str) for x in labels):
            raise ImportFormatError(
                self.source, f"{high - low + 1} text labels, one per answer {low}..{high}", json_path=f"{where}.labels"
            )
        return Scale(low, high, tuple(labels))

    def sign(self, raw: dict[str, Any], where: str, scores: set[str]) -> SignLink:
        link = SignLink(
            sign=self.choice(raw, "sign", SIGNS, where),
            score=self.choice(raw, "score", tuple(sorted(scores)), where),
            worse=self.choice(raw, "worse", ("high", "low"), where),
            watch=self.number(raw, "watch", where),
            concern=self.number(raw, "concern", where),
        )
        # The concern line lies beyond the watch line, on the worse side.
        if (link.worse == "high" and link.concern < link.watch) or (link.worse == "low" and link.concern > link.watch):
            raise ImportFormatError(
                self.source, f"concern beyond watch on the {link.worse} side", json_path=f"{where}.concern"
            )
        return link
