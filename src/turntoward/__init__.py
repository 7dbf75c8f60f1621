"""turntoward: measure and grow connection in relationships, from chat exports and check-ins.

The Python API mirrors the command line: everything ``turntoward`` does is a function here.
"""

from __future__ import annotations

from turntoward.errors import (
    ImportFormatError,
    NotFoundError,
    StoreError,
    TurntowardError,
    UnknownFormatError,
    UsageError,
)
from turntoward.model import Conversation, Message, MessageKind, Reaction, Relationship, SystemEvent

__version__ = "0.1.0"

__all__ = [
    "Conversation",
    "ImportFormatError",
    "Message",
    "MessageKind",
    "NotFoundError",
    "Reaction",
    "Relationship",
    "StoreError",
    "SystemEvent",
    "TurntowardError",
    "UnknownFormatError",
    "UsageError",
    "__version__",
]
