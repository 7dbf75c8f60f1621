"""Labelling backends: one interface, several ways to read messages.

A backend turns a conversation into per-message labels and bids. The rules backend reads
lexicons and thresholds (data files); other backends can refine its calls. `get_backend`
returns a registered backend by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from turntoward.analysis._text import TextCues
from turntoward.analysis.findings import Bid, MessageLabel
from turntoward.model import Conversation


@dataclass(slots=True)
class Labelling:
    """A backend's reading of one conversation."""

    labels: list[MessageLabel]
    bids: list[Bid]
    cues: list[TextCues]


@runtime_checkable
class Backend(Protocol):
    """Reads a conversation and labels each message."""

    name: str

    def label(self, conv: Conversation) -> Labelling: ...


_BACKENDS: dict[str, type[Backend]] = {}

DEFAULT_BACKEND = "hybrid"
"""The backend that measures best on our held-out split (README, "Accuracy")."""


def register_backend(cls: type[Backend]) -> type[Backend]:
    """Register a backend class under its `name`."""
    _BACKENDS[cls.name] = cls
    return cls


def _load() -> None:
    from turntoward.analysis.backends import hybrid, rules  # noqa: F401  (they register themselves)


def get_backend(name: str = DEFAULT_BACKEND) -> Backend:
    _load()

    if name not in _BACKENDS:
        from turntoward.errors import UsageError

        raise UsageError(f"unknown analysis backend {name!r}; known: {', '.join(sorted(_BACKENDS))}")
    return _BACKENDS[name]()


def backend_names() -> list[str]:
    _load()

    return sorted(_BACKENDS)
