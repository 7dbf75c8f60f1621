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
the share of English they need is set low on purpose (`thresholds.toml`, `[language]`).

Language identification is py3langid's (a naive Bayes model over byte n-grams shipped inside
the package, over a hundred languages; nothing is downloaded). An even sample of the conversation's text
messages is read, so a million-message chat costs the same as a short one, and the same chat
exported by two apps gets the same verdict.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from turntoward.analysis._config import Thresholds
from turntoward.analysis._text import _URL  # the one link pattern the cues also strip
from turntoward.model import Message, MessageKind

SAMPLE = 400
"""Text messages read at most, evenly spread over the conversation."""
_LONGEST = 160
"""Characters of one message that count: a pasted article or error log is one message, not the chat."""


@dataclass(frozen=True, slots=True)
class Language:
    """What the analysis found about a conversation's language, and whether it read the words."""

    code: str | None
    """The main language (ISO 639 code as py3langid gives it), or None when there was too little text."""
    english: float | None
    """How much of the sampled text reads as English, 0 to 1 (length-weighted), or None when too little."""
    read: bool
    """Whether the words were read: False where too little of the chat is English."""

    @property
    def name(self) -> str | None:
        """The main language in words ("Spanish"), or its code where we have no name for it."""
        return language_name(self.code) if self.code else None

    def note(self) -> str | None:
        """Plain words for the user when the words were not read, else None."""
        if self.read:
            return None
        written = ("is mostly emoji, numbers and the like" if self.code == "zxx"
                   else f"is written in {self.name}")
        return (f"This chat {written}, not English (about {1 - (self.english or 0):.0%} of its text). "
                "turntoward's lexicons and models read English only, so bids, how they were answered, "
                "conflict, control and repair are not labelled here; message counts, active days, who "
                "reached out first and reply times are.")


@cache
def _identifier() -> Any:  # py3langid ships no type hints
    """py3langid's identifier, loaded once (about a second: its model is xz-compressed)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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


def read_language(messages: list[Message], th: Thresholds) -> Language:
    """The main language of `messages` and how much of them is English; whether to read their words.

    Too little text to tell (fewer than `language_min_messages` text messages) is read as usual.
    """
    texts = sample_texts(messages)
    if len(texts) < th.language_min_messages:
        return Language(None, None, True)
    ident = _identifier()
    english = total = 0.0
    for text in texts:
        text = text[:_LONGEST]
        p = dict(ident.rank(text))
        english += len(text) * p.get("en", 0.0)
        total += len(text)
    share = english / total
    code = str(ident.classify("\n".join(t[:_LONGEST] for t in texts))[0])
    return Language(code, round(share, 3), share >= th.language_min_english or code == "en")
