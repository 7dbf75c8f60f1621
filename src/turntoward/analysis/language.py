"""Which language a chat is written in: turntoward's lexicons and models read English.

A chat in Spanish or German run through English lexicons and models does not come out empty: it
comes out wrong (a real Spanish couple's chat read as 27% humour bids, nearly all "turned
toward"), and a wrong "turned away" or a false alarm of contempt is worse than saying nothing.
So before labelling, the analysis reads which language a conversation is written in. Where
hardly any of it is English, the labels that come from words (bids and their outcomes,
horsemen, control, accountability, repair) are withheld and the output says why; what does
not depend on the language (how many messages, on how many days, who reaches out first, how
fast replies come) is still measured.

Chats that mix English with another language (Spanglish, Taglish, Pidgin) are read as usual:
the share of English they need is set low on purpose (`thresholds.toml`, `[language]`). A chat
read as English is also read month by month, so the months of a chat that moved to another
language (a couple who moved country, a group that changed members) are not labelled either.

Language identification is py3langid's (a naive Bayes model over byte n-grams shipped inside
the package, over a hundred languages; nothing is downloaded). An even sample of the conversation's text
messages is read, so a million-message chat costs the same as a short one, and the same chat
exported by two apps gets the same verdict.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from threading import Lock, Thread
from typing import Any

from turntoward.analysis._config import Thresholds
from turntoward.analysis._text import _URL  # the one link pattern the cues also strip
from turntoward.model import Message, MessageKind

SAMPLE = 400
"""Text messages read at most, evenly spread over the conversation."""
_LONGEST = 160
"""Characters of one message that count: a pasted article or error log is one message, not the chat."""
_PLAINLY_ENGLISH = 0.9
"""A month whose sample, read as one text, is at least this likely English needs no closer look."""


@dataclass(frozen=True, slots=True)
class Language:
    """What the analysis found about a conversation's language, and whether it read the words."""

    code: str | None
    """The main language (ISO 639 code as py3langid gives it), or None when there was too little text."""
    english: float | None
    """How much of the sampled text reads as English, 0 to 1 (length-weighted), or None when too little."""
    read: bool
    """Whether the words were read: False where too little of the chat is English."""
    named: bool = True
    """Whether the identifier was sure enough of `code` to name the language to the user."""
    months_not_read: tuple[str, ...] = ()
    """Months ("2024-03") of a chat otherwise read whose words were not: hardly English either."""
    months_code: str | None = None
    """The language those months are written in, where the identifier was sure of it."""

    @property
    def name(self) -> str | None:
        """The main language in words ("Spanish"), or its code where we have no name for it; None
        when there was too little text or the identifier was not sure."""
        return language_name(self.code) if self.code and self.named else None

    def reads(self, ts: datetime) -> bool:
        """Whether the words of a message written at `ts` were read."""
        return self.read and (not self.months_not_read or f"{ts.year:04d}-{ts.month:02d}" not in self.months_not_read)

    def note(self) -> str | None:
        """Plain words for the user where words were not read (the chat, or some months), else None."""
        if not self.read:
            written = ("is mostly emoji, numbers and the like, not English" if self.code == "zxx"
                       else f"is written in {self.name}, not English" if self.name
                       else "is mostly written in a language other than English")
            return (f"This chat {written} (about {1 - (self.english or 0):.0%} of its text). "
                    "turntoward's lexicons and models read English only, so bids, how they were answered, "
                    "conflict, control and repair are not labelled here; message counts, active days, who "
                    "reached out first and reply times are.")
        if not self.months_not_read:
            return None
        written = (f"in {language_name(self.months_code)}, not English," if self.months_code
                   else "in a language other than English")
        return (f"This chat is written {written} {_when(self.months_not_read)}. turntoward's lexicons and models "
                "read English only, so the messages of those months are not labelled (no bids, conflict, "
                "control or repair) and depth is judged without them; their message counts, active days "
                "and reply times are measured as usual.")


def _when(months: tuple[str, ...]) -> str:
    """Sorted months ("2024-06") in words: "in 2024-06", "in 3 months (2024-06 to 2024-08)" where they
    follow one another, else named ("in 2024-08 and 2024-11") or, when many, "between" the first and last."""
    if len(months) == 1:
        return f"in {months[0]}"
    numbers = [int(m[:4]) * 12 + int(m[5:7]) for m in months]
    if numbers[-1] - numbers[0] == len(months) - 1:
        return f"in {len(months)} months ({months[0]} to {months[-1]})"
    if len(months) <= 3:
        return f"in {', '.join(months[:-1])} and {months[-1]}"
    return f"in {len(months)} months between {months[0]} and {months[-1]}"


_IDENTIFIER: list[Any] = []  # py3langid's identifier, once loaded (py3langid ships no type hints)
_IDENTIFIER_LOCK = Lock()


def _identifier() -> Any:
    """py3langid's identifier, loaded once, by whichever thread asks first (a third of a second:
    its model is xz-compressed); another thread asking meanwhile waits for that one."""
    with _IDENTIFIER_LOCK:
        if not _IDENTIFIER:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _IDENTIFIER.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
        return _IDENTIFIER[0]


def prepare() -> None:
    """Start loading the language identifier in the background, for a caller that will read a
    chat's language after other work (reading the export, loading the models): most of the load
    is decompression, which runs beside that work on another core. Harmless if it is loaded."""
    if not _IDENTIFIER:
        Thread(target=_identifier, name="turntoward-language", daemon=True).start()


@cache
def _names() -> dict[str, str]:
    doc = tomllib.loads(resources.files("turntoward.analysis").joinpath("languages.toml").read_text("utf-8"))
    return dict(doc["names"])


def language_name(code: str) -> str:
    """English name of a language code ("es" -> "Spanish"); "the language coded 'xx'" when unknown."""
    return _names().get(code, f"the language coded '{code}'")


def sample_texts(messages: list[Message], limit: int = SAMPLE) -> list[str]:
    """Up to `limit` text messages, evenly spread, without links (which read as no language)."""
    texts = [m.text for m in messages if m.kind is MessageKind.TEXT and m.text]
    step = max(1, len(texts) // limit)
    out = []
    for text in texts[::step][:limit]:
        text = _URL.sub(" ", text).strip() if "http" in text or "www." in text else text.strip()
        if len(text) >= 2:
            out.append(text)
    return out


def _english(texts: list[str]) -> float:
    """How much of `texts` reads as English, 0 to 1, weighted by length (each counted up to `_LONGEST`)."""
    ident = _identifier()
    english = total = 0.0
    for text in texts:
        text = text[:_LONGEST]
        p = dict(ident.rank(text))
        english += len(text) * p.get("en", 0.0)
        total += len(text)
    return english / total


def _joined(texts: list[str]) -> str:
    """`texts` as one text to read together (each counted up to `_LONGEST`)."""
    return "\n".join(t[:_LONGEST] for t in texts)


def _joined_english(texts: list[str]) -> float:
    """How likely `texts`, read together as one text, are English."""
    return dict(_identifier().rank(_joined(texts))).get("en", 0.0)


def _main_language(texts: list[str]) -> tuple[str, float]:
    """The language of `texts` read together, and how sure the identifier is of it."""
    code, confidence = _identifier().classify(_joined(texts))
    return str(code), float(confidence)


def read_language(messages: list[Message], th: Thresholds) -> Language:
    """The main language of `messages` and how much of them is English; whether to read their words.

    Too little text to tell (fewer than `language_min_messages` text messages) is read as usual,
    the whole chat as each month. A chat that is read is read month by month too (see
    `months_not_read`).
    """
    texts = sample_texts(messages)
    if len(texts) < th.language_min_messages:
        return Language(None, None, True)
    share = _english(texts)
    code, confidence = _main_language(texts)
    named = confidence >= th.language_name_confidence
    if share < th.language_min_english and code != "en" and confidence >= th.language_min_confidence:
        return Language(code, round(share, 3), False, named)
    months, months_code = _months_not_read(messages, th)
    return Language(code, round(share, 3), True, named, months, months_code)


def _months_not_read(messages: list[Message], th: Thresholds) -> tuple[tuple[str, ...], str | None]:
    """The months hardly in English of a chat read as English, and their language if one is sure."""
    by_month: dict[tuple[int, int], list[Message]] = defaultdict(list)
    text = MessageKind.TEXT
    for m in messages:
        if m.kind is text and m.text:
            by_month[m.ts.year, m.ts.month].append(m)
    if len(by_month) < 2:
        return (), None  # the whole chat's verdict is the month's
    unread: list[str] = []
    unread_texts: list[str] = []
    for month, month_messages in sorted(by_month.items()):
        texts = sample_texts(month_messages, th.language_month_sample)
        if len(texts) < th.language_min_messages:
            continue
        # Most months are plainly English: their sample read as one text says so at once, and a
        # long history's hundreds of months cost one reading each.
        if _joined_english(texts) >= _PLAINLY_ENGLISH or _english(texts) >= th.language_min_english:
            continue
        code, confidence = _main_language(texts)
        if code not in ("en", "zxx") and confidence >= th.language_min_confidence:
            unread.append(f"{month[0]:04d}-{month[1]:02d}")
            unread_texts += texts
    if not unread:
        return (), None
    code, confidence = _main_language(unread_texts[:SAMPLE])
    return tuple(unread), (code if confidence >= th.language_name_confidence and code != "zxx" else None)
