"""Redaction: names and quoted text replaced by placeholders, for sharing a report with a therapist.

A `Namer` is the one place where the report turns a person, a conversation or a message into
what the page shows, so a redacted report cannot leak a name through a forgotten code path.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

REDACTED_MESSAGE = "[message]"


def _placeholder(n: int) -> str:
    letters = string.ascii_uppercase
    label = letters[n % 26] + (str(n // 26 + 1) if n >= 26 else "")
    return f"Person {label}"


@dataclass(slots=True)
class Namer:
    """Shows people, conversations and messages as they are, or as placeholders when redacting."""

    redact: bool
    _people: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None
    _words: dict[str, str] = field(default_factory=dict)

    def add_people(self, people: list[str]) -> None:
        """Give each person a stable placeholder, in order of first appearance."""
        for p in people:
            if p not in self._people:
                self._people[p] = _placeholder(len(self._people))
        self._pattern = None

    def person(self, name: str) -> str:
        if not self.redact:
            return name
        if name not in self._people:
            self.add_people([name])
        return self._people[name]

    def conversation(self, number: int, title: str) -> str:
        return f"Conversation {number}" if self.redact else title

    def source(self, number: int, source: str) -> str:
        return f"conversation-{number}" if self.redact else source

    def message(self, text: str) -> str:
        return REDACTED_MESSAGE if self.redact else text

    def scrub(self, text: str) -> str:
        """Free text from the analysis (evidence, suggestions) with every name replaced."""
        if not self.redact or not self._people:
            return text
        if self._pattern is None:
            # Whole names first, then each longer part of a name ("Maya Okafor" -> "Maya", "Okafor").
            words: dict[str, str] = {}
            for name, alias in self._people.items():
                words.setdefault(name, alias)
                for part in re.split(r"\s+", name):
                    if len(part) >= 3:
                        words.setdefault(part, alias)
            self._words = words
            alternatives = sorted(words, key=len, reverse=True)
            self._pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in alternatives) + r")(?!\w)")
        return self._pattern.sub(lambda m: self._words[m.group(1)], text)
